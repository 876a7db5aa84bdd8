"""The momentum that CyclicLR and OneCycleLR cycle opposite to the learning rate."""

from __future__ import annotations

from typing import Any

from lrkit.core._errors import fail_type
from lrkit.core._schedule import Schedule, schedule_class
from lrkit.core._xp import SCALAR, Namespace

__all__ = ["CyclesMomentum", "Momentum"]


class CyclesMomentum(Schedule):
    """A schedule that also defines a momentum curve (``_momentum_value``)."""

    cycle_momentum: bool

    def _momentum_rate(self, xp: Namespace, shape: Any) -> Any:
        """The momentum from ``_shape(xp, t)``."""
        raise NotImplementedError

    def _momentum_value(self, xp: Namespace, t: Any) -> Any:
        return self._momentum_rate(xp, self._shape(xp, t))

    def momentum_rate(self, shape: Any) -> float:
        """The cycled momentum for a value returned by :meth:`shape`."""
        return float(self._momentum_rate(SCALAR, shape))

    @property
    def momentum(self) -> Schedule | None:
        return Momentum(self) if self.cycle_momentum else None


@schedule_class
class Momentum(Schedule):
    r"""The momentum (SGD ``momentum`` or Adam's ``beta1``) of a schedule that cycles it.

    It moves opposite to the learning rate, between ``base_momentum`` and
    ``max_momentum``: for CyclicLR with height :math:`h_t \in [0, 1]` (see there)

    .. math:: m_t = m_{max} - (m_{max} - m_{base}) \, h_t

    and for OneCycleLR the same anneal as the rate, phase by phase, from
    ``max_momentum`` to ``base_momentum`` and back.

    ``Momentum(of)`` is itself a schedule, so it can be evaluated, plotted and stored in
    a config (``{"type": "Momentum", "of": {...}}``).

    >>> from lrkit import OneCycleLR
    >>> m = OneCycleLR(max_lr=0.1, total_steps=100).momentum
    >>> [round(m(t), 4) for t in (0, 29, 99)]
    [0.95, 0.85, 0.95]
    """

    schedule_fields = ("of",)

    of: CyclesMomentum

    def __post_init__(self) -> None:
        if not isinstance(self.of, CyclesMomentum):
            fail_type("of", "a schedule that cycles momentum (CyclicLR, OneCycleLR)", self.of)
        if not self.of.cycle_momentum:
            fail_type("of", "a schedule built with cycle_momentum=True", self.of)

    def _value(self, xp: Namespace, t: Any) -> Any:
        return self.of._momentum_value(xp, t)

    def _check_steps(self, largest: float) -> None:
        self.of._check_steps(largest)

    @property
    def last_step(self) -> float | None:
        return self.of.last_step

    @property
    def length(self) -> int | None:
        return self.of.length

    @property
    def breakpoints(self) -> tuple[float, ...]:
        return self.of.breakpoints
