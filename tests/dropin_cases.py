"""Case generators and runners for the ``lrkit.torch`` drop-in tests.

A *case* describes an optimizer (1 to 3 param groups with different lrs; SGD with
momentum or Adam) and one or more scheduler *specs* that step it in turn. A spec names a
class of ``torch.optim.lr_scheduler`` (the same name exists in ``lrkit.torch``) and its
arguments, so one case can be built twice, on identical optimizers, with torch's module
and with lrkit's, and the two runs compared step by step.

``run(case, module)`` builds the case with ``module`` and records, right after
construction and after every step, each group's lr and momentum (SGD ``momentum`` or
Adam ``betas[0]``), the whole param group, and every scheduler's ``get_last_lr()``,
``last_epoch``, ``base_lrs`` and public attributes. ``probe=True`` also records what
``get_lr()`` returns when called outside ``step()`` (torch warns there: the warning is
caught, the value kept). ``compare(a, b)`` checks two recordings with the tolerances of
the issue (rtol 1e-9, atol 1e-14).
"""

from __future__ import annotations

import collections
import dataclasses
import functools
import importlib
import io
import math
import types
import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import torch
from torch import nn

RTOL = 1e-9
ATOL = 1e-14

TORCH = torch.optim.lr_scheduler

# Every class of torch 2.13's scheduler module that lrkit.torch must provide.
CLASSES = (
    "LambdaLR",
    "MultiplicativeLR",
    "StepLR",
    "MultiStepLR",
    "ConstantLR",
    "LinearLR",
    "ExponentialLR",
    "PolynomialLR",
    "CyclicLR",
    "OneCycleLR",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "ReduceLROnPlateau",
    "ChainedScheduler",
    "SequentialLR",
)
COMPOSITES = ("SequentialLR", "ChainedScheduler")
# The classes whose constructor takes ``last_epoch`` (all but the composites and the plateau rule).
WITH_LAST_EPOCH = tuple(c for c in CLASSES if c not in (*COMPOSITES, "ReduceLROnPlateau"))

# Public attributes of torch's classes (compared where torch's object has them).
COMMON_ATTRS = ("last_epoch", "base_lrs")
ATTRS: dict[str, tuple[str, ...]] = {
    "LambdaLR": (),
    "MultiplicativeLR": (),
    "StepLR": ("step_size", "gamma"),
    "MultiStepLR": ("milestones", "gamma"),
    "ConstantLR": ("factor", "total_iters"),
    "LinearLR": ("start_factor", "end_factor", "total_iters"),
    "ExponentialLR": ("gamma",),
    "PolynomialLR": ("total_iters", "power"),
    "CosineAnnealingLR": ("T_max", "eta_min"),
    "CosineAnnealingWarmRestarts": ("T_0", "T_i", "T_mult", "eta_min", "T_cur"),
    "CyclicLR": (
        "max_lrs",
        "total_size",
        "step_ratio",
        "mode",
        "gamma",
        "scale_mode",
        "cycle_momentum",
        "use_beta1",
        "base_momentums",
        "max_momentums",
    ),
    "OneCycleLR": ("total_steps", "cycle_momentum", "use_beta1"),
    "ReduceLROnPlateau": (
        "mode",
        "factor",
        "patience",
        "threshold",
        "threshold_mode",
        "cooldown",
        "min_lrs",
        "default_min_lr",
        "eps",
        "best",
        "num_bad_epochs",
        "cooldown_counter",
        "mode_worse",
        "in_cooldown",
    ),
    "SequentialLR": (),
    "ChainedScheduler": (),
}


# --------------------------------------------------------------------------------------
# The modules under test
# --------------------------------------------------------------------------------------
def lrkit_module() -> types.ModuleType:
    """``lrkit.torch`` (raises ImportError while it does not exist)."""
    return importlib.import_module("lrkit.torch")


def lrkit_missing() -> str | None:
    """Why ``lrkit.torch`` cannot be imported, or None when it can."""
    try:
        module = lrkit_module()
    except Exception as error:  # ImportError, or a half-written module
        return f"lrkit.torch does not import: {type(error).__name__}: {error}"
    absent = [name for name in (*CLASSES, "LRScheduler") if not hasattr(module, name)]
    if absent:
        return f"lrkit.torch lacks {', '.join(absent)}"
    return None


def module_named(name: str) -> types.ModuleType:
    return TORCH if name == "torch" else lrkit_module()


# --------------------------------------------------------------------------------------
# Optimizers
# --------------------------------------------------------------------------------------
GROUP_LRS: tuple[tuple[float, ...], ...] = ((0.1,), (0.1, 0.05), (0.1, 0.02, 0.3))


def make_optimizer(
    lrs: Sequence[float], kind: str = "sgd", tensor_lr: torch.dtype | None = None
) -> torch.optim.Optimizer:
    """A real torch optimizer: one small nn.Parameter per param group, lrs as given.

    ``kind``: "sgd" (momentum 0.9), "sgd0" (no momentum), "adam" (betas (0.9, 0.999)).
    With ``tensor_lr`` a dtype, every group's lr is a 0-d tensor of that dtype.
    """

    def lr_value(lr: float) -> Any:
        return torch.tensor(lr, dtype=tensor_lr) if tensor_lr is not None else lr

    groups = [{"params": [nn.Parameter(torch.zeros(2))], "lr": lr_value(lr)} for lr in lrs]
    if kind == "sgd":
        return torch.optim.SGD(groups, lr=lr_value(lrs[0]), momentum=0.9)
    if kind == "sgd0":
        return torch.optim.SGD(groups, lr=lr_value(lrs[0]))
    if kind == "adam":
        return torch.optim.Adam(groups, lr=lr_value(lrs[0]), betas=(0.9, 0.999))
    raise AssertionError(f"unknown optimizer kind {kind!r}")


def as_number(value: Any) -> Any:
    if isinstance(value, torch.Tensor):
        return value.item() if value.numel() == 1 else value.tolist()
    return value


def momentum_of(group: dict[str, Any]) -> float | None:
    """SGD's ``momentum`` or Adam's ``betas[0]`` (None when the group has neither)."""
    if "betas" in group:
        return float(as_number(group["betas"][0]))
    if "momentum" in group:
        return float(as_number(group["momentum"]))
    return None


def group_view(group: dict[str, Any]) -> dict[str, Any]:
    """A param group as plain data, without its parameters."""
    out: dict[str, Any] = {}
    for key, value in group.items():
        if key == "params":
            continue
        if isinstance(value, (tuple, list)):
            out[key] = type(value)(as_number(v) for v in value)
        else:
            out[key] = as_number(value)
    return out


