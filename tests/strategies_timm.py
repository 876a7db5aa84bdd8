"""Hypothesis strategies for lrkit.timm's schedulers (merged into families.FAMILIES).

A spec's kind is the config type (``"timm.CosineLRScheduler"``); it builds through the
class of lrkit.timm of that name. The arguments cover timm's edges: no warm-up, the warm-up
as a prefix or not, cycles that grow (the float-logarithm cycle index), shrink or repeat,
cycle limits of 0, 1 and more, k-decay, milestones at 0 and repeated, and noise (normal
and uniform, from a step or in a window).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st
from strategies import Spec, lrs  # tests/ is on sys.path

import lrkit.timm
from lrkit.core import Schedule


@dataclass(frozen=True)
class TimmSpec(Spec):
    """A spec built by ``lrkit.timm.<Class>(**kwargs)`` (kind ``"timm.<Class>"``)."""

    def build(self) -> Schedule:
        cls = getattr(lrkit.timm, self.kind.split(".", 1)[1])
        built: Schedule = cls(**self.kwargs)
        return built


def counts() -> st.SearchStrategy[int]:
    return st.one_of(st.integers(1, 30), st.integers(1, 10**6))


def noise() -> st.SearchStrategy[dict[str, Any]]:
    window = st.one_of(
        st.none(),
        st.integers(0, 40),
        st.tuples(st.integers(0, 30), st.integers(0, 60)).map(list),
    )
    return st.fixed_dictionaries(
        {"noise_range_t": window},
        optional={
            "noise_pct": st.sampled_from([0.1, 0.5, 0.67, 1.0]),
            "noise_std": st.sampled_from([0.0, 0.5, 1.0, 2.0]),
            "noise_seed": st.integers(0, 1000),
            "noise_type": st.sampled_from(["normal", "uniform"]),
        },
    )


def warmup() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {},
        optional={
            "warmup_t": st.one_of(st.just(0), st.integers(1, 20)),
            "warmup_lr_init": lrs(),
            "warmup_prefix": st.booleans(),
            "t_in_epochs": st.booleans(),
        },
    )


def cycles() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"t_initial": counts()},
        optional={
            "lr_min": lrs(),
            "cycle_mul": st.one_of(
                st.sampled_from([1.0, 2.0, 1.5, 0.5, 1.3]), st.floats(0.05, 5.0)
            ),
            "cycle_decay": st.one_of(st.sampled_from([1.0, 0.5, 0.0]), st.floats(0.0, 1.0)),
            "cycle_limit": st.one_of(st.integers(0, 5), st.integers(0, 10**6)),
        },
    )


@st.composite
def cosine(draw: Any) -> Spec:
    kwargs = {"lr": draw(lrs()), **draw(cycles()), **draw(warmup()), **draw(noise())}
    if draw(st.booleans()):
        kwargs["k_decay"] = draw(st.one_of(st.sampled_from([0.5, 1.0, 2.0]), st.floats(0.1, 5)))
    return TimmSpec("timm.CosineLRScheduler", kwargs)


@st.composite
def tanh(draw: Any) -> Spec:
    kwargs = {"lr": draw(lrs()), **draw(cycles()), **draw(warmup()), **draw(noise())}
    if draw(st.booleans()):
        lb = draw(st.floats(-10.0, 5.0))
        kwargs["lb"] = lb
        kwargs["ub"] = lb + draw(st.floats(0.5, 10.0))
    return TimmSpec("timm.TanhLRScheduler", kwargs)


@st.composite
def poly(draw: Any) -> Spec:
    kwargs = {"lr": draw(lrs()), **draw(cycles()), **draw(warmup()), **draw(noise())}
    if draw(st.booleans()):
        kwargs["power"] = draw(st.one_of(st.sampled_from([0.0, 0.5, 1.0, 2.0]), st.floats(0, 5)))
    if draw(st.booleans()):
        kwargs["k_decay"] = draw(st.one_of(st.sampled_from([0.5, 1.0, 2.0]), st.floats(0.1, 5)))
    return TimmSpec("timm.PolyLRScheduler", kwargs)


@st.composite
def step(draw: Any) -> Spec:
    kwargs = {
        "lr": draw(lrs()),
        "decay_t": draw(st.one_of(counts(), st.floats(0.5, 100.0))),
        **draw(warmup()),
        **draw(noise()),
    }
    if draw(st.booleans()):
        kwargs["decay_rate"] = draw(
            st.one_of(st.sampled_from([0.0, 0.1, 0.5, 1.0]), st.floats(0, 1))
        )
    return TimmSpec("timm.StepLRScheduler", kwargs)


@st.composite
def multistep(draw: Any) -> Spec:
    milestones = sorted(draw(st.lists(st.integers(0, 60), max_size=5)))
    kwargs = {"lr": draw(lrs()), "decay_t": milestones, **draw(warmup()), **draw(noise())}
    if draw(st.booleans()):
        kwargs["decay_rate"] = draw(
            st.one_of(st.sampled_from([0.0, 0.1, 0.5, 1.0]), st.floats(0, 1))
        )
    return TimmSpec("timm.MultiStepLRScheduler", kwargs)


FAMILIES: dict[str, st.SearchStrategy[Any]] = {
    "timm.CosineLRScheduler": cosine(),
    "timm.TanhLRScheduler": tanh(),
    "timm.PolyLRScheduler": poly(),
    "timm.StepLRScheduler": step(),
    "timm.MultiStepLRScheduler": multistep(),
}

BY_HAND: list[tuple[dict[str, Any], Any]] = [
    (
        {
            "type": "timm.CosineLRScheduler",
            "lr": 0.1,
            "t_initial": 100,
            "lr_min": 1e-5,
            "warmup_t": 5,
            "warmup_lr_init": 1e-4,
        },
        lrkit.timm.CosineLRScheduler(0.1, 100, lr_min=1e-5, warmup_t=5, warmup_lr_init=1e-4),
    ),
    (
        {
            "type": "timm.TanhLRScheduler",
            "lr": 0.1,
            "t_initial": 50,
            "cycle_mul": 2.0,
            "cycle_limit": 3,
            "noise_range_t": [10, 40],
        },
        lrkit.timm.TanhLRScheduler(0.1, 50, cycle_mul=2.0, cycle_limit=3, noise_range_t=(10, 40)),
    ),
    (
        {"type": "timm.PolyLRScheduler", "lr": 0.1, "t_initial": 100, "power": 2.0},
        lrkit.timm.PolyLRScheduler(0.1, 100, power=2.0),
    ),
    (
        {"type": "timm.StepLRScheduler", "lr": 0.1, "decay_t": 30, "decay_rate": 0.1},
        lrkit.timm.StepLRScheduler(0.1, 30, decay_rate=0.1),
    ),
    (
        {
            "type": "timm.MultiStepLRScheduler",
            "lr": 0.1,
            "decay_t": [30, 60, 90],
            "decay_rate": 0.1,
            "warmup_t": 3,
        },
        lrkit.timm.MultiStepLRScheduler(0.1, [30, 60, 90], decay_rate=0.1, warmup_t=3),
    ),
]
