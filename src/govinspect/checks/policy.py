"""Policy interpretations (政策解读): policy.interpretation_weak.

P: 国办发〔2017〕47号《政府网站发展指引》 asks interpretations to explain a policy's background
and concrete measures and to be linked with the policy itself (解读与政策文件关联). An
interpretation page (in a 解读 column, or titled 解读 / 图解 / 一图读懂 / 答记者问) is weak
when it neither links to its policy nor explains specific content (rules.yaml ``policy``:
``pass_when: either``; ``both`` asks for both). The body is the page text without the
boilerplate it shares with a sibling page, so the site's menus never count as content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ..extract.columns import column_name
from ..extract.dates import find_dates, normalize
from ..extract.links import TITLE_SEP
from ..model import Column, Finding, Page
from ..rules import InterpretationRules
from ..snapshot import Snapshot
from ..urls import normalize_url
from .base import Context, walk

_READING_COLUMN = re.compile(r"解读|回应|问答|图解")
_POLICY_COLUMN = re.compile(r"政策文件|规范性文件|政府文件|政策法规|文件$|决策公开|法规")
_READING_TITLE = re.compile(
    r"^(?:解读|图解|一图读懂|一图看懂|一图了解|一图速览|图说|图读|动漫解读|视频解读|政策解读)"
    r"|解读$|解读[:：]|的解读|政策解读|政策问答|答记者问"
)
_GRAPHIC_TITLE = re.compile(r"^(?:图解|一图|图说|图读|动漫)|图解")
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,10}[〔\[(（【]\s*(?:19|20)\d{2}\s*[〕\])）】]\s*\d{1,4}\s*号")
_DOC_NAME = re.compile(r"《([^》]{4,80})》")
_LINK_TEXT = re.compile(r"原文|全文|政策文件|相关文件|文件下载|附件|点击查看|查看文件|《[^》]{2,}》")
_LINK_LEAD = re.compile(r"(?:原文|原文链接|政策原文|文件原文|相关文件|文件链接|附件|全文)\s*[:：]?\s*$")
_NUMBERED = [
    re.compile(r"[一二三四五六七八九十]是"), re.compile(r"[(（][一二三四五六七八九十][)）]"),
    re.compile(r"(?:^|\s|。)[一二三四五六七八九十]、"), re.compile(r"(?:^|\s|。|[:：])\d{1,2}[.、．](?!\d)"),
    re.compile(r"第[一二三四五六七八九十]+(?:条|项|是|，|,)"),
    # issue 8: other ways interpretations enumerate measures: （1）, ①, 首先/其次/再次/最后, 第一/第二.
    re.compile(r"[(（]\d{1,2}[)）]"), re.compile(r"[①②③④⑤⑥⑦⑧⑨⑩]"),
    re.compile(r"(?:^|[\s。；;，,])(?:首先|其次|再次|最后|此外)[，,]"), re.compile(r"第[一二三四五六七八九十][，,、]"),
]
# Enumerated points that spell out a policy's measures even in a short body (issue 8).
_POINTS_EXPLAIN = 3
_POINTS_MIN_CHARS = 150
# The policy's own name as a link text may drop the wrapper of its 印发 notice.
_WRAPPER = re.compile(r"^.{0,30}?关于印发|^关于|的通知$|的决定$|的意见$|[（(][^）)]{0,20}[）)]$")
_AMOUNT = re.compile(r"\d+(?:\.\d+)?\s*(?:万元|亿元|千元|元|万亩|亩|户|人次|万人|名|个百分点|平方米|公里|吨)")
_PERCENT = re.compile(r"\d+(?:\.\d+)?\s*%|百分之[一二三四五六七八九十百]+")
_TARGET = re.compile(r"(?:到|至|截至|截止)\s*20\d{2}\s*年|\d+\s*(?:项|条|个方面|类)(?:措施|举措|任务|政策|重点|内容)")
_META = re.compile(r"(?:发布时间|发布日期|信息来源|来源|作者|浏览次数|点击数|阅读次数|访问量|字号|责任编辑)\s*[:：]?")
_META_TAIL = re.compile(r"(?:\s*(?:[大中小]|[\]】\[【|｜]|默认|打印|关闭|分享到?|收藏))+\s*")
_FOOTER = re.compile(
    r"[【\[](?:打印本页|打印|关闭窗口|关闭)[】\]]|打印本页|关闭窗口|上一篇|下一篇|相关链接|相关阅读|相关文章|分享到"
    r"|主办单位|版权所有|网站标识码"
)
_SIBLINGS = 3


@dataclass(slots=True)
class Judgement:
    """How one interpretation page fares: linked to its policy, body length, concrete measures."""

    linked: bool
    cited: bool
    chars: int
    measures: list[str]
    graphic: bool
    points: int = 0  # distinct enumerated points (一是/二是, （1）, ① ...)

    def reasons(self, rules: InterpretationRules) -> list[str]:
        """no_link, too_short and no_measures as they apply; a short body dense with measures explains."""
        out = [] if self.linked else ["no_link"]
        dense = (rules.dense_min_chars is not None and self.chars >= rules.dense_min_chars
                 and len(self.measures) >= rules.dense_measures)
        spelled = self.points >= _POINTS_EXPLAIN and self.chars >= _POINTS_MIN_CHARS
        if self.chars < rules.min_body_chars and not dense and not spelled:
            out.append("too_short")
        elif not self.measures:
            out.append("no_measures")
        return out


def check(snap: Snapshot, ctx: Context) -> list[Finding]:
    return walk(snap, visitor(snap, ctx))


def visitor(snap: Snapshot, ctx: Context) -> PolicyVisitor:
    return PolicyVisitor(snap, ctx)


class PolicyVisitor:
    """Interpretation pages judged as they come; a few other pages' texts are kept to strip boilerplate."""

    def __init__(self, snap: Snapshot, ctx: Context) -> None:
        self.rules, self.home_url, self.snap = ctx.rules.policy, snap.home_url, snap
        self.policy_keys = _item_keys([c for c in snap.columns if _is_policy_column(c)])
        self.reading_keys = _item_keys([c for c in snap.columns if _READING_COLUMN.search(c.name)])
        self.siblings: list[tuple[str, str]] = []  # (url, normalised text) of up to _SIBLINGS pages
        self.pending: list[Page] = []  # interpretations seen before any other page (judged on the next)
        self.findings: list[Finding] = []
        self.count = 0

    def visit(self, page: Page) -> None:
        if not page.ok or page.attachment or page.empty_marker or page.url == self.home_url:
            return
        # An entry of a 解读 column is judged even when a dated "related" box made it look like a list.
        if page.url in self.reading_keys or (not page.items and _is_reading(page)):
            self.pending.append(page)
        if not page.items and len(self.siblings) < _SIBLINGS:
            self.siblings.append((page.url, normalize(page.text)))
        if len(self.siblings) > 1 or (self.siblings and self.pending and self.siblings[0][0] != self.pending[0].url):
            self._flush()

    def finish(self) -> list[Finding]:
        self._flush()
        return self.findings

    def _flush(self) -> None:
        for page in self.pending:
            texts = [text for url, text in self.siblings if url != page.url]
            self._judge(page, texts)
        self.pending = []

    def _judge(self, page: Page, siblings: list[str]) -> None:
        rules = self.rules
        judged = judge(page, siblings, self.policy_keys, self.reading_keys, self.snap)
        reasons = judged.reasons(rules)
        explained = not ({"too_short", "no_measures"} & set(reasons))
        weak = (not judged.linked and not explained) if rules.pass_when == "either" else bool(reasons)
        if not weak:
            return
        self.count += 1
        if self.count > rules.max_findings:
            return
        title = article_title(page)
        evidence = {"reason": "+".join(reasons), "chars": judged.chars, "linked": judged.linked,
                    "cited": judged.cited, "title": title}
        if judged.graphic and not explained:  # the content is in the pictures: say what was not judged
            error = "图解内容为图片，未能判断是否说明具体内容"
            evidence.update(reason="+".join([*([] if judged.linked else ["no_link"]), "graphic"]), error=error)
            lead = "" if judged.linked else "未关联政策原文；"
            self.findings.append(Finding("policy.interpretation_weak", "notice", page.url,
                                         f"政策解读“{title}”{lead}{error}", evidence))
            return
        self.findings.append(Finding("policy.interpretation_weak", rules.severity, page.url,
                                     _message(title, reasons, judged), evidence))


