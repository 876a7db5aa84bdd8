"""The built-in gallery: every torch scheduler, drawn (``lrkit gallery -o DIR``).

Each :class:`Entry` is one picture: one or more schedules with the arguments of the
tutorial examples where they give some, and everyday ones where they do not.
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

from lrkit.compose import ChainedScheduler, SequentialLR
from lrkit.config import minimal_config, short_form
from lrkit.core import (
    ConstantLR,
    CosineAnnealingLR,
    CosineAnnealingWarmRestarts,
    CyclicLR,
    ExponentialLR,
    Expr,
    LambdaLR,
    LinearLR,
    MultiplicativeLR,
    MultiStepLR,
    OneCycleLR,
    PolynomialLR,
    Schedule,
    StepLR,
)
from lrkit.plot import Curve

__all__ = ["ENTRIES", "Entry", "build", "by_name", "markdown", "synthetic_loss"]

FloatArray = npt.NDArray[np.float64]

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
    """One gallery picture."""

    name: str  # the file name without .png
    scheduler: str  # the torch class it shows
    summary: str
    torch: str  # the torch code it corresponds to
    schedules: tuple[tuple[str, Schedule], ...] = ()
    steps: int | None = None
    steps_per_epoch: int | None = None
    log: bool = False
    from_seed: bool = False  # arguments from the tutorial's example
    plateau: Plateau | None = None
    note: str = ""
    heading: str = ""  # the title, when it is not the name
    substeps: int = 1  # evaluate at fractional steps k / substeps (step(epoch + i / iters))

    @property
    def title(self) -> str:
        return self.heading or self.name

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
        from lrkit.plot import curves

        if self.plateau is not None:
            return [self.plateau.curve()]
        labels = [label for label, _ in self.schedules]
        if self.substeps == 1:
            return curves([s for _, s in self.schedules], self.steps, labels)
        steps = self.steps or 100
        x = np.arange(steps * self.substeps + 1, dtype=np.float64) / self.substeps
        return [
            Curve(
                label=label,
                steps=x,
                lr=schedule.evaluate_array(x),
                boundaries=tuple(b for b in schedule.boundaries if 0 < b < steps),
            )
            for label, schedule in self.schedules
        ]

    def draw(self, path: str, *, size: tuple[float, float] = SIZE, dpi: float = DPI) -> None:
        """Render this entry to a PNG (or SVG/PDF, by the extension)."""
        from lrkit.plot import draw, figure, write

        fig, ax = figure(size, dpi)
        draw(
            ax,
            self.curves(),
            log=self.log,
            steps_per_epoch=self.steps_per_epoch,
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


_CONSTANT_THEN_EXP = (
    ConstantLR(lr=1.0, factor=0.1, total_iters=2),
    ExponentialLR(lr=1.0, gamma=0.9),
)

#: Every gallery picture, in the order of the tutorial (then a few variations).
ENTRIES: tuple[Entry, ...] = (
    Entry(
        name="LambdaLR",
        scheduler="LambdaLR",
        summary="Each param group's initial lr times a function of the epoch. The tutorial's "
        "example has two param groups, one per function.",
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
        summary="Decay the lr by gamma every step_size epochs.",
        torch="# Assuming optimizer uses lr = 0.05 for all groups\n"
        "scheduler = StepLR(optimizer, step_size=30, gamma=0.1)",
        schedules=_one(StepLR(lr=0.05, step_size=30, gamma=0.1)),
        steps=100,
        from_seed=True,
    ),
    Entry(
        name="MultiStepLR",
        scheduler="MultiStepLR",
        summary="Decay the lr by gamma at each milestone.",
        torch="# Assuming optimizer uses lr = 0.05 for all groups\n"
        "scheduler = MultiStepLR(optimizer, milestones=[30, 80], gamma=0.1)",
        schedules=_one(MultiStepLR(lr=0.05, milestones=(30, 80), gamma=0.1)),
        steps=100,
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
    ),
    Entry(
        name="PolynomialLR",
        scheduler="PolynomialLR",
        summary="Decay the lr to zero along a polynomial over total_iters epochs: power 1 "
        "is a straight line (the tutorial's example), power 2 a parabola.",
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
        note="The tutorial leaves T_0 and T_mult open; these are everyday values. As in its "
        "example the scheduler steps every batch with a fractional epoch, "
        "scheduler.step(epoch + i / iters), here with 20 batches per epoch.",
    ),
    Entry(
        name="ReduceLROnPlateau",
        scheduler="ReduceLROnPlateau",
        summary="Cut the lr by factor when the metric has not improved for more than "
        "patience epochs. Drawn on a synthetic validation loss (right axis), with the "
        "defaults of the tutorial's ReduceLROnPlateau(optimizer, 'min'); cuts are marked.",
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
    log = " --log" if entry.log else ""
    return f"lrkit plot {quoted}{steps}{epochs}{log} -o {entry.name}.png"


def markdown(entries: Sequence[Entry] = ENTRIES, folder: str = "gallery") -> str:
    """The gallery as a markdown page whose images are in ``folder`` (relative to the page)."""
    folder = folder.replace(os.sep, "/").rstrip("/")
    lines = [
        "# Gallery",
        "",
        "<!-- Generated by `lrkit gallery -o docs/gallery --markdown docs/gallery.md`: "
        "do not edit by hand. -->",
        "",
        "Every scheduler of `torch.optim.lr_scheduler`, drawn by lrkit from its closed form. "
        "The arguments are those of the examples in the tutorial that lrkit started from "
        "where it gives them, and everyday ones where it does not; a few variations follow. "
        "Dotted lines mark milestones and phase ends (`schedule.boundaries`); a dashed curve "
        "on the right axis is the momentum that CyclicLR and OneCycleLR cycle. Steps count "
        "`scheduler.step()` calls: step 0 is the lr right after the scheduler is built.",
        "",
        "Each section gives the torch code, the lrkit config, and the command that draws it. "
        "Where lrkit deliberately differs from torch, see [torch compatibility](torch-compat.md).",
        "",
    ]
    for entry in entries:
        lines += [f"## {entry.title}", "", entry.summary, ""]
        lines += [f"![{entry.title}]({folder}/{entry.name}.png)", ""]
        if entry.note:
            lines += [entry.note, ""]
        lines += ["torch:", "", "```python", entry.torch, "```", ""]
        label = "Its arguments" if entry.plateau is not None else "lrkit config"
        lines += [f"{label}:", "", "```json", _config_text(entry), "```", ""]
        command = _command(entry)
        if command is not None:
            lines += ["Draw it:", "", "```sh", command, "```", ""]
    return "\n".join(lines)


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
        "<p>Every scheduler of <code>torch.optim.lr_scheduler</code>, drawn by lrkit. "
        "Dotted lines mark milestones and phase ends; a dashed curve on the right axis is "
        "the cycled momentum.</p>",
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
        parts += [
            "<h3>torch</h3>",
            f"<pre><code>{esc(entry.torch)}</code></pre>",
            "<h3>lrkit config</h3>" if entry.plateau is None else "<h3>arguments</h3>",
            f"<pre><code>{esc(_config_text(entry))}</code></pre>",
        ]
        command = _command(entry)
        if command is not None:
            parts += ["<h3>draw it</h3>", f"<pre><code>{esc(command)}</code></pre>"]
        parts.append("</section>")
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)
