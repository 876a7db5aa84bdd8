"""mkdocs hook: the site's formulas become MathML when the site is built, with their font.

pymdownx.arithmatex (generic mode) leaves each formula as TeX in ``<div class="arithmatex">\\[
... \\]</div>`` (display) or ``<span class="arithmatex">\\( ... \\)</span>`` (inline), for a
script to typeset in the browser. This hook converts them instead, at build time, with
latex2mathml (pure Python, from PyPI): the built pages carry MathML, which browsers draw
themselves, so no script and no network is needed to show a formula. Each ``<math>`` keeps
its TeX in ``alttext`` (as LaTeXML does), out of the search index's text.

Browsers stretch braces, brackets and roots only with an OpenType MATH font, which not every
system has, so the site carries one: STIX Two Math (SIL Open Font License 1.1), shipped by
the ziamath package on PyPI, cut by fontTools down to the characters the formulas use (and
the math italic letters and stretched variants a browser draws them with), and written after
the build as ``_ext/math-font.css``, a ``@font-face`` whose font is a ``data:`` URL: it
loads wherever the page does, from a server or straight from the files (``file://``, where
some browsers refuse a font file from another folder). latex2mathml, ziamath and fontTools
are in the ``docs`` and ``test`` extras of pyproject.toml.

A formula latex2mathml cannot convert, or writes back with a TeX command it does not know,
is reported as a warning (which fails a ``--strict`` build), naming the page and the formula.
"""

from __future__ import annotations

import base64
import html
import importlib.util
import io
import logging
import re
from pathlib import Path
from typing import Any

from latex2mathml.converter import convert

log = logging.getLogger("mkdocs.plugins.lrkit.mathml")

#: The stylesheet written after the build (mkdocs.yml lists it in extra_css).
FONT_CSS = "_ext/math-font.css"
#: The font's family name in the stylesheets.
FAMILY = "lrkit STIX Two Math"
#: The math italic letters (A-Z, a-z, Greek) browsers draw a one-letter <mi> with, and the
#: italic h (U+210E) and dotless i, j they use as well.
ITALIC = {*range(0x1D434, 0x1D49C), *range(0x1D6E2, 0x1D71C), 0x210E, 0x1D6A4, 0x1D6A5}

#: arithmatex's generic output: the element, then the TeX between its delimiters.
_FORMULA = re.compile(
    r'<(?P<tag>div|span) class="arithmatex">\s*'
    r"(?:\\\[(?P<block>.*?)\\\]|\\\((?P<inline>.*?)\\\))"
    r"\s*</(?P=tag)>",
    re.S,
)
_MATH = re.compile(r"^(<math\b[^>]*>)(.*)(</math>)$", re.S)
_MTEXT = re.compile(r"<mtext>.*?</mtext>", re.S)
_ESCAPED = re.compile(r"\\([_%&#$])")

#: The characters of every formula built so far (for the font's cut).
_used: set[str] = set()


def to_mathml(tex: str, *, block: bool) -> str:
    """``tex`` (a formula without delimiters, as plain text) as one ``<math>`` element."""
    converted = convert(tex.strip(), display="block" if block else "inline")
    match = _MATH.match(converted)
    if match is None:  # latex2mathml answers one <math> element
        raise ValueError(f"latex2mathml gave no <math> element: {converted[:80]!r}")
    start, body, end = match.groups()
    # In \text{...} latex2mathml keeps TeX's escaped characters escaped: div\_factor.
    body = _MTEXT.sub(lambda m: _ESCAPED.sub(lambda c: html.escape(c[1]), m[0]), body)
    unknown = sorted(set(re.findall(r"\\[A-Za-z]+|\\.", body)))
    if unknown:  # latex2mathml writes a command it does not know as text: raw TeX on the page
        raise ValueError(f"latex2mathml does not know {', '.join(unknown)}")
    alt = html.escape(" ".join(tex.split()), quote=True)
    return f'{start[:-1]} alttext="{alt}">{body}{end}'


def characters(mathml: str) -> set[str]:
    """The characters a ``<math>`` element shows."""
    return set(html.unescape(re.sub(r"<[^>]*>", "", mathml)))


def font_file() -> Path:
    """STIX Two Math, as the ziamath package ships it."""
    spec = importlib.util.find_spec("ziamath")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("ziamath is not installed: pip install -e '.[docs]'")
    font = Path(next(iter(spec.submodule_search_locations))) / "fonts" / "STIXTwoMath-Regular.ttf"
    if not font.is_file():
        raise FileNotFoundError(f"ziamath ships no {font.name} (looked at {font})")
    return font


def font_css(used: set[str]) -> str:
    """The ``@font-face`` rule of the math font cut down to ``used``, as a data: URL."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = TTFont(str(font_file()), recalcTimestamp=False)  # the same bytes every build
    cutter = subset.Subsetter(options)
    cutter.populate(unicodes={ord(c) for c in used} | ITALIC | set(range(0x20, 0x7F)))
    cutter.subset(font)  # keeps the MATH table, closed over the glyphs' stretched variants
    font.flavor = "woff"
    data = io.BytesIO()
    font.save(data)
    encoded = base64.b64encode(data.getvalue()).decode("ascii")
    return (
        "/* Written by docs/_ext/mathml.py: STIX Two Math (SIL Open Font License 1.1,\n"
        "   https://www.stixfonts.org), cut down to the characters of the site's formulas. */\n"
        f'@font-face {{\n  font-family: "{FAMILY}";\n'
        f'  src: url("data:font/woff;base64,{encoded}") format("woff");\n'
        "  font-display: swap;\n}\n"
    )


def on_config(config: Any, **_: Any) -> Any:
    """A new build (``mkdocs serve`` builds again on every change): no character used yet."""
    _used.clear()
    font_file()  # fail early when ziamath is missing
    return config


def on_page_content(html_text: str, page: Any, **_: Any) -> str:
    """Replace every arithmatex formula of a page by its MathML."""

    def replace(match: re.Match[str]) -> str:
        block = match["block"] is not None
        tex = html.unescape(match["block"] if block else match["inline"])
        try:
            mathml = to_mathml(tex, block=block)
        except Exception as error:  # latex2mathml raises several exception types
            log.warning(
                "%s: cannot convert the formula %r to MathML: %s", page.file.src_uri, tex, error
            )
            return match[0]
        _used.update(characters(mathml))
        return f'<{match["tag"]} class="arithmatex">{mathml}</{match["tag"]}>'

    return _FORMULA.sub(replace, html_text)


def on_post_build(config: Any, **_: Any) -> None:
    """Write the math font's stylesheet, cut to the characters of this build's formulas."""
    target = Path(config["site_dir"]) / FONT_CSS
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(font_css(_used), encoding="utf-8")
