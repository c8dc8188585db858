"""inspect_account / inspect_accounts: the account object, isolation, duplicates, the demo accounts end to end."""

from __future__ import annotations

import asyncio
import json
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from aiohttp import web

from govinspect.demo.accounts import build_accounts
from govinspect.demo.server import serve_in_thread
from govinspect.http import Fetcher
from govinspect.model import AccountResult, Severity, Verdict
from govinspect.newmedia import SOURCES, inspect_account, inspect_accounts
from govinspect.registry import AccountEntry, SourceSpec
from govinspect.rules import load_rules
from govinspect.settings import Settings

from .support import LoopbackServer, raw

FIXTURES = Path(__file__).parent / "fixtures" / "newmedia"
SCHEMA = json.loads((Path(__file__).parent / "schema" / "scan.schema.json").read_text(encoding="utf-8"))
AS_OF = date(2019, 10, 20)
RSS = "application/xml; charset=utf-8"
SETTINGS = Settings(delay=0, retries=0, timeout=0.5, per_host=4)


def validate(account: dict[str, Any]) -> None:
    jsonschema.validate(account, {**SCHEMA["$defs"]["account"], "$defs": SCHEMA["$defs"]})


def run(accounts: list[AccountEntry], settings: Settings = SETTINGS) -> list[dict[str, Any]]:
    """The account objects as ``scan --json`` prints them (AccountResult.to_dict)."""

    async def go() -> list[AccountResult]:
        async with Fetcher(settings) as fetcher:
            return await inspect_accounts(accounts, settings, AS_OF, load_rules(), fetcher)

    results = asyncio.run(go())
    assert all(isinstance(a, AccountResult) for a in results)
    return [a.to_dict() for a in results]


def rss(name: str, url: str, platform: str = "weibo", unit: str | None = "淮南市人民政府办公室", **kw) -> AccountEntry:
    return AccountEntry(name=name, platform=platform, unit=unit, source=SourceSpec("rss", url=url), **kw)


async def _slow(request: web.Request) -> web.StreamResponse:
    await asyncio.sleep(3)
    return web.Response(text="late")


@pytest.fixture(scope="module")
def server():
    routes = {
        "/weibo/user/2803301701": raw((FIXTURES / "rsshub_weibo.xml").read_bytes(), RSS),
        "/weibo/user/broken": raw((FIXTURES / "malformed.xml").read_bytes(), RSS),
        "/weibo/user/3404210001.atom": raw((FIXTURES / "atom.xml").read_bytes(), "application/atom+xml"),
        "/weibo/user/slow": _slow,
        "/douyin/user/closed": raw(b"", RSS),
    }
    with LoopbackServer(routes) as srv:
        yield srv


class Exploding:
    """A source with a bug: it raises instead of returning a result."""

    def __init__(self, rules: object) -> None:
        pass

    async def posts(self, account: AccountEntry, fetcher: Fetcher, as_of: date) -> Any:
        raise RuntimeError("source bug")


def test_one_failing_account_never_affects_the_others(server, monkeypatch):
    monkeypatch.setitem(SOURCES, "explode", Exploding)
    accounts = [
        AccountEntry(name="出错账号", platform="toutiao", source=SourceSpec("explode", url="http://x/")),
        rss("超时账号", server.url("/weibo/user/slow")),
        rss("坏订阅", server.url("/weibo/user/broken"), platform="wechat"),
        rss("淮南市人民政府发布", server.url("/weibo/user/2803301701"), platform="douyin"),
        rss("凤台发布", server.url("/weibo/user/3404210001.atom"), platform="toutiao", unit="凤台县人民政府办公室"),
    ]
    out = run(accounts)
    assert [a["name"] for a in out] == [a.name for a in accounts]  # registry order
    by = {a["name"]: a for a in out}
    for name in ("出错账号", "超时账号", "坏订阅"):
        a = by[name]
        assert a["verdict"] == "pass" and a["verdict_label"] == "未能检查" and a["checked"] is False
        assert [(f["code"], f["severity"]) for f in a["findings"]] == [("newmedia.stale", "notice")]
        assert a["findings"][0]["evidence"]["error"]
        assert a["summary"] == "未能读取发布信息"
    assert "source bug" in by["出错账号"]["findings"][0]["evidence"]["error"]
    assert "超时" in by["超时账号"]["findings"][0]["evidence"]["error"]
    good = by["淮南市人民政府发布"]
    assert good["verdict"] == "pass" and good["checked"] and good["last_post"] == "2019-10-20"
    assert good["findings"][0]["code"] == "newmedia.low_frequency"  # 3 posts in 30 days
    stale = by["凤台发布"]
    assert stale["verdict"] == "fail" and stale["verdict_label"] == "单项否决"
    assert stale["findings"][0]["evidence"] == {"last_post": "2019-10-01", "days": 19, "threshold": 14}
    assert stale["summary"] == "超过2周未更新"
    for a in out:
        validate(a)


