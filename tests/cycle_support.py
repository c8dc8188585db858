"""A hand-built supervision history on the store tables, for findings and period-summary tests.

Units 甲市 and 乙县; sites S1 甲市人民政府 (portal), S2 乙县人民政府 (county), S3 甲市教育局 and
S4 甲市卫健委 (department), S5 旧专题网站 (other, archived 2019-09-15); accounts A1 甲市发布
(wechat), A2 甲市发布 (weibo), A3 乙县发布 (wechat, merged 2019-10-08), A4 老账号 (wechat,
closed 2019-05-01). Five runs: r1 2019-08, r2 and r3 (S1 only) 2019-09, r4 2019-10 where every
site fails, r5 2019-11 with no failures. The comments in ``build_cycle`` say what each one sees.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from govinspect.model import Finding
from govinspect.store import Store
from govinspect.store.findings import add_manual, review
from govinspect.store.tables import (
    Account,
    AccountResult,
    Run,
    Site,
    SiteResult,
    TrackedFinding,
    Unit,
)
from govinspect.store.tracking import record_findings

T0 = datetime(2019, 7, 1)


def broken(target: str) -> Finding:
    return Finding("link.broken", "deduct", "http://a.gov.cn/", f"链接无法访问: {target}", {"target": target})


def stale(column: str = "工作动态") -> Finding:
    return Finding("column.stale", "veto", "http://b.gov.cn/gzdt/", f"{column} 栏目长期未更新", {"column": column})


def empty(column: str) -> Finding:
    return Finding("column.empty", "deduct", "http://d.gov.cn/", f"{column} 栏目为空", {"column": column})


def finding(code: str, severity: str, url: str = "http://x.gov.cn/", **evidence: object) -> Finding:
    return Finding(code, severity, url, code, dict(evidence))


@dataclass
class Cycle:
    """Ids of the fixture history's subjects, runs and notable findings."""

    sites: dict[str, int] = field(default_factory=dict)
    accounts: dict[str, int] = field(default_factory=dict)
    runs: dict[str, int] = field(default_factory=dict)
    findings: dict[str, int] = field(default_factory=dict)


class Builder:
    """Rows inserted straight into the tables, results recorded through tracking.record_findings."""

    def __init__(self, store: Store):
        self.store = store

    def unit(self, name: str) -> int:
        with self.store.session() as s:
            u = Unit(name=name)
            s.add(u)
            s.flush()
            return u.id

    def site(self, name: str, url: str, level: str, unit: int | None = None, archived: datetime | None = None) -> int:
        with self.store.session() as s:
            x = Site(name=name, url=url, level=level, unit_id=unit, overrides={}, created_at=T0, updated_at=T0,
                     archived_at=archived)
            s.add(x)
            s.flush()
            return x.id

    def account(self, name: str, platform: str, unit: int | None = None, *, closed_on: date | None = None,
                closed_kind: str | None = None) -> int:
        with self.store.session() as s:
            x = Account(name=name, platform=platform, unit_id=unit, source={"type": "rss", "url": "http://f/"},
                        status="closed" if closed_on else "active", closed_on=closed_on, closed_kind=closed_kind,
                        created_at=T0, updated_at=T0)
            s.add(x)
            s.flush()
            return x.id

    def run(self, day: date, status: str = "finished") -> int:
        with self.store.session() as s:
            r = Run(period=day.strftime("%Y-%m"), as_of=day, kind="inspect", status=status, rules="r", options={},
                    started_at=datetime.combine(day, datetime.min.time()))
            s.add(r)
            s.flush()
            return r.id

    def site_result(self, run_id: int, site_id: int, findings: list[Finding], verdict: str | None = None) -> None:
        vetoes = list(dict.fromkeys(f.code for f in findings if f.severity == "veto"))
        verdict = verdict or ("fail" if vetoes else "pass")
        label = "单项否决" if vetoes else ("合格" if verdict == "pass" else "不合格")
        with self.store.session() as s:
            run = s.get(Run, run_id)
            assert run is not None
            s.add(SiteResult(run_id=run_id, site_id=site_id, verdict=verdict, verdict_label=label,
                             vetoed=bool(vetoes), score=100.0 if verdict == "pass" else 50.0, veto_reasons=vetoes,
                             near_veto=[], stats={}, finished_at=T0))
            record_findings(s, run, "site", site_id, findings, run.as_of)

    def account_result(self, run_id: int, account_id: int, findings: list[Finding], checked: bool = True) -> None:
        verdict = "fail" if any(f.severity == "veto" for f in findings) else "pass"
        with self.store.session() as s:
            run = s.get(Run, run_id)
            assert run is not None
            s.add(AccountResult(run_id=run_id, account_id=account_id, verdict=verdict,
                                verdict_label="合格" if verdict == "pass" else "不合格", checked=checked, data={},
                                finished_at=T0))
            record_findings(s, run, "account", account_id, findings, run.as_of)

    def finding_id(self, subject: str, code: str, needle: str = "") -> int:
        with self.store.session() as s:
            rows = [r for r in s.scalars(select(TrackedFinding).where(TrackedFinding.subject == subject,
                                                                       TrackedFinding.code == code))
                    if needle in r.key]
            assert len(rows) == 1, rows
            return rows[0].id


