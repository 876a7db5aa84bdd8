"""The torch-compatible base class: param-group plumbing, step bookkeeping and state.

Nothing here computes a learning rate: the built-in classes are views of the core
schedules (:mod:`lrkit.torch._adapter`), and a user's own subclass supplies ``get_lr()``
the torch way.
"""

from __future__ import annotations

import warnings
import weakref
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import torch
from torch import Tensor
from torch.optim.lr_scheduler import LRScheduler as _TorchLRScheduler

from lrkit.core import LrkitError, check_int, fail, fail_type

__all__ = [
    "EPOCH_DEPRECATION_WARNING",
    "FORMAT_VERSION",
    "STEP_ORDER_WARNING",
    "LRScheduler",
    "_LRScheduler",
]

#: The version of lrkit's state-dict format, saved under the key ``"_lrkit"``.
FORMAT_VERSION = 1

EPOCH_DEPRECATION_WARNING = (
    "The epoch parameter in `scheduler.step()` is deprecated (as in torch): the scheduler "
    "jumps to that epoch and evaluates its closed form there where it has one. Call "
    "`scheduler.step()` without arguments once per step instead."
)

STEP_ORDER_WARNING = (
    "Detected call of `lr_scheduler.step()` before `optimizer.step()`. Since PyTorch 1.1 "
    "the optimizer steps first: called this way round, the first value of the schedule "
    "is never used for training. (A first optimizer step that GradScaler skipped because "
    "of inf/NaN gradients shows up here too, as in torch.)"
)

GET_LR_WARNING = "To get the last learning rate computed by the scheduler, use get_last_lr()."

Group = dict[str, Any]

# -- step order: optimizers watched through their public step hooks ---------------------
#: Each watched optimizer, and whether its step() has run since the first lrkit scheduler
#: of it was built (the hook sets it; nothing replaces ``optimizer.step``).
_STEPPED: weakref.WeakKeyDictionary[Any, bool] = weakref.WeakKeyDictionary()


def _mark_stepped(optimizer: Any, args: Any, kwargs: Any) -> None:
    _STEPPED[optimizer] = True


def watch_steps(optimizer: Any) -> None:
    """Start noticing ``optimizer.step()`` calls (once per optimizer)."""
    register = getattr(optimizer, "register_step_post_hook", None)
    if register is None:
        return  # not a torch optimizer: nothing to watch, no warning
    try:
        if optimizer in _STEPPED:
            return
        _STEPPED[optimizer] = False
    except TypeError:
        return  # not weakly referenceable or hashable
    register(_mark_stepped)


def optimizer_has_stepped(optimizer: Any) -> bool:
    """Whether the optimizer has stepped (True where that cannot be known)."""
    try:
        stepped = _STEPPED.get(optimizer)
    except TypeError:
        return True
    # torch's own schedulers mark the optimizer in their own way.
    return stepped is None or stepped or bool(getattr(optimizer, "_opt_called", False))


def warn_step_order(scheduler: Any) -> None:
    """torch's warning for a first ``scheduler.step()`` before any ``optimizer.step()``."""
    if not optimizer_has_stepped(scheduler.optimizer):
        warnings.warn(STEP_ORDER_WARNING, UserWarning, stacklevel=3)


# -- param groups -----------------------------------------------------------------
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
            fail(
                argument, f"a single value or a list of {count} (one per param group)", list(value)
            )
        values = list(value)
        names = [f"{argument}[{i}]" for i in range(count)]
    else:
        values = [value] * count
        names = [argument] * count
    if check is None:
        return values
    return [check(name, v) for name, v in zip(names, values, strict=True)]


def renamed(error: LrkitError, name: str) -> LrkitError:
    """``error`` about ``name`` instead (same type, rule and value), caused by it."""
    new = type(error)(name, error.rule, error.value, error.hint)
    new.__cause__ = error
    return new


