"""The ``lrkit`` command line, run in-process: ``main(argv)`` returns the exit code.

Outputs are checked against the schedules themselves (values computed by lrkit's closed
forms in the test, or by torch), line by line for the terminal plot, and pixel by
pixel for images. SPEC parsing (files, inline JSON, the short form) is tested here too,
with hypothesis round trips over every family.
"""

from __future__ import annotations

import csv
import io
import json
import shlex
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import matplotlib
import matplotlib.image as mpimg
import numpy as np
import pytest
import strategies
from hypothesis import given, settings

import lrkit
from lrkit import gallery
from lrkit.cli import main
from lrkit.config import SpecError, minimal_config, parse_spec, short_form

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parent.parent
TORCH_SCHEDULERS = (
    "LambdaLR", "MultiplicativeLR", "StepLR", "MultiStepLR", "ConstantLR", "LinearLR",
    "ExponentialLR", "SequentialLR", "CosineAnnealingLR", "ChainedScheduler",
    "ReduceLROnPlateau", "CyclicLR", "CosineAnnealingWarmRestarts", "OneCycleLR", "PolynomialLR",
)  # fmt: skip
COSINE = "CosineAnnealingLR:lr=0.1,T_max=100,eta_min=0.001"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# -- no arguments, help, version -------------------------------------------------------


def test_no_arguments_print_help_and_the_builtin_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys)
    assert code == 0 and err == ""
    assert out.startswith("usage: lrkit")
    for command in ("plot", "show", "table", "gallery"):
        assert f"    {command} " in out
    table = out[out.index("built-in schedules") :].splitlines()[1:]
    names = [line.split()[0] for line in table]
    assert sorted(names) == sorted(TORCH_SCHEDULERS)
    # Every SPEC shown builds the gallery's schedule: a user can paste it.
    for line in table:
        name, rest = line.split(maxsplit=1)
        if name == "ReduceLROnPlateau":
            assert "metric" in rest
            continue
        (spec,) = shlex.split(rest)
        assert parse_spec(spec).schedule == gallery.by_name(name).schedules[0][1]


def test_python_dash_m_runs_the_cli() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "lrkit",
            "table",
            "StepLR:lr=1,step_size=2,gamma=0.5",
            "--steps",
            "3",
        ],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": ""},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["step,lr", "0,1.0", "1,1.0", "2,0.5", "3,0.5"]


@pytest.mark.parametrize("command", ["plot", "show", "table", "gallery"])
def test_every_command_has_help(capsys: pytest.CaptureFixture[str], command: str) -> None:
    code, out, _ = run(capsys, command, "--help")
    assert code == 0
    assert out.startswith(f"usage: lrkit {command}")
    assert "--help" in out
    if command != "gallery":
        assert "--steps N" in out and "SPEC" in out


def test_top_level_help_and_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "SPEC is a config file" in out
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.strip() == f"lrkit {lrkit.__version__}"


