"""The combinators and presets of lrkit.compose against reference formulas written here.

Each reference is written from the docstring's definition, independently of the library:
plain Python loops and mpmath (50 digits) where the values are claimed exact. Checked:
values (scalar and array paths), exactness out to 10^7 steps, continuity where pieces
meet, bounds, the operators, and bad arguments named in the error.
"""

from __future__ import annotations

import math
import pickle
from typing import Any

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lrkit
from lrkit import (
    Affine,
    Clamp,
    ConstantLR,
    Cooldown,
    CosineAnnealingLR,
    ExponentialLR,
    Join,
    LinearLR,
    Noise,
    Product,
    Repeat,
    SequentialLR,
    StepLR,
    Sum,
    Warmup,
    WarmupCosine,
    WarmupLinear,
    WarmupStableDecay,
)

mpmath.mp.dps = 50
M = mpmath.mpf
SETTINGS = settings(max_examples=60, deadline=None, database=None)
LIMIT = 10**7


def steps_around(*marks: int, top: int = LIMIT, seed: int = 0) -> list[int]:
    """Steps 0..20, each mark -1, 0, +1, and random steps up to ``top``."""
    rng = np.random.default_rng(seed)
    found = set(range(21)) | {top}
    for m in marks:
        found |= {m - 1, m, m + 1}
    found |= set(rng.integers(0, top, 40).tolist())
    return sorted(t for t in found if 0 <= t <= top)


def assert_exact(schedule: lrkit.Schedule, reference: Any, steps: list[int]) -> None:
    """Scalar and array values within 1e-16 absolute and 4 ulps relative of the exact."""
    array = schedule(np.array(steps, dtype=np.int64))
    for t, got_array in zip(steps, array.tolist(), strict=True):
        exact = reference(t)
        for got in (schedule(t), got_array):
            error = abs(M(got) - exact)
            assert error <= M("1e-16") or error <= abs(exact) * M(2) ** -50, (t, got, exact)


def cos_ref(lr: float, t_max: int, eta_min: float = 0.0) -> Any:
    """torch's CosineAnnealingLR closed form in mpmath."""
    return lambda t: M(eta_min) + (M(lr) - M(eta_min)) * (1 + mpmath.cos(mpmath.pi * t / t_max)) / 2


# -- Join -------------------------------------------------------------------------------
def test_join_local_and_global_time_against_the_definition() -> None:
    a = LinearLR(lr=0.1, start_factor=0.25, end_factor=1.0, total_iters=7)
    b = CosineAnnealingLR(lr=0.1, T_max=1000, eta_min=1e-4)
    c = StepLR(lr=0.05, step_size=13, gamma=0.5)
    for time in ("local", "global", ("global", "local", "global")):
        s = Join([a, b, c], milestones=[7, 900], time=time)
        kinds = (time,) * 3 if isinstance(time, str) else time

        def ref(t: int, kinds: Any = kinds) -> float:
            i = 0 if t < 7 else 1 if t < 900 else 2
            start = (0, 7, 900)[i] if kinds[i] == "local" else 0
            return float([a, b, c][i](t - start))

        steps = steps_around(7, 900, top=5000)
        np.testing.assert_array_equal(s(np.array(steps)), [ref(t) for t in steps])
        assert [s(t) for t in steps] == [ref(t) for t in steps]


def test_sequential_lr_is_a_local_join() -> None:
    children = [
        LinearLR(lr=0.1, start_factor=0.1, total_iters=5),
        CosineAnnealingLR(lr=0.1, T_max=50),
    ]
    seq = SequentialLR(children, milestones=[5])
    join = Join(children, milestones=[5])
    t = np.arange(0, 200)
    np.testing.assert_array_equal(seq(t), join(t))


