"""The core layer: schedules as immutable values, ``schedule(step) -> lr``, in pure numpy maths.

Nothing here imports torch, the config layer or the tools. Each schedule's whole
definition (fields, validation, formula, and the pieces the torch layer reuses: per-step
factors, phase tables, cycle lookups, the split into a shared shape and per-group rates)
lives in its class, in one family module; :mod:`lrkit.core.schedules` lists them all.
"""

from lrkit.core import schedules
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
from lrkit.core._momentum import CyclesMomentum
from lrkit.core._plateau import PlateauRule, PlateauState, simulate
from lrkit.core._scaled import Multiplicative, Scaled
from lrkit.core._schedule import REGISTRY, Schedule, arguments, schedule_class
from lrkit.core._xp import NUMPY, SCALAR, Namespace
from lrkit.core.schedules import *  # noqa: F403  (every schedule class)

__all__ = [
    "NUMPY",
    "REGISTRY",
    "SCALAR",
    "CyclesMomentum",
    "Expr",
    "InvalidType",
    "InvalidValue",
    "LrkitError",
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
    "fail",
    "fail_type",
    "schedule_class",
    "simulate",
]
__all__ += schedules.__all__
__all__ += ["schedules"]
