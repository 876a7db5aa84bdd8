"""lrkit: exact, closed-form learning-rate schedules, and a drop-in for torch's schedulers.

A schedule is an immutable value, ``schedule(step) -> lr``, exact at any step,
vectorised over numpy arrays, and free of torch::

    >>> import lrkit
    >>> s = lrkit.CosineAnnealingLR(lr=0.1, T_max=100, eta_min=0.001)
    >>> s(0), s(100)
    (0.1, 0.001)

Layers: the closed forms (``lrkit``), composition (:class:`SequentialLR`,
:class:`ChainedScheduler`), configs (:func:`from_config`, ``Schedule.to_config``), and
the torch-compatible stateful classes in ``lrkit.torch`` (which imports torch).
"""

from lrkit._compose import ChainedScheduler, SequentialLR
from lrkit._config import from_config
from lrkit._errors import InvalidType, InvalidValue
from lrkit._expr import Expr
from lrkit._schedule import Schedule
from lrkit._shapes.cosine import CosineAnnealingLR, CosineAnnealingWarmRestarts
from lrkit._shapes.cyclic import CyclicLR
from lrkit._shapes.functional import LambdaLR, MultiplicativeLR
from lrkit._shapes.momentum import Momentum
from lrkit._shapes.onecycle import OneCycleLR
from lrkit._shapes.step import (
    ConstantLR,
    ExponentialLR,
    LinearLR,
    MultiStepLR,
    PolynomialLR,
    StepLR,
)

__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    # ``lrkit.plot`` (the module is callable: ``lrkit.plot(schedule)``) imports
    # matplotlib, so it is loaded on first use, never by ``import lrkit``.
    if name == "plot":
        import importlib

        return importlib.import_module("lrkit.plot")
    raise AttributeError(f"module 'lrkit' has no attribute {name!r}")

__all__ = [
    "ChainedScheduler",
    "ConstantLR",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "CyclicLR",
    "ExponentialLR",
    "Expr",
    "InvalidType",
    "InvalidValue",
    "LambdaLR",
    "LinearLR",
    "Momentum",
    "MultiStepLR",
    "MultiplicativeLR",
    "OneCycleLR",
    "PolynomialLR",
    "Schedule",
    "SequentialLR",
    "StepLR",
    "__version__",
    "from_config",
]
