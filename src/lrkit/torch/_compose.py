"""SequentialLR and ChainedScheduler: drop-in composites of drop-in (or torch) schedulers."""

from __future__ import annotations

import contextlib
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from typing import Any

from torch.optim.lr_scheduler import ReduceLROnPlateau as _TorchPlateau

from lrkit.compose import check_milestones
from lrkit.core import LrkitError, fail, fail_type
from lrkit.torch._adapter import all_or_nothing, check_epoch, rates
from lrkit.torch._base import (
    FORMAT_VERSION,
    LRScheduler,
    as_float,
    copy_value,
    known_state,
    param_groups,
    renamed,
    write,
)

__all__ = ["ChainedScheduler", "SequentialLR"]


def _check_children(argument: str, schedulers: Any, optimizer: Any) -> list[Any]:
    """Validate the children: a non-empty list of distinct schedulers of one optimizer."""
    if isinstance(schedulers, (str, bytes, dict)) or not isinstance(schedulers, Sequence):
        fail_type(argument, "a list of schedulers", schedulers)
    children = list(schedulers)
    if not children:
        fail(argument, "a non-empty list of schedulers", children)
    seen: dict[int, int] = {}
    for i, child in enumerate(children):
        name = f"{argument}[{i}]"
        if not hasattr(child, "optimizer") or not callable(getattr(child, "step", None)):
            fail_type(name, "a learning-rate scheduler (with .optimizer and .step())", child)
        if isinstance(child, _TorchPlateau):
            fail(
                name,
                "a scheduler stepped without a metric",
                type(child).__name__,
                hint="ReduceLROnPlateau needs step(metrics)",
            )
        if child.optimizer is not optimizer:
            fail(
                name,
                "a scheduler of the same optimizer as the others",
                type(child).__name__,
                hint=f"it steps a different {type(child.optimizer).__name__}",
            )
        if id(child) in seen:
            fail(
                name,
                "a scheduler not already in the list",
                type(child).__name__,
                hint=f"it is {argument}[{seen[id(child)]}] again",
            )
        seen[id(child)] = i
    return children


@contextlib.contextmanager
def composite_transaction(scheduler: Any) -> Iterator[None]:
    """All or nothing for a composite, its children (and theirs), and the optimizer."""
    with contextlib.ExitStack() as stack:
        for child in _descendants(scheduler):
            stack.enter_context(all_or_nothing(child))
        yield


def _descendants(scheduler: Any) -> list[Any]:
    out = [scheduler]
    for child in getattr(scheduler, "_schedulers", ()):
        out += _descendants(child)
    return out


def checked_composite_state(scheduler: Any, state_dict: Any) -> dict[str, Any]:
    """A composite's state, its own keys validated (the children validate theirs)."""
    state = known_state(scheduler, state_dict, frozenset({"optimizer"}))
    if "last_epoch" in state:
        state["last_epoch"] = check_epoch("state_dict['last_epoch']", state["last_epoch"])
    if "_last_lr" in state:
        state["_last_lr"] = rates(
            "state_dict['_last_lr']", state["_last_lr"], len(param_groups(scheduler.optimizer))
        )
    return state


def _load_children(children: list[Any], state_dict: dict[str, Any]) -> None:
    """Load a composite's saved child states into its children, naming a child that fails."""
    saved = state_dict.get("_schedulers", [])
    if not isinstance(saved, list):
        fail_type("state_dict['_schedulers']", f"a list of {len(children)} states", saved)
    if len(saved) != len(children):
        fail(
            "state_dict['_schedulers']",
            f"a list of {len(children)} states (one per child)",
            len(saved),
        )
    for i, (child, state) in enumerate(zip(children, saved, strict=True)):
        try:
            child.load_state_dict(state)
        except LrkitError as error:
            raise error.with_path(f"state_dict['_schedulers'][{i}]") from error


def _undo_initial_step(scheduler: Any) -> None:
    """Wind a child (and its own children) back by the step it took when it was built."""
    children = getattr(scheduler, "_schedulers", None)
    if children is not None:
        for child in children:
            _undo_initial_step(child)
    elif hasattr(scheduler, "last_epoch"):
        scheduler.last_epoch -= 1


