"""The monitor over a simulated week: the 5 % threshold, the monitor's own outage, a restart mid-week."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from govinspect.model import SiteEntry, SiteResult
from govinspect.monitor import ROUND_HOOKS
from govinspect.monitor.availability import SHORT_NOTICE, apply_week, availability
from govinspect.monitor.service import Monitor
from govinspect.rules import load_rules
from govinspect.settings import Settings
from govinspect.store.tables import Probe

from .monitor_support import FakeClock, switchable
from .runs_support import register
from .support import LoopbackServer

START = datetime(2026, 11, 2, 0, 0)
HOUR = 3600.0
ROUNDS = 7 * 24  # one round an hour for a week


def _settings(control: str) -> Settings:
    return Settings(monitor_interval=HOUR, monitor_spread=0, monitor_timeout=2.0, monitor_controls=[control])


def test_week_either_side_of_the_threshold_with_an_outage_and_a_restart(store) -> None:
    down: set[str] = set()
    with LoopbackServer({"/": switchable(down, "a")}) as a, LoopbackServer({"/": switchable(down, "b")}) as b, \
            LoopbackServer({"/": switchable(down, "control")}) as ctl:
        ids = register(store, [SiteEntry("甲站", a.url()), SiteEntry("乙站", b.url())])
        clock = FakeClock(START)
        # Site a is down in 7 counted rounds (4.2 %), site b in 10 (6.0 %); in round 50 the
        # monitor's own network is down (controls fail) and site a with it.
        a_down, b_down = {5, 20, 40, 60, 80, 120, 160}, {3, 13, 33, 53, 73, 93, 113, 133, 153, 163}
        seen: list[str] = []

        def switch(_store: object, result: object) -> None:
            seen.append(result.round_id)  # type: ignore[attr-defined]
            n = len(seen)
            down.clear()
            down.update({"a"} if n in a_down | {50} else set())
            down.update({"b"} if n in b_down else set())
            down.update({"control"} if n == 50 else set())

        ROUND_HOOKS.append(switch)
        try:
            first = Monitor(store, _settings(ctl.url()), clock)
            assert first.run(max_rounds=84) == 84
            # Restart in the middle of the week: the slot just stored is not probed again.
            again = Monitor(store, _settings(ctl.url()), clock)
            assert again.once() is None
            assert again.next_round_at() > clock.now()
            assert again.run(max_rounds=ROUNDS - 84) == ROUNDS - 84
        finally:
            ROUND_HOOKS.remove(switch)
        assert len(seen) == len(set(seen)) == ROUNDS
    with store.session() as s:
        assert s.scalar(select(func.count(func.distinct(Probe.round_id)))) == ROUNDS
        discarded = s.scalars(select(Probe).where(Probe.discarded.is_(True))).all()
    assert len({p.round_id for p in discarded}) == 1
    assert len(discarded) == 3  # two sites and the control of one round
    rules = load_rules()
    now = START + timedelta(days=7)
    week_a = availability(store, ids[a.url()], now, rules)
    week_b = availability(store, ids[b.url()], now, rules)
    assert (week_a.failed, week_b.failed) == (7, 10)
    assert week_a.probes == week_b.probes == ROUNDS - 2  # the first is on the window's edge, one discarded
    assert 0.04 < week_a.rate < 0.05 < week_b.rate < 0.065
    assert week_a.enough and week_b.enough and week_a.days_covered == 7
    assert not week_a.unreachable and week_b.unreachable
    # Six days in, the week rule does not apply yet.
    early = availability(store, ids[b.url()], START + timedelta(days=6), rules)
    assert not early.enough and not early.unreachable


def test_a_week_of_failures_vetoes_the_stored_inspection(store) -> None:
    ids = register(store, [SiteEntry("甲站", "http://a.example.cn/"), SiteEntry("乙站", "http://b.example.cn/")])
    rules = load_rules()
    with store.session() as s:
        for i in range(7 * 24 + 1):
            at = START + timedelta(hours=i)
            s.add(Probe(site_id=ids["http://a.example.cn/"], target="http://a.example.cn/", round_id=str(i), at=at,
                        status=None if i % 10 == 0 else 200, error="timeout" if i % 10 == 0 else None, latency_ms=5))
        s.add(Probe(site_id=ids["http://b.example.cn/"], target="http://b.example.cn/", round_id="x",
                    at=START + timedelta(days=6), status=200, latency_ms=5))
    passed = SiteResult("甲站", "http://a.example.cn/", "pass", False, 95.0, 10, [], verdict_label="合格")
    judged = apply_week(store, ids["http://a.example.cn/"], passed, rules, START + timedelta(days=7))
    assert judged.vetoed and judged.veto_reasons == ["site.unreachable"] and str(judged.verdict) == "fail"
    [veto] = [f for f in judged.findings if f.code == "site.unreachable"]
    assert str(veto.severity) == "veto" and set(veto.evidence) == {"rate", "probes", "failed", "days"}
    assert (veto.evidence["failed"], veto.evidence["probes"]) == (16, 168) and "失败率 9.5%" in veto.message
    short = apply_week(store, ids["http://b.example.cn/"], passed, rules, START + timedelta(days=7))
    assert not short.vetoed and SHORT_NOTICE in short.findings[0].message
    assert str(short.findings[0].severity) == "notice"


def test_inspect_stores_the_week_veto(store, tmp_path) -> None:
    from govinspect.inspection import WeekSink
    from govinspect.store.runs import finish_run, start_run
    from govinspect.store.tables import SiteResult as SiteRow

    site = SiteEntry("甲站", "http://a.example.cn/")
    ids = register(store, [site])
    now = datetime.now().replace(microsecond=0)
    with store.session() as s:
        for i in range(8 * 24):
            s.add(Probe(site_id=ids[site.url], target=site.url, round_id=f"r{i}", at=now - timedelta(hours=i),
                        status=200 if i % 4 else None, error=None if i % 4 else "refused", latency_ms=3))
    rules = load_rules()
    run = start_run(store, now.date(), {}, rules=rules.name, home=tmp_path)
    sink = WeekSink(store, run, ids, {}, rules=rules)
    sink.site_done(site, SiteResult("甲站", site.url, "pass", False, 100.0, 1, [], verdict_label="合格"), None)
    finish_run(store, run, "finished")
    with store.session() as s:
        row = s.scalars(select(SiteRow)).one()
        assert row.vetoed and row.veto_reasons == ["site.unreachable"] and row.verdict == "fail"


def test_monitor_rounds_alert_the_office_once_per_problem(store) -> None:
    """Daily rounds for 9 days: a defaced home page alerts in the first round, a site down in 1 of 8
    counted rounds (12.5 %) alerts once the week rule applies; repeats are not sent again."""
    from .test_alerts import Receiver

    defaced = ("<html><head><title>澳门葡京娱乐城-真人视讯-百家乐-开户送彩金</title>"
               "<meta name='keywords' content='澳门葡京,真人视讯,百家乐,彩金'></head>"
               "<body><p>澳门葡京娱乐城 真人视讯 百家乐 开户送彩金</p></body></html>")

    async def spam(_request: object) -> object:
        from aiohttp import web

        return web.Response(text=defaced, content_type="text/html")

    down: set[str] = set()
    rounds: list[str] = []

    def switch(_store: object, result: object) -> None:
        rounds.append(result.round_id)  # type: ignore[attr-defined]
        down.clear()
        down.update({"a"} if len(rounds) == 2 else set())  # the third round finds site a down

    with Receiver() as receiver, LoopbackServer({"/": switchable(down, "a")}) as a, \
            LoopbackServer({"/": spam}) as b, LoopbackServer({"/": switchable(down, "control")}) as ctl:
        register(store, [SiteEntry("甲站", a.url()), SiteEntry("乙站", b.url())])
        settings = Settings(monitor_interval=86400.0, monitor_spread=0, monitor_timeout=2.0,
                            monitor_controls=[ctl.url()], alerts=[receiver.url])
        ROUND_HOOKS.append(switch)
        try:
            assert Monitor(store, settings, FakeClock(START)).run(max_rounds=9) == 9
        finally:
            ROUND_HOOKS.remove(switch)
        titles = [m["title"] for m in receiver.received]
    assert len([t for t in titles if "乙站" in t and "篡改" in t]) == 1, titles
    assert len([t for t in titles if "甲站" in t and "无法访问" in t]) == 1, titles
    assert all(t.startswith("【否决项告警】") for t in titles)
