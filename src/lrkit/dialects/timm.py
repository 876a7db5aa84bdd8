"""timm's schedulers under timm's own class names and arguments (issue 10).

``lrkit.timm.CosineLRScheduler(lr=0.1, t_initial=100, warmup_t=5)`` is the schedule whose
value at step ``t`` is the learning rate timm 1.0.31's ``CosineLRScheduler`` (built over an
optimizer whose lr is ``lr``) sets on ``scheduler.step(t)``; with ``t_in_epochs=False`` it is
the learning rate ``scheduler.step_update(t)`` sets instead (``step(t)`` then leaves the lr
alone), and the values are the same function of ``t``. The config
``{"type": "timm.CosineLRScheduler", ...}`` builds the same. Every argument of timm's
constructor but ``optimizer`` is a field here, with timm's name and default; ``lr`` is the
optimizer's lr (timm's base value of the param group).

Each formula is written in timm's own order of float operations (its cycle index from a
float logarithm included), so the values agree with timm's to the last bit. timm's noise
(``noise_range_t``) draws from a ``torch.Generator`` seeded with ``noise_seed + t``: it
needs torch, imported only when a noisy step is evaluated. Values are learning rates: they
must stay finite and >= 0, so the arguments that would make timm's values negative, NaN or
infinite, or make timm raise, are refused here (see docs/dialects/timm.md).
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import itertools
import math
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np

from lrkit.core import (
    NUMPY,
    SCALAR,
    Namespace,
    Schedule,
    check_bool,
    check_choice,
    check_int,
    check_real,
    fail,
    fail_type,
    schedule_class,
)

__all__ = [
    "CosineLRScheduler",
    "MultiStepLRScheduler",
    "PolyLRScheduler",
    "StepLRScheduler",
    "TanhLRScheduler",
]

#: The largest count accepted (t_initial, warmup_t, cycle_limit, milestones).
MAX_COUNT = 2**53
#: The largest rate accepted: the formulas take differences of rates.
MAX_RATE = 1e300
MAX_FLOAT = sys.float_info.max
#: torch.Generator.manual_seed takes seeds in [-2**63, 2**64 - 1].
SEED_LOW, SEED_HIGH = -(2**63), 2**64 - 1
#: timm's Scheduler accepts noise_type "normal"; any other value draws uniform noise.
NOISE_TYPES = ("normal", "uniform")
#: The smallest noise_pct / noise_std: below it, timm's rejection loop spins ~1e3 draws.
MIN_PCT_PER_STD = 1e-3
#: Steps up to here convert to float64 exactly (numpy and Python agree on them).
_EXACT = 2**53


def _rate(name: str, value: Any) -> float:
    return check_real(name, value, low=0.0, largest=MAX_RATE, largest_text="1e+300")


def _pow(xp: Namespace, base: Any, exponent: Any) -> Any:
    """``base ** exponent`` as Python's float ``**`` (libm's ``pow``) computes it, on both
    paths (numpy's ``power`` may differ by an ulp; ``float_power`` calls ``pow``). An
    overflow gives inf instead of raising."""
    if xp is NUMPY:
        with np.errstate(all="ignore"):
            return np.float_power(base, exponent)
    try:
        return float(base) ** exponent
    except OverflowError:  # a result, or an int exponent, beyond float64's range
        if exponent.__class__ is int and abs(base) < 1.0:
            return 0.0
        return math.inf
    except ZeroDivisionError:
        return math.inf


def _quiet(xp: Namespace) -> Any:
    """numpy's floating-point warnings off on the array path (the formulas guard every
    inf and NaN with ``where``); nothing to do on the scalar path."""
    return np.errstate(all="ignore") if xp is NUMPY else contextlib.nullcontext()


def _math_map(function: Any, x: Any) -> Any:
    """``function`` (a :mod:`math` function) applied to every element of an array: numpy's
    own ``log`` and ``tanh`` round differently from libm's in a few cases in a thousand."""
    array = np.asarray(x, dtype=np.float64)
    out = np.frompyfunc(function, 1, 1)(array)
    return np.asarray(out, dtype=np.float64).reshape(array.shape)


def _torch_available() -> bool:
    return importlib.util.find_spec("torch") is not None


