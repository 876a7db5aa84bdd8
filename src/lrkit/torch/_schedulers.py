"""The drop-in schedulers: one short declaration per torch scheduler.

Each class states torch's signature and attributes and the core schedule it shows
(:mod:`lrkit.core`, where the formula, its validation and its per-step rule live); the
generic :class:`~lrkit.torch._adapter.DropIn` does the rest.
"""

from __future__ import annotations

import math
import types
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import lrkit.core as lk
from lrkit.core import (
    Expr,
    LrkitError,
    check_bool,
    check_choice,
    check_int,
    check_real,
    fail,
    fail_type,
)
from lrkit.torch._adapter import DropIn, momentum_mode
from lrkit.torch._base import (
    GET_LR_WARNING,
    as_float,
    check_last_epoch,
    param_groups,
    pending_base_lrs,
    per_group,
    renamed,
    to_plain,
    write,
    write_momentum,
)
from lrkit.torch._generic import restored_schedules, schedule_config

__all__ = [
    "ConstantLR",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "CyclicLR",
    "ExponentialLR",
    "LambdaLR",
    "LinearLR",
    "MultiStepLR",
    "MultiplicativeLR",
    "OneCycleLR",
    "PolynomialLR",
    "StepLR",
]


# -- user functions: LambdaLR and MultiplicativeLR ---------------------------------------
def _functions(value: Any, count: int) -> list[Any]:
    """torch's rule: one function for every group, or a list of one per group."""
    if isinstance(value, (list, tuple)):
        if len(value) != count:
            fail("lr_lambda", f"one function or a list of {count} (one per param group)", value)
        return list(value)
    return [value] * count


def _function_state(functions: Sequence[Any]) -> list[Any]:
    """torch's convention: a plain function saves None, a callable object its ``__dict__``."""
    out: list[Any] = []
    for fn in functions:
        if isinstance(fn, (types.FunctionType, Expr, str, lk.Schedule)) or not hasattr(
            fn, "__dict__"
        ):  # (a schedule is frozen: its config is saved apart, see _Functions.state_dict)
            out.append(None)
        else:
            plain = to_plain(dict(fn.__dict__))
            out.append(plain if isinstance(plain, dict) else None)
    return out


def _load_function_state(functions: Sequence[Any], saved: Any) -> None:
    if not isinstance(saved, list):
        return
    for fn, state in zip(functions, saved, strict=False):
        if isinstance(state, dict) and hasattr(fn, "__dict__"):
            fn.__dict__.update(state)


class _Functions(DropIn):
    """LambdaLR and MultiplicativeLR: a user function per param group."""

    containers = ("base_lrs", "lr_lambdas")
    lr_lambdas: list[Any]

    def __init__(self, optimizer: Any, lr_lambda: Any, last_epoch: int = -1) -> None:
        count = len(param_groups(optimizer))
        self._setup(optimizer, last_epoch, lr_lambdas=_functions(lr_lambda, count))

    def _core_arguments(self, i: int) -> dict[str, Any]:
        return {"lr": as_float(self.base_lrs[i]), "lr_lambda": self.lr_lambdas[i]}

    def _rename(self, error: LrkitError, i: int, construction: bool) -> LrkitError:
        if error.argument == "lr_lambda" and not construction:
            return renamed(error, f"lr_lambdas[{i}]")
        return super()._rename(error, i, construction)

    def state_dict(self) -> dict[str, Any]:
        state = super().state_dict()
        functions = self.lr_lambdas
        state["lr_lambdas"] = _function_state(functions)
        if any(isinstance(fn, lk.Schedule) for fn in functions):
            # A schedule's config, apart from torch's entry (None for it, so that torch's
            # class loads the state too and never writes into the frozen schedule).
            state["_lrkit_lr_lambdas"] = [schedule_config(fn) for fn in functions]
        return state

    def _load(self, state_dict: Any) -> None:
        if not isinstance(state_dict, Mapping):
            fail_type("state_dict", "a dict (from state_dict())", state_dict)
        state = dict(state_dict)
        saved = state.pop("lr_lambdas", None)
        count = len(self.lr_lambdas)
        if saved is not None:
            if not isinstance(saved, list) or len(saved) != count:
                fail_type("state_dict['lr_lambdas']", f"a list of {count} (None or dicts)", saved)
            for i, item in enumerate(saved):
                if item is not None and not isinstance(item, dict):
                    fail_type(f"state_dict['lr_lambdas'][{i}]", "None or a dict", item)
        configs = state.pop("_lrkit_lr_lambdas", None)
        functions = list(self.lr_lambdas)
        if configs is not None:
            functions = restored_schedules("state_dict['_lrkit_lr_lambdas']", configs, functions)
            self.lr_lambdas = functions
        super()._load(state)
        if saved is not None:  # last: a user object's __dict__ (never a frozen schedule's)
            entries = [
                None if isinstance(fn, lk.Schedule) else e
                for fn, e in zip(functions, saved, strict=True)
            ]
            _load_function_state(functions, entries)


class LambdaLR(_Functions):
    """Set each param group's lr to its initial lr times a function of the step.

    A drop-in for torch's `torch.optim.lr_scheduler.LambdaLR`: the same arguments, defaults,
    attributes and learning rates. Any schedule that is a factor of the initial lr, written
    as a Python function: a warm-up, an inverse square root, a table lookup.

    The lr of a group after t calls of `step()` (t is `last_epoch`; lr_0 is the group's
    `initial_lr`, its lr when the scheduler was built; `lr_lambda` is that group's function)
    is

        lr_t = lr_0 * lr_lambda(t)

    Args:
        optimizer: the optimizer whose param groups it drives: a torch optimizer, or any
            object whose `param_groups` is a non-empty list of dicts with an `lr`.
        lr_lambda: a function of the step count (an int) returning the factor, or a list of
            one per param group (its length is checked). Beyond torch it may also be an
            expression string in `epoch`, such as `"0.95 ** epoch"`, or an lrkit schedule
            (`lrkit.CosineAnnealingLR(lr=1.0, T_max=100)`) read as the factor.
        last_epoch: the index of the last step taken; -1 (the default) starts a new run.
            Built with `last_epoch=N`, it continues after step N, which needs each group's
            `initial_lr` (restore the optimizer's state first), as in torch.

    Each function is called when its step comes, once per param group, with the argument
    torch passes: a function over a table as long as the run (`lambda t: table[t]`) works.
    Assigning `base_lrs` or `lr_lambdas[i]` takes effect at the next step.

    `state_dict()` follows torch: for a plain function `None`, for a callable object its
    `__dict__` (restored by `load_state_dict()`). For an lrkit schedule the schedule's
    config is saved too, under `"_lrkit_lr_lambdas"`, and built back by `load_state_dict()`;
    torch's own LambdaLR loads such a state and ignores that key.

    Differences from torch, each listed with the test behind it in docs/torch-compat.md
    ("torch compatibility" on the docs site).

    - The expression strings and lrkit schedules above are lrkit's; with a schedule the
      lrs are the same floats as torch's LambdaLR given `lambda t: schedule(t)`.
    - `state_dict()` is plain data (torch's saves a schedule object's attributes, which
      `torch.load(..., weights_only=True)` refuses); `load_state_dict()` writes the restored
      lrs into the optimizer, so resuming works in any order.

    Example: a linear warm-up over 4 steps, then the full lr.

    >>> import torch
    >>> import lrkit.torch as lr_scheduler
    >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    >>> scheduler = lr_scheduler.LambdaLR(opt, lambda step: min(1.0, (step + 1) / 4))
    >>> lrs = []
    >>> for epoch in range(6):
    ...     lrs.append(opt.param_groups[0]["lr"])
    ...     opt.step()
    ...     scheduler.step()
    >>> [round(lr, 12) for lr in lrs]
    [0.025, 0.05, 0.075, 0.1, 0.1, 0.1]
    """

    core = lk.LambdaLR


