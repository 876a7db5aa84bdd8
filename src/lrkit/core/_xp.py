"""Array namespaces: the few operations lrkit's formulas are written in.

Every closed form is written once, as a function ``f(xp, t)`` where ``xp`` is one of
these namespaces and ``t`` the step (a Python ``float`` or an array of float64).
``SCALAR`` runs the formula on Python floats with :mod:`math` (fast for one step at a
time: the drop-in schedulers use it); ``NUMPY`` runs the very same formula on numpy
arrays, vectorised. A namespace for torch tensors or JAX arrays only has to provide
the same names. Formulas never branch in Python on a step's value: choices go
through ``xp.where``, so both arms are evaluated (and must be safe to evaluate).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

__all__ = ["NUMPY", "SCALAR", "Namespace"]


def _scalar_power(base: float, exponent: float) -> float:
    try:
        return float(base**exponent)
    except OverflowError:
        return math.inf
    except ZeroDivisionError:
        return math.inf


def _scalar_where(condition: Any, if_true: Any, if_false: Any) -> Any:
    return if_true if condition else if_false


class Namespace:
    """The operations a formula may use. Subclasses bind them to a backend."""

    name: str = "abstract"

    # Elementwise maths; every function takes and returns the backend's type.
    sin: Any
    cos: Any
    exp: Any
    log: Any
    sqrt: Any
    floor: Any
    abs: Any
    power: Any
    minimum: Any
    maximum: Any
    where: Any

    def count_le(self, sorted_values: Sequence[float], t: Any) -> Any:
        """How many of ``sorted_values`` are <= ``t`` (bisect right)."""
        raise NotImplementedError

    def piecewise(
        self,
        t: Any,
        edges: Sequence[float],
        pieces: Sequence[Callable[[Any], Any]],
        *,
        closed_left: bool,
    ) -> Any:
        """``pieces[i](t)`` where ``t`` falls in the i-th interval between ``edges``.

        ``edges`` are sorted; there is one more piece than edges. With ``closed_left``
        an edge starts the next piece (``t >= edge``: SequentialLR's milestones), else it
        ends the previous one (``t <= edge``: OneCycleLR's phases). Each piece is
        evaluated only on its own steps.
        """
        raise NotImplementedError

    def lookup(self, edges: Sequence[float], tables: Sequence[Sequence[float]], t: Any) -> Any:
        """``(table[i] for table in tables)`` for the last ``edges[i] <= t`` (edges sorted,
        ``edges[0] <= t``)."""
        raise NotImplementedError

    def asarray(self, value: Any) -> Any:
        raise NotImplementedError


class _ScalarNamespace(Namespace):
    name = "scalar"
    sin = staticmethod(math.sin)
    cos = staticmethod(math.cos)
    exp = staticmethod(math.exp)
    log = staticmethod(math.log)
    sqrt = staticmethod(math.sqrt)
    abs = staticmethod(abs)
    power = staticmethod(_scalar_power)
    minimum = staticmethod(min)
    maximum = staticmethod(max)
    where = staticmethod(_scalar_where)

    @staticmethod
    def floor(x: float) -> float:
        return float(math.floor(x))

    def count_le(self, sorted_values: Sequence[float], t: Any) -> Any:
        return float(bisect.bisect_right(sorted_values, t))

    def piecewise(
        self,
        t: Any,
        edges: Sequence[float],
        pieces: Sequence[Callable[[Any], Any]],
        *,
        closed_left: bool,
    ) -> Any:
        find = bisect.bisect_right if closed_left else bisect.bisect_left
        return pieces[find(edges, t)](t)

    def lookup(self, edges: Sequence[float], tables: Sequence[Sequence[float]], t: Any) -> Any:
        i = bisect.bisect_right(edges, t) - 1
        return tuple(table[i] for table in tables)

    def asarray(self, value: Any) -> Any:
        return float(value)


class _NumpyNamespace(Namespace):
    name = "numpy"
    sin = staticmethod(np.sin)
    cos = staticmethod(np.cos)
    exp = staticmethod(np.exp)
    log = staticmethod(np.log)
    sqrt = staticmethod(np.sqrt)
    abs = staticmethod(np.abs)
    floor = staticmethod(np.floor)
    power = staticmethod(np.power)
    minimum = staticmethod(np.minimum)
    maximum = staticmethod(np.maximum)
    where = staticmethod(np.where)

    def count_le(self, sorted_values: Sequence[float], t: Any) -> Any:
        return _bucket(sorted_values, t, closed_left=True).astype(np.float64)

    def piecewise(
        self,
        t: Any,
        edges: Sequence[float],
        pieces: Sequence[Callable[[Any], Any]],
        *,
        closed_left: bool,
    ) -> Any:
        t = np.asarray(t)
        # A column of steps (n, 1) stands for steps evaluated for several param groups
        # at once (fields that are arrays): keep it a column so results broadcast to
        # (n, groups).
        column = t.ndim == 2 and t.shape[1] == 1
        flat = t.reshape(-1)
        parts: list[tuple[Any, Any]] = []
        if flat.size > 1 and bool((flat[1:] >= flat[:-1]).all()):
            # Sorted steps (a curve): each piece is a slice, no masks or copies.
            side: Any = "left" if closed_left else "right"  # where each next piece begins
            cuts = [0, *np.searchsorted(flat, np.asarray(edges), side=side).tolist(), flat.size]
            for i, piece in enumerate(pieces):
                if cuts[i + 1] > cuts[i]:
                    chosen = slice(cuts[i], cuts[i + 1])
                    steps = flat[chosen]
                    parts.append((chosen, np.asarray(piece(steps[:, None] if column else steps))))
        else:
            index = _bucket(edges, flat, closed_left=closed_left)
            for i, piece in enumerate(pieces):
                mask = index == i
                if mask.any():
                    steps = flat[mask]
                    parts.append((mask, np.asarray(piece(steps[:, None] if column else steps))))
        if not column:
            out = np.empty(flat.shape, dtype=np.float64)
            for chosen, value in parts:
                out[chosen] = value
            return out.reshape(t.shape)
        tail = np.broadcast_shapes(*(value.shape[1:] for _, value in parts))
        out = np.empty(flat.shape + tail, dtype=np.float64)
        for chosen, value in parts:
            out[chosen] = value
        return out

    def lookup(self, edges: Sequence[float], tables: Sequence[Sequence[float]], t: Any) -> Any:
        t = np.asarray(t)
        flat = t.reshape(-1)
        if flat.size > 1 and bool((flat[1:] >= flat[:-1]).all()):
            # Sorted steps (a curve): fill each run between edges as a slice.
            side: Any = "left"  # where each run begins
            cuts = [*np.searchsorted(flat, np.asarray(edges), side=side).tolist(), flat.size]
            out = []
            for table in tables:
                filled = np.empty(flat.shape, dtype=np.asarray(table).dtype)
                for i, value in enumerate(table):
                    filled[cuts[i] : cuts[i + 1]] = value
                out.append(filled.reshape(t.shape))
            return tuple(out)
        index = _bucket(edges, t, closed_left=True) - 1
        return tuple(np.asarray(table)[index] for table in tables)

    def asarray(self, value: Any) -> Any:
        return np.asarray(value, dtype=np.float64)


def _bucket(edges: Sequence[float], t: Any, *, closed_left: bool) -> Any:
    """How many ``edges`` are <= ``t`` (``closed_left``) or < ``t``, elementwise."""
    if len(edges) <= 8:  # a few comparisons beat a binary search per element
        index = np.zeros(np.shape(t), dtype=np.intp)
        for edge in edges:
            index += (t >= edge) if closed_left else (t > edge)
        return index
    side: Any = "right" if closed_left else "left"
    found: Any = np.searchsorted(np.asarray(edges), t, side=side)
    return found


SCALAR: Namespace = _ScalarNamespace()
NUMPY: Namespace = _NumpyNamespace()
