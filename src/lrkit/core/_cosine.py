"""Cosine annealing: CosineAnnealingLR and CosineAnnealingWarmRestarts (SGDR).

Both use the half-cosine weight ``w(d) = (1 + cos(pi (T - d) / T)) / 2`` written as
``sin^2(pi/2 * d / T)``, where ``d`` is the distance *to the trough*: one trigonometric
call per step, and full relative precision right next to the trough (where
``1 + cos`` would cancel). The step is first reduced modulo the period, exactly: float
``%`` is exact, integer ``%`` too, and an integer step modulo a fractional period is reduced
without rounding the step to float64 first (:func:`int_mod`), so the phase is exact however
large the step. :func:`cosine_mix` computes the weight of whichever end value is larger
from its own distance, so a rate close to a much smaller end value keeps its full relative
precision too.
"""

from __future__ import annotations

import bisect
import math
import sys
from dataclasses import field
from typing import Any

import numpy as np

from lrkit.core._errors import MAX_COUNT, check_int, check_real, fail
from lrkit.core._schedule import Schedule, check_lr, schedule_class
from lrkit.core._xp import NUMPY, SCALAR, Namespace

__all__ = ["CosineAnnealingLR", "CosineAnnealingWarmRestarts"]

HALF_PI = math.pi / 2
#: Integers up to here are float64 numbers exactly.
EXACT_INT = 2**53


def int_mod(xp: Namespace, t: Any, period: float) -> Any:
    """``t % period`` for whole steps ``t`` (a Python int of any size, or an int64 array)
    and a float ``period``, exactly: never through ``float(t)``, which rounds above 2**53.

    The result is a multiple of the period's last bit below it, so a float64 holds it.
    """
    if xp is SCALAR:
        if t <= EXACT_INT:
            return t % period
        numerator, denominator = period.as_integer_ratio()
        return ((t * denominator) % numerator) / denominator  # one exact rounding
    t = np.asarray(t)
    if not t.size or int(t.max()) <= EXACT_INT:
        return t % period
    # t = hi + lo, both float64 numbers (hi keeps 43 bits at most): their remainders are
    # exact (fmod is), and so is their sum taken modulo the period once more.
    hi = (t & ~np.int64((1 << 20) - 1)).astype(np.float64)
    lo = (t & ((1 << 20) - 1)).astype(np.float64)
    r1, r2 = np.fmod(hi, period), np.fmod(lo, period)
    rest = period - r2  # exact: both are multiples of the period's last bit
    return np.where(r1 >= rest, r1 - rest, r1 + r2)


def half_cosine(xp: Namespace, to_trough: Any, period: Any) -> Any:
    """``(1 + cos(pi * (period - to_trough) / period)) / 2``, accurate near both ends."""
    s = xp.sin(to_trough * (HALF_PI / period))
    return s * s


def mix(xp: Namespace, a: Any, b: Any, w: Any, u: Any) -> Any:
    """``a w + b (1 - w)``, given ``w`` (the weight of ``a``) and ``u = 1 - w`` computed apart.

    The weight of the larger of ``a`` and ``b`` is used (the other is one minus it): its
    rounding then costs at most an ulp of the smaller end value, so the result keeps a few
    ulps of relative precision even where ``a`` and ``b`` differ by orders of magnitude.
    For Python floats only the weight used need be given (the other may be None); where
    ``a`` or ``b`` are arrays the choice is made element by element.
    """
    if isinstance(a, float) and isinstance(b, float):  # a choice on parameters, not steps
        if abs(b) > abs(a):
            return a * (1.0 - u) + b * u
        return a * w + b * (1.0 - w)
    return xp.where(xp.abs(b) > xp.abs(a), a * (1.0 - u) + b * u, a * w + b * (1.0 - w))


def cosine_weights(xp: Namespace, done: Any, span: Any) -> tuple[Any, Any]:
    """The weights of the start and of the end, ``done`` steps into a half cosine of ``span``."""
    return half_cosine(xp, span - done, span), half_cosine(xp, done, span)


def linear_weights(xp: Namespace, done: Any, span: Any) -> tuple[Any, Any]:
    """The weights of the start and of the end, ``done`` steps into a line of ``span``."""
    return (span - done) / span, done / span


def cosine_mix(xp: Namespace, a: Any, b: Any, done: Any, span: Any) -> Any:
    """From ``a`` (``done = 0``) to ``b`` (``done = span``) along a half cosine: :func:`mix`
    with :func:`cosine_weights`, computing only the weight it uses."""
    if isinstance(a, float) and isinstance(b, float):
        if abs(b) > abs(a):
            return mix(xp, a, b, None, half_cosine(xp, done, span))
        return mix(xp, a, b, half_cosine(xp, span - done, span), None)
    return mix(xp, a, b, *cosine_weights(xp, done, span))


