"""A small, safe arithmetic language for functions written in configs.

``LambdaLR(lr_lambda="0.95 ** epoch")`` and ``CyclicLR(scale_fn="1 / (2.0 ** (x - 1))")``
take a function of one variable as a string. :class:`Expr` parses that string once,
rejects anything that is not plain arithmetic, and evaluates it on a number (one step) or
on a whole numpy array at once (a curve), giving the same numbers both ways.

    >>> f = Expr("min(1, (epoch + 1) / 10)")
    >>> f(4), f(20)
    (0.5, 1.0)
    >>> Expr("0.5 if x < 10 else math.cos(math.pi * x / 100)", variable="x")(50)
    6.123233995736766e-17

Grammar
-------
The text is read by :func:`ast.parse` (``mode="eval"``; never executed) and must be made
only of::

    expr   := number | VAR | math.pi | math.e | math.tau | math.inf
            | expr OP expr                     OP: + - * / // % **
            | - expr | + expr | not expr
            | expr CMP expr [CMP expr ...]     CMP: < <= > >= == != (chains allowed)
            | expr and expr | expr or expr
            | expr if expr else expr
            | min(expr, expr, ...) | max(expr, expr, ...)    (two or more arguments)
            | abs(expr)
            | math.FN(expr [, expr])
            | ( expr )

where ``VAR`` is the one free variable (``epoch`` by default) and ``FN`` is one of
sqrt, exp, expm1, log (one argument, or two: ``log(x, base)``), log1p, log2, log10,
sin, cos, tan, asin, acos, atan, sinh, cosh, tanh, asinh, acosh, atanh, floor, ceil,
trunc, fabs, pow (two arguments) and hypot (two arguments). Numbers are int or float
literals (not ``True``/``False``, strings or complex numbers). Every other construct
(other names, attributes, subscripts, calls, lambdas, comprehensions, keyword or starred
arguments, ``:=``, bit operators, ...) is rejected when the :class:`Expr` is built. The
text may be at most :data:`MAX_LENGTH` characters, its syntax tree at most
:data:`MAX_DEPTH` levels deep, and a chain (the arguments of one ``min``/``max``, the
operands of one ``and``/``or`` chain or of one comparison chain such as ``a < b < c``) at
most :data:`MAX_CHAIN` operands long. A chain is evaluated by a loop, not by recursion, so
evaluating an expression never goes deeper than its syntax tree.

Semantics
---------
* Everything is float64 arithmetic done by numpy: integer literals become floats (so
  ``10 ** 10 ** 10`` cannot build a giant integer), and so does the variable.
* There is one evaluation path. A single value is evaluated as a float64 array of one
  element, an array as a flat contiguous float64 array, with the same numpy routines and
  operands, so ``f(t)`` and ``f(array)`` agree exactly, values and errors alike.
* Comparisons, ``not``, ``and`` and ``or`` give ``1.0``/``0.0`` and may be used in
  arithmetic (``(epoch < 10) * 0.5``). ``a and b`` is ``b`` where ``a`` is non-zero and
  ``a`` elsewhere, ``a or b`` is ``a`` where ``a`` is non-zero and ``b`` elsewhere, as in
  Python, but elementwise.
* ``a if c else b`` is an elementwise choice (``numpy.where``): **both arms are always
  evaluated**, and an error in either one is an error, whichever arm is chosen. Likewise
  ``and``/``or`` do not short-circuit.
* Sub-expressions without the variable are computed once, when the :class:`Expr` is
  built, so an error in them (``1 / 0``, ``10 ** 400``) is reported then.
* An :class:`Expr` is immutable: it has no ``__dict__``, pickles and copies as its text,
  and ``__setstate__`` only builds a blank instance (as unpickling does), from a state
  holding nothing but ``source``, ``variable`` and ``argument``, checked like the
  constructor's arguments; it refuses to change a built one.
* Every step must be finite: an operation that overflows to infinity (``1.1 ** epoch``
  at epoch 8000, ``math.exp(1000)``), divides by zero (``x / 0``, ``x // 0``, ``x % 0``,
  ``0 ** -1``, ``math.log(0)``) or leaves its domain (``math.sqrt(-1)``, a negative number
  to a fractional power) raises :class:`~lrkit.InvalidValue` naming the argument, the
  text, the failing part and the value of the variable (for an array, the first element
  that fails). A result that underflows to zero is fine. ``math.inf`` may only be an
  operand that does not make a result infinite, as in ``min(epoch, math.inf)`` or
  ``epoch < math.inf``. The variable itself must be finite.
"""

