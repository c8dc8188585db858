"""Spider-view refetches: what a search engine's crawler, or a visitor coming from one, is shown.

Defacement kits serve gambling spam only to Baiduspider or to visitors whose Referer is a
search engine, so a normal crawl never sees it. The home page and a sample of pages are
fetched again both ways; checks/hijack.py compares the two views.
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any
from urllib.parse import quote

from ..errors import FetchError
from ..extract.html import extract_page
from ..model import Page
from ..snapshot import Snapshot
from .decode import decode_html, looks_binary
from .fetch import Fetcher, is_html

SPIDER_UA = "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)"
MAX_TEXT = 20_000


def sample_urls(snap: Snapshot, size: int) -> list[str]:
    """The home page and the first ``size`` other readable HTML pages, shallowest first."""
    urls = [snap.home_url] if snap.home_url else []
    for page in snap.pages():
        if len(urls) > size:
            break
        if page.url != snap.home_url and page.ok and page.is_html and not page.attachment:
            urls.append(page.url)
    return urls


def _views(site_name: str) -> dict[str, dict[str, str]]:
    return {
        "spider": {"User-Agent": SPIDER_UA},
        "referer": {"Referer": f"https://www.baidu.com/s?wd={quote(site_name or '政府网站')}"},
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
        view.update(title=page.title, text=page.text[:MAX_TEXT],
                    links=sorted({link.url for link in page.links if link.tag in ("a", "iframe", "script")}),
                    script_targets=page.script_targets, hidden_links=page.hidden_links)
    return view


async def probe_cloaking(snap: Snapshot, fetcher: Fetcher, size: int, as_of: date) -> list[dict[str, Any]]:
    """Refetch the sample both ways; the results go to ``snap.probes["cloaking"]``."""
    jobs = [
        _one(fetcher, url, agent, headers, as_of)
        for url in sample_urls(snap, size)
        for agent, headers in _views(snap.site.name).items()
    ]
    return list(await asyncio.gather(*jobs))
