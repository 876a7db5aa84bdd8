"""lrkit.torch against real torch 2.13: the same trajectories, state and attributes.

Every case of ``dropin_cases.oracle_cases()`` is built twice on identical real torch
optimizers, once with ``torch.optim.lr_scheduler`` and once with the module under test,
and compared after construction and after every step: the lr and momentum (SGD
``momentum`` / Adam ``betas[0]``) of every group, the whole param groups, every
scheduler's ``get_last_lr()``, ``last_epoch``, ``base_lrs`` and public attributes, and
what ``get_lr()`` returns outside ``step()`` (rtol 1e-9, atol 1e-14).

Every comparison runs ``lrkit.torch`` against torch: torch is never compared with itself.
Two tests also assert torch's own behaviour where docs/torch-compat.md relies on it
(torch's ``get_lr()`` raising ``NotImplementedError`` on three classes, torch wrapping
``optimizer.step``), next to what lrkit does.
"""

from __future__ import annotations

import functools
import types
import warnings
from collections.abc import Callable
from typing import Any

import mpmath
import pytest
import torch
from dropin_cases import (
    ATOL,
    CLASSES,
    COMPOSITES,
    GROUP_LRS,
    RTOL,
    TORCH,
    Case,
    Missing,
    Recording,
    build,
    chained,
    close,
    make_optimizer,
    mismatches,
    module_named,
    momentum_of,
    oracle_cases,
    run,
    seed_loops_well_rounded,
    sequential,
    spec,
)
from torch.optim.swa_utils import SWALR

CASES = {c.name: c for c in oracle_cases()}


@functools.cache
def recorded(name: str, impl: str, probe: bool = False) -> Recording:
    return run(CASES[name], module_named(impl), probe)


@pytest.fixture
def M() -> types.ModuleType:
    """The module under test: ``lrkit.torch`` (torch's module is the reference)."""
    return module_named("lrkit")


# --------------------------------------------------------------------------------------
# The generated cases
# --------------------------------------------------------------------------------------
def test_enough_cases_cover_every_scheduler() -> None:
    cases = list(CASES.values())
    assert len(cases) >= 150
    covered = set().union(*(c.classes for c in cases))
    assert covered == set(CLASSES)
    assert {len(c.lrs) for c in cases} == {1, 2, 3}
    assert {c.optim for c in cases} == {"sgd", "adam"}
    assert max(c.steps for c in cases) <= 300
    # step(epoch) for every class that takes it, the plateau rule included
    with_epochs = set().union(*(c.classes for c in cases if c.epochs is not None))
    assert with_epochs == set(CLASSES) - set(COMPOSITES)
    # milestone 0 and 2 to 4 children in SequentialLR
    seq = [s for c in cases for s in c.specs if s.cls == "SequentialLR"]
    assert {len(s.children) for s in seq} == {2, 3, 4}
    assert any(dict(s.kwargs)["milestones"][0] == 0 for s in seq)
    # the seed's fractional epochs stay where torch finds the warm-restart cycle exactly
    assert seed_loops_well_rounded() == []


# --------------------------------------------------------------------------------------
# Trajectories and state, case by case
# --------------------------------------------------------------------------------------
# (torch against itself would be a tautology here: these compare lrkit with torch)
@pytest.mark.parametrize("name", list(CASES))
def test_lrs_and_momenta_match_torch(name: str) -> None:
    want = recorded(name, "torch")
    got = recorded(name, "lrkit")
    bad = mismatches(got.lrs, want.lrs, "lrs") + mismatches(got.momenta, want.momenta, "momenta")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("name", list(CASES))
def test_param_groups_match_torch(name: str) -> None:
    """What the schedulers write into the groups (initial_lr, max_lr, min_lr, momenta...)."""
    want = recorded(name, "torch")
    got = recorded(name, "lrkit")
    bad = mismatches(got.groups, want.groups, "param_groups")
    assert not bad, "\n".join(bad)


