"""Daily monitoring: probe rounds over the registered sites, the weekly availability figure, the scheduler."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..store import Store
    from .rounds import RoundResult

# Called after every stored round, in order (the content watch and the alerts append here).
ROUND_HOOKS: list[Callable[[Store, RoundResult], None]] = []
