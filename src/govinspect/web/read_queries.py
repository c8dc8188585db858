"""Read-only queries of the dashboard's read pages and read API: latest verdicts, open problems, history.

Each function takes an open session and the principal, and returns plain rows already limited
to what the principal may see (an operator: their own unit only).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..labels import ACCOUNT_VERDICT_LABELS, PLATFORM_LABELS, VERDICT_LABELS
from ..store.periods import PERIOD_RE, RUN_KINDS, finished_periods
from ..store.summary import LEVEL_LABELS
from ..store.tables import (
    Account,
    AccountResult,
    Occurrence,
    Run,
    Site,
    SiteResult,
    TrackedFinding,
    Unit,
)
from ..store.users import Principal
from .evidence import mask_numbers
from .security import WebError

SITE_VERDICTS = {"pass": "合格", "veto": "单项否决", "fail": "不合格", "none": "未检查"}
ACCOUNT_VERDICTS = {"pass": "合格", "fail": "单项否决", "closed": "已关停", "none": "未检查"}
VERDICT_ORDER = {"veto": 0, "fail": 1, "none": 2, "pass": 3, "closed": 4}
CLOSED_KINDS = {"关停": "已关停", "注销": "已注销", "整合": "已整合"}


@dataclass(slots=True)
class SiteRow:
    """A site as the list shows it: identity, its newest verdict and its open problems."""

    id: int
    name: str
    url: str
    unit: str | None
    level: str
    level_label: str
    site_code: str | None
    archived: bool
    verdict: str  # pass | veto | fail | none
    verdict_label: str
    score: float | None
    period: str | None  # the period of the newest result
    veto_reasons: list[str] = field(default_factory=list)
    open_problems: int = 0


@dataclass(slots=True)
class AccountRow:
    """An account as the list shows it: identity, closure, its newest verdict and open problems."""

    id: int
    name: str
    platform: str
    platform_label: str
    unit: str | None
    archived: bool
    closed: bool
    closed_label: str | None  # 已关停 / 已注销 / 已整合
    closed_on: date | None
    verdict: str  # pass | fail | closed | none
    verdict_label: str
    summary: str
    period: str | None
    open_problems: int = 0


@dataclass(slots=True)
class RunPoint:
    """One run's result for one site or account (the history table and chart)."""

    run_id: int
    period: str
    as_of: date
    kind: str
    verdict: str
    verdict_label: str
    score: float | None
    problems: int


