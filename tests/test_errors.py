"""Argument validation: every argument is checked at construction, with a clear message.

Each case starts from a valid set of arguments for one class (``BASE``) and changes one
argument. The error must be lrkit's ``InvalidValue`` (a ``ValueError``) or
``InvalidType`` (a ``TypeError``), its message must read ``"<argument> must be <rule>,
got <value>"`` with the argument's name, the rule and the offending value. The second half
checks values that look odd but are accepted, with the meaning lrkit documents for them.
"""

from __future__ import annotations

import math
import re
import sys
import warnings
from collections.abc import Callable
from typing import Any

import mpmath
import numpy as np
import pytest

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
    Momentum,
    MultiplicativeLR,
    MultiStepLR,
    OneCycleLR,
    PolynomialLR,
    Schedule,
    SequentialLR,
    StepLR,
)

NAN = math.nan
INF = math.inf


def _sequential_children() -> list[Schedule]:
    return [
        LinearLR(lr=0.1, start_factor=0.1, total_iters=5),
        CosineAnnealingLR(lr=0.1, T_max=20),
        ExponentialLR(lr=0.1, gamma=0.9),
    ]


#: A valid set of arguments for every class; each case changes exactly one of them.
BASE: dict[type[Schedule], Callable[[], dict[str, Any]]] = {
    StepLR: lambda: {"lr": 0.1, "step_size": 30, "gamma": 0.1},
    MultiStepLR: lambda: {"lr": 0.1, "milestones": [30, 80], "gamma": 0.1},
    ConstantLR: lambda: {"lr": 0.1, "factor": 0.5, "total_iters": 4},
    LinearLR: lambda: {"lr": 0.1, "start_factor": 0.25, "end_factor": 1.0, "total_iters": 4},
    ExponentialLR: lambda: {"lr": 0.1, "gamma": 0.9},
    PolynomialLR: lambda: {"lr": 0.1, "total_iters": 10, "power": 2.0},
    CosineAnnealingLR: lambda: {"lr": 0.1, "T_max": 100, "eta_min": 0.001},
    CosineAnnealingWarmRestarts: lambda: {"lr": 0.1, "T_0": 10, "T_mult": 2, "eta_min": 0.0},
    LambdaLR: lambda: {"lr": 0.1, "lr_lambda": "0.95 ** epoch"},
    MultiplicativeLR: lambda: {"lr": 0.1, "lr_lambda": "0.95"},
    CyclicLR: lambda: {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 10, "mode": "triangular"},
    OneCycleLR: lambda: {"max_lr": 0.1, "total_steps": 100},
    SequentialLR: lambda: {"schedulers": _sequential_children(), "milestones": [5, 25]},
    ChainedScheduler: lambda: {
        "schedulers": [ConstantLR(lr=0.1, factor=0.5), ExponentialLR(lr=0.1, gamma=0.9)]
    },
    Momentum: lambda: {"of": CyclicLR(base_lr=0.01, max_lr=0.1, step_size_up=10)},
}


def bad(
    cls: type[Schedule],
    error: type[Exception],
    argument: str,
    shown: str,
    rule: str,
    **change: Any,
) -> Any:
    """A case: ``cls`` built from BASE with ``change``; expects ``error`` about ``argument``.

    ``shown`` is the offending value as the message prints it (after ``got``), ``rule``
    a regex for what is allowed.
    """
    (key,) = change  # one argument changed at a time
    case_id = f"{cls.__name__}-{key}={change[key]!r}"[:60]
    return pytest.param(cls, change, error, argument, shown, rule, id=case_id)


def bad_many(
    cls: type[Schedule],
    error: type[Exception],
    argument: str,
    shown: str,
    rule: str,
    change: dict[str, Any],
    case_id: str,
) -> Any:
    """A case whose arguments must change together (e.g. dropping total_steps for epochs)."""
    return pytest.param(cls, change, error, argument, shown, rule, id=case_id)


V, T = InvalidValue, InvalidType
GE0 = r"a finite number >= 0"
POSITIVE_INT = r"a positive integer"
UNIT = r"a number in \[0, 1\]"
FINITE = r"a finite real number"

