"""The weibo source against a real loopback server serving card API pages, and Weibo's date forms."""

from __future__ import annotations

import asyncio
import json
from datetime import date, datetime
from pathlib import Path

import pytest
from aiohttp import web

from govinspect.http import Fetcher
from govinspect.newmedia import SourceResult, source_for
from govinspect.newmedia.weibo import page_url, weibo_time
from govinspect.registry import AccountEntry, SourceSpec
from govinspect.rules import NewMediaRules
from govinspect.settings import Settings

from .support import LoopbackServer

FIXTURES = Path(__file__).parent / "fixtures" / "newmedia"
AS_OF = date(2019, 10, 20)
NOW = datetime(2019, 10, 20, 23, 59, 59)
API = "/api/container/getIndex"
UID = "5512345678"


def page_json(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


class Api:
    """A card API: pages by containerid, recording every page asked for."""

    def __init__(self) -> None:
        self.pages: dict[str, dict[int, object]] = {}
        self.asked: list[tuple[str, int]] = []
        self.headers: dict[str, str] = {}

    async def __call__(self, request: web.Request) -> web.StreamResponse:
        containerid = request.query.get("containerid", "")
        page = int(request.query.get("page", "1"))
        self.asked.append((containerid, page))
        self.headers = dict(request.headers)
        body = self.pages.get(containerid, {}).get(page)
        if body is None:
            return web.Response(status=404, text="not found")
        if isinstance(body, bytes):
            return web.Response(body=body, content_type="application/json")
        return web.json_response(body)


@pytest.fixture(scope="module")
def api():
    handler = Api()
    no_more = page_json("weibo_no_more.json")
    p1, p2, p3 = (page_json(f"weibo_page{n}.json") for n in (1, 2, 3))
    handler.pages = {
        f"107603{UID}": {1: p1, 2: p2, 3: p3, 4: no_more},
        "107603error": {1: page_json("weibo_error.json")},
        "107603short": {1: p1, 2: no_more},
        "107603broken": {1: p1, 2: b"<html>502 Bad Gateway</html>"},
        "107603notjson": {1: b"<html><body>\xe8\xaf\xb7\xe7\x99\xbb\xe5\xbd\x95</body></html>"},
        "107603empty": {1: {"ok": 1, "data": {"cards": []}}},
        "107603endless": {n: p2 for n in range(1, 50)},
        "107603pinned": {1: {"ok": 1, "data": {"cards": p1["data"]["cards"][:1]}}, 2: p2, 3: no_more},
    }
    with LoopbackServer({API: handler}) as srv:
        handler.base = srv.url(API)
        yield handler


def read(api: Api, containerid: str, rules: NewMediaRules | None = None) -> SourceResult:
    url = f"{api.base}?containerid={containerid}"
    account = AccountEntry(name="田家庵发布", platform="weibo", source=SourceSpec("weibo", url=url))
    settings = Settings(delay=0, retries=0, timeout=5)

    async def go() -> SourceResult:
        async with Fetcher(settings) as fetcher:
            return await source_for("weibo", rules or NewMediaRules()).posts(account, fetcher, AS_OF)

    api.asked.clear()
    return asyncio.run(go())


def test_pages_are_read_until_posts_leave_the_window(api):
    result = read(api, f"107603{UID}")
    assert result.error is None
    # Page 3 holds only posts older than 30 days: page 4 is never asked for.
    assert [p for _, p in api.asked] == [1, 2, 3]
    assert result.skipped == 1  # "时间未知" on page 2
    assert not result.truncated
    published = [p.published for p in result.posts]
    assert published[:5] == [
        datetime(2019, 1, 5, 10, 0),  # pinned, full form
        NOW, datetime(2019, 10, 20, 23, 54, 59), datetime(2019, 10, 20, 20, 59, 59),
        datetime(2019, 10, 19, 8, 19),
    ]
    assert datetime(2019, 10, 15) in published and datetime(2019, 9, 18, 8, 19) in published
    assert datetime(2019, 9, 10) in published
    first = result.posts[1]
    assert first.title == "【田家庵发布】区政府召开常务会议 #田家庵#"
    assert first.url == "https://m.weibo.cn/status/I1x000001"


def test_requests_look_like_the_mobile_web_app(api):
    read(api, "107603short")
    assert api.headers["X-Requested-With"] == "XMLHttpRequest"
    assert api.headers["MWeibo-Pwa"] == "1"
    assert api.headers["Accept"].startswith("application/json")


def test_ok_0_on_the_first_page_is_an_error_with_its_msg(api):
    result = read(api, "107603error")
    assert result.posts == []
    assert result.error == "微博接口返回错误: 请求过于频繁,歇歇吧"


def test_ok_0_past_the_last_page_is_the_end(api):
    result = read(api, "107603short")
    assert result.error is None and not result.truncated
    assert len(result.posts) == 5 and [p for _, p in api.asked] == [1, 2]


def test_a_failing_later_page_keeps_the_earlier_posts(api):
    result = read(api, "107603broken")
    assert result.error is None and result.truncated
    assert len(result.posts) == 5


def test_a_first_page_that_is_not_json_is_an_error(api):
    result = read(api, "107603notjson")
    assert result.error is not None and "JSON" in result.error


def test_a_page_without_cards_is_zero_posts(api):
    result = read(api, "107603empty")
    assert result == SourceResult()


def test_paging_stops_at_the_page_cap(api):
    result = read(api, "107603endless", NewMediaRules(weibo_max_pages=3))
    assert [p for _, p in api.asked] == [1, 2, 3]
    assert result.truncated and result.error is None


def test_an_old_pinned_post_does_not_stop_paging(api):
    result = read(api, "107603pinned")
    assert [p for _, p in api.asked] == [1, 2, 3]
    assert len(result.posts) == 1 + 4


def test_unknown_uid_is_an_error(api):
    result = read(api, "107603nobody")
    assert result.error == "来源地址返回 HTTP 404"


@pytest.mark.parametrize(("text", "expected"), [
    ("Wed Oct 23 08:19:00 +0800 2019", datetime(2019, 10, 23, 8, 19)),
    ("Wed Oct 23 00:19:00 +0000 2019", datetime(2019, 10, 23, 8, 19)),
    ("刚刚", NOW),
    ("30秒前", datetime(2019, 10, 20, 23, 59, 29)),
    ("5分钟前", datetime(2019, 10, 20, 23, 54, 59)),
    ("3小时前", datetime(2019, 10, 20, 20, 59, 59)),
    ("今天 08:19", datetime(2019, 10, 20, 8, 19)),
    ("昨天 08:19", datetime(2019, 10, 19, 8, 19)),
    ("昨天  23:05", datetime(2019, 10, 19, 23, 5)),
    ("前天 08:19", datetime(2019, 10, 18, 8, 19)),
    ("10-15", datetime(2019, 10, 15)),
    ("12-28", datetime(2018, 12, 28)),  # a month-day after today is last year's
    ("2018-10-23", datetime(2018, 10, 23)),
    ("2018-10-23 08:19", datetime(2018, 10, 23, 8, 19)),
    ("02-30", None),
    ("Wed Foo 23 08:19:00 +0800 2019", None),
    ("很久以前", None),
    ("", None),
])
def test_weibo_time(text, expected):
    assert weibo_time(text, NOW) == expected


def test_page_url_sets_the_page_parameter():
    url = "http://m.example/api/container/getIndex?containerid=1076031&page=7&type=uid"
    assert page_url(url, 2) == "http://m.example/api/container/getIndex?containerid=1076031&type=uid&page=2"
