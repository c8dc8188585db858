"""Read the list a Hanweb (大汉) JCMS page ships as an XML data island, and its paging.

JCMS column pages (``/col/col123/index.html``) do not put their list in the visible DOM: a
``<script type="text/xml">`` holds ``<datastore>`` with ``<totalrecord>``, ``<totalpage>``,
a ``<nextgroup>`` link and ``<recordset><record><![CDATA[<li>...</li>]]></record>...``, and the
browser's jpage script renders it. Further pages are the same column page with
``?uid=<list container id>&pageNum=N``. Sources (observed, not copied): the datastore layout in
a public scrapy spider for www.yuhang.gov.cn (record CDATA holding ``<li><a href=".../art/2020/
8/14/art_1229179150_1872814.html">`` and a date, ``totalrecord``/``totalpage``/``nextgroup``
with a ``dataproxy.jsp?page=..&columnid=..&unitid=..`` link), and column URLs of the form
``/col/col48473/index.html?uid=406462&pageNum=1`` (www.jiangxi.gov.cn),
``/col/col1209919/index.html?uid=3978136&pageNum=3`` (wjw.wenzhou.gov.cn) and
``/col/col1972/index.html?uid=1301&pageNum=1`` (www.nmg.gov.cn) listed in public crawler
configurations found with the code search.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from selectolax.lexbor import LexborHTMLParser

__all__ = ["Datastore", "read_datastore"]

_SCRIPT = re.compile(
    r"<script\b[^>]*\btype\s*=\s*[\"']?text/xml[\"']?[^>]*>(?P<body>.*?)</script\s*>", re.S | re.I
)
_BARE = re.compile(r"<datastore\b.*?(?:</datastore\s*>|$)", re.S | re.I)
_RECORD = re.compile(r"<record\b[^>]*>(?P<inner>.*?)</record\s*>", re.S | re.I)
_RECORD_OPEN = re.compile(r"<record\b", re.I)
_CDATA = re.compile(r"^\s*<!\[CDATA\[(?P<html>.*)\]\]>\s*$", re.S)
_TOTAL_RECORD = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>|totalRecord\s*[:=]\s*['\"]?(\d+)", re.I)
_TOTAL_PAGE = re.compile(r"<totalpage>\s*(\d+)\s*</totalpage>|totalPage\s*[:=]\s*['\"]?(\d+)", re.I)
_PER_PAGE = re.compile(r"perPage\s*[:=]\s*['\"]?(\d+)", re.I)
_CONTAINER_ID = re.compile(r"<div\b[^>]*\bid\s*=\s*[\"']?(\d+)[\"']?[^>]*>", re.I)
_UNIT_ID = re.compile(r"[?&](?:unitid|uid)=(\d+)", re.I)
_NEXTGROUP = re.compile(r"<nextgroup\b[^>]*>(.*?)</nextgroup\s*>", re.S | re.I)
_HREF = re.compile(r"href\s*=\s*[\"']([^\"']+)[\"']", re.I)
MAX_PAGE_NUM = 100_000  # a page number beyond this is a corrupt counter, not a list


@dataclass(slots=True)
class Datastore:
    """What a page's data islands hold: their rows as a small tree, counts and the next page."""

    tree: LexborHTMLParser | None
    records: int
    malformed: int
    total_records: int | None
    total_pages: int | None
    next_url: str | None
    error: str | None

    @property
    def empty(self) -> bool:
        """True when the island says the list has no entry at all (an empty column)."""
        return self.records == 0 and self.malformed == 0 and not self.total_records


def _int(mo: re.Match[str] | None) -> int | None:
    """The first non-empty group of a counter match as an int."""
    if mo is None:
        return None
    value = next((g for g in mo.groups() if g), None)
    return int(value) if value is not None and int(value) <= MAX_PAGE_NUM * 100 else None


def _islands(html: str) -> list[tuple[int, str]]:
    """(offset, text) of every datastore on the page, in script tags or bare."""
    found = [(mo.start(), mo.group("body")) for mo in _SCRIPT.finditer(html)
             if "<datastore" in mo.group("body").lower()]
    if not found:
        found = [(mo.start(), mo.group()) for mo in _BARE.finditer(html)]
    return found


