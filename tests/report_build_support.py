"""Small stored histories for the circular's tests: a nasty-named site, accounts on three platforms, and a
2,000-site registry inserted straight into the tables."""

from __future__ import annotations

from datetime import date, datetime

from govinspect.store import Store
from govinspect.store.tables import (
    Account,
    AccountResult,
    Occurrence,
    Run,
    Site,
    SiteResult,
    TrackedFinding,
    Unit,
)
from govinspect.store.tracking import key_hash
from tests.cycle_support import Builder, broken, empty, finding, stale

NASTY = '<script>alert("x")</script> & "丙区" <政府>'


def build_mixed(store: Store) -> dict[str, int]:
    """One run (2019-10-20): a site with 1 stale, 3 empty columns, 1 broken link; a nasty-named clean site;
    unit 丙区 with two wechat accounts (one failing with a stored summary), one weibo and one douyin account."""
    b = Builder(store)
    unit = b.unit("丙区")
    s1 = b.site("丙区人民政府", "http://p.gov.cn/", "county", unit)
    s2 = b.site(NASTY, "http://q.gov.cn/?a=1&b=<2>", "department", unit)
    a1 = b.account("丙区发布", "wechat", unit)
    a2 = b.account("丙区教育", "wechat", unit)
    a3 = b.account("丙区发布", "weibo", unit)
    a4 = b.account("丙区视频", "douyin", unit)
    r = b.run(date(2019, 10, 20))
    b.site_result(r, s1, [stale(), empty("通知公告"), empty("政策解读"), empty("人事信息"),
                          broken("http://p.gov.cn/x")])
    b.site_result(r, s2, [])
    b.account_result(r, a1, [])
    b.account_result(r, a2, [finding("newmedia.stale", "veto", "", last_post="2019-08-01")])
    with store.session() as s:
        res = s.query(AccountResult).filter_by(account_id=a2).one()
        res.summary = "超过2周未更新"
    b.account_result(r, a3, [])
    b.account_result(r, a4, [])
    return {"s1": s1, "s2": s2, "run": r}


def build_big(store: Store, n_sites: int = 2000, n_accounts: int = 400) -> None:
    """One finished run over ``n_sites`` sites (every 5th fails with two findings) and ``n_accounts`` accounts."""
    now = datetime(2019, 10, 20)
    day = date(2019, 10, 20)
    with store.session() as s:
        units = [Unit(name=f"单位{i:03d}") for i in range(100)]
        s.add_all(units)
        run = Run(period="2019-10", as_of=day, kind="inspect", status="finished", rules="r", options={},
                  started_at=now)
        s.add(run)
        s.flush()
        sites = [Site(name=f"网站{i:04d}", url=f"http://s{i}.gov.cn/", level="department", unit_id=units[i % 100].id,
                      overrides={}, created_at=now, updated_at=now) for i in range(n_sites)]
        accounts = [Account(name=f"账号{i:04d}", platform=("wechat", "weibo", "douyin")[i % 3],
                            unit_id=units[i % 100].id, source={}, status="active", created_at=now, updated_at=now)
                    for i in range(n_accounts)]
        s.add_all(sites + accounts)
        s.flush()
        s.add_all([SiteResult(run_id=run.id, site_id=x.id, verdict="fail" if i % 5 == 0 else "pass",
                              verdict_label="单项否决" if i % 5 == 0 else "合格", vetoed=i % 5 == 0, score=90.0,
                              veto_reasons=["column.stale"] if i % 5 == 0 else [], near_veto=[], stats={},
                              finished_at=now) for i, x in enumerate(sites)])
        s.add_all([AccountResult(run_id=run.id, account_id=a.id, verdict="pass", verdict_label="合格", checked=True,
                                 data={}, finished_at=now) for a in accounts])
        rows = []
        for i, x in enumerate(sites):
            if i % 5:
                continue
            for code, sev in (("column.stale", "veto"), ("link.broken", "deduct")):
                key = f"{code}|{x.url}"
                rows.append(TrackedFinding(subject=f"site:{x.id}", site_id=x.id, key=key, key_hash=key_hash(key),
                                           code=code, severity=sev, url=x.url, message=code, evidence={"n": i},
                                           first_seen=day, first_run_id=run.id, last_seen=day, last_run_id=run.id,
                                           created_at=now))
        s.add_all(rows)
        s.flush()
        s.add_all([Occurrence(run_id=run.id, finding_id=r.id, severity=r.severity, url=r.url, message=r.message,
                              evidence={}) for r in rows])
