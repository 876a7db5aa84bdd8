"""Drop-in schedulers backed by the closed-form core, one class per torch scheduler.

Each class validates its arguments by building one core schedule per param group
(:mod:`lrkit`), and only then touches the optimizer. At each step it writes the exact
closed-form value while the group's lr is still what it last wrote; when something else
changed the lr (another scheduler on the same optimizer, a chain, a manual edit), it
applies torch's own per-step rule for its class instead, expressed through the same
closed form (a ratio of factors for the multiplicative classes, torch's affine rule
around ``eta_min`` for cosine annealing). LambdaLR, CyclicLR, OneCycleLR and
CosineAnnealingWarmRestarts overwrite the lr, as torch's do.
"""

from __future__ import annotations

import math
import types
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt
import torch
from torch import Tensor

import lrkit
from lrkit.core._errors import check_bool, check_real, fail, fail_type
from lrkit.core._expr import Expr
from lrkit.core._schedule import Schedule, batched
from lrkit.core._cyclic import MODES
from lrkit.core._xp import NUMPY, SCALAR
from lrkit.torch._base import (
    LRScheduler,
    as_float,
    build_per_group,
    check_last_epoch,
    copy_value,
    param_groups,
    pending_base_lrs,
    per_group,
    to_plain,
    write,
    write_momentum,
)

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

#: Steps evaluated ahead at once by the vectorised core: the first run is short (cheap
#: construction), each next one twice as long, up to the largest, and to at most
#: _VALUES_MAX values held for all param groups together (memory stays small).
_CHUNK = 64
_CHUNK_MAX = 4096
_VALUES_MAX = 1 << 16


