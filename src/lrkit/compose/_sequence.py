"""Composition of schedules: SequentialLR (one after another) and ChainedScheduler (product)."""

from __future__ import annotations

import functools
from typing import Any

from lrkit.compose._arith import check_schedules
from lrkit.compose._join import Join, check_milestones
from lrkit.core import (
    CosineAnnealingLR,
    Multiplicative,
    Namespace,
    Schedule,
    fail,
    schedule_class,
)

__all__ = ["ChainedScheduler", "SequentialLR"]


def common_lr(children: tuple[Schedule, ...]) -> float | None:
    """The ``lr`` the children share (the value a config states once at the top)."""
    for child in children:
        lr = getattr(child, "lr", None)
        if isinstance(lr, float):
            return lr
    return None


def children_config(children: tuple[Schedule, ...], lr: float | None) -> list[dict[str, Any]]:
    """Children's configs, leaving out an ``lr`` equal to the one stated at the top."""
    configs = []
    for child in children:
        config = child.to_config()
        if lr is not None and config.get("lr") == lr:
            del config["lr"]
        configs.append(config)
    return configs


@schedule_class
class SequentialLR(Schedule):
    r"""Run schedules one after another, switching at milestones.

    .. math:: \eta_t = S_i(t - m_i), \qquad i = \#\{j : m_j \le t\}, \quad m_0 = 0

    Each child starts at its own step 0 when its milestone is reached, as in torch.
    Milestones must be strictly increasing integers >= 0, one fewer than the children; a
    milestone at 0 skips the first child. (torch accepts unsorted or repeated milestones
    and then silently skips children.)

    Args:
        schedulers: the children :math:`S_0, S_1, \ldots` (at least one).
        milestones: :math:`m_1 < m_2 < \ldots`, the steps at which the next child starts
            (at most 2**53). A whole step (an int of any size) reaches the last child as
            the exact integer ``t - m``.

    >>> from lrkit import ConstantLR, ExponentialLR
    >>> s = SequentialLR([ConstantLR(lr=1.0, factor=0.1, total_iters=2),
    ...                   ExponentialLR(lr=1.0, gamma=0.9)], milestones=[2])
    >>> [round(s(t), 6) for t in range(5)]
    [0.1, 0.1, 1.0, 0.9, 0.81]
    """

    schedule_lists = ("schedulers",)

    schedulers: tuple[Schedule, ...]
    milestones: tuple[int, ...]

    def __post_init__(self) -> None:
        children = check_schedules("schedulers", self.schedulers)
        self._set("schedulers", children)
        milestones = check_milestones(self.milestones, len(children))
        self._set("milestones", milestones)
        starts = (0, *milestones)
        for i, child in enumerate(children[:-1]):
            # A child that stops before its milestone must cover its whole stretch.
            try:
                child._check_steps(float(max(0, milestones[i] - starts[i] - 1)))
            except ValueError as error:
                fail(
                    f"schedulers[{i}]",
                    f"defined up to its last step {milestones[i] - starts[i] - 1} before "
                    f"milestones[{i}]={milestones[i]}",
                    type(child).__name__,
                    hint=str(error),
                )

    def _whole_steps_only(self) -> bool:
        return any(child._whole_steps_only() for child in self.schedulers)

    @property
    def lr(self) -> float | None:
        """The learning rate the children share, if they do."""
        return common_lr(self.schedulers)

    @property
    def last_step(self) -> float | None:
        end = self.schedulers[-1].last_step
        return None if end is None else end + (self.milestones[-1] if self.milestones else 0)

    def _check_steps(self, largest: float) -> None:
        start = self.milestones[-1] if self.milestones else 0  # (an int: exact for any step)
        if largest >= start:
            self.schedulers[-1]._check_steps(largest - start)

    @functools.cached_property
    def _join(self) -> Join:
        return Join(self.schedulers, self.milestones, time="local")

    def _value(self, xp: Namespace, t: Any) -> Any:
        # Each child is evaluated only on its own steps, from its own step 0: a local Join.
        return self._join._value(xp, t)

    def to_config(self) -> dict[str, Any]:
        lr = self.lr
        config: dict[str, Any] = {"type": "SequentialLR"}
        if lr is not None:
            config["lr"] = lr
        config["schedulers"] = children_config(self.schedulers, lr)
        config["milestones"] = list(self.milestones)
        return config

    @property
    def length(self) -> int:
        last = self.schedulers[-1].length or 10
        return (self.milestones[-1] if self.milestones else 0) + last

    @property
    def breakpoints(self) -> tuple[float, ...]:
        return tuple(float(m) for m in self.milestones)

    @property
    def momentum(self) -> Schedule | None:
        return None


def _lr_of(child: Schedule) -> float:
    lr: float = child.lr  # type: ignore[attr-defined]  # chainable schedules all have one
    return lr


