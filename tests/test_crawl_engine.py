"""The crawl engine end to end against the fixture world and the misbehaving sites on loopback."""

from __future__ import annotations

import time
from datetime import date

import pytest

from govinspect.crawl.engine import crawl_site
from govinspect.demo.evaluate import evaluate
from govinspect.service import scan
from govinspect.settings import Settings

from .support import LoopbackServer, html

AS_OF = date(2019, 10, 20)


def fast(**kw: object) -> Settings:
    base: dict[str, object] = {"per_host": 4, "delay": 0, "timeout": 3, "offline": True, "backoff": 0.05}
    base.update(kw)
    return Settings(**base)  # type: ignore[arg-type]


def codes(site) -> set[str]:
    return {f.code for f in site.findings}


@pytest.fixture(scope="module")
def world_scan(demo_world, world_server):
    from govinspect.demo.runner import live_hosts

    live = sorted(live_hosts(demo_world))
    return scan(demo_world.entries(world_server.base_urls), fast(assume_ok_hosts=live, hosts=demo_world.hosts()), AS_OF)


def test_world_scan_matches_ground_truth(world_scan, demo_world, world_server):
    scores = evaluate(world_scan, demo_world, world_server.base_urls, world_server.links)
    # Quality gate on the fixture corpus (see bench/RESULTS.md for the table).
    for code, s in scores.items():
        assert s.precision >= 0.95, (code, s.false)
        assert s.recall >= 0.95, (code, s.misses)
    assert scores["link.broken"].tp >= 20


def test_every_page_of_each_site_is_crawled(world_scan, demo_world, world_server):
    by_url = {s.url: s for s in world_scan.sites}
    for site in demo_world.sites:
        res = by_url[world_server.base_urls[site.key]]
        html_pages = sum(1 for _, r in site.iter_resources() if r.content_type.startswith("text/html") and r.status == 200)
        assert res.pages_crawled >= html_pages * 0.9, (site.key, res.pages_crawled, html_pages)


def test_gbk_site_text_is_decoded(world_server, demo_world):
    gbk = next(s for s in demo_world.sites if s.encoding == "gbk")
    import asyncio

    snap = asyncio.run(crawl_site(gbk.entry(world_server.base_urls[gbk.key]), fast(check_external=False), AS_OF))
    assert snap.home is not None and gbk.name in snap.home.title
    assert snap.home.encoding == "gb18030"
    names = {c.name for c in snap.columns}
    assert {"工作动态", "通知公告"} <= names


def test_max_pages_and_depth_limits(world_server, demo_world):
    site = demo_world.sites[0]
    import asyncio

    snap = asyncio.run(crawl_site(site.entry(world_server.base_urls[site.key]),
                                  fast(max_pages=20, check_external=False), AS_OF))
    assert snap.pages_crawled <= 20 and snap.stats.skipped_max_pages > 0
    snap = asyncio.run(crawl_site(site.entry(world_server.base_urls[site.key]),
                                  fast(max_depth=0, check_external=False), AS_OF))
    assert snap.pages_crawled == 1


@pytest.fixture(scope="module")
def bad_scan(bad_server, demo_world, world_server):
    """Every misbehaving site plus one healthy site, scanned together."""
    from govinspect.demo.types import SimSite

    bad_sites: list[SimSite] = list(bad_server.server.sites)
    entries = [SimSite.entry(s, bad_server.base_urls[s.key]) for s in bad_sites]
    healthy = demo_world.sites[-1]
    entries.append(healthy.entry(world_server.base_urls[healthy.key]))
    t0 = time.monotonic()
    result = scan(entries, fast(max_bytes=2_000_000, site_budget=60), AS_OF)
    return result, time.monotonic() - t0, {s.behaviour: bad_server.base_urls[s.key] for s in bad_sites}


def test_bad_sites_finish_on_time_and_all_appear(bad_scan):
    result, elapsed, urls = bad_scan
    assert elapsed < 90
    assert {s.url for s in result.sites} >= set(urls.values())
    slow_but_fine = urls["slow"]  # answers within the timeout: nothing to explain
    for site in result.sites:
        if site.url in urls.values() and site.url != slow_but_fine:
            assert any(f.severity == "notice" for f in site.findings), site.url


