"""Tests for lrkit.core._expr: the safe arithmetic expressions of configs."""

from __future__ import annotations

import ast
import copy
import dataclasses
import math
import pickle
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, reject, settings
from hypothesis import strategies as st

from lrkit.core._errors import InvalidType, InvalidValue
from lrkit.core._expr import MAX_DEPTH, MAX_LENGTH, Expr
from lrkit.core._xp import NUMPY, SCALAR

EPOCHS = [0.0, 1.0, 2.0, 3.0, 5.0, 9.0, 10.0, 11.0, 37.0, 99.0, 100.0, 250.0, 123.5]

# (source, variable, plain Python version, plain numpy version)
EXAMPLES: list[tuple[str, str, Callable[[float], float], Callable[[Any], Any] | None]] = [
    ("0.95 ** epoch", "epoch", lambda t: 0.95**t, lambda t: 0.95**t),
    (
        "min(1, (epoch + 1) / 10)",
        "epoch",
        lambda t: min(1, (t + 1) / 10),
        lambda t: np.minimum(1, (t + 1) / 10),
    ),
    (
        "0.5 if epoch < 10 else math.cos(math.pi * epoch / 100)",
        "epoch",
        lambda t: 0.5 if t < 10 else math.cos(math.pi * t / 100),
        lambda t: np.where(t < 10, 0.5, np.cos(np.pi * t / 100)),
    ),
    ("1 / (2.0 ** (x - 1))", "x", lambda x: 1 / (2.0 ** (x - 1)), lambda x: 1 / (2.0 ** (x - 1))),
    ("epoch // 3 + epoch % 3", "epoch", lambda t: t // 3 + t % 3, lambda t: t // 3 + t % 3),
    ("-epoch ** 2 / 1e4", "epoch", lambda t: -(t**2) / 1e4, lambda t: -(t**2) / 1e4),
    (
        "math.sqrt(epoch + 1) * math.log(epoch + 2, 3)",
        "epoch",
        lambda t: math.sqrt(t + 1) * math.log(t + 2, 3),
        lambda t: np.sqrt(t + 1) * (np.log(t + 2) / np.log(3)),
    ),
    (
        "max(0.1, 1 - epoch / 50)",
        "epoch",
        lambda t: max(0.1, 1 - t / 50),
        lambda t: np.maximum(0.1, 1 - t / 50),
    ),
    (
        "(epoch > 5 and epoch < 10) * 2 + (not epoch)",
        "epoch",
        lambda t: (5 < t < 10) * 2 + (not t),
        lambda t: ((t > 5) & (t < 10)) * 2.0 + (t == 0),
    ),
    ("2 < epoch <= 10", "epoch", lambda t: float(2 < t <= 10), lambda t: (2 < t) & (t <= 10)),
    ("epoch or 7", "epoch", lambda t: t or 7, lambda t: np.where(t != 0, t, 7.0)),
    ("epoch and 7", "epoch", lambda t: t and 7, lambda t: np.where(t != 0, 7.0, t)),
    (
        "math.floor(epoch / 10) + math.ceil(epoch / 7) - math.trunc(-epoch / 3)",
        "epoch",
        lambda t: math.floor(t / 10) + math.ceil(t / 7) - math.trunc(-t / 3),
        lambda t: np.floor(t / 10) + np.ceil(t / 7) - np.trunc(-t / 3),
    ),
    (
        "abs(epoch - 7) + math.fabs(3 - epoch)",
        "epoch",
        lambda t: abs(t - 7) + math.fabs(3 - t),
        lambda t: np.abs(t - 7) + np.abs(3 - t),
    ),
    (
        "math.tanh(epoch / 10) + math.atan(epoch) + math.hypot(epoch, 3)",
        "epoch",
        lambda t: math.tanh(t / 10) + math.atan(t) + math.hypot(t, 3),
        lambda t: np.tanh(t / 10) + np.arctan(t) + np.hypot(t, 3),
    ),
    (
        "math.pow(0.5, epoch / 10) * math.exp(-epoch / 20)",
        "epoch",
        lambda t: math.pow(0.5, t / 10) * math.exp(-t / 20),
        lambda t: np.power(0.5, t / 10) * np.exp(-t / 20),
    ),
    (
        "math.log2(epoch + 1) + math.log10(epoch + 1) + math.log1p(epoch) + math.expm1(-epoch)",
        "epoch",
        lambda t: math.log2(t + 1) + math.log10(t + 1) + math.log1p(t) + math.expm1(-t),
        lambda t: np.log2(t + 1) + np.log10(t + 1) + np.log1p(t) + np.expm1(-t),
    ),
    (
        "math.sin(epoch) * math.tan(epoch / 1e4) + math.asinh(epoch) + math.cosh(epoch / 500)",
        "epoch",
        lambda t: math.sin(t) * math.tan(t / 1e4) + math.asinh(t) + math.cosh(t / 500),
        lambda t: np.sin(t) * np.tan(t / 1e4) + np.arcsinh(t) + np.cosh(t / 500),
    ),
    (
        "min(epoch, math.inf) + (epoch < math.inf) + (-math.inf < epoch)",
        "epoch",
        lambda t: t + 2.0,
        lambda t: t + 2.0,
    ),
    ("0.95", "epoch", lambda t: 0.95, lambda t: np.full_like(t, 0.95)),
    ("+epoch", "epoch", lambda t: t, lambda t: t),
    ("math.e ** (-epoch / math.tau)", "epoch", lambda t: math.e ** (-t / math.tau), None),
]


@pytest.mark.parametrize(("source", "variable", "plain", "vectorised"), EXAMPLES)
def test_examples_match_plain_python_and_numpy(
    source: str, variable: str, plain: Callable[[float], float], vectorised: Any
) -> None:
    expr = Expr(source, variable=variable)
    for t in EPOCHS:
        value = expr(t)
        assert type(value) is float
        assert value == pytest.approx(plain(t), rel=1e-12, abs=1e-300)
        assert expr.evaluate(SCALAR, t) == value
    t = np.array(EPOCHS)
    out = expr.evaluate(NUMPY, t)
    assert isinstance(out, np.ndarray)
    assert out.dtype == np.float64
    assert out.shape == t.shape
    expected = np.array([plain(v) for v in EPOCHS], dtype=np.float64)
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-300)
    if vectorised is not None:
        np.testing.assert_allclose(out, vectorised(t), rtol=1e-12, atol=1e-300)
    assert out.tolist() == [expr(v) for v in EPOCHS]  # the two paths agree exactly


