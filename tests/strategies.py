"""Hypothesis strategies that build valid lrkit schedules of every family, and their configs.

A strategy here draws a :class:`Spec`: a schedule's type name and its arguments as plain
data (children of SequentialLR / ChainedScheduler and the ``of`` of Momentum are Specs
themselves). ``spec.build()`` calls the constructors directly, ``spec.config()`` writes the
same schedule as a config dict by hand (optionally with ``lr`` hoisted to the top of
composites), so config tests compare two independent routes to the same schedule.

Arguments range widely but stay valid. Steps go up to ``2**63 - 1`` (see
:func:`steps_for`). Nothing is excluded for being a known bug. Growing factors have
families of their own (their rates leave the decaying families' bounds by design):
``ExponentialLR-growth`` and ``CyclicLR-growth`` (``exp_range`` with ``gamma > 1``, which
saturates at the largest float64 and is ``base_lr`` wherever the amplitude is 0, NaN once;
drawn with ``base_lr <= max_lr``: an inverted triangle goes negative as torch's does,
``tests/test_properties.py::test_cyclic_exp_range_growth_below_base_lr_goes_negative_as_torchs``).

Once bugs, now drawn: ``lr == 0`` with a growing gamma stays 0, and a ChainedScheduler with
``lr == 0`` and a MultiplicativeLR child is 0 (once NaN and a division by zero; regression
tests ``test_zero_lr_with_growth_stays_zero`` and
``test_chained_zero_lr_with_multiplicative_child``). Composites holding a MultiplicativeLR
refuse fractional steps (documented), so :func:`steps_for` draws whole steps for them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

import lrkit
from lrkit import (
    ChainedScheduler,
    Momentum,
    MultiplicativeLR,
    OneCycleLR,
    Schedule,
    SequentialLR,
)

__all__ = [
    "CHAINABLE",
    "FAMILIES",
    "LAMBDA_EXPRESSIONS",
    "MULTIPLICATIVE_EXPRESSIONS",
    "SCALE_EXPRESSIONS",
    "Spec",
    "chained_scheduler",
    "constant_lr",
    "cosine_annealing_lr",
    "cosine_warm_restarts",
    "cyclic_lr",
    "decay_gammas",
    "exponential_lr",
    "float_step",
    "growth_gammas",
    "huge_int_steps",
    "lambda_lr",
    "leaf_schedules",
    "linear_lr",
    "lrs",
    "momentum",
    "multi_step_lr",
    "multiplicative_lr",
    "one_cycle_lr",
    "polynomial_lr",
    "positive_lrs",
    "schedules",
    "sequential_lr",
    "step_limit",
    "step_lists",
    "step_lr",
    "steps_for",
]

#: The largest step drawn for schedules defined for every step: the largest int64.
MAX_STEP = 2**63 - 1
#: The largest float64 step that is at most MAX_STEP (float(MAX_STEP) is 2**63, one more).
MAX_FLOAT_STEP = float(2**63 - 2**10)
#: Integers up to here are exactly float64 numbers; above it, float(t) may be another step.
EXACT_FLOAT_INT = 2**53
#: The largest step drawn for MultiplicativeLR (a running product: O(t) to evaluate).
MAX_PRODUCT_STEP = 3000


# ---------------------------------------------------------------------------------------
# Specs: a schedule as plain data.
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    """A schedule's type and arguments, as plain data (children are Specs)."""

    kind: str
    kwargs: Mapping[str, Any]

    def build(self) -> Schedule:
        """The schedule, built by calling its class directly."""
        cls = getattr(lrkit, self.kind)
        args: dict[str, Any] = {}
        for key, value in self.kwargs.items():
            if isinstance(value, Spec):
                args[key] = value.build()
            elif isinstance(value, list) and value and isinstance(value[0], Spec):
                args[key] = [child.build() for child in value]
            elif isinstance(value, list):
                args[key] = list(value)
            else:
                args[key] = value
        return cls(**args)  # type: ignore[no-any-return]

    def config(self, *, hoist_lr: bool = False) -> dict[str, Any]:
        """The config for this schedule; ``hoist_lr`` states a shared ``lr`` once at the top."""
        config: dict[str, Any] = {"type": self.kind}
        for key, value in self.kwargs.items():
            if isinstance(value, Spec):
                config[key] = value.config(hoist_lr=hoist_lr)
            elif isinstance(value, list) and value and isinstance(value[0], Spec):
                config[key] = [child.config(hoist_lr=hoist_lr) for child in value]
            elif isinstance(value, list):
                config[key] = list(value)
            else:
                config[key] = value
        children = config.get("schedulers")
        if hoist_lr and children:
            stated = [child["lr"] for child in children if "lr" in child]
            if stated:
                top = stated[0]
                config["lr"] = top
                for child in children:
                    if "lr" in child and child["lr"] == top:
                        del child["lr"]
        return config

    def __repr__(self) -> str:  # hypothesis prints this for failing examples
        return f"Spec({self.kind!r}, {dict(self.kwargs)!r})"


