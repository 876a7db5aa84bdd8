"""The decay schedules (lrkit.core._decay) against exact maths, and their properties.

Each schedule's value is compared with its definition evaluated here with mpmath (50
digits; float arguments and float steps taken at their exact binary value), written from
the papers' and peer libraries' formulas, not from lrkit's code: at steps 0..50, around
every boundary, at random whole and fractional steps up to 10^7 and at 10^7 itself, by the
scalar path (a Python int or float) and in int64 and float64 arrays. Required: absolute
error <= 1e-16 at the scale of lr 0.1 (1e-15 * max(lr, final_lr, |exact|)) and relative
error <= 1e-13 where the exact value is a normal float64 number (as tests/test_exact.py).

Then hypothesis properties (values between the ends, monotone where the docstrings say so,
continuity at ``total_steps``, the held value at any whole step up to 2**63 - 1), every
bad argument refused at construction with a message naming it, and config round trips.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
import os
import sys
from collections.abc import Callable
from typing import Any

import mpmath
import numpy as np
import pytest
import strategies  # tests/strategies.py (Spec)
import strategies_decay as decay_strategies  # tests/strategies_decay.py
from hypothesis import given, settings
from hypothesis import strategies as st

import lrkit
from lrkit import (
    Constant,
    CosineDecay,
    ExponentialDecay,
    InverseSqrt,
    InverseTimeDecay,
    KDecay,
    LinearDecay,
    PolynomialDecay,
    Rex,
    Schedule,
    Tanh,
    from_config,
)

M = mpmath.mpf
DPS = 50
LIMIT = 10**7
ABS_TOL = 1e-15  # times the scale: 1e-16 at lr 0.1
REL_TOL = 1e-13
#: Below this an exact value is not a normal float64: only the absolute error counts.
NORMAL = 1e-290
EPS = 2.0**-52
MAX_FLOAT = sys.float_info.max
HUGE_STEPS = (2**53 + 1, 2**62, 2**62 + 3, 10**18 + 7, 2**63 - 1)

Exact = Callable[[Any], Any]  # an mpf step -> mpf value

#: Examples per property; raise it for a deeper run (``LRKIT_PROPERTY_EXAMPLES=1000``).
FAST = settings(
    max_examples=int(os.environ.get("LRKIT_PROPERTY_EXAMPLES", "60")), deadline=None, database=None
)


# -- exact definitions (mpmath) ----------------------------------------------------------


def clip(t: Any, total: int) -> Any:
    return min(t, M(total))


def between(lr: float, final: float, weight_of_lr: Any) -> Any:
    """final + (lr - final) * weight, exactly."""
    return M(final) + (M(lr) - M(final)) * weight_of_lr


def exact_constant(lr: float) -> Exact:
    return lambda t: M(lr)


def exact_linear(lr: float, total: int, final: float) -> Exact:
    return lambda t: between(lr, final, 1 - clip(t, total) / total)


def exact_cosine(lr: float, total: int, final: float, exponent: float) -> Exact:
    def value(t: Any) -> Any:
        w = (1 + mpmath.cos(mpmath.pi * clip(t, total) / total)) / 2
        return between(lr, final, w ** M(exponent))

    return value


def exact_kdecay(lr: float, total: int, k: float, final: float) -> Exact:
    def value(t: Any) -> Any:
        progress = clip(t, total) ** M(k) / M(total) ** M(k)
        return between(lr, final, (1 + mpmath.cos(mpmath.pi * progress)) / 2)

    return value


def exact_inverse_sqrt(lr: float, timescale: float) -> Exact:
    return lambda t: M(lr) * mpmath.sqrt(M(timescale) / (t + M(timescale)))


def exact_rex(lr: float, total: int, final: float) -> Exact:
    def value(t: Any) -> Any:
        z = clip(t, total) / total
        return between(lr, final, (1 - z) / (1 - z / 2))

    return value


def exact_tanh(lr: float, total: int, final: float, lower: float, upper: float) -> Exact:
    def value(t: Any) -> Any:
        x = M(lower) + (M(upper) - M(lower)) * clip(t, total) / total
        return between(lr, final, (1 - mpmath.tanh(x)) / 2)

    return value


def exact_exponential(
    lr: float,
    decay_steps: int,
    decay_rate: float,
    staircase: bool = False,
    start_step: int = 0,
    final_lr: float | None = None,
) -> Exact:
    rate, start, final = decay_rate, start_step, final_lr

    def value(t: Any) -> Any:
        if t < start:
            v = M(lr)
        else:
            p = (t - start) / M(decay_steps)
            if staircase:
                p = mpmath.floor(p)
            v = M(lr) * M(rate) ** p
        if final is None or rate == 1.0:
            return v
        return max(v, M(final)) if rate < 1.0 else min(v, M(final))

    return value


def exact_inverse_time(lr: float, decay_steps: int, rate: float, staircase: bool = False) -> Exact:
    def value(t: Any) -> Any:
        p = t / M(decay_steps)
        if staircase:
            p = mpmath.floor(p)
        return M(lr) / (1 + M(rate) * p)

    return value


def exact_polynomial(
    lr: float, total: int, final: float, power: float, cycle: bool = False
) -> Exact:
    def value(t: Any) -> Any:
        if cycle:
            horizon = M(total) * (1 if t == 0 else mpmath.ceil(t / total))
            z = t / horizon
        else:
            z = clip(t, total) / total
        return between(lr, final, (1 - z) ** M(power))

    return value


# -- cases -----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Case:
    id: str
    schedule: Schedule
    exact: Exact


def _cases() -> list[Case]:
    cases: list[Case] = []

    def add(schedule: Schedule, exact: Exact) -> None:
        cases.append(Case(f"{len(cases):02d}-{schedule!r}"[:110], schedule, exact))

    for lr in (0.1, 3e-4):
        add(Constant(lr=lr), exact_constant(lr))
    for lr, total, final in [
        (0.1, LIMIT, 0.0),
        (0.1, 123_457, 1e-3),
        (0.1, 1, 0.0),
        (0.1, 10**6, 0.5),  # a rise
        (0.0, LIMIT, 0.1),  # a rise from 0
        (0.1, 2**53, 1e-5),
    ]:
        add(LinearDecay(lr=lr, total_steps=total, final_lr=final), exact_linear(lr, total, final))
        add(Rex(lr=lr, total_steps=total, final_lr=final), exact_rex(lr, total, final))
    for lr, total, final, exponent in [
        (0.1, LIMIT, 0.0, 1.0),
        (0.1, 10**5, 1e-3, 1.0),
        (0.1, LIMIT, 0.0, 2.0),
        (0.1, 999_999, 1e-4, 0.5),
        (0.1, LIMIT, 1.0, 3.0),  # a rise
        (0.0, 10**6, 0.1, 0.3),  # a rise from 0
        (0.1, 10**4, 0.0, 100.0),
        (0.1, 777, 0.0, 0.01),
    ]:
        add(
            CosineDecay(lr=lr, total_steps=total, final_lr=final, exponent=exponent),
            exact_cosine(lr, total, final, exponent),
        )
    for lr, total, k, final in [
        (0.1, LIMIT, 2.0, 0.0),
        (0.1, LIMIT, 0.5, 1e-3),
        (0.1, 123_457, 5.0, 0.0),
        (0.1, 10**6, 3.0, 1.0),  # a rise
        (0.0, LIMIT, 0.1, 0.1),  # a rise from 0
        (0.1, 10**5, 1.0, 0.0),
        (0.1, LIMIT, 100.0, 0.0),
        (0.1, 10**6, 0.01, 0.0),
    ]:
        add(
            KDecay(lr=lr, total_steps=total, k=k, final_lr=final), exact_kdecay(lr, total, k, final)
        )
    for lr, timescale in [(0.1, 1), (0.1, 4000), (0.1, 0.5), (1e-3, 2**53), (0.1, 1e-3)]:
        add(InverseSqrt(lr=lr, timescale=timescale), exact_inverse_sqrt(lr, timescale))
    for lr, total, final, lower, upper in [
        (0.1, LIMIT, 0.0, -7.0, 3.0),
        (0.1, 10**5, 1e-3, -3.0, 3.0),
        (0.1, 10**6, 0.0, -40.0, 40.0),
        (1e-3, 10**6, 0.1, -7.0, 3.0),  # a rise
        (0.1, LIMIT, 0.0, 30.0, 40.0),
        (0.1, 9_999_991, 0.0, -40.0, -39.0),
    ]:
        add(
            Tanh(lr=lr, total_steps=total, final_lr=final, lower=lower, upper=upper),
            exact_tanh(lr, total, final, lower, upper),
        )
    for kwargs in [
        {"decay_steps": 1000, "decay_rate": 0.96},
        {"decay_steps": 1, "decay_rate": 0.99999},
        {"decay_steps": 10**5, "decay_rate": 0.5, "staircase": True},
        {"decay_steps": 10**4, "decay_rate": 0.9, "start_step": 10**6, "final_lr": 1e-3},
        {"decay_steps": 777, "decay_rate": 0.8, "staircase": True, "final_lr": 1e-9},
        {"decay_steps": 10**5, "decay_rate": 2.0},
        {"decay_steps": 10**5, "decay_rate": 1.5, "final_lr": 10.0},
        {"decay_steps": 3, "decay_rate": 1.0, "final_lr": 0.05},
    ]:
        add(
            ExponentialDecay(lr=0.1, **kwargs),  # type: ignore[arg-type]
            exact_exponential(0.1, **kwargs),  # type: ignore[arg-type]
        )
    for decay_steps, rate, staircase in [
        (10, 0.5, False),
        (1000, 2.0, True),
        (1, 1e-6, False),
        (7, 0.0, False),
        (7, 1e300, False),
        (3, 1e300, True),
    ]:
        add(
            InverseTimeDecay(lr=0.1, decay_steps=decay_steps, decay_rate=rate, staircase=staircase),
            exact_inverse_time(0.1, decay_steps, rate, staircase),
        )
    for lr, total, final, power, cycle in [
        (0.1, LIMIT, 0.0, 1.0, False),
        (0.1, LIMIT, 1e-3, 2.0, False),
        (0.1, 999_999, 0.0, 0.5, False),
        (0.1, 1000, 0.0, 2.0, True),
        (1e-3, 10**6, 0.1, 3.0, False),  # a rise
        (0.0, 12_345, 0.1, 0.7, True),  # a rising cycle
        (0.1, 10**4, 0.0, 100.0, False),
        (0.1, 3, 1e-4, 1.0, True),
    ]:
        add(
            PolynomialDecay(lr=lr, total_steps=total, final_lr=final, power=power, cycle=cycle),
            exact_polynomial(lr, total, final, power, cycle),
        )
    return cases


CASES = _cases()


def sample_steps(schedule: Schedule, seed: int) -> tuple[list[int], list[float]]:
    """Whole steps (0..50, around each boundary and the length, random, 10^7) and
    fractional ones (near the boundaries and random)."""
    whole = set(range(51))
    marks = [*schedule.breakpoints, float(schedule.length or 0)]
    fractional: set[float] = set()
    for mark in marks:
        for d in (-2, -1, 0, 1, 2):
            t = math.floor(mark) + d
            if 0 <= t <= LIMIT:
                whole.add(t)
                fractional |= {t + 0.5, t + 0.25, t + 1 - 2**-20}
    rng = np.random.default_rng(seed)
    whole |= {int(t) for t in rng.integers(0, LIMIT + 1, 120)}
    whole.add(LIMIT)
    fractional |= {float(t) for t in rng.uniform(0, LIMIT, 40)}
    fractional |= {float(t) for t in rng.uniform(0, 60, 20)}
    return sorted(whole), sorted(t for t in fractional if 0 <= t <= LIMIT)


def scale_of(schedule: Schedule) -> float:
    values = [getattr(schedule, name, None) for name in ("lr", "final_lr")]
    return max(v for v in values if v is not None)


def error_of(value: float, exact: Any, scale: float) -> tuple[float, float]:
    """The absolute error in units of the allowed one, and the relative error (0 where the
    exact value is not a normal float64)."""
    error = abs(M(value) - exact)
    absolute = float(error / (ABS_TOL * max(M(scale), abs(exact))))
    relative = float(error / abs(exact)) if abs(exact) >= NORMAL else 0.0
    return absolute, relative


def check(value: float, exact: Any, scale: float, where: str) -> None:
    assert type(value) is float and math.isfinite(value), f"{where}: {value!r}"
    if exact > MAX_FLOAT:  # a growing rate saturates at the largest float64
        assert value == MAX_FLOAT, f"{where}: {value!r}, exact {mpmath.nstr(exact, 10)}"
        return
    absolute, relative = error_of(value, exact, scale)
    shown = mpmath.nstr(exact, 25)
    assert absolute <= 1.0, f"{where}: lrkit {value!r}, exact {shown}, abs error x{absolute:.3g}"
    assert relative <= REL_TOL, f"{where}: lrkit {value!r}, exact {shown}, rel {relative:.3g}"


def test_cases_cover_every_decay() -> None:
    assert {type(c.schedule).__name__ for c in CASES} == set(lrkit.core._decay.__all__)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_exact(case: Case) -> None:
    s, scale = case.schedule, scale_of(case.schedule)
    whole, fractional = sample_steps(s, seed=len(case.id))
    as_int64 = s(np.array(whole, dtype=np.int64))
    as_float64 = s(np.array(whole, dtype=np.float64))
    at_fractions = s(np.array(fractional, dtype=np.float64))
    with mpmath.workdps(DPS):
        for i, t in enumerate(whole):
            exact = case.exact(M(t))
            check(s(t), exact, scale, f"step {t} (scalar)")
            check(float(as_int64[i]), exact, scale, f"step {t} (int64)")
            check(float(as_float64[i]), exact, scale, f"step {t} (float64)")
        for i, t in enumerate(fractional):
            exact = case.exact(M(t))
            check(s(t), exact, scale, f"step {t!r} (scalar)")
            check(float(at_fractions[i]), exact, scale, f"step {t!r} (float64)")


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_exact_at_huge_whole_steps(case: Case) -> None:
    """Python ints and int64 arrays up to 2**63 - 1 (and a Python int beyond) are reduced
    exactly: the value is the exact one's float64."""
    s, scale = case.schedule, scale_of(case.schedule)
    steps = [*HUGE_STEPS, 10**30]
    array = s(np.array(HUGE_STEPS, dtype=np.int64))
    with mpmath.workdps(DPS):
        for i, t in enumerate(steps):
            exact = case.exact(M(t))
            check(s(t), exact, scale, f"step {t} (scalar)")
            if i < len(HUGE_STEPS):
                check(float(array[i]), exact, scale, f"step {t} (int64)")


