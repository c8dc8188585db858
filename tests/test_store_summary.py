"""The period summary against hand counts on the fixture history of tests/cycle_support.py (both backends)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from govinspect.store.periods import PeriodError
from govinspect.store.summary import PeriodSummary, summarize
from tests.cycle_support import build_cycle


def _figs(fig) -> tuple[int, int, int]:
    return fig.registered, fig.checked, fig.passed


def _codes(items) -> list[str]:
    return sorted(i.code for i in items)


def _names(entries) -> list[str]:
    return [e.name for e in entries]


def test_normal_first_period(store) -> None:
    c = build_cycle(store, upto="2019-08")
    s = summarize(store, "2019-08")
    assert (s.period, s.previous_period, s.as_of, s.run_ids) == ("2019-08", None, date(2019, 8, 20), [c.runs["r1"]])
    # Sites: S1..S5 registered (S5 is archived only in September); S1, S3, S5 pass.
    assert _figs(s.sites) == (5, 5, 3) and s.site_pass_rate == 0.6
    assert {k: _figs(v) for k, v in s.sites_by_level.items()} == {
        "portal": (1, 1, 1), "county": (1, 1, 0), "department": (2, 2, 1), "other": (1, 1, 1)}
    assert _names(s.vetoed_sites) == ["乙县人民政府"] and s.vetoed_sites[0].reasons == ["column.stale"]
    assert s.vetoed_sites[0].reason_labels == ["栏目应更未更"] and s.vetoed_sites[0].unit == "乙县"
    assert _names(s.failed_sites) == ["甲市卫健委"] and s.failed_sites[0].verdict_label == "不合格"
    # Accounts: A1, A2, A3 registered and checked (A4 closed in May); A2 fails.
    assert _figs(s.accounts) == (3, 3, 2) and s.account_pass_rate == pytest.approx(0.6667)
    assert {k: _figs(v) for k, v in s.accounts_by_platform.items()} == {"wechat": (2, 2, 2), "weibo": (1, 1, 0)}
    assert [(e.name, e.where, e.reasons) for e in s.failed_accounts] == [("甲市发布", "weibo", ["newmedia.stale"])]
    # Problems: 2 broken links on S1, 2 empty columns on S4, S2's stale column, A2 stale.
    assert [(p.code, p.count, p.subjects) for p in s.problems] == [
        ("column.empty", 2, ["甲市卫健委"]), ("link.broken", 2, ["甲市人民政府"]),
        ("column.stale", 1, ["乙县人民政府"]), ("newmedia.stale", 1, ["甲市发布(微博)"])]
    assert s.carried_over == [] and s.resolved == [] and s.verified == [] and s.incomplete == []
    assert s.closed_accounts == []
    assert s.reviews == {"confirmed": 1, "dismissed": 0, "unreviewed": 5}


def test_carried_over_dismissed_and_partial_runs(store) -> None:
    c = build_cycle(store, upto="2019-09")
    s = summarize(store, "2019-09")
    assert (s.previous_period, s.as_of, s.run_ids) == ("2019-08", date(2019, 9, 28), [c.runs["r2"], c.runs["r3"]])
    # S5 archived on 09-15: no longer registered. S2 vetoed; S4 passes now.
    assert _figs(s.sites) == (4, 4, 3) and s.site_pass_rate == 0.75
    assert _figs(s.sites_by_level["other"]) == (0, 0, 0)
    assert _names(s.vetoed_sites) == ["乙县人民政府"] and s.failed_sites == []
    assert _figs(s.accounts) == (3, 3, 2)
    # S1 from the newer partial run r3: x, w (z dismissed); S3's notice is not a problem; the manual finding on A1.
    assert sorted((p.code, p.count) for p in s.problems) == [
        ("column.empty", 1), ("column.stale", 1), ("content.error_word", 1), ("link.broken", 1),
        ("manual.staff_left", 1), ("newmedia.stale", 1)]
    assert [p.subjects for p in s.problems if p.code == "manual.staff_left"] == [["甲市发布(微信)"]]
    # 上期未整改: seen in August and September.
    assert sorted(f.id for f in s.carried_over) == sorted(c.findings[k] for k in ("x", "stale", "empty_a", "nm_stale"))
    assert {f.id: f.first_seen for f in s.carried_over}[c.findings["x"]] == date(2019, 8, 20)
    # Rectification: y and S4's 政策解读 resolved by r2 (y was marked fixed: verified); x marked fixed, still there.
    assert sorted(f.id for f in s.resolved) == sorted([c.findings["y"], c.findings["empty_b"]])
    assert [f.id for f in s.verified] == [c.findings["y"]]
    assert [f.id for f in s.incomplete] == [c.findings["x"]]
    assert s.reviews == {"confirmed": 2, "dismissed": 1, "unreviewed": 4}


def test_period_where_every_site_fails_and_an_account_closes(store) -> None:
    c = build_cycle(store, upto="2019-10")
    s = summarize(store, "2019-10")
    assert _figs(s.sites) == (4, 4, 0) and s.site_pass_rate == 0.0
    assert [(e.name, e.reasons) for e in s.vetoed_sites] == [
        ("甲市人民政府", ["site.unreachable"]), ("乙县人民政府", ["column.stale"]), ("甲市卫健委", ["security.hijack"])]
    assert _names(s.failed_sites) == ["甲市教育局"]
    # A3 merged on 10-08: registered this period, not checked although a result exists.
    assert _figs(s.accounts) == (3, 2, 0) and s.account_pass_rate == 0.0
    assert {k: _figs(v) for k, v in s.accounts_by_platform.items()} == {"wechat": (2, 1, 0), "weibo": (1, 1, 0)}
    assert [(a.name, a.platform, a.closed_on, a.kind, a.unit) for a in s.closed_accounts] == [
        ("乙县发布", "wechat", date(2019, 10, 8), "整合", "乙县")]
    assert sorted(_names(s.failed_accounts)) == ["甲市发布", "甲市发布"]
    assert sorted((p.code, p.count) for p in s.problems) == [
        ("column.required_missing", 1), ("column.stale", 1), ("manual.staff_left", 1), ("newmedia.stale", 2),
        ("security.hijack", 1), ("site.unreachable", 1)]
    assert s.problems[0].code == "newmedia.stale" and len(s.problems[0].subjects) == 2
    assert sorted(f.id for f in s.carried_over) == sorted(c.findings[k] for k in ("stale", "nm_stale", "manual"))
    assert [f.id for f in s.resolved] == [c.findings["empty_a"]] and s.incomplete == []
    assert s.reviews == {"confirmed": 2, "dismissed": 0, "unreviewed": 5}


def test_period_with_no_failures(store) -> None:
    c = build_cycle(store)
    s = summarize(store, "2019-11")
    # The interrupted run r6 (S2 不合格) is not used.
    assert s.run_ids == [c.runs["r5"]] and s.as_of == date(2019, 11, 20)
    assert _figs(s.sites) == (4, 4, 4) and s.site_pass_rate == 1.0
    assert _figs(s.accounts) == (2, 2, 2) and s.account_pass_rate == 1.0  # A3 closed in October
    assert s.vetoed_sites == s.failed_sites == s.failed_accounts == []
    assert s.problems == [] and s.carried_over == [] and s.closed_accounts == []
    assert s.reviews == {"confirmed": 0, "dismissed": 0, "unreviewed": 0}
    # Everything open in October is resolved; the dismissed z is not counted; x was marked fixed: verified.
    assert sorted(_codes(s.resolved)) == sorted([
        "link.broken", "content.error_word", "site.unreachable", "column.stale", "column.required_missing",
        "security.hijack", "newmedia.stale", "newmedia.stale", "manual.staff_left"])
    assert c.findings["z"] not in {f.id for f in s.resolved}
    assert [f.id for f in s.verified] == [c.findings["x"]]


def test_to_dict_is_json_and_unknown_period_names_the_known(store) -> None:
    build_cycle(store, upto="2019-09")
    s = summarize(store, "2019-09")
    assert isinstance(s, PeriodSummary)
    d = json.loads(json.dumps(s.to_dict(), ensure_ascii=False))
    assert d["period"] == "2019-09" and d["as_of"] == "2019-09-28" and d["previous_period"] == "2019-08"
    assert d["sites"] == {"registered": 4, "checked": 4, "passed": 3, "failed": 1, "rate": 0.75}
    assert d["site_pass_rate"] == 0.75 and d["sites_by_level"]["department"]["registered"] == 2
    assert {p["code"] for p in d["problems"]} >= {"link.broken", "manual.staff_left"}
    assert d["carried_over"][0]["first_seen"].startswith("2019-08")
    with pytest.raises(PeriodError, match="2019-08、2019-09"):
        summarize(store, "2019-12")
    with pytest.raises(PeriodError, match="YYYY-MM"):
        summarize(store, "2019-13")
