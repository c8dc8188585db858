"""Spider-view refetches: what a search engine's crawler, or a visitor coming from one, is shown.

Defacement kits serve gambling spam only to Baiduspider or to visitors whose Referer is a
search engine, so a normal crawl never sees it; checks/hijack.py compares the views. Which
pages are fetched again:

- the home page and a sample of ``cloak_sample`` pages, each twice (as Baiduspider, and with
  a Baidu search Referer), as before;
- on sites of at most ``cloak_all_max_pages`` HTML pages, every other page once more with
  both signals in one request (a kit that tests either one shows its spam): kits also plant
  spam on deep article pages that no sample would pick;
- past that size only the sample, weighted to recently published articles (their own
  publication date or the date a list gives them), as issue 8 asks: fresh pages are what a
  search engine fetches and shows first, so they are where a visitor from search lands.

Memory stays flat: pages are streamed from the snapshot and each refetch is compared with its
page right away; only what the normal view lacks (new text segments, new links, new hidden
links and script targets, the title, the final URL) is kept, and a non-sample view that
shows nothing new is only counted. Requests go through the crawl's Fetcher (per-host slots
and delay) and stop at the site's time budget; the coverage lands in
``snap.probes["coverage"]["cloaking"]`` for the scan's ``stats``.
"""

from __future__ import annotations

import asyncio
import hashlib
import heapq
import logging
import math
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import quote, urlsplit

from ..errors import FetchError
from ..extract.html import extract_page
from ..http import Fetcher, is_html
from ..model import Page
from ..snapshot import Snapshot
from ..text import decode_html, looks_binary
from ..urls import normalize_url

# Baidu's published PC spider User-Agent (Baidu 搜索资源平台 guidance on identifying Baiduspider,
# as relayed at www.kuaiti8.com/news/show-15325.html). Sites that verify spiders by reverse DNS
# (*.baidu.com) refuse this one: checks/hijack.py reports such a refusal as a notice.
log = logging.getLogger(__name__)
SPIDER_UA = "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)"
MAX_TEXT = 20_000
MAX_LINKS = 50
# The agent name of the single refetch that carries both the spider UA and the search Referer.
BOTH = "spider_referer"
# Recency weighting of the sample: a page published ``age`` days ago weighs
# 0.5 ** (age / HALF_LIFE_DAYS); an undated page (list pages, static pages) weighs
# UNDATED_WEIGHT, as much as an article of about four months.
HALF_LIFE_DAYS = 30
UNDATED_WEIGHT = 0.05
MIN_WEIGHT = 1e-12


@dataclass(slots=True)
class Coverage:
    """How much of the site the spider view covered (the scan's ``stats.cloaking``)."""

    mode: str = "sample"  # all | sample
    pages_eligible: int = 0
    requests: int = 0
    failed: int = 0
    stopped: str | None = None
    compared: set[str] = field(default_factory=set)

    def as_dict(self) -> dict[str, Any]:
        return {"mode": self.mode, "pages_eligible": self.pages_eligible,
                "pages_compared": len(self.compared), "requests": self.requests,
                "failed": self.failed, "stopped": self.stopped}  # fmt: skip


def sample_urls(snap: Snapshot, size: int, as_of: date | None = None) -> list[str]:
    """The home page and ``size`` other readable HTML pages, weighted to recent articles."""
    home, ranked, _ = _plan(snap, as_of or snap.as_of or date.today(), keep=size)
    return home + ranked


def _weight(when: date | None, as_of: date) -> float:
    if when is None:
        return UNDATED_WEIGHT
    return max(MIN_WEIGHT, 0.5 ** (max(0, (as_of - when).days) / HALF_LIFE_DAYS))


def _draw(seed: str, url: str) -> float:
    """log(u) of a uniform u in (0, 1) drawn from ``seed`` and ``url`` alone (BLAKE2b, 64 bits)."""
    digest = hashlib.blake2b(f"{seed}\n{url}".encode(), digest_size=8).digest()
    return math.log((int.from_bytes(digest, "big") + 0.5) / 2.0**64)


