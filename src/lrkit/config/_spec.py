"""SPECs: the ways the command line names a schedule.

A SPEC is one of

* a config file, JSON (``.json``) or YAML (``.yaml``/``.yml``; needs PyYAML), holding one
  config mapping as :func:`lrkit.from_config` takes it;
* an inline JSON object: ``'{"type": "StepLR", "lr": 0.1, "step_size": 30}'``;
* the short form ``TYPE:key=value,key=value``, e.g. ``CosineAnnealingLR:lr=0.1,T_max=100``.

In the short form a value is a number, ``true``/``false``/``null``, a list in brackets
(``milestones=[30,80]``), a JSON value (``schedulers=[{...}, {...}]``) or else a string
(``mode=triangular2``). Commas inside brackets, parentheses or quotes do not split, so
``lr_lambda=min(1, (epoch + 1) / 10)`` needs no quoting beyond the shell's; the
function keys ``lr_lambda`` and ``scale_fn`` always keep their text as written.

Every error is a :class:`SpecError` (a ``ValueError``) that names the SPEC it came from
and, for a bad value, the key path (``schedulers[1].T_max``).

A SPEC is bounded: its text, or its file, is at most :data:`MAX_SPEC_BYTES` long, lists
and objects nest at most :data:`~lrkit.config._config.MAX_NESTING` deep, an integer has at
most :data:`MAX_INT_DIGITS` digits (Python's own limit for reading one), and the config is
then bounded as :func:`lrkit.from_config` bounds it. Beyond them is a :class:`SpecError`.

>>> parse_spec("MultiStepLR:lr=0.1,milestones=[30,80]").schedule
MultiStepLR(lr=0.1, milestones=(30, 80), gamma=0.1)
>>> short_form({"type": "StepLR", "lr": 0.05, "step_size": 30, "gamma": 0.1})
'StepLR:lr=0.05,step_size=30,gamma=0.1'
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from lrkit.config._config import _FUNCTION_KEYS, MAX_NESTING, check_bounds, from_config
from lrkit.core import REGISTRY, LrkitError, Schedule

__all__ = [
    "MAX_INT_DIGITS",
    "MAX_SPEC_BYTES",
    "Spec",
    "SpecError",
    "minimal_config",
    "parse_spec",
    "short_form",
]

#: The longest SPEC text, and the largest config file, in characters or bytes.
MAX_SPEC_BYTES: Final = 1_000_000
#: The most digits of an integer in a SPEC (Python's default limit for ``int(text)``).
MAX_INT_DIGITS: Final = 4300

_FILE_SUFFIXES = (".json", ".yaml", ".yml")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
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


@dataclass(frozen=True)
class Spec:
    """A parsed SPEC: the schedule, the text it came from, and a short label for legends."""

    schedule: Schedule
    source: str
    label: str


def _where(text: str) -> str:
    shown = text if len(text) <= 70 else text[:67] + "..."
    return f"in SPEC {shown!r}"


def parse_spec(text: str) -> Spec:
    """Read a SPEC (file, inline JSON or short form) into a schedule.

    Raises:
        SpecError: naming the SPEC and, for a bad value, its key path.
    """
    if len(text) > MAX_SPEC_BYTES:
        raise SpecError(
            f"{_where(text)}: the SPEC is {len(text)} characters long, at most "
            f"{MAX_SPEC_BYTES} are allowed"
        )
    stripped = text.strip()
    if not stripped:
        raise SpecError(
            "empty SPEC: give a config file, an inline JSON object or TYPE:key=value,..."
        )
    if stripped.startswith("{"):
        config = _load_json(stripped, _where(text))
        return Spec(_build(config, _where(text)), text, _label(config))
    if os.path.isfile(stripped):
        where = f"in {stripped}"
        config = _load_file(stripped, where)
        stem = os.path.splitext(os.path.basename(stripped))[0]
        return Spec(_build(config, where), text, stem)
    if stripped.lower().endswith(_FILE_SUFFIXES) or os.sep in stripped.split(":", 1)[0]:
        raise SpecError(f"{_where(text)}: no such file {stripped!r}")
    config = _parse_short(stripped, _where(text))
    return Spec(_build(config, _where(text)), text, stripped)


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _label(config: Any) -> str:
    if isinstance(config, Mapping):
        kind = config.get("type")
        if isinstance(kind, str):
            return kind
    return "schedule"


def _build(config: Any, where: str) -> Schedule:
    if isinstance(config, Mapping) and config.get("type") == "ReduceLROnPlateau":
        raise SpecError(
            f"{where}: ReduceLROnPlateau has no closed form (its lr depends on the metric you "
            "feed it), so it cannot be drawn from a config; `lrkit gallery` simulates it on a "
            "synthetic metric, and lrkit.torch.ReduceLROnPlateau is the drop-in"
        )
    try:
        return from_config(config)
    except (LrkitError, ValueError, TypeError, ArithmeticError) as error:
        raise SpecError(f"{where}: {error}") from None


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


def _load_json(text: str, where: str) -> Any:
    _check_nesting(text, where)
    try:
        return json.loads(text, parse_int=lambda literal: _integer(literal, where))
    except json.JSONDecodeError as error:
        raise _NotJSON(
            f"{where}: invalid JSON at line {error.lineno} column {error.colno}: {error.msg}"
        ) from None
    except RecursionError:
        raise SpecError(f"{where}: invalid JSON: nested too deeply") from None


def _load_file(path: str, where: str) -> Any:
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_SPEC_BYTES + 1)
        if len(data) > MAX_SPEC_BYTES:
            raise SpecError(
                f"{where}: the file is larger than {MAX_SPEC_BYTES} bytes; a config is a small file"
            )
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SpecError(f"{where}: cannot read the file: {error}") from None
    if path.lower().endswith(".json"):
        config = _load_json(text, where)
    elif path.lower().endswith((".yaml", ".yml")):
        config = _load_yaml(text, where)
    else:
        try:
            config = _load_json(text, where)
        except _NotJSON:
            config = _load_yaml(text, where)
    if not isinstance(config, Mapping):
        raise SpecError(
            f"{where}: the file must hold one config mapping with a 'type' key, "
            f"got {type(config).__name__}"
        )
    return config


def _load_yaml(text: str, where: str) -> Any:
    try:
        yaml: Any = importlib.import_module("yaml")
    except ImportError:
        raise SpecError(
            f"{where}: reading YAML needs PyYAML (pip install 'lrkit[yaml]'), or write the "
            "config as JSON"
        ) from None
    _check_nesting(text, where)  # flow style: [[...]] and {{...}}
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        at = f" at line {mark.line + 1} column {mark.column + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise SpecError(f"{where}: invalid YAML{at}: {problem}") from None
    except RecursionError:  # block style nested by indentation
        raise SpecError(f"{where}: invalid YAML: nested too deeply") from None
    except ValueError as error:  # an integer too long for int(), ...
        raise SpecError(f"{where}: invalid YAML: {error}") from None


# -- the short form ------------------------------------------------------------------


def _parse_short(text: str, where: str) -> dict[str, Any]:
    kind, colon, rest = text.partition(":")
    kind = kind.strip()
    if not _NAME.match(kind):
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
    return config


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
            return _load_json(raw, where)
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
        if key == "type":
            continue
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
