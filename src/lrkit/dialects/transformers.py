"""Hugging Face transformers' schedules (``transformers.get_scheduler``) under their own names.

``lrkit.transformers.<name>(lr=..., num_warmup_steps=..., num_training_steps=..., ...)``
returns the schedule ``get_scheduler(name, optimizer, ...)`` drives, where ``lr`` is the
optimizer's learning rate: its value at step ``t`` is the optimizer's lr after ``t`` calls
of ``scheduler.step()``. The config type is ``"transformers.<name>"``.

transformers writes each schedule as a multiplier function evaluated in a fixed order of
float operations (``float(t) / float(max(1, W))``, ``max(0.0, ...)``, integer and float
divisions mixed). Each class here writes that multiplier once against the array namespace,
in the same order of operations, so the scalar path gives the same floats as transformers
(the array path may differ from it in the last bit where numpy's ``cos``/``sqrt`` do). The
differences from exact maths and from lrkit's own schedules are listed in
``docs/dialects/transformers.md``.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from typing import Any

from lrkit.core import (
    SCALAR,
    Namespace,
    Schedule,
    check_choice,
    check_int,
    check_real,
    fail,
    schedule_class,
)

__all__ = [
    "constant",
    "constant_with_warmup",
    "cosine",
    "cosine_warmup_with_min_lr",
    "cosine_with_min_lr",
    "cosine_with_restarts",
    "inverse_sqrt",
    "linear",
    "polynomial",
    "warmup_stable_decay",
]

#: The largest step count an argument may hold (integer arithmetic stays exact in float64).
MAX_STEPS = 2**53
#: The shapes of get_wsd_schedule's warm-up and decay.
WSD_SHAPES = ("linear", "cosine", "1-sqrt")


def _steps(argument: str, value: Any) -> int:
    return check_int(argument, value, low=0, high=MAX_STEPS)


def _rate(argument: str, value: Any) -> float:
    return check_real(argument, value, low=0.0)


def _warmup(xp: Namespace, t: Any, warmup: int) -> Any:
    """transformers' linear warm-up multiplier ``float(t) / float(max(1, W))`` (for t < W)."""
    return xp.minimum(t, warmup) / float(max(1, warmup))


