"""Spider-view refetches on every page of small sites, a recency-weighted sample of large ones."""

from __future__ import annotations

import asyncio
import time
from datetime import date, timedelta

from aiohttp import web

from govinspect.checks.hijack import Judge, cloaking
from govinspect.crawl.cloaking import BOTH, compact, probe_cloaking, sample_urls
from govinspect.crawl.engine import crawl_site
from govinspect.http import Fetcher
from govinspect.model import Link, ListItem, Page, SiteEntry
from govinspect.service import scan
from govinspect.settings import Settings
from govinspect.snapshot import Snapshot

from .checks_support import ctx
from .support import LoopbackServer

AS_OF = date(2019, 10, 20)
ARTICLES = 12
CLOAKED = 9  # an old article: the last a recency-weighted sample would pick


def _doc(title: str, body: str) -> str:
    return f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>{body}</body></html>"


def _site() -> dict[str, object]:
    """Home, one list and ARTICLES articles; article CLOAKED shows casino spam to search engines."""
    rows = "".join(
        f"<li><a href='/a/{i}.html'>关于做好第{i}批民生工程项目实施工作的通知</a>"
        f"<span>{(AS_OF - timedelta(days=2 + 40 * i)).isoformat()}</span></li>"
        for i in range(ARTICLES)
    )
    pages = {"/": _doc("某县人民政府", "<a href='/col/index.html'>工作动态</a>"),
             "/col/index.html": _doc("工作动态", f"<ul>{rows}</ul>")}
    for i in range(ARTICLES):
        day = (AS_OF - timedelta(days=2 + 40 * i)).isoformat()
        pages[f"/a/{i}.html"] = _doc(f"第{i}批民生工程", f"<h1>第{i}批民生工程</h1><p>发布时间：{day}</p><p>正文内容。</p>")
    spam = ("<div style='position:absolute;left:-9999px'><a href='http://www.pj-casino8.com/'>澳门葡京</a>"
            "<a href='http://www.js-yule66.com/'>金沙娱乐</a></div><p>新葡京娱乐场 开户送彩金 真人视讯</p>")
    cloaked = pages[f"/a/{CLOAKED}.html"].replace("</body>", spam + "</body>")

    def route(path: str):
        async def handler(request: web.Request) -> web.StreamResponse:
            searching = ("Baiduspider" in request.headers.get("User-Agent", "")
                         or "baidu.com" in request.headers.get("Referer", ""))
            body = cloaked if searching and path == f"/a/{CLOAKED}.html" else pages[path]
            return web.Response(text=body, content_type="text/html")

        return handler

    return {p: route(p) for p in pages}


def _settings(**kw: object) -> Settings:
    base: dict[str, object] = {"per_host": 2, "delay": 0, "timeout": 3, "offline": True,
                               "transport_probes": False, "search_probe": False, "cloak_sample": 1}
    base.update(kw)
    return Settings(**base)  # type: ignore[arg-type]


def _entry(url: str) -> SiteEntry:
    return SiteEntry(name="某县人民政府", url=url)


def test_every_page_is_compared_on_a_small_site() -> None:
    with LoopbackServer(_site()) as srv:  # type: ignore[arg-type]
        snap = asyncio.run(crawl_site(_entry(srv.url("/")), _settings(), AS_OF))
        hits = dict(srv.hits)
    cov = snap.probes["coverage"]["cloaking"]
    assert cov["mode"] == "all" and cov["pages_eligible"] == ARTICLES + 2 == cov["pages_compared"]
    # The home page and one sampled page twice, every other page once: one request each.
    assert cov["requests"] == 2 * 2 + ARTICLES and cov["failed"] == 0
    # crawl once, refetch as counted, plus the footer-include probe's one read of the home page
    assert sum(hits.values()) == ARTICLES + 2 + cov["requests"] + 1
    assert hits["/"] == 1 + 2 + 1
    views = snap.probes["cloaking"]
    extra = [v for v in views if v["agent"] == BOTH]
    # Only the view that shows something new is kept, and only what is new in it.
    assert [v["url"] for v in extra] == [srv.url(f"/a/{CLOAKED}.html")]
    assert "正文内容" not in extra[0]["text"] and "新葡京娱乐场" in extra[0]["text"]
    findings = list(cloaking(snap, Judge.for_snapshot(snap, ctx())))
    [f] = [f for f in findings if f.code == "security.hijack"]
    assert f.url == srv.url(f"/a/{CLOAKED}.html") and f.evidence["kind"] == "cloaking"
    assert f.evidence["agents"] == [BOTH] and "搜索引擎" in f.message
    assert not [f for f in findings if f.code == "crawl.incomplete"]


def test_large_site_gets_a_recent_sample_and_says_so() -> None:
    with LoopbackServer(_site()) as srv:  # type: ignore[arg-type]
        result = scan([_entry(srv.url("/"))], _settings(cloak_all_max_pages=5, cloak_sample=3), AS_OF)
    [site] = result.sites
    cov = site.stats["cloaking"]
    assert cov["mode"] == "sample" and cov["pages_eligible"] == ARTICLES + 2
    assert cov["pages_compared"] == 4 and cov["requests"] == 8
    assert not [f for f in site.findings if f.evidence.get("kind") == "cloaking"]


