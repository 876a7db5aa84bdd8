"""optax's schedules under optax's own names and arguments (issue 10).

``lrkit.optax.linear_schedule(init_value=1.0, end_value=0.01, transition_steps=100)`` is the
schedule whose value at step ``t`` is optax's ``linear_schedule(...)(t)`` computed in float64
(``jax_enable_x64``); the config ``{"type": "optax.linear_schedule", ...}`` builds the same.
Each is a small closed form evaluated in optax's own order of float operations, so the
values agree with optax to the last bit or two. Values are learning rates: they must stay
>= 0, so the values optax would allow below zero are refused here.
"""

from __future__ import annotations

import math
from typing import Any

from lrkit.core import Namespace, Schedule, check_int, check_real, schedule_class

__all__ = [
    "constant_schedule",
    "cosine_decay_schedule",
    "linear_schedule",
    "polynomial_schedule",
]

#: The largest step count optax's arguments may hold here (every count is exact in float64).
MAX_COUNT = 2**53


def _rate(name: str, value: Any) -> float:
    """A value of the schedule: a finite real >= 0."""
    return check_real(name, value, low=0.0)


def _count(name: str, value: Any) -> int:
    """A step count optax accepts below zero (meaning 0 there): any integer up to 2**53."""
    return check_int(name, value, low=-MAX_COUNT, high=MAX_COUNT)


class _OptaxSchedule(Schedule):
    """A schedule of optax's: its repr is the call ``optax.<name>(...)`` that builds it."""

    def __repr__(self) -> str:
        arguments = super().__repr__().split("(", 1)[1]
        return f"{self.config_type}({arguments}"


@schedule_class(name="optax.constant_schedule")
class _ConstantSchedule(_OptaxSchedule):
    r"""optax's ``constant_schedule``: ``value`` at every step.

    .. math::
        \eta_t = v

    Args:
        value: :math:`v` (>= 0).

    From optax (``optax.constant_schedule``).

    >>> s = constant_schedule(0.5)
    >>> s(0), s(10**9)
    (0.5, 0.5)
    """

    value: float

    def __post_init__(self) -> None:
        self._set("value", _rate("value", self.value))

    def _value(self, xp: Namespace, t: Any) -> Any:
        return t * 0.0 + self.value

    @property
    def length(self) -> int:
        return 1


def _transition(xp: Namespace, t: Any, steps: int, begin: int) -> Any:
    """optax's ``1 - clip(count - begin, 0, steps) / steps``: the remaining fraction."""
    count = xp.minimum(xp.maximum(t - begin, 0), steps)  # whole steps stay integers
    return 1 - count / steps


class _Transition(_OptaxSchedule):
    """From ``init_value`` (up to ``transition_begin``) to ``end_value`` over
    ``transition_steps`` (optax's polynomial and linear schedules)."""

    init_value: float
    end_value: float
    transition_steps: int
    transition_begin: int

    def _check_transition(self) -> None:
        self._set("init_value", _rate("init_value", self.init_value))
        self._set("end_value", _rate("end_value", self.end_value))
        self._set("transition_steps", _count("transition_steps", self.transition_steps))
        self._set("transition_begin", _count("transition_begin", self.transition_begin))

    def _curve(self, xp: Namespace, frac: Any) -> Any:
        raise NotImplementedError

    def _value(self, xp: Namespace, t: Any) -> Any:
        steps = self.transition_steps
        if steps <= 0:  # optax: no transition at all (a constant schedule)
            return t * 0.0 + self.init_value
        frac = _transition(xp, t, steps, max(self.transition_begin, 0))
        return (self.init_value - self.end_value) * self._curve(xp, frac) + self.end_value

    @property
    def length(self) -> int:
        return max(self.transition_begin, 0) + max(self.transition_steps, 0) + 1

    @property
    def boundaries(self) -> tuple[float, ...]:
        if self.transition_steps <= 0:
            return ()
        begin = max(self.transition_begin, 0)
        return (float(begin), float(begin + self.transition_steps))


@schedule_class(name="optax.linear_schedule")
class _LinearSchedule(_Transition):
    r"""optax's ``linear_schedule``: from ``init_value`` to ``end_value`` along a line.

    .. math::
        \eta_t = (I - E)\,\big(1 - c_t / T\big) + E, \qquad
        c_t = \min\big(\max(t - B, 0),\, T\big)

    with :math:`I` = ``init_value``, :math:`E` = ``end_value``, :math:`T` =
    ``transition_steps`` and :math:`B` = ``transition_begin`` (optax's
    ``polynomial_schedule`` with power 1, evaluated in the same order). As in optax, a
    ``transition_steps <= 0`` gives the constant :math:`I`, and a negative
    ``transition_begin`` counts as 0.

    Args:
        init_value: :math:`I`, the value up to step :math:`B` (>= 0).
        end_value: :math:`E`, the value at and after step :math:`B + T` (>= 0).
        transition_steps: :math:`T` (an integer; <= 0 means no transition).
        transition_begin: :math:`B` (an integer; below 0 means 0). Default 0.

    From optax (``optax.linear_schedule``).

    >>> s = linear_schedule(init_value=1.0, end_value=0.0, transition_steps=10, transition_begin=5)
    >>> [s(t) for t in (0, 5, 10, 15, 99)]
    [1.0, 1.0, 0.5, 0.0, 0.0]
    """

    init_value: float
    end_value: float
    transition_steps: int
    transition_begin: int = 0

    def __post_init__(self) -> None:
        self._check_transition()

    def _curve(self, xp: Namespace, frac: Any) -> Any:
        return frac  # optax's frac ** 1, which is frac exactly


