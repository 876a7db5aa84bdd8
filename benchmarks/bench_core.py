"""Benchmark lrkit's closed-form schedules on a whole curve (issue 2, point 6).

For each closed-form family, one 10**6-step curve is computed three ways, in one run:

* ``lrkit``: ``schedule(np.arange(10**6))``, the vectorised evaluation;
* ``naive``: a hand-written numpy expression of the same formula (what a user would
  write; no care for exactness); goal: lrkit <= 2x naive;
* ``torch``: stepping ``torch.optim.lr_scheduler`` with a real SGD optimizer and reading
  ``get_last_lr()`` after every step (what plotting a torch schedule costs); goal:
  lrkit >= 100x faster. One scheduler makes 2 * 10**5 steps, timed in runs of 1000
  consecutive steps; the fastest run's time per step, times 10**6, is the figure (a
  full 10**6-step run of every family would take about a minute and be at the mercy of
  the machine's load; ``--torch-steps 1000000 --torch-chunk 1000000`` times it anyway).

It also times one scalar call, ``schedule(12345)``, in microseconds.

Times are CPU time of the benchmark process (``time.process_time``), so time spent
waiting while other processes use the CPU is not counted, and every figure is the
minimum over several runs: on a shared, noisy machine the minimum is the best estimate
of the undisturbed cost (medians are recorded too). lrkit and naive
are timed in alternation so that both see the same load. Before timing, lrkit's curve is
checked against the naive formula (whole curve) and torch's (every step torch made), so
each row compares one schedule three ways.

Run on its own: ``python benchmarks/bench_core.py`` (prints a table), or through
``python benchmarks/run.py``, which writes docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import bisect
import math
import statistics
import sys
import time
import timeit
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

SRC = Path(__file__).resolve().parent.parent / "src"
if SRC.is_dir() and str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))

import lrkit  # noqa: E402

N = 10**6
LR = 0.1
SCALAR_STEP = 12345
#: CPU time of this process: time spent waiting while other processes run is not counted.
CLOCK = time.process_time

FloatArray = np.ndarray[Any, np.dtype[np.float64]]


@dataclass
class Case:
    """One family: the lrkit schedule, the naive formula, and the torch scheduler."""

    name: str
    setting: str
    schedule: lrkit.Schedule
    naive: Callable[[FloatArray], FloatArray]
    torch: Callable[[Any], Any]  # optimizer -> torch scheduler


def _half_cos(progress: FloatArray) -> FloatArray:
    """The naive cosine weight ``(1 + cos(pi * progress)) / 2``."""
    return (1 + np.cos(np.pi * progress)) / 2


def cases() -> list[Case]:
    """The families benchmarked, each with the same arguments for all three ways."""
    from torch.optim import lr_scheduler as tl

    out: list[Case] = []

    def add(name: str, setting: str, schedule: lrkit.Schedule, naive: Any, torch: Any) -> None:
        out.append(Case(name, setting, schedule, naive, torch))

    add(
        "StepLR",
        "step_size=1000, gamma=0.999",
        lrkit.StepLR(lr=LR, step_size=1000, gamma=0.999),
        lambda t: LR * 0.999 ** (t // 1000),
        lambda o: tl.StepLR(o, step_size=1000, gamma=0.999),
    )
    milestones = [100_000, 300_000, 600_000, 900_000]
    add(
        "MultiStepLR",
        "milestones=[1e5, 3e5, 6e5, 9e5], gamma=0.5",
        lrkit.MultiStepLR(lr=LR, milestones=milestones, gamma=0.5),
        lambda t: LR * 0.5 ** np.searchsorted(milestones, t, side="right"),
        lambda o: tl.MultiStepLR(o, milestones=milestones, gamma=0.5),
    )
    add(
        "ConstantLR",
        "factor=0.25, total_iters=1000",
        lrkit.ConstantLR(lr=LR, factor=0.25, total_iters=1000),
        lambda t: LR * np.where(t < 1000, 0.25, 1.0),
        lambda o: tl.ConstantLR(o, factor=0.25, total_iters=1000),
    )
    add(
        "LinearLR",
        "start_factor=0.01, total_iters=500000",
        lrkit.LinearLR(lr=LR, start_factor=0.01, total_iters=500_000),
        lambda t: LR * (0.01 + (1 - 0.01) * np.minimum(t, 500_000) / 500_000),
        lambda o: tl.LinearLR(o, start_factor=0.01, total_iters=500_000),
    )
    add(
        "ExponentialLR",
        "gamma=0.99999",
        lrkit.ExponentialLR(lr=LR, gamma=0.99999),
        lambda t: LR * 0.99999**t,
        lambda o: tl.ExponentialLR(o, gamma=0.99999),
    )
    add(
        "PolynomialLR",
        "total_iters=1000000, power=2",
        lrkit.PolynomialLR(lr=LR, total_iters=N, power=2.0),
        lambda t: LR * (1 - np.minimum(t, N) / N) ** 2.0,
        lambda o: tl.PolynomialLR(o, total_iters=N, power=2.0),
    )
    add(
        "CosineAnnealingLR",
        "T_max=1000, eta_min=1e-3",
        lrkit.CosineAnnealingLR(lr=LR, T_max=1000, eta_min=1e-3),
        lambda t: 1e-3 + (LR - 1e-3) * _half_cos(t / 1000),
        lambda o: tl.CosineAnnealingLR(o, T_max=1000, eta_min=1e-3),
    )
    add(
        "CosineAnnealingWarmRestarts",
        "T_0=1000, T_mult=1, eta_min=1e-3",
        lrkit.CosineAnnealingWarmRestarts(lr=LR, T_0=1000, T_mult=1, eta_min=1e-3),
        lambda t: 1e-3 + (LR - 1e-3) * _half_cos((t % 1000) / 1000),
        lambda o: tl.CosineAnnealingWarmRestarts(o, T_0=1000, T_mult=1, eta_min=1e-3),
    )

    def sgdr2(t: FloatArray) -> FloatArray:
        cycle = np.floor(np.log2(t / 1000 + 1))
        start = 1000 * (2**cycle - 1)
        length = 1000 * 2**cycle
        return 1e-3 + (LR - 1e-3) * _half_cos((t - start) / length)

    add(
        "CosineAnnealingWarmRestarts",
        "T_0=1000, T_mult=2, eta_min=1e-3",
        lrkit.CosineAnnealingWarmRestarts(lr=LR, T_0=1000, T_mult=2, eta_min=1e-3),
        sgdr2,
        lambda o: tl.CosineAnnealingWarmRestarts(o, T_0=1000, T_mult=2, eta_min=1e-3),
    )

    def triangular(t: FloatArray) -> FloatArray:
        cycle = np.floor(1 + t / 4000)
        x = np.abs(t / 2000 - 2 * cycle + 1)
        return 0.01 + (LR - 0.01) * np.maximum(0, 1 - x)

    add(
        "CyclicLR",
        "triangular, 0.01..0.1, step_size_up=2000",
        lrkit.CyclicLR(base_lr=0.01, max_lr=LR, step_size_up=2000),
        triangular,
        lambda o: tl.CyclicLR(o, base_lr=0.01, max_lr=LR, step_size_up=2000),
    )

    div, final_div = 25.0, 1e4
    init = LR / div
    low = init / final_div
    end_up = 0.3 * N - 1
    end_down = N - 1.0

    def one_cycle(t: FloatArray) -> FloatArray:
        up = LR + (init - LR) * _half_cos(t / end_up)
        down = low + (LR - low) * _half_cos((t - end_up) / (end_down - end_up))
        return np.where(t <= end_up, up, down)

    add(
        "OneCycleLR",
        "cos, total_steps=1000000",
        lrkit.OneCycleLR(max_lr=LR, total_steps=N),
        one_cycle,
        lambda o: tl.OneCycleLR(o, max_lr=LR, total_steps=N),
    )

    warm = 10_000

    def warm_cosine(t: FloatArray) -> FloatArray:
        linear = LR * (0.01 + (1 - 0.01) * np.minimum(t, warm) / warm)
        cosine = LR * _half_cos((t - warm) / (N - warm))
        return np.where(t < warm, linear, cosine)

    add(
        "SequentialLR",
        "LinearLR(0.01, 10000) then CosineAnnealingLR(T_max=990000)",
        lrkit.SequentialLR(
            [
                lrkit.LinearLR(lr=LR, start_factor=0.01, total_iters=warm),
                lrkit.CosineAnnealingLR(lr=LR, T_max=N - warm),
            ],
            milestones=[warm],
        ),
        warm_cosine,
        lambda o: tl.SequentialLR(
            o,
            [
                tl.LinearLR(o, start_factor=0.01, total_iters=warm),
                tl.CosineAnnealingLR(o, T_max=N - warm),
            ],
            milestones=[warm],
        ),
    )
    add(
        "ChainedScheduler",
        "LinearLR(0.01, 10000) x ExponentialLR(0.999995)",
        lrkit.ChainedScheduler(
            [
                lrkit.LinearLR(lr=LR, start_factor=0.01, total_iters=warm),
                lrkit.ExponentialLR(lr=LR, gamma=0.999995),
            ]
        ),
        lambda t: LR * (0.01 + (1 - 0.01) * np.minimum(t, warm) / warm) * 0.999995**t,
        lambda o: tl.ChainedScheduler(
            [
                tl.LinearLR(o, start_factor=0.01, total_iters=warm),
                tl.ExponentialLR(o, gamma=0.999995),
            ]
        ),
    )
    text = "min(1, (epoch + 1) / 10000) * 0.99999 ** epoch"
    add(
        "LambdaLR",
        f'"{text}"',
        lrkit.LambdaLR(lr=LR, lr_lambda=text),
        lambda t: LR * np.minimum(1, (t + 1) / 10000) * 0.99999**t,
        lambda o: tl.LambdaLR(o, lr_lambda=lambda e: min(1, (e + 1) / 10000) * 0.99999**e),
    )
    out += family_cases(tl)
    out += composed_cases(tl)
    return out


def _lambda(tl: Any, fn: Callable[[int], float]) -> Callable[[Any], Any]:
    """A torch LambdaLR over a scalar formula (a user's way to run a schedule torch lacks)."""
    return lambda o: tl.LambdaLR(o, lr_lambda=lambda e: fn(e) / LR)


def _cos_scalar(t: float, period: float, low: float = 0.0) -> float:
    return low + (LR - low) * (1 + math.cos(math.pi * t / period)) / 2


def _splitmix(z: Any) -> Any:
    """SplitMix64's finaliser on a uint64 array (the naive noise: the same formula)."""
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def family_cases(tl: Any) -> list[Case]:
    """The schedules of issue 9's families (lrkit.core: decays, piecewise, restarts), each
    against a naive numpy expression of its formula and torch stepping the same formula
    (a LambdaLR over it written with ``math``: torch has none of these)."""
    out: list[Case] = []
    T, low = 800_000, 1e-4

    def add(name: str, setting: str, schedule: lrkit.Schedule, naive: Any, scalar: Any) -> None:
        out.append(Case(name, setting, schedule, naive, _lambda(tl, scalar)))

    add(
        "Constant",
        "lr=0.1",
        lrkit.Constant(LR),
        lambda t: np.full(t.shape, LR),
        lambda t: LR,
    )
    add(
        "LinearDecay",
        "total_steps=800000, final_lr=1e-4",
        lrkit.LinearDecay(lr=LR, total_steps=T, final_lr=low),
        lambda t: low + (LR - low) * (1 - np.minimum(t, T) / T),
        lambda t: low + (LR - low) * (1 - min(t, T) / T),
    )
    add(
        "CosineDecay",
        "total_steps=800000, final_lr=1e-4",
        lrkit.CosineDecay(lr=LR, total_steps=T, final_lr=low),
        lambda t: low + (LR - low) * _half_cos(np.minimum(t, T) / T),
        lambda t: _cos_scalar(min(t, T), T, low),
    )
    add(
        "KDecay",
        "total_steps=800000, k=2",
        lrkit.KDecay(lr=LR, total_steps=T, k=2.0),
        lambda t: LR * _half_cos((np.minimum(t, T) / T) ** 2),
        lambda t: _cos_scalar((min(t, T) / T) ** 2, 1.0),
    )
    add(
        "InverseSqrt",
        "timescale=10000",
        lrkit.InverseSqrt(lr=LR, timescale=10_000),
        lambda t: LR * np.sqrt(10_000 / (t + 10_000)),
        lambda t: LR * math.sqrt(10_000 / (t + 10_000)),
    )

    def rex(z: Any) -> Any:
        return LR * (1 - z) / (1 - z / 2)

    add(
        "Rex",
        "total_steps=800000",
        lrkit.Rex(lr=LR, total_steps=T),
        lambda t: rex(np.minimum(t, T) / T),
        lambda t: rex(min(t, T) / T),
    )
    add(
        "Tanh",
        "total_steps=800000, lower=-7, upper=3",
        lrkit.Tanh(lr=LR, total_steps=T),
        lambda t: LR / 2 * (1 - np.tanh(-7 + 10 * np.minimum(t, T) / T)),
        lambda t: LR / 2 * (1 - math.tanh(-7 + 10 * min(t, T) / T)),
    )
    start = 10_000
    add(
        "ExponentialDecay",
        "decay_steps=1000, decay_rate=0.99, start_step=10000, final_lr=1e-4",
        lrkit.ExponentialDecay(
            lr=LR, decay_steps=1000, decay_rate=0.99, start_step=start, final_lr=low
        ),
        lambda t: np.where(
            t < start, LR, np.maximum(LR * 0.99 ** (np.maximum(t - start, 0) / 1000), low)
        ),
        lambda t: LR if t < start else max(LR * 0.99 ** ((t - start) / 1000), low),
    )
    add(
        "ExponentialDecay",
        "staircase, decay_steps=1000, decay_rate=0.99",
        lrkit.ExponentialDecay(lr=LR, decay_steps=1000, decay_rate=0.99, staircase=True),
        lambda t: LR * 0.99 ** (t // 1000),
        lambda t: LR * 0.99 ** (t // 1000),
    )
    add(
        "InverseTimeDecay",
        "decay_steps=1000, decay_rate=0.5",
        lrkit.InverseTimeDecay(lr=LR, decay_steps=1000, decay_rate=0.5),
        lambda t: LR / (1 + 0.5 * t / 1000),
        lambda t: LR / (1 + 0.5 * t / 1000),
    )
    P = 300_000

    def poly_cycle(t: Any) -> Any:
        horizon = P * np.maximum(np.ceil(t / P), 1)
        return low + (LR - low) * (1 - t / horizon) ** 2

    def poly_cycle_scalar(t: int) -> float:
        horizon = P * max(math.ceil(t / P), 1)
        return low + (LR - low) * (1 - t / horizon) ** 2

    add(
        "PolynomialDecay",
        "total_steps=300000, final_lr=1e-4, power=2, cycle=True",
        lrkit.PolynomialDecay(lr=LR, total_steps=P, final_lr=low, power=2.0, cycle=True),
        poly_cycle,
        poly_cycle_scalar,
    )
    bounds = [100_000, 300_000, 600_000, 900_000]
    levels = [0.1, 0.05, 0.02, 0.01, 0.001]
    add(
        "PiecewiseConstant",
        "boundaries=[1e5, 3e5, 6e5, 9e5], 5 values",
        lrkit.PiecewiseConstant(boundaries=bounds, values=levels),
        lambda t: np.asarray(levels)[np.searchsorted(bounds, t, side="right")],
        lambda t: levels[bisect.bisect_right(bounds, t)],
    )
    knots, heights = [0, 10_000, 500_000, 1_000_000], [0.0, LR, 0.05, 0.0]
    add(
        "PiecewiseLinear",
        "steps=[0, 1e4, 5e5, 1e6], values=[0, 0.1, 0.05, 0]",
        lrkit.PiecewiseLinear(steps=knots, values=heights),
        lambda t: np.interp(t, knots, heights),
        lambda t: float(np.interp(t, knots, heights)),
    )
    period, mult, fade = 1000, 1.5, 0.9

    def restarts(t: Any) -> Any:
        i = np.floor(np.log1p(t * (mult - 1) / period) / np.log(mult))
        start = period * (mult**i - 1) / (mult - 1)
        return low + (LR * fade**i - low) * _half_cos((t - start) / (period * mult**i))

    def restarts_scalar(t: int) -> float:
        i = math.floor(math.log1p(t * (mult - 1) / period) / math.log(mult))
        start = period * (mult**i - 1) / (mult - 1)
        return (
            low
            + (LR * fade**i - low) * (1 + math.cos(math.pi * (t - start) / (period * mult**i))) / 2
        )

    add(
        "CosineRestarts",
        "period=1000, period_mult=1.5, decay=0.9, final_lr=1e-4",
        lrkit.CosineRestarts(lr=LR, period=period, period_mult=mult, decay=fade, final_lr=low),
        restarts,
        restarts_scalar,
    )
    add(
        "CosineRestarts",
        "period=1000, decay=0.9, final_lr=1e-4",
        lrkit.CosineRestarts(lr=LR, period=period, decay=fade, final_lr=low),
        lambda t: low + (LR * fade ** (t // period) - low) * _half_cos((t % period) / period),
        lambda t: (
            low
            + (LR * fade ** (t // period) - low)
            * (1 + math.cos(math.pi * (t % period) / period))
            / 2
        ),
    )
    return out


def composed_cases(tl: Any) -> list[Case]:
    """The combinators and presets of lrkit.compose (issue 9), each against a naive numpy
    expression of its formula and torch stepping the same formula (torch's own classes
    where torch has them, else a LambdaLR over the formula written with ``math``)."""
    out: list[Case] = []
    warm, cool, decay = 10_000, 100_000, 200_000

    def add(name: str, setting: str, schedule: lrkit.Schedule, naive: Any, torch: Any) -> None:
        out.append(Case(name, setting, schedule, naive, torch))

    def composed(t: FloatArray) -> FloatArray:
        body = np.where(t < warm, LR * t / warm, 1e-3 + (LR - 1e-3) * _half_cos((t - warm) / N))
        return np.where(t >= N - cool, body * (N - t) / cool, body)

    def composed_scalar(t: int) -> float:
        body = LR * t / warm if t < warm else _cos_scalar(t - warm, N, 1e-3)
        return body * (N - t) / cool if t >= N - cool else body

    add(
        "Warmup + cosine + Cooldown",
        "Cooldown(Warmup(CosineAnnealingLR(T_max=1e6, eta_min=1e-3), 10000), 1e6, 100000)",
        lrkit.Cooldown(
            lrkit.Warmup(lrkit.CosineAnnealingLR(lr=LR, T_max=N, eta_min=1e-3), steps=warm),
            total_steps=N,
            steps=cool,
        ),
        composed,
        _lambda(tl, composed_scalar),
    )

    def wsd(t: FloatArray) -> FloatArray:
        tail = LR * (1 - np.sqrt(np.maximum(t - (N - decay), 0) / decay))
        return np.where(t < warm, LR * t / warm, np.where(t < N - decay, LR, tail))

    def wsd_scalar(t: int) -> float:
        if t < warm:
            return LR * t / warm
        return LR if t < N - decay else LR * (1 - math.sqrt((t - (N - decay)) / decay))

    add(
        "WarmupStableDecay",
        "total_steps=1e6, warmup 10000, decay 200000, 1-sqrt",
        lrkit.WarmupStableDecay(
            lr=LR, total_steps=N, decay_steps=decay, warmup_steps=warm, decay_shape="1-sqrt"
        ),
        wsd,
        _lambda(tl, wsd_scalar),
    )
    add(
        "WarmupCosine",
        "total_steps=1e6, warmup_steps=10000",
        lrkit.WarmupCosine(lr=LR, total_steps=N, warmup_steps=warm),
        lambda t: np.where(t < warm, LR * t / warm, LR * _half_cos((t - warm) / (N - warm))),
        _lambda(tl, lambda t: LR * t / warm if t < warm else _cos_scalar(t - warm, N - warm)),
    )
    add(
        "WarmupLinear",
        "total_steps=1e6, warmup_steps=10000",
        lrkit.WarmupLinear(lr=LR, total_steps=N, warmup_steps=warm),
        lambda t: np.where(t < warm, LR * t / warm, LR * (N - t) / (N - warm)),
        _lambda(tl, lambda t: LR * t / warm if t < warm else LR * (N - t) / (N - warm)),
    )
    add(
        "Join (global time)",
        "LinearLR(0.01, 10000), then CosineAnnealingLR(T_max=1e6) on the global step",
        lrkit.Join(
            [
                lrkit.LinearLR(lr=LR, start_factor=0.01, total_iters=warm),
                lrkit.CosineAnnealingLR(lr=LR, T_max=N),
            ],
            milestones=[warm],
            time="global",
        ),
        lambda t: np.where(t < warm, LR * (0.01 + 0.99 * t / warm), LR * _half_cos(t / N)),
        _lambda(tl, lambda t: LR * (0.01 + 0.99 * t / warm) if t < warm else _cos_scalar(t, N)),
    )
    add(
        "Repeat",
        "CosineAnnealingLR(T_max=1000), period=1000, decay=0.999",
        lrkit.Repeat(lrkit.CosineAnnealingLR(lr=LR, T_max=1000), period=1000, decay=0.999),
        lambda t: 0.999 ** (t // 1000) * LR * _half_cos((t % 1000) / 1000),
        _lambda(tl, lambda t: 0.999 ** (t // 1000) * _cos_scalar(t % 1000, 1000)),
    )
    add(
        "Affine (s * 0.5 + 1e-4)",
        "CosineAnnealingLR(T_max=1000) * 0.5 + 1e-4",
        lrkit.CosineAnnealingLR(lr=LR, T_max=1000) * 0.5 + 1e-4,
        lambda t: LR * _half_cos(t / 1000) * 0.5 + 1e-4,
        _lambda(tl, lambda t: _cos_scalar(t, 1000) * 0.5 + 1e-4),
    )
    add(
        "Product (s1 * s2)",
        "CosineAnnealingLR(T_max=1000) * ExponentialLR(lr=1, gamma=0.99999)",
        lrkit.CosineAnnealingLR(lr=LR, T_max=1000) * lrkit.ExponentialLR(lr=1.0, gamma=0.99999),
        lambda t: LR * _half_cos(t / 1000) * 0.99999**t,
        _lambda(tl, lambda t: _cos_scalar(t, 1000) * 0.99999**t),
    )
    add(
        "Clamp",
        "ExponentialLR(gamma=0.99999), low=1e-3",
        lrkit.Clamp(lrkit.ExponentialLR(lr=LR, gamma=0.99999), low=1e-3),
        lambda t: np.maximum(LR * 0.99999**t, 1e-3),
        _lambda(tl, lambda t: max(LR * 0.99999**t, 1e-3)),
    )

    mask = (1 << 64) - 1
    golden = 0x9E3779B97F4A7C15
    key = int(_splitmix(np.array([0], dtype=np.uint64))[0])

    def uniform(t: FloatArray, draw: int) -> FloatArray:
        counter = t.astype(np.int64).view(np.uint64) * np.uint64(2) + np.uint64(draw + 1)
        bits = _splitmix(np.uint64(key) + counter * np.uint64(golden))
        return (bits >> np.uint64(11)).astype(np.float64) * 2.0**-53

    def noisy(t: FloatArray) -> FloatArray:
        z = np.sqrt(-2 * np.log(1 - uniform(t, 0))) * np.cos(2 * np.pi * uniform(t, 1))
        return LR * _half_cos(t / 1000) * np.maximum(0, 1 + 0.1 * z)

    def mix(z: int) -> int:
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
        return z ^ (z >> 31)

    def noisy_scalar(t: int) -> float:
        u = [(mix((key + (2 * t + d + 1) * golden) & mask) >> 11) * 2.0**-53 for d in (0, 1)]
        z = math.sqrt(-2 * math.log(1 - u[0])) * math.cos(2 * math.pi * u[1])
        return _cos_scalar(t, 1000) * max(0.0, 1 + 0.1 * z)

    add(
        "Noise",
        "CosineAnnealingLR(T_max=1000), normal, scale=0.1, seed=0",
        lrkit.Noise(lrkit.CosineAnnealingLR(lr=LR, T_max=1000), scale=0.1, seed=0),
        noisy,
        _lambda(tl, noisy_scalar),
    )
    return out


def _best(timer: timeit.Timer, repeat: int, number: int) -> tuple[float, float]:
    """(minimum, median) seconds per run of the timed statement."""
    runs = [r / number for r in timer.repeat(repeat=repeat, number=number)]
    return min(runs), statistics.median(runs)


def torch_curve(case: Case, steps: int, chunk: int) -> tuple[list[float], list[float]]:
    """Step torch's scheduler ``steps`` times, recording the lr after each step.

    Returns the lrs (the one after construction, then one per step) and the time taken
    by each run of ``chunk`` consecutive steps.
    """
    import torch

    param = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([param], lr=LR, momentum=0.9)
    scheduler = case.torch(optimizer)
    optimizer.step()  # no gradient: a no-op that tells torch the optimizer has stepped
    lrs = [scheduler.get_last_lr()[0]]
    append = lrs.append
    step = scheduler.step
    last = scheduler.get_last_lr
    clock = CLOCK
    times = []
    for _ in range(steps // chunk):
        start = clock()
        for _ in range(chunk):
            step()
            append(last()[0])
        times.append(clock() - start)
    return lrs, times


SCALAR_NUMBER = 20_000


def warm_up(every: list[Case], steps: np.ndarray[Any, Any], seconds: float = 1.0) -> None:
    """Run untimed work for a while before measuring.

    The first measurements of a fresh process come out slower than the same ones a
    second later; this keeps that out of the first rows.
    """
    end = time.perf_counter() + seconds
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        while time.perf_counter() < end:
            for case in every:
                case.schedule(steps[:100_000])
                case.naive(steps[:100_000])
            torch_curve(every[0], 1000, 1000)


def measure(
    case: Case, steps: np.ndarray[Any, Any], repeat: int, torch_steps: int, torch_chunk: int
) -> dict[str, Any]:
    """Check one case, then time it three ways (and the scalar call)."""
    schedule = case.schedule
    naive_fn = case.naive
    ours = schedule(steps)  # warm-up, and the values for the sanity checks below
    naive = np.asarray(naive_fn(steps), dtype=np.float64)
    if not np.allclose(ours, naive, rtol=1e-9, atol=1e-15):
        worst = int(np.argmax(np.abs(ours - naive)))
        raise AssertionError(
            f"{case.name}: the naive formula disagrees with lrkit at step {worst}: "
            f"{naive[worst]!r} vs {ours[worst]!r}"
        )
    lrkit_timer = timeit.Timer(lambda: schedule(steps), timer=CLOCK)
    naive_timer = timeit.Timer(lambda: naive_fn(steps), timer=CLOCK)
    as_float = steps.astype(np.float64)  # the same steps as floats: the general path
    if not np.allclose(schedule(as_float), ours, rtol=1e-12, atol=0.0):
        raise AssertionError(f"{case.name}: lrkit differs on float steps")
    float_timer = timeit.Timer(lambda: schedule(as_float), timer=CLOCK)
    lrkit_runs, naive_runs, float_runs = [], [], []
    for _ in range(repeat):  # alternate, so all see the same machine load
        lrkit_runs.append(lrkit_timer.timeit(1))
        naive_runs.append(naive_timer.timeit(1))
        float_runs.append(float_timer.timeit(1))
    lrkit_min = min(lrkit_runs)
    naive_min = min(naive_runs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's own warnings are not what we time
        reference, chunks = torch_curve(case, torch_steps, torch_chunk)
    shared = min(len(reference), len(ours))
    if not np.allclose(reference[:shared], ours[:shared], rtol=1e-6, atol=1e-12):
        raise AssertionError(f"{case.name}: torch's curve disagrees with lrkit's")
    per_step = min(chunks) / torch_chunk
    scalar_min, scalar_med = _best(
        timeit.Timer(lambda: schedule(SCALAR_STEP), timer=CLOCK), repeat, SCALAR_NUMBER
    )
    return {
        "family": case.name,
        "setting": case.setting,
        "lrkit_s": lrkit_min,
        "lrkit_median_s": statistics.median(lrkit_runs),
        "naive_s": naive_min,
        "naive_median_s": statistics.median(naive_runs),
        "float_s": min(float_runs),
        "float_median_s": statistics.median(float_runs),
        "torch_s": per_step * N,
        "torch_median_s": statistics.median(chunks) / torch_chunk * N,
        "vs_naive": lrkit_min / naive_min,
        "vs_torch": per_step * N / lrkit_min,
        "scalar_us": scalar_min * 1e6,
        "scalar_median_us": scalar_med * 1e6,
    }


def run(
    repeat: int = 15,
    torch_steps: int = 200_000,
    torch_chunk: int = 1_000,
    only: str | None = None,
) -> dict[str, Any]:
    """Time every case; returns the rows and the settings used."""
    import torch

    if torch_chunk < 1 or torch_steps < torch_chunk or torch_steps > N:
        raise ValueError("need 1 <= torch_chunk <= torch_steps <= 10**6")
    torch.set_num_threads(1)
    steps = np.arange(N)  # int64, as a user would pass it; the same array for lrkit and naive
    every = cases()
    warm_up(every, steps)
    rows = []
    for case in every:
        if only and only.lower() not in case.name.lower():
            continue
        rows.append(measure(case, steps, repeat, torch_steps, torch_chunk))
        print(_row_text(rows[-1]), file=sys.stderr, flush=True)
    return {
        "rows": rows,
        "n": N,
        "repeat": repeat,
        "torch_steps": torch_steps - torch_steps % torch_chunk,
        "torch_chunk": torch_chunk,
        "scalar_number": SCALAR_NUMBER,
    }


def _row_text(row: dict[str, Any]) -> str:
    return (
        f"{row['family']:<28} lrkit {row['lrkit_s'] * 1e3:8.2f} ms  naive "
        f"{row['naive_s'] * 1e3:8.2f} ms  ({row['vs_naive']:.2f}x)  torch "
        f"{row['torch_s']:7.2f} s  ({row['vs_torch']:,.0f}x faster)  scalar "
        f"{row['scalar_us']:.2f} us"
    )


def method_note(result: dict[str, Any]) -> str:
    """How the figures in the table were taken (printed under it)."""
    torch_part = (
        f"torch: {result['torch_steps']:,} consecutive steps of one scheduler timed in runs of "
        f"{result['torch_chunk']:,}; the fastest run's time per step x 10^6."
        if result["torch_chunk"] < result["n"]
        else "torch: all 10^6 steps timed in one run."
    )
    return (
        "CPU time of the benchmark process (time.process_time). "
        f"lrkit and naive: fastest of {result['repeat']} alternating runs each, on "
        "`np.arange(10**6)` (int64); the last column is lrkit on the same steps as float64 "
        "(the general path, no goal). "
        f"{torch_part} "
        f"Scalar call: fastest of {result['repeat']} loops of {result['scalar_number']:,} "
        "calls, per call.\n"
    )


def markdown(result: dict[str, Any]) -> str:
    """The results as a markdown table, with the goals checked."""
    lines = [
        "| family | setting | lrkit (ms) | naive numpy (ms) | lrkit / naive (goal <= 2) "
        "| torch, 10^6 steps (s) | torch / lrkit (goal >= 100) | scalar call (us) "
        "| lrkit, float64 steps (ms) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in result["rows"]:
        naive_ok = "" if row["vs_naive"] <= 2.0 else " **(missed)**"
        torch_ok = "" if row["vs_torch"] >= 100.0 else " **(missed)**"
        lines.append(
            f"| {row['family']} | {row['setting']} | {row['lrkit_s'] * 1e3:.1f} "
            f"| {row['naive_s'] * 1e3:.1f} | {row['vs_naive']:.2f}{naive_ok} "
            f"| {row['torch_s']:.2f} | {row['vs_torch']:,.0f}{torch_ok} "
            f"| {row['scalar_us']:.2f} "
            f"| {row['float_s'] * 1e3:.1f} ({row['float_s'] / row['naive_s']:.2f}x naive) |"
        )
    return "\n".join(lines) + "\n\n" + method_note(result)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="runs of lrkit and naive")
    parser.add_argument(
        "--torch-steps", type=int, default=200_000, help="torch steps timed (at most 10**6)"
    )
    parser.add_argument("--torch-chunk", type=int, default=1_000, help="torch steps per timed run")
    parser.add_argument("--only", help="only the families whose name contains this")
    args = parser.parse_args(argv)
    print(markdown(run(args.repeat, args.torch_steps, args.torch_chunk, args.only)))


if __name__ == "__main__":
    main()
