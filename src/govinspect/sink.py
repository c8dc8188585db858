"""Where finished units of work go: the scan collects them, ``inspect`` stores them as they end."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from .model import SiteEntry, SiteResult
from .registry import AccountEntry


class ResultSink(Protocol):
    """Receives each site and account result as soon as it is ready."""

    def snapshot_path(self, site: SiteEntry) -> Path | None:
        """Where to keep the site's snapshot file (None: a temporary file, deleted after the checks)."""
        ...

    def site_done(self, site: SiteEntry, result: SiteResult, snapshot_path: Path | None) -> None:
        """One site inspected; ``snapshot_path`` is its kept snapshot, if any."""
        ...

    def account_done(self, account: AccountEntry, result: Any) -> None:
        """One account inspected (its contract object, a dict or an object with ``to_dict()``)."""
        ...


def account_dict(result: Any) -> dict[str, Any]:
    """An account result as the contract's dict, whether it is a dict or an ``AccountResult``."""
    if isinstance(result, dict):
        return result
    to_dict = getattr(result, "to_dict", None)
    if to_dict is None:
        raise TypeError(f"not an account result: {type(result).__name__}")
    out: dict[str, Any] = to_dict()
    return out
