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
    r"""Set each group's rate to its initial rate times a function of the step.

    .. math:: \eta_t = \eta_0 \, \lambda(t)

    Args:
        optimizer: the optimizer (any object with ``param_groups``).
        lr_lambda: a function of the step count (an ``int``) returning a factor, or a list
            of one per param group; beyond torch, an expression string in ``epoch`` such as
            ``"0.95 ** epoch"`` (see :class:`lrkit.Expr`), or an lrkit
            :class:`~lrkit.Schedule` read as a factor (a schedule with ``lr=1.0``).
        last_epoch: the index of the last step; -1 starts afresh.

    Each function is called once per param group and step, when the step comes (as in
    torch): ``lr_lambda=lambda e: table[e]`` works with a table as long as the run.
    Assigning ``base_lrs`` or ``lr_lambdas[i]`` takes effect at the next step.

    A schedule given as ``lr_lambda`` behaves exactly as ``lambda e: schedule(e)`` would,
    and ``state_dict()`` also holds its config, under ``"_lrkit_lr_lambdas"`` (one config
    or ``None`` per group; torch's ``"lr_lambdas"`` entry for it is ``None``, so torch's
    LambdaLR loads the state too); ``load_state_dict`` builds it back. A schedule whose
    config cannot be written (one over a Python callable) is kept as constructed.

    >>> import torch
    >>> opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    >>> sched = LambdaLR(opt, lambda epoch: 1 / (epoch + 1))
    >>> opt.step(); sched.step()
    >>> sched.get_last_lr()
    [0.05]
    """

    core = lk.LambdaLR


class MultiplicativeLR(_Functions):
    r"""Multiply each group's rate by a function of the step at every step.

    .. math:: \eta_t = \eta_{t-1} \, \lambda(t)

    Args:
        optimizer: the optimizer (any object with ``param_groups``).
        lr_lambda: a function of the step count returning a factor, or a list of one per
            param group (or an expression string in ``epoch``).
        last_epoch: the index of the last step; -1 starts afresh.

    The product is formed step by step from the current rate, exactly as torch does (so
    it also multiplies whatever another scheduler left): values are bit-identical to
    torch's and to :class:`lrkit.MultiplicativeLR`'s running product.

    >>> import torch
    >>> opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    >>> sched = MultiplicativeLR(opt, lambda epoch: 0.5)
    >>> for _ in range(2):
    ...     opt.step(); sched.step()
    >>> sched.get_last_lr()
    [0.025]
    """

    core = lk.MultiplicativeLR
    recursive = True
    closed_form = False
    initial_keeps_lr = True


