"""The drop-in as a view of the core: user code called when torch calls it, changes followed
as torch follows them, the step-order warning exactly when torch's fires, values torch
accepts accepted, and state dicts from lrkit 0.1.0 loaded.

torch 2.13 is the oracle throughout: each test runs the same script on torch's module and
on lrkit's and compares what happened.
"""

from __future__ import annotations

import json
import math
import pathlib
import re
import types
import warnings
from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch

import lrkit.torch as LK

TORCH = torch.optim.lr_scheduler
BOTH = [pytest.param(TORCH, id="torch"), pytest.param(LK, id="lrkit")]
Edit = Callable[[Any, Any], None]


def optimizer(kind: str = "sgd", lrs: tuple[float, ...] = (0.1, 0.02)) -> torch.optim.Optimizer:
    groups = [{"params": [torch.nn.Parameter(torch.zeros(2))], "lr": lr} for lr in lrs]
    if kind == "adam":
        return torch.optim.Adam(groups, lr=lrs[0])
    return torch.optim.SGD(groups, lr=lrs[0], momentum=0.9)


def same(got: Any, want: Any, rel: float = 1e-12) -> bool:
    """Elementwise equal within ``rel`` (and 1e-15 absolute), same shapes."""
    a, b = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rel, atol=1e-15, equal_nan=True))


def momenta(opt: torch.optim.Optimizer) -> list[float]:
    out = []
    for g in opt.param_groups:
        out.append(float(g["betas"][0]) if "betas" in g else float(g.get("momentum", 0.0)))
    return out


def step(sched: Any, t: int) -> None:
    if isinstance(sched, TORCH.ReduceLROnPlateau):
        sched.step(1.0 if t < 3 else 2.0)  # improves, then a plateau
    else:
        sched.step()


# --------------------------------------------------------------------------------------
# User code is called as torch calls it
# --------------------------------------------------------------------------------------
class Recorder:
    """A callable that records every call: the argument, and which phase it came in."""

    def __init__(self, fn: Callable[[Any], float], log: list[tuple[str, Any]]) -> None:
        self.fn, self.log, self.phase = fn, log, "construction"

    def __call__(self, x: Any) -> float:
        self.log.append((self.phase, x))
        return self.fn(x)


CALLS: dict[str, Callable[[types.ModuleType, Any, Recorder], Any]] = {
    "LambdaLR": lambda M, o, f: M.LambdaLR(o, f),
    "LambdaLR-list": lambda M, o, f: M.LambdaLR(o, [f, f]),
    "MultiplicativeLR": lambda M, o, f: M.MultiplicativeLR(o, f),
    "CyclicLR-cycle": lambda M, o, f: M.CyclicLR(o, 0.01, 0.1, 3, scale_fn=f, scale_mode="cycle"),
    "CyclicLR-iterations": lambda M, o, f: M.CyclicLR(
        o, 0.01, 0.1, 2, step_size_down=3, scale_fn=f, scale_mode="iterations"
    ),
    "CyclicLR-no-momentum": lambda M, o, f: M.CyclicLR(
        o, 0.01, 0.1, 3, scale_fn=f, cycle_momentum=False
    ),
}


@pytest.mark.parametrize("name", list(CALLS))
def test_user_functions_are_called_when_torch_calls_them(name: str) -> None:
    def run(M: types.ModuleType) -> tuple[list[tuple[str, Any]], list[list[float]]]:
        log: list[tuple[str, Any]] = []
        f = Recorder(lambda x: 0.9 ** float(x), log)
        opt = optimizer()
        sched = CALLS[name](M, opt, f)
        lrs = []
        for t in range(9):
            f.phase = f"step {t}"
            opt.step()
            sched.step()
            lrs.append([float(g["lr"]) for g in opt.param_groups])
        return log, lrs

    want_log, want_lrs = run(TORCH)
    got_log, got_lrs = run(LK)
    assert got_log == want_log
    assert [type(x) for _, x in got_log] == [type(x) for _, x in want_log]
    assert same(got_lrs, want_lrs)


