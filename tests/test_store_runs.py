"""Runs in the store: one at a time, stale runs, per-site transactions, resume, retention (both backends)."""

from __future__ import annotations

import socket
import threading
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from govinspect.model import AccountResult as AccountOutcome
from govinspect.model import Finding, SiteEntry, SiteResult
from govinspect.registry import AccountEntry, SourceSpec
from govinspect.store.runs import (
    RunBusy,
    StoreSink,
    apply_retention,
    finish_run,
    registered_targets,
    resume_run,
    run_counts,
    start_run,
    stored_subjects,
)
from govinspect.store.tables import AccountResult, Occurrence, Run, TrackedFinding
from govinspect.store.tables import SiteResult as SiteRow
from tests.runs_support import register

AS_OF = date(2019, 10, 20)
SITES = [SiteEntry(name=f"站点{i}", url=f"http://s{i}.example.gov.cn/", unit="某单位") for i in range(3)]
ACCOUNT = AccountEntry(name="某发布", platform="weibo", source=SourceSpec(type="rss", url="http://x/feed.xml"),
                       unit="某单位")


def _result(site: SiteEntry, *codes: str) -> SiteResult:
    findings = [Finding(c, "deduct", site.url + "p.html", f"问题 {c}", {"target": c}) for c in codes]
    return SiteResult(name=site.name, url=site.url, verdict="pass", vetoed=False, score=90.0, pages_crawled=5,
                      findings=findings, verdict_label="合格", stats={"when": AS_OF})


def _count(store, table, **where) -> int:
    with store.session() as s:
        q = select(func.count()).select_from(table)
        for k, v in where.items():
            q = q.where(getattr(table, k) == v)
        return int(s.scalar(q) or 0)


def test_start_run_sets_period_owner_and_refuses_a_second(store, tmp_path: Path) -> None:
    run = start_run(store, AS_OF, {"sites": []}, home=tmp_path)
    assert run.period == "2019-10" and run.status == "running" and run.kind == "inspect"
    assert run.owner and run.owner.startswith(socket.gethostname() + ":")
    assert run.snapshot_dir == str(tmp_path / "runs" / str(run.id))
    with pytest.raises(RunBusy) as exc:
        start_run(store, AS_OF)
    msg = str(exc.value)
    assert f"#{run.id}" in msg and run.owner in msg and "正在进行" in msg
    finish_run(store, run)
    again = start_run(store, AS_OF)  # the first one is finished: free
    assert again.id != run.id


def test_two_starts_at_once_one_wins(store) -> None:
    barrier = threading.Barrier(2)
    outcome: list[str] = []

    def go() -> None:
        barrier.wait()
        try:
            start_run(store, AS_OF)
            outcome.append("ok")
        except RunBusy:
            outcome.append("busy")

    threads = [threading.Thread(target=go) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcome) == ["busy", "ok"]
    assert _count(store, Run, status="running") == 1


def _fake_running(store, owner: str, heartbeat: datetime) -> int:
    with store.session() as s:
        run = Run(period="2019-10", as_of=AS_OF, kind="inspect", status="running", owner=owner,
                  heartbeat_at=heartbeat, started_at=heartbeat, options={})
        s.add(run)
        s.flush()
        return run.id


def test_stale_runs_are_interrupted_live_ones_refuse(store) -> None:
    now = datetime.now()
    dead = _fake_running(store, f"{socket.gethostname()}:999999", now)  # this host, no such pid
    old = _fake_running(store, "other-host:12", now - timedelta(hours=1))  # another host, silent for an hour
    run = start_run(store, AS_OF)
    with store.session() as s:
        assert s.get(Run, dead).status == "interrupted"
        assert s.get(Run, old).status == "interrupted"
    finish_run(store, run)
    live = _fake_running(store, "other-host:12", now)  # another host, fresh heartbeat: alive as far as we know
    with pytest.raises(RunBusy, match=f"#{live}"):
        start_run(store, AS_OF)
    with pytest.raises(RunBusy, match="other-host:12"):
        resume_run(store)


