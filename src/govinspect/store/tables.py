"""The stored history as SQLAlchemy tables: registry, runs, results, tracked findings, probes.

A finding row is one *problem* of one site or account, identified by ``Finding.key()``; each
run that sees it adds an occurrence, so first seen, last seen and resolved are facts of the
history, not of one scan. Nothing is ever deleted: a site or account leaving the registry is
archived (``archived_at``) and keeps its history.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Stable constraint names, so that migrations can refer to them on every backend.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base of every stored table."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Unit(Base):
    """A unit (单位) that runs sites and accounts; operators belong to one."""

    __tablename__ = "units"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    archived_at: Mapped[datetime | None] = mapped_column(DateTime)


class Site(Base):
    """A registered website (contract section 2); ``url`` is its identity."""

    __tablename__ = "sites"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(1000), unique=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    level: Mapped[str] = mapped_column(String(20), default="other")
    site_code: Mapped[str | None] = mapped_column(String(40))
    search_url: Mapped[str | None] = mapped_column(String(1000))
    overrides: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    source_ref: Mapped[str | None] = mapped_column(String(500))  # "file:row" of the last import
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    archived_at: Mapped[datetime | None] = mapped_column(DateTime)


class Account(Base):
    """A registered new-media account; (platform, name) is its identity."""

    __tablename__ = "accounts"
    __table_args__ = (UniqueConstraint("platform", "name", name="uq_accounts_platform_name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    platform: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    platform_id: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # {"type", "url", "path"}
    messages: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    official_matrix: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[str] = mapped_column(String(20), default="active")
    closed_on: Mapped[date | None] = mapped_column(Date)
    closed_kind: Mapped[str | None] = mapped_column(String(20))  # 关停 / 注销 / 整合, as registered
    source_ref: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    archived_at: Mapped[datetime | None] = mapped_column(DateTime)


class Run(Base):
    """One inspection (or re-judgement) of registered sites and accounts for a period."""

    __tablename__ = "runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(7), index=True)  # YYYY-MM of as_of
    as_of: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20), default="inspect")  # inspect | rejudge
    status: Mapped[str] = mapped_column(String(20), default="running")  # running | finished | interrupted | failed
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"))  # the run a rejudge re-reads
    rules: Mapped[str] = mapped_column(String(200), default="")
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # --site filter and the like
    owner: Mapped[str | None] = mapped_column(String(200))  # "host:pid" of the process running it
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime)
    snapshot_dir: Mapped[str | None] = mapped_column(String(1000))
    started_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)


class SiteResult(Base):
    """One site's verdict in one run (the figures of ``model.SiteResult``)."""

    __tablename__ = "site_results"
    __table_args__ = (UniqueConstraint("run_id", "site_id", name="uq_site_results_run_site"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    verdict: Mapped[str] = mapped_column(String(10))
    verdict_label: Mapped[str] = mapped_column(String(20), default="")
    vetoed: Mapped[bool] = mapped_column(Boolean, default=False)
    score: Mapped[float] = mapped_column(Float, default=100.0)
    deductions: Mapped[float] = mapped_column(Float, default=0.0)
    pages_crawled: Mapped[int] = mapped_column(Integer, default=0)
    veto_reasons: Mapped[list[Any]] = mapped_column(JSON, default=list)
    near_veto: Mapped[list[Any]] = mapped_column(JSON, default=list)
    stats: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    snapshot_path: Mapped[str | None] = mapped_column(String(1000))
    finished_at: Mapped[datetime] = mapped_column(DateTime)


class AccountResult(Base):
    """One account's verdict in one run (``model.AccountResult`` without its findings)."""

    __tablename__ = "account_results"
    __table_args__ = (UniqueConstraint("run_id", "account_id", name="uq_account_results_run_account"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    verdict: Mapped[str] = mapped_column(String(10))
    verdict_label: Mapped[str] = mapped_column(String(20), default="")
    checked: Mapped[bool] = mapped_column(Boolean, default=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    finished_at: Mapped[datetime] = mapped_column(DateTime)


class TrackedFinding(Base):
    """One problem of one site or account, followed from first seen until resolved."""

    __tablename__ = "findings"
    __table_args__ = (
        UniqueConstraint("subject", "key_hash", name="uq_findings_subject_key"),
        Index("ix_findings_site_open", "site_id", "resolved_at"),
        Index("ix_findings_account_open", "account_id", "resolved_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(40))  # "site:<id>" or "account:<id>"
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    key: Mapped[str] = mapped_column(Text)  # Finding.key()
    key_hash: Mapped[str] = mapped_column(String(64))  # sha256 of key: indexable on every backend
    code: Mapped[str] = mapped_column(String(60), index=True)
    severity: Mapped[str] = mapped_column(String(10))
    url: Mapped[str | None] = mapped_column(Text)
    message: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    origin: Mapped[str] = mapped_column(String(10), default="machine")  # machine | manual
    first_seen: Mapped[date] = mapped_column(Date)
    first_run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"))
    last_seen: Mapped[date] = mapped_column(Date)
    last_run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"))
    resolved_at: Mapped[date | None] = mapped_column(Date)
    resolved_run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"))
    # The inspector's review, kept across runs for the same key.
    review: Mapped[str] = mapped_column(String(20), default="unreviewed")  # unreviewed | confirmed | dismissed
    review_reason: Mapped[str | None] = mapped_column(Text)
    # The site owner's answer, verified by the next run.
    owner_status: Mapped[str | None] = mapped_column(String(20))  # fixed | disputed
    owner_reason: Mapped[str | None] = mapped_column(Text)
    owner_at: Mapped[datetime | None] = mapped_column(DateTime)
    rectification: Mapped[str | None] = mapped_column(String(20))  # e.g. "incomplete" (整改不到位)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Occurrence(Base):
    """A tracked finding as one run saw it (its evidence that month)."""

    __tablename__ = "occurrences"
    __table_args__ = (UniqueConstraint("run_id", "finding_id", name="uq_occurrences_run_finding"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), index=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id"), index=True)
    severity: Mapped[str] = mapped_column(String(10))
    url: Mapped[str | None] = mapped_column(Text)
    message: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Probe(Base):
    """One availability probe of a site's home page (the monitor), or of a control target."""

    __tablename__ = "probes"
    __table_args__ = (Index("ix_probes_site_at", "site_id", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"))  # None for a control target
    target: Mapped[str] = mapped_column(String(1000))
    round_id: Mapped[str | None] = mapped_column(String(40), index=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    status: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(40))
    latency_ms: Mapped[int | None] = mapped_column(Integer)
    control: Mapped[bool] = mapped_column(Boolean, default=False)
    discarded: Mapped[bool] = mapped_column(Boolean, default=False)  # a round lost to the monitor's own outage


class Review(Base):
    """One act on a finding: an inspector's confirm/dismiss, an owner's fixed/disputed, a manual add."""

    __tablename__ = "reviews"
    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))  # confirm | dismiss | fixed | disputed | add
    reason: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str | None] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(DateTime)


class ReportRecord(Base):
    """A circular written for a period (one row per file)."""

    __tablename__ = "reports"
    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(7), index=True)
    format: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(1000))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Alert(Base):
    """One alert message (a veto event or its recovery) and its delivery through apprise."""

    __tablename__ = "alerts"
    __table_args__ = (Index("ix_alerts_status_next", "status", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(Text)  # finding key, "availability|<site>" or "watch|<site>"
    key_hash: Mapped[str] = mapped_column(String(64), index=True)  # sha256 of key
    fingerprint: Mapped[str] = mapped_column(String(64), default="")  # what the problem looked like
    subject: Mapped[str] = mapped_column(String(1000))  # the site or account named in the message
    kind: Mapped[str] = mapped_column(String(20))  # alert | recovered
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    targets: Mapped[list[Any]] = mapped_column(JSON, default=list)  # apprise URLs, secrets hidden
    status: Mapped[str] = mapped_column(String(20), default="pending")  # sent | pending | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)


class User(Base):
    """A person who signs in to the dashboard: admin, supervisor or operator (of one unit)."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))  # argon2id, never the password
    role: Mapped[str] = mapped_column(String(20))  # admin | supervisor | operator
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))  # operators only
    must_change: Mapped[bool] = mapped_column(Boolean, default=False)  # a one-time password
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime)


class WebSession(Base):
    """A signed-in browser or API client; the cookie or bearer token holds only the random token."""

    __tablename__ = "web_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the token
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))  # the form token of this session
    kind: Mapped[str] = mapped_column(String(10), default="browser")  # browser | api
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
