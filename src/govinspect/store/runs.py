"""Runs: one inspection at a time per database, each site stored as it ends, resumable after a kill.

A run is a row of ``runs``. Starting one takes the database's run lock inside one transaction
(SQLite: the write lock; PostgreSQL: a transaction-scoped advisory lock), so two processes
starting at once see each other. A run marked ``running`` whose owner process is gone (same
host, dead pid) or whose heartbeat is older than ``STALE_AFTER`` is stale: it is marked
``interrupted`` and ``resume_run`` can take it over. ``StoreSink`` writes each site (or account)
result and its tracked findings in one transaction, so a killed run keeps every finished site
and no half one. Snapshot files live in ``<home>/runs/<run id>/``; ``apply_retention`` keeps
those of the newest runs only.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import socket
import threading
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from ..errors import UsageError
from ..model import AccountResult, SiteEntry, jsonable
from ..model import SiteResult as SiteVerdict
from ..registry import AccountEntry
from .db import Store
from .registry import account_ids, registered, site_ids
from .tables import AccountResult as AccountRow
from .tables import Run, SiteResult
from .tracking import TrackCounts, record_findings

log = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=10)  # a heartbeat older than this means the run's process is gone
HEARTBEAT_EVERY = 30.0  # seconds
_PG_LOCK_KEY = 0x676F76  # "gov": the advisory lock that serialises run starts on PostgreSQL


class RunBusy(UsageError):
    """Another run is in progress on this database."""


def owner_tag() -> str:
    """``host:pid`` of this process, as stored in ``runs.owner``."""
    return f"{socket.gethostname()}:{os.getpid()}"


def period_of(as_of: date) -> str:
    """The period (YYYY-MM) an inspection date belongs to."""
    return f"{as_of.year:04d}-{as_of.month:02d}"


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def _lock(session: Session, store: Store) -> None:
    """Serialise run starts: the write lock on SQLite, an advisory lock on PostgreSQL (both released at commit)."""
    if store.is_sqlite:
        session.execute(text("UPDATE runs SET id = id WHERE 1 = 0"))  # a write statement takes the write lock
    else:
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_stale(run: Run, now: datetime | None = None) -> bool:
    """Whether a ``running`` run's process is gone: same host and dead pid, or a heartbeat too old."""
    host, _, pid = (run.owner or "").rpartition(":")
    if host == socket.gethostname() and pid.isdigit() and not _alive(int(pid)):
        return True
    now = now or _now()
    return run.heartbeat_at is None or now - run.heartbeat_at > STALE_AFTER


def _clear_running(session: Session) -> None:
    """Mark stale running runs interrupted; refuse when a live one remains."""
    for run in session.scalars(select(Run).where(Run.status == "running").order_by(Run.id)):
        if is_stale(run):
            log.warning("run %s of %s is stale: marked interrupted", run.id, run.owner)
            run.status = "interrupted"
            continue
        raise RunBusy(
            f"数据库中已有正在进行的检查批次 #{run.id}(开始于 {run.started_at:%Y-%m-%d %H:%M:%S}，"
            f"进程 {run.owner or '未知'})；请等待其结束后再运行"
        )


def start_run(
    store: Store, as_of: date, options: dict[str, Any] | None = None, *, kind: str = "inspect",
    parent_id: int | None = None, rules: str = "", home: Path | None = None,
) -> Run:
    """A new running run for ``as_of`` (period YYYY-MM), or ``RunBusy`` when another one is live."""
    now = _now()
    with store.session() as s:
        _lock(s, store)
        _clear_running(s)
        run = Run(period=period_of(as_of), as_of=as_of, kind=kind, status="running", parent_id=parent_id,
                  rules=rules, options=dict(options or {}), owner=owner_tag(), heartbeat_at=now, started_at=now)
        s.add(run)
        s.flush()
        if home is not None:
            run.snapshot_dir = str(run_dir(home, run.id))
    return run


def resume_run(store: Store) -> Run:
    """Take over the newest interrupted inspect run (stale running ones count as interrupted)."""
    with store.session() as s:
        _lock(s, store)
        _clear_running(s)
        s.flush()
        run = s.scalars(
            select(Run).where(Run.status == "interrupted", Run.kind == "inspect").order_by(Run.id.desc()).limit(1)
        ).first()
        if run is None:
            raise UsageError("没有可继续的中断检查批次；请直接运行 govinspect inspect")
        run.status, run.owner, run.heartbeat_at = "running", owner_tag(), _now()
    return run


def finish_run(store: Store, run: Run, status: str = "finished") -> None:
    """Close a run: ``finished``, or ``interrupted`` when it stopped early (resumable)."""
    with store.session() as s:
        row = s.get(Run, run.id)
        assert row is not None
        row.status = status
        row.heartbeat_at = _now()
        row.finished_at = _now() if status == "finished" else None
    run.status = status


def run_dir(home: Path, run_id: int) -> Path:
    """The folder of one run's snapshot files."""
    return Path(home) / "runs" / str(run_id)