def test_time_budget_cuts_the_pass_with_a_notice() -> None:
    with LoopbackServer(_site()) as srv:  # type: ignore[arg-type]
        snap = asyncio.run(crawl_site(_entry(srv.url("/")), _settings(cloak_sample=0), AS_OF))
        settings = _settings()

        async def late() -> None:
            async with Fetcher(settings) as fetcher:
                snap.probes["cloaking"] = await probe_cloaking(snap, fetcher, 1, AS_OF,
                                                               deadline=time.monotonic() - 1)

        asyncio.run(late())
    cov = snap.probes["coverage"]["cloaking"]
    assert cov["requests"] == 0 and cov["pages_compared"] == 0 and cov["stopped"]
    [notice] = list(cloaking(snap, Judge.for_snapshot(snap, ctx())))
    assert (notice.code, notice.severity) == ("crawl.incomplete", "notice")
    assert notice.evidence["pages_eligible"] == ARTICLES + 2 and "0/14" in notice.message


def test_sample_is_weighted_to_recent_articles() -> None:
    home = "http://www.example.gov.cn/"
    snap = Snapshot(SiteEntry(name="示例", url=home), as_of=AS_OF)
    snap.add_page(Page(url=home, final_url=home, status=200, content_type="text/html"), home=True)
    recent = set()
    for i in range(60):
        url = f"{home}a/{i}.html"
        age = i if i < 5 else 400 + i  # five articles of this week, the rest more than a year old
        when = AS_OF - timedelta(days=age)
        # Half the articles carry their own date, the other half only their list's date.
        snap.add_page(Page(url=url, final_url=url, status=200, content_type="text/html", depth=1,
                           pub_date=when if i % 2 else None))
        if i < 5:
            recent.add(url)
    items = [ListItem(f"标题{i}", f"{home}a/{i}.html", AS_OF - timedelta(days=i if i < 5 else 400 + i))
             for i in range(60)]
    snap.add_page(Page(url=home + "col/", final_url=home + "col/", status=200, content_type="text/html",
                       items=items))
    snap.add_page(Page(url=home + "f.pdf", status=200, content_type="application/pdf", attachment=True))
    sample = sample_urls(snap, 5)
    assert sample[0] == home and len(sample) == 6 and home + "f.pdf" not in sample
    assert len(recent & set(sample)) >= 4
    assert sample == sample_urls(snap, 5)  # the same sample every run


def test_compact_keeps_only_what_the_normal_view_lacks() -> None:
    url = "http://www.example.gov.cn/a/1.html"
    normal = Page(url=url, final_url=url, title="通知", text="关于 开展 工作 的通知 访问量 12",
                  links=[Link(url + "#top"), Link("http://www.gov.cn/")],
                  script_targets=[{"url": "http://hm.baidu.com/hm.js", "technique": "script_inject"}])
    same = compact({"url": url, "agent": BOTH, "status": 200, "final_url": url, "title": "通知",
                    "text": "关于 开展 工作 的通知 访问量 13", "links": ["http://www.gov.cn/"],
                    "hidden_links": [], "script_targets": normal.script_targets}, normal)
    assert same["text"] == "13" and same["links"] == [] and same["script_targets"] == []
    assert not same["same"]  # a counter changed: kept, but only the new segment
    quiet = compact({"url": url, "agent": BOTH, "status": 200, "final_url": url, "title": "通知",
                     "text": "关于 开展 工作", "links": []}, normal)
    assert quiet["same"]
    moved = compact({"url": url, "agent": BOTH, "status": 200, "final_url": "http://www.xpj.cc/",
                     "title": "通知", "text": "", "links": []}, normal)
    assert not moved["same"]


def test_a_firewall_that_refuses_spiders_is_a_notice_not_a_pass() -> None:
    pages = {"/": _doc("某县人民政府", "<a href='/a.html'>文章</a>"), "/a.html": _doc("文章", "<p>正文</p>")}

    def route(path: str):
        async def handler(request: web.Request) -> web.StreamResponse:
            if "Baiduspider" in request.headers.get("User-Agent", ""):
                return web.Response(status=403, text="Forbidden")
            return web.Response(text=pages[path], content_type="text/html")

        return handler

    with LoopbackServer({p: route(p) for p in pages}) as srv:
        snap = asyncio.run(crawl_site(_entry(srv.url("/")), _settings(), AS_OF))
    cov = snap.probes["coverage"]["cloaking"]
    assert cov["failed"] == 2 and cov["pages_compared"] == 2  # the referer views still came through
    [notice] = [f for f in cloaking(snap, Judge.for_snapshot(snap, ctx())) if f.code == "crawl.incomplete"]
    assert "2 次请求失败" in notice.message


def test_compact_keeps_repeated_new_segments() -> None:
    url = "http://www.example.gov.cn/"
    normal = Page(url=url, final_url=url, title="首页", text="政务公开 通知公告")
    view = compact({"url": url, "agent": BOTH, "status": 200, "final_url": url, "title": "首页",
                    "text": "政务公开 开云体育 通知公告 开云体育 开云体育", "links": []}, normal)
    assert view["text"] == "开云体育 开云体育 开云体育"
