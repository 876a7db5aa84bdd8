"""lrkit's closed forms against real torch 2.13 schedulers, step by step.

Every configuration below is run once on a real torch optimizer (SGD with momentum or
Adam, 1 to 3 param groups of different lrs): ``optimizer.step()`` then
``scheduler.step()``, recording every group's lr and momentum (SGD ``momentum`` / Adam
``betas[0]``) after each step (see ``torch_trace.py``). For each param group an lrkit
schedule is built with that group's lr, and both its array and its scalar evaluation
must match torch at every step to ``rtol=1e-9, atol=1e-14``; so must ``.momentum`` for
CyclicLR and OneCycleLR.

Long cosine runs (``T_max >= 1e4``) are also checked against the exact value (mpmath),
with torch allowed its known recursive drift. The documented differences from torch are
tested as differences: what torch does and what lrkit does instead.
"""

from __future__ import annotations

import dataclasses
import math
import random
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import mpmath
import numpy as np
import numpy.typing as npt
import pytest
from torch.optim import Optimizer
from torch.optim import lr_scheduler as tls
from torch_trace import Trace, make_optimizer, torch_trace

import lrkit

RTOL = 1e-9
ATOL = 1e-14
EPS = 2.0**-52
CYCLING = ("CyclicLR", "OneCycleLR")

# Param-group lrs the configurations rotate through (1 to 3 groups, different lrs).
GROUP_LRS: tuple[tuple[float, ...], ...] = (
    (0.1,),
    (0.1, 0.01),
    (0.05, 0.2, 0.001),
    (1.0,),
    (0.3, 0.0),
    (0.02, 0.5, 0.07),
)


# -- configurations ------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Part:
    """One scheduler, described once for both torch and lrkit.

    ``kwargs`` go to both (lrkit uses torch's argument names); ``per_group`` values are
    lists with one entry per param group: torch gets the list, the lrkit schedule of
    group ``g`` gets entry ``g``. ``lrkit_kwargs`` / ``lrkit_per_group`` override what
    lrkit gets (an expression string where torch gets the equivalent callable). lrkit
    schedules other than CyclicLR and OneCycleLR get ``lr`` = the group's initial lr.
    """

    name: str
    kwargs: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    per_group: Mapping[str, Sequence[Any]] = dataclasses.field(default_factory=dict)
    lrkit_kwargs: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    lrkit_per_group: Mapping[str, Sequence[Any]] = dataclasses.field(default_factory=dict)
    children: tuple[Part, ...] = ()

    def torch(self, optimizer: Optimizer) -> Any:
        if self.name == "SequentialLR":
            children = [child.torch(optimizer) for child in self.children]
            return tls.SequentialLR(
                optimizer, schedulers=children, milestones=list(self.kwargs["milestones"])
            )
        if self.name == "ChainedScheduler":
            children = [child.torch(optimizer) for child in self.children]
            return tls.ChainedScheduler(children, optimizer=optimizer)
        kwargs = dict(self.kwargs)
        kwargs.update({key: list(values) for key, values in self.per_group.items()})
        return getattr(tls, self.name)(optimizer, **kwargs)

    def lrkit(self, g: int, lr: float) -> lrkit.Schedule:
        if self.name == "SequentialLR":
            return lrkit.SequentialLR(
                [child.lrkit(g, lr) for child in self.children],
                milestones=list(self.kwargs["milestones"]),
            )
        if self.name == "ChainedScheduler":
            return lrkit.ChainedScheduler([child.lrkit(g, lr) for child in self.children])
        kwargs = dict(self.kwargs)
        kwargs.update({key: values[g] for key, values in self.per_group.items()})
        kwargs.update(self.lrkit_kwargs)
        kwargs.update({key: values[g] for key, values in self.lrkit_per_group.items()})
        if self.name not in CYCLING:
            kwargs["lr"] = lr
        schedule: lrkit.Schedule = getattr(lrkit, self.name)(**kwargs)
        return schedule

    def label(self) -> str:
        if self.children:
            inner = ",".join(child.label() for child in self.children)
            extra = f"@{_show(self.kwargs['milestones'])}" if "milestones" in self.kwargs else ""
            return f"{self.name}[{inner}]{extra}"
        shown = {**self.kwargs, **self.lrkit_kwargs}
        args = ",".join(f"{k}={_show(v)}" for k, v in shown.items())
        if self.lrkit_kwargs:
            args += ",lrkit-expr"
        return f"{self.name}({args})"


@dataclasses.dataclass(frozen=True)
class Config:
    """A scheduler run on a torch optimizer with param groups of ``lrs`` for ``steps`` steps."""

    index: int
    part: Part
    lrs: tuple[float, ...]
    steps: int
    optimizer: str = "sgd"
    compare_steps: int | None = None  # compare steps 0..compare_steps (default: all)

    @property
    def id(self) -> str:
        return f"{self.index:03d}-{self.optimizer}-{len(self.lrs)}g-{self.part.label()}"

    @property
    def last_compared(self) -> int:
        return self.steps if self.compare_steps is None else self.compare_steps

    @property
    def cycles_momentum(self) -> bool:
        return self.part.name in CYCLING and bool(self.part.kwargs.get("cycle_momentum", True))


def _show(value: Any) -> str:
    if callable(value):
        return str(getattr(value, "__name__", "fn"))
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_show(v) for v in value) + "]"
    return str(value)


def named(label: str, fn: Callable[[Any], float]) -> Callable[[Any], float]:
    """Give a lambda a readable name (used in test ids)."""
    fn.__name__ = label
    fn.__qualname__ = label
    return fn


# lr_lambda callables for LambdaLR (factor of the initial lr) and, where it reads the
# same, the expression string lrkit gets in the "-expr" variants.
LAMBDA_FNS: tuple[tuple[str, Callable[[Any], float]], ...] = (
    ("0.95 ** epoch", named("pow095", lambda e: 0.95**e)),
    ("min(1, (epoch + 1) / 10)", named("warmup10", lambda e: min(1, (e + 1) / 10))),
    ("1 / (1 + 0.1 * epoch)", named("inverse", lambda e: 1 / (1 + 0.1 * e))),
    ("0.0", named("zero", lambda e: 0.0)),
    ("1.0", named("one", lambda e: 1.0)),
    ("2.0 if epoch % 2 == 1 else 0.5", named("alternate", lambda e: 2.0 if e % 2 == 1 else 0.5)),
    (
        "math.cos(math.pi * epoch / 40) ** 2",
        named("cos2", lambda e: math.cos(math.pi * e / 40) ** 2),
    ),
)