def worst_errors() -> dict[str, tuple[float, float]]:
    """The worst (absolute in units of 1e-16 at lr 0.1, relative) error of each class over
    its cases: for the report (``python -c 'import test_decay; ...'`` from tests/)."""
    worst: dict[str, tuple[float, float]] = {}
    for case in CASES:
        s, scale = case.schedule, scale_of(case.schedule)
        whole, fractional = sample_steps(s, seed=len(case.id))
        steps = [*whole, *fractional]
        with mpmath.workdps(DPS):
            for t in steps:
                exact = case.exact(M(t))
                values = [s(t), float(s(np.array([t]))[0])]
                for v in values:
                    a, r = error_of(v, exact, scale)
                    name = type(s).__name__
                    old = worst.get(name, (0.0, 0.0))
                    worst[name] = (max(old[0], a), max(old[1], r))
    return worst


# -- anchors ---------------------------------------------------------------------------


def test_documented_exact_values() -> None:
    """Ends that are exact by construction (no rounding at all)."""
    for timescale in (1, 7.3, 2**53, 1e-300):
        assert InverseSqrt(lr=0.1, timescale=timescale)(0) == 0.1
    for s in (
        LinearDecay(lr=0.1, total_steps=10**5, final_lr=0.003),
        CosineDecay(lr=0.1, total_steps=12_345, final_lr=0.003, exponent=2.5),
        KDecay(lr=0.1, total_steps=999, k=3.0, final_lr=0.003),
        Rex(lr=0.1, total_steps=77, final_lr=0.003),
        PolynomialDecay(lr=0.1, total_steps=1000, final_lr=0.003, power=0.5),
        LinearDecay(lr=0.003, total_steps=10**5, final_lr=0.1),
        CosineDecay(lr=0.003, total_steps=12_345, final_lr=0.1, exponent=2.5),
        KDecay(lr=0.003, total_steps=999, k=3.0, final_lr=0.1),
        Rex(lr=0.003, total_steps=77, final_lr=0.1),
        PolynomialDecay(lr=0.003, total_steps=1000, final_lr=0.1, power=0.5),
    ):
        lr, final, total = s.lr, s.final_lr, s.total_steps  # type: ignore[attr-defined]
        assert s(0) == lr and s(0.0) == lr
        later = [total, total + 1, 10 * total, 2**53, 2**62, 2**63 - 1]
        assert all(s(t) == final for t in later)
        assert np.all(s(np.array(later, dtype=np.int64)) == final)
        assert np.all(s(np.array(later, dtype=np.float64)) == final)
    cycle = PolynomialDecay(lr=0.1, total_steps=100, final_lr=0.003, cycle=True)
    assert [cycle(t) for t in (0, 100, 200, 10**9, 100 * 2**56)] == [0.1, *[0.003] * 4]


