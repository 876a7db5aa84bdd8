"""The config layer: schedules from plain data (dicts, files, JSON and YAML text, CLI spec
strings) and back."""

from lrkit.config._config import from_config
from lrkit.config._load import Spec, dump, load, parse_spec, parse_specs, read_yaml
from lrkit.config._spec import SpecError, minimal_config, short_form

__all__ = [
    "Spec",
    "SpecError",
    "dump",
    "from_config",
    "load",
    "minimal_config",
    "parse_spec",
    "parse_specs",
    "read_yaml",
    "short_form",
]