def linear_mix(xp: Namespace, a: Any, b: Any, done: Any, span: Any) -> Any:
    """From ``a`` (``done = 0``) to ``b`` (``done = span``) along a straight line (it lands
    exactly on ``b``): :func:`mix` with :func:`linear_weights`, computing only the weight
    it uses."""
    if isinstance(a, float) and isinstance(b, float):
        if abs(b) > abs(a):
            return mix(xp, a, b, None, done / span)
        return mix(xp, a, b, (span - done) / span, None)
    return mix(xp, a, b, *linear_weights(xp, done, span))


@schedule_class
class CosineAnnealingLR(Schedule):
    r"""Anneal from ``lr`` to ``eta_min`` along a half cosine over ``T_max`` steps.

    .. math::
        \eta_t = \eta_{min} + (\eta_0 - \eta_{min}) \frac{1 + \cos(\pi t / T_{max})}{2}

    Past ``T_max`` the cosine goes on, as torch's does: the rate climbs back to ``lr`` at
    ``2 T_max`` (period ``2 T_max``). ``eta_min > lr`` is allowed and gives a cosine
    warm-up from ``lr`` to ``eta_min``.

    Args:
        lr: :math:`\eta_0`, the initial learning rate (>= 0).
        T_max: half the period, in steps: a positive real, as in torch, from float64's
            smallest normal number (2.2e-308) to 2**53.
        eta_min: :math:`\eta_{min}`, the rate at the trough (>= 0).

    The phase ``t mod 2 T_max`` is exact at any step: at ``t = 2**63 - 1`` with
    ``T_max=100`` the rate is the exact value's float64 (0.0988...), where rounding the
    step to float64 first would land 6000 steps away.

    >>> s = CosineAnnealingLR(lr=0.1, T_max=100, eta_min=0.001)
    >>> [round(s(t), 6) for t in (0, 50, 100, 150, 200)]
    [0.1, 0.0505, 0.001, 0.0505, 0.1]
    """

    lr: float
    T_max: float
    eta_min: float = 0.0

    def __post_init__(self) -> None:
        self._set("lr", check_lr("lr", self.lr))
        t_max = check_real(
            "T_max", self.T_max, low=0.0, low_open=True, largest=MAX_COUNT, largest_text="2**53"
        )
        if t_max < sys.float_info.min:  # pi / 2 / T_max would overflow
            fail(
                "T_max",
                "a positive finite number and at least 2.2250738585072014e-308 (the smallest "
                "normal float64)",
                self.T_max,
            )
        self._set("T_max", int(t_max) if t_max.is_integer() else t_max)
        self._set("eta_min", check_lr("eta_min", self.eta_min))

    def _phase(self, xp: Namespace, t: Any) -> Any:
        """``t mod 2 T_max``, exact (integers stay integers)."""
        period = 2 * self.T_max
        if period.__class__ is float and (
            t.__class__ is int or (xp is not SCALAR and np.asarray(t).dtype.kind in "iu")
        ):
            return int_mod(xp, t, period)
        return t % period

    def _to_peak(self, t: Any) -> Any:
        """Steps from the nearest peak: the phase ``t mod 2 T_max`` (exact; integers stay
        integers) folded at the trough, where the cosine is symmetric."""
        phase = self._phase(SCALAR, t)
        return phase if phase <= self.T_max else 2 * self.T_max - phase

    def _shape(self, xp: Namespace, t: Any) -> Any:
        """For one step, the weights of ``lr`` and of ``eta_min``; for an array, the steps
        from the nearest peak (only the weight a group needs is then computed)."""
        if xp is SCALAR:
            return cosine_weights(xp, self._to_peak(t), self.T_max)
        phase = self._phase(xp, t)
        return xp.minimum(phase, 2 * self.T_max - phase)

    def _rate(self, xp: Namespace, shape: Any) -> Any:
        if shape.__class__ is tuple:
            return mix(xp, self.lr, self.eta_min, *shape)
        if self.eta_min == 0.0:
            return self.lr * half_cosine(xp, self.T_max - shape, self.T_max)
        return cosine_mix(xp, self.lr, self.eta_min, shape, self.T_max)

    def _factor(self, xp: Namespace, t: Any) -> Any:
        """The weight of ``lr`` (1 at the peaks, 0 at the troughs): the factor when eta_min = 0."""
        if xp is SCALAR:
            return half_cosine(xp, self.T_max - self._to_peak(t), self.T_max)
        return half_cosine(xp, self.T_max - self._shape(xp, t), self.T_max)

    def step_from(self, previous: float, step: float) -> float:
        r"""The rate at ``step`` by torch's recursion, from the rate ``previous`` at ``step - 1``.

        .. math:: \eta_t = \eta_{min} + (\eta_{t-1} - \eta_{min}) \frac{w(t)}{w(t-1)}

        with :math:`w` the weight of ``lr``; leaving a trough (:math:`w(t-1) = 0`) it adds
        :math:`(\eta_0 - \eta_{min}) w(t)` instead.
        """
        now: float = self._factor(SCALAR, step)
        before: float = self._factor(SCALAR, step - 1)
        if before == 0.0:
            return previous + (self.lr - self.eta_min) * now
        return self.eta_min + (previous - self.eta_min) * (now / before)

    def leaves_trough(self, step: float) -> bool:
        """Whether ``step - 1`` is a trough, where the recursion adds instead of scaling."""
        return bool(self._factor(SCALAR, step - 1) == 0.0)

    def _period(self) -> int | None:
        return 2 * self.T_max if isinstance(self.T_max, int) else None

    @property
    def length(self) -> int:
        return max(1, math.ceil(self.T_max))

    @property
    def breakpoints(self) -> tuple[float, ...]:
        return (float(self.T_max),)


