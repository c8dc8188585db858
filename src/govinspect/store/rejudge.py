"""Judge a stored run's site snapshots again with another rule set: no network, a new run of kind ``rejudge``.

The judging function is passed in (``service.judge``): storage never imports the crawl.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from ..checks import DEFAULT_SITE_CHECKS, Context
from ..errors import UsageError
from ..model import SiteEntry
from ..model import SiteResult as SiteVerdict
from ..rules import Rules
from ..snapshot import Snapshot
from .db import Store
from .runs import Heartbeat, StoreSink, finish_run, registered_targets, start_run
from .tables import Run, SiteResult


@dataclass(slots=True)
class Change:
    """One site's verdict before and after."""

    name: str
    url: str
    before: str
    after: str
    score_before: float
    score_after: float

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "url": self.url, "before": self.before, "after": self.after,
                "score_before": round(self.score_before, 2), "score_after": round(self.score_after, 2)}


@dataclass(slots=True)
class Rejudged:
    """The new run, every site's new result and the verdicts that changed."""

    run: Run
    parent: Run
    sites: list[SiteVerdict] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)


def _source(s: Any, run_id: int) -> tuple[Run, Run]:
    """The run asked for and the inspect run whose snapshots it reads (a rejudge reads its parent's)."""
    run = s.get(Run, run_id)
    if run is None:
        raise UsageError(f"没有编号为 {run_id} 的检查批次")
    source = run
    while source.kind == "rejudge" and source.parent_id is not None:
        source = s.get(Run, source.parent_id)
    return run, source


JudgeFn = Callable[[Snapshot, Context, Sequence[str]], SiteVerdict]


def rejudge(
    store: Store, run_id: int, rules: Rules, judge: JudgeFn, *, retention: int, checks: list[str] | None = None,
) -> Rejudged:
    """Judge every stored site snapshot of run ``run_id`` with ``rules`` through ``judge``; a new run holds the results."""
    with store.session() as s:
        run, source = _source(s, run_id)
        rows = list(s.scalars(select(SiteResult).where(SiteResult.run_id == run.id).order_by(SiteResult.site_id)))
        old = {r.site_id: r for r in rows}
        paths = {r.site_id: r.snapshot_path for r in rows}
    if not old:
        raise UsageError(f"检查批次 #{run.id} 没有已保存的网站结果，无法重新评判")
    missing = [p for p in paths.values() if not p or not Path(p).is_file()]
    if source.snapshot_dir is None or missing:
        raise UsageError(
            f"检查批次 #{source.id} 的网站快照已不存在(按设置 snapshot_retention={retention} 只保留最近 {retention} "
            f"个批次的快照{'，缺少 ' + str(missing[0]) if missing and missing[0] else ''})，无法重新评判；请重新运行 govinspect inspect"
        )
    targets = registered_targets(store)
    by_id = {v: k for k, v in targets.site_ids.items()}
    new = start_run(store, run.as_of, {"rules_file": rules.name}, kind="rejudge", parent_id=run.id, rules=rules.name)
    out = Rejudged(run=new, parent=run)
    sink = StoreSink(store, new, dict(targets.site_ids), dict(targets.account_ids))
    try:
        with Heartbeat(store, new.id):
            for site_id, path in paths.items():
                assert path is not None
                with Snapshot.open(path) as snap:
                    site = snap.site
                    url = by_id.get(site_id, site.url)
                    sink.site_ids[url] = site_id
                    site = SiteEntry(**{**_fields(site), "url": url})
                    own = tuple(a for a in targets.accounts if site.unit and a.unit == site.unit)
                    ctx = Context(as_of=run.as_of, rules=rules, site=site, accounts=own)
                    result = judge(snap, ctx, checks or DEFAULT_SITE_CHECKS)
                sink.site_done(site, result, Path(path))
                out.sites.append(result)
                before = old[site_id]
                if before.verdict != result.verdict or abs(before.score - result.score) > 0.005:
                    out.changes.append(Change(site.name, url, before.verdict, result.verdict, before.score, result.score))
    except BaseException:
        finish_run(store, new, "failed")
        raise
    finish_run(store, new)
    return out


def _fields(site: SiteEntry) -> dict[str, Any]:
    return {name: getattr(site, name) for name in SiteEntry.__dataclass_fields__}
