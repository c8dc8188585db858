"""The crawl: fetch a site breadth-first, extract each page, stream it into the snapshot.

Two pools of workers share one Fetcher: crawl workers fetch the site's own HTML pages
(GET, parsed), link workers check every other target once (HEAD, GET on failure):
internal files, pages beyond the page or depth limit, and external links.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal, overload
from urllib.parse import urlsplit

from protego import Protego

from ..errors import FetchError
from ..extract.columns import build_columns
from ..extract.doctypes import is_attachment
from ..extract.jsbox import ScriptSandbox
from ..extract.jsonlist import page_request, read_list
from ..extract.plan import parts_for
from ..extract.postback import next_postback, postback_body
from ..http import Fetcher, is_html
from ..labels import describe
from ..model import Link, LinkStatus, ListItem, Page, SiteEntry
from ..settings import Settings
from ..snapshot import Snapshot
from ..urls import NON_HTML_EXT, normalize_url, url_ext
from .cloaking import probe_cloaking
from .frontier import Scope, TrapGuard, UrlSet
from .harmful import probe_harmful
from .includes import probe_includes
from .parse import Parsed, page_routes, parse_response, read_document
from .probes import probe_transport
from .search import probe_search
from .workers import ParsePool, WorkerError, WorkerPool

log = logging.getLogger(__name__)

CRAWL_TAGS = frozenset({"a", "area", "iframe", "frame"})
# Pages waiting for a parse worker, per worker, before the crawl process parses the next one
# itself: a worker that falls behind (a heavy page, a machine busy with other work) would
# otherwise leave this core idle while pages queue up for it. Measured on the 20,000-page bench
# site: 6 left the worker idle while the crawl process parsed (45.0 s full, 27.1 s links),
# 12 gave 42.4 s and 22.4 s, 20 (never here) 47.8 s and 23.6 s.
# Only up to the share of pages that evens out both sides' CPU, though (SiteCrawler._parse_here):
# in links mode the crawl process spends as much CPU on a page (fetching, routing its links,
# checking targets) as a worker does parsing it, and each page it parsed was CPU taken from
# fetching (its CPU 20.6-26.5 s with the backlog rule alone, 19.1-19.9 s never parsing past
# it, same 20,004 pages; wall time within this host's drift).
_POOL_BACKLOG = 12
# Statuses for which a HEAD answer is not trusted and the target is fetched with GET.
_HEAD_DISTRUST = 400


@dataclass(slots=True)
class Progress:
    """What a progress bar shows."""

    site: str
    pages: int
    queued: int
    links_checked: int
    links_queued: int
    done: bool = False


ProgressFn = Callable[[Progress], None]
_FORM = "application/x-www-form-urlencoded"
_XHR = {"X-Requested-With": "XMLHttpRequest", "Accept": "application/json, text/javascript, text/html, */*"}


@dataclass(slots=True)
class CrawlRequest:
    """One entry of the crawl queue: a page to GET, or the next part of a list page's items.

    A list continuation (``kind`` "json" or "postback") belongs to the list page whose URL is
    ``column``: its items are added to that page, which is stored once its list is read.
    """

    url: str
    depth: int
    method: str = "GET"
    body: bytes | None = None
    content_type: str | None = None
    column: str | None = None
    kind: str = "page"
    page_no: int = 1
    source: dict[str, Any] | None = None


@dataclass(slots=True)
class _HeldList:
    """A list page held back while the crawl reads the rest of its items."""

    page: Page
    seen: set[tuple[str | None, str]]
    candidates: list[dict[str, Any]]
    candidate: int = 0
    first_error: str | None = None  # what the best candidate endpoint answered


class SiteCrawler:
    """Crawls one site into a Snapshot."""

    def __init__(
        self, site: SiteEntry, settings: Settings, as_of: date, snapshot: Snapshot,
        fetcher: Fetcher, progress: ProgressFn | None = None, executor: ParsePool | None = None,
        pages_done: Callable[[], Awaitable[None]] | None = None,
        crawl_done: Callable[[], Awaitable[None]] | None = None,
    ):
        self.site, self.settings, self.as_of, self.snap = site, settings, as_of, snapshot
        self.fetcher = fetcher
        self.executor = executor
        self.pages_done = pages_done  # awaited once no page is left to fetch and parse
        # awaited once the last page, document and link status is stored (the columns and the
        # probes still to come): a parse worker may start the checks that read only pages then
        self.crawl_done = crawl_done
        self._pages_left = True  # False once the crawl queue is done (the workers may be gone)
        self.progress = progress
        self.scope = Scope.for_url(site.url)
        self.traps = TrapGuard(settings)
        self.seen = UrlSet()
        self.crawl_q: asyncio.Queue[CrawlRequest] = asyncio.Queue()
        self._held: dict[str, _HeldList] = {}
        self.link_q: asyncio.Queue[str] = asyncio.Queue()
        self.link_seen = UrlSet()
        # Targets routed once for good: off the site, or not a page by their extension. Their route
        # depends on neither the tag nor the depth they are met at, and the footers and headers of
        # every page repeat them (13 of a TRS-like page's links: 39,000 routings of 3,000 pages).
        self.settled = UrlSet()
        self.assume_ok = {h.lower() for h in settings.assume_ok_hosts}
        self.robots: Protego | None = None
        self.deadline = 0.0
        self._documents = 0
        self.sandbox = ScriptSandbox()
        # This process's CPU seconds at the start, and the pages it parsed itself and their CPU.
        self._cpu_start = time.process_time()
        self._parse_cpu = 0.0
        self._parsed_here = 0
        # Pages fetched and parsed here when the workers first had a backlog: the share counts
        # from there (the pages parsed before the workers started are no part of it).
        self._shared_from: tuple[int, int] | None = None
        self._gauge = CpuGauge()
        # Only the extractors the run's checks read (extract/plan.py); None: all of them.
        self.parts = None if settings.checks is None else parts_for(settings.checks)

    # --- entry point
    async def run(self) -> Snapshot:
        stats = self.snap.stats
        stats.started = datetime.now(UTC)
        self.deadline = time.monotonic() + self.settings.site_budget
        home_url = normalize_url(self.site.url) or self.site.url
        if self.settings.robots:
            await self._load_robots(home_url)
        home = await self._fetch_home(home_url)
        if home.ok and home.is_html:  # footers the home page loads by script or include, before the budget runs out
            self.snap.probes["includes"] = await probe_includes(self.snap, self.fetcher, self.as_of)
        if home.ok and home.is_html:
            # Twice the connections: while some pages wait for a parse worker, the others keep
            # every connection busy (HostSlots, not the number of workers, limits the requests).
            crawlers = [asyncio.create_task(self._crawl_worker()) for _ in range(self.settings.per_host * 2)]
            checkers = [
                asyncio.create_task(self._link_worker())
                for _ in range(max(4, self.settings.per_host * 2))
            ]
            try:
                await self._until_done(self.crawl_q)
                self._release_all()  # lists cut short by the time budget keep what was read
                self._pages_left = False
                if self.pages_done is not None:  # e.g. the parse workers, while links are checked
                    await self.pages_done()
                await self._until_done(self.link_q)
            finally:
                for t in crawlers + checkers:
                    t.cancel()
                await asyncio.gather(*crawlers, *checkers, return_exceptions=True)
        self.snap.scope_hosts = set(self.scope.hosts)
        if self.crawl_done is not None:
            await self.crawl_done()
        self.snap.columns = build_columns(home, self.snap.pages(list_only=True), self.as_of, load=self.snap.page)
        self.sandbox.close()
        if home.ok and home.is_html:
            await self._probes()
        stats.finished = datetime.now(UTC)
        self._report(done=True)
        return self.snap

    async def _until_done(self, q: asyncio.Queue[Any]) -> None:
        """Wait for a queue to drain, or for the site's time budget to run out."""
        remaining = self.deadline - time.monotonic()
        try:
            await asyncio.wait_for(q.join(), timeout=max(remaining, 0.01))
        except TimeoutError:
            self.snap.stats.stopped = f"超过单站时间上限 {self.settings.site_budget:g} 秒"

    # --- home page
    async def _fetch_home(self, url: str) -> Page:
        self.seen.add(url)
        page = await self._fetch_page(url, depth=0)
        if page.final_url and not self.scope.contains(page.final_url):
            # http -> https or gov.cn -> www.gov.cn: the site lives where its home redirects.
            page.redirected_from_host = urlsplit(url).netloc
            self.scope.hosts |= Scope.for_url(page.final_url).hosts
        self.snap.add_page(page, home=True)
        self._finish_page(page)
        return page

    async def _probes(self) -> None:
        """Requests the checks need besides the crawl; their results land in snap.probes."""
        if self.settings.search_probe and time.monotonic() < self.deadline:
            # Queries the titles of recent articles: needs the columns.
            self.snap.probes["search"] = await probe_search(
                self.snap, self.site, self.settings, self.fetcher, self.as_of
            )
        if self.settings.transport_probes and time.monotonic() < self.deadline:
            self.snap.probes["transport"] = await probe_transport(self.site.url, self.settings, self.fetcher)
        self.snap.probes["harmful"] = await probe_harmful(self.snap, self.fetcher, self.as_of)  # link.harmful
        if self.settings.cloak_sample and time.monotonic() < self.deadline:
            self.snap.probes["cloaking"] = await probe_cloaking(
                self.snap, self.fetcher, self.settings.cloak_sample, self.as_of
            )

    async def _load_robots(self, home: str) -> None:
        parts = urlsplit(home)
        try:
            resp = await self.fetcher.fetch(f"{parts.scheme}://{parts.netloc}/robots.txt")
            if resp.status == 200:
                self.robots = Protego.parse(resp.body.decode("utf-8", "replace"))
        except FetchError:
            self.robots = None

    # --- crawl workers
    async def _crawl_worker(self) -> None:
        while True:
            req = await self.crawl_q.get()
            try:
                if time.monotonic() < self.deadline:
                    if req.column is not None:
                        await self._continue_list(req)
                    else:
                        page = await self._fetch_page(req.url, req.depth, compact=True)
                        if isinstance(page, Parsed):  # parsed in a worker: store and follow
                            self.snap.add_row(page.row)
                            self._follow(page.url, page.depth, page.next_target, page.routes)
                        elif not (page.list_source and self._start_list(page)):
                            self.snap.add_page(page)
                            self._finish_page(page)
            except Exception:  # one bad page never stops a crawl
                log.exception("crawl of %s failed", req.url)
                if req.column is not None:
                    self._release(req.column)
            finally:
                self.crawl_q.task_done()

    # --- lists read through a data endpoint or a postback form
    def _start_list(self, page: Page) -> bool:
        """Hold ``page`` back and queue the first request for the rest of its list."""
        source, page.list_source = page.list_source or {}, None
        seen = {(i.url, i.title) for i in page.items}
        if source.get("kind") == "postback":
            nxt = next_postback(source, 1)
            if nxt is None:
                return False
            self._held[page.url] = _HeldList(page, seen, [])
            self.crawl_q.put_nowait(self._postback_request(page, source, nxt, 2))
            return True
        candidates = list(source.get("candidates") or [])
        if not candidates:
            return False
        self._held[page.url] = _HeldList(page, seen, candidates)
        self.crawl_q.put_nowait(self._endpoint_request(page, candidates[0], 1))
        return True

    def _postback_request(self, page: Page, source: dict[str, Any], call: tuple[str, str], n: int
                          ) -> CrawlRequest:
        body = postback_body(source, call[0], call[1], page.encoding)
        return CrawlRequest(source["url"], page.depth, "POST", body, _FORM, page.url, "postback", n, None)

    def _allowed(self, url: str) -> bool:
        return self.robots is None or self.robots.can_fetch(url, self.fetcher.user_agent)

    def _endpoint_request(self, page: Page, source: dict[str, Any], n: int) -> CrawlRequest:
        url, method, body, ctype = page_request(source, n)
        return CrawlRequest(url, page.depth, method, body, ctype, page.url, "json", n, source)

    async def _continue_list(self, req: CrawlRequest) -> None:
        held = self._held.get(req.column or "")
        if held is None:
            return
        if not self._allowed(req.url):
            self._list_failed(held, req, "robots.txt 禁止读取")
            return
        headers = {"Referer": held.page.final_url or held.page.url}
        if req.kind == "json":
            headers.update(_XHR)
        if req.content_type:
            headers["Content-Type"] = req.content_type
        try:
            resp = await self.fetcher.fetch(req.url, req.method, headers=headers, data=req.body)
        except FetchError as exc:
            self._list_failed(held, req, f"请求失败：{describe(exc.status, exc.kind, exc.detail)}")
            return
        if resp.status >= 400:
            self._list_failed(held, req, f"服务器返回 HTTP {resp.status}")
            return
        if req.kind == "json":
            self._read_endpoint(held, req, resp.body, resp.headers.get("content-type"))
        else:
            await self._read_postback(held, req, resp.body, resp.headers, resp.final_url)

    def _read_endpoint(self, held: _HeldList, req: CrawlRequest, body: bytes, ctype: str | None) -> None:
        source = req.source or {}
        base = held.page.final_url or held.page.url
        read = read_list(body, ctype, source.get("expect", "any"), base, self.as_of)
        if read.error:
            self._list_failed(held, req, read.error)
            return
        if read.empty and req.page_no == 1 and not held.page.items:
            held.page.empty_marker = True
        new = self._add_items(held, read.items)
        n = req.page_no + 1
        more = read.pages is None or n <= read.pages
        if new and source.get("page_key") and more and n <= self.settings.max_list_pages:
            self.crawl_q.put_nowait(self._endpoint_request(held.page, source, n))
        else:
            self._release(held.page.url)

    async def _read_postback(self, held: _HeldList, req: CrawlRequest, body: bytes,
                             headers: dict[str, str], final_url: str) -> None:
        if not is_html(headers):
            self._list_failed(held, req, "翻页表单提交后返回的不是网页")
            return
        part = Page(url=req.url, final_url=final_url or req.url, depth=held.page.depth)
        part = await self._parse(part, body, headers.get("content-type"))
        if not self._add_items(held, part.items, part.links):
            # The server answered the same page again (or nothing): stop instead of looping.
            self._list_failed(held, req, "翻页表单提交后返回了已读过的内容，无法继续翻页")
            return
        source = part.list_source if part.list_source and part.list_source.get("kind") == "postback" else None
        nxt = next_postback(source, req.page_no) if source else None
        stuck = nxt is not None and nxt[1].isdigit() and int(nxt[1]) <= req.page_no
        if source and nxt and not stuck and req.page_no < self.settings.max_list_pages:
            held.page.encoding = held.page.encoding or part.encoding
            self.crawl_q.put_nowait(self._postback_request(held.page, source, nxt, req.page_no + 1))
        else:
            self._release(held.page.url)

    def _add_items(self, held: _HeldList, items: list[ListItem], links: list[Link] | None = None) -> int:
        """Add the items (and their links) not seen yet to the held page; how many were new."""
        page, new = held.page, 0
        known = {(link.url, link.tag) for link in page.links}
        for item in items:
            key = (item.url, item.title)
            if key in held.seen:
                continue
            held.seen.add(key)
            page.items.append(item)
            new += 1
            if item.url and (item.url, "a") not in known:
                page.links.append(Link(item.url, item.title, "a"))
                known.add((item.url, "a"))
        if new and links:
            page.links += [link for link in links if (link.url, link.tag) not in known]
        return new

    def _list_failed(self, held: _HeldList, req: CrawlRequest, why: str) -> None:
        """Try the page's next candidate endpoint, or record why the list could not be read."""
        where = "数据接口" if req.kind == "json" else "翻页表单"
        page_note = f"第 {req.page_no} 页" if req.page_no > 1 else ""
        error = f"{where}{page_note}无法读取（{req.url[:120]}）：{why}"[:300]
        if req.kind == "json" and req.page_no == 1 and held.candidate + 1 < len(held.candidates):
            held.first_error = held.first_error or error
            held.candidate += 1
            self.crawl_q.put_nowait(self._endpoint_request(held.page, held.candidates[held.candidate], 1))
            return
        held.page.list_error = held.first_error or error
        self._release(held.page.url)

    def _release(self, column: str) -> None:
        """Store a held list page with the items read so far and queue its links."""
        held = self._held.pop(column, None)
        if held is None:
            return
        page = held.page
        if page.items:
            page.pub_date, page.empty_marker = None, False
        self.snap.add_page(page)
        self._finish_page(page)

    def _release_all(self) -> None:
        for column in list(self._held):
            self._release(column)

    @overload
    async def _fetch_page(self, url: str, depth: int) -> Page: ...
    @overload
    async def _fetch_page(self, url: str, depth: int, compact: Literal[True]) -> Page | Parsed: ...

    async def _fetch_page(self, url: str, depth: int, compact: bool = False) -> Page | Parsed:
        """The fetched page; ``compact``: a ``Parsed`` when a parse worker read a plain page."""
        page = Page(url=url, final_url=url, depth=depth)
        try:
            resp = await self.fetcher.fetch(url, body_if=is_html)
        except FetchError as exc:
            page.error, page.error_detail, page.status = exc.kind, exc.detail or None, exc.status
            self.snap.stats.pages_failed += 1
            self.snap.set_target(LinkStatus(url, exc.status, exc.kind, exc.detail, True, "GET"))
            return page
        self.snap.stats.pages_fetched += 1
        page.status, page.final_url, page.elapsed_ms = resp.status, resp.final_url, resp.elapsed_ms
        page.content_type = resp.headers.get("content-type")
        self.snap.set_target(LinkStatus(url, resp.status, None, None, True, "GET"))
        if resp.status >= 400 or not is_html(resp.headers):
            return page
        parsed = await self._parse(page, resp.body, resp.headers.get("content-type"), compact)
        if isinstance(parsed, Parsed):
            return parsed
        page = parsed
        if page.pending_scripts and self.settings.script_sandbox:
            # obfuscated inline scripts: run in the sandbox process, off the event loop
            await self.sandbox.run(page)
        page.pending_scripts = []
        return page

    @overload
    async def _parse(self, page: Page, body: bytes, content_type: str | None) -> Page: ...
    @overload
    async def _parse(self, page: Page, body: bytes, content_type: str | None, compact: bool) -> Page | Parsed: ...

    async def _parse(self, page: Page, body: bytes, content_type: str | None, compact: bool = False) -> Page | Parsed:
        """The page filled from its body, in a parse worker when the run has one for this site's size.

        ``compact``: the caller takes a ``Parsed`` (stored and followed as it is) from a worker.
        While the workers have a backlog the page is parsed here, so both cores stay busy.
        """
        pool: WorkerPool | None = None
        if isinstance(self.executor, ParsePool):
            pool = await self.executor.get(self.snap.stats.pages_fetched)
        if pool is not None and not self._parse_here(pool):
            head = (page.url, page.final_url, page.depth, page.status, page.elapsed_ms, page.content_type)
            try:
                return await pool.call(  # type: ignore[no-any-return]
                    "parse", head, body, content_type, self.as_of, self.site.overrides, self.parts, compact
                )
            except WorkerError as exc:  # the worker died or failed on this page: parse it here
                log.warning("parse worker failed on %s (%s); parsing in the crawl process", page.url, exc)
        started = time.process_time()
        self._parsed_here += 1
        try:
            return parse_response(page, body, content_type, self.as_of, self.site.overrides, self.parts)
        finally:
            self._parse_cpu += time.process_time() - started

    def _parse_here(self, pool: WorkerPool) -> bool:
        """True when this page is better parsed in this process than sent to the busy workers.

        Only while the workers have a backlog (``_POOL_BACKLOG``), and only for the share of the
        pages that evens out the two sides' CPU: with ``w`` the workers' CPU per page parsed
        (divided among them), ``c`` this process's CPU per page fetched besides parsing (every
        site of the process counted: several sites crawled at once keep it busier) and ``p`` its
        CPU per page it parsed, the share ``(w - c) / (p + w)`` makes both sides spend the same.
        Before 20 pages have come back from the workers the backlog alone decides. The share counts
        from the first backlog: the pages this process parsed before the workers started are not
        part of it (counted, they had kept it from parsing for the first 2,500 pages of the
        20,004-page bench site while it had a third of a core spare). And whenever this process
        used less than 80 % of a core over the last quarter second (``CpuGauge``), it parses.
        """
        if pool.busy < _POOL_BACKLOG * pool.size:
            return False
        fetched = max(self.snap.stats.pages_fetched, 1)
        if self._shared_from is None:
            self._shared_from = (fetched, self._parsed_here)
        theirs = pool.cpu_per_call("parse")
        if theirs is None:
            return True
        ours = (time.process_time() - self._cpu_start - self._parse_cpu) / fetched
        mine = self._parse_cpu / self._parsed_here if self._parsed_here >= 20 else theirs
        if self._gauge.idle():
            return True  # waiting for the workers' answers: this core has room for the page
        since, before = self._shared_from
        return self._parsed_here - before < parse_share(theirs / pool.size, ours, mine) * (fetched - since)

    def _finish_page(self, page: Page) -> None:
        """Queue the page's links: own pages to crawl, everything else to check."""
        nxt, routes = page_routes(page)
        self._follow(page.url, page.depth, nxt, routes)

    def _follow(self, url: str, depth: int, nxt: str | None, routes: list[tuple[str, str]]) -> None:
        """Route a page's normalised targets and record its links in the snapshot."""
        if nxt:
            # Pagination stays at its column's depth (routed before the page's other links,
            # which also contain it, so that page k of a list is not k levels deep).
            self._route(nxt, "a", depth)
        seen, settled, route = self.seen.hashes, self.settled.hashes, self._route
        for target, tag in routes:
            # most links of a page (menus, lists, footers) are seen or settled: no call for them
            h = hash(target)  # computed once per string and kept in it
            if h not in seen and h not in settled:
                route(target, tag, depth + 1)
        if routes:
            self.snap.add_links(url, list(dict.fromkeys(target for target, _ in routes)))
        self._report()

    def _route(self, target: str, tag: str, depth: int) -> None:
        if target in self.seen or target in self.settled:
            return
        internal = self.scope.contains(target)  # the scope is final once the home page is read
        if not internal:
            self.settled.add(target)
            if self.settings.check_external and urlsplit(target).hostname not in self.assume_ok:
                self._queue_link(target)
            return
        if url_ext(target) in NON_HTML_EXT:
            self.settled.add(target)
            self._queue_link(target)
            return
        if tag not in CRAWL_TAGS:  # a page's URL as an image or script: a page if a link names it
            self._queue_link(target)
            return
        stats = self.snap.stats
        reason = self.traps.reason(target)
        if reason is not None:
            self.seen.add(target)
            stats.traps += 1
            if len(stats.trap_samples) < 5:
                stats.trap_samples.append(f"{target[:160]}: {reason}")
            self.snap.set_target(LinkStatus(target, None, "trap", reason, True, "-"))
            return
        if self.robots is not None and not self.robots.can_fetch(target, self.fetcher.user_agent):
            self.seen.add(target)
            self.snap.set_target(LinkStatus(target, None, "robots", "robots.txt 禁止", True, "-"))
            return
        if depth > self.settings.max_depth:
            stats.skipped_max_depth += 1
            self._queue_link(target)
            return
        if len(self.seen) >= self.settings.max_pages:
            stats.skipped_max_pages += 1
            self._queue_link(target)
            return
        self.seen.add(target)
        self.crawl_q.put_nowait(CrawlRequest(target, depth))

    # --- link workers
    def _queue_link(self, target: str) -> None:
        if target in self.link_seen or target in self.seen:
            return
        if len(self.link_seen) >= self.settings.max_link_checks:
            return
        self.link_seen.add(target)
        self.link_q.put_nowait(target)

    async def _link_worker(self) -> None:
        while True:
            target = await self.link_q.get()
            try:
                if time.monotonic() < self.deadline:
                    self.snap.set_target(await self._check(target))
                    self.snap.stats.links_checked += 1
                    self._report()
            except Exception:
                log.exception("link check of %s failed", target)
            finally:
                self.link_q.task_done()

    async def _check(self, target: str) -> LinkStatus:
        internal = self.scope.contains(target)
        if internal and self._wants_document(target):
            return await self._read_document(target)
        status = LinkStatus(target, internal=internal, method="HEAD")
        try:
            resp = await self.fetcher.fetch(target, "HEAD", want_body=False)
            status.status = resp.status
            if resp.status < _HEAD_DISTRUST:
                return status
        except FetchError as exc:
            if exc.kind in ("dns", "refused", "bad_url", "redirect_loop", "too_many_redirects"):
                status.error, status.detail, status.status = exc.kind, exc.detail, exc.status
                return status
        # HEAD refused or failed: servers that mishandle HEAD are common; ask with GET.
        status.method = "GET"
        try:
            resp = await self.fetcher.fetch(target, "GET", want_body=False)
            status.status, status.error, status.detail = resp.status, None, None
        except FetchError as exc:
            status.error, status.detail, status.status = exc.kind, exc.detail, exc.status
        return status

    def _wants_document(self, target: str) -> bool:
        if not self.settings.attachments or self._documents >= self.settings.max_attachments:
            return False
        if is_attachment(target):
            self._documents += 1
            return True
        return False

    async def _read_document(self, target: str) -> LinkStatus:
        """GET one of the site's documents, keep its text as a page for the content checks."""
        page = Page(url=target, final_url=target, attachment=True)
        try:
            resp = await self.fetcher.fetch(target, max_bytes=self.settings.max_attachment_bytes)
        except FetchError as exc:
            return LinkStatus(target, exc.status, exc.kind, exc.detail, True, "GET")
        page.status, page.final_url = resp.status, resp.final_url
        page.content_type = resp.headers.get("content-type")
        if resp.status < 400:
            text, problem = await self._document_text(resp.body, resp.final_url, page.content_type)
            if problem is None:
                page.text = text
            else:
                page.error, page.error_detail = "attachment", problem
            self.snap.add_page(page)
        return LinkStatus(target, resp.status, None, None, True, "GET")

    async def _document_text(self, body: bytes, url: str, content_type: str | None) -> tuple[str, str | None]:
        """A document's text or why it cannot be read (``crawl.parse.read_document``): in a parse
        worker while the site's pages are still being crawled (started for it if need be), else,
        or when the workers fail, in a thread of this process. Unlike a page, a document waits
        behind a worker's backlog: no crawl waits for it, and at most one per link coroutine is
        out at a time."""
        pool: WorkerPool | None = None
        if isinstance(self.executor, ParsePool):
            pool = await self.executor.ready() if self._pages_left else self.executor.running
        if pool is not None:
            try:
                return await pool.call("document", body, url, content_type)  # type: ignore[no-any-return]
            except WorkerError as exc:  # the worker died or failed: read it here
                log.warning("parse worker failed on document %s (%s); reading it in the crawl process", url, exc)
        return await asyncio.to_thread(read_document, body, url, content_type)

    def _report(self, done: bool = False) -> None:
        if self.progress is None:
            return
        self.progress(
            Progress(
                self.site.name, self.snap.stats.pages_fetched, self.crawl_q.qsize(),
                self.snap.stats.links_checked, self.link_q.qsize(), done,
            )
        )