class MultiplicativeLR(_Functions):
    """Multiply each param group's lr by a function of the step at every step.

    A drop-in for torch's `torch.optim.lr_scheduler.MultiplicativeLR`: the same arguments,
    defaults, attributes and learning rates. Where LambdaLR gives the whole factor from the
    start, this gives the factor of one step: the lr is a running product.

    The lr of a group is left as it is when the scheduler is built (step 0); after t calls
    of `step()` (t is `last_epoch`, `lr_lambda` that group's function) it is

        lr_t = lr_(t-1) * lr_lambda(t)       for t = 1, 2, ...

    so `lr_t = lr_0 * lr_lambda(1) * lr_lambda(2) * ... * lr_lambda(t)`, multiplied left
    to right as torch does.

    Args:
        optimizer: the optimizer whose param groups it drives: a torch optimizer, or any
            object whose `param_groups` is a non-empty list of dicts with an `lr`.
        lr_lambda: a function of the step count (an int) returning that step's factor, or a
            list of one per param group (its length is checked). Beyond torch it may also
            be an expression string in `epoch`, such as `"0.95"`.
        last_epoch: the index of the last step taken; -1 (the default) starts a new run.
            Built with `last_epoch=N`, it continues after step N, which needs each group's
            `initial_lr` (restore the optimizer's state first), as in torch.

    The product is formed from the group's current lr at each step, exactly as torch forms
    it, so it also multiplies whatever another scheduler or a manual edit left there, and
    the values are bit-identical to torch's (and to `lrkit.MultiplicativeLR`'s). Each
    function is called when its step comes, once per group, as torch calls it. Assigning
    `lr_lambdas[i]` takes effect at the next step. `state_dict()` saves `None` for a plain
    function and a callable object's `__dict__`, as torch does.

    Differences from torch, each listed with the test behind it in docs/torch-compat.md
    ("torch compatibility" on the docs site).

    - The expression strings above are lrkit's.
    - Inside a SequentialLR it continues from the previous child's lr at its milestone, as
      torch's does (the closed-form `lrkit.SequentialLR` restarts it from its own lr).
    - `state_dict()` is plain data; `load_state_dict()` writes the restored lrs into the
      optimizer, so resuming works in any order.

    Example: halve the lr at every step.

    >>> import torch
    >>> import lrkit.torch as lr_scheduler
    >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.8)
    >>> scheduler = lr_scheduler.MultiplicativeLR(opt, lambda step: 0.5)
    >>> lrs = []
    >>> for epoch in range(4):
    ...     lrs.append(opt.param_groups[0]["lr"])
    ...     opt.step()
    ...     scheduler.step()
    >>> lrs
    [0.8, 0.4, 0.2, 0.1]
    """

    core = lk.MultiplicativeLR
    recursive = True
    closed_form = False
    initial_keeps_lr = True


# -- products of per-step factors -----------------------------------------------------------
class StepLR(DropIn):
    """Multiply each param group's lr by `gamma` once every `step_size` steps.

    A drop-in for torch's `torch.optim.lr_scheduler.StepLR`: the same arguments, defaults,
    attributes and learning rates. The lr stays flat for `step_size` calls of `step()`, then
    drops by the factor `gamma`, and again after each further `step_size` calls: a
    staircase, the classic "divide by 10 every 30 epochs".

    The lr of a group after t calls of `step()` (t is `last_epoch`; lr_0 is the group's
    `initial_lr`, its lr when the scheduler was built; `//` divides whole numbers) is

        lr_t = lr_0 * gamma ** (t // step_size)

    Args:
        optimizer: the optimizer whose param groups it drives: a torch optimizer, or any
            object whose `param_groups` is a non-empty list of dicts with an `lr`.
        step_size: the number of steps between two drops, a whole number from 1 to 2**53
            (`30` and `30.0` are both fine). torch also takes 0 (it then divides by zero at
            the first step), negative and fractional sizes; lrkit refuses them.
        gamma: the factor applied at each drop, a finite number >= 0. Default: 0.1. Above 1
            the lr grows; it saturates at the largest float64 (about 1.8e308) where torch's
            overflows to inf. torch also takes a negative or NaN `gamma`; lrkit refuses it.
        last_epoch: the index of the last step taken; -1 (the default) starts a new run.
            Built with `last_epoch=N`, it continues after step N, which needs each group's
            `initial_lr` (restore the optimizer's state first), as in torch.

    Every argument is checked before the optimizer is touched: a refused value raises
    ValueError or TypeError naming the argument, and leaves the param groups as they were.
    Assigning `step_size` or `gamma` later is checked the same way and takes effect at the
    next step; `base_lrs` is not read after construction (torch ignores it too).

    Differences from torch, each listed with the test behind it in docs/torch-compat.md
    ("torch compatibility" on the docs site).

    - The lr is the exact value of the formula above at every step, where torch multiplies
      the current lr again and again. When something else moved the lr (another scheduler,
      a chain, a manual edit), each drop multiplies the current lr, as torch's does.
    - `state_dict()` is plain data; `load_state_dict()` also writes the restored lrs into
      the optimizer, so a resumed run is exact in whichever order the two are restored.
    - The step-order warning is torch's, but the optimizer's `step` is watched through its
      public step hooks instead of being replaced.

    Example: halve the lr of an SGD optimizer every 3 steps.

    >>> import torch
    >>> import lrkit.torch as lr_scheduler
    >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    >>> scheduler = lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)
    >>> lrs = []
    >>> for epoch in range(7):
    ...     lrs.append(opt.param_groups[0]["lr"])
    ...     opt.step()  # the training step
    ...     scheduler.step()
    >>> lrs
    [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025]
    """

    core = lk.StepLR
    added_groups = True
    hyper = ("step_size", "gamma")
    recursive = True
    step_size: int
    gamma: float

    def __init__(
        self, optimizer: Any, step_size: int, gamma: float = 0.1, last_epoch: int = -1
    ) -> None:
        self._setup(optimizer, last_epoch, step_size=step_size, gamma=gamma)


class MultiStepLR(DropIn):
    """Multiply each param group's lr by `gamma` at each of the given milestones.

    A drop-in for torch's `torch.optim.lr_scheduler.MultiStepLR`: the same arguments,
    defaults, attributes and learning rates. Like StepLR, a staircase, but with drops at
    steps you choose (for example at epochs 30 and 80) instead of at regular intervals.

    The lr of a group after t calls of `step()` (t is `last_epoch`; lr_0 is the group's
    `initial_lr`, its lr when the scheduler was built) is

        lr_t = lr_0 * gamma ** k_t,    k_t = the number of milestones m with m <= t

    counting a milestone listed twice twice (torch keeps them in a `Counter`).

    Args:
        optimizer: the optimizer whose param groups it drives: a torch optimizer, or any
            object whose `param_groups` is a non-empty list of dicts with an `lr`.
        milestones: the steps at which the lr drops: whole numbers from 0 to 2**53, in any
            order, at most 100,000 drops in all. A milestone at 0 applies at construction.
            torch also takes negative and fractional milestones, which an integer step never
            reaches; lrkit refuses them as typos.
        gamma: the factor applied at each milestone, a finite number >= 0. Default: 0.1.
            Above 1 the lr grows and saturates at the largest float64 where torch's
            overflows to inf; a negative or NaN `gamma` (which torch takes) is refused.
        last_epoch: the index of the last step taken; -1 (the default) starts a new run.
            Built with `last_epoch=N`, it continues after step N, which needs each group's
            `initial_lr` (restore the optimizer's state first), as in torch.

    The attribute `milestones` is a `collections.Counter`, as in torch; a list assigned to it
    is converted (torch keeps the list and fails at the next milestone). Every argument is
    checked before the optimizer is touched: a refused value raises ValueError or TypeError
    naming it and leaves the param groups as they were.

    Differences from torch, each listed with the test behind it in docs/torch-compat.md
    ("torch compatibility" on the docs site).

    - The lr is the exact value of the formula at every step, where torch multiplies the
      current lr; when something else moved the lr, a milestone multiplies the current lr
      by `gamma`, as torch's does.
    - `state_dict()` is plain data (the milestones as a `{milestone: count}` dict, which
      `torch.load(..., weights_only=True)` accepts); `load_state_dict()` writes the restored
      lrs into the optimizer, so resuming works in any order.
    - A state counting more than 100,000 drops is refused (torch loads it).

    Example: divide by 10 after 2 steps and again after 4 steps.

    >>> import torch
    >>> import lrkit.torch as lr_scheduler
    >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    >>> scheduler = lr_scheduler.MultiStepLR(opt, milestones=[4, 2], gamma=0.1)
    >>> lrs = []
    >>> for epoch in range(6):
    ...     lrs.append(opt.param_groups[0]["lr"])
    ...     opt.step()
    ...     scheduler.step()
    >>> [round(lr, 12) for lr in lrs]
    [1.0, 1.0, 0.1, 0.1, 0.01, 0.01]
    >>> scheduler.milestones
    Counter({4: 1, 2: 1})
    """

    core = lk.MultiStepLR
    added_groups = True
    hyper = ("gamma",)
    containers = ("base_lrs", "milestones")
    recursive = True
    gamma: float
    milestones: Counter[int]

    def __init__(
        self, optimizer: Any, milestones: Iterable[int], gamma: float = 0.1, last_epoch: int = -1
    ) -> None:
        if isinstance(milestones, (str, bytes)) or not isinstance(milestones, Iterable):
            fail_type("milestones", "a list of integers >= 0", milestones)
        self._setup(optimizer, last_epoch, milestones=list(milestones), gamma=gamma)

    def _convert(self, name: str, value: Any) -> Any:
        if name != "milestones":
            return super()._convert(name, value)
        if isinstance(value, Mapping):  # torch's Counter, or its plain-dict form
            counts = Counter(
                {_milestone(m): check_int(f"milestones[{m!r}]", c, low=0) for m, c in value.items()}
            )
        elif isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
            fail_type("milestones", "a list of integers >= 0", value)
        else:
            counts = Counter(value)
        total = sum(counts.values())
        if total > MAX_MILESTONES:
            fail(
                "milestones",
                f"at most {MAX_MILESTONES} decays in all (counted with multiplicity)",
                total,
                hint="a milestone listed that often drives the rate to 0 anyway",
            )
        return counts

    def _core_arguments(self, i: int) -> dict[str, Any]:
        return {
            "lr": as_float(self.base_lrs[i]),
            "milestones": list(self.milestones.elements()),
            "gamma": self.gamma,
        }

    def state_dict(self) -> dict[str, Any]:
        state = super().state_dict()
        state["milestones"] = dict(self.milestones)
        return state


