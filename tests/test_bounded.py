"""Bounded work (issue 8): hostile sizes are refused early and cleanly, never paid for.

* MultiplicativeLR keeps its running product in bounded memory (checkpoints, not a cache
  of every step), bit-identical to the left-to-right product, and refuses steps past
  10**8 at once;
* ``lrkit show`` and ``lrkit table`` sample as ``plot`` does, every size option of the
  command line has a documented limit, and a value past it is a usage error (exit 2, a
  message, no traceback); so are integers longer than 4300 digits and brackets nested
  more than 100 deep in a SPEC;
* configs nested too deeply, too large, or containing themselves raise ``ValueError``
  naming the key path, however deep the caller's stack is;
* ``Expr`` chains have a length limit and cost no recursion, and a built ``Expr`` cannot
  be changed through its state.

Each test runs in a few seconds, and fails (quickly) where the limit is missing.
"""

from __future__ import annotations

import copy
import copyreg
import csv
import dataclasses
import io
import json
import pickle
import re
import sys
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import lrkit
from lrkit import Expr, from_config
from lrkit.cli import main
from lrkit.config import SpecError, minimal_config, parse_spec, short_form
from lrkit.core import InvalidValue
from lrkit.core import _expr as expr_module
from lrkit.core import _functional as functional
from lrkit.core._functional import MAX_PRODUCT_STEP

ROOT = Path(__file__).resolve().parent.parent
CLI_DOC = ROOT / "docs" / "cli.md"


@pytest.fixture
def peak_memory() -> Iterator[Callable[[], float]]:
    """The peak of memory traced since the fixture started, in MB."""
    tracemalloc.start()
    try:
        yield lambda: tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def _left_to_right(lr: float, factor: Callable[[int], float], steps: int) -> np.ndarray[Any, Any]:
    """``((lr * f(1)) * f(2)) * ...`` in Python floats: the rates at ``0..steps``."""
    rates = [lr]
    rate = lr
    for k in range(1, steps + 1):
        rate = rate * factor(k)
        rates.append(rate)
    return np.array(rates)


def _in_a_deep_stack(spare: int, call: Callable[[], Any]) -> Any:
    """``call()`` with only about ``spare`` frames left before the recursion limit."""
    frame: Any = sys._getframe()
    depth = 0
    while frame is not None:
        depth += 1
        frame = frame.f_back
    levels = sys.getrecursionlimit() - depth - spare

    def down(n: int) -> Any:
        return call() if n <= 0 else down(n - 1)

    return down(levels)


# -- MultiplicativeLR: bounded memory, refused huge steps --------------------------------


def test_multiplicative_at_a_million_steps_stays_within_a_few_mb() -> None:
    expected = _left_to_right(0.1, lambda k: 1 - 1 / (k + 50), 10**6)
    schedule = lrkit.MultiplicativeLR(lr=0.1, lr_lambda="1 - 1 / (epoch + 50)")
    tracemalloc.start()
    try:
        value = schedule(10**6)
        later = schedule(np.array([10**6, 7, 999_999, 123_456]))
        held, peak = (size / 1e6 for size in tracemalloc.get_traced_memory())
    finally:
        tracemalloc.stop()
    assert peak < 4.0  # the cache of every step alone was 8 MB
    assert held < 0.5  # what the schedule keeps: a checkpoint every 1024 steps
    assert value == expected[-1]
    assert later.tolist() == expected[[10**6, 7, 999_999, 123_456]].tolist()
    assert len(pickle.dumps(schedule)) < 1000  # no cache travels


