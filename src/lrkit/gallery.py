"""The built-in gallery: every torch scheduler and every schedule lrkit adds, drawn
(``lrkit gallery -o DIR``).

Each :class:`Entry` is one picture: one or more schedules with the arguments of the
examples in torch's documentation of ``torch.optim.lr_scheduler`` (as the tutorial
:data:`TUTORIAL` quotes them) or of that tutorial's own examples (:attr:`Entry.cites`
says which), and everyday ones where neither gives any. An entry for
a torch scheduler shows the torch code it corresponds to; an entry for one of lrkit's own
schedules (the modern decays, piecewise tables, restarts, combinators and presets, which
torch has no class for) shows the lrkit code that builds it.
``ReduceLROnPlateau`` has no closed form; its entry feeds lrkit's plateau rule
(:func:`lrkit.core._plateau.simulate`, the one ``lrkit.torch.ReduceLROnPlateau`` runs) a
synthetic validation loss: a decaying curve with noise from a fixed seed, the same on
every machine.

:func:`build` writes a PNG per entry (``StepLR.png``, ...), an ``index.html`` showing
them with their configs, and optionally a markdown page (docs/gallery.md is one).

matplotlib is imported only when drawing.
"""

from __future__ import annotations

import html
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from lrkit.compose import (
    ChainedScheduler,
    Clamp,
    Cooldown,
    Join,
    Noise,
    Repeat,
    SequentialLR,
    Warmup,
    WarmupCosine,
    WarmupLinear,
    WarmupStableDecay,
)
from lrkit.config import minimal_config, short_form
from lrkit.core import (
    Constant,
    ConstantLR,
    CosineAnnealingLR,
    CosineAnnealingWarmRestarts,
    CosineDecay,
    CosineRestarts,
    CyclicLR,
    ExponentialDecay,
    ExponentialLR,
    Expr,
    InverseSqrt,
    InverseTimeDecay,
    KDecay,
    LambdaLR,
    LinearDecay,
    LinearLR,
    MultiplicativeLR,
    MultiStepLR,
    OneCycleLR,
    PiecewiseConstant,
    PiecewiseLinear,
    PolynomialDecay,
    PolynomialLR,
    Rex,
    Schedule,
    StepLR,
    Tanh,
    check_choice,
    fail,
)
from lrkit.plot import Curve

__all__ = ["ENTRIES", "FAMILIES", "Entry", "build", "by_name", "markdown", "synthetic_loss"]

FloatArray = npt.NDArray[np.float64]

#: The tutorial the gallery started from: a walk through torch.optim.lr_scheduler, in
#: Chinese, quoting the examples of torch's documentation (newer torch docstrings have
#: changed some of their arguments) and adding its own for ExponentialLR and
#: CosineAnnealingLR.
TUTORIAL = '"learning rate 调整方案" (learning-rate adjustment schemes)'

#: The families of lrkit's own schedules: the page of docs/schedules/ describing each, and
#: its title there.
FAMILIES = {
    "decay": "Decays",
    "piecewise": "Piecewise tables",
    "restarts": "Restarts",
    "combinators": "Combinators",
    "presets": "Presets",
}

#: The figure size of gallery pictures, in inches at 100 dpi (900 x 500 pixels).
SIZE = (9.0, 5.0)
DPI = 100.0


def synthetic_loss(epochs: int = 100, seed: int = 1) -> FloatArray:
    """A made-up validation loss: ``0.3 + 1.7 exp(-k / 8)`` plus N(0, 0.015) noise, k = 1..epochs.

    It levels off after some 40 epochs, so plateau reduction has something to notice.
    The noise comes from ``numpy.random.default_rng(seed)``: the same on every machine.
    """
    rng = np.random.default_rng(seed)
    k = np.arange(1, epochs + 1, dtype=np.float64)
    loss: FloatArray = 0.3 + 1.7 * np.exp(-k / 8.0) + rng.normal(0.0, 0.015, k.size)
    return loss


@dataclass(frozen=True)
class Plateau:
    """A ReduceLROnPlateau run on :func:`synthetic_loss`."""

    lr: float = 0.1
    epochs: int = 100
    seed: int = 1
    options: dict[str, Any] = field(default_factory=dict)  # mode, factor, patience, ...

    def config(self) -> dict[str, Any]:
        return {"type": "ReduceLROnPlateau", "lr": self.lr, **self.options}

    def curve(self) -> Curve:
        from lrkit.core import simulate

        metric = synthetic_loss(self.epochs, self.seed)
        lr = simulate(metric, self.lr, **self.options)
        # The metric of epoch k is known after epoch k: it sits at step k, lr[0] has none.
        shown = np.concatenate(([np.nan], metric))
        cuts = tuple(float(k) for k in np.flatnonzero(np.diff(lr)) + 1)
        return Curve(
            label="lr ("
            + ", ".join(f"{k}={v!r}" for k, v in self.config().items() if k != "type")
            + ")",
            steps=np.arange(self.epochs + 1, dtype=np.float64),
            lr=lr,
            boundaries=cuts,
            secondary=shown,
            secondary_label="validation loss (synthetic)",
            boundary_label="lr cuts",
        )


