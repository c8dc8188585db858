"""Month-to-month tracking of findings: new, seen again, resolved, reopened, owner marks verified."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from govinspect.model import Finding
from govinspect.store.tables import Occurrence, Run, Site, TrackedFinding
from govinspect.store.tracking import record_findings

T0 = datetime(2019, 9, 1)


def _broken(target: str, page: str = "http://a.gov.cn/") -> Finding:
    return Finding("link.broken", "deduct", page, f"链接无法访问: {target}", {"target": target, "status": 404})


def _setup(store) -> tuple[int, list[Run]]:
    with store.session() as s:
        site = Site(name="甲市人民政府", url="http://a.gov.cn/", level="portal", overrides={}, created_at=T0, updated_at=T0)
        s.add(site)
        runs = [Run(period=p, as_of=d, status="finished", rules="r", options={}, started_at=T0)
                for p, d in (("2019-08", date(2019, 8, 20)), ("2019-09", date(2019, 9, 20)), ("2019-10", date(2019, 10, 20)))]
        s.add_all(runs)
        s.flush()
        return site.id, runs


def test_cycle_on_each_backend(store) -> None:
    site_id, (aug, sep, octo) = _setup(store)
    with store.session() as s:
        c = record_findings(s, aug, "site", site_id, [_broken("http://a.gov.cn/x"), _broken("http://a.gov.cn/y"),
                                                      _broken("http://a.gov.cn/y", "http://a.gov.cn/p2")], aug.as_of)
        assert (c.new, c.seen_again, c.resolved) == (2, 0, 0)  # y linked from two pages: one problem
    with store.session() as s:
        row_x = s.scalars(select(TrackedFinding).where(TrackedFinding.key.contains("/x"))).one()
        row_x.owner_status = "fixed"  # the owner says x is fixed, but it is not
        row_y = s.scalars(select(TrackedFinding).where(TrackedFinding.key.contains("/y"))).one()
        row_y.owner_status = "fixed"
    with store.session() as s:
        # September: x still there (referred from another page now), y gone, z new.
        c = record_findings(s, sep, "site", site_id, [_broken("http://a.gov.cn/x", "http://a.gov.cn/other"),
                                                      _broken("http://a.gov.cn/z")], sep.as_of)
        assert (c.new, c.seen_again, c.resolved, c.incomplete) == (1, 1, 1, 1)
    with store.session() as s:
        rows = {r.evidence["target"]: r for r in s.scalars(select(TrackedFinding))}
        assert rows["http://a.gov.cn/x"].first_seen == date(2019, 8, 20)
        assert rows["http://a.gov.cn/x"].last_seen == date(2019, 9, 20)
        assert rows["http://a.gov.cn/x"].rectification == "incomplete"
        assert rows["http://a.gov.cn/y"].resolved_at == date(2019, 9, 20)
        assert rows["http://a.gov.cn/y"].rectification == "verified"
        assert rows["http://a.gov.cn/z"].first_seen == date(2019, 9, 20)
        assert len(s.scalars(select(Occurrence).where(Occurrence.run_id == sep.id)).all()) == 2
    with store.session() as s:
        # October: the site is down; nothing can be judged fixed. y comes back after the outage? no: unknown.
        down = Finding("site.unreachable", "veto", "http://a.gov.cn/", "站点无法访问", {"error": "timeout"})
        c = record_findings(s, octo, "site", site_id, [down], octo.as_of)
        assert c.resolved == 0 and c.new == 1
    with store.session() as s:
        open_rows = s.scalars(select(TrackedFinding).where(TrackedFinding.resolved_at.is_(None))).all()
        assert {r.code for r in open_rows} == {"link.broken", "site.unreachable"} and len(open_rows) == 3


def test_reappearing_problem_is_a_new_episode(store) -> None:
    site_id, (aug, sep, octo) = _setup(store)
    for run, present in ((aug, True), (sep, False), (octo, True)):
        with store.session() as s:
            record_findings(s, run, "site", site_id, [_broken("http://a.gov.cn/x")] if present else [], run.as_of)
    with store.session() as s:
        row = s.scalars(select(TrackedFinding)).one()
        assert (row.first_seen, row.resolved_at, row.last_seen) == (date(2019, 10, 20), None, date(2019, 10, 20))


def test_a_short_week_notice_does_not_stop_problems_resolving(store) -> None:
    site_id, (aug, sep, _) = _setup(store)
    with store.session() as s:
        record_findings(s, aug, "site", site_id, [_broken("http://a.gov.cn/x")], aug.as_of)
    short = Finding("site.unreachable", "notice", "http://a.gov.cn/", "监测数据不足7天，可用性按本次访问判断", {"days": 3})
    with store.session() as s:
        c = record_findings(s, sep, "site", site_id, [short], sep.as_of)
        assert c.resolved == 1
