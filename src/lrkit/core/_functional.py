"""Schedules given by a user function: LambdaLR and MultiplicativeLR."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import field
from typing import Any

import numpy as np

from lrkit.core._errors import fail_type
from lrkit.core._expr import Expr
from lrkit.core._scaled import Multiplicative, Scaled
from lrkit.core._schedule import apply_elementwise, check_lr, schedule_class
from lrkit.core._xp import SCALAR, Namespace

__all__ = ["LambdaLR", "MultiplicativeLR"]

Factor = Callable[[int], float]


def as_function(argument: str, value: Any) -> Factor | Expr:
    """A Python callable, or an :class:`~lrkit.Expr` built from a string in ``epoch``."""
    if isinstance(value, str):
        return Expr(value, variable="epoch", argument=argument)
    if isinstance(value, Expr) or callable(value):
        return value  # type: ignore[no-any-return]
    fail_type(argument, "a callable of the step or an expression string in epoch", value)


def call_function(fn: Factor | Expr, xp: Namespace, t: Any) -> Any:
    """``fn`` at step ``t``: a whole step is passed as an ``int``, as torch passes it."""
    if isinstance(fn, Expr):
        return fn.evaluate(xp, t + 0.0)  # expressions compute in floats
    if t.__class__ is int:
        return float(fn(t))
    return apply_elementwise(fn, xp, t)


@schedule_class
class LambdaLR(Scaled):
    r"""The initial rate times a function of the step.

    .. math:: \eta_t = \eta_0 \, \lambda(t)

    ``lr_lambda`` is a Python callable (evaluated step by step, picklable only if the
    callable is) or an expression string in ``epoch`` such as ``"0.95 ** epoch"``
    (vectorised, and storable in a config).

    Args:
        lr: :math:`\eta_0` (>= 0).
        lr_lambda: :math:`\lambda`, called with the step count (an ``int`` for whole steps).

    >>> s = LambdaLR(lr=0.1, lr_lambda="min(1, (epoch + 1) / 10)")
    >>> [round(s(t), 6) for t in (0, 4, 9, 50)]
    [0.01, 0.05, 0.1, 0.1]
    """

    lr: float
    lr_lambda: Factor | Expr

    def __post_init__(self) -> None:
        self._set("lr", check_lr("lr", self.lr))
        self._set("lr_lambda", as_function("lr_lambda", self.lr_lambda))

    def _factor(self, xp: Namespace, t: Any) -> Any:
        return call_function(self.lr_lambda, xp, t)

    # Param groups each have their own function: the shape is the step itself, and the
    # function is called once per group and step.
    def _shape(self, xp: Namespace, t: Any) -> Any:
        return t

    def _rate(self, xp: Namespace, t: Any) -> Any:
        return self.lr * self._factor(xp, t)

    @property
    def length(self) -> int:
        return 100


@schedule_class
class MultiplicativeLR(Multiplicative):
    r"""Multiply the rate by a function of the step at every step.

    .. math:: \eta_t = \eta_0 \prod_{k=1}^{t} \lambda(k)

    The product is formed left to right, ``((lr * f(1)) * f(2)) * ...``, exactly as torch
    multiplies its running rate, so values are bit-identical to torch's. There is no
    closed form: evaluating step ``t`` costs O(t) the first time; the running products
    are cached on the schedule (thread-safe), so later lookups up to ``t`` are O(1) and
    extending the cache costs only the new steps. Steps must be whole numbers.

    Args:
        lr: :math:`\eta_0` (>= 0).
        lr_lambda: :math:`\lambda(k)`, a Python callable or an expression string in ``epoch``.

    >>> s = MultiplicativeLR(lr=0.1, lr_lambda="0.95")
    >>> [round(s(t), 6) for t in (0, 1, 2, 10)]
    [0.1, 0.095, 0.09025, 0.059874]
    """

    integer_steps = True

    lr: float
    lr_lambda: Factor | Expr

    #: The running rates at steps 0..n, extended on demand.
    _cache: Any = field(init=False, repr=False, compare=False, default=None)
    _lock: Any = field(init=False, repr=False, compare=False, default=None)
    _unit: Any = field(init=False, repr=False, compare=False, default=None)

    def __post_init__(self) -> None:
        self._set("lr", check_lr("lr", self.lr))
        self._set("lr_lambda", as_function("lr_lambda", self.lr_lambda))
        self._set("_cache", np.array([self.lr], dtype=np.float64))
        self._set("_lock", threading.Lock())

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_lock", None)
        state["_cache"] = np.array([self.lr], dtype=np.float64)
        state["_unit"] = None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._set("_lock", threading.Lock())

    def running(self, upto: int) -> np.ndarray[Any, np.dtype[np.float64]]:
        """The rates at steps ``0..upto``, extending the cache if needed."""
        cache: np.ndarray[Any, np.dtype[np.float64]] = self._cache
        if upto < cache.size:
            return cache
        with self._lock:
            cache = self._cache
            if upto >= cache.size:
                steps = np.arange(cache.size, upto + 1, dtype=np.float64)
                factors = call_function(self.lr_lambda, _numpy(), steps)
                extended = np.empty(upto + 1, dtype=np.float64)
                extended[: cache.size] = cache
                running = np.concatenate(([cache[-1]], np.asarray(factors, dtype=np.float64)))
                with np.errstate(over="ignore", under="ignore", invalid="ignore"):
                    extended[cache.size - 1 :] = np.multiply.accumulate(running)
                self._set("_cache", extended)
                cache = extended
        return cache

    def step_factor(self, step: float) -> float:
        """``lr_lambda(step)``: the number the rate is multiplied by at ``step``."""
        value: float = call_function(self.lr_lambda, SCALAR, step)
        return value

    def step_from(self, previous: float, step: float) -> float:
        fn = self.lr_lambda
        if step.__class__ is int and not isinstance(fn, Expr):  # torch's own step
            return previous * float(fn(step))
        return previous * self.step_factor(step)

    def _shape(self, xp: Namespace, t: Any) -> Any:
        return t

    def _rate(self, xp: Namespace, t: Any) -> Any:
        return self._value(xp, t)

    def _factor(self, xp: Namespace, t: Any) -> Any:
        if self.lr != 0.0:
            return self._value(xp, t) / self.lr
        if self._unit is None:  # the running product of the factors alone (lr 1)
            self._set("_unit", MultiplicativeLR(1.0, self.lr_lambda))
        return self._unit._value(xp, t)

    def _value(self, xp: Namespace, t: Any) -> Any:
        if xp is SCALAR:
            return float(self.running(int(t))[int(t)])
        index = np.asarray(t).astype(np.int64)
        largest = int(index.max()) if index.size else 0
        return self.running(largest)[index]

    @property
    def length(self) -> int:
        return 100


def _numpy() -> Namespace:
    from lrkit.core._xp import NUMPY

    return NUMPY
