"""The one generic adapter: a torch scheduler that is a view of core schedules.

A drop-in class declares torch's signature, the core schedule it shows (one per param
group, built from torch's attributes by name) and torch's per-step rule for the class:

- ``recursive = False``: torch overwrites the rate each step from its attributes (LambdaLR,
  CyclicLR, OneCycleLR, warm restarts). The core's value *is* torch's rule: every step
  writes ``core.rate(core.shape(t))``, whatever happened before.
- ``recursive = True``: torch multiplies (or, for the cosine, moves) the current rate. While
  nobody touched the scheduler or its groups, the group's rate is still the exact value
  of the step before, and the step writes the core's exact value for the new step. When
  something else moved the rate (another scheduler, a chain, a manual edit, an edited
  attribute), the step applies torch's rule, ``core.step_from(current, t)``, to it.

Values are evaluated when their step comes, never ahead: a user's function is called
when torch would call it. Assigning a torch attribute that defines the schedule validates
it (with the constructor's message) and rebuilds the core schedules; an in-place edit of
a list attribute (``base_lrs[0] = ...``) is noticed and validated at the next step, before
anything is written.
"""

from __future__ import annotations

import contextlib
import copy
import math
import warnings
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

import torch
from torch import Tensor

from lrkit.core import LrkitError, Schedule, check_int, check_real, fail, fail_type
from lrkit.torch._base import (
    FORMAT_VERSION,
    GET_LR_WARNING,
    LRScheduler,
    as_float,
    check_last_epoch,
    copy_value,
    known_state,
    pending_base_lrs,
    renamed,
    to_plain,
)

__all__ = ["DropIn", "Watched"]

_NAN = math.nan