# lr_lambda callables for MultiplicativeLR (per-step multipliers).
MULT_FNS: tuple[tuple[str, Callable[[Any], float]], ...] = (
    ("0.95", named("m095", lambda e: 0.95)),
    ("0.0", named("m0", lambda e: 0.0)),
    ("1.0", named("m1", lambda e: 1.0)),
    ("1.05", named("m105", lambda e: 1.05)),
    ("0.5 if epoch % 5 == 0 else 1.0", named("every5", lambda e: 0.5 if e % 5 == 0 else 1.0)),
    ("1 - 0.01 * (epoch % 3)", named("mod3", lambda e: 1 - 0.01 * (e % 3))),
)


class _Builder:
    """Numbers the configurations and rotates param groups and optimizers through them."""

    def __init__(self) -> None:
        self.configs: list[Config] = []

    def add(
        self,
        part: Part,
        steps: int,
        *,
        optimizer: str | None = None,
        lrs: tuple[float, ...] | None = None,
        compare_steps: int | None = None,
    ) -> Config:
        index = len(self.configs)
        if lrs is None:
            lrs = GROUP_LRS[index % len(GROUP_LRS)]
        if optimizer is None:
            optimizer = "adam" if index % 3 == 2 else "sgd"
        config = Config(index, part, lrs, steps, optimizer, compare_steps)
        self.configs.append(config)
        return config

    def next_lrs(self) -> tuple[float, ...]:
        return GROUP_LRS[len(self.configs) % len(GROUP_LRS)]