@dataclass(frozen=True)
class Entry:
    """One gallery picture: a torch scheduler (``torch`` code) or one of lrkit's own
    schedules (``code``, the lrkit code that builds what is drawn, and its ``family``)."""

    name: str  # the file name without .png
    scheduler: str  # the torch class it shows ("" for a schedule torch has no class for)
    summary: str
    torch: str = ""  # the torch code it corresponds to
    code: str = ""  # or, for lrkit's own schedules, the lrkit code that builds them
    family: str = ""  # ... and their page in docs/schedules/ (a key of FAMILIES)
    anchor: str = ""  # the section of that page, when it is not the name's
    schedules: tuple[tuple[str, Schedule], ...] = ()
    steps: int | None = None
    steps_per_epoch: int | None = None
    log: bool | None = None  # None: lrkit.plot's automatic choice (lrkit.plot.wants_log)
    from_seed: bool = False  # arguments from a documented example (``cites`` names it)
    example: str = "torch"  # ... of torch's documentation ("torch") or of TUTORIAL ("tutorial")
    plateau: Plateau | None = None
    note: str = ""
    heading: str = ""  # the title, when it is not the name
    substeps: int = 1  # evaluate at fractional steps k / substeps (step(epoch + i / iters))
    references: tuple[int, ...] = ()  # curves drawn thin and dashed: parts, comparisons
    marks: bool = True  # dotted lines at the schedules' boundaries
    marks_label: str = ""  # what those lines mark, when not milestones / phase ends

    def __post_init__(self) -> None:
        if bool(self.torch) == bool(self.code):
            fail("code", "given exactly when torch is not (one kind of code per entry)", self.code)
        if self.code:
            if self.scheduler:
                fail(
                    "scheduler", "'' for an lrkit schedule (it names a torch class)", self.scheduler
                )
            if self.family not in FAMILIES:
                fail("family", f"one of {', '.join(map(repr, FAMILIES))}", self.family)
        elif self.family:
            fail("family", "'' for a torch scheduler", self.family)
        check_choice("example", self.example, ("torch", "tutorial"))

    @property
    def cites(self) -> str:
        """Where the arguments drawn come from, by name ("" when they are everyday ones)."""
        if not self.from_seed:
            return ""
        if self.example == "tutorial":
            return (
                f"Arguments from the example of the tutorial {TUTORIAL} for "
                f"{self.scheduler} (its own; not one of torch's)."
            )
        return (
            "Arguments from the example in torch's documentation of "
            f"torch.optim.lr_scheduler.{self.scheduler}, as the tutorial {TUTORIAL} "
            "quotes it."
        )

    @property
    def title(self) -> str:
        return self.heading or self.name

    @property
    def page(self) -> str:
        """Where docs/schedules/ describes an lrkit schedule: ``"decay.md#cosinedecay"``
        ("" for a torch scheduler)."""
        if not self.family:
            return ""
        return f"{self.family}.md#{self.anchor or self.name.split('-')[0].lower()}"

    @property
    def log_axis(self) -> bool:
        """Whether the picture's lr axis is logarithmic: ``log``, or lrkit.plot's choice."""
        if self.log is not None:
            return self.log
        from lrkit.plot import wants_log

        return wants_log(self.curves())

    def configs(self) -> list[dict[str, Any]]:
        """The lrkit config of each schedule (for ReduceLROnPlateau: its arguments)."""
        if self.plateau is not None:
            return [self.plateau.config()]
        return [schedule.to_config() for _, schedule in self.schedules]

    def specs(self) -> list[str]:
        """A SPEC for each schedule, for ``lrkit plot``/``show``/``table`` (none for the plateau)."""
        if self.plateau is not None:
            return []
        out = []
        for config in self.configs():
            config = minimal_config(config)
            spec = short_form(config)
            out.append(spec if spec is not None else json.dumps(config, separators=(",", ":")))
        return out

    def curves(self) -> list[Curve]:
        import dataclasses

        from lrkit.plot import curves

        if self.plateau is not None:
            return [self.plateau.curve()]
        labels = [label for label, _ in self.schedules]
        if self.substeps == 1:
            drawn = curves([s for _, s in self.schedules], self.steps, labels)
        else:
            steps = self.steps or 100
            x = np.arange(steps * self.substeps + 1, dtype=np.float64) / self.substeps
            drawn = [
                Curve(
                    label=label,
                    steps=x,
                    lr=schedule.evaluate_array(x),
                    boundaries=tuple(b for b in schedule.breakpoints if 0 < b < steps),
                )
                for label, schedule in self.schedules
            ]
        for i, curve in enumerate(drawn):
            changes: dict[str, Any] = {}
            if i in self.references:
                changes["style"] = {"linewidth": 1.3, "linestyle": "--"}
            if self.marks_label:
                changes["boundary_label"] = self.marks_label
            if changes:
                drawn[i] = dataclasses.replace(curve, **changes)
        return drawn

    def draw(self, path: str, *, size: tuple[float, float] = SIZE, dpi: float = DPI) -> None:
        """Render this entry to a PNG (or SVG/PDF, by the extension)."""
        from lrkit.plot import draw, figure, write

        fig, ax = figure(size, dpi)
        draw(
            ax,
            self.curves(),
            log=self.log_axis,
            steps_per_epoch=self.steps_per_epoch,
            boundaries=self.marks,
            title=self.title,
            legend="below",
        )
        if self.plateau is not None:
            ax.set_xlabel("epoch (one metric per epoch)")
        if self.substeps > 1:
            ax.set_xlabel(f"epoch (scheduler.step(epoch + i / {self.substeps}) every batch)")
        write(fig, path)


def _args(schedule: Schedule, skip: Sequence[str] = ()) -> str:
    """``k=v, ...`` of a flat schedule's config, for a legend."""
    config = schedule.to_config()
    return ", ".join(
        f"{k}={v!r}" if isinstance(v, str) else f"{k}={v}"
        for k, v in config.items()
        if k != "type" and k not in skip
    )


def _one(schedule: Schedule, label: str | None = None) -> tuple[tuple[str, Schedule], ...]:
    return ((label if label is not None else _args(schedule), schedule),)


def _own(schedule: Schedule, label: str | None = None) -> tuple[str, Schedule]:
    """An lrkit schedule and its legend: the arguments given (not the defaults)."""
    if label is None:
        config = minimal_config(schedule.to_config())
        label = ", ".join(f"{k}={v!r}" for k, v in config.items() if k != "type")
    return label, schedule


def _lrkit(*lines: str) -> str:
    """The lrkit code of an entry: ``import lrkit``, then ``lines``."""
    return "\n".join(("import lrkit", "", *lines))


_CONSTANT_THEN_EXP = (
    ConstantLR(lr=1.0, factor=0.1, total_iters=2),
    ExponentialLR(lr=1.0, gamma=0.9),
)

