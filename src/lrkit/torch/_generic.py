"""Any lrkit schedule as a torch scheduler: :class:`ScheduleLR`, and the configs it saves.

A :class:`ScheduleLR` is a drop-in scheduler (:class:`~lrkit.torch._adapter.DropIn`) whose
core schedules are the ones it is given: param group ``i``'s lr after ``t`` steps is
``schedules[i](t)``, an absolute value written over whatever the lr was (torch's rule for
LambdaLR). Everything else (validation before the optimizer is touched, tensor lrs
updated in place, the step-order warning, all-or-nothing ``load_state_dict``, resume in
any order, assigned attributes validated) is the adapter's.

A schedule travels in a state dict as its config (:meth:`~lrkit.Schedule.to_config`),
plain data that ``torch.load(..., weights_only=True)`` accepts, and is built back with
:func:`lrkit.config.from_config`. A schedule whose config cannot be written (one holding a
Python callable) is saved as ``None`` and kept as constructed when a state is loaded.
:class:`lrkit.torch.LambdaLR` uses the same helpers for a schedule given as ``lr_lambda``.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

from lrkit.config import from_config
from lrkit.core import LrkitError, Schedule, fail, fail_type
from lrkit.torch._adapter import DropIn
from lrkit.torch._base import GET_LR_WARNING, check_last_epoch, param_groups

__all__ = ["ScheduleLR", "restored_schedules", "schedule_config"]

_RULE = "an lrkit Schedule, or a list of one per param group"


def _hint(value: Any) -> str:
    """What to do with a value that is not a schedule."""
    if callable(value):
        return (
            "a Python function of the step gives factors: use lrkit.torch.LambdaLR, or wrap it "
            "as lrkit.LambdaLR(lr=1.0, lr_lambda=fn) for absolute values"
        )
    return "for example lrkit.CosineAnnealingLR(lr=0.1, T_max=1000)"


def per_group(argument: str, value: Any, count: int) -> list[Schedule]:
    """One schedule for every param group, or a list or tuple of one per group."""
    if isinstance(value, Schedule):
        return [value] * count
    if isinstance(value, (list, tuple)):
        if len(value) != count:
            fail(argument, f"one Schedule or a list of {count} (one per param group)", list(value))
        for i, item in enumerate(value):
            if not isinstance(item, Schedule):
                fail_type(f"{argument}[{i}]", "an lrkit Schedule", item, hint=_hint(item))
        return list(value)
    fail_type(argument, _RULE, value, hint=_hint(value))


def schedule_config(schedule: Any) -> dict[str, Any] | None:
    """A schedule's config, or None where it cannot be written (it holds a Python callable)."""
    if not isinstance(schedule, Schedule):
        return None
    try:
        return schedule.to_config()
    except TypeError:
        return None


def restored_schedules(argument: str, saved: Any, current: Sequence[Any]) -> list[Any]:
    """The schedules a saved list of configs describes, one per param group.

    An entry that is ``None`` keeps ``current[i]`` (a schedule whose config could not be
    written, or a function that is not a schedule). Each config is built with
    :func:`lrkit.config.from_config`; equal configs give one shared schedule. Nothing is
    changed here: a bad entry raises ValueError or TypeError naming it
    (``state_dict['schedules'][1].T_max``).
    """
    count = len(current)
    if not isinstance(saved, list):
        fail_type(argument, f"a list of {count} schedule configs or None", saved)
    if len(saved) != count:
        fail(argument, f"a list of {count} schedule configs or None (one per param group)", saved)
    built: list[tuple[Any, Schedule]] = []
    out: list[Any] = []
    for i, config in enumerate(saved):
        if config is None:
            out.append(current[i])
            continue
        if not isinstance(config, Mapping):
            fail_type(f"{argument}[{i}]", "a schedule config (a dict) or None", config)
        schedule = next((s for seen, s in built if seen == config), None)
        if schedule is None:
            try:
                schedule = from_config(config)
            except LrkitError as error:
                raise error.with_path(f"{argument}[{i}]") from error
            if schedule == current[i]:
                schedule = current[i]  # the same schedule: keep the object
            built.append((config, schedule))
        out.append(schedule)
    return out


def _given(schedule: Schedule) -> Schedule:
    """A group's core schedule is the one given for it."""
    return schedule


