"""Modern decays, valued in absolute terms: from ``lr`` at step 0 towards ``final_lr``.

Constant, LinearDecay, CosineDecay, KDecay, InverseSqrt, Rex, Tanh, ExponentialDecay,
InverseTimeDecay and PolynomialDecay. Each takes the rates themselves (not factors of a
base rate): ``lr`` is the value at step 0 (the peak), ``final_lr`` the value at and after
``total_steps`` (held there), and ``total_steps`` the length of the decay in steps
(``scheduler.step()`` calls).

Numerics. A decay that ends reduces the step first (``min(t, total_steps)``, in integers
for whole steps), so any whole step, however large, costs nothing in precision. Each value
is a weighted mean of ``lr`` and ``final_lr`` (:func:`~lrkit.core._cosine.mix`) in which
the weight of the larger end is computed on its own, without cancellation: next to the end
of a decay to 0 a rate keeps its full relative precision. Where a formula raises a weight
to a power (``exponent``, ``k``, ``power``), a small whole power is taken by
multiplication, and its complement ``1 - w ** p`` as ``(1 - w)(1 + w + ... + w^(p-1))``;
otherwise the complement is ``-expm1(p * log(w))``, with ``log(w)`` taken as
``log1p(-(1 - w))`` for ``p >= 1``, and for ``p < 1`` from whichever of ``w`` and
``1 - w`` is known more precisely.

Exponentials, logarithms and powers go through numpy's functions on both paths (on the
one Python float of a single step, too): libm's and numpy's vectorised versions may differ
by an ulp, and near the end of a k-decay or a powered cosine the formula magnifies that.
numpy's function on one number gives what it gives inside an array, so a single step and
an array of steps agree exactly.

Speed (issue 9: a 10**6-step curve within twice a naive numpy expression of the formula).
Choices that depend on the arguments are made once, in Python: only the weight a mix uses
is computed, an end of 0 drops its term, a guard against overflow is left out where the
arguments cannot overflow. An array of steps is converted to float64 in the pass that
clips it (and :class:`~lrkit.Schedule` evaluates a long array in cache-sized blocks).
ExponentialDecay looks its powers up in tables of the few exponents an array of whole
steps needs. None of this changes a value: each formula is the same on a single step and
in an array of any length (up to the rounding of powers beyond float64's normal range,
as before).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from typing import Any

import numpy as np

from lrkit.core._cosine import cosine_mix, cosine_weights, half_cosine
from lrkit.core._errors import MAX_COUNT, MAX_RATE, check_bool, check_int, check_real, fail
from lrkit.core._schedule import Schedule, check_lr, schedule_class
from lrkit.core._xp import MAX_FLOAT, NUMPY, SCALAR, Namespace, Wide

__all__ = [
    "Constant",
    "CosineDecay",
    "ExponentialDecay",
    "InverseSqrt",
    "InverseTimeDecay",
    "KDecay",
    "LinearDecay",
    "PolynomialDecay",
    "Rex",
    "Tanh",
]

#: The smallest normal float64 number.
_TINY = sys.float_info.min
#: Integers up to here are float64 numbers exactly.
_EXACT_INT = 2**53
#: The largest exponent of a weight (``exponent``, ``k``, ``power``): the relative error of
#: ``w ** p`` is about ``p`` ulps, so up to 100 it stays below 1e-13.
_MAX_EXPONENT = 100.0
#: Tanh's bounds at most this far from 0: ``tanh`` is +-1 to within 1e-34 there, and the
#: value's relative error (about ``2 |x|`` ulps of the rounded argument) stays below 1e-13.
_MAX_TANH_BOUND = 40.0
#: Whole exponents up to here are raised by multiplication (a few ulps; no pow, no log).
_SMALL_WHOLE = 8
#: A whole step beyond float64's range counts as this one (the end of time, for every
#: formula here).
_FLOAT_END = 2**1023
#: A quarter of the largest float64: a product below it leaves room for a sum or two.
_QUARTER_MAX = MAX_FLOAT / 4.0
#: An array of whole steps at least this long looks its powers up in a table of the few
#: exponents it needs (the same numbers, computed once each).
_TABLE_MIN = 64


# -- numerics shared by the decays ------------------------------------------------------


def _numpy(fn: Callable[[Any], Any], xp: Namespace, x: Any) -> Any:
    """numpy's ``fn`` on both paths: a Python float for SCALAR, an array for NUMPY."""
    if xp is SCALAR:
        return float(fn(x))
    return fn(x)


def _power(xp: Namespace, base: Any, exponent: float) -> Any:
    """``base ** exponent`` for ``0 <= base``, ``0 < exponent <= 100``, with numpy's power
    on both paths (``base`` at most ``max(rate, 1)``: no overflow)."""
    if xp is SCALAR:
        return float(np.power(base, exponent))
    return np.power(base, exponent)


def _whole_power(xp: Namespace, base: float, exponent: Any) -> Any:
    """``base ** exponent`` for a whole ``exponent >= 0`` (an int of any size, or a whole
    float): :meth:`~lrkit.core.Namespace.exact_power` with ``tiny`` (a float64, or a
    :class:`~lrkit.core._xp.Wide` number beyond float64's normal range), where the scalar
    path takes numpy's power for results inside that range, as the array path does."""
    if xp is SCALAR and exponent <= _EXACT_INT and abs(exponent * math.log2(base)) < 1020.0:
        return float(np.power(base, float(exponent)))
    return xp.exact_power(base, exponent, True)


