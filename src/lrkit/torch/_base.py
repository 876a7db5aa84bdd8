"""The torch-compatible base class: param-group plumbing, step bookkeeping and state.

Nothing here computes a learning rate: the built-in classes ask the closed-form core
(:mod:`lrkit`) for values, and a user's own subclass supplies ``get_lr()`` the torch way.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import torch
from torch import Tensor
from torch.optim.lr_scheduler import LRScheduler as _TorchLRScheduler

from lrkit.core._errors import LrkitError, check_int, fail, fail_type

__all__ = ["EPOCH_WARNING", "LRScheduler"]

EPOCH_WARNING = (
    "Passing an epoch to scheduler.step() is deprecated in torch; the schedule's closed "
    "form is evaluated at that epoch. Prefer scheduler.step() without arguments."
)

Group = dict[str, Any]


def param_groups(optimizer: Any) -> list[Group]:
    """The optimizer's param groups, checked: a list of dicts that each have an ``lr``."""
    groups = getattr(optimizer, "param_groups", None)
    if not isinstance(groups, list) or not groups:
        fail_type(
            "optimizer",
            "an optimizer: an object whose param_groups is a non-empty list of dicts",
            type(optimizer).__name__,
        )
    for i, group in enumerate(groups):
        if not isinstance(group, dict) or "lr" not in group:
            fail_type(f"optimizer.param_groups[{i}]", "a dict with an 'lr' key", group)
    return groups


def as_float(value: Any) -> float:
    """A Python float from a number or a one-element tensor."""
    return float(value.item()) if isinstance(value, Tensor) else float(value)


def copy_value(value: Any) -> Any:
    """A copy that never aliases a tensor held by the optimizer."""
    return value.clone() if isinstance(value, Tensor) else value


def write(group: Group, key: str, value: float) -> None:
    """Set ``group[key]``: in place when it is a tensor (no recompiles), else by assignment."""
    held = group[key]
    if isinstance(held, Tensor):
        held.fill_(value)
    else:
        group[key] = value


def write_momentum(group: Group, use_beta1: bool, value: float) -> None:
    """Set SGD's ``momentum`` or Adam's ``betas[0]``, keeping a tensor a tensor."""
    if not use_beta1:
        write(group, "momentum", value)
        return
    betas = group["betas"]
    if isinstance(betas[0], Tensor):
        betas[0].fill_(value)
    else:
        group["betas"] = (value, *betas[1:])


def check_last_epoch(value: Any) -> int:
    return check_int("last_epoch", value, low=-1)


def pending_base_lrs(optimizer: Any, last_epoch: int) -> list[float]:
    """The base lrs a scheduler will have, read without writing anything.

    A fresh scheduler (``last_epoch=-1``) takes each group's ``initial_lr`` if an earlier
    scheduler set it, else its ``lr``; a resumed one needs ``initial_lr``, as in torch.
    """
    groups = param_groups(optimizer)
    bases = []
    for i, group in enumerate(groups):
        if last_epoch == -1:
            bases.append(as_float(group.get("initial_lr", group["lr"])))
        elif "initial_lr" not in group:
            raise KeyError(
                f"optimizer.param_groups[{i}] has no 'initial_lr', which resuming with "
                f"last_epoch={last_epoch} needs: load the optimizer's state first, or build "
                "the scheduler with last_epoch=-1 and call load_state_dict()"
            )
        else:
            bases.append(as_float(group["initial_lr"]))
    return bases


def per_group(
    argument: str, value: Any, count: int, check: Callable[[str, Any], Any] | None = None
) -> list[Any]:
    """Expand a scalar-or-list argument to one value per param group (torch's rule)."""
    if isinstance(value, (list, tuple)):
        if len(value) != count:
            fail(argument, f"a single value or a list of {count} (one per param group)", list(value))
        values = list(value)
        names = [f"{argument}[{i}]" for i in range(count)]
    else:
        values = [value] * count
        names = [argument] * count
    if check is None:
        return values
    return [check(name, v) for name, v in zip(names, values, strict=True)]


def build_per_group(make: Callable[[float], Any], bases: Sequence[float]) -> list[Any]:
    """One core schedule per group; a bad group lr is named by its place in the optimizer."""
    out = []
    for i, base in enumerate(bases):
        try:
            out.append(make(base))
        except LrkitError as error:
            if error.argument == "lr":
                name = f"optimizer.param_groups[{i}]['lr']"
                raise type(error)(name, error.rule, error.value, error.hint) from None
            raise
    return out


