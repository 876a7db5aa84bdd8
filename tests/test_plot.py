"""lrkit.plot (matplotlib, Agg), the terminal plot, Jupyter display and preview().

Plotted data is read back from the matplotlib artists and compared with the schedules;
pictures are decoded and checked for size and content; preview() is checked against
torch loops written out here and against lrkit's closed forms.
"""

from __future__ import annotations

import io
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import matplotlib
import matplotlib.image as mpimg
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure

import lrkit
import lrkit.plot as lp
import lrkit.torch
from lrkit._termplot import render, summary
from lrkit.core._plateau import simulate
from lrkit.preview import preview

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parent.parent


def new_axes() -> Any:
    return Figure(figsize=(8, 4.5), layout="constrained").add_subplot()


def _tick_texts(axis: Any) -> list[Any]:
    """The tick labels matplotlib draws: visible, non-empty, at ticks inside the view."""
    low, high = sorted(axis.get_view_interval())
    span = (high - low) or 1.0
    out = []
    for tick in [*axis.get_major_ticks(), *axis.get_minor_ticks()]:
        loc = tick.get_loc()
        if loc is None or not (low - 1e-9 * span <= loc <= high + 1e-9 * span):
            continue
        for label in (tick.label1, tick.label2):
            if label.get_visible() and label.get_text():
                out.append(label)
    return out


def layout_problems(fig: Any) -> list[str]:
    """What is wrong with a figure's layout, measured by matplotlib's renderer after a draw
    (which runs the layout engine): texts (titles, axis labels, drawn tick labels) and
    legends whose bounding boxes overlap, and legends covering a curve's lowest points
    (the solid lines; dotted guides and dashed momentum curves aside)."""
    if not hasattr(fig.canvas, "get_renderer"):  # a Figure made without pyplot
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        FigureCanvasAgg(fig)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = []
    legends = [*fig.legends, *(ax.get_legend() for ax in fig.axes if ax.get_legend() is not None)]
    for ax in fig.axes:
        texts = [ax.title, ax._left_title, ax._right_title, ax.xaxis.label, ax.yaxis.label]
        texts += _tick_texts(ax.xaxis) + _tick_texts(ax.yaxis)
        for t in texts:
            if t.get_visible() and t.get_text():
                boxes.append((f"{t.get_text()!r}", t.get_window_extent(renderer)))
    for i, legend in enumerate(legends):
        boxes.append((f"legend {i}", legend.get_window_extent(renderer)))
    problems = []
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            a, b = boxes[i][1].padded(-0.5), boxes[j][1].padded(-0.5)
            if a.overlaps(b):
                problems.append(f"{boxes[i][0]} overlaps {boxes[j][0]}")
    for ax in fig.axes:
        for line in ax.get_lines():
            if line.get_linestyle() == ":" or line.get_linestyle() == "--":
                continue
            x, y = np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)
            ok = np.isfinite(y)
            if not ok.any():
                continue
            low = np.flatnonzero(ok & (y == np.nanmin(y[ok])))
            points = ax.transData.transform(np.column_stack((x[low], y[low])))
            for legend in legends:
                box = legend.get_window_extent(renderer)
                covered = [p for p in points if box.contains(*p)]
                if covered:
                    problems.append(
                        f"a legend covers {len(covered)} lowest points of {line.get_label()!r}"
                    )
    return problems


def lr_lines(ax: Any) -> list[Any]:
    """The data lines (not the dotted boundary guides)."""
    return [line for line in ax.get_lines() if line.get_linestyle() != ":"]


def test_importing_lrkit_imports_neither_matplotlib_nor_torch() -> None:
    code = (
        "import sys, lrkit, lrkit.plot, lrkit.cli, lrkit.gallery, lrkit.preview, lrkit.config._spec\n"
        "import lrkit.__main__\n"
        "bad = [m for m in ('matplotlib', 'torch', 'yaml') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": ""},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_plot_draws_the_schedule_values() -> None:
    s = lrkit.CosineAnnealingLR(lr=0.1, T_max=50, eta_min=0.01)
    ax = lp.plot(s, ax=new_axes())
    (line,) = lr_lines(ax)
    x, y = line.get_xdata(), line.get_ydata()
    assert list(x) == list(range(51))  # default steps: the schedule's length (T_max)
    assert list(y) == [s(float(t)) for t in range(51)] or np.allclose(
        y, s(np.arange(51)), rtol=4e-16
    )
    assert ax.get_xlabel() == "step" and ax.get_ylabel() == "learning rate"
    assert ax.get_xlim() == (0.0, 50.0)
    assert ax.get_ylim()[0] == 0.0
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["CosineAnnealingLR"]


