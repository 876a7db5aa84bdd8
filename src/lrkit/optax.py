"""optax's schedules under their own names: see :mod:`lrkit.dialects.optax`."""

from lrkit.dialects.optax import *  # noqa: F403
from lrkit.dialects.optax import __all__ as __all__
