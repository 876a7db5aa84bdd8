"""Configs: ``from_config`` for every type, ``to_config`` round trips, and bad configs.

Configs written by hand (``tests/strategies.py`` writes each generated schedule's config
independently of ``to_config``, optionally with ``lr`` stated once at the top) must
build the same schedule as calling the constructors. Bad configs must fail with a
message naming the key path, the value and what is allowed.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import families  # tests/families.py: every family's strategy
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lrkit import (
    ChainedScheduler,
    ConstantLR,
    CosineAnnealingLR,
    CyclicLR,
    ExponentialLR,
    InvalidType,
    InvalidValue,
    LambdaLR,
    LinearLR,
    Momentum,
    MultiplicativeLR,
    OneCycleLR,
    SequentialLR,
    StepLR,
    from_config,
)
from lrkit.core._schedule import REGISTRY, arguments

CONFIGS = settings(
    max_examples=50,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def steps_of(schedule: Any) -> np.ndarray[Any, Any]:
    return np.linspace(0, schedule.length or 100, 41).round()


# ---------------------------------------------------------------------------------------
# Every type from a hand-written config.
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("family", list(families.FAMILIES))
@CONFIGS
@given(data=st.data())
def test_config_builds_the_same_schedule(family: str, data: st.DataObject) -> None:
    spec = data.draw(families.FAMILIES[family])
    expected = spec.build()
    hoist = data.draw(st.booleans(), label="hoist_lr")
    config = spec.config(hoist_lr=hoist)
    # Through JSON, as a config file would come.
    built = from_config(json.loads(json.dumps(config)))
    assert built == expected
    assert hash(built) == hash(expected)
    t = steps_of(expected)
    np.testing.assert_array_equal(built(t), expected(t))


def test_every_registered_type_is_generated() -> None:
    kinds = {name.split("-")[0] for name in families.FAMILIES}
    assert kinds == set(REGISTRY)


@pytest.mark.parametrize("family", list(families.FAMILIES))
@settings(max_examples=10, deadline=None, database=None)
@given(data=st.data())
def test_fields_that_hold_schedules_are_declared(family: str, data: st.DataObject) -> None:
    # A field whose config nests schedule configs is one the config layer builds first:
    # schedule_fields (one) or schedule_lists (a list), and nothing else is declared.
    schedule = data.draw(families.FAMILIES[family]).build()
    config = schedule.to_config()
    cls = type(schedule)
    for field in arguments(schedule):
        value = config[field.name]
        one = isinstance(value, dict) and "type" in value
        many = isinstance(value, list) and any(isinstance(v, dict) and "type" in v for v in value)
        assert (field.name in cls.schedule_fields) == (one and field.name != "lr_lambda")
        assert (field.name in cls.schedule_lists) == many


def test_every_type_by_hand() -> None:
    cases: list[tuple[dict[str, Any], Any]] = [
        ({"type": "StepLR", "lr": 0.1, "step_size": 30}, StepLR(lr=0.1, step_size=30)),
        (
            {"type": "MultiStepLR", "lr": 0.1, "milestones": [30, 80], "gamma": 0.5},
            __import__("lrkit").MultiStepLR(lr=0.1, milestones=(30, 80), gamma=0.5),
        ),
        ({"type": "ConstantLR", "lr": 0.1}, ConstantLR(lr=0.1)),
        ({"type": "LinearLR", "lr": 0.1, "total_iters": 8}, LinearLR(lr=0.1, total_iters=8)),
        ({"type": "ExponentialLR", "lr": 0.1, "gamma": 0.9}, ExponentialLR(lr=0.1, gamma=0.9)),
        (
            {"type": "PolynomialLR", "lr": 0.1, "power": 2},
            __import__("lrkit").PolynomialLR(lr=0.1, power=2.0),
        ),
        (
            {"type": "CosineAnnealingLR", "lr": 0.1, "T_max": 100, "eta_min": 1e-3},
            CosineAnnealingLR(lr=0.1, T_max=100, eta_min=1e-3),
        ),
        (
            {"type": "CosineAnnealingWarmRestarts", "lr": 0.1, "T_0": 10, "T_mult": 2},
            __import__("lrkit").CosineAnnealingWarmRestarts(lr=0.1, T_0=10, T_mult=2),
        ),
        (
            {"type": "LambdaLR", "lr": 0.1, "lr_lambda": "0.95 ** epoch"},
            LambdaLR(lr=0.1, lr_lambda="0.95 ** epoch"),
        ),
        (
            {"type": "MultiplicativeLR", "lr": 0.1, "lr_lambda": "0.95"},
            MultiplicativeLR(lr=0.1, lr_lambda="0.95"),
        ),
        (
            {"type": "CyclicLR", "base_lr": 0.01, "max_lr": 0.1, "step_size_up": 10},
            CyclicLR(base_lr=0.01, max_lr=0.1, step_size_up=10),
        ),
        (
            {"type": "OneCycleLR", "max_lr": 0.1, "epochs": 4, "steps_per_epoch": 25},
            OneCycleLR(max_lr=0.1, epochs=4, steps_per_epoch=25),
        ),
        (
            {"type": "Momentum", "of": {"type": "OneCycleLR", "max_lr": 0.1, "total_steps": 100}},
            OneCycleLR(max_lr=0.1, total_steps=100).momentum,
        ),
        (
            {
                "type": "SequentialLR",
                "lr": 0.1,
                "schedulers": [
                    {"type": "ConstantLR", "factor": 0.5},
                    {"type": "StepLR", "step_size": 3},
                ],
                "milestones": [5],
            },
            SequentialLR([ConstantLR(lr=0.1, factor=0.5), StepLR(lr=0.1, step_size=3)], [5]),
        ),
        (
            {
                "type": "ChainedScheduler",
                "lr": 0.1,
                "schedulers": [{"type": "ConstantLR"}, {"type": "ExponentialLR", "gamma": 0.9}],
            },
            ChainedScheduler([ConstantLR(lr=0.1), ExponentialLR(lr=0.1, gamma=0.9)]),
        ),
    ]
    cases += families.BY_HAND
    assert {config["type"] for config, _ in cases} == set(REGISTRY)
    for config, expected in cases:
        built = from_config(config)
        assert built == expected, config
        assert from_config(built.to_config()) == expected


# ---------------------------------------------------------------------------------------
# lr inheritance, overriding, nesting, Momentum, expressions.
# ---------------------------------------------------------------------------------------


def test_nested_lr_is_inherited_and_can_be_overridden() -> None:
    config = {
        "type": "SequentialLR",
        "lr": 0.1,
        "schedulers": [
            {"type": "LinearLR", "start_factor": 0.1, "total_iters": 5},
            {
                "type": "SequentialLR",
                "schedulers": [
                    {"type": "CosineAnnealingLR", "T_max": 20},
                    {"type": "StepLR", "lr": 0.05, "step_size": 10},  # overrides
                ],
                "milestones": [20],
            },
            {
                "type": "ChainedScheduler",
                "schedulers": [
                    {"type": "ConstantLR", "factor": 0.5},
                    {"type": "ExponentialLR", "gamma": 0.9},
                ],
            },
        ],
        "milestones": [5, 50],
    }
    expected = SequentialLR(
        [
            LinearLR(lr=0.1, start_factor=0.1, total_iters=5),
            SequentialLR(
                [CosineAnnealingLR(lr=0.1, T_max=20), StepLR(lr=0.05, step_size=10)], [20]
            ),
            ChainedScheduler([ConstantLR(lr=0.1, factor=0.5), ExponentialLR(lr=0.1, gamma=0.9)]),
        ],
        [5, 50],
    )
    built = from_config(config)
    assert built == expected
    # The values follow: warm-up to 0.1, cosine from 0.1, the overriding StepLR from 0.05,
    # then the chained child from the inherited 0.1.
    assert built(0) == pytest.approx(0.01, rel=1e-15)
    assert built(5) == 0.1
    assert built(24) == pytest.approx(0.1 * (1 + math.cos(math.pi * 19 / 20)) / 2, rel=1e-13)
    assert built(25) == 0.05
    assert built(49) == pytest.approx(0.05 * 0.1**2, rel=1e-15)  # StepLR at its step 24
    assert built(50) == 0.1 * 0.5  # the chained child inherits 0.1 again
    # And to_config states the shared lr once, keeping only the override below it.
    round_trip = built.to_config()
    assert round_trip["lr"] == 0.1
    assert "lr" not in round_trip["schedulers"][0]
    nested = round_trip["schedulers"][1]
    assert nested["schedulers"][1]["lr"] == 0.05
    assert from_config(round_trip) == expected


def test_child_lr_overrides_and_default_lr_argument() -> None:
    config = {
        "type": "ChainedScheduler",
        "schedulers": [{"type": "ConstantLR"}, {"type": "ExponentialLR", "gamma": 0.9}],
    }
    assert from_config(config, lr=0.2) == ChainedScheduler(
        [ConstantLR(lr=0.2), ExponentialLR(lr=0.2, gamma=0.9)]
    )
    # A top-level lr in the config wins over the keyword default.
    assert from_config({**config, "lr": 0.3}, lr=0.2).lr == 0.3
    # A leaf's own lr wins over an inherited one.
    assert from_config({"type": "StepLR", "lr": 0.5, "step_size": 3}, lr=0.2).lr == 0.5  # type: ignore[attr-defined]
    # Children that disagree on lr are stated per child (and ChainedScheduler refuses them).
    with pytest.raises(InvalidValue, match=r"^schedulers must be schedules that share one lr"):
        from_config(
            {
                "type": "ChainedScheduler",
                "lr": 0.1,
                "schedulers": [
                    {"type": "ConstantLR"},
                    {"type": "ExponentialLR", "lr": 0.2, "gamma": 0.9},
                ],
            }
        )


def test_momentum_configs() -> None:
    for of in (
        {
            "type": "CyclicLR",
            "base_lr": 0.01,
            "max_lr": 0.1,
            "step_size_up": 10,
            "base_momentum": 0.7,
            "max_momentum": 0.95,
        },
        {"type": "OneCycleLR", "max_lr": 0.1, "total_steps": 100, "three_phase": True},
    ):
        momentum = from_config({"type": "Momentum", "of": of})
        assert isinstance(momentum, Momentum)
        lr_schedule = from_config(of)
        assert momentum == lr_schedule.momentum
        t = steps_of(momentum)
        np.testing.assert_array_equal(momentum(t), lr_schedule.momentum(t))  # type: ignore[union-attr]
        config = momentum.to_config()
        assert config == {"type": "Momentum", "of": lr_schedule.to_config()}
        assert from_config(json.loads(json.dumps(config))) == momentum


def test_expression_strings_in_configs() -> None:
    lam = from_config({"type": "LambdaLR", "lr": 0.1, "lr_lambda": "0.95 ** epoch"})
    for t in (0, 1, 7, 100):
        assert lam(t) == pytest.approx(0.1 * 0.95**t, rel=1e-15)
    mult = from_config(
        {"type": "MultiplicativeLR", "lr": 0.1, "lr_lambda": "0.5 if epoch < 3 else 1"}
    )
    assert [mult(t) for t in range(5)] == [0.1, 0.05, 0.025, 0.025, 0.025]
    # scale_fn "1 / 2 ** (x - 1)" on cycles is triangular2, exactly (powers of two).
    custom = from_config(
        {
            "type": "CyclicLR",
            "base_lr": 0.01,
            "max_lr": 0.1,
            "step_size_up": 5,
            "scale_fn": "1 / (2.0 ** (x - 1))",
            "scale_mode": "cycle",
        }
    )
    built_in = CyclicLR(base_lr=0.01, max_lr=0.1, step_size_up=5, mode="triangular2")
    t = np.arange(0, 60)
    np.testing.assert_array_equal(custom(t), built_in(t))
    # Expressions survive to_config as their text.
    assert custom.to_config()["scale_fn"] == "1 / (2.0 ** (x - 1))"
    assert lam.to_config()["lr_lambda"] == "0.95 ** epoch"


@pytest.mark.parametrize(
    "schedule",
    [
        LambdaLR(lr=0.1, lr_lambda=lambda epoch: 0.95**epoch),
        MultiplicativeLR(lr=0.1, lr_lambda=lambda epoch: 0.95),
        CyclicLR(base_lr=0.01, max_lr=0.1, scale_fn=lambda x: 1.0),
        SequentialLR(
            [StepLR(lr=0.1, step_size=3), LambdaLR(lr=0.1, lr_lambda=lambda epoch: 1.0)], [5]
        ),
    ],
    ids=["LambdaLR", "MultiplicativeLR", "CyclicLR", "nested"],
)
def test_to_config_of_a_python_callable_suggests_an_expression(schedule: Any) -> None:
    with pytest.raises(TypeError) as info:
        schedule.to_config()
    message = str(info.value)
    assert re.search(r"(lr_lambda|scale_fn) is a Python callable", message), message
    assert "expression" in message and "lrkit.Expr" in message


# ---------------------------------------------------------------------------------------
# Bad configs.
# ---------------------------------------------------------------------------------------

ALL_TYPES = ", ".join(sorted(REGISTRY))

BAD_CONFIGS = [
    pytest.param(
        {"type": "CosineAnealingLR", "lr": 0.1, "T_max": 10},
        InvalidValue,
        "type",
        "'CosineAnealingLR'",
        [re.escape(f"one of {ALL_TYPES}"), r"did you mean 'CosineAnnealingLR'\?"],
        id="misspelt-type",
    ),
    pytest.param(
        {"type": "WarmupLR", "lr": 0.1},
        InvalidValue,
        "type",
        "'WarmupLR'",
        [re.escape(f"one of {ALL_TYPES}")],
        id="unknown-type",
    ),
    pytest.param(
        {"lr": 0.1, "step_size": 3},
        InvalidValue,
        "type",
        "None",
        [r"given: one of " + re.escape(ALL_TYPES)],
        id="missing-type",
    ),
    pytest.param(
        {"type": "StepLR", "lr": 0.1, "step_sise": 30},
        InvalidValue,
        "step_sise",
        "'step_sise'",
        [r"a key StepLR knows", r"did you mean 'step_size'\?"],
        id="misspelt-key",
    ),
    pytest.param(
        {"type": "StepLR", "lr": 0.1, "step_size": 3, "warmup_steps": 5},
        InvalidValue,
        "warmup_steps",
        "'warmup_steps'",
        [r"unknown key; StepLR takes gamma, lr, step_size"],
        id="extra-key",
    ),
    pytest.param(
        {"type": "CyclicLR", "lr": 0.1, "max_lr": 1.0},
        InvalidValue,
        "lr",
        "'lr'",
        [r"a key CyclicLR knows"],
        id="lr-on-cyclic",
    ),
    pytest.param(
        {"type": "StepLR", "lr": 0.1},
        InvalidValue,
        "step_size",
        "None",
        [r"given for StepLR", r"required key missing"],
        id="missing-required",
    ),
    pytest.param(
        {"type": "StepLR", "step_size": 3},
        InvalidValue,
        "lr",
        "None",
        [r"given for StepLR", r"required key missing"],
        id="missing-lr",
    ),
    pytest.param(
        {"type": "StepLR", "lr": 0.1, "step_size": "30"},
        InvalidType,
        "step_size",
        "'30'",
        [r"a positive integer"],
        id="string-count",
    ),
    pytest.param(
        {"type": "StepLR", "lr": "0.1", "step_size": 30},
        InvalidType,
        "lr",
        "'0.1'",
        [r"a finite number >= 0"],
        id="string-lr",
    ),
    pytest.param(
        {"type": "CyclicLR", "base_lr": 0.01, "max_lr": 0.1, "cycle_momentum": "false"},
        InvalidType,
        "cycle_momentum",
        "'false'",
        [r"True or False"],
        id="string-bool",
    ),
    pytest.param(
        {"type": "MultiStepLR", "lr": 0.1, "milestones": 30},
        InvalidType,
        "milestones",
        "30",
        [r"a list of integers >= 0"],
        id="milestones-not-a-list",
    ),
    pytest.param(
        {"type": "SequentialLR", "lr": 0.1, "schedulers": {"type": "StepLR"}, "milestones": []},
        InvalidType,
        "schedulers",
        "{'type': 'StepLR'}",
        [r"a non-empty list of schedule configs"],
        id="schedulers-not-a-list",
    ),
    pytest.param(
        {"type": "SequentialLR", "lr": 0.1, "schedulers": [], "milestones": []},
        InvalidType,
        "schedulers",
        "[]",
        [r"a non-empty list of schedule configs"],
        id="schedulers-empty",
    ),
    pytest.param(
        {
            "type": "SequentialLR",
            "lr": 0.1,
            "schedulers": [
                {"type": "LinearLR", "total_iters": 5},
                {"type": "CosineAnnealingLR", "T_max": -5},
            ],
            "milestones": [5],
        },
        InvalidValue,
        "schedulers[1].T_max",
        "-5",
        [r"a positive finite number"],
        id="nested-T_max",
    ),
    pytest.param(
        {
            "type": "SequentialLR",
            "lr": 0.1,
            "schedulers": [
                {"type": "LambdaLR", "lr_lambda": lambda epoch: 0.9},
                {"type": "StepLR", "step_size": 3},
            ],
            "milestones": [5],
        },
        InvalidType,
        "schedulers[0].lr_lambda",
        "<function",
        [r"an expression string \(configs hold no Python callables\)"],
        id="nested-callable-lr_lambda",
    ),
    pytest.param(
        {
            "type": "SequentialLR",
            "lr": 0.1,
            "schedulers": [
                {"type": "LambdaLR", "lr_lambda": "os.system(1)"},
                {"type": "StepLR", "step_size": 3},
            ],
            "milestones": [5],
        },
        InvalidValue,
        "schedulers[0].lr_lambda",
        "'os.system(1)'",
        [r"an arithmetic expression in epoch", r"calling 'os.system' is not allowed"],
        id="nested-unsafe-expression",
    ),
    pytest.param(
        {
            "type": "SequentialLR",
            "lr": 0.1,
            "schedulers": [
                {"type": "StepLR", "step_size": 3},
                {
                    "type": "ChainedScheduler",
                    "schedulers": [{"type": "ConstantLR"}, {"type": "StepLR", "step_sise": 3}],
                },
            ],
            "milestones": [5],
        },
        InvalidValue,
        "schedulers[1].schedulers[1].step_sise",
        "'step_sise'",
        [r"did you mean 'step_size'\?"],
        id="deeply-nested-misspelt-key",
    ),
    pytest.param(
        {
            "type": "SequentialLR",
            "lr": 0.1,
            "schedulers": [{"type": "StepLR", "step_size": 3}, {"type": "Cosine", "T_max": 3}],
            "milestones": [5],
        },
        InvalidValue,
        "schedulers[1].type",
        "'Cosine'",
        [re.escape(f"one of {ALL_TYPES}")],
        id="nested-unknown-type",
    ),
    pytest.param(
        {
            "type": "SequentialLR",
            "lr": 0.1,
            "schedulers": [{"type": "StepLR", "step_size": 3}, {"type": "StepLR"}],
            "milestones": [5],
        },
        InvalidValue,
        "schedulers[1].step_size",
        "None",
        [r"required key missing"],
        id="nested-missing-key",
    ),
    pytest.param(
        {
            "type": "SequentialLR",
            "lr": 0.1,
            "schedulers": [{"type": "StepLR", "step_size": 3}, 5],
            "milestones": [5],
        },
        InvalidType,
        "schedulers[1]",
        "5",
        [r"a mapping with a 'type' key"],
        id="nested-not-a-mapping",
    ),
    pytest.param(
        {
            "type": "SequentialLR",
            "lr": 0.1,
            "schedulers": [{"type": "StepLR", "step_size": 3}, {"type": "StepLR", "step_size": 3}],
            "milestones": [5, 3],
        },
        InvalidValue,
        "milestones",
        "[5, 3]",
        [r"a list of 1 steps"],
        id="milestones-count",
    ),
    pytest.param(
        {
            "type": "ChainedScheduler",
            "lr": 0.1,
            "schedulers": [
                {
                    "type": "SequentialLR",
                    "schedulers": [
                        {"type": "StepLR", "step_size": 3},
                        {"type": "StepLR", "step_size": 3},
                    ],
                    "milestones": [5, 5],
                }
            ],
        },
        InvalidValue,
        "schedulers[0].milestones",
        "[5, 5]",
        [r"a list of 1 steps"],
        id="nested-milestones",
    ),
    pytest.param(
        {"type": "Momentum", "of": {"type": "OneCycleLR", "max_lr": -1, "total_steps": 10}},
        InvalidValue,
        "of.max_lr",
        "-1",
        [r"a finite number >= 0"],
        id="momentum-of-path",
    ),
    pytest.param(
        {"type": "CyclicLR", "base_lr": 0.01, "max_lr": 0.1, "scale_fn": 2},
        InvalidType,
        "scale_fn",
        "2",
        [r"an expression string \(configs hold no Python callables\)"],
        id="scale_fn-number",
    ),
    pytest.param(
        {"type": "LambdaLR", "lr": 0.1, "lr_lambda": "10 ** 10 ** 10"},
        InvalidValue,
        "lr_lambda",
        "'10 ** 10 ** 10'",
        [r"an expression that evaluates to finite numbers", r"overflow"],
        id="huge-power",
    ),
]


@pytest.mark.parametrize(("config", "error", "path", "shown", "rules"), BAD_CONFIGS)
def test_bad_config_names_the_key_path(
    config: dict[str, Any], error: type[Exception], path: str, shown: str, rules: list[str]
) -> None:
    with pytest.raises(error) as info:
        from_config(config)
    message = str(info.value)
    assert message.startswith(f"{path} must be "), message
    assert f", got {shown}" in message, message
    for rule in rules:
        assert re.search(rule, message), (rule, message)
    assert info.value.argument == path  # type: ignore[attr-defined]


def test_config_must_be_a_mapping() -> None:
    with pytest.raises(InvalidType, match=r"^config must be a mapping with a 'type' key, got \["):
        from_config([{"type": "StepLR"}])  # type: ignore[arg-type]


@pytest.mark.parametrize("key", ["lr_lambda"])
@pytest.mark.parametrize("kind", ["LambdaLR", "MultiplicativeLR"])
def test_config_rejects_a_callable(kind: str, key: str) -> None:
    # Configs hold no code: even a perfectly good Python function is refused.
    with pytest.raises(InvalidType) as info:
        from_config({"type": kind, "lr": 0.1, key: lambda epoch: 0.9})
    message = str(info.value)
    assert message.startswith(f"{key} must be an expression string")
    assert "configs hold no Python callables" in message


def test_huge_constant_power_fails_fast() -> None:
    # Float arithmetic, folded at construction: an error, never a giant integer (a hang
    # would stop the suite; speed itself is not asserted in unit tests).
    for text in ("10 ** 10 ** 10", "9 ** 9 ** 9 ** 9", "(10 ** 10) ** (10 ** 10)", "2 ** 10000"):
        with pytest.raises(InvalidValue, match=r"^lr_lambda must be .*finite.*overflow"):
            from_config({"type": "LambdaLR", "lr": 0.1, "lr_lambda": text})


def test_huge_power_of_the_step_fails_fast_at_that_step() -> None:
    s = from_config({"type": "LambdaLR", "lr": 0.1, "lr_lambda": "epoch ** 10 ** 10"})
    assert s(0) == 0.0 and s(1) == 0.1
    with pytest.raises(InvalidValue, match=r"^lr_lambda must be .*finite.*epoch=2\.0"):
        s(2)
    with pytest.raises(InvalidValue, match=r"epoch=2\.0"):
        s(np.array([0, 1, 2, 3]))


def test_config_values_are_not_mutated() -> None:
    config = {
        "type": "SequentialLR",
        "lr": 0.1,
        "schedulers": [{"type": "StepLR", "step_size": 3}, {"type": "ExponentialLR", "gamma": 0.9}],
        "milestones": [5],
    }
    snapshot = json.dumps(config, sort_keys=True)
    from_config(config)
    from_config(config)
    assert json.dumps(config, sort_keys=True) == snapshot


def test_to_config_is_plain_json() -> None:
    s = SequentialLR(
        [
            LinearLR(lr=0.1, start_factor=0.1, total_iters=5),
            OneCycleLR(max_lr=0.5, total_steps=100, anneal_strategy="linear"),
            CyclicLR(base_lr=0.01, max_lr=0.1, scale_fn="0.5 ** x"),
        ],
        [5, 105],
    )
    config = s.to_config()
    text = json.dumps(config, allow_nan=False)
    assert json.loads(text) == config

    def plain(value: Any) -> bool:
        if isinstance(value, dict):
            return all(isinstance(k, str) and plain(v) for k, v in value.items())
        if isinstance(value, list):
            return all(plain(v) for v in value)
        return value is None or type(value) in (bool, int, float, str)

    assert plain(config)
    assert not any(isinstance(v, float) and not math.isfinite(v) for v in config.values())
