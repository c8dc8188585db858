"""Service guides: service.no_guide and service.guide_incomplete.

Rules (data/rules.yaml ``services``): 国办秘函〔2019〕19号 lists the key elements of a guide;
issue 4 names the seven checked one by one and what makes each vague. Service items are
the entries of service columns (办事事项, 办事指南 ...; in generic 办事服务 columns only
titles that read like an item); guides are recognised anywhere by their labels. Items that
link to another platform are not judged here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..extract.dates import normalize
from ..extract.guides import ELEMENT_LABELS, ITEM_TITLE, Guide, is_guide, parse_guide_text
from ..extract.links import NAME_SEP
from ..model import Column, Finding, Page
from ..snapshot import Snapshot
from ..urls import normalize_url
from .availability import UNREADABLE
from .base import Context, walk

ELEMENT_NAMES = {
    "name": "事项名称", "basis": "设定依据", "conditions": "申请条件", "materials": "办理材料",
    "location": "办理地点", "time": "办理时间", "phone": "联系电话", "process": "办理流程",
    "fee": "收费标准", "deadline": "办理时限", "agency": "办理机构", "review": "审查标准",
}
_STRONG_COLUMN = re.compile(
    r"办事指南|服务指南|办事事项|服务事项|事项清单|事项目录|权力清单|责任清单|行政许可|行政审批"
    r"|审批事项|许可事项|公共服务事项|依申请"
)
_WEAK_COLUMN = re.compile(r"网上办事|办事服务|政务服务|便民服务|在线办事|个人办事|法人办事|企业办事|部门办事|主题服务|办事$")
_ITEM_TITLE = re.compile(
    r"办理|申请|申报|登记|审批|许可|核准|备案|认定|变更|注销|补办|换发|确认|给付|核发|审核|年检"
    r"|注册|延续|迁移|发放|证明|[证照]$"
)
_NEWS_TITLE = re.compile(r"^关于|通知|公告|公示|会议|召开|动态|简报|工作要点|总结")
_NO_GUIDE = re.compile(
    r"暂无(?:相关)?(?:办事|服务)?指南|(?:办事|服务)指南\s*[:：]?\s*(?:暂无|待补充|未公布|无)(?![\u4e00-\u9fff])"
    r"|指南(?:正在|尚在|待)(?:完善|补充|编制|更新)"
)
_GUIDE_LINK = re.compile(r"(?:办事|服务|办理)指南|查看指南|指南详情")
# Powers listed beside services in 权责清单 that are no services and carry no guide (行政处罚,
# 行政强制, 行政检查, 行政征收, 行政裁决 ...: the 权力清单 categories of 中办发〔2015〕21号).
_NOT_SERVICE = re.compile(r"处罚|强制|检查|征收|征用|裁决|没收|查封|扣押|责任|监督")

# --- vagueness (issue 4) ------------------------------------------------------------------
_LAW = re.compile(r"《[^》]{2,80}》")
_ARTICLE = re.compile(r"第[一二三四五六七八九十百千零〇两\d]+[条款项]")
# A document number (文号): 国办发〔2019〕19号, 国务院令第412号, 主席令第五十七号, 2019年第3号公告.
_DOC_NO = re.compile(
    r"[〔\[(（【]\s*(?:19|20)\d{2}\s*[〕\])）】]\s*第?\s*\d{1,4}\s*号"
    r"|(?:令|公告|通告)\s*(?:\(|（)?\s*第\s*[一二三四五六七八九十百千零〇两\d]+\s*号"
)
# A regulation named without 《》 but with its article: 中华人民共和国行政许可法第十二条.
_NAMED_ARTICLE = re.compile(
    r"[\u4e00-\u9fff]{2,40}(?:法|条例|规定|办法|细则|规则|决定|实施意见)\s*(?:（[^）]{0,20}）)?\s*"
    r"第[一二三四五六七八九十百千零〇两\d]+条"
)
_HOURS = re.compile(r"\d{1,2}\s*[:：点时]\s*\d{0,2}|上午|下午|全天|24\s*小时|7\s*[×x*]\s*24")
_DAYS = re.compile(r"(?:周|星期|礼拜)[一二三四五六日天]|工作日|节假日|每天|每日|双休日")
_VAGUE_MATERIALS = re.compile(
    r"(?:(?:其他|其它|有关|相关)(?:的)?(?:证明|申请)?材料|等(?:相关|证明|有关)?材料)"
    r"(?=\s*(?:$|[。;；,，.]|\d+[.、．]|[（(]))"
)
_NOT_REQUIRED = re.compile(r"不得|无需|不需|不再|免于|免予")  # "不得要求申请人提交其他材料" is a promise
_PHONE = re.compile(r"(?<!\d)(?:0\d{2,3}[-\s]?)?\d{7,8}(?!\d)|(?<!\d)1[3-9]\d{9}(?!\d)|(?<!\d)(?:12345|96\d{3,4}|400\d{7})(?!\d)")
_ONLY_CONDITIONS = re.compile(
    r"^(?:对)?(?:符合|满足|具备)(?:法定|规定|相关|有关|申请|法律法规规定)?(?:的)?(?:条件|要求|规定)(?:的)?"
    r"(?:[,，]?(?:予以|准予|给予|即予)?(?:批准|受理|办理|许可|通过|审批|核准|同意))?(?:[;；,，]?(?:不符合.{0,12}))?$"
)
_GENERIC_CONDITIONS = re.compile(r"^(?:符合|按照?|依照|根据)(?:相关|有关|法定|国家)?(?:法律法规|规定|条件|要求|政策)(?:的?要求|规定)?(?:办理)?$")
_PLACEHOLDER = frozenset({"", "无", "暂无", "/", "-", "—", "--", "空", "待补充", "暂缺", "略"})


@dataclass(slots=True)
class _Item:
    """A service item: the page judged, its name and what was read from it."""

    url: str
    name: str
    guide: Guide


def check(snap: Snapshot, ctx: Context) -> list[Finding]:
    return walk(snap, visitor(snap, ctx))


def visitor(snap: Snapshot, ctx: Context) -> ServicesVisitor:
    return ServicesVisitor(snap, ctx)


class ServicesVisitor:
    """Service items and guides, page by page; only names and element values are kept."""

    def __init__(self, snap: Snapshot, ctx: Context) -> None:
        home = snap.home
        # A home page that fails or is not HTML: availability reports why, nothing to add here.
        self.off = home is None or not home.ok or home.error in UNREADABLE or not home.is_html
        self.ctx, self.url = ctx, snap.home_url or ctx.site.url
        self.overrides: Mapping[str, Any] = ctx.site.overrides.get("services") or {}
        self.extra = self.overrides.get("labels") or None
        self.items = _service_items(snap.columns, self.overrides)
        self.guides: list[_Item] = []
        self.missing: list[_Item] = []
        # Item pages known only from a service list row, decided at the end (rows may come later):
        # key -> (URL, <title>, shows the item named by a row seen earlier: True/False, None if none yet).
        # Nearly every article page is one: kept in the snapshot's database, not in memory.
        self.bare = snap.scratch()
        self.row_names: dict[str, str] = {}  # key of a row's target -> the item's name, as rows arrive
        self.shells: list[str] = []  # item pages that do not show their item (a script renders them)
        self.weak: dict[str, _Item] = {}  # key -> a page with two guide labels (a guide if a row names it)
        self.rows: list[tuple[str, dict[str, Any]]] = []  # (list page URL, row) from extract/guides.py

    def visit(self, page: Page) -> None:
        if self.off or not page.ok or page.attachment or not page.is_html:
            return
        key = page.url if page.url in self.items else normalize_url(page.final_url or "") or ""
        listed = self.items.get(key)
        in_column = listed is not None or _url_override(page.url, self.overrides)
        guide = Guide() if _no_guide_labels(page, self.extra) else _guide_of(page, self.extra)
        item = _Item(page.url, guide.item or listed or _title_name(page.title), guide)
        elements = len(guide.labels - {"name"})
        for row in getattr(page, "services", None) or ():
            if isinstance(row, dict):
                self.rows.append((page.url, row))
                if (target := _row_target(row)) is not None:
                    self.row_names.setdefault(target, str(row.get("name") or ""))
        if elements < 3 and _says_no_guide(page.text):
            self.missing.append(item)
        elif is_guide(guide, page.title, in_service_column=in_column) or (in_column and elements >= 2):
            self.guides.append(item)
        elif in_column and (not page.items or _one_item(page, listed)) and not page.empty_marker \
                and not _links_to_guide(page):
            if listed and not _shows(page.text, listed):
                self.shells.append(page.url)  # the item's content comes from a script: not judged
            else:
                self.missing.append(item)
        elif not in_column and elements >= 2:
            for k in {page.url, key}:
                self.weak[k] = item
        elif not in_column and not page.items and not page.empty_marker and not page.services \
                and not _links_to_guide(page):
            name = self.row_names.get(page.url) or self.row_names.get(key)
            shown = _shows(page.text, name) if name else None
            for k in {page.url, key}:
                self.bare[k] = (page.url, page.title, shown)

    def finish(self) -> list[Finding]:
        if self.off:
            return []
        rules = self.ctx.rules.services
        row_found, notices = self._rows()
        self.bare.close()
        found = [Finding("service.no_guide", rules.severity, item.url, f"办事事项“{item.name}”未提供办事指南",
                         {"item": item.name}) for item in self.missing]
        found += row_found
        found += incomplete(self.guides, self.ctx)
        found.sort(key=lambda f: f.severity != "veto")  # stable: vetoes first, then page order
        out = found[: rules.max_findings]
        if len(found) > rules.max_findings:
            omitted = len(found) - rules.max_findings
            out.append(Finding("service.guide_incomplete", "notice", self.url,
                               f"另有 {omitted} 条办事指南问题未逐条列出", {"omitted": omitted}))
        out += notices
        if not self.guides and not self.missing and not row_found and not notices:
            where = "服务事项链接均指向站外平台或未能抓取" if self.items or self.rows else "未找到办事事项栏目或办事指南页面"
            out.append(Finding("crawl.incomplete", "notice", self.url, f"办事指南未能检查: {where}",
                               {"check": "services", "error": where}))
        return out

    def _rows(self) -> tuple[list[Finding], list[Finding]]:
        """Findings from service list rows: items shown without a link, or linking to a page with no guide.

        An unlinked item counts only in a list that links its other items (a catalogue that links
        nothing is a notice: its guides may live on the 政务服务网); a guide opened by a script is
        a notice, never a missing guide.
        """
        severity = self.ctx.rules.services.severity
        found: list[Finding] = []
        scripted: dict[str, int] = {}
        unlinked: dict[str, int] = {}
        judged = {normalize_url(i.url) or i.url for i in [*self.guides, *self.missing]}
        groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for list_url, row in self.rows:
            groups.setdefault((list_url, str(row.get("source"))), []).append(row)
        for (list_url, _), rows in groups.items():
            followable = [r for r in rows if any(lk.get("state") == "link" for lk in r.get("links") or ())]
            for row in rows:
                name = str(row.get("name") or "")[:60]
                links = [lk for lk in row.get("links") or () if isinstance(lk, dict)]
                # Only the item's own link or its 办事指南 button lead to its guide; an 在线办理 button
                # leads to an application system (often a login page) and proves nothing either way.
                targets = [lk for lk in links if lk.get("state") == "link" and lk.get("url")
                           and lk.get("role") in ("guide", "name")]
                guides = [lk for lk in links if lk.get("role") == "guide"]
                if guides and all(lk.get("state") == "empty" for lk in guides) and any(
                        lk.get("role") == "guide" and lk.get("state") == "link"
                        for r in rows for lk in r.get("links") or ()):
                    targets = []  # its 办事指南 button leads nowhere while the other items' buttons work
                if not targets:
                    if any(lk.get("state") == "link" for lk in links) and not guides:
                        continue  # only an 在线办理 button: the item is handled (and guided) on a platform
                    if any(lk.get("state") == "script" for lk in links):
                        scripted[list_url] = scripted.get(list_url, 0) + 1
                    elif followable and (not ITEM_TITLE.search(name) or _NOT_SERVICE.search(name)):
                        continue  # a 权责清单 lists penalties and inspections too: they have no guides
                    elif followable:
                        empty = any(lk.get("role") == "guide" for lk in links)
                        why = "“办事指南”链接为空" if empty else "列表中该事项没有链接"
                        found.append(Finding("service.no_guide", severity, list_url,
                                             f"办事事项“{name}”未提供办事指南（{why}）",
                                             {"item": name, "reason": "empty_link" if empty else "no_link",
                                              "list": list_url}))
                    else:
                        unlinked[list_url] = unlinked.get(list_url, 0) + 1
                    continue
                key = _row_target(row) or ""
                if key in self.items or key in judged:
                    continue  # judged when its page was visited
                judged.add(key)
                if key in self.weak:
                    self.guides.append(self.weak[key])
                elif (bare := self.bare.get(key)) is not None:
                    page_url, title, shown = bare
                    if not (shown if shown is not None else _shows(title, name)):
                        self.shells.append(page_url)
                        continue
                    found.append(Finding("service.no_guide", severity, page_url,
                                         f"办事事项“{name}”未提供办事指南（链接页面没有办事指南）",
                                         {"item": name, "reason": "no_guide_on_page", "list": list_url}))
        notices = [Finding("crawl.incomplete", "notice", url, f"办事事项列表中 {n} 个事项的办事指南由脚本打开，未能检查",
                           {"check": "services", "error": "办事指南由脚本打开", "items": n})
                   for url, n in scripted.items()]
        notices += [Finding("crawl.incomplete", "notice", url, f"办事事项列表中 {n} 个事项没有链接，未能检查办事指南",
                            {"check": "services", "error": "办事事项没有链接", "items": n})
                    for url, n in unlinked.items()]
        if self.shells:
            error = "事项页面未显示事项内容(可能由脚本加载)"
            notices.append(Finding("crawl.incomplete", "notice", self.shells[0],
                                   f"{len(self.shells)} 个办事事项页面未能检查办事指南: {error}",
                                   {"check": "services", "error": error, "pages": self.shells[:10],
                                    "items": len(self.shells)}))
        return found, notices


def _says_no_guide(text: str) -> bool:
    """The page says its guide is missing: every ``_NO_GUIDE`` phrase holds 指南, so most texts skip it."""
    return "指南" in text and _NO_GUIDE.search(normalize(text)) is not None


def _service_items(columns: list[Column], overrides: Mapping[str, Any]) -> dict[str, str]:
    """Normalised URL -> title of every entry of a service column."""
    extra = [str(x) for x in overrides.get("column_contains") or []]
    found: dict[str, str] = {}
    for col in columns:
        strong = bool(_STRONG_COLUMN.search(col.name)) or any(x in col.name or x in col.url for x in extra)
        if not strong and not _WEAK_COLUMN.search(col.name):
            continue
        for entry in col.items:
            if not entry.url:
                continue
            if strong or (_ITEM_TITLE.search(entry.title) and not _NEWS_TITLE.search(entry.title)):
                found[normalize_url(entry.url) or entry.url] = entry.title
    return found


def _row_target(row: Mapping[str, Any]) -> str | None:
    """The key of the page a list row leads to for its guide: its 办事指南 button, else its own link."""
    links = [lk for lk in row.get("links") or () if isinstance(lk, dict)]
    targets = [lk for lk in links if lk.get("state") == "link" and lk.get("url") and lk.get("role") in ("guide", "name")]
    if not targets:
        return None
    target = next((lk for lk in targets if lk.get("role") == "guide"), targets[0])
    return normalize_url(str(target["url"])) or str(target["url"])


_LIST_PREFIX = re.compile(r"^(?:[\[【(（][^\]】)）]{0,8}[\]】)）]|[\d.、．·•]+)+")  # "[个人]", "1." before a listed name


def _shows(text: str, name: str) -> bool:
    """True when a page's text names the item (its first eight characters): a page a script fills
    (a 政务服务网 single-page app) shows only the site's frame and is not judged."""
    stem = _LIST_PREFIX.sub("", "".join(name.split())).rstrip(".…")[:8]
    return not stem or stem in "".join(normalize(text).split())


