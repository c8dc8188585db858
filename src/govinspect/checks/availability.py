"""Can the site be reached, and what could the crawl not look at (site.unreachable, crawl.incomplete)."""

from __future__ import annotations

from collections.abc import Iterator

from ..labels import describe
from ..model import Finding, Page
from ..snapshot import Snapshot
from .base import Context, walk

# Home-page failures that mean the site answered but could not be read: the site is not
# unreachable, the checks that need the home page just cannot run.
UNREADABLE = frozenset({"too_large", "binary", "decode", "not_html"})
_SAMPLE = 10


def check(snap: Snapshot, ctx: Context) -> list[Finding]:
    return walk(snap, visitor(snap, ctx))


def visitor(snap: Snapshot, ctx: Context) -> AvailabilityVisitor:
    return AvailabilityVisitor(snap, ctx)


class AvailabilityVisitor:
    """The home page's state, then (when it could be read) what the crawl could not look at."""

    having = ("error", "decode_problem")  # a page with neither changes nothing here (base.PageVisitor)

    def __init__(self, snap: Snapshot, ctx: Context) -> None:
        self.snap = snap
        self.url = snap.home_url or ctx.site.url
        self.head = list(_home(snap.home, self.url, ctx))
        # Only a readable home page leads on to the other pages.
        self.partial = not self.head
        self.unreadable = 0
        self.first_url = ""
        self.sample: list[dict[str, object]] = []
        self.garbled: list[dict[str, object]] = []
        self.garbled_count = 0

    def visit(self, page: Page) -> None:
        if page.decode_problem:
            self.garbled_count += 1
            if len(self.garbled) < _SAMPLE:
                self.garbled.append({"url": page.url, "error": page.decode_problem})
        if not self.partial or page.error not in UNREADABLE or page.url == self.snap.home_url:
            return
        if not self.unreadable:
            self.first_url = page.url
        self.unreadable += 1
        if len(self.sample) < _SAMPLE:
            self.sample.append({"url": page.url, "error": describe(page.status, page.error, page.error_detail)})

    def finish(self) -> Iterator[Finding]:
        yield from self.head
        if self.partial:
            yield from self._partial()

    def _partial(self) -> Iterator[Finding]:
        snap, url = self.snap, self.url
        stats = snap.stats
        if stats.stopped:
            yield Finding("crawl.incomplete", "notice", url, f"抓取提前结束: {stats.stopped}，部分页面未检查",
                          {"error": stats.stopped, "pages_crawled": snap.pages_crawled})
        if stats.traps:
            yield Finding(
                "crawl.incomplete", "notice", url,
                f"发现疑似爬虫陷阱(无限日历或参数组合) {stats.traps} 处，已跳过",
                {"error": "crawler trap", "count": stats.traps, "samples": stats.trap_samples},
            )
        if stats.skipped_max_pages:
            yield Finding(
                "crawl.incomplete", "notice", url,
                f"页面数达到上限，{stats.skipped_max_pages} 个页面只检查了可访问性",
                {"error": "max_pages", "skipped": stats.skipped_max_pages},
            )
        if self.garbled:
            first = self.garbled[0]
            yield Finding(
                "crawl.incomplete", "notice", str(first["url"]),
                f"{self.garbled_count} 个页面编码混用或部分无法解码，相关内容可能未能准确检查：{first['error']}",
                {"error": "encoding", "count": self.garbled_count, "samples": self.garbled},
            )
        if self.unreadable:
            yield Finding(
                "crawl.incomplete", "notice", self.first_url,
                f"{self.unreadable} 个页面无法检查内容(过大、二进制或无法解码)",
                {"error": self.sample[0]["error"], "count": self.unreadable, "samples": self.sample},
            )


def _home(home: Page | None, url: str, ctx: Context) -> Iterator[Finding]:
    """Why the home page cannot be checked, if it cannot; nothing when it can."""
    if home is None:
        yield Finding("crawl.incomplete", "notice", url, "未能抓取首页，所有检查项均未执行",
                      {"error": "no home page"})
        return
    if home.error in UNREADABLE or (home.ok and not home.is_html and home.error is None):
        reason = describe(home.status, home.error or "not_html", home.error_detail)
        yield Finding(
            "crawl.incomplete", "notice", url, f"首页无法检查: {reason}，更新、链接等检查项未执行",
            {"error": reason, "status": home.status, "content_type": home.content_type},
        )
        return
    if not home.ok:
        reason = describe(home.status, home.error, home.error_detail)
        evidence: dict[str, object] = {"status": home.status} if home.error is None else {"error": home.error}
        if home.error_detail:
            evidence["detail"] = home.error_detail
        yield Finding("site.unreachable", ctx.rules.unreachable.scan_severity, url,
                      f"站点无法访问: 首页{reason}", evidence)
        yield Finding("crawl.incomplete", "notice", url, f"首页{reason}，其余检查项未执行",
                      {"error": reason})