class Heartbeat:
    """Refreshes ``runs.heartbeat_at`` from a daemon thread while a run works."""

    def __init__(self, store: Store, run_id: int, every: float = HEARTBEAT_EVERY):
        self.store, self.run_id, self.every = store, run_id, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"heartbeat-{run_id}", daemon=True)

    def _beat(self) -> None:
        while not self._stop.wait(self.every):
            try:
                with self.store.session() as s:
                    row = s.get(Run, self.run_id)
                    if row is not None:
                        row.heartbeat_at = _now()
            except Exception:  # a missed beat is retried; the run itself goes on
                log.warning("heartbeat of run %s failed", self.run_id, exc_info=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def site_slug(site_id: int, url: str) -> str:
    """The snapshot file name of a site: its id and host, file-system safe."""
    host = urlsplit(url).netloc or "site"
    return f"{site_id}-{re.sub(r'[^A-Za-z0-9.-]+', '_', host)}"


@dataclass(slots=True)
class StoreSink:
    """A ``ResultSink`` writing each result of ``run`` to the store as soon as it is ready."""

    store: Store
    run: Run
    site_ids: dict[str, int]
    account_ids: dict[tuple[str, str], int]
    sites_stored: int = 0
    accounts_stored: int = 0
    counts: TrackCounts = field(default_factory=TrackCounts)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def snapshot_path(self, site: SiteEntry) -> Path | None:
        """``<run dir>/<id>-<host>.sqlite`` when the run keeps snapshots."""
        if not self.run.snapshot_dir:
            return None
        return Path(self.run.snapshot_dir) / f"{site_slug(self.site_ids[site.url], site.url)}.sqlite"

    def site_done(self, site: SiteEntry, result: SiteVerdict, snapshot_path: Path | None) -> None:
        """The site's result row and tracked findings, in one transaction."""
        site_id = self.site_ids[site.url]
        with self._lock, self.store.session() as s:
            run = s.get(Run, self.run.id)
            assert run is not None
            s.add(SiteResult(
                run_id=run.id, site_id=site_id, verdict=result.verdict, verdict_label=result.verdict_label,
                vetoed=result.vetoed, score=result.score, deductions=result.deductions,
                pages_crawled=result.pages_crawled, veto_reasons=list(result.veto_reasons),
                near_veto=jsonable(result.near_veto), stats=jsonable(result.stats),
                snapshot_path=str(snapshot_path) if snapshot_path else None, finished_at=_now(),
            ))
            self._add(record_findings(s, run, "site", site_id, result.findings, run.as_of))
            run.heartbeat_at = _now()
        self.sites_stored += 1

    def account_done(self, account: AccountEntry, result: AccountResult) -> None:
        """The account's result row and tracked findings, in one transaction."""
        account_id = self.account_ids[(account.platform, account.name)]
        data = result.to_dict()
        findings = result.findings
        with self._lock, self.store.session() as s:
            run = s.get(Run, self.run.id)
            assert run is not None
            s.add(AccountRow(
                run_id=run.id, account_id=account_id, verdict=data["verdict"],
                verdict_label=data.get("verdict_label", ""), checked=bool(data.get("checked", True)),
                summary=data.get("summary") or "",
                data=jsonable({k: v for k, v in data.items() if k != "findings"}), finished_at=_now(),
            ))
            self._add(record_findings(s, run, "account", account_id, findings, run.as_of))
        self.accounts_stored += 1

    def _add(self, c: TrackCounts) -> None:
        for name in ("new", "seen_again", "reopened", "resolved", "incomplete"):
            setattr(self.counts, name, getattr(self.counts, name) + getattr(c, name))


def stored_subjects(store: Store, run_id: int) -> tuple[set[int], set[int]]:
    """Ids of the sites and accounts that already have a result in the run."""
    with store.session() as s:
        sites = set(s.scalars(select(SiteResult.site_id).where(SiteResult.run_id == run_id)))
        accounts = set(s.scalars(select(AccountRow.account_id).where(AccountRow.run_id == run_id)))
    return sites, accounts


def apply_retention(store: Store, keep: int) -> list[int]:
    """Delete the snapshot folders of all but the newest ``keep`` runs that have one; returns their ids."""
    removed: list[int] = []
    with store.session() as s:
        runs = list(s.scalars(select(Run).where(Run.snapshot_dir.is_not(None)).order_by(Run.id.desc())))
        for run in runs[keep:]:
            if run.status == "running":
                continue
            shutil.rmtree(str(run.snapshot_dir), ignore_errors=True)
            run.snapshot_dir = None
            removed.append(run.id)
    return removed


@dataclass(slots=True)
class Targets:
    """Registered, not archived sites and accounts with their row ids."""

    sites: list[SiteEntry]
    accounts: list[AccountEntry]
    site_ids: dict[str, int]
    account_ids: dict[tuple[str, str], int]


def registered_targets(store: Store) -> Targets:
    """The registry in the store (archived entries left out) and the ids of every entry."""
    entries = registered(store)
    return Targets(list(entries.sites), list(entries.accounts), site_ids(store), account_ids(store))


def run_counts(store: Store, run_id: int) -> tuple[int, int]:
    """Site and account results stored in a run."""
    with store.session() as s:
        sites = s.scalar(select(func.count()).select_from(SiteResult).where(SiteResult.run_id == run_id)) or 0
        accounts = s.scalar(select(func.count()).select_from(AccountRow).where(AccountRow.run_id == run_id)) or 0
    return int(sites), int(accounts)