def test_numpy_keeps_shape_broadcasts_constants_and_does_not_alias() -> None:
    grid = np.arange(12.0).reshape(3, 4)
    out = Expr("0.95 ** epoch").evaluate(NUMPY, grid)
    assert out.shape == (3, 4)
    np.testing.assert_allclose(out, 0.95**grid, rtol=1e-15)
    constant = Expr("0.95").evaluate(NUMPY, grid)
    assert constant.shape == (3, 4) and constant.dtype == np.float64
    assert (constant == 0.95).all()
    same = Expr("epoch").evaluate(NUMPY, grid)
    assert same is not grid and (same == grid).all()
    same[0, 0] = 99.0
    assert grid[0, 0] == 0.0
    zero_d = Expr("epoch + 1").evaluate(NUMPY, np.float64(2.0))
    assert isinstance(zero_d, np.ndarray) and zero_d.shape == () and zero_d == 3.0
    ints = Expr("epoch / 2").evaluate(NUMPY, np.arange(3))
    assert ints.dtype == np.float64 and ints.tolist() == [0.0, 0.5, 1.0]
    assert Expr("epoch // 2")(5) == 2.0 and type(Expr("epoch")(3)) is float


@pytest.mark.parametrize(
    "source",
    [
        "math.pow(math.pow(5.578125, 14), epoch)",
        "(epoch + 7) ** (epoch / 4)",
        "(epoch * 12345.678 + 1e5) ** (epoch - 3)",
        "math.exp(epoch / 3) + math.log10(epoch + 1) + math.tanh(epoch / 7)",
    ],
)
def test_paths_agree_whatever_the_layout(source: str) -> None:
    # numpy's power takes shortcuts for a scalar exponent of 2, 0.5 or -1: the scalar path,
    # 0-d arrays and strided arrays must still give what the plain vectorised path gives.
    expr = Expr(source)
    points = np.array([0.5, 2.0, 3.5, 4.0, 5.0, 8.0, 13.25, 2.0, 0.0, 1.0])
    vectorised = expr.evaluate(NUMPY, points).tolist()
    assert vectorised == [expr(t) for t in points]
    assert vectorised == [expr.evaluate(NUMPY, np.float64(t)).item() for t in points]
    strided = np.repeat(points, 2)[::2]
    assert not strided.flags.c_contiguous
    assert expr.evaluate(NUMPY, strided).tolist() == vectorised
    assert expr.evaluate(NUMPY, points.reshape(2, 5)).ravel().tolist() == vectorised


