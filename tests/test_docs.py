"""The documentation site: built by mkdocs in strict mode, and its examples run.

The build runs on a copy of mkdocs.yml, docs/ and src/ in a temporary folder. Pages that
other parts of the project write (docs/torch-compat.md, docs/benchmarks.md) get a one-line
stand-in there if they are missing, so that this test checks this part of the site alone.
The command lines in docs/cli.md are run through ``lrkit.cli.main`` and the outputs it
shows are compared with what the commands print. The Python examples of every page (and of
README.md) run in tests/test_examples.py, which checks the values they state.
"""

from __future__ import annotations

import importlib.util
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import matplotlib
import pytest

import lrkit
from lrkit.cli import main

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
OTHERS = ("torch-compat.md", "benchmarks.md")  # pages written by other parts of the project
SCHEDULES = [
    "StepLR", "MultiStepLR", "ConstantLR", "LinearLR", "ExponentialLR", "PolynomialLR",
    "CosineAnnealingLR", "CosineAnnealingWarmRestarts", "CyclicLR", "OneCycleLR", "Momentum",
    "LambdaLR", "MultiplicativeLR", "SequentialLR", "ChainedScheduler",
]  # fmt: skip


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
    for page in OTHERS:
        if not (work / "docs" / page).exists():
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
                 "api/index.html", "torch-compat/index.html", "benchmarks/index.html"):  # fmt: skip
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
    for name in SCHEDULES:
        assert f'id="lrkit.{name}"' in page, name
        cls = getattr(lrkit, name)
        first = (cls.__doc__ or "").strip().splitlines()[0].replace("``", "")
        assert first[:40] in text.replace("&#39;", "'").replace("&gt;", ">"), name
    assert 'id="lrkit.plot.plot"' in page and 'id="lrkit.preview.preview"' in page
    # Signatures and defaults of the dataclass schedules, and doctests as code blocks.
    assert "StepLR(lr, step_size, gamma=0.1)" in " ".join(text.split())
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
