"""Fill a Page from its HTML with one parse: title, meta, text, links, list items, dates, paging."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from govinspect.model import Page

from .datastore import read_datastore
from .dates import find_dates, parse_date
from .links import Anchor, Blocks, UrlResolver, collapse, extract_links, find_blocks
from .lists import ListResult, extract_items
from .paging import find_next_page, pager_gap
from .plan import ALL_PARTS

# The optional extractors (security signals, guides, message rows, the search form) are
# imported by the first page that needs them: a links-only parse worker never loads them nor
# the rules and word lists the security signals bring (about 12 MB).

__all__ = [
    "EMPTY_MARKERS",
    "EMPTY_PATTERNS",
    "MAX_TEXT",
    "extract_page",
    "find_pub_date",
    "is_home_url",
]

MAX_TEXT = 200_000
_INVISIBLE = ["script", "style", "noscript", "template"]

# What blank columns print instead of a list (seen on TRS, Hanweb and home-made CMS pages).
EMPTY_MARKERS = (
    "暂无信息",
    "暂无数据",
    "暂无内容",
    "暂无记录",
    "暂无文章",
    "暂无相关信息",
    "暂无相关内容",
    "暂无相关数据",
    "暂无更新",
    "暂未发布",
    "该栏目暂无",
    "本栏目暂无",
    "此栏目暂无",
    "没有相关信息",
    "没有相关内容",
    "没有相关记录",
    "没有找到相关",
    "没有信息",
    "没有记录",
    "无相关信息",
    "无相关记录",
    "栏目建设中",
    "栏目正在建设",
    "正在建设中",
    "正在建设，敬请期待",
    "信息正在整理",
    "内容正在更新",
    "内容正在完善",
)

# Meta names that carry the publication date (TRS/Hanweb PubDate, common CMS variants).
_PUB_META = (
    "pubdate",
    "publishdate",
    "publish_date",
    "firstpublishedtime",
    "dc.date",
    "createdate",
)
# Labels before an article's date, strongest first: 发布时间 beats a bare 时间 or 来源.
_PUB_LABELS = [
    (0, re.compile(r"(?:发布|发表|发文|公开|印发)(?:时间|日期)\s*[:：]?")),
    (1, re.compile(r"(?:更新|信息)(?:时间|日期)\s*[:：]?")),
    (2, re.compile(r"(?=[时日])(?<![\u4e00-\u9fff])(?:时间|日期)\s*[:：]")),
    (3, re.compile(r"(?=来)(?<![\u4e00-\u9fff])来源\s*[:：]")),
]  # (the lookaheads only let the engine skip positions fast: a lookbehind first is slow)
_LABEL_WINDOW = 48
_HOME_PATH = re.compile(r"^/?(?:(?:index|default|main|home|portal)\.\w+)?$", re.I)


def is_home_url(url: str) -> bool:
    """True when the URL is a site's root page (/, /index.html, /default.aspx ...)."""
    parts = urlsplit(url)
    return not parts.query and bool(_HOME_PATH.match(parts.path))


def find_pub_date(meta: dict[str, str], text: str, ref: date) -> date | None:
    """An article's publication date from its meta tags or a 发布时间/日期/来源 label."""
    for key, value in meta.items():
        if key.lower() in _PUB_META and value:
            found = find_dates(value, ref)
            parsed = (found[0].date, False) if found else parse_date(value[:10], ref)
            if parsed:
                return parsed[0]
    best: tuple[int, int, date] | None = None
    for rank, label in _PUB_LABELS:
        if best is not None and best[0] < rank:
            break
        for mo in label.finditer(text, 0, min(len(text), 20_000)):
            found = find_dates(text[mo.end() : mo.end() + _LABEL_WINDOW], ref)
            if found and found[0].start < (_LABEL_WINDOW if rank == 3 else 12):
                if best is None or (rank, mo.start()) < (best[0], best[1]):
                    best = (rank, mo.start(), found[0].date)
                break
    return best[2] if best else None


# Record counters that say zero: "共 0 条记录", "共0页", "记录总数：0".
EMPTY_PATTERNS = re.compile(
    r"共\s*0\s*(?:条|篇|页|项|个)|(?:记录|信息|文章)总?数\s*[:：]\s*0(?!\d)"
)


def _has_empty_marker(text: str) -> bool:
    """True when the text says the column has nothing to show."""
    return any(marker in text for marker in EMPTY_MARKERS) or bool(EMPTY_PATTERNS.search(text))