def torch_attrs(rows: list[list[dict[str, Any]]], like: list[list[dict[str, Any]]]) -> Any:
    """Keep the attributes torch's object has (lrkit may hold more than torch)."""
    return [
        [
            {k: v for k, v in r.items() if k in w and w[k] is not Missing}
            for r, w in zip(row, wrow, strict=True)
        ]
        for row, wrow in zip(rows, like, strict=True)
    ]


@pytest.mark.parametrize("name", list(CASES))
def test_scheduler_state_matches_torch(name: str) -> None:
    """get_last_lr(), last_epoch, base_lrs and the public attributes of every scheduler."""
    want = recorded(name, "torch")
    got = recorded(name, "lrkit")
    assert [len(r) for r in got.scheds] == [len(r) for r in want.scheds]
    bad = mismatches(
        torch_attrs(got.scheds, want.scheds), torch_attrs(want.scheds, want.scheds), "schedulers"
    )
    assert not bad, "\n".join(bad)


NOT_IMPLEMENTED = "raises NotImplementedError"


def get_lr_probes(rec: Recording, like: Recording, seq_children: bool) -> list[list[Any]]:
    """The get_lr() probes of the schedulers that have a get_lr() in torch (not the
    plateau rule or the composites), of SequentialLR's children or of the others."""
    keep = [
        (role == "SequentialLR-child") == seq_children and w != NOT_IMPLEMENTED
        for role, w in zip(like.roles, like.get_lr[0], strict=True)
    ]
    return [[g for g, k in zip(row, keep, strict=True) if k] for row in rec.get_lr]


@pytest.mark.parametrize("name", list(CASES))
def test_get_lr_outside_step_matches_torch(name: str) -> None:
    """get_lr() called by the user returns what torch's returns (its quirks included)."""
    want = recorded(name, "torch", probe=True)
    got = recorded(name, "lrkit", probe=True)
    bad = mismatches(get_lr_probes(got, want, False), get_lr_probes(want, want, False), "get_lr()")
    assert not bad, "\n".join(bad)
    # probing get_lr() changes nothing: the trajectory is the unprobed one
    assert not mismatches(got.lrs, recorded(name, "lrkit").lrs, "lrs")


def test_get_lr_of_sequential_children_matches_torch() -> None:
    """Children of SequentialLR waiting for their milestone hold torch's odd last_epoch
    (torch undoes their first step); their get_lr() follows torch there too."""
    bad = []
    for name, case in CASES.items():
        if "SequentialLR" not in case.classes:
            continue
        want = recorded(name, "torch", probe=True)
        got = recorded(name, "lrkit", probe=True)
        found = mismatches(
            get_lr_probes(got, want, True), get_lr_probes(want, want, True), "get_lr()", limit=1
        )
        bad += [f"{name}: {line}" for line in found]
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("impl", ["torch", "lrkit"])
@pytest.mark.parametrize("cls", ["ReduceLROnPlateau", "SequentialLR", "ChainedScheduler"])
def test_get_lr_not_implemented_where_torch_has_none(cls: str, impl: str) -> None:
    """torch's ReduceLROnPlateau, SequentialLR and ChainedScheduler inherit the base
    class's get_lr(), which raises NotImplementedError: torch-compat.md ("Kept as torch
    does them") says so, and lrkit keeps it. Both are asserted."""
    opt = make_optimizer(GROUP_LRS[1])
    sched = ONE_OF_EACH[cls](module_named(impl), opt)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(NotImplementedError):
            sched.get_lr()


@pytest.mark.parametrize("cls", ["SequentialLR", "ChainedScheduler"])
def test_composites_step_takes_no_epoch(cls: str, M: types.ModuleType) -> None:
    """torch's SequentialLR.step() and ChainedScheduler.step() take no epoch."""
    opt = make_optimizer((0.1,))
    kids = [spec("ExponentialLR", gamma=0.9), spec("StepLR", step_size=2)]
    s = sequential(kids, [2]) if cls == "SequentialLR" else chained(kids)
    sched = build(s, M, opt)
    with pytest.raises(TypeError):
        sched.step(3)