def timm_noise(seed: int, noise_type: str, pct: float, std: float) -> float:
    """timm's noise at the step whose seed is ``seed`` (``noise_seed + t``): a fresh
    ``torch.Generator`` seeded with it; ``"normal"``: ``randn * std`` drawn again until its
    magnitude is below ``pct``; ``"uniform"``: ``2 * (rand - 0.5) * pct``."""
    try:
        import torch
    except ImportError as error:  # pragma: no cover - torch is a test dependency
        raise ImportError(
            "timm's lr noise (noise_range_t) needs torch: pip install torch"
        ) from error
    if not SEED_LOW <= seed <= SEED_HIGH:
        fail(
            "step",
            f"a step with noise_seed + step in [{SEED_LOW}, {SEED_HIGH}] (torch's seeds)",
            seed,
        )
    generator = torch.Generator()
    generator.manual_seed(seed)
    if noise_type == "normal":
        while True:
            noise = float(torch.randn(1, generator=generator).item()) * std
            if abs(noise) < pct:
                return noise
    return 2 * (float(torch.rand(1, generator=generator).item()) - 0.5) * pct


def _noise_range(value: Any) -> float | tuple[float, float] | None:
    """timm's ``noise_range_t``: None, a start step, or a ``[start, end)`` pair."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        if len(value) != 2:
            fail("noise_range_t", "None, a step, or a [start, end] pair", value)
        return (_bound(value[0]), _bound(value[1]))
    if isinstance(value, (str, bytes)):
        fail_type("noise_range_t", "None, a step, or a [start, end] pair", value)
    return _bound(value)


def _bound(value: Any) -> int | float:
    """A step of ``noise_range_t``: an int stays an int, anything else a finite float."""
    if isinstance(value, int) and not isinstance(value, bool):
        return check_int("noise_range_t", value, low=-(2**63), high=2**64)
    return check_real("noise_range_t", value)


class _TimmScheduler(Schedule):
    """A scheduler of timm's: a warm-up, a decay of the (shifted) step, then timm's noise.

    Subclasses define ``_decayed(xp, t)`` (timm's value after the warm-up, at timm's ``t``
    after the ``warmup_prefix`` shift) and the fields.
    """

    lr: float
    warmup_t: int
    warmup_lr_init: float
    warmup_prefix: bool
    t_in_epochs: bool
    noise_range_t: Any
    noise_pct: float
    noise_std: float
    noise_seed: int
    initialize: bool
    noise_type: str

    def __repr__(self) -> str:
        arguments = super().__repr__().split("(", 1)[1]
        return f"timm.{type(self).__name__}({arguments}"

    # -- checks ------------------------------------------------------------------------
    def _check_common(self) -> None:
        self._set("lr", _rate("lr", self.lr))
        self._set("warmup_t", check_int("warmup_t", self.warmup_t, low=0, high=MAX_COUNT))
        self._set("warmup_lr_init", _rate("warmup_lr_init", self.warmup_lr_init))
        self._set("warmup_prefix", check_bool("warmup_prefix", self.warmup_prefix))
        self._set("t_in_epochs", check_bool("t_in_epochs", self.t_in_epochs))
        self._set("initialize", check_bool("initialize", self.initialize))
        self._set("noise_range_t", _noise_range(self.noise_range_t))
        self._set("noise_type", check_choice("noise_type", self.noise_type, NOISE_TYPES))
        self._set(
            "noise_pct", check_real("noise_pct", self.noise_pct, low=0.0, high=1.0, low_open=True)
        )
        self._set("noise_std", check_real("noise_std", self.noise_std, low=0.0, largest=MAX_RATE))
        self._set(
            "noise_seed", check_int("noise_seed", self.noise_seed, low=SEED_LOW, high=SEED_HIGH)
        )
        noisy = self.noise_range_t is not None
        if noisy and self.noise_type == "normal" and self.noise_std > 0:
            if self.noise_pct < MIN_PCT_PER_STD * self.noise_std:
                fail(
                    "noise_pct",
                    f"at least {MIN_PCT_PER_STD} * noise_std = {MIN_PCT_PER_STD * self.noise_std!r}",
                    self.noise_pct,
                    hint="timm draws normal noise again until it is below noise_pct",
                )
        if noisy and not _torch_available():
            fail(
                "noise_range_t",
                "None without torch (timm's lr noise draws from a torch.Generator)",
                self.noise_range_t,
                hint="pip install torch, or leave noise_range_t None",
            )

    # -- the formula -------------------------------------------------------------------
    def _decayed(self, xp: Namespace, t: Any) -> Any:
        raise NotImplementedError

    def _warmup_end(self) -> float:
        """The value the linear warm-up heads for (reached at ``warmup_t``)."""
        return self.lr

    @functools.cached_property
    def _slope(self) -> float:
        """timm's ``warmup_steps``: ``(base - warmup_lr_init) / warmup_t`` (computed once)."""
        return (self._warmup_end() - self.warmup_lr_init) / self.warmup_t

    def _plain(self, xp: Namespace, t: Any) -> Any:
        """timm's ``_get_lr(t)``: the value before the noise."""
        warmup = self.warmup_t
        shift = warmup if self.warmup_prefix else 0
        if warmup == 0:
            return self._decayed(xp, t)
        start, slope = self.warmup_lr_init, self._slope
        return xp.piecewise(
            t,
            [warmup],
            [lambda s: start + s * slope, lambda s: self._decayed(xp, s - shift)],
            closed_left=True,
        )

    def _noisy(self, t: Any) -> Any:
        """Whether noise applies at ``t`` (a bool, or a bool array for an array of steps)."""
        window = self.noise_range_t
        if window is None:
            return False
        if isinstance(window, tuple):
            return (t >= window[0]) & (t < window[1])
        return t >= window

    def _noise(self, t: float) -> float:
        # timm seeds with noise_seed + t (an int: timm's steps are whole); a fractional
        # step here takes the noise of the whole step below it
        seed = self.noise_seed + (t if t.__class__ is int else math.floor(t))
        return timm_noise(seed, self.noise_type, self.noise_pct, self.noise_std)

    def noise(self, step: float) -> float:
        """timm's relative noise at ``step`` (0.0 outside ``noise_range_t``): the value is
        ``v + v * noise`` for timm's value ``v`` before the noise."""
        t = check_real("step", step, low=0.0)
        if isinstance(step, int) and not isinstance(step, bool):
            t = int(step)
        return self._noise(t) if bool(self._noisy(t)) else 0.0

    def _value(self, xp: Namespace, t: Any) -> Any:
        if xp is SCALAR:
            value = self._plain(SCALAR, t)
            if bool(self._noisy(t)):
                value = value + value * self._noise(t)
            return float(value)
        steps = np.asarray(t)
        with np.errstate(all="ignore"):
            out = np.array(
                np.broadcast_to(self._plain(NUMPY, steps), steps.shape), dtype=np.float64
            )
        flat_steps, flat = steps.reshape(-1), out.reshape(-1)
        if self.noise_range_t is not None:
            mask = self._noisy(flat_steps)
            for index in np.flatnonzero(mask).tolist():  # one generator per noisy step
                v = float(flat[index])
                flat[index] = v + v * self._noise(flat_steps[index].item())
        return flat.reshape(steps.shape)

    @property
    def breakpoints(self) -> tuple[float, ...]:
        return (float(self.warmup_t),) if self.warmup_t else ()


