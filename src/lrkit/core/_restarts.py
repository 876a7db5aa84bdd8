"""CosineRestarts: cosine annealing with warm restarts, growing cycles and decaying peaks.

SGDR (Loshchilov and Hutter, arXiv:1608.03983) as timm's ``CosineLRScheduler`` runs it,
with cycles that grow by any real factor, peaks that shrink (or grow) by a factor per
cycle, and an optional number of cycles after which the rate stays at its floor.

Where cycles grow (``period_mult > 1``), cycle ``i`` starts at
``S_i = period * (1 + m + ... + m^(i-1))``. The cycle holding a step is estimated from a
logarithm and then checked against the cycle's start and end, which are computed in
double-double arithmetic (a float64 pair ``hi + lo``, about 104 bits): ``m^n`` and the sum
``1 + m + ... + m^(n-1)`` by binary powering over the bits of ``n`` (every term positive:
no cancellation), with Dekker's exact products. The comparisons ``t >= S_i`` are then
exact for the double-double starts, and the position in the cycle, ``t - S_i`` (and
``S_(i+1) - t``), is one rounding of itself away from its double-double value.
"""

from __future__ import annotations

import math
from dataclasses import field
from fractions import Fraction
from typing import Any

import numpy as np

from lrkit.core._cosine import EXACT_INT, half_cosine, int_mod
from lrkit.core._errors import MAX_COUNT, check_int, check_real, fail
from lrkit.core._schedule import Schedule, check_lr, schedule_class
from lrkit.core._xp import NUMPY, SCALAR, Namespace

__all__ = ["CosineRestarts"]

#: Dekker's splitter: 2**27 + 1 splits a float64 into two halves of 26 bits.
_SPLIT = 134217729.0
#: Rounds of the cycle search at most (it settles in two to four: an estimate from the
#: logarithm, then a correction of at most a cycle or two).
_ROUNDS = 64
#: With growing cycles, whole steps above this are beyond the double-double arithmetic's
#: headroom (about 1.3e154): an InvalidValue (no valid int64 or float step comes close).
_LARGEST_STEP = 2**512
#: The smallest period: a millionth of a step (headroom for the cycle arithmetic).
_MIN_PERIOD = 1e-6
_LOW_BITS = 2047  # an int64 step above 2**53 is split at its 11 lowest bits
#: Steps per block where a long array is computed block by block: the temporaries of a
#: block stay in the processor's cache (and are not fresh memory, page by page).
_BLOCK = 2**14


# -- double-double arithmetic (Python floats or numpy arrays alike) ---------------------


def _two_sum(a: Any, b: Any) -> tuple[Any, Any]:
    """``a + b`` as ``(s, e)`` with ``s + e`` exactly the sum."""
    s = a + b
    v = s - a
    return s, (a - (s - v)) + (b - v)


