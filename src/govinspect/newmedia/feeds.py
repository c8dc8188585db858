"""RSS 2.0, RSS 1.0 and Atom feeds, including what RSSHub serves for Weibo and WeChat routes.

RSSHub writes ``pubDate`` in RFC 822 form, in GMT (``Sat, 19 Oct 2019 00:19:00 GMT``) or
with an offset (``+0800``), and wraps titles and descriptions in CDATA; Atom feeds (RSSHub's
``.atom`` routes, site generators) use ISO 8601 ``published``/``updated``. Items whose date
cannot be read are skipped and counted; a feed without items is an account with no posts.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import date, datetime
from email.utils import parsedate_to_datetime

from ..http import Fetcher
from ..registry import AccountEntry
from ..rules import NewMediaRules
from .sources import Post, SourceResult, fetch_body, local, register

ATOM = "{http://www.w3.org/2005/Atom}"
RSS1 = "{http://purl.org/rss/1.0/}"
DC_DATE = "{http://purl.org/dc/elements/1.1/}date"
# Feeds written by hand or by CMS plugins use these instead of RFC 822.
_LOCAL_TIME = re.compile(
    r"^(\d{4})[-/年](\d{1,2})[-/月](\d{1,2})日?(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$"
)


_PROLOG = re.compile(rb"^\s*<\?xml[^>]*?encoding=[\"']([A-Za-z0-9._-]+)[\"'][^>]*\?>")
_EXPAT_ENCODINGS = frozenset({"utf-8", "utf8", "utf-16", "us-ascii", "ascii", "iso-8859-1", "latin-1"})


def parse_feed(data: bytes) -> SourceResult:
    """The posts of an RSS or Atom document; malformed XML or another document is an error."""
    try:
        root = ET.fromstring(_decoded(data))
    except ET.ParseError as exc:
        return SourceResult(error=f"订阅源不是有效的 XML({exc})")
    if root.tag == "rss" or root.tag.endswith("RDF"):
        items = root.findall("./channel/item") or root.findall(f"./{RSS1}item")
        return _collect(items, _rss_item)
    if root.tag == f"{ATOM}feed":
        return _collect(root.findall(f"{ATOM}entry"), _atom_entry)
    return SourceResult(error=f"不是 RSS 或 Atom 订阅源(根元素 {_local_name(root.tag)})")


def _decoded(data: bytes) -> bytes | str:
    """The document as expat can read it: GBK feeds of Chinese CMSs are decoded here first."""
    match = _PROLOG.match(data)
    declared = match.group(1).decode("ascii").lower() if match else None
    if match is None or declared in _EXPAT_ENCODINGS:
        return data
    # expat has no multi-byte Chinese codecs; GB18030 is the superset of GBK and GB2312.
    codec = "gb18030" if declared in ("gbk", "gb2312", "gb18030", "cp936") else declared
    try:
        return data[match.end():].decode(codec or "utf-8", errors="replace")
    except LookupError:
        return data  # an unknown encoding: let expat say so


def feed_time(text: str | None) -> datetime | None:
    """A feed date in RFC 822, ISO 8601 or "2019-10-19 08:30" form as local time, or None."""
    raw = (text or "").strip()
    if not raw:
        return None
    try:
        return local(parsedate_to_datetime(raw))
    except (TypeError, ValueError, IndexError):
        pass
    try:
        return local(datetime.fromisoformat(raw))
    except ValueError:
        pass
    match = _LOCAL_TIME.match(raw)
    if match:
        try:
            return datetime(*(int(g) if g else 0 for g in match.groups()))  # type: ignore[arg-type]
        except ValueError:
            return None
    return None


def _collect(items: list[ET.Element], read: Callable[[ET.Element], Post | None]) -> SourceResult:
    result = SourceResult()
    for item in items:
        post = read(item)
        if post is None:
            result.skipped += 1
        else:
            result.posts.append(post)
    return result


def _rss_item(item: ET.Element) -> Post | None:
    published = feed_time(item.findtext("pubDate") or item.findtext(DC_DATE))
    if published is None:
        return None
    title = item.findtext("title") or item.findtext(f"{RSS1}title") or ""
    link = item.findtext("link") or item.findtext(f"{RSS1}link")
    return Post(published, _clean(title), (link or "").strip() or None)


def _atom_entry(entry: ET.Element) -> Post | None:
    published = feed_time(entry.findtext(f"{ATOM}published") or entry.findtext(f"{ATOM}updated"))
    if published is None:
        return None
    href = None
    for link in entry.findall(f"{ATOM}link"):
        if link.get("rel", "alternate") == "alternate":
            href = link.get("href")
            break
    return Post(published, _clean(entry.findtext(f"{ATOM}title") or ""), href)


def _clean(text: str) -> str:
    # Weibo posts have no title: RSSHub puts the first words of the text there, often with tags.
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).strip()[:200]


def _local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


class FeedSource:
    """Posts from an RSS or Atom feed at ``source.url`` (source type ``rss``)."""

    def __init__(self, rules: NewMediaRules | None = None) -> None:
        self.rules = rules or NewMediaRules()

    async def posts(self, account: AccountEntry, fetcher: Fetcher, as_of: date) -> SourceResult:
        body, error = await fetch_body(fetcher, account.source.url)
        if body is None:
            return SourceResult(error=error)
        return parse_feed(body)


register("rss", FeedSource)