def test_a_lambda_over_a_table_as_long_as_the_run() -> None:
    table = [1.0 / (k + 1) for k in range(11)]  # steps 0..10
    opt = optimizer()
    sched = LK.LambdaLR(opt, lambda e: table[e])
    for _ in range(10):
        opt.step()
        sched.step()
    assert sched.get_last_lr() == pytest.approx([0.1 * table[10], 0.02 * table[10]], rel=1e-15)
    with pytest.raises(IndexError):
        opt.step()
        sched.step()  # step 11 is past the table, as in torch


# --------------------------------------------------------------------------------------
# Changes are followed as torch follows them
# --------------------------------------------------------------------------------------
def setattr_(name: str, value: Any) -> Edit:
    return lambda sched, opt: setattr(sched, name, value)


def setitem(name: str, index: Any, value: Any) -> Edit:
    return lambda sched, opt: getattr(sched, name).__setitem__(index, value)


def group_key(key: str, value: float) -> Edit:
    def edit(sched: Any, opt: Any) -> None:
        opt.param_groups[1][key] = value

    return edit


def child(index: int, name: str, value: Any) -> Edit:
    return lambda sched, opt: setattr(sched._schedulers[index], name, value)


def scale_mode_cycle(x: Any) -> float:
    return 1.0 / (1.0 + float(x))


BUILD: dict[str, Callable[[types.ModuleType, Any], Any]] = {
    "LambdaLR": lambda M, o: M.LambdaLR(o, [lambda e: 0.9**e, lambda e: 1 / (e + 1)]),
    "MultiplicativeLR": lambda M, o: M.MultiplicativeLR(o, lambda e: 0.9),
    "StepLR": lambda M, o: M.StepLR(o, step_size=3, gamma=0.5),
    "MultiStepLR": lambda M, o: M.MultiStepLR(o, milestones=[2, 6, 6, 9], gamma=0.5),
    "ConstantLR": lambda M, o: M.ConstantLR(o, factor=0.5, total_iters=7),
    "LinearLR": lambda M, o: M.LinearLR(o, start_factor=0.25, end_factor=0.9, total_iters=8),
    "ExponentialLR": lambda M, o: M.ExponentialLR(o, gamma=0.9),
    "PolynomialLR": lambda M, o: M.PolynomialLR(o, total_iters=9, power=2.0),
    "CosineAnnealingLR": lambda M, o: M.CosineAnnealingLR(o, T_max=5, eta_min=0.001),
    "CosineAnnealingWarmRestarts": lambda M, o: M.CosineAnnealingWarmRestarts(
        o, T_0=2, T_mult=2, eta_min=0.001
    ),
    "CyclicLR": lambda M, o: M.CyclicLR(o, 0.01, [0.1, 0.05], 2, mode="triangular2"),
    "CyclicLR-custom": lambda M, o: M.CyclicLR(o, 0.01, 0.1, 2, scale_fn=scale_mode_cycle),
    "OneCycleLR": lambda M, o: M.OneCycleLR(o, [0.1, 0.05], total_steps=20, pct_start=0.5),
    "ReduceLROnPlateau": lambda M, o: M.ReduceLROnPlateau(o, patience=2, factor=0.5),
    "SequentialLR": lambda M, o: M.SequentialLR(
        o, [M.ConstantLR(o, factor=0.5, total_iters=5), M.ExponentialLR(o, gamma=0.9)], [6]
    ),
    "ChainedScheduler": lambda M, o: M.ChainedScheduler(
        [M.ExponentialLR(o, gamma=0.9), M.StepLR(o, step_size=2)]
    ),
}

