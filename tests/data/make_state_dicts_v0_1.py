"""Write ``state_dicts_v0_1.json``: state dicts saved by lrkit 0.1.0's ``lrkit.torch``.

The fixture proves that "a state dict from before the rewrite loads": a test rebuilds
each scheduler below with the *current* ``lrkit.torch``, loads the recorded state (after
undoing the JSON conversions listed in the entry's ``json_conversions``), and checks
that the next eight steps give the recorded rates.

This script must run against **lrkit 0.1.0, commit 95d3ac1** (the last commit before
``src/lrkit/torch/`` was rewritten), never against the current tree. From the
repository root::

    git worktree add /tmp/lrkit-old 95d3ac1
    PYTHONPATH=/tmp/lrkit-old/src python tests/data/make_state_dicts_v0_1.py
    git worktree remove /tmp/lrkit-old --force

``PYTHONPATH`` comes before the editable install, so ``import lrkit`` is the old code;
the script refuses to run unless ``lrkit.__version__ == "0.1.0"`` and, when lrkit is
imported from a git checkout, that checkout is at 95d3ac1. The output is written next to
this script (``--output`` to change it). It was generated with torch 2.13.0.

For each of the 15 drop-in classes: an optimizer with two param groups (lrs 0.1 and
0.01; SGD with momentum 0.9, or Adam where stated) and the scheduler are stepped 7 times
(``optimizer.step()`` then ``scheduler.step()``, with fixed gradients), then it records:

``class``
    the scheduler's class name in ``lrkit.torch``.
``kwargs``
    the constructor arguments as JSON data, exactly as passed (lr_lambda expressions
    are strings). For SequentialLR and ChainedScheduler, ``schedulers`` is a list of
    ``{"class", "kwargs"}`` children, built in order on the same optimizer.
``optimizer``
    ``{"kind": "SGD" | "Adam", "kwargs": {...}, "group_lrs": [0.1, 0.01]}``.
``steps_before_save``
    7.
``scheduler_state_dict``
    ``scheduler.state_dict()`` after the 7 steps, as JSON.
``optimizer_param_groups``
    ``optimizer.state_dict()["param_groups"]`` after the 7 steps, without ``"params"``.
``lrs_after_steps``
    ``{"8": [lr of group 0, lr of group 1], ..., "15": [...]}``: ``get_last_lr()`` after
    each further step of the same run.
``momenta_after_steps`` (CyclicLR and OneCycleLR only)
    the same for each group's momentum (SGD ``momentum``, Adam ``betas[0]``).
``metrics`` (ReduceLROnPlateau only)
    ``{"before_save": [7 metrics], "after_save": [8 metrics]}``, fed to ``step()`` in order.
``json_conversions``
    what JSON changed and a loader must convert back, one ``{"path", "what"}`` per
    change: a tuple stored as a list, a non-string dict key stored as a string (e.g.
    MultiStepLR's ``milestones`` Counter: keys back to int), a non-finite float stored
    as the string ``"inf"``, ``"-inf"`` or ``"nan"`` (the file is strict JSON). A path is
    a list of keys/indices from the entry's top level.
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import torch

import lrkit

# lrkit.torch, imported by main() only after check_old_lrkit() (the new tree may not import).
lr_scheduler: Any = None

COMMIT = "95d3ac1"
VERSION = "0.1.0"
STEPS_BEFORE_SAVE = 7
LAST_STEP = 15
GROUP_LRS = [0.1, 0.01]
SGD = {"kind": "SGD", "kwargs": {"momentum": 0.9}}
ADAM = {"kind": "Adam", "kwargs": {}}

# ReduceLROnPlateau's metric for steps 1..15: improvements, plateaus (reductions at
# patience=1), a cooldown, and a reduction after the save point.
METRICS_BEFORE_SAVE = [1.0, 0.9, 0.9, 0.9, 0.95, 0.8, 0.8]  # steps 1..7
METRICS_AFTER_SAVE = [0.8, 0.8, 0.7, 0.75, 0.75, 0.75, 0.6, 0.6]  # steps 8..15
PLATEAU_METRICS = METRICS_BEFORE_SAVE + METRICS_AFTER_SAVE

CASES: list[dict[str, Any]] = [
    {"class": "LambdaLR", "optimizer": SGD, "kwargs": {"lr_lambda": "0.95 ** epoch"}},
    {"class": "MultiplicativeLR", "optimizer": SGD, "kwargs": {"lr_lambda": "0.9"}},
    {"class": "StepLR", "optimizer": SGD, "kwargs": {"step_size": 3, "gamma": 0.5}},
    {
        "class": "MultiStepLR",
        "optimizer": SGD,
        "kwargs": {"milestones": [2, 5, 5, 9], "gamma": 0.5},  # 5 repeated: gamma**2 there
    },
    {"class": "ConstantLR", "optimizer": SGD, "kwargs": {"factor": 0.5, "total_iters": 10}},
    {
        "class": "LinearLR",
        "optimizer": SGD,
        "kwargs": {"start_factor": 0.25, "end_factor": 1.0, "total_iters": 10},
    },
    {"class": "ExponentialLR", "optimizer": SGD, "kwargs": {"gamma": 0.9}},
    {"class": "PolynomialLR", "optimizer": SGD, "kwargs": {"total_iters": 12, "power": 2.0}},
    {"class": "CosineAnnealingLR", "optimizer": SGD, "kwargs": {"T_max": 10, "eta_min": 0.001}},
    {
        "class": "CosineAnnealingWarmRestarts",
        "optimizer": SGD,
        "kwargs": {"T_0": 3, "T_mult": 2, "eta_min": 0.001},  # restarts at 3, 9, 21
    },
    {
        "class": "CyclicLR",
        "optimizer": SGD,
        "kwargs": {
            "base_lr": [0.01, 0.001],
            "max_lr": [0.1, 0.01],
            "step_size_up": 3,
            "step_size_down": 2,
            "mode": "triangular2",
            "cycle_momentum": True,
            "base_momentum": 0.8,
            "max_momentum": 0.9,
        },
    },
    {
        "class": "OneCycleLR",
        "optimizer": ADAM,
        "kwargs": {
            "max_lr": [0.1, 0.01],
            "total_steps": 20,
            "pct_start": 0.3,
            "cycle_momentum": True,
            "base_momentum": 0.85,
            "max_momentum": 0.95,
        },
    },
    {
        "class": "SequentialLR",
        "optimizer": SGD,
        "kwargs": {
            "schedulers": [
                {"class": "LinearLR", "kwargs": {"start_factor": 0.1, "total_iters": 4}},
                {"class": "CosineAnnealingLR", "kwargs": {"T_max": 10, "eta_min": 0.001}},
            ],
            "milestones": [4],
        },
    },
    {
        "class": "ChainedScheduler",
        "optimizer": SGD,
        "kwargs": {
            "schedulers": [
                {"class": "ConstantLR", "kwargs": {"factor": 0.5, "total_iters": 10}},
                {"class": "ExponentialLR", "kwargs": {"gamma": 0.9}},
            ],
        },
    },
    {
        "class": "ReduceLROnPlateau",
        "optimizer": SGD,
        "kwargs": {
            "mode": "min",
            "factor": 0.5,
            "patience": 1,
            "threshold": 1e-4,
            "threshold_mode": "rel",
            "cooldown": 1,
            "min_lr": [0.0, 0.002],
        },
    },
]


def check_old_lrkit() -> None:
    """Refuse to run against anything but lrkit 0.1.0 (commit 95d3ac1)."""
    if lrkit.__version__ != VERSION:
        sys.exit(
            f"lrkit {lrkit.__version__} imported from {lrkit.__file__}: this script needs "
            f"lrkit {VERSION} (commit {COMMIT}); see the module docstring"
        )
    source = os.path.dirname(os.path.abspath(lrkit.__file__))
    try:
        head = subprocess.run(
            ["git", "-C", source, "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        head = None  # not a git checkout (an installed 0.1.0): the version check stands
    if head is not None and not head.startswith(COMMIT):
        sys.exit(f"lrkit imported from {source} at commit {head[:12]}, not {COMMIT}")
    print(f"lrkit {lrkit.__version__} from {lrkit.__file__}" + (f" at {head[:12]}" if head else ""))


def make_optimizer(spec: dict[str, Any]) -> torch.optim.Optimizer:
    groups = []
    for i, lr in enumerate(GROUP_LRS):
        param = torch.nn.Parameter(torch.full((2,), float(i + 1), dtype=torch.float64))
        groups.append({"params": [param], "lr": lr})
    cls = getattr(torch.optim, spec["kind"])
    return cls(groups, **spec["kwargs"])  # type: ignore[no-any-return]


def build(name: str, kwargs: dict[str, Any], optimizer: torch.optim.Optimizer) -> Any:
    cls = getattr(lr_scheduler, name)
    kwargs = dict(kwargs)
    if name in ("SequentialLR", "ChainedScheduler"):
        kwargs["schedulers"] = [
            build(child["class"], child["kwargs"], optimizer) for child in kwargs["schedulers"]
        ]
    if name == "ChainedScheduler":
        return cls(kwargs.pop("schedulers"), optimizer=optimizer, **kwargs)
    return cls(optimizer, **kwargs)


def momenta(optimizer: torch.optim.Optimizer) -> list[float]:
    return [
        float(g["betas"][0]) if "betas" in g else float(g["momentum"])
        for g in optimizer.param_groups
    ]


def to_json(value: Any, path: list[Any], conversions: list[dict[str, Any]]) -> Any:
    """``value`` as strict JSON data; every lossy change is appended to ``conversions``."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if math.isfinite(value):
            return float(value)
        text = "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
        conversions.append({"path": path, "what": f"float stored as the string {text!r}"})
        return text
    if isinstance(value, torch.Tensor):
        raise TypeError(f"a tensor at {path}: not expected in these fixtures")
    if isinstance(value, (list, tuple)):
        if isinstance(value, tuple):
            conversions.append({"path": path, "what": "tuple stored as a list"})
        return [to_json(v, [*path, i], conversions) for i, v in enumerate(value)]
    if isinstance(value, dict):
        out = {}
        for key, v in value.items():
            if not isinstance(key, str):
                conversions.append(
                    {
                        "path": [*path, str(key)],
                        "what": f"dict key of type {type(key).__name__} stored as a string",
                    }
                )
            out[str(key)] = to_json(v, [*path, str(key)], conversions)
        return out
    raise TypeError(f"{type(value).__name__} at {path} is not plain data: {value!r}")


