"""lrkit.timm against an emulation of timm 1.0.31's schedulers, step by step.

timm cannot be installed here (it pulls torchvision), so this file carries its own
reference: a plain-Python emulation of timm's ``Scheduler`` (``step`` / ``step_update`` over
a real torch SGD optimizer's param groups, the noise drawn from a ``torch.Generator`` seeded
with ``noise_seed + t``) and of the five schedulers' ``_get_lr``, written from a reading of
timm's source (timm/scheduler/*.py). Each configuration is compared at every step up to
well past its end, on the scalar and the array paths; then anchors derived by hand, the
config round trip, errors naming timm's arguments, and torch imported only for noise.
"""

from __future__ import annotations

import bisect
import json
import math
import subprocess
import sys
from typing import Any

import numpy as np
import pytest
import strategies_timm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lrkit
import lrkit.dialects.timm as dialect
from lrkit import from_config
from lrkit import timm as lt
from lrkit.core import InvalidType, InvalidValue

torch = pytest.importorskip("torch")


# ---------------------------------------------------------------------------------------
# The reference: timm's schedulers as plain Python over a torch optimizer.
# ---------------------------------------------------------------------------------------


class Reference:
    """timm's ``Scheduler`` base, emulated: base values from the group's ``initial_lr``,
    values set on ``step(epoch)`` (``t_in_epochs``) or ``step_update(updates)`` (not), the
    noise multiplying each value by ``1 + noise`` on the steps of ``noise_range_t``."""

    def __init__(self, optimizer: Any, **kw: Any) -> None:
        self.optimizer = optimizer
        self.by_epoch = kw.pop("t_in_epochs", True)
        self.window = kw.pop("noise_range_t", None)
        self.kind = kw.pop("noise_type", "normal")
        self.pct = kw.pop("noise_pct", 0.67)
        self.std = kw.pop("noise_std", 1.0)
        seed = kw.pop("noise_seed", 42)
        self.seed = 42 if seed is None else seed
        if kw.pop("initialize", True):
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        self.base = [group["initial_lr"] for group in optimizer.param_groups]
        self.options = kw
        self.write(self.base)

    def write(self, values: list[float]) -> None:
        for group, value in zip(self.optimizer.param_groups, values, strict=False):
            group["lr"] = value

    def lrs(self, t: int) -> list[float]:
        raise NotImplementedError

    def noisy(self, t: int) -> bool:
        if self.window is None:
            return False
        if isinstance(self.window, (list, tuple)):
            return self.window[0] <= t < self.window[1]
        return t >= self.window

    def draw(self, t: int) -> float:
        generator = torch.Generator()
        generator.manual_seed(self.seed + t)
        if self.kind != "normal":
            return 2 * (torch.rand(1, generator=generator).item() - 0.5) * self.pct
        while True:
            candidate = torch.randn(1, generator=generator).item() * self.std
            if abs(candidate) < self.pct:
                return candidate

    def _apply(self, t: int) -> None:
        values = self.lrs(t)
        if self.noisy(t):
            n = self.draw(t)
            values = [v + v * n for v in values]
        self.write(values)

    def step(self, epoch: int) -> None:
        if self.by_epoch:
            self._apply(epoch)

    def step_update(self, updates: int) -> None:
        if not self.by_epoch:
            self._apply(updates)


class RefWarm(Reference):
    """The linear warm-up every timm scheduler shares."""

    prefix_default = False

    def __init__(self, optimizer: Any, **kw: Any) -> None:
        self.warm = kw.pop("warmup_t", 0)
        self.warm_from = kw.pop("warmup_lr_init", 0)
        self.prefix = kw.pop("warmup_prefix", self.prefix_default)
        super().__init__(optimizer, **kw)
        self.setup(kw)
        if self.warm:
            ends = self.warmup_targets()
            self.slopes = [(v - self.warm_from) / self.warm for v in ends]
            self.write([self.warm_from] * len(self.base))

    def setup(self, kw: dict[str, Any]) -> None:
        raise NotImplementedError

    def warmup_targets(self) -> list[float]:
        return self.base

    def lrs(self, t: int) -> list[float]:
        if t < self.warm:
            return [self.warm_from + t * s for s in self.slopes]
        if self.prefix:
            t = t - self.warm
        return self.after(t)

    def after(self, t: int) -> list[float]:
        raise NotImplementedError


