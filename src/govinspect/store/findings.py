"""Tracked findings for people: list them, review them, add the ones no machine sees.

Inspectors confirm or dismiss machine findings (a dismissal needs a reason) and close manual
findings (``resolve``); site owners mark a finding fixed or disputed (a dispute needs a
reason), which the next run verifies (``tracking.record_findings``). Every act is appended to
``reviews``; the current state lives on the finding row and is kept across runs of the same key.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import UsageError
from ..labels import CODE_LABELS as CODES
from ..labels import PLATFORM_LABELS
from ..labels import code_label as label
from .db import Store
from .periods import (
    bounds,
    carried_over,
    finished_periods,
    parse_period,
    period_runs,
    require_period,
    seen_in,
)
from .tables import Account, Review, Site, TrackedFinding, Unit
from .tracking import key_hash, subject_of

# Chinese labels of rectification statuses, reviews and acts (may move to labels.py).
STATUS_LABELS = {"open": "未整改", "resolved": "已整改", "incomplete": "整改不到位", "carried": "上期未整改"}
REVIEW_LABELS = {"unreviewed": "待审核", "confirmed": "已确认", "dismissed": "已排除"}
OWNER_LABELS = {"fixed": "单位称已整改", "disputed": "单位有异议"}
ACTION_LABELS = {"confirm": "确认", "dismiss": "排除", "fixed": "标记为已整改", "disputed": "登记异议",
                 "resolve": "关闭", "add": "人工添加"}

INSPECTOR_ACTIONS = ("confirm", "dismiss", "resolve")
OWNER_ACTIONS = ("fixed", "disputed")
ACTIONS = INSPECTOR_ACTIONS + OWNER_ACTIONS
REASON_REQUIRED = ("dismiss", "disputed")
STATUSES = ("open", "resolved", "all")
SEVERITIES = ("veto", "deduct", "notice")


class FindingError(UsageError):
    """A finding that does not exist, or an act that does not apply to it."""


@dataclass(slots=True)
class FindingView:
    """One tracked finding as people read it: subject named, status and review labelled."""

    id: int
    subject: str
    subject_kind: str
    subject_name: str
    unit: str | None
    code: str
    code_label: str
    severity: str
    url: str | None
    message: str
    evidence: dict[str, Any]
    origin: str
    first_seen: date
    last_seen: date
    resolved_at: date | None
    status: str  # open | resolved | incomplete | carried
    status_label: str
    review: str
    review_label: str
    review_reason: str | None
    owner_status: str | None
    owner_reason: str | None
    rectification: str | None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (dates as ISO strings)."""
        d = asdict(self)
        for k in ("first_seen", "last_seen", "resolved_at"):
            d[k] = d[k].isoformat() if d[k] else None
        return d


def status_of(row: TrackedFinding, carried: bool) -> str:
    """The rectification status of a finding: resolved, incomplete, carried or open."""
    if row.resolved_at is not None:
        return "resolved"
    if row.rectification == "incomplete":
        return "incomplete"
    return "carried" if carried else "open"


class Names:
    """Names of sites, accounts and units, loaded once per query."""

    def __init__(self, session: Session):
        units: dict[int | None, str] = {i: n for i, n in session.execute(select(Unit.id, Unit.name))}
        self.subjects: dict[str, tuple[str, str | None]] = {}
        for sid, name, unit_id in session.execute(select(Site.id, Site.name, Site.unit_id)):
            self.subjects[f"site:{sid}"] = (name, units.get(unit_id))
        for aid, name, platform, unit_id in session.execute(
            select(Account.id, Account.name, Account.platform, Account.unit_id)
        ):
            self.subjects[f"account:{aid}"] = (f"{name}({PLATFORM_LABELS.get(platform, platform)})", units.get(unit_id))

    def name(self, subject: str) -> str:
        return self.subjects.get(subject, (subject, None))[0]

    def unit(self, subject: str) -> str | None:
        return self.subjects.get(subject, (subject, None))[1]


def view(row: TrackedFinding, names: Names, carried: bool) -> FindingView:
    """The readable form of a finding row."""
    status = status_of(row, carried)
    return FindingView(
        id=row.id, subject=row.subject, subject_kind=row.subject.split(":")[0],
        subject_name=names.name(row.subject), unit=names.unit(row.subject), code=row.code,
        code_label=label(row.code), severity=row.severity, url=row.url, message=row.message,
        evidence=dict(row.evidence or {}), origin=row.origin, first_seen=row.first_seen,
        last_seen=row.last_seen, resolved_at=row.resolved_at, status=status,
        status_label=STATUS_LABELS[status], review=row.review, review_label=REVIEW_LABELS.get(row.review, row.review),
        review_reason=row.review_reason, owner_status=row.owner_status, owner_reason=row.owner_reason,
        rectification=row.rectification,
    )


