"""Hypothesis strategies for Keras' schedules (lrkit.keras), merged into families.FAMILIES.

A spec's kind is the config type (``"keras.CosineDecay"``); it builds through the class of
lrkit.keras of that name. The draws cover Keras' edge arguments: staircase, cycle, boundaries
at 0, equal or negative, warm-ups of 0 steps, warmup_steps without warmup_target, t_mul of 1
and non-integer, m_mul above 1 (peaks that saturate), alpha above 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st
from strategies import Spec, lrs  # tests/ is on sys.path

import lrkit.keras
from lrkit.core import Schedule


@dataclass(frozen=True)
class KerasSpec(Spec):
    """A spec built by ``lrkit.keras.<Class>(**kwargs)`` (kind ``"keras.<Class>"``)."""

    def build(self) -> Schedule:
        cls = getattr(lrkit.keras, self.kind.split(".", 1)[1])
        built: Schedule = cls(**self.kwargs)
        return built


def counts() -> st.SearchStrategy[int]:
    return st.one_of(st.integers(1, 50), st.integers(1, 10**6))


def names(default: str) -> st.SearchStrategy[str]:
    return st.sampled_from([default, "schedule"])


def alphas() -> st.SearchStrategy[float]:
    return st.one_of(st.sampled_from([0.0, 0.1, 1.0]), st.floats(0.0, 3.0))


@st.composite
def exponential_decay(draw: Any, growth: bool = False) -> Spec:
    rate = (
        st.one_of(st.sampled_from([1.01, 2.0]), st.floats(1.0, 10.0))
        if growth
        else st.one_of(st.sampled_from([0.0, 0.1, 0.5, 0.96, 1.0]), st.floats(0.0, 1.0))
    )
    kwargs: dict[str, Any] = {
        "initial_learning_rate": draw(lrs()),
        "decay_steps": draw(counts()),
        "decay_rate": draw(rate),
    }
    if draw(st.booleans()):
        kwargs["staircase"] = draw(st.booleans())
    if draw(st.booleans()):
        kwargs["name"] = draw(names("ExponentialDecay"))
    return KerasSpec("keras.ExponentialDecay", kwargs)


@st.composite
def inverse_time_decay(draw: Any) -> Spec:
    kwargs: dict[str, Any] = {
        "initial_learning_rate": draw(lrs()),
        "decay_steps": draw(counts()),
        "decay_rate": draw(st.one_of(st.sampled_from([0.0, 0.5, 1.0]), st.floats(0.0, 100.0))),
    }
    if draw(st.booleans()):
        kwargs["staircase"] = draw(st.booleans())
    return KerasSpec("keras.InverseTimeDecay", kwargs)


@st.composite
def polynomial_decay(draw: Any) -> Spec:
    kwargs: dict[str, Any] = {
        "initial_learning_rate": draw(lrs()),
        "decay_steps": draw(counts()),
    }
    if draw(st.booleans()):
        kwargs["end_learning_rate"] = draw(lrs())
    if draw(st.booleans()):
        kwargs["power"] = draw(st.one_of(st.sampled_from([0.0, 0.5, 1.0, 2.0]), st.floats(0, 10)))
    if draw(st.booleans()):
        kwargs["cycle"] = draw(st.booleans())
    return KerasSpec("keras.PolynomialDecay", kwargs)


@st.composite
def piecewise_constant_decay(draw: Any) -> Spec:
    steps = draw(
        st.lists(
            st.one_of(
                st.integers(-5, 50),
                st.integers(0, 10**6),
                st.floats(-3.0, 1000.0).map(lambda b: round(b, 2)),
            ),
            min_size=1,
            max_size=5,
        )
    )
    # in the order Keras compares them (a negative boundary is truncated toward 0)
    steps.sort(key=lambda b: b if b >= 0 else -int(-b))
    values = draw(st.lists(lrs(), min_size=len(steps) + 1, max_size=len(steps) + 1))
    kwargs: dict[str, Any] = {"boundaries": steps, "values": values}
    if draw(st.booleans()):
        kwargs["name"] = draw(names("PiecewiseConstant"))
    return KerasSpec("keras.PiecewiseConstantDecay", kwargs)


@st.composite
def cosine_decay(draw: Any) -> Spec:
    kwargs: dict[str, Any] = {
        "initial_learning_rate": draw(lrs()),
        "decay_steps": draw(counts()),
    }
    if draw(st.booleans()):
        kwargs["alpha"] = draw(alphas())
    if draw(st.booleans()):
        kwargs["warmup_target"] = draw(st.one_of(st.none(), lrs()))
    if draw(st.booleans()):
        kwargs["warmup_steps"] = draw(st.one_of(st.just(0), counts()))
    return KerasSpec("keras.CosineDecay", kwargs)


@st.composite
def cosine_decay_restarts(draw: Any, growth: bool = False) -> Spec:
    kwargs: dict[str, Any] = {
        "initial_learning_rate": draw(lrs()),
        "first_decay_steps": draw(counts()),
    }
    if draw(st.booleans()):
        kwargs["t_mul"] = draw(st.one_of(st.sampled_from([1.0, 1.5, 2.0, 7.0]), st.floats(1, 10)))
    if growth:
        kwargs["m_mul"] = draw(st.one_of(st.sampled_from([1.5, 10.0]), st.floats(1.0, 1e3)))
        kwargs["alpha"] = draw(st.floats(0.0, 1.0))
    else:
        if draw(st.booleans()):
            kwargs["m_mul"] = draw(st.one_of(st.sampled_from([0.0, 0.5, 1.0]), st.floats(0, 1)))
        if draw(st.booleans()):
            kwargs["alpha"] = draw(alphas())
    return KerasSpec("keras.CosineDecayRestarts", kwargs)


FAMILIES: dict[str, st.SearchStrategy[Any]] = {
    "keras.ExponentialDecay": exponential_decay(),
    "keras.ExponentialDecay-growth": exponential_decay(growth=True),
    "keras.InverseTimeDecay": inverse_time_decay(),
    "keras.PolynomialDecay": polynomial_decay(),
    "keras.PiecewiseConstantDecay": piecewise_constant_decay(),
    "keras.CosineDecay": cosine_decay(),
    "keras.CosineDecayRestarts": cosine_decay_restarts(),
    "keras.CosineDecayRestarts-growth": cosine_decay_restarts(growth=True),
}

#: (config, the same schedule built in Python) for every type of this module.
BY_HAND: list[tuple[dict[str, Any], Any]] = [
    (
        {
            "type": "keras.ExponentialDecay",
            "initial_learning_rate": 0.1,
            "decay_steps": 100,
            "decay_rate": 0.96,
            "staircase": True,
            "name": "ExponentialDecay",
        },
        lrkit.keras.ExponentialDecay(0.1, 100, 0.96, staircase=True),
    ),
    (
        {
            "type": "keras.InverseTimeDecay",
            "initial_learning_rate": 0.1,
            "decay_steps": 10,
            "decay_rate": 0.5,
        },
        lrkit.keras.InverseTimeDecay(0.1, 10, 0.5),
    ),
    (
        {
            "type": "keras.PolynomialDecay",
            "initial_learning_rate": 0.1,
            "decay_steps": 1000,
            "end_learning_rate": 0.001,
            "power": 0.5,
            "cycle": True,
        },
        lrkit.keras.PolynomialDecay(0.1, 1000, 0.001, power=0.5, cycle=True),
    ),
    (
        {
            "type": "keras.PiecewiseConstantDecay",
            "boundaries": [100, 200],
            "values": [0.1, 0.01, 0.001],
            "name": "PiecewiseConstant",
        },
        lrkit.keras.PiecewiseConstantDecay([100, 200], [0.1, 0.01, 0.001]),
    ),
    (
        {
            "type": "keras.CosineDecay",
            "initial_learning_rate": 0.0,
            "decay_steps": 1000,
            "alpha": 0.01,
            "warmup_target": 0.1,
            "warmup_steps": 100,
        },
        lrkit.keras.CosineDecay(0.0, 1000, alpha=0.01, warmup_target=0.1, warmup_steps=100),
    ),
    (
        {
            "type": "keras.CosineDecayRestarts",
            "initial_learning_rate": 0.1,
            "first_decay_steps": 100,
            "t_mul": 2.0,
            "m_mul": 0.9,
            "name": "SGDRDecay",
        },
        lrkit.keras.CosineDecayRestarts(0.1, 100, m_mul=0.9),
    ),
]