def test_cosine_decay_is_cosine_annealing_up_to_its_end() -> None:
    steps = np.arange(0, 1001)
    for lr, final in [(0.1, 0.0), (0.1, 1e-3), (1e-5, 0.1)]:
        ours = CosineDecay(lr=lr, total_steps=1000, final_lr=final)
        torch_like = lrkit.CosineAnnealingLR(lr=lr, T_max=1000, eta_min=final)
        assert np.array_equal(ours(steps), torch_like(steps))
        assert ours(4500) == final != torch_like(4500)  # torch's goes on: a period of 2000


def test_k_decay_with_k_1_is_the_cosine_decay() -> None:
    steps = np.arange(0, 1200)
    k = KDecay(lr=0.1, total_steps=1000, final_lr=1e-3)(steps)
    cos = CosineDecay(lr=0.1, total_steps=1000, final_lr=1e-3)(steps)
    np.testing.assert_allclose(k, cos, rtol=4 * EPS, atol=0)


def test_tanh_ends_as_documented() -> None:
    s = Tanh(lr=0.1, total_steps=1000, final_lr=0.01)
    start = 0.1 - 0.09 * (1 + math.tanh(-7.0)) / 2
    end = 0.01 + 0.09 * (1 - math.tanh(3.0)) / 2
    assert s(0) == pytest.approx(start, rel=1e-15) and s(0) != 0.1
    assert s(1000) == pytest.approx(end, rel=1e-15) and s(1000) != 0.01
    assert all(s(t) == s(1000) for t in (1001, 10**9, 2**63 - 1))


