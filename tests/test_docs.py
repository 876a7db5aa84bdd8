"""The documentation site: built by mkdocs in strict mode, and its examples run.

The build runs on a copy of mkdocs.yml, docs/ and src/ in a temporary folder. Pages that
other parts of the project write (docs/torch-compat.md, docs/benchmarks.md,
docs/driving-torch.md) get a one-line stand-in there if the nav lists them but they are
missing, so that this test checks this part of the site alone. The command lines in
docs/cli.md are run through ``lrkit.cli.main`` and the outputs it shows are compared with
what the commands print. The Python examples of docs/*.md (and of README.md) run in
tests/test_examples.py, which checks the values they state; those of the family pages,
docs/schedules/*.md, run here, with the same rule: a comment that starts with a Python
literal states the value of its statement, exactly.
"""

from __future__ import annotations

import ast
import importlib.util
import io
import re
import shlex
import shutil
import subprocess
import sys
import textwrap
import tokenize
from pathlib import Path
from typing import Any

import matplotlib
import pytest

import lrkit
from lrkit.cli import main

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
#: Pages written by other parts of the project.
OTHERS = ("torch-compat.md", "benchmarks.md", "driving-torch.md")
SCHEDULES = [
    "StepLR", "MultiStepLR", "ConstantLR", "LinearLR", "ExponentialLR", "PolynomialLR",
    "CosineAnnealingLR", "CosineAnnealingWarmRestarts", "CyclicLR", "OneCycleLR", "Momentum",
    "LambdaLR", "MultiplicativeLR", "SequentialLR", "ChainedScheduler",
]  # fmt: skip
#: lrkit's own schedules, by family: the page of docs/schedules/ that describes each.
FAMILIES = {
    "decay": lrkit.core._decay.__all__,
    "piecewise": lrkit.core._piecewise.__all__,
    "restarts": lrkit.core._restarts.__all__,
    "combinators": [*lrkit.compose._join.__all__, *lrkit.compose._arith.__all__,
                    *lrkit.compose._warmup.__all__, *lrkit.compose._noise.__all__],
    "presets": lrkit.compose._presets.__all__,
}  # fmt: skip
OWN = [name for names in FAMILIES.values() for name in names]


def _missing_tools() -> list[str]:
    wanted = ("mkdocs", "material", "mkdocstrings", "mkdocstrings_handlers.python")
    return [name for name in wanted if importlib.util.find_spec(name.split(".")[0]) is None
            or (name == "mkdocstrings_handlers.python" and importlib.util.find_spec(name) is None)]  # fmt: skip


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    missing = _missing_tools()
    if missing:
        pytest.skip(f"mkdocs is not installed ({', '.join(missing)} missing): pip install "
                    "mkdocs mkdocs-material 'mkdocstrings[python]'")  # fmt: skip
    work = tmp_path_factory.mktemp("docs")
    shutil.copy(ROOT / "mkdocs.yml", work / "mkdocs.yml")
    shutil.copytree(DOCS, work / "docs")
    shutil.copytree(ROOT / "src", work / "src", ignore=shutil.ignore_patterns("__pycache__"))
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for page in OTHERS:
        if page in nav and not (work / "docs" / page).exists():
            (work / "docs" / page).write_text(f"# {page}\n\nWritten by another part of lrkit.\n")
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


def test_the_site_builds_in_strict_mode_with_every_page(site: Path) -> None:
    for page in ("index.html", "gallery/index.html", "cli/index.html", "plotting/index.html",
                 "api/index.html", "torch-compat/index.html", "benchmarks/index.html",
                 "schedules/index.html", *(f"schedules/{f}/index.html" for f in FAMILIES)):  # fmt: skip
        assert (site / page).exists(), page
    assert not (site / "_ext" / "rst_docstrings.py").exists()


def test_the_gallery_page_shows_every_picture(site: Path) -> None:
    from lrkit.gallery import ENTRIES

    page = (site / "gallery" / "index.html").read_text(encoding="utf-8")
    for entry in ENTRIES:
        assert f'src="{entry.name}.png"' in page, entry.name
        assert (site / "gallery" / f"{entry.name}.png").exists()


