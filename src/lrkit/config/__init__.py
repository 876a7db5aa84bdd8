"""The config layer: schedules from plain data (dicts, CLI spec strings) and back."""

from lrkit.config._config import from_config
from lrkit.config._spec import Spec, SpecError, minimal_config, parse_spec, short_form

__all__ = ["Spec", "SpecError", "from_config", "minimal_config", "parse_spec", "short_form"]