def next_chunk(previous: int, groups: int) -> int:
    """How many steps to evaluate ahead, given the length of the previous run."""
    return max(2, min(_CHUNK_MAX, _VALUES_MAX // max(groups, 1), max(_CHUNK, 2 * previous)))


GET_LR_WARNING = "To get the last learning rate computed by the scheduler, use get_last_lr()."


class _ClosedForm(LRScheduler):
    """A drop-in scheduler whose values come from one core schedule per param group."""

    #: torch's per-step rule: "ratio", "cosine", "product" (MultiplicativeLR) or "overwrite".
    _rule: ClassVar[str] = "overwrite"
    #: Whether torch's rule leaves the lr alone in the construction step (``_is_initial``).
    _initial_keeps_lr: ClassVar[bool] = False
    #: Whether torch's ratio at step 0 divides by the factor continued to step -1.
    _ratio_at_zero_extrapolates: ClassVar[bool] = False
    #: torch's hyper-parameter attributes, saved in ``state_dict`` under the same names.
    _hyper: ClassVar[tuple[str, ...]] = ()
    #: The closed form built for each param group, and torch's arguments it takes
    #: (beside the group's lr; default: ``_hyper``), also the public attributes.
    _core: ClassVar[type[Any]]
    _arguments: ClassVar[tuple[str, ...]] = ()

    # Values computed ahead: rows of every group's lr (and momentum) from step _lrkit_from.
    _lrkit_rows: list[list[float]]
    _lrkit_mrows: list[list[float]]
    _lrkit_from: int

    def _start(self, optimizer: Any, last_epoch: int, schedules: list[Schedule]) -> None:
        """Attach to the optimizer (arguments already validated) and take the first step."""
        self._schedules = schedules
        self._attach(optimizer, last_epoch)
        self._initial_step()

    @property
    def _schedules(self) -> list[Schedule]:
        """One core schedule per param group (the whole definition of the values)."""
        return self._lrkit_schedules

    @_schedules.setter
    def _schedules(self, schedules: Sequence[Schedule]) -> None:
        self._lrkit_schedules = list(schedules)
        # All groups evaluated by one call where they differ only in their numbers.
        self._lrkit_batch = batched(self._lrkit_schedules)
        self._lrkit_rows = []
        self._lrkit_mrows = []
        self._lrkit_from = 0

    # -- values ------------------------------------------------------------------------
    def _schedule(self, i: int) -> Schedule:
        schedules = self._lrkit_schedules
        if i < len(schedules):
            return schedules[i]
        if self._rule in ("ratio", "cosine"):
            return schedules[-1]  # the factors do not depend on the group's lr
        raise ValueError(
            f"{type(self).__name__} was built for {len(schedules)} param groups but the "
            f"optimizer now has {len(self.optimizer.param_groups)}: a group added with "
            "add_param_group needs a new scheduler (torch fails here too)"
        )

    def _exact(self, i: int, t: float) -> float:
        value: float = self._schedule(i)._value(SCALAR, float(t))
        return value

    def _exact_all(self, t: float) -> list[float]:
        """Every group's exact value at step ``t``."""
        if t >= 0 and float(t).is_integer():
            step = int(t)
            rows = self._lrkit_rows
            k = step - self._lrkit_from
            if not 0 <= k < len(rows):
                self._fill(step)
                rows, k = self._lrkit_rows, step - self._lrkit_from
            return rows[k]
        return self._evaluate(np.array([float(t)]))[0]

    def _evaluate(self, steps: npt.NDArray[np.float64], what: str = "_value") -> list[list[float]]:
        """Every group's exact value (or momentum) at each of ``steps``: a row per step."""
        return evaluate_rows(self._lrkit_schedules, self._lrkit_batch, steps, what)

    def _fill(self, step: int) -> None:
        """Evaluate a run of steps from ``step - 1`` at once (vectorised), for later steps.

        A scheduler steps one step at a time, so its values are computed ``_CHUNK`` steps
        ahead by the core's numpy evaluation and then only looked up: that is what makes
        ``step()`` cheaper than torch's (the values are the same closed form).
        """
        first = max(step - 1, 0)
        end = self._lrkit_batch.last_step if self._lrkit_batch is not None else None
        size = next_chunk(len(self._lrkit_rows), len(self._lrkit_schedules))
        last = first + size if end is None else min(first + size, int(end))
        steps = np.arange(first, max(last, step) + 1, dtype=np.float64)
        self._lrkit_rows = self._evaluate(steps)
        self._lrkit_from = first
        self._after_fill(steps)

    def _after_fill(self, steps: npt.NDArray[np.float64]) -> None:
        """A hook for classes that cycle momentum too."""

    def _rule_value(self, i: int, current: float, t: float, initial: bool) -> float:
        """torch's per-step rule for this class, applied to the group's current lr."""
        rule = self._rule
        if rule == "overwrite":
            return self._exact(i, t)
        if rule == "product":
            return current if initial else current * float(self._factor_fn(i)(t))
        schedule: Any = self._schedule(i)
        if rule == "cosine":
            if initial:
                return current
            now = float(schedule._weight(SCALAR, float(t)))
            before = float(schedule._weight(SCALAR, float(t) - 1.0))
            eta_min = float(schedule.eta_min)
            if before == 0.0:  # just left the trough: torch adds the first rise
                return current + (as_float(self.base_lrs[i]) - eta_min) * now
            return eta_min + (current - eta_min) * (now / before)
        extrapolate = self._ratio_at_zero_extrapolates
        if initial and self._initial_keeps_lr and (t != 0 or extrapolate):
            return current
        # torch's rule is the ratio of consecutive factors, the formula continued below
        # step 0 where torch's is (ExponentialLR, PolynomialLR); the others start at 1.
        now = float(schedule._factor(SCALAR, float(t)))
        if t == 0 and not extrapolate:
            before = 1.0
        else:
            before = float(schedule._factor(SCALAR, float(t) - 1.0))
        if before == 0.0:
            # torch divides by zero here (ConstantLR factor=0): take the closed form.
            return current if now == 0.0 else self._exact(i, t)
        return current * (now / before)

    def _factor_fn(self, i: int) -> Callable[[Any], Any]:
        raise NotImplementedError

    def step(self, epoch: float | None = None) -> None:
        """One step: a lookup of precomputed exact values while nothing else moved the lrs.

        This is the hot path of a training loop, written for speed: the general path
        (``LRScheduler.step``) handles everything else the same way, only slower.
        """
        rows = self._lrkit_rows
        k = self.last_epoch + 1 - self._lrkit_from
        if epoch is None and 1 <= k < len(rows) and self._rule != "product":
            groups = self.optimizer.param_groups
            now = rows[k]
            if len(groups) == len(now):
                check = self._rule != "overwrite"
                # Lengths were just checked: zip without strict= (it costs ~2x here).
                for group, before in zip(groups, rows[k - 1]):  # noqa: B905
                    lr = group["lr"]
                    if lr.__class__ is not float or (
                        check and lr != before and not _same(lr, before)
                    ):
                        break  # a tensor lr, or moved by something else
                else:
                    for group, value in zip(groups, now):  # noqa: B905
                        group["lr"] = value
                    self._step_count += 1
                    self.last_epoch += 1
                    self._last_lr = list(now)
                    if self._lrkit_mrows:
                        self._after_write(k)
                    return
        if epoch is None:
            self._check_step(self.last_epoch + 1)  # before anything changes
        LRScheduler.step(self, epoch)  # the general path (refills the values ahead)

    def _initial_step(self) -> None:
        self._step_count = 0
        self._is_initial = True
        try:
            LRScheduler.step(self)
        finally:
            self._is_initial = False

    def _after_write(self, k: int) -> None:
        """A hook for classes that cycle momentum too: row ``k`` was just written."""

    def _next_lrs(self) -> list[Any]:
        t = self.last_epoch
        self._check_step(t)
        groups = self.optimizer.param_groups
        rule = self._rule
        if rule == "product":
            return [
                self._rule_value(i, as_float(g["lr"]), t, self._is_initial)
                for i, g in enumerate(groups)
            ]
        known = len(self._lrkit_schedules)
        now = self._exact_all(t)
        if rule == "overwrite":
            if known != len(groups):
                self._schedule(len(groups) - 1)  # raises: a group was added
            return now
        # A group whose lr is still this schedule's exact value at the previous step was
        # left alone since: it gets the exact value now. Any other lr was changed by
        # something else (a chain, a manual edit): torch's rule applies on top of it.
        before = self._exact_before(t, known)
        self._lrkit_exact = (t, now)
        exact_ok = not (self._is_initial and t != 0)
        out = []
        for i, group in enumerate(groups):
            lr = group["lr"]
            current = lr if lr.__class__ is float else as_float(lr)
            if exact_ok and i < known and _same(current, before[i]):
                out.append(now[i])
            else:
                out.append(self._rule_value(i, current, t, self._is_initial))
        return out

    def _exact_before(self, t: float, known: int) -> list[float]:
        """The exact values at step ``t - 1`` (the base lrs before step 0), cached."""
        if t == 0:
            return [as_float(b) for b in self.base_lrs[:known]]
        cached = getattr(self, "_lrkit_exact", None)
        if cached is not None and cached[0] == t - 1:
            return cached[1]  # type: ignore[no-any-return]
        return self._exact_all(t - 1)

    def _lrs_at(self, epoch: float) -> list[Any]:
        self._check_step(epoch)
        groups = self.optimizer.param_groups
        if self._rule == "product":
            return [
                self._rule_value(i, as_float(g["lr"]), epoch, False) for i, g in enumerate(groups)
            ]
        return self._exact_all(epoch)

    def _check_step(self, t: float) -> None:
        """Raise before anything changes if ``t`` is outside the schedule's domain."""

    def get_lr(self) -> list[Any]:
        """What torch's ``get_lr()`` returns now: its per-step rule on the current lrs."""
        if not self._get_lr_called_within_step:
            warnings.warn(GET_LR_WARNING, UserWarning, stacklevel=2)
        t = self.last_epoch
        return [
            self._rule_value(i, as_float(group["lr"]), t, self._is_initial)
            for i, group in enumerate(self.optimizer.param_groups)
        ]

    # -- state ----------------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """Plain data with torch's keys, so torch's scheduler of the same class loads it."""
        state = {name: to_plain(getattr(self, name)) for name in self._hyper}
        state.update(
            base_lrs=to_plain(self.base_lrs),
            last_epoch=self.last_epoch,
            _step_count=self._step_count,
            _is_initial=False,
            _get_lr_called_within_step=False,
            _last_lr=to_plain(self._last_lr),
        )
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Load a state written by lrkit or by torch's scheduler of the same class.

        The hyper-parameters in the state are validated like constructor arguments; the
        restored rates (and momenta) are written into the optimizer, so the order in
        which the optimizer and the scheduler are restored does not matter.
        """
        if "base_lrs" in state_dict:
            loaded = list(state_dict["base_lrs"])
            if len(loaded) == len(self.base_lrs):
                loaded = [_like(old, new) for old, new in zip(self.base_lrs, loaded, strict=True)]
            self.base_lrs = loaded
        hyper = {name: state_dict[name] for name in self._hyper if name in state_dict}
        self._load_hyper(hyper, [as_float(b) for b in self.base_lrs])
        self.last_epoch = state_dict.get("last_epoch", self.last_epoch)
        self._step_count = state_dict.get("_step_count", self._step_count)
        if "_last_lr" in state_dict:
            self._last_lr = list(state_dict["_last_lr"])
        self._restore_optimizer()

    def _load_hyper(self, hyper: dict[str, Any], bases: list[float]) -> None:
        """Rebuild the schedules from loaded hyper-parameters (validated)."""
        self._schedules = self._configure(bases, **hyper)

    def _setup(self, optimizer: Any, last_epoch: int, **arguments: Any) -> None:
        """Validate everything, then attach to the optimizer: the shared constructor."""
        last_epoch = check_last_epoch(last_epoch)
        bases = pending_base_lrs(optimizer, last_epoch)
        self._start(optimizer, last_epoch, self._configure(bases, **arguments))

    def _configure(self, bases: list[float], **hyper: Any) -> list[Schedule]:
        """One core schedule per group; given (or loaded) arguments override current ones."""
        names = self._arguments or self._hyper
        args = {name: hyper[name] if name in hyper else getattr(self, name) for name in names}
        schedules: list[Schedule] = build_per_group(lambda b: self._core(b, **args), bases)
        for name in names:  # the validated, normalised values
            setattr(self, name, getattr(schedules[0], name))
        return schedules


def evaluate_rows(
    schedules: Sequence[Schedule],
    batch: Schedule | None,
    steps: npt.NDArray[np.float64],
    what: str = "_value",
) -> list[list[float]]:
    """Each schedule (one per param group) at each step, vectorised: one row per step.

    ``batch`` is ``batched(schedules)``: all groups in one evaluation where possible.
    """
    column = steps[:, None]
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        if batch is not None:
            values = getattr(batch, what)(NUMPY, column)
        else:
            values = np.hstack([getattr(s, what)(NUMPY, column) for s in schedules])
    return np.broadcast_to(values, (steps.size, len(schedules))).tolist()  # type: ignore[no-any-return]


def _same(lr: float, exact: float) -> bool:
    """Whether a group's lr is still the exact value written (up to a few ulps of rounding)."""
    return lr == exact or abs(lr - exact) <= 1e-15 * abs(exact)


def _like(old: Any, new: Any) -> Any:
    """``new`` with ``old``'s type: a loaded float becomes a tensor where the lr is one."""
    if isinstance(old, Tensor) and not isinstance(new, Tensor):
        return torch.tensor(as_float(new), dtype=old.dtype, device=old.device)
    return copy_value(new)


def _functions(argument: str, value: Any, count: int) -> list[Any]:
    """torch's LambdaLR/MultiplicativeLR rule: one function, or a list of one per group."""
    if isinstance(value, (list, tuple)):
        if len(value) != count:
            fail(argument, f"one function or a list of {count} (one per param group)", value)
        return list(value)
    return [value] * count


def _function_state(functions: Sequence[Any]) -> list[Any]:
    """torch's convention: a plain function saves None, a callable object its ``__dict__``."""
    out: list[Any] = []
    for fn in functions:
        if isinstance(fn, (types.FunctionType, Expr)) or not hasattr(fn, "__dict__"):
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


class _Functions(_ClosedForm):
    """LambdaLR and MultiplicativeLR: schedules of user functions, one per param group."""

    def __init__(self, optimizer: Any, lr_lambda: Any, last_epoch: int = -1) -> None:
        last_epoch = check_last_epoch(last_epoch)
        bases = pending_base_lrs(optimizer, last_epoch)
        self._fns = _functions("lr_lambda", lr_lambda, len(bases))
        self._start(optimizer, last_epoch, self._configure(bases))

    @property
    def lr_lambdas(self) -> list[Any]:
        """The functions, one per param group (expression strings as :class:`lrkit.Expr`)."""
        return [s.lr_lambda for s in self._schedules]  # type: ignore[attr-defined]

    def _configure(self, bases: list[float], **hyper: Any) -> list[Schedule]:
        fns = iter(self._fns)
        return build_per_group(lambda b: self._core(b, next(fns)), bases)

    def state_dict(self) -> dict[str, Any]:
        state = super().state_dict()
        state["lr_lambdas"] = _function_state(self.lr_lambdas)
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        _load_function_state(self.lr_lambdas, state_dict.get("lr_lambdas"))
        super().load_state_dict(state_dict)


class LambdaLR(_Functions):
    """``base_lr * lr_lambda(epoch)``: see :class:`lrkit.LambdaLR`.

    ``lr_lambda`` is a function, a list of one per param group, or (beyond torch) an
    expression string such as ``"0.95 ** epoch"``.
    """

    _rule = "overwrite"
    _core = lrkit.LambdaLR


class MultiplicativeLR(_Functions):
    """Multiply the lr by ``lr_lambda(epoch)`` at every step: see :class:`lrkit.MultiplicativeLR`.

    Stepping applies torch's rule ``lr * lr_lambda(epoch)`` to the current lr, which is
    bit-identical to the core's running product and costs O(1) per step.
    """

    _rule = "product"
    _core = lrkit.MultiplicativeLR

    def _factor_fn(self, i: int) -> Callable[[Any], Any]:
        fn: Any = self._schedule(i).lr_lambda  # type: ignore[attr-defined]
        if isinstance(fn, Expr):
            return fn
        return lambda t: fn(int(t) if float(t).is_integer() else t)


class StepLR(_ClosedForm):
    """Decay by ``gamma`` every ``step_size`` steps: see :class:`lrkit.StepLR`."""

    _rule = "ratio"
    _hyper = ("step_size", "gamma")
    _core = lrkit.StepLR
    step_size: int
    gamma: float

    def __init__(
        self, optimizer: Any, step_size: int, gamma: float = 0.1, last_epoch: int = -1
    ) -> None:
        self._setup(optimizer, last_epoch, step_size=step_size, gamma=gamma)


class MultiStepLR(_ClosedForm):
    """Decay by ``gamma`` at each milestone: see :class:`lrkit.MultiStepLR`.

    ``milestones`` is kept as a ``Counter`` (as in torch); ``state_dict`` stores it as a
    plain ``{milestone: count}`` dict, which ``torch.load(weights_only=True)`` accepts.
    """

    _rule = "ratio"
    _hyper = ("milestones", "gamma")
    _core = lrkit.MultiStepLR
    gamma: float

    def __init__(
        self, optimizer: Any, milestones: Iterable[int], gamma: float = 0.1, last_epoch: int = -1
    ) -> None:
        if isinstance(milestones, (str, bytes)) or not isinstance(milestones, Iterable):
            fail_type("milestones", "a list of integers >= 0", milestones)
        self._setup(optimizer, last_epoch, milestones=list(milestones), gamma=gamma)

    def _configure(self, bases: list[float], **hyper: Any) -> list[Schedule]:
        given = hyper.get("milestones", getattr(self, "milestones", None))
        if isinstance(given, Mapping):  # torch's Counter, or its plain-dict form
            given = [m for m, count in given.items() for _ in range(int(count))]
        schedules = super()._configure(bases, **{**hyper, "milestones": given})
        self.milestones: Counter[int] = Counter(self.milestones)
        return schedules

    def state_dict(self) -> dict[str, Any]:
        state = super().state_dict()
        state["milestones"] = dict(self.milestones)
        return state


class ConstantLR(_ClosedForm):
    """Scale by ``factor`` until ``total_iters``: see :class:`lrkit.ConstantLR`."""

    _rule = "ratio"
    _hyper = ("factor", "total_iters")
    _core = lrkit.ConstantLR
    factor: float
    total_iters: int

    def __init__(
        self,
        optimizer: Any,
        factor: float = 1.0 / 3,
        total_iters: int = 5,
        last_epoch: int = -1,
    ) -> None:
        self._setup(optimizer, last_epoch, factor=factor, total_iters=total_iters)


class LinearLR(_ClosedForm):
    """Move the factor linearly from ``start_factor`` to ``end_factor``: see :class:`lrkit.LinearLR`."""

    _rule = "ratio"
    _initial_keeps_lr = True
    _hyper = ("start_factor", "end_factor", "total_iters")
    _core = lrkit.LinearLR
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
        self._setup(optimizer, last_epoch, start_factor=start_factor, end_factor=end_factor, total_iters=total_iters)


class ExponentialLR(_ClosedForm):
    """Decay by ``gamma`` every step: see :class:`lrkit.ExponentialLR`."""

    _rule = "ratio"
    _initial_keeps_lr = True
    _ratio_at_zero_extrapolates = True
    _hyper = ("gamma",)
    _core = lrkit.ExponentialLR
    gamma: float

    def __init__(self, optimizer: Any, gamma: float, last_epoch: int = -1) -> None:
        self._setup(optimizer, last_epoch, gamma=gamma)


class PolynomialLR(_ClosedForm):
    """Decay to zero as a polynomial: see :class:`lrkit.PolynomialLR`."""

    _rule = "ratio"
    _initial_keeps_lr = True
    _ratio_at_zero_extrapolates = True
    _hyper = ("total_iters", "power")
    _core = lrkit.PolynomialLR
    total_iters: int
    power: float

    def __init__(
        self, optimizer: Any, total_iters: int = 5, power: float = 1.0, last_epoch: int = -1
    ) -> None:
        self._setup(optimizer, last_epoch, total_iters=total_iters, power=power)


class CosineAnnealingLR(_ClosedForm):
    """Cosine annealing to ``eta_min`` over ``T_max`` steps: see :class:`lrkit.CosineAnnealingLR`."""

    _rule = "cosine"
    _initial_keeps_lr = True
    _hyper = ("T_max", "eta_min")
    _core = lrkit.CosineAnnealingLR
    T_max: float
    eta_min: float

    def __init__(
        self, optimizer: Any, T_max: float, eta_min: float = 0.0, last_epoch: int = -1
    ) -> None:
        self._setup(optimizer, last_epoch, T_max=T_max, eta_min=eta_min)


class CosineAnnealingWarmRestarts(_ClosedForm):
    """SGDR: cosine annealing with warm restarts: see :class:`lrkit.CosineAnnealingWarmRestarts`.

    ``step(epoch)`` takes fractional epochs (``scheduler.step(epoch + i / iters)``) without
    a deprecation warning, as torch's does. ``T_cur`` and ``T_i`` are derived from the
    position, which the scheduler tracks exactly.
    """

    _rule = "overwrite"
    _hyper = ("T_0", "T_i", "T_mult", "eta_min", "T_cur")
    _core = lrkit.CosineAnnealingWarmRestarts
    _arguments = ("T_0", "T_mult", "eta_min")
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
        self._position = float(check_last_epoch(last_epoch))  # exact, fractional if asked
        self._setup(optimizer, last_epoch, T_0=T_0, T_mult=T_mult, eta_min=eta_min)

    def _cycle(self) -> tuple[float, float]:
        start, length = self._schedules[0].cycle_start_and_length(  # type: ignore[attr-defined]
            SCALAR, self._position
        )
        return float(start), float(length)

    @property
    def T_cur(self) -> float:
        """Steps since the last restart (fractional after a fractional ``step(epoch)``)."""
        start, _ = self._cycle()
        cur = self._position - start
        return int(cur) if cur.is_integer() else cur

    @property
    def T_i(self) -> int:
        """The length of the current cycle."""
        return int(self._cycle()[1])

    def step(self, epoch: float | None = None) -> None:
        """One step, or a jump to ``epoch`` (fractional epochs allowed, no warning)."""
        self._step_count += 1
        if epoch is None and self.last_epoch < 0:
            epoch = 0
        if epoch is None:
            self._position += 1.0
            self.last_epoch += 1
        else:
            value = check_real("epoch", epoch, low=0.0)
            self._position = value
            self.last_epoch = math.floor(value)
        self._write_lrs(self._exact(i, self._position) for i in range(len(self.optimizer.param_groups)))

    def _update_lr(self, epoch: float | None = None) -> None:
        # SequentialLR restarts a child with _update_lr(0); torch's warm restarts keep
        # their cycle position there (T_cur is not reset), so do we.
        if epoch is None:
            self._position += 1.0
            self.last_epoch += 1
        else:
            self.last_epoch = epoch  # type: ignore[assignment]
        self._write_lrs(self._exact(i, self._position) for i in range(len(self.optimizer.param_groups)))

    def get_lr(self) -> list[Any]:
        if not self._get_lr_called_within_step:
            warnings.warn(GET_LR_WARNING, UserWarning, stacklevel=2)
        return [self._exact(i, self._position) for i in range(len(self.optimizer.param_groups))]

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        t0 = int(state_dict.get("T_0", self.T_0))
        mult = int(state_dict.get("T_mult", self.T_mult))
        t_i = as_float(state_dict.get("T_i", t0))
        start, length = 0.0, float(t0)
        while mult > 1 and length < t_i:  # the cycle whose length is T_i
            start += length
            length *= mult
        super().load_state_dict({k: v for k, v in state_dict.items() if k not in ("T_i", "T_cur")})
        self._position = start + as_float(state_dict.get("T_cur", 0.0))
        self._restore_optimizer()

    def state_dict(self) -> dict[str, Any]:
        state = super().state_dict()
        state["T_cur"] = self.T_cur
        state["T_i"] = self.T_i
        return state


class _CyclesMomentum(_ClosedForm):
    """Shared by CyclicLR and OneCycleLR: write the cycled momentum with each lr."""

    cycle_momentum: bool
    use_beta1: bool

    def _momentum_mode(self, optimizer: Any, cycle_momentum: bool) -> bool:
        """Whether the optimizer's momentum is Adam's ``betas[0]``; checks it has one."""
        if not cycle_momentum:
            return False
        defaults = getattr(optimizer, "defaults", None)
        keys = set(defaults) if isinstance(defaults, Mapping) else set(param_groups(optimizer)[0])
        if "momentum" not in keys and "betas" not in keys:
            fail(
                "cycle_momentum",
                "False for an optimizer without momentum or betas",
                True,
                hint=f"{type(optimizer).__name__} has neither",
            )
        return "betas" in keys

    def _write_lrs(self, values: Iterable[Any]) -> None:
        super()._write_lrs(values)
        self._write_momenta()

    def _after_fill(self, steps: npt.NDArray[np.float64]) -> None:
        if self.cycle_momentum:
            self._lrkit_mrows = self._evaluate(steps, "_momentum_value")

    def _after_write(self, k: int) -> None:
        groups = self.optimizer.param_groups
        momenta = self._lrkit_mrows[k]
        if self.use_beta1:
            for group, momentum in zip(groups, momenta):  # noqa: B905 (same lengths)
                betas = group["betas"]
                if betas[0].__class__ is float:
                    group["betas"] = (momentum, *betas[1:])
                else:
                    write_momentum(group, True, momentum)
        else:
            for group, momentum in zip(groups, momenta):  # noqa: B905 (same lengths)
                if group["momentum"].__class__ is float:
                    group["momentum"] = momentum
                else:
                    write_momentum(group, False, momentum)

    def _write_momenta(self) -> None:
        """Write the momenta for the current step (the general, non-lookup path)."""
        if not self.cycle_momentum:
            return
        t = self.last_epoch
        k = t - self._lrkit_from
        if float(t).is_integer() and 0 <= k < len(self._lrkit_rows):
            self._put_momenta(self._lrkit_mrows[int(k)])
        else:
            self._put_momenta(self._evaluate(np.array([float(t)]), "_momentum_value")[0])

    def _put_momenta(self, momenta: list[float]) -> None:
        use_beta1 = self.use_beta1
        for group, momentum in zip(self.optimizer.param_groups, momenta, strict=True):
            write_momentum(group, use_beta1, momentum)

    def _restore_optimizer(self) -> None:
        super()._restore_optimizer()
        self._write_momenta()



class CyclicLR(_CyclesMomentum):
    """Cyclical learning rates (triangle waves) and momentum: see :class:`lrkit.CyclicLR`."""

    _rule = "overwrite"
    _hyper = (
        "max_lrs",
        "total_size",
        "step_ratio",
        "mode",
        "gamma",
        "scale_mode",
        "cycle_momentum",
        "use_beta1",
        "base_momentums",
        "max_momentums",
    )

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
        cycle_momentum = check_bool("cycle_momentum", cycle_momentum)
        use_beta1 = self._momentum_mode(optimizer, cycle_momentum)
        if scale_fn is None and mode not in MODES:
            fail("mode", "one of " + ", ".join(map(repr, MODES)) + " (or give scale_fn)", mode)
        self._args: dict[str, Any] = {
            "base_lr": per_group("base_lr", base_lr, count),
            "max_lr": per_group("max_lr", max_lr, count),
            "base_momentum": per_group("base_momentum", base_momentum, count),
            "max_momentum": per_group("max_momentum", max_momentum, count),
            "step_size_up": step_size_up,
            "step_size_down": step_size_down,
            "mode": mode if mode in MODES else "triangular",
            "gamma": gamma,
            "scale_fn": scale_fn,
            "scale_mode": scale_mode if scale_fn is not None else None,
            "cycle_momentum": cycle_momentum,
        }
        schedules = self._build()
        if last_epoch != -1:
            pending_base_lrs(optimizer, last_epoch)
        # Validated: now write what torch writes.
        self.mode = mode
        self.use_beta1 = use_beta1
        self.cycle_momentum = cycle_momentum
        self._scale_fn_custom = scale_fn
        if last_epoch == -1:
            for group, s in zip(groups, schedules, strict=True):
                write(group, "lr", s.base_lr)  # type: ignore[attr-defined]
                if cycle_momentum:
                    write_momentum(group, use_beta1, s.max_momentum)  # type: ignore[attr-defined]
                    group["max_momentum"] = s.max_momentum  # type: ignore[attr-defined]
                    group["base_momentum"] = s.base_momentum  # type: ignore[attr-defined]
        self._schedules = schedules
        self._attach(optimizer, last_epoch)
        self.base_lrs = [s.base_lr for s in schedules]  # type: ignore[attr-defined]
        self._initial_step()

    def _build(self) -> list[Schedule]:
        a = self._args
        schedules = [
            lrkit.CyclicLR(
                a["base_lr"][i],
                a["max_lr"][i],
                a["step_size_up"],
                a["step_size_down"],
                a["mode"],
                a["gamma"],
                a["scale_fn"],
                a["scale_mode"],
                a["cycle_momentum"],
                a["base_momentum"][i],
                a["max_momentum"][i],
            )
            for i in range(len(a["base_lr"]))
        ]
        return list[Schedule](schedules)

    # torch's public attributes, derived from the schedules.
    @property
    def max_lrs(self) -> list[float]:
        return [s.max_lr for s in self._schedules]  # type: ignore[attr-defined]

    @property
    def base_momentums(self) -> list[float]:
        return [s.base_momentum for s in self._schedules]  # type: ignore[attr-defined]

    @property
    def max_momentums(self) -> list[float]:
        return [s.max_momentum for s in self._schedules]  # type: ignore[attr-defined]

    @property
    def total_size(self) -> float:
        return float(self._schedules[0].total_size)  # type: ignore[attr-defined]

    @property
    def step_ratio(self) -> float:
        first: Any = self._schedules[0]
        return first.step_size_up / first.total_size  # type: ignore[no-any-return]

    @property
    def gamma(self) -> float:
        return self._schedules[0].gamma  # type: ignore[attr-defined,no-any-return]

    @property
    def scale_mode(self) -> str:
        return self._schedules[0].effective_scale_mode  # type: ignore[attr-defined,no-any-return]

    def scale_fn(self, x: float) -> float:
        """The amplitude scale at ``x`` (a cycle number or a step, per ``scale_mode``)."""
        return float(self._schedules[0]._scale(SCALAR, float(x)))  # type: ignore[attr-defined]

    def state_dict(self) -> dict[str, Any]:
        state = super().state_dict()
        fn = self._scale_fn_custom
        state["_scale_fn_custom"] = (
            None if fn is None or isinstance(fn, (str, types.FunctionType)) else _function_state([fn])[0]
        )
        return state

    def _load_hyper(self, hyper: dict[str, Any], bases: list[float]) -> None:
        a = self._args
        count = len(bases)
        a["base_lr"] = list(bases)
        if "max_lrs" in hyper:
            a["max_lr"] = per_group("max_lrs", list(hyper["max_lrs"]), count)
        if "total_size" in hyper and "step_ratio" in hyper:
            total = as_float(hyper["total_size"])
            up = round(total * as_float(hyper["step_ratio"]))
            a["step_size_up"], a["step_size_down"] = up, round(total) - up
        if "mode" in hyper:
            self.mode = hyper["mode"]
            a["mode"] = hyper["mode"] if hyper["mode"] in MODES else "triangular"
        if "gamma" in hyper:
            a["gamma"] = hyper["gamma"]
        for ours, theirs in (("base_momentum", "base_momentums"), ("max_momentum", "max_momentums")):
            if theirs in hyper:
                a[ours] = per_group(theirs, list(hyper[theirs]), count)
        self._schedules = self._build()

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        saved = state_dict.get("_scale_fn_custom")
        if isinstance(saved, dict) and self._scale_fn_custom is not None:
            _load_function_state([self._scale_fn_custom], [saved])
        super().load_state_dict(state_dict)


class OneCycleLR(_CyclesMomentum):
    """The 1cycle policy for the lr and momentum: see :class:`lrkit.OneCycleLR`.

    ``step()`` past ``total_steps`` raises a ValueError before changing anything (torch
    raises too, after counting the step). At step ``total_steps`` the lr is ``min_lr``
    (torch extrapolates the last phase; with ``'linear'`` below ``min_lr``).
    """

    _rule = "overwrite"
    _hyper = ("total_steps", "_schedule_phases", "_anneal_func_type", "cycle_momentum", "use_beta1")

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
        cycle_momentum = check_bool("cycle_momentum", cycle_momentum)
        use_beta1 = self._momentum_mode(optimizer, cycle_momentum)
        if total_steps is not None:
            epochs = steps_per_epoch = None  # torch: total_steps wins
        elif epochs is None or steps_per_epoch is None:
            fail(
                "total_steps",
                "given, or both epochs and steps_per_epoch given",
                None,
                hint=f"got epochs={epochs!r}, steps_per_epoch={steps_per_epoch!r}",
            )
        self._args: dict[str, Any] = {
            "max_lr": per_group("max_lr", max_lr, count),
            "base_momentum": per_group("base_momentum", base_momentum, count),
            "max_momentum": per_group("max_momentum", max_momentum, count),
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
        schedules = self._build()
        if last_epoch != -1:
            pending_base_lrs(optimizer, last_epoch)
        self.cycle_momentum = cycle_momentum
        self.use_beta1 = use_beta1
        if last_epoch == -1:
            for group, s in zip(groups, schedules, strict=True):
                one: Any = s
                group["initial_lr"] = one.initial_lr
                group["max_lr"] = one.max_lr
                group["min_lr"] = one.min_lr
                if cycle_momentum:
                    write_momentum(group, use_beta1, one.max_momentum)
                    group["max_momentum"] = one.max_momentum
                    group["base_momentum"] = one.base_momentum
        self._start(optimizer, last_epoch, schedules)

    def _build(self) -> list[Schedule]:
        a = self._args
        schedules = [
            lrkit.OneCycleLR(
                a["max_lr"][i],
                a["total_steps"],
                a["epochs"],
                a["steps_per_epoch"],
                a["pct_start"],
                a["anneal_strategy"],
                a["cycle_momentum"],
                a["base_momentum"][i],
                a["max_momentum"][i],
                a["div_factor"],
                a["final_div_factor"],
                a["three_phase"],
            )
            for i in range(len(a["max_lr"]))
        ]
        return list(schedules)

    @property
    def total_steps(self) -> int:
        return self._schedules[0].steps  # type: ignore[attr-defined,no-any-return]

    @property
    def _anneal_func_type(self) -> str:
        return self._schedules[0].anneal_strategy  # type: ignore[attr-defined,no-any-return]

    @property
    def _schedule_phases(self) -> list[dict[str, Any]]:
        """torch's description of the phases (saved in ``state_dict`` for torch)."""
        first: Any = self._schedules[0]
        ends = first._ends
        names = (
            [("initial_lr", "max_lr", "max_momentum", "base_momentum"),
             ("max_lr", "initial_lr", "base_momentum", "max_momentum"),
             ("initial_lr", "min_lr", "max_momentum", "max_momentum")]
            if first.three_phase
            else [("initial_lr", "max_lr", "max_momentum", "base_momentum"),
                  ("max_lr", "min_lr", "base_momentum", "max_momentum")]
        )
        phases = []
        for end, (a, b, c, d) in zip(ends, names, strict=True):
            last = end == ends[-1]
            phases.append(
                {
                    "end_step": int(end) if last else end,
                    "start_lr": a,
                    "end_lr": b,
                    "start_momentum": c,
                    "end_momentum": d,
                }
            )
        return phases

    def _check_step(self, t: float) -> None:
        if t > self.total_steps:
            fail(
                "step",
                f"at most total_steps={self.total_steps}: OneCycleLR was stepped past its end",
                t,
                hint="build it with more total_steps (or epochs * steps_per_epoch)",
            )

    def _load_hyper(self, hyper: dict[str, Any], bases: list[float]) -> None:
        a = self._args
        if "total_steps" in hyper:
            a["total_steps"], a["epochs"], a["steps_per_epoch"] = int(hyper["total_steps"]), None, None
        phases = hyper.get("_schedule_phases")
        if isinstance(phases, list) and phases:
            a["three_phase"] = len(phases) == 3
            total = a["total_steps"] or self.total_steps
            pct = (as_float(phases[0]["end_step"]) + 1.0) / total
            if abs(pct - float(a["pct_start"])) > 1e-12:
                a["pct_start"] = pct
        if "_anneal_func_type" in hyper:
            a["anneal_strategy"] = hyper["_anneal_func_type"]
        self._schedules = self._build()
