"""lrkit.transformers against the installed transformers' get_scheduler, step by step.

Each case builds a real torch optimizer, drives transformers' scheduler through the whole
run and past its end, and compares every learning rate with lrkit's: the scalar path float
for float (it does transformers' arithmetic in the same order), the array path within
1e-12 relative (numpy's cos/sqrt may differ from math's in the last bit; an absolute
1e-15 * lr covers the cancellation in 1 + cos near the trough).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
import strategies_transformers  # tests/ is on sys.path
from hypothesis import given, settings
from hypothesis import strategies as st

import lrkit
from lrkit import transformers as hf

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

# (name, lr, num_warmup_steps, num_training_steps, scheduler_specific_kwargs)
CASES: list[tuple[str, float, int | None, int | None, dict[str, Any]]] = [
    ("linear", 0.1, 10, 100, {}),
    ("linear", 0.1, 0, 100, {}),
    ("linear", 3e-4, 7, 7, {}),
    ("linear", 1.0, 30, 20, {}),
    ("linear", 0.5, 0, 0, {}),
    ("linear", 2e-5, 1, 37, {}),
    ("cosine", 0.1, 10, 100, {}),
    ("cosine", 0.1, 0, 100, {}),
    ("cosine", 3e-4, 5, 77, {"num_cycles": 1.5}),
    ("cosine", 1.0, 0, 1, {}),
    ("cosine", 0.7, 20, 10, {"num_cycles": 0.25}),
    ("cosine", 0.01, 3, 50, {"num_cycles": 0}),
    ("cosine_with_restarts", 0.1, 10, 100, {}),
    ("cosine_with_restarts", 0.1, 0, 90, {"num_cycles": 3}),
    ("cosine_with_restarts", 3e-4, 4, 61, {"num_cycles": 2.5}),
    ("cosine_with_restarts", 1.0, 0, 1, {"num_cycles": 7}),
    ("cosine_with_restarts", 0.2, 15, 15, {"num_cycles": 2}),
    ("polynomial", 0.1, 10, 100, {}),
    ("polynomial", 0.1, 0, 100, {"power": 2.0, "lr_end": 0.0}),
    ("polynomial", 3e-4, 5, 64, {"power": 0.5, "lr_end": 1e-5}),
    ("polynomial", 1.0, 20, 10, {"power": 3.0}),
    ("polynomial", 0.05, 0, 1, {"power": 0.0, "lr_end": 0.01}),
    ("polynomial", 0.9, 3, 40, {"power": 1.7, "lr_end": 0.3}),
    ("constant", 0.1, None, None, {}),
    ("constant", 3e-4, 10, 100, {}),
    ("constant_with_warmup", 0.1, 10, None, {}),
    ("constant_with_warmup", 0.1, 0, None, {}),
    ("constant_with_warmup", 7e-3, 1, None, {}),
    ("constant_with_warmup", 1.0, 33, 100, {}),
    ("inverse_sqrt", 0.1, 10, None, {}),
    ("inverse_sqrt", 0.1, 0, None, {}),
    ("inverse_sqrt", 3e-4, 25, None, {"timescale": 7}),
    ("inverse_sqrt", 1.0, 0, None, {"timescale": 3}),
    ("inverse_sqrt", 0.02, 4, 100, {"timescale": 100}),
    ("cosine_with_min_lr", 0.1, 10, 100, {"min_lr_rate": 0.1}),
    ("cosine_with_min_lr", 0.1, 0, 100, {"min_lr": 1e-3}),
    ("cosine_with_min_lr", 3e-4, 6, 50, {"min_lr": 3e-5, "num_cycles": 1.0}),
    ("cosine_with_min_lr", 1.0, 0, 1, {"min_lr_rate": 0.0}),
    ("cosine_with_min_lr", 0.5, 12, 10, {"min_lr_rate": 0.5, "num_cycles": 0.3}),
    ("cosine_warmup_with_min_lr", 0.1, 10, 100, {"min_lr_rate": 0.1}),
    ("cosine_warmup_with_min_lr", 0.1, 0, 100, {"min_lr": 1e-3}),
    ("cosine_warmup_with_min_lr", 3e-4, 6, 50, {"min_lr_rate": 0.05, "warmup_lr_rate": 0.2}),
    ("cosine_warmup_with_min_lr", 1.0, 1, 1, {"min_lr_rate": 0.0, "warmup_lr_rate": 0.5}),
    ("cosine_warmup_with_min_lr", 0.3, 2, 40, {"min_lr": 0.03, "num_cycles": 1.25}),
    ("cosine_warmup_with_min_lr", 0.3, 9, 5, {"min_lr_rate": 0.2, "warmup_lr_rate": 0.0}),
    ("warmup_stable_decay", 0.1, 10, 100, {"num_decay_steps": 20}),
    ("warmup_stable_decay", 0.1, 0, 100, {"num_decay_steps": 30, "decay_type": "linear"}),
    (
        "warmup_stable_decay",
        3e-4,
        8,
        None,
        {"num_decay_steps": 12, "num_stable_steps": 5, "warmup_type": "cosine"},
    ),
    (
        "warmup_stable_decay",
        1.0,
        9,
        50,
        {"num_decay_steps": 16, "warmup_type": "1-sqrt", "decay_type": "1-sqrt"},
    ),
    (
        "warmup_stable_decay",
        0.2,
        5,
        60,
        {"num_decay_steps": 25, "min_lr_ratio": 0.1, "num_cycles": 1.0},
    ),
    ("warmup_stable_decay", 0.2, 20, 30, {"num_decay_steps": 25, "warmup_type": "cosine"}),
    ("warmup_stable_decay", 0.5, 0, 10, {"num_decay_steps": 0, "min_lr_ratio": 0.25}),
]


def _reference(
    name: str, lr: float, w: Any, n: Any, kwargs: dict[str, Any], steps: int
) -> list[float]:
    """The optimizer's lr after t = 0 .. steps - 1 calls of transformers' scheduler.step()."""
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scheduler = transformers.get_scheduler(
            name,
            optimizer,
            num_warmup_steps=w,
            num_training_steps=n,
            scheduler_specific_kwargs=kwargs,
        )
        out = []
        for _ in range(steps):
            out.append(optimizer.param_groups[0]["lr"])
            optimizer.step()
            scheduler.step()
    return out


def _ours(name: str, lr: float, w: Any, n: Any, kwargs: dict[str, Any]) -> lrkit.Schedule:
    return getattr(hf, name)(lr=lr, num_warmup_steps=w, num_training_steps=n, **kwargs)  # type: ignore[no-any-return]


def _span(w: Any, n: Any, kwargs: dict[str, Any]) -> int:
    ends = [x or 0 for x in (w, n, kwargs.get("num_decay_steps"), kwargs.get("timescale"))]
    return 2 * max(ends) + 40


@pytest.mark.parametrize(
    "case", CASES, ids=lambda c: f"{c[0]}-{c[2]}-{c[3]}-{sorted(c[4].items())}"
)
def test_every_step_matches_transformers(case: tuple[str, float, Any, Any, dict[str, Any]]) -> None:
    name, lr, w, n, kwargs = case
    steps = _span(w, n, kwargs)
    expected = _reference(name, lr, w, n, kwargs, steps)
    s = _ours(name, lr, w, n, kwargs)
    scalar = [s(t) for t in range(steps)]
    assert scalar == expected  # float for float
    array = s(np.arange(steps))
    np.testing.assert_allclose(array, expected, rtol=1e-12, atol=1e-15 * lr)


@pytest.mark.parametrize("case", CASES[::3], ids=lambda c: f"{c[0]}-{c[2]}-{c[3]}")
def test_config_round_trip_and_type(case: tuple[str, float, Any, Any, dict[str, Any]]) -> None:
    name, lr, w, n, kwargs = case
    s = _ours(name, lr, w, n, kwargs)
    config = s.to_config()
    assert config["type"] == f"transformers.{name}"
    assert config["lr"] == lr
    again = lrkit.from_config(config)
    assert again == s
    steps = np.arange(_span(w, n, kwargs))
    assert list(again(steps)) == list(s(steps))


def test_config_by_hand() -> None:
    s = lrkit.from_config(
        {"type": "transformers.cosine", "lr": 0.1, "num_warmup_steps": 5, "num_training_steps": 50}
    )
    assert s == hf.cosine(lr=0.1, num_warmup_steps=5, num_training_steps=50)
    assert s(5) == 0.1


def test_huge_steps_are_finite_and_agree() -> None:
    big = [2**53 - 1, 2**53, 2**62, 2**63 - 1]
    for name, lr, w, n, kwargs in CASES:
        s = _ours(name, lr, w, n, kwargs)
        scalar = np.array([s(t) for t in big])
        array = s(np.array(big, dtype=np.int64))
        assert np.isfinite(scalar).all() and (scalar >= 0).all(), name
        np.testing.assert_allclose(array, scalar, rtol=1e-12, atol=1e-15 * lr)


def test_formulas_written_out() -> None:
    """A few values from the formulas, computed here independently."""
    import math

    s = hf.cosine(lr=2.0, num_warmup_steps=4, num_training_steps=12)
    assert s(2) == 2.0 * 2 / 4
    assert s(8) == pytest.approx(2.0 * 0.5 * (1 + math.cos(math.pi * 4 / 8)), rel=1e-15)
    assert s(20) == pytest.approx(2.0, rel=1e-15)  # the cosine comes back up past the end
    p = hf.polynomial(lr=1.0, num_warmup_steps=0, num_training_steps=10, lr_end=0.5, power=2)
    assert p(5) == pytest.approx(0.5 * 0.25 + 0.5, rel=1e-15)
    i = hf.inverse_sqrt(lr=1.0, num_warmup_steps=0)  # timescale 10_000
    assert i(30_000) == pytest.approx(0.5, rel=1e-15)
    c = hf.cosine_warmup_with_min_lr(
        lr=1.0, num_warmup_steps=0, num_training_steps=4, min_lr_rate=0
    )
    assert c(0) == pytest.approx(0.5 * (1 + math.cos(math.pi / 4)), rel=1e-15)  # one step in


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda: hf.linear(lr=-0.1, num_warmup_steps=0, num_training_steps=10), "lr"),
        (lambda: hf.linear(lr=0.1, num_warmup_steps=-1, num_training_steps=10), "num_warmup_steps"),
        (
            lambda: hf.cosine(lr=0.1, num_warmup_steps=0, num_training_steps=1.5),
            "num_training_steps",
        ),
        (
            lambda: hf.cosine(lr=0.1, num_warmup_steps=0, num_training_steps=9, num_cycles=-1),
            "num_cycles",
        ),
        (
            lambda: hf.polynomial(lr=0.1, num_warmup_steps=0, num_training_steps=9, lr_end=0.2),
            "lr_end",
        ),
        (
            lambda: hf.polynomial(lr=0.1, num_warmup_steps=5, num_training_steps=5),
            "num_training_steps",
        ),
        (
            lambda: hf.polynomial(lr=0.1, num_warmup_steps=0, num_training_steps=5, power=-1),
            "power",
        ),
        (lambda: hf.inverse_sqrt(lr=0.1, num_warmup_steps=0, timescale=0), "timescale"),
        (
            lambda: hf.cosine_with_min_lr(lr=0.1, num_warmup_steps=0, num_training_steps=5),
            "min_lr_rate",
        ),
        (
            lambda: hf.cosine_with_min_lr(
                lr=0.1, num_warmup_steps=0, num_training_steps=5, min_lr=0.0, min_lr_rate=0.0
            ),
            "min_lr",
        ),
        (
            lambda: hf.cosine_warmup_with_min_lr(
                lr=0.0, num_warmup_steps=0, num_training_steps=5, min_lr=0.0
            ),
            "lr",
        ),
        (
            lambda: hf.cosine_warmup_with_min_lr(
                lr=0.1, num_warmup_steps=0, num_training_steps=5, min_lr_rate=0.0, warmup_lr_rate=-1
            ),
            "warmup_lr_rate",
        ),
        (
            lambda: hf.warmup_stable_decay(lr=0.1, num_warmup_steps=0, num_decay_steps=5),
            "num_training_steps",
        ),
        (
            lambda: hf.warmup_stable_decay(
                lr=0.1,
                num_warmup_steps=0,
                num_training_steps=9,
                num_decay_steps=5,
                decay_type="exp",
            ),
            "decay_type",
        ),
        (
            lambda: hf.warmup_stable_decay(
                lr=0.1, num_warmup_steps=0, num_training_steps=9, num_decay_steps=5, warmup_type="x"
            ),
            "warmup_type",
        ),
        (
            lambda: hf.warmup_stable_decay(
                lr=0.1, num_warmup_steps=0, num_training_steps=9, num_decay_steps=-5
            ),
            "num_decay_steps",
        ),
    ],
)
def test_errors_name_the_argument(call: Any, argument: str) -> None:
    with pytest.raises((ValueError, TypeError), match=argument):
        call()


def test_names_match_transformers() -> None:
    from transformers.trainer_utils import SchedulerType

    ours = set(hf.__all__)
    theirs = {s.value for s in SchedulerType} - {"reduce_lr_on_plateau", "greedy"}
    assert ours == theirs


def _lambda_reference(spec_kwargs: dict[str, Any], name: str) -> Any:
    """transformers' scheduler for a drawn spec: its value at step t is base lr times its
    multiplier at t (what torch's LambdaLR computes at last_epoch = t)."""
    kwargs = dict(spec_kwargs)
    lr = kwargs.pop("lr")
    w = kwargs.pop("num_warmup_steps", None)
    n = kwargs.pop("num_training_steps", None)
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scheduler = transformers.get_scheduler(
            name,
            optimizer,
            num_warmup_steps=w,
            num_training_steps=n,
            scheduler_specific_kwargs=kwargs,
        )
    factor = scheduler.lr_lambdas[0]
    return lambda t: lr * factor(t)


@pytest.mark.parametrize("family", sorted(strategies_transformers.FAMILIES))
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_drawn_configurations_match_transformers(family: str, data: st.DataObject) -> None:
    """Random arguments (families' strategies), steps around every boundary and far past."""
    spec = data.draw(strategies_transformers.FAMILIES[family], label="spec")
    name = family.split(".", 1)[1]
    s = spec.build()
    reference = _lambda_reference(dict(spec.kwargs), name)
    edges = [int(b) for b in s.breakpoints] + [0]
    near = [max(0, e + d) for e in edges for d in (-1, 0, 1)]
    steps = sorted(
        set(near + data.draw(st.lists(st.integers(0, 10**7), max_size=8), label="steps"))
    )
    for t in steps:
        assert s(t) == reference(t), t
