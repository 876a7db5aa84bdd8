"""The composition layer: schedules built from other schedules (sequences and products)."""

from lrkit.compose._sequence import ChainedScheduler, SequentialLR, chainable, check_milestones

__all__ = ["ChainedScheduler", "SequentialLR", "chainable", "check_milestones"]
