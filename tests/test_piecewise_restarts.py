"""PiecewiseConstant, PiecewiseLinear and CosineRestarts against their definitions.

The references are written here from the definitions: the constant table by counting
boundaries, the linear table and the restarts in mpmath (60 digits; float arguments at
their exact binary values), the restarts' cycle found by a plain loop over the cycles
(lengths ``period * period_mult ** i``) in mpmath, or in exact fractions where the cycle
starts must be compared with steps exactly. Checked at every knot, boundary and restart
(and one step either side), at random steps up to 10**7, at whole steps up to 2**63 - 1;
scalar, int64 and float64 evaluation agree; properties by hypothesis; every bad argument
is refused at construction, naming it.
"""

from __future__ import annotations

import bisect
import math
import os
import random
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import lrkit
from lrkit import CosineAnnealingWarmRestarts, CosineRestarts, PiecewiseConstant, PiecewiseLinear
from lrkit.core import LrkitError

M = mpmath.mpf
mpmath.mp.dps = 60
ULP = 2.0**-53  # a half ulp of 1: relative errors are given in these units
TINY = 2.2250738585072014e-308
#: Relative error allowed against the exact value: PiecewiseLinear takes two weights and
#: a weighted mean (a few roundings); CosineRestarts a position, a sine and its square.
LINEAR_ULPS = 6
COSINE_ULPS = 12
#: Examples per property; raise it for a deeper run (``LRKIT_PROPERTY_EXAMPLES=1000``).
PROPERTY = settings(
    max_examples=int(os.environ.get("LRKIT_PROPERTY_EXAMPLES", "40")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
LIMIT = 10**7


def exact_mpf(number: Fraction | int) -> Any:
    fraction = Fraction(number)
    return M(fraction.numerator) / fraction.denominator


def relative_error(value: float, exact: Any) -> float:
    """|value - exact| / |exact| (absolute below the smallest normal float64), in ULP units."""
    scale = max(abs(exact), M(TINY))
    return float(abs(M(value) - exact) / scale) / ULP


def all_paths(schedule: Any, steps: list[int]) -> list[float]:
    """The values at whole steps by every path: a Python int, a float, an int64 array and a
    float64 array. Ints and floats agree exactly; the arrays agree exactly with each other,
    and with single steps to the ulp or so numpy's sin and power may differ from libm's."""
    singles = [schedule(t) for t in steps]
    assert all(type(v) is float for v in singles)
    as_int64 = schedule(np.array(steps, dtype=np.int64))
    small = [t for t in steps if t <= 2**53]
    assert [schedule(float(t)) for t in small] == [schedule(t) for t in small]
    np.testing.assert_array_equal(
        schedule(np.array(small, dtype=np.float64)), schedule(np.array(small, dtype=np.int64))
    )
    np.testing.assert_allclose(as_int64, singles, rtol=4.5e-16, atol=TINY)
    return singles


def random_steps(count: int = 200, seed: int = 0, upto: int = LIMIT) -> list[int]:
    rng = random.Random(seed)
    return [rng.randrange(upto) for _ in range(count)]


def around(marks: list[float], upto: float = math.inf) -> list[int]:
    """The whole steps at, and one either side of, each mark (floor and ceil of fractional
    ones)."""
    steps: set[int] = set()
    for mark in marks:
        for base in {math.floor(mark), math.ceil(mark)}:
            steps.update(t for t in (base - 1, base, base + 1) if 0 <= t <= upto)
    return sorted(steps)


# ---------------------------------------------------------------------------------------
# PiecewiseConstant
# ---------------------------------------------------------------------------------------


def constant_reference(boundaries: list[float], values: list[float], t: Any) -> float:
    """values[k] where k boundaries are at or before t (compared exactly)."""
    k = sum(1 for b in boundaries if Fraction(b) <= Fraction(t))
    return values[k]


CONSTANT_TABLES = [
    ([100, 150], [0.1, 0.01, 0.001]),
    ([], [0.3]),
    ([0], [1.0, 2.0]),
    ([0.5, 1, 2.5, 10**6, 9_999_999.5], [0.0, 1e-300, 0.2, 1e300, 5e-324, 0.1]),
    ([1, 2, 3, 2**53], [4.0, 3.0, 2.0, 1.0, 0.5]),
]


@pytest.mark.parametrize(("boundaries", "values"), CONSTANT_TABLES)
def test_piecewise_constant_against_its_definition(
    boundaries: list[float], values: list[float]
) -> None:
    s = PiecewiseConstant(boundaries=boundaries, values=values)
    steps = around(list(boundaries)) + random_steps() + [2**53 + 1, 2**62, 2**63 - 1]
    got = all_paths(s, steps)
    assert got == [constant_reference(boundaries, values, t) for t in steps]
    # The value changes at a boundary step (closed on the left), also at fractional steps.
    for b, before, after in zip(boundaries, values, values[1:], strict=False):
        assert s(b) == after
        if b > 0:
            assert s(math.nextafter(float(b), -math.inf)) == before
    assert s(10**30) == values[-1] and s(1e300) == values[-1]


@PROPERTY
@given(
    boundaries=st.lists(
        st.one_of(st.integers(0, 10**6), st.floats(0.0, 1e6)), max_size=6, unique=True
    ).map(sorted),
    data=st.data(),
)
def test_piecewise_constant_takes_only_its_values(boundaries: list[float], data: Any) -> None:
    boundaries = sorted({float(b): b for b in boundaries}.values(), key=float)
    values = data.draw(
        st.lists(st.floats(0.0, 1e3), min_size=len(boundaries) + 1, max_size=len(boundaries) + 1)
    )
    s = PiecewiseConstant(boundaries=boundaries, values=values)
    steps = data.draw(st.lists(st.one_of(st.integers(0, 2 * 10**6), st.floats(0.0, 2e6))))
    steps += [float(b) for b in boundaries]
    got = s(np.array(steps, dtype=np.float64)) if steps else np.array([])
    for t, v in zip(steps, got, strict=True):
        assert v in values
        assert v == constant_reference(boundaries, values, t) == s(t)


# ---------------------------------------------------------------------------------------
# PiecewiseLinear
# ---------------------------------------------------------------------------------------


def linear_reference(steps: list[float], values: list[float], t: Any) -> Any:
    """The straight line between the knots around t, in mpmath (flat outside them)."""
    x = [M(s) for s in steps]
    y = [M(v) for v in values]
    tt = M(t)
    if tt <= x[0]:
        return y[0]
    if tt >= x[-1]:
        return y[-1]
    i = bisect.bisect_right(x, tt) - 1
    return y[i] + (y[i + 1] - y[i]) * (tt - x[i]) / (x[i + 1] - x[i])


LINEAR_TABLES = [
    ([0, 10, 110], [0.0, 0.1, 0.001]),
    ([5], [0.25]),
    ([0, 10**7], [1.0, 1e-10]),
    ([0, 10**7], [1e-10, 1.0]),
    ([3, 1000.5, 1001, 123_456.25, 9_999_999], [0.1, 0.1, 1e-8, 0.5, 0.0]),
    ([0.1, 1e15 + 0.5, 2**53], [0.3, 1e-300, 1e300]),
]


@pytest.mark.parametrize(("knots", "values"), LINEAR_TABLES)
def test_piecewise_linear_against_mpmath(knots: list[float], values: list[float]) -> None:
    s = PiecewiseLinear(steps=knots, values=values)
    steps = around(list(knots)) + random_steps() + [2**53 + 1, 2**63 - 1]
    worst = 0.0
    for t, v in zip(steps, all_paths(s, steps), strict=True):
        worst = max(worst, relative_error(v, linear_reference(knots, values, t)))
    # Fractional steps, and right next to the knots.
    rng = random.Random(1)
    floats = [rng.uniform(0, 1.2 * float(knots[-1])) for _ in range(100)]
    floats += [math.nextafter(float(k), d) for k in knots for d in (-math.inf, math.inf)]
    floats = [t for t in floats if 0 <= t < 2**53]
    for t in floats:
        worst = max(worst, relative_error(s(t), linear_reference(knots, values, t)))
    assert worst <= LINEAR_ULPS, worst
    # Exactly the knot's value at each knot.
    assert [s(k) for k in knots] == [float(v) for v in values]


def test_piecewise_linear_flat_between_equal_values() -> None:
    s = PiecewiseLinear(steps=[0, 7, 100.5], values=[0.1, 0.1, 0.1])
    t = np.linspace(0, 200, 4001)
    assert (s(t) == 0.1).all()


@PROPERTY
@given(
    knots=st.lists(st.one_of(st.integers(0, 10**6), st.floats(0.0, 1e6)), min_size=1, max_size=6),
    data=st.data(),
)
def test_piecewise_linear_between_its_neighbours_and_continuous(
    knots: list[float], data: Any
) -> None:
    knots = sorted({float(k): k for k in knots}.values(), key=float)
    values = data.draw(st.lists(st.floats(0.0, 1e3), min_size=len(knots), max_size=len(knots)))
    s = PiecewiseLinear(steps=knots, values=values)
    steps = data.draw(st.lists(st.one_of(st.integers(0, 2 * 10**6), st.floats(0.0, 2e6))))
    for t in steps:
        i = bisect.bisect_right([float(k) for k in knots], t)
        low, high = values[max(i - 1, 0)], values[min(i, len(values) - 1)]
        slack = 4 * ULP * max(low, high) + 1e-320  # (rounding among subnormals)
        assert min(low, high) - slack <= s(t) <= max(low, high) + slack
    # Continuous: the value at each knot, and next to it on either side within the slope
    # of the segment there times the distance (plus a few ulps).
    x = [float(k) for k in knots]
    slopes = [
        abs(b - a) / (q - p) for p, q, a, b in zip(x, x[1:], values, values[1:], strict=False)
    ]
    for j, (k, v) in enumerate(zip(x, values, strict=True)):
        assert s(k) == v
        for side, slope in ((-1.0, slopes[j - 1] if j else 0.0), (1.0, slopes[j:][:1] or [0.0])):
            slope = slope[0] if isinstance(slope, list) else slope
            for distance in (1e-6, 2 * ULP * k, 1e-3):
                t = k + side * distance
                inside = (j == 0 or t > x[j - 1]) and (j == len(x) - 1 or t < x[j + 1])
                if t >= 0 and t != k and inside:
                    bound = slope * abs(t - k) * (1 + 1e-9) + 4 * ULP * max(values) + 1e-320
                    assert abs(s(t) - v) <= bound, (t, k)


# ---------------------------------------------------------------------------------------
# CosineRestarts
# ---------------------------------------------------------------------------------------


class Restarts:
    """CosineRestarts' definition in mpmath: the cycles found by a loop over them."""

    def __init__(
        self,
        lr: float,
        period: float,
        period_mult: float = 1.0,
        decay: float = 1.0,
        final_lr: float = 0.0,
        limit: int | None = None,
        upto: float = LIMIT,
    ) -> None:
        self.lr, self.m, self.decay, self.final = M(lr), M(period_mult), M(decay), M(final_lr)
        self.period, self.limit = M(period), limit
        self.starts: list[Any] = []
        self.lengths: list[Any] = []
        if period_mult != 1:  # every cycle starting up to `upto`, and the next one
            start, length = M(0), M(period)
            while start <= upto:
                self.starts.append(start)
                self.lengths.append(length)
                start, length = start + length, length * self.m
            self.starts.append(start)
            self.lengths.append(length)

    def cycle(self, t: Any) -> tuple[int, Any, Any]:
        """(i, S_i, L_i) for the cycle holding t."""
        if self.m == 1:
            i = int(mpmath.floor(M(t) / self.period))
            return i, i * self.period, self.period
        i = bisect.bisect_right(self.starts, M(t)) - 1
        assert i < len(self.starts) - 1, "reference too short"
        return i, self.starts[i], self.lengths[i]

    def peak(self, i: int) -> Any:
        return self.lr * self.decay**i

    def __call__(self, t: Any) -> Any:
        i, start, length = self.cycle(t)
        if self.limit is not None and i >= self.limit:
            return self.final
        weight = (1 + mpmath.cos(mpmath.pi * (M(t) - start) / length)) / 2
        return self.final + (self.peak(i) - self.final) * weight


RESTARTS = [
    dict(lr=0.1, period=10, period_mult=1.5, decay=0.5),
    dict(lr=0.1, period=7, period_mult=1.1, decay=0.9, final_lr=0.0),
    dict(lr=0.1, period=3.3, period_mult=1.001),
    dict(lr=0.1, period=1, period_mult=2.5, final_lr=1e-3, limit=5),
    dict(lr=1.0, period=0.37, period_mult=1.7, decay=0.99),
    dict(lr=0.1, period=1000, period_mult=1.0 + 2**-40),
    dict(lr=0.1, period=100, decay=0.8, limit=20),
    dict(lr=0.1, period=2.5, decay=0.8),
    dict(lr=0.1, period=0.1, decay=0.999, final_lr=1e-5),
    dict(lr=0.1, period=12_345, final_lr=0.05),
    dict(lr=0.1, period=10, period_mult=1.5, decay=1.2, final_lr=0.02),  # peaks grow
    dict(lr=0.1, period=10, period_mult=2, decay=0.1, final_lr=1e-3),  # peaks below final
    dict(lr=0.1, period=1e-6, period_mult=3.0),
    dict(lr=3e-4, period=2**53, period_mult=2**53),
]


def restart_marks(reference: Restarts, upto: float = LIMIT, keep: int = 60) -> list[float]:
    if reference.m == 1:
        count = int(upto / reference.period)
        picks = {*range(min(count, keep)), *random.Random(2).sample(range(count), min(count, keep))}
        return [float(k * reference.period) for k in sorted(picks)]
    starts = [s for s in reference.starts if s <= upto]
    if len(starts) > keep:
        starts = starts[: keep // 2] + random.Random(2).sample(starts[keep // 2 :], keep // 2)
    return [float(s) for s in starts]


@pytest.mark.parametrize("kwargs", RESTARTS, ids=[str(i) for i in range(len(RESTARTS))])
def test_cosine_restarts_against_mpmath(kwargs: dict[str, Any]) -> None:
    s = CosineRestarts(**kwargs)
    reference = Restarts(**kwargs)
    steps = around(restart_marks(reference), upto=LIMIT) + random_steps(150) + list(range(30))
    worst = 0.0
    for t, v in zip(steps, all_paths(s, steps), strict=True):
        worst = max(worst, relative_error(v, reference(t)))
    rng = random.Random(3)
    for t in [rng.uniform(0, LIMIT) for _ in range(60)] + [rng.uniform(0, 100) for _ in range(40)]:
        worst = max(worst, relative_error(s(t), reference(t)))
    assert worst <= COSINE_ULPS, worst


def test_cosine_restarts_exact_at_restarts_and_right_before_them() -> None:
    """Each restart is the exact peak; the step before it is the end of a cosine whose
    value, close to final_lr = 0, keeps its relative precision."""
    s = CosineRestarts(lr=0.1, period=8, period_mult=1.5, decay=0.7)
    exact_starts, start, length = [], Fraction(0), Fraction(8)
    while start < LIMIT:
        exact_starts.append(start)
        start, length = start + length, length * Fraction(3, 2)
    reference = Restarts(lr=0.1, period=8, period_mult=1.5, decay=0.7)
    for i, start in enumerate(exact_starts):
        at = float(start)
        if at != start:  # the restart is not a float64 step
            continue
        # lr * decay ** i: the power and the product each rounded once.
        assert relative_error(s(at), reference.peak(i)) <= 2.0
        assert s(at) == 0.1 * 0.7**i
        assert relative_error(float(s(np.array([at]))[0]), reference.peak(i)) <= 2.0
        before = math.nextafter(at, 0.0) if at else None
        if before is not None:
            assert relative_error(s(before), reference(before)) <= COSINE_ULPS
            assert s(before) < 1e-20
    # Whole steps right before fractional restarts.
    for start in exact_starts[1:]:
        t = math.ceil(start) - 1
        assert relative_error(s(t), reference(t)) <= COSINE_ULPS


#: The double-double cycle starts' relative error, as documented (measured: 2**-100 to
#: 2**-106 for the hundred-odd cycles up to 2**63 here).
START_PRECISION = 2.0**-95


@pytest.mark.parametrize(
    ("period", "period_mult"), [(8, 1.5), (3, 1.25), (1, 2.0), (0.75, 1.75), (5, 3.0)]
)
def test_cosine_restarts_at_huge_whole_steps(period: float, period_mult: float) -> None:
    """Up to 2**63 - 1, right at and next to restarts (computed in exact fractions): the
    cycle is found exactly, and the position is within 2**-95 S of its value (far below an
    ulp of the step), so the rate is within a few ulps of the exact one but for that."""
    s = CosineRestarts(lr=0.1, period=period, period_mult=period_mult, decay=0.99)
    p, m = Fraction(period), Fraction(period_mult)
    starts, start, length = [], Fraction(0), p
    while start <= 2**63:
        starts.append((start, length))
        start, length = start + length, length * m
    steps: list[int] = [2**63 - 1, 2**62 + 12345]
    for start, _ in starts:
        if start > 2**52:
            steps += [math.floor(start) - 1, math.floor(start), math.ceil(start)]
    steps = sorted({t for t in steps if t < 2**63})
    for t, v in zip(steps, all_paths(s, steps), strict=True):
        k = bisect.bisect_right([a for a, _ in starts], t) - 1
        start, length = starts[k]
        left = start + length - t  # final_lr = 0: the rate is the peak times w(left)
        weight = (1 - mpmath.cos(mpmath.pi * exact_mpf(left) / exact_mpf(length))) / 2
        exact = M(0.1) * M(0.99) ** k * weight
        # d(log rate) / d(left) is at most 2 / left.
        allowed = COSINE_ULPS + 2 * START_PRECISION * float(start + length) / float(left) / ULP
        assert relative_error(v, exact) <= allowed, (t, k)
        assert relative_error(v, exact) <= COSINE_ULPS or left < 2**-30 * start


@PROPERTY
@given(
    lr=st.floats(1e-6, 10.0),
    period=st.one_of(st.integers(1, 1000), st.sampled_from([0.5, 2.25, 12.125])),
    period_mult=st.sampled_from([1, 1.25, 1.5, 1.75, 2, 2.5, 3]),
    decay=st.one_of(st.sampled_from([1.0, 0.5, 1.5]), st.floats(0.05, 2.0)),
    final_frac=st.sampled_from([0.0, 0.1, 1.0]).map(float),
    data=st.data(),
)
def test_cosine_restarts_bounded_and_peaks_at_restarts(
    lr: float,
    period: float,
    period_mult: float,
    decay: float,
    final_frac: float,
    data: Any,
) -> None:
    final = lr * final_frac
    s = CosineRestarts(lr, period, period_mult=period_mult, decay=decay, final_lr=final)
    reference = Restarts(lr, period, period_mult, decay, final, upto=2 * 10**6)
    # Each restart (exact dyadic steps here) is the cycle's peak, lr * decay ** i.
    p, m = Fraction(period), Fraction(period_mult)
    start, length, i = Fraction(0), p, 0
    while start <= 10**6 and i < 60:
        if float(start) == start:
            assert relative_error(s(float(start)), reference.peak(i)) <= 2.0
        start, length, i = start + length, length * m, i + 1
    # Between final_lr and the cycle's peak everywhere.
    steps = data.draw(
        st.lists(st.one_of(st.integers(0, 10**6), st.floats(0.0, 1e6)), min_size=1, max_size=20)
    )
    values = s(np.array(steps, dtype=np.float64))
    for t, v in zip(steps, values, strict=True):
        peak = float(reference.peak(reference.cycle(t)[0]))
        low, high = min(final, peak), max(final, peak)
        slack = 4 * ULP * high
        assert low - slack <= v <= high + slack
        assert v == s(t) or abs(v - s(t)) <= 4.5e-16 * abs(v)


@PROPERTY
@given(
    lr=st.one_of(st.just(0.1), st.floats(0.0, 10.0)),
    period=st.integers(1, 10**4),
    t_mult=st.integers(1, 5),
    final_frac=st.sampled_from([0.0, 0.01, 1.0]),
    steps=st.lists(
        st.one_of(st.integers(0, 10**7), st.integers(0, 2**63 - 1)), min_size=1, max_size=20
    ),
)
@example(lr=0.1, period=1, t_mult=3, final_frac=0.0, steps=[121, 120, 2**63 - 1])
def test_cosine_restarts_is_warm_restarts_for_integer_cycles(
    lr: float, period: int, t_mult: int, final_frac: float, steps: list[int]
) -> None:
    final = lr * final_frac
    torch_like = CosineAnnealingWarmRestarts(lr=lr, T_0=period, T_mult=t_mult, eta_min=final)
    s = CosineRestarts(lr, period, period_mult=t_mult, final_lr=final)
    if t_mult == 1:
        assert s._period() == period
    for got, want in [
        ([s(t) for t in steps], [torch_like(t) for t in steps]),
        (s(np.array(steps, dtype=np.int64)), torch_like(np.array(steps, dtype=np.int64))),
    ]:
        np.testing.assert_allclose(got, want, rtol=1e-15, atol=1e-300)


@PROPERTY
@given(
    period=st.one_of(st.integers(1, 1000), st.floats(1e-3, 1e3)),
    period_mult=st.one_of(st.just(1.0), st.floats(1.0, 3.0)),
    limit=st.integers(1, 12),
    final_lr=st.sampled_from([0.0, 1e-4, 0.1]),
    beyond=st.lists(st.integers(0, 2**63 - 1), max_size=5),
)
def test_cosine_restarts_final_lr_after_the_last_cycle(
    period: float, period_mult: float, limit: int, final_lr: float, beyond: list[int]
) -> None:
    s = CosineRestarts(0.1, period, period_mult=period_mult, decay=0.9, final_lr=final_lr,
                       limit=limit)  # fmt: skip
    p, m = Fraction(period), Fraction(period_mult)
    end, length = Fraction(0), p
    for _ in range(limit):
        end, length = end + length, length * m
    first = math.ceil(end)
    after = [first, first + 1, first + 10**6, 2**63 - 1, *(first + b for b in beyond)]
    after = [t for t in after if t < 2**63]
    assert all(s(t) == final_lr for t in after)
    assert (s(np.array(after, dtype=np.int64)) == final_lr).all()
    assert s(10**40) == final_lr and s(1e300) == final_lr
    if end < 2**53:
        assert s(math.nextafter(float(end), math.inf) if float(end) < end else float(end)) == (
            final_lr
        )
    if first - 1 >= 0 and first - 1 < end:
        reference = Restarts(0.1, period, period_mult, 0.9, final_lr, limit, upto=float(end) + 1)
        assert relative_error(s(first - 1), reference(first - 1)) <= COSINE_ULPS


def test_cosine_restarts_period_and_length() -> None:
    assert CosineRestarts(0.1, 10)._period() == 10
    assert CosineRestarts(0.1, 10, decay=0.9)._period() is None
    assert CosineRestarts(0.1, 10, limit=3)._period() is None
    assert CosineRestarts(0.1, 10.5)._period() is None
    assert CosineRestarts(0.1, 10, period_mult=2)._period() is None
    s = CosineRestarts(0.1, 10, period_mult=2, limit=2)
    assert s.breakpoints == (10.0, 30.0)
    assert s.length > 30 and s(s.length) == 0.0
    assert CosineRestarts(0.1, 10, period_mult=2).breakpoints == (10.0, 30.0, 70.0)


def test_cosine_restarts_beyond_its_arithmetic_is_a_clean_error() -> None:
    s = CosineRestarts(0.1, 10, period_mult=1.5)
    assert math.isfinite(s(2**63 - 1)) and math.isfinite(s(2**400))
    with pytest.raises(lrkit.InvalidValue, match="step"):
        s(2**600)
    # With a limit, every step past the end is final_lr, however large.
    assert CosineRestarts(0.1, 10, period_mult=1.5, limit=3, final_lr=0.01)(2**600) == 0.01
    # Without growing cycles, any whole step.
    assert math.isfinite(CosineRestarts(0.1, 0.3, decay=0.9)(10**400))


# ---------------------------------------------------------------------------------------
# Long arrays (issue 9): sorted steps are computed by segment or cycle, whole periods from
# tables, in blocks; the values are those of single steps and of the same steps shuffled.
# ---------------------------------------------------------------------------------------

CURVES: list[Any] = [
    PiecewiseLinear(steps=[0, 10_000, 50_000, 100_000], values=[0.0, 0.1, 0.05, 0.0]),
    PiecewiseLinear(steps=[3, 1000.5, 1001, 60_000.25, 2**53], values=[0.1, 0.1, 1e-8, 0.5, 1.0]),
    PiecewiseLinear(steps=[7.5], values=[0.3]),
    CosineRestarts(lr=0.1, period=1000, decay=0.9, final_lr=1e-4),  # tables, peaks < final
    CosineRestarts(lr=0.1, period=1000, decay=0.9),
    CosineRestarts(lr=0.1, period=999, final_lr=0.01, limit=40),  # tables past the limit
    CosineRestarts(lr=0.1, period=7, decay=1.01, final_lr=0.05),  # peaks that grow
    CosineRestarts(lr=0.1, period=60_000, decay=0.5, final_lr=0.02),  # whole cycles as slices
    CosineRestarts(lr=0.1, period=2.5, decay=0.99, final_lr=1e-3),
    CosineRestarts(lr=0.1, period=1000, period_mult=1.5, decay=0.9, final_lr=1e-4),
    CosineRestarts(lr=0.1, period=10, period_mult=2, decay=0.1, final_lr=1e-3, limit=12),
    CosineRestarts(lr=0.1, period=3.3, period_mult=1.001, decay=0.999, final_lr=1e-5),
    CosineRestarts(lr=0.1, period=50, period_mult=1.0 + 2**-40, decay=0.999),  # many cycles
    CosineRestarts(lr=0.1, period=1, period_mult=2.0, decay=0.99),  # a restart at 2**63 - 1
]

#: Runs of whole steps: (first, stride, count); past a block (2**14 steps) and 2**53.
RUNS = [
    (0, 1, 100_000),
    (12_345, 3, 40_000),
    (2**53 - 20_000, 1, 40_000),
    (2**63 - 30_000, 1, 30_000),
]


def marks_of(schedule: Any, first: int, last: int, most: int = 3000) -> list[int]:
    """The whole steps at or just after the knots or restarts from ``first`` to ``last``
    (at most ``most``; restarts in mpmath, from the cycle the logarithm puts ``first`` in).
    """
    if isinstance(schedule, PiecewiseLinear):
        return [math.ceil(k) for k in schedule.steps if first <= k <= last]
    p, m = M(schedule.period), M(schedule.period_mult)
    if m == 1:
        i = int(mpmath.floor(first / p))
    else:
        i = max(int(mpmath.floor(mpmath.log1p(first * (m - 1) / p) / mpmath.log(m))) - 1, 0)
    marks: list[int] = []
    while len(marks) < most:
        start = i * p if m == 1 else p * (m**i - 1) / (m - 1)
        if start > last:
            break
        if start >= first:
            marks.append(int(mpmath.ceil(start)))
        i += 1
    return marks


@pytest.mark.parametrize("schedule", CURVES, ids=[repr(s)[:60] for s in CURVES])
@pytest.mark.parametrize("run", RUNS, ids=["from-0", "stride-3", "past-2**53", "to-2**63"])
def test_long_curves_are_single_steps(schedule: Any, run: tuple[int, int, int]) -> None:
    first, stride, count = run
    t = first + stride * np.arange(count, dtype=np.int64)
    values = schedule(t)
    # The same steps shuffled (computed step by step, not by slices), exactly.
    order = np.random.default_rng(0).permutation(count)
    np.testing.assert_array_equal(schedule(t[order]), values[order])
    # Float steps (below 2**53; fractional ones as well), as whole steps, exactly.
    if t[-1] < 2**53:
        np.testing.assert_array_equal(schedule(t.astype(np.float64)), values)
        halves = t.astype(np.float64) + 0.5
        shuffled = schedule(halves[order])
        np.testing.assert_array_equal(schedule(halves)[order], shuffled)
    # Single steps: at and next to every knot or restart in the run, and at random.
    picks = {0, count - 1, *np.random.default_rng(1).integers(0, count, 200).tolist()}
    for mark in marks_of(schedule, first, int(t[-1])):
        k = (mark - first) // stride
        picks.update(j for j in (k - 1, k, k + 1) if 0 <= j < count)
    for j in sorted(picks):
        single = schedule(int(t[j]))
        assert single == values[j] or abs(single - values[j]) <= 4.5e-16 * abs(single), j


def test_long_curves_against_mpmath() -> None:
    """Long arrays (whole periods from tables, growing cycles by slices) against the
    definition, at and next to restarts and at random steps up to 10**7."""
    for kwargs in [
        dict(lr=0.1, period=1000, decay=0.99, final_lr=1e-4),
        dict(lr=0.1, period=1000, period_mult=1.5, decay=0.9, final_lr=1e-4),
        dict(lr=0.1, period=100, decay=0.8, limit=20, final_lr=1e-3),
        dict(lr=0.1, period=10, period_mult=2, decay=0.1, final_lr=1e-3),
    ]:
        s = CosineRestarts(**kwargs)
        reference = Restarts(**kwargs)
        t = np.arange(0, LIMIT, 7, dtype=np.int64)
        values = s(t)
        picks = set(np.random.default_rng(2).integers(0, t.size, 150).tolist())
        for mark in restart_marks(reference):
            k = math.ceil(mark) // 7
            picks.update(j for j in (k - 1, k, k + 1) if 0 <= j < t.size)
        worst = max(relative_error(values[j], reference(int(t[j]))) for j in picks)
        assert worst <= COSINE_ULPS, (kwargs, worst)
    knots, heights = [0, 10_000, 500_000, 1_000_000], [0.0, 0.1, 0.05, 0.0]
    line = PiecewiseLinear(steps=knots, values=heights)
    t = np.arange(0, 1_200_000, 3, dtype=np.int64)
    values = line(t)
    picks = set(np.random.default_rng(3).integers(0, t.size, 300).tolist())
    for k in knots:
        picks.update(j for j in (k // 3 - 1, k // 3, k // 3 + 1) if 0 <= j < t.size)
    worst = max(
        relative_error(values[j], linear_reference(knots, heights, int(t[j]))) for j in picks
    )
    assert worst <= LINEAR_ULPS, worst


@PROPERTY
@given(
    period=st.one_of(st.integers(1, 10**6), st.floats(1e-6, 1e6)),
    period_mult=st.one_of(st.sampled_from([1.0, 2.0, 1.5, 1.0 + 2**-52]), st.floats(1.0, 4.0)),
    step=st.one_of(st.integers(0, 10**7), st.integers(0, 2**63 - 1)),
)
def test_cycle_ends_cut_steps_exactly(period: float, period_mult: float, step: int) -> None:
    """The steps are cut at each cycle's end compared exactly (in fractions) with its
    double-double value: whole steps next to it, and the floats next to it."""
    from lrkit.core._restarts import _counts_below

    s = CosineRestarts(0.1, period, period_mult=period_mult)
    p, m = float(period), float(period_mult)
    if m == 1.0:
        near = int(step // p)
    else:
        near = math.floor(math.log1p(step * (m - 1.0) / p) / math.log1p(m - 1.0))
    cycles = np.arange(max(near - 20, 0), max(near - 20, 0) + 40, dtype=np.int64)
    ends = s._bounds(*s._power_and_sum(lrkit.core._xp.NUMPY, cycles))[2:4]
    exact = [Fraction(h) + Fraction(g) for h, g in zip(*(e.tolist() for e in ends), strict=True)]
    exact = [x for x in exact if x < 2**64]
    hi, lo = (e[: len(exact)] for e in ends)
    whole = sorted(
        {
            k
            for x in exact
            for k in (math.floor(x) - 1, math.floor(x), math.ceil(x))
            if 0 <= k < 2**63
        }
    )
    t = np.array(whole, dtype=np.int64)
    assert _counts_below(t, hi, lo) == [sum(1 for k in whole if k < x) for x in exact]
    floats = sorted(
        {
            f
            for x in exact
            if x < 2**53
            for f in (
                math.nextafter(float(x), -math.inf),
                float(x),
                math.nextafter(float(x), math.inf),
            )
        }
    )
    if floats:
        f = np.array(floats, dtype=np.float64)
        assert _counts_below(f, hi, lo) == [
            sum(1 for v in floats if Fraction(v) < x) for x in exact
        ]


# ---------------------------------------------------------------------------------------
# Bad arguments
# ---------------------------------------------------------------------------------------

BAD: list[tuple[type, dict[str, Any], str]] = [
    (PiecewiseConstant, {"boundaries": "100", "values": [1, 2]}, "boundaries"),
    (PiecewiseConstant, {"boundaries": None, "values": [1]}, "boundaries"),
    (PiecewiseConstant, {"boundaries": [1, 1], "values": [1, 2, 3]}, "boundaries[1]"),
    (PiecewiseConstant, {"boundaries": [2, 1], "values": [1, 2, 3]}, "boundaries[1]"),
    (PiecewiseConstant, {"boundaries": [-1], "values": [1, 2]}, "boundaries[0]"),
    (PiecewiseConstant, {"boundaries": [2**53 + 2], "values": [1, 2]}, "boundaries[0]"),
    (PiecewiseConstant, {"boundaries": [math.inf], "values": [1, 2]}, "boundaries[0]"),
    (PiecewiseConstant, {"boundaries": [math.nan], "values": [1, 2]}, "boundaries[0]"),
    (PiecewiseConstant, {"boundaries": [True], "values": [1, 2]}, "boundaries[0]"),
    (PiecewiseConstant, {"boundaries": [0, "5"], "values": [1, 2, 3]}, "boundaries[1]"),
    (PiecewiseConstant, {"boundaries": [5], "values": [1]}, "values"),
    (PiecewiseConstant, {"boundaries": [5], "values": [1, 2, 3]}, "values"),
    (PiecewiseConstant, {"boundaries": [5], "values": None}, "values"),
    (PiecewiseConstant, {"boundaries": [5], "values": [0.1, -1]}, "values[1]"),
    (PiecewiseConstant, {"boundaries": [5], "values": [0.1, 1e301]}, "values[1]"),
    (PiecewiseConstant, {"boundaries": [5], "values": [math.nan, 1]}, "values[0]"),
    (PiecewiseConstant, {"boundaries": [5], "values": [0.1, "x"]}, "values[1]"),
    (PiecewiseLinear, {"steps": [], "values": []}, "steps"),
    (PiecewiseLinear, {"steps": 3, "values": [1]}, "steps"),
    (PiecewiseLinear, {"steps": [0, 0], "values": [1, 2]}, "steps[1]"),
    (PiecewiseLinear, {"steps": [0, 10, 5], "values": [1, 2, 3]}, "steps[2]"),
    (PiecewiseLinear, {"steps": [0, -1e-9], "values": [1, 2]}, "steps[1]"),
    (PiecewiseLinear, {"steps": [0, 1.5e16], "values": [1, 2]}, "steps[1]"),
    (PiecewiseLinear, {"steps": [0, 10], "values": [1]}, "values"),
    (PiecewiseLinear, {"steps": [0, 10], "values": [1, 2, 3]}, "values"),
    (PiecewiseLinear, {"steps": [0, 10], "values": [1, math.inf]}, "values[1]"),
    (PiecewiseLinear, {"steps": [0, 10], "values": [-0.5, 1]}, "values[0]"),
    (CosineRestarts, {"lr": -0.1, "period": 10}, "lr"),
    (CosineRestarts, {"lr": math.nan, "period": 10}, "lr"),
    (CosineRestarts, {"lr": "0.1", "period": 10}, "lr"),
    (CosineRestarts, {"lr": 0.1, "period": 0}, "period"),
    (CosineRestarts, {"lr": 0.1, "period": -10}, "period"),
    (CosineRestarts, {"lr": 0.1, "period": 1e-7}, "period"),
    (CosineRestarts, {"lr": 0.1, "period": 2**53 + 2}, "period"),
    (CosineRestarts, {"lr": 0.1, "period": math.inf}, "period"),
    (CosineRestarts, {"lr": 0.1, "period": None}, "period"),
    (CosineRestarts, {"lr": 0.1, "period": 10, "period_mult": 0.5}, "period_mult"),
    (CosineRestarts, {"lr": 0.1, "period": 10, "period_mult": 0}, "period_mult"),
    (CosineRestarts, {"lr": 0.1, "period": 10, "period_mult": math.inf}, "period_mult"),
    (CosineRestarts, {"lr": 0.1, "period": 10, "period_mult": 2.0**54}, "period_mult"),
    (CosineRestarts, {"lr": 0.1, "period": 10, "period_mult": "2"}, "period_mult"),
    (CosineRestarts, {"lr": 0.1, "period": 10, "decay": 0}, "decay"),
    (CosineRestarts, {"lr": 0.1, "period": 10, "decay": -0.5}, "decay"),
    (CosineRestarts, {"lr": 0.1, "period": 10, "decay": math.nan}, "decay"),
    (CosineRestarts, {"lr": 0.1, "period": 10, "decay": math.inf}, "decay"),
    (CosineRestarts, {"lr": 0.1, "period": 10, "final_lr": -1e-3}, "final_lr"),
    (CosineRestarts, {"lr": 0.1, "period": 10, "final_lr": 0.2}, "final_lr"),
    (CosineRestarts, {"lr": 0.1, "period": 10, "limit": 0}, "limit"),
    (CosineRestarts, {"lr": 0.1, "period": 10, "limit": 1.5}, "limit"),
    (CosineRestarts, {"lr": 0.1, "period": 10, "limit": 2**54}, "limit"),
    (CosineRestarts, {"lr": 0.1, "period": 10, "limit": "3"}, "limit"),
    (CosineRestarts, {"lr": 0.1, "period": 10, "limit": True}, "limit"),
]


@pytest.mark.parametrize(
    ("cls", "kwargs", "argument"),
    BAD,
    ids=[f"{cls.__name__}-{arg}-{i}" for i, (cls, _, arg) in enumerate(BAD)],
)
def test_bad_arguments_are_refused_naming_them(
    cls: type, kwargs: dict[str, Any], argument: str
) -> None:
    with pytest.raises(LrkitError) as caught:
        cls(**kwargs)
    error = caught.value
    assert isinstance(error, (ValueError, TypeError))
    assert error.argument == argument
    assert str(error).startswith(f"{argument} must be ")


def test_config_round_trips_and_equality() -> None:
    for schedule in [
        PiecewiseConstant(boundaries=[1, 2.5], values=[0.3, 0.2, 0.1]),
        PiecewiseLinear(steps=[0, 10.5], values=[0, 1]),
        CosineRestarts(0.1, 10, period_mult=1.5, decay=0.9, final_lr=0.001, limit=7),
    ]:
        back = lrkit.from_config(schedule.to_config())
        assert back == schedule and hash(back) == hash(schedule)
        assert eval(repr(schedule), dict(vars(lrkit))) == schedule
    assert PiecewiseConstant(boundaries=(1,), values=(1, 2)).boundaries == (1.0,)
    assert PiecewiseLinear(steps=(1, 5), values=(1, 2)).breakpoints == (1.0, 5.0)
