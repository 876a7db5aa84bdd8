"""ReduceLROnPlateau: torch's class (an instance of it), deciding by :class:`lrkit.core.PlateauRule`."""

from __future__ import annotations

import warnings
from typing import Any

from torch.optim.lr_scheduler import ReduceLROnPlateau as _TorchPlateau

from lrkit.core import LrkitError, PlateauRule, check_int, check_real, fail_type
from lrkit.torch._adapter import rates
from lrkit.torch._base import (
    EPOCH_DEPRECATION_WARNING,
    FORMAT_VERSION,
    as_float,
    copy_value,
    known_state,
    param_groups,
    per_group,
    renamed,
    restore_lrs,
    write,
)

__all__ = ["ReduceLROnPlateau"]

#: torch's arguments that make up the rule (validated together by PlateauRule).
_RULE = ("mode", "factor", "patience", "threshold", "threshold_mode", "cooldown", "eps")


class _RuleField:
    """An argument of the rule: assigning it validates the value (the rule is rebuilt)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        return getattr(obj._rule, self.name)

    def __set__(self, obj: Any, value: Any) -> None:
        arguments = {name: getattr(obj._rule, name) for name in _RULE}
        arguments[self.name] = value
        obj._rule = PlateauRule(**arguments)


class ReduceLROnPlateau(_TorchPlateau):
    """Cut each param group's lr when a watched metric has stopped improving.

    A drop-in for torch's `torch.optim.lr_scheduler.ReduceLROnPlateau`, and an instance of it
    (so Lightning and transformers' Trainer pass it the metric): the same arguments,
    defaults, attributes and learning rates. Call `step(metric)` once per evaluation, with
    the validation loss (`mode='min'`) or an accuracy (`mode='max'`).

    A metric m improves on the best so far, b, when (`mode='min'`)

        m < b * (1 - threshold)     threshold_mode='rel'
        m < b - threshold           threshold_mode='abs'

    or, with `mode='max'`, when `m > b * (1 + threshold)` or `m > b + threshold`. Once more than
    `patience` metrics in a row fail to improve (outside the `cooldown` after a cut), every
    group's lr is cut and the count starts again:

        new_lr = max(lr * factor, min_lr)     applied only if lr - new_lr > eps

    Args:
        optimizer: the optimizer whose param groups it drives: a torch optimizer, or any
            object whose `param_groups` is a non-empty list of dicts with an `lr`.
        mode: `'min'` (lower is better) or `'max'`. Default: `'min'`.
        factor: the cut, a number in [0, 1). Default: 0.1. torch refuses 1 and above too,
            but takes a negative factor (negative lrs); lrkit refuses it.
        patience: how many metrics without improvement are tolerated before a cut, a whole
            number >= 0. Default: 10. With `patience=2` the third bad metric in a row cuts.
        threshold: how much better a metric must be to count as an improvement, a number
            >= 0. Default: 1e-4.
        threshold_mode: `'rel'` (relative to the best) or `'abs'`. Default: `'rel'`.
        cooldown: metrics to wait after a cut before counting bad ones again, a whole
            number >= 0. Default: 0.
        min_lr: a floor for the lr, one number >= 0 for every group or a list of one per
            group. Default: 0.
        eps: the smallest cut that is applied; a smaller one leaves the lr as it is. A
            number >= 0. Default: 1e-8.

    Negative `patience`, `cooldown`, `threshold` or `eps`, NaN and infinite values, which
    torch takes, are refused when built and when assigned later (`scheduler.factor = 0.5`
    is checked the same way). A refused value raises ValueError or TypeError naming it.
    The metric may be a number, a numpy scalar or a one-element tensor.

    Differences from torch, each listed with the test behind it in docs/torch-compat.md
    ("torch compatibility" on the docs site).

    - The checks above.
    - `state_dict()` is plain data with torch's keys; `load_state_dict()` validates every
      key first, and writes the saved lrs back into the optimizer, so resuming works in any
      order. It never warns about the order of `optimizer.step()` and `scheduler.step()`,
      as torch's does not.

    Example: halve the lr after two evaluations without progress.

    >>> import torch
    >>> import lrkit.torch as lr_scheduler
    >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    >>> scheduler = lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=1)
    >>> lrs = []
    >>> for val_loss in [1.0, 0.8, 0.8, 0.8, 0.8, 0.8, 0.5]:
    ...     opt.step()
    ...     scheduler.step(val_loss)
    ...     lrs.append(opt.param_groups[0]["lr"])
    >>> lrs
    [0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025]
    >>> isinstance(scheduler, torch.optim.lr_scheduler.ReduceLROnPlateau)
    True
    """

    mode = _RuleField()
    factor = _RuleField()
    patience = _RuleField()
    threshold = _RuleField()
    threshold_mode = _RuleField()
    cooldown = _RuleField()
    eps = _RuleField()

    def __init__(
        self,
        optimizer: Any,
        mode: str = "min",
        factor: float = 0.1,
        patience: int = 10,
        threshold: float = 1e-4,
        threshold_mode: str = "rel",
        cooldown: int = 0,
        min_lr: list[float] | float = 0,
        eps: float = 1e-8,
    ) -> None:
        groups = param_groups(optimizer)
        self._rule = PlateauRule(mode, factor, patience, threshold, threshold_mode, cooldown, eps)
        if isinstance(min_lr, (list, tuple)):
            self.min_lrs = per_group("min_lr", min_lr, len(groups), _check_min_lr)
            self.default_min_lr: float | None = None
        else:
            self.default_min_lr = _check_min_lr("min_lr", min_lr)
            self.min_lrs = [self.default_min_lr] * len(groups)
        self.optimizer = optimizer
        self.last_epoch = 0
        self._last_lr = [copy_value(group["lr"]) for group in groups]
        self._reset()

    def get_last_lr(self) -> list[Any]:
        """The lrs of the param groups after the last step, one per group (tensors copied).

        torch's own method (this override only gives it a plain-text docstring).
        """
        return super().get_last_lr()

    def get_lr(self) -> list[Any]:
        """Not available for this class: raises NotImplementedError, as torch's does.

        The lrs change only when ``step(metrics)`` cuts them: use ``get_last_lr()``.
        (torch's own method; this override only gives it a plain-text docstring.)
        """
        return super().get_lr()

    @property
    def mode_worse(self) -> float:  # type: ignore[override]  # torch: a plain attribute
        """The starting ``best``: nothing is worse than it."""
        return self._rule.worst

    def _reset(self) -> None:
        self.best = self._rule.worst
        self.cooldown_counter = 0
        self.num_bad_epochs = 0

    def step(self, metrics: Any, epoch: int | None = None) -> None:  # type: ignore[override]
        """Record one metric and cut the rates if it has stopped improving."""
        if epoch is not None:
            warnings.warn(EPOCH_DEPRECATION_WARNING, UserWarning, stacklevel=2)
            self.last_epoch = epoch - 1
        if self._rule.observe(self, metrics):  # the counters are this scheduler's attributes
            self._reduce_lr(self.last_epoch)
        self._last_lr = [
            lr if lr.__class__ is float else copy_value(lr)
            for lr in [group["lr"] for group in self.optimizer.param_groups]
        ]

    def _reduce_lr(self, epoch: Any) -> None:
        groups = self.optimizer.param_groups
        if len(groups) != len(self.min_lrs):
            if self.default_min_lr is None:
                raise RuntimeError(
                    f"the optimizer has {len(groups)} param groups but min_lr lists "
                    f"{len(self.min_lrs)}: a group was added with add_param_group; set "
                    "scheduler.min_lrs to one value per group"
                )
            self.min_lrs = [self.default_min_lr] * len(groups)
        for group, floor in zip(groups, self.min_lrs, strict=True):
            old = as_float(group["lr"])
            new = self._rule.reduce(old, floor)
            if new != old:
                write(group, "lr", new)

    @property
    def in_cooldown(self) -> bool:
        return self.cooldown_counter > 0

    def _is_better(self, a: float, best: float) -> bool:
        return self._rule.is_better(a, best)

    _STATE_KEYS = (
        *_RULE,
        "default_min_lr",
        "min_lrs",
        "last_epoch",
        "mode_worse",
        "best",
        "cooldown_counter",
        "num_bad_epochs",
    )

    def state_dict(self) -> dict[str, Any]:
        """Plain data with torch's keys."""
        state = {key: getattr(self, key) for key in self._STATE_KEYS}
        state["_last_lr"] = [as_float(v) for v in self._last_lr]
        state["min_lrs"] = list(self.min_lrs)
        state["_lrkit"] = FORMAT_VERSION
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Load lrkit's or torch's state, every key validated first; write the saved rates back.

        A refused state raises ValueError or TypeError naming the key and changes nothing;
        unknown keys are ignored with a warning.
        """
        state_dict = known_state(self, state_dict, frozenset({"verbose", "optimizer"}))
        try:
            rule = PlateauRule(
                **{name: state_dict.get(name, getattr(self._rule, name)) for name in _RULE}
            )
        except LrkitError as error:
            raise renamed(error, f"state_dict[{error.argument!r}]") from error
        count = len(self.optimizer.param_groups)
        min_lrs = self.min_lrs
        if "min_lrs" in state_dict:
            min_lrs = [
                _check_min_lr(f"state_dict['min_lrs'][{i}]", v)
                for i, v in enumerate(rates("state_dict['min_lrs']", state_dict["min_lrs"], count))
            ]
        default = state_dict.get("default_min_lr", self.default_min_lr)
        if default is not None:
            default = _check_min_lr("state_dict['default_min_lr']", default)
        counters = {
            key: check_int(f"state_dict[{key!r}]", state_dict[key], low=0)
            for key in ("num_bad_epochs", "cooldown_counter", "last_epoch")
            if key in state_dict
        }
        best = state_dict.get("best", self.best)
        if isinstance(best, bool) or not isinstance(best, (int, float)) or best != best:
            fail_type("state_dict['best']", "a number (inf before the first metric)", best)
        last = None
        if "_last_lr" in state_dict:
            last = rates("state_dict['_last_lr']", state_dict["_last_lr"], count)
        self._rule, self.min_lrs, self.default_min_lr, self.best = (
            rule,
            min_lrs,
            default,
            float(best),
        )
        for key, value in counters.items():
            setattr(self, key, value)
        if last is not None:
            self._last_lr = restore_lrs(self.optimizer, last)


def _check_min_lr(argument: str, value: Any) -> float:
    return check_real(argument, value, low=0.0)
