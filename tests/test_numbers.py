"""Every number lrkit accepts is one its formulas can carry (issue 8, "survive every number").

* Arguments beyond float64's range (``10**400``, a huge ``Fraction``), or that would overflow
  inside a formula (``T_max=1e308``, where ``2 * T_max`` overflows), are refused at
  construction with lrkit's ``InvalidValue``/``InvalidType`` naming the argument: never an
  ``OverflowError``, and quickly.
* Whole steps are exact at any size: a Python int (``2**63 - 1``, ``2**200``), int64 and
  uint64 arrays are reduced with integer arithmetic before any float conversion, on the
  scalar and the array paths alike. Values are compared with exact maths (mpmath, with the
  phases in exact rationals).
* Evaluation never raises ``OverflowError`` and never returns NaN or +-inf for valid
  arguments: growing schedules saturate at the largest float64 (1.8e308).
"""

from __future__ import annotations

import json
import math
import sys
import time
import warnings
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import lrkit
from lrkit import (
    ChainedScheduler,
    ConstantLR,
    CosineAnnealingLR,
    CosineAnnealingWarmRestarts,
    CyclicLR,
    ExponentialLR,
    InvalidType,
    InvalidValue,
    LambdaLR,
    LinearLR,
    MultiplicativeLR,
    MultiStepLR,
    OneCycleLR,
    PolynomialLR,
    Schedule,
    SequentialLR,
    StepLR,
)

M = mpmath.mpf
BIG = sys.float_info.max
INT64_MAX = 2**63 - 1
UINT64_MAX = 2**64 - 1
DPS = 60
#: As tests/test_exact.py: absolute error at most 1e-16 at the scale of lr 0.1, relative
#: error at most 1e-13 (where the exact value is a normal float64 number).
ABS_TOL = 1e-16
REL_TOL = 1e-13
NUMBERS = settings(max_examples=40, deadline=None, database=None)


def exact_float(value: Any) -> Any:
    """The float64 an exact value rounds to, saturated at the largest float64 (as lrkit)."""
    if abs(value) > BIG:
        return math.copysign(BIG, float(mpmath.sign(value)))
    return float(value)


def assert_exact(value: float, exact: Any, where: str, scale: float | None = 0.1) -> None:
    """``value`` is ``exact`` (an mpf) to 1e-16 at the scale of lr 0.1 (``scale``; None:
    relative only) and 1e-13 relative; beyond the largest float64, it is the largest float64."""
    assert isinstance(value, float), where
    assert math.isfinite(value), f"{where}: {value!r}"
    if abs(exact) > BIG:
        assert value == exact_float(exact), f"{where}: {value!r}, exact {mpmath.nstr(exact, 20)}"
        return
    error = abs(M(value) - exact)
    if scale is not None:
        assert error <= ABS_TOL * max(1, abs(exact) / scale), (
            f"{where}: lrkit {value!r}, exact {mpmath.nstr(exact, 25)}, abs error {error}"
        )
    elif abs(exact) < sys.float_info.min:  # below float64's normal numbers: a few ulps
        assert error <= 4 * 2.0**-1074, f"{where}: lrkit {value!r}, exact {exact}"
    if abs(exact) >= sys.float_info.min:
        assert error <= REL_TOL * abs(exact), (
            f"{where}: lrkit {value!r}, exact {mpmath.nstr(exact, 25)}, rel error "
            f"{mpmath.nstr(error / abs(exact), 3)}"
        )


def rational(x: Fraction) -> Any:
    return M(x.numerator) / x.denominator


def cosine_weight(distance: Any, span: Any) -> Any:
    """(1 + cos(pi * distance / span)) / 2, from exact rationals."""
    return (1 + mpmath.cos(mpmath.pi * rational(Fraction(distance) / Fraction(span)))) / 2


# ---------------------------------------------------------------------------------------
# Exact definitions (torch's formulas in exact arithmetic; float arguments at their exact
# binary value). Steps are Python ints of any size.
# ---------------------------------------------------------------------------------------


def exact_cosine(lr: float, t_max: float, eta_min: float) -> Callable[[int], Any]:
    def value(t: int) -> Any:
        phase = Fraction(t) % (2 * Fraction(t_max))  # exact, however large t
        return M(eta_min) + (M(lr) - M(eta_min)) * cosine_weight(phase, t_max)

    return value


def exact_restarts(lr: float, t0: int, t_mult: int, eta_min: float) -> Callable[[int], Any]:
    def value(t: int) -> Any:
        if t_mult == 1:
            start, length = t - t % t0, t0
        else:
            start, length = 0, t0
            while start + length <= t:
                start, length = start + length, length * t_mult
        return M(eta_min) + (M(lr) - M(eta_min)) * cosine_weight(t - start, length)

    return value


