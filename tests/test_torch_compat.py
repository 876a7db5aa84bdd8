"""Deliberate differences from torch 2.13 listed in docs/torch-compat.md that the other
drop-in test files do not already pin down: each asserts what torch does and what lrkit
does instead."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from pathlib import Path

import mpmath
import pytest
import torch
from torch.optim import lr_scheduler as T

import lrkit.torch as L

DOC = Path(__file__).resolve().parents[1] / "docs" / "torch-compat.md"


@pytest.fixture(autouse=True)
def _quiet() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's order and deprecation warnings
        yield


def sgd(lr: float = 0.1) -> torch.optim.SGD:
    return torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr, momentum=0.9)


def test_onecycle_past_the_end_raises_before_counting_the_step() -> None:
    counts = {}
    for name, module in (("torch", T), ("lrkit", L)):
        opt = sgd()
        sched = module.OneCycleLR(opt, 0.1, total_steps=5)
        for _ in range(5):
            opt.step()
            sched.step()
        before = (opt.param_groups[0]["lr"], opt.param_groups[0]["momentum"])
        with pytest.raises(ValueError, match=r"total.steps"):
            sched.step()
        counts[name] = sched.last_epoch
        # The failed step wrote nothing, in both.
        assert (opt.param_groups[0]["lr"], opt.param_groups[0]["momentum"]) == before
        assert sched.get_last_lr() == [before[0]]
    assert counts == {"torch": 6, "lrkit": 5}


def test_warm_restarts_resumed_with_last_epoch_is_at_its_exact_position() -> None:
    """torch wraps T_cur once when built with last_epoch=N; lrkit places step N+1 in its
    real cycle (T_0=1, T_mult=2: cycles start at 0, 1, 3, 7, 15, so 11 is 4 into 8)."""
    got = {}
    for name, module in (("torch", T), ("lrkit", L)):
        opt = sgd()
        opt.param_groups[0]["initial_lr"] = 0.1
        sched = module.CosineAnnealingWarmRestarts(opt, T_0=1, T_mult=2, last_epoch=10)
        got[name] = (sched.T_cur, sched.T_i, opt.param_groups[0]["lr"])
    assert got["torch"] == (0, 2, 0.1)  # torch: at a restart
    assert got["lrkit"][:2] == (4, 8)
    # Half way down the cycle: 0.1 * (1 + cos(pi * 4 / 8)) / 2 = 0.05 (exact maths).
    exact = mpmath.mpf(0.1) * (1 + mpmath.cos(mpmath.pi * 4 / 8)) / 2
    assert abs(got["lrkit"][2] - exact) <= 1e-15 * exact


def test_added_param_group_needs_a_new_overwriting_scheduler() -> None:
    """Both fail for LambdaLR after add_param_group; lrkit says why."""
    for module, pattern in ((T, "zip"), (L, "add_param_group")):
        opt = sgd()
        sched = module.LambdaLR(opt, lambda e: 0.9**e)
        opt.add_param_group({"params": [torch.nn.Parameter(torch.zeros(1))], "lr": 0.5})
        opt.step()
        with pytest.raises(ValueError, match=pattern):
            sched.step()


def test_ratio_schedulers_follow_an_added_group_as_torch_does() -> None:
    lrs = {}
    for name, module in (("torch", T), ("lrkit", L)):
        opt = sgd()
        sched = module.StepLR(opt, 2, 0.5)
        opt.add_param_group({"params": [torch.nn.Parameter(torch.zeros(1))], "lr": 0.4})
        for _ in range(5):
            opt.step()
            sched.step()
        lrs[name] = [g["lr"] for g in opt.param_groups]
    # Two decays by 0.5 (at steps 2 and 4) for both groups, exactly (powers of two).
    assert lrs == {"torch": [0.025, 0.1], "lrkit": [0.025, 0.1]}


def test_compat_doc_names_existing_tests() -> None:
    """Every test named in docs/torch-compat.md exists."""
    text = DOC.read_text(encoding="utf-8")
    names = set(re.findall(r"`(tests/[\w/]+\.py)::(\w+)`", text))
    assert len(names) >= 10
    for path, test in names:
        source = (DOC.parents[1] / path).read_text(encoding="utf-8")
        assert f"def {test}(" in source, f"{path}::{test} is named in torch-compat.md"
