"""A griffe extension for the docs site: read lrkit's reST-flavoured docstrings as Markdown.

lrkit's docstrings are Google style with a few reST habits that Markdown does not know:
doctest blocks (``>>> ...``), ``.. math::`` directives, ``:math:`` and ``:class:``-style
roles. This rewrites them before mkdocstrings renders a docstring: doctests become
fenced ``pycon`` blocks, math becomes ``$$ ... $$`` / ``$ ... $`` for arithmatex, and the
other roles become inline code.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_ROLE = re.compile(r":(?:class|func|meth|attr|data|mod|exc|obj):`~?([^`]+)`")
_MATH_ROLE = re.compile(r":math:`([^`]+)`")


def _short(match: re.Match[str]) -> str:
    target = match.group(1)
    whole = match.group(0)
    name = target.rsplit(".", 1)[-1] if ":`~" in whole else target
    return f"`{name}`"


def convert(text: str) -> str:
    """The docstring ``text`` with its reST habits rewritten as Markdown."""
    lines = text.splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.lstrip()
        indent = line[: len(line) - len(stripped)]
        if stripped.startswith(">>>"):
            block = []
            while i < len(lines) and lines[i].strip():
                block.append(lines[i][len(indent) :] if lines[i].startswith(indent) else lines[i])
                i += 1
            out += [f"{indent}```pycon", *(indent + b for b in block), f"{indent}```"]
            continue
        if stripped.startswith(".. math::"):
            body = [stripped[len(".. math::") :].strip()]
            i += 1
            while i < len(lines) and (not lines[i].strip() or lines[i].startswith(indent + " ")):
                body.append(lines[i].strip())
                i += 1
            while body and not body[-1]:
                body.pop()
            math = [b for b in body if b]
            out += [f"{indent}$$", *(indent + b for b in math), f"{indent}$$", ""]
            continue
        line = _MATH_ROLE.sub(lambda m: f"${m.group(1)}$", line)
        out.append(_ROLE.sub(_short, line))
        i += 1
    return "\n".join(out)


def _is_schedule_class(cls: griffe.Class) -> bool:
    return any(str(d.value).split(".")[-1] == "schedule_class" for d in cls.decorators)


class RstDocstrings(griffe.Extension):
    """Rewrite every docstring as it is loaded; give ``@schedule_class`` classes a signature.

    ``schedule_class`` makes a frozen dataclass, which griffe recognises only under the
    name ``dataclass``: the ``__init__`` is built here from the annotated fields, so that
    the reference shows each schedule's arguments and their defaults.
    """

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = convert(obj.docstring.value)

    def on_class_members(self, *, cls: griffe.Class, **kwargs: Any) -> None:
        if not _is_schedule_class(cls) or "__init__" in cls.members:
            return
        parameters = [griffe.Parameter("self", kind=griffe.ParameterKind.positional_or_keyword)]
        for member in cls.members.values():
            if member.is_alias or not member.is_attribute:
                continue
            attribute: Any = member
            if attribute.annotation is None or "property" in attribute.labels:
                continue
            if attribute.name.startswith("_") or "init=False" in str(attribute.value):
                continue  # private state, not an argument
            if (
                "class-attribute" in attribute.labels
                and "instance-attribute" not in attribute.labels
            ):
                if attribute.value is None and str(attribute.annotation).startswith("ClassVar"):
                    continue
            parameters.append(
                griffe.Parameter(
                    attribute.name,
                    annotation=attribute.annotation,
                    kind=griffe.ParameterKind.positional_or_keyword,
                    default=attribute.value,
                )
            )
        init = griffe.Function(
            "__init__",
            lineno=0,
            endlineno=0,
            parent=cls,
            parameters=griffe.Parameters(*parameters),
            returns="None",
        )
        cls.set_member("__init__", init)
