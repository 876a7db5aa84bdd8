"""Plateau reduction: cut the learning rate when a metric stops improving.

This schedule depends on the metric, so it has no closed form; it is a small state
machine. :class:`PlateauRule` holds the validated arguments and the decision rule,
:class:`PlateauState` the counters, and :func:`simulate` runs it over a list of metrics.
``lrkit.torch.ReduceLROnPlateau`` is a thin torch-compatible shell around the same rule.

At each metric :math:`m`: it is an improvement when, for ``mode='min'``,
:math:`m < b (1 - \\theta)` (``threshold_mode='rel'``) or :math:`m < b - \\theta`
(``'abs'``), mirrored for ``'max'``, where :math:`b` is the best metric so far. After more
than ``patience`` metrics without improvement (outside the ``cooldown`` that follows a
cut) the rate becomes :math:`\\max(\\eta \\cdot \\text{factor}, \\eta_{min})`, unless
that changes it by no more than ``eps``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from lrkit.core._errors import check_choice, check_int, check_real

__all__ = ["PlateauRule", "PlateauState", "simulate"]


class Counters(Protocol):
    """The counters plateau reduction keeps (torch's attribute names)."""

    best: float
    num_bad_epochs: int
    cooldown_counter: int
    last_epoch: int


@dataclass(frozen=True)
class PlateauRule:
    """The arguments of plateau reduction, validated, and its decision rule.

    >>> rule = PlateauRule(patience=1)
    >>> state = PlateauState.start(rule)
    >>> [rule.observe(state, m) for m in (1.0, 0.5, 0.5, 0.5)]
    [False, False, False, True]
    >>> rule.reduce(0.1, min_lr=0.0)
    0.010000000000000002
    """

    mode: str = "min"
    factor: float = 0.1
    patience: int = 10
    threshold: float = 1e-4
    threshold_mode: str = "rel"
    cooldown: int = 0
    eps: float = 1e-8

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "mode", check_choice("mode", self.mode, ("min", "max")))
        set_(self, "factor", check_real("factor", self.factor, low=0.0, high=1.0, high_open=True))
        set_(self, "patience", check_int("patience", self.patience, low=0))
        set_(self, "threshold", check_real("threshold", self.threshold, low=0.0))
        set_(
            self,
            "threshold_mode",
            check_choice("threshold_mode", self.threshold_mode, ("rel", "abs")),
        )
        set_(self, "cooldown", check_int("cooldown", self.cooldown, low=0))
        set_(self, "eps", check_real("eps", self.eps, low=0.0))

    @property
    def worst(self) -> float:
        """The starting ``best``: nothing is worse than it."""
        return math.inf if self.mode == "min" else -math.inf

    def is_better(self, metric: float, best: float) -> bool:
        """Whether ``metric`` improves on ``best`` by more than the threshold."""
        if self.mode == "min":
            bar = (
                best * (1.0 - self.threshold)
                if self.threshold_mode == "rel"
                else best - self.threshold
            )
            return metric < bar
        bar = (
            best * (1.0 + self.threshold) if self.threshold_mode == "rel" else best + self.threshold
        )
        return metric > bar

    def observe(self, state: Counters, metric: Any) -> bool:
        """Record one metric in ``state``; return whether the rate should be cut now.

        ``state`` is anything with the counters (a :class:`PlateauState`, or torch's
        ``ReduceLROnPlateau``, which keeps them as attributes of the same names).
        """
        value = float(metric)  # a number, a numpy scalar or a one-element tensor
        state.last_epoch += 1
        if self.is_better(value, state.best):
            state.best = value
            state.num_bad_epochs = 0
        else:
            state.num_bad_epochs += 1
        if state.cooldown_counter > 0:
            state.cooldown_counter -= 1
            state.num_bad_epochs = 0  # bad epochs in a cooldown do not count
        if state.num_bad_epochs > self.patience:
            state.cooldown_counter = self.cooldown
            state.num_bad_epochs = 0
            return True
        return False

    def reduce(self, lr: float, min_lr: float) -> float:
        """The rate after a cut: ``max(lr * factor, min_lr)``, or ``lr`` if that moves it <= eps."""
        new = max(lr * self.factor, min_lr)
        return new if lr - new > self.eps else lr


@dataclass
class PlateauState:
    """The counters of plateau reduction (mutable: one per running scheduler)."""

    best: float
    num_bad_epochs: int = 0
    cooldown_counter: int = 0
    last_epoch: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def start(cls, rule: PlateauRule) -> PlateauState:
        return cls(best=rule.worst)


def simulate(
    metrics: Sequence[float] | npt.ArrayLike,
    lr: float,
    *,
    mode: str = "min",
    factor: float = 0.1,
    patience: int = 10,
    threshold: float = 1e-4,
    threshold_mode: str = "rel",
    cooldown: int = 0,
    min_lr: float = 0.0,
    eps: float = 1e-8,
) -> npt.NDArray[np.float64]:
    """The learning rate of plateau reduction fed ``metrics`` one at a time.

    Returns a float64 array of ``len(metrics) + 1`` rates: index 0 is ``lr``, index ``k``
    the rate after the ``k``-th metric (what torch's ``ReduceLROnPlateau`` leaves in the
    optimizer after ``step(metric)``).

    >>> simulate([1.0, 1.0, 1.0, 1.0], lr=0.1, patience=1)
    array([0.1 , 0.1 , 0.1 , 0.01, 0.01])
    """
    rule = PlateauRule(mode, factor, patience, threshold, threshold_mode, cooldown, eps)
    floor = check_real("min_lr", min_lr, low=0.0)
    current = check_real("lr", lr, low=0.0)
    state = PlateauState.start(rule)
    values = np.asarray(metrics, dtype=np.float64).ravel()
    out = np.empty(values.size + 1, dtype=np.float64)
    out[0] = current
    for k, metric in enumerate(values, start=1):
        if rule.observe(state, float(metric)):
            current = rule.reduce(current, floor)
        out[k] = current
    return out