# -- usage errors: exit 2, message on stderr --------------------------------------------


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["plot", COSINE], "the following arguments are required: -o/--output"),
        (["show", COSINE, "--steps", "-3"], "argument --steps: must be an integer >= 0, got -3"),
        (
            ["show", COSINE, "--steps", "ten"],
            "argument --steps: must be an integer >= 0, got 'ten'",
        ),
        (["table", COSINE, "--every", "0"], "argument --every: must be a positive integer, got 0"),
        (["table", COSINE, "--format", "xml"], "invalid choice: 'xml'"),
        (["show", COSINE, "--chars", "emoji"], "invalid choice: 'emoji'"),
        (["show", COSINE, "--width", "15"], "width must leave at least 10 columns"),
        (
            ["plot", COSINE, "-o", "out.gif"],
            "-o must name a .png, .svg or .pdf file, got 'out.gif'",
        ),
        (["gallery", "-o", "x", "--only", "NoSuchLR"], "no gallery entry 'NoSuchLR'"),
        (
            ["show", "OneCycleLR:max_lr=0.1,total_steps=100", "--steps", "150"],
            "step must be at most total_steps=100",
        ),
    ],
)
def test_usage_errors_exit_2_with_the_message_on_stderr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    argv: list[str], expected: str,
) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert expected in err
    assert out == ""
    assert list(tmp_path.iterdir()) == []  # nothing written (no out.gif, no gallery "x")


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (
            "CosineAnnealingLR:lr=0.1,T_mx=100",
            "in SPEC 'CosineAnnealingLR:lr=0.1,T_mx=100': T_mx must be a key CosineAnnealingLR "
            "knows, got 'T_mx' (unknown key; did you mean 'T_max'?)",
        ),
        ("CosineAnnealingLR:lr=0.1,T_max=-5", "T_max must be a positive finite number, got -5"),
        ("StepLR:lr=0.1,step_size=33.3", "step_size must be a positive integer, got 33.3"),
        ("CosineAnealingLR:lr=0.1,T_max=5", "did you mean 'CosineAnnealingLR'?"),
        ("StepLR", "lr must be given for StepLR"),
        ("StepLR:lr=0.1,step_size", "expected key=value, got 'step_size'"),
        ("StepLR:lr=0.1,lr=0.2,step_size=3", "key 'lr' is given twice"),
        ("MultiStepLR:lr=0.1,milestones=[30,80", "unclosed bracket"),
        (
            "MultiStepLR:lr=0.1,milestones=[30,-80]",
            "milestones[1] must be an integer >= 0, got -80",
        ),
        ("StepLR:type=StepLR", "the type goes before the colon"),
        ("StepLR:lr=,step_size=3", "lr has no value"),
        ('{"type": "StepLR", "lr": 0.1', "invalid JSON at line 1 column 29"),
        (
            '{"type": "StepLR", "lr": 0.1, "step_size": 0}',
            "step_size must be a positive integer, got 0",
        ),
        ("no/such/file.yaml", "no such file 'no/such/file.yaml'"),
        ("ReduceLROnPlateau:lr=0.1", "ReduceLROnPlateau has no closed form"),
        ("LambdaLR:lr=0.1,lr_lambda=import os", "lr_lambda"),
        ("", "empty SPEC"),
    ],
)
def test_bad_specs_name_the_spec_and_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    spec: str, expected: str,
) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)  # where a picture would land: it must not
    for command in (["show", spec], ["table", spec], ["plot", spec, "-o", "never.png"]):
        code, out, err = run(capsys, *command)
        assert code == 2, command
        assert expected in err, err
        assert err.startswith(f"lrkit {command[0]}: error: ")
        assert out == ""
    assert list(tmp_path.iterdir()) == []


def test_errors_in_config_files_name_the_file_and_the_key_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = {
        "type": "SequentialLR",
        "lr": 0.1,
        "milestones": [5],
        "schedulers": [
            {"type": "LinearLR", "start_factor": 0.1, "total_iters": 5},
            {"type": "CosineAnnealingLR", "T_max": -95},
        ],
    }
    path = tmp_path / "warmup.json"
    path.write_text(json.dumps(config))
    code, _, err = run(capsys, "table", str(path))
    assert code == 2
    assert f"in {path}: schedulers[1].T_max must be a positive finite number, got -95" in err

    yaml_path = tmp_path / "broken.yaml"
    yaml_path.write_text("type: StepLR\nlr: [0.1\nstep_size: 3\n")
    code, _, err = run(capsys, "show", str(yaml_path))
    assert code == 2
    assert f"in {yaml_path}: invalid YAML at line" in err

    listed = tmp_path / "list.json"
    listed.write_text("[1, 2]")
    code, _, err = run(capsys, "show", str(listed))
    assert code == 2 and "list.json: [0] must be a mapping with a 'type' key, got 1" in err


# -- SPEC parsing --------------------------------------------------------------------------


def test_spec_sources_agree(tmp_path: Path) -> None:
    """A file (JSON or YAML), inline JSON and the short form give the same schedule."""
    expected = lrkit.MultiStepLR(lr=0.1, milestones=[30, 80], gamma=0.5)
    config = {"type": "MultiStepLR", "lr": 0.1, "milestones": [30, 80], "gamma": 0.5}
    (tmp_path / "a.json").write_text(json.dumps(config))
    (tmp_path / "a.yaml").write_text(
        "type: MultiStepLR\nlr: 0.1\nmilestones: [30, 80]\ngamma: 0.5\n"
    )
    (tmp_path / "a.yml").write_text(
        "type: MultiStepLR\nlr: 0.1\nmilestones:\n  - 30\n  - 80\ngamma: 0.5\n"
    )
    (tmp_path / "noext").write_text(json.dumps(config))
    sources = [
        str(tmp_path / "a.json"),
        str(tmp_path / "a.yaml"),
        str(tmp_path / "a.yml"),
        str(tmp_path / "noext"),
        json.dumps(config),
        "  " + json.dumps(config, indent=2),
        "MultiStepLR:lr=0.1,milestones=[30,80],gamma=0.5",
        "MultiStepLR: lr = 0.1, milestones = [30, 80], gamma = 0.5",
        "MultiStepLR:lr=1e-1,milestones=[30,80],gamma=5e-1",
    ]
    for source in sources:
        assert parse_spec(source).schedule == expected, source
    assert parse_spec(str(tmp_path / "a.yaml")).label == "a"