@pytest.mark.parametrize(
    ("factor", "text"),
    [
        (lambda k: 0.95, "0.95"),
        (lambda k: 1 - 1 / (k + 50), "1 - 1 / (epoch + 50)"),
        (lambda k: 0.9 if k % 10 == 0 else 1.001, "0.9 if epoch % 10 == 0 else 1.001"),
    ],
    ids=["constant", "decreasing", "stepwise"],
)
@pytest.mark.parametrize("as_text", [False, True], ids=["callable", "expression"])
def test_multiplicative_is_bit_identical_in_any_order(
    factor: Callable[[int], float], text: str, as_text: bool
) -> None:
    steps = 5000  # several blocks of checkpoints
    expected = _left_to_right(0.37, factor, steps)
    fn: Any = text if as_text else factor
    rng = np.random.default_rng(8)
    order = rng.permutation(steps + 1)
    scalar = lrkit.MultiplicativeLR(lr=0.37, lr_lambda=fn)
    assert [scalar(int(t)) for t in order] == expected[order].tolist()
    array = lrkit.MultiplicativeLR(lr=0.37, lr_lambda=fn)
    assert array(order).tolist() == expected[order].tolist()
    assert array(np.arange(steps + 1)).tolist() == expected.tolist()
    backwards = lrkit.MultiplicativeLR(lr=0.37, lr_lambda=fn)
    assert [backwards(t) for t in range(steps, -1, -1)] == expected[::-1].tolist()
    assert backwards.running(steps).tolist() == expected.tolist()


def test_multiplicative_walks_call_each_factor_once() -> None:
    calls: list[int] = []

    def factor(k: int) -> float:
        calls.append(k)
        return 1 - 1 / (k + 50)

    expected = _left_to_right(0.1, factor, 30_000)
    calls.clear()
    dense = lrkit.MultiplicativeLR(lr=0.1, lr_lambda=factor)
    assert dense(np.arange(30_001)).tolist() == expected.tolist()
    assert sorted(calls) == list(range(1, 30_001))
    calls.clear()
    walk = lrkit.MultiplicativeLR(lr=0.1, lr_lambda=factor)
    assert [walk(t) for t in range(5000)] == expected[:5000].tolist()
    assert sorted(calls) == list(range(1, 5000))


def test_multiplicative_calls_the_factor_only_up_to_the_step_asked_for() -> None:
    schedule = lrkit.MultiplicativeLR(lr=0.1, lr_lambda="1 / (epoch - 900)")
    assert schedule(10) == _left_to_right(0.1, lambda k: 1 / (k - 900), 10)[-1]
    with pytest.raises(InvalidValue, match="division by zero"):
        schedule(901)
    assert schedule(899) == _left_to_right(0.1, lambda k: 1 / (k - 900), 899)[-1]


@pytest.mark.parametrize(
    "step",
    [2**40, float(2**40), np.array([3, 2**40]), np.array([1e300])],
    ids=["2**40", "float", "array", "1e300"],
)
def test_multiplicative_refuses_huge_steps_at_once(step: Any) -> None:
    schedule = lrkit.MultiplicativeLR(lr=0.1, lr_lambda="0.95")
    start = time.perf_counter()
    with pytest.raises(ValueError, match=r"^step must be at most 100000000 for MultiplicativeLR"):
        schedule(step)
    assert time.perf_counter() - start < 0.1
    assert MAX_PRODUCT_STEP == 10**8


def test_multiplicative_limit_is_the_last_step_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    assert MAX_PRODUCT_STEP == 10**8
    monkeypatch.setattr(functional, "MAX_PRODUCT_STEP", 5000)  # the same rule, quicker
    schedule = lrkit.MultiplicativeLR(lr=0.1, lr_lambda="0.999")
    assert schedule(5000) == _left_to_right(0.1, lambda k: 0.999, 5000)[-1]
    assert schedule(np.array([5000, 0])).tolist() == [schedule(5000), 0.1]
    message = r"^step must be at most 5000 for MultiplicativeLR, got 5001 \(a running product"
    for step in (5001, 5001.0, np.array([0, 5001]), np.array([5001.0])):
        with pytest.raises(ValueError, match=message):
            schedule(step)
    with pytest.raises(ValueError, match=message):
        schedule.running(5001)


