"""The CMS-family sites of the fixture world, scanned over HTTP: columns, pagers, notices."""

from __future__ import annotations

import asyncio
from datetime import date
from urllib.parse import urlsplit

import pytest

from govinspect.crawl.engine import crawl_site
from govinspect.demo.render import STYLES
from govinspect.service import ScanResult, scan
from govinspect.settings import Settings

AS_OF = date(2019, 10, 20)


@pytest.fixture(scope="module")
def family_scan(demo_world, world_server) -> ScanResult:
    """Only the Hanweb (fgw) and JSP (panji) sites, offline, politeness lifted."""
    live = sorted({h for s in demo_world.sites for u in s.truth.external_links
                   if (h := urlsplit(u).hostname)})
    settings = Settings(per_host=4, delay=0, timeout=3, offline=True, backoff=0.05,
                        assume_ok_hosts=live, checks=["availability", "freshness"])
    wanted = {world_server.base_urls["fgw"], world_server.base_urls["panji"]}
    entries = [e for e in demo_world.entries(world_server.base_urls) if e.url in wanted]
    return scan(entries, settings, AS_OF)


def _site(result: ScanResult, base: str):
    return next(s for s in result.sites if s.url == base)


def test_every_column_is_found_once_and_the_unreadable_ones_are_counted(
        family_scan, demo_world, world_server) -> None:
    for key in ("fgw", "panji"):
        site = demo_world.site(key)
        res = _site(family_scan, world_server.base_urls[key])
        # The planned columns plus the message board's list of letters.
        assert res.stats["columns_found"] == len(site.truth.columns) + 1, key
        assert res.stats["columns_unreadable"] == len(site.truth.unreadable_columns) == 1, key


def test_unreadable_columns_are_named_notices_not_stale_or_empty(
        family_scan, demo_world, world_server) -> None:
    for key in ("fgw", "panji"):
        res = _site(family_scan, world_server.base_urls[key])
        truth = demo_world.site(key).truth
        [(name, path)] = truth.unreadable_columns.items()
        notices = [f for f in res.findings if f.code == "crawl.incomplete" and f.evidence.get("column")]
        assert [(f.evidence["column"], urlsplit(f.url).path) for f in notices] == \
            [(name, path.split("?")[0])]
        assert notices[0].evidence["error"]
        judged = {f.evidence.get("column") for f in res.findings
                  if f.code in ("column.stale", "column.empty")}
        assert name not in judged
        assert judged == set(truth.stale_columns) | set(truth.empty_columns)


def columns_board(columns: dict) -> str:
    """The name of the message board among the columns (its letters make a dated list)."""
    return next(n for n in columns if n.endswith("信箱"))


@pytest.mark.parametrize("key", ["fgw", "panji"])
def test_paged_columns_are_read_to_their_last_page(demo_world, world_server, key) -> None:
    """Every pager kind of the JSP site and the JCMS islands are followed to the last page."""
    site = demo_world.site(key)
    entry = next(e for e in demo_world.entries(world_server.base_urls)
                 if e.url == world_server.base_urls[key])
    settings = Settings(per_host=4, delay=0, timeout=3, offline=True, backoff=0.05,
                        check_external=False, attachments=False, search_probe=False,
                        transport_probes=False, cloak_sample=0)
    snap = asyncio.run(crawl_site(entry, settings, AS_OF))
    style = STYLES[site.style]
    columns = {c.name: c for c in snap.columns}
    assert set(columns) == {*site.truth.columns, site.truth.board and columns_board(columns)}
    paged = 0
    for name, truth in site.truth.columns.items():
        col = columns[name]
        if name in site.truth.unreadable_columns:
            assert col.error, name  # read as far as possible, but never judged
            continue
        assert col.error is None, (name, col.error)
        assert col.item_count == truth.items, name
        assert col.pages == max(1, -(-truth.items // style.page_size)), name
        paged += col.pages > 1
    assert paged >= 2
