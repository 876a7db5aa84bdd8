"""Bad arguments to lrkit.torch: rejected at construction, named, optimizer untouched.

Each case changes one argument to something clearly invalid and requires a ValueError or
TypeError raised by the constructor, whose message names the argument (and, for
SequentialLR and ChainedScheduler, which child is wrong), and the optimizer's
param groups exactly as they were (deep-compared: no ``initial_lr`` or any other key
written, no lr or momentum changed). Also: 0-d tensors are accepted where torch accepts
them, with torch's trajectory.
"""

from __future__ import annotations

import dataclasses
import math
import re
import types
from collections.abc import Callable
from typing import Any

import pytest
import torch
from dropin_cases import (
    COMPOSITES,
    TORCH,
    close,
    group_view,
    lrkit_module,
    make_optimizer,
    momentum_of,
)

NAN = math.nan
INF = math.inf

Thunk = Callable[[], Any]


@dataclasses.dataclass(frozen=True)
class Bad:
    """``prepare(M, opt, opt2)`` builds what must be built first and returns the failing call."""

    id: str
    prepare: Callable[[types.ModuleType, Any, Any], Thunk]
    exc: type[Exception] | tuple[type[Exception], ...]
    names: tuple[str, ...]  # the message must contain each of these
    child: int | None = None  # the message must say which child (SequentialLR/Chained)
    shows: str | None = None  # the message must show the bad value like this


def lone(id_: str, cls: str, exc: Any, name: str, *args: Any, **kwargs: Any) -> Bad:
    def prepare(M: types.ModuleType, opt: Any, opt2: Any) -> Thunk:
        return lambda: getattr(M, cls)(opt, *args, **kwargs)

    value = kwargs.get(name)
    shows = repr(value) if isinstance(value, (int, float, str)) and value is not None else None
    return Bad(f"{cls}-{id_}", prepare, exc, (name,), shows=shows)


