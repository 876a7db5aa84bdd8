"""lrkit schedules driving real torch optimizers: ``lrkit.torch.ScheduleLR`` and a schedule
given to ``lrkit.torch.LambdaLR`` as ``lr_lambda``.

Every run is on a real optimizer (SGD with momentum, or Adam) with two param groups: a
backbone at 0.01 and a head at 0.1. The oracles are the schedules' own values (ScheduleLR:
absolute; LambdaLR: each group's initial lr times the schedule), torch's own LambdaLR given
``lambda e: schedule(e)``, and a scheduler written on torch's own ``LRScheduler`` whose
``get_lr()`` returns the schedules' values (for chains and sequences, stepped by torch's
composites). Checkpoints go through ``torch.save`` and ``torch.load(weights_only=True)``,
once into a new Python process.
"""

from __future__ import annotations

import ast
import io
import json
import math
import os
import re
import subprocess
import sys
import textwrap
import tokenize
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import lrkit
import lrkit.torch as LT
from lrkit.config import from_config
from lrkit.config._config import MAX_DEPTH
from lrkit.core import InvalidType, InvalidValue, LrkitError, Schedule

TORCH = torch.optim.lr_scheduler
ROOT = Path(__file__).resolve().parent.parent
BACKBONE, HEAD = 0.01, 0.1
LRS = (BACKBONE, HEAD)
STEPS = 120


# --------------------------------------------------------------------------------------
# Optimizers, schedules, runs
# --------------------------------------------------------------------------------------
def make_optimizer(kind: str = "sgd", tensor: bool = False) -> torch.optim.Optimizer:
    """A backbone at 0.01 and a head at 0.1 (the head's lr a 0-d tensor if ``tensor``)."""
    torch.manual_seed(0)
    backbone = torch.nn.Linear(3, 4)
    head = torch.nn.Linear(4, 2)
    head_lr: Any = torch.tensor(HEAD) if tensor else HEAD
    groups = [
        {"params": backbone.parameters(), "lr": BACKBONE},
        {"params": head.parameters(), "lr": head_lr},
    ]
    if kind == "sgd":
        return torch.optim.SGD(groups, lr=HEAD, momentum=0.9)
    return torch.optim.Adam(groups, lr=HEAD, foreach=False)  # a tensor lr needs foreach=False


def train_step(opt: torch.optim.Optimizer) -> None:
    """A real optimizer step (with gradients, so Adam's state moves too)."""
    opt.zero_grad()
    loss = sum((p.sum() ** 2 for g in opt.param_groups for p in g["params"]), torch.tensor(0.0))
    loss.backward()
    opt.step()


def warm_cosine(lr: float, warmup: int = 10, total: int = 100) -> Schedule:
    """A linear warm-up from lr/100 to lr, then a cosine to 0 (absolute values)."""
    return lrkit.SequentialLR(
        [
            lrkit.LinearLR(lr=lr, start_factor=0.01, total_iters=warmup),
            lrkit.CosineAnnealingLR(lr=lr, T_max=total - warmup),
        ],
        milestones=[warmup],
    )


#: Schedules of absolute values, each as one for every group and as one per group.
SHARED: dict[str, Callable[[], Schedule]] = {
    "warm-cosine": lambda: warm_cosine(0.1),
    "cosine": lambda: lrkit.CosineAnnealingLR(lr=0.1, T_max=50, eta_min=1e-4),
    "onecycle": lambda: lrkit.OneCycleLR(max_lr=0.1, total_steps=STEPS),
}
PER_GROUP: dict[str, Callable[[], list[Schedule]]] = {
    "warm-cosine": lambda: [warm_cosine(BACKBONE), warm_cosine(HEAD)],
    "cosine-onecycle": lambda: [
        lrkit.CosineAnnealingLR(lr=BACKBONE, T_max=30, eta_min=1e-5),
        lrkit.OneCycleLR(max_lr=HEAD, total_steps=STEPS, anneal_strategy="linear"),
    ],
}
#: Schedules of factors (lr = 1) for LambdaLR.
FACTORS: dict[str, Callable[[], Schedule]] = {
    "warm-cosine": lambda: warm_cosine(1.0),
    "cosine": lambda: lrkit.CosineAnnealingLR(lr=1.0, T_max=50, eta_min=1e-3),
    "onecycle": lambda: lrkit.OneCycleLR(max_lr=1.0, total_steps=STEPS),
}


def lrs(opt: torch.optim.Optimizer) -> list[float]:
    return [float(g["lr"]) for g in opt.param_groups]


def run(opt: torch.optim.Optimizer, sched: Any, steps: int = STEPS) -> list[list[float]]:
    """Each group's lr right after construction and after every step."""
    rows = [lrs(opt)]
    for _ in range(steps):
        train_step(opt)
        sched.step()
        rows.append(lrs(opt))
    return rows


class Reference(TORCH.LRScheduler):
    """What ScheduleLR means, written on torch's own base class: the schedules' values."""

    def __init__(self, optimizer: torch.optim.Optimizer, schedules: list[Schedule]) -> None:
        self.schedules = schedules
        super().__init__(optimizer)

    def get_lr(self) -> list[float]:
        return [s(self.last_epoch) for s in self.schedules]


def params_and_groups(opt: torch.optim.Optimizer) -> tuple[list[dict[str, Any]], list[Any]]:
    """Copies of every param group (tensors cloned) and of the parameters, to compare."""
    groups = [
        {
            k: (v.clone() if isinstance(v, torch.Tensor) else v)
            for k, v in g.items()
            if k != "params"
        }
        for g in opt.param_groups
    ]
    return groups, [p.detach().clone() for g in opt.param_groups for p in g["params"]]


def same_groups(a: tuple[list[dict[str, Any]], list[Any]], opt: torch.optim.Optimizer) -> bool:
    b = params_and_groups(opt)
    if len(a[0]) != len(b[0]) or any(set(x) != set(y) for x, y in zip(a[0], b[0], strict=True)):
        return False
    for x, y in zip(a[0], b[0], strict=True):
        for key in x:
            u, v = x[key], y[key]
            if isinstance(u, torch.Tensor) or isinstance(v, torch.Tensor):
                if not torch.equal(torch.as_tensor(u), torch.as_tensor(v)):
                    return False
            elif u != v:
                return False
    return all(torch.equal(p, q) for p, q in zip(a[1], b[1], strict=True))