CASES = [
    # --- StepLR -------------------------------------------------------------------------
    bad(StepLR, V, "lr", "nan", GE0, lr=NAN),
    bad(StepLR, V, "lr", "inf", GE0, lr=INF),
    bad(StepLR, V, "lr", "-0.1", GE0, lr=-0.1),
    bad(StepLR, T, "lr", "True", GE0, lr=True),
    bad(StepLR, T, "lr", "'0.1'", GE0, lr="0.1"),
    bad(StepLR, T, "lr", "None", GE0, lr=None),
    bad(StepLR, T, "lr", "[0.1]", GE0, lr=[0.1]),
    bad(StepLR, V, "step_size", "0", POSITIVE_INT, step_size=0),
    bad(StepLR, V, "step_size", "-3", POSITIVE_INT, step_size=-3),
    bad(StepLR, V, "step_size", "33.3", POSITIVE_INT + r".*round it, e\.g\. to 33", step_size=33.3),
    bad(StepLR, T, "step_size", "True", POSITIVE_INT, step_size=True),
    bad(StepLR, T, "step_size", "'30'", POSITIVE_INT, step_size="30"),
    bad(StepLR, V, "step_size", "nan", POSITIVE_INT, step_size=NAN),
    bad(StepLR, V, "step_size", "inf", POSITIVE_INT, step_size=INF),
    bad(StepLR, V, "gamma", "-0.1", GE0, gamma=-0.1),
    bad(StepLR, V, "gamma", "nan", GE0, gamma=NAN),
    bad(StepLR, T, "gamma", "'0.1'", GE0, gamma="0.1"),
    # --- MultiStepLR --------------------------------------------------------------------
    bad(MultiStepLR, V, "milestones[0]", "-1", r"an integer >= 0", milestones=[-1]),
    bad(MultiStepLR, V, "milestones[1]", "2.5", r"an integer >= 0.*round", milestones=[10, 2.5]),
    bad(MultiStepLR, T, "milestones[0]", "True", r"an integer >= 0", milestones=[True]),
    bad(MultiStepLR, T, "milestones", "'30'", r"a list of integers >= 0", milestones="30"),
    bad(MultiStepLR, T, "milestones", "30", r"a list of integers >= 0", milestones=30),
    bad(MultiStepLR, V, "gamma", "inf", GE0, gamma=INF),
    bad(MultiStepLR, V, "lr", "-1.0", GE0, lr=-1.0),
    # --- ConstantLR ---------------------------------------------------------------------
    bad(ConstantLR, V, "factor", "1.5", UNIT, factor=1.5),
    bad(ConstantLR, V, "factor", "-0.1", UNIT, factor=-0.1),
    bad(ConstantLR, V, "factor", "nan", UNIT, factor=NAN),
    bad(ConstantLR, V, "total_iters", "0", POSITIVE_INT, total_iters=0),
    bad(ConstantLR, V, "total_iters", "2.5", POSITIVE_INT + r".*round", total_iters=2.5),
    # --- LinearLR -----------------------------------------------------------------------
    bad(LinearLR, V, "start_factor", "0", r"a number in \(0, 1\]", start_factor=0),
    bad(LinearLR, V, "start_factor", "1.5", r"a number in \(0, 1\]", start_factor=1.5),
    bad(LinearLR, V, "end_factor", "1.5", UNIT, end_factor=1.5),
    bad(LinearLR, V, "end_factor", "-0.5", UNIT, end_factor=-0.5),
    bad(LinearLR, V, "total_iters", "-1", POSITIVE_INT, total_iters=-1),
    bad(LinearLR, T, "total_iters", "'4'", POSITIVE_INT, total_iters="4"),
    # --- ExponentialLR ------------------------------------------------------------------
    bad(ExponentialLR, V, "gamma", "-0.5", GE0, gamma=-0.5),
    bad(ExponentialLR, V, "gamma", "nan", GE0, gamma=NAN),
    bad(ExponentialLR, V, "gamma", "inf", GE0, gamma=INF),
    bad(ExponentialLR, T, "gamma", "False", GE0, gamma=False),
    bad(ExponentialLR, V, "lr", "-inf", GE0, lr=-INF),
    # --- PolynomialLR -------------------------------------------------------------------
    bad(PolynomialLR, V, "power", "-1.0", GE0, power=-1.0),
    bad(PolynomialLR, V, "power", "nan", GE0, power=NAN),
    bad(PolynomialLR, V, "total_iters", "0", POSITIVE_INT, total_iters=0),
    bad(PolynomialLR, V, "total_iters", "7.5", POSITIVE_INT + r".*round", total_iters=7.5),
    # --- CosineAnnealingLR --------------------------------------------------------------
    bad(CosineAnnealingLR, V, "T_max", "0", r"a positive finite number", T_max=0),
    bad(CosineAnnealingLR, V, "T_max", "-5", r"a positive finite number", T_max=-5),
    bad(CosineAnnealingLR, V, "T_max", "nan", r"a positive finite number", T_max=NAN),
    bad(CosineAnnealingLR, V, "T_max", "inf", r"a positive finite number", T_max=INF),
    bad(CosineAnnealingLR, T, "T_max", "'100'", r"a positive finite number", T_max="100"),
    bad(CosineAnnealingLR, T, "T_max", "True", r"a positive finite number", T_max=True),
    bad(CosineAnnealingLR, V, "eta_min", "-0.001", GE0, eta_min=-0.001),
    bad(CosineAnnealingLR, V, "eta_min", "inf", GE0, eta_min=INF),
    # --- CosineAnnealingWarmRestarts ----------------------------------------------------
    bad(CosineAnnealingWarmRestarts, V, "T_0", "0", POSITIVE_INT, T_0=0),
    bad(CosineAnnealingWarmRestarts, V, "T_0", "2.5", POSITIVE_INT + r".*round", T_0=2.5),
    bad(CosineAnnealingWarmRestarts, V, "T_mult", "0", POSITIVE_INT, T_mult=0),
    bad(CosineAnnealingWarmRestarts, V, "T_mult", "1.5", POSITIVE_INT + r".*round", T_mult=1.5),
    bad(CosineAnnealingWarmRestarts, V, "eta_min", "nan", GE0, eta_min=NAN),
    # --- LambdaLR / MultiplicativeLR ----------------------------------------------------
    bad(
        LambdaLR,
        T,
        "lr_lambda",
        "5",
        r"a callable of the step or an expression string",
        lr_lambda=5,
    ),
    bad(
        LambdaLR,
        V,
        "lr_lambda",
        "\"__import__('os')\"",
        r"an arithmetic expression in epoch",
        lr_lambda="__import__('os')",
    ),
    bad(LambdaLR, V, "lr", "-1", GE0, lr=-1),
    bad(MultiplicativeLR, T, "lr_lambda", "None", r"a callable of the step", lr_lambda=None),
    bad(MultiplicativeLR, V, "lr_lambda", "''", r"an arithmetic expression in epoch", lr_lambda=""),
    # --- CyclicLR -----------------------------------------------------------------------
    bad(CyclicLR, V, "base_lr", "-0.01", GE0, base_lr=-0.01),
    bad(CyclicLR, V, "max_lr", "nan", GE0, max_lr=NAN),
    bad(CyclicLR, V, "step_size_up", "0", POSITIVE_INT, step_size_up=0),
    bad(CyclicLR, V, "step_size_down", "2.5", POSITIVE_INT + r".*round", step_size_down=2.5),
    bad(CyclicLR, T, "step_size_down", "'10'", POSITIVE_INT, step_size_down="10"),
    bad(
        CyclicLR,
        V,
        "mode",
        "'triangle'",
        r"one of 'triangular', 'triangular2', 'exp_range'",
        mode="triangle",
    ),
    bad(CyclicLR, T, "mode", "1", r"one of 'triangular', 'triangular2', 'exp_range'", mode=1),
    bad(CyclicLR, V, "gamma", "-1", GE0, gamma=-1),
    bad(
        CyclicLR, T, "scale_fn", "5", r"a callable, an expression string in x, or None", scale_fn=5
    ),
    bad(CyclicLR, V, "scale_fn", "'y * 2'", r"an arithmetic expression in x", scale_fn="y * 2"),
    bad(
        CyclicLR, V, "scale_mode", "'epochs'", r"one of 'cycle', 'iterations'", scale_mode="epochs"
    ),
    bad(CyclicLR, T, "cycle_momentum", "1", r"True or False", cycle_momentum=1),
    bad(CyclicLR, V, "base_momentum", "nan", FINITE, base_momentum=math.nan),
    bad(CyclicLR, V, "max_momentum", "inf", FINITE, max_momentum=math.inf),
    # --- OneCycleLR ---------------------------------------------------------------------
    bad(OneCycleLR, V, "max_lr", "nan", GE0, max_lr=NAN),
    bad(
        OneCycleLR,
        V,
        "total_steps",
        "None",
        r"given, or epochs and steps_per_epoch given",
        total_steps=None,
    ),
    bad(OneCycleLR, V, "total_steps", "0", POSITIVE_INT, total_steps=0),
    bad(OneCycleLR, V, "total_steps", "100.5", POSITIVE_INT + r".*round", total_steps=100.5),
    bad(OneCycleLR, T, "total_steps", "'100'", POSITIVE_INT, total_steps="100"),
    bad_many(
        OneCycleLR,
        V,
        "total_steps",
        "30",
        r"epochs \* steps_per_epoch = 20 when all three",
        {"total_steps": 30, "epochs": 4, "steps_per_epoch": 5},
        "OneCycleLR-inconsistent-total",
    ),
    bad_many(
        OneCycleLR,
        T,
        "steps_per_epoch",
        "None",
        POSITIVE_INT,
        {"total_steps": None, "epochs": 4},
        "OneCycleLR-epochs-without-steps_per_epoch",
    ),
    bad_many(
        OneCycleLR,
        V,
        "epochs",
        "0",
        POSITIVE_INT,
        {"total_steps": None, "epochs": 0, "steps_per_epoch": 5},
        "OneCycleLR-epochs=0",
    ),
    bad(OneCycleLR, V, "pct_start", "1.0", r"a number in \[0, 1\)", pct_start=1.0),
    bad(OneCycleLR, V, "pct_start", "-0.1", r"a number in \[0, 1\)", pct_start=-0.1),
    bad(
        OneCycleLR,
        V,
        "pct_start",
        "0.01",
        r"pct_start \* total_steps != 1 \(total_steps=100\)"
        r".*zero length",
        pct_start=0.01,
    ),
    bad_many(
        OneCycleLR,
        V,
        "pct_start",
        "0.6",
        r"1 < pct_start \* total_steps < \(total_steps \+ 1\) / 2 with three_phase",
        {"pct_start": 0.6, "three_phase": True},
        "OneCycleLR-three_phase-pct_start=0.6",
    ),
    bad_many(
        OneCycleLR,
        V,
        "pct_start",
        "0.01",
        r"1 < pct_start \* total_steps",
        {"pct_start": 0.01, "three_phase": True},
        "OneCycleLR-three_phase-pct_start=0.01",
    ),
    bad(
        OneCycleLR,
        V,
        "anneal_strategy",
        "'cosine'",
        r"one of 'cos', 'linear'",
        anneal_strategy="cosine",
    ),
    bad(OneCycleLR, V, "div_factor", "0", r"a positive finite number", div_factor=0),
    bad(OneCycleLR, V, "final_div_factor", "-1", r"a positive finite number", final_div_factor=-1),
    bad(OneCycleLR, T, "three_phase", "'yes'", r"True or False", three_phase="yes"),
    bad(OneCycleLR, V, "base_momentum", "inf", FINITE, base_momentum=math.inf),
    # --- SequentialLR -------------------------------------------------------------------
    bad(
        SequentialLR,
        V,
        "milestones[1]",
        "3",
        r"greater than milestones\[0\]=5 \(strictly "
        r"increasing\).*schedulers\[1\] would never run",
        milestones=[5, 3],
    ),
    bad(
        SequentialLR, V, "milestones[1]", "5", r"greater than milestones\[0\]=5", milestones=[5, 5]
    ),
    bad(
        SequentialLR,
        V,
        "milestones",
        "[5]",
        r"a list of 2 steps \(one fewer than the 3 schedulers\)",
        milestones=[5],
    ),
    bad(SequentialLR, V, "milestones", "[5, 10, 15]", r"a list of 2 steps", milestones=[5, 10, 15]),
    bad(SequentialLR, V, "milestones[0]", "-1", r"an integer >= 0", milestones=[-1, 5]),
    bad(SequentialLR, V, "milestones[0]", "2.5", r"an integer >= 0.*round", milestones=[2.5, 5]),
    bad(SequentialLR, T, "milestones", "5", r"a list of integers >= 0", milestones=5),
    bad(SequentialLR, V, "schedulers", "[]", r"a non-empty list of schedules", schedulers=[]),
    bad(
        SequentialLR,
        T,
        "schedulers[1]",
        "5",
        r"a Schedule",
        schedulers=[StepLR(lr=0.1, step_size=3), 5, StepLR(lr=0.1, step_size=3)],
    ),
    bad(
        SequentialLR,
        T,
        "schedulers",
        "StepLR(lr=0.1, step_size=3, gamma=0.1) (StepLR)",
        r"a non-empty list of schedules",
        schedulers=StepLR(lr=0.1, step_size=3),
    ),
    bad_many(
        SequentialLR,
        V,
        "schedulers[0]",
        "'OneCycleLR'",
        r"defined up to its last step 19 before milestones\[0\]=20.*total_steps=10",
        {
            "schedulers": [OneCycleLR(max_lr=0.1, total_steps=10), StepLR(lr=0.1, step_size=3)],
            "milestones": [20],
        },
        "SequentialLR-OneCycleLR-cut-after-its-end",
    ),
    # --- ChainedScheduler ---------------------------------------------------------------
    bad(
        ChainedScheduler,
        V,
        "schedulers[1]",
        "'LambdaLR'",
        r"a multiplicative schedule.*"
        r"lrkit\.torch\.ChainedScheduler",
        schedulers=[ConstantLR(lr=0.1), LambdaLR(lr=0.1, lr_lambda="0.9 ** epoch")],
    ),
    bad(
        ChainedScheduler,
        V,
        "schedulers[0]",
        "'CyclicLR'",
        r"a multiplicative schedule",
        schedulers=[CyclicLR(base_lr=0.01, max_lr=0.1)],
    ),
    bad(
        ChainedScheduler,
        V,
        "schedulers[1]",
        "'CosineAnnealingLR'",
        r"CosineAnnealingLR with eta_min=0",
        schedulers=[ConstantLR(lr=0.1), CosineAnnealingLR(lr=0.1, T_max=10, eta_min=0.001)],
    ),
    bad(
        ChainedScheduler,
        V,
        "schedulers[0]",
        "'OneCycleLR'",
        r"a multiplicative schedule",
        schedulers=[OneCycleLR(max_lr=0.1, total_steps=100)],
    ),
    bad(
        ChainedScheduler,
        V,
        "schedulers[0]",
        "'CosineAnnealingWarmRestarts'",
        r"a multiplicative schedule",
        schedulers=[CosineAnnealingWarmRestarts(lr=0.1, T_0=10)],
    ),
    bad(
        ChainedScheduler,
        V,
        "schedulers[0]",
        "'SequentialLR'",
        r"a multiplicative schedule",
        schedulers=[SequentialLR([StepLR(lr=0.1, step_size=3)], milestones=[])],
    ),
    bad(
        ChainedScheduler,
        V,
        "schedulers",
        "[0.1, 0.2]",
        r"schedules that share one lr",
        schedulers=[ConstantLR(lr=0.1), ExponentialLR(lr=0.2, gamma=0.9)],
    ),
    bad(ChainedScheduler, V, "schedulers", "[]", r"a non-empty list of schedules", schedulers=[]),
    # --- Momentum -----------------------------------------------------------------------
    bad(
        Momentum,
        T,
        "of",
        "StepLR(lr=0.1, step_size=3, gamma=0.1) (StepLR)",
        r"a schedule that cycles momentum \(CyclicLR, OneCycleLR\)",
        of=StepLR(lr=0.1, step_size=3),
    ),
    bad(
        Momentum,
        T,
        "of",
        "OneCycleLR(",
        r"built with cycle_momentum=True",
        of=OneCycleLR(max_lr=0.1, total_steps=100, cycle_momentum=False),
    ),
]