from __future__ import annotations

import ast
import dataclasses
import keyword
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, NoReturn, overload

import numpy as np
from numpy.typing import NDArray

from lrkit.core._errors import InvalidType, InvalidValue
from lrkit.core._xp import Namespace

__all__ = ["MAX_CHAIN", "MAX_DEPTH", "MAX_LENGTH", "Expr"]

#: The longest expression text accepted, in characters.
MAX_LENGTH: Final = 1000
#: The deepest syntax tree accepted (``-(-(-epoch))`` is 4 deep).
MAX_DEPTH: Final = 50
#: The most operands of one chain: ``min(a, b, ...)``, ``max(...)``, ``a and b and ...``,
#: ``a or b or ...``, ``a < b <= c ...``. (:data:`MAX_LENGTH` alone would allow at most
#: about 500; the limit holds whatever the length limit.)
MAX_CHAIN: Final = 500
#: The keys of an :class:`Expr`'s state (``__getstate__`` / ``__setstate__``).
_STATE_KEYS: Final = ("source", "variable", "argument")

_FINITE_RULE: Final = "an expression that evaluates to finite numbers"
_RESERVED: Final = frozenset({"math", "min", "max", "abs"})

Array = NDArray[np.float64]

# ---------------------------------------------------------------------------------------
# The operations, and the one evaluator.
# ---------------------------------------------------------------------------------------


def _flag(test: np.ufunc) -> Callable[[Any, Any], Any]:
    return lambda a, b: test(a, b).astype(np.float64)


#: The functions of ``math`` that may be called, as ``math.<name>(...)``.
_MATH: Final[dict[str, Callable[..., Any]]] = {
    "sqrt": np.sqrt,
    "exp": np.exp,
    "expm1": np.expm1,
    "log": np.log,
    "log1p": np.log1p,
    "log2": np.log2,
    "log10": np.log10,
    "sin": np.sin,
    "cos": np.cos,
    "tan": np.tan,
    "asin": np.arcsin,
    "acos": np.arccos,
    "atan": np.arctan,
    "sinh": np.sinh,
    "cosh": np.cosh,
    "tanh": np.tanh,
    "asinh": np.arcsinh,
    "acosh": np.arccosh,
    "atanh": np.arctanh,
    "floor": np.floor,
    "ceil": np.ceil,
    "trunc": np.trunc,
    "fabs": np.abs,
    "pow": np.power,
    "hypot": np.hypot,
}
#: Every operation, by the name the parser gives it. Each takes float64 arrays (or, while
#: constants are folded, Python floats) and returns float64.
_OPS: Final[dict[str, Callable[..., Any]]] = {
    "+": np.add,
    "-": np.subtract,
    "*": np.multiply,
    "/": np.true_divide,
    "//": np.floor_divide,
    "%": np.remainder,
    "**": np.power,
    "<": _flag(np.less),
    "<=": _flag(np.less_equal),
    ">": _flag(np.greater),
    ">=": _flag(np.greater_equal),
    "==": _flag(np.equal),
    "!=": _flag(np.not_equal),
    "neg": np.negative,
    "not": lambda a: np.logical_not(a).astype(np.float64),
    "and": lambda a, b: np.where(a, b, a),
    "or": lambda a, b: np.where(a, a, b),
    "if": np.where,  # (test, body, orelse)
    "min": np.minimum,
    "max": np.maximum,
    "abs": np.abs,
    **_MATH,
}
_MATH_ARITY: Final[dict[str, tuple[int, ...]]] = {"log": (1, 2), "pow": (2,), "hypot": (2,)}
_MATH_CONSTANTS: Final = {"pi": math.pi, "e": math.e, "tau": math.tau, "inf": math.inf}
_DIVISIONS: Final = frozenset({"/", "//", "%"})
_ARITHMETIC: Final = frozenset({"+", "-", "*", *_DIVISIONS})
#: Operations applied from the left over any number (>= 2) of operands: a chain is one
#: node, evaluated by a loop (``min(a, b, c)`` is ``min(min(a, b), c)``).
_FOLDS: Final = frozenset({"min", "max", "and", "or"})


