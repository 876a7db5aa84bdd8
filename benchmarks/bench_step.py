"""Benchmark the drop-in schedulers: microseconds per ``scheduler.step()`` (issue 3).

``lrkit.torch`` (imported as ``import lrkit.torch as lr_scheduler``) against
``torch.optim.lr_scheduler``, in the same run, with 1 and 16 param groups, for every
scheduler class of ``torch.optim.lr_scheduler.__all__`` except the ``LRScheduler`` base
(``CosineAnnealingWarmRestarts`` twice: plain ``step()``, and the fractional
``step(epoch + i / iters)`` of torch's docs). Goal: no class slower than torch, that is
lrkit / torch <= 1.0 in every row, measured in the same run.

Method: for each case, both libraries get their own real ``torch.optim.SGD`` (momentum
0.9, so CyclicLR and OneCycleLR cycle momentum) over 1 or 16 param groups, each group one
``nn.Parameter`` with its own lr. ``optimizer.step()`` is called once after the scheduler
is built (the parameters have no gradient, so it changes nothing; it only satisfies
torch's "optimizer.step() before lr_scheduler.step()" check, which looks at the first
step only) and never again: only ``scheduler.step()`` is timed. After a warm-up, the
two libraries are timed in alternation, ``repeat`` times each, each time a loop of
``number`` calls of ``scheduler.step`` (``timeit`` with the process's CPU time,
``time.process_time``, as its clock, so time spent waiting while other processes run is
not counted); the figure is the fastest loop's time divided by ``number`` (the median is
recorded too). Short loops (200 steps, well under a millisecond) and many repeats make it
likely that some loops run undisturbed on a busy machine.

Cases whose ``step`` takes an argument (``ReduceLROnPlateau.step(metric)``, the fractional
``CosineAnnealingWarmRestarts.step(epoch)``) read it from a precomputed list through an
iterator, ``step(next(values))``; both libraries pay that same small overhead, and get
the same values. The deprecation warning of ``step(epoch)`` (neither library gives one for
``CosineAnnealingWarmRestarts``) is filtered on both sides; any other warning raised
while building or warming up a scheduler is reported with its row. Every case's settings
keep all measured steps inside the schedule's domain (``horizon``: e.g. OneCycleLR's
``total_steps``, the end of LinearLR's ramp); a run asking for more steps is refused.
Both schedulers make the same number of steps, and their optimizers' lrs and momenta are
compared at the end as a sanity check.

Run on its own: ``python benchmarks/bench_step.py``, or through
``python benchmarks/run.py``, which writes docs/benchmarks.md. ``--module
torch.optim.lr_scheduler`` times torch against itself in lrkit's place (an A/A check of
the harness: the ratios show the noise).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import statistics
import sys
import time
import timeit
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

SRC = Path(__file__).resolve().parent.parent / "src"
if SRC.is_dir() and str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))

import torch  # noqa: E402
from torch.optim import lr_scheduler as torch_schedulers  # noqa: E402

GROUPS = (1, 16)
WARMUP = 200
#: The goal: lrkit / torch at most this in every row.
GOAL = 1.0
LRKIT_MODULE = "lrkit.torch"
#: CPU time of this process: time spent waiting while other processes run is not counted.
CLOCK = time.process_time
#: The deprecation warning of ``step(epoch)``: torch's ("The epoch parameter in
#: `scheduler.step()` ... is being deprecated") and lrkit's ("Passing an epoch to
#: scheduler.step() is deprecated ..."). Matched from the message's start, ignoring case.
EPOCH_DEPRECATION = r".*\bepoch\b.*\bdeprecat"

Builder = Callable[[ModuleType, Any], Any]  # (scheduler module, optimizer) -> scheduler


@dataclass(frozen=True)
class Case:
    """One row of the table (per param-group count)."""

    name: str  # the class, as torch names it
    setting: str  # shown in the table
    build: Builder
    #: ``values(n)``: the arguments of the first ``n`` calls of ``step``; None: ``step()``.
    values: Callable[[int], list[float]] | None = None
    #: How many steps stay inside the schedule's domain; None: any number.
    horizon: int | None = None


def _inverse_time(epoch: int) -> float:
    return 1.0 / (1.0 + epoch / 1000)


def _constant_factor(epoch: int) -> float:
    return 0.99999


def _sequential(m: ModuleType, o: Any) -> Any:
    return m.SequentialLR(
        o,
        [m.LinearLR(o, start_factor=0.1, total_iters=100), m.CosineAnnealingLR(o, T_max=5000)],
        milestones=[100],
    )


def _chained(m: ModuleType, o: Any) -> Any:
    return m.ChainedScheduler(
        [m.ConstantLR(o, factor=0.5, total_iters=10**6), m.ExponentialLR(o, gamma=0.99999)]
    )


PLATEAU_PERIOD = 50
PLATEAU_PATIENCE = 30


def _plateau_metrics(n: int) -> list[float]:
    """A loss that reaches a new best every ``PLATEAU_PERIOD`` steps and is worse between.

    With ``patience=PLATEAU_PATIENCE`` this reduces the lr once per period (at the 31st
    bad step), so a timed loop of 200 steps holds about 4 reductions; with factor 0.98 the
    reductions stay larger than ReduceLROnPlateau's eps (1e-8) for about 30,000 steps.
    """
    metrics = []
    for i in range(n):
        best = 1.0 / (1 + i // PLATEAU_PERIOD)  # beats the last period's by far more than 1e-4
        metrics.append(best if i % PLATEAU_PERIOD == 0 else best + 0.01 * (1 + i % 7))
    return metrics


WARM_RESTART_ITERS = 50  # batches per epoch of the fractional CosineAnnealingWarmRestarts


def _fractional_epochs(n: int) -> list[float]:
    """``epoch + i / iters`` for ``i in range(iters)``, epoch 0, 1, ...: torch's docs."""
    iters = WARM_RESTART_ITERS
    return [epoch + i / iters for epoch in range(n // iters + 1) for i in range(iters)][:n]


def _warm_restarts(m: ModuleType, o: Any) -> Any:
    return m.CosineAnnealingWarmRestarts(o, T_0=10, T_mult=2, eta_min=1e-4)


#: Every class of torch.optim.lr_scheduler.__all__ but the LRScheduler base, in its order.
CASES: list[Case] = [
    Case(
        "LambdaLR",
        "lr_lambda=1 / (1 + epoch / 1000)",
        lambda m, o: m.LambdaLR(o, lr_lambda=_inverse_time),
    ),
    Case(
        "MultiplicativeLR",
        "lr_lambda=0.99999",
        lambda m, o: m.MultiplicativeLR(o, lr_lambda=_constant_factor),
    ),
    Case(
        "StepLR", "step_size=100, gamma=0.99", lambda m, o: m.StepLR(o, step_size=100, gamma=0.99)
    ),
    Case(
        "MultiStepLR",
        "milestones=[2000, 4000, 6000, 8000], gamma=0.5",
        lambda m, o: m.MultiStepLR(o, milestones=[2000, 4000, 6000, 8000], gamma=0.5),
    ),
    Case(
        "ConstantLR",
        "factor=0.5, total_iters=10^6",
        lambda m, o: m.ConstantLR(o, factor=0.5, total_iters=10**6),
        horizon=10**6,
    ),
    Case(
        "LinearLR",
        "start_factor=0.1, total_iters=10^6",
        lambda m, o: m.LinearLR(o, start_factor=0.1, total_iters=10**6),
        horizon=10**6,
    ),
    Case("ExponentialLR", "gamma=0.99999", lambda m, o: m.ExponentialLR(o, gamma=0.99999)),
    Case("SequentialLR", "LinearLR(0.1, 100), CosineAnnealingLR(5000) at 100", _sequential),
    Case(
        "CosineAnnealingLR",
        "T_max=1000, eta_min=1e-4",
        lambda m, o: m.CosineAnnealingLR(o, T_max=1000, eta_min=1e-4),
    ),
    Case(
        "ChainedScheduler",
        "ConstantLR(0.5, 10^6) x ExponentialLR(0.99999)",
        _chained,
        horizon=10**6,
    ),
    Case(
        "ReduceLROnPlateau",
        f"factor=0.98, patience={PLATEAU_PATIENCE}; step(loss), new best every "
        f"{PLATEAU_PERIOD} steps (one reduction per {PLATEAU_PERIOD})",
        lambda m, o: m.ReduceLROnPlateau(o, factor=0.98, patience=PLATEAU_PATIENCE),
        values=_plateau_metrics,
        horizon=30_000,
    ),
    Case(
        "CyclicLR",
        "0.01..0.1, step_size_up=500, cycle_momentum",
        lambda m, o: m.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=500),
    ),
    Case("CosineAnnealingWarmRestarts", "T_0=10, T_mult=2, eta_min=1e-4; step()", _warm_restarts),
    Case(
        "CosineAnnealingWarmRestarts",
        "T_0=10, T_mult=2, eta_min=1e-4; "
        f"step(epoch + i / {WARM_RESTART_ITERS}), {WARM_RESTART_ITERS} iters per epoch",
        _warm_restarts,
        values=_fractional_epochs,
    ),
    Case(
        "OneCycleLR",
        "max_lr=0.1, total_steps=10^7, cycle_momentum",
        lambda m, o: m.OneCycleLR(o, max_lr=0.1, total_steps=10**7),
        horizon=10**7,
    ),
    Case(
        "PolynomialLR",
        "total_iters=10^6, power=2.0",
        lambda m, o: m.PolynomialLR(o, total_iters=10**6, power=2.0),
        horizon=10**6,
    ),
]


def load_lrkit(name: str = LRKIT_MODULE) -> tuple[ModuleType | None, str]:
    """``lrkit.torch`` (or ``name``), or None and the reason it cannot be used."""
    try:
        module = importlib.import_module(name)
    except Exception as error:  # not written yet, or broken: report, do not crash
        return None, f"`import {name}` failed: {type(error).__name__}: {error}"
    return module, ""


def make_optimizer(groups: int) -> torch.optim.Optimizer:
    params = [
        {"params": [torch.nn.Parameter(torch.zeros(4))], "lr": 0.1 * (1 + i / groups)}
        for i in range(groups)
    ]
    return torch.optim.SGD(params, lr=0.1, momentum=0.9)


@contextlib.contextmanager
def quiet_epoch_deprecation() -> Iterator[list[warnings.WarningMessage]]:
    """Filter the ``step(epoch)`` deprecation; record any other warning (once per place)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        warnings.filterwarnings("ignore", message=EPOCH_DEPRECATION)
        yield caught


def prepare(
    module: ModuleType, case: Case, groups: int, steps: int
) -> tuple[torch.optim.Optimizer, timeit.Timer]:
    """A scheduler after its warm-up steps, and a timer of ``number`` more of its steps.

    ``steps``: how many steps will be timed (arguments are computed for those only).
    Call inside ``quiet_epoch_deprecation()``.
    """
    optimizer = make_optimizer(groups)
    scheduler = case.build(module, optimizer)
    optimizer.step()  # no gradients: changes nothing, satisfies torch's order check
    if case.values is None:
        timer = timeit.Timer(scheduler.step, timer=CLOCK)
    else:
        values = iter(case.values(WARMUP + steps))
        timer = timeit.Timer(
            "step(next(values))", timer=CLOCK, globals={"step": scheduler.step, "values": values}
        )
    timer.timeit(WARMUP)
    return optimizer, timer


def warm_up(lrkit_module: ModuleType | None, seconds: float = 1.0) -> None:
    """Step schedulers untimed for a while before measuring.

    The first measurements of a fresh process come out slower (for both libraries) than
    the same ones a second later; this keeps that out of the first rows.
    """
    modules = [torch_schedulers] + ([lrkit_module] if lrkit_module is not None else [])
    end = time.perf_counter() + seconds
    with quiet_epoch_deprecation():
        while time.perf_counter() < end:
            for module in modules:
                for case in CASES:
                    try:
                        _, timer = prepare(module, case, 1, 200)
                        timer.timeit(200)
                    except Exception:  # a broken lrkit.torch is reported by run()
                        pass


def _state(optimizer: Any) -> list[float]:
    """Every group's lr and momentum."""
    return [
        float(group[key])
        for group in optimizer.param_groups
        for key in ("lr", "momentum")
        if key in group
    ]


def _messages(caught: list[warnings.WarningMessage]) -> list[str]:
    return sorted({f"{w.category.__name__}: {str(w.message)[:120]}" for w in caught})


def select(only: str | None) -> list[Case]:
    """The cases whose class name contains ``only`` (any case), or all of them."""
    return [case for case in CASES if not only or only.lower() in case.name.lower()]


def check_horizons(number: int, repeat: int, cases: list[Case]) -> None:
    """Refuse a run whose steps would leave a schedule's domain."""
    steps = WARMUP + number * repeat
    for case in cases:
        if case.horizon is not None and steps > case.horizon:
            raise ValueError(
                f"{case.name} ({case.setting}) stays in its domain for {case.horizon:,} "
                f"steps; this run makes {steps:,} (warm-up {WARMUP} + {repeat} x {number})"
            )


def run(
    number: int = 200, repeat: int = 41, only: str | None = None, module: str = LRKIT_MODULE
) -> dict[str, Any]:
    """Time every case; returns the rows, the settings and lrkit's status.

    ``module``: what is timed as lrkit (``torch.optim.lr_scheduler`` for an A/A check).
    """
    torch.set_num_threads(1)
    cases = select(only)
    check_horizons(number, repeat, cases)
    lrkit_module, missing = load_lrkit(module)
    warm_up(lrkit_module)
    rows = []
    for case in cases:
        for groups in GROUPS:
            row: dict[str, Any] = {"scheduler": case.name, "setting": case.setting}
            row["groups"] = groups
            with quiet_epoch_deprecation() as caught:
                torch_opt, torch_timer = prepare(torch_schedulers, case, groups, number * repeat)
                timers = {"torch": torch_timer}
                torch_warned = _messages(caught)
                caught.clear()
                lrkit_opt = None
                reason = missing
                if lrkit_module is not None:
                    try:
                        lrkit_opt, timers["lrkit"] = prepare(
                            lrkit_module, case, groups, number * repeat
                        )
                    except Exception as error:
                        reason = f"{type(error).__name__}: {error}"
                lrkit_warned = _messages(caught)
                caught.clear()
                runs: dict[str, list[float]] = {key: [] for key in timers}
                for _ in range(repeat):  # alternate, so both see the same machine load
                    for key, timer in timers.items():
                        runs[key].append(timer.timeit(number) / number)
                timing_warned = _messages(caught)
            for key, values in runs.items():
                row[f"{key}_us"] = min(values) * 1e6
                row[f"{key}_median_us"] = statistics.median(values) * 1e6
            row["warnings"] = (
                [f"torch: {m}" for m in torch_warned]
                + [f"lrkit: {m}" for m in lrkit_warned]
                + [f"while timed: {m}" for m in timing_warned]
            )
            if lrkit_opt is not None:
                row["ratio"] = row["lrkit_us"] / row["torch_us"]
                row["median_ratio"] = row["lrkit_median_us"] / row["torch_median_us"]
                expected, got = _state(torch_opt), _state(lrkit_opt)
                row["same_lrs"] = len(expected) == len(got) and all(
                    abs(a - b) <= 1e-14 + 1e-9 * abs(a) for a, b in zip(expected, got, strict=True)
                )
            else:
                row["lrkit_missing"] = reason
            rows.append(row)
            print(_row_text(row), file=sys.stderr, flush=True)
    result = {
        "rows": rows,
        "number": number,
        "repeat": repeat,
        "module": module,
        "lrkit_available": lrkit_module is not None,
        "lrkit_missing": missing,
    }
    print(verdict(result), file=sys.stderr, flush=True)
    return result


def _label(row: dict[str, Any]) -> str:
    """The row's class, with the step call for CosineAnnealingWarmRestarts' two rows."""
    name = str(row["scheduler"])
    if name == "CosineAnnealingWarmRestarts":
        name += " step(epoch)" if "step(epoch" in row["setting"] else " step()"
    groups = row["groups"]
    return f"{name} ({groups} group{'' if groups == 1 else 's'})"


def _row_text(row: dict[str, Any]) -> str:
    text = f"{_label(row):<52} torch {row['torch_us']:7.2f} us"
    if "lrkit_us" in row:
        text += (
            f"  lrkit {row['lrkit_us']:7.2f} us  ratio {row['ratio']:.3f}"
            f" (medians {row['median_ratio']:.3f})"
        )
        if row["ratio"] > GOAL:
            text += "  SLOWER THAN TORCH"
        if not row["same_lrs"]:
            text += "  LRS DIFFER"
    else:
        text += f"  lrkit skipped ({row['lrkit_missing']})"
    for message in row["warnings"]:
        text += f"\n    warned: {message}"
    return text


def verdict(result: dict[str, Any]) -> str:
    """The goal, checked: met, missed (listing every row over it) or not checked."""
    rows = result["rows"]
    goal = f"no class slower than torch (lrkit / torch <= {GOAL:.1f} in the same run)"
    if not rows:
        return f"Goal {goal}: not checked, no rows."
    slower = [row for row in rows if "ratio" in row and row["ratio"] > GOAL]
    unmeasured = [row for row in rows if "ratio" not in row]
    parts = []
    if slower:
        listed = ", ".join(f"{_label(row)} {row['ratio']:.3f}" for row in slower)
        parts.append(f"**missed** in {len(slower)} of {len(rows)} rows: {listed}")
    if unmeasured:
        parts.append(f"not checked for {len(unmeasured)} of {len(rows)} rows (lrkit not measured)")
    if not parts:
        worst = max(rows, key=lambda row: row["ratio"])
        parts.append(
            f"met in all {len(rows)} rows (highest ratio {worst['ratio']:.3f}, {_label(worst)})"
        )
    differ = [row for row in rows if row.get("same_lrs") is False]
    if differ:
        parts.append("lrs differ from torch's in: " + ", ".join(_label(row) for row in differ))
    return f"Goal {goal}: " + "; ".join(parts) + "."


def markdown(result: dict[str, Any]) -> str:
    """The results as a markdown table, with the goal checked."""
    lines = []
    if not result["lrkit_available"]:
        lines += [f"**lrkit.torch was not measured**: {result['lrkit_missing']}", ""]
    if result.get("module", LRKIT_MODULE) != LRKIT_MODULE:
        lines += [
            f"**A/A check: `{result['module']}` timed in lrkit.torch's place** "
            "(not a measurement of lrkit).",
            "",
        ]
    lines += [
        "| scheduler | setting | param groups | lrkit.torch (us/step) | torch (us/step) "
        f"| lrkit / torch (goal <= {GOAL:.1f}) |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for row in result["rows"]:
        if "lrkit_us" in row:
            ours = f"{row['lrkit_us']:.2f}"
            ratio = f"{row['ratio']:.3f}" + ("" if row["ratio"] <= GOAL else " **(slower)**")
            if not row["same_lrs"]:
                ratio += " (lrs differ from torch's!)"
        else:
            ours, ratio = "not measured", "-"
        lines.append(
            f"| {row['scheduler']} | {row['setting']} | {row['groups']} "
            f"| {ours} | {row['torch_us']:.2f} | {ratio} |"
        )
    lines += [
        "",
        verdict(result),
        "",
        f"Per step: the fastest of {result['repeat']} loops of {result['number']:,} "
        "`scheduler.step()` calls per library, the two libraries' loops alternating; CPU "
        "time of the benchmark process (time.process_time). ReduceLROnPlateau and the "
        "fractional CosineAnnealingWarmRestarts read their argument from a precomputed "
        "list (`step(next(values))`, the same for both libraries).",
    ]
    missing = sorted({row["lrkit_missing"] for row in result["rows"] if "lrkit_missing" in row})
    if missing:
        lines += ["", "lrkit.torch not measured: " + "; ".join(missing)]
    warned = sorted(
        {f"{row['scheduler']}: {m}" for row in result["rows"] for m in row.get("warnings", [])}
    )
    if warned:
        lines += ["", "Warnings (other than the step(epoch) deprecation): " + "; ".join(warned)]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--number", type=int, default=200, help="steps per timed loop")
    parser.add_argument("--repeat", type=int, default=41, help="timed loops per library")
    parser.add_argument("--only", help="only the schedulers whose name contains this")
    parser.add_argument(
        "--module",
        default=LRKIT_MODULE,
        help="module timed in lrkit's place; torch.optim.lr_scheduler for an A/A check",
    )
    args = parser.parse_args(argv)
    try:
        check_horizons(args.number, args.repeat, select(args.only))
    except ValueError as error:
        parser.error(str(error))
    print(markdown(run(args.number, args.repeat, args.only, args.module)))


if __name__ == "__main__":
    main()
