"""Plot schedules with matplotlib (``pip install matplotlib``, or ``pip install -e ".[plot]"``
in a checkout).

:func:`plot` draws one or several schedules on a matplotlib ``Axes``: the learning rate
per step (or per epoch), dotted lines at the steps where a schedule's formula changes
(milestones, phase ends, restarts: ``schedule.breakpoints``) and, on a second y axis, the
momentum that CyclicLR and OneCycleLR cycle (``schedule.momentum``). It draws lrkit
schedules, schedulers of ``lrkit.torch`` and ``torch.optim.lr_scheduler`` (a copy, wound
back to step 0, is stepped: :func:`lrkit.preview.rerun`) and lists of these. The lr axis
is logarithmic where a linear one would show part of a curve as 0 (:func:`wants_log`).
:func:`save` writes the same figure to a PNG, SVG or PDF file without going through pyplot.

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

__all__ = [
    "Curve",
    "curves",
    "default_steps",
    "figure",
    "grid",
    "plot",
    "png_bytes",
    "save",
    "wants_log",
]

FloatArray = npt.NDArray[np.float64]

#: Beyond this many steps a curve is drawn from a subsample (always keeping the steps
#: next to its boundaries, so drops stay sharp): more points than pixels add nothing.
MAX_POINTS = 20_000
#: The formats :func:`save` writes, by file extension.
FORMATS = ("png", "svg", "pdf")
#: The automatic log axis (:func:`wants_log`): when at least LOG_SHARE of the points drawn
#: lie below LOG_FRACTION of the largest value (and none is 0 or less).
LOG_FRACTION = 0.02
LOG_SHARE = 0.2
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


#: What :func:`plot` draws, for error messages.
ACCEPTS = (
    "an lrkit Schedule (lrkit.StepLR(lr=0.1, step_size=30), ...), a scheduler of "
    "lrkit.torch or torch.optim.lr_scheduler (drawn from a copy wound back to step 0; "
    "ReduceLROnPlateau follows a metric: use lrkit.preview.preview(factory, steps, "
    "metrics=...)), or a non-empty list of these"
)


def _drawable(item: Any) -> bool:
    from lrkit.preview import is_scheduler

    return isinstance(item, Schedule) or is_scheduler(item)


def _as_list(schedules: Any) -> list[Any]:
    """One item, or the items of a list or tuple, each checked (before anything runs)."""
    if _drawable(schedules):
        return [schedules]
    if not isinstance(schedules, (list, tuple)):
        raise TypeError(f"schedules must be {ACCEPTS}; got {_describe(schedules)}")
    items = list(schedules)
    if not items:
        raise ValueError(f"schedules must be {ACCEPTS}; got an empty list")
    for i, item in enumerate(items):
        if not _drawable(item):
            raise TypeError(f"schedules[{i}] must be {ACCEPTS}; got {_describe(item)}")
    return items


def _describe(value: Any) -> str:
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} ({type(value).__module__}.{type(value).__qualname__})"


def curves(
    schedules: Any,
    steps: int | None = None,
    labels: Sequence[str] | None = None,
    *,
    momentum: bool = True,
) -> list[Curve]:
    """Evaluate schedules on steps ``0..steps``.

    By default ``steps`` is :func:`default_steps`, and a schedule that ends before it
    (OneCycleLR) is evaluated up to its end. A torch or ``lrkit.torch`` scheduler is
    previewed with :func:`lrkit.preview.rerun` (a copy from step 0; the scheduler and its
    optimizer are not touched), one curve per param group.
    """
    items = _as_list(schedules)
    defaulted = steps is None
    if steps is None:
        steps = _default_steps(items)
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
        if not isinstance(schedule, Schedule):
            out += _scheduler_curves(schedule, label, int(steps), momentum)
            continue
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


def _default_steps(items: Sequence[Any]) -> int:
    from lrkit.preview import default_length

    lengths = [s.length for s in items if isinstance(s, Schedule) and s.length is not None]
    lengths += [default_length(s) for s in items if not isinstance(s, Schedule)]
    return max(lengths) if lengths else 100


def _scheduler_curves(scheduler: Any, label: str, steps: int, momentum: bool) -> list[Curve]:
    """A torch or drop-in scheduler's curves: one per param group, from a copy at step 0."""
    from lrkit.preview import rerun

    values = rerun(scheduler, steps)
    lr, moment = values["lr"], values["momentum"]
    x = np.arange(lr.shape[0], dtype=np.float64)
    groups = lr.shape[1]
    out = []
    for g in range(groups):
        m = moment[:, g]
        cycled = momentum and bool(np.all(np.isfinite(m))) and float(np.ptp(m)) > 0.0
        out.append(
            Curve(
                label=label if groups == 1 else f"{label} (group {g})",
                steps=x,
                lr=lr[:, g].copy(),
                secondary=m.copy() if cycled else None,
            )
        )
    return out


def wants_log(items: Sequence[Curve]) -> bool:
    """The automatic lr axis: logarithmic when the curves stay above 0 and at least a fifth
    of their points lie below 1/50 of their largest value (where a linear axis shows them
    as 0: the later plateaus of StepLR, the tail of an exponential decay).

    >>> steps = np.arange(101.0)
    >>> wants_log([Curve("a", steps, 0.1 * 0.1 ** (steps // 30))])  # 0.1 .. 1e-4
    True
    >>> wants_log([Curve("a", steps, 0.1 - 0.001 * steps)])  # reaches 0
    False
    """
    values = [c.lr[np.isfinite(c.lr)] for c in items]
    values = [v for v in values if v.size]
    if not values:
        return False
    pooled = np.concatenate(values)
    if float(pooled.min()) <= 0.0:
        return False
    low = np.count_nonzero(pooled < float(pooled.max()) * LOG_FRACTION)
    return bool(low >= LOG_SHARE * pooled.size)