# --------------------------------------------------------------------------------------
# Long runs: lrkit's closed form against the exact value (mpmath); torch drifts a little
# --------------------------------------------------------------------------------------
mpmath.mp.dps = 40
BASE = mpmath.mpf("0.1")
LONG_RUNS: dict[str, tuple[Callable[[types.ModuleType, Any], Any], int, Callable[[int], Any]]] = {
    "ExponentialLR": (
        lambda M, o: M.ExponentialLR(o, gamma=0.9995),
        20000,
        lambda t: BASE * mpmath.mpf(0.9995) ** t,
    ),
    "CosineAnnealingLR-periodic": (
        lambda M, o: M.CosineAnnealingLR(o, T_max=7),
        20000,
        lambda t: BASE * (1 + mpmath.cos(mpmath.pi * t / 7)) / 2,
    ),
    "CosineAnnealingLR-eta_min": (
        lambda M, o: M.CosineAnnealingLR(o, T_max=10000, eta_min=0.001),
        20000,
        lambda t: 0.001 + (BASE - mpmath.mpf(0.001)) * (1 + mpmath.cos(mpmath.pi * t / 10000)) / 2,
    ),
    "LinearLR": (
        lambda M, o: M.LinearLR(o, start_factor=0.001, total_iters=20000),
        20000,
        lambda t: BASE * (mpmath.mpf(0.001) + (1 - mpmath.mpf(0.001)) * t / 20000),
    ),
    "PolynomialLR": (
        lambda M, o: M.PolynomialLR(o, total_iters=20000, power=2.0),
        19999,
        lambda t: BASE * (1 - mpmath.mpf(t) / 20000) ** 2,
    ),
}


@pytest.mark.parametrize("name", list(LONG_RUNS))
def test_long_runs_against_mpmath(name: str, M: types.ModuleType) -> None:
    """lrkit: a few ulps of the exact value (tests/test_dropin_exact.py covers every class)."""
    make, steps, exact = LONG_RUNS[name]
    opt = make_optimizer((0.1,), "sgd0")
    sched = make(M, opt)
    rtol, atol = 1e-13, 1e-17
    opt.step()  # torch checks the call order at the first step only
    worst = 0.0
    for t in range(1, steps + 1):
        sched.step()
        if t % 37 == 0 or t == steps:
            lr = opt.param_groups[0]["lr"]
            want = exact(t)
            err = float(abs(lr - want))
            worst = max(worst, err / float(atol + rtol * abs(want)))
    assert worst <= 1.0


# --------------------------------------------------------------------------------------
# Integration: isinstance, optimizer-like objects, user subclasses, torch schedulers
# --------------------------------------------------------------------------------------
ONE_OF_EACH: dict[str, Callable[[types.ModuleType, Any], Any]] = {
    "LambdaLR": lambda M, o: M.LambdaLR(o, lambda e: 0.9**e),
    "MultiplicativeLR": lambda M, o: M.MultiplicativeLR(o, lambda e: 0.9),
    "StepLR": lambda M, o: M.StepLR(o, step_size=3),
    "MultiStepLR": lambda M, o: M.MultiStepLR(o, milestones=[2, 5]),
    "ConstantLR": lambda M, o: M.ConstantLR(o, factor=0.5, total_iters=3),
    "LinearLR": lambda M, o: M.LinearLR(o, start_factor=0.25, total_iters=4),
    "ExponentialLR": lambda M, o: M.ExponentialLR(o, gamma=0.9),
    "PolynomialLR": lambda M, o: M.PolynomialLR(o, total_iters=6, power=2.0),
    "CyclicLR": lambda M, o: M.CyclicLR(o, 0.01, 0.1, step_size_up=3, cycle_momentum=False),
    "OneCycleLR": lambda M, o: M.OneCycleLR(o, 0.1, total_steps=30, cycle_momentum=False),
    "CosineAnnealingLR": lambda M, o: M.CosineAnnealingLR(o, T_max=8, eta_min=0.001),
    "CosineAnnealingWarmRestarts": lambda M, o: M.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2),
    "ReduceLROnPlateau": lambda M, o: M.ReduceLROnPlateau(o, patience=1, factor=0.5),
    "ChainedScheduler": lambda M, o: M.ChainedScheduler(
        [M.ExponentialLR(o, gamma=0.9), M.StepLR(o, step_size=2)]
    ),
    "SequentialLR": lambda M, o: M.SequentialLR(
        o, [M.LinearLR(o, start_factor=0.5, total_iters=3), M.ExponentialLR(o, gamma=0.9)], [3]
    ),
}
assert set(ONE_OF_EACH) == set(CLASSES)