def _small_whole(p: float) -> int:
    """``p`` as an int where it is a whole number up to :data:`_SMALL_WHOLE` (a power then
    taken by multiplication), else 0."""
    return int(p) if p <= _SMALL_WHOLE and p.is_integer() else 0


def _times_self(w: Any, k: int) -> Any:
    """``w ** k`` for a whole ``k >= 1``, by multiplication (same on both paths; about
    ``k`` ulps relatively, given ``w`` to an ulp)."""
    result = w
    for _ in range(k - 1):
        result = result * w
    return result


def _geometric(w: Any, k: int) -> Any:
    """``1 + w + ... + w ** (k - 1)`` for ``w >= 0`` and a whole ``k >= 1`` (Horner's rule:
    every term is positive, so the relative error stays about ``2 k`` ulps)."""
    if k == 1:
        return 1.0
    total = w + 1.0
    for _ in range(k - 2):
        total = total * w + 1.0
    return total


def _log_of(xp: Namespace, w: Any, u: Any) -> Any:
    """``log(w)`` for ``w`` in (0, 1], given with its complement ``u = 1 - w`` (both to a
    few ulps, relatively): ``log1p(-u)`` where ``w`` is near 1, ``log(w)`` elsewhere."""
    near_one = _numpy(np.log1p, xp, -xp.minimum(u, 0.5))
    elsewhere = _numpy(np.log, xp, xp.maximum(w, _TINY))
    return xp.where(w > 0.5, near_one, elsewhere)


def _weight_power(xp: Namespace, w: Any, u: Any, p: float) -> Any:
    """``w ** p`` (``p > 0``) given ``w`` in [0, 1] and ``u = 1 - w``: for a small whole
    ``p`` by multiplication; otherwise near 1 as ``exp(p log1p(-u))`` (``w`` itself is
    rounded there, and ``p`` would magnify that), elsewhere as the plain power."""
    k = _small_whole(p)
    if k:
        return _times_self(w, k)
    near_one = _numpy(np.exp, xp, p * _numpy(np.log1p, xp, -xp.minimum(u, 0.5)))
    return xp.where(w > 0.5, near_one, _power(xp, w, p))


def _one_minus_power(xp: Namespace, w: Any, u: Any, p: float) -> Any:
    """``1 - w ** p`` (``p > 0``) to a few ulps, relatively, given ``w`` in [0, 1] and
    ``u = 1 - w``, both to a few ulps relatively.

    For a small whole ``p``, ``u (1 + w + ... + w^(p-1))``. Otherwise
    ``-expm1(p log(w))``: for ``p >= 1`` with ``log(w)`` as ``log1p(-u)`` everywhere (where
    ``w <= 1/2`` the value is at least 1/2, and the absolute error of ``1 - u``, an ulp,
    moves ``w ** p`` by at most ``p`` ulps); for ``p < 1``, where a small ``w`` would
    magnify that, from whichever of ``w`` and ``u`` is known more precisely.
    """
    k = _small_whole(p)
    if k:
        return u if k == 1 else u * _geometric(w, k)
    if p >= 1.0:
        with np.errstate(divide="ignore"):  # log1p(-1) = -inf where w = 0: the value is 1
            return -_numpy(np.expm1, xp, p * _numpy(np.log1p, xp, -u))
    inner = -_numpy(np.expm1, xp, p * _log_of(xp, w, u))
    return xp.where(w > 0.0, inner, 1.0)


def _blend(xp: Namespace, a: float, b: float, w: Any, u: Any) -> Any:
    """:func:`~lrkit.core._cosine.mix` of two rates ``a, b >= 0`` (Python floats), given
    only the weight it uses: ``w`` (of ``a``) when ``a >= b``, else ``u`` (of ``b``). An
    end of 0 drops its term (``0 * x`` adds nothing: the same value, one pass less)."""
    if b > a:
        return b * u if a == 0.0 else a * (1.0 - u) + b * u
    return a * w if b == 0.0 else a * w + b * (1.0 - w)


def _upto(xp: Namespace, t: Any, total: int) -> Any:
    """``min(t, total)`` (``total <= 2**53``), exactly: an int or a float for one step; for
    an array, a new float64 array, converted in the same pass (an int step beyond 2**53
    rounds to a float still >= ``total``), so that the formulas after it run on floats
    (an int array divided by an int is converted in a slower pass of its own)."""
    if xp is SCALAR:
        return total if total < t else t  # min(t, total), without the call
    return np.minimum(t, float(total), dtype=np.float64)


def _is_whole(xp: Namespace, t: Any) -> bool:
    """Whether ``t`` holds whole steps as integers (a Python int, or an integer array)."""
    if xp is SCALAR:
        return t.__class__ is int
    return bool(np.asarray(t).dtype.kind in "iu")


def _largest(x: Any) -> float:
    """The largest number in a float64 array (0 for an empty one)."""
    return float(np.max(x)) if np.size(x) else 0.0


def _as_float(xp: Namespace, t: Any) -> Any:
    """A whole step ``t`` as a float64 (rounded beyond 2**53; a Python int beyond float64's
    range is taken as 2**1023, which every formula here treats as the end of time)."""
    if xp is SCALAR:
        return float(min(t, _FLOAT_END)) if t.__class__ is int else float(t)
    return np.asarray(t, dtype=np.float64)


def _check_total(value: Any) -> int:
    return check_int("total_steps", value, low=1, high=MAX_COUNT)


