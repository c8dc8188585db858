"""The period summary: one computed object per period, the figures the monthly circular renders.

Counting rules (each one a decision the circular relies on):

- the period's runs are its finished inspect/rejudge runs; the newest result per subject wins;
- a site is registered when it was not archived by the period's last day; checked when it is
  registered and has a result in the period; passed when that result's verdict is ``pass``;
- an account is registered when not archived by the period's last day and not closed before the
  period began; closed accounts (closed on or before the period's last day) are never checked;
- problems are the findings the period saw (``periods.seen_in``), without notices and without
  findings an inspector dismissed; 上期未整改 are those also seen in the previous period with runs;
- rates are passed / checked (None when nothing was checked).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..labels import code_label as label
from ..model import jsonable
from .db import Store
from .findings import Names
from .periods import bounds, carried_over, period_runs, previous_period, require_period, seen_in
from .tables import Account, AccountResult, Site, SiteResult, TrackedFinding, Unit

LEVEL_LABELS = {"portal": "门户网站", "county": "区县网站", "department": "部门网站", "other": "其他网站"}


@dataclass(slots=True)
class Figures:
    """Registered, checked and passed counts of one group; ``rate`` is passed / checked."""

    registered: int = 0
    checked: int = 0
    passed: int = 0

    @property
    def failed(self) -> int:
        return self.checked - self.passed

    @property
    def rate(self) -> float | None:
        return round(self.passed / self.checked, 4) if self.checked else None

    def to_dict(self) -> dict[str, Any]:
        return {"registered": self.registered, "checked": self.checked, "passed": self.passed,
                "failed": self.failed, "rate": self.rate}


@dataclass(slots=True)
class VerdictEntry:
    """A site or account that did not pass, and why (codes and their Chinese names)."""

    kind: str  # site | account
    id: int
    name: str
    where: str  # the site's URL or the account's platform
    unit: str | None
    verdict_label: str  # 不合格 / 单项否决
    score: float | None
    reasons: list[str] = field(default_factory=list)
    reason_labels: list[str] = field(default_factory=list)


@dataclass(slots=True)
class ProblemKind:
    """One kind of problem in the period: how many open findings, on which subjects."""

    code: str
    label: str
    count: int
    subjects: list[str] = field(default_factory=list)


@dataclass(slots=True)
class FindingRef:
    """A finding named in the summary (carried over, resolved, 整改不到位)."""

    id: int
    subject_kind: str
    subject_name: str
    unit: str | None
    code: str
    code_label: str
    severity: str
    message: str
    first_seen: date
    last_seen: date


@dataclass(slots=True)
class ClosedAccount:
    """An account closed or merged during the period (关停 / 注销 / 整合)."""

    name: str
    platform: str
    unit: str | None
    closed_on: date
    kind: str


@dataclass(slots=True)
class PeriodSummary:
    """Everything the circular says about one period, computed once from the store."""

    period: str
    previous_period: str | None
    as_of: date | None
    run_ids: list[int]
    sites: Figures
    sites_by_level: dict[str, Figures]
    accounts: Figures
    accounts_by_platform: dict[str, Figures]
    failed_sites: list[VerdictEntry]  # 不合格
    vetoed_sites: list[VerdictEntry]  # 单项否决
    failed_accounts: list[VerdictEntry]
    problems: list[ProblemKind]
    carried_over: list[FindingRef]  # 上期未整改
    resolved: list[FindingRef]  # 已整改 during the period
    verified: list[FindingRef]  # marked fixed by the owner and verified gone
    incomplete: list[FindingRef]  # marked fixed, still there (整改不到位)
    closed_accounts: list[ClosedAccount]
    reviews: dict[str, int]  # confirmed / dismissed / unreviewed among the period's findings

    @property
    def site_pass_rate(self) -> float | None:
        """网站合格率."""
        return self.sites.rate

    @property
    def account_pass_rate(self) -> float | None:
        """政务新媒体合格率."""
        return self.accounts.rate

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (dates as ISO strings, rates as fractions)."""
        d = jsonable(asdict(self))
        for k in ("sites", "accounts"):
            d[k] = getattr(self, k).to_dict()
        d["sites_by_level"] = {k: v.to_dict() for k, v in self.sites_by_level.items()}
        d["accounts_by_platform"] = {k: v.to_dict() for k, v in self.accounts_by_platform.items()}
        d["site_pass_rate"], d["account_pass_rate"] = self.site_pass_rate, self.account_pass_rate
        return d