@schedule_class
class CosineAnnealingWarmRestarts(Schedule):
    r"""Cosine annealing restarted every cycle, each cycle ``T_mult`` times longer (SGDR).

    .. math::
        \eta_t = \eta_{min} + (\eta_0 - \eta_{min}) \frac{1 + \cos(\pi T_{cur} / T_i)}{2},
        \qquad T_i = T_0 T_{mult}^i

    where cycle :math:`i` starts at step :math:`T_0 (T_{mult}^i - 1) / (T_{mult} - 1)`
    (:math:`i T_0` when :math:`T_{mult} = 1`) and :math:`T_{cur}` is the step within it.
    Fractional steps (``scheduler.step(epoch + i / iters)``) are allowed. The cycle is
    found exactly, where torch's ``step(epoch)`` rounds ``log`` and can pick the
    previous cycle at a restart (for example ``T_0=1, T_mult=3`` at step 121, where
    ``math.log(243, 3)`` is 4.999999999999999).

    The cycle is found with integer arithmetic at any whole step (a Python int of any size,
    int64 and uint64 arrays), and at float steps as the integers they are.

    Args:
        lr: :math:`\eta_0` (>= 0).
        T_0: the first cycle's length (a positive integer, at most 2**53).
        T_mult: the growth of each cycle (an integer from 1 to 2**53).
        eta_min: the rate at the end of each cycle (>= 0).

    >>> s = CosineAnnealingWarmRestarts(lr=0.1, T_0=10, T_mult=2)
    >>> [round(s(t), 6) for t in (0, 5, 9.5, 10, 20, 30)]
    [0.1, 0.05, 0.000616, 0.1, 0.05, 0.1]
    """

    lr: float
    T_0: int
    T_mult: int = 1
    eta_min: float = 0.0
    #: The steps at which cycles start (to the largest step a float counts exactly), and
    #: the cycles' lengths (derived in __post_init__).
    _starts: tuple[int, ...] = field(init=False, repr=False, compare=False, default=())
    _lengths: tuple[float, ...] = field(init=False, repr=False, compare=False, default=())
    #: Steps from here on take the integer path (:meth:`_exact_shape`): beyond 2**53, or in
    #: a cycle longer than 2**53 (derived).
    _exact_from: int = field(init=False, repr=False, compare=False, default=EXACT_INT + 1)

    def __post_init__(self) -> None:
        self._set("lr", check_lr("lr", self.lr))
        self._set("T_0", check_int("T_0", self.T_0, low=1, high=MAX_COUNT))
        self._set("T_mult", check_int("T_mult", self.T_mult, low=1, high=MAX_COUNT))
        self._set("eta_min", check_lr("eta_min", self.eta_min))
        if self.T_mult > 1:
            starts, start, length = [], 0, self.T_0
            exact_from = EXACT_INT + 1
            while start <= EXACT_INT:
                starts.append(start)
                if length > EXACT_INT:  # float64 does not count this cycle's steps exactly
                    exact_from = min(exact_from, start)
                start, length = start + length, length * self.T_mult
            self._set("_starts", tuple(starts))
            self._set(
                "_lengths", tuple(float(self.T_0 * self.T_mult**i) for i in range(len(starts)))
            )
            self._set("_exact_from", exact_from)

    def _position(self, xp: Namespace, t: Any) -> Any:
        """``(T_cur, T_i)``: the steps done in ``t``'s cycle, and that cycle's length (for
        steps below ``_exact_from``, or any step when ``T_mult`` is 1)."""
        t0 = self.T_0
        if self.T_mult == 1:
            return t % t0, float(t0)
        # Cycle starts are whole numbers: a lookup among them is exact (no logarithm).
        start, length = xp.lookup(self._starts, (self._starts, self._lengths), t)
        return t - start, length

    def _cycle_of(self, n: int) -> tuple[int, int]:
        """The start and the length of the cycle holding the whole step ``n`` (integers)."""
        t0, mult = self.T_0, self.T_mult
        if n <= EXACT_INT:
            i = bisect.bisect_right(self._starts, n) - 1
            return self._starts[i], t0 * mult**i

        def start(i: int) -> int:  # T_0 (T_mult^i - 1) / (T_mult - 1), exactly
            first: int = t0 * (mult**i - 1) // (mult - 1)
            return first

        i = int(math.log(n * (mult - 1) // t0 + 1, mult))  # within one of the cycle
        while i > 0 and start(i) > n:
            i -= 1
        while start(i + 1) <= n:
            i += 1
        return start(i), t0 * mult**i

    def _exact_shape(self, t: Any) -> tuple[float, float]:
        """The weights of ``lr`` and ``eta_min`` at step ``t`` (an int, or a float), with the
        cycle found and the distances to its ends taken in integers."""
        n = t if t.__class__ is int else math.floor(t)
        part = t - n  # the fraction of a float step (exact; 0 above 2**53)
        first, length = self._cycle_of(n)
        done: Any = n - first
        left: Any = first + length - n
        if part:  # below 2**53: the ints are float64 numbers, one rounding each
            done, left = done + part, left - part
        if length < 2**1000:  # a float64 number: pi / 2 / length is one too
            return half_cosine(SCALAR, left, length), half_cosine(SCALAR, done, length)
        return (  # a cycle longer than the largest float64: divide the integers first
            math.sin(HALF_PI * (left / length)) ** 2,
            math.sin(HALF_PI * (done / length)) ** 2,
        )

    def cycle(self, step: float) -> tuple[float, float]:
        """``(T_cur, T_i)`` at ``step``: the steps done in its cycle, and the cycle's length.

        >>> CosineAnnealingWarmRestarts(lr=0.1, T_0=10, T_mult=2).cycle(35)
        (5.0, 40.0)
        """
        if self.T_mult > 1 and step >= self._exact_from:
            n = step if step.__class__ is int else math.floor(step)
            first, length = self._cycle_of(n)
            try:
                return float(n - first) + (step - n), float(length)
            except OverflowError:
                fail(
                    "step",
                    "a step whose cycle a float64 can measure (T_i at most about 1.8e308)",
                    step,
                )
        done, length = self._position(SCALAR, step)
        return done + 0.0, length + 0.0

    def shape_in_cycle(self, done: float, length: float) -> tuple[float, float]:
        """The shape ``done`` steps into a cycle of ``length`` (torch's ``T_cur`` and ``T_i``)."""
        return cosine_weights(SCALAR, done, length)

    def _shape(self, xp: Namespace, t: Any) -> Any:
        if self.T_mult > 1:
            if xp is SCALAR:
                if t >= self._exact_from:
                    return self._exact_shape(t)
            else:
                steps = np.asarray(t)
                exact = steps >= self._exact_from
                if exact.any():
                    return self._mixed_shape(steps, exact)
        done, length = self._position(xp, t)
        if xp is SCALAR:  # both weights: param groups with other rates share them
            return cosine_weights(xp, done, length)
        # A curve of this schedule alone: only the weight mix() uses (one sine per step).
        if abs(self.eta_min) > abs(self.lr):
            return None, half_cosine(xp, done, length)
        return half_cosine(xp, length - done, length), None

    def _mixed_shape(self, steps: Any, exact: Any) -> tuple[Any, Any]:
        """The weights for an array with steps on the integer path: those one at a time."""
        start = np.empty(steps.shape, dtype=np.float64)
        end = np.empty(steps.shape, dtype=np.float64)
        rest = ~exact
        if rest.any():
            done, length = self._position(NUMPY, steps[rest])
            start[rest], end[rest] = cosine_weights(NUMPY, done, length)
        pairs = [self._exact_shape(v) for v in steps[exact].tolist()]
        start[exact] = [a for a, _ in pairs]
        end[exact] = [b for _, b in pairs]
        return start, end

    def _rate(self, xp: Namespace, shape: Any) -> Any:
        return mix(xp, self.lr, self.eta_min, *shape)

    def _period(self) -> int | None:
        return self.T_0 if self.T_mult == 1 else None

    @property
    def length(self) -> int:
        if self.T_mult == 1:
            return 3 * self.T_0
        return self.T_0 * (1 + self.T_mult + self.T_mult**2)

    @property
    def breakpoints(self) -> tuple[float, ...]:
        marks: list[float] = []
        start, size = 0, self.T_0
        limit = self.length
        while start + size <= limit:
            start += size
            size *= self.T_mult
            marks.append(float(start))
        return tuple(marks)