class _Cyclic(_TimmScheduler):
    """timm's cosine, tanh and poly schedulers: cycles of ``t_initial`` steps, each
    ``cycle_mul`` times as long as the one before, with peaks ``cycle_decay`` times lower;
    ``lr_min`` from cycle ``cycle_limit`` on."""

    t_initial: int
    lr_min: float
    cycle_mul: float
    cycle_decay: float
    cycle_limit: int

    def _check_cycles(self) -> None:
        self._set("t_initial", check_int("t_initial", self.t_initial, low=1, high=MAX_COUNT))
        self._set("lr_min", _rate("lr_min", self.lr_min))
        self._set(
            "cycle_mul",
            check_real("cycle_mul", self.cycle_mul, low=0.0, low_open=True, largest=MAX_RATE),
        )
        self._set("cycle_decay", check_real("cycle_decay", self.cycle_decay, low=0.0))
        self._set("cycle_limit", check_int("cycle_limit", self.cycle_limit, low=0, high=MAX_COUNT))
        if self.cycle_decay > 1.0 and self.cycle_limit > 1:
            try:
                peak = self.lr * self.cycle_decay ** (self.cycle_limit - 1)
            except OverflowError:
                peak = math.inf
            if not peak <= MAX_RATE:
                fail(
                    "cycle_decay",
                    "at most 1, or with lr * cycle_decay ** (cycle_limit - 1) <= 1e+300",
                    self.cycle_decay,
                    hint="the last cycle's peak would pass float64's range",
                )

    def _cycle(self, xp: Namespace, t: Any) -> tuple[Any, Any, Any, Any]:
        """timm's cycle index ``i``, cycle length ``t_i`` and step in the cycle ``t_curr``
        at (shifted) step ``t``, and where the cycle exists at all (False past the end of a
        shrinking series of cycles, ``cycle_mul < 1``, where timm's logarithm raises)."""
        period, mul = self.t_initial, self.cycle_mul
        if mul == 1.0:
            index = t // period
            return index, period, t - period * index, True
        if xp is SCALAR:
            x = 1 - t / period * (1 - mul)
            if x <= 0:
                return 0, period, 0.0, False
            i = math.floor(math.log(x, mul))
            t_i = mul**i * period
            t_curr = t - (1 - mul**i) / (1 - mul) * period
            return i, t_i, t_curr, True
        t = np.asarray(t)
        big = t > _EXACT
        with np.errstate(all="ignore"):
            x = 1 - t / period * (1 - mul)
        if big.any():  # Python's int / int rounds once; numpy's rounds t first: as Python
            x = np.array(x, dtype=np.float64)
            x[big] = [1 - v / period * (1 - mul) for v in t[big].tolist()]
        exists = x > 0
        # math.log(x, base) is log(x) / log(base), both libm's
        ratio = _math_map(math.log, np.where(exists, x, 1.0)) / math.log(mul)
        i = np.floor(ratio)
        power = _pow(NUMPY, mul, i)
        t_i = power * period
        with np.errstate(all="ignore"):
            t_curr = t - (1 - power) / (1 - mul) * period
        return i, t_i, t_curr, exists

    def _shape_at(self, xp: Namespace, t_curr: Any, t_i: Any) -> Any:
        """The cycle's weight of ``lr_max - lr_min`` (cosine, tanh, poly)."""
        raise NotImplementedError

    def _decayed(self, xp: Namespace, t: Any) -> Any:
        i, t_i, t_curr, exists = self._cycle(xp, t)
        limit = self.cycle_limit
        inside = xp.where(exists, i < limit, False)
        # timm's gamma = cycle_decay ** i; its value matters only inside the limit
        gamma = _pow(xp, self.cycle_decay, xp.minimum(i, max(limit - 1, 0)))
        lr_max = self.lr * gamma
        value = self._mix(xp, lr_max, self._shape_at(xp, t_curr, t_i))
        return xp.where(inside, value, self.lr_min)

    def _mix(self, xp: Namespace, lr_max: Any, weight: Any) -> Any:
        raise NotImplementedError

    def _ratio(self, xp: Namespace, t_curr: Any, t_i: Any, k: float, scale: float = 1.0) -> Any:
        """timm's ``scale * t_curr ** k / t_i ** k`` (in that order); where a power leaves
        float64 (timm raises there), ``scale * (t_curr / t_i) ** k``."""
        if k != int(k):  # a negative t_curr (a rounding of timm's) has no real power
            t_curr = xp.maximum(t_curr, 0.0)
        num = _pow(xp, t_curr, k)
        den = _pow(xp, t_i, k)
        fine = (den > 0) & (den <= MAX_FLOAT) & (num <= MAX_FLOAT)
        with _quiet(xp):
            plain = (scale * num) / xp.where(fine, den, 1.0)
            safe_t_i = xp.where(t_i > 0, t_i, 1.0)
            other = scale * _pow(xp, xp.maximum(t_curr / safe_t_i, 0.0), k)
            return xp.where(fine, plain, other)

    @property
    def length(self) -> int:
        cycles = max(1, min(self.cycle_limit, 4))
        span, cycle = 0.0, float(self.t_initial)
        for _ in range(cycles):
            span += cycle
            cycle = min(cycle * self.cycle_mul, 1e8)
        total = self.warmup_t + int(min(span, 10**7)) + 1
        return min(int(total * 1.2) + 1, 2 * 10**7)


