"""One HTML response to page data: decode and extract, in the crawl process or a parse worker.

Parsing is most of a crawl's CPU time: once a site is large (``parse_workers_threshold``
pages), the crawl hands responses to a pool of processes sized to the machine
(``parse_workers``), so that the other cores parse while the crawl process fetches.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from concurrent.futures import Executor, ProcessPoolExecutor
from datetime import date
from multiprocessing import get_context
from typing import Any

from ..extract.html import extract_page
from ..extract.jsonlist import attach_list_source, list_source_possible
from ..model import Page
from ..text import decode_page, looks_binary

log = logging.getLogger(__name__)


def parse_response(
    page: Page, body: bytes, content_type: str | None, as_of: date, overrides: Mapping[str, Any] | None = None,
    parts: frozenset[str] | None = None,
) -> Page:
    """Fill ``page`` from an HTML body and return it (a copy when run in a worker process).

    ``parts``: the optional extractors the run's checks need (extract/plan.py), None for all.
    """
    if looks_binary(body):
        page.error, page.error_detail = "binary", "内容为二进制数据"
        return page
    text, encoding, problem = decode_page(body, content_type)
    page.encoding, page.decode_problem = encoding, problem
    if not page.content_type:
        page.content_type = "text/html"
    cheap = parts is not None and "items" not in parts
    try:
        possible = cheap and list_source_possible(page, text)
    except Exception:  # undecided: read the page in full
        possible = True
    if possible:  # its list decides what the crawl fetches next: read it as a full run does
        cheap, parts = False, None
    try:
        extract_page(page, text, as_of, overrides, parts)
    except Exception as exc:  # malformed beyond what the parser survives
        page.error, page.error_detail = "decode", f"{type(exc).__name__}: {exc}"[:200]
    if page.error is None and not cheap:  # a cheap page has no list source (tested above)
        try:  # script-loaded and postback-paged lists, fetched by crawl/engine.py
            attach_list_source(page, text)
        except Exception:  # a page is never lost to this optional step
            log.exception("list source of %s", page.url)
            page.list_source = None
    return page


def judge_file(path: str, ctx: Any, names: tuple[str, ...]) -> list[Any]:
    """Run the named checks on the snapshot file at ``path`` (in a parse worker, beside the crawl process).

    Checks are pure functions of the snapshot, each independent of the others: the findings of
    a contiguous run of names are that part of ``run_checks`` over all of them.
    """
    from ..checks.base import run_checks
    from ..snapshot import Snapshot

    snap = Snapshot.open(path)
    try:
        return run_checks(snap, ctx, names)
    finally:
        snap.close()


def parse_pool(workers: int) -> Executor | None:
    """A process pool for parsing, or None to parse in the crawl's own process."""
    if workers <= 0:
        return None
    # forkserver: workers never inherit the crawl's event loop, sockets or threads.
    return ProcessPoolExecutor(max_workers=workers, mp_context=get_context("forkserver"))


def default_workers() -> int:
    """Parse workers sized to the machine: every core but the crawl's own, at least one."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, cores - 1)


class ParsePool:
    """Parse workers shared by a run's sites, started when the first site grows past a threshold.

    Small sites never pay for starting processes; a large one moves its parsing to the other
    cores once it has fetched ``threshold`` pages (``parse_workers`` unset: sized to the machine).
    """

    def __init__(self, workers: int | None, threshold: int = 0) -> None:
        self.auto = workers is None
        self.workers = default_workers() if workers is None else workers
        self.threshold = threshold if workers is None else 0  # an explicit count starts at once
        self._pool: Executor | None = None

    def executor(self, pages_fetched: int, light: bool = False) -> Executor | None:
        """The pool once ``pages_fetched`` reaches the threshold, else None (parse in-process).

        ``light``: the run extracts links only (extract/plan.py). Measured on the bench site,
        handing such a page to a worker costs the crawl process as much as parsing it (the page
        goes out and its links come back pickled), so the default pool is not used for it.
        """
        if self.workers <= 0 or pages_fetched < self.threshold or (light and self.auto):
            return None
        if self._pool is None:
            self._pool = parse_pool(self.workers)
        return self._pool

    @property
    def running(self) -> Executor | None:
        """The pool when a site of the run has started it, else None (never starts it)."""
        return self._pool

    def shutdown(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(cancel_futures=True)