V, T = ValueError, TypeError
BAD: list[Bad] = [
    # StepLR
    lone("step_size=0", "StepLR", V, "step_size", step_size=0),
    lone("step_size=-1", "StepLR", V, "step_size", step_size=-1),
    lone("step_size=33.3", "StepLR", V, "step_size", step_size=33.3),
    lone("step_size=nan", "StepLR", V, "step_size", step_size=NAN),
    lone("step_size=str", "StepLR", T, "step_size", step_size="3"),
    lone("step_size=None", "StepLR", T, "step_size", step_size=None),
    lone("gamma<0", "StepLR", V, "gamma", step_size=3, gamma=-0.1),
    lone("gamma=nan", "StepLR", V, "gamma", step_size=3, gamma=NAN),
    lone("gamma=inf", "StepLR", V, "gamma", step_size=3, gamma=INF),
    lone("gamma=str", "StepLR", T, "gamma", step_size=3, gamma="0.1"),
    lone("last_epoch=-2", "StepLR", V, "last_epoch", step_size=3, last_epoch=-2),
    lone("last_epoch=1.5", "StepLR", V, "last_epoch", step_size=3, last_epoch=1.5),
    # MultiStepLR
    lone("milestone<0", "MultiStepLR", V, "milestones", milestones=[3, -1]),
    lone("milestone=2.5", "MultiStepLR", V, "milestones", milestones=[2.5, 4]),
    lone("milestones=int", "MultiStepLR", T, "milestones", milestones=5),
    lone("milestones=str", "MultiStepLR", T, "milestones", milestones="30"),
    lone("gamma<0", "MultiStepLR", V, "gamma", milestones=[3], gamma=-1.0),
    lone("gamma=nan", "MultiStepLR", V, "gamma", milestones=[3], gamma=NAN),
    # ConstantLR
    lone("factor>1", "ConstantLR", V, "factor", factor=1.5),
    lone("factor<0", "ConstantLR", V, "factor", factor=-0.1),
    lone("factor=nan", "ConstantLR", V, "factor", factor=NAN),
    lone("total_iters=0", "ConstantLR", V, "total_iters", total_iters=0),
    lone("total_iters<0", "ConstantLR", V, "total_iters", total_iters=-3),
    lone("total_iters=2.5", "ConstantLR", V, "total_iters", total_iters=2.5),
    # LinearLR
    lone("start_factor=0", "LinearLR", V, "start_factor", start_factor=0.0),
    lone("start_factor>1", "LinearLR", V, "start_factor", start_factor=1.5),
    lone("start_factor=nan", "LinearLR", V, "start_factor", start_factor=NAN),
    lone("end_factor<0", "LinearLR", V, "end_factor", end_factor=-0.5),
    lone("end_factor>1", "LinearLR", V, "end_factor", end_factor=2.0),
    lone("total_iters=0", "LinearLR", V, "total_iters", total_iters=0),
    # ExponentialLR
    lone("gamma<0", "ExponentialLR", V, "gamma", gamma=-0.5),
    lone("gamma=nan", "ExponentialLR", V, "gamma", gamma=NAN),
    lone("gamma=inf", "ExponentialLR", V, "gamma", gamma=INF),
    lone("gamma=None", "ExponentialLR", T, "gamma", gamma=None),
    # PolynomialLR
    lone("total_iters=0", "PolynomialLR", V, "total_iters", total_iters=0),
    lone("total_iters=2.5", "PolynomialLR", V, "total_iters", total_iters=2.5),
    lone("power<0", "PolynomialLR", V, "power", power=-1.0),
    lone("power=nan", "PolynomialLR", V, "power", power=NAN),
    # CosineAnnealingLR
    lone("T_max=0", "CosineAnnealingLR", V, "T_max", T_max=0),
    lone("T_max<0", "CosineAnnealingLR", V, "T_max", T_max=-5),
    lone("T_max=nan", "CosineAnnealingLR", V, "T_max", T_max=NAN),
    lone("T_max=inf", "CosineAnnealingLR", V, "T_max", T_max=INF),
    lone("eta_min<0", "CosineAnnealingLR", V, "eta_min", T_max=10, eta_min=-0.1),
    lone("eta_min=nan", "CosineAnnealingLR", V, "eta_min", T_max=10, eta_min=NAN),
    # CosineAnnealingWarmRestarts
    lone("T_0=0", "CosineAnnealingWarmRestarts", V, "T_0", T_0=0),
    lone("T_0=2.5", "CosineAnnealingWarmRestarts", V, "T_0", T_0=2.5),
    lone("T_mult=0", "CosineAnnealingWarmRestarts", V, "T_mult", T_0=3, T_mult=0),
    lone("T_mult=1.5", "CosineAnnealingWarmRestarts", V, "T_mult", T_0=3, T_mult=1.5),
    lone("eta_min<0", "CosineAnnealingWarmRestarts", V, "eta_min", T_0=3, eta_min=-1.0),
    lone("eta_min=inf", "CosineAnnealingWarmRestarts", V, "eta_min", T_0=3, eta_min=INF),
    # LambdaLR / MultiplicativeLR
    lone("lr_lambda=0.5", "LambdaLR", T, "lr_lambda", lr_lambda=0.5),
    lone("lr_lambda=None", "LambdaLR", T, "lr_lambda", lr_lambda=None),
    lone("lr_lambda-list-length", "LambdaLR", V, "lr_lambda", lr_lambda=[lambda e: 1.0] * 3),
    lone("lr_lambda-list-item", "LambdaLR", T, "lr_lambda", lr_lambda=[lambda e: 1.0, 2.0]),
    lone("lr_lambda=3", "MultiplicativeLR", T, "lr_lambda", lr_lambda=3),
    lone("lr_lambda-list-length", "MultiplicativeLR", V, "lr_lambda", lr_lambda=[lambda e: 1.0]),
    # CyclicLR
    lone("base_lr<0", "CyclicLR", V, "base_lr", base_lr=-0.1, max_lr=0.1),
    lone("max_lr=nan", "CyclicLR", V, "max_lr", base_lr=0.01, max_lr=NAN),
    lone("base_lr-list-length", "CyclicLR", V, "base_lr", base_lr=[0.01] * 3, max_lr=0.1),
    lone("step_size_up=0", "CyclicLR", V, "step_size_up", 0.01, 0.1, step_size_up=0),
    lone("step_size_up=2.5", "CyclicLR", V, "step_size_up", 0.01, 0.1, step_size_up=2.5),
    lone("step_size_down=0", "CyclicLR", V, "step_size_down", 0.01, 0.1, step_size_down=0),
    lone("mode", "CyclicLR", V, "mode", 0.01, 0.1, mode="triangle"),
    lone("gamma<0", "CyclicLR", V, "gamma", 0.01, 0.1, mode="exp_range", gamma=-1.0),
    lone(
        "scale_mode",
        "CyclicLR",
        V,
        "scale_mode",
        0.01,
        0.1,
        scale_fn=lambda x: 1.0,
        scale_mode="epoch",
    ),
    # OneCycleLR
    lone("total_steps=0", "OneCycleLR", V, "total_steps", 0.1, total_steps=0),
    lone("total_steps<0", "OneCycleLR", V, "total_steps", 0.1, total_steps=-1),
    lone("total_steps=10.5", "OneCycleLR", V, "total_steps", 0.1, total_steps=10.5),
    lone("no-length", "OneCycleLR", V, "total_steps", 0.1),
    lone("epochs=0", "OneCycleLR", V, "epochs", 0.1, epochs=0, steps_per_epoch=10),
    lone("steps_per_epoch=0", "OneCycleLR", V, "steps_per_epoch", 0.1, epochs=3, steps_per_epoch=0),
    lone("pct_start=1.0", "OneCycleLR", V, "pct_start", 0.1, total_steps=100, pct_start=1.0),
    lone("pct_start<0", "OneCycleLR", V, "pct_start", 0.1, total_steps=100, pct_start=-0.1),
    lone("pct_start=nan", "OneCycleLR", V, "pct_start", 0.1, total_steps=100, pct_start=NAN),
    lone(
        "anneal_strategy",
        "OneCycleLR",
        V,
        "anneal_strategy",
        0.1,
        total_steps=100,
        anneal_strategy="cosine",
    ),
    lone("div_factor=0", "OneCycleLR", V, "div_factor", 0.1, total_steps=100, div_factor=0.0),
    lone(
        "final_div_factor<0",
        "OneCycleLR",
        V,
        "final_div_factor",
        0.1,
        total_steps=100,
        final_div_factor=-1.0,
    ),
    lone("max_lr<0", "OneCycleLR", V, "max_lr", -0.1, total_steps=100),
    lone("max_lr-list-length", "OneCycleLR", V, "max_lr", [0.1] * 3, total_steps=100),
    lone(
        "base_momentum=nan",
        "OneCycleLR",
        V,
        "base_momentum",
        0.1,
        total_steps=100,
        base_momentum=NAN,
    ),
    lone("max_momentum=inf", "CyclicLR", V, "max_momentum", 0.01, 0.1, max_momentum=INF),
    # ReduceLROnPlateau
    lone("mode", "ReduceLROnPlateau", V, "mode", mode="minimum"),
    lone("threshold_mode", "ReduceLROnPlateau", V, "threshold_mode", threshold_mode="relative"),
    lone("factor=1", "ReduceLROnPlateau", V, "factor", factor=1.0),
    lone("factor<0", "ReduceLROnPlateau", V, "factor", factor=-0.1),
    lone("patience<0", "ReduceLROnPlateau", V, "patience", patience=-1),
    lone("patience=1.5", "ReduceLROnPlateau", V, "patience", patience=1.5),
    lone("cooldown<0", "ReduceLROnPlateau", V, "cooldown", cooldown=-1),
    lone("threshold<0", "ReduceLROnPlateau", V, "threshold", threshold=-0.1),
    lone("min_lr<0", "ReduceLROnPlateau", V, "min_lr", min_lr=-1.0),
    lone("min_lr-list-length", "ReduceLROnPlateau", V, "min_lr", min_lr=[0.0] * 3),
    lone("eps=nan", "ReduceLROnPlateau", V, "eps", eps=NAN),
]


