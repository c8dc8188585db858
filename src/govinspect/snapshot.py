"""The site snapshot: everything the crawl learned, the only input of the checks.

Pages and links stream into a SQLite file as they are fetched, so memory stays flat as
a site grows; the home page and the columns (a few hundred at most) are kept in memory.
A snapshot built by hand (``Snapshot()`` then ``add_page``) is how checks are tested.

The file is a versioned set of plain tables (no pickles): pages as JSON arrays of the
``Page`` fields, each page's outgoing links (one row per page, its normalised targets joined
by newlines), link targets, columns, and a ``meta`` table holding the format version, the
site, the crawl's figures and the probes. Checks ask who links to a target only for the
few targets that failed or leave the site (``referrers``): an index of those is built from
the outgoing links at the first question, instead of a row and an index entry for each of
the millions of links of a large site (format 1 kept one row per link; still read). ``save()`` writes the in-memory
parts; ``Snapshot.open(path)`` reads a kept file back, so a site can be judged again
with another rule set without crawling it (``govinspect rejudge``).
"""

from __future__ import annotations

import contextlib
import itertools
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .errors import UsageError
from .model import Column, LinkStatus, Page, SiteEntry
from .pagerows import PAGE_FIELDS, column_row, dumps, loads, page_row, read_column, read_page

FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)


