"""The command line under hostile conditions: huge lengths, closed pipes, bad paths, typos.

Every command exits 0 when it worked, 2 on bad input with one line on stderr that starts
``lrkit COMMAND: error:``, and never prints a traceback; a reader that stops early ends
the command quietly. In-process through ``lrkit.cli.main`` where possible, through a
real subprocess and pipe where the operating system is part of the behaviour.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
import os
import re
import shlex
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lrkit import cli
from lrkit._termplot import render, ticks
from lrkit.cli import main
from lrkit.config import parse_spec

ROOT = Path(__file__).resolve().parent.parent
CLI_DOC = ROOT / "docs" / "cli.md"
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src")}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_error(code: int, out: str, err: str, command: str, *fragments: str) -> None:
    """A clean usage error: exit 2, nothing on stdout, one line on stderr (after argparse's
    usage lines, for the errors argparse finds)."""
    assert code == 2, err
    assert out == ""
    lines = err.splitlines()
    if lines and lines[0].startswith("usage: "):
        lines = [line for line in lines if line.startswith("lrkit")]
    assert len(lines) == 1 and err.endswith("\n"), err
    assert lines[0].startswith(f"lrkit {command}: error: "), err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in err, (fragment, err)


@pytest.fixture
def peak_memory() -> Iterator[Callable[[], float]]:
    tracemalloc.start()
    try:
        yield lambda: tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


# -- 1. show samples: memory and time do not grow with the steps ------------------------------


@pytest.mark.parametrize(
    "spec",
    [
        "StepLR:lr=0.1,step_size=1",  # a drop at every step
        "CosineAnnealingWarmRestarts:lr=0.1,T_0=1",  # a restart at every step
        "CyclicLR:base_lr=0.01,max_lr=0.1,step_size_up=1",  # and a momentum panel
        "OneCycleLR:max_lr=0.1,total_steps=1000000000",
        "MultiStepLR:lr=0.1,milestones=[1,2,3,999999999]",
    ],
)
def test_show_at_the_step_limit_is_quick_and_small(
    capsys: pytest.CaptureFixture[str], peak_memory: Callable[[], float], spec: str
) -> None:
    start = time.perf_counter()
    code, out, err = run(capsys, "show", spec, "--steps", "1e9", "--width", "100")
    elapsed = time.perf_counter() - start
    assert code == 0, err
    assert elapsed < 3.0
    assert peak_memory() < 20.0  # an array of every step: 8 GB
    summary = next(line for line in out.splitlines() if line.startswith("min "))
    assert "final" in summary and "1e+09" in summary


def test_show_of_lengths_past_the_limit_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], peak_memory: Callable[[], float]
) -> None:
    spec = "CosineAnnealingLR:lr=0.1,T_max=1e12"
    start = time.perf_counter()
    code, out, err = run(capsys, "show", spec)
    assert_error(code, out, err, "show", f"in SPEC {spec!r}: its own length is 1000000000000")
    code, out, err = run(capsys, "show", spec, "--steps", "100000000000")
    assert_error(code, out, err, "show", "--steps: must be at most 10**9")
    code, out, err = run(capsys, "show", spec, "--steps", "1e9")  # what the limit allows
    assert code == 0, err
    schedule = parse_spec(spec).schedule
    assert out.splitlines()[-1].startswith(f"min {schedule(10**9):.6g} at step 1e+09")
    assert time.perf_counter() - start < 3.0 and peak_memory() < 20.0


# -- 2. exit codes, closed pipes, bad paths ------------------------------------------------------


def test_a_closed_pipe_ends_the_command_quietly() -> None:
    """``lrkit table ... | head -2`` with a real pipe: more than a pipe buffer is written
    after the reader has gone, so the write fails with EPIPE."""
    argv = [sys.executable, "-m", "lrkit", "table", "CosineAnnealingLR:lr=0.1,T_max=99999"]
    child = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)
    assert child.stdout is not None and child.stderr is not None
    first = [child.stdout.readline(), child.stdout.readline()]
    child.stdout.close()  # the reader stops
    err = child.stderr.read()
    child.stderr.close()
    assert child.wait(timeout=60) == 0
    assert first == [b"step,lr\n", b"0,0.1\n"]
    assert err == b""


@pytest.mark.parametrize(
    "command",
    [
        "table 'CosineAnnealingLR:lr=0.1,T_max=99999'",
        "table 'StepLR:lr=0.1,step_size=3' --steps 5",  # all written before head exits
        "show 'CosineAnnealingLR:lr=0.1,T_max=1e6' --height 200 --width 1000",
        "table 'CyclicLR:base_lr=0.01,max_lr=0.1,step_size_up=7' --steps 99999 --format json",
    ],
)
def test_a_shell_pipe_into_head_is_silent_with_status_0(command: str) -> None:
    script = (
        "set -o pipefail; "
        f"{shlex.quote(sys.executable)} -m lrkit {command} | head -2; "
        'echo "status ${PIPESTATUS[0]}" >&2'
    )
    result = subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, env=ENV, timeout=120, check=False
    )
    assert result.returncode == 0
    assert len(result.stdout.splitlines()) == 2
    assert result.stderr == "status 0\n"


def test_a_broken_pipe_in_process_returns_0_silently(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    class Gone(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(sys, "stdout", Gone())
    assert main(["table", "StepLR:lr=0.1,step_size=3"]) == 0
    assert main(["show", "StepLR:lr=0.1,step_size=3"]) == 0
    assert main([]) == 0
    assert capsys.readouterr().err == ""


def test_a_closed_stdout_is_one_line_and_status_1() -> None:
    script = f"{shlex.quote(sys.executable)} -m lrkit table 'StepLR:lr=0.1,step_size=3' >&-"
    result = subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, env=ENV, timeout=60, check=False
    )
    assert result.returncode == 1
    assert result.stderr == "lrkit table: error: the standard output is closed\n"


def test_an_output_encoding_without_braille_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(raw, encoding="ascii"))
    code = main(["show", "StepLR:lr=0.1,step_size=3"])
    err = capsys.readouterr().err
    assert_error(code, "", err, "show", "encoding (ascii)", "--chars ascii")
    assert main(["show", "StepLR:lr=0.1,step_size=3", "--chars", "ascii"]) == 0
    sys.stdout.flush()
    assert raw.getvalue().decode("ascii").startswith("StepLR:lr=0.1,step_size=3\n")


def test_interrupt_and_internal_errors_are_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(*_: object) -> int:
        raise KeyboardInterrupt

    def broken(*_: object) -> int:
        raise TypeError("something lrkit did not expect")

    monkeypatch.setitem(cli.COMMANDS, "show", interrupted)
    code, out, err = run(capsys, "show", "StepLR:lr=0.1,step_size=3")
    assert (code, out, err) == (130, "", "lrkit show: interrupted\n")
    monkeypatch.setitem(cli.COMMANDS, "show", broken)
    monkeypatch.delenv("LRKIT_DEBUG", raising=False)
    code, out, err = run(capsys, "show", "StepLR:lr=0.1,step_size=3")
    assert code == 1 and out == ""
    assert err == (
        "lrkit show: internal error (a bug in lrkit, please report it with the command line): "
        "TypeError: something lrkit did not expect\n"
    )
    monkeypatch.setenv("LRKIT_DEBUG", "1")
    with pytest.raises(TypeError, match="did not expect"):
        main(["show", "StepLR:lr=0.1,step_size=3"])


SPEC = "StepLR:lr=0.1,step_size=3"


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["plot", SPEC, "-o", "missing/x.png"], "cannot write to -o 'missing/x.png': its folder does not exist"),
        (["plot", SPEC, "-o", "folder.png"], "cannot write to -o 'folder.png': it is a folder"),
        (["plot", SPEC, "-o", "file.txt/x.png"], "cannot write to -o 'file.txt/x.png': its folder does not exist"),
        (["table", SPEC, "-o", "folder.png"], "cannot write to -o 'folder.png': it is a folder"),
        (["table", SPEC, "-o", "missing/t.csv"], "cannot write to -o 'missing/t.csv': its folder does not exist"),
        (["table", SPEC, "-o", ""], "-o needs a path, got ''"),
        (["gallery", "-o", "file.txt", "--only", "StepLR"], "cannot write to -o 'file.txt': it is a file, not a folder"),
        (["gallery", "-o", "new", "--only", "StepLR", "--markdown", "folder.png"], "cannot write to --markdown 'folder.png': it is a folder"),
        (["table", SPEC, "--format", "md", "-o", "values.csv"], "--format md does not match -o 'values.csv' (csv)"),
        (["table", SPEC, "--precision", "0"], "--precision: must be an integer from 1 to 17, got 0"),
        (["table", SPEC, "--precision", "18"], "--precision: must be at most 17, got 18"),
        (["table", SPEC, "--precision", "two"], "--precision: must be an integer from 1 to 17, got 'two'"),
        (["show", SPEC, "--height", "1"], "--height: must be an integer from 2 to 200, got 1"),
    ],
    ids=[
        "plot-missing-folder", "plot-folder", "plot-file-as-folder", "table-folder",
        "table-missing-folder", "table-empty", "gallery-file", "gallery-markdown-folder",
        "format-vs-extension", "precision-0", "precision-18", "precision-word", "height-1",
    ],
)  # fmt: skip
def test_bad_output_paths_and_options_are_usage_errors(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    fragment: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "folder.png").mkdir()
    (tmp_path / "file.txt").write_text("not a folder")
    before = sorted(p.name for p in tmp_path.iterdir())
    code, out, err = run(capsys, *argv)
    if argv[0] == "gallery" or "--precision" in argv or "--height" in argv or "" in argv:
        assert code == 2 and fragment in err and "Traceback" not in err, err
    else:
        assert_error(code, out, err, argv[0], fragment)
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root may write anywhere"
)
def test_an_unwritable_folder_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        code, out, err = run(capsys, "table", SPEC, "-o", str(locked / "t.csv"))
        assert_error(code, out, err, "table", "permission denied")
    finally:
        locked.chmod(0o700)


def test_write_errors_the_path_causes_are_usage_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A path that passes the checks but fails when written (a race, a read-only file
    system): exit 2 naming the reason; an error of the disk itself: exit 1."""
    import builtins

    real_open = builtins.open

    def refusing(error: OSError) -> Callable[..., object]:
        def fake(file: object, mode: str = "r", *args: object, **kwargs: object) -> object:
            if "w" in mode:
                raise error
            return real_open(file, mode, *args, **kwargs)  # type: ignore[call-overload]

        return fake

    target = str(tmp_path / "t.csv")
    monkeypatch.setattr(builtins, "open", refusing(OSError(30, "Read-only file system")))
    code, out, err = run(capsys, "table", SPEC, "-o", target)
    assert_error(
        code, out, err, "table", f"cannot write to -o {target!r}: the file system is read-only"
    )
    monkeypatch.setattr(builtins, "open", refusing(OSError(28, "No space left on device")))
    code, out, err = run(capsys, "table", SPEC, "-o", target)
    assert code == 1 and err == "lrkit table: error: No space left on device\n"


