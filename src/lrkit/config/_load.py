"""Configs from files and text, and back: :func:`load`, :func:`dump` and the CLI's SPECs.

A source is one of

* a path to a config file: JSON (``.json``) or YAML (``.yaml``/``.yml``; needs PyYAML);
  a file without one of those suffixes is read as JSON, else as YAML;
* a JSON text: ``'{"type": "StepLR", "lr": 0.1, "step_size": 30}'`` (or a list of them);
* a YAML text of several lines (what :func:`dump` writes);
* the short form ``TYPE:key=value,key=value`` (see :mod:`lrkit.config._spec`);
* a config mapping, or a list of them, as :func:`lrkit.from_config` takes it.

It holds one schedule, or one per optimizer param group: a list of configs, or a config
whose ``lr`` (or another numeric argument) is a list with one value per group
(``{"type": "StepLR", "lr": [0.1, 0.01], "step_size": 30}`` is two StepLRs). The command
line reads exactly these forms, through the same functions.

YAML is read through PyYAML's safe parser (libyaml's when PyYAML has it), event by event,
into plain data: only strings, numbers, booleans, null, lists and mappings (a number with an
exponent and no dot, ``3e-4``, is a number as in YAML 1.2, not a string as in 1.1). A tag that asks
for anything else (``!!python/object``, ``!!set``, ``!!binary``, a custom tag), an alias
(``*name``: refused, so a file cannot expand into billions of nodes), a repeated key, a
second document, lists and mappings nested more than :data:`MAX_NESTING` deep, more than
:data:`MAX_VALUES` values, and an integer of more than 4300 digits all stop the reading at
once with a :class:`SpecError` naming the file, the line and the column. Nothing in a file
is executed, imported or written.

Every error is a :class:`SpecError` (a ``ValueError``) naming the source, the key path
(``schedulers[1].T_max``) and, for YAML files and JSON syntax errors, the line and column.
"""

from __future__ import annotations

import importlib
import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from lrkit.config._config import MAX_NESTING, MAX_VALUES, check_bounds, from_config
from lrkit.config._spec import (
    MAX_INT_DIGITS,
    SpecError,
    _NotJSON,
    load_json,
    numeric,
    parse_short,
)
from lrkit.core import REGISTRY, LrkitError, Schedule, arguments

__all__ = ["MAX_GROUPS", "MAX_SPEC_BYTES", "Spec", "dump", "load", "parse_spec", "parse_specs"]

#: The longest SPEC text, and the largest config file, in characters or bytes.
MAX_SPEC_BYTES: Final = 1_000_000
#: The most param groups one source may describe.
MAX_GROUPS: Final = 1000

_FILE_SUFFIXES = (".json", ".yaml", ".yml")
_YAML = "tag:yaml.org,2002:"
#: The YAML tags of plain data: a scalar's, then a collection's.
_YAML_SCALARS = frozenset(_YAML + kind for kind in ("str", "int", "float", "bool", "null"))
_YAML_MAP = _YAML + "map"
_YAML_SEQ = _YAML + "seq"
#: A plain scalar that YAML 1.2 reads as a float and PyYAML (YAML 1.1) as a string: an
#: exponent without a dot (``3e-4``, ``1E5``).
_FLOAT = re.compile(r"[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)[eE][-+]?[0-9]+\Z")

Source = str | os.PathLike[str] | Mapping[str, Any] | Sequence[Mapping[str, Any]]