def step_once(sched: Any, t: int) -> None:
    if isinstance(sched, TORCH.ReduceLROnPlateau) or type(sched).__name__ == "ReduceLROnPlateau":
        sched.step(1.0 / (1 + t) if t < 4 else 0.2)  # improves, then a plateau
    else:
        sched.step()


def lrs_of(opt: Any) -> list[float]:
    return [float(g["lr"]) for g in opt.param_groups]


@pytest.mark.parametrize("cls", CLASSES)
def test_isinstance_torch_lrscheduler(cls: str, M: types.ModuleType) -> None:
    assert issubclass(getattr(M, cls), TORCH.LRScheduler)
    assert issubclass(M.LRScheduler, TORCH.LRScheduler)
    opt = make_optimizer(GROUP_LRS[1])
    sched = ONE_OF_EACH[cls](M, opt)
    assert isinstance(sched, TORCH.LRScheduler)
    assert sched.optimizer is opt


class PlainOptimizer:
    """Not a torch optimizer: only a list of dicts with "lr"."""

    def __init__(self, lrs: tuple[float, ...]) -> None:
        self.param_groups = [{"lr": lr} for lr in lrs]


@pytest.mark.parametrize("cls", CLASSES)
def test_optimizer_like_object(cls: str) -> None:
    """Any object with param_groups works (torch's need a torch.optim.Optimizer), and
    follows what torch does on a real SGD with the same lrs."""
    M = module_named("lrkit")
    plain = PlainOptimizer(GROUP_LRS[2])
    real = make_optimizer(GROUP_LRS[2], "sgd0")
    mine = ONE_OF_EACH[cls](M, plain)
    ref = ONE_OF_EACH[cls](TORCH, real)
    assert lrs_of(plain) == pytest.approx(lrs_of(real), rel=RTOL, abs=ATOL)
    for t in range(12):
        real.step()
        step_once(mine, t)
        step_once(ref, t)
        assert lrs_of(plain) == pytest.approx(lrs_of(real), rel=RTOL, abs=ATOL), t
        assert [float(x) for x in mine.get_last_lr()] == pytest.approx(
            [float(x) for x in ref.get_last_lr()], rel=RTOL, abs=ATOL
        )


def user_classes(base: type) -> tuple[type, type]:
    """The same two user subclasses, written the torch way, on the given base class."""

    class Warmup(base):  # type: ignore[valid-type,misc]
        """Closed form from base_lrs and last_epoch."""

        def __init__(self, optimizer: Any, warmup: int, last_epoch: int = -1) -> None:
            self.warmup = warmup
            super().__init__(optimizer, last_epoch)

        def get_lr(self) -> list[float]:
            f = min(1.0, (self.last_epoch + 1) / self.warmup)
            return [b * f for b in self.base_lrs]

    class Decay(base):  # type: ignore[valid-type,misc]
        """Chainable: from the group's current lr."""

        def __init__(self, optimizer: Any, gamma: float, last_epoch: int = -1) -> None:
            self.gamma = gamma
            super().__init__(optimizer, last_epoch)

        def get_lr(self) -> list[float]:
            if self.last_epoch == 0:
                return [g["lr"] for g in self.optimizer.param_groups]
            return [g["lr"] * self.gamma for g in self.optimizer.param_groups]

    return Warmup, Decay


