"""The drop-in's exactness: the values lrkit.torch writes into a real torch optimizer.

1. Long runs (2 * 10**4 to 3 * 10**4 steps) of every exact class of ``lrkit.torch`` (all
   but MultiplicativeLR, which is bit-identical to torch's running product
   (tests/test_exact.py), and ReduceLROnPlateau, which has no closed form), with two param
   groups: the lr (and the momentum, where the class cycles it) of every group, read from
   the optimizer, against the exact value computed here with mpmath at 40 digits from the
   schedule's definition (written independently of lrkit: torch's formulas in real
   arithmetic, floats taken at their exact binary value). Required: relative error <= 1e-13
   (where the exact value is 0, the value itself is 0).
2. Fractional epochs: ``step(2.5)``, ``step(4.0)``, then ``step()``, on torch's scheduler
   and on lrkit's with the same calls: torch 2.13 is the oracle (rtol 1e-12).
"""

from __future__ import annotations

import dataclasses
import math
import time
import warnings
from collections.abc import Callable, Iterator
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np
import pytest
import torch
from torch.optim import lr_scheduler as T

import lrkit.torch as L

M = mpmath.mpf
DPS = 40
REL_TOL = 1e-13
LRS = (0.1, 0.037)  # two param groups
MOMENTUM = 0.9

Exact = Callable[[int, float], Any]  # (step, the group's initial lr) -> mpf


@pytest.fixture(autouse=True)
def _quiet() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's epoch deprecation and step-order warnings
        yield


@pytest.fixture(scope="module", autouse=True)
def _warm_up() -> None:
    """torch's first optimizer steps import and set up a lot (seconds): done once here, so
    that each test's time is its own run's."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for kind in ("sgd", "adam"):
            opt = optimizer(kind)
            sched = L.ExponentialLR(opt, gamma=0.9)
            for _ in range(3):
                opt.step()
                sched.step()


def optimizer(kind: str = "sgd") -> torch.optim.Optimizer:
    groups = [{"params": [torch.nn.Parameter(torch.zeros(2))], "lr": lr} for lr in LRS]
    if kind == "adam":
        return torch.optim.Adam(groups, lr=LRS[0], betas=(MOMENTUM, 0.999))
    return torch.optim.SGD(groups, lr=LRS[0], momentum=MOMENTUM)


def momentum_of(group: dict[str, Any]) -> float:
    return float(group["betas"][0]) if "betas" in group else float(group["momentum"])


# -- exact definitions (mpmath) -----------------------------------------------------------


def half_cosine(distance: Any, period: Any) -> Any:
    """(1 + cos(pi * distance / period)) / 2."""
    return (1 + mpmath.cos(mpmath.pi * M(distance) / M(period))) / 2


def cyclic_height(t: int, up: int, down: int) -> Any:
    """torch's CyclicLR triangle, in exact rationals: 0 at a cycle's start, 1 at its peak."""
    total = up + down
    x = Fraction(t % total, total)
    ratio = Fraction(up, total)
    h = x / ratio if x <= ratio else (x - 1) / (ratio - 1)
    return M(h.numerator) / h.denominator


def onecycle_anneal(t: int, ends: list[Any], values: list[tuple[Any, Any]], cos: bool) -> Any:
    """torch's OneCycleLR phases (ends at float(pct * total) - 1, ...), in real arithmetic."""
    start = M(0)
    for i, end in enumerate(ends):
        if t <= end or i == len(ends) - 1:
            a, b = values[i]
            q = (t - start) / (end - start)
            if cos:
                return b + (a - b) * (1 + mpmath.cos(mpmath.pi * q)) / 2
            return a + (b - a) * q
        start = end
    raise AssertionError("unreachable")


@dataclasses.dataclass(frozen=True)
class Run:
    id: str
    build: Callable[[Any, Any], Any]  # (module, optimizer) -> scheduler
    steps: int
    lr: Exact
    momentum: Exact | None = None  # the exact momentum, where the class cycles it
    marks: tuple[int, ...] = ()  # boundaries: sampled at -2..+2
    kind: str = "sgd"


def _restart(t: int, t0: int, mult: int) -> tuple[int, int]:
    """The start and length of the warm-restart cycle holding step t (exact integers)."""
    start, length = 0, t0
    while start + length <= t:
        start += length
        length *= mult
    return start, length


