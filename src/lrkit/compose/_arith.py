"""Arithmetic on schedules: scale, divide and shift (:class:`Affine`), products and sums of
schedules, and clamping to a range. Python's operators build these: ``s * 2``, ``2 * s``,
``s / 4``, ``s + 1e-5``, ``s - c``, ``s1 * s2``, ``s1 + s2``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lrkit.core import Namespace, Schedule, check_real, fail, fail_type, schedule_class

__all__ = ["Affine", "Clamp", "Product", "Sum"]

#: The largest magnitude of a scale, divisor or shift: values stay far from overflow.
MAX_CONSTANT = 1e300


def check_schedule(argument: str, value: Any) -> Schedule:
    """A single schedule argument."""
    if not isinstance(value, Schedule):
        fail_type(argument, "a Schedule", value)
    return value


def check_schedules(argument: str, value: Any, least: int = 1) -> tuple[Schedule, ...]:
    """A list of at least ``least`` schedules (any iterable but a string or a schedule)."""
    rule = (
        "a non-empty list of schedules" if least == 1 else f"a list of at least {least} schedules"
    )
    if isinstance(value, (Schedule, str, bytes)) or not isinstance(value, Iterable):
        fail_type(argument, rule, value)
    children = tuple(value)
    if len(children) < least:
        fail(argument, rule, list(children))
    for i, child in enumerate(children):
        check_schedule(f"{argument}[{i}]", child)
    return children


def check_constant(argument: str, value: Any, *, nonzero: bool = False) -> float:
    number = check_real(argument, value, largest=MAX_CONSTANT, largest_text="1e+300")
    if nonzero and number == 0.0:
        fail(argument, "a finite number other than 0", value)
    return number


class Wrapper(Schedule):
    """A schedule of one other schedule, ``of``, read on the same steps: its domain, its
    whole-step rule, its length and boundaries are ``of``'s."""

    schedule_fields = ("of",)

    of: Schedule

    def _whole_steps_only(self) -> bool:
        return self.of._whole_steps_only()

    def _check_steps(self, largest: float) -> None:
        self.of._check_steps(largest)

    @property
    def last_step(self) -> float | None:
        return self.of.last_step

    @property
    def length(self) -> int | None:
        return self.of.length

    @property
    def breakpoints(self) -> tuple[float, ...]:
        return self.of.breakpoints


class Combination(Schedule):
    """A schedule of several schedules read on the same steps (``schedulers``)."""

    schedule_lists = ("schedulers",)

    schedulers: tuple[Schedule, ...]

    def __post_init__(self) -> None:
        self._set("schedulers", check_schedules("schedulers", self.schedulers, least=2))

    def _whole_steps_only(self) -> bool:
        return any(child._whole_steps_only() for child in self.schedulers)

    def _check_steps(self, largest: float) -> None:
        for child in self.schedulers:
            child._check_steps(largest)

    @property
    def last_step(self) -> float | None:
        ends = [c.last_step for c in self.schedulers if c.last_step is not None]
        return min(ends) if ends else None

    @property
    def length(self) -> int | None:
        lengths = [c.length for c in self.schedulers if c.length is not None]
        return max(lengths) if lengths else None

    @property
    def breakpoints(self) -> tuple[float, ...]:
        return tuple(sorted({b for child in self.schedulers for b in child.breakpoints}))


@schedule_class
class Affine(Wrapper):
    r"""A schedule scaled, divided and shifted: what ``s * a``, ``s / d`` and ``s + c`` build.

    .. math:: \eta_t = S(t) \cdot a / d + c

    computed in that order, each operation rounded once (``s / 3`` is ``S(t) / 3``, not
    ``S(t) * (1/3)``). Operators fold into one Affine only where the order of operations
    stays the same: ``s * 2 + 1`` is one Affine, ``(s + 1) * 2`` two.

    Args:
        of: the schedule :math:`S`.
        scale: :math:`a`, any finite number (at most 1e300 in magnitude).
        divisor: :math:`d`, a finite number other than 0.
        shift: :math:`c`, any finite number. A negative shift (``s - c``) may give negative
            values; :class:`Clamp` bounds them.

    >>> from lrkit import CosineAnnealingLR
    >>> s = CosineAnnealingLR(lr=1.0, T_max=10) * 0.1 + 1e-3
    >>> s
    Affine(of=CosineAnnealingLR(lr=1.0, T_max=10, eta_min=0.0), scale=0.1, divisor=1.0, shift=0.001)
    >>> round(s(0), 6), round(s(10), 6)
    (0.101, 0.001)
    """

    of: Schedule
    scale: float = 1.0
    divisor: float = 1.0
    shift: float = 0.0

    def __post_init__(self) -> None:
        self._set("of", check_schedule("of", self.of))
        self._set("scale", check_constant("scale", self.scale))
        self._set("divisor", check_constant("divisor", self.divisor, nonzero=True))
        self._set("shift", check_constant("shift", self.shift))

    def _value(self, xp: Namespace, t: Any) -> Any:
        value = self.of._value(xp, t)
        if self.scale != 1.0:
            value = value * self.scale
        if self.divisor != 1.0:
            value = value / self.divisor
        if self.shift != 0.0:
            value = value + self.shift
        return value


