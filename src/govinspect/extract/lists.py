"""Find the item lists of a page (title, link, date) among its anchors."""

from __future__ import annotations

import contextlib
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

from selectolax.lexbor import LexborNode

from govinspect.model import ListItem

from .columns import is_known_column
from .dates import DateMatch, find_dates
from .links import Anchor, collapse

__all__ = ["ListResult", "extract_items"]

MIN_TITLE_LETTERS = 4  # an entry's main link has at least 4 CJK characters or letters
MIN_LIST_ENTRIES = 3  # a list is at least 3 sibling entries
MIN_UNDATED_LETTERS = 6  # undated lists of shorter titles are menus of column names
MIN_SECTION_LISTS = 3  # dated lists in separate boxes that make a page a section page
MAX_UP = 6  # how far above a link its entry and list container may sit

_LETTERS = re.compile(r"[\u4e00-\u9fffA-Za-z]")
_DIGIT = re.compile(r"\d")
_ELLIPSIS = ".…。·･ "
_LEAD = " ·•●◆◇■□▪▶►>»|-—"  # list bullets before a title
_TRAIL = " ·|-—"  # separators left after removing a date
# Headings of blocks that list other websites, never items.
_FRIEND_HEADINGS = (
    "友情链接",
    "相关链接",
    "网站链接",
    "政府网站",
    "部门网站",
    "县区网站",
    "外部链接",
    "网站群",
)
_ROW_TAGS = frozenset({"li", "tr", "dd", "dt", "dl"})
_PROSE_TAGS = frozenset(
    {"p", "span", "font", "strong", "b", "em", "i", "u", "h1", "h2", "h3", "h4"}
)
_FILE_URL = re.compile(
    r"\.(?:docx?|xlsx?|pptx?|pdf|wps|et|zip|rar|7z|txt|jpe?g|png|gif)(?:$|\?)", re.I
)


@dataclass(slots=True)
class _Cand:
    """A link that could be the main link of a list entry."""

    anchor: Anchor
    label: str
    chain: list[LexborNode]
    entry: LexborNode | None = None
    group: LexborNode | None = None


@dataclass(slots=True)
class ListResult:
    """Items of the page's lists, plus 1-2 dated entries kept aside for sparse columns."""

    items: list[ListItem] = field(default_factory=list)
    small: list[ListItem] = field(default_factory=list)


def _letters(text: str) -> int:
    """How many CJK characters and Latin letters the text has."""
    return len(_LETTERS.findall(text))


def _label(anchor: Anchor) -> str:
    """The entry's title: the anchor text, or its title attribute when the text is cut short."""
    text, title = anchor.text, anchor.title
    base = text.rstrip(_ELLIPSIS)
    if title and (
        not base
        or (len(title) > len(base) and title.startswith(base[:8]))
        or (base != text and len(title) >= len(base))
    ):
        return title
    return text


_Up = dict[int, tuple[LexborNode | None, str]]  # node id -> (parent, parent's tag), one page's


def _parent(node: LexborNode, up: _Up) -> tuple[LexborNode | None, str]:
    """The node's parent and its tag, asked of the parser once per node of the page."""
    key = node.mem_id
    hit = up.get(key)
    if hit is None:
        parent = node.parent
        hit = up[key] = (parent, (parent.tag or "") if parent is not None else "")
    return hit


def _chain(node: LexborNode, up: _Up) -> list[LexborNode]:
    """The node's ancestors, nearest first, at most MAX_UP of them, ending at <body>.

    The links of a list share their upper ancestors: ``up`` keeps each node's parent so that
    the page's tree is climbed once, not once per link.
    """
    out: list[LexborNode] = []
    cur, tag = _parent(node, up)
    while cur is not None and len(out) < MAX_UP and tag not in ("html", "-undef"):
        out.append(cur)
        if tag == "body":
            break
        cur, tag = _parent(cur, up)
    return out


def _sibling_text(node: LexborNode) -> str:
    """Text of the next element sibling (the <dd> after a <dt>)."""
    cur = node.next
    while cur is not None and not cur.is_element_node:
        cur = cur.next
    if cur is None or cur.tag != "dd":
        return ""
    return collapse(cur.text(separator=" "))


def _adjacent_text(node: LexborNode) -> str:
    """Text right after a bare link (up to the next link or line break): its date, if any."""
    parts: list[str] = []
    cur = node.next
    for _ in range(4):
        if cur is None or (cur.is_element_node and cur.tag in ("a", "br", "li", "p", "div")):
            break
        parts.append(cur.text(separator=" ") if cur.is_element_node else (cur.text_content or ""))
        cur = cur.next
    return collapse(" ".join(parts))


