"""The site snapshot: everything the crawl learned, the only input of the checks.

Pages and links stream into a SQLite file as they are fetched, so memory stays flat as
a site grows; the home page and the columns (a few hundred at most) are kept in memory.
A snapshot built by hand (``Snapshot()`` then ``add_page``) is how checks are tested.
"""

from __future__ import annotations

import pickle
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .model import Column, LinkStatus, Page, SiteEntry


@dataclass(slots=True)
class CrawlStats:
    """Counters a crawl keeps; reported in the site's ``stats``."""

    pages_fetched: int = 0
    pages_failed: int = 0
    links_checked: int = 0
    traps: int = 0
    skipped_max_pages: int = 0
    skipped_max_depth: int = 0
    stopped: str | None = None  # why the crawl ended early, if it did
    started: datetime | None = None
    finished: datetime | None = None
    trap_samples: list[str] = field(default_factory=list)


class Snapshot:
    """Pages, link graph and link statuses of one site, backed by SQLite."""

    def __init__(self, site: SiteEntry | None = None, path: Path | str = ":memory:", as_of: date | None = None):
        self.site = site or SiteEntry(name="", url="")
        self.as_of = as_of
        self.home_url: str | None = None
        self.home: Page | None = None
        self.columns: list[Column] = []
        self.stats = CrawlStats()
        self.scope_hosts: set[str] = set()
        # Results of crawl-stage probes (spider-view refetches, HTTPS/IPv6, search queries),
        # small JSON-like data keyed by probe name; checks read them, never the network.
        self.probes: dict[str, Any] = {}
        self._db = sqlite3.connect(str(path), check_same_thread=False)
        self._db.executescript(
            """
            PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
            CREATE TABLE IF NOT EXISTS pages (url TEXT PRIMARY KEY, depth INT, ok INT, listish INT, html INT, data BLOB);
            CREATE TABLE IF NOT EXISTS links (source TEXT, target TEXT);
            CREATE TABLE IF NOT EXISTS targets (
                target TEXT PRIMARY KEY, status INT, error TEXT, detail TEXT, internal INT, method TEXT);
            """
        )
        self._pending = 0
        self._indexed = False
        self._pages: list[tuple[Any, ...]] = []
        self._links: list[tuple[str, str]] = []
        self._targets: list[tuple[Any, ...]] = []

    # --- writing (the crawl): rows are buffered and written in batches
    def add_page(self, page: Page, *, home: bool = False) -> None:
        """Store a page; the home page is also kept in memory."""
        if home:
            self.home_url, self.home = page.url, page
        listish = 1 if (page.items or page.empty_marker or page.list_error) else 0
        self._pages.append((page.url, page.depth, int(page.ok), listish, int(not page.attachment), _pack(page)))
        self._tick()

    def add_links(self, source: str, targets: list[str]) -> None:
        """Record that ``source`` links to each of ``targets`` (normalised URLs)."""
        self._links.extend((source, t) for t in targets)
        self._tick()

    def set_target(self, status: LinkStatus) -> None:
        """Record the outcome of checking one link target."""
        self._targets.append(
            (status.target, status.status, status.error, status.detail, int(status.internal), status.method)
        )
        self._tick()

    def _tick(self) -> None:
        self._pending += 1
        if self._pending >= 256:
            self.flush()

    def flush(self) -> None:
        """Write the buffered rows (done before every read, so reads always see every write)."""
        if self._pages:
            self._db.executemany("INSERT OR REPLACE INTO pages VALUES (?,?,?,?,?,?)", self._pages)
        if self._links:
            self._db.executemany("INSERT INTO links VALUES (?,?)", self._links)
        if self._targets:
            self._db.executemany("INSERT OR REPLACE INTO targets VALUES (?,?,?,?,?,?)", self._targets)
        self._db.commit()
        self._pages, self._links, self._targets = [], [], []
        self._pending = 0

    # --- reading (the checks)
    @property
    def pages_crawled(self) -> int:
        """Pages fetched (attachments not counted)."""
        self.flush()
        return int(self._db.execute("SELECT COUNT(*) FROM pages WHERE html=1").fetchone()[0])

    def page(self, url: str) -> Page | None:
        self.flush()
        row = self._db.execute("SELECT data FROM pages WHERE url=?", (url,)).fetchone()
        return _unpack(row[0]) if row else None

    def pages(self, *, list_only: bool = False) -> Iterator[Page]:
        """Every stored page, one at a time."""
        sql = "SELECT data FROM pages" + (" WHERE listish=1" if list_only else "") + " ORDER BY depth, url"
        for (blob,) in self._iter(sql):
            yield _unpack(blob)

    def _iter(self, sql: str) -> Iterator[tuple[bytes]]:
        self.flush()
        cur = self._db.execute(sql)
        while rows := cur.fetchmany(256):
            yield from rows

    def targets(self) -> Iterator[LinkStatus]:
        self.flush()
        cur = self._db.execute(f"SELECT {_TARGET_COLUMNS} FROM targets ORDER BY target")
        while rows := cur.fetchmany(256):
            yield from (_status(row) for row in rows)

    def target(self, url: str) -> LinkStatus | None:
        self.flush()
        row = self._db.execute(f"SELECT {_TARGET_COLUMNS} FROM targets WHERE target=?", (url,)).fetchone()
        return _status(row) if row else None

    def _link_index(self) -> None:
        """Index the link graph by target at the first lookup, once the crawl has written it."""
        self.flush()
        if not self._indexed:
            self._db.execute("CREATE INDEX IF NOT EXISTS links_target ON links(target)")
            self._indexed = True

    def referrers(self, target: str, limit: int = 20) -> list[str]:
        """Pages linking to ``target``, the home page first."""
        self._link_index()
        rows = self._db.execute(
            "SELECT DISTINCT l.source FROM links l LEFT JOIN pages p ON p.url = l.source "
            "WHERE l.target=? ORDER BY COALESCE(p.depth, 99), l.source LIMIT ?",
            (target, limit),
        ).fetchall()
        return [r[0] for r in rows]

    def referrer_count(self, target: str) -> int:
        self._link_index()  # flushes too
        row = self._db.execute("SELECT COUNT(DISTINCT source) FROM links WHERE target=?", (target,)).fetchone()
        return int(row[0])

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Snapshot:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_TARGET_COLUMNS = "target, status, error, detail, internal, method"


def _status(row: tuple[Any, ...]) -> LinkStatus:
    target, status, error, detail, internal, method = row
    return LinkStatus(target, status, error, detail, bool(internal), method)


def _pack(obj: object) -> bytes:
    # Not compressed: zlib cost more CPU in the crawl than the disk it saved was worth.
    return pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)


def _unpack(blob: bytes) -> Any:
    # Only ever reads blobs this process wrote into its own snapshot file.
    return pickle.loads(blob)  # noqa: S301
