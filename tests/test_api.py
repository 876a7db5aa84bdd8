"""The public surface: what ``import lrkit`` pulls in, ``__all__``, docstrings, py.typed."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
from pathlib import Path

import pytest

import lrkit
from lrkit.core._schedule import REGISTRY, Schedule

SRC = Path(__file__).resolve().parents[1] / "src"


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )


def test_import_does_not_pull_in_torch_or_matplotlib() -> None:
    result = run_python(
        "import sys, lrkit\n"
        "assert 'numpy' in sys.modules  # the check sees lrkit's real imports\n"
        "heavy = sorted(m for m in ('torch', 'matplotlib') if m in sys.modules)\n"
        "assert not heavy, heavy\n"
        "s = lrkit.from_config({'type': 'CosineAnnealingLR', 'lr': 0.1, 'T_max': 10})\n"
        "s(3); s.to_config(); s.momentum\n"
        "heavy = sorted(m for m in ('torch', 'matplotlib') if m in sys.modules)\n"
        "assert not heavy, heavy\n"
        "print('ok')\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_all_is_exactly_the_schedules_and_the_api_and_resolves() -> None:
    names = lrkit.__all__
    assert len(names) == len(set(names))
    schedules = {name for name in REGISTRY if not name.startswith("_") and "." not in name}
    api = {"Expr", "InvalidType", "InvalidValue", "Schedule", "SpecError", "__version__"}
    api |= {"dump", "from_config", "load"}
    assert set(names) == schedules | api
    for name in names:
        assert hasattr(lrkit, name), name


def test_all_exports_every_registered_schedule() -> None:
    public = {name for name in REGISTRY if not name.startswith("_") and "." not in name}
    assert public <= set(lrkit.__all__)
    for name in public:
        assert getattr(lrkit, name) is REGISTRY[name]
    # And every exported Schedule subclass is a registered one (or the base).
    exported = {
        name
        for name in lrkit.__all__
        if inspect.isclass(getattr(lrkit, name)) and issubclass(getattr(lrkit, name), Schedule)
    }
    assert exported == public | {"Schedule"}
    for name in ("from_config", "Expr", "InvalidType", "InvalidValue", "__version__"):
        assert name in lrkit.__all__


def test_every_concrete_schedule_is_registered() -> None:
    def subclasses(cls: type) -> set[type]:
        found = set(cls.__subclasses__())
        for sub in list(found):
            found |= subclasses(sub)
        return found

    # Concrete schedules are dataclasses that validate their arguments in __post_init__;
    # the abstract bases (Multiplicative, CyclesMomentum, Combination) are not, and a
    # private dataclass base (a name starting with "_") shares fields with its subclasses.
    concrete = {
        c
        for c in subclasses(Schedule)
        if "__post_init__" in vars(c)
        and "__dataclass_fields__" in vars(c)
        and not c.__name__.startswith("_")
        and c.__module__.startswith("lrkit.")
    }
    assert len(concrete) >= 15
    # (a peer's dialect class is registered under its config type, "transformers.linear")
    assert {c.config_type for c in concrete} <= set(REGISTRY)


def test_errors_are_value_and_type_errors() -> None:
    assert issubclass(lrkit.InvalidValue, ValueError)
    assert issubclass(lrkit.InvalidType, TypeError)


def _doc_cases() -> list[object]:
    cases: list[object] = []
    for name in sorted(REGISTRY):
        cases.append(pytest.param(name, id=name))
    return cases


@pytest.mark.parametrize("name", _doc_cases())
def test_schedule_docstring_has_formula_and_example(name: str) -> None:
    doc = inspect.getdoc(REGISTRY[name]) or ""
    assert ">>>" in doc, f"{name}: no >>> example"
    assert ".. math::" in doc, f"{name}: no .. math:: formula"


def test_py_typed_is_shipped() -> None:
    package = Path(lrkit.__file__).parent
    assert (package / "py.typed").is_file()
    assert package == SRC / "lrkit"


def test_version() -> None:
    parts = lrkit.__version__.split(".")
    assert len(parts) >= 2 and all(p.isdigit() for p in parts[:2])


def test_no_schedule_keeps_the_old_name_of_breakpoints() -> None:
    # ``Schedule.boundaries`` became ``breakpoints`` (a peer's argument name); a property
    # still named ``boundaries`` would be a formula's change points plots never see.
    for name, cls in REGISTRY.items():
        for klass in cls.__mro__:
            assert not isinstance(klass.__dict__.get("boundaries"), property), (name, klass)
