"""Every schedule class of the composition layer, by module: what ``lrkit`` exports from it.

A combinator added to one of these modules (listed in its ``__all__``) is exported from
here, and so from ``lrkit``, with no further edit.
"""

from lrkit.compose import _arith, _join, _noise, _presets, _sequence, _warmup
from lrkit.compose._arith import *  # noqa: F403
from lrkit.compose._join import *  # noqa: F403
from lrkit.compose._noise import *  # noqa: F403
from lrkit.compose._presets import *  # noqa: F403
from lrkit.compose._sequence import *  # noqa: F403
from lrkit.compose._warmup import *  # noqa: F403

__all__: list[str] = []
__all__ += _arith.__all__
__all__ += _join.__all__
__all__ += _noise.__all__
__all__ += _presets.__all__
__all__ += _sequence.__all__
__all__ += _warmup.__all__
