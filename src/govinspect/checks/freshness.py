"""Updates: home.stale, column.stale, column.empty and content.future_date.

Rules (国办秘函〔2019〕19号, see data/rules.yaml): items dated after the inspection date
never count as an update and are reported as possibly forged; items without a date count
as not updated; an empty column is reported as empty and not again as stale.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from ..labels import CATEGORY_LABELS
from ..model import Column, Finding, ListItem, Page, latest_date
from ..snapshot import Snapshot
from ..urls import normalize_url
from .availability import UNREADABLE
from .base import Context, walk


def check(snap: Snapshot, ctx: Context) -> list[Finding]:
    return walk(snap, visitor(snap, ctx))


def visitor(snap: Snapshot, ctx: Context) -> FreshnessVisitor:
    return FreshnessVisitor(snap, ctx)


class FreshnessVisitor:
    """The home page and the columns (in memory), then future dates found walking the pages."""

    def __init__(self, snap: Snapshot, ctx: Context) -> None:
        self.snap, self.ctx = snap, ctx
        home = snap.home
        # Without a readable home page nothing is checked: availability reports why.
        readable = home is not None and home.ok and home.error not in UNREADABLE
        self.future = _Future(ctx) if readable else None

    def visit(self, page: Page) -> None:
        if self.future is not None:
            self.future.visit(page)

    def finish(self) -> Iterator[Finding]:
        home = self.snap.home
        if self.future is None or home is None:
            return
        yield from _home(self.snap, home, self.ctx)
        yield from _columns(self.snap.columns, self.ctx)
        yield from self.future.finish()


def _home(snap: Snapshot, home: Page, ctx: Context) -> Iterator[Finding]:
    rule = ctx.rules.home
    last = latest_date(home.items, ctx.as_of)
    basis = "首页"
    if last is None and home.pub_date is not None and home.pub_date <= ctx.as_of:
        last = home.pub_date
    if last is None:
        # A navigation-only home page: judge it by its top-level columns (V, 国办秘函〔2019〕19号).
        tops = [d for c in snap.columns if c.top_level and (d := c.latest(ctx.as_of)) is not None]
        if tops:
            last, basis = max(tops), "首页各二级栏目"
    url = snap.home_url or ctx.site.url
    if last is None:
        yield Finding("home.stale", rule.severity, url, "首页未发现带发布日期的信息，视为未更新",
                      {"last_update": None, "days": None})
        return
    days = (ctx.as_of - last).days
    if days > rule.stale_days:
        yield Finding(
            "home.stale", rule.severity, url,
            f"{basis}自 {last.isoformat()} 后未更新({days} 天，超过 {rule.stale_days} 天)",
            {"last_update": last.isoformat(), "days": days, "threshold": rule.stale_days, "basis": basis},
        )


def _columns(columns: list[Column], ctx: Context) -> Iterator[Finding]:
    rules = ctx.rules.columns
    veto = rules.veto
    stale: list[Finding] = []
    empty: list[Finding] = []
    for col in columns:
        if col.error:
            # An unreadable list is said, never judged stale or empty (issue 8, item 3).
            yield Finding("crawl.incomplete", "notice", col.url,
                          f"{col.name} 栏目的信息列表未能读取，未检查其更新情况: {col.error}",
                          {"column": col.name, "category": col.category, "error": col.error})
            continue
        if col.empty or col.item_count == 0:
            empty.append(Finding("column.empty", "deduct", col.url, f"{col.name} 栏目为空白栏目",
                                 {"column": col.name, "category": col.category}))
            continue
        limit = rules.days(col.category)
        if limit is None:
            continue
        last = col.latest(ctx.as_of)
        label = CATEGORY_LABELS.get(col.category, col.category)
        if last is None:
            if not rules.undated_counts_as_stale:
                continue
            stale.append(Finding(
                "column.stale", "deduct", col.url,
                f"{col.name} 栏目({label})信息均无发布日期，视为未更新",
                {"column": col.name, "category": col.category, "last_update": None, "days": None,
                 "threshold": limit, "undated": True},
            ))
            continue
        days = (ctx.as_of - last).days
        warn = rules.warn_days_before.get(col.category, 0)
        if limit - warn < days <= limit:
            yield Finding(
                "column.due_soon", "notice", col.url,
                f"{col.name} 栏目({label})已 {days} 天未更新，{limit - days} 天后将超过 {limit} 天的更新要求",
                {"column": col.name, "category": col.category, "last_update": last.isoformat(),
                 "days": days, "threshold": limit, "days_left": limit - days},
            )
        if days > limit:
            stale.append(Finding(
                "column.stale", "deduct", col.url,
                f"{col.name} 栏目({label}) {last.isoformat()} 后未更新({days} 天，超过 {limit} 天)",
                {"column": col.name, "category": col.category, "last_update": last.isoformat(),
                 "days": days, "threshold": limit},
            ))
    fast = [f for f in stale if f.evidence["category"] in veto.fast_classes]
    if len(fast) >= veto.fast_classes_total:
        _escalate(fast, f"动态、通知公告、政策文件类栏目未更新共 {len(fast)} 个，达到单项否决标准")
    if len(stale) >= veto.any_stale_total:
        _escalate(stale, f"应更新栏目长期未更新共 {len(stale)} 个，达到单项否决标准")
    if len(empty) >= veto.empty_total:
        _escalate(empty, f"空白栏目共 {len(empty)} 个，达到单项否决标准")
    yield from stale
    yield from empty


def _escalate(findings: list[Finding], reason: str) -> None:
    for f in findings:
        f.severity = "veto"
        f.evidence["veto_reason"] = reason


class _Future:
    """content.future_date: one finding per future-dated item, naming every list that shows it.

    The same item is often shown by the home page's box, its column's list and a channel page
    (新闻中心 -> 工作动态); it is one forged date, so one finding (issue 8 item 10) whose
    ``evidence.lists`` names the lists. Articles no list reported come after, one each.
    """

    def __init__(self, ctx: Context) -> None:
        self.severity = ctx.rules.future_date.severity
        self.limit = ctx.as_of + timedelta(days=ctx.rules.future_date.grace_days)
        self.listed: set[str] = set()
        # item identity -> (first list URL, future items in that list, the item, every list URL)
        self.items: dict[tuple[str, ...], tuple[str, int, ListItem, list[str]]] = {}
        # (url, final_url, pub_date, title) of articles dated in the future, not whole pages.
        self.articles: list[tuple[str, str, date, str]] = []

    def visit(self, page: Page) -> None:
        limit = self.limit
        future = [i for i in page.items if i.date is not None and i.date > limit]
        if future:
            self.listed.update(u for i in future if i.url and (u := normalize_url(i.url)))
            for item in future:
                key = self._same(item)
                known = self.items.get(key)
                if known is None:
                    self.items[key] = (page.url, len(future), item, [page.url])
                elif page.url not in known[3]:
                    known[3].append(page.url)
        elif page.pub_date is not None and page.pub_date > limit and not page.items:
            self.articles.append((page.url, page.final_url, page.pub_date, page.title[:80]))

    def _same(self, item: ListItem) -> tuple[str, ...]:
        """The key of an item already seen that this one shows again, else its own key: the same URL,
        or (a home box linking another URL form, cutting the title with …) the same date and title."""
        key = _item_key(item)
        if key in self.items:
            return key
        stem = _stem(item.title)
        if len(stem) >= 8:
            for other, (_, _, seen, _) in self.items.items():
                if seen.date == item.date and (o := _stem(seen.title)) and (o.startswith(stem) or stem.startswith(o)) \
                        and min(len(o), len(stem)) >= 8:
                    return other
        return key

    def finish(self) -> Iterator[Finding]:
        for url, count, item, lists in self.items.values():
            when = item.date.isoformat() if item.date else ""
            where = f"，见于 {len(lists)} 个列表" if len(lists) > 1 else ""
            yield Finding(
                "content.future_date", self.severity, url,
                f"列表中信息「{item.title[:30]}」的发布日期 {when} 晚于检查日期{where}",
                {"date": when, "count": count, "title": item.title[:80], "item": item.title[:80],
                 "item_url": item.url, "lists": lists},
            )
        # An article already reported through the list that shows it is not reported again.
        for url, final_url, pub_date, title in self.articles:
            if url in self.listed or final_url in self.listed:
                continue
            yield Finding(
                "content.future_date", self.severity, url,
                f"文章发布日期 {pub_date.isoformat()} 晚于检查日期",
                {"date": pub_date.isoformat(), "title": title},
            )


def _stem(title: str) -> str:
    return "".join(title.split()).rstrip(".…")


def _item_key(item: ListItem) -> tuple[str, ...]:
    """One item however many lists show it: its article URL, else its title and date."""
    url = normalize_url(item.url) if item.url else None
    if url:
        return ("url", url)
    return ("title", _stem(item.title), str(item.date))