def _infinite(node: _Node) -> bool:
    return node.kind == "const" and not math.isfinite(node.value)


class _Node:
    """One operation of a parsed, constant-folded expression."""

    __slots__ = ("args", "checked", "checks", "kind", "text", "value")

    def __init__(
        self, kind: str, args: tuple[_Node, ...] = (), value: float = 0.0, text: str = ""
    ) -> None:
        self.kind = kind  # "const", "var" or a key of _OPS
        self.args = args
        self.value = value
        self.text = text
        # numpy raises on overflow, but not on an infinite result of an infinite operand.
        self.checked = any(_infinite(a) for a in args)
        # For a fold, whether its i-th step (operand i with what the steps before left)
        # has an infinite constant operand.
        self.checks = tuple(
            i > 0 and (_infinite(a) or (i == 1 and _infinite(args[0]))) for i, a in enumerate(args)
        )


class _Failure(Exception):
    """A step of ``node`` overflowed, divided by zero or left its domain."""

    def __init__(self, node: _Node, reason: str) -> None:
        super().__init__(reason)
        self.node = node
        self.reason = reason

    def describe(self, source: str) -> str:
        return self.reason if self.node.text == source else f"{self.reason} in {self.node.text!r}"


def _reason(kind: str, args: Sequence[Any], error: FloatingPointError) -> str:
    if kind in _DIVISIONS and not np.all(args[1]):
        return "division by zero"  # numpy calls 0 / 0 and x % 0 "invalid"
    text = str(error)
    if "overflow" in text:
        return "overflow"
    if "divide by zero" in text:
        return "division by zero"
    # "invalid": arithmetic on finite numbers cannot give nan; inf - inf, 0 * inf can.
    return "not a number (nan)" if kind in _ARITHMETIC else "math domain error"


def _evaluate(node: _Node, x: Any) -> Any:
    """``node`` at ``x``, with floating-point errors raising (see ``_trapped``)."""
    if node.kind == "const":
        return node.value
    if node.kind == "var":
        return x
    if node.kind in _FOLDS:
        return _fold(node, x)
    args = []
    for arg in node.args:  # not a comprehension: one frame per level (chains are deep)
        args.append(_evaluate(arg, x))
    try:
        result = _OPS[node.kind](*args)
        if node.checked and not np.isfinite(result).all():
            raise FloatingPointError("overflow (an infinite operand)")
    except FloatingPointError as error:
        raise _Failure(node, _reason(node.kind, args, error)) from None
    return result


def _fold(node: _Node, x: Any) -> Any:
    """A chain at ``x``: operand by operand from the left, in the order of a nested tree."""
    operation = _OPS[node.kind]
    result = _evaluate(node.args[0], x)
    for i in range(1, len(node.args)):
        operand = _evaluate(node.args[i], x)
        try:
            result = operation(result, operand)
            if node.checks[i] and not np.isfinite(result).all():
                raise FloatingPointError("overflow (an infinite operand)")
        except FloatingPointError as error:
            raise _Failure(node, _reason(node.kind, (result, operand), error)) from None
    return result