# --------------------------------------------------------------------------------------
# Scheduler specs
# --------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Fresh:
    """An argument made anew for every build (a stateful callable object, for example)."""

    make: Callable[[], Any]


@dataclasses.dataclass(frozen=True)
class PerGroup:
    """An argument given as one value per param group: the first ``n`` of ``values``."""

    values: tuple[Any, ...]


@dataclasses.dataclass(frozen=True)
class Spec:
    cls: str
    kwargs: tuple[tuple[str, Any], ...] = ()
    children: tuple[Spec, ...] = ()

    def label(self) -> str:
        if self.children:
            inner = "+".join(c.label() for c in self.children)
            extra = dict(self.kwargs).get("milestones")
            return f"{self.cls}[{inner}]" + (f"@{list(extra)}" if extra is not None else "")
        args = ",".join(f"{k}={_short(v)}" for k, v in self.kwargs)
        return f"{self.cls}({args})"


def _short(value: Any) -> str:
    if isinstance(value, PerGroup):
        return "pg" + _short(value.values)
    if isinstance(value, Fresh) or callable(value):
        return "fn"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_short(v) for v in value) + "]"
    return str(value)


def spec(cls: str, **kwargs: Any) -> Spec:
    return Spec(cls, tuple(kwargs.items()))


def sequential(children: Sequence[Spec], milestones: Sequence[int]) -> Spec:
    return Spec("SequentialLR", (("milestones", tuple(milestones)),), tuple(children))


def chained(children: Sequence[Spec]) -> Spec:
    return Spec("ChainedScheduler", (), tuple(children))


def resolve(value: Any, n_groups: int) -> Any:
    if isinstance(value, Fresh):
        return value.make()
    if isinstance(value, PerGroup):
        return [resolve(v, n_groups) for v in value.values[:n_groups]]
    return value


def build(
    s: Spec,
    module: types.ModuleType,
    optimizer: Any,
    all_out: list[tuple[Spec, Any, str]] | None = None,
    role: str = "top",
    **extra: Any,
) -> Any:
    """Build ``s`` with ``module`` on ``optimizer``; children first, as a user would.

    Every scheduler built (children included) is appended to ``all_out`` with its spec
    and its role: "top", "SequentialLR-child" or "ChainedScheduler-child".
    """
    n = len(optimizer.param_groups)
    if s.cls in COMPOSITES:
        kids = [build(c, module, optimizer, all_out, f"{s.cls}-child") for c in s.children]
        if s.cls == "SequentialLR":
            milestones = list(dict(s.kwargs)["milestones"])
            obj = module.SequentialLR(optimizer, schedulers=kids, milestones=milestones, **extra)
        else:
            obj = module.ChainedScheduler(kids, **extra)
    else:
        kwargs = {k: resolve(v, n) for k, v in s.kwargs}
        kwargs.update(extra)
        obj = getattr(module, s.cls)(optimizer, **kwargs)
    if all_out is not None:
        all_out.append((s, obj, role))
    return obj


# --------------------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Case:
    name: str
    specs: tuple[Spec, ...]
    lrs: tuple[float, ...] = (0.1,)
    optim: str = "sgd"
    steps: int = 40
    metrics: tuple[float, ...] | None = None  # ReduceLROnPlateau's metric at each step
    epochs: tuple[float | None, ...] | None = None  # step(epoch) plan (None: plain step())
    resume_at: int | None = None  # build with last_epoch=resume_at after a torch prefix run
    edit_at: int | None = None  # after this step the user halves every group's lr by hand

    @property
    def id(self) -> str:
        return self.name

    @property
    def classes(self) -> set[str]:
        out: set[str] = set()

        def walk(s: Spec) -> None:
            out.add(s.cls)
            for c in s.children:
                walk(c)

        for s in self.specs:
            walk(s)
        return out


class WarmupThenDecay:
    """A stateful callable object (its ``__dict__`` is saved by torch's state_dict)."""

    def __init__(self, warmup: int, decay: float) -> None:
        self.warmup = warmup
        self.decay = decay

    def __call__(self, epoch: int) -> float:
        if epoch < self.warmup:
            return (epoch + 1) / self.warmup
        return float(self.decay ** (epoch - self.warmup))


class HalfEvery:
    """A callable-object MultiplicativeLR factor."""

    def __init__(self, every: int) -> None:
        self.every = every

    def __call__(self, epoch: int) -> float:
        return 0.5 if epoch % self.every == 0 else 1.0


def plateau_metrics(n: int, mode: str, pattern: int) -> tuple[float, ...]:
    """A deterministic metric with improvements, plateaus and sub-threshold changes.

    ``pattern`` 0: improve 4, flat 7, improve 2, flat 12, ... (repeating);
    1: steady tiny relative improvements of 1e-5 (below the default rel threshold,
    above an abs threshold of 1e-7) broken by real improvements every 9 steps;
    2: a noisy plateau: a slow trend plus a deterministic wiggle.
    For mode "max" the sequence is mirrored (improvement means larger).
    """
    values: list[float] = []
    v = 1.0
    for t in range(n):
        if pattern == 0:
            phase = t % 25
            if phase < 4 or 11 <= phase < 13:
                v *= 0.9
        elif pattern == 1:
            v *= 0.9 if t % 9 == 0 else (1 - 1e-5)
        else:
            v = 1.0 / (1 + 0.02 * t) + 0.01 * math.sin(1.7 * t)
        values.append(v)
    if mode == "max":
        values = [2.0 - x for x in values]
    return tuple(values)


def _lambda_list() -> tuple[Any, ...]:
    return (
        lambda e: e // 3,  # the seed's lambda1 (epoch // 30), on a shorter time scale
        lambda e: 0.95**e,  # the seed's lambda2
        lambda e: 1.0 / (1.0 + e),
    )