EDITS: list[tuple[str, str, Edit]] = [
    ("LambdaLR", "lr_lambdas[0]", setitem("lr_lambdas", 0, lambda e: 0.5)),
    ("LambdaLR", "base_lrs", setattr_("base_lrs", [0.3, 0.2])),
    ("LambdaLR", "base_lrs[1]", setitem("base_lrs", 1, 0.5)),
    ("MultiplicativeLR", "lr_lambdas[1]", setitem("lr_lambdas", 1, lambda e: 0.5)),
    ("MultiplicativeLR", "base_lrs", setattr_("base_lrs", [0.3, 0.2])),
    ("StepLR", "gamma", setattr_("gamma", 0.2)),
    ("StepLR", "step_size", setattr_("step_size", 2)),
    ("StepLR", "base_lrs", setattr_("base_lrs", [0.3, 0.2])),
    ("MultiStepLR", "milestones", setattr_("milestones", Counter([5, 7, 7]))),
    ("MultiStepLR", "milestones[8]", setitem("milestones", 8, 1)),
    ("MultiStepLR", "gamma", setattr_("gamma", 0.1)),
    ("ConstantLR", "total_iters", setattr_("total_iters", 5)),
    ("ConstantLR", "total_iters-passed", setattr_("total_iters", 2)),
    ("ConstantLR", "factor", setattr_("factor", 0.25)),
    ("LinearLR", "end_factor", setattr_("end_factor", 0.5)),
    ("LinearLR", "start_factor", setattr_("start_factor", 0.5)),
    ("LinearLR", "total_iters", setattr_("total_iters", 6)),
    ("ExponentialLR", "gamma", setattr_("gamma", 0.5)),
    ("ExponentialLR", "base_lrs", setattr_("base_lrs", [0.3, 0.2])),
    ("PolynomialLR", "power", setattr_("power", 1.0)),
    ("PolynomialLR", "total_iters", setattr_("total_iters", 12)),
    ("CosineAnnealingLR", "T_max", setattr_("T_max", 9)),
    ("CosineAnnealingLR", "eta_min", setattr_("eta_min", 0.01)),
    ("CosineAnnealingLR", "base_lrs", setattr_("base_lrs", [0.3, 0.2])),
    ("CosineAnnealingWarmRestarts", "T_mult", setattr_("T_mult", 3)),
    ("CosineAnnealingWarmRestarts", "T_cur", setattr_("T_cur", 0)),
    ("CosineAnnealingWarmRestarts", "T_i", setattr_("T_i", 5)),
    ("CosineAnnealingWarmRestarts", "eta_min", setattr_("eta_min", 0.01)),
    ("CosineAnnealingWarmRestarts", "base_lrs", setattr_("base_lrs", [0.3, 0.2])),
    ("CyclicLR", "max_lrs", setattr_("max_lrs", [0.2, 0.3])),
    ("CyclicLR", "max_lrs[0]", setitem("max_lrs", 0, 0.2)),
    ("CyclicLR", "base_lrs", setattr_("base_lrs", [0.001, 0.002])),
    ("CyclicLR", "gamma", setattr_("gamma", 0.5)),
    ("CyclicLR", "mode", setattr_("mode", "exp_range")),
    ("CyclicLR", "scale_mode", setattr_("scale_mode", "iterations")),
    ("CyclicLR", "max_momentums", setattr_("max_momentums", [0.95, 0.99])),
    ("CyclicLR", "base_momentums[1]", setitem("base_momentums", 1, 0.5)),
    ("CyclicLR", "total_size", setattr_("total_size", 8.0)),
    ("CyclicLR", "step_ratio", setattr_("step_ratio", 0.25)),
    ("CyclicLR", "cycle_momentum", setattr_("cycle_momentum", False)),
    ("CyclicLR-custom", "scale_mode", setattr_("scale_mode", "iterations")),
    ("OneCycleLR", "group max_lr", group_key("max_lr", 0.2)),
    ("OneCycleLR", "group initial_lr", group_key("initial_lr", 0.01)),
    ("OneCycleLR", "group min_lr", group_key("min_lr", 0.001)),
    ("OneCycleLR", "group max_momentum", group_key("max_momentum", 0.99)),
    ("OneCycleLR", "group base_momentum", group_key("base_momentum", 0.5)),
    ("ReduceLROnPlateau", "factor", setattr_("factor", 0.25)),
    ("ReduceLROnPlateau", "patience", setattr_("patience", 0)),
    ("ReduceLROnPlateau", "min_lrs", setattr_("min_lrs", [0.05, 0.0])),
    ("SequentialLR", "child gamma", child(1, "gamma", 0.5)),
    ("SequentialLR", "child factor", child(0, "factor", 0.25)),
    ("ChainedScheduler", "child gamma", child(0, "gamma", 0.5)),
    ("ChainedScheduler", "child step_size", child(1, "step_size", 3)),
]


