"""Preview a torch or drop-in scheduler without a training loop.

:func:`preview` builds a real torch optimizer over small real parameters, hands it to a
scheduler factory, then steps the optimizer and the scheduler ``steps`` times (optimizer
first, as a training loop does), recording every param group's lr and momentum after
construction and after each step. Works with ``torch.optim.lr_scheduler`` and with
``lrkit.torch`` alike; torch is imported only when it is called.

:func:`rerun` previews a scheduler that already exists (one a training script built, maybe
stepped): a copy of it, wound back to step 0, steps on a copy of its optimizer's param
groups. The scheduler, its optimizer and their parameters are left as they were; a user's
function (``lr_lambda``) is called only for the steps previewed. ``lrkit.plot`` draws
schedulers this way. :func:`is_scheduler` tells such an object from anything else
without importing torch.

>>> from torch.optim.lr_scheduler import StepLR
>>> values = preview(lambda opt: StepLR(opt, step_size=2, gamma=0.5), 4, lrs=(1.0,))
>>> values["lr"][:, 0].tolist()
[1.0, 1.0, 0.5, 0.5, 0.25]
"""

from __future__ import annotations

import copy
import dataclasses
import warnings
from bisect import bisect_right
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["MAX_RERUN_STEPS", "default_length", "is_scheduler", "preview", "rerun"]

#: :func:`rerun` steps a scheduler one step at a time (some 10 µs a step): at most this many.
MAX_RERUN_STEPS = 1_000_000
#: Steps drawn for a scheduler whose arguments do not tell its length.
FALLBACK_LENGTH = 100

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


def _torch_module(name: str) -> bool:
    return name.split(".")[0] == "torch" or name == "lrkit.torch" or name.startswith("lrkit.torch.")


def is_scheduler(obj: Any) -> bool:
    """Whether ``obj`` is a torch scheduler or an ``lrkit.torch`` one (or a subclass of either).

    Judged by the modules its classes come from, so it never imports torch: an object
    whose classes all come from elsewhere is not one.

    >>> is_scheduler(3), is_scheduler("StepLR")
    (False, False)
    """
    return any(_torch_module(getattr(cls, "__module__", "") or "") for cls in type(obj).__mro__)


def _class_names(obj: Any) -> set[str]:
    return {cls.__name__ for cls in type(obj).__mro__}


def default_length(scheduler: Any) -> int:
    """The steps that show a scheduler's whole shape, read from its arguments.

    ``total_steps`` (OneCycleLR), three cycles of CyclicLR, the last milestone plus the
    last child's length (SequentialLR), the longest child (ChainedScheduler), or the
    ``length`` of the lrkit schedule of the same name built from the scheduler's attributes
    (StepLR's ``step_size``, CosineAnnealingLR's ``T_max``, ...); else 100.
    """
    children = getattr(scheduler, "_schedulers", None)
    if isinstance(children, (list, tuple)) and children:
        lengths = [default_length(child) for child in children]
        marks = [int(m) for m in getattr(scheduler, "_milestones", None) or ()]
        return marks[-1] + lengths[-1] if marks else max(lengths)
    total = getattr(scheduler, "total_steps", None)
    if isinstance(total, int) and not isinstance(total, bool) and total > 0:
        return total
    size = getattr(scheduler, "total_size", None)
    if isinstance(size, (int, float)) and not isinstance(size, bool) and size > 0:
        return max(1, round(3 * float(size)))
    return _core_length(scheduler) or FALLBACK_LENGTH


def _core_length(scheduler: Any) -> int | None:
    from lrkit import core

    found = getattr(core, type(scheduler).__name__, None)
    if not (isinstance(found, type) and issubclass(found, core.Schedule)):
        return None
    cls: Any = found  # a schedule dataclass
    kwargs: dict[str, Any] = {}
    for item in dataclasses.fields(cls):
        if item.name == "lr" or not hasattr(scheduler, item.name):
            continue
        value = getattr(scheduler, item.name)
        if hasattr(value, "elements"):  # torch's MultiStepLR keeps a Counter
            value = sorted(value.elements())
        kwargs[item.name] = value
    try:
        length = cls(lr=1.0, **kwargs).length
    except (TypeError, ValueError):
        return None
    return int(length) if length is not None else None


def _momentum_of(group: dict[str, Any]) -> float:
    if "momentum" in group:
        return float(group["momentum"])
    if "betas" in group:
        return float(group["betas"][0])
    return float("nan")