@SETTINGS
@given(
    warm=st.integers(1, 10_000),
    t_max=st.integers(1, 10_000),
    lr=st.floats(1e-6, 10.0),
)
def test_join_is_continuous_where_the_pieces_meet(warm: int, t_max: int, lr: float) -> None:
    """A linear warm-up to lr joined to a cosine from lr: the values meet at the milestone."""
    up = LinearLR(
        lr=lr, start_factor=1 / warm if warm > 1 else 1.0, end_factor=1.0, total_iters=warm
    )
    s = Join([up, CosineAnnealingLR(lr=lr, T_max=t_max)], milestones=[warm])
    assert s(warm) == lr
    assert math.isclose(s(warm - 1), up(warm - 1), rel_tol=0, abs_tol=0)
    assert abs(s(warm) - up(warm)) <= 1e-15 * lr


# -- Repeat -----------------------------------------------------------------------------
def test_repeat_exact_at_every_cycle_out_to_10_7() -> None:
    base = CosineAnnealingLR(lr=0.1, T_max=997, eta_min=1e-3)
    s = Repeat(base, period=998, decay=0.9)

    def ref(t: int) -> Any:
        k, r = divmod(t, 998)
        return mpmath.power(M(0.9), k) * cos_ref(0.1, 997, 1e-3)(r)

    cycles = [k * 998 for k in (1, 2, 10, 1000, 10019)]
    assert_exact(s, ref, steps_around(*cycles))


def test_repeat_without_decay_is_periodic_at_huge_steps() -> None:
    s = Repeat(StepLR(lr=0.1, step_size=3, gamma=0.5), period=10)
    big = 2**63 - 1
    assert s(big) == s(big % 10)
    assert s(np.array([big], dtype=np.int64))[0] == s(big % 10)


# -- arithmetic -------------------------------------------------------------------------
def test_operators_build_the_combinators() -> None:
    s = CosineAnnealingLR(lr=1.0, T_max=10)
    assert s * 2 == Affine(s, scale=2.0) == 2 * s
    assert s / 4 == Affine(s, divisor=4.0)
    assert s + 1e-3 == Affine(s, shift=1e-3) == 1e-3 + s
    assert s - 1e-3 == Affine(s, shift=-1e-3)
    assert 1 - s == Affine(s, scale=-1.0, shift=1.0)
    assert s * 2 / 4 + 1 == Affine(s, scale=2.0, divisor=4.0, shift=1.0)
    assert (s + 1) * 2 == Affine(Affine(s, shift=1.0), scale=2.0)
    assert s * s == Product((s, s))
    assert s * s * s == Product((s, s, s))
    assert s + s - s == Sum((s, s, Affine(s, scale=-1.0)))
    assert np.float64(2.0) * s == Affine(s, scale=2.0)
    with pytest.raises(TypeError, match="divided by a schedule"):
        _ = s / s
    with pytest.raises(TypeError):
        _ = s * "2"  # type: ignore[operator]
    with pytest.raises(ValueError, match="divisor"):
        _ = s / 0


@SETTINGS
@given(
    a=st.floats(-1e3, 1e3),
    d=st.floats(1e-3, 1e3),
    c=st.floats(-1.0, 1.0),
    t=st.integers(0, 10**9),
)
def test_affine_rounds_each_operation_once_in_order(a: float, d: float, c: float, t: int) -> None:
    s = CosineAnnealingLR(lr=0.1, T_max=777, eta_min=1e-3)
    v = s(t)
    assert (s * a / d + c)(t) == v * a / d + c
    assert (s / d)(t) == v / d
    assert float((s * a)(np.array([t]))[0]) == v * a


def test_product_and_sum_value_by_value() -> None:
    a = ExponentialLR(lr=0.1, gamma=0.99)
    b = LinearLR(lr=1.0, start_factor=0.1, total_iters=20)
    t = np.arange(100)
    np.testing.assert_array_equal((a * b)(t), a(t) * b(t))
    np.testing.assert_array_equal((a + b)(t), a(t) + b(t))
    np.testing.assert_array_equal((a - b)(t), a(t) + (-1.0 * b(t)))


