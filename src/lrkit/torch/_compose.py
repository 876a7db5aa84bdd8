"""SequentialLR and ChainedScheduler: drop-in composites of drop-in (or torch) schedulers."""

from __future__ import annotations

import dataclasses
from bisect import bisect_right
from collections.abc import Sequence
from typing import Any

import numpy as np
from torch.optim.lr_scheduler import ReduceLROnPlateau as _TorchPlateau

import lrkit
from lrkit.compose._sequence import check_milestones
from lrkit.core._errors import fail, fail_type
from lrkit.core._schedule import batched
from lrkit.torch._base import LRScheduler, as_float, copy_value, param_groups, write
from lrkit.torch._closed import _ClosedForm, _same, evaluate_rows, next_chunk
from lrkit.torch._plateau import ReduceLROnPlateau

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
        if isinstance(child, (ReduceLROnPlateau, _TorchPlateau)):
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


def _load_children(children: list[Any], state_dict: dict[str, Any]) -> None:
    """Load a composite's saved child states into its children, naming a child that fails."""
    saved = state_dict.get("_schedulers", [])
    if len(saved) != len(children):
        fail(
            "state_dict['_schedulers']",
            f"a list of {len(children)} states (one per child)",
            len(saved),
        )
    for i, (child, state) in enumerate(zip(children, saved, strict=True)):
        try:
            child.load_state_dict(state)
        except (ValueError, TypeError) as error:
            raise type(error)(f"schedulers[{i}]: {error}") from None


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
        }

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Load every child's state, then write the sequence's current rates."""
        _load_children(self._schedulers, state_dict)
        if "_milestones" in state_dict:
            self._milestones = [int(m) for m in state_dict["_milestones"]]
        self.last_epoch = state_dict.get("last_epoch", self.last_epoch)
        if "_last_lr" in state_dict:
            self._last_lr = list(state_dict["_last_lr"])
        self._restore_optimizer()


class ChainedScheduler(LRScheduler):
    """Step several schedulers of one optimizer together, each on top of the previous.

    Same trajectories as torch's (each child applies its per-step rule to what the
    previous one left); see :class:`lrkit.ChainedScheduler` for the closed form of a chain
    of multiplicative schedules.
    """

    def __init__(self, schedulers: Sequence[Any], optimizer: Any | None = None) -> None:
        if isinstance(schedulers, Sequence) and schedulers and optimizer is None:
            optimizer = getattr(schedulers[0], "optimizer", None)
        children = _check_children("schedulers", schedulers, optimizer)
        self._schedulers = children
        self.optimizer = optimizer
        self._last_lr = [copy_value(g["lr"]) for g in param_groups(optimizer)]
        self._closed_form()

    def _closed_form(self) -> None:
        """Prepare the chain's closed form, where torch's chain has one.

        When every child is a drop-in scheduler whose per-step rule is a pure ratio
        (StepLR, MultiStepLR, ConstantLR, LinearLR, ExponentialLR, PolynomialLR), the lr
        after the whole chain is the base lr times the product of the children's
        factors, and the lr child ``k`` leaves is the product of the first ``k`` factors
        at the new step and the others at the previous one. Those values are computed
        ahead, vectorised, like a lone scheduler's; otherwise the children step one by one.
        """
        self._lrkit_parts: list[tuple[list[Any], list[Any]]] = []
        self._lrkit_rows: list[Any] = []
        self._lrkit_from = 0
        children = self._schedulers
        if not all(isinstance(c, _ClosedForm) and c._rule == "ratio" for c in children):
            return
        count = len(self.optimizer.param_groups)
        if any(len(c._schedules) != count for c in children):
            return
        for k in range(1, len(children) + 1):
            done = [  # the first k factors, at the group's lr
                lrkit.ChainedScheduler(tuple(c._schedules[i] for c in children[:k]))
                for i in range(count)
            ]
            rest = [  # the other factors, at lr 1
                lrkit.ChainedScheduler(
                    tuple(dataclasses.replace(c._schedules[i], lr=1.0) for c in children[k:])
                )
                if k < len(children)
                else lrkit.ConstantLR(1.0, 1.0, 1)
                for i in range(count)
            ]
            self._lrkit_parts.append((done, rest))

    def _fill(self, step: int) -> None:
        first = max(step - 1, 0)
        size = next_chunk(
            len(self._lrkit_rows[0]) if self._lrkit_rows else 0,
            len(self.optimizer.param_groups) * len(self._lrkit_parts),
        )
        steps = np.arange(first, first + size + 1, dtype=np.float64)
        previous = np.maximum(steps - 1.0, 0.0)
        self._lrkit_rows = []
        for done, rest in self._lrkit_parts:
            now = np.asarray(evaluate_rows(done, batched(done), steps))
            before = np.asarray(evaluate_rows(rest, batched(rest), previous))
            self._lrkit_rows.append((now * before).tolist())
        self._lrkit_from = first

    def step(self) -> None:  # type: ignore[override]
        children = self._schedulers
        rows = self._lrkit_rows
        if self._lrkit_parts:
            t = children[0].last_epoch + 1
            k = t - self._lrkit_from
            if not rows or not 1 <= k < len(rows[0]):
                self._fill(t)
                rows, k = self._lrkit_rows, t - self._lrkit_from
            # The chain's exact values, if nothing else moved the lrs since its last step.
            final = rows[-1]
            groups = self.optimizer.param_groups
            exact = len(groups) == len(final[k])
            if exact:
                for group, before in zip(groups, final[k - 1]):  # noqa: B905 (lengths checked)
                    lr = group["lr"]
                    if lr.__class__ is not float or (lr != before and not _same(lr, before)):
                        exact = False
                        break
            if exact and all(child.last_epoch == t - 1 for child in children):
                for group, value in zip(groups, final[k]):  # noqa: B905
                    group["lr"] = value
                for child, child_rows in zip(children, rows):  # noqa: B905
                    child.last_epoch = t
                    child._step_count += 1
                    child._last_lr = list(child_rows[k])
                self._last_lr = list(final[k])
                return
        for child in children:
            child.step()
        self._last_lr = [copy_value(g["lr"]) for g in self.optimizer.param_groups]

    def state_dict(self) -> dict[str, Any]:
        return {
            "_last_lr": [as_float(v) for v in self._last_lr],
            "_schedulers": [child.state_dict() for child in self._schedulers],
        }

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Load every child's state, then write the chain's current rates."""
        _load_children(self._schedulers, state_dict)
        if "_last_lr" in state_dict:
            self._last_lr = list(state_dict["_last_lr"])
        self._restore_optimizer()
        self._closed_form()  # the children's schedules may have changed