def test_user_subclass_behaves_like_torch_subclass(M: types.ModuleType) -> None:
    mine_w, mine_d = user_classes(M.LRScheduler)
    ref_w, ref_d = user_classes(TORCH.LRScheduler)
    for make_mine, make_ref in (
        (lambda o: [mine_w(o, 4)], lambda o: [ref_w(o, 4)]),
        (lambda o: [mine_d(o, 0.9)], lambda o: [ref_d(o, 0.9)]),
        (lambda o: [mine_w(o, 5), mine_d(o, 0.8)], lambda o: [ref_w(o, 5), ref_d(o, 0.8)]),
    ):
        a, b = make_optimizer(GROUP_LRS[2]), make_optimizer(GROUP_LRS[2])
        mine, ref = make_mine(a), make_ref(b)
        for t in range(10):
            assert lrs_of(a) == pytest.approx(lrs_of(b), rel=RTOL, abs=ATOL), t
            for x, y in zip(mine, ref, strict=True):
                assert x.last_epoch == y.last_epoch
                assert x.get_last_lr() == pytest.approx(y.get_last_lr(), rel=RTOL, abs=ATOL)
                assert x.base_lrs == pytest.approx(y.base_lrs)
            a.step()
            b.step()
            for s in (*mine, *ref):
                s.step()
    # the subclass's own attributes are part of its state, as in torch
    opt = make_optimizer((0.1,))
    s = mine_w(opt, 7)
    state = s.state_dict()
    assert state["warmup"] == 7 and state["last_epoch"] == 0
    other = mine_w(make_optimizer((0.1,)), 3)
    other.load_state_dict(state)
    assert other.warmup == 7


def torch_swa_setups() -> dict[str, Callable[[types.ModuleType, Any], Callable[[int], None]]]:
    """Setups mixing one scheduler of the module under test with torch's own schedulers."""

    def swa_after_cosine(M: types.ModuleType, opt: Any) -> Callable[[int], None]:
        main = M.CosineAnnealingLR(opt, T_max=20, eta_min=0.001)
        swa = SWALR(opt, swa_lr=0.02, anneal_epochs=4, anneal_strategy="cos")

        def step(t: int) -> None:
            (main if t < 10 else swa).step()

        return step

    def swa_with_linear(M: types.ModuleType, opt: Any) -> Callable[[int], None]:
        swa = SWALR(opt, swa_lr=0.05, anneal_epochs=6, anneal_strategy="linear")
        mine = M.ExponentialLR(opt, gamma=0.95)

        def step(t: int) -> None:
            swa.step()
            mine.step()

        return step

    def torch_step_then_mine(M: types.ModuleType, opt: Any) -> Callable[[int], None]:
        theirs = TORCH.StepLR(opt, step_size=3, gamma=0.5)
        mine = M.CosineAnnealingLR(opt, T_max=9, eta_min=0.002)

        def step(t: int) -> None:
            theirs.step()
            mine.step()

        return step

    def mine_then_torch_step(M: types.ModuleType, opt: Any) -> Callable[[int], None]:
        mine = M.LinearLR(opt, start_factor=0.2, total_iters=5)
        theirs = TORCH.ExponentialLR(opt, gamma=0.9)

        def step(t: int) -> None:
            mine.step()
            theirs.step()

        return step

    def torch_then_onecycle(M: types.ModuleType, opt: Any) -> Callable[[int], None]:
        theirs = TORCH.MultiplicativeLR(opt, lambda e: 0.97)
        mine = M.OneCycleLR(opt, max_lr=0.2, total_steps=30)

        def step(t: int) -> None:
            theirs.step()
            mine.step()

        return step

    return {
        "swa-after-cosine": swa_after_cosine,
        "swa-with-exponential": swa_with_linear,
        "torch-steplr-then-cosine": torch_step_then_mine,
        "linear-then-torch-exponential": mine_then_torch_step,
        "torch-multiplicative-then-onecycle": torch_then_onecycle,
    }