def test_short_form_values() -> None:
    s = parse_spec("LambdaLR:lr=0.1,lr_lambda=min(1, (epoch + 1) / 10)").schedule
    assert [s(t) for t in (0, 4, 9, 50)] == [0.1 * min(1, (t + 1) / 10) for t in (0, 4, 9, 50)]
    m = parse_spec("MultiplicativeLR:lr=0.1,lr_lambda=0.95").schedule
    assert m(2) == 0.1 * 0.95 * 0.95
    c = parse_spec(
        "CyclicLR:base_lr=0.01,max_lr=0.1,step_size_up=4,mode=triangular2,cycle_momentum=false"
    )
    assert c.schedule == lrkit.CyclicLR(
        base_lr=0.01, max_lr=0.1, step_size_up=4, mode="triangular2", cycle_momentum=False
    )
    q = parse_spec(
        "CyclicLR:base_lr=0.01,max_lr=0.1,scale_fn='1 / (2.0 ** (x - 1))',step_size_down=null"
    )
    assert q.schedule == lrkit.CyclicLR(base_lr=0.01, max_lr=0.1, scale_fn="1 / (2.0 ** (x - 1))")
    nested = parse_spec(
        'SequentialLR:lr=1,milestones=[2],schedulers=[{"type":"ConstantLR","factor":0.1,'
        '"total_iters":2},{"type":"ExponentialLR","gamma":0.9}]'
    ).schedule
    assert [nested(t) for t in range(4)] == [0.1, 0.1, 1.0, 0.9]
    empty = parse_spec("MultiStepLR:lr=0.1,milestones=[]").schedule
    assert empty(1000) == 0.1


def _same_schedule(a: lrkit.Schedule, b: lrkit.Schedule) -> None:
    assert a == b or a.to_config() == b.to_config()


@settings(max_examples=60, deadline=None)
@given(strategies.schedules())
def test_configs_round_trip_through_every_spec_form(spec: strategies.Spec) -> None:
    schedule = spec.build()
    config = schedule.to_config()
    _same_schedule(parse_spec(json.dumps(config)).schedule, schedule)
    minimal = minimal_config(config)
    _same_schedule(parse_spec(json.dumps(minimal)).schedule, schedule)
    short = short_form(minimal)
    if "schedulers" in config or "of" in config:
        assert short is None
    else:
        assert short is not None
        _same_schedule(parse_spec(short).schedule, schedule)


# -- plot ---------------------------------------------------------------------------------


def _curve_pixels(
    image: np.ndarray[Any, Any], rgb: tuple[float, float, float]
) -> np.ndarray[Any, Any]:
    """Mask of the pixels of a curve's colour inside the axes (above the bottom spine)."""
    colour = np.asarray(rgb)
    mask = np.abs(image[..., :3] - colour).max(axis=-1) < 0.12
    dark = image[..., :3].max(axis=-1) < 0.3
    rows = np.flatnonzero(dark.mean(axis=1) > 0.5)  # the spines: long dark rows
    bottom = rows.max()
    mask[bottom:] = False  # the legend sits below the axes
    return mask


