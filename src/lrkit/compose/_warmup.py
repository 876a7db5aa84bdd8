"""A warm-up in front of any schedule (:class:`Warmup`) and a cool-down at its end
(:class:`Cooldown`): one definition each, which the presets and dialects reuse."""

from __future__ import annotations

from typing import Any

import numpy as np

from lrkit.compose._arith import check_schedule
from lrkit.core import (
    SCALAR,
    Namespace,
    Schedule,
    check_bool,
    check_choice,
    check_int,
    check_real,
    cosine_mix,
    fail,
    half_cosine,
    linear_mix,
    mix,
    schedule_class,
)

__all__ = ["Cooldown", "Warmup"]

MAX_STEPS = 2**53
#: The largest start or end value: as a learning rate (lrkit.core's check_lr).
MAX_VALUE = 1e300
WARMUP_CURVES = ("linear", "cosine", "exponential")
COOLDOWN_CURVES = ("linear", "cosine", "1-sqrt")


def check_value(argument: str, value: Any) -> float:
    return check_real(argument, value, low=0.0, largest=MAX_VALUE, largest_text="1e+300")


@schedule_class
class Warmup(Schedule):
    r"""A warm-up from ``start`` in front of any schedule.

    .. math::
        \eta_t = \begin{cases}
            \text{ramp}(\text{start}, S(t_0), t / W) & t < W \\
            S(t - W) \text{ (shift) or } S(t) & t \ge W
        \end{cases}

    where :math:`t_0 = 0` when the schedule is shifted (it starts after the warm-up) and
    :math:`t_0 = W` when it is not (the warm-up replaces its first :math:`W` steps), and
    the ramp from :math:`a` to :math:`b` at progress :math:`p` is

    - linear: :math:`a + (b - a) p` (Goyal et al., arXiv:1706.02677),
    - cosine: :math:`a + (b - a)(1 - \cos \pi p)/2`,
    - exponential: :math:`a (b / a)^p` (``start > 0``).

    The warm-up ends on the schedule's own value, so the curve is continuous there. It may
    start at exactly 0 (torch's LinearLR cannot: ``start_factor`` must be > 0).

    Args:
        of: the schedule :math:`S`.
        steps: :math:`W`, the warm-up's length in steps (a positive integer <= 2**53).
        start: the value at step 0 (>= 0; > 0 for the exponential ramp). Default 0.
        curve: ``"linear"`` (default), ``"cosine"`` or ``"exponential"``.
        shift: whether :math:`S` starts after the warm-up (True, default) or runs on the
            global step, its first :math:`W` steps replaced (False).

    The target :math:`S(t_0)` is read when a warm-up step is evaluated, never at
    construction.

    >>> from lrkit import CosineAnnealingLR
    >>> s = Warmup(CosineAnnealingLR(lr=0.1, T_max=10), steps=5)
    >>> [round(s(t), 4) for t in (0, 1, 4, 5, 10, 15)]
    [0.0, 0.02, 0.08, 0.1, 0.05, 0.0]
    """

    schedule_fields = ("of",)

    of: Schedule
    steps: int
    start: float = 0.0
    curve: str = "linear"
    shift: bool = True

    def __post_init__(self) -> None:
        self._set("of", check_schedule("of", self.of))
        self._set("steps", check_int("steps", self.steps, low=1, high=MAX_STEPS))
        self._set("start", check_value("start", self.start))
        self._set("curve", check_choice("curve", self.curve, WARMUP_CURVES))
        self._set("shift", check_bool("shift", self.shift))
        if self.curve == "exponential" and self.start == 0.0:
            fail(
                "start",
                "> 0 for an exponential warm-up (a geometric ramp cannot leave 0)",
                self.start,
                hint="use curve='linear' or 'cosine' to start at 0",
            )
        self.of._check_steps(0.0 if self.shift else float(self.steps))

    @property
    def _target_step(self) -> int:
        return 0 if self.shift else self.steps

    def _whole_steps_only(self) -> bool:
        return self.of._whole_steps_only()

    def _check_steps(self, largest: float) -> None:
        if largest >= self.steps:
            self.of._check_steps(largest - self.steps if self.shift else largest)

    def _ramp(self, xp: Namespace, t: Any) -> Any:
        target = float(self.of._value(SCALAR, self._target_step))
        a, w = self.start, self.steps
        if self.curve == "exponential":
            # numpy's power on both paths: a single step equals the same step in an array.
            ratio = np.power(target / a, t / w)
            return a * (float(ratio) if xp is SCALAR else ratio)
        if self.curve == "linear":
            return linear_mix(xp, a, target, t, w)
        return cosine_mix(xp, a, target, t, w)

    def _value(self, xp: Namespace, t: Any) -> Any:
        after = (
            (lambda s: self.of._value(xp, s - self.steps))
            if self.shift
            else (lambda s: self.of._value(xp, s))
        )
        return xp.piecewise(
            t, (self.steps,), (lambda s: self._ramp(xp, s), after), closed_left=True
        )

    @property
    def last_step(self) -> float | None:
        end = self.of.last_step
        return None if end is None else end + (self.steps if self.shift else 0)

    @property
    def length(self) -> int:
        rest = self.of.length or 10
        return self.steps + rest if self.shift else max(rest, 2 * self.steps)

    @property
    def breakpoints(self) -> tuple[float, ...]:
        later = (b + self.steps if self.shift else b for b in self.of.breakpoints)
        return (float(self.steps), *(b for b in later if b > self.steps))


