"""Which runs stand for a period, which findings a period saw, and which were carried over.

A period (YYYY-MM) is represented by its finished inspect/rejudge runs; when several runs of a
period inspected the same site or account (partial runs, a rejudge), the newest result per
subject wins. A finding is *seen* in a period when the winning run of its subject recorded an
occurrence of it, or, for a manual finding, when it was open at the end of the period. A
finding seen in a period and in the previous period with runs is 上期未整改 (carried over).
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import UsageError
from .tables import AccountResult, Occurrence, Run, SiteResult, TrackedFinding

PERIOD_RE = re.compile(r"^(\d{4})-(\d{2})$")
RUN_KINDS = ("inspect", "rejudge")


class PeriodError(UsageError):
    """A period that is malformed or has no finished run."""


def parse_period(text: str) -> str:
    """The period ``YYYY-MM`` checked for form, or a one-line usage error."""
    m = PERIOD_RE.match(text.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise PeriodError(f"--period 格式错误: {text!r}，应为 YYYY-MM，例如 2019-10")
    return text.strip()


def bounds(period: str) -> tuple[date, date]:
    """The first and last day of a period."""
    year, month = int(period[:4]), int(period[5:7])
    return date(year, month, 1), date(year, month, monthrange(year, month)[1])


def finished_periods(session: Session) -> list[str]:
    """Every period that has a finished inspect or rejudge run, oldest first."""
    rows = session.scalars(
        select(Run.period).where(Run.status == "finished", Run.kind.in_(RUN_KINDS)).distinct()
    )
    return sorted(set(rows))


def require_period(session: Session, period: str) -> str:
    """The period when it has a finished run, else an error naming the periods that do."""
    period = parse_period(period)
    known = finished_periods(session)
    if period not in known:
        have = "、".join(known) if known else "无(请先运行 govinspect inspect)"
        raise PeriodError(f"期次 {period} 没有已完成的检查；已有期次: {have}")
    return period


def previous_period(session: Session, period: str) -> str | None:
    """The latest period before ``period`` that has a finished run."""
    earlier = [p for p in finished_periods(session) if p < period]
    return earlier[-1] if earlier else None


@dataclass(slots=True)
class PeriodRuns:
    """The runs standing for one period: the winning run of each site and account."""

    period: str
    run_ids: list[int] = field(default_factory=list)  # every finished run of the period
    site_runs: dict[int, int] = field(default_factory=dict)  # site id -> run id of its newest result
    account_runs: dict[int, int] = field(default_factory=dict)
    as_of: date | None = None

    @property
    def used_run_ids(self) -> list[int]:
        """The runs that contributed at least one winning result."""
        return sorted(set(self.site_runs.values()) | set(self.account_runs.values()))

    def run_of(self, subject: str) -> int | None:
        """The winning run of a subject ("site:<id>" / "account:<id>")."""
        kind, _, raw = subject.partition(":")
        table = self.site_runs if kind == "site" else self.account_runs
        return table.get(int(raw))


def period_runs(session: Session, period: str) -> PeriodRuns:
    """The finished runs of a period and the newest result per site and account among them."""
    runs = session.scalars(
        select(Run).where(Run.period == period, Run.status == "finished", Run.kind.in_(RUN_KINDS)).order_by(Run.id)
    ).all()
    out = PeriodRuns(period=period, run_ids=[r.id for r in runs])
    if not runs:
        return out
    ids = out.run_ids
    for site_id, run_id in session.execute(
        select(SiteResult.site_id, SiteResult.run_id).where(SiteResult.run_id.in_(ids)).order_by(SiteResult.run_id)
    ):
        out.site_runs[site_id] = run_id  # ordered by run id: the newest wins
    for account_id, run_id in session.execute(
        select(AccountResult.account_id, AccountResult.run_id)
        .where(AccountResult.run_id.in_(ids)).order_by(AccountResult.run_id)
    ):
        out.account_runs[account_id] = run_id
    used = set(out.used_run_ids)
    out.as_of = max((r.as_of for r in runs if r.id in used), default=max(r.as_of for r in runs))
    return out


def seen_in(session: Session, runs: PeriodRuns) -> set[int]:
    """Ids of the findings a period saw (winning-run occurrences, manual findings open at its end)."""
    seen: set[int] = set()
    if runs.run_ids:
        for finding_id, run_id, subject in session.execute(
            select(Occurrence.finding_id, Occurrence.run_id, TrackedFinding.subject)
            .join(TrackedFinding, TrackedFinding.id == Occurrence.finding_id)
            .where(Occurrence.run_id.in_(runs.run_ids))
        ):
            if runs.run_of(subject) == run_id:
                seen.add(finding_id)
    seen |= manual_open_at(session, bounds(runs.period)[1])
    return seen


def manual_open_at(session: Session, day: date) -> set[int]:
    """Ids of the manual findings open at the end of ``day``."""
    rows = session.scalars(
        select(TrackedFinding.id).where(
            TrackedFinding.origin == "manual", TrackedFinding.first_seen <= day,
            (TrackedFinding.resolved_at.is_(None)) | (TrackedFinding.resolved_at > day),
        )
    )
    return set(rows)


def carried_over(session: Session, period: str, seen: set[int] | None = None) -> set[int]:
    """Ids of the findings seen in ``period`` and in the previous period with runs (上期未整改)."""
    prev = previous_period(session, period)
    if prev is None:
        return set()
    if seen is None:
        seen = seen_in(session, period_runs(session, period))
    return seen & seen_in(session, period_runs(session, prev))