class Watched:
    """A torch attribute that defines the schedule: assigning it validates and rebuilds."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        self.slot = "_w_" + name
        self.__doc__ = self._doc(name)

    def __init__(self, name: str = "") -> None:
        self.name = name
        self.slot = "_w_" + name
        self.__doc__ = self._doc(name)

    @staticmethod
    def _doc(name: str) -> str:
        """What ``help()`` shows for the attribute (documentation only)."""
        return (
            f"torch's attribute `{name}`: an assigned value is checked by the constructor's\n"
            "rules (a refused one changes nothing) and takes effect when torch's would."
        )

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        try:
            return obj.__dict__[self.slot]
        except KeyError:
            raise AttributeError(self.name) from None

    def __set__(self, obj: DropIn, value: Any) -> None:
        obj._assign({self.name: value})


class CoreClass(property):
    # A drop-in class's ``core``: reads as the core schedule class, on the class and on an
    # instance. A property, so that help() shows one line of its own here rather than the
    # core class's docstring, which is reST for the docs site (help(cls.core) shows that).

    def __init__(self, core: type[Schedule]) -> None:
        name = f"lrkit.{core.__name__}"
        doc = f"The closed form this scheduler follows: {name} (help({name}) shows it)."
        super().__init__(lambda _: core, doc=doc)
        self.__doc__ = doc
        self.core = core

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        return self.core


class DropIn(LRScheduler):
    """A drop-in scheduler whose values come from one core schedule per param group."""

    #: The core schedule class, built by keyword from :meth:`_core_arguments`.
    core: ClassVar[type[Schedule]]
    #: torch's attributes passed to the core by the same name.
    hyper: ClassVar[tuple[str, ...]] = ()
    #: Attributes holding lists or dicts (compared each step to notice in-place edits).
    containers: ClassVar[tuple[str, ...]] = ("base_lrs",)
    #: Whether torch's rule moves the current rate (True) or overwrites it (False).
    recursive: ClassVar[bool] = False
    #: Whether the core's value is the exact rate (False: MultiplicativeLR's running
    #: product, which is its rule applied step by step).
    closed_form: ClassVar[bool] = True
    #: Whether torch's construction step leaves the rate alone when resuming.
    initial_keeps_lr: ClassVar[bool] = False
    #: Whether torch's rule copes with a param group added after construction.
    added_groups: ClassVar[bool] = False
    #: Whether the class writes a cycled momentum with each rate.
    cycles_momentum: ClassVar[bool] = False

    _cores: list[Schedule]
    _track: list[float]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        core = cls.__dict__.get("core")
        if isinstance(core, type):
            cls.core = CoreClass(core)  # type: ignore[assignment]
        for name in (*cls.hyper, *cls.containers):
            if not isinstance(cls.__dict__.get(name), Watched):
                setattr(cls, name, Watched(name))

    # -- construction ------------------------------------------------------------------
    def _setup(self, optimizer: Any, last_epoch: int, **hyper: Any) -> None:
        """Validate everything, then attach to the optimizer and take the first step."""
        last_epoch = check_last_epoch(last_epoch)
        bases = pending_base_lrs(optimizer, last_epoch)
        self._store({**hyper, "base_lrs": bases})
        self._build(construction=True)  # raises before the optimizer is touched
        self._attach(optimizer, last_epoch)
        self._start()

    def _start(self) -> None:
        """Build from the attached state and take torch's construction step."""
        self._build()
        self._ready = True
        self._initial_step()

    def _store(self, values: Mapping[str, Any]) -> None:
        """Set attributes without validating (validation follows in :meth:`_build`)."""
        for name, value in values.items():
            if isinstance(getattr(type(self), name, None), Watched):
                self.__dict__["_w_" + name] = self._convert(name, value)
            else:
                object.__setattr__(self, name, value)

    @classmethod
    def _watched(cls) -> tuple[str, ...]:
        return (*cls.hyper, *cls.containers)

    def _convert(self, name: str, value: Any) -> Any:
        """Normalise an assigned value (a hook: MultiStepLR turns lists into a Counter)."""
        return list(value) if name in self.containers and isinstance(value, tuple) else value

    def _core_arguments(self, i: int) -> dict[str, Any]:
        """The core schedule's arguments for param group ``i``, by name."""
        return {"lr": as_float(self.base_lrs[i]), **{n: getattr(self, n) for n in self.hyper}}

    def _group_count(self) -> int:
        return len(self.base_lrs)

    def _build(self, construction: bool = False) -> None:
        """Build (and so validate) the core schedules from the current attributes."""
        count = self._group_count()
        for name in self.containers:
            value = self.__dict__.get("_w_" + name)
            if isinstance(value, list) and len(value) != count:
                fail(name, f"a list of {count} (one per param group)", value)
        cores = []
        for i in range(count):
            try:
                arguments = self._core_arguments(i)
                cores.append(self.core(**arguments))
            except LrkitError as error:
                raise self._rename(error, i, construction) from error
        self._cores = cores
        self._bases = len(cores)
        self._track = [_NAN] * len(cores)
        self._snapshot = self._containers_now()
        self._fresh = True

    def _rename(self, error: LrkitError, i: int, construction: bool) -> LrkitError:
        """Name a bad per-group value by where it came from."""
        if error.argument == "lr":
            where = f"optimizer.param_groups[{i}]['lr']" if construction else f"base_lrs[{i}]"
            return renamed(error, where)
        return error

    def _containers_now(self) -> list[tuple[str, Any]]:
        """Each list or dict attribute's slot with a shallow copy of its value."""
        out = []
        for name in self.containers:
            value = self.__dict__.get("_w_" + name)
            out.append(
                ("_w_" + name, dict(value) if isinstance(value, dict) else list(value or ()))
            )
        return out

    def _assign(self, values: Mapping[str, Any]) -> None:
        """Assign watched attributes: validate by rebuilding; on failure change nothing."""
        if not self.__dict__.get("_ready"):
            self._store(values)
            return
        old = {name: self.__dict__.get("_w_" + name, _MISSING) for name in values}
        before = {
            k: self.__dict__[k] for k in ("_cores", "_bases", "_track", "_snapshot", "_fresh")
        }
        try:
            self._store(values)
            self._build()
        except BaseException:
            for name, value in old.items():
                if value is _MISSING:
                    self.__dict__.pop("_w_" + name, None)
                else:
                    self.__dict__["_w_" + name] = value
            self.__dict__.update(before)
            raise

    def _sync(self) -> None:
        """Notice in-place edits of list attributes; validate them before anything moves."""
        attributes = self.__dict__
        for slot, held in self._snapshot:
            if attributes[slot] != held:
                self._build()
                return

    # -- stepping --------------------------------------------------------------------------
    def _update_lr(self, epoch: float | None = None) -> None:
        attributes = self.__dict__
        for slot, held in self._snapshot:  # (the body of _sync, inlined: the hot path)
            if attributes[slot] != held:
                self._build()
                break
        t: Any = self.last_epoch + 1 if epoch is None else epoch
        values = self._values(t, epoch is not None)  # may refuse t: nothing changed yet
        self.last_epoch = t
        self._write(values)

    def _check_groups(self) -> list[dict[str, Any]]:
        groups: list[dict[str, Any]] = self.optimizer.param_groups
        if len(groups) > len(self._cores) and self.added_groups:
            # torch's rule for a group added later: the same factors on its own rate.
            self._cores = self._cores + [self._cores[-1]] * (len(groups) - len(self._cores))
            self._track = self._track + [_NAN] * (len(groups) - len(self._track))
        if len(groups) != len(self._cores):
            raise ValueError(
                f"{type(self).__name__} was built for {len(self._cores)} param groups but the "
                f"optimizer now has {len(groups)}: a group added with add_param_group needs a "
                "new scheduler (torch fails here too)"
            )
        return groups

    def _values(self, t: Any, closed: bool) -> list[float]:
        """The rates to write for step ``t`` (``closed``: jump there, as ``step(epoch)``)."""
        groups = self.optimizer.param_groups
        cores = self._cores
        if len(groups) != len(cores):
            groups = self._check_groups()
            cores = self._cores
        shape: Any
        if not self.recursive:
            shape = cores[0].shape(t)
            self._shape_at: tuple[Any, ...] = (t, shape)  # for the momenta
            return [cores[0].rate(shape)] if len(cores) == 1 else self.core.rates(cores, shape)
        if len(groups) > self._bases:
            self._check_added_groups(t, closed)
        initial = self._is_initial
        if not self.closed_form:  # the rule is the definition (MultiplicativeLR)
            if initial and self._keeps_initial(t):
                return [as_float(g["lr"]) for g in groups]
            return [
                core.step_from(as_float(g["lr"]), t)  # type: ignore[attr-defined]
                for g, core in zip(groups, cores, strict=True)
            ]
        if closed or ((not initial or t == 0) and (t.__class__ is int or float(t).is_integer())):
            before = None if closed else (self._expected(t) if self._fresh else self._track)
        else:
            before = _NO_EXACT
        untouched = before is not _NO_EXACT
        if before:  # a list: is every group's rate still the exact value of the step before?
            for group, b in zip(groups, before):  # noqa: B905 (one per group)
                lr = group["lr"]
                if lr.__class__ is not float:
                    lr = as_float(lr)
                if lr != b and not abs(lr - b) <= 4e-16 * abs(b):
                    untouched = False
                    break
        if untouched:  # the exact values, all groups at once
            shape = cores[0].shape(t)
            values = [cores[0].rate(shape)] if len(cores) == 1 else self.core.rates(cores, shape)
            self._track = values[:]
            return values
        shape = _MISSING
        out: list[float] = []
        track: list[float] = []
        for i, group in enumerate(groups):
            lr = group["lr"]
            current = lr if lr.__class__ is float else as_float(lr)
            if before is None or (
                before is not _NO_EXACT
                and (current == before[i] or abs(current - before[i]) <= 4e-16 * abs(before[i]))
            ):  # untouched since the step before: the exact value
                if shape is _MISSING:
                    shape = cores[0].shape(t)
                value = cores[i].rate(shape)
                track.append(value)
            elif initial and self._keeps_initial(t):
                value = current
                track.append(_NAN)
            else:
                value = cores[i].step_from(current, t)  # type: ignore[attr-defined]
                if not math.isfinite(value):
                    value = cores[i].rate(cores[i].shape(t))  # torch divides by zero here
                track.append(_NAN)
            out.append(value)
        self._track = track
        return out

    def _check_added_groups(self, t: Any, closed: bool) -> None:
        """Fail where torch's rule needs a base lr for a group added after construction."""
        if closed:
            raise ValueError(
                f"{type(self).__name__} has {len(self.base_lrs)} base_lrs for "
                f"{len(self.optimizer.param_groups)} param groups: a group added with "
                "add_param_group needs a new scheduler"
            )

    def _keeps_initial(self, t: float) -> bool:
        return self.initial_keeps_lr

    def _expected(self, t: Any) -> list[float]:
        """Each group's rate at step ``t - 1`` if nobody touched it (NaN: it was touched)."""
        if not self._fresh:
            return self._track
        self._fresh = False
        if t <= 0:
            return [as_float(b) for b in self.base_lrs]
        shape = self._cores[0].shape(t - 1)
        return [core.rate(shape) for core in self._cores]

    def _write(self, values: list[float]) -> None:
        groups = self.optimizer.param_groups
        last: list[Any] = values
        for i, group in enumerate(groups):
            held = group["lr"]
            if held.__class__ is float or not isinstance(held, Tensor):
                group["lr"] = values[i]
                continue
            held.fill_(values[i])
            if last is values:
                last = list(values)
            last[i] = held.clone()
            if self.recursive and self.closed_form and self._track[i] == self._track[i]:
                self._track[i] = as_float(held)  # as rounded to the tensor's dtype
        self._last_lr = last
        if self.cycles_momentum:
            self._write_momenta()

    def _write_momenta(self) -> None:
        """A hook for the classes that cycle momentum too."""

    # -- torch's public and semi-public methods ---------------------------------------------
    def get_lr(self) -> list[Any]:
        """What torch's ``get_lr()`` returns now: its per-step rule on the current rates."""
        if not self._get_lr_called_within_step:
            warnings.warn(GET_LR_WARNING, UserWarning, stacklevel=2)
        t = self.last_epoch
        groups = self._check_groups()
        if not self.recursive:
            shape = self._cores[0].shape(t)
            return [core.rate(shape) for core in self._cores]
        keep = self._is_initial and self._keeps_initial(t)
        return [
            as_float(g["lr"]) if keep else core.step_from(as_float(g["lr"]), t)  # type: ignore[attr-defined]
            for g, core in zip(groups, self._cores, strict=True)
        ]

    def _get_closed_form_lr(self) -> list[float]:
        """The exact rates at ``last_epoch`` (what torch's closed form gives)."""
        shape = self._cores[0].shape(self.last_epoch)
        return [core.rate(shape) for core in self._cores]

    # -- state ----------------------------------------------------------------------------
    #: Further keys of torch's state dict for this class.
    extra_state: ClassVar[tuple[str, ...]] = ()

    def state_dict(self) -> dict[str, Any]:
        """Plain data with torch's keys, so torch's scheduler of the same class loads it."""
        names = (*self.hyper, *self.containers, *self.extra_state)
        state = {name: to_plain(getattr(self, name)) for name in names}
        state.update(
            base_lrs=to_plain(self.base_lrs),
            last_epoch=self.last_epoch,
            _step_count=self._step_count,
            _is_initial=False,
            _get_lr_called_within_step=False,
            _last_lr=to_plain(self._last_lr),
            _lrkit=FORMAT_VERSION,
        )
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Load a state written by lrkit (any version) or by torch's scheduler of the same class.

        Every key is validated like the constructor's arguments, and lengths against the
        optimizer's param groups: a refused state raises ValueError or TypeError naming the
        key and leaves the scheduler and the optimizer as they were. Unknown keys (from a
        newer version) are ignored with a warning. The restored rates (and momenta) are
        written into the optimizer, so the order in which the optimizer and the scheduler
        are restored does not matter.
        """
        with all_or_nothing(self):
            self._load(state_dict)

    def _load(self, state_dict: Any) -> None:
        """The loading itself (a subclass adds its own keys here)."""
        state = checked_state(self, state_dict)
        values = {n: state[n] for n in self._watched() if n in state}
        if "base_lrs" in values:
            old = self.base_lrs
            values["base_lrs"] = [_like(o, v) for o, v in zip(old, values["base_lrs"], strict=True)]
        extra = self._checked_extra(state)
        try:
            self._assign(values)
        except LrkitError as error:
            raise in_state(error) from error
        for name, value in extra.items():
            try:
                setattr(self, name, value)
            except LrkitError as error:
                raise in_state(error) from error
        self.last_epoch = state.get("last_epoch", self.last_epoch)
        self._step_count = state.get("_step_count", self._step_count)
        if "_last_lr" in state:
            self._last_lr = list(state["_last_lr"])
        self._restore_optimizer()
        self._fresh = True

    def _checked_extra(self, state: Mapping[str, Any]) -> dict[str, Any]:
        """The class's further keys (``extra_state``), validated; a hook."""
        return {name: state[name] for name in self.extra_state if name in state}

    def _restore_optimizer(self) -> None:
        super()._restore_optimizer()
        if self.cycles_momentum:
            self._write_momenta()


