"""The documentation site: built by mkdocs in strict mode, and its examples run.

The build runs on a copy of mkdocs.yml, docs/ and src/ in a temporary folder. Pages that
other parts of the project write (docs/torch-compat.md, docs/benchmarks.md,
docs/driving-torch.md) get a one-line stand-in there if the nav lists them but they are
missing, so that this test checks this part of the site alone. The command lines in
docs/cli.md are run through ``lrkit.cli.main`` and the outputs it shows are compared with
what the commands print. The Python examples of docs/*.md (and of README.md) run in
tests/test_examples.py, which checks the values they state; those of the family pages,
docs/schedules/*.md, and of the peers' pages, docs/dialects/*.md, run here, with the same rule: a comment that starts with a Python
literal states the value of its statement, exactly.
"""

from __future__ import annotations

import ast
import base64
import importlib.util
import io
import re
import shlex
import shutil
import subprocess
import sys
import textwrap
import tokenize
from html import unescape
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
    wanted = ("mkdocs", "material", "mkdocstrings", "mkdocstrings_handlers.python",
              "latex2mathml", "ziamath", "fontTools")  # fmt: skip
    return [name for name in wanted if importlib.util.find_spec(name.split(".")[0]) is None
            or (name == "mkdocstrings_handlers.python" and importlib.util.find_spec(name) is None)]  # fmt: skip


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    missing = _missing_tools()
    if missing:
        pytest.skip(f"the docs tools are not installed ({', '.join(missing)} missing): "
                    "pip install -e '.[docs]'")  # fmt: skip
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
            assert '<div class="arithmatex"><math ' in html, page
            assert "$$" not in html, page  # every formula went to MathML


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


#: The peers' pages (docs/dialects/), whose examples run like the family pages'.
DIALECT_PAGES = sorted(p.stem for p in (DOCS / "dialects").glob("*.md"))


@pytest.mark.parametrize(
    "page",
    [
        "schedules/index",
        *(f"schedules/{family}" for family in FAMILIES),
        *(f"dialects/{peer}" for peer in DIALECT_PAGES),
    ],
)
def test_schedule_page_examples_run_and_give_the_values_they_state(
    page: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page's blocks run in order in one namespace, statement by statement; every comment
    states the value of its statement (a literal, compared exactly, of the same type), and
    every block states at least one."""
    if page == "dialects/keras" and "keras" not in sys.modules:
        monkeypatch.setenv("KERAS_BACKEND", "numpy")  # as tests/test_dialect_keras.py
    text = (DOCS / f"{page}.md").read_text(encoding="utf-8")
    blocks = [textwrap.dedent(m) for m in re.findall(r"^```python\n(.*?)^```", text, re.S | re.M)]
    assert blocks or page == "schedules/index"
    ns: dict[str, Any] = {"__name__": "__example__"}
    for number, source in enumerate(blocks, start=1):
        where = f"docs/{page}.md, block {number}"
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


# -- The site works offline: nothing loaded from the network (issue 12) -----------------------


#: ``<link rel=...>`` kinds that name another page rather than load something into this one.
_PAGE_LINKS = {"canonical", "alternate", "next", "prev", "author", "license", "help"}
#: Attributes through which a browser loads something into the page, by element.
_LOADED = {
    "script": ("src",), "img": ("src", "srcset"), "source": ("src", "srcset"),
    "iframe": ("src",), "frame": ("src",), "embed": ("src",), "object": ("data",),
    "video": ("src", "poster"), "audio": ("src",), "track": ("src",), "input": ("src",),
    "image": ("href", "xlink:href"), "use": ("href", "xlink:href"),
}  # fmt: skip
_CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)|@import\s+(['"])(.*?)\3""", re.S)


def _remote(url: str) -> bool:
    """Whether loading ``url`` would reach the network (not a file of the site)."""
    url = url.strip().lower()
    return bool(re.match(r"(?:[a-z][a-z0-9+.-]*:)?//", url)) and not url.startswith("file:")


