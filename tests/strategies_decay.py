"""Hypothesis strategies for the decay schedules (merged into strategies.FAMILIES)."""

from __future__ import annotations

import sys
from typing import Any

from hypothesis import strategies as st
from strategies import Spec, lrs  # (tests/ is on sys.path)

import lrkit

#: The smallest normal float64 number (ExponentialDecay's smallest decay_rate).
TINY = sys.float_info.min


def total_steps() -> st.SearchStrategy[int]:
    """Lengths of a decay: mostly short, sometimes up to 2**53 (the largest allowed)."""
    return st.one_of(
        st.integers(1, 10_000),
        st.integers(1, 10**9),
        st.sampled_from([1, 2, 3, 10**7, 2**53]),
    )


def weight_exponents() -> st.SearchStrategy[float]:
    """``exponent``, ``k`` and ``power``: (0, 100]."""
    return st.one_of(
        st.sampled_from([0.5, 1.0, 2.0, 3.0, 100.0]),
        st.floats(min_value=0.0, max_value=100.0, exclude_min=True),
    )


@st.composite
def constant(draw: Any) -> Spec:
    return Spec("Constant", {"lr": draw(lrs())})


@st.composite
def ends(draw: Any, kind: str) -> Spec:
    """A schedule of ``kind`` taking (lr, total_steps, final_lr): decays and rises."""
    kwargs: dict[str, Any] = {"lr": draw(lrs()), "total_steps": draw(total_steps())}
    if draw(st.booleans()):
        kwargs["final_lr"] = draw(lrs())
    return Spec(kind, kwargs)


@st.composite
def cosine_decay(draw: Any) -> Spec:
    spec = draw(ends("CosineDecay"))
    if draw(st.booleans()):
        return Spec(spec.kind, {**spec.kwargs, "exponent": draw(weight_exponents())})
    return spec


@st.composite
def k_decay(draw: Any) -> Spec:
    spec = draw(ends("KDecay"))
    return Spec(spec.kind, {**spec.kwargs, "k": draw(weight_exponents())})


@st.composite
def polynomial_decay(draw: Any) -> Spec:
    spec = draw(ends("PolynomialDecay"))
    kwargs = dict(spec.kwargs)
    if draw(st.booleans()):
        kwargs["power"] = draw(weight_exponents())
    if draw(st.booleans()):
        kwargs["cycle"] = draw(st.booleans())
    return Spec(spec.kind, kwargs)


@st.composite
def tanh(draw: Any) -> Spec:
    spec = draw(ends("Tanh"))
    kwargs = dict(spec.kwargs)
    if draw(st.booleans()):
        a = draw(st.floats(min_value=-40.0, max_value=40.0))
        b = draw(st.floats(min_value=-40.0, max_value=40.0).filter(lambda v: v != a))
        kwargs["lower"], kwargs["upper"] = min(a, b), max(a, b)
    return Spec(spec.kind, kwargs)


@st.composite
def inverse_sqrt(draw: Any) -> Spec:
    timescale = draw(
        st.one_of(
            st.integers(1, 10**6),
            st.sampled_from([1, 10_000, 2**53, 5e-324, 1e-300]),
            st.floats(min_value=0.0, max_value=2.0**53, exclude_min=True),
        )
    )
    return Spec("InverseSqrt", {"lr": draw(lrs()), "timescale": timescale})


@st.composite
def exponential_decay(draw: Any, growth: bool = False) -> Spec:
    """Decaying rates (< 1, with a floor or none); ``growth``: rates > 1 (with a cap or none)."""
    lr = draw(lrs())
    if growth:
        rate = draw(st.one_of(st.floats(min_value=1.0, max_value=10.0), st.just(1e300)))
    else:
        rate = draw(
            st.one_of(
                st.sampled_from([0.1, 0.5, 0.9, 0.99, 1.0, TINY]),
                st.floats(min_value=TINY, max_value=1.0),
            )
        )
    kwargs: dict[str, Any] = {
        "lr": lr,
        "decay_steps": draw(st.one_of(st.integers(1, 10_000), st.just(2**53))),
        "decay_rate": rate,
    }
    if draw(st.booleans()):
        kwargs["staircase"] = draw(st.booleans())
    if draw(st.booleans()):
        kwargs["start_step"] = draw(st.one_of(st.integers(0, 10_000), st.just(2**53)))
    if draw(st.booleans()):
        if growth:
            kwargs["final_lr"] = min(lr * draw(st.floats(min_value=1.0, max_value=1e6)), 1e300)
        else:
            kwargs["final_lr"] = lr * draw(st.floats(min_value=0.0, max_value=1.0))
    return Spec("ExponentialDecay", kwargs)


