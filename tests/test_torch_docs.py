"""Reference docs of the drop-in layer: ``help(lrkit.torch.X)`` and docs/api-torch.md.

Every public class of ``lrkit.torch`` has a docstring of its own that reads as plain text
in ``help()`` (no reST roles or directives), at least as deep as torch's: the formula,
every constructor argument, an example that drives a real torch optimizer (run here, and
by pytest's doctest collection of src/), and what differs from torch. The docs page for
the layer is built with mkdocs in strict mode.
"""

from __future__ import annotations

import doctest
import importlib.util
import inspect
import pydoc
import re
import shutil
import subprocess
import sys
import warnings
from html import unescape
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

import lrkit.torch  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
#: A reST role (``:class:`x```, ``:math:`x```) or a directive line (``.. math::``).
ROLE = re.compile(r":[a-z]+:`")
DIRECTIVE = re.compile(r"^[\s|]*\.\. ", re.MULTILINE)

CLASSES = [
    name for name in lrkit.torch.__all__ if inspect.isclass(getattr(lrkit.torch, name))
]  # fmt: skip
EXPECTED = {
    "StepLR", "MultiStepLR", "ConstantLR", "LinearLR", "ExponentialLR", "SequentialLR",
    "CosineAnnealingLR", "ChainedScheduler", "ReduceLROnPlateau", "CyclicLR",
    "CosineAnnealingWarmRestarts", "OneCycleLR", "PolynomialLR", "LambdaLR",
    "MultiplicativeLR", "LRScheduler", "ScheduleLR", "_LRScheduler",
}  # fmt: skip


def _own_doc(cls: type) -> str:
    """The class's own docstring (never one inherited from a base class)."""
    doc = cls.__dict__.get("__doc__")
    assert isinstance(doc, str) and doc.strip(), f"{cls.__name__} has no docstring of its own"
    return inspect.cleandoc(doc)


def test_the_package_docstring_is_plain_text() -> None:
    doc = lrkit.torch.__doc__ or ""
    assert not ROLE.search(doc) and not DIRECTIVE.search(doc)
    assert "docs/api-torch.md" in doc and "docs/torch-compat.md" in doc


def test_every_public_class_is_covered() -> None:
    assert set(CLASSES) >= EXPECTED
    assert set(CLASSES) - EXPECTED == set(), "a new public class: add it to docs/api-torch.md"


@pytest.mark.parametrize("name", CLASSES)
def test_help_is_plain_text(name: str) -> None:
    cls = getattr(lrkit.torch, name)
    text = pydoc.render_doc(cls, renderer=pydoc.plaintext)
    assert not ROLE.findall(text), [line for line in text.splitlines() if ROLE.search(line)]
    assert not DIRECTIVE.findall(text), [ln for ln in text.splitlines() if DIRECTIVE.match(ln)]
    # ``core`` (the closed form a drop-in follows) shows one plain line, not the core
    # class's own reST docstring, and still reads as the core class.
    core = getattr(cls, "core", None)
    if isinstance(core, type):  # (ScheduleLR's core is the schedule it is given)
        assert core.__module__.startswith("lrkit.core")
        assert f"closed form this scheduler follows: lrkit.{core.__name__}" in text
        assert (inspect.getdoc(core) or "").splitlines()[0] not in text
    # The class's own text comes first, whole.
    assert _own_doc(cls).splitlines()[0] in text


@pytest.mark.parametrize("name", CLASSES)
def test_docstring_depth(name: str) -> None:
    cls = getattr(lrkit.torch, name)
    doc = _own_doc(cls)
    assert len(doc.splitlines()) >= 20, len(doc.splitlines())
    assert not ROLE.search(doc) and not DIRECTIVE.search(doc)
    # Every constructor argument, in the Args section, in the signature's order.
    arguments = [p for p in inspect.signature(cls).parameters if p != "self"]
    assert arguments
    section = doc.split("\nArgs:\n", 1)[1].split("\n\n", 1)[0]
    listed = re.findall(r"^    (\w+):", section, flags=re.MULTILINE)
    assert listed == arguments, (listed, arguments)
    # A plain-text formula: an indented line that defines an lr.
    assert re.search(r"^    [^\s:]*lr[^\s:]*\s+=\s", doc, flags=re.MULTILINE), name
    # torch: what it replaces (or that it is lrkit's own) and where the differences are.
    assert "torch" in doc
    if hasattr(torch.optim.lr_scheduler, name):
        assert f"torch.optim.lr_scheduler.{name}" in doc
    assert "docs/torch-compat.md" in doc
    assert re.search(r"^Differences from ", doc, flags=re.MULTILINE)
    # An example that drives a real torch optimizer.
    assert "\n>>> " in "\n" + doc
    assert "torch.optim.SGD(" in doc


@pytest.mark.parametrize("name", CLASSES)
def test_the_example_runs(name: str) -> None:
    """Run the docstring's example (as pytest --doctest-modules does), warnings as errors."""
    cls = getattr(lrkit.torch, name)
    tests = [
        t for t in doctest.DocTestFinder(recurse=False).find(cls, name) if t.examples
    ]  # fmt: skip
    assert len(tests) == 1 and len(tests[0].examples) >= 5, name
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. torch's step-order warning
        runner.run(tests[0], out=lambda text: pytest.fail(text))
    assert runner.failures == 0 and runner.tries >= 5


