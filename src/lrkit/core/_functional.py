"""Schedules given by a user function: LambdaLR and MultiplicativeLR."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import field
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from lrkit.core._errors import fail, fail_type
from lrkit.core._expr import Expr
from lrkit.core._scaled import Multiplicative, Scaled
from lrkit.core._schedule import Schedule, apply_elementwise, check_lr, schedule_class
from lrkit.core._xp import SCALAR, Namespace

__all__ = ["LambdaLR", "MultiplicativeLR"]

Factor = Callable[[int], float]
FloatArray = npt.NDArray[np.float64]


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
    callable is), an expression string in ``epoch`` such as ``"0.95 ** epoch"``
    (vectorised, and storable in a config), or an lrkit :class:`Schedule` read as a
    factor (vectorised through the schedule's own array path; its config is written
    under ``lr_lambda`` by :meth:`to_config`, and its own ``lr`` is its scale: a schedule
    of factors has ``lr=1``). A schedule's domain is the product's: a step past its
    ``last_step`` is refused, and whole steps only where it takes whole steps only.

    Args:
        lr: :math:`\eta_0` (>= 0).
        lr_lambda: :math:`\lambda`, called with the step count (an ``int`` for whole
            steps), or a schedule of factors.

    >>> s = LambdaLR(lr=0.1, lr_lambda="min(1, (epoch + 1) / 10)")
    >>> [round(s(t), 6) for t in (0, 4, 9, 50)]
    [0.01, 0.05, 0.1, 0.1]
    >>> from lrkit import CosineAnnealingLR
    >>> s = LambdaLR(lr=0.1, lr_lambda=CosineAnnealingLR(lr=1.0, T_max=100))
    >>> [round(s(t), 6) for t in (0, 50, 100)]
    [0.1, 0.05, 0.0]
    """

    lr: float
    lr_lambda: Factor | Expr | Schedule

    def __post_init__(self) -> None:
        self._set("lr", check_lr("lr", self.lr))
        self._set("lr_lambda", as_function("lr_lambda", self.lr_lambda))

    def _factor(self, xp: Namespace, t: Any) -> Any:
        fn = self.lr_lambda
        if isinstance(fn, Schedule):  # a schedule of factors: its own paths, vectorised
            return fn(t) if xp is SCALAR else fn.evaluate_array(t)
        return call_function(fn, xp, t)

    # Param groups each have their own function: the shape is the step itself, and the
    # function is called once per group and step.
    def _shape(self, xp: Namespace, t: Any) -> Any:
        return t

    def _rate(self, xp: Namespace, t: Any) -> Any:
        return self.lr * self._factor(xp, t)

    # A schedule of factors brings its domain, period and shape along.
    def _inner(self) -> Schedule | None:
        fn = self.lr_lambda
        return fn if isinstance(fn, Schedule) else None

    def _whole_steps_only(self) -> bool:
        inner = self._inner()
        return self.integer_steps or (inner is not None and inner._whole_steps_only())

    def _check_steps(self, largest: float) -> None:
        inner = self._inner()
        if inner is not None:
            inner._check_steps(largest)

    def _period(self) -> int | None:
        inner = self._inner()
        return inner._period() if inner is not None else None

    @property
    def last_step(self) -> float | None:
        inner = self._inner()
        return inner.last_step if inner is not None else None

    @property
    def breakpoints(self) -> tuple[float, ...]:
        inner = self._inner()
        return inner.breakpoints if inner is not None else ()

    @property
    def length(self) -> int:
        inner = self._inner()
        shown = inner.length if inner is not None else None
        return 100 if shown is None else shown


#: The largest step :class:`MultiplicativeLR` evaluates: a running product has no closed
#: form, so step ``t`` costs ``t`` multiplications (and ``t`` calls of ``lr_lambda``) the
#: first time; 10**8 steps take a few seconds with an expression.
MAX_PRODUCT_STEP: Final = 10**8
#: Steps between two stored checkpoints of the running product (8 bytes per block).
_BLOCK: Final = 1024
#: How many recently evaluated blocks are kept whole (sequential lookups are then O(1)).
_RECENT: Final = 8
#: Blocks multiplied per pass when the checkpoints are extended.
_CHUNK_BLOCKS: Final = 32