def test_closed_accounts_are_not_read(server):
    closed = rss("凤台县人民政府", server.url("/douyin/user/closed"), platform="douyin", status="closed",
                 closed_on=date(2019, 8, 21))
    server.hits.clear()
    (a,) = run([closed])
    assert a["findings"] == [] and a["verdict"] == "pass" and a["summary"] == "已关停"
    assert a["closed_on"] == "2019-08-21" and a["checked"] is False
    assert server.hits == {}
    validate(a)


def test_unknown_source_type_is_a_notice():
    (a,) = run([AccountEntry(name="某号", platform="other", source=SourceSpec("kuaishou", url="http://x/"))])
    assert [f["severity"] for f in a["findings"]] == ["notice"]
    assert "kuaishou" in a["findings"][0]["evidence"]["error"]


def test_duplicates_are_merged_into_each_account(server):
    url = server.url("/weibo/user/2803301701")
    out = run([rss("淮南发布", url), rss("淮南市人民政府发布", url), rss("淮南发布", url, platform="wechat")])
    dup = [[f["evidence"]["others"] for f in a["findings"] if f["code"] == "newmedia.duplicate"] for a in out]
    assert dup == [[["淮南市人民政府发布"]], [["淮南发布"]], []]
    assert "重复开设" in out[0]["summary"]


def test_inspect_account_with_messages(server, tmp_path):
    entry = rss("淮南市人民政府发布", server.url("/weibo/user/2803301701"))
    entry.messages = SourceSpec("file", path=FIXTURES / "messages_auto.json")
    settings = SETTINGS

    async def go() -> AccountResult:
        async with Fetcher(settings) as fetcher:
            return await inspect_account(entry, settings, AS_OF, load_rules(), fetcher)

    result = asyncio.run(go())
    assert result.verdict == Verdict.PASS and not result.vetoed and result.messages is not None
    assert {f.severity for f in result.findings} <= set(Severity)
    a = result.to_dict()
    assert {f["code"] for f in a["findings"]} == {"newmedia.low_frequency", "newmedia.auto_reply"}
    assert a["messages"] == {"total": 5, "answered": 5, "unanswered": 0}
    assert a["posts_30d"] == 3 and a["days_since_post"] == 0


def test_demo_accounts_end_to_end(demo_world, tmp_path):
    accounts = build_accounts(demo_world, AS_OF)
    files = accounts.write_account_files(tmp_path / "accounts")
    with serve_in_thread(demo_world, [accounts.site]) as handle:
        entries = accounts.entries(handle.base_urls["rsshub"], files)
        out = run(entries, Settings(delay=0, retries=0, timeout=5, per_host=4, offline=True))
        stats = dict(handle.stats)
    truth = accounts.truth()
    assert len(out) == len(truth) >= 8
    got = {a["name"]: {f["code"]: f["severity"] for f in a["findings"]} for a in out}
    assert got == truth
    assert {a["unit"] for a in out} <= {s.unit for s in demo_world.sites}
    assert stats["requests:rsshub"] >= 8  # the Weibo API pages came by query string
    for a in out:
        validate(a)
    assert json.loads(json.dumps(out, ensure_ascii=False)) == out  # plain JSON, dates as text


def test_demo_accounts_cover_every_case():
    accounts = build_accounts(None, AS_OF)
    expected = {code for codes in accounts.truth().values() for code in codes}
    assert expected == {"newmedia.stale", "newmedia.dormant", "newmedia.duplicate", "newmedia.unanswered",
                        "newmedia.auto_reply", "newmedia.low_frequency"}
    kinds = {a.kind for a in accounts.accounts}
    assert kinds == {"rss", "weibo", "file"}
    assert any(a.status == "closed" for a in accounts.accounts)
    assert {"wechat", "weibo", "douyin"} <= {a.platform for a in accounts.accounts}