#: The rate of each BASE schedule at step 0, by hand from its definition.
BASE_AT_0: dict[type[Schedule], float] = {
    StepLR: 0.1,
    MultiStepLR: 0.1,
    ConstantLR: 0.1 * 0.5,  # lr * factor
    LinearLR: 0.1 * 0.25,  # lr * start_factor
    ExponentialLR: 0.1,
    PolynomialLR: 0.1,
    CosineAnnealingLR: 0.1,
    CosineAnnealingWarmRestarts: 0.1,
    LambdaLR: 0.1,  # 0.95 ** 0
    MultiplicativeLR: 0.1,
    CyclicLR: 0.01,  # base_lr
    OneCycleLR: 0.1 / 25,  # max_lr / div_factor
    SequentialLR: 0.1 * 0.1,  # the LinearLR child's lr * start_factor
    ChainedScheduler: 0.1 * 0.5,  # ConstantLR's factor times ExponentialLR's 1
    Momentum: 0.9,  # CyclicLR's max_momentum, where the lr is at base_lr
}


@pytest.mark.parametrize("cls", list(BASE), ids=lambda c: c.__name__)
def test_base_arguments_are_valid(cls: type[Schedule]) -> None:
    # Each case changes one argument of these; they must be valid themselves.
    schedule = cls(**BASE[cls]())
    assert schedule(0) == BASE_AT_0[cls]


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 60
    assert {case.values[0] for case in CASES} == set(BASE)


