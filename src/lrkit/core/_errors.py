"""Argument checks that build lrkit's uniform error messages.

Every check raises :class:`InvalidValue` (a ``ValueError``) or :class:`InvalidType`
(a ``TypeError``) whose message reads ``"<argument> must be <rule>, got <value>"``.
Both carry the argument's name in ``.argument`` and the rule in ``.rule`` so the
config layer can re-raise them with the full key path (``schedulers[1].T_max``).
Nothing here clamps or rounds: a value is returned as given (normalised to a
Python ``float``/``int``) or rejected. A number too large for a float64 (``10**400``, a
huge :class:`~fractions.Fraction`) is rejected with the same message, never with an
``OverflowError``; where a formula needs headroom, ``largest`` (reals) and ``high``
(integers) bound the magnitude, and the message then states the bound.
"""

from __future__ import annotations

import math
import numbers
import pickle
from collections.abc import Iterable
from typing import Any, NoReturn

__all__ = [
    "MAX_COUNT",
    "MAX_RATE",
    "InvalidType",
    "InvalidValue",
    "LrkitError",
    "check_bool",
    "check_choice",
    "check_int",
    "check_real",
    "fail",
    "fail_type",
    "unwrap_scalar",
]


#: The largest count lrkit accepts (a step size, a period, a milestone, a number of steps):
#: every whole number up to 2**53 is a float64 number, so the float formulas and the
#: integer ones agree on it.
MAX_COUNT = 2**53
#: The largest rate or momentum (in magnitude) lrkit accepts: the formulas weigh, subtract
#: and divide rates, which needs headroom below float64's largest number (about 1.8e308).
MAX_RATE = 1e300