#: Every gallery picture: torch's schedulers in the order of TUTORIAL (then a few
#: variations), then lrkit's own.
ENTRIES: tuple[Entry, ...] = (
    Entry(
        name="LambdaLR",
        scheduler="LambdaLR",
        summary="Each param group's initial lr times a function of the epoch. torch's "
        "documented example has two param groups, one per function.",
        torch="# Assuming optimizer has two groups (lr=0.05 each).\n"
        "lambda1 = lambda epoch: epoch // 30\n"
        "lambda2 = lambda epoch: 0.95 ** epoch\n"
        "scheduler = LambdaLR(optimizer, lr_lambda=[lambda1, lambda2])",
        schedules=(
            ("group 0: lr_lambda='epoch // 30'", LambdaLR(lr=0.05, lr_lambda=Expr("epoch // 30"))),
            (
                "group 1: lr_lambda='0.95 ** epoch'",
                LambdaLR(lr=0.05, lr_lambda=Expr("0.95 ** epoch")),
            ),
        ),
        steps=100,
        from_seed=True,
    ),
    Entry(
        name="MultiplicativeLR",
        scheduler="MultiplicativeLR",
        summary="Multiply the lr by a function of the epoch at every step: a constant 0.95 "
        "gives the same curve as ExponentialLR(gamma=0.95).",
        torch="lmbda = lambda epoch: 0.95\nscheduler = MultiplicativeLR(optimizer, lr_lambda=lmbda)",
        schedules=_one(MultiplicativeLR(lr=0.05, lr_lambda=Expr("0.95"))),
        steps=100,
        from_seed=True,
    ),
    Entry(
        name="StepLR",
        scheduler="StepLR",
        summary="Decay the lr by gamma every step_size epochs. Log scale: each plateau is a "
        "tenth of the one before, which a linear axis would show as 0.",
        torch="# Assuming optimizer uses lr = 0.05 for all groups\n"
        "scheduler = StepLR(optimizer, step_size=30, gamma=0.1)",
        schedules=_one(StepLR(lr=0.05, step_size=30, gamma=0.1)),
        steps=100,
        log=True,
        from_seed=True,
    ),
    Entry(
        name="MultiStepLR",
        scheduler="MultiStepLR",
        summary="Decay the lr by gamma at each milestone. Log scale: the last plateau is a "
        "hundredth of the first.",
        torch="# Assuming optimizer uses lr = 0.05 for all groups\n"
        "scheduler = MultiStepLR(optimizer, milestones=[30, 80], gamma=0.1)",
        schedules=_one(MultiStepLR(lr=0.05, milestones=(30, 80), gamma=0.1)),
        steps=100,
        log=True,
        from_seed=True,
    ),
    Entry(
        name="ConstantLR",
        scheduler="ConstantLR",
        summary="Scale the lr by a constant factor until total_iters epochs have passed.",
        torch="# Assuming optimizer uses lr = 0.05 for all groups\n"
        "scheduler = ConstantLR(optimizer, factor=0.5, total_iters=4)",
        schedules=_one(ConstantLR(lr=0.05, factor=0.5, total_iters=4)),
        steps=10,
        from_seed=True,
    ),
    Entry(
        name="LinearLR",
        scheduler="LinearLR",
        summary="Move the lr's factor linearly from start_factor to end_factor over "
        "total_iters epochs: a linear warm-up.",
        torch="# Assuming optimizer uses lr = 0.05 for all groups\n"
        "scheduler = LinearLR(optimizer, start_factor=0.5, total_iters=4)",
        schedules=_one(LinearLR(lr=0.05, start_factor=0.5, total_iters=4)),
        steps=10,
        from_seed=True,
    ),
    Entry(
        name="ExponentialLR",
        scheduler="ExponentialLR",
        summary="Decay the lr by gamma every epoch.",
        torch="optimizer = optim.SGD(model.parameters(), lr=0.1)\n"
        "scheduler = ExponentialLR(optimizer, gamma=0.9)",
        schedules=_one(ExponentialLR(lr=0.1, gamma=0.9)),
        steps=50,
        from_seed=True,
        example="tutorial",
    ),
    Entry(
        name="PolynomialLR",
        scheduler="PolynomialLR",
        summary="Decay the lr to zero along a polynomial over total_iters epochs: power 1 "
        "is a straight line (torch's documented example), power 2 a parabola.",
        torch="# Assuming optimizer uses lr = 0.001 for all groups\n"
        "scheduler = PolynomialLR(optimizer, total_iters=4, power=1.0)",
        schedules=(
            *_one(PolynomialLR(lr=0.001, total_iters=4, power=1.0)),
            *_one(PolynomialLR(lr=0.001, total_iters=4, power=2.0)),
        ),
        steps=6,
        from_seed=True,
    ),
    Entry(
        name="CyclicLR",
        scheduler="CyclicLR",
        summary="Cycle the lr between base_lr and max_lr along a triangle, stepping every "
        "batch (step_size_up=2000 batches by default); the momentum cycles the other way "
        "(right axis).",
        torch="optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)\n"
        "scheduler = torch.optim.lr_scheduler.CyclicLR(optimizer, base_lr=0.01, max_lr=0.1)",
        schedules=_one(CyclicLR(base_lr=0.01, max_lr=0.1), "CyclicLR(base_lr=0.01, max_lr=0.1)"),
        steps=12000,
        from_seed=True,
    ),
    Entry(
        name="OneCycleLR",
        scheduler="OneCycleLR",
        summary="Warm up from max_lr/25 to max_lr over the first 30% of the steps, then "
        "anneal far below the start; the momentum does the opposite (right axis). Here "
        "len(data_loader) = 100 batches per epoch.",
        torch="optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)\n"
        "scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.01, "
        "steps_per_epoch=len(data_loader), epochs=10)  # len(data_loader) = 100",
        schedules=_one(
            OneCycleLR(max_lr=0.01, epochs=10, steps_per_epoch=100),
            "OneCycleLR(max_lr=0.01, epochs=10, steps_per_epoch=100)",
        ),
        steps=1000,
        steps_per_epoch=100,
        from_seed=True,
    ),
    Entry(
        name="CosineAnnealingLR",
        scheduler="CosineAnnealingLR",
        summary="Anneal the lr from its initial value to eta_min along a half cosine over "
        "T_max epochs.",
        torch="total_epochs = 100\n"
        "initial_lr = 0.1\n"
        "min_lr = 0.001\n"
        "optimizer = optim.SGD(model.parameters(), lr=initial_lr)\n"
        "scheduler = lr_scheduler.CosineAnnealingLR(optimizer, T_max=total_epochs, eta_min=min_lr)",
        schedules=_one(CosineAnnealingLR(lr=0.1, T_max=100, eta_min=0.001)),
        steps=100,
        from_seed=True,
        example="tutorial",
    ),
    Entry(
        name="CosineAnnealingWarmRestarts",
        scheduler="CosineAnnealingWarmRestarts",
        summary="Cosine annealing that restarts from the initial lr, each cycle T_mult times "
        "longer than the last (SGDR). Restarts are marked.",
        torch="scheduler = CosineAnnealingWarmRestarts(optimizer, T_0=10, T_mult=2)  # lr=0.1\n"
        "iters = len(dataloader)\n"
        "for epoch in range(70):\n"
        "    for i, sample in enumerate(dataloader):\n"
        "        ...\n"
        "        scheduler.step(epoch + i / iters)",
        schedules=_one(CosineAnnealingWarmRestarts(lr=0.1, T_0=10, T_mult=2)),
        steps=70,
        substeps=20,
        note="torch's documented example of CosineAnnealingWarmRestarts.step leaves T_0 and "
        "T_mult open; these are everyday values. As in that example the scheduler steps every "
        "batch with a fractional epoch, scheduler.step(epoch + i / iters), here with 20 "
        "batches per epoch.",
    ),
    Entry(
        name="ReduceLROnPlateau",
        scheduler="ReduceLROnPlateau",
        summary="Cut the lr by factor when the metric has not improved for more than "
        "patience epochs. Drawn on a synthetic validation loss (right axis), with the "
        "defaults of torch's documented example, ReduceLROnPlateau(optimizer, 'min'); cuts are "
        "marked.",
        torch="optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)\n"
        "scheduler = ReduceLROnPlateau(optimizer, 'min')\n"
        "for epoch in range(100):  # here: 100 epochs of a synthetic val_loss\n"
        "    train(...)\n"
        "    val_loss = validate(...)\n"
        "    scheduler.step(val_loss)",
        plateau=Plateau(
            lr=0.1, epochs=100, seed=1, options={"mode": "min", "factor": 0.1, "patience": 10}
        ),
        log=True,
        from_seed=True,
        note="The lr depends on the metric, so there is no closed form and no config for "
        "`lrkit plot`: the loss is 0.3 + 1.7 exp(-epoch/8) plus noise from "
        "numpy.random.default_rng(1) (lrkit.gallery.synthetic_loss), and the lr comes from "
        "the plateau rule that lrkit.torch.ReduceLROnPlateau runs. Log scale.",
    ),
    Entry(
        name="ChainedScheduler",
        scheduler="ChainedScheduler",
        summary="Apply several schedulers at once: the lr is the product of their factors. "
        "Here ConstantLR(factor=0.1, total_iters=2) and ExponentialLR(gamma=0.9).",
        torch="# Assuming optimizer uses lr = 1. for all groups\n"
        "scheduler1 = ConstantLR(optimizer, factor=0.1, total_iters=2)\n"
        "scheduler2 = ExponentialLR(optimizer, gamma=0.9)\n"
        "scheduler = ChainedScheduler([scheduler1, scheduler2])",
        schedules=_one(
            ChainedScheduler(_CONSTANT_THEN_EXP),
            "ChainedScheduler([ConstantLR, ExponentialLR]), lr=1",
        ),
        steps=20,
        from_seed=True,
    ),
    Entry(
        name="SequentialLR",
        scheduler="SequentialLR",
        summary="Run schedulers one after another, switching at the milestones (marked): "
        "ConstantLR for 2 epochs, then ExponentialLR from its own start.",
        torch="# Assuming optimizer uses lr = 1. for all groups\n"
        "scheduler1 = ConstantLR(optimizer, factor=0.1, total_iters=2)\n"
        "scheduler2 = ExponentialLR(optimizer, gamma=0.9)\n"
        "scheduler = SequentialLR(optimizer, schedulers=[scheduler1, scheduler2], milestones=[2])",
        schedules=_one(
            SequentialLR(_CONSTANT_THEN_EXP, milestones=(2,)),
            "SequentialLR([ConstantLR, ExponentialLR], milestones=[2]), lr=1",
        ),
        steps=20,
        from_seed=True,
    ),
    Entry(
        name="CyclicLR-modes",
        scheduler="CyclicLR",
        heading="CyclicLR: the three modes",
        summary="CyclicLR's three built-in amplitude policies: triangular (constant), "
        "triangular2 (halved every cycle) and exp_range (scaled by gamma ** step).",
        torch="CyclicLR(optimizer, base_lr=0.01, max_lr=0.1, mode='triangular2')\n"
        "CyclicLR(optimizer, base_lr=0.01, max_lr=0.1, mode='exp_range', gamma=0.9999)",
        schedules=(
            ("mode='triangular'", CyclicLR(base_lr=0.01, max_lr=0.1, cycle_momentum=False)),
            (
                "mode='triangular2'",
                CyclicLR(base_lr=0.01, max_lr=0.1, mode="triangular2", cycle_momentum=False),
            ),
            (
                "mode='exp_range', gamma=0.9999",
                CyclicLR(
                    base_lr=0.01, max_lr=0.1, mode="exp_range", gamma=0.9999, cycle_momentum=False
                ),
            ),
        ),
        steps=12000,
    ),
    Entry(
        name="OneCycleLR-three-phase",
        scheduler="OneCycleLR",
        heading="OneCycleLR: three phases, linear annealing",
        summary="The original paper's one cycle: a symmetric warm-up and cool-down, then a "
        "final decay (three_phase=True), here with linear annealing.",
        torch="OneCycleLR(optimizer, max_lr=0.01, total_steps=1000, three_phase=True,\n"
        "           anneal_strategy='linear')",
        schedules=_one(
            OneCycleLR(max_lr=0.01, total_steps=1000, three_phase=True, anneal_strategy="linear"),
            "OneCycleLR(max_lr=0.01, total_steps=1000, three_phase=True, anneal_strategy='linear')",
        ),
        steps=1000,
        log=False,  # the point is the straight lines; the automatic choice would be log
    ),
    Entry(
        name="SequentialLR-warmup-cosine",
        scheduler="SequentialLR",
        heading="SequentialLR: linear warm-up, then cosine annealing",
        summary="The everyday recipe: a linear warm-up for 10 epochs, then cosine annealing.",
        torch="warmup = LinearLR(optimizer, start_factor=0.01, total_iters=10)\n"
        "cosine = CosineAnnealingLR(optimizer, T_max=90, eta_min=1e-4)\n"
        "scheduler = SequentialLR(optimizer, [warmup, cosine], milestones=[10])  # lr=0.1",
        schedules=_one(
            SequentialLR(
                (
                    LinearLR(lr=0.1, start_factor=0.01, total_iters=10),
                    CosineAnnealingLR(lr=0.1, T_max=90, eta_min=1e-4),
                ),
                milestones=(10,),
            ),
            "LinearLR warm-up (10), then CosineAnnealingLR(T_max=90), lr=0.1",
        ),
        steps=100,
    ),
    # -- lrkit's own schedules: torch has no class for these ---------------------------
    Entry(
        name="Constant",
        scheduler="",
        family="decay",
        summary="The same rate at every step: the baseline every decay is measured against, "
        "and the stable phase that Warmup and Cooldown shape into warmup-stable-decay.",
        code=_lrkit("schedule = lrkit.Constant(lr=0.1)"),
        schedules=(_own(Constant(lr=0.1)),),
        steps=100,
    ),
    Entry(
        name="LinearDecay",
        scheduler="",
        family="decay",
        summary="A straight line from lr to final_lr over total_steps, then held: linear "
        "decay to zero (D2Z), which Bergsma et al. (2025) find best for training LLMs.",
        code=_lrkit(
            "to_zero = lrkit.LinearDecay(lr=0.1, total_steps=1000)",
            "to_floor = lrkit.LinearDecay(lr=0.1, total_steps=1000, final_lr=0.01)",
        ),
        schedules=(
            _own(LinearDecay(lr=0.1, total_steps=1000)),
            _own(LinearDecay(lr=0.1, total_steps=1000, final_lr=0.01)),
        ),
        steps=1100,
        marks_label="end of the decay (total_steps)",
    ),
    Entry(
        name="CosineDecay",
        scheduler="",
        family="decay",
        summary="Half a cosine from lr to final_lr over total_steps, then held: SGDR's "
        "annealing without restarts. An exponent above 1 sharpens it, below 1 flattens it.",
        code=_lrkit(
            "cosine = lrkit.CosineDecay(lr=0.1, total_steps=1000, final_lr=0.001)",
            "squared = lrkit.CosineDecay(lr=0.1, total_steps=1000, final_lr=0.001, exponent=2.0)",
            "root = lrkit.CosineDecay(lr=0.1, total_steps=1000, final_lr=0.001, exponent=0.5)",
        ),
        schedules=tuple(
            _own(
                CosineDecay(lr=0.1, total_steps=1000, final_lr=0.001, exponent=p),
                f"exponent={p}" + (" (the half cosine)" if p == 1.0 else ""),
            )
            for p in (1.0, 2.0, 0.5)
        ),
        steps=1100,
        marks_label="end of the decay (total_steps)",
        note="All three: lr=0.1, total_steps=1000, final_lr=0.001.",
    ),
    Entry(
        name="KDecay",
        scheduler="",
        family="decay",
        summary="k-decay (Zhang and Li, 2020): a cosine decay whose progress is raised to the "
        "power k. k > 1 keeps the rate high for longer and drops it late; k = 1 is the cosine.",
        code=_lrkit(
            "ks = [0.5, 1.0, 2.0, 4.0]",
            "schedules = [lrkit.KDecay(lr=0.1, total_steps=1000, k=k) for k in ks]",
        ),
        schedules=tuple(
            _own(KDecay(lr=0.1, total_steps=1000, k=k), f"k={k}") for k in (0.5, 1.0, 2.0, 4.0)
        ),
        steps=1100,
        marks_label="end of the decay (total_steps)",
        note="All four: lr=0.1, total_steps=1000 (final_lr=0).",
    ),
    Entry(
        name="InverseSqrt",
        scheduler="",
        family="decay",
        summary="The Transformer's inverse square root: lr at step 0, then about 1/sqrt(t), "
        "down to lr/sqrt(2) after timescale steps, and never to 0. Log scale.",
        code=_lrkit(
            "fast = lrkit.InverseSqrt(lr=0.1, timescale=100)",
            "slow = lrkit.InverseSqrt(lr=0.1, timescale=1000)",
        ),
        schedules=(
            _own(InverseSqrt(lr=0.1, timescale=100)),
            _own(InverseSqrt(lr=0.1, timescale=1000)),
        ),
        steps=20000,
        log=True,
    ),
    Entry(
        name="Rex",
        scheduler="",
        family="decay",
        summary="REX (Chen, Wolfe and Kyrillidis, 2021): the reflected exponential, above the "
        "straight line all along and steep at the end. LinearDecay is dashed, for comparison.",
        code=_lrkit(
            "rex = lrkit.Rex(lr=0.1, total_steps=1000)",
            "line = lrkit.LinearDecay(lr=0.1, total_steps=1000)",
        ),
        schedules=(
            _own(Rex(lr=0.1, total_steps=1000), "Rex(lr=0.1, total_steps=1000)"),
            _own(LinearDecay(lr=0.1, total_steps=1000), "LinearDecay(lr=0.1, total_steps=1000)"),
        ),
        steps=1100,
        marks_label="end of the decay (total_steps)",
        references=(1,),
    ),
    Entry(
        name="Tanh",
        scheduler="",
        family="decay",
        summary="Hyperbolic-tangent decay (Hsueh et al., 2019): tanh from lower to upper over "
        "total_steps. timm's bounds (-7, 3) stay near lr for long; (-3, 3) is symmetric.",
        code=_lrkit(
            "timm_bounds = lrkit.Tanh(lr=0.1, total_steps=1000)",
            "symmetric = lrkit.Tanh(lr=0.1, total_steps=1000, lower=-3.0, upper=3.0)",
        ),
        schedules=(
            _own(Tanh(lr=0.1, total_steps=1000), "lower=-7, upper=3 (the defaults)"),
            _own(Tanh(lr=0.1, total_steps=1000, lower=-3.0, upper=3.0), "lower=-3, upper=3"),
        ),
        steps=1100,
        marks_label="end of the decay (total_steps)",
        note="Both: lr=0.1, total_steps=1000 (final_lr=0). The tanh never reaches 1: with "
        "upper=3 the rate ends 0.25% of lr above final_lr, and holds that from step 1000 on.",
    ),
    Entry(
        name="ExponentialDecay",
        scheduler="",
        family="decay",
        summary="Decay by decay_rate every decay_steps (optax's and Keras' exponential decay): "
        "smoothly, or in whole steps (staircase), from start_step on, down to an optional "
        "floor final_lr. Log scale: an exponential is a straight line.",
        code=_lrkit(
            "smooth = lrkit.ExponentialDecay(lr=0.1, decay_steps=100, decay_rate=0.5)",
            "stairs = lrkit.ExponentialDecay(lr=0.1, decay_steps=100, decay_rate=0.5,",
            "                                staircase=True, start_step=200, final_lr=0.001)",
        ),
        schedules=(
            _own(ExponentialDecay(lr=0.1, decay_steps=100, decay_rate=0.5)),
            _own(
                ExponentialDecay(
                    lr=0.1,
                    decay_steps=100,
                    decay_rate=0.5,
                    staircase=True,
                    start_step=200,
                    final_lr=0.001,
                )
            ),
        ),
        steps=1200,
        log=True,
        marks=False,
    ),
    Entry(
        name="InverseTimeDecay",
        scheduler="",
        family="decay",
        summary="Keras' inverse-time decay, lr / (1 + decay_rate t / decay_steps): half the "
        "rate at t = decay_steps / decay_rate, and never 0; staircase decays in whole steps.",
        code=_lrkit(
            "smooth = lrkit.InverseTimeDecay(lr=0.1, decay_steps=100, decay_rate=1.0)",
            "stairs = lrkit.InverseTimeDecay(lr=0.1, decay_steps=100, decay_rate=1.0,",
            "                                staircase=True)",
        ),
        schedules=(
            _own(InverseTimeDecay(lr=0.1, decay_steps=100, decay_rate=1.0)),
            _own(InverseTimeDecay(lr=0.1, decay_steps=100, decay_rate=1.0, staircase=True)),
        ),
        steps=1000,
        marks=False,
    ),
    Entry(
        name="PolynomialDecay",
        scheduler="",
        family="decay",
        summary="Keras' polynomial decay, from lr to final_lr along (1 - t/T) ** power: a "
        "straight line for power 1, a parabola for 2, a square root for 0.5.",
        code=_lrkit(
            "powers = [0.5, 1.0, 2.0]",
            "schedules = [lrkit.PolynomialDecay(lr=0.1, total_steps=1000, final_lr=0.001,",
            "                                   power=p) for p in powers]",
        ),
        schedules=tuple(
            _own(PolynomialDecay(lr=0.1, total_steps=1000, final_lr=0.001, power=p), f"power={p}")
            for p in (0.5, 1.0, 2.0)
        ),
        steps=1100,
        marks_label="end of the decay (total_steps)",
        note="All three: lr=0.1, total_steps=1000, final_lr=0.001.",
    ),
    Entry(
        name="PolynomialDecay-cycle",
        scheduler="",
        family="decay",
        anchor="polynomialdecay",
        heading="PolynomialDecay: cycle=True",
        summary="With cycle=True the horizon grows instead of the rate being held: the rate "
        "reaches final_lr at every multiple of total_steps (marked), then jumps back up to a "
        "lower start and decays over a longer horizon.",
        code=_lrkit("schedule = lrkit.PolynomialDecay(lr=0.1, total_steps=100, cycle=True)"),
        schedules=(_own(PolynomialDecay(lr=0.1, total_steps=100, cycle=True)),),
        steps=400,
        marks_label="multiples of total_steps",
    ),
    Entry(
        name="PiecewiseConstant",
        scheduler="",
        family="piecewise",
        summary="A rate per interval, from a table: values[0] before boundaries[0], then each "
        "next value from its boundary on (torch's MultiStepLR, with rates instead of a common "
        "gamma). Log scale.",
        code=_lrkit(
            "schedule = lrkit.PiecewiseConstant(boundaries=[300, 600, 800],",
            "                                   values=[0.1, 0.03, 0.01, 0.001])",
        ),
        schedules=(
            _own(PiecewiseConstant(boundaries=(300, 600, 800), values=(0.1, 0.03, 0.01, 0.001))),
        ),
        steps=1000,
        log=True,
        marks_label="boundaries",
    ),
    Entry(
        name="PiecewiseLinear",
        scheduler="",
        family="piecewise",
        summary="Straight lines between knots (steps[i], values[i]), constant outside them: "
        "here fastai's one cycle, drawn as three lines.",
        code=_lrkit(
            "schedule = lrkit.PiecewiseLinear(steps=[0, 300, 850, 1000],",
            "                                 values=[0.004, 0.1, 0.004, 0.0001])",
        ),
        schedules=(
            _own(PiecewiseLinear(steps=(0, 300, 850, 1000), values=(0.004, 0.1, 0.004, 0.0001))),
        ),
        steps=1100,
        marks_label="knots",
    ),
    Entry(
        name="CosineRestarts",
        scheduler="",
        family="restarts",
        summary="SGDR as timm runs it: cosine cycles that grow by period_mult (any real "
        "number), peaks that shrink by decay, and after limit cycles the rate stays at "
        "final_lr. Restarts are marked.",
        code=_lrkit(
            "schedule = lrkit.CosineRestarts(lr=0.1, period=100, period_mult=1.5, decay=0.7,",
            "                                final_lr=0.001, limit=4)",
        ),
        schedules=(
            _own(
                CosineRestarts(
                    lr=0.1, period=100, period_mult=1.5, decay=0.7, final_lr=0.001, limit=4
                )
            ),
        ),
        steps=1000,
        marks_label="restarts",
        note="Cycles of 100, 150, 225 and 337.5 steps (a fractional length is fine) with peaks "
        "0.1, 0.07, 0.049 and 0.0343; from step 812.5 on, final_lr.",
    ),
    Entry(
        name="Join",
        scheduler="",
        family="combinators",
        heading="Join: local and global time",
        summary="Schedules one after another, switching at milestones (marked). A piece in "
        "local time starts from its own step 0; in global time it reads the global step, so "
        "its first steps are skipped.",
        code=_lrkit(
            "rise = lrkit.LinearDecay(lr=0.0, total_steps=100, final_lr=0.1)",
            "local = lrkit.Join([rise, lrkit.CosineDecay(lr=0.1, total_steps=900)],",
            "                   milestones=[100])",
            "on_global = lrkit.Join([rise, lrkit.CosineDecay(lr=0.1, total_steps=1000)],",
            '                       milestones=[100], time="global")',
        ),
        schedules=(
            _own(
                Join(
                    (
                        LinearDecay(lr=0.0, total_steps=100, final_lr=0.1),
                        CosineDecay(lr=0.1, total_steps=900),
                    ),
                    milestones=(100,),
                ),
                "local: CosineDecay(total_steps=900) from its step 0",
            ),
            _own(
                Join(
                    (
                        LinearDecay(lr=0.0, total_steps=100, final_lr=0.1),
                        CosineDecay(lr=0.1, total_steps=1000),
                    ),
                    milestones=(100,),
                    time="global",
                ),
                "global: CosineDecay(total_steps=1000) from its step 100",
            ),
        ),
        steps=1000,
        marks_label="milestone",
    ),
    Entry(
        name="Repeat",
        scheduler="",
        family="combinators",
        summary="A schedule's first period steps over and over, each cycle scaled by decay: "
        "here a warm-up and cosine of 250 steps, each repeat 0.7 times the last.",
        code=_lrkit(
            "cycle = lrkit.WarmupCosine(lr=0.1, total_steps=250, warmup_steps=25)",
            "schedule = lrkit.Repeat(cycle, period=250, decay=0.7)",
        ),
        schedules=(
            _own(
                Repeat(
                    WarmupCosine(lr=0.1, total_steps=250, warmup_steps=25), period=250, decay=0.7
                ),
                "Repeat(WarmupCosine(lr=0.1, total_steps=250, warmup_steps=25), period=250, "
                "decay=0.7)",
            ),
        ),
        steps=750,
        marks_label="repeats",
    ),
    Entry(
        name="Affine",
        scheduler="",
        family="combinators",
        heading="Affine: s * a / d + c",
        summary="Python's operators between a schedule and numbers build an Affine: s * 0.5 "
        "halves every value, and s * 0.5 + 0.02 lifts it too, so that it ends at 0.02.",
        code=_lrkit(
            "s = lrkit.CosineDecay(lr=0.1, total_steps=1000)",
            "half = s * 0.5",
            "lifted = s * 0.5 + 0.02",
        ),
        schedules=(
            _own(
                CosineDecay(lr=0.1, total_steps=1000), "s = CosineDecay(lr=0.1, total_steps=1000)"
            ),
            _own(CosineDecay(lr=0.1, total_steps=1000) * 0.5, "s * 0.5"),
            _own(CosineDecay(lr=0.1, total_steps=1000) * 0.5 + 0.02, "s * 0.5 + 0.02"),
        ),
        steps=1000,
        references=(0,),
    ),
    Entry(
        name="Product",
        scheduler="",
        family="combinators",
        heading="Product: s1 * s2",
        summary="The product of schedules, value by value (s1 * s2): a rate times a schedule "
        "of factors. Here the factor rises from 0 to 1 over 100 steps: a warm-up by "
        "multiplication, which follows the cosine under it.",
        code=_lrkit(
            "cosine = lrkit.CosineDecay(lr=0.1, total_steps=1000)",
            "factor = lrkit.LinearDecay(lr=0.0, total_steps=100, final_lr=1.0)",
            "product = cosine * factor",
        ),
        schedules=(
            _own(
                CosineDecay(lr=0.1, total_steps=1000),
                "cosine = CosineDecay(lr=0.1, total_steps=1000)",
            ),
            _own(
                CosineDecay(lr=0.1, total_steps=1000)
                * LinearDecay(lr=0.0, total_steps=100, final_lr=1.0),
                "cosine * LinearDecay(lr=0.0, total_steps=100, final_lr=1.0)",
            ),
        ),
        steps=1000,
        references=(0,),
        marks_label="the factor reaches 1",
    ),
    Entry(
        name="Sum",
        scheduler="",
        family="combinators",
        heading="Sum: s1 + s2",
        summary="The sum of schedules, value by value (s1 + s2): an exponential decay on top "
        "of a constant floor approaches the floor instead of 0. The parts are dashed.",
        code=_lrkit(
            "decay = lrkit.ExponentialDecay(lr=0.09, decay_steps=100, decay_rate=0.5)",
            "floor = lrkit.Constant(lr=0.01)",
            "total = decay + floor",
        ),
        schedules=(
            _own(
                ExponentialDecay(lr=0.09, decay_steps=100, decay_rate=0.5) + Constant(lr=0.01),
                "decay + floor",
            ),
            _own(
                ExponentialDecay(lr=0.09, decay_steps=100, decay_rate=0.5),
                "decay = ExponentialDecay(lr=0.09, decay_steps=100, decay_rate=0.5)",
            ),
            _own(Constant(lr=0.01), "floor = Constant(lr=0.01)"),
        ),
        steps=1000,
        references=(1, 2),
    ),
    Entry(
        name="Clamp",
        scheduler="",
        family="combinators",
        summary="A schedule kept within [low, high]: here an exponential decay from 0.2 "
        "(dashed), capped at 0.1 and floored at 0.01.",
        code=_lrkit(
            "decay = lrkit.ExponentialDecay(lr=0.2, decay_steps=100, decay_rate=0.5)",
            "clamped = lrkit.Clamp(decay, low=0.01, high=0.1)",
        ),
        schedules=(
            _own(
                ExponentialDecay(lr=0.2, decay_steps=100, decay_rate=0.5),
                "decay = ExponentialDecay(lr=0.2, decay_steps=100, decay_rate=0.5)",
            ),
            _own(
                Clamp(
                    ExponentialDecay(lr=0.2, decay_steps=100, decay_rate=0.5), low=0.01, high=0.1
                ),
                "Clamp(decay, low=0.01, high=0.1)",
            ),
        ),
        steps=1000,
        references=(0,),
    ),
    Entry(
        name="Warmup",
        scheduler="",
        family="combinators",
        heading="Warmup: linear, cosine and exponential ramps",
        summary="A warm-up in front of any schedule, ending on the schedule's first value. "
        "Linear and cosine ramps may start at exactly 0 (torch's LinearLR cannot); an "
        "exponential ramp starts above 0.",
        code=_lrkit(
            "cosine = lrkit.CosineDecay(lr=0.1, total_steps=300, final_lr=0.001)",
            "linear = lrkit.Warmup(cosine, steps=100)",
            'eased = lrkit.Warmup(cosine, steps=100, curve="cosine")',
            'geometric = lrkit.Warmup(cosine, steps=100, start=0.001, curve="exponential")',
        ),
        schedules=(
            _own(
                Warmup(CosineDecay(lr=0.1, total_steps=300, final_lr=0.001), steps=100),
                "curve='linear' (from 0)",
            ),
            _own(
                Warmup(
                    CosineDecay(lr=0.1, total_steps=300, final_lr=0.001),
                    steps=100,
                    curve="cosine",
                ),
                "curve='cosine' (from 0)",
            ),
            _own(
                Warmup(
                    CosineDecay(lr=0.1, total_steps=300, final_lr=0.001),
                    steps=100,
                    start=0.001,
                    curve="exponential",
                ),
                "curve='exponential', start=0.001",
            ),
        ),
        steps=400,
        marks_label="end of the warm-up",
        note="Each warms up for 100 steps, then runs CosineDecay(lr=0.1, total_steps=300, "
        "final_lr=0.001) from its own step 0 (shift=True, the default).",
    ),
    Entry(
        name="Cooldown",
        scheduler="",
        family="combinators",
        heading="Cooldown: linear, cosine and 1-sqrt",
        summary="A cool-down to final_lr over the last steps before total_steps, on any "
        "schedule: here a constant 0.1 cooled over the last 300 of 1000 steps, in each of "
        "the three shapes.",
        code=_lrkit(
            "stable = lrkit.Constant(lr=0.1)",
            "linear = lrkit.Cooldown(stable, total_steps=1000, steps=300)",
            'cosine = lrkit.Cooldown(stable, total_steps=1000, steps=300, curve="cosine")',
            'root = lrkit.Cooldown(stable, total_steps=1000, steps=300, curve="1-sqrt")',
        ),
        schedules=tuple(
            _own(
                Cooldown(Constant(lr=0.1), total_steps=1000, steps=300, curve=curve),
                f"curve={curve!r}",
            )
            for curve in ("linear", "cosine", "1-sqrt")
        ),
        steps=1100,
        marks_label="start and end of the cool-down",
    ),
    Entry(
        name="Noise",
        scheduler="",
        family="combinators",
        summary="Seeded multiplicative noise: each step's factor comes from a hash of (seed, "
        "step), so a step has the same value in any order of evaluation, on any machine, "
        "without torch. The schedule without noise is dashed.",
        code=_lrkit(
            "cosine = lrkit.CosineDecay(lr=0.1, total_steps=300)",
            "noisy = lrkit.Noise(cosine, scale=0.1, seed=0, limit=0.2)",
        ),
        schedules=(
            _own(
                Noise(CosineDecay(lr=0.1, total_steps=300), scale=0.1, seed=0, limit=0.2),
                "Noise(cosine, scale=0.1, seed=0, limit=0.2)",
            ),
            _own(
                CosineDecay(lr=0.1, total_steps=300),
                "cosine = CosineDecay(lr=0.1, total_steps=300)",
            ),
        ),
        steps=300,
        references=(1,),
    ),
    Entry(
        name="WarmupStableDecay",
        scheduler="",
        family="presets",
        heading="WarmupStableDecay: three decay shapes",
        summary="Warmup-stable-decay (MiniCPM): a warm-up, a long constant phase, then a "
        "short decay: linear, cosine, or the 1-sqrt cool-down of Hägele et al.",
        code=_lrkit(
            'shapes = ["linear", "cosine", "1-sqrt"]',
            "schedules = [lrkit.WarmupStableDecay(lr=0.1, total_steps=1000, decay_steps=200,",
            "                                     warmup_steps=50, decay_shape=shape)",
            "             for shape in shapes]",
        ),
        schedules=tuple(
            _own(
                WarmupStableDecay(
                    lr=0.1, total_steps=1000, decay_steps=200, warmup_steps=50, decay_shape=shape
                ),
                f"decay_shape={shape!r}",
            )
            for shape in ("linear", "cosine", "1-sqrt")
        ),
        steps=1100,
        note="All three: lr=0.1, total_steps=1000, decay_steps=200, warmup_steps=50.",
    ),
    Entry(
        name="WarmupCosine",
        scheduler="",
        family="presets",
        summary="The everyday recipe as one schedule: a linear warm-up to lr, then half a "
        "cosine down to final_lr at total_steps (transformers' and optax's warm-up cosine).",
        code=_lrkit(
            "schedule = lrkit.WarmupCosine(lr=0.1, total_steps=1000, warmup_steps=100,",
            "                              final_lr=0.001)",
        ),
        schedules=(_own(WarmupCosine(lr=0.1, total_steps=1000, warmup_steps=100, final_lr=0.001)),),
        steps=1100,
    ),
    Entry(
        name="WarmupLinear",
        scheduler="",
        family="presets",
        summary="A linear warm-up to lr, then a straight line down to final_lr at total_steps "
        "(transformers' linear schedule; with final_lr=0, linear decay to zero).",
        code=_lrkit("schedule = lrkit.WarmupLinear(lr=0.1, total_steps=1000, warmup_steps=100)"),
        schedules=(_own(WarmupLinear(lr=0.1, total_steps=1000, warmup_steps=100)),),
        steps=1100,
    ),
)