def build_cycle(store: Store, upto: str = "2019-11") -> Cycle:
    """The fixture history up to and including period ``upto``."""
    b, c = Builder(store), Cycle()
    jia, yi = b.unit("甲市"), b.unit("乙县")
    c.sites = {
        "S1": b.site("甲市人民政府", "http://a.gov.cn/", "portal", jia),
        "S2": b.site("乙县人民政府", "http://b.gov.cn/", "county", yi),
        "S3": b.site("甲市教育局", "http://c.gov.cn/", "department", jia),
        "S4": b.site("甲市卫健委", "http://d.gov.cn/", "department", jia),
        "S5": b.site("旧专题网站", "http://e.gov.cn/", "other", jia, archived=datetime(2019, 9, 15, 10)),
    }
    c.accounts = {
        "A1": b.account("甲市发布", "wechat", jia),
        "A2": b.account("甲市发布", "weibo", jia),
        "A3": b.account("乙县发布", "wechat", yi, closed_on=date(2019, 10, 8), closed_kind="整合"),
        "A4": b.account("老账号", "wechat", yi, closed_on=date(2019, 5, 1), closed_kind="关停"),
    }
    S, A = c.sites, c.accounts
    # 2019-08 (r1): S1 two broken links (passes), S2 stale column (veto), S3 clean, S4 two empty
    # columns (不合格), S5 clean; A1 and A3 clean, A2 stale (veto). A4 closed before: not inspected.
    c.runs["r1"] = r1 = b.run(date(2019, 8, 20))
    b.site_result(r1, S["S1"], [broken("http://a.gov.cn/x"), broken("http://a.gov.cn/y")])
    b.site_result(r1, S["S2"], [stale()])
    b.site_result(r1, S["S3"], [])
    b.site_result(r1, S["S4"], [empty("通知公告"), empty("政策解读")], verdict="fail")
    b.site_result(r1, S["S5"], [])
    b.account_result(r1, A["A1"], [])
    b.account_result(r1, A["A2"], [finding("newmedia.stale", "veto", "", last_post="2019-06-01")])
    b.account_result(r1, A["A3"], [])
    site = f"site:{S['S1']}"
    c.findings["x"] = b.finding_id(site, "link.broken", "/x")
    c.findings["y"] = b.finding_id(site, "link.broken", "/y")
    c.findings["stale"] = b.finding_id(f"site:{S['S2']}", "column.stale")
    c.findings["empty_a"] = b.finding_id(f"site:{S['S4']}", "column.empty", "通知公告")
    c.findings["empty_b"] = b.finding_id(f"site:{S['S4']}", "column.empty", "政策解读")
    c.findings["nm_stale"] = b.finding_id(f"account:{A['A2']}", "newmedia.stale")
    # Between the runs: the owner says x and y are fixed (only y is); the inspector confirms S2's stale column.
    review(store, c.findings["x"], "fixed", "已修复", "甲市人民政府")
    review(store, c.findings["y"], "fixed", None, "甲市人民政府")
    review(store, c.findings["stale"], "confirm", None, "张三")
    if upto == "2019-08":
        return c
    # 2019-09 (r2, all but the archived S5): x still there, y gone, z new; S2 still stale; S3 only a
    # notice; S4's 通知公告 still empty, 政策解读 filled (passes now); A2 still stale.
    c.runs["r2"] = r2 = b.run(date(2019, 9, 20))
    b.site_result(r2, S["S1"], [broken("http://a.gov.cn/x"), broken("http://a.gov.cn/z")])
    b.site_result(r2, S["S2"], [stale()])
    b.site_result(r2, S["S3"], [finding("crawl.incomplete", "notice", "http://c.gov.cn/", reason="timeout")])
    b.site_result(r2, S["S4"], [empty("通知公告")])
    b.account_result(r2, A["A1"], [])
    b.account_result(r2, A["A2"], [finding("newmedia.stale", "veto", "", last_post="2019-06-01")])
    b.account_result(r2, A["A3"], [])
    c.findings["z"] = b.finding_id(site, "link.broken", "/z")
    review(store, c.findings["z"], "dismiss", "该链接为内网系统入口，外网不可达属正常", "张三")
    # An inspector's manual finding on A1, and a later partial run (r3) of S1 only: x, z and a new
    # error word w. For S1 the newer r3 wins.
    c.findings["manual"] = add_manual(store, account="甲市发布", platform="wechat", code="manual.staff_left",
                                      message="账号管理人员已离职，无人维护", as_of=date(2019, 9, 25), actor="张三").id
    c.runs["r3"] = r3 = b.run(date(2019, 9, 28))
    b.site_result(r3, S["S1"], [broken("http://a.gov.cn/x"), broken("http://a.gov.cn/z"),
                                finding("content.error_word", "deduct", "http://a.gov.cn/n1", word="中华人民共合国")])
    c.findings["w"] = b.finding_id(site, "content.error_word")
    if upto == "2019-09":
        return c
    # 2019-10 (r4), every site fails: S1 unreachable, S2 still stale, S3 不合格 (a required column
    # missing), S4 hijacked (通知公告 now filled); A1 and A2 stale; A3 merged on 10-08 but still inspected.
    c.runs["r4"] = r4 = b.run(date(2019, 10, 20))
    b.site_result(r4, S["S1"], [finding("site.unreachable", "veto", "http://a.gov.cn/", error="timeout")])
    b.site_result(r4, S["S2"], [stale()])
    b.site_result(r4, S["S3"], [finding("column.required_missing", "deduct", "http://c.gov.cn/", item="政策解读")],
                  verdict="fail")
    b.site_result(r4, S["S4"], [finding("security.hijack", "veto", "http://d.gov.cn/", target="http://spam.example/")])
    b.account_result(r4, A["A1"], [finding("newmedia.stale", "veto", "", last_post="2019-08-01")])
    b.account_result(r4, A["A2"], [finding("newmedia.stale", "veto", "", last_post="2019-06-01")])
    b.account_result(r4, A["A3"], [])
    c.findings["unreachable"] = b.finding_id(site, "site.unreachable")
    if upto == "2019-10":
        return c
    # 2019-11 (r5), no failures: every site and the two open accounts clean; the manual finding is
    # closed by the inspector on 11-10. An interrupted run of the period is never used.
    review(store, c.findings["manual"], "resolve", "已重新指定管理员", "张三", on=date(2019, 11, 10))
    c.runs["r5"] = r5 = b.run(date(2019, 11, 20))
    for key in ("S1", "S2", "S3", "S4"):
        b.site_result(r5, S[key], [])
    b.account_result(r5, A["A1"], [])
    b.account_result(r5, A["A2"], [])
    c.runs["r6"] = r6 = b.run(date(2019, 11, 25), status="interrupted")
    b.site_result(r6, S["S2"], [], verdict="fail")
    return c
