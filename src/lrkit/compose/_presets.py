"""Presets: named schedules defined as a composition of the combinators (:class:`Preset`).

A preset's fields are its own arguments (its config), and its values are those of the
schedule :meth:`Preset.build` composes from them: no formula is written twice.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

from lrkit.compose._warmup import COOLDOWN_CURVES, WARMUP_CURVES, Cooldown, Warmup, check_value
from lrkit.core import Namespace, Schedule, check_choice, check_int, fail, schedule_class
from lrkit.core.schedules import Constant

__all__ = ["WarmupCosine", "WarmupLinear", "WarmupStableDecay"]

MAX_STEPS = 2**53


class Preset(Schedule):
    """A schedule defined by the composition :meth:`build` returns from its fields."""

    def build(self) -> Schedule:
        """The composition of combinators that defines this preset."""
        raise NotImplementedError

    @functools.cached_property
    def definition(self) -> Schedule:
        """The schedule :meth:`build` returns (built once per instance)."""
        return self.build()

    def _value(self, xp: Namespace, t: Any) -> Any:
        return self.definition._value(xp, t)

    def _whole_steps_only(self) -> bool:
        return self.definition._whole_steps_only()

    def _check_steps(self, largest: float) -> None:
        self.definition._check_steps(largest)

    def _period(self) -> int | None:
        return self.definition._period()

    @property
    def last_step(self) -> float | None:
        return self.definition.last_step

    @property
    def length(self) -> int | None:
        return self.definition.length

    @property
    def breakpoints(self) -> tuple[float, ...]:
        return self.definition.breakpoints


def _warmed(body: Schedule, warmup_steps: int, start_lr: float, shape: str = "linear") -> Schedule:
    """``body`` on the global step, its first ``warmup_steps`` replaced by a warm-up."""
    if warmup_steps == 0:
        return body
    return Warmup(body, warmup_steps, start=start_lr, curve=shape, shift=False)


@schedule_class
class WarmupStableDecay(Preset):
    r"""Warm-up, then a constant (stable) phase, then a decay: warmup-stable-decay (WSD).

    .. math::
        \eta_t = \begin{cases}
            \text{warm-up from } \eta_s \text{ to } \eta & t < W \\
            \eta & W \le t < T - D \\
            f + (\eta - f)\, w\big((t - T + D) / D\big) & T - D \le t < T \\
            f & t \ge T
        \end{cases}

    with the decay weight :math:`w(p)` = :math:`1 - p` (``"linear"``),
    :math:`(1 + \cos \pi p)/2` (``"cosine"``) or :math:`1 - \sqrt{p}` (``"1-sqrt"``). From
    MiniCPM (Hu et al., arXiv:2404.06395); the 1-sqrt cool-down from Hägele et al.
    (arXiv:2405.18392). Built as ``Warmup(Cooldown(constant), shift=False)``.

    Args:
        lr: :math:`\eta`, the stable value (>= 0).
        total_steps: :math:`T`, where the decay ends (a positive integer).
        decay_steps: :math:`D`, the decay's length (a positive integer,
            ``warmup_steps + decay_steps <= total_steps``).
        warmup_steps: :math:`W` (an integer >= 0). Default 0.
        final_lr: :math:`f`, the value at and after :math:`T` (>= 0). Default 0.
        start_lr: :math:`\eta_s`, the value at step 0 (>= 0). Default 0.
        decay_shape: ``"linear"`` (default), ``"cosine"`` or ``"1-sqrt"``.
        warmup_shape: ``"linear"`` (default), ``"cosine"`` or ``"exponential"``.

    >>> s = WarmupStableDecay(lr=0.1, total_steps=100, decay_steps=20, warmup_steps=10)
    >>> [round(s(t), 4) for t in (0, 5, 10, 80, 90, 100)]
    [0.0, 0.05, 0.1, 0.1, 0.05, 0.0]
    """

    lr: float
    total_steps: int
    decay_steps: int
    warmup_steps: int = 0
    final_lr: float = 0.0
    start_lr: float = 0.0
    decay_shape: str = "linear"
    warmup_shape: str = "linear"

    def __post_init__(self) -> None:
        self._set("lr", check_value("lr", self.lr))
        total = check_int("total_steps", self.total_steps, low=1, high=MAX_STEPS)
        self._set("total_steps", total)
        self._set("decay_steps", check_int("decay_steps", self.decay_steps, low=1, high=total))
        warmup = check_int("warmup_steps", self.warmup_steps, low=0, high=total)
        if warmup + self.decay_steps > total:
            fail(
                "warmup_steps",
                f"at most total_steps - decay_steps = {total - self.decay_steps}",
                warmup,
                hint="the warm-up, the stable phase and the decay share total_steps",
            )
        self._set("warmup_steps", warmup)
        self._set("final_lr", check_value("final_lr", self.final_lr))
        self._set("start_lr", check_value("start_lr", self.start_lr))
        self._set("decay_shape", check_choice("decay_shape", self.decay_shape, COOLDOWN_CURVES))
        self._set("warmup_shape", check_choice("warmup_shape", self.warmup_shape, WARMUP_CURVES))
        if self.warmup_shape == "exponential" and warmup and self.start_lr == 0.0:
            fail("start_lr", "> 0 for an exponential warm-up", self.start_lr)
        _ = self.definition  # built (and so checked) now

    def build(self) -> Schedule:
        stable = Constant(self.lr)
        body = Cooldown(stable, self.total_steps, self.decay_steps, self.final_lr, self.decay_shape)
        return _warmed(body, self.warmup_steps, self.start_lr, self.warmup_shape)


@dataclasses.dataclass(frozen=True, repr=False)
class _WarmupDecay(Preset):
    """A warm-up, then a decay over the rest of ``total_steps`` (no stable phase)."""

    lr: float
    total_steps: int
    warmup_steps: int = 0
    final_lr: float = 0.0
    start_lr: float = 0.0
    curve = "linear"

    def __post_init__(self) -> None:
        self._set("lr", check_value("lr", self.lr))
        total = check_int("total_steps", self.total_steps, low=1, high=MAX_STEPS)
        self._set("total_steps", total)
        self._set(
            "warmup_steps", check_int("warmup_steps", self.warmup_steps, low=0, high=total - 1)
        )
        self._set("final_lr", check_value("final_lr", self.final_lr))
        self._set("start_lr", check_value("start_lr", self.start_lr))
        _ = self.definition

    def build(self) -> Schedule:
        stable = Constant(self.lr)
        decay = self.total_steps - self.warmup_steps
        body = Cooldown(stable, self.total_steps, decay, self.final_lr, self.curve)
        return _warmed(body, self.warmup_steps, self.start_lr)


@schedule_class
class WarmupCosine(_WarmupDecay):
    r"""A linear warm-up, then a half cosine down to ``final_lr`` at ``total_steps``.

    .. math::
        \eta_t = \begin{cases}
            \eta_s + (\eta - \eta_s)\, t / W & t < W \\
            f + (\eta - f)\,\frac{1 + \cos(\pi (t - W) / (T - W))}{2} & W \le t < T \\
            f & t \ge T
        \end{cases}

    The schedule most models are trained with (Loshchilov & Hutter, arXiv:1608.03983, with
    the warm-up of Goyal et al., arXiv:1706.02677); transformers' ``cosine`` and optax's
    ``warmup_cosine_decay_schedule`` are this shape. Built as
    :class:`WarmupStableDecay` is, with no stable phase.

    Args:
        lr: :math:`\eta`, the peak (>= 0).
        total_steps: :math:`T`, where the cosine reaches ``final_lr`` (a positive integer).
        warmup_steps: :math:`W`, an integer from 0 to ``total_steps - 1``. Default 0.
        final_lr: :math:`f` (>= 0). Default 0.
        start_lr: :math:`\eta_s`, the value at step 0 (>= 0). Default 0.

    >>> s = WarmupCosine(lr=0.1, total_steps=110, warmup_steps=10)
    >>> [round(s(t), 4) for t in (0, 5, 10, 60, 110, 200)]
    [0.0, 0.05, 0.1, 0.05, 0.0, 0.0]
    """

    curve = "cosine"


@schedule_class
class WarmupLinear(_WarmupDecay):
    r"""A linear warm-up, then a straight line down to ``final_lr`` (0: linear decay to zero).

    .. math::
        \eta_t = \begin{cases}
            \eta_s + (\eta - \eta_s)\, t / W & t < W \\
            f + (\eta - f)\,\frac{T - t}{T - W} & W \le t < T \\
            f & t \ge T
        \end{cases}

    Linear decay to zero is what Bergsma et al. (arXiv:2502.15938) find best for LLMs;
    transformers' ``linear`` schedule is this shape.

    Args:
        lr: :math:`\eta`, the peak (>= 0).
        total_steps: :math:`T`, where the line reaches ``final_lr`` (a positive integer).
        warmup_steps: :math:`W`, an integer from 0 to ``total_steps - 1``. Default 0.
        final_lr: :math:`f` (>= 0). Default 0.
        start_lr: :math:`\eta_s`, the value at step 0 (>= 0). Default 0.

    >>> s = WarmupLinear(lr=0.1, total_steps=110, warmup_steps=10)
    >>> [round(s(t), 4) for t in (0, 5, 10, 60, 110, 200)]
    [0.0, 0.05, 0.1, 0.05, 0.0, 0.0]
    """

    curve = "linear"
