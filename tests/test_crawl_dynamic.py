"""Lists read through a data endpoint (JSON or HTML fragment) or an ASP.NET postback pager."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime
from urllib.parse import parse_qs

from aiohttp import web

from govinspect.crawl.engine import crawl_site
from govinspect.model import SiteEntry
from govinspect.settings import Settings
from govinspect.snapshot import Snapshot

from .support import LoopbackServer, html

AS_OF = date(2024, 6, 20)


def fast(**kw: object) -> Settings:
    base: dict[str, object] = {"per_host": 2, "delay": 0, "timeout": 3, "offline": True, "backoff": 0.05,
                               "check_external": False, "search_probe": False, "transport_probes": False,
                               "cloak_sample": 0}
    base.update(kw)
    return Settings(**base)  # type: ignore[arg-type]


def crawl(server: LoopbackServer, **kw: object) -> Snapshot:
    return asyncio.run(crawl_site(SiteEntry("测试站", server.url("/")), fast(**kw), AS_OF))


def millis(d: date) -> int:
    return int(datetime(d.year, d.month, d.day, 9, tzinfo=UTC).timestamp() * 1000)


HOME = """<html><head><title>某县人民政府</title></head><body><div class="nav">
<a href="/col/gzdt/index.html">工作动态</a><a href="/col/tzgg/index.html">通知公告</a>
<a href="/list.aspx?ClassID=7">政务公开</a></div><p>欢迎访问</p></body></html>"""


def shell(title: str, script: str) -> str:
    return (f"<html><head><title>{title}_某县人民政府</title></head><body>"
            f'<div class="position">当前位置：<a href="/">首页</a> &gt; {title}</div>'
            f'<ul id="list"></ul><div id="pager"></div><script>{script}</script></body></html>')


def article(title: str, day: date) -> web.StreamResponse:
    return html(f"<html><head><title>{title}</title></head><body><h1>{title}</h1>"
                f"<p>发布时间：{day:%Y-%m-%d}</p><p>正文内容。</p></body></html>")


def json_records(n0: int, count: int, start: date) -> list[dict[str, object]]:
    out = []
    for k in range(n0, n0 + count):
        day = date.fromordinal(start.toordinal() - k * 3)
        out.append({"id": k, "docTitle": f"全县安全生产工作会议召开第{k}次", "docPubUrl": f"/art/{k}.html",
                    "pubDate": millis(day), "thumb": "/img/a.png"})
    return out


def json_api(pages: int, per: int = 5, total: bool = True):
    async def handler(request: web.Request) -> web.StreamResponse:
        q = parse_qs(request.query_string)
        n = int(q.get("pageIndex", ["1"])[0])
        assert q.get("channelId") == ["12"], q
        rows = json_records((n - 1) * per, per, AS_OF) if n <= pages else []
        data: dict[str, object] = {"list": rows}
        if total:
            data.update(total=pages * per, pageSize=per)
        return web.json_response({"code": 200, "msg": "ok", "data": data})
    return handler


AJAX = """var channelId = "12";
function load(pageIndex){ $.ajax({ url: "/api/content/list", type: "GET", dataType: "json",
  data: { channelId: channelId, pageIndex: pageIndex, pageSize: 5 },
  success: function(res){ var html = ""; $.each(res.data.list, function(i, r){
    html += '<li><a href="' + r.docPubUrl + '">' + r.docTitle + '</a></li>'; });
    $("#list").html(html); } }); }
