"""Name, categorize and assemble columns (栏目) from list pages and their pagination chains."""

from __future__ import annotations

import re
from array import array
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from urllib.parse import urlsplit, urlunsplit

from govinspect.model import CATEGORIES, Column, ListItem, Page

from ..yamlio import safe_load
from .dates import normalize
from .links import NAME_SEP
from .paging import first_page_url

__all__ = [
    "build_columns",
    "categorize",
    "clean_column_name",
    "column_name",
    "is_known_column",
    "url_key",
]


@dataclass(frozen=True, slots=True)
class _Table:
    """The column-name table loaded from data/columns.yaml."""

    names: dict[str, str]
    patterns: tuple[tuple[re.Pattern[str], str], ...]


@lru_cache(maxsize=1)
def _table() -> _Table:
    """Load and validate the packaged column-name table once."""
    # Imported here: importlib.resources brings tempfile, shutil, bz2 and lzma (1.6 MB of a parse
    # worker's memory), and a links-only worker never names a column.
    from importlib import resources

    text = resources.files("govinspect").joinpath("data/columns.yaml").read_text(encoding="utf-8")
    data = safe_load(text)
    names: dict[str, str] = {}
    for category, entries in data["names"].items():
        if category not in CATEGORIES:
            raise ValueError(f"columns.yaml: unknown category {category!r}")
        for name in entries:
            names.setdefault(clean_column_name(str(name)), category)
    patterns = []
    for rule in data["patterns"]:
        if rule["category"] not in CATEGORIES:
            raise ValueError(f"columns.yaml: unknown category {rule['category']!r}")
        patterns.append((re.compile(rule["pattern"]), rule["category"]))
    return _Table(names, tuple(patterns))


_MORE = re.compile(r"(?i)(更多|more|查看全部|全部)\s*[>»+›]*|[>»›]{1,3}|[+＋]$")
_COUNT = re.compile(r"[(\[<{]\s*\d+\s*[)\]>}]")
_LEADING = re.compile(r"^(?:(?:19|20)\d{2}\s*年度?|\d{1,2}\s*[.、)]?(?=\D))")
_TRAILING_DIGITS = re.compile(r"\d+$")
_BRACKETS = str.maketrans("", "", "[]()<>{}【】（）〔〕《》「」")
_EDGE = " \t:：·|-_—/\\•●▪■◆>"
_CJK = re.compile(r"[\u4e00-\u9fff]")


def clean_column_name(raw: str) -> str:
    """Strip "更多>>", counts, ordinals, brackets and whitespace from a column label."""
    name = normalize(raw or "")
    name = _MORE.sub(" ", name)
    name = _COUNT.sub(" ", name)
    name = name.translate(_BRACKETS).strip(_EDGE)
    name = _LEADING.sub("", name).strip(_EDGE)
    name = _TRAILING_DIGITS.sub("", name).strip(_EDGE)
    if _CJK.search(name):
        return "".join(name.split())
    return " ".join(name.split())


def categorize(name: str) -> str:
    """Category of a column name: exact table names first, then the ordered patterns."""
    cleaned = clean_column_name(name)
    table = _table()
    if cleaned in table.names:
        return table.names[cleaned]
    for pattern, category in table.patterns:
        if pattern.search(cleaned):
            return category
    return "other"


def is_known_column(name: str) -> bool:
    """True when the name (cleaned) is one of the table's exact column names."""
    return clean_column_name(name) in _table().names


# 当前位置：首页 > 政务公开 > 通知公告 (and the other labels sites print before the trail).
_CRUMB = re.compile(
    r"(?:当前位置|您现在的位置|您当前的位置|您的位置|现在的位置|所在位置|当前栏目|当前页面|(?<![\u4e00-\u9fff])位置)"
    r"\s*(?:是)?\s*[:：]?\s*(?P<trail>.{0,160})"
)
_CRUMB_SEP = re.compile(r"\s*(?:>>|->|>|＞|»|›|→|/|\\)\s*")
_CRUMB_SEGMENT = re.compile(r"[^\s>＞»›→/\\]+")
_GENERIC = frozenset(
    {"首页", "网站首页", "正文", "详情", "内容", "详细信息", "正文内容", "更多", "列表", "信息列表"}
)
_SITE_WORDS = ("人民政府", "政府网", "门户网站", "网站", "政府")


def _breadcrumb(text: str) -> str:
    """Last meaningful element of the page's breadcrumb trail, or ""."""
    mo = _CRUMB.search(text)
    if not mo:
        return ""
    trail, pos, parts = mo.group("trail"), 0, []
    while True:  # segment (separator segment)*; stop where no separator follows
        seg = _CRUMB_SEGMENT.match(trail, pos)
        if not seg:
            break
        parts.append(seg.group())
        sep = _CRUMB_SEP.match(trail, seg.end())
        if not sep or sep.end() == seg.end():
            break
        pos = sep.end()
    if len(parts) < 2:
        return ""
    for part in reversed(parts):
        name = clean_column_name(part)
        if name and name not in _GENERIC:
            return name
    return ""