@pytest.mark.parametrize(("cls", "change", "error", "argument", "shown", "rule"), CASES)
def test_bad_argument_is_rejected_clearly(
    cls: type[Schedule],
    change: dict[str, Any],
    error: type[Exception],
    argument: str,
    shown: str,
    rule: str,
) -> None:
    kwargs = {**BASE[cls](), **change}
    with pytest.raises(error) as info:
        cls(**kwargs)
    raised = info.value
    assert isinstance(raised, ValueError if error is InvalidValue else TypeError)
    message = str(raised)
    # "<argument> must be <rule>, got <value>[ (<hint>)]"
    assert message.startswith(f"{argument} must be "), message
    assert re.search(rule, message), message
    assert f", got {shown}" in message, message
    assert raised.argument == argument  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------------------
# Steps outside a schedule's domain.
# ---------------------------------------------------------------------------------------

ONE_CYCLE = OneCycleLR(max_lr=0.1, total_steps=100)
STEP = StepLR(lr=0.1, step_size=3)
PRODUCT = MultiplicativeLR(lr=0.1, lr_lambda="0.95")

STEP_CASES = [
    pytest.param(ONE_CYCLE, 101, V, "101.0", r"at most total_steps=100", id="onecycle-101"),
    pytest.param(ONE_CYCLE, 100.5, V, "100.5", r"at most total_steps=100", id="onecycle-100.5"),
    pytest.param(
        ONE_CYCLE,
        np.array([0, 50, 101]),
        V,
        "101.0",
        r"at most total_steps=100",
        id="onecycle-array",
    ),
    pytest.param(
        ONE_CYCLE, [[0.0], [1e6]], V, "1000000.0", r"at most total_steps=100", id="onecycle-2d"
    ),
    pytest.param(
        ONE_CYCLE.momentum, 101, V, "101.0", r"at most total_steps=100", id="onecycle-momentum"
    ),
    pytest.param(
        SequentialLR([STEP, ONE_CYCLE], milestones=[5]),
        106,
        V,
        "101.0",
        r"at most total_steps=100",
        id="sequential-onecycle-last",
    ),
    pytest.param(STEP, -1, V, "-1.0", r"a finite number >= 0", id="negative"),
    pytest.param(STEP, -0.5, V, "-0.5", r"a finite number >= 0", id="negative-fraction"),
    pytest.param(STEP, np.array([3, -1]), V, "-1.0", r"a number >= 0", id="negative-array"),
    pytest.param(STEP, NAN, V, "nan", r"a finite number >= 0", id="nan"),
    pytest.param(
        STEP, np.array([1.0, NAN]), V, "array([ 1., nan]) (ndarray)", r"finite", id="nan-array"
    ),
    pytest.param(STEP, INF, V, "inf", r"a finite number >= 0", id="inf"),
    pytest.param(STEP, np.array([INF]), V, "array([inf]) (ndarray)", r"finite", id="inf-array"),
    pytest.param(PRODUCT, 2.5, V, "2.5", r"a whole number for MultiplicativeLR", id="product-2.5"),
    pytest.param(
        PRODUCT,
        np.array([1, 2.5]),
        V,
        "array([1. , 2.5]) (ndarray)",
        r"a whole number for MultiplicativeLR",
        id="product-array",
    ),
    pytest.param(STEP, True, T, "True", r"an int, a float or a numeric array", id="bool"),
    pytest.param(STEP, "3", T, "'3'", r"an int, a float or a numeric array", id="string"),
    pytest.param(STEP, None, T, "None", r"an int, a float or a numeric array", id="none"),
    pytest.param(
        STEP,
        np.array([1 + 1j]),
        T,
        "array([1.+1.j]) (ndarray)",
        r"an int, a float or a numeric array",
        id="complex",
    ),
]


