"""The layers of the tree: module-level imports point only down, and across layers only at
public names; a schedule is defined in one place (no list of schedules elsewhere)."""

from __future__ import annotations

import ast
import pathlib

import pytest
import torch

import lrkit
import lrkit.compose
import lrkit.torch
from lrkit.core import REGISTRY
from lrkit.torch._adapter import DropIn

SRC = pathlib.Path(lrkit.__file__).parent

#: The layers, lowest first: a module may import from its own layer and those before it.
LAYERS = ["core", "compose", "dialects", "config", "torch", "tools"]


def layer_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in ("core", "compose", "dialects", "config", "torch"):
        return parts[1]
    if module in ("lrkit", "lrkit._version"):
        return "core"  # the package's front door re-exports; checked below
    return "tools"


def module_name(path: pathlib.Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def top_level_imports(path: pathlib.Path) -> list[str]:
    """The lrkit modules imported at module level (not inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("lrkit"):
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.startswith("lrkit")]
    return found


MODULES = sorted(SRC.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=[module_name(p) for p in MODULES])
def test_imports_point_down_and_use_public_names(path: pathlib.Path) -> None:
    here = module_name(path)
    mine = layer_of(here)
    for target in top_level_imports(path):
        theirs = layer_of(target)
        if here == "lrkit":  # the front door may gather from every layer below the tools
            assert theirs != "tools", target
            continue
        if target == "lrkit._version":
            continue
        assert LAYERS.index(theirs) <= LAYERS.index(mine), f"{here} imports {target} (up)"
        if theirs != mine:
            private = any(part.startswith("_") for part in target.split(".")[1:])
            assert not private, f"{here} ({mine}) imports {target}, private to {theirs}"


def test_no_file_outside_the_family_modules_lists_the_schedules() -> None:
    """Adding a schedule to a family module needs no edit to the package's front doors or
    to the config layer: they take the family modules' ``__all__``."""
    composites = set(lrkit.compose.__all__)  # the composition layer's own, exported by name
    names = [n for n in REGISTRY if n != "Momentum" and n not in composites]
    for path in [
        SRC / "__init__.py",
        SRC / "core" / "__init__.py",
        SRC / "core" / "schedules.py",
        *sorted((SRC / "config").glob("*.py")),
    ]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
        used |= {
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
            for alias in node.names
        }
        named = sorted(used & set(names))
        assert not named, f"{path.name} names {named}"


def test_every_drop_in_is_a_declaration_over_a_registered_core_schedule() -> None:
    for name in lrkit.torch.__all__:
        cls = getattr(lrkit.torch, name)
        if not hasattr(torch.optim.lr_scheduler, name):
            continue  # lrkit's own (ScheduleLR: its cores are the schedules it is given)
        if isinstance(cls, type) and issubclass(cls, DropIn):
            assert REGISTRY[cls.core.__name__] is cls.core, name
            assert cls.core.__name__ == name