class LRScheduler(_TorchLRScheduler):
    """Base class of lrkit's drop-in schedulers; a subclass of torch's ``LRScheduler``.

    Like torch's: a subclass implements :meth:`get_lr` (using ``self.base_lrs`` and
    ``self.last_epoch``) and inherits :meth:`step`, :meth:`get_last_lr`,
    :meth:`state_dict` and :meth:`load_state_dict`. Unlike torch's, it accepts any
    optimizer-like object with ``param_groups``, does not patch ``optimizer.step``
    (so no false "step order" warnings, pytorch#44511), and ``load_state_dict`` writes the
    restored rates back into the optimizer, so resuming works in any order.
    """

    optimizer: Any
    base_lrs: list[Any]
    last_epoch: int
    _last_lr: list[Any]

    def __init__(self, optimizer: Any, last_epoch: int = -1) -> None:
        last_epoch = check_last_epoch(last_epoch)
        pending_base_lrs(optimizer, last_epoch)
        self._attach(optimizer, last_epoch)
        self._initial_step()

    # -- construction ------------------------------------------------------------------
    def _attach(self, optimizer: Any, last_epoch: int) -> None:
        """Record the optimizer and write ``initial_lr`` (call only after validating)."""
        groups = param_groups(optimizer)
        if last_epoch == -1:
            for group in groups:
                group.setdefault("initial_lr", copy_value(group["lr"]))
        self.optimizer = optimizer
        self.base_lrs = [copy_value(group["initial_lr"]) for group in groups]
        self.last_epoch = last_epoch
        self._step_count = 0
        self._is_initial = False
        self._get_lr_called_within_step = False

    def _initial_step(self) -> None:
        """The step every torch scheduler takes when it is built."""
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            self._is_initial = False

    # -- stepping -------------------------------------------------------------------------
    def step(self, epoch: float | None = None) -> None:
        """Advance one step (or, deprecated as in torch, jump to ``epoch``)."""
        self._step_count += 1
        if epoch is not None:
            warnings.warn(EPOCH_WARNING, UserWarning, stacklevel=2)
        self._update_lr(epoch)

    def _update_lr(self, epoch: float | None = None) -> None:
        if epoch is None:
            self.last_epoch += 1
            values = self._next_lrs()
        else:
            self.last_epoch = epoch  # type: ignore[assignment]
            values = self._lrs_at(epoch)
        self._write_lrs(values)

    def _next_lrs(self) -> list[Any]:
        """The rates for the step just counted (torch's way: ``get_lr()``)."""
        self._get_lr_called_within_step = True
        try:
            return list(self.get_lr())
        finally:
            self._get_lr_called_within_step = False

    def _lrs_at(self, epoch: float) -> list[Any]:
        """The rates for ``step(epoch)``: the closed form where the class has one."""
        closed = getattr(self, "_get_closed_form_lr", None)
        if callable(closed):
            return list(closed())
        return self._next_lrs()

    def _write_lrs(self, values: Iterable[Any]) -> None:
        groups = self.optimizer.param_groups
        for group, value in zip(groups, values, strict=True):
            held = group["lr"]
            if isinstance(held, Tensor):
                held.fill_(value.item() if isinstance(value, Tensor) else value)
            else:
                group["lr"] = value.item() if isinstance(value, Tensor) else value
        self._last_lr = [
            lr.clone() if isinstance(lr, Tensor) else lr for lr in (g["lr"] for g in groups)
        ]

    def get_last_lr(self) -> list[Any]:
        """The rates this scheduler last wrote, one per param group (tensors copied)."""
        return self._last_lr

    def get_lr(self) -> list[Any]:
        """The rates for the current step: a subclass implements this (torch's way)."""
        raise NotImplementedError(
            f"{type(self).__name__} has no get_lr(); use get_last_lr() for the current rates"
        )

    # -- state ---------------------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """The scheduler's state as plain data (numbers, strings, lists, dicts).

        A user subclass's attributes are included the way torch includes them; values
        that are not plain data (callables, the optimizer) are left out.
        """
        state = {}
        for key, value in self.__dict__.items():
            if key == "optimizer" or key.startswith("_lrkit"):
                continue
            plain = to_plain(value)
            if plain is not _NOT_PLAIN:
                state[key] = plain
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore the state and write the restored rates into the optimizer."""
        for key, value in state_dict.items():
            setattr(self, key, value)
        self._restore_optimizer()

    def _restore_optimizer(self) -> None:
        """Write ``_last_lr`` back into the param groups (resume in any order)."""
        last = getattr(self, "_last_lr", None)
        if last is None:
            return
        groups = self.optimizer.param_groups
        if len(last) != len(groups):
            raise ValueError(
                f"the state holds {len(last)} learning rates but the optimizer has "
                f"{len(groups)} param groups"
            )
        for group, value in zip(groups, last, strict=True):
            write(group, "lr", as_float(value))
        self._last_lr = [copy_value(group["lr"]) for group in groups]


class _NotPlain:
    pass


_NOT_PLAIN: Any = _NotPlain()


def to_plain(value: Any) -> Any:
    """``value`` as plain data, or ``_NOT_PLAIN``: tensors become numbers or lists."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, Tensor):
        return value.item() if value.numel() == 1 else value.tolist()
    if isinstance(value, (list, tuple)):
        items = [to_plain(v) for v in value]
        if any(v is _NOT_PLAIN for v in items):
            return _NOT_PLAIN
        return items if isinstance(value, list) else tuple(items)
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            plain = to_plain(v)
            if plain is _NOT_PLAIN or not isinstance(k, (str, int, float, bool)):
                return _NOT_PLAIN
            out[k] = plain
        return out
    if isinstance(value, (torch.dtype, torch.device)):
        return str(value)
    return _NOT_PLAIN