def test_multiplicative_limit_holds_inside_composites() -> None:
    child = lrkit.MultiplicativeLR(lr=0.1, lr_lambda="0.95")
    sequence = lrkit.SequentialLR(
        schedulers=[lrkit.ConstantLR(lr=0.1, factor=0.5, total_iters=5), child],
        milestones=[5],
    )
    chain = lrkit.ChainedScheduler([child, lrkit.ExponentialLR(lr=0.1, gamma=0.9)])
    for schedule in (sequence, chain):
        with pytest.raises(ValueError, match=r"at most 100000000 for MultiplicativeLR, got"):
            schedule(2**40)
        with pytest.raises(ValueError, match=r"at most 100000000 for MultiplicativeLR, got"):
            schedule(np.array([0, 2**41]))
    assert sequence(7) == 0.1 * 0.95 * 0.95


def test_multiplicative_is_thread_safe() -> None:
    steps = 20_000
    factor = lambda k: 1 - 1 / (k + 50)  # noqa: E731
    expected = _left_to_right(0.1, factor, steps)
    schedule = lrkit.MultiplicativeLR(lr=0.1, lr_lambda="1 - 1 / (epoch + 50)")
    errors: list[str] = []
    barrier = threading.Barrier(6)

    def work(seed: int) -> None:
        rng = np.random.default_rng(seed)
        barrier.wait()
        for _ in range(40):
            picks = rng.integers(0, steps + 1, size=int(rng.integers(1, 50)))
            if seed % 2:
                got = [schedule(int(t)) for t in picks]
            else:
                got = schedule(picks).tolist()
            if got != expected[picks].tolist():
                errors.append(f"thread {seed}")

    threads = [threading.Thread(target=work, args=(seed,)) for seed in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_multiplicative_pickles_and_copies_without_its_checkpoints() -> None:
    schedule = lrkit.MultiplicativeLR(lr=0.1, lr_lambda="0.999")
    value = schedule(50_000)
    for clone in (
        pickle.loads(pickle.dumps(schedule)),
        copy.deepcopy(schedule),
        copy.copy(schedule),
    ):
        assert clone == schedule and hash(clone) == hash(schedule)
        assert clone(50_000) == value
    state = schedule.__getstate__()
    assert set(state) == {"lr", "lr_lambda"}
    # A pickle of an earlier lrkit held the cache itself: it is dropped, not trusted.
    old = lrkit.MultiplicativeLR.__new__(lrkit.MultiplicativeLR)
    old.__setstate__({**state, "_cache": np.array([5.0, 6.0]), "_unit": None})
    assert old == schedule and old(1) == 0.1 * 0.999 and old(50_000) == value


# -- the command line: sampled, capped, clean errors -------------------------------------


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_clean_usage_error(code: int, out: str, err: str, message: str) -> None:
    assert code == 2, err
    assert out == ""
    assert "Traceback" not in err
    assert message in err, err


def test_show_of_millions_of_steps_is_sampled(
    capsys: pytest.CaptureFixture[str], peak_memory: Callable[[], float]
) -> None:
    spec = "CosineAnnealingLR:lr=0.1,T_max=2e6"
    start = time.perf_counter()
    code, out, err = run(capsys, "show", spec, "--width", "80")
    assert code == 0, err
    assert time.perf_counter() - start < 2.0
    assert peak_memory() < 20.0  # every step: more than 100 MB
    lines = out.splitlines()
    assert lines[0] == spec and all(len(line) <= 80 for line in lines)
    assert len(lines) == 1 + 12 + 2 + 1
    assert lines[-2].split() == ["0", "step", "2e+06"]
    assert lines[-1] == "min 0 at step 2e+06   max 0.1 at step 0   final 0 at step 2e+06"


def test_table_samples_past_its_row_limit_with_exact_values(
    capsys: pytest.CaptureFixture[str],
) -> None:
    spec = "CosineAnnealingLR:lr=0.1,T_max=200001"
    schedule = parse_spec(spec).schedule
    code, out, err = run(capsys, "table", spec)
    assert code == 0
    assert "printing every 5 steps" in err and "Traceback" not in err
    rows = list(csv.reader(io.StringIO(out)))[1:]
    steps = [int(row[0]) for row in rows]
    assert steps == [*range(0, 200001, 5), 200001]  # the last step is always shown
    assert len(rows) <= 100_000
    values = [float(row[1]) for row in rows]
    assert values == schedule(np.array(steps)).tolist()
    assert values[-1] == schedule(200001) and values[1] == schedule(5)


def test_table_every_prints_exact_values_at_its_steps(capsys: pytest.CaptureFixture[str]) -> None:
    spec = "CyclicLR:base_lr=0.01,max_lr=0.1,step_size_up=7"
    schedule = parse_spec(spec).schedule
    assert schedule.momentum is not None
    code, out, err = run(
        capsys, "table", spec, "--steps", "5e7", "--every", "999", "--format", "json"
    )
    assert code == 0, err
    rows = json.loads(out)
    steps = [row["step"] for row in rows]
    assert steps == [*range(0, 50_000_001, 999), 50_000_000]
    assert [row["lr"] for row in rows] == schedule(np.array(steps)).tolist()
    assert [row["momentum"] for row in rows] == schedule.momentum(np.array(steps)).tolist()
    assert [row["lr"] for row in rows[:3]] == [schedule(t) for t in steps[:3]]


def test_table_every_with_too_many_rows_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(
        capsys, "table", "StepLR:lr=0.1,step_size=3", "--steps", "1000000", "--every", "7"
    )
    assert_clean_usage_error(code, out, err, "--every 7 makes 142859 rows of steps 0..1000000")
    assert "use --every 20 (or more)" in err  # every 10 makes 100,001 rows


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["show", "StepLR:lr=0.1,step_size=3", "--steps", "1e12"], "--steps: must be at most 10**9, got 1e12"),
        (["table", "StepLR:lr=0.1,step_size=3", "--steps", "1000000000001"], "--steps: must be at most 10**9"),
        (["show", "StepLR:lr=0.1,step_size=3", "--steps", "9" * 5000], "--steps: must be at most 10**9"),
        (["plot", "StepLR:lr=0.1,step_size=3", "-o", "x.png", "--steps", "2e9"], "--steps: must be at most 10**9"),
        (["show", "StepLR:lr=0.1,step_size=3", "--width", "1001"], "--width: must be at most 1000, got 1001"),
        (["show", "StepLR:lr=0.1,step_size=3", "--height", "201"], "--height: must be at most 200, got 201"),
        (["show", "StepLR:lr=0.1,step_size=3", "--steps-per-epoch", "1000000001"], "--steps-per-epoch: must be at most 10**9"),
        (["plot", "StepLR:lr=0.1,step_size=3", "-o", "x.png", "--steps-per-epoch", "2e9"], "--steps-per-epoch: must be at most 10**9"),
        (["table", "StepLR:lr=0.1,step_size=3", "--every", "1000000001"], "--every: must be at most 10**9"),
        (["plot", "StepLR:lr=0.1,step_size=3", "-o", "x.png", "--dpi", "601"], "--dpi: must be at most 600, got 601"),
        (["plot", "StepLR:lr=0.1,step_size=3", "-o", "x.png", "--dpi", "9"], "--dpi: must be an integer >= 10, got 9"),
        (["plot", *["StepLR:lr=0.1,step_size=3"] * 21, "-o", "x.png"], "at most 20 SPECs fit one figure, got 21"),
        (["show", "CosineAnnealingLR:lr=0.1,T_max=1e12"], "its own length is 1000000000000 steps, more than 10**9: give --steps N"),
    ],
    ids=[
        "steps-1e12", "steps-int", "steps-5000-digits", "plot-steps", "width", "height",
        "show-steps-per-epoch", "plot-steps-per-epoch", "every", "dpi-high", "dpi-low",
        "specs", "default-length",
    ],
)  # fmt: skip
def test_size_options_past_their_limits_fail_cleanly(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    start = time.perf_counter()
    code, out, err = run(capsys, *argv)
    assert time.perf_counter() - start < 1.0
    assert_clean_usage_error(code, out, err, message)
    assert list(tmp_path.iterdir()) == []


def test_steps_past_multiplicative_limit_fail_cleanly(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(functional, "MAX_PRODUCT_STEP", 1000)  # 10**8: the same, slower
    spec = "MultiplicativeLR:lr=0.1,lr_lambda=0.95"
    for command in ("show", "table"):
        code, out, err = run(capsys, command, spec, "--steps", "1001")
        assert_clean_usage_error(code, out, err, "step must be at most 1000 for MultiplicativeLR")
        code, out, err = run(capsys, command, spec, "--steps", "1000")
        assert code == 0, err


def test_size_options_at_their_limits_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = "StepLR:lr=0.1,step_size=3"
    code, out, err = run(
        capsys, "show", spec, "--steps", "1e9", "--width", "1000", "--height", "200"
    )
    assert code == 0, err
    assert max(len(line) for line in out.splitlines()) == 1000
    code, out, err = run(capsys, "table", spec, "--steps", "1000000000", "--every", "1000000000")
    assert code == 0 and out.splitlines() == [
        "step,lr",
        "0,0.1",
        f"1000000000,{spec_value(spec, 10**9)!r}",
    ]
    code, out, err = run(capsys, "plot", spec, "-o", str(tmp_path / "small.png"), "--dpi", "10")
    assert code == 0, err
    assert "(80x45 px, steps 0..10)" in out
    code, out, err = run(capsys, "plot", *[spec] * 20, "-o", str(tmp_path / "many.svg"))
    assert code == 0, err


def spec_value(spec: str, step: int) -> float:
    return float(parse_spec(spec).schedule(np.array([step]))[0])


@pytest.mark.parametrize(
    ("command", "limits"),
    [
        ("show", ["--steps N", "at most 10**9", "at most 1000", "2 to 200", "K at most 10**9"]),
        ("table", ["at most 10**9", "100,000 rows"]),
        ("plot", ["at most 10**9", "10 to 600", "at most 20"]),
    ],
)
def test_limits_are_in_the_help_and_the_docs(
    capsys: pytest.CaptureFixture[str], command: str, limits: list[str]
) -> None:
    code, out, _ = run(capsys, command, "--help")
    flat = " ".join(out.split())
    assert code == 0
    for limit in limits:
        assert limit in flat, limit
    page = CLI_DOC.read_text(encoding="utf-8")
    table = page[page.index("## Limits") :]
    for option, allowed in [
        ("--steps N", "0 to 10**9"),
        ("--steps-per-epoch K", "1 to 10**9"),
        ("--every K", "1 to 10**9, and at most 100,000 rows"),
        ("--width", "1 to 1000"),
        ("--height", "2 to 200"),
        ("--dpi", "10 to 600"),
        ("SPEC ...", "at most 20 SPECs"),
    ]:
        assert re.search(rf"\| `{re.escape(option)}` \|[^|\n]*\| {re.escape(allowed)}", table), (
            option
        )


LONG_INT = "1" + "0" * 5000


@pytest.mark.parametrize(
    "spec",
    [
        '{"type": "StepLR", "lr": 0.1, "step_size": ' + LONG_INT + "}",
        '{"type": "MultiStepLR", "lr": 0.1, "milestones": [3, ' + LONG_INT + "]}",
        "StepLR:lr=0.1,step_size=" + LONG_INT,
        "MultiStepLR:lr=0.1,milestones=[" + LONG_INT + "]",
    ],
    ids=["json", "json-list", "short", "short-list"],
)
def test_integers_of_more_than_4300_digits_are_clean_errors(
    capsys: pytest.CaptureFixture[str], spec: str
) -> None:
    for command in ("show", "table"):
        code, out, err = run(capsys, command, spec)
        assert_clean_usage_error(code, out, err, "an integer of 5001 digits")
        assert "at most 4300 digits" in err
    with pytest.raises(SpecError, match="at most 4300 digits"):
        parse_spec(spec)


def test_long_integers_in_config_files_are_clean_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "big.json").write_text(
        '{"type": "StepLR", "lr": 0.1, "step_size": ' + LONG_INT + "}"
    )
    (tmp_path / "big.yaml").write_text("type: StepLR\nlr: 0.1\nstep_size: " + LONG_INT + "\n")
    (tmp_path / "float.json").write_text(
        '{"type": "StepLR", "lr": 1' + "0" * 400 + ', "step_size": 3}'
    )
    for name, message in [
        ("big.json", "at most 4300 digits"),
        ("big.yaml", "invalid YAML"),
        ("float.json", ": lr must be "),
    ]:
        code, out, err = run(capsys, "table", str(tmp_path / name))
        assert_clean_usage_error(code, out, err, message)


@pytest.mark.parametrize(
    "spec",
    [
        '{"type": "StepLR", "lr": 0.1, "step_size": 3, "x": ' + "[" * 50_000 + "]" * 50_000 + "}",
        "MultiStepLR:lr=0.1,milestones=" + "[" * 50_000 + "]" * 50_000,
    ],
    ids=["json", "short"],
)
def test_brackets_nested_too_deeply_are_clean_errors(
    capsys: pytest.CaptureFixture[str], spec: str
) -> None:
    code, out, err = run(capsys, "show", spec)
    assert_clean_usage_error(code, out, err, "more than 100 deep")


def test_yaml_alias_bombs_and_cycles_are_clean_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = ["x0: &x0 [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]"]
    lines += [f"x{i}: &x{i} [{', '.join([f'*x{i - 1}'] * 10)}]" for i in range(1, 30)]
    (tmp_path / "laughs.yaml").write_text("\n".join(lines) + "\n")
    (tmp_path / "cycle.yaml").write_text(
        "&s {type: SequentialLR, lr: 0.1, milestones: [1], schedulers: [{type: ConstantLR}, *s]}\n"
    )
    start = time.perf_counter()
    code, out, err = run(capsys, "show", str(tmp_path / "laughs.yaml"))
    assert time.perf_counter() - start < 2.0
    assert_clean_usage_error(code, out, err, "in a config of at most 100000 values")
    code, out, err = run(capsys, "table", str(tmp_path / "cycle.yaml"))
    assert_clean_usage_error(
        code, out, err, "schedulers[1] must be a value that does not contain itself"
    )


# -- configs: depth, size and cycles ------------------------------------------------------


def _nested(depth: int) -> dict[str, Any]:
    """A SequentialLR config ``depth`` schedules deep (its first child nests further)."""
    config: dict[str, Any] = {"type": "ExponentialLR", "gamma": 0.9}
    for _ in range(depth - 1):
        config = {
            "type": "SequentialLR",
            "milestones": [1],
            "schedulers": [config, {"type": "ExponentialLR", "gamma": 0.9}],
        }
    return {**config, "lr": 0.1}


def test_config_nesting_has_a_limit_naming_the_key_path() -> None:
    schedule = from_config(_nested(32))
    assert schedule(0) == 0.1 and schedule(3) == 0.1 * 0.9 * 0.9
    assert schedule(np.arange(4)).tolist() == [schedule(t) for t in range(4)]
    path = ".".join(["schedulers[0]"] * 32)
    for depth in (33, 250, 5000):
        with pytest.raises(ValueError) as info:
            from_config(_nested(depth))
        assert str(info.value) == (
            f"{path} must be a schedule at most 32 levels deep in its config, got 33 "
            "(the top is level 1, each child schedule one level further)"
        )
        assert info.value.argument == path  # type: ignore[attr-defined]


def test_config_limits_do_not_depend_on_the_callers_stack() -> None:
    deep = _nested(250)
    for spare in (60, 200):
        with pytest.raises(ValueError, match=r"at most 32 levels deep"):
            _in_a_deep_stack(spare, lambda: from_config(deep))
    looped: dict[str, Any] = {"type": "Momentum"}
    looped["of"] = looped
    with pytest.raises(ValueError, match="does not contain itself"):
        _in_a_deep_stack(60, lambda: from_config(looped))


def test_configs_that_contain_themselves_are_refused() -> None:
    momentum: dict[str, Any] = {"type": "Momentum"}
    momentum["of"] = momentum
    sequence: dict[str, Any] = {"type": "SequentialLR", "lr": 0.1, "milestones": [1]}
    sequence["schedulers"] = [{"type": "ConstantLR"}, {"type": "Momentum", "of": sequence}]
    milestones: list[Any] = [1]
    milestones.append(milestones)
    cases = [
        (momentum, "of"),
        (sequence, "schedulers[1].of"),
        ({"type": "MultiStepLR", "lr": 0.1, "milestones": milestones}, "milestones[1]"),
    ]
    for config, path in cases:
        for function in (from_config, minimal_config, short_form):
            with pytest.raises(ValueError) as info:
                function(config)
            assert str(info.value).startswith(
                f"{path} must be a value that does not contain itself"
            )


def test_configs_sharing_parts_are_bounded() -> None:
    node: dict[str, Any] = {"type": "ExponentialLR", "gamma": 0.9}
    for _ in range(30):  # 10**30 schedules if every shared child were walked
        node = {"type": "SequentialLR", "milestones": [1] * 9, "schedulers": [node] * 10}
    start = time.perf_counter()
    with pytest.raises(ValueError, match=r"must be in a config of at most 10000 schedules"):
        from_config({**node, "lr": 0.1})
    assert time.perf_counter() - start < 2.0


def test_config_integers_too_large_for_a_float_name_their_key() -> None:
    for config, path in [
        ({"type": "StepLR", "lr": 10**5000, "step_size": 3}, "lr"),
        ({"type": "StepLR", "lr": 10**400, "step_size": 3}, "lr"),
        (
            {
                "type": "SequentialLR",
                "lr": 0.1,
                "milestones": [2],
                "schedulers": [
                    {"type": "ConstantLR"},
                    {"type": "MultiStepLR", "milestones": [10**400]},
                ],
            },
            "schedulers[1]",
        ),
    ]:
        with pytest.raises(ValueError) as info:  # not an OverflowError
            from_config(config)
        assert str(info.value).startswith(path)


# -- Expr: chains and immutability ---------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "name"),
    [
        (lambda n: "min(" + ",".join(["x"] * n) + ")", "min"),
        (lambda n: "max(" + ",".join(["x"] * n) + ")", "max"),
        (lambda n: "<".join(["x"] * n), "a comparison chain"),
        (lambda n: " and ".join(["x"] * n), "an 'and' chain"),
        (lambda n: " or ".join(["x"] * n), "an 'or' chain"),
    ],
    ids=["min", "max", "compare", "and", "or"],
)
def test_expr_chains_have_a_length_limit(
    monkeypatch: pytest.MonkeyPatch, make: Callable[[int], str], name: str
) -> None:
    limit = expr_module.MAX_CHAIN
    assert limit == 500
    monkeypatch.setattr(expr_module, "MAX_LENGTH", 100_000)  # the chain limit alone
    longest = Expr(make(limit), variable="x")
    with pytest.raises(InvalidValue) as info:
        Expr(make(limit + 1), variable="x")
    assert str(info.value).endswith(
        f"({name} of {limit + 1} operands, at most {limit} are allowed)"
    )
    # A chain costs no recursion: it evaluates with little stack to spare.
    expected = float(eval(make(limit), {}, {"x": 2.0}))
    assert _in_a_deep_stack(120, lambda: longest(2.0)) == expected
    assert _in_a_deep_stack(120, lambda: longest(np.array([2.0, 0.0]))).tolist() == [
        expected,
        float(eval(make(limit), {}, {"x": 0.0})),
    ]


