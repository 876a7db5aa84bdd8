"""A drop-in replacement for `torch.optim.lr_scheduler`, built on lrkit's closed forms.

Migrate with one line::

    import lrkit.torch as lr_scheduler   # instead of: from torch.optim import lr_scheduler

Same names, arguments, defaults, attributes and trajectories as torch 2.13: each class is
a subclass of torch's `LRScheduler` (`ReduceLROnPlateau` of torch's `ReduceLROnPlateau`)
and a thin view of a core schedule (the same name in `lrkit`). Exact closed-form values
where torch accumulates rounding; user functions called when torch calls them; attribute
changes followed as torch follows them; checkpoints written by torch load, and resuming
works whichever of the optimizer and the scheduler is restored first. Each class's
docstring (`help(lrkit.torch.StepLR)`) gives its formula, its arguments, an example and
what differs from torch; docs/torch-compat.md lists every deliberate difference with
the test behind it, and docs/api-torch.md is the reference page on the docs site.

Beyond torch's names, `ScheduleLR` drives an optimizer with any lrkit schedule (one per
param group), and `LambdaLR` takes an lrkit schedule as `lr_lambda`; both save the
schedules' configs in their state dicts (docs/driving-torch.md).
"""

from lrkit.torch._base import EPOCH_DEPRECATION_WARNING, LRScheduler, _LRScheduler
from lrkit.torch._compose import ChainedScheduler, SequentialLR
from lrkit.torch._generic import ScheduleLR
from lrkit.torch._plateau import ReduceLROnPlateau
from lrkit.torch._schedulers import *  # noqa: F403  (every class, by its __all__)
from lrkit.torch._schedulers import __all__ as _declared

__all__ = [
    "EPOCH_DEPRECATION_WARNING",
    "ChainedScheduler",
    "LRScheduler",
    "ReduceLROnPlateau",
    "ScheduleLR",
    "SequentialLR",
    "_LRScheduler",
]
__all__ += _declared