class RefCycles(RefWarm):
    """The cycles of timm's cosine, tanh and poly schedulers."""

    def setup(self, kw: dict[str, Any]) -> None:
        self.T = kw["t_initial"]
        self.floor = kw.get("lr_min", 0.0)
        self.mul = kw.get("cycle_mul", 1.0)
        self.decay = kw.get("cycle_decay", 1.0)
        self.limit = kw.get("cycle_limit", 1)
        self.k = kw.get("k_decay", 1.0)

    def position(self, t: int) -> tuple[int, Any, Any]:
        if self.mul == 1:
            i = t // self.T
            return i, self.T, t - self.T * i
        i = math.floor(math.log(1 - t / self.T * (1 - self.mul), self.mul))
        length = self.mul**i * self.T
        into = t - (1 - self.mul**i) / (1 - self.mul) * self.T
        return i, length, into

    def after(self, t: int) -> list[float]:
        i, length, into = self.position(t)
        if i >= self.limit:
            return [self.floor for _ in self.base]
        peaks = [v * self.decay**i for v in self.base]
        return [self.shape(peak, length, into) for peak in peaks]

    def shape(self, peak: float, length: Any, into: Any) -> float:
        raise NotImplementedError


class RefCosine(RefCycles):
    def shape(self, peak: float, length: Any, into: Any) -> float:
        angle = math.pi * into**self.k / length**self.k
        return self.floor + 0.5 * (peak - self.floor) * (1 + math.cos(angle))


class RefPoly(RefCycles):
    def setup(self, kw: dict[str, Any]) -> None:
        super().setup(kw)
        self.power = kw.get("power", 0.5)

    def shape(self, peak: float, length: Any, into: Any) -> float:
        return self.floor + (peak - self.floor) * (1 - into**self.k / length**self.k) ** self.power


class RefTanh(RefCycles):
    def setup(self, kw: dict[str, Any]) -> None:
        super().setup(kw)
        self.lb = kw.get("lb", -7.0)
        self.ub = kw.get("ub", 3.0)

    def warmup_targets(self) -> list[float]:
        # timm: the warm-up heads for the tanh value at warmup_t unless it is a prefix
        return self.base if self.prefix else self.lrs(self.warm)

    def lrs(self, t: int) -> list[float]:
        if t < self.warm:
            return [self.warm_from + t * s for s in self.slopes]
        if self.prefix:
            t = t - self.warm
        return self.after(t)

    def shape(self, peak: float, length: Any, into: Any) -> float:
        r = into / length
        return self.floor + 0.5 * (peak - self.floor) * (
            1 - math.tanh(self.lb * (1.0 - r) + self.ub * r)
        )