def trajectory(M: types.ModuleType, cls: str, edit: Edit | None, at: int) -> list[list[float]]:
    opt = optimizer()
    sched = BUILD[cls](M, opt)
    rows = []
    for t in range(14):
        if t == at and edit is not None:
            edit(sched, opt)
        opt.step()
        step(sched, t)
        rows.append([float(g["lr"]) for g in opt.param_groups] + momenta(opt))
    return rows


@pytest.mark.parametrize("at", [1, 4])
@pytest.mark.parametrize(("cls", "what", "edit"), EDITS, ids=[f"{c}-{w}" for c, w, _ in EDITS])
def test_a_mid_run_change_gives_torchs_trajectory(cls: str, what: str, edit: Edit, at: int) -> None:
    want = trajectory(TORCH, cls, edit, at)
    got = trajectory(LK, cls, edit, at)
    assert same(got, want)
    unedited = trajectory(TORCH, cls, None, at)
    if what not in IGNORED_BY_TORCH[cls]:
        assert not same(want, unedited), "the edit must change something"


#: Edits torch ignores (and so does lrkit); every other edit must change the trajectory.
IGNORED_BY_TORCH: dict[str, set[str]] = {
    "LambdaLR": set(),
    "MultiplicativeLR": {"base_lrs"},
    "StepLR": {"base_lrs"},
    "MultiStepLR": set(),
    "ConstantLR": set(),
    "LinearLR": set(),
    "ExponentialLR": {"base_lrs"},
    "PolynomialLR": set(),
    "CosineAnnealingLR": {"base_lrs"},  # read only when leaving a trough (none here)
    "CosineAnnealingWarmRestarts": set(),
    "CyclicLR": {"gamma", "mode"},
    "CyclicLR-custom": set(),
    "OneCycleLR": set(),
    "ReduceLROnPlateau": set(),
    "SequentialLR": set(),
    "ChainedScheduler": set(),
}


def test_every_class_has_an_edit() -> None:
    from dropin_cases import CLASSES

    assert {c.split("-")[0] for c, _, _ in EDITS} == set(CLASSES)


def test_an_assigned_value_is_validated_like_the_argument() -> None:
    opt = optimizer()
    sched = LK.StepLR(opt, step_size=3)
    before = [dict(g) for g in opt.param_groups]
    with pytest.raises(ValueError, match=r"step_size must be a positive integer, got 0"):
        sched.step_size = 0
    assert sched.step_size == 3
    with pytest.raises(ValueError, match=r"gamma must be a finite number >= 0, got nan"):
        sched.gamma = math.nan
    assert sched.gamma == 0.1
    assert [{k: v for k, v in g.items() if k != "params"} for g in opt.param_groups] == [
        {k: v for k, v in g.items() if k != "params"} for g in before
    ]
    with pytest.raises(ValueError, match=r"T_max must be a positive finite number"):
        LK.CosineAnnealingLR(optimizer(), T_max=3).T_max = -1


def test_an_in_place_edit_is_checked_at_the_next_step_before_anything_is_written() -> None:
    opt = optimizer()
    sched = LK.LambdaLR(opt, lambda e: 0.5)
    opt.step()
    sched.step()
    written = [g["lr"] for g in opt.param_groups]
    sched.base_lrs[1] = -1.0
    with pytest.raises(ValueError, match=r"base_lrs\[1\] must be a finite number >= 0, got -1.0"):
        sched.step()
    assert [g["lr"] for g in opt.param_groups] == written
    assert sched.last_epoch == 1


def test_a_list_assigned_to_milestones_is_converted() -> None:
    """torch keeps the list and fails at the next milestone (``list.__getitem__``)."""
    opt = optimizer()
    sched = LK.MultiStepLR(opt, milestones=[5], gamma=0.5)
    sched.milestones = [2, 3, 3]
    assert sched.milestones == Counter({3: 2, 2: 1})
    for _ in range(4):
        opt.step()
        sched.step()
    assert sched.get_last_lr() == pytest.approx([0.1 * 0.5**3, 0.02 * 0.5**3], rel=1e-15)
    t_opt = optimizer()
    t_sched = TORCH.MultiStepLR(t_opt, milestones=[5], gamma=0.5)
    t_sched.milestones = [2, 3, 3]  # type: ignore[assignment]
    with pytest.raises(IndexError):
        for _ in range(4):
            t_opt.step()
            t_sched.step()


