"""Keras 3's learning-rate schedules under their own names: see :mod:`lrkit.dialects.keras`."""

from lrkit.dialects.keras import *  # noqa: F403
from lrkit.dialects.keras import __all__ as __all__