def test_plot_marks_boundaries_and_cycled_momentum_on_a_second_axis() -> None:
    s = lrkit.OneCycleLR(max_lr=0.1, total_steps=200, three_phase=True)
    assert s.momentum is not None
    ax = lp.plot(s, ax=new_axes())
    guides = [line for line in ax.get_lines() if line.get_linestyle() == ":"]
    assert sorted(float(g.get_xdata()[0]) for g in guides) == sorted(s.breakpoints)
    (twin,) = [other for other in ax.get_figure().axes if other is not ax]
    assert twin.get_ylabel() == "momentum"
    (mline,) = twin.get_lines()
    assert np.array_equal(mline.get_ydata(), s.momentum(np.arange(201.0)))
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["OneCycleLR", "momentum", "milestones / phase ends"]
    without = lp.plot(s, ax=new_axes(), momentum=False, boundaries=False)
    assert len(without.get_figure().axes) == 1
    assert all(line.get_linestyle() != ":" for line in without.get_lines())


def test_plot_several_schedules_labels_epochs_and_log() -> None:
    a = lrkit.StepLR(lr=0.1, step_size=30)
    b = lrkit.MultiStepLR(lr=0.1, milestones=[40, 70])
    ax = lp.plot([a, b], steps=100, ax=new_axes(), labels=["a", "b"], log=True, steps_per_epoch=10,
                 title="two")  # fmt: skip
    lines = lr_lines(ax)
    assert [line.get_label() for line in lines] == ["a", "b"]
    assert np.array_equal(lines[0].get_xdata(), np.arange(101) / 10)
    assert np.allclose(lines[1].get_ydata(), b(np.arange(101.0)), rtol=4e-16)
    assert lines[0].get_drawstyle() == "steps-post"  # piecewise constant: drawn as steps
    assert ax.get_yscale() == "log"
    assert ax.get_xlabel() == "epoch" and ax.get_title() == "two"
    assert ax.get_xlim() == (0.0, 10.0)
    guides = [line for line in ax.get_lines() if line.get_linestyle() == ":"]
    # a dotted guide at each boundary: StepLR's drops (30, 60, 90), MultiStepLR's milestones
    marks = sorted({m / 10 for m in (*a.breakpoints, *b.breakpoints) if m < 100})
    assert marks == [3.0, 4.0, 6.0, 7.0, 9.0]
    assert sorted(float(g.get_xdata()[0]) for g in guides) == marks


def test_plot_default_steps_cover_every_schedule_but_stop_each_at_its_end() -> None:
    long = lrkit.CosineAnnealingLR(lr=0.1, T_max=300)
    short = lrkit.OneCycleLR(max_lr=0.1, total_steps=100)
    ax = lp.plot([long, short], ax=new_axes())
    first, second = lr_lines(ax)
    assert first.get_xdata()[-1] == 300
    assert second.get_xdata()[-1] == 100
    with pytest.raises(ValueError, match="at most total_steps=100"):
        lp.plot([long, short], steps=300, ax=new_axes())


def test_long_curves_are_subsampled_but_keep_their_drops() -> None:
    s = lrkit.MultiStepLR(lr=1.0, milestones=[123_457, 654_321], gamma=0.5)
    (curve,) = lp.curves(s, 1_000_000)
    assert curve.steps.size <= lp.MAX_POINTS + 6
    for m in s.milestones:
        assert m - 1 in curve.steps and m in curve.steps
    assert np.array_equal(curve.lr, s(curve.steps))


