"""Hypothesis strategies for the composition layer's combinators and presets (merged into
strategies.FAMILIES).

Children are drawn from the schedules defined at every step and for fractional steps (no
OneCycleLR, whose domain ends, nor MultiplicativeLR, a running product), so every
combinator is drawn over the whole step range up to 2**63 - 1. Scales and shifts are
drawn >= 0, so values stay >= 0 as the registry-wide checks require.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from strategies import (  # tests/ is on sys.path
    Spec,
    constant_lr,
    cosine_annealing_lr,
    cosine_warm_restarts,
    cyclic_lr,
    exponential_lr,
    lambda_lr,
    linear_lr,
    lrs,
    multi_step_lr,
    polynomial_lr,
    step_lr,
)

import lrkit


def children() -> st.SearchStrategy[Spec]:
    """Schedules defined at every step >= 0, fractional ones included."""
    return st.one_of(
        step_lr(),
        multi_step_lr(),
        constant_lr(),
        linear_lr(),
        exponential_lr(),
        polynomial_lr(),
        cosine_annealing_lr(),
        cosine_warm_restarts(),
        lambda_lr(),
        cyclic_lr(custom_scale=st.just(False)),
    )


def counts(high: int = 10**6) -> st.SearchStrategy[int]:
    return st.one_of(st.integers(1, 50), st.integers(1, high))


@st.composite
def affine(draw: Any) -> Spec:
    kwargs: dict[str, Any] = {"of": draw(children())}
    if draw(st.booleans()):
        kwargs["scale"] = draw(st.one_of(st.sampled_from([0.0, 0.5, 2.0, 10.0]), st.floats(0, 1e3)))
    if draw(st.booleans()):
        kwargs["divisor"] = draw(st.one_of(st.sampled_from([3.0, 7.0]), st.floats(1e-3, 1e3)))
    if draw(st.booleans()):
        kwargs["shift"] = draw(st.one_of(st.sampled_from([1e-5, 0.0]), st.floats(0, 1.0)))
    return Spec("Affine", kwargs)


@st.composite
def combination(draw: Any, kind: str) -> Spec:
    return Spec(kind, {"schedulers": draw(st.lists(children(), min_size=2, max_size=3))})


@st.composite
def clamp(draw: Any) -> Spec:
    low = draw(st.one_of(st.none(), lrs()))
    high = draw(st.one_of(st.none(), lrs()))
    if low is None and high is None:
        low = 0.0
    if low is not None and high is not None and high < low:
        low, high = high, low
    return Spec("Clamp", {"of": draw(children()), "low": low, "high": high})


@st.composite
def join(draw: Any) -> Spec:
    pieces = draw(st.lists(children(), min_size=1, max_size=4))
    milestones: list[int] = []
    start = 0
    for i in range(len(pieces) - 1):
        start += draw(st.integers(0 if i == 0 else 1, 5000))
        milestones.append(start)
    time = draw(
        st.one_of(
            st.sampled_from(["local", "global"]),
            st.lists(
                st.sampled_from(["local", "global"]), min_size=len(pieces), max_size=len(pieces)
            ),
        )
    )
    return Spec("Join", {"schedulers": pieces, "milestones": milestones, "time": time})


@st.composite
def repeat(draw: Any) -> Spec:
    return Spec(
        "Repeat",
        {
            "of": draw(children()),
            "period": draw(counts()),
            "decay": draw(st.one_of(st.sampled_from([1.0, 0.5, 0.9, 0.0]), st.floats(0, 1))),
        },
    )


@st.composite
def warmup(draw: Any) -> Spec:
    curve = draw(st.sampled_from(["linear", "cosine", "exponential"]))
    low = 1e-8 if curve == "exponential" else 0.0
    start = draw(st.one_of(st.just(max(low, 0.0)), st.floats(max(low, 1e-12), 10.0)))
    return Spec(
        "Warmup",
        {
            "of": draw(children()),
            "steps": draw(counts()),
            "start": start,
            "curve": curve,
            "shift": draw(st.booleans()),
        },
    )


@st.composite
def cooldown(draw: Any) -> Spec:
    total = draw(counts())
    return Spec(
        "Cooldown",
        {
            "of": draw(children()),
            "total_steps": total,
            "steps": draw(st.integers(1, total)),
            "final_lr": draw(lrs()),
            "curve": draw(st.sampled_from(["linear", "cosine", "1-sqrt"])),
        },
    )


@st.composite
def noise(draw: Any) -> Spec:
    kind = draw(st.sampled_from(["normal", "uniform"]))
    start = draw(st.integers(0, 100))
    return Spec(
        "Noise",
        {
            "of": draw(children()),
            "scale": draw(st.floats(0, 2.0)),
            "seed": draw(st.one_of(st.integers(0, 100), st.integers(0, 2**64 - 1))),
            "kind": kind,
            "limit": draw(st.floats(1e-3, 1.0))
            if kind == "normal" and draw(st.booleans())
            else None,
            "start_step": start,
            "end_step": draw(st.one_of(st.none(), st.integers(start + 1, 10**6))),
        },
    )


@st.composite
def warmup_stable_decay(draw: Any) -> Spec:
    total = draw(counts())
    decay = draw(st.integers(1, total))
    warm = draw(st.integers(0, total - decay))
    shape = draw(st.sampled_from(["linear", "cosine", "exponential"]))
    start = draw(st.floats(1e-6, 1.0)) if shape == "exponential" else draw(lrs())
    return Spec(
        "WarmupStableDecay",
        {
            "lr": draw(lrs()),
            "total_steps": total,
            "decay_steps": decay,
            "warmup_steps": warm,
            "final_lr": draw(lrs()),
            "start_lr": start,
            "decay_shape": draw(st.sampled_from(["linear", "cosine", "1-sqrt"])),
            "warmup_shape": shape,
        },
    )


@st.composite
def warmup_decay(draw: Any, kind: str) -> Spec:
    total = draw(st.integers(1, 10**6))
    return Spec(
        kind,
        {
            "lr": draw(lrs()),
            "total_steps": total,
            "warmup_steps": draw(st.integers(0, total - 1)),
            "final_lr": draw(lrs()),
            "start_lr": draw(lrs()),
        },
    )


#: Family name -> strategy drawing a Spec (names "Type" or "Type-variant").
FAMILIES: dict[str, st.SearchStrategy[Any]] = {
    "Affine": affine(),
    "Product": combination("Product"),
    "Sum": combination("Sum"),
    "Clamp": clamp(),
    "Join": join(),
    "Repeat": repeat(),
    "Warmup": warmup(),
    "Cooldown": cooldown(),
    "Noise": noise(),
    "WarmupStableDecay": warmup_stable_decay(),
    "WarmupCosine": warmup_decay("WarmupCosine"),
    "WarmupLinear": warmup_decay("WarmupLinear"),
}

_COS = {"type": "CosineAnnealingLR", "lr": 0.1, "T_max": 100}
_cos = lrkit.CosineAnnealingLR(lr=0.1, T_max=100)
_step = lrkit.StepLR(lr=0.1, step_size=10)

#: (config, the same schedule built in Python) for every type of this module.
BY_HAND: list[tuple[dict[str, Any], Any]] = [
    ({"type": "Affine", "of": _COS, "scale": 2.0, "shift": 1e-4}, _cos * 2 + 1e-4),
    ({"type": "Affine", "of": _COS, "divisor": 4}, _cos / 4),
    (
        {"type": "Product", "schedulers": [_COS, {"type": "StepLR", "lr": 0.1, "step_size": 10}]},
        _cos * _step,
    ),
    (
        {"type": "Sum", "schedulers": [_COS, {"type": "StepLR", "lr": 0.1, "step_size": 10}]},
        _cos + _step,
    ),
    ({"type": "Clamp", "of": _COS, "low": 0.01}, lrkit.Clamp(_cos, low=0.01)),
    (
        {
            "type": "Join",
            "lr": 0.1,
            "schedulers": [
                {"type": "StepLR", "step_size": 10},
                {"type": "CosineAnnealingLR", "T_max": 100},
            ],
            "milestones": [30],
            "time": ["local", "global"],
        },
        lrkit.Join([_step, _cos], [30], time=("local", "global")),
    ),
    ({"type": "Repeat", "of": _COS, "period": 50, "decay": 0.5}, lrkit.Repeat(_cos, 50, 0.5)),
    (
        {"type": "Warmup", "of": _COS, "steps": 10, "curve": "cosine"},
        lrkit.Warmup(_cos, 10, curve="cosine"),
    ),
    (
        {"type": "Cooldown", "of": _COS, "total_steps": 80, "steps": 20, "curve": "1-sqrt"},
        lrkit.Cooldown(_cos, 80, 20, curve="1-sqrt"),
    ),
    (
        {"type": "Noise", "of": _COS, "scale": 0.1, "seed": 7, "limit": 0.2},
        lrkit.Noise(_cos, 0.1, seed=7, limit=0.2),
    ),
    (
        {
            "type": "WarmupStableDecay",
            "lr": 0.1,
            "total_steps": 100,
            "decay_steps": 20,
            "warmup_steps": 5,
        },
        lrkit.WarmupStableDecay(lr=0.1, total_steps=100, decay_steps=20, warmup_steps=5),
    ),
    (
        {"type": "WarmupCosine", "lr": 0.1, "total_steps": 100, "warmup_steps": 5},
        lrkit.WarmupCosine(lr=0.1, total_steps=100, warmup_steps=5),
    ),
    (
        {"type": "WarmupLinear", "lr": 0.1, "total_steps": 100},
        lrkit.WarmupLinear(lr=0.1, total_steps=100),
    ),
]