def _check_exponent(name: str, value: Any) -> float:
    return check_real(name, value, low=0.0, high=_MAX_EXPONENT, low_open=True)


def _decay_length(total: int) -> int:
    return total + max(1, total // 10)


# -- the schedules ----------------------------------------------------------------------


@schedule_class
class Constant(Schedule):
    r"""The same learning rate at every step.

    .. math:: \eta_t = \eta_0

    Args:
        lr: :math:`\eta_0`, the learning rate (>= 0).

    The baseline the decays are measured against (optax's ``constant_schedule``, Keras'
    constant rate).

    >>> s = Constant(lr=0.1)
    >>> [s(t) for t in (0, 1000, 2**63 - 1)]
    [0.1, 0.1, 0.1]
    """

    lr: float

    def __post_init__(self) -> None:
        self._set("lr", check_lr("lr", self.lr))

    def _value(self, xp: Namespace, t: Any) -> Any:
        if xp is SCALAR:
            return self.lr
        return np.full(np.shape(t), self.lr)  # one pass

    @property
    def length(self) -> int:
        return 100


@schedule_class
class LinearDecay(Schedule):
    r"""A straight line from ``lr`` to ``final_lr`` over ``total_steps`` steps, then held.

    .. math::
        \eta_t = \eta_0 \frac{T - \min(t, T)}{T} + \eta_f \frac{\min(t, T)}{T}

    with :math:`\eta_0` = ``lr``, :math:`\eta_f` = ``final_lr``, :math:`T` = ``total_steps``.
    The value lands exactly on ``final_lr`` at step ``T`` and stays there at every later
    step. ``final_lr > lr`` is allowed: the line then rises (a linear warm-up).

    Linear decay to zero ("D2Z") is the schedule recommended for LLM training by Bergsma
    et al., "Straight to Zero: Why Linearly Decaying the Learning Rate to Zero Works Best
    for LLMs" (2025, https://arxiv.org/abs/2502.15938).

    Args:
        lr: :math:`\eta_0`, the rate at step 0 (>= 0).
        total_steps: :math:`T`, the steps of the decay (a positive integer, at most 2**53).
        final_lr: :math:`\eta_f`, the rate at and after step :math:`T` (>= 0).

    >>> s = LinearDecay(lr=0.1, total_steps=100)
    >>> [round(s(t), 6) for t in (0, 25, 50, 100, 10**9)]
    [0.1, 0.075, 0.05, 0.0, 0.0]
    """

    lr: float
    total_steps: int
    final_lr: float = 0.0

    def __post_init__(self) -> None:
        self._set("lr", check_lr("lr", self.lr))
        self._set("total_steps", _check_total(self.total_steps))
        self._set("final_lr", check_lr("final_lr", self.final_lr))

    def _value(self, xp: Namespace, t: Any) -> Any:
        # linear_mix's weights, the used one only, from min(t, T) as a float for arrays.
        n = self.total_steps
        done = _upto(xp, t, n)
        if self.final_lr > self.lr:
            return _blend(xp, self.lr, self.final_lr, None, done / n)
        return _blend(xp, self.lr, self.final_lr, (n - done) / n, None)

    @property
    def length(self) -> int:
        return _decay_length(self.total_steps)

    @property
    def breakpoints(self) -> tuple[float, ...]:
        return (float(self.total_steps),)


@schedule_class
class CosineDecay(Schedule):
    r"""Half a cosine from ``lr`` to ``final_lr`` over ``total_steps`` steps, then held.

    .. math::
        \eta_t = \eta_f + (\eta_0 - \eta_f)\, w_t^{\,p}, \qquad
        w_t = \frac{1 + \cos(\pi \min(t, T) / T)}{2}

    with :math:`\eta_0` = ``lr``, :math:`\eta_f` = ``final_lr``, :math:`T` = ``total_steps``
    and :math:`p` = ``exponent``. With :math:`p = 1` this is SGDR's annealing (Loshchilov
    and Hutter, https://arxiv.org/abs/1608.03983) without restarts; :math:`p` sharpens
    (> 1) or flattens (< 1) the curve as optax's ``cosine_decay_schedule`` exponent does.
    The value is exactly ``final_lr`` from step ``T`` on. ``final_lr > lr`` is allowed (a
    cosine rise).

    Args:
        lr: :math:`\eta_0`, the rate at step 0 (>= 0).
        total_steps: :math:`T` (a positive integer, at most 2**53).
        final_lr: :math:`\eta_f`, the rate at and after step :math:`T` (>= 0).
        exponent: :math:`p`, in (0, 100] (the relative error is about :math:`p` ulps).

    >>> s = CosineDecay(lr=0.1, total_steps=100, final_lr=0.001)
    >>> [round(s(t), 6) for t in (0, 50, 100, 200)]
    [0.1, 0.0505, 0.001, 0.001]
    >>> round(CosineDecay(lr=0.1, total_steps=100, exponent=2.0)(50), 6)
    0.025
    """

    lr: float
    total_steps: int
    final_lr: float = 0.0
    exponent: float = 1.0

    def __post_init__(self) -> None:
        self._set("lr", check_lr("lr", self.lr))
        self._set("total_steps", _check_total(self.total_steps))
        self._set("final_lr", check_lr("final_lr", self.final_lr))
        self._set("exponent", _check_exponent("exponent", self.exponent))

    def _value(self, xp: Namespace, t: Any) -> Any:
        n = self.total_steps
        done = _upto(xp, t, n)
        p = self.exponent
        if p == 1.0:
            return cosine_mix(xp, self.lr, self.final_lr, done, n)
        whole = _small_whole(p)
        if whole and self.final_lr <= self.lr:  # w ** p by multiplication: w alone
            w = half_cosine(xp, n - done, n)
            return _blend(xp, self.lr, self.final_lr, _times_self(w, whole), None)
        w, u = cosine_weights(xp, done, n)  # the weights of lr and final_lr when p = 1
        if self.final_lr > self.lr:
            return _blend(xp, self.lr, self.final_lr, None, _one_minus_power(xp, w, u, p))
        return _blend(xp, self.lr, self.final_lr, _weight_power(xp, w, u, p), None)

    @property
    def length(self) -> int:
        return _decay_length(self.total_steps)

    @property
    def breakpoints(self) -> tuple[float, ...]:
        return (float(self.total_steps),)


@schedule_class
class KDecay(Schedule):
    r"""k-decay: a cosine decay whose progress is raised to the power ``k``.

    .. math::
        \eta_t = \eta_f + (\eta_0 - \eta_f)\,
        \frac{1 + \cos\left(\pi\, \min(t, T)^k / T^k\right)}{2}

    with :math:`\eta_0` = ``lr``, :math:`\eta_f` = ``final_lr``, :math:`T` = ``total_steps``.
    :math:`k > 1` keeps the rate high for longer and decays faster at the end,
    :math:`k < 1` the other way round; :math:`k = 1` is :class:`CosineDecay`. From Zhang
    and Li, "k-decay: A New Method For Learning Rate Schedule" (2020,
    https://arxiv.org/abs/2004.05909), as timm's cosine schedule with ``k_decay``. The
    value is exactly ``final_lr`` from step ``T`` on; ``final_lr > lr`` is allowed (a rise).

    Args:
        lr: :math:`\eta_0`, the rate at step 0 (>= 0).
        total_steps: :math:`T` (a positive integer, at most 2**53).
        k: :math:`k`, in (0, 100] (the relative error is about :math:`k` ulps).
        final_lr: :math:`\eta_f`, the rate at and after step :math:`T` (>= 0).

    >>> s = KDecay(lr=0.1, total_steps=100, k=2.0)
    >>> [round(s(t), 6) for t in (0, 50, 71, 100, 150)]
    [0.1, 0.085355, 0.049356, 0.0, 0.0]
    """

    lr: float
    total_steps: int
    k: float = 1.0
    final_lr: float = 0.0

    def __post_init__(self) -> None:
        self._set("lr", check_lr("lr", self.lr))
        self._set("total_steps", _check_total(self.total_steps))
        self._set("k", _check_exponent("k", self.k))
        self._set("final_lr", check_lr("final_lr", self.final_lr))

    def _value(self, xp: Namespace, t: Any) -> Any:
        n = self.total_steps
        done = _upto(xp, t, n)
        k = self.k
        if self.final_lr > self.lr:  # the weight of final_lr: sin^2(pi/2 x^k)
            x = done / n  # the progress, to an ulp
            whole = _small_whole(k)
            q = _times_self(x, whole) if whole else _power(xp, x, k)
            return _blend(xp, self.lr, self.final_lr, None, half_cosine(xp, q, 1.0))
        # The weight of lr, sin^2(pi/2 (1 - x^k)), from 1 - x^k to an ulp near the end
        # (given 1 - x, to an ulp too).
        rest = (n - done) / n
        d = rest if k == 1.0 else _one_minus_power(xp, done / n, rest, k)
        return _blend(xp, self.lr, self.final_lr, half_cosine(xp, d, 1.0), None)

    @property
    def length(self) -> int:
        return _decay_length(self.total_steps)

    @property
    def breakpoints(self) -> tuple[float, ...]:
        return (float(self.total_steps),)


@schedule_class
class InverseSqrt(Schedule):
    r"""Inverse square-root decay: ``lr`` at step 0, then about :math:`1/\sqrt{t}`.

    .. math:: \eta_t = \eta_0 \sqrt{\frac{\tau}{t + \tau}}

    with :math:`\eta_0` = ``lr`` and :math:`\tau` = ``timescale``. The Transformer's decay
    after its warm-up (Vaswani et al., "Attention Is All You Need",
    https://arxiv.org/abs/1706.03762), T5's ``rsqrt`` and transformers'
    ``inverse_sqrt`` schedule with its ``timescale``. It never reaches 0: at step
    2**63 - 1 it is still :math:`\eta_0 \sqrt{\tau / 2^{63}}`, to a few ulps.

    Args:
        lr: :math:`\eta_0`, the rate at step 0 (>= 0).
        timescale: :math:`\tau`, the steps over which the rate falls to
            :math:`\eta_0 / \sqrt 2` (a positive number, at most 2**53).

    >>> s = InverseSqrt(lr=0.1, timescale=100)
    >>> [round(s(t), 6) for t in (0, 100, 300, 9900, 2**63 - 1)]
    [0.1, 0.070711, 0.05, 0.01, 0.0]
    """

    lr: float
    timescale: float

    def __post_init__(self) -> None:
        self._set("lr", check_lr("lr", self.lr))
        tau = check_real(
            "timescale",
            self.timescale,
            low=0.0,
            low_open=True,
            largest=MAX_COUNT,
            largest_text="2**53",
        )
        self._set("timescale", int(tau) if tau.is_integer() else tau)

    def _value(self, xp: Namespace, t: Any) -> Any:
        tau = float(self.timescale)
        # sqrt(tau) / sqrt(t + tau) is a normal float64 for every tau (tau / (t + tau)
        # could fall below 2.2e-308); exactly 1 at step 0.
        return self.lr * (math.sqrt(tau) / xp.sqrt(t + tau))

    @property
    def length(self) -> int:
        return max(10, math.ceil(24 * self.timescale))  # down to lr / 5


@schedule_class
class Rex(Schedule):
    r"""REX: the reflected-exponential profile, from ``lr`` to ``final_lr`` over ``total_steps``.

    .. math::
        \eta_t = \eta_f + (\eta_0 - \eta_f) \frac{1 - z}{1 - z / 2},
        \qquad z = \frac{\min(t, T)}{T}

    with :math:`\eta_0` = ``lr``, :math:`\eta_f` = ``final_lr``, :math:`T` = ``total_steps``:
    it stays above the straight line and drops steeply at the end. From Chen, Wolfe and
    Kyrillidis, "REX: Revisiting Budgeted Training with an Improved Schedule" (2021,
    https://arxiv.org/abs/2107.04197). Exactly ``final_lr`` from step ``T`` on;
    ``final_lr > lr`` is allowed (a rise).

    Args:
        lr: :math:`\eta_0`, the rate at step 0 (>= 0).
        total_steps: :math:`T` (a positive integer, at most 2**53).
        final_lr: :math:`\eta_f`, the rate at and after step :math:`T` (>= 0).

    >>> s = Rex(lr=0.1, total_steps=100)
    >>> [round(s(t), 6) for t in (0, 50, 90, 100, 1000)]
    [0.1, 0.066667, 0.018182, 0.0, 0.0]
    """

    lr: float
    total_steps: int
    final_lr: float = 0.0

    def __post_init__(self) -> None:
        self._set("lr", check_lr("lr", self.lr))
        self._set("total_steps", _check_total(self.total_steps))
        self._set("final_lr", check_lr("final_lr", self.final_lr))

    def _value(self, xp: Namespace, t: Any) -> Any:
        n = self.total_steps
        done = _upto(xp, t, n)
        half = done / 2  # exact
        rest = n - half  # T (1 - z/2): the weights are (T - t) / rest and (t/2) / rest
        if self.final_lr > self.lr:
            return _blend(xp, self.lr, self.final_lr, None, half / rest)
        return _blend(xp, self.lr, self.final_lr, (n - done) / rest, None)

    @property
    def length(self) -> int:
        return _decay_length(self.total_steps)

    @property
    def breakpoints(self) -> tuple[float, ...]:
        return (float(self.total_steps),)


@schedule_class
class Tanh(Schedule):
    r"""Hyperbolic-tangent decay from about ``lr`` to about ``final_lr`` over ``total_steps``.

    .. math::
        \eta_t = \eta_f + \frac{\eta_0 - \eta_f}{2}
        \left(1 - \tanh\left(L + (U - L) \frac{\min(t, T)}{T}\right)\right)

    with :math:`\eta_0` = ``lr``, :math:`\eta_f` = ``final_lr``, :math:`T` = ``total_steps``,
    :math:`L` = ``lower`` and :math:`U` = ``upper``. From Hsueh et al., "Stochastic Gradient
    Descent with Hyperbolic-Tangent Decay on Classification" (2019,
    https://arxiv.org/abs/1806.01593); the default bounds are timm's
    ``TanhLRScheduler`` (``lb=-7``, ``ub=3``).

    The tanh never reaches +-1, so the curve neither starts exactly at ``lr`` nor ends
    exactly at ``final_lr``: it starts a fraction :math:`(1 + \tanh L)/2` of
    :math:`\eta_0 - \eta_f` below ``lr`` (8.3e-7 with the default bounds) and ends a
    fraction :math:`(1 - \tanh U)/2` of it above ``final_lr`` (0.0025 with the defaults),
    the value it then holds at every step after :math:`T`. ``final_lr > lr`` is allowed
    (a rise). ``1 - tanh`` is computed as :math:`2 / (1 + e^{2x})`, to a few ulps
    relatively even where it is tiny.

    Args:
        lr: :math:`\eta_0` (>= 0).
        total_steps: :math:`T` (a positive integer, at most 2**53).
        final_lr: :math:`\eta_f` (>= 0).
        lower: :math:`L`, the tanh's argument at step 0, in [-40, 40].
        upper: :math:`U`, its argument at step :math:`T`, in [-40, 40] and > ``lower``
            (beyond +-40 tanh is +-1 to 34 digits).

    >>> s = Tanh(lr=0.1, total_steps=100)
    >>> [round(s(t), 9) for t in (0, 50, 70, 100, 200)]
    [0.099999917, 0.098201379, 0.05, 0.000247262, 0.000247262]
    """

    lr: float
    total_steps: int
    final_lr: float = 0.0
    lower: float = -7.0
    upper: float = 3.0

    def __post_init__(self) -> None:
        self._set("lr", check_lr("lr", self.lr))
        self._set("total_steps", _check_total(self.total_steps))
        self._set("final_lr", check_lr("final_lr", self.final_lr))
        bound = _MAX_TANH_BOUND
        self._set("lower", check_real("lower", self.lower, low=-bound, high=bound))
        self._set("upper", check_real("upper", self.upper, low=-bound, high=bound))
        if not self.upper > self.lower:
            fail("upper", f"a number > lower (lower={self.lower!r})", self.upper)

    def _value(self, xp: Namespace, t: Any) -> Any:
        n = self.total_steps
        done = _upto(xp, t, n)
        # (1 - tanh x) / 2 = 1 / (1 + e^{2x}) is the weight of lr, (1 + tanh x) / 2 =
        # 1 / (1 + e^{-2x}) that of final_lr: each accurate, |2x| <= 80 (no overflow).
        # 2x = 2L + 2(U - L) t/T, doubled in the constants (exact: a power of two).
        lower, span = 2.0 * self.lower, 2.0 * (self.upper - self.lower)
        if self.final_lr > self.lr:
            e = _numpy(np.exp, xp, -lower - span * (done / n))
            if self.lr == 0.0:
                return self.final_lr / (1.0 + e)
            return _blend(xp, self.lr, self.final_lr, None, 1.0 / (1.0 + e))
        e = _numpy(np.exp, xp, lower + span * (done / n))
        if self.final_lr == 0.0:
            return self.lr / (1.0 + e)
        return _blend(xp, self.lr, self.final_lr, 1.0 / (1.0 + e), None)

    @property
    def length(self) -> int:
        return _decay_length(self.total_steps)

    @property
    def breakpoints(self) -> tuple[float, ...]:
        return (float(self.total_steps),)


@schedule_class
class ExponentialDecay(Schedule):
    r"""Exponential decay by ``decay_rate`` every ``decay_steps`` steps (optax, Keras).

    .. math::
        \eta_t = \begin{cases}
            \eta_0 & t < s \\
            \eta_0 \, r^{(t - s) / D} & t \ge s
        \end{cases}

    with :math:`\eta_0` = ``lr``, :math:`r` = ``decay_rate``, :math:`D` = ``decay_steps``,
    :math:`s` = ``start_step``; with ``staircase`` the exponent is
    :math:`\lfloor (t - s) / D \rfloor` (a decay every :math:`D` steps). As optax's
    ``exponential_decay`` (``transition_begin``, ``end_value``) and Keras'
    ``ExponentialDecay``.

    ``final_lr`` (optional) bounds the value: a floor when the rate decays
    (:math:`r < 1`: then ``final_lr <= lr`` is required), a cap when it grows
    (:math:`r > 1`: ``final_lr >= lr`` required); with :math:`r = 1` the rate stays ``lr``
    and ``final_lr`` is not used. A growing rate with no cap saturates at the largest
    float64 (about 1.8e308), never inf.

    The exponent is split into its whole part and its fraction,
    :math:`r^{q} \cdot r^{f/D}`, the whole part raised exactly (an integer of any size), so
    the value keeps a few ulps of relative precision however far it has decayed.

    Args:
        lr: :math:`\eta_0` (>= 0).
        decay_steps: :math:`D` (a positive integer, at most 2**53).
        decay_rate: :math:`r`, from 2.2250738585072014e-308 (float64's smallest normal
            number) to 1e300.
        staircase: decay in whole steps of :math:`D`.
        start_step: :math:`s`, the step at which the decay begins (an integer from 0 to
            2**53); the rate is ``lr`` before it.
        final_lr: the floor (decay) or cap (growth), or None.

    >>> s = ExponentialDecay(lr=0.1, decay_steps=10, decay_rate=0.5)
    >>> [round(s(t), 6) for t in (0, 5, 10, 20, 1000)]
    [0.1, 0.070711, 0.05, 0.025, 0.0]
    >>> s = ExponentialDecay(lr=0.1, decay_steps=10, decay_rate=0.5, staircase=True,
    ...                      start_step=5, final_lr=0.03)
    >>> [s(t) for t in (0, 14, 15, 25, 35, 1000)]
    [0.1, 0.1, 0.05, 0.03, 0.03, 0.03]
    """

    lr: float
    decay_steps: int
    decay_rate: float
    staircase: bool = False
    start_step: int = 0
    final_lr: float | None = None

    def __post_init__(self) -> None:
        self._set("lr", check_lr("lr", self.lr))
        self._set("decay_steps", check_int("decay_steps", self.decay_steps, low=1, high=MAX_COUNT))
        rate = check_real(
            "decay_rate",
            self.decay_rate,
            low=0.0,
            low_open=True,
            largest=MAX_RATE,
            largest_text="1e+300",
        )
        if rate < _TINY:  # rate ** fraction would lose precision among subnormal numbers
            fail(
                "decay_rate",
                "a positive finite number of at least 2.2250738585072014e-308 (the smallest "
                "normal float64)",
                self.decay_rate,
            )
        self._set("decay_rate", rate)
        self._set("staircase", check_bool("staircase", self.staircase))
        self._set("start_step", check_int("start_step", self.start_step, low=0, high=MAX_COUNT))
        if self.final_lr is not None:
            final = check_lr("final_lr", self.final_lr)
            if rate < 1.0 and final > self.lr:
                fail(
                    "final_lr",
                    f"at most lr ({self.lr!r}) or None when decay_rate < 1 (it is a floor)",
                    self.final_lr,
                )
            if rate > 1.0 and final < self.lr:
                fail(
                    "final_lr",
                    f"at least lr ({self.lr!r}) or None when decay_rate > 1 (it is a cap)",
                    self.final_lr,
                )
            self._set("final_lr", final)

    def _value(self, xp: Namespace, t: Any) -> Any:
        start = self.start_step
        n = xp.maximum(t - start, 0) if start else t  # steps since the decay began
        size, rate = self.decay_steps, self.decay_rate
        whole = n // size
        if xp is SCALAR or np.size(n) < _TABLE_MIN or not _is_whole(xp, n):
            factors = [_whole_power(xp, rate, whole)]
            if not self.staircase:
                factors.append(_power(xp, rate, (n % size) / size))
        else:
            factors = self._looked_up(n, whole)
        value = xp.product(self.lr, factors)
        if self.final_lr is None or rate == 1.0:
            return value
        if rate < 1.0:
            return xp.maximum(value, self.final_lr)
        return xp.minimum(value, self.final_lr)

    def _looked_up(self, n: Any, whole: Any) -> list[Any]:
        """The factors ``rate ** whole`` and ``rate ** (fraction / D)`` for an int64 array
        of steps ``n`` (``whole = n // D``), each from a table of the values it takes
        where those are few: the whole part spans a range of ``max - min + 1`` exponents,
        the fraction ``D`` values (``n mod D``). A table holds what the power gives each
        exponent in the array: the same numbers, each computed once."""
        size, rate = self.decay_steps, self.decay_rate
        low, high = int(whole.min()), int(whole.max())
        if high - low < n.size // 2:
            table = _whole_power(NUMPY, rate, np.arange(low, high + 1, dtype=np.int64))
            index = whole - low if low else whole
            if table.__class__ is Wide:
                factors = [Wide(table.mantissa[index], table.exponent[index])]
            else:
                factors = [table[index]]
        else:
            factors = [_whole_power(NUMPY, rate, whole)]
        if self.staircase:
            return factors
        fraction = n - whole * size  # n mod D (n >= 0), without the slower remainder
        if size <= n.size // 2:
            factors.append(np.power(rate, np.arange(size, dtype=np.int64) / size)[fraction])
        else:
            factors.append(np.power(rate, fraction / size))
        return factors

    @property
    def length(self) -> int:
        return self.start_step + 5 * self.decay_steps

    @property
    def breakpoints(self) -> tuple[float, ...]:
        marks = {float(self.start_step)} if self.start_step else set()
        if self.staircase:
            marks |= {float(self.start_step + k * self.decay_steps) for k in range(1, 6)}
        final, lr, rate = self.final_lr, self.lr, self.decay_rate
        if final is not None and rate != 1.0 and 0.0 < final != lr and lr > 0.0:
            exponent = math.log(final / lr) / math.log(rate)  # where the bound takes over
            if self.staircase:
                exponent = math.ceil(exponent)
            step = self.start_step + self.decay_steps * exponent
            if step < 2.0**63:
                marks.add(float(step))
        return tuple(sorted(marks))


@schedule_class
class InverseTimeDecay(Schedule):
    r"""Inverse-time decay (Keras' ``InverseTimeDecay``).

    .. math:: \eta_t = \frac{\eta_0}{1 + r\, t / D}

    with :math:`\eta_0` = ``lr``, :math:`r` = ``decay_rate`` and :math:`D` = ``decay_steps``;
    with ``staircase`` :math:`t / D` is replaced by :math:`\lfloor t / D \rfloor`. It falls
    to :math:`\eta_0 / 2` at :math:`t = D / r` and never reaches 0.

    Args:
        lr: :math:`\eta_0` (>= 0).
        decay_steps: :math:`D` (a positive integer, at most 2**53).
        decay_rate: :math:`r`, from 0 (a constant rate) to 1e300.
        staircase: decay in whole steps of :math:`D`.

    >>> s = InverseTimeDecay(lr=0.1, decay_steps=10, decay_rate=0.5)
    >>> [round(s(t), 6) for t in (0, 5, 10, 20, 1000)]
    [0.1, 0.08, 0.066667, 0.05, 0.001961]
    """

    lr: float
    decay_steps: int
    decay_rate: float
    staircase: bool = False

    def __post_init__(self) -> None:
        self._set("lr", check_lr("lr", self.lr))
        self._set("decay_steps", check_int("decay_steps", self.decay_steps, low=1, high=MAX_COUNT))
        self._set(
            "decay_rate",
            check_real(
                "decay_rate", self.decay_rate, low=0.0, largest=MAX_RATE, largest_text="1e+300"
            ),
        )
        self._set("staircase", check_bool("staircase", self.staircase))

    def _value(self, xp: Namespace, t: Any) -> Any:
        size, rate = self.decay_steps, self.decay_rate
        if rate == 0.0:
            return self.lr if xp is SCALAR else np.full(np.shape(t), self.lr)
        if rate / size * 2.0**64 <= _QUARTER_MAX and (xp is not SCALAR or t < 2**64):
            # r t / D (or r floor(t / D)) cannot come near the largest float64 for any
            # array step (below 2**64): in one product, to an ulp or two, with the step
            # as a float64 (rounded beyond 2**53); the value's relative error is about
            # that of r t / D.
            if self.staircase:
                return self.lr / (1.0 + _as_float(xp, t // size) * rate)
            return self.lr / (1.0 + _as_float(xp, t) * (rate / size))
        # t / D (or its floor) as above, then r p guarded: where it would pass the
        # largest float64, 1 is nothing beside it.
        p = _as_float(xp, t // size) if self.staircase else _as_float(xp, t) / size
        limit = MAX_FLOAT / rate / 2.0
        if xp is not SCALAR and _largest(p) <= limit:
            return self.lr / (1.0 + rate * p)  # the where's first arm everywhere
        near = self.lr / (1.0 + rate * xp.minimum(p, limit))
        far = self.lr / xp.maximum(p, 1.0) / rate
        return xp.where(p <= limit, near, far)

    @property
    def length(self) -> int:
        return 10 * self.decay_steps

    @property
    def breakpoints(self) -> tuple[float, ...]:
        if not self.staircase:
            return ()
        return tuple(float(k * self.decay_steps) for k in range(1, 4))


@schedule_class
class PolynomialDecay(Schedule):
    r"""Polynomial decay from ``lr`` to ``final_lr`` (Keras' ``PolynomialDecay``).

    .. math::
        \eta_t = \eta_f + (\eta_0 - \eta_f) \left(1 - \frac{\min(t, T)}{T}\right)^{p}

    with :math:`\eta_0` = ``lr``, :math:`\eta_f` = ``final_lr``, :math:`T` = ``total_steps``
    and :math:`p` = ``power``; the value is exactly ``final_lr`` from step :math:`T` on.
    With ``cycle`` the horizon grows instead: :math:`\min(t, T) / T` becomes :math:`t / H`
    with :math:`H = T \lceil t / T \rceil` (:math:`H = T` at step 0), so the rate reaches
    ``final_lr`` at every multiple of :math:`T` and jumps back up after it, each time to a
    lower start. ``final_lr > lr`` is allowed (a rise). The ceiling is taken in integers,
    exactly at any whole step.

    Args:
        lr: :math:`\eta_0`, the rate at step 0 (>= 0).
        total_steps: :math:`T` (a positive integer, at most 2**53).
        final_lr: :math:`\eta_f` (>= 0).
        power: :math:`p`, in (0, 100] (the relative error is about :math:`p` ulps).
        cycle: restart towards ``final_lr`` over a longer horizon at each multiple of
            :math:`T`.

    >>> s = PolynomialDecay(lr=0.1, total_steps=100, power=2.0)
    >>> [round(s(t), 6) for t in (0, 50, 100, 150)]
    [0.1, 0.025, 0.0, 0.0]
    >>> s = PolynomialDecay(lr=0.1, total_steps=100, cycle=True)
    >>> [round(s(t), 6) for t in (0, 100, 101, 150, 200)]
    [0.1, 0.0, 0.0495, 0.025, 0.0]
    """

    lr: float
    total_steps: int
    final_lr: float = 0.0
    power: float = 1.0
    cycle: bool = False

    def __post_init__(self) -> None:
        self._set("lr", check_lr("lr", self.lr))
        self._set("total_steps", _check_total(self.total_steps))
        self._set("final_lr", check_lr("final_lr", self.final_lr))
        self._set("power", _check_exponent("power", self.power))
        self._set("cycle", check_bool("cycle", self.cycle))

    def _horizon(self, xp: Namespace, t: Any) -> tuple[Any, Any, Any]:
        """``(H - t, t, H)`` (``min(t, T)`` for ``t`` without ``cycle``): the steps left to
        the horizon (exact), the steps done and the horizon, as float64 numbers for
        arrays. With ``cycle`` the horizon is ``t`` plus the steps left (rounded once
        beyond 2**53), exactly ``t`` at a multiple of ``T``: ``t / H`` is then 1."""
        n = self.total_steps
        if not self.cycle:
            done = _upto(xp, t, n)
            return n - done, done, n
        if xp is not SCALAR and _is_whole(xp, t) and np.size(t) and np.max(t) <= _EXACT_INT - n:
            # Every horizon a float64 counts exactly: T ceil(t / T) (t / T is below the next
            # whole number by at least 1/T, more than its rounding), and T at step 0. The
            # same numbers as below, in fewer passes.
            here = _as_float(xp, t)
            span = np.maximum(np.ceil(here / n) * n, n)
            return span - here, here, span
        if _is_whole(xp, t):  # integers: the last multiple of T below t (0 at t = 0)
            below = (xp.maximum(t - 1, 0) // n) * n
            gap = _as_float(xp, n - (t - below))  # in [0, T]: T at t = 0, 0 at multiples
        else:
            left = t % n  # exact
            gap = xp.where(left == 0, xp.where(t == 0, float(n), 0.0), n - left)
        here = _as_float(xp, t)
        return gap, here, here + gap

    def _value(self, xp: Namespace, t: Any) -> Any:
        gap, here, span = self._horizon(xp, t)
        p = self.power
        if self.final_lr > self.lr:  # the weight of final_lr: 1 - (1 - t/H) ** p
            x = here / span
            u = x if p == 1.0 else _one_minus_power(xp, gap / span, x, p)
            return _blend(xp, self.lr, self.final_lr, None, u)
        base = gap / span  # the weight of lr when p = 1: (H - t) / H
        if p != 1.0:  # (its complement t / H only where the power is not by multiplication)
            x = None if _small_whole(p) else here / span
            base = _weight_power(xp, base, x, p)
        return _blend(xp, self.lr, self.final_lr, base, None)

    @property
    def length(self) -> int:
        n = self.total_steps
        return 3 * n + n // 2 if self.cycle else _decay_length(n)

    @property
    def breakpoints(self) -> tuple[float, ...]:
        n = self.total_steps
        return tuple(float(k * n) for k in range(1, 4)) if self.cycle else (float(n),)
