"""A small, safe arithmetic language for functions written in configs.

``LambdaLR(lr_lambda="0.95 ** epoch")`` and ``CyclicLR(scale_fn="1 / (2.0 ** (x - 1))")``
take a function of one variable as a string. :class:`Expr` parses that string once,
rejects anything that is not plain arithmetic, and evaluates it on a Python float (one
step) or on a whole numpy array at once (a curve), giving the same numbers both ways.

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
text may be at most :data:`MAX_LENGTH` characters and its syntax tree at most
:data:`MAX_DEPTH` levels deep.

Semantics
---------
* Everything is float64 arithmetic: integer literals become floats (so ``10 ** 10 ** 10``
  cannot build a giant integer), and so does the variable.
* Comparisons, ``not``, ``and`` and ``or`` give ``1.0``/``0.0`` and may be used in
  arithmetic (``(epoch < 10) * 0.5``). ``a and b`` is ``b`` where ``a`` is non-zero and
  ``a`` elsewhere, ``a or b`` is ``a`` where ``a`` is non-zero and ``b`` elsewhere, as in
  Python, but elementwise.
* ``a if c else b`` is an elementwise choice (``xp.where``): **both arms are always
  evaluated**, and an error in either one is an error, whichever arm is chosen. Likewise
  ``and``/``or`` do not short-circuit.
* Sub-expressions without the variable are computed once, when the :class:`Expr` is
  built, so an error in them (``1 / 0``, ``10 ** 400``) is reported then.
* Every step must be finite: an operation that overflows to infinity (``1.1 ** epoch``
  at epoch 8000, ``math.exp(1000)``), divides by zero (``x / 0``, ``x // 0``, ``x % 0``,
  ``0 ** -1``, ``math.log(0)``) or leaves its domain (``math.sqrt(-1)``, a negative number
  to a fractional power) raises :class:`~lrkit.InvalidValue` naming the argument, the
  text, the failing part and the value of the variable (for an array, the first element
  that fails). A result that underflows to zero is fine. ``math.inf`` may only be an
  operand that does not make a result infinite, as in ``min(epoch, math.inf)`` or
  ``epoch < math.inf``. The variable itself must be finite.
* The Python-float path and the numpy path agree exactly: for any expression and any
  values, either both return the same numbers or both raise. To that end the scalar path
  computes ``**`` and the transcendental functions with numpy's own routines on single
  floats (math's and numpy's can differ in the last bit, which ``floor`` or a comparison
  would magnify), and both paths trap floating-point errors the same way.
"""

from __future__ import annotations

import ast
import keyword
import math
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, NoReturn

import numpy as np

from lrkit.core._errors import InvalidType, InvalidValue
from lrkit.core._xp import Namespace

__all__ = ["MAX_DEPTH", "MAX_LENGTH", "Expr"]

#: The longest expression text accepted, in characters.
MAX_LENGTH: Final = 1000
#: The deepest syntax tree accepted (``-(-(-epoch))`` is 4 deep).
MAX_DEPTH: Final = 50

_FINITE_RULE: Final = "an expression that evaluates to finite numbers"
_RESERVED: Final = frozenset({"math", "min", "max", "abs"})

# ---------------------------------------------------------------------------------------
# The intermediate tree: what a parsed, checked and constant-folded expression becomes.
# ---------------------------------------------------------------------------------------


class _Node:
    """One operation. ``kind`` is "const", "var" or an operation of ``_SCALAR_OPS``."""

    __slots__ = ("args", "kind", "text", "value")

    def __init__(
        self, kind: str, args: tuple[_Node, ...] = (), value: float = 0.0, text: str = ""
    ) -> None:
        self.kind = kind
        self.args = args
        self.value = value
        self.text = text

    @property
    def is_const(self) -> bool:
        return self.kind == "const"

    @property
    def has_infinite_operand(self) -> bool:
        """An operand is ``math.inf``: floating-point traps alone cannot catch ``inf``."""
        return any(a.is_const and not math.isfinite(a.value) for a in self.args)