def _seq(
    kids: Callable[[types.ModuleType, Any, Any], list[Any]], milestones: Any
) -> Callable[..., Thunk]:
    def prepare(M: types.ModuleType, opt: Any, opt2: Any) -> Thunk:
        children = kids(M, opt, opt2)
        return lambda: M.SequentialLR(opt, schedulers=children, milestones=milestones)

    return prepare


def _chain(kids: Callable[[types.ModuleType, Any, Any], list[Any]]) -> Callable[..., Thunk]:
    def prepare(M: types.ModuleType, opt: Any, opt2: Any) -> Thunk:
        children = kids(M, opt, opt2)
        return lambda: M.ChainedScheduler(children)

    return prepare


def two(M: types.ModuleType, opt: Any, opt2: Any) -> list[Any]:
    return [M.LinearLR(opt, total_iters=3), M.ExponentialLR(opt, gamma=0.9)]


def three(M: types.ModuleType, opt: Any, opt2: Any) -> list[Any]:
    return [M.LinearLR(opt, total_iters=3), M.ExponentialLR(opt, gamma=0.9), M.StepLR(opt, 2)]


def other_optimizer(M: types.ModuleType, opt: Any, opt2: Any) -> list[Any]:
    return [M.LinearLR(opt, total_iters=3), M.ExponentialLR(opt2, gamma=0.9)]