@schedule_class(name="timm.CosineLRScheduler")
class CosineLRScheduler(_Cyclic):
    r"""timm's ``CosineLRScheduler``: cosine annealing with restarts (SGDR), a linear
    warm-up, k-decay and timm's lr noise.

    .. math::
        \eta_t = \begin{cases}
            w_0 + t\,(\eta - w_0)/W & t < W \\
            \eta_{\min} + \tfrac12 (\eta\, d^{\,i} - \eta_{\min})
                \big(1 + \cos(\pi\, c^k / T_i^k)\big) & i < L \\
            \eta_{\min} & i \ge L
        \end{cases}

    times :math:`1 + n_t` where noise applies, at :math:`s = t - W` (``warmup_prefix``) or
    :math:`s = t`, with the cycle :math:`i = \lfloor \log_m(1 - s (1 - m)/T) \rfloor`,
    :math:`T_i = m^i T` and :math:`c = s - T (1 - m^i)/(1 - m)` (:math:`i = \lfloor s/T
    \rfloor`, :math:`T_i = T`, :math:`c = s - iT` for :math:`m = 1`). :math:`\eta` = ``lr``,
    :math:`T` = ``t_initial``, :math:`m` = ``cycle_mul``, :math:`d` = ``cycle_decay``,
    :math:`L` = ``cycle_limit``, :math:`k` = ``k_decay``, :math:`W` = ``warmup_t``,
    :math:`w_0` = ``warmup_lr_init``. The value at step ``t`` is the lr timm sets on
    ``scheduler.step(t)`` (``step_update(t)`` when ``t_in_epochs`` is False).

    Args:
        lr: :math:`\eta`, the optimizer's lr (timm's base value; >= 0).
        t_initial: :math:`T`, the first cycle's length (a positive integer).
        lr_min: :math:`\eta_{\min}` (>= 0). Default 0.
        cycle_mul: :math:`m` (> 0): each cycle :math:`m` times the one before. Default 1.
        cycle_decay: :math:`d` (>= 0): each cycle's peak :math:`d` times the one before.
            Default 1.
        cycle_limit: :math:`L`, the number of cycles (an integer >= 0). Default 1.
        warmup_t: :math:`W` (an integer >= 0). Default 0.
        warmup_lr_init: :math:`w_0` (>= 0). Default 0.
        warmup_prefix: count the cycles from the warm-up's end. Default False.
        t_in_epochs: timm's steps are epochs (``step``) or updates (``step_update``); the
            values are the same. Default True.
        noise_range_t: None (no noise), a start step, or a ``[start, end)`` pair.
        noise_pct: the noise's bound (in (0, 1]). Default 0.67.
        noise_std: the normal noise's scale (>= 0). Default 1.
        noise_seed: the noise's seed (an integer). Default 42.
        k_decay: :math:`k` (> 0). Default 1.
        initialize: timm's flag for the optimizer's ``initial_lr`` (no effect on the
            values). Default True.
        noise_type: ``"normal"`` (timm's default) or ``"uniform"`` (timm's Scheduler
            attribute; its constructors leave it normal). Default ``"normal"``.

    From timm (``timm.scheduler.CosineLRScheduler``); the cosine from Loshchilov & Hutter,
    SGDR (https://arxiv.org/abs/1608.03983); k-decay from https://arxiv.org/abs/2004.05909.

    >>> s = CosineLRScheduler(lr=0.1, t_initial=10, warmup_t=2, warmup_lr_init=0.01)
    >>> [round(s(t), 4) for t in (0, 1, 2, 5, 10, 20)]
    [0.01, 0.055, 0.0905, 0.05, 0.0, 0.0]
    """

    lr: float
    t_initial: int
    lr_min: float = 0.0
    cycle_mul: float = 1.0
    cycle_decay: float = 1.0
    cycle_limit: int = 1
    warmup_t: int = 0
    warmup_lr_init: float = 0.0
    warmup_prefix: bool = False
    t_in_epochs: bool = True
    noise_range_t: Any = None
    noise_pct: float = 0.67
    noise_std: float = 1.0
    noise_seed: int = 42
    k_decay: float = 1.0
    initialize: bool = True
    noise_type: str = "normal"

    def __post_init__(self) -> None:
        self._check_common()
        self._check_cycles()
        k = check_real("k_decay", self.k_decay, low=0.0, low_open=True, largest=MAX_RATE)
        self._set("k_decay", k)

    def _shape_at(self, xp: Namespace, t_curr: Any, t_i: Any) -> Any:
        return xp.cos(self._ratio(xp, t_curr, t_i, self.k_decay, math.pi))

    def _mix(self, xp: Namespace, lr_max: Any, weight: Any) -> Any:
        return self.lr_min + 0.5 * (lr_max - self.lr_min) * (1 + weight)