def extract_page(
    page: Page, html: str, ref: date, overrides: Mapping[str, Any] | None = None,
    parts: frozenset[str] | None = None,
) -> None:
    """Fill ``page`` (title, meta, text, links, items, pub_date, next_page, empty_marker) from HTML.

    ``parts`` (extract/plan.py) names the optional extractors to run, None for all of them;
    links, pagination and data-island lists are always read (the crawl follows them), and a
    home page always gets every part.
    """
    tree = LexborHTMLParser(html)
    base = page.final_url or page.url
    head = tree.head
    if head is not None:
        title = head.css_first("title")
        base_node = head.css_first("base[href]")
    else:
        title, base_node = tree.css_first("title"), tree.css_first("base[href]")
    if title is None:
        title = tree.css_first("title")
    page.title = collapse(title.text()) if title is not None else ""
    meta: dict[str, str] = {}
    for node in tree.css("meta[name]"):
        name = (node.attributes.get("name") or "").strip()
        if name and name not in meta:
            meta[name] = (node.attributes.get("content") or "").strip()
    page.meta = meta
    if base_node is not None:
        joined = UrlResolver(base)(base_node.attributes.get("href") or "")
        if joined:
            base = joined
    resolve = UrlResolver(base)
    page_url = page.final_url or page.url
    home = is_home_url(page_url) or is_home_url(page.url)
    wanted = ALL_PARTS if parts is None or home else parts

    blocks = find_blocks(tree) if "blocks" in wanted else Blocks()
    page.links, anchors = extract_links(tree, resolve, blocks)
    page.next_page = find_next_page(anchors, html, resolve, page_url)
    # Hanweb JCMS lists live in an XML data island, paged with ?uid=&pageNum= (datastore.py).
    store = read_datastore(html, page_url)
    records = store.tree if store is not None else None
    if store is not None and store.next_url:
        page.next_page = resolve(store.next_url) or page.next_page
    if records is not None:
        extra_links, extra_anchors = extract_links(records, resolve, Blocks())
        seen = {(link.url, link.tag) for link in page.links}
        page.links += [link for link in extra_links if (link.url, link.tag) not in seen]
        anchors += extra_anchors
    if "items" not in wanted and "text" not in wanted:
        _links_only(page, store, wanted, tree, resolve)
        return
    article = not home and _is_article(page_url, meta)
    lists = _read_lists(anchors, ref, page_url, home, article)

    if "security" in wanted:
        from .security import security_signals
        security_signals(tree, page, resolve)  # before scripts and styles are stripped
    tree.strip_tags(_INVISIBLE)
    root = tree.body or tree.root
    text = collapse(root.text(separator=" ")) if root is not None else ""
    if records is not None and records.body is not None:
        text = f"{text} {collapse(records.body.text(separator=' '))}".strip()
    page.text = text[:MAX_TEXT]
    # Service guides, message boards and the search form (per-site overrides from the registry).
    ov = overrides or {}
    if "guide" in wanted:
        from .guides import guide_fields, service_rows
        page.guide = guide_fields(tree, page, ov.get("services"))
        page.services = service_rows(tree, resolve, page.text)
    if "messages" in wanted:
        from .messages import message_records
        page.messages = message_records(tree, page, ref, ov.get("messages"))
    if home:
        from .forms import search_forms
        page.forms = search_forms(tree, page, ov.get("search"))

    page.items = lists.items
    page.pub_date = None
    page.empty_marker = False
    if not home and not article:
        if page.list_error is None and store is not None:
            page.list_error = store.error
        if page.list_error is None and page.items and not page.next_page:
            page.list_error = pager_gap(page.text, page_url)
        if store is not None and store.empty and not page.items:
            page.empty_marker = True
            return
    if page.items and not article:
        return
    page.items = []  # an article's "related" or "latest" boxes do not make it a column
    if not article and _has_empty_marker(page.text):
        page.empty_marker = True
        return
    page.pub_date = find_pub_date(meta, page.text, ref)
    if page.pub_date is None and lists.small and not article:
        # A sparse column (1-2 dated rows) rather than an article.
        page.items = lists.small


def _read_lists(anchors: list[Anchor], ref: date, page_url: str, home: bool, article: bool) -> ListResult:
    """The page's list items; none read for an article, which keeps none (see ``extract_page``).

    Most pages of a site are articles: their "related" or "latest" boxes never make them a
    column, so the list reader's work on them would be thrown away.
    """
    if article:
        return ListResult()
    return extract_items(anchors, ref, page_url, all_lists=home)


def _links_only(
    page: Page, store: Any, wanted: frozenset[str], tree: LexborHTMLParser, resolve: UrlResolver,
) -> None:
    """The cheap path of a run whose checks read no page content: links and list errors only."""
    if "security" in wanted:
        from .security import security_signals
        security_signals(tree, page, resolve)
    if store is not None and page.list_error is None and not _is_article(page.final_url or page.url, page.meta):
        page.list_error = store.error


# Article URLs of the common CMSs: TRS (t20191008_123.html), Hanweb (/art/2019/10/8/art_1_2.html),
# VSB (/info/1021/12345.htm), and the content_123.htm style.
_ARTICLE_URL = re.compile(
    r"/t\d{8}_\d+(?:_\d+)?\.s?html?$|/art_\d+_\d+\.s?html?$|/info/\d+/\d+\.s?html?$"
    r"|/content_\d+\.s?html?$",
    re.I,
)


def _is_article(url: str, meta: dict[str, str]) -> bool:
    """True for article pages: an ArticleTitle meta tag (not the column's) or a CMS article URL."""
    title = _meta_value(meta, "articletitle")
    if title and title != _meta_value(meta, "columnname"):
        return True
    return bool(_ARTICLE_URL.search(urlsplit(url).path))


def _meta_value(meta: dict[str, str], name: str) -> str:
    """A meta value by lower-case name, "" when absent."""
    return next((v for k, v in meta.items() if k.lower() == name), "")
