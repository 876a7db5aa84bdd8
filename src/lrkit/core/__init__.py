"""The core layer: schedules as immutable values, ``schedule(step) -> lr``, in pure numpy maths.

Nothing here imports torch, the config layer or the tools. Each schedule's whole
definition (fields, validation, formula, and the pieces the torch layer reuses: per-step
factors, phase tables, cycle lookups) lives in its class.
"""

from lrkit.core._cosine import CosineAnnealingLR, CosineAnnealingWarmRestarts
from lrkit.core._cyclic import CyclicLR
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
from lrkit.core._functional import LambdaLR, MultiplicativeLR
from lrkit.core._momentum import CyclesMomentum, Momentum
from lrkit.core._onecycle import OneCycleLR
from lrkit.core._plateau import PlateauRule, PlateauState, simulate
from lrkit.core._scaled import Multiplicative, Scaled
from lrkit.core._schedule import REGISTRY, Schedule, arguments, schedule_class
from lrkit.core._step import (
    ConstantLR,
    ExponentialLR,
    LinearLR,
    MultiStepLR,
    PolynomialLR,
    StepLR,
)
from lrkit.core._xp import NUMPY, SCALAR, Namespace

__all__ = [
    "NUMPY",
    "REGISTRY",
    "SCALAR",
    "ConstantLR",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "CyclesMomentum",
    "CyclicLR",
    "ExponentialLR",
    "Expr",
    "InvalidType",
    "InvalidValue",
    "LambdaLR",
    "LinearLR",
    "LrkitError",
    "Momentum",
    "MultiStepLR",
    "Multiplicative",
    "MultiplicativeLR",
    "Namespace",
    "OneCycleLR",
    "PlateauRule",
    "PlateauState",
    "PolynomialLR",
    "Scaled",
    "Schedule",
    "StepLR",
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