def _loads(html: str) -> tuple[list[tuple[str, str]], list[str]]:
    """What a page loads: (element, url) pairs, and its inline styles and scripts."""
    from html.parser import HTMLParser

    loads: list[tuple[str, str]] = []
    inline: list[str] = []

    class Parser(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.inside: str | None = None

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            values = {k: v or "" for k, v in attrs}
            if tag == "link":
                rels = set(values.get("rel", "").lower().split())
                if not rels <= _PAGE_LINKS or not rels:
                    loads.append((f"link rel={values.get('rel')}", values.get("href", "")))
            for attribute in _LOADED.get(tag, ()):
                for url in values.get(attribute, "").split(","):
                    if url.strip():
                        loads.append((tag, url.strip().split(" ")[0]))
            if values.get("style"):
                inline.append(values["style"])
            self.inside = tag if tag in ("style", "script") else None

        def handle_data(self, data: str) -> None:
            if self.inside:
                inline.append(data)

        def handle_endtag(self, tag: str) -> None:
            self.inside = None

    Parser().feed(html)
    return loads, inline


def test_no_page_loads_a_script_style_or_font_from_the_network(site: Path) -> None:
    """Every page of the built site, and every stylesheet, loads only files of the site:
    no CDN script (MathJax was one), no web font (mkdocs-material's Google Fonts unless
    ``theme.font: false``), no remote picture. Plain hyperlinks (``<a href>``) may point
    anywhere."""
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 15
    remote: list[str] = []
    for page in pages:
        html = page.read_text(encoding="utf-8")
        loads, inline = _loads(html)
        assert any(kind.startswith("link rel=stylesheet") for kind, _ in loads), page
        for kind, url in loads:
            if _remote(url):
                remote.append(f"{page.relative_to(site)}: <{kind}> {url}")
            elif not url.startswith(("data:", "#")):
                local = url.split("#")[0].split("?")[0]  # 404.html names files from the root
                target = site / local.lstrip("/") if local.startswith("/") else page.parent / local
                assert target.is_file(), (page.relative_to(site), kind, url)
        for text in inline:
            for url in re.findall(r"""https?://[^\s"'<>)]+""", text):
                remote.append(f"{page.relative_to(site)}: inline style or script {url}")
        # mkdocs-material's bundle fetches from the network for these two only: mermaid
        # diagrams (from a CDN) and a repository's facts (with repo_url set).
        assert 'class="mermaid"' not in html, page
        assert 'class="md-source"' not in html, page
    for sheet in sorted(site.rglob("*.css")):
        for match in _CSS_URL.finditer(sheet.read_text(encoding="utf-8")):
            url = match[2] if match[2] is not None else match[4]
            if url.startswith("data:"):
                continue
            if _remote(url):
                remote.append(f"{sheet.relative_to(site)}: {url}")
            else:
                assert (sheet.parent / url.split("#")[0].split("?")[0]).is_file(), (sheet, url)
    assert remote == []


def test_the_network_check_sees_what_a_page_could_load() -> None:
    page = """<html><head>
      <link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto">
      <link rel="preconnect" href="https://fonts.gstatic.com" crossorigin>
      <link rel="canonical" href="https://example.org/lrkit/">
      <script src="https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-mml-chtml.js"></script>
      <script src="../assets/local.js"></script>
      <style>@import "//cdn.example/x.css";</style>
    </head><body><a href="https://pytorch.org">torch</a>
      <img srcset="a.png 1x, http://example.org/b.png 2x" src="a.png">
    </body></html>"""
    loads, inline = _loads(page)
    remote = [url for _, url in loads if _remote(url)]
    assert remote == ["https://fonts.googleapis.com/css?family=Roboto",
                      "https://fonts.gstatic.com",
                      "https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-mml-chtml.js",
                      "http://example.org/b.png"]  # fmt: skip
    assert ("script", "../assets/local.js") in loads
    imports = [m[4] for text in inline for m in _CSS_URL.finditer(text)]
    assert imports == ["//cdn.example/x.css"] and _remote(imports[0])


def _tex_blocks(markdown: str) -> list[str]:
    return [b.strip() for b in re.findall(r"^\$\$\n(.+?)\n\$\$$", markdown, re.M | re.S)]


def test_formulas_are_mathml_drawn_with_the_sites_own_font(site: Path) -> None:
    """The formulas are MathML written at build time, each keeping its TeX as its alttext;
    the page links _ext/math-font.css, which carries the math font inside it (a data: URL,
    so that it loads from file:// too), and _ext/math.css, which sets it on formulas."""
    tex = _tex_blocks((DOCS / "schedules" / "decay.md").read_text(encoding="utf-8"))
    assert len(tex) >= 10
    page = site / "schedules" / "decay" / "index.html"
    html = page.read_text(encoding="utf-8")
    blocks = re.findall(r'<div class="arithmatex"><math ([^>]*)>(.*?)</math></div>', html, re.S)
    assert all('display="block"' in attributes for attributes, _ in blocks)
    notes = [unescape(re.findall(r'alttext="([^"]*)"', attributes)[0]) for attributes, _ in blocks]
    assert notes == [" ".join(t.split()) for t in tex]
    blocks = [body for _, body in blocks]
    assert all("<mfrac>" in b or "<msub>" in b for b in blocks)
    assert '<span class="arithmatex"><math ' in html  # inline formulas too
    for built in site.rglob("*.html"):  # no TeX left for a script to typeset
        text = built.read_text(encoding="utf-8")
        assert not re.search(r'class="arithmatex">\s*\\[\[(]', text), built
        assert "mathjax" not in text.lower(), built
    sheets = re.findall(r'<link rel="stylesheet" href="([^"]*_ext/math[\w-]*\.css)"', html)
    assert sheets == ["../../_ext/math-font.css", "../../_ext/math.css"]
    style = (page.parent / sheets[1]).read_text(encoding="utf-8")
    assert re.search(r'\.md-typeset math \{\s*font-family: "lrkit STIX Two Math"', style)
    fonts = re.findall(r'font-family: "lrkit STIX Two Math";\s*src: url\("data:font/woff;base64,'
                       r'([A-Za-z0-9+/=]+)"\) format\("woff"\)',
                       (page.parent / sheets[0]).read_text(encoding="utf-8"))  # fmt: skip
    assert len(fonts) == 1
    _the_font_draws_every_formula(site, base64.b64decode(fonts[0]))
    assert not (site / "_ext" / "mathml.py").exists()


def _the_font_draws_every_formula(site: Path, data: bytes) -> None:
    """The font carried by the site has an OpenType MATH table and a glyph for every
    character of every formula of the site, and for the math italic of each letter."""
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(data))
    assert font.flavor == "woff" and "MATH" in font
    assert font["name"].getDebugName(1) == "STIX Two Math"
    cmap = font.getBestCmap()
    used: set[str] = set()
    for built in site.rglob("*.html"):
        for math in re.findall(
            r"<math\b[^>]*>(.*?)</math>", built.read_text(encoding="utf-8"), re.S
        ):
            used |= set(unescape(re.sub(r"<[^>]*>", "", math)))
    assert {"η", "⌊", "∑", "≤", "a", "T", "0"} <= used
    assert sorted(c for c in used if ord(c) not in cmap and not c.isspace()) == []
    for letter in "aztAZ":  # math italic: U+1D44E a, U+210E h, U+1D434 A
        italic = 0x1D44E + ord(letter) - 97 if letter.islower() else 0x1D434 + ord(letter) - 65
        assert italic in cmap, letter
    assert 0x1D702 in cmap  # italic eta
    # The stretched braces and brackets: the MATH table's variants of "{" are in the font.
    construction = font["MATH"].table.MathVariants.VertGlyphConstruction
    coverage = font["MATH"].table.MathVariants.VertGlyphCoverage.glyphs
    brace = cmap[ord("{")]
    assert brace in coverage
    assert construction[coverage.index(brace)].VariantCount >= 2
    assert len(data) < 300_000  # cut down from the 1.5 MB of the whole font