class _Missing:
    pass


_MISSING: Any = _Missing()


@contextlib.contextmanager
def all_or_nothing(scheduler: Any) -> Iterator[None]:
    """Undo every change to ``scheduler`` and its optimizer's param groups if the block fails."""
    saved = {
        k: copy.copy(v) if isinstance(v, (dict, list)) else v for k, v in vars(scheduler).items()
    }
    groups = [dict(g) for g in scheduler.optimizer.param_groups]
    tensors = [
        (v, v.clone())
        for g in groups
        for v in (*g.values(), *g.get("betas", ()))
        if isinstance(v, Tensor)
    ]
    try:
        yield
    except BaseException:
        vars(scheduler).clear()
        vars(scheduler).update(saved)
        for group, old in zip(scheduler.optimizer.param_groups, groups):  # noqa: B905
            group.clear()
            group.update(old)
        for tensor, value in tensors:
            tensor.copy_(value)
        raise


#: Keys some torch versions save that no lrkit scheduler uses.
_OLD_TORCH_KEYS = frozenset({"verbose"})


def checked_state(scheduler: Any, state_dict: Any) -> dict[str, Any]:
    """A scheduler's state dict with its generic keys validated (nothing is changed).

    ``last_epoch`` is a whole number >= -1 or, after ``step(epoch)``, a finite float as
    torch allows; ``_step_count`` a whole number >= 0; ``base_lrs`` and ``_last_lr`` one
    finite rate >= 0 per param group. Unknown keys are dropped with a warning.
    """
    state = known_state(scheduler, state_dict, _OLD_TORCH_KEYS)
    count = len(scheduler.optimizer.param_groups)
    if "last_epoch" in state:
        state["last_epoch"] = check_epoch("state_dict['last_epoch']", state["last_epoch"])
    if "_step_count" in state:
        state["_step_count"] = check_int("state_dict['_step_count']", state["_step_count"])
    for key in ("base_lrs", "_last_lr"):
        if key in state:
            state[key] = rates(f"state_dict[{key!r}]", state[key], count)
    return state


