"""``python -m lrkit``: print a few built-in schedules as a table."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from lrkit import (
    CosineAnnealingLR,
    LinearLR,
    MultiStepLR,
    OneCycleLR,
    Schedule,
    StepLR,
)

BUILT_IN: dict[str, Schedule] = {
    "StepLR": StepLR(lr=0.05, step_size=30, gamma=0.1),
    "MultiStepLR": MultiStepLR(lr=0.05, milestones=(30, 80), gamma=0.1),
    "LinearLR": LinearLR(lr=0.05, start_factor=0.5, total_iters=4),
    "CosineAnnealingLR": CosineAnnealingLR(lr=0.1, T_max=100, eta_min=0.001),
    "OneCycleLR": OneCycleLR(max_lr=0.1, total_steps=100),
}


def main(argv: Sequence[str] | None = None) -> int:
    """Print the built-in schedules at a few steps; returns the exit code."""
    del argv
    steps = [0, 1, 4, 10, 30, 50, 80, 99, 100]
    names = list(BUILT_IN)
    width = max(len(n) for n in names) + 2
    print("step".rjust(6) + "".join(n.rjust(width) for n in names))
    for t in steps:
        row = "".join(f"{BUILT_IN[n](t):.6g}".rjust(width) for n in names)
        print(f"{t:6d}{row}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
