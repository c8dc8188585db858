"""The evidence page of one finding: what the inspector looks at, laid out by kind of evidence.

Error and sensitive words are highlighted in their snippet, a hidden link's markup is shown
escaped, a cloaked page's spider view sits beside the normal view, leaked personal numbers are
shown masked only (``mask_numbers`` masks any full number the evidence still holds), a broken
link shows its target and status, and every other key is listed in a table.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from ..labels import ERROR_LABELS, SEVERITY_LABELS, describe
from ..store.findings import ACTION_LABELS, FindingView, Names, history, latest_period, view
from ..store.periods import carried_over
from ..store.tables import TrackedFinding
from ..store.users import Principal
from .render import page
from .security import WebError, get_row, require, subject_in_scope

router = APIRouter()

# A mainland resident ID number: 6-digit area, birth date 18xx-20xx, 3-digit sequence, check digit.
ID_CARD = re.compile(r"(?<![0-9A-Za-z])([1-9]\d{5})((?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))"
                     r"(\d{3})([\dXx])(?![0-9A-Za-z])")
BANK_CARD = re.compile(r"(?<!\d)(\d{4})((?:[ -]?\d){8,})([ -]?)(\d{4})(?!\d)")  # 16+ digits: never shown whole
PHONE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
PRIVACY_KINDS = {"id_card": "身份证号", "phone": "手机号", "bank_card": "银行卡号"}
HIJACK_KINDS = {"keyword": "违规关键词", "hidden_link": "暗链（隐藏链接）", "cloaking": "搜索引擎爬虫专供内容（cloaking）",
                "js_redirect": "脚本跳转或写入", "tamper": "标题或关键词被篡改"}
HARMFUL_KINDS = {"gambling": "博彩", "porn": "色情", "fraud": "诈骗"}
AGENTS = {"spider": "搜索引擎爬虫", "referer": "从搜索引擎点入", "spider_referer": "爬虫且从搜索引擎点入"}


def _mask_bank(m: re.Match[str]) -> str:
    sep = " " if " " in m.group(0) else ""
    return f"{m.group(1)}{sep}****{sep}****{sep}{m.group(4)}" if sep else f"{m.group(1)}********{m.group(4)}"


def mask_numbers(text: str) -> str:
    """The text with every full ID card, bank card and mobile number masked (already masked ones kept)."""
    text = ID_CARD.sub(lambda m: f"{m.group(1)}********{m.group(3)}{m.group(4)}", text)  # birth date hidden
    text = BANK_CARD.sub(_mask_bank, text)
    return PHONE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)


def mask_all(value: Any) -> Any:
    """``mask_numbers`` applied to every string inside a JSON-like value."""
    if isinstance(value, str):
        return mask_numbers(value)
    if isinstance(value, dict):
        return {k: mask_all(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_all(v) for v in value]
    return value


def highlight(text: str, words: list[str]) -> list[tuple[str, bool]]:
    """The text cut into (segment, is_word) parts, so the page marks the words (escaped, no markup here)."""
    words = sorted({w for w in words if w}, key=len, reverse=True)
    if not words or not text:
        return [(text, False)] if text else []
    pattern = re.compile("|".join(re.escape(w) for w in words))
    out: list[tuple[str, bool]] = []
    pos = 0
    for m in pattern.finditer(text):
        if m.start() > pos:
            out.append((text[pos:m.start()], False))
        out.append((m.group(0), True))
        pos = m.end()
    if pos < len(text):
        out.append((text[pos:], False))
    return out


@dataclass
class Section:
    """One block of the evidence page: a ``kind`` the template knows how to lay out, and its data."""

    kind: str  # snippet | markup | side_by_side | privacy | link | table
    title: str
    data: dict[str, Any] = field(default_factory=dict)
    used: tuple[str, ...] = ()  # evidence keys this section shows (left out of the generic table)


def _words(ev: dict[str, Any]) -> list[str]:
    words = ev.get("words") or []
    if ev.get("word"):
        words = [ev["word"], *words]
    return [str(w) for w in words] if isinstance(words, list) else [str(words)]


def _hidden_markup(ev: dict[str, Any]) -> str:
    """The hidden link's markup: as recorded, else rebuilt from its sample links."""
    for key in ("markup", "html", "snippet"):
        if ev.get(key):
            return str(ev[key])
    sample = ev.get("sample") if isinstance(ev.get("sample"), list) else []
    links = sample or [{"target": ev.get("target", ""), "text": ev.get("text", ""), "technique": ev.get("technique")}]
    lines = [f"<!-- 隐藏方式: {ev.get('technique') or '未知'}（由检查记录重建） -->"]
    for item in links:
        if isinstance(item, dict):
            lines.append(f'<a href="{item.get("target", "")}">{item.get("text", "")}</a>')
    return "\n".join(lines)


