"""Service guides (办事指南): element labels and their values, from visible text or the parsed tree.

Guides are published as two- or four-column tables (TRS, Hanweb), definition lists, or free
text with numbered headings. In every layout an element is a label (设定依据, 申请条件 ...)
followed by its value, so the collapsed visible text is enough: a label starts after a
boundary (start, space, numbering, bracket) and ends at a colon, a space or a closing bracket;
its value runs to the next label. The tree reader (``guide_fields``) does the same on cells
and siblings and is stored on the page at crawl time when the engine calls it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import ahocorasick
from selectolax.lexbor import LexborHTMLParser, LexborNode

from govinspect.model import Page

from .dates import normalize
from .links import collapse

__all__ = [
    "ELEMENT_LABELS", "ITEM_TITLE", "KEY_ELEMENTS", "Guide", "guide_fields", "is_guide", "parse_guide_text",
    "service_rows",
]  # fmt: skip

log = logging.getLogger(__name__)

# Element -> the labels sites print for it (seen on TRS/Hanweb county portals and the
# provincial 政务服务网 guides; 国办秘函〔2019〕19号 lists the key elements).
ELEMENT_LABELS: dict[str, tuple[str, ...]] = {
    "name": ("事项名称", "服务事项名称", "实施事项名称"),
    "basis": ("设定依据", "实施依据", "法律依据", "办理依据", "政策依据", "法定依据", "设立依据"),
    "conditions": ("申请条件", "受理条件", "办理条件", "申报条件", "申办条件", "准入条件", "申请人条件", "申请资格"),
    "materials": ("办理材料", "申请材料", "申报材料", "所需材料", "提交材料", "申请材料目录", "材料目录"),
    "location": ("办理地点", "受理地点", "办公地址", "办理地址", "受理地址", "办事地点", "窗口地址"),
    "time": ("办理时间", "受理时间", "办公时间", "工作时间", "窗口办理时间"),
    "phone": ("联系电话", "咨询电话", "咨询方式", "联系方式", "服务电话", "咨询途径"),
    "process": ("办理流程", "办事流程", "办理程序", "办理环节", "申请流程", "审批流程", "办理步骤"),
    "fee": ("收费标准", "收费依据", "是否收费", "收费情况"),
    "deadline": ("办理时限", "承诺时限", "法定时限", "承诺期限", "法定期限", "承诺办结时限"),
    "agency": ("办理机构", "实施机关", "实施主体", "受理机构", "实施机构", "办理部门", "受理部门"),
    "review": ("审查标准", "审批标准", "审核标准", "审查内容"),
}
# The seven elements issue 4 checks for presence and vagueness (contract: evidence.element).
KEY_ELEMENTS: tuple[str, ...] = ("basis", "conditions", "materials", "location", "time", "phone", "process")
# Labels that end the previous element's value but are not checked themselves.
STOP_LABELS: tuple[str, ...] = (
    "事项类型", "事项编码", "事项代码", "办件类型", "服务对象", "行使层级", "结果名称", "结果样本",
    "数量限制", "常见问题", "中介服务", "特别程序", "监督电话", "投诉电话", "监督投诉电话", "投诉监督电话",
    "监督投诉", "网上办理",
    "窗口办理", "到现场次数", "到办事现场次数", "权力来源", "基本信息", "审批结果", "办理结果",
    "表格下载", "样表下载", "在线办理", "是否网办", "法律救济", "申请人权利和义务", "送达方式",
)
# Where the guide ends and the page's footer begins.
_FOOTER = re.compile(
    r"[【\[]?(?:打印本页|打印|关闭窗口|关闭)[】\]]|打印本页|关闭窗口|上一篇|下一篇|相关链接|分享到"
    r"|主办单位|版权所有|网站标识码|ICP备|公网安备|网站地图|Copyright",
    re.I,
)
# Where the article ends: print/close buttons, prev/next links and the footer's identity lines.
_PAGE_END = re.compile(
    r"[【\[](?:打印本页|打印|关闭窗口|关闭)[】\]]|打印本页|关闭窗口|上一篇|下一篇|主办单位|版权所有|网站标识码"
    r"|网站地图|ICP备|公网安备|Copyright",
    re.I,
)
_MAX_VALUE = 1500
_BEFORE = r"(?:^|(?<=[\s、.．:：;；。,，)）\]】>|]))"
_AFTER = r"(?=\s|[:：】\]）)]|$)"
_NUMBERING = re.compile(r"^(?:[（(]?[一二三四五六七八九十\d]{1,3}[)）、.．]\s*)+")
# The next heading's number left at the end of a value ("...第十二条。二、").
_TRAIL_NUMBER = re.compile(r"\s*(?:第[一二三四五六七八九十]{1,3}[部分章节]?|[（(]?[一二三四五六七八九十\d]{1,3}[)）、.．]|[（(][一二三四五六七八九十\d]{1,3}[)）])\s*$")
_GUIDE_TITLE = re.compile(r"办事指南|服务指南|办理指南|指南")
_PLACEHOLDER = frozenset({"", "无", "暂无", "/", "-", "—", "--", "空", "待补充", "暂缺"})


@dataclass(slots=True)
class Guide:
    """The elements read from one page: element -> first non-empty value, and every label seen."""

    fields: dict[str, str] = field(default_factory=dict)
    labels: set[str] = field(default_factory=set)

    @property
    def item(self) -> str:
        """The item's name (事项名称), or ""."""
        return self.fields.get("name", "")[:60]


