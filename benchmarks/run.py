"""Run lrkit's benchmarks and write their tables into docs/benchmarks.md.

    python benchmarks/run.py                 # both benchmarks (about 1 to 2 minutes)
    python benchmarks/run.py --only step     # just the drop-in step() benchmark
    python benchmarks/run.py --no-write      # print the tables, leave the doc alone

Each benchmark's section of docs/benchmarks.md lies between ``<!-- <name>:begin -->`` and
``<!-- <name>:end -->`` markers and is replaced as a whole (the text around the markers
is left as written); a missing doc or missing markers get a fresh section at the end.
Each section records the date, the machine and the exact command that produced it.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DOC = ROOT / "docs" / "benchmarks.md"
sys.path.insert(0, str(HERE))
if (ROOT / "src").is_dir():
    sys.path.insert(0, str(ROOT / "src"))  # benchmark this checkout's lrkit

import bench_core  # noqa: E402
import bench_step  # noqa: E402


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def git_revision() -> str:
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "src"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return rev + (" + uncommitted changes in src/" if dirty else "")


def machine(load_before: tuple[float, float, float] | None) -> str:
    import numpy
    import torch

    load = f"; load average before the run {load_before[0]:.2f} (1 min)" if load_before else ""
    return (
        f"{cpu_model()}, {os.cpu_count()} logical CPUs{load}; Python "
        f"{platform.python_version()}, numpy {numpy.__version__}, torch {torch.__version__} "
        f"(torch.set_num_threads(1)); {platform.system()} {platform.release()}; "
        f"lrkit at git {git_revision()}"
    )


def section(name: str, table: str, command: str, about: str) -> str:
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"<!-- {name}:begin -->\n"
        f"Measured {now} with `{command}`.\n"
        f"Machine: {about}.\n\n"
        f"{table}"
        f"<!-- {name}:end -->"
    )


def replace_section(text: str, name: str, new: str) -> str:
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    start = text.find(begin)
    stop = text.find(end)
    if start == -1 or stop == -1 or stop < start:
        return text.rstrip("\n") + f"\n\n## {name}\n\n{new}\n"
    return text[:start] + new + text[stop + len(end) :]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run lrkit's benchmarks.")
    parser.add_argument("--only", choices=("core", "step"), help="run one benchmark only")
    parser.add_argument("--no-write", action="store_true", help="do not touch docs/benchmarks.md")
    args = parser.parse_args(argv)
    raw = sys.argv[1:] if argv is None else argv
    command = " ".join(["python", "benchmarks/run.py", *map(shlex.quote, raw)])

    load: tuple[float, float, float] | None = None
    try:
        load = os.getloadavg()
    except OSError:
        pass
    about = machine(load)
    sections: dict[str, str] = {}
    if args.only in (None, "core"):
        print("core: 10^6-step curves ...", file=sys.stderr)
        result: dict[str, Any] = bench_core.run()
        sections["core"] = section("core", bench_core.markdown(result), command, about)
    if args.only in (None, "step"):
        print("step: us per scheduler.step() ...", file=sys.stderr)
        result = bench_step.run()
        sections["step"] = section("step", bench_step.markdown(result), command, about)

    if args.no_write:
        for text in sections.values():
            print(text, end="\n\n")
        return
    text = DOC.read_text() if DOC.exists() else "# Benchmarks\n"
    for name, new in sections.items():
        text = replace_section(text, name, new)
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text(text)
    print(f"wrote {DOC.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