def test_clamp_bounds_and_rejects_crossed_bounds() -> None:
    s = Clamp(ExponentialLR(lr=1.0, gamma=0.5), low=0.1, high=0.6)
    assert [s(t) for t in range(5)] == [0.6, 0.5, 0.25, 0.125, 0.1]
    with pytest.raises(ValueError, match=r"high must be at least low=0\.5"):
        Clamp(ExponentialLR(lr=1.0, gamma=0.5), low=0.5, high=0.1)
    with pytest.raises(ValueError, match="low must be given"):
        Clamp(ExponentialLR(lr=1.0, gamma=0.5))


# -- Warmup and Cooldown ----------------------------------------------------------------
def warmup_ref(of: Any, steps: int, start: float, curve: str, shift: bool) -> Any:
    def ref(t: int) -> Any:
        if t >= steps:
            return M(of(t - steps if shift else t))
        target = M(of(0 if shift else steps))
        p = M(t) / steps
        a = M(start)
        if curve == "linear":
            return a + (target - a) * p
        if curve == "cosine":
            return a + (target - a) * (1 - mpmath.cos(mpmath.pi * p)) / 2
        return a * (target / a) ** p

    return ref


@pytest.mark.parametrize("curve", ["linear", "cosine", "exponential"])
@pytest.mark.parametrize("shift", [True, False])
def test_warmup_against_the_definition_out_to_10_7(curve: str, shift: bool) -> None:
    of = CosineAnnealingLR(lr=0.1, T_max=9_000_000, eta_min=1e-5)
    start = 1e-6 if curve == "exponential" else 0.0
    s = Warmup(of, steps=1000, start=start, curve=curve, shift=shift)
    ref = warmup_ref(lambda t: cos_ref(0.1, 9_000_000, 1e-5)(t), 1000, start, curve, shift)
    if curve == "exponential":  # a power of a ratio: a few ulps more
        steps = steps_around(1000, top=LIMIT)
        values = s(np.array(steps))
        for t, v in zip(steps, values.tolist(), strict=True):
            assert abs(M(v) - ref(t)) <= abs(ref(t)) * M(2) ** -47 + M("1e-300")
        return
    assert_exact(s, ref, steps_around(1000, 9_000_000 + (1000 if shift else 0)))


def test_warmup_starts_at_zero_and_ends_on_the_schedule() -> None:
    of = CosineAnnealingLR(lr=0.1, T_max=100)
    s = Warmup(of, steps=10)
    assert s(0) == 0.0
    assert s(10) == of(0)
    t = np.arange(11)
    assert (np.diff(s(t)) > 0).all()
    not_shifted = Warmup(of, steps=10, shift=False)
    assert not_shifted(10) == of(10) and not_shifted(50) == of(50)


def cooldown_ref(of: Any, total: int, steps: int, final: float, curve: str) -> Any:
    def ref(t: int) -> Any:
        if t >= total:
            return M(final)
        v = M(of(t))
        if t < total - steps:
            return v
        p = M(t - (total - steps)) / steps
        w = {
            "linear": 1 - p,
            "cosine": (1 + mpmath.cos(mpmath.pi * p)) / 2,
            "1-sqrt": 1 - mpmath.sqrt(p),
        }[curve]
        return M(final) + (v - M(final)) * w

    return ref


@pytest.mark.parametrize("curve", ["linear", "cosine", "1-sqrt"])
def test_cooldown_against_the_definition_out_to_10_7(curve: str) -> None:
    of = ConstantLR(lr=0.1, factor=1.0, total_iters=1)
    s = Cooldown(of, total_steps=LIMIT, steps=2_000_000, final_lr=1e-4, curve=curve)
    ref = cooldown_ref(of, LIMIT, 2_000_000, 1e-4, curve)
    assert_exact(s, ref, steps_around(LIMIT - 2_000_000, LIMIT - 1, top=LIMIT + 10))