def test_equality_hash_repr_and_immutability() -> None:
    a = Expr("  0.95 ** epoch ")
    b = Expr("0.95 ** epoch", argument="other")
    assert a.source == "0.95 ** epoch"
    assert a == b and hash(a) == hash(b)
    assert a != Expr("0.95 ** x", variable="x")
    assert a != Expr("0.95**epoch")
    assert repr(a) == "Expr('0.95 ** epoch')"
    assert repr(Expr("x + 1", variable="x", argument="scale_fn")) == (
        "Expr('x + 1', variable='x', argument='scale_fn')"
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.source = "1"  # type: ignore[misc]
    assert {a, b} == {a}


def test_pickle_and_copy_round_trip() -> None:
    expr = Expr("0.5 if x < 10 else math.cos(math.pi * x / 100)", variable="x", argument="scale_fn")
    for clone in (pickle.loads(pickle.dumps(expr)), copy.deepcopy(expr), copy.copy(expr)):
        assert clone == expr
        assert (clone.source, clone.variable, clone.argument) == (
            "0.5 if x < 10 else math.cos(math.pi * x / 100)",
            "x",
            "scale_fn",
        )
        assert clone(37) == expr(37)
        assert (
            clone.evaluate(NUMPY, np.arange(5.0)).tolist()
            == expr.evaluate(NUMPY, np.arange(5.0)).tolist()
        )


def test_dataclass_replace_revalidates() -> None:
    expr = Expr("epoch + 1")
    assert dataclasses.replace(expr, source="epoch + 2")(1) == 3.0
    with pytest.raises(InvalidValue, match="name 'epoch' is not allowed"):
        dataclasses.replace(expr, variable="x")


HOSTILE = [
    "__import__('os')",
    "__import__('os').system('true')",
    "().__class__",
    "().__class__.__bases__[0].__subclasses__()",
    "epoch.real",
    "epoch.__class__",
    "open('x')",
    "print(1)",
    "eval('1')",
    "exec('1')",
    "globals()",
    "getattr(math, 'sqrt')(4)",
    "[1][0]",
    "epoch[0]",
    "lambda: 1",
    "(lambda: 1)()",
    "'a'",
    "b'a'",
    "f'{epoch}'",
    "x",
    "math",
    "math.__dict__",
    "math.os",
    "math.sqrt",
    "math.sqrt.__call__(4)",
    "math.pi.real",
    "math.factorial(3)",
    "os.system(1)",
    "(epoch := 1)",
    "f(*a)",
    "min(*[1, 2])",
    "min(epoch, key=abs)",
    "min()",
    "min(epoch)",
    "max(1)",
    "abs()",
    "abs(epoch, 1)",
    "math.sqrt(epoch, 2)",
    "math.pow(epoch)",
    "math.log(epoch, 2, 3)",
    "min",
    "epoch()",
    "pi * epoch",
    "True",
    "None",
    "...",
    "1j",
    "epoch @ 2",
    "epoch ^ 2",
    "epoch | 1",
    "epoch << 1",
    "~epoch",
    "epoch is 1",
    "epoch in (1, 2)",
    "(1, 2)",
    "{1: 2}",
    "{1}",
    "[e for e in (1,)]",
    "(e for e in (1,))",
    "epoch if epoch else __import__('os')",
    "1e999",
    "9" * 400,
    "",
    "   ",
    "epoch +",
    "epoch = 1",
    "import os",
    "1; 2",
    "\x00",
    "1+" * 500 + "1",  # 1001 characters
    "-" * (MAX_DEPTH + 5) + "epoch",  # nested too deeply
    "abs(" * 60 + "epoch" + ")" * 60,  # short enough, but too deep
]


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_sources_are_rejected(source: str) -> None:
    with pytest.raises(InvalidValue) as info:
        Expr(source)
    message = str(info.value)
    assert message.startswith("lr_lambda must be an arithmetic expression in epoch")
    assert info.value.argument == "lr_lambda"
    assert "(" in message and message.endswith(")")  # says what is wrong


def test_hostile_inputs_include_length_and_depth_limits() -> None:
    assert len("1+" * 500 + "1") == MAX_LENGTH + 1
    with pytest.raises(InvalidValue, match=f"at most {MAX_LENGTH}"):
        Expr("1+" * 500 + "1")
    Expr("1+" * 20 + "epoch")  # long chains within the depth limit are fine
    with pytest.raises(InvalidValue, match=f"nested more than {MAX_DEPTH} levels"):
        Expr("-" * (MAX_DEPTH + 5) + "epoch")
    Expr("-" * (MAX_DEPTH - 1) + "epoch")


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ("os.system(1)", "calling 'os.system' is not allowed"),
        ("x", "name 'x' is not allowed"),
        ("math.__dict__", "math.__dict__ is not allowed"),
        ("epoch.real", "attribute access '.real' is not allowed"),
        ("min()", "min needs at least 2 arguments, got 0"),
        ("(epoch := 1)", "assignment expression"),
        ("epoch +", "syntax error at the end of the text"),
        ("epoch + * 2", "syntax error at column 9"),
        ("", "empty"),
        ("pi * epoch", "write math.pi"),
        ("epoch ^ 2", "write powers as **"),
        ("True", "only numbers"),
        ("[1][0]", "subscript"),
        ("lambda: 1", "lambda"),
    ],
)
def test_rejections_say_what_is_wrong(source: str, fragment: str) -> None:
    with pytest.raises(InvalidValue) as info:
        Expr(source)
    assert fragment in str(info.value)
    assert repr(source) in str(info.value)