@pytest.mark.parametrize(("schedule", "step", "error", "shown", "rule"), STEP_CASES)
def test_bad_step_is_rejected_clearly(
    schedule: Schedule, step: Any, error: type[Exception], shown: str, rule: str
) -> None:
    with pytest.raises(error) as info:
        schedule(step)
    message = str(info.value)
    assert message.startswith("step must be "), message
    assert re.search(rule, message), message
    assert f", got {shown}" in message, message


# ---------------------------------------------------------------------------------------
# Numbers of other types: 0-d tensors and numpy scalars are numbers; arrays are not.
# ---------------------------------------------------------------------------------------


def assert_same_schedule(a: Schedule, b: Schedule) -> None:
    assert a == b and hash(a) == hash(b)
    assert a.to_config() == b.to_config()
    for left, right in zip(a.to_config().values(), b.to_config().values(), strict=True):
        assert type(left) is type(right)  # plain Python numbers, not tensors or numpy
    steps = np.linspace(0, a.length or 100, 31)
    np.testing.assert_array_equal(a(steps), b(steps))


def test_torch_0d_tensors_are_numbers() -> None:
    torch = pytest.importorskip("torch")
    schedule = StepLR(lr=torch.tensor(0.1, dtype=torch.float64), step_size=torch.tensor(3))
    assert_same_schedule(schedule, StepLR(lr=0.1, step_size=3))
    assert type(schedule.lr) is float and type(schedule.step_size) is int
    # A float32 tensor holds the float32 number nearest 0.1, which is what lrkit keeps.
    single = StepLR(lr=torch.tensor(0.1), step_size=torch.tensor(3), gamma=torch.tensor(0.5))
    assert_same_schedule(single, StepLR(lr=torch.tensor(0.1).item(), step_size=3, gamma=0.5))
    assert_same_schedule(
        MultiStepLR(lr=0.1, milestones=torch.tensor([30, 80])),
        MultiStepLR(lr=0.1, milestones=[30, 80]),
    )
    assert_same_schedule(
        OneCycleLR(max_lr=torch.tensor(0.5, dtype=torch.float64), total_steps=torch.tensor(50)),
        OneCycleLR(max_lr=0.5, total_steps=50),
    )
    # Steps too.
    assert STEP(torch.tensor(7)) == STEP(7)
    assert STEP(torch.tensor(7.0, dtype=torch.float64)) == STEP(7.0)