def _pattern(extra: Mapping[str, Iterable[str]] | None) -> tuple[re.Pattern[str], dict[str, str]]:
    """One regex over every label (longest first) and the label -> element map (compiled once per synonym set)."""
    return _compiled(_freeze(extra)) if extra else _DEFAULT


def _freeze(extra: Mapping[str, Iterable[str]]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple(sorted((str(k), (v,) if isinstance(v, str) else tuple(map(str, v or ()))) for k, v in extra.items()))


@lru_cache(maxsize=32)
def _compiled(extra: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[re.Pattern[str], dict[str, str]]:
    owner: dict[str, str] = {}
    for element, labels in ELEMENT_LABELS.items():
        for label in labels:
            owner.setdefault(label, element)
    for element, more in extra:  # registry synonyms
        for label in more:
            owner.setdefault(label, element)
    for label in STOP_LABELS:
        owner.setdefault(label, "")
    alts = "|".join(re.escape(x) for x in sorted(owner, key=len, reverse=True))
    # The lookahead (a label's first character or its bracket) lets the engine skip the
    # positions where no label starts before it tries the boundary and the alternation.
    first = "".join(sorted({x[0] for x in owner if x}))
    skip = f"(?=[【\\[{re.escape(first)}])" if all(owner) else ""
    return re.compile(f"{skip}{_BEFORE}[【\\[]?(?P<label>{alts}){_AFTER}"), owner


_DEFAULT = _compiled(())


@lru_cache(maxsize=32)
def _finder(extra: tuple[tuple[str, tuple[str, ...]], ...]) -> Any:
    """An Aho-Corasick automaton over the element labels (stop labels left out), None when it cannot stand in."""
    owner = _compiled(extra)[1]
    if not all(owner):
        return None  # an empty synonym matches anywhere: no substring test can predict it
    automaton = ahocorasick.Automaton()
    for label, element in owner.items():
        if element:
            automaton.add_word(label, element)
    automaton.make_automaton()
    return automaton


def _elements_in(text: str, extra: Mapping[str, Iterable[str]] | None, enough: int) -> int:
    """How many elements have a label somewhere in ``text`` (counting stops at ``enough``).

    A label the pattern matches is a substring of the text, so fewer than ``enough`` here means
    fewer than ``enough`` elements in ``parse_guide_text``: the caller may skip the pattern.
    """
    finder = _finder(_freeze(extra) if extra else ())
    if finder is None:
        return enough
    seen: set[str] = set()
    for _, element in finder.iter(text):
        seen.add(element)
        if len(seen) >= enough:
            break
    return len(seen)


def parse_guide_text(text: str, extra: Mapping[str, Iterable[str]] | None = None) -> Guide:
    """Read element labels and values from a page's collapsed visible text."""
    text = normalize(text)
    if not _elements_in(text, extra, 1):
        return Guide()  # most pages: no element label anywhere
    return _parse(text, extra)


def _parse(text: str, extra: Mapping[str, Iterable[str]] | None) -> Guide:
    """``parse_guide_text`` of an already normalized text."""
    pattern, owner = _pattern(extra)
    guide = Guide()
    hits = list(pattern.finditer(text))
    if hits:  # the site footer prints 联系电话 and 地址 on every page: labels after it do not count
        page_end = _PAGE_END.search(text, hits[0].end())
        hits = [h for h in hits if page_end is None or h.start() < page_end.start()]
    for i, mo in enumerate(hits):
        element = owner[mo.group("label")]
        end = hits[i + 1].start() if i + 1 < len(hits) else len(text)
        value = clean_value(text[mo.end() : end])
        if not element:
            continue
        guide.labels.add(element)
        if element not in guide.fields or (not _present(guide.fields[element]) and _present(value)):
            guide.fields[element] = value
    return guide


def clean_value(raw: str) -> str:
    """A label's value: colon and brackets stripped, cut at the footer, at most ``_MAX_VALUE`` chars."""
    value = raw.lstrip(" :：】]）)")
    cut = _FOOTER.search(value)
    if cut:
        value = value[: cut.start()]
    value = _TRAIL_NUMBER.sub("", collapse(value))[:_MAX_VALUE]
    return _NUMBERING.sub("", value) if len(value) < 6 else value


def _present(value: str) -> bool:
    return value.strip(" 。.;；") not in _PLACEHOLDER


def is_guide(guide: Guide, title: str, *, in_service_column: bool = False) -> bool:
    """True when a page is a service guide: a guide title or 事项名称 with 3+ element labels, or 5+."""
    elements = guide.labels - {"name"}
    if len(elements) >= 5:
        return True
    signal = in_service_column or "name" in guide.labels or bool(_GUIDE_TITLE.search(title))
    return signal and len(elements) >= 3


# --- the tree reader (crawl time) ---------------------------------------------------------

_CELL_LABEL = re.compile(r"^[【\[]?\s*(?P<label>[\u4e00-\u9fff]{2,8})\s*[】\]]?\s*[:：]?$")


def guide_fields(tree: LexborHTMLParser, page: Page, overrides: Mapping[str, Any] | None = None) -> dict[str, str]:
    """Element -> value from label cells (th/td, dt/dd, label span + sibling); {} when not a guide; never raises."""
    try:
        selectors = (overrides or {}).get("selectors") or {}
        extra = (overrides or {}).get("labels") or None
        root: Any = tree
        if selectors.get("guide_root"):
            root = tree.css_first(selectors["guide_root"]) or tree
        text = normalize(collapse(root.text(separator=" ")) if root is not tree else page.text)
        if not selectors and _elements_in(text, extra, 2) < 2:
            return {}  # most pages: fewer than two element labels in the text (the test below, cheaper)
        text_guide = _parse(text, extra)
        if len(text_guide.labels) < 2 and not selectors:
            return {}  # most pages: no guide labels in the text, no need to walk the tree
        fields = _cell_pairs(root, selectors.get("guide_label"), extra)
        for element, value in text_guide.fields.items():
            if element not in fields or not _present(fields[element]):
                fields[element] = value
        elements = set(fields) | text_guide.labels
        probe = Guide(fields, elements)
        return fields if is_guide(probe, page.title) else {}
    except Exception:  # a guide we cannot read must never cost the page its other data
        log.warning("guide extraction failed on %s", page.url, exc_info=True)
        return {}


def _cell_pairs(root: Any, label_selector: str | None, extra: Mapping[str, Iterable[str]] | None) -> dict[str, str]:
    """Values of elements whose label is the whole text of a cell, term or heading."""
    _, owner = _pattern(extra)
    nodes = root.css(label_selector) if label_selector else root.css("th, td, dt, h3, h4, strong, b, span, label")
    fields: dict[str, str] = {}
    for node in nodes:
        mo = _CELL_LABEL.match(collapse(node.text(separator=" ")))
        element = owner.get(mo.group("label")) if mo else None
        if not element:
            continue
        value = _next_text(node)
        if element not in fields or (not _present(fields[element]) and _present(value)):
            fields[element] = value
    return fields


def _next_text(node: LexborNode) -> str:
    """Text of the next element sibling (the value cell, the <dd>, the paragraph after a heading)."""
    cur = node.next
    while cur is not None and not cur.is_element_node:
        if (cur.text_content or "").strip(" :：\n\t"):
            return clean_value(cur.text_content or "")
        cur = cur.next
    return clean_value(cur.text(separator=" ")) if cur is not None else ""


# --- service item lists (办事事项: tables, ul lists, card grids) -----------------------------
#
# What real item lists look like (sources, read with the search tool; no markup copied):
# - a provincial 政务服务网 item list (a Gansu JSP template, gszwfw.gov.cn): ``ul > li`` rows, the
#   item name in a ``span`` without a link, then 在线办理 / 办事指南 / 我要收藏 / 我要咨询 buttons,
#   the guide opened by an ``onclick`` handler (no href): a guide we cannot follow, not a missing one;
# - menus that put 办事指南 among other entries (``div.item > a`` per entry, a JSP site template
#   found with find_string ">办事指南</a>"): several named links in one block make a menu, not a row;
# - an Insigma 网上办事大厅 catalogue (``ul.v-cata-list > li``): a ``div.pull-right`` of 在线办理
#   buttons beside the item's own link to ``catalogue/detail/<id>``;
# - the guide pages themselves (tangtaocode/tangtao.code risenetNewHall/.../appItemWebSiteGuideInfo.jsp):
#   a label/value table starting with 事项名称, read by ``guide_fields`` above;
# - county 办事事项 columns on TRS/Hanweb sites: tables whose header row has 事项名称 (with 实施主体,
#   办理时限 ...) and one row per item, or card grids (``div`` per item with its name, 办理部门 and
#   办事指南 / 在线办理 buttons).
# Each row becomes {"name", "source" (table | buttons | list), "links": [{"text", "url", "state",
# "role"}]} where state is "link" (a URL), "script" (an onclick/javascript: handler) or "empty"
# (href missing, "" or "#"), and role is "guide", "online" or "name".

_GUIDE_ACTION = re.compile(r"^(?:(?:查看)?(?:办事|服务|办理)?指南|(?:查看)?详情|查看)$")
_ONLINE_ACTION = re.compile(r"^(?:在线|网上|立即|马上|我要|去)?(?:办理|申办|申报|申请|预约|办)$")
_ACTION_TEXT = re.compile(
    r"(?:查看)?(?:办事|服务|办理)?指南|(?:查看)?详情|(?:在线|网上|立即|马上|我要|去)(?:办理|申办|申报|申请|预约|办)"
    r"|我要(?:收藏|咨询|评价|投诉)|收藏|咨询|评价"
)
_ACTION_CHARS = re.compile("[指详查办申预]")  # a character of every _GUIDE_ACTION / _ONLINE_ACTION match
_NAME_HEADER = re.compile(r"^(?:事项名称|服务事项|服务事项名称|办理事项|事项|服务名称|项目名称|审批事项|许可事项)$")
_LIST_SIGNAL = re.compile(r"办事指南|服务指南|在线办理|网上办理|在线申办|事项名称")
# Titles of service items (also used by checks/services.py for generic 办事服务 columns).
_ITEM_WORDS = (
    r"办理|申请|申报|登记|审批|许可|核准|备案|认定|变更|注销|补办|换发|确认|给付|核发|审核|年检"
    r"|注册|延续|迁移|发放|证明|[证照]$"
)
# The lookahead (the words' first characters) lets the engine skip the other positions fast.
ITEM_TITLE = re.compile("(?=[办申登审许核备认变注补换确给年延迁发证照])(?:" + _ITEM_WORDS + ")")
# The words of ITEM_TITLE that may stand anywhere (all but the final 证/照): _item_titles_at_most.
_ITEM_WORD = re.compile("(?=[办申登审许核备认变注补换确给年延迁发证])(?:" + _ITEM_WORDS.removesuffix("|[证照]$") + ")")
_LABEL_VALUE = re.compile(r"^[\u4e00-\u9fff]{2,8}[:：]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_MAX_ROW_TEXT = 240
_MAX_ROWS = 400


def service_rows(tree: LexborHTMLParser, resolve: Any, text: str) -> list[dict[str, Any]]:
    """The rows of the page's service item lists (tables, button rows, ul lists); [] when none; never raises.

    ``text`` is the page's visible text: pages without a signal word or three item titles are skipped
    without walking the tree.
    """
    try:
        if not _LIST_SIGNAL.search(text) and (len(ITEM_TITLE.findall(text)) < 3 or not _has_item_list(tree)):
            return []
        done: set[int] = set()
        rows = _table_rows(tree, resolve, done)
        rows += _button_rows(tree, resolve, done)
        rows += _list_rows(tree, resolve, done)
        return rows[:_MAX_ROWS]
    except Exception:  # a list we cannot read must never cost the page its other data
        log.warning("service list extraction failed", exc_info=True)
        return []


def _item_titles_at_most(text: str) -> int:
    """At least the number of entries of a list that ITEM_TITLE finds in, given the list's text
    (``text(separator=" ")``, as each entry's is read): a word of an entry is in one text node,
    so in the list's text, where ``findall`` meets one match at least per entry that holds one
    (the separators end every match); an entry found only by its final 证 or 照 has that
    character there. So a list whose bound falls short of the share ``_list_rows`` asks for has
    no need to read its entries one by one (tested against reading them)."""
    return len(_ITEM_WORD.findall(text)) + text.count("证") + text.count("照")


def _has_item_list(tree: LexborHTMLParser) -> bool:
    """Cheap test for a ul list of item titles (the only layout without a signal word)."""
    return any(len(ul.css("li")) >= 3 and len(ITEM_TITLE.findall(ul.text())) >= 3 for ul in tree.css("ul, ol"))


def _link(node: LexborNode, resolve: Any, role: str) -> dict[str, Any]:
    """One anchor or button of a row: its text, URL and whether a visitor can follow it."""
    attrs = node.attributes
    href = (attrs.get("href") or "").strip()
    text = collapse(node.text(separator=" "))
    url = resolve(href) if href and not href.startswith(("#", "javascript:", "JavaScript:")) else None
    scripted = bool(attrs.get("onclick")) or href.lower().startswith("javascript:") and len(href) > 20
    state = "link" if url else "script" if scripted else "empty"
    return {"text": text[:40], "url": url, "state": state, "role": role}


def _role(text: str) -> str:
    squeezed = "".join(text.split())
    if _GUIDE_ACTION.match(squeezed):
        return "guide"
    if _ONLINE_ACTION.match(squeezed):
        return "online"
    return "name" if len(_CJK.findall(squeezed)) >= 4 else "other"


def _row_name(row: LexborNode) -> str:
    """The item's name: its own link, else the first text of 4+ characters that is no button or label."""
    for a in row.css("a"):
        text = collapse(a.text(separator=" "))
        if _role(text) == "name" and not _ACTION_TEXT.fullmatch("".join(text.split())):
            return text[:80]
    for piece in _pieces(row):
        if _LABEL_VALUE.match(piece):
            label, _, value = re.split(r"([:：])", piece, maxsplit=1)
            if label in ELEMENT_LABELS["name"] and len(_CJK.findall(value)) >= 4:
                return value.strip()[:80]
            continue
        squeezed = "".join(piece.split())
        if len(_CJK.findall(squeezed)) >= 4 and not _ACTION_TEXT.fullmatch(squeezed):
            return piece[:80]
    return ""


def _pieces(row: LexborNode) -> list[str]:
    """The row's separate texts (one per text node), in order."""
    out = []
    for node in row.traverse(include_text=True):
        if node.tag == "-text":
            text = collapse(node.text_content or "")
            if text:
                out.append(text)
    return out


def _row(row: LexborNode, resolve: Any, source: str, name: str | None = None) -> dict[str, Any] | None:
    links = [_link(a, resolve, _role(collapse(a.text(separator=" ")))) for a in row.css("a, button")]
    name = name if name is not None else _row_name(row)
    if not name:
        return None
    squeezed = "".join(name.split())
    for link in links:
        text = "".join(link["text"].split())
        if link["role"] == "other" and text and text in squeezed:
            link["role"] = "name"
        elif link["role"] == "name" and text not in squeezed:
            link["role"] = "other"  # another cell's link (the department, a download): not the item's
    return {"name": name, "source": source, "links": [lk for lk in links if lk["role"] != "other"]}


def _table_rows(tree: LexborHTMLParser, resolve: Any, done: set[int]) -> list[dict[str, Any]]:
    """Rows of tables whose header names the item column (事项名称 ...)."""
    out: list[dict[str, Any]] = []
    for table in tree.css("table"):
        trs = [tr for tr in table.css("tr") if _table_of(tr) == table.mem_id]  # not a nested table's rows
        if len(trs) < 2:
            continue
        header = [collapse(c.text(separator=" ")) for c in _cells(trs[0])]
        index = next((i for i, h in enumerate(header) if _NAME_HEADER.match("".join(h.split()))), None)
        if index is None or len(header) < 2:
            continue
        _, owner = _DEFAULT
        firsts = ["".join(collapse(cells[0].text()).split()) if (cells := _cells(tr)) else "" for tr in trs[1:]]
        if sum(f.strip("【】[]:：") in owner for f in firsts) * 2 >= len(firsts):
            continue  # a guide's label/value table (事项名称 | X | 事项类型 | Y), not a list of items
        for tr in trs[1:]:
            cells = _cells(tr)
            if len(cells) != len(header) or tr.mem_id in done:
                continue  # nested or spanning rows are not item rows
            name = collapse(cells[index].text(separator=" "))[:80]
            if len(_CJK.findall(name)) < 4:
                continue
            row = _row(tr, resolve, "table", name)
            if row is not None:
                done.add(tr.mem_id)
                out.append(row)
    return out


def _table_of(node: LexborNode) -> int | None:
    """The mem_id of the nearest table around a node."""
    cur = node.parent
    while cur is not None and cur.tag != "table":
        cur = cur.parent
    return cur.mem_id if cur is not None else None


def _cells(tr: LexborNode) -> list[LexborNode]:
    """The row's own cells (a nested table's cells are not this row's)."""
    return [c for c in tr.iter() if c.tag in ("td", "th")]


def _button_rows(tree: LexborHTMLParser, resolve: Any, done: set[int]) -> list[dict[str, Any]]:
    """Rows (li, tr, div cards) that carry 办事指南 / 在线办理 buttons, in lists of two or more."""
    groups: dict[int, list[LexborNode]] = {}
    seen: set[int] = set()
    for button in tree.css("a, button"):
        raw = button.text(separator=" ")
        # Every guide or online action holds one of these characters (most links hold none).
        if not _ACTION_CHARS.search(raw) or _role(collapse(raw)) not in ("guide", "online"):
            continue
        row = _row_of(button)
        if row is None or row.mem_id in seen or row.parent is None:
            continue
        seen.add(row.mem_id)
        groups.setdefault(row.parent.mem_id, []).append(row)
    out: list[dict[str, Any]] = []
    for rows in groups.values():
        if len(rows) < 2 or len({r.tag for r in rows}) > 1:
            continue  # one button block is a detail page's toolbar, not a list
        # A menu block (外事新闻 | 交流信息 | 办事指南 ...) holds several named links; an item row one at most.
        items = [node for node in rows if node.mem_id not in done and sum(
            _role(collapse(a.text(separator=" "))) == "name" for a in node.css("a")) <= 1]
        built = [r for r in (_row(node, resolve, "buttons") for node in items) if r]
        if len({r["name"] for r in built}) < 2:
            continue
        done.update(node.mem_id for node in rows)
        out += built
    return out


def _row_of(button: LexborNode) -> LexborNode | None:
    """The nearest ancestor of a button whose text, buttons aside, names something (the item row)."""
    node = button.parent
    for _ in range(5):
        if node is None or node.tag in ("body", "html", "table", "tbody", "ul", "ol"):
            return None
        text = "".join(collapse(node.text(separator=" ")).split())
        if len(text) > _MAX_ROW_TEXT:
            return None
        rest = _ACTION_TEXT.sub("", text)
        if len(_CJK.findall(rest)) >= 4:
            for _ in range(3):  # a row wrapped alone in its li (li > div.row): the li is the row
                parent = node.parent
                if parent is None or parent.tag in ("body", "html", "ul", "ol", "table", "tbody") \
                        or sum(1 for c in parent.iter() if c.is_element_node) != 1:
                    break
                node = parent
            return node
        node = node.parent
    return None


def _list_rows(tree: LexborHTMLParser, resolve: Any, done: set[int]) -> list[dict[str, Any]]:
    """Plain ul/ol lists of item titles where some entries are links and some are not."""
    out: list[dict[str, Any]] = []
    for ul in tree.css("ul, ol"):
        lis = [li for li in ul.iter() if li.tag == "li" and li.mem_id not in done]
        # A bound on the entries that name an item spares reading each entry of a menu (see
        # _item_titles_at_most).
        if len(lis) < 3 or _item_titles_at_most(ul.text(separator=" ")) * 5 < len(lis) * 3:
            continue
        names = [collapse(li.text(separator=" "))[:80] for li in lis]
        if sum(bool(ITEM_TITLE.search(n)) and len(n) <= 60 for n in names) * 5 < len(names) * 3:
            continue
        rows = [_row(li, resolve, "list", _row_name(li) or name) for li, name in zip(lis, names, strict=True)]
        kept = [r for r in rows if r is not None]
        linked = sum(any(lk["state"] == "link" for lk in r["links"]) for r in kept)
        if linked == 0 or linked == len(kept):
            continue  # only a list that links some items and not others says an item lacks one
        done.update(li.mem_id for li in lis)
        out += kept
    return out