def test_message_names_the_argument_and_variable() -> None:
    with pytest.raises(InvalidValue) as info:
        Expr("epoch * 2", variable="x", argument="scale_fn")
    assert str(info.value).startswith("scale_fn must be an arithmetic expression in x (")
    assert "got 'epoch * 2' (name 'epoch' is not allowed; the variable is 'x')" in str(info.value)


@pytest.mark.parametrize("source", [1.0, None, b"epoch", ["epoch"], 3])
def test_non_string_source_is_a_type_error(source: Any) -> None:
    with pytest.raises(InvalidType, match=r"^lr_lambda must be an arithmetic expression string"):
        Expr(source)


@pytest.mark.parametrize(
    ("variable", "error"),
    [
        ("math", InvalidValue),
        ("min", InvalidValue),
        ("1x", InvalidValue),
        ("for", InvalidValue),
        (3, InvalidType),
    ],
)
def test_variable_must_be_a_free_identifier(variable: Any, error: type[Exception]) -> None:
    with pytest.raises(error, match=r"^variable must be"):
        Expr("1", variable=variable)


def test_argument_must_be_a_string() -> None:
    with pytest.raises(InvalidType, match=r"^argument must be"):
        Expr("1", argument=1)  # type: ignore[arg-type]


# -- failing steps ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "10 ** 10 ** 10",
        "1 / 0",
        "1 // 0",
        "1 % 0",
        "0 ** -1",
        "math.sqrt(-1)",
        "math.log(0)",
        "(-8) ** (1 / 3)",
        "math.exp(1000)",
        "math.inf + 1",
        "math.inf - math.inf",
        "abs(-math.inf)",
        "math.inf",
        "-math.inf",
        "epoch + 1 / 0",
        "min(epoch, math.log(-1))",
    ],
)
def test_failing_constant_parts_raise_at_construction(source: str) -> None:
    with pytest.raises(InvalidValue) as info:
        Expr(source)
    assert str(info.value).startswith(
        f"lr_lambda must be an expression that evaluates to finite numbers, got {source!r} ("
    )
    assert "does not depend on epoch" in str(info.value)


