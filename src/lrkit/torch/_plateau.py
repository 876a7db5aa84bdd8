"""ReduceLROnPlateau: the torch-compatible shell around :class:`lrkit.core._plateau.PlateauRule`."""

from __future__ import annotations

import warnings
from typing import Any

from lrkit.core._errors import check_real
from lrkit.core._plateau import PlateauRule, PlateauState
from lrkit.torch._base import (
    EPOCH_WARNING,
    LRScheduler,
    as_float,
    copy_value,
    param_groups,
    per_group,
    write,
)

__all__ = ["ReduceLROnPlateau"]


class ReduceLROnPlateau(LRScheduler):
    """Cut the learning rate when a metric stops improving (torch's class, same arguments).

    The decision rule is :class:`lrkit.core._plateau.PlateauRule` (also used by
    :func:`lrkit.core._plateau.simulate` for plots); this class only holds the counters and
    writes the optimizer. ``factor`` must be in [0, 1) (torch accepts negative factors,
    which give negative rates); ``patience`` and ``cooldown`` are integers >= 0.
    """

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
        self._state = PlateauState.start(self._rule)
        self._last_lr = [copy_value(group["lr"]) for group in groups]

    # torch's attribute names, backed by the rule and the counters.
    mode = property(lambda self: self._rule.mode)
    factor = property(lambda self: self._rule.factor)
    patience = property(lambda self: self._rule.patience)
    threshold = property(lambda self: self._rule.threshold)
    threshold_mode = property(lambda self: self._rule.threshold_mode)
    cooldown = property(lambda self: self._rule.cooldown)
    eps = property(lambda self: self._rule.eps)
    mode_worse = property(lambda self: self._rule.worst)

    @property
    def best(self) -> float:
        return self._state.best

    @best.setter
    def best(self, value: float) -> None:
        self._state.best = float(value)

    @property
    def num_bad_epochs(self) -> int:
        return self._state.num_bad_epochs

    @num_bad_epochs.setter
    def num_bad_epochs(self, value: int) -> None:
        self._state.num_bad_epochs = int(value)

    @property
    def cooldown_counter(self) -> int:
        return self._state.cooldown_counter

    @cooldown_counter.setter
    def cooldown_counter(self, value: int) -> None:
        self._state.cooldown_counter = int(value)

    @property
    def last_epoch(self) -> int:
        return self._state.last_epoch

    @last_epoch.setter
    def last_epoch(self, value: int) -> None:
        self._state.last_epoch = value

    @property
    def in_cooldown(self) -> bool:
        return self._state.cooldown_counter > 0

    def step(self, metrics: Any, epoch: int | None = None) -> None:  # type: ignore[override]
        """Record one metric and cut the rates if it has stopped improving."""
        if epoch is not None:
            warnings.warn(EPOCH_WARNING, UserWarning, stacklevel=2)
            self._state.last_epoch = epoch - 1
        if self._rule.observe(self._state, metrics):
            self._reduce()
        self._last_lr = [copy_value(group["lr"]) for group in self.optimizer.param_groups]

    def _reduce(self) -> None:
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

    _STATE_KEYS = (
        "factor",
        "default_min_lr",
        "min_lrs",
        "patience",
        "cooldown",
        "eps",
        "last_epoch",
        "_last_lr",
        "mode_worse",
        "mode",
        "threshold",
        "threshold_mode",
        "best",
        "cooldown_counter",
        "num_bad_epochs",
    )

    def state_dict(self) -> dict[str, Any]:
        """Plain data with torch's keys."""
        state = {key: getattr(self, key) for key in self._STATE_KEYS}
        state["_last_lr"] = [as_float(v) for v in self._last_lr]
        state["min_lrs"] = list(self.min_lrs)
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Load lrkit's or torch's state; validate it; write the saved rates back."""
        rule = self._rule
        self._rule = PlateauRule(
            state_dict.get("mode", rule.mode),
            state_dict.get("factor", rule.factor),
            state_dict.get("patience", rule.patience),
            state_dict.get("threshold", rule.threshold),
            state_dict.get("threshold_mode", rule.threshold_mode),
            state_dict.get("cooldown", rule.cooldown),
            state_dict.get("eps", rule.eps),
        )
        if "min_lrs" in state_dict:
            self.min_lrs = [_check_min_lr("min_lrs", v) for v in state_dict["min_lrs"]]
        if "default_min_lr" in state_dict:
            self.default_min_lr = state_dict["default_min_lr"]
        for key in ("best", "num_bad_epochs", "cooldown_counter", "last_epoch"):
            if key in state_dict:
                setattr(self, key, state_dict[key])
        if "_last_lr" in state_dict:
            self._last_lr = list(state_dict["_last_lr"])
        self._restore_optimizer()


def _check_min_lr(argument: str, value: Any) -> float:
    return check_real(argument, value, low=0.0)
