"""The ``lrkit`` command line: plot, show, tabulate schedules, and draw the gallery.

``main(argv)`` runs a command and returns its exit code: 0 when it worked, 2 for bad
usage or a bad SPEC/config (the message on stderr), 1 when something else failed
(a missing optional dependency, a file that cannot be written).

Work is bounded whatever the arguments: every size option has a limit (``MAX_*`` below,
shown in ``--help`` and docs/cli.md) and a value beyond it is a usage error; ``show``
draws, as ``plot`` does, from at most ``lrkit.plot.MAX_POINTS`` steps (spread evenly,
with the steps next to milestones), and ``table`` prints at most :data:`MAX_ROWS` rows.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shlex
import shutil
import sys
from collections.abc import Callable, Sequence
from typing import Any, TextIO

import numpy as np

from lrkit.config import Spec, SpecError, parse_spec
from lrkit.core import LrkitError

__all__ = ["build_parser", "main"]

PROG = "lrkit"

SPEC_HELP = (
    "SPEC is a config file (JSON, or YAML with PyYAML), an inline JSON object such as "
    '\'{"type": "StepLR", "lr": 0.1, "step_size": 30}\', or the short form '
    "TYPE:key=value,... such as CosineAnnealingLR:lr=0.1,T_max=100 (lists in brackets: "
    "MultiStepLR:lr=0.1,milestones=[30,80]; functions as expressions: "
    "'LambdaLR:lr=0.1,lr_lambda=0.95 ** epoch')."
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
        epilog="Run 'lrkit COMMAND --help' for a command's options. Docs: docs/cli.md.",
    )
    parser.add_argument("--version", action="version", version=f"lrkit {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    plot = commands.add_parser(
        "plot",
        help="plot schedules to a PNG, SVG or PDF file",
        description="Plot one or several schedules on one figure (needs matplotlib: "
        "pip install 'lrkit[plot]'). Milestones and phase ends are dotted; a schedule's "
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
    plot.add_argument("--log", action="store_true", help="a logarithmic lr axis")
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
        type=_integer(1, MAX_HEIGHT, "a positive integer"),
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
        "markdown table. Values are exact (shortest round-trip repr). At most "
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
    table.add_argument("--format", choices=("csv", "json", "md"), default="csv", help="default csv")
    table.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")

    gallery = commands.add_parser(
        "gallery",
        help="draw every built-in schedule (all 15 torch schedulers) as PNGs",
        description="Draw every built-in schedule: a PNG per schedule named after it "
        "(StepLR.png, ...), an index.html showing them with their configs and, with "
        "--markdown, a markdown page. Needs matplotlib (pip install 'lrkit[plot]').",
    )
    gallery.add_argument("-o", "--output", required=True, metavar="DIR", help="the folder to write")
    gallery.add_argument("--markdown", metavar="FILE", help="also write a markdown page here")
    gallery.add_argument(
        "--only", nargs="+", metavar="NAME", help="draw only these entries (e.g. StepLR OneCycleLR)"
    )
    gallery.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    return parser


# -- helpers ---------------------------------------------------------------------------


def _specs(texts: Sequence[str]) -> list[Spec]:
    return [parse_spec(text) for text in texts]


def _length(specs: Sequence[Spec], steps: int | None) -> int:
    if steps is not None:
        return steps
    from lrkit.plot import default_steps

    length = default_steps([s.schedule for s in specs])
    if length > MAX_STEPS:
        raise UsageError(
            f"{_name(specs[0]) if len(specs) == 1 else 'a SPEC'}: its own length is {length} "
            f"steps, more than {_shown(MAX_STEPS)}: give --steps N (at most {_shown(MAX_STEPS)})"
        )
    return length


def _evaluate(spec: Spec, steps: Any, schedule: Any = None) -> Any:
    """``spec.schedule`` (or ``schedule``) on ``steps``; a step outside its domain is a
    usage error."""
    try:
        return (spec.schedule if schedule is None else schedule).evaluate_array(steps)
    except (LrkitError, ValueError, ArithmeticError) as error:
        raise UsageError(f"{_name(spec)}: {error} (choose a smaller --steps)") from None


def _name(spec: Spec) -> str:
    text = spec.source if len(spec.source) <= 70 else spec.source[:67] + "..."
    return f"SPEC {text!r}"


def _need_matplotlib(command: str) -> None:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise RuntimeError(f"lrkit {command} needs matplotlib: pip install 'lrkit[plot]'") from None


def _label(spec: Spec) -> str:
    text = spec.label
    return text if len(text) <= 60 else type(spec.schedule).__name__


# -- commands ----------------------------------------------------------------------------


def _cmd_plot(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from lrkit import plot as plotting

    output: str = args.output
    kind = os.path.splitext(output)[1].lower().lstrip(".")
    if kind not in plotting.FORMATS:
        raise UsageError(f"-o must name a .png, .svg or .pdf file, got {output!r}")
    if len(args.specs) > MAX_SPECS:
        raise UsageError(f"at most {MAX_SPECS} SPECs fit one figure, got {len(args.specs)}")
    specs = _specs(args.specs)
    steps = _length(specs, args.steps)
    if args.steps is not None:
        for spec in specs:  # report a step beyond a schedule's end as a usage error
            _evaluate(spec, np.array([float(steps)]))
    _need_matplotlib("plot")
    title = args.title
    if title is None and len(specs) == 1 and len(specs[0].label) > 60:
        title = type(specs[0].schedule).__name__
    fig, ax = plotting.figure(plotting.SIZE, float(args.dpi))
    plotting.plot(
        [s.schedule for s in specs],
        args.steps,
        ax,
        labels=[_label(s) for s in specs],
        log=args.log,
        steps_per_epoch=args.steps_per_epoch,
        momentum=not args.no_momentum,
        boundaries=not args.no_boundaries,
        title=title,
        legend="below",
    )
    plotting.write(fig, output)
    width, height = (round(v * args.dpi) for v in plotting.SIZE)
    print(
        f"wrote {output} ({width}x{height} px, steps 0..{steps})"
        if kind == "png"
        else f"wrote {output}",
        file=out,
    )
    return 0


def _cmd_show(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from lrkit._termplot import render
    from lrkit.plot import grid

    (spec,) = _specs([args.spec])
    steps = _length([spec], args.steps)
    t = grid(steps, spec.schedule.breakpoints)  # every step, or a sample past MAX_POINTS
    lr = _evaluate(spec, t)
    width = args.width or max(40, min(120, shutil.get_terminal_size((80, 24)).columns))
    title = spec.label if len(spec.label) <= width else spec.label[: width - 3] + "..."
    options = {"width": width, "chars": args.chars, "steps_per_epoch": args.steps_per_epoch}
    try:
        lines = render(t, lr, height=args.height, title=title, log=args.log, **options)
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
    for line in lines:
        print(line, file=out)
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


def _rows(spec: Spec, steps: int, every: int) -> tuple[list[str], list[list[Any]]]:
    t = np.arange(0, steps + 1, every, dtype=np.float64)
    if t[-1] != steps:
        t = np.append(t, float(steps))
    columns = {"step": [int(v) for v in t], "lr": _evaluate(spec, t).tolist()}
    momentum = spec.schedule.momentum
    if momentum is not None:
        columns["momentum"] = _evaluate(spec, t, momentum).tolist()
    names = list(columns)
    return names, [list(row) for row in zip(*columns.values(), strict=True)]


def _cmd_table(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    (spec,) = _specs([args.spec])
    steps = _length([spec], args.steps)
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
    names, rows = _rows(spec, steps, every)
    if args.format == "csv":
        text = "\n".join([",".join(names)] + [",".join(repr(v) for v in row) for row in rows])
    elif args.format == "json":
        body = ",\n".join(" " + json.dumps(dict(zip(names, row, strict=True))) for row in rows)
        text = "[\n" + body + "\n]"
    else:
        lines = ["| " + " | ".join(names) + " |", "|" + "---|" * len(names)]
        lines += ["| " + " | ".join(repr(v) for v in row) + " |" for row in rows]
        text = "\n".join(lines)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
        print(f"wrote {args.output} ({len(rows)} rows)", file=err)
    else:
        print(text, file=out)
    return 0


def _cmd_gallery(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from lrkit import gallery

    entries = list(gallery.ENTRIES)
    if args.only:
        known = {e.name: e for e in entries}
        missing = [n for n in args.only if n not in known]
        if missing:
            raise UsageError(
                f"--only: no gallery entry {', '.join(map(repr, missing))}; there are: "
                + ", ".join(known)
            )
        entries = [known[n] for n in args.only]
    _need_matplotlib("gallery")

    def progress(i: int, n: int, entry: Any, path: str) -> None:
        if not args.quiet:
            print(f"[{i:{len(str(n))}d}/{n}] {path}", file=err, flush=True)

    gallery.build(args.output, markdown_path=args.markdown, entries=entries, progress=progress)
    index = os.path.join(args.output, "index.html")
    print(f"wrote {len(entries)} pictures and {index}", file=out)
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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``lrkit`` command line with ``argv`` (default ``sys.argv[1:]``); return the exit code."""
    out, err = sys.stdout, sys.stderr
    parser = build_parser()
    arguments = list(sys.argv[1:] if argv is None else argv)
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
        return 0
    prog = f"{PROG} {args.command}"
    try:
        return COMMANDS[args.command](args, out, err)
    except (UsageError, SpecError) as error:
        print(f"{prog}: error: {error}", file=err)
        return 2
    except (RuntimeError, OSError) as error:
        print(f"{prog}: error: {error}", file=err)
        return 1