def test_a_formula_the_hook_cannot_convert_fails_the_strict_build(tmp_path: Path) -> None:
    """A formula latex2mathml cannot read, or writes back as raw TeX, is a build warning
    naming the page, so ``mkdocs build --strict`` fails rather than shipping raw TeX."""
    if _missing_tools():
        pytest.skip("the docs tools are not installed: pip install -e '.[docs]'")
    (tmp_path / "docs" / "_ext").mkdir(parents=True)
    shutil.copy(DOCS / "_ext" / "mathml.py", tmp_path / "docs" / "_ext")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: t\nstrict: true\nexclude_docs: '*.py'\nhooks: [docs/_ext/mathml.py]\n"
        "markdown_extensions:\n  - pymdownx.arithmatex:\n      generic: true\n"
    )
    results = {}
    for name, formula in [("good", r"\eta_t = \frac{1}{2}"), ("unbalanced", r"\left( a"),
                          ("unknown", r"\notacommand{x}")]:  # fmt: skip
        (tmp_path / "docs" / "index.md").write_text(f"# t\n\n$$\n{formula}\n$$\n")
        results[name] = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / name)],
            cwd=tmp_path, capture_output=True, text=True, check=False, timeout=120,
            env={"PATH": "", "NO_MKDOCS_2_WARNING": "1", "HOME": str(tmp_path)},
        )  # fmt: skip
    assert results["good"].returncode == 0, results["good"].stderr
    assert "<math " in (tmp_path / "good" / "index.html").read_text(encoding="utf-8")
    assert "@font-face" in (tmp_path / "good" / "_ext" / "math-font.css").read_text()
    for name in ("unbalanced", "unknown"):
        assert results[name].returncode != 0, name
        assert "index.md: cannot convert the formula" in results[name].stderr, name
    assert r"\notacommand" in results["unknown"].stderr