def saved(*states: Any) -> Any:
    """Through torch.save and torch.load(weights_only=True)."""
    buffer = io.BytesIO()
    torch.save(states if len(states) > 1 else states[0], buffer)
    buffer.seek(0)
    return torch.load(buffer, weights_only=True)


# --------------------------------------------------------------------------------------
# ScheduleLR: the schedule's values, exactly
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["sgd", "adam"])
@pytest.mark.parametrize("name", sorted(SHARED))
def test_one_schedule_for_every_group(kind: str, name: str) -> None:
    schedule = SHARED[name]()
    opt = make_optimizer(kind)
    sched = LT.ScheduleLR(opt, schedule)
    assert sched.base_lrs == list(LRS)  # the initial lrs, as torch's
    assert [g["initial_lr"] for g in opt.param_groups] == list(LRS)
    rows = run(opt, sched)
    for t, row in enumerate(rows):
        assert row == [schedule(t), schedule(t)], t
    assert sched.last_epoch == STEPS
    assert sched.get_last_lr() == rows[-1]
    assert sched.schedules == [schedule, schedule]


@pytest.mark.parametrize("kind", ["sgd", "adam"])
@pytest.mark.parametrize("name", sorted(PER_GROUP))
def test_one_schedule_per_group(kind: str, name: str) -> None:
    schedules = PER_GROUP[name]()
    opt = make_optimizer(kind)
    sched = LT.ScheduleLR(opt, tuple(schedules))  # a tuple works as a list
    rows = run(opt, sched)
    for t, row in enumerate(rows):
        assert row == [schedules[0](t), schedules[1](t)], t
    assert sched.schedules == schedules and sched.base_lrs == list(LRS)


def test_the_warm_up_and_cosine_by_hand() -> None:
    """Anchors: start at lr/100, the peak at step 10, half way down at step 55, 0 at 100."""
    opt = make_optimizer()
    sched = LT.ScheduleLR(opt, [warm_cosine(BACKBONE), warm_cosine(HEAD)])
    rows = run(opt, sched, 100)
    assert rows[0] == [BACKBONE * 0.01, HEAD * 0.01]
    assert rows[10] == [BACKBONE, HEAD]
    for lr, got in zip(LRS, rows[55], strict=True):
        assert math.isclose(got, lr / 2, rel_tol=1e-15)
    assert rows[100] == [0.0, 0.0]
    # The warm-up: lr * (0.01 + 0.99 t / 10), within an ulp or two.
    for t in range(11):
        for lr, got in zip(LRS, rows[t], strict=True):
            assert math.isclose(got, lr * (0.01 + 0.99 * t / 10), rel_tol=4e-16), t


def test_matches_a_scheduler_written_on_torchs_base_class() -> None:
    schedules = PER_GROUP["cosine-onecycle"]()
    opt, ref_opt = make_optimizer(), make_optimizer()
    ours, ref = LT.ScheduleLR(opt, schedules), Reference(ref_opt, schedules)
    assert run(opt, ours) == run(ref_opt, ref)


def test_onecycle_past_its_end_is_refused_before_anything_changes() -> None:
    opt = make_optimizer()
    sched = LT.ScheduleLR(opt, lrkit.OneCycleLR(max_lr=0.1, total_steps=5))
    run(opt, sched, 5)
    train_step(opt)
    before = params_and_groups(opt), sched.last_epoch, list(sched.get_last_lr())
    with pytest.raises(InvalidValue, match="total_steps=5"):
        sched.step()
    assert same_groups(before[0], opt)
    assert (sched.last_epoch, sched.get_last_lr()) == before[1:]


def test_get_lr_and_step_epoch_as_torch() -> None:
    schedule = SHARED["cosine"]()
    opt = make_optimizer()
    sched = LT.ScheduleLR(opt, schedule)
    run(opt, sched, 7)
    with pytest.warns(UserWarning, match="get_last_lr"):
        assert sched.get_lr() == [schedule(7)] * 2
    with pytest.warns(UserWarning, match="deprecated"):
        sched.step(12.5)  # a jump to a fractional epoch: the closed form there
    assert lrs(opt) == [schedule(12.5)] * 2 and sched.last_epoch == 12.5


# --------------------------------------------------------------------------------------
# LambdaLR with a schedule as lr_lambda
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["sgd", "adam"])
@pytest.mark.parametrize("name", sorted(FACTORS))
def test_lambdalr_with_a_schedule_is_torchs_with_its_lambda(kind: str, name: str) -> None:
    factor = FACTORS[name]()
    opt, ref_opt = make_optimizer(kind), make_optimizer(kind)
    ours = LT.LambdaLR(opt, factor)
    theirs = TORCH.LambdaLR(ref_opt, lambda e: factor(e))
    rows, want = run(opt, ours), run(ref_opt, theirs)
    assert rows == want  # equal at every step
    for t, row in enumerate(rows):  # lr_i(t) = initial_lr_i * schedule(t)
        assert row == [BACKBONE * factor(t), HEAD * factor(t)], t
    assert ours.base_lrs == list(LRS) and ours.get_last_lr() == rows[-1]


def test_lambdalr_with_a_list_mixing_schedules_and_functions() -> None:
    factor = FACTORS["warm-cosine"]()
    opt, ref_opt = make_optimizer(), make_optimizer()
    ours = LT.LambdaLR(opt, [factor, lambda e: 0.97**e])
    theirs = TORCH.LambdaLR(ref_opt, [lambda e: factor(e), lambda e: 0.97**e])
    assert run(opt, ours) == run(ref_opt, theirs)


def test_the_core_lambdalr_over_a_schedule_is_vectorised() -> None:
    factor = FACTORS["warm-cosine"]()
    s = lrkit.LambdaLR(lr=0.1, lr_lambda=factor)
    t = np.arange(2000)
    want = 0.1 * factor(t)
    # The schedule's array path: never one Python call per step.
    with mock.patch.object(type(factor), "__call__", side_effect=AssertionError("per step")):
        got = s(t)
        got_float = s(t.astype(np.float64) + 0.5)
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(got_float, 0.1 * factor(t + 0.5))
    assert [s(int(k)) for k in (0, 5, 10, 55, 100, 1999)] == [
        0.1 * factor(int(k)) for k in (0, 5, 10, 55, 100, 1999)
    ]
    assert s(10) == 0.1 and s(100) == 0.0  # the peak and the end, exactly


