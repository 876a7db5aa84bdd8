"""The :class:`Schedule` value object: an immutable map from a step count to a learning rate.

A schedule's step ``t`` is the number of ``scheduler.step()`` calls made so far (torch's
``last_epoch``): ``schedule(0)`` is the learning rate right after the scheduler is built.
Each concrete schedule is a frozen dataclass whose fields are its arguments; its whole
definition is its class: the formula is written once against an array namespace
(:mod:`lrkit.core._xp`) so that it runs on Python floats and on numpy arrays alike.

A formula is split where param groups part ways: ``_shape(xp, t)`` is the part that does
not depend on the rates (a factor, a phase, a position in a cycle) and ``_rate(xp, shape)``
turns it into a learning rate. ``schedule(t) == schedule.rate(schedule.shape(t))`` exactly,
so the torch layer computes the shape once per step and the rate once per param group.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, overload

import numpy as np
import numpy.typing as npt

from lrkit.core._errors import (
    MAX_RATE,
    InvalidValue,
    check_real,
    fail,
    fail_type,
    unwrap_scalar,
)
from lrkit.core._xp import MAX_FLOAT, NUMPY, SCALAR, Namespace

__all__ = ["REGISTRY", "Schedule", "arguments", "schedule_class"]

FloatArray = npt.NDArray[np.float64]

_INT64_MAX = 2**63 - 1
#: From here on, every float64 number is a whole number.
_EXACT_FLOAT_INT = 2.0**53
#: Steps per block where a long array is evaluated block by block (:meth:`Schedule._blocks`).
BLOCK = 2**15
_STEP_RULE = "a finite number >= 0 (steps count scheduler.step() calls)"

#: Every concrete schedule class, by its config ``type`` name.
REGISTRY: dict[str, type[Schedule]] = {}

S = TypeVar("S", bound="type[Schedule]")

if TYPE_CHECKING:
    from typing_extensions import dataclass_transform
else:

    def dataclass_transform(**_: Any) -> Any:
        return lambda decorator: decorator


@overload
def schedule_class(cls: S, *, name: str | None = None) -> S: ...


@overload
def schedule_class(cls: None = None, *, name: str | None = None) -> Callable[[S], S]: ...


@dataclass_transform(frozen_default=True, eq_default=True)
def schedule_class(cls: S | None = None, *, name: str | None = None) -> S | Callable[[S], S]:
    """Class decorator: make ``cls`` a frozen dataclass and register its config name (the
    class name, or ``name``: a peer's dialect registers ``"transformers.linear"``, say)."""

    def register(target: S) -> S:
        wrapped = dataclasses.dataclass(frozen=True, repr=False)(target)
        key = name or wrapped.__name__
        if key in REGISTRY and REGISTRY[key].__qualname__ != wrapped.__qualname__:
            raise TypeError(f"config type {key!r} is registered twice")
        wrapped.config_type = key
        REGISTRY[key] = wrapped
        return wrapped  # type: ignore[return-value]

    return register if cls is None else register(cls)


class Schedule:
    """An immutable learning-rate schedule: ``schedule(step) -> lr``.

    Call it with an ``int`` or ``float`` step to get a ``float``, or with a numpy array
    of steps to get a float64 array of the same shape. Steps are counted like torch's
    ``last_epoch``: ``0`` is the value right after construction. Schedules are equal
    by value, hashable, picklable (when their callables are) and round-trip through
    :meth:`to_config`.

    Whole steps are exact at any size: a Python ``int`` (``2**63 - 1``, or larger) and
    integer arrays (int64, and uint64 beyond int64's range) are reduced with integer
    arithmetic (``%``, ``//``) before any float conversion, on the scalar and the array
    paths alike. A float step from 2**53 on is a whole number, and is evaluated as the
    integer it is (``float(2**63 - 1)`` is the step ``2**63``). A value is never NaN or
    infinite for valid arguments: where a growing schedule passes the largest float64
    (about 1.8e308) it stays there (saturates), and evaluation never raises
    ``OverflowError`` (a step beyond what a formula of floats carries is an InvalidValue).
    """

    #: Whether steps must be whole numbers (schedules defined by a running product).
    integer_steps: ClassVar[bool] = False
    #: The config ``type`` (set by :func:`schedule_class`: the class name unless given).
    config_type: ClassVar[str] = ""
    #: The arguments that hold another schedule, and those that hold a list of them: a
    #: config nests their configs there, and :func:`lrkit.from_config` builds them first.
    schedule_fields: ClassVar[tuple[str, ...]] = ()
    schedule_lists: ClassVar[tuple[str, ...]] = ()

    def _whole_steps_only(self) -> bool:
        """Whether this schedule (or a schedule inside it) is defined on whole steps only."""
        return self.integer_steps

    # -- the formula ---------------------------------------------------------------
    def _value(self, xp: Namespace, t: Any) -> Any:
        """The learning rate at step ``t`` (a float for SCALAR, an array for NUMPY).

        A subclass defines either this or the pair ``_shape``/``_rate``.
        """
        return self._rate(xp, self._shape(xp, t))

    def _shape(self, xp: Namespace, t: Any) -> Any:
        """The part of the formula at step ``t`` that does not depend on the rates."""
        return t

    def _rate(self, xp: Namespace, shape: Any) -> Any:
        """The learning rate from ``_shape(xp, t)``."""
        return self._value(xp, shape)

    def shape(self, step: float) -> Any:
        """The rate-free part of the formula at ``step`` (no checks; a Python number step).

        ``rate(shape(t)) == self(t)`` exactly. Param groups that share every argument but
        their rates share the shape: the torch layer computes it once per step.
        """
        return self._shape(SCALAR, step)

    def rate(self, shape: Any) -> float:
        """The learning rate for a value returned by :meth:`shape`."""
        value: float = self._rate(SCALAR, shape)
        return value

    @classmethod
    def rates(cls, schedules: Sequence[Schedule], shape: Any) -> list[float]:
        """``[s.rate(shape) for s in schedules]`` for schedules of this class that share
        the shape (one per param group): the torch layer's step, in one call."""
        return [s._rate(SCALAR, shape) for s in schedules]

    def _check_steps(self, largest: float) -> None:
        """Raise if a step beyond the schedule's domain was asked for (default: none)."""

    # -- evaluation ----------------------------------------------------------------
    @overload
    def __call__(self, step: float) -> float: ...

    @overload
    def __call__(self, step: npt.ArrayLike) -> FloatArray | float: ...

    def __call__(self, step: Any) -> Any:
        """The learning rate after ``step`` calls of ``scheduler.step()``."""
        step = unwrap_scalar(step)
        if isinstance(step, int) and not isinstance(step, bool):
            return self._at_whole_step(int(step))  # exact: the formulas reduce ints first
        if isinstance(step, float):
            t = float(step)
            self._check_scalar_step(t)
            if t >= _EXACT_FLOAT_INT:  # a whole number: the same step as the int it is
                return self._at_whole_step(int(t))
            return self._scalar_value(t)
        return self.evaluate_array(step)

    def _at_whole_step(self, t: int) -> float:
        """The rate at a Python int step, of any size."""
        if t < 0:
            fail("step", _STEP_RULE, shown_step(t))
        return self._scalar_value(t, check=True)

    def _scalar_value(self, t: float, check: bool = False) -> float:
        try:
            if check:
                self._check_steps(t)
            value = float(self._value(SCALAR, t))
        except OverflowError as error:  # a step a formula of floats cannot carry
            raise InvalidValue(
                "step",
                f"a step {type(self).__name__} can evaluate in float64 (at most about 1.8e308)",
                shown_step(t),
                hint=str(error),
            ) from error
        if -MAX_FLOAT <= value <= MAX_FLOAT:
            return value
        clamped: float = SCALAR.clamp(value)  # (a user's function may return inf)
        return clamped

    def evaluate_array(self, steps: npt.ArrayLike) -> FloatArray:
        """Evaluate on an array of steps, vectorised; returns float64 of the same shape."""
        array = np.asarray(steps)
        if array.dtype == np.object_:  # Python ints beyond int64, say: one at a time
            return self._evaluate_objects(array, steps)
        if array.dtype == np.bool_ or not (
            np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)
        ):
            fail_type("step", "an int, a float or a numeric array", steps)
        if array.dtype.kind == "u" and array.size and int(array.max()) > _INT64_MAX:
            return self._evaluate_beyond_int64(array)
        # Whole steps stay integers: '//' and '%' are then exact and fast; the formulas
        # turn them into floats where they divide.
        whole = np.issubdtype(array.dtype, np.integer)
        t = array.astype(np.int64 if whole else np.float64, copy=False)
        if t.size:
            if not whole and not np.isfinite(t).all():
                fail("step", "finite", steps)
            smallest = float(t.min())
            if smallest < 0:
                fail("step", "a number >= 0 (steps count scheduler.step() calls)", smallest)
            if not whole and self._whole_steps_only() and not (t == np.floor(t)).all():
                fail("step", f"a whole number for {type(self).__name__}", steps)
            if self.last_step is not None or not whole:
                largest = t.max().item()  # (an int for whole steps: exact)
                if self.last_step is not None:
                    self._check_steps(largest)
                if not whole and largest >= _EXACT_FLOAT_INT:
                    return self._evaluate_whole_floats(t)
        period = self._period()
        if (
            not whole
            and period is not None
            and t.size > 4 * period
            and bool((t == np.floor(t)).all())
            and float(t.max()) < 2.0**53
        ):
            t, whole = t.astype(np.int64), True  # whole steps held as floats
        # Overflow gives inf (as in torch), silently; 0 * inf is guarded in the formulas.
        with np.errstate(over="ignore", under="ignore", invalid="ignore"):
            if whole and period is not None and t.size > 4 * period:
                # The value depends on the step only through t % period: evaluate one
                # period and look the rest up (the same numbers, a fraction of the work).
                out = self._value(NUMPY, np.arange(period, dtype=np.int64))[t % period]
            else:
                out = self._blocks(t)
        if not (isinstance(out, np.ndarray) and out.shape == t.shape and out.dtype == np.float64):
            out = np.array(np.broadcast_to(out, t.shape), dtype=np.float64)
        if out.size and not (math.isfinite(out.max()) and math.isfinite(out.min())):
            out = np.clip(out, -MAX_FLOAT, MAX_FLOAT)  # (a user's function may return inf)
        result: FloatArray = out
        return result

    def _blocks(self, t: Any) -> Any:
        """``_value(NUMPY, t)`` for a long 1-d array, one block of :data:`BLOCK` steps at a
        time: a formula of several elementwise passes then keeps its temporaries in the
        processor's cache instead of writing and reading megabytes per pass (the same
        values: formulas work step by step)."""
        if t.ndim != 1 or t.size < 2 * BLOCK:
            return self._value(NUMPY, t)
        out = np.empty(t.shape, dtype=np.float64)
        for start in range(0, t.size, BLOCK):
            out[start : start + BLOCK] = self._value(NUMPY, t[start : start + BLOCK])
        return out

    def _evaluate_whole_floats(self, t: Any) -> FloatArray:
        """A float array with steps from 2**53 on: those are whole numbers, evaluated as the
        integers they are (int64, or Python ints beyond), as single steps are."""
        big = t >= _EXACT_FLOAT_INT
        out = np.empty(t.shape, dtype=np.float64)
        if not big.all():
            out[~big] = self.evaluate_array(t[~big])
        whole = t[big]
        fits = whole < 2.0**63
        values = np.empty(whole.shape, dtype=np.float64)
        values[fits] = self.evaluate_array(whole[fits].astype(np.int64))
        values[~fits] = [self._at_whole_step(int(v)) for v in whole[~fits].tolist()]
        out[big] = values
        return out

    def _evaluate_beyond_int64(self, array: Any) -> FloatArray:
        """A uint64 array with steps above int64's range: those exactly, one at a time."""
        big = array > _INT64_MAX
        out = np.empty(array.shape, dtype=np.float64)
        out[~big] = self.evaluate_array(array[~big].astype(np.int64))
        out[big] = [self._at_whole_step(int(v)) for v in array[big].tolist()]
        return out

    def _evaluate_objects(self, array: Any, steps: Any) -> FloatArray:
        """An object array (Python ints beyond int64): each step through the scalar path."""
        values = array.ravel().tolist()
        if not values or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in values
        ):
            fail_type("step", "an int, a float or a numeric array", steps)
        out: FloatArray = np.array([self(v) for v in values], dtype=np.float64)
        out.shape = array.shape
        return out

    def _period(self) -> int | None:
        """A whole number of steps after which the values repeat exactly, if there is one."""
        return None

    def _check_scalar_step(self, t: float) -> None:
        if not (t >= 0.0) or t == math.inf:
            fail("step", _STEP_RULE, t)
        if self._whole_steps_only() and not t.is_integer():
            fail("step", f"a whole number for {type(self).__name__}", t)
        self._check_steps(t)

    # -- arithmetic ------------------------------------------------------------------
    # Operators build the composition layer's combinators (lrkit.compose.operators, loaded
    # on first use: the core does not import the layers above it at import time).
    __array_ufunc__ = None  # numpy defers to these: np.float64(2) * s is a schedule too

    def __mul__(self, other: Any) -> Any:
        operators = _operators()
        return operators.multiply(self, other)

    def __rmul__(self, other: Any) -> Any:
        operators = _operators()
        return operators.multiply(self, other)  # a number times a schedule

    def __truediv__(self, other: Any) -> Any:
        operators = _operators()
        return operators.divide(self, other)

    def __add__(self, other: Any) -> Any:
        operators = _operators()
        return operators.add(self, other)

    def __radd__(self, other: Any) -> Any:
        operators = _operators()
        return operators.add(self, other)  # a number plus a schedule

    def __sub__(self, other: Any) -> Any:
        operators = _operators()
        return operators.subtract(self, other)

    def __rsub__(self, other: Any) -> Any:
        operators = _operators()
        return operators.subtract_from(other, self)

    # -- description -----------------------------------------------------------------
    @property
    def momentum(self) -> Schedule | None:
        """The momentum this schedule cycles alongside the lr (CyclicLR, OneCycleLR), else None."""
        return None

    @property
    def length(self) -> int | None:
        """A number of steps that shows the schedule's whole shape, where it has one."""
        return None

    @property
    def last_step(self) -> float | None:
        """The last step at which the schedule is defined (None: every step >= 0)."""
        return None

    @property
    def breakpoints(self) -> tuple[float, ...]:
        """Steps where the schedule's formula changes (milestones, phase ends)."""
        return ()

    def to_config(self) -> dict[str, Any]:
        """A JSON-serialisable dict that :func:`lrkit.from_config` turns back into this schedule."""
        config: dict[str, Any] = {"type": self.config_type or type(self).__name__}
        for field in arguments(self):
            config[field.name] = _plain(getattr(self, field.name), field.name, self)
        return config

    def __repr__(self) -> str:
        parts = [f"{field.name}={getattr(self, field.name)!r}" for field in arguments(self)]
        return f"{type(self).__name__}({', '.join(parts)})"

    def _repr_png_(self) -> bytes | None:
        """Jupyter's picture of the schedule: a 600 x 320 plot (None without matplotlib)."""
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            return None
        from lrkit.plot import png_bytes

        return png_bytes(self)

    def __getstate__(self) -> dict[str, Any]:
        # Fields only: values cached on the instance (functools.cached_property) are rebuilt.
        names = {f.name for f in dataclasses.fields(self)}  # type: ignore[arg-type]
        return {k: v for k, v in self.__dict__.items() if k in names}

    def _set(self, name: str, value: Any) -> None:
        """Normalise a field during ``__post_init__`` (the dataclass is frozen)."""
        object.__setattr__(self, name, value)


