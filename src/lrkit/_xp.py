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
from collections.abc import Sequence
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
        edges = np.asarray(sorted_values, dtype=np.float64)
        return np.searchsorted(edges, t, side="right").astype(np.float64)

    def asarray(self, value: Any) -> Any:
        return np.asarray(value, dtype=np.float64)


SCALAR: Namespace = _ScalarNamespace()
NUMPY: Namespace = _NumpyNamespace()