def _words(text: str) -> list[str]:
    """The words of a docstring's prose: citations (URLs, quoted paper titles) left out."""
    text = re.sub(r"https?://\S+", " ", text)
    text = re.sub(r'"[^"]*"|`[^`]*`', " ", text)  # quoted titles, code
    return re.findall(r"[a-z0-9_]+", text.lower())


@pytest.mark.parametrize("name", [n for n in CLASSES if hasattr(torch.optim.lr_scheduler, n)])
def test_no_prose_taken_from_torch(name: str) -> None:
    """No run of 8 words of torch's docstring reappears in ours (the prose is lrkit's own)."""
    theirs = _words(getattr(torch.optim.lr_scheduler, name).__doc__ or "")
    ours = " ".join(_words(_own_doc(getattr(lrkit.torch, name))))
    runs = {" ".join(theirs[i : i + 8]) for i in range(len(theirs) - 7)}
    shared = sorted(run for run in runs if f" {run} " in f" {ours} ")
    assert not shared, shared


def test_plateau_methods_are_torchs() -> None:
    """The two methods ReduceLROnPlateau overrides for their docstrings behave as torch's."""
    param = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([param], lr=0.1)
    ours = lrkit.torch.ReduceLROnPlateau(opt, patience=0)
    theirs = torch.optim.lr_scheduler.ReduceLROnPlateau(
        torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1), patience=0
    )
    for scheduler in (ours, theirs):
        for metric in (1.0, 2.0):
            scheduler.optimizer.step()
            scheduler.step(metric)
        with pytest.raises(NotImplementedError):
            scheduler.get_lr()
    assert ours.get_last_lr() == theirs.get_last_lr() == [pytest.approx(0.01)]
    assert ours.get_last_lr() is ours._last_lr


# -- the docs site page ------------------------------------------------------------------
def _has_mkdocs() -> bool:
    names = ("mkdocs", "material", "mkdocstrings", "mkdocstrings_handlers")
    return all(importlib.util.find_spec(n) is not None for n in names)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not _has_mkdocs():
        pytest.skip("mkdocs is not installed: pip install mkdocs mkdocs-material mkdocstrings")
    work = tmp_path_factory.mktemp("torchdocs")
    shutil.copy(ROOT / "mkdocs.yml", work / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", work / "docs")
    shutil.copytree(ROOT / "src", work / "src", ignore=shutil.ignore_patterns("__pycache__"))
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(work / "site")],
        cwd=work,
        capture_output=True,
        text=True,
        env={"PATH": "", "NO_MKDOCS_2_WARNING": "1", "HOME": str(work)},
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return work / "site"


def test_the_page_examples_run() -> None:
    page = (ROOT / "docs" / "api-torch.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```pycon\n(.*?)^```", page, flags=re.S | re.M)
    assert blocks
    parser, runner = doctest.DocTestParser(), doctest.DocTestRunner()
    for i, block in enumerate(blocks):
        test = parser.get_doctest(block, {}, f"api-torch.md[{i}]", "docs/api-torch.md", 0)
        runner.run(test, out=lambda text: pytest.fail(text))
    assert runner.failures == 0 and runner.tries >= 5


def test_the_nav_lists_the_page_after_the_api_reference() -> None:
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
    i = nav.index("  - API reference: api.md")
    assert nav[i + 1] == "  - 'API reference: lrkit.torch': api-torch.md"


def test_the_page_documents_every_class(site: Path) -> None:
    page = (site / "api-torch" / "index.html").read_text(encoding="utf-8")
    text = unescape(re.sub(r"<[^>]+>", "", page))
    for name in CLASSES:
        assert f'id="lrkit.torch.{name}"' in page, name
        first = _own_doc(getattr(lrkit.torch, name)).splitlines()[0].replace("`", "")
        assert first in text, name
    assert not ROLE.search(text) and not DIRECTIVE.search(text)
    # Arguments as a table, formulas and examples as code blocks.
    assert "step_size" in text and "<th>Default</th>" in page
    assert "lr_t = lr_0 * gamma ** (t // step_size)" in text
    assert '<span class="gp">&gt;&gt;&gt; </span>' in page
    assert "Could not find" not in page
    # Linked from the other API page's neighbours, and reachable from the nav.
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="api-torch/"' in home


def test_core_reads_as_the_core_class_and_a_subclass_may_declare_its_own() -> None:
    torch = pytest.importorskip("torch")
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    scheduler = lrkit.torch.StepLR(opt, step_size=2)
    assert lrkit.torch.StepLR.core is lrkit.StepLR and scheduler.core is lrkit.StepLR
    assert isinstance(lrkit.torch.StepLR.__dict__["core"], property)

    class Halving(lrkit.torch.StepLR):
        """StepLR by another name."""

        core = lrkit.StepLR

    assert Halving.core is lrkit.StepLR and Halving(opt, step_size=2).core is lrkit.StepLR