def _two_product(a: Any, b: Any) -> tuple[Any, Any]:
    """``a * b`` as ``(p, e)`` with ``p + e`` exactly the product (Dekker)."""
    p = a * b
    c = _SPLIT * a
    a_hi = c - (c - a)
    a_lo = a - a_hi
    c = _SPLIT * b
    b_hi = c - (c - b)
    b_lo = b - b_hi
    return p, ((a_hi * b_hi - p) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo


def _renormalise(s: Any, e: Any) -> tuple[Any, Any]:
    h = s + e
    return h, e - (h - s)


def _dd_add(x: tuple[Any, Any], y: tuple[Any, Any]) -> tuple[Any, Any]:
    s, e = _two_sum(x[0], y[0])
    return _renormalise(s, e + (x[1] + y[1]))


def _dd_mul(x: tuple[Any, Any], y: tuple[Any, Any]) -> tuple[Any, Any]:
    p, e = _two_product(x[0], y[0])
    return _renormalise(p, e + (x[0] * y[1] + x[1] * y[0]))


def _dd_scale(x: tuple[Any, Any], y: float) -> tuple[Any, Any]:
    p, e = _two_product(x[0], y)
    return _renormalise(p, e + x[1] * y)


def _difference(t: tuple[Any, Any], s: tuple[Any, Any]) -> Any:
    """``t - s`` (two double-doubles; ``t``'s parts are exact), rounded: its sign is exact.

    Near each other, ``t_hi - s_hi`` is exact (Sterbenz), adding ``t_lo`` (an integer below
    2048, or 0) to it is too, and the last subtraction rounds once.
    """
    return ((t[0] - s[0]) + t[1]) - s[1]


@schedule_class
class CosineRestarts(Schedule):
    r"""Cosine annealing with warm restarts: cycles that grow, peaks that decay, a cycle limit.

    Cycle :math:`i = 0, 1, \dots` lasts :math:`L_i = P m^i` steps, starts at
    :math:`S_i = P (m^i - 1) / (m - 1)` (:math:`S_i = i P` for :math:`m = 1`) and anneals
    along a half cosine from its peak :math:`\eta_0 d^i` to :math:`\eta_f`:

    .. math::
        \eta_t = \eta_f + (\eta_0 d^i - \eta_f) \frac{1 + \cos(\pi (t - S_i) / L_i)}{2},
        \qquad S_i \le t < S_{i+1}

    and after ``limit`` cycles (:math:`t \ge S_{limit}`) the rate is :math:`\eta_f`. A peak
    that decays below ``final_lr`` makes its cycle a cosine *up* from that peak to
    ``final_lr`` (the formula as written); the rate is exactly :math:`\eta_0 d^i` at each
    restart :math:`S_i` (``lr * decay ** i``, rounded once).

    SGDR (Loshchilov and Hutter, https://arxiv.org/abs/1608.03983), as timm's
    ``CosineLRScheduler`` (``cycle_mul``, ``cycle_decay``, ``cycle_limit``) and beyond
    torch's ``CosineAnnealingWarmRestarts``: a real ``period_mult`` (pytorch issue #95122),
    decaying peaks (pytorch issue #62640). With ``period_mult=1, decay=1`` and an integer
    ``period`` it is ``CosineAnnealingWarmRestarts(lr, T_0=period, eta_min=final_lr)``, and
    with an integer ``period_mult`` that of ``T_mult=period_mult``.

    Precision: with ``period_mult = 1`` the position in the cycle is exact at any step
    (integer arithmetic for an integer ``period``; an exact remainder otherwise). With
    growing cycles, the starts :math:`S_i` are computed in double-double arithmetic (about
    104 bits; exact where a start has at most about 100 significant bits, as with integer
    ``period`` and ``period_mult``; otherwise within a relative 2**-100 for a few hundred
    cycles, 2**-92 for 35,000 and 2**-75 for the 10**17 cycles of ``period_mult = 1 +
    2**-52`` at 2**63 steps). The cycle is the exact one for those starts, and the
    position ``t - S_i`` (and ``S_(i+1) - t``) is within one rounding of itself plus that
    error of :math:`S_i`: far below an ulp of the step at any step (whole steps above
    2**53 are taken as the integers they are, never rounded to float64 first), and a few
    ulps of the position itself up to 10**7 steps but within about 1e-6 steps of a
    fractional restart. Up to 10**7 steps the rates are within a few ulps of the exact
    values (measured: at most 8e-16 relative), right at restarts and right before.

    An array gives the values single steps give: each cycle's bounds and peak are computed
    once (the bounds in a loop over the bits of the cycle index), and each step takes one
    sine, of its distance to the end of its cycle (or from its start, where the peak has
    decayed below ``final_lr``). Sorted steps (a curve) are cut into their cycles by
    comparing them with the cycles' ends exactly, and each cycle's steps are a slice;
    whole steps with a whole period and ``period_mult = 1`` look the weights up in a table
    of one period; other steps find their cycle from a logarithm, then check it.

    Args:
        lr: :math:`\eta_0`, the first peak (>= 0).
        period: :math:`P`, the first cycle's length in steps: a number from 1e-06 to 2**53
            (fractional periods allowed).
        period_mult: :math:`m`, each cycle's length over the previous one's: a real number
            from 1 to 2**53 (need not be an integer).
        decay: :math:`d`, each peak over the previous one's: a number > 0 (below 1 the
            peaks shrink; above 1 they grow, and saturate at the largest float64).
        final_lr: :math:`\eta_f`, the rate at the end of each cycle and after the last
            (>= 0, at most ``lr``).
        limit: the number of cycles (a positive integer up to 2**53), or None for cycles
            without end.

    >>> s = CosineRestarts(lr=0.1, period=10, period_mult=1.5, decay=0.5, limit=3)
    >>> s.breakpoints  # the restarts, and the end of the last cycle
    (10.0, 25.0, 47.5)
    >>> [round(s(t), 6) for t in (0, 5, 9, 10, 25, 40, 47.5, 1000)]
    [0.1, 0.05, 0.002447, 0.05, 0.025, 0.00625, 0.0, 0.0]
    """

    lr: float
    period: float
    period_mult: float = 1.0
    decay: float = 1.0
    final_lr: float = 0.0
    limit: int | None = None

    #: ln(period_mult) (derived in __post_init__).
    _log_m: float = field(init=False, repr=False, compare=False, default=0.0)
    #: period_mult = 1, a float period: (numerator, denominator) of the period (derived).
    _ratio: tuple[int, int] = field(init=False, repr=False, compare=False, default=(1, 1))
    #: The end of the last cycle, S_limit, for period_mult = 1: the smallest whole step and
    #: the smallest float64 at or after it (derived; None without a limit).
    _end_whole: int | None = field(init=False, repr=False, compare=False, default=None)
    _end_float: float = field(init=False, repr=False, compare=False, default=math.inf)
    #: period_mult > 1: a whole step past the end of the last cycle (derived; None where
    #: no step the arithmetic takes reaches it).
    _past_end: int | None = field(init=False, repr=False, compare=False, default=None)

    def __post_init__(self) -> None:
        self._set("lr", check_lr("lr", self.lr))
        period = check_real(
            "period", self.period, low=_MIN_PERIOD, largest=MAX_COUNT, largest_text="2**53"
        )
        self._set("period", int(period) if period.is_integer() else period)
        self._set(
            "period_mult",
            check_real(
                "period_mult", self.period_mult, low=1.0, largest=MAX_COUNT, largest_text="2**53"
            ),
        )
        self._set("decay", check_real("decay", self.decay, low=0.0, low_open=True))
        self._set("final_lr", check_lr("final_lr", self.final_lr))
        if self.final_lr > self.lr:
            fail(
                "final_lr",
                f"at most lr = {self.lr!r} (each cycle anneals from its peak down to final_lr)",
                self.final_lr,
            )
        if self.limit is not None:
            self._set("limit", check_int("limit", self.limit, low=1, high=MAX_COUNT))
        m = self.period_mult
        self._set("_log_m", math.log1p(m - 1.0))
        if isinstance(self.period, float):
            self._set("_ratio", self.period.as_integer_ratio())
        if self.limit is None:
            return
        if m == 1.0:
            end = self.limit * Fraction(self.period)
            whole = math.ceil(end)
            up = float(end)
            if up < end:
                up = math.nextafter(up, math.inf)
            self._set("_end_whole", whole)
            self._set("_end_float", up)
        elif math.log2(self.period) + self.limit * math.log2(m) - math.log2(m - 1.0) < 500:
            start = self._start(SCALAR, self.limit)
            self._set("_past_end", int(start[0]) + 2)

    # -- cycles that grow ---------------------------------------------------------------

    def _power_and_sum(self, xp: Namespace, n: Any) -> tuple[Any, ...]:
        """``m^n`` and ``G_n = 1 + m + ... + m^(n-1)`` as double-doubles ``(hi, lo)``, for a
        whole ``n >= 0`` (an int, or an int64 array), by binary powering over n's bits:
        ``G_2k = G_k + m^k G_k`` and ``G_(k+1) = G_k + m^k``."""
        m = self.period_mult
        if xp is SCALAR:
            top = n.bit_length()
            power: tuple[Any, Any] = (1.0, 0.0)
            total: tuple[Any, Any] = (0.0, 0.0)
        else:
            top = int(n.max()).bit_length() if n.size else 0
            power = (np.ones(n.shape), np.zeros(n.shape))
            total = (np.zeros(n.shape), np.zeros(n.shape))
        for bit in reversed(range(top)):
            total = _dd_add(total, _dd_mul(power, total))
            power = _dd_mul(power, power)
            odd = (n >> bit) & 1
            grown = _dd_add(total, power)
            scaled = _dd_scale(power, m)
            total = (xp.where(odd, grown[0], total[0]), xp.where(odd, grown[1], total[1]))
            power = (xp.where(odd, scaled[0], power[0]), xp.where(odd, scaled[1], power[1]))
        return power, total

    def _start(self, xp: Namespace, n: Any) -> tuple[Any, Any]:
        """``S_n = period G_n`` as a double-double."""
        return _dd_scale(self._power_and_sum(xp, n)[1], float(self.period))

    def _cycles(self, xp: Namespace, i: Any) -> tuple[Any, ...]:
        """The start and the end of cycle ``i`` (double-doubles) and its length (a float).

        For an array, computed once per cycle: over the range of cycles when it is short,
        else over the distinct ones."""
        if xp is SCALAR:
            return self._bounds(*self._power_and_sum(xp, i))
        low, high = int(i.min()), int(i.max())
        if high - low <= max(64, i.size // 4):
            cycles, where = np.arange(low, high + 1, dtype=np.int64), i - low
        else:
            cycles, where = np.unique(i, return_inverse=True)
            where = where.reshape(-1)
        parts = self._bounds(*self._power_and_sum(xp, cycles))
        return tuple(part[where] for part in parts)

    def _bounds(self, power: tuple[Any, Any], total: tuple[Any, Any]) -> tuple[Any, ...]:
        """The start, the end and the length of the cycle whose ``m^i`` and ``G_i`` these are."""
        p = float(self.period)
        start = _dd_scale(total, p)
        end = _dd_scale(_dd_add(total, power), p)
        length = _dd_scale(power, p)[0]
        return start[0], start[1], end[0], end[1], length

    def _estimate(self, xp: Namespace, t: Any) -> Any:
        """The cycle holding ``t`` (a float near the step) from the logarithm: within a
        cycle or two of it."""
        x = t * ((self.period_mult - 1.0) / float(self.period))
        if xp is SCALAR:
            return max(0, math.floor(math.log1p(x) / self._log_m))
        with np.errstate(all="ignore"):
            guess = np.floor(np.log1p(x) / self._log_m)
        return np.clip(guess, 0.0, 2.0**62).astype(np.int64)

    def _jump(self, xp: Namespace, done: Any, length: Any, before: Any) -> Any:
        """Cycles to move from cycle ``i`` to the step ``done`` steps from its start (at
        least one, backwards ``before`` it), were the lengths exactly geometric."""
        ratio = done * ((self.period_mult - 1.0) / length)
        if xp is SCALAR:
            jump = math.floor(math.log1p(max(ratio, -1.0 + 2.0**-53)) / self._log_m)
            return min(jump, -1) if before else max(jump, 1)
        with np.errstate(all="ignore"):
            guess = np.floor(np.log1p(np.maximum(ratio, -1.0 + 2.0**-53)) / self._log_m)
        guess = np.clip(guess, -(2.0**62), 2.0**62).astype(np.int64)
        return np.where(before, np.minimum(guess, -1), np.maximum(guess, 1))

    def _grown_position(self, xp: Namespace, t: tuple[Any, Any]) -> tuple[Any, ...]:
        """``(i, t - S_i, S_(i+1) - t, L_i)`` for steps ``t`` given as exact pairs: the cycle
        estimated from the logarithm, then moved until ``S_i <= t < S_(i+1)`` holds for the
        double-double bounds (one or two more rounds, on the steps still unsettled)."""
        i = self._estimate(xp, t[0] + t[1])
        if xp is SCALAR:
            for _ in range(_ROUNDS):
                s_hi, s_lo, e_hi, e_lo, length = self._cycles(xp, i)
                done = _difference(t, (s_hi, s_lo))
                to_end = _difference(t, (e_hi, e_lo))
                if done >= 0.0 and to_end < 0.0:
                    return i, done, -to_end, length
                i = max(i + self._jump(xp, done, length, done < 0.0), 0)
            raise ArithmeticError("CosineRestarts: the cycle search did not settle")  # never
        hi, lo = t
        s_hi, s_lo, e_hi, e_lo, length = self._cycles(xp, i)
        done = _difference(t, (s_hi, s_lo))
        left = -_difference(t, (e_hi, e_lo))
        moving = (done < 0.0) | (left <= 0.0)
        if not moving.any():
            return i, done, left, length
        # The few steps whose estimate was a cycle off: moved, and checked again.
        todo = np.flatnonzero(moving)
        hi = np.broadcast_to(hi, i.shape)[todo]
        lo = np.broadcast_to(lo, i.shape)[todo]
        cycle = i[todo]
        for _ in range(_ROUNDS):
            d, span = done[todo], length[todo]
            cycle = np.maximum(cycle + self._jump(xp, d, span, d < 0.0), 0)
            s_hi, s_lo, e_hi, e_lo, span = self._cycles(xp, cycle)
            d = _difference((hi, lo), (s_hi, s_lo))
            e = _difference((hi, lo), (e_hi, e_lo))
            i[todo], done[todo], left[todo], length[todo] = cycle, d, -e, span
            moving = (d < 0.0) | (e >= 0.0)
            if not moving.any():
                return i, done, left, length
            todo, hi, lo, cycle = todo[moving], hi[moving], lo[moving], cycle[moving]
        raise ArithmeticError("CosineRestarts: the cycle search did not settle")  # never

    # -- the formula --------------------------------------------------------------------

    def _value(self, xp: Namespace, t: Any) -> Any:
        if xp is not SCALAR:
            t = np.asarray(t)
            flat = t.reshape(-1)
            if not flat.size:
                return np.zeros(t.shape)
            return np.asarray(self._array(flat), dtype=np.float64).reshape(t.shape)
        return self._values(xp, t)

    def _values(self, xp: Namespace, t: Any) -> Any:
        """The rate at one step. The array paths below compute the same numbers by the same
        operations, arranged by cycle: the peak ``lr * decay ** i`` and the choice of weight
        are the cycle's, and only the weight chosen is computed (one sine)."""
        if self.period_mult == 1.0:
            i, done, left, length, past = self._steady_position(xp, t)
        else:
            if self._past_end is not None and t >= self._past_end:
                return self.final_lr
            if t > _LARGEST_STEP:
                raise OverflowError("a step beyond 2**512 with growing cycles")
            i, done, left, length = self._grown_position(xp, _exact_pair(xp, t))
            past = self.limit is not None and i >= self.limit
        if past:
            return self.final_lr
        peak = self.lr if self.decay == 1.0 else xp.times(self.lr, xp.exact_power(self.decay, i))
        final = self.final_lr
        if final > peak:  # (both >= 0) a peak decayed below final_lr: a cosine up to it
            return _up(peak, final, half_cosine(xp, done, length))
        return _down(peak, final, half_cosine(xp, left, length))

    def _steady_position(self, xp: Namespace, t: Any) -> tuple[Any, ...]:
        """``(i, t - S_i, S_(i+1) - t, period, past the end)`` for ``period_mult = 1``."""
        p = self.period
        whole = t.__class__ is int or (xp is not SCALAR and t.dtype.kind in "iu")
        if isinstance(p, int):
            cycle: Any = t // p  # exact (a float step is below 2**53)
            # exact: integers, or a float's exact remainder
            done = t - cycle * p if whole and xp is not SCALAR else t % p
        else:
            done = int_mod(xp, t, p) if whole else t % p
            cycle = self._steady_cycle(xp, t, done) if self.decay != 1.0 else 0
        past: Any = False
        if self.limit is not None:
            if not whole:
                past = t >= self._end_float
            elif xp is SCALAR:
                past = t >= (self._end_whole or 0)
            elif (self._end_whole or 0) <= np.iinfo(np.int64).max:
                past = t >= np.int64(self._end_whole or 0)
            else:
                past = np.zeros(t.shape, dtype=bool)
        return cycle, done, p - done, float(p), past

    def _steady_cycle(self, xp: Namespace, t: Any, done: Any) -> Any:
        """``(t - done) / period`` (a whole number) for a float period: rounded from floats
        up to 2**53 (exact up to 2**51 cycles), in integers for whole steps beyond."""
        p = float(self.period)
        a, b = self._ratio
        if xp is SCALAR:
            if t.__class__ is int and t > EXACT_INT:
                return (t * b) // a
            return math.floor((float(t) - done) / p + 0.5)
        with np.errstate(all="ignore"):
            cycle = np.floor((t.astype(np.float64) - done) / p + 0.5)
        if t.dtype.kind in "iu" and t.size and int(t.max()) > EXACT_INT:
            big = t > EXACT_INT
            cycle[big] = [float((v * b) // a) for v in t[big].tolist()]
        return cycle

    # -- arrays ---------------------------------------------------------------------------

    def _array(self, t: Any) -> Any:
        """The rates at a 1-d array of steps (int64, or float64 below 2**53)."""
        p = self.period
        steady = self.period_mult == 1.0
        if steady and isinstance(p, int) and 4 * p <= t.size:
            if t.dtype.kind == "f" and bool((t == np.floor(t)).all()):
                t = t.astype(np.int64)  # whole steps (below 2**53) held as floats
            if t.dtype == np.int64:
                return self._tabled(t, p)
        if (not steady or isinstance(p, int)) and _is_sorted(t):
            curve = self._curve(t)
            if curve is not None:
                return curve
        if steady:
            return self._finish(*self._steady_position(NUMPY, t))
        i, done, left, length = self._grown_position(NUMPY, _exact_pair(NUMPY, t))
        return self._finish(i, done, left, length, None if self.limit is None else i >= self.limit)

    def _peaks(self, cycles: Any) -> Any:
        """``lr * decay ** i`` for an array of cycles (``lr`` for those past the limit, whose
        rate is final_lr whatever it is), as a single step computes it."""
        if self.limit is not None:
            cycles = np.where(cycles >= self.limit, 0, cycles)
        return NUMPY.times(self.lr, NUMPY.exact_power(self.decay, cycles))

    def _finish(self, i: Any, done: Any, left: Any, length: Any, past: Any) -> Any:
        """The rates from each step's cycle ``i``, its position ``done`` (and ``left`` to
        the end) in its cycle of ``length`` steps, and whether it is past the limit."""
        final = self.final_lr
        if self.decay == 1.0:
            value = _down(self.lr, final, half_cosine(NUMPY, left, length))
        else:
            cycles, where = _per_cycle(np.asarray(i))
            peak = self._peaks(cycles)[where]
            up = final > peak  # (both >= 0) the final rate's weight is taken
            if not up.any():
                value = _down(peak, final, half_cosine(NUMPY, left, length))
            elif up.all():
                value = _up(peak, final, half_cosine(NUMPY, done, length))
            else:  # still one sine per step, of either position
                x = half_cosine(NUMPY, np.where(up, done, left), length)
                y = 1.0 - x
                value = peak * np.where(up, y, x) + final * np.where(up, x, y)
        if past is None or not np.any(past):
            return value
        return np.where(past, final, value)

    def _tabled(self, t: Any, p: int) -> Any:
        """Whole steps and a whole period (at most a quarter as many as steps): the weights
        at each position in a cycle, and each cycle's peak and choice, in tables that each
        step looks its numbers up in (the same products and sums as for a single step)."""
        low, high = t.min().item() // p, t.max().item() // p
        if high - low > max(64, t.size // 4):  # (sparse steps: as _finish takes them)
            return self._finish(*self._steady_position(NUMPY, t))
        cycles = np.arange(low, high + 1, dtype=np.int64)
        positions = np.arange(p, dtype=np.int64)
        length = float(p)
        final = self.final_lr
        w = half_cosine(NUMPY, p - positions, length)
        past = np.zeros(cycles.shape, dtype=bool) if self.limit is None else cycles >= self.limit
        peak: Any = None
        rests: list[Any] | None = None
        if self.decay == 1.0:  # rows of values: along a cycle; final_lr (past the limit)
            factors = [_down(self.lr, final, w), np.full(p, final)]
            row = past.astype(np.int64)
        else:
            peak = self._peaks(cycles)
            if final == 0.0:  # peak * w (0 past the limit)
                peak[past] = 0.0
                factors, row = [w], np.zeros(cycles.shape, dtype=np.int64)
            else:  # rows of (the peak's factor, the term added): w; u; past the limit
                u = half_cosine(NUMPY, positions, length)
                factors = [w, 1.0 - u, np.zeros(p)]
                rests = [final * (1.0 - w), final * u, np.full(p, final)]
                row = np.where(past, 2, (final > peak).astype(np.int64))
        first_row, last_row = int(row.min()), int(row.max())
        shift: Any = None
        if first_row == last_row:  # one row for every cycle here
            factor = factors[first_row]
            rest = None if rests is None else rests[first_row]
        else:
            factor = np.concatenate(factors)
            rest = None if rests is None else np.concatenate(rests)
            shift = row * p
        out = np.empty(t.shape, dtype=np.float64)
        for a, b in _blocks(0, t.size):
            steps, chosen = t[a:b], out[a:b]
            i = steps // p
            r = steps - i * p  # t % p
            i -= low
            if shift is not None:
                r += shift[i]
            if peak is None:
                np.take(factor, r, out=chosen)
                continue
            np.take(peak, i, out=chosen)
            chosen *= factor[r]
            if rest is not None:
                chosen += rest[r]
        return out

    def _curve(self, t: Any) -> Any:
        """Sorted steps (a whole period where cycles do not grow): each cycle's steps are a
        slice, cut where the steps reach the cycle's end (compared exactly), and computed
        with the cycle's bounds, peak and choice as numbers, block by block. None where the
        steps span more cycles than such a loop is worth.

        The positions are those of a single step: ``t - S_i`` and ``S_(i+1) - t`` as
        :func:`_difference` computes them (for cycles that do not grow, the remainder and
        ``period`` minus it: the same numbers, each exact or rounded once)."""
        limit = self.limit
        p = self.period

        def cycle_of(step: Any) -> int:
            if self.period_mult == 1.0:
                found = int(step // p)
            elif self._past_end is not None and step >= self._past_end:
                found = limit or 0
            else:
                found = self._grown_position(SCALAR, _exact_pair(SCALAR, step))[0]
            return found if limit is None else min(found, limit)

        low, high = cycle_of(t[0].item()), cycle_of(t[-1].item())
        if high - low > 16 + t.size // 256:
            return None
        cycles = np.arange(low, high + 1, dtype=np.int64)
        bounds = self._bounds(*self._power_and_sum(NUMPY, cycles))
        cuts = [0, *_counts_below(t, bounds[2][:-1], bounds[3][:-1]), t.size]
        s_hi, s_lo, e_hi, e_lo, length = (part.tolist() for part in bounds)
        peaks = [self.lr] * cycles.size if self.decay == 1.0 else self._peaks(cycles).tolist()
        # Whole steps beyond 2**53 are taken as pairs of floats whose sum they are.
        paired = t.dtype.kind in "iu" and t[-1].item() > EXACT_INT
        final = self.final_lr
        out = np.empty(t.shape, dtype=np.float64)
        for k, cycle in enumerate(range(low, high + 1)):
            if limit is not None and cycle >= limit:
                out[cuts[k] : cuts[k + 1]] = final
                continue
            peak, span = peaks[k], length[k]
            up = final > peak  # (both >= 0) a cosine up to final_lr
            # The position (from the start, or to the end), then its weight and the rate.
            at_hi, at_lo = (s_hi[k], s_lo[k]) if up else (e_hi[k], e_lo[k])
            for a, b in _blocks(cuts[k], cuts[k + 1]):
                if paired:
                    hi, lo = _exact_pair(NUMPY, t[a:b])
                    x = hi - at_hi
                    x += lo
                else:
                    x = np.subtract(t[a:b], at_hi, dtype=np.float64)
                if up:  # ((t - S_i) + 0) - s_lo
                    x -= at_lo
                else:  # -(((t - S_(i+1)) + 0) - e_lo)
                    np.subtract(at_lo, x, out=x)
                weight = half_cosine(NUMPY, x, span)
                _mix_into(out[a:b], peak, final, weight, up, x)
        return out

    # -- description ----------------------------------------------------------------------

    def _period(self) -> int | None:
        if (
            self.period_mult == 1.0
            and self.decay == 1.0
            and self.limit is None
            and isinstance(self.period, int)
        ):
            return self.period
        return None

    def _shown_cycles(self) -> int:
        return 3 if self.limit is None else min(self.limit, 3)

    def _start_float(self, n: int) -> float:
        start, _ = self._start(SCALAR, n)
        return float(start)

    @property
    def length(self) -> int:
        end = self._start_float(self._shown_cycles())
        if self.limit is not None and self.limit <= 3:
            end += max(1.0, end / 4)  # the hold at final_lr after the last cycle
        return max(1, min(math.ceil(end), MAX_COUNT))

    @property
    def breakpoints(self) -> tuple[float, ...]:
        return tuple(
            float(start)
            for n in range(1, self._shown_cycles() + 1)
            if (start := self._start_float(n)) <= MAX_COUNT
        )


def _down(peak: Any, final: float, w: Any) -> Any:
    """From the peak (``w = 1``) down to ``final`` (``w = 0``), for ``peak >= final``: the
    weight of the larger end given, as :func:`lrkit.core._cosine.mix` takes it (with
    ``final = 0``, exactly ``peak * w``: the added term is +0.0)."""
    if final == 0.0:
        return peak * w
    return peak * w + final * (1.0 - w)


def _up(peak: Any, final: float, u: Any) -> Any:
    """From the peak (``u = 0``) up to ``final`` (``u = 1``), for ``final > peak``."""
    return peak * (1.0 - u) + final * u


def _mix_into(out: Any, peak: float, final: float, weight: Any, up: bool, scratch: Any) -> None:
    """:func:`_up` (``up``, ``weight`` = u) or :func:`_down` (``weight`` = w) into ``out``,
    with the same products and sum (``scratch``: an array of the same size to use)."""
    if up:  # peak * (1 - u) + final * u
        np.subtract(1.0, weight, out=scratch)
        scratch *= peak
        np.multiply(weight, final, out=out)
        out += scratch
    elif final == 0.0:  # peak * w
        np.multiply(weight, peak, out=out)
    else:  # peak * w + final * (1 - w)
        np.subtract(1.0, weight, out=scratch)
        scratch *= final
        np.multiply(weight, peak, out=out)
        out += scratch


def _is_sorted(t: Any) -> bool:
    """Whether the steps never decrease (block by block: the comparisons stay small)."""
    if t.size < 2:
        return False
    for a, b in _blocks(0, t.size - 1):
        if not bool((t[a + 1 : b + 1] >= t[a:b]).all()):
            return False
    return True


def _per_cycle(i: Any) -> tuple[Any, Any]:
    """The cycles among ``i`` (their range, or the distinct ones where the range is long)
    and where each of ``i`` is among them."""
    low, high = i.min().item(), i.max().item()
    # (float cycles from 2**52 on are not all float64 numbers: not a range there)
    if high - low <= max(64, i.size // 4) and (i.dtype.kind in "iu" or high < 2.0**52):
        cycles = np.arange(low, high + 1, dtype=i.dtype)
        return cycles, (i - low).astype(np.intp, copy=False)
    cycles, where = np.unique(i, return_inverse=True)
    return cycles, where.reshape(-1)


def _blocks(first: int, end: int) -> Any:
    """``(a, b)`` ranges of at most :data:`_BLOCK` covering ``first`` to ``end``."""
    return ((a, min(a + _BLOCK, end)) for a in range(first, end, _BLOCK))


def _counts_below(t: Any, hi: Any, lo: Any) -> list[int]:
    """How many of the sorted steps ``t`` are below each double-double ``hi + lo`` (>= 0,
    renormalised: ``|lo|`` at most half an ulp of ``hi``), compared exactly.

    Whole steps are compared with the smallest integer at or above it: ``ceil(hi)`` where
    ``hi`` is not a whole number (``lo`` is too small to cross one), else ``hi + ceil(lo)``.
    Float steps with the smallest float64 at or above it: ``hi``, or the next float up where
    ``lo > 0`` (below a power of two the floats are twice as dense, but ``lo`` then is at
    most a quarter of ``hi``'s ulp).
    """
    high, low = np.asarray(hi, dtype=np.float64), np.asarray(lo, dtype=np.float64)
    if t.dtype.kind not in "iu":
        bound = np.where(low > 0.0, np.nextafter(high, np.inf), high)
        found: Any = np.searchsorted(t, bound)
        return [int(n) for n in found.tolist()]
    top = np.where(high >= 2.0**63, 0.0, high)
    whole = top == np.floor(top)
    bound = np.ceil(top).astype(np.int64) + np.where(whole, np.ceil(low), 0.0).astype(np.int64)
    # From 2**63 on (not an int64): above every step, but for 2**63 + lo with lo <= -1.
    edge = (high == 2.0**63) & (low <= -1.0)
    bound[edge] = np.int64(2**63 - 1) + (np.ceil(low[edge]) + 1.0).astype(np.int64)
    beyond = (high >= 2.0**63) & ~edge
    found = np.searchsorted(t, bound.astype(t.dtype))
    found[beyond] = t.size
    return [int(n) for n in found.tolist()]


def _exact_pair(xp: Namespace, t: Any) -> tuple[Any, Any]:
    """A step as two float64 numbers ``(hi, lo)`` whose sum is the step exactly: ``(t, 0)``
    for a float or a whole step up to 2**53; above, its bits from the 11th up and its 11
    lowest bits (int64 steps; Python ints beyond 2**63 as the float and the remainder)."""
    if xp is SCALAR:
        if t.__class__ is not int or t <= EXACT_INT:
            return float(t), 0.0
        if t < 2**63:
            return float(t & ~_LOW_BITS), float(t & _LOW_BITS)
        hi = float(t)
        return hi, float(t - int(hi))
    if t.dtype.kind not in "iu":
        return t, 0.0
    if not int(t.max()) > EXACT_INT:
        return t.astype(np.float64), 0.0
    big = t > EXACT_INT
    hi = np.where(big, t & ~np.int64(_LOW_BITS), t).astype(np.float64)
    lo = np.where(big, t & np.int64(_LOW_BITS), 0).astype(np.float64)
    return hi, lo
