"""Message boards (interaction.unanswered, .reply_incomplete, .no_stats) and the record extraction behind them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from selectolax.lexbor import LexborHTMLParser

from govinspect.checks import Context, interaction
from govinspect.extract.columns import build_columns
from govinspect.extract.html import extract_page
from govinspect.extract.messages import detail_record, message_records, rows_from_text, status_of
from govinspect.model import Column, Finding, Link, ListItem, Page, SiteEntry
from govinspect.rules import load_rules
from govinspect.snapshot import Snapshot

from .checks_support import AS_OF, HOME, SITE

FIXTURES = Path(__file__).parent / "fixtures" / "services"
BOARDS = {
    "board_table.html": "/hdjl/wszx/", "board_mailbox.html": "/hdjl/ldxx/", "board_12345.html": "/hdjl/12345/",
    "board_login.html": "/hdjl/sjxx/", "board_undated.html": "/hdjl/zxts/",
}
MAILS = {
    "mail_ok.html": "/hdjl/ldxx/art/2019/9/10/art_601.html", "mail_no_unit.html": "/hdjl/ldxx/art/2019/8/21/art_588.html",
    "mail_no_unit_time.html": "/hdjl/ldxx/art/2019/8/5/art_571.html",
    "mail_signed.html": "/hdjl/ldxx/art/2019/9/9/art_600.html", "mail_pending.html": "/hdjl/ldxx/art/2019/7/1/art_540.html",
}


def page_from(name: str, path: str) -> Page:
    url = HOME.rstrip("/") + path
    page = Page(url=url, final_url=url, status=200, content_type="text/html; charset=utf-8")
    extract_page(page, (FIXTURES / name).read_text(encoding="utf-8"), AS_OF)
    return page


def site_of(*names: str, columns: list[Column] | None = None, pages: list[Page] | None = None) -> Snapshot:
    """A snapshot holding the named fixture pages; columns built from their lists like a crawl does."""
    loaded = [page_from(n, {**BOARDS, **MAILS}[n]) for n in names] + (pages or [])
    lists = [p for p in loaded if p.items or p.empty_marker]
    home = Page(url=HOME, final_url=HOME, status=200, content_type="text/html",
                links=[Link(p.url, "", "a", True) for p in loaded])
    snap = Snapshot(SITE, as_of=AS_OF)
    snap.add_page(home, home=True)
    for page in loaded:
        snap.add_page(page)
    snap.columns = columns if columns is not None else build_columns(home, iter(lists), AS_OF)
    return snap


def run(snap: Snapshot, site: SiteEntry = SITE, as_of: date = AS_OF, **rules: Any) -> list[Finding]:
    base = load_rules()
    if rules:
        base = base.model_copy(update={"interaction": base.interaction.model_copy(update=rules)})
    return list(interaction.check(snap, Context(as_of=as_of, rules=base, site=site)))


def codes(findings: list[Finding]) -> list[tuple[str, str, str]]:
    return sorted((f.code, f.severity, f.url.replace(HOME.rstrip("/"), "")) for f in findings)


# --- the table board (TRS 网上咨询) ---------------------------------------------------------

def test_table_board_thresholds() -> None:
    found = {f.evidence["title"]: f for f in run(site_of("board_table.html")) if f.code == "interaction.unanswered"}
    assert set(found) == {"关于医保异地报销的咨询", "关于农村危房改造补助的咨询", "关于人民路道路积水问题的反映",
                          "关于失业保险金领取的咨询"}
    veto = found["关于农村危房改造补助的咨询"]
    assert (veto.severity, veto.evidence["received"], veto.evidence["days"]) == ("veto", "2019-06-10", 132)
    assert veto.evidence["status"] == "processing" and "办理中" in veto.message
    assert found["关于医保异地报销的咨询"].severity == "deduct"  # 20 working days > 15
    old = found["关于人民路道路积水问题的反映"]
    assert old.severity == "deduct" and old.evidence["days"] == 506  # unanswered, but older than a year
    late = found["关于失业保险金领取的咨询"]
    assert (late.severity, late.evidence["replied"], late.evidence["days"]) == ("deduct", "2019-07-15", 136)


def test_table_board_with_statistics_has_no_stats_finding() -> None:
    assert not [f for f in run(site_of("board_table.html")) if f.code == "interaction.no_stats"]


@pytest.mark.parametrize(("text", "stats"), [
    ("关于路灯维修的咨询 2019-09-02 已回复 共 9 条记录 第1/1页", False),  # a status beside the pager
    ("已回复共12条记录", False),
    ("本月共收到群众来信 120 件，已办结 118 件，办结率 98%", True),
    ("今年以来累计答复 356 件", True),
])
def test_pager_count_after_a_status_is_not_statistics(text: str, stats: bool) -> None:
    page = Page(url=HOME, final_url=HOME, status=200, text=text)
    assert interaction._has_stats(page, on_board=True) is stats


def test_veto_period_comes_from_the_rules() -> None:
    found = run(site_of("board_table.html"), veto_days=None)
    assert "veto" not in {f.severity for f in found}
    found = run(site_of("board_table.html"), veto_days=20, deduct_working_days=100)
    assert {f.evidence["title"] for f in found if f.severity == "veto"} == {"关于医保异地报销的咨询", "关于农村危房改造补助的咨询"}


def test_fresh_unanswered_message_is_not_reported() -> None:
    titles = {f.evidence.get("title") for f in run(site_of("board_table.html"))}
    assert "关于城区学位分配的咨询" not in titles  # 5 days old


# --- the mailbox (Hanweb 领导信箱) with detail pages -----------------------------------------

def test_mailbox_details() -> None:
    found = run(site_of("board_mailbox.html", *MAILS))
    assert codes(found) == [
        ("interaction.no_stats", "deduct", "/hdjl/ldxx/"),
        ("interaction.reply_incomplete", "deduct", MAILS["mail_no_unit.html"]),
        ("interaction.reply_incomplete", "deduct", MAILS["mail_no_unit_time.html"]),
        ("interaction.unanswered", "veto", MAILS["mail_pending.html"]),
    ]
    by_url = {f.url: f for f in found}
    assert by_url[HOME.rstrip("/") + MAILS["mail_no_unit_time.html"]].evidence["missing"] == ["unit", "time"]
    assert by_url[HOME.rstrip("/") + MAILS["mail_pending.html"]].evidence["title"] == "关于老旧小区加装电梯的咨询"


def test_signed_reply_discloses_unit_and_time() -> None:
    record = detail_record(page_from("mail_signed.html", MAILS["mail_signed.html"]).text, AS_OF)
    assert record is not None
    assert (record["unit"], record["replied"], record["status"]) == ("示例县人力资源和社会保障局", "2019-09-12", "answered")


def test_footer_units_are_not_reply_units() -> None:
    record = detail_record(page_from("mail_no_unit.html", MAILS["mail_no_unit.html"]).text, AS_OF)
    assert record is not None and record["unit"] is None and record["replied"] == "2019-08-26"


def test_detail_pages_alone_are_judged() -> None:
    """Detail pages found without the list (the list was beyond the crawl's limits)."""
    found = run(site_of(*MAILS, columns=[]))
    assert ("interaction.unanswered", "veto", MAILS["mail_pending.html"]) in codes(found)


# --- the 12345 board (labelled rows) --------------------------------------------------------

def test_labelled_rows_and_a_statistics_link() -> None:
    found = run(site_of("board_12345.html"))
    assert codes(found) == [
        ("interaction.reply_incomplete", "deduct", "/hdjl/12345/show-790.html"),
        ("interaction.unanswered", "deduct", "/hdjl/12345/show-760.html"),
    ]
    incomplete = next(f for f in found if f.code == "interaction.reply_incomplete")
    assert incomplete.evidence["missing"] == ["time"] and incomplete.message.endswith("未公开答复时间")


# --- what cannot be checked ----------------------------------------------------------------

def test_login_wall_is_a_notice_never_a_pass() -> None:
    found = run(site_of("board_login.html"))
    assert [(f.code, f.severity, f.evidence["error"]) for f in found] == [
        ("interaction.unanswered", "notice", "留言板需要登录才能查看")]


def test_undated_board_is_a_notice_never_a_pass() -> None:
    found = run(site_of("board_undated.html"))
    notices = [f for f in found if f.severity == "notice"]
    assert [(f.code, f.evidence["error"]) for f in notices] == [("interaction.unanswered", "留言未标注留言时间")]


def test_no_board_is_a_notice() -> None:
    snap = Snapshot(SITE, as_of=AS_OF)
    snap.add_page(Page(url=HOME, final_url=HOME, status=200, content_type="text/html"), home=True)
    found = run(snap)
    assert [(f.code, f.severity) for f in found] == [("crawl.incomplete", "notice")]


def test_readable_boards_do_not_hide_a_login_walled_one() -> None:
    found = run(site_of("board_table.html", "board_login.html"))
    assert ("interaction.unanswered", "notice", "/hdjl/sjxx/") in codes(found)


def test_top_bar_login_link_is_not_a_login_wall() -> None:
    page = page_from("board_table.html", "/hdjl/wszx/")
    assert "用户登录" in page.text
    assert not [f for f in run(site_of("board_table.html")) if f.severity == "notice"]


# --- overrides, caps, stored records -----------------------------------------------------

def test_overrides_board_url_and_label_synonyms() -> None:
    text = ("当前位置：首页 > 民生热线 > 正文 诉求标题：关于路灯不亮 诉求时间：2019-05-01 诉求内容：路灯坏了 "
            "处理单位：县城管局 答复内容：已修复 答复日期：2019-05-03")
    url = HOME + "msrx/show-1.html"
    page = Page(url=url, final_url=url, status=200, content_type="text/html", title="关于路灯不亮", text=text)
    snap = site_of(pages=[page], columns=[])
    assert [f.code for f in run(snap)] == ["crawl.incomplete"]  # 诉求时间 is no known label
    site = SiteEntry(name=SITE.name, url=SITE.url, overrides={"messages": {
        "board_url_contains": "/msrx/", "received_labels": ["诉求时间"]}})
    assert [f.code for f in run(snap, site)] == ["interaction.no_stats"]


def test_findings_are_capped_with_a_count() -> None:
    rows = "".join(f"<tr><td><a href='/hdjl/{i}.html'>关于问题{i}的咨询</a></td><td>2019-0{1 + i % 8}-0{1 + i % 9}</td>"
                   f"<td>未回复</td></tr>" for i in range(30))
    html = f"<table><tr><th>标题</th><th>留言时间</th><th>状态</th></tr>{rows}</table>"
    url = HOME + "hdjl/"
    page = Page(url=url, final_url=url, status=200, content_type="text/html")
    extract_page(page, f"<html><head><title>网上咨询</title></head><body>{html}</body></html>", AS_OF)
    found = [f for f in run(site_of(pages=[page])) if f.code == "interaction.unanswered"]
    assert len(found) == 21 and found[-1].severity == "notice" and found[-1].evidence["omitted"] == 10
    assert found[0].severity == "veto"


@dataclass(slots=True)
class BoardPage(Page):
    """A page with the field the engine fills from extract.messages.message_records."""

    messages: list[dict[str, Any]] = field(default_factory=list)


def test_records_stored_at_crawl_time_are_used() -> None:
    url = HOME + "hdjl/zxts/"
    rec = {"title": "关于噪音扰民的投诉", "url": HOME + "hdjl/zxts/1.html", "received": "2019-05-01", "replied": None,
           "status": "unanswered", "unit": None, "reply": None, "source": "list", "columns": ["status"]}
    page = BoardPage(url=url, final_url=url, status=200, content_type="text/html", title="咨询投诉",
                     text="（列表由脚本生成）", items=[ListItem("关于噪音扰民的投诉", rec["url"], None)], messages=[rec])
    found = run(site_of(pages=[page]))
    assert [(f.code, f.severity) for f in found if f.code == "interaction.unanswered"] == [
        ("interaction.unanswered", "veto")]


# --- extraction ---------------------------------------------------------------------------

def tree_records(name: str) -> list[dict[str, Any]]:
    html = (FIXTURES / name).read_text(encoding="utf-8")
    page = page_from(name, {**BOARDS, **MAILS}[name])
    return message_records(LexborHTMLParser(html), page, AS_OF)


def test_message_records_from_a_header_table() -> None:
    records = tree_records("board_table.html")
    assert len(records) == 8
    assert records[2] == {"title": "关于农村危房改造补助的咨询", "url": HOME + "hdjl/wszx/201906/t20190610_402.html",
                          "received": "2019-06-10", "replied": None, "status": "processing", "unit": None,
                          "reply": None, "source": "list", "columns": ["replied", "status"]}


@pytest.mark.parametrize("name", ["board_table.html", "board_mailbox.html", "board_12345.html"])
def test_tree_and_text_readers_agree(name: str) -> None:
    page = page_from(name, BOARDS[name])
    keys = ("url", "received", "replied", "status")
    from_tree = [tuple(r[k] for k in keys) for r in tree_records(name)]
    from_text = [tuple(r[k] for k in keys) for r in rows_from_text(page, AS_OF)]
    assert from_tree == from_text and from_tree


def test_message_records_on_a_detail_page_and_a_row_selector() -> None:
    records = tree_records("mail_ok.html")
    assert [(r["source"], r["unit"], r["replied"]) for r in records] == [("detail", "示例县住房和城乡建设局", "2019-09-16")]
    html = "<ul class='odd'><li><b>关于A</b> <a href='/1.html'>详情</a> 2019-09-01 已回复</li></ul>"
    page = Page(url=HOME, final_url=HOME)
    got = message_records(LexborHTMLParser(html), page, AS_OF, {"selectors": {"message_row": "ul.odd li"}})
    assert [(r["received"], r["status"]) for r in got] == [("2019-09-01", "answered")]
    assert message_records(None, page, AS_OF) == []  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "status"), [
    ("已回复", "answered"), ("[已办结]", "answered"), ("办理中", "processing"), ("未回复", "unanswered"),
    ("待答复", "unanswered"), ("尚未回复", "unanswered"), ("", None), ("关于建议提案的通知", None),
])
def test_status_words(text: str, status: str | None) -> None:
    assert status_of(text) == status


