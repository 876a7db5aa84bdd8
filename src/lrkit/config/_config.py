"""Plain-data configs: :func:`from_config` builds a schedule from a dict; ``to_config`` undoes it.

A config is a dict with a ``type`` (a schedule class name) and that class's arguments.
An argument that holds a schedule or a list of them (the class's ``schedule_fields`` and
``schedule_lists``: ``of``, ``schedulers``, optax's ``schedules``) holds their configs. ``lr`` may be
stated once at the top of a schedule that holds others: its children inherit it. User
functions are expression strings (see :class:`lrkit.Expr`); an ``lr_lambda`` that is a
mapping is a nested schedule config read as a factor, which states its own ``lr`` (it
does not inherit its parent's: that is the rate the factor multiplies). Errors name the
key path, e.g. ``schedulers[1].T_max``.

A config is bounded: schedules nest at most :data:`MAX_DEPTH` levels deep (the top is
level 1; each child schedule, ``lr_lambda`` included, one level below its parent), a
config holds at most :data:`MAX_SCHEDULES` schedules and :data:`MAX_VALUES` values (a part
that appears several times, as YAML aliases make, counts each time), lists and mappings nest
at most :data:`MAX_NESTING` deep, and no list or mapping may contain itself. These limits are
checked before anything is built, by a loop (not by recursion), so they raise the same
``ValueError`` however deep the caller's own stack is.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Mapping
from typing import Any, Final

from lrkit.core import REGISTRY, LrkitError, Schedule, arguments, fail, fail_type

__all__ = ["MAX_DEPTH", "MAX_NESTING", "MAX_SCHEDULES", "MAX_VALUES", "check_bounds", "from_config"]

#: The deepest nesting of schedules in a config (the top is level 1).
MAX_DEPTH: Final = 32
#: The most schedules in one config, every child counted (each time it appears).
MAX_SCHEDULES: Final = 10_000
#: The deepest nesting of lists and mappings in a config (the config itself is level 1).
MAX_NESTING: Final = 100
#: The most values (numbers, strings, lists, mappings) in one config, each time it appears.
MAX_VALUES: Final = 100_000

#: A function key that may hold a nested schedule config (a mapping): a schedule of factors.
_CHILD_FACTOR = "lr_lambda"
#: Keys that hold functions: in a config they must be expression strings.
_FUNCTION_KEYS = ("lr_lambda", "scale_fn")


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def from_config(config: Mapping[str, Any], *, lr: float | None = None) -> Schedule:
    """Build a schedule from a plain-data config.

    Args:
        config: a mapping with a ``type`` and the schedule's arguments.
        lr: a default ``lr`` for configs that leave it out (used for nested children).

    Raises:
        ValueError: a bad value (naming its key path), or a config nested more than
            :data:`MAX_DEPTH` levels deep, holding more than :data:`MAX_SCHEDULES`
            schedules, or containing itself.
        TypeError: a value of the wrong type (naming its key path).

    >>> from_config({"type": "CosineAnnealingLR", "lr": 0.1, "T_max": 100, "eta_min": 1e-3})
    CosineAnnealingLR(lr=0.1, T_max=100, eta_min=0.001)
    """
    check_bounds(config)
    return _build(config, "", lr)


def _child_keys(config: Mapping[str, Any]) -> tuple[str, ...]:
    """The keys of ``config`` that hold nested schedule configs, where its type takes them."""
    kind = config.get("type")
    cls = REGISTRY.get(kind) if isinstance(kind, str) else None
    if cls is None:
        return ()
    names = {f.name for f in arguments(cls)}
    factor = (_CHILD_FACTOR,) if _CHILD_FACTOR in names else ()
    return (*cls.schedule_fields, *cls.schedule_lists, *factor)


def _key_text(key: Any) -> str:
    return key if isinstance(key, str) else f"<{type(key).__name__} key>"


def check_bounds(config: Any) -> None:
    """Refuse a config nested too deeply, too large, or containing itself.

    One loop over an explicit stack (no recursion), so the error does not depend on how
    deep the caller's stack is, and it stops at the first offence: a config whose parts
    share objects (YAML aliases) costs at most :data:`MAX_VALUES` steps. Anything else
    about the config is left to the builder.

    Raises:
        InvalidValue: naming the key path of the first value (depth first, in order) that
            is a schedule more than :data:`MAX_DEPTH` levels deep, the schedule one more
            than :data:`MAX_SCHEDULES`, a list or mapping nested more than
            :data:`MAX_NESTING` levels deep, the value one more than :data:`MAX_VALUES`,
            or a list or mapping inside itself.
    """
    # Entries: (value, key path, level, nesting). The level of a mapping is its level as a
    # schedule config (0: not one); of a list, the level of the schedule configs it holds.
    # An entry (None, path, -1, 0) leaves the list or mapping at ``path``: ``inside`` holds
    # the lists and mappings that enclose the entry being looked at, by id.
    stack: list[tuple[Any, str, int, int]] = [(config, "", 1, 1)]
    inside: dict[int, str] = {}
    values = schedules = 0
    while stack:
        node, path, level, nesting = stack.pop()
        if level < 0:
            del inside[nesting]
            continue
        values += 1
        where = path or "config"
        if values > MAX_VALUES:
            fail(
                where,
                f"in a config of at most {MAX_VALUES} values",
                f"value number {values}",
                hint="every number, string, list and mapping counts, each time it appears",
            )
        is_mapping = isinstance(node, Mapping)
        if not is_mapping and not isinstance(node, (list, tuple)):
            continue
        if id(node) in inside:
            outer = inside[id(node)]
            fail(
                where,
                "a value that does not contain itself",
                f"the value at {outer or 'the top'}",
                hint="a cycle: a list or mapping cannot be inside itself",
            )
        if nesting > MAX_NESTING:
            fail(where, f"nested at most {MAX_NESTING} lists and mappings deep", nesting)
        items: list[tuple[Any, str, int, int]] = []
        if not is_mapping:
            for i, item in enumerate(node):
                at = level if isinstance(item, Mapping) else 0
                items.append((item, f"{path}[{i}]", at, nesting + 1))
        else:
            if level > MAX_DEPTH:
                fail(
                    where,
                    f"a schedule at most {MAX_DEPTH} levels deep in its config",
                    level,
                    hint="the top is level 1, each child schedule one level further",
                )
            if level:
                schedules += 1
                if schedules > MAX_SCHEDULES:
                    fail(
                        where,
                        f"in a config of at most {MAX_SCHEDULES} schedules",
                        f"schedule number {schedules}",
                        hint="every child counts, each time it appears",
                    )
            children = _child_keys(node) if level else ()
            for key, value in node.items():
                child = key in children and (
                    isinstance(value, Mapping) or (isinstance(value, list) and key != _CHILD_FACTOR)
                )
                at = level + 1 if child else 0
                items.append((value, _join(path, _key_text(key)), at, nesting + 1))
        inside[id(node)] = path
        stack.append((None, path, -1, id(node)))
        stack += reversed(items)


def _fields(cls: type[Schedule]) -> dict[str, dataclasses.Field[Any]]:
    return {f.name: f for f in arguments(cls)}


def _required(field: dataclasses.Field[Any]) -> bool:
    return field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING


def _build(config: Any, path: str, inherited_lr: float | None) -> Schedule:
    where = path or "config"
    if not isinstance(config, Mapping):
        fail_type(where, "a mapping with a 'type' key", config)
    kind = config.get("type")
    if kind is None:
        fail(_join(path, "type"), "given: one of " + ", ".join(sorted(REGISTRY)), None)
    if not isinstance(kind, str) or kind not in REGISTRY:
        close = difflib.get_close_matches(str(kind), REGISTRY, n=1)
        hint = f"did you mean {close[0]!r}?" if close else ""
        fail(_join(path, "type"), "one of " + ", ".join(sorted(REGISTRY)), kind, hint)
    cls = REGISTRY[kind]
    fields = _fields(cls)
    allowed = set(fields) | {"type"} | ({"lr"} if cls.schedule_lists else set())
    for key in config:
        if key not in allowed:
            if not isinstance(key, str):
                fail_type(where, "a mapping with string keys", key)
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = (
                f"did you mean {close[0]!r}?"
                if close
                else f"{kind} takes " + ", ".join(sorted(allowed - {"type"}))
            )
            fail(_join(path, key), f"a key {kind} knows", key, hint=f"unknown key; {hint}")
    lr = config.get("lr", inherited_lr)
    kwargs: dict[str, Any] = {}
    for name, field in fields.items():
        if name in config:
            value = config[name]
        elif name == "lr" and lr is not None:
            value = lr
        elif _required(field):
            fail(_join(path, name), f"given for {kind}", None, hint="required key missing")
        else:
            continue
        kwargs[name] = _convert(cls, name, value, path, lr)
    try:
        return cls(**kwargs)
    except LrkitError as error:
        raise error.with_path(path) from error
    except OverflowError as error:  # a number too large for a formula (checks let it by)
        fail(where, f"a {kind} config whose numbers fit its formulas", kind, hint=str(error))


def _convert(cls: type[Schedule], name: str, value: Any, path: str, lr: float | None) -> Any:
    key = _join(path, name)
    if name in cls.schedule_lists:
        if not isinstance(value, list) or not value:
            fail_type(key, "a non-empty list of schedule configs", value)
        return [_build(child, f"{key}[{i}]", lr) for i, child in enumerate(value)]
    if name in cls.schedule_fields:
        return _build(value, key, lr)
    if name == _CHILD_FACTOR and isinstance(value, Mapping):
        return _build(value, key, None)  # a schedule of factors: its own lr, not inherited
    if name in _FUNCTION_KEYS and value is not None and not isinstance(value, str):
        hint = "or a mapping: a nested schedule config of factors" if name == _CHILD_FACTOR else ""
        fail_type(key, "an expression string (configs hold no Python callables)", value, hint)
    if name == "milestones" and not isinstance(value, (list, tuple)):
        fail_type(key, "a list of integers >= 0", value)
    return value