def test_exponential_decay_bounds() -> None:
    floor = ExponentialDecay(lr=0.1, decay_steps=10, decay_rate=0.5, final_lr=0.01)
    assert floor(0) == 0.1 and floor(2**63 - 1) == 0.01
    crossing = floor.breakpoints[-1]  # 10 * log2(10): where the floor takes over
    assert crossing == pytest.approx(10 * math.log2(10), rel=1e-12)
    assert floor(math.floor(crossing)) > 0.01 and floor(math.ceil(crossing)) == 0.01
    cap = ExponentialDecay(lr=0.1, decay_steps=10, decay_rate=2.0, final_lr=100.0)
    assert cap(2**63 - 1) == 100.0 and cap(0) == 0.1
    # No cap: saturates at the largest float64, never inf (a Python int of any size too).
    grow = ExponentialDecay(lr=0.1, decay_steps=1, decay_rate=10.0)
    assert grow(400) == MAX_FLOAT and grow(10**30) == MAX_FLOAT
    assert np.all(grow(np.array([400, 2**63 - 1])) == MAX_FLOAT)
    assert grow(300) == pytest.approx(1e299, rel=1e-14)
    assert ExponentialDecay(lr=0.0, decay_steps=1, decay_rate=10.0)(10**6) == 0.0
    # Decayed below float64's normal numbers: rounded once, as float64 rounds.
    small = ExponentialDecay(lr=1e300, decay_steps=1, decay_rate=0.5)
    with mpmath.workdps(DPS):
        for t in (1000, 1500.5, 2000, 2070, 3000):
            exact = M(1e300) * M(0.5) ** M(t)
            value = small(t)
            assert value == small(np.array([t]))[0]
            if exact >= sys.float_info.min:
                assert abs(M(value) - exact) <= 2 * EPS * exact
            else:  # the subnormal float64 nearest the exact value
                assert abs(M(value) - exact) <= M(2) ** -1075