# --------------------------------------------------------------------------------------
# Values torch accepts: momentum beyond 1
# --------------------------------------------------------------------------------------
MOMENTUM_CASES = {
    "CyclicLR-sgd": (
        "sgd",
        lambda M, o: M.CyclicLR(o, 0.01, 0.1, 2, base_momentum=1, max_momentum=5),
    ),
    "OneCycleLR-sgd": (
        "sgd",
        lambda M, o: M.OneCycleLR(o, 0.1, total_steps=10, base_momentum=1, max_momentum=5),
    ),
    "CyclicLR-adam": (
        "adam",
        lambda M, o: M.CyclicLR(o, 0.01, 0.1, 2, base_momentum=1.5, max_momentum=22),
    ),
    "OneCycleLR-adam": (
        "adam",
        lambda M, o: M.OneCycleLR(o, 0.1, total_steps=10, base_momentum=1.5, max_momentum=22),
    ),
}


@pytest.mark.parametrize("name", list(MOMENTUM_CASES))
def test_momentum_beyond_one_as_torch(name: str) -> None:
    kind, build = MOMENTUM_CASES[name]

    def run(M: types.ModuleType) -> list[list[float]]:
        opt = optimizer(kind)
        sched = build(M, opt)
        rows = [momenta(opt) + [float(g["lr"]) for g in opt.param_groups]]
        for _ in range(9):
            opt.step()
            sched.step()
            rows.append(momenta(opt) + [float(g["lr"]) for g in opt.param_groups])
        return rows

    assert same(run(LK), run(TORCH))


# --------------------------------------------------------------------------------------
# The step-order warning, exactly when torch's fires
# --------------------------------------------------------------------------------------
STEP_ORDER = re.escape("Detected call of `lr_scheduler.step()` before `optimizer.step()`")


def no_optimizer_step(M: types.ModuleType, cls: str) -> None:
    opt = optimizer()
    sched = BUILD[cls](M, opt)
    for t in range(3):
        step(sched, t)


def optimizer_first(M: types.ModuleType, cls: str) -> None:
    opt = optimizer()
    sched = BUILD[cls](M, opt)
    for t in range(3):
        opt.step()
        step(sched, t)


def gradscaler_skips_the_first_step(M: types.ModuleType, cls: str) -> None:
    opt = optimizer()
    sched = BUILD[cls](M, opt)
    scaler = torch.amp.GradScaler("cpu")
    p = opt.param_groups[0]["params"][0]
    scaler.scale((p * math.inf).sum()).backward()
    scaler.step(opt)  # inf gradients: optimizer.step() is skipped
    scaler.update()
    step(sched, 0)


def second_scheduler_after_steps(M: types.ModuleType, cls: str) -> None:
    opt = optimizer()
    first = M.StepLR(opt, step_size=2)
    opt.step()
    first.step()
    for g in opt.param_groups:
        g.pop("initial_lr")
    sched = BUILD[cls](M, opt)
    step(sched, 0)


SCENARIOS = [
    no_optimizer_step,
    optimizer_first,
    gradscaler_skips_the_first_step,
    second_scheduler_after_steps,
]


def warned(M: types.ModuleType, cls: str, scenario: Callable[[types.ModuleType, str], None]) -> int:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scenario(M, cls)
    return sum(1 for w in caught if re.search(STEP_ORDER, str(w.message)))


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.__name__ for s in SCENARIOS])
@pytest.mark.parametrize("cls", [c for c in BUILD if "-" not in c])
def test_step_order_warning_exactly_when_torch_warns(cls: str, scenario: Any) -> None:
    assert warned(LK, cls, scenario) == warned(TORCH, cls, scenario)