@SETTINGS
@given(
    total=st.integers(1, 10**6),
    frac=st.floats(0.0, 1.0),
    lr=st.floats(0.0, 10.0),
    final=st.floats(0.0, 10.0),
    curve=st.sampled_from(["linear", "cosine", "1-sqrt"]),
    t=st.integers(0, 2 * 10**6),
)
def test_cooldown_stays_between_its_ends_and_is_continuous(
    total: int, frac: float, lr: float, final: float, curve: str, t: int
) -> None:
    steps = max(1, int(total * frac))
    s = Cooldown(ConstantLR(lr=lr, factor=1.0, total_iters=1), total, steps, final, curve)
    low, high = min(lr, final), max(lr, final)
    v = s(t)
    assert low * (1 - 1e-15) <= v <= high * (1 + 1e-15)
    assert s(total - steps) == lr  # the cool-down starts on the schedule's value
    assert s(total) == final


# -- presets ----------------------------------------------------------------------------
def test_warmup_stable_decay_phases() -> None:
    s = WarmupStableDecay(
        lr=0.1,
        total_steps=1000,
        decay_steps=200,
        warmup_steps=100,
        final_lr=1e-3,
        decay_shape="1-sqrt",
    )
    ref = cooldown_ref(lambda t: 0.1, 1000, 200, 1e-3, "1-sqrt")
    for t in range(0, 1100):
        exact = M(0.1) * t / 100 if t < 100 else ref(t)
        assert abs(M(s(t)) - exact) <= abs(exact) * M(2) ** -50 + M("1e-18"), t


@SETTINGS
@given(total=st.integers(2, 10**7), warm_frac=st.floats(0, 0.99), lr=st.floats(1e-8, 10.0))
def test_warmup_cosine_and_linear_anchor_values(total: int, warm_frac: float, lr: float) -> None:
    warm = min(total - 1, int(total * warm_frac))
    for cls in (WarmupCosine, WarmupLinear):
        s = cls(lr=lr, total_steps=total, warmup_steps=warm)
        assert s(warm) == lr
        assert s(total) == 0.0 and s(total + 10**12) == 0.0
        if warm:
            assert s(0) == 0.0
    half = WarmupCosine(lr=lr, total_steps=total, warmup_steps=warm)
    mid = warm + (total - warm) / 2
    assert math.isclose(half(mid), lr / 2, rel_tol=1e-12)


def test_warmup_cosine_exact_at_10_7() -> None:
    s = WarmupCosine(lr=0.1, total_steps=LIMIT, warmup_steps=10_000, final_lr=1e-5)
    span = LIMIT - 10_000

    def ref(t: int) -> Any:
        if t < 10_000:
            return M(0.1) * t / 10_000
        if t >= LIMIT:
            return M(1e-5)
        return M(1e-5) + (M(0.1) - M(1e-5)) * (1 + mpmath.cos(mpmath.pi * (t - 10_000) / span)) / 2

    assert_exact(s, ref, steps_around(10_000, LIMIT - 1, LIMIT - 2, top=LIMIT))


# -- noise ------------------------------------------------------------------------------
def test_noise_is_deterministic_order_free_and_bounded() -> None:
    base = CosineAnnealingLR(lr=0.1, T_max=1000)
    s = Noise(base, scale=0.2, seed=3, limit=0.3)
    t = np.arange(0, 5000)
    values = s(t)
    shuffled = np.random.default_rng(0).permutation(t)
    np.testing.assert_array_equal(s(shuffled), values[shuffled])
    np.testing.assert_allclose([s(int(k)) for k in t[:300]], values[:300], rtol=1e-15, atol=0)
    ratio = values[base(t) > 0] / base(t)[base(t) > 0]
    assert (np.abs(ratio - 1) <= 0.3 + 1e-12).all()
    assert pickle.loads(pickle.dumps(s))(123) == s(123)
    assert Noise(base, scale=0.2, seed=4, limit=0.3)(17) != s(17)


