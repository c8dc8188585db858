"""One HTML response to page data: decode and extract, in the crawl process or a parse worker.

Parsing is most of a crawl's CPU time: once a site is large (``parse_workers_threshold``
pages), the crawl hands responses to a pool of processes sized to the machine
(``parse_workers``, crawl/workers.py), so that the other cores parse while the crawl process
fetches. A worker imports this module and what it needs, never asyncio or the HTTP client.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date
from typing import Any, NamedTuple

from ..extract.html import extract_page
from ..extract.jsonlist import attach_list_source, list_source_possible
from ..model import Page
from ..pagerows import page_row
from ..text import decode_page, looks_binary
from ..urls import normalize_url

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


class Parsed(NamedTuple):
    """A page parsed in a worker, ready to store and to follow: the crawl process only routes it.

    Shipping the ``Page`` back (its links and items as objects) costs the crawl process about
    as much as parsing it; a snapshot row (one JSON string) and the page's normalised targets
    cost a fraction of that, and the JSON encoding is done in the worker too.
    """

    url: str
    depth: int
    row: tuple[Any, ...]  # snapshot.page_row
    next_target: str | None  # the next page of a list, normalised
    routes: list[tuple[str, str]]  # (normalised target, tag) of every link, in page order


def page_routes(page: Page) -> tuple[str | None, list[tuple[str, str]]]:
    """The page's next-page target and its links' (target, tag), normalised as the crawl routes them."""
    nxt = normalize_url(page.next_page) if page.next_page else None
    routes = []
    for link in page.links:
        target = normalize_url(link.url)
        if target is not None:
            routes.append((target, link.tag))
    return nxt, routes


def parse_remote(
    head: tuple[str, str, int, int | None, int, str | None], body: bytes, content_type: str | None,
    as_of: date, overrides: Mapping[str, Any] | None, parts: frozenset[str] | None, compact: bool,
) -> Page | Parsed:
    """``parse_response`` in a parse worker, from the page's head fields (url, final_url, depth,
    status, elapsed_ms, content_type); a ``Parsed`` when ``compact`` and the crawl has nothing
    more to do with the page than store and follow it, else the ``Page``."""
    url, final_url, depth, status, elapsed_ms, page_type = head
    page = Page(url=url, final_url=final_url, depth=depth, status=status, elapsed_ms=elapsed_ms,
                content_type=page_type)
    page = parse_response(page, body, content_type, as_of, overrides, parts)
    if not compact or page.list_source or page.pending_scripts:
        return page  # the crawl reads the rest of the list or runs the script sandbox first
    nxt, routes = page_routes(page)
    return Parsed(page.url, page.depth, page_row(page), nxt, routes)


def read_document(body: bytes, url: str, content_type: str | None) -> tuple[str, str | None]:
    """A document's text, or why it cannot be read: ``(text, None)`` or ``("", reason)``.

    In a parse worker on a large site: the readers (pypdf, openpyxl, ...) and their CPU stay out
    of the crawl process. The reason is the ``AttachmentError`` message the crawl stores.
    """
    from ..extract.attachments import AttachmentError, attachment_text

    try:
        return attachment_text(body, url, content_type), None
    except AttachmentError as exc:
        return "", str(exc)


def ready_checks(names: tuple[str, ...]) -> int:
    """Import what a ``judge_file`` call of ``names`` will need, ahead of it; the number of them
    that are checks.

    Sent to a parse worker when it starts on a site whose checks will be split (service.py): the
    imports (``checks.base``, the rules and their pydantic models, the check modules and the
    snapshot reader) cost a worker 0.08-0.13 s of CPU, paid then while the crawl process shares the
    parsing, instead of after the crawl, when the site's result waits for the slower side.
    """
    from .. import snapshot  # noqa: F401  (the reader judge_file opens)
    from ..checks.base import is_check

    return sum(is_check(name) for name in names)


def judge_file(
    path: str, ctx: Any, names: tuple[str, ...], state: dict[str, Any] | None = None, pages_only: bool = False,
) -> list[list[Any]]:
    """Run the named checks on the snapshot file at ``path`` (in a parse worker, beside the crawl
    process): the findings of each name apart, as ``checks.base.run_checks_each`` gives them.

    Checks are pure functions of the snapshot, each independent of the others: any subset of the
    names can run here while the crawl process runs the rest. ``state`` and ``pages_only`` as
    ``Snapshot.open`` takes them: the crawl process's columns and probes, not in the file yet, or
    none of them for checks that start before they exist (service.py).
    """
    from ..checks.base import run_checks_each
    from ..snapshot import Snapshot

    snap = Snapshot.open(path, state=state, pages_only=pages_only)
    try:
        return run_checks_each(snap, ctx, names)
    finally:
        snap.close()