@dataclass(frozen=True)
class Document:
    """A source read into plain data, before any schedule is built."""

    #: A config mapping, or a list of them (one per param group).
    data: Any
    #: Where it came from, as errors name it (``in groups.yaml``, ``in SPEC '...'``).
    where: str
    #: A short name for legends (the file's stem, the type, the short form).
    label: str
    #: (line, column) of each key path's value, counted from 1 (YAML files only).
    marks: Mapping[str, tuple[int, int]] = field(default_factory=dict)

    def configs(self) -> list[Mapping[str, Any]]:
        """One config per param group (a single config is a list of one)."""
        data = self.data
        if isinstance(data, Mapping):
            return _per_group(data, self.where)
        if not isinstance(data, list) or isinstance(data, str):
            raise SpecError(
                f"{self.where}: a config must be a mapping with a 'type' key, or a list of "
                f"them (one per param group), got {type(data).__name__}"
            )
        if not data or len(data) > MAX_GROUPS:
            raise SpecError(
                f"{self.where}: a list of configs holds one per param group: 1 to "
                f"{MAX_GROUPS} of them, got {len(data)}"
            )
        return data

    def schedules(self) -> list[Schedule]:
        """The schedule of each param group."""
        try:
            check_bounds(self.data)
        except LrkitError as error:
            raise self._error(error) from None
        configs = self.configs()
        grouped = not isinstance(self.data, Mapping)
        return [self._build(c, f"[{i}]" if grouped else "") for i, c in enumerate(configs)]

    def _build(self, config: Any, prefix: str) -> Schedule:
        if isinstance(config, Mapping) and config.get("type") == "ReduceLROnPlateau":
            raise SpecError(
                f"{self.where}: ReduceLROnPlateau has no closed form (its lr depends on the "
                "metric you feed it), so it cannot be drawn from a config; `lrkit gallery` "
                "simulates it on a synthetic metric, and lrkit.torch.ReduceLROnPlateau is the "
                "drop-in"
            )
        if not isinstance(config, Mapping):
            at = self.mark(prefix)
            raise SpecError(
                f"{self.where}: {prefix or 'the config'} must be a mapping with a 'type' key, "
                f"got {config!r:.40}{at}"
            )
        try:
            return from_config(config)
        except LrkitError as error:
            raise self._error(error.with_path(prefix) if prefix else error) from None
        except (ValueError, TypeError, ArithmeticError) as error:
            raise SpecError(f"{self.where}: {error}") from None

    def _error(self, error: LrkitError) -> SpecError:
        at = self.mark(error.argument)
        return SpecError(f"{self.where}: {error}{at}")

    def mark(self, path: str) -> str:
        """`` (line L, column C)`` of the value at ``path`` or the nearest part enclosing
        it, or ``""`` where the source has no lines (JSON, the short form, Python data)."""
        while path:
            if path in self.marks:
                line, column = self.marks[path]
                return f" (line {line}, column {column})"
            cut = max(path.rfind("."), path.rfind("["))
            path = path[: max(cut, 0)]
        return ""


@dataclass(frozen=True)
class Spec:
    """A parsed SPEC: the schedule, the text it came from, and a short label for legends."""

    schedule: Schedule
    source: str
    label: str


def load(source: Source) -> Schedule | list[Schedule]:
    """The schedule a config file, JSON text, short form or config describes; a list of
    them, one per param group, where it describes several.

    >>> load("StepLR:lr=0.1,step_size=30")
    StepLR(lr=0.1, step_size=30, gamma=0.1)
    >>> load('{"type": "ExponentialLR", "lr": [0.1, 0.01], "gamma": 0.9}')
    [ExponentialLR(lr=0.1, gamma=0.9), ExponentialLR(lr=0.01, gamma=0.9)]

    Raises:
        SpecError: (a ``ValueError``) naming the source, the key path and, for YAML files
            and JSON syntax errors, the line and column.
    """
    document = read(source)
    schedules = document.schedules()
    several = not isinstance(document.data, Mapping) or len(schedules) > 1
    return schedules if several else schedules[0]


def dump(
    schedule: Schedule | Sequence[Schedule],
    path: str | os.PathLike[str] | None = None,
    *,
    format: str | None = None,
) -> str:
    """The config of ``schedule`` (or of one schedule per param group, a list) as JSON or
    YAML text, written to ``path`` when given; :func:`load` reads it back equal.

    The format is ``format`` (``"json"`` or ``"yaml"``), else the suffix of ``path``
    (``.yaml``/``.yml`` for YAML), else JSON.

    >>> from lrkit import StepLR
    >>> print(dump(StepLR(lr=0.1, step_size=30)), end="")
    {
      "type": "StepLR",
      "lr": 0.1,
      "step_size": 30,
      "gamma": 0.1
    }
    """
    if isinstance(schedule, Schedule):
        data: Any = schedule.to_config()
    elif isinstance(schedule, Sequence) and all(isinstance(s, Schedule) for s in schedule):
        data = [s.to_config() for s in schedule]
    else:
        raise TypeError(f"dump takes a schedule or a list of them, got {schedule!r}")
    if format is None:
        suffix = os.path.splitext(os.fspath(path))[1].lower() if path is not None else ""
        format = "yaml" if suffix in (".yaml", ".yml") else "json"
    if format == "json":
        text = json.dumps(data, indent=2) + "\n"
    elif format == "yaml":
        yaml = _yaml(f"dump to {path}" if path is not None else "dump")
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    else:
        raise ValueError(f"format must be 'json' or 'yaml', got {format!r}")
    if path is not None:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    return text


def parse_specs(text: str) -> list[Spec]:
    """A SPEC of the command line: one :class:`Spec` per param group it describes."""
    document = read(text)
    schedules = document.schedules()
    if len(schedules) == 1 and isinstance(document.data, Mapping):
        return [Spec(schedules[0], text, document.label)]
    return [Spec(s, text, f"{document.label} [{i}]") for i, s in enumerate(schedules)]


def parse_spec(text: str) -> Spec:
    """A SPEC of one schedule (see :func:`parse_specs` for one per param group)."""
    specs = parse_specs(text)
    if len(specs) > 1:
        raise SpecError(f"{_where(text)}: holds {len(specs)} param groups, one was expected")
    return specs[0]


