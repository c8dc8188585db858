"""Fields read from a snapshot without decoding its pages (SQLite's JSON functions), and the
same answers by decoding when SQLite cannot: what the spider-view sample streams."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from typing import Any

import pytest

from govinspect.model import ListItem, Page, SiteEntry
from govinspect.snapshot import Snapshot

SITE = "http://127.0.0.1:8123"
DAY = date(2019, 10, 20)


def _snapshot() -> Snapshot:
    snap = Snapshot(SiteEntry(name="测试县人民政府", url=SITE + "/"), as_of=DAY)
    snap.add_page(Page(url=SITE + "/", status=200, content_type="text/html", depth=0,
                       items=[ListItem("首页要闻", SITE + "/a/9.html", DAY)]), home=True)
    pages = [
        Page(url=SITE + "/a/1.html", status=200, content_type="text/html; charset=gbk", depth=2,
             pub_date=DAY - timedelta(days=3)),
        Page(url=SITE + "/a/0.html", status=200, content_type="application/xhtml+xml", depth=2),
        Page(url=SITE + "/zt/专题.html", status=200, content_type="text/html", depth=1),
        Page(url=SITE + "/gone.html", status=404, content_type="text/html", depth=2),
        Page(url=SITE + "/err.html", error="timeout", depth=2),
        Page(url=SITE + "/f.pdf", status=200, content_type="application/pdf", attachment=True),
        Page(url=SITE + "/f.html", status=200, content_type="text/html", attachment=True),
        Page(url=SITE + "/plain.txt", status=200, content_type="text/plain", depth=2),
        Page(url=SITE + "/list/2.html", status=200, content_type="text/html", depth=1, items=[
            ListItem("专题", SITE + "/zt/专题.html", DAY - timedelta(days=1)),
            ListItem("无日期", SITE + "/a/1.html", None),
            ListItem("无链接", None, DAY),
            ListItem("旧闻", SITE + "/a/0.html", date(2018, 1, 2), "2018年1月2日", True),
        ]),
        Page(url=SITE + "/list/1.html", status=200, content_type="text/html", depth=1, empty_marker=True),
    ]
    for page in pages:
        snap.add_page(page)
    return snap


def _decoded(snap: Snapshot) -> tuple[list[Any], list[Any]]:
    readable = [(p.url, p.pub_date) for p in snap.pages(by_url=True)
                if p.ok and p.is_html and not p.attachment]
    items = [(i.url, i.date) for p in snap.pages(list_only=True) for i in p.items if i.url and i.date]
    return readable, items


class _NoJson:
    """A connection whose SQLite has no JSON functions (older builds)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
        if "json_" in sql:
            raise sqlite3.OperationalError("no such function: json_extract")
        return self._db.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db, name)


@pytest.mark.parametrize("json_functions", [True, False])
def test_readable_pages_and_item_dates_are_what_decoding_gives(json_functions: bool) -> None:
    snap = _snapshot()
    readable, items = _decoded(snap)
    assert [u for u, _ in readable] == sorted(u for u, _ in readable)  # URL order
    assert readable == [
        (SITE + "/", None), (SITE + "/a/0.html", None), (SITE + "/a/1.html", DAY - timedelta(days=3)),
        (SITE + "/list/1.html", None), (SITE + "/list/2.html", None), (SITE + "/zt/专题.html", None),
    ]
    assert items == [(SITE + "/a/9.html", DAY), (SITE + "/zt/专题.html", DAY - timedelta(days=1)),
                     (SITE + "/a/0.html", date(2018, 1, 2))]
    if not json_functions:
        snap._db = _NoJson(snap._db)  # type: ignore[assignment]
    assert list(snap.readable_pages()) == readable
    assert list(snap.item_dates()) == items


@pytest.mark.parametrize("json_functions", [True, False])
def test_pages_having_a_field_set_are_those_decoding_finds_in_the_same_order(json_functions: bool) -> None:
    snap = _snapshot()
    snap.add_page(Page(url=SITE + "/mixed.html", status=200, content_type="text/html", depth=1,
                       decode_problem="GBK 与 UTF-8 混用"))
    snap.add_page(Page(url=SITE + "/big.html", status=200, content_type="text/html", depth=2, error="too_large"))
    every = list(snap.pages())
    wanted = [p.url for p in every if p.error is not None or p.decode_problem is not None]
    assert wanted == [SITE + "/mixed.html", SITE + "/big.html", SITE + "/err.html"]
    if not json_functions:
        snap._db = _NoJson(snap._db)  # type: ignore[assignment]
        wanted = [p.url for p in every]  # every page comes, for the caller to test
    assert [p.url for p in snap.pages(having=("error", "decode_problem"))] == wanted
    got = next(p for p in snap.pages(having=("decode_problem",)) if p.decode_problem)
    assert got == next(p for p in every if p.url == SITE + "/mixed.html")  # decoded whole
    assert [p.url for p in snap.pages(having=("no_such_field",))] == [p.url for p in every]


def test_a_small_page_cache_while_writing_and_the_default_for_the_checks(tmp_path) -> None:
    path = tmp_path / "snapshot.sqlite"
    snap = Snapshot(SiteEntry(name="测试县人民政府", url=SITE + "/"), path, as_of=DAY)

    def cache(s: Snapshot) -> int:
        return int(s._db.execute("PRAGMA cache_size").fetchone()[0])

    assert cache(snap) == -512
    snap.add_page(Page(url=SITE + "/", status=200, content_type="text/html", depth=0), home=True)
    snap.save()
    assert cache(snap) == -2000
    snap.close()
    again = Snapshot.open(path)
    try:
        assert cache(again) == -2000 and again.home is not None
    finally:
        again.close()
