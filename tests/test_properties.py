"""Property tests (hypothesis) for lrkit's closed-form schedules.

Every family is generated over wide but valid arguments (see ``tests/strategies.py``)
and checked for: finite, non-negative values inside the bounds its formula implies;
scalar evaluation equal to vectorised evaluation; shapes; int/float steps; config, pickle,
hash and repr round trips; monotonicity and periodicity where the formula implies them.
Expected values are computed independently in the test (exact integer / Fraction
arithmetic for the step counts, Python's own ``**`` for powers).

Steps go up to ``2**63 - 1``. The general tests draw steps above 2**53 as the float64
numbers they are in an array (``strategies.float_step``), where their properties hold
exactly. Integer steps above 2**53 that are not float64 numbers (a Python int, an int64
array) are exact since integer steps are computed exactly on the scalar and array paths
(issue 8): the tests that depend on that carry the ``exact_int_steps`` marker
(``pytest -m exact_int_steps``), each with an explicit example that failed before.
"""

from __future__ import annotations

import copy
import json
import math
import os
import pickle
import sys
from fractions import Fraction
from typing import Any

import families  # tests/families.py: every family's strategy
import mpmath
import numpy as np
import pytest
import strategies as sched  # tests/strategies.py (tests/conftest.py puts tests/ on sys.path)
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import lrkit
import lrkit.compose
from lrkit import (
    ChainedScheduler,
    CosineAnnealingLR,
    CosineAnnealingWarmRestarts,
    CyclicLR,
    Momentum,
    OneCycleLR,
    Schedule,
    SequentialLR,
    from_config,
)