def test_expr_chains_keep_their_errors() -> None:
    with pytest.raises(InvalidValue, match=r"'max\(math.inf, x, 1\)' \(overflow at x=1.0\)$"):
        Expr("max(math.inf, x, 1)", variable="x")(1.0)
    assert Expr("min(math.inf, x, 3)", variable="x")(np.array([1.0, 5.0])).tolist() == [1.0, 3.0]
    with pytest.raises(InvalidValue, match=r"division by zero in '1/x' at x=0.0"):
        Expr("min(" + ",".join(["x"] * 300) + ",1/x)", variable="x")(np.array([1.0, 0.0]))


def test_expr_cannot_be_changed_through_its_state() -> None:
    expr = Expr("0.95 ** epoch")
    with pytest.raises(dataclasses.FrozenInstanceError):
        expr.__setstate__({"source": "2"})
    with pytest.raises(
        ValueError,
        match=r"^state must be a mapping of source, variable and argument, got .*unknown key '_scalar'",
    ):
        expr.__setstate__({"_scalar": 5})
    with pytest.raises(ValueError, match="unknown key '_tree'"):
        expr.__setstate__({"source": "0.95 ** epoch", "_tree": None})
    with pytest.raises(AttributeError):
        expr.__dict__.update({"source": "2"})
    with pytest.raises(AttributeError):
        object.__setattr__(expr, "_scalar", 5)
    with pytest.raises(TypeError):
        vars(expr)
    expr.__setstate__({"source": "0.95 ** epoch"})  # what it is already: nothing changes
    assert expr == Expr("0.95 ** epoch") and expr.source == "0.95 ** epoch"
    assert expr(2) == Expr("0.95 ** epoch")(2) == 0.9025
    assert not hasattr(expr, "_scalar")


