"""OneCycleLR: the 1cycle policy (Smith and Topin, arXiv:1708.07120)."""

from __future__ import annotations

import bisect
import functools
import types
from collections.abc import Callable, Mapping
from dataclasses import field
from typing import Any

from lrkit.core._cosine import cosine_mix, cosine_weights, linear_mix, linear_weights, mix
from lrkit.core._errors import (
    MAX_COUNT,
    MAX_RATE,
    check_bool,
    check_choice,
    check_int,
    check_real,
    fail,
)
from lrkit.core._momentum import CyclesMomentum
from lrkit.core._schedule import check_lr, check_momentum, schedule_class, shown_step
from lrkit.core._xp import SCALAR, Namespace

__all__ = ["OneCycleLR"]


#: A phase: its last step and the names of its start and end lr and momentum.
Phase = tuple[float, str, str, str, str]

#: The values each phase goes between, by torch's names: (start lr, end lr, start
#: momentum, end momentum); ``levels`` gives the numbers.
TWO_PHASES = (
    ("initial_lr", "max_lr", "max_momentum", "base_momentum"),
    ("max_lr", "min_lr", "base_momentum", "max_momentum"),
)
THREE_PHASES = (
    ("initial_lr", "max_lr", "max_momentum", "base_momentum"),
    ("max_lr", "initial_lr", "base_momentum", "max_momentum"),
    ("initial_lr", "min_lr", "max_momentum", "max_momentum"),
)