def test_plot_without_ax_uses_pyplot() -> None:
    import matplotlib.pyplot as plt

    ax = lp.plot(lrkit.ExponentialLR(lr=0.1, gamma=0.95))
    try:
        assert ax.get_figure() is plt.gcf()
        assert len(lr_lines(ax)[0].get_xdata()) == 101
    finally:
        plt.close("all")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: lp.plot([], ax=new_axes()), "non-empty list"),
        (lambda: lp.plot([lrkit.StepLR(lr=0.1, step_size=3), 3], ax=new_axes()), r"schedules\[1\]"),
        (lambda: lp.plot(lrkit.StepLR(lr=0.1, step_size=3), steps=-1, ax=new_axes()), "steps must"),
        (lambda: lp.plot(lrkit.StepLR(lr=0.1, step_size=3), ax=new_axes(), steps_per_epoch=0),
         "steps_per_epoch must"),
        (lambda: lp.plot(lrkit.StepLR(lr=0.1, step_size=3), ax=new_axes(), labels=["a", "b"]),
         "one label per schedule"),
        (lambda: lp.plot(lrkit.StepLR(lr=0.1, step_size=3), ax=new_axes(), legend="left"),
         "legend must"),
        (lambda: lp.save("x.gif", lrkit.StepLR(lr=0.1, step_size=3)), r"\.png, \.svg or \.pdf"),
    ],
)  # fmt: skip
def test_plot_rejects_bad_input(call: Any, message: str) -> None:
    with pytest.raises((ValueError, TypeError), match=message):
        call()


def test_save_writes_reproducible_files(tmp_path: Path) -> None:
    s = lrkit.CyclicLR(base_lr=0.01, max_lr=0.1, step_size_up=20)
    for kind in ("png", "svg", "pdf"):
        first, second = tmp_path / f"a.{kind}", tmp_path / f"b.{kind}"
        lp.save(first, s)
        lp.save(second, s)
        assert first.read_bytes() == second.read_bytes(), kind
    image = mpimg.imread(tmp_path / "a.png")
    assert image.shape == (450, 800, 4)
    assert image[..., :3].std() > 0.05


def test_jupyter_display_is_a_sized_png() -> None:
    s = lrkit.OneCycleLR(max_lr=0.1, total_steps=500)
    data = s._repr_png_()
    assert data is not None and data[:8] == b"\x89PNG\r\n\x1a\n"
    image = mpimg.imread(io.BytesIO(data), format="png")
    assert image.shape == (320, 600, 4)
    assert image[..., :3].std() > 0.05


# -- the terminal plot ----------------------------------------------------------------------


def test_render_constant_and_nonfinite_values() -> None:
    lines = render(np.arange(11.0), np.full(11, 0.1), width=70, height=4, chars="block")
    assert len(lines) == 4 + 2 + 1
    rows = lines[:4]
    assert all(len(row) == 70 for row in rows)
    drawn = [i for i, row in enumerate(rows) if row[5:].strip()]
    labelled = [i for i, row in enumerate(rows) if row[:3].strip()]
    assert drawn == labelled == [2]  # a flat line, in one row, labelled with its value
    assert rows[2].startswith("0.1 ┤▀▀▀")
    assert lines[-1] == "min 0.1 at step 0   max 0.1 at step 0   final 0.1 at step 10"
    values = np.array([1.0, np.inf, 0.5, np.nan, 0.25])
    assert summary(np.arange(5.0), values) == [
        "min 0.25 at step 4", "max 1 at step 0", "final 0.25 at step 4", "2 non-finite values not drawn",
    ]  # fmt: skip


def test_render_rejects_bad_layouts() -> None:
    with pytest.raises(ValueError, match="chars must be one of"):
        render([0.0, 1.0], [1.0, 2.0], chars="emoji")
    with pytest.raises(ValueError, match="height must be at least 2"):
        render([0.0, 1.0], [1.0, 2.0], height=1)
    with pytest.raises(ValueError, match="same length"):
        render([0.0, 1.0], [1.0], height=3)


# -- preview ------------------------------------------------------------------------------------


def torch_loop(
    make: Any, steps: int, lrs: tuple[float, ...], momentum: float = 0.9
) -> np.ndarray[Any, Any]:
    """The lr of every group after construction and after each step, by hand."""
    params = [torch.nn.Parameter(torch.zeros(3)) for _ in lrs]
    opt = torch.optim.SGD([{"params": [p], "lr": lr} for p, lr in zip(params, lrs, strict=True)],
                          lr=lrs[0], momentum=momentum)  # fmt: skip
    sched = make(opt)
    out = [[g["lr"] for g in opt.param_groups]]
    for _ in range(steps):
        opt.step()
        sched.step()
        out.append([g["lr"] for g in opt.param_groups])
    return np.array(out)


