"""The snapshot file: plain versioned tables, every Page and Column field read back, judged the same."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from dataclasses import fields
from datetime import date, datetime
from pathlib import Path

import pytest

from govinspect.checks import Context
from govinspect.demo.runner import demo_settings, live_hosts
from govinspect.http import Fetcher
from govinspect.model import Column, Link, ListItem, Page, SiteEntry
from govinspect.rules import load_rules
from govinspect.service import inspect_site, judge
from govinspect.snapshot import FORMAT_VERSION, Snapshot, SnapshotError

AS_OF = date(2019, 10, 20)
SITE = SiteEntry(name="示例县人民政府", url="http://www.example.gov.cn/", unit="示例县政府办", level="county",
                 site_code="3400000001", search_url="http://www.example.gov.cn/s?q={q}", source="r.yaml:2",
                 overrides={"allow_words": ["某词"]})


def _full_page() -> Page:
    """A page with every field away from its default."""
    return Page(
        url="http://www.example.gov.cn/xwdt/", final_url="http://www.example.gov.cn/xwdt/index.html", status=200,
        error="timeout", error_detail="读取超时", content_type="text/html; charset=gbk", encoding="gbk",
        decode_problem="混合编码", depth=2, title="新闻动态", text="正文\n第二行",
        links=[Link("http://www.example.gov.cn/a.html", "文章", "a", True), Link("http://x/i.png", "", "img", False)],
        items=[ListItem("标题一", "http://www.example.gov.cn/a.html", date(2019, 9, 1), "2019-09-01", False),
               ListItem("标题二", None, None, "09-02", True)],
        pub_date=date(2019, 9, 3), meta={"keywords": "政务"}, next_page="http://www.example.gov.cn/xwdt/2.html",
        empty_marker=True, redirected_from_host="old.example.gov.cn", elapsed_ms=123,
        hidden_links=[{"url": "http://spam.example.com/", "how": "display:none"}],
        script_targets=[{"target": "http://evil.example.com/", "kind": "location"}],
        pending_scripts=["eval(x)"], attachment=True, guide={"办理时限": "5 个工作日"},
        messages=[{"title": "咨询", "asked": date(2019, 8, 1), "replied": None}],
        forms={"search": True, "fields": ["q"]}, list_error="脚本列表无法读取",
        list_source={"kind": "json", "url": "http://www.example.gov.cn/list.json", "page": 1},
        services=[{"name": "事项", "url": "http://www.example.gov.cn/s1"}],
    )


def _full_column() -> Column:
    return Column(name="工作动态", url="http://www.example.gov.cn/gzdt/", category="news",
                  items=[ListItem("一", "http://www.example.gov.cn/1.html", date(2019, 10, 1), "2019-10-01", True)],
                  item_count=40, empty=True, pages=3, top_level=False, error="无法读取")


def test_fixtures_cover_every_field() -> None:
    """The round trip below sets every field: a new Page/Column field must be added here."""
    page, default = _full_page(), Page(url="http://www.example.gov.cn/xwdt/")
    assert [f.name for f in fields(Page) if getattr(page, f.name) == getattr(default, f.name) and f.name != "url"] == []
    col, plain = _full_column(), Column(name="工作动态", url="http://www.example.gov.cn/gzdt/")
    assert [f.name for f in fields(Column) if getattr(col, f.name) == getattr(plain, f.name)
            and f.name not in ("name", "url")] == []


def test_round_trip_of_every_field(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    snap = Snapshot(SITE, path, as_of=AS_OF)
    home = Page(url=SITE.url, status=200, content_type="text/html", title="首页")
    snap.add_page(home, home=True)
    snap.add_page(_full_page())
    snap.add_links(SITE.url, ["http://www.example.gov.cn/xwdt/"])
    snap.columns = [_full_column()]
    snap.scope_hosts = {"www.example.gov.cn", "example.gov.cn"}
    snap.probes = {"transport": {"expires": datetime(2020, 1, 2, 3, 4, 5), "day": date(2019, 1, 1),
                                 "hosts": {"a", "b"}, "ok": True}, "coverage": {"cloaking": 3}}
    snap.stats.pages_fetched, snap.stats.traps, snap.stats.stopped = 2, 1, "超时"
    snap.stats.started, snap.stats.finished = datetime(2019, 10, 20, 8), datetime(2019, 10, 20, 9)
    snap.stats.trap_samples = ["http://www.example.gov.cn/a/a/a/a"]
    snap.save()
    snap.close()

    back = Snapshot.open(path)
    assert back.site == SITE and back.as_of == AS_OF
    assert back.home == home and back.home_url == SITE.url
    assert back.page("http://www.example.gov.cn/xwdt/") == _full_page()
    assert [p.url for p in back.pages()] == [SITE.url, "http://www.example.gov.cn/xwdt/"]
    assert back.columns == [_full_column()]
    assert back.scope_hosts == snap.scope_hosts and back.probes == snap.probes and back.stats == snap.stats
    assert back.referrers("http://www.example.gov.cn/xwdt/") == [SITE.url]
    back.close()


def test_pages_are_json_not_pickles(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    with Snapshot(SITE, path, as_of=AS_OF) as snap:
        snap.add_page(_full_page())
        snap.save()
    db = sqlite3.connect(path)
    (data,) = db.execute("SELECT data FROM pages").fetchone()
    assert isinstance(data, str) and json.loads(data)[0] == "http://www.example.gov.cn/xwdt/"
    meta = dict(db.execute("SELECT key, value FROM meta"))
    assert json.loads(meta["format_version"]) == FORMAT_VERSION
    db.close()


def test_unknown_format_version_and_non_snapshots_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    with Snapshot(SITE, path, as_of=AS_OF) as snap:
        snap.save()
    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value='99' WHERE key='format_version'")
    db.commit()
    db.close()
    with pytest.raises(SnapshotError, match=f"格式版本 99 不受支持.*{FORMAT_VERSION}"):
        Snapshot.open(path)
    with pytest.raises(SnapshotError, match="不存在"):
        Snapshot.open(tmp_path / "missing.sqlite")
    old = tmp_path / "pickled.sqlite"  # the pre-versioned layout: pages only, no meta table
    db = sqlite3.connect(old)
    db.execute("CREATE TABLE pages (url TEXT PRIMARY KEY, depth INT, ok INT, listish INT, html INT, data BLOB)")
    db.commit()
    db.close()
    with pytest.raises(SnapshotError, match="格式版本 未知 不受支持"):
        Snapshot.open(old)
    junk = tmp_path / "junk.sqlite"
    junk.write_text("not a database", encoding="utf-8")
    with pytest.raises(SnapshotError, match="无法读取"):
        Snapshot.open(junk)


class _Keep:
    """A sink that keeps each snapshot under a folder and remembers the results."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.done = folder, []

    def snapshot_path(self, site: SiteEntry) -> Path:
        return self.folder / "site.sqlite"

    def site_done(self, site, result, path) -> None:
        self.done.append((result, path))

    def account_done(self, account, result) -> None:
        raise AssertionError("no accounts here")


def test_a_kept_demo_snapshot_judges_the_same(demo_world, world_server, tmp_path: Path) -> None:
    site = demo_world.entries(world_server.base_urls)[3]
    settings = demo_settings(live_hosts(demo_world), demo_world.hosts())
    sink = _Keep(tmp_path / "runs" / "1")

    async def go():
        async with Fetcher(settings) as fetcher:
            return await inspect_site(site, settings, AS_OF, fetcher=fetcher, sink=sink)

    result = asyncio.run(go())
    (stored, path), = sink.done
    assert stored is result and path == tmp_path / "runs" / "1" / "site.sqlite" and path.is_file()
    with Snapshot.open(path) as snap:
        again = judge(snap, Context(as_of=AS_OF, rules=load_rules(), site=snap.site))
    before, after = result.to_dict(), again.to_dict()
    before["stats"].pop("seconds")
    after["stats"].pop("seconds")
    assert after == before and result.pages_crawled > 50