def twice(M: types.ModuleType, opt: Any, opt2: Any) -> list[Any]:
    s = M.ExponentialLR(opt, gamma=0.9)
    return [M.LinearLR(opt, total_iters=3), s, s]


def with_plateau(M: types.ModuleType, opt: Any, opt2: Any) -> list[Any]:
    return [M.LinearLR(opt, total_iters=3), M.ReduceLROnPlateau(opt)]


def not_a_scheduler(M: types.ModuleType, opt: Any, opt2: Any) -> list[Any]:
    return [M.LinearLR(opt, total_iters=3), 3]


BAD += [
    Bad("SequentialLR-unsorted", _seq(three, [5, 3]), V, ("milestones",)),
    Bad("SequentialLR-negative", _seq(two, [-1]), V, ("milestones",)),
    Bad("SequentialLR-float-milestone", _seq(two, [2.5]), V, ("milestones",)),
    Bad("SequentialLR-too-few-milestones", _seq(three, [3]), V, ("milestones",)),
    Bad("SequentialLR-too-many-milestones", _seq(two, [3, 5]), V, ("milestones",)),
    Bad("SequentialLR-empty", _seq(lambda M, o, o2: [], []), V, ("schedulers",)),
    Bad("SequentialLR-other-optimizer", _seq(other_optimizer, [3]), V, ("optimizer",), child=1),
    Bad("SequentialLR-same-twice", _seq(twice, [3, 5]), V, ("schedulers",), child=2),
    Bad("SequentialLR-plateau-child", _seq(with_plateau, [3]), V, ("ReduceLROnPlateau",), child=1),
    Bad("SequentialLR-not-a-scheduler", _seq(not_a_scheduler, [3]), T, ("schedulers",), child=1),
    Bad("ChainedScheduler-empty", _chain(lambda M, o, o2: []), V, ("schedulers",)),
    Bad("ChainedScheduler-other-optimizer", _chain(other_optimizer), V, ("optimizer",), child=1),
    Bad("ChainedScheduler-same-twice", _chain(twice), V, ("schedulers",), child=2),
    Bad("ChainedScheduler-plateau-child", _chain(with_plateau), V, ("ReduceLROnPlateau",), child=1),
    Bad("ChainedScheduler-not-a-scheduler", _chain(not_a_scheduler), T, ("schedulers",), child=1),
]


class PlainOptimizer:
    def __init__(self, groups: list[dict[str, Any]]) -> None:
        self.param_groups = groups


def _plain_lr(value: Any) -> Callable[..., Thunk]:
    def prepare(M: types.ModuleType, opt: Any, opt2: Any) -> Thunk:
        return lambda: M.StepLR(PlainOptimizer([{"lr": 0.1}, {"lr": value}]), step_size=3)

    return prepare