def list_findings(
    store: Store, *, site: str | None = None, account: str | None = None, unit: str | None = None,
    code: str | None = None, status: str = "open", period: str | None = None, review: str | None = None,
    carried: bool = False,
) -> list[FindingView]:
    """Tracked findings matching the filters; ``period`` keeps those the period saw or resolved."""
    if status not in STATUSES:
        raise FindingError(f"--status 取值错误: {status!r}，可选: open(未整改)、resolved(已整改)、all(全部)")
    if review is not None and review not in REVIEW_LABELS:
        raise FindingError(f"审核状态取值错误: {review!r}，可选: {', '.join(REVIEW_LABELS)}")
    if code is not None and code not in CODES:
        raise FindingError(f"未知问题代码 {code!r}")
    with store.session() as s:
        q = select(TrackedFinding).order_by(TrackedFinding.id)
        if code:
            q = q.where(TrackedFinding.code == code)
        if review:
            q = q.where(TrackedFinding.review == review)
        if status == "open":
            q = q.where(TrackedFinding.resolved_at.is_(None))
        elif status == "resolved":
            q = q.where(TrackedFinding.resolved_at.is_not(None))
        subjects = _subjects(s, site=site, account=account, unit=unit)
        if subjects is not None:
            q = q.where(TrackedFinding.subject.in_(subjects))
        rows = list(s.scalars(q))
        ref = require_period(s, period) if period else latest_period(s)
        seen, carried_ids = _seen_and_carried(s, ref)
        if period and ref:
            first, last = bounds(ref)
            rows = [r for r in rows if r.id in seen or (r.resolved_at is not None and first <= r.resolved_at <= last)]
        if carried:
            rows = [r for r in rows if r.id in carried_ids and r.resolved_at is None]
        names = Names(s)
        return [view(r, names, r.id in carried_ids) for r in rows]


def latest_period(s: Session) -> str | None:
    """The newest period with a finished run (None before the first)."""
    known = finished_periods(s)
    return known[-1] if known else None


def _seen_and_carried(s: Session, period: str | None) -> tuple[set[int], set[int]]:
    """Ids of the findings ``period`` saw, and of those carried over into it."""
    if period is None:
        return set(), set()
    seen = seen_in(s, period_runs(s, period))
    return seen, carried_over(s, period, seen)


def _subjects(s: Session, *, site: str | None, account: str | None, unit: str | None) -> list[str] | None:
    """The subject values selected by site, account and unit names (None: no such filter)."""
    if site is None and account is None and unit is None:
        return None
    out: list[str] = []
    if account is None:
        sq = select(Site.id)
        if site is not None:
            sq = sq.where((Site.name == site) | (Site.url == site))
        if unit is not None:
            sq = sq.join(Unit, Unit.id == Site.unit_id).where(Unit.name == unit)
        out += [subject_of("site", i) for i in s.scalars(sq)]
        if site is not None and not out:
            raise FindingError(f"没有名为 {site!r} 的网站")
    if site is None:
        aq = select(Account.id)
        if account is not None:
            aq = aq.where(Account.name == account)
        if unit is not None:
            aq = aq.join(Unit, Unit.id == Account.unit_id).where(Unit.name == unit)
        ids = [subject_of("account", i) for i in s.scalars(aq)]
        if account is not None and not ids:
            raise FindingError(f"没有名为 {account!r} 的政务新媒体账号")
        out += ids
    if unit is not None and not out:
        raise FindingError(f"单位 {unit!r} 没有登记的网站或账号")
    return out


def review(
    store: Store, finding_id: int, action: str, reason: str | None = None, actor: str | None = None,
    on: date | None = None,
) -> FindingView:
    """Apply one inspector's or owner's act to a finding and append it to its review history."""
    if action not in ACTIONS:
        raise FindingError(f"未知审核动作 {action!r}，可选: {', '.join(ACTIONS)}")
    reason = (reason or "").strip() or None
    if action in REASON_REQUIRED and not reason:
        raise FindingError(f"{ACTION_LABELS[action]}问题 #{finding_id} 需要说明理由(--reason)")
    with store.session() as s:
        row = s.get(TrackedFinding, finding_id)
        if row is None:
            raise FindingError(f"没有编号为 {finding_id} 的问题；用 govinspect findings list --status all 查看")
        now = datetime.now()
        if action == "confirm":
            row.review, row.review_reason = "confirmed", reason
        elif action == "dismiss":
            row.review, row.review_reason = "dismissed", reason
        elif action == "resolve":
            if row.origin != "manual":
                raise FindingError(f"问题 #{finding_id} 由机器发现，由下次检查核验整改，不能手工关闭")
            if row.resolved_at is not None:
                raise FindingError(f"问题 #{finding_id} 已于 {row.resolved_at} 关闭")
            row.resolved_at = on or date.today()
            if row.owner_status == "fixed":
                row.rectification = "verified"
        else:
            if row.resolved_at is not None:
                raise FindingError(f"问题 #{finding_id} 已于 {row.resolved_at} 整改完毕，无需再标记")
            row.owner_status, row.owner_reason, row.owner_at = action, reason, now
            row.rectification = None  # the next run verifies the owner's answer afresh
        s.add(Review(finding_id=row.id, action=action, reason=reason, actor=actor, at=now))
        s.flush()
        return view(row, Names(s), row.id in _seen_and_carried(s, latest_period(s))[1])