def _one_item(page: Page, listed: str | None) -> bool:
    """True when a page with lists is still one item's page: its title names the specific item it was
    listed as (7+ characters, an item's wording), so its lists are side boxes (常用事项, 最新动态), not a
    category hub (户籍办理, 社保医保) listing items of its own."""
    if not listed or len(listed) < 7 or not _ITEM_TITLE.search(listed):
        return False
    heading = article_title_of(page)
    name = listed.rstrip(".…")
    # a page listing the item's own sub-items (子项: 建设工程规划许可证核发（变更）) is a hub too
    return name in heading and not any(name in i.title for i in page.items)


def article_title_of(page: Page) -> str:
    """The page's own title: its ArticleTitle meta or its <title>."""
    meta = next((v for k, v in page.meta.items() if k.lower() == "articletitle" and v.strip()), "")
    return normalize(meta or page.title)


def _links_to_guide(page: Page) -> bool:
    """True when the item page points to its guide elsewhere (often the provincial 政务服务网, judged there)."""
    return any(link.tag == "a" and not link.in_nav and _GUIDE_LINK.search(link.text) for link in page.links)


def _url_override(url: str, overrides: Mapping[str, Any]) -> bool:
    """True when the registry says pages under this URL are service items."""
    marks = overrides.get("item_url_contains") or []
    if isinstance(marks, str):
        marks = [marks]
    return any(str(m) in url for m in marks)