def lone_variants() -> list[tuple[Spec, int]]:
    """(spec, steps): every scheduler with default and edge arguments."""
    v: list[tuple[Spec, int]] = []
    add = v.append
    # LambdaLR
    add((spec("LambdaLR", lr_lambda=lambda e: 0.95**e), 40))
    add((spec("LambdaLR", lr_lambda=PerGroup(_lambda_list())), 20))
    add((spec("LambdaLR", lr_lambda=Fresh(lambda: WarmupThenDecay(5, 0.9))), 30))
    add((spec("LambdaLR", lr_lambda=lambda e: 1), 5))
    # MultiplicativeLR
    add((spec("MultiplicativeLR", lr_lambda=lambda e: 0.95), 40))
    add((spec("MultiplicativeLR", lr_lambda=Fresh(lambda: HalfEvery(4))), 30))
    add(
        (
            spec(
                "MultiplicativeLR",
                lr_lambda=PerGroup((lambda e: 0.9, lambda e: 0.99, lambda e: 1.01)),
            ),
            30,
        )
    )
    # StepLR
    add((spec("StepLR", step_size=3), 20))
    add((spec("StepLR", step_size=30, gamma=0.1), 100))  # the seed's example
    add((spec("StepLR", step_size=1, gamma=0.5), 25))
    add((spec("StepLR", step_size=7, gamma=1.5), 40))
    add((spec("StepLR", step_size=4.0, gamma=0.3), 20))  # an integral float count
    add((spec("StepLR", step_size=2, gamma=0.0), 6))
    # MultiStepLR
    add((spec("MultiStepLR", milestones=[3, 6], gamma=0.5), 12))
    add((spec("MultiStepLR", milestones=[30, 80]), 100))  # the seed's example
    add((spec("MultiStepLR", milestones=[2, 2, 5], gamma=0.5), 10))  # a repeated milestone
    add((spec("MultiStepLR", milestones=[0, 4], gamma=0.5), 8))  # milestone 0
    add((spec("MultiStepLR", milestones=[7, 3], gamma=0.2), 10))  # not sorted
    add((spec("MultiStepLR", milestones=(), gamma=0.2), 5))  # no milestone
    # ConstantLR
    add((spec("ConstantLR"), 10))
    add((spec("ConstantLR", factor=0.5, total_iters=4), 10))  # the seed's example
    add((spec("ConstantLR", factor=1.0, total_iters=3), 6))
    add((spec("ConstantLR", factor=0.1, total_iters=1), 4))
    # LinearLR
    add((spec("LinearLR"), 10))
    add((spec("LinearLR", start_factor=0.5, total_iters=4), 8))  # the seed's example
    add((spec("LinearLR", start_factor=1.0, end_factor=0.1, total_iters=10), 15))
    add((spec("LinearLR", start_factor=0.05, total_iters=40), 50))
    add((spec("LinearLR", start_factor=0.25, end_factor=0.0, total_iters=8), 12))
    add((spec("LinearLR", start_factor=0.2, end_factor=0.7, total_iters=1), 4))
    # ExponentialLR
    add((spec("ExponentialLR", gamma=0.9), 40))
    add((spec("ExponentialLR", gamma=0.5), 30))
    add((spec("ExponentialLR", gamma=1.0), 5))
    add((spec("ExponentialLR", gamma=1.05), 20))
    add((spec("ExponentialLR", gamma=0.999), 300))
    # PolynomialLR
    add((spec("PolynomialLR"), 10))
    add((spec("PolynomialLR", total_iters=4, power=1.0), 8))  # the seed's example
    add((spec("PolynomialLR", total_iters=10, power=2.0), 14))
    add((spec("PolynomialLR", total_iters=7, power=0.5), 10))
    add((spec("PolynomialLR", total_iters=6, power=0.0), 8))
    add((spec("PolynomialLR", total_iters=250, power=1.5), 260))
    # CyclicLR
    add((spec("CyclicLR", base_lr=0.01, max_lr=0.1, step_size_up=4), 30))
    add(
        (
            spec(
                "CyclicLR",
                base_lr=0.001,
                max_lr=0.05,
                step_size_up=3,
                step_size_down=5,
                mode="triangular2",
            ),
            40,
        )
    )
    add(
        (
            spec(
                "CyclicLR",
                base_lr=0.01,
                max_lr=0.1,
                step_size_up=5,
                mode="exp_range",
                gamma=0.97,
            ),
            40,
        )
    )
    add(
        (
            spec(
                "CyclicLR",
                base_lr=0.01,
                max_lr=0.1,
                step_size_up=3,
                scale_fn=lambda x: 1.0 / (1.0 + 0.1 * x),
                scale_mode="iterations",
            ),
            30,
        )
    )
    add(
        (
            spec(
                "CyclicLR",
                base_lr=0.01,
                max_lr=0.1,
                step_size_up=2,
                scale_fn=lambda x: 0.8**x,
                scale_mode="cycle",
            ),
            30,
        )
    )
    add(
        (
            spec(
                "CyclicLR",
                base_lr=PerGroup((0.01, 0.002, 0.03)),
                max_lr=PerGroup((0.1, 0.02, 0.3)),
                step_size_up=3,
                cycle_momentum=False,
            ),
            25,
        )
    )
    add(
        (
            spec(
                "CyclicLR",
                base_lr=0.01,
                max_lr=0.1,
                step_size_up=1,
                step_size_down=1,
                base_momentum=PerGroup((0.7, 0.8, 0.85)),
                max_momentum=PerGroup((0.9, 0.95, 0.99)),
            ),
            12,
        )
    )
    add((spec("CyclicLR", base_lr=0.01, max_lr=0.1), 300))  # the default step_size_up=2000
    # OneCycleLR (run to total_steps - 1: the last step is a documented difference)
    add((spec("OneCycleLR", max_lr=0.1, total_steps=20), 19))
    add((spec("OneCycleLR", max_lr=0.1, total_steps=25, anneal_strategy="linear"), 24))
    add((spec("OneCycleLR", max_lr=0.1, total_steps=30, three_phase=True), 29))
    add(
        (
            spec(
                "OneCycleLR",
                max_lr=0.1,
                total_steps=31,
                three_phase=True,
                anneal_strategy="linear",
                pct_start=0.4,
            ),
            30,
        )
    )
    add((spec("OneCycleLR", max_lr=0.05, epochs=4, steps_per_epoch=6), 23))
    add(
        (
            spec(
                "OneCycleLR",
                max_lr=PerGroup((0.1, 0.01, 0.5)),
                total_steps=16,
                cycle_momentum=False,
                div_factor=10.0,
                final_div_factor=100.0,
            ),
            15,
        )
    )
    add(
        (
            spec(
                "OneCycleLR",
                max_lr=0.2,
                total_steps=12,
                pct_start=0.5,
                base_momentum=PerGroup((0.8, 0.7, 0.6)),
                max_momentum=PerGroup((0.95, 0.9, 0.99)),
            ),
            11,
        )
    )
    add((spec("OneCycleLR", max_lr=0.1, total_steps=10, pct_start=0.0), 9))
    add((spec("OneCycleLR", max_lr=0.1, total_steps=300), 299))
    # CosineAnnealingLR
    add((spec("CosineAnnealingLR", T_max=10), 12))
    add((spec("CosineAnnealingLR", T_max=10, eta_min=0.01), 45))  # past T_max: periodic
    add((spec("CosineAnnealingLR", T_max=1), 6))
    add((spec("CosineAnnealingLR", T_max=100, eta_min=1e-4), 120))
    add((spec("CosineAnnealingLR", T_max=7.5, eta_min=0.001), 20))
    add((spec("CosineAnnealingLR", T_max=3, eta_min=0.05), 15))
    # CosineAnnealingWarmRestarts
    add((spec("CosineAnnealingWarmRestarts", T_0=5), 23))
    add((spec("CosineAnnealingWarmRestarts", T_0=3, T_mult=2), 50))
    add((spec("CosineAnnealingWarmRestarts", T_0=1, T_mult=3, eta_min=0.001), 45))
    add((spec("CosineAnnealingWarmRestarts", T_0=10, eta_min=0.05), 35))
    add((spec("CosineAnnealingWarmRestarts", T_0=1), 5))
    return v


