"""``python -m lrkit`` and the ``lrkit`` console script: see :mod:`lrkit.cli`."""

from __future__ import annotations

import sys

from lrkit.cli import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