class SequentialLR(LRScheduler):
    """Run several schedulers one after another, switching at the given milestones.

    A drop-in for torch's `torch.optim.lr_scheduler.SequentialLR`: the same arguments,
    attributes and learning rates. The usual use is a warm-up followed by a decay: a LinearLR
    for the first steps, then a CosineAnnealingLR, each built on the same optimizer first.

    With milestones m_1 < m_2 < ... < m_(n-1) and m_0 = 0, step t belongs to child i when
    m_i <= t < m_(i+1) (the last child runs on for ever), and that child runs at its own
    step count, restarted at its milestone:

        lr_t = the lr of schedulers[i] at its step t - m_i

    Only the child of the current step is stepped; the others wait. At its milestone a
    child starts again from its own step 0 with its closed form, as in torch.

    Args:
        optimizer: the optimizer of every child: a torch optimizer, or any object whose
            `param_groups` is a non-empty list of dicts with an `lr` and an `initial_lr`
            (which the children set when they are built).
        schedulers: the children, in order: a non-empty list of schedulers of `optimizer`
            (lrkit's, torch's, or your own). Each may appear only once (torch steps a
            repeated one twice per step), and ReduceLROnPlateau, which needs a metric,
            is refused (by torch too).
        milestones: the steps at which each child after the first takes over: one fewer
            than the children, whole numbers from 0 to 2**53, strictly increasing. torch
            also takes milestones that repeat or go down, and then silently skips a child;
            lrkit refuses them.
        last_epoch: the index of the last step taken; -1 (the default) starts a new run.

    When built, the lrs go back to each group's `initial_lr`, every child is wound back by
    the step it took when it was built, and the child for step 0 takes the first step.
    Every argument is checked before the optimizer is touched; an error names the child at
    fault (`schedulers[1]`). `get_lr()` raises NotImplementedError, as in torch.

    Differences from torch, each listed with the test behind it in docs/torch-compat.md
    ("torch compatibility" on the docs site).

    - The checks above (strictly increasing milestones, no child twice).
    - Kept as torch does them: a MultiplicativeLR child continues from the previous
      child's lr at its milestone, and a CosineAnnealingWarmRestarts child keeps its cycle
      position (the closed-form `lrkit.SequentialLR` restarts each child from its own lr).
    - `state_dict()` is plain data, holding each child's state; `load_state_dict()` loads
      them all or nothing and writes the restored lrs into the optimizer, so resuming works
      in any order (torch's breaks when the optimizer's state is loaded first).

    Example: a 3-step linear warm-up, then halving at every step.

    >>> import torch
    >>> import lrkit.torch as lr_scheduler
    >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    >>> warmup = lr_scheduler.LinearLR(opt, start_factor=0.25, total_iters=3)
    >>> decay = lr_scheduler.ExponentialLR(opt, gamma=0.5)
    >>> scheduler = lr_scheduler.SequentialLR(opt, [warmup, decay], milestones=[3])
    >>> lrs = []
    >>> for epoch in range(6):
    ...     lrs.append(opt.param_groups[0]["lr"])
    ...     opt.step()
    ...     scheduler.step()
    >>> [round(lr, 12) for lr in lrs]
    [0.025, 0.05, 0.075, 0.1, 0.05, 0.025]
    """

    def __init__(
        self,
        optimizer: Any,
        schedulers: Sequence[Any],
        milestones: Sequence[int],
        last_epoch: int = -1,
    ) -> None:
        groups = param_groups(optimizer)
        children = _check_children("schedulers", schedulers, optimizer)
        marks = list(check_milestones(milestones, len(children)))
        for i, group in enumerate(groups):
            if "initial_lr" not in group:
                raise KeyError(f"optimizer.param_groups[{i}] has no 'initial_lr'")
        # Validated: reset the rates, wind the children back, and let the child for
        # step 0 take the construction step.
        self._schedulers = children
        self._milestones = marks
        self.optimizer = optimizer
        self.last_epoch = last_epoch + 1
        for group in groups:
            write(group, "lr", as_float(group["initial_lr"]))
        for child in children:
            _undo_initial_step(child)
        first = children[bisect_right(marks, 0)]
        first._initial_step()
        self._last_lr = list(first.get_last_lr())

    def step(self) -> None:  # type: ignore[override]
        t = self.last_epoch = self.last_epoch + 1
        milestones = self._milestones
        if not milestones or t > milestones[-1]:  # most steps: the last child runs on
            child = self._schedulers[-1]
            child.step()
        else:
            index = bisect_right(milestones, t)
            child = self._schedulers[index]
            if index > 0 and milestones[index - 1] == t:
                child._update_lr(0)  # the child starts at its own step 0
            else:
                child.step()
        self._last_lr = list(child._last_lr)

    def state_dict(self) -> dict[str, Any]:
        return {
            "_milestones": list(self._milestones),
            "last_epoch": self.last_epoch,
            "_last_lr": [as_float(v) for v in self._last_lr],
            "_schedulers": [child.state_dict() for child in self._schedulers],
            "_lrkit": FORMAT_VERSION,
        }

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Load every child's state, then write the sequence's current rates (all or nothing)."""
        with composite_transaction(self):
            state = checked_composite_state(self, state_dict)
            milestones = self._milestones
            if "_milestones" in state:
                try:
                    milestones = list(check_milestones(state["_milestones"], len(self._schedulers)))
                except LrkitError as error:
                    raise renamed(error, "state_dict['_milestones']") from error
            _load_children(self._schedulers, state)
            self._milestones = milestones
            self.last_epoch = state.get("last_epoch", self.last_epoch)
            if "_last_lr" in state:
                self._last_lr = list(state["_last_lr"])
            self._restore_optimizer()


class ChainedScheduler(LRScheduler):
    """Step several schedulers of one optimizer together, each acting on what the one before left.

    A drop-in for torch's `torch.optim.lr_scheduler.ChainedScheduler`: the same arguments,
    attributes and learning rates. One `step()` steps every child in the order given, so
    their effects combine: a ConstantLR warm-up on top of an ExponentialLR decay, say.

    For children whose rule multiplies the current lr (StepLR, MultiStepLR, ConstantLR,
    LinearLR, ExponentialLR, PolynomialLR, MultiplicativeLR) the factors multiply:

        lr_t = lr_0 * f_1(t) * f_2(t) * ... * f_n(t)

    where lr_0 is the group's `initial_lr` and f_k(t) is child k's factor at step t (its
    lr divided by lr_0 had it run alone). A child that sets the lr outright (LambdaLR,
    CyclicLR, OneCycleLR, CosineAnnealingWarmRestarts, ScheduleLR) overwrites what the
    children before it did, and a CosineAnnealingLR moves the lr by its own recursive rule,
    exactly as in torch.

    Args:
        schedulers: the children, in the order they are stepped: a non-empty list of
            schedulers of one optimizer (lrkit's, torch's, or your own), each at most once
            (torch steps a repeated one twice per step). ReduceLROnPlateau, which needs a
            metric, is refused (by torch too).
        optimizer: the optimizer of the children. Default: None, the first child's
            optimizer. Every child must belong to it.

    The children are built first, each taking its construction step; the chain takes none.
    Every argument is checked and an error names the child at fault (`schedulers[1]`).
    `get_lr()` raises NotImplementedError, as in torch.

    Differences from torch, each listed with the test behind it in docs/torch-compat.md
    ("torch compatibility" on the docs site).

    - A child listed twice is refused.
    - Kept as torch does it: a chained CosineAnnealingLR past its trough drops the other
      children's factors (the closed-form `lrkit.ChainedScheduler` keeps them).
    - `state_dict()` is plain data, holding each child's state; `load_state_dict()` loads
      them all or nothing and writes the restored lrs into the optimizer, so resuming works
      in any order (torch's breaks when the optimizer's state is loaded first).

    Example: half the lr for 2 steps, on top of a 10% decay per step.

    >>> import torch
    >>> import lrkit.torch as lr_scheduler
    >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    >>> warmup = lr_scheduler.ConstantLR(opt, factor=0.5, total_iters=2)
    >>> decay = lr_scheduler.ExponentialLR(opt, gamma=0.9)
    >>> scheduler = lr_scheduler.ChainedScheduler([warmup, decay])
    >>> lrs = []
    >>> for epoch in range(5):
    ...     lrs.append(opt.param_groups[0]["lr"])
    ...     opt.step()
    ...     scheduler.step()
    >>> [round(lr, 12) for lr in lrs]
    [0.5, 0.45, 0.81, 0.729, 0.6561]
    """

    def __init__(self, schedulers: Sequence[Any], optimizer: Any | None = None) -> None:
        if isinstance(schedulers, Sequence) and schedulers and optimizer is None:
            optimizer = getattr(schedulers[0], "optimizer", None)
        children = _check_children("schedulers", schedulers, optimizer)
        self._schedulers = children
        self.optimizer = optimizer
        self._last_lr = [copy_value(g["lr"]) for g in param_groups(optimizer)]

    def step(self) -> None:  # type: ignore[override]
        for child in self._schedulers:
            child.step()
        self._last_lr = [copy_value(g["lr"]) for g in self.optimizer.param_groups]

    def state_dict(self) -> dict[str, Any]:
        return {
            "_last_lr": [as_float(v) for v in self._last_lr],
            "_schedulers": [child.state_dict() for child in self._schedulers],
            "_lrkit": FORMAT_VERSION,
        }

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Load every child's state, then write the chain's current rates (all or nothing)."""
        with composite_transaction(self):
            state = checked_composite_state(self, state_dict)
            _load_children(self._schedulers, state)
            if "_last_lr" in state:
                self._last_lr = list(state["_last_lr"])
            self._restore_optimizer()
