"""Array namespaces: the few operations lrkit's formulas are written in.

Every closed form is written once, as a function ``f(xp, t)`` where ``xp`` is one of
these namespaces and ``t`` the step (a Python ``float`` or an array of float64).
``SCALAR`` runs the formula on Python floats with :mod:`math` (fast for one step at a
time: the drop-in schedulers use it); ``NUMPY`` runs the very same formula on numpy
arrays, vectorised. A namespace for torch tensors or JAX arrays only has to provide
the same names. Formulas never branch in Python on a step's value: choices go
through ``xp.where``, so both arms are evaluated (and must be safe to evaluate).

Whole steps stay integers (a Python ``int`` of any size, or int64): ``%`` and ``//`` are
exact on them, so the formulas reduce a step before any float conversion.

Powers that pass float64's largest number (``gamma ** t`` growing past 1.8e308 while
``lr * gamma ** t`` may still be a float64, or a product with a decaying factor brings it
back) are carried as a :class:`Wide` number ``m * 2 ** e``: :meth:`Namespace.exact_power`
returns one where the plain power would overflow, and :meth:`Namespace.times` multiplies it
back into a float64, rounding once and saturating at the largest float64 (never inf, never
NaN). A power below float64's smallest normal number rounds as float64 rounds it (to a
subnormal number or 0), as torch's does.
"""

from __future__ import annotations

import bisect
import math
import sys
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np

__all__ = ["MAX_FLOAT", "NUMPY", "SCALAR", "Namespace", "Wide"]

#: The largest float64 number: values that would exceed it saturate there.
MAX_FLOAT = sys.float_info.max
#: The smallest normal float64 number (below it, a float64 loses precision).
_TINY = sys.float_info.min
#: Integers up to here are float64 numbers exactly.
_EXACT_INT = 2**53
#: log2 of a power above which every product with a rate (>= 5e-324) and any normal
#: factors saturates: such a power is carried as _HUGE.
_FAR_LOG2 = 3200.0
#: A power too large to carry exactly: far beyond anything a float64 factor brings back.
_HUGE_EXPONENT = 1 << 40
#: Exponents of 2 clipped here before ``ldexp``: far past float64's range either way.
_LDEXP_LIMIT = 1 << 12
#: Up to this many wide powers in an array are computed one at a time, as for a single
#: step (so that an array agrees bit for bit with single steps); more, vectorised.
_ONE_AT_A_TIME = 256


class Wide(NamedTuple):
    """A number ``mantissa * 2 ** exponent`` beyond float64's range (or too close to 0 to
    keep its precision as one): ``mantissa`` in [0.5, 1) or 0, ``exponent`` an integer.

    Floats or numpy arrays (float64 and int64) of the same shape. A formula's *shape*
    (:meth:`lrkit.core.Schedule.shape`) may be one; :meth:`Namespace.times` turns it into a
    float64 again.
    """

    mantissa: Any
    exponent: Any


def _scalar_power(base: float, exponent: Any) -> float:
    """``base ** exponent`` as a float (inf where it overflows, 0 where it underflows)."""
    try:
        return float(base**exponent)
    except OverflowError:  # overflowed, or an int exponent beyond float64's range
        if exponent.__class__ is int and abs(base) < 1.0:
            return 0.0
        return math.inf
    except ZeroDivisionError:
        return math.inf


def _scalar_wide_power(base: float, hi: float, lo: float, tiny: bool = False) -> Any:
    """``base ** (hi + lo)`` for ``0 < base != 1`` and an exponent ``hi + lo > 0`` (float64
    numbers, ``lo`` small): a float where float64 holds it (rounded once; below 2.2e-308 a
    subnormal number or 0, unless ``tiny``), else a :class:`Wide`. Computed in up to four
    pieces that each stay within float64's range, so each is exact to an ulp; beyond
    2**±3200, from the logarithm (``tiny``), or as a power that saturates anything."""
    log2 = (hi + lo) * math.log2(base)
    if not abs(log2) <= _FAR_LOG2:
        if tiny:  # the product may come back: as close as the logarithm tells
            clipped = max(-(2.0**52), min(log2, 2.0**52))
            top = math.floor(clipped) + 1
            return Wide(2.0 ** (clipped - top), top)
        return Wide(0.5, _HUGE_EXPONENT) if log2 > 0 else 0.0
    if log2 < -1100.0 and not tiny:
        return 0.0
    pieces = 1 if abs(log2) <= 1000.0 else 2 if abs(log2) <= 2000.0 else 4
    piece = hi / pieces  # exact: a division by a power of two
    mantissa, exponent = 1.0, 0
    for part in (piece,) * pieces + (lo,):
        m, e = math.frexp(base**part)
        mantissa, k = math.frexp(mantissa * m)
        exponent += e + k
    if exponent > 1024 or (tiny and exponent < -1021):
        return Wide(mantissa, exponent)
    return math.ldexp(mantissa, exponent)


