"""The composition layer: schedules built from other schedules (sequences and products)."""

from lrkit.compose._sequence import ChainedScheduler, SequentialLR, chainable

__all__ = ["ChainedScheduler", "SequentialLR", "chainable"]