def test_inverse_time_decay_with_huge_rate() -> None:
    s = InverseTimeDecay(lr=1e300, decay_steps=1, decay_rate=1e300)
    for t in (1, 10**9, 2**63 - 1):
        with mpmath.workdps(DPS):
            exact = M(1e300) / (1 + M(1e300) * t)
        assert float(exact) == pytest.approx(s(t), rel=4 * EPS)
        assert s(np.array([t]))[0] == s(t)


def test_polynomial_cycle_restarts() -> None:
    s = PolynomialDecay(lr=0.1, total_steps=10, cycle=True)
    # After k * T the horizon is (k + 1) * T: step 11 is 1 - 11/20 of the way.
    assert s(11) == pytest.approx(0.1 * 9 / 20, rel=1e-15)
    assert s(10) == s(20) == s(10**12) == 0.0
    values = s(np.arange(0, 60))
    tops = [values[k * 10 + 1] for k in range(1, 5)]  # lower each time
    assert all(a > b for a, b in itertools.pairwise(tops))


# -- properties ------------------------------------------------------------------------


ENDING = ("LinearDecay", "CosineDecay", "KDecay", "Rex", "Tanh", "PolynomialDecay")


def steps_up_to(limit: int) -> st.SearchStrategy[list[float]]:
    step = st.one_of(
        st.integers(0, limit),
        st.floats(min_value=0.0, max_value=float(limit)),
        st.integers(0, 100),
    )
    return st.lists(step, min_size=2, max_size=30)