def _wide_power(base: Any, hi: Any, lo: Any, tiny: bool) -> tuple[Any, Any]:
    """:func:`_scalar_wide_power` vectorised, as ``(mantissa, exponent)`` arrays, for flat
    arrays of the same size."""
    with np.errstate(all="ignore"):
        log2 = (hi + lo) * np.log2(base)
        far = ~(np.abs(log2) <= _FAR_LOG2)
        piece = np.where(far, 0.0, hi) / 4  # exact: a division by a power of two
        mantissa = np.ones(log2.shape)
        exponent = np.zeros(log2.shape, dtype=np.int64)
        for part in (piece, piece, piece, piece, np.where(far, 0.0, lo)):
            m, e = np.frexp(np.power(base, part))
            mantissa, k = np.frexp(mantissa * m)
            exponent += e.astype(np.int64) + k
        if tiny:
            clipped = np.clip(log2, -(2.0**52), 2.0**52)
            top = np.floor(clipped) + 1.0
            far_m, far_e = np.exp2(clipped - top), top.astype(np.int64)
        else:
            far_m = np.where(log2 > 0, 0.5, 0.0)
            far_e = np.where(log2 > 0, _HUGE_EXPONENT, 0)
    return np.where(far, far_m, mantissa), np.where(far, far_e, exponent)


def _scalar_exact_power(base: float, exponent: Any, tiny: bool = False) -> Any:
    if exponent.__class__ is int and exponent > _EXACT_INT:  # float(exponent) would round
        if base == 0.0 or base == 1.0:
            return base
        if exponent >= 2**1000:  # |log2(base)| >= 2**-53: far beyond any float64
            if tiny:
                return Wide(0.5, (1 << 52) if base > 1.0 else -(1 << 52))
            return 0.0 if base < 1.0 else Wide(0.5, _HUGE_EXPONENT)
        hi = float(exponent)
        return _scalar_wide_power(base, hi, float(exponent - int(hi)), tiny)
    try:
        p = base**exponent
    except OverflowError:
        return _scalar_wide_power(base, float(exponent), 0.0, tiny)
    if p <= MAX_FLOAT and (not tiny or p >= _TINY or base == 0.0):
        return p
    return _scalar_wide_power(base, float(exponent), 0.0, tiny)


def _scalar_times(value: Any, factor: Any) -> Any:
    if factor.__class__ is not Wide:
        product = value * factor
        if -MAX_FLOAT <= product <= MAX_FLOAT or product != product:
            return product
        return math.copysign(MAX_FLOAT, product)
    mantissa, exponent = factor
    if value == 0.0 or mantissa == 0.0:
        return 0.0 * value
    m, e = math.frexp(value)
    e = max(-_LDEXP_LIMIT, min(e + exponent, _LDEXP_LIMIT))
    try:
        return math.ldexp(m * mantissa, e)
    except OverflowError:
        return math.copysign(MAX_FLOAT, m)


def _numpy_exact_power(base: Any, exponent: Any, tiny: bool = False) -> Any:
    if np.ndim(base) == 0 and (base == 0.0 or base == 1.0):
        return np.power(base, exponent)  # exactly 0 or 1
    with np.errstate(all="ignore"):
        p = np.power(base, exponent)
        bad = p > MAX_FLOAT
        if tiny:
            bad |= (p < _TINY) & (base != 0.0)
        integer = isinstance(exponent, np.ndarray) and exponent.dtype.kind in "iu"
        if integer and exponent.size and int(exponent.max()) > _EXACT_INT:
            bad |= exponent > _EXACT_INT  # float(exponent) rounds there
        if not bad.any():
            return p
        b = np.broadcast_to(base, p.shape)[bad]
        x = np.broadcast_to(exponent, p.shape)[bad]
        if b.size <= _ONE_AT_A_TIME:  # as single steps are
            values = [
                _scalar_exact_power(v, n, tiny) for v, n in zip(b.tolist(), x.tolist(), strict=True)
            ]
            wide = [v if v.__class__ is Wide else Wide(*math.frexp(v)) for v in values]
            mantissas = np.array([w.mantissa for w in wide], dtype=np.float64)
            exponents = np.array([w.exponent for w in wide], dtype=np.int64)
        else:
            if integer:  # hi + lo, both float64 numbers (hi keeps 52 bits at most)
                top = np.where(x > _EXACT_INT, x & ~np.int64(2047), x).astype(np.int64)
                hi, lo = top.astype(np.float64), (x - top).astype(np.float64)
            else:
                hi, lo = x.astype(np.float64), np.zeros(x.shape)
            mantissas, exponents = _wide_power(b, hi, lo, tiny)
        if not ((exponents > 1024) | (tiny & (exponents < -1021))).any():
            p = np.array(p)  # every one a float64 after all
            p[bad] = np.ldexp(mantissas, exponents.astype(np.int32))
            return p
        m, e = np.frexp(p)  # where the plain power is fine, it is the value
        mantissa, exponent_of_2 = np.array(m), np.array(e, dtype=np.int64)
        mantissa[bad], exponent_of_2[bad] = mantissas, exponents
    return Wide(mantissa, exponent_of_2)