def test_the_core_lambdalr_takes_its_schedules_domain() -> None:
    one = lrkit.OneCycleLR(max_lr=1.0, total_steps=10)
    s = lrkit.LambdaLR(lr=0.5, lr_lambda=one)
    assert s.last_step == one.last_step == 10
    assert s.length == one.length and s.breakpoints == one.breakpoints
    assert s(10) == 0.5 * one(10)
    with pytest.raises(InvalidValue, match="total_steps=10"):
        s(11)
    with pytest.raises(InvalidValue, match="total_steps=10"):
        s(np.arange(12))
    multiplicative = lrkit.MultiplicativeLR(lr=1.0, lr_lambda="0.9")
    whole = lrkit.LambdaLR(lr=0.5, lr_lambda=multiplicative)
    with pytest.raises(InvalidValue, match="whole number"):
        whole(1.5)
    assert whole(3) == 0.5 * multiplicative(3)
    periodic = lrkit.LambdaLR(lr=2.0, lr_lambda=lrkit.CosineAnnealingLR(lr=1.0, T_max=7))
    steps = np.arange(5000)
    np.testing.assert_array_equal(periodic(steps), [periodic(int(k)) for k in steps])


def test_the_core_lambdalr_config_holds_the_nested_schedule() -> None:
    factor = FACTORS["warm-cosine"]()
    s = lrkit.LambdaLR(lr=0.1, lr_lambda=factor)
    config = s.to_config()
    assert config["lr_lambda"] == factor.to_config()
    assert json.loads(json.dumps(config)) == config
    back = from_config(config)
    assert back == s and back.lr_lambda == factor
    np.testing.assert_array_equal(back(np.arange(200)), s(np.arange(200)))


def test_a_nested_factor_config_does_not_inherit_the_parents_lr() -> None:
    inner = {"type": "CosineAnnealingLR", "T_max": 10}
    with pytest.raises(InvalidValue, match=r"^lr_lambda\.lr must be given"):
        from_config({"type": "LambdaLR", "lr": 0.1, "lr_lambda": inner})
    nested = {
        "type": "SequentialLR",
        "lr": 0.1,
        "schedulers": [
            {"type": "LambdaLR", "lr_lambda": inner},
            {"type": "StepLR", "step_size": 3},
        ],
        "milestones": [5],
    }
    with pytest.raises(InvalidValue, match=r"^schedulers\[0\]\.lr_lambda\.lr must be given"):
        from_config(nested)
    nested["schedulers"][0]["lr_lambda"] = {**inner, "lr": 2.0}
    built = from_config(nested)
    assert built(3) == 0.1 * lrkit.CosineAnnealingLR(lr=2.0, T_max=10)(3)
    with pytest.raises(InvalidType, match=r"^lr_lambda must be an expression string"):
        from_config({"type": "LambdaLR", "lr": 0.1, "lr_lambda": [inner]})
    with pytest.raises(InvalidValue, match=r"^lr_lambda\.T_max must be"):
        from_config({"type": "LambdaLR", "lr": 0.1, "lr_lambda": {**inner, "lr": 1, "T_max": 0}})


def test_nested_factor_configs_count_in_the_config_bounds() -> None:
    def chain(depth: int) -> dict[str, Any]:
        config: dict[str, Any] = {"type": "CosineAnnealingLR", "lr": 1.0, "T_max": 10}
        for _ in range(depth - 1):
            config = {"type": "LambdaLR", "lr": 1.0, "lr_lambda": config}
        return config

    assert from_config(chain(MAX_DEPTH))(5) == lrkit.CosineAnnealingLR(lr=1.0, T_max=10)(5)
    path = ".".join(["lr_lambda"] * MAX_DEPTH)
    with pytest.raises(
        InvalidValue, match=re.escape(path) + f" must be a schedule at most {MAX_DEPTH}"
    ):
        from_config(chain(MAX_DEPTH + 1))
    looped: dict[str, Any] = {"type": "LambdaLR", "lr": 1.0}
    looped["lr_lambda"] = looped
    with pytest.raises(InvalidValue, match="does not contain itself"):
        from_config(looped)


# --------------------------------------------------------------------------------------
# State dicts: plain data, restored
# --------------------------------------------------------------------------------------
def test_schedulelr_state_dict_is_plain_data_with_the_configs() -> None:
    schedules = PER_GROUP["warm-cosine"]()
    opt = make_optimizer()
    sched = LT.ScheduleLR(opt, schedules)
    run(opt, sched, 12)
    state = sched.state_dict()
    assert state["schedules"] == [s.to_config() for s in schedules]
    assert json.loads(json.dumps(state)) == state  # plain data
    assert saved(state) == state  # torch.load(weights_only=True) takes it
    assert state["last_epoch"] == 12 and state["base_lrs"] == list(LRS)
    assert state["_last_lr"] == [schedules[0](12), schedules[1](12)]


def test_lambdalr_state_dict_holds_the_config_beside_torchs_entries() -> None:
    factor = FACTORS["warm-cosine"]()
    opt = make_optimizer()
    sched = LT.LambdaLR(opt, [factor, lambda e: 0.9**e])
    state = sched.state_dict()
    assert state["lr_lambdas"] == [None, None]  # torch's entries: nothing to update
    assert state["_lrkit_lr_lambdas"] == [factor.to_config(), None]
    assert saved(state) == state
    # Without a schedule, torch's keys only (as before).
    plain = LT.LambdaLR(make_optimizer(), lambda e: 0.9**e).state_dict()
    assert "_lrkit_lr_lambdas" not in plain


def continue_rows(opt: torch.optim.Optimizer, sched: Any, start: int, stop: int) -> list[Any]:
    rows = [lrs(opt)]
    for _ in range(start, stop):
        train_step(opt)
        sched.step()
        rows.append(lrs(opt))
    return rows


