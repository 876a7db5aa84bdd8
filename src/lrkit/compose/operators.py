"""Python's operators on schedules: ``s * 2``, ``2 * s``, ``s / 4``, ``s + c``, ``s - c``,
``c - s``, ``s1 * s2``, ``s1 + s2``, ``s1 - s2``.

:class:`lrkit.Schedule`'s operator methods call these; each returns the combinator that
computes it (:class:`~lrkit.compose.Affine`, :class:`~lrkit.compose.Product`,
:class:`~lrkit.compose.Sum`), or ``NotImplemented`` for an operand that is neither a
number nor a schedule.
"""

from __future__ import annotations

import numbers
from typing import Any

from lrkit.compose._arith import Affine, Combination, Product, Sum, check_constant
from lrkit.core import Schedule

__all__ = ["add", "divide", "multiply", "subtract", "subtract_from"]


def is_constant(value: Any) -> bool:
    """A plain number an operator may combine with a schedule."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _affine(
    schedule: Schedule, scale: float = 1.0, divisor: float = 1.0, shift: float = 0.0
) -> Affine:
    """``schedule * scale / divisor + shift``, folded into an Affine ``schedule`` already is
    where the operations keep their order (so the values are the same, bit for bit)."""
    if isinstance(schedule, Affine) and scale == 1.0:
        a = schedule
        if shift == 0.0 and a.divisor == 1.0 and a.shift == 0.0:  # (S * a) / d
            return Affine(a.of, scale=a.scale, divisor=divisor)
        if divisor == 1.0 and a.shift == 0.0:  # (S * a / d) + c
            return Affine(a.of, scale=a.scale, divisor=a.divisor, shift=shift)
    return Affine(schedule, scale=scale, divisor=divisor, shift=shift)


def _flat(kind: type[Combination], left: Schedule, right: Schedule) -> list[Schedule]:
    children: list[Schedule] = []
    for side in (left, right):
        children += list(side.schedulers) if type(side) is kind else [side]
    return children


def multiply(left: Schedule, right: Any) -> Schedule | Any:
    if isinstance(right, Schedule):
        return Product(tuple(_flat(Product, left, right)))
    if is_constant(right):
        return _affine(left, scale=check_constant("factor", right))
    return NotImplemented


def divide(left: Schedule, right: Any) -> Schedule | Any:
    if isinstance(right, Schedule):
        raise TypeError(
            "a schedule divided by a schedule is not supported; multiply by a schedule of "
            "factors instead (s1 * s2)"
        )
    if is_constant(right):
        return _affine(left, divisor=check_constant("divisor", right, nonzero=True))
    return NotImplemented


def add(left: Schedule, right: Any) -> Schedule | Any:
    if isinstance(right, Schedule):
        return Sum(tuple(_flat(Sum, left, right)))
    if is_constant(right):
        return _affine(left, shift=check_constant("shift", right))
    return NotImplemented


def subtract(left: Schedule, right: Any) -> Schedule | Any:
    if isinstance(right, Schedule):
        return Sum(tuple(_flat(Sum, left, Affine(right, scale=-1.0))))
    if is_constant(right):
        return _affine(left, shift=-check_constant("shift", right))
    return NotImplemented


def subtract_from(left: Any, right: Schedule) -> Schedule | Any:
    """``left - right`` for a number ``left``."""
    if is_constant(left):
        return Affine(right, scale=-1.0, shift=check_constant("shift", left))
    return NotImplemented
