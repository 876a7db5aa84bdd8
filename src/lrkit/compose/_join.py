"""Schedules in time: one after another (:class:`Join`) and over and over (:class:`Repeat`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lrkit.compose._arith import check_schedule, check_schedules
from lrkit.core import Namespace, Schedule, check_int, check_real, fail, fail_type, schedule_class

__all__ = ["Join", "Repeat"]

#: How a piece of a join reads the step: from its own start, or the global count.
TIMES = ("local", "global")
MAX_PERIOD = 2**53
#: The largest milestone: every whole number up to 2**53 is a float64 number (as the
#: children's counts, lrkit.core's MAX_COUNT).
MAX_MILESTONE = 2**53


def check_milestones(value: Any, children: int) -> tuple[int, ...]:
    """SequentialLR's milestones: strictly increasing integers from 0 to 2**53, one per
    child after the first."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        fail_type("milestones", "a list of integers >= 0", value)
    milestones = tuple(
        check_int(f"milestones[{i}]", m, low=0, high=MAX_MILESTONE) for i, m in enumerate(value)
    )
    if len(milestones) != children - 1:
        fail(
            "milestones",
            f"a list of {children - 1} steps (one fewer than the {children} schedulers)",
            list(milestones),
        )
    for i in range(1, len(milestones)):
        if milestones[i] <= milestones[i - 1]:
            fail(
                f"milestones[{i}]",
                f"greater than milestones[{i - 1}]={milestones[i - 1]} (strictly increasing)",
                milestones[i],
                hint=f"otherwise schedulers[{i}] would never run",
            )
    return milestones


def check_times(value: Any, pieces: int) -> str | tuple[str, ...]:
    """``"local"``, ``"global"``, or a list with one of those per piece."""
    if isinstance(value, str):
        if value not in TIMES:
            fail("time", "'local', 'global' or a list of those, one per schedule", value)
        return value
    if not isinstance(value, (list, tuple)):
        fail_type("time", "'local', 'global' or a list of those, one per schedule", value)
    if len(value) != pieces:
        fail("time", f"a list of {pieces} entries (one per schedule)", list(value))
    for i, item in enumerate(value):
        if item not in TIMES:
            fail(f"time[{i}]", "'local' or 'global'", item)
    return tuple(value)


@schedule_class
class Join(Schedule):
    r"""Schedules one after another, switching at milestones; each piece reads the step
    from its own start (local time) or as the global count.

    .. math::
        \eta_t = S_i(t - m_i) \text{ (local) or } S_i(t) \text{ (global)}, \qquad
        m_i \le t < m_{i+1}, \quad m_0 = 0

    optax's ``join_schedules`` gives every piece its local time; fvcore's composite
    scheduler lets each piece choose. :class:`lrkit.SequentialLR` (torch's) is a local Join.

    Args:
        schedulers: the pieces :math:`S_0, S_1, \ldots` (at least one).
        milestones: :math:`m_1 < m_2 < \ldots`, integers >= 0 (at most 2**53), one fewer
            than the pieces: the step at which each next piece starts.
        time: ``"local"`` (default), ``"global"``, or a list with one of those per piece.

    >>> from lrkit import CosineAnnealingLR, LinearLR
    >>> warm = LinearLR(lr=0.1, start_factor=0.5, end_factor=1.0, total_iters=2)
    >>> s = Join([warm, CosineAnnealingLR(lr=0.1, T_max=4)], milestones=[2])
    >>> [round(s(t), 4) for t in range(7)]
    [0.05, 0.075, 0.1, 0.0854, 0.05, 0.0146, 0.0]
    >>> g = Join([warm, CosineAnnealingLR(lr=0.1, T_max=6)], milestones=[2], time="global")
    >>> [round(g(t), 4) for t in range(7)]
    [0.05, 0.075, 0.075, 0.05, 0.025, 0.0067, 0.0]
    """

    schedule_lists = ("schedulers",)

    schedulers: tuple[Schedule, ...]
    milestones: tuple[int, ...]
    time: str | tuple[str, ...] = "local"

    def __post_init__(self) -> None:
        children = check_schedules("schedulers", self.schedulers)
        self._set("schedulers", children)
        self._set("milestones", check_milestones(self.milestones, len(children)))
        self._set("time", check_times(self.time, len(children)))
        starts = self._starts
        for i, child in enumerate(children[:-1]):
            last = self.milestones[i] - 1 - starts[i]  # the piece's last step, in its time
            try:
                child._check_steps(float(max(0, last)))
            except ValueError as error:
                fail(
                    f"schedulers[{i}]",
                    f"defined up to its last step {last} before milestones[{i}]="
                    f"{self.milestones[i]}",
                    type(child).__name__,
                    hint=str(error),
                )

    @property
    def _starts(self) -> tuple[int, ...]:
        """Where each piece's own step 0 is, in global steps (0 for global time)."""
        times = self.time if isinstance(self.time, tuple) else (self.time,) * len(self.schedulers)
        edges = (0, *self.milestones)
        return tuple(
            edge if kind == "local" else 0 for edge, kind in zip(edges, times, strict=True)
        )

    def _whole_steps_only(self) -> bool:
        return any(child._whole_steps_only() for child in self.schedulers)

    @property
    def last_step(self) -> float | None:
        end = self.schedulers[-1].last_step
        return None if end is None else end + self._starts[-1]

    def _check_steps(self, largest: float) -> None:
        if largest >= (self.milestones[-1] if self.milestones else 0):
            self.schedulers[-1]._check_steps(largest - self._starts[-1])

    def _value(self, xp: Namespace, t: Any) -> Any:
        pieces = [
            (lambda s, child=child, start=start: child._value(xp, s - start if start else s))
            for child, start in zip(self.schedulers, self._starts, strict=True)
        ]
        return xp.piecewise(t, self.milestones, pieces, closed_left=True)

    @property
    def length(self) -> int:
        last = self.schedulers[-1].length or 10
        end = self.milestones[-1] if self.milestones else 0
        return end + last if self._starts[-1] else max(end + 10, last)

    @property
    def breakpoints(self) -> tuple[float, ...]:
        return tuple(float(m) for m in self.milestones)


