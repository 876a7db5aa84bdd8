"""Hypothesis strategies for Hugging Face transformers' schedules (lrkit.transformers),
merged into families.FAMILIES; a Spec's kind is the config type ``"transformers.<name>"``."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from strategies import Spec, lrs, positive_lrs  # tests/ is on sys.path

import lrkit
from lrkit import transformers as hf


class DialectSpec(Spec):
    """A Spec whose kind is ``"transformers.<name>"``: built by lrkit.transformers.<name>."""

    def build(self) -> lrkit.Schedule:
        function = getattr(hf, self.kind.split(".", 1)[1])
        return function(**dict(self.kwargs))  # type: ignore[no-any-return]


def counts(low: int = 0) -> st.SearchStrategy[int]:
    return st.one_of(st.integers(low, 60), st.integers(low, 10**6))


def fractions() -> st.SearchStrategy[float]:
    return st.one_of(st.sampled_from([0.0, 0.1, 0.5]), st.floats(0.0, 0.99))


def cycles() -> st.SearchStrategy[float]:
    return st.one_of(st.sampled_from([0.5, 1, 2, 0.25]), st.floats(0.0, 20.0))


def _spec(name: str, **kwargs: Any) -> DialectSpec:
    return DialectSpec(f"transformers.{name}", kwargs)


@st.composite
def warmup_decay(draw: Any, name: str) -> DialectSpec:
    kwargs: dict[str, Any] = {
        "lr": draw(lrs()),
        "num_warmup_steps": draw(counts()),
        "num_training_steps": draw(counts()),
    }
    if name in ("cosine", "cosine_with_restarts") and draw(st.booleans()):
        kwargs["num_cycles"] = draw(cycles())
    return _spec(name, **kwargs)


@st.composite
def polynomial(draw: Any) -> DialectSpec:
    lr = draw(positive_lrs())
    w = draw(counts())
    n = draw(counts().filter(lambda n: n != w))
    kwargs: dict[str, Any] = {"lr": lr, "num_warmup_steps": w, "num_training_steps": n}
    if lr <= 1e-7 or draw(st.booleans()):  # (the default lr_end is 1e-7)
        kwargs["lr_end"] = lr * draw(fractions())
    if draw(st.booleans()):
        kwargs["power"] = draw(
            st.one_of(st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0]), st.floats(0, 8))
        )
    return _spec("polynomial", **kwargs)


@st.composite
def with_min_lr(draw: Any, name: str) -> DialectSpec:
    lr = draw(positive_lrs())
    kwargs: dict[str, Any] = {
        "lr": lr,
        "num_warmup_steps": draw(counts()),
        "num_training_steps": draw(counts()),
    }
    if draw(st.booleans()):
        kwargs["min_lr"] = lr * draw(fractions())
    else:
        kwargs["min_lr_rate"] = draw(fractions())
    if draw(st.booleans()):
        kwargs["num_cycles"] = draw(cycles())
    if name == "cosine_warmup_with_min_lr" and draw(st.booleans()):
        kwargs["warmup_lr_rate"] = draw(fractions())
    return _spec(name, **kwargs)


@st.composite
def wsd(draw: Any) -> DialectSpec:
    kwargs: dict[str, Any] = {
        "lr": draw(lrs()),
        "num_warmup_steps": draw(counts()),
        "num_decay_steps": draw(counts()),
        "warmup_type": draw(st.sampled_from(["linear", "cosine", "1-sqrt"])),
        "decay_type": draw(st.sampled_from(["linear", "cosine", "1-sqrt"])),
        "min_lr_ratio": draw(fractions()),
    }
    if draw(st.booleans()):
        kwargs["num_stable_steps"] = draw(counts())
    else:
        kwargs["num_training_steps"] = draw(counts())
    if draw(st.booleans()):
        kwargs["num_cycles"] = draw(cycles())
    return _spec("warmup_stable_decay", **kwargs)


@st.composite
def inverse_sqrt(draw: Any) -> DialectSpec:
    kwargs: dict[str, Any] = {"lr": draw(lrs()), "num_warmup_steps": draw(counts())}
    if draw(st.booleans()):
        kwargs["timescale"] = draw(counts(1))
    return _spec("inverse_sqrt", **kwargs)


FAMILIES: dict[str, st.SearchStrategy[Any]] = {
    "transformers.linear": warmup_decay("linear"),
    "transformers.cosine": warmup_decay("cosine"),
    "transformers.cosine_with_restarts": warmup_decay("cosine_with_restarts"),
    "transformers.polynomial": polynomial(),
    "transformers.constant": st.builds(lambda lr: _spec("constant", lr=lr), lrs()),
    "transformers.constant_with_warmup": st.builds(
        lambda lr, w: _spec("constant_with_warmup", lr=lr, num_warmup_steps=w), lrs(), counts()
    ),
    "transformers.inverse_sqrt": inverse_sqrt(),
    "transformers.cosine_with_min_lr": with_min_lr("cosine_with_min_lr"),
    "transformers.cosine_warmup_with_min_lr": with_min_lr("cosine_warmup_with_min_lr"),
    "transformers.warmup_stable_decay": wsd(),
}

BY_HAND: list[tuple[dict[str, Any], Any]] = [
    (
        {
            "type": "transformers.linear",
            "lr": 0.1,
            "num_warmup_steps": 10,
            "num_training_steps": 100,
        },
        hf.linear(lr=0.1, num_warmup_steps=10, num_training_steps=100),
    ),
    (
        {
            "type": "transformers.cosine",
            "lr": 3e-4,
            "num_warmup_steps": 0,
            "num_training_steps": 50,
            "num_cycles": 1.5,
        },
        hf.cosine(lr=3e-4, num_warmup_steps=0, num_training_steps=50, num_cycles=1.5),
    ),
    (
        {
            "type": "transformers.cosine_with_restarts",
            "lr": 0.1,
            "num_warmup_steps": 5,
            "num_training_steps": 90,
            "num_cycles": 3,
        },
        hf.cosine_with_restarts(lr=0.1, num_warmup_steps=5, num_training_steps=90, num_cycles=3),
    ),
    (
        {
            "type": "transformers.polynomial",
            "lr": 0.1,
            "num_warmup_steps": 5,
            "num_training_steps": 90,
            "lr_end": 0.01,
            "power": 2.0,
        },
        hf.polynomial(lr=0.1, num_warmup_steps=5, num_training_steps=90, lr_end=0.01, power=2.0),
    ),
    ({"type": "transformers.constant", "lr": 0.1}, hf.constant(lr=0.1)),
    (
        {"type": "transformers.constant_with_warmup", "lr": 0.1, "num_warmup_steps": 10},
        hf.constant_with_warmup(lr=0.1, num_warmup_steps=10),
    ),
    (
        {"type": "transformers.inverse_sqrt", "lr": 0.1, "num_warmup_steps": 10, "timescale": 40},
        hf.inverse_sqrt(lr=0.1, num_warmup_steps=10, timescale=40),
    ),
    (
        {
            "type": "transformers.cosine_with_min_lr",
            "lr": 0.1,
            "num_warmup_steps": 10,
            "num_training_steps": 100,
            "min_lr": 0.001,
        },
        hf.cosine_with_min_lr(lr=0.1, num_warmup_steps=10, num_training_steps=100, min_lr=0.001),
    ),
    (
        {
            "type": "transformers.cosine_warmup_with_min_lr",
            "lr": 0.1,
            "num_warmup_steps": 10,
            "num_training_steps": 100,
            "min_lr_rate": 0.1,
            "warmup_lr_rate": 0.2,
        },
        hf.cosine_warmup_with_min_lr(
            lr=0.1, num_warmup_steps=10, num_training_steps=100, min_lr_rate=0.1, warmup_lr_rate=0.2
        ),
    ),
    (
        {
            "type": "transformers.warmup_stable_decay",
            "lr": 0.1,
            "num_warmup_steps": 10,
            "num_decay_steps": 20,
            "num_training_steps": 100,
            "decay_type": "1-sqrt",
        },
        hf.warmup_stable_decay(
            lr=0.1,
            num_warmup_steps=10,
            num_training_steps=100,
            num_decay_steps=20,
            decay_type="1-sqrt",
        ),
    ),
]