class _NonFinite(ArithmeticError):
    """A step gave ``inf`` or ``nan`` without Python or numpy raising."""

    def __init__(self, value: float) -> None:
        super().__init__(value)
        self.value = value


# ---------------------------------------------------------------------------------------
# Operations on Python floats. ``+ - * / // %`` use Python's operators (which overflow
# silently, so they are checked); ``**`` and the transcendental functions use numpy's
# routines on single floats, so that they round exactly as the vectorised path does, and
# must run inside ``_trap()`` so numpy raises instead of warning.
# ---------------------------------------------------------------------------------------


def _trap() -> np.errstate:
    return np.errstate(over="raise", divide="raise", invalid="raise", under="ignore")


def _s_add(a: float, b: float) -> float:
    r = a + b
    if math.isfinite(r):
        return r
    raise _NonFinite(r)


def _s_sub(a: float, b: float) -> float:
    r = a - b
    if math.isfinite(r):
        return r
    raise _NonFinite(r)


def _s_mul(a: float, b: float) -> float:
    r = a * b
    if math.isfinite(r):
        return r
    raise _NonFinite(r)


def _s_div(a: float, b: float) -> float:
    r = a / b
    if math.isfinite(r):
        return r
    raise _NonFinite(r)


def _s_floordiv(a: float, b: float) -> float:
    r = a // b
    if math.isfinite(r):
        return r
    raise _NonFinite(r)


def _s_mod(a: float, b: float) -> float:
    r = a % b
    if math.isfinite(r):
        return r
    raise _NonFinite(r)


def _s_numpy1(ufunc: np.ufunc) -> Callable[[float], float]:
    def apply(a: float) -> float:
        return float(ufunc(a))

    return apply


def _s_numpy2(ufunc: np.ufunc) -> Callable[[float, float], float]:
    def apply(a: float, b: float) -> float:
        return float(ufunc(a, b))

    return apply


def _s_power_array_exponent(a: float, b: float) -> float:
    # numpy's power has fast paths (x * x, sqrt, 1 / x) for a *scalar* exponent of 2, 0.5
    # or -1 that round differently from its general loop. Where the exponent depends on the
    # variable, the vectorised path runs the general loop; so does this, with an array.
    return float(np.power(a, np.array((b,)))[0])


def _s_compare(test: Callable[[float, float], bool]) -> Callable[[float, float], float]:
    def apply(a: float, b: float) -> float:
        return 1.0 if test(a, b) else 0.0

    return apply


def _s_floor(a: float) -> float:
    return float(math.floor(a))


def _s_ceil(a: float) -> float:
    return float(math.ceil(a))


def _s_trunc(a: float) -> float:
    return float(math.trunc(a))


def _s_min(a: float, b: float) -> float:
    return b if b < a else a


def _s_max(a: float, b: float) -> float:
    return b if b > a else a


def _s_and(a: float, b: float) -> float:
    return b if a != 0.0 else a


def _s_or(a: float, b: float) -> float:
    return a if a != 0.0 else b


def _s_not(a: float) -> float:
    return 1.0 if a == 0.0 else 0.0


def _s_where(c: float, a: float, b: float) -> float:
    return a if c != 0.0 else b


def _s_neg(a: float) -> float:
    return -a


def _s_abs(a: float) -> float:
    return abs(a)


#: Transcendental functions: same name in the language and the kind; numpy's routine.
_UFUNCS: Final[dict[str, np.ufunc]] = {
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
}

_SCALAR_OPS: Final[dict[str, Callable[..., float]]] = {
    "add": _s_add,
    "sub": _s_sub,
    "mul": _s_mul,
    "div": _s_div,
    "floordiv": _s_floordiv,
    "mod": _s_mod,
    "pow": _s_numpy2(np.power),
    "vpow": _s_power_array_exponent,
    "hypot": _s_numpy2(np.hypot),
    "lt": _s_compare(operator.lt),
    "le": _s_compare(operator.le),
    "gt": _s_compare(operator.gt),
    "ge": _s_compare(operator.ge),
    "eq": _s_compare(operator.eq),
    "ne": _s_compare(operator.ne),
    "and": _s_and,
    "or": _s_or,
    "not": _s_not,
    "where": _s_where,
    "min": _s_min,
    "max": _s_max,
    "neg": _s_neg,
    "abs": _s_abs,
    "sqrt": math.sqrt,  # correctly rounded in both math and numpy
    "floor": _s_floor,
    "ceil": _s_ceil,
    "trunc": _s_trunc,
    **{name: _s_numpy1(ufunc) for name, ufunc in _UFUNCS.items()},
}