@schedule_class
class OneCycleLR(CyclesMomentum):
    r"""Warm up from ``max_lr / div_factor`` to ``max_lr``, then anneal far below the start.

    With :math:`T` = ``total_steps``, :math:`p` = ``pct_start``,
    :math:`\eta_{init} = \eta_{max} / \text{div\_factor}` and
    :math:`\eta_{min} = \eta_{init} / \text{final\_div\_factor}`, the phases end at steps
    :math:`e_1 = pT - 1` and :math:`e_2 = T - 1` (two phases:
    :math:`\eta_{init} \to \eta_{max} \to \eta_{min}`), or :math:`e_1 = pT - 1`,
    :math:`e_2 = 2pT - 2`, :math:`e_3 = T - 1` (``three_phase``:
    :math:`\eta_{init} \to \eta_{max} \to \eta_{init} \to \eta_{min}`). Within a phase from
    :math:`a` to :math:`b` with progress :math:`q = (t - e_{prev}) / (e - e_{prev})`:

    .. math::
        \text{cos: } b + (a - b) \frac{1 + \cos(\pi q)}{2}
        \qquad \text{linear: } a + (b - a) q

    Momentum goes the other way, ``max_momentum`` to ``base_momentum`` and back (see
    :attr:`momentum`). Defined on steps 0 to ``total_steps``; beyond, a ValueError, as
    torch's ``step()`` raises. At step ``total_steps`` (one past the last phase) lrkit
    holds ``min_lr``, where torch extrapolates the last phase (with ``'linear'`` below
    ``min_lr``, even negative).

    Args:
        max_lr: the peak rate (>= 0).
        total_steps: the cycle's length (a positive integer, at most 2**53), or give
            ``epochs`` and ``steps_per_epoch``.
        epochs, steps_per_epoch: positive integers whose product is ``total_steps`` (at
            most 2**53).
        pct_start: the fraction of the cycle spent warming up, in [0, 1).
        anneal_strategy: ``'cos'`` or ``'linear'``.
        cycle_momentum: whether to cycle momentum.
        base_momentum, max_momentum: the momentum bounds (finite numbers, as the optimizer
            allows; at most 1e300 in magnitude).
        div_factor: ``max_lr / initial lr`` (> 0; the initial lr must be at most 1e300).
        final_div_factor: ``initial lr / min_lr`` (> 0; ``min_lr`` must be at most 1e300).
        three_phase: the paper's symmetric warm-up and cool-down, then the final decay.

    >>> s = OneCycleLR(max_lr=0.1, total_steps=100)
    >>> [float(f'{s(t):.6g}') for t in (0, 29, 99, 100)]
    [0.004, 0.1, 4e-07, 4e-07]
    """

    max_lr: float
    total_steps: int | None = None
    epochs: int | None = None
    steps_per_epoch: int | None = None
    pct_start: float = 0.3
    anneal_strategy: str = "cos"
    cycle_momentum: bool = True
    base_momentum: float = 0.85
    max_momentum: float = 0.95
    div_factor: float = 25.0
    final_div_factor: float = 1e4
    three_phase: bool = False

    #: The phases' last steps (derived in __post_init__).
    _ends: tuple[float, ...] = field(init=False, repr=False, compare=False, default=())

    def __post_init__(self) -> None:
        self._set("max_lr", check_lr("max_lr", self.max_lr))
        total = self._check_total()
        pct = check_real("pct_start", self.pct_start, low=0.0, high=1.0, high_open=True)
        self._set("pct_start", pct)
        self._set(
            "anneal_strategy",
            check_choice("anneal_strategy", self.anneal_strategy, ("cos", "linear")),
        )
        self._set("cycle_momentum", check_bool("cycle_momentum", self.cycle_momentum))
        self._set("base_momentum", check_momentum("base_momentum", self.base_momentum))
        self._set("max_momentum", check_momentum("max_momentum", self.max_momentum))
        self._set("div_factor", check_real("div_factor", self.div_factor, low=0.0, low_open=True))
        self._set(
            "final_div_factor",
            check_real("final_div_factor", self.final_div_factor, low=0.0, low_open=True),
        )
        if not self.initial_lr <= MAX_RATE:  # a tiny div_factor
            fail(
                "div_factor",
                f"such that max_lr / div_factor <= 1e+300 (max_lr={self.max_lr!r})",
                self.div_factor,
            )
        if not self.min_lr <= MAX_RATE:
            fail(
                "final_div_factor",
                f"such that max_lr / div_factor / final_div_factor <= 1e+300 "
                f"(max_lr={self.max_lr!r}, div_factor={self.div_factor!r})",
                self.final_div_factor,
            )
        self._set("three_phase", check_bool("three_phase", self.three_phase))
        warm = float(pct * total)
        if self.three_phase:
            ends: tuple[float, ...] = (warm - 1.0, float(2 * pct * total) - 2.0, float(total - 1))
            if not (ends[0] > 0 and ends[1] < ends[2]):
                fail(
                    "pct_start",
                    f"such that 1 < pct_start * total_steps < (total_steps + 1) / 2 with "
                    f"three_phase (total_steps={total})",
                    self.pct_start,
                    hint="each of the three phases needs a positive length",
                )
        else:
            ends = (warm - 1.0, float(total - 1))
            if ends[0] == 0.0:
                fail(
                    "pct_start",
                    f"such that pct_start * total_steps != 1 (total_steps={total})",
                    self.pct_start,
                    hint="a warm-up of one step has zero length: torch divides by zero",
                )
        self._set("_ends", ends)

    def _check_total(self) -> int:
        given = self.total_steps is not None
        per_epoch = self.epochs is not None or self.steps_per_epoch is not None
        if per_epoch:
            epochs = check_int("epochs", self.epochs, low=1, high=MAX_COUNT)
            steps = check_int("steps_per_epoch", self.steps_per_epoch, low=1, high=MAX_COUNT)
            self._set("epochs", epochs)
            self._set("steps_per_epoch", steps)
            if epochs * steps > MAX_COUNT:
                fail(
                    "steps_per_epoch",
                    f"such that epochs * steps_per_epoch <= 2**53 = {MAX_COUNT} (epochs={epochs})",
                    steps,
                )
        if given:
            total = check_int("total_steps", self.total_steps, low=1, high=MAX_COUNT)
            self._set("total_steps", total)
            if per_epoch and total != epochs * steps:
                fail(
                    "total_steps",
                    f"epochs * steps_per_epoch = {epochs * steps} when all three are given",
                    total,
                )
            return total
        if not per_epoch:
            fail("total_steps", "given, or epochs and steps_per_epoch given", None)
        return epochs * steps

    @property
    def steps(self) -> int:
        """The cycle's length: ``total_steps`` or ``epochs * steps_per_epoch``."""
        return int(self._ends[-1]) + 1  # the last phase ends at total_steps - 1

    @property
    def initial_lr(self) -> float:
        return self.max_lr / self.div_factor

    @property
    def min_lr(self) -> float:
        return self.initial_lr / self.final_div_factor

    @property
    def last_step(self) -> float:
        return float(self.steps)

    def _check_steps(self, largest: float) -> None:
        if largest > self.steps:
            fail(
                "step",
                f"at most total_steps={self.steps} for OneCycleLR "
                "(torch's step() raises past it too)",
                shown_step(largest),
            )

    @functools.cached_property
    def phases(self) -> tuple[Phase, ...]:
        """The phase table: ``(end_step, start_lr, end_lr, start_momentum, end_momentum)``
        for each phase, the values named as in :attr:`levels` (and as torch names its
        param-group keys). A phase runs up to and including its ``end_step``.

        >>> OneCycleLR(max_lr=0.1, total_steps=100).phases[0]
        (29.0, 'initial_lr', 'max_lr', 'max_momentum', 'base_momentum')
        """
        names = THREE_PHASES if self.three_phase else TWO_PHASES
        return tuple((end, *keys) for end, keys in zip(self._ends, names, strict=True))

    @functools.cached_property
    def levels(self) -> Mapping[str, float]:
        """The values the phases go between, by name."""
        return types.MappingProxyType(
            {
                "initial_lr": self.initial_lr,
                "max_lr": self.max_lr,
                "min_lr": self.min_lr,
                "max_momentum": self.max_momentum,
                "base_momentum": self.base_momentum,
            }
        )

    def anneal(self, shape: tuple[int, Any, Any], start: float, end: float) -> float:
        """Go from ``start`` to ``end`` at the position ``shape`` (from :meth:`shape`) in its phase."""
        value: float = mix(SCALAR, start, end, shape[1], shape[2])
        return value

    @functools.cached_property
    def _weights(self) -> Callable[..., Any]:
        return cosine_weights if self.anneal_strategy == "cos" else linear_weights

    def _anneal(self, xp: Namespace, start: Any, end: Any, done: Any, span: Any) -> Any:
        if self.anneal_strategy == "cos":
            return cosine_mix(xp, start, end, done, span)
        return linear_mix(xp, start, end, done, span)

    def _span(self, i: int) -> tuple[float, float]:
        """Where phase ``i`` begins and its length."""
        begin = self._ends[i - 1] if i else 0.0
        return begin, self._ends[i] - begin

    def _shape(self, xp: Namespace, t: Any) -> Any:
        """``(phase, weight of its start, weight of its end)`` for a single step; the last
        phase holds its end value past its end (torch extrapolates)."""
        ends = self._ends
        i = bisect.bisect_left(ends, t, 0, len(ends) - 1)
        begin = ends[i - 1] if i else 0.0
        if i == len(ends) - 1 and t > ends[i]:
            t = ends[i]
        return (i, *self._weights(xp, t - begin, ends[i] - begin))

    def _rate(self, xp: Namespace, shape: Any) -> Any:
        phase = self.phases[shape[0]]
        return mix(xp, self.levels[phase[1]], self.levels[phase[2]], shape[1], shape[2])

    def _momentum_rate(self, xp: Namespace, shape: Any) -> Any:
        phase = self.phases[shape[0]]
        return mix(xp, self.levels[phase[3]], self.levels[phase[4]], shape[1], shape[2])

    def _run(self, xp: Namespace, t: Any, first: int) -> Any:
        """Every step at once: phase ``i`` anneals between the levels named at ``first``."""
        levels = self.levels
        last = len(self._ends) - 1

        def piece(i: int) -> Callable[[Any], Any]:
            begin, span = self._span(i)
            names: Any = self.phases[i]
            a, b = levels[names[first]], levels[names[first + 1]]
            if i == last:
                return lambda s: self._anneal(xp, a, b, xp.minimum(s, self._ends[i]) - begin, span)
            return lambda s: self._anneal(xp, a, b, s - begin, span)

        return xp.piecewise(
            t, self._ends[:-1], [piece(i) for i in range(last + 1)], closed_left=False
        )

    def _value(self, xp: Namespace, t: Any) -> Any:
        return self._run(xp, t, 1)

    def _momentum_value(self, xp: Namespace, t: Any) -> Any:
        return self._run(xp, t, 3)

    @property
    def length(self) -> int:
        return self.steps

    @property
    def breakpoints(self) -> tuple[float, ...]:
        return tuple(e for e in self._ends[:-1] if e > 0)
