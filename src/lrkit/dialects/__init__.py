"""The peers' schedules under their own names and arguments (issue 10): each peer's
module here (``lrkit.dialects.transformers``, ``optax``, ``keras``, ``timm``) writes each
schedule's formula in the peer's own order of operations, with the peer's argument names,
registered as config types ``"<peer>.<name>"``; ``lrkit.<peer>`` is the short public name of
the same module. Importing this package registers them all.
"""

from lrkit.dialects import keras, optax, timm, transformers

__all__ = ["keras", "optax", "timm", "transformers"]
