"""The spider-view sample's ranking, streamed: the same pages in the same order as ranking every
page of the site at once, from a heap that never holds more than the pages asked for; and a
page's place depends on the site and its own URL, not on which other pages the crawl reached."""

from __future__ import annotations

import heapq
import math
import random
from datetime import date, timedelta

import pytest

from govinspect.crawl import cloaking
from govinspect.crawl.cloaking import _plan, sample_urls
from govinspect.model import ListItem, Page, SiteEntry
from govinspect.snapshot import Snapshot
from govinspect.urls import normalize_url

AS_OF = date(2019, 10, 20)
SITE = "http://127.0.0.1:8123"


def _whole_site_ranking(snap: Snapshot, as_of: date) -> tuple[list[str], list[str], int]:
    """The ranking computed the plain way: every page and every list item held, then ranked."""
    home = [snap.home_url] if snap.home_url else []
    listed: dict[str, date] = {}
    pages: list[tuple[str, date | None]] = []
    for page in snap.pages():
        for item in page.items:
            if item.url and item.date:
                key = normalize_url(item.url) or item.url
                if key not in listed or item.date > listed[key]:
                    listed[key] = item.date
        if page.url != snap.home_url and page.ok and page.is_html and not page.attachment:
            pages.append((page.url, page.pub_date))
    seed = f"cloaking:{snap.site.url or snap.home_url}"
    keyed = []
    for url, pub in pages:
        when = pub or listed.get(url)
        weight = cloaking.UNDATED_WEIGHT if when is None else max(
            cloaking.MIN_WEIGHT, 0.5 ** (max(0, (as_of - when).days) / cloaking.HALF_LIFE_DAYS))
        keyed.append((cloaking._draw(seed, url) / weight, url))
    return home, [url for _, url in heapq.nlargest(len(keyed), keyed)], len(pages) + len(home)


def _site(seed: int) -> Snapshot:
    """A site stored in a shuffled crawl order: articles (dated), lists dating some undated pages,
    undated static pages, failed pages and attachments (never eligible)."""
    rnd = random.Random(seed)
    snap = Snapshot(SiteEntry(name="测试县人民政府", url=SITE + "/"), as_of=AS_OF)
    home = Page(url=SITE + "/", final_url=SITE + "/", status=200, content_type="text/html", depth=0)
    pages: list[Page] = []
    undated = [f"{SITE}/zt/{n}.html" for n in range(40)]
    for n in range(300):
        pub = AS_OF - timedelta(days=rnd.randrange(0, 900))
        pages.append(Page(url=f"{SITE}/art/{n:03d}.html", status=200, content_type="text/html; charset=utf-8",
                          depth=2, pub_date=pub))
    for url in undated:
        pages.append(Page(url=url, status=200, content_type="text/html", depth=2))
    for n in range(12):  # list pages give dates to half the undated pages, twice for some
        its = [ListItem(title=f"专题{k}", url=u, date=AS_OF - timedelta(days=rnd.randrange(0, 400)))
               for k, u in enumerate(rnd.sample(undated[:20], 5))]
        pages.append(Page(url=f"{SITE}/list/{n}.html", status=200, content_type="text/html", depth=1,
                          items=its))
    pages.append(Page(url=f"{SITE}/gone.html", status=404, content_type="text/html", depth=2))
    pages.append(Page(url=f"{SITE}/a.pdf", status=200, content_type="application/pdf", attachment=True))
    rnd.shuffle(pages)
    snap.add_page(home, home=True)
    for page in pages:
        snap.add_page(page)
    return snap


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_streamed_ranking_is_the_whole_site_ranking(seed: int) -> None:
    snap = _site(seed)
    home, ranked, eligible = _whole_site_ranking(snap, AS_OF)
    assert eligible == 1 + 300 + 40 + 12 and len(ranked) == eligible - 1
    assert _plan(snap, AS_OF) == (home, ranked, eligible)
    for keep in (1, 7, 60, 10_000):
        assert _plan(snap, AS_OF, keep=keep) == (home, ranked[:keep], eligible)
    assert sample_urls(snap, 7) == home + ranked[:7]


def test_the_ranking_holds_no_more_than_it_keeps(monkeypatch: pytest.MonkeyPatch) -> None:
    snap = _site(4)
    sizes: list[int] = []
    real = heapq.heappush

    def push(heap, item):  # noqa: ANN001, ANN202 - heapq's own signature
        real(heap, item)
        sizes.append(len(heap))

    monkeypatch.setattr(cloaking.heapq, "heappush", push)
    _plan(snap, AS_OF, keep=25)
    assert sizes and max(sizes) == 25


def test_a_page_the_crawl_missed_leaves_the_others_in_their_order() -> None:
    """A page that timed out this month is not in the snapshot: the rest keep their relative order."""
    snap = _site(5)
    _, ranked, _ = _plan(snap, AS_OF)
    missing = ranked[3]
    fewer = Snapshot(snap.site, as_of=AS_OF)
    fewer.add_page(snap.home, home=True)
    for page in snap.pages():
        if page.url not in (missing, snap.home_url):
            fewer.add_page(page)
    _, again, _ = _plan(fewer, AS_OF)
    assert again == [u for u in ranked if u != missing]


def test_draws_are_uniform_and_site_specific() -> None:
    draws = [cloaking._draw("cloaking:http://a/", f"http://a/{n}.html") for n in range(4000)]
    us = [math.exp(d) for d in draws]
    assert all(0.0 < u < 1.0 for u in us)
    assert abs(sum(us) / len(us) - 0.5) < 0.02 and sum(u < 0.1 for u in us) in range(330, 470)
    assert draws != [cloaking._draw("cloaking:http://b/", f"http://a/{n}.html") for n in range(4000)]