@pytest.mark.parametrize(("start", "end", "days"), [
    (date(2019, 10, 18), date(2019, 10, 21), 1),  # Friday -> Monday
    (date(2019, 9, 20), date(2019, 10, 20), 20),
    (date(2019, 10, 20), date(2019, 10, 20), 0),
])
def test_working_days(start: date, end: date, days: int) -> None:
    assert interaction.working_days(start, end) == days


@pytest.mark.parametrize(("reply", "unit", "replied"), [
    ("您好！已安排处理。 示例县住房和城乡建设局 2019年9月12日", "示例县住房和城乡建设局", "2019-09-12"),
    ("您好！已安排处理。示例县城管局 2019-09-12。", "示例县城管局", "2019-09-12"),
    ("您好！供热公司将于10月31日前完成改造。感谢您的关注。", None, None),
    ("您好！请向县民政局咨询。", None, None),
])
def test_reply_sign_off(reply: str, unit: str | None, replied: str | None) -> None:
    record = detail_record(f"来信时间：2019-09-01 来信内容：问题 回复内容：{reply}", AS_OF)
    assert record is not None and (record["unit"], record["replied"]) == (unit, replied)


def test_layout_row_around_the_board_is_not_a_message() -> None:
    """TRS frames wrap the whole board in one layout row; only the inner rows are messages."""
    inner = (
        "<table><tr><th>标题</th><th>留言时间</th><th>状态</th><th>答复时间</th></tr>"
        "<tr><td><a href='/hdjl/1.html'>关于小区停车难的咨询</a></td><td>2019-10-16</td><td>未回复</td><td></td></tr>"
        "<tr><td><a href='/hdjl/2.html'>关于公交线路调整的建议</a></td><td>2019-09-02</td><td>已回复</td><td>2019-09-05</td></tr>"
        "</table>"
    )
    html = f"<table><tr><td class='content'>{inner}</td></tr></table>"
    page = Page(url=HOME, final_url=HOME, text="标题 留言时间 状态 答复时间 未回复 已回复")
    got = message_records(LexborHTMLParser(html), page, AS_OF)
    assert [(r["url"].rsplit("/", 1)[-1], r["received"], r["replied"]) for r in got] == [
        ("1.html", "2019-10-16", None), ("2.html", "2019-09-02", "2019-09-05"),
    ]