def _runs() -> list[Run]:
    runs: list[Run] = []

    g = M(0.9995)
    runs.append(
        Run(
            "LambdaLR",
            lambda m, o: m.LambdaLR(o, [lambda e: 0.9995**e, lambda e: 1 / (1 + 1e-3 * e)]),
            20_000,
            lambda t, lr: M(lr) * (g**t if lr == LRS[0] else 1 / (1 + M(1e-3) * t)),
        )
    )
    runs.append(
        Run(
            "StepLR",
            lambda m, o: m.StepLR(o, step_size=7, gamma=0.99),
            25_000,
            lambda t, lr: M(lr) * M(0.99) ** (t // 7),
            marks=tuple(range(7, 25_000, 7 * 397)),
        )
    )
    milestones = [100, 1000, 1000, 12_345, 19_999]
    runs.append(
        Run(
            "MultiStepLR",
            lambda m, o: m.MultiStepLR(o, milestones=milestones, gamma=0.3),
            25_000,
            lambda t, lr: M(lr) * M(0.3) ** sum(1 for s in milestones if s <= t),
            marks=tuple(milestones),
        )
    )
    runs.append(
        Run(
            "ConstantLR",
            lambda m, o: m.ConstantLR(o, factor=1 / 3, total_iters=12_001),
            25_000,
            lambda t, lr: M(lr) * (M(1 / 3) if t < 12_001 else 1),
            marks=(12_001,),
        )
    )
    runs.append(
        Run(
            "LinearLR",
            lambda m, o: m.LinearLR(o, start_factor=1 / 3, end_factor=0.9, total_iters=12_000),
            25_000,
            lambda t, lr: M(lr) * (M(1 / 3) + (M(0.9) - M(1 / 3)) * M(min(t, 12_000)) / 12_000),
            marks=(12_000,),
        )
    )
    runs.append(
        Run(
            "ExponentialLR",
            lambda m, o: m.ExponentialLR(o, gamma=0.9999),
            25_000,
            lambda t, lr: M(lr) * M(0.9999) ** t,
        )
    )
    runs.append(
        Run(
            "PolynomialLR",
            lambda m, o: m.PolynomialLR(o, total_iters=20_000, power=1.7),
            25_000,
            lambda t, lr: M(lr) * (1 - M(min(t, 20_000)) / 20_000) ** M(1.7),
            marks=(19_999, 20_000),
        )
    )
    runs.append(
        Run(
            "CosineAnnealingLR",
            lambda m, o: m.CosineAnnealingLR(o, T_max=777, eta_min=1e-4),
            25_000,
            lambda t, lr: M(1e-4) + (M(lr) - M(1e-4)) * half_cosine(t, 777),
            marks=tuple(range(777, 25_000, 777 * 3)),  # troughs and peaks
        )
    )

    def restarts(t: int, lr: float) -> Any:
        start, length = _restart(t, 10, 2)
        return M(1e-5) + (M(lr) - M(1e-5)) * half_cosine(t - start, length)

    runs.append(
        Run(
            "CosineAnnealingWarmRestarts",
            lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=10, T_mult=2, eta_min=1e-5),
            25_000,
            restarts,
            marks=tuple(10 * (2**k - 1) for k in range(1, 12)),
        )
    )

    up, down = 123, 321
    scale = M(0.99999)
    runs.append(
        Run(
            "CyclicLR-exp_range",
            lambda m, o: m.CyclicLR(
                o,
                base_lr=[0.01, 0.002],
                max_lr=[0.1, 0.05],
                step_size_up=up,
                step_size_down=down,
                mode="exp_range",
                gamma=0.99999,
            ),
            25_000,
            lambda t, lr: (
                (M(0.01) + (M(0.1) - M(0.01)) * cyclic_height(t, up, down) * scale**t)
                if lr == LRS[0]
                else (M(0.002) + (M(0.05) - M(0.002)) * cyclic_height(t, up, down) * scale**t)
            ),
            momentum=lambda t, lr: (
                M(0.9) - (M(0.9) - M(0.8)) * cyclic_height(t, up, down) * scale**t
            ),
            marks=tuple(k * (up + down) + d for k in range(1, 56, 9) for d in (0, up)),
        )
    )
    runs.append(
        Run(
            "CyclicLR-triangular2-adam",
            lambda m, o: m.CyclicLR(
                o,
                base_lr=0.001,
                max_lr=0.01,
                step_size_up=500,
                mode="triangular2",
                base_momentum=0.85,
                max_momentum=0.95,
            ),
            20_000,
            lambda t, lr: (
                M(0.001) + (M(0.01) - M(0.001)) * cyclic_height(t, 500, 500) * M(2) ** -(t // 1000)
            ),
            momentum=lambda t, lr: (
                M(0.95) - (M(0.95) - M(0.85)) * cyclic_height(t, 500, 500) * M(2) ** -(t // 1000)
            ),
            marks=tuple(k * 500 for k in range(1, 40, 7)),
            kind="adam",
        )
    )

    def onecycle(total: int, pct: float, three: bool, cos: bool) -> tuple[Exact, Exact]:
        def ends() -> list[Any]:
            first = M(float(pct * total)) - 1
            if three:
                return [first, M(float(2 * pct * total)) - 2, M(total - 1)]
            return [first, M(total - 1)]

        def lr_at(t: int, lr: float) -> Any:
            peak = M(0.1) if lr == LRS[0] else M(0.05)
            init = peak / 25
            low = init / 10**4
            if t >= total - 1:  # lrkit holds min_lr at total_steps (torch extrapolates)
                return low
            values = [(init, peak), (peak, init), (init, low)] if three else [
                (init, peak), (peak, low)]  # fmt: skip
            return onecycle_anneal(t, ends(), values, cos)

        def momentum_at(t: int, lr: float) -> Any:
            lo, hi = M(0.85), M(0.95)
            if t >= total - 1:
                return hi
            values = [(hi, lo), (lo, hi), (hi, hi)] if three else [(hi, lo), (lo, hi)]
            return onecycle_anneal(t, ends(), values, cos)

        return lr_at, momentum_at

    def build_onecycle(total: int, pct: float, three: bool, strategy: str) -> Any:
        return lambda m, o: m.OneCycleLR(
            o,
            max_lr=[0.1, 0.05],
            total_steps=total,
            pct_start=pct,
            three_phase=three,
            anneal_strategy=strategy,
        )

    for name, total, pct, three, strategy in [
        ("OneCycleLR-cos", 30_000, 0.3, False, "cos"),
        ("OneCycleLR-three-phase-linear", 20_000, 0.25, True, "linear"),
    ]:
        lr_at, momentum_at = onecycle(total, pct, three, strategy == "cos")
        runs.append(
            Run(
                name,
                build_onecycle(total, pct, three, strategy),
                total,
                lr_at,
                momentum=momentum_at,
                marks=(int(pct * total), int(2 * pct * total), total - 1, total),
            )
        )
    runs.append(
        Run(
            "ChainedScheduler",
            lambda m, o: m.ChainedScheduler(
                [m.ExponentialLR(o, gamma=0.9999), m.StepLR(o, step_size=1000, gamma=0.5)]
            ),
            20_000,
            lambda t, lr: M(lr) * M(0.9999) ** t * M(0.5) ** (t // 1000),
            marks=tuple(range(1000, 20_000, 1000 * 3)),
        )
    )
    runs.append(
        Run(
            "SequentialLR",
            lambda m, o: m.SequentialLR(
                o,
                [
                    m.LinearLR(o, start_factor=0.01, total_iters=1000),
                    m.CosineAnnealingLR(o, T_max=19_000, eta_min=1e-5),
                ],
                milestones=[1000],
            ),
            20_000,
            lambda t, lr: (
                M(lr) * (M(0.01) + (1 - M(0.01)) * M(t) / 1000)
                if t < 1000
                else M(1e-5) + (M(lr) - M(1e-5)) * half_cosine(t - 1000, 19_000)
            ),
            marks=(1000, 19_000, 20_000),
        )
    )
    return runs


RUNS = _runs()
EXACT_CLASSES = {
    "LambdaLR", "StepLR", "MultiStepLR", "ConstantLR", "LinearLR", "ExponentialLR",
    "PolynomialLR", "CosineAnnealingLR", "CosineAnnealingWarmRestarts", "CyclicLR",
    "OneCycleLR", "ChainedScheduler", "SequentialLR",
}  # fmt: skip


def test_every_exact_class_has_a_long_run() -> None:
    assert {r.id.split("-")[0] for r in RUNS} == EXACT_CLASSES
    assert EXACT_CLASSES == set(T.__all__) - {
        "LRScheduler", "MultiplicativeLR", "ReduceLROnPlateau"
    }  # fmt: skip
    assert all(10**4 <= r.steps <= 10**5 for r in RUNS)


def sampled(run: Run) -> list[int]:
    """Every step of the first 50, around every mark, every 41st, and the last 20."""
    steps = set(range(50)) | set(range(0, run.steps + 1, 41))
    steps |= set(range(run.steps - 20, run.steps + 1))
    steps |= {m + d for m in run.marks for d in (-2, -1, 0, 1, 2)}
    return sorted(t for t in steps if 0 <= t <= run.steps)


def assert_exact(value: float, exact: Any, where: str) -> None:
    if exact == 0:
        assert value == 0.0, f"{where}: {value!r}, exact 0"
        return
    relative = abs(M(value) - exact) / abs(exact)
    assert relative <= REL_TOL, (
        f"{where}: {value!r}, exact {mpmath.nstr(exact, 20)}, rel error {mpmath.nstr(relative, 3)}"
    )


@pytest.mark.parametrize("run", RUNS, ids=[r.id for r in RUNS])
def test_long_run_against_mpmath(run: Run) -> None:
    opt = optimizer(run.kind)
    started = time.perf_counter()
    sched = run.build(L, opt)
    lrs = np.empty((run.steps + 1, len(LRS)))
    momenta = np.empty((run.steps + 1, len(LRS)))
    for t in range(run.steps + 1):
        if t:
            opt.step()
            sched.step()
        groups = opt.param_groups
        for i, group in enumerate(groups):
            lrs[t, i] = group["lr"]
            momenta[t, i] = momentum_of(group)
    elapsed = time.perf_counter() - started
    assert elapsed < 20, f"{run.steps} steps took {elapsed:.1f} s"  # ~1 s here; a slow machine
    with mpmath.workdps(DPS):
        for t in sampled(run):
            for i, lr in enumerate(LRS):
                assert_exact(float(lrs[t, i]), run.lr(t, lr), f"step {t}, group {i}, lr")
                if run.momentum is not None:
                    exact = run.momentum(t, lr)
                    assert_exact(float(momenta[t, i]), exact, f"step {t}, group {i}, momentum")
                else:  # untouched
                    assert momenta[t, i] == MOMENTUM


# -- fractional epochs: torch is the oracle ------------------------------------------------

EPOCH_CLASSES: dict[str, Callable[[Any, Any], Any]] = {
    "LambdaLR": lambda m, o: m.LambdaLR(o, lambda e: 0.95**e),
    "MultiplicativeLR": lambda m, o: m.MultiplicativeLR(o, lambda e: 0.95),
    "StepLR": lambda m, o: m.StepLR(o, step_size=3, gamma=0.5),
    "MultiStepLR": lambda m, o: m.MultiStepLR(o, milestones=[2, 3, 6], gamma=0.5),
    "ConstantLR": lambda m, o: m.ConstantLR(o, factor=0.5, total_iters=5),
    "LinearLR": lambda m, o: m.LinearLR(o, start_factor=0.25, total_iters=8),
    "ExponentialLR": lambda m, o: m.ExponentialLR(o, gamma=0.9),
    "PolynomialLR": lambda m, o: m.PolynomialLR(o, total_iters=10, power=2.0),
    "CosineAnnealingLR": lambda m, o: m.CosineAnnealingLR(o, T_max=9, eta_min=0.001),
    "CosineAnnealingWarmRestarts": lambda m, o: m.CosineAnnealingWarmRestarts(
        o, T_0=3, T_mult=2, eta_min=0.001
    ),
    "CyclicLR": lambda m, o: m.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=4),
    "OneCycleLR": lambda m, o: m.OneCycleLR(o, max_lr=0.1, total_steps=20),
}
EPOCH_CALLS: list[float | None] = [2.5, 4.0, None, None, None, 7.25, None, None]


@pytest.mark.parametrize("cls", list(EPOCH_CLASSES))
def test_fractional_epochs_as_torch(cls: str) -> None:
    """``step(2.5)``, ``step(4.0)``, then ``step()`` (and once more a jump to 7.25): the
    same lrs, momenta, ``last_epoch`` and ``get_last_lr()`` as torch 2.13's scheduler
    given the same calls, after every call."""

    def trace(module: Any) -> list[tuple[Any, ...]]:
        opt = optimizer()
        sched = EPOCH_CLASSES[cls](module, opt)
        rows = []
        for epoch in EPOCH_CALLS:
            opt.step()
            if epoch is None:
                sched.step()
            else:
                sched.step(epoch)
            rows.append(
                (
                    [g["lr"] for g in opt.param_groups],
                    [momentum_of(g) for g in opt.param_groups],
                    float(sched.last_epoch),
                    [float(x) for x in sched.get_last_lr()],
                )
            )
        return rows

    theirs, ours = trace(T), trace(L)
    for k, (want, got) in enumerate(zip(theirs, ours, strict=True)):
        where = f"after call {k} (step({EPOCH_CALLS[k]}))"
        assert got[2] == want[2], f"{where}: last_epoch"
        for a, b, what in ((got[0], want[0], "lrs"), (got[1], want[1], "momenta"),
                           (got[3], want[3], "get_last_lr()")):  # fmt: skip
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-17, err_msg=f"{where}: {what}")
    # The jumps moved the schedule: not a run of plain steps.
    assert not math.isclose(theirs[0][0][0], theirs[-1][0][0], rel_tol=1e-3) or cls in (
        "ConstantLR",
    )