# ---------------------------------------------------------------------------------------
# Numbers.
# ---------------------------------------------------------------------------------------


def positive_lrs() -> st.SearchStrategy[float]:
    """Learning rates > 0, from tiny to large."""
    return st.one_of(
        st.sampled_from([1e-4, 3e-4, 1e-3, 0.01, 0.05, 0.1, 0.3, 1.0]),
        st.floats(min_value=1e-12, max_value=1e3, allow_nan=False, allow_infinity=False),
    )


def lrs() -> st.SearchStrategy[float]:
    """Learning rates >= 0."""
    return st.one_of(st.just(0.0), positive_lrs())


def decay_gammas() -> st.SearchStrategy[float]:
    """Decay factors in [0, 1]."""
    return st.one_of(
        st.sampled_from([0.0, 0.1, 0.5, 0.9, 0.99, 1.0]),
        st.floats(min_value=0.0, max_value=1.0),
    )


def growth_gammas() -> st.SearchStrategy[float]:
    """Growth factors in (1, 10]: documented to overflow to inf eventually (0 stays 0)."""
    return st.floats(min_value=1.0, max_value=10.0, exclude_min=True)


def unit_floats() -> st.SearchStrategy[float]:
    return st.floats(min_value=0.0, max_value=1.0)


def counts(high: int = 10_000) -> st.SearchStrategy[int]:
    return st.integers(min_value=1, max_value=high)


def momenta() -> st.SearchStrategy[float]:
    return st.one_of(st.sampled_from([0.8, 0.85, 0.9, 0.95]), unit_floats())


#: lr_lambda expressions for LambdaLR: finite and >= 0 for every step in [0, 1e7].
LAMBDA_EXPRESSIONS = (
    "0.95 ** epoch",
    "min(1, (epoch + 1) / 10)",
    "1 / (1 + 0.001 * epoch)",
    "math.exp(-1e-4 * epoch)",
    "1.0",
    "0.5 if epoch < 100 else 0.1",
    "math.cos(math.pi * epoch / 4e7) ** 2",
    "max(0.01, 1 - epoch / 5000)",
)
#: lr_lambda expressions for MultiplicativeLR: factors in [0, 1].
MULTIPLICATIVE_EXPRESSIONS = (
    "0.95",
    "1.0",
    "0.999 ** (epoch > 10)",
    "1 / (1 + 0.001 * epoch)",
    "min(1.0, 0.9 + epoch / 1e4)",
)
#: scale_fn expressions for CyclicLR: values in [0, 1] for x >= 0.
SCALE_EXPRESSIONS = (
    "0.5 ** x",
    "1 / (1 + 0.01 * x)",
    "math.exp(-1e-3 * x)",
    "0.99 ** x",
    "1.0",
)


# ---------------------------------------------------------------------------------------
# One strategy per family. ``lr`` can be pinned (composites share one lr).
# ---------------------------------------------------------------------------------------