def exact_cyclic(schedule: CyclicLR, momentum: bool = False) -> Callable[[int], Any]:
    up = schedule.step_size_up
    down = schedule.step_size_down or up
    total = up + down

    def value(t: int) -> Any:
        r = t % total
        h = Fraction(r, up) if r <= up else Fraction(total - r, down)
        cycle = t // total + 1
        if schedule.mode == "triangular":
            scale = M(1)
        elif schedule.mode == "triangular2":
            scale = M(2) ** (1 - cycle)
        else:
            scale = M(schedule.gamma) ** t
        height = rational(h) * scale
        if momentum:
            top, low = M(schedule.max_momentum), M(schedule.base_momentum)
            return top - (top - low) * height
        base, peak = M(schedule.base_lr), M(schedule.max_lr)
        return base + (peak - base) * height

    return value


def exact_step(lr: float, step_size: int, gamma: float) -> Callable[[int], Any]:
    return lambda t: M(lr) * M(gamma) ** (t // step_size)


def exact_exponential(lr: float, gamma: float) -> Callable[[int], Any]:
    return lambda t: M(lr) * M(gamma) ** t


def values_at(schedule: Schedule, t: int) -> dict[str, float]:
    """``schedule`` at the whole step ``t`` by every path that holds ``t``."""
    out = {"scalar": schedule(t), "object": float(schedule(np.array([t], dtype=object))[0])}
    if t <= INT64_MAX:
        out["int64"] = float(schedule(np.array([t], dtype=np.int64))[0])
        out["int64-many"] = float(schedule(np.array([t, 0, t], dtype=np.int64))[2])
    if t <= UINT64_MAX:
        out["uint64"] = float(schedule(np.array([t], dtype=np.uint64))[0])
        out["uint64-many"] = float(schedule(np.array([0, t], dtype=np.uint64))[1])
    shape = schedule.shape(t)  # what lrkit.torch computes, with Python int steps
    out["shape-rate"] = schedule.rate(shape)
    return out


def check_every_path(schedule: Schedule, exact: Callable[[int], Any], t: int) -> None:
    with mpmath.workdps(DPS):
        target = exact(t)
        for path, value in values_at(schedule, t).items():
            assert_exact(value, target, f"{schedule!r} at step {t} ({path})")


#: Whole steps: up to int64's largest, just above 2**53 (where float64 starts skipping
#: integers), and Python ints beyond uint64 up to 2**200.
whole_steps = st.one_of(
    st.integers(0, INT64_MAX),
    st.integers(2**53 - 8, 2**53 + 1000),
    st.integers(INT64_MAX + 1, 2**200),
    st.sampled_from([2**53 + 1, 2**62 + 3, INT64_MAX - 1, INT64_MAX, 2**63, UINT64_MAX]),
)


# ---------------------------------------------------------------------------------------
# The examples of the issue.
# ---------------------------------------------------------------------------------------


def test_cosine_at_int64_max_is_exact() -> None:
    """Once 0.098445 on the scalar path (the step was rounded to float64 first: to 2**63,
    another step); the exact value is 0.0988078..., on every path."""
    s = CosineAnnealingLR(lr=0.1, T_max=100, eta_min=0.001)
    with mpmath.workdps(DPS):
        exact = exact_cosine(0.1, 100, 0.001)(INT64_MAX)
        assert abs(exact - M("0.0988078797159680")) < 1e-15
        for path, value in values_at(s, INT64_MAX).items():
            assert_exact(value, exact, path)
    assert abs(s(INT64_MAX) - 0.098445) > 3e-4  # what rounding the step first gave
    assert s(float(INT64_MAX)) == s(2**63)  # a float step is the float64 number it is


@pytest.mark.parametrize(
    ("schedule", "t"),
    [
        (CosineAnnealingLR(lr=0.1, T_max=7.3), INT64_MAX),
        (CosineAnnealingLR(lr=0.1, T_max=12_345.5, eta_min=1e-3), 2**200 + 17),
        (CosineAnnealingLR(lr=0.1, T_max=3, eta_min=0.05), 10**400 + 1),
        (CosineAnnealingWarmRestarts(lr=0.1, T_0=10, T_mult=2), 2**60 + 12345),
        (CosineAnnealingWarmRestarts(lr=0.1, T_0=1, T_mult=3, eta_min=1e-3), 3**130 // 2),
        (CosineAnnealingWarmRestarts(lr=0.1, T_0=7, eta_min=1e-4), 10**400 + 3),
        (CyclicLR(base_lr=0.01, max_lr=0.1, step_size_up=7), 2**53 + 1),
        (CyclicLR(base_lr=0.01, max_lr=0.1, step_size_up=3, step_size_down=5), 10**400 + 5),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, Schedule) else str(v)[:12],
)
def test_periodic_schedules_at_huge_steps(schedule: Schedule, t: int) -> None:
    exact: Callable[[int], Any]
    if isinstance(schedule, CosineAnnealingLR):
        exact = exact_cosine(schedule.lr, schedule.T_max, schedule.eta_min)
    elif isinstance(schedule, CosineAnnealingWarmRestarts):
        exact = exact_restarts(schedule.lr, schedule.T_0, schedule.T_mult, schedule.eta_min)
    else:
        assert isinstance(schedule, CyclicLR)
        exact = exact_cyclic(schedule)
    check_every_path(schedule, exact, t)


def test_uint64_arrays_are_exact() -> None:
    """uint64 steps once went through float64 (rounded above 2**53)."""
    s = CosineAnnealingLR(lr=0.1, T_max=100, eta_min=0.001)
    steps = [UINT64_MAX, 2**63, INT64_MAX, 2**53 + 1, 5, 0]
    out = s(np.array(steps, dtype=np.uint64))
    assert out.dtype == np.float64 and out.shape == (6,)
    with mpmath.workdps(DPS):
        for t, value in zip(steps, out.tolist(), strict=True):
            assert_exact(value, exact_cosine(0.1, 100, 0.001)(t), f"step {t}")
            assert value == s(t)
    # Shapes are kept, also with steps above int64's range.
    grid = np.array([[UINT64_MAX, 1], [2, 2**63]], dtype=np.uint64)
    assert s(grid).shape == (2, 2)
    assert s(grid)[1, 1] == s(2**63)


def test_python_ints_beyond_int64_in_an_array() -> None:
    s = CyclicLR(base_lr=0.01, max_lr=0.1, step_size_up=7, mode="triangular2")
    steps = np.array([2**70 + 3, 10**30, 5], dtype=object)
    assert s(steps).tolist() == [s(2**70 + 3), s(10**30), s(5)]
    with pytest.raises(InvalidType, match=r"^step must be an int, a float or a numeric array"):
        s(np.array([2**70, "3"], dtype=object))


def test_float_steps_from_2_53_are_the_integers_they_are() -> None:
    """A float64 number from 2**53 on is a whole number: it is that integer step on every
    path (SequentialLR once evaluated its child at the rounded float t - milestone)."""
    child = CosineAnnealingLR(lr=0.1, T_max=1)
    s = SequentialLR([ConstantLR(lr=0.1, factor=0.0, total_iters=1), child], [3])
    t = 2**53 + 4  # a float64 number; t - 3 is not
    assert s(t) == child(t - 3) == child(1) == 0.0
    assert s(float(t)) == 0.0
    assert s(np.array([float(t), 0.5, 2.0**70])).tolist() == [0.0, s(0.5), s(2**70)]
    w = CosineAnnealingWarmRestarts(lr=0.1, T_0=3, T_mult=3)
    for t in (2**60 + 2**8, 2**62, 2.0**80):
        with mpmath.workdps(DPS):
            exact = exact_restarts(0.1, 3, 3, 0.0)(int(t))
            assert_exact(w(float(t)), exact, f"{t} (float)")
            assert_exact(float(w(np.array([float(t)]))[0]), exact, f"{t} (float array)")


# ---------------------------------------------------------------------------------------
# Property tests: integer steps up to 2**63 - 1 and beyond, every path against mpmath.
# ---------------------------------------------------------------------------------------


@NUMBERS
@given(
    t_max=st.one_of(st.integers(1, 10**6), st.sampled_from([7.3, 0.5, 12_345.5, 2.0**-10])),
    eta_min=st.sampled_from([0.0, 1e-3, 0.2]),
    t=whole_steps,
)
@example(t_max=100, eta_min=1e-3, t=INT64_MAX)
def test_cosine_every_path_at_any_whole_step(t_max: float, eta_min: float, t: int) -> None:
    s = CosineAnnealingLR(lr=0.1, T_max=t_max, eta_min=eta_min)
    check_every_path(s, exact_cosine(0.1, t_max, eta_min), t)


@NUMBERS
@given(t0=st.integers(1, 10**4), t_mult=st.integers(1, 5), t=whole_steps)
@example(t0=1, t_mult=3, t=2**53 + 1)
@example(t0=3, t_mult=2, t=2**200)
def test_warm_restarts_every_path_at_any_whole_step(t0: int, t_mult: int, t: int) -> None:
    s = CosineAnnealingWarmRestarts(lr=0.1, T_0=t0, T_mult=t_mult, eta_min=1e-4)
    check_every_path(s, exact_restarts(0.1, t0, t_mult, 1e-4), t)


@NUMBERS
@given(
    up=st.integers(1, 5000),
    down=st.integers(1, 5000),
    mode=st.sampled_from(["triangular", "triangular2", "exp_range"]),
    gamma=st.sampled_from([1.0, 0.999, 0.5, 1 - 2**-52]),
    t=whole_steps,
)
@example(up=7, down=7, mode="triangular", gamma=1.0, t=2**53 + 1)
def test_cyclic_every_path_at_any_whole_step(
    up: int, down: int, mode: str, gamma: float, t: int
) -> None:
    s = CyclicLR(
        base_lr=0.01, max_lr=0.1, step_size_up=up, step_size_down=down, mode=mode, gamma=gamma
    )
    check_every_path(s, exact_cyclic(s), t)
    assert s.momentum is not None
    check_every_path(s.momentum, exact_cyclic(s, momentum=True), t)


@NUMBERS
@given(
    step_size=st.integers(1, 10**6),
    gamma=st.sampled_from([0.1, 0.5, 0.999, 1.0, 1 - 2**-52, 1 + 2**-52, 1.5]),
    t=whole_steps,
)
@example(step_size=1, gamma=1 - 2**-52, t=INT64_MAX)
def test_step_every_path_at_any_whole_step(step_size: int, gamma: float, t: int) -> None:
    s = StepLR(lr=0.1, step_size=step_size, gamma=gamma)
    check_every_path(s, exact_step(0.1, step_size, gamma), t)


@NUMBERS
@given(
    gamma=st.one_of(
        st.sampled_from([0.0, 0.5, 0.9, 1.0, 1.5, 2.0]),
        st.integers(-8, 8).map(lambda k: 1 + k * 2**-52),  # where 2**60 steps still matter
    ),
    t=whole_steps,
)
@example(gamma=1 - 2**-52, t=2**60 + 1)
@example(gamma=1 + 2**-52, t=2**62 + 3)
def test_exponential_every_path_at_any_whole_step(gamma: float, t: int) -> None:
    s = ExponentialLR(lr=0.1, gamma=gamma)
    check_every_path(s, exact_exponential(0.1, gamma), t)


@NUMBERS
@given(t=whole_steps)
def test_constant_after_the_end_at_any_whole_step(t: int) -> None:
    cases: list[tuple[Schedule, float]] = [
        (ConstantLR(lr=0.1, factor=0.5, total_iters=7), 0.1),
        (LinearLR(lr=0.1, start_factor=0.5, end_factor=0.25, total_iters=9), 0.1 * 0.25),
        (PolynomialLR(lr=0.1, total_iters=11, power=2.0), 0.0),
        (MultiStepLR(lr=0.1, milestones=[3, 10**6, 2**53], gamma=0.5), 0.1 * 0.125),
    ]
    for schedule, value in cases:
        if t >= 2**53:
            assert set(values_at(schedule, t).values()) == {value}, schedule


@NUMBERS
@given(shift=st.integers(1, 10**6), t_max=st.integers(1, 10**6), t=whole_steps)
@example(shift=3, t_max=1, t=2**53 + 4)
def test_sequential_every_path_at_any_whole_step(shift: int, t_max: int, t: int) -> None:
    """The last child runs at the exact integer t - milestone (above 2**53, that is not
    always a float64 number)."""
    child = CosineAnnealingLR(lr=0.1, T_max=t_max)
    s = SequentialLR([ConstantLR(lr=0.1, factor=0.0, total_iters=1), child], [shift])
    cosine = exact_cosine(0.1, t_max, 0.0)
    first = lambda n: M(0) if n < 1 else M(0.1)  # noqa: E731 (ConstantLR: factor 0 at step 0)
    check_every_path(s, lambda n: cosine(n - shift) if n >= shift else first(n), t)


@NUMBERS
@given(
    t=st.one_of(st.integers(0, INT64_MAX), st.sampled_from([2**62 + 1, INT64_MAX])),
    t_max=st.integers(1, 10**5),
    step_size=st.integers(1, 10**5),
)
@example(t=2**63 - 1, t_max=1, step_size=2)  # factors near 2**-1477 and 2**2954
def test_chained_every_path_at_any_whole_step(t: int, t_max: int, step_size: int) -> None:
    """Factors that leave float64's range both ways multiply exactly (at steps up to
    int64's largest, where the powers stay within 2**+-3200)."""
    s = ChainedScheduler(
        [
            CosineAnnealingLR(lr=0.1, T_max=t_max),
            StepLR(lr=0.1, step_size=step_size, gamma=1 - 2**-52),
            ExponentialLR(lr=0.1, gamma=1 + 2**-52),
        ]
    )
    cosine = exact_cosine(0.1, t_max, 0.0)
    step = exact_step(0.1, step_size, 1 - 2**-52)
    growth = exact_exponential(0.1, 1 + 2**-52)
    check_every_path(s, lambda n: cosine(n) * step(n) * growth(n) / M(0.1) ** 2, t)


# ---------------------------------------------------------------------------------------
# Growing schedules: finite, exact where float64 holds the value, saturated beyond.
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("schedule", "exact"),
    [
        (ExponentialLR(lr=0.1, gamma=1.5), exact_exponential(0.1, 1.5)),
        (ExponentialLR(lr=1e-10, gamma=2.0), exact_exponential(1e-10, 2.0)),
        (StepLR(lr=1e-200, step_size=3, gamma=7.0), exact_step(1e-200, 3, 7.0)),
        (
            MultiStepLR(lr=1e-100, milestones=[1] * 1100, gamma=2.0),
            lambda t: M(1e-100) * M(2) ** (1100 if t >= 1 else 0),
        ),
    ],
    ids=["ExponentialLR", "ExponentialLR-small-lr", "StepLR", "MultiStepLR"],
)
def test_growth_saturates_at_the_largest_float(schedule: Schedule, exact: Any) -> None:
    """lr * gamma ** t is exact while float64 holds it (also where gamma ** t alone has
    overflowed: lr=1e-10, gamma=2 at t=1030), then stays at the largest float64 (once inf)."""
    steps = [0, 1, 2, 500, 1000, 1030, 1750, 1760, 5000, 10**7, INT64_MAX, 10**400]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            array = schedule(np.array(steps[:-1], dtype=np.int64))
            scalar = [schedule(t) for t in steps]
    assert np.isfinite(array).all() and all(math.isfinite(v) for v in scalar)
    if not isinstance(schedule, MultiStepLR):  # (which stops growing at 1e-100 * 2**1100)
        assert scalar[-1] == BIG and array[-1] == BIG
    assert (np.diff(array) >= 0).all()
    with mpmath.workdps(DPS):
        for t, value in zip(steps, scalar, strict=True):
            assert_exact(value, exact(t), f"step {t}", scale=None)
        for t, value in zip(steps, array.tolist(), strict=False):
            assert_exact(value, exact(t), f"step {t} (array)", scale=None)


def test_growth_window_where_the_factor_overflows_alone() -> None:
    s = ExponentialLR(lr=1e-10, gamma=2.0)
    assert s(1030) == float(M(1e-10) * M(2) ** 1030)  # 2.0 ** 1030 is not a float64
    assert s(np.array([1030]))[0] == s(1030)
    assert s.factor_at(1030) == BIG  # the factor alone saturates
    assert ExponentialLR(lr=0.0, gamma=2.0)(5000) == 0.0  # never 0 * inf


@NUMBERS
@given(
    lr=st.one_of(st.just(0.0), st.floats(1e-12, 1e3)),
    gamma=st.floats(1.0, 10.0, exclude_min=True),
    steps=st.lists(st.integers(0, INT64_MAX), min_size=1, max_size=8),
)
def test_growth_is_finite_and_monotone(lr: float, gamma: float, steps: list[int]) -> None:
    s = ExponentialLR(lr=lr, gamma=gamma)
    steps = sorted(steps)
    array = s(np.array(steps, dtype=np.int64))
    scalar = np.array([s(t) for t in steps])
    for values in (array, scalar):
        assert np.isfinite(values).all()
        assert (values >= lr).all() and (np.diff(values) >= 0).all()
    np.testing.assert_allclose(array, scalar, rtol=4e-16, atol=0)


def test_chained_growth_and_decay_multiply_beyond_float64() -> None:
    """A growing factor past 1.8e308 times a decaying one that brings it back (once NaN or
    inf): the product, exact."""
    s = ChainedScheduler([ExponentialLR(lr=0.5, gamma=2.0), ExponentialLR(lr=0.5, gamma=0.6)])
    steps = [0, 10, 1100, 1300, 2000]
    array = s(np.array(steps))
    with mpmath.workdps(DPS):
        for t, value in zip(steps, array.tolist(), strict=True):
            exact = M(0.5) * M(1.2) ** t  # 2 ** t * 0.6 ** t
            assert_exact(s(t), exact, f"step {t}", scale=None)
            assert_exact(value, exact, f"step {t} (array)", scale=None)
    assert s(4000) == BIG and s(np.array([4000]))[0] == BIG  # 1.2 ** 4000 is past 1.8e308
    # A factor that is exactly 0 makes the product 0.
    zero = ChainedScheduler(
        [ExponentialLR(lr=0.5, gamma=2.0), StepLR(lr=0.5, step_size=1, gamma=0)]
    )
    assert zero(5000) == 0.0 and zero(np.array([5000]))[0] == 0.0


# ---------------------------------------------------------------------------------------
# CyclicLR exp_range with gamma > 1: accepted (as torch) and finite, documented.
# ---------------------------------------------------------------------------------------


def test_cyclic_exp_range_growth_is_finite() -> None:
    s = CyclicLR(base_lr=0.1, max_lr=0.2, step_size_up=10, mode="exp_range", gamma=2.0)
    m = s.momentum
    assert m is not None
    steps = [0, 5, 20, 1000, 1015, 1999, 2000, 10**7, INT64_MAX]
    for values in (
        [s(t) for t in steps],
        s(np.array(steps)).tolist(),
        [m(t) for t in steps],
        m(np.array(steps)).tolist(),
    ):
        assert all(math.isfinite(v) for v in values), values
    assert s(5) == 0.1 + 0.1 * 0.5 * 2.0**5
    assert [s(t) for t in (0, 20, 2000, 10**7)] == [0.1] * 4  # cycle starts: base_lr
    assert s(1999) == BIG and s(np.array([1999]))[0] == BIG  # saturated (once inf)
    assert m(1999) == -BIG and m(2000) == 0.9  # the momentum goes the other way
    with mpmath.workdps(DPS):  # where float64 holds it, exact
        assert_exact(s(1015), exact_cyclic(s)(1015), "step 1015", scale=None)


@pytest.mark.parametrize("gamma", [1.8, 2.0, 10.0])
def test_cyclic_exp_range_growth_without_amplitude_is_constant(gamma: float) -> None:
    """base_lr == max_lr (or equal momenta): 0 * gamma ** t is 0 (once NaN)."""
    s = CyclicLR(
        base_lr=0.1,
        max_lr=0.1,
        step_size_up=19,
        step_size_down=41,
        mode="exp_range",
        gamma=gamma,
        base_momentum=0.9,
        max_momentum=0.9,
    )
    assert s.momentum is not None
    steps = [59, 1207, 1208, 5000, 5001, INT64_MAX]
    assert [s(t) for t in steps] == [0.1] * len(steps)
    assert s(np.array(steps)).tolist() == [0.1] * len(steps)
    assert s.momentum(np.array(steps)).tolist() == [0.9] * len(steps)


def test_cyclic_exp_range_growth_inverted_saturates_below() -> None:
    """max_lr < base_lr: the rate goes negative (as torch's does), then saturates at
    -1.8e308 (once -inf)."""
    s = CyclicLR(base_lr=0.1, max_lr=0.01, step_size_up=10, mode="exp_range", gamma=2.0)
    assert s(5) == pytest.approx(0.1 - 0.09 * 0.5 * 32, rel=1e-15)
    assert s(1999) == -BIG and s(np.array([1999.0]))[0] == -BIG
    assert s(2000) == 0.1


@NUMBERS
@given(
    base=st.floats(0.0, 1.0),
    peak=st.floats(0.0, 1.0),
    up=st.integers(1, 50),
    gamma=st.floats(1.0, 10.0, exclude_min=True),
    steps=st.lists(st.integers(0, INT64_MAX), min_size=1, max_size=6),
)
def test_cyclic_exp_range_growth_never_nan_or_inf(
    base: float, peak: float, up: int, gamma: float, steps: list[int]
) -> None:
    s = CyclicLR(base_lr=base, max_lr=peak, step_size_up=up, mode="exp_range", gamma=gamma)
    assert s.momentum is not None
    for schedule in (s, s.momentum):
        scalar = np.array([schedule(t) for t in steps])
        array = schedule(np.array(steps, dtype=np.int64))
        assert np.isfinite(scalar).all() and np.isfinite(array).all()
        np.testing.assert_allclose(array, scalar, rtol=4e-16, atol=0)
    if base == peak:
        assert (s(np.array(steps)) == base).all()


# ---------------------------------------------------------------------------------------
# Refused at construction: the argument named, lrkit's error types, quickly.
# ---------------------------------------------------------------------------------------

V, T = InvalidValue, InvalidType
HUGE = 10**400
HUGE_FRACTION = Fraction(10**400, 3)
COUNT = r"<= 2\*\*53 = 9007199254740992"
RATE = r"at most 1e\+300"


def case(
    build: Callable[[], Any], error: type[Exception], argument: str, rule: str, id: str
) -> Any:
    return pytest.param(build, error, argument, rule, id=id)


REFUSED = [
    case(lambda: StepLR(lr=0.1, step_size=HUGE), V, "step_size", COUNT, "StepLR-step_size-huge"),
    case(lambda: StepLR(lr=0.1, step_size=2**53 + 1), V, "step_size", COUNT, "StepLR-2**53+1"),
    case(lambda: StepLR(lr=0.1, step_size=1e300), V, "step_size", COUNT, "StepLR-float-1e300"),
    case(
        lambda: StepLR(lr=0.1, step_size=HUGE_FRACTION),
        V,
        "step_size",
        COUNT,
        "StepLR-step_size-fraction",
    ),
    case(lambda: StepLR(lr=HUGE, step_size=3), V, "lr", RATE, "StepLR-lr-huge"),
    case(lambda: StepLR(lr=1e301, step_size=3), V, "lr", RATE, "StepLR-lr-1e301"),
    case(lambda: StepLR(lr=HUGE_FRACTION, step_size=3), V, "lr", RATE, "StepLR-lr-fraction"),
    case(lambda: StepLR(lr=0.1, step_size=3, gamma=HUGE), V, "gamma", r"finite", "StepLR-gamma"),
    case(lambda: MultiStepLR(lr=0.1, milestones=[5, HUGE]), V, "milestones[1]", COUNT, "MS"),
    case(lambda: ConstantLR(lr=0.1, total_iters=HUGE), V, "total_iters", COUNT, "ConstantLR"),
    case(lambda: LinearLR(lr=0.1, total_iters=2**60), V, "total_iters", COUNT, "LinearLR"),
    case(lambda: PolynomialLR(lr=0.1, total_iters=HUGE), V, "total_iters", COUNT, "PolyLR"),
    case(lambda: PolynomialLR(lr=0.1, power=HUGE), V, "power", r"finite", "PolyLR-power"),
    case(lambda: ExponentialLR(lr=0.1, gamma=HUGE_FRACTION), V, "gamma", r"finite", "ExpLR"),
    case(lambda: ExponentialLR(lr=HUGE, gamma=0.9), V, "lr", RATE, "ExpLR-lr"),
    case(
        lambda: CosineAnnealingLR(lr=0.1, T_max=1e308),
        V,
        "T_max",
        r"at most 2\*\*53",
        "Cosine-T_max-1e308",
    ),
    case(
        lambda: CosineAnnealingLR(lr=0.1, T_max=HUGE),
        V,
        "T_max",
        r"at most 2\*\*53",
        "Cosine-T_max-huge",
    ),
    case(
        lambda: CosineAnnealingLR(lr=0.1, T_max=5e-324),
        V,
        "T_max",
        r"at least 2\.2250738585072014e-308",
        "Cosine-T_max-subnormal",
    ),
    case(lambda: CosineAnnealingLR(lr=0.1, T_max=9, eta_min=HUGE), V, "eta_min", RATE, "eta"),
    case(lambda: CosineAnnealingWarmRestarts(lr=0.1, T_0=HUGE), V, "T_0", COUNT, "WR-T_0"),
    case(
        lambda: CosineAnnealingWarmRestarts(lr=0.1, T_0=3, T_mult=2**53 + 1),
        V,
        "T_mult",
        COUNT,
        "WR-T_mult",
    ),
    case(lambda: CyclicLR(0.01, 0.1, step_size_up=HUGE), V, "step_size_up", COUNT, "Cyc-up"),
    case(
        lambda: CyclicLR(0.01, 0.1, step_size_down=2**53 + 1),
        V,
        "step_size_down",
        COUNT,
        "Cyc-down",
    ),
    case(lambda: CyclicLR(0.01, HUGE), V, "max_lr", RATE, "Cyc-max_lr"),
    case(lambda: CyclicLR(0.01, 0.1, gamma=HUGE), V, "gamma", r"finite", "Cyc-gamma"),
    case(
        lambda: CyclicLR(0.01, 0.1, base_momentum=-1e308),
        V,
        "base_momentum",
        r"between -1e\+300 and 1e\+300",
        "Cyc-base_momentum",
    ),
    case(
        lambda: CyclicLR(0.01, 0.1, max_momentum=HUGE),
        V,
        "max_momentum",
        r"between -1e\+300 and 1e\+300",
        "Cyc-max_momentum",
    ),
    case(lambda: OneCycleLR(max_lr=0.1, total_steps=HUGE), V, "total_steps", COUNT, "1C-total"),
    case(
        lambda: OneCycleLR(max_lr=0.1, epochs=2**40, steps_per_epoch=2**20),
        V,
        "steps_per_epoch",
        r"epochs \* steps_per_epoch <= 2\*\*53",
        "1C-epochs",
    ),
    case(lambda: OneCycleLR(max_lr=HUGE, total_steps=9), V, "max_lr", RATE, "1C-max_lr"),
    case(
        lambda: OneCycleLR(max_lr=10.0, total_steps=100, div_factor=1e-300),
        V,
        "div_factor",
        r"max_lr / div_factor <= 1e\+300",
        "1C-div_factor",
    ),
    case(
        lambda: OneCycleLR(max_lr=0.1, total_steps=100, final_div_factor=1e-303),
        V,
        "final_div_factor",
        r"/ final_div_factor <= 1e\+300",
        "1C-final_div_factor",
    ),
    case(
        lambda: OneCycleLR(max_lr=0.1, total_steps=100, pct_start=HUGE_FRACTION),
        V,
        "pct_start",
        r"a number in \[0, 1\)",
        "1C-pct_start",
    ),
    case(
        lambda: SequentialLR([StepLR(lr=0.1, step_size=3)] * 2, milestones=[HUGE]),
        V,
        "milestones[0]",
        COUNT,
        "Sequential-milestone",
    ),
    case(lambda: LambdaLR(lr=HUGE, lr_lambda="0.9"), V, "lr", RATE, "LambdaLR-lr"),
    case(lambda: MultiplicativeLR(lr=1e301, lr_lambda="0.9"), V, "lr", RATE, "MultLR-lr"),
    case(
        lambda: StepLR(lr=0.1, step_size=10**5000),
        V,
        "step_size",
        COUNT,
        "StepLR-beyond-int-str-limit",
    ),
    case(lambda: StepLR(lr=0.1, step_size=3 + 1j), T, "step_size", r"positive", "complex"),
]


@pytest.mark.parametrize(("build", "error", "argument", "rule"), REFUSED)
def test_numbers_beyond_the_formulas_are_refused(
    build: Callable[[], Any], error: type[Exception], argument: str, rule: str
) -> None:
    started = time.perf_counter()
    with pytest.raises(error) as info:
        build()
    assert time.perf_counter() - started < 0.5  # refused quickly, not after a long sum
    assert type(info.value) is error  # lrkit's own type (never an OverflowError)
    message = str(info.value)
    assert message.startswith(f"{argument} must be "), message
    assert ", got " in message, message
    assert __import__("re").search(rule, message), message
    assert info.value.argument == argument  # type: ignore[attr-defined]


def test_huge_numbers_are_shown_shortly() -> None:
    with pytest.raises(InvalidValue) as info:
        StepLR(lr=0.1, step_size=HUGE)
    assert str(info.value).endswith("... (401 digits)")
    assert len(str(info.value)) < 250
    with pytest.raises(InvalidValue) as info:
        StepLR(lr=0.1, step_size=10**5000)  # beyond Python's int-to-str limit
    assert str(info.value).endswith("got <int of 16610 bits>")


def test_counts_and_rates_at_the_bounds_are_accepted() -> None:
    assert StepLR(lr=1e300, step_size=2**53, gamma=1e10)(2**54) == BIG
    assert CosineAnnealingLR(lr=0.1, T_max=2**53)(2**54) == 0.1
    assert CosineAnnealingLR(lr=0.1, T_max=sys.float_info.min)(3) == 0.1  # a peak: exact
    assert CyclicLR(0.0, 1e300, step_size_up=2**53, base_momentum=-1e300)(2**53) == 1e300
    assert OneCycleLR(max_lr=1e300, total_steps=2**53)(0) == 1e300 / 25
    assert MultiStepLR(lr=0.1, milestones=[2**53])(2**53) == pytest.approx(0.01)


def test_huge_numbers_in_a_config_are_refused() -> None:
    config = json.loads('{"type": "StepLR", "lr": 0.1, "step_size": 1' + "0" * 400 + "}")
    with pytest.raises(InvalidValue, match=r"^step_size must be a positive integer <= 2\*\*53"):
        lrkit.from_config(config)
    config = json.loads('{"type": "CosineAnnealingLR", "lr": 1e400, "T_max": 10}')  # inf
    with pytest.raises(InvalidValue, match=r"^lr must be a finite number >= 0, got inf"):
        lrkit.from_config(config)


# ---------------------------------------------------------------------------------------
# Evaluation never raises OverflowError: a value, or lrkit's InvalidValue about the step.
# ---------------------------------------------------------------------------------------

EVERY_FAMILY: list[Schedule] = [
    StepLR(lr=0.1, step_size=3, gamma=0.5),
    StepLR(lr=0.1, step_size=3, gamma=2.0),
    MultiStepLR(lr=0.1, milestones=[3, 7], gamma=3.0),
    ConstantLR(lr=0.1, factor=0.5, total_iters=4),
    LinearLR(lr=0.1, start_factor=0.5, total_iters=4),
    ExponentialLR(lr=0.1, gamma=0.9),
    ExponentialLR(lr=0.1, gamma=1.1),
    PolynomialLR(lr=0.1, total_iters=10, power=2.0),
    CosineAnnealingLR(lr=0.1, T_max=7.3, eta_min=1e-3),
    CosineAnnealingWarmRestarts(lr=0.1, T_0=3, T_mult=2),
    CyclicLR(base_lr=0.01, max_lr=0.1, step_size_up=4, mode="triangular2"),
    CyclicLR(base_lr=0.01, max_lr=0.1, step_size_up=4, mode="exp_range", gamma=1.5),
    CyclicLR(base_lr=0.01, max_lr=0.1, step_size_up=4, scale_fn=lambda x: 1 / x),
    LambdaLR(lr=0.1, lr_lambda=lambda e: 1 / (1 + e)),
    SequentialLR(
        [LinearLR(lr=0.1, total_iters=3), CosineAnnealingLR(lr=0.1, T_max=9)], milestones=[3]
    ),
    ChainedScheduler([StepLR(lr=0.1, step_size=3, gamma=2.0), ExponentialLR(lr=0.1, gamma=0.9)]),
]
HUGE_STEPS: list[Any] = [
    HUGE,
    2**1024 + 1,
    1e308,
    np.array([1e308, 0.0]),
    np.array([UINT64_MAX, 0], dtype=np.uint64),
    np.array([HUGE, 2**64], dtype=object),
]


@pytest.mark.parametrize("schedule", EVERY_FAMILY, ids=lambda s: repr(s)[:40])
def test_huge_steps_give_finite_values(schedule: Schedule) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for step in HUGE_STEPS:
            value = schedule(step)
            assert np.isfinite(value).all(), (step, value)
    momentum = schedule.momentum
    if momentum is not None:
        assert all(np.isfinite(momentum(step)).all() for step in HUGE_STEPS)


@pytest.mark.parametrize(
    "schedule",
    [
        OneCycleLR(max_lr=0.1, total_steps=100),
        MultiplicativeLR(lr=0.1, lr_lambda="0.9"),
        LambdaLR(lr=0.1, lr_lambda="0.9 ** epoch"),  # an expression computes in float64
    ],
    ids=["OneCycleLR", "MultiplicativeLR", "LambdaLR-expression"],
)
def test_huge_int_steps_beyond_a_schedule_are_refused(schedule: Schedule) -> None:
    started = time.perf_counter()
    with pytest.raises(InvalidValue) as info:
        schedule(HUGE)
    assert time.perf_counter() - started < 0.5
    assert type(info.value) is InvalidValue
    assert str(info.value).startswith("step must be ")
    with pytest.raises(InvalidValue):
        schedule(np.array([HUGE], dtype=object))


def test_negative_huge_steps_are_refused() -> None:
    s = CosineAnnealingLR(lr=0.1, T_max=10)
    with pytest.raises(InvalidValue, match=r"^step must be a finite number >= 0 .*, got -1\.0$"):
        s(-1)
    with pytest.raises(InvalidValue, match=r"^step must be a finite number >= 0 .*digits\)$"):
        s(-HUGE)
    with pytest.raises(InvalidValue, match=r"^step must be a finite number >= 0"):
        s(np.array([-HUGE], dtype=object))


def test_torch_layer_shapes_at_huge_int_steps() -> None:
    """lrkit.torch computes ``rate(shape(t))`` with Python int steps: the same values."""
    for schedule in EVERY_FAMILY:
        for t in (7, 2**53 + 1, INT64_MAX, HUGE):
            assert schedule.rate(schedule.shape(t)) == schedule(t), (schedule, t)
