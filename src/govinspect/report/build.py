"""Build the circular's view-model from the period summary and the period's stored findings."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..labels import code_label
from ..store.db import Store
from ..store.findings import REVIEW_LABELS, STATUS_LABELS, Names, status_of
from ..store.periods import (
    bounds,
    carried_over,
    finished_periods,
    period_runs,
    require_period,
    seen_in,
)
from ..store.summary import PeriodSummary, summarize
from ..store.tables import Account, AccountResult, Site, SiteResult, TrackedFinding, Unit
from .view import AccountCell, Circular, DetailRow, ProblemGroup, SiteRow, TrendPoint, UnitRow
from .wording import (
    FIXED_PLATFORMS,
    PLATFORM_COLUMNS,
    SEVERITY_LABELS,
    SEVERITY_ORDER,
    count_phrase,
    problem_label,
)

RESULT_ORDER = {"单项否决": 0, "不合格": 1, "合格": 2, "未检查": 3}
NO_UNIT = "未指定单位"


def circular_title(period: str) -> str:
    """关于YYYY年M月政府网站与政务新媒体检查情况的通报."""
    return f"关于{int(period[:4])}年{int(period[5:7])}月政府网站与政务新媒体检查情况的通报"


def build_circular(
    store: Store, period: str, *, deadline: date | None = None, issuer: str = "XX市人民政府办公室",
    issued_on: date | None = None,
) -> Circular:
    """The circular of ``period`` (a UsageError naming the known periods when it has no finished run)."""
    with store.session() as s:
        period = require_period(s, period)
        known = [p for p in finished_periods(s) if p <= period]
    summary = summarize(store, period)
    trend = [TrendPoint(p, sm.site_pass_rate, sm.account_pass_rate)
             for p, sm in ((p, summary if p == period else summarize(store, p)) for p in known)]
    with store.session() as s:
        details, carried, rows = _details(s, period)
        site_rows = _site_rows(s, period, rows)
        platforms, unit_rows = _unit_rows(s, period, rows)
    groups = _groups(summary)
    reviewed = summary.reviews.get("confirmed", 0) + summary.reviews.get("dismissed", 0)
    c = Circular(
        period=period, title=circular_title(period), issuer=issuer, issued_on=issued_on or date.today(),
        deadline=deadline, summary=summary, site_rows=site_rows, platforms=platforms,
        platform_labels={p: PLATFORM_COLUMNS.get(p, p) for p in platforms}, unit_rows=unit_rows,
        problem_groups=groups, carried_over=carried, details=details, trend=trend, reviewed=reviewed,
    )
    c.paragraphs = paragraphs(c)
    return c


def _details(
    s: Session, period: str,
) -> tuple[list[DetailRow], list[DetailRow], dict[str, list[TrackedFinding]]]:
    """Every finding the period saw except dismissed ones, those carried over, and the counted ones per subject."""
    last = bounds(period)[1]
    runs = period_runs(s, period)
    seen = seen_in(s, runs)
    carried = carried_over(s, period, seen)
    names = Names(s)
    found = [r for r in s.scalars(select(TrackedFinding).where(TrackedFinding.id.in_(seen)))
             if r.review != "dismissed"] if seen else []
    found.sort(key=lambda r: (SEVERITY_ORDER.get(r.severity, 3), names.name(r.subject), r.code, r.id))
    per_subject: dict[str, list[TrackedFinding]] = defaultdict(list)
    out: list[DetailRow] = []
    kept: list[DetailRow] = []
    for r in found:
        if r.severity != "notice":
            per_subject[r.subject].append(r)
        if r.resolved_at is not None and r.resolved_at > last:
            status = "carried" if r.id in carried else "open"  # resolved after the period: open at its end
        else:
            status = status_of(r, r.id in carried)
        row = DetailRow(
            subject=names.name(r.subject), subject_kind=r.subject.split(":")[0], unit=names.unit(r.subject),
            code=r.code, code_label=code_label(r.code), severity=r.severity,
            severity_label=SEVERITY_LABELS.get(r.severity, r.severity), url=r.url or None, message=r.message,
            evidence=one_line(r.evidence), first_seen=r.first_seen, last_seen=r.last_seen,
            status_label=STATUS_LABELS[status], review_label=REVIEW_LABELS.get(r.review, r.review),
        )
        out.append(row)
        if r.id in carried and r.severity != "notice":
            kept.append(row)
    return out, kept, per_subject


def one_line(evidence: dict[str, Any] | None, limit: int = 300) -> str:
    """Evidence as one plain line ("key=value; ..."), cut at ``limit`` characters."""
    parts = [f"{k}={' '.join(str(v).split())}" for k, v in (evidence or {}).items() if v not in (None, "", [], {})]
    text = "; ".join(parts)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe(findings: list[TrackedFinding]) -> str:
    """A subject's problems as a concise phrase list, most serious first: "1个栏目应更未更、3个空白栏目"."""
    counts: dict[str, int] = defaultdict(int)
    worst: dict[str, int] = {}
    for r in findings:
        counts[r.code] += 1
        worst[r.code] = min(worst.get(r.code, 9), SEVERITY_ORDER.get(r.severity, 3))
    order = sorted(counts, key=lambda code: (worst[code], -counts[code], code))
    return "、".join(count_phrase(code, counts[code]) for code in order)