#: Kinds whose scalar version calls numpy (and so must run inside ``_trap()``).
_SCALAR_USES_NUMPY: Final = frozenset({"pow", "vpow", "hypot", *_UFUNCS})

# ---------------------------------------------------------------------------------------
# Operations on numpy arrays (run inside ``_trap()``).
# ---------------------------------------------------------------------------------------


def _n_compare(ufunc: np.ufunc) -> Callable[[Any, Any], Any]:
    def apply(a: Any, b: Any) -> Any:
        return ufunc(a, b).astype(np.float64)

    return apply


def _n_and(a: Any, b: Any) -> Any:
    return np.where(np.not_equal(a, 0.0), b, a)


def _n_or(a: Any, b: Any) -> Any:
    return np.where(np.not_equal(a, 0.0), a, b)


def _n_not(a: Any) -> Any:
    return np.equal(a, 0.0).astype(np.float64)


_NUMPY_OPS: Final[dict[str, Callable[..., Any]]] = {
    "add": np.add,
    "sub": np.subtract,
    "mul": np.multiply,
    "div": np.true_divide,
    "floordiv": np.floor_divide,
    "mod": np.remainder,
    "pow": np.power,
    "vpow": np.power,
    "hypot": np.hypot,
    "lt": _n_compare(np.less),
    "le": _n_compare(np.less_equal),
    "gt": _n_compare(np.greater),
    "ge": _n_compare(np.greater_equal),
    "eq": _n_compare(np.equal),
    "ne": _n_compare(np.not_equal),
    "and": _n_and,
    "or": _n_or,
    "not": _n_not,
    "where": np.where,
    "min": np.minimum,
    "max": np.maximum,
    "neg": np.negative,
    "abs": np.abs,
    "sqrt": np.sqrt,
    "floor": np.floor,
    "ceil": np.ceil,
    "trunc": np.trunc,
    **_UFUNCS,
}


def _all_finite_scalar(value: Any) -> bool:
    return math.isfinite(value)


def _all_finite_array(value: Any) -> bool:
    return bool(np.isfinite(value).all())


# ---------------------------------------------------------------------------------------
# Operations for any other namespace (torch, JAX, ...): Python operators and the
# namespace's own functions, without finiteness checks.
# ---------------------------------------------------------------------------------------

_GENERIC_NAMES: Final = {"asin": "arcsin", "acos": "arccos", "atan": "arctan"}


