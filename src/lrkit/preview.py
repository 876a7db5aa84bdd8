"""Preview a torch or drop-in scheduler without a training loop.

:func:`preview` builds a real torch optimizer over small real parameters, hands it to a
scheduler factory, then steps the optimizer and the scheduler ``steps`` times (optimizer
first, as a training loop does), recording every param group's lr and momentum after
construction and after each step. Works with ``torch.optim.lr_scheduler`` and with
``lrkit.torch`` alike; torch is imported only when it is called.

>>> from torch.optim.lr_scheduler import StepLR
>>> values = preview(lambda opt: StepLR(opt, step_size=2, gamma=0.5), 4, lrs=(1.0,))
>>> values["lr"][:, 0].tolist()
[1.0, 1.0, 0.5, 0.5, 0.25]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["preview"]

FloatArray = npt.NDArray[np.float64]


def preview(
    factory: Callable[[Any], Any],
    steps: int,
    *,
    lrs: Sequence[float] = (0.1,),
    momentum: float = 0.9,
    optimizer: str = "sgd",
    metrics: Sequence[float] | None = None,
) -> dict[str, FloatArray]:
    """The lr (and momentum) a scheduler gives over ``steps`` steps.

    Args:
        factory: called with the optimizer, returns the scheduler, e.g.
            ``lambda opt: torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=100)``.
        steps: how many times to step (an integer >= 0).
        lrs: one initial lr per param group.
        momentum: SGD's momentum, or Adam's ``beta1`` (what CyclicLR and OneCycleLR cycle).
        optimizer: ``"sgd"`` (torch.optim.SGD with ``momentum``) or ``"adam"``
            (torch.optim.Adam with ``betas=(momentum, 0.999)``).
        metrics: for ReduceLROnPlateau: ``scheduler.step(metrics[k])`` at step ``k``;
            at least ``steps`` values.

    Returns:
        ``{"lr": array (steps + 1, groups), "momentum": array (steps + 1, groups)}``: row 0
        right after construction, row ``k`` after the ``k``-th ``scheduler.step()``.
        ``"momentum"`` is SGD's ``momentum`` or Adam's ``betas[0]``.
    """
    import torch

    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
        raise ValueError(f"steps must be an integer >= 0, got {steps!r}")
    rates = [float(lr) for lr in lrs]
    if not rates:
        raise ValueError("lrs must hold at least one learning rate, got an empty sequence")
    if optimizer not in ("sgd", "adam"):
        raise ValueError(f"optimizer must be 'sgd' or 'adam', got {optimizer!r}")
    if metrics is not None and len(metrics) < steps:
        raise ValueError(f"metrics must hold at least steps={steps} values, got {len(metrics)}")

    params = [torch.nn.Parameter(torch.zeros(2)) for _ in rates]
    groups: list[dict[str, Any]] = [
        {"params": [p], "lr": lr} for p, lr in zip(params, rates, strict=True)
    ]
    opt: torch.optim.Optimizer
    if optimizer == "sgd":
        opt = torch.optim.SGD(groups, lr=rates[0], momentum=momentum)
        key = "momentum"
    else:
        opt = torch.optim.Adam(groups, lr=rates[0], betas=(momentum, 0.999))
        key = "betas"
    scheduler = factory(opt)

    def record() -> tuple[list[float], list[float]]:
        lr_row = [float(g["lr"]) for g in opt.param_groups]
        m_row = [float(g[key][0] if key == "betas" else g[key]) for g in opt.param_groups]
        return lr_row, m_row

    lr_rows, m_rows = [], []
    row = record()
    lr_rows.append(row[0])
    m_rows.append(row[1])
    for k in range(steps):
        for p in params:
            p.grad = torch.ones_like(p)
        opt.step()
        opt.zero_grad()
        if metrics is not None:
            scheduler.step(float(metrics[k]))
        else:
            scheduler.step()
        row = record()
        lr_rows.append(row[0])
        m_rows.append(row[1])
    return {
        "lr": np.asarray(lr_rows, dtype=np.float64),
        "momentum": np.asarray(m_rows, dtype=np.float64),
    }