def _guide_of(page: Page, extra: Mapping[str, Any] | None) -> Guide:
    """The guide read at crawl time (``page.guide`` when the engine stored it) merged with the text."""
    guide = parse_guide_text(page.text, extra)
    stored: dict[str, str] = getattr(page, "guide", None) or {}
    for element, value in stored.items():
        guide.labels.add(element)
        if value.strip():  # the cell reader knows exactly where a value ends
            guide.fields[element] = value
    return guide


def _label_groups() -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """The guide labels by element as parse_guide_text owns them: the name's, and each other element's."""
    owner: dict[str, str] = {}
    for element, labels in ELEMENT_LABELS.items():
        for label in labels:
            owner.setdefault(label, element)
    groups: dict[str, list[str]] = {}
    for label, element in owner.items():
        groups.setdefault(element, []).append(label)
    names = tuple(groups.pop("name", ()))
    return names, tuple(tuple(labels) for labels in groups.values())


_NAME_LABELS, _ELEMENT_GROUPS = _label_groups()
# Only labels of CJK ideographs read the same in the raw text and after ``normalize``.
_RAW_LABELS = all(re.fullmatch(r"[\u4e00-\u9fff]+", x) for g in (_NAME_LABELS, *_ELEMENT_GROUPS) for x in g)