def test_huge_power_fails_at_construction() -> None:
    with pytest.raises(InvalidValue, match="overflow"):
        Expr("10 ** 10 ** 10")
    with pytest.raises(InvalidValue, match="overflow"):
        Expr("9 ** 9 ** 9 ** 9")


def _raises_at(expr: Expr, value: float) -> str:
    with pytest.raises(InvalidValue) as info:
        expr(value)
    return str(info.value)


def _numpy_raises(expr: Expr, values: list[float]) -> str:
    with pytest.raises(InvalidValue) as info:
        expr.evaluate(NUMPY, np.array(values))
    return str(info.value)


def test_overflow_names_the_epoch() -> None:
    expr = Expr("1.1 ** epoch")
    assert expr(100) == pytest.approx(1.1**100)
    message = _raises_at(expr, 1e5)
    assert message == (
        "lr_lambda must be an expression that evaluates to finite numbers, "
        "got '1.1 ** epoch' (overflow at epoch=100000.0)"
    )
    assert _numpy_raises(expr, [0.0, 10.0, 1e5, 2e5]) == message
    with np.errstate(over="ignore"):
        powers = np.power(1.1, np.arange(8000.0))
    first = int(np.flatnonzero(~np.isfinite(powers))[0])  # 7448
    assert f"epoch={float(first)!r}" in _numpy_raises(expr, [float(t) for t in range(8000)])


def test_domain_error_names_the_part_and_the_epoch() -> None:
    expr = Expr("1 + math.sqrt(epoch - 5)")
    assert expr(9) == 3.0
    message = _raises_at(expr, 4)
    assert "math domain error in 'math.sqrt(epoch - 5)' at epoch=4.0" in message
    assert "at epoch=4.0" in _numpy_raises(expr, [5.0, 6.0, 4.0, 3.0])
    assert "at epoch=3.0" in _numpy_raises(expr, [[5.0, 6.0], [3.0, 4.0]])


@pytest.mark.parametrize(
    ("source", "bad", "good"),
    [
        ("epoch // 0", 1.0, None),
        ("epoch % 0", 1.0, None),
        ("epoch / 0", 1.0, None),
        ("epoch / (epoch - 3)", 3.0, 4.0),
        ("(epoch - 3) ** -1", 3.0, 4.0),
        ("(epoch - 8) ** (1 / 3)", 0.0, 9.0),
        ("math.log(epoch)", 0.0, 1.0),
        ("math.log(epoch, 1)", 2.0, None),
        ("math.exp(epoch)", 710.0, 700.0),
        ("1e300 * epoch * epoch", 1e10, 1.0),
        ("epoch ** epoch", 1000.0, 10.0),
        ("math.acos(epoch)", 2.0, 1.0),
        ("math.atanh(epoch)", 1.0, 0.5),
        ("max(epoch, math.inf)", 1.0, None),
        ("math.inf * epoch", 0.0, None),
        ("math.inf if epoch > 5 else 1", 6.0, 5.0),
        # both arms of a choice are always evaluated:
        ("1 if epoch < 5 else 1 / (epoch - 3)", 3.0, 4.0),
        ("epoch and 1 / (epoch - 2)", 2.0, 0.0),
    ],
)
def test_failing_steps_raise_in_both_paths(source: str, bad: float, good: float | None) -> None:
    expr = Expr(source)
    message = _raises_at(expr, bad)
    assert message.startswith("lr_lambda must be an expression that evaluates to finite numbers")
    assert message.endswith(f"at epoch={bad!r})")
    assert _numpy_raises(expr, [bad]) == message
    if good is not None:
        value = expr(good)
        # plain Python (libm's atanh may differ from numpy's, which lrkit uses, by an ulp)
        assert value == pytest.approx(
            eval(source, {"math": math}, {"epoch": good}), rel=1e-15, abs=0
        )
        assert expr.evaluate(NUMPY, np.array([good])).tolist() == [value]
        assert _numpy_raises(expr, [good, bad, good]) == message


