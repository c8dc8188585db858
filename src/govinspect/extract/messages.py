"""Message-board records (留言、信箱、咨询): received and reply dates, replying unit and reply text.

A record is a small dict (JSON-like, stored on the page at crawl time):
``{"title", "url", "received", "replied", "status", "unit", "reply", "source", "columns"}`` with
ISO dates, ``status`` one of answered / unanswered / processing / None, ``source`` list or
detail, and ``columns`` the roles the list shows (a list without a reply-time column says
nothing about reply times). List pages are tables with a header row (标题 | 留言时间 | 状态 |
答复时间) or rows carrying a status word; detail pages are labelled text (来信时间 ... 回复单位
... 回复时间 ... 回复内容), read from the collapsed visible text so the checks can do the same.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from datetime import date
from functools import lru_cache
from typing import Any

import ahocorasick
from selectolax.lexbor import LexborHTMLParser, LexborNode

from govinspect.model import Page

from .dates import find_dates, normalize
from .links import TITLE_SEP, UrlResolver, collapse

__all__ = ["LABELS", "STATUS_WORDS", "detail_record", "labelled", "message_records", "rows_from_text", "status_of"]

log = logging.getLogger(__name__)

# Role -> labels seen on Hanweb 领导信箱, TRS 网上咨询 and 12345 boards of county portals.
LABELS: dict[str, tuple[str, ...]] = {
    "received": ("留言时间", "来信时间", "提问时间", "咨询时间", "写信时间", "提交时间", "投诉时间",
                 "反映时间", "发帖时间", "留言日期", "来信日期", "提问日期", "咨询日期", "提交日期"),
    "replied": ("答复时间", "回复时间", "办结时间", "反馈时间", "答复日期", "回复日期", "办结日期", "处理时间"),
    "unit": ("答复单位", "回复单位", "答复部门", "回复部门", "办理单位", "承办单位", "处理单位", "答复机构",
             "回复机构", "办理部门", "处理部门", "受理单位", "受理部门", "承办部门", "答复机关"),
    "reply": ("答复内容", "回复内容", "办理结果", "答复意见", "处理结果", "回复意见", "处理意见", "办理情况",
              "答复情况", "回复情况", "办理意见"),
    "content": ("留言内容", "来信内容", "咨询内容", "问题描述", "信件内容", "投诉内容", "反映内容", "诉求内容"),
    "status": ("办理状态", "处理状态", "回复状态", "答复状态", "状态"),
    "title": ("留言标题", "来信标题", "信件标题", "咨询标题", "标题", "主题"),
}
STATUS_WORDS: dict[str, tuple[str, ...]] = {
    "unanswered": ("未回复", "未答复", "待回复", "待答复", "未办结", "待处理", "未处理", "尚未回复", "暂未回复",
                   "尚未答复", "暂未答复", "等待回复", "暂无回复", "暂无答复", "未回"),
    "processing": ("处理中", "办理中", "正在办理", "正在处理", "转办中", "已转办", "受理中", "已受理", "交办中"),
    "answered": ("已回复", "已答复", "已办结", "已处理", "已反馈", "已回", "办结", "已完成"),
}
_STATUS = re.compile("|".join(sorted((w for ws in STATUS_WORDS.values() for w in ws), key=len, reverse=True)))
_EMPTY_REPLY = re.compile(r"^(?:暂无|无|尚未|暂未|未|等待|待)(?:回复|答复|内容)?|^(?:正在|处理中|办理中)")
_BARE_REPLY = re.compile(r"(?:^|(?<=\s))(?:答复|回复)\s*[:：]")
_FOOTER = re.compile(r"[【\[](?:打印本页|打印|关闭窗口|关闭)[】\]]|打印本页|关闭窗口|(?:^|\s)打印\s+关闭|上一篇|下一篇|网站地图|主办单位|版权所有|网站标识码")
_PAGE_END = re.compile(r"[【\[](?:打印本页|打印|关闭窗口|关闭)[】\]]|打印本页|关闭窗口|上一篇|下一篇|网站地图|主办单位|版权所有|网站标识码|ICP备")
_ROW_TAGS = "tr, li, dl, div.item, div.list-item, div.row"
_MAX_ROWS = 500


def _label_regex(roles: Mapping[str, Iterable[str]]) -> tuple[re.Pattern[str], dict[str, str]]:
    owner: dict[str, str] = {}
    for role, labels in roles.items():
        for label in labels:
            owner.setdefault(label, role)
    alts = "|".join(re.escape(x) for x in sorted(owner, key=len, reverse=True))
    # The lookahead (a label's first character) lets the engine skip the positions where no
    # label starts before it tries the boundary and the alternation.
    skip = f"(?=[{re.escape(''.join(sorted({x[0] for x in owner})))}])" if all(owner) else ""
    return re.compile(rf"{skip}(?:^|(?<=[\s、:：;；。|\]】)]))(?P<label>{alts})\s*[:：]?"), owner


def _roles(extra: Mapping[str, Any] | None) -> dict[str, tuple[str, ...]]:
    """The label table with the registry's synonyms (``received_labels``, ``unit_labels`` ...) added."""
    roles = dict(LABELS)
    for role in roles:
        more = (extra or {}).get(f"{role}_labels") or ()
        more = [more] if isinstance(more, str) else more  # one synonym may be given as a string
        roles[role] = tuple(dict.fromkeys([*map(str, more), *roles[role]]))
    return roles