def test_noise_draws_look_normal_and_uniform() -> None:
    one = ConstantLR(lr=1.0, factor=1.0, total_iters=1)
    t = np.arange(200_000)
    z = (Noise(one, scale=0.1, seed=11)(t) - 1.0) / 0.1  # (the floor at 0 is 10 sigma away)
    assert abs(z.mean()) < 0.01 and abs(z.std() - 1.0) < 0.01
    quartiles = np.quantile(z, [0.25, 0.5, 0.75])
    np.testing.assert_allclose(quartiles, [-0.6745, 0.0, 0.6745], atol=0.02)
    u = Noise(one, scale=1.0, seed=11, kind="uniform")(t) - 1.0
    assert u.min() >= -1.0 and u.max() < 1.0
    hist, _ = np.histogram(u, bins=10, range=(-1, 1))
    assert (np.abs(hist / len(u) - 0.1) < 0.01).all()


def test_noise_window() -> None:
    base = CosineAnnealingLR(lr=0.1, T_max=1000)
    s = Noise(base, scale=0.5, seed=1, start_step=10, end_step=20)
    t = np.arange(40)
    same = s(t) == base(t)
    assert same[:10].all() and same[20:].all() and not same[10:20].all()


# -- errors -----------------------------------------------------------------------------
COS = CosineAnnealingLR(lr=0.1, T_max=10)


@pytest.mark.parametrize(
    ("build", "name"),
    [
        (lambda: Join([COS, COS], milestones=[]), "milestones"),
        (lambda: Join([COS, COS], milestones=[3], time="later"), "time"),
        (lambda: Join([COS, COS], milestones=[3], time=["local"]), "time"),
        (lambda: Join([COS, "x"], milestones=[3]), r"schedulers\[1\]"),
        (lambda: Join([], milestones=[]), "schedulers"),
        (lambda: Repeat(COS, period=0), "period"),
        (lambda: Repeat(COS, period=3, decay=-1), "decay"),
        (lambda: Repeat(lrkit.OneCycleLR(max_lr=0.1, total_steps=5), period=10), "of"),
        (lambda: Affine(COS, divisor=0), "divisor"),
        (lambda: Affine(COS, scale=math.inf), "scale"),
        (lambda: Affine("COS"), "of"),
        (lambda: Product([COS]), "schedulers"),
        (lambda: Sum(COS), "schedulers"),
        (lambda: Warmup(COS, steps=0), "steps"),
        (lambda: Warmup(COS, steps=3, start=-1), "start"),
        (lambda: Warmup(COS, steps=3, curve="quadratic"), "curve"),
        (lambda: Warmup(COS, steps=3, curve="exponential"), "start"),
        (lambda: Warmup(COS, steps=3, shift=1), "shift"),
        (lambda: Cooldown(COS, total_steps=10, steps=11), "steps"),
        (lambda: Cooldown(COS, total_steps=0, steps=1), "total_steps"),
        (lambda: Cooldown(COS, total_steps=10, steps=2, final_lr=-1), "final_lr"),
        (lambda: Cooldown(COS, total_steps=10, steps=2, curve="sqrt"), "curve"),
        (lambda: Noise(COS, scale=-0.1), "scale"),
        (lambda: Noise(COS, scale=0.1, seed=-1), "seed"),
        (lambda: Noise(COS, scale=0.1, kind="pink"), "kind"),
        (lambda: Noise(COS, scale=0.1, kind="uniform", limit=0.1), "limit"),
        (lambda: Noise(COS, scale=0.1, start_step=5, end_step=5), "end_step"),
        (lambda: WarmupStableDecay(lr=0.1, total_steps=10, decay_steps=11), "decay_steps"),
        (
            lambda: WarmupStableDecay(lr=0.1, total_steps=10, decay_steps=5, warmup_steps=6),
            "warmup_steps",
        ),
        (
            lambda: WarmupStableDecay(lr=0.1, total_steps=10, decay_steps=5, decay_shape="step"),
            "decay_shape",
        ),
        (lambda: WarmupCosine(lr=0.1, total_steps=10, warmup_steps=10), "warmup_steps"),
        (lambda: WarmupLinear(lr=-0.1, total_steps=10), "lr"),
    ],
)
def test_bad_arguments_are_named(build: Any, name: str) -> None:
    with pytest.raises((ValueError, TypeError), match=rf"^{name}"):
        build()
