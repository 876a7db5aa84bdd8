"""Keras 3's learning-rate schedules under Keras' own class names and arguments (issue 10).

``lrkit.keras.CosineDecay(initial_learning_rate=0.1, decay_steps=1000)`` is the schedule
whose value at step ``t`` is ``keras.optimizers.schedules.CosineDecay(...)(t)``; the config
``{"type": "keras.CosineDecay", ...}`` builds the same, and so does Keras' own
``get_config()`` with that ``type`` added. Each class writes Keras' formula once against the
array namespace, in Keras' order of operations but in float64 where Keras computes in
float32: the values agree with Keras' to float32's rounding. Where Keras' float32
arithmetic departs from its formula by more than rounding (the restart index of
``CosineDecayRestarts``), lrkit keeps the formula; ``docs/dialects/keras.md`` lists every
such difference, and the stricter checks on the arguments.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterable, Iterator
from dataclasses import field
from typing import Any

import numpy as np

from lrkit.core import (
    NUMPY,
    Namespace,
    Schedule,
    check_bool,
    check_int,
    check_real,
    fail,
    fail_type,
    half_cosine,
    schedule_class,
)

__all__ = [
    "CosineDecay",
    "CosineDecayRestarts",
    "ExponentialDecay",
    "InverseTimeDecay",
    "PiecewiseConstantDecay",
    "PolynomialDecay",
]

#: The largest step count an argument may hold (every count is exact in float64).
MAX_STEPS = 2**53
#: The largest learning rate (or other factor) an argument may hold: headroom for products.
MAX_RATE = 1e300
#: The largest float64 number: values that would pass it saturate there.
MAX_FLOAT = float(np.finfo(np.float64).max)
#: The largest ``t_mul``: its powers over any int64 step stay far inside float64's range.
MAX_T_MUL = 1e100
#: The largest ``decay_rate`` of InverseTimeDecay: ``decay_rate * t / decay_steps`` stays
#: a float64 number up to step 2**63.
MAX_INVERSE_RATE = 1e280


def _rate(argument: str, value: Any) -> float:
    """A learning rate (or a factor of one): finite, >= 0 and at most 1e300."""
    return check_real(argument, value, low=0.0, largest=MAX_RATE, largest_text="1e+300")


def _steps(argument: str, value: Any, low: int = 1) -> int:
    """A step count: a whole number from ``low`` to 2**53 (Keras casts it to a float)."""
    return check_int(argument, value, low=low, high=MAX_STEPS)


def _name(value: Any) -> str:
    """Keras' ``name`` (its name scope): any string; it does not change the values."""
    if not isinstance(value, str):
        fail_type("name", "a string", value)
    return value


@contextlib.contextmanager
def _quiet(xp: Namespace) -> Iterator[None]:
    """Numpy's overflow warnings off, where a product saturates on purpose afterwards."""
    if xp is NUMPY:
        with np.errstate(over="ignore"):
            yield
    else:
        yield


def _power(xp: Namespace, base: Any, exponent: Any) -> Any:
    """``base ** exponent`` through libm's ``pow`` on both paths (numpy's ``power`` on
    arrays may round differently by an ulp, which a later cancellation would magnify)."""
    if xp is NUMPY:
        with np.errstate(over="ignore"):
            return np.float_power(base, exponent)
    return xp.power(base, exponent)


class _KerasSchedule(Schedule):
    """A Keras schedule: its repr is the constructor call ``keras.<Class>(...)``."""

    def __repr__(self) -> str:
        arguments = super().__repr__().split("(", 1)[1]
        return f"{self.config_type}({arguments}"