def ulps(*values: float) -> float:
    return 8 * EPS * max(abs(v) for v in values) + 1e-300


@pytest.mark.parametrize("family", ENDING)
@FAST
@given(data=st.data())
def test_between_the_ends_and_monotone(family: str, data: st.DataObject) -> None:
    spec = data.draw(decay_strategies.FAMILIES[family], label="spec")
    s = spec.build()
    lr, final, total = s.lr, s.final_lr, s.total_steps  # type: ignore[attr-defined]
    steps = sorted(data.draw(steps_up_to(min(3 * total, 2**62)), label="steps"))
    values = np.array([s(t) for t in steps])
    assert np.array_equal(values, s(np.array(steps, dtype=np.float64)))
    slack = ulps(lr, final)
    low, high = min(lr, final), max(lr, final)
    assert np.all(values >= low - slack) and np.all(values <= high + slack)
    if family == "PolynomialDecay" and s.cycle:  # type: ignore[attr-defined]
        return  # it jumps back up after each multiple of total_steps
    moves = np.diff(values) if lr >= final else -np.diff(values)
    assert np.all(moves <= slack), f"not monotone: {values}"


@pytest.mark.parametrize("family", ENDING)
@FAST
@given(data=st.data(), fraction=st.floats(min_value=2.0**-40, max_value=1e-3))
def test_continuous_at_the_end_and_held_after(
    family: str, data: st.DataObject, fraction: float
) -> None:
    spec = data.draw(decay_strategies.FAMILIES[family], label="spec")
    s = spec.build()
    lr, final, total = s.lr, s.final_lr, s.total_steps  # type: ignore[attr-defined]
    end = s(total)
    if family != "Tanh":
        assert end == final
    t = total * (1 - fraction)
    delta = total - t  # (the step actually taken)
    d = delta / total
    gap = abs(lr - final)
    bound = {
        "LinearDecay": lambda: d,
        "CosineDecay": lambda: (math.pi * d / 2) ** (2 * s.exponent),  # type: ignore[attr-defined]
        "KDecay": lambda: (math.pi * s.k * d / (1 - d)) ** 2,  # type: ignore[attr-defined]
        "Rex": lambda: 2 * d,
        "Tanh": lambda: (s.upper - s.lower) * d / 2,  # type: ignore[attr-defined]
        "PolynomialDecay": lambda: d**s.power,  # type: ignore[attr-defined]
    }[family]()
    assert abs(s(t) - end) <= gap * min(1.0, bound) + ulps(lr, final)
    if getattr(s, "cycle", False):
        return
    after = data.draw(st.lists(st.integers(total, 2**63 - 1), min_size=1, max_size=5))
    after += [2**62, 2**63 - 1, 10**30]
    assert all(s(k) == end for k in after)
    fits = [k for k in after if k < 2**63]
    assert np.all(s(np.array(fits, dtype=np.int64)) == end)