def _numpy_times(value: Any, factor: Any) -> Any:
    with np.errstate(all="ignore"):
        if factor.__class__ is not Wide:
            return np.clip(value * factor, -MAX_FLOAT, MAX_FLOAT)
        mantissa, exponent = factor
        m, e = np.frexp(value)
        e = np.clip(e + exponent, -_LDEXP_LIMIT, _LDEXP_LIMIT).astype(np.int32)
        return np.clip(np.ldexp(m * mantissa, e), -MAX_FLOAT, MAX_FLOAT)


def _as_wide(value: Any, xp: Namespace) -> tuple[Any, Any]:
    if value.__class__ is Wide:
        return value.mantissa, value.exponent
    return xp.frexp(value)


def _product(xp: Namespace, value: Any, factors: Sequence[Any]) -> Any:
    """``value * factors[0] * factors[1] * ...`` in that order, each factor a number (array)
    or a :class:`Wide`: exactly the plain product where that stays a normal float64, else
    carried as a wide number and rounded once. Saturates at the largest float64; an exact 0
    (``value`` or a factor) gives 0."""
    if xp is SCALAR:
        product = value
        for f in factors:
            if f.__class__ is Wide:
                break
            product = product * f
        else:
            if _TINY <= abs(product) <= MAX_FLOAT:
                return product
        if value == 0.0 or any((f.mantissa if f.__class__ is Wide else f) == 0.0 for f in factors):
            return 0.0
        m, e = _as_wide(value, xp)
        for f in factors:
            fm, fe = _as_wide(f, xp)
            m, k = math.frexp(m * fm)
            e += fe + k
        return _scalar_times(1.0, Wide(m, e))
    with np.errstate(all="ignore"):
        plain: Any = None
        if not any(f.__class__ is Wide for f in factors):
            plain = value
            for f in factors:
                plain = plain * f
            # The common case, in two passes: every product a normal float64 (or every
            # factor in range and the product exactly 0 nowhere): the plain product.
            if np.size(plain) and _TINY <= np.min(plain) and np.max(plain) <= MAX_FLOAT:
                return plain
        zero: Any = value == 0.0
        for f in factors:
            zero = zero | ((f.mantissa if f.__class__ is Wide else f) == 0.0)
        if plain is not None:
            size = abs(plain)
            fine = ((size >= _TINY) & (size <= MAX_FLOAT)) | zero
            if bool(np.all(fine)):
                return xp.where(zero, 0.0, plain)
        m, e = _as_wide(value, xp)
        for f in factors:
            fm, fe = _as_wide(f, xp)
            m, k = xp.frexp(m * fm)
            e = e + fe + k
        wide = _numpy_times(1.0, Wide(m, e))
        out = wide if plain is None else xp.where(fine, plain, wide)
        return xp.where(zero, 0.0, out)


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

    def exact_power(self, base: Any, exponent: Any, tiny: bool = False) -> Any:
        """``base ** exponent`` (``base >= 0``, ``exponent >= 0``, an int of any size or a
        float): the plain power where float64 holds it, else a :class:`Wide` (one that
        saturates anything far beyond 2**3200). Below 2.2e-308 it rounds as float64 does,
        unless ``tiny``: then it is a :class:`Wide` too (for a product with a growing
        factor, as a ChainedScheduler takes; beyond 2**+-3200 from the logarithm). Integer
        exponents above 2**53 are not rounded to float64 first."""
        raise NotImplementedError

    def times(self, value: Any, factor: Any) -> Any:
        """``value * factor`` for a finite ``value`` and a factor that may be a
        :class:`Wide`: rounded once, saturating at the largest float64 (never inf)."""
        raise NotImplementedError

    def product(self, value: Any, factors: Sequence[Any]) -> Any:
        """``value * factors[0] * ...`` (factors may be :class:`Wide`), as :meth:`times`."""
        return _product(self, value, factors)

    def clamp(self, value: Any) -> Any:
        """``value`` with +-inf saturated at +-the largest float64."""
        raise NotImplementedError

    def frexp(self, value: Any) -> tuple[Any, Any]:
        """``(mantissa, exponent)`` with ``value == mantissa * 2 ** exponent``."""
        raise NotImplementedError

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

    def exact_power(self, base: Any, exponent: Any, tiny: bool = False) -> Any:
        return _scalar_exact_power(base, exponent, tiny)

    def times(self, value: Any, factor: Any) -> Any:
        return _scalar_times(value, factor)

    def clamp(self, value: Any) -> Any:
        if -MAX_FLOAT <= value <= MAX_FLOAT or value != value:
            return value
        return math.copysign(MAX_FLOAT, value)

    def frexp(self, value: Any) -> tuple[Any, Any]:
        return math.frexp(value)

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

    def exact_power(self, base: Any, exponent: Any, tiny: bool = False) -> Any:
        return _numpy_exact_power(base, exponent, tiny)

    def times(self, value: Any, factor: Any) -> Any:
        return _numpy_times(value, factor)

    def clamp(self, value: Any) -> Any:
        return np.clip(value, -MAX_FLOAT, MAX_FLOAT)

    def frexp(self, value: Any) -> tuple[Any, Any]:
        m, e = np.frexp(value)
        return m, e.astype(np.int64)

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
