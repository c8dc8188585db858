"""The short Chinese problem summary of one account: the cell of the circular's 附件2."""

from __future__ import annotations

from collections.abc import Sequence

from ..labels import code_label as label
from ..model import Finding
from ..rules import NewMediaRules

ORDER = ("newmedia.stale", "newmedia.dormant", "newmedia.low_frequency", "newmedia.unanswered",
         "newmedia.auto_reply", "newmedia.duplicate")


def summary(findings: Sequence[Finding], rules: NewMediaRules) -> str:
    """"正常", or the account's problems joined by "；" (e.g. "超过2周未更新；3条留言未回复")."""
    rank = {code: n for n, code in enumerate(ORDER)}
    codes = {f.code for f in findings}
    parts: list[str] = []
    for f in sorted(findings, key=lambda f: rank.get(f.code, len(ORDER))):
        text = _phrase(f, codes, rules)
        if text and text not in parts:
            parts.append(text)
    return "；".join(parts) or "正常"


def _phrase(f: Finding, codes: set[str], rules: NewMediaRules) -> str | None:
    e = f.evidence
    if f.severity == "notice" and "error" in e:
        return "未能读取发布信息" if f.code == "newmedia.stale" else "留言记录无法读取"
    if f.code == "newmedia.stale":
        if e.get("last_post") is None:
            return "无发布记录"
        if "newmedia.dormant" in codes:
            return None  # the dormant phrase says more
        days = rules.stale.days
        return f"超过{days // 7}周未更新" if days % 7 == 0 else f"超过{days}天未更新"
    if f.code == "newmedia.dormant":
        return None if e.get("last_post") is None else f"{e.get('days')}天未更新，应整改或关停"
    if f.code == "newmedia.low_frequency":
        return f"近{e.get('window_days')}天仅更新{e.get('posts')}条"
    if f.code == "newmedia.unanswered":
        return f"{e.get('count')}条留言未回复"
    if f.code == "newmedia.auto_reply":
        return "留言仅以自动回复应付"
    if f.code == "newmedia.duplicate":
        return f"与{'、'.join(e.get('others') or [])}重复开设"
    return label(f.code)
