"""Veto alerts: events from the store and the monitor's rounds, stored and sent through apprise.

An event is a veto-level problem of one site or account (a site down past the availability
threshold, a hijacked page, a privacy leak, an account silent past the veto) or its recovery.
``raise_alerts`` turns events into stored ``Alert`` rows, one Chinese message each, and
suppresses a repeat: an alert whose key already has an open alert with the same fingerprint
(the evidence that names the problem) is not sent again; a changed fingerprint sends a new one;
a recovery sends one "已恢复" message and closes the key. ``deliver_pending`` sends stored
alerts to the ``alerts`` setting's apprise URLs; a receiver that is down leaves the alert
pending with exponential backoff, and nothing here raises to the caller.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Protocol

import apprise
from sqlalchemy import or_, select

from ..errors import UsageError
from ..model import Finding
from ..settings import Settings
from ..store.db import Store
from ..store.tables import Account, Alert, Site, TrackedFinding
from ..store.tracking import key_hash
from .watch import watch_home

__all__ = [
    "ALERT_CODES", "AlertEvent", "Availability", "check_targets", "deliver_pending",
    "events_from_round", "events_from_store", "raise_alerts",
]  # fmt: skip

log = logging.getLogger(__name__)

# Veto findings that are alerted, with the problem as the message names it.
ALERT_CODES = {
    "site.unreachable": "网站无法访问",
    "security.hijack": "网站被篡改或挂马（涉赌涉黄等违规内容）",
    "privacy.leak": "泄露个人隐私信息",
    "newmedia.stale": "政务新媒体长期未更新",
}
BACKOFF = timedelta(minutes=1)  # first retry pause, doubled after each failure
MAX_BACKOFF = timedelta(hours=6)
MAX_ATTEMPTS = 12  # then the alert is marked failed and kept


@dataclass(slots=True)
class AlertEvent:
    """One veto-level problem (kind "alert") or its end (kind "recovered") to tell the office about."""

    key: str
    subject: str  # the site or account as the message names it
    problem: str
    evidence: str = ""
    first_seen: datetime | date | None = None
    kind: str = "alert"
    fingerprint: str = ""  # what must change for a repeat to be sent; the evidence when empty

    def title(self) -> str:
        if self.kind == "recovered":
            return f"【已恢复】{self.subject}：{self.problem}"
        return f"【否决项告警】{self.subject}：{self.problem}"

    def body(self) -> str:
        lines = [f"对象：{self.subject}", f"问题：{self.problem}"]
        if self.evidence:
            lines.append(f"证据：{self.evidence}")
        if self.first_seen is not None:
            lines.append(f"首次发现：{_when(self.first_seen)}")
        if self.kind == "recovered":
            lines.append("状态：已恢复")
        return "\n".join(lines)

    def digest(self) -> str:
        return hashlib.sha256((self.fingerprint or self.evidence).encode("utf-8")).hexdigest()


@dataclass(slots=True)
class Availability:
    """A site's availability over the trailing window: failure rate, probes and the first failing time."""

    site: str  # the site URL
    rate: float  # share of failed probes, 0..1
    probes: int
    threshold: float  # the rule set's veto share, 0..1
    first_failure: datetime | None = None
    name: str = ""
    failed: int | None = None


class RoundLike(Protocol):
    """What the monitor's ``RoundResult`` offers to the alerts."""

    at: datetime
    discarded: bool
    homes: dict[str, str]


@dataclass(slots=True)
class Outcome:
    """What ``raise_alerts`` did: alerts stored, repeats suppressed, messages sent and pending."""

    stored: int = 0
    suppressed: int = 0
    sent: int = 0
    pending: int = 0
    ids: list[int] = field(default_factory=list)


def _when(value: datetime | date) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def check_targets(urls: Iterable[str]) -> list[str]:
    """The apprise URLs, refusing the first one apprise cannot use with a message naming it."""
    kept = []
    quiet = logging.getLogger("apprise")
    was, quiet.disabled = quiet.disabled, True
    try:
        for url in urls:
            if not apprise.Apprise().add(url):
                raise UsageError(f"告警地址无效: {url}")
            kept.append(url)
    finally:
        quiet.disabled = was
    return kept