def rop_variants() -> list[tuple[Spec, str, int]]:
    """(spec, mode, metric pattern): ReduceLROnPlateau across its options."""
    out: list[tuple[Spec, str, int]] = []
    for i, (mode, tmode) in enumerate(
        (("min", "rel"), ("min", "abs"), ("max", "rel"), ("max", "abs"))
    ):
        out.append((spec("ReduceLROnPlateau", mode=mode, threshold_mode=tmode), mode, i % 3))
        out.append(
            (
                spec(
                    "ReduceLROnPlateau",
                    mode=mode,
                    threshold_mode=tmode,
                    patience=2,
                    cooldown=3,
                    factor=0.5,
                ),
                mode,
                (i + 1) % 3,
            )
        )
        out.append(
            (
                spec(
                    "ReduceLROnPlateau",
                    mode=mode,
                    threshold_mode=tmode,
                    patience=0,
                    factor=0.5,
                    min_lr=PerGroup((0.02, 0.004, 0.05)),
                ),
                mode,
                (i + 2) % 3,
            )
        )
    out.append(
        (spec("ReduceLROnPlateau", patience=1, threshold=1e-7, threshold_mode="abs"), "min", 1)
    )
    out.append((spec("ReduceLROnPlateau", patience=1, threshold=0.0), "min", 1))
    out.append(
        (spec("ReduceLROnPlateau", patience=0, factor=0.5, min_lr=0.01, eps=0.004), "min", 2)
    )
    out.append((spec("ReduceLROnPlateau", patience=3, cooldown=1, factor=0.0), "min", 0))
    out.append((spec("ReduceLROnPlateau", mode="max", patience=1, threshold=0.05), "max", 2))
    return out


def chain_variants() -> list[tuple[tuple[Spec, ...], int]]:
    """Two or three schedulers stepping one optimizer in turn (torch's chaining)."""
    return [
        # the seed's example: each applies on top of what the previous one left
        ((spec("ExponentialLR", gamma=0.9), spec("MultiStepLR", milestones=[3, 6], gamma=0.5)), 12),
        (
            (
                spec("LinearLR", start_factor=0.1, total_iters=4),
                spec("CosineAnnealingLR", T_max=20, eta_min=0.001),
            ),
            30,
        ),
        (
            (spec("CosineAnnealingLR", T_max=12, eta_min=0.01), spec("ExponentialLR", gamma=0.95)),
            30,
        ),
        (
            (
                spec("LinearLR", total_iters=3),
                spec("ExponentialLR", gamma=0.9),
                spec("StepLR", step_size=4),
            ),
            15,
        ),
        (
            (
                spec("ConstantLR", factor=0.5, total_iters=3),
                spec("PolynomialLR", total_iters=8, power=2.0),
            ),
            12,
        ),
        ((spec("StepLR", step_size=3), spec("LambdaLR", lr_lambda=lambda e: 0.9**e)), 10),
        (
            (
                spec("MultiplicativeLR", lr_lambda=lambda e: 0.9),
                spec("CosineAnnealingWarmRestarts", T_0=4),
            ),
            14,
        ),
        (
            (
                spec("CyclicLR", base_lr=0.01, max_lr=0.1, step_size_up=3),
                spec("ExponentialLR", gamma=0.97),
            ),
            20,
        ),
        (
            (
                spec("OneCycleLR", max_lr=0.1, total_steps=20),
                spec("StepLR", step_size=5, gamma=0.5),
            ),
            19,
        ),
        (
            (
                spec("MultiStepLR", milestones=[2, 5]),
                spec("ConstantLR", factor=0.5, total_iters=3),
                spec("LinearLR", start_factor=0.5, total_iters=6),
            ),
            10,
        ),
        (
            (spec("CosineAnnealingLR", T_max=8), spec("CosineAnnealingLR", T_max=5, eta_min=0.002)),
            20,
        ),
        (
            (
                spec("ExponentialLR", gamma=0.9),
                spec("CosineAnnealingLR", T_max=6, eta_min=0.004),
                spec("MultiplicativeLR", lr_lambda=lambda e: 1.02),
            ),
            20,
        ),
    ]


def chained_variants() -> list[tuple[Spec, int]]:
    return [
        # the seed's example
        (
            chained(
                [spec("ConstantLR", factor=0.1, total_iters=2), spec("ExponentialLR", gamma=0.9)]
            ),
            10,
        ),
        (
            chained(
                [spec("LinearLR", start_factor=0.2, total_iters=5), spec("StepLR", step_size=3)]
            ),
            12,
        ),
        (
            chained(
                [
                    spec("ExponentialLR", gamma=0.95),
                    spec("CosineAnnealingLR", T_max=10, eta_min=0.01),
                ]
            ),
            25,
        ),
        (
            chained(
                [
                    spec("ConstantLR", factor=0.5, total_iters=2),
                    spec("LinearLR", start_factor=0.25, total_iters=6),
                    spec("MultiStepLR", milestones=[4, 8], gamma=0.3),
                ]
            ),
            12,
        ),
        (
            chained(
                [
                    spec("LambdaLR", lr_lambda=lambda e: 1 / (1 + e)),
                    spec("ExponentialLR", gamma=0.9),
                ]
            ),
            10,
        ),
        (
            chained(
                [
                    spec("CyclicLR", base_lr=0.01, max_lr=0.1, step_size_up=2),
                    spec("ExponentialLR", gamma=0.95),
                ]
            ),
            12,
        ),
        (
            chained(
                [
                    spec("PolynomialLR", total_iters=6),
                    spec("MultiplicativeLR", lr_lambda=lambda e: 0.97),
                ]
            ),
            10,
        ),
        (chained([spec("CosineAnnealingLR", T_max=5)]), 8),
    ]