def test_preview_matches_a_torch_loop_and_lrkit() -> None:
    L = torch.optim.lr_scheduler
    lrs = (0.1, 0.02)
    make = lambda opt: L.CosineAnnealingLR(opt, T_max=40, eta_min=0.001)  # noqa: E731
    got = preview(make, 60, lrs=lrs)
    assert got["lr"].shape == (61, 2) and got["momentum"].shape == (61, 2)
    assert np.array_equal(got["lr"], torch_loop(make, 60, lrs))
    assert np.all(got["momentum"] == 0.9)
    for g, lr in enumerate(lrs):
        closed = lrkit.CosineAnnealingLR(lr=lr, T_max=40, eta_min=0.001)
        assert np.allclose(got["lr"][:, g], closed(np.arange(61.0)), rtol=1e-12, atol=1e-18)


def test_preview_records_cycled_momentum_sgd_and_adam() -> None:
    L = torch.optim.lr_scheduler
    closed = lrkit.OneCycleLR(max_lr=0.1, total_steps=100)
    assert closed.momentum is not None
    t = np.arange(100.0)  # torch extrapolates at total_steps; compare before it
    for optimizer in ("sgd", "adam"):
        got = preview(lambda opt: L.OneCycleLR(opt, max_lr=0.1, total_steps=100), 99,
                      optimizer=optimizer)  # fmt: skip
        assert np.allclose(got["lr"][:, 0], closed(t), rtol=1e-12, atol=1e-18)
        assert np.allclose(got["momentum"][:, 0], closed.momentum(t), rtol=1e-12)


def test_preview_drives_reduce_on_plateau_with_metrics() -> None:
    L = torch.optim.lr_scheduler
    rng = np.random.default_rng(3)
    metrics = list(1.0 / np.arange(1, 61) + rng.normal(0, 0.01, 60))
    got = preview(lambda opt: L.ReduceLROnPlateau(opt, patience=3, factor=0.5), 60, metrics=metrics)
    assert np.array_equal(got["lr"][:, 0], simulate(metrics, 0.1, patience=3, factor=0.5))
    assert got["lr"][-1, 0] < 0.1  # it did cut


def test_preview_works_with_the_drop_in() -> None:
    dropin = lrkit.torch  # no skip: the drop-in is part of lrkit
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        got = preview(lambda opt: dropin.StepLR(opt, step_size=3, gamma=0.5), 10, lrs=(1.0,))
    assert np.array_equal(
        got["lr"][:, 0], lrkit.StepLR(lr=1.0, step_size=3, gamma=0.5)(np.arange(11.0))
    )


def test_preview_rejects_bad_input() -> None:
    L = torch.optim.lr_scheduler
    make = lambda opt: L.StepLR(opt, step_size=2)  # noqa: E731
    with pytest.raises(ValueError, match="steps must be an integer >= 0"):
        preview(make, -1)
    with pytest.raises(ValueError, match="optimizer must be 'sgd' or 'adam'"):
        preview(make, 3, optimizer="rmsprop")
    with pytest.raises(ValueError, match="lrs must hold at least one"):
        preview(make, 3, lrs=())
    with pytest.raises(ValueError, match="metrics must hold at least steps=5"):
        preview(make, 5, metrics=[1.0])


# -- torch and drop-in schedulers: drawn from a copy at step 0 ----------------------------------


def scheduler_makers(module: Any) -> dict[str, Any]:
    """A factory per class of ``module`` (torch.optim.lr_scheduler or lrkit.torch)."""
    M = module
    return {
        "LambdaLR": lambda o: M.LambdaLR(o, lr_lambda=lambda e: 0.95**e),
        "MultiplicativeLR": lambda o: M.MultiplicativeLR(o, lr_lambda=lambda e: 0.95),
        "StepLR": lambda o: M.StepLR(o, 3, 0.5),
        "MultiStepLR": lambda o: M.MultiStepLR(o, [3, 7], 0.1),
        "ConstantLR": lambda o: M.ConstantLR(o, factor=0.5, total_iters=4),
        "LinearLR": lambda o: M.LinearLR(o, start_factor=0.5, total_iters=4),
        "ExponentialLR": lambda o: M.ExponentialLR(o, 0.9),
        "PolynomialLR": lambda o: M.PolynomialLR(o, total_iters=4, power=2.0),
        "CosineAnnealingLR": lambda o: M.CosineAnnealingLR(o, T_max=10, eta_min=0.001),
        "CosineAnnealingWarmRestarts": lambda o: M.CosineAnnealingWarmRestarts(o, T_0=5, T_mult=2),
        "CyclicLR": lambda o: M.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=5),
        "OneCycleLR": lambda o: M.OneCycleLR(o, max_lr=0.1, total_steps=30),
        "ChainedScheduler": lambda o: M.ChainedScheduler(
            [M.ConstantLR(o, factor=0.1, total_iters=2), M.ExponentialLR(o, 0.9)]
        ),
        "SequentialLR": lambda o: M.SequentialLR(
            o, [M.LinearLR(o, start_factor=0.1, total_iters=3), M.CosineAnnealingLR(o, T_max=10)],
            milestones=[3],
        ),
    }  # fmt: skip


