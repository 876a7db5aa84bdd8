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


def optax_values(name: str, kwargs: dict[str, Any], steps: np.ndarray) -> np.ndarray:
    schedule = getattr(optax, name)(**kwargs)
    out = np.asarray(schedule(jnp.asarray(steps)), dtype=np.float64)
    return np.broadcast_to(out, steps.shape)


def check_against_optax(name: str, kwargs: dict[str, Any], end: int) -> None:
    ours = getattr(lo, name)(**kwargs)
    steps = np.arange(0, 2 * end + 20, dtype=np.int64)
    expected = optax_values(name, kwargs, steps)
    np.testing.assert_allclose(ours(steps), expected, rtol=RTOL, atol=0)
    # scalar path (Python ints) agrees with the array path
    scalar = np.array([ours(int(t)) for t in steps[:: max(1, len(steps) // 200)]])
    np.testing.assert_allclose(scalar, ours(steps[:: max(1, len(steps) // 200)]), rtol=1e-15)
    # fractional steps
    fractions = np.array([0.5, 1.25, end / 3 + 0.1, end + 0.5], dtype=np.float64)
    np.testing.assert_allclose(
        ours(fractions), optax_values(name, kwargs, fractions), rtol=RTOL, atol=0
    )
    # huge steps hold the last value, finite
    huge = ours(np.array([2**62, 2**63 - 1], dtype=np.int64))
    assert np.isfinite(huge).all()
    np.testing.assert_allclose(huge, expected[-1], rtol=RTOL)
    assert ours(2**63 - 1) == pytest.approx(expected[-1], rel=RTOL)
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
]


@pytest.mark.parametrize(("name", "kwargs", "end"), CASES)
def test_matches_optax(name: str, kwargs: dict[str, Any], end: int) -> None:
    check_against_optax(name, kwargs, end)


def test_anchor_values() -> None:
    # Hand-derived: linear halfway, polynomial (1 - 1/2)^2, cosine's alpha-weighted midpoint.
    assert lo.linear_schedule(1.0, 0.0, 10)(5) == 0.5
    assert lo.polynomial_schedule(1.0, 0.0, 2.0, 10)(5) == 0.25
    assert lo.cosine_decay_schedule(2.0, 10, alpha=0.5)(5) == pytest.approx(1.5, rel=1e-15)
    assert lo.cosine_decay_schedule(2.0, 10, alpha=0.5)(7) == pytest.approx(
        2.0 * (0.5 * 0.5 * (1 + math.cos(math.pi * 0.7)) + 0.5), rel=1e-15
    )


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
]


@pytest.mark.parametrize(("function", "kwargs", "argument"), BAD)
def test_errors_name_the_argument(
    function: Callable[..., Any], kwargs: dict[str, Any], argument: str
) -> None:
    with pytest.raises((ValueError, TypeError), match=argument):
        function(**kwargs)
    name = function.__name__
    with pytest.raises((ValueError, TypeError), match=argument):
        from_config({"type": f"optax.{name}", **kwargs})