#: The most decays a MultiStepLR takes, counting repeats (each is a factor of the closed form).
MAX_MILESTONES = 100_000


def _milestone(key: Any) -> Any:
    """A milestone from a state dict key (JSON turns int keys into strings)."""
    if isinstance(key, str) and key.lstrip("-").isdigit():
        return int(key)
    return key


class ConstantLR(DropIn):
    """Scale each param group's lr by a constant `factor` for the first `total_iters` steps.

    A drop-in for torch's `torch.optim.lr_scheduler.ConstantLR`: the same arguments,
    defaults, attributes and learning rates. A simple warm-up: a reduced lr for a few steps,
    then the full lr from step `total_iters` on. Often the first child of a SequentialLR.

    The lr of a group after t calls of `step()` (t is `last_epoch`; lr_0 is the group's
    `initial_lr`, its lr when the scheduler was built) is

        lr_t = lr_0 * factor    while t < total_iters
        lr_t = lr_0             from t = total_iters on

    Args:
        optimizer: the optimizer whose param groups it drives: a torch optimizer, or any
            object whose `param_groups` is a non-empty list of dicts with an `lr`.
        factor: the scale of the first steps, a number in [0, 1]. Default: 1/3. torch
            refuses a factor outside [0, 1] too.
        total_iters: the number of scaled steps, a whole number from 1 to 2**53. Default: 5.
            torch also takes 0, negative and fractional counts; lrkit refuses them.
        last_epoch: the index of the last step taken; -1 (the default) starts a new run.
            Built with `last_epoch=N`, it continues after step N, which needs each group's
            `initial_lr` (restore the optimizer's state first), as in torch.

    Every argument is checked before the optimizer is touched: a refused value raises
    ValueError or TypeError naming it and leaves the param groups as they were. Assigning
    `factor` or `total_iters` later is checked the same way and takes effect at the next
    step.

    Differences from torch, each listed with the test behind it in docs/torch-compat.md
    ("torch compatibility" on the docs site).

    - `factor=0` holds the lr at 0 and then restores the full lr at step `total_iters`;
      torch divides by zero there.
    - The lr is the exact value of the formula; when something else moved the lr, the step
      at `total_iters` divides the current lr by `factor`, as torch's does.
    - `state_dict()` is plain data; `load_state_dict()` writes the restored lrs into the
      optimizer, so resuming works in any order (torch's ConstantLR breaks when the
      optimizer's state is loaded before the scheduler is built).

    Example: a quarter of the lr for 2 steps.

    >>> import torch
    >>> import lrkit.torch as lr_scheduler
    >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.2)
    >>> scheduler = lr_scheduler.ConstantLR(opt, factor=0.25, total_iters=2)
    >>> lrs = []
    >>> for epoch in range(4):
    ...     lrs.append(opt.param_groups[0]["lr"])
    ...     opt.step()
    ...     scheduler.step()
    >>> lrs
    [0.05, 0.05, 0.2, 0.2]
    """

    core = lk.ConstantLR
    added_groups = True
    hyper = ("factor", "total_iters")
    recursive = True
    factor: float
    total_iters: int

    def __init__(
        self, optimizer: Any, factor: float = 1.0 / 3, total_iters: int = 5, last_epoch: int = -1
    ) -> None:
        self._setup(optimizer, last_epoch, factor=factor, total_iters=total_iters)


class LinearLR(DropIn):
    """Move each param group's lr factor in a straight line from `start_factor` to `end_factor`.

    A drop-in for torch's `torch.optim.lr_scheduler.LinearLR`: the same arguments, defaults,
    attributes and learning rates. Usually a linear warm-up (from a fraction of the lr up to
    the full lr over `total_iters` steps), sometimes a linear decay (`end_factor` below
    `start_factor`); after `total_iters` steps the lr stays at `lr_0 * end_factor`.

    The lr of a group after t calls of `step()` (t is `last_epoch`; lr_0 is the group's
    `initial_lr`, its lr when the scheduler was built) is

        lr_t = lr_0 * (start_factor + (end_factor - start_factor) * min(t, total_iters) / total_iters)

    Args:
        optimizer: the optimizer whose param groups it drives: a torch optimizer, or any
            object whose `param_groups` is a non-empty list of dicts with an `lr`.
        start_factor: the factor at step 0, a number in (0, 1]. Default: 1/3. torch refuses
            values outside that interval too.
        end_factor: the factor from step `total_iters` on, a number in [0, 1]. Default: 1.0.
        total_iters: the steps it takes to reach `end_factor`, a whole number from 1 to
            2**53. Default: 5. torch also takes 0, negative and fractional counts; lrkit
            refuses them.
        last_epoch: the index of the last step taken; -1 (the default) starts a new run.
            Built with `last_epoch=N`, it continues after step N, which needs each group's
            `initial_lr` (restore the optimizer's state first), as in torch.

    Every argument is checked before the optimizer is touched: a refused value raises
    ValueError or TypeError naming it and leaves the param groups as they were.

    Differences from torch, each listed with the test behind it in docs/torch-compat.md
    ("torch compatibility" on the docs site).

    - The lr is the exact value of the formula at every step and lands exactly on
      `lr_0 * end_factor`. torch computes each step from the one before and drifts: a
      warm-up from 1/3 over 10**5 steps ends at 0.10000000000002987 for an lr of 0.1.
      When something else moved the lr, each step applies torch's own rule to it.
    - `state_dict()` is plain data; `load_state_dict()` writes the restored lrs into the
      optimizer, so resuming works in any order (torch's LinearLR breaks when the
      optimizer's state is loaded before the scheduler is built).

    Example: a 4-step warm-up from half the lr.

    >>> import torch
    >>> import lrkit.torch as lr_scheduler
    >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    >>> scheduler = lr_scheduler.LinearLR(opt, start_factor=0.5, total_iters=4)
    >>> lrs = []
    >>> for epoch in range(6):
    ...     lrs.append(opt.param_groups[0]["lr"])
    ...     opt.step()
    ...     scheduler.step()
    >>> [round(lr, 12) for lr in lrs]
    [0.05, 0.0625, 0.075, 0.0875, 0.1, 0.1]
    """

    core = lk.LinearLR
    added_groups = True
    hyper = ("start_factor", "end_factor", "total_iters")
    recursive = True
    initial_keeps_lr = True
    start_factor: float
    end_factor: float
    total_iters: int

    def __init__(
        self,
        optimizer: Any,
        start_factor: float = 1.0 / 3,
        end_factor: float = 1.0,
        total_iters: int = 5,
        last_epoch: int = -1,
    ) -> None:
        self._setup(
            optimizer,
            last_epoch,
            start_factor=start_factor,
            end_factor=end_factor,
            total_iters=total_iters,
        )

    def _keeps_initial(self, t: float) -> bool:
        return t != 0  # torch applies start_factor at step 0 even then


