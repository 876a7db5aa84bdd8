"""Restored state is trusted no more than constructor arguments.

A state dict (a checkpoint from disk, from another version, from torch, or hostile) is
validated key by key before anything changes: a refused one raises ValueError or
TypeError naming the key and leaves the scheduler and its optimizer exactly as they were.
Each case must finish within a few seconds. Float epochs (``step(2.5)``) resume as in torch.
"""

from __future__ import annotations

import copy
import math
import time
import types
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch

import lrkit.torch as LK

TORCH = torch.optim.lr_scheduler


def optimizer() -> torch.optim.Optimizer:
    groups = [{"params": [torch.nn.Parameter(torch.zeros(2))], "lr": lr} for lr in (0.1, 0.02)]
    return torch.optim.SGD(groups, lr=0.1, momentum=0.9)


BUILD: dict[str, Callable[[types.ModuleType, Any], Any]] = {
    "LambdaLR": lambda M, o: M.LambdaLR(o, lambda e: 0.9**e),
    "MultiplicativeLR": lambda M, o: M.MultiplicativeLR(o, lambda e: 0.9),
    "StepLR": lambda M, o: M.StepLR(o, step_size=3, gamma=0.5),
    "MultiStepLR": lambda M, o: M.MultiStepLR(o, milestones=[2, 6], gamma=0.5),
    "ConstantLR": lambda M, o: M.ConstantLR(o, factor=0.5, total_iters=7),
    "LinearLR": lambda M, o: M.LinearLR(o, start_factor=0.25, total_iters=8),
    "ExponentialLR": lambda M, o: M.ExponentialLR(o, gamma=0.9),
    "PolynomialLR": lambda M, o: M.PolynomialLR(o, total_iters=9, power=2.0),
    "CosineAnnealingLR": lambda M, o: M.CosineAnnealingLR(o, T_max=5, eta_min=0.001),
    "CosineAnnealingWarmRestarts": lambda M, o: M.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=2),
    "CyclicLR": lambda M, o: M.CyclicLR(o, 0.01, 0.1, 2),
    "OneCycleLR": lambda M, o: M.OneCycleLR(o, 0.1, total_steps=50),
    "ReduceLROnPlateau": lambda M, o: M.ReduceLROnPlateau(o, patience=1),
    "SequentialLR": lambda M, o: M.SequentialLR(
        o, [M.ConstantLR(o, factor=0.5, total_iters=2), M.ExponentialLR(o, gamma=0.9)], [3]
    ),
    "ChainedScheduler": lambda M, o: M.ChainedScheduler(
        [M.ExponentialLR(o, gamma=0.9), M.StepLR(o, step_size=2)]
    ),
}


def step(sched: Any) -> None:
    if isinstance(sched, TORCH.ReduceLROnPlateau):
        sched.step(1.0)
    else:
        sched.step()


def started(cls: str) -> tuple[Any, torch.optim.Optimizer]:
    opt = optimizer()
    sched = BUILD[cls](LK, opt)
    for _ in range(4):
        opt.step()
        step(sched)
    return sched, opt


def snapshot(sched: Any, opt: torch.optim.Optimizer) -> Any:
    """Everything a refused load must leave alone: the state, the groups, the next steps."""
    groups = [{k: v for k, v in g.items() if k != "params"} for g in opt.param_groups]
    return copy.deepcopy(sched.state_dict()), copy.deepcopy(groups)


def next_lrs(sched: Any, opt: torch.optim.Optimizer) -> list[list[float]]:
    rows = []
    for _ in range(3):
        opt.step()
        step(sched)
        rows.append([float(g["lr"]) for g in opt.param_groups])
    return rows