@schedule_class(name="timm.TanhLRScheduler")
class TanhLRScheduler(_Cyclic):
    r"""timm's ``TanhLRScheduler``: hyperbolic-tangent decay with restarts, a linear warm-up
    and timm's lr noise.

    .. math::
        \eta_t = \begin{cases}
            w_0 + t\,(e - w_0)/W & t < W \\
            \eta_{\min} + \tfrac12 (\eta\, d^{\,i} - \eta_{\min})
                \big(1 - \tanh(a (1 - r) + b\, r)\big),\; r = c / T_i & i < L \\
            \eta_{\min} & i \ge L
        \end{cases}

    times :math:`1 + n_t` where noise applies, with the cycle :math:`i`, :math:`T_i`,
    :math:`c` of :class:`CosineLRScheduler`, :math:`a` = ``lb``, :math:`b` = ``ub``. The
    warm-up heads for :math:`e = \eta` with ``warmup_prefix``, else for the tanh value at
    step :math:`W` (as timm does).

    Args:
        lr: :math:`\eta`, the optimizer's lr (>= 0).
        t_initial: :math:`T` (a positive integer).
        lb: :math:`a`, the tanh's argument at a cycle's start (< ``ub``). Default -7.
        ub: :math:`b`, the tanh's argument at a cycle's end. Default 3.
        lr_min, cycle_mul, cycle_decay, cycle_limit, warmup_t, warmup_lr_init,
            warmup_prefix, t_in_epochs, noise_range_t, noise_pct, noise_std, noise_seed,
            initialize, noise_type: as for :class:`CosineLRScheduler`.

    From timm (``timm.scheduler.TanhLRScheduler``); the tanh decay from Hsueh et al.
    (https://arxiv.org/abs/1806.01593).

    >>> s = TanhLRScheduler(lr=0.1, t_initial=10)
    >>> [round(s(t), 4) for t in (0, 5, 9, 10)]
    [0.1, 0.0982, 0.0018, 0.0]
    """

    lr: float
    t_initial: int
    lb: float = -7.0
    ub: float = 3.0
    lr_min: float = 0.0
    cycle_mul: float = 1.0
    cycle_decay: float = 1.0
    cycle_limit: int = 1
    warmup_t: int = 0
    warmup_lr_init: float = 0.0
    warmup_prefix: bool = False
    t_in_epochs: bool = True
    noise_range_t: Any = None
    noise_pct: float = 0.67
    noise_std: float = 1.0
    noise_seed: int = 42
    initialize: bool = True
    noise_type: str = "normal"

    def __post_init__(self) -> None:
        self._check_common()
        self._check_cycles()
        self._set("lb", check_real("lb", self.lb, largest=MAX_RATE))
        self._set("ub", check_real("ub", self.ub, largest=MAX_RATE))
        if not self.lb < self.ub:
            fail("lb", f"less than ub = {self.ub!r}", self.lb)

    def _shape_at(self, xp: Namespace, t_curr: Any, t_i: Any) -> Any:
        tr = t_curr / t_i
        argument = self.lb * (1.0 - tr) + self.ub * tr
        tanh = _math_map(math.tanh, argument) if xp is NUMPY else math.tanh(argument)
        return 1 - tanh

    def _mix(self, xp: Namespace, lr_max: Any, weight: Any) -> Any:
        return self.lr_min + 0.5 * (lr_max - self.lr_min) * weight

    def _warmup_end(self) -> float:
        if self.warmup_prefix:
            return self.lr
        value: float = self._decayed(SCALAR, self.warmup_t)  # timm's _get_lr(warmup_t)
        return value