#: name -> (build the scheduler on an optimizer, a placeholder build for a new run)
BUILDS: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
    "ScheduleLR": (
        lambda opt: LT.ScheduleLR(opt, PER_GROUP["cosine-onecycle"]()),
        lambda opt: LT.ScheduleLR(opt, lrkit.ConstantLR(lr=1.0)),  # restored from the state
    ),
    "LambdaLR": (
        lambda opt: LT.LambdaLR(opt, FACTORS["warm-cosine"]()),
        lambda opt: LT.LambdaLR(opt, lambda e: 1.0),  # restored from the state
    ),
}


def resumed(name: str, kind: str, k: int, order: str, placeholder: bool) -> list[Any]:
    build, stand_in = BUILDS[name]
    make = stand_in if placeholder else build
    opt = make_optimizer(kind)
    sched = build(opt)
    run(opt, sched, k)
    ckpt = saved({"optimizer": opt.state_dict(), "scheduler": sched.state_dict()})
    new = make_optimizer(kind)
    if order == "optimizer first":
        new.load_state_dict(ckpt["optimizer"])
        again = make(new)
        again.load_state_dict(ckpt["scheduler"])
    elif order == "scheduler first":
        again = make(new)
        again.load_state_dict(ckpt["scheduler"])
        new.load_state_dict(ckpt["optimizer"])
    elif order == "torch's":
        again = make(new)
        new.load_state_dict(ckpt["optimizer"])
        again.load_state_dict(ckpt["scheduler"])
    else:  # the scheduler's state only
        again = make(new)
        again.load_state_dict(ckpt["scheduler"])
    assert again.last_epoch == k
    return continue_rows(new, again, k, STEPS)


ORDERS = ["optimizer first", "scheduler first", "torch's", "scheduler only"]


@pytest.mark.parametrize("placeholder", [False, True], ids=["same-build", "placeholder"])
@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("kind", ["sgd", "adam"])
@pytest.mark.parametrize("name", sorted(BUILDS))
def test_resume_in_any_order(name: str, kind: str, order: str, placeholder: bool) -> None:
    """Resumed at several points, in each order, the run goes on as the uninterrupted one
    (from the moment the state is loaded); a scheduler built with another schedule (or a
    placeholder lambda) takes the checkpoint's."""
    build, _ = BUILDS[name]
    opt = make_optimizer(kind)
    whole = run(opt, build(opt))
    for k in (0, 1, 10, 57):
        assert resumed(name, kind, k, order, placeholder) == whole[k:], k


def test_resume_in_a_new_process(tmp_path: Path) -> None:
    """Saved here with torch.save; loaded in a new Python process with weights_only=True,
    in either order, then continued: the uninterrupted run's lrs, bit for bit."""
    k = 37
    wanted = {}
    for name, (build, _) in BUILDS.items():
        opt = make_optimizer()
        whole = run(opt, build(opt))
        wanted[name] = whole[k:]
        opt = make_optimizer()
        sched = build(opt)
        run(opt, sched, k)
        torch.save(
            {"optimizer": opt.state_dict(), "scheduler": sched.state_dict()},
            tmp_path / f"{name}.pt",
        )
    script = textwrap.dedent(
        f"""
        import json, sys, torch, lrkit, lrkit.torch as LT
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from test_torch_generic import make_optimizer, continue_rows

        out = {{}}
        for name, build in (
            ("ScheduleLR", lambda opt: LT.ScheduleLR(opt, lrkit.ConstantLR(lr=1.0))),
            ("LambdaLR", lambda opt: LT.LambdaLR(opt, lambda e: 1.0)),
        ):
            ckpt = torch.load({str(tmp_path)!r} + f"/{{name}}.pt", weights_only=True)
            for order in ("optimizer first", "scheduler first"):
                opt = make_optimizer()
                if order == "optimizer first":
                    opt.load_state_dict(ckpt["optimizer"])
                    sched = build(opt)
                    sched.load_state_dict(ckpt["scheduler"])
                else:
                    sched = build(opt)
                    sched.load_state_dict(ckpt["scheduler"])
                    opt.load_state_dict(ckpt["optimizer"])
                out[name + "/" + order] = continue_rows(opt, sched, {k}, {STEPS})
        print(json.dumps(out))
        """
    )
    src = str(Path(lrkit.__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", "")}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300
    )
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout)
    assert sorted(got) == sorted(f"{n}/{o}" for n in BUILDS for o in ORDERS[:2])
    for key, rows in got.items():
        assert rows == wanted[key.split("/")[0]], key


def test_lrkit_lambdalr_state_loads_into_torchs_and_back() -> None:
    """Both directions with torch's LambdaLR given ``lambda e: schedule(e)``."""
    factor = FACTORS["warm-cosine"]()
    opt = make_optimizer()
    whole = run(opt, TORCH.LambdaLR(opt, lambda e: factor(e)))
    k = 23
    # lrkit -> torch (torch's documented order).
    opt = make_optimizer()
    ours = LT.LambdaLR(opt, factor)
    run(opt, ours, k)
    ckpt = saved({"optimizer": opt.state_dict(), "scheduler": ours.state_dict()})
    new = make_optimizer()
    theirs = TORCH.LambdaLR(new, lambda e: factor(e))
    new.load_state_dict(ckpt["optimizer"])
    theirs.load_state_dict(ckpt["scheduler"])
    assert continue_rows(new, theirs, k, STEPS) == whole[k:]
    # torch -> lrkit (the schedule kept as built: torch's state holds no config).
    opt = make_optimizer()
    theirs = TORCH.LambdaLR(opt, lambda e: factor(e))
    run(opt, theirs, k)
    ckpt = saved({"optimizer": opt.state_dict(), "scheduler": theirs.state_dict()})
    new = make_optimizer()
    ours = LT.LambdaLR(new, factor)
    ours.load_state_dict(ckpt["scheduler"])
    assert ours.lr_lambdas == [factor, factor]
    assert continue_rows(new, ours, k, STEPS) == whole[k:]


