"""Shared pytest setup.

* Make the helper modules in tests/ importable: pytest runs with
  ``--import-mode=importlib``, which leaves ``sys.path`` alone, so test modules could not
  ``import torch_trace`` otherwise.
* Keep hypothesis out of the repository: no example database (``database=None``), and its
  other files (the constants it caches from the source) in a temporary directory removed
  at exit, so that no test writes ``.hypothesis/`` into the working directory.
"""

from __future__ import annotations

import atexit
import shutil
import sys
import tempfile
from pathlib import Path

from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir

_TESTS = str(Path(__file__).resolve().parent)
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)

_HYPOTHESIS_HOME = tempfile.mkdtemp(prefix="lrkit-hypothesis-")
atexit.register(shutil.rmtree, _HYPOTHESIS_HOME, ignore_errors=True)
set_hypothesis_home_dir(_HYPOTHESIS_HOME)
settings.register_profile("lrkit", database=None)
settings.load_profile("lrkit")
