"""Posts and interaction records exported from platform back-ends as CSV, JSON or XLSX.

WeChat offers no feed, so offices export the 公众号 back-end's list of articles and of
messages (contract section 5). The files are read by ``registry.load_posts`` and
``registry.load_messages``; a file with bad rows is reported with every bad row and
nothing of it is used.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..errors import RegistryError
from ..http import Fetcher
from ..registry import (
    AccountEntry,
    MessageRecord,
    RegistryErrors,
    check_record_files,
    load_messages,
    load_posts,
)
from ..rules import NewMediaRules
from .sources import Post, SourceResult, register

MAX_LISTED = 20  # bad rows quoted in a finding; the count says how many there were


@dataclass(slots=True)
class MessagesResult:
    """The interaction records of an account, or why they could not be read."""

    messages: list[MessageRecord] = field(default_factory=list)
    error: str | None = None
    problems: list[str] = field(default_factory=list)


def problems_of(exc: RegistryError) -> list[str]:
    """One line per bad row of a file that failed to load."""
    errors = exc.errors if isinstance(exc, RegistryErrors) else [exc]
    return [str(e) for e in errors]


def describe_problems(what: str, problems: list[str]) -> str:
    """A one-line Chinese summary of a file's bad rows."""
    if len(problems) == 1:
        return f"{what}无法读取: {problems[0]}"
    return f"{what}有 {len(problems)} 处错误，未导入: {problems[0]} 等"


class FileSource:
    """Posts from an exported file at ``source.path`` (source type ``file``)."""

    def __init__(self, rules: NewMediaRules | None = None) -> None:
        self.rules = rules or NewMediaRules()

    async def posts(self, account: AccountEntry, fetcher: Fetcher, as_of: date) -> SourceResult:
        path = account.source.path
        if path is None:
            return SourceResult(error="未填写发布记录文件路径")
        try:
            records = await asyncio.to_thread(load_posts, Path(path))
        except RegistryError as exc:
            problems = problems_of(exc)
            return SourceResult(error=describe_problems("发布记录文件", problems),
                                problems=problems[:MAX_LISTED])
        return SourceResult([Post(r.published, r.title, r.url) for r in records])


async def read_messages(account: AccountEntry) -> MessagesResult | None:
    """The account's interaction records, or None when the registry names no messages file."""
    spec = account.messages
    if spec is None or spec.type != "file" or spec.path is None:
        return None
    try:
        return MessagesResult(await asyncio.to_thread(load_messages, Path(spec.path)))
    except RegistryError as exc:
        problems = problems_of(exc)
        return MessagesResult(error=describe_problems("互动留言文件", problems),
                              problems=problems[:MAX_LISTED])


# Kept under its old name for callers of the new-media package; the registry owns the check.
check_files = check_record_files


register("file", FileSource)