def test_a_schedule_is_never_updated_from_a_torch_dict_entry() -> None:
    """torch's LambdaLR saves a callable object's ``__dict__``; given to torch itself, a
    schedule is such an object. Loaded into lrkit, it must not write into a frozen schedule."""
    factor = FACTORS["cosine"]()
    opt = make_optimizer()
    theirs = TORCH.LambdaLR(opt, factor)  # torch calls the schedule as a function
    run(opt, theirs, 5)
    state = theirs.state_dict()
    assert isinstance(state["lr_lambdas"][0], dict)  # the schedule's fields
    other = lrkit.CosineAnnealingLR(lr=1.0, T_max=7)
    ours = LT.LambdaLR(make_optimizer(), other)
    ours.load_state_dict({**state, "lr_lambdas": [{"T_max": 999}, {"T_max": 999}]})
    assert other.T_max == 7 and vars(other)["T_max"] == 7
    assert ours.lr_lambdas == [other, other]


def test_torchs_lambdalr_given_a_schedule_saves_objects_and_writes_into_it() -> None:
    """What docs/torch-compat.md says torch does with a schedule as ``lr_lambda``."""
    shape = FACTORS["warm-cosine"]()
    theirs = TORCH.LambdaLR(make_optimizer(), shape)
    buffer = io.BytesIO()
    torch.save(theirs.state_dict(), buffer)
    buffer.seek(0)
    with pytest.raises(Exception, match="Weights only load failed"):
        torch.load(buffer, weights_only=True)
    cosine = lrkit.CosineAnnealingLR(lr=1.0, T_max=90)
    theirs = TORCH.LambdaLR(make_optimizer(), cosine)
    theirs.load_state_dict({**theirs.state_dict(), "lr_lambdas": [{"T_max": 5}, None]})
    assert cosine.T_max == 5  # torch wrote into the "immutable" schedule
    ours = LT.LambdaLR(make_optimizer(), shape)
    assert saved(ours.state_dict())["_lrkit_lr_lambdas"] == [shape.to_config()] * 2


def test_a_schedule_without_a_config_is_kept_as_constructed() -> None:
    """A LambdaLR over a Python lambda has no config: saved as None, kept on load."""
    no_config = lrkit.LambdaLR(lr=0.1, lr_lambda=lambda e: 0.9**e)
    with pytest.raises(TypeError, match="Python callable"):
        no_config.to_config()
    schedules = [no_config, lrkit.CosineAnnealingLR(lr=0.1, T_max=40)]
    opt = make_optimizer()
    sched = LT.ScheduleLR(opt, schedules)
    whole = run(opt, sched)
    opt = make_optimizer()
    sched = LT.ScheduleLR(opt, schedules)
    run(opt, sched, 20)
    state = saved(sched.state_dict())
    assert state["schedules"] == [None, schedules[1].to_config()]
    new = make_optimizer()
    kept = lrkit.LambdaLR(lr=0.1, lr_lambda=lambda e: 0.9**e)
    again = LT.ScheduleLR(new, [kept, lrkit.ConstantLR(lr=1.0)])
    again.load_state_dict(state)
    assert again.schedules[0] is kept and again.schedules[1] == schedules[1]
    assert continue_rows(new, again, 20, STEPS) == whole[20:]
    # The same for LambdaLR's own lr_lambda.
    lam = LT.LambdaLR(
        make_optimizer(), [lrkit.LambdaLR(lr=1.0, lr_lambda=lambda e: 0.5), no_config]
    )
    assert lam.state_dict()["_lrkit_lr_lambdas"] == [None, None]


def test_equal_configs_build_one_shared_schedule() -> None:
    opt = make_optimizer()
    sched = LT.ScheduleLR(opt, SHARED["warm-cosine"]())
    state = saved(sched.state_dict())
    again = LT.ScheduleLR(make_optimizer(), lrkit.ConstantLR(lr=1.0))
    again.load_state_dict(state)
    assert again.schedules[0] is again.schedules[1]
    assert again.schedules[0] == SHARED["warm-cosine"]()


# --------------------------------------------------------------------------------------
# Chains, sequences, tensors, warnings
# --------------------------------------------------------------------------------------
def test_chained_with_another_scheduler_as_a_non_recursive_torch_scheduler() -> None:
    """ScheduleLR overwrites; ExponentialLR then multiplies what it wrote: torch's
    ChainedScheduler over torch's classes (the reference for ScheduleLR) does the same."""
    schedules = PER_GROUP["warm-cosine"]()
    opt, ref_opt = make_optimizer(), make_optimizer()
    ours = LT.ChainedScheduler([LT.ScheduleLR(opt, schedules), LT.ExponentialLR(opt, gamma=0.99)])
    theirs = TORCH.ChainedScheduler(
        [Reference(ref_opt, schedules), TORCH.ExponentialLR(ref_opt, gamma=0.99)]
    )
    rows, want = run(opt, ours), run(ref_opt, theirs)
    assert rows == want
    # The other way round: ScheduleLR last, its values exactly.
    opt, ref_opt = make_optimizer(), make_optimizer()
    ours = LT.ChainedScheduler([LT.ExponentialLR(opt, gamma=0.99), LT.ScheduleLR(opt, schedules)])
    rows = run(opt, ours)
    assert rows[1:] == [[s(t) for s in schedules] for t in range(1, STEPS + 1)]


def test_two_schedulers_stepping_one_optimizer_in_turn() -> None:
    schedules = PER_GROUP["cosine-onecycle"]()
    opt, ref_opt = make_optimizer(), make_optimizer()
    a, b = LT.ScheduleLR(opt, schedules), LT.StepLR(opt, step_size=7, gamma=0.5)
    ra, rb = Reference(ref_opt, schedules), TORCH.StepLR(ref_opt, step_size=7, gamma=0.5)
    for _ in range(STEPS):
        train_step(opt)
        train_step(ref_opt)
        a.step()
        b.step()
        ra.step()
        rb.step()
        assert lrs(opt) == lrs(ref_opt)


