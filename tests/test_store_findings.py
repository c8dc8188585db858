"""Findings for people: list filters, inspector and owner reviews, manual findings (both backends)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from govinspect.store.findings import FindingError, add_manual, history, list_findings, review
from govinspect.store.periods import PeriodError
from govinspect.store.tables import TrackedFinding
from tests.cycle_support import Builder, broken, build_cycle


def _ids(views) -> list[int]:
    return sorted(v.id for v in views)


def test_list_filters_and_statuses(store) -> None:
    c = build_cycle(store, upto="2019-09")
    f = c.findings
    open_now = list_findings(store)
    # Open: x, z, w (S1), stale (S2), empty_a (S4), A2 stale, manual, S3's notice.
    assert len(open_now) == 8 and all(v.resolved_at is None for v in open_now)
    by_id = {v.id: v for v in open_now}
    assert by_id[f["x"]].status == "incomplete" and by_id[f["x"]].status_label == "整改不到位"
    assert by_id[f["stale"]].status == "carried" and by_id[f["stale"]].status_label == "上期未整改"
    assert by_id[f["stale"]].review_label == "已确认"
    assert by_id[f["w"]].status_label == "未整改" and by_id[f["w"]].review_label == "待审核"
    assert by_id[f["z"]].review_label == "已排除" and by_id[f["z"]].review_reason.startswith("该链接")
    assert by_id[f["manual"]].origin == "manual" and by_id[f["manual"]].subject_name == "甲市发布(微信)"
    assert _ids(list_findings(store, status="resolved")) == sorted([f["y"], f["empty_b"]])
    assert len(list_findings(store, status="all")) == 10
    assert _ids(list_findings(store, site="甲市人民政府")) == sorted([f["x"], f["z"], f["w"]])
    assert _ids(list_findings(store, site="http://a.gov.cn/", code="link.broken")) == sorted([f["x"], f["z"]])
    assert _ids(list_findings(store, account="甲市发布")) == sorted([f["nm_stale"], f["manual"]])
    assert _ids(list_findings(store, unit="乙县")) == [f["stale"]]
    assert _ids(list_findings(store, review="dismissed", status="all")) == [f["z"]]
    assert _ids(list_findings(store, carried=True)) == sorted([f["x"], f["stale"], f["empty_a"], f["nm_stale"]])
    # A period: what it saw, and what it resolved.
    aug = list_findings(store, period="2019-08", status="all")
    assert _ids(aug) == sorted(f[k] for k in ("x", "y", "stale", "empty_a", "empty_b", "nm_stale"))
    assert all(v.status != "carried" for v in aug)  # nothing before August
    assert _ids(list_findings(store, period="2019-09", status="resolved")) == sorted([f["y"], f["empty_b"]])
    d = by_id[f["x"]].to_dict()
    assert d["first_seen"] == "2019-08-20" and d["last_seen"] == "2019-09-28" and d["code_label"] == "不可用链接"


def test_list_bad_filters(store) -> None:
    build_cycle(store, upto="2019-08")
    with pytest.raises(FindingError, match="没有名为 '无此网站' 的网站"):
        list_findings(store, site="无此网站")
    with pytest.raises(FindingError, match="--status"):
        list_findings(store, status="closed")
    with pytest.raises(FindingError, match="未知问题代码"):
        list_findings(store, code="link.nope")
    with pytest.raises(PeriodError, match="已有期次: 2019-08"):
        list_findings(store, period="2019-07")


def test_reviews_are_kept_across_runs_and_recorded(store) -> None:
    c = build_cycle(store)
    f = c.findings
    with store.session() as s:
        z = s.get(TrackedFinding, f["z"])
        assert z is not None and z.review == "dismissed" and z.resolved_at == date(2019, 11, 20)
        stale = s.get(TrackedFinding, f["stale"])
        assert stale is not None and stale.review == "confirmed"  # confirmed in August, kept through 3 runs
    acts = [(r.action, r.actor) for r in history(store, f["x"])]
    assert acts == [("fixed", "甲市人民政府")]
    assert [(r.action, r.reason) for r in history(store, f["manual"])] == [
        ("add", "账号管理人员已离职，无人维护"), ("resolve", "已重新指定管理员")]


def test_review_errors(store) -> None:
    c = build_cycle(store, upto="2019-09")
    f = c.findings
    with pytest.raises(FindingError, match="没有编号为 9999 的问题"):
        review(store, 9999, "confirm")
    with pytest.raises(FindingError, match="理由"):
        review(store, f["w"], "dismiss", "  ")
    with pytest.raises(FindingError, match="理由"):
        review(store, f["w"], "disputed")
    with pytest.raises(FindingError, match="由下次检查核验"):
        review(store, f["w"], "resolve")
    with pytest.raises(FindingError, match="无需再标记"):
        review(store, f["y"], "fixed")
    with pytest.raises(FindingError, match="未知审核动作"):
        review(store, f["w"], "approve")
    v = review(store, f["w"], "disputed", "“中华人民共合国”出自引用原文", "甲市人民政府")
    assert (v.owner_status, v.owner_reason) == ("disputed", "“中华人民共合国”出自引用原文")
    v = review(store, f["z"], "confirm", None, "李四")  # an inspector changes their mind
    assert v.review == "confirmed" and v.review_reason is None
    assert [r.action for r in history(store, f["z"])] == ["dismiss", "confirm"]


def test_owner_fixed_mark_belongs_to_one_episode(store) -> None:
    b = Builder(store)
    site = b.site("丙县人民政府", "http://a.gov.cn/", "county")
    runs = [b.run(date(2019, m, 20)) for m in (8, 9, 10, 11)]
    b.site_result(runs[0], site, [broken("http://a.gov.cn/x")])
    fid = b.finding_id(f"site:{site}", "link.broken")
    review(store, fid, "fixed", None, "丙县")
    b.site_result(runs[1], site, [])  # gone: verified
    b.site_result(runs[2], site, [broken("http://a.gov.cn/x")])  # back: a new episode, no owner answer yet
    b.site_result(runs[3], site, [broken("http://a.gov.cn/x")])  # still there: open, not 整改不到位
    with store.session() as s:
        row = s.get(TrackedFinding, fid)
        assert row is not None
        assert (row.first_seen, row.owner_status, row.rectification) == (date(2019, 10, 20), None, None)
    assert list_findings(store)[0].status == "carried"


def test_manual_findings(store) -> None:
    c = build_cycle(store, upto="2019-08")
    v = add_manual(store, site="乙县人民政府", code="manual.menu_broken", message="“办事服务”菜单点开为空白页",
                   severity="deduct", evidence={"menu": "办事服务"}, as_of=date(2019, 8, 25), actor="张三")
    assert (v.origin, v.review, v.status, v.first_seen) == ("manual", "confirmed", "open", date(2019, 8, 25))
    assert v.evidence == {"menu": "办事服务"} and v.code_label == "菜单或功能无法使用"
    with pytest.raises(FindingError, match=f"#{v.id}"):
        add_manual(store, site="乙县人民政府", code="manual.menu_broken", message="“办事服务”菜单点开为空白页")
    # A machine run never resolves it.
    b = Builder(store)
    r = b.run(date(2019, 9, 20))
    b.site_result(r, c.sites["S2"], [])
    with store.session() as s:
        assert s.get(TrackedFinding, v.id).resolved_at is None  # type: ignore[union-attr]
        machine = s.scalars(select(TrackedFinding).where(TrackedFinding.id == c.findings["stale"])).one()
        assert machine.resolved_at == date(2019, 9, 20)
    closed = review(store, v.id, "resolve", "已修复", "张三", on=date(2019, 9, 22))
    assert closed.resolved_at == date(2019, 9, 22) and closed.status_label == "已整改"
    again = add_manual(store, site="http://b.gov.cn/", code="manual.menu_broken", message="“办事服务”菜单点开为空白页",
                       as_of=date(2019, 10, 3))
    assert again.id == v.id and again.resolved_at is None and again.first_seen == date(2019, 10, 3)
    with pytest.raises(FindingError, match="--platform"):
        add_manual(store, account="甲市发布", code="manual.other", message="x")
    with pytest.raises(FindingError, match="二选一"):
        add_manual(store, code="manual.other", message="x")
    with pytest.raises(FindingError, match="manual.other"):
        add_manual(store, site="乙县人民政府", code="nope", message="x")
    with pytest.raises(FindingError, match="严重程度"):
        add_manual(store, site="乙县人民政府", code="manual.other", message="x", severity="high")
    with pytest.raises(FindingError, match="没有名为 '无此号' 的政务新媒体账号"):
        add_manual(store, account="无此号", code="manual.other", message="x")


def test_review_answers_with_the_current_status(store) -> None:
    c = build_cycle(store, upto="2019-09")
    v = review(store, c.findings["empty_a"], "confirm", None, "张三")
    assert (v.status_label, v.review_label) == ("上期未整改", "已确认")