#: Examples per property; raise it for a deeper run (``LRKIT_PROPERTY_EXAMPLES=1000``).
EXAMPLES = int(os.environ.get("LRKIT_PROPERTY_EXAMPLES", "50"))
PROPERTY = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
FEW = settings(PROPERTY, max_examples=max(1, EXAMPLES * 3 // 5))

#: Scalar (libm) and vectorised (numpy SIMD) ``power`` may differ by about one ulp.
RTOL = 4e-16
#: Slack for bounds: a weighted mean of two floats may land a few ulps outside them.
BOUND_RTOL = 1e-15
TINY = 1e-300
#: The largest float64: a growing rate saturates there (never inf).
MAX_FLOAT = sys.float_info.max

FAMILY_NAMES = list(families.FAMILIES)


def scalar_values(schedule: Schedule, steps: list[float]) -> np.ndarray[Any, Any]:
    values = [schedule(t) for t in steps]
    assert all(type(v) is float for v in values)
    return np.array(values, dtype=np.float64)


def vector_values(schedule: Schedule, steps: list[float]) -> np.ndarray[Any, Any]:
    out = schedule(np.asarray(steps, dtype=np.float64))
    assert isinstance(out, np.ndarray)
    assert out.dtype == np.float64
    return out


def assert_between(values: Any, low: float, high: float) -> None:
    """Every value in [low, high], up to a few ulps of the larger bound.

    The formulas are weighted means such as ``a + (b - a) * h``: their rounding error is
    a few ulps of ``max(|a|, |b|)``, not of the value (torch computes them the same way).
    """
    v = np.asarray(values, dtype=np.float64)
    lo = min(low, high)
    hi = max(low, high)
    assert not np.isnan(v).any()
    slack = max(abs(lo), abs(hi)) * BOUND_RTOL + TINY
    bad = (v < lo - slack) | (v > hi + slack)
    assert not bad.any(), f"values {v[bad]} outside [{lo!r}, {hi!r}]"


def draw_schedule(data: st.DataObject, family: str) -> tuple[sched.Spec, Schedule]:
    spec = data.draw(families.FAMILIES[family], label="spec")
    return spec, spec.build()


def draw_steps(data: st.DataObject, schedule: Schedule, max_size: int = 12) -> list[float]:
    return data.draw(sched.step_lists(schedule, max_size), label="steps")


def grows(family: str) -> bool:
    return family.endswith("-growth")


# ---------------------------------------------------------------------------------------
# Every family. Each test draws one schedule and a list of steps, then runs several
# named checks on them (drawing is the expensive part of a hypothesis example).
# ---------------------------------------------------------------------------------------


def check_finite_and_non_negative(family: str, schedule: Schedule, steps: list[float]) -> None:
    for values in (scalar_values(schedule, steps), vector_values(schedule, steps)):
        assert not np.isnan(values).any()
        assert (values >= 0).all()
        if not grows(family):  # only a growing gamma may overflow to inf (documented)
            assert np.isfinite(values).all()


def vector_rtol(schedule: Schedule) -> float:
    """How far the numpy path may drift from the scalar one: RTOL per power taken.

    A ChainedScheduler (or a Product) multiplies its children's factors, each of which may
    be one ``power`` ulp off; SequentialLR, Join, Sum and Momentum evaluate one schedule at
    a time (a sum of values >= 0 keeps the largest relative error); a wrapper (``of``) adds
    at most a few ulps of its own.
    """
    children = getattr(schedule, "schedulers", None)
    if isinstance(schedule, (ChainedScheduler, lrkit.Product)):
        return RTOL * len(schedule.schedulers) + sum(vector_rtol(c) for c in schedule.schedulers)
    if children:
        return max(vector_rtol(child) for child in children)
    inner = getattr(schedule, "of", None)
    if isinstance(inner, Schedule) and not isinstance(schedule, Momentum):
        return vector_rtol(inner) + 4 * RTOL
    if isinstance(schedule, lrkit.compose.Preset):
        return vector_rtol(schedule.definition)
    return RTOL


def check_scalar_equals_vectorised(schedule: Schedule, steps: list[float]) -> None:
    np.testing.assert_allclose(
        vector_values(schedule, steps),
        scalar_values(schedule, steps),
        rtol=vector_rtol(schedule),
        atol=TINY,  # rounding among subnormals (a growing scale at a step like 2e-311)
    )


def check_array_shapes(schedule: Schedule, steps: list[float]) -> None:
    flat = vector_values(schedule, steps)
    # 2-D, both ways round, and a list.
    for shape in ((len(steps), 1), (1, len(steps))):
        out = schedule(np.asarray(steps, dtype=np.float64).reshape(shape))
        assert isinstance(out, np.ndarray) and out.shape == shape and out.dtype == np.float64
        np.testing.assert_array_equal(out.ravel(), flat)
    listed = schedule(list(steps))
    assert isinstance(listed, np.ndarray) and listed.shape == (len(steps),)
    np.testing.assert_array_equal(listed, flat)
    # Empty arrays of any shape.
    for shape in ((0,), (0, 3), (2, 0)):
        empty = schedule(np.empty(shape))
        assert isinstance(empty, np.ndarray) and empty.shape == shape
        assert empty.dtype == np.float64
    # 0-d: a float through __call__, a 0-d array through evaluate_array.
    t = steps[0]
    zero_d = schedule(np.array(t))
    assert type(zero_d) is float and np.shape(zero_d) == ()
    assert zero_d == schedule(t)
    as_array = schedule.evaluate_array(np.array(t))
    assert isinstance(as_array, np.ndarray) and as_array.shape == ()
    np.testing.assert_allclose(as_array, schedule(t), rtol=vector_rtol(schedule), atol=0)
    # The input is not modified.
    original = np.asarray(steps, dtype=np.float64)
    kept = original.copy()
    schedule(original)
    np.testing.assert_array_equal(original, kept)


def check_integer_and_float_steps_agree(schedule: Schedule, steps: list[float]) -> None:
    # The same step as an int or a float (every drawn step is a float64 number).
    whole = [int(t) for t in steps]
    assert all(float(k) == k for k in whole)
    for k in whole:
        value = schedule(k)
        assert schedule(float(k)) == value
        assert schedule(np.int64(k)) == value
        assert schedule(np.float64(k)) == value
        if k < 2**31:
            assert schedule(np.array(k, dtype=np.int32)) == value
    as_int = schedule(np.array(whole, dtype=np.int64))
    np.testing.assert_array_equal(as_int, schedule(np.array(whole, dtype=np.float64)))
    small = [k for k in whole if k < 2**31]
    np.testing.assert_array_equal(
        schedule(np.array(small, dtype=np.int64)), schedule(np.array(small, dtype=np.int32))
    )
    np.testing.assert_array_equal(
        schedule(np.array(small, dtype=np.int64)), schedule(np.array(small, dtype=np.uint32))
    )


def check_config_round_trip(schedule: Schedule, steps: list[float]) -> None:
    config = schedule.to_config()
    text = json.dumps(config, allow_nan=False)
    back = from_config(json.loads(text))
    assert type(back) is type(schedule)
    assert back == schedule
    assert hash(back) == hash(schedule)
    assert back.to_config() == config
    np.testing.assert_array_equal(scalar_values(back, steps), scalar_values(schedule, steps))
    np.testing.assert_array_equal(vector_values(back, steps), vector_values(schedule, steps))


def check_pickle_round_trip(schedule: Schedule, steps: list[float]) -> None:
    before = vector_values(schedule, steps)  # fills any cache before pickling
    for protocol in (pickle.DEFAULT_PROTOCOL, pickle.HIGHEST_PROTOCOL):
        back = pickle.loads(pickle.dumps(schedule, protocol=protocol))
        assert back == schedule and hash(back) == hash(schedule)
        np.testing.assert_array_equal(vector_values(back, steps), before)
        np.testing.assert_array_equal(scalar_values(back, steps), scalar_values(schedule, steps))
    clone = copy.deepcopy(schedule)
    assert clone == schedule
    np.testing.assert_array_equal(vector_values(clone, steps), before)


def check_equal_hash_repr_frozen(spec: sched.Spec, schedule: Schedule) -> None:
    twin = spec.build()
    assert twin is not schedule
    assert twin == schedule and hash(twin) == hash(schedule)
    assert len({schedule, twin}) == 1
    text = repr(schedule)
    assert text.startswith(f"{spec.kind}(")
    assert " object at 0x" not in text
    # The repr is the constructor call: it evaluates back to an equal schedule.
    assert eval(text, dict(vars(lrkit))) == schedule
    name = next(iter(sorted(schedule.to_config().keys() - {"type"})))
    with pytest.raises(AttributeError):
        setattr(schedule, name, 1)


@pytest.mark.parametrize("family", FAMILY_NAMES)
@PROPERTY
@given(data=st.data())
def test_values_finite_and_scalar_equals_vectorised(family: str, data: st.DataObject) -> None:
    _, schedule = draw_schedule(data, family)
    steps = draw_steps(data, schedule)
    check_finite_and_non_negative(family, schedule, steps)
    check_scalar_equals_vectorised(schedule, steps)


@pytest.mark.parametrize("family", FAMILY_NAMES)
@FEW
@given(data=st.data())
def test_shapes_and_step_types(family: str, data: st.DataObject) -> None:
    _, schedule = draw_schedule(data, family)
    steps = draw_steps(data, schedule, max_size=6)
    check_array_shapes(schedule, steps)
    check_integer_and_float_steps_agree(schedule, steps)


@pytest.mark.parametrize("family", FAMILY_NAMES)
@PROPERTY
@given(data=st.data())
def test_config_pickle_hash_repr_round_trips(family: str, data: st.DataObject) -> None:
    spec, schedule = draw_schedule(data, family)
    steps = draw_steps(data, schedule, max_size=6)
    check_config_round_trip(schedule, steps)
    check_pickle_round_trip(schedule, steps)
    check_equal_hash_repr_frozen(spec, schedule)


# ---------------------------------------------------------------------------------------
# Bounds and exact values, family by family.
# ---------------------------------------------------------------------------------------


def exact_floor_div(t: float, size: int) -> int:
    return math.floor(Fraction(t) / size)


@PROPERTY
@given(data=st.data())
def test_step_lr_value_and_bounds(data: st.DataObject) -> None:
    spec = data.draw(sched.step_lr())
    s = spec.build()
    lr, size, gamma = spec.kwargs["lr"], spec.kwargs["step_size"], spec.kwargs["gamma"]
    steps = draw_steps(data, s)
    values = scalar_values(s, steps)
    for t, v in zip(steps, values, strict=True):
        k = exact_floor_div(t, size)
        # lr * gamma^k, and so between lr * gamma^(t/s) and lr * gamma^(t/s - 1).
        assert v == pytest.approx(lr * gamma**k, rel=RTOL, abs=TINY)
        if 0 < gamma:
            assert_between(v, lr * gamma ** (t / size), lr * gamma ** max(t / size - 1, 0))
    assert_between(values, 0.0, lr)


@PROPERTY
@given(data=st.data())
def test_multi_step_lr_value_and_bounds(data: st.DataObject) -> None:
    spec = data.draw(sched.multi_step_lr())
    s = spec.build()
    lr, milestones, gamma = (spec.kwargs[k] for k in ("lr", "milestones", "gamma"))
    steps = draw_steps(data, s) + [float(m) for m in milestones] + [m - 0.5 for m in milestones]
    steps = [t for t in steps if t >= 0]
    values = scalar_values(s, steps)
    for t, v in zip(steps, values, strict=True):
        passed = sum(1 for m in milestones if m <= t)
        assert v == pytest.approx(lr * gamma**passed, rel=RTOL, abs=TINY)
    assert_between(values, lr * gamma ** len(milestones), lr)


@PROPERTY
@given(data=st.data())
def test_constant_lr_values(data: st.DataObject) -> None:
    spec = data.draw(sched.constant_lr())
    s = spec.build()
    lr, factor, total = (spec.kwargs[k] for k in ("lr", "factor", "total_iters"))
    steps = [*draw_steps(data, s), total - 1, total - 0.5, total, total + 0.5]
    for t, v in zip(steps, scalar_values(s, steps), strict=True):
        assert v == (lr * factor if t < total else lr)


@PROPERTY
@given(data=st.data())
def test_linear_lr_bounds_ends_and_monotone(data: st.DataObject) -> None:
    spec = data.draw(sched.linear_lr())
    s = spec.build()
    lr, start, end, total = (
        spec.kwargs[k] for k in ("lr", "start_factor", "end_factor", "total_iters")
    )
    assert s(0) == lr * start
    assert s(total) == lr * end
    assert s(total + 1) == lr * end
    steps = sorted([*draw_steps(data, s), 0, total / 2, total])
    for values in (scalar_values(s, steps), vector_values(s, steps)):
        assert_between(values, lr * start, lr * end)
        diffs = np.diff(values)
        slack = lr * max(start, end) * BOUND_RTOL + TINY  # TINY: rounding among subnormals
        # Monotone toward end_factor (within rounding when the factors are close).
        if end >= start:
            assert (diffs >= -slack).all()
        else:
            assert (diffs <= slack).all()


@PROPERTY
@given(data=st.data())
def test_exponential_lr_decay_value_bounds_monotone(data: st.DataObject) -> None:
    spec = data.draw(sched.exponential_lr())
    s = spec.build()
    lr, gamma = spec.kwargs["lr"], spec.kwargs["gamma"]
    steps = sorted(draw_steps(data, s))
    for values in (scalar_values(s, steps), vector_values(s, steps)):
        assert_between(values, 0.0, lr)
        assert (np.diff(values) <= 0).all()  # gamma <= 1: non-increasing
        for t, v in zip(steps, values, strict=True):
            assert v == pytest.approx(lr * gamma**t, rel=RTOL, abs=TINY)


@PROPERTY
@given(data=st.data())
def test_exponential_lr_growth_saturates_quietly(data: st.DataObject) -> None:
    """gamma > 1: lr * gamma ** t (exact maths, mpmath) to the documented 1e-13, until it
    passes the largest float64, where the rate stays (never inf, never NaN; lr 0 stays 0)."""
    spec = data.draw(sched.exponential_lr(sched.lrs(), sched.growth_gammas()))
    s = spec.build()
    lr, gamma = spec.kwargs["lr"], spec.kwargs["gamma"]
    steps = sorted(draw_steps(data, s))
    for values in (scalar_values(s, steps), vector_values(s, steps)):
        assert (values[1:] >= values[:-1]).all()  # gamma > 1: non-decreasing
        for t, v in zip(steps, values, strict=True):
            with mpmath.workdps(40):
                expected = mpmath.mpf(lr) * mpmath.mpf(gamma) ** mpmath.mpf(t)
            if expected > MAX_FLOAT * (1 + 1e-13):
                assert v == MAX_FLOAT, (t, v)
            else:
                assert abs(v - min(expected, MAX_FLOAT)) <= 1e-13 * expected, (t, v)
    if lr == 0:
        assert s(10**7) == 0.0 and s(np.array([2**62]))[0] == 0.0


@PROPERTY
@given(data=st.data())
def test_polynomial_lr_bounds_monotone_end(data: st.DataObject) -> None:
    spec = data.draw(sched.polynomial_lr())
    s = spec.build()
    lr, total, power = (spec.kwargs[k] for k in ("lr", "total_iters", "power"))
    assert s(0) == lr
    assert s(total) == (lr if power == 0 else 0.0)
    steps = sorted([*draw_steps(data, s), total - 1, total])
    for values in (scalar_values(s, steps), vector_values(s, steps)):
        assert_between(values, 0.0, lr)
        assert (np.diff(values) <= 0).all()
    for t, v in zip(steps, scalar_values(s, steps), strict=True):
        remaining = (total - min(t, total)) / total
        assert v == pytest.approx(lr * remaining**power, rel=1e-15, abs=TINY)


@PROPERTY
@given(data=st.data())
def test_cosine_bounds_ends_and_monotone_half_period(data: st.DataObject) -> None:
    spec = data.draw(sched.cosine_annealing_lr())
    s = spec.build()
    assert isinstance(s, CosineAnnealingLR)
    lr, t_max, eta_min = (spec.kwargs[k] for k in ("lr", "T_max", "eta_min"))
    assert s(0) == lr
    assert s(t_max) == eta_min
    steps = draw_steps(data, s)
    for values in (scalar_values(s, steps), vector_values(s, steps)):
        assert_between(values, lr, eta_min)
    first_half = [*sorted(t for t in steps if t <= t_max), t_max]
    diffs = np.diff(scalar_values(s, first_half))
    slack = max(lr, eta_min) * BOUND_RTOL
    if lr >= eta_min:
        assert (diffs <= slack).all()
    else:  # eta_min > lr: a cosine warm-up
        assert (diffs >= -slack).all()


#: Steps t such that t + 2 * 5 * 10**6 is still a float64 number (at most 2**53).
PERIODIC_STEPS = st.one_of(
    st.integers(0, 10**7),
    st.integers(0, 2**53 - 10**7),
    st.integers(0, 4 * 10**7).map(lambda n: n / 4),
    st.integers(0, 4 * (2**51 - 10**7)).map(lambda n: n / 4),
)


@PROPERTY
@given(
    spec=sched.cosine_annealing_lr(t_max=st.integers(1, 10**6)),
    t=PERIODIC_STEPS,
    k=st.integers(1, 5),
)
def test_cosine_periodic_and_symmetric(spec: sched.Spec, t: float, k: int) -> None:
    s = spec.build()
    t_max = spec.kwargs["T_max"]
    # Period 2 * T_max, exactly (the modulo is exact).
    assert s(t + 2 * k * t_max) == s(t)
    shifted = s(np.array([t, t + 2 * k * t_max]))
    assert shifted[0] == shifted[1]
    # Symmetric about the trough: past T_max it climbs back, as torch's does.
    d = t % t_max
    assert s(t_max + d) == s(t_max - d)


@PROPERTY
@given(data=st.data())
def test_warm_restarts_bounds_and_restarts(data: st.DataObject) -> None:
    spec = data.draw(sched.cosine_warm_restarts())
    s = spec.build()
    assert isinstance(s, CosineAnnealingWarmRestarts)
    lr, t0, mult, eta_min = (spec.kwargs[k] for k in ("lr", "T_0", "T_mult", "eta_min"))
    steps = draw_steps(data, s)
    for values in (scalar_values(s, steps), vector_values(s, steps)):
        assert_between(values, lr, eta_min)
    # Every restart (computed with exact integers) up to 2**53 is back at lr.
    start, size = 0, t0
    restarts = []
    while start <= sched.EXACT_FLOAT_INT and len(restarts) < 40:
        restarts.append(start)
        start, size = start + size, size * mult
    assert (scalar_values(s, restarts) == lr).all()
    assert (vector_values(s, restarts) == lr).all()
    t = steps[0]
    if mult == 1 and Fraction(t + t0) == Fraction(t) + t0:  # t + T_0 is exactly that step
        assert s(t + t0) == s(t)


@PROPERTY
@given(data=st.data())
def test_cyclic_bounds_for_built_in_modes(data: st.DataObject) -> None:
    spec = data.draw(sched.cyclic_lr(custom_scale=st.just(False)))
    s = spec.build()
    assert isinstance(s, CyclicLR)
    assert s(0) == s.base_lr
    steps = draw_steps(data, s)
    for values in (scalar_values(s, steps), vector_values(s, steps)):
        assert_between(values, s.base_lr, s.max_lr)
    # Peak of the first cycle: max_lr (the scale is 1 there in every built-in mode but
    # exp_range, where it is gamma ** step_size_up).
    peak = s(s.step_size_up)
    scale = s.gamma**s.step_size_up if s.mode == "exp_range" else 1.0
    expected = s.base_lr + (s.max_lr - s.base_lr) * scale
    assert peak == pytest.approx(expected, rel=BOUND_RTOL, abs=TINY)
    if s.momentum is not None:
        m = s.momentum
        for values in (scalar_values(m, steps), vector_values(m, steps)):
            assert_between(values, s.base_momentum, s.max_momentum)


@PROPERTY
@given(data=st.data())
def test_cyclic_custom_scale_in_unit_interval_stays_in_bounds(data: st.DataObject) -> None:
    spec = data.draw(sched.cyclic_lr(custom_scale=st.just(True)))
    s = spec.build()
    steps = draw_steps(data, s)
    for values in (scalar_values(s, steps), vector_values(s, steps)):
        assert_between(values, s.base_lr, s.max_lr)


@PROPERTY
@given(
    spec=sched.cyclic_lr(mode=st.just("triangular"), custom_scale=st.just(False)),
    t=PERIODIC_STEPS,
    k=st.integers(1, 50),
)
def test_cyclic_triangular_periodic(spec: sched.Spec, t: float, k: int) -> None:
    s = spec.build()
    assert isinstance(s, CyclicLR)
    period = s.total_size
    assert s(t + k * period) == s(t)
    both = s(np.array([t, t + k * period]))
    assert both[0] == both[1]
    if s.momentum is not None:
        assert s.momentum(t + k * period) == s.momentum(t)


@PROPERTY
@given(data=st.data())
def test_one_cycle_bounds_and_anchors(data: st.DataObject) -> None:
    spec = data.draw(sched.one_cycle_lr())
    s = spec.build()
    assert isinstance(s, OneCycleLR)
    total = s.steps
    anchors = (s.initial_lr, s.max_lr, s.min_lr)
    steps = [*draw_steps(data, s), 0, total - 1, total]
    for values in (scalar_values(s, steps), vector_values(s, steps)):
        assert_between(values, min(anchors), max(anchors))
    # Independent anchors: initial lr at 0, the peak at the end of the warm-up, min_lr
    # at the last step (and held at total_steps, where torch extrapolates).
    warm_end = s.pct_start * total - 1
    if warm_end > 0:
        assert s(0) == pytest.approx(s.max_lr / s.div_factor, rel=RTOL)
        assert s(warm_end) == s.max_lr
    assert s(total - 1) == pytest.approx(s.max_lr / s.div_factor / s.final_div_factor, rel=RTOL)
    assert s(total) == s(total - 1)
    if s.momentum is not None:
        m = s.momentum
        for values in (scalar_values(m, steps), vector_values(m, steps)):
            assert_between(values, s.base_momentum, s.max_momentum)


@PROPERTY
@given(data=st.data())
def test_momentum_between_its_bounds(data: st.DataObject) -> None:
    spec = data.draw(sched.momentum())
    m = spec.build()
    assert isinstance(m, Momentum)
    assert m == m.of.momentum
    steps = draw_steps(data, m)
    for values in (scalar_values(m, steps), vector_values(m, steps)):
        assert_between(values, m.of.base_momentum, m.of.max_momentum)


@PROPERTY
@given(data=st.data())
def test_sequential_is_each_child_from_its_milestone(data: st.DataObject) -> None:
    spec = data.draw(sched.sequential_lr())
    s = spec.build()
    assert isinstance(s, SequentialLR)
    steps = draw_steps(data, s) + [float(m) for m in s.milestones]
    starts = [0, *s.milestones]
    for t, v in zip(steps, scalar_values(s, steps), strict=True):
        index = max(i for i, start in enumerate(starts) if start <= t)
        # The child's own step, exactly (above 2**53 a float t - start may round).
        local = int(t) - starts[index] if float(t).is_integer() else t - starts[index]
        assert v == s.schedulers[index](local)


@PROPERTY
@given(data=st.data())
def test_chained_is_product_of_factors(data: st.DataObject) -> None:
    spec = data.draw(sched.chained_scheduler())
    s = spec.build()
    assert isinstance(s, ChainedScheduler)
    lr = s.lr
    steps = draw_steps(data, s)
    values = scalar_values(s, steps)
    assert_between(values, 0.0, lr)
    for t, v in zip(steps, values, strict=True):
        if lr == 0:
            assert v == 0.0
            continue
        expected = lr
        for child in s.schedulers:
            expected *= child(t) / lr
        assert v == pytest.approx(expected, rel=2e-15, abs=TINY)


# ---------------------------------------------------------------------------------------
# Bugs found here once, kept as regression tests.
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "schedule",
    [
        lrkit.ExponentialLR(lr=0.0, gamma=2.0),
        lrkit.StepLR(lr=0.0, step_size=1, gamma=2.0),
    ],
    ids=["ExponentialLR", "StepLR"],
)
def test_zero_lr_with_growth_stays_zero(schedule: Schedule) -> None:
    assert schedule(5000) == 0.0
    assert schedule(np.array([5000.0]))[0] == 0.0


@pytest.mark.parametrize(
    "schedule",
    [
        SequentialLR(
            [
                lrkit.ConstantLR(lr=1.0, factor=0.5, total_iters=2),
                lrkit.MultiplicativeLR(lr=1.0, lr_lambda="0.5"),
            ],
            milestones=[2],
        ),
        ChainedScheduler(
            [lrkit.StepLR(lr=1.0, step_size=3), lrkit.MultiplicativeLR(lr=1.0, lr_lambda="0.5")]
        ),
    ],
    ids=["SequentialLR", "ChainedScheduler"],
)
def test_composite_rejects_fractional_step_of_multiplicative_child(schedule: Schedule) -> None:
    with pytest.raises(ValueError, match="whole number"):
        schedule(4.5)


def test_chained_zero_lr_with_multiplicative_child() -> None:
    s = ChainedScheduler(
        [lrkit.StepLR(lr=0.0, step_size=3), lrkit.MultiplicativeLR(lr=0.0, lr_lambda="0.5")]
    )
    assert s(2) == 0.0
    assert s(np.array([2]))[0] == 0.0


@pytest.mark.parametrize("family", ["OneCycleLR", "SequentialLR", "CosineAnnealingWarmRestarts"])
@settings(max_examples=30, deadline=None, database=None)
@given(data=st.data())
def test_sorted_and_shuffled_steps_agree(family: str, data: st.DataObject) -> None:
    """A sorted array of steps (a curve) takes a faster path through piecewise schedules;
    the same steps in any order give the same values."""
    _, schedule = draw_schedule(data, family)
    near_edges = [int(b) + d for b in schedule.breakpoints for d in (-1, 0, 1) if 0 <= int(b) + d]
    limit = schedule.last_step
    drawn = [int(t) for t in draw_steps(data, schedule, max_size=30)] + [
        t for t in near_edges if limit is None or t <= limit
    ]
    steps = np.array(sorted(drawn))
    order = np.random.default_rng(0).permutation(steps.size)
    assert np.array_equal(schedule(steps)[order], schedule(steps[order]))


# ---------------------------------------------------------------------------------------
# Integer steps above 2**53, up to 2**63 - 1: exact integer arithmetic on both paths.
# ---------------------------------------------------------------------------------------


def int_values(schedule: Schedule, t: int) -> tuple[float, float]:
    """``schedule`` at the integer step ``t``: by the scalar path and in an int64 array."""
    return schedule(t), float(schedule(np.array([t], dtype=np.int64))[0])


@pytest.mark.exact_int_steps
@pytest.mark.parametrize("family", FAMILY_NAMES)
@FEW
@given(data=st.data())
def test_huge_integer_steps_scalar_equals_int64_array(family: str, data: st.DataObject) -> None:
    """A Python int and an int64 array give the same value at any integer step up to
    2**63 - 1 (whole numbers, for the schedules defined for every step)."""
    _, schedule = draw_schedule(data, family)
    limit, _ = sched.step_limit(schedule)
    steps = data.draw(st.lists(sched.huge_int_steps(), min_size=1, max_size=6), label="steps")
    steps = [t for t in steps if t <= limit]
    # A power of a huge step (gamma ** t) magnifies the rounding of each path: each is
    # within the documented 1e-13 of the exact value. (The periodic families, exact, are
    # compared with == below.)
    for t in steps:
        scalar, array = int_values(schedule, t)
        assert type(scalar) is float and not math.isnan(scalar)
        np.testing.assert_allclose(array, scalar, rtol=2e-13, atol=0)
    if steps:
        out = schedule(np.array(steps, dtype=np.int64))
        np.testing.assert_allclose(out, [schedule(t) for t in steps], rtol=2e-13, atol=0)


@pytest.mark.exact_int_steps
@PROPERTY
@given(data=st.data())
def test_huge_integer_steps_past_the_end(data: st.DataObject) -> None:
    """Schedules that are constant after their last change: exact at any integer step."""
    spec = data.draw(
        st.one_of(sched.constant_lr(), sched.linear_lr(), sched.polynomial_lr(),
                  sched.multi_step_lr()),
        label="spec",
    )  # fmt: skip
    s = spec.build()
    t = data.draw(sched.huge_int_steps(), label="t")
    lr = spec.kwargs["lr"]
    expected = {
        "ConstantLR": lambda: lr,
        "LinearLR": lambda: lr * spec.kwargs["end_factor"],
        "PolynomialLR": lambda: lr if spec.kwargs["power"] == 0 else 0.0,
        "MultiStepLR": lambda: s(max(spec.kwargs["milestones"], default=0)),
    }[spec.kind]()
    assert int_values(s, t) == (expected, expected)


@pytest.mark.exact_int_steps
@PROPERTY
@given(spec=sched.cosine_annealing_lr(t_max=st.integers(1, 10**6)), t=sched.huge_int_steps())
@example(spec=sched.Spec("CosineAnnealingLR", {"lr": 0.1, "T_max": 7, "eta_min": 0.0}), t=2**63 - 1)
def test_cosine_at_any_integer_step(spec: sched.Spec, t: int) -> None:
    s = spec.build()
    reduced = t % (2 * spec.kwargs["T_max"])  # the period, in exact integers
    assert int_values(s, t) == (s(reduced), s(reduced))


@pytest.mark.exact_int_steps
@PROPERTY
@given(
    spec=sched.cyclic_lr(mode=st.just("triangular"), custom_scale=st.just(False)),
    t=sched.huge_int_steps(),
)
@example(
    spec=sched.Spec("CyclicLR", {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 7}),
    t=2**53 + 1,
)
def test_cyclic_triangular_at_any_integer_step(spec: sched.Spec, t: int) -> None:
    s = spec.build()
    assert isinstance(s, CyclicLR)
    reduced = t % s.total_size
    assert int_values(s, t) == (s(reduced), s(reduced))
    if s.momentum is not None:
        m = s.momentum
        assert int_values(m, t) == (m(reduced), m(reduced))


@pytest.mark.exact_int_steps
@PROPERTY
@given(
    t0=st.integers(1, 10**4),
    t_mult=st.integers(1, 5),
    t=sched.huge_int_steps(),
    offset=st.integers(0, 3),
)
@example(t0=1, t_mult=3, t=2**53 + 1, offset=0)
def test_warm_restarts_at_any_integer_step(t0: int, t_mult: int, t: int, offset: int) -> None:
    """A restart above 2**53 (found with exact integers) is back at lr, and ``offset``
    steps later the rate is ``offset`` into a cycle of that length."""
    s = CosineAnnealingWarmRestarts(lr=0.1, T_0=t0, T_mult=t_mult)
    if t_mult == 1:  # every cycle alike: a restart below the drawn step (room for offset)
        start, size = (t - 4) - (t - 4) % t0, t0
    else:  # the first restart above 2**53
        start, size = 0, t0
        while start <= sched.EXACT_FLOAT_INT:
            start, size = start + size, size * t_mult
    assert int_values(s, start) == (0.1, 0.1)
    position = offset % size
    with mpmath.workdps(40):
        exact = mpmath.mpf(0.1) * (1 + mpmath.cos(mpmath.pi * position / size)) / 2
        for value in int_values(s, start + offset):
            assert abs(value - exact) <= 1e-16 + 1e-13 * exact, (value, exact)


@pytest.mark.exact_int_steps
@PROPERTY
@given(
    shift=st.integers(1, 10**6),
    t_max=st.integers(1, 10**6),
    t=sched.huge_int_steps(),
)
@example(shift=3, t_max=1, t=2**53 + 4)
def test_sequential_at_any_integer_step(shift: int, t_max: int, t: int) -> None:
    """A SequentialLR evaluates its last child at t - milestone: above 2**53 that is not
    always a float64 number (2**53 + 4 - 3), so this needs exact integer steps."""
    child = lrkit.CosineAnnealingLR(lr=1e-4, T_max=t_max)
    s = SequentialLR([lrkit.ConstantLR(lr=1e-4, factor=0.0, total_iters=1), child], [shift])
    expected = child((t - shift) % (2 * t_max))  # the period, in exact integers
    assert int_values(s, t) == (expected, expected)


@pytest.mark.exact_int_steps
def test_sequential_float_step_above_2_53_is_its_integer_step() -> None:
    """A float step above 2**53 is an integer: SequentialLR evaluates its child at the
    exact t - milestone (2**53 + 4.0 - 3 is odd), not at a rounded float (once 2**53)."""
    child = lrkit.CosineAnnealingLR(lr=1e-4, T_max=1)
    s = SequentialLR([lrkit.ConstantLR(lr=1e-4, factor=0.0, total_iters=1), child], [3])
    t = 2**53 + 4
    assert float(t) == t
    assert s(t) == child(1) == 0.0  # odd: the trough
    assert s(float(t)) == s(t)
    assert s(np.array([float(t)]))[0] == s(t)


# ---------------------------------------------------------------------------------------
# CyclicLR exp_range with gamma > 1: accepted (as torch accepts it) and kept finite. Once
# NaN (0 * inf) where the amplitude is 0; now the CyclicLR-growth family of
# tests/strategies.py draws it, and these pin the edges.
# ---------------------------------------------------------------------------------------


@PROPERTY
@given(data=st.data())
def test_cyclic_exp_range_growth_is_finite_and_base_lr_at_cycle_starts(
    data: st.DataObject,
) -> None:
    spec = data.draw(sched.cyclic_lr(growth=True), label="spec")
    s = spec.build()
    assert isinstance(s, CyclicLR) and s.mode == "exp_range" and s.gamma > 1
    steps = draw_steps(data, s)
    for values in (scalar_values(s, steps), vector_values(s, steps)):
        assert_between(values, s.base_lr, MAX_FLOAT)  # never inf, never NaN
    starts = [k * s.total_size for k in (0, 1, 7, 10**6, 10**12)]
    assert (scalar_values(s, starts) == s.base_lr).all()
    assert (vector_values(s, starts) == s.base_lr).all()
    if s.momentum is not None:
        m = s.momentum
        for values in (scalar_values(m, steps), vector_values(m, steps)):
            assert np.isfinite(values).all()
        assert (scalar_values(m, starts) == s.max_momentum).all()


def test_cyclic_exp_range_growth_with_no_amplitude_is_base_lr() -> None:
    # base_lr == max_lr: the rate is base_lr at every step (0 times any scale); NaN once
    # from step 1208 on, where 1.8 ** t leaves float64's range.
    s = CyclicLR(
        base_lr=0.1, max_lr=0.1, step_size_up=19, step_size_down=41, mode="exp_range", gamma=1.8
    )
    steps = [0, 59, 1207, 1208, 5000, 5001, 10**7, 2**63 - 1]
    assert [s(t) for t in steps] == [0.1] * len(steps)
    assert s(np.array(steps, dtype=np.int64)).tolist() == [0.1] * len(steps)
    assert s(np.array(steps[:-1], dtype=np.float64)).tolist() == [0.1] * (len(steps) - 1)


def test_cyclic_exp_range_growth_momentum_with_no_amplitude_is_its_momentum() -> None:
    s = CyclicLR(
        base_lr=0.01, max_lr=0.1, step_size_up=10, mode="exp_range", gamma=2.0,
        base_momentum=0.9, max_momentum=0.9,
    )  # fmt: skip
    assert s.momentum is not None
    steps = [0, 5, 1999, 2000, 10**7]
    assert [s.momentum(t) for t in steps] == [0.9] * len(steps)  # 1999: NaN once
    assert s.momentum(np.array(steps)).tolist() == [0.9] * len(steps)
    assert s(1999) == MAX_FLOAT and s(2000) == 0.01


def test_cyclic_exp_range_growth_below_base_lr_goes_negative_as_torchs() -> None:
    """max_lr < base_lr inverts the triangle: the rate goes negative as torch's does (the
    same values while torch's are finite), then saturates at -1.8e308 where torch's is
    -inf; every cycle still starts at base_lr."""
    import torch

    s = CyclicLR(base_lr=0.1, max_lr=0.01, step_size_up=10, mode="exp_range", gamma=2.0)
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    theirs = torch.optim.lr_scheduler.CyclicLR(
        opt, base_lr=0.1, max_lr=0.01, step_size_up=10, mode="exp_range", gamma=2.0,
        cycle_momentum=False,
    )  # fmt: skip
    expected = [opt.param_groups[0]["lr"]]
    for _ in range(300):
        opt.step()
        theirs.step()
        expected.append(opt.param_groups[0]["lr"])
    np.testing.assert_allclose(s(np.arange(301)), expected, rtol=1e-12, atol=0)
    assert s(5) == pytest.approx(0.1 + (0.01 - 0.1) * 0.5 * 2.0**5, rel=1e-15)  # -1.34
    assert s(1999) == -MAX_FLOAT and s(np.array([1999]))[0] == -MAX_FLOAT
    assert s(2000) == 0.1 and s(10**7) == 0.1


def test_hypothesis_writes_nothing_into_the_repository() -> None:
    """tests/conftest.py: no example database, hypothesis's files in a temporary folder."""
    from hypothesis.configuration import storage_directory

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    assert settings().database is None
    assert settings.default.database is None
    where = storage_directory("constants")
    home = os.path.abspath(os.fspath(getattr(where, "path", where)))  # a Path in older versions
    assert not home.startswith(root + os.sep), home