@pytest.mark.parametrize("name", list(torch_swa_setups()))
def test_torch_scheduler_on_the_same_optimizer(name: str, M: types.ModuleType) -> None:
    setup = torch_swa_setups()[name]
    a, b = make_optimizer(GROUP_LRS[2]), make_optimizer(GROUP_LRS[2])
    step_mine, step_ref = setup(M, a), setup(TORCH, b)
    for t in range(25):
        assert lrs_of(a) == pytest.approx(lrs_of(b), rel=RTOL, abs=ATOL), t
        assert [momentum_of(g) for g in a.param_groups] == pytest.approx(
            [momentum_of(g) for g in b.param_groups], rel=RTOL, abs=ATOL
        )
        a.step()
        b.step()
        step_mine(t)
        step_ref(t)


@pytest.mark.parametrize("cls", CLASSES)
def test_add_param_group_after_construction(cls: str, M: types.ModuleType) -> None:
    """Same lrs as torch while torch copes; an error at the same step where torch fails."""

    def trace(module: types.ModuleType) -> tuple[list[list[float]], str | None, int]:
        opt = make_optimizer((0.1,))
        sched = ONE_OF_EACH[cls](module, opt)
        opt.add_param_group({"params": [torch.nn.Parameter(torch.zeros(2))], "lr": 0.5})
        rows: list[list[float]] = []
        for t in range(12):
            opt.step()
            try:
                step_once(sched, t)
            except Exception as error:
                return rows, type(error).__name__, t
            rows.append(lrs_of(opt))
        return rows, None, 12

    want_rows, want_error, want_at = trace(TORCH)
    got_rows, got_error, got_at = trace(M)
    assert (got_error is None) == (want_error is None), (got_error, want_error)
    assert got_at == want_at
    assert close(got_rows, want_rows), (got_rows, want_rows)


@pytest.mark.parametrize("cls", CLASSES)
def test_tensor_lrs_updated_in_place(cls: str, M: types.ModuleType) -> None:
    """A tensor lr stays the same tensor (filled in place) and is not shared with base_lrs."""
    a = make_optimizer(GROUP_LRS[1], "sgd", tensor_lr=torch.float64)
    b = make_optimizer(GROUP_LRS[1], "sgd", tensor_lr=torch.float64)
    before = [g["lr"] for g in a.param_groups]
    mine = ONE_OF_EACH[cls](M, a)
    ref = ONE_OF_EACH[cls](TORCH, b)
    for t in range(10):
        for i, g in enumerate(a.param_groups):
            assert isinstance(g["lr"], torch.Tensor)
            assert g["lr"] is before[i]
        for sched in [mine, *getattr(mine, "_schedulers", [])]:
            for base, g in zip(getattr(sched, "base_lrs", []), a.param_groups, strict=False):
                assert base is not g["lr"]
            for last, g in zip(sched.get_last_lr(), a.param_groups, strict=True):
                assert last is not g["lr"]
        assert lrs_of(a) == pytest.approx(lrs_of(b), rel=RTOL, abs=ATOL), t
        a.step()
        b.step()
        step_once(mine, t)
        step_once(ref, t)


@pytest.mark.parametrize("impl", ["torch", "lrkit"])
@pytest.mark.parametrize("cls", CLASSES)
def test_optimizer_step_not_patched(cls: str, impl: str) -> None:
    """torch-compat.md ("Warnings"): torch finds out about the call order by replacing
    ``optimizer.step`` with a wrapper (every class but ReduceLROnPlateau; in the composites
    their children do); lrkit replaces nothing. Both are asserted."""
    opt = make_optimizer(GROUP_LRS[1])
    sched = ONE_OF_EACH[cls](module_named(impl), opt)
    for t in range(3):
        opt.step()
        step_once(sched, t)
    patched = hasattr(opt.step, "_wrapped_by_lr_sched") or "step" in vars(opt)
    if impl == "torch":
        assert patched == (cls != "ReduceLROnPlateau")
    else:
        assert not patched
        assert opt.step.__func__ is type(opt).step


def test_case_list_is_deterministic() -> None:
    again = {c.name: c for c in oracle_cases()}
    assert list(again) == list(CASES)
    first: Case = next(iter(CASES.values()))
    assert again[first.name].steps == first.steps