@FAST
@given(spec=decay_strategies.exponential_decay(), steps=steps_up_to(10**6))
def test_exponential_decay_decreases_to_its_floor(
    spec: strategies.Spec, steps: list[float]
) -> None:
    s = spec.build()
    lr, final = spec.kwargs["lr"], spec.kwargs.get("final_lr")
    values = np.array([s(t) for t in sorted(steps)])
    # (a rate within an ulp of 1 moves the value by less than an ulp a step: rounding)
    assert np.all(np.diff(values) <= ulps(lr))
    assert np.all(values <= lr)
    if final is None:
        return
    assert np.all(values >= final)
    # At step 2**62 the floor, unless the exact value is still above it.
    held = s(2**62)
    rate, size = spec.kwargs["decay_rate"], spec.kwargs["decay_steps"]
    start = spec.kwargs.get("start_step", 0)
    with mpmath.workdps(DPS):
        p = M(2**62 - start) / size
        if spec.kwargs.get("staircase"):
            p = mpmath.floor(p)
        exact = max(M(lr) * M(rate) ** p, M(final))
    if exact == final:
        assert held == final
    else:  # (to the subnormal numbers' spacing below float64's normal range)
        assert abs(M(held) - exact) <= max(1e-13 * exact, M(2) ** -1074)


@FAST
@given(spec=decay_strategies.exponential_decay(growth=True), steps=steps_up_to(10**6))
def test_exponential_growth_increases_to_its_cap(spec: strategies.Spec, steps: list[float]) -> None:
    s = spec.build()
    values = np.array([s(t) for t in sorted(steps)])
    assert np.all(np.isfinite(values)) and np.all(np.diff(values) >= 0.0)
    lr, cap = spec.kwargs["lr"], spec.kwargs.get("final_lr", MAX_FLOAT)
    assert np.all(values >= lr) and np.all(values <= cap)
    assert math.isfinite(s(2**62)) and s(2**62) <= cap


@pytest.mark.parametrize("family", ["InverseSqrt", "InverseTimeDecay"])
@FAST
@given(data=st.data())
def test_inverse_decays_decrease_and_stay_positive(family: str, data: st.DataObject) -> None:
    spec = data.draw(decay_strategies.FAMILIES[family], label="spec")
    s = spec.build()
    steps = sorted(data.draw(steps_up_to(2**62), label="steps"))
    values = np.array([s(t) for t in [*steps, 2**62, 2**63 - 1]])
    assert np.all(np.isfinite(values))
    assert np.all(np.diff(values) <= 0.0)
    lr = spec.kwargs["lr"]
    assert values[0] <= lr
    assert s(0) == lr


@given(spec=st.one_of(*decay_strategies.FAMILIES.values()))
@FAST
def test_config_round_trip(spec: strategies.Spec) -> None:
    s = spec.build()
    config = s.to_config()
    back = from_config(json.loads(json.dumps(config, allow_nan=False)))
    assert back == s and type(back) is type(s) and back.to_config() == config
    steps = np.linspace(0, s.length or 100, 23).round()
    assert np.array_equal(back(steps), s(steps))


# -- bad arguments ---------------------------------------------------------------------

GOOD: dict[type[Schedule], dict[str, Any]] = {
    Constant: {"lr": 0.1},
    LinearDecay: {"lr": 0.1, "total_steps": 100, "final_lr": 0.0},
    CosineDecay: {"lr": 0.1, "total_steps": 100, "final_lr": 0.0, "exponent": 1.0},
    KDecay: {"lr": 0.1, "total_steps": 100, "k": 1.0, "final_lr": 0.0},
    InverseSqrt: {"lr": 0.1, "timescale": 100},
    Rex: {"lr": 0.1, "total_steps": 100, "final_lr": 0.0},
    Tanh: {"lr": 0.1, "total_steps": 100, "final_lr": 0.0, "lower": -7.0, "upper": 3.0},
    ExponentialDecay: {
        "lr": 0.1,
        "decay_steps": 10,
        "decay_rate": 0.5,
        "staircase": False,
        "start_step": 0,
        "final_lr": None,
    },
    InverseTimeDecay: {"lr": 0.1, "decay_steps": 10, "decay_rate": 0.5, "staircase": False},
    PolynomialDecay: {
        "lr": 0.1,
        "total_steps": 100,
        "final_lr": 0.0,
        "power": 1.0,
        "cycle": False,
    },
}

