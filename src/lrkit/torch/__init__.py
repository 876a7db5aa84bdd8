"""A drop-in replacement for ``torch.optim.lr_scheduler``, built on lrkit's closed forms.

Migrate with one line::

    import lrkit.torch as lr_scheduler   # instead of: from torch.optim import lr_scheduler

Same class names, arguments, defaults, attributes and trajectories as torch 2.13;
exact closed-form values where torch accumulates rounding; checkpoints written by torch
load, and resuming works whichever of the optimizer and the scheduler is restored first.
Every class is a subclass of ``torch.optim.lr_scheduler.LRScheduler``. See
docs/torch-compat.md for every deliberate difference.
"""

from lrkit.torch._base import LRScheduler
from lrkit.torch._closed import (
    ConstantLR,
    CosineAnnealingLR,
    CosineAnnealingWarmRestarts,
    CyclicLR,
    ExponentialLR,
    LambdaLR,
    LinearLR,
    MultiplicativeLR,
    MultiStepLR,
    OneCycleLR,
    PolynomialLR,
    StepLR,
)
from lrkit.torch._compose import ChainedScheduler, SequentialLR
from lrkit.torch._plateau import ReduceLROnPlateau

__all__ = [
    "ChainedScheduler",
    "ConstantLR",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "CyclicLR",
    "ExponentialLR",
    "LRScheduler",
    "LambdaLR",
    "LinearLR",
    "MultiStepLR",
    "MultiplicativeLR",
    "OneCycleLR",
    "PolynomialLR",
    "ReduceLROnPlateau",
    "SequentialLR",
    "StepLR",
]
