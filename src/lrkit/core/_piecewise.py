"""Piecewise schedules given by a table: PiecewiseConstant (steps) and PiecewiseLinear (knots).

Both look the step up among the table's steps (``bisect`` for one step, a vectorised search
for an array) and never branch in Python on a step's value. PiecewiseLinear cuts sorted
steps (a curve) at the knots, and computes each segment's slice with its ends as numbers:
the same operations as for a single step, without a lookup per step. Whole steps of any size are
compared with the table exactly (the table's steps are at most 2**53, float64 numbers).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from dataclasses import field
from typing import Any

import numpy as np

from lrkit.core._cosine import mix
from lrkit.core._errors import MAX_COUNT, check_real, fail, fail_type
from lrkit.core._schedule import Schedule, check_lr, schedule_class
from lrkit.core._xp import SCALAR, Namespace

__all__ = ["PiecewiseConstant", "PiecewiseLinear"]


def _as_list(argument: str, value: Any, rule: str) -> list[Any]:
    """The items of a list-like argument (a string is not one)."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        fail_type(argument, rule, value)
    return list(value)


def check_steps(argument: str, value: Any) -> tuple[float, ...]:
    """Strictly increasing steps from 0 to 2**53 (ints or floats), as floats (exact: every
    whole number up to 2**53 is a float64 number)."""
    items = _as_list(argument, value, "a list of increasing steps >= 0")
    steps: list[float] = []
    for i, item in enumerate(items):
        name = f"{argument}[{i}]"
        number = check_real(name, item, low=0.0, largest=MAX_COUNT, largest_text="2**53")
        if steps and not number > steps[-1]:
            fail(
                name,
                f"greater than {argument}[{i - 1}] = {steps[-1]!r} (the steps increase strictly)",
                item,
            )
        steps.append(number)
    return tuple(steps)


def check_values(argument: str, value: Any, count: int, hint: str) -> tuple[float, ...]:
    """``count`` learning rates (each finite, >= 0 and at most 1e300)."""
    items = _as_list(argument, value, "a list of learning rates")
    rates = tuple(check_lr(f"{argument}[{i}]", item) for i, item in enumerate(items))
    if len(rates) != count:
        fail(argument, f"a list of {count} learning rates ({hint})", value)
    return rates


