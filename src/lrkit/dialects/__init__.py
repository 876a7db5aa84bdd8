"""The peers' schedules under their own names and arguments (issue 10): each peer's
module here (``lrkit.dialects.transformers``, ...) defines its schedules as presets over
lrkit's combinators, registered as config types ``"<peer>.<name>"``; ``lrkit.<peer>`` is
the short public name of the same module. Importing this package registers them all.
"""

from lrkit.dialects import optax, timm, transformers

__all__ = ["optax", "timm", "transformers"]