def sections(code: str, ev: dict[str, Any]) -> list[Section]:
    """The evidence laid out for an inspector, by finding code and evidence kind; the rest as a table."""
    out: list[Section] = []
    kind = str(ev.get("kind") or "")
    if code == "content.error_word" or (code == "security.hijack" and kind == "keyword"):
        text = str(ev.get("context") or ev.get("snippet") or "")
        words = _words(ev)
        title = "错敏词所在语境" if code == "content.error_word" else "违规词所在语境"
        facts = {"词语": "、".join(words)}
        if ev.get("suggestion"):
            facts["建议改为"] = str(ev["suggestion"])
        out.append(Section("snippet", title, {"parts": highlight(text, words), "facts": facts},
                           ("context", "snippet", "word", "words", "suggestion")))
    if code == "security.hijack" and kind == "tamper" and ev.get("title"):
        out.append(Section("snippet", "被篡改的标题", {"parts": highlight(str(ev["title"]), _words(ev)),
                                                 "facts": {"违规词": "、".join(_words(ev))}}, ("title", "words")))
    if code == "security.hijack" and kind == "hidden_link":
        out.append(Section("markup", "隐藏链接的代码", {"markup": _hidden_markup(ev), "detail": ev.get("detail")},
                           ("markup", "html", "snippet", "sample", "detail", "target", "text")))
    if code == "security.hijack" and kind == "js_redirect":
        out.append(Section("markup", "脚本代码片段", {"markup": str(ev.get("snippet") or ""), "detail": ev.get("detail")},
                           ("snippet", "detail")))
    if code == "security.hijack" and kind == "cloaking":
        agents = ev.get("agents") or [ev.get("agent")]
        normal = {"title": ev.get("normal_title"), "text": ev.get("normal") or ev.get("normal_text"),
                  "none": "普通访问时页面中没有这些违规词，也没有这些外部链接。"}
        spider = {"words": _words(ev), "links": ev.get("new_links") or [], "text": ev.get("spider") or ev.get("spider_text"),
                  "title": ev.get("spider_title"), "agents": [AGENTS.get(str(a), str(a)) for a in agents if a]}
        out.append(Section("side_by_side", "普通访问与搜索引擎爬虫访问对比", {"normal": normal, "spider": spider,
                                                                 "detail": ev.get("detail")},
                           ("normal", "normal_text", "normal_title", "spider", "spider_text", "spider_title",
                            "words", "new_links", "agent", "agents", "detail")))
    if code == "privacy.leak":
        sample = ev.get("sample")
        samples = sample if isinstance(sample, list) else ([sample] if sample else [])
        out.append(Section("privacy", "泄露的个人信息（已遮盖）", {
            "kind": PRIVACY_KINDS.get(kind, kind), "count": ev.get("count"),
            "samples": [mask_numbers(str(x)) for x in samples], "attachment": ev.get("attachment")},
            ("kind", "count", "sample", "attachment")))
    if code in ("link.broken", "link.harmful"):
        status = ev.get("status")
        error = ev.get("error")
        data = {"target": ev.get("target"), "final_url": ev.get("final_url"),
                "result": describe(status if isinstance(status, int) else None, str(error) if error else None)
                if (status or error) else None,
                "harmful": HARMFUL_KINDS.get(kind, kind) if code == "link.harmful" else None,
                "words": _words(ev) if code == "link.harmful" else [], "title": ev.get("title"),
                "referrers": [str(x) for x in ev.get("referrers") or []]}
        out.append(Section("link", "链接目标", data, ("target", "final_url", "status", "error", "kind", "words",
                                                    "title", "referrers")))
    return out


def rest_table(ev: dict[str, Any], used: set[str]) -> list[tuple[str, str]]:
    """The evidence keys no section shows, as (key, text) rows (lists and objects as JSON)."""
    rows = []
    for k, v in ev.items():
        if k in used:
            continue
        if k == "error" and isinstance(v, str) and v in ERROR_LABELS:
            v = f"{ERROR_LABELS[v]}（{v}）"
        text = v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
        rows.append((k, mask_numbers(str(text))))
    return rows


def finding_view(s: Session, p: Principal, finding_id: int) -> FindingView:
    """The readable finding, 404 when missing and 403 when it belongs to another unit."""
    row = get_row(s, TrackedFinding, finding_id)
    if row is None:
        raise WebError(404, f"没有编号为 {finding_id} 的问题")
    subject_in_scope(s, p, row.subject)
    latest = latest_period(s)
    carried = finding_id in carried_over(s, latest) if latest else False
    return view(row, Names(s), carried)


@router.get("/findings/{finding_id}", include_in_schema=False)
def evidence_page(request: Request, finding_id: int, p: Annotated[Principal, Depends(require())]) -> HTMLResponse:
    store = request.app.state.web.store
    with store.session() as s:
        f = finding_view(s, p, finding_id)
    acts = history(store, finding_id)
    ev = mask_all(f.evidence)
    blocks = sections(f.code, ev)
    used = {k for b in blocks for k in b.used} | ({"kind"} if f.code == "security.hijack" and blocks else set())
    kind, _, raw = f.subject.partition(":")
    return page(request, "evidence.html", title=f"问题 #{f.id}", f=f, message=mask_numbers(f.message),
                blocks=blocks, rest=rest_table(ev, used), acts=acts, action_labels=ACTION_LABELS,
                severity=SEVERITY_LABELS.get(f.severity, f.severity), subject_href=f"/{kind}s/{raw}",
                hijack_kind=HIJACK_KINDS.get(str(ev.get("kind")), "") if f.code == "security.hijack" else "")