#: ``_evaluate`` with numpy's floating-point errors raising (but underflow to 0 is fine).
_trapped: Final = np.errstate(all="raise", under="ignore")(_evaluate)


def _failing(node: _Node, x: Any) -> tuple[Any, Any]:
    """``node`` at ``x`` with errors ignored, and where (elementwise) a step failed."""
    if node.kind == "const":
        return node.value, False
    if node.kind == "var":
        return x, False
    if node.kind in _FOLDS:  # step by step, as _fold: every intermediate result counts
        value, bad = _failing(node.args[0], x)
        for arg in node.args[1:]:
            operand, arg_bad = _failing(arg, x)
            value = _OPS[node.kind](value, operand)
            bad = bad | arg_bad | ~np.isfinite(value)
        return value, bad
    args, bad = [], False
    for arg in node.args:
        value, arg_bad = _failing(arg, x)
        args.append(value)
        bad = bad | arg_bad
    value = _OPS[node.kind](*args)
    return value, bad | ~np.isfinite(value)


# ---------------------------------------------------------------------------------------
# Parsing: the syntax tree, checked against the whitelist, becomes a folded _Node tree.
# ---------------------------------------------------------------------------------------

_BINARY: Final[dict[type[ast.AST], str]] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.Pow: "**",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Eq: "==",
    ast.NotEq: "!=",
}
_REJECTED_OPERATORS: Final[dict[type[ast.AST], str]] = {
    ast.MatMult: "operator '@'",
    ast.BitAnd: "operator '&'",
    ast.BitOr: "operator '|'",
    ast.BitXor: "operator '^' (write powers as **)",
    ast.LShift: "operator '<<'",
    ast.RShift: "operator '>>'",
    ast.Is: "comparison 'is'",
    ast.IsNot: "comparison 'is not'",
    ast.In: "comparison 'in'",
    ast.NotIn: "comparison 'not in'",
}
_DESCRIPTIONS: Final[dict[type[ast.AST], str]] = {
    ast.Subscript: "a subscript [...]",
    ast.Slice: "a slice",
    ast.Lambda: "a lambda",
    ast.ListComp: "a comprehension",
    ast.SetComp: "a comprehension",
    ast.DictComp: "a comprehension",
    ast.GeneratorExp: "a generator expression",
    ast.List: "a list",
    ast.Tuple: "a tuple",
    ast.Dict: "a dict",
    ast.Set: "a set",
    ast.NamedExpr: "an assignment expression (:=)",
    ast.Starred: "a starred argument",
    ast.JoinedStr: "an f-string",
    ast.FormattedValue: "an f-string",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
}