def _from_title(title: str, site_name: str) -> str:
    """The column part of a "栏目 - 站点" style title."""
    parts = [p for p in (clean_column_name(x) for x in NAME_SEP.split(title)) if p]
    if not parts:
        return ""
    site = clean_column_name(site_name)
    rest = [p for p in parts if p != site and not any(w in p for w in _SITE_WORDS)]
    known = [p for p in rest if is_known_column(p)]
    return (known or rest or parts)[0]


def _meta(page: Page, name: str) -> str:
    """A meta value by case-insensitive name."""
    for key, value in page.meta.items():
        if key.lower() == name:
            return value or ""
    return ""


def _own_name(page: Page) -> str:
    """The name a page gives itself: meta ColumnName, else its breadcrumb, else ""."""
    for candidate in (_meta(page, "columnname"), _breadcrumb(page.text)):
        name = clean_column_name(candidate)
        if name and name not in _GENERIC:
            return name
    return ""


def column_name(page: Page, nav_text: str | None) -> str:
    """The column's name from meta ColumnName, the breadcrumb, the nav link text or the title."""
    nav = clean_column_name(nav_text or "")
    return _own_name(page) or (nav if nav not in _GENERIC else "") or _title_name(page)


def _title_name(page: Page) -> str:
    """The column part of the page title."""
    return _from_title(page.title, _meta(page, "sitename"))


_DEFAULT_DOC = re.compile(r"/(?:index|default)\.(?:s?html?|jsp|php|aspx?)$", re.I)
def url_key(url: str) -> str:
    """A comparison key for URLs: lower-case host, no fragment, no index.html, no trailing slash."""
    parts = urlsplit(url.strip())
    path = _DEFAULT_DOC.sub("/", parts.path or "/").rstrip("/")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


def _first_page_key(url: str) -> str | None:
    """Key of the first page of the list that ``url`` continues (index_3.html, ?page=3, pageNum=3)."""
    first = first_page_url(url)
    return url_key(first) if first != url else None


def _page_keys(page: Page) -> frozenset[str]:
    """Comparison keys of the page's requested and final URLs."""
    return frozenset(url_key(u) for u in (page.url, page.final_url) if u)


PageLoader = Callable[[str], Page | None]


@dataclass(slots=True)
class _ListPage:
    """What column assembly keeps of a list page (not its text), so pages can stream through.

    With a page loader the items themselves are not kept: only a hash of each item's URL (which
    chains share items) and of its (URL, title) (how many distinct items a chain has); the few
    pages whose items a column shows are loaded again at the end. A 100,000-page site's list
    pages then cost a few MB instead of 60 (issue 13, flat memory).
    """

    url: str
    source: str  # the URL the page is stored under (Snapshot.page)
    keys: frozenset[str]
    next_key: str | None
    items: list[ListItem] | None  # None: load the page again for them
    item_urls: array[int]  # 64-bit hashes, 8 bytes each (a set of 20 ints takes 1.7 KB)
    item_keys: array[int]
    own_name: str
    title_name: str
    error: str | None = None


def _item_key(item: ListItem) -> int:
    return hash((item.url, item.title))


def _light(page: Page, keep_items: bool) -> _ListPage:
    """Keep what column assembly needs of a page."""
    return _ListPage(
        url=page.final_url or page.url,
        source=page.url,
        keys=_page_keys(page),
        next_key=url_key(page.next_page) if page.next_page else None,
        items=page.items if keep_items else None,
        item_urls=array("q", {hash(i.url) for i in page.items if i.url}),
        item_keys=array("q", (_item_key(i) for i in page.items)),
        own_name=_own_name(page),
        title_name=_title_name(page),
        error=page.list_error,
    )


def _add_nav_texts(texts: dict[str, str], page: Page, nav_only: bool) -> None:
    """Remember each link's text by URL, first seen wins (home navigation is added first)."""
    for link in page.links:
        if link.tag != "a" or (nav_only and not link.in_nav):
            continue
        text = clean_column_name(link.text)
        if text and text not in _GENERIC:
            texts.setdefault(url_key(link.url), text)


def _chains(pages: list[_ListPage]) -> list[list[_ListPage]]:
    """Group pages into pagination chains (page -> next_page), first pages first, input order."""
    by_key: dict[str, int] = {}
    for i, page in enumerate(pages):
        for key in page.keys:
            by_key.setdefault(key, i)
    succ: dict[int, int] = {}
    has_prev: set[int] = set()
    for i, page in enumerate(pages):
        j = by_key.get(page.next_key) if page.next_key else None
        if j is not None and j != i and j not in has_prev:
            succ[i] = j
            has_prev.add(j)
    chains: list[list[int]] = []
    owner: dict[int, int] = {}
    heads = [i for i in range(len(pages)) if i not in has_prev] + list(range(len(pages)))
    for head in heads:
        if head in owner:
            continue
        chain: list[int] = []
        cur: int | None = head
        while cur is not None and cur not in owner:
            owner[cur] = len(chains)
            chain.append(cur)
            cur = succ.get(cur)
        chains.append(chain)
    # A continuation whose predecessor lost its next link (index_3.html, ?page=3) joins the
    # chain of its first page when that page was crawled.
    merged: list[list[int] | None] = list(chains)
    moved_to: dict[int, int] = {}
    for n, chain in enumerate(chains):
        parent_key = _first_page_key(pages[chain[0]].url)
        target = by_key.get(parent_key) if parent_key else None
        if target is None:
            continue
        into = owner[target]
        while into in moved_to:  # the target chain itself moved: follow it
            into = moved_to[into]
        moving = merged[n]
        if into != n and moving is not None:
            merged[into] = (merged[into] or []) + moving
            merged[n] = None
            moved_to[n] = into
    # Chains whose first pages were never crawled (only ?page=2 and ?page=3 were reached) are
    # still one column: group what is left by the list URL without paging.
    by_first: dict[str, list[int]] = {}
    out: list[list[int]] = []
    for kept in merged:
        if not kept:
            continue
        chain = kept
        first = url_key(first_page_url(pages[chain[0]].url))
        if first in by_first:
            by_first[first].extend(chain)
        else:
            by_first[first] = chain
            out.append(chain)
    return [[pages[i] for i in chain] for chain in out]