def by_name(name: str) -> Entry:
    """The gallery entry called ``name`` (e.g. ``"StepLR"``)."""
    for entry in ENTRIES:
        if entry.name == name:
            return entry
    raise KeyError(f"no gallery entry {name!r}; there are: {', '.join(e.name for e in ENTRIES)}")


# -- output --------------------------------------------------------------------------


def build(
    directory: str | os.PathLike[str],
    *,
    markdown_path: str | os.PathLike[str] | None = None,
    entries: Sequence[Entry] = ENTRIES,
    progress: Callable[[int, int, Entry, str], None] | None = None,
) -> list[str]:
    """Draw every entry into ``directory`` as NAME.png, write index.html (and a markdown page).

    ``progress(i, n, entry, path)`` is called after each picture. Returns the PNG paths.
    """
    out = os.fspath(directory)
    os.makedirs(out, exist_ok=True)
    paths = []
    for i, entry in enumerate(entries, start=1):
        path = os.path.join(out, f"{entry.name}.png")
        entry.draw(path)
        paths.append(path)
        if progress is not None:
            progress(i, len(entries), entry, path)
    with open(os.path.join(out, "index.html"), "w", encoding="utf-8") as handle:
        handle.write(index_html(entries))
    if markdown_path is not None:
        page = os.fspath(markdown_path)
        folder = os.path.relpath(out, os.path.dirname(os.path.abspath(page)) or ".")
        parent = os.path.dirname(page)
        if parent:
            os.makedirs(parent, exist_ok=True)
        with open(page, "w", encoding="utf-8") as handle:
            handle.write(markdown(entries, folder))
    return paths