def test_underflow_is_fine() -> None:
    expr = Expr("0.5 ** epoch + math.exp(-epoch)")
    assert expr(1e4) == 0.0
    assert expr.evaluate(NUMPY, np.array([0.0, 1e4])).tolist() == [2.0, 0.0]


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_variable_must_be_finite(bad: float) -> None:
    expr = Expr("epoch < 5")
    with pytest.raises(InvalidValue, match=r"^epoch must be a finite number"):
        expr(bad)
    with pytest.raises(InvalidValue, match=r"^epoch must be a finite number"):
        expr.evaluate(NUMPY, np.array([1.0, bad]))


def test_non_numbers_are_type_errors() -> None:
    with pytest.raises(InvalidType, match=r"^epoch must be a real number"):
        Expr("epoch")("three")  # type: ignore[arg-type]
    with pytest.raises(InvalidType, match=r"^epoch must be an array of real numbers"):
        Expr("epoch").evaluate(NUMPY, ["three"])


def test_huge_integers_are_not_finite_numbers() -> None:
    with pytest.raises(InvalidValue, match=r"^epoch must be a finite number"):
        Expr("epoch")(10**400)
    with pytest.raises(InvalidValue, match=r"^epoch must be a finite number"):
        Expr("epoch")(np.array([1, 10**400], dtype=object))


@pytest.mark.parametrize(
    ("source", "at", "reason"),
    [
        ("epoch / (epoch - 3)", 3.0, "division by zero"),
        ("(epoch - 3) / (epoch - 3)", 3.0, "division by zero"),  # numpy: "invalid"
        ("epoch % 0", 1.0, "division by zero"),
        ("epoch // 0", 0.0, "division by zero"),
        ("1 + (epoch - 3) ** -1", 3.0, "division by zero in '(epoch - 3) ** -1'"),
        ("math.log(epoch)", 0.0, "division by zero"),
        ("math.exp(epoch)", 710.0, "overflow"),
        ("2 * math.sqrt(epoch - 5)", 4.0, "math domain error in 'math.sqrt(epoch - 5)'"),
        ("(epoch - 8) ** 0.5", 0.0, "math domain error"),
        ("max(epoch, math.inf)", 1.0, "overflow"),
        ("math.inf * epoch", 0.0, "not a number (nan)"),
        ("math.inf * (epoch + 1)", 1.0, "overflow"),
        ("1 + math.inf % (epoch + 1)", 1.0, "not a number (nan) in 'math.inf % (epoch + 1)'"),
    ],
)
def test_failure_messages_say_why_where_and_at_which_value(
    source: str, at: float, reason: str
) -> None:
    expected = (
        f"lr_lambda must be an expression that evaluates to finite numbers, got {source!r} "
        f"({reason} at epoch={at!r})"
    )
    assert _raises_at(Expr(source), at) == expected
    assert _numpy_raises(Expr(source), [at, at]) == expected


def test_other_namespaces_are_rejected() -> None:
    class Other:
        name = "torch"

    with pytest.raises(InvalidType, match=r"^xp must be the SCALAR or NUMPY namespace"):
        Expr("epoch").evaluate(Other(), np.arange(3.0))  # type: ignore[arg-type]


def test_call_takes_numbers_and_arrays() -> None:
    expr = Expr("0.95 ** epoch")
    out = expr(np.arange(10))
    assert isinstance(out, np.ndarray) and out.dtype == np.float64 and out.shape == (10,)
    assert out.tolist() == [expr(t) for t in range(10)]
    assert all(type(expr(t)) is float for t in (3, 3.0, np.float64(3.0), np.int64(3)))
    grid = expr(np.arange(12.0).reshape(3, 4))
    assert grid.shape == (3, 4) and grid.ravel().tolist() == [expr(t) for t in range(12)]
    zero_d = expr(np.array(2.0))
    assert isinstance(zero_d, np.ndarray) and zero_d.shape == () and zero_d.item() == expr(2)
    assert expr(np.array([], dtype=np.float64)).shape == (0,)
    assert Expr("0.5")(np.zeros((2, 0))).shape == (2, 0)
    with pytest.raises(InvalidType, match=r"^epoch must be a real number"):
        expr([1.0, 2.0])  # type: ignore[call-overload]