def _merge_items(chain: list[_ListPage], max_items: int, load: PageLoader | None) -> tuple[list[ListItem], int]:
    """Items of all pages of a chain once each, capped at ``max_items``, and how many there were."""
    count = len({key for page in chain for key in page.item_keys})
    taken: set[int] = set()
    items: list[ListItem] = []
    for page in chain:
        if len(items) >= max_items:
            break
        if taken.issuperset(page.item_keys):
            continue
        own = page.items
        if own is None:
            stored = load(page.source) if load is not None else None
            own = stored.items if stored is not None else []
        for item in own:
            key = _item_key(item)
            if key not in taken and len(items) < max_items:
                taken.add(key)
                items.append(item)
    return items, count


def _section_pages(chains: list[list[_ListPage]]) -> set[int]:
    """Chains that only preview other columns' items (政务公开 boxes, 新闻动态 landing pages).

    A chain is a preview when at least half of its items (and two or more) are items of
    other chains, and those are either several chains or one chain that has strictly more.
    """
    # Item URLs as hashes; only those in two or more chains keep the list of their chains
    # (a dict of every URL to its chains held 24 MB on a 100,000-page site).
    sizes: list[int] = []
    owner: dict[int, int] = {}
    shared: dict[int, list[int]] = {}
    for n, chain in enumerate(chains):
        own = {h for page in chain for h in page.item_urls}
        sizes.append(len(own))
        for h in own:
            first = owner.setdefault(h, n)
            if first != n:
                shared.setdefault(h, [first]).append(n)
    del owner
    covered = [0] * len(chains)
    overlap: list[Counter[int]] = [Counter() for _ in chains]
    for members in shared.values():
        for n in members:
            covered[n] += 1
            overlap[n].update(m for m in members if m != n)
    previews: set[int] = set()
    for n, others in enumerate(overlap):
        if covered[n] < max(2, (sizes[n] + 1) // 2):
            continue
        # several chains, or one that holds every item of this one and more (a strict superset)
        if len(others) >= 2 or any(count == sizes[n] < sizes[m] for m, count in others.items()):
            previews.add(n)
    return previews


def build_columns(
    home: Page, list_pages: Iterable[Page], ref: date, max_items: int = 200, load: PageLoader | None = None,
) -> list[Column]:
    """Columns of a site from its home page and every crawled list page (one per pagination chain).

    ``ref`` is the inspection date the items were dated against; pages stream through once.
    ``load`` (``Snapshot.page``): the items are not held, the pages a column shows are loaded again.
    """
    home_keys = _page_keys(home)
    nav_texts: dict[str, str] = {}
    _add_nav_texts(nav_texts, home, nav_only=True)
    _add_nav_texts(nav_texts, home, nav_only=False)
    pages: list[_ListPage] = []
    for page in list_pages:
        if page.list_error is None and (
            not (page.items or page.empty_marker) or (page.pub_date is not None and not page.items)
        ):
            continue  # article or plain page
        if _page_keys(page) & home_keys:
            continue
        _add_nav_texts(nav_texts, page, nav_only=True)
        pages.append(_light(page, keep_items=load is None))
    home_nav = {url_key(link.url) for link in home.links if link.tag == "a" and link.in_nav}
    if not home_nav:  # the menu was not recognised: any link from the home page counts
        home_nav = {url_key(link.url) for link in home.links if link.tag == "a"}
    chains = _chains(pages)
    previews = _section_pages(chains)
    columns = []
    for n, chain in enumerate(chains):
        if n in previews:
            continue
        head = chain[0]
        nav_text = next((nav_texts[k] for k in head.keys if k in nav_texts), "")
        name = head.own_name or nav_text or head.title_name or head.url
        items, count = _merge_items(chain, max_items, load)
        error = next((p.error for p in chain if p.error), None)
        columns.append(
            Column(
                name=name,
                url=first_page_url(head.url),
                category=categorize(name),
                items=items,
                item_count=count,
                empty=count == 0 and error is None,
                pages=len(chain),
                top_level=bool(head.keys & home_nav),
                error=error,
            )
        )
    return columns
