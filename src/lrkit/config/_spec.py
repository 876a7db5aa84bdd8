"""The short form of a schedule, ``TYPE:key=value,key=value``, and JSON text read with
bounds: the pieces of the SPECs the command line and :func:`lrkit.load` read (see
:mod:`lrkit.config._load` for files, YAML and param groups).

In the short form a value is a number, ``true``/``false``/``null``, a list in brackets
(``milestones=[30,80]``), a JSON value (``schedulers=[{...}, {...}]``) or else a string
(``mode=triangular2``). Commas inside brackets, parentheses or quotes do not split, so
``lr_lambda=min(1, (epoch + 1) / 10)`` needs no quoting beyond the shell's; the
function keys ``lr_lambda`` and ``scale_fn`` always keep their text as written.

Every error is a :class:`SpecError` (a ``ValueError``) that names the SPEC it came from.
Lists and objects nest at most :data:`~lrkit.config._config.MAX_NESTING` deep, an integer
has at most :data:`MAX_INT_DIGITS` digits (Python's own limit for reading one), and a key
appears once in a JSON object.

>>> parse_short("MultiStepLR:lr=0.1,milestones=[30,80]", "in SPEC")
{'type': 'MultiStepLR', 'lr': 0.1, 'milestones': [30, 80]}
>>> short_form({"type": "StepLR", "lr": 0.05, "step_size": 30, "gamma": 0.1})
'StepLR:lr=0.05,step_size=30,gamma=0.1'
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping
from typing import Any, Final

from lrkit.config._config import _FUNCTION_KEYS, MAX_NESTING, check_bounds, from_config
from lrkit.core import REGISTRY, arguments

__all__ = [
    "MAX_INT_DIGITS",
    "SpecError",
    "load_json",
    "minimal_config",
    "numeric",
    "parse_short",
    "short_form",
]

#: The most digits of an integer in a SPEC (Python's default limit for ``int(text)``).
MAX_INT_DIGITS: Final = 4300

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
#: A type: a name, or a peer's dotted name (``optax.linear_schedule``).
_TYPE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?\Z")
_INT = re.compile(r"[+-]?\d+\Z")
_KEYWORDS: dict[str, Any] = {
    "true": True,
    "True": True,
    "false": False,
    "False": False,
    "null": None,
    "none": None,
    "None": None,
}


class SpecError(ValueError):
    """A SPEC that cannot be read or that describes no valid schedule."""


class _NotJSON(SpecError):
    """Text that is not JSON (the short form and files without a suffix try it first)."""


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


_SPECIAL = re.compile(r'[\[\]{}"\\]')


def _check_nesting(text: str, where: str) -> None:
    """Refuse text whose lists and objects nest more than MAX_NESTING deep.

    Counted on the text (brackets inside JSON strings aside), in one pass and before any
    parser recurses into it.
    """
    depth = 0
    in_string = False
    skip = -1  # the character after a backslash in a string
    for match in _SPECIAL.finditer(text):
        at, char = match.start(), match.group()
        if in_string:
            if at == skip:
                continue
            if char == "\\":
                skip = at + 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_NESTING:
                raise SpecError(
                    f"{where}: lists and objects nest more than {MAX_NESTING} deep, at most "
                    f"{MAX_NESTING} are allowed"
                )
        elif char in "]}":
            depth -= 1


def _integer(text: str, where: str) -> int:
    """An integer literal, refused when longer than MAX_INT_DIGITS digits."""
    digits = len(text.lstrip("+-"))
    if digits > MAX_INT_DIGITS:
        raise SpecError(
            f"{where}: an integer of {digits} digits ({text[:20]}...) is too long: at most "
            f"{MAX_INT_DIGITS} digits are allowed"
        )
    return int(text)


def load_json(text: str, where: str) -> Any:
    """JSON text as plain data: bounded in nesting and integer length, each key once."""
    _check_nesting(text, where)
    try:
        return json.loads(
            text,
            parse_int=lambda literal: _integer(literal, where),
            object_pairs_hook=lambda pairs: _object(pairs, where),
        )
    except json.JSONDecodeError as error:
        raise _NotJSON(
            f"{where}: invalid JSON at line {error.lineno} column {error.colno}: {error.msg}"
        ) from None
    except RecursionError:
        raise SpecError(f"{where}: invalid JSON: nested too deeply") from None


def _object(pairs: list[tuple[str, Any]], where: str) -> dict[str, Any]:
    """A JSON object whose keys are all different (JSON itself keeps the last silently)."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise SpecError(f"{where}: the key {key!r} is given twice in one JSON object")
        result[key] = value
    return result