def _no_guide_labels(page: Page, extra: Mapping[str, Any] | None) -> bool:
    """True when the page's guide cannot matter: no stored guide, no 事项名称 label and at most one
    element's labels in its text. Such a guide is never a guide nor a weak one (two elements at
    least) and names no item, so visit decides as it would with an empty one; most pages (a footer
    with 联系电话) are like this and skip parse_guide_text.

    One pass of ``_LABEL_TAIL`` over the text finds where any label could end (its last two
    characters); only there are the labels ending in them compared: 13 against 55 us per
    TRS-like page for a ``label in text`` of each of the 71 labels, the same answer (tested)."""
    if extra or not _RAW_LABELS or getattr(page, "guide", None):
        return False
    text = page.text
    seen: int | None = None  # the one element whose labels are in the text so far
    for m in _LABEL_TAIL.finditer(text):
        end = m.start() + 2
        for label, group in _BY_TAIL[m.group(1)]:
            if group != seen and text.startswith(label, end - len(label)):
                if group < 0 or seen is not None:
                    return False  # the item's name, or a second element
                seen = group
    return True


def _labels_by_tail() -> dict[str, tuple[tuple[str, int], ...]]:
    """Each label under its last two characters, with its element's position in ``_ELEMENT_GROUPS``
    (-1: a name label)."""
    out: dict[str, list[tuple[str, int]]] = {}
    for group, labels in ((-1, _NAME_LABELS), *enumerate(_ELEMENT_GROUPS)):
        for label in labels:
            out.setdefault(label[-2:], []).append((label, group))
    return {tail: tuple(v) for tail, v in out.items()}


