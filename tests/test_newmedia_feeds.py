"""The rss source against a real loopback server: RSSHub Weibo/WeChat routes, Atom, bad feeds."""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from pathlib import Path

import pytest
from aiohttp import web

from govinspect.http import Fetcher
from govinspect.newmedia import SourceResult, source_for
from govinspect.newmedia.feeds import feed_time, parse_feed
from govinspect.registry import AccountEntry, SourceSpec
from govinspect.rules import NewMediaRules
from govinspect.settings import Settings

from .support import LoopbackServer, html, raw

FIXTURES = Path(__file__).parent / "fixtures" / "newmedia"
AS_OF = date(2019, 10, 20)
RSS = "application/xml; charset=utf-8"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def read(url: str, timeout: float = 5.0) -> SourceResult:
    account = AccountEntry(name="淮南市人民政府发布", platform="weibo", source=SourceSpec("rss", url=url))
    settings = Settings(delay=0, retries=0, timeout=timeout)

    async def go() -> SourceResult:
        async with Fetcher(settings) as fetcher:
            return await source_for("rss", NewMediaRules()).posts(account, fetcher, AS_OF)

    return asyncio.run(go())


async def _slow(request: web.Request) -> web.StreamResponse:
    await asyncio.sleep(3)
    return web.Response(body=fixture("rsshub_weibo.xml"), content_type="application/xml")


@pytest.fixture(scope="module")
def server():
    routes = {
        "/weibo/user/2803301701": raw(fixture("rsshub_weibo.xml"), RSS),
        "/wechat/ce/huainanfabu": raw(fixture("rsshub_wechat.xml"), RSS),
        "/weibo/user/3404210001.atom": raw(fixture("atom.xml"), "application/atom+xml; charset=utf-8"),
        "/weibo/user/5566778899": raw(fixture("bad_dates.xml"), RSS),
        "/wechat/ce/hnjy": raw(fixture("empty.xml"), RSS),
        "/weibo/user/broken": raw(fixture("malformed.xml"), RSS),
        "/weibo/user/slow": _slow,
        "/weibo/user/down": html("<h1>Error</h1><p>weibo user 503: 请求过于频繁</p>", status=503),
        "/weibo/user/html": html("<!DOCTYPE html><html><body><p>欢迎访问</p></body></html>"),
    }
    with LoopbackServer(routes) as srv:
        yield srv


def test_rsshub_weibo_route_dates_in_gmt_become_china_time(server):
    result = read(server.url("/weibo/user/2803301701"))
    assert result.error is None and result.skipped == 0
    assert [p.published for p in result.posts] == [
        datetime(2019, 10, 20, 7, 10), datetime(2019, 10, 18, 16, 0), datetime(2019, 10, 10, 10, 0),
    ]
    first = result.posts[0]
    assert first.title.startswith("【淮南发布】#淮南天气# 今天白天多云")
    assert first.url == "https://weibo.com/2803301701/IcXyZ0a1b"


def test_rsshub_wechat_route_dates_with_offset(server):
    result = read(server.url("/wechat/ce/huainanfabu"))
    assert result.error is None
    assert [p.published for p in result.posts] == [datetime(2019, 10, 18, 20, 30),
                                                   datetime(2019, 10, 16, 18, 5, 12)]
    assert result.posts[1].title == "@淮南人，这些新规11月起施行！"


def test_atom_feed_published_or_updated(server):
    result = read(server.url("/weibo/user/3404210001.atom"))
    assert result.error is None
    # 16:40 UTC on 30 September is twenty to one on 1 October in China.
    assert [p.published for p in result.posts] == [datetime(2019, 10, 1, 0, 40), datetime(2019, 9, 20, 9, 15)]
    assert result.posts[0].url == "https://weibo.com/3404210001/IaBcD1e2f"  # not the enclosure


def test_bad_dates_are_skipped_and_counted(server):
    result = read(server.url("/weibo/user/5566778899"))
    assert result.error is None
    assert result.skipped == 3
    assert [p.published for p in result.posts] == [datetime(2019, 10, 17, 9, 0), datetime(2019, 10, 12, 9, 30)]


def test_empty_feed_is_zero_posts_not_an_error(server):
    result = read(server.url("/wechat/ce/hnjy"))
    assert result == SourceResult()


def test_malformed_xml_is_an_error(server):
    result = read(server.url("/weibo/user/broken"))
    assert result.posts == [] and result.error is not None
    assert "不是有效的 XML" in result.error


def test_timeout_is_an_error(server):
    result = read(server.url("/weibo/user/slow"), timeout=0.3)
    assert result.posts == []
    assert result.error is not None and "超时" in result.error


def test_http_error_is_an_error(server):
    assert read(server.url("/weibo/user/down")).error == "来源地址返回 HTTP 503"


def test_an_html_page_is_not_a_feed(server):
    result = read(server.url("/weibo/user/html"))
    assert result.error is not None and result.posts == []


def test_refused_connection_is_an_error():
    from .support import free_port

    result = read(f"http://127.0.0.1:{free_port()}/weibo/user/1")
    assert result.error is not None and "无法访问" in result.error


def test_rss_1_0_with_dublin_core_dates():
    data = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="http://www.example.gov.cn/"><title>x</title></channel>
  <item rdf:about="http://www.example.gov.cn/1"><title>One</title><link>http://www.example.gov.cn/1</link>
    <dc:date>2019-10-19T08:00:00+08:00</dc:date></item>
</rdf:RDF>"""
    result = parse_feed(data)
    assert [(p.published, p.title) for p in result.posts] == [(datetime(2019, 10, 19, 8, 0), "One")]


def test_gbk_feed_declared_in_the_xml_prolog():
    data = ('<?xml version="1.0" encoding="gbk"?><rss version="2.0"><channel><item>'
            "<title>田家庵区通知</title><pubDate>Sat, 19 Oct 2019 08:00:00 +0800</pubDate>"
            "</item></channel></rss>").encode("gbk")
    assert parse_feed(data).posts[0].title == "田家庵区通知"


@pytest.mark.parametrize(("text", "expected"), [
    ("Sat, 19 Oct 2019 23:10:00 GMT", datetime(2019, 10, 20, 7, 10)),
    ("Sat, 19 Oct 2019 23:10:00 +0800", datetime(2019, 10, 19, 23, 10)),
    ("19 Oct 2019 23:10 +0000", datetime(2019, 10, 20, 7, 10)),
    ("2019-10-19T15:10:00Z", datetime(2019, 10, 19, 23, 10)),
    ("2019-10-19T23:10:00.000+08:00", datetime(2019, 10, 19, 23, 10)),
    ("2019-10-19 23:10", datetime(2019, 10, 19, 23, 10)),
    ("2019年10月19日", datetime(2019, 10, 19)),
    ("Invalid Date", None),
    ("", None),
    ("2019-02-30", None),
])
def test_feed_time(text, expected):
    assert feed_time(text) == expected