def live_optimizer() -> torch.optim.SGD:
    groups = [{"params": [torch.nn.Parameter(torch.ones(2))], "lr": lr} for lr in (0.1, 0.05)]
    return torch.optim.SGD(groups, lr=0.1, momentum=0.9)


def snapshot(scheduler: Any, opt: torch.optim.Optimizer) -> Any:
    """Everything plotting must leave alone: the scheduler's state, the groups, the params."""
    groups = [{k: v for k, v in g.items() if k != "params"} for g in opt.param_groups]
    params = [p.detach().clone().tolist() for g in opt.param_groups for p in g["params"]]
    state = {k: repr(v) for k, v in scheduler.state_dict().items()}
    epoch = getattr(scheduler, "last_epoch", None)  # ChainedScheduler has none
    return repr(groups), params, repr(opt.state_dict()["state"]), state, epoch


CASES = [
    (m, name)
    for m in ("torch", "lrkit.torch")
    for name in scheduler_makers(torch.optim.lr_scheduler)
]


@pytest.mark.parametrize(("module", "name"), CASES, ids=[f"{m}-{n}" for m, n in CASES])
def test_plot_draws_a_live_scheduler_from_step_0_and_leaves_it_alone(
    module: str, name: str
) -> None:
    """A scheduler 13 steps into training is drawn as a fresh one runs (a loop written
    here, from a new optimizer), and it, its optimizer and their state stay as they were."""
    M = torch.optim.lr_scheduler if module == "torch" else lrkit.torch
    make = scheduler_makers(M)[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        fresh = torch_loop(make, 25, (0.1, 0.05))
        opt = live_optimizer()
        live = make(opt)
        for _ in range(13):
            for g in opt.param_groups:
                for p in g["params"]:
                    p.grad = torch.ones_like(p)
            opt.step()
            live.step()
    before = snapshot(live, opt)
    ax = lp.plot(live, steps=25, ax=new_axes())
    assert snapshot(live, opt) == before
    lines = lr_lines(ax)
    assert [line.get_label() for line in lines] == [f"{name} (group 0)", f"{name} (group 1)"]
    for g, line in enumerate(lines):
        assert list(line.get_xdata()) == list(range(26))
        np.testing.assert_allclose(line.get_ydata(), fresh[:, g], rtol=1e-12, atol=1e-18)
    twins = [a for a in ax.get_figure().axes if a is not ax]
    assert bool(twins) == (name in ("CyclicLR", "OneCycleLR"))  # a cycled momentum only


def test_a_user_lambda_runs_only_for_the_steps_drawn_on_the_copy() -> None:
    for module in (torch.optim.lr_scheduler, lrkit.torch):
        calls: list[int] = []

        def factor(epoch: int, calls: list[int] = calls) -> float:
            calls.append(epoch)
            return 0.9**epoch

        opt = live_optimizer()
        live = module.LambdaLR(opt, lr_lambda=factor)
        for _ in range(4):
            opt.step()
            live.step()
        assert calls == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]  # two groups, steps 0..4
        before = snapshot(live, opt)
        del calls[:]
        ax = lp.plot(live, steps=6, ax=new_axes())
        assert calls == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6]  # the copy's steps 0..6
        assert snapshot(live, opt) == before
        assert live.last_epoch == 4 and [g["lr"] for g in opt.param_groups] == [
            0.1 * 0.9**4, 0.05 * 0.9**4,
        ]  # fmt: skip
        assert np.allclose(lr_lines(ax)[0].get_ydata(), 0.1 * 0.9 ** np.arange(7.0), rtol=1e-15)