@dataclasses.dataclass(frozen=True, repr=False)
class _Transformers(Schedule):
    """A transformers schedule: the optimizer's ``lr`` times the multiplier ``_factor``."""

    lr: float

    def _factor(self, xp: Namespace, t: Any) -> Any:
        raise NotImplementedError

    def _value(self, xp: Namespace, t: Any) -> Any:
        # torch's LambdaLR: base_lr * lr_lambda(last_epoch)
        return self.lr * self._factor(xp, t)

    def _ends(self) -> tuple[int, ...]:
        return ()

    def __repr__(self) -> str:
        # the peer's call, as lrkit.transformers spells it (eval'd in lrkit's namespace)
        parts = [f"{f.name}={getattr(self, f.name)!r}" for f in dataclasses.fields(self)]
        return f"{self.config_type}({', '.join(parts)})"

    @property
    def breakpoints(self) -> tuple[float, ...]:
        return tuple(float(b) for b in sorted(set(self._ends())) if b > 0)

    @property
    def length(self) -> int:
        return max((*self._ends(), 50)) + max(10, max((*self._ends(), 0)) // 10)


@dataclasses.dataclass(frozen=True, repr=False)
class _WarmupThenDecay(_Transformers):
    """The schedules with arguments ``lr``, ``num_warmup_steps``, ``num_training_steps``."""

    num_warmup_steps: int
    num_training_steps: int

    def _check_common(self) -> None:
        self._set("lr", _rate("lr", self.lr))
        self._set("num_warmup_steps", _steps("num_warmup_steps", self.num_warmup_steps))
        self._set("num_training_steps", _steps("num_training_steps", self.num_training_steps))

    def _ends(self) -> tuple[int, ...]:
        return (self.num_warmup_steps, self.num_training_steps)

    def _progress(self, t: Any) -> Any:
        """``float(t - W) / float(max(1, T - W))``: the decay's progress (> 1 past the end)."""
        w, n = self.num_warmup_steps, self.num_training_steps
        return (t - w) / float(max(1, n - w))


@schedule_class(name="transformers.linear")
class TransformersLinear(_WarmupThenDecay):
    r"""transformers' ``"linear"``: a linear warm-up from 0, then a line down to 0 at the end.

    .. math::
        \eta_t = \eta \cdot \begin{cases}
            t / \max(1, W) & t < W \\
            \max\big(0, (T - t) / \max(1, T - W)\big) & t \ge W
        \end{cases}

    Args:
        lr: :math:`\eta`, the optimizer's learning rate (>= 0).
        num_warmup_steps: :math:`W` (an integer >= 0).
        num_training_steps: :math:`T` (an integer >= 0); 0 from step :math:`T` on.

    From Hugging Face transformers (``get_linear_schedule_with_warmup``).

    >>> s = TransformersLinear(lr=0.1, num_warmup_steps=10, num_training_steps=110)
    >>> [round(s(t), 6) for t in (0, 5, 10, 60, 110, 200)]
    [0.0, 0.05, 0.1, 0.05, 0.0, 0.0]
    """

    def __post_init__(self) -> None:
        self._check_common()

    def _factor(self, xp: Namespace, t: Any) -> Any:
        w, n = self.num_warmup_steps, self.num_training_steps
        left = n - xp.minimum(t, n)  # past the end max(0.0, ...) is 0.0: stop there
        decay = xp.maximum(0.0, left / float(max(1, n - w)))
        return xp.where(t < w, _warmup(xp, t, w), decay)


@schedule_class(name="transformers.cosine")
class TransformersCosine(_WarmupThenDecay):
    r"""transformers' ``"cosine"``: a linear warm-up, then a cosine that keeps going past the end.

    .. math::
        \eta_t = \eta \cdot \begin{cases}
            t / \max(1, W) & t < W \\
            \max\big(0, \tfrac12 (1 + \cos(2 \pi c p))\big) & t \ge W
        \end{cases}
        \qquad p = \frac{t - W}{\max(1, T - W)}

    Past :math:`T` the cosine is not held: with the default :math:`c = 1/2` it rises again
    (back to :math:`\eta` at :math:`t = 2T - W`).

    Args:
        lr: :math:`\eta`, the optimizer's learning rate (>= 0).
        num_warmup_steps: :math:`W` (an integer >= 0).
        num_training_steps: :math:`T` (an integer >= 0).
        num_cycles: :math:`c`, cosine periods over :math:`T - W` steps (a real >= 0).
            Default 0.5 (half a period: from :math:`\eta` down to 0).

    From Hugging Face transformers (``get_cosine_schedule_with_warmup``); the cosine from
    SGDR (Loshchilov & Hutter, https://arxiv.org/abs/1608.03983).

    >>> s = TransformersCosine(lr=0.1, num_warmup_steps=10, num_training_steps=110)
    >>> [round(s(t), 6) for t in (0, 5, 10, 60, 110, 160)]
    [0.0, 0.05, 0.1, 0.05, 0.0, 0.05]
    """

    num_cycles: float = 0.5

    def __post_init__(self) -> None:
        self._check_common()
        self._set("num_cycles", check_real("num_cycles", self.num_cycles, low=0.0))

    def _factor(self, xp: Namespace, t: Any) -> Any:
        turn = math.pi * float(self.num_cycles) * 2.0
        decay = xp.maximum(0.0, 0.5 * (1.0 + xp.cos(turn * self._progress(t))))
        return xp.where(t < self.num_warmup_steps, _warmup(xp, t, self.num_warmup_steps), decay)


@schedule_class(name="transformers.cosine_with_restarts")
class TransformersCosineWithRestarts(_WarmupThenDecay):
    r"""transformers' ``"cosine_with_restarts"``: a warm-up, then hard-restarted cosines.

    .. math::
        \eta_t = \eta \cdot \begin{cases}
            t / \max(1, W) & t < W \\
            \tfrac12 \big(1 + \cos(\pi \,((c p) \bmod 1))\big) & p < 1 \\
            0 & p \ge 1
        \end{cases}
        \qquad p = \frac{t - W}{\max(1, T - W)}

    Args:
        lr: :math:`\eta`, the optimizer's learning rate (>= 0).
        num_warmup_steps: :math:`W` (an integer >= 0).
        num_training_steps: :math:`T` (an integer >= 0); 0 from step :math:`T` on.
        num_cycles: :math:`c`, the number of restarted half-cosines (a real >= 0). Default 1.

    From Hugging Face transformers (``get_cosine_with_hard_restarts_schedule_with_warmup``);
    SGDR (Loshchilov & Hutter, https://arxiv.org/abs/1608.03983).

    >>> s = TransformersCosineWithRestarts(
    ...     lr=0.1, num_warmup_steps=0, num_training_steps=100, num_cycles=2
    ... )
    >>> [round(s(t), 6) for t in (0, 25, 50, 75, 100)]
    [0.1, 0.05, 0.1, 0.05, 0.0]
    """

    num_cycles: float = 1

    def __post_init__(self) -> None:
        self._check_common()
        self._set("num_cycles", check_real("num_cycles", self.num_cycles, low=0.0))

    def _factor(self, xp: Namespace, t: Any) -> Any:
        progress = self._progress(t)
        within = xp.minimum(progress, 1.0)  # the value is 0.0 from progress 1 on
        phase = (float(self.num_cycles) * within) % 1.0
        decay = xp.maximum(0.0, 0.5 * (1.0 + xp.cos(math.pi * phase)))
        decay = xp.where(progress >= 1.0, 0.0, decay)
        return xp.where(t < self.num_warmup_steps, _warmup(xp, t, self.num_warmup_steps), decay)


@schedule_class(name="transformers.polynomial")
class TransformersPolynomial(_WarmupThenDecay):
    r"""transformers' ``"polynomial"``: a warm-up, then a power decay from ``lr`` to ``lr_end``.

    .. math::
        \eta_t = \eta \cdot \begin{cases}
            t / \max(1, W) & t < W \\
            \big((\eta - \eta_e)(1 - \tfrac{t - W}{T - W})^{k} + \eta_e\big) / \eta
                & W \le t \le T \\
            \eta_e / \eta & t > T
        \end{cases}

    Args:
        lr: :math:`\eta`, the optimizer's learning rate (> ``lr_end``).
        num_warmup_steps: :math:`W` (an integer >= 0).
        num_training_steps: :math:`T` (an integer >= 0, not equal to :math:`W`: transformers
            divides by :math:`T - W` at step :math:`T`).
        lr_end: :math:`\eta_e`, the final learning rate (>= 0, < ``lr``). Default 1e-7.
        power: :math:`k`, the exponent (a real >= 0). Default 1.

    From Hugging Face transformers (``get_polynomial_decay_schedule_with_warmup``).

    >>> s = TransformersPolynomial(
    ...     lr=0.1, num_warmup_steps=0, num_training_steps=100, lr_end=0.0, power=2.0
    ... )
    >>> [round(s(t), 6) for t in (0, 50, 100, 200)]
    [0.1, 0.025, 0.0, 0.0]
    """

    lr_end: float = 1e-7
    power: float = 1.0

    def __post_init__(self) -> None:
        self._check_common()
        self._set("lr_end", _rate("lr_end", self.lr_end))
        self._set("power", check_real("power", self.power, low=0.0))
        if not self.lr > self.lr_end:
            fail("lr_end", f"smaller than lr = {self.lr!r}", self.lr_end)
        if self.num_training_steps == self.num_warmup_steps:
            fail(
                "num_training_steps",
                f"not equal to num_warmup_steps = {self.num_warmup_steps}",
                self.num_training_steps,
                hint="transformers divides by num_training_steps - num_warmup_steps",
            )

    def _factor(self, xp: Namespace, t: Any) -> Any:
        w, n, lr, end = self.num_warmup_steps, self.num_training_steps, self.lr, self.lr_end
        low, high = min(w, n), max(w, n)
        inside = xp.minimum(xp.maximum(t, low), high)  # the decay's steps (a base >= 0)
        remaining = 1 - (inside - w) / (n - w)
        decay = ((lr - end) * xp.power(xp.maximum(remaining, 0.0), self.power) + end) / lr
        out = xp.where(t > n, end / lr, decay)
        return xp.where(t < w, _warmup(xp, t, w), out)


@schedule_class(name="transformers.constant")
class TransformersConstant(_Transformers):
    r"""transformers' ``"constant"``: the optimizer's learning rate at every step.

    .. math:: \eta_t = \eta

    Args:
        lr: :math:`\eta`, the optimizer's learning rate (>= 0).

    From Hugging Face transformers (``get_constant_schedule``; ``get_scheduler`` ignores
    ``num_warmup_steps`` and ``num_training_steps`` for it).

    >>> s = TransformersConstant(lr=0.1)
    >>> [s(t) for t in (0, 10, 2**63 - 1)]
    [0.1, 0.1, 0.1]
    """

    def __post_init__(self) -> None:
        self._set("lr", _rate("lr", self.lr))

    def _factor(self, xp: Namespace, t: Any) -> Any:
        return xp.where(t >= 0, 1, 1)  # an array of ones for an array of steps


@schedule_class(name="transformers.constant_with_warmup")
class TransformersConstantWithWarmup(_Transformers):
    r"""transformers' ``"constant_with_warmup"``: a linear warm-up from 0, then constant.

    .. math::
        \eta_t = \eta \cdot \begin{cases} t / \max(1, W) & t < W \\ 1 & t \ge W \end{cases}

    Args:
        lr: :math:`\eta`, the optimizer's learning rate (>= 0).
        num_warmup_steps: :math:`W` (an integer >= 0).

    From Hugging Face transformers (``get_constant_schedule_with_warmup``).

    >>> s = TransformersConstantWithWarmup(lr=0.1, num_warmup_steps=10)
    >>> [round(s(t), 6) for t in (0, 5, 10, 1000)]
    [0.0, 0.05, 0.1, 0.1]
    """

    num_warmup_steps: int

    def __post_init__(self) -> None:
        self._set("lr", _rate("lr", self.lr))
        self._set("num_warmup_steps", _steps("num_warmup_steps", self.num_warmup_steps))

    def _ends(self) -> tuple[int, ...]:
        return (self.num_warmup_steps,)

    def _factor(self, xp: Namespace, t: Any) -> Any:
        return xp.where(t < self.num_warmup_steps, _warmup(xp, t, self.num_warmup_steps), 1.0)


@schedule_class(name="transformers.inverse_sqrt")
class TransformersInverseSqrt(_Transformers):
    r"""transformers' ``"inverse_sqrt"``: a linear warm-up, then :math:`1/\sqrt{\cdot}` decay.

    .. math::
        \eta_t = \eta \cdot \begin{cases}
            t / \max(1, W) & t < W \\
            1 / \sqrt{(t - W + \tau) / \tau} & t \ge W
        \end{cases}

    Args:
        lr: :math:`\eta`, the optimizer's learning rate (>= 0).
        num_warmup_steps: :math:`W` (an integer >= 0).
        timescale: :math:`\tau` (a positive integer), or None (default) for
            ``num_warmup_steps or 10_000``.

    From Hugging Face transformers (``get_inverse_sqrt_schedule``); the decay of
    "Attention Is All You Need" (Vaswani et al., https://arxiv.org/abs/1706.03762).

    >>> s = TransformersInverseSqrt(lr=0.1, num_warmup_steps=100)
    >>> [round(s(t), 6) for t in (0, 50, 100, 400)]
    [0.0, 0.05, 0.1, 0.05]
    """

    num_warmup_steps: int
    timescale: int | None = None

    def __post_init__(self) -> None:
        self._set("lr", _rate("lr", self.lr))
        self._set("num_warmup_steps", _steps("num_warmup_steps", self.num_warmup_steps))
        if self.timescale is not None:
            self._set("timescale", check_int("timescale", self.timescale, low=1, high=MAX_STEPS))

    @property
    def tau(self) -> int:
        """The timescale in use (``num_warmup_steps or 10_000`` when ``timescale`` is None)."""
        return self.timescale if self.timescale is not None else self.num_warmup_steps or 10_000

    def _ends(self) -> tuple[int, ...]:
        return (self.num_warmup_steps, 4 * self.tau)

    def _factor(self, xp: Namespace, t: Any) -> Any:
        w, tau = self.num_warmup_steps, self.tau
        into = xp.maximum(t, w) - w  # steps past the warm-up (>= 0)
        if xp is SCALAR:
            ratio = (into + tau) / tau  # transformers' (t + (tau - W)) / tau, exact ints
        else:  # int64 would overflow near 2**63: beyond 2**53 in floats
            exact = (xp.minimum(into, MAX_STEPS) + tau) / tau
            ratio = xp.where(into < MAX_STEPS, exact, into / float(tau) + 1.0)
        return xp.where(t < w, _warmup(xp, t, w), 1.0 / xp.sqrt(ratio))


def _min_lr_rate(lr: float, min_lr: float | None, min_lr_rate: float | None) -> float:
    """transformers' ``min_lr_rate`` from exactly one of ``min_lr`` and ``min_lr_rate``."""
    if min_lr is not None and min_lr_rate is not None:
        fail("min_lr", "None when min_lr_rate is given (set only one)", min_lr)
    if min_lr is not None:
        if lr == 0.0:
            fail("lr", "> 0 with min_lr (min_lr_rate = min_lr / lr)", lr)
        return min_lr / lr
    if min_lr_rate is None:
        fail("min_lr_rate", "given when min_lr is not (set one of them)", min_lr_rate)
    return min_lr_rate


@dataclasses.dataclass(frozen=True, repr=False)
class _CosineToFloor(_WarmupThenDecay):
    """The cosines to a floor: ``num_cycles``, and exactly one of ``min_lr`` and
    ``min_lr_rate``, whose rate (``floor``) is settled once, at construction."""

    num_cycles: float = 0.5
    min_lr: float | None = None
    min_lr_rate: float | None = None

    def _check_floor(self) -> None:
        self._check_common()
        self._set("num_cycles", check_real("num_cycles", self.num_cycles, low=0.0))
        if self.min_lr is not None:
            self._set("min_lr", _rate("min_lr", self.min_lr))
        if self.min_lr_rate is not None:
            self._set("min_lr_rate", _rate("min_lr_rate", self.min_lr_rate))
        _ = self.floor

    @functools.cached_property
    def floor(self) -> float:
        """transformers' ``min_lr_rate``: the floor as a fraction of ``lr``."""
        return _min_lr_rate(self.lr, self.min_lr, self.min_lr_rate)


@schedule_class(name="transformers.cosine_with_min_lr")
class TransformersCosineWithMinLr(_CosineToFloor):
    r"""transformers' ``"cosine_with_min_lr"``: ``"cosine"`` lifted to end at a floor.

    .. math::
        \eta_t = \eta \cdot \begin{cases}
            t / \max(1, W) & t < W \\
            \max\big(0, \tfrac12 (1 + \cos(2 \pi c p))(1 - r) + r\big) & t \ge W
        \end{cases}
        \qquad p = \frac{t - W}{\max(1, T - W)}

    with :math:`r` = ``min_lr_rate``, or ``min_lr / lr``. Not held past :math:`T`.

    Args:
        lr: :math:`\eta`, the optimizer's learning rate (>= 0; > 0 with ``min_lr``).
        num_warmup_steps: :math:`W` (an integer >= 0).
        num_training_steps: :math:`T` (an integer >= 0).
        num_cycles: :math:`c` (a real >= 0). Default 0.5.
        min_lr: the floor as a learning rate (>= 0), or None.
        min_lr_rate: :math:`r`, the floor as a fraction of ``lr`` (>= 0), or None. Exactly
            one of ``min_lr`` and ``min_lr_rate`` is given.

    From Hugging Face transformers (``get_cosine_with_min_lr_schedule_with_warmup``).

    >>> s = TransformersCosineWithMinLr(
    ...     lr=0.1, num_warmup_steps=10, num_training_steps=110, min_lr_rate=0.1
    ... )
    >>> [round(s(t), 6) for t in (0, 5, 10, 60, 110)]
    [0.0, 0.05, 0.1, 0.055, 0.01]
    """

    def __post_init__(self) -> None:
        self._check_floor()

    def _factor(self, xp: Namespace, t: Any) -> Any:
        rate = self.floor
        turn = math.pi * float(self.num_cycles) * 2.0
        factor = 0.5 * (1.0 + xp.cos(turn * self._progress(t)))
        decay = xp.maximum(0, factor * (1 - rate) + rate)
        return xp.where(t < self.num_warmup_steps, _warmup(xp, t, self.num_warmup_steps), decay)


@schedule_class(name="transformers.cosine_warmup_with_min_lr")
class TransformersCosineWarmupWithMinLr(_CosineToFloor):
    r"""transformers' ``"cosine_warmup_with_min_lr"``: a warm-up that reaches 1 a step early,
    then a cosine to a floor that starts one step in.

    .. math::
        \eta_t = \eta \cdot \begin{cases}
            (t + 1) / \max(1, W) & t < W,\ \text{no } a \\
            a + (1 - a)\, t / \max(1, W - 1) & t < W \\
            \max\big(0, \tfrac12 (1 + \cos(2 \pi c p))(1 - r) + r\big) & t \ge W
        \end{cases}
        \qquad p = \frac{t - W + 1}{\max(1, T - W)}

    with :math:`a` = ``warmup_lr_rate`` and :math:`r` = ``min_lr_rate`` (or ``min_lr / lr``).

    Args:
        lr: :math:`\eta`, the optimizer's learning rate (>= 0; > 0 with ``min_lr``).
        num_warmup_steps: :math:`W` (an integer >= 0).
        num_training_steps: :math:`T` (an integer >= 0).
        num_cycles: :math:`c` (a real >= 0). Default 0.5.
        min_lr: the floor as a learning rate (>= 0), or None.
        min_lr_rate: :math:`r` (>= 0), or None; exactly one of the two is given.
        warmup_lr_rate: :math:`a`, the warm-up's first multiplier (>= 0), or None.

    From Hugging Face transformers (``get_cosine_with_min_lr_schedule_with_warmup_lr_rate``).

    >>> s = TransformersCosineWarmupWithMinLr(
    ...     lr=0.1, num_warmup_steps=10, num_training_steps=110, min_lr_rate=0.0
    ... )
    >>> [round(s(t), 6) for t in (0, 9, 10, 59, 109)]
    [0.01, 0.1, 0.099975, 0.05, 0.0]
    """

    warmup_lr_rate: float | None = None

    def __post_init__(self) -> None:
        self._check_floor()
        if self.warmup_lr_rate is not None:
            self._set("warmup_lr_rate", _rate("warmup_lr_rate", self.warmup_lr_rate))

    def _factor(self, xp: Namespace, t: Any) -> Any:
        rate = self.floor
        w, n = float(self.num_warmup_steps), float(self.num_training_steps)
        step = t * 1.0  # transformers' float(current_step)
        before = xp.minimum(step, w)
        if self.warmup_lr_rate is None:
            warm = (before + 1.0) / max(1.0, w)
        else:
            a = float(self.warmup_lr_rate)
            warm = a + (1.0 - a) * before / max(1, w - 1)
        progress = (step - w + 1.0) / max(1.0, n - w)
        factor = 0.5 * (1.0 + xp.cos(math.pi * self.num_cycles * 2.0 * progress))
        decay = xp.maximum(0, factor * (1 - rate) + rate)
        return xp.where(step < w, warm, decay)


@schedule_class(name="transformers.warmup_stable_decay")
class TransformersWarmupStableDecay(_Transformers):
    r"""transformers' ``"warmup_stable_decay"``: warm-up, stable phase, decay, then a floor.

    .. math::
        \eta_t = \eta \cdot \begin{cases}
            \max(0, w(t / \max(1, W))(1 - m) + m) & t < W \\
            1 & t < W + S \\
            \max(0, d((t - W - S) / \max(1, D))(1 - m) + m) & t < W + S + D \\
            m & \text{otherwise}
        \end{cases}

    with the warm-up :math:`w(p)` = :math:`p`, :math:`(1 - \cos \pi p)/2` or
    :math:`1 - \sqrt{1 - p}`, the decay :math:`d(p)` = :math:`1 - p`,
    :math:`(1 + \cos 2\pi c p)/2` or :math:`1 - \sqrt{p}`, and :math:`S` =
    ``num_stable_steps``, or ``num_training_steps - num_warmup_steps - num_decay_steps``.

    Args:
        lr: :math:`\eta`, the optimizer's learning rate (>= 0).
        num_warmup_steps: :math:`W` (an integer >= 0).
        num_decay_steps: :math:`D` (an integer >= 0).
        num_training_steps: :math:`T` (an integer >= 0), or None when ``num_stable_steps``
            is given (``num_stable_steps`` wins when both are).
        num_stable_steps: :math:`S` (an integer >= 0), or None.
        warmup_type: ``"linear"`` (default), ``"cosine"`` or ``"1-sqrt"``.
        decay_type: ``"cosine"`` (default), ``"linear"`` or ``"1-sqrt"``.
        min_lr_ratio: :math:`m`, the floor as a fraction of ``lr`` (>= 0). Default 0.
        num_cycles: :math:`c` for the cosine decay (a real >= 0). Default 0.5.

    From Hugging Face transformers (``get_wsd_schedule``); WSD from MiniCPM (Hu et al.,
    https://arxiv.org/abs/2404.06395).

    >>> s = TransformersWarmupStableDecay(
    ...     lr=0.1, num_warmup_steps=10, num_decay_steps=20, num_training_steps=100
    ... )
    >>> [round(s(t), 6) for t in (0, 5, 10, 79, 90, 100, 500)]
    [0.0, 0.05, 0.1, 0.1, 0.05, 0.0, 0.0]
    """

    num_warmup_steps: int
    num_decay_steps: int
    num_training_steps: int | None = None
    num_stable_steps: int | None = None
    warmup_type: str = "linear"
    decay_type: str = "cosine"
    min_lr_ratio: float = 0.0
    num_cycles: float = 0.5

    def __post_init__(self) -> None:
        self._set("lr", _rate("lr", self.lr))
        self._set("num_warmup_steps", _steps("num_warmup_steps", self.num_warmup_steps))
        self._set("num_decay_steps", _steps("num_decay_steps", self.num_decay_steps))
        if self.num_training_steps is not None:
            self._set("num_training_steps", _steps("num_training_steps", self.num_training_steps))
        if self.num_stable_steps is not None:
            self._set("num_stable_steps", _steps("num_stable_steps", self.num_stable_steps))
        elif self.num_training_steps is None:
            fail(
                "num_training_steps",
                "given when num_stable_steps is not (set one of them)",
                self.num_training_steps,
            )
        self._set("warmup_type", check_choice("warmup_type", self.warmup_type, WSD_SHAPES))
        self._set("decay_type", check_choice("decay_type", self.decay_type, WSD_SHAPES))
        self._set("min_lr_ratio", _rate("min_lr_ratio", self.min_lr_ratio))
        self._set("num_cycles", check_real("num_cycles", self.num_cycles, low=0.0))

    @property
    def stable(self) -> int:
        """:math:`S`: ``num_stable_steps``, or ``T - W - D`` (negative when they overlap)."""
        if self.num_stable_steps is not None:
            return self.num_stable_steps
        total = self.num_training_steps or 0  # (one of the two is given: checked)
        return total - self.num_warmup_steps - self.num_decay_steps

    def _ends(self) -> tuple[int, ...]:
        w, s, d = self.num_warmup_steps, self.stable, self.num_decay_steps
        return (w, w + s, w + s + d)

    def _factor(self, xp: Namespace, t: Any) -> Any:
        w, s, d, m = self.num_warmup_steps, self.stable, self.num_decay_steps, self.min_lr_ratio
        p = _warmup(xp, t, w)  # in [0, 1]
        if self.warmup_type == "linear":
            up = p
        elif self.warmup_type == "cosine":
            up = 0.5 * (1.0 - xp.cos(math.pi * p))
        else:
            up = 1.0 - xp.sqrt(1.0 - p)
        up = xp.maximum(0.0, up * (1.0 - m) + m)
        start = w + s
        q = (xp.minimum(xp.maximum(t, start), start + d) - start) / float(max(1, d))
        if self.decay_type == "linear":
            down = 1.0 - q
        elif self.decay_type == "cosine":
            down = 0.5 * (1.0 + xp.cos(math.pi * float(self.num_cycles) * 2.0 * q))
        else:
            down = 1.0 - xp.sqrt(q)
        down = xp.maximum(0.0, down * (1.0 - m) + m)
        tail = xp.where(t < start + d, down, m)
        return xp.where(t < w, up, xp.where(t < start, 1.0, tail))


# -- transformers' names ------------------------------------------------------------------


def linear(lr: float, num_warmup_steps: int, num_training_steps: int) -> TransformersLinear:
    """``get_scheduler("linear", ...)``: see :class:`TransformersLinear`."""
    return TransformersLinear(lr, num_warmup_steps, num_training_steps)


def cosine(
    lr: float, num_warmup_steps: int, num_training_steps: int, num_cycles: float = 0.5
) -> TransformersCosine:
    """``get_scheduler("cosine", ...)``: see :class:`TransformersCosine`."""
    return TransformersCosine(lr, num_warmup_steps, num_training_steps, num_cycles)


def cosine_with_restarts(
    lr: float, num_warmup_steps: int, num_training_steps: int, num_cycles: float = 1
) -> TransformersCosineWithRestarts:
    """``get_scheduler("cosine_with_restarts", ...)``: see
    :class:`TransformersCosineWithRestarts`."""
    return TransformersCosineWithRestarts(lr, num_warmup_steps, num_training_steps, num_cycles)


def polynomial(
    lr: float,
    num_warmup_steps: int,
    num_training_steps: int,
    lr_end: float = 1e-7,
    power: float = 1.0,
) -> TransformersPolynomial:
    """``get_scheduler("polynomial", ...)``: see :class:`TransformersPolynomial`."""
    return TransformersPolynomial(lr, num_warmup_steps, num_training_steps, lr_end, power)


def constant(
    lr: float, num_warmup_steps: int | None = None, num_training_steps: int | None = None
) -> TransformersConstant:
    """``get_scheduler("constant", ...)`` (which ignores the step counts): see
    :class:`TransformersConstant`."""
    return TransformersConstant(lr)


def constant_with_warmup(
    lr: float, num_warmup_steps: int, num_training_steps: int | None = None
) -> TransformersConstantWithWarmup:
    """``get_scheduler("constant_with_warmup", ...)`` (which ignores ``num_training_steps``):
    see :class:`TransformersConstantWithWarmup`."""
    return TransformersConstantWithWarmup(lr, num_warmup_steps)


def inverse_sqrt(
    lr: float,
    num_warmup_steps: int,
    num_training_steps: int | None = None,
    timescale: int | None = None,
) -> TransformersInverseSqrt:
    """``get_scheduler("inverse_sqrt", ...)`` (which ignores ``num_training_steps``): see
    :class:`TransformersInverseSqrt`."""
    return TransformersInverseSqrt(lr, num_warmup_steps, timescale)


def cosine_with_min_lr(
    lr: float,
    num_warmup_steps: int,
    num_training_steps: int,
    num_cycles: float = 0.5,
    min_lr: float | None = None,
    min_lr_rate: float | None = None,
) -> TransformersCosineWithMinLr:
    """``get_scheduler("cosine_with_min_lr", ...)``: see :class:`TransformersCosineWithMinLr`."""
    return TransformersCosineWithMinLr(
        lr, num_warmup_steps, num_training_steps, num_cycles, min_lr, min_lr_rate
    )


def cosine_warmup_with_min_lr(
    lr: float,
    num_warmup_steps: int,
    num_training_steps: int,
    num_cycles: float = 0.5,
    min_lr: float | None = None,
    min_lr_rate: float | None = None,
    warmup_lr_rate: float | None = None,
) -> TransformersCosineWarmupWithMinLr:
    """``get_scheduler("cosine_warmup_with_min_lr", ...)``: see
    :class:`TransformersCosineWarmupWithMinLr`."""
    return TransformersCosineWarmupWithMinLr(
        lr, num_warmup_steps, num_training_steps, num_cycles, min_lr, min_lr_rate, warmup_lr_rate
    )


def warmup_stable_decay(
    lr: float,
    num_warmup_steps: int,
    num_training_steps: int | None = None,
    *,
    num_decay_steps: int,
    num_stable_steps: int | None = None,
    warmup_type: str = "linear",
    decay_type: str = "cosine",
    min_lr_ratio: float = 0.0,
    num_cycles: float = 0.5,
) -> TransformersWarmupStableDecay:
    """``get_scheduler("warmup_stable_decay", ...)``: see
    :class:`TransformersWarmupStableDecay`."""
    return TransformersWarmupStableDecay(
        lr,
        num_warmup_steps,
        num_decay_steps,
        num_training_steps,
        num_stable_steps,
        warmup_type,
        decay_type,
        min_lr_ratio,
        num_cycles,
    )
