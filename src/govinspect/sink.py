"""Where finished units of work go: the scan collects them, ``inspect`` stores them as they end."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from .model import AccountResult, SiteEntry, SiteResult

if TYPE_CHECKING:
    from .registry import AccountEntry


class ResultSink(Protocol):
    """Receives each site and account result as soon as it is ready."""

    def snapshot_path(self, site: SiteEntry) -> Path | None:
        """Where to keep the site's snapshot file (None: a temporary file, deleted after the checks)."""
        ...

    def site_done(self, site: SiteEntry, result: SiteResult, snapshot_path: Path | None) -> None:
        """One site inspected; ``snapshot_path`` is its kept snapshot, if any."""
        ...

    def account_done(self, account: AccountEntry, result: AccountResult) -> None:
        """One account inspected."""
        ...