def test_the_api_reference_comes_from_the_docstrings(site: Path) -> None:
    page = (site / "api" / "index.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", page)
    for name in [*SCHEDULES, *OWN]:
        assert f'id="lrkit.{name}"' in page, name
        cls = getattr(lrkit, name)
        first = (cls.__doc__ or "").strip().splitlines()[0].replace("``", "")
        assert first[:40] in text.replace("&#39;", "'").replace("&gt;", ">"), name
    assert 'id="lrkit.plot.plot"' in page and 'id="lrkit.preview.preview"' in page
    # Signatures and defaults of the dataclass schedules, and doctests as code blocks.
    flat = " ".join(text.split())
    assert "StepLR(lr, step_size, gamma=0.1)" in flat
    assert "CosineDecay(lr, total_steps, final_lr=0.0, exponent=1.0)" in flat
    assert "Warmup(of, steps, start=0.0, curve='linear', shift=True)" in flat
    assert '<span class="gp">&gt;&gt;&gt; </span>' in page  # a highlighted doctest
    assert "Could not find" not in page


def _blocks(page: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", page, flags=re.S)


def test_cli_page_commands_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                               capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    page = (DOCS / "cli.md").read_text(encoding="utf-8")
    commands = [line for block in _blocks(page, "sh") for line in block.splitlines()
                if line.startswith("lrkit ")]  # fmt: skip
    assert len(commands) >= 9
    ran = 0
    for line in commands:
        argv = shlex.split(line.split("  #")[0])[1:]
        if argv[0] == "gallery" and "--only" not in argv:
            continue  # the whole gallery is drawn by tests/test_gallery.py
        assert main(argv) == 0, (line, capsys.readouterr().err)
        ran += 1
    capsys.readouterr()
    assert ran >= 7


def test_cli_page_shows_real_output(capsys: pytest.CaptureFixture[str]) -> None:
    page = (DOCS / "cli.md").read_text(encoding="utf-8")
    pairs = re.findall(
        r"```sh\n(lrkit (?:show|table) [^\n]*)\n```\n\n```text\n(.*?)```", page, flags=re.S
    )
    assert len(pairs) == 2
    for command, shown in pairs:
        assert main(shlex.split(command)[1:]) == 0
        printed = capsys.readouterr().out
        assert [line.rstrip() for line in printed.splitlines()] == shown.splitlines(), command


def test_error_examples_in_the_cli_page_are_real(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    page = (DOCS / "cli.md").read_text(encoding="utf-8")
    (tmp_path / "warmup.json").write_text(
        '{"type": "SequentialLR", "lr": 0.1, "milestones": [5], "schedulers": ['
        '{"type": "LinearLR", "start_factor": 0.1, "total_iters": 5},'
        '{"type": "CosineAnnealingLR", "T_max": -95}]}'
    )
    monkeypatch.chdir(tmp_path)
    session = re.findall(r"^\$ (lrkit .*)\n(lrkit .*)$", page, flags=re.M)
    assert len(session) == 2
    for command, message in session:
        assert main(shlex.split(command)[1:]) == 2
        assert capsys.readouterr().err.strip() == message


# -- docs/schedules/: a page per family -------------------------------------------------------


SCHEDULE_PAGES = {family: DOCS / "schedules" / f"{family}.md" for family in FAMILIES}


def _sections(text: str) -> dict[str, str]:
    """A page's ``## `` sections by title."""
    parts = re.split(r"^## (.+)$", text, flags=re.M)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts), 2)}


@pytest.mark.parametrize("family", FAMILIES)
def test_each_schedule_has_its_section(family: str) -> None:
    """For each schedule of the family: a section with the formula, the arguments (a table
    naming each of them), the picture the gallery draws of it, a Python example, where it
    comes from, and how it differs from torch or the peers."""
    import dataclasses

    from lrkit import gallery

    sections = _sections(SCHEDULE_PAGES[family].read_text(encoding="utf-8"))
    drawn = {e.name for e in gallery.ENTRIES if e.family == family}
    for name in FAMILIES[family]:
        assert name in sections, (family, name)
        body = sections[name]
        assert re.search(r"^\$\$\n.+?\n\$\$$", body, re.M | re.S), (name, "formula")
        fields = [f.name for f in dataclasses.fields(getattr(lrkit, name)) if f.init]
        for field in fields:
            assert re.search(rf"^\| `[^|]*\b{field}\b[^|]*` \|", body, re.M), (name, field)
        pictures = re.findall(r"!\[[^]]+\]\(\.\./gallery/([^)]+)\.png\)", body)
        assert pictures and set(pictures) <= drawn, (name, pictures)
        assert "```python\n" in body, (name, "example")
        assert re.search(r"^From: ", body, re.M), (name, "source")
        assert re.search(r"^Versus torch", body, re.M), (name, "versus torch")


