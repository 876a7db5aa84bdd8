"""Every schedule class of the core, by family: what ``lrkit`` and ``lrkit.core`` export.

A schedule added to a family module (listed in its ``__all__``) is exported from here, and
so from ``lrkit``, with no further edit; a new family module is one more line below.
"""

from lrkit.core import (
    _cosine,
    _cyclic,
    _decay,
    _functional,
    _onecycle,
    _piecewise,
    _restarts,
    _step,
)
from lrkit.core._cosine import *  # noqa: F403
from lrkit.core._cyclic import *  # noqa: F403
from lrkit.core._decay import *  # noqa: F403
from lrkit.core._functional import *  # noqa: F403
from lrkit.core._momentum import Momentum
from lrkit.core._onecycle import *  # noqa: F403
from lrkit.core._piecewise import *  # noqa: F403
from lrkit.core._restarts import *  # noqa: F403
from lrkit.core._step import *  # noqa: F403

__all__ = ["Momentum"]
__all__ += _cosine.__all__
__all__ += _cyclic.__all__
__all__ += _decay.__all__
__all__ += _functional.__all__
__all__ += _onecycle.__all__
__all__ += _piecewise.__all__
__all__ += _restarts.__all__
__all__ += _step.__all__