def _config_text(entry: Entry) -> str:
    configs = [minimal_config(c) for c in entry.configs()]
    return json.dumps(configs[0] if len(configs) == 1 else configs, indent=2)


def _command(entry: Entry) -> str | None:
    specs = entry.specs()
    if not specs:
        return None
    quoted = " ".join("'" + spec.replace("'", "'\\''") + "'" for spec in specs)
    steps = f" --steps {entry.steps}" if entry.steps is not None else ""
    epochs = f" --steps-per-epoch {entry.steps_per_epoch}" if entry.steps_per_epoch else ""
    log = " --log" if entry.log_axis else ""
    marks = "" if entry.marks else " --no-boundaries"
    return f"lrkit plot {quoted}{steps}{epochs}{log}{marks} -o {entry.name}.png"


def markdown(entries: Sequence[Entry] = ENTRIES, folder: str = "gallery") -> str:
    """The gallery as a markdown page whose images are in ``folder`` (relative to the page):
    torch's schedulers, then (under a heading of their own) lrkit's own schedules."""
    folder = folder.replace(os.sep, "/").rstrip("/")
    lines = [
        "# Gallery",
        "",
        "<!-- Generated by `lrkit gallery -o docs/gallery --markdown docs/gallery.md`: "
        "do not edit by hand. -->",
        "",
        "Every scheduler of `torch.optim.lr_scheduler`, then every schedule lrkit adds "
        "(modern decays, piecewise tables, restarts, combinators and presets), drawn by lrkit "
        "from its closed form. For torch's schedulers, the arguments are those of the "
        "examples in torch's documentation of `torch.optim.lr_scheduler` (each class's "
        "docstring), as the tutorial lrkit's gallery started from quotes them: "
        f"{TUTORIAL}, a walk through torch's schedulers in Chinese. torch's newer docstrings "
        "have changed some of those arguments (ConstantLR's total_iters=4 is 40 there). "
        "ExponentialLR and CosineAnnealingLR take that tutorial's own examples; the others "
        "take everyday arguments, and a few variations follow. Each section says where its "
        "arguments come from. Dotted lines mark milestones and "
        "phase ends (`schedule.breakpoints`); a dashed curve on the right axis is the momentum "
        "that CyclicLR and OneCycleLR cycle. The lr axis is logarithmic where a linear one "
        "would show part of a curve as 0 (`lrkit.plot.wants_log`: at least a fifth of the "
        "points below 1/50 of the peak, none at 0), and for StepLR and MultiStepLR, whose "
        "plateaus are each a tenth of the one before. Steps count `scheduler.step()` calls: "
        "step 0 is the lr right after the scheduler is built.",
        "",
        "Each section gives the torch code (for lrkit's own schedules, the lrkit code), the "
        "lrkit config, and the command that draws it. Where lrkit deliberately differs from "
        "torch, see [torch compatibility](torch-compat.md); lrkit's own schedules are "
        "described, formula and paper, on the [pages of their families](schedules/index.md).",
        "",
    ]
    theirs = [e for e in entries if e.torch]
    ours = [e for e in entries if e.code]
    for entry in theirs:
        lines += _section(entry, folder)
    if ours:
        lines += [
            "# lrkit's own schedules",
            "",
            "Schedules torch has no class for, each built by the lrkit code shown. A thin "
            "dashed curve is a part or a comparison, drawn beside the schedule itself. Any "
            "of them sets a torch optimizer's lr with "
            "`lrkit.torch.ScheduleLR(optimizer, schedule)`: see "
            "[driving torch with lrkit schedules](driving-torch.md).",
            "",
        ]
        for entry in ours:
            lines += _section(entry, folder)
    return "\n".join(lines)