@schedule_class
class Cooldown(Schedule):
    r"""A cool-down to ``final_lr`` over the last ``steps`` steps before ``total_steps``.

    .. math::
        \eta_t = \begin{cases}
            S(t) & t < T - C \\
            f + (S(t) - f)\, w(p), \quad p = (t - T + C) / C & T - C \le t < T \\
            f & t \ge T
        \end{cases}

    with the weight :math:`w(p)` = :math:`1 - p` (``"linear"``),
    :math:`(1 + \cos \pi p)/2` (``"cosine"``) or :math:`1 - \sqrt{p}` (``"1-sqrt"``, the
    cool-down of Hägele et al., arXiv:2405.18392). Over a constant schedule this is the
    decay phase of warmup-stable-decay (Hu et al., MiniCPM, arXiv:2404.06395); over any
    other, the cool-down follows it down (it multiplies its distance to :math:`f`).

    Args:
        of: the schedule :math:`S`, read on steps before :math:`T`.
        total_steps: :math:`T`, the step at which the value reaches ``final_lr`` (a
            positive integer <= 2**53).
        steps: :math:`C`, the cool-down's length (a positive integer <= ``total_steps``).
        final_lr: :math:`f`, the value at and after :math:`T` (>= 0). Default 0.
        curve: ``"linear"`` (default), ``"cosine"`` or ``"1-sqrt"``.

    >>> from lrkit import ConstantLR
    >>> s = Cooldown(ConstantLR(lr=0.1, factor=1.0), total_steps=10, steps=4)
    >>> [round(s(t), 4) for t in (0, 6, 7, 8, 9, 10, 20)]
    [0.1, 0.1, 0.075, 0.05, 0.025, 0.0, 0.0]
    """

    schedule_fields = ("of",)

    of: Schedule
    total_steps: int
    steps: int
    final_lr: float = 0.0
    curve: str = "linear"

    def __post_init__(self) -> None:
        self._set("of", check_schedule("of", self.of))
        total = check_int("total_steps", self.total_steps, low=1, high=MAX_STEPS)
        self._set("total_steps", total)
        self._set("steps", check_int("steps", self.steps, low=1, high=total))
        self._set("final_lr", check_value("final_lr", self.final_lr))
        self._set("curve", check_choice("curve", self.curve, COOLDOWN_CURVES))
        try:
            self.of._check_steps(float(total - 1))
        except ValueError as error:
            fail(
                "of",
                f"defined up to step {total - 1} (before total_steps={total})",
                type(self.of).__name__,
                hint=str(error),
            )

    def _whole_steps_only(self) -> bool:
        return self.of._whole_steps_only()

    def _check_steps(self, largest: float) -> None:
        self.of._check_steps(min(largest, float(self.total_steps)))

    def _cool(self, xp: Namespace, t: Any) -> Any:
        value = self.of._value(xp, t)
        end, span = self.total_steps, self.steps
        left = end - t  # exact for whole steps
        if self.curve == "linear":
            w = left / span
        elif self.curve == "cosine":
            w = half_cosine(xp, left, span)
        else:  # 1 - sqrt(p) = (1 - p) / (1 + sqrt(p)): no cancellation near the end
            w = (left / span) / (1.0 + xp.sqrt((span - left) / span))
        if self.final_lr == 0.0:
            return value * w
        # The weight of whichever end is larger, computed from its own distance.
        if self.curve == "linear":
            u = (span - left) / span
        elif self.curve == "cosine":
            u = half_cosine(xp, span - left, span)
        else:
            u = xp.sqrt((span - left) / span)
        return mix(xp, value, self.final_lr, w, u)

    def _value(self, xp: Namespace, t: Any) -> Any:
        begin = self.total_steps - self.steps
        pieces = (
            lambda s: self.of._value(xp, s),
            lambda s: self._cool(xp, s),
            lambda s: s * 0.0 + self.final_lr,
        )
        return xp.piecewise(t, (begin, self.total_steps), pieces, closed_left=True)

    @property
    def length(self) -> int:
        return self.total_steps + max(1, self.total_steps // 10)

    @property
    def breakpoints(self) -> tuple[float, ...]:
        inside = tuple(b for b in self.of.breakpoints if b < self.total_steps - self.steps)
        return (*inside, float(self.total_steps - self.steps), float(self.total_steps))