class ExponentialLR(DropIn):
    """Multiply each param group's lr by `gamma` at every step.

    A drop-in for torch's `torch.optim.lr_scheduler.ExponentialLR`: the same arguments,
    defaults, attributes and learning rates. A smooth geometric decay: with `gamma=0.95` the
    lr loses 5% per step and halves about every 13.5 steps.

    The lr of a group after t calls of `step()` (t is `last_epoch`; lr_0 is the group's
    `initial_lr`, its lr when the scheduler was built) is

        lr_t = lr_0 * gamma ** t

    Args:
        optimizer: the optimizer whose param groups it drives: a torch optimizer, or any
            object whose `param_groups` is a non-empty list of dicts with an `lr`.
        gamma: the factor of each step, a finite number >= 0 (no default, as in torch).
            Above 1 the lr grows, and saturates at the largest float64 (about 1.8e308) where
            torch's overflows to inf. torch also takes a negative `gamma` (whose powers are
            complex at a fractional step) and NaN; lrkit refuses them.
        last_epoch: the index of the last step taken; -1 (the default) starts a new run.
            Built with `last_epoch=N`, it continues after step N, which needs each group's
            `initial_lr` (restore the optimizer's state first), as in torch.

    Every argument is checked before the optimizer is touched: a refused value raises
    ValueError or TypeError naming it and leaves the param groups as they were. Assigning
    `gamma` later is checked the same way and applies from the next step.

    Differences from torch, each listed with the test behind it in docs/torch-compat.md
    ("torch compatibility" on the docs site).

    - The lr is `lr_0 * gamma ** t` to a few ulps at every step, where torch multiplies the
      current lr again and again and accumulates rounding. When something else moved the
      lr, each step multiplies the current lr by `gamma`, as torch's does.
    - `state_dict()` is plain data; `load_state_dict()` writes the restored lrs into the
      optimizer, so resuming works in any order.

    Example: lose 10% per step.

    >>> import torch
    >>> import lrkit.torch as lr_scheduler
    >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    >>> scheduler = lr_scheduler.ExponentialLR(opt, gamma=0.9)
    >>> lrs = []
    >>> for epoch in range(4):
    ...     lrs.append(opt.param_groups[0]["lr"])
    ...     opt.step()
    ...     scheduler.step()
    >>> [round(lr, 12) for lr in lrs]
    [0.1, 0.09, 0.081, 0.0729]
    """

    core = lk.ExponentialLR
    added_groups = True
    hyper = ("gamma",)
    recursive = True
    initial_keeps_lr = True
    gamma: float

    def __init__(self, optimizer: Any, gamma: float, last_epoch: int = -1) -> None:
        self._setup(optimizer, last_epoch, gamma=gamma)


class PolynomialLR(DropIn):
    """Decay each param group's lr to zero along a polynomial over `total_iters` steps.

    A drop-in for torch's `torch.optim.lr_scheduler.PolynomialLR`: the same arguments,
    defaults, attributes and learning rates. `power=1` is a straight line down to 0,
    `power=2` a parabola that falls fast and flattens near the end, `power=0.5` one that
    stays high for longer; from step `total_iters` on the lr is 0.

    The lr of a group after t calls of `step()` (t is `last_epoch`; lr_0 is the group's
    `initial_lr`, its lr when the scheduler was built) is

        lr_t = lr_0 * (1 - min(t, total_iters) / total_iters) ** power

    Args:
        optimizer: the optimizer whose param groups it drives: a torch optimizer, or any
            object whose `param_groups` is a non-empty list of dicts with an `lr`.
        total_iters: the steps of the decay, a whole number from 1 to 2**53. Default: 5.
            torch also takes 0, negative and fractional counts; lrkit refuses them.
        power: the exponent, a finite number >= 0 (0 keeps the lr constant). Default: 1.0.
            torch also takes a negative power, and then raises ZeroDivisionError at step
            `total_iters`; lrkit refuses it when built.
        last_epoch: the index of the last step taken; -1 (the default) starts a new run.
            Built with `last_epoch=N`, it continues after step N, which needs each group's
            `initial_lr` (restore the optimizer's state first), as in torch.

    Every argument is checked before the optimizer is touched: a refused value raises
    ValueError or TypeError naming it and leaves the param groups as they were.

    Differences from torch, each listed with the test behind it in docs/torch-compat.md
    ("torch compatibility" on the docs site).

    - The lr is the exact value of the formula at every step, where torch computes each
      step as a ratio of the one before; when something else moved the lr, each step
      applies torch's own ratio to it.
    - `state_dict()` is plain data; `load_state_dict()` writes the restored lrs into the
      optimizer, so resuming works in any order.

    Example: a quadratic decay over 4 steps.

    >>> import torch
    >>> import lrkit.torch as lr_scheduler
    >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.16)
    >>> scheduler = lr_scheduler.PolynomialLR(opt, total_iters=4, power=2.0)
    >>> lrs = []
    >>> for epoch in range(6):
    ...     lrs.append(opt.param_groups[0]["lr"])
    ...     opt.step()
    ...     scheduler.step()
    >>> [round(lr, 12) for lr in lrs]
    [0.16, 0.09, 0.04, 0.01, 0.0, 0.0]
    """

    core = lk.PolynomialLR
    added_groups = True
    hyper = ("total_iters", "power")
    recursive = True
    initial_keeps_lr = True
    total_iters: int
    power: float

    def __init__(
        self, optimizer: Any, total_iters: int = 5, power: float = 1.0, last_epoch: int = -1
    ) -> None:
        self._setup(optimizer, last_epoch, total_iters=total_iters, power=power)


class CosineAnnealingLR(DropIn):
    """Anneal each param group's lr from its initial value to `eta_min` along a half cosine.

    A drop-in for torch's `torch.optim.lr_scheduler.CosineAnnealingLR`: the same arguments,
    defaults, attributes and learning rates. The lr falls slowly at first, fastest half-way,
    and flattens as it reaches `eta_min` at step `T_max` (the annealing of SGDR, without the
    restarts: see CosineAnnealingWarmRestarts for those). Past `T_max` the cosine goes on
    and the lr climbs back to its initial value at `2 * T_max`, as torch's does.

    The lr of a group after t calls of `step()` (t is `last_epoch`; lr_0 is the group's
    `initial_lr`, its lr when the scheduler was built; pi is 3.14159...) is

        lr_t = eta_min + (lr_0 - eta_min) * (1 + cos(pi * t / T_max)) / 2

    Args:
        optimizer: the optimizer whose param groups it drives: a torch optimizer, or any
            object whose `param_groups` is a non-empty list of dicts with an `lr`.
        T_max: the steps from the initial lr down to `eta_min` (half the cosine's period): a
            positive number, not necessarily whole, from float64's smallest normal number
            (2.2e-308) to 2**53. torch also takes 0 (it then divides by zero at the first
            step) and negative values; lrkit refuses them.
        eta_min: the lr at the trough, a finite number >= 0. Default: 0.0. Above the
            initial lr it gives a cosine warm-up. torch also takes a negative `eta_min`,
            which makes the optimizer climb the loss; lrkit refuses it.
        last_epoch: the index of the last step taken; -1 (the default) starts a new run.
            Built with `last_epoch=N`, it continues after step N, which needs each group's
            `initial_lr` (restore the optimizer's state first), as in torch.

    Every argument is checked before the optimizer is touched: a refused value raises
    ValueError or TypeError naming it and leaves the param groups as they were. Assigning
    `T_max` or `eta_min` later is checked the same way and applies from the next step.

    Differences from torch, each listed with the test behind it in docs/torch-compat.md
    ("torch compatibility" on the docs site).

    - The lr is the exact value of the formula at every step. torch computes each step from
      the current lr and drifts: with `T_max=1000` its peak is 3.15e-11 above the initial
      lr after 10**6 steps. When something else moved the lr (a chain, a manual edit), each
      step applies torch's own recursive rule to the current lr, as torch does.
    - `state_dict()` is plain data; `load_state_dict()` writes the restored lrs into the
      optimizer, so resuming works in any order.

    Example: anneal from 0.1 to 0.01 over 4 steps, then back up.

    >>> import torch
    >>> import lrkit.torch as lr_scheduler
    >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    >>> scheduler = lr_scheduler.CosineAnnealingLR(opt, T_max=4, eta_min=0.01)
    >>> lrs = []
    >>> for epoch in range(9):
    ...     lrs.append(opt.param_groups[0]["lr"])
    ...     opt.step()
    ...     scheduler.step()
    >>> [round(lr, 6) for lr in lrs]
    [0.1, 0.08682, 0.055, 0.02318, 0.01, 0.02318, 0.055, 0.08682, 0.1]
    """

    core = lk.CosineAnnealingLR
    added_groups = True
    hyper = ("T_max", "eta_min")
    recursive = True
    initial_keeps_lr = True
    T_max: float
    eta_min: float

    def __init__(
        self, optimizer: Any, T_max: float, eta_min: float = 0.0, last_epoch: int = -1
    ) -> None:
        self._setup(optimizer, last_epoch, T_max=T_max, eta_min=eta_min)

    def _check_added_groups(self, t: Any, closed: bool) -> None:
        core: Any = self._cores[0]
        # Leaving a trough, torch's rule needs a base lr per group (and fails).
        super()._check_added_groups(t, closed or core.leaves_trough(t))