def _entry_date(cand: _Cand, ref: date) -> tuple[DateMatch | None, bool]:
    """The date shown in the entry, preferring text outside the title; True when inside it."""
    node = cand.anchor.node
    entry = cand.entry or node
    link_text = collapse(node.text(separator=" "))
    if entry.mem_id == node.mem_id:
        rest = _adjacent_text(node)
    else:
        full = collapse(entry.text(separator=" "))
        rest = full.replace(link_text, " ", 1) if link_text else full
    found = find_dates(rest, ref)
    if not found and entry.tag == "dt":
        found = find_dates(_sibling_text(entry), ref)
    if found:
        return found[-1], False
    inside = find_dates(link_text, ref)
    return (inside[-1], True) if inside else (None, False)


# Dates that CMSs write into article URLs: TRS /201910/t20191008_1.html, Hanweb
# /art/2019/10/8/art_1_2.html, /content/2019-10/08/, /2019/1008/.
_URL_DATE = re.compile(
    r"/t(?P<y1>(?:19|20)\d{2})(?P<m1>\d{2})(?P<d1>\d{2})_"
    r"|/art/(?P<y2>(?:19|20)\d{2})/(?P<m2>\d{1,2})/(?P<d2>\d{1,2})/"
    r"|/(?P<y3>(?:19|20)\d{2})-(?P<m3>\d{2})/(?P<d3>\d{2})/"
    r"|/(?P<y4>(?:19|20)\d{2})/(?P<m4>\d{2})(?P<d4>\d{2})/"
    r"|/(?P<y5>(?:19|20)\d{2})(?P<m5>\d{2})/"
)


def _url_year(url: str, shown: date) -> int | None:
    """The year the article URL gives for a month-day date, when its month (and day) agree."""
    mo = _URL_DATE.search(url)
    if mo is None:
        return None
    n = next(i for i in range(1, 6) if mo.group(f"y{i}") is not None)
    day = mo.group(f"d{n}") if n < 5 else None
    if int(mo.group(f"m{n}")) != shown.month or (day is not None and int(day) != shown.day):
        return None
    return int(mo.group(f"y{n}"))


def _item(cand: _Cand, ref: date) -> ListItem:
    """The list item for a main link: its title without an embedded date, and its date."""
    match, in_title = _entry_date(cand, ref)
    title = cand.label
    if match is not None and in_title and match.raw in title:
        title = collapse(title.replace(match.raw, " ", 1))
    title = title.lstrip(_LEAD).rstrip(_TRAIL) or cand.label
    if match is None:
        return ListItem(title=title, url=cand.anchor.url, date=None)
    shown = match.date
    if match.year_inferred:
        # "[05-18]" next to /art/2018/5/18/...: the URL knows the year the list leaves out.
        year = _url_year(cand.anchor.url, shown)
        if year is not None and year != shown.year:
            with contextlib.suppress(ValueError):  # 02-29 in a non-leap year
                shown = shown.replace(year=year)
    return ListItem(title, cand.anchor.url, shown, match.raw, match.year_inferred)


def _host(url: str) -> str:
    """Host of a URL without "www.", for same-site comparisons."""
    host = urlsplit(url).netloc.lower()
    return host[4:] if host.startswith("www.") else host


def _heading_text(group: LexborNode) -> str:
    """Text just before a list: its previous element sibling or its parent's first child."""
    texts = []
    cur = group.prev
    while cur is not None and not cur.is_element_node:
        cur = cur.prev
    if cur is not None:
        texts.append(cur.text()[:40])
    parent = group.parent
    if parent is not None:
        first = parent.child
        while first is not None and not first.is_element_node:
            first = first.next
        if first is not None and first is not group:
            texts.append(first.text()[:40])
    return " ".join(texts)


def _is_menu(group: LexborNode, cands: list[_Cand], page_host: str) -> bool:
    """True for undated groups that are menus, links to other sites, attachments or prose."""
    n = len(cands)
    if sum(_host(c.anchor.url) != page_host for c in cands) * 2 > n:
        return True
    if sum(bool(_FILE_URL.search(c.anchor.url)) for c in cands) * 2 > n:
        return True  # 附件 lists under an article
    bare = all(c.entry is not None and c.entry.mem_id == c.anchor.node.mem_id for c in cands)
    if bare and group.tag in _PROSE_TAGS:
        return True  # links inside a sentence
    if sum(is_known_column(c.label) for c in cands) * 2 >= n:
        return True
    if sum(_letters(c.label) for c in cands) < MIN_UNDATED_LETTERS * n:
        return True
    heading = _heading_text(group)
    return any(h in heading for h in _FRIEND_HEADINGS)


def _signature(node: LexborNode) -> tuple[str, str, int]:
    """What makes sibling lists one list split in chunks: tag, class and parent."""
    parent = node.parent
    return (node.tag or "", node.attributes.get("class") or "", parent.mem_id if parent else 0)


