"""Plain data read from registry files: accounts, their sources, and interaction records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from ..model import SiteEntry

LEVELS: tuple[str, ...] = ("portal", "county", "department", "other")
PLATFORMS: tuple[str, ...] = ("wechat", "weibo", "douyin", "toutiao", "other")
SOURCE_TYPES: tuple[str, ...] = ("rss", "weibo", "file")
MESSAGE_TYPES: tuple[str, ...] = ("file",)
STATUSES: tuple[str, ...] = ("active", "closed")


@dataclass(slots=True, frozen=True)
class SourceSpec:
    """Where posts or messages are read from: a feed ``url`` or an exported file at ``path``."""

    type: str
    url: str | None = None
    path: Path | None = None


@dataclass(slots=True)
class AccountEntry:
    """One government new-media account as registered (contract section 2)."""

    name: str
    platform: str
    source: SourceSpec
    unit: str | None = None
    messages: SourceSpec | None = None
    platform_id: str | None = None
    official_matrix: bool = True  # listed in the unit's official new-media matrix
    status: str = "active"
    closed_on: date | None = None
    closed_kind: str | None = None  # 关停 / 注销 / 整合 for a closed account
    source_ref: str | None = None  # "file:row" it came from, for messages


@dataclass(slots=True)
class Registry:
    """The sites and accounts of one registry file."""

    sites: list[SiteEntry] = field(default_factory=list)
    accounts: list[AccountEntry] = field(default_factory=list)
    path: Path | None = None


@dataclass(slots=True)
class MessageRecord:
    """One interaction message and its answer (contract section 5)."""

    id: str
    received: datetime
    content: str = ""
    author: str = ""
    reply: str = ""
    reply_time: datetime | None = None
    reply_unit: str = ""

    @property
    def answered(self) -> bool:
        return bool(self.reply.strip())


@dataclass(slots=True)
class PostRecord:
    """One post of an account exported to a file (source type ``file``)."""

    published: datetime
    title: str = ""
    url: str | None = None
