"""Issue 13, bad input: pages built to be expensive cost bounded time and never stall a crawl.

The limits are generous (a slow shared machine must pass); bench/RESULTS.md has the figures.
"""

from __future__ import annotations

import asyncio
import time
from datetime import date

from govinspect.crawl.engine import crawl_site
from govinspect.crawl.parse import parse_response
from govinspect.model import Page, SiteEntry
from govinspect.settings import Settings

from .support import LoopbackServer, html

AS_OF = date(2019, 10, 20)
MB = 1024 * 1024
LIMIT_S = 30.0  # "finishes under 30 s": about 30x what a shared 2-core machine takes


def nested_tables(size: int = 5 * MB) -> str:
    """About ``size`` bytes of tables nested 400 deep, a link and a date in every cell."""
    out, total, depth, n = ['<html><head><meta charset="utf-8"><title>统计表</title></head><body>'], 0, 0, 0
    while total < size - 64 * 1024:
        cell = f'<table><tr><td>第{n}项 2019-10-08 <a href="/t/{n}.html">明细{n}</a>'
        out.append(cell)
        total, depth, n = total + len(cell.encode()), depth + 1, n + 1
        if depth == 400:
            out.append("</td></tr></table>" * depth)
            total, depth = total + 18 * depth, 0
    out.append("</td></tr></table>" * depth + "</body></html>")
    return "".join(out)


def long_list(items: int = 10_000) -> str:
    rows = "".join(
        f'<li><a href="./201910/t20191008_{i}.html" title="关于开展第{i}项工作的通知">关于开展第{i}项工作的通知</a>'
        f"<span>2019-10-{1 + i % 28:02d}</span></li>\n" for i in range(items)
    )
    return (f'<html><head><meta charset="utf-8"><title>通知公告</title></head><body><div class="list"><ul>{rows}'
            '</ul></div></body></html>')


def huge_script(size: int = 5 * MB) -> str:
    """One page that is a single inline script: a long string literal and document.write calls."""
    writes = "".join(f'document.write("<a href=\\"/p{i}.html\\">第{i}页</a>");\n' for i in range(size // 96))
    code = 'var blob="' + "x" * (size // 2) + '";\n' + writes
    return f'<html><head><meta charset="utf-8"><title>专题</title></head><body><script>{code}</script></body></html>'


def _parse(body: str, path: str = "/zt/index.html") -> tuple[Page, float]:
    url = f"http://127.0.0.1:9{path}"
    t0 = time.perf_counter()
    page = parse_response(Page(url=url, final_url=url), body.encode(), "text/html", AS_OF)
    return page, time.perf_counter() - t0


def test_five_megabytes_of_nested_tables_parse_in_bounded_time():
    body = nested_tables()
    assert len(body.encode()) >= 4.9 * MB
    page, seconds = _parse(body)
    assert seconds < LIMIT_S
    assert page.error is None and len(page.links) > 10_000  # read, not given up


def test_a_list_of_ten_thousand_items_parses_in_bounded_time():
    page, seconds = _parse(long_list(), "/xwdt/tzgg/index.html")
    assert seconds < LIMIT_S
    assert page.error is None and len(page.items) == 10_000


def test_a_page_that_is_one_huge_script_parses_in_bounded_time():
    body = huge_script()
    assert len(body.encode()) >= 4.5 * MB
    page, seconds = _parse(body)
    assert seconds < LIMIT_S
    assert page.error is None


def test_expensive_pages_never_stall_a_crawl():
    """A site whose home page links the three pages and an ordinary article is crawled to the end."""
    article = ('<html><head><meta charset="utf-8"><title>关于开展安全检查的通知</title></head><body>'
               '<p>发布时间：2019-10-08</p><p>正文</p></body></html>')
    routes = {
        "/": html('<html><head><meta charset="utf-8"><title>某县人民政府</title></head><body>'
                  '<a href="/tables.html">统计表</a><a href="/list/index.html">通知公告</a>'
                  '<a href="/missing.html">旧栏目</a><a href="/script.html">专题</a>'
                  '<a href="/art/t20191008_1.html">通知</a></body></html>'),
        "/tables.html": html(nested_tables()),
        "/list/index.html": html(long_list()),
        "/script.html": html(huge_script()),
        "/art/t20191008_1.html": html(article),
    }
    settings = Settings(per_host=4, delay=0, timeout=20, max_depth=1, check_external=False, attachments=False,
                        search_probe=False, transport_probes=False, cloak_sample=0, harmful_links=False,
                        max_link_checks=100, max_bytes=6 * MB)
    with LoopbackServer(routes) as srv:
        t0 = time.perf_counter()
        snap = asyncio.run(crawl_site(SiteEntry(name="某县", url=srv.url("/")), settings, AS_OF))
        seconds = time.perf_counter() - t0
    pages = {p.url: p for p in snap.pages()}
    assert seconds < 4 * LIMIT_S
    for path in ("/tables.html", "/list/index.html", "/script.html", "/art/t20191008_1.html"):
        assert pages[srv.url(path)].ok, path
    assert srv.url("/missing.html") in {t.target for t in snap.targets() if t.broken}