BAD += [
    Bad(
        "optimizer-not-an-optimizer",
        lambda M, o, o2: lambda: M.StepLR(object(), 3),
        T,
        ("optimizer",),
    ),
    Bad("optimizer-group-lr<0", _plain_lr(-0.1), V, ("lr",)),
    Bad("optimizer-group-lr-nan", _plain_lr(NAN), V, ("lr",)),
    Bad(
        "resume-without-initial_lr",
        lambda M, o, o2: lambda: M.StepLR(o, 3, last_epoch=4),
        (KeyError, ValueError),
        ("initial_lr",),
    ),
]

IDS = [b.id for b in BAD]
assert len(set(IDS)) == len(IDS)


def snapshot(opt: Any) -> list[tuple[list[int], dict[str, Any]]]:
    return [([id(p) for p in g.get("params", [])], group_view(g)) for g in opt.param_groups]


def test_enough_invalid_arguments() -> None:
    assert len(BAD) >= 55


def child_named(message: str, index: int) -> bool:
    """Does the message say which child is wrong? (schedulers[1], index 1, ...)."""
    pattern = rf"(schedulers?\[{index}\]|index {index}\b|(child|scheduler|position) #?{index}\b)"
    return re.search(pattern, message) is not None


@pytest.mark.parametrize("bad", BAD, ids=IDS)
def test_rejected_at_construction_and_optimizer_untouched(bad: Bad) -> None:
    M = lrkit_module()
    opt = make_optimizer((0.1, 0.05), "sgd")
    opt2 = make_optimizer((0.1, 0.05), "sgd")
    call = bad.prepare(M, opt, opt2)
    before, before2 = snapshot(opt), snapshot(opt2)
    with pytest.raises(bad.exc) as info:
        call()
    message = str(info.value)
    for name in bad.names:
        assert name in message, f"{name!r} not named in: {message}"
    if bad.child is not None:
        assert child_named(message, bad.child), f"child {bad.child} not named in: {message}"
    if bad.shows is not None:
        assert bad.shows in message, f"the value {bad.shows} is not shown in: {message}"
    assert snapshot(opt) == before
    assert snapshot(opt2) == before2


# (for the composites the children are built first and write initial_lr themselves)
LONE = [b for b in BAD if b.id.split("-")[0] in dir(TORCH) and b.id.split("-")[0] not in COMPOSITES]


@pytest.mark.parametrize("bad", LONE, ids=lambda b: b.id)
def test_nothing_written_even_on_a_fresh_optimizer(bad: Bad) -> None:
    """No 'initial_lr' (or any other key) appears in the groups of a rejected scheduler."""
    M = lrkit_module()
    opt = make_optimizer((0.1, 0.05), "adam")
    opt2 = make_optimizer((0.1, 0.05), "adam")
    call = bad.prepare(M, opt, opt2)
    keys = [set(g) for g in opt.param_groups]
    with pytest.raises((ValueError, TypeError, KeyError)):
        call()
    assert [set(g) for g in opt.param_groups] == keys
    assert all("initial_lr" not in g for g in opt.param_groups)


# --------------------------------------------------------------------------------------
# 0-d tensors: accepted where torch accepts them, with torch's values
# --------------------------------------------------------------------------------------
def t64(x: float) -> torch.Tensor:
    return torch.tensor(x, dtype=torch.float64)