@schedule_class(name="timm.PolyLRScheduler")
class PolyLRScheduler(_Cyclic):
    r"""timm's ``PolyLRScheduler``: polynomial decay with restarts, a linear warm-up,
    k-decay and timm's lr noise.

    .. math::
        \eta_t = \begin{cases}
            w_0 + t\,(\eta - w_0)/W & t < W \\
            \eta_{\min} + (\eta\, d^{\,i} - \eta_{\min})\,(1 - c^k / T_i^k)^{p} & i < L \\
            \eta_{\min} & i \ge L
        \end{cases}

    times :math:`1 + n_t` where noise applies, with the cycle :math:`i`, :math:`T_i`,
    :math:`c` of :class:`CosineLRScheduler` and :math:`p` = ``power``.

    Args:
        lr: :math:`\eta`, the optimizer's lr (>= 0).
        t_initial: :math:`T` (a positive integer).
        power: :math:`p` (>= 0). Default 0.5.
        lr_min, cycle_mul, cycle_decay, cycle_limit, warmup_t, warmup_lr_init,
            warmup_prefix, t_in_epochs, noise_range_t, noise_pct, noise_std, noise_seed,
            k_decay, initialize, noise_type: as for :class:`CosineLRScheduler`.

    From timm (``timm.scheduler.PolyLRScheduler``); k-decay from
    https://arxiv.org/abs/2004.05909.

    >>> s = PolyLRScheduler(lr=0.1, t_initial=10, power=1.0)
    >>> [round(s(t), 4) for t in (0, 5, 9, 10)]
    [0.1, 0.05, 0.01, 0.0]
    """

    lr: float
    t_initial: int
    power: float = 0.5
    lr_min: float = 0.0
    cycle_mul: float = 1.0
    cycle_decay: float = 1.0
    cycle_limit: int = 1
    warmup_t: int = 0
    warmup_lr_init: float = 0.0
    warmup_prefix: bool = False
    t_in_epochs: bool = True
    noise_range_t: Any = None
    noise_pct: float = 0.67
    noise_std: float = 1.0
    noise_seed: int = 42
    k_decay: float = 1.0
    initialize: bool = True
    noise_type: str = "normal"

    def __post_init__(self) -> None:
        self._check_common()
        self._check_cycles()
        self._set("power", check_real("power", self.power, low=0.0, largest=MAX_RATE))
        k = check_real("k_decay", self.k_decay, low=0.0, low_open=True, largest=MAX_RATE)
        self._set("k_decay", k)

    def _shape_at(self, xp: Namespace, t_curr: Any, t_i: Any) -> Any:
        base = 1 - self._ratio(xp, t_curr, t_i, self.k_decay)
        if self.power != int(self.power):  # no real power of a (rounding-)negative base
            base = xp.maximum(base, 0.0)
        # A base a rounding above 1 (timm's t_curr a few ulps below 0, at a cycle's start)
        # to a huge power grows far above 1, or past float64's range (timm raises): the
        # weight there is 1, as at a cycle's start.
        weight = _pow(xp, base, self.power)
        return xp.where(weight > 1.0 + 1e-9, 1.0, weight)

    def _mix(self, xp: Namespace, lr_max: Any, weight: Any) -> Any:
        # A weight a rounding above 1 (timm's t_curr a few ulps below 0) may take a value
        # below 0 where lr_max is 0: a learning rate stays >= 0.
        return xp.maximum(self.lr_min + (lr_max - self.lr_min) * weight, 0.0)