def _build_configs() -> list[Config]:
    b = _Builder()
    rng = random.Random(20240613)

    # LambdaLR: the same callable for both, and an equivalent expression string for lrkit.
    for text, fn in LAMBDA_FNS:
        b.add(Part("LambdaLR", {"lr_lambda": fn}), 60)
        b.add(Part("LambdaLR", {"lr_lambda": fn}, lrkit_kwargs={"lr_lambda": text}), 60)
    # One lambda per param group (torch takes a list).
    picks = (LAMBDA_FNS[0], LAMBDA_FNS[1], LAMBDA_FNS[6])
    b.add(
        Part("LambdaLR", per_group={"lr_lambda": [fn for _, fn in picks]}),
        60,
        lrs=(0.1, 0.2, 0.05),
    )
    b.add(
        Part(
            "LambdaLR",
            per_group={"lr_lambda": [fn for _, fn in picks]},
            lrkit_per_group={"lr_lambda": [text for text, _ in picks]},
        ),
        60,
        lrs=(0.1, 0.2, 0.05),
    )

    # MultiplicativeLR: factor 0, 1, > 1, step-dependent; callable and expression.
    for text, fn in MULT_FNS:
        b.add(Part("MultiplicativeLR", {"lr_lambda": fn}), 60)
        b.add(Part("MultiplicativeLR", {"lr_lambda": fn}, lrkit_kwargs={"lr_lambda": text}), 60)

    # StepLR: step_size 1, gamma 0, 1, > 1.
    for step_size, gamma in [
        (1, 0.5),
        (1, 0.0),
        (2, 0.1),
        (3, 1.0),
        (7, 1.5),
        (5, 2.0),
        (1, 0.99),
        (4, 0.3),
    ]:
        b.add(Part("StepLR", {"step_size": step_size, "gamma": gamma}), max(30, 5 * step_size))
    # A whole-number float count is accepted by lrkit (torch takes the int).
    b.add(Part("StepLR", {"step_size": 3, "gamma": 0.5}, lrkit_kwargs={"step_size": 3.0}), 30)

    # MultiStepLR: empty, 0, duplicated, unsorted milestones; gamma 0, 1, > 1.
    for milestones, gamma in [
        ([], 0.1),
        ([0], 0.5),
        ([3, 3], 0.1),
        ([7, 2, 5], 0.5),
        ([0, 0, 4], 0.3),
        ([1, 2, 3, 4], 2.0),
        ([10], 0.0),
        ([5, 5, 5], 1.0),
        ([2, 9], 0.0),
        ([0], 0.0),
    ]:
        b.add(Part("MultiStepLR", {"milestones": milestones, "gamma": gamma}), 25)

    # ConstantLR: factor 1, total_iters 1 (factor 0 is a documented difference, below).
    for factor, total_iters in [
        (0.25, 1),
        (1 / 3, 5),
        (0.5, 2),
        (1.0, 3),
        (0.1, 1),
        (0.9, 7),
        (1 / 3, 1),
    ]:
        b.add(
            Part("ConstantLR", {"factor": factor, "total_iters": total_iters}), 2 * total_iters + 6
        )

    # LinearLR: warm-ups, decays to 0, flat, total_iters 1.
    for start, end, total_iters in [
        (1 / 3, 1.0, 5),
        (0.1, 1.0, 1),
        (1.0, 0.0, 4),
        (0.5, 0.5, 3),
        (1e-3, 1.0, 10),
        (1.0, 1 / 3, 6),
        (0.25, 0.75, 1),
        (0.9, 0.0, 1),
        (1 / 3, 1.0, 20),
    ]:
        b.add(
            Part(
                "LinearLR", {"start_factor": start, "end_factor": end, "total_iters": total_iters}
            ),
            2 * total_iters + 6,
        )

    # ExponentialLR: gamma 0, 1, > 1.
    for gamma in (0.0, 0.5, 0.9, 0.99, 1.0, 1.01, 1.5):
        b.add(Part("ExponentialLR", {"gamma": gamma}), 50)

    # PolynomialLR: total_iters 1, power 0, fractional powers.
    for total_iters, power in [
        (1, 1.0),
        (1, 0.0),
        (2, 2.0),
        (5, 1.0),
        (5, 0.5),
        (10, 3.7),
        (4, 0.0),
        (3, 1.0),
    ]:
        b.add(Part("PolynomialLR", {"total_iters": total_iters, "power": power}), total_iters + 6)

    # CyclicLR: every mode, step sizes 1.., asymmetric, inverted, custom scale_fn in both
    # scale modes (callable and expression), momentum on SGD and Adam, or off.
    def cyclic(
        kwargs: dict[str, Any],
        *,
        inverted: bool = False,
        optimizer: str | None = None,
        lrkit_kwargs: Mapping[str, Any] | None = None,
        momenta: bool = False,
    ) -> None:
        lrs = b.next_lrs()
        base = [lr for lr in lrs]
        peak = [lr / 4 for lr in lrs] if inverted else [8 * lr + 0.01 for lr in lrs]
        per_group: dict[str, Sequence[Any]] = {"base_lr": base, "max_lr": peak}
        if momenta:
            per_group["base_momentum"] = [0.8 - 0.1 * g for g in range(len(lrs))]
            per_group["max_momentum"] = [0.9 + 0.02 * g for g in range(len(lrs))]
        up = int(kwargs.get("step_size_up", 2000))
        down = int(kwargs.get("step_size_down") or up)
        b.add(
            Part("CyclicLR", kwargs, per_group=per_group, lrkit_kwargs=dict(lrkit_kwargs or {})),
            max(20, 3 * (up + down) + 2),
            optimizer=optimizer,
            lrs=lrs,
        )

    for up, down in [(1, None), (2, 3), (4, None), (5, 1), (1, 6)]:
        cyclic({"step_size_up": up, "step_size_down": down, "mode": "triangular"})
    for up, down in [(2, None), (3, 5), (1, None)]:
        cyclic(
            {"step_size_up": up, "step_size_down": down, "mode": "triangular2"}, optimizer="adam"
        )
    for gamma, up, down in [
        (0.9, 2, None),
        (0.99, 4, 2),
        (1.0, 3, None),
        (0.0, 2, None),
        (1.02, 2, 3),
    ]:
        cyclic({"step_size_up": up, "step_size_down": down, "mode": "exp_range", "gamma": gamma})
    cyclic({"step_size_up": 3, "mode": "triangular"}, inverted=True)
    cyclic(
        {"step_size_up": 2, "step_size_down": 4, "mode": "exp_range", "gamma": 0.95},
        inverted=True,
        optimizer="adam",
    )
    cyclic({"step_size_up": 3, "mode": "triangular2"}, inverted=True, momenta=True)
    inv_cycle = named("inv_cycle", lambda x: 1.0 / x)
    decay_it = named("decay_it", lambda x: 0.97**x)
    grow_cycle = named("grow_cycle", lambda x: 1 + 0.5 * x)
    cyclic({"step_size_up": 3, "scale_fn": inv_cycle})
    cyclic({"step_size_up": 3, "scale_fn": inv_cycle, "scale_mode": "cycle"}, optimizer="adam")
    cyclic({"step_size_up": 3, "scale_fn": inv_cycle}, lrkit_kwargs={"scale_fn": "1.0 / x"})
    cyclic(
        {"step_size_up": 2, "step_size_down": 3, "scale_fn": decay_it, "scale_mode": "iterations"}
    )
    cyclic(
        {"step_size_up": 2, "step_size_down": 3, "scale_fn": decay_it, "scale_mode": "iterations"},
        lrkit_kwargs={"scale_fn": "0.97 ** x"},
        optimizer="adam",
    )
    cyclic({"step_size_up": 2, "scale_fn": grow_cycle, "scale_mode": "cycle", "mode": "exp_range"})
    cyclic({"step_size_up": 4, "cycle_momentum": False})
    cyclic({"step_size_up": 4, "cycle_momentum": False}, optimizer="adam")
    cyclic({"step_size_up": 3, "base_momentum": 0.0, "max_momentum": 1.0}, optimizer="sgd")
    cyclic(
        {"step_size_up": 2, "step_size_down": 5, "mode": "triangular2"},
        momenta=True,
        optimizer="adam",
    )
    for _ in range(4):  # a few random ones
        up = rng.randint(1, 9)
        down = rng.choice([None, rng.randint(1, 9)])
        mode = rng.choice(["triangular", "triangular2", "exp_range"])
        cyclic(
            {
                "step_size_up": up,
                "step_size_down": down,
                "mode": mode,
                "gamma": round(rng.uniform(0.8, 1.0), 3),
            },
            inverted=rng.random() < 0.3,
        )

    # OneCycleLR: cos/linear, two and three phases, pct_start 0.., total_steps or
    # epochs x steps_per_epoch, div factors, momentum. Compared up to total_steps - 1;
    # step total_steps is a documented difference (below).
    def onecycle(
        kwargs: dict[str, Any], *, optimizer: str | None = None, momenta: bool = False
    ) -> None:
        lrs = b.next_lrs()
        per_group: dict[str, Sequence[Any]] = {"max_lr": [lr for lr in lrs]}
        if momenta:
            per_group["base_momentum"] = [0.85 - 0.05 * g for g in range(len(lrs))]
            per_group["max_momentum"] = [0.95 + 0.02 * g for g in range(len(lrs))]
        total = kwargs.get("total_steps") or kwargs["epochs"] * kwargs["steps_per_epoch"]
        b.add(
            Part("OneCycleLR", kwargs, per_group=per_group),
            total,
            optimizer=optimizer,
            lrs=lrs,
            compare_steps=total - 1,
        )

    for strategy in ("cos", "linear"):
        onecycle({"total_steps": 100, "anneal_strategy": strategy})
        onecycle({"total_steps": 10, "pct_start": 0.0, "anneal_strategy": strategy})
        onecycle(
            {"total_steps": 37, "pct_start": 0.3, "anneal_strategy": strategy}, optimizer="adam"
        )
        onecycle({"total_steps": 100, "three_phase": True, "anneal_strategy": strategy})
        onecycle(
            {
                "total_steps": 20,
                "pct_start": 0.25,
                "three_phase": True,
                "anneal_strategy": strategy,
            },
            optimizer="adam",
        )
        onecycle({"epochs": 4, "steps_per_epoch": 7, "anneal_strategy": strategy})
        onecycle({"total_steps": 2, "anneal_strategy": strategy})
    onecycle({"total_steps": 25, "pct_start": 0.25, "div_factor": 1.0, "final_div_factor": 1.0})
    onecycle(
        {"total_steps": 30, "div_factor": 1e4, "final_div_factor": 1e4, "anneal_strategy": "linear"}
    )
    onecycle({"total_steps": 40, "pct_start": 0.9})
    onecycle({"total_steps": 1, "pct_start": 0.0})
    onecycle({"total_steps": 11, "pct_start": 0.5, "three_phase": True}, optimizer="adam")
    onecycle({"total_steps": 50, "cycle_momentum": False})
    onecycle({"total_steps": 50, "base_momentum": 0.95, "max_momentum": 0.85}, optimizer="adam")
    onecycle({"total_steps": 60, "pct_start": 0.4, "three_phase": True}, momenta=True)
    onecycle(
        {"epochs": 3, "steps_per_epoch": 9, "pct_start": 0.2, "anneal_strategy": "linear"},
        momenta=True,
        optimizer="adam",
    )

    # CosineAnnealingLR: T_max 1, non-integer T_max, eta_min 0 / > 0 / above lr, and
    # past T_max (the cosine climbs back).
    for t_max, eta_min in [
        (1, 0.0),
        (2, 0.0),
        (3, 0.001),
        (10, 0.0),
        (50, 0.01),
        (2.5, 0.0),
        (7.3, 0.001),
        (0.75, 0.0),
        (1000, 0.0),
        (10, 0.5),
        (1, 0.2),
        (13.25, 0.0),
    ]:
        b.add(
            Part("CosineAnnealingLR", {"T_max": t_max, "eta_min": eta_min}),
            math.ceil(3 * t_max) + 3,
        )

    # CosineAnnealingWarmRestarts: T_mult 1..3, eta_min.
    for t0, t_mult, eta_min in [
        (1, 1, 0.0),
        (1, 2, 0.0),
        (1, 3, 0.0),
        (2, 1, 0.0),
        (2, 2, 0.0),
        (3, 3, 0.0),
        (5, 2, 0.001),
        (10, 1, 0.01),
        (4, 3, 0.05),
    ]:
        b.add(
            Part("CosineAnnealingWarmRestarts", {"T_0": t0, "T_mult": t_mult, "eta_min": eta_min}),
            t0 * (1 + t_mult + t_mult**2) + 3,
        )

    # SequentialLR: 2 to 4 children, milestone 0.
    def seq(children: list[Part], milestones: list[int], steps: int) -> None:
        b.add(Part("SequentialLR", {"milestones": milestones}, children=tuple(children)), steps)

    P = Part
    seq(
        [P("ConstantLR", {"factor": 0.1, "total_iters": 3}), P("ExponentialLR", {"gamma": 0.9})],
        [3],
        20,
    )
    seq(
        [
            P("LinearLR", {"start_factor": 0.1, "total_iters": 5}),
            P("CosineAnnealingLR", {"T_max": 20, "eta_min": 1e-3}),
        ],
        [5],
        50,
    )
    seq(
        [
            P("LinearLR", {"start_factor": 1 / 3, "total_iters": 4}),
            P("StepLR", {"step_size": 3, "gamma": 0.5}),
            P("ExponentialLR", {"gamma": 0.95}),
        ],
        [4, 13],
        30,
    )
    seq(
        [P("ConstantLR", {"factor": 0.5, "total_iters": 5}), P("CosineAnnealingLR", {"T_max": 10})],
        [0],
        30,
    )
    seq(
        [
            P("LinearLR", {"start_factor": 0.25, "total_iters": 3}),
            P("ConstantLR", {"factor": 0.5, "total_iters": 2}),
            P("MultiStepLR", {"milestones": [1, 3, 3], "gamma": 0.5}),
            P("PolynomialLR", {"total_iters": 6, "power": 2.0}),
        ],
        [3, 7, 12],
        25,
    )
    seq(
        [
            P("ExponentialLR", {"gamma": 0.8}),
            P("LambdaLR", {"lr_lambda": LAMBDA_FNS[0][1]}),
            P("CosineAnnealingWarmRestarts", {"T_0": 3, "T_mult": 2}),
        ],
        [5, 10],
        40,
    )
    seq(
        [
            P("StepLR", {"step_size": 2, "gamma": 0.5}),
            P("LinearLR", {"start_factor": 0.5, "total_iters": 4}),
            P("ExponentialLR", {"gamma": 0.9}),
        ],
        [0, 6],
        20,
    )
    seq(
        [
            P("MultiplicativeLR", {"lr_lambda": MULT_FNS[0][1]}),
            P("StepLR", {"step_size": 4, "gamma": 0.5}),
        ],
        [6],
        20,
    )
    seq([P("PolynomialLR", {"total_iters": 5}), P("CosineAnnealingLR", {"T_max": 4})], [1], 20)
    seq(
        [
            P("CosineAnnealingWarmRestarts", {"T_0": 2}),
            P("LinearLR", {"start_factor": 1.0, "end_factor": 0.0, "total_iters": 5}),
            P(
                "LambdaLR",
                {"lr_lambda": LAMBDA_FNS[1][1]},
                lrkit_kwargs={"lr_lambda": LAMBDA_FNS[1][0]},
            ),
            P("ExponentialLR", {"gamma": 0.7}),
        ],
        [3, 9, 15],
        25,
    )
    seq(
        [
            P("CosineAnnealingLR", {"T_max": 3, "eta_min": 0.001}),
            P("CosineAnnealingLR", {"T_max": 5}),
        ],
        [8],
        30,
    )

    # ChainedScheduler of multiplicative children (one lr per group, shared by children).
    def chain(children: list[Part], steps: int, compare_steps: int | None = None) -> None:
        b.add(
            Part("ChainedScheduler", children=tuple(children)), steps, compare_steps=compare_steps
        )

    chain(
        [P("ConstantLR", {"factor": 0.1, "total_iters": 20}), P("ExponentialLR", {"gamma": 0.9})],
        30,
    )
    chain(
        [
            P("LinearLR", {"start_factor": 1 / 3, "total_iters": 5}),
            P("StepLR", {"step_size": 3, "gamma": 0.5}),
        ],
        20,
    )
    chain(
        [
            P("MultiStepLR", {"milestones": [2, 2, 7], "gamma": 0.5}),
            P("PolynomialLR", {"total_iters": 10, "power": 2.0}),
            P("ExponentialLR", {"gamma": 0.97}),
        ],
        15,
    )
    # A chained cosine matches past its trough when the other factors are back to 1.
    chain(
        [
            P("LinearLR", {"start_factor": 0.2, "total_iters": 4}),
            P("CosineAnnealingLR", {"T_max": 30}),
        ],
        75,
    )
    chain(
        [
            P("MultiplicativeLR", {"lr_lambda": MULT_FNS[0][1]}),
            P("StepLR", {"step_size": 4, "gamma": 0.5}),
        ],
        20,
    )
    chain(
        [
            P("ConstantLR", {"factor": 0.5, "total_iters": 3}),
            P("LinearLR", {"start_factor": 0.5, "total_iters": 6}),
            P("ExponentialLR", {"gamma": 1.0}),
            P("MultiStepLR", {"milestones": [0, 5], "gamma": 0.5}),
        ],
        15,
    )
    chain(
        [
            P("StepLR", {"step_size": 1, "gamma": 0.9}),
            P("PolynomialLR", {"total_iters": 5, "power": 0.5}),
        ],
        10,
    )
    chain([P("CosineAnnealingLR", {"T_max": 7}), P("ExponentialLR", {"gamma": 0.95})], 7)
    chain(
        [
            P("StepLR", {"step_size": 2, "gamma": 0.0}),
            P("LinearLR", {"start_factor": 0.5, "total_iters": 3}),
        ],
        10,
    )
    return b.configs


