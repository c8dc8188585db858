"""Checking and normalising single cell values; each failure is an Invalid with a Chinese reason."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from urllib.parse import urlsplit

from .columns import BOOL_WORDS, header_key

SITE_CODE = re.compile(r"^(?:\d{10}|bm\d{8})$")
_TIME = re.compile(
    r"^(\d{4})(?:[-/.]|年)(\d{1,2})(?:[-/.]|月)(\d{1,2})日?"
    r"(?:[ T]+(\d{1,2})[:：](\d{1,2})(?:[:：](\d{1,2})(?:\.\d+)?)?)?$"
)
# Records carry local time; an explicit offset is converted to China Standard Time.
_CST = timezone(timedelta(hours=8))
TIME_FORMATS = "YYYY-MM-DD HH:MM:SS、YYYY-MM-DD HH:MM 或 YYYY/MM/DD"


class Invalid(ValueError):
    """A cell value that fails a rule; the message is the Chinese reason."""


def text(value: object) -> str | None:
    """A cell value as trimmed text, or None when empty; integral floats lose their ``.0``."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel stores 3404000001 as a float
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    result = str(value).replace("\u00a0", " ").replace("\u3000", " ").strip()
    return result or None


def http_url(value: str) -> str:
    """Return ``value`` if it is an absolute http(s) URL with a host and no spaces."""
    if re.search(r"\s", value):
        raise Invalid(f"“{value}”中含有空格")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise Invalid(f"“{value}”不是有效的网址") from exc
    if parts.scheme.lower() not in ("http", "https"):
        raise Invalid(f"“{value}”不是有效的网址，应以 http:// 或 https:// 开头")
    if not parts.hostname:
        raise Invalid(f"“{value}”缺少主机名")
    return value


def url_key(url: str) -> str:
    """The identity of a site URL: host, port and path, ignoring scheme, case and a final slash."""
    # http:// and https:// of one host are the same site registered twice.
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    port = parts.port
    if port in (80, 443):
        port = None
    path = parts.path.rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{':' + str(port) if port else ''}{path}{query}"


def site_code(value: str) -> str:
    """Return a 网站标识码 in its registered form: 10 digits, or bm and 8 digits."""
    code = value.replace(" ", "")
    code = code[:-2] if re.fullmatch(r"\d{10}\.0", code) else code  # a CSV written from floats
    code = code.lower()
    if not SITE_CODE.match(code):
        raise Invalid(f"“{value}”不是有效的网站标识码，应为 10 位数字或 bm 加 8 位数字")
    return code


def choice(value: str, words: dict[str, str], expected: str, what: str) -> str:
    """The canonical word for ``value`` looked up in ``words``; ``expected`` lists them for users."""
    found = words.get(header_key(value))
    if found is None:
        raise Invalid(f"“{value}”不是有效的{what}，应为 {expected}")
    return found


def boolean(value: object) -> bool:
    """A yes/no cell: true/false, 是/否, 1/0 and the like."""
    if isinstance(value, bool):
        return value
    found = BOOL_WORDS.get(header_key(text(value) or ""))
    if found is None:
        raise Invalid(f"“{value}”不是是/否值，应为 true 或 false(是/否)")
    return found


def timestamp(value: object) -> datetime:
    """A local date and time from a cell: a datetime, or text in one of the accepted formats."""
    if isinstance(value, datetime):
        return _local(value)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    raw = text(value) or ""
    match = _TIME.match(raw)
    try:
        if match:
            numbers = [int(g) if g else 0 for g in match.groups()]
            return datetime(*numbers)  # type: ignore[arg-type]
        return _local(datetime.fromisoformat(raw))
    except ValueError as exc:
        raise Invalid(f"“{raw}”不是有效的时间，应为 {TIME_FORMATS}") from exc


def day(value: object) -> date:
    """A calendar date from a cell, accepting the same forms as ``timestamp``."""
    return timestamp(value).date()


def _local(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value
    return value.astimezone(_CST).replace(tzinfo=None)