class LRScheduler(_TorchLRScheduler):
    """The base class of lrkit's schedulers, and of your own: a subclass of torch's LRScheduler.

    A drop-in for torch's `torch.optim.lr_scheduler.LRScheduler`, with the same constructor
    and methods: subclass it, implement `get_lr()`, and the scheduler steps, saves and
    resumes like the built-in ones. Every lrkit scheduler except ReduceLROnPlateau derives
    from it, so `isinstance(scheduler, torch.optim.lr_scheduler.LRScheduler)` holds for all
    of them.

    It has no formula of its own: after t calls of `step()` (t is `last_epoch`) each group's
    lr is what `get_lr()` returns at that point,

        lr_(i,t) = get_lr()[i]     evaluated with self.last_epoch == t

    where `get_lr()` may read `self.base_lrs` (each group's `initial_lr`, its lr when the
    scheduler was built), `self.last_epoch` and the current lrs in
    `self.optimizer.param_groups`.

    Args:
        optimizer: the optimizer whose param groups it drives: a torch optimizer, or any
            object whose `param_groups` is a non-empty list of dicts with an `lr`. Each group
            gets an `initial_lr` (its current lr) unless an earlier scheduler set one.
        last_epoch: the index of the last step taken, a whole number >= -1; -1 (the default)
            starts a new run. Built with `last_epoch=N`, it continues after step N, which
            needs each group's `initial_lr` (restore the optimizer's state first).

    The constructor takes the first step, as torch's does (`last_epoch` becomes 0 and the
    lrs become `get_lr()`'s values for step 0). Then call `step()` once per epoch or batch,
    after `optimizer.step()`; `get_last_lr()` returns the lrs it last wrote.

    Differences from torch, each listed with the test behind it in docs/torch-compat.md
    ("torch compatibility" on the docs site).

    - Any optimizer-like object with `param_groups` is accepted.
    - `optimizer.step()` is watched through the optimizer's public step hooks, not by
      replacing the method; the step-order warning comes exactly when torch gives it.
    - `state_dict()` is plain data (the subclass's attributes that are numbers, strings,
      lists, dicts or tensors); `load_state_dict()` also writes the restored lrs into the
      optimizer, so resuming works in any order.

    Example: a scheduler of your own that halves the lr at every step.

    >>> import torch
    >>> import lrkit.torch as lr_scheduler
    >>> class HalvingLR(lr_scheduler.LRScheduler):
    ...     def get_lr(self):
    ...         return [base * 0.5**self.last_epoch for base in self.base_lrs]
    >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.8)
    >>> scheduler = HalvingLR(opt)
    >>> for epoch in range(3):
    ...     opt.step()
    ...     scheduler.step()
    >>> scheduler.get_last_lr(), scheduler.last_epoch
    ([0.1], 3)
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
        watch_steps(optimizer)

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
        if self._step_count == 1:
            warn_step_order(self)
        self._step_count += 1
        if epoch is not None:
            warnings.warn(EPOCH_DEPRECATION_WARNING, UserWarning, stacklevel=2)
        self._update_lr(epoch)

    def _update_lr(self, epoch: float | None = None) -> None:
        self._get_lr_called_within_step = True
        try:
            if epoch is None:
                self.last_epoch += 1
                values = list(self.get_lr())
            else:
                self.last_epoch = epoch  # type: ignore[assignment]
                closed = getattr(self, "_get_closed_form_lr", None)
                values = list(closed() if callable(closed) else self.get_lr())
        finally:
            self._get_lr_called_within_step = False
        self._write_lrs(values)

    def _write_lrs(self, values: Iterable[Any]) -> None:
        groups = self.optimizer.param_groups
        for group, value in zip(groups, values, strict=True):
            write(group, "lr", as_float(value))
        self._last_lr = [copy_value(group["lr"]) for group in groups]

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
            if key == "optimizer":
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
        if last is not None:
            self._last_lr = restore_lrs(self.optimizer, last)


def known_state(
    scheduler: Any, state_dict: Any, also: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """The keys of ``state_dict`` the scheduler saves itself (and ``also``); the others are
    dropped with a warning (a newer version's). Refuses a state that is not a dict."""
    if not isinstance(state_dict, Mapping):
        fail_type("state_dict", "a dict (from state_dict())", state_dict)
    known = set(scheduler.state_dict()) | also
    unknown = sorted(str(k) for k in state_dict if k not in known)
    if unknown:
        warnings.warn(
            f"{type(scheduler).__name__}.load_state_dict ignored keys it does not know: "
            f"{', '.join(unknown)} (written by a newer version?)",
            UserWarning,
            stacklevel=4,
        )
    return {k: v for k, v in state_dict.items() if k in known}


def restore_lrs(optimizer: Any, lrs: list[Any]) -> list[Any]:
    """Write restored rates into the param groups; return them as ``get_last_lr()`` holds them."""
    groups = optimizer.param_groups
    if len(lrs) != len(groups):
        raise ValueError(
            f"the state holds {len(lrs)} learning rates but the optimizer has "
            f"{len(groups)} param groups"
        )
    for group, value in zip(groups, lrs, strict=True):
        write(group, "lr", as_float(value))
    return [copy_value(group["lr"]) for group in groups]


class _LRScheduler(LRScheduler):
    """The old name of LRScheduler, kept for older subclasses (torch keeps it too).

    A drop-in for torch's `torch.optim.lr_scheduler._LRScheduler`, the name of the base class
    before torch 2.0. Code written against it (`class MyLR(_LRScheduler)`) keeps working:
    it is a subclass of lrkit's LRScheduler, itself a subclass of torch's LRScheduler, and
    behaves exactly as LRScheduler does. New code should subclass LRScheduler.

    There is no formula of its own: after t calls of `step()` (t is `last_epoch`) each
    group's lr is what the subclass's `get_lr()` returns,

        lr_(i,t) = get_lr()[i]     evaluated with self.last_epoch == t

    with `self.base_lrs` holding each group's `initial_lr` (its lr when the scheduler was
    built).

    Args:
        optimizer: the optimizer whose param groups it drives: a torch optimizer, or any
            object whose `param_groups` is a non-empty list of dicts with an `lr`. Each group
            gets an `initial_lr` (its current lr) unless an earlier scheduler set one.
        last_epoch: the index of the last step taken, a whole number >= -1; -1 (the default)
            starts a new run. Built with `last_epoch=N`, it continues after step N, which
            needs each group's `initial_lr` (restore the optimizer's state first).

    The constructor takes the first step, as torch's does; call `step()` after
    `optimizer.step()`, and read the lrs with `get_last_lr()`.

    Differences from torch are LRScheduler's, listed with their tests in
    docs/torch-compat.md ("torch compatibility" on the docs site).

    - Any optimizer-like object with `param_groups` is accepted.
    - `optimizer.step()` is watched through the optimizer's public step hooks, not by
      replacing the method.
    - `state_dict()` is plain data; `load_state_dict()` also writes the restored lrs into
      the optimizer, so resuming works in any order.

    Example: an older-style subclass with a linear decay over 4 steps.

    >>> import torch
    >>> import lrkit.torch as lr_scheduler
    >>> class LinearDecay(lr_scheduler._LRScheduler):
    ...     def get_lr(self):
    ...         left = max(0, 4 - self.last_epoch) / 4
    ...         return [base * left for base in self.base_lrs]
    >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.4)
    >>> scheduler = LinearDecay(opt)
    >>> lrs = []
    >>> for epoch in range(5):
    ...     lrs.append(opt.param_groups[0]["lr"])
    ...     opt.step()
    ...     scheduler.step()
    >>> [round(lr, 12) for lr in lrs]
    [0.4, 0.3, 0.2, 0.1, 0.0]
    """


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