def test_in_a_sequence_each_restarts_at_its_milestone() -> None:
    """lrkit.torch.SequentialLR over two ScheduleLRs is the closed-form lrkit.SequentialLR."""
    warm = lrkit.LinearLR(lr=0.1, start_factor=0.01, total_iters=10)
    cos = lrkit.CosineAnnealingLR(lr=0.1, T_max=90)
    opt = make_optimizer()
    sched = LT.SequentialLR(
        opt, [LT.ScheduleLR(opt, warm), LT.ScheduleLR(opt, cos)], milestones=[10]
    )
    closed = lrkit.SequentialLR([warm, cos], milestones=[10])
    rows = run(opt, sched, 100)
    assert rows == [[closed(t), closed(t)] for t in range(101)]
    ref_opt = make_optimizer()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's SequentialLR calls step(0)
        theirs = TORCH.SequentialLR(
            ref_opt, [Reference(ref_opt, [warm] * 2), Reference(ref_opt, [cos] * 2)], [10]
        )
        assert run(ref_opt, theirs, 100) == rows
    state = saved(sched.state_dict())
    again_opt = make_optimizer()
    again = LT.SequentialLR(
        again_opt, [LT.ScheduleLR(again_opt, warm), LT.ScheduleLR(again_opt, cos)], [10]
    )
    again.load_state_dict(state)
    assert lrs(again_opt) == rows[100]


def test_a_tensor_lr_is_updated_in_place() -> None:
    schedule = SHARED["onecycle"]()
    for kind in ("sgd", "adam"):
        opt = make_optimizer(kind, tensor=True)
        held = opt.param_groups[1]["lr"]
        sched = LT.ScheduleLR(opt, schedule)
        assert isinstance(sched.base_lrs[1], torch.Tensor) and sched.base_lrs[1] is not held
        for t in range(STEPS + 1):
            if t:
                train_step(opt)
                sched.step()
            assert opt.param_groups[1]["lr"] is held  # the same tensor object
            assert float(held) == float(torch.tensor(schedule(t)))  # as float32 holds it
            last = sched.get_last_lr()[1]
            assert isinstance(last, torch.Tensor) and last is not held
        state = saved(sched.state_dict())
        new = make_optimizer(kind, tensor=True)
        new_held = new.param_groups[1]["lr"]
        again = LT.ScheduleLR(new, lrkit.ConstantLR(lr=1.0))
        again.load_state_dict(state)
        assert new.param_groups[1]["lr"] is new_held and float(new_held) == float(held)
    opt = make_optimizer("sgd", tensor=True)
    held = opt.param_groups[1]["lr"]
    lam = LT.LambdaLR(opt, FACTORS["cosine"]())
    run(opt, lam, 10)
    assert opt.param_groups[1]["lr"] is held


def test_the_step_order_warning_as_for_the_other_drop_ins() -> None:
    opt = make_optimizer()
    sched = LT.ScheduleLR(opt, SHARED["cosine"]())
    with pytest.warns(UserWarning, match=r"lr_scheduler\.step\(\)` before `optimizer\.step\(\)"):
        sched.step()
    opt = make_optimizer()
    sched = LT.ScheduleLR(opt, SHARED["cosine"]())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        train_step(opt)
        sched.step()


# --------------------------------------------------------------------------------------
# Refused before anything changes
# --------------------------------------------------------------------------------------
BAD_ARGUMENTS = [
    (lambda: [SHARED["cosine"]()] * 3, InvalidValue, r"^schedule must be one Schedule or a list of 2"),
    (lambda: [], InvalidValue, r"^schedule must be one Schedule or a list of 2"),
    (lambda: lambda e: 0.1, InvalidType, r"^schedule must be an lrkit Schedule.*lrkit\.torch\.LambdaLR"),
    (lambda: 0.1, InvalidType, r"^schedule must be an lrkit Schedule"),
    (lambda: {"type": "StepLR"}, InvalidType, r"^schedule must be an lrkit Schedule"),
    (lambda: [SHARED["cosine"](), "cos"], InvalidType, r"^schedule\[1\] must be an lrkit Schedule"),
    (lambda: [SHARED["cosine"](), TORCH.StepLR], InvalidType, r"^schedule\[1\] must be"),
]  # fmt: skip


@pytest.mark.parametrize(("make", "error", "message"), BAD_ARGUMENTS)
def test_bad_arguments_are_refused_before_the_optimizer_changes(
    make: Callable[[], Any], error: type[Exception], message: str
) -> None:
    opt = make_optimizer()
    before = params_and_groups(opt)
    with pytest.raises(error, match=message):
        LT.ScheduleLR(opt, make())
    assert same_groups(before, opt)
    assert "initial_lr" not in opt.param_groups[0]


def test_a_last_epoch_past_the_schedules_end_is_refused_before_the_optimizer_changes() -> None:
    opt = make_optimizer()
    opt.param_groups[0]["initial_lr"] = BACKBONE
    opt.param_groups[1]["initial_lr"] = HEAD
    before = params_and_groups(opt)
    short = lrkit.OneCycleLR(max_lr=0.1, total_steps=10)
    with pytest.raises(
        InvalidValue, match=r"^last_epoch must be a step before the end of schedule\[1\]"
    ):
        LT.ScheduleLR(opt, [SHARED["cosine"](), short], last_epoch=10)
    with pytest.raises(
        InvalidValue, match=r"^last_epoch must be a step before the end of schedule "
    ):
        LT.ScheduleLR(opt, short, last_epoch=10)
    with pytest.raises(InvalidValue, match=r"^last_epoch must be"):
        LT.ScheduleLR(opt, short, last_epoch=-2)
    assert same_groups(before, opt)
    resumed_at = LT.ScheduleLR(opt, short, last_epoch=9)  # (step 10 is the last)
    assert resumed_at.last_epoch == 10 and lrs(opt) == [short(10)] * 2


def test_lambdalr_refuses_a_bad_lr_lambda_list_before_the_optimizer_changes() -> None:
    opt = make_optimizer()
    before = params_and_groups(opt)
    with pytest.raises(InvalidValue, match=r"^lr_lambda must be one function or a list of 2"):
        LT.LambdaLR(opt, [FACTORS["cosine"]()] * 3)
    with pytest.raises(InvalidType, match=r"^lr_lambda must be a callable"):
        LT.LambdaLR(opt, [FACTORS["cosine"](), 3])
    assert same_groups(before, opt)


