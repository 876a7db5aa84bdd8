"""Benchmark the drop-in schedulers: microseconds per ``scheduler.step()`` (issue 3).

``lrkit.torch`` (imported as ``import lrkit.torch as lr_scheduler``) against
``torch.optim.lr_scheduler``, in the same run, with 1 and 16 param groups, for StepLR,
CosineAnnealingLR, OneCycleLR, CyclicLR, SequentialLR and ChainedScheduler. Goal:
lrkit's step() costs at most 0.5x torch's.

Method: for each case, both libraries get their own real ``torch.optim.SGD`` (momentum
0.9, so CyclicLR and OneCycleLR cycle momentum) over 1 or 16 param groups, each group one
``nn.Parameter`` with its own lr. ``optimizer.step()`` is called once after the scheduler
is built (the parameters have no gradient, so it changes nothing; it only satisfies
torch's "optimizer.step() before lr_scheduler.step()" check, which looks at the first
step only) and never again: only ``scheduler.step()`` is timed. After a warm-up, the
two libraries are timed in alternation, ``repeat`` times each, each time a loop of
``number`` calls of ``scheduler.step`` (``timeit`` with the process's CPU time,
``time.process_time``, as its clock, so time spent waiting while other processes run is
not counted); the figure is the fastest loop's
time divided by ``number`` (the median is recorded too). Short loops (200 steps, well
under a millisecond) and many repeats make it likely that some loops run undisturbed on
a busy machine. Both schedulers make the same number of steps, and their optimizers' lrs
are compared at the end as a sanity check.

Run on its own: ``python benchmarks/bench_step.py``, or through
``python benchmarks/run.py``, which writes docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import timeit
import warnings
from collections.abc import Callable
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
#: CPU time of this process: time spent waiting while other processes run is not counted.
CLOCK = time.process_time

Builder = Callable[[ModuleType, Any], Any]  # (scheduler module, optimizer) -> scheduler


def _sequential(m: ModuleType, o: Any) -> Any:
    return m.SequentialLR(
        o,
        [m.LinearLR(o, start_factor=0.1, total_iters=100), m.CosineAnnealingLR(o, T_max=5000)],
        milestones=[100],
    )


def _chained(m: ModuleType, o: Any) -> Any:
    return m.ChainedScheduler(
        [m.LinearLR(o, start_factor=0.1, total_iters=100_000), m.ExponentialLR(o, gamma=0.99999)]
    )


#: name, setting shown in the table, builder
CASES: list[tuple[str, str, Builder]] = [
    ("StepLR", "step_size=100, gamma=0.99", lambda m, o: m.StepLR(o, step_size=100, gamma=0.99)),
    (
        "CosineAnnealingLR",
        "T_max=1000, eta_min=1e-4",
        lambda m, o: m.CosineAnnealingLR(o, T_max=1000, eta_min=1e-4),
    ),
    (
        "OneCycleLR",
        "max_lr=0.1, total_steps=10^7",
        lambda m, o: m.OneCycleLR(o, max_lr=0.1, total_steps=10**7),
    ),
    (
        "CyclicLR",
        "0.01..0.1, step_size_up=500",
        lambda m, o: m.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=500),
    ),
    ("SequentialLR", "LinearLR(0.1, 100), CosineAnnealingLR(5000) at 100", _sequential),
    ("ChainedScheduler", "LinearLR(0.1, 1e5) x ExponentialLR(0.99999)", _chained),
]


def load_lrkit() -> tuple[ModuleType | None, str]:
    """``lrkit.torch``, or None and the reason it cannot be used."""
    try:
        import lrkit.torch as lrkit_schedulers
    except Exception as error:  # not written yet, or broken: report, do not crash
        return None, f"`import lrkit.torch` failed: {type(error).__name__}: {error}"
    return lrkit_schedulers, ""


def make_optimizer(groups: int) -> torch.optim.Optimizer:
    params = [
        {"params": [torch.nn.Parameter(torch.zeros(4))], "lr": 0.1 * (1 + i / groups)}
        for i in range(groups)
    ]
    return torch.optim.SGD(params, lr=0.1, momentum=0.9)


def prepare(module: ModuleType, build: Builder, groups: int) -> tuple[Any, Any]:
    optimizer = make_optimizer(groups)
    scheduler = build(module, optimizer)
    optimizer.step()  # no gradients: changes nothing, satisfies torch's order check
    for _ in range(WARMUP):
        scheduler.step()
    return optimizer, scheduler


def warm_up(lrkit_module: ModuleType | None, seconds: float = 1.0) -> None:
    """Step schedulers untimed for a while before measuring.

    The first measurements of a fresh process come out slower (for both libraries) than
    the same ones a second later; this keeps that out of the first rows.
    """
    modules = [torch_schedulers] + ([lrkit_module] if lrkit_module is not None else [])
    end = time.perf_counter() + seconds
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        while time.perf_counter() < end:
            for module in modules:
                for _, _, build in CASES:
                    try:
                        _, scheduler = prepare(module, build, 1)
                        for _ in range(200):
                            scheduler.step()
                    except Exception:  # a broken lrkit.torch is reported by run()
                        pass


def _lrs(optimizer: Any) -> list[float]:
    return [float(group["lr"]) for group in optimizer.param_groups]


def run(number: int = 200, repeat: int = 41, only: str | None = None) -> dict[str, Any]:
    """Time every case; returns the rows, the settings and lrkit's status."""
    torch.set_num_threads(1)
    lrkit_module, missing = load_lrkit()
    warm_up(lrkit_module)
    rows = []
    for name, setting, build in CASES:
        if only and only.lower() not in name.lower():
            continue
        for groups in GROUPS:
            row: dict[str, Any] = {"scheduler": name, "setting": setting, "groups": groups}
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # torch's warnings are not what is timed
                torch_opt, torch_sched = prepare(torch_schedulers, build, groups)
                timers = {"torch": timeit.Timer(torch_sched.step, timer=CLOCK)}
                lrkit_opt = None
                reason = missing
                if lrkit_module is not None:
                    try:
                        lrkit_opt, lrkit_sched = prepare(lrkit_module, build, groups)
                        timers["lrkit"] = timeit.Timer(lrkit_sched.step, timer=CLOCK)
                    except Exception as error:
                        reason = f"{type(error).__name__}: {error}"
                runs: dict[str, list[float]] = {key: [] for key in timers}
                for _ in range(repeat):  # alternate, so both see the same machine load
                    for key, timer in timers.items():
                        runs[key].append(timer.timeit(number) / number)
            for key, values in runs.items():
                row[f"{key}_us"] = min(values) * 1e6
                row[f"{key}_median_us"] = statistics.median(values) * 1e6
            if lrkit_opt is not None:
                row["ratio"] = row["lrkit_us"] / row["torch_us"]
                expected, got = _lrs(torch_opt), _lrs(lrkit_opt)
                row["same_lrs"] = all(
                    abs(a - b) <= 1e-14 + 1e-9 * abs(a) for a, b in zip(expected, got, strict=True)
                )
            else:
                row["lrkit_missing"] = reason
            rows.append(row)
            print(_row_text(row), file=sys.stderr, flush=True)
    return {
        "rows": rows,
        "number": number,
        "repeat": repeat,
        "lrkit_available": lrkit_module is not None,
        "lrkit_missing": missing,
    }