def _operators() -> Any:
    """``lrkit.compose.operators``, loaded on first use: the core imports nothing above it
    (not even lazily in a way a type checker follows, which would make an import cycle)."""
    import importlib

    return importlib.import_module("lrkit.compose.operators")


def arguments(schedule: Schedule | type[Schedule]) -> list[dataclasses.Field[Any]]:
    """A schedule class's arguments: its dataclass fields that the constructor takes."""
    return [f for f in dataclasses.fields(schedule) if f.init]  # type: ignore[arg-type]


def _plain(value: Any, name: str, owner: Schedule) -> Any:
    """A field value as plain JSON data."""
    if isinstance(value, Schedule):
        return value.to_config()
    if isinstance(value, (tuple, list)):
        return [_plain(v, name, owner) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    source = getattr(value, "source", None)
    if isinstance(source, str):
        return source
    if callable(value):
        raise TypeError(
            f"{type(owner).__name__}.{name} is a Python callable ({value!r}), which a config "
            "cannot hold; write it as an expression string instead, e.g. "
            f'{name}="0.95 ** epoch" (see lrkit.Expr)'
        )
    raise TypeError(f"{type(owner).__name__}.{name} = {value!r} is not plain data")


def check_lr(argument: str, value: Any) -> float:
    """A learning rate: a finite number >= 0, at most 1e300 (headroom for the formulas)."""
    return check_real(argument, value, low=0.0, largest=MAX_RATE, largest_text="1e+300")


def check_momentum(argument: str, value: Any) -> float:
    """A momentum bound: a finite number, at most 1e300 in magnitude (the formulas take the
    difference of two bounds)."""
    return check_real(argument, value, largest=MAX_RATE, largest_text="1e+300")


def shown_step(step: Any) -> Any:
    """A step as an error message shows it: a float where float64 holds it."""
    if step.__class__ is int:
        try:
            return float(step)
        except OverflowError:
            return step
    return step


def is_number(value: Any) -> bool:
    value = unwrap_scalar(value)
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def apply_elementwise(fn: Callable[[Any], Any], xp: Namespace, t: Any) -> Any:
    """Apply a Python callable to every step (for user functions; not vectorised)."""
    if xp is SCALAR:
        return float(fn(_as_step(t)))
    array = np.asarray(t)
    if array.dtype.kind in "iu":  # whole steps: the exact Python ints
        values: list[Any] = array.ravel().tolist()
    else:
        values = [_as_step(v) for v in array.astype(np.float64).ravel().tolist()]
    out = np.fromiter((float(fn(v)) for v in values), dtype=np.float64, count=len(values))
    return out.reshape(array.shape)


def _as_step(value: float) -> float | int:
    """Hand user callables an ``int`` for whole steps, as torch does (``last_epoch``)."""
    if value.__class__ is int:
        return value
    v = float(value)
    return int(v) if v.is_integer() else v