# -- the short form ------------------------------------------------------------------


def parse_short(text: str, where: str) -> dict[str, Any]:
    kind, colon, rest = text.partition(":")
    kind = kind.strip()
    if not _TYPE.match(kind):
        raise SpecError(
            f"{where}: not a config file, an inline JSON object or a short form "
            f"TYPE:key=value,... (TYPE {_shorten(kind)!r} is not a name)"
        )
    if kind not in REGISTRY and kind != "ReduceLROnPlateau":
        import difflib

        close = difflib.get_close_matches(kind, REGISTRY, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        if not colon and not close:
            hint = " (no such file either)"
        names = ", ".join(sorted(REGISTRY))
        raise SpecError(f"{where}: type must be one of {names}, got {_shorten(kind)!r}{hint}")
    config: dict[str, Any] = {"type": kind}
    if not colon:
        return config
    for item in _split(rest, where):
        key, equals, raw = item.partition("=")
        key = key.strip()
        if not equals or not _NAME.match(key):
            raise SpecError(f"{where}: expected key=value, got {item.strip()!r}")
        if key == "type":
            raise SpecError(f"{where}: the type goes before the colon, not in key=value pairs")
        if key in config:
            raise SpecError(f"{where}: key {key!r} is given twice")
        raw = raw.strip()
        if key in _FUNCTION_KEYS:
            config[key] = _unquote(raw)
        else:
            config[key] = _value(raw, key, where)
    _check_numbers(kind, rest, config, where)
    return config


#: A key=value pair run into the value before it: ``lr=0.1;step_size=30``, ``lr=0.1 gamma=0.5``.
_RUN_ON = re.compile(r"\s*;\s*|\s+(?=[A-Za-z_][A-Za-z0-9_]*\s*=(?!=))")


def numeric(annotation: Any) -> bool:
    """Whether an argument's annotation is a number (``float``, ``int | None``, ...)."""
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
    parts = {part.strip() for part in text.split("|")} - {"None"}
    return bool(parts) and parts <= {"float", "int"}


def _check_numbers(kind: str, rest: str, config: dict[str, Any], where: str) -> None:
    """Refuse a number argument given a word, said plainly; where the word swallowed the
    next pair (``lr=0.1;step_size=30``, a typo for a comma) the hint says so, with the
    corrected SPEC when that describes a schedule. (The schedule's own check would name the
    key the typo swallowed, "step_size must be given", instead.)"""
    cls = REGISTRY.get(kind)
    if cls is None:
        return
    for field in arguments(cls):
        value = config.get(field.name)
        if not (isinstance(value, str) and numeric(field.type)):
            continue
        message = f"{where}: {field.name} got {value!r}, which is not a number"
        if not _RUN_ON.search(value):
            raise SpecError(message)
        hint = "key=value pairs are separated by commas"
        fixed = f"{kind}:{_RUN_ON.sub(',', rest.strip())}"
        try:
            from_config(parse_short(fixed, where))
            hint += f": did you mean {fixed!r}?"
        except (ValueError, TypeError):
            pass
        raise SpecError(f"{message} ({hint})")


def _split(text: str, where: str) -> list[str]:
    """Split at commas outside brackets, parentheses, braces and quotes."""
    parts: list[str] = []
    depth = 0
    quote = ""
    start = 0
    for i, char in enumerate(text):
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char in "([{":
            depth += 1
            if depth > MAX_NESTING:
                raise SpecError(
                    f"{where}: brackets nest more than {MAX_NESTING} deep, at most "
                    f"{MAX_NESTING} are allowed"
                )
        elif char in ")]}":
            depth -= 1
            if depth < 0:
                raise SpecError(f"{where}: unbalanced {char!r} in {text!r}")
        elif char == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    if quote:
        raise SpecError(f"{where}: unclosed quote {quote} in {text!r}")
    if depth:
        raise SpecError(f"{where}: unclosed bracket in {text!r}")
    parts.append(text[start:])
    if len(parts) == 1 and not parts[0].strip():
        return []
    return parts


def _unquote(raw: str) -> str:
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "\"'":
        return raw[1:-1]
    return raw


def _value(raw: str, key: str, where: str) -> Any:
    if not raw:
        raise SpecError(f"{where}: {key} has no value (write {key}=VALUE)")
    if raw[0] in "[{":
        try:
            return load_json(raw, where)
        except _NotJSON:
            pass
        if raw[0] == "{":
            raise SpecError(f"{where}: {key} is not valid JSON: {raw!r}")
        if not raw.endswith("]"):
            raise SpecError(f"{where}: {key}: a list must end with ']', got {raw!r}")
        return [
            _value(part.strip(), f"{key}[{i}]", where)
            for i, part in enumerate(_split(raw[1:-1], where))
        ]
    if raw[0] in "\"'":
        return _unquote(raw)
    if raw in _KEYWORDS:
        return _KEYWORDS[raw]
    if _INT.match(raw):
        return _integer(raw, where)
    try:
        return float(raw)
    except ValueError:
        return raw


def minimal_config(config: Mapping[str, Any]) -> dict[str, Any]:
    """``config`` without the keys that hold their default value (children too).

    >>> minimal_config({"type": "CosineAnnealingLR", "lr": 0.1, "T_max": 10, "eta_min": 0.0})
    {'type': 'CosineAnnealingLR', 'lr': 0.1, 'T_max': 10}

    Raises:
        ValueError: ``config`` is not bounded as :func:`lrkit.from_config` requires
            (nested too deeply, too large, or containing itself).
    """
    check_bounds(config)
    return _minimal(config)


def _minimal(config: Mapping[str, Any]) -> dict[str, Any]:
    kind = config.get("type")
    cls = REGISTRY.get(kind) if isinstance(kind, str) else None
    defaults: dict[str, Any] = {}
    if cls is not None:
        for f in dataclasses.fields(cls):  # type: ignore[arg-type]
            if f.default is not dataclasses.MISSING:
                defaults[f.name] = f.default
    out: dict[str, Any] = {}
    for key, value in config.items():
        if key in defaults and _same(value, defaults[key]):
            continue
        if isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
            value = [_minimal(v) for v in value]
        elif isinstance(value, Mapping):
            value = _minimal(value)
        out[key] = value
    return out


def _same(value: Any, default: Any) -> bool:
    if isinstance(value, bool) or isinstance(default, bool):
        return value is default
    return bool(value == default) and type(value) is not list


def short_form(config: Mapping[str, Any]) -> str | None:
    """The short-form SPEC of a flat config, or None when it needs JSON (nested configs)."""
    check_bounds(config)
    parts = []
    for key, value in config.items():
        if key == "type" or (key in _FUNCTION_KEYS and value is None):
            continue  # a function key's text is kept as written: None is its absence
        if key in _FUNCTION_KEYS and isinstance(value, str):
            text: str | None = value  # kept as written when parsed
        else:
            text = _show(value)
        if text is None:
            return None
        parts.append(f"{key}={text}")
    kind = str(config["type"])
    return f"{kind}:{','.join(parts)}" if parts else kind


def _show(value: Any) -> str | None:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        if (
            value in _KEYWORDS
            or _looks_numeric(value)
            or not value.strip()
            or value != value.strip()
            or any(c in value for c in "=,[]{}()\"'")
        ):
            return json.dumps(value)
        return value
    if isinstance(value, (list, tuple)):
        items = [_show(v) for v in value]
        if any(i is None for i in items) or any(isinstance(v, (list, tuple, dict)) for v in value):
            return None
        return "[" + ",".join(i for i in items if i is not None) + "]"
    return None


def _looks_numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