ARGUMENT_PIECES = st.sampled_from(
    [
        "--steps", "0", "1", "7", "1e9", "-1", "1e400", "nan", "--every", "3", "--width", "12",
        "--height", "2", "--log", "--chars", "ascii", "--steps-per-epoch", "5", "--format",
        "json", "md", "--precision", "1", "17", "--no-momentum", "", "=", "--", "-o",
    ]
)  # fmt: skip
SPECS = st.sampled_from(
    [
        "StepLR:lr=0.1,step_size=3", "StepLR:lr=0.1;step_size=3", "StepLR:lr=[0.1,0.01],step_size=3",
        "OneCycleLR:max_lr=0.1,total_steps=10", "LambdaLR:lr=0.1,lr_lambda=1/(epoch-5)",
        "LambdaLR:lr=0.1,lr_lambda=log(epoch)", "ConstantLR:lr=0,factor=0.5,total_iters=3",
        "CyclicLR:base_lr=0.01,max_lr=0.1,step_size_up=2", "MultiplicativeLR:lr=0.1,lr_lambda=0.5",
        "CosineAnnealingLR:lr=0.1,T_max=1e12", "ExponentialLR:lr=1e300,gamma=0.5", "{", "[]",
        "StepLr:lr=1", "StepLR:lr=1,step_size=3,gamma=2", "Affine:of={\"type\":\"Constant\"}",
        "CosineAnnealingLR:lr=1e-300,T_max=5",
    ]
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(
    command=st.sampled_from(["show", "table"]),
    spec=SPECS,
    rest=st.lists(ARGUMENT_PIECES, max_size=6),
)
def test_show_and_table_never_fail_with_a_traceback(
    command: str, spec: str, rest: list[str]
) -> None:
    if "-o" in rest:
        return  # writing files is tested above
    out, err = io.StringIO(), io.StringIO()
    real = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        code = main([command, spec, *rest])
    finally:
        sys.stdout, sys.stderr = real
    assert code in (0, 2), err.getvalue()
    if code == 2:
        message = err.getvalue()
        assert message.count("\n") >= 1 and "Traceback" not in message
        assert re.match(rf"lrkit( {command})?: error: ", message.splitlines()[-1]), message
        assert out.getvalue() == ""


# -- 3. error messages ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "key", "raw", "meant"),
    [
        ("StepLR:lr=0.1;step_size=30", "lr", "0.1;step_size=30", "StepLR:lr=0.1,step_size=30"),
        ("StepLR:step_size=30; lr=0.1", "step_size", "30; lr=0.1", "StepLR:step_size=30,lr=0.1"),
        ("StepLR:lr=0.1 step_size=30,gamma=0.5", "lr", "0.1 step_size=30", "StepLR:lr=0.1,step_size=30,gamma=0.5"),
        ("CosineAnnealingLR:lr=0.1,T_max=100;eta_min=0.001", "T_max", "100;eta_min=0.001", "CosineAnnealingLR:lr=0.1,T_max=100,eta_min=0.001"),
    ],
)  # fmt: skip
def test_a_separator_typo_points_at_the_garbled_value(
    capsys: pytest.CaptureFixture[str], spec: str, key: str, raw: str, meant: str
) -> None:
    for command in ("show", "table"):
        code, out, err = run(capsys, command, spec)
        assert_error(
            code, out, err, command,
            f"in SPEC {spec!r}: {key} got {raw!r}, which is not a number",
            f"(key=value pairs are separated by commas: did you mean {meant!r}?)",
        )  # fmt: skip
        assert "must be given" not in err
    # What it suggests is the schedule that was meant.
    assert parse_spec(meant).schedule == parse_spec(spec.replace(";", ",").replace(" ", ",")
                                                    .replace(",,", ",")).schedule  # fmt: skip


