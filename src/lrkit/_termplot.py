"""Draw a curve with text characters, for ``lrkit show`` (no display, no matplotlib).

The plot area is a grid of dots; each character cell holds several of them: 2 x 4 in
Unicode braille (the finest), 1 x 2 with block characters, 1 x 1 in plain ASCII. Every
dot column shows the range of values that fall in it and is joined to its neighbour,
so drops (StepLR) are drawn as vertical strokes and sparse curves as lines.

>>> lines = render([0.0, 1.0, 2.0], [0.3, 0.2, 0.1], width=60, height=3, chars="ascii")
>>> print("\\n".join(line.rstrip() for line in lines))
0.3 +***************
0.2 +              ****************************
0.1 +                                         **************
    `-------------------------------------------------------
     0                         step                        2
min 0.1 at step 2   max 0.3 at step 0   final 0.1 at step 2
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["CHARSETS", "render", "summary", "ticks"]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class _Charset:
    cell_width: int
    cell_height: int
    tick: str  # the y axis where a value is labelled
    axis: str  # the y axis elsewhere
    corner: str
    rule: str

    def glyph(self, dots: Sequence[tuple[int, int]]) -> str:
        """The character for the set (column, row) of dots lit in one cell."""
        raise NotImplementedError

    def glyphs(self, lit: npt.NDArray[np.bool_]) -> list[str]:
        """The text rows for a grid of dots (``cell_height`` dot rows a text row).

        Each cell's lit dots make a number (dot (column, row) is bit ``row * cell_width +
        column``) that picks its character from a table of :meth:`glyph` s: the work is
        done by numpy, whatever the size of the grid.
        """
        rows, columns = lit.shape
        height, width = rows // self.cell_height, columns // self.cell_width
        cells = lit.reshape(height, self.cell_height, width, self.cell_width)
        codes = np.zeros((height, width), dtype=np.int64)
        for dy in range(self.cell_height):
            for dx in range(self.cell_width):
                codes |= cells[:, dy, :, dx].astype(np.int64) << (dy * self.cell_width + dx)
        dots = [(dx, dy) for dy in range(self.cell_height) for dx in range(self.cell_width)]
        table = np.array(
            [
                self.glyph([dot for bit, dot in enumerate(dots) if code >> bit & 1])
                for code in range(1 << len(dots))
            ],
            dtype=object,
        )
        return ["".join(row) for row in table[codes].tolist()]


#: Unicode braille: dot (column, row) -> its bit in U+2800 + bits.
_BRAILLE_BITS = {(0, 0): 0x01, (0, 1): 0x02, (0, 2): 0x04, (0, 3): 0x40,
                 (1, 0): 0x08, (1, 1): 0x10, (1, 2): 0x20, (1, 3): 0x80}  # fmt: skip


class _Braille(_Charset):
    def glyph(self, dots: Sequence[tuple[int, int]]) -> str:
        bits = 0
        for dot in dots:
            bits |= _BRAILLE_BITS[dot]
        return chr(0x2800 + bits) if bits else " "


class _Blocks(_Charset):
    def glyph(self, dots: Sequence[tuple[int, int]]) -> str:
        rows = {row for _, row in dots}
        return {frozenset(): " ", frozenset({0}): "▀", frozenset({1}): "▄"}.get(
            frozenset(rows), "█"
        )


class _Ascii(_Charset):
    def glyph(self, dots: Sequence[tuple[int, int]]) -> str:
        return "*" if dots else " "


#: The character sets ``render`` knows.
CHARSETS: dict[str, _Charset] = {
    "braille": _Braille(2, 4, "┤", "│", "└", "─"),
    "block": _Blocks(1, 2, "┤", "│", "└", "─"),
    "ascii": _Ascii(1, 1, "+", "|", "`", "-"),
}


def _fmt(value: float) -> str:
    return f"{value:.4g}"


#: The steps between ticks, times a power of ten: round numbers to read.
_NICE = (1, 2, 5)


def _decimal(mantissa: int, exponent: int) -> float:
    """The float nearest ``mantissa * 10**exponent`` (exactly rounded, unlike a product)."""
    return float(f"{mantissa}e{exponent}")


def _tick_text(value: float, exponent: int) -> str:
    """A tick value on a grid of ``10**exponent``: its digits down to that, no more."""
    if value == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(value)))
    digits = max(1, magnitude - exponent + 1)
    if 0 <= magnitude < 6:  # 150000, not 1.5e+05
        digits = max(digits, magnitude + 1)
    return f"{value:.{digits}g}"


def _linear_ticks(low: float, high: float, most: int, slack: float) -> list[tuple[float, str]]:
    """Round values from ``low - slack`` to ``high + slack``, at most ``most`` of them: the
    multiples of the smallest step of 1, 2 or 5 times a power of ten that gives no more."""
    span = high - low
    if not 0 < span < math.inf:
        return []  # beyond float64 (-1e308 to 1e308): no round numbers to find
    slack += span * 1e-9  # a value at an end, give or take rounding
    exponent = math.floor(math.log10(span) - math.log10(most)) - 1
    while True:
        for mantissa in _NICE:
            step = _decimal(mantissa, exponent)
            if step == 0:  # below the smallest float
                continue
            first = math.ceil((low - slack) / step)
            last = math.floor((high + slack) / step)
            if last - first + 1 <= most:
                values = [_decimal(k * mantissa, exponent) for k in range(first, last + 1)]
                return [(v, _tick_text(v, exponent)) for v in values]
        exponent += 1


def ticks(
    low: float, high: float, *, most: int = 5, log: bool = False, slack: float = 0.0
) -> list[tuple[float, str]]:
    """Labels for a y axis from ``low`` to ``high`` (``low < high``): ``(position, text)``
    pairs at round values, at most ``most`` of them, ``slack`` beyond the ends allowed.

    On a log axis positions, ``low``, ``high`` and ``slack`` are base-10 logarithms; an
    axis of a decade or more is labelled at powers of ten (every 1, 2, 5, 10, ... decades).

    >>> ticks(0.0, 0.1, most=4)
    [(0.0, '0'), (0.05, '0.05'), (0.1, '0.1')]
    >>> ticks(-5.0, -1.0, log=True, most=3)
    [(-5, '1e-05'), (-3, '0.001'), (-1, '0.1')]
    """
    if not low < high or most < 1:
        raise ValueError(f"ticks need low < high and most >= 1, got {low}, {high}, {most}")
    if not log:
        return _linear_ticks(low, high, most, slack)
    if high - low < 1.0:  # less than a decade: round values, placed by their logarithms
        values = _linear_ticks(10.0 ** (low - slack), 10.0 ** (high + slack), most, 0.0)
        return [(math.log10(v), text) for v, text in values if v > 0]
    first = math.ceil(low - slack)
    last = math.floor(high + slack)
    every = 1
    while (last - first) // every + 1 > most:
        every = next(n * 10**e for e in range(0, 400) for n in _NICE if n * 10**e > every)
    decades = range(last, first - 1, -every)  # from the top decade down
    return [(k, f"{_decimal(1, k):g}") for k in reversed(decades)]


def _position(step: float, steps_per_epoch: int | None) -> str:
    if steps_per_epoch:
        return f"epoch {step / steps_per_epoch:g}"
    return f"step {step:g}"


def summary(
    steps: npt.ArrayLike, values: npt.ArrayLike, steps_per_epoch: int | None = None
) -> list[str]:
    """``min ... at step ...``, ``max ...``, ``final ...``: where the curve's extremes are."""
    t = np.asarray(steps, dtype=np.float64)
    v = np.asarray(values, dtype=np.float64)
    if v.size == 0:
        return ["no values"]
    finite = np.isfinite(v)
    parts = []
    if finite.any():
        masked = np.where(finite, v, np.nan)
        low = int(np.nanargmin(masked))
        high = int(np.nanargmax(masked))
        parts.append(f"min {v[low]:.6g} at {_position(t[low], steps_per_epoch)}")
        parts.append(f"max {v[high]:.6g} at {_position(t[high], steps_per_epoch)}")
    parts.append(f"final {v[-1]:.6g} at {_position(t[-1], steps_per_epoch)}")
    if not finite.all():
        parts.append(f"{int((~finite).sum())} non-finite values not drawn")
    return parts