def summarize(store: Store, period: str, unit_id: int | None = None) -> PeriodSummary:
    """The summary of ``period`` (an error naming the known periods when it has no finished run);
    with ``unit_id``, over that unit's sites and accounts only (an operator's dashboard)."""
    with store.session() as s:
        period = require_period(s, period)
        return _summarize(s, period, unit_id)


def _summarize(s: Session, period: str, unit_id: int | None = None) -> PeriodSummary:
    first, last = bounds(period)
    runs = period_runs(s, period)
    units: dict[int | None, str] = {i: n for i, n in s.execute(select(Unit.id, Unit.name))}
    names = Names(s)

    sites = [x for x in s.scalars(select(Site).order_by(Site.id)) if not _archived(x.archived_at, last)
             and (unit_id is None or x.unit_id == unit_id)]
    site_results = {r.site_id: r for r in s.scalars(select(SiteResult).where(SiteResult.run_id.in_(runs.run_ids)))
                    if runs.site_runs.get(r.site_id) == r.run_id}
    by_level: dict[str, Figures] = {lvl: Figures() for lvl in LEVEL_LABELS}
    failed_sites: list[VerdictEntry] = []
    vetoed_sites: list[VerdictEntry] = []
    for site in sites:
        fig = by_level.setdefault(site.level, Figures())
        fig.registered += 1
        res = site_results.get(site.id)
        if res is None:
            continue
        fig.checked += 1
        if res.verdict == "pass":
            fig.passed += 1
            continue
        entry = VerdictEntry("site", site.id, site.name, site.url, units.get(site.unit_id),
                             "单项否决" if res.vetoed else "不合格", res.score)
        if res.vetoed:
            entry.reasons = [str(c) for c in res.veto_reasons]
            entry.reason_labels = [label(c) for c in entry.reasons]
            vetoed_sites.append(entry)
        else:
            failed_sites.append(entry)

    seen = seen_in(s, runs)
    mine: set[str] = set()  # the unit's subjects when the summary is of one unit
    if unit_id is not None:
        mine = {f"site:{i}" for i in s.scalars(select(Site.id).where(Site.unit_id == unit_id))} | \
            {f"account:{i}" for i in s.scalars(select(Account.id).where(Account.unit_id == unit_id))}
        seen = {i for i, subject in s.execute(select(TrackedFinding.id, TrackedFinding.subject)
                                              .where(TrackedFinding.id.in_(seen))) if subject in mine} if seen else seen
    rows = {r.id: r for r in s.scalars(select(TrackedFinding).where(TrackedFinding.id.in_(seen)))} if seen else {}
    counted = {i: r for i, r in rows.items() if r.severity != "notice"}
    problems_rows = {i: r for i, r in counted.items() if r.review != "dismissed"}

    accounts, by_platform, failed_accounts = _accounts(s, runs.account_runs, runs.run_ids, first, last, units,
                                                       problems_rows, unit_id)

    kinds: dict[str, ProblemKind] = {}
    for r in sorted(problems_rows.values(), key=lambda r: (names.name(r.subject), r.id)):
        k = kinds.setdefault(r.code, ProblemKind(r.code, label(r.code), 0))
        k.count += 1
        if names.name(r.subject) not in k.subjects:
            k.subjects.append(names.name(r.subject))
    problems = sorted(kinds.values(), key=lambda k: (-k.count, k.code))

    carried = carried_over(s, period, seen)
    resolved_rows = [r for r in s.scalars(select(TrackedFinding).where(TrackedFinding.resolved_at.is_not(None)))
                     if r.review != "dismissed" and r.severity != "notice"
                     and (unit_id is None or r.subject in mine) and (
                         r.resolved_run_id in runs.run_ids
                         or (r.origin == "manual" and r.resolved_at is not None and first <= r.resolved_at <= last))]

    def refs(items: list[TrackedFinding]) -> list[FindingRef]:
        items = sorted(items, key=lambda r: (names.name(r.subject), r.code, r.id))
        return [FindingRef(r.id, r.subject.split(":")[0], names.name(r.subject), names.unit(r.subject), r.code,
                           label(r.code), r.severity, r.message, r.first_seen, r.last_seen) for r in items]

    reviews = {"confirmed": 0, "dismissed": 0, "unreviewed": 0}
    for r in counted.values():
        reviews[r.review] = reviews.get(r.review, 0) + 1
    return PeriodSummary(
        period=period, previous_period=previous_period(s, period), as_of=runs.as_of, run_ids=runs.used_run_ids,
        sites=_total(by_level.values()), sites_by_level=by_level, accounts=_total(by_platform.values()),
        accounts_by_platform=by_platform, failed_sites=failed_sites, vetoed_sites=vetoed_sites,
        failed_accounts=failed_accounts, problems=problems,
        carried_over=refs([r for i, r in problems_rows.items() if i in carried]),
        resolved=refs(resolved_rows), verified=refs([r for r in resolved_rows if r.rectification == "verified"]),
        incomplete=refs([r for r in problems_rows.values() if r.rectification == "incomplete"]),
        closed_accounts=accounts, reviews=reviews,
    )