class CosineAnnealingWarmRestarts(DropIn):
    """Cosine annealing that restarts from the initial lr, each cycle `T_mult` times longer (SGDR).

    A drop-in for torch's `torch.optim.lr_scheduler.CosineAnnealingWarmRestarts`: the same
    arguments, defaults, attributes (`T_cur`, `T_i`) and learning rates. Each cycle anneals
    the lr from its initial value towards `eta_min` along a half cosine, then jumps back up:
    the warm restarts of Loshchilov and Hutter, "SGDR: Stochastic Gradient Descent with Warm
    Restarts" (https://arxiv.org/abs/1608.03983).

    With lr_0 the group's `initial_lr` (its lr when the scheduler was built) and pi
    3.14159..., cycle i (i = 0, 1, 2, ...) lasts T_i steps and the lr inside it is

        T_i  = T_0 * T_mult ** i
        lr_t = eta_min + (lr_0 - eta_min) * (1 + cos(pi * T_cur / T_i)) / 2

    where T_cur counts the steps since the last restart. Cycle i starts at step
    `T_0 * (T_mult ** i - 1) / (T_mult - 1)`, or `i * T_0` when `T_mult` is 1. `eta_min`
    itself is never reached: the next step is a restart.

    Args:
        optimizer: the optimizer whose param groups it drives: a torch optimizer, or any
            object whose `param_groups` is a non-empty list of dicts with an `lr`.
        T_0: the length of the first cycle in steps, a whole number from 1 to 2**53.
        T_mult: how many times longer each cycle is than the one before, a whole number from
            1 to 2**53. Default: 1 (every cycle `T_0` steps).
        eta_min: the lr the cosine heads for at the end of each cycle, a finite number >= 0.
            Default: 0.0. torch also takes a negative `eta_min`; lrkit refuses it.
        last_epoch: the index of the last step taken; -1 (the default) starts a new run.
            Built with `last_epoch=N`, it continues after step N, which needs each group's
            `initial_lr` (restore the optimizer's state first), as in torch.

    `step()` advances one step; `step(epoch)` jumps to `epoch`, which may be fractional, for
    restarts within an epoch: `scheduler.step(epoch + i / iters)` after batch i of `iters`.
    Neither warns (torch's warm restarts do not warn about the order of `optimizer.step()`
    and `scheduler.step()`, nor about `step(epoch)`). `T_cur` (fractional after a fractional
    epoch) and `T_i` may be assigned, as in torch; every argument is checked before the
    optimizer is touched, and a refused value raises ValueError or TypeError naming it.

    Differences from torch, each listed with the test behind it in docs/torch-compat.md
    ("torch compatibility" on the docs site).

    - `step(epoch)` finds the cycle exactly, with integer arithmetic. torch takes a
      floating-point logarithm that rounds down at some restarts (`T_0=1, T_mult=3` at
      epoch 121) and then gives `eta_min` instead of the restarted lr.
    - Built with `last_epoch=N`, lrkit starts at the exact position of step N + 1; torch
      wraps `T_cur` only once.
    - Inside a SequentialLR it keeps its cycle position at its milestone, as torch's does.
    - `state_dict()` is plain data; `load_state_dict()` writes the restored lrs into the
      optimizer, so resuming works in any order.

    Example: cycles of 2, 4 and 8 steps.

    >>> import torch
    >>> import lrkit.torch as lr_scheduler
    >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    >>> scheduler = lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=2)
    >>> lrs = []
    >>> for epoch in range(8):
    ...     lrs.append(opt.param_groups[0]["lr"])
    ...     opt.step()
    ...     scheduler.step()
    >>> [round(lr, 6) for lr in lrs]
    [0.1, 0.05, 0.1, 0.085355, 0.05, 0.014645, 0.1, 0.096194]
    >>> scheduler.T_cur, scheduler.T_i
    (2, 8)
    """

    core = lk.CosineAnnealingWarmRestarts
    hyper = ("T_0", "T_mult", "eta_min")
    extra_state = ("T_cur", "T_i")
    T_0: int
    T_mult: int
    eta_min: float

    def __init__(
        self,
        optimizer: Any,
        T_0: int,
        T_mult: int = 1,
        eta_min: float = 0.0,
        last_epoch: int = -1,
    ) -> None:
        last_epoch = check_last_epoch(last_epoch)
        self._T_i: float = 1
        self._T_cur: float = last_epoch
        # The cycle step(epoch) last found, with the core it was found by (an assigned T_0
        # or T_mult builds a new core, and the cycle must be looked up again).
        self._cycle_at: tuple[Any, float, float] = (None, math.inf, 0.0)
        self._setup(optimizer, last_epoch, T_0=T_0, T_mult=T_mult, eta_min=eta_min)

    def _start(self) -> None:
        if self.last_epoch >= 0:  # resuming: torch wraps T_cur only once; find the cycle
            done, length = self._cores[0].cycle(self.last_epoch)  # type: ignore[attr-defined]
            self._T_cur, self._T_i = int(done), int(length)
        else:
            self.T_i = self.T_0
        super()._start()

    @property
    def T_cur(self) -> float:
        """Steps since the last restart (fractional after a fractional ``step(epoch)``)."""
        return self._T_cur

    @T_cur.setter
    def T_cur(self, value: float) -> None:
        self._T_cur = _number("T_cur", value)

    @property
    def T_i(self) -> float:
        """The length of the current cycle."""
        return self._T_i

    @T_i.setter
    def T_i(self, value: float) -> None:
        self._T_i = _number("T_i", value, positive=True)

    def step(self, epoch: float | None = None) -> None:
        """One step, or a jump to ``epoch`` (fractional epochs allowed, no warning).

        (torch's warm restarts never warn about the order of ``optimizer.step()`` and
        ``scheduler.step()``; neither do these.)
        """
        self._step_count += 1
        self._sync()
        if epoch is None and self.last_epoch < 0:
            epoch = 0
        if epoch is None:
            cur, length = self._T_cur + 1, self._T_i
            if cur >= length:
                cur, length = cur % length, length * self.T_mult
            self._T_cur, self._T_i = cur, length
            self.last_epoch += 1
        else:
            value = epoch if epoch.__class__ is float and 0.0 <= epoch < math.inf else _epoch(epoch)
            core: Any = self._cores[0]
            found_by, start, length = self._cycle_at
            if found_by is core and start <= value < start + length:  # the last jump's cycle
                done = value - start  # exact, as the core's lookup (Sterbenz)
            else:
                done, length = core.cycle(value)
                self._cycle_at = (core, value - done, length)
            whole = isinstance(epoch, int)
            self._T_cur = int(done) if whole else done
            self._T_i = int(length) if length.is_integer() else length
            self.last_epoch = math.floor(value)
        self._write(self._values(0, closed=True))

    def _update_lr(self, epoch: float | None = None) -> None:
        # SequentialLR restarts a child with _update_lr(0); torch's warm restarts keep
        # their cycle position there (T_cur is not reset), and so do these.
        self._sync()
        self.last_epoch = self.last_epoch + 1 if epoch is None else epoch  # type: ignore[assignment]
        self._write(self._values(0, closed=True))

    def _values(self, t: Any, closed: bool) -> list[float]:
        self._check_groups()
        shape = self._cores[0].shape_in_cycle(self._T_cur, self._T_i)  # type: ignore[attr-defined]
        return [core.rate(shape) for core in self._cores]

    def get_lr(self) -> list[Any]:
        if not self._get_lr_called_within_step:
            warnings.warn(GET_LR_WARNING, UserWarning, stacklevel=2)
        return self._values(self.last_epoch, closed=True)

    def _get_closed_form_lr(self) -> list[float]:
        return self._values(self.last_epoch, closed=True)


def _epoch(value: Any) -> float:
    return check_real("epoch", value, low=0.0)


def _number(name: str, value: Any, positive: bool = False) -> float:
    number = check_real(name, value, low=0.0 if positive else None, low_open=positive)
    return int(number) if isinstance(value, int) and not isinstance(value, bool) else number


# -- cycled momentum: CyclicLR and OneCycleLR ---------------------------------------------
class _CyclesMomentum(DropIn):
    """Write the cycled momentum (SGD's ``momentum`` or Adam's ``betas[0]``) with each rate."""

    cycles_momentum = True
    cycle_momentum: bool
    use_beta1: bool

    def _momenta(self, shape: Any) -> list[float]:
        return [core.momentum_rate(shape) for core in self._cores]  # type: ignore[attr-defined]

    def _write_momenta(self) -> None:
        if not self.cycle_momentum:
            return
        t, shape, *known = self.__dict__.get("_shape_at", (None, None))
        if t != self.last_epoch:
            shape, known = self._cores[0].shape(self.last_epoch), []
        use_beta1 = self.use_beta1
        momenta = known[0] if known else self._momenta(shape)
        for group, momentum in zip(self.optimizer.param_groups, momenta, strict=True):
            if use_beta1:
                betas = group["betas"]
                if betas[0].__class__ is float:
                    group["betas"] = (momentum, *betas[1:])
                    continue
            elif group["momentum"].__class__ is float:
                group["momentum"] = momentum
                continue
            write_momentum(group, use_beta1, momentum)