def _plan(snap: Snapshot, as_of: date, keep: int | None = None) -> tuple[list[str], list[str], int]:
    """(home, other pages in priority order, number of eligible pages) streamed from the snapshot.

    Priority is a weighted random order without replacement (Efraimidis and Spirakis 2006:
    keys ``u ** (1 / w)``), seeded by the site so that runs repeat. ``keep``: only that many
    of the ranked pages are returned (and held: a bounded heap, whatever the site's size).

    Each page's draw comes from the site and its own URL (``_draw``), so the sample depends
    neither on the order the crawl stored the pages in nor on which other pages it reached (a
    page that timed out this month no longer reshuffles the rest). An undated page (a list, a
    static page) is weighed by the newest date a list gives it, read from the list pages in a
    second pass for those pages only.
    """
    home = [snap.home_url] if snap.home_url else []
    seed = f"cloaking:{snap.site.url or snap.home_url}"
    heap: list[tuple[float, str]] = []

    def offer(key: float, url: str) -> None:
        if keep is None or len(heap) < keep:
            heapq.heappush(heap, (key, url))
        elif (key, url) > heap[0]:
            heapq.heapreplace(heap, (key, url))

    # Undated pages wait, with their draw, for the lists' dates. A weight is at most 1 and a
    # draw is negative, so a page whose draw is below the heap's smallest key can never enter
    # it: once the heap is full such pages are dropped (half the pages of a big site are undated).
    undated: dict[str, float] = {}  # url -> log(u), weighed once the lists were read
    prune_at = 2 * keep if keep is not None else 0
    eligible = 0
    for url, pub in snap.readable_pages():  # fetched fine, HTML, not an attachment
        if url == snap.home_url:
            continue
        eligible += 1
        draw = _draw(seed, url)  # log of u ** (1 / w) is log(u) / w
        if pub is not None:
            offer(draw / _weight(pub, as_of), url)
            continue
        undated[url] = draw
        if keep is not None and len(undated) > prune_at and len(heap) >= keep:
            floor = heap[0]
            undated = {url: d for url, d in undated.items() if (d, url) > floor}
            prune_at = max(2 * keep, 2 * len(undated))
    if undated:
        listed: dict[str, date] = {}
        for item_url, day in snap.item_dates():
            key = normalize_url(item_url) or item_url
            if key in undated and (key not in listed or day > listed[key]):
                listed[key] = day
        for url, draw in undated.items():
            offer(draw / _weight(listed.get(url), as_of), url)
    ranked = [url for _, url in sorted(heap, reverse=True)]
    return home, ranked, eligible + len(home)


def _views(site_name: str) -> dict[str, dict[str, str]]:
    referer = f"https://www.baidu.com/s?wd={quote(site_name or '政府网站')}"
    return {
        "spider": {"User-Agent": SPIDER_UA},
        "referer": {"Referer": referer},
        BOTH: {"User-Agent": SPIDER_UA, "Referer": referer},
    }


async def _one(fetcher: Fetcher, url: str, agent: str, headers: dict[str, str], as_of: date) -> dict[str, Any]:
    view: dict[str, Any] = {"url": url, "agent": agent, "status": None, "final_url": None, "error": None,
                            "title": "", "text": "", "links": []}
    try:
        resp = await fetcher.fetch(url, headers=headers, body_if=is_html)
    except FetchError as exc:
        view["error"] = exc.kind
        return view
    view["status"], view["final_url"] = resp.status, resp.final_url
    if resp.status < 400 and resp.body and not looks_binary(resp.body):
        page = Page(url=url, final_url=resp.final_url)
        text, _ = decode_html(resp.body, resp.headers.get("content-type"))
        extract_page(page, text, as_of)
        view.update(title=page.title, text=page.text,
                    links=sorted({link.url for link in page.links if link.tag in ("a", "iframe", "script")}),
                    script_targets=page.script_targets, hidden_links=page.hidden_links)
        view["parsed"] = True
    return view


