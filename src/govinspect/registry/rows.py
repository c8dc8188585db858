"""Turning raw registry rows into SiteEntry and AccountEntry, reporting every invalid field."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from ..model import SiteEntry
from . import fields
from .columns import (
    CLOSED_KIND_WORDS,
    LEVEL_WORDS,
    PLATFORM_WORDS,
    SOURCE_WORDS,
    STATUS_WORDS,
    header_key,
)
from .entries import AccountEntry, SourceSpec
from .fields import Invalid
from .problems import Problems
from .tables import RawRow

T = TypeVar("T")

LEVELS_HINT = "portal(门户)、county(区县)、department(部门)或 other(其他)"
PLATFORMS_HINT = "wechat(微信)、weibo(微博)、douyin(抖音)、toutiao(今日头条)或 other(其他)"
SOURCES_HINT = "rss、weibo 或 file"
CLOSED_KINDS_HINT = "关停、注销或整合"
MISSING = "不能为空"


class _Reader:
    """Reads fields of one row, recording each failure and whether the row stayed valid."""

    def __init__(self, row: RawRow, problems: Problems):
        self.row, self.problems, self.ok = row, problems, True

    def fail(self, name: str, message: str) -> None:
        self.problems.add(self.row.error(name, message))
        self.ok = False

    def text(self, name: str, required: bool = False) -> str | None:
        value = fields.text(self.row.get(name))
        if value is None and required:
            self.fail(name, MISSING)
        return value

    def check(self, name: str, rule: Callable[[str], T], required: bool = False) -> T | None:
        value = self.text(name, required)
        if value is None:
            return None
        try:
            return rule(value)
        except Invalid as exc:
            self.fail(name, str(exc))
            return None

    def path(self, name: str, base: Path) -> Path | None:
        value = self.text(name)
        if value is None:
            return None
        # Registries are written on Windows and read on Linux servers: accept backslashes.
        path = Path(value.replace("\\", "/")).expanduser()
        return path if path.is_absolute() else (base / path).resolve()


def site_entry(row: RawRow, problems: Problems) -> SiteEntry | None:
    """The site of one row, or None after recording why it is invalid."""
    r = _Reader(row, problems)
    name = r.text("name", required=True)
    url = r.check("url", fields.http_url, required=True)
    level = r.check("level", _choose(LEVEL_WORDS, LEVELS_HINT, "级别")) or "other"
    code = r.check("site_code", fields.site_code)
    search = r.check("search_url", _search_url)
    if not r.ok or name is None or url is None:
        return None
    overrides = row.get("overrides")
    return SiteEntry(name=name, url=url, unit=r.text("unit"), level=level, site_code=code,
                     search_url=search, source=row.ref,
                     overrides=overrides if isinstance(overrides, dict) else {})


def account_entry(row: RawRow, base: Path, problems: Problems) -> AccountEntry | None:
    """The account of one row, or None after recording why it is invalid."""
    r = _Reader(row, problems)
    name = r.text("name", required=True)
    platform = r.check("platform", _choose(PLATFORM_WORDS, PLATFORMS_HINT, "平台")) or "other"
    official = r.check("official_matrix", fields.boolean)
    closed_on = r.check("closed_on", fields.day)
    kind = r.check("closed_kind", _choose(CLOSED_KIND_WORDS, CLOSED_KINDS_HINT, "关停类型"))
    status = r.check("status", _choose(STATUS_WORDS, "active(正常)或 closed(关停)", "状态"))
    if status is None:
        status = "closed" if closed_on or kind else "active"
    elif status == "active" and closed_on is not None:
        r.fail("closed_on", "状态为 active(正常)的账号不应填写关停日期")
    elif status == "active" and kind is not None:
        r.fail("closed_kind", "状态为 active(正常)的账号不应填写关停类型")
    closed_kind = _closed_kind(row, kind) if status == "closed" else None
    source = _source(r, base)
    messages = _messages(r, base)
    if not r.ok or name is None or source is None:
        return None
    return AccountEntry(
        name=name, platform=platform, source=source, unit=r.text("unit"), messages=messages,
        platform_id=r.text("platform_id"), official_matrix=True if official is None else official,
        status=status, closed_on=closed_on, closed_kind=closed_kind, source_ref=row.ref,
    )


def _closed_kind(row: RawRow, written: str | None) -> str:
    """关停, 注销 or 整合: the kind column, else the status word, else the date column's header."""
    if written is not None:
        return written
    status = header_key(fields.text(row.get("status")) or "")
    if status != "closed" and (found := CLOSED_KIND_WORDS.get(status)):
        return found
    header = row.labels.get("closed_on", "")
    for word, kind in (("注销", "注销"), ("整合", "整合"), ("合并", "整合")):
        if word in header:
            return kind
    return "关停"