def test_numpy_scalars_are_numbers() -> None:
    assert_same_schedule(
        StepLR(lr=np.float64(0.1), step_size=np.int64(3), gamma=np.float64(0.5)),
        StepLR(lr=0.1, step_size=3, gamma=0.5),
    )
    assert_same_schedule(
        CosineAnnealingLR(lr=np.float32(0.25), T_max=np.int32(100), eta_min=np.float64(0.001)),
        CosineAnnealingLR(lr=0.25, T_max=100, eta_min=0.001),
    )
    assert_same_schedule(
        MultiStepLR(lr=0.1, milestones=np.array([30, 80])),
        MultiStepLR(lr=0.1, milestones=[30, 80]),
    )
    assert_same_schedule(
        CyclicLR(base_lr=np.float64(0.01), max_lr=np.float64(0.1), step_size_up=np.uint16(10)),
        CyclicLR(base_lr=0.01, max_lr=0.1, step_size_up=10),
    )
    # 0-d arrays count as scalars.
    assert_same_schedule(
        ExponentialLR(lr=np.array(0.1), gamma=np.array(0.9)), ExponentialLR(lr=0.1, gamma=0.9)
    )


@pytest.mark.parametrize(
    "value",
    [np.array([0.1]), np.array([[0.1]]), np.array([0.1, 0.2])],
    ids=["1-element", "1x1", "2-element"],
)
def test_arrays_are_not_numbers(value: Any) -> None:
    with pytest.raises(InvalidType, match=r"^lr must be a finite number >= 0, got array\("):
        StepLR(lr=value, step_size=3)