def _scaled(xp: Namespace, lr: float, rate: float, exponent: Any) -> Any:
    """timm's ``lr * rate ** n``, saturating at float64's largest number where a growing
    rate would overflow (timm raises OverflowError there)."""
    if lr == 0.0:
        return exponent * 0.0
    with _quiet(xp):
        return xp.minimum(lr * _pow(xp, rate, exponent), MAX_FLOAT)


@schedule_class(name="timm.StepLRScheduler")
class StepLRScheduler(_TimmScheduler):
    r"""timm's ``StepLRScheduler``: ``lr`` times ``decay_rate`` every ``decay_t`` steps,
    after a linear warm-up, with timm's lr noise.

    .. math::
        \eta_t = \begin{cases}
            w_0 + t\,(\eta - w_0)/W & t < W \\
            \eta\, r^{\lfloor s / D \rfloor} & t \ge W
        \end{cases}

    times :math:`1 + n_t` where noise applies, with :math:`s = t - W` (``warmup_prefix``,
    timm's default here) or :math:`s = t`; :math:`r` = ``decay_rate``, :math:`D` =
    ``decay_t``. A ``decay_rate > 1`` grows until float64's largest number, and stays there.

    Args:
        lr: :math:`\eta`, the optimizer's lr (>= 0).
        decay_t: :math:`D` (> 0; a whole number or a float, as timm's ``//`` takes it).
        decay_rate: :math:`r` (>= 0). Default 1.
        warmup_t, warmup_lr_init, t_in_epochs, noise_range_t, noise_pct, noise_std,
            noise_seed, initialize, noise_type: as for :class:`CosineLRScheduler`.
        warmup_prefix: count the decay from the warm-up's end. Default True.

    From timm (``timm.scheduler.StepLRScheduler``).

    >>> s = StepLRScheduler(lr=0.1, decay_t=10, decay_rate=0.5)
    >>> [s(t) for t in (0, 9, 10, 25)]
    [0.1, 0.1, 0.05, 0.025]
    """

    lr: float
    decay_t: float
    decay_rate: float = 1.0
    warmup_t: int = 0
    warmup_lr_init: float = 0.0
    warmup_prefix: bool = True
    t_in_epochs: bool = True
    noise_range_t: Any = None
    noise_pct: float = 0.67
    noise_std: float = 1.0
    noise_seed: int = 42
    initialize: bool = True
    noise_type: str = "normal"

    def __post_init__(self) -> None:
        self._check_common()
        if isinstance(self.decay_t, int) and not isinstance(self.decay_t, bool):
            self._set("decay_t", check_int("decay_t", self.decay_t, low=1, high=MAX_COUNT))
        else:  # a float, as timm's t // decay_t takes it (a float count then)
            decay = check_real("decay_t", self.decay_t, low=0.0, low_open=True, largest=MAX_RATE)
            self._set("decay_t", decay)
        self._set("decay_rate", check_real("decay_rate", self.decay_rate, low=0.0))

    def _decayed(self, xp: Namespace, t: Any) -> Any:
        period = self.decay_t
        if xp is SCALAR:
            count: Any = t // period
        elif isinstance(period, int):
            count = np.asarray(t) // period
        else:
            count = np.floor_divide(np.asarray(t, dtype=np.float64), period)
        return _scaled(xp, self.lr, self.decay_rate, count)

    @property
    def length(self) -> int:
        return self.warmup_t + int(min(5 * self.decay_t, 10**7)) + 1


