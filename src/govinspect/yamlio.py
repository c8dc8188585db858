"""YAML reading through libyaml when PyYAML was built with it.

The packaged word lists, rules and column names are read by every process that checks or
parses (the crawl process and each parse worker): with PyYAML's pure-Python loader that took
about half a second of CPU per process, with libyaml's (``CSafeLoader``) a twentieth of it, to
the same data (tests/test_yamlio.py).
"""

from __future__ import annotations

from functools import cache
from typing import Any

__all__ = ["safe_load"]  # and SafeLoader, the loader it uses (module __getattr__)


@cache
def _loader() -> tuple[Any, type[Any]]:
    """PyYAML and its fastest safe loader, imported by the first read: a parse worker that only
    follows links reads no YAML and is spared the import (about 1 MB)."""
    import yaml

    return yaml, getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str) -> Any:
    """``yaml.safe_load`` of ``text``, with libyaml when available; raises ``yaml.YAMLError``."""
    yaml, loader = _loader()
    return yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader (C or Python)


def __getattr__(name: str) -> Any:
    if name == "SafeLoader":  # the loader ``safe_load`` uses
        return _loader()[1]
    raise AttributeError(name)