def test_each_bad_behaviour_is_explained(bad_scan):
    result, _, urls = bad_scan
    by = {s.url: s for s in result.sites}
    down = by[urls["down"]]
    assert down.verdict == "fail" and "site.unreachable" in codes(down)
    [u] = [f for f in down.findings if f.code == "site.unreachable"]
    assert u.evidence["error"] == "refused"
    loop = by[urls["redirect_loop"]]
    assert [f.evidence["error"] for f in loop.findings if f.code == "site.unreachable"] == ["redirect_loop"]
    for kind in ("garbage", "binary", "huge"):
        site = by[urls[kind]]
        assert "site.unreachable" not in codes(site), kind
        [n] = [f for f in site.findings if f.code == "crawl.incomplete"]
        assert n.severity == "notice" and n.evidence["error"], kind
    endless = by[urls["endless"]]
    assert "crawl.incomplete" in codes(endless)
    trap = by[urls["trap"]]
    notes = [f for f in trap.findings if f.code == "crawl.incomplete"]
    assert any(f.evidence["error"] == "crawler trap" for f in notes)
    assert trap.pages_crawled < 400


def test_healthy_site_unaffected_by_bad_neighbours(bad_scan, world_scan):
    result, _, urls = bad_scan
    healthy = [s for s in result.sites if s.url not in urls.values()][0]
    alone = next(s for s in world_scan.sites if s.url == healthy.url)
    assert healthy.pages_crawled == alone.pages_crawled
    key = lambda s: sorted(f.key() for f in s.findings if f.code != "link.broken" or f.evidence["internal"])  # noqa: E731
    assert key(healthy) == key(alone)


def test_slow_home_times_out_as_unreachable(bad_server):
    slow = next(s for s in bad_server.server.sites if s.behaviour == "slow")
    result = scan([slow.entry(bad_server.base_urls[slow.key])], fast(timeout=0.3, retries=0), AS_OF)
    [f] = [f for f in result.sites[0].findings if f.code == "site.unreachable"]
    assert f.evidence["error"] == "timeout"


def test_head_refused_falls_back_to_get_and_links_checked_once():
    from aiohttp import web

    async def no_head(request: web.Request) -> web.Response:
        if request.method == "HEAD":
            return web.Response(status=405)
        return web.Response(body=b"\x89PNG\r\n\x1a\n", content_type="image/png")

    links = "".join(f'<li><a href="/a{i}.html">第{i}篇工作动态文章标题</a><span>2019-10-0{i}</span></li>' for i in range(1, 4))
    page = f"<html><body><ul>{links}</ul><img src='/logo.png'><img src='/gone.png'></body></html>"
    article = "<html><body><h1>文章</h1><img src='/logo.png'><img src='/gone.png'></body></html>"
    routes = {"/": html(page), "/logo.png": no_head, **{f"/a{i}.html": html(article) for i in range(1, 4)}}
    with LoopbackServer(routes) as srv:
        result = scan([_entry(srv.url("/"))], fast(cloak_sample=0), AS_OF)
        hits = dict(srv.hits)
    [broken] = [f for f in result.sites[0].findings if f.code == "link.broken"]
    assert broken.evidence["target"] == srv.url("/gone.png") and broken.evidence["status"] == 404
    assert broken.evidence["referrer_count"] == 4 and broken.url == srv.url("/")
    assert hits["/logo.png"] == 2  # one HEAD (405), one GET: checked once for 4 referrers
    assert hits["/gone.png"] == 2  # HEAD 404 is confirmed with GET


def test_documents_are_downloaded_once_and_read():
    from aiohttp import web

    csv = "姓名,身份证号\n张三,11010519491231002X\n".encode("gb18030")

    async def doc(request: web.Request) -> web.Response:
        return web.Response(body=csv, content_type="text/csv")

    page = "<html><body><a href='/gs/mingdan.csv'>低保名单</a><a href='/gs/mingdan.csv'>下载</a></body></html>"
    with LoopbackServer({"/": html(page), "/gs/mingdan.csv": doc}) as srv:
        result = scan([_entry(srv.url("/"))], fast(cloak_sample=0), AS_OF)
        assert srv.hits["/gs/mingdan.csv"] == 1
    [leak] = [f for f in result.sites[0].findings if f.code == "privacy.leak"]
    assert leak.url == srv.url("/gs/mingdan.csv") and leak.evidence["attachment"] is True
    assert result.sites[0].pages_crawled == 1  # documents are not counted as pages


