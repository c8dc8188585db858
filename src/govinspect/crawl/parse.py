"""One HTML response to page data: decode and extract, in the crawl process or a parse worker.

Parsing is most of a crawl's CPU time; with ``parse_workers`` set, the crawl hands responses
to a pool of processes so that a second core parses while the first fetches.
"""

from __future__ import annotations

import logging
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


def parse_pool(workers: int) -> Executor | None:
    """A process pool for parsing, or None to parse in the crawl's own process."""
    if workers <= 0:
        return None
    # forkserver: workers never inherit the crawl's event loop, sockets or threads.
    return ProcessPoolExecutor(max_workers=workers, mp_context=get_context("forkserver"))
