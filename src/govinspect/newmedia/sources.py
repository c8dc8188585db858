"""Where an account's posts come from: one small interface, sources registered by type name.

A source reads the posts of one account (``AccountEntry.source``) and never raises for
a problem with the data: a feed that times out, is malformed or answers an error becomes
``SourceResult.error`` (Chinese, for the account's staff), which the service reports as a
notice. A fourth source is one class with a ``posts`` method and one ``register`` call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Protocol

from ..errors import FetchError
from ..http import Fetcher
from ..labels import describe
from ..registry import AccountEntry
from ..rules import NewMediaRules

# Platforms, RSSHub and exported files all mean China Standard Time; posts are kept as
# naive local times so that "days since the last post" counts calendar days in China.
CST = timezone(timedelta(hours=8))


@dataclass(slots=True, frozen=True)
class Post:
    """One post of an account: when it was published (local time), its title and address."""

    published: datetime
    title: str = ""
    url: str | None = None


@dataclass(slots=True)
class SourceResult:
    """The posts a source read, or why it could not read them."""

    posts: list[Post] = field(default_factory=list)
    error: str | None = None
    skipped: int = 0  # items whose publication time could not be read
    truncated: bool = False  # paging stopped before the end (page cap or a later page failed)
    problems: list[str] = field(default_factory=list)  # every bad row of an exported file


class Source(Protocol):
    """Reads the posts of one account."""

    async def posts(self, account: AccountEntry, fetcher: Fetcher, as_of: date) -> SourceResult:
        """The account's posts as far as the source reaches; data problems go in ``error``."""
        ...


SourceFactory = Callable[[NewMediaRules], Source]
SOURCES: dict[str, SourceFactory] = {}


def register(kind: str, factory: SourceFactory) -> None:
    """Make ``factory`` the source for registry source type ``kind``."""
    SOURCES[kind] = factory


def source_for(kind: str, rules: NewMediaRules) -> Source:
    """The source for registry source type ``kind``; KeyError when none is registered."""
    return SOURCES[kind](rules)


def local(value: datetime) -> datetime:
    """A naive China-local time: aware times are converted, naive ones taken as local."""
    if value.tzinfo is None:
        return value
    return value.astimezone(CST).replace(tzinfo=None)


def reference_time(as_of: date) -> datetime:
    """The moment relative dates ("3小时前") count from: now when inspecting today, else as_of's end."""
    now = datetime.now(CST).replace(tzinfo=None)
    if as_of == now.date():
        return now
    return datetime.combine(as_of, time(23, 59, 59))


FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.8"


async def fetch_body(
    fetcher: Fetcher, url: str | None, headers: dict[str, str] | None = None
) -> tuple[bytes | None, str | None]:
    """The body at ``url`` or a Chinese reason why it could not be read."""
    if not url:
        return None, "未填写来源地址"
    try:
        resp = await fetcher.fetch(url, headers=headers or {"Accept": FEED_ACCEPT})
    except FetchError as exc:
        return None, f"来源地址无法访问: {describe(None, exc.kind, exc.detail)}"
    if resp.status >= 400:
        return None, f"来源地址返回 HTTP {resp.status}"
    return resp.body, None
