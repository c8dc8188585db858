"""Name, categorize and assemble columns (栏目) from list pages and their pagination chains."""

from __future__ import annotations

import re
from array import array
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from urllib.parse import urlsplit, urlunsplit

import yaml

from govinspect.model import CATEGORIES, Column, ListItem, Page

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
    text = resources.files("govinspect").joinpath("data/columns.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
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


@dataclass(slots=True)
class _ListPage:
    """What column assembly keeps of a list page (not its text), so pages can stream through.

    Items are kept as hashes (``item_keys``: of url and title, in page order; ``item_urls``: of
    the urls): a site's list pages show every article, and their items whole grow with the site
    (100,000 pages: ~50 MB). The few a column shows are read again from the pages (``items``
    is filled only when the pages cannot be read twice).
    """

    url: str
    keys: frozenset[str]
    next_key: str | None
    item_keys: array[int]  # 8 bytes an item, not an int object and a pointer
    item_urls: array[int]  # distinct
    own_name: str
    title_name: str
    error: str | None = None
    items: list[ListItem] | None = None


def _light(page: Page, keep_items: bool) -> _ListPage:
    """Keep what column assembly needs of a page."""
    return _ListPage(
        url=page.final_url or page.url,
        keys=_page_keys(page),
        next_key=url_key(page.next_page) if page.next_page else None,
        item_keys=array("q", [hash((i.url, i.title)) for i in page.items]),
        item_urls=array("q", {hash(i.url) for i in page.items if i.url}),
        own_name=_own_name(page),
        title_name=_title_name(page),
        error=page.list_error,
        items=page.items if keep_items else None,
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


def _merge_items(chain: list[_ListPage], max_items: int) -> tuple[list[tuple[int, int]], int]:
    """Where the chain's items are, once each, capped at ``max_items`` ((page, item) positions in
    ``chain``), and how many there were."""
    seen: set[int] = set()
    picked: list[tuple[int, int]] = []
    for n, page in enumerate(chain):
        for k, key in enumerate(page.item_keys):
            if key in seen:
                continue
            seen.add(key)
            if len(picked) < max_items:
                picked.append((n, k))
    return picked, len(seen)


def _section_pages(chains: list[list[_ListPage]]) -> set[int]:
    """Chains that only preview other columns' items (政务公开 boxes, 新闻动态 landing pages).

    A chain is a preview when at least half of its items (and two or more) are items of
    other chains, and those are either several chains or one chain that has strictly more.
    """
    urls = [frozenset().union(*(page.item_urls for page in chain)) for chain in chains]
    # url -> the chains showing it: one chain (most urls) as an int, several as a list.
    where: dict[int, int | list[int]] = {}
    for n, found in enumerate(urls):
        for url in found:
            was = where.setdefault(url, n)
            if was != n:
                if isinstance(was, int):
                    where[url] = [was, n]
                else:
                    was.append(n)
    previews: set[int] = set()
    for n, own in enumerate(urls):
        others: Counter[int] = Counter()
        covered = 0
        for url in own:
            chains_of = where[url]
            hits = [] if isinstance(chains_of, int) else [m for m in chains_of if m != n]
            covered += bool(hits)
            others.update(hits)
        if covered < max(2, (len(own) + 1) // 2):
            continue
        if len(others) >= 2 or any(own < urls[m] for m in others):
            previews.add(n)
    return previews


def build_columns(
    home: Page, list_pages: Iterable[Page] | Callable[[], Iterable[Page]], ref: date, max_items: int = 200
) -> list[Column]:
    """Columns of a site from its home page and every crawled list page (one per pagination chain).

    ``ref`` is the inspection date the items were dated against; pages stream through. Given a
    function returning the pages (``lambda: snap.pages(list_only=True)``), they are read twice
    and only the items the columns show are kept; given the pages, every item is kept meanwhile.
    """
    again: Callable[[], Iterable[Page]] | None
    if callable(list_pages):
        again, first = list_pages, list_pages()
    else:
        again, first = None, list_pages
    home_keys = _page_keys(home)
    nav_texts: dict[str, str] = {}
    _add_nav_texts(nav_texts, home, nav_only=True)
    _add_nav_texts(nav_texts, home, nav_only=False)
    pages: list[_ListPage] = []
    for page in _list_pages(first, home_keys):
        _add_nav_texts(nav_texts, page, nav_only=True)
        pages.append(_light(page, keep_items=again is None))
    home_nav = {url_key(link.url) for link in home.links if link.tag == "a" and link.in_nav}
    if not home_nav:  # the menu was not recognised: any link from the home page counts
        home_nav = {url_key(link.url) for link in home.links if link.tag == "a"}
    chains = _chains(pages)
    previews = _section_pages(chains)
    kept = [(n, chain) for n, chain in enumerate(chains) if n not in previews]
    merged = [_merge_items(chain, max_items) for _, chain in kept]
    # Which items of which page the columns show: read from the pages again (or kept).
    index = {id(page): i for i, page in enumerate(pages)}
    wanted: dict[int, set[int]] = {}
    for (_, chain), (picked, _) in zip(kept, merged, strict=True):
        for n, k in picked:
            wanted.setdefault(index[id(chain[n])], set()).add(k)
    found: dict[tuple[int, int], ListItem] = {}
    if again is not None:
        for i, page in enumerate(_list_pages(again(), home_keys)):
            if i in wanted:
                if i >= len(pages) or (page.final_url or page.url) != pages[i].url:
                    raise RuntimeError("list pages changed between the two reads")
                found.update(((i, k), page.items[k]) for k in wanted[i])
    else:
        for i, ks in wanted.items():
            items = pages[i].items or []
            found.update(((i, k), items[k]) for k in ks)
    columns = []
    for (_, chain), (picked, count) in zip(kept, merged, strict=True):
        head = chain[0]
        nav_text = next((nav_texts[k] for k in head.keys if k in nav_texts), "")
        name = head.own_name or nav_text or head.title_name or head.url
        error = next((p.error for p in chain if p.error), None)
        columns.append(
            Column(
                name=name,
                url=first_page_url(head.url),
                category=categorize(name),
                items=[found[(index[id(chain[n])], k)] for n, k in picked],
                item_count=count,
                empty=count == 0 and error is None,
                pages=len(chain),
                top_level=bool(head.keys & home_nav),
                error=error,
            )
        )
    return columns


def _list_pages(pages: Iterable[Page], home_keys: frozenset[str]) -> Iterable[Page]:
    """The pages that are lists (not articles, plain pages or the home page again)."""
    for page in pages:
        if page.list_error is None and (
            not (page.items or page.empty_marker) or (page.pub_date is not None and not page.items)
        ):
            continue  # article or plain page
        if _page_keys(page) & home_keys:
            continue
        yield page