LrStrategy = st.SearchStrategy[float]


def _given(strategy: st.SearchStrategy[Any] | None, default: st.SearchStrategy[Any]) -> Any:
    """``strategy`` if one was passed, else ``default``."""
    return default if strategy is None else strategy


@st.composite
def step_lr(draw: Any, lr: LrStrategy | None = None, gamma: LrStrategy | None = None) -> Spec:
    return Spec(
        "StepLR",
        {
            "lr": draw(_given(lr, lrs())),
            "step_size": draw(counts()),
            "gamma": draw(_given(gamma, decay_gammas())),
        },
    )


@st.composite
def multi_step_lr(draw: Any, lr: LrStrategy | None = None, gamma: LrStrategy | None = None) -> Spec:
    # Any order, repeats allowed (a repeated milestone decays twice, as in torch).
    milestones = draw(st.lists(st.integers(0, 10**6), max_size=6))
    return Spec(
        "MultiStepLR",
        {
            "lr": draw(_given(lr, lrs())),
            "milestones": milestones,
            "gamma": draw(_given(gamma, decay_gammas())),
        },
    )


@st.composite
def constant_lr(draw: Any, lr: LrStrategy | None = None) -> Spec:
    return Spec(
        "ConstantLR",
        {
            "lr": draw(_given(lr, lrs())),
            "factor": draw(unit_floats()),
            "total_iters": draw(counts()),
        },
    )


@st.composite
def linear_lr(draw: Any, lr: LrStrategy | None = None) -> Spec:
    return Spec(
        "LinearLR",
        {
            "lr": draw(_given(lr, lrs())),
            "start_factor": draw(st.floats(min_value=0.0, max_value=1.0, exclude_min=True)),
            "end_factor": draw(unit_floats()),
            "total_iters": draw(counts()),
        },
    )


@st.composite
def exponential_lr(
    draw: Any, lr: LrStrategy | None = None, gamma: LrStrategy | None = None
) -> Spec:
    return Spec(
        "ExponentialLR",
        {"lr": draw(_given(lr, lrs())), "gamma": draw(_given(gamma, decay_gammas()))},
    )


@st.composite
def polynomial_lr(draw: Any, lr: LrStrategy | None = None) -> Spec:
    return Spec(
        "PolynomialLR",
        {
            "lr": draw(_given(lr, lrs())),
            "total_iters": draw(counts()),
            "power": draw(st.one_of(st.sampled_from([0.0, 0.5, 1.0, 2.0]), st.floats(0.0, 10.0))),
        },
    )


def t_max_values() -> st.SearchStrategy[float]:
    return st.one_of(
        st.integers(1, 10**6),
        st.floats(min_value=1e-3, max_value=1e6, allow_nan=False, allow_infinity=False),
    )


@st.composite
def cosine_annealing_lr(
    draw: Any,
    lr: LrStrategy | None = None,
    eta_min: LrStrategy | None = None,
    t_max: st.SearchStrategy[float] | None = None,
) -> Spec:
    return Spec(
        "CosineAnnealingLR",
        {
            "lr": draw(_given(lr, lrs())),
            "T_max": draw(_given(t_max, t_max_values())),
            "eta_min": draw(_given(eta_min, lrs())),
        },
    )


@st.composite
def cosine_warm_restarts(draw: Any, lr: LrStrategy | None = None) -> Spec:
    return Spec(
        "CosineAnnealingWarmRestarts",
        {
            "lr": draw(_given(lr, lrs())),
            "T_0": draw(counts()),
            "T_mult": draw(st.integers(1, 5)),
            "eta_min": draw(lrs()),
        },
    )


@st.composite
def lambda_lr(draw: Any, lr: LrStrategy | None = None) -> Spec:
    return Spec(
        "LambdaLR",
        {"lr": draw(_given(lr, lrs())), "lr_lambda": draw(st.sampled_from(LAMBDA_EXPRESSIONS))},
    )