class _Crafted:
    """Pickles as a blank Expr whose state is ``state`` (as a crafted pickle could)."""

    def __init__(self, state: Any) -> None:
        self.state = state

    def __reduce__(self) -> tuple[Any, ...]:
        return (copyreg._reconstructor, (Expr, object, None), self.state)  # type: ignore[attr-defined]


def test_expr_state_is_checked_as_the_constructor_checks() -> None:
    blank = Expr.__new__(Expr)
    blank.__setstate__({"source": " epoch + 1 ", "argument": "scale_fn"})
    assert blank == Expr("epoch + 1") and blank(2) == 3.0 and blank.argument == "scale_fn"
    good = pickle.loads(pickle.dumps(_Crafted({"source": "0.5 * epoch"})))
    assert good == Expr("0.5 * epoch") and good(3) == 1.5
    for state, error in [
        ({"source": "__import__('os')"}, "calling '__import__' is not allowed"),
        ({"source": "0.5", "_scalar": 5}, "unknown key '_scalar'"),
        ({"source": "0.5", "_tree": None}, "unknown key '_tree'"),
        ({"variable": "x"}, "no 'source'"),
        ("0.5", "state must be a mapping"),
    ]:
        with pytest.raises((ValueError, TypeError), match=re.escape(error)):
            pickle.loads(pickle.dumps(_Crafted(state)))


def test_expr_in_a_torch_state_dict_stays_as_it_is() -> None:
    torch = pytest.importorskip("torch")
    import lrkit.torch as lr_scheduler

    expr = Expr("0.95 ** epoch")
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    scheduler = lr_scheduler.LambdaLR(optimizer, expr)
    state = {**scheduler.state_dict(), "lr_lambdas": [{"source": "2", "_scalar": 5}]}
    try:
        scheduler.load_state_dict(state)
    except (ValueError, TypeError, AttributeError):
        pass  # refusing the state is as good as leaving the Expr alone
    assert scheduler.lr_lambdas[0] is expr
    assert expr.source == "0.95 ** epoch" and expr(2) == 0.9025
    assert not hasattr(expr, "_scalar")