@lru_cache(maxsize=32)
def _compiled(roles: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[re.Pattern[str], dict[str, str]]:
    return _label_regex(dict(roles))


def _pattern(extra: Mapping[str, Any] | None) -> tuple[re.Pattern[str], dict[str, str]]:
    """The label regex with the registry's synonyms, compiled once per synonym set."""
    if not extra or not any(k.endswith("_labels") for k in extra):
        return _DEFAULT
    return _compiled(tuple(_roles(extra).items()))


_DEFAULT = _label_regex(LABELS)


def _cue_finder() -> Any:
    """An Aho-Corasick automaton over the default labels and the status words."""
    automaton = ahocorasick.Automaton()
    for word in [*_DEFAULT[1], *(w for ws in STATUS_WORDS.values() for w in ws)]:
        automaton.add_word(word, word)
    automaton.make_automaton()
    return automaton


_CUES = _cue_finder()


def _has_cue(text: str, overrides: Mapping[str, Any]) -> bool:
    """True when the normalized page text has a status word or a message label.

    With the default labels, a substring test stands in for the two regexes: a match of either
    is a substring of the text, so no substring means no match.
    """
    pattern = _pattern(overrides)
    if pattern is _DEFAULT and next(_CUES.iter(text), None) is None:
        return False
    return bool(_STATUS.search(text) or pattern[0].search(text))


def status_of(text: str) -> str | None:
    """answered / unanswered / processing from a status cell or sentence, None when silent."""
    mo = _STATUS.search(text)
    if mo is None:
        return None
    word = mo.group()
    return next(k for k, ws in STATUS_WORDS.items() if word in ws)


def _first_date(text: str, ref: date) -> str | None:
    found = find_dates(text[:60], ref)
    return found[0].date.isoformat() if found else None


def detail_record(text: str, ref: date, extra: Mapping[str, Iterable[str]] | None = None) -> dict[str, Any] | None:
    """The record of a message detail page from its visible text; None when it is not one."""
    pattern, owner = _pattern(extra)
    text = normalize(text)
    values: dict[str, str] = {}
    hits = list(pattern.finditer(text))
    if hits:  # footers print 承办单位 and dates on every page: nothing after the article's end counts
        end_mo = _PAGE_END.search(text, hits[0].end())
        if end_mo is not None:
            text = text[: end_mo.start()]
            hits = [h for h in hits if h.end() <= end_mo.start()]
    for i, mo in enumerate(hits):
        role = owner[mo.group("label")]
        end = hits[i + 1].start() if i + 1 < len(hits) else min(len(text), mo.end() + 2000)
        value = collapse(text[mo.end() : end])
        if role not in values or (not values[role] and value):
            values[role] = value
    received = _first_date(values.get("received", ""), ref)
    if received is None or not ({"reply", "replied", "unit", "content", "status"} & set(values)):
        return None
    reply = values.get("reply", "")
    if not reply:
        bare = _BARE_REPLY.search(text)
        reply = collapse(text[bare.end() : bare.end() + 2000]) if bare else ""
    cut = _FOOTER.search(reply)
    reply = reply[: cut.start()].strip() if cut else reply
    if _EMPTY_REPLY.match(reply):
        reply = ""
    status = status_of(values.get("status", "")) or (status_of(text) if not reply else None)
    replied = _first_date(values.get("replied", ""), ref)
    unit = _unit(values.get("unit", ""))
    if reply and (unit is None or replied is None):
        unit_sig, date_sig = _signature(reply, ref)
        unit, replied = unit or unit_sig, replied or date_sig
    if status is None:
        status = "answered" if reply or replied else None
    elif status != "answered" and reply:
        status = "answered"
    title = values.get("title", "")[:80]
    return {"title": title, "url": None, "received": received, "replied": replied, "status": status,
            "unit": unit, "reply": reply[:200] or None, "source": "detail",
            "columns": sorted(r for r in ("replied", "unit", "reply") if r in values)}


_ORG_END = re.compile(r"(?:人民政府|办公室|委员会|管理局|管委会|办事处|局|委|办|中心|厅|处|所|院|站|公司|镇|乡|街道|大队|支队|政府)$")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff()（）]{2,30}")
_UNIT_END = re.compile(r"\s|[,，;；。]|(?:答复|回复|办结|处理|反馈)(?:时间|日期|内容)")