def grads(optimizer: torch.optim.Optimizer) -> None:
    """Fixed gradients, so optimizer.step() really runs (and keeps its order with step())."""
    for i, group in enumerate(optimizer.param_groups):
        for p in group["params"]:
            p.grad = torch.full_like(p, 0.5 * (i + 1))


def record(case: dict[str, Any]) -> dict[str, Any]:
    name = case["class"]
    optimizer = make_optimizer(case["optimizer"])
    scheduler = build(name, case["kwargs"], optimizer)
    plateau = name == "ReduceLROnPlateau"
    cycles = name in ("CyclicLR", "OneCycleLR")

    def one_step(step: int) -> None:
        grads(optimizer)
        optimizer.step()
        if plateau:
            scheduler.step(PLATEAU_METRICS[step - 1])
        else:
            scheduler.step()

    for step in range(1, STEPS_BEFORE_SAVE + 1):
        one_step(step)
    state = scheduler.state_dict()
    groups = [
        {k: v for k, v in g.items() if k != "params"}
        for g in optimizer.state_dict()["param_groups"]
    ]
    lrs: dict[str, list[float]] = {}
    moms: dict[str, list[float]] = {}
    for step in range(STEPS_BEFORE_SAVE + 1, LAST_STEP + 1):
        one_step(step)
        lrs[str(step)] = [float(v) for v in scheduler.get_last_lr()]
        moms[str(step)] = momenta(optimizer)

    conversions: list[dict[str, Any]] = []
    entry: dict[str, Any] = {
        "class": name,
        "kwargs": case["kwargs"],
        "optimizer": {**case["optimizer"], "group_lrs": GROUP_LRS},
        "steps_before_save": STEPS_BEFORE_SAVE,
        "scheduler_state_dict": to_json(state, ["scheduler_state_dict"], conversions),
        "optimizer_param_groups": to_json(groups, ["optimizer_param_groups"], conversions),
        "lrs_after_steps": lrs,
    }
    if cycles:
        entry["momenta_after_steps"] = moms
    if plateau:
        entry["metrics"] = {
            "before_save": PLATEAU_METRICS[:STEPS_BEFORE_SAVE],
            "after_save": PLATEAU_METRICS[STEPS_BEFORE_SAVE:],
        }
    entry["json_conversions"] = conversions
    return entry


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--output", type=Path, default=Path(__file__).with_name("state_dicts_v0_1.json")
    )
    args = parser.parse_args()
    check_old_lrkit()
    global lr_scheduler
    lr_scheduler = importlib.import_module("lrkit.torch")
    torch.manual_seed(0)
    entries = [record(case) for case in CASES]
    assert len({e["class"] for e in entries}) == len(lr_scheduler.__all__) - 1  # minus LRScheduler
    data = {
        "about": (
            "Scheduler state dicts saved by lrkit 0.1.0 (commit 95d3ac1) lrkit.torch after 7 "
            "steps, and the lrs of steps 8..15 of the same run; written by "
            "tests/data/make_state_dicts_v0_1.py (see its docstring for every field)."
        ),
        "lrkit_version": lrkit.__version__,
        "lrkit_commit": COMMIT,
        "torch_version": torch.__version__,
        "entries": entries,
    }
    text = json.dumps(data, indent=1, allow_nan=False) + "\n"
    args.output.write_text(text)
    print(f"wrote {len(entries)} entries to {args.output}")


if __name__ == "__main__":
    main()