def _message(title: str, reasons: list[str], judged: Judgement) -> str:
    parts = []
    if "no_link" in reasons:
        parts.append("未关联政策原文" + ("(仅写明文件名称和文号，未提供链接)" if judged.cited else ""))
    if "too_short" in reasons:
        parts.append(f"正文仅 {judged.chars} 字，未说明政策具体内容")
    if "no_measures" in reasons:
        parts.append("未说明具体措施(无分条要点、金额、比例、时限)")
    return f"政策解读“{title}”" + "，".join(parts)


def _is_policy_column(col: Column) -> bool:
    if _READING_COLUMN.search(col.name):
        return False
    return col.category == "policy" or bool(_POLICY_COLUMN.search(col.name))


def _item_keys(columns: list[Column]) -> set[str]:
    return {normalize_url(i.url) or i.url for c in columns for i in c.items if i.url}


def article_title(page: Page) -> str:
    """The article's own title: meta ArticleTitle, else the longest part of the <title>."""
    for key, value in page.meta.items():
        if key.lower() == "articletitle" and value.strip():
            return value.strip()
    parts = [p for p in TITLE_SEP.split(page.title or "") if p]
    return max(parts, key=len) if parts else ""


def _is_reading(page: Page) -> bool:
    if _READING_TITLE.search(article_title(page)):
        return True
    # The date first: reading the column name (breadcrumb, title) costs more.
    return page.pub_date is not None and bool(_READING_COLUMN.search(column_name(page, None)))