TENSOR_ARGS: dict[str, Callable[[types.ModuleType, Any], Any]] = {
    "StepLR-gamma": lambda M, o: M.StepLR(o, 3, gamma=t64(0.5)),
    "MultiStepLR-gamma": lambda M, o: M.MultiStepLR(o, [2, 4], gamma=t64(0.5)),
    "ConstantLR-factor": lambda M, o: M.ConstantLR(o, factor=t64(0.5)),
    "LinearLR-start_factor": lambda M, o: M.LinearLR(o, start_factor=t64(0.5)),
    "LinearLR-end_factor": lambda M, o: M.LinearLR(o, start_factor=1.0, end_factor=t64(0.5)),
    "ExponentialLR-gamma": lambda M, o: M.ExponentialLR(o, t64(0.9)),
    "PolynomialLR-power": lambda M, o: M.PolynomialLR(o, power=t64(2.0)),
    "CosineAnnealingLR-eta_min": lambda M, o: M.CosineAnnealingLR(o, 5, eta_min=t64(0.01)),
    # (CyclicLR with a tensor base_lr: torch aliases it with the group's lr, see
    # test_dropin_behaviour.py; lrkit does not)
    "CyclicLR-max_lr": lambda M, o: M.CyclicLR(o, 0.01, t64(0.1), step_size_up=3),
    "CyclicLR-gamma": lambda M, o: M.CyclicLR(
        o, 0.01, 0.1, step_size_up=3, mode="exp_range", gamma=t64(0.9)
    ),
    "CyclicLR-base_momentum": lambda M, o: M.CyclicLR(
        o, 0.01, 0.1, step_size_up=3, base_momentum=t64(0.8)
    ),
    "OneCycleLR-max_lr": lambda M, o: M.OneCycleLR(o, t64(0.1), total_steps=20),
    "OneCycleLR-div_factor": lambda M, o: M.OneCycleLR(
        o, 0.1, total_steps=20, div_factor=t64(10.0)
    ),
    "OneCycleLR-base_momentum": lambda M, o: M.OneCycleLR(
        o, 0.1, total_steps=20, base_momentum=t64(0.8)
    ),
    "ReduceLROnPlateau-factor": lambda M, o: M.ReduceLROnPlateau(o, factor=t64(0.5), patience=0),
    "ReduceLROnPlateau-min_lr": lambda M, o: M.ReduceLROnPlateau(o, min_lr=t64(0.01), patience=0),
    "ReduceLROnPlateau-threshold": lambda M, o: M.ReduceLROnPlateau(
        o, threshold=t64(0.01), patience=0
    ),
    # integer tensors: torch computes in float32 here, hence the looser tolerance below
    "StepLR-step_size": lambda M, o: M.StepLR(o, torch.tensor(3)),
    "ConstantLR-total_iters": lambda M, o: M.ConstantLR(o, total_iters=torch.tensor(3)),
    "PolynomialLR-total_iters": lambda M, o: M.PolynomialLR(o, total_iters=torch.tensor(4)),
    "CosineAnnealingLR-T_max": lambda M, o: M.CosineAnnealingLR(o, torch.tensor(5)),
}


@pytest.mark.parametrize("name", list(TENSOR_ARGS))
def test_zero_dim_tensors_accepted_as_in_torch(name: str) -> None:
    make = TENSOR_ARGS[name]
    a, b = make_optimizer((0.1, 0.05)), make_optimizer((0.1, 0.05))
    mine, ref = make(lrkit_module(), a), make(TORCH, b)
    rtol = 1e-6 if name.endswith(("step_size", "total_iters", "T_max")) else 1e-9
    for t in range(12):
        got = [float(g["lr"]) for g in a.param_groups] + [
            momentum_of(g) or 0.0 for g in a.param_groups
        ]
        want = [float(g["lr"]) for g in b.param_groups] + [
            momentum_of(g) or 0.0 for g in b.param_groups
        ]
        assert close(got, want, rtol=rtol, atol=1e-12), (t, got, want)
        a.step()
        b.step()
        if name.startswith("ReduceLROnPlateau"):
            mine.step(1.0)
            ref.step(1.0)
        else:
            mine.step()
            ref.step()


def test_zero_dim_tensor_errors_are_named() -> None:
    """A 0-d tensor with a bad value is rejected like the number it holds."""
    M = lrkit_module()
    opt = make_optimizer((0.1,))
    before = snapshot(opt)
    with pytest.raises(ValueError, match="gamma"):
        M.ExponentialLR(opt, t64(-0.5))
    with pytest.raises(ValueError, match="T_max"):
        M.CosineAnnealingLR(opt, torch.tensor(0))
    assert snapshot(opt) == before