def _row_text(row: dict[str, Any]) -> str:
    text = f"{row['scheduler']:<18} {row['groups']:>2} groups  torch {row['torch_us']:7.2f} us"
    if "lrkit_us" in row:
        text += f"  lrkit {row['lrkit_us']:7.2f} us  ratio {row['ratio']:.2f}"
        if not row["same_lrs"]:
            text += "  LRS DIFFER"
    else:
        text += f"  lrkit skipped ({row['lrkit_missing']})"
    return text


def markdown(result: dict[str, Any]) -> str:
    """The results as a markdown table, with the goal checked."""
    lines = []
    if not result["lrkit_available"]:
        lines += [f"**lrkit.torch was not measured**: {result['lrkit_missing']}", ""]
    lines += [
        "| scheduler | setting | param groups | torch (us/step) | lrkit.torch (us/step) "
        "| lrkit / torch (goal <= 0.5) |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for row in result["rows"]:
        if "lrkit_us" in row:
            ours = f"{row['lrkit_us']:.2f}"
            ratio = f"{row['ratio']:.2f}" + ("" if row["ratio"] <= 0.5 else " **(missed)**")
            if not row["same_lrs"]:
                ratio += " (lrs differ from torch's!)"
        else:
            ours, ratio = "not measured", "-"
        lines.append(
            f"| {row['scheduler']} | {row['setting']} | {row['groups']} "
            f"| {row['torch_us']:.2f} | {ours} | {ratio} |"
        )
    lines += [
        "",
        f"Per step: the fastest of {result['repeat']} loops of {result['number']:,} "
        "`scheduler.step()` calls per library, the two libraries' loops alternating; CPU "
        "time of the benchmark process (time.process_time).",
    ]
    missing = sorted({row["lrkit_missing"] for row in result["rows"] if "lrkit_missing" in row})
    if missing:
        lines += ["", "lrkit.torch not measured: " + "; ".join(missing)]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--number", type=int, default=200, help="steps per timed loop")
    parser.add_argument("--repeat", type=int, default=41, help="timed loops per library")
    parser.add_argument("--only", help="only the schedulers whose name contains this")
    args = parser.parse_args(argv)
    print(markdown(run(args.number, args.repeat, args.only)))


if __name__ == "__main__":
    main()