@st.composite
def inverse_time_decay(draw: Any) -> Spec:
    kwargs: dict[str, Any] = {
        "lr": draw(lrs()),
        "decay_steps": draw(st.one_of(st.integers(1, 10_000), st.just(2**53))),
        "decay_rate": draw(
            st.one_of(
                st.sampled_from([0.0, 0.5, 1.0, 1e300]),
                st.floats(min_value=0.0, max_value=1e6),
            )
        ),
    }
    if draw(st.booleans()):
        kwargs["staircase"] = draw(st.booleans())
    return Spec("InverseTimeDecay", kwargs)


#: Family name -> strategy drawing a Spec (names "Type" or "Type-variant").
FAMILIES: dict[str, st.SearchStrategy[Any]] = {
    "Constant": constant(),
    "LinearDecay": ends("LinearDecay"),
    "CosineDecay": cosine_decay(),
    "KDecay": k_decay(),
    "InverseSqrt": inverse_sqrt(),
    "Rex": ends("Rex"),
    "Tanh": tanh(),
    "ExponentialDecay": exponential_decay(),
    "ExponentialDecay-growth": exponential_decay(growth=True),
    "InverseTimeDecay": inverse_time_decay(),
    "PolynomialDecay": polynomial_decay(),
}

#: (config, the same schedule built in Python) for every type of this module.
BY_HAND: list[tuple[dict[str, Any], Any]] = [
    ({"type": "Constant", "lr": 0.1}, lrkit.Constant(lr=0.1)),
    (
        {"type": "LinearDecay", "lr": 0.1, "total_steps": 1000},
        lrkit.LinearDecay(lr=0.1, total_steps=1000, final_lr=0.0),
    ),
    (
        {"type": "CosineDecay", "lr": 0.1, "total_steps": 100, "final_lr": 1e-3, "exponent": 2},
        lrkit.CosineDecay(lr=0.1, total_steps=100, final_lr=0.001, exponent=2.0),
    ),
    (
        {"type": "KDecay", "lr": 0.1, "total_steps": 100, "k": 3},
        lrkit.KDecay(lr=0.1, total_steps=100, k=3.0),
    ),
    (
        {"type": "InverseSqrt", "lr": 0.01, "timescale": 4000},
        lrkit.InverseSqrt(lr=0.01, timescale=4000.0),
    ),
    (
        {"type": "Rex", "lr": 0.1, "total_steps": 500, "final_lr": 0.001},
        lrkit.Rex(lr=0.1, total_steps=500, final_lr=0.001),
    ),
    (
        {"type": "Tanh", "lr": 0.1, "total_steps": 100, "lower": -6, "upper": 4},
        lrkit.Tanh(lr=0.1, total_steps=100, lower=-6.0, upper=4.0),
    ),
    (
        {
            "type": "ExponentialDecay",
            "lr": 0.1,
            "decay_steps": 1000,
            "decay_rate": 0.96,
            "staircase": True,
            "start_step": 100,
            "final_lr": 1e-4,
        },
        lrkit.ExponentialDecay(
            lr=0.1, decay_steps=1000, decay_rate=0.96, staircase=True, start_step=100, final_lr=1e-4
        ),
    ),
    (
        {"type": "InverseTimeDecay", "lr": 0.1, "decay_steps": 10, "decay_rate": 0.5},
        lrkit.InverseTimeDecay(lr=0.1, decay_steps=10, decay_rate=0.5, staircase=False),
    ),
    (
        {"type": "PolynomialDecay", "lr": 0.1, "total_steps": 100, "power": 0.5, "cycle": True},
        lrkit.PolynomialDecay(lr=0.1, total_steps=100, power=0.5, cycle=True),
    ),
]