def sequential_variants() -> list[tuple[Spec, int]]:
    return [
        # the seed's example
        (
            sequential(
                [spec("ConstantLR", factor=0.1, total_iters=2), spec("ExponentialLR", gamma=0.9)],
                [2],
            ),
            8,
        ),
        (
            sequential(
                [
                    spec("LinearLR", start_factor=0.01, total_iters=5),
                    spec("CosineAnnealingLR", T_max=20),
                ],
                [5],
            ),
            30,
        ),
        (
            sequential(
                [
                    spec("LinearLR", start_factor=0.1, total_iters=4),
                    spec("ExponentialLR", gamma=0.9),
                ],
                [0],
            ),
            10,
        ),
        (
            sequential(
                [
                    spec("LinearLR", start_factor=0.2, total_iters=3),
                    spec("ConstantLR", factor=0.5, total_iters=2),
                    spec("CosineAnnealingLR", T_max=10, eta_min=0.001),
                ],
                [3, 8],
            ),
            22,
        ),
        (
            sequential(
                [
                    spec("ConstantLR", factor=0.3, total_iters=2),
                    spec("ExponentialLR", gamma=0.8),
                    spec("StepLR", step_size=2, gamma=0.5),
                    spec("PolynomialLR", total_iters=5, power=2.0),
                ],
                [2, 5, 9],
            ),
            16,
        ),
        (
            sequential(
                [
                    spec("ExponentialLR", gamma=0.5),
                    spec("LinearLR", start_factor=0.5, total_iters=3),
                    spec("MultiStepLR", milestones=[2, 3]),
                ],
                [0, 4],
            ),
            10,
        ),
        (
            sequential(
                [
                    spec("LinearLR", start_factor=0.5, total_iters=4),
                    spec("MultiplicativeLR", lr_lambda=lambda e: 0.9),
                ],
                [4],
            ),
            10,
        ),
        (
            sequential(
                [spec("ExponentialLR", gamma=0.9), spec("LambdaLR", lr_lambda=lambda e: 0.8**e)],
                [3],
            ),
            9,
        ),
        (
            sequential(
                [
                    spec("LinearLR", start_factor=0.25, total_iters=5),
                    spec("CosineAnnealingWarmRestarts", T_0=3, T_mult=2),
                ],
                [5],
            ),
            25,
        ),
        (
            sequential(
                [
                    spec("CyclicLR", base_lr=0.01, max_lr=0.1, step_size_up=2),
                    spec("ExponentialLR", gamma=0.9),
                ],
                [6],
            ),
            12,
        ),
        (
            sequential(
                [
                    spec("LinearLR", start_factor=0.5, total_iters=5),
                    spec("OneCycleLR", max_lr=0.2, total_steps=20),
                ],
                [5],
            ),
            24,
        ),
        (
            sequential(
                [
                    spec("ConstantLR", factor=0.5, total_iters=3),
                    spec("CosineAnnealingLR", T_max=4),
                    spec("LinearLR", start_factor=0.1, total_iters=3),
                    spec("ExponentialLR", gamma=0.7),
                ],
                [0, 5, 7],
            ),
            14,
        ),
    ]


def epoch_plan(limit: int) -> tuple[float | None, ...]:
    """A step(epoch) plan: jumps forward and back, repeats, 0, and plain steps between."""
    raw: list[float | None] = [
        None,
        None,
        5,
        None,
        2,
        2,
        9,
        None,
        None,
        0,
        None,
        14,
        7,
        None,
        3,
        None,
    ]
    return tuple(e if e is None else min(e, limit) for e in raw)


def epoch_variants() -> list[tuple[Spec, tuple[float | None, ...]]]:
    """step(epoch) for every class that accepts it (fractional for warm restarts)."""
    plan = epoch_plan(14)
    out: list[tuple[Spec, tuple[float | None, ...]]] = [
        (spec("LambdaLR", lr_lambda=lambda e: 0.9**e), plan),
        (spec("MultiplicativeLR", lr_lambda=lambda e: 0.9 if e % 2 else 0.8), plan),
        (spec("StepLR", step_size=3, gamma=0.5), plan),
        (spec("MultiStepLR", milestones=[3, 6], gamma=0.5), plan),
        (spec("ConstantLR", factor=0.5, total_iters=4), plan),
        (spec("LinearLR", start_factor=0.2, total_iters=6), plan),
        (spec("ExponentialLR", gamma=0.9), plan),
        (spec("PolynomialLR", total_iters=8, power=2.0), plan),
        (spec("CyclicLR", base_lr=0.01, max_lr=0.1, step_size_up=3), plan),
        (spec("OneCycleLR", max_lr=0.1, total_steps=20), plan),
        (spec("CosineAnnealingLR", T_max=10, eta_min=0.001), plan),
        (spec("CosineAnnealingWarmRestarts", T_0=4, T_mult=2), plan),
    ]
    # The seed's loop: scheduler.step(epoch + i / iters) for each batch i of each epoch.
    for t0, tmult, iters, n_epochs in ((3, 1, 4, 10), (2, 2, 7, 16), (1, 3, 5, 30), (5, 2, 3, 40)):
        seed_plan = tuple(e + i / iters for e in range(n_epochs) for i in range(iters))
        out.append(
            (spec("CosineAnnealingWarmRestarts", T_0=t0, T_mult=tmult, eta_min=0.001), seed_plan)
        )
    # The seed's "set the middle directly": 20 plain steps, step(26), then step() (27).
    seed_jump: tuple[float | None, ...] = (*([None] * 20), 26, None, None)
    out.append((spec("CosineAnnealingWarmRestarts", T_0=5, T_mult=1), seed_jump))
    out.append((spec("CosineAnnealingWarmRestarts", T_0=3, T_mult=2), seed_jump))
    return out


def resume_variants() -> list[tuple[Spec, int, int]]:
    """(spec, N, steps after): build with last_epoch=N on an optimizer torch left at step N."""
    return [
        (spec("LambdaLR", lr_lambda=lambda e: 0.9**e), 5, 10),
        (spec("MultiplicativeLR", lr_lambda=lambda e: 0.9), 5, 10),
        (spec("StepLR", step_size=3), 5, 10),
        (spec("StepLR", step_size=3), 6, 10),
        (spec("MultiStepLR", milestones=[3, 8], gamma=0.5), 7, 10),
        (spec("ConstantLR", factor=0.5, total_iters=4), 2, 8),
        (spec("LinearLR", start_factor=0.2, total_iters=6), 3, 8),
        (spec("ExponentialLR", gamma=0.9), 4, 10),
        (spec("PolynomialLR", total_iters=8, power=2.0), 3, 10),
        (spec("CyclicLR", base_lr=0.01, max_lr=0.1, step_size_up=3), 4, 10),
        (spec("OneCycleLR", max_lr=0.1, total_steps=20), 6, 12),
        (spec("CosineAnnealingLR", T_max=10, eta_min=0.001), 4, 10),
        (spec("CosineAnnealingLR", T_max=10, eta_min=0.001), 10, 10),
        (spec("CosineAnnealingWarmRestarts", T_0=3, T_mult=2), 4, 12),
    ]