def test_a_word_for_a_number_is_said_plainly(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "table", "StepLR:lr=fast,step_size=3")
    assert_error(code, out, err, "table", "in SPEC 'StepLR:lr=fast,step_size=3': lr got 'fast', "
                 "which is not a number\n")  # fmt: skip
    # A typo whose correction is no schedule either: the hint, no suggestion.
    code, out, err = run(capsys, "table", "StepLR:lr=0.1;step_size=x")
    assert_error(code, out, err, "table", "(key=value pairs are separated by commas)\n")
    # Text where text belongs is left to the schedule's own check.
    code, out, err = run(capsys, "table", "CyclicLR:base_lr=0.01,max_lr=0.1,mode=fast")
    assert_error(code, out, err, "table", "mode must be one of")


def test_a_function_failing_inside_the_steps_says_to_fix_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    spec = "LambdaLR:lr=0.1,lr_lambda=1/(epoch-5)"
    for command in (["show", spec], ["table", spec], ["plot", spec, "-o", "never.png"]):
        code, out, err = run(capsys, *command)
        assert_error(code, out, err, command[0], f"in SPEC {spec!r}: lr_lambda",
                     "division by zero at epoch=5.0", "fix it")  # fmt: skip
        assert "choose a smaller --steps" not in err
    assert not Path("never.png").exists()
    # Past a schedule's end, a smaller --steps is the way.
    code, out, err = run(capsys, "show", "OneCycleLR:max_lr=0.1,total_steps=100", "--steps", "150")
    assert_error(code, out, err, "show", "in SPEC 'OneCycleLR:max_lr=0.1,total_steps=100': step "
                 "must be at most total_steps=100", "; choose a smaller --steps\n")  # fmt: skip


