"""Every family's hypothesis strategy and hand-written config, gathered for the registry-wide
tests: torch's schedules from ``strategies.py``, the newer families from
``strategies_<family>.py`` (each imports ``strategies``; nothing imports back, so pytest may
import these files in any order).
"""

from __future__ import annotations

from typing import Any

import strategies
import strategies_compose
import strategies_decay
import strategies_keras
import strategies_optax
import strategies_piecewise
import strategies_timm
import strategies_transformers
from hypothesis import strategies as st

#: Family name ("Type" or "Type-variant") -> strategy drawing a ``strategies.Spec``.
FAMILIES: dict[str, st.SearchStrategy[Any]] = dict(strategies.FAMILIES)
#: (config, schedule) pairs written by hand for the newer types (tests/test_config.py).
BY_HAND: list[tuple[dict[str, Any], Any]] = []
for _module in (
    strategies_decay,
    strategies_piecewise,
    strategies_compose,
    strategies_transformers,
    strategies_optax,
    strategies_keras,
    strategies_timm,
):
    FAMILIES.update(_module.FAMILIES)
    BY_HAND += _module.BY_HAND
