"""Which URLs the crawl visits: normalisation, scope and trap guards."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from ..extract.paging import first_page_url
from ..settings import Settings
from ..urls import NON_HTML_EXT, normalize_url, url_ext

__all__ = ["NON_HTML_EXT", "Scope", "TrapGuard", "UrlSet", "normalize_url", "url_ext"]

_DATE_PARAM = re.compile(r"^(19|20|21)\d\d[-/]?(0?[1-9]|1[0-2])([-/]?\d\d?)?$")


class UrlSet:
    """The URLs a crawl has queued or checked, held as their 64-bit string hashes.

    A crawl asks "seen before?" of every link it meets, and the answer must outlive the page,
    while the URL string itself is stored in the snapshot and needed nowhere else: as strings a
    set of bench-site URLs takes 4.0 MB at 20,000 and 13.9 MB at 100,000 (tracemalloc), as hashes
    (computed once by Python for every string and cached in it) 2.7 and 7.4 MB. Two different
    URLs with the same hash would make the second look seen: at 100,000 URLs the chance is about
    3 in 10,000,000,000 (n^2 / 2^65).
    """

    __slots__ = ("_hashes",)

    def __init__(self) -> None:
        self._hashes: set[int] = set()

    def add(self, url: str) -> None:
        self._hashes.add(hash(url))

    def __contains__(self, url: object) -> bool:
        return isinstance(url, str) and hash(url) in self._hashes

    @property
    def hashes(self) -> set[int]:
        """The hashes themselves, for a loop over many URLs (``hash(url) in s.hashes`` is ``url
        in s`` without a method call: the crawl asks it of every link of every page). Read only."""
        return self._hashes

    def __len__(self) -> int:
        return len(self._hashes)


@dataclass(slots=True)
class Scope:
    """The hosts that belong to a site (host:port, lower case)."""

    hosts: set[str]

    @classmethod
    def for_url(cls, url: str) -> Scope:
        netloc = urlsplit(url).netloc.lower()
        hosts = {netloc}
        # www.x.gov.cn and x.gov.cn are the same site for inspectors.
        if netloc.startswith("www."):
            hosts.add(netloc[4:])
        else:
            hosts.add("www." + netloc)
        return cls(hosts)

    def contains(self, url: str) -> bool:
        return urlsplit(url).netloc.lower() in self.hosts


class TrapGuard:
    """Rejects URLs typical of crawler traps: endless calendars, query explosions, loops."""

    def __init__(self, settings: Settings):
        self.max_len = settings.max_url_length
        self.max_variants = settings.max_query_variants
        self.max_repeat = settings.max_repeated_segment
        self._variants: Counter[str] = Counter()
        self._date_params: Counter[str] = Counter()
        self._lists: set[str] = set()

    def reason(self, url: str) -> str | None:
        """Why ``url`` is a trap, or None when it may be crawled."""
        if len(url) > self.max_len:
            return f"URL 长度超过 {self.max_len}"
        parts = urlsplit(url)
        segs = [s for s in parts.path.split("/") if s]
        if segs:
            top = Counter(segs).most_common(1)[0]
            if top[1] > self.max_repeat:
                return f"路径段 {top[0]} 重复 {top[1]} 次"
        if parts.query:
            params = parse_qsl(parts.query, keep_blank_values=True)
            shape = parts.path + "?" + "&".join(sorted({k for k, _ in params}))
            first = first_page_url(url)
            if first != url:
                # Pages of one list (list.jsp?catid=3&pageNo=N, ?uid=U&pageNum=N) count per
                # list, so that the many columns one list.jsp serves do not share one budget;
                # the list itself counts once among its path's variants.
                if first not in self._lists:
                    self._lists.add(first)
                    first_parts = urlsplit(first)
                    keys = sorted({k for k, _ in parse_qsl(first_parts.query, keep_blank_values=True)})
                    first_shape = first_parts.path + "?" + "&".join(keys)
                    self._variants[first_shape] += 1
                    if self._variants[first_shape] > self.max_variants:
                        return f"同一路径的查询参数组合超过 {self.max_variants} 种"
                shape = "paged:" + first
            elif len(params) == 1 and params[0][1].isdigit() and len(params[0][1]) <= 12:
                # One numeric id (content.jsp?id=123, show.asp?ArticleID=9): a page per record,
                # as many as the site has articles; max_pages bounds them, not this guard.
                shape = ""
            if shape:
                self._variants[shape] += 1
            if shape and self._variants[shape] > self.max_variants:
                return f"同一路径的查询参数组合超过 {self.max_variants} 种"
            # Calendars: a date-valued parameter walked month after month.
            if any(_DATE_PARAM.match(v) for _, v in params):
                self._date_params[parts.path] += 1
                if self._date_params[parts.path] > 24:
                    return "疑似无限日历"
        return None
