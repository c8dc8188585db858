"""YAML reading through libyaml when PyYAML was built with it.

The packaged word lists, rules and column names are read by every process that checks or
parses (the crawl process and each parse worker): with PyYAML's pure-Python loader that took
about half a second of CPU per process, with libyaml's (``CSafeLoader``) a twentieth of it, to
the same data (tests/test_yamlio.py).
"""

from __future__ import annotations

from typing import Any

import yaml

__all__ = ["SafeLoader", "safe_load"]

SafeLoader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str) -> Any:
    """``yaml.safe_load`` of ``text``, with libyaml when available; raises ``yaml.YAMLError``."""
    return yaml.load(text, Loader=SafeLoader)  # noqa: S506 - a safe loader (C or Python)
