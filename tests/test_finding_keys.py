"""Finding.key() on real scans: the same problem keeps its key whatever order or month the crawl ran in."""

from __future__ import annotations

from collections import Counter
from datetime import date
from urllib.parse import urlsplit

import pytest

from govinspect.model import ScanResult, SiteEntry
from govinspect.service import scan
from govinspect.settings import Settings

from .support import LoopbackServer, html

AS_OF = date(2019, 10, 20)


def world_settings(world, per_host: int) -> Settings:
    live = sorted({h for s in world.sites for u in s.truth.external_links if (h := urlsplit(u).hostname)})
    return Settings(per_host=per_host, delay=0, timeout=3, offline=True, backoff=0.05,
                    assume_ok_hosts=live, hosts=world.hosts())


def keys(result: ScanResult) -> dict[str, Counter[str]]:
    return {s.name: Counter(f.key() for f in s.findings) for s in result.sites}


@pytest.mark.slow
def test_demo_world_keys_do_not_depend_on_crawl_order(demo_world, world_server):
    """Four concurrent requests per host, then one: another crawl order, the same problems."""
    entries = demo_world.entries(world_server.base_urls)
    wide = scan(entries, world_settings(demo_world, 4), AS_OF)
    narrow = scan(list(reversed(entries)), world_settings(demo_world, 1), AS_OF)
    first, second = keys(wide), keys(narrow)
    assert sum(len(k) for k in first.values()) >= 100
    for name, got in first.items():
        assert set(got) == set(second[name]), name
        # Each failed search query is a finding (points per query), but one problem of the site.
        shared = [k for k, n in got.items() if n > 1 and k.split("|", 1)[0] != "search.not_found"]
        assert shared == [], f"{name}: two findings share a key"
    codes = {k.split("|", 1)[0] for got in first.values() for k in got}
    assert {"link.broken", "column.stale", "security.hijack", "content.error_word", "privacy.leak"} <= codes


def _home(article: str, day: str) -> str:
    items = "".join(f'<li><a href="/{article}">第{i}条工作动态信息标题</a><span>{day}</span></li>' for i in range(3))
    return f"<html><head><title>某县人民政府</title></head><body><ul>{items}</ul></body></html>"


def _article(n: int) -> str:
    return f"<html><body><h1>第{n}篇文章</h1><p>正文内容。</p><a href='/dead.html'>附件下载</a></body></html>"


def test_a_problem_keeps_its_key_next_month_when_another_page_shows_it():
    """Month 1: /a.html links the dead page; month 2 only /b.html does, and the site is older."""
    routes = {"/": html(_home("a.html", "2019-01-05")), "/a.html": html(_article(1))}
    with LoopbackServer(routes) as srv:
        settings = Settings(per_host=2, delay=0, timeout=3, offline=True, backoff=0.05, cloak_sample=0)
        site = SiteEntry(name="某县人民政府", url=srv.url("/"))
        october = scan([site], settings, AS_OF).sites[0]
        srv.routes.clear()
        srv.routes.update({"/": html(_home("b.html", "2019-01-05")), "/b.html": html(_article(2))})
        november = scan([site], settings, date(2019, 11, 20)).sites[0]
    old = {f.code: f for f in october.findings}
    new = {f.code: f for f in november.findings}
    assert old["link.broken"].url == srv.url("/a.html") and new["link.broken"].url == srv.url("/b.html")
    assert old["link.broken"].key() == new["link.broken"].key() == f"link.broken|target={srv.url('/dead.html')}"
    assert old["home.stale"].evidence["days"] != new["home.stale"].evidence["days"]
    assert old["home.stale"].key() == new["home.stale"].key() == "home.stale"
    assert old["link.broken"].to_dict()["key"] == old["link.broken"].key()