def snapshot(sched: Any) -> dict[str, Any]:
    return {k: (list(v) if isinstance(v, list) else v) for k, v in vars(sched).items()}


def bad_states() -> Iterator[tuple[str, Callable[[dict[str, Any]], Any], type[Exception], str]]:
    yield "not a dict", lambda s: [s], InvalidType, r"^state_dict must be a dict"
    yield (
        "schedules not a list",
        lambda s: {**s, "schedules": "cos"},
        InvalidType,
        r"^state_dict\['schedules'\] must be a list of 2",
    )
    yield (
        "one config too few",
        lambda s: {**s, "schedules": s["schedules"][:1]},
        InvalidValue,
        r"^state_dict\['schedules'\] must be a list of 2",
    )
    yield (
        "an entry not a dict",
        lambda s: {**s, "schedules": [s["schedules"][0], 3]},
        InvalidType,
        r"^state_dict\['schedules'\]\[1\] must be a schedule config",
    )
    yield (
        "a bad value in a config",
        lambda s: {**s, "schedules": [s["schedules"][0], {**s["schedules"][1], "T_max": 0}]},
        InvalidValue,
        r"^state_dict\['schedules'\]\[1\]\.T_max must be",
    )
    yield (
        "an unknown type",
        lambda s: {**s, "schedules": [{"type": "Cosine", "lr": 0.1}, None]},
        InvalidValue,
        r"^state_dict\['schedules'\]\[0\]\.type must be one of",
    )
    yield (
        "a callable in a config",
        lambda s: {**s, "schedules": [{"type": "LambdaLR", "lr": 0.1, "lr_lambda": 7}, None]},
        InvalidType,
        r"^state_dict\['schedules'\]\[0\]\.lr_lambda must be",
    )
    yield (
        "a bad last_epoch",
        lambda s: {**s, "last_epoch": math.nan},
        InvalidValue,
        r"^state_dict\['last_epoch'\] must be",
    )
    yield (
        "a bad _last_lr",
        lambda s: {**s, "_last_lr": [0.1, -1.0]},
        InvalidValue,
        r"^state_dict\['_last_lr'\]\[1\] must be",
    )
    # A good config with a bad key elsewhere: nothing of the config is taken either.
    yield "good configs, bad base_lrs", lambda s: {**s, "schedules": [{"type": "ConstantLR", "lr": 5.0}, None], "base_lrs": [0.1]}, InvalidValue, r"^state_dict\['base_lrs'\] must be a list of 2"  # fmt: skip


@pytest.mark.parametrize(("label", "edit", "error", "message"), list(bad_states()))
def test_a_bad_state_is_refused_and_changes_nothing(
    label: str, edit: Callable[[dict[str, Any]], Any], error: type[Exception], message: str
) -> None:
    schedules = PER_GROUP["cosine-onecycle"]()
    opt = make_optimizer()
    sched = LT.ScheduleLR(opt, schedules)
    run(opt, sched, 9)
    state = saved(sched.state_dict())
    other_opt = make_optimizer()
    other = LT.ScheduleLR(other_opt, [lrkit.ConstantLR(lr=1.0), lrkit.ConstantLR(lr=2.0)])
    run(other_opt, other, 3)
    before, groups = snapshot(other), params_and_groups(other_opt)
    with pytest.raises(error, match=message):
        other.load_state_dict(edit(state))
    assert snapshot(other) == before and same_groups(groups, other_opt)
    other.load_state_dict(state)  # the good state still loads
    assert other.schedules == schedules and lrs(other_opt) == lrs(opt)


def test_a_bad_lambdalr_state_is_refused_and_changes_nothing() -> None:
    factor = FACTORS["cosine"]()
    opt = make_optimizer()
    sched = LT.LambdaLR(opt, factor)
    run(opt, sched, 4)
    state = saved(sched.state_dict())
    before, groups = snapshot(sched), params_and_groups(opt)
    for bad, message in (
        ({**state, "_lrkit_lr_lambdas": [None]}, r"^state_dict\['_lrkit_lr_lambdas'\] must be a list of 2"),
        ({**state, "_lrkit_lr_lambdas": [{"type": "CosineAnnealingLR", "lr": 1.0, "T_max": -1}, None]}, r"^state_dict\['_lrkit_lr_lambdas'\]\[0\]\.T_max must be"),
        ({**state, "last_epoch": -5}, r"^state_dict\['last_epoch'\] must be"),
    ):  # fmt: skip
        with pytest.raises((InvalidValue, InvalidType), match=message):
            sched.load_state_dict(bad)
        assert snapshot(sched) == before and same_groups(groups, opt)
    assert sched.lr_lambdas == [factor, factor]


def test_assigning_schedules_validates_and_takes_effect_at_the_next_step() -> None:
    first, second = PER_GROUP["cosine-onecycle"](), PER_GROUP["warm-cosine"]()
    opt = make_optimizer()
    sched = LT.ScheduleLR(opt, first)
    run(opt, sched, 5)
    before, groups = snapshot(sched), params_and_groups(opt)
    for value, error, message in (
        ([second[0]], InvalidValue, r"^schedules must be a list of 2"),
        ([second[0], "x"], InvalidType, r"^schedules\[1\] must be an lrkit Schedule"),
        (None, InvalidType, r"^schedules must be an lrkit Schedule"),
    ):
        with pytest.raises(error, match=message):
            sched.schedules = value
        assert snapshot(sched) == before and same_groups(groups, opt)
    sched.schedules = second
    assert lrs(opt) == [first[0](5), first[1](5)]  # nothing written until the next step
    train_step(opt)
    sched.step()
    assert lrs(opt) == [second[0](6), second[1](6)]
    sched.schedules = second[1]  # one for every group
    assert sched.schedules == [second[1], second[1]]
    # An in-place edit is checked at the next step, before anything is written.
    sched.schedules[0] = "not a schedule"  # type: ignore[call-overload]
    before, groups = snapshot(sched), params_and_groups(opt)
    with pytest.raises(InvalidType, match=r"^schedules\[0\] must be an lrkit Schedule"):
        sched.step()
    assert sched.last_epoch == before["last_epoch"] and same_groups(groups, opt)
    sched.schedules[0] = second[0]
    sched.step()
    assert lrs(opt) == [second[0](7), second[1](7)]


