"""lrkit: exact, closed-form learning-rate schedules, and a drop-in for torch's schedulers.

A schedule is an immutable value, ``schedule(step) -> lr``, exact at any step,
vectorised over numpy arrays, and free of torch::

    >>> import lrkit
    >>> s = lrkit.CosineAnnealingLR(lr=0.1, T_max=100, eta_min=0.001)
    >>> s(0), s(100)
    (0.1, 0.001)

Layers, each importing only the ones before it: ``lrkit.core`` (the closed forms),
``lrkit.compose`` (combinators: :class:`Join`, :class:`Warmup`, operators, presets), ``lrkit.config``
(:func:`from_config`, ``Schedule.to_config``, :func:`load` and :func:`dump` for files,
JSON, YAML and CLI specs), ``lrkit.torch`` (the drop-in
for ``torch.optim.lr_scheduler``, which imports torch) and the tools (``lrkit.plot``,
``lrkit.gallery``, ``lrkit.preview``, the ``lrkit`` command).
"""

from lrkit import dialects  # noqa: F401  (registers the peers' config types)
from lrkit._version import __version__
from lrkit.compose import schedules as _composed
from lrkit.compose.schedules import *  # noqa: F403  (every combinator and preset)
from lrkit.config import SpecError, dump, from_config, load
from lrkit.core import Expr, InvalidType, InvalidValue, Schedule, schedules
from lrkit.core.schedules import *  # noqa: F403  (every schedule class)

#: The peers whose schedules lrkit speaks (``lrkit.transformers``, ...), loaded on first use.
PEERS = ("transformers", "optax", "keras", "timm")


def __getattr__(name: str) -> object:
    # ``lrkit.plot`` (the module is callable: ``lrkit.plot(schedule)``) imports
    # matplotlib, so it is loaded on first use, never by ``import lrkit``.
    if name in ("plot", *PEERS):
        import importlib
        import importlib.util

        if importlib.util.find_spec(f"lrkit.{name}") is not None:
            return importlib.import_module(f"lrkit.{name}")
    raise AttributeError(f"module 'lrkit' has no attribute {name!r}")


__all__ = [
    "Expr",
    "InvalidType",
    "InvalidValue",
    "Schedule",
    "SpecError",
    "__version__",
    "dump",
    "from_config",
    "load",
]
__all__ += schedules.__all__
__all__ += _composed.__all__