def history(store: Store, finding_id: int) -> list[Review]:
    """Every act on a finding, oldest first."""
    with store.session() as s:
        if s.get(TrackedFinding, finding_id) is None:
            raise FindingError(f"没有编号为 {finding_id} 的问题")
        return list(s.scalars(select(Review).where(Review.finding_id == finding_id).order_by(Review.id)))


def add_manual(
    store: Store, *, code: str, message: str, site: str | None = None, account: str | None = None,
    platform: str | None = None, severity: str = "deduct", evidence: dict[str, Any] | None = None,
    as_of: date | None = None, actor: str | None = None,
) -> FindingView:
    """Record a problem no machine sees on a site or account (origin manual, closed only by resolve)."""
    if (site is None) == (account is None):
        raise FindingError("请用 --site 或 --account 指定一个网站或账号(二选一)")
    if code not in CODES:
        raise FindingError(f"未知问题代码 {code!r}；人工发现的其他问题可用 manual.other")
    if severity not in SEVERITIES:
        raise FindingError(f"严重程度取值错误: {severity!r}，可选: veto(单项否决)、deduct(扣分)、notice(提示)")
    message = message.strip()
    if not message:
        raise FindingError("问题描述(--message)不能为空")
    day = as_of or date.today()
    with store.session() as s:
        subject = _one_subject(s, site, account, platform)
        key = f"{code}|manual|message={message}"
        digest = key_hash(key)
        row = s.scalars(select(TrackedFinding).where(
            TrackedFinding.subject == subject, TrackedFinding.key_hash == digest)).one_or_none()
        now = datetime.now()
        if row is not None and row.resolved_at is None:
            raise FindingError(f"相同的人工问题已存在且未关闭: #{row.id}")
        if row is None:
            kind, _, raw = subject.partition(":")
            row = TrackedFinding(subject=subject, key=key, key_hash=digest, origin="manual", review="confirmed",
                                 created_at=now, **{f"{kind}_id": int(raw)})
            s.add(row)
        else:  # the same problem again after it was closed: a new episode
            row.resolved_at = row.resolved_run_id = None
            row.owner_status = row.owner_reason = row.owner_at = row.rectification = None
        row.code, row.severity, row.url, row.message = code, severity, None, message
        row.evidence = dict(evidence or {})
        row.first_seen = row.last_seen = day
        s.flush()
        s.add(Review(finding_id=row.id, action="add", reason=message, actor=actor, at=now))
        s.flush()
        return view(row, Names(s), row.id in _seen_and_carried(s, latest_period(s))[1])


def _one_subject(s: Session, site: str | None, account: str | None, platform: str | None) -> str:
    """The subject value of exactly one site or account named on the command line."""
    if site is not None:
        ids = list(s.scalars(select(Site.id).where((Site.name == site) | (Site.url == site))))
        if not ids:
            raise FindingError(f"没有名为 {site!r} 的网站")
        if len(ids) > 1:
            raise FindingError(f"有 {len(ids)} 个网站名为 {site!r}，请改用网址指定")
        return subject_of("site", ids[0])
    q = select(Account.id, Account.platform).where(Account.name == account)
    if platform:
        q = q.where(Account.platform == platform)
    found = s.execute(q).all()
    if not found:
        raise FindingError(f"没有名为 {account!r} 的政务新媒体账号" + (f"(平台 {platform})" if platform else ""))
    if len(found) > 1:
        plats = "、".join(p for _, p in found)
        raise FindingError(f"账号 {account!r} 在多个平台登记({plats})，请用 --platform 指定")
    return subject_of("account", found[0][0])


__all__ = [
    "ACTIONS", "FindingError", "FindingView", "REVIEW_LABELS", "STATUS_LABELS", "add_manual", "history",
    "list_findings", "parse_period", "review",
]