def judge(page: Page, siblings: list[str], policy_keys: set[str], reading_keys: set[str],
          snap: Snapshot | None = None) -> Judgement:
    """Whether the page links to its policy, how long its body is and which concrete measures it gives.

    Linked (issue 8): a content link to a 政策文件 entry, a link introduced as the original (原文,
    附件 ...), a link whose text is a policy the page names in 《》 (with or without the 印发 notice's
    wrapper), or a link to a crawled page whose title is that policy. A side box of related files
    counts when its link names the policy; the site's menus never do.
    """
    title = article_title(page)
    body = body_text(page, siblings, title)
    text = normalize(page.text)
    cited = bool(_DOC_NAME.search(text) and _DOC_NUMBER.search(text))
    names = {m.group(1) for m in _DOC_NAME.finditer(text)} - {title.strip("《》")}
    names = {n for n in names if len(n) >= 6}
    linked = False
    for link in page.links:
        if link.tag != "a":
            continue
        target = normalize_url(link.url) or link.url
        label = normalize(link.text).strip()
        if target == page.url or target in reading_keys or _READING_TITLE.search(label):
            continue
        names_it = _names_policy(label, names)
        if link.in_nav and not names_it and target not in policy_keys:
            continue
        if (target in policy_keys or names_it or (not link.in_nav and (_LINK_TEXT.search(label)
                or _introduced(text, label))) or _target_is_policy(snap, target, names)):
            linked = True
            break
    graphic = bool(_GRAPHIC_TITLE.search(title)) and any(lk.tag == "img" and not lk.in_nav for lk in page.links)
    return Judgement(linked, cited, _chars(body), measures(body), graphic, points(body))


def _names_policy(label: str, names: set[str]) -> bool:
    """True when a link's text is one of the policies the page names in 《》."""
    if len(label) < 6:
        return False
    bare = _WRAPPER.sub("", label.replace("《", "").replace("》", "")).strip()
    # A part of the name counts only when it is most of it: the site's own name (淮南市人民政府) is a
    # part of every policy it issues (淮南市人民政府关于…的意见) and links home from every page.
    return any(n in label or (len(bare) >= 6 and (n in bare or (bare in n and len(bare) * 10 >= len(n) * 7)))
               for n in names)


def _target_is_policy(snap: Snapshot | None, target: str, names: set[str]) -> bool:
    """True when the linked page was crawled and its title is a policy the interpretation names."""
    if snap is None or not names:
        return False
    linked_page = snap.page(target)
    if linked_page is None or not linked_page.ok or _READING_TITLE.search(article_title(linked_page)):
        return False
    heading = normalize(article_title(linked_page) or linked_page.title).replace("《", "").replace("》", "")
    bare = _WRAPPER.sub("", heading).strip()
    return any(n in bare and len(bare) <= len(n) + 12 for n in names)  # the policy itself, not news about it


def points(body: str) -> int:
    """The largest number of distinct enumerated points of one numbering style in a body."""
    return max((len(set(p.findall(body))) for p in _NUMBERED), default=0)


def _introduced(text: str, link_text: str) -> bool:
    """True when the words just before the link say it is the original ("原文链接：<a>...</a>")."""
    label = normalize(link_text).strip()
    at = text.find(label) if len(label) >= 4 else -1
    return at > 0 and bool(_LINK_LEAD.search(text[max(0, at - 12) : at]))


def measures(body: str) -> list[str]:
    """The kinds of concrete content in a body: numbered points, amounts, percentages, dates, targets."""
    found = []
    if any(len(set(p.findall(body))) >= 2 for p in _NUMBERED):
        found.append("points")
    if _AMOUNT.search(body):
        found.append("amounts")
    if _PERCENT.search(body):
        found.append("percentages")
    if len(find_dates(body, _FAR_FUTURE)) >= 2 or _TARGET.search(body):
        found.append("dates")
    return found


_FAR_FUTURE = date(2099, 12, 31)  # dates in a body are counted, never judged against today


def body_text(page: Page, siblings: list[str], title: str) -> str:
    """The page's own text: boilerplate shared with other pages' (normalised) texts removed, heading to footer."""
    text = normalize(page.text)
    start, end = 0, len(text)
    for other_text in siblings:
        start = max(start, _common_prefix(text, other_text))
        end = min(end, len(text) - _common_suffix(text, other_text))
    if end <= start:
        start, end = 0, len(text)
    heading = text.find(normalize(title)[:20], start) if title else -1
    if 0 <= heading < end:
        start = heading + len(normalize(title))
    last = None
    for last in _META.finditer(text, start, min(end, start + 200)):  # noqa: B007 - the last one counts
        pass
    if last is not None:  # skip the last label's value ("来源：市发改委") and font-size buttons
        value = re.match(r"\s*\S*", text[last.end() : end])
        start = last.end() + (value.end() if value else 0)
        tail = _META_TAIL.match(text, start, end)
        start = tail.end() if tail else start
    footer = _FOOTER.search(text, start, end)
    if footer:
        end = footer.start()
    return text[start:end].strip()


def _common_prefix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return a.rfind(" ", 0, i) + 1 if i < n else i


def _common_suffix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[-1 - i] == b[-1 - i]:
        i += 1
    return i


def _chars(body: str) -> int:
    """Characters of content (whitespace not counted)."""
    return len("".join(body.split()))