def compact(view: dict[str, Any], normal: Page | None) -> dict[str, Any]:
    """Keep of one refetch only what the normal view lacks (text segments, links, scripts).

    ``text`` becomes the whitespace-separated segments of the refetch that the normal page's
    text does not contain, in order and with their repeats; ``links``, ``hidden_links`` and ``script_targets`` only
    those the normal page does not have. ``same`` says the refetch shows nothing new.
    """
    view.pop("parsed", None)
    if normal is None:
        view["text"] = str(view.get("text") or "")[:MAX_TEXT]
        view["same"] = False
        return view
    known = set(normal.text.split())
    # Repeats are kept: a brand planted dozens of times is itself a signal (checks/spam.py).
    view["text"] = " ".join(t for t in str(view.get("text") or "").split() if t not in known)[:MAX_TEXT]
    normal_links = {link.url for link in normal.links}
    view["links"] = [u for u in view.get("links") or [] if u not in normal_links][:MAX_LINKS]
    view["hidden_links"] = [h for h in view.get("hidden_links") or []
                            if str(h.get("url") or "") not in normal_links][:MAX_LINKS]  # fmt: skip
    normal_scripts = {str(t.get("url") or "") for t in normal.script_targets}
    view["script_targets"] = [t for t in view.get("script_targets") or []
                              if str(t.get("url") or "") not in normal_scripts][:MAX_LINKS]  # fmt: skip
    final = str(view.get("final_url") or "")
    same_host = not final or urlsplit(final).netloc.lower() == urlsplit(normal.final_url or normal.url).netloc.lower()
    view["same"] = not (view["text"] or view["links"] or view["hidden_links"] or view["script_targets"]
                        or not same_host or (view.get("title") or "") != normal.title)  # fmt: skip
    return view


def budget_deadline(snap: Snapshot, budget: float) -> float:
    """The site's time budget as a ``time.monotonic()`` instant (counted from the crawl's start)."""
    started = snap.stats.started
    spent = (datetime.now(UTC) - started).total_seconds() if started else 0.0
    return time.monotonic() + max(0.0, budget - spent)


async def probe_cloaking(
    snap: Snapshot, fetcher: Fetcher, size: int, as_of: date, *, all_max: int | None = None,
    deadline: float | None = None,
) -> list[dict[str, Any]]:
    """Refetch the sample both ways (and every page once on small sites); the results go to
    ``snap.probes["cloaking"]``, the coverage to ``snap.probes["coverage"]["cloaking"]``."""
    settings = fetcher.settings
    if all_max is None:
        all_max = settings.cloak_all_max_pages
    if deadline is None:
        deadline = budget_deadline(snap, settings.site_budget)
    # Every page of a small site is compared, a sample of a large one: no more is ranked.
    home, ranked, eligible = _plan(snap, as_of, keep=max(size, all_max))
    cov = Coverage(mode="all" if eligible <= all_max else "sample", pages_eligible=eligible)
    views = _views(snap.site.name)
    jobs: list[tuple[str, str, bool]] = [(u, a, True) for u in home + ranked[:size] for a in ("spider", "referer")]
    if cov.mode == "all":
        jobs += [(u, BOTH, False) for u in ranked[size:]]
    out: list[dict[str, Any]] = []
    queue: asyncio.Queue[tuple[str, str, bool]] = asyncio.Queue()
    for job in jobs:
        queue.put_nowait(job)

    async def worker() -> None:
        while not queue.empty():
            url, agent, keep = queue.get_nowait()
            if time.monotonic() >= deadline:
                cov.stopped = f"超过单站时间上限 {settings.site_budget:g} 秒"
                continue
            try:
                view = await _one(fetcher, url, agent, views[agent], as_of)
            except Exception as exc:  # a page the parser cannot survive: counted, never fatal
                log.warning("spider view of %s failed: %s", url, exc)
                view = {"url": url, "agent": agent, "status": None, "final_url": None,
                        "error": "decode", "title": "", "text": "", "links": []}
            cov.requests += 1
            if not view.get("parsed"):
                cov.failed += bool(view.get("error") or (view.get("status") or 0) >= 400)
                if keep:
                    out.append(view)
                continue
            cov.compared.add(url)
            normal = snap.home if url == snap.home_url and snap.home is not None else snap.page(url)
            view = compact(view, normal)
            if keep or not view["same"]:
                out.append(view)

    await asyncio.gather(*(worker() for _ in range(max(1, settings.per_host))))
    snap.probes.setdefault("coverage", {})["cloaking"] = cov.as_dict()
    order = {(u, a): i for i, (u, a, _) in enumerate(jobs)}
    out.sort(key=lambda v: order.get((v["url"], v["agent"]), len(order)))
    return out