def test_a_param_group_added_later_needs_a_new_scheduler() -> None:
    opt = make_optimizer()
    sched = LT.ScheduleLR(opt, SHARED["cosine"]())
    opt.add_param_group({"params": [torch.nn.Parameter(torch.zeros(1))], "lr": 0.5})
    train_step(opt)
    with pytest.raises(ValueError, match="built for 2 param groups but the optimizer now has 3"):
        sched.step()


# --------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------
@settings(max_examples=25, deadline=None)
@given(
    lr=st.floats(1e-5, 1.0),
    t_max=st.integers(1, 60),
    warmup=st.integers(1, 30),
    k=st.integers(0, 80),
)
def test_any_warm_up_and_cosine_resumes_exactly(lr: float, t_max: int, warmup: int, k: int) -> None:
    schedule = lrkit.SequentialLR(
        [
            lrkit.LinearLR(lr=lr, start_factor=0.1, total_iters=warmup),
            lrkit.CosineAnnealingLR(lr=lr, T_max=t_max),
        ],
        milestones=[warmup],
    )
    opt = make_optimizer()
    whole = run(opt, LT.ScheduleLR(opt, [schedule, schedule]), 80)
    assert whole == [[schedule(t)] * 2 for t in range(81)]
    opt = make_optimizer()
    sched = LT.ScheduleLR(opt, schedule)
    run(opt, sched, k)
    state = saved(sched.state_dict())
    new = make_optimizer()
    again = LT.ScheduleLR(new, lrkit.ConstantLR(lr=1.0))
    again.load_state_dict(state)
    assert continue_rows(new, again, k, 80) == whole[k:]
    factor_opt = make_optimizer()
    factor = LT.LambdaLR(factor_opt, schedule)
    assert run(factor_opt, factor, 30) == [[b * schedule(t) for b in LRS] for t in range(31)]


def test_every_error_is_an_lrkit_error_naming_its_argument() -> None:
    """(The messages above all start with the argument's name; the types are lrkit's.)"""
    for make, _, _ in BAD_ARGUMENTS:
        try:
            LT.ScheduleLR(make_optimizer(), make())
        except LrkitError as error:
            assert error.argument.startswith("schedule")
        else:  # pragma: no cover
            raise AssertionError("accepted")


# --------------------------------------------------------------------------------------
# docs/driving-torch.md: its examples run and state true values
# --------------------------------------------------------------------------------------
PAGE = ROOT / "docs" / "driving-torch.md"


def page_blocks() -> list[str]:
    text = PAGE.read_text(encoding="utf-8")
    return [
        textwrap.dedent(m.group(2))
        for m in re.finditer(r"^([ \t]*)```python\n(.*?)^[ \t]*```", text, re.S | re.M)
    ]


def literal_of(comment: str) -> tuple[bool, Any]:
    """A comment that starts with a Python literal (then ``:`` or ``;`` or its end)."""
    for end in range(len(comment), 0, -1):
        if end < len(comment) and comment[end] not in ":;":
            continue
        try:
            return True, ast.literal_eval(comment[:end].strip())
        except (ValueError, SyntaxError):
            continue
    return False, None


def test_the_pages_examples_run_and_state_true_values() -> None:
    blocks = page_blocks()
    assert len(blocks) >= 4
    ns: dict[str, Any] = {"__name__": "__example__"}
    checked = 0
    for source in blocks:
        lines = source.splitlines()
        tokens = tokenize.generate_tokens(io.StringIO(source).readline)
        by_line = {t.start[0]: t.string[1:].strip() for t in tokens if t.type == tokenize.COMMENT}
        for node in ast.parse(source).body:
            assert node.end_lineno is not None
            text = "\n".join(lines[node.lineno - 1 : node.end_lineno])
            span = range(node.lineno, node.end_lineno + 1)
            comments = [by_line[i] for i in span if i in by_line]
            if isinstance(node, ast.Expr):
                value = eval(compile(ast.Expression(node.value), str(PAGE), "eval"), ns)
            else:
                exec(compile(ast.Module([node], []), str(PAGE), "exec"), ns)
                value = None
            for comment in comments:
                stated, literal = literal_of(comment)
                assert stated, f"unchecked comment: # {comment}"
                assert isinstance(node, ast.Expr), text
                assert value == literal, f"{text} gave {value!r}"
                assert type(value) is type(literal), text
                checked += 1
    assert checked == 13
    # The JSON shown is the state the example took (after 10 steps of ScheduleLR).
    (shown,) = re.findall(r"```json\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.S)
    assert json.loads(shown) == ns["state"]
    # The page's claims about LambdaLR: torch's LambdaLR with lambda t: shape(t) gives the
    # same floats at every step (the block's loop, replayed on both).
    shape = ns["shape"]
    ours_opt, torch_opt = ns["make_optimizer"](), ns["make_optimizer"]()
    ours = LT.LambdaLR(ours_opt, shape)
    theirs = TORCH.LambdaLR(torch_opt, lambda t: shape(t))
    assert run(ours_opt, ours, 100) == run(torch_opt, theirs, 100)


def test_multiplicative_lr_with_a_schedule_saves_its_config_and_restores_it() -> None:
    """MultiplicativeLR shares LambdaLR's handling: a schedule's config is saved apart, torch's
    entry for it is None, and loading never writes into the frozen schedule."""
    factor = lrkit.ExponentialLR(lr=1.0, gamma=0.99)
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    sched = lrkit.torch.MultiplicativeLR(opt, factor)
    for _ in range(3):
        opt.step()
        sched.step()
    state = sched.state_dict()
    assert state["lr_lambdas"] == [None]
    assert state["_lrkit_lr_lambdas"] == [factor.to_config()]
    buffer = io.BytesIO()
    torch.save(state, buffer)
    buffer.seek(0)
    loaded = torch.load(buffer, weights_only=True)
    opt2 = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    other = lrkit.torch.MultiplicativeLR(opt2, lrkit.ExponentialLR(lr=1.0, gamma=0.5))
    other.load_state_dict(loaded)
    assert other.lr_lambdas[0] == factor
    assert factor.gamma == 0.99  # the schedule given was not written into