def _uid(html: str, at: int, island: str, current: dict[str, str]) -> str | None:
    """The list container's id (the ``uid`` of the paging URLs)."""
    if current.get("uid", "").isdigit():
        return current["uid"]
    before = list(_CONTAINER_ID.finditer(html, max(0, at - 600), at))
    if before:
        return before[-1].group(1)
    mo = _NEXTGROUP.search(island)
    if mo:
        unit = _UNIT_ID.search(mo.group(1))
        if unit:
            return unit.group(1)
    return None


def _page_url(page_url: str, uid: str, n: int) -> str:
    """The column page ``n`` in JCMS form: the same path with ``?uid=U&pageNum=N``."""
    parts = urlsplit(page_url)
    keep = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if k.lower() not in ("uid", "pagenum")]
    query = urlencode([*keep, ("uid", uid), ("pageNum", str(n))])
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def read_datastore(html: str, page_url: str) -> Datastore | None:
    """The page's JCMS data islands, or None when it has none."""
    if "datastore" not in html and "DATASTORE" not in html:
        return None
    islands = _islands(html)
    if not islands:
        return None
    rows: list[str] = []
    boxes: list[str] = []  # each island's rows in its own container: separate lists
    malformed = 0
    total_records: int | None = None
    total_pages: int | None = None
    per_page: int | None = None
    first_at, first_island = islands[0]
    for _, island in islands:
        opened = len(_RECORD_OPEN.findall(island))
        closed = 0
        start = len(rows)
        for mo in _RECORD.finditer(island):
            closed += 1
            inner = mo.group("inner")
            cdata = _CDATA.match(inner)
            if cdata is not None:
                rows.append(cdata.group("html"))
            elif "<![CDATA[" not in inner and "]]>" not in inner and "<a" in inner.lower():
                rows.append(inner)  # some templates write the row without a CDATA section
            else:
                malformed += 1
        malformed += max(0, opened - closed)
        if len(rows) > start:
            own = rows[start:]
            # Table rows (<tr> records) only survive parsing inside a table.
            outer = "table" if own[0].lstrip()[:3].lower() == "<tr" else "div"
            boxes.append(f'<{outer} class="datastore">{"".join(own)}</{outer}>')
        if len(islands) > 1:
            continue  # a channel page with several lists: each is previewed, none is paged
        total_records = _int(_TOTAL_RECORD.search(island))
        total_pages = _int(_TOTAL_PAGE.search(island))
    # jpage's call after the island may carry the counters instead (totalRecord, perPage).
    tail = html[first_at : first_at + len(first_island) + 3000] if len(islands) == 1 else ""
    total_records = total_records or _int(_TOTAL_RECORD.search(tail))
    total_pages = total_pages or _int(_TOTAL_PAGE.search(tail))
    per = _PER_PAGE.search(tail)
    per_page = int(per.group(1)) if per else None
    current = {k.lower(): v for k, v in parse_qsl(urlsplit(page_url).query)}
    num = current.get("pagenum", "1")
    page_num = int(num) if num.isdigit() and 0 < int(num) <= MAX_PAGE_NUM else 1
    if total_pages is None and total_records:
        size = per_page or (len(rows) + malformed if page_num == 1 else 0)
        if size:
            total_pages = math.ceil(total_records / size)
    next_url = None
    # An island holding more rows than one page is a whole group (jpage shows it page by page
    # in the browser; ?pageNum= within it serves the same island, the next group comes from
    # dataproxy.jsp by POST): its rows are the newest, nothing more is fetched.
    group = per_page is not None and len(rows) + malformed > per_page
    if not group and total_pages is not None and page_num < min(total_pages, MAX_PAGE_NUM):
        uid = _uid(html, first_at, first_island, current)
        if uid is not None:
            next_url = _page_url(page_url, uid, page_num + 1)
        else:
            nextgroup = _NEXTGROUP.search(first_island)
            href = _HREF.search(nextgroup.group(1)) if nextgroup else None
            next_url = href.group(1) if href else None
    error = None
    if malformed:
        error = f"大汉JCMS数据岛中有 {malformed} 条记录的 CDATA 不完整，无法读取"
    elif not rows and total_records:
        error = f"大汉JCMS数据岛声明 {total_records} 条记录，但未能读出任何一条"
    elif not group and total_pages is not None and page_num < total_pages and next_url is None:
        error = f"大汉JCMS列表共 {total_pages} 页，未能确定下一页地址"
    tree = LexborHTMLParser(f'<div class="datastores">{"".join(boxes)}</div>') if boxes else None
    return Datastore(tree, len(rows), malformed, total_records, total_pages, next_url, error)