def oracle_cases() -> list[Case]:
    cases: list[Case] = []
    # Lone schedulers: each variant twice, with different group counts and optimizers.
    for i, (s, steps) in enumerate(lone_variants()):
        for j, optim in enumerate(("sgd", "adam")):
            lrs = GROUP_LRS[(i + j) % 3]
            cases.append(Case(f"lone{i}-{optim}{len(lrs)}-{s.label()}", (s,), lrs, optim, steps))
    for i, (s, mode, pattern) in enumerate(rop_variants()):
        lrs = GROUP_LRS[i % 3]
        optim = ("sgd", "adam")[i % 2]
        n = 60
        cases.append(
            Case(
                f"rop{i}-{optim}{len(lrs)}-{s.label()}-p{pattern}",
                (s,),
                lrs,
                optim,
                n,
                metrics=plateau_metrics(n, mode, pattern),
            )
        )
    for i, (specs, steps) in enumerate(chain_variants()):
        for j, optim in enumerate(("sgd", "adam")):
            lrs = GROUP_LRS[(i + 2 * j) % 3]
            label = "+".join(s.label() for s in specs)
            cases.append(Case(f"chain{i}-{optim}{len(lrs)}-{label}", specs, lrs, optim, steps))
    # A chain with the plateau rule: ExponentialLR then ReduceLROnPlateau.
    cases.append(
        Case(
            "chain-rop",
            (spec("ExponentialLR", gamma=0.98), spec("ReduceLROnPlateau", patience=2, factor=0.5)),
            GROUP_LRS[1],
            "sgd",
            50,
            metrics=plateau_metrics(50, "min", 0),
        )
    )
    for i, (s, steps) in enumerate(chained_variants()):
        for j, optim in enumerate(("sgd", "adam")):
            lrs = GROUP_LRS[(i + j) % 3]
            cases.append(Case(f"chained{i}-{optim}{len(lrs)}-{s.label()}", (s,), lrs, optim, steps))
    for i, (s, steps) in enumerate(sequential_variants()):
        for j, optim in enumerate(("sgd", "adam")):
            lrs = GROUP_LRS[(i + j + 1) % 3]
            cases.append(Case(f"seq{i}-{optim}{len(lrs)}-{s.label()}", (s,), lrs, optim, steps))
    for i, (s, plan) in enumerate(epoch_variants()):
        lrs = GROUP_LRS[i % 3]
        cases.append(
            Case(
                f"epoch{i}-{len(lrs)}-{s.label()}",
                (s,),
                lrs,
                ("sgd", "adam")[i % 2],
                len(plan),
                epochs=plan,
            )
        )
    n = 30
    cases.append(
        Case(
            "epoch-rop",
            (spec("ReduceLROnPlateau", patience=1, factor=0.5),),
            GROUP_LRS[2],
            "sgd",
            n,
            metrics=plateau_metrics(n, "min", 2),
            epochs=tuple(None if t % 3 else float(2 * t) for t in range(n)),
        )
    )
    for i, (s, at, steps) in enumerate(resume_variants()):
        lrs = GROUP_LRS[i % 3]
        cases.append(
            Case(
                f"last_epoch{i}-{len(lrs)}-{s.label()}@{at}",
                (s,),
                lrs,
                ("sgd", "adam")[i % 2],
                steps,
                resume_at=at,
            )
        )
    # A manual edit of the lr mid-run: each class applies torch's own rule on top of it
    # (a ratio, cosine's affine rule, or an overwrite).
    seen: set[str] = set()
    edits = [(s, n) for s, n in lone_variants() if not (s.cls in seen or seen.add(s.cls))]
    edits += [(s, n) for s, n in chained_variants()[:3] + sequential_variants()[:2]]
    edits += [(s, 0) for s, _, _ in rop_variants()[:2]]
    for i, (s, steps) in enumerate(edits):
        lrs = GROUP_LRS[i % 3]
        optim = ("sgd", "adam")[i % 2]
        metrics = plateau_metrics(40, "min", 0) if s.cls == "ReduceLROnPlateau" else None
        n = 40 if metrics else min(max(steps, 12), 40)
        if s.cls == "OneCycleLR":
            n = steps
        cases.append(
            Case(f"edit{i}-{optim}{len(lrs)}-{s.label()}", (s,), lrs, optim, n, metrics, edit_at=4)
        )
    return cases


# --------------------------------------------------------------------------------------
# Running a case
# --------------------------------------------------------------------------------------
@dataclasses.dataclass
class Recording:
    groups: list[list[dict[str, Any]]]  # per row, the param groups (plain data)
    lrs: list[list[float]]
    momenta: list[list[float | None]]
    scheds: list[list[dict[str, Any]]]  # per row, per scheduler: last lr, last_epoch, attrs
    get_lr: list[list[Any]]  # per row, per scheduler: get_lr() outside step (or the error)
    roles: list[str]  # per scheduler: "top", "SequentialLR-child", "ChainedScheduler-child"


def attrs_of(s: Spec, obj: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"get_last_lr": [as_number(x) for x in obj.get_last_lr()]}
    for name in (*COMMON_ATTRS, *ATTRS[s.cls]):
        try:
            value = getattr(obj, name)
        except AttributeError:
            out[name] = Missing
            continue
        if name == "milestones":
            value = dict(collections.Counter(value)) if not isinstance(value, dict) else dict(value)
        out[name] = _plain(value)
    return out


class _MissingType:
    def __repr__(self) -> str:
        return "<missing>"


Missing = _MissingType()