# -- reading ---------------------------------------------------------------------------


def read(source: Source) -> Document:
    """``source`` read into plain data (nothing is built yet)."""
    if isinstance(source, os.PathLike):
        path = os.fspath(source)
        return _read_file(path, f"in {path}")
    if isinstance(source, Mapping):
        kind = source.get("type")
        return Document(source, "in the config", kind if isinstance(kind, str) else "schedule")
    if not isinstance(source, str):
        if isinstance(source, Sequence) and not isinstance(source, (bytes, bytearray)):
            return Document(list(source), "in the configs", "schedule")
        raise TypeError(
            "a source is a path, a JSON text, a TYPE:key=value SPEC, or a config mapping (or "
            f"a list of them), got {type(source).__name__}"
        )
    where = _where(source)
    if len(source) > MAX_SPEC_BYTES:
        raise SpecError(
            f"{where}: the SPEC is {len(source)} characters long, at most {MAX_SPEC_BYTES} "
            "are allowed"
        )
    stripped = source.strip()
    if not stripped:
        raise SpecError(
            "empty SPEC: give a config file, an inline JSON object or TYPE:key=value,..."
        )
    if stripped[0] in "{[":
        data = load_json(stripped, where)
        return Document(data, where, _label(data))
    if "\n" in stripped:  # several lines: YAML text (a SPEC or a path is one line)
        marks: dict[str, tuple[int, int]] = {}
        data = read_yaml(stripped, "in the YAML text", marks)
        return Document(data, "in the YAML text", _label(data), marks)
    if os.path.isfile(stripped):
        return _read_file(stripped, f"in {stripped}")
    if stripped.lower().endswith(_FILE_SUFFIXES) or os.sep in stripped.split(":", 1)[0]:
        raise SpecError(f"{where}: no such file {stripped!r}")
    return Document(parse_short(stripped, where), where, stripped)


def _where(text: str) -> str:
    shown = text if len(text) <= 70 else text[:67] + "..."
    return f"in SPEC {shown!r}"


def _label(data: Any) -> str:
    if isinstance(data, Mapping):
        kind = data.get("type")
        if isinstance(kind, str):
            return kind
    return "schedule"


def _read_file(path: str, where: str) -> Document:
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_SPEC_BYTES + 1)
        if len(raw) > MAX_SPEC_BYTES:
            raise SpecError(
                f"{where}: the file is larger than {MAX_SPEC_BYTES} bytes; a config is a small file"
            )
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SpecError(f"{where}: cannot read the file: {error}") from None
    stem = os.path.splitext(os.path.basename(path))[0]
    marks: dict[str, tuple[int, int]] = {}
    if path.lower().endswith(".json"):
        data = load_json(text, where)
    elif path.lower().endswith((".yaml", ".yml")):
        data = read_yaml(text, where, marks)
    else:
        try:
            data = load_json(text, where)
        except _NotJSON:
            data = read_yaml(text, where, marks)
    if not isinstance(data, (Mapping, list)):
        raise SpecError(
            f"{where}: the file must hold a config mapping with a 'type' key, or a list of "
            f"them (one per param group), got {type(data).__name__}"
        )
    return Document(data, where, stem, marks)


def _yaml(where: str) -> Any:
    try:
        return importlib.import_module("yaml")
    except ImportError:
        raise SpecError(
            f"{where}: YAML needs PyYAML (pip install PyYAML), or write the config as JSON"
        ) from None


def read_yaml(text: str, where: str, marks: dict[str, tuple[int, int]] | None = None) -> Any:
    """YAML text read into plain data, event by event (see the module's docstring for what
    is refused). ``marks`` receives the (line, column) of each key path's value."""
    yaml = _yaml(where)
    loader_class = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader
    loader = loader_class(text)
    reader = _YamlReader(yaml, where, {} if marks is None else marks)
    try:
        while loader.check_event():
            reader.take(loader.get_event())
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        at = f" at line {mark.line + 1} column {mark.column + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise SpecError(f"{where}: invalid YAML{at}: {problem}") from None
    except RecursionError:
        raise SpecError(f"{where}: invalid YAML: nested too deeply") from None
    finally:
        loader.dispose()
    if not reader.done:
        raise SpecError(f"{where}: the YAML holds no config")
    return reader.result