def check_period(s: Session, period: str | None) -> str | None:
    """The requested period (or the newest), 422 when malformed and 404 when it has no finished run."""
    known = finished_periods(s)
    if not period:
        return known[-1] if known else None
    m = PERIOD_RE.match(period.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise WebError(422, f"期次格式错误: {period}，应为 YYYY-MM，例如 2019-10")
    if period not in known:
        raise WebError(404, f"期次 {period} 没有已完成的检查；已有期次: {'、'.join(known) or '无'}")
    return period


def choice(value: str | None, allowed: dict[str, str], what: str) -> str | None:
    """An optional filter value checked against its choices (a 422 line naming them otherwise)."""
    if not value:
        return None
    if value not in allowed:
        raise WebError(422, f"{what}取值错误: {value}，可选: {'、'.join(f'{k}({v})' for k, v in allowed.items())}")
    return value


def units(s: Session, p: Principal) -> list[str]:
    """Names of the units the principal may filter by."""
    q = select(Unit.name).order_by(Unit.name)
    if not p.sees_all:
        q = q.where(Unit.id == p.unit_id)
    return list(s.scalars(q))


def _open_counts(s: Session) -> dict[str, int]:
    """Open, not dismissed problems (no notices) per subject."""
    rows = s.execute(
        select(TrackedFinding.subject, func.count(TrackedFinding.id))
        .where(TrackedFinding.resolved_at.is_(None), TrackedFinding.severity != "notice",
               TrackedFinding.review != "dismissed")
        .group_by(TrackedFinding.subject)
    )
    return {subject: int(n) for subject, n in rows}


def _site_verdict(r: SiteResult | None) -> str:
    if r is None:
        return "none"
    if r.verdict == "pass":
        return "pass"
    return "veto" if r.vetoed else "fail"


def latest_site_results(s: Session, site_ids: list[int] | None = None) -> dict[int, tuple[SiteResult, Run]]:
    """The newest result of each site among finished inspect/rejudge runs."""
    q = (select(SiteResult, Run).join(Run, Run.id == SiteResult.run_id)
         .where(Run.status == "finished", Run.kind.in_(RUN_KINDS)).order_by(Run.id))
    if site_ids is not None:
        q = q.where(SiteResult.site_id.in_(site_ids))
    return {r.site_id: (r, run) for r, run in s.execute(q)}


def site_rows(
    s: Session, p: Principal, *, level: str | None = None, verdict: str | None = None, unit: str | None = None,
    archived: bool = False, only: int | None = None,
) -> list[SiteRow]:
    """Sites the principal may see, filtered, failing first (veto, fail, unchecked, pass), then by name."""
    names: dict[int | None, str] = {i: n for i, n in s.execute(select(Unit.id, Unit.name))}
    q = select(Site).order_by(Site.id)
    if only is not None:
        q = q.where(Site.id == only)
    if not p.sees_all:
        q = q.where(Site.unit_id == p.unit_id)
    if level:
        q = q.where(Site.level == level)
    if unit:
        q = q.where(Site.unit_id.in_(select(Unit.id).where(Unit.name == unit)))
    if not archived:
        q = q.where(Site.archived_at.is_(None))
    sites = list(s.scalars(q))
    latest = latest_site_results(s, [x.id for x in sites])
    counts = _open_counts(s)
    out = []
    for x in sites:
        r, run = latest.get(x.id, (None, None))
        v = _site_verdict(r)
        if verdict and v != verdict:
            continue
        out.append(SiteRow(
            id=x.id, name=x.name, url=x.url, unit=names.get(x.unit_id), level=x.level,
            level_label=LEVEL_LABELS.get(x.level, x.level), site_code=x.site_code, archived=x.archived_at is not None,
            verdict=v, verdict_label=(r.verdict_label or VERDICT_LABELS.get(v, "")) if r else "未检查",
            score=r.score if r else None, period=run.period if run else None,
            veto_reasons=[str(c) for c in (r.veto_reasons or [])] if r else [],
            open_problems=counts.get(f"site:{x.id}", 0),
        ))
    out.sort(key=lambda row: (VERDICT_ORDER[row.verdict], -row.open_problems, row.name))
    return out


def _closed(a: Account) -> tuple[bool, str | None]:
    closed = a.status == "closed" or a.closed_on is not None
    if not closed:
        return False, None
    return True, CLOSED_KINDS.get(a.closed_kind or "关停", f"已{a.closed_kind}")


def account_rows(
    s: Session, p: Principal, *, platform: str | None = None, verdict: str | None = None, unit: str | None = None,
    archived: bool = False, only: int | None = None,
) -> list[AccountRow]:
    """Accounts the principal may see, filtered, failing first, then by name."""
    names: dict[int | None, str] = {i: n for i, n in s.execute(select(Unit.id, Unit.name))}
    q = select(Account).order_by(Account.id)
    if only is not None:
        q = q.where(Account.id == only)
    if not p.sees_all:
        q = q.where(Account.unit_id == p.unit_id)
    if platform:
        q = q.where(Account.platform == platform)
    if unit:
        q = q.where(Account.unit_id.in_(select(Unit.id).where(Unit.name == unit)))
    if not archived:
        q = q.where(Account.archived_at.is_(None))
    accounts = list(s.scalars(q))
    results = s.execute(
        select(AccountResult, Run).join(Run, Run.id == AccountResult.run_id)
        .where(Run.status == "finished", Run.kind.in_(RUN_KINDS),
               AccountResult.account_id.in_([a.id for a in accounts])).order_by(Run.id)
    )
    latest = {r.account_id: (r, run) for r, run in results}
    counts = _open_counts(s)
    out = []
    for a in accounts:
        r, run = latest.get(a.id, (None, None))
        closed, closed_label = _closed(a)
        if closed:
            v = "closed"
        elif r is None or not r.checked:
            v = "none"
        else:
            v = "pass" if r.verdict == "pass" else "fail"
        if verdict and v != verdict:
            continue
        label = closed_label if closed else (ACCOUNT_VERDICT_LABELS.get(v, "") if v != "none" else "未检查")
        out.append(AccountRow(
            id=a.id, name=a.name, platform=a.platform, platform_label=PLATFORM_LABELS.get(a.platform, a.platform),
            unit=names.get(a.unit_id), archived=a.archived_at is not None, closed=closed, closed_label=closed_label,
            closed_on=a.closed_on, verdict=v, verdict_label=label or "", summary=r.summary if r else "",
            period=run.period if run else None, open_problems=counts.get(f"account:{a.id}", 0),
        ))
    out.sort(key=lambda row: (VERDICT_ORDER[row.verdict], -row.open_problems, row.name, row.platform))
    return out


def _problems_per_run(s: Session, subject: str) -> dict[int, int]:
    rows = s.execute(
        select(Occurrence.run_id, func.count(Occurrence.id))
        .join(TrackedFinding, TrackedFinding.id == Occurrence.finding_id)
        .where(TrackedFinding.subject == subject, Occurrence.severity != "notice")
        .group_by(Occurrence.run_id)
    )
    return {run_id: int(n) for run_id, n in rows}


def site_history(s: Session, site_id: int) -> list[RunPoint]:
    """Every finished run's result of a site, oldest first."""
    per_run = _problems_per_run(s, f"site:{site_id}")
    rows = s.execute(
        select(SiteResult, Run).join(Run, Run.id == SiteResult.run_id)
        .where(SiteResult.site_id == site_id, Run.status == "finished").order_by(Run.id)
    )
    out = []
    for r, run in rows:
        v = _site_verdict(r)
        out.append(RunPoint(run.id, run.period, run.as_of, run.kind, v, r.verdict_label or VERDICT_LABELS[v],
                            r.score, per_run.get(run.id, 0)))
    return out


def account_history(s: Session, account_id: int) -> list[RunPoint]:
    """Every finished run's result of an account, oldest first."""
    per_run = _problems_per_run(s, f"account:{account_id}")
    rows = s.execute(
        select(AccountResult, Run).join(Run, Run.id == AccountResult.run_id)
        .where(AccountResult.account_id == account_id, Run.status == "finished").order_by(Run.id)
    )
    out = []
    for r, run in rows:
        v = ("pass" if r.verdict == "pass" else "veto") if r.checked else "none"
        label = r.verdict_label or ACCOUNT_VERDICT_LABELS.get(r.verdict, r.verdict)
        out.append(RunPoint(run.id, run.period, run.as_of, run.kind, v, label if r.checked else "未能检查",
                            None, per_run.get(run.id, 0)))
    return out


def history_points(history: list[RunPoint], scored: bool = True) -> list[tuple[str, float | None, str, int]]:
    """The chart points of a history: (label, score, verdict, problems); unscored results draw full height."""
    return [(f"{h.as_of:%Y-%m-%d}", h.score if scored else (100.0 if h.verdict != "none" else None),
             h.verdict, h.problems) for h in history]


def group_by_code(findings: list[Any]) -> list[tuple[str, list[Any]]]:
    """Findings grouped by their code's label, vetoes first; personal numbers in messages masked."""
    order = {"veto": 0, "deduct": 1, "notice": 2}
    groups: dict[str, list[Any]] = {}
    for f in sorted(findings, key=lambda f: (order.get(f.severity, 3), f.code, f.id)):
        groups.setdefault(f.code_label, []).append(replace(f, message=mask_numbers(f.message)))
    return list(groups.items())
