"""column.required_missing on hand-built snapshots: the new-media cross-check and the required columns."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from govinspect.checks import Context, required
from govinspect.model import Column, Link, Page
from govinspect.registry import AccountEntry, SourceSpec
from govinspect.rules import load_rules
from govinspect.snapshot import Snapshot

from .checks_support import AS_OF, HOME, SITE

FULL_NAV = ["首页", "新闻动态", "政务公开", "政策解读", "互动交流", "政务新媒体", "办事服务"]
ACCOUNT = AccountEntry(name="淮南市人民政府发布", platform="weibo", unit=SITE.unit,
                       source=SourceSpec("rss", url="http://127.0.0.1/weibo.xml"))


def snap(nav: list[str], columns: list[str] = (), error: str | None = None, status: int = 200) -> Snapshot:
    s = Snapshot(SITE, as_of=AS_OF)
    links = [Link(f"{HOME}{n}/", text=t, in_nav=True) for n, t in enumerate(nav)]
    home = Page(url=HOME, final_url=HOME, status=status, error=error, content_type="text/html", links=links)
    s.add_page(home, home=True)
    s.columns = [Column(name=c, url=f"{HOME}c{n}/") for n, c in enumerate(columns)]
    return s


def run(s: Snapshot, accounts: tuple = (ACCOUNT,), level: str = "portal") -> dict[str, object]:
    ctx = Context(as_of=AS_OF, rules=load_rules(), site=replace(SITE, level=level), accounts=accounts)
    found = list(required.check(s, ctx))
    for f in found:
        assert (f.code, f.severity, f.url) == ("column.required_missing", "deduct", HOME)
    return {f.evidence["column"]: f for f in found}


def test_a_complete_portal_is_clean():
    assert run(snap(FULL_NAV)) == {}


def test_accounts_without_a_new_media_column():
    nav = [n for n in FULL_NAV if n != "政务新媒体"]
    found = run(snap(nav))
    assert set(found) == {"政务新媒体"}
    assert found["政务新媒体"].evidence["accounts"] == ["淮南市人民政府发布"]
    assert "1 个政务新媒体账号" in found["政务新媒体"].message


def test_no_accounts_no_new_media_requirement():
    nav = [n for n in FULL_NAV if n != "政务新媒体"]
    assert run(snap(nav), accounts=()) == {}


def test_closed_accounts_do_not_count():
    closed = replace(ACCOUNT, status="closed", closed_on=date(2019, 1, 1))
    nav = [n for n in FULL_NAV if n != "政务新媒体"]
    assert run(snap(nav), accounts=(closed,)) == {}


def test_other_words_for_the_new_media_entry():
    for word in ("新媒体矩阵", "政务微博", "政务微信", "微信公众号", " 政务 新媒体 "):
        nav = [n for n in FULL_NAV if n != "政务新媒体"] + [word]
        assert run(snap(nav)) == {}, word


def test_a_crawled_column_counts_as_an_entry():
    nav = ["首页", "新闻动态", "互动交流"]
    assert run(snap(nav, columns=["政府信息公开目录", "政策解读", "政务新媒体矩阵"])) == {}


def test_portal_without_the_required_columns():
    found = run(snap(["首页", "新闻动态", "政务新媒体", "办事服务"]))
    assert set(found) == {"政府信息公开", "政策解读", "互动交流"}
    assert found["互动交流"].message == "网站未设置“互动交流”栏目或入口"


def test_interaction_entries_by_other_names():
    for word in ("领导信箱", "网上咨询", "我要留言", "12345政民互动"):
        nav = [n for n in FULL_NAV if n != "互动交流"] + [word]
        assert "互动交流" not in run(snap(nav)), word


def test_article_titles_are_not_entries():
    nav = ["首页", "新闻动态", "政策解读", "互动交流", "政务新媒体",
           "淮南市人民政府办公室2018年政府信息公开工作年度报告"]
    assert set(run(snap(nav))) == {"政府信息公开"}


def test_county_sites_need_them_too():
    assert set(run(snap(["首页", "政务新媒体"]), level="county")) == {"政府信息公开", "政策解读", "互动交流"}


def test_department_sites_only_need_the_new_media_column():
    assert run(snap(["首页", "工作动态"]), accounts=(), level="department") == {}
    assert set(run(snap(["首页", "工作动态"]), level="department")) == {"政务新媒体"}


def test_an_unreadable_home_page_is_left_to_availability():
    assert run(snap([], error="timeout", status=None)) == {}
    assert run(snap([], status=503)) == {}