@st.composite
def multiplicative_lr(draw: Any, lr: LrStrategy | None = None) -> Spec:
    return Spec(
        "MultiplicativeLR",
        {
            "lr": draw(_given(lr, lrs())),
            "lr_lambda": draw(st.sampled_from(MULTIPLICATIVE_EXPRESSIONS)),
        },
    )


@st.composite
def cyclic_lr(
    draw: Any,
    cycle_momentum: st.SearchStrategy[bool] | None = None,
    custom_scale: st.SearchStrategy[bool] | None = None,
    mode: st.SearchStrategy[str] | None = None,
    growth: bool = False,
) -> Spec:
    """A CyclicLR; ``growth``: ``exp_range`` with ``gamma > 1`` and ``base_lr <= max_lr``."""
    kwargs: dict[str, Any] = {
        "base_lr": draw(lrs()),
        "max_lr": draw(lrs()),
        "step_size_up": draw(counts(5000)),
    }
    if growth:
        kwargs["base_lr"], kwargs["max_lr"] = sorted((kwargs["base_lr"], kwargs["max_lr"]))
        mode, custom_scale = st.just("exp_range"), st.just(False)
    if draw(st.booleans()):
        kwargs["step_size_down"] = draw(counts(5000))
    chosen_mode = draw(_given(mode, st.sampled_from(["triangular", "triangular2", "exp_range"])))
    kwargs["mode"] = chosen_mode
    if growth:
        kwargs["gamma"] = draw(growth_gammas())
    elif chosen_mode == "exp_range" or draw(st.booleans()):
        kwargs["gamma"] = draw(decay_gammas())
    if draw(_given(custom_scale, st.booleans())):
        kwargs["scale_fn"] = draw(st.sampled_from(SCALE_EXPRESSIONS))
        kwargs["scale_mode"] = draw(st.sampled_from([None, "cycle", "iterations"]))
    elif draw(st.booleans()):
        # The built-in modes accept their own scale mode (and only that).
        kwargs["scale_mode"] = "iterations" if chosen_mode == "exp_range" else "cycle"
    kwargs["cycle_momentum"] = draw(_given(cycle_momentum, st.booleans()))
    if draw(st.booleans()):
        kwargs["base_momentum"] = draw(momenta())
        kwargs["max_momentum"] = draw(momenta())
    return Spec("CyclicLR", kwargs)