def with_key(state: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
    return {**state, key: value}


GENERIC: list[tuple[str, Any, type[Exception], str]] = [
    ("last_epoch", math.inf, ValueError, "last_epoch"),
    ("last_epoch", math.nan, ValueError, "last_epoch"),
    ("last_epoch", -5, ValueError, "last_epoch"),
    ("last_epoch", "7", TypeError, "last_epoch"),
    ("last_epoch", None, TypeError, "last_epoch"),
    ("_last_lr", [math.nan, 0.1], ValueError, "_last_lr"),
    ("_last_lr", [0.1], ValueError, "_last_lr"),
    ("_last_lr", "0.1", TypeError, "_last_lr"),
]
PER_CLASS: list[tuple[str, str, Any, type[Exception], str]] = [
    ("StepLR", "base_lrs", [0.1], ValueError, "base_lrs"),
    ("StepLR", "gamma", math.nan, ValueError, "gamma"),
    ("StepLR", "step_size", 0, ValueError, "step_size"),
    ("StepLR", "_step_count", -1, ValueError, "_step_count"),
    ("MultiStepLR", "milestones", {3: 10**7}, ValueError, "milestones"),
    ("MultiStepLR", "milestones", {"3": "x"}, TypeError, "milestones"),
    ("CosineAnnealingWarmRestarts", "T_cur", math.nan, ValueError, "T_cur"),
    ("CosineAnnealingWarmRestarts", "T_i", 0, ValueError, "T_i"),
    ("CyclicLR", "max_lrs", [0.1], ValueError, "max_lrs"),
    ("CyclicLR", "gamma", "x", TypeError, "gamma"),
    ("CyclicLR", "mode", "sideways", ValueError, "mode"),
    ("OneCycleLR", "total_steps", 0, ValueError, "total_steps"),
    ("OneCycleLR", "_schedule_phases", [{"start_lr": "initial_lr"}], TypeError, "_schedule_phases"),
    ("LambdaLR", "lr_lambdas", [None], TypeError, "lr_lambdas"),
    ("ReduceLROnPlateau", "factor", 2.0, ValueError, "factor"),
    ("ReduceLROnPlateau", "best", None, TypeError, "best"),
    ("ReduceLROnPlateau", "min_lrs", [0.0], ValueError, "min_lrs"),
    ("SequentialLR", "_milestones", [3, 5], ValueError, "_milestones"),
    ("SequentialLR", "_schedulers", [{}], ValueError, "_schedulers"),
    ("ChainedScheduler", "_schedulers", None, TypeError, "_schedulers"),
]
CASES = [
    (cls, *case)
    for cls in BUILD
    for case in GENERIC
    if not (
        cls == "ChainedScheduler" and case[0] == "last_epoch"  # a chain keeps no step count
    )
] + PER_CLASS


@pytest.mark.parametrize(
    ("cls", "key", "value", "error", "named"),
    CASES,
    ids=[f"{c[0]}-{c[1]}={c[2]!r}"[:60] for c in CASES],
)
def test_a_refused_state_changes_nothing(
    cls: str, key: str, value: Any, error: type[Exception], named: str
) -> None:
    sched, opt = started(cls)
    before = snapshot(sched, opt)
    hostile = with_key(sched.state_dict(), key, value)
    start = time.perf_counter()
    with pytest.raises(error, match=rf"state_dict\[{named!r}\]|state_dict\['{named}'\]"):
        sched.load_state_dict(hostile)
    assert time.perf_counter() - start < 2.0
    assert snapshot(sched, opt) == before
    # and it steps on exactly as an untouched twin does
    twin, twin_opt = started(cls)
    assert next_lrs(sched, opt) == next_lrs(twin, twin_opt)


@pytest.mark.parametrize("cls", list(BUILD))
@pytest.mark.parametrize("state", [None, [], "state", 7])
def test_a_state_that_is_not_a_dict_is_refused(cls: str, state: Any) -> None:
    sched, opt = started(cls)
    before = snapshot(sched, opt)
    with pytest.raises(TypeError, match=r"state_dict must be a dict"):
        sched.load_state_dict(state)
    assert snapshot(sched, opt) == before


@pytest.mark.parametrize("cls", list(BUILD))
def test_unknown_keys_are_ignored_with_a_warning(cls: str) -> None:
    sched, opt = started(cls)
    twin, twin_opt = started(cls)
    state = {**twin.state_dict(), "from_the_future": 1}
    with pytest.warns(UserWarning, match=r"ignored keys it does not know: from_the_future"):
        sched.load_state_dict(state)
    assert next_lrs(sched, opt) == next_lrs(twin, twin_opt)


def test_a_huge_milestone_count_is_refused_fast_and_small() -> None:
    """A 175-byte state dict once took 26 s and 1.4 GB to load (10**9: out of memory)."""
    import tracemalloc

    sched, _ = started("MultiStepLR")
    for count in (10**7, 10**9):
        tracemalloc.start()
        start = time.perf_counter()
        with pytest.raises(ValueError, match=r"at most 100000 decays"):
            sched.load_state_dict(with_key(sched.state_dict(), "milestones", {3: count}))
        elapsed = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert elapsed < 1.0 and peak < 10 * 2**20


# --------------------------------------------------------------------------------------
# Float epochs, as in torch
# --------------------------------------------------------------------------------------
FLOAT_CLASSES = [
    c for c in BUILD if c not in ("ReduceLROnPlateau", "SequentialLR", "ChainedScheduler")
]


@pytest.mark.parametrize("cls", FLOAT_CLASSES)
def test_step_with_a_float_epoch_then_step_as_torch(cls: str) -> None:
    def run(M: types.ModuleType) -> list[list[float]]:
        opt = optimizer()
        sched = BUILD[cls](M, opt)
        rows = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # step(epoch) is deprecated in both
            for epoch in (2.5, None, None, 4.0, None, None, 7, None):
                opt.step()
                sched.step(epoch) if epoch is not None else sched.step()
                rows.append([float(g["lr"]) for g in opt.param_groups])
        return rows

    got, want = np.array(run(LK)), np.array(run(TORCH))
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize(
    "cls", [c for c in FLOAT_CLASSES if c != "LambdaLR" and c != "MultiplicativeLR"]
)
def test_a_torch_checkpoint_with_a_float_last_epoch_resumes(cls: str) -> None:
    def run(M: types.ModuleType, state: dict[str, Any] | None) -> tuple[Any, list[list[float]]]:
        opt = optimizer()
        sched = BUILD[cls](M, opt)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if state is None:
                for epoch in (1.0, 2.0, 6.0):
                    opt.step()
                    sched.step(epoch)
            else:  # torch's documented order: optimizer state, then the scheduler's
                opt.load_state_dict(copy.deepcopy(state["optimizer"]))
                sched.load_state_dict(copy.deepcopy(state["scheduler"]))
        rows = []
        for _ in range(5):
            opt.step()
            sched.step()
            rows.append([float(g["lr"]) for g in opt.param_groups])
        return sched, rows

    torch_sched, _ = run(TORCH, None)
    state = {"scheduler": torch_sched.state_dict(), "optimizer": torch_sched.optimizer.state_dict()}
    assert (
        isinstance(state["scheduler"]["last_epoch"], float) or cls == "CosineAnnealingWarmRestarts"
    )
    _, want = run(TORCH, copy.deepcopy(state))
    _, got = run(LK, copy.deepcopy(state))
    np.testing.assert_allclose(np.array(got), np.array(want), rtol=1e-12, atol=1e-15)


# --------------------------------------------------------------------------------------
# Numbers the formulas cannot carry, refused before the optimizer is touched
# --------------------------------------------------------------------------------------
HUGE: list[tuple[str, Callable[[types.ModuleType, Any], Any], str]] = [
    (
        "CyclicLR-step_size_up",
        lambda M, o: M.CyclicLR(o, 0.01, 0.1, step_size_up=10**400),
        "step_size_up",
    ),
    ("StepLR-step_size", lambda M, o: M.StepLR(o, step_size=10**400), "step_size"),
    ("CosineAnnealingLR-T_max", lambda M, o: M.CosineAnnealingLR(o, T_max=1e308), "T_max"),
    ("OneCycleLR-max_lr", lambda M, o: M.OneCycleLR(o, 10**400, total_steps=10), "max_lr"),
    ("MultiStepLR-milestones", lambda M, o: M.MultiStepLR(o, [3] * 200_000), "milestones"),
]


@pytest.mark.parametrize(("name", "build", "argument"), HUGE, ids=[h[0] for h in HUGE])
def test_numbers_too_large_are_refused_before_the_optimizer_is_touched(
    name: str, build: Callable[[types.ModuleType, Any], Any], argument: str
) -> None:
    opt = optimizer()
    before = [{k: v for k, v in g.items() if k != "params"} for g in opt.param_groups]
    with pytest.raises(ValueError, match=argument):
        build(LK, opt)
    assert [{k: v for k, v in g.items() if k != "params"} for g in opt.param_groups] == before


def test_a_growing_cyclic_scale_never_writes_a_non_finite_momentum() -> None:
    """torch raises OverflowError here; lrkit once wrote momentum -inf."""
    opt = optimizer()
    sched = LK.CyclicLR(opt, 0.01, 0.1, step_size_up=2, mode="exp_range", gamma=3.0)
    for _ in range(1500):
        opt.step()
        sched.step()
        for g in opt.param_groups:
            assert math.isfinite(g["lr"]) and math.isfinite(g["momentum"])
