"""Shared pytest setup: make the helper modules in tests/ importable.

pytest runs with ``--import-mode=importlib``, which leaves ``sys.path`` alone, so test
modules could not ``import torch_trace`` otherwise.
"""

from __future__ import annotations

import sys
from pathlib import Path

_TESTS = str(Path(__file__).resolve().parent)
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)