def _source(r: _Reader, base: Path) -> SourceSpec | None:
    if "source" in r.row.reported:
        r.ok = False
        return None
    kind = r.check("source_type", _choose(SOURCE_WORDS, SOURCES_HINT, "来源类型"))
    url = r.check("source_url", fields.http_url)
    path = r.path("source_path", base)
    if r.text("source_type") is None:
        # An empty type is clear from what was filled in: a file, Weibo's card API, or a feed.
        if path is not None:
            kind = "file"
        elif url is not None:
            kind = "weibo" if re.search(r"containerid=|/api/container/", url) else "rss"
        elif r.text("source_url") is None:
            r.fail("source_type", f"缺少帖子来源，应为 {SOURCES_HINT}，并填写 url 或 path")
    if kind in ("rss", "weibo") and url is None:
        if r.text("source_url") is None:
            r.fail("source_url", f"来源类型为 {kind} 时必须填写 url")
        return None
    if kind == "file" and path is None:
        r.fail("source_path", "来源类型为 file 时必须填写 path")
        return None
    if kind is None:
        return None
    if kind == "file":
        return SourceSpec(kind, path=path)
    return SourceSpec(kind, url=url)


def _messages(r: _Reader, base: Path) -> SourceSpec | None:
    if "messages" in r.row.reported:
        r.ok = False
        return None
    kind = r.text("messages_type")
    path = r.path("messages_path", base)
    if kind is None and path is None:
        return None
    if kind is not None and SOURCE_WORDS.get(header_key(kind)) != "file":
        r.fail("messages_type", f"“{kind}”不是有效的留言来源类型，应为 file")
        return None
    if path is None:
        r.fail("messages_path", "留言来源类型为 file 时必须填写 path")
        return None
    return SourceSpec("file", path=path)


def _choose(words: dict[str, str], hint: str, what: str) -> Callable[[str], str]:
    return lambda value: fields.choice(value, words, hint, what)


def _search_url(value: str) -> str:
    if "{q}" not in value:
        raise Invalid(f"“{value}”中缺少查询词占位符 {{q}}")
    try:
        fields.http_url(value.replace("{q}", "q"))
    except Invalid as exc:  # name the value as written, placeholder included
        raise Invalid(str(exc).replace(value.replace("{q}", "q"), value, 1)) from None
    return value


def check_duplicates(sites: list[RawRow], accounts: list[RawRow], problems: Problems) -> None:
    """Record every site registered twice (name, URL or 网站标识码) and every repeated account."""
    seen: dict[tuple[str, str], tuple[RawRow, int]] = {}

    def again(row: RawRow, field: str, key: tuple[str, str], what: str) -> None:
        here = row.rows.get(field, row.row)
        first_row, first = seen.setdefault(key, (row, here))
        if first_row is not row:
            problems.add(row.error(field, f"{what}与第{first}{row.unit}重复"))

    # Raw rows, so that a row with another invalid field still shows up as a duplicate.
    for row in sites:
        if name := _valid(row, "name", str):
            again(row, "name", ("site", name), f"网站名称“{name}”")
        if url := _valid(row, "url", fields.http_url):
            again(row, "url", ("url", fields.url_key(url)), f"网址“{url}”")
        if code := _valid(row, "site_code", fields.site_code):
            again(row, "site_code", ("code", code), f"网站标识码“{code}”")
    for row in accounts:
        platform = PLATFORM_WORDS.get(header_key(fields.text(row.get("platform")) or ""), "other")
        if name := _valid(row, "name", str):
            again(row, "name", (f"account:{platform}", name), f"{platform} 账号“{name}”")


def _valid(row: RawRow, name: str, rule: Callable[[str], str]) -> str | None:
    value = fields.text(row.get(name))
    try:
        return None if value is None else rule(value)
    except Invalid:
        return None