@schedule_class
class Product(Combination):
    r"""The product of schedules, value by value: what ``s1 * s2`` builds.

    .. math:: \eta_t = \prod_i S_i(t)

    Multiply an absolute schedule by factor-valued ones (a schedule with ``lr=1.0`` is a
    factor): ``lrkit.CosineAnnealingLR(lr=0.1, T_max=100) * lrkit.LinearLR(lr=1.0,
    start_factor=0.1, total_iters=5)`` is a cosine whose first five steps are warmed up.
    (:class:`lrkit.ChainedScheduler` is torch's product of *factors* of one shared ``lr``.)

    Args:
        schedulers: at least two schedules.

    >>> from lrkit import ConstantLR, ExponentialLR
    >>> s = ExponentialLR(lr=0.1, gamma=0.5) * ConstantLR(lr=1.0, factor=0.1, total_iters=2)
    >>> [round(s(t), 6) for t in range(4)]
    [0.01, 0.005, 0.025, 0.0125]
    """

    schedulers: tuple[Schedule, ...]

    def _value(self, xp: Namespace, t: Any) -> Any:
        value = self.schedulers[0]._value(xp, t)
        for child in self.schedulers[1:]:
            value = value * child._value(xp, t)
        return value


@schedule_class
class Sum(Combination):
    r"""The sum of schedules, value by value: what ``s1 + s2`` (and ``s1 - s2``) builds.

    .. math:: \eta_t = \sum_i S_i(t)

    Args:
        schedulers: at least two schedules.

    >>> from lrkit import ConstantLR, ExponentialLR
    >>> s = ExponentialLR(lr=0.1, gamma=0.5) + ConstantLR(lr=0.01, factor=1.0)
    >>> [round(s(t), 6) for t in range(3)]
    [0.11, 0.06, 0.035]
    """

    schedulers: tuple[Schedule, ...]

    def _value(self, xp: Namespace, t: Any) -> Any:
        value = self.schedulers[0]._value(xp, t)
        for child in self.schedulers[1:]:
            value = value + child._value(xp, t)
        return value


@schedule_class
class Clamp(Wrapper):
    r"""A schedule kept within ``[low, high]``.

    .. math:: \eta_t = \min(\max(S(t), \ell), h)

    Args:
        of: the schedule :math:`S`.
        low: :math:`\ell`, the smallest value (None: no lower bound).
        high: :math:`h`, the largest value (None: no upper bound); at least ``low``. At
            least one of the two is given.

    >>> from lrkit import ExponentialLR
    >>> s = Clamp(ExponentialLR(lr=0.1, gamma=0.5), low=0.02)
    >>> [round(s(t), 6) for t in range(5)]
    [0.1, 0.05, 0.025, 0.02, 0.02]
    """

    of: Schedule
    low: float | None = None
    high: float | None = None

    def __post_init__(self) -> None:
        self._set("of", check_schedule("of", self.of))
        if self.low is None and self.high is None:
            fail("low", "given, or high given (a Clamp needs a bound)", None)
        if self.low is not None:
            self._set("low", check_constant("low", self.low))
        if self.high is not None:
            self._set("high", check_constant("high", self.high))
            if self.low is not None and self.high < self.low:
                fail("high", f"at least low={self.low!r}", self.high)

    def _value(self, xp: Namespace, t: Any) -> Any:
        value = self.of._value(xp, t)
        if self.low is not None:
            value = xp.maximum(value, self.low)
        if self.high is not None:
            value = xp.minimum(value, self.high)
        return value
