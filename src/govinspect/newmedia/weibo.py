"""Weibo's mobile card API: ``/api/container/getIndex?containerid=107603<uid>&page=N``.

Each page is ``{"ok": 1, "data": {"cards": [{"card_type": 9, "mblog": {...}}, ...]}}``;
``mblog.created_at`` comes in the forms Weibo has used over the years, from the full
``Wed Oct 23 08:19:00 +0800 2019`` to ``10-23``, ``3小时前`` and ``昨天 08:19``, the relative
ones counted from the inspection time (``sources.reference_time``). Paging stops at a page
without posts, once the posts are older than the frequency window, or at the page cap.
``ok: 0`` on the first page is an error carrying Weibo's ``msg``; past the last page the
API answers ``ok: 0`` too ("这里还没有内容"), which is simply the end.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..http import Fetcher
from ..registry import AccountEntry
from ..rules import NewMediaRules
from .sources import Post, SourceResult, fetch_body, reference_time, register

_MONTHS = {m: i for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), start=1)}
_FULL = re.compile(r"^[A-Z][a-z]{2} ([A-Z][a-z]{2}) (\d{1,2}) (\d{1,2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2}) (\d{4})$")
_AGO = re.compile(r"^(\d+)\s*(秒|分钟|小时|天)前$")
_DAY_TIME = re.compile(r"^(今天|昨天|前天)\s*(\d{1,2}):(\d{2})$")
_MONTH_DAY = re.compile(r"^(\d{1,2})-(\d{1,2})(?:\s+(\d{1,2}):(\d{2}))?$")
_YEAR_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_AGO_UNITS = {"秒": "seconds", "分钟": "minutes", "小时": "hours", "天": "days"}
_DAY_BACK = {"今天": 0, "昨天": 1, "前天": 2}
_TAGS = re.compile(r"<[^>]+>")


def weibo_time(text: str | None, now: datetime) -> datetime | None:
    """A Weibo ``created_at`` as local time, relative forms counted back from ``now``; or None."""
    raw = re.sub(r"\s+", " ", text or "").strip()
    try:
        return _parse(raw, now)
    except ValueError:  # 02-30 and the like
        return None


def _parse(raw: str, now: datetime) -> datetime | None:
    if raw == "刚刚":
        return now
    if m := _FULL.match(raw):
        month = _MONTHS.get(m.group(1))
        if month is None:
            return None
        sign = 1 if m.group(6) == "+" else -1
        offset = timedelta(hours=int(m.group(7)), minutes=int(m.group(8))) * sign
        stamp = datetime(int(m.group(9)), month, int(m.group(2)), int(m.group(3)),
                         int(m.group(4)), int(m.group(5)))
        return stamp - offset + timedelta(hours=8)  # to China Standard Time
    if m := _AGO.match(raw):
        return now - timedelta(**{_AGO_UNITS[m.group(2)]: int(m.group(1))})
    if m := _DAY_TIME.match(raw):
        day = now.date() - timedelta(days=_DAY_BACK[m.group(1)])
        return datetime(day.year, day.month, day.day, int(m.group(2)), int(m.group(3)))
    if m := _MONTH_DAY.match(raw):
        # This year's posts carry no year; a month-day later than today is last year's.
        hour, minute = int(m.group(3) or 0), int(m.group(4) or 0)
        stamp = datetime(now.year, int(m.group(1)), int(m.group(2)), hour, minute)
        return stamp if stamp.date() <= now.date() else stamp.replace(year=now.year - 1)
    if m := _YEAR_DATE.match(raw):
        return datetime(*(int(g) if g else 0 for g in m.groups()))  # type: ignore[arg-type]
    return None


def page_url(url: str, page: int) -> str:
    """``url`` with its ``page`` parameter set to ``page``."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "page"]
    query.append(("page", str(page)))
    return urlunsplit(parts._replace(query=urlencode(query)))


def _mblogs(cards: Any) -> list[dict[str, Any]]:
    found = []
    for card in cards if isinstance(cards, list) else []:
        if not isinstance(card, dict):
            continue
        if isinstance(card.get("mblog"), dict):
            found.append(card["mblog"])
        for sub in card.get("card_group") or []:  # card_type 11 wraps cards in a group
            if isinstance(sub, dict) and isinstance(sub.get("mblog"), dict):
                found.append(sub["mblog"])
    return found


def _pinned(mblog: dict[str, Any]) -> bool:
    title = mblog.get("title")
    return bool(mblog.get("isTop")) or (isinstance(title, dict) and title.get("text") == "置顶")


def _post(mblog: dict[str, Any], now: datetime) -> Post | None:
    published = weibo_time(str(mblog.get("created_at") or ""), now)
    if published is None:
        return None
    text = _TAGS.sub(" ", str(mblog.get("raw_text") or mblog.get("text") or ""))
    ident = mblog.get("bid") or mblog.get("id")
    url = f"https://m.weibo.cn/status/{ident}" if ident else None
    return Post(published, re.sub(r"\s+", " ", text).strip()[:200], url)


class WeiboSource:
    """Posts from Weibo's mobile card API at ``source.url`` (source type ``weibo``)."""

    def __init__(self, rules: NewMediaRules | None = None) -> None:
        self.rules = rules or NewMediaRules()

    async def posts(self, account: AccountEntry, fetcher: Fetcher, as_of: date) -> SourceResult:
        now = reference_time(as_of)
        cutoff = now - timedelta(days=self.rules.frequency.window_days)
        result = SourceResult()
        url = account.source.url
        for page in range(1, self.rules.weibo_max_pages + 1):
            body, error = await fetch_body(fetcher, page_url(url, page) if url else None, _headers(url))
            data, error = _json(body, error)
            if data is None or error is not None:
                if page == 1:
                    return SourceResult(error=error)
                result.truncated = True  # keep what the earlier pages gave
                return result
            if data.get("ok") != 1:
                if page == 1:
                    msg = str(data.get("msg") or data.get("errno") or "未知错误")
                    return SourceResult(error=f"微博接口返回错误: {msg}")
                return result
            mblogs = _mblogs((data.get("data") or {}).get("cards"))
            if not mblogs:
                return result
            dated = []
            for mblog in mblogs:
                post = _post(mblog, now)
                if post is None:
                    result.skipped += 1
                    continue
                result.posts.append(post)
                if not _pinned(mblog):  # a pinned post may be years old: it says nothing of paging
                    dated.append(post.published)
            if dated and max(dated) < cutoff:
                return result
        result.truncated = True
        return result


def _headers(url: str | None) -> dict[str, str]:
    # m.weibo.cn answers its own web app's XHR requests; without these it may refuse with ok: 0.
    parts = urlsplit(url or "")
    return {"Accept": "application/json, text/plain, */*", "MWeibo-Pwa": "1",
            "X-Requested-With": "XMLHttpRequest", "Referer": f"{parts.scheme}://{parts.netloc}/"}


def _json(body: bytes | None, error: str | None) -> tuple[dict[str, Any] | None, str | None]:
    if body is None:
        return None, error
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, f"微博接口返回的不是有效的 JSON({type(exc).__name__})"
    if not isinstance(data, dict):
        return None, "微博接口返回的 JSON 不是对象"
    return data, None


register("weibo", WeiboSource)