class LrkitError(Exception):
    """Mixin for lrkit's argument errors: knows the argument and the rule."""

    argument: str
    rule: str
    value: Any

    def __init__(self, argument: str, rule: str, value: Any, hint: str = "") -> None:
        self.argument = argument
        self.rule = rule
        self.value = value
        self.hint = hint
        super().__init__(self._message())

    def _message(self) -> str:
        text = f"{self.argument} must be {self.rule}, got {_show(self.value)}"
        if self.hint:
            text += f" ({self.hint})"
        return text

    def with_path(self, prefix: str) -> LrkitError:
        """The same error, with its argument name prefixed by a config key path.

        The new error has the same type and keeps this one as its ``__cause__``, so
        ``raise error.with_path(path)`` chains to the original (and its traceback).
        """
        name = f"{prefix}.{self.argument}" if prefix else self.argument
        error = type(self)(name, self.rule, self.value, self.hint)
        error.__cause__ = self
        return error

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle by the constructor's arguments, so errors cross process boundaries.

        A ``.value`` that cannot be pickled (a lambda, a lock) travels as its ``repr``
        string; the message is kept as it was. As for any exception, ``__cause__``,
        ``__context__`` and ``__traceback__`` are not pickled.
        """
        value = self.value if _picklable(self.value) else repr(self.value)
        state = {**self.__dict__, "value": value, "args": self.args}
        return type(self), (self.argument, self.rule, value, self.hint), state


class InvalidValue(LrkitError, ValueError):
    """An argument has the right type but a value outside what is allowed."""


class InvalidType(LrkitError, TypeError):
    """An argument has a type that is not allowed."""


def _picklable(value: Any) -> bool:
    try:
        pickle.dumps(value)
    except Exception:
        return False
    return True


def _show(value: Any) -> str:
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return repr(value)
    try:
        text = repr(value)
    except ValueError:  # an int of more than sys.get_int_max_str_digits() digits
        bits = value.bit_length() if isinstance(value, int) else 0
        text = f"<{type(value).__name__} of {bits} bits>" if bits else "<too large to show>"
    if len(text) > 80:
        digits = f" ({len(text) - (text[0] == '-')} digits)" if isinstance(value, int) else ""
        text = text[: 77 - len(digits)] + "..." + digits
    return (
        f"{text} ({type(value).__name__})"
        if not isinstance(value, (int, list, tuple, dict))
        else text
    )


def fail(argument: str, rule: str, value: Any, hint: str = "") -> NoReturn:
    raise InvalidValue(argument, rule, value, hint)


def fail_type(argument: str, rule: str, value: Any, hint: str = "") -> NoReturn:
    raise InvalidType(argument, rule, value, hint)


def unwrap_scalar(value: Any) -> Any:
    """Turn a 0-d tensor or numpy scalar into the Python number it holds."""
    if isinstance(value, (bool, int, float)):
        return value
    ndim = getattr(value, "ndim", None)
    item = getattr(value, "item", None)
    if ndim == 0 and callable(item):
        return item()
    return value


def check_real(
    argument: str,
    value: Any,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    largest: float | None = None,
    largest_text: str = "",
) -> float:
    """A finite real number within ``[low, high]`` (ends open where asked).

    With ``largest``, its magnitude must also be at most ``largest`` (shown in the message
    as ``largest_text``, or ``largest`` itself): the headroom a formula needs. A number
    beyond float64's range (``10**400``) fails with the rule and that bound, never with an
    ``OverflowError``.
    """
    raw = value
    value = unwrap_scalar(value)
    rule = _interval_rule(low, high, low_open, high_open)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        fail_type(argument, rule, raw)
    try:
        number = float(value)
    except OverflowError:  # 10**400, Fraction(10**400, 3): beyond float64's range
        fail(argument, _capped(rule, low, largest, largest_text), raw)
    if not math.isfinite(number):
        fail(argument, rule, raw)
    if low is not None and (number < low or (low_open and number == low)):
        fail(argument, rule, raw)
    if high is not None and (number > high or (high_open and number == high)):
        fail(argument, rule, raw)
    if largest is not None and abs(number) > largest:
        fail(argument, _capped(rule, low, largest, largest_text), raw)
    return number


def _capped(rule: str, low: float | None, largest: float | None, text: str) -> str:
    """``rule`` with the bound on the magnitude, if there is one."""
    if largest is None:
        return rule
    shown = text or f"{largest:g}"
    if low is not None and low >= 0:
        return f"{rule} and at most {shown}"
    return f"{rule} between -{shown} and {shown}"


def _interval_rule(low: float | None, high: float | None, low_open: bool, high_open: bool) -> str:
    if low is None and high is None:
        return "a finite real number"
    if high is None:
        if low == 0:
            return "a positive finite number" if low_open else "a finite number >= 0"
        return f"a finite number {'>' if low_open else '>='} {low:g}"
    if low is None:
        return f"a finite number {'<' if high_open else '<='} {high:g}"
    left = "(" if low_open else "["
    right = ")" if high_open else "]"
    return f"a number in {left}{low:g}, {high:g}{right}"


def check_int(argument: str, value: Any, *, low: int = 0, high: int | None = None) -> int:
    """An integer >= ``low`` (and <= ``high``, if given); an integral float such as ``30.0``
    is accepted, ``33.3`` is not."""
    raw = value
    value = unwrap_scalar(value)
    rule = "a positive integer" if low == 1 else f"an integer >= {low}"
    if isinstance(value, bool):
        fail_type(argument, rule, raw)
    if isinstance(value, numbers.Integral):
        number = int(value)
    elif isinstance(value, numbers.Real):
        try:
            as_float = float(value)
        except OverflowError:  # a Fraction beyond float64's range
            fail(argument, _count_rule(rule, high), raw)
        if not math.isfinite(as_float):
            fail(argument, rule, raw)
        if not as_float.is_integer():
            fail(argument, rule, raw, hint=f"round it, e.g. to {round(as_float)}")
        number = int(as_float)
    else:
        fail_type(argument, rule, raw)
    if number < low:
        fail(argument, rule, raw)
    if high is not None and number > high:
        fail(argument, _count_rule(rule, high), raw)
    return number


def _count_rule(rule: str, high: int | None) -> str:
    if high is None:
        return rule
    if high == MAX_COUNT:
        return f"{rule} <= 2**53 = {MAX_COUNT} (the whole numbers a float64 counts exactly)"
    return f"{rule} <= {high}"


def check_bool(argument: str, value: Any) -> bool:
    if not isinstance(value, bool):
        fail_type(argument, "True or False", value)
    return value


def check_choice(argument: str, value: Any, choices: Iterable[str]) -> str:
    options = tuple(choices)
    rule = "one of " + ", ".join(repr(c) for c in options)
    if not isinstance(value, str):
        fail_type(argument, rule, value)
    if value not in options:
        fail(argument, rule, value)
    return value