def _unit(value: str) -> str | None:
    """The unit named in a unit field's value (first words, at most 30 characters)."""
    value = value.strip(" :：|｜/-—")
    cut = _UNIT_END.search(value)
    unit = (value[: cut.start()] if cut else value)[:30]
    return unit if _CJK.search(unit) and not _EMPTY_REPLY.match(unit) else None


def labelled(segment: str, ref: date) -> dict[str, Any] | None:
    """Received, replied, unit and status from a "留言时间：... | 答复单位：..." row; None without a received label."""
    pattern, owner = _DEFAULT
    values: dict[str, str] = {}
    hits = list(pattern.finditer(segment))
    for i, mo in enumerate(hits):
        end = hits[i + 1].start() if i + 1 < len(hits) else len(segment)
        values.setdefault(owner[mo.group("label")], segment[mo.end() : end].strip(" |｜"))
    if "received" not in values:
        return None
    replied = _first_date(values.get("replied", ""), ref)
    status = status_of(values.get("status", "")) or ("answered" if replied else None)
    return {"received": _first_date(values["received"], ref), "replied": replied, "status": status,
            "unit": _unit(values.get("unit", "")),
            "columns": sorted(r for r in ("replied", "unit", "status") if r in values)}


def _signature(reply: str, ref: date) -> tuple[str | None, str | None]:
    """Unit and date from a reply's sign-off ("... 淮南市人力资源和社会保障局 2019年5月3日")."""
    tail = reply.rstrip(" 。.")[-80:]
    found = find_dates(tail, ref)
    # Only a date that ends the reply signs it; "将于10月31日前完成改造。" is content.
    signed = bool(found) and len(tail) - found[-1].end <= 2
    replied = found[-1].date.isoformat() if signed else None
    before = tail[: found[-1].start].rstrip() if signed else tail
    runs = _CJK_RUN.findall(before[-40:])
    unit = runs[-1] if runs and before.endswith(runs[-1]) and _ORG_END.search(runs[-1]) else None
    return unit, replied


# --- list pages ---------------------------------------------------------------------------

