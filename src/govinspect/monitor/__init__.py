"""Daily monitoring (issue 11): probe rounds, content watch and alerts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# Callables receiving (store, RoundResult) after each monitoring round.
ROUND_HOOKS: list[Callable[[Any, Any], None]] = []