def _generic_ops(xp: Namespace, kinds: set[str]) -> dict[str, Callable[..., Any]]:
    where = xp.where

    def flag(test: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
        return lambda a, b: where(test(a, b), 1.0, 0.0)

    ops: dict[str, Callable[..., Any]] = {
        "add": operator.add,
        "sub": operator.sub,
        "mul": operator.mul,
        "div": operator.truediv,
        "floordiv": operator.floordiv,
        "mod": operator.mod,
        "neg": operator.neg,
        "lt": flag(operator.lt),
        "le": flag(operator.le),
        "gt": flag(operator.gt),
        "ge": flag(operator.ge),
        "eq": flag(operator.eq),
        "ne": flag(operator.ne),
        "and": lambda a, b: where(a != 0, b, a),
        "or": lambda a, b: where(a != 0, a, b),
        "not": lambda a: where(a == 0, 1.0, 0.0),
        "where": lambda c, a, b: where(c != 0, a, b),
        "min": xp.minimum,
        "max": xp.maximum,
        "pow": xp.power,
        "vpow": xp.power,
        "abs": xp.abs,
    }
    for kind in kinds - ops.keys() - {"const", "var"}:
        function = getattr(xp, kind, None) or getattr(xp, _GENERIC_NAMES.get(kind, kind), None)
        if function is not None:
            ops[kind] = function
    return ops


# ---------------------------------------------------------------------------------------
# Compiling the tree into nested closures.
# ---------------------------------------------------------------------------------------

_Program = Callable[[Any], Any]


def _compile(
    node: _Node, ops: dict[str, Callable[..., Any]], finite: Callable[[Any], bool] | None
) -> _Program:
    """Closures computing ``node``; ``finite`` checks results that have an inf operand."""
    program = _compile_plain(node, ops, finite)
    if finite is None or not node.has_infinite_operand:
        return program

    def checked(v: Any) -> Any:
        r = program(v)
        if finite(r):
            return r
        raise _NonFinite(math.inf)

    return checked


def _compile_plain(
    node: _Node, ops: dict[str, Callable[..., Any]], finite: Callable[[Any], bool] | None
) -> _Program:
    if node.kind == "const":
        constant = node.value
        return lambda v: constant
    if node.kind == "var":
        return lambda v: v
    op = ops[node.kind]
    if len(node.args) == 1:
        f = _compile(node.args[0], ops, finite)
        return lambda v: op(f(v))
    if len(node.args) == 2:
        left, right = node.args
        if left.is_const:
            a = left.value
            g = _compile(right, ops, finite)
            return lambda v: op(a, g(v))
        f = _compile(left, ops, finite)
        if right.is_const:
            b = right.value
            return lambda v: op(f(v), b)
        g = _compile(right, ops, finite)
        return lambda v: op(f(v), g(v))
    c, f, g = (_compile(arg, ops, finite) for arg in node.args)
    return lambda v: op(c(v), f(v), g(v))


def _kinds(node: _Node) -> set[str]:
    found = {node.kind}
    for arg in node.args:
        found |= _kinds(arg)
    return found


# ---------------------------------------------------------------------------------------
# Parsing: the syntax tree, checked against the whitelist, becomes a folded _Node tree.
# ---------------------------------------------------------------------------------------

_BINARY: Final[dict[type[ast.operator], str]] = {
    ast.Add: "add",
    ast.Sub: "sub",
    ast.Mult: "mul",
    ast.Div: "div",
    ast.FloorDiv: "floordiv",
    ast.Mod: "mod",
    ast.Pow: "pow",
}
_BAD_BINARY: Final[dict[type[ast.operator], str]] = {
    ast.MatMult: "'@'",
    ast.BitAnd: "'&'",
    ast.BitOr: "'|'",
    ast.BitXor: "'^' (write powers as **)",
    ast.LShift: "'<<'",
    ast.RShift: "'>>'",
}
_COMPARE: Final[dict[type[ast.cmpop], str]] = {
    ast.Lt: "lt",
    ast.LtE: "le",
    ast.Gt: "gt",
    ast.GtE: "ge",
    ast.Eq: "eq",
    ast.NotEq: "ne",
}
_BAD_COMPARE: Final[dict[type[ast.cmpop], str]] = {
    ast.Is: "'is'",
    ast.IsNot: "'is not'",
    ast.In: "'in'",
    ast.NotIn: "'not in'",
}
#: math functions: name -> (kind, allowed numbers of arguments).
_MATH_FUNCTIONS: Final[dict[str, tuple[str, tuple[int, ...]]]] = {
    **{name: (name, (1,)) for name in _UFUNCS},
    "log": ("log", (1, 2)),
    "sqrt": ("sqrt", (1,)),
    "floor": ("floor", (1,)),
    "ceil": ("ceil", (1,)),
    "trunc": ("trunc", (1,)),
    "fabs": ("abs", (1,)),
    "pow": ("pow", (2,)),
    "hypot": ("hypot", (2,)),
}
_MATH_CONSTANTS: Final[dict[str, float]] = {
    "pi": math.pi,
    "e": math.e,
    "tau": math.tau,
    "inf": math.inf,
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


def _describe_error(exc: BaseException) -> str:
    """A short name for what went wrong in a step."""
    if isinstance(exc, _NonFinite):
        return "not a number (nan)" if math.isnan(exc.value) else "overflow"
    if isinstance(exc, FloatingPointError):
        text = str(exc)
        if "overflow" in text:
            return "overflow"
        if "divide" in text:
            return "division by zero"
        return "math domain error"
    if isinstance(exc, OverflowError):
        return "overflow"
    if isinstance(exc, ZeroDivisionError):
        return "division by zero"
    return "math domain error"


class _Failure(Exception):
    """Where (which node) and why a step failed."""

    def __init__(self, node: _Node, cause: BaseException) -> None:
        super().__init__(node.text)
        self.node = node
        self.cause = cause


#: What a step may raise on Python floats (math's ValueError is a domain error).
_STEP_ERRORS: Final = (ArithmeticError, ValueError)


def _scalar_step(node: _Node, values: Sequence[float]) -> float:
    """Apply ``node``'s operation to its operands' values, raising :class:`_Failure`."""
    try:
        r = _SCALAR_OPS[node.kind](*values)
        if not math.isfinite(r):
            raise _NonFinite(r)
    except _STEP_ERRORS as exc:
        raise _Failure(node, exc) from None
    return r


def _walk(node: _Node, x: float) -> float:
    """Evaluate on one float, node by node (slow; to find where a step fails)."""
    if node.kind == "const":
        return node.value
    if node.kind == "var":
        return x
    return _scalar_step(node, [_walk(arg, x) for arg in node.args])


def _bad_mask(node: _Node, x: Any) -> tuple[Any, Any]:
    """Evaluate on an array (errors ignored) and mark the elements where a step failed."""
    if node.kind == "const":
        return node.value, False
    if node.kind == "var":
        return x, False
    results = [_bad_mask(arg, x) for arg in node.args]
    value = _NUMPY_OPS[node.kind](*(r[0] for r in results))
    bad = ~np.isfinite(value)
    for _, arg_bad in results:
        bad = bad | arg_bad
    return value, bad


class _Parser:
    """Checks a syntax tree against the whitelist and turns it into a folded _Node tree."""

    def __init__(self, source: str, variable: str, argument: str) -> None:
        self.source = source
        self.variable = variable
        self.argument = argument

    @property
    def rule(self) -> str:
        return (
            f"an arithmetic expression in {self.variable} (numbers, + - * / // % **, "
            "comparisons, 'a if c else b', min, max, abs, math.<fn>)"
        )

    def reject(self, hint: str, shown: str | None = None) -> NoReturn:
        raise InvalidValue(self.argument, self.rule, self.source if shown is None else shown, hint)

    def parse(self) -> _Node:
        source = self.source
        if len(source) > MAX_LENGTH:
            self.reject(
                f"{len(source)} characters, at most {MAX_LENGTH} are allowed",
                shown=source[:40] + "...",
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
        if root.is_const and not math.isfinite(root.value):  # "math.inf", "-math.inf"
            raise InvalidValue(
                self.argument,
                _FINITE_RULE,
                self.source,
                f"it is {root.value!r}, which does not depend on {self.variable}",
            )
        return root

    def position(self, exc: SyntaxError) -> str:
        """Where a syntax error is, in words (columns count from 1)."""
        lines = self.source.splitlines() or [""]
        line = exc.lineno or 1
        column = exc.offset or 0
        if exc.lineno is None:
            return "in the text"
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
        deeper = depth + 1
        if isinstance(node, ast.Constant):
            return self.constant(node)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.Attribute):
            return self.attribute(node)
        text = self.text(node)
        if isinstance(node, ast.BinOp):
            kind = _BINARY.get(type(node.op))
            if kind is None:
                self.reject(f"operator {_BAD_BINARY.get(type(node.op), '?')} is not allowed")
            args = (self.build(node.left, deeper), self.build(node.right, deeper))
            return self.make(kind, args, text)
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.Invert):
                self.reject("operator '~' is not allowed")
            operand = self.build(node.operand, deeper)
            if isinstance(node.op, ast.UAdd):
                return operand
            return self.make("neg" if isinstance(node.op, ast.USub) else "not", (operand,), text)
        if isinstance(node, ast.Compare):
            return self.compare(node, deeper, text)
        if isinstance(node, ast.BoolOp):
            kind = "and" if isinstance(node.op, ast.And) else "or"
            result = self.build(node.values[0], deeper)
            for value in node.values[1:]:
                result = self.make(kind, (result, self.build(value, deeper)), text)
            return result
        if isinstance(node, ast.IfExp):
            arms = (
                self.build(node.test, deeper),
                self.build(node.body, deeper),
                self.build(node.orelse, deeper),
            )
            return self.make("where", arms, text)
        if isinstance(node, ast.Call):
            return self.call(node, deeper, text)
        description = _DESCRIPTIONS.get(type(node), f"a {type(node).__name__} node")
        self.reject(f"{description} is not allowed")

    def constant(self, node: ast.Constant) -> _Node:
        value = node.value
        literal = self.text(node)
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
            self.reject(f"number {literal[:30]} is too large for a float")
        if not math.isfinite(number):
            self.reject(f"number {literal[:30]} is too large for a float")
        return _Node("const", value=number, text=literal)

    def name(self, node: ast.Name) -> _Node:
        if node.id == self.variable:
            return _Node("var", text=node.id)
        if node.id == "math":
            self.reject("'math' must be followed by a function or constant, e.g. math.exp(...)")
        if node.id in ("min", "max", "abs"):
            self.reject(f"{node.id} must be called, e.g. {node.id}(...)")
        if node.id in _MATH_CONSTANTS or node.id in _MATH_FUNCTIONS:
            self.reject(f"name {node.id!r} is not allowed; write math.{node.id}")
        self.reject(f"name {node.id!r} is not allowed; the variable is {self.variable!r}")

    def attribute(self, node: ast.Attribute) -> _Node:
        if not (isinstance(node.value, ast.Name) and node.value.id == "math"):
            self.reject(f"attribute access '.{node.attr}' is not allowed (only math.<name>)")
        if node.attr in _MATH_CONSTANTS:
            return _Node("const", value=_MATH_CONSTANTS[node.attr], text=f"math.{node.attr}")
        if node.attr in _MATH_FUNCTIONS:
            self.reject(f"math.{node.attr} must be called, e.g. math.{node.attr}(...)")
        self.reject(
            f"math.{node.attr} is not allowed; allowed are math.pi, math.e, math.tau, "
            f"math.inf and the functions {', '.join(sorted(_MATH_FUNCTIONS))}"
        )

    def compare(self, node: ast.Compare, depth: int, text: str) -> _Node:
        operands = [self.build(node.left, depth)]
        operands += [self.build(c, depth) for c in node.comparators]
        result: _Node | None = None
        for op, left, right in zip(node.ops, operands, operands[1:], strict=False):
            kind = _COMPARE.get(type(op))
            if kind is None:
                self.reject(f"comparison {_BAD_COMPARE.get(type(op), '?')} is not allowed")
            step = self.make(kind, (left, right), text)
            result = step if result is None else self.make("and", (result, step), text)
        assert result is not None  # a Compare has at least one operator
        return result

    def call(self, node: ast.Call, depth: int, text: str) -> _Node:
        function = node.func
        if isinstance(function, ast.Name) and function.id in ("min", "max", "abs"):
            name, kind = function.id, function.id
            arities: tuple[int, ...] = (1,) if name == "abs" else ()
        elif (
            isinstance(function, ast.Attribute)
            and isinstance(function.value, ast.Name)
            and function.value.id == "math"
            and function.attr in _MATH_FUNCTIONS
        ):
            name = f"math.{function.attr}"
            kind, arities = _MATH_FUNCTIONS[function.attr]
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
        args = [self.build(arg, depth) for arg in node.args]
        if kind == "log" and count == 2:  # log(x, base) = log(x) / log(base), as math does
            return self.make(
                "div",
                (self.make("log", (args[0],), text), self.make("log", (args[1],), text)),
                text,
            )
        if kind in ("min", "max"):
            result = args[0]
            for arg in args[1:]:
                result = self.make(kind, (result, arg), text)
            return result
        return self.make(kind, tuple(args), text)

    def make(self, kind: str, args: tuple[_Node, ...], text: str) -> _Node:
        """A node, computed now if its operands are all constants."""
        if not all(arg.is_const for arg in args):
            if kind == "pow" and not args[1].is_const:
                kind = "vpow"  # see _s_power_array_exponent
            return _Node(kind, args, text=text)
        if kind == "neg":  # -math.inf is a constant like math.inf
            return _Node("const", value=-args[0].value, text=text)
        node = _Node(kind, args, text=text)
        try:
            with _trap():
                value = _scalar_step(node, [arg.value for arg in args])
        except _Failure as failure:
            hint = _describe_error(failure.cause)
            if text != self.source:
                hint += f" in {text!r}"
            raise InvalidValue(
                self.argument,
                _FINITE_RULE,
                self.source,
                f"{hint}, which does not depend on {self.variable}",
            ) from None
        return _Node("const", value=value, text=text)


# ---------------------------------------------------------------------------------------
# The public class.
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class Expr:
    """A checked arithmetic expression in one variable, evaluated on floats or arrays.

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

    Two expressions are equal when their text and variable are; ``argument`` only
    affects messages. An :class:`Expr` pickles as its text.

    >>> Expr("0.95 ** epoch")
    Expr('0.95 ** epoch')
    >>> Expr("os.system(1)")
    Traceback (most recent call last):
    ...
    lrkit.core._errors.InvalidValue: lr_lambda must be an arithmetic expression in epoch (numbers, + - * / // % **, comparisons, 'a if c else b', min, max, abs, math.<fn>), got 'os.system(1)' (calling 'os.system' is not allowed)
    """

    source: str
    variable: str = "epoch"
    argument: str = field(default="lr_lambda", compare=False)
    _tree: _Node = field(init=False, repr=False, compare=False)
    _scalar: _Program = field(init=False, repr=False, compare=False)
    _scalar_traps: bool = field(init=False, repr=False, compare=False)
    _numpy: _Program = field(init=False, repr=False, compare=False)
    _others: dict[Namespace, _Program] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.argument, str):
            raise InvalidType("argument", "a string", self.argument)
        variable = self.variable
        if not isinstance(variable, str):
            raise InvalidType("variable", "an identifier string", variable)
        if not variable.isidentifier() or keyword.iskeyword(variable) or variable in _RESERVED:
            raise InvalidValue(
                "variable", "an identifier other than math, min, max and abs", variable
            )
        if not isinstance(self.source, str):
            rule = f"an arithmetic expression string in {variable}"
            raise InvalidType(self.argument, rule, self.source, f"e.g. '0.95 ** {variable}'")
        source = self.source.strip()
        tree = _Parser(source, variable, self.argument).parse()
        kinds = _kinds(tree)
        setattr_ = object.__setattr__
        setattr_(self, "source", source)
        setattr_(self, "_tree", tree)
        setattr_(self, "_scalar", _compile(tree, _SCALAR_OPS, _all_finite_scalar))
        setattr_(self, "_scalar_traps", bool(kinds & _SCALAR_USES_NUMPY))
        setattr_(self, "_numpy", _compile(tree, _NUMPY_OPS, _all_finite_array))
        setattr_(self, "_others", {})

    def __repr__(self) -> str:
        extra = "" if self.variable == "epoch" else f", variable={self.variable!r}"
        if self.argument != "lr_lambda":
            extra += f", argument={self.argument!r}"
        return f"Expr({self.source!r}{extra})"

    def __reduce__(self) -> tuple[type[Expr], tuple[str, str, str]]:
        return (Expr, (self.source, self.variable, self.argument))

    def __call__(self, value: float) -> float:
        """The value at one point, as a Python float: ``evaluate(SCALAR, value)``."""
        return self._evaluate_scalar(value)

    def evaluate(self, xp: Namespace, value: Any) -> Any:
        """The value at ``value``: a float for ``SCALAR``, a float64 array for ``NUMPY``.

        For numpy the result has the input's shape (a constant expression is broadcast).
        Any other namespace evaluates with Python operators and its own functions
        (``xp.where``, ``xp.minimum``, ``xp.exp``, ...) and without finiteness checks.

        Raises:
            InvalidValue: a step overflows, divides by zero or leaves a function's domain
                (for an array: at any element; the message names the first), or ``value``
                is not finite.
        """
        name = getattr(xp, "name", None)
        if name == "scalar":
            return self._evaluate_scalar(value)
        if name == "numpy":
            return self._evaluate_numpy(value)
        return self._evaluate_other(xp, value)

    # -- scalar -------------------------------------------------------------------------

    def _evaluate_scalar(self, value: Any) -> float:
        try:
            x = float(value)
        except (TypeError, ValueError):
            raise InvalidType(self.variable, "a real number", value) from None
        if not math.isfinite(x):
            raise self._bad_input(x)
        try:
            if self._scalar_traps:
                with _trap():
                    return float(self._scalar(x))
            return float(self._scalar(x))
        except _STEP_ERRORS:
            raise self._failure_at(x) from None

    def _failure_at(self, x: float) -> InvalidValue:
        """The error for a step that fails at ``x``, naming the failing part."""
        try:
            with _trap():
                _walk(self._tree, x)
        except _Failure as failure:
            reason = _describe_error(failure.cause)
            if failure.node.text != self.source:
                reason += f" in {failure.node.text!r}"
        else:  # pragma: no cover - the two evaluations disagree; should not happen
            reason = "a non-finite step"
        return InvalidValue(
            self.argument, _FINITE_RULE, self.source, f"{reason} at {self.variable}={x!r}"
        )

    def _bad_input(self, x: float) -> InvalidValue:
        return InvalidValue(
            self.variable, "a finite number", x, f"evaluating {self.argument} {self.source!r}"
        )

    # -- numpy --------------------------------------------------------------------------

    def _evaluate_numpy(self, value: Any) -> Any:
        try:
            array = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            raise InvalidType(self.variable, "an array of real numbers", value) from None
        # Evaluate on a flat, contiguous, at least one-element array: numpy then runs the
        # same loops whatever the input's layout (a 0-d input would hit scalar fast paths).
        t = np.ascontiguousarray(array).reshape(-1)
        if not np.isfinite(t).all():
            raise self._bad_input(float(t[np.flatnonzero(~np.isfinite(t))[0]]))
        try:
            with _trap():
                result = self._numpy(t)
        except ArithmeticError:
            raise self._numpy_failure(t) from None
        out = np.asarray(result, dtype=np.float64)
        if out.shape != t.shape:  # a constant
            out = np.broadcast_to(out, t.shape)
        if not np.isfinite(out).all():  # pragma: no cover - the traps catch this first
            raise self._numpy_failure(t)
        if out is t or not out.flags.owndata:
            out = out.copy()
        return out.reshape(array.shape)

    def _numpy_failure(self, t: Any) -> InvalidValue:
        with np.errstate(all="ignore"):
            _, bad = _bad_mask(self._tree, t)
        where = np.flatnonzero(np.broadcast_to(bad, t.shape))
        if where.size == 0:  # pragma: no cover - should not happen
            return InvalidValue(self.argument, _FINITE_RULE, self.source, "a non-finite step")
        return self._failure_at(float(t[where[0]]))

    # -- other namespaces ---------------------------------------------------------------

    def _evaluate_other(self, xp: Namespace, value: Any) -> Any:
        program = self._others.get(xp)
        if program is None:
            ops = _generic_ops(xp, _kinds(self._tree))
            missing = _kinds(self._tree) - ops.keys() - {"const", "var"}
            if missing:
                raise InvalidValue(
                    self.argument,
                    f"an expression the {getattr(xp, 'name', xp)!r} namespace can evaluate",
                    self.source,
                    f"it has no {', '.join(sorted(missing))}",
                )
            program = _compile(self._tree, ops, None)
            self._others[xp] = program
        return program(value)
