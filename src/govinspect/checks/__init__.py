"""Checks: pure functions of (snapshot, context) -> findings; they never touch the network.

The package's names below are loaded from ``checks/base.py`` on first use: page parsing imports
``checks.spam`` (the hidden-link signals) in every parse worker, and ``base`` brings the rules
and their pydantic models (about 10 MB of a process's memory), which parsing never needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .base import DEFAULT_SITE_CHECKS, CheckFn, Context, known_checks, load_check, run_checks

__all__ = ["DEFAULT_SITE_CHECKS", "CheckFn", "Context", "known_checks", "load_check", "run_checks"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import base

        return getattr(base, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
