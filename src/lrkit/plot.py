"""Plot schedules with matplotlib (``pip install 'lrkit[plot]'``).

:func:`plot` draws one or several schedules on a matplotlib ``Axes``: the learning rate
per step (or per epoch), dotted lines at the steps where a schedule's formula changes
(milestones, phase ends, restarts: ``schedule.breakpoints``) and, on a second y axis, the
momentum that CyclicLR and OneCycleLR cycle (``schedule.momentum``). :func:`save` writes
the same figure to a PNG, SVG or PDF file without going through pyplot.

matplotlib is imported only when a function here is called: ``import lrkit`` and
``import lrkit.plot`` never import it. The module itself is callable:
``lrkit.plot(schedule)`` is :func:`plot`.

>>> import lrkit, lrkit.plot
>>> ax = lrkit.plot.plot(lrkit.CosineAnnealingLR(lr=0.1, T_max=100))  # doctest: +SKIP
"""

from __future__ import annotations

import io
import os
import sys
import types
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, BinaryIO

import numpy as np
import numpy.typing as npt

from lrkit.core import Schedule

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["Curve", "curves", "default_steps", "figure", "grid", "plot", "png_bytes", "save"]

FloatArray = npt.NDArray[np.float64]

#: Beyond this many steps a curve is drawn from a subsample (always keeping the steps
#: next to its boundaries, so drops stay sharp): more points than pixels add nothing.
MAX_POINTS = 20_000
#: The formats :func:`save` writes, by file extension.
FORMATS = ("png", "svg", "pdf")
#: The default figure size in inches (at 100 dpi: 800 x 450 pixels).
SIZE = (8.0, 4.5)


@dataclass(frozen=True)
class Curve:
    """Values to draw: a learning rate per step and, optionally, a second quantity.

    ``secondary`` is drawn dashed on a second y axis labelled ``secondary_label``
    (the cycled momentum, or the metric that drove a ReduceLROnPlateau).
    """

    label: str
    steps: FloatArray
    lr: FloatArray
    boundaries: tuple[float, ...] = ()
    secondary: FloatArray | None = None
    secondary_label: str = "momentum"
    boundary_label: str = "milestones / phase ends"
    style: dict[str, Any] = field(default_factory=dict)


def default_steps(schedules: Sequence[Schedule]) -> int:
    """The number of steps that shows every schedule whole: the largest ``length`` (else 100)."""
    lengths = [s.length for s in schedules if s.length is not None]
    return max(lengths) if lengths else 100


def grid(steps: int, boundaries: Sequence[float] = ()) -> FloatArray:
    """The steps a curve over ``0..steps`` is drawn from (``lrkit show`` uses them too).

    Every whole step up to :data:`MAX_POINTS` steps; past that, :data:`MAX_POINTS` whole
    steps spread evenly from 0 to ``steps`` and the steps next to each of ``boundaries``
    (so that drops stay sharp). Memory and time do not grow with ``steps``.

    >>> grid(3).tolist()
    [0.0, 1.0, 2.0, 3.0]
    >>> grid(10**9).size <= MAX_POINTS + 3
    True
    """
    return _grid(steps, [b for b in boundaries if 0 < b < steps])


def _grid(steps: int, boundaries: Sequence[float]) -> FloatArray:
    """The whole steps ``0..steps``, subsampled past :data:`MAX_POINTS`."""
    if steps + 1 <= MAX_POINTS:
        return np.arange(steps + 1, dtype=np.float64)
    base = np.round(np.linspace(0.0, steps, MAX_POINTS))
    near = [b + d for b in boundaries for d in (-1.0, 0.0, 1.0) if 0 <= b + d <= steps]
    extra = np.floor(np.asarray(near, dtype=np.float64))
    return np.unique(np.concatenate((base, extra)))


def _as_list(schedules: Schedule | Sequence[Schedule]) -> list[Schedule]:
    if isinstance(schedules, Schedule):
        return [schedules]
    items = list(schedules)
    if not items:
        raise ValueError("schedules must be a Schedule or a non-empty list of them, got []")
    for i, item in enumerate(items):
        if not isinstance(item, Schedule):
            raise TypeError(f"schedules[{i}] must be an lrkit Schedule, got {item!r}")
    return items


def curves(
    schedules: Schedule | Sequence[Schedule],
    steps: int | None = None,
    labels: Sequence[str] | None = None,
    *,
    momentum: bool = True,
) -> list[Curve]:
    """Evaluate schedules on steps ``0..steps``.

    By default ``steps`` is :func:`default_steps`, and a schedule that ends before it
    (OneCycleLR) is evaluated up to its end.
    """
    items = _as_list(schedules)
    defaulted = steps is None
    if steps is None:
        steps = default_steps(items)
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"steps must be an integer >= 0, got {steps!r}")
    if labels is None:
        labels = [type(s).__name__ for s in items]
    elif len(labels) != len(items):
        raise ValueError(
            f"labels must have one label per schedule ({len(items)}), got {len(labels)}"
        )
    out = []
    for schedule, label in zip(items, labels, strict=True):
        last = int(steps)
        if defaulted and schedule.length is not None and schedule.length < last:
            try:  # a schedule that ends (OneCycleLR) is drawn up to its end
                schedule(float(last))
            except ValueError:
                last = schedule.length
        marks = tuple(b for b in schedule.breakpoints if 0 < b < last)
        x = _grid(last, marks)
        lr = schedule.evaluate_array(x)
        cycled = schedule.momentum if momentum else None
        out.append(
            Curve(
                label=label,
                steps=x,
                lr=lr,
                boundaries=marks,
                secondary=cycled.evaluate_array(x) if cycled is not None else None,
            )
        )
    return out


