"""build_circular against hand counts on the fixture history of tests/cycle_support.py (both backends)."""

from __future__ import annotations

from datetime import date

import pytest

from govinspect.labels import CODE_LABELS
from govinspect.report.build import build_circular, circular_title
from govinspect.report.wording import PROBLEM_LABELS, count_phrase
from govinspect.store.periods import PeriodError
from tests.cycle_support import build_cycle
from tests.report_build_support import NASTY, build_mixed


def _rows(c) -> list[tuple[int, str, str, str]]:
    return [(r.seq, r.name, r.result, r.description) for r in c.site_rows]


def _cells(c) -> dict[str, dict[str, list[tuple[str, str, bool]]]]:
    return {u.unit: {p: [(a.name, a.status, a.passed) for a in cells] for p, cells in u.accounts.items()}
            for u in c.unit_rows}


def test_every_failing_period_by_hand(store) -> None:
    build_cycle(store)
    c = build_circular(store, "2019-10", deadline=date(2019, 11, 15), issuer="甲市人民政府办公室",
                       issued_on=date(2019, 10, 25))
    assert c.title == "关于2019年10月政府网站与政务新媒体检查情况的通报" == circular_title("2019-10")
    assert (c.issuer, c.issued_on, c.deadline) == ("甲市人民政府办公室", date(2019, 10, 25), date(2019, 11, 15))
    # 附件1: S5 archived in September; every site fails, 单项否决 before 不合格, then by name.
    assert _rows(c) == [
        (1, "乙县人民政府", "单项否决", "1个栏目应更未更"),
        (2, "甲市人民政府", "单项否决", "网站无法访问"),
        (3, "甲市卫健委", "单项否决", "1处暗链或被篡改"),
        (4, "甲市教育局", "不合格", "1个应设未设栏目"),
    ]
    # 附件2: 乙县发布 merged 10-08 (shown with its date), 甲市发布 on both platforms failing; A4 closed in May.
    assert c.platforms == ["wechat", "weibo"] and c.platform_labels == {"wechat": "微信公众号", "weibo": "新浪微博"}
    assert _cells(c) == {
        "乙县": {"wechat": [("乙县发布", "已整合(2019-10-08)", True)]},
        "甲市": {"wechat": [("甲市发布", "应更未更、账号管理人员已离职", False)],
                 "weibo": [("甲市发布", "应更未更", False)]},
    }
    assert [u.seq for u in c.unit_rows] == [1, 2]
    # 二、主要问题: column.stale and newmedia.stale share the circular's 应更未更.
    groups = {g.label: (g.count, sorted(g.codes)) for g in c.problem_groups}
    assert c.problem_groups[0].label == "应更未更"
    assert groups == {"应更未更": (3, ["column.stale", "newmedia.stale"]), "应设未设栏目": (1, ["column.required_missing"]),
                      "暗链/被篡改": (1, ["security.hijack"]), "网站无法访问": (1, ["site.unreachable"]),
                      "账号管理人员已离职": (1, ["manual.staff_left"])}
    # 上期未整改: S2's stale column, A2 stale, the manual finding on A1.
    assert sorted((d.subject, d.code) for d in c.carried_over) == [
        ("乙县人民政府", "column.stale"), ("甲市发布(微信)", "manual.staff_left"), ("甲市发布(微博)", "newmedia.stale")]
    assert {d.status_label for d in c.carried_over} == {"上期未整改"}
    assert len(c.details) == 7 and c.reviewed == 2  # S2's stale column and the manual finding were confirmed
    assert [(t.period, t.site_pass_rate, t.account_pass_rate) for t in c.trend] == [
        ("2019-08", 0.6, 0.6667), ("2019-09", 0.75, 0.6667), ("2019-10", 0.0, 0.0)]
    p = c.paragraphs
    assert "登记的4个政府网站" in p["overview"] and "网站合格率0.0%" in p["overview"]
    assert "检查政务新媒体2个" in p["overview"] and "政务新媒体合格率0.0%" in p["overview"]
    assert p["verdicts"] == ("检查中，乙县人民政府(应更未更)、甲市人民政府(网站无法访问)、甲市卫健委(暗链/被篡改)"
                             "3个网站被单项否决；甲市教育局(1个应设未设栏目)1个网站检查不合格(问题详见附件1)。")
    assert "乙县发布(已整合，2019-10-08)" in p["closed"]
    assert "2019年11月15日前" in p["requirements"] and "3个问题上期已通报但仍未整改" in p["requirements"]
    assert "2个经检查人员人工审核" in p["review"]


def test_dismissed_out_notices_in_details_only(store) -> None:
    build_cycle(store)
    c = build_circular(store, "2019-09")
    # S1: x still broken, z dismissed (not in the circular), w a new error word; S4 passes with one empty column.
    assert _rows(c) == [
        (1, "乙县人民政府", "单项否决", "1个栏目应更未更"),
        (2, "甲市人民政府", "合格", "1处错敏词、1个链接无法访问"),
        (3, "甲市卫健委", "合格", "1个空白栏目"),
        (4, "甲市教育局", "合格", ""),
    ]
    assert all("/z" not in d.message for d in c.details)
    assert [d.code for d in c.details if d.severity == "notice"] == ["crawl.incomplete"]
    assert sum(g.count for g in c.problem_groups) == sum(k.count for k in c.summary.problems) == 6
    assert c.reviewed == 3  # confirmed: S2's stale column, the manual finding; dismissed: z
    assert {d.review_label for d in c.details} <= {"待审核", "已确认"}
    assert len(c.carried_over) == len(c.summary.carried_over) == 4
    assert [t.period for t in c.trend] == ["2019-08", "2019-09"]
    assert "在规定期限内" in c.paragraphs["requirements"]


def test_counts_most_serious_first_and_several_accounts_per_cell(store) -> None:
    build_mixed(store)
    c = build_circular(store, "2019-10")
    assert _rows(c) == [(1, "丙区人民政府", "单项否决", "1个栏目应更未更、3个空白栏目、1个链接无法访问"),
                        (2, NASTY, "合格", "")]
    assert c.platforms == ["wechat", "weibo", "douyin"] and c.platform_labels["douyin"] == "抖音号"
    assert _cells(c) == {"丙区": {
        "wechat": [("丙区发布", "合格", True), ("丙区教育", "超过2周未更新", False)],
        "weibo": [("丙区发布", "合格", True)], "douyin": [("丙区视频", "合格", True)]}}


def test_missing_period_names_the_known_ones(store) -> None:
    build_cycle(store, upto="2019-09")
    with pytest.raises(PeriodError, match="已有期次: 2019-08、2019-09"):
        build_circular(store, "2019-12")
    with pytest.raises(PeriodError, match="格式错误"):
        build_circular(store, "2019-13")


def test_empty_store_is_refused(store) -> None:
    with pytest.raises(PeriodError, match="请先运行 govinspect inspect"):
        build_circular(store, "2019-10")


def test_every_code_has_circular_wording() -> None:
    assert set(CODE_LABELS) <= set(PROBLEM_LABELS)
    assert count_phrase("column.empty", 3) == "3个空白栏目" and count_phrase("link.broken", 1) == "1个链接无法访问"
    assert count_phrase("manual.other", 2) == "其他问题2处"