@st.composite
def one_cycle_lr(
    draw: Any,
    cycle_momentum: st.SearchStrategy[bool] | None = None,
    max_total: int = 100_000,
) -> Spec:
    kwargs: dict[str, Any] = {"max_lr": draw(lrs())}
    how = draw(st.sampled_from(["total", "epochs", "both"]))
    if how == "total":
        total = draw(st.integers(1, max_total))
        kwargs["total_steps"] = total
    else:
        epochs = draw(st.integers(1, 300))
        per_epoch = draw(st.integers(1, max(1, max_total // epochs)))
        total = epochs * per_epoch
        kwargs["epochs"] = epochs
        kwargs["steps_per_epoch"] = per_epoch
        if how == "both":
            kwargs["total_steps"] = total
    three_phase = total >= 2 and draw(st.booleans())
    if three_phase:
        low, high = 1.0 / total, min((total + 1) / (2.0 * total), 1.0)
        pct = draw(st.floats(min_value=low, max_value=high, exclude_min=True, exclude_max=True))
        assume(1.0 < pct * total and 2 * pct * total - 2.0 < total - 1.0)
        kwargs["three_phase"] = True
    else:
        pct = draw(
            st.one_of(
                st.sampled_from([0.0, 0.25, 0.3, 0.5]),
                st.floats(min_value=0.0, max_value=1.0, exclude_max=True),
            )
        )
        assume(float(pct * total) != 1.0)
        if draw(st.booleans()):
            kwargs["three_phase"] = False
    kwargs["pct_start"] = pct
    kwargs["anneal_strategy"] = draw(st.sampled_from(["cos", "linear"]))
    kwargs["div_factor"] = draw(st.one_of(st.just(25.0), st.floats(min_value=0.1, max_value=1e4)))
    kwargs["final_div_factor"] = draw(
        st.one_of(st.just(1e4), st.floats(min_value=0.1, max_value=1e5))
    )
    kwargs["cycle_momentum"] = draw(_given(cycle_momentum, st.booleans()))
    if draw(st.booleans()):
        kwargs["base_momentum"] = draw(momenta())
        kwargs["max_momentum"] = draw(momenta())
    return Spec("OneCycleLR", kwargs)


def momentum() -> st.SearchStrategy[Spec]:
    """``Momentum(of=...)`` of a CyclicLR or OneCycleLR that cycles momentum."""
    cycles = st.one_of(
        cyclic_lr(cycle_momentum=st.just(True)), one_cycle_lr(cycle_momentum=st.just(True))
    )
    return cycles.map(lambda of: Spec("Momentum", {"of": of}))


def leaf_schedules(lr: LrStrategy | None = None) -> st.SearchStrategy[Spec]:
    """Any non-composite schedule (those with an ``lr`` argument take ``lr``)."""
    return st.one_of(
        step_lr(lr),
        multi_step_lr(lr),
        constant_lr(lr),
        linear_lr(lr),
        exponential_lr(lr),
        polynomial_lr(lr),
        cosine_annealing_lr(lr),
        cosine_warm_restarts(lr),
        lambda_lr(lr),
        multiplicative_lr(lr),
        cyclic_lr(),
        one_cycle_lr(max_total=5000),
        momentum(),
    )


#: The families a ChainedScheduler accepts (the cosine only with eta_min = 0).
CHAINABLE: tuple[Callable[..., st.SearchStrategy[Spec]], ...] = (
    step_lr,
    multi_step_lr,
    constant_lr,
    linear_lr,
    exponential_lr,
    polynomial_lr,
    multiplicative_lr,
    lambda lr: cosine_annealing_lr(lr, eta_min=st.just(0.0)),
)


@st.composite
def chained_scheduler(draw: Any) -> Spec:
    lr = draw(lrs())
    children = draw(
        st.lists(st.one_of(*(family(st.just(lr)) for family in CHAINABLE)), min_size=1, max_size=4)
    )
    return Spec("ChainedScheduler", {"schedulers": children})


@st.composite
def sequential_lr(draw: Any, nested: bool = True) -> Spec:
    shared = draw(lrs())
    child_lr = st.one_of(st.just(shared), st.just(shared), lrs())
    child = leaf_schedules(child_lr)
    if nested:
        child = st.one_of(child, chained_scheduler(), sequential_lr(nested=False))
    children = draw(st.lists(child, min_size=1, max_size=4))
    milestones: list[int] = []
    start = 0
    for i, spec in enumerate(children[:-1]):
        # A child stopped by a milestone must be defined over its whole stretch.
        limit, _ = step_limit(spec.build())
        cap = int(min(limit + 1, 5000))
        gap = draw(st.integers(0 if i == 0 else 1, max(cap, 1)))
        start += gap
        milestones.append(start)
    return Spec("SequentialLR", {"schedulers": children, "milestones": milestones})


def schedules() -> st.SearchStrategy[Spec]:
    """Any schedule of any family, composites included."""
    return st.one_of(leaf_schedules(), chained_scheduler(), sequential_lr())


#: Every family by name, for parametrised tests.
FAMILIES: dict[str, st.SearchStrategy[Spec]] = {
    "StepLR": step_lr(),
    "MultiStepLR": multi_step_lr(),
    "ConstantLR": constant_lr(),
    "LinearLR": linear_lr(),
    "ExponentialLR": exponential_lr(),
    "ExponentialLR-growth": exponential_lr(lrs(), growth_gammas()),
    "PolynomialLR": polynomial_lr(),
    "CosineAnnealingLR": cosine_annealing_lr(),
    "CosineAnnealingWarmRestarts": cosine_warm_restarts(),
    "LambdaLR": lambda_lr(),
    "MultiplicativeLR": multiplicative_lr(),
    "CyclicLR": cyclic_lr(),
    "CyclicLR-growth": cyclic_lr(growth=True),
    "OneCycleLR": one_cycle_lr(),
    "Momentum": momentum(),
    "SequentialLR": sequential_lr(),
    "ChainedScheduler": chained_scheduler(),
}


# ---------------------------------------------------------------------------------------
# Steps.
# ---------------------------------------------------------------------------------------


def step_limit(schedule: Schedule) -> tuple[float, bool]:
    """The largest step to draw for ``schedule``, and whether steps must be whole."""
    if isinstance(schedule, OneCycleLR):
        return float(schedule.steps), False
    if isinstance(schedule, Momentum):
        return step_limit(schedule.of)
    if isinstance(schedule, MultiplicativeLR):
        return float(MAX_PRODUCT_STEP), True
    if isinstance(schedule, SequentialLR):
        limits = [step_limit(child) for child in schedule.schedulers]
        start = schedule.milestones[-1] if schedule.milestones else 0
        return start + limits[-1][0], any(whole for _, whole in limits)
    if isinstance(schedule, ChainedScheduler):
        limits = [step_limit(child) for child in schedule.schedulers]
        return min(limit for limit, _ in limits), any(whole for _, whole in limits)
    return float(MAX_STEP), False


def float_step(t: int) -> float | int:
    """``t`` itself if float64 holds it exactly, else the nearest float64 step (at most
    MAX_FLOAT_STEP): a step above 2**53 is drawn as the float64 number it becomes in an
    array, so that every path evaluates the same step."""
    if t <= EXACT_FLOAT_INT:
        return t
    return min(float(t), MAX_FLOAT_STEP)


def huge_int_steps() -> st.SearchStrategy[int]:
    """Integer steps above 2**53 up to 2**63 - 1, most of them not float64 numbers."""
    return st.one_of(
        st.integers(EXACT_FLOAT_INT + 1, MAX_STEP),
        st.sampled_from([EXACT_FLOAT_INT + 1, 2**62 + 3, 10**18 + 7, MAX_STEP - 1, MAX_STEP]),
    )


def steps_for(schedule: Schedule) -> st.SearchStrategy[float]:
    """Steps inside ``schedule``'s domain: whole and fractional, with its boundaries.

    Up to ``2**63 - 1`` where the schedule is defined for every step; a step above 2**53
    is drawn as a float64 number (:func:`float_step`): the properties of the general tests
    hold exactly there. Integer steps above 2**53 (exact integer arithmetic on the scalar
    and array paths) have their own tests, drawn with :func:`huge_int_steps`.
    """
    limit, whole = step_limit(schedule)
    top = int(limit)
    choices: list[st.SearchStrategy[Any]] = [
        st.integers(0, top).map(float_step),
        st.integers(0, min(top, 100)),
        st.integers(0, min(top, 10**7)),
    ]
    marks = sorted(
        {m + d for m in (*schedule.breakpoints, float(schedule.length or 0)) for d in (-1, 0, 1)}
    )
    marks = [m for m in marks if 0 <= m <= limit and (m.is_integer() or not whole)]
    if marks:
        choices.append(st.sampled_from(marks))
    if not whole:
        choices.append(st.floats(min_value=0.0, max_value=min(limit, MAX_FLOAT_STEP)))
        if limit > 10**7:
            choices.append(st.floats(min_value=0.0, max_value=1e7))
    return st.one_of(*choices)


def step_lists(schedule: Schedule, max_size: int = 12) -> st.SearchStrategy[list[float]]:
    """Non-empty lists of steps inside ``schedule``'s domain."""
    return st.lists(steps_for(schedule), min_size=1, max_size=max_size)
