"""Site search: the probe against real loopback sites (GET, POST, GBK, errors, hangs) and the check on its result."""

from __future__ import annotations

import asyncio
import time
from datetime import date
from urllib.parse import parse_qs, unquote_to_bytes

import pytest
from aiohttp import web

from govinspect.checks import Context, sitesearch
from govinspect.crawl.search import found_in, pick_titles, probe_search, request_for
from govinspect.http import Fetcher
from govinspect.model import Column, ListItem, Page, SiteEntry
from govinspect.rules import load_rules
from govinspect.settings import Settings
from govinspect.snapshot import Snapshot

from .support import LoopbackServer, html

AS_OF = date(2019, 10, 20)
ARTICLES = [
    ("/xwzx/t20191018_501.html", "示例县召开秋冬季安全生产工作会议", date(2019, 10, 18)),
    ("/tzgg/t20191016_488.html", "关于2019年国庆节后道路交通管制的通告", date(2019, 10, 16)),
    ("/xwzx/t20191012_470.html", "示例县举办第二届农民丰收节系列活动", date(2019, 10, 12)),
    ("/xwzx/t20190901_300.html", "示例县开展食品安全宣传周活动", date(2019, 9, 1)),
]
GET_HOME = """<html><head><meta charset="utf-8"><title>示例县人民政府</title></head><body>
<div class="search"><form action="/search" method="get"><input type="hidden" name="siteid" value="7">
<input type="text" name="q" placeholder="请输入关键字"><input type="submit" value="搜索"></form></div>
<a href="/xwzx/">新闻中心</a></body></html>"""
POST_HOME = """<html><head><meta charset="utf-8"><title>示例县人民政府</title></head><body>
<form name="search" action="/search.jsp" method="post"><input type="text" name="keyword" value="站内搜索">
<input type="image" src="/images/ss.gif" alt="搜索"></form>
<form action="/login.do" method="post"><input name="user"><input type="password" name="pwd"></form></body></html>"""
GBK_HOME = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>示例县人民政府</title></head><body><form action="/was5/web/search" method="get">
<input type="hidden" name="channelid" value="239418"><input type="text" name="searchword">
<input type="submit" value="检索"></form></body></html>"""
BARE_HOME = """<html><head><meta charset="utf-8"><title>示例县人民政府</title></head><body>
<a href="/xwzx/">新闻中心</a><a href="/tzgg/">通知公告</a></body></html>"""
SCRIPT_HOME = """<html><head><meta charset="utf-8"><title>示例县人民政府</title></head><body>
<div class="ss"><input type="text" id="searchword" placeholder="请输入搜索内容"><a href="javascript:doSearch()">搜索</a></div>
</body></html>"""
LINK_HOME = """<html><head><meta charset="utf-8"><title>示例县人民政府</title></head><body>
<a href="/search.html">站内搜索</a></body></html>"""
SEARCH_PAGE = """<html><head><meta charset="utf-8"><title>站内搜索</title></head><body>
<form action="/search" method="get"><input type="text" name="q"><button>搜索</button></form></body></html>"""


def results_page(titles: list[str], *, sidebar: bool = True) -> str:
    """A results page: the hits, plus a "latest" sidebar listing every article (the template's own links)."""
    hits = "".join(f'<li><a href="http://www.example.gov.cn{u}"><em>{t[:4]}</em>{t[4:]}</a><span>{d}</span></li>'
                   for u, t, d in ARTICLES if t in titles)
    side = "".join(f'<li><a href="{u}">{t}</a></li>' for u, t, _ in ARTICLES[:3]) if sidebar else ""
    return (f"<html><head><meta charset='utf-8'><title>搜索结果</title></head><body><ul class='results'>{hits}</ul>"
            f"<p>共找到 {len(titles)} 条结果</p><div class='side'><h3>最新信息</h3><ul>{side}</ul></div></body></html>")


def search_handler(field: str, *, charset: str = "utf-8", post: bool = False, only: int | None = None):
    """A search endpoint matching exact titles; ``only`` limits which articles it knows."""
    known = [t for _, t, _ in ARTICLES][: only if only is not None else None]

    async def handler(request: web.Request) -> web.StreamResponse:
        if post:
            raw = await request.read()
            values = parse_qs(raw.decode("ascii"), encoding=charset)
            query = values.get(field, [""])[0]
        else:
            raw_q = request.rel_url.raw_query_string
            pairs = dict(p.split("=", 1) for p in raw_q.split("&") if "=" in p)
            query = unquote_to_bytes(pairs.get(field, "").replace("+", " ")).decode(charset, "replace")
        titles = [t for t in known if query and query in t]
        body = results_page(titles).encode(charset, "replace")
        return web.Response(body=body, headers={"Content-Type": f"text/html; charset={charset}"})

    return handler


def status_handler(status: int):
    async def handler(request: web.Request) -> web.StreamResponse:
        return web.Response(status=status, text="<html><body>Internal Server Error</body></html>",
                            content_type="text/html")

    return handler


def hang_handler(seconds: float):
    async def handler(request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(seconds)
        return web.Response(text="<html><body>late</body></html>", content_type="text/html")

    return handler


def build_snapshot(base: str, encoding: str = "utf-8", search_url: str | None = None) -> Snapshot:
    site = SiteEntry(name="示例县人民政府", url=base + "/", search_url=search_url)
    snap = Snapshot(site, as_of=AS_OF)
    home = Page(url=base + "/", final_url=base + "/", status=200, content_type="text/html", encoding=encoding)
    snap.add_page(home, home=True)
    items = []
    for path, title, day in ARTICLES:
        url = base + path
        snap.add_page(Page(url=url, final_url=url, status=200, content_type="text/html", title=f"{title}_示例县人民政府",
                           pub_date=day))
        items.append(ListItem(title, url, day))
    snap.columns = [Column("新闻中心", base + "/xwzx/", "news", items, len(items))]
    return snap


def probe(routes: dict, *, encoding: str = "utf-8", timeout: float = 5.0, search_url: str | None = None) -> dict:
    with LoopbackServer(routes) as server:
        base = server.url("").rstrip("/")
        snap = build_snapshot(base, encoding, search_url.replace("BASE", base) if search_url else None)

        async def go() -> dict:
            settings = Settings(offline=True, delay=0, retries=0, timeout=timeout, per_host=4)
            async with Fetcher(settings) as fetcher:
                return await probe_search(snap, snap.site, settings, fetcher, AS_OF)

        start = time.monotonic()
        result = asyncio.run(go())
        result["_seconds"] = time.monotonic() - start
        result["_snap"] = snap
        return result


def judged(result: dict) -> list:
    snap = result.pop("_snap")
    result.pop("_seconds", None)
    snap.probes["search"] = result
    ctx = Context(as_of=AS_OF, rules=load_rules(), site=snap.site)
    return list(sitesearch.check(snap, ctx))


def test_get_form_finds_every_recent_title() -> None:
    result = probe({"/": html(GET_HOME), "/search": search_handler("q")})
    assert result["form"]["method"] == "GET" and result["form"]["field"] == "q"
    assert result["form"]["params"] == {"siteid": "7"}
    assert [q["query"] for q in result["queries"]] == [t for _, t, _ in ARTICLES[:3]]
    assert all(q["found"] and q["error"] is None and q["status"] == 200 for q in result["queries"])
    assert judged(result) == []


def test_post_form_is_submitted_with_a_body() -> None:
    result = probe({"/": html(POST_HOME), "/search.jsp": search_handler("keyword", post=True)})
    assert result["form"]["method"] == "POST" and result["form"]["field"] == "keyword"
    assert all(q["found"] for q in result["queries"]), result["queries"]
    assert judged(result) == []


def test_gbk_site_gets_gbk_encoded_queries() -> None:
    routes = {"/": html(GBK_HOME, charset="gbk"), "/was5/web/search": search_handler("searchword", charset="gbk")}
    result = probe(routes, encoding="gb18030")
    assert result["form"]["charset"] == "gb18030"
    assert all(q["found"] for q in result["queries"]), result["queries"]


def test_gbk_site_queried_in_utf8_finds_nothing() -> None:
    """Control for the test above: the endpoint really decodes GBK, so encoding matters."""
    routes = {"/": html(GBK_HOME.replace("gb2312", "utf-8"), charset="utf-8"),
              "/was5/web/search": search_handler("searchword", charset="gbk")}
    result = probe(routes)
    assert not any(q["found"] for q in result["queries"])


def test_two_of_three_found_despite_a_sidebar_listing_all_three() -> None:
    result = probe({"/": html(GET_HOME), "/search": search_handler("q", only=2)})
    assert [q["found"] for q in result["queries"]] == [True, True, False]
    findings = judged(result)
    assert [(f.code, f.severity) for f in findings] == [("search.not_found", "deduct")]
    assert findings[0].evidence["query"] == ARTICLES[2][1]
    assert findings[0].evidence["expected_url"].endswith(ARTICLES[2][0])


def test_search_endpoint_500_is_a_notice() -> None:
    result = probe({"/": html(GET_HOME), "/search": status_handler(500)})
    assert all(q["error"] == "HTTP 500" and q["status"] == 500 for q in result["queries"])
    findings = judged(result)
    assert [(f.code, f.severity) for f in findings] == [("search.not_found", "notice")]
    assert findings[0].evidence["error"] == "HTTP 500"


def test_hanging_search_times_out_once_and_is_a_notice() -> None:
    result = probe({"/": html(GET_HOME), "/search": hang_handler(3)}, timeout=0.5)
    assert result["_seconds"] < 2.5  # the control query hangs once; no title waits again
    errors = [q["error"] for q in result["queries"]]
    assert errors[0] == "timeout" and set(errors[1:]) == {"skipped"}
    findings = judged(result)
    assert [(f.code, f.severity) for f in findings] == [("search.not_found", "notice")]
    assert "超时" in findings[0].message


def test_no_search_is_missing() -> None:
    result = probe({"/": html(BARE_HOME)})
    assert result["form"] is None and not result["scripted"] and result["error"] is None
    findings = judged(result)
    assert [(f.code, f.severity, f.evidence) for f in findings] == [("search.missing", "deduct", {})]


def test_script_submitted_search_box_is_a_notice_not_missing() -> None:
    result = probe({"/": html(SCRIPT_HOME)})
    assert result["form"] is None and result["scripted"]
    findings = judged(result)
    assert [(f.code, f.severity) for f in findings] == [("search.not_found", "notice")]


def test_results_loaded_by_script_are_a_notice_not_not_found() -> None:
    shell = html("<html><body><div id='results'></div><script src='/js/search.js'></script></body></html>")
    result = probe({"/": html(GET_HOME), "/search": shell})
    assert {q["error"] for q in result["queries"]} == {"script_results"}
    findings = judged(result)
    assert [(f.code, f.severity) for f in findings] == [("search.not_found", "notice")]
    assert "脚本" in findings[0].message


def test_form_submitted_by_script_is_not_queried() -> None:
    home = GET_HOME.replace('action="/search" method="get"', 'onsubmit="return doSearch(this)"')
    result = probe({"/": html(home), "/search": search_handler("q")})
    assert result["form"] is None and result["scripted"] and result["queries"] == []


def test_search_page_linked_from_home_is_used() -> None:
    result = probe({"/": html(LINK_HOME), "/search.html": html(SEARCH_PAGE), "/search": search_handler("q")})
    assert result["source"] == "search_page"
    assert all(q["found"] for q in result["queries"])


def test_search_page_driven_by_script_is_not_missing() -> None:
    page = html("<html><body><div id='app'></div><script src='/js/search.js'></script></body></html>")
    result = probe({"/": html(LINK_HOME), "/search.html": page})
    assert result["form"] is None and result["scripted"]
    assert [(f.code, f.severity) for f in judged(result)] == [("search.not_found", "notice")]


def test_registry_search_url_is_used_with_the_site_encoding() -> None:
    routes = {"/": html(BARE_HOME), "/s": search_handler("wd", charset="gbk")}
    result = probe(routes, encoding="gb18030", search_url="BASE/s?wd={q}&x=1")
    assert result["source"] == "registry"
    assert all(q["found"] for q in result["queries"]), result["queries"]


def test_unreachable_home_is_recorded_not_raised() -> None:
    result = probe({"/": status_handler(503)})
    assert result["form"] is None and result["error"]
    findings = judged(result)
    assert [(f.code, f.severity) for f in findings] == [("search.not_found", "notice")]
    snap = build_snapshot("http://www.example.gov.cn")
    snap.home.status = 503  # type: ignore[union-attr]
    snap.add_page(snap.home, home=True)  # type: ignore[arg-type]
    snap.probes["search"] = result
    ctx = Context(as_of=AS_OF, rules=load_rules(), site=snap.site)
    assert list(sitesearch.check(snap, ctx)) == []  # availability reports a home page that fails


def test_request_for_encodes_in_the_form_charset() -> None:
    form = {"action": "http://x.gov.cn/s?a=1", "method": "GET", "field": "q", "params": {}, "charset": "gb18030"}
    method, url, body = request_for(form, "政府")
    assert (method, body) == ("GET", None) and url == "http://x.gov.cn/s?a=1&q=%D5%FE%B8%AE"
    post = {**form, "method": "POST", "charset": "utf-8"}
    assert request_for(post, "政府") == ("POST", "http://x.gov.cn/s?a=1", b"q=%E6%94%BF%E5%BA%9C")
    template = {"action": "http://x.gov.cn/s?q={q}", "template": True, "charset": "utf-8"}
    assert request_for(template, "a b")[1] == "http://x.gov.cn/s?q=a%20b"


def test_pick_titles_newest_fetched_articles_with_full_titles() -> None:
    snap = build_snapshot("http://www.example.gov.cn")
    snap.columns[0].items.append(ListItem("未抓取的文章标题很长很长", "http://www.example.gov.cn/x/never.html", date(2019, 10, 19)))
    snap.columns[0].items[0] = ListItem("示例县召开秋冬季安全生产...", snap.columns[0].items[0].url, date(2019, 10, 18))
    titles = pick_titles(snap, AS_OF, 3)
    assert [t for t, _ in titles] == [t for _, t, _ in ARTICLES[:3]]


@pytest.mark.parametrize(("html_text", "found"), [
    ('<a href="/xwzx/t20191018_501.html">x</a>', True),
    ('<a href="https://other.host/xwzx/t20191018_501.html">x</a>', True),
    ('<a href="/jrobot/redirect?url=%2Fxwzx%2Ft20191018_501.html">x</a>', True),
    ('<a href="/a/9.html"><font color=red>示例县召开</font>秋冬季安全生产工作会议</a>', True),
    ('<a href="/a/9.html">示例县召开秋冬季安全生产...</a>', True),
    ('<p>没有找到相关结果</p>', False),
    ('<a href="/xwzx/t20191012_470.html">示例县举办第二届农民丰收节系列活动</a>', False),
])
def test_found_in(html_text: str, found: bool) -> None:
    expected = "http://www.example.gov.cn/xwzx/t20191018_501.html"
    assert found_in(html_text, "http://www.example.gov.cn/search?q=1", expected, ARTICLES[0][1], ("", "")) is found


def test_found_in_counts_beyond_the_results_template() -> None:
    expected = "http://www.example.gov.cn/xwzx/t20191018_501.html"
    side = '<div class="side"><a href="/xwzx/t20191018_501.html">示例县召开秋冬季安全生产工作会议</a></div>'
    base = "http://www.example.gov.cn/search"
    assert not found_in(side, base, expected, ARTICLES[0][1], (side, base))
    assert found_in(side + side.replace("side", "hit"), base, expected, ARTICLES[0][1], (side, base))


def test_check_without_probe_says_nothing() -> None:
    snap = build_snapshot("http://www.example.gov.cn")
    ctx = Context(as_of=AS_OF, rules=load_rules(), site=snap.site)
    assert list(sitesearch.check(snap, ctx)) == []


def test_check_with_no_recent_articles_is_a_notice() -> None:
    snap = build_snapshot("http://www.example.gov.cn")
    snap.probes["search"] = {"form": {"action": "http://www.example.gov.cn/search"}, "queries": [], "error": None}
    ctx = Context(as_of=AS_OF, rules=load_rules(), site=snap.site)
    findings = list(sitesearch.check(snap, ctx))
    assert [(f.code, f.severity) for f in findings] == [("search.not_found", "notice")]


# --- issue 8: which titles are searched, how they are cut, unreadable results ----------------

def test_pick_titles_only_from_information_columns() -> None:
    """Letters of the message board and service items are never searched, however recent."""
    base = "http://www.example.gov.cn"
    snap = build_snapshot(base)
    letter = f"{base}/hdjl/xx/t20191019_9.html"
    item = f"{base}/bsfw/t20191019_3.html"
    snap.add_page(Page(url=letter, final_url=letter, status=200, content_type="text/html", title="关于小区停车难问题的咨询"))
    snap.add_page(Page(url=item, final_url=item, status=200, content_type="text/html", title="城乡居民最低生活保障审批"))
    snap.columns += [Column("县长信箱", f"{base}/hdjl/xx/", "other", [ListItem("关于小区停车难问题的咨询", letter, date(2019, 10, 19))], 1),
                     Column("办事指南", f"{base}/bsfw/", "other", [ListItem("城乡居民最低生活保障审批", item, date(2019, 10, 19))], 1)]
    assert [t for t, _ in pick_titles(snap, AS_OF, 3)] == [t for _, t, _ in ARTICLES[:3]]


@pytest.mark.parametrize("page_title", [
    "{t} - 示例县人民政府", "{t}_示例县人民政府", "{t}|示例县人民政府", "{t}—示例县人民政府", "{t}——示例县人民政府",
    "示例县人民政府：{t}", "示例县人民政府 - {t}", "{t}--示例县人民政府", "{t} | 新闻中心 | 示例县人民政府",
    "{t}_示例县人民政府门户网站",
])
def test_site_name_is_stripped_in_every_separator_style(page_title: str) -> None:
    base = "http://www.example.gov.cn"
    snap = build_snapshot(base)
    title = ARTICLES[0][1]
    url = base + ARTICLES[0][0]
    snap.add_page(Page(url=url, final_url=url, status=200, content_type="text/html",
                       title=page_title.format(t=title), pub_date=ARTICLES[0][2]))
    snap.columns[0].items[0] = ListItem(title[:8] + "...", url, ARTICLES[0][2])  # the list cuts it: <title> is read
    assert pick_titles(snap, AS_OF, 1)[0][0] == title


def blank_handler(body: bytes, content_type: str = "text/html; charset=utf-8"):
    async def handler(request: web.Request) -> web.StreamResponse:
        return web.Response(body=body, headers={"Content-Type": content_type})

    return handler


@pytest.mark.parametrize("body", [
    b"<html><body></body></html>",
    b'<html><frameset><frame src="/s/r.jsp"></frameset></html>',
])
def test_unreadable_results_are_a_notice(body: bytes) -> None:
    found = judged(probe({"/": html(GET_HOME), "/search": blank_handler(body)}))
    assert found and {f.severity for f in found} == {"notice"}
    assert "无法读取" in found[0].message