@schedule_class(name="optax.polynomial_schedule")
class _PolynomialSchedule(_Transition):
    r"""optax's ``polynomial_schedule``: from ``init_value`` to ``end_value`` along a power.

    .. math::
        \eta_t = (I - E)\,\big(1 - c_t / T\big)^{P} + E, \qquad
        c_t = \min\big(\max(t - B, 0),\, T\big)

    with :math:`I` = ``init_value``, :math:`E` = ``end_value``, :math:`P` = ``power``,
    :math:`T` = ``transition_steps`` and :math:`B` = ``transition_begin``. As in optax, a
    ``transition_steps <= 0`` gives the constant :math:`I`, and a negative
    ``transition_begin`` counts as 0.

    Args:
        init_value: :math:`I`, the value up to step :math:`B` (>= 0).
        end_value: :math:`E`, the value at and after step :math:`B + T` (>= 0).
        power: :math:`P` (>= 0; :math:`0^0 = 1`).
        transition_steps: :math:`T` (an integer; <= 0 means no transition).
        transition_begin: :math:`B` (an integer; below 0 means 0). Default 0.

    From optax (``optax.polynomial_schedule``).

    >>> s = polynomial_schedule(init_value=1.0, end_value=0.01, power=2, transition_steps=100)
    >>> [round(s(t), 4) for t in (0, 50, 100, 200)]
    [1.0, 0.2575, 0.01, 0.01]
    """

    init_value: float
    end_value: float
    power: float
    transition_steps: int
    transition_begin: int = 0

    def __post_init__(self) -> None:
        self._check_transition()
        self._set("power", check_real("power", self.power, low=0.0))

    def _curve(self, xp: Namespace, frac: Any) -> Any:
        return xp.power(frac, self.power)


@schedule_class(name="optax.cosine_decay_schedule")
class _CosineDecaySchedule(_OptaxSchedule):
    r"""optax's ``cosine_decay_schedule``: a half cosine from ``init_value`` to
    ``alpha * init_value`` over ``decay_steps``, raised to ``exponent``.

    .. math::
        \eta_t = I\,\Big((1 - \alpha)\,\big(\tfrac12 (1 + \cos(\pi c_t / T))\big)^{p}
            + \alpha\Big), \qquad c_t = \min(t, T)

    with :math:`I` = ``init_value``, :math:`T` = ``decay_steps``, :math:`\alpha` = ``alpha``
    and :math:`p` = ``exponent``.

    Args:
        init_value: :math:`I`, the value at step 0 (>= 0).
        decay_steps: :math:`T` (a positive integer).
        alpha: :math:`\alpha`, the final multiplier (>= 0). Default 0.
        exponent: :math:`p` (>= 0). Default 1.

    From optax (``optax.cosine_decay_schedule``); the cosine from Loshchilov & Hutter,
    SGDR (https://arxiv.org/abs/1608.03983).

    >>> s = cosine_decay_schedule(init_value=1.0, decay_steps=100, alpha=0.1)
    >>> [round(s(t), 4) for t in (0, 50, 100, 1000)]
    [1.0, 0.55, 0.1, 0.1]
    """

    init_value: float
    decay_steps: int
    alpha: float = 0.0
    exponent: float = 1.0

    def __post_init__(self) -> None:
        self._set("init_value", _rate("init_value", self.init_value))
        self._set("decay_steps", check_int("decay_steps", self.decay_steps, low=1, high=MAX_COUNT))
        self._set("alpha", check_real("alpha", self.alpha, low=0.0))
        self._set("exponent", check_real("exponent", self.exponent, low=0.0))

    def _value(self, xp: Namespace, t: Any) -> Any:
        count = xp.minimum(t, self.decay_steps) * 1.0  # optax counts in floats
        cosine = 0.5 * (1 + xp.cos(math.pi * count / self.decay_steps))
        decayed = (1 - self.alpha) * xp.power(cosine, self.exponent) + self.alpha
        return self.init_value * decayed

    @property
    def length(self) -> int:
        return self.decay_steps + 1

    @property
    def boundaries(self) -> tuple[float, ...]:
        return (float(self.decay_steps),)


# -- optax's functions: each returns the schedule of the same name ------------------------


def constant_schedule(value: float) -> _ConstantSchedule:
    """optax's ``constant_schedule`` (see :class:`_ConstantSchedule`)."""
    return _ConstantSchedule(value)


def linear_schedule(
    init_value: float, end_value: float, transition_steps: int, transition_begin: int = 0
) -> _LinearSchedule:
    """optax's ``linear_schedule`` (see :class:`_LinearSchedule`)."""
    return _LinearSchedule(init_value, end_value, transition_steps, transition_begin)


def polynomial_schedule(
    init_value: float,
    end_value: float,
    power: float,
    transition_steps: int,
    transition_begin: int = 0,
) -> _PolynomialSchedule:
    """optax's ``polynomial_schedule`` (see :class:`_PolynomialSchedule`)."""
    return _PolynomialSchedule(init_value, end_value, power, transition_steps, transition_begin)


def cosine_decay_schedule(
    init_value: float, decay_steps: int, alpha: float = 0.0, exponent: float = 1.0
) -> _CosineDecaySchedule:
    """optax's ``cosine_decay_schedule`` (see :class:`_CosineDecaySchedule`)."""
    return _CosineDecaySchedule(init_value, decay_steps, alpha, exponent)