def _plain(value: Any) -> Any:
    if isinstance(value, torch.Tensor):
        return as_number(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def probe_get_lr(obj: Any) -> Any:
    """What get_lr() returns outside step (warnings caught), or the error's type name."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return [as_number(x) for x in obj.get_lr()]
        except Exception as error:
            return f"raises {type(error).__name__}"


def step_all(case: Case, scheds: Sequence[Any], t: int) -> None:
    """Step every top-level scheduler once (step index ``t``), as the case says."""
    for s, obj in zip(case.specs, scheds, strict=True):
        epoch = case.epochs[t] if case.epochs is not None else None
        if s.cls == "ReduceLROnPlateau":
            assert case.metrics is not None
            if epoch is None:
                obj.step(case.metrics[t])
            else:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # torch: the epoch argument is deprecated
                    obj.step(case.metrics[t], epoch)
        elif epoch is None:
            obj.step()
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # torch: the epoch argument is deprecated
                obj.step(epoch)


def prepared_optimizer(case: Case, tensor_lr: torch.dtype | None = None) -> torch.optim.Optimizer:
    """The case's optimizer; for ``resume_at`` cases, torch's state after that many steps."""
    opt = make_optimizer(case.lrs, case.optim, tensor_lr)
    if case.resume_at is None:
        return opt
    prefix = make_optimizer(case.lrs, case.optim)
    scheds = [build(s, TORCH, prefix) for s in case.specs]
    for t in range(case.resume_at):
        prefix.step()
        step_all(dataclasses.replace(case, epochs=None), scheds, t)
    opt.load_state_dict(prefix.state_dict())
    return opt


def run(case: Case, module: types.ModuleType, probe: bool = False) -> Recording:
    opt = prepared_optimizer(case)
    every: list[tuple[Spec, Any, str]] = []
    extra = {} if case.resume_at is None else {"last_epoch": case.resume_at}
    top = [build(s, module, opt, every, **extra) for s in case.specs]
    rec = Recording([], [], [], [], [], [role for _, _, role in every])

    def snap() -> None:
        groups = opt.param_groups
        rec.groups.append([group_view(g) for g in groups])
        rec.lrs.append([float(as_number(g["lr"])) for g in groups])
        rec.momenta.append([momentum_of(g) for g in groups])
        rec.scheds.append([attrs_of(s, obj) for s, obj, _ in every])
        if probe:
            rec.get_lr.append([probe_get_lr(obj) for _, obj, _ in every])

    snap()
    for t in range(case.steps):
        opt.step()
        step_all(case, top, t)
        if t == case.edit_at:
            for group in opt.param_groups:
                group["lr"] = float(as_number(group["lr"])) * 0.5
        snap()
    return rec


# --------------------------------------------------------------------------------------
# Comparing
# --------------------------------------------------------------------------------------
def close(a: Any, b: Any, rtol: float = RTOL, atol: float = ATOL) -> bool:
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None:
        return a == b and type(a) is type(b)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        fa, fb = float(a), float(b)
        if math.isnan(fa) or math.isnan(fb):
            return math.isnan(fa) and math.isnan(fb)
        if math.isinf(fa) or math.isinf(fb):
            return fa == fb
        return abs(fa - fb) <= atol + rtol * abs(fb)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(close(x, y, rtol, atol) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(close(a[k], b[k], rtol, atol) for k in a)
    return bool(a == b)


def mismatches(
    got: Sequence[Any],
    want: Sequence[Any],
    what: str,
    rtol: float = RTOL,
    atol: float = ATOL,
    limit: int = 5,
) -> list[str]:
    """Row-by-row differences between two recorded sequences (row = step)."""
    out = []
    for t, (g, w) in enumerate(zip(got, want, strict=True)):
        if not close(g, w, rtol, atol):
            out.append(f"step {t}: {what}: lrkit {g!r} != torch {w!r}")
            if len(out) >= limit:
                break
    return out


def iter_plain(value: Any, path: str = "state") -> Iterator[tuple[str, Any]]:
    """Every leaf (path, value) of a nested state, for the plain-data check."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield f"{path}.key({k!r})", k
            yield from iter_plain(v, f"{path}[{k!r}]")
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            yield from iter_plain(v, f"{path}[{i}]")
    else:
        yield path, value


PLAIN_TYPES = (dict, list, tuple, str, int, float, bool, type(None))


def non_plain(state: Any) -> list[str]:
    """Paths of the parts of ``state`` that are not plain data."""
    bad: list[str] = []

    def walk(value: Any, path: str) -> None:
        if type(value) not in PLAIN_TYPES:
            bad.append(f"{path}: {type(value).__name__}")
            return
        if isinstance(value, dict):
            for k, v in value.items():
                if type(k) not in (str, int, float, bool):
                    bad.append(f"{path} key {k!r}: {type(k).__name__}")
                walk(v, f"{path}[{k!r}]")
        elif isinstance(value, (list, tuple)):
            for i, v in enumerate(value):
                walk(v, f"{path}[{i}]")

    walk(state, "state")
    return bad


# --------------------------------------------------------------------------------------
# Warm restarts: where torch's step(epoch) finds the cycle exactly
# --------------------------------------------------------------------------------------
def exact_cycle(epoch: float, t0: int, tmult: int) -> int:
    """The index n of the warm-restart cycle holding ``epoch`` (exact integer arithmetic)."""
    if tmult == 1:
        return int(epoch // t0)
    n, start = 0, 0
    while start + t0 * tmult**n <= epoch:
        start += t0 * tmult**n
        n += 1
    return n


def torch_cycle(epoch: float, t0: int, tmult: int) -> int:
    """The cycle torch 2.13's CosineAnnealingWarmRestarts.step(epoch) computes (a float log)."""
    if epoch < t0:
        return 0
    if tmult == 1:
        return int(epoch // t0)
    return int(math.log(epoch / t0 * (tmult - 1) + 1, tmult))


def seed_loops_well_rounded() -> list[str]:
    """Fractional-epoch plans of the oracle where torch's cycle is not the exact one."""
    bad = []
    for s, plan in epoch_variants():
        if s.cls != "CosineAnnealingWarmRestarts":
            continue
        kw = dict(s.kwargs)
        for e in plan:
            if e is not None and torch_cycle(e, kw["T_0"], kw["T_mult"]) != exact_cycle(
                e, kw["T_0"], kw["T_mult"]
            ):
                bad.append(f"{s.label()} epoch {e}")
    return bad


def flatten_specs(specs: Sequence[Spec]) -> list[Spec]:
    out: list[Spec] = []

    def walk(s: Spec) -> None:
        for c in s.children:
            walk(c)
        out.append(s)

    for s in specs:
        walk(s)
    return out


# --------------------------------------------------------------------------------------
# Checkpoint and resume (tests/test_dropin_resume.py, test_dropin_behaviour.py)
# --------------------------------------------------------------------------------------
RESUME_LRS = (0.1, 0.05)


def resume_metric(t: int) -> float:
    """ReduceLROnPlateau's metric: improves, plateaus, improves a little, plateaus."""
    if t < 3:
        return 1.0 - 0.1 * t
    if t < 8:
        return 0.7
    if t < 10:
        return 0.5
    return 0.5 + 0.001 * (t % 2)


Builder = Callable[[types.ModuleType, Any], Any]

# class -> (build, total steps, resume points: 0, 1, mid-run, boundary...)
RESUME_CONFIGS: dict[str, tuple[Builder, int, tuple[int, ...]]] = {
    "LambdaLR": (lambda M, o: M.LambdaLR(o, lambda e: 0.9**e), 12, (0, 1, 5, 9)),
    "MultiplicativeLR": (lambda M, o: M.MultiplicativeLR(o, lambda e: 0.9), 12, (0, 1, 5, 9)),
    "StepLR": (lambda M, o: M.StepLR(o, step_size=3), 12, (0, 1, 5, 3, 6)),
    "MultiStepLR": (lambda M, o: M.MultiStepLR(o, milestones=[3, 7]), 12, (0, 1, 5, 7)),
    "ConstantLR": (lambda M, o: M.ConstantLR(o, factor=0.5, total_iters=4), 10, (0, 1, 2, 3, 4)),
    "LinearLR": (lambda M, o: M.LinearLR(o, start_factor=0.25, total_iters=5), 10, (0, 1, 3, 5)),
    "ExponentialLR": (lambda M, o: M.ExponentialLR(o, gamma=0.9), 12, (0, 1, 6)),
    "PolynomialLR": (lambda M, o: M.PolynomialLR(o, total_iters=6, power=2.0), 10, (0, 1, 3, 6)),
    "CyclicLR": (lambda M, o: M.CyclicLR(o, 0.01, 0.1, step_size_up=3), 14, (0, 1, 3, 5, 6)),
    "OneCycleLR": (lambda M, o: M.OneCycleLR(o, 0.1, total_steps=20), 19, (0, 1, 5, 12)),
    "CosineAnnealingLR": (
        lambda M, o: M.CosineAnnealingLR(o, T_max=8, eta_min=0.001),
        20,
        (0, 1, 4, 8, 9),
    ),
    "CosineAnnealingWarmRestarts": (
        lambda M, o: M.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2),
        20,
        (0, 1, 3, 7, 9),
    ),
    "ReduceLROnPlateau": (
        lambda M, o: M.ReduceLROnPlateau(o, patience=1, factor=0.5, cooldown=1),
        16,
        (0, 1, 5, 6, 10),
    ),
    "ChainedScheduler": (
        lambda M, o: M.ChainedScheduler(
            [M.ConstantLR(o, factor=0.5, total_iters=3), M.ExponentialLR(o, gamma=0.9)]
        ),
        10,
        (0, 1, 3, 5),
    ),
    "SequentialLR": (
        lambda M, o: M.SequentialLR(
            o,
            [M.LinearLR(o, start_factor=0.25, total_iters=4), M.CosineAnnealingLR(o, T_max=8)],
            [4],
        ),
        14,
        (0, 1, 4, 7),
    ),
}
assert set(RESUME_CONFIGS) == set(CLASSES)
ORDERS = ("a", "b", "c")


def resume_step(sched: Any, t: int) -> None:
    if type(sched).__name__ == "ReduceLROnPlateau":
        sched.step(resume_metric(t))
    else:
        sched.step()


def lr_row(opt: Any) -> tuple[list[float], list[float | None]]:
    return (
        [float(as_number(g["lr"])) for g in opt.param_groups],
        [momentum_of(g) for g in opt.param_groups],
    )


@functools.cache
def uninterrupted(cls: str, optim: str, impl: str) -> list[Any]:
    """Rows (lrs, momenta, last lr, last_epoch) for t = 0..N of an uninterrupted run."""
    M = TORCH if impl == "torch" else lrkit_module()
    make, n, _ = RESUME_CONFIGS[cls]
    opt = make_optimizer(RESUME_LRS, optim)
    sched = make(M, opt)
    rows = [
        (
            *lr_row(opt),
            [float(as_number(x)) for x in sched.get_last_lr()],
            getattr(sched, "last_epoch", None),
        )
    ]
    for t in range(n):
        opt.step()
        resume_step(sched, t)
        rows.append(
            (
                *lr_row(opt),
                [float(as_number(x)) for x in sched.get_last_lr()],
                getattr(sched, "last_epoch", None),
            )
        )
    return rows


def checkpoint(M: types.ModuleType, cls: str, optim: str, k: int) -> dict[str, Any]:
    """Run k steps with M, save both states with torch.save, load with weights_only=True."""
    make, _, _ = RESUME_CONFIGS[cls]
    opt = make_optimizer(RESUME_LRS, optim)
    sched = make(M, opt)
    for t in range(k):
        opt.step()
        resume_step(sched, t)
    buffer = io.BytesIO()
    torch.save({"optimizer": opt.state_dict(), "scheduler": sched.state_dict()}, buffer)
    buffer.seek(0)
    loaded: dict[str, Any] = torch.load(buffer, weights_only=True)
    return loaded


def resume(
    M: types.ModuleType, cls: str, optim: str, ckpt: dict[str, Any], order: str
) -> tuple[Any, Any]:
    make, _, _ = RESUME_CONFIGS[cls]
    opt = make_optimizer(RESUME_LRS, optim)
    if order == "a":
        sched = make(M, opt)
        opt.load_state_dict(ckpt["optimizer"])
        sched.load_state_dict(ckpt["scheduler"])
    elif order == "b":
        opt.load_state_dict(ckpt["optimizer"])
        sched = make(M, opt)
        sched.load_state_dict(ckpt["scheduler"])
    else:
        sched = make(M, opt)
        sched.load_state_dict(ckpt["scheduler"])
    return opt, sched


def continue_and_compare(opt: Any, sched: Any, cls: str, k: int, want: list[Any]) -> list[str]:
    """Differences between the resumed run (from step k) and the uninterrupted rows."""
    _, n, _ = RESUME_CONFIGS[cls]
    bad: list[str] = []

    def check(t: int) -> None:
        lrs, moms = lr_row(opt)
        w_lrs, w_moms, w_last, w_epoch = want[t]
        if not close(lrs, w_lrs):
            bad.append(f"step {t}: lrs {lrs} != {w_lrs}")
        if not close(moms, w_moms):
            bad.append(f"step {t}: momenta {moms} != {w_moms}")
        last = [float(as_number(x)) for x in sched.get_last_lr()]
        if not close(last, w_last):
            bad.append(f"step {t}: get_last_lr() {last} != {w_last}")
        if w_epoch is not None and getattr(sched, "last_epoch", None) != w_epoch:
            bad.append(f"step {t}: last_epoch {getattr(sched, 'last_epoch', None)} != {w_epoch}")

    check(k)  # right after loading, before any step
    for t in range(k, n):
        opt.step()
        resume_step(sched, t)
        check(t + 1)
    return bad