@schedule_class
class Repeat(Schedule):
    r"""A schedule's first ``period`` steps, over and over, each cycle scaled by ``decay``.

    .. math:: \eta_t = \delta^{\lfloor t / P \rfloor} \, S(t \bmod P)

    Args:
        of: the schedule :math:`S`, read on its steps ``0 .. period - 1``.
        period: :math:`P`, a positive integer (at most 2**53).
        decay: :math:`\delta`, the factor applied once per completed cycle (>= 0; 1 keeps
            every cycle alike; above 1 the values grow and saturate at the largest float64).

    ``t mod P`` and ``t // P`` are integer operations on whole steps: exact at any step.

    >>> from lrkit import LinearLR
    >>> s = Repeat(LinearLR(lr=0.1, start_factor=1.0, end_factor=0.0, total_iters=4), 4, decay=0.5)
    >>> [round(s(t), 4) for t in range(9)]
    [0.1, 0.075, 0.05, 0.025, 0.05, 0.0375, 0.025, 0.0125, 0.025]
    """

    schedule_fields = ("of",)

    of: Schedule
    period: int
    decay: float = 1.0

    def __post_init__(self) -> None:
        self._set("of", check_schedule("of", self.of))
        self._set("period", check_int("period", self.period, low=1, high=MAX_PERIOD))
        self._set("decay", check_real("decay", self.decay, low=0.0))
        try:
            self.of._check_steps(float(self.period - 1))
        except ValueError as error:
            fail(
                "of",
                f"defined on the steps of one period (0 to {self.period - 1})",
                type(self.of).__name__,
                hint=str(error),
            )

    def _whole_steps_only(self) -> bool:
        return self.of._whole_steps_only()

    def _check_steps(self, largest: float) -> None:
        self.of._check_steps(min(largest, float(self.period - 1)))

    def _value(self, xp: Namespace, t: Any) -> Any:
        within = t % self.period
        value = self.of._value(xp, within)
        if self.decay == 1.0:
            return value
        cycles = (t - within) // self.period  # exact: a whole number of periods
        return xp.times(value, xp.exact_power(self.decay, cycles))

    def _period(self) -> int | None:
        return self.period if self.decay == 1.0 else None

    @property
    def length(self) -> int:
        return 3 * self.period

    @property
    def breakpoints(self) -> tuple[float, ...]:
        return tuple(float(k * self.period) for k in range(1, 3))