def render(
    steps: npt.ArrayLike,
    values: npt.ArrayLike,
    *,
    width: int = 80,
    height: int = 12,
    chars: str = "braille",
    title: str | None = None,
    log: bool = False,
    steps_per_epoch: int | None = None,
) -> list[str]:
    """The curve ``values`` over ``steps`` as lines of text at most ``width`` wide.

    The plot rows and the axis rows are exactly ``width`` characters; then come the
    minimum, maximum and final values (one line, or one per value if the line would be
    wider than ``width``).
    """
    if chars not in CHARSETS:
        raise ValueError(f"chars must be one of {', '.join(CHARSETS)}, got {chars!r}")
    if height < 2:
        raise ValueError(f"height must be at least 2 rows, got {height}")
    charset = CHARSETS[chars]
    t = np.asarray(steps, dtype=np.float64)
    v = np.asarray(values, dtype=np.float64)
    if t.shape != v.shape or t.ndim != 1:
        raise ValueError("steps and values must be 1-d arrays of the same length")
    shown = np.isfinite(v) & ((v > 0) if log else True)
    y = np.log10(np.where(shown, v, 1.0)) if log else v

    if shown.any():
        top, bottom = float(y[shown].max()), float(y[shown].min())
        if top - bottom <= 1e-12 * max(abs(top), abs(bottom)):
            bottom = top  # rounding noise (a few ulps) is drawn as the flat line it is
    else:
        top = bottom = 0.0

    rows = height * charset.cell_height
    if top == bottom:  # a flat line: one label, its value, on the line's row
        labels = {(rows // 2) // charset.cell_height: _fmt(10.0**top if log else top)}
    else:
        labels = {}
        most = max(min(height, 3), (height + 2) // 3)  # about one label every three rows
        half_dot = (top - bottom) / (rows - 1) / 2  # a value this near an end is drawn there
        for position, text in ticks(bottom, top, most=most, log=log, slack=half_dot):
            dot = np.rint((top - position) / (top - bottom) * (rows - 1))
            row = int(np.clip(dot, 0, rows - 1)) // charset.cell_height
            labels.setdefault(row, text)
        if not labels:  # no round number in range: the ends, as they are
            labels = {0: _fmt(10.0**top if log else top),
                      height - 1: _fmt(10.0**bottom if log else bottom)}  # fmt: skip
    margin = max(len(text) for text in labels.values())
    plot_width = width - margin - 2
    if plot_width < 10:
        raise ValueError(f"width must leave at least 10 columns for the plot, got width={width}")

    columns = plot_width * charset.cell_width
    lit = _dots(t[shown], y[shown], columns, rows, float(t[-1]) if t.size else 0.0, top, bottom)

    lines = [title] if title else []
    for row, cells in enumerate(charset.glyphs(lit)):
        axis = charset.tick if row in labels else charset.axis
        lines.append(f"{labels.get(row, ''):>{margin}} {axis}{cells}")
    lines.append(" " * (margin + 1) + charset.corner + charset.rule * plot_width)
    lines.append(_x_labels(t, margin, plot_width, steps_per_epoch))
    parts = summary(t, v, steps_per_epoch)
    joined = "   ".join(parts)
    lines.extend([joined] if len(joined) <= width else parts)
    return lines


def _dots(
    t: FloatArray, y: FloatArray, columns: int, rows: int, last: float, top: float, bottom: float
) -> npt.NDArray[np.bool_]:
    """Which dots of a ``rows`` x ``columns`` grid the curve lights."""
    lit = np.zeros((rows, columns), dtype=bool)
    if t.size == 0:
        return lit
    span = top - bottom

    def to_row(value: FloatArray) -> npt.NDArray[np.int64]:
        if span == 0:
            return np.full(value.shape, rows // 2, dtype=np.int64)
        r = np.rint((top - value) / span * (rows - 1))
        return np.clip(r, 0, rows - 1).astype(np.int64)

    scale = (columns - 1) / last if last > 0 else 0.0
    col = np.clip(np.rint(t * scale), 0, columns - 1).astype(np.int64)
    low = np.full(columns, rows, dtype=np.int64)
    high = np.full(columns, -1, dtype=np.int64)
    r = to_row(y)
    np.minimum.at(low, col, r)
    np.maximum.at(high, col, r)
    # The last row in each column, to join the next column to it.
    ends = np.full(columns, -1, dtype=np.int64)
    ends[col] = r  # later points overwrite earlier ones: t is increasing
    starts = np.full(columns, -1, dtype=np.int64)
    starts[col[::-1]] = r[::-1]
    filled = high >= 0
    if not filled.all() and filled.sum() >= 2:
        # Sparse: interpolate the empty columns between their neighbours.
        known = np.flatnonzero(filled)
        inside = np.arange(known[0], known[-1] + 1)
        empty = inside[~filled[inside]]
        mid = to_row(np.interp(empty / scale if scale else empty, t, y))
        low[empty] = high[empty] = starts[empty] = ends[empty] = mid
        filled = high >= 0
    previous = -1
    for c in range(columns):
        if not filled[c]:
            previous = -1
            continue
        a, b = int(low[c]), int(high[c])
        if previous >= 0:  # join to the previous column's last point
            a, b = min(a, previous), max(b, previous)
        lit[a : b + 1, c] = True
        previous = int(ends[c])
    return lit


def _x_labels(t: FloatArray, margin: int, plot_width: int, steps_per_epoch: int | None) -> str:
    first = float(t[0]) if t.size else 0.0
    last = float(t[-1]) if t.size else 0.0
    if steps_per_epoch:
        left, right, name = f"{first / steps_per_epoch:g}", f"{last / steps_per_epoch:g}", "epoch"
    else:
        left, right, name = f"{first:g}", f"{last:g}", "step"
    room = plot_width - len(left) - len(right)
    middle = name.center(room) if room >= len(name) + 2 else " " * max(room, 1)
    return " " * (margin + 2) + left + middle + right