def _milestones(value: Any) -> tuple[int, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        fail_type("decay_t", "a list of integer steps", value)
    steps = tuple(check_int("decay_t", v, low=-MAX_COUNT, high=MAX_COUNT) for v in value)
    if any(b < a for a, b in itertools.pairwise(steps)):
        fail("decay_t", "sorted (timm bisects it)", list(steps))
    return steps


@schedule_class(name="timm.MultiStepLRScheduler")
class MultiStepLRScheduler(_TimmScheduler):
    r"""timm's ``MultiStepLRScheduler``: ``lr`` times ``decay_rate`` once per milestone
    passed, after a linear warm-up, with timm's lr noise.

    .. math::
        \eta_t = \begin{cases}
            w_0 + t\,(\eta - w_0)/W & t < W \\
            \eta\, r^{\#\{j:\, M_j \le s + 1\}} & t \ge W
        \end{cases}

    times :math:`1 + n_t` where noise applies, with :math:`s = t - W` (``warmup_prefix``,
    timm's default here) or :math:`s = t`; :math:`M` = ``decay_t`` (sorted; repeats count
    twice), :math:`r` = ``decay_rate``. The count is timm's ``bisect_right(decay_t, s + 1)``:
    a milestone :math:`m` takes effect at :math:`s = m - 1`, one step before torch's
    ``MultiStepLR`` (timm keeps this on purpose).

    Args:
        lr: :math:`\eta`, the optimizer's lr (>= 0).
        decay_t: :math:`M`, the milestones (a sorted list of integers).
        decay_rate: :math:`r` (>= 0). Default 1.
        warmup_t, warmup_lr_init, t_in_epochs, noise_range_t, noise_pct, noise_std,
            noise_seed, initialize, noise_type: as for :class:`CosineLRScheduler`.
        warmup_prefix: count the milestones from the warm-up's end. Default True.

    From timm (``timm.scheduler.MultiStepLRScheduler``).

    >>> s = MultiStepLRScheduler(lr=0.1, decay_t=[3, 6], decay_rate=0.1)
    >>> [round(s(t), 6) for t in (0, 1, 2, 5, 9)]
    [0.1, 0.1, 0.01, 0.001, 0.001]
    """

    lr: float
    decay_t: Any
    decay_rate: float = 1.0
    warmup_t: int = 0
    warmup_lr_init: float = 0.0
    warmup_prefix: bool = True
    t_in_epochs: bool = True
    noise_range_t: Any = None
    noise_pct: float = 0.67
    noise_std: float = 1.0
    noise_seed: int = 42
    initialize: bool = True
    noise_type: str = "normal"

    def __post_init__(self) -> None:
        self._check_common()
        self._set("decay_t", _milestones(self.decay_t))
        self._set("decay_rate", check_real("decay_rate", self.decay_rate, low=0.0))

    def _decayed(self, xp: Namespace, t: Any) -> Any:
        if not self.decay_t:
            return _scaled(xp, self.lr, self.decay_rate, t * 0)
        # timm's bisect_right(decay_t, t + 1): the milestones m with m - 1 <= t (no t + 1,
        # which would leave int64 at the largest step)
        count = xp.count_le([float(m - 1) for m in self.decay_t], t)
        return _scaled(xp, self.lr, self.decay_rate, count)

    @property
    def length(self) -> int:
        last = max(self.decay_t[-1], 0) if self.decay_t else 10
        return self.warmup_t + int(min(last * 1.25, 10**7)) + 2

    @property
    def breakpoints(self) -> tuple[float, ...]:
        shift = self.warmup_t if self.warmup_prefix else 0
        edges = {float(m - 1 + shift) for m in self.decay_t if m - 1 + shift >= 0}
        return tuple(sorted(edges | set(super().breakpoints)))