def _site_rows(s: Session, period: str, found: dict[str, list[TrackedFinding]]) -> list[SiteRow]:
    """附件1: every site registered at the period's end, failing ones first, then by name."""
    last = bounds(period)[1]
    runs = period_runs(s, period)
    units = {i: n for i, n in s.execute(select(Unit.id, Unit.name))}
    results = {r.site_id: r for r in s.scalars(select(SiteResult).where(SiteResult.run_id.in_(runs.run_ids)))
               if runs.site_runs.get(r.site_id) == r.run_id} if runs.run_ids else {}
    rows: list[SiteRow] = []
    for site in s.scalars(select(Site).order_by(Site.id)):
        if site.archived_at is not None and site.archived_at.date() <= last:
            continue
        res = results.get(site.id)
        if res is None:
            result = "未检查"
        elif res.verdict == "pass":
            result = "合格"
        else:
            result = "单项否决" if res.vetoed else "不合格"
        rows.append(SiteRow(0, site.name, site.url, result, describe(found.get(f"site:{site.id}", [])),
                            units.get(site.unit_id) if site.unit_id else None, site.level,
                            res.score if res is not None else None))
    rows.sort(key=lambda r: (RESULT_ORDER.get(r.result, 9), r.name, r.url))
    for n, row in enumerate(rows, start=1):
        row.seq = n
    return rows


def _unit_rows(s: Session, period: str, found: dict[str, list[TrackedFinding]]) -> tuple[list[str], list[UnitRow]]:
    """附件2: the platforms shown (微信公众号 and 新浪微博 first) and one row per unit with its accounts."""
    first, last = bounds(period)
    runs = period_runs(s, period)
    units = {i: n for i, n in s.execute(select(Unit.id, Unit.name))}
    results = {r.account_id: r for r in s.scalars(
        select(AccountResult).where(AccountResult.run_id.in_(runs.run_ids)))
        if runs.account_runs.get(r.account_id) == r.run_id} if runs.run_ids else {}
    by_unit: dict[str, dict[str, list[AccountCell]]] = defaultdict(lambda: defaultdict(list))
    present: set[str] = set()
    for acc in s.scalars(select(Account).order_by(Account.name, Account.id)):
        if acc.archived_at is not None and acc.archived_at.date() <= last:
            continue
        closed = acc.status == "closed" or acc.closed_on is not None
        if closed and (acc.closed_on is None or acc.closed_on < first):
            continue  # closed before the period: no longer registered (as the summary counts)
        present.add(acc.platform)
        unit = units.get(acc.unit_id, NO_UNIT) if acc.unit_id else NO_UNIT
        by_unit[unit][acc.platform].append(_cell(acc, results.get(acc.id), found.get(f"account:{acc.id}", [])))
    platforms = [*FIXED_PLATFORMS, *sorted(present - set(FIXED_PLATFORMS))]
    rows = [UnitRow(n, unit, {p: cells for p, cells in by_unit[unit].items()})
            for n, unit in enumerate(sorted(by_unit, key=lambda u: (u == NO_UNIT, u)), start=1)]
    return platforms, rows


def _cell(acc: Account, res: AccountResult | None, found: list[TrackedFinding]) -> AccountCell:
    """One account's 检查情况: 合格, its problems, 已关停/已注销/已整合(date) or 未检查."""
    if acc.closed_on is not None:
        return AccountCell(acc.name, f"已{acc.closed_kind or '关停'}({acc.closed_on.isoformat()})", True)
    if acc.status == "closed":
        return AccountCell(acc.name, f"已{acc.closed_kind or '关停'}", True)
    if res is None or not res.checked:
        return AccountCell(acc.name, "未检查" if res is None else "未能检查", True)
    if res.verdict == "pass":
        return AccountCell(acc.name, "合格", True)
    return AccountCell(acc.name, (res.summary or "").strip() or describe(found) or res.verdict_label or "不合格",
                       False)