def message_records(
    tree: LexborHTMLParser, page: Page, ref: date, overrides: Mapping[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Records of a board list page (table rows or status rows) or of a detail page; never raises."""
    try:
        overrides = overrides or {}
        selectors = overrides.get("selectors") or {}
        text = normalize(page.text)
        if not selectors and not _has_cue(text, overrides):
            return []  # most pages: no status word and no message label, no need to walk the tree
        resolve = UrlResolver(page.final_url or page.url)
        rows = _table_rows(tree, resolve, ref, selectors.get("message_row"), overrides)
        if rows:
            return rows
        record = detail_record(page.text, ref, overrides)
        if record is not None:
            # The detail page's title without the site name after "_", "-" or "|".
            record["url"], record["title"] = page.url, TITLE_SEP.split(page.title)[0].strip()
            return [record]
        return []
    except Exception:  # a board we cannot read must never cost the page its other data
        log.warning("message extraction failed on %s", page.url, exc_info=True)
        return []


def _header_roles(cells: list[str], roles: Mapping[str, Iterable[str]]) -> dict[int, str]:
    """Column index -> role for a header row."""
    out: dict[int, str] = {}
    for i, cell in enumerate(cells):
        cell = cell.strip(" :：")
        for role in ("received", "replied", "unit", "status", "title"):
            if any(label == cell or (len(cell) <= 8 and label in cell) for label in roles[role]):
                out.setdefault(i, role)
                break
    return out


def _table_rows(
    tree: LexborHTMLParser, resolve: UrlResolver, ref: date, row_selector: str | None, overrides: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """Records from rows whose header names a received-time column, or rows with a status word."""
    roles = _roles(overrides)
    rows = tree.css(row_selector) if row_selector else tree.css(_ROW_TAGS)
    header: dict[int, str] = {}
    header_parent: int | None = None
    records: list[dict[str, Any]] = []
    for node in rows[: _MAX_ROWS * 4]:
        if not row_selector and node.tag in ("tr", "li") and len(node.css(node.tag)) > 1:
            continue  # a layout row holding the board's own table (TRS frames): not a message
            # (selectolax's css() matches the node itself, so > 1 means a nested row)
        cells = _cells(node)
        texts = [collapse(c.text(separator=" ")) for c in cells]
        link = node.css_first("a[href]")
        if link is None:
            roles_found = _header_roles(texts, roles)
            if "received" in roles_found.values():
                header, header_parent = roles_found, _parent_id(node)
            continue
        if header and _parent_id(node) != header_parent and not row_selector:
            header = {}
        title = collapse(link.text(separator=" "))
        record = _row(texts, header, ref) if header else _loose_row(collapse(node.text(separator=" ")), title, ref)
        if record is None:
            continue
        record["title"] = title[:120]
        record["url"] = resolve(link.attributes.get("href") or "")
        records.append(record)
        if len(records) >= _MAX_ROWS:
            break
    return records


def _cells(node: LexborNode) -> list[LexborNode]:
    """The cells of a row: td/th of a tr, dt/dd of a dl, else the element children."""
    if node.tag == "tr":
        return [c for c in node.iter() if c.tag in ("td", "th")]
    children = [c for c in node.iter() if c.is_element_node]
    return children or [node]


def _parent_id(node: LexborNode) -> int | None:
    parent = node.parent
    if parent is not None and parent.tag == "tbody":
        parent = parent.parent
    return parent.mem_id if parent is not None else None


def _row(texts: list[str], header: dict[int, str], ref: date) -> dict[str, Any] | None:
    """A record from a table row read with its header's roles."""
    values = {role: texts[i] for i, role in header.items() if i < len(texts)}
    received = _first_date(values.get("received", ""), ref)
    replied = _first_date(values.get("replied", ""), ref)
    status = status_of(values.get("status", "")) or status_of(" ".join(texts))
    if status is None and "replied" in values:
        status = "answered" if replied else None
    return {"title": "", "url": None, "received": received, "replied": replied, "status": status,
            "unit": _unit(values.get("unit", "")), "reply": None, "source": "list",
            "columns": sorted({r for r in header.values() if r in ("replied", "unit", "status")})}


def _loose_row(row_text: str, link_text: str, ref: date) -> dict[str, Any] | None:
    """A record from a header-less row with a status word outside its title (dates: received, then reply)."""
    rest = row_text.replace(link_text, " ", 1) if link_text else row_text
    found = labelled(normalize(rest), ref)
    if found is not None:
        return {"title": "", "url": None, "reply": None, "source": "list", **found}
    status = status_of(rest)
    dates = [d.date.isoformat() for d in find_dates(rest, ref)]
    if status is None or not dates:
        return None
    return {"title": "", "url": None, "received": dates[0], "replied": dates[1] if len(dates) > 1 else None,
            "status": status, "unit": None, "reply": None, "source": "list", "columns": ["status"]}


def rows_from_text(page: Page, ref: date) -> list[dict[str, Any]]:
    """List records rebuilt from the collapsed text and the page's list items (no tree needed)."""
    text = normalize(page.text)
    pattern, owner = _DEFAULT
    order = [owner[m.group("label")] for m in pattern.finditer(text[:20_000])]
    header = [r for r in dict.fromkeys(order) if r in ("received", "replied", "status", "unit")]
    if not page.items or ("received" not in header and not _STATUS.search(text)):
        return []
    spans: list[tuple[int, Any]] = []
    pos = 0
    for item in page.items:
        at = text.find(normalize(item.title), pos)
        if at < 0:
            continue
        spans.append((at + len(item.title), item))
        pos = at + len(item.title)
    reverse = "replied" in header and "received" in header and header.index("replied") < header.index("received")
    records: list[dict[str, Any]] = []
    for i, (start, item) in enumerate(spans):
        end = spans[i + 1][0] - len(spans[i + 1][1].title) if i + 1 < len(spans) else start + 80
        segment = text[start:end][:160]
        found = labelled(segment, ref)
        if found is not None:
            records.append({"title": item.title, "url": item.url, "reply": None, "source": "list", **found})
            continue
        dates: list[str | None] = [d.date.isoformat() for d in find_dates(segment, ref)]
        status = status_of(segment)
        if reverse and len(dates) == 1:
            dates = [dates[0], None] if status in ("unanswered", "processing") else [None, dates[0]]
        elif reverse:
            dates = [dates[1], dates[0]]
        received = dates[0] if dates else None
        replied = dates[1] if len(dates) > 1 else None
        if status is None and "replied" in header:
            status = "answered" if replied else None
        records.append({"title": item.title, "url": item.url, "received": received, "replied": replied,
                        "status": status, "unit": None, "reply": None, "source": "list",
                        "columns": sorted(r for r in header if r in ("replied", "unit", "status"))})
    return records
