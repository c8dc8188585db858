"""The monitor's probes and command: the timeout edge, --once, --status, an empty registry, SIGTERM."""

from __future__ import annotations

import asyncio
import json
import signal
import time
from pathlib import Path

from aiohttp import web
from sqlalchemy import select

from govinspect.model import SiteEntry
from govinspect.monitor.rounds import offset, run_round
from govinspect.rules import load_rules
from govinspect.settings import Settings
from govinspect.store.tables import Probe

from .runs_support import register, start, write_config
from .support import LoopbackServer, html, one_line_error


def _slow(seconds: float):
    async def handler(_request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(seconds)
        return web.Response(text="<html><title>慢</title><body>首页</body></html>", content_type="text/html")

    return handler


def test_an_answer_inside_the_timeout_is_up_and_one_past_it_is_down(store) -> None:
    from datetime import datetime

    with LoopbackServer({"/fast": _slow(0.9), "/late": _slow(1.1)}) as srv:
        register(store, [SiteEntry("快站", srv.url("/fast")), SiteEntry("慢站", srv.url("/late"))])
        result = run_round(store, Settings(monitor_timeout=1.0), load_rules(), datetime.now)
    by_url = {p.site_url: p for p in result.probes}
    assert by_url[srv.url("/fast")].ok and by_url[srv.url("/fast")].latency_ms >= 900
    assert not by_url[srv.url("/late")].ok and by_url[srv.url("/late")].error == "timeout"
    assert list(result.homes) == [srv.url("/fast")] and "慢" in result.homes[srv.url("/fast")]
    assert not result.discarded and result.controls_ok


def test_offsets_spread_the_round_deterministically() -> None:
    urls = [f"http://site{i}.gov.cn/" for i in range(200)]
    offsets = [offset(u, 600) for u in urls]
    assert offsets == [offset(u, 600) for u in urls] and all(0 <= o < 600 for o in offsets)
    assert sum(1 for o in offsets if o < 60) < 50  # no burst at the minute


def test_once_and_status_through_the_cli(call, db_url: str, store) -> None:
    one_line_error(call(db_url, "monitor", "--once"), "注册库中没有网站")
    with LoopbackServer({"/": html("<title>甲</title>")}) as srv:
        register(store, [SiteEntry("甲站", srv.url()), SiteEntry("乙站", "http://127.0.0.1:1/")])
        done = call(db_url, "monitor", "--once")
        assert done.returncode == 0, done.stderr
        assert "探测 2 个网站，1 个无法访问" in done.stdout
        again = call(db_url, "monitor", "--once")
        assert again.returncode == 0 and "未重复探测" in again.stdout
    shown = call(db_url, "monitor", "--status", "--json")
    assert shown.returncode == 0, shown.stderr
    rows = {r["name"]: r for r in json.loads(shown.stdout)}
    assert (rows["甲站"]["probes"], rows["甲站"]["failed"], rows["甲站"]["availability"]) == (1, 0, 1.0)
    assert (rows["乙站"]["failed"], rows["乙站"]["conclusion"]) == (1, "监测不足7天")
    table = call(db_url, "monitor", "--status")
    assert "监测天数" in table.stdout and "乙站" in table.stdout and "0.0%" in table.stdout


def _wait(cond, seconds: float = 20.0) -> None:
    end = time.monotonic() + seconds
    while not cond():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.05)


def test_sigterm_discards_the_round_in_flight_and_exits_cleanly(db_url: str, store, tmp_path: Path) -> None:
    with LoopbackServer({"/": _slow(5.0), "/ok": html("<title>好</title>")}) as srv:
        register(store, [SiteEntry("慢站", srv.url()), SiteEntry("好站", srv.url("/ok"))])
        cfg = write_config(tmp_path / "c.yaml", Settings(), db_url, tmp_path, monitor_spread=0, monitor_timeout=10)
        proc = start("monitor", "--config", str(cfg))
        _wait(lambda: srv.hits.get("/", 0) > 0)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert "discarded" in err and "Traceback" not in err
    with store.session() as s:
        assert s.scalars(select(Probe)).all() == []  # never half a round


def test_sigterm_between_rounds_keeps_the_whole_round(db_url: str, store, tmp_path: Path) -> None:
    with LoopbackServer({"/": html("<title>好</title>")}) as srv:
        register(store, [SiteEntry("好站", srv.url())])
        cfg = write_config(tmp_path / "c.yaml", Settings(), db_url, tmp_path, monitor_spread=0)
        proc = start("monitor", "--config", str(cfg))

        def stored() -> bool:
            with store.session() as s:
                return bool(s.scalars(select(Probe)).all())

        _wait(stored)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert len([line for line in err.splitlines() if "round " in line and "sites" in line]) == 1
    with store.session() as s:
        assert len(s.scalars(select(Probe)).all()) == 1