def test_a_bound_method_stays_with_its_object() -> None:
    """A method of the user's object is shared with the copy, not copied with its object:
    its counter counts the previewed calls, and nothing else changes."""

    class Policy:
        def __init__(self) -> None:
            self.calls = 0

        def factor(self, epoch: int) -> float:
            self.calls += 1
            return 1.0 / (1 + epoch)

    for module in (torch.optim.lr_scheduler, lrkit.torch):
        policy = Policy()
        opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(2))], lr=0.1)
        live = module.LambdaLR(opt, lr_lambda=policy.factor)
        opt.step()
        live.step()
        assert policy.calls == 2
        ax = lp.plot(live, steps=9, ax=new_axes())
        assert policy.calls == 2 + 10  # steps 0..9 of the copy
        assert live.last_epoch == 1 and opt.param_groups[0]["lr"] == 0.05
        assert np.allclose(lr_lines(ax)[0].get_ydata(), 0.1 / (1 + np.arange(10.0)), rtol=1e-15)


def test_plot_mixes_schedules_and_schedulers_with_default_lengths() -> None:
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(2))], lr=0.1)
    dropin = lrkit.torch.StepLR(opt, step_size=3, gamma=0.5)
    real = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=40)
    closed = lrkit.CosineAnnealingLR(lr=0.1, T_max=30)
    ax = lp.plot([closed, dropin, real], ax=new_axes(), labels=["a", "b", "c"])
    a, b, c = lr_lines(ax)
    assert [line.get_label() for line in (a, b, c)] == ["a", "b", "c"]
    # the longest length given by the arguments: T_max=40 (StepLR alone would draw 10)
    assert a.get_xdata()[-1] == b.get_xdata()[-1] == c.get_xdata()[-1] == 40
    assert np.allclose(b.get_ydata(), lrkit.StepLR(lr=0.1, step_size=3, gamma=0.5)(np.arange(41)))
    assert lp.curves(dropin)[0].steps[-1] == 10


def test_plot_save_writes_a_torch_scheduler(tmp_path: Path) -> None:
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(2))], lr=0.1, momentum=0.9)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=200)
    lp.save(tmp_path / "one.png", sched)
    assert mpimg.imread(tmp_path / "one.png").shape == (450, 800, 4)
    assert sched.last_epoch == 0


@pytest.mark.parametrize(
    ("value", "where"),
    [(3, "schedules"), ("StepLR:lr=0.1,step_size=3", "schedules"), ({"type": "StepLR"}, "schedules"),
     ([lrkit.StepLR(lr=0.1, step_size=3), object()], r"schedules\[1\]")],
)  # fmt: skip
def test_plot_says_what_it_accepts(value: Any, where: str) -> None:
    with pytest.raises(TypeError, match=where) as caught:
        lp.plot(value, ax=new_axes())
    message = str(caught.value)
    for part in ("lrkit Schedule", "lrkit.torch", "torch.optim.lr_scheduler", "list"):
        assert part in message, message


def test_plot_points_reduce_on_plateau_at_preview() -> None:
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(2))], lr=0.1)
    for module in (torch.optim.lr_scheduler, lrkit.torch):
        with pytest.raises(TypeError, match=r"lrkit\.preview\.preview\(.*metrics"):
            lp.plot(module.ReduceLROnPlateau(opt), ax=new_axes())


def test_rerun_limits() -> None:
    from lrkit.preview import MAX_RERUN_STEPS, is_scheduler, rerun

    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(2))], lr=0.1)
    sched = torch.optim.lr_scheduler.StepLR(opt, 3)
    assert is_scheduler(sched) and is_scheduler(lrkit.torch.StepLR(opt, 3))
    assert not is_scheduler(lrkit.StepLR(lr=0.1, step_size=3)) and not is_scheduler(
        opt.param_groups
    )
    with pytest.raises(ValueError, match="steps must be at most 1,000,000"):
        rerun(sched, MAX_RERUN_STEPS + 1)
    with pytest.raises(ValueError, match="steps must be an integer >= 0"):
        rerun(sched, -1)
    with pytest.raises(TypeError, match="scheduler must be a scheduler of torch"):
        rerun(lrkit.StepLR(lr=0.1, step_size=3))
    assert rerun(sched, 0)["lr"].tolist() == [[0.1]]