def _shown_length(last: float) -> int:
    """Steps that show a table ending at ``last``: past it by a quarter (at least 10)."""
    end = math.ceil(last)
    return end + max(10, end // 4)


@schedule_class
class PiecewiseConstant(Schedule):
    r"""A constant learning rate on each interval between boundaries.

    .. math::
        \eta_t = v_k, \qquad k = \#\{\, i : b_i \le t \,\}

    so :math:`v_0` holds before :math:`b_0`, :math:`v_i` on
    :math:`[b_{i-1}, b_i)`, and the last value from the last boundary on. The value
    changes *at* a boundary step (closed on the left), as torch's ``MultiStepLR``
    does; Keras' ``PiecewiseConstantDecay`` switches one step later (``step <= b`` still
    gives the earlier value), and optax's ``piecewise_constant_schedule`` multiplies
    scales where this takes the rates themselves.

    Args:
        boundaries: the steps :math:`b_i` where the rate changes: strictly increasing
            numbers from 0 to 2**53 (ints, or floats for fractional steps; may be empty).
        values: the rates :math:`v_0, \dots, v_n`, one more than ``boundaries`` (each
            finite, >= 0 and at most 1e300).

    >>> s = PiecewiseConstant(boundaries=[100, 150], values=[0.1, 0.01, 0.001])
    >>> [s(t) for t in (0, 99, 100, 149, 150, 10**9)]
    [0.1, 0.1, 0.01, 0.01, 0.001, 0.001]
    """

    boundaries: tuple[float, ...]
    values: tuple[float, ...]

    #: (-inf, *boundaries) as floats: the edges of the lookup (derived in __post_init__).
    _edges: tuple[float, ...] = field(init=False, repr=False, compare=False, default=())

    def __post_init__(self) -> None:
        self._set("boundaries", check_steps("boundaries", self.boundaries))
        count = len(self.boundaries) + 1
        self._set(
            "values",
            check_values("values", self.values, count, "one more than boundaries"),
        )
        self._set("_edges", (-math.inf, *self.boundaries))

    def _value(self, xp: Namespace, t: Any) -> Any:
        return xp.lookup(self._edges, (self.values,), t)[0]

    @property
    def length(self) -> int:
        return _shown_length(self.boundaries[-1] if self.boundaries else 0.0)

    @property
    def breakpoints(self) -> tuple[float, ...]:
        return self.boundaries


@schedule_class
class PiecewiseLinear(Schedule):
    r"""Straight lines between knots ``(steps[i], values[i])``, constant outside them.

    .. math::
        \eta_t = v_i + (v_{i+1} - v_i) \frac{t - s_i}{s_{i+1} - s_i}
        \quad (s_i \le t < s_{i+1}),
        \qquad \eta_t = v_0 \; (t < s_0), \qquad \eta_t = v_n \; (t \ge s_n)

    Each segment is evaluated as a weighted mean of its two end values, with the weights
    :math:`(s_{i+1} - t) / (s_{i+1} - s_i)` and :math:`(t - s_i) / (s_{i+1} - s_i)`
    computed apart (so both ends keep full precision, also at fractional steps) and the
    weight of the larger end value used: the value lands exactly on ``values[i]`` at
    ``steps[i]``, is exactly ``v`` on a segment between two equal values, and is within a
    few ulps of the exact line elsewhere. Like fvcore's ``PiecewiseLinear`` and optax's
    ``piecewise_interpolate_schedule`` (linear), with absolute rates.

    Args:
        steps: the knots' steps :math:`s_0 < \dots < s_n`: strictly increasing numbers
            from 0 to 2**53 (ints, or floats), at least one.
        values: the rates :math:`v_i` at the knots, as many as ``steps`` (each finite,
            >= 0 and at most 1e300).

    >>> s = PiecewiseLinear(steps=[0, 10, 110], values=[0.0, 0.1, 0.001])
    >>> [round(s(t), 6) for t in (0, 5, 10, 60, 110, 500)]
    [0.0, 0.05, 0.1, 0.0505, 0.001, 0.001]
    """

    steps: tuple[float, ...]
    values: tuple[float, ...]

    #: The lookup's edges and, per interval, its start, end and length in steps and its
    #: start and end values (derived in __post_init__; the intervals before the first knot
    #: and from the last knot on are flat).
    _edges: tuple[float, ...] = field(init=False, repr=False, compare=False, default=())
    _tables: tuple[tuple[float, ...], ...] = field(
        init=False, repr=False, compare=False, default=()
    )

    def __post_init__(self) -> None:
        self._set("steps", check_steps("steps", self.steps))
        if not self.steps:
            fail("steps", "a list of at least one step", self.steps)
        self._set("values", check_values("values", self.values, len(self.steps), "one per step"))
        knots = list(self.steps)
        first, last = knots[0], knots[-1]
        starts = (first, *knots)
        ends = (first, *knots[1:], last)
        spans = (1.0, *(b - a for a, b in itertools.pairwise(knots)), 1.0)
        lows = (self.values[0], *self.values)
        highs = (self.values[0], *self.values[1:], self.values[-1])
        self._set("_edges", (-math.inf, *knots))
        self._set("_tables", (starts, ends, spans, lows, highs))

    def _value(self, xp: Namespace, t: Any) -> Any:
        if xp is not SCALAR:
            t = np.asarray(t)
            flat = t.reshape(-1)
            if flat.size > 1 and bool((flat[1:] >= flat[:-1]).all()):
                return self._curve(flat).reshape(t.shape)
        start, end, span, a, b = xp.lookup(self._edges, self._tables, t)
        # Flat before the first knot and from the last one on: t is held at the knot there
        # (both weights 0: the value is that knot's, exactly).
        t = xp.minimum(xp.maximum(t, start), end)
        value = mix(xp, a, b, (end - t) / span, (t - start) / span)
        return xp.where(a == b, a, value)

    def _curve(self, t: Any) -> Any:
        """The values at sorted steps (a 1-d array): each segment is a slice of them, with
        its ends as numbers, and only the weight used computed, as for one step (the same
        operations in the same order: the same values)."""
        knots = self.steps
        if t.dtype == np.int64:  # whole steps: t >= k is t >= ceil(k), in integers
            cuts = np.searchsorted(t, np.array([math.ceil(k) for k in knots], dtype=np.int64))
        else:  # (exact for whole steps too: a rounded step compares with a knot as it is)
            cuts = np.searchsorted(t, np.array(knots, dtype=np.float64))
        cut = cuts.tolist()
        values = self.values
        out = np.empty(t.shape, dtype=np.float64)
        out[: cut[0]] = values[0]
        out[cut[-1] :] = values[-1]
        for j in range(len(knots) - 1):
            low, high = cut[j], cut[j + 1]
            if high <= low:
                continue
            a, b, chosen = values[j], values[j + 1], out[low:high]
            if a == b:
                chosen[...] = a
                continue
            start, end = knots[j], knots[j + 1]
            span = end - start
            steps = t[low:high]  # start <= steps < end: no clamp needed
            # (A term whose end value is 0 is +0.0, and adding it changes nothing: values
            # are >= 0. It is left out.)
            if abs(b) > abs(a):  # a (1 - u) + b u, u = (t - start) / span
                u = np.subtract(steps, start, out=chosen, dtype=np.float64)
                u /= span
                other = None if a == 0.0 else np.subtract(1.0, u)
                u *= b
                if other is not None:
                    other *= a
                    u += other
            else:  # a w + b (1 - w), w = (end - t) / span
                w = np.subtract(end, steps, out=chosen, dtype=np.float64)
                w /= span
                other = None if b == 0.0 else np.subtract(1.0, w)
                w *= a
                if other is not None:
                    other *= b
                    w += other
        return out

    @property
    def length(self) -> int:
        return _shown_length(self.steps[-1])

    @property
    def breakpoints(self) -> tuple[float, ...]:
        return self.steps
