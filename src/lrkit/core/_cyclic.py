"""CyclicLR: triangular cycles between two bounds (Smith, arXiv:1506.01186)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lrkit.core._errors import MAX_COUNT, check_bool, check_choice, check_int, check_real, fail_type
from lrkit.core._expr import Expr
from lrkit.core._momentum import CyclesMomentum
from lrkit.core._schedule import apply_elementwise, check_lr, check_momentum, schedule_class
from lrkit.core._xp import SCALAR, Namespace, Wide

__all__ = ["CyclicLR"]

MODES = ("triangular", "triangular2", "exp_range")
SCALE_MODES = ("cycle", "iterations")


@schedule_class
class CyclicLR(CyclesMomentum):
    r"""Cycle the rate between ``base_lr`` and ``max_lr`` along a triangle.

    With :math:`u` = ``step_size_up``, :math:`d` = ``step_size_down``,
    :math:`r = t \bmod (u + d)` and the cycle number :math:`c = \lfloor t/(u+d) \rfloor + 1`:

    .. math::
        h_t = \begin{cases} r / u & r \le u \\ (u + d - r) / d & r > u \end{cases}
        \qquad
        \eta_t = \eta_{base} + (\eta_{max} - \eta_{base}) \, h_t \, g(\cdot)

    where the amplitude scale :math:`g` is 1 (``triangular``), :math:`2^{1-c}`
    (``triangular2``), :math:`\gamma^t` (``exp_range``) or ``scale_fn`` applied to
    :math:`c` (``scale_mode='cycle'``) or to :math:`t` (``'iterations'``). With
    ``cycle_momentum`` the momentum moves the other way:
    :math:`m_t = m_{max} - (m_{max} - m_{base}) h_t g(\cdot)` (see :attr:`momentum`).

    The cycle position and number are integer arithmetic at whole steps (exact at any
    step: a Python int of any size, int64 and uint64 arrays).

    ``exp_range`` with ``gamma > 1`` (accepted, as torch accepts it) grows the amplitude
    without bound: lrkit keeps it finite. The scale :math:`\gamma^t` is carried beyond
    float64's range, the rate is :math:`\eta_{base}` wherever the amplitude is 0 (at each
    cycle's start, and always when ``max_lr == base_lr``: never NaN), and elsewhere it
    saturates at the largest float64 (about 1.8e308; ``-1.8e308`` below an inverted
    triangle, ``max_lr < base_lr``, whose rates go negative as torch's do). The momentum
    likewise. (torch overflows to inf there, and to NaN at zero amplitude.)

    Args:
        base_lr: the lower bound (>= 0); the rate at step 0.
        max_lr: the upper bound (>= 0; below ``base_lr`` it inverts the triangle).
        step_size_up: steps from ``base_lr`` up to ``max_lr`` (a positive integer, at most
            2**53).
        step_size_down: steps back down (a positive integer, at most 2**53; default
            ``step_size_up``).
        mode: ``'triangular'``, ``'triangular2'`` or ``'exp_range'``; unused when
            ``scale_fn`` is given.
        gamma: the base of ``exp_range``'s scale (>= 0; see above for ``gamma > 1``).
        scale_fn: a custom amplitude scale: a Python callable, or an expression string
            in ``x`` such as ``"1 / (2.0 ** (x - 1))"``.
        scale_mode: ``'cycle'`` or ``'iterations'``: what the amplitude scale is applied
            to (default: ``'cycle'``, or ``'iterations'`` for ``exp_range``).
        cycle_momentum: whether to cycle momentum (``base_momentum`` to ``max_momentum``).
        base_momentum, max_momentum: the momentum bounds (finite numbers, at most 1e300 in
            magnitude; SGD takes any momentum >= 0, Adam any beta1 in [0, 1)).

    >>> s = CyclicLR(base_lr=0.01, max_lr=0.1, step_size_up=10)
    >>> [round(s(t), 4) for t in (0, 5, 10, 15, 20)]
    [0.01, 0.055, 0.1, 0.055, 0.01]
    >>> [round(s.momentum(t), 4) for t in (0, 10, 20)]
    [0.9, 0.8, 0.9]
    """

    base_lr: float
    max_lr: float
    step_size_up: int = 2000
    step_size_down: int | None = None
    mode: str = "triangular"
    gamma: float = 1.0
    scale_fn: Callable[[float], float] | Expr | None = None
    scale_mode: str | None = None
    cycle_momentum: bool = True
    base_momentum: float = 0.8
    max_momentum: float = 0.9

    def __post_init__(self) -> None:
        self._set("base_lr", check_lr("base_lr", self.base_lr))
        self._set("max_lr", check_lr("max_lr", self.max_lr))
        self._set(
            "step_size_up", check_int("step_size_up", self.step_size_up, low=1, high=MAX_COUNT)
        )
        if self.step_size_down is not None:
            self._set(
                "step_size_down",
                check_int("step_size_down", self.step_size_down, low=1, high=MAX_COUNT),
            )
        self._set("mode", check_choice("mode", self.mode, MODES))
        self._set("gamma", check_real("gamma", self.gamma, low=0.0))
        scale_fn = self.scale_fn
        if isinstance(scale_fn, str):
            scale_fn = Expr(scale_fn, variable="x", argument="scale_fn")
            self._set("scale_fn", scale_fn)
        elif scale_fn is not None and not callable(scale_fn):
            fail_type("scale_fn", "a callable, an expression string in x, or None", scale_fn)
        if self.scale_mode is not None:
            check_choice("scale_mode", self.scale_mode, SCALE_MODES)
        self._set("cycle_momentum", check_bool("cycle_momentum", self.cycle_momentum))
        self._set("base_momentum", check_momentum("base_momentum", self.base_momentum))
        self._set("max_momentum", check_momentum("max_momentum", self.max_momentum))

    def _mode_scale_mode(self) -> str:
        return "iterations" if self.mode == "exp_range" else "cycle"

    @property
    def effective_scale_mode(self) -> str:
        """What the amplitude scale is a function of: ``'cycle'`` or ``'iterations'``."""
        if self.scale_mode is not None:
            return self.scale_mode
        if self.scale_fn is not None:
            return "cycle"
        return self._mode_scale_mode()

    @property
    def total_size(self) -> int:
        """The length of one cycle, in steps."""
        return self.step_size_up + (self.step_size_down or self.step_size_up)

    def _shape(self, xp: Namespace, t: Any) -> Any:
        """The height: the position within the cycle in [0, 1] times the amplitude scale, or
        ``(position, x)`` with ``x`` what a user's ``scale_fn`` is applied to (the cycle
        number or the step)."""
        up = self.step_size_up
        down = self.step_size_down or up
        total = up + down
        r = t % total  # exact (integers stay integers)
        triangle = xp.where(r <= up, r / up, (total - r) / down)
        if self.scale_fn is None and self.mode == "triangular":
            return triangle
        x = t // total + 1 if self.effective_scale_mode == "cycle" else t  # (ints stay ints)
        if self.scale_fn is None:  # a built-in scale: the same for every param group
            return self._scaled(xp, triangle, self._scale(xp, x))
        return triangle, x  # a user's scale_fn is called per param group (as torch does)

    def _scaled(self, xp: Namespace, triangle: Any, scale: Any) -> Any:
        if scale.__class__ is Wide:  # a scale beyond float64's range: the height is one too
            return Wide(triangle * scale.mantissa, scale.exponent)
        # At a cycle's start the height is 0 (even for a user's scale that is inf there).
        return xp.where(triangle == 0.0, 0.0, triangle * scale)

    def _height(self, xp: Namespace, shape: Any) -> Any:
        """The position within the cycle times the amplitude scale, in [0, 1] for built-ins."""
        if shape.__class__ is not tuple:
            return shape
        triangle, x = shape
        return self._scaled(xp, triangle, self._scale(xp, x))  # calls the user's scale_fn

    def _period(self) -> int | None:
        return self.total_size if self.scale_fn is None and self.mode == "triangular" else None

    def scale(self, x: float) -> float:
        """The amplitude scale at ``x`` (the cycle number or the step, per ``scale_mode``),
        at most the largest float64."""
        x = x if x.__class__ is int else float(x)
        return float(SCALAR.times(1.0, self._scale(SCALAR, x)))

    def _scale(self, xp: Namespace, x: Any) -> Any:
        if self.scale_fn is not None:
            if isinstance(self.scale_fn, Expr):
                return self.scale_fn.evaluate(xp, x)
            return apply_elementwise(self.scale_fn, xp, x)
        if self.mode == "triangular":
            return 1.0
        if self.mode == "triangular2":
            return xp.exact_power(0.5, x - 1)
        return xp.exact_power(self.gamma, x)

    def _rate(self, xp: Namespace, shape: Any) -> Any:
        height = self._height(xp, shape)
        if height.__class__ is Wide:
            return xp.clamp(self.base_lr + xp.times(self.max_lr - self.base_lr, height))
        return self.base_lr + (self.max_lr - self.base_lr) * height

    def _momentum_rate(self, xp: Namespace, shape: Any) -> Any:
        height = self._height(xp, shape)
        amplitude = self.max_momentum - self.base_momentum
        if height.__class__ is Wide:
            return xp.clamp(self.max_momentum - xp.times(amplitude, height))
        return self.max_momentum - amplitude * height

    @property
    def length(self) -> int:
        return 3 * self.total_size

    @property
    def breakpoints(self) -> tuple[float, ...]:
        marks = []
        for k in range(3):
            marks += [k * self.total_size + self.step_size_up, (k + 1) * self.total_size]
        return tuple(float(m) for m in marks)
