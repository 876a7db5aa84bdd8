"""lrkit.optax against the installed optax (float64: ``jax_enable_x64``) at every step.

Each configuration is compared over every whole step up to well past its end, at a few
fractional steps, and at huge steps; then scalar == array, the config round trip, and the
errors, which name optax's argument.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import lrkit
from lrkit import from_config
from lrkit import optax as lo

jax = pytest.importorskip("jax")
optax = pytest.importorskip("optax")
jax.config.update("jax_enable_x64", True)
jnp = jax.numpy

RTOL = 1e-12  # optax's pow/cos (XLA) may differ from libm's by an ulp or two


def optax_values(schedule: Callable[[Any], Any], steps: np.ndarray) -> np.ndarray:
    # optax's schedules take one count at a time (some do not broadcast over an array)
    out = np.asarray(jax.vmap(lambda c: jnp.asarray(schedule(c), jnp.float64))(jnp.asarray(steps)))
    return np.broadcast_to(out, steps.shape)


def check_against_optax(name: str, kwargs: dict[str, Any], end: int) -> None:
    check_pair(name, getattr(lo, name)(**kwargs), getattr(optax, name)(**kwargs), end)


def check_pair(name: str, ours: Any, schedule: Callable[[Any], Any], end: int) -> None:
    """lrkit's ``ours`` against optax's ``schedule`` over every step to ``2 * end + 20``."""
    steps = np.arange(0, 2 * end + 20, dtype=np.int64)
    expected = optax_values(schedule, steps)
    np.testing.assert_allclose(ours(steps), expected, rtol=RTOL, atol=0)
    # scalar path (Python ints) agrees with the array path
    scalar = np.array([ours(int(t)) for t in steps[:: max(1, len(steps) // 200)]])
    np.testing.assert_allclose(scalar, ours(steps[:: max(1, len(steps) // 200)]), rtol=1e-15)
    # fractional steps
    fractions = np.array([0.5, 1.25, end / 3 + 0.1, end + 0.5], dtype=np.float64)
    np.testing.assert_allclose(
        ours(fractions), optax_values(schedule, fractions), rtol=RTOL, atol=0
    )
    # huge steps: optax's value there (lrkit saturates at float64's largest number). At
    # 2**63 - 1 optax's int64 ``boundary - count`` may wrap around; every schedule here has
    # settled by 2**62, so the value there is lrkit's at 2**63 - 1.
    huge = np.array([2**40 + 7, 2**62], dtype=np.int64)
    theirs = np.minimum(optax_values(schedule, huge), np.finfo(np.float64).max)
    np.testing.assert_allclose(ours(huge), theirs, rtol=RTOL, atol=0)
    assert ours(2**63 - 1) == pytest.approx(theirs[-1], rel=RTOL)
    assert ours(np.array([2**63 - 1]))[0] == pytest.approx(theirs[-1], rel=RTOL)
    # config round trip through JSON
    config = ours.to_config()
    assert config["type"] == f"optax.{name}"
    back = from_config(json.loads(json.dumps(config)))
    assert back == ours
    assert eval(repr(ours), dict(vars(lrkit))) == ours


CASES: list[tuple[str, dict[str, Any], int]] = [
    ("constant_schedule", {"value": 0.3}, 5),
    ("constant_schedule", {"value": 0.0}, 5),
    ("linear_schedule", {"init_value": 1.0, "end_value": 0.01, "transition_steps": 100}, 100),
    ("linear_schedule", {"init_value": 0.0, "end_value": 0.5, "transition_steps": 7}, 7),
    (
        "linear_schedule",
        {"init_value": 0.1, "end_value": 0.0, "transition_steps": 37, "transition_begin": 11},
        48,
    ),
    ("linear_schedule", {"init_value": 0.1, "end_value": 0.2, "transition_steps": 0}, 10),
    ("linear_schedule", {"init_value": 0.1, "end_value": 0.2, "transition_steps": -3}, 10),
    (
        "linear_schedule",
        {"init_value": 0.1, "end_value": 0.0, "transition_steps": 9, "transition_begin": -4},
        9,
    ),
    (
        "polynomial_schedule",
        {"init_value": 1.0, "end_value": 0.01, "power": 2, "transition_steps": 100},
        100,
    ),
    (
        "polynomial_schedule",
        {
            "init_value": 0.3,
            "end_value": 0.001,
            "power": 0.5,
            "transition_steps": 61,
            "transition_begin": 13,
        },
        74,
    ),
    (
        "polynomial_schedule",
        {"init_value": 0.01, "end_value": 0.2, "power": 3.7, "transition_steps": 1},
        1,
    ),
    (
        "polynomial_schedule",
        {"init_value": 0.2, "end_value": 0.0, "power": 0.0, "transition_steps": 5},
        5,
    ),
    (
        "polynomial_schedule",
        {"init_value": 0.2, "end_value": 0.1, "power": 2.0, "transition_steps": 0},
        5,
    ),
    ("cosine_decay_schedule", {"init_value": 1.0, "decay_steps": 100}, 100),
    ("cosine_decay_schedule", {"init_value": 0.1, "decay_steps": 1, "alpha": 0.5}, 1),
    (
        "cosine_decay_schedule",
        {"init_value": 0.3, "decay_steps": 333, "alpha": 0.01, "exponent": 2.5},
        333,
    ),
    (
        "cosine_decay_schedule",
        {"init_value": 0.3, "decay_steps": 50, "alpha": 1.5, "exponent": 0.0},
        50,
    ),
    ("exponential_decay", {"init_value": 1.0, "transition_steps": 10, "decay_rate": 0.5}, 10),
    (
        "exponential_decay",
        {
            "init_value": 0.1,
            "transition_steps": 7,
            "decay_rate": 0.9,
            "transition_begin": 13,
            "staircase": True,
        },
        100,
    ),
    (
        "exponential_decay",
        {"init_value": 0.1, "transition_steps": 3, "decay_rate": 0.5, "end_value": 0.01},
        30,
    ),
    (
        "exponential_decay",
        {"init_value": 0.01, "transition_steps": 5, "decay_rate": 1.5, "end_value": 0.2},
        50,
    ),
    (  # a growing rate clips at end_value below init_value from step 0 (optax's min)
        "exponential_decay",
        {"init_value": 0.3, "transition_steps": 5, "decay_rate": 1.5, "end_value": 0.2},
        10,
    ),
    ("exponential_decay", {"init_value": 0.01, "transition_steps": 50, "decay_rate": 1.1}, 300),
    (
        "exponential_decay",
        {"init_value": 0.3, "transition_steps": 0, "decay_rate": 0.5, "end_value": 0.5},
        10,
    ),
    (
        "exponential_decay",
        {"init_value": 0.3, "transition_steps": 4, "decay_rate": 0.0, "end_value": 0.5},
        10,
    ),
    (
        "exponential_decay",
        {"init_value": 0.3, "transition_steps": 4, "decay_rate": 1.0, "transition_begin": -3},
        10,
    ),
    (
        "exponential_decay",
        {
            "init_value": 0.3,
            "transition_steps": 1,
            "decay_rate": 0.7,
            "staircase": True,
            "end_value": 0.0,
        },
        20,
    ),
    ("piecewise_constant_schedule", {"init_value": 0.1}, 5),
    (
        "piecewise_constant_schedule",
        {"init_value": 0.1, "boundaries_and_scales": {30: 0.1, 10: 0.5, 70: 3.0}},
        70,
    ),
    (
        "piecewise_constant_schedule",
        {"init_value": 0.7, "boundaries_and_scales": {0: 0.3, 1: 0.0, 5: 2.0}},
        5,
    ),
    (
        "piecewise_constant_schedule",
        {"init_value": 0.7, "boundaries_and_scales": {-4: 0.3, 2**40: 0.1}},
        5,
    ),
    ("piecewise_interpolate_schedule", {"interpolate_type": "linear", "init_value": 0.3}, 5),
    (
        "piecewise_interpolate_schedule",
        {
            "interpolate_type": "linear",
            "init_value": 0.1,
            "boundaries_and_scales": {10: 0.5, 37: 3.0, 38: 0.0, 90: 7.0},
        },
        90,
    ),
    (
        "piecewise_interpolate_schedule",
        {
            "interpolate_type": "cosine",
            "init_value": 0.1,
            "boundaries_and_scales": {10: 0.5, 37: 3.0, 38: 0.1, 90: 7.0},
        },
        90,
    ),
    (  # boundaries at 0 and below: optax's first interval [0, b) is empty or unused
        "piecewise_interpolate_schedule",
        {
            "interpolate_type": "cosine",
            "init_value": 0.2,
            "boundaries_and_scales": {0: 0.5, 20: 0.1},
        },
        20,
    ),
    (
        "piecewise_interpolate_schedule",
        {
            "interpolate_type": "linear",
            "init_value": 0.2,
            "boundaries_and_scales": {-7: 0.5, -2: 4.0, 15: 0.1},
        },
        15,
    ),
    (
        "piecewise_interpolate_schedule",
        {
            "interpolate_type": "linear",
            "init_value": 0.2,
            "boundaries_and_scales": {-7: 0.5, -2: 4.0},
        },
        5,
    ),
    ("warmup_constant_schedule", {"init_value": 0.0, "peak_value": 0.1, "warmup_steps": 7}, 7),
    ("warmup_constant_schedule", {"init_value": 0.3, "peak_value": 0.1, "warmup_steps": 1}, 1),
    ("warmup_constant_schedule", {"init_value": 0.3, "peak_value": 0.1, "warmup_steps": 0}, 5),
    (
        "warmup_cosine_decay_schedule",
        {"init_value": 0.0, "peak_value": 0.1, "warmup_steps": 10, "decay_steps": 110},
        110,
    ),
    (
        "warmup_cosine_decay_schedule",
        {
            "init_value": 0.01,
            "peak_value": 0.3,
            "warmup_steps": 0,
            "decay_steps": 47,
            "end_value": 0.003,
            "exponent": 2.0,
        },
        47,
    ),
    (
        "warmup_cosine_decay_schedule",
        {
            "init_value": 0.01,
            "peak_value": 0.0,
            "warmup_steps": 3,
            "decay_steps": 4,
            "end_value": 0.003,
        },
        4,
    ),
    (
        "warmup_cosine_decay_schedule",
        {
            "init_value": 0.01,
            "peak_value": 0.2,
            "warmup_steps": 3,
            "decay_steps": 20,
            "end_value": 0.3,
        },
        20,
    ),
    (
        "warmup_exponential_decay_schedule",
        {
            "init_value": 0.0,
            "peak_value": 0.1,
            "warmup_steps": 5,
            "transition_steps": 10,
            "decay_rate": 0.5,
        },
        60,
    ),
    (
        "warmup_exponential_decay_schedule",
        {
            "init_value": 0.0,
            "peak_value": 0.1,
            "warmup_steps": 0,
            "transition_steps": 3,
            "decay_rate": 0.7,
            "transition_begin": 4,
            "staircase": True,
            "end_value": 0.02,
        },
        40,
    ),
    (
        "warmup_exponential_decay_schedule",
        {
            "init_value": 0.05,
            "peak_value": 0.1,
            "warmup_steps": 8,
            "transition_steps": 0,
            "decay_rate": 0.7,
        },
        20,
    ),
    ("linear_onecycle_schedule", {"transition_steps": 100, "peak_value": 0.1}, 100),
    (
        "linear_onecycle_schedule",
        {
            "transition_steps": 37,
            "peak_value": 0.3,
            "pct_start": 0.25,
            "pct_final": 0.9,
            "div_factor": 10.0,
            "final_div_factor": 100.0,
        },
        37,
    ),
    (  # the boundaries collide: optax's dict keeps the later scale at the same step
        "linear_onecycle_schedule",
        {"transition_steps": 1, "peak_value": 0.3},
        1,
    ),
    (
        "linear_onecycle_schedule",
        {"transition_steps": 10, "peak_value": 0.3, "pct_start": 0.0, "pct_final": 1.0},
        10,
    ),
    ("cosine_onecycle_schedule", {"transition_steps": 100, "peak_value": 0.1}, 100),
    (
        "cosine_onecycle_schedule",
        {
            "transition_steps": 41,
            "peak_value": 0.3,
            "pct_start": 0.5,
            "div_factor": 10.0,
            "final_div_factor": 3.0,
        },
        41,
    ),
    ("cosine_onecycle_schedule", {"transition_steps": 1, "peak_value": 0.3}, 1),
    (
        "cosine_onecycle_schedule",
        {"transition_steps": 10, "peak_value": 0.3, "pct_start": 1.0},
        10,
    ),
]


_CYCLE = {"init_value": 0.0, "peak_value": 1.0, "warmup_steps": 5, "decay_steps": 30}
CASES += [
    ("sgdr_schedule", {"cosine_kwargs": [_CYCLE]}, 30),
    ("sgdr_schedule", {"cosine_kwargs": [_CYCLE, _CYCLE, _CYCLE]}, 90),
    (  # cycles that differ: no warm-up, an end value, an exponent, a one-step cycle
        "sgdr_schedule",
        {
            "cosine_kwargs": [
                {"init_value": 0.1, "peak_value": 0.5, "warmup_steps": 0, "decay_steps": 17},
                {
                    "init_value": 0.0,
                    "peak_value": 0.3,
                    "warmup_steps": 3,
                    "decay_steps": 20,
                    "end_value": 0.01,
                    "exponent": 2.0,
                },
                {"init_value": 0.2, "peak_value": 0.2, "warmup_steps": 0, "decay_steps": 1},
                {"init_value": 0.0, "peak_value": 0.05, "warmup_steps": 4, "decay_steps": 9},
            ]
        },
        47,
    ),
]


@pytest.mark.parametrize(("name", "kwargs", "end"), CASES)
def test_matches_optax(name: str, kwargs: dict[str, Any], end: int) -> None:
    check_against_optax(name, kwargs, end)


#: Children of join_schedules, as (function name, kwargs): built by optax and by lrkit.
_PIECES: list[tuple[str, dict[str, Any]]] = [
    ("linear_schedule", {"init_value": 0.0, "end_value": 1.0, "transition_steps": 10}),
    ("constant_schedule", {"value": 0.3}),
    ("cosine_decay_schedule", {"init_value": 1.0, "decay_steps": 20, "alpha": 0.1}),
    ("exponential_decay", {"init_value": 0.5, "transition_steps": 3, "decay_rate": 0.5}),
]


@pytest.mark.parametrize(
    ("pieces", "boundaries"),
    [
        ([0], []),
        ([0, 2], [10]),
        ([0, 1, 2], [10, 25]),
        ([2, 3, 0, 1], [5, 15, 16]),
        ([0, 1, 2], [25, 10]),  # unsorted: the later boundary in the list wins once reached
        ([0, 1, 2], [0, 3]),  # a boundary at 0: the first schedule never runs
        ([0, 1, 2], [-4, 8]),  # a negative boundary: the second schedule runs from -4
        ([0, 1, 2], [7, 7]),  # repeated: the third hides the second
        ([3, 2], [2**40]),
    ],
)
def test_join_schedules_matches_optax(pieces: list[int], boundaries: list[int]) -> None:
    ours = lo.join_schedules(
        [getattr(lo, _PIECES[i][0])(**_PIECES[i][1]) for i in pieces], boundaries
    )
    theirs = optax.join_schedules(
        [getattr(optax, _PIECES[i][0])(**_PIECES[i][1]) for i in pieces], boundaries
    )
    check_pair("join_schedules", ours, theirs, max([30, *(b for b in boundaries if b < 1000)]))
    near = np.array([b + d for b in boundaries for d in (-1, 0, 1, 5) if b + d >= 0], np.int64)
    np.testing.assert_allclose(ours(near), optax_values(theirs, near), rtol=RTOL, atol=0)


def test_join_schedules_of_any_schedule() -> None:
    # Any lrkit schedule is a piece, and a config nests the pieces' configs.
    cosine = lrkit.CosineAnnealingLR(lr=0.1, T_max=10)
    s = lo.join_schedules([lo.linear_schedule(0.0, 0.1, 5), cosine], [5])
    assert [s(t) for t in (0, 5, 10, 15)] == [0.0, cosine(0), cosine(5), cosine(10)]
    config = json.loads(json.dumps(s.to_config()))
    assert config["schedules"][1]["type"] == "CosineAnnealingLR"
    assert from_config(config) == s


def test_sgdr_is_a_join_of_cycles() -> None:
    # Hand-derived: each cycle restarts at the sum of the earlier decay_steps.
    cycles = [_CYCLE, {**_CYCLE, "peak_value": 0.5, "decay_steps": 12}]
    s = lo.sgdr_schedule(cycles)
    first = lo.warmup_cosine_decay_schedule(**cycles[0])
    second = lo.warmup_cosine_decay_schedule(**cycles[1])
    for t in range(0, 60):
        assert s(t) == (first(t) if t < 30 else second(t - 30))
    assert s.breakpoints == (5.0, 30.0, 35.0, 42.0)
    # the config writes optax's keyword arguments, not nested schedule configs
    assert s.to_config()["cosine_kwargs"][1] == {**cycles[1], "end_value": 0.0, "exponent": 1.0}
    assert lo.sgdr_schedule([first, second]) == s


def test_anchor_values() -> None:
    # Hand-derived: linear halfway, polynomial (1 - 1/2)^2, cosine's alpha-weighted midpoint.
    assert lo.linear_schedule(1.0, 0.0, 10)(5) == 0.5
    assert lo.polynomial_schedule(1.0, 0.0, 2.0, 10)(5) == 0.25
    assert lo.cosine_decay_schedule(2.0, 10, alpha=0.5)(5) == pytest.approx(1.5, rel=1e-15)
    assert lo.cosine_decay_schedule(2.0, 10, alpha=0.5)(7) == pytest.approx(
        2.0 * (0.5 * 0.5 * (1 + math.cos(math.pi * 0.7)) + 0.5), rel=1e-15
    )


def test_piecewise_constant_json_keys() -> None:
    config = {
        "type": "optax.piecewise_constant_schedule",
        "init_value": 0.5,
        "boundaries_and_scales": {"20": 0.5, "10": 0.1},
    }
    built = from_config(json.loads(json.dumps(config)))
    assert built == lo.piecewise_constant_schedule(0.5, {10: 0.1, 20: 0.5})
    assert built == lo.piecewise_constant_schedule(0.5, [[20, 0.5], [10, 0.1]])
    # stored as sorted [step, scale] pairs: plain data that round-trips through JSON
    assert built.to_config()["boundaries_and_scales"] == [[10, 0.1], [20, 0.5]]
    assert from_config(json.loads(json.dumps(built.to_config()))) == built
    assert lo.piecewise_constant_schedule(0.5) == lo.piecewise_constant_schedule(0.5, {})
    interpolated = from_config(
        json.loads(json.dumps({**config, "type": "optax.piecewise_interpolate_schedule",
                               "interpolate_type": "cosine"}))
    )  # fmt: skip
    assert interpolated == lo.piecewise_interpolate_schedule("cosine", 0.5, {10: 0.1, 20: 0.5})
    assert from_config(json.loads(json.dumps(interpolated.to_config()))) == interpolated


BAD: list[tuple[Callable[..., Any], dict[str, Any], str]] = [
    (lo.constant_schedule, {"value": -0.1}, "value"),
    (lo.constant_schedule, {"value": math.nan}, "value"),
    (
        lo.linear_schedule,
        {"init_value": -1.0, "end_value": 0.0, "transition_steps": 3},
        "init_value",
    ),
    (
        lo.linear_schedule,
        {"init_value": 1.0, "end_value": -1e-3, "transition_steps": 3},
        "end_value",
    ),
    (
        lo.linear_schedule,
        {"init_value": 1.0, "end_value": 0.0, "transition_steps": 2.5},
        "transition_steps",
    ),
    (
        lo.linear_schedule,
        {"init_value": 1.0, "end_value": 0.0, "transition_steps": 3, "transition_begin": 2**60},
        "transition_begin",
    ),
    (
        lo.polynomial_schedule,
        {"init_value": 1.0, "end_value": 0.0, "power": -1.0, "transition_steps": 3},
        "power",
    ),
    (lo.cosine_decay_schedule, {"init_value": 1.0, "decay_steps": 0}, "decay_steps"),
    (lo.cosine_decay_schedule, {"init_value": 1.0, "decay_steps": 5, "alpha": -0.1}, "alpha"),
    (lo.cosine_decay_schedule, {"init_value": 1.0, "decay_steps": 5, "exponent": -1}, "exponent"),
    (
        lo.exponential_decay,
        {"init_value": -1.0, "transition_steps": 5, "decay_rate": 0.5},
        "init_value",
    ),
    (
        lo.exponential_decay,
        {"init_value": 1.0, "transition_steps": 5, "decay_rate": -0.5},
        "decay_rate",
    ),
    (
        lo.exponential_decay,
        {"init_value": 1.0, "transition_steps": 5, "decay_rate": 0.5, "staircase": "yes"},
        "staircase",
    ),
    (
        lo.exponential_decay,
        {"init_value": 1.0, "transition_steps": 5, "decay_rate": 0.5, "end_value": -1.0},
        "end_value",
    ),
    (lo.piecewise_constant_schedule, {"init_value": -1.0}, "init_value"),
    (lo.cosine_onecycle_schedule, {"transition_steps": -1, "peak_value": 0.1}, "transition_steps"),
    (
        lo.cosine_onecycle_schedule,
        {"transition_steps": 5, "peak_value": 0.1, "pct_start": -0.1},
        "pct_start",
    ),
    (
        lo.cosine_onecycle_schedule,
        {
            "transition_steps": 5,
            "peak_value": 0.1,
            "div_factor": 1e-200,
            "final_div_factor": 1e-200,
        },
        "final_div_factor",
    ),
    (lo.linear_onecycle_schedule, {"transition_steps": 0, "peak_value": 0.1}, "transition_steps"),
    (lo.linear_onecycle_schedule, {"transition_steps": 5, "peak_value": -0.1}, "peak_value"),
    (
        lo.linear_onecycle_schedule,
        {"transition_steps": 5, "peak_value": 0.1, "pct_start": 1.5},
        "pct_start",
    ),
    (
        lo.linear_onecycle_schedule,
        {"transition_steps": 5, "peak_value": 0.1, "div_factor": 0.0},
        "div_factor",
    ),
    (
        lo.linear_onecycle_schedule,
        {"transition_steps": 5, "peak_value": 0.1, "final_div_factor": 1e-320},
        "final_div_factor",
    ),
    (
        lo.warmup_constant_schedule,
        {"init_value": 0.0, "peak_value": -0.1, "warmup_steps": 3},
        "peak_value",
    ),
    (
        lo.warmup_constant_schedule,
        {"init_value": 0.0, "peak_value": 0.1, "warmup_steps": 0.5},
        "warmup_steps",
    ),
    (
        lo.warmup_cosine_decay_schedule,
        {"init_value": 0.0, "peak_value": 0.1, "warmup_steps": 10, "decay_steps": 10},
        "decay_steps",
    ),
    (
        lo.warmup_cosine_decay_schedule,
        {"init_value": 0.0, "peak_value": 0.1, "warmup_steps": -1, "decay_steps": 10},
        "warmup_steps",
    ),
    (
        lo.warmup_cosine_decay_schedule,
        {
            "init_value": 0.0,
            "peak_value": 0.1,
            "warmup_steps": 1,
            "decay_steps": 10,
            "end_value": -1.0,
        },
        "end_value",
    ),
    (
        lo.warmup_exponential_decay_schedule,
        {
            "init_value": 0.0,
            "peak_value": 0.1,
            "warmup_steps": 1,
            "transition_steps": 10,
            "decay_rate": -0.5,
        },
        "decay_rate",
    ),
    (
        lo.piecewise_interpolate_schedule,
        {"interpolate_type": "quadratic", "init_value": 1.0},
        "interpolate_type",
    ),
    (
        lo.piecewise_interpolate_schedule,
        {"interpolate_type": "linear", "init_value": 1.0, "boundaries_and_scales": {5: -1.0}},
        "boundaries_and_scales",
    ),
    (
        lo.piecewise_interpolate_schedule,
        {"interpolate_type": "cosine", "init_value": math.inf},
        "init_value",
    ),
    (
        lo.piecewise_constant_schedule,
        {"init_value": 1.0, "boundaries_and_scales": {10: -0.1}},
        "boundaries_and_scales",
    ),
    (
        lo.piecewise_constant_schedule,
        {"init_value": 1.0, "boundaries_and_scales": {"ten": 0.1}},
        "boundaries_and_scales",
    ),
    (
        lo.piecewise_constant_schedule,
        {"init_value": 1.0, "boundaries_and_scales": {"10": 0.1, 10: 0.5}},
        "boundaries_and_scales",
    ),
    (
        lo.piecewise_constant_schedule,
        {"init_value": 1.0, "boundaries_and_scales": {1: 1e200, 2: 1e200}},
        "boundaries_and_scales",
    ),
    (
        lo.piecewise_constant_schedule,
        {"init_value": 1.0, "boundaries_and_scales": 3},
        "boundaries_and_scales",
    ),
]


_LIN = {"type": "optax.linear_schedule", "init_value": 0.0, "end_value": 1.0, "transition_steps": 5}
BAD += [
    (lo.sgdr_schedule, {"cosine_kwargs": []}, "cosine_kwargs"),
    (lo.sgdr_schedule, {"cosine_kwargs": _CYCLE}, "cosine_kwargs"),
    (lo.sgdr_schedule, {"cosine_kwargs": [_CYCLE, 3]}, r"cosine_kwargs\[1\]"),
    (
        lo.sgdr_schedule,
        {"cosine_kwargs": [{**_CYCLE, "decay_steps": 5}]},
        r"cosine_kwargs\[0\]\.decay_steps",
    ),
    (
        lo.sgdr_schedule,
        {"cosine_kwargs": [{k: v for k, v in _CYCLE.items() if k != "peak_value"}]},
        r"cosine_kwargs\[0\]\.peak_value",
    ),
    (lo.sgdr_schedule, {"cosine_kwargs": [{**_CYCLE, "alpha": 0.1}]}, r"cosine_kwargs\[0\]\.alpha"),
    (
        lo.sgdr_schedule,
        {"cosine_kwargs": [{**_CYCLE, "decay_steps": 2**52 + 1}] * 2},
        "cosine_kwargs",
    ),
]


@pytest.mark.parametrize(
    ("schedules", "boundaries", "argument"),
    [
        ([], [], "schedules"),
        ([_LIN, _LIN], [], "boundaries"),
        ([_LIN, _LIN], [3, 4], "boundaries"),
        ([_LIN, _LIN], [1.5], r"boundaries\[0\]"),
        ([_LIN, _LIN], [2**60], r"boundaries\[0\]"),
        ([_LIN, _LIN], "3", "boundaries"),
        ([_LIN, 3], [3], r"schedules\[1\]"),
    ],
)
def test_join_schedules_errors_name_the_argument(
    schedules: list[Any], boundaries: Any, argument: str
) -> None:
    built = [from_config(c) if isinstance(c, dict) else c for c in schedules]
    with pytest.raises((ValueError, TypeError), match=argument):
        lo.join_schedules(built, boundaries)
    if all(isinstance(c, dict) for c in schedules) and schedules:
        config = {"type": "optax.join_schedules", "schedules": schedules, "boundaries": boundaries}
        with pytest.raises((ValueError, TypeError), match=argument):
            from_config(config)


def test_join_schedules_piece_must_reach_its_end() -> None:
    # OneCycleLR ends at total_steps - 1: it cannot run until step 20.
    short = lrkit.OneCycleLR(max_lr=0.1, total_steps=10)
    with pytest.raises(ValueError, match=r"schedules\[0\]"):
        lo.join_schedules([short, lo.constant_schedule(0.1)], [20])
    assert lo.join_schedules([short, lo.constant_schedule(0.1)], [10])(9) == short(9)


@pytest.mark.parametrize(("function", "kwargs", "argument"), BAD)
def test_errors_name_the_argument(
    function: Callable[..., Any], kwargs: dict[str, Any], argument: str
) -> None:
    with pytest.raises((ValueError, TypeError), match=argument):
        function(**kwargs)
    name = function.__name__
    with pytest.raises((ValueError, TypeError), match=argument):
        from_config({"type": f"optax.{name}", **kwargs})