def _section(entry: Entry, folder: str) -> list[str]:
    lines = [f"## {entry.title}", "", entry.summary, ""]
    lines += [f"![{entry.title}]({folder}/{entry.name}.png)", ""]
    if entry.note:
        lines += [entry.note, ""]
    if entry.cites:
        lines += [entry.cites, ""]
    if entry.torch:
        lines += ["torch:", "", "```python", entry.torch, "```", ""]
    else:
        lines += ["lrkit:", "", "```python", entry.code, "```", ""]
    label = "Its arguments" if entry.plateau is not None else "lrkit config"
    lines += [f"{label}:", "", "```json", _config_text(entry), "```", ""]
    command = _command(entry)
    if command is not None:
        lines += ["Draw it:", "", "```sh", command, "```", ""]
    if entry.family:
        family = FAMILIES[entry.family]
        lines += [f"Formula, arguments and source: [{family}](schedules/{entry.page}).", ""]
    return lines


_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1000px; color: #222; }
h1 { margin-bottom: 0.2rem; }
section { border-top: 1px solid #ddd; padding: 1rem 0 1.5rem; }
img { max-width: 100%; height: auto; border: 1px solid #eee; }
pre { background: #f6f8fa; padding: 0.7rem; overflow-x: auto; font-size: 0.85rem; }
.note { color: #555; }
""".strip()


def index_html(entries: Sequence[Entry] = ENTRIES) -> str:
    """A standalone HTML page showing every entry's picture with its config."""
    esc = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        "<title>lrkit gallery</title>",
        f"<style>\n{_STYLE}\n</style>",
        "</head>",
        "<body>",
        "<h1>lrkit gallery</h1>",
        "<p>Every scheduler of <code>torch.optim.lr_scheduler</code>, then every schedule "
        "lrkit adds, drawn by lrkit. Dotted lines mark milestones and phase ends; a dashed "
        "curve on the right axis is the cycled momentum; a thin dashed curve is a part or a "
        "comparison.</p>",
    ]
    for entry in entries:
        parts += [
            f'<section id="{esc(entry.name)}">',
            f"<h2>{esc(entry.title)}</h2>",
            f"<p>{esc(entry.summary)}</p>",
            f'<img src="{esc(entry.name)}.png" alt="{esc(entry.title)}" width="900" height="500">',
        ]
        if entry.note:
            parts.append(f'<p class="note">{esc(entry.note)}</p>')
        if entry.cites:
            parts.append(f'<p class="note">{esc(entry.cites)}</p>')
        parts += [
            "<h3>torch</h3>" if entry.torch else "<h3>lrkit</h3>",
            f"<pre><code>{esc(entry.torch or entry.code)}</code></pre>",
            "<h3>lrkit config</h3>" if entry.plateau is None else "<h3>arguments</h3>",
            f"<pre><code>{esc(_config_text(entry))}</code></pre>",
        ]
        command = _command(entry)
        if command is not None:
            parts += ["<h3>draw it</h3>", f"<pre><code>{esc(command)}</code></pre>"]
        parts.append("</section>")
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)
