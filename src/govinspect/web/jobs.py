"""Runs started from the dashboard: a launcher that runs ``inspect_registered`` in a background thread.

The request that starts a run waits only until the run holds the store's run lock (or is refused
with ``RunBusy``); the inspection goes on in a daemon thread. Progress is read from the store (the
run row and its stored results), so it survives a page reload and a restart of the web process;
the launcher adds the live page counts of the sites being crawled while this process runs them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select

from ..errors import GovinspectError
from ..settings import Settings
from ..store import Store
from ..store.runs import RunBusy, is_stale, run_counts
from ..store.tables import Account, Run, Site
from .security import WebError, get_row

log = logging.getLogger(__name__)

START_WAIT = 60.0  # seconds a request waits for the run to take the lock
STATUS_LABELS = {"running": "运行中", "finished": "已完成", "interrupted": "已中断", "failed": "失败"}


@dataclass
class Job:
    """One run this process started: live page counts per site and the error that ended it, if any."""

    run_id: int | None = None
    pages: dict[str, tuple[int, int, bool]] = field(default_factory=dict)  # site -> (pages, queued, done)
    error: str | None = None
    thread: threading.Thread | None = None

    def progress(self, p: Any) -> None:  # crawl.engine.Progress (the web never imports the crawl)
        self.pages[p.site] = (p.pages, p.queued, p.done)


class Launcher:
    """Starts inspections in background threads, one at a time per database (the store's run lock)."""

    def __init__(self) -> None:
        self.jobs: dict[int, Job] = {}
        self._lock = threading.Lock()

    def start(self, store: Store, settings: Settings, as_of: date, sites: Sequence[str] = ()) -> int:
        """Start a run and return its id once it holds the run lock; ``WebError(409)`` when one is live."""
        with self._lock:  # the store's run lock decides (RunBusy -> 409), for this process and any other
            job = Job()
            started = threading.Event()
            refused: list[BaseException] = []

            def on_start(run: Run) -> None:
                job.run_id = run.id
                started.set()

            def work() -> None:
                from ..inspection import inspect_registered

                try:
                    inspect_registered(store, settings, as_of, sites=list(sites), progress=job.progress,
                                       on_start=on_start)
                except BaseException as exc:  # the thread's edge: the run is marked failed with one line
                    if job.run_id is None:
                        refused.append(exc)
                        started.set()
                        return
                    log.exception("run %s failed", job.run_id)
                    job.error = f"检查过程出错，已停止(已保存的结果保留): {type(exc).__name__}: {_one_line(exc)}"[:500]
                    mark_failed(store, job.run_id, job.error)

            job.thread = threading.Thread(target=work, name="web-run", daemon=True)
            job.thread.start()
            if not started.wait(START_WAIT):
                raise WebError(503, "检查任务未能在规定时间内启动(数据库忙)，请稍后重试")
            if refused:
                exc = refused[0]
                if isinstance(exc, RunBusy):
                    raise WebError(409, _one_line(exc))
                if isinstance(exc, GovinspectError):  # e.g. a rule-set file that cannot be read
                    raise WebError(400, _one_line(exc))
                raise WebError(500, f"检查任务启动失败: {_one_line(exc)}")
            assert job.run_id is not None
            self.jobs[job.run_id] = job
            return job.run_id

    def join(self, run_id: int, timeout: float | None = None) -> None:
        """Wait for a run this process started to end (tests and shutdown)."""
        job = self.jobs.get(run_id)
        if job is not None and job.thread is not None:
            job.thread.join(timeout)


    def join_all(self, timeout: float) -> list[int]:
        """Wait up to ``timeout`` seconds in all for the runs still going; return those still alive."""
        import time

        deadline = time.monotonic() + timeout
        alive = []
        for run_id, job in list(self.jobs.items()):
            if job.thread is not None:
                job.thread.join(max(0.0, deadline - time.monotonic()))
                if job.thread.is_alive():
                    alive.append(run_id)
        return alive


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def mark_failed(store: Store, run_id: int, error: str) -> None:
    """Record a crash: status ``failed`` and the error line in the run's options."""
    try:
        with store.session() as s:
            row = s.get(Run, run_id)
            if row is not None:
                row.status = "failed"
                row.options = {**(row.options or {}), "error": error}
                row.finished_at = None
    except Exception:  # the store itself may be what failed; the in-memory line still shows
        log.exception("could not mark run %s failed", run_id)


def launcher(extra: dict[str, Any]) -> Launcher:
    """The launcher kept in ``WebContext.extra["jobs"]``."""
    found = extra.get("jobs")
    if found is None:
        found = extra.setdefault("jobs", Launcher())  # atomic: two first requests share one launcher
    assert isinstance(found, Launcher)
    return found


# --- progress read from the store ------------------------------------------------------------


@dataclass
class RunView:
    """A run as the pages and the API show it."""

    id: int
    period: str
    as_of: date
    kind: str
    status: str
    status_label: str
    started_at: datetime
    finished_at: datetime | None
    scope: str
    sites_stored: int
    accounts_stored: int
    sites_total: int | None
    accounts_total: int | None
    pages: dict[str, tuple[int, int, bool]] = field(default_factory=dict)
    error: str | None = None

    @property
    def ended(self) -> bool:
        return self.status != "running"

    @property
    def done(self) -> int:
        return self.sites_stored + self.accounts_stored

    @property
    def total(self) -> int | None:
        if self.sites_total is None or self.accounts_total is None:
            return None
        return self.sites_total + self.accounts_total

    @property
    def fraction(self) -> float | None:
        total = self.total
        if self.status == "finished":
            return 1.0
        return min(1.0, self.done / total) if total else None


def _registered_counts(store: Store) -> tuple[int, int]:
    with store.session() as s:
        sites = s.scalar(select(func.count()).select_from(Site).where(Site.archived_at.is_(None))) or 0
        accounts = s.scalar(select(func.count()).select_from(Account).where(Account.archived_at.is_(None))) or 0
    return int(sites), int(accounts)


def run_view(store: Store, run: Run, jobs: Launcher | None = None) -> RunView:
    """The run's status and progress: the stored results against its targets, plus live page counts."""
    urls = list((run.options or {}).get("sites") or [])
    sites_stored, accounts_stored = run_counts(store, run.id)
    status = run.status
    if status == "running" and is_stale(run):
        status = "interrupted"
    job = jobs.jobs.get(run.id) if jobs else None
    error = (run.options or {}).get("error") or (job.error if job else None)
    if run.kind != "inspect":
        sites_total, accounts_total = None, None
    elif urls:
        sites_total, accounts_total = len(urls), 0
    else:
        sites_total, accounts_total = _registered_counts(store)
    if status == "finished":  # the registry may have changed since; the run did what it stored
        sites_total, accounts_total = sites_stored, accounts_stored
    return RunView(
        id=run.id, period=run.period, as_of=run.as_of, kind=run.kind, status=status,
        status_label=STATUS_LABELS.get(status, status), started_at=run.started_at, finished_at=run.finished_at,
        scope="、".join(urls) if urls else "全部已登记网站和账号",
        sites_stored=sites_stored, accounts_stored=accounts_stored, sites_total=sites_total,
        accounts_total=accounts_total, pages=dict(job.pages) if job and status == "running" else {},
        error=str(error) if error else None,
    )


def get_run(store: Store, run_id: int) -> Run:
    with store.session() as s:
        run = get_row(s, Run, run_id)
        if run is None:
            raise WebError(404, f"没有编号为 {run_id} 的检查批次")
        s.expunge(run)
    return run


def list_runs(store: Store, limit: int = 100) -> list[Run]:
    with store.session() as s:
        runs = list(s.scalars(select(Run).order_by(Run.id.desc()).limit(limit)))
        for r in runs:
            s.expunge(r)
    return runs