def test_step_order_is_watched_through_hooks_not_by_replacing_step() -> None:
    opt = optimizer()
    LK.StepLR(opt, step_size=2)
    assert "step" not in vars(opt)
    assert opt.step.__func__ is type(opt).step
    assert len(opt._optimizer_step_post_hooks) == 1
    LK.ExponentialLR(opt, gamma=0.9)
    assert len(opt._optimizer_step_post_hooks) == 1  # one hook per optimizer


# --------------------------------------------------------------------------------------
# Every name of torch's module
# --------------------------------------------------------------------------------------
def test_every_name_torch_exports() -> None:
    names = [*TORCH.__all__, "_LRScheduler", "EPOCH_DEPRECATION_WARNING"]
    for name in names:
        assert hasattr(LK, name), name
    assert issubclass(LK._LRScheduler, LK.LRScheduler)
    assert issubclass(LK.LRScheduler, TORCH.LRScheduler)
    assert isinstance(LK.EPOCH_DEPRECATION_WARNING, str)
    opt = optimizer()
    plateau = LK.ReduceLROnPlateau(opt)
    assert isinstance(plateau, TORCH.ReduceLROnPlateau)
    for cls in TORCH.__all__:
        if cls not in ("LRScheduler", "ReduceLROnPlateau"):
            assert issubclass(getattr(LK, cls), TORCH.LRScheduler), cls


def test_an_older_subclass_of_lrscheduler_works() -> None:
    class Halving(LK._LRScheduler):
        def get_lr(self) -> list[float]:
            return [base * 0.5**self.last_epoch for base in self.base_lrs]

    opt = optimizer()
    sched = Halving(opt)
    opt.step()
    sched.step()
    assert sched.get_last_lr() == [0.05, 0.01]


# --------------------------------------------------------------------------------------
# State dicts written by lrkit 0.1.0 load
# --------------------------------------------------------------------------------------
DATA = pathlib.Path(__file__).parent / "data" / "state_dicts_v0_1.json"
OLD = json.loads(DATA.read_text())["entries"]


def _build_old(entry: dict[str, Any], opt: Any) -> Any:
    kwargs = dict(entry["kwargs"])
    cls = getattr(LK, entry["class"])
    if entry["class"] in ("SequentialLR", "ChainedScheduler"):
        children = [getattr(LK, c["class"])(opt, **c["kwargs"]) for c in kwargs.pop("schedulers")]
        if entry["class"] == "ChainedScheduler":
            return cls(children, **kwargs)
        return cls(opt, children, **kwargs)
    return cls(opt, **kwargs)


@pytest.mark.parametrize("entry", OLD, ids=[e["class"] for e in OLD])
def test_a_state_dict_from_lrkit_0_1_loads_and_resumes(entry: dict[str, Any]) -> None:
    spec = entry["optimizer"]
    groups = [
        {"params": [torch.nn.Parameter(torch.zeros(2))], "lr": lr} for lr in spec["group_lrs"]
    ]
    kind = getattr(torch.optim, spec["kind"])
    opt = kind(groups, **spec["kwargs"])
    sched = _build_old(entry, opt)
    for group, saved in zip(opt.param_groups, entry["optimizer_param_groups"], strict=True):
        for key, value in saved.items():
            group[key] = tuple(value) if key == "betas" else value
    state = json.loads(json.dumps(entry["scheduler_state_dict"]))
    sched.load_state_dict(state)  # string milestone keys and all, as JSON gives them
    metrics = entry.get("metrics", {}).get("after_save", [])
    for k, t in enumerate(range(8, 16)):
        opt.step()
        if entry["class"] == "ReduceLROnPlateau":
            sched.step(metrics[k])
        else:
            sched.step()
        assert sched.get_last_lr() == pytest.approx(entry["lrs_after_steps"][str(t)], rel=1e-12), t
        if "momenta_after_steps" in entry:
            assert momenta(opt) == pytest.approx(entry["momenta_after_steps"][str(t)], rel=1e-12)


def test_state_dicts_carry_a_format_version() -> None:
    opt = optimizer()
    for sched in (LK.StepLR(opt, 3), LK.ReduceLROnPlateau(opt)):
        assert sched.state_dict()["_lrkit"] == 1