def test_robots_optional():
    robots = "User-agent: *\nDisallow: /private/\n"
    page = "<html><body><a href='/private/a.html'>内部</a><a href='/pub.html'>公开</a></body></html>"
    routes = {"/": html(page), "/robots.txt": html(robots, content_type="text/plain"),
              "/private/a.html": html("<p>内部</p>"), "/pub.html": html("<p>公开</p>")}
    with LoopbackServer(routes) as srv:
        scan([_entry(srv.url("/"))], fast(robots=True, cloak_sample=0), AS_OF)
        assert "/private/a.html" not in srv.hits and srv.hits["/pub.html"] == 1
        scan([_entry(srv.url("/"))], fast(cloak_sample=0), AS_OF)
        assert srv.hits["/private/a.html"] == 1


def test_cross_host_home_redirect_extends_scope():
    with LoopbackServer({"/p.html": html("<p>页面</p>")}) as target:
        page = f"<html><body><a href='{target.url('/p.html')}'>站内页面</a></body></html>"
        with LoopbackServer({"/": html(page)}) as new, LoopbackServer({"/": _redirect_to(new.url("/"))}) as old:
            import asyncio

            snap = asyncio.run(crawl_site(_entry(old.url("/")), fast(), AS_OF))
    assert snap.home is not None and snap.home.final_url == new.url("/")
    assert snap.home.redirected_from_host == f"127.0.0.1:{old.port}"


def _redirect_to(url: str):
    from .support import redirect

    return redirect(url, 301)


def _entry(url: str):
    from govinspect.model import SiteEntry

    return SiteEntry(name="测试站点", url=url)


def test_spider_and_referer_views_are_recorded():
    from aiohttp import web

    clean = "<html><head><title>某县人民政府</title></head><body><a href='/a.html'>工作动态</a></body></html>"
    spam = "<html><head><title>澳门葡京娱乐场</title></head><body><a href='http://www.casino-example.com/'>百家乐</a></body></html>"

    async def home(request: web.Request) -> web.Response:
        cloaked = "Baiduspider" in request.headers.get("User-Agent", "") or "baidu.com" in request.headers.get("Referer", "")
        return web.Response(text=spam if cloaked else clean, content_type="text/html")

    with LoopbackServer({"/": home, "/a.html": html("<p>文章</p>")}) as srv:
        import asyncio

        snap = asyncio.run(crawl_site(_entry(srv.url("/")), fast(check_external=False), AS_OF))
    views = snap.probes["cloaking"]
    assert {(v["url"], v["agent"]) for v in views} == {
        (srv.url("/"), "spider"), (srv.url("/"), "referer"), (srv.url("/a.html"), "spider"), (srv.url("/a.html"), "referer"),
    }
    spider_home = next(v for v in views if v["url"] == srv.url("/") and v["agent"] == "spider")
    assert spider_home["title"] == "澳门葡京娱乐场" and "http://www.casino-example.com/" in spider_home["links"]
    assert snap.home is not None and snap.home.title == "某县人民政府"


