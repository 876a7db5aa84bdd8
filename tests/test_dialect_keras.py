"""lrkit.keras against the installed Keras 3 (backend numpy) at every step.

Keras computes its schedules in float32 and lrkit in float64, so values are compared with a
tolerance of a few float32 roundings, each scaled by what it multiplies: Keras rounds every
input (``initial_learning_rate``, ``decay_rate``, ...) and every intermediate to float32
(unit roundoff ``U = 2**-24``), and some formulas amplify a rounding (the step's
``t / decay_steps`` inside a power or a cosine). Each class's ``*_tolerance`` below bounds
that error from the exact values of the intermediates; lrkit's own value is checked against
an independent float64 (or exact fraction) computation of Keras' formula much more tightly.
Then: Keras' ``get_config()`` (plus ``type``) loads in lrkit, scalar == array, the config
round trip, and errors that name Keras' argument.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import numpy as np
import pytest

import lrkit
from lrkit import from_config
from lrkit import keras as lk

os.environ["KERAS_BACKEND"] = "numpy"  # before Keras is imported: float32 numpy arithmetic
keras = pytest.importorskip("keras")
schedules = keras.optimizers.schedules

U = 2.0**-24  # float32's unit roundoff
#: lrkit against the test's own float64 formula: only the order of float64 operations
#: differs (a few float64 ulps of the largest term).
OWN_RTOL = 1e-12
STEPS = 600  # every whole step from 0 up to here (past the end of every configuration)


def keras_values(name: str, kwargs: dict[str, Any], steps: np.ndarray, one_by_one: bool) -> Any:
    schedule = getattr(schedules, name)(**kwargs)
    if one_by_one:  # Keras' ops.cond (CosineDecay's warm-up) and PiecewiseConstantDecay's
        # result (a 0-d array it adds into) take one step at a time
        return np.array([float(schedule(t)) for t in steps.tolist()])
    return np.asarray(schedule(steps), dtype=np.float64)


def compare(
    name: str,
    kwargs: dict[str, Any],
    own: Callable[[np.ndarray], np.ndarray],
    tolerance: Callable[[np.ndarray], np.ndarray],
    *,
    one_by_one: bool = False,
    steps: np.ndarray | None = None,
) -> float:
    """Check lrkit against ``own`` (the test's float64 formula) tightly and against Keras
    within ``tolerance``; return the worst difference from Keras relative to the value."""
    schedule = getattr(lk, name)(**kwargs)
    if steps is None:
        steps = np.arange(STEPS, dtype=np.int64)
    ours = schedule(steps)
    expected = own(steps)
    scale = float(np.max(np.abs(expected))) or 1.0
    np.testing.assert_allclose(ours, expected, rtol=OWN_RTOL, atol=OWN_RTOL * scale)
    theirs = keras_values(name, kwargs, steps, one_by_one)
    finite = np.isfinite(theirs)
    gap = np.abs(ours - theirs)
    allowed = tolerance(steps)
    bad = finite & (gap > allowed)
    assert not bad.any(), (steps[bad][:10], ours[bad][:10], theirs[bad][:10])
    # scalar path == array path (up to numpy's and math's last-bit differences)
    scalar = np.array([schedule(int(t)) for t in steps[:: max(1, len(steps) // 150)]])
    np.testing.assert_allclose(scalar, ours[:: max(1, len(steps) // 150)], rtol=1e-13)
    # config round trip through JSON; repr is the call as lrkit.keras spells it
    config = schedule.to_config()
    assert config["type"] == f"keras.{name}"
    assert from_config(json.loads(json.dumps(config))) == schedule
    assert eval(repr(schedule), dict(vars(lrkit))) == schedule
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = np.where(theirs[finite] != 0, gap[finite] / np.abs(theirs[finite]), 0.0)
    return float(relative.max(initial=0.0))


WORST: dict[str, float] = {}


def record(name: str, worst: float) -> None:
    WORST[name] = max(WORST.get(name, 0.0), worst)


# -- ExponentialDecay ------------------------------------------------------------------------


EXPONENTIAL = [
    {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.5},
    {"initial_learning_rate": 0.1, "decay_steps": 7, "decay_rate": 0.9, "staircase": True},
    {"initial_learning_rate": 0.03, "decay_steps": 1, "decay_rate": 0.96},
    {"initial_learning_rate": 0.01, "decay_steps": 13, "decay_rate": 1.1},  # grows
    {"initial_learning_rate": 0.1, "decay_steps": 5, "decay_rate": 0.0},  # 0 ** 0 = 1
    {"initial_learning_rate": 0.1, "decay_steps": 5, "decay_rate": 0.0, "staircase": True},
    {"initial_learning_rate": 0.0, "decay_steps": 5, "decay_rate": 0.3, "name": "lr"},
]


@pytest.mark.parametrize("kwargs", EXPONENTIAL)
def test_exponential_decay(kwargs: dict[str, Any]) -> None:
    lr, steps, rate = kwargs["initial_learning_rate"], kwargs["decay_steps"], kwargs["decay_rate"]
    staircase = kwargs.get("staircase", False)

    def progress(t: np.ndarray) -> np.ndarray:
        return np.floor(t / steps) if staircase else t / steps

    def own(t: np.ndarray) -> np.ndarray:
        return np.array([lr * rate ** float(p) for p in progress(t)])

    def tolerance(t: np.ndarray) -> np.ndarray:
        # r and p rounded to float32: r ** p off by p * U (from r) and p |ln r| U (from
        # p); a few roundings more for the casts, the power and the product. Twice that.
        p = progress(t)
        log_rate = abs(math.log(rate)) if rate > 0 else 0.0
        return 2 * U * (4 + p * (1 + log_rate)) * np.abs(own(t))

    record("ExponentialDecay", compare("ExponentialDecay", kwargs, own, tolerance))


# -- InverseTimeDecay ------------------------------------------------------------------------


INVERSE = [
    {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.5},
    {"initial_learning_rate": 0.1, "decay_steps": 7, "decay_rate": 0.9, "staircase": True},
    {"initial_learning_rate": 0.2, "decay_steps": 1, "decay_rate": 3.0},
    {"initial_learning_rate": 0.2, "decay_steps": 3, "decay_rate": 0.0},
]


@pytest.mark.parametrize("kwargs", INVERSE)
def test_inverse_time_decay(kwargs: dict[str, Any]) -> None:
    lr, steps, rate = kwargs["initial_learning_rate"], kwargs["decay_steps"], kwargs["decay_rate"]
    staircase = kwargs.get("staircase", False)

    def own(t: np.ndarray) -> np.ndarray:
        p = np.floor(t / steps) if staircase else t / steps
        return lr / (1 + rate * p)

    def tolerance(t: np.ndarray) -> np.ndarray:
        # no cancellation: each of the ~6 roundings moves the value by U of itself
        return 8 * U * own(t)

    record("InverseTimeDecay", compare("InverseTimeDecay", kwargs, own, tolerance))


# -- PolynomialDecay -------------------------------------------------------------------------


POLYNOMIAL = [
    {"initial_learning_rate": 0.1, "decay_steps": 100},
    {"initial_learning_rate": 0.1, "decay_steps": 37, "end_learning_rate": 0.0, "power": 0.5},
    {"initial_learning_rate": 0.1, "decay_steps": 7, "power": 2.0, "cycle": True},
    {"initial_learning_rate": 0.1, "decay_steps": 1, "power": 3.0, "cycle": True},
    {"initial_learning_rate": 0.01, "decay_steps": 50, "end_learning_rate": 0.2, "cycle": True},
    {"initial_learning_rate": 0.3, "decay_steps": 20, "end_learning_rate": 0.01, "power": 0.0},
]


@pytest.mark.parametrize("kwargs", POLYNOMIAL)
def test_polynomial_decay(kwargs: dict[str, Any]) -> None:
    lr, steps = kwargs["initial_learning_rate"], kwargs["decay_steps"]
    end, power = kwargs.get("end_learning_rate", 1e-4), kwargs.get("power", 1.0)
    cycle = kwargs.get("cycle", False)

    def remaining(t: np.ndarray) -> list[Fraction]:
        out = []
        for k in t.tolist():
            if cycle:
                total = steps * max(1, -(-k // steps))
                out.append(1 - Fraction(k, total))
            else:
                out.append(1 - Fraction(min(k, steps), steps))
        return out

    def own(t: np.ndarray) -> np.ndarray:
        return np.array([(lr - end) * float(q) ** power + end for q in remaining(t)])

    def tolerance(t: np.ndarray) -> np.ndarray:
        # p = t / T' and 1 - p are off by ~2 U absolute; the power turns that into
        # power * (1 - p) ** (power - 1) * 2 U (none where 1 - p is exactly 0: Keras' p is
        # exactly 1 there); the rest, a few U of the terms.
        slope = np.array(
            [power * float(q) ** (power - 1) if q > 0 and power > 0 else 0.0 for q in remaining(t)]
        )
        return U * (8 * (abs(lr - end) + end) + 4 * abs(lr - end) * slope)

    record("PolynomialDecay", compare("PolynomialDecay", kwargs, own, tolerance))


# -- PiecewiseConstantDecay ------------------------------------------------------------------


PIECEWISE = [
    {"boundaries": [100, 150], "values": [0.1, 0.01, 0.001]},
    {"boundaries": [0, 1, 2], "values": [0.4, 0.3, 0.2, 0.1]},  # at 0, consecutive
    {"boundaries": [10, 10, 20], "values": [0.4, 0.3, 0.2, 0.1]},  # equal: 0.3 skipped
    {"boundaries": [10.5, 20.0], "values": [0.4, 0.3, 0.2]},  # float boundaries
    {"boundaries": [-0.5, 5], "values": [0.4, 0.3, 0.2]},  # cast to 0 at integer steps
    {"boundaries": [-3, 5], "values": [0.4, 0.3, 0.2]},
    {"boundaries": [7], "values": [0.0, 1e-3], "name": "steps"},
]


@pytest.mark.parametrize("kwargs", PIECEWISE)
def test_piecewise_constant_decay(kwargs: dict[str, Any]) -> None:
    bounds, values = kwargs["boundaries"], kwargs["values"]

    def own(t: np.ndarray) -> np.ndarray:
        # Keras' comparisons with the boundaries cast to the (integer) step's type
        edges = [int(b) for b in bounds]  # int() truncates toward 0, as the cast does
        return np.array([values[sum(k > e for e in edges)] for k in t.tolist()])

    def tolerance(t: np.ndarray) -> np.ndarray:
        return U * own(t)  # each value rounded to float32, nothing else

    steps = np.arange(200, dtype=np.int64)
    record(
        "PiecewiseConstantDecay",
        compare("PiecewiseConstantDecay", kwargs, own, tolerance, one_by_one=True, steps=steps),
    )


def test_piecewise_fractional_steps() -> None:
    # A float step compares with the boundary itself, as Keras' float steps do.
    s = lk.PiecewiseConstantDecay([10.5, 20], [0.4, 0.3, 0.2])
    k = schedules.PiecewiseConstantDecay([10.5, 20], [0.4, 0.3, 0.2])
    for t in (10.25, 10.5, 10.75, 19.5, 20.0, 20.5):
        assert s(t) == pytest.approx(float(k(t)), rel=U)
        assert s(np.array([t]))[0] == s(t)


# -- CosineDecay -----------------------------------------------------------------------------


COSINE = [
    {"initial_learning_rate": 0.1, "decay_steps": 100},
    {"initial_learning_rate": 0.1, "decay_steps": 100, "alpha": 0.1},
    {"initial_learning_rate": 0.1, "decay_steps": 1, "alpha": 0.5},
    {"initial_learning_rate": 0.1, "decay_steps": 50, "alpha": 2.0},  # rises
    # warm-up: from initial_learning_rate to warmup_target, then the cosine from there
    {
        "initial_learning_rate": 0.0,
        "decay_steps": 100,
        "alpha": 0.01,
        "warmup_target": 0.3,
        "warmup_steps": 17,
    },
    {  # warmup_steps = 0: the cosine starts at warmup_target, initial_learning_rate unused
        "initial_learning_rate": 0.05,
        "decay_steps": 100,
        "warmup_target": 0.3,
        "warmup_steps": 0,
    },
    {  # warmup_steps without warmup_target: ignored
        "initial_learning_rate": 0.05,
        "decay_steps": 60,
        "warmup_steps": 30,
    },
    {  # a warm-up down to a lower target
        "initial_learning_rate": 0.3,
        "decay_steps": 7,
        "warmup_target": 0.1,
        "warmup_steps": 1,
        "name": "cos",
    },
]


@pytest.mark.parametrize("kwargs", COSINE)
def test_cosine_decay(kwargs: dict[str, Any]) -> None:
    lr, steps = kwargs["initial_learning_rate"], kwargs["decay_steps"]
    alpha, target = kwargs.get("alpha", 0.0), kwargs.get("warmup_target")
    warmup = kwargs.get("warmup_steps", 0) if target is not None else 0
    peak = lr if target is None else target

    def one(k: int) -> float:
        s = min(k, warmup + steps)
        if s < warmup:
            return lr + (peak - lr) * s / warmup
        cosine = (1 + math.cos(math.pi * (s - warmup) / steps)) / 2
        return peak * ((1 - alpha) * cosine + alpha)

    def own(t: np.ndarray) -> np.ndarray:
        return np.array([one(k) for k in t.tolist()])

    def tolerance(t: np.ndarray) -> np.ndarray:
        # The angle pi * s / T is off by ~3 pi U (pi, s / T and the product rounded), so
        # (1 + cos) / 2 by ~6 U absolute: (1 - alpha) * 6 U of the peak; a few U of each
        # term for the rest (the warm-up's too).
        return U * (16 * peak * (abs(1 - alpha) + alpha) + 8 * (abs(peak - lr) + lr) + 2 * own(t))

    record(
        "CosineDecay",
        compare("CosineDecay", kwargs, own, tolerance, one_by_one=target is not None),
    )


# -- CosineDecayRestarts ---------------------------------------------------------------------


RESTARTS: list[tuple[dict[str, Any], int]] = [  # (arguments, flips expected at Keras)
    ({"initial_learning_rate": 0.1, "first_decay_steps": 10}, 0),
    (
        {
            "initial_learning_rate": 0.1,
            "first_decay_steps": 10,
            "t_mul": 3.0,
            "m_mul": 0.5,
            "alpha": 0.1,
        },
        0,
    ),
    ({"initial_learning_rate": 0.1, "first_decay_steps": 4, "t_mul": 1.5, "m_mul": 0.9}, 0),
    ({"initial_learning_rate": 0.1, "first_decay_steps": 7, "t_mul": 2.5, "alpha": 0.2}, 0),
    (
        {
            "initial_learning_rate": 0.1,
            "first_decay_steps": 5,
            "t_mul": 1.0,
            "m_mul": 0.8,
            "alpha": 0.1,
        },
        0,
    ),
    ({"initial_learning_rate": 0.1, "first_decay_steps": 1, "t_mul": 1.0}, 0),
    ({"initial_learning_rate": 0.1, "first_decay_steps": 3, "t_mul": 1.25, "m_mul": 1.1}, 0),
    ({"initial_learning_rate": 0.1, "first_decay_steps": 1, "t_mul": 1.1, "alpha": 0.05}, 0),
    (
        {
            "initial_learning_rate": 0.1,
            "first_decay_steps": 2,
            "t_mul": 1.7,
            "m_mul": 1.3,
            "alpha": 1.0,
        },
        0,
    ),
    ({"initial_learning_rate": 0.1, "first_decay_steps": 1, "t_mul": 3.0, "name": "sgdr"}, 0),
    # Keras' float32 log(1 + 48) / log(7) is just below 2: every restart from the second
    # (steps 8, 57, 400) falls in the cycle before, at its trough
    ({"initial_learning_rate": 0.1, "first_decay_steps": 1, "t_mul": 7.0, "alpha": 0.1}, 3),
    # ... and step 11 (= 4 * (1 + 1.75)), for t_mul = 1.75
    ({"initial_learning_rate": 0.1, "first_decay_steps": 4, "t_mul": 1.75}, 1),
]

#: Steps that show a flip the other way: step 7259 is just below a restart (at 7259 +
#: 3e-7), and Keras' float32 puts it in the next cycle, at its peak.
LATE_RESTART = ({"initial_learning_rate": 0.1, "first_decay_steps": 19, "t_mul": 1.125}, 1)


def exact_cycle(k: int, steps: int, t_mul: float) -> tuple[int, Fraction]:
    """(i, f) in exact fractions: i the cycles completed by step k, f the fraction done."""
    if t_mul == 1:
        i, rest = divmod(k, steps)
        return i, Fraction(rest, steps)
    tau, c = Fraction(t_mul), Fraction(k, steps)
    i, start, length = 0, Fraction(0), Fraction(1)
    while c >= start + length:
        start, length, i = start + length, length * tau, i + 1
    return i, (c - start) / length


def restarts_value(kwargs: dict[str, Any], i: int, f: float) -> float:
    lr, alpha = kwargs["initial_learning_rate"], kwargs.get("alpha", 0.0)
    m_mul = kwargs.get("m_mul", 1.0)
    return lr * ((1 - alpha) * m_mul**i * (1 + math.cos(math.pi * f)) / 2 + alpha)


def restarts_tolerance(kwargs: dict[str, Any], k: int, i: int) -> float:
    # c = t / T is off by U c; with t_mul != 1, t_mul ** i by i U (t_mul rounded), so
    # S_i by ~i U t_mul ** i / (t_mul - 1); f = (c - S_i) / t_mul ** i by
    # U (2 c / t_mul ** i + i / (t_mul - 1) + i + 2). The cosine moves by pi / 2 times that,
    # times (1 - alpha) m ** i of the rate; m ** i is off by i U; a few U for the rest.
    steps, t_mul = kwargs["first_decay_steps"], kwargs.get("t_mul", 2.0)
    lr, alpha = kwargs["initial_learning_rate"], kwargs.get("alpha", 0.0)
    m_mul = kwargs.get("m_mul", 1.0)
    c = k / steps
    spread = 2 * c / t_mul**i + i + 2 + (i / (t_mul - 1) if t_mul != 1 else 0)
    swing = abs(1 - alpha) * max(m_mul ** max(i - 1, 0), m_mul ** (i + 1))  # either neighbour
    return 2 * U * lr * (swing * (math.pi / 2 * spread + i + 8) + 4 * alpha)


@pytest.mark.parametrize(("kwargs", "flips"), [*RESTARTS, LATE_RESTART])
def test_cosine_decay_restarts(kwargs: dict[str, Any], flips: int) -> None:
    steps, t_mul = kwargs["first_decay_steps"], kwargs.get("t_mul", 2.0)
    t = np.arange(1500, dtype=np.int64)
    if (kwargs, flips) == LATE_RESTART:
        t = np.arange(7200, 7300, dtype=np.int64)
    cycles = [exact_cycle(k, steps, t_mul) for k in t.tolist()]
    schedule = lk.CosineDecayRestarts(**kwargs)
    ours = schedule(t)
    own = np.array([restarts_value(kwargs, i, float(f)) for i, f in cycles])
    np.testing.assert_allclose(ours, own, rtol=OWN_RTOL, atol=OWN_RTOL * float(own.max()))
    theirs = keras_values("CosineDecayRestarts", kwargs, t, one_by_one=False)
    allowed = np.array(
        [restarts_tolerance(kwargs, k, i) for k, (i, _) in zip(t.tolist(), cycles, strict=True)]
    )
    off = np.abs(ours - theirs) > allowed
    # Keras' float32 log may put a step within float32's rounding of a restart in the
    # neighbouring cycle: a restart step at the end of the cycle before (f = 1), or the
    # step just before a restart at the start of the next (f = 0). lrkit's index is exact.
    for n in np.flatnonzero(off).tolist():
        k, (i, f) = int(t[n]), cycles[n]
        c = Fraction(k, steps)
        near = 8 * U * c  # how far float32's c = t / T and its logarithm reach
        if f * Fraction(t_mul) ** i <= near:  # just at (or past) restart i: Keras' cycle i - 1
            assert i > 0
            other = restarts_value(kwargs, i - 1, float(f * Fraction(t_mul)) + 1.0)
        else:  # just before restart i + 1: Keras' cycle i + 1, f = 0 (or just below)
            assert (1 - f) * Fraction(t_mul) ** i <= near, (k, ours[n], theirs[n])
            other = restarts_value(kwargs, i + 1, 0.0)
        assert abs(theirs[n] - other) <= restarts_tolerance(kwargs, k, i), (k, theirs[n], other)
    assert int(off.sum()) == flips
    fine = ~off
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = np.abs(ours[fine] - theirs[fine]) / np.abs(theirs[fine])
    record("CosineDecayRestarts", float(relative[np.isfinite(relative)].max()))
    config = schedule.to_config()
    assert from_config(json.loads(json.dumps(config))) == schedule
    assert eval(repr(schedule), dict(vars(lrkit))) == schedule


# -- Keras' own configs, huge steps, errors --------------------------------------------------


ALL_CASES: list[tuple[str, dict[str, Any]]] = [
    *(("ExponentialDecay", kw) for kw in EXPONENTIAL),
    *(("InverseTimeDecay", kw) for kw in INVERSE),
    *(("PolynomialDecay", kw) for kw in POLYNOMIAL),
    *(("PiecewiseConstantDecay", kw) for kw in PIECEWISE),
    *(("CosineDecay", kw) for kw in COSINE),
    *(("CosineDecayRestarts", kw) for kw, flips in RESTARTS if not flips),  # no flips
]


@pytest.mark.parametrize(("name", "kwargs"), ALL_CASES)
def test_keras_get_config_loads(name: str, kwargs: dict[str, Any]) -> None:
    # Keras' get_config(), with "type" added, is a config of the same schedule here
    keras_config = getattr(schedules, name)(**kwargs).get_config()
    ours = from_config({"type": f"keras.{name}", **keras_config})
    assert ours == getattr(lk, name)(**kwargs)
    config = ours.to_config()
    assert set(config) == {"type", *keras_config}
    assert config["name"] == keras_config["name"]
    steps = np.array([0, 1, 2, 3, 5, 8, 13, 99, 100, 101, 250], dtype=np.int64)
    theirs = keras_values(name, keras_config, steps, one_by_one=True)
    scale = float(np.max(np.abs(theirs))) or 1.0
    # the loose bound of the comparisons above: a few hundred float32 roundings of the scale
    np.testing.assert_allclose(ours(steps), theirs, rtol=1e-4, atol=1e-4 * scale)
    # fractional steps too (Keras takes any number as the step)
    fractions = np.array([0.5, 1.25, 2.75, 9.5, 10.5, 99.9, 100.5, 150.25])
    theirs = keras_values(name, keras_config, fractions, one_by_one=True)
    np.testing.assert_allclose(ours(fractions), theirs, rtol=1e-4, atol=1e-4 * scale)
    assert [ours(t) for t in fractions.tolist()] == pytest.approx(ours(fractions), rel=1e-13)


def test_defaults_are_keras_defaults() -> None:
    import inspect

    for name in lk.__all__:
        theirs = inspect.signature(getattr(schedules, name)).parameters
        ours = inspect.signature(getattr(lk, name)).parameters
        assert list(ours) == list(theirs), name
        for argument, parameter in theirs.items():
            assert ours[argument].default == parameter.default, (name, argument)


@pytest.mark.parametrize(("name", "kwargs"), ALL_CASES)
def test_huge_steps(name: str, kwargs: dict[str, Any]) -> None:
    # Whole steps of any size: finite values >= 0, the same on the scalar and array paths.
    schedule = getattr(lk, name)(**kwargs)
    huge = [2**31 + 5, 2**53 + 1, 2**62, 2**63 - 1]
    values = schedule(np.array(huge, dtype=np.int64))
    assert np.isfinite(values).all() and (values >= 0).all()
    for k, v in zip(huge, values.tolist(), strict=True):
        assert schedule(k) == pytest.approx(v, rel=1e-12, abs=1e-300)


def test_anchor_values() -> None:
    # Hand-derived: half-way down a cosine, a square past half-way, one restart.
    assert lk.CosineDecay(2.0, 10)(5) == pytest.approx(1.0, rel=1e-15)
    assert lk.CosineDecay(1.0, 10, warmup_target=3.0, warmup_steps=4)(1) == 1.5
    assert lk.PolynomialDecay(1.0, 10, end_learning_rate=0.0, power=2.0)(5) == 0.25
    assert lk.InverseTimeDecay(1.0, 10, 1.0)(10) == 0.5
    assert lk.ExponentialDecay(1.0, 10, 0.25)(5) == 0.5
    s = lk.CosineDecayRestarts(1.0, 10, t_mul=2.0, m_mul=0.5)
    assert (s(10), s(20), s(30)) == (0.5, pytest.approx(0.25, rel=1e-15), 0.25)


EXACT_STEPS = [0, 1, 7, 999, 12_345, 10**6 + 3, 9_999_991, 10**7]


def _exact_cases() -> list[tuple[Any, Callable[[int], Any], float]]:
    """(schedule, its value at step k in mpmath, the absolute error allowed as a fraction of
    the largest term): lrkit's float64 against the exact value of Keras' formula."""
    import mpmath

    m = mpmath.mpf
    pi = mpmath.pi

    def cosine(x: Any) -> Any:
        return (1 + mpmath.cos(pi * x)) / 2

    def restarts(k: int) -> Any:
        i, f = exact_cycle(k, 7, 1.5)
        return m(0.1) * (
            (1 - m(0.05)) * m(0.9) ** i * cosine(m(f.numerator) / f.denominator) + m(0.05)
        )

    return [
        (lk.ExponentialDecay(0.1, 3, 0.9999), lambda k: m(0.1) * m(0.9999) ** (m(k) / 3), 0.0),
        (
            lk.ExponentialDecay(0.1, 7, 0.5, staircase=True),
            lambda k: m(0.1) * m(0.5) ** (k // 7),
            0.0,
        ),
        (lk.InverseTimeDecay(0.1, 3, 0.7), lambda k: m(0.1) / (1 + m(0.7) * k / 3), 0.0),
        (
            lk.PolynomialDecay(0.1, 10**7, 0.001, power=0.5),
            lambda k: (m(0.1) - m(0.001)) * (1 - m(k) / 10**7) ** m(0.5) + m(0.001),
            0.0,
        ),
        (
            lk.CosineDecay(0.1, 10**7, alpha=0.01),
            lambda k: m(0.1) * ((1 - m(0.01)) * cosine(m(k) / 10**7) + m(0.01)),
            0.0,
        ),
        (lk.CosineDecayRestarts(0.1, 7, t_mul=1.5, m_mul=0.9, alpha=0.05), restarts, 1e-15),
    ]


def test_exact_at_large_steps() -> None:
    # lrkit's float64 is the exact value of Keras' formula to a few float64 ulps (and for the
    # restarts, whose fraction (c - S_i) / t_mul ** i cancels, to ~1e-15 of the peak).
    import mpmath

    with mpmath.workdps(40):
        for schedule, exact, peak_fraction in _exact_cases():
            for k in EXACT_STEPS:
                value, want = schedule(k), exact(k)
                error = abs(mpmath.mpf(value) - want)
                # (below float64's range, it rounds to a subnormal number or 0 as float64 does)
                assert error <= 1e-15 * abs(want) + peak_fraction * 0.1 + 1e-322, (schedule, k)
                assert schedule(np.array([k]))[0] == pytest.approx(value, rel=1e-15, abs=1e-300)


def test_integer_rates_are_floats() -> None:
    # Keras computes in the dtype of an int initial_learning_rate (decay_rate 0.5 cast to
    # 0, pi to 3); lrkit takes 1 as 1.0: Keras' values for the float argument.
    steps = np.arange(0, 30, dtype=np.int64)
    for name, args in (
        ("ExponentialDecay", (10, 0.5)),
        ("InverseTimeDecay", (10, 0.5)),
        ("CosineDecay", (10,)),
        ("CosineDecayRestarts", (10,)),
    ):
        ours = getattr(lk, name)(1, *args)
        assert ours == getattr(lk, name)(1.0, *args)
        assert ours.to_config()["initial_learning_rate"] == 1.0
        as_float = np.asarray(getattr(schedules, name)(1.0, *args)(steps), dtype=np.float64)
        as_int = np.asarray(getattr(schedules, name)(1, *args)(steps), dtype=np.float64)
        np.testing.assert_allclose(ours(steps), as_float, rtol=0, atol=1e-6)
        assert np.abs(as_int - as_float).max() > 0.01, name  # Keras' integer arithmetic


def test_growth_saturates() -> None:
    # Keras' float32 reaches inf; lrkit stops at float64's largest number.
    big = lk.ExponentialDecay(1.0, 1, 10.0)
    assert big(400) == np.finfo(np.float64).max
    with np.errstate(over="ignore"):  # Keras' own float32 power overflows
        assert math.isinf(float(schedules.ExponentialDecay(1.0, 1, 10.0)(400)))
    grow = lk.CosineDecayRestarts(1.0, 1, t_mul=1.0, m_mul=1e10)
    assert grow(10**6) == np.finfo(np.float64).max
    assert grow(np.array([10**6]))[0] == np.finfo(np.float64).max


BAD: list[tuple[str, dict[str, Any], str]] = [
    (
        "ExponentialDecay",
        {"initial_learning_rate": -0.1, "decay_steps": 5, "decay_rate": 0.5},
        "initial_learning_rate",
    ),
    (
        "ExponentialDecay",
        {"initial_learning_rate": 0.1, "decay_steps": 0, "decay_rate": 0.5},
        "decay_steps",
    ),
    (
        "ExponentialDecay",
        {"initial_learning_rate": 0.1, "decay_steps": 2.5, "decay_rate": 0.5},
        "decay_steps",
    ),
    (
        "ExponentialDecay",
        {"initial_learning_rate": 0.1, "decay_steps": 5, "decay_rate": -0.5},
        "decay_rate",
    ),
    (
        "ExponentialDecay",
        {"initial_learning_rate": 0.1, "decay_steps": 5, "decay_rate": 0.5, "staircase": 1},
        "staircase",
    ),
    (
        "ExponentialDecay",
        {"initial_learning_rate": 0.1, "decay_steps": 5, "decay_rate": 0.5, "name": None},
        "name",
    ),
    (
        "InverseTimeDecay",
        {"initial_learning_rate": 0.1, "decay_steps": -3, "decay_rate": 0.5},
        "decay_steps",
    ),
    (
        "InverseTimeDecay",
        {"initial_learning_rate": 0.1, "decay_steps": 3, "decay_rate": -1.0},
        "decay_rate",
    ),
    (
        "InverseTimeDecay",
        {"initial_learning_rate": 0.1, "decay_steps": 3, "decay_rate": 1e290},
        "decay_rate",
    ),
    ("PolynomialDecay", {"initial_learning_rate": 0.1, "decay_steps": 0}, "decay_steps"),
    ("PolynomialDecay", {"initial_learning_rate": 0.1, "decay_steps": 5, "power": -1.0}, "power"),
    (
        "PolynomialDecay",
        {"initial_learning_rate": 0.1, "decay_steps": 5, "end_learning_rate": math.nan},
        "end_learning_rate",
    ),
    ("PolynomialDecay", {"initial_learning_rate": 0.1, "decay_steps": 5, "cycle": "yes"}, "cycle"),
    ("PiecewiseConstantDecay", {"boundaries": [], "values": [0.1]}, "boundaries"),
    ("PiecewiseConstantDecay", {"boundaries": [10, 5], "values": [0.1, 0.2, 0.3]}, "boundaries"),
    ("PiecewiseConstantDecay", {"boundaries": [10], "values": [0.1]}, "values"),
    ("PiecewiseConstantDecay", {"boundaries": [10], "values": [0.1, -0.2]}, "values"),
    ("PiecewiseConstantDecay", {"boundaries": [math.inf], "values": [0.1, 0.2]}, "boundaries"),
    ("PiecewiseConstantDecay", {"boundaries": 10, "values": [0.1, 0.2]}, "boundaries"),
    ("CosineDecay", {"initial_learning_rate": 0.1, "decay_steps": 0}, "decay_steps"),
    ("CosineDecay", {"initial_learning_rate": 0.1, "decay_steps": 10, "alpha": -0.1}, "alpha"),
    (
        "CosineDecay",
        {"initial_learning_rate": 0.1, "decay_steps": 10, "warmup_target": -1.0},
        "warmup_target",
    ),
    (
        "CosineDecay",
        {"initial_learning_rate": 0.1, "decay_steps": 10, "warmup_steps": -1},
        "warmup_steps",
    ),
    (
        "CosineDecayRestarts",
        {"initial_learning_rate": 0.1, "first_decay_steps": 0},
        "first_decay_steps",
    ),
    (
        "CosineDecayRestarts",
        {"initial_learning_rate": 0.1, "first_decay_steps": 5, "t_mul": 0.5},
        "t_mul",
    ),
    (
        "CosineDecayRestarts",
        {"initial_learning_rate": 0.1, "first_decay_steps": 5, "t_mul": 1e200},
        "t_mul",
    ),
    (
        "CosineDecayRestarts",
        {"initial_learning_rate": 0.1, "first_decay_steps": 5, "m_mul": -1.0},
        "m_mul",
    ),
    (
        "CosineDecayRestarts",
        {"initial_learning_rate": 0.1, "first_decay_steps": 5, "m_mul": 2.0, "alpha": 1.5},
        "alpha",
    ),
]


@pytest.mark.parametrize(("name", "kwargs", "argument"), BAD)
def test_errors_name_the_argument(name: str, kwargs: dict[str, Any], argument: str) -> None:
    with pytest.raises((ValueError, TypeError), match=argument):
        getattr(lk, name)(**kwargs)
    with pytest.raises((ValueError, TypeError), match=argument):
        from_config({"type": f"keras.{name}", **kwargs})


def test_keras_refuses_what_keras_refuses() -> None:
    # Keras' own checks (decay_steps > 0, the lengths) are refused here too.
    for name, kwargs, _ in BAD:
        keras_rejects = ("decay_steps" in kwargs and kwargs["decay_steps"] <= 0) or kwargs.get(
            "first_decay_steps", 1
        ) <= 0
        if keras_rejects:
            with pytest.raises(ValueError):
                getattr(schedules, name)(**kwargs)
    with pytest.raises(ValueError):
        schedules.PiecewiseConstantDecay([10], [0.1])