class _Parser:
    """Checks a syntax tree against the whitelist and turns it into a folded _Node tree."""

    def __init__(self, source: str, variable: str, argument: str) -> None:
        self.source = source
        self.variable = variable
        self.argument = argument

    def reject(self, hint: str, shown: str | None = None) -> NoReturn:
        rule = (
            f"an arithmetic expression in {self.variable} (numbers, + - * / // % **, "
            "comparisons, 'a if c else b', min, max, abs, math.<fn>)"
        )
        raise InvalidValue(self.argument, rule, self.source if shown is None else shown, hint)

    def not_finite(self, hint: str) -> NoReturn:
        hint += f", which does not depend on {self.variable}"
        raise InvalidValue(self.argument, _FINITE_RULE, self.source, hint)

    def parse(self) -> _Node:
        source = self.source
        if len(source) > MAX_LENGTH:
            self.reject(
                f"{len(source)} characters, at most {MAX_LENGTH} are allowed", source[:40] + "..."
            )
        if not source:
            self.reject("the expression is empty")
        try:
            tree = ast.parse(source, mode="eval")
        except SyntaxError as exc:
            self.reject(f"syntax error {self.position(exc)}: {exc.msg}")
        except (ValueError, RecursionError, MemoryError) as exc:
            self.reject(f"cannot be parsed: {exc}")
        root = self.build(tree.body, 1)
        if root.kind == "const" and not math.isfinite(root.value):  # "math.inf", "-math.inf"
            self.not_finite(f"it is {root.value!r}")
        return root

    def position(self, exc: SyntaxError) -> str:
        """Where a syntax error is, in words (columns count from 1)."""
        if exc.lineno is None:
            return "in the text"
        lines = self.source.splitlines() or [""]
        line, column = exc.lineno, exc.offset or 0
        if line > len(lines) or column < 1:
            return "at the end of the text"
        if column > len(lines[line - 1]):
            return "at the end of the text" if line == len(lines) else f"at the end of line {line}"
        return f"at column {column}" if len(lines) == 1 else f"at line {line}, column {column}"

    def text(self, node: ast.AST) -> str:
        return ast.get_source_segment(self.source, node) or self.source

    def build(self, node: ast.AST, depth: int) -> _Node:
        if depth > MAX_DEPTH:
            self.reject(f"nested more than {MAX_DEPTH} levels deep")
        depth += 1
        text = self.text(node)
        if isinstance(node, ast.Constant):
            return self.constant(node.value, text)
        if isinstance(node, ast.Name):
            return self.name(node.id)
        if isinstance(node, ast.Attribute):
            return self.attribute(node)
        if isinstance(node, ast.BinOp):
            kind = self.operator(node.op)
            return self.make(
                kind, (self.build(node.left, depth), self.build(node.right, depth)), text
            )
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.Invert):
                self.reject("operator '~' is not allowed")
            operand = self.build(node.operand, depth)
            if isinstance(node.op, ast.UAdd):
                return operand
            return self.make("neg" if isinstance(node.op, ast.USub) else "not", (operand,), text)
        if isinstance(node, ast.Compare):  # a < b <= c: (a < b) and (b <= c)
            self.check_chain("a comparison chain", 1 + len(node.comparators))
            operands = [self.build(n, depth) for n in (node.left, *node.comparators)]
            flags = [
                self.make(self.operator(op), (left, right), text)
                for op, left, right in zip(node.ops, operands, operands[1:], strict=False)
            ]
            return self.chain("and", flags, text)
        if isinstance(node, ast.BoolOp):
            name = "an 'and'" if isinstance(node.op, ast.And) else "an 'or'"
            self.check_chain(f"{name} chain", len(node.values))
            values = [self.build(value, depth) for value in node.values]
            return self.chain("and" if isinstance(node.op, ast.And) else "or", values, text)
        if isinstance(node, ast.IfExp):
            parts = (node.test, node.body, node.orelse)
            return self.make("if", tuple(self.build(n, depth) for n in parts), text)
        if isinstance(node, ast.Call):
            return self.call(node, depth, text)
        self.reject(
            f"{_DESCRIPTIONS.get(type(node), f'a {type(node).__name__} node')} is not allowed"
        )

    def operator(self, op: ast.AST) -> str:
        if type(op) not in _BINARY:
            self.reject(f"{_REJECTED_OPERATORS.get(type(op), repr(op))} is not allowed")
        return _BINARY[type(op)]

    def constant(self, value: object, literal: str) -> _Node:
        if isinstance(value, bool) or value is None or value is Ellipsis:
            self.reject(f"{value!r} is not allowed, only numbers")
        if isinstance(value, (str, bytes)):
            self.reject(f"strings such as {literal} are not allowed")
        if isinstance(value, complex):
            self.reject(f"complex number {literal} is not allowed")
        if not isinstance(value, (int, float)):
            self.reject(f"constant {literal} is not allowed")
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):
            self.reject(f"number {literal[:30]} is too large for a float")
        return _Node("const", value=number, text=literal)

    def name(self, name: str) -> _Node:
        if name == self.variable:
            return _Node("var", text=name)
        if name == "math":
            self.reject("'math' must be followed by a function or constant, e.g. math.exp(...)")
        if name in ("min", "max", "abs"):
            self.reject(f"{name} must be called, e.g. {name}(...)")
        if name in _MATH_CONSTANTS or name in _MATH:
            self.reject(f"name {name!r} is not allowed; write math.{name}")
        self.reject(f"name {name!r} is not allowed; the variable is {self.variable!r}")

    def attribute(self, node: ast.Attribute) -> _Node:
        if not (isinstance(node.value, ast.Name) and node.value.id == "math"):
            self.reject(f"attribute access '.{node.attr}' is not allowed (only math.<name>)")
        if node.attr in _MATH_CONSTANTS:
            return _Node("const", value=_MATH_CONSTANTS[node.attr], text=f"math.{node.attr}")
        if node.attr in _MATH:
            self.reject(f"math.{node.attr} must be called, e.g. math.{node.attr}(...)")
        self.reject(
            f"math.{node.attr} is not allowed; allowed are math.pi, math.e, math.tau, "
            f"math.inf and the functions {', '.join(sorted(_MATH))}"
        )

    def call(self, node: ast.Call, depth: int, text: str) -> _Node:
        function = node.func
        if isinstance(function, ast.Name) and function.id in ("min", "max", "abs"):
            kind = name = function.id
            arities: tuple[int, ...] = (1,) if name == "abs" else ()
        elif (
            isinstance(function, ast.Attribute)
            and isinstance(function.value, ast.Name)
            and function.value.id == "math"
            and function.attr in _MATH
        ):
            kind, name = function.attr, f"math.{function.attr}"
            arities = _MATH_ARITY.get(kind, (1,))
        else:
            self.reject(f"calling {self.text(function)!r} is not allowed")
        if node.keywords:
            self.reject(f"keyword arguments are not allowed (in {name})")
        if any(isinstance(arg, ast.Starred) for arg in node.args):
            self.reject(f"starred arguments are not allowed (in {name})")
        count = len(node.args)
        if arities and count not in arities:
            wanted = " or ".join(str(n) for n in arities)
            self.reject(
                f"{name} takes {wanted} argument{'s' if arities != (1,) else ''}, got {count}"
            )
        if not arities and count < 2:
            self.reject(f"{name} needs at least 2 arguments, got {count}")
        if not arities:
            self.check_chain(name, count)
        args = [self.build(arg, depth) for arg in node.args]
        if kind == "log" and count == 2:  # log(x, base) = log(x) / log(base), as math does
            logs = (self.make("log", (args[0],), text), self.make("log", (args[1],), text))
            return self.make("/", logs, text)
        if kind in ("min", "max"):
            return self.chain(kind, args, text)
        return self.make(kind, tuple(args), text)

    def check_chain(self, name: str, count: int) -> None:
        if count > MAX_CHAIN:
            self.reject(f"{name} of {count} operands, at most {MAX_CHAIN} are allowed")

    def chain(self, kind: str, args: Sequence[_Node], text: str) -> _Node:
        """``kind`` of several operands, from the left: ``min(a, b, c)`` is min(min(a, b), c).

        Constant leading operands are folded; the rest is one node (a fold) of all the
        operands, evaluated by a loop (so a chain costs no recursion depth).
        """
        result, rest = args[0], list(args[1:])
        while rest and result.kind == "const" and rest[0].kind == "const":
            result = self.make(kind, (result, rest.pop(0)), text)
        if not rest:
            return result
        return self.make(kind, (result, *rest), text)

    def make(self, kind: str, args: tuple[_Node, ...], text: str) -> _Node:
        """A node, computed now if its operands are all constants."""
        node = _Node(kind, args, text=text)
        if any(arg.kind != "const" for arg in args):
            return node
        if kind == "neg":  # -math.inf is a constant like math.inf
            return _Node("const", value=-args[0].value, text=text)
        try:
            value = float(_trapped(node, None))
        except _Failure as failure:
            self.not_finite(failure.describe(self.source))
        return _Node("const", value=value, text=text)