def test_pagination_stays_at_the_columns_depth():
    """Page k of a list is as deep as page 1, so a long column is read whole within max_depth."""
    routes = {"/": html("<html><body><a href='/col/index.html'>工作动态</a></body></html>")}
    for k in range(15):
        name = "index.html" if k == 0 else f"index_{k}.html"
        nxt = f"<a href='index_{k + 1}.html'>下一页</a>" if k < 14 else ""
        rows = "".join(f"<li><a href='/a/{k}_{i}.html'>第{k}页第{i}条工作动态信息标题</a><span>2019-10-0{i + 1}</span></li>"
                       for i in range(3))
        routes[f"/col/{name}"] = html(f"<html><body><ul>{rows}</ul>{nxt}</body></html>")
        routes.update({f"/a/{k}_{i}.html": html("<h1>文章</h1><p>发布时间：2019-10-01</p>") for i in range(3)})
    with LoopbackServer(routes) as srv:
        import asyncio

        snap = asyncio.run(crawl_site(_entry(srv.url("/")), fast(max_depth=2, cloak_sample=0, transport_probes=False), AS_OF))
    fetched = {p.url for p in snap.pages()}
    assert all(srv.url(f"/col/index_{k}.html") in fetched for k in range(1, 15))
    # Articles of the last list page are at depth 2, like those of the first.
    assert all(srv.url(f"/a/{k}_{i}.html") in fetched for k in range(15) for i in range(3))
    [col] = snap.columns
    assert col.pages == 15 and col.item_count == 45


def test_parse_workers_give_the_same_result(world_scan, demo_world, world_server):
    from govinspect.demo.runner import live_hosts

    site = demo_world.sites[1]
    settings = fast(assume_ok_hosts=sorted(live_hosts(demo_world)), parse_workers=1, hosts=demo_world.hosts())
    [pooled] = scan([site.entry(world_server.base_urls[site.key])], settings, AS_OF).sites
    inline = next(s for s in world_scan.sites if s.url == pooled.url)
    assert pooled.pages_crawled == inline.pages_crawled
    assert sorted(f.key() for f in pooled.findings) == sorted(f.key() for f in inline.findings)


def test_footer_links_are_routed_once_and_a_page_met_as_an_image_is_still_crawled(monkeypatch):
    """Links off the site and files that are not pages (footers, logos, scripts on every page)
    are routed once for good; a page URL first met as an <img> or <script> is checked as a link
    and still crawled once an <a> names it, and deeper pages still wait for a shallower link."""
    import asyncio

    from govinspect.crawl import engine

    footer = ("<div class='footer'><a href='http://www.gov.cn/'>中国政府网</a><a href='http://10.255.255.1/x.html'>省政府</a>"
              "<img src='/images/logo.png'><script src='/js/common.js'></script></div>")
    routes = {"/": html(f"<html><body><img src='/odd/page.html'><a href='/col/'>工作动态</a>{footer}</body></html>")}
    rows = "".join(f"<li><a href='/a/{i}.html'>第{i}条工作动态信息标题</a><span>2019-10-0{i + 1}</span></li>"
                   for i in range(6))
    routes["/col/"] = html(f"<html><body><ul>{rows}</ul>{footer}</body></html>")
    for i in range(6):
        link = "<a href='/odd/page.html'>相关页面</a>" if i == 5 else ""
        routes[f"/a/{i}.html"] = html(f"<html><body><h1>文章{i}</h1><p>发布时间：2019-10-01</p>{link}{footer}</body></html>")
    routes.update({"/odd/page.html": html("<h1>相关页面</h1>"), "/images/logo.png": html("png", content_type="image/png"),
                   "/js/common.js": html("var a;", content_type="application/javascript")})
    routed: list[str] = []
    real = engine.SiteCrawler._route

    def counting(self, target, tag, depth):
        if target not in self.seen and target not in self.settled:
            routed.append(target)
        return real(self, target, tag, depth)

    monkeypatch.setattr(engine.SiteCrawler, "_route", counting)
    with LoopbackServer(routes) as srv:
        snap = asyncio.run(crawl_site(_entry(srv.url("/")), fast(check_external=False, cloak_sample=0,
                                                                 transport_probes=False), AS_OF))
        hits = dict(srv.hits)
    for settled in ("http://www.gov.cn/", srv.url("/images/logo.png"), srv.url("/js/common.js")):
        assert routed.count(settled) == 1, settled  # met on 8 pages, routed on the first
    assert routed.count(srv.url("/odd/page.html")) == 2  # as an image, then as a link
    assert srv.url("/odd/page.html") in {p.url for p in snap.pages()}
    assert hits["/images/logo.png"] == 1  # checked once for its 8 referrers
    assert "/x.html" not in hits  # off the site, not checked (check_external off)