def _groups(summary: PeriodSummary) -> list[ProblemGroup]:
    """二、主要问题: the summary's problems merged under the circular's names, largest first."""
    groups: dict[str, ProblemGroup] = {}
    for kind in summary.problems:
        g = groups.setdefault(problem_label(kind.code), ProblemGroup(problem_label(kind.code), 0))
        g.count += kind.count
        g.codes.append(kind.code)
        for name in kind.subjects:
            if name not in g.subjects:
                g.subjects.append(name)
    return sorted(groups.values(), key=lambda g: (-g.count, g.label))


def pct(rate: float | None) -> str:
    """A rate as a percentage with one decimal ("无" when nothing was checked)."""
    return "无" if rate is None else f"{rate * 100:.1f}%"


def paragraphs(c: Circular) -> dict[str, str]:
    """The ready sentences of the circular: overview, verdicts, closed, problems, review, requirements."""
    sm = c.summary
    y, m = int(c.period[:4]), int(c.period[5:7])
    from ..store.summary import LEVEL_LABELS

    levels = "，".join(f"{LEVEL_LABELS.get(k, k)}{f.registered}个" for k, f in sm.sites_by_level.items()
                      if f.registered)
    out: dict[str, str] = {}
    out["overview"] = (
        f"{y}年{m}月，对全市登记的{sm.sites.registered}个政府网站({levels or '无'})和"
        f"{sm.accounts.registered}个政务新媒体账号开展检查。共检查网站{sm.sites.checked}个，"
        f"合格{sm.sites.passed}个，网站合格率{pct(sm.site_pass_rate)}；检查政务新媒体{sm.accounts.checked}个，"
        f"合格{sm.accounts.passed}个，政务新媒体合格率{pct(sm.account_pass_rate)}。"
    )
    why = {e.name: "、".join(dict.fromkeys(problem_label(code) for code in e.reasons)) for e in sm.vetoed_sites}
    vetoed = [f"{r.name}({why.get(r.name) or r.description or '详见附件1'})"
              for r in c.site_rows if r.result == "单项否决"]
    failed = [f"{r.name}({'、'.join(r.description.split('、')[:3]) or '详见附件1'})"
              for r in c.site_rows if r.result == "不合格"]
    said = [f"{'、'.join(vetoed)}{len(vetoed)}个网站被单项否决" if vetoed else "",
            f"{'、'.join(failed)}{len(failed)}个网站检查不合格" if failed else ""]
    out["verdicts"] = ("检查中，" + "；".join(x for x in said if x) + "(问题详见附件1)。") if vetoed or failed \
        else "本期检查的网站均合格。"
    if sm.closed_accounts:
        out["closed"] = "本期关停或整合的政务新媒体账号：" + "、".join(
            f"{a.name}(已{a.kind}，{a.closed_on.isoformat()})" for a in sm.closed_accounts) + "。"
    if c.problem_groups:
        out["problems"] = "本期发现的主要问题：" + "；".join(
            f"{g.label}问题{g.count}个，涉及{'、'.join(g.subjects[:5])}{'等' if len(g.subjects) > 5 else ''}"
            for g in c.problem_groups) + "。"
    else:
        out["problems"] = "本期未发现需要通报的问题。"
    unreviewed = sm.reviews.get("unreviewed", 0)
    out["review"] = (f"本期问题中，{c.reviewed}个经检查人员人工审核(确认{sm.reviews.get('confirmed', 0)}个，"
                     f"排除{sm.reviews.get('dismissed', 0)}个，排除的问题不列入本通报)，{unreviewed}个待审核。")
    when = f"于{c.deadline.year}年{c.deadline.month}月{c.deadline.day}日前" if c.deadline else "在规定期限内"
    carried = f"其中{len(c.carried_over)}个问题上期已通报但仍未整改，须重点整改。" if c.carried_over else ""
    out["requirements"] = (f"请各单位对照附件逐项整改，{when}完成整改并将整改情况报送。{carried}"
                           "对整改不到位的，将在下期通报中继续通报。")
    return out
