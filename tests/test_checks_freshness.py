"""home.stale, column.stale, column.empty and content.future_date on hand-built snapshots."""

from __future__ import annotations

from datetime import date, timedelta

from govinspect.checks import freshness
from govinspect.model import ListItem, Page

from .checks_support import AS_OF, HOME, column, ctx, items, snapshot


def run(snap):
    return list(freshness.check(snap, ctx()))


def codes(findings, code):
    return [f for f in findings if f.code == code]


def days_ago(n: int) -> date:
    return AS_OF - timedelta(days=n)


def test_fresh_site_has_no_findings():
    snap = snapshot(items(days_ago(1), days_ago(3)), [column("工作动态", "news", days_ago(2), days_ago(9))])
    assert run(snap) == []


def test_home_stale_after_14_days():
    snap = snapshot(items(days_ago(15), days_ago(40)))
    [f] = codes(run(snap), "home.stale")
    assert f.severity == "veto" and f.url == HOME
    assert f.evidence["last_update"] == "2019-10-05" and f.evidence["days"] == 15


def test_home_exactly_14_days_is_fresh():
    assert codes(run(snapshot(items(days_ago(14)))), "home.stale") == []


def test_future_dated_home_item_is_not_an_update():
    snap = snapshot(items(AS_OF + timedelta(days=5), days_ago(30)))
    found = run(snap)
    [stale] = codes(found, "home.stale")
    assert stale.evidence["days"] == 30


def test_navigation_only_home_uses_top_level_columns():
    cols = [column("工作动态", "news", days_ago(20)), column("通知公告", "notice", days_ago(16))]
    [f] = codes(run(snapshot([], cols)), "home.stale")
    assert f.evidence["days"] == 16 and f.evidence["basis"] == "首页各二级栏目"


def test_column_stale_by_category():
    cols = [
        column("工作动态", "news", days_ago(15)),           # stale (> 14)
        column("部门动态", "news", days_ago(14)),           # fresh
        column("通知公告", "notice", days_ago(181)),        # stale (> 180)
        column("政策文件", "policy", days_ago(100)),        # fresh
        column("人事任免", "personnel", days_ago(366)),     # stale (> 365)
        column("规划计划", "plan", days_ago(300)),          # fresh
    ]
    stale = codes(run(snapshot(items(days_ago(1)), cols)), "column.stale")
    assert sorted(f.evidence["column"] for f in stale) == ["人事任免", "工作动态", "通知公告"]
    by = {f.evidence["column"]: f for f in stale}
    assert by["工作动态"].evidence == {
        "column": "工作动态", "category": "news", "last_update": "2019-10-05", "days": 15, "threshold": 14,
    }
    assert all(f.severity == "deduct" for f in stale)
    assert by["通知公告"].url == f"{HOME}通知公告/"


def test_undated_items_count_as_not_updated():
    [f] = codes(run(snapshot(items(days_ago(1)), [column("乡镇动态", "news", None, None, None)])), "column.stale")
    assert f.evidence["last_update"] is None and f.evidence["undated"] is True


def test_empty_column_reported_once_not_as_stale():
    found = run(snapshot(items(days_ago(1)), [column("招考录用", "personnel")]))
    assert [f.code for f in found] == ["column.empty"]
    assert found[0].evidence == {"column": "招考录用", "category": "personnel"}


def test_five_fast_columns_stale_is_a_veto():
    cols = [column(f"动态{i}", "news", days_ago(30)) for i in range(3)]
    cols += [column("通知公告", "notice", days_ago(200)), column("政策文件", "policy", days_ago(400))]
    stale = codes(run(snapshot(items(days_ago(1)), cols)), "column.stale")
    assert len(stale) == 5 and all(f.severity == "veto" for f in stale)
    assert "单项否决" in stale[0].evidence["veto_reason"]


def test_four_fast_columns_stale_is_not_a_veto():
    cols = [column(f"动态{i}", "news", days_ago(30)) for i in range(4)]
    stale = codes(run(snapshot(items(days_ago(1)), cols)), "column.stale")
    assert len(stale) == 4 and {f.severity for f in stale} == {"deduct"}