@pytest.mark.parametrize(
    "spec",
    [
        "StepLR:lr=0.1;step_size=30",
        "LambdaLR:lr=0.1,lr_lambda=1/(epoch-5)",
        "CosineAnnealingLR:lr=0.1,T_max=1e12",
        "CosineAnnealingLR:lr=0.1,T_mx=5",
        "MultiStepLR:lr=0.1,milestones=[30,80",
    ],
)
def test_errors_about_a_spec_start_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], spec: str
) -> None:
    monkeypatch.chdir(tmp_path)
    for command in (["show", spec], ["table", spec], ["plot", spec, "-o", "x.svg"]):
        code, out, err = run(capsys, *command)
        assert_error(code, out, err, command[0])
        assert err.startswith(f"lrkit {command[0]}: error: in SPEC {spec!r}: "), err
    # A config file is named as the file.
    path = tmp_path / "long.json"
    path.write_text(json.dumps({"type": "CosineAnnealingLR", "lr": 0.1, "T_max": 10**12}))
    code, out, err = run(capsys, "show", str(path))
    assert_error(code, out, err, "show", f"error: in {path}: its own length is 1000000000000")


def test_gallery_suggests_the_entry_meant(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "gallery", "-o", str(tmp_path / "g"), "--only", "StepLr",
                         "OneCycle", "Zzz")  # fmt: skip
    assert_error(code, out, err, "gallery",
                 "no gallery entry 'StepLr' (did you mean 'StepLR'?), 'OneCycle' (did you mean "
                 "'OneCycleLR'?), 'Zzz'; there are: LambdaLR, ")  # fmt: skip
    assert not (tmp_path / "g").exists()