def _accounts(
    s: Session, account_runs: dict[int, int], run_ids: list[int], first: date, last: date,
    units: dict[int | None, str], problems: dict[int, TrackedFinding], unit_id: int | None = None,
) -> tuple[list[ClosedAccount], dict[str, Figures], list[VerdictEntry]]:
    """Closed accounts, figures per platform and the failing accounts of the period."""
    results = {r.account_id: r for r in s.scalars(select(AccountResult).where(AccountResult.run_id.in_(run_ids)))
               if account_runs.get(r.account_id) == r.run_id} if run_ids else {}
    codes: dict[str, list[TrackedFinding]] = defaultdict(list)
    for r in problems.values():
        codes[r.subject].append(r)
    closed: list[ClosedAccount] = []
    by_platform: dict[str, Figures] = {}
    failed: list[VerdictEntry] = []
    for acc in s.scalars(select(Account).order_by(Account.id)):
        if unit_id is not None and acc.unit_id != unit_id:
            continue
        if acc.closed_on is not None and first <= acc.closed_on <= last:
            closed.append(ClosedAccount(acc.name, acc.platform, units.get(acc.unit_id), acc.closed_on,
                                        acc.closed_kind or "关停"))
        if _archived(acc.archived_at, last):
            continue
        is_closed = acc.status == "closed" or acc.closed_on is not None
        if is_closed and (acc.closed_on is None or acc.closed_on < first):
            continue  # closed before the period: no longer registered
        fig = by_platform.setdefault(acc.platform, Figures())
        fig.registered += 1
        res = results.get(acc.id)
        if res is None or not res.checked or (is_closed and acc.closed_on is not None and acc.closed_on <= last):
            continue
        fig.checked += 1
        if res.verdict == "pass":
            fig.passed += 1
            continue
        mine = codes.get(f"account:{acc.id}", [])
        reasons = list(dict.fromkeys(r.code for r in mine if r.severity == "veto")) or \
            list(dict.fromkeys(r.code for r in mine))
        failed.append(VerdictEntry("account", acc.id, acc.name, acc.platform, units.get(acc.unit_id),
                                   res.verdict_label or "不合格", None, reasons, [label(c) for c in reasons]))
    closed.sort(key=lambda c: (c.closed_on, c.name))
    return closed, by_platform, failed


def _archived(at: Any, last: date) -> bool:
    """Whether an ``archived_at`` timestamp falls on or before the period's last day."""
    return at is not None and at.date() <= last


def _total(figs: Any) -> Figures:
    out = Figures()
    for f in figs:
        out.registered += f.registered
        out.checked += f.checked
        out.passed += f.passed
    return out