@pytest.mark.parametrize(
    "source",
    [
        "min(" + ", ".join(["x"] * 332) + ")",
        " < ".join(["x"] * 250),
        " or ".join(["x"] * 199),
        "max(" + ",".join(["x"] * 496) + ",1/x)",
    ],
)
def test_long_chains_evaluate_within_the_recursion_limit(source: str) -> None:
    assert len(source) <= MAX_LENGTH
    expr = Expr(source, variable="x")
    plain = [float(eval(source, {"math": math}, {"x": x})) for x in (1.0, 2.0, 3.0)]
    assert plain[2] == (0.0 if "<" in source else 3.0)
    assert [expr(1.0), expr(2.0), expr(3.0)] == plain
    assert expr(np.arange(1.0, 4.0)).tolist() == plain
    if "1/x" in source:
        with pytest.raises(InvalidValue, match=r"division by zero in '1/x' at x=0\.0\)$"):
            expr(np.arange(3.0))


# -- property tests ---------------------------------------------------------------------

_LEAVES = st.one_of(
    st.just("epoch"),
    st.integers(0, 20).map(str),
    st.floats(0, 10, allow_nan=False, allow_infinity=False).map(repr),
    st.sampled_from(
        ["math.pi", "math.e", "math.tau", "math.inf", "0.5", "0.95", "1.1", "1e-3", "1e300"]
    ),
)
_BINARY = ["+", "-", "*", "/", "//", "%", "**", "<", "<=", ">", ">=", "==", "!=", "and", "or"]
_FUNCTIONS_1 = [
    "abs",
    "math.sqrt",
    "math.exp",
    "math.expm1",
    "math.log",
    "math.log1p",
    "math.log2",
    "math.log10",
    "math.sin",
    "math.cos",
    "math.tan",
    "math.asin",
    "math.acos",
    "math.atan",
    "math.sinh",
    "math.cosh",
    "math.tanh",
    "math.asinh",
    "math.acosh",
    "math.atanh",
    "math.floor",
    "math.ceil",
    "math.trunc",
    "math.fabs",
]
_FUNCTIONS_2 = ["math.pow", "math.hypot", "math.log", "min", "max"]


def _extend(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(children, st.sampled_from(_BINARY), children).map(
            lambda p: f"({p[0]}) {p[1]} ({p[2]})"
        ),
        st.tuples(st.sampled_from(["-", "+", "not "]), children).map(lambda p: f"{p[0]}({p[1]})"),
        st.tuples(children, children, children).map(
            lambda p: f"({p[0]}) if ({p[1]}) else ({p[2]})"
        ),
        st.tuples(children, children, children).map(lambda p: f"({p[0]}) < ({p[1]}) <= ({p[2]})"),
        st.tuples(st.sampled_from(_FUNCTIONS_1), children).map(lambda p: f"{p[0]}({p[1]})"),
        st.tuples(st.sampled_from(_FUNCTIONS_2), children, children).map(
            lambda p: f"{p[0]}({p[1]}, {p[2]})"
        ),
        st.tuples(st.sampled_from(["min", "max"]), st.lists(children, min_size=3, max_size=4)).map(
            lambda p: f"{p[0]}({', '.join(p[1])})"
        ),
    )


EXPRESSIONS = st.recursive(_LEAVES, _extend, max_leaves=10)
EPOCH_LISTS = st.lists(
    st.one_of(
        st.integers(0, 3000).map(float),
        st.floats(0, 1e6, allow_nan=False, allow_infinity=False),
        st.sampled_from([0.0, 1.0, 0.5, 1e-300, 5e-324]),
    ),
    min_size=1,
    max_size=6,
)


def _valid(source: str) -> Expr:
    """The Expr of a generated source; hypothesis skips those with a failing constant part."""
    try:
        return Expr(source)
    except InvalidValue as error:  # a part without epoch fails (1 / 0); nothing else may
        assert "does not depend on epoch" in str(error), str(error)
        reject()


