"""The core layer: schedules as immutable values, ``schedule(step) -> lr``, in pure numpy maths.

Nothing here imports torch, the config layer or the tools. Each schedule's whole
definition (fields, validation, formula, and the pieces the torch layer reuses: per-step
factors, phase tables, cycle lookups, the split into a shared shape and per-group rates)
lives in its class, in one family module; :mod:`lrkit.core.schedules` lists them all.
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
    schedules,
)
from lrkit.core._cosine import *  # noqa: F403
from lrkit.core._cosine import cosine_mix, half_cosine, int_mod, linear_mix, mix
from lrkit.core._cyclic import *  # noqa: F403
from lrkit.core._decay import *  # noqa: F403
from lrkit.core._errors import (
    InvalidType,
    InvalidValue,
    LrkitError,
    check_bool,
    check_choice,
    check_int,
    check_real,
    fail,
    fail_type,
)
from lrkit.core._expr import Expr
from lrkit.core._functional import *  # noqa: F403
from lrkit.core._momentum import CyclesMomentum, Momentum
from lrkit.core._onecycle import *  # noqa: F403
from lrkit.core._piecewise import *  # noqa: F403
from lrkit.core._plateau import PlateauRule, PlateauState, simulate
from lrkit.core._restarts import *  # noqa: F403
from lrkit.core._scaled import Multiplicative, Scaled
from lrkit.core._schedule import REGISTRY, Schedule, arguments, schedule_class
from lrkit.core._step import *  # noqa: F403
from lrkit.core._xp import NUMPY, SCALAR, Namespace

__all__ = [
    "NUMPY",
    "REGISTRY",
    "SCALAR",
    "CyclesMomentum",
    "Expr",
    "InvalidType",
    "InvalidValue",
    "LrkitError",
    "Momentum",
    "Multiplicative",
    "Namespace",
    "PlateauRule",
    "PlateauState",
    "Scaled",
    "Schedule",
    "arguments",
    "check_bool",
    "check_choice",
    "check_int",
    "check_real",
    "cosine_mix",
    "fail",
    "fail_type",
    "half_cosine",
    "int_mod",
    "linear_mix",
    "mix",
    "schedule_class",
    "simulate",
]
__all__ += _cosine.__all__
__all__ += _cyclic.__all__
__all__ += _decay.__all__
__all__ += _functional.__all__
__all__ += _onecycle.__all__
__all__ += _piecewise.__all__
__all__ += _restarts.__all__
__all__ += _step.__all__
__all__ += ["schedules"]