def test_the_index_lists_every_family_and_links_torchs_schedulers_to_the_gallery() -> None:
    import torch

    text = (DOCS / "schedules" / "index.md").read_text(encoding="utf-8")
    for family in FAMILIES:
        assert f"({family}.md)" in text, family
    torch_names = [n for n in torch.optim.lr_scheduler.__all__
                   if n != "LRScheduler" and isinstance(getattr(torch.optim.lr_scheduler, n), type)]  # fmt: skip
    assert len(torch_names) == 15
    rows = re.findall(r"^\| \[(\w+)\]\(\.\./gallery\.md#(\w+)\) \|", text, re.M)
    assert sorted(rows) == sorted((n, n.lower()) for n in torch_names)
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for page in ("index", *FAMILIES):
        assert f"schedules/{page}.md" in nav, page


def test_the_schedule_pages_show_their_pictures_and_math(site: Path) -> None:
    for page in ("index", *FAMILIES):
        built = site / "schedules" / ("" if page == "index" else page) / "index.html"
        html = built.read_text(encoding="utf-8")
        for src in re.findall(r'<img[^>]* src="([^"]+)"', html):
            assert (built.parent / src).resolve().exists(), (page, src)
        if page != "index":
            assert '<div class="arithmatex">' in html, page
            assert "$$" not in html, page  # every formula went to MathJax


def _comments(source: str) -> dict[int, str]:
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return {t.start[0]: t.string[1:].strip() for t in tokens if t.type == tokenize.COMMENT}


def _stated(comment: str) -> tuple[bool, Any]:
    """Whether ``comment`` starts with a Python literal (then ``:``, ``;`` or its end), and it."""
    for end in range(len(comment), 0, -1):
        if end < len(comment) and comment[end] not in ":;":
            continue
        try:
            return True, ast.literal_eval(comment[:end].strip())
        except (ValueError, SyntaxError):
            continue
    return False, None


def _types(value: Any) -> list[type]:
    return [type(v) for v in value] if isinstance(value, tuple) else [type(value)]


@pytest.mark.parametrize("page", ["index", *FAMILIES])
def test_schedule_page_examples_run_and_give_the_values_they_state(page: str) -> None:
    """A page's blocks run in order in one namespace, statement by statement; every comment
    states the value of its statement (a literal, compared exactly, of the same type), and
    every block states at least one."""
    text = (DOCS / "schedules" / f"{page}.md").read_text(encoding="utf-8")
    blocks = [textwrap.dedent(m) for m in re.findall(r"^```python\n(.*?)^```", text, re.S | re.M)]
    assert blocks or page == "index"
    ns: dict[str, Any] = {"__name__": "__example__"}
    for number, source in enumerate(blocks, start=1):
        where = f"docs/schedules/{page}.md, block {number}"
        comments = _comments(source)
        tree = ast.parse(source)
        checked = 0
        for node in tree.body:
            assert node.end_lineno is not None
            stated = [comments[i] for i in range(node.lineno, node.end_lineno + 1) if i in comments]
            if isinstance(node, ast.Expr):
                value = eval(compile(ast.Expression(node.value), where, "eval"), ns)
            else:
                exec(compile(ast.Module([node], []), where, "exec"), ns)
                value = None
            for comment in stated:
                ok, literal = _stated(comment)
                assert ok, f"{where}: the comment # {comment} states no value"
                assert isinstance(node, ast.Expr), f"{where}: # {comment} on a statement"
                assert value == literal, f"{where}: {ast.unparse(node)} gave {value!r}"
                assert _types(value) == _types(literal), f"{where}: {value!r} (types)"
                checked += 1
        assert checked >= 1, f"{where} states no value"