_BY_TAIL = _labels_by_tail()
# finditer passes over a tail that starts on the last character of the tail before it (流程序:
# 流程, then 程序); that hides a label only if the two characters before its end are a tail too
# (none is: 办理程序 has 理程). Should a label ever be so, every position is tried (slower).
_TAILS = "|".join(map(re.escape, _BY_TAIL))
_LABEL_TAIL = re.compile(f"(?=({_TAILS}))" if any(
    label[-3:-1] in _BY_TAIL for hits in _BY_TAIL.values() for label, _ in hits) else f"({_TAILS})")


def _title_name(title: str) -> str:
    """The item part of a "事项 - 站点" title."""
    parts = [p for p in NAME_SEP.split(title) if p]
    keep = [p for p in parts if "政府" not in p and "网站" not in p and p != "指南"]
    return (keep or parts or [title])[0][:60]


def incomplete(guides: list[_Item], ctx: Context) -> list[Finding]:
    """Missing and vague elements of every guide; missing ones escalated to veto past the U threshold."""
    rules = ctx.rules.services
    veto = rules.veto
    per_item: list[tuple[_Item, list[str], list[tuple[str, str]]]] = []
    for item in guides:
        missing = [e for e in dict.fromkeys([*rules.elements, *veto.elements]) if not _present(item.guide, e)]
        vague = [(e, why) for e in [*rules.elements, "review"] if e not in missing
                 and (why := vagueness(e, item.guide.fields.get(e, "")))]
        per_item.append((item, missing, vague))
    heavy = [i for i, (_, missing, _) in enumerate(per_item)
             if sum(e in veto.elements for e in missing) >= veto.missing_elements]
    vetoed = set(heavy) if len(heavy) >= veto.items else set()
    out: list[Finding] = []
    for index, (item, missing, vague) in enumerate(per_item):
        for element in (e for e in missing if e in rules.elements):
            evidence: dict[str, Any] = {"element": element, "problem": "missing", "item": item.name}
            severity, note = rules.severity, ""
            if index in vetoed:
                severity, note = "veto", f"（{len(heavy)} 个事项缺少 {veto.missing_elements} 类及以上要素，达到单项否决标准）"
                evidence.update(missing_elements=[e for e in missing if e in veto.elements],
                                veto_rule=f"{veto.confidence}: {veto.missing_elements}+ elements missing in {veto.items}+ items")
            out.append(Finding("service.guide_incomplete", severity, item.url,
                               f"办事指南“{item.name}”缺少{ELEMENT_NAMES[element]}{note}", evidence))
        for element, why in vague:
            out.append(Finding("service.guide_incomplete", rules.severity, item.url,
                               f"办事指南“{item.name}”{ELEMENT_NAMES[element]}表述含糊: {why}",
                               {"element": element, "problem": "vague", "item": item.name,
                                "value": item.guide.fields.get(element, "")[:120]}))
    return out


