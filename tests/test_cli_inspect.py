"""`govinspect inspect` and `govinspect rejudge` as subprocesses on the demo world (both backends)."""

from __future__ import annotations

import json
import os
import signal
import time
from datetime import date, datetime
from pathlib import Path

import yaml
from sqlalchemy import func, select

from govinspect.demo.accounts import build_accounts
from govinspect.demo.runner import demo_settings, live_hosts
from govinspect.demo.server import serve_in_thread
from govinspect.store import open_store
from govinspect.store.runs import apply_retention
from govinspect.store.tables import AccountResult, Occurrence, Run, SiteResult, TrackedFinding
from tests.runs_support import govinspect, register, start, write_config

AS_OF = date(2019, 10, 20)
EMPTY = "没有已登记的网站或账号，请先运行 govinspect sites import FILE"


def _config(tmp_path: Path, db_url: str, world, **extra) -> Path:
    settings = demo_settings(live_hosts(world), world.hosts())
    return write_config(tmp_path / "settings.yaml", settings, db_url, tmp_path / "home", **extra)


def _one_line(proc) -> str:
    lines = [x for x in proc.stderr.splitlines() if x.strip()]
    assert len(lines) == 1, proc.stderr
    return lines[0]


def test_empty_registry_says_what_to_do(db_url: str, demo_world, tmp_path: Path) -> None:
    proc = govinspect("inspect", "--config", str(_config(tmp_path, db_url, demo_world)))
    assert proc.returncode == 2 and _one_line(proc) == f"错误: {EMPTY}" and proc.stdout == ""


def test_unknown_site_names_the_close_ones(db_url: str, demo_world, world_server, tmp_path: Path) -> None:
    sites = demo_world.entries(world_server.base_urls)[:3]
    with open_store(db_url) as store:
        register(store, sites)
    proc = govinspect("inspect", "--site", sites[0].name + "X", "--config", str(_config(tmp_path, db_url, demo_world)))
    assert proc.returncode == 2
    line = _one_line(proc)
    assert f"未找到已登记的网站“{sites[0].name}X”" in line and sites[0].name in line.split("相近的名称")[1]
    proc = govinspect("inspect", "--site", sites[1].name, "--max-pages", "20", "--json",
                      "--config", str(_config(tmp_path, db_url, demo_world)))
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert [s["name"] for s in out["sites"]] == [sites[1].name] and out["accounts"] == []
    with open_store(db_url) as store:
        assert _count(store, SiteResult) == 1


def test_a_live_run_blocks_a_second_inspect(db_url: str, demo_world, world_server, tmp_path: Path) -> None:
    with open_store(db_url) as store:
        register(store, demo_world.entries(world_server.base_urls)[:1])
        with store.session() as s:
            run = Run(period="2019-10", as_of=AS_OF, kind="inspect", status="running", owner="inspector-2:4242",
                      heartbeat_at=datetime.now(), started_at=datetime(2019, 10, 20, 8, 0, 0), options={})
            s.add(run)
            s.flush()
            run_id = run.id
    proc = govinspect("inspect", "--config", str(_config(tmp_path, db_url, demo_world)))
    assert proc.returncode == 2
    line = _one_line(proc)
    assert f"#{run_id}" in line and "2019-10-20 08:00:00" in line and "inspector-2:4242" in line


def _count(store, table, **where) -> int:
    with store.session() as s:
        q = select(func.count()).select_from(table)
        for k, v in where.items():
            q = q.where(getattr(table, k) == v)
        return int(s.scalar(q) or 0)


