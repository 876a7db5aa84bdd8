"""Hypothesis strategies for the decay schedules (merged into strategies.FAMILIES)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from strategies import Spec  # noqa: F401  (tests/ is on sys.path)

#: Family name -> strategy drawing a Spec (names "Type" or "Type-variant").
FAMILIES: dict[str, st.SearchStrategy[Any]] = {}
#: (config, the same schedule built in Python) for every type of this module.
BY_HAND: list[tuple[dict[str, Any], Any]] = []