class SnapshotError(UsageError):
    """A snapshot file that cannot be read: missing, not a snapshot, or of another format version."""


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
        self.path = None if str(path) == ":memory:" else Path(path)
        self._db = sqlite3.connect(str(path), check_same_thread=False)
        self._db.executescript(_SCHEMA)
        self._cache(_WRITE_CACHE_KB)
        self._pending = 0
        self._fields = PAGE_FIELDS
        self._indexed = False
        self._legacy_links = False  # a format-1 file: one row per link in ``links``
        self._indexed_targets: set[str] = set()
        self._pages: list[tuple[Any, ...]] = []
        self._links: list[tuple[str, str]] = []
        self._targets: list[tuple[Any, ...]] = []
        self._scratch_ids = itertools.count()
        # Threads reading the snapshot (the checks, off the event loop): ``close`` waits for them,
        # since closing the connection under a running statement crashes the process.
        self._readers = 0
        self._idle = threading.Condition()

    # --- writing (the crawl): rows are buffered and written in batches
    def add_page(self, page: Page, *, home: bool = False) -> None:
        """Store a page; the home page is also kept in memory."""
        if home:
            self.home_url, self.home = page.url, page
        self._pages.append(page_row(page))
        self._tick()

    def add_row(self, row: tuple[Any, ...]) -> None:
        """Store a page already encoded by ``page_row`` (in a parse worker, crawl/parse.py)."""
        self._pages.append(row)
        self._tick()

    def add_links(self, source: str, targets: list[str]) -> None:
        """Record that ``source`` links to each of ``targets`` (normalised URLs, once each)."""
        if targets:
            self._links.append((source, "\n".join(targets)))
            self._indexed = False  # asked again: the index is built anew
            self._tick()

    def set_target(self, status: LinkStatus) -> None:
        """Record the outcome of checking one link target."""
        self._targets.append(
            (status.target, status.status, status.error, status.detail, int(status.internal), status.method)
        )
        self._indexed = False
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
            self._db.executemany("INSERT INTO outlinks VALUES (?,?)", self._links)
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
        return self._page(row[0]) if row else None

    def pages(self, *, list_only: bool = False, by_url: bool = False, having: Sequence[str] = ()) -> Iterator[Page]:
        """Every stored page, one at a time, by depth then URL (``by_url``: by URL, the table's key order).

        ``having``: only pages where at least one of these fields is set (not None), in the same
        order; SQLite's JSON functions pick them, so the other pages are not decoded. Where it
        cannot (no JSON functions, a snapshot without the field), every page comes, for the
        caller to test as it would anyway.
        """
        where = ["listish=1"] if list_only else []
        order = " ORDER BY url" if by_url else " ORDER BY depth, url"
        if having:
            try:
                tests = [f"json_extract(data, '$[{self._fields.index(name)}]') IS NOT NULL" for name in having]
                self.flush()
                rows = self._db.execute(
                    "SELECT data FROM pages WHERE " + " AND ".join([*where, "(" + " OR ".join(tests) + ")"]) + order
                )
            except (ValueError, sqlite3.OperationalError):  # no such field or no JSON functions
                rows = None
            if rows is not None:
                while batch := rows.fetchmany(256):
                    for (data,) in batch:
                        yield self._page(data)
                return
        sql = "SELECT data FROM pages" + (" WHERE " + where[0] if where else "") + order
        for (data,) in self._iter(sql):
            yield self._page(data)

    def readable_pages(self) -> Iterator[tuple[str, date | None]]:
        """(url, publication date) of every readable HTML page (fetched fine, an HTML type, not
        an attachment), in URL order: ``pages(by_url=True)`` narrowed to what a sample needs.

        SQLite's JSON functions read the two fields, so the pages are not decoded (about a sixth
        of the time); an SQLite without them falls back to decoding.
        """
        self.flush()
        try:  # the query is prepared here: a failure comes before any row, never half-way
            ct, pub = self._fields.index("content_type"), self._fields.index("pub_date")
            rows = self._db.execute(
                f"SELECT url, json_extract(data, '$[{ct}]'), json_extract(data, '$[{pub}].\"$d\"') "
                "FROM pages WHERE ok=1 AND html=1 ORDER BY url"
            )
        except (ValueError, sqlite3.OperationalError):  # no such field or no JSON functions
            for page in self.pages(by_url=True):
                if page.ok and page.is_html and not page.attachment:
                    yield page.url, page.pub_date
            return
        while batch := rows.fetchmany(256):
            for url, ctype, day in batch:
                if ctype and "html" in ctype:
                    yield url, date.fromisoformat(day) if day else None

    def item_dates(self) -> Iterator[tuple[str, date]]:
        """(url, date) of every dated list item that has a link, list page by list page (as
        ``pages(list_only=True)`` gives them, without decoding the pages where SQLite can)."""
        self.flush()
        try:  # the query is prepared here: a failure comes before any row, never half-way
            items = self._fields.index("items")
            rows = self._db.execute(
                f"SELECT json_extract(it.value, '$[1]'), json_extract(it.value, '$[2]') "
                f"FROM pages, json_each(pages.data, '$[{items}]') AS it WHERE pages.listish=1 "
                "ORDER BY pages.depth, pages.url, it.key"
            )
        except (ValueError, sqlite3.OperationalError):  # no such field or no JSON functions
            for page in self.pages(list_only=True):
                for item in page.items:
                    if item.url and item.date:
                        yield item.url, item.date
            return
        while batch := rows.fetchmany(256):
            for url, day in batch:
                if url and day:
                    yield url, date.fromisoformat(day)

    def _iter(self, sql: str) -> Iterator[tuple[str]]:
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
        """Index who links to the targets checks ask about, at the first question, once the crawl is done.

        Indexed: every target that is not an internal page or file answering 2xx/3xx (broken,
        failed, trapped or external targets: a few thousand on a site of 100,000 pages). A
        question about another target is answered by scanning the outgoing links.
        """
        self.flush()
        if self._indexed:
            return
        if self._legacy_links:
            self._db.execute("CREATE INDEX IF NOT EXISTS links_target ON links(target)")
        else:
            wanted = {t for (t,) in self._db.execute(
                "SELECT target FROM targets WHERE NOT (internal=1 AND error IS NULL AND status BETWEEN 200 AND 399)")}
            self._db.execute("CREATE TEMP TABLE IF NOT EXISTS wanted_links (source TEXT, target TEXT)")
            self._db.execute("DELETE FROM wanted_links")
            cur = self._db.execute("SELECT source, targets FROM outlinks")
            while rows := cur.fetchmany(256):
                self._db.executemany("INSERT INTO wanted_links VALUES (?,?)", [
                    (source, t) for source, joined in rows for t in joined.split("\n") if t in wanted])
            self._db.execute("CREATE INDEX IF NOT EXISTS temp.wanted_target ON wanted_links(target)")
            self._indexed_targets = wanted
        self._indexed = True

    def _linking(self, target: str) -> tuple[str, str]:
        """(table, extra condition) holding the links to ``target``: the index, or a scan of the pages' links."""
        self._link_index()
        if self._legacy_links:
            return "links", ""
        if target in self._indexed_targets:
            return "wanted_links", ""
        return ("(SELECT source, ? AS target FROM outlinks WHERE instr(char(10) || targets || char(10), "
                "char(10) || ? || char(10)) > 0)", "scan")

    def referrers(self, target: str, limit: int = 20) -> list[str]:
        """Pages linking to ``target``, the home page first."""
        table, scan = self._linking(target)
        args: tuple[Any, ...] = (target, target) if scan else ()
        rows = self._db.execute(
            f"SELECT DISTINCT l.source FROM {table} l LEFT JOIN pages p ON p.url = l.source "
            "WHERE l.target=? ORDER BY COALESCE(p.depth, 99), l.source LIMIT ?",
            (*args, target, limit),
        ).fetchall()
        return [r[0] for r in rows]

    def referrer_count(self, target: str) -> int:
        table, scan = self._linking(target)
        args: tuple[Any, ...] = (target, target) if scan else ()
        row = self._db.execute(f"SELECT COUNT(DISTINCT source) FROM {table} l WHERE l.target=?",
                               (*args, target)).fetchone()
        return int(row[0])

    def scratch(self) -> ScratchMap:
        """A new, empty map in a temporary table of this snapshot's database, for a check's per-page state."""
        return ScratchMap(self._db, f"scratch_{next(self._scratch_ids)}")

    @contextlib.contextmanager
    def reading(self) -> Iterator[None]:
        """Mark a thread's use of the snapshot, so that ``close`` from another thread waits for it."""
        with self._idle:
            self._readers += 1
        try:
            yield
        finally:
            with self._idle:
                self._readers -= 1
                self._idle.notify_all()

    def close(self) -> None:
        """Close the file; a reading thread (a cancelled site's checks) is interrupted and waited for first.

        SQLite's interrupt is meant to be called from another thread: the running statement
        stops with an error, which the cancelled checks' result (never used) carries.
        """
        with self._idle:
            while self._readers:
                self._db.interrupt()  # a no-op between statements: hence again each 10 ms
                self._idle.wait(0.01)
            self._db.close()  # under the lock: a thread that starts reading now finds it closed

    # --- keeping (the run's snapshot file) and reading back (rejudge)
    def save(self) -> None:
        """Write the buffered rows and the in-memory parts (site, figures, probes, columns) to the file."""
        self.flush()
        meta = {
            "format_version": FORMAT_VERSION,
            "page_fields": list(PAGE_FIELDS),
            "site": asdict(self.site),
            "as_of": self.as_of,
            "home_url": self.home_url,
            "scope_hosts": sorted(self.scope_hosts),
            "stats": asdict(self.stats),
            "probes": self.probes,
        }
        self._db.execute("DELETE FROM meta")
        self._db.executemany("INSERT INTO meta VALUES (?,?)", [(k, dumps(v)) for k, v in meta.items()])
        # The checks walk the pages in this order: read along an index, not sorted in a temporary
        # b-tree whose merge buffers grow with the site (100,000 pages: 5 MB more per walking process).
        self._db.execute("CREATE INDEX IF NOT EXISTS pages_order ON pages(depth, url)")
        self._db.execute("DELETE FROM columns")
        self._db.executemany(
            "INSERT INTO columns VALUES (?,?)", [(i, dumps(column_row(c))) for i, c in enumerate(self.columns)]
        )
        self._db.commit()
        self._cache(_READ_CACHE_KB)  # the checks come next

    def _cache(self, kib: int) -> None:
        self._db.execute(f"PRAGMA cache_size=-{int(kib)}")

    def state(self) -> dict[str, Any]:
        """What the checks read besides the file's tables, as this process holds it now: the
        scope, the crawl's figures, the probes and the columns. A parse worker's checks get it
        with their call (``open(path, state=...)``) when they start before ``save`` writes it to
        the file, which must wait while another process reads the file."""
        return {"scope_hosts": self.scope_hosts, "stats": self.stats, "probes": self.probes, "columns": self.columns}

    @classmethod
    def open(cls, path: Path | str, *, state: dict[str, Any] | None = None, pages_only: bool = False) -> Snapshot:
        """A kept snapshot file read back; refuses a file of an unknown format version.

        ``state``: the parts ``state()`` gives, in place of the file's (not written yet).
        ``pages_only``: the pages of a crawl that has not finished its columns and probes, for
        the checks that declare they read nothing else (``checks.base.pages_only``): reading
        the scope, the figures, the probes or the columns raises ``SnapshotError``.
        """
        path = Path(path)
        if not path.is_file():
            raise SnapshotError(f"快照文件不存在: {path}")
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            meta = {k: loads(v) for k, v in db.execute("SELECT key, value FROM meta")}
        except sqlite3.OperationalError as exc:  # no meta table: written before format versions
            if "no such table" not in str(exc):
                raise SnapshotError(f"快照文件 {path} 无法读取: {exc}") from None
            meta = {}
        except sqlite3.DatabaseError as exc:
            raise SnapshotError(f"快照文件 {path} 无法读取: {exc}") from None
        finally:
            db.close()
        version = meta.get("format_version")
        if version not in READABLE_VERSIONS:
            raise SnapshotError(
                f"快照文件 {path} 的格式版本 {version if version is not None else '未知'} 不受支持"
                f"(本程序读取版本 {'、'.join(str(v) for v in READABLE_VERSIONS)})"
            )
        site = meta["site"]
        snap = cls(SiteEntry(**site), path, as_of=meta["as_of"])
        snap._cache(_READ_CACHE_KB)  # read back for checks
        snap._fields = tuple(meta["page_fields"])
        snap._legacy_links = version == 1
        if pages_only:  # none of them read (they are not written yet)
            for part in ("scope_hosts", "stats", "probes", "columns"):
                setattr(snap, part, _NotYet(part))
        elif state is not None:
            snap.scope_hosts, snap.stats = set(state["scope_hosts"]), state["stats"]
            snap.probes, snap.columns = state["probes"], list(state["columns"])
        else:
            snap.scope_hosts = set(meta["scope_hosts"])
            snap.stats = CrawlStats(**meta["stats"])
            snap.probes = meta["probes"]
            snap.columns = [read_column(loads(d)) for (d,) in snap._db.execute("SELECT data FROM columns ORDER BY pos")]
        snap.home_url = meta["home_url"]
        snap.home = snap.page(snap.home_url) if snap.home_url else None
        return snap

    def _page(self, data: str) -> Page:
        return read_page(self._fields, data)

    def __enter__(self) -> Snapshot:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_ABSENT = object()