load(1);"""


def article_routes(n: int) -> dict[str, object]:
    return {f"/art/{k}.html": article(f"全县安全生产工作会议召开第{k}次", AS_OF) for k in range(n)}


def test_json_endpoint_items_join_the_shell_column():
    routes: dict[str, object] = {"/": html(HOME), "/col/gzdt/index.html": html(shell("工作动态", AJAX)),
                                 "/api/content/list": json_api(3)}
    routes.update(article_routes(14))  # /art/14.html is listed but missing: a broken link
    with LoopbackServer(routes) as server:  # type: ignore[arg-type]
        snap = crawl(server)
        hits = dict(server.hits)
    page = snap.page(server.url("/col/gzdt/index.html"))
    assert page is not None and page.list_error is None and page.list_source is None
    assert len(page.items) == 15 and page.items[0].date == date(2024, 6, 20)
    assert page.items[0].url == server.url("/art/0.html")
    assert hits["/api/content/list"] == 3  # totals say three pages; no fourth request
    col = next(c for c in snap.columns if c.url.endswith("/col/gzdt/index.html"))
    assert col.item_count == 15 and col.name == "工作动态"
    status = snap.target(server.url("/art/14.html"))
    assert status is not None and status.status == 404
    assert server.url("/col/gzdt/index.html") in snap.referrers(server.url("/art/14.html"))
    assert snap.page(server.url("/art/3.html")) is not None  # listed articles are crawled


def test_endpoint_paging_without_totals_is_capped():
    routes: dict[str, object] = {"/": html(HOME), "/col/gzdt/index.html": html(shell("工作动态", AJAX)),
                                 "/api/content/list": json_api(10_000, total=False)}
    with LoopbackServer(routes) as server:  # type: ignore[arg-type]
        snap = crawl(server, max_list_pages=4, max_pages=40)
        hits = dict(server.hits)
    page = snap.page(server.url("/col/gzdt/index.html"))
    assert page is not None and len(page.items) == 20
    assert hits["/api/content/list"] == 4


def test_endpoint_answering_html_or_bad_json_is_a_list_error():
    async def bad_json(request: web.Request) -> web.StreamResponse:
        return web.Response(text='{"data": {"list": [{"title": "通知", ', content_type="application/json")

    login = "<html><head><title>统一身份认证</title></head><body><form>登录</form></body></html>"
    routes: dict[str, object] = {
        "/": html(HOME),
        "/col/gzdt/index.html": html(shell("工作动态", AJAX)),
        "/api/content/list": html(login),
        "/col/tzgg/index.html": html(shell("通知公告", AJAX.replace("/api/content/list", "/api/notice/list"))),
        "/api/notice/list": bad_json,
    }
    with LoopbackServer(routes) as server:  # type: ignore[arg-type]
        snap = crawl(server)
    html_page = snap.page(server.url("/col/gzdt/index.html"))
    assert html_page is not None and html_page.list_error and "JSON" in html_page.list_error
    assert "网页" in html_page.list_error
    bad = snap.page(server.url("/col/tzgg/index.html"))
    assert bad is not None and bad.list_error and "无法解析" in bad.list_error
    assert not bad.items


def test_script_list_without_decodable_endpoint_is_a_list_error():
    script = ("var api = window.location.origin + getApi(); function go(pageNo){ $.ajax({ url: api,"
              " data: {pageNo: pageNo, pageSize: 15}, success: draw }); } go(1);")
    routes: dict[str, object] = {"/": html(HOME), "/col/gzdt/index.html": html(shell("工作动态", script))}
    with LoopbackServer(routes) as server:  # type: ignore[arg-type]
        snap = crawl(server)
    page = snap.page(server.url("/col/gzdt/index.html"))
    assert page is not None and page.list_error and "脚本" in page.list_error


def test_empty_endpoint_list_is_an_empty_column():
    routes: dict[str, object] = {"/": html(HOME), "/col/gzdt/index.html": html(shell("工作动态", AJAX)),
                                 "/api/content/list": json_api(0)}
    with LoopbackServer(routes) as server:  # type: ignore[arg-type]
        snap = crawl(server)
    col = next(c for c in snap.columns if c.url.endswith("/col/gzdt/index.html"))
    assert col.empty and col.item_count == 0


LABEL = """$(function(){ var catId = 6719761; var url = "/site/label/8888?IsAjax=1&dataType=html"
 + "&labelName=publicInfoList&siteId=6786551&pageSize=4&pageIndex=1&catId=" + catId;
 $("#list").load("/site/label/8888?IsAjax=1&dataType=html&labelName=publicInfoList&siteId=6786551"
 + "&pageSize=4&pageIndex=1&catId=" + catId); });"""


def label_fragment(request: web.Request) -> web.StreamResponse:
    q = parse_qs(request.query_string)
    n = int(q["pageIndex"][0])
    rows = "".join(
        f'<li><a href="/xxgk/{n}{k}.html" title="关于印发第{n}{k}号实施方案的通知">关于印发第{n}{k}号实施方案的通知</a>'
        f"<span>2024-0{6 - n}-1{k}</span></li>" for k in range(4)
    )
    pager = f'<div class="pagination">共 2 页 当前第 {n} 页</div>'
    return web.Response(text=f'<ul class="clearfix xxgk_nav_list">{rows}</ul>{pager}', content_type="text/html")


def test_anhui_label_fragment_endpoint():
    async def frag(request: web.Request) -> web.StreamResponse:
        return label_fragment(request)

    routes: dict[str, object] = {"/": html(HOME), "/col/tzgg/index.html": html(shell("通知公告", LABEL)),
                                 "/site/label/8888": frag}
    with LoopbackServer(routes) as server:  # type: ignore[arg-type]
        snap = crawl(server)
        hits = dict(server.hits)
    page = snap.page(server.url("/col/tzgg/index.html"))
    assert page is not None and page.list_error is None
    assert len(page.items) == 8 and max(i.date for i in page.items if i.date) == date(2024, 5, 13)
    assert hits["/site/label/8888"] == 2


def aspx(n: int, pages: int, state: str) -> str:
    rows = "".join(
        f'<tr><td><a href="/news/show.aspx?id={n * 10 + k}">县政府召开第{n * 10 + k}次常务会议</a></td>'
        f"<td>2024/{6 - n}/{10 + k}</td></tr>" for k in range(4)
    )
    links = "".join(
        f"<a href=\"javascript:__doPostBack('ctl00$ContentPlaceHolder1$AspNetPager1','{m}')\">{m}</a> "
        if m != n else f'<span class="cpb">{m}</span> ' for m in range(1, pages + 1)
    )
    if n < pages:
        links += f"<a href=\"javascript:__doPostBack('ctl00$ContentPlaceHolder1$AspNetPager1','{n + 1}')\">下一页</a>"
    return (
        "<html><head><title>政务公开_某县人民政府</title></head><body>"
        '<form name="aspnetForm" method="post" action="./list.aspx?ClassID=7" id="aspnetForm">'
        '<input type="hidden" name="__EVENTTARGET" id="__EVENTTARGET" value="" />'
        '<input type="hidden" name="__EVENTARGUMENT" id="__EVENTARGUMENT" value="" />'
        f'<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="{state}" />'
        '<input type="hidden" name="__EVENTVALIDATION" id="__EVENTVALIDATION" value="ev1" />'
        '<input type="text" name="ctl00$kw" value="" /><input type="submit" name="ctl00$go" value="搜索" />'
        f'<div class="position">当前位置：<a href="/">首页</a> &gt; 政务公开</div><table class="list">{rows}</table>'
        f'<div id="ctl00_ContentPlaceHolder1_AspNetPager1">{links}</div></form></body></html>'
    )


def postback_site(pages: int, honour: bool = True):
    async def handler(request: web.Request) -> web.StreamResponse:
        n = 1
        if request.method == "POST":
            form = await request.post()
            assert form["__EVENTTARGET"] == "ctl00$ContentPlaceHolder1$AspNetPager1"
            assert form["__EVENTVALIDATION"] == "ev1" and "ctl00$go" not in form
            if honour:
                assert form["__VIEWSTATE"] == f"vs{int(form['__EVENTARGUMENT']) - 1}"
                n = int(str(form["__EVENTARGUMENT"]))
        body = aspx(n, pages, f"vs{n}")
        return web.Response(text=body, content_type="text/html", charset="utf-8")
    return handler


def test_postback_pager_is_posted_page_by_page():
    routes: dict[str, object] = {"/": html(HOME), "/list.aspx": postback_site(3)}
    with LoopbackServer(routes) as server:  # type: ignore[arg-type]
        snap = crawl(server)
        hits = dict(server.hits)
    page = snap.page(server.url("/list.aspx?ClassID=7"))
    assert page is not None and page.list_error is None, page and page.list_error
    assert len(page.items) == 12
    assert hits["/list.aspx"] == 3
    col = next(c for c in snap.columns if "list.aspx" in c.url)
    assert col.item_count == 12 and col.latest(AS_OF) == date(2024, 5, 13)


def test_postback_answering_the_same_page_stops():
    routes: dict[str, object] = {"/": html(HOME), "/list.aspx": postback_site(50, honour=False)}
    with LoopbackServer(routes) as server:  # type: ignore[arg-type]
        snap = crawl(server)
        hits = dict(server.hits)
    page = snap.page(server.url("/list.aspx?ClassID=7"))
    assert page is not None and len(page.items) == 4
    assert page.list_error and "已读过" in page.list_error
    assert hits["/list.aspx"] == 2


def test_json_record_shapes():
    from govinspect.extract.jsonlist import read_list

    base = "http://x.gov.cn/col/1/index.html"
    body = json.dumps({"result": {"records": [
        {"title": "关于做好防汛工作的通知", "url": "../art/1.html", "publishTime": "2024-06-18 10:00:00"},
        {"title": "关于开展安全检查的通知", "url": "../art/2.html", "publishTime": "2024年6月1日"},
    ], "pages": 7, "total": 70}}).encode()
    read = read_list(body, "application/json", "json", base, AS_OF)
    assert [i.date for i in read.items] == [date(2024, 6, 18), date(2024, 6, 1)]
    assert read.items[0].url == "http://x.gov.cn/col/art/1.html" and read.pages == 7
    jsonp = b'cb({"rows": [{"name": "\xe5\xb8\x82\xe6\x94\xbf\xe5\xba\x9c\xe5\xb8\xb8\xe5\x8a\xa1\xe4\xbc\x9a", "linkUrl": "/a.html", "fbsj": 1718000000}], "total": 1})'
    read = read_list(jsonp, "text/javascript", "any", base, AS_OF)
    assert len(read.items) == 1 and read.items[0].date == date(2024, 6, 10) and read.pages == 1
    assert read_list(b'{"code": 0, "data": {"list": [], "total": 0}}', None, "json", base, AS_OF).empty
    assert read_list(b'{"count": 12}', None, "json", base, AS_OF).error


JPAAS_SHELL = (
    "<html><head><title>政策文件_某部</title></head><body>"
    '<div class="position">当前位置：<a href="/">首页</a> &gt; 政策文件</div><div class="list-box">'
    '<script url="/api-gateway/jpaas-publish-server/front/page/build/unit" '
    "queryData=\"{'parseType':'bulidstatic','webId':'w1','tplSetId':'t9','pageType':'column',"
    "'tagId':'当前栏目_list','editType':'null','pageId':'p42'}\"></script></div></body></html>"
)


def jpaas_unit(pages: int, per: int = 5):
    async def handler(request: web.Request) -> web.StreamResponse:
        q = {k: v[0] for k, v in parse_qs(request.query_string).items()}
        assert q["pageId"] == "p42" and q["tagId"] == "当前栏目_list"
        n = json.loads(q["paramJson"])["pageNo"] if "paramJson" in q else 1
        rows = "".join(
            f'<li><a href="/zwgk/art/{n}{k}.html" title="关于印发第{n}{k}号管理办法的通知">关于印发第{n}{k}号...</a>'
            f"<span>2024-0{6 - n}-0{k + 1}</span></li>" for k in range(per)
        ) if n <= pages else ""
        pager = f"<div id=\"u_pagination\" queryData=\"{{'rows':'{per}','count':'{pages * per}','pageNo':'{n}'}}\"></div>"
        return web.json_response({"success": True, "data": {"html": f"<ul>{rows}</ul>{pager}"}})
    return handler


def test_jpaas_unit_with_paramjson_paging():
    routes: dict[str, object] = {"/": html(HOME), "/col/tzgg/index.html": html(JPAAS_SHELL),
                                 "/api-gateway/jpaas-publish-server/front/page/build/unit": jpaas_unit(3)}
    with LoopbackServer(routes) as server:  # type: ignore[arg-type]
        snap = crawl(server)
        hits = dict(server.hits)
    page = snap.page(server.url("/col/tzgg/index.html"))
    assert page is not None and page.list_error is None
    assert len(page.items) == 15 and max(i.date for i in page.items if i.date) == date(2024, 5, 5)
    assert hits["/api-gateway/jpaas-publish-server/front/page/build/unit"] == 3


def test_held_list_is_kept_when_the_time_budget_runs_out():
    inner = json_api(5)

    async def slow(request: web.Request) -> web.StreamResponse:
        if "pageIndex=1" not in request.query_string:
            await asyncio.sleep(3)
        return await inner(request)

    routes: dict[str, object] = {"/": html(HOME), "/col/gzdt/index.html": html(shell("工作动态", AJAX)),
                                 "/api/content/list": slow}
    with LoopbackServer(routes) as server:  # type: ignore[arg-type]
        snap = crawl(server, site_budget=1.5, timeout=5)
    page = snap.page(server.url("/col/gzdt/index.html"))
    assert page is not None and len(page.items) == 5  # page 1 of the endpoint, kept
    assert snap.stats.stopped


def gbk_aspx(request_form: dict[str, str] | None) -> bytes:
    n = int(request_form["__EVENTARGUMENT"]) if request_form else 1
    html = aspx(n, 2, f"vs{n}").replace("政务公开", "信息公开目录")
    hidden = '<input type="hidden" name="hidCol" value="信息公开" />'
    return html.replace('<input type="text"', hidden + '<input type="text"').encode("gbk")


def test_postback_on_a_gbk_page_posts_gbk_form_values():
    async def handler(request: web.Request) -> web.StreamResponse:
        form = None
        if request.method == "POST":
            raw = await request.read()
            assert b"hidCol=%D0%C5%CF%A2%B9%AB%BF%AA" in raw  # 信息公开, encoded as the page's GBK
            form = {k: v[0] for k, v in parse_qs(raw.decode("ascii"), encoding="gbk").items()}
            assert form["hidCol"] == "信息公开"
        return web.Response(body=gbk_aspx(form), headers={"Content-Type": "text/html; charset=gbk"})

    routes: dict[str, object] = {"/": html(HOME), "/list.aspx": handler}
    with LoopbackServer(routes) as server:  # type: ignore[arg-type]
        snap = crawl(server)
    page = snap.page(server.url("/list.aspx?ClassID=7"))
    assert page is not None and page.list_error is None and len(page.items) == 8


def button_page(n: int, pages: int) -> str:
    rows = "".join(
        f'<li><a href="/gk/{n}{k}.html">关于公布第{n}{k}批行政许可事项的公告</a><span>2024-0{6 - n}-1{k}</span></li>'
        for k in range(3)
    )
    nxt = ('<input type="submit" name="ctl00$Main$btnNext" value="下一页" id="btnNext" />' if n < pages
           else '<input type="submit" name="ctl00$Main$btnNext" value="下一页" disabled="disabled" />')
    return ("<html><head><title>公告公示_某县</title></head><body>"
            '<form method="post" action="gk.aspx" id="form1">'
            f'<input type="hidden" name="__VIEWSTATE" value="state{n}" /><ul>{rows}</ul>'
            f'<span>第{n}页</span><input type="hidden" name="hidPage" value="{n}" />{nxt}</form></body></html>')


def test_submit_button_pager_posts_the_button():
    async def handler(request: web.Request) -> web.StreamResponse:
        n = 1
        if request.method == "POST":
            form = await request.post()
            assert form["ctl00$Main$btnNext"] == "下一页" and form["__VIEWSTATE"] == f"state{form['hidPage']}"
            n = int(str(form["hidPage"])) + 1
        return web.Response(text=button_page(n, 3), content_type="text/html")

    routes: dict[str, object] = {"/": html(HOME.replace("/list.aspx?ClassID=7", "/gk.aspx")), "/gk.aspx": handler}
    with LoopbackServer(routes) as server:  # type: ignore[arg-type]
        snap = crawl(server)
        hits = dict(server.hits)
    page = snap.page(server.url("/gk.aspx"))
    assert page is not None and page.list_error is None and len(page.items) == 9
    assert hits["/gk.aspx"] == 3


def test_lists_are_read_when_pages_are_parsed_in_a_worker_process():
    from govinspect.crawl.workers import ParsePool

    routes: dict[str, object] = {"/": html(HOME), "/list.aspx": postback_site(3),
                                 "/col/gzdt/index.html": html(shell("工作动态", AJAX)),
                                 "/api/content/list": json_api(2)}
    routes.update(article_routes(10))
    pool = ParsePool(1)  # an explicit count: every page after the home page goes to the worker

    async def run(url: str):  # the workers live in the crawl's event loop
        try:
            return await crawl_site(SiteEntry("测试站", url), fast(), AS_OF, executor=pool)
        finally:
            await pool.aclose()

    with LoopbackServer(routes) as server:  # type: ignore[arg-type]
        snap = asyncio.run(run(server.url("/")))
    aspx_page = snap.page(server.url("/list.aspx?ClassID=7"))
    json_page = snap.page(server.url("/col/gzdt/index.html"))
    assert aspx_page is not None and len(aspx_page.items) == 12
    assert json_page is not None and len(json_page.items) == 10