def test_one_element_tensor_is_not_a_number() -> None:
    torch = pytest.importorskip("torch")
    with pytest.raises(InvalidType, match=r"^lr must be a finite number >= 0, got tensor\("):
        StepLR(lr=torch.tensor([0.1]), step_size=3)


def test_integral_floats_are_counts() -> None:
    a = StepLR(lr=0.1, step_size=30.0)
    assert_same_schedule(a, StepLR(lr=0.1, step_size=30))
    assert type(a.step_size) is int
    assert_same_schedule(
        MultiStepLR(lr=0.1, milestones=[30.0, 80.0]), MultiStepLR(lr=0.1, milestones=[30, 80])
    )
    assert_same_schedule(
        OneCycleLR(max_lr=0.1, epochs=4.0, steps_per_epoch=25.0),
        OneCycleLR(max_lr=0.1, epochs=4, steps_per_epoch=25),
    )
    assert_same_schedule(CosineAnnealingLR(lr=0.1, T_max=10.0), CosineAnnealingLR(lr=0.1, T_max=10))


# ---------------------------------------------------------------------------------------
# Accepted values with a documented meaning.
# ---------------------------------------------------------------------------------------


def test_eta_min_above_lr_is_a_cosine_warm_up() -> None:
    s = CosineAnnealingLR(lr=0.01, T_max=10, eta_min=0.1)
    values = s(np.arange(11))
    assert values[0] == 0.01 and values[-1] == 0.1
    assert (np.diff(values) > 0).all()
    # Half way, the mean of the two (cos(pi/2) = 0).
    assert values[5] == pytest.approx((0.01 + 0.1) / 2, rel=1e-15)


MAX_FLOAT = sys.float_info.max