def test_help_points_at_what_an_installed_package_has(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    assert "docs/cli.md" not in out
    flat = " ".join(out.split())
    assert "Exit status: 0 when it worked (or the reader of its output stopped early), 2 for " \
        "bad input, 1 when lrkit cannot run" in flat  # fmt: skip
    last = out.strip().splitlines()[-1]
    assert "python -m pydoc lrkit" in " ".join(out.split()) and "pydoc" in last
    shown = subprocess.run(
        [sys.executable, "-m", "pydoc", "lrkit"], capture_output=True, text=True, env=ENV,
        timeout=120, check=False,
    )  # fmt: skip
    assert shown.returncode == 0 and "learning" in shown.stdout.lower()


def test_the_error_examples_in_the_docs_are_real(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """docs/cli.md shows each error under the command that prints it (text blocks)."""
    page = CLI_DOC.read_text(encoding="utf-8")
    pairs = re.findall(r"^(lrkit (?:show|table|plot|gallery) .*)\n(lrkit \w+: error: .*)$",
                       page, flags=re.M)  # fmt: skip
    assert len(pairs) >= 3
    for command, message in pairs:
        assert main(shlex.split(command)[1:]) == 2
        assert capsys.readouterr().err.strip() == message, command


# -- 4. table --precision ------------------------------------------------------------------------


def _rounded(value: float, digits: int) -> float:
    """``value`` to ``digits`` significant digits, by decimal arithmetic on its exact value."""
    from decimal import ROUND_HALF_EVEN, Decimal

    exact = Decimal(value)
    if exact == 0:
        return 0.0
    quantum = Decimal(1).scaleb(exact.adjusted() - digits + 1)
    return float(exact.quantize(quantum, rounding=ROUND_HALF_EVEN))


@pytest.mark.parametrize("digits", [1, 2, 3, 6, 17])
@pytest.mark.parametrize("form", ["csv", "json", "md"])
def test_precision_rounds_to_significant_digits(
    capsys: pytest.CaptureFixture[str], digits: int, form: str
) -> None:
    spec = "OneCycleLR:max_lr=0.1,total_steps=40"
    schedule = parse_spec(spec).schedule
    assert schedule.momentum is not None
    code, out, err = run(capsys, "table", spec, "--format", form, "--precision", str(digits))
    assert code == 0, err
    if form == "csv":
        rows = [[float(v) for v in row] for row in list(csv.reader(io.StringIO(out)))[1:]]
    elif form == "json":
        rows = [[row["step"], row["lr"], row["momentum"]] for row in json.loads(out)]
    else:
        rows = [[float(v) for v in line.strip("| ").split(" | ")] for line in out.splitlines()[2:]]
    steps = np.arange(41.0)
    assert [row[0] for row in rows] == steps.tolist()
    exact_lr, exact_momentum = schedule(steps), schedule.momentum(steps)
    assert [row[1] for row in rows] == [_rounded(v, digits) for v in exact_lr]
    assert [row[2] for row in rows] == [_rounded(v, digits) for v in exact_momentum]
    if digits == 17:  # 17 digits tell every float apart: nothing is lost
        assert [row[1] for row in rows] == exact_lr.tolist()


def test_precision_makes_the_md_table_readable(capsys: pytest.CaptureFixture[str]) -> None:
    spec = "ExponentialLR:lr=0.1,gamma=0.9"
    code, out, _ = run(capsys, "table", spec, "--steps", "3", "--format", "md")
    assert code == 0 and "| 0.09000000000000001 |" in out  # exact by default
    code, out, _ = run(capsys, "table", spec, "--steps", "3", "--format", "md", "--precision", "3")
    assert code == 0
    assert out.splitlines()[2:] == [
        "| 0 | 0.1 |",
        "| 1 | 0.09 |",
        "| 2 | 0.081 |",
        "| 3 | 0.0729 |",
    ]
    page = CLI_DOC.read_text(encoding="utf-8")
    assert "--precision N" in page and "| 1 | 0.09 |" in page


@pytest.mark.parametrize(
    ("name", "form"), [("t.json", "json"), ("t.md", "md"), ("t.csv", "csv"), ("t.txt", "csv")]
)
def test_table_format_follows_the_extension_of_o(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, form: str
) -> None:  # fmt: skip
    target = tmp_path / name
    code, out, err = run(capsys, "table", SPEC, "--steps", "1", "-o", str(target))
    assert code == 0 and out == "" and err == f"wrote {target} (2 rows)\n"
    text = target.read_text()
    first = {"json": "[", "md": "| step | lr |", "csv": "step,lr"}[form]
    assert text.startswith(first)
    code, _, _ = run(capsys, "table", SPEC, "--steps", "0", "-o", str(target), "--format", form)
    assert code == 0 and "(1 row)" in capsys.readouterr().err + f"wrote {target} (1 row)"


# -- 5. round numbers on the y axis of show -----------------------------------------------------


def _labels(lines: list[str], height: int) -> dict[int, str]:
    """The y-axis labels by plot row (the row after the title is row 0)."""
    rows = lines[1 : 1 + height]
    found = [re.match(r"\s*(\S+) [┤+]", row) for row in rows]
    return {i: match.group(1) for i, match in enumerate(found) if match}


def test_the_issue_axis_has_round_labels(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "show", "CosineAnnealingLR:lr=0.1,T_max=1e7", "--width", "80")
    assert code == 0
    labels = _labels(out.splitlines(), 12)
    assert "0.05455" not in out
    assert labels == {0: "0.1", 5: "0.05", 11: "0"} or labels == {0: "0.1", 6: "0.05", 11: "0"}


def _is_round(text: str) -> bool:
    """1, 2 or 5 times a power of ten, times a whole number of them: a multiple of 1, 2, 5
    in its last digit, with no more digits than needed."""
    value = float(text)
    return value == 0 or re.fullmatch(r"-?(\d+\.?\d*|\.\d+)(e[+-]\d+)?", text) is not None


@settings(max_examples=200, deadline=None)
@given(
    low=st.floats(-1e3, 1e3, allow_nan=False),
    span=st.floats(1e-9, 1e4),
    height=st.integers(2, 40),
    chars=st.sampled_from(["braille", "block", "ascii"]),
)
def test_labels_are_round_and_on_the_rows_their_values_are_drawn(
    low: float, span: float, height: int, chars: str
) -> None:
    high = low + span * max(1.0, abs(low))
    if not high > low:
        return
    steps = np.arange(401.0)
    values = low + (high - low) * steps / 400  # a straight ramp: value <-> column
    lines = render(steps, values, width=100, height=height, chars=chars)
    labels = _labels(["", *lines], height)
    assert labels and len(labels) <= max(min(height, 3), (height + 2) // 3)
    numbers = {row: float(text) for row, text in labels.items()}
    if len(numbers) >= 2:  # evenly spaced by 1, 2 or 5 times a power of ten, as written
        written = [Decimal(labels[row]) for row in sorted(labels, reverse=True)]
        gaps = {b - a for a, b in itertools.pairwise(written)}
        step = min(gaps)
        assert step.normalize().as_tuple().digits in ((1,), (2,), (5,)), labels
        assert all((value / step) == (value / step).to_integral_value() for value in written)
    rows = height * {"braille": 4, "block": 2, "ascii": 1}[chars]
    half_dot = (high - low) / (rows - 1) / 2
    for row, value in numbers.items():
        assert low - half_dot * 1.0001 <= value <= high + half_dot * 1.0001
        # The ramp passes through value on the labelled row (to the nearest dot row).
        fraction = (high - value) / (high - low) * (rows - 1)
        expected = int(np.clip(np.rint(fraction), 0, rows - 1)) // (rows // height)
        assert row == expected, (row, expected, labels)


def test_log_axis_labels_are_powers_of_ten() -> None:
    steps = np.arange(101.0)
    values = 10.0 ** (-steps / 20)  # 1 down to 1e-5
    lines = render(steps, values, width=60, height=12, log=True)
    labels = _labels(["", *lines], 12)
    assert len(labels) >= 3
    for text in labels.values():
        exponent = math.log10(float(text))
        assert exponent == round(exponent)
    assert ticks(math.log10(0.2), math.log10(0.5), log=True, most=4) == [
        (math.log10(v), t) for v, t in [(0.2, "0.2"), (0.3, "0.3"), (0.4, "0.4"), (0.5, "0.5")]
    ]


def test_a_log_axis_without_positive_values_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    zero = "ConstantLR:lr=0,factor=0.5,total_iters=3"
    negative = "LambdaLR:lr=0.1,lr_lambda=-epoch"
    code, out, err = run(capsys, "show", negative, "--log")
    assert_error(code, out, err, "show", f"in SPEC {negative!r}: --log needs values above 0, "
                 "and the largest is 0: leave out --log")  # fmt: skip
    target = tmp_path / "z.png"
    code, out, err = run(capsys, "plot", zero, "--log", "-o", str(target))
    assert_error(code, out, err, "plot", f"in SPEC {zero!r}: --log needs values above 0")
    code, out, err = run(
        capsys, "plot", zero, "StepLR:lr=0,step_size=2", "--log", "-o", str(target)
    )
    assert_error(code, out, err, "plot", "error: --log needs values above 0")
    assert not target.exists()
    # One curve with values above 0 is enough; zeros on a log axis are left out quietly.
    code, out, err = run(capsys, "plot", zero, "CosineAnnealingLR:lr=0.1,T_max=10", "--log",
                         "-o", str(target))  # fmt: skip
    assert code == 0 and err == "" and target.exists()


def test_plot_of_extreme_values_prints_no_library_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "plot", "ExponentialLR:lr=1e300,gamma=0.5",
                         "CosineAnnealingLR:lr=1e-300,T_max=5", "--log", "-o",
                         str(tmp_path / "z.png"))  # fmt: skip
    assert code == 0 and err == ""
    assert out.startswith("wrote ")


PLOT_SPECS = st.sampled_from(
    [
        "StepLR:lr=0.1,step_size=3", "OneCycleLR:max_lr=0.1,total_steps=10",
        "LambdaLR:lr=0.1,lr_lambda=1/(epoch-5)", "ConstantLR:lr=0,factor=0.5,total_iters=3",
        "CyclicLR:base_lr=0.01,max_lr=0.1,step_size_up=2", "StepLR:lr=[0.1,0.01],step_size=3",
        "CosineAnnealingLR:lr=1e-300,T_max=5", "StepLr:lr=1",
    ]
)  # fmt: skip
PLOT_OPTIONS = st.sampled_from(
    ["--steps", "0", "12", "--log", "--steps-per-epoch", "4", "--no-momentum", "--no-boundaries",
     "--title", "$x^2$", "--dpi", "10"]
)  # fmt: skip


@settings(max_examples=25, deadline=None)
@given(specs=st.lists(PLOT_SPECS, min_size=1, max_size=3), rest=st.lists(PLOT_OPTIONS, max_size=5))
def test_plot_never_fails_with_a_traceback(specs: list[str], rest: list[str]) -> None:
    import tempfile

    out, err = io.StringIO(), io.StringIO()
    real = sys.stdout, sys.stderr
    with tempfile.TemporaryDirectory() as folder:
        sys.stdout, sys.stderr = out, err
        try:
            code = main(["plot", *specs, "-o", os.path.join(folder, "p.svg"), *rest])
        finally:
            sys.stdout, sys.stderr = real
    assert code in (0, 2), err.getvalue()
    if code == 2:
        assert re.match(r"lrkit( plot)?: error: ", err.getvalue().splitlines()[-1]), err.getvalue()
    else:
        assert err.getvalue() == ""


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (0.0, 5e-324, ["5e-324", "0"]),  # the smallest float: no step below it
        (1e-300, 2e-300, ["2e-300", "1.5e-300", "1e-300"]),
        (-1e300, 1e300, ["1e+300", "0", "-1e+300"]),
        (0.1, 0.1 + 1e-16, ["0.1"]),  # a few ulps apart: a flat line, one label
    ],
)
def test_labels_at_the_ends_of_float64(low: float, high: float, expected: list[str]) -> None:
    values = np.array([low, low / 2 + high / 2, high])
    lines = render(np.arange(3.0), values, width=40, height=6, chars="braille")
    assert list(_labels(["", *lines], 6).values()) == expected


def test_without_matplotlib_plot_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib fails
    code, out, err = run(capsys, "plot", SPEC, "-o", str(tmp_path / "x.png"))
    assert (code, out) == (1, "")
    assert err == "lrkit plot: error: lrkit plot needs matplotlib: pip install matplotlib\n"
    code, out, err = run(capsys, "gallery", "-o", str(tmp_path / "g"), "--only", "StepLR")
    assert code == 1 and "pip install matplotlib" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", [[], ["plot"], ["show"], ["table"], ["gallery"]])
def test_help_never_installs_lrkit_by_name(
    capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    """lrkit is not on PyPI: ``pip install 'lrkit[plot]'`` would fetch someone else's."""
    code, out, _ = run(capsys, *command, "--help")
    assert code == 0
    assert not re.search(r"pip install\s+['\"]?lrkit", out), out