class _NotYet:
    """A part of a snapshot opened ``pages_only``: any use of it is a check that declared
    ``PAGES_ONLY`` wrongly, and fails as such (its notice names the part) instead of reading
    what the crawl process has not written yet."""

    def __init__(self, part: str) -> None:
        self._part = part

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise SnapshotError(f"检查在抓取收尾前读取了快照的 {self._part}（该检查不应声明 PAGES_ONLY）")

    __getattr__ = __iter__ = __len__ = __bool__ = __contains__ = __getitem__ = _refuse


class ScratchMap:
    """A str -> JSON-value map in a temporary table: what a check remembers of every page until its end.

    A check decides some pages only after the walk (a service list row met later names them); kept
    in Python, that state grows with the site (about 300 bytes a page, 30 MB at 100,000 pages).
    Here it goes to the connection's temporary database, which SQLite keeps within its page cache
    and spills to a file; values come back as JSON gives them (tuples as lists). Only this
    connection sees the table; it goes with ``close()`` or with the connection.
    """

    BATCH = 256

    def __init__(self, db: sqlite3.Connection, name: str) -> None:
        self._db, self._name = db, name
        self._pending: dict[str, str] = {}
        db.execute(f"CREATE TEMP TABLE {name} (key TEXT PRIMARY KEY, value TEXT)")

    def __setitem__(self, key: str, value: Any) -> None:
        self._pending[key] = dumps(value)
        if len(self._pending) >= self.BATCH:
            self._flush()

    def get(self, key: str, default: Any = None) -> Any:
        data = self._pending.get(key)
        if data is None:
            self._flush()
            row = self._db.execute(f"SELECT value FROM temp.{self._name} WHERE key=?", (key,)).fetchone()
            if row is None:
                return default
            data = row[0]
        return loads(data)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key, _ABSENT) is not _ABSENT

    def __len__(self) -> int:
        self._flush()
        return int(self._db.execute(f"SELECT COUNT(*) FROM temp.{self._name}").fetchone()[0])

    def _flush(self) -> None:
        if self._pending:
            self._db.executemany(f"INSERT OR REPLACE INTO temp.{self._name} VALUES (?,?)", self._pending.items())
            self._pending = {}

    def close(self) -> None:
        """Drop the table (the connection may already be closed: then it is gone with it)."""
        self._pending = {}
        with contextlib.suppress(sqlite3.ProgrammingError):  # a closed database
            self._db.execute(f"DROP TABLE IF EXISTS temp.{self._name}")