def test_plot_png_has_the_curve_where_the_schedule_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "cos.png"
    code, stdout, err = run(capsys, "plot", COSINE, "-o", str(out))
    assert code == 0, err
    assert f"wrote {out} (800x450 px, steps 0..100)" in stdout
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    image = mpimg.imread(out)
    assert image.shape == (450, 800, 4)
    assert image[..., :3].std() > 0.05  # not a blank picture
    blue = _curve_pixels(image, matplotlib.colors.to_rgb("C0"))
    rows, cols = np.nonzero(blue)
    assert rows.size > 300
    left, right = cols.min(), cols.max()
    top_cols = cols[rows == rows.min()]
    bottom_cols = cols[rows == rows.max()]
    # The maximum (lr at step 0) is at the left, the minimum (eta_min at T_max) at the right.
    assert top_cols.mean() < left + 0.1 * (right - left)
    assert bottom_cols.mean() > left + 0.85 * (right - left)
    # Half-way, the curve is half-way down (the cosine's midpoint is (lr + eta_min) / 2).
    middle = (left + right) // 2
    mid_rows = rows[np.abs(cols - middle) <= 1]
    half = (rows.min() + rows.max()) / 2
    assert abs(mid_rows.mean() - half) < 0.06 * (rows.max() - rows.min())