# ---------------------------------------------------------------------------------------
# The public class.
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, repr=False, slots=True)
class Expr:
    """A checked arithmetic expression in one variable, evaluated on numbers or arrays.

    Args:
        source: the expression text (surrounding white space is dropped), see the module
            documentation for the grammar.
        variable: the name of the one free variable (``"epoch"`` for ``lr_lambda``,
            ``"x"`` for ``scale_fn``).
        argument: the argument name that error messages start with.

    Raises:
        InvalidType: ``source`` is not a string.
        InvalidValue: ``source`` is empty, is not valid syntax, uses anything outside the
            grammar, is too long or too deeply nested, or has a constant part that fails
            (``1 / 0``).

    Calling an :class:`Expr` on a number gives a float; on a numpy array, a float64 array
    of the same shape with the same values, computed at once. Two expressions are equal
    when their text and variable are; ``argument`` only affects messages. An
    :class:`Expr` pickles as its text, and is immutable: it has no ``__dict__``, and its
    ``__setstate__`` refuses to change a built one.

    >>> f = Expr("0.95 ** epoch")
    >>> f
    Expr('0.95 ** epoch')
    >>> f(2)
    0.9025
    >>> f(np.arange(3))
    array([1.    , 0.95  , 0.9025])
    >>> Expr("os.system(1)")
    Traceback (most recent call last):
    ...
    lrkit.core._errors.InvalidValue: lr_lambda must be an arithmetic expression in epoch (numbers, + - * / // % **, comparisons, 'a if c else b', min, max, abs, math.<fn>), got 'os.system(1)' (calling 'os.system' is not allowed)
    """

    source: str
    variable: str = "epoch"
    argument: str = field(default="lr_lambda", compare=False)
    _tree: _Node = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.argument, str):
            raise InvalidType("argument", "a string", self.argument)
        variable = self.variable
        if not isinstance(variable, str):
            raise InvalidType("variable", "an identifier string", variable)
        if not variable.isidentifier() or keyword.iskeyword(variable) or variable in _RESERVED:
            rule = "an identifier other than math, min, max and abs"
            raise InvalidValue("variable", rule, variable)
        if not isinstance(self.source, str):
            rule = f"an arithmetic expression string in {variable}"
            raise InvalidType(self.argument, rule, self.source, f"e.g. '0.95 ** {variable}'")
        source = self.source.strip()
        object.__setattr__(self, "source", source)
        object.__setattr__(self, "_tree", _Parser(source, variable, self.argument).parse())

    def __repr__(self) -> str:
        extra = "" if self.variable == "epoch" else f", variable={self.variable!r}"
        if self.argument != "lr_lambda":
            extra += f", argument={self.argument!r}"
        return f"Expr({self.source!r}{extra})"

    def __reduce__(self) -> tuple[type[Expr], tuple[str, str, str]]:
        return (Expr, (self.source, self.variable, self.argument))

    def __getstate__(self) -> dict[str, str]:
        return {"source": self.source, "variable": self.variable, "argument": self.argument}

    def __setstate__(self, state: Any) -> None:
        """Build a blank :class:`Expr` (made by ``Expr.__new__``, as a pickle may) from its
        state, checked as the constructor checks its arguments.

        Raises:
            InvalidType: ``state`` is not a mapping.
            InvalidValue: ``state`` has a key other than ``source``, ``variable`` and
                ``argument``, or no ``source``, or the constructor refuses its values.
            dataclasses.FrozenInstanceError: this :class:`Expr` is built already and the
                state differs from what it is (an :class:`Expr` never changes).
        """
        if isinstance(state, tuple) and len(state) == 2 and state[0] is None:
            state = state[1]  # pickle's (dict, slots) form of a slotted object's state
        rule = "a mapping of source, variable and argument"
        if not isinstance(state, Mapping):
            raise InvalidType("state", rule, state)
        unknown = [key for key in state if key not in _STATE_KEYS]
        if unknown:
            shown = ", ".join(repr(key) for key in unknown[:5])
            raise InvalidValue("state", rule, state, f"unknown key {shown}")
        if "source" not in state:
            raise InvalidValue("state", rule, state, "no 'source'")
        try:
            built = Expr(**{key: state[key] for key in _STATE_KEYS if key in state})
        except (InvalidType, InvalidValue):
            if hasattr(self, "_tree"):
                raise dataclasses.FrozenInstanceError("cannot change an Expr") from None
            raise
        if hasattr(self, "_tree"):
            same = (built.source, built.variable, built.argument) == (
                self.source,
                self.variable,
                self.argument,
            )
            if not same:
                raise dataclasses.FrozenInstanceError(
                    f"cannot change {self!r} through its state: build a new Expr instead"
                )
            return
        for key in (*_STATE_KEYS, "_tree"):
            object.__setattr__(self, key, getattr(built, key))

    @overload
    def __call__(self, value: float) -> float: ...
    @overload
    def __call__(self, value: NDArray[Any]) -> Array: ...
    def __call__(self, value: float | NDArray[Any]) -> float | Array:
        """The value at a number (a float) or at each element of an array (an array)."""
        if isinstance(value, np.ndarray):
            return self._on_array(value)
        return self._on_number(value)

    def evaluate(self, xp: Namespace, value: Any) -> Any:
        """The value at ``value``: a float for ``SCALAR``, a float64 array for ``NUMPY``.

        For numpy the result has the input's shape (a constant expression is broadcast).

        Raises:
            InvalidValue: a step overflows, divides by zero or leaves a function's domain
                (for an array: at any element; the message names the first), or ``value``
                is not finite.
        """
        name = getattr(xp, "name", None)
        if name == "scalar":
            return self._on_number(value)
        if name == "numpy":
            return self._on_array(value)
        raise InvalidType("xp", "the SCALAR or NUMPY namespace of lrkit.core._xp", xp)

    def _on_number(self, value: Any) -> float:
        try:
            x = float(value)
        except (TypeError, ValueError):
            raise InvalidType(self.variable, "a real number", value) from None
        except OverflowError:
            raise self._not_finite(value) from None
        if not math.isfinite(x):
            raise self._not_finite(x)
        return float(self._run(np.array([x]))[0])

    def _on_array(self, value: Any) -> Array:
        try:
            array = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            raise InvalidType(self.variable, "an array of real numbers", value) from None
        except OverflowError:
            raise self._not_finite(value) from None
        # ravel() makes a strided array contiguous: the same numpy loops run whatever the
        # input's layout, or shape.
        x = array.ravel()
        finite = np.isfinite(x)
        if not finite.all():
            raise self._not_finite(float(x[np.argmin(finite)]))
        return self._run(x).reshape(array.shape)

    def _not_finite(self, value: Any) -> InvalidValue:
        hint = f"evaluating {self.argument} {self.source!r}"
        return InvalidValue(self.variable, "a finite number", value, hint)

    def _run(self, x: Array) -> Array:
        """The expression at each element of ``x`` (flat, contiguous, finite): the one path."""
        try:
            result = _trapped(self._tree, x)
        except _Failure as failure:
            raise self._failure(x, failure) from None
        if result is x or not isinstance(result, np.ndarray):  # the variable, or a constant
            return np.full(x.shape, result, dtype=np.float64)
        return result

    def _failure(self, x: Array, failure: _Failure) -> InvalidValue:
        """The error for the first element of ``x`` where a step fails."""
        with np.errstate(all="ignore"):
            bad = np.broadcast_to(_failing(self._tree, x)[1], x.shape)
        where = f"for some {self.variable}"
        if bad.any():
            i = int(np.argmax(bad))
            where = f"at {self.variable}={float(x[i])!r}"
            try:  # again on that element alone, as a call on it would
                _trapped(self._tree, x[i : i + 1])
            except _Failure as first:
                failure = first
        hint = f"{failure.describe(self.source)} {where}"
        return InvalidValue(self.argument, _FINITE_RULE, self.source, hint)
