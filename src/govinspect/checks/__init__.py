"""Checks: pure functions of (snapshot, context) -> findings; they never touch the network."""

from .base import DEFAULT_SITE_CHECKS, CheckFn, Context, known_checks, load_check, run_checks

__all__ = ["DEFAULT_SITE_CHECKS", "CheckFn", "Context", "known_checks", "load_check", "run_checks"]