_TARGET_COLUMNS = "target, status, error, detail, internal, method"


def _status(row: tuple[Any, ...]) -> LinkStatus:
    target, status, error, detail, internal, method = row
    return LinkStatus(target, status, error, detail, bool(internal), method)


# SQLite's page cache (KiB) while the crawl writes a snapshot and while the checks read it: the
# writes cost no more CPU with a quarter of the default (2,000 KiB) and the crawl process holds
# 1.8 MB less; the checks' lookups by URL need the default (0.31-0.35 against 0.41-0.45 ms per
# page with 512 KiB, bench/cpu.py on 8,000 pages of the 20,004-page demo bench site).
_WRITE_CACHE_KB, _READ_CACHE_KB = 512, 2000
_SCHEMA = """
PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS pages (url TEXT PRIMARY KEY, depth INT, ok INT, listish INT, html INT, data TEXT);
CREATE TABLE IF NOT EXISTS links (source TEXT, target TEXT);
CREATE TABLE IF NOT EXISTS outlinks (source TEXT, targets TEXT);
CREATE TABLE IF NOT EXISTS targets (
    target TEXT PRIMARY KEY, status INT, error TEXT, detail TEXT, internal INT, method TEXT);
CREATE TABLE IF NOT EXISTS columns (pos INT PRIMARY KEY, data TEXT);
"""