def test_sink_writes_each_site_in_its_own_transaction(store, tmp_path: Path) -> None:
    register(store, SITES, [ACCOUNT])
    targets = registered_targets(store)
    assert [s.name for s in targets.sites] == [s.name for s in SITES] and targets.accounts[0].unit == "某单位"
    run = start_run(store, AS_OF, home=tmp_path)
    sink = StoreSink(store, run, targets.site_ids, targets.account_ids)
    path = sink.snapshot_path(SITES[0])
    assert path is not None and path.parent == tmp_path / "runs" / str(run.id) and path.suffix == ".sqlite"
    sink.site_done(SITES[0], _result(SITES[0], "link.broken", "column.stale"), path)
    # Visible to another session at once, with its findings: nothing waits for the end of the run.
    assert _count(store, SiteRow, run_id=run.id) == 1
    assert _count(store, Occurrence, run_id=run.id) == 2
    assert _count(store, TrackedFinding) == 2
    with store.session() as s:
        row = s.scalars(select(SiteRow)).one()
        assert row.snapshot_path == str(path) and row.stats == {"when": "2019-10-20"} and row.score == 90.0
    sink.account_done(ACCOUNT, AccountOutcome(
        name=ACCOUNT.name, platform="weibo", unit="某单位", platform_id=None, official_matrix=True, status="active",
        source="rss", verdict="fail", verdict_label="单项否决", checked=True, summary="长期未更新",
        findings=[Finding("newmedia.stale", "veto", None, "未更新", {"last_post": date(2019, 1, 2)})]))
    assert _count(store, AccountResult, run_id=run.id) == 1 and _count(store, TrackedFinding) == 3
    assert sink.counts.new == 3 and sink.sites_stored == 1 and sink.accounts_stored == 1
    # A failing write leaves nothing of the site behind (the same site twice breaks the unique key).
    with pytest.raises(IntegrityError):
        sink.site_done(SITES[0], _result(SITES[0], "x.other"), None)
    assert _count(store, SiteRow, run_id=run.id) == 1 and _count(store, TrackedFinding) == 3


def test_resume_takes_the_newest_interrupted_run_and_knows_what_is_stored(store) -> None:
    register(store, SITES)
    targets = registered_targets(store)
    first = start_run(store, AS_OF)
    finish_run(store, first, "interrupted")
    second = start_run(store, AS_OF)
    StoreSink(store, second, targets.site_ids, {}).site_done(SITES[1], _result(SITES[1]), None)
    finish_run(store, second, "interrupted")
    run = resume_run(store)
    assert run.id == second.id and run.status == "running"
    assert stored_subjects(store, run.id) == ({targets.site_ids[SITES[1].url]}, set())
    assert run_counts(store, run.id) == (1, 0)
    with pytest.raises(RunBusy):
        start_run(store, AS_OF)
    finish_run(store, run)
    nothing_left = resume_run(store)  # the older interrupted one
    assert nothing_left.id == first.id
    finish_run(store, nothing_left)
    with pytest.raises(Exception, match="没有可继续的中断检查批次"):
        resume_run(store)


def test_retention_keeps_the_newest_runs_snapshots(store, tmp_path: Path) -> None:
    runs = []
    for _ in range(4):
        run = start_run(store, AS_OF, home=tmp_path)
        Path(run.snapshot_dir).mkdir(parents=True)
        (Path(run.snapshot_dir) / "1-site.sqlite").write_bytes(b"x")
        finish_run(store, run)
        runs.append(run)
    removed = apply_retention(store, 2)
    assert sorted(removed) == [runs[0].id, runs[1].id]
    assert not Path(runs[0].snapshot_dir).exists() and not Path(runs[1].snapshot_dir).exists()
    assert Path(runs[2].snapshot_dir).exists() and Path(runs[3].snapshot_dir).exists()
    with store.session() as s:
        assert s.get(Run, runs[0].id).snapshot_dir is None and s.get(Run, runs[3].id).snapshot_dir is not None
    assert apply_retention(store, 2) == []