def _scalar_or_none(expr: Expr, t: float) -> float | None:
    try:
        return expr(t)
    except InvalidValue:
        return None


def _numpy_or_message(expr: Expr, values: Any) -> Any:
    try:
        return expr.evaluate(NUMPY, values)
    except InvalidValue as error:
        return str(error)


def _call_or_message(expr: Expr, value: Any) -> Any:
    try:
        return expr(value)
    except InvalidValue as error:
        return str(error)


@given(source=EXPRESSIONS, epochs=EPOCH_LISTS)
@settings(max_examples=600, deadline=None)
def test_scalar_and_numpy_paths_agree(source: str, epochs: list[float]) -> None:
    expr = _valid(source)
    scalars = [_scalar_or_none(expr, t) for t in epochs]
    for t, value in zip(epochs, scalars, strict=True):
        single = _numpy_or_message(expr, np.array([t]))
        if value is None:
            assert isinstance(single, str)
            assert single.endswith(f"at epoch={t!r})")
            assert single == _raises_at(expr, t)
        else:
            assert not isinstance(single, str), single
            assert single.tolist() == [value]
            assert math.isfinite(value)
    whole = _numpy_or_message(expr, np.array(epochs))
    if None in scalars:
        first = epochs[scalars.index(None)]
        assert isinstance(whole, str) and whole == _raises_at(expr, first)
    else:
        assert not isinstance(whole, str), whole
        assert whole.tolist() == scalars
        assert whole.dtype == np.float64 and whole.shape == (len(epochs),)


@given(source=EXPRESSIONS)
@settings(max_examples=400, deadline=None)
def test_call_on_an_array_equals_calls_on_its_elements(source: str) -> None:
    expr = _valid(source)
    expected = [_call_or_message(expr, t) for t in range(10)]
    for value in expected:
        assert isinstance(value, str) or type(value) is float
    got = _call_or_message(expr, np.arange(10))
    failures = [value for value in expected if isinstance(value, str)]
    if failures:  # the array fails where its first failing element does
        assert got == failures[0]
    else:
        assert isinstance(got, np.ndarray), got
        assert got.dtype == np.float64 and got.shape == (10,)
        assert got.tolist() == expected


@given(source=EXPRESSIONS, epochs=EPOCH_LISTS)
@settings(max_examples=200, deadline=None)
def test_pickle_round_trip_evaluates_equal(source: str, epochs: list[float]) -> None:
    expr = _valid(source)
    clone = pickle.loads(pickle.dumps(expr))
    assert clone == expr and hash(clone) == hash(expr) and repr(clone) == repr(expr)
    for t in epochs:
        assert _scalar_or_none(clone, t) == _scalar_or_none(expr, t)
    before = _numpy_or_message(expr, np.array(epochs))
    after = _numpy_or_message(clone, np.array(epochs))
    if isinstance(before, str):
        assert after == before
    else:
        assert after.tolist() == before.tolist()


@given(source=EXPRESSIONS, epochs=EPOCH_LISTS)
@settings(max_examples=200, deadline=None)
def test_generated_sources_reparse_from_repr(source: str, epochs: list[float]) -> None:
    expr = _valid(source)
    assert len(expr.source) <= MAX_LENGTH
    # The repr is code that builds an equal expression...
    clone = eval(repr(expr), {"Expr": Expr})
    assert isinstance(clone, Expr) and clone == expr and clone.source == source.strip()
    # ...and the same syntax tree written differently (Python's own spelling, without the
    # generator's parentheses) is parsed to the same function: same values, same failures.
    respelled = Expr(ast.unparse(ast.parse(source, mode="eval")))
    for t in epochs:
        value = _scalar_or_none(expr, t)
        assert _scalar_or_none(clone, t) == value
        assert _scalar_or_none(respelled, t) == value
    values = _numpy_or_message(expr, np.array(epochs))
    again = _numpy_or_message(respelled, np.array(epochs))
    if isinstance(values, str):
        assert isinstance(again, str)
        assert again.split(" at epoch=")[-1] == values.split(" at epoch=")[-1]
    else:
        assert not isinstance(again, str), again
        assert again.tolist() == values.tolist()
