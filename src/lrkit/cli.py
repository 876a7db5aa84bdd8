"""The ``lrkit`` command line: plot, show, tabulate schedules, and draw the gallery.

``main(argv)`` runs a command and returns its exit code: 0 when it worked (also when
the reader of its output stops early: ``lrkit table ... | head``), 2 for bad input (bad
usage, a bad SPEC or config, a schedule that fails at a step asked for, an output path
that cannot be written), always with a one-line message on stderr and never a traceback;
1 when lrkit cannot run (matplotlib missing) or fails inside (a bug: the message says so).

Work is bounded whatever the arguments: every size option has a limit (``MAX_*`` below,
shown in ``--help`` and docs/cli.md) and a value beyond it is a usage error; ``show``
draws, as ``plot`` does, from at most ``lrkit.plot.MAX_POINTS`` steps (spread evenly,
with the steps next to milestones), and ``table`` prints at most :data:`MAX_ROWS` rows.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import errno
import io
import json
import math
import os
import re
import shlex
import shutil
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TextIO, cast

import numpy as np

from lrkit.config import Spec, SpecError, parse_specs
from lrkit.core import LrkitError

__all__ = ["build_parser", "main"]

PROG = "lrkit"

SPEC_HELP = (
    "SPEC is a config file (JSON, or YAML with PyYAML), an inline JSON object such as "
    '\'{"type": "StepLR", "lr": 0.1, "step_size": 30}\', or the short form '
    "TYPE:key=value,... such as CosineAnnealingLR:lr=0.1,T_max=100 (lists in brackets: "
    "MultiStepLR:lr=0.1,milestones=[30,80]; functions as expressions: "
    "'LambdaLR:lr=0.1,lr_lambda=0.95 ** epoch'). Several param groups: a list of "
    "configs, or a list of values for lr (or another number), StepLR:lr=[0.1,0.01],"
    "step_size=30: one curve (or table column) per group. The same forms as lrkit.load."
)

DESCRIPTION = (
    "See learning-rate schedules: plot them, draw them in the terminal, print their "
    "values, or draw the gallery of every torch scheduler.\n\n" + SPEC_HELP
)


#: The largest --steps (and the largest default length of a schedule that is drawn).
MAX_STEPS = 10**9
#: The largest --every and --steps-per-epoch.
MAX_EVERY = MAX_STEPS
#: The most rows ``table`` prints.
MAX_ROWS = 100_000
#: The limits of ``show --width`` and ``--height``.
MAX_WIDTH = 1000
MAX_HEIGHT = 200
#: The limits of ``plot --dpi`` (8 x 4.5 inches: 80 x 45 to 4800 x 2700 pixels).
MIN_DPI = 10
MAX_DPI = 600
#: The most SPECs ``plot`` draws on one figure.
MAX_SPECS = 20
#: The most significant digits ``table --precision`` prints (17 tell any two floats apart).
MAX_PRECISION = 17
#: Table formats by the extension of ``table -o``.
TABLE_FORMATS = {".csv": "csv", ".json": "json", ".md": "md"}


class UsageError(Exception):
    """Bad usage or a bad SPEC: exit code 2."""


def _shown(number: int) -> str:
    """A limit as it reads best: 10**9 rather than 1000000000."""
    exponent = len(str(number)) - 1
    return f"10**{exponent}" if number >= 10**6 and number == 10**exponent else str(number)


_DIGITS = re.compile(r"\s*\+?\d+\s*\Z")


def _integer(low: int, high: int, rule: str) -> Callable[[str], int]:
    """An argparse type: an integer from ``low`` to ``high`` (``1e6`` reads as 1000000)."""

    def parse(text: str) -> int:
        if len(text) > 30 and _DIGITS.match(text):  # too many digits to be in range
            raise argparse.ArgumentTypeError(f"must be at most {_shown(high)}, got {text[:20]}...")
        try:
            value = int(text)
        except ValueError:
            try:
                number = float(text)
            except ValueError:
                number = math.nan
            if not math.isfinite(number) or not number.is_integer():
                shown = text if len(text) <= 40 else text[:37] + "..."
                raise argparse.ArgumentTypeError(f"must be {rule}, got {shown!r}") from None
            value = int(number)
        if value < low:
            raise argparse.ArgumentTypeError(f"must be {rule}, got {value}")
        if value > high:
            raise argparse.ArgumentTypeError(f"must be at most {_shown(high)}, got {text.strip()}")
        return value

    return parse


_count = _integer(0, MAX_STEPS, "an integer >= 0")  # --steps
_every = _integer(1, MAX_EVERY, "a positive integer")  # --every, --steps-per-epoch


def _steps_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--steps",
        type=_count,
        metavar="N",
        help=f"show steps 0..N, N at most {_shown(MAX_STEPS)} (default: the schedule's own "
        "length: T_max, total_steps, the last milestone plus a margin, ...)",
    )


def _epochs_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--steps-per-epoch",
        type=_every,
        metavar="K",
        help=f"x axis in epochs of K steps (K at most {_shown(MAX_EVERY)})",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``lrkit`` command."""
    from lrkit import __version__
    from lrkit.plot import MAX_POINTS

    parser = argparse.ArgumentParser(
        prog=PROG,
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Exit status: 0 when it worked (or the reader of its output stopped early),\n"
        "2 for bad input, 1 when lrkit cannot run (matplotlib missing, output closed).\n\n"
        "Run 'lrkit COMMAND --help' for a command's options,\n"
        "and 'python -m pydoc lrkit' for the Python library.",
    )
    parser.add_argument("--version", action="version", version=f"lrkit {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    plot = commands.add_parser(
        "plot",
        help="plot schedules to a PNG, SVG or PDF file",
        description="Plot one or several schedules on one figure (needs matplotlib: "
        "pip install matplotlib). Milestones and phase ends are dotted; a schedule's "
        "cycled momentum is dashed, on a second y axis.\n\n" + SPEC_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    plot.add_argument(
        "specs", nargs="+", metavar="SPEC", help=f"the schedules to plot (at most {MAX_SPECS})"
    )
    plot.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="FILE.png, .svg or .pdf"
    )
    _steps_argument(plot)
    plot.add_argument(
        "--log",
        action="store_true",
        help="a logarithmic lr axis (default: chosen as lrkit.plot chooses it: log where the values span decades)",
    )
    _epochs_argument(plot)
    plot.add_argument("--title", help="the figure's title")
    plot.add_argument(
        "--dpi",
        type=_integer(MIN_DPI, MAX_DPI, f"an integer >= {MIN_DPI}"),
        default=100,
        help=f"pixels per inch, {MIN_DPI} to {MAX_DPI} (default 100: 800x450)",
    )
    plot.add_argument("--no-momentum", action="store_true", help="leave out the cycled momentum")
    plot.add_argument(
        "--no-boundaries", action="store_true", help="leave out the milestone / phase-end lines"
    )

    show = commands.add_parser(
        "show",
        help="draw a schedule in the terminal",
        description="Draw a schedule in the terminal with Unicode braille (or block or "
        "ASCII characters), with its minimum, maximum and final values. Needs no display "
        f"and no matplotlib: it works over SSH. Past {MAX_POINTS:,} steps the curve is drawn, "
        f"as plot draws it, from {MAX_POINTS:,} steps spread evenly (and the steps next to "
        "milestones).\n\n" + SPEC_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    show.add_argument("spec", metavar="SPEC", help="the schedule to draw")
    _steps_argument(show)
    show.add_argument(
        "--width",
        type=_integer(1, MAX_WIDTH, "a positive integer"),
        help=f"characters per line, at most {MAX_WIDTH} (default: the terminal's, at most 120)",
    )
    show.add_argument(
        "--height",
        type=_integer(2, MAX_HEIGHT, f"an integer from 2 to {MAX_HEIGHT}"),
        default=12,
        help=f"rows of the plot, 2 to {MAX_HEIGHT} (default 12)",
    )
    show.add_argument(
        "--chars",
        choices=("braille", "block", "ascii"),
        default="braille",
        help="braille (finest, default), block, or plain ascii",
    )
    show.add_argument("--log", action="store_true", help="a logarithmic lr axis")
    _epochs_argument(show)
    show.add_argument("--no-momentum", action="store_true", help="leave out the cycled momentum")

    table = commands.add_parser(
        "table",
        help="print a schedule's values, one step per row",
        description="Print a schedule's values, one step per row: csv (header step,lr, and "
        "a momentum column where the schedule cycles momentum), json (a list of rows) or a "
        "markdown table. Values are exact (shortest round-trip repr) unless --precision "
        "rounds them. At most "
        f"{MAX_ROWS:,} rows: without --every, a longer schedule is printed every K steps "
        "with the smallest K of 1, 2, 5, 10, 20, 50, ... that fits (a note on stderr says "
        "so).\n\n" + SPEC_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    table.add_argument("spec", metavar="SPEC", help="the schedule")
    _steps_argument(table)
    table.add_argument(
        "--every",
        type=_every,
        metavar="K",
        help=f"one row every K steps, K at most {_shown(MAX_EVERY)} (the last step is always "
        f"included; default 1, or what keeps the table within {MAX_ROWS:,} rows)",
    )
    table.add_argument(
        "--format",
        choices=("csv", "json", "md"),
        help="default: csv, or what the extension of -o says (.csv, .json, .md)",
    )
    table.add_argument(
        "--precision",
        type=_integer(1, MAX_PRECISION, f"an integer from 1 to {MAX_PRECISION}"),
        metavar="N",
        help=f"round lr and momentum to N significant digits, 1 to {MAX_PRECISION} (default: "
        "exact, the shortest text that reads back as the same float)",
    )
    table.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")

    gallery = commands.add_parser(
        "gallery",
        help="draw every built-in schedule (all 15 torch schedulers) as PNGs",
        description="Draw every built-in schedule: a PNG per schedule named after it "
        "(StepLR.png, ...), an index.html showing them with their configs and, with "
        "--markdown, a markdown page. Needs matplotlib (pip install matplotlib).",
    )
    gallery.add_argument("-o", "--output", required=True, metavar="DIR", help="the folder to write")
    gallery.add_argument("--markdown", metavar="FILE", help="also write a markdown page here")
    gallery.add_argument(
        "--only", nargs="+", metavar="NAME", help="draw only these entries (e.g. StepLR OneCycleLR)"
    )
    gallery.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    return parser


# -- helpers ---------------------------------------------------------------------------


def _where(source: str) -> str:
    """How an error names a SPEC: ``in SPEC '...'``, or ``in FILE`` for a config file (as
    the config layer's own messages do)."""
    stripped = source.strip()
    if stripped and "\n" not in stripped and os.path.isfile(stripped):
        return f"in {stripped}"
    shown = source if len(source) <= 70 else source[:67] + "..."
    return f"in SPEC {shown!r}"


def _specs(texts: Sequence[str]) -> list[Spec]:
    """The schedules the SPECs describe: one per param group of each."""
    specs: list[Spec] = []
    for text in texts:
        try:
            specs += parse_specs(text)
        except (SpecError, LrkitError) as error:
            if isinstance(error, SpecError):  # names where it came from already
                raise UsageError(str(error)) from None
            raise UsageError(f"{_where(text)}: {error}") from None
    return specs


def _length(specs: Sequence[Spec], steps: int | None) -> int:
    if steps is not None:
        return steps
    from lrkit.plot import default_steps

    length = default_steps([s.schedule for s in specs])
    if length > MAX_STEPS:
        longest = max(specs, key=lambda s: s.schedule.length or 0)
        raise UsageError(
            f"{_where(longest.source)}: its own length is {length} steps, more than "
            f"{_shown(MAX_STEPS)}: give --steps N (at most {_shown(MAX_STEPS)})"
        )
    return length


def _evaluate(spec: Spec, steps: Any, schedule: Any = None) -> Any:
    """``spec.schedule`` (or ``schedule``) on ``steps``; a step where it fails is a usage
    error that says which way to go."""
    try:
        return (spec.schedule if schedule is None else schedule).evaluate_array(steps)
    except (LrkitError, ValueError, ArithmeticError) as error:
        last = int(np.max(steps)) if np.size(steps) else 0
        argument = getattr(error, "argument", None)
        if argument == "step":  # past the schedule's end
            hint = "choose a smaller --steps"
        else:  # a function that fails inside the steps asked for: the way out is to fix it
            where = f"steps 0..{last}"
            hint = (
                f"{argument} fails there, inside {where}: fix it (a smaller --steps only hides it)"
                if argument
                else f"the schedule fails at a step inside {where}"
            )
        raise UsageError(f"{_where(spec.source)}: {error}; {hint}") from None


def _drawn_steps(spec: Spec, steps: int, defaulted: bool) -> int:
    """The last step ``lrkit.plot`` draws of ``spec``: a schedule that ends (OneCycleLR) is
    drawn up to its end when the length is not given."""
    length = spec.schedule.length
    if defaulted and length is not None and length < steps:
        try:
            spec.schedule(float(steps))
        except ValueError:
            return int(length)
    return steps


def _need_matplotlib(command: str) -> None:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise RuntimeError(f"lrkit {command} needs matplotlib: pip install matplotlib") from None


def _label(spec: Spec) -> str:
    text = spec.label
    return text if len(text) <= 60 else type(spec.schedule).__name__


#: Why an output path cannot be written, by errno: the user's to fix (exit 2).
_BAD_PATH = {
    errno.ENOENT: "its folder does not exist",
    errno.ENOTDIR: "a part of it is not a folder",
    errno.EISDIR: "it is a folder",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the file system is read-only",
    errno.EEXIST: "a file is in the way",
    errno.ENAMETOOLONG: "the name is too long",
    errno.ELOOP: "too many symbolic links",
}


def _check_output(option: str, path: str, folder: bool = False) -> None:
    """Refuse an output path that cannot be written before any work is done."""
    if not path:
        raise UsageError(f"{option} needs a path, got ''")
    if folder:
        if os.path.exists(path) and not os.path.isdir(path):
            raise UsageError(f"cannot write to {option} {path!r}: it is a file, not a folder")
        return
    if os.path.isdir(path):
        raise UsageError(f"cannot write to {option} {path!r}: it is a folder")
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise UsageError(f"cannot write to {option} {path!r}: its folder does not exist")


@contextlib.contextmanager
def _writing(option: str, path: str) -> Iterator[None]:
    """Turn an OSError of writing ``path`` into a usage error when the path is at fault."""
    try:
        yield
    except OSError as error:
        if isinstance(error, BrokenPipeError):
            raise
        reason = _BAD_PATH.get(error.errno or 0)
        if reason is None:
            raise
        raise UsageError(f"cannot write to {option} {path!r}: {reason}") from None


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


# -- commands ----------------------------------------------------------------------------


def _cmd_plot(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from lrkit import plot as plotting

    output: str = args.output
    kind = os.path.splitext(output)[1].lower().lstrip(".")
    if kind not in plotting.FORMATS:
        raise UsageError(f"-o must name a .png, .svg or .pdf file, got {output!r}")
    _check_output("-o", output)
    if len(args.specs) > MAX_SPECS:
        raise UsageError(f"at most {MAX_SPECS} SPECs fit one figure, got {len(args.specs)}")
    specs = _specs(args.specs)
    steps = _length(specs, args.steps)
    highest = -math.inf
    for spec in specs:  # a step where a schedule fails is a usage error, before drawing
        last = _drawn_steps(spec, steps, args.steps is None)
        t = plotting.grid(last, spec.schedule.breakpoints)
        highest = max(highest, float(np.max(_evaluate(spec, t))))
        if spec.schedule.momentum is not None and not args.no_momentum:
            _evaluate(spec, t, spec.schedule.momentum)
    if args.log and not highest > 0:
        _nothing_to_log(specs[0] if len(specs) == 1 else None, highest)
    _need_matplotlib("plot")
    title = args.title
    if title is None and len(specs) == 1 and len(specs[0].label) > 60:
        title = type(specs[0].schedule).__name__
    fig, ax = plotting.figure(plotting.SIZE, float(args.dpi))
    with warnings.catch_warnings():  # matplotlib's notes on extreme axes: not the user's
        warnings.simplefilter("ignore")
        _draw(plotting, fig, ax, specs, args, title, output)
    width, height = (round(v * args.dpi) for v in plotting.SIZE)
    print(
        f"wrote {output} ({width}x{height} px, steps 0..{steps})"
        if kind == "png"
        else f"wrote {output}",
        file=out,
    )
    return 0


def _nothing_to_log(spec: Spec | None, highest: float) -> None:
    where = f"{_where(spec.source)}: " if spec is not None else ""
    raise UsageError(
        f"{where}--log needs values above 0, and the largest is {highest + 0.0:g}: leave out --log"
    )


def _draw(
    plotting: Any,
    fig: Any,
    ax: Any,
    specs: Sequence[Spec],
    args: argparse.Namespace,
    title: str | None,
    output: str,
) -> None:
    try:
        plotting.plot(
            [s.schedule for s in specs],
            args.steps,
            ax,
            labels=[_label(s) for s in specs],
            log=True if args.log else None,  # None: plot chooses (log where values span decades)
            steps_per_epoch=args.steps_per_epoch,
            momentum=not args.no_momentum,
            boundaries=not args.no_boundaries,
            title=title,
            legend="below",
        )
    except (LrkitError, ValueError, ArithmeticError) as error:
        raise UsageError(str(error)) from None
    with _writing("-o", output):
        plotting.write(fig, output)


def _cmd_show(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from lrkit._termplot import render
    from lrkit.plot import grid

    specs = _specs([args.spec])  # one per param group
    steps = _length(specs, args.steps)
    width = args.width or max(40, min(120, shutil.get_terminal_size((80, 24)).columns))
    options = {"width": width, "chars": args.chars, "steps_per_epoch": args.steps_per_epoch}
    lines: list[str] = []
    for spec in specs:
        t = grid(steps, spec.schedule.breakpoints)  # every step, or a sample past MAX_POINTS
        lr = _evaluate(spec, t)
        if args.log and not np.max(lr) > 0:
            _nothing_to_log(spec, float(np.max(lr)))
        title = spec.label if len(spec.label) <= width else spec.label[: width - 3] + "..."
        try:
            if lines:
                lines.append("")
            lines += render(t, lr, height=args.height, title=title, log=args.log, **options)
            momentum = None if args.no_momentum else spec.schedule.momentum
            if momentum is not None:
                lines.append("")
                lines += render(
                    t,
                    _evaluate(spec, t, momentum),
                    height=max(4, args.height // 2),
                    title="momentum",
                    **options,
                )
        except ValueError as error:
            raise UsageError(str(error)) from None
    text = "\n".join(lines) + "\n"
    encoding = getattr(out, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        raise UsageError(
            f"the output's encoding ({encoding}) cannot show these characters: use "
            "--chars ascii (or a UTF-8 terminal)"
        ) from None
    out.write(text)
    return 0


def _row_count(steps: int, every: int) -> int:
    """How many rows ``table`` prints for steps ``0..steps``, one every ``every``."""
    return steps // every + 1 + (1 if steps % every else 0)


def _every_for(steps: int) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50, ... that keeps a table within MAX_ROWS rows."""
    scale = 1
    while True:
        for every in (scale, 2 * scale, 5 * scale):
            if _row_count(steps, every) <= MAX_ROWS:
                return every
        scale *= 10


def _rows(specs: Sequence[Spec], steps: int, every: int) -> tuple[list[str], list[list[Any]]]:
    """The table's columns (``step``, ``lr`` and ``momentum`` where cycled; ``lr[i]`` and
    ``momentum[i]`` for param group ``i`` of several) and its rows."""
    t = np.arange(0, steps + 1, every, dtype=np.float64)
    if t[-1] != steps:
        t = np.append(t, float(steps))
    columns: dict[str, list[Any]] = {"step": [int(v) for v in t]}
    for i, spec in enumerate(specs):
        group = f"[{i}]" if len(specs) > 1 else ""
        columns[f"lr{group}"] = _evaluate(spec, t).tolist()
        momentum = spec.schedule.momentum
        if momentum is not None:
            columns[f"momentum{group}"] = _evaluate(spec, t, momentum).tolist()
    names = list(columns)
    return names, [list(row) for row in zip(*columns.values(), strict=True)]


def significant(value: float, digits: int) -> float:
    """``value`` rounded to ``digits`` significant digits (the float nearest the decimal).

    >>> significant(0.010000000000000002, 3), significant(0.0123456, 2), significant(-2.5e-7, 1)
    (0.01, 0.012, -2e-07)
    """
    return float(f"{value:.{digits - 1}e}") if math.isfinite(value) else value


def _table_format(args: argparse.Namespace) -> str:
    """``--format``, else the one the extension of ``-o`` names, else csv."""
    named = TABLE_FORMATS.get(os.path.splitext(args.output or "")[1].lower())
    if args.format is None:
        return named or "csv"
    if named is not None and named != args.format:
        raise UsageError(
            f"--format {args.format} does not match -o {args.output!r} ({named}): leave out "
            "--format, or give -o a matching extension"
        )
    return str(args.format)


def _cmd_table(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    form = _table_format(args)
    if args.output is not None:
        _check_output("-o", args.output)
    specs = _specs([args.spec])  # one per param group
    steps = _length(specs, args.steps)
    every: int | None = args.every
    if every is None:
        every = _every_for(steps)
        if every > 1:
            print(
                f"lrkit table: note: steps 0..{steps} would make {steps + 1} rows, more than "
                f"{MAX_ROWS:,}: printing every {every} steps (choose with --every)",
                file=err,
            )
    elif _row_count(steps, every) > MAX_ROWS:
        raise UsageError(
            f"--every {every} makes {_row_count(steps, every)} rows of steps 0..{steps}, more "
            f"than {MAX_ROWS:,}: use --every {_every_for(steps)} (or more), or a smaller --steps"
        )
    names, rows = _rows(specs, steps, every)
    if args.precision is not None:
        rows = [[row[0]] + [significant(v, args.precision) for v in row[1:]] for row in rows]
    if form == "csv":
        text = "\n".join([",".join(names)] + [",".join(repr(v) for v in row) for row in rows])
    elif form == "json":
        body = ",\n".join(" " + json.dumps(dict(zip(names, row, strict=True))) for row in rows)
        text = "[\n" + body + "\n]"
    else:
        lines = ["| " + " | ".join(names) + " |", "|" + "---|" * len(names)]
        lines += ["| " + " | ".join(repr(v) for v in row) + " |" for row in rows]
        text = "\n".join(lines)
    if args.output:
        with _writing("-o", args.output), open(args.output, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
        print(f"wrote {args.output} ({_plural(len(rows), 'row')})", file=err)
    else:
        out.write(text + "\n")
    return 0


def _unknown_entry(name: str, known: Sequence[str]) -> str:
    """``'StepLr' (did you mean 'StepLR'?)``: a misspelt gallery entry and its nearest."""
    folded = {k.lower(): k for k in known}
    close = [folded[name.lower()]] if name.lower() in folded else []
    close = close or difflib.get_close_matches(name, known, n=1)
    return f"{name!r} (did you mean {close[0]!r}?)" if close else repr(name)


def _cmd_gallery(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from lrkit import gallery

    entries = list(gallery.ENTRIES)
    if args.only:
        known = {e.name: e for e in entries}
        missing = [n for n in args.only if n not in known]
        if missing:
            names = ", ".join(_unknown_entry(n, list(known)) for n in missing)
            raise UsageError(f"--only: no gallery entry {names}; there are: " + ", ".join(known))
        entries = [known[n] for n in args.only]
    _check_output("-o", args.output, folder=True)
    if args.markdown is not None and os.path.isdir(args.markdown):
        raise UsageError(f"cannot write to --markdown {args.markdown!r}: it is a folder")
    _need_matplotlib("gallery")

    def progress(i: int, n: int, entry: Any, path: str) -> None:
        if not args.quiet:
            print(f"[{i:{len(str(n))}d}/{n}] {path}", file=err, flush=True)

    with _writing("-o", args.output):
        gallery.build(args.output, markdown_path=args.markdown, entries=entries, progress=progress)
    index = os.path.join(args.output, "index.html")
    print(f"wrote {_plural(len(entries), 'picture')} and {index}", file=out)
    if args.markdown:
        print(f"wrote {args.markdown}", file=out)
    return 0


COMMANDS = {"plot": _cmd_plot, "show": _cmd_show, "table": _cmd_table, "gallery": _cmd_gallery}


def builtin_table() -> list[str]:
    """A short table of the built-in (gallery) schedules and a SPEC for each."""
    from lrkit import gallery

    rows = []
    for entry in gallery.ENTRIES:
        if entry.name != entry.scheduler:
            continue  # the variations: see the gallery
        specs = entry.specs()
        rows.append(
            (
                entry.name,
                shlex.quote(specs[0]) if specs else "(driven by a metric: see the gallery)",
            )
        )
    width = max(len(name) for name, _ in rows) + 2
    lines = ["built-in schedules (lrkit gallery -o DIR draws them all; a SPEC for each):"]
    lines += [f"  {name:<{width}}{spec}" for name, spec in rows]
    return lines


def _say(stream: TextIO | None, text: str) -> None:
    """Print ``text`` on ``stream``, if it can still be written to."""
    if stream is None:
        return
    with contextlib.suppress(OSError, ValueError):
        print(text, file=stream, flush=True)


def _quiet_after_broken_pipe() -> None:
    """After a reader closed the pipe: point the standard streams that cannot be flushed
    at the null device, so that Python's own flush at exit reports nothing."""
    for stream in (sys.stdout, sys.stderr):
        if stream is None:
            continue
        try:
            stream.flush()
            continue  # still fine
        except (OSError, ValueError):
            pass
        try:
            target = stream.fileno()
        except (OSError, ValueError, AttributeError):
            continue  # not a real file (a test's capture): nothing flushes it at exit
        with contextlib.suppress(OSError):
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, target)
            os.close(null)


class _Closed(io.TextIOBase):
    """What the command writes to when the process has no standard output (``>&-``)."""

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "the standard output is closed")


def _os_message(error: OSError) -> str:
    text = error.strerror or str(error)
    return f"{text}: {error.filename!r}" if error.filename else text


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``lrkit`` command line with ``argv`` (default ``sys.argv[1:]``); return the exit code."""
    out: TextIO = sys.stdout if sys.stdout is not None else cast(TextIO, _Closed())
    err: TextIO = sys.stderr if sys.stderr is not None else cast(TextIO, _Closed())
    parser = build_parser()
    arguments = list(sys.argv[1:] if argv is None else argv)
    prog = PROG
    try:
        try:
            args = parser.parse_args(arguments)
        except SystemExit as stop:  # argparse: --help, --version (0) or a usage error (2)
            code = stop.code
            return code if isinstance(code, int) else (0 if code is None else 2)
        if args.command is None:
            parser.print_help(out)
            print(file=out)
            for line in builtin_table():
                print(line, file=out)
            out.flush()
            return 0
        prog = f"{PROG} {args.command}"
        code = COMMANDS[args.command](args, out, err)
        out.flush()  # a closed pipe shows here, not in Python's flush at exit
        return code
    except BrokenPipeError:  # the reader stopped early (| head): not an error
        _quiet_after_broken_pipe()
        return 0
    except KeyboardInterrupt:
        _say(err, f"{prog}: interrupted")
        return 130
    except (UsageError, SpecError) as error:
        _say(err, f"{prog}: error: {error}")
        return 2
    except RuntimeError as error:
        _say(err, f"{prog}: error: {error}")
        return 1
    except OSError as error:
        _say(err, f"{prog}: error: {_os_message(error)}")
        return 1
    except Exception as error:  # a bug: one line, not a traceback (LRKIT_DEBUG=1 shows it)
        if os.environ.get("LRKIT_DEBUG"):
            raise
        _say(
            err,
            f"{prog}: internal error (a bug in lrkit, please report it with the command "
            f"line): {type(error).__name__}: {error}",
        )
        return 1