def _shown_targets(urls: Sequence[str]) -> list[str]:
    """The targets as stored: apprise's privacy form (passwords and tokens hidden)."""
    shown = []
    for url in urls:
        instance = apprise.Apprise.instantiate(url)
        shown.append(instance.url(privacy=True) if instance else url)
    return shown


# --- events -----------------------------------------------------------------------------------

def _evidence_text(row: TrackedFinding) -> str:
    evidence = row.evidence or {}
    parts = [row.message] if row.message else []
    for name, label in (("where", "位置"), ("words", "违规词"), ("snippet", "片段"), ("context", "上下文"),
                        ("kinds", "类型"), ("days", "未更新天数"), ("last_post", "最近发布")):  # fmt: skip
        value = evidence.get(name)
        if value:
            text = "、".join(map(str, value)) if isinstance(value, list) else str(value)
            parts.append(f"{label}：{text[:120]}")
    if row.url:
        parts.append(f"网址：{row.url}")
    return "；".join(parts)


def events_from_store(store: Store, since: datetime) -> list[AlertEvent]:
    """Alert events for veto findings seen since ``since`` and recoveries of those resolved since then."""
    day = since.date()
    events: list[AlertEvent] = []
    with store.session() as s:
        rows = s.scalars(
            select(TrackedFinding).where(
                TrackedFinding.code.in_(list(ALERT_CODES)), TrackedFinding.severity == "veto",
                or_(TrackedFinding.last_seen >= day, TrackedFinding.first_seen >= day,
                    TrackedFinding.resolved_at >= day),
            ).order_by(TrackedFinding.id)
        ).all()  # fmt: skip
        for row in rows:
            subject = _subject_name(s, row)
            recovered = row.resolved_at is not None
            events.append(AlertEvent(
                key=row.key, subject=subject, problem=ALERT_CODES[row.code],
                evidence=_evidence_text(row), first_seen=row.first_seen,
                kind="recovered" if recovered else "alert",
                fingerprint=json.dumps(row.evidence or {}, sort_keys=True, ensure_ascii=False, default=str),
            ))  # fmt: skip
    return events


def _subject_name(session: Any, row: TrackedFinding) -> str:
    if row.site_id is not None:
        site = session.get(Site, row.site_id)
        if site is not None:
            return f"{site.name}（{site.url}）"
    if row.account_id is not None:
        account = session.get(Account, row.account_id)
        if account is not None:
            return f"{account.name}（{account.platform}）"
    return row.subject


def availability_event(figure: Availability) -> AlertEvent:
    """The alert (or recovery) of one site's availability figure against the threshold."""
    subject = f"{figure.name}（{figure.site}）" if figure.name else figure.site
    failed = figure.failed if figure.failed is not None else round(figure.rate * figure.probes)
    evidence = (f"近 7 天 {figure.probes} 次监测中 {failed} 次无法访问，失败率 {figure.rate:.1%}，"
                f"超过否决阈值 {figure.threshold:.1%}")  # fmt: skip
    down = figure.rate > figure.threshold
    return AlertEvent(
        key=f"availability|{figure.site}", subject=subject, problem=ALERT_CODES["site.unreachable"],
        evidence=evidence if down else f"近 7 天失败率 {figure.rate:.1%}，已低于否决阈值 {figure.threshold:.1%}",
        first_seen=figure.first_failure, kind="alert" if down else "recovered", fingerprint="down",
    )  # fmt: skip


def watch_events(url: str, findings: Sequence[Finding], at: datetime, name: str = "") -> list[AlertEvent]:
    """One hijack alert for a home page's watch findings, or its recovery when there are none."""
    subject = f"{name}（{url}）" if name else url
    key = f"watch|{url}"
    if not findings:
        return [AlertEvent(key=key, subject=subject, problem=ALERT_CODES["security.hijack"],
                           evidence="首页内容监测未再发现违规内容", first_seen=at, kind="recovered")]  # fmt: skip
    parts, words = [], []
    for finding in findings:
        ev = finding.evidence
        words += [str(w) for w in ev.get("words") or ()]
        where = "、".join({"title": "标题", "meta": "关键词/描述", "text": "正文"}.get(w, w) for w in ev.get("where") or ())
        parts.append(f"{finding.message}（位置：{where or '页面'}；片段：{ev.get('snippet') or ''}）")
    fingerprint = "|".join(sorted(set(words))) or "|".join(sorted(f.key() for f in findings))
    return [AlertEvent(key=key, subject=subject, problem=ALERT_CODES["security.hijack"],
                       evidence="；".join(parts), first_seen=at, fingerprint=fingerprint)]  # fmt: skip


