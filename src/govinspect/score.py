"""Findings -> score and verdict, from the rule set (data/rules.yaml).

A veto finding makes the site 单项否决 whatever its score. Otherwise every deduction item
loses at most its own cap out of 100, and a score below ``pass_score`` is 不合格.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from .labels import VERDICT_LABELS
from .model import Finding, Severity, Verdict
from .rules import Rules


def deductions(findings: Sequence[Finding], rules: Rules) -> tuple[float, dict[str, float]]:
    """Total points lost and the points lost per item."""
    per_item: dict[str, float] = defaultdict(float)
    caps: dict[str, float] = {}
    for f in findings:
        if f.severity != Severity.DEDUCT:
            continue
        if f.code == "link.broken":
            item = "link.broken"
            pts = rules.links.home_points if f.evidence.get("on_home") else rules.links.other_points
            caps[item] = rules.links.max_points
        else:
            item = f.code
            rule = rules.deductions.get(f.code)
            if rule is None:
                continue
            pts, caps[item] = rule.points, rule.max
        per_item[item] += pts
    capped = {k: round(min(v, caps.get(k, v)), 2) for k, v in per_item.items()}
    return round(sum(capped.values()), 2), capped


def near_veto(findings: Sequence[Finding], rules: Rules) -> list[dict[str, Any]]:
    """How close the site is to each column veto threshold (接近单否)."""
    veto, margin = rules.columns.veto, rules.columns.near_veto_margin
    stale = [f for f in findings if f.code == "column.stale" and f.severity != "notice"]
    fast = [f for f in stale if f.evidence.get("category") in veto.fast_classes]
    empty = [f for f in findings if f.code == "column.empty"]
    out = []
    for label, count, limit in (
        ("动态、通知公告、政策文件类栏目未更新", len(fast), veto.fast_classes_total),
        ("应更新栏目长期未更新", len(stale), veto.any_stale_total),
        ("空白栏目", len(empty), veto.empty_total),
    ):
        if count and limit - margin <= count < limit:
            out.append({"item": label, "count": count, "threshold": limit})
    return out


def verdict(findings: Sequence[Finding], rules: Rules) -> dict[str, Any]:
    """Score, verdict and the reasons behind them."""
    lost, per_item = deductions(findings, rules)
    score = max(0.0, 100.0 - lost)
    vetoes = [f for f in findings if f.severity == Severity.VETO]
    reasons = list(dict.fromkeys(f.code for f in vetoes))
    if vetoes:
        key = "veto"
    elif score < rules.verdict.pass_score:
        key = "fail"
    else:
        key = "pass"
    return {
        "verdict": Verdict.PASS if key == "pass" else Verdict.FAIL,
        "verdict_label": VERDICT_LABELS[key],
        "vetoed": bool(vetoes),
        "veto_reasons": reasons,
        "score": round(score, 2),
        "deductions": lost,
        "deduction_items": per_item,
        "near_veto": near_veto(findings, rules),
    }