class _RunningProduct:
    """The running product ``lr * f(1) * ... * f(t)`` in bounded memory.

    It keeps a checkpoint, the rate at every multiple of ``_BLOCK`` steps up to the
    furthest block asked for (8 bytes per 1024 steps: 0.8 MB at 10**8 steps), and the
    last ``_RECENT`` blocks evaluated, whole or up to the step asked for. A rate is its
    block's checkpoint multiplied by the factors of the steps since, one at a time from
    the left (``numpy.multiply.accumulate`` is sequential): exactly the operations of the
    plain running product, so the values are bit-identical to it. A factor is computed
    only for steps up to the largest step asked for, and ``lr_lambda`` (assumed pure) may
    be called again for a step whose block was dropped. Every method holds the lock.
    """

    __slots__ = ("count", "fn", "lock", "marks", "recent")

    def __init__(self, lr: float, fn: Factor | Expr) -> None:
        self.fn = fn
        self.lock = threading.Lock()
        self.marks: FloatArray = np.empty(16, dtype=np.float64)
        self.marks[0] = lr
        self.count = 1  # marks[:count] are the checkpoints of blocks 0..count-1
        #: block -> (its rates from its first step, how many of them are computed)
        self.recent: OrderedDict[int, tuple[FloatArray, int]] = OrderedDict()

    def factors(self, first: int, last: int) -> FloatArray:
        """``lr_lambda`` at the steps ``first..last``."""
        steps = np.arange(first, last + 1, dtype=np.float64)
        return np.asarray(call_function(self.fn, _numpy(), steps), dtype=np.float64)

    def extend(
        self,
        block: int,
        wanted: npt.NDArray[np.int64] | None = None,
        into: FloatArray | None = None,
        done: npt.NDArray[np.bool_] | None = None,
    ) -> None:
        """Compute the checkpoints up to ``block`` (factors up to step ``block * _BLOCK``).

        Each pass starts where the product is known furthest (the last checkpoint, or
        further into its block when that block is kept), so no factor is computed twice
        by a walk through the steps. The rates passed on the way at the sorted steps
        ``wanted`` are written to ``into`` (marked in ``done``).
        """
        while self.count <= block:
            start = self.count - 1  # the last checkpoint known
            stop = min(block, start + _CHUNK_BLOCKS)  # the last one computed in this pass
            base, rate = start * _BLOCK, self.marks[start]
            kept, filled = self.recent.get(start, (None, 0))
            if kept is not None and filled > 1:
                base, rate = base + filled - 1, kept[filled - 1]
            running = np.empty(stop * _BLOCK - base + 1, dtype=np.float64)
            running[0] = rate
            running[1:] = self.factors(base + 1, stop * _BLOCK)
            with np.errstate(over="ignore", under="ignore", invalid="ignore"):
                np.multiply.accumulate(running, out=running)
            if stop >= self.marks.size:
                grown = np.empty(max(2 * self.marks.size, stop + 1), dtype=np.float64)
                grown[: self.count] = self.marks[: self.count]
                self.marks = grown
            self.marks[start + 1 : stop + 1] = running[(start + 1) * _BLOCK - base :: _BLOCK]
            self.count = stop + 1
            # The last whole block of the pass is known now: keep it.
            last = (stop - 1) * _BLOCK - base
            if last >= 0:
                self.remember(stop - 1, running[last : last + _BLOCK].copy(), _BLOCK)
            elif kept is not None:  # the pass began inside that block: complete it
                kept[filled:] = running[1 : _BLOCK - filled + 1]
                self.remember(start, kept, _BLOCK)
            if wanted is not None and into is not None and done is not None:
                low = int(np.searchsorted(wanted, base))
                high = int(np.searchsorted(wanted, stop * _BLOCK, side="right"))
                into[low:high] = running[wanted[low:high] - base]
                done[low:high] = True

    def remember(self, block: int, rates: FloatArray, filled: int) -> None:
        self.recent[block] = (rates, filled)
        self.recent.move_to_end(block)
        while len(self.recent) > _RECENT:
            self.recent.popitem(last=False)

    def block(self, block: int, upto: int) -> FloatArray:
        """The rates of ``block`` at its offsets ``0..upto`` at least (checkpoint known)."""
        rates, filled = self.recent.get(block, (None, 0))
        if rates is None:
            rates = np.empty(_BLOCK, dtype=np.float64)
            rates[0] = self.marks[block]
            filled = 1
        if filled <= upto:
            first = block * _BLOCK
            running = rates[filled - 1 : upto + 1]
            running[1:] = self.factors(first + filled, first + upto)
            with np.errstate(over="ignore", under="ignore", invalid="ignore"):
                np.multiply.accumulate(running, out=running)
            filled = upto + 1
        self.remember(block, rates, filled)
        return rates

    def at(self, steps: npt.NDArray[np.int64]) -> FloatArray:
        """The rates at ``steps`` (whole, >= 0, at most MAX_PRODUCT_STEP), any shape."""
        flat = steps.ravel()
        out = np.empty(flat.size, dtype=np.float64)
        if flat.size == 0:
            return out.reshape(steps.shape)
        order = np.argsort(flat, kind="stable")
        ordered = flat[order]
        values = np.empty(ordered.size, dtype=np.float64)  # in the order of ``ordered``
        done = np.zeros(ordered.size, dtype=np.bool_)
        blocks = ordered // _BLOCK
        firsts = np.flatnonzero(np.diff(blocks, prepend=-1))
        ends = np.append(firsts[1:], ordered.size)
        with self.lock:
            self.extend(int(blocks[-1]), ordered, values, done)
            for i, j in zip(firsts.tolist(), ends.tolist(), strict=True):
                if done[i:j].all():
                    continue
                block = int(blocks[i])
                offsets = ordered[i:j] - block * _BLOCK
                values[i:j] = self.block(block, int(offsets[-1]))[offsets]
        out[order] = values
        return out.reshape(steps.shape)

    def one(self, step: int) -> float:
        """The rate at a single step (whole, >= 0, at most MAX_PRODUCT_STEP)."""
        block, offset = divmod(step, _BLOCK)
        with self.lock:
            self.extend(block)
            return float(self.block(block, offset)[offset])