@pytest.mark.parametrize(
    ("schedule", "at_1"),
    [
        (ExponentialLR(lr=0.1, gamma=1.5), 0.1 * 1.5),
        (StepLR(lr=0.1, step_size=1, gamma=2.0), 0.1 * 2.0),
        (MultiStepLR(lr=0.1, milestones=[1] * 1100, gamma=2.0), MAX_FLOAT),  # 0.1 * 2**1100
    ],
    ids=["ExponentialLR", "StepLR", "MultiStepLR"],
)
def test_growing_gamma_saturates_at_the_largest_float_quietly(
    schedule: Schedule, at_1: float
) -> None:
    """A gamma > 1 grows the rate until it would pass the largest float64 (about 1.8e308),
    where it stays: never inf, no warning, no exception (the core's docstrings)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            assert schedule(0) == 0.1
            assert schedule(1) == at_1
            assert schedule(5000) == MAX_FLOAT
            assert schedule(10**7) == MAX_FLOAT
            out = schedule(np.array([0, 1, 5000, 10**7]))
    assert out.tolist() == [0.1, at_1, MAX_FLOAT, MAX_FLOAT]


def test_constant_factor_zero_holds_zero() -> None:
    s = ConstantLR(lr=0.1, factor=0.0, total_iters=4)
    assert [s(t) for t in range(6)] == [0.0, 0.0, 0.0, 0.0, 0.1, 0.1]
    np.testing.assert_array_equal(s(np.arange(6)), [0.0, 0.0, 0.0, 0.0, 0.1, 0.1])


def test_other_edge_values_accepted() -> None:
    # end_factor 0 ends at 0; power 0 keeps the rate; gamma 0 drops to 0 at the first decay.
    assert LinearLR(lr=0.1, start_factor=1.0, end_factor=0.0, total_iters=4)(4) == 0.0
    assert PolynomialLR(lr=0.1, total_iters=4, power=0.0)(10) == 0.1
    assert StepLR(lr=0.1, step_size=3, gamma=0.0)(3) == 0.0
    assert StepLR(lr=0.1, step_size=3, gamma=0.0)(2) == 0.1
    # A fractional T_max is allowed (torch allows it too).
    assert CosineAnnealingLR(lr=0.1, T_max=2.5)(2.5) == 0.0
    # Milestones unsorted and repeated (each repeat decays once more), or none.
    assert MultiStepLR(lr=1.0, milestones=[5, 2, 5], gamma=0.5)(5) == 0.125
    assert MultiStepLR(lr=1.0, milestones=[])(10**6) == 1.0
    # A SequentialLR milestone at 0 skips the first child.
    seq = SequentialLR([StepLR(lr=1.0, step_size=3), ExponentialLR(lr=0.5, gamma=0.5)], [0])
    assert seq(0) == 0.5 and seq(1) == 0.25
    # max_lr below base_lr inverts the triangle.
    cyc = CyclicLR(base_lr=0.1, max_lr=0.01, step_size_up=10)
    assert cyc(0) == 0.1 and cyc(10) == pytest.approx(0.01, rel=1e-15)
    # pct_start 0: no warm-up phase. As in torch, the warm-up "ends" at step
    # pct_start * total_steps - 1 = -1, so step 0 is already 1/100 into the annealing from
    # max_lr down to min_lr = max_lr / div_factor / final_div_factor (not initial_lr).
    no_warmup = OneCycleLR(max_lr=0.1, total_steps=100, pct_start=0.0)
    with mpmath.workdps(40):
        peak = mpmath.mpf(0.1)
        low = peak / 25 / 10**4
        for t in (0, 1, 50, 98):
            exact = low + (peak - low) * (1 + mpmath.cos(mpmath.pi * (t + 1) / 100)) / 2
            assert abs(no_warmup(t) - exact) <= 1e-15 * exact, t
    assert no_warmup(0) == 0.09997532811697452  # what torch 2.13 writes there too
    assert no_warmup(99) == no_warmup(100) == 0.1 / 25 / 1e4
    # lr 0 is a valid (if idle) rate.
    assert CosineAnnealingLR(lr=0.0, T_max=10)(3) == 0.0


def test_cyclic_exp_range_growth_is_base_lr_at_cycle_starts() -> None:
    """Once NaN (0 * inf) where gamma ** t overflowed (CHANGELOG, "Fixed").

    The rest of exp_range with gamma > 1 (no amplitude, an inverted triangle) is tested in
    tests/test_properties.py (test_cyclic_exp_range_growth_*).
    """
    s = CyclicLR(base_lr=0.1, max_lr=0.2, step_size_up=10, mode="exp_range", gamma=2.0)
    # 2.0 ** t overflows from t = 1024 on; every cycle (20 steps) starts at base_lr.
    starts = [0, 20, 1000, 1020, 2000, 10**6, 10**7]
    assert [s(t) for t in starts] == [0.1] * len(starts)
    assert s(np.array(starts, dtype=np.float64)).tolist() == [0.1] * len(starts)
    # Elsewhere the rate is base_lr + (max_lr - base_lr) * triangle * 2.0 ** t.
    assert s(5) == 0.1 + 0.1 * 0.5 * 2.0**5
    # Past float64's range the rate saturates at the largest float64 (never inf).
    assert s(1999) == MAX_FLOAT and s(np.array([1999.0]))[0] == MAX_FLOAT
