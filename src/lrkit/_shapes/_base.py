"""Shared base for schedules of the form ``lr * factor(t)``."""

from __future__ import annotations

from typing import Any

from lrkit._schedule import Schedule
from lrkit._xp import Namespace

__all__ = ["Multiplicative"]


class Multiplicative(Schedule):
    """A schedule whose value is ``lr * factor(t)``.

    ``factor`` carries the shape; torch's recursive rule for these classes multiplies the
    current lr by ``factor(t) / factor(t - 1)``, which is why a ``ChainedScheduler`` of
    them is the product of their factors.
    """

    lr: float

    def _factor(self, xp: Namespace, t: Any) -> Any:
        raise NotImplementedError

    def _value(self, xp: Namespace, t: Any) -> Any:
        if self._grows():
            # A factor that overflowed to inf leaves a zero rate at zero (not 0 * inf).
            return xp.where(self.lr == 0.0, 0.0, self.lr * self._factor(xp, t))
        return self.lr * self._factor(xp, t)

    def _grows(self) -> bool:
        """Whether the factor can exceed 1 (and so overflow): gamma > 1."""
        return float(getattr(self, "gamma", 1.0)) > 1.0

    def is_multiplicative(self) -> bool:
        """Whether torch's per-step rule for this schedule is a pure ratio."""
        return True