class CyclicLR(_CyclesMomentum):
    """Cycle each param group's lr between `base_lr` and `max_lr` along a triangle (CLR).

    A drop-in for torch's `torch.optim.lr_scheduler.CyclicLR`: the same arguments, defaults,
    attributes and learning rates. The cyclical learning rates of Smith, "Cyclical Learning
    Rates for Training Neural Networks" (https://arxiv.org/abs/1506.01186): the lr climbs
    from `base_lr` to `max_lr` in `step_size_up` steps, comes back down in `step_size_down`
    steps, and starts again; the amplitude may shrink from cycle to cycle. Meant to be
    stepped after every batch. With `cycle_momentum` the momentum moves the opposite way.

    With u = `step_size_up`, d = `step_size_down` and t calls of `step()` (`last_epoch`),
    the cycle number c (from 1), the position x in the cycle and the height h are

        c = 1 + t // (u + d)
        x = t - (c - 1) * (u + d)
        h = x / u                  while x <= u
        h = (u + d - x) / d        after the peak

    and then, with the amplitude scale g,

        lr_t       = base_lr + (max_lr - base_lr) * h * g
        momentum_t = max_momentum - (max_momentum - base_momentum) * h * g

    where g is 1 for `mode='triangular'`, `2 ** (1 - c)` for `'triangular2'` (the amplitude
    halves every cycle), `gamma ** t` for `'exp_range'`, or `scale_fn(c)` (`scale_mode='cycle'`)
    or `scale_fn(t)` (`scale_mode='iterations'`) for a custom scale.

    Args:
        optimizer: the optimizer whose param groups it drives: a torch optimizer, or any
            object whose `param_groups` is a non-empty list of dicts with an `lr`.
        base_lr: the lower bound and the lr at step 0, one number >= 0 or a list of one per
            param group. It is written into each group's lr when built, as torch does.
        max_lr: the upper bound, one number >= 0 or a list of one per param group. Below
            `base_lr` it turns the triangle upside down. Negative lrs, which torch takes,
            are refused.
        step_size_up: the steps from `base_lr` up to `max_lr`, a whole number from 1 to
            2**53. Default: 2000. torch also takes fractional sizes (and fails with a
            ZeroDivisionError at 0); lrkit refuses both with an error naming the argument.
        step_size_down: the steps back down, a whole number from 1 to 2**53. Default: None,
            the same as `step_size_up`. torch also takes 0 and fractional sizes; lrkit
            refuses them.
        mode: `'triangular'`, `'triangular2'` or `'exp_range'`, the built-in amplitude
            scales above. Default: `'triangular'`. Ignored when `scale_fn` is given.
        gamma: the base of `'exp_range'`'s scale, a finite number >= 0. Default: 1.0.
            Above 1 the amplitude grows and the lr saturates at the largest float64, where
            torch's becomes inf (or NaN). A negative `gamma` is refused.
        scale_fn: a custom amplitude scale: a function of one number returning a factor
            (torch's), or, beyond torch, an expression string in `x` such as
            `"0.5 ** (x - 1)"`. Default: None (use `mode`).
        scale_mode: what `scale_fn` is given, `'cycle'` (the cycle number c) or
            `'iterations'` (the step t). Default: `'cycle'`. The built-in modes set it as
            torch does (`'iterations'` for `'exp_range'`).
        cycle_momentum: whether to cycle the momentum too (SGD's `momentum`, or Adam's
            first beta). Default: True; needs an optimizer with `momentum` or `betas`.
        base_momentum: the lower momentum bound, reached at `max_lr`: one finite number or
            a list of one per group. Default: 0.8.
        max_momentum: the upper momentum bound, the momentum at step 0: one finite number
            or a list of one per group. Default: 0.9.
        last_epoch: the index of the last step taken; -1 (the default) starts a new run.
            Built with `last_epoch=N`, it continues after step N, which needs each group's
            `initial_lr` (restore the optimizer's state first), as in torch.

    `scale_fn` is called when its step comes, with what torch passes, as many times as
    torch calls it (once per group for the lrs, once more per group for the momenta).
    Assigning `gamma` or `mode` after construction changes nothing, as in torch (its scale
    was bound when built); `max_lrs`, `base_lrs`, the momenta, `total_size`, `step_ratio`
    and `scale_mode` are followed from the next step. Every argument is checked before the
    optimizer is touched: a refused value raises ValueError or TypeError naming it.

    Differences from torch, each listed with the test behind it in docs/torch-compat.md
    ("torch compatibility" on the docs site).

    - Step sizes are whole numbers (also `total_size * step_ratio` when assigned); a
      `gamma > 1` saturates instead of overflowing; `base_lr == max_lr` stays at
      `base_lr` where torch can give NaN.
    - A tensor `base_lr` is copied: in torch it is shared with the group's lr and drifts.
    - `state_dict()` is plain data; `load_state_dict()` writes the restored lrs and momenta
      into the optimizer, so resuming works in any order.

    Example: cycles of 2 steps up and 2 down, momentum the other way.

    >>> import torch
    >>> import lrkit.torch as lr_scheduler
    >>> param = torch.nn.Parameter(torch.zeros(1))
    >>> opt = torch.optim.SGD([param], lr=0.1, momentum=0.9)
    >>> scheduler = lr_scheduler.CyclicLR(opt, base_lr=0.01, max_lr=0.05, step_size_up=2)
    >>> lrs, momenta = [], []
    >>> for batch in range(6):
    ...     lrs.append(opt.param_groups[0]["lr"])
    ...     momenta.append(opt.param_groups[0]["momentum"])
    ...     opt.step()
    ...     scheduler.step()
    >>> [round(lr, 6) for lr in lrs]
    [0.01, 0.03, 0.05, 0.03, 0.01, 0.03]
    >>> [round(m, 6) for m in momenta]
    [0.9, 0.85, 0.8, 0.85, 0.9, 0.85]
    """

    core = lk.CyclicLR
    hyper = ("total_size", "step_ratio", "scale_mode", "cycle_momentum")
    containers = ("base_lrs", "max_lrs", "base_momentums", "max_momentums")
    extra_state = ("mode", "gamma", "use_beta1")
    total_size: float
    step_ratio: float
    scale_mode: str
    max_lrs: list[Any]
    base_momentums: list[Any]
    max_momentums: list[Any]

    def __init__(
        self,
        optimizer: Any,
        base_lr: float | list[float],
        max_lr: float | list[float],
        step_size_up: int = 2000,
        step_size_down: int | None = None,
        mode: str = "triangular",
        gamma: float = 1.0,
        scale_fn: Callable[[float], float] | str | None = None,
        scale_mode: str = "cycle",
        cycle_momentum: bool = True,
        base_momentum: float | list[float] = 0.8,
        max_momentum: float | list[float] = 0.9,
        last_epoch: int = -1,
    ) -> None:
        last_epoch = check_last_epoch(last_epoch)
        groups = param_groups(optimizer)
        count = len(groups)
        self.use_beta1 = momentum_mode(optimizer, cycle_momentum is True)
        self.mode, self.gamma = mode, gamma
        self._scale_fn_custom = scale_fn
        self._bind_scale()
        if scale_fn is None and mode not in ("triangular", "triangular2", "exp_range"):
            fail("mode", "one of 'triangular', 'triangular2', 'exp_range' (or give scale_fn)", mode)
        down = step_size_up if step_size_down is None else step_size_down
        self._sizes = (step_size_up, down)
        total = _sum_of(step_size_up, down)  # NaN if not numbers (the core then says why)
        ratio = float(step_size_up) / total if total and total == total else math.nan
        self._size_pair = (total, ratio)
        self._store(
            {
                "base_lrs": per_group("base_lr", base_lr, count),
                "max_lrs": per_group("max_lr", max_lr, count),
                "base_momentums": per_group("base_momentum", base_momentum, count),
                "max_momentums": per_group("max_momentum", max_momentum, count),
                "total_size": total,
                "step_ratio": ratio,
                "scale_mode": scale_mode if scale_fn is not None else self._bound[2],
                "cycle_momentum": cycle_momentum,
            }
        )
        self._build(construction=True)  # validated: now write what torch writes
        if last_epoch != -1:
            pending_base_lrs(optimizer, last_epoch)
        if last_epoch == -1:
            for group, core in zip(groups, self._cores, strict=True):
                one: Any = core
                write(group, "lr", one.base_lr)
                if self.cycle_momentum:
                    write_momentum(group, self.use_beta1, one.max_momentum)
                    group["max_momentum"] = one.max_momentum
                    group["base_momentum"] = one.base_momentum
        bases = list(self.base_lrs)
        self._attach(optimizer, last_epoch)
        self._store({"base_lrs": bases})  # torch keeps base_lr, whatever initial_lr says
        self._start()

    def _bind_scale(self) -> None:
        """torch binds a built-in scale to ``mode`` and ``gamma`` when it is built (and
        when a state is loaded): later assignments to them change nothing."""
        mode = (
            self.mode if self.mode in ("triangular", "triangular2", "exp_range") else "triangular"
        )
        self._bound = (mode, self.gamma, "iterations" if mode == "exp_range" else "cycle")

    def _core_arguments(self, i: int) -> dict[str, Any]:
        up: float
        down: float
        up, down = self._sizes
        total, ratio = self.total_size, self.step_ratio
        if total is not self._size_pair[0] or ratio is not self._size_pair[1]:
            up = total * ratio  # assigned since: the sizes torch derives from them
            down = total - up
        return {
            "base_lr": as_float(self.base_lrs[i]),
            "max_lr": as_float(self.max_lrs[i]),
            "step_size_up": up,
            "step_size_down": down,
            "mode": self._bound[0],
            "gamma": self._bound[1],
            "scale_fn": self._scale_fn_custom,
            "scale_mode": self.scale_mode,
            "cycle_momentum": self.cycle_momentum,
            "base_momentum": as_float(self.base_momentums[i]),
            "max_momentum": as_float(self.max_momentums[i]),
        }

    def _rename(self, error: LrkitError, i: int, construction: bool) -> LrkitError:
        """A per-group argument by torch's name: ``max_lr[1]`` when built, ``max_lrs[1]`` after."""
        plural = {"base_lr": "base_lrs", "max_lr": "max_lrs"}.get(error.argument)
        plural = plural or {"base_momentum": "base_momentums", "max_momentum": "max_momentums"}.get(
            error.argument
        )
        if plural is None:
            return error
        if not construction:
            return renamed(error, f"{plural}[{i}]")
        return renamed(error, f"{error.argument}[{i}]") if len(self.base_lrs) > 1 else error

    def scale_fn(self, x: float) -> float:
        """The amplitude scale at ``x`` (a cycle number or a step, per ``scale_mode``)."""
        if self._scale_fn_custom is not None and not isinstance(self._scale_fn_custom, str):
            return float(self._scale_fn_custom(x))
        core: Any = self._cores[0]
        return core.scale(x)  # type: ignore[no-any-return]

    def state_dict(self) -> dict[str, Any]:
        state = super().state_dict()
        fn = self._scale_fn_custom
        state["_scale_fn_custom"] = (
            None
            if fn is None or isinstance(fn, (str, types.FunctionType))
            else _function_state([fn])[0]
        )
        return state

    def _load(self, state_dict: Any) -> None:
        if not isinstance(state_dict, Mapping):
            fail_type("state_dict", "a dict (from state_dict())", state_dict)
        state = dict(state_dict)
        saved = state.get("_scale_fn_custom")
        if saved is not None and not isinstance(saved, dict):
            fail_type("state_dict['_scale_fn_custom']", "None or a dict", saved)
        if "mode" in state:
            mode = state["mode"]
            if self._scale_fn_custom is None:
                check_choice("state_dict['mode']", mode, ("triangular", "triangular2", "exp_range"))
            self.mode = mode
        if "gamma" in state:
            self.gamma = check_real("state_dict['gamma']", state["gamma"], low=0.0)
        if "use_beta1" in state:
            self.use_beta1 = check_bool("state_dict['use_beta1']", state["use_beta1"])
        self._bind_scale()  # torch binds the scale again when it loads
        if self._scale_fn_custom is None:
            state["scale_mode"] = self._bound[2]
        if "total_size" in state and "step_ratio" in state:
            total = check_real(
                "state_dict['total_size']", state["total_size"], low=0.0, low_open=True
            )
            ratio = check_real(
                "state_dict['step_ratio']", state["step_ratio"], low=0.0, high=1.0, low_open=True
            )
            up = total * ratio
            if abs(up - round(up)) <= 1e-9 * max(1.0, up):  # whole step sizes, as built
                self._sizes = (round(up), round(total) - round(up))
                state["total_size"], state["step_ratio"] = total, ratio
                self._size_pair = (total, ratio)
        state.pop("_scale_fn_custom", None)
        super()._load(state)
        if saved is not None and self._scale_fn_custom is not None:
            _load_function_state([self._scale_fn_custom], [saved])  # last: a user object


