"""Schedules of the form ``lr * factor(t)``, and those whose factor is a product of per-step factors."""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import Any

from lrkit.core._schedule import Schedule
from lrkit.core._xp import SCALAR, Namespace

__all__ = ["Multiplicative", "Scaled"]


class Scaled(Schedule):
    """A schedule whose value is ``lr * factor(t)``.

    Its shape is the factor, which param groups that differ only in ``lr`` share.
    """

    lr: float

    def _factor(self, xp: Namespace, t: Any) -> Any:
        raise NotImplementedError

    def factor_at(self, step: float) -> float:
        """The factor at ``step``: the rate is ``lr * factor_at(step)``."""
        return float(self._factor(SCALAR, step))

    def _shape(self, xp: Namespace, t: Any) -> Any:
        return self._factor(xp, t)

    def _rate(self, xp: Namespace, factor: Any) -> Any:
        if self._grows:
            # A factor that overflowed to inf leaves a zero rate at zero (not 0 * inf).
            return xp.where(self.lr == 0.0, 0.0, self.lr * factor)
        return self.lr * factor

    @classmethod
    def rates(cls, schedules: Sequence[Schedule], shape: Any) -> list[float]:
        if cls._shape is Scaled._shape and shape < math.inf:  # a finite factor: lr * factor
            return [s.lr * shape for s in schedules]  # type: ignore[attr-defined]
        return super().rates(schedules, shape)

    @functools.cached_property
    def _grows(self) -> bool:
        """Whether the factor can exceed 1 (and so overflow): gamma > 1."""
        return float(getattr(self, "gamma", 1.0)) > 1.0


class Multiplicative(Scaled):
    r"""A schedule whose factor is a product of per-step factors.

    .. math:: \text{factor}(t) = \prod_{k \le t} \text{step\_factor}(k)

    :meth:`step_factor` is the number torch multiplies the current rate by at step ``t``
    (its chainable rule). It is why a chain of these schedules on one optimizer is the
    product of their factors, and what the torch layer applies when something else moved
    the rate.
    """

    def step_factor(self, step: float) -> float:
        """The factor that takes the rate at ``step - 1`` to the rate at ``step``."""
        raise NotImplementedError

    def step_from(self, previous: float, step: float) -> float:
        """The rate at ``step`` by the per-step rule, from the rate ``previous`` at ``step - 1``."""
        return previous * self.step_factor(step)