class _DecayEvery(_KerasSchedule):
    """Keras' ``ExponentialDecay`` and ``InverseTimeDecay``: a function of
    ``p = t / decay_steps`` (floored with ``staircase``)."""

    initial_learning_rate: float
    decay_steps: int
    decay_rate: float
    staircase: bool
    name: str

    def _check(self, largest_rate: float, largest_text: str) -> None:
        self._set(
            "initial_learning_rate", _rate("initial_learning_rate", self.initial_learning_rate)
        )
        self._set("decay_steps", _steps("decay_steps", self.decay_steps))
        self._set(
            "decay_rate",
            check_real(
                "decay_rate",
                self.decay_rate,
                low=0.0,
                largest=largest_rate,
                largest_text=largest_text,
            ),
        )
        self._set("staircase", check_bool("staircase", self.staircase))
        self._set("name", _name(self.name))

    def _progress(self, t: Any) -> Any:
        """Keras' ``p``: ``t / decay_steps``, floored with ``staircase``. The floor is taken
        as an integer division (exact for whole steps of any size)."""
        if self.staircase:
            return t // self.decay_steps
        return t / self.decay_steps

    @property
    def length(self) -> int:
        return 5 * self.decay_steps + 1


@schedule_class(name="keras.ExponentialDecay")
class ExponentialDecay(_DecayEvery):
    r"""Keras' ``ExponentialDecay``: ``initial_learning_rate`` times ``decay_rate`` to the
    power ``step / decay_steps``.

    .. math::
        \eta_t = \eta_0\, r^{p}, \qquad
        p = t / T \quad \big(\lfloor t / T \rfloor \text{ with staircase}\big)

    with :math:`\eta_0` = ``initial_learning_rate``, :math:`r` = ``decay_rate`` and
    :math:`T` = ``decay_steps``. A ``decay_rate`` above 1 grows: to float64's largest
    number, where it stays (Keras' float32 value becomes inf near 3.4e38).

    Args:
        initial_learning_rate: :math:`\eta_0` (>= 0).
        decay_steps: :math:`T` (a positive integer).
        decay_rate: :math:`r` (>= 0; :math:`0^0 = 1`).
        staircase: floor :math:`p` (the rate changes every :math:`T` steps). Default False.
        name: Keras' name scope (any string; no effect on the values). Default
            ``"ExponentialDecay"``.

    From Keras (``keras.optimizers.schedules.ExponentialDecay``).

    >>> s = ExponentialDecay(initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5)
    >>> [round(s(t), 6) for t in (0, 5, 10, 20)]
    [0.1, 0.070711, 0.05, 0.025]
    >>> s = ExponentialDecay(0.1, 10, 0.5, staircase=True)
    >>> [s(t) for t in (0, 9, 10, 25)]
    [0.1, 0.1, 0.05, 0.025]
    """

    initial_learning_rate: float
    decay_steps: int
    decay_rate: float
    staircase: bool = False
    name: str = "ExponentialDecay"

    def __post_init__(self) -> None:
        self._check(MAX_RATE, "1e+300")

    def _value(self, xp: Namespace, t: Any) -> Any:
        # initial_learning_rate * decay_rate ** p, with p = t / T split into its whole part
        # (an exact integer power, of any size) and its fraction: the same number, without
        # the rounding of t / T magnified by a large power. Saturates at float64's largest.
        steps, rate = self.decay_steps, self.decay_rate
        factors = [xp.exact_power(rate, t // steps)]
        if not self.staircase:
            factors.append(_power(xp, rate, (t % steps) / steps))
        return xp.product(self.initial_learning_rate, factors)


@schedule_class(name="keras.InverseTimeDecay")
class InverseTimeDecay(_DecayEvery):
    r"""Keras' ``InverseTimeDecay``: ``initial_learning_rate`` over ``1 + decay_rate * p``,
    ``p = step / decay_steps``.

    .. math::
        \eta_t = \frac{\eta_0}{1 + r\, p}, \qquad
        p = t / T \quad \big(\lfloor t / T \rfloor \text{ with staircase}\big)

    with :math:`\eta_0` = ``initial_learning_rate``, :math:`r` = ``decay_rate`` and
    :math:`T` = ``decay_steps``.

    Args:
        initial_learning_rate: :math:`\eta_0` (>= 0).
        decay_steps: :math:`T` (a positive integer).
        decay_rate: :math:`r` (>= 0, at most 1e280).
        staircase: floor :math:`p` (the rate changes every :math:`T` steps). Default False.
        name: Keras' name scope (any string; no effect on the values). Default
            ``"InverseTimeDecay"``.

    From Keras (``keras.optimizers.schedules.InverseTimeDecay``).

    >>> s = InverseTimeDecay(initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5)
    >>> [round(s(t), 6) for t in (0, 5, 10, 20)]
    [0.1, 0.08, 0.066667, 0.05]
    """

    initial_learning_rate: float
    decay_steps: int
    decay_rate: float
    staircase: bool = False
    name: str = "InverseTimeDecay"

    def __post_init__(self) -> None:
        self._check(MAX_INVERSE_RATE, "1e+280")

    def _value(self, xp: Namespace, t: Any) -> Any:
        return self.initial_learning_rate / (1.0 + self.decay_rate * self._progress(t))


# -- PiecewiseConstantDecay ---------------------------------------------------------------


def _listed(argument: str, value: Any, rule: str) -> list[Any]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        fail_type(argument, rule, value)
    return list(value)


def _boundary(argument: str, value: Any) -> float:
    """A boundary: a real number up to 2**53 in magnitude (as a float: exact for whole
    numbers, which every step count up to 2**53 is)."""
    return check_real(argument, value, largest=MAX_STEPS, largest_text="2**53")


def _as_compared(boundary: float) -> float:
    """The boundary as Keras compares it with an integer step: cast to the step's integer
    type, i.e. truncated toward 0. For a boundary >= 0, ``t > trunc(b)`` and ``t > b`` agree
    at every whole step and this keeps ``b`` (so fractional steps compare with it too);
    a negative boundary becomes ``ceil(b)`` (``-0.5`` is 0: not passed at step 0)."""
    return float(boundary) if boundary >= 0 else float(math.ceil(boundary))


@schedule_class(name="keras.PiecewiseConstantDecay")
class PiecewiseConstantDecay(_KerasSchedule):
    r"""Keras' ``PiecewiseConstantDecay``: ``values[i]`` on the steps after
    ``boundaries[i - 1]`` up to and including ``boundaries[i]``.

    .. math::
        \eta_t = v_k, \qquad k = \#\{\, i : t > b_i \,\}

    so :math:`v_0` holds up to and including step :math:`b_0`, and the rate changes one
    step *after* each boundary (lrkit's ``PiecewiseConstant`` changes *at* it). A
    boundary is compared as Keras compares it with the optimizer's integer step (cast to
    an integer: a negative boundary above -1 counts as 0).

    Args:
        boundaries: the steps :math:`b_i` (numbers up to 2**53 in magnitude, at least one,
            in increasing order; equal neighbours skip the value between them).
        values: the rates :math:`v_0, \dots, v_n`, one more than ``boundaries`` (each
            finite, >= 0 and at most 1e300).
        name: Keras' name scope (any string; no effect on the values). Default
            ``"PiecewiseConstant"`` (Keras' default).

    From Keras (``keras.optimizers.schedules.PiecewiseConstantDecay``).

    >>> s = PiecewiseConstantDecay(boundaries=[100, 150], values=[0.1, 0.01, 0.001])
    >>> [s(t) for t in (0, 100, 101, 150, 151)]
    [0.1, 0.1, 0.01, 0.01, 0.001]
    """

    boundaries: tuple[float, ...]
    values: tuple[float, ...]
    name: str = "PiecewiseConstant"

    #: The boundaries as compared with the step (derived in __post_init__).
    _edges: tuple[float, ...] = field(init=False, repr=False, compare=False, default=())

    def __post_init__(self) -> None:
        rule = "a list of increasing steps"
        items = _listed("boundaries", self.boundaries, rule)
        if not items:
            fail("boundaries", "at least one step", self.boundaries, hint="Keras needs one")
        bounds = tuple(_boundary(f"boundaries[{i}]", b) for i, b in enumerate(items))
        edges = tuple(_as_compared(b) for b in bounds)
        for i in range(1, len(edges)):
            if edges[i] < edges[i - 1]:
                fail(
                    f"boundaries[{i}]",
                    f"at least boundaries[{i - 1}] = {bounds[i - 1]!r} (the steps increase)",
                    bounds[i],
                )
        self._set("boundaries", bounds)
        rates = tuple(
            _rate(f"values[{i}]", v)
            for i, v in enumerate(_listed("values", self.values, "a list of learning rates"))
        )
        if len(rates) != len(bounds) + 1:
            fail(
                "values",
                f"a list of {len(bounds) + 1} learning rates (one more than boundaries)",
                self.values,
            )
        self._set("values", rates)
        self._set("name", _name(self.name))
        self._set("_edges", edges)

    def _value(self, xp: Namespace, t: Any) -> Any:
        # piece k on the steps with exactly k edges below them (an edge ends its piece)
        pieces = [lambda s, v=v: s * 0.0 + v for v in self.values]
        return xp.piecewise(t, self._edges, pieces, closed_left=False)

    @property
    def length(self) -> int:
        last = max(0, math.ceil(self._edges[-1]))
        return last + max(10, last // 4)

    @property
    def breakpoints(self) -> tuple[float, ...]:
        return tuple(sorted({e for e in self._edges if e >= 0}))


@schedule_class(name="keras.PolynomialDecay")
class PolynomialDecay(_KerasSchedule):
    r"""Keras' ``PolynomialDecay``: from ``initial_learning_rate`` to
    ``end_learning_rate`` along a power of the remaining fraction of ``decay_steps``.

    .. math::
        \eta_t = (\eta_0 - \eta_e)\,(1 - t' / T')^{k} + \eta_e, \qquad
        t' = \min(t, T),\; T' = T

    or, with ``cycle``, :math:`t' = t` and :math:`T' = T \max(1, \lceil t / T \rceil)`:
    the decay is stretched to the next multiple of :math:`T` (it reaches :math:`\eta_e`
    at every multiple and jumps up right after), where lrkit's ``PolynomialDecay`` holds
    :math:`\eta_e`.

    Args:
        initial_learning_rate: :math:`\eta_0` (>= 0).
        decay_steps: :math:`T` (a positive integer).
        end_learning_rate: :math:`\eta_e` (>= 0). Default 1e-4.
        power: :math:`k` (>= 0; :math:`0^0 = 1`). Default 1.
        cycle: stretch the decay past :math:`T` instead of holding :math:`\eta_e`.
            Default False.
        name: Keras' name scope (any string; no effect on the values). Default
            ``"PolynomialDecay"``.

    From Keras (``keras.optimizers.schedules.PolynomialDecay``).

    >>> s = PolynomialDecay(0.1, decay_steps=10, end_learning_rate=0.0, power=2.0)
    >>> [round(s(t), 6) for t in (0, 5, 10, 20)]
    [0.1, 0.025, 0.0, 0.0]
    >>> s = PolynomialDecay(0.1, decay_steps=10, end_learning_rate=0.0, cycle=True)
    >>> [round(s(t), 6) for t in (0, 10, 11, 20)]
    [0.1, 0.0, 0.045, 0.0]
    """

    initial_learning_rate: float
    decay_steps: int
    end_learning_rate: float = 0.0001
    power: float = 1.0
    cycle: bool = False
    name: str = "PolynomialDecay"

    def __post_init__(self) -> None:
        self._set(
            "initial_learning_rate", _rate("initial_learning_rate", self.initial_learning_rate)
        )
        self._set("decay_steps", _steps("decay_steps", self.decay_steps))
        self._set("end_learning_rate", _rate("end_learning_rate", self.end_learning_rate))
        self._set("power", _rate("power", self.power))
        self._set("cycle", check_bool("cycle", self.cycle))
        self._set("name", _name(self.name))

    def _value(self, xp: Namespace, t: Any) -> Any:
        steps = self.decay_steps
        # Keras' 1 - p, with p = min(t, T) / T, or with cycle p = t / T' where
        # T' = T * (1 if t == 0 else ceil(t / T)): computed as (T' - t) / T', the numerator
        # exact (integer arithmetic for whole steps), so that it keeps its precision next to
        # the end of a cycle, where 1 - p cancels.
        if self.cycle:
            multiplier = xp.maximum(-(-t // steps), 1)
            left = xp.where(t == 0, steps, (-t) % steps)  # T' - t
            remaining = left / (multiplier * float(steps))
        else:
            remaining = (steps - xp.minimum(t, steps)) / steps
        start, end = self.initial_learning_rate, self.end_learning_rate
        return (start - end) * _power(xp, remaining, self.power) + end

    @property
    def length(self) -> int:
        return (3 if self.cycle else 1) * self.decay_steps + max(10, self.decay_steps // 4)

    @property
    def breakpoints(self) -> tuple[float, ...]:
        return (float(self.decay_steps),)


@schedule_class(name="keras.CosineDecay")
class CosineDecay(_KerasSchedule):
    r"""Keras' ``CosineDecay``: a half cosine from ``initial_learning_rate`` (or from
    ``warmup_target``, after an optional linear warm-up) to ``alpha`` times that.

    .. math::
        \eta_t = \begin{cases}
            \eta_0 + (\eta_w - \eta_0)\, s / W & s < W \\
            P \big((1 - \alpha)\, \tfrac12 (1 + \cos(\pi (s - W) / T)) + \alpha\big)
                & s \ge W
        \end{cases}
        \qquad s = \min(t, W + T)

    with :math:`\eta_0` = ``initial_learning_rate``, :math:`T` = ``decay_steps``,
    :math:`\alpha` = ``alpha``, :math:`\eta_w` = ``warmup_target`` and :math:`W` =
    ``warmup_steps``. The cosine starts from :math:`P = \eta_w` when ``warmup_target`` is
    given (even with :math:`W = 0`: then :math:`\eta_0` is not used at all), else from
    :math:`P = \eta_0` with :math:`W = 0` (``warmup_steps`` is then ignored, as Keras
    ignores it). From step :math:`W + T` on the value is held at :math:`\alpha P`.

    Args:
        initial_learning_rate: :math:`\eta_0` (>= 0).
        decay_steps: :math:`T` (a positive integer).
        alpha: :math:`\alpha`, the final fraction of :math:`P` (>= 0). Default 0.
        name: Keras' name scope (any string; no effect on the values). Default
            ``"CosineDecay"``.
        warmup_target: :math:`\eta_w` (>= 0), or None for no warm-up. Default None.
        warmup_steps: :math:`W` (an integer >= 0). Default 0.

    From Keras (``keras.optimizers.schedules.CosineDecay``); the cosine from Loshchilov &
    Hutter, SGDR (https://arxiv.org/abs/1608.03983), the warm-up from Goyal et al.
    (https://arxiv.org/abs/1706.02677).

    >>> s = CosineDecay(initial_learning_rate=0.1, decay_steps=100, alpha=0.1)
    >>> [round(s(t), 6) for t in (0, 50, 100, 1000)]
    [0.1, 0.055, 0.01, 0.01]
    >>> s = CosineDecay(0.0, decay_steps=100, warmup_target=0.1, warmup_steps=10)
    >>> [round(s(t), 6) for t in (0, 5, 10, 60, 110)]
    [0.0, 0.05, 0.1, 0.05, 0.0]
    """

    initial_learning_rate: float
    decay_steps: int
    alpha: float = 0.0
    name: str = "CosineDecay"
    warmup_target: float | None = None
    warmup_steps: int = 0

    def __post_init__(self) -> None:
        self._set(
            "initial_learning_rate", _rate("initial_learning_rate", self.initial_learning_rate)
        )
        self._set("decay_steps", _steps("decay_steps", self.decay_steps))
        self._set("alpha", _rate("alpha", self.alpha))
        self._set("name", _name(self.name))
        if self.warmup_target is not None:
            self._set("warmup_target", _rate("warmup_target", self.warmup_target))
        self._set("warmup_steps", _steps("warmup_steps", self.warmup_steps, low=0))

    @property
    def _warmup(self) -> int:
        """The warm-up's length as Keras uses it (none without ``warmup_target``)."""
        return 0 if self.warmup_target is None else self.warmup_steps

    def _decay(self, xp: Namespace, done: Any, peak: float) -> Any:
        """Keras' ``_decay_function``: ``peak`` times the cosine at ``done`` steps of it."""
        # Keras' 0.5 * (1 + cos(pi * done / T)), as sin(pi / 2 * (T - done) / T) ** 2: the
        # same number, without the cancellation of 1 + cos next to the trough
        cosine = half_cosine(xp, self.decay_steps - done, self.decay_steps)
        with _quiet(xp):
            return xp.minimum(peak * ((1.0 - self.alpha) * cosine + self.alpha), MAX_FLOAT)

    def _value(self, xp: Namespace, t: Any) -> Any:
        start = self.initial_learning_rate
        if self.warmup_target is None:
            return self._decay(xp, xp.minimum(t, self.decay_steps), start)
        target, warmup = self.warmup_target, self.warmup_steps
        s = xp.minimum(t, self.decay_steps + warmup)
        decay = self._decay(xp, s - warmup, target)
        if warmup == 0:  # Keras' ``s < 0`` never holds: the cosine from warmup_target
            return decay
        warm = (target - start) * (s / warmup) + start
        return xp.where(s < warmup, warm, decay)

    @property
    def length(self) -> int:
        end = self._warmup + self.decay_steps
        return end + max(10, end // 10)

    @property
    def breakpoints(self) -> tuple[float, ...]:
        warmup = self._warmup
        return ((float(warmup),) if warmup else ()) + (float(warmup + self.decay_steps),)


@schedule_class(name="keras.CosineDecayRestarts")
class CosineDecayRestarts(_KerasSchedule):
    r"""Keras' ``CosineDecayRestarts`` (SGDR): half cosines that restart, each ``t_mul``
    times longer and ``m_mul`` times higher than the one before.

    .. math::
        \eta_t = \eta_0 \Big((1 - \alpha)\, m^{i}\, \tfrac12 \big(1 + \cos(\pi f)\big)
            + \alpha\Big), \qquad
        f = \frac{c - S_i}{\tau^{i}},\; S_i = \frac{1 - \tau^{i}}{1 - \tau}

    where :math:`c = t / T`, and :math:`i` is the number of completed cycles: the largest
    with :math:`S_i \le c` (:math:`i = \lfloor c \rfloor` and :math:`f = c - i` when
    :math:`\tau = 1`). :math:`\eta_0` = ``initial_learning_rate``, :math:`T` =
    ``first_decay_steps``, :math:`\tau` = ``t_mul``, :math:`m` = ``m_mul``,
    :math:`\alpha` = ``alpha``. Keras finds :math:`i` as
    :math:`\lfloor \log(1 - c (1 - \tau)) / \log \tau \rfloor` in float32, which can land
    one cycle early at a restart step; lrkit's index is exact (the restart is at the
    step). As in Keras, the floor :math:`\alpha \eta_0` is not scaled by :math:`m^i`.
    With :math:`m > 1` the peaks grow to float64's largest number, where they stay.

    Args:
        initial_learning_rate: :math:`\eta_0` (>= 0).
        first_decay_steps: :math:`T`, the first cycle's length (a positive integer).
        t_mul: :math:`\tau`, each cycle's length over the previous one's (from 1 to
            1e100). Default 2.
        m_mul: :math:`m`, each cycle's peak over the previous one's (>= 0). Default 1.
        alpha: :math:`\alpha`, the floor as a fraction of :math:`\eta_0` (>= 0; at most 1
            when :math:`m > 1`). Default 0.
        name: Keras' name scope (any string; no effect on the values). Default
            ``"SGDRDecay"`` (Keras' default).

    From Keras (``keras.optimizers.schedules.CosineDecayRestarts``); SGDR (Loshchilov &
    Hutter, https://arxiv.org/abs/1608.03983).

    >>> s = CosineDecayRestarts(initial_learning_rate=0.1, first_decay_steps=10)
    >>> [round(s(t), 6) for t in (0, 5, 10, 20, 30)]
    [0.1, 0.05, 0.1, 0.05, 0.1]
    >>> s = CosineDecayRestarts(0.1, 10, t_mul=1.0, m_mul=0.5, alpha=0.1)
    >>> [round(s(t), 6) for t in (0, 10, 15, 20)]
    [0.1, 0.055, 0.0325, 0.0325]
    """

    initial_learning_rate: float
    first_decay_steps: int
    t_mul: float = 2.0
    m_mul: float = 1.0
    alpha: float = 0.0
    name: str = "SGDRDecay"

    def __post_init__(self) -> None:
        self._set(
            "initial_learning_rate", _rate("initial_learning_rate", self.initial_learning_rate)
        )
        self._set("first_decay_steps", _steps("first_decay_steps", self.first_decay_steps))
        self._set(
            "t_mul",
            check_real("t_mul", self.t_mul, low=1.0, largest=MAX_T_MUL, largest_text="1e+100"),
        )
        self._set("m_mul", _rate("m_mul", self.m_mul))
        self._set("alpha", _rate("alpha", self.alpha))
        if self.m_mul > 1.0 and self.alpha > 1.0:
            fail(
                "alpha",
                "at most 1 when m_mul > 1",
                self.alpha,
                hint="(1 - alpha) * m_mul ** i would take the rate below 0",
            )
        self._set("name", _name(self.name))

    def _sum(self, xp: Namespace, i: Any) -> Any:
        """Keras' ``sum_r``: the first ``i`` cycles' lengths over ``first_decay_steps``."""
        return (1.0 - _power(xp, self.t_mul, i)) / (1.0 - self.t_mul)

    def _cycle(self, xp: Namespace, t: Any) -> tuple[Any, Any]:
        """``(i, f)``: the completed cycles and the fraction done of the current one."""
        steps, t_mul = self.first_decay_steps, self.t_mul
        if t_mul == 1.0:
            # Keras' floor(c) and c - floor(c), as an exact integer division and remainder
            return t // steps, (t % steps) / steps
        c = t / steps
        with _quiet(xp):
            i = xp.floor(xp.log(1.0 - c * (1.0 - t_mul)) / math.log(t_mul))
            # The logarithm's rounding may land one cycle off right at a restart: the
            # index is the largest i with S_i <= c (S_i as the fraction below uses it).
            i = xp.where(c < self._sum(xp, i), i - 1.0, i)
            i = xp.where(c >= self._sum(xp, i + 1.0), i + 1.0, i)
            power = _power(xp, t_mul, i)
        return i, (c - self._sum(xp, i)) / power

    def _value(self, xp: Namespace, t: Any) -> Any:
        i, f = self._cycle(xp, t)
        # Keras' 0.5 * (1 + cos(pi f)) as sin(pi / 2 * (1 - f)) ** 2 (no cancellation at
        # the trough), times m_mul ** i (saturating at float64's largest number)
        cosine = xp.times(half_cosine(xp, 1.0 - f, 1.0), xp.exact_power(self.m_mul, i))
        decayed = (1.0 - self.alpha) * cosine + self.alpha
        return xp.times(self.initial_learning_rate, decayed)

    def _restarts(self, limit: float) -> list[float]:
        """The restart steps below ``limit`` (at most 50 of them)."""
        steps: list[float] = []
        start, length = 0.0, float(self.first_decay_steps)
        while start + length < limit and len(steps) < 50:
            start += length
            length *= self.t_mul
            steps.append(start)
        return steps

    @property
    def length(self) -> int:
        steps = self.first_decay_steps
        three = steps * (1.0 + self.t_mul + self.t_mul**2)  # three cycles
        return int(min(three, 100.0 * steps, float(MAX_STEPS))) + 1

    @property
    def breakpoints(self) -> tuple[float, ...]:
        return tuple(self._restarts(float(self.length)))