class _YamlReader:
    """Plain data from a stream of YAML events, refusing at the first event that is not
    plain data (see the module's docstring)."""

    def __init__(self, yaml: Any, where: str, marks: dict[str, tuple[int, int]]) -> None:
        self.yaml = yaml
        self.where = where
        self.marks = marks
        self.resolver = yaml.resolver.Resolver()
        self.constructor = yaml.constructor.SafeConstructor()
        # The open lists and mappings: [container, its key path, the key awaiting a value
        # (mappings; _NO_KEY when the next scalar is a key)].
        self.stack: list[list[Any]] = []
        self.values = 0
        self.documents = 0
        self.done = False
        self.result: Any = None

    def fail(self, event: Any, problem: str) -> None:
        mark = event.start_mark
        raise SpecError(
            f"{self.where}: invalid YAML for a config at line {mark.line + 1} column "
            f"{mark.column + 1}: {problem}"
        )

    def take(self, event: Any) -> None:
        yaml = self.yaml
        if isinstance(event, yaml.AliasEvent):
            self.fail(
                event,
                f"an alias (*{event.anchor}) is not allowed in a config: write the value out",
            )
        if isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                self.fail(event, "a second YAML document: a config file holds one")
            return
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            self.stack.pop()
            return
        if isinstance(event, yaml.ScalarEvent):
            self.count(event)
            self.place(event, self.scalar(event))
        elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            self.count(event)
            is_map = isinstance(event, yaml.MappingStartEvent)
            allowed = _YAML_MAP if is_map else _YAML_SEQ
            if event.tag not in (None, "!", allowed):
                self.fail(event, f"the tag {event.tag!r} is not allowed: a config is plain data")
            if len(self.stack) >= MAX_NESTING:
                self.fail(event, f"lists and mappings nest more than {MAX_NESTING} deep")
            container: Any = {} if is_map else []
            path = self.place(event, container)
            self.stack.append([container, path, _NO_KEY])

    def count(self, event: Any) -> None:
        self.values += 1
        if self.values > MAX_VALUES:
            self.fail(event, f"more than {MAX_VALUES} values: a config is a small file")

    def scalar(self, event: Any) -> Any:
        yaml = self.yaml
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.resolver.resolve(yaml.ScalarNode, event.value, event.implicit)
            if tag == _YAML + "str" and event.implicit[0] and _FLOAT.match(event.value):
                tag = _YAML + "float"  # YAML 1.2's 3e-4, which YAML 1.1 reads as a string
        if tag not in _YAML_SCALARS:
            self.fail(event, f"the tag {tag!r} is not allowed: a config is plain data")
        digits = sum(c.isdigit() for c in event.value) if tag == _YAML + "int" else 0
        if digits > MAX_INT_DIGITS:
            self.fail(
                event,
                f"an integer of {digits} digits is too long: at most {MAX_INT_DIGITS} digits "
                "are allowed",
            )
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        try:
            return self.constructor.construct_object(node)
        except (ValueError, yaml.YAMLError) as error:  # an integer of too many digits, ...
            self.fail(event, f"{event.value[:20]!r}... cannot be read: {error}")
        return None

    def place(self, event: Any, value: Any) -> str:
        """Put ``value`` (a scalar, or a list or mapping as it opens) where it belongs in
        the open list or mapping; return its key path ("" for a key)."""
        if not self.stack:
            self.result = value
            self.done = True
            return ""
        frame = self.stack[-1]
        container, path, key = frame
        if isinstance(container, list):
            child = f"{path}[{len(container)}]"
            container.append(value)
        elif key is _NO_KEY:  # the value is a key
            if isinstance(value, (dict, list)):
                self.fail(event, "a key must be a string or a number, not a list or a mapping")
            if value in container:
                self.fail(event, f"the key {value!r} is given twice")
            frame[2] = value
            return ""
        else:
            child = f"{path}.{key}" if path else str(key)
            container[key] = value
            frame[2] = _NO_KEY
        self.marks[child] = (event.start_mark.line + 1, event.start_mark.column + 1)
        return child


_NO_KEY: Final = object()


# -- param groups ----------------------------------------------------------------------


def _per_group(config: Mapping[str, Any], where: str) -> list[Mapping[str, Any]]:
    """``config`` as one config per param group: a list for a numeric argument (``lr``, a
    ``max_lr``, ...) gives each group its value; the other arguments are shared."""
    kind = config.get("type")
    cls = REGISTRY.get(kind) if isinstance(kind, str) else None
    if cls is None:
        return [config]
    numbers = {f.name for f in arguments(cls) if numeric(f.type)}
    if cls.schedule_lists:
        numbers.add("lr")  # stated once at the top for the children
    lists = {k: v for k, v in config.items() if k in numbers and isinstance(v, list)}
    if not lists:
        return [config]
    sizes = {len(v) for v in lists.values()}
    if len(sizes) > 1 or not 0 < min(sizes) <= MAX_GROUPS:
        shown = ", ".join(f"{k} has {len(v)}" for k, v in lists.items())
        raise SpecError(
            f"{where}: lists of per-group values must have one value per param group, the "
            f"same number each, 1 to {MAX_GROUPS}: {shown}"
        )
    return [{k: (v[i] if k in lists else v) for k, v in config.items()} for i in range(sizes.pop())]