class RefStep(RefWarm):
    prefix_default = True

    def setup(self, kw: dict[str, Any]) -> None:
        self.every = kw["decay_t"]
        self.rate = kw.get("decay_rate", 1.0)

    def after(self, t: int) -> list[float]:
        return [v * self.rate ** (t // self.every) for v in self.base]


class RefMultiStep(RefWarm):
    prefix_default = True

    def setup(self, kw: dict[str, Any]) -> None:
        self.marks = list(kw["decay_t"])
        self.rate = kw.get("decay_rate", 1.0)

    def after(self, t: int) -> list[float]:
        passed = bisect.bisect_right(self.marks, t + 1)  # timm's lookup, one step early
        return [v * self.rate**passed for v in self.base]


REFERENCES = {
    "CosineLRScheduler": RefCosine,
    "TanhLRScheduler": RefTanh,
    "PolyLRScheduler": RefPoly,
    "StepLRScheduler": RefStep,
    "MultiStepLRScheduler": RefMultiStep,
}


def reference_values(name: str, kwargs: dict[str, Any], steps: int) -> list[float]:
    """The lr of an SGD param group after timm's ``step(t)`` and ``step_update(t)``, for t in
    ``range(steps)`` (one of the two calls sets it, per ``t_in_epochs``)."""
    kw = dict(kwargs)
    lr = kw.pop("lr")
    weight = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([weight], lr=lr)
    if not kw.get("initialize", True):  # timm then reads the group's initial_lr as given
        optimizer.param_groups[0]["initial_lr"] = lr
    try:
        scheduler = REFERENCES[name](optimizer, **kw)
    except (ValueError, TypeError, OverflowError, ZeroDivisionError):
        # timm itself fails to construct (tanh's warm-up target read past the end of
        # shrinking cycles): it has no values to compare with, as at a step below
        return [math.nan] * steps
    out = []
    for t in range(steps):
        try:
            scheduler.step(t)
            scheduler.step_update(t)
            value = optimizer.param_groups[0]["lr"]
            out.append(float(value))  # a complex lr (timm's poly, below) raises here
        except (ValueError, TypeError, OverflowError, ZeroDivisionError):
            # timm has no real value: its log of a number <= 0 (shrinking cycles, all
            # run), a complex power of a rounding-negative position, an overflow
            out.append(math.nan)
    return out


# ---------------------------------------------------------------------------------------
# The configurations compared at every step.
# ---------------------------------------------------------------------------------------

NOISE_NORMAL = {"noise_range_t": 5, "noise_pct": 0.3, "noise_std": 0.5, "noise_seed": 7}
NOISE_WINDOW = {"noise_range_t": [10, 40], "noise_type": "uniform", "noise_pct": 0.5}

CYCLIC: list[dict[str, Any]] = [
    {"lr": 0.1, "t_initial": 20},
    {"lr": 0.1, "t_initial": 20, "lr_min": 0.001, "warmup_t": 5, "warmup_lr_init": 1e-4},
    {"lr": 0.1, "t_initial": 20, "warmup_t": 5, "warmup_prefix": True},
    {"lr": 0.1, "t_initial": 20, "warmup_t": 0, "warmup_lr_init": 0.5},
    {"lr": 0.1, "t_initial": 10, "cycle_limit": 4, "cycle_decay": 0.5},
    {"lr": 0.1, "t_initial": 7, "cycle_mul": 2.0, "cycle_limit": 5, "lr_min": 0.002},
    {"lr": 0.1, "t_initial": 16, "cycle_mul": 1.5, "cycle_limit": 8, "cycle_decay": 0.8},
    {"lr": 1.0, "t_initial": 1, "cycle_mul": 3.0, "cycle_limit": 6, "lr_min": 0.01},
    {"lr": 0.1, "t_initial": 10, "cycle_mul": 1.3, "cycle_limit": 6},
    {"lr": 0.1, "t_initial": 30, "cycle_mul": 0.5, "cycle_limit": 3},
    {"lr": 0.1, "t_initial": 12, "cycle_limit": 0, "lr_min": 0.003},
    {"lr": 0.1, "t_initial": 12, "cycle_limit": 3, "warmup_t": 4, "warmup_prefix": True},
    {"lr": 0.1, "t_initial": 15, "t_in_epochs": False, "warmup_t": 3},
    {"lr": 0.1, "t_initial": 25, "lr_min": 0.2, "cycle_limit": 2},
    {"lr": 0.1, "t_initial": 30, "cycle_limit": 3, **NOISE_NORMAL},
    {"lr": 0.1, "t_initial": 30, "warmup_t": 12, **NOISE_WINDOW},
    {"lr": 0.1, "t_initial": 30, "noise_range_t": 0, "noise_std": 0.0},
    {"lr": 0.1, "t_initial": 30, "noise_range_t": [3, 17], "initialize": False},
]
K_DECAY: list[dict[str, Any]] = [
    {"lr": 0.1, "t_initial": 20, "k_decay": 2.0},
    {"lr": 0.1, "t_initial": 20, "k_decay": 0.5, "cycle_limit": 3},
    {"lr": 0.1, "t_initial": 9, "k_decay": 1.7, "cycle_mul": 2.0, "cycle_limit": 4},
]
CASES: list[tuple[str, dict[str, Any], int]] = []
for _kwargs in CYCLIC:
    _end = 200 if _kwargs.get("cycle_mul", 1.0) == 1.0 else 400
    for _name in ("CosineLRScheduler", "TanhLRScheduler", "PolyLRScheduler"):
        CASES.append((_name, _kwargs, _end))
for _kwargs in K_DECAY:
    CASES.append(("CosineLRScheduler", _kwargs, 200))
    CASES.append(("PolyLRScheduler", {**_kwargs, "power": 2.0}, 200))
CASES += [
    ("TanhLRScheduler", {"lr": 0.1, "t_initial": 20, "lb": -3.0, "ub": 5.0}, 100),
    ("TanhLRScheduler", {"lr": 0.1, "t_initial": 20, "warmup_t": 6, "lr_min": 0.01}, 100),
    ("PolyLRScheduler", {"lr": 0.1, "t_initial": 20, "power": 1.0}, 100),
    ("PolyLRScheduler", {"lr": 0.1, "t_initial": 20, "power": 0.0, "lr_min": 0.01}, 100),
    ("StepLRScheduler", {"lr": 0.1, "decay_t": 10, "decay_rate": 0.5}, 120),
    ("StepLRScheduler", {"lr": 0.1, "decay_t": 1, "decay_rate": 0.9}, 120),
    ("StepLRScheduler", {"lr": 0.1, "decay_t": 2.5, "decay_rate": 0.5, "warmup_t": 3}, 120),
    (
        "StepLRScheduler",
        {"lr": 0.1, "decay_t": 10, "decay_rate": 0.5, "warmup_t": 4, "warmup_prefix": False},
        120,
    ),
    ("StepLRScheduler", {"lr": 0.1, "decay_t": 7, "decay_rate": 0.7, **NOISE_NORMAL}, 120),
    ("StepLRScheduler", {"lr": 0.1, "decay_t": 7, "t_in_epochs": False, **NOISE_WINDOW}, 120),
    ("MultiStepLRScheduler", {"lr": 0.1, "decay_t": [10, 20, 30], "decay_rate": 0.1}, 60),
    ("MultiStepLRScheduler", {"lr": 0.1, "decay_t": [0, 5, 5, 9], "decay_rate": 0.5}, 60),
    (
        "MultiStepLRScheduler",
        {"lr": 0.1, "decay_t": [3, 8], "decay_rate": 0.5, "warmup_t": 4, "warmup_lr_init": 0.01},
        60,
    ),
    (
        "MultiStepLRScheduler",
        {"lr": 0.1, "decay_t": [3, 8], "decay_rate": 0.5, "warmup_t": 4, "warmup_prefix": False},
        60,
    ),
    ("MultiStepLRScheduler", {"lr": 0.1, "decay_t": [], "decay_rate": 0.5}, 30),
    ("MultiStepLRScheduler", {"lr": 0.1, "decay_t": [6, 12], **NOISE_WINDOW}, 60),
]


def build(name: str, kwargs: dict[str, Any]) -> Any:
    return getattr(lt, name)(**kwargs)


@pytest.mark.parametrize(("name", "kwargs", "end"), CASES)
def test_matches_timm_every_step(name: str, kwargs: dict[str, Any], end: int) -> None:
    ours = build(name, kwargs)
    expected = np.array(reference_values(name, kwargs, end))
    scalar = np.array([ours(t) for t in range(end)])
    array = ours(np.arange(end))
    floats = ours(np.arange(end, dtype=np.float64))
    # Where timm raises (its logarithm past the end of shrinking cycles), lrkit has lr_min.
    raised = np.isnan(expected)
    assert (scalar[raised] == kwargs.get("lr_min", 0.0)).all()
    expected[raised] = scalar[raised]
    # The same float operations in the same order: the same numbers, to the last bit.
    np.testing.assert_array_equal(scalar, expected)
    np.testing.assert_array_equal(array, expected)
    np.testing.assert_array_equal(floats, expected)
    # a config round trip gives the same schedule
    back = from_config(json.loads(json.dumps(ours.to_config())))
    assert back == ours
    assert back.to_config() == ours.to_config()


@pytest.mark.parametrize(("name", "kwargs", "end"), CASES[::7])
def test_scrambled_and_huge_steps(name: str, kwargs: dict[str, Any], end: int) -> None:
    ours = build(name, kwargs)
    steps = np.random.default_rng(5).permutation(end)
    np.testing.assert_array_equal(ours(steps), [ours(int(t)) for t in steps])
    huge = [2**53, 2**53 + 1, 2**62, 2**63 - 1]
    values = ours(np.array(huge, dtype=np.int64))
    assert np.isfinite(values).all() and (values >= 0).all()
    np.testing.assert_array_equal(values, [ours(t) for t in huge])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_matches_timm_on_drawn_arguments(data: st.DataObject) -> None:
    """Every argument the registry-wide strategies draw (tests/strategies_timm.py)."""
    kind = data.draw(st.sampled_from(sorted(strategies_timm.FAMILIES)), label="kind")
    spec = data.draw(strategies_timm.FAMILIES[kind], label="spec")
    name = kind.split(".", 1)[1]
    kwargs = dict(spec.kwargs)
    ours = spec.build()
    end = 80
    expected = np.array(reference_values(name, kwargs, end))
    scalar = np.array([ours(t) for t in range(end)])
    assert np.isfinite(scalar).all() and (scalar >= 0).all()
    has = ~np.isnan(expected)
    np.testing.assert_array_equal(scalar[has], expected[has])
    np.testing.assert_array_equal(ours(np.arange(end)), scalar)


# ---------------------------------------------------------------------------------------
# Anchors derived by hand from the formulas.
# ---------------------------------------------------------------------------------------


def test_anchor_values() -> None:
    cosine = lt.CosineLRScheduler(lr=0.2, t_initial=10, lr_min=0.0)
    assert cosine(5) == pytest.approx(0.1, rel=1e-15)  # half way: cos(pi / 2) = 0
    assert cosine(10) == 0.0  # cycle_limit 1: lr_min from the second cycle on
    warm = lt.CosineLRScheduler(lr=0.2, t_initial=10, warmup_t=4, warmup_lr_init=0.0)
    assert warm(2) == pytest.approx(0.1, rel=1e-15)  # half way up the warm-up
    # without the prefix the cosine runs from step 0: at step 4 it is (1 + cos(0.4 pi)) / 2
    assert warm(4) == pytest.approx(0.1 * (1 + math.cos(0.4 * math.pi)), rel=1e-15)
    prefixed = lt.CosineLRScheduler(lr=0.2, t_initial=10, warmup_t=4, warmup_prefix=True)
    assert prefixed(4) == 0.2 and prefixed(9) == pytest.approx(0.1, rel=1e-15)
    # cycles of 10, 20, 40 (cycle_mul 2): the third starts at 30, its peak 0.5 ** 2 lower
    grown = lt.CosineLRScheduler(
        lr=1.0, t_initial=10, cycle_mul=2.0, cycle_decay=0.5, cycle_limit=3
    )
    assert grown(30) == 0.25 and grown(50) == pytest.approx(0.125, rel=1e-15)
    assert grown(70) == 0.0
    tanh = lt.TanhLRScheduler(lr=0.1, t_initial=10)
    assert tanh(5) == pytest.approx(0.05 * (1 - math.tanh(-2.0)), rel=1e-15)
    poly = lt.PolyLRScheduler(lr=0.1, t_initial=10, power=2.0)
    assert poly(5) == pytest.approx(0.025, rel=1e-15)
    assert lt.StepLRScheduler(lr=0.1, decay_t=10, decay_rate=0.5)(25) == pytest.approx(0.025)
    # timm counts milestone m from step m - 1 (bisect_right on t + 1); a repeat decays twice
    multi = lt.MultiStepLRScheduler(lr=1.0, decay_t=[5, 5, 8], decay_rate=0.5)
    assert [multi(t) for t in (3, 4, 6, 7, 8)] == [1.0, 0.25, 0.25, 0.125, 0.125]
    at_zero = lt.MultiStepLRScheduler(lr=1.0, decay_t=[0, 1], decay_rate=0.5)
    assert at_zero(0) == 0.25  # both 0 and 1 are <= 0 + 1
    prefixed = lt.MultiStepLRScheduler(lr=1.0, decay_t=[3], decay_rate=0.5, warmup_t=2)
    assert [prefixed(t) for t in (3, 4)] == [1.0, 0.5]  # s = t - 2; m - 1 = 2 at t = 4


def test_cycle_index_rounding_kept() -> None:
    """timm's cycle index is floor(log(x) / log(m)) in floats: at 1 + 211 / 16 * 0.5 =
    1.5 ** 5 exactly it rounds to 4.999..., so step 211 is the end of cycle 4 (lr_min)
    rather than the start of cycle 5 (its peak) as in exact maths."""
    s = lt.CosineLRScheduler(lr=1.0, t_initial=16, cycle_mul=1.5, cycle_limit=10, lr_min=0.01)
    assert 1 + 211 / 16 * 0.5 == 1.5**5
    assert math.floor(math.log(1.5**5, 1.5)) == 4
    assert s(211) == 0.01
    assert s(np.array([211]))[0] == 0.01
    assert s(212) > 0.9  # the next step is in cycle 5, near its peak
    tripled = lt.CosineLRScheduler(lr=1.0, t_initial=1, cycle_mul=3.0, cycle_limit=10)
    assert tripled(121) == 0.0  # 1 + 121 * 2 = 3 ** 5: also one cycle short
    assert tripled(40) == 1.0  # 1 + 40 * 2 = 3 ** 4: log rounds right, cycle 4 starts


def test_shrinking_cycles_end_at_lr_min() -> None:
    """With cycle_mul < 1 the cycles add up to t_initial / (1 - cycle_mul); timm's
    logarithm raises from there on; lrkit gives lr_min."""
    s = lt.CosineLRScheduler(lr=0.1, t_initial=10, cycle_mul=0.5, cycle_limit=100, lr_min=0.01)
    assert [s(t) for t in (20, 21, 10**6)] == [0.01, 0.01, 0.01]
    assert s(np.array([19, 20, 21])).tolist()[1:] == [0.01, 0.01]


def test_negative_step_in_cycle_with_fractional_k() -> None:
    """At m = 1.3, T = 10, step 23, timm's t_curr is -3.6e-15 (a rounding): with a
    fractional k_decay timm's cosine raises (a complex power); lrkit takes t_curr as 0."""
    s = lt.CosineLRScheduler(lr=0.1, t_initial=10, cycle_mul=1.3, cycle_limit=5, k_decay=0.5)
    assert s(23) == pytest.approx(0.1, rel=1e-15)
    assert s(np.array([23]))[0] == s(23)
    poly = lt.PolyLRScheduler(lr=0.0, t_initial=10, cycle_mul=1.3, cycle_limit=5, lr_min=0.1)
    assert poly(23) >= 0.0  # timm's value is -3.5e-17 there
    steep = lt.PolyLRScheduler(lr=0.1, t_initial=10, cycle_mul=1.3, cycle_limit=5, power=1e300)
    assert steep(23) == 0.1 and steep(np.array([23]))[0] == 0.1  # (1 + 3.6e-16) ** 1e300


def test_noise_is_timms_draw() -> None:
    s = lt.StepLRScheduler(lr=0.1, decay_t=100, noise_range_t=3, noise_seed=11, noise_pct=0.2)
    for t in (3, 4, 50):
        generator = torch.Generator()
        generator.manual_seed(11 + t)
        while True:
            n = torch.randn(1, generator=generator).item()
            if abs(n) < 0.2:
                break
        assert s.noise(t) == n
        assert s(t) == 0.1 + 0.1 * n
    assert s.noise(2) == 0.0 and s(2) == 0.1
    uniform = lt.StepLRScheduler(lr=0.1, decay_t=100, noise_range_t=[0, 2], noise_type="uniform")
    generator = torch.Generator()
    generator.manual_seed(42 + 1)
    assert uniform.noise(1) == 2 * (torch.rand(1, generator=generator).item() - 0.5) * 0.67
    assert uniform.noise(2) == 0.0
    # a pure function of the step: the same value however often and in whatever order
    assert [s(9), s(3), s(9)] == [s(9), s(3), s(9)]


def test_t_in_epochs_only_names_the_call() -> None:
    a = lt.CosineLRScheduler(lr=0.1, t_initial=10, warmup_t=2)
    b = lt.CosineLRScheduler(lr=0.1, t_initial=10, warmup_t=2, t_in_epochs=False)
    np.testing.assert_array_equal(a(np.arange(30)), b(np.arange(30)))
    assert a != b and b.to_config()["t_in_epochs"] is False


def test_growing_step_decay_saturates() -> None:
    s = lt.StepLRScheduler(lr=0.1, decay_t=1, decay_rate=10.0)
    assert s(3) == pytest.approx(100.0)
    assert s(400) == sys.float_info.max  # timm raises OverflowError there
    assert s(np.array([400]))[0] == sys.float_info.max
    assert lt.StepLRScheduler(lr=0.0, decay_t=1, decay_rate=10.0)(400) == 0.0


def test_config_types_and_repr() -> None:
    for name in lt.__all__:
        assert f"timm.{name}" in lrkit.core.REGISTRY
    s = lt.MultiStepLRScheduler(lr=0.1, decay_t=[1, 2])
    assert s.to_config()["type"] == "timm.MultiStepLRScheduler"
    assert s.to_config()["decay_t"] == [1, 2]
    assert repr(s).startswith("timm.MultiStepLRScheduler(lr=0.1, decay_t=(1, 2)")
    noisy = lt.TanhLRScheduler(lr=0.1, t_initial=5, noise_range_t=(2, 4))
    assert noisy.to_config()["noise_range_t"] == [2, 4]
    assert from_config(noisy.to_config()) == noisy
    assert lrkit.timm is lt


# ---------------------------------------------------------------------------------------
# torch only for noise
# ---------------------------------------------------------------------------------------


def test_importing_the_dialect_does_not_import_torch() -> None:
    code = "import sys, lrkit.timm; s = lrkit.timm.CosineLRScheduler(0.1, 10); s(3); "
    code += "print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_noise_without_torch_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dialect, "_torch_available", lambda: False)
    lt.CosineLRScheduler(lr=0.1, t_initial=10)  # no noise: no torch needed
    with pytest.raises(InvalidValue, match=r"noise_range_t.*torch"):
        lt.CosineLRScheduler(lr=0.1, t_initial=10, noise_range_t=5)


# ---------------------------------------------------------------------------------------
# Errors name timm's arguments.
# ---------------------------------------------------------------------------------------

BAD: list[tuple[str, dict[str, Any], str]] = [
    ("CosineLRScheduler", {"lr": -0.1, "t_initial": 10}, "lr"),
    ("CosineLRScheduler", {"lr": 0.1, "t_initial": 0}, "t_initial"),
    ("CosineLRScheduler", {"lr": 0.1, "t_initial": 2.5}, "t_initial"),
    ("CosineLRScheduler", {"lr": 0.1, "t_initial": 10, "lr_min": -1.0}, "lr_min"),
    ("CosineLRScheduler", {"lr": 0.1, "t_initial": 10, "cycle_mul": 0.0}, "cycle_mul"),
    ("CosineLRScheduler", {"lr": 0.1, "t_initial": 10, "cycle_mul": -2.0}, "cycle_mul"),
    ("CosineLRScheduler", {"lr": 0.1, "t_initial": 10, "cycle_decay": -0.5}, "cycle_decay"),
    (
        "CosineLRScheduler",
        {"lr": 0.1, "t_initial": 10, "cycle_decay": 10.0, "cycle_limit": 400},
        "cycle_decay",
    ),
    ("CosineLRScheduler", {"lr": 0.1, "t_initial": 10, "cycle_limit": -1}, "cycle_limit"),
    ("CosineLRScheduler", {"lr": 0.1, "t_initial": 10, "warmup_t": -1}, "warmup_t"),
    ("CosineLRScheduler", {"lr": 0.1, "t_initial": 10, "warmup_lr_init": -1}, "warmup_lr_init"),
    ("CosineLRScheduler", {"lr": 0.1, "t_initial": 10, "warmup_prefix": "yes"}, "warmup_prefix"),
    ("CosineLRScheduler", {"lr": 0.1, "t_initial": 10, "t_in_epochs": 1}, "t_in_epochs"),
    ("CosineLRScheduler", {"lr": 0.1, "t_initial": 10, "k_decay": 0.0}, "k_decay"),
    ("CosineLRScheduler", {"lr": 0.1, "t_initial": 10, "k_decay": -1.0}, "k_decay"),
    ("CosineLRScheduler", {"lr": 0.1, "t_initial": 10, "noise_range_t": [1]}, "noise_range_t"),
    ("CosineLRScheduler", {"lr": 0.1, "t_initial": 10, "noise_range_t": "5"}, "noise_range_t"),
    ("CosineLRScheduler", {"lr": 0.1, "t_initial": 10, "noise_pct": 0.0}, "noise_pct"),
    ("CosineLRScheduler", {"lr": 0.1, "t_initial": 10, "noise_pct": 1.5}, "noise_pct"),
    ("CosineLRScheduler", {"lr": 0.1, "t_initial": 10, "noise_std": -1.0}, "noise_std"),
    (
        "CosineLRScheduler",
        {"lr": 0.1, "t_initial": 10, "noise_range_t": 0, "noise_pct": 1e-6},
        "noise_pct",
    ),
    ("CosineLRScheduler", {"lr": 0.1, "t_initial": 10, "noise_seed": 1.5}, "noise_seed"),
    ("CosineLRScheduler", {"lr": 0.1, "t_initial": 10, "noise_type": "cauchy"}, "noise_type"),
    ("CosineLRScheduler", {"lr": 0.1, "t_initial": 10, "initialize": None}, "initialize"),
    ("TanhLRScheduler", {"lr": 0.1, "t_initial": 10, "lb": 3.0, "ub": 3.0}, "lb"),
    ("TanhLRScheduler", {"lr": 0.1, "t_initial": 10, "ub": math.inf}, "ub"),
    ("PolyLRScheduler", {"lr": 0.1, "t_initial": 10, "power": -1.0}, "power"),
    ("StepLRScheduler", {"lr": 0.1, "decay_t": 0}, "decay_t"),
    ("StepLRScheduler", {"lr": 0.1, "decay_t": -2.5}, "decay_t"),
    ("StepLRScheduler", {"lr": 0.1, "decay_t": 10, "decay_rate": -0.1}, "decay_rate"),
    ("MultiStepLRScheduler", {"lr": 0.1, "decay_t": [5, 3]}, "decay_t"),
    ("MultiStepLRScheduler", {"lr": 0.1, "decay_t": 5}, "decay_t"),
    ("MultiStepLRScheduler", {"lr": 0.1, "decay_t": [1.5]}, "decay_t"),
    ("MultiStepLRScheduler", {"lr": 0.1, "decay_t": [5], "decay_rate": -1.0}, "decay_rate"),
]


@pytest.mark.parametrize(("name", "kwargs", "argument"), BAD)
def test_errors_name_the_argument(name: str, kwargs: dict[str, Any], argument: str) -> None:
    with pytest.raises((InvalidValue, InvalidType)) as info:
        build(name, kwargs)
    assert info.value.argument == argument
    assert str(info.value).startswith(argument)
    config = {"type": f"timm.{name}", **kwargs}
    with pytest.raises((InvalidValue, InvalidType)) as from_info:
        from_config(config)
    assert argument in str(from_info.value)
