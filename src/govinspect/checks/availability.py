"""Can the site be reached, and what could the crawl not look at (site.unreachable, crawl.incomplete)."""

from __future__ import annotations

from collections.abc import Iterator

from ..crawl.messages import describe
from ..model import Finding
from ..snapshot import Snapshot
from .base import Context

# Home-page failures that mean the site answered but could not be read: the site is not
# unreachable, the checks that need the home page just cannot run.
UNREADABLE = frozenset({"too_large", "binary", "decode", "not_html"})
_SAMPLE = 10


def check(snap: Snapshot, ctx: Context) -> Iterator[Finding]:
    home = snap.home
    url = snap.home_url or ctx.site.url
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
        return
    yield from _partial(snap, url)


def _partial(snap: Snapshot, url: str) -> Iterator[Finding]:
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
    unreadable = [p for p in snap.pages() if p.error in UNREADABLE and p.url != snap.home_url]
    if unreadable:
        sample = [{"url": p.url, "error": describe(p.status, p.error, p.error_detail)} for p in unreadable[:_SAMPLE]]
        yield Finding(
            "crawl.incomplete", "notice", unreadable[0].url,
            f"{len(unreadable)} 个页面无法检查内容(过大、二进制或无法解码)",
            {"error": sample[0]["error"], "count": len(unreadable), "samples": sample},
        )