def _present(guide: Guide, element: str) -> bool:
    value = guide.fields.get(element, "").strip(" 。.;；:：")
    return element in guide.labels and value not in _PLACEHOLDER


def vagueness(element: str, value: str) -> str | None:
    """Why an element's value is vague (issue 4), or None when it is concrete or not judged."""
    text = normalize(value).strip()
    if not text:
        return None
    if element == "basis":
        # Specific: a named regulation with its article or its 文号 (issue 8); vague: 相关法律法规,
        # 有关规定, 国家政策 and other words that name nothing.
        if _NAMED_ARTICLE.search(text):
            return None
        if not _LAW.search(text):
            return "未写明法律法规名称"
        if not _ARTICLE.search(text) and not _DOC_NO.search(text):
            return "未写明具体条款或文号"
    elif element == "time":
        if not _HOURS.search(text) and not _DAYS.search(text):
            return "未写明具体办理日期和时间"
    elif element == "materials":
        for mo in _VAGUE_MATERIALS.finditer(text):
            if not _NOT_REQUIRED.search(text, max(0, mo.start() - 12), mo.start()):
                return "材料清单以“其他材料”“相关材料”等兜底"
    elif element == "phone":
        if not _PHONE.search(text):
            return "未写明电话号码"
    elif element == "review":
        core = re.sub(r"[\s。.]", "", text)
        if _ONLY_CONDITIONS.match(core):
            return "仅写“符合条件”，未列明审查标准"
    elif element == "conditions":
        core = re.sub(r"[\s。.]", "", text)
        if len(core) <= 16 and _GENERIC_CONDITIONS.match(core):
            return "仅写“符合有关规定”，未列明申请条件"
    return None