def test_plot_several_schedules_svg_and_pdf(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    svg = tmp_path / "two.svg"
    code, _, err = run(
        capsys, "plot", "StepLR:lr=0.05,step_size=30", COSINE, "OneCycleLR:max_lr=0.1,total_steps=100",
        "-o", str(svg), "--log", "--steps-per-epoch", "10", "--title", "three",
    )  # fmt: skip
    assert code == 0, err
    root = ET.parse(svg).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.attrib["width"] == "576pt" and root.attrib["height"] == "324pt"  # 8 x 4.5 in
    paths = root.findall(".//{http://www.w3.org/2000/svg}path")
    assert len(paths) > 50
    pdf = tmp_path / "one.pdf"
    code, _, _ = run(capsys, "plot", COSINE, "-o", str(pdf))
    assert code == 0
    assert pdf.read_bytes()[:5] == b"%PDF-"


def test_plot_dpi_sets_the_size(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "small.png"
    code, _, _ = run(capsys, "plot", COSINE, "-o", str(out), "--dpi", "50")
    assert code == 0
    assert mpimg.imread(out).shape == (225, 400, 4)


def test_plot_to_an_unwritable_place_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "no" / "dir" / "x.png"
    code, out, err = run(capsys, "plot", COSINE, "-o", str(target))
    assert code == 2 and out == ""
    assert (
        err == f"lrkit plot: error: cannot write to -o {str(target)!r}: its folder does not exist\n"
    )


# -- show -----------------------------------------------------------------------------------


def _plot_rows(lines: list[str], height: int) -> list[str]:
    return lines[1 : 1 + height]


def test_show_draws_the_curve_line_by_line(capsys: pytest.CaptureFixture[str]) -> None:
    schedule = parse_spec(COSINE).schedule
    code, out, err = run(capsys, "show", COSINE, "--width", "70", "--height", "10")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == COSINE
    assert len(lines) == 1 + 10 + 2 + 1
    rows = _plot_rows(lines, 10)
    assert all(len(row) == 70 for row in rows)
    assert all(len(line) <= 70 for line in lines)
    # Round labels: 0.1 (the peak) at the top, 0 (half a dot from eta_min) at the bottom.
    assert schedule(0) == 0.1 and 0 < schedule(100) < 0.1 / (4 * 10 - 1) / 2
    assert rows[0].startswith(" 0.1 ┤")
    assert rows[-1].startswith("   0 ┤")
    labels = {row[:4].strip(): i for i, row in enumerate(rows) if row[:4].strip()}
    assert list(labels) == ["0.1", "0.05", "0"]
    # 0.05 is on the row where the curve crosses it: the cosine's middle, at step 50.
    plot_area = [row[6:] for row in rows]
    middle = [i for i, ch in enumerate(plot_area[labels["0.05"]]) if ch != " "]
    assert min(middle) - 1 <= (len(plot_area[0]) - 1) * 0.5 <= max(middle) + 1
    plot_area = [row[6:] for row in rows]
    for row in plot_area:
        assert all(ch == " " or 0x2800 <= ord(ch) <= 0x28FF for ch in row)
    # The curve starts in the top row at the left and ends in the bottom row at the right.
    assert plot_area[0][:3].strip() and not plot_area[0][-10:].strip()
    assert plot_area[-1][-3:].strip() and not plot_area[-1][:10].strip()
    # Every column of the plot holds part of the curve (it is continuous).
    for col in range(len(plot_area[0])):
        assert any(row[col] != " " for row in plot_area), col
    assert lines[-3] == "     └" + "─" * 64
    assert lines[-2].split() == ["0", "step", "100"]
    assert lines[-1] == (
        f"min {schedule(100):.6g} at step 100   max {schedule(0):.6g} at step 0   "
        f"final {schedule(100):.6g} at step 100"
    )


def test_show_marks_a_drop_where_it_happens(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "show", "MultiStepLR:lr=0.1,milestones=[30,80]", "--steps", "100",
                       "--width", "62", "--height", "8", "--chars", "block")  # fmt: skip
    assert code == 0
    rows = _plot_rows(out.splitlines(), 8)
    margin = rows[0].index("┤") + 1
    area = [row[margin:] for row in rows]
    width = len(area[0])
    # A vertical stroke through the middle rows, at step 30 of 100.
    strokes = {i for row in area[2:-2] for i, ch in enumerate(row) if ch != " "}
    assert strokes and all(abs(i - 30 / 100 * (width - 1)) <= 1 for i in strokes)
    assert set("".join(area)) <= set(" ▀▄█")
    assert "min 0.001 at step 80" in out and "max 0.1 at step 0" in out
    assert "final 0.001 at step 100" in out


def test_show_momentum_panel_ascii_and_epochs(capsys: pytest.CaptureFixture[str]) -> None:
    spec = "OneCycleLR:max_lr=0.1,total_steps=100"
    schedule = parse_spec(spec).schedule
    assert schedule.momentum is not None
    code, out, _ = run(capsys, "show", spec, "--width", "80", "--height", "8", "--chars", "ascii",
                       "--steps-per-epoch", "10")  # fmt: skip
    assert code == 0
    assert out.isascii()
    lines = out.splitlines()
    assert lines.count("momentum") == 1
    panel = lines[lines.index("momentum") :]
    assert len(panel) == 1 + 4 + 2 + 1  # title, max(4, 8 // 2) rows, axes, summary
    momenta = schedule.momentum(np.arange(101.0))
    low = int(np.argmin(momenta))
    assert panel[-1] == (
        f"min {momenta.min():.6g} at epoch {low / 10:g}   max {momenta.max():.6g} at epoch 0   "
        f"final {momenta[-1]:.6g} at epoch 10"
    )
    assert lines[lines.index("momentum") - 3].split() == ["0", "epoch", "10"]
    code, out, _ = run(capsys, "show", spec, "--width", "60", "--no-momentum")
    assert code == 0
    assert lines[0] == spec and out.splitlines()[0] == spec  # the same plot was drawn...
    assert "momentum" not in out.splitlines()  # ...without its momentum panel


def test_show_log_scale(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "show", "ExponentialLR:lr=1,gamma=0.5", "--steps", "20", "--log",
                       "--width", "50", "--height", "5")  # fmt: skip
    assert code == 0
    rows = _plot_rows(out.splitlines(), 5)
    # 0.5 ** t is a straight line on a log axis: the middle row holds the middle steps.
    area = [row[row.index("┤" if "┤" in row else "│") + 1 :] for row in rows]
    middle = [i for i, ch in enumerate(area[2]) if ch != " "]
    assert middle and abs(np.mean(middle) - len(area[2]) / 2) < 0.15 * len(area[2])
    # A log axis over six decades is labelled at powers of ten.
    labels = [row.split("┤")[0].strip() for row in rows if "┤" in row]
    assert labels and all(float(label) in (1.0, 1e-5) for label in labels)
    assert labels[0] == "1" and rows[0].lstrip().startswith("1 ┤")


# -- table -------------------------------------------------------------------------------------


def test_table_csv_values_are_exact(capsys: pytest.CaptureFixture[str]) -> None:
    schedule = parse_spec(COSINE).schedule
    code, out, _ = run(capsys, "table", COSINE)
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["step", "lr"]
    assert [int(r[0]) for r in rows[1:]] == list(range(101))  # default: the schedule's length
    assert [float(r[1]) for r in rows[1:]] == [schedule(t) for t in range(101)]


def test_table_momentum_column_every_and_last_row(capsys: pytest.CaptureFixture[str]) -> None:
    spec = "CyclicLR:base_lr=0.01,max_lr=0.1,step_size_up=5"
    schedule = parse_spec(spec).schedule
    assert schedule.momentum is not None
    code, out, _ = run(capsys, "table", spec, "--steps", "23", "--every", "4")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["step", "lr", "momentum"]
    steps = [int(r[0]) for r in rows[1:]]
    assert steps == [0, 4, 8, 12, 16, 20, 23]
    assert [float(r[1]) for r in rows[1:]] == [schedule(t) for t in steps]
    assert [float(r[2]) for r in rows[1:]] == [schedule.momentum(t) for t in steps]


def test_table_json_md_and_output_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = "StepLR:lr=0.05,step_size=3,gamma=0.1"
    schedule = parse_spec(spec).schedule
    code, out, _ = run(capsys, "table", spec, "--format", "json", "--steps", "7")
    assert code == 0
    rows = json.loads(out)
    assert [row["step"] for row in rows] == list(range(8))
    # numpy's power may differ from libm's pow by 1 ulp: the array path is what tables use.
    assert [row["lr"] for row in rows] == pytest.approx([schedule(t) for t in range(8)], rel=4e-16)
    assert all(set(row) == {"step", "lr"} for row in rows)
    code, out, _ = run(capsys, "table", spec, "--format", "md", "--steps", "4")
    assert code == 0
    lines = out.splitlines()
    assert lines[:2] == ["| step | lr |", "|---|---|"]
    assert [line.split(" | ")[0] for line in lines[2:]] == [f"| {t}" for t in range(5)]
    values = [float(line.split(" | ")[1].rstrip(" |")) for line in lines[2:]]
    assert values == pytest.approx([schedule(t) for t in range(5)], rel=4e-16)
    target = tmp_path / "values.csv"
    code, out, err = run(capsys, "table", spec, "--steps", "2", "-o", str(target))
    assert code == 0 and out == "" and "wrote" in err
    assert target.read_text().splitlines() == ["step,lr", "0,0.05", "1,0.05", "2,0.05"]


def test_table_of_a_config_file_matches_torch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import torch

    path = tmp_path / "warmup.yaml"
    path.write_text(
        "type: SequentialLR\nlr: 0.1\nmilestones: [5]\nschedulers:\n"
        "  - {type: LinearLR, start_factor: 0.1, total_iters: 5}\n"
        "  - {type: CosineAnnealingLR, T_max: 15}\n"
    )
    code, out, _ = run(capsys, "table", str(path))
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))[1:]
    param = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([param], lr=0.1)
    sched = torch.optim.lr_scheduler.SequentialLR(
        opt,
        [
            torch.optim.lr_scheduler.LinearLR(opt, start_factor=0.1, total_iters=5),
            torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=15),
        ],
        milestones=[5],
    )
    expected = [opt.param_groups[0]["lr"]]
    for _ in range(len(rows) - 1):
        opt.step()
        sched.step()
        expected.append(opt.param_groups[0]["lr"])
    assert len(rows) == 5 + 15 + 1  # default steps: the last milestone plus T_max
    assert [float(r[1]) for r in rows] == pytest.approx(expected, rel=1e-12, abs=1e-17)