def test_refusing_a_non_scheduler_imports_no_torch() -> None:
    """Telling a schedule from anything else reads class modules: torch stays unimported."""
    code = (
        "import sys, lrkit, lrkit.plot\n"
        "try:\n"
        "    lrkit.plot.curves(3)\n"
        "except TypeError as e:\n"
        "    assert 'torch.optim.lr_scheduler' in str(e)\n"
        "lrkit.plot.curves([lrkit.StepLR(lr=0.1, step_size=3)])\n"
        "assert 'torch' not in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", code], env={"PYTHONPATH": str(ROOT / "src"), "PATH": ""},
                            capture_output=True, text=True, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr


# -- readable pictures: log axis where a linear one shows 0, whole ticks, no overlaps ----------


def test_the_lr_axis_is_log_where_a_linear_one_would_show_zeros() -> None:
    step = lrkit.StepLR(lr=0.05, step_size=30, gamma=0.1)
    assert lp.plot(step, steps=100, ax=new_axes()).get_yscale() == "log"
    assert lp.plot(step, steps=100, ax=new_axes(), log=False).get_yscale() == "linear"
    cosine = lrkit.CosineAnnealingLR(lr=0.1, T_max=100)  # reaches 0: linear
    assert lp.plot(cosine, ax=new_axes()).get_yscale() == "linear"
    assert lp.plot(cosine, ax=new_axes(), log=True).get_yscale() == "log"
    gentle = lrkit.ExponentialLR(lr=0.1, gamma=0.99)  # 0.1 .. 0.037: linear shows it whole
    assert lp.plot(gentle, steps=100, ax=new_axes()).get_yscale() == "linear"


@settings(max_examples=60, deadline=None)
@given(
    peak=st.floats(1e-6, 10.0),
    ratios=st.lists(st.floats(1e-6, 1.0), min_size=2, max_size=50),
)
def test_wants_log_is_the_documented_rule(peak: float, ratios: list[float]) -> None:
    lr = peak * np.asarray(ratios)
    curve = lp.Curve("x", np.arange(lr.size, dtype=np.float64), lr)
    low = np.count_nonzero(lr < lr.max() * 0.02)
    assert lp.wants_log([curve]) == (low * 5 >= lr.size)
    zero = lp.Curve("z", curve.steps, np.concatenate(([0.0], lr[1:])))
    assert not lp.wants_log([zero])


def test_whole_steps_are_ticked_at_whole_numbers() -> None:
    seq = lrkit.SequentialLR(
        (lrkit.ConstantLR(lr=1.0, factor=0.1, total_iters=2), lrkit.ExponentialLR(lr=1.0, gamma=0.9)),
        milestones=(2,),
    )  # fmt: skip
    for steps in (5, 10, 20, 7, 100):
        ax = lp.plot(seq, steps=steps, ax=new_axes())
        low, high = ax.get_xlim()
        ticks = [t for t in ax.get_xticks() if low <= t <= high]
        assert len(ticks) >= 3 and all(t == int(t) for t in ticks), (steps, ticks)
    ax = lp.plot(lrkit.OneCycleLR(max_lr=0.1, total_steps=100), ax=new_axes(), steps_per_epoch=40)
    assert any(t != int(t) for t in ax.get_xticks())  # epochs of 40 steps: not forced whole


def test_two_panels_with_legends_below_neither_overlap_nor_hide_a_trough() -> None:
    """What docs/plotting.md shows, checked through matplotlib's renderer, and the
    check itself catches the figure the docs showed before (no layout, legends inside)."""
    one = lrkit.OneCycleLR(max_lr=0.1, epochs=10, steps_per_epoch=100)
    cyc = lrkit.CyclicLR(base_lr=0.01, max_lr=0.1, step_size_up=200)
    bad = Figure(figsize=(12, 4))
    left, right = bad.subplots(1, 2)
    lp.plot(one, ax=left, steps_per_epoch=100)
    lp.plot(cyc, steps=1000, ax=right)
    problems = layout_problems(bad)
    assert any("overlaps 'momentum'" in p or "'momentum' overlaps" in p for p in problems), problems
    assert any("lowest points of 'CyclicLR'" in p for p in problems), problems
    good = Figure(figsize=(12, 4), layout="constrained")
    left, right = good.subplots(1, 2)
    lp.plot(one, ax=left, steps_per_epoch=100, legend="below")
    lp.plot(cyc, steps=1000, ax=right, legend="below")
    assert layout_problems(good) == []