# -- Installing: from a checkout until lrkit is published (issue 12) --------------------------


_PROSE = [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]
#: A pip command that installs the project by name (from an index), extras or not.
_BY_NAME = re.compile(r"""pip3? install(?:\s+-\S+)*\s+(["']?)lrkit(\[[^\]]*\])?\1(?=[\s`;&|)]|$)""",
                      re.M)  # fmt: skip


def test_no_page_says_pip_install_lrkit() -> None:
    """``pip install lrkit`` would install whatever holds that name on PyPI: lrkit is not
    published there."""
    said = [f"{page.relative_to(ROOT)}: {m[0]}" for page in _PROSE
            for m in _BY_NAME.finditer(page.read_text(encoding="utf-8"))]  # fmt: skip
    assert said == []
    assert _BY_NAME.search("pip install lrkit\n") and _BY_NAME.search('pip install "lrkit[plot]"')
    assert not _BY_NAME.search('pip install -e ".[plot]"') and not _BY_NAME.search(
        "pip install ./lrkit"
    )


def test_the_install_lines_install_from_a_checkout() -> None:
    """The install sections of the home page and the README install from a checkout (``.``
    or a path), and the home page says plainly that lrkit is not on PyPI yet."""
    for page in (DOCS / "index.md", ROOT / "README.md"):
        text = page.read_text(encoding="utf-8")
        lines = [line for block in _blocks(text, "sh") for line in block.splitlines()
                 if line.startswith("pip install")]  # fmt: skip
        assert lines, page
        for line in lines:
            assert not _BY_NAME.search(line), line
            target = shlex.split(line.split("&&")[0].split("  #")[0])[-1]
            assert target == "." or target.startswith((".[", "./", "../", "/")), line
    index = " ".join((DOCS / "index.md").read_text(encoding="utf-8").split())
    assert "not published on PyPI" in index


# -- The tests read nothing outside the repository (issue 12) ---------------------------------


#: Paths of a machine rather than of the repository: absolute folders, home, a shared/ folder.
_OUTSIDE = re.compile(r"(?<![\w.:/])(?:/(?:work|home|root|tmp|opt|usr|etc|mnt|srv|data|var|Users)"
                      r"/|[~]/|(?:\.\./)+shared\b|\bshared/seed\b)")  # fmt: skip
#: Climbing above the repository from a test file (tests/x.py -> tests -> the repository).
_CLIMB = re.compile(r"__file__\)(?:\.resolve\(\))?(?:\.parent){3}|\bROOT\.parent\b"
                    r"|\bROOT\s*/\s*['\"]\.\.|\.parents\[[2-9]\]")  # fmt: skip
#: Reading the user's home folder (written in two pieces so that this file does not match).
_HOME = ("expand" + "user(", "Path." + "home()")


def test_the_tests_read_nothing_outside_the_repository() -> None:
    """No test names a file of the machine outside the repository, in code or docstrings,
    nor climbs above the repository's folder: a clone runs every test the same. (The seed
    tutorial lrkit started from is quoted in the tests where they check it, never read.)"""
    found = []
    for path in sorted((ROOT / "tests").glob("*.py")):
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found += [
                    f"{path.name}:{node.lineno}: {m[0]}" for m in _OUTSIDE.finditer(node.value)
                ]
        for number, line in enumerate(source.splitlines(), start=1):
            if _CLIMB.search(line) or any(home in line for home in _HOME):
                found.append(f"{path.name}:{number}: {line.strip()}")
    assert found == []
    machine = "/" + "work/shared/seed/tutorial.md"  # in pieces, so that this file does not match
    assert _OUTSIDE.search(f"({machine})") and _OUTSIDE.search(".." + "/shared/x")
    assert not _OUTSIDE.search("![StepLR](../pictures/StepLR.png)")
    assert _CLIMB.search("Path(__file__).resolve().parent.parent" + ".parent / 'shared'")
    assert not _CLIMB.search("ROOT = Path(__file__).resolve().parent.parent")
