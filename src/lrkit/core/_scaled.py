"""Schedules of the form ``lr * factor(t)``, and those whose factor is a product of per-step factors."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from lrkit.core._schedule import Schedule
from lrkit.core._xp import SCALAR, Namespace, Wide

__all__ = ["Multiplicative", "Scaled"]


class Scaled(Schedule):
    """A schedule whose value is ``lr * factor(t)``.

    Its shape is the factor, which param groups that differ only in ``lr`` share. A factor
    beyond float64's range (a growing ``gamma ** t`` past 1.8e308) is a
    :class:`~lrkit.core._xp.Wide` number; the rate is then ``lr * factor`` rounded once
    (exact where ``lr`` brings it back below 1.8e308), saturating at the largest float64:
    never inf, and ``lr = 0`` gives 0. A factor below float64's smallest normal number
    rounds as float64 does (to a subnormal number or 0), as torch's.
    """

    lr: float

    def _factor(self, xp: Namespace, t: Any) -> Any:
        """The factor at step ``t``: a float (array), or a :class:`Wide` beyond float64."""
        raise NotImplementedError

    def _chain_factor(self, xp: Namespace, t: Any) -> Any:
        """The factor for a product with other schedules' factors (ChainedScheduler): as
        :meth:`_factor`, but where it is a power, one below float64's smallest normal
        number is a :class:`Wide` too (a growing factor may bring the product back)."""
        return self._factor(xp, t)

    def factor_at(self, step: float) -> float:
        """The factor at ``step`` (at most the largest float64): the rate is
        ``lr * factor_at(step)`` (where that is a float64)."""
        return float(SCALAR.times(1.0, self._factor(SCALAR, step)))

    def _shape(self, xp: Namespace, t: Any) -> Any:
        return self._factor(xp, t)

    def _rate(self, xp: Namespace, factor: Any) -> Any:
        if factor.__class__ is Wide or self._grows:
            # Beyond float64, or a factor above 1 that lr * factor may overflow: rounded
            # once, saturating at the largest float64 (and 0 at lr = 0, not 0 * inf).
            return xp.times(self.lr, factor)
        return self.lr * factor

    @classmethod
    def rates(cls, schedules: Sequence[Schedule], shape: Any) -> list[float]:
        if cls._rate is Scaled._rate and shape.__class__ is float and shape <= 1.0:
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
