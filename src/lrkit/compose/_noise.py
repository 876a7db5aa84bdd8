"""Deterministic, seeded noise on any schedule (:class:`Noise`): the same seed gives the
same values at every step, on any machine, in any order of evaluation, without torch."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from lrkit.compose._arith import Wrapper, check_schedule
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

__all__ = ["Noise"]

_MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15
_M1 = 0xBF58476D1CE4E5B9
_M2 = 0x94D049BB133111EB
KINDS = ("normal", "uniform")


def _scramble(z: int) -> int:
    """A 64-bit bijective mix (the finaliser of the SplitMix64 generator), on a Python int."""
    z = ((z ^ (z >> 30)) * _M1) & _MASK
    z = ((z ^ (z >> 27)) * _M2) & _MASK
    return z ^ (z >> 31)


def _scramble_array(z: Any) -> Any:
    """:func:`_scramble` on a uint64 array (its products wrap modulo 2**64, as intended)."""
    z = (z ^ (z >> np.uint64(30))) * np.uint64(_M1)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(_M2)
    return z ^ (z >> np.uint64(31))


def uniforms(seed: int, xp: Namespace, step: Any, draw: int) -> Any:
    """The ``draw``-th uniform number in [0, 1) of ``step`` (a whole step, an int or an
    int64 array) for ``seed``: 53 bits of a hash of (seed, step, draw)."""
    key = _scramble(seed & _MASK)
    if xp is SCALAR:  # the counter 2 * step + draw + 1, modulo 2**64 as the array path
        counter = (2 * (step & _MASK) + draw + 1) & _MASK
        return (_scramble((key + counter * _GOLDEN) & _MASK) >> 11) * 2.0**-53
    steps = np.asarray(step, dtype=np.int64).view(np.uint64)
    with np.errstate(over="ignore"):
        counter = steps * np.uint64(2) + np.uint64(draw + 1)
        bits = _scramble_array(np.uint64(key) + counter * np.uint64(_GOLDEN))
    return (bits >> np.uint64(11)).astype(np.float64) * 2.0**-53


@schedule_class
class Noise(Wrapper):
    r"""A schedule with seeded multiplicative noise: the same seed, the same values.

    .. math:: \eta_t = S(t) \cdot \max(0,\ 1 + \sigma\, n_{\lfloor t \rfloor})

    where :math:`n_k` is drawn for the whole step :math:`k` from a hash of (``seed``,
    :math:`k`): a standard normal (Box-Muller) clipped to :math:`\pm` ``limit`` /
    :math:`\sigma` when ``limit`` is given, or a uniform number in :math:`[-1, 1)`. Noise is
    applied on ``start_step <= t < end_step`` only. Like timm's ``noise_pct`` /
    ``noise_std`` (which draw from torch's random generator, step after step), but defined
    by the seed alone, so evaluating any step, in any order, vectorised, gives
    the same number; nothing here imports torch.

    Args:
        of: the schedule :math:`S`.
        scale: :math:`\sigma`, the standard deviation (normal) or half-width (uniform) of
            the relative noise (>= 0, at most 1e6).
        seed: an integer >= 0 (at most 2**64 - 1).
        kind: ``"normal"`` (default) or ``"uniform"``.
        limit: for ``"normal"``, the largest relative change (> 0), or None (no clipping).
        start_step: the first step with noise (an integer >= 0).
        end_step: the first step without noise again (None: never), > ``start_step``.

    >>> from lrkit import CosineAnnealingLR
    >>> s = Noise(CosineAnnealingLR(lr=0.1, T_max=100), scale=0.05, seed=42, limit=0.1)
    >>> s(10) == s(10) and abs(s(10) / CosineAnnealingLR(lr=0.1, T_max=100)(10) - 1) <= 0.1
    True
    >>> import numpy as np; bool((s(np.arange(5)) == [s(t) for t in range(5)]).all())
    True
    """

    of: Schedule
    scale: float
    seed: int = 0
    kind: str = "normal"
    limit: float | None = None
    start_step: int = 0
    end_step: int | None = None

    def __post_init__(self) -> None:
        self._set("of", check_schedule("of", self.of))
        self._set("scale", check_real("scale", self.scale, low=0.0, high=1e6))
        self._set("seed", check_int("seed", self.seed, low=0, high=_MASK))
        self._set("kind", check_choice("kind", self.kind, KINDS))
        if self.limit is not None:
            if self.kind != "normal":
                fail("limit", "None for kind='uniform' (its noise is bounded by scale)", self.limit)
            self._set("limit", check_real("limit", self.limit, low=0.0, low_open=True, high=1e6))
        self._set("start_step", check_int("start_step", self.start_step, low=0))
        if self.end_step is not None:
            end = check_int("end_step", self.end_step, low=self.start_step + 1)
            self._set("end_step", end)

    def relative_noise(self, xp: Namespace, k: Any) -> Any:
        """:math:`\\sigma n_k` at whole steps ``k`` (before the window and the floor at -1)."""
        u = uniforms(self.seed, xp, k, 0)
        if self.kind == "uniform":
            return (2.0 * u - 1.0) * self.scale
        v = uniforms(self.seed, xp, k, 1)
        radius = xp.sqrt(-2.0 * xp.log(1.0 - u))  # 1 - u is in (0, 1]
        noise = radius * xp.cos(2.0 * math.pi * v) * self.scale
        if self.limit is not None:
            noise = xp.minimum(xp.maximum(noise, -self.limit), self.limit)
        return noise

    def _value(self, xp: Namespace, t: Any) -> Any:
        value = self.of._value(xp, t)
        if xp is SCALAR:
            whole = int(t) if t.__class__ is not int else t
            if whole < self.start_step or (self.end_step is not None and whole >= self.end_step):
                return value
            return value * max(0.0, 1.0 + self.relative_noise(xp, whole))
        steps = np.asarray(t)
        k: Any = steps if steps.dtype.kind in "iu" else np.floor(steps).astype(np.int64)
        factor = np.maximum(0.0, 1.0 + self.relative_noise(xp, k))
        inside = k >= self.start_step
        if self.end_step is not None:
            inside &= k < self.end_step
        return np.where(inside, value * factor, value)
