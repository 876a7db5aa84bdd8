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
    r"""Cut each group's rate when a metric has stopped improving.

    A metric :math:`m` improves on the best so far :math:`b` when
    :math:`m < b (1 - \theta)` (``mode='min'``, ``threshold_mode='rel'``), :math:`m < b - \theta`
    (``'abs'``), or the mirror images for ``mode='max'``. After more than ``patience``
    metrics without improvement (outside the ``cooldown`` after a cut), each rate becomes
    :math:`\max(\eta \cdot \text{factor}, \text{min\_lr})`, unless that moves it by no
    more than ``eps``.

    Args:
        optimizer: the optimizer (any object with ``param_groups``).
        mode: ``'min'`` or ``'max'``. Default: ``'min'``.
        factor: the cut, in [0, 1). Default: 0.1.
        patience: metrics without improvement tolerated (an integer >= 0). Default: 10.
        threshold: the improvement that counts (>= 0). Default: 1e-4.
        threshold_mode: ``'rel'`` or ``'abs'``. Default: ``'rel'``.
        cooldown: metrics to wait after a cut (an integer >= 0). Default: 0.
        min_lr: a floor for every group, or a list of one per group (>= 0). Default: 0.
        eps: the smallest change applied (>= 0). Default: 1e-8.

    An instance of ``torch.optim.lr_scheduler.ReduceLROnPlateau`` (so Lightning and
    transformers' Trainer pass it the metric); the rule is :class:`lrkit.core.PlateauRule`,
    shared with :func:`lrkit.core.simulate`. Assigning ``factor``, ``patience`` and the
    other arguments validates them. Stricter than torch: ``factor`` must be >= 0
    (a negative factor gives negative rates) and the counts integers >= 0.

    >>> import torch
    >>> opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    >>> sched = ReduceLROnPlateau(opt, patience=1)
    >>> for loss in (1.0, 1.0, 1.0):
    ...     opt.step(); sched.step(loss)
    >>> sched.get_last_lr()
    [0.010000000000000002]
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