def _group_by_uniqueness(cands: list[_Cand]) -> dict[int, list[_Cand]]:
    """Entry = highest ancestor holding only this link; list = that entry's parent."""
    counts: Counter[int] = Counter()
    for cand in cands:
        counts.update(n.mem_id for n in cand.chain)
    groups: dict[int, list[_Cand]] = {}
    for cand in cands:
        entry = cand.anchor.node
        for anc in cand.chain:
            if counts[anc.mem_id] == 1:
                entry = anc
                continue
            cand.entry, cand.group = entry, anc
            groups.setdefault(anc.mem_id, []).append(cand)
            break
    return groups


def _group_by_rows(cands: list[_Cand]) -> dict[int, list[_Cand]]:
    """Entry = nearest <li>/<tr>/<dd>; for rows with several links keep the longest title."""
    best: dict[int, _Cand] = {}
    for cand in cands:
        row = next((n for n in cand.chain[:4] if n.tag in _ROW_TAGS), None)
        if row is None or row.parent is None:
            continue
        kept = best.get(row.mem_id)
        if kept is None or len(cand.label) > len(kept.label):
            cand.entry, cand.group = row, row.parent
            best[row.mem_id] = cand
    groups: dict[int, list[_Cand]] = {}
    for cand in best.values():
        if cand.group is not None:
            groups.setdefault(cand.group.mem_id, []).append(cand)
    return groups


def _judge(
    group: LexborNode, members: list[_Cand], ref: date, page_host: str
) -> list[tuple[_Cand, ListItem]] | None:
    """The group's rows if it is a list (short groups only when fully dated), else None."""
    excluded = sum(c.anchor.excluded for c in members) * 2 > len(members)
    if excluded and not _DIGIT.search(group.text()):
        return None  # an undated menu, footer or friend-link block: skip the date work
    rows = [(c, _item(c, ref)) for c in members]
    dated = sum(item.date is not None for _, item in rows)
    if len(rows) < MIN_LIST_ENTRIES:
        return rows if dated == len(rows) and not excluded else None
    if excluded:
        # Menus, footers and friend links never carry dates; a dated list inside a block
        # with a menu-like class name is still a list.
        return rows if dated * 2 >= len(rows) else None
    if dated == 0 and _is_menu(group, members, page_host):
        return None
    return rows


def extract_items(anchors: list[Anchor], ref: date, page_url: str, all_lists: bool) -> ListResult:
    """Items of every list on the page in page order (only the main list unless ``all_lists``)."""
    cands = []
    up: _Up = {}
    for anchor in anchors:
        label = _label(anchor)
        if _letters(label) >= MIN_TITLE_LETTERS:
            cands.append(_Cand(anchor, label, _chain(anchor.node, up)))
    page_host = _host(page_url)
    order = {id(c): i for i, c in enumerate(cands)}
    accepted: list[tuple[LexborNode, list[tuple[_Cand, ListItem]]]] = []
    small: dict[int, tuple[_Cand, ListItem]] = {}
    pending = cands
    for grouping in (_group_by_uniqueness, _group_by_rows):
        used: set[int] = set()
        for members in grouping(pending).values():
            group = members[0].group
            if group is None:
                continue
            tags = Counter(c.entry.tag if c.entry else "" for c in members)
            main_tag = tags.most_common(1)[0][0]
            members = [c for c in members if (c.entry.tag if c.entry else "") == main_tag]
            rows = _judge(group, members, ref, page_host)
            if rows is None:
                continue
            if len(rows) < MIN_LIST_ENTRIES:
                small.update((id(c), (c, item)) for c, item in rows)
                continue
            accepted.append((group, rows))
            used.update(id(c) for c in members)
        pending = [c for c in pending if id(c) not in used]
    if not accepted:
        # 1-2 dated rows: a sparse column or the last page of a long one, never more.
        rows_small = sorted(small.values(), key=lambda row: order[id(row[0])])
        return ListResult(small=[item for _, item in rows_small] if len(rows_small) <= 2 else [])
    if not all_lists:
        accepted = _main_lists(accepted)
    rows_all = [row for _, rows in accepted for row in rows]
    rows_all.sort(key=lambda row: order[id(row[0])])
    return ListResult(items=[item for _, item in rows_all])


def _main_lists(
    accepted: list[tuple[LexborNode, list[tuple[_Cand, ListItem]]]],
) -> list[tuple[LexborNode, list[tuple[_Cand, ListItem]]]]:
    """Keep the page's main list (the largest, dated first) and its same-styled chunks.

    A page with three or more differently placed dated lists is a section page (政务公开 with
    a box per sub-column): all its lists are kept, like the home page's.
    """
    dated = {_signature(g) for g, rows in accepted if any(item.date for _, item in rows)}
    if len(dated) >= MIN_SECTION_LISTS:
        return accepted

    def weight(entry: tuple[LexborNode, list[tuple[_Cand, ListItem]]]) -> tuple[bool, int]:
        rows = entry[1]
        return any(item.date for _, item in rows), len(rows)

    main = max(accepted, key=weight)
    sig = _signature(main[0])
    return [g for g in accepted if g is main or _signature(g[0]) == sig]
