"""mkdocs hook: the site's formulas become MathML when the site is built, with their font.

pymdownx.arithmatex (generic mode) leaves each formula as TeX in ``<div class="arithmatex">\\[
... \\]</div>`` (display) or ``<span class="arithmatex">\\( ... \\)</span>`` (inline), for a
script to typeset in the browser. This hook converts them instead, at build time, with
latex2mathml (pure Python, from PyPI): the built pages carry MathML, which browsers draw
themselves, so no script and no network is needed to show a formula. Each ``<math>`` keeps
its TeX in ``alttext`` (as LaTeXML does), out of the search index's text.

Browsers stretch braces, brackets and roots only with an OpenType MATH font, which not every
system has; the site serves one of its own: STIX Two Math (SIL Open Font License), from the
ziamath package on PyPI, copied to ``_ext/STIXTwoMath-Regular.ttf`` beside ``_ext/math.css``
that declares it. Both packages are in the ``docs`` and ``test`` extras of pyproject.toml.

A formula latex2mathml cannot convert is reported as a warning (which fails a ``--strict``
build), naming the page and the formula.
"""

from __future__ import annotations

import html
import importlib.util
import logging
import re
from pathlib import Path
from typing import Any

from latex2mathml.converter import convert
from mkdocs.structure.files import File, Files

log = logging.getLogger("mkdocs.plugins.lrkit.mathml")

#: Where the math font goes in the site (math.css refers to it by this name).
FONT = "_ext/STIXTwoMath-Regular.ttf"

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


def _font_file() -> Path:
    spec = importlib.util.find_spec("ziamath")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("ziamath is not installed: pip install -e '.[docs]'")
    font = Path(next(iter(spec.submodule_search_locations))) / "fonts" / Path(FONT).name
    if not font.is_file():
        raise FileNotFoundError(f"ziamath ships no {font.name} (looked at {font})")
    return font


def on_files(files: Files, config: Any, **_: Any) -> Files:
    """Add the math font to the site's files."""
    files.append(File.generated(config, FONT, abs_src_path=str(_font_file())))
    return files


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
        return f'<{match["tag"]} class="arithmatex">{mathml}</{match["tag"]}>'

    return _FORMULA.sub(replace, html_text)
