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
    """Run schedulers one after another, each from its own step 0 at its milestone.

    As torch's: the child for step 0 takes the construction step (the others are wound
    back), and at milestone ``m_i`` child ``i`` restarts with its closed form at step 0.
    Unlike torch's, milestones must be strictly increasing (torch silently skips children
    when they are not), and every argument is checked before the optimizer is touched.
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
    """Step several schedulers of one optimizer together, each on top of the previous.

    Same trajectories as torch's: each child applies its per-step rule to what the
    previous one left. (:class:`lrkit.ChainedScheduler` is the closed form of a chain of
    products of per-step factors.)
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