class ScheduleLR(DropIn):
    """Drive an optimizer with lrkit schedules: group i's lr after t steps is `schedule_i(t)`.

    Not in torch: torch has no class that sets absolute lrs from a schedule object (you
    would subclass torch's LRScheduler and return the values from `get_lr()`). ScheduleLR
    is that subclass, for any lrkit schedule (a preset such as `lrkit.WarmupCosine`, a
    composition, a schedule loaded from a config), with every guarantee of the drop-in
    classes.

    With t the number of `step()` calls (`last_epoch`) and s_i the schedule of param group
    i, the lr written into group i is the schedule's own value, not a factor of the group's
    lr:

        lr_(i,t) = s_i(t)

    Args:
        optimizer: the optimizer whose param groups it drives: a torch optimizer, or any
            object whose `param_groups` is a non-empty list of dicts with an `lr`.
        schedule: an lrkit schedule (an `lrkit.Schedule`) for every param group, or a list
            or tuple of one per group (its length is checked). A Python function is refused
            with a hint: use LambdaLR for factors, or wrap it as
            `lrkit.LambdaLR(lr=1.0, lr_lambda=fn)`.
        last_epoch: the index of the last step taken; -1 (the default) starts a new run.
            Built with `last_epoch=N`, it continues after step N, which needs each group's
            `initial_lr`, as in torch, and a schedule still defined at step N + 1.

    `base_lrs` are the groups' initial lrs, as in torch; they do not enter the values.
    `schedules` (one per group) may be assigned: it is checked, and takes effect at the next
    step. The optimizer's momentum is left alone (a schedule's cycled momentum is not
    written). In a ChainedScheduler or a SequentialLR it overwrites the lr at each step, as
    torch's LambdaLR does.

    Differences from a hand-written torch subclass, described in docs/driving-torch.md and
    in docs/torch-compat.md ("lrkit schedules as schedulers"):

    - `state_dict()` is plain data holding each schedule's config under `"schedules"`
      (`None` for a schedule over a Python function, which is kept as built when a state
      is loaded); `load_state_dict()` builds the schedules back, so a run may be resumed
      in a new process, and writes the restored lrs into the optimizer in any order.
    - Every argument is checked before the optimizer is touched, tensor lrs are updated in
      place, and torch's step-order warning is given as torch gives it.

    Example: two param groups, each with its own schedule.

    >>> import torch
    >>> import lrkit
    >>> import lrkit.torch as lr_scheduler
    >>> body, head = torch.nn.Parameter(torch.zeros(1)), torch.nn.Parameter(torch.zeros(1))
    >>> opt = torch.optim.SGD([{"params": [body]}, {"params": [head]}], lr=0.1)
    >>> scheduler = lr_scheduler.ScheduleLR(
    ...     opt,
    ...     [lrkit.CosineAnnealingLR(lr=0.2, T_max=4), lrkit.StepLR(lr=0.5, step_size=2)],
    ... )
    >>> for epoch in range(4):
    ...     opt.step()
    ...     scheduler.step()
    >>> [round(lr, 12) for lr in scheduler.get_last_lr()]
    [0.0, 0.005]
    >>> scheduler.state_dict()["schedules"][1]
    {'type': 'StepLR', 'lr': 0.5, 'step_size': 2, 'gamma': 0.1}
    """

    core = staticmethod(_given)  # type: ignore[assignment]
    containers = ("base_lrs", "schedules")
    schedules: list[Schedule]

    def __init__(self, optimizer: Any, schedule: Any, last_epoch: int = -1) -> None:
        count = len(param_groups(optimizer))
        schedules = per_group("schedule", schedule, count)
        last_epoch = check_last_epoch(last_epoch)
        for i, item in enumerate(schedules):  # the first step's values exist
            try:
                item(last_epoch + 1)
            except LrkitError as error:
                name = f"schedule[{i}]" if isinstance(schedule, (list, tuple)) else "schedule"
                fail(
                    "last_epoch",
                    f"a step before the end of {name} (the first value is at last_epoch + 1)",
                    last_epoch,
                    hint=str(error),
                )
        self._setup(optimizer, last_epoch, schedules=schedules)

    # -- the schedules ---------------------------------------------------------------------
    def _convert(self, name: str, value: Any) -> Any:
        if name == "schedules" and isinstance(value, Schedule):
            return [value] * self._group_count()  # one for every group, as built
        return super()._convert(name, value)

    def _core_arguments(self, i: int) -> dict[str, Any]:
        return {"schedule": self.schedules[i]}

    def _build(self, construction: bool = False) -> None:
        schedules = self.__dict__.get("_w_schedules")
        if not isinstance(schedules, list):
            fail_type("schedules", _RULE, schedules, hint=_hint(schedules))
        for i, item in enumerate(schedules):
            if not isinstance(item, Schedule):
                fail_type(f"schedules[{i}]", "an lrkit Schedule", item, hint=_hint(item))
        super()._build(construction)

    def _at(self, t: Any) -> list[float]:
        """Every group's value at step ``t`` (a schedule shared by groups evaluated once)."""
        cores = self._cores
        first = cores[0]
        value = first(t)
        return [value if core is first else core(t) for core in cores]

    # -- stepping ----------------------------------------------------------------------
    def _values(self, t: Any, closed: bool) -> list[float]:
        if len(self.optimizer.param_groups) != len(self._cores):
            self._check_groups()  # raises: a group added later has no schedule
        return self._at(t)

    def get_lr(self) -> list[Any]:
        """The values at ``last_epoch`` (torch's ``get_lr()``; warns outside ``step()``)."""
        if not self._get_lr_called_within_step:
            warnings.warn(GET_LR_WARNING, UserWarning, stacklevel=2)
        self._check_groups()
        return self._at(self.last_epoch)

    def _get_closed_form_lr(self) -> list[float]:
        return self._at(self.last_epoch)

    # -- state ---------------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """Plain data: the step, the lrs, and each group's schedule config (or None)."""
        state = super().state_dict()
        state["schedules"] = [schedule_config(s) for s in self.schedules]
        return state

    def _load(self, state_dict: Any) -> None:
        if not isinstance(state_dict, Mapping):
            fail_type("state_dict", "a dict (from state_dict())", state_dict)
        state = dict(state_dict)
        if "schedules" in state:
            state["schedules"] = restored_schedules(
                "state_dict['schedules']", state["schedules"], self.schedules
            )
        super()._load(state)