def _chain_factor(child: Schedule, xp: Namespace, t: Any) -> Any:
    """A chainable child's factor at ``t``, kept exact beyond float64's range where it is a
    power (:meth:`lrkit.core.Scaled._chain_factor`)."""
    factor = getattr(child, "_chain_factor", None) or child._factor  # type: ignore[attr-defined]
    return factor(xp, t)


def chainable(schedule: Schedule) -> bool:
    """Whether torch's per-step rule for ``schedule`` multiplies the current rate by a factor.

    True for the products of per-step factors (:class:`~lrkit.core.Multiplicative`) and
    for a cosine annealed to 0; a chain of such schedules is the product of their factors.
    """
    if isinstance(schedule, CosineAnnealingLR):
        return schedule.eta_min == 0.0
    return isinstance(schedule, Multiplicative)


@schedule_class
class ChainedScheduler(Schedule):
    r"""Apply several multiplicative schedules at once: the product of their factors.

    .. math:: \eta_t = \eta_0 \prod_i \frac{S_i(t)}{\eta_0}

    This is what torch's ``ChainedScheduler`` gives when every child's per-step rule is
    a ratio: StepLR, MultiStepLR, ConstantLR, LinearLR, ExponentialLR, PolynomialLR,
    MultiplicativeLR and CosineAnnealingLR with ``eta_min=0``. Other children (LambdaLR,
    CyclicLR, OneCycleLR, warm restarts, a cosine with ``eta_min > 0``) apply a rule that
    depends on what the previous child left, which has no closed form: they are rejected
    here, and ``lrkit.torch.ChainedScheduler`` reproduces torch's step-by-step result.
    The children must share one ``lr``. (Past the trough of a chained cosine, torch's
    additive rule drops the other factors; see docs/torch-compat.md.)

    The product is taken beyond float64's range where a factor leaves it (a growing child
    past 1.8e308 with a decaying one below 2.2e-308, say), rounded once at the end: the
    value is the plain product wherever that is a float64, saturates at the largest
    float64 where the exact product passes it, and is 0 where a factor is exactly 0 (never
    NaN). Powers beyond 2**+-3200 are carried from their logarithm (to about
    ``|log2| * 1e-16`` relative).

    Args:
        schedulers: the children (at least one), sharing one ``lr``.

    >>> from lrkit import ConstantLR, ExponentialLR
    >>> s = ChainedScheduler([ConstantLR(lr=1.0, factor=0.1, total_iters=2),
    ...                       ExponentialLR(lr=1.0, gamma=0.9)])
    >>> [round(s(t), 6) for t in range(5)]
    [0.1, 0.09, 0.81, 0.729, 0.6561]
    """

    schedule_lists = ("schedulers",)

    schedulers: tuple[Schedule, ...]

    def __post_init__(self) -> None:
        children = check_schedules("schedulers", self.schedulers)
        for i, child in enumerate(children):
            if not chainable(child):
                fail(
                    f"schedulers[{i}]",
                    "a multiplicative schedule (StepLR, MultiStepLR, ConstantLR, LinearLR, "
                    "ExponentialLR, PolynomialLR, MultiplicativeLR, or CosineAnnealingLR "
                    "with eta_min=0) for a closed form",
                    type(child).__name__,
                    hint="use lrkit.torch.ChainedScheduler for torch's step-by-step result",
                )
        lrs = {_lr_of(child) for child in children}
        if len(lrs) != 1:
            fail("schedulers", "schedules that share one lr", sorted(lrs))
        self._set("schedulers", children)

    @property
    def lr(self) -> float:
        return _lr_of(self.schedulers[0])

    def _whole_steps_only(self) -> bool:
        return any(child._whole_steps_only() for child in self.schedulers)

    @property
    def last_step(self) -> float | None:
        ends = [c.last_step for c in self.schedulers if c.last_step is not None]
        return min(ends) if ends else None

    def _check_steps(self, largest: float) -> None:
        for child in self.schedulers:
            child._check_steps(largest)

    def _value(self, xp: Namespace, t: Any) -> Any:
        # Each factor is a number (array) or, beyond float64's range, a wide number: the
        # namespace multiplies them as such.
        factors = [_chain_factor(child, xp, t) for child in self.schedulers]
        return xp.product(self.lr, factors)

    def to_config(self) -> dict[str, Any]:
        return {
            "type": "ChainedScheduler",
            "lr": self.lr,
            "schedulers": children_config(self.schedulers, self.lr),
        }

    @property
    def length(self) -> int:
        return max((child.length or 10) for child in self.schedulers)

    @property
    def breakpoints(self) -> tuple[float, ...]:
        return tuple(sorted({b for child in self.schedulers for b in child.breakpoints}))