def test_inspect_stores_then_rejudge_needs_no_network(db_url: str, demo_world, tmp_path: Path) -> None:
    acc = build_accounts(demo_world, AS_OF)
    files = acc.write_account_files(tmp_path / "accounts")
    config = _config(tmp_path, db_url, demo_world)
    with serve_in_thread(demo_world, [*demo_world.sites[:2], acc.site]) as handle:
        sites = demo_world.entries(handle.base_urls)
        accounts = acc.entries(handle.base_urls[acc.site.key], files)
        with open_store(db_url) as store:
            register(store, sites, accounts)
        proc = govinspect("inspect", "--as-of", AS_OF.isoformat(), "--json", "--config", str(config))
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert [s["name"] for s in out["sites"]] == [s.name for s in sites]
    assert len(out["accounts"]) == len(accounts) and out["run"]["status"] == "finished"
    run_id = out["run"]["id"]
    with open_store(db_url) as store:
        run = _get(store, run_id)
        assert run.period == "2019-10" and run.status == "finished" and run.finished_at is not None
        assert _count(store, SiteResult, run_id=run_id) == 2
        assert _count(store, AccountResult, run_id=run_id) == len(accounts)
        assert _count(store, TrackedFinding) == out["run"]["findings"]["new"] > 0
        snaps = sorted((tmp_path / "home" / "runs" / str(run_id)).glob("*.sqlite"))
        assert len(snaps) == 2

    # The server is gone: the rejudge reads the snapshots only. A stricter rule set fails every site.
    rules = yaml.safe_load(Path("src/govinspect/data/rules.yaml").read_text(encoding="utf-8"))
    rules["name"], rules["verdict"]["pass_score"] = "strict-test", 101
    strict = tmp_path / "strict.yaml"
    strict.write_text(yaml.safe_dump(rules, allow_unicode=True), encoding="utf-8")
    before = {s["url"]: s["verdict"] for s in out["sites"]}
    proc = govinspect("rejudge", str(run_id), "--rules", str(strict), "--json", "--config", str(config))
    assert proc.returncode == 0, proc.stderr
    again = json.loads(proc.stdout)
    assert again["parent"] == run_id and again["rules"] == "strict-test" and again["as_of"] == "2019-10-20"
    assert {s["verdict"] for s in again["sites"]} == {"fail"}
    assert {c["url"] for c in again["changes"]} == {u for u, v in before.items() if v == "pass"}
    with open_store(db_url) as store:
        new = _get(store, again["run"])
        assert (new.kind, new.parent_id, new.status, new.period) == ("rejudge", run_id, "finished", "2019-10")
        assert _count(store, SiteResult, run_id=new.id, verdict="fail") == 2
    proc = govinspect("rejudge", str(run_id), "--rules", str(strict), "--config", str(config))
    assert proc.returncode == 0 and "重新评判检查批次" in proc.stdout

    # Snapshots removed by retention: a clear error naming the run and the setting.
    with open_store(db_url) as store:
        assert run_id in apply_retention(store, 0)
    proc = govinspect("rejudge", str(run_id), "--rules", str(strict), "--config", str(config))
    assert proc.returncode == 2
    line = _one_line(proc)
    assert f"#{run_id}" in line and "snapshot_retention" in line
    proc = govinspect("rejudge", "999", "--rules", str(strict), "--config", str(config))
    assert proc.returncode == 2 and "999" in _one_line(proc)


def _get(store, run_id: int) -> Run:
    with store.session() as s:
        run = s.get(Run, run_id)
        assert run is not None
        return run


def test_kill_9_keeps_whole_sites_and_resume_finishes(db_url: str, demo_world, world_server, tmp_path: Path) -> None:
    sites = demo_world.entries(world_server.base_urls)
    config = _config(tmp_path, db_url, demo_world)
    with open_store(db_url) as store:
        ids = register(store, sites)
    proc = start("inspect", "--as-of", AS_OF.isoformat(), "--config", str(config))
    try:
        with open_store(db_url) as store:
            deadline = time.monotonic() + 120
            while _count(store, SiteResult) == 0:
                assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
                assert time.monotonic() < deadline, "no site stored in 120 s"
                time.sleep(0.02)
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
            with store.session() as s:
                run = s.scalars(select(Run)).one()
                stored = set(s.scalars(select(SiteResult.site_id).where(SiteResult.run_id == run.id)))
                tracked = set(s.scalars(select(TrackedFinding.site_id).join(
                    Occurrence, Occurrence.finding_id == TrackedFinding.id).where(Occurrence.run_id == run.id)))
            assert run.status == "running"  # killed: nobody closed it
            assert 1 <= len(stored) < len(sites)
            # Whole sites only: a stored site has its findings, and no findings exist without a stored site.
            assert tracked == stored
        proc2 = govinspect("inspect", "--resume", "--config", str(config))
        assert proc2.returncode == 0, proc2.stderr
        assert "继续完成" in proc2.stdout
        with open_store(db_url) as store:
            with store.session() as s:
                assert s.scalars(select(Run)).one().status == "finished"
                rows = list(s.scalars(select(SiteResult.site_id).where(SiteResult.run_id == run.id)))
            assert sorted(rows) == sorted(ids.values())  # each site exactly once
        assert len(list((tmp_path / "home" / "runs" / str(run.id)).glob("*.sqlite"))) == len(sites)
        proc3 = govinspect("inspect", "--resume", "--config", str(config))
        assert proc3.returncode == 2 and "没有可继续的中断检查批次" in _one_line(proc3)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_ctrl_c_marks_the_run_interrupted(db_url: str, demo_world, world_server, tmp_path: Path) -> None:
    sites = demo_world.entries(world_server.base_urls)
    with open_store(db_url) as store:
        register(store, sites)
    proc = start("inspect", "--config", str(_config(tmp_path, db_url, demo_world)))
    try:
        with open_store(db_url) as store:
            deadline = time.monotonic() + 120
            while _count(store, SiteResult) == 0:
                assert proc.poll() is None and time.monotonic() < deadline
                time.sleep(0.02)
            proc.send_signal(signal.SIGINT)
            assert proc.wait(timeout=60) == 130
            err = proc.stderr.read() if proc.stderr else ""
            assert "已中断" in err and "--resume" in err, err[-2000:]
            with store.session() as s:
                run = s.scalars(select(Run)).one()
            assert run.status == "interrupted" and run.finished_at is None
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
