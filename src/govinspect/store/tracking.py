"""Following each problem from month to month: the store side of rectification.

One row per problem and subject (``findings``), identified by ``Finding.key()``. Each run that
inspects a subject records what it saw: a problem seen again keeps its first-seen date and
gains an occurrence; one that is new gets a row; an open one that the run no longer sees is
resolved on the run's date. An owner's "fixed" mark is verified here: still there means
整改不到位 (``rectification="incomplete"``), gone means verified. Manual findings are never
resolved by a machine run, and nothing is resolved from a run that could not reach the subject.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..model import Finding
from .tables import Occurrence, Run, TrackedFinding

SEVERITY_RANK = {"veto": 0, "deduct": 1, "notice": 2}
# Findings that mean the subject could not be inspected: nothing else may be judged fixed then.
UNVERIFIABLE_CODES = frozenset({"site.unreachable"})


@dataclass(slots=True)
class TrackCounts:
    """What one subject's record changed: new, seen again, reopened, resolved problems."""

    new: int = 0
    seen_again: int = 0
    reopened: int = 0
    resolved: int = 0
    incomplete: int = 0  # marked fixed by the owner, still there (整改不到位)


def key_hash(key: str) -> str:
    """The indexable digest of a finding key."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def subject_of(kind: str, subject_id: int) -> str:
    """The subject column value of a site or account."""
    if kind not in ("site", "account"):
        raise ValueError(f"unknown subject kind {kind!r}")
    return f"{kind}:{subject_id}"


def record_findings(
    session: Session, run: Run, kind: str, subject_id: int, findings: Iterable[Finding], as_of: date,
) -> TrackCounts:
    """Record one run's findings of one site or account; resolve the open ones it no longer shows."""
    subject = subject_of(kind, subject_id)
    current = _unique(findings)
    rows = {r.key_hash: r for r in session.scalars(select(TrackedFinding).where(TrackedFinding.subject == subject))}
    counts = TrackCounts()
    now = datetime.now()
    for digest, (key, finding) in current.items():
        row = rows.get(digest)
        if row is None:
            row = TrackedFinding(
                subject=subject, key=key, key_hash=digest, origin="machine", first_seen=as_of,
                first_run_id=run.id, created_at=now, review="unreviewed",
                **{f"{kind}_id": subject_id},
            )
            session.add(row)
            counts.new += 1
        elif row.resolved_at is not None:
            # Back after being fixed: a new episode of the same problem. The inspector's review
            # stays attached to the key; the owner's answer concerned the closed episode.
            row.first_seen, row.first_run_id = as_of, run.id
            row.resolved_at = row.resolved_run_id = None
            row.rectification = None
            row.owner_status = row.owner_reason = row.owner_at = None
            counts.reopened += 1
        else:
            counts.seen_again += 1
            if row.owner_status == "fixed" and row.rectification != "incomplete":
                row.rectification = "incomplete"
                counts.incomplete += 1
        row.code, row.severity, row.url = finding.code, str(finding.severity), finding.url
        row.message, row.evidence = finding.message, finding.to_dict()["evidence"]
        row.last_seen, row.last_run_id = as_of, run.id
        session.flush()  # the row needs its id for the occurrence
        session.add(Occurrence(run_id=run.id, finding_id=row.id, severity=row.severity, url=row.url,
                               message=row.message, evidence=row.evidence))
    # A notice (e.g. "监测数据不足7天") says how availability was judged, not that the site was out of reach.
    if any(f.code in UNVERIFIABLE_CODES and f.severity != "notice" for _, f in current.values()):
        return counts
    for digest, row in rows.items():
        if digest in current or row.resolved_at is not None or row.origin != "machine":
            continue
        row.resolved_at, row.resolved_run_id = as_of, run.id
        if row.owner_status == "fixed":
            row.rectification = "verified"
        counts.resolved += 1
    return counts


def _unique(findings: Iterable[Finding]) -> dict[str, tuple[str, Finding]]:
    """One finding per key (the most severe when a run reports the same problem twice)."""
    out: dict[str, tuple[str, Finding]] = {}
    for f in findings:
        key = f.key()
        digest = key_hash(key)
        old = out.get(digest)
        if old is None or SEVERITY_RANK.get(str(f.severity), 9) < SEVERITY_RANK.get(str(old[1].severity), 9):
            out[digest] = (key, f)
    return out