CONFIGS = _build_configs()
FAMILIES = (
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
    "SequentialLR",
    "ChainedScheduler",
)

_TRACES: dict[str, Trace] = {}


def trace_of(config: Config) -> Trace:
    """torch's trace for a configuration, computed once per test session."""
    if config.id not in _TRACES:
        _TRACES[config.id] = torch_trace(
            config.optimizer, config.lrs, config.part.torch, config.steps
        )
    return _TRACES[config.id]


# -- comparison -------------------------------------------------------------------


def close(actual: npt.ArrayLike, expected: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    a = np.asarray(actual, dtype=np.float64)
    e = np.asarray(expected, dtype=np.float64)
    return np.asarray(np.abs(a - e) <= ATOL + RTOL * np.abs(e))


def assert_matches(actual: npt.ArrayLike, expected: npt.ArrayLike, what: str) -> None:
    """``actual`` (lrkit) equals ``expected`` (torch) at every step, to rtol/atol."""
    a = np.asarray(actual, dtype=np.float64)
    e = np.asarray(expected, dtype=np.float64)
    assert a.shape == e.shape, f"{what}: shape {a.shape} != {e.shape}"
    ok = close(a, e)
    if not ok.all():
        bad = np.flatnonzero(~ok)
        shown = "; ".join(f"step {t}: lrkit={a[t]!r} torch={e[t]!r}" for t in bad[:6])
        raise AssertionError(f"{what}: {bad.size} of {a.size} steps differ from torch: {shown}")


# -- the oracle ----------------------------------------------------------------------


def test_configurations_cover_every_family() -> None:
    assert len(CONFIGS) >= 100
    counts = {family: sum(c.part.name == family for c in CONFIGS) for family in FAMILIES}
    assert all(n >= 5 for n in counts.values()), counts
    assert {len(c.lrs) for c in CONFIGS} == {1, 2, 3}
    assert {c.optimizer for c in CONFIGS} == {"sgd", "adam"}
    assert len({c.id for c in CONFIGS}) == len(CONFIGS)


@pytest.mark.parametrize("config", CONFIGS, ids=[c.id for c in CONFIGS])
def test_lr_matches_torch(config: Config) -> None:
    trace = trace_of(config)
    assert trace.error is None
    n = config.last_compared
    steps = np.arange(n + 1)
    for g, lr in enumerate(config.lrs):
        schedule = config.part.lrkit(g, lr)
        expected = trace.lr[: n + 1, g]
        assert_matches(schedule(steps), expected, f"group {g} (lr={lr}) array")
        assert_matches([schedule(int(t)) for t in steps], expected, f"group {g} (lr={lr}) scalar")


MOMENTUM_CONFIGS = [c for c in CONFIGS if c.part.name in CYCLING]


@pytest.mark.parametrize("config", MOMENTUM_CONFIGS, ids=[c.id for c in MOMENTUM_CONFIGS])
def test_momentum_matches_torch(config: Config) -> None:
    trace = trace_of(config)
    n = config.last_compared
    steps = np.arange(n + 1)
    for g, lr in enumerate(config.lrs):
        schedule = config.part.lrkit(g, lr)
        momentum = schedule.momentum
        if not config.cycles_momentum:
            assert momentum is None
            # torch leaves the optimizer's own momentum alone.
            assert np.all(trace.momentum[:, g] == trace.momentum[0, g])
            continue
        assert momentum is not None
        expected = trace.momentum[: n + 1, g]
        assert_matches(momentum(steps), expected, f"group {g} momentum array")
        assert_matches([momentum(int(t)) for t in steps], expected, f"group {g} momentum scalar")


# -- long cosine runs: exact maths as the reference -----------------------------------

LONG_COSINES = [
    # (T_max, eta_min, steps, group lrs)
    (1e4, 0.0, 30_002, (0.1, 0.01)),
    (1e4, 1e-3, 30_002, (0.1,)),
    (12_345.5, 1e-4, 40_000, (0.1, 0.03, 0.5)),
    (1e5, 0.0, 120_002, (0.1,)),
    (1e5, 1e-3, 200_002, (0.05, 0.1)),
]


def exact_cosine(lr: float, t_max: float, eta_min: float, t: int) -> mpmath.mpf:
    lr_, eta, big_t = mpmath.mpf(lr), mpmath.mpf(eta_min), mpmath.mpf(t_max)
    return eta + (lr_ - eta) * (1 + mpmath.cos(mpmath.pi * t / big_t)) / 2


def torch_drift(t: int, lr: float, t_max: float, eta_min: float) -> float:
    """A bound on torch's CosineAnnealingLR error after ``t`` recursive steps.

    Each step's rounding error (about one ulp of the rate) is carried on: ``~ eps * lr * t``.
    With ``eta_min > 0`` the recursion also rescales ``lr_t - eta_min``, which near a
    trough is tiny next to the rounding error of ``lr_t`` itself (``~ eps * eta_min``);
    climbing out multiplies it by up to ``(lr - eta_min) / (lr_trough_next - eta_min)``,
    about ``(2 T_max / pi)^2``, once per trough passed.
    """
    scale = max(lr, eta_min)
    troughs = math.floor((t + t_max) / (2 * t_max))
    amplified = EPS * eta_min * (2 * t_max / math.pi) ** 2 * 2 * troughs
    return 4 * EPS * scale * max(t, 1) + amplified + 1e-15 * scale


@pytest.mark.parametrize(
    ("t_max", "eta_min", "steps", "lrs"),
    LONG_COSINES,
    ids=[f"T_max={c[0]:g},eta_min={c[1]:g}" for c in LONG_COSINES],
)
def test_long_cosine_against_exact(
    t_max: float, eta_min: float, steps: int, lrs: tuple[float, ...]
) -> None:
    """Where torch's recursion drifts, lrkit follows the exact value and torch stays within its drift."""
    t_max_arg: float | int = int(t_max) if float(t_max).is_integer() else t_max
    trace = torch_trace(
        "sgd",
        lrs,
        lambda opt: tls.CosineAnnealingLR(opt, T_max=t_max_arg, eta_min=eta_min),
        steps,
        optimizer_every=1000,
    )
    rng = np.random.default_rng(7)
    with mpmath.workdps(40):
        for g, lr in enumerate(lrs):
            check_long_cosine(lr, t_max_arg, eta_min, steps, trace.lr[:, g], rng)


def check_long_cosine(
    lr: float,
    t_max_arg: float,
    eta_min: float,
    steps: int,
    torch_lr: npt.NDArray[np.float64],
    rng: np.random.Generator,
) -> None:
    t_max = float(t_max_arg)
    all_steps = np.arange(steps + 1)
    schedule = lrkit.CosineAnnealingLR(lr=lr, T_max=t_max_arg, eta_min=eta_min)
    array = schedule(all_steps)
    scalar = np.array([schedule(int(t)) for t in all_steps])
    assert np.all(np.abs(scalar - array) <= 4e-16 * np.abs(array))
    drifted = np.flatnonzero(~close(array, torch_lr))
    # The exact value decides at the steps where lrkit and torch disagree most (and
    # a random few more of them), at the troughs and peaks, and at random steps.
    worst = drifted[np.argsort(np.abs(array - torch_lr)[drifted])[-100:]]
    some = (
        rng.choice(drifted, size=min(100, drifted.size), replace=False) if drifted.size else drifted
    )
    troughs = [k * t_max for k in range(1, int(steps / t_max) + 1, 2)]
    near = {math.floor(x) + d for x in troughs for d in (-2, -1, 0, 1, 2)}
    near |= {int(2 * k * t_max) for k in range(1, int(steps / (2 * t_max)) + 1)}
    sample = sorted(
        {int(t) for t in (*worst, *some)}
        | {t for t in near if 0 <= t <= steps}
        | {int(t) for t in rng.integers(0, steps + 1, 200)}
        | set(range(20))
        | {steps}
    )
    scale = max(lr, eta_min)
    for t in sample:
        exact = exact_cosine(lr, t_max, eta_min, t)
        error = abs(mpmath.mpf(float(array[t])) - exact)
        assert error <= 1e-15 * scale, (t, array[t], exact)
        if exact != 0:
            assert error <= 1e-13 * abs(exact), (t, array[t], exact)
        torch_error = abs(mpmath.mpf(float(torch_lr[t])) - exact)
        assert float(torch_error) <= torch_drift(t, lr, t_max, eta_min), (t, torch_lr[t], exact)
        if not close(array[t], torch_lr[t]):
            # Where torch is outside rtol/atol of lrkit, it is torch that is off.
            assert error < torch_error, (t, array[t], torch_lr[t], exact)


# -- documented differences, tested as differences ----------------------------------

ONECYCLE_CONFIGS = [c for c in CONFIGS if c.part.name == "OneCycleLR"]


def onecycle_extrapolated(
    kwargs: Mapping[str, Any], max_lr: float, momentum: tuple[float, float] | None
) -> tuple[float, float | None]:
    """torch's formula for the last phase, evaluated at step total_steps (pct > 1)."""
    total = kwargs.get("total_steps") or kwargs["epochs"] * kwargs["steps_per_epoch"]
    pct_start = kwargs.get("pct_start", 0.3)
    three = kwargs.get("three_phase", False)
    init = mpmath.mpf(max_lr) / mpmath.mpf(kwargs.get("div_factor", 25.0))
    low = init / mpmath.mpf(kwargs.get("final_div_factor", 1e4))
    if three:
        begin = mpmath.mpf(float(2 * pct_start * total)) - 2
        start_lr = init
    else:
        begin = mpmath.mpf(float(pct_start * total)) - 1
        start_lr = mpmath.mpf(max_lr)
    q = (total - begin) / (total - 1 - begin)

    def anneal(a: Any, b: Any) -> Any:
        if kwargs.get("anneal_strategy", "cos") == "cos":
            return b + (a - b) * (1 + mpmath.cos(mpmath.pi * q)) / 2
        return a + (b - a) * q

    lr_value = float(anneal(start_lr, low))
    if momentum is None:
        return lr_value, None
    base, peak = (mpmath.mpf(m) for m in momentum)
    m_value = float(anneal(peak, peak) if three else anneal(base, peak))
    return lr_value, m_value


@pytest.mark.parametrize("config", ONECYCLE_CONFIGS, ids=[c.id for c in ONECYCLE_CONFIGS])
def test_onecycle_at_total_steps_differs(config: Config) -> None:
    """At step == total_steps lrkit holds min_lr; torch extrapolates the last phase."""
    trace = trace_of(config)
    kwargs = config.part.kwargs
    total = config.steps
    assert trace.steps == total
    for g, lr in enumerate(config.lrs):
        schedule = config.part.lrkit(g, lr)
        assert isinstance(schedule, lrkit.OneCycleLR)
        momenta = None
        if config.cycles_momentum:
            momenta = (
                config.part.per_group.get("base_momentum", [kwargs.get("base_momentum", 0.85)] * 3)[
                    g
                ],
                config.part.per_group.get("max_momentum", [kwargs.get("max_momentum", 0.95)] * 3)[
                    g
                ],
            )
        torch_lr, torch_m = onecycle_extrapolated(
            kwargs, config.part.per_group["max_lr"][g], momenta
        )
        # torch: the last phase's formula with a progress past 1.
        assert close(trace.lr[total, g], torch_lr), (trace.lr[total, g], torch_lr)
        # lrkit: exactly min_lr, scalar and array.
        assert schedule(total) == schedule.min_lr
        assert schedule(np.array([total]))[0] == schedule.min_lr
        assert close(
            schedule.min_lr,
            float(mpmath.mpf(schedule.max_lr) / schedule.div_factor / schedule.final_div_factor),
        )
        if not close(torch_lr, schedule.min_lr):
            assert trace.lr[total, g] != schedule(total)
        if kwargs.get("anneal_strategy") == "linear" and schedule.min_lr < (
            schedule.initial_lr if kwargs.get("three_phase") else schedule.max_lr
        ):
            assert trace.lr[total, g] < schedule.min_lr  # torch undershoots min_lr
        if torch_m is not None:
            momentum = schedule.momentum
            assert momentum is not None
            assert close(trace.momentum[total, g], torch_m)
            end = schedule.max_momentum
            assert momentum(total) == end
        # Both refuse to go past total_steps.
        with pytest.raises(ValueError, match="total_steps"):
            schedule(total + 1)


def test_onecycle_past_total_steps_torch_raises() -> None:
    trace = torch_trace(
        "sgd",
        (0.1,),
        lambda opt: tls.OneCycleLR(opt, max_lr=0.1, total_steps=10),
        12,
        stop_on=(ValueError,),
    )
    assert trace.failed_at == 11 and "total steps" in str(trace.error)
    with pytest.raises(ValueError):
        lrkit.OneCycleLR(max_lr=0.1, total_steps=10)(11)


def test_onecycle_one_step_warmup_rejected_by_both() -> None:
    """pct_start * total_steps == 1 gives a warm-up of length 0: torch divides by zero."""
    with pytest.raises(ZeroDivisionError):
        tls.OneCycleLR(make_optimizer("sgd", (0.1,)), max_lr=0.1, total_steps=10, pct_start=0.1)
    with pytest.raises(ValueError, match="pct_start"):
        lrkit.OneCycleLR(max_lr=0.1, total_steps=10, pct_start=0.1)


@pytest.mark.parametrize("milestone", [1, 5])
def test_sequential_multiplicative_child_differs(milestone: int) -> None:
    """torch's MultiplicativeLR child continues from the previous lr times f(0); lrkit's restarts."""
    factor = named("half_then_095", lambda e: 0.5 if e == 0 else 0.95 - 0.01 * (e % 2))
    lrs = (0.1, 0.02)
    steps = milestone + 15

    def build(opt: Optimizer) -> Any:
        first = tls.ExponentialLR(opt, gamma=0.8)
        second = tls.MultiplicativeLR(opt, lr_lambda=factor)
        return tls.SequentialLR(opt, [first, second], milestones=[milestone])

    trace = torch_trace("sgd", lrs, build, steps)
    for g, lr in enumerate(lrs):
        schedule = lrkit.SequentialLR(
            [
                lrkit.ExponentialLR(lr=lr, gamma=0.8),
                lrkit.MultiplicativeLR(lr=lr, lr_lambda=factor),
            ],
            milestones=[milestone],
        )
        ours = schedule(np.arange(steps + 1))
        theirs = trace.lr[:, g]
        assert_matches(ours[:milestone], theirs[:milestone], "before the milestone")
        running_torch = theirs[milestone - 1] * factor(0)
        running_lrkit = lr
        for t in range(milestone, steps + 1):
            k = t - milestone
            if k > 0:
                running_torch *= factor(k)
                running_lrkit *= factor(k)
            assert close(theirs[t], running_torch), (t, theirs[t], running_torch)
            assert close(ours[t], running_lrkit), (t, ours[t], running_lrkit)
            assert not close(ours[t], theirs[t])


@pytest.mark.parametrize("total_iters", [1, 4])
def test_constantlr_factor_zero_differs(total_iters: int) -> None:
    """torch's ConstantLR(factor=0) divides by zero at total_iters; lrkit returns to lr."""
    lrs = (0.1, 0.3)
    trace = torch_trace(
        "sgd",
        lrs,
        lambda opt: tls.ConstantLR(opt, factor=0.0, total_iters=total_iters),
        total_iters + 5,
        stop_on=(ZeroDivisionError,),
    )
    assert isinstance(trace.error, ZeroDivisionError)
    assert trace.failed_at == total_iters
    for g, lr in enumerate(lrs):
        schedule = lrkit.ConstantLR(lr=lr, factor=0.0, total_iters=total_iters)
        before = np.arange(total_iters)
        assert_matches(schedule(before), trace.lr[:, g], "before total_iters")
        assert np.all(trace.lr[:, g] == 0.0)
        after = np.arange(total_iters, total_iters + 10)
        assert np.all(schedule(after) == lr)
        assert schedule(total_iters) == lr


def test_chained_cosine_past_trough_differs() -> None:
    """Past a chained cosine's trough torch adds base_lr-sized steps, dropping the other factors."""
    t_max, gamma, steps = 10, 0.9, 2 * 10 + 5
    lrs = (0.1, 0.04)

    def build(opt: Optimizer) -> Any:
        return tls.ChainedScheduler(
            [tls.ExponentialLR(opt, gamma=gamma), tls.CosineAnnealingLR(opt, T_max=t_max)],
            optimizer=opt,
        )

    trace = torch_trace("sgd", lrs, build, steps)
    for g, lr in enumerate(lrs):
        chained = lrkit.ChainedScheduler(
            [lrkit.ExponentialLR(lr=lr, gamma=gamma), lrkit.CosineAnnealingLR(lr=lr, T_max=t_max)]
        )
        cosine = lrkit.CosineAnnealingLR(lr=lr, T_max=t_max)
        ours = chained(np.arange(steps + 1))
        theirs = trace.lr[:, g]
        assert_matches(ours[: t_max + 1], theirs[: t_max + 1], "up to the trough")
        for t in range(t_max + 1, steps + 1):
            # torch: restarts the product from the bare cosine just after the trough.
            assert close(theirs[t], cosine(t) * gamma ** (t - t_max - 1)), t
            # lrkit: the product of the factors.
            assert close(ours[t], lr * gamma**t * cosine(t) / lr), t
            assert not close(ours[t], theirs[t])
    with pytest.raises(ValueError, match="schedulers"):
        lrkit.ChainedScheduler([lrkit.CosineAnnealingLR(lr=0.1, T_max=10, eta_min=0.01)])


def test_sequential_repeated_milestone_torch_skips_a_child() -> None:
    """torch accepts milestones [4, 4] and never runs the middle child; lrkit refuses them."""
    lrs = (0.1, 0.5)

    def build(opt: Optimizer) -> Any:
        children = [
            tls.ConstantLR(opt, factor=0.5, total_iters=10),
            tls.ExponentialLR(opt, gamma=0.5),
            tls.LinearLR(opt, start_factor=0.25, total_iters=4),
        ]
        return tls.SequentialLR(opt, children, milestones=[4, 4])

    trace = torch_trace("sgd", lrs, build, 15)
    for g, lr in enumerate(lrs):
        skipped = lrkit.SequentialLR(
            [
                lrkit.ConstantLR(lr=lr, factor=0.5, total_iters=10),
                lrkit.LinearLR(lr=lr, start_factor=0.25, total_iters=4),
            ],
            milestones=[4],
        )
        assert_matches(skipped(np.arange(16)), trace.lr[:, g], "torch without the middle child")
        for milestones in ([4, 4], [6, 3]):
            with pytest.raises(ValueError, match=r"milestones\[1\]"):
                lrkit.SequentialLR(
                    [
                        lrkit.ConstantLR(lr=lr),
                        lrkit.ExponentialLR(lr=lr, gamma=0.5),
                        lrkit.LinearLR(lr=lr),
                    ],
                    milestones=milestones,
                )


@pytest.mark.parametrize(("t0", "t_mult"), [(1, 2), (1, 3), (2, 3), (5, 2)])
def test_warm_restarts_step_epoch_rounds_a_log(t0: int, t_mult: int) -> None:
    """torch's ``step(epoch)`` finds the cycle with a rounded log; lrkit counts exactly.

    At every cycle start up to 3 * 10^4, lrkit is back at lr, as torch's own ``step()``
    (which counts steps one by one) is. torch's ``step(epoch)`` agrees except where
    ``int(log(...))`` rounds down, where it sits at the end of the previous cycle.
    """
    lr, eta_min = 0.1, 0.001
    starts = []
    start, length = 0, t0
    while start + length <= 30_000:
        start += length
        length *= t_mult
        starts.append(start)
    counted = torch_trace(
        "sgd",
        (lr,),
        lambda opt: tls.CosineAnnealingWarmRestarts(opt, T_0=t0, T_mult=t_mult, eta_min=eta_min),
        starts[-1] + 1,
        optimizer_every=100,
    )
    optimizer = make_optimizer("sgd", (lr,))
    scheduler = tls.CosineAnnealingWarmRestarts(optimizer, T_0=t0, T_mult=t_mult, eta_min=eta_min)
    optimizer.step()
    schedule = lrkit.CosineAnnealingWarmRestarts(lr=lr, T_0=t0, T_mult=t_mult, eta_min=eta_min)
    rounded = []
    for epoch in starts:
        assert counted.lr[epoch, 0] == lr
        assert schedule(epoch) == lr
        assert schedule(np.array([epoch]))[0] == lr
        scheduler.step(epoch)
        by_epoch = optimizer.param_groups[0]["lr"]
        if by_epoch != lr:
            # torch took the previous cycle: log's rounding put it at that cycle's end.
            n = int(math.log(epoch / t0 * (t_mult - 1) + 1, t_mult))
            assert t0 * (t_mult**n - 1) // (t_mult - 1) < epoch
            assert close(by_epoch, eta_min)
            rounded.append(epoch)
    if (t0, t_mult) == (1, 3):
        assert rounded, "torch's log rounding no longer shows for T_0=1, T_mult=3"


@pytest.mark.parametrize(("t0", "t_mult"), [(3, 1), (2, 2), (5, 3)])
def test_warm_restarts_fractional_steps_match_torch(t0: int, t_mult: int) -> None:
    """Fractional steps (``scheduler.step(epoch + i / iters)``) match torch's away from the log rounding."""
    lrs = (0.1, 0.02)
    optimizer = make_optimizer("sgd", lrs)
    scheduler = tls.CosineAnnealingWarmRestarts(optimizer, T_0=t0, T_mult=t_mult, eta_min=1e-4)
    iters = 7
    epochs = [e + i / iters for e in range(40) for i in range(iters)]
    values = []
    for epoch in epochs:
        optimizer.step()
        scheduler.step(epoch)
        values.append([group["lr"] for group in optimizer.param_groups])
    theirs = np.array(values)
    for g, lr in enumerate(lrs):
        schedule = lrkit.CosineAnnealingWarmRestarts(lr=lr, T_0=t0, T_mult=t_mult, eta_min=1e-4)
        assert_matches(schedule(np.array(epochs)), theirs[:, g], "fractional steps, array")
        assert_matches([schedule(e) for e in epochs], theirs[:, g], "fractional steps, scalar")


@pytest.mark.parametrize(
    ("total_steps", "pct_start"), [(39, 0.0), (22, 0.75), (12, 0.05), (55, 0.95)]
)
def test_onecycle_three_phase_lopsided_pct_start_torch_runs_lrkit_refuses(
    total_steps: int, pct_start: float
) -> None:
    """three_phase with pct_start * total_steps <= 1 or >= (total_steps + 1) / 2.

    torch accepts these and runs (its phases then have zero or negative length, or the
    last is never reached); lrkit refuses them at construction, naming pct_start.
    """
    trace = torch_trace(
        "sgd",
        (0.1,),
        lambda opt: tls.OneCycleLR(
            opt, max_lr=0.1, total_steps=total_steps, pct_start=pct_start, three_phase=True
        ),
        total_steps - 1,
    )
    assert trace.error is None and np.all(np.isfinite(trace.lr))
    with pytest.raises(ValueError, match="pct_start"):
        lrkit.OneCycleLR(max_lr=0.1, total_steps=total_steps, pct_start=pct_start, three_phase=True)


def test_sequential_with_cyclic_child_momentum() -> None:
    """A CyclicLR child inside SequentialLR: the lrs match; torch cycles momentum, lrkit has none.

    torch's CyclicLR cycles the optimizer's momentum while it is the active child;
    ``lrkit.SequentialLR.momentum`` is None whatever its children (a difference not in
    the documented list).
    """
    lrs = (0.1, 0.02)
    bases, peaks = (0.01, 0.001), (0.1, 0.01)

    def build(opt: Optimizer) -> Any:
        warmup = tls.LinearLR(opt, start_factor=0.5, total_iters=4)
        cyclic = tls.CyclicLR(opt, base_lr=list(bases), max_lr=list(peaks), step_size_up=3)
        return tls.SequentialLR(opt, [warmup, cyclic], milestones=[5])

    trace = torch_trace("sgd", lrs, build, 20)
    for g, lr in enumerate(lrs):
        cyclic = lrkit.CyclicLR(base_lr=bases[g], max_lr=peaks[g], step_size_up=3)
        schedule = lrkit.SequentialLR(
            [lrkit.LinearLR(lr=lr, start_factor=0.5, total_iters=4), cyclic], milestones=[5]
        )
        steps = np.arange(21)
        assert_matches(schedule(steps), trace.lr[:, g], f"group {g}")
        # torch cycles momentum during the CyclicLR stretch, as the child's own would.
        assert cyclic.momentum is not None
        assert_matches(cyclic.momentum(steps[5:] - 5), trace.momentum[5:, g], "child momentum")
        assert np.ptp(trace.momentum[5:, g]) > 0
        assert schedule.momentum is None