def _float(value: Any) -> float:
    return value if value.__class__ is float else as_float(value)


def _sum_of(up: Any, down: Any) -> float:
    """``float(up) + float(down)`` for two numbers, else NaN (never an OverflowError)."""
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (up, down)):
        return math.nan
    try:
        return float(up) + float(down)
    except OverflowError:
        return math.nan


class OneCycleLR(_CyclesMomentum):
    """The 1cycle policy: warm each param group's lr up to `max_lr`, then anneal it far below.

    A drop-in for torch's `torch.optim.lr_scheduler.OneCycleLR`: the same arguments,
    defaults, attributes and learning rates. The policy of Smith and Topin,
    "Super-Convergence" (https://arxiv.org/abs/1708.07120): one cycle over the whole run,
    from `max_lr / div_factor` up to `max_lr` and then down to a tiny `min_lr`, with the
    momentum moving the opposite way. Meant to be stepped after every batch, exactly
    `total_steps` times.

    With T = `total_steps` and p = `pct_start`, the lrs the phases join are

        initial_lr = max_lr / div_factor         (the lr at step 0)
        min_lr     = initial_lr / final_div_factor

    Two phases (the default): initial_lr to max_lr over steps 0 to `p*T - 1`, then max_lr
    to min_lr until step `T - 1`. With `three_phase=True`: initial_lr to max_lr until
    `p*T - 1`, back to initial_lr until `2*p*T - 2`, then down to min_lr until `T - 1`.
    Inside a phase going from a to b, with q the fraction of the phase done (0 to 1) and
    pi 3.14159...,

        cos:     lr = b + (a - b) * (1 + cos(pi * q)) / 2
        linear:  lr = a + (b - a) * q

    and the momentum runs the same curves from `max_momentum` to `base_momentum` and back.

    Args:
        optimizer: the optimizer whose param groups it drives: a torch optimizer, or any
            object whose `param_groups` is a non-empty list of dicts with an `lr`.
        max_lr: the peak lr, one number >= 0 or a list of one per param group. The groups'
            own lrs are replaced by `max_lr / div_factor` when built, as in torch.
        total_steps: the length of the cycle in steps, a whole number from 1 to 2**53.
            Default: None, then `epochs * steps_per_epoch`; one of the two must be given.
        epochs: the number of epochs, with `steps_per_epoch` (whole numbers >= 1).
            Default: None.
        steps_per_epoch: the steps (batches) per epoch, with `epochs`. Default: None.
        pct_start: the fraction of the cycle spent warming up, in [0, 1). Default: 0.3.
            Every phase must last at least one step: torch also takes 1.0 or a phase of
            zero length, then divides by zero at the last step; lrkit refuses them.
        anneal_strategy: `'cos'` or `'linear'`, the curve of every phase. Default: `'cos'`.
        cycle_momentum: whether to cycle the momentum too (SGD's `momentum`, or Adam's
            first beta). Default: True; needs an optimizer with `momentum` or `betas`.
        base_momentum: the momentum at the peak lr: one finite number or a list of one per
            group. Default: 0.85.
        max_momentum: the momentum at the start and at the end: one finite number or a list
            of one per group. Default: 0.95.
        div_factor: `max_lr / initial_lr`, a number > 0. Default: 25.0. torch also takes 0
            (an infinite initial lr); lrkit refuses it.
        final_div_factor: `initial_lr / min_lr`, a number > 0. Default: 1e4.
        three_phase: whether to use the three phases above. Default: False.
        last_epoch: the index of the last step taken; -1 (the default) starts a new run.
            Built with `last_epoch=N`, it continues after step N, which needs each group's
            `initial_lr` (restore the optimizer's state first), as in torch.

    As in torch, each group holds its own `initial_lr`, `max_lr` and `min_lr` (and
    `max_momentum`, `base_momentum`), read at every step: editing them takes effect at the
    next step. Every argument is checked before the optimizer is touched: a refused value
    raises ValueError or TypeError naming it and leaves the param groups as they were.

    Differences from torch, each listed with the test behind it in docs/torch-compat.md
    ("torch compatibility" on the docs site).

    - At step `total_steps` (one past the last phase) the lr is `min_lr`; torch extrapolates
      the last phase, below `min_lr` (negative for short linear runs).
    - A `step()` past `total_steps` raises ValueError before changing anything; torch counts
      the step first.
    - `state_dict()` is plain data; `load_state_dict()` writes the restored lrs and momenta
      into the optimizer, so resuming works in any order.

    Example: a 10-step cycle for SGD with momentum.

    >>> import torch
    >>> import lrkit.torch as lr_scheduler
    >>> param = torch.nn.Parameter(torch.zeros(1))
    >>> opt = torch.optim.SGD([param], lr=0.1, momentum=0.9)
    >>> scheduler = lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=10)
    >>> lrs, momenta = [], []
    >>> for batch in range(10):
    ...     lrs.append(opt.param_groups[0]["lr"])
    ...     momenta.append(opt.param_groups[0]["momentum"])
    ...     opt.step()
    ...     scheduler.step()
    >>> [float(f"{lr:.3g}") for lr in lrs]
    [0.04, 0.52, 1.0, 0.95, 0.812, 0.611, 0.389, 0.188, 0.0495, 4e-06]
    >>> [round(m, 4) for m in momenta]
    [0.95, 0.9, 0.85, 0.855, 0.8688, 0.8889, 0.9111, 0.9312, 0.945, 0.95]
    """

    core = lk.OneCycleLR
    hyper = ("_anneal_func_type",)
    containers = ()
    extra_state = ("total_steps", "_schedule_phases", "cycle_momentum", "use_beta1")
    _anneal_func_type: str

    def __init__(
        self,
        optimizer: Any,
        max_lr: float | list[float],
        total_steps: int | None = None,
        epochs: int | None = None,
        steps_per_epoch: int | None = None,
        pct_start: float = 0.3,
        anneal_strategy: str = "cos",
        cycle_momentum: bool = True,
        base_momentum: float | list[float] = 0.85,
        max_momentum: float | list[float] = 0.95,
        div_factor: float = 25.0,
        final_div_factor: float = 1e4,
        three_phase: bool = False,
        last_epoch: int = -1,
    ) -> None:
        last_epoch = check_last_epoch(last_epoch)
        groups = param_groups(optimizer)
        count = len(groups)
        if total_steps is not None:
            epochs = steps_per_epoch = None  # torch: total_steps wins
        elif epochs is None or steps_per_epoch is None:
            fail(
                "total_steps",
                "given, or both epochs and steps_per_epoch given",
                None,
                hint=f"got epochs={epochs!r}, steps_per_epoch={steps_per_epoch!r}",
            )
        use_beta1 = momentum_mode(optimizer, cycle_momentum is True)
        maxima = per_group("max_lr", max_lr, count)
        lows = per_group("base_momentum", base_momentum, count)
        highs = per_group("max_momentum", max_momentum, count)
        arguments: dict[str, Any] = {
            "total_steps": total_steps,
            "epochs": epochs,
            "steps_per_epoch": steps_per_epoch,
            "pct_start": pct_start,
            "anneal_strategy": anneal_strategy,
            "cycle_momentum": cycle_momentum,
            "div_factor": div_factor,
            "final_div_factor": final_div_factor,
            "three_phase": three_phase,
        }
        cores: list[Any] = []
        for i in range(count):  # validate every group before touching the optimizer
            try:
                cores.append(
                    lk.OneCycleLR(
                        maxima[i], base_momentum=lows[i], max_momentum=highs[i], **arguments
                    )
                )
            except LrkitError as error:
                if count > 1 and error.argument in ("max_lr", "base_momentum", "max_momentum"):
                    raise renamed(error, f"{error.argument}[{i}]") from error
                raise
        if last_epoch != -1:
            pending_base_lrs(optimizer, last_epoch)
        self._arguments = arguments
        self.cycle_momentum = cycle_momentum
        self.use_beta1 = use_beta1
        self.total_steps = cores[0].steps
        self._store({"_anneal_func_type": cores[0].anneal_strategy})
        if last_epoch == -1:
            for group, core in zip(groups, cores, strict=True):
                levels = core.levels
                group["initial_lr"] = levels["initial_lr"]
                group["max_lr"] = levels["max_lr"]
                group["min_lr"] = levels["min_lr"]
                if cycle_momentum:
                    write_momentum(group, use_beta1, levels["max_momentum"])
                    group["max_momentum"] = levels["max_momentum"]
                    group["base_momentum"] = levels["base_momentum"]
        self._attach(optimizer, last_epoch)
        self._start()

    def _group_count(self) -> int:
        return 1  # one core for the phases; the values come from each group's keys

    def _core_arguments(self, i: int) -> dict[str, Any]:
        return {"max_lr": 1.0, **self._arguments, "anneal_strategy": self._anneal_func_type}

    @property
    def _schedule_phases(self) -> list[dict[str, Any]]:
        """torch's phase table (saved in ``state_dict`` for torch)."""
        core: Any = self._cores[0]
        phases = core.phases
        out = []
        for i, (end, lr0, lr1, m0, m1) in enumerate(phases):
            out.append(
                {
                    "end_step": int(end) if i == len(phases) - 1 else end,
                    "start_lr": lr0,
                    "end_lr": lr1,
                    "start_momentum": m0,
                    "end_momentum": m1,
                }
            )
        return out

    @_schedule_phases.setter
    def _schedule_phases(self, phases: Any) -> None:
        rule = "torch's list of 2 or 3 phase dicts, each with a finite 'end_step'"
        if not (isinstance(phases, list) and len(phases) in (2, 3)):
            fail_type("_schedule_phases", rule, phases)
        for i, phase in enumerate(phases):
            if not isinstance(phase, dict) or "end_step" not in phase:
                fail_type(f"_schedule_phases[{i}]", rule, phase)
            check_real(f"_schedule_phases[{i}]['end_step']", phase["end_step"], low=-1.0)
        total = self.total_steps
        self._arguments.update(
            total_steps=total,
            epochs=None,
            steps_per_epoch=None,
            three_phase=len(phases) == 3,
            pct_start=(as_float(phases[0]["end_step"]) + 1.0) / total,
        )
        if abs(self._arguments["pct_start"] - self._cores[0].pct_start) <= 1e-12:  # type: ignore[attr-defined]
            self._arguments["pct_start"] = self._cores[0].pct_start  # type: ignore[attr-defined]
        self._build()

    def _check_groups(self) -> list[dict[str, Any]]:
        groups: list[dict[str, Any]] = self.optimizer.param_groups
        return groups

    def _check_step(self, t: float) -> None:
        if t > self.total_steps:
            fail(
                "step",
                f"at most total_steps={self.total_steps}: OneCycleLR was stepped past its end",
                t,
                hint="build it with more total_steps (or epochs * steps_per_epoch)",
            )

    def _values(self, t: Any, closed: bool) -> list[float]:
        if t > self.total_steps:
            self._check_step(t)
        core: Any = self._cores[0]
        shape = core.shape(t)
        _, start, end, low, high = core.phases[shape[0]]
        anneal, cycle = core.anneal, self.cycle_momentum
        lrs, momenta = [], []
        for g in self.optimizer.param_groups:  # each group's keys, read now (as torch reads them)
            lrs.append(anneal(shape, _float(g[start]), _float(g[end])))
            if cycle:
                momenta.append(anneal(shape, _float(g[low]), _float(g[high])))
        self._shape_at = (t, shape, momenta)
        return lrs

    def _momenta(self, shape: Any) -> list[float]:
        core: Any = self._cores[0]
        _, _, _, start, end = core.phases[shape[0]]
        return [
            core.anneal(shape, _float(g[start]), _float(g[end]))
            for g in self.optimizer.param_groups
        ]

    def get_lr(self) -> list[Any]:
        if not self._get_lr_called_within_step:
            warnings.warn(GET_LR_WARNING, UserWarning, stacklevel=2)
        self._check_step(self.last_epoch)
        return self._values(self.last_epoch, closed=True)

    def _get_closed_form_lr(self) -> list[float]:
        return self._values(self.last_epoch, closed=True)

    def _load(self, state_dict: Any) -> None:
        if not isinstance(state_dict, Mapping):
            fail_type("state_dict", "a dict (from state_dict())", state_dict)
        if "total_steps" in state_dict:
            total = check_int("state_dict['total_steps']", state_dict["total_steps"], low=1)
            self._arguments.update(total_steps=total, epochs=None, steps_per_epoch=None)
            self.total_steps = total
        for key in ("cycle_momentum", "use_beta1"):
            if key in state_dict:
                check_bool(f"state_dict[{key!r}]", state_dict[key])
        super()._load(state_dict)
        self._build()
