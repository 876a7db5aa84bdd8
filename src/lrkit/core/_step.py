"""Piecewise and monotone decays: StepLR, MultiStepLR, ConstantLR, LinearLR, ExponentialLR, PolynomialLR."""

from __future__ import annotations

import bisect
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import field
from typing import Any

from lrkit.core._errors import MAX_COUNT, check_int, check_real, fail_type
from lrkit.core._scaled import Multiplicative
from lrkit.core._schedule import check_lr, schedule_class
from lrkit.core._xp import SCALAR, Namespace, Wide

__all__ = [
    "ConstantLR",
    "ExponentialLR",
    "LinearLR",
    "MultiStepLR",
    "PolynomialLR",
    "StepLR",
]


@schedule_class
class StepLR(Multiplicative):
    r"""Decay by ``gamma`` every ``step_size`` steps.

    .. math:: \eta_t = \eta_0 \, \gamma^{\lfloor t / s \rfloor}

    Args:
        lr: the initial learning rate :math:`\eta_0` (>= 0).
        step_size: :math:`s`, the steps between decays (a positive integer).
        gamma: :math:`\gamma`, the decay factor (>= 0; > 1 grows the rate, which then
            saturates at the largest float64, about 1.8e308, where it would pass it).

    ``t // step_size`` is an integer division, exact at any whole step (a Python int of any
    size, int64 and uint64 arrays); ``step_size`` is at most 2**53.

    >>> s = StepLR(lr=0.05, step_size=30, gamma=0.1)
    >>> [round(s(t), 6) for t in (0, 29, 30, 59, 60, 90)]
    [0.05, 0.05, 0.005, 0.005, 0.0005, 5e-05]
    """

    lr: float
    step_size: int
    gamma: float = 0.1

    def __post_init__(self) -> None:
        self._set("lr", check_lr("lr", self.lr))
        self._set("step_size", check_int("step_size", self.step_size, low=1, high=MAX_COUNT))
        self._set("gamma", check_real("gamma", self.gamma, low=0.0))

    def _factor(self, xp: Namespace, t: Any, tiny: bool = False) -> Any:
        return xp.exact_power(self.gamma, t // self.step_size, tiny)

    def _chain_factor(self, xp: Namespace, t: Any) -> Any:
        return self._factor(xp, t, tiny=True)

    def step_factor(self, step: float) -> float:
        """``gamma`` at every non-zero multiple of ``step_size``, else 1."""
        return self.gamma if step != 0 and step % self.step_size == 0 else 1.0

    @property
    def length(self) -> int:
        return 3 * self.step_size + self.step_size // 2

    @property
    def breakpoints(self) -> tuple[float, ...]:
        return tuple(float(k * self.step_size) for k in range(1, 4))


@schedule_class
class MultiStepLR(Multiplicative):
    r"""Decay by ``gamma`` at each milestone.

    .. math:: \eta_t = \eta_0 \, \gamma^{\#\{m \in M : m \le t\}}

    Milestones may come in any order; a milestone listed twice decays twice (as torch's
    ``Counter`` does). A milestone at 0 applies at construction.

    Args:
        lr: the initial learning rate (>= 0).
        milestones: the steps :math:`M` at which to decay (integers from 0 to 2**53; may
            be empty).
        gamma: the decay factor (>= 0; > 1 grows the rate, which saturates at the largest
            float64 where it would pass it).

    >>> s = MultiStepLR(lr=0.05, milestones=[30, 80], gamma=0.1)
    >>> [round(s(t), 6) for t in (0, 29, 30, 79, 80, 100)]
    [0.05, 0.05, 0.005, 0.005, 0.0005, 0.0005]
    """

    lr: float
    milestones: tuple[int, ...]
    gamma: float = 0.1

    #: The milestones, sorted (derived in __post_init__).
    _sorted: tuple[float, ...] = field(init=False, repr=False, compare=False, default=())
    #: The factor after k decays, gamma ** k, for k = 0..len(milestones) (derived): a
    #: float, or a Wide number beyond float64's range.
    _levels: tuple[Any, ...] = field(init=False, repr=False, compare=False, default=())
    #: The levels as (mantissas, exponents), where some level is a Wide number (derived).
    _wide: tuple[Any, ...] | None = field(init=False, repr=False, compare=False, default=None)
    #: How many times each milestone is listed (derived).
    _counts: dict[float, int] = field(init=False, repr=False, compare=False, default_factory=dict)

    def __post_init__(self) -> None:
        self._set("lr", check_lr("lr", self.lr))
        self._set("milestones", check_milestones("milestones", self.milestones))
        self._set("gamma", check_real("gamma", self.gamma, low=0.0))
        self._set("_sorted", tuple(float(m) for m in sorted(self.milestones)))
        levels = tuple(SCALAR.exact_power(self.gamma, k) for k in range(len(self._sorted) + 1))
        self._set("_levels", levels)
        if any(level.__class__ is Wide for level in levels):
            wide = [
                level if level.__class__ is Wide else Wide(*math.frexp(level)) for level in levels
            ]
            self._set("_wide", (tuple(w.mantissa for w in wide), tuple(w.exponent for w in wide)))
        self._set("_counts", dict(Counter(self.milestones)))

    def _factor(self, xp: Namespace, t: Any) -> Any:
        # Piecewise constant: look up gamma ** (number of milestones <= t).
        if xp is SCALAR:
            return self._levels[bisect.bisect_right(self._sorted, t)]
        edges = (-math.inf, *self._sorted)
        if self._wide is None:
            return xp.lookup(edges, (self._levels,), t)[0]
        return Wide(*xp.lookup(edges, self._wide, t))

    def step_factor(self, step: float) -> float:
        """``gamma ** n`` at a milestone listed ``n`` times, else 1."""
        n = self._counts.get(step, 0)
        return SCALAR.power(self.gamma, float(n)) if n else 1.0

    @property
    def length(self) -> int:
        last = max(self.milestones, default=0)
        return max(10, last + max(10, last // 4))

    @property
    def breakpoints(self) -> tuple[float, ...]:
        return tuple(sorted(set(self._sorted)))


def check_milestones(argument: str, value: Any) -> tuple[int, ...]:
    """A sequence of integers from 0 to 2**53, kept in the order given."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        fail_type(argument, "a list of integers >= 0", value)
    return tuple(
        check_int(f"{argument}[{i}]", m, low=0, high=MAX_COUNT) for i, m in enumerate(value)
    )


@schedule_class
class ConstantLR(Multiplicative):
    r"""Scale by a constant ``factor`` for the first ``total_iters`` steps.

    .. math:: \eta_t = \eta_0 \cdot \begin{cases} f & t < T \\ 1 & t \ge T \end{cases}

    ``factor = 0`` holds the rate at 0 for ``total_iters`` steps (torch accepts it too,
    but its recursive rule divides by it at step ``total_iters``).

    Args:
        lr: the initial learning rate (>= 0).
        factor: :math:`f` in [0, 1].
        total_iters: :math:`T`, the number of scaled steps (a positive integer).

    >>> s = ConstantLR(lr=0.05, factor=0.5, total_iters=4)
    >>> [s(t) for t in (0, 3, 4, 10)]
    [0.025, 0.025, 0.05, 0.05]
    """

    lr: float
    factor: float = 1.0 / 3
    total_iters: int = 5

    def __post_init__(self) -> None:
        self._set("lr", check_lr("lr", self.lr))
        self._set("factor", check_real("factor", self.factor, low=0.0, high=1.0))
        self._set("total_iters", check_int("total_iters", self.total_iters, low=1, high=MAX_COUNT))

    def _factor(self, xp: Namespace, t: Any) -> Any:
        return xp.where(t < self.total_iters, self.factor, 1.0)

    def step_factor(self, step: float) -> float:
        """``factor`` at step 0, ``1 / factor`` at ``total_iters`` (inf for factor 0), else 1."""
        if step == 0:
            return self.factor
        if step == self.total_iters:
            return 1.0 / self.factor if self.factor else math.inf
        return 1.0

    @property
    def length(self) -> int:
        return 2 * self.total_iters

    @property
    def breakpoints(self) -> tuple[float, ...]:
        return (float(self.total_iters),)


@schedule_class
class LinearLR(Multiplicative):
    r"""Move the factor linearly from ``start_factor`` to ``end_factor`` over ``total_iters`` steps.

    .. math::
        \eta_t = \eta_0 \left( f_s \frac{T - \min(t, T)}{T} + f_e \frac{\min(t, T)}{T} \right)

    Written as a weighted mean of the two factors, the warm-up lands exactly on
    ``lr * end_factor`` at step ``total_iters`` and stays there (torch's recursion
    drifts: from 1/3 over ``total_iters=10**5`` it ends at 0.10000000000002987 for lr 0.1).

    Args:
        lr: the initial learning rate (>= 0).
        start_factor: :math:`f_s` in (0, 1].
        end_factor: :math:`f_e` in [0, 1].
        total_iters: :math:`T`, the steps to reach ``end_factor`` (a positive integer).

    >>> s = LinearLR(lr=0.05, start_factor=0.5, total_iters=4)
    >>> [round(s(t), 8) for t in (0, 1, 2, 3, 4, 100)]
    [0.025, 0.03125, 0.0375, 0.04375, 0.05, 0.05]
    """

    lr: float
    start_factor: float = 1.0 / 3
    end_factor: float = 1.0
    total_iters: int = 5

    def __post_init__(self) -> None:
        self._set("lr", check_lr("lr", self.lr))
        self._set(
            "start_factor",
            check_real("start_factor", self.start_factor, low=0.0, high=1.0, low_open=True),
        )
        self._set("end_factor", check_real("end_factor", self.end_factor, low=0.0, high=1.0))
        self._set("total_iters", check_int("total_iters", self.total_iters, low=1, high=MAX_COUNT))

    def _factor(self, xp: Namespace, t: Any) -> Any:
        n = float(self.total_iters)
        done = xp.minimum(t, n)
        return self.start_factor * ((n - done) / n) + self.end_factor * (done / n)

    def step_factor(self, step: float) -> float:
        """``start_factor`` at step 0, then the ratio of consecutive factors up to ``total_iters``."""
        if step == 0:
            return self.start_factor
        if step > self.total_iters:
            return 1.0
        s, e, n = self.start_factor, self.end_factor, self.total_iters
        return 1.0 + (e - s) / (n * s + (step - 1) * (e - s))

    @property
    def length(self) -> int:
        return 2 * self.total_iters

    @property
    def breakpoints(self) -> tuple[float, ...]:
        return (float(self.total_iters),)


@schedule_class
class ExponentialLR(Multiplicative):
    r"""Decay by ``gamma`` every step.

    .. math:: \eta_t = \eta_0 \, \gamma^t

    Args:
        lr: the initial learning rate (>= 0).
        gamma: :math:`\gamma` (>= 0; ``gamma > 1`` grows the rate, which saturates at the
            largest float64, about 1.8e308, where it would pass it: never inf, where
            torch's overflows to inf).

    ``lr * gamma ** t`` is exact to a few ulps also where ``gamma ** t`` alone passes
    1.8e308 (``lr=1e-10, gamma=2, t=1030``), and integer steps above 2**53 are not rounded
    to float64 first.

    >>> s = ExponentialLR(lr=0.1, gamma=0.9)
    >>> [round(s(t), 6) for t in (0, 1, 2, 10)]
    [0.1, 0.09, 0.081, 0.034868]
    """

    lr: float
    gamma: float

    def __post_init__(self) -> None:
        self._set("lr", check_lr("lr", self.lr))
        self._set("gamma", check_real("gamma", self.gamma, low=0.0))

    def _factor(self, xp: Namespace, t: Any, tiny: bool = False) -> Any:
        return xp.exact_power(self.gamma, t, tiny)

    def _chain_factor(self, xp: Namespace, t: Any) -> Any:
        return self._factor(xp, t, tiny=True)

    def step_factor(self, step: float) -> float:
        """``gamma``, at every step."""
        return self.gamma

    @property
    def length(self) -> int:
        return 100


@schedule_class
class PolynomialLR(Multiplicative):
    r"""Decay to zero as a polynomial over ``total_iters`` steps.

    .. math:: \eta_t = \eta_0 \left( \frac{T - \min(t, T)}{T} \right)^p

    Args:
        lr: the initial learning rate (>= 0).
        total_iters: :math:`T` (a positive integer).
        power: :math:`p` (>= 0; 0 keeps the rate constant).

    >>> s = PolynomialLR(lr=0.001, total_iters=4, power=1.0)
    >>> [s(t) for t in (0, 1, 2, 3, 4, 5)]
    [0.001, 0.00075, 0.0005, 0.00025, 0.0, 0.0]
    """

    lr: float
    total_iters: int = 5
    power: float = 1.0

    def __post_init__(self) -> None:
        self._set("lr", check_lr("lr", self.lr))
        self._set("total_iters", check_int("total_iters", self.total_iters, low=1, high=MAX_COUNT))
        self._set("power", check_real("power", self.power, low=0.0))

    def _factor(self, xp: Namespace, t: Any, tiny: bool = False) -> Any:
        n = float(self.total_iters)
        return xp.exact_power((n - xp.minimum(t, n)) / n, self.power, tiny)

    def _chain_factor(self, xp: Namespace, t: Any) -> Any:
        return self._factor(xp, t, tiny=True)

    def step_factor(self, step: float) -> float:
        """The ratio of consecutive factors up to ``total_iters`` (the formula continued to
        step -1 at step 0), then 1."""
        if step > self.total_iters:
            return 1.0
        n = self.total_iters
        value: float = SCALAR.power((1.0 - step / n) / (1.0 - (step - 1) / n), self.power)
        return value

    @property
    def length(self) -> int:
        return self.total_iters + max(1, self.total_iters // 10)

    @property
    def breakpoints(self) -> tuple[float, ...]:
        return (float(self.total_iters),)