@schedule_class
class MultiplicativeLR(Multiplicative):
    r"""Multiply the rate by a function of the step at every step.

    .. math:: \eta_t = \eta_0 \prod_{k=1}^{t} \lambda(k)

    The product is formed left to right, ``((lr * f(1)) * f(2)) * ...``, exactly as torch
    multiplies its running rate, so values are bit-identical to torch's. There is no
    closed form: evaluating step ``t`` costs O(t) the first time, so steps beyond
    ``MAX_PRODUCT_STEP`` (10**8) are refused. The schedule keeps, thread-safely, a
    checkpoint of the product every 1024 steps and the last few blocks of 1024 rates
    (memory grows by 8 bytes per 1024 steps: under 1 MB at 10**8); a later lookup
    recomputes at most 1023 steps from the nearest checkpoint, so ``lr_lambda`` should be
    a pure function of the step. Steps must be whole numbers.

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

    #: The running product's checkpoints (rebuilt empty when unpickled or copied).
    _memo: Any = field(init=False, repr=False, compare=False, default=None)
    _unit: Any = field(init=False, repr=False, compare=False, default=None)

    def __post_init__(self) -> None:
        self._set("lr", check_lr("lr", self.lr))
        self._set("lr_lambda", as_function("lr_lambda", self.lr_lambda))
        self._set("_memo", _RunningProduct(self.lr, self.lr_lambda))

    def __getstate__(self) -> dict[str, Any]:
        return {"lr": self.lr, "lr_lambda": self.lr_lambda}

    def __setstate__(self, state: dict[str, Any]) -> None:
        # Only the arguments travel (older pickles also held a cache: it is rebuilt).
        self._set("lr", state["lr"])
        self._set("lr_lambda", state["lr_lambda"])
        self._set("_unit", None)
        self._set("_memo", _RunningProduct(self.lr, self.lr_lambda))

    def _check_product_step(self, largest: float) -> None:
        if largest > MAX_PRODUCT_STEP:
            shown = int(largest) if largest.is_integer() else largest
            fail(
                "step",
                f"at most {MAX_PRODUCT_STEP} for MultiplicativeLR",
                shown,
                hint="a running product has no closed form: step t costs t multiplications",
            )

    def running(self, upto: int) -> np.ndarray[Any, np.dtype[np.float64]]:
        """The rates at steps ``0..upto`` (a new array)."""
        self._check_product_step(float(upto))
        rates: FloatArray = self._memo.at(np.arange(int(upto) + 1, dtype=np.int64))
        return rates

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
            step = float(t)
            self._check_product_step(step)
            return self._memo.one(int(step))
        steps = np.asarray(t)
        if steps.size:
            self._check_product_step(float(steps.max()))
        return self._memo.at(steps.astype(np.int64))

    @property
    def length(self) -> int:
        return 100


def _numpy() -> Namespace:
    from lrkit.core._xp import NUMPY

    return NUMPY
