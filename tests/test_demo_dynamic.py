"""The platform site (寿县): script-drawn and postback-paged lists crawled end to end."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from govinspect.crawl.engine import crawl_site
from govinspect.demo.evaluate import evaluate
from govinspect.demo.runner import live_hosts
from govinspect.demo.style_json import ENDPOINT_HTML, mechanism
from govinspect.demo.world import plan_world
from govinspect.service import scan
from govinspect.settings import Settings

AS_OF = date(2019, 10, 20)
KEY = "shouxian"


def fast(**kw: object) -> Settings:
    base: dict[str, object] = {"per_host": 4, "delay": 0, "timeout": 3, "offline": True, "backoff": 0.05}
    base.update(kw)
    return Settings(**base)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def snap(demo_world, world_server):
    site = demo_world.site(KEY)
    quiet = fast(check_external=False, search_probe=False, transport_probes=False, cloak_sample=0)
    return asyncio.run(crawl_site(site.entry(world_server.base_urls[KEY]), quiet, AS_OF))


def test_every_delivery_is_exercised():
    plan = next(p for p in plan_world(AS_OF) if p.spec.key == KEY)
    kinds = {mechanism(c) for c in plan.columns}
    assert kinds == {"api", "label", "aspnet", "jpaas"}
    assert any(len(c.items) > 15 for c in plan.columns if mechanism(c) == "api")  # API paging
    assert any(len(c.items) > 6 for c in plan.columns if mechanism(c) == "aspnet")  # postbacks


def test_each_column_is_read_whole_under_its_shell_url(snap, demo_world, world_server):
    base = world_server.base_urls[KEY].rstrip("/")
    truth = demo_world.site(KEY).truth
    columns = {c.url[len(base):]: c for c in snap.columns}
    unreadable = [p for p, note in truth.notes.items() if note == ENDPOINT_HTML]
    assert len(unreadable) == 1
    for name, ct in truth.columns.items():
        if ct.path in unreadable:
            continue
        col = columns.get(ct.path)
        assert col is not None, (name, ct.path, sorted(columns))
        assert col.item_count == ct.items, name  # every page of the endpoint or postback was read
        assert col.latest(AS_OF) == ct.last_update, name
    page = snap.page(base + unreadable[0])
    assert page is not None and not page.items
    assert page.list_error and "网页" in page.list_error


def test_articles_listed_only_by_endpoints_are_crawled(snap, demo_world, world_server):
    base = world_server.base_urls[KEY].rstrip("/")
    plan = next(p for p in plan_world(AS_OF) if p.spec.key == KEY)
    col = next(c for c in plan.columns if mechanism(c) == "aspnet" and len(c.items) > 6)
    last = col.items[-1]  # on the last postback page only
    page = snap.page(base + last.path)
    assert page is not None and page.status == 200 and page.pub_date == last.date


def test_platform_site_scores_perfectly(demo_world, world_server):
    site = demo_world.site(KEY)
    res = scan([site.entry(world_server.base_urls[KEY])],
               fast(assume_ok_hosts=sorted(live_hosts(demo_world))), AS_OF)
    scores = evaluate(res, demo_world, {KEY: world_server.base_urls[KEY]}, world_server.links)
    for code in ("column.stale", "column.empty", "content.future_date", "link.broken"):
        s = scores[code]
        assert s.tp >= 1 and s.fp == 0 and s.fn == 0, (code, s.misses, s.false)
    assert all(s.fp == 0 for s in scores.values()), {c: s.false for c, s in scores.items() if s.fp}
