"""Drive a real torch optimizer and scheduler and record what they set, step by step.

``torch_trace(kind, lrs, build, steps)`` makes a torch optimizer (``"sgd"`` with momentum
or ``"adam"``) with one real ``nn.Parameter`` (with a gradient) per param group, builds a
scheduler on it with ``build(optimizer)``, and then, ``steps`` times, calls
``optimizer.step()`` and then ``scheduler.step()``. Row ``t`` of the result is the state
right after ``t`` scheduler steps (row 0: right after construction), torch's
``last_epoch == t``, which is what ``lrkit`` schedules take as their step.

For long runs, ``optimizer_every=k`` calls ``optimizer.step()`` only before every k-th
scheduler step (always before the first one, so torch sees the documented order and
does not warn); the scheduler itself is stepped every time.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import torch
from torch import nn
from torch.optim import Optimizer

__all__ = ["Trace", "group_momentum", "make_optimizer", "record", "torch_trace"]

FloatArray = npt.NDArray[np.float64]


@dataclasses.dataclass(frozen=True)
class Trace:
    """What torch set on each param group after each scheduler step.

    ``lr[t, g]`` is param group ``g``'s lr after ``t`` scheduler steps; ``momentum[t, g]``
    its SGD ``momentum`` or Adam ``betas[0]``. If a step raised one of the exceptions the
    caller asked to stop on, the rows stop before it and ``error``/``failed_at`` say so.
    """

    lr: FloatArray
    momentum: FloatArray
    error: BaseException | None = None
    failed_at: int | None = None
    seconds: float = 0.0

    @property
    def steps(self) -> int:
        """The number of scheduler steps recorded (rows minus one)."""
        return int(self.lr.shape[0]) - 1

    @property
    def groups(self) -> int:
        return int(self.lr.shape[1])


def make_optimizer(
    kind: str, lrs: Sequence[float], *, momentum: float = 0.9, seed: int = 0
) -> Optimizer:
    """A real torch optimizer with one small parameter (with a gradient) per lr in ``lrs``."""
    generator = torch.Generator().manual_seed(seed)
    groups: list[dict[str, Any]] = []
    for lr in lrs:
        parameter = nn.Parameter(torch.randn(3, generator=generator, dtype=torch.float64))
        parameter.grad = torch.randn(3, generator=generator, dtype=torch.float64)
        groups.append({"params": [parameter], "lr": float(lr)})
    if kind == "sgd":
        return torch.optim.SGD(groups, lr=float(lrs[0]), momentum=momentum)
    if kind == "adam":
        return torch.optim.Adam(groups, lr=float(lrs[0]), betas=(momentum, 0.999))
    raise ValueError(f"unknown optimizer kind {kind!r} (use 'sgd' or 'adam')")


def group_momentum(group: dict[str, Any]) -> float:
    """The momentum a scheduler cycles on this group: Adam's beta1 or SGD's momentum."""
    if "betas" in group:
        return float(group["betas"][0])
    return float(group["momentum"])


def record(
    optimizer: Optimizer,
    scheduler: Any,
    steps: int,
    *,
    optimizer_every: int = 1,
    stop_on: tuple[type[BaseException], ...] = (),
) -> Trace:
    """Step ``scheduler`` ``steps`` times (after ``optimizer.step()``) and record every group."""
    groups = optimizer.param_groups
    count = len(groups)
    lr = np.empty((steps + 1, count), dtype=np.float64)
    momentum = np.empty((steps + 1, count), dtype=np.float64)
    has_momentum = all("betas" in g or "momentum" in g for g in groups)

    def read(row: int) -> None:
        for g, group in enumerate(groups):
            lr[row, g] = float(group["lr"])
            momentum[row, g] = group_momentum(group) if has_momentum else np.nan

    started = time.perf_counter()
    read(0)
    for t in range(1, steps + 1):
        if (t - 1) % optimizer_every == 0:
            optimizer.step()
        try:
            scheduler.step()
        except stop_on as error:
            return Trace(
                lr[:t].copy(),
                momentum[:t].copy(),
                error=error,
                failed_at=t,
                seconds=time.perf_counter() - started,
            )
        read(t)
    return Trace(lr, momentum, seconds=time.perf_counter() - started)


def torch_trace(
    kind: str,
    lrs: Sequence[float],
    build: Callable[[Optimizer], Any],
    steps: int,
    *,
    momentum: float = 0.9,
    optimizer_every: int = 1,
    stop_on: tuple[type[BaseException], ...] = (),
) -> Trace:
    """Make an optimizer, build the scheduler on it, and record ``steps`` steps."""
    optimizer = make_optimizer(kind, lrs, momentum=momentum)
    scheduler = build(optimizer)
    return record(optimizer, scheduler, steps, optimizer_every=optimizer_every, stop_on=stop_on)
