"""Checkpoint and resume with lrkit.torch: exact in any order, and across torch <-> lrkit.

For each of the 15 schedulers: run N steps uninterrupted; separately run k steps, save
``{"optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict()}`` with
``torch.save`` to a BytesIO, load it with ``torch.load(..., weights_only=True)`` and resume
in each order:

(a) build the scheduler, load the optimizer's state, then the scheduler's (torch's way);
(b) load the optimizer's state, build the scheduler, load the scheduler's state;
(c) build a fresh optimizer and scheduler and load only the scheduler's state.

The resumed run must equal the uninterrupted one (lr and momentum of every group) from
the moment the state is loaded, before any step, to the end. Resume points: 0, 1,
mid-run and a boundary (a milestone, a restart, a phase change).
"""

from __future__ import annotations

import pytest
from dropin_cases import (
    CLASSES,
    ORDERS,
    RESUME_CONFIGS,
    RESUME_LRS,
    TORCH,
    WarmupThenDecay,
    checkpoint,
    close,
    continue_and_compare,
    lrkit_module,
    make_optimizer,
    non_plain,
    resume,
    resume_step,
    uninterrupted,
)

RESUME_CASES = [
    (cls, optim, k, order)
    for cls, (_, _, points) in RESUME_CONFIGS.items()
    for optim in ("sgd", "adam")
    for k in points
    for order in ORDERS
]


@pytest.mark.parametrize(("cls", "optim", "k", "order"), RESUME_CASES)
def test_resume_in_any_order(cls: str, optim: str, k: int, order: str) -> None:
    M = lrkit_module()
    ckpt = checkpoint(M, cls, optim, k)
    opt, sched = resume(M, cls, optim, ckpt, order)
    bad = continue_and_compare(opt, sched, cls, k, uninterrupted(cls, optim, "lrkit"))
    assert not bad, "\n".join(bad[:6])


@pytest.mark.parametrize("cls", CLASSES)
def test_uninterrupted_lrkit_run_is_torchs(cls: str) -> None:
    """The reference runs above are torch's trajectories (so resume continues torch's)."""
    for optim in ("sgd", "adam"):
        got = uninterrupted(cls, optim, "lrkit")
        want = uninterrupted(cls, optim, "torch")
        for t, (g, w) in enumerate(zip(got, want, strict=True)):
            assert close(g[:3], w[:3]), (t, g, w)


# --------------------------------------------------------------------------------------
# Across implementations
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("order", ["a", "c"])
@pytest.mark.parametrize("cls", CLASSES)
def test_torch_state_loads_into_lrkit(cls: str, order: str) -> None:
    """A checkpoint written by torch 2.13's scheduler continues torch's trajectory in lrkit."""
    _, _, points = RESUME_CONFIGS[cls]
    for k in points[1:]:
        ckpt = checkpoint(TORCH, cls, "sgd", k)
        opt, sched = resume(lrkit_module(), cls, "sgd", ckpt, order)
        bad = continue_and_compare(opt, sched, cls, k, uninterrupted(cls, "sgd", "torch"))
        assert not bad, f"resumed at {k}:\n" + "\n".join(bad[:6])


@pytest.mark.parametrize("cls", CLASSES)
def test_lrkit_state_loads_into_torch(cls: str) -> None:
    """lrkit's checkpoint loads into torch's scheduler (torch's order) and continues."""
    _, _, points = RESUME_CONFIGS[cls]
    for k in points[1:]:
        ckpt = checkpoint(lrkit_module(), cls, "sgd", k)
        opt, sched = resume(TORCH, cls, "sgd", ckpt, "a")
        bad = continue_and_compare(opt, sched, cls, k, uninterrupted(cls, "sgd", "torch"))
        assert not bad, f"resumed at {k}:\n" + "\n".join(bad[:6])


# --------------------------------------------------------------------------------------
# What a state is made of
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("cls", CLASSES)
def test_state_dict_is_plain_data(cls: str) -> None:
    make, n, points = RESUME_CONFIGS[cls]
    for optim in ("sgd", "adam"):
        opt = make_optimizer(RESUME_LRS, optim)
        sched = make(lrkit_module(), opt)
        for t in range(n):
            if t in points:
                state = sched.state_dict()
                assert non_plain(state) == [], (t, non_plain(state))
                assert not any(callable(v) for v in state.values())
            opt.step()
            resume_step(sched, t)


def test_lambda_is_saved_as_none_and_callable_objects_by_their_dict() -> None:
    M = lrkit_module()
    opt = make_optimizer((0.1, 0.05, 0.3))
    obj = WarmupThenDecay(4, 0.8)
    sched = M.LambdaLR(opt, [lambda e: 0.9**e, obj, WarmupThenDecay(2, 0.5)])
    for _ in range(5):
        opt.step()
        sched.step()
    state = sched.state_dict()
    assert state["lr_lambdas"] == [None, {"warmup": 4, "decay": 0.8}, {"warmup": 2, "decay": 0.5}]
    assert non_plain(state) == []
    # torch's own convention, for reference
    ref = TORCH.LambdaLR(
        make_optimizer((0.1, 0.05, 0.3)), [lambda e: 0.9**e, obj, WarmupThenDecay(2, 0.5)]
    )
    assert ref.state_dict()["lr_lambdas"] == state["lr_lambdas"]
    # restoring updates the new callable objects' __dict__ and the trajectory goes on
    fresh = [WarmupThenDecay(1, 1.0), WarmupThenDecay(1, 1.0)]
    opt2 = make_optimizer((0.1, 0.05, 0.3))
    other = M.LambdaLR(opt2, [lambda e: 0.9**e, *fresh])
    other.load_state_dict(state)
    assert vars(fresh[0]) == {"warmup": 4, "decay": 0.8}
    assert vars(fresh[1]) == {"warmup": 2, "decay": 0.5}
    for _ in range(3):
        opt.step()
        sched.step()
        opt2.step()
        other.step()
        assert close([g["lr"] for g in opt2.param_groups], [g["lr"] for g in opt.param_groups])


def test_multiplicative_and_cyclic_callables_follow_torchs_convention() -> None:
    M = lrkit_module()

    class Factor:
        def __init__(self, f: float) -> None:
            self.f = f

        def __call__(self, x: float) -> float:
            return self.f

    opt = make_optimizer((0.1,))
    s = M.MultiplicativeLR(opt, Factor(0.9))
    assert s.state_dict()["lr_lambdas"] == [{"f": 0.9}]
    s2 = M.MultiplicativeLR(make_optimizer((0.1,)), lambda e: 0.9)
    assert s2.state_dict()["lr_lambdas"] == [None]
    c = M.CyclicLR(make_optimizer((0.1,)), 0.01, 0.1, step_size_up=2, scale_fn=Factor(0.5))
    state = c.state_dict()
    assert non_plain(state) == []
    target = Factor(1.0)
    c2 = M.CyclicLR(make_optimizer((0.1,)), 0.01, 0.1, step_size_up=2, scale_fn=target)
    c2.load_state_dict(state)
    assert target.f == 0.5
