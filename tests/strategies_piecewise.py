"""Hypothesis strategies for the piecewise schedules (merged into strategies.FAMILIES).

PiecewiseConstant and PiecewiseLinear draw tables of whole and fractional steps (up to
2**53, the largest allowed); CosineRestarts draws integer and fractional periods, integer
and real ``period_mult`` (down to the float just above 1), decays in (0, 1] (``-growth``:
above 1, whose peaks saturate at the largest float64), ``final_lr`` from 0 to ``lr``, and
limits or none.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from strategies import Spec, lrs  # (tests/ is on sys.path)

import lrkit

#: Family name -> strategy drawing a Spec (names "Type" or "Type-variant").
FAMILIES: dict[str, st.SearchStrategy[Any]] = {}
#: (config, the same schedule built in Python) for every type of this module.
BY_HAND: list[tuple[dict[str, Any], Any]] = []


def table_steps() -> st.SearchStrategy[float]:
    """A step of a table: whole or fractional, mostly small, up to 2**53."""
    return st.one_of(
        st.integers(0, 10_000),
        st.integers(0, 10**7),
        st.floats(min_value=0.0, max_value=1e6),
        st.sampled_from([0, 1, 2**53 - 1, 2**53, 0.5, 1e15 + 0.5]),
    )


def increasing(draw: Any, min_size: int, max_size: int) -> list[float]:
    """Strictly increasing table steps (as drawn: ints stay ints)."""
    steps = draw(st.lists(table_steps(), min_size=min_size, max_size=max_size))
    chosen: dict[float, float] = {}
    for step in steps:
        chosen.setdefault(float(step), step)
    ordered = [chosen[key] for key in sorted(chosen)]
    if len(ordered) < min_size:
        ordered = [0]
    return ordered


@st.composite
def piecewise_constant(draw: Any) -> Spec:
    boundaries = increasing(draw, 0, 6)
    values = draw(st.lists(lrs(), min_size=len(boundaries) + 1, max_size=len(boundaries) + 1))
    return Spec("PiecewiseConstant", {"boundaries": boundaries, "values": values})


@st.composite
def piecewise_linear(draw: Any) -> Spec:
    steps = increasing(draw, 1, 6)
    values = draw(st.lists(lrs(), min_size=len(steps), max_size=len(steps)))
    return Spec("PiecewiseLinear", {"steps": steps, "values": values})


def periods() -> st.SearchStrategy[float]:
    return st.one_of(
        st.integers(1, 10_000),
        st.sampled_from([1, 7, 1e-6, 0.1, 2.5, 2**53]),
        st.floats(min_value=1e-3, max_value=1e5),
    )


def period_mults() -> st.SearchStrategy[float]:
    return st.one_of(
        st.sampled_from([1, 1.0, 2, 3, 1.5, 1.1, 1.0 + 2**-52, 1.001]),
        st.integers(1, 10),
        st.floats(min_value=1.0, max_value=4.0),
    )


@st.composite
def cosine_restarts(draw: Any, growth: bool = False) -> Spec:
    lr = draw(lrs())
    kwargs: dict[str, Any] = {"lr": lr, "period": draw(periods())}
    if draw(st.booleans()):
        kwargs["period_mult"] = draw(period_mults())
    if growth:
        kwargs["decay"] = draw(st.one_of(st.floats(min_value=1.0, max_value=10.0), st.just(1e300)))
    elif draw(st.booleans()):
        kwargs["decay"] = draw(
            st.one_of(
                st.sampled_from([0.5, 0.9, 0.99, 1.0, 1.0 - 2**-53, 5e-324]),
                st.floats(min_value=0.0, max_value=1.0, exclude_min=True),
            )
        )
    if draw(st.booleans()):
        kwargs["final_lr"] = draw(st.sampled_from([0.0, lr, lr / 3, lr * 1e-6]))
    if draw(st.booleans()):
        kwargs["limit"] = draw(st.one_of(st.integers(1, 30), st.just(2**53)))
    return Spec("CosineRestarts", kwargs)


FAMILIES["PiecewiseConstant"] = piecewise_constant()
FAMILIES["PiecewiseLinear"] = piecewise_linear()
FAMILIES["CosineRestarts"] = cosine_restarts()
FAMILIES["CosineRestarts-growth"] = cosine_restarts(growth=True)

BY_HAND += [
    (
        {"type": "PiecewiseConstant", "boundaries": [100, 150], "values": [0.1, 0.01, 0.001]},
        lrkit.PiecewiseConstant(boundaries=(100, 150), values=(0.1, 0.01, 0.001)),
    ),
    (
        {"type": "PiecewiseLinear", "steps": [0, 10, 110.5], "values": [0.0, 0.1, 0.001]},
        lrkit.PiecewiseLinear(steps=[0.0, 10.0, 110.5], values=[0, 0.1, 0.001]),
    ),
    (
        {
            "type": "CosineRestarts",
            "lr": 0.1,
            "period": 10,
            "period_mult": 1.5,
            "decay": 0.5,
            "final_lr": 1e-4,
            "limit": 4,
        },
        lrkit.CosineRestarts(0.1, 10.0, period_mult=1.5, decay=0.5, final_lr=1e-4, limit=4),
    ),
]