# -- products of per-step factors -----------------------------------------------------------
class StepLR(DropIn):
    r"""Decay each group's rate by ``gamma`` every ``step_size`` steps.

    .. math:: \eta_t = \eta_0 \, \gamma^{\lfloor t / s \rfloor}

    Args:
        optimizer: the optimizer.
        step_size: :math:`s`, steps between decays (a positive integer).
        gamma: :math:`\gamma`, the decay factor (>= 0). Default: 0.1.
        last_epoch: the index of the last step; -1 starts afresh.

    Exact at every step (:class:`lrkit.StepLR`). Like torch's, it multiplies the current
    rate at each multiple of ``step_size`` when something else moved it (a chain, a
    manual edit, an edited ``gamma``); ``base_lrs`` is not read after construction.

    >>> import torch
    >>> opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    >>> sched = StepLR(opt, step_size=2, gamma=0.5)
    >>> lrs = []
    >>> for _ in range(4):
    ...     opt.step(); sched.step(); lrs.append(sched.get_last_lr()[0])
    >>> lrs
    [0.1, 0.05, 0.05, 0.025]
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
    r"""Decay each group's rate by ``gamma`` at each milestone.

    .. math:: \eta_t = \eta_0 \, \gamma^{\#\{m \in M : m \le t\}}

    Args:
        optimizer: the optimizer.
        milestones: the steps at which to decay (integers >= 0, any order; one listed
            twice decays twice).
        gamma: the decay factor (>= 0). Default: 0.1.
        last_epoch: the index of the last step; -1 starts afresh.

    ``milestones`` is a ``Counter`` as in torch; a list assigned to it is converted (torch
    keeps the list and fails at the next milestone). ``state_dict`` stores it as a plain
    ``{milestone: count}`` dict, which ``torch.load(weights_only=True)`` accepts.

    >>> import torch
    >>> opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0)
    >>> sched = MultiStepLR(opt, milestones=[1, 3], gamma=0.5)
    >>> lrs = []
    >>> for _ in range(3):
    ...     opt.step(); sched.step(); lrs.append(sched.get_last_lr()[0])
    >>> lrs
    [0.5, 0.5, 0.25]
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
    r"""Scale each group's rate by ``factor`` until step ``total_iters``.

    .. math:: \eta_t = \eta_0 \cdot (f \text{ if } t < T \text{ else } 1)

    Args:
        optimizer: the optimizer.
        factor: :math:`f` in [0, 1]. Default: 1/3.
        total_iters: :math:`T`, the number of scaled steps (a positive integer). Default: 5.
        last_epoch: the index of the last step; -1 starts afresh.

    ``factor=0`` holds the rate at 0 and then restores it (torch divides by zero there).

    >>> import torch
    >>> opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    >>> sched = ConstantLR(opt, factor=0.5, total_iters=2)
    >>> [sched.get_last_lr()[0]] + [(opt.step(), sched.step(), sched.get_last_lr()[0])[2] for _ in range(2)]
    [0.05, 0.05, 0.1]
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
    r"""Move each group's factor linearly from ``start_factor`` to ``end_factor``.

    .. math::
        \eta_t = \eta_0 \left( f_s + (f_e - f_s) \frac{\min(t, T)}{T} \right)

    Args:
        optimizer: the optimizer.
        start_factor: :math:`f_s` in (0, 1]. Default: 1/3.
        end_factor: :math:`f_e` in [0, 1]. Default: 1.
        total_iters: :math:`T`, the steps to reach ``end_factor``. Default: 5.
        last_epoch: the index of the last step; -1 starts afresh.

    Lands exactly on ``lr * end_factor`` (torch's recursion drifts by a few ulps per step).

    >>> import torch
    >>> opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    >>> sched = LinearLR(opt, start_factor=0.5, total_iters=2)
    >>> [sched.get_last_lr()[0]] + [(opt.step(), sched.step(), sched.get_last_lr()[0])[2] for _ in range(2)]
    [0.05, 0.07500000000000001, 0.1]
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
    r"""Decay each group's rate by ``gamma`` every step.

    .. math:: \eta_t = \eta_0 \, \gamma^t

    Args:
        optimizer: the optimizer.
        gamma: :math:`\gamma` (>= 0; above 1 the rate grows and overflows to inf, as in torch).
        last_epoch: the index of the last step; -1 starts afresh.

    >>> import torch
    >>> opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    >>> sched = ExponentialLR(opt, gamma=0.5)
    >>> opt.step(); sched.step(); sched.get_last_lr()
    [0.05]
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
    r"""Decay each group's rate to zero along a polynomial over ``total_iters`` steps.

    .. math:: \eta_t = \eta_0 \left(1 - \frac{\min(t, T)}{T}\right)^p

    Args:
        optimizer: the optimizer.
        total_iters: :math:`T` (a positive integer). Default: 5.
        power: :math:`p` (>= 0). Default: 1.
        last_epoch: the index of the last step; -1 starts afresh.

    >>> import torch
    >>> opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    >>> sched = PolynomialLR(opt, total_iters=4, power=1.0)
    >>> opt.step(); sched.step(); sched.get_last_lr()
    [0.07500000000000001]
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
    r"""Anneal each group's rate to ``eta_min`` along a half cosine over ``T_max`` steps.

    .. math::
        \eta_t = \eta_{min} + (\eta_0 - \eta_{min}) \frac{1 + \cos(\pi t / T_{max})}{2}

    Args:
        optimizer: the optimizer.
        T_max: half the period, in steps (a positive number).
        eta_min: the rate at the trough (>= 0). Default: 0.
        last_epoch: the index of the last step; -1 starts afresh.

    Past ``T_max`` the cosine climbs back, as torch's does. Exact at every step, where
    torch's recursion drifts (a peak 3e-11 too high after 10^6 steps); when something
    else moved the rate it applies torch's recursion around ``eta_min``.

    >>> import torch
    >>> opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    >>> sched = CosineAnnealingLR(opt, T_max=2)
    >>> for _ in range(2):
    ...     opt.step(); sched.step()
    >>> sched.get_last_lr()
    [0.0]
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
    r"""Cosine annealing restarted every cycle, each ``T_mult`` times longer (SGDR).

    .. math::
        \eta_t = \eta_{min} + (\eta_0 - \eta_{min}) \frac{1 + \cos(\pi T_{cur} / T_i)}{2}

    Args:
        optimizer: the optimizer.
        T_0: the first cycle's length (a positive integer).
        T_mult: the growth of each cycle (an integer >= 1). Default: 1.
        eta_min: the rate at the end of each cycle (>= 0). Default: 0.
        last_epoch: the index of the last step; -1 starts afresh.

    ``T_cur`` (steps into the cycle) and ``T_i`` (the cycle's length) are torch's
    attributes, advanced as torch advances them and assignable. ``step(epoch)`` takes
    fractional epochs (``scheduler.step(epoch + i / iters)``) and finds the cycle exactly,
    where torch's logarithm can pick the previous cycle at a restart.

    >>> import torch
    >>> opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    >>> sched = CosineAnnealingWarmRestarts(opt, T_0=2)
    >>> lrs = []
    >>> for _ in range(3):
    ...     opt.step(); sched.step(); lrs.append(sched.get_last_lr()[0])
    >>> [round(v, 6) for v in lrs]
    [0.05, 0.1, 0.05]
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
    r"""Cycle each group's rate between ``base_lr`` and ``max_lr`` along a triangle (CLR).

    With :math:`r = t \bmod (u + d)`, the height :math:`h = r/u` going up and
    :math:`(u + d - r)/d` coming down, and an amplitude scale :math:`g`:

    .. math:: \eta_t = \eta_{base} + (\eta_{max} - \eta_{base}) \, h \, g

    :math:`g` is 1 (``'triangular'``), :math:`2^{1-c}` in cycle :math:`c` (``'triangular2'``),
    :math:`\gamma^t` (``'exp_range'``) or ``scale_fn`` of the cycle or the step
    (``scale_mode``). With ``cycle_momentum`` the momentum goes the other way, from
    ``max_momentum`` down to ``base_momentum``.

    Args:
        optimizer: the optimizer.
        base_lr, max_lr: the bounds (a number, or a list of one per param group).
        step_size_up, step_size_down: steps going up and coming down (positive integers;
            ``step_size_down`` defaults to ``step_size_up``).
        mode, gamma, scale_fn, scale_mode: the amplitude scale, as above.
        cycle_momentum: whether to cycle momentum (needs ``momentum`` or ``betas``).
        base_momentum, max_momentum: the momentum bounds (per group or one; any finite
            numbers the optimizer accepts).
        last_epoch: the index of the last step; -1 starts afresh.

    ``scale_fn`` is called when its step comes, as torch calls it: once per param group
    for the rates and once more per group for the momenta. Assigning ``gamma`` or
    ``mode`` after construction changes nothing, as in torch (its scale function was
    bound when built); ``max_lrs``, ``base_lrs``, the momenta, ``total_size``,
    ``step_ratio`` and ``scale_mode`` are followed.

    >>> import torch
    >>> opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1, momentum=0.9)
    >>> sched = CyclicLR(opt, base_lr=0.01, max_lr=0.1, step_size_up=2)
    >>> lrs = []
    >>> for _ in range(4):
    ...     opt.step(); sched.step(); lrs.append(round(sched.get_last_lr()[0], 4))
    >>> lrs
    [0.055, 0.1, 0.055, 0.01]
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
    r"""The 1cycle policy: warm up to ``max_lr``, then anneal far below the start.

    With :math:`\eta_{init} = \eta_{max} / \text{div\_factor}` and
    :math:`\eta_{min} = \eta_{init} / \text{final\_div\_factor}`, the rate goes
    :math:`\eta_{init} \to \eta_{max}` over the first ``pct_start`` of the cycle, then
    :math:`\eta_{max} \to \eta_{min}` (``three_phase``: back to :math:`\eta_{init}`
    symmetrically, then to :math:`\eta_{min}`), each phase along a half cosine or a line.
    Momentum moves the other way between ``max_momentum`` and ``base_momentum``.

    Args:
        optimizer: the optimizer.
        max_lr: the peak rate (or a list of one per param group).
        total_steps: the cycle's length; or give ``epochs`` and ``steps_per_epoch``.
        pct_start: the fraction of the cycle spent warming up. Default: 0.3.
        anneal_strategy: ``'cos'`` or ``'linear'``. Default: ``'cos'``.
        cycle_momentum, base_momentum, max_momentum: the cycled momentum.
        div_factor, final_div_factor: as above. Defaults: 25 and 1e4.
        three_phase: the three-phase variant. Default: False.
        last_epoch: the index of the last step; -1 starts afresh.

    Like torch's, each step reads the group's ``initial_lr``, ``max_lr``, ``min_lr``,
    ``max_momentum`` and ``base_momentum``, so editing them takes effect at the next step.
    ``step()`` past ``total_steps`` raises a ValueError before changing anything; at step
    ``total_steps`` the rate is ``min_lr`` (torch extrapolates the last phase).

    >>> import torch
    >>> opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1, momentum=0.9)
    >>> sched = OneCycleLR(opt, max_lr=1.0, total_steps=10)
    >>> round(sched.get_last_lr()[0], 6), round(opt.param_groups[0]["momentum"], 6)
    (0.04, 0.95)
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