# -- gallery through the CLI ------------------------------------------------------------------


def test_gallery_command_writes_pictures_index_and_markdown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "pictures"
    page = tmp_path / "pages" / "gallery.md"
    code, out, err = run(
        capsys,
        "gallery",
        "-o",
        str(folder),
        "--markdown",
        str(page),
        "--only",
        "StepLR",
        "OneCycleLR",
    )
    assert code == 0
    progress = err.splitlines()
    assert progress == [f"[1/2] {folder / 'StepLR.png'}", f"[2/2] {folder / 'OneCycleLR.png'}"]
    assert sorted(p.name for p in folder.iterdir()) == [
        "OneCycleLR.png",
        "StepLR.png",
        "index.html",
    ]
    assert "wrote 2 pictures" in out
    text = page.read_text()
    assert "![StepLR](../pictures/StepLR.png)" in text
    code, out, err = run(capsys, "gallery", "-o", str(folder), "--only", "StepLR", "-q")
    assert code == 0 and err == ""
    assert out == f"wrote 1 picture and {folder / 'index.html'}\n"


def test_help_mentions_every_spec_form(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "show", "--help")
    flat = " ".join(out.split())
    for fragment in ("config file", "inline JSON", "TYPE:key=value", "milestones=[30,80]"):
        assert fragment in flat


def test_spec_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="T_mx"):
        parse_spec("CosineAnnealingLR:lr=0.1,T_mx=3")
    assert issubclass(SpecError, ValueError)