BAD_LRS = [-0.1, math.nan, math.inf, 1e301, 10**400, "0.1", None, True]
BAD_COUNTS = [0, -5, 2.5, 2**53 + 1, math.inf, "10", True, None]
BAD_EXPONENTS = [0.0, -1.0, 100.5, math.nan, math.inf, "2", None]


def _bad_cases() -> list[Any]:
    cases: list[tuple[type[Schedule], str, Any]] = []
    for cls, good in GOOD.items():
        for name in good:
            values: list[Any] = {
                "lr": BAD_LRS,
                "final_lr": BAD_LRS if cls is not ExponentialDecay else [-0.1, math.nan, "x"],
                "total_steps": BAD_COUNTS,
                "decay_steps": BAD_COUNTS,
                "exponent": BAD_EXPONENTS,
                "k": BAD_EXPONENTS,
                "power": BAD_EXPONENTS,
                "timescale": [0, -1.0, 2.0**54, math.nan, "1", None],
                "lower": [-40.5, 41.0, math.nan, "-7"],
                "upper": [40.5, -41.0, -7.0, -8.0, math.inf, None],
                "staircase": [1, "yes", None],
                "cycle": [0, "no", None],
                "start_step": [-1, 0.5, 2**53 + 1, "0"],
            }.get(name, [])
            if name == "decay_rate":
                values = [-0.5, math.nan, math.inf, 1e301, "0.5", None]
                if cls is ExponentialDecay:
                    values += [0.0, 1e-310]
            cases += [(cls, name, v) for v in values]
    # final_lr on the wrong side of an exponential decay's lr.
    cases.append((ExponentialDecay, "final_lr", 0.2))
    return [
        pytest.param(cls, name, value, id=f"{cls.__name__}-{name}-{value!r}"[:60])
        for cls, name, value in cases
    ]


@pytest.mark.parametrize(("cls", "name", "value"), _bad_cases())
def test_bad_argument_is_refused_naming_it(cls: type[Schedule], name: str, value: Any) -> None:
    kwargs = {**GOOD[cls], name: value}
    with pytest.raises((lrkit.InvalidValue, lrkit.InvalidType)) as raised:
        cls(**kwargs)
    error = raised.value
    assert error.argument == name  # type: ignore[union-attr]
    assert str(error).startswith(f"{name} must be ")


def test_growth_refuses_a_cap_below_lr() -> None:
    with pytest.raises(lrkit.InvalidValue, match=r"^final_lr must be at least lr \(0\.1\)"):
        ExponentialDecay(lr=0.1, decay_steps=10, decay_rate=2.0, final_lr=0.05)
    with pytest.raises(lrkit.InvalidValue, match=r"^final_lr must be at most lr \(0\.1\)"):
        ExponentialDecay(lr=0.1, decay_steps=10, decay_rate=0.5, final_lr=0.5)
    # With decay_rate 1 the rate stays lr: any final_lr is accepted, and not used.
    assert ExponentialDecay(lr=0.1, decay_steps=10, decay_rate=1.0, final_lr=0.5)(10**6) == 0.1


def test_good_arguments_are_accepted_and_normalised() -> None:
    for cls, good in GOOD.items():
        s = cls(**good)
        assert all(getattr(s, k) == v for k, v in good.items())
    assert InverseSqrt(lr=0.1, timescale=100.0).timescale == 100
    assert repr(InverseSqrt(lr=0.1, timescale=2.5)) == "InverseSqrt(lr=0.1, timescale=2.5)"
    assert LinearDecay(lr=np.float64(0.1), total_steps=np.int64(10)) == LinearDecay(0.1, 10)
    assert Tanh(lr=0.1, total_steps=10, lower=-40, upper=40).upper == 40.0