class CpuGauge:
    """Whether this process is waiting more than working: its CPU seconds over the wall seconds
    of the last ``window`` seconds below ``below`` (the reading is renewed once a window has passed)."""

    __slots__ = ("_below", "_idle", "_since", "_used", "_window")

    def __init__(self, window: float = 0.25, below: float = 0.8) -> None:
        self._window, self._below = window, below
        self._since, self._used = time.perf_counter(), time.process_time()
        self._idle = False

    def idle(self) -> bool:
        wall = time.perf_counter()
        if wall - self._since >= self._window:
            cpu = time.process_time()
            self._idle = (cpu - self._used) / (wall - self._since) < self._below
            self._since, self._used = wall, cpu
        return self._idle


def parse_share(theirs: float, ours: float, mine: float) -> float:
    """The share of a site's pages the crawl process parses itself so that it and the workers
    spend the same CPU: ``theirs`` the workers' CPU per page parsed (divided among them),
    ``ours`` the crawl process's CPU per page besides parsing, ``mine`` its CPU per page parsed.

    Measured on the 20,004-page demo bench site (ms per page): a full inspection (2.2, 1.0, 1.6)
    gives about 0.3; links mode (0.95, 1.0, 0.9), where fetching a page, routing its links and
    checking targets costs the crawl process as much as a worker's parse, gives 0.
    """
    if theirs <= ours:
        return 0.0
    return (theirs - ours) / (mine + theirs)


async def crawl_site(
    site: SiteEntry, settings: Settings, as_of: date, snapshot: Snapshot | None = None,
    progress: ProgressFn | None = None, fetcher: Fetcher | None = None, executor: ParsePool | None = None,
    pages_done: Callable[[], Awaitable[None]] | None = None, crawl_done: Callable[[], Awaitable[None]] | None = None,
) -> Snapshot:
    """Crawl one site and return its snapshot (``executor``: a parse pool, see crawl/parse.py;
    ``pages_done``: awaited once every page is fetched and parsed, before the last link checks;
    ``crawl_done``: awaited once the last link status is stored, before the columns and probes)."""
    snap = snapshot or Snapshot(site, as_of=as_of)
    if fetcher is not None:
        return await SiteCrawler(site, settings, as_of, snap, fetcher, progress, executor, pages_done, crawl_done).run()
    async with Fetcher(settings) as own:
        return await SiteCrawler(site, settings, as_of, snap, own, progress, executor, pages_done, crawl_done).run()
