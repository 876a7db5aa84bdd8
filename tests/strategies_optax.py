"""Hypothesis strategies for lrkit.optax's schedules (merged into families.FAMILIES).

A spec's kind is the config type (``"optax.linear_schedule"``); it builds through the
function of lrkit.optax of that name. Counts cover optax's edge arguments: no transition
(``transition_steps <= 0``) and a negative ``transition_begin`` (0 for optax).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st
from strategies import Spec, lrs  # tests/ is on sys.path

import lrkit.optax
from lrkit.core import Schedule


@dataclass(frozen=True)
class OptaxSpec(Spec):
    """A spec built by ``lrkit.optax.<name>(**kwargs)`` (kind ``"optax.<name>"``)."""

    def build(self) -> Schedule:
        function = getattr(lrkit.optax, self.kind.split(".", 1)[1])
        kwargs = {
            key: [child.build() for child in value]
            if isinstance(value, list) and value and isinstance(value[0], Spec)
            else value
            for key, value in self.kwargs.items()
        }
        built: Schedule = function(**kwargs)
        return built


def counts() -> st.SearchStrategy[int]:
    return st.one_of(st.integers(1, 50), st.integers(1, 10**6))


def transition_steps() -> st.SearchStrategy[int]:
    return st.one_of(counts(), st.integers(-5, 0))


def begins() -> st.SearchStrategy[int]:
    return st.one_of(st.just(0), st.integers(-5, 50), st.integers(0, 10**6))


def exponents() -> st.SearchStrategy[float]:
    return st.one_of(st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0]), st.floats(0.0, 10.0))


@st.composite
def constant_schedule(draw: Any) -> Spec:
    return OptaxSpec("optax.constant_schedule", {"value": draw(lrs())})


@st.composite
def linear_schedule(draw: Any) -> Spec:
    kwargs = {
        "init_value": draw(lrs()),
        "end_value": draw(lrs()),
        "transition_steps": draw(transition_steps()),
    }
    if draw(st.booleans()):
        kwargs["transition_begin"] = draw(begins())
    return OptaxSpec("optax.linear_schedule", kwargs)


@st.composite
def polynomial_schedule(draw: Any) -> Spec:
    kwargs = {
        "init_value": draw(lrs()),
        "end_value": draw(lrs()),
        "power": draw(exponents()),
        "transition_steps": draw(transition_steps()),
    }
    if draw(st.booleans()):
        kwargs["transition_begin"] = draw(begins())
    return OptaxSpec("optax.polynomial_schedule", kwargs)


@st.composite
def cosine_decay_schedule(draw: Any) -> Spec:
    kwargs: dict[str, Any] = {"init_value": draw(lrs()), "decay_steps": draw(counts())}
    if draw(st.booleans()):
        kwargs["alpha"] = draw(st.one_of(st.sampled_from([0.0, 0.1, 1.0]), st.floats(0.0, 2.0)))
    if draw(st.booleans()):
        kwargs["exponent"] = draw(exponents())
    return OptaxSpec("optax.cosine_decay_schedule", kwargs)


@st.composite
def exponential_decay(draw: Any, growth: bool = False) -> Spec:
    kwargs: dict[str, Any] = {
        "init_value": draw(lrs()),
        "transition_steps": draw(transition_steps()),
    }
    if growth:  # no bound: grows to float64's largest number
        kwargs["decay_rate"] = draw(st.one_of(st.sampled_from([1.01, 2.0]), st.floats(1.0, 10.0)))
    else:
        kwargs["end_value"] = draw(st.one_of(st.none(), lrs()))
        bounded = kwargs["end_value"] is not None
        kwargs["decay_rate"] = draw(
            st.one_of(
                st.sampled_from([0.0, 0.1, 0.5, 0.96, 1.0]),
                st.floats(0.0, 10.0 if bounded else 1.0),
            )
        )
    if draw(st.booleans()):
        kwargs["transition_begin"] = draw(begins())
    if draw(st.booleans()):
        kwargs["staircase"] = draw(st.booleans())
    return OptaxSpec("optax.exponential_decay", kwargs)


@st.composite
def piecewise_constant_schedule(draw: Any) -> Spec:
    kwargs: dict[str, Any] = {"init_value": draw(lrs())}
    if draw(st.booleans()):
        kwargs["boundaries_and_scales"] = draw(
            st.dictionaries(
                st.one_of(st.integers(-5, 50), st.integers(0, 10**6)),
                st.one_of(st.sampled_from([0.0, 0.1, 0.5, 2.0]), st.floats(0.0, 10.0)),
                max_size=5,
            )
        )
    return OptaxSpec("optax.piecewise_constant_schedule", kwargs)


@st.composite
def piecewise_interpolate_schedule(draw: Any) -> Spec:
    kwargs: dict[str, Any] = {
        "interpolate_type": draw(st.sampled_from(["linear", "cosine"])),
        "init_value": draw(lrs()),
    }
    if draw(st.booleans()):
        kwargs["boundaries_and_scales"] = draw(
            st.dictionaries(
                st.one_of(st.integers(-5, 50), st.integers(0, 10**6)),
                st.one_of(st.sampled_from([0.0, 0.1, 0.5, 2.0]), st.floats(0.0, 10.0)),
                max_size=5,
            )
        )
    return OptaxSpec("optax.piecewise_interpolate_schedule", kwargs)


@st.composite
def warmup_constant_schedule(draw: Any) -> Spec:
    return OptaxSpec(
        "optax.warmup_constant_schedule",
        {
            "init_value": draw(lrs()),
            "peak_value": draw(lrs()),
            "warmup_steps": draw(st.one_of(st.just(0), counts())),
        },
    )


@st.composite
def warmup_cosine_decay_schedule(draw: Any) -> Spec:
    warmup = draw(st.one_of(st.just(0), counts()))
    kwargs: dict[str, Any] = {
        "init_value": draw(lrs()),
        "peak_value": draw(lrs()),
        "warmup_steps": warmup,
        "decay_steps": warmup + draw(counts()),
    }
    if draw(st.booleans()):
        kwargs["end_value"] = draw(lrs())
    if draw(st.booleans()):
        kwargs["exponent"] = draw(exponents())
    return OptaxSpec("optax.warmup_cosine_decay_schedule", kwargs)


@st.composite
def warmup_exponential_decay_schedule(draw: Any) -> Spec:
    decay = draw(exponential_decay())
    kwargs = dict(decay.kwargs)
    kwargs["peak_value"] = kwargs.pop("init_value")
    kwargs["init_value"] = draw(lrs())
    kwargs["warmup_steps"] = draw(st.one_of(st.just(0), counts()))
    return OptaxSpec("optax.warmup_exponential_decay_schedule", kwargs)


@st.composite
def linear_onecycle_schedule(draw: Any) -> Spec:
    kwargs: dict[str, Any] = {"transition_steps": draw(counts()), "peak_value": draw(lrs())}
    if draw(st.booleans()):
        kwargs["pct_start"] = draw(st.one_of(st.sampled_from([0.0, 0.3, 1.0]), st.floats(0, 1)))
    if draw(st.booleans()):
        kwargs["pct_final"] = draw(st.one_of(st.sampled_from([0.0, 0.85, 1.0]), st.floats(0, 1)))
    if draw(st.booleans()):
        kwargs["div_factor"] = draw(st.one_of(st.sampled_from([1.0, 25.0]), st.floats(1e-3, 1e3)))
    if draw(st.booleans()):
        kwargs["final_div_factor"] = draw(st.sampled_from([1.0, 1e4, 0.5]))
    return OptaxSpec("optax.linear_onecycle_schedule", kwargs)


@st.composite
def cosine_onecycle_schedule(draw: Any) -> Spec:
    kwargs: dict[str, Any] = {"transition_steps": draw(counts()), "peak_value": draw(lrs())}
    if draw(st.booleans()):
        kwargs["pct_start"] = draw(st.one_of(st.sampled_from([0.0, 0.3, 1.0]), st.floats(0, 1)))
    if draw(st.booleans()):
        kwargs["div_factor"] = draw(st.one_of(st.sampled_from([1.0, 25.0]), st.floats(1e-3, 1e3)))
    if draw(st.booleans()):
        kwargs["final_div_factor"] = draw(st.sampled_from([1.0, 1e4, 0.5]))
    return OptaxSpec("optax.cosine_onecycle_schedule", kwargs)


@st.composite
def sgdr_schedule(draw: Any) -> Spec:
    cycles = draw(st.lists(warmup_cosine_decay_schedule(), min_size=1, max_size=4))
    return OptaxSpec("optax.sgdr_schedule", {"cosine_kwargs": [dict(c.kwargs) for c in cycles]})


@st.composite
def join_schedules(draw: Any) -> Spec:
    piece = st.one_of(
        constant_schedule(),
        linear_schedule(),
        cosine_decay_schedule(),
        exponential_decay(),
        warmup_cosine_decay_schedule(),
        piecewise_constant_schedule(),
    )
    pieces = draw(st.lists(piece, min_size=1, max_size=4))
    # any order, repeats and negative boundaries included (optax's where-chain)
    boundary = st.one_of(st.integers(-5, 60), st.integers(0, 10**6))
    boundaries = draw(st.lists(boundary, min_size=len(pieces) - 1, max_size=len(pieces) - 1))
    return OptaxSpec("optax.join_schedules", {"schedules": pieces, "boundaries": boundaries})


FAMILIES: dict[str, st.SearchStrategy[Any]] = {
    "optax.constant_schedule": constant_schedule(),
    "optax.linear_schedule": linear_schedule(),
    "optax.polynomial_schedule": polynomial_schedule(),
    "optax.cosine_decay_schedule": cosine_decay_schedule(),
    "optax.exponential_decay": exponential_decay(),
    "optax.exponential_decay-growth": exponential_decay(growth=True),
    "optax.piecewise_constant_schedule": piecewise_constant_schedule(),
    "optax.piecewise_interpolate_schedule": piecewise_interpolate_schedule(),
    "optax.warmup_constant_schedule": warmup_constant_schedule(),
    "optax.warmup_cosine_decay_schedule": warmup_cosine_decay_schedule(),
    "optax.warmup_exponential_decay_schedule": warmup_exponential_decay_schedule(),
    "optax.linear_onecycle_schedule": linear_onecycle_schedule(),
    "optax.cosine_onecycle_schedule": cosine_onecycle_schedule(),
    "optax.sgdr_schedule": sgdr_schedule(),
    "optax.join_schedules": join_schedules(),
}

#: (config, the same schedule built in Python) for every type of this module.
BY_HAND: list[tuple[dict[str, Any], Any]] = [
    ({"type": "optax.constant_schedule", "value": 0.1}, lrkit.optax.constant_schedule(0.1)),
    (
        {
            "type": "optax.linear_schedule",
            "init_value": 0.1,
            "end_value": 0.001,
            "transition_steps": 100,
            "transition_begin": 10,
        },
        lrkit.optax.linear_schedule(0.1, 0.001, 100, 10),
    ),
    (
        {
            "type": "optax.polynomial_schedule",
            "init_value": 0.1,
            "end_value": 0.0,
            "power": 2.0,
            "transition_steps": 50,
        },
        lrkit.optax.polynomial_schedule(0.1, 0.0, 2.0, 50),
    ),
    (
        {
            "type": "optax.cosine_decay_schedule",
            "init_value": 0.1,
            "decay_steps": 100,
            "alpha": 0.1,
        },
        lrkit.optax.cosine_decay_schedule(0.1, 100, alpha=0.1),
    ),
    (
        {
            "type": "optax.exponential_decay",
            "init_value": 0.1,
            "transition_steps": 10,
            "decay_rate": 0.5,
            "staircase": True,
            "end_value": 0.001,
        },
        lrkit.optax.exponential_decay(0.1, 10, 0.5, staircase=True, end_value=0.001),
    ),
    (
        {
            "type": "optax.piecewise_constant_schedule",
            "init_value": 0.1,
            "boundaries_and_scales": {"100": 0.1, "50": 0.5},
        },
        lrkit.optax.piecewise_constant_schedule(0.1, {50: 0.5, 100: 0.1}),
    ),
    (
        {
            "type": "optax.piecewise_interpolate_schedule",
            "interpolate_type": "cosine",
            "init_value": 0.1,
            "boundaries_and_scales": [[100, 0.1], [50, 0.5]],
        },
        lrkit.optax.piecewise_interpolate_schedule("cosine", 0.1, {50: 0.5, 100: 0.1}),
    ),
    (
        {
            "type": "optax.warmup_constant_schedule",
            "init_value": 0.0,
            "peak_value": 0.1,
            "warmup_steps": 10,
        },
        lrkit.optax.warmup_constant_schedule(0.0, 0.1, 10),
    ),
    (
        {
            "type": "optax.warmup_cosine_decay_schedule",
            "init_value": 0.0,
            "peak_value": 0.1,
            "warmup_steps": 10,
            "decay_steps": 100,
            "end_value": 0.001,
        },
        lrkit.optax.warmup_cosine_decay_schedule(0.0, 0.1, 10, 100, end_value=0.001),
    ),
    (
        {
            "type": "optax.warmup_exponential_decay_schedule",
            "init_value": 0.0,
            "peak_value": 0.1,
            "warmup_steps": 10,
            "transition_steps": 100,
            "decay_rate": 0.5,
        },
        lrkit.optax.warmup_exponential_decay_schedule(0.0, 0.1, 10, 100, 0.5),
    ),
    (
        {"type": "optax.linear_onecycle_schedule", "transition_steps": 100, "peak_value": 0.1},
        lrkit.optax.linear_onecycle_schedule(100, 0.1),
    ),
    (
        {"type": "optax.cosine_onecycle_schedule", "transition_steps": 100, "peak_value": 0.1},
        lrkit.optax.cosine_onecycle_schedule(100, 0.1),
    ),
    (
        {
            "type": "optax.sgdr_schedule",
            "cosine_kwargs": [
                {"init_value": 0.0, "peak_value": 0.1, "warmup_steps": 5, "decay_steps": 50},
                {"init_value": 0.0, "peak_value": 0.05, "warmup_steps": 0, "decay_steps": 30},
            ],
        },
        lrkit.optax.sgdr_schedule(
            [
                lrkit.optax.warmup_cosine_decay_schedule(0.0, 0.1, 5, 50),
                lrkit.optax.warmup_cosine_decay_schedule(0.0, 0.05, 0, 30),
            ]
        ),
    ),
    (
        {
            "type": "optax.join_schedules",
            "schedules": [
                {
                    "type": "optax.linear_schedule",
                    "init_value": 0.0,
                    "end_value": 0.1,
                    "transition_steps": 10,
                },
                {"type": "CosineAnnealingLR", "lr": 0.1, "T_max": 90},
            ],
            "boundaries": [10],
        },
        lrkit.optax.join_schedules(
            [lrkit.optax.linear_schedule(0.0, 0.1, 10), lrkit.CosineAnnealingLR(lr=0.1, T_max=90)],
            [10],
        ),
    ),
]