def test_five_empty_columns_is_a_veto():
    cols = [column(f"空栏目{i}", "other") for i in range(5)]
    empty = codes(run(snapshot(items(days_ago(1)), cols)), "column.empty")
    assert len(empty) == 5 and {f.severity for f in empty} == {"veto"}


def test_future_date_in_list_and_article():
    future = AS_OF + timedelta(days=3)
    list_page = Page(url=f"{HOME}tzgg/", status=200, content_type="text/html", items=items(future, days_ago(2)))
    article = Page(url=f"{HOME}a/other.html", status=200, content_type="text/html", pub_date=AS_OF + timedelta(days=30),
                   title="关于2019年冬季供暖的通知")
    listed_article = Page(url=f"{HOME}a/0.html", status=200, content_type="text/html", pub_date=future)
    found = codes(run(snapshot(items(days_ago(1)), pages=[list_page, article, listed_article])), "content.future_date")
    by_url = {f.url: f for f in found}
    assert set(by_url) == {f"{HOME}tzgg/", f"{HOME}a/other.html"}
    assert by_url[f"{HOME}tzgg/"].evidence["date"] == "2019-10-23"
    assert by_url[f"{HOME}tzgg/"].severity == "veto"
    assert by_url[f"{HOME}a/other.html"].evidence["date"] == "2019-11-19"


def test_unreadable_home_skips_freshness():
    snap = snapshot()
    snap.home.error = "too_large"  # type: ignore[union-attr]
    assert run(snap) == []


def test_due_soon_warning_window():
    cols = [column("通知公告", "notice", days_ago(165)), column("工作动态", "news", days_ago(5))]
    found = run(snapshot(items(days_ago(1)), cols))
    [f] = found
    assert f.code == "column.due_soon" and f.severity == "notice"
    assert f.evidence["days_left"] == 15 and f.evidence["column"] == "通知公告"


def test_future_item_in_several_lists_is_one_finding():
    """The home box, the column list and a channel page show one forged item: one finding naming the lists."""
    future = AS_OF + timedelta(days=5)
    shown = items(future, days_ago(2))
    channel = Page(url=f"{HOME}xwzx/", status=200, content_type="text/html", items=items(future, days_ago(3)))
    column_page = Page(url=f"{HOME}xwzx/gzdt/", status=200, content_type="text/html", items=items(future, days_ago(4)))
    found = codes(run(snapshot(shown, pages=[channel, column_page])), "content.future_date")
    [f] = found
    assert f.url == HOME and f.severity == "veto"
    assert f.evidence["lists"] == [HOME, f"{HOME}xwzx/", f"{HOME}xwzx/gzdt/"]
    assert f.evidence["date"] == future.isoformat() and "3 个列表" in f.message


def test_future_items_without_links_are_told_apart_by_title():
    """Two different unlinked future items in one list are two findings; the same title in two lists is one."""
    future = AS_OF + timedelta(days=2)
    a = [ListItem("市政府召开常务会议", None, future), ListItem("全市安全生产工作会议召开", None, future)]
    b = [ListItem("市政府召开常务会议", None, future)]
    pages = [Page(url=f"{HOME}l1/", status=200, content_type="text/html", items=a),
             Page(url=f"{HOME}l2/", status=200, content_type="text/html", items=b)]
    found = codes(run(snapshot(items(days_ago(1)), pages=pages)), "content.future_date")
    assert sorted(len(f.evidence["lists"]) for f in found) == [1, 2]


def test_home_box_with_another_url_form_and_a_cut_title_is_the_same_item():
    future = AS_OF + timedelta(days=4)
    home_box = [ListItem("市政府召开第十二次常务会议研究部署…", f"{HOME}index.php?m=content&id=77", future)]
    column_items = [ListItem("市政府召开第十二次常务会议研究部署秋冬季安全生产工作", f"{HOME}xwzx/77.html", future),
                    ListItem("市政府召开第十三次常务会议", f"{HOME}xwzx/78.html", future)]
    col_page = Page(url=f"{HOME}xwzx/", status=200, content_type="text/html", items=column_items)
    found = codes(run(snapshot(home_box, pages=[col_page])), "content.future_date")
    assert sorted(len(f.evidence["lists"]) for f in found) == [1, 2]
