"""optax's schedules under optax's own names and arguments (issue 10).

``lrkit.optax.linear_schedule(init_value=1.0, end_value=0.01, transition_steps=100)`` is the
schedule whose value at step ``t`` is optax's ``linear_schedule(...)(t)`` computed in float64
(``jax_enable_x64``); the config ``{"type": "optax.linear_schedule", ...}`` builds the same.
Each is a small closed form evaluated in optax's own order of float operations, so the
values agree with optax to the last bit or two. Values are learning rates: they must stay
>= 0, so the values optax would allow below zero are refused here.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import math
import sys
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from lrkit.compose import Preset, check_schedules
from lrkit.core import (
    NUMPY,
    LrkitError,
    Namespace,
    Schedule,
    check_bool,
    check_choice,
    check_int,
    check_real,
    fail,
    schedule_class,
)

__all__ = [
    "constant_schedule",
    "cosine_decay_schedule",
    "cosine_onecycle_schedule",
    "exponential_decay",
    "join_schedules",
    "linear_onecycle_schedule",
    "linear_schedule",
    "piecewise_constant_schedule",
    "piecewise_interpolate_schedule",
    "polynomial_schedule",
    "sgdr_schedule",
    "warmup_constant_schedule",
    "warmup_cosine_decay_schedule",
    "warmup_exponential_decay_schedule",
]

#: The largest step count optax's arguments may hold here (every count is exact in float64).
MAX_COUNT = 2**53
MAX_FLOAT = sys.float_info.max


def _rate(name: str, value: Any) -> float:
    """A value of the schedule: a finite real >= 0."""
    return check_real(name, value, low=0.0)


def _count(name: str, value: Any) -> int:
    """A step count optax accepts below zero (meaning 0 there): any integer up to 2**53."""
    return check_int(name, value, low=-MAX_COUNT, high=MAX_COUNT)


def _power(xp: Namespace, base: Any, exponent: float) -> Any:
    """``base ** exponent`` as libm's ``pow`` rounds it on both paths, as XLA's does (numpy's
    ``power`` on arrays takes a faster route that may differ by an ulp)."""
    if xp is NUMPY:
        with np.errstate(over="ignore"):
            return np.float_power(base, exponent)
    return xp.power(base, exponent)


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
    def breakpoints(self) -> tuple[float, ...]:
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
        return _power(xp, frac, self.power)


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
        decayed = (1 - self.alpha) * _power(xp, cosine, self.exponent) + self.alpha
        return self.init_value * decayed

    @property
    def length(self) -> int:
        return self.decay_steps + 1

    @property
    def breakpoints(self) -> tuple[float, ...]:
        return (float(self.decay_steps),)


@schedule_class(name="optax.exponential_decay")
class _ExponentialDecay(_OptaxSchedule):
    r"""optax's ``exponential_decay``: ``init_value`` times ``decay_rate`` to the power of
    the steps since ``transition_begin`` over ``transition_steps``, optionally stepwise and
    clipped at ``end_value``.

    .. math::
        \eta_t = \operatorname{clip}_E\big(I\, r^{p_t}\big) \text{ for } t > B,
        \quad \eta_t = \operatorname{clip}_E(I) \text{ for } t \le B, \qquad
        p_t = \frac{t - B}{T} \;\text{(floored if staircase)}

    with :math:`I` = ``init_value``, :math:`r` = ``decay_rate``, :math:`T` =
    ``transition_steps``, :math:`B` = ``transition_begin``; :math:`\operatorname{clip}_E`
    is :math:`\max(\cdot, E)` when :math:`r < 1` and :math:`\min(\cdot, E)` when
    :math:`r \ge 1` (:math:`E` = ``end_value``; no clip when it is None). As in optax, a
    ``transition_steps <= 0`` or a ``decay_rate`` of 0 gives the constant :math:`I`
    (unclipped), and a negative ``transition_begin`` counts as 0. A ``decay_rate > 1``
    without ``end_value`` grows without bound: to float64's largest number, where optax's
    float64 value becomes inf (or NaN, for ``init_value`` 0).

    Args:
        init_value: :math:`I` (>= 0).
        transition_steps: :math:`T` (an integer; <= 0 means no decay).
        decay_rate: :math:`r` (>= 0; 0 means no decay).
        transition_begin: :math:`B` (an integer; below 0 means 0). Default 0.
        staircase: floor :math:`p_t` (decay at whole multiples of :math:`T`). Default False.
        end_value: :math:`E`, the bound (>= 0) or None. Default None.

    From optax (``optax.exponential_decay``).

    >>> s = exponential_decay(init_value=1.0, transition_steps=10, decay_rate=0.5)
    >>> [s(t) for t in (0, 10, 20, 5)]
    [1.0, 0.5, 0.25, 0.7071067811865476]
    """

    init_value: float
    transition_steps: int
    decay_rate: float
    transition_begin: int = 0
    staircase: bool = False
    end_value: float | None = None

    def __post_init__(self) -> None:
        self._set("init_value", _rate("init_value", self.init_value))
        self._set("transition_steps", _count("transition_steps", self.transition_steps))
        self._set("decay_rate", check_real("decay_rate", self.decay_rate, low=0.0))
        self._set("transition_begin", _count("transition_begin", self.transition_begin))
        self._set("staircase", check_bool("staircase", self.staircase))
        if self.end_value is not None:
            self._set("end_value", _rate("end_value", self.end_value))

    def _value(self, xp: Namespace, t: Any) -> Any:
        if self.transition_steps <= 0 or self.decay_rate == 0:  # optax: a constant
            return t * 0.0 + self.init_value
        since = t - max(self.transition_begin, 0)
        p = since / self.transition_steps
        if self.staircase:
            p = xp.floor(p)
        # A growing power saturates at float64's largest number (optax's reaches inf, and
        # 0 * inf = NaN for a zero init_value): the product stays finite and >= 0.
        init = self.init_value
        grown = xp.minimum(init * _power(xp, self.decay_rate, p), MAX_FLOAT) if init else t * 0.0
        decayed = xp.where(since <= 0, init, grown)
        if self.end_value is None:
            return decayed
        clip = xp.maximum if self.decay_rate < 1.0 else xp.minimum
        return clip(decayed, self.end_value)

    @property
    def length(self) -> int:
        begin = max(self.transition_begin, 0)
        return begin + 5 * max(self.transition_steps, 1) + 1

    @property
    def breakpoints(self) -> tuple[float, ...]:
        return (float(max(self.transition_begin, 0)),)


def _boundary(key: Any) -> int:
    """A boundary of ``boundaries_and_scales``: an integer, or a JSON key such as ``"100"``."""
    if isinstance(key, str):
        text = key.strip()
        if not text.lstrip("+-").isdigit():
            fail("boundaries_and_scales", "keys are integer steps", key)
        key = int(text)
    return check_int("boundaries_and_scales", key, low=-MAX_COUNT, high=MAX_COUNT)


def _boundaries_and_scales(value: Any) -> tuple[tuple[int, float], ...]:
    """optax's ``{step: scale}`` as sorted ``(step, scale)`` pairs (from a dict, a JSON
    object with string keys, or a list of pairs)."""
    if value is None:
        return ()
    if isinstance(value, Mapping):
        items = list(value.items())
    elif isinstance(value, Sequence) and not isinstance(value, str):
        items = []
        for item in value:
            if not isinstance(item, Sequence) or isinstance(item, str) or len(item) != 2:
                fail("boundaries_and_scales", "a {step: scale} dict or [step, scale] pairs", item)
            items.append((item[0], item[1]))
    else:
        fail("boundaries_and_scales", "a {step: scale} dict or [step, scale] pairs", value)
    pairs: dict[int, float] = {}
    for key, scale in items:
        step = _boundary(key)
        if step in pairs:
            fail("boundaries_and_scales", "one scale per step", key)
        pairs[step] = check_real("boundaries_and_scales", scale, low=0.0)
    return tuple(sorted(pairs.items()))


def _levels(init_value: float, pairs: tuple[tuple[int, float], ...]) -> list[float]:
    """``init_value`` and its running products with the scales, rounded after each (as
    optax multiplies them); refused if one overflows."""
    levels = [init_value]
    for _, scale in pairs:
        levels.append(levels[-1] * scale)
        if not math.isfinite(levels[-1]):
            fail(
                "boundaries_and_scales",
                "scales whose running product with init_value stays finite",
                dict(pairs),
            )
    return levels


@schedule_class(name="optax.piecewise_constant_schedule")
class _PiecewiseConstantSchedule(_OptaxSchedule):
    r"""optax's ``piecewise_constant_schedule``: ``init_value`` times every scale whose
    boundary has been reached.

    .. math::
        \eta_t = I \prod_{i:\, b_i \le t} s_i

    with :math:`I` = ``init_value`` and the pairs :math:`(b_i, s_i)` of
    ``boundaries_and_scales``, multiplied in increasing :math:`b_i` (as optax rounds).

    Args:
        init_value: :math:`I` (>= 0).
        boundaries_and_scales: ``{step: scale}`` (scales >= 0; JSON's string keys such as
            ``"100"`` are accepted), or ``[step, scale]`` pairs, or None (no boundary). Held
            as sorted ``(step, scale)`` pairs. Default None.

    From optax (``optax.piecewise_constant_schedule``).

    >>> s = piecewise_constant_schedule(1.0, {100: 0.1, 200: 0.1})
    >>> [s(t) for t in (0, 99, 100, 250)]
    [1.0, 1.0, 0.1, 0.010000000000000002]
    """

    init_value: float
    boundaries_and_scales: Any = ()

    def __post_init__(self) -> None:
        self._set("init_value", _rate("init_value", self.init_value))
        pairs = _boundaries_and_scales(self.boundaries_and_scales)
        _levels(self.init_value, pairs)
        self._set("boundaries_and_scales", pairs)

    def _value(self, xp: Namespace, t: Any) -> Any:
        value = t * 0.0 + self.init_value
        for step, scale in self.boundaries_and_scales:
            value = xp.where(t >= step, value * scale, value)
        return value

    @property
    def length(self) -> int:
        steps: list[int] = [step for step, _ in self.boundaries_and_scales]
        return max([0, *steps]) + max([1, *steps]) // 5 + 1

    @property
    def breakpoints(self) -> tuple[float, ...]:
        return tuple(float(step) for step, _ in self.boundaries_and_scales if step >= 0)


@schedule_class(name="optax.piecewise_interpolate_schedule")
class _PiecewiseInterpolateSchedule(_OptaxSchedule):
    r"""optax's ``piecewise_interpolate_schedule``: from one level to the next between
    boundaries, linearly or along a half cosine; each level is the previous one times the
    boundary's scale.

    .. math::
        \eta_t = v_{i+1} + (v_i - v_{i+1})\, w\Big(\frac{t - b_i}{\max(b_{i+1} - b_i, 1)}\Big)
        \text{ for } b_i \le t < b_{i+1}, \qquad \eta_t = v_n \text{ for } t \ge b_n

    with :math:`b_0 = 0`, the sorted steps :math:`b_1 < \dots < b_n` of
    ``boundaries_and_scales``, the levels :math:`v_0 = I` (``init_value``) and
    :math:`v_i = v_{i-1} s_i`, and :math:`w(p) = 1 - p` (``"linear"``) or
    :math:`(1 + \cos \pi p)/2` (``"cosine"``). As in optax, an interval that starts before
    step 0 or is empty is never used (a boundary at or below 0 starts at its level).

    Args:
        interpolate_type: ``"linear"`` or ``"cosine"``.
        init_value: :math:`I` (>= 0).
        boundaries_and_scales: ``{step: scale}`` (scales >= 0; JSON's string keys such as
            ``"100"`` are accepted), or ``[step, scale]`` pairs, or None (no boundary). Held
            as sorted ``(step, scale)`` pairs. Default None.

    From optax (``optax.piecewise_interpolate_schedule``).

    >>> s = piecewise_interpolate_schedule("linear", 1.0, {10: 0.5, 20: 0.0})
    >>> [s(t) for t in (0, 5, 10, 15, 20, 99)]
    [1.0, 0.75, 0.5, 0.25, 0.0, 0.0]
    """

    interpolate_type: str
    init_value: float
    boundaries_and_scales: Any = ()

    def __post_init__(self) -> None:
        self._set(
            "interpolate_type",
            check_choice("interpolate_type", self.interpolate_type, ("linear", "cosine")),
        )
        self._set("init_value", _rate("init_value", self.init_value))
        pairs = _boundaries_and_scales(self.boundaries_and_scales)
        _levels(self.init_value, pairs)
        self._set("boundaries_and_scales", pairs)

    def _value(self, xp: Namespace, t: Any) -> Any:
        pairs = self.boundaries_and_scales
        levels = _levels(self.init_value, pairs)
        bounds = [0, *(step for step, _ in pairs)]
        value = xp.where(t >= bounds[-1], levels[-1], t * 0.0)
        for i in range(len(pairs)):
            begin, end = bounds[i], bounds[i + 1]
            if end <= max(begin, 0):
                continue  # optax's interval [begin, end) holds no step >= 0
            start, stop = levels[i], levels[i + 1]
            pct = (t - begin) / max(end - begin, 1)
            if self.interpolate_type == "linear":
                between = (stop - start) * pct + start
            else:
                between = stop + (start - stop) / 2.0 * (xp.cos(math.pi * pct) + 1)
            value = xp.where((begin <= t) & (t < end), between, value)
        return value

    @property
    def length(self) -> int:
        steps: list[int] = [step for step, _ in self.boundaries_and_scales]
        return max([0, *steps]) + max([1, *steps]) // 5 + 1

    @property
    def breakpoints(self) -> tuple[float, ...]:
        return tuple(float(step) for step, _ in self.boundaries_and_scales if step >= 0)


class _Warmed(_OptaxSchedule):
    """optax's warm-up schedules: ``join_schedules`` of a linear warm-up from
    ``init_value`` to ``peak_value`` over ``warmup_steps`` and a decay from ``peak_value``,
    which counts its steps from ``warmup_steps``."""

    init_value: float
    peak_value: float
    warmup_steps: int

    def _check_warmup(self) -> None:
        self._set("init_value", _rate("init_value", self.init_value))
        self._set("peak_value", _rate("peak_value", self.peak_value))
        # optax's negative warmup_steps shifts the decay to before step 0: refused here
        self._set("warmup_steps", check_int("warmup_steps", self.warmup_steps, high=MAX_COUNT))

    @property
    def warmup(self) -> _LinearSchedule:
        """The warm-up (optax's ``linear_schedule``; constant ``init_value`` without one)."""
        return _LinearSchedule(self.init_value, self.peak_value, self.warmup_steps)

    @property
    def decay(self) -> Schedule | None:
        """The schedule after the warm-up (None: the warm-up's end value, held)."""
        return None

    def _value(self, xp: Namespace, t: Any) -> Any:
        warm = self.warmup._value(xp, t)
        decay = self.decay
        if decay is None:
            return warm
        return xp.where(t < self.warmup_steps, warm, decay._value(xp, t - self.warmup_steps))


@schedule_class(name="optax.warmup_constant_schedule")
class _WarmupConstantSchedule(_Warmed):
    r"""optax's ``warmup_constant_schedule``: a linear warm-up from ``init_value`` to
    ``peak_value`` over ``warmup_steps``, then ``peak_value``.

    .. math::
        \eta_t = (I - P)\,\big(1 - \min(t, W) / W\big) + P

    with :math:`I` = ``init_value``, :math:`P` = ``peak_value`` and :math:`W` =
    ``warmup_steps`` (optax's ``linear_schedule`` from :math:`I` to :math:`P`). As in optax,
    ``warmup_steps = 0`` gives the constant :math:`I` (not :math:`P`).

    Args:
        init_value: :math:`I` (>= 0).
        peak_value: :math:`P` (>= 0).
        warmup_steps: :math:`W` (an integer >= 0; 0 means the constant :math:`I`).

    From optax (``optax.warmup_constant_schedule``).

    >>> s = warmup_constant_schedule(0.0, 1.0, 4)
    >>> [s(t) for t in (0, 1, 4, 100)]
    [0.0, 0.25, 1.0, 1.0]
    """

    init_value: float
    peak_value: float
    warmup_steps: int

    def __post_init__(self) -> None:
        self._check_warmup()

    @property
    def length(self) -> int:
        return 2 * max(self.warmup_steps, 1) + 1

    @property
    def breakpoints(self) -> tuple[float, ...]:
        return (float(self.warmup_steps),) if self.warmup_steps > 0 else ()


@schedule_class(name="optax.warmup_cosine_decay_schedule")
class _WarmupCosineDecaySchedule(_Warmed):
    r"""optax's ``warmup_cosine_decay_schedule``: a linear warm-up from ``init_value`` to
    ``peak_value``, then a cosine decay to ``end_value`` at ``decay_steps``.

    .. math::
        \eta_t = \begin{cases}
            (I - P)(1 - t / W) + P & t < W \\
            P\Big((1 - \alpha)\big(\tfrac12(1 + \cos(\pi c_t / (D - W)))\big)^{p}
                + \alpha\Big) & t \ge W
        \end{cases}

    with :math:`c_t = \min(t - W, D - W)` and :math:`\alpha = E / P` (0 when :math:`P = 0`),
    :math:`I` = ``init_value``, :math:`P` = ``peak_value``, :math:`W` = ``warmup_steps``,
    :math:`D` = ``decay_steps``, :math:`E` = ``end_value``, :math:`p` = ``exponent``. As
    optax does, the end value is ``peak_value * (end_value / peak_value)`` in float64 (it may
    differ from ``end_value`` by an ulp), and ``decay_steps`` counts from step 0, warm-up
    included.

    Args:
        init_value: :math:`I` (>= 0).
        peak_value: :math:`P` (>= 0).
        warmup_steps: :math:`W` (an integer >= 0; 0 means no warm-up).
        decay_steps: :math:`D` (an integer > ``warmup_steps``).
        end_value: :math:`E` (>= 0). Default 0.
        exponent: :math:`p` (>= 0). Default 1.

    From optax (``optax.warmup_cosine_decay_schedule``); the cosine from Loshchilov &
    Hutter, SGDR (https://arxiv.org/abs/1608.03983).

    >>> s = warmup_cosine_decay_schedule(0.0, 1.0, warmup_steps=10, decay_steps=110)
    >>> [round(s(t), 4) for t in (0, 5, 10, 60, 110, 999)]
    [0.0, 0.5, 1.0, 0.5, 0.0, 0.0]
    """

    init_value: float
    peak_value: float
    warmup_steps: int
    decay_steps: int
    end_value: float = 0.0
    exponent: float = 1.0

    def __post_init__(self) -> None:
        self._check_warmup()
        low = self.warmup_steps + 1
        if not isinstance(self.decay_steps, bool) and isinstance(self.decay_steps, int):
            if self.decay_steps < low:
                fail(
                    "decay_steps",
                    f"greater than warmup_steps = {self.warmup_steps}",
                    self.decay_steps,
                    hint="optax's cosine decay lasts decay_steps - warmup_steps steps",
                )
        self._set(
            "decay_steps", check_int("decay_steps", self.decay_steps, low=low, high=MAX_COUNT)
        )
        self._set("end_value", _rate("end_value", self.end_value))
        self._set("exponent", check_real("exponent", self.exponent, low=0.0))

    @property
    def decay(self) -> Schedule:
        peak = self.peak_value
        alpha = 0.0 if peak == 0.0 else self.end_value / peak
        return _CosineDecaySchedule(
            peak, self.decay_steps - self.warmup_steps, alpha, self.exponent
        )

    @property
    def length(self) -> int:
        return self.decay_steps + 1

    @property
    def breakpoints(self) -> tuple[float, ...]:
        return (float(max(self.warmup_steps, 0)), float(self.decay_steps))


@schedule_class(name="optax.warmup_exponential_decay_schedule")
class _WarmupExponentialDecaySchedule(_Warmed):
    r"""optax's ``warmup_exponential_decay_schedule``: a linear warm-up from ``init_value``
    to ``peak_value``, then optax's ``exponential_decay`` from ``peak_value``, counting its
    steps from ``warmup_steps``.

    .. math::
        \eta_t = \begin{cases}
            (I - P)(1 - t / W) + P & t < W \\
            \operatorname{clip}_E\big(P\, r^{p}\big),\;
            p = \frac{t - W - B}{T} \text{ (floored if staircase)} & t \ge W
        \end{cases}

    (:math:`P` itself while :math:`t - W \le B`), with the clip, the edge cases and the
    symbols of :func:`exponential_decay`.

    Args:
        init_value: :math:`I` (>= 0).
        peak_value: :math:`P` (>= 0).
        warmup_steps: :math:`W` (an integer >= 0; 0 means no warm-up).
        transition_steps: :math:`T` (an integer; <= 0 means no decay).
        decay_rate: :math:`r` (>= 0; 0 means no decay).
        transition_begin: :math:`B` (an integer; below 0 means 0). Default 0.
        staircase: floor the exponent. Default False.
        end_value: :math:`E`, the bound (>= 0) or None. Default None.

    From optax (``optax.warmup_exponential_decay_schedule``).

    >>> s = warmup_exponential_decay_schedule(0.0, 1.0, 4, transition_steps=10, decay_rate=0.5)
    >>> [s(t) for t in (0, 2, 4, 14, 24)]
    [0.0, 0.5, 1.0, 0.5, 0.25]
    """

    init_value: float
    peak_value: float
    warmup_steps: int
    transition_steps: int
    decay_rate: float
    transition_begin: int = 0
    staircase: bool = False
    end_value: float | None = None

    def __post_init__(self) -> None:
        self._check_warmup()
        # the decay's own checks, naming the same arguments
        decay = _ExponentialDecay(
            self.peak_value,
            self.transition_steps,
            self.decay_rate,
            self.transition_begin,
            self.staircase,
            self.end_value,
        )
        for name in (
            "transition_steps",
            "decay_rate",
            "transition_begin",
            "staircase",
            "end_value",
        ):
            self._set(name, getattr(decay, name))

    @property
    def decay(self) -> Schedule:
        return _ExponentialDecay(
            self.peak_value,
            self.transition_steps,
            self.decay_rate,
            self.transition_begin,
            self.staircase,
            self.end_value,
        )

    @property
    def length(self) -> int:
        return max(self.warmup_steps, 0) + (self.decay.length or 1)

    @property
    def breakpoints(self) -> tuple[float, ...]:
        return (float(max(self.warmup_steps, 0)),)


def _invertible(value: float) -> bool:
    """Whether ``1 / value`` is a finite float64 number."""
    try:
        return value != 0.0 and math.isfinite(1.0 / value)
    except OverflowError:
        return False


def _positive(name: str, value: Any) -> float:
    """A factor > 0 whose reciprocal is a finite float64 number."""
    number = check_real(name, value, low=0.0, low_open=True)
    if not _invertible(number):
        fail(name, "a number whose reciprocal is finite", number)
    return number


class _OneCycle(_OptaxSchedule):
    """optax's one-cycle schedules: a piecewise interpolation (``definition``) from
    ``peak_value / div_factor`` through ``peak_value`` to the final value."""

    transition_steps: int
    peak_value: float
    pct_start: float
    div_factor: float
    final_div_factor: float

    @property
    def definition(self) -> _PiecewiseInterpolateSchedule:
        """optax's piecewise interpolation that defines this schedule."""
        raise NotImplementedError

    def _check_cycle(self) -> None:
        """The arguments both schedules share (``pct_final`` aside)."""
        steps = check_int("transition_steps", self.transition_steps, low=1, high=MAX_COUNT)
        self._set("transition_steps", steps)
        self._set("peak_value", _rate("peak_value", self.peak_value))
        self._set("pct_start", check_real("pct_start", self.pct_start, low=0.0, high=1.0))
        self._set("div_factor", _positive("div_factor", self.div_factor))
        self._set("final_div_factor", _positive("final_div_factor", self.final_div_factor))
        if not math.isfinite(self.peak_value / self.div_factor):
            fail("div_factor", "at least peak_value / float64's largest number", self.div_factor)

    def _value(self, xp: Namespace, t: Any) -> Any:
        return self.definition._value(xp, t)

    @property
    def length(self) -> int:
        return self.transition_steps + self.transition_steps // 5 + 1

    @property
    def breakpoints(self) -> tuple[float, ...]:
        return self.definition.breakpoints


@schedule_class(name="optax.linear_onecycle_schedule")
class _LinearOnecycleSchedule(_OneCycle):
    r"""optax's ``linear_onecycle_schedule``: linear from ``peak_value / div_factor`` up to
    ``peak_value``, back down, then down to the final value (three linear pieces).

    .. math::
        \eta = \text{optax's piecewise\_interpolate\_schedule}\big(\text{linear},\;
            P / d,\; \{\lfloor s T \rfloor: d,\; \lfloor f T \rfloor: 1/d,\;
            T: 1/d_f\}\big)

    with :math:`T` = ``transition_steps``, :math:`P` = ``peak_value``, :math:`s` =
    ``pct_start``, :math:`f` = ``pct_final``, :math:`d` = ``div_factor``, :math:`d_f` =
    ``final_div_factor``: the levels are :math:`P/d`, :math:`P`, :math:`P/d` and
    :math:`P/(d\,d_f)`. As in optax's dict, a later boundary at the same step replaces an
    earlier one's scale.

    Args:
        transition_steps: :math:`T` (a positive integer).
        peak_value: :math:`P` (>= 0).
        pct_start: :math:`s` (in [0, 1]). Default 0.3.
        pct_final: :math:`f` (in [0, 1]). Default 0.85.
        div_factor: :math:`d` (> 0). Default 25.
        final_div_factor: :math:`d_f` (> 0). Default 1e4.

    From optax (``optax.linear_onecycle_schedule``); the one-cycle policy of Smith & Topin
    (https://arxiv.org/abs/1708.07120).

    >>> s = linear_onecycle_schedule(100, 1.0)
    >>> [round(s(t), 4) for t in (0, 30, 85, 100)]
    [0.04, 1.0, 0.04, 0.0]
    """

    transition_steps: int
    peak_value: float
    pct_start: float = 0.3
    pct_final: float = 0.85
    div_factor: float = 25.0
    final_div_factor: float = 1e4

    def __post_init__(self) -> None:
        self._check_cycle()
        self._set("pct_final", check_real("pct_final", self.pct_final, low=0.0, high=1.0))
        _ = self.definition

    @functools.cached_property
    def definition(self) -> _PiecewiseInterpolateSchedule:
        """optax's piecewise interpolation that defines this schedule."""
        steps, div = self.transition_steps, self.div_factor
        scales: dict[int, float] = {}  # in optax's order: a repeated step keeps the last
        scales[int(self.pct_start * steps)] = div
        scales[int(self.pct_final * steps)] = 1.0 / div
        scales[steps] = 1.0 / self.final_div_factor
        return _PiecewiseInterpolateSchedule("linear", self.peak_value / div, scales)


@schedule_class(name="optax.cosine_onecycle_schedule")
class _CosineOnecycleSchedule(_OneCycle):
    r"""optax's ``cosine_onecycle_schedule``: a half cosine from ``peak_value / div_factor``
    up to ``peak_value``, then another down to the final value.

    .. math::
        \eta = \text{optax's piecewise\_interpolate\_schedule}\big(\text{cosine},\;
            P / d,\; \{\lfloor s T \rfloor: d,\; T: 1/(d\,d_f)\}\big)

    with :math:`T` = ``transition_steps``, :math:`P` = ``peak_value``, :math:`s` =
    ``pct_start``, :math:`d` = ``div_factor``, :math:`d_f` = ``final_div_factor``: the levels
    are :math:`P/d`, :math:`P` and :math:`P/(d\,d_f)`. A ``pct_start`` of 1 puts
    both boundaries at :math:`T`: the later scale wins, as in optax's dict.

    Args:
        transition_steps: :math:`T` (a positive integer).
        peak_value: :math:`P` (>= 0).
        pct_start: :math:`s` (in [0, 1]). Default 0.3.
        div_factor: :math:`d` (> 0). Default 25.
        final_div_factor: :math:`d_f` (> 0). Default 1e4.

    From optax (``optax.cosine_onecycle_schedule``); the one-cycle policy of Smith & Topin
    (https://arxiv.org/abs/1708.07120).

    >>> s = cosine_onecycle_schedule(100, 1.0)
    >>> [round(s(t), 4) for t in (0, 15, 30, 100)]
    [0.04, 0.52, 1.0, 0.0]
    """

    transition_steps: int
    peak_value: float
    pct_start: float = 0.3
    div_factor: float = 25.0
    final_div_factor: float = 1e4

    def __post_init__(self) -> None:
        self._check_cycle()
        if not _invertible(self.div_factor * self.final_div_factor):
            fail(
                "final_div_factor",
                "a number with 1 / (div_factor * final_div_factor) finite",
                self.final_div_factor,
            )
        _ = self.definition

    @functools.cached_property
    def definition(self) -> _PiecewiseInterpolateSchedule:
        """optax's piecewise interpolation that defines this schedule."""
        steps, div = self.transition_steps, self.div_factor
        scales: dict[int, float] = {}  # in optax's order: a repeated step keeps the last
        scales[int(self.pct_start * steps)] = div
        scales[steps] = 1.0 / (div * self.final_div_factor)
        return _PiecewiseInterpolateSchedule("cosine", self.peak_value / div, scales)


@schedule_class(name="optax.join_schedules")
class _JoinSchedules(_OptaxSchedule):
    r"""optax's ``join_schedules``: the first schedule on the global step; from each
    boundary on, the schedule after it, on its steps since that boundary.

    .. math::
        \eta_t = S_j(t - b_{j-1}) \text{ for the last } j \ge 1
            \text{ (in list order) with } b_{j-1} \le t, \text{ else } S_0(t)

    optax writes this as a chain of ``where(step < boundary, ...)`` in list order, so
    boundaries need not be sorted: at each step the last boundary in the list that has
    been reached wins (a later boundary that is smaller hides an earlier larger one).

    Args:
        schedules: the schedules :math:`S_0, S_1, \ldots` (any lrkit schedules; in a
            config, a list of schedule configs).
        boundaries: :math:`b_0, b_1, \ldots`, integers (at most 2**53 in magnitude), one
            fewer than the schedules (optax's ``zip`` would drop the extra ones silently:
            refused here).

    From optax (``optax.join_schedules``).

    >>> s = join_schedules([linear_schedule(0.0, 1.0, 10), constant_schedule(1.0)], [10])
    >>> [s(t) for t in (0, 5, 10, 99)]
    [0.0, 0.5, 1.0, 1.0]
    """

    schedule_lists = ("schedules",)

    schedules: tuple[Schedule, ...]
    boundaries: tuple[int, ...]

    def __post_init__(self) -> None:
        children = check_schedules("schedules", self.schedules)
        self._set("schedules", children)
        if isinstance(self.boundaries, (str, bytes)) or not isinstance(self.boundaries, Sequence):
            fail("boundaries", "a list of integers", self.boundaries)
        boundaries = tuple(_count(f"boundaries[{i}]", b) for i, b in enumerate(self.boundaries))
        if len(boundaries) != len(children) - 1:
            fail(
                "boundaries",
                f"a list of {len(children) - 1} steps (one fewer than the "
                f"{len(children)} schedules)",
                list(boundaries),
            )
        self._set("boundaries", boundaries)
        pieces = self._pieces
        for (_, j), (end, _) in itertools.pairwise(pieces):
            last = end - 1 - self._offset(j)  # the piece's last step, in its own time
            if last >= 0:
                try:
                    children[j]._check_steps(float(last))
                except ValueError as error:
                    fail(
                        f"schedules[{j}]",
                        f"defined up to its step {last}, where the next schedule starts",
                        type(children[j]).__name__,
                        hint=str(error),
                    )

    def _offset(self, j: int) -> int:
        """The global step at which schedule ``j`` reads its step 0."""
        return self.boundaries[j - 1] if j else 0

    @functools.cached_property
    def _pieces(self) -> tuple[tuple[int, int], ...]:
        """``(first step, schedule index)`` of each stretch of steps one schedule runs,
        from step 0 on: the last schedule in list order whose boundary was reached."""
        edges = sorted({b for b in self.boundaries if b > 0})
        pieces: list[tuple[int, int]] = []
        for start in (0, *edges):
            reached = [j + 1 for j, b in enumerate(self.boundaries) if b <= start]
            pieces.append((start, max(reached, default=0)))
        return tuple(pieces)

    def _whole_steps_only(self) -> bool:
        return any(child._whole_steps_only() for child in self.schedules)

    def _check_steps(self, largest: float) -> None:
        start, j = self._pieces[-1]
        if largest >= start:
            self.schedules[j]._check_steps(largest - self._offset(j))

    @property
    def last_step(self) -> float | None:
        _, j = self._pieces[-1]
        end = self.schedules[j].last_step
        return None if end is None else end + self._offset(j)

    def _value(self, xp: Namespace, t: Any) -> Any:
        def piece(j: int) -> Any:
            child, offset = self.schedules[j], self._offset(j)
            return lambda s: child._value(xp, s - offset if offset else s)

        edges = [start for start, _ in self._pieces[1:]]
        return xp.piecewise(t, edges, [piece(j) for _, j in self._pieces], closed_left=True)

    @property
    def length(self) -> int:
        start, j = self._pieces[-1]
        last = self.schedules[j].length or 10
        return max(start + 10, self._offset(j) + last)

    @property
    def breakpoints(self) -> tuple[float, ...]:
        """Where the running schedule changes, and its own breakpoints while it runs."""
        starts = [start for start, _ in self._pieces]
        marks = {float(start) for start in starts[1:]}
        for (start, j), end in zip(self._pieces, [*starts[1:], math.inf], strict=True):
            shifted = (b + self._offset(j) for b in self.schedules[j].breakpoints)
            marks.update(m for m in shifted if start < m < end)
        return tuple(sorted(marks))


@schedule_class(name="optax.sgdr_schedule")
class _SgdrSchedule(_OptaxSchedule, Preset):
    r"""optax's ``sgdr_schedule``: warm-up + cosine cycles one after another (SGD with warm
    restarts), each a ``warmup_cosine_decay_schedule`` lasting its ``decay_steps``.

    .. math::
        \eta_t = C_i(t - T_i) \text{ for } T_i \le t < T_{i+1}, \qquad
        T_i = \sum_{k < i} D_k

    with :math:`C_i` the ``warmup_cosine_decay_schedule`` of the i-th kwargs and :math:`D_k`
    its ``decay_steps``; the last cycle holds its end value after it ends (optax's
    ``join_schedules`` of the cycles).

    Args:
        cosine_kwargs: a non-empty list of ``warmup_cosine_decay_schedule`` keyword
            arguments (mappings with ``init_value``, ``peak_value``, ``warmup_steps``,
            ``decay_steps`` and optionally ``end_value``, ``exponent``), or of such
            schedules. Held as the schedules; the config writes the mappings.

    From optax (``optax.sgdr_schedule``); Loshchilov & Hutter, SGDR
    (https://arxiv.org/abs/1608.03983).

    >>> cycle = dict(init_value=0.0, peak_value=1.0, warmup_steps=2, decay_steps=10)
    >>> s = sgdr_schedule([cycle, cycle])
    >>> [round(s(t), 4) for t in (0, 2, 9, 10, 11, 12, 25)]
    [0.0, 1.0, 0.0381, 0.0, 0.5, 1.0, 0.0]
    """

    cosine_kwargs: tuple[_WarmupCosineDecaySchedule, ...]

    def __post_init__(self) -> None:
        rule = "a non-empty list of warmup_cosine_decay_schedule keyword arguments"
        if isinstance(self.cosine_kwargs, (str, bytes, Mapping)) or not isinstance(
            self.cosine_kwargs, Sequence
        ):
            fail("cosine_kwargs", rule, self.cosine_kwargs)
        if not self.cosine_kwargs:
            fail("cosine_kwargs", rule, list(self.cosine_kwargs))
        cycles = tuple(_cycle(i, kwargs) for i, kwargs in enumerate(self.cosine_kwargs))
        self._set("cosine_kwargs", cycles)
        end = sum(cycle.decay_steps for cycle in cycles)
        if end > MAX_COUNT:
            fail("cosine_kwargs", "cycles whose decay_steps add up to at most 2**53", end)

    def build(self) -> _JoinSchedules:
        """optax's ``join_schedules`` of the cycles, each starting where the last ended."""
        starts = [0]
        for cycle in self.cosine_kwargs[:-1]:
            starts.append(starts[-1] + cycle.decay_steps)
        return _JoinSchedules(self.cosine_kwargs, tuple(starts[1:]))

    def to_config(self) -> dict[str, Any]:
        config = super().to_config()
        config["cosine_kwargs"] = [
            {k: v for k, v in cycle.to_config().items() if k != "type"}
            for cycle in self.cosine_kwargs
        ]
        return config


def _cycle(i: int, kwargs: Any) -> _WarmupCosineDecaySchedule:
    """The i-th cycle of ``sgdr_schedule``: a schedule as given, or built from a mapping."""
    where = f"cosine_kwargs[{i}]"
    if isinstance(kwargs, _WarmupCosineDecaySchedule):
        return kwargs
    if not isinstance(kwargs, Mapping):
        fail(where, "a mapping of warmup_cosine_decay_schedule keyword arguments", kwargs)
    known = [f.name for f in dataclasses.fields(_WarmupCosineDecaySchedule)]
    for key in kwargs:
        if key not in known:
            fail(
                f"{where}.{key}",
                "an argument of warmup_cosine_decay_schedule",
                key,
                hint="it takes " + ", ".join(known),
            )
    for key in known[:4]:
        if key not in kwargs:
            fail(f"{where}.{key}", "given", None, hint="required by warmup_cosine_decay_schedule")
    try:
        return _WarmupCosineDecaySchedule(**kwargs)
    except LrkitError as error:
        raise error.with_path(where) from error


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


def exponential_decay(
    init_value: float,
    transition_steps: int,
    decay_rate: float,
    transition_begin: int = 0,
    staircase: bool = False,
    end_value: float | None = None,
) -> _ExponentialDecay:
    """optax's ``exponential_decay`` (see :class:`_ExponentialDecay`)."""
    return _ExponentialDecay(
        init_value, transition_steps, decay_rate, transition_begin, staircase, end_value
    )


def piecewise_constant_schedule(
    init_value: float, boundaries_and_scales: Any = None
) -> _PiecewiseConstantSchedule:
    """optax's ``piecewise_constant_schedule`` (see :class:`_PiecewiseConstantSchedule`)."""
    return _PiecewiseConstantSchedule(init_value, boundaries_and_scales)


def piecewise_interpolate_schedule(
    interpolate_type: str, init_value: float, boundaries_and_scales: Any = None
) -> _PiecewiseInterpolateSchedule:
    """optax's ``piecewise_interpolate_schedule`` (see
    :class:`_PiecewiseInterpolateSchedule`)."""
    return _PiecewiseInterpolateSchedule(interpolate_type, init_value, boundaries_and_scales)


def warmup_constant_schedule(
    init_value: float, peak_value: float, warmup_steps: int
) -> _WarmupConstantSchedule:
    """optax's ``warmup_constant_schedule`` (see :class:`_WarmupConstantSchedule`)."""
    return _WarmupConstantSchedule(init_value, peak_value, warmup_steps)


def warmup_cosine_decay_schedule(
    init_value: float,
    peak_value: float,
    warmup_steps: int,
    decay_steps: int,
    end_value: float = 0.0,
    exponent: float = 1.0,
) -> _WarmupCosineDecaySchedule:
    """optax's ``warmup_cosine_decay_schedule`` (see :class:`_WarmupCosineDecaySchedule`)."""
    return _WarmupCosineDecaySchedule(
        init_value, peak_value, warmup_steps, decay_steps, end_value, exponent
    )


def warmup_exponential_decay_schedule(
    init_value: float,
    peak_value: float,
    warmup_steps: int,
    transition_steps: int,
    decay_rate: float,
    transition_begin: int = 0,
    staircase: bool = False,
    end_value: float | None = None,
) -> _WarmupExponentialDecaySchedule:
    """optax's ``warmup_exponential_decay_schedule`` (see
    :class:`_WarmupExponentialDecaySchedule`)."""
    return _WarmupExponentialDecaySchedule(
        init_value,
        peak_value,
        warmup_steps,
        transition_steps,
        decay_rate,
        transition_begin,
        staircase,
        end_value,
    )


def join_schedules(schedules: Sequence[Schedule], boundaries: Sequence[int]) -> _JoinSchedules:
    """optax's ``join_schedules`` (see :class:`_JoinSchedules`)."""
    return _JoinSchedules(schedules, boundaries)  # type: ignore[arg-type]


def sgdr_schedule(cosine_kwargs: Sequence[Mapping[str, Any]]) -> _SgdrSchedule:
    """optax's ``sgdr_schedule`` (see :class:`_SgdrSchedule`)."""
    return _SgdrSchedule(cosine_kwargs)  # type: ignore[arg-type]


def linear_onecycle_schedule(
    transition_steps: int,
    peak_value: float,
    pct_start: float = 0.3,
    pct_final: float = 0.85,
    div_factor: float = 25.0,
    final_div_factor: float = 1e4,
) -> _LinearOnecycleSchedule:
    """optax's ``linear_onecycle_schedule`` (see :class:`_LinearOnecycleSchedule`)."""
    return _LinearOnecycleSchedule(
        transition_steps, peak_value, pct_start, pct_final, div_factor, final_div_factor
    )


def cosine_onecycle_schedule(
    transition_steps: int,
    peak_value: float,
    pct_start: float = 0.3,
    div_factor: float = 25.0,
    final_div_factor: float = 1e4,
) -> _CosineOnecycleSchedule:
    """optax's ``cosine_onecycle_schedule`` (see :class:`_CosineOnecycleSchedule`)."""
    return _CosineOnecycleSchedule(
        transition_steps, peak_value, pct_start, div_factor, final_div_factor
    )
