"""Hugging Face transformers' schedules under their own names: see :mod:`lrkit.dialects.transformers`."""

from lrkit.dialects.transformers import *  # noqa: F403
from lrkit.dialects.transformers import __all__ as __all__
