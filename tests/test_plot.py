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
from matplotlib.figure import Figure

import lrkit
import lrkit.plot as lp
from lrkit._termplot import render, summary
from lrkit.core._plateau import simulate
from lrkit.preview import preview

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parent.parent


def new_axes() -> Any:
    return Figure(figsize=(8, 4.5), layout="constrained").add_subplot()


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
    dropin = pytest.importorskip("lrkit.torch", reason="lrkit.torch (issue 3) is not there yet")
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