def check_epoch(argument: str, value: Any) -> Any:
    """``last_epoch``: a whole number >= -1, or a finite float >= -1 (``step(2.5)``)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        number = check_real(argument, value, low=-1.0)  # numpy numbers, 0-d tensors
        return int(number) if number.is_integer() and not isinstance(value, float) else number
    if isinstance(value, int):
        return check_int(argument, value, low=-1)
    return check_real(argument, value, low=-1.0)


def rates(argument: str, value: Any, count: int) -> list[Any]:
    """One finite rate >= 0 per param group (tensors kept as they are)."""
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, (list, tuple)):
        fail_type(argument, f"a list of {count} rates (one per param group)", value)
    if len(value) != count:
        fail(argument, f"a list of {count} rates (one per param group)", list(value))
    for i, rate in enumerate(value):
        check_real(
            f"{argument}[{i}]", as_float(rate) if isinstance(rate, Tensor) else rate, low=0.0
        )
    return list(value)


def in_state(error: LrkitError) -> LrkitError:
    """``error`` about an attribute, named as the state dict's key (``state_dict['gamma']``)."""
    name, bracket, rest = error.argument.partition("[")
    return renamed(error, f"state_dict[{name!r}]" + (bracket + rest if bracket else ""))


def _whole(t: Any) -> bool:
    return t.__class__ is int or float(t).is_integer()


def _same(lr: float, exact: float) -> bool:
    """Whether a group's rate is still the exact value (up to a few ulps of rounding)."""
    return lr == exact or abs(lr - exact) <= 4e-16 * abs(exact)


#: ``_values``: no group may take the exact value at this step.
_NO_EXACT: Any = []


def _like(old: Any, new: Any) -> Any:
    """``new`` with ``old``'s type: a loaded float becomes a tensor where the lr is one."""
    if isinstance(old, Tensor) and not isinstance(new, Tensor):
        return torch.tensor(as_float(new), dtype=old.dtype, device=old.device)
    return copy_value(new)


def momentum_mode(optimizer: Any, cycle_momentum: bool) -> bool:
    """Whether the optimizer's momentum is Adam's ``betas[0]``; checks it has one."""
    from lrkit.core import fail
    from lrkit.torch._base import param_groups

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