def draw(
    ax: Axes,
    items: Sequence[Curve],
    *,
    log: bool = False,
    steps_per_epoch: int | None = None,
    boundaries: bool = True,
    title: str | None = None,
    legend: str = "inside",
) -> Axes:
    """Draw prepared :class:`Curve` s on ``ax``; returns ``ax``.

    ``legend`` is ``"inside"`` (the Axes' best corner), ``"below"`` (under the plot, for
    a figure with constrained layout: nothing hides a curve) or ``"none"``.
    """
    if legend not in ("inside", "below", "none"):
        raise ValueError(f"legend must be 'inside', 'below' or 'none', got {legend!r}")
    if steps_per_epoch is not None and (
        isinstance(steps_per_epoch, bool)
        or not isinstance(steps_per_epoch, int)
        or steps_per_epoch < 1
    ):
        raise ValueError(f"steps_per_epoch must be a positive integer, got {steps_per_epoch!r}")
    scale = float(steps_per_epoch) if steps_per_epoch else 1.0
    colors = _colors(len(items))
    single = len(items) == 1
    second: Axes | None = None
    handles: list[Any] = []
    marks: dict[float, str] = {}
    for i, curve in enumerate(items):
        color = colors[i]
        x = curve.steps / scale
        few = curve.steps.size <= 41
        style: dict[str, Any] = {
            "color": color,
            "linewidth": 2.0,
            "label": curve.label,
            "zorder": 3,
        }
        if few:
            style.update(marker="o", markersize=3.5)
        if few or _flat_mostly(curve.lr):
            style.update(drawstyle="steps-post")  # drops are vertical, as they happen
        style.update(curve.style)
        (line,) = ax.plot(x, curve.lr, **style)
        handles.append(line)
        if boundaries:
            for b in curve.boundaries:
                if b not in marks:
                    marks[b] = curve.boundary_label
        if curve.secondary is not None:
            if second is None:
                second = ax.twinx()
                second.set_ylabel(curve.secondary_label)
                second.grid(False)
            shade = "tab:orange" if single else color
            (aux,) = second.plot(
                x,
                curve.secondary,
                color=shade,
                linestyle="--",
                linewidth=1.4,
                alpha=0.85 if single else 0.6,
                label=curve.secondary_label
                if single
                else f"{curve.label} ({curve.secondary_label})",
                zorder=2,
            )
            handles.append(aux)
            if single:
                second.yaxis.label.set_color(shade)
                second.tick_params(axis="y", colors=shade)
    labelled: set[str] = set()
    guides = []
    for b, text in sorted(marks.items()):
        guide = ax.axvline(
            b / scale, color="0.35", linestyle=":", linewidth=1.0, alpha=0.8, zorder=1
        )
        if text not in labelled:
            labelled.add(text)
            guide.set_label(text)
            guides.append(guide)
    handles += guides
    if second is not None:
        # The lr axes above the second one: its curves and legend are drawn on top.
        ax.set_zorder(second.get_zorder() + 1)
        ax.patch.set_visible(False)
    ax.set_xlabel("epoch" if steps_per_epoch else "step")
    ax.set_ylabel("learning rate")
    if log:
        ax.set_yscale("log")
    else:
        lows = [float(np.nanmin(c.lr)) for c in items if c.lr.size]
        if lows and min(lows) >= 0:
            ax.set_ylim(bottom=0.0)
    last = max((float(c.steps[-1]) for c in items if c.steps.size), default=1.0) / scale
    last = last if last > 0 else 1.0
    if any(c.steps.size <= 41 for c in items):
        ax.set_xlim(-0.02 * last, 1.02 * last)  # room for the markers at both ends
    else:
        ax.set_xlim(0.0, last)
    ax.grid(True, alpha=0.3)
    if title:
        ax.set_title(title)
    if legend == "inside" and handles:
        ax.legend(handles=handles, loc="best", fontsize="small", framealpha=0.9)
    elif legend == "below" and handles:
        fig = ax.get_figure()
        assert fig is not None
        # As many columns as fit across the figure (about 6.5 pixels a character).
        room = fig.bbox.width / 6.5
        longest = max(len(h.get_label()) for h in handles) + 7
        columns = max(1, min(len(handles), 3, int(room // longest)))
        fig.legend(
            handles=handles,
            loc="outside lower center",
            ncols=columns,
            fontsize="small",
            frameon=False,
        )
    return ax


def _flat_mostly(values: FloatArray) -> bool:
    """Whether a curve is mostly flat between jumps (StepLR, plateau cuts): drawn as steps."""
    if values.size < 3:
        return False
    with np.errstate(invalid="ignore"):
        same = np.count_nonzero(np.diff(values) == 0.0)
    return bool(same * 2 >= values.size - 1)


def _colors(count: int) -> list[Any]:
    cycle = [entry["color"] for entry in _prop_cycle()] or ["C0"]
    return [cycle[i % len(cycle)] for i in range(count)]


def _prop_cycle() -> list[dict[str, Any]]:
    import matplotlib as mpl

    cycler = mpl.rcParams["axes.prop_cycle"]
    return [entry for entry in cycler if "color" in entry]


def plot(
    schedules: Schedule | Sequence[Schedule],
    steps: int | None = None,
    ax: Axes | None = None,
    *,
    labels: Sequence[str] | None = None,
    log: bool = False,
    steps_per_epoch: int | None = None,
    momentum: bool = True,
    boundaries: bool = True,
    title: str | None = None,
    legend: str = "inside",
) -> Axes:
    """Plot one or several schedules; returns the matplotlib ``Axes``.

    Args:
        schedules: a :class:`~lrkit.Schedule` or a list of them (drawn on one figure).
        steps: draw steps ``0..steps``; default: the largest ``schedule.length``.
        ax: the Axes to draw on; default: a new pyplot figure (so it shows in Jupyter).
        labels: legend labels, one per schedule (default: the class names).
        log: a logarithmic lr axis.
        steps_per_epoch: show the x axis in epochs of this many steps.
        momentum: draw the cycled momentum (``schedule.momentum``) on a second y axis.
        boundaries: mark ``schedule.breakpoints`` (milestones, phase ends) with dotted lines.
        title: the Axes title.
        legend: ``"inside"`` (the best corner), ``"below"`` (under the plot, for a
            figure with constrained layout) or ``"none"``.
    """
    items = curves(schedules, steps, labels, momentum=momentum)
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=SIZE, layout="constrained")
    return draw(
        ax,
        items,
        log=log,
        steps_per_epoch=steps_per_epoch,
        boundaries=boundaries,
        title=title,
        legend=legend,
    )


def figure(size: tuple[float, float] = SIZE, dpi: float = 100.0) -> tuple[Figure, Axes]:
    """A new matplotlib Figure (not registered with pyplot) and its Axes."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, dpi=dpi, layout="constrained")
    return fig, fig.add_subplot()


def write(fig: Figure, path: str | os.PathLike[str] | BinaryIO, fmt: str | None = None) -> None:
    """Save ``fig`` as PNG, SVG or PDF (by ``fmt`` or the file's extension), reproducibly."""
    if fmt is None:
        if not isinstance(path, (str, os.PathLike)):
            raise ValueError("give fmt ('png', 'svg' or 'pdf') when writing to a file object")
        fmt = os.path.splitext(os.fspath(path))[1].lower().lstrip(".")
        if fmt not in FORMATS:
            raise ValueError(
                f"the output file must end in .png, .svg or .pdf, got {os.fspath(path)!r}"
            )
    kind = fmt
    if kind not in FORMATS:
        raise ValueError(f"fmt must be one of 'png', 'svg', 'pdf', got {kind!r}")
    import matplotlib as mpl

    metadata: dict[str, Any] = {
        "png": {"Software": None},
        "svg": {"Date": None},
        "pdf": {"CreationDate": None},
    }[kind]
    with mpl.rc_context({"svg.hashsalt": "lrkit"}):
        fig.savefig(path, format=kind, dpi=fig.dpi, metadata=metadata)


def save(
    path: str | os.PathLike[str],
    schedules: Schedule | Sequence[Schedule],
    steps: int | None = None,
    *,
    size: tuple[float, float] = SIZE,
    dpi: float = 100.0,
    **options: Any,
) -> None:
    """Plot schedules (options as for :func:`plot`) straight into a PNG, SVG or PDF file."""
    fig, ax = figure(size, dpi)
    options.setdefault("legend", "below")
    plot(schedules, steps, ax, **options)
    write(fig, path)


def png_bytes(
    schedule: Schedule, size: tuple[float, float] = (6.0, 3.2), dpi: float = 100.0
) -> bytes:
    """The schedule's plot as PNG bytes (what Jupyter shows for a schedule)."""
    fig, ax = figure(size, dpi)
    plot(schedule, ax=ax, labels=[_short_repr(schedule)], legend="below")
    buffer = io.BytesIO()
    write(fig, buffer, "png")
    return buffer.getvalue()


def _short_repr(schedule: Schedule, limit: int = 60) -> str:
    text = repr(schedule)
    return text if len(text) <= limit else type(schedule).__name__


class _CallableModule(types.ModuleType):
    """This module, callable: ``lrkit.plot(schedule)`` is ``lrkit.plot.plot(schedule)``."""

    def __call__(
        self,
        schedules: Schedule | Sequence[Schedule],
        steps: int | None = None,
        ax: Axes | None = None,
        **options: Any,
    ) -> Axes:
        return plot(schedules, steps, ax, **options)


sys.modules[__name__].__class__ = _CallableModule
