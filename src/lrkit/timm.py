"""timm's schedulers under their own names: see :mod:`lrkit.dialects.timm`."""

from lrkit.dialects.timm import *  # noqa: F403
from lrkit.dialects.timm import __all__ as __all__