def draw(
    ax: Axes,
    items: Sequence[Curve],
    *,
    log: bool | None = None,
    steps_per_epoch: int | None = None,
    boundaries: bool = True,
    title: str | None = None,
    legend: str = "inside",
) -> Axes:
    """Draw prepared :class:`Curve` s on ``ax``; returns ``ax``.

    ``log``: ``True`` a logarithmic lr axis, ``False`` a linear one, ``None`` the choice
    of :func:`wants_log`. ``legend`` is ``"inside"`` (the Axes' best corner), ``"below"``
    (under this Axes' x label, outside the plot: nothing hides a curve; a figure with
    constrained layout makes room for it) or ``"none"``. Whole steps are ticked at whole
    numbers.
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
    if log is None:
        log = wants_log(items)
    if log:
        ax.set_yscale("log")
        _label_minor_ticks(ax)
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
    if all(c.steps.size and np.array_equal(c.steps, np.round(c.steps)) for c in items) and (
        not steps_per_epoch or steps_per_epoch == 1
    ):
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))  # no step 2.5
    ax.grid(True, alpha=0.3)
    if title:
        ax.set_title(title)
    if legend == "inside" and handles:
        ax.legend(handles=handles, loc="best", fontsize="small", framealpha=0.9)
    elif legend == "below" and handles:
        _legend_below(ax, handles)
    return ax


def _label_minor_ticks(ax: Axes) -> None:
    """Label some minor ticks of a log axis that spans less than two decades."""
    from matplotlib.ticker import LogFormatterSciNotation

    minor = LogFormatterSciNotation(labelOnlyBase=False, minor_thresholds=(2.0, 0.5))
    ax.yaxis.set_minor_formatter(minor)


#: Points between the bottom of an Axes and the top of a legend drawn below it: room for
#: the tick labels and the x label (at the default font sizes).
BELOW_GAP = 40.0


def _legend_below(ax: Axes, handles: list[Any]) -> None:
    """The legend under the Axes' x label, centred, in as many columns as fit."""
    from matplotlib.transforms import ScaledTranslation

    fig = ax.get_figure()
    assert fig is not None
    width = fig.bbox.width * ax.get_position().width
    room = width / 6.5  # about 6.5 pixels a character at the small font size
    longest = max(len(h.get_label()) for h in handles) + 7
    columns = max(1, min(len(handles), 3, int(room // longest)))
    gap = ScaledTranslation(0.0, -BELOW_GAP / 72.0, fig.dpi_scale_trans)
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        bbox_transform=ax.transAxes + gap,
        ncols=columns,
        fontsize="small",
        frameon=False,
    )


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
    schedules: Any,
    steps: int | None = None,
    ax: Axes | None = None,
    *,
    labels: Sequence[str] | None = None,
    log: bool | None = None,
    steps_per_epoch: int | None = None,
    momentum: bool = True,
    boundaries: bool = True,
    title: str | None = None,
    legend: str = "inside",
) -> Axes:
    """Plot one or several schedules; returns the matplotlib ``Axes``.

    Args:
        schedules: a :class:`~lrkit.Schedule`, a scheduler of ``lrkit.torch`` or
            ``torch.optim.lr_scheduler``, or a list of these (drawn on one figure). A
            scheduler is drawn from a copy wound back to step 0 and stepped
            (:func:`lrkit.preview.rerun`): the scheduler and its optimizer are not
            touched, and its ``lr_lambda`` runs only for the steps drawn; one curve per
            param group. ReduceLROnPlateau follows a metric: preview it with
            :func:`lrkit.preview.preview` and ``metrics``.
        steps: draw steps ``0..steps``; default: the largest ``schedule.length`` (for a
            scheduler, :func:`lrkit.preview.default_length`).
        ax: the Axes to draw on; default: a new pyplot figure (so it shows in Jupyter).
        labels: legend labels, one per schedule (default: the class names).
        log: ``True`` a logarithmic lr axis, ``False`` a linear one; by default
            (``None``) logarithmic when the curves stay above 0 and a fifth of their
            points lie below 1/50 of the largest value (:func:`wants_log`).
        steps_per_epoch: show the x axis in epochs of this many steps.
        momentum: draw the cycled momentum (``schedule.momentum``) on a second y axis.
        boundaries: mark ``schedule.breakpoints`` (milestones, phase ends) with dotted lines.
        title: the Axes title.
        legend: ``"inside"`` (the best corner), ``"below"`` (under the x label,
            outside the plot: for a figure with constrained layout) or ``"none"``.
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
    schedules: Any,
    steps: int | None = None,
    *,
    size: tuple[float, float] = SIZE,
    dpi: float = 100.0,
    **options: Any,
) -> None:
    """Plot schedules (what :func:`plot` takes, with its options) straight into a PNG, SVG
    or PDF file, without pyplot."""
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
        schedules: Any,
        steps: int | None = None,
        ax: Axes | None = None,
        **options: Any,
    ) -> Axes:
        return plot(schedules, steps, ax, **options)


sys.modules[__name__].__class__ = _CallableModule
