"""The stored inspection as one unit of work: a run over the registry, each result into the store.

The CLI (`govinspect inspect`), the demo, and later the web app and the workers call
``inspect_registered``; it owns the run's lifecycle (lock, heartbeat, resume, interruption,
snapshot retention) and hands every site and account to a ``StoreSink`` as it finishes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from .model import ScanResult, SiteEntry
from .model import SiteResult as SiteVerdict
from .monitor.availability import apply_week
from .rules import Rules, load_rules
from .service import ProgressFn, scan_sites
from .settings import Settings
from .store import Store, home_dir
from .store.runs import (
    Heartbeat,
    StoreSink,
    apply_retention,
    finish_run,
    registered_targets,
    resume_run,
    start_run,
    stored_subjects,
)
from .store.tables import Run


@dataclass
class WeekSink(StoreSink):
    """A ``StoreSink`` that judges availability with the monitor's week of probes before storing a site."""

    rules: Rules | None = None

    def site_done(self, site: SiteEntry, result: SiteVerdict, snapshot_path: Path | None) -> None:
        if self.rules is not None:
            result = apply_week(self.store, self.site_ids[site.url], result, self.rules, datetime.now())
        super().site_done(site, result, snapshot_path)


@dataclass(slots=True)
class RunOutcome:
    """A finished (or interrupted) stored run: the run row, what this call inspected, and the counts."""

    run: Run
    result: ScanResult
    sink: StoreSink
    resumed: bool = False
    snapshots_removed: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        c = self.sink.counts
        return {"id": self.run.id, "period": self.run.period, "as_of": self.run.as_of.isoformat(),
                "status": self.run.status, "resumed": self.resumed, "sites_stored": self.sink.sites_stored,
                "accounts_stored": self.sink.accounts_stored,
                "findings": {"new": c.new, "seen_again": c.seen_again, "reopened": c.reopened,
                             "resolved": c.resolved, "incomplete": c.incomplete},
                "snapshots_removed_runs": self.snapshots_removed}


def inspect_registered(
    store: Store, settings: Settings, as_of: date, *, sites: Sequence[str] = (), resume: bool = False,
    progress: ProgressFn | None = None, on_interrupt: Callable[[Run], None] | None = None,
    on_start: Callable[[Run], None] | None = None,
) -> RunOutcome:
    """Inspect the registered sites (``sites``: only these URLs) and accounts into a new run, or resume one.

    ``on_start`` is called with the run row once it holds the run lock (the web's launcher waits for it).
    """
    rules = load_rules(settings.rules_file)
    targets = registered_targets(store)
    urls = list(sites)
    if resume:
        run = resume_run(store)
        urls = list(run.options.get("sites") or [])
        done_sites, done_accounts = stored_subjects(store, run.id)
    else:
        run = start_run(store, as_of, {"sites": urls}, rules=rules.name, home=home_dir(settings.home))
        done_sites, done_accounts = set(), set()
    if on_start is not None:
        on_start(run)
    chosen = [s for s in targets.sites if (not urls or s.url in urls) and targets.site_ids[s.url] not in done_sites]
    accounts = [] if urls else [a for a in targets.accounts
                                 if targets.account_ids[(a.platform, a.name)] not in done_accounts]
    sink = WeekSink(store, run, targets.site_ids, targets.account_ids, rules=rules)
    status = "interrupted"
    try:
        with Heartbeat(store, run.id):
            result = asyncio.run(scan_sites(chosen, settings, run.as_of, accounts=targets.accounts, progress=progress,
                                            sink=sink, only_accounts=accounts, rules=rules))
        status = "finished"
    finally:
        finish_run(store, run, status)
        if status != "finished" and on_interrupt is not None:
            on_interrupt(run)
    removed = apply_retention(store, settings.snapshot_retention)
    return RunOutcome(run, result, sink, resume, removed)
