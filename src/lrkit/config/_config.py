"""Plain-data configs: :func:`from_config` builds a schedule from a dict; ``to_config`` undoes it.

A config is a dict with a ``type`` (a schedule class name) and that class's arguments.
``lr`` may be stated once at the top: nested children (``schedulers``) inherit it. User
functions are expression strings (see :class:`lrkit.Expr`). Errors name the key path,
e.g. ``schedulers[1].T_max``.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Mapping
from typing import Any

from lrkit.core import REGISTRY, LrkitError, Schedule, arguments, fail, fail_type

__all__ = ["from_config"]

#: Keys whose values are nested schedule configs.
_CHILD_LIST = "schedulers"
_CHILD_ONE = "of"
#: Keys that hold functions: in a config they must be expression strings.
_FUNCTION_KEYS = ("lr_lambda", "scale_fn")


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def from_config(config: Mapping[str, Any], *, lr: float | None = None) -> Schedule:
    """Build a schedule from a plain-data config.

    Args:
        config: a mapping with a ``type`` and the schedule's arguments.
        lr: a default ``lr`` for configs that leave it out (used for nested children).

    >>> from_config({"type": "CosineAnnealingLR", "lr": 0.1, "T_max": 100, "eta_min": 1e-3})
    CosineAnnealingLR(lr=0.1, T_max=100, eta_min=0.001)
    """
    return _build(config, "", lr)


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
    composite = _CHILD_LIST in fields
    allowed = set(fields) | {"type"} | ({"lr"} if composite else set())
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
        kwargs[name] = _convert(name, value, path, lr)
    try:
        return cls(**kwargs)
    except LrkitError as error:
        raise error.with_path(path) from error


def _convert(name: str, value: Any, path: str, lr: float | None) -> Any:
    key = _join(path, name)
    if name == _CHILD_LIST:
        if not isinstance(value, list) or not value:
            fail_type(key, "a non-empty list of schedule configs", value)
        return [_build(child, f"{key}[{i}]", lr) for i, child in enumerate(value)]
    if name == _CHILD_ONE:
        return _build(value, key, lr)
    if name in _FUNCTION_KEYS and value is not None and not isinstance(value, str):
        fail_type(key, "an expression string (configs hold no Python callables)", value)
    if name == "milestones" and not isinstance(value, (list, tuple)):
        fail_type(key, "a list of integers >= 0", value)
    return value