def events_from_round(
    result: RoundLike, availability: Iterable[Availability] = (), names: dict[str, str] | None = None,
) -> list[AlertEvent]:
    """Events of one monitoring round: availability past the threshold and the home pages' content watch."""
    if result.discarded:
        return []  # a round lost to the monitor's own outage says nothing about the sites
    names = names or {}
    events = [availability_event(figure) for figure in availability]
    for url, html in result.homes.items():
        try:
            findings = watch_home(url, html, result.at.date())
        except Exception:  # a page the parser chokes on must not stop the round's alerts
            log.exception("content watch failed for %s", url)
            continue
        events += watch_events(url, findings, result.at, names.get(url, ""))
    return events


# --- storing and sending ----------------------------------------------------------------------

def raise_alerts(store: Store, settings: Settings, events: Iterable[AlertEvent], now: datetime) -> Outcome:
    """Store one alert per new or changed problem and per recovery, then send what is due; never raises."""
    outcome = Outcome()
    targets = _shown_targets(settings.alerts)
    try:
        with store.session() as s:
            for event in events:
                digest = key_hash(event.key)
                last = s.scalars(select(Alert).where(Alert.key_hash == digest, Alert.key == event.key)
                                 .order_by(Alert.id.desc()).limit(1)).first()  # fmt: skip
                open_alert = last is not None and last.kind == "alert"
                if event.kind == "recovered":
                    if not open_alert:
                        outcome.suppressed += int(last is not None)
                        continue
                elif open_alert and last is not None and last.fingerprint == event.digest():
                    outcome.suppressed += 1
                    continue
                row = Alert(key=event.key, key_hash=digest, fingerprint=event.digest(), subject=event.subject,
                            kind=event.kind, title=event.title(), body=event.body(), targets=targets,
                            status="pending", attempts=0, next_attempt_at=now, created_at=now)  # fmt: skip
                s.add(row)
                s.flush()
                outcome.stored += 1
                outcome.ids.append(row.id)
    except Exception:
        log.exception("alerts could not be stored")
        return outcome
    sent, pending = deliver_pending(store, settings, now)
    outcome.sent, outcome.pending = sent, pending
    return outcome


def deliver_pending(store: Store, settings: Settings, now: datetime) -> tuple[int, int]:
    """Send the pending alerts that are due; returns (sent, still pending). Never raises."""
    if not settings.alerts:
        return 0, _count_pending(store)
    sent = 0
    try:
        with store.session() as s:
            due = s.scalars(select(Alert).where(
                Alert.status == "pending", or_(Alert.next_attempt_at.is_(None), Alert.next_attempt_at <= now),
            ).order_by(Alert.id)).all()  # fmt: skip
            for row in due:
                ok, error = _send(settings.alerts, row.title, row.body)
                row.attempts += 1
                if ok:
                    row.status, row.sent_at, row.next_attempt_at, row.last_error = "sent", now, None, None
                    sent += 1
                    continue
                row.last_error = error
                if row.attempts >= MAX_ATTEMPTS:
                    row.status, row.next_attempt_at = "failed", None
                else:
                    row.next_attempt_at = now + min(BACKOFF * 2 ** (row.attempts - 1), MAX_BACKOFF)
    except Exception:
        log.exception("alerts could not be delivered")
    return sent, _count_pending(store)


def _count_pending(store: Store) -> int:
    try:
        with store.session() as s:
            return len(s.scalars(select(Alert.id).where(Alert.status == "pending")).all())
    except Exception:
        log.exception("alerts could not be counted")
        return 0


def _send(urls: Sequence[str], title: str, body: str) -> tuple[bool, str | None]:
    """One message to every target through apprise: (all delivered, why not)."""
    notifier = apprise.Apprise()
    for url in urls:
        notifier.add(url)
    try:
        ok = bool(notifier.notify(title=title, body=body))
    except Exception as exc:  # apprise plugins may raise on odd answers; the alert stays pending
        return False, f"{type(exc).__name__}: {exc}"[:500]
    return ok, None if ok else "至少一个告警接收端未成功接收"