def rerun(scheduler: Any, steps: int | None = None) -> dict[str, FloatArray]:
    """The lr (and momentum) a torch or ``lrkit.torch`` scheduler gives from its step 0.

    The scheduler is copied (``copy.deepcopy``, its optimizer replaced by a stand-in
    holding a copy of each param group's settings, with ``lr`` back at ``initial_lr``),
    the copy is wound back to the state construction leaves (step 0, as SequentialLR and
    ChainedScheduler build theirs: children in order) and stepped ``steps`` times. The
    scheduler given, its optimizer, their parameters and state are not touched; functions
    (``lr_lambda``) are shared with the copy, so they run once per previewed step.

    Args:
        scheduler: a scheduler of ``torch.optim.lr_scheduler`` or ``lrkit.torch`` (not
            ReduceLROnPlateau, whose lr follows a metric: use :func:`preview` with
            ``metrics``).
        steps: how many steps (at most :data:`MAX_RERUN_STEPS`); default
            :func:`default_length`.

    Returns:
        As :func:`preview`: ``{"lr": (steps + 1, groups), "momentum": (steps + 1, groups)}``
        (``nan`` momentum for an optimizer that has none).
    """
    if not is_scheduler(scheduler):
        raise TypeError(
            "scheduler must be a scheduler of torch.optim.lr_scheduler or lrkit.torch, "
            f"got {type(scheduler).__name__}"
        )
    if "ReduceLROnPlateau" in _class_names(scheduler):
        raise TypeError(
            "scheduler must not be a ReduceLROnPlateau: its lr follows a metric, so it has "
            "no curve of its own; preview one with lrkit.preview.preview(factory, steps, "
            "metrics=[...])"
        )
    if steps is None:
        steps = default_length(scheduler)
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
        raise ValueError(f"steps must be an integer >= 0, got {steps!r}")
    if steps > MAX_RERUN_STEPS:
        raise ValueError(
            f"steps must be at most {MAX_RERUN_STEPS:,} for a torch scheduler (it is stepped "
            f"one step at a time), got {steps}"
        )
    copied, groups = _fresh_copy(scheduler)
    lr_rows = [[float(g["lr"]) for g in groups]]
    m_rows = [[_momentum_of(g) for g in groups]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # step order, deprecations: about the copy, not yours
        for _ in range(steps):
            copied.step()
            lr_rows.append([float(g["lr"]) for g in groups])
            m_rows.append([_momentum_of(g) for g in groups])
    return {
        "lr": np.asarray(lr_rows, dtype=np.float64),
        "momentum": np.asarray(m_rows, dtype=np.float64),
    }


def _fresh_copy(scheduler: Any) -> tuple[Any, list[dict[str, Any]]]:
    """A copy of ``scheduler`` at step 0, over a stand-in optimizer; and its param groups."""
    import torch

    live = scheduler.optimizer
    params = [torch.nn.Parameter(torch.zeros(1)) for _ in live.param_groups]
    stand_in = torch.optim.SGD([{"params": [p]} for p in params], lr=0.0)
    stand_in.defaults = copy.deepcopy(live.defaults)
    memo: dict[int, Any] = {id(live): stand_in}
    for group, mine, param in zip(live.param_groups, stand_in.param_groups, params, strict=True):
        mine.clear()
        mine.update({key: copy.deepcopy(value) for key, value in group.items() if key != "params"})
        mine["params"] = [param]
        memo[id(group)] = mine
        memo[id(group["params"])] = mine["params"]
    _share_callables(scheduler, memo)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        copied = copy.deepcopy(scheduler, memo)
        _restart(copied, stand_in.param_groups)
    return copied, stand_in.param_groups


def _share_callables(scheduler: Any, memo: dict[int, Any]) -> None:
    """Keep the user's functions (``lr_lambda``, ``scale_fn``: also bound methods, whose
    objects a deep copy would copy) shared between a scheduler and its copy."""
    for value in vars(scheduler).values():
        items = value if isinstance(value, (list, tuple)) else (value,)
        for item in items:
            if is_scheduler(item):
                _share_callables(item, memo)
            elif callable(item) and not isinstance(item, type):
                memo[id(item)] = item


def _reset_rates(groups: list[dict[str, Any]]) -> None:
    for group in groups:
        if "initial_lr" in group:
            group["lr"] = copy.deepcopy(group["initial_lr"])


def _restart(scheduler: Any, groups: list[dict[str, Any]], *, top: bool = True) -> None:
    """Wind a copied scheduler back to where construction leaves it.

    Construction order is replayed: a plain scheduler takes its construction step (from
    ``initial_lr`` at the top, from the rates its siblings left inside a chain), a chain's
    children take theirs in order, and SequentialLR then resets the rates, winds its
    children back a step and lets the child for step 0 take the construction step.
    """
    if top:
        _reset_rates(groups)
    children = getattr(scheduler, "_schedulers", None)
    if not isinstance(children, (list, tuple)):
        scheduler.last_epoch = -1
        scheduler._initial_step()
        return
    for child in children:
        _restart(child, groups, top=False)
    marks = getattr(scheduler, "_milestones", None)
    if marks is None:  # ChainedScheduler: the children's steps, one after another
        scheduler._last_lr = [copy.deepcopy(g["lr"]) for g in groups]
        return
    _reset_rates(groups)
    for child in children:
        _undo(child)
    scheduler.last_epoch = 0
    first = children[bisect_right(list(marks), 0)]
    first._initial_step()
    scheduler._last_lr = list(first.get_last_lr())


def _undo(scheduler: Any) -> None:
    children = getattr(scheduler, "_schedulers", None)
    if isinstance(children, (list, tuple)):
        for child in children:
            _undo(child)
    elif hasattr(scheduler, "last_epoch"):
        scheduler.last_epoch -= 1
