"""The composition layer: schedules built from other schedules.

Sequences (:class:`Join`, torch's :class:`SequentialLR`), repetition (:class:`Repeat`),
arithmetic (:class:`Affine`, :class:`Product`, :class:`Sum`, :class:`Clamp`; Python's
operators build them, :mod:`lrkit.compose.operators`), a warm-up and a cool-down around
any schedule (:class:`Warmup`, :class:`Cooldown`), seeded noise (:class:`Noise`), torch's
product of factors (:class:`ChainedScheduler`), and the presets built from these
(:class:`Preset`). :mod:`lrkit.compose.schedules` lists every class.
"""

from lrkit.compose import _arith, _join, _noise, _presets, _sequence, _warmup, operators, schedules
from lrkit.compose._arith import *  # noqa: F403
from lrkit.compose._arith import check_schedules
from lrkit.compose._join import *  # noqa: F403
from lrkit.compose._join import check_milestones
from lrkit.compose._noise import *  # noqa: F403
from lrkit.compose._presets import *  # noqa: F403
from lrkit.compose._presets import Preset
from lrkit.compose._sequence import *  # noqa: F403
from lrkit.compose._sequence import chainable
from lrkit.compose._warmup import *  # noqa: F403

__all__ = ["Preset", "chainable", "check_milestones", "check_schedules", "operators", "schedules"]
__all__ += _arith.__all__
__all__ += _join.__all__
__all__ += _noise.__all__
__all__ += _presets.__all__
__all__ += _sequence.__all__
__all__ += _warmup.__all__
