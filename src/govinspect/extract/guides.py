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

from selectolax.lexbor import LexborHTMLParser, LexborNode

from govinspect.model import Page

from .dates import normalize
from .links import collapse

__all__ = [
    "ELEMENT_LABELS", "KEY_ELEMENTS", "Guide", "guide_fields", "is_guide", "parse_guide_text",
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
    return re.compile(f"{_BEFORE}[【\\[]?(?P<label>{alts}){_AFTER}"), owner


_DEFAULT = _compiled(())


def parse_guide_text(text: str, extra: Mapping[str, Iterable[str]] | None = None) -> Guide:
    """Read element labels and values from a page's collapsed visible text."""
    pattern, owner = _pattern(extra)
    text = normalize(text)
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
        text_guide = parse_guide_text(collapse(root.text(separator=" ")) if root is not tree
                                      else page.text, extra)
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
