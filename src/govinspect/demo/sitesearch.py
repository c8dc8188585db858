"""The site search's results endpoint: a small title index answering GET or POST queries.

The query is percent-decoded in the site's own charset, as the real engines do (a TRS site
decodes GBK bytes; UTF-8 bytes sent to it come out garbled and match nothing). Every term
of the query must occur in a title; an exact title ranks first, then newer before older.
A stale index (``SearchPlan.lag_days``) lacks everything published in its last days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from html import escape
from urllib.parse import parse_qsl

from govinspect.demo.markup import Style
from govinspect.demo.plan import SitePlan
from govinspect.demo.render import page
from govinspect.demo.types import Request, Resource

PAGE_SIZE = 10


@dataclass(frozen=True, slots=True)
class Doc:
    """An indexed page: title, path and publication date (None for undated pages)."""

    title: str
    path: str
    date: date | None


def documents(plan: SitePlan) -> list[Doc]:
    """Every page the site's search covers: articles, letters of the board and service guides."""
    docs = [Doc(i.title, i.path, i.real_date) for _, i in plan.articles()]
    if plan.board is not None:
        docs += [Doc(m.title, m.path, m.received.date()) for m in plan.board.messages]
    docs += [Doc(f"{s.name}办事指南" if s.guide else s.name, s.path, None) for s in plan.services]
    return docs


def unindexed(plan: SitePlan) -> list[Doc]:
    """The documents a stale index lacks (published in its last ``lag_days`` days)."""
    search = plan.search
    if search is None or search.lag_days <= 0:
        return []
    cutoff = plan.as_of - timedelta(days=search.lag_days)
    return [d for d in documents(plan) if d.date is not None and d.date > cutoff]


class SearchEngine:
    """The results endpoint of one site (a ``types.Dynamic`` for ``SimSite.dynamic``)."""

    def __init__(self, plan: SitePlan, style: Style) -> None:
        if plan.search is None:
            raise ValueError(f"{plan.spec.key} has no search")
        self.plan, self.style, self.search = plan, style, plan.search
        missing = {d.path for d in unindexed(plan)}
        self.index = [d for d in documents(plan) if d.path not in missing]

    def __call__(self, request: Request) -> Resource:
        query = self.query(request)
        hits = self.find(query) if query else []
        return page(self.plan, self.results(query, hits))[0]

    def query(self, request: Request) -> str:
        """The query field's value, decoded as the site decodes it."""
        raw = request.body.decode("latin-1") if request.method == "POST" else request.query
        pairs = parse_qsl(raw, keep_blank_values=True, encoding=self.search.charset, errors="replace")
        return next((v.strip() for k, v in pairs if k == self.search.spec.field), "")

    def find(self, query: str) -> list[Doc]:
        """Documents whose title holds every term of ``query``, best first."""
        terms = query.split()
        hits = [d for d in self.index if all(t in d.title for t in terms)]
        hits.sort(key=lambda d: (d.title != query, -(d.date or date.min).toordinal()))
        return hits

    def results(self, query: str, hits: list[Doc]) -> str:
        """The results page in the site's frame (first page only)."""
        here = self.search.spec.action
        link = self.style.linker(here)
        if not query:
            body = '<div class="search-result"><p>请输入检索关键字。</p></div>'
        elif not hits:
            body = (f'<div class="search-result"><p>抱歉，没有找到与“{escape(query)}”相关的结果。</p>'
                    "<p>建议：检查输入是否正确，或者使用较少的关键词。</p></div>")
        else:
            rows = "".join(
                f'<li><a href="{escape(link(d.path))}" target="_blank">{_highlight(d.title, query)}</a>'
                f"<span>{d.date.isoformat() if d.date else ''}</span></li>"
                for d in hits[:PAGE_SIZE]
            )
            pages = (len(hits) + PAGE_SIZE - 1) // PAGE_SIZE
            body = (
                f'<div class="search-result"><p class="tj">搜索“{escape(query)}”，共找到 <b>{len(hits)}</b> '
                f'条结果</p><ul>{rows}</ul><div class="page">第 1/{pages} 页</div></div>'
            )
        if self.search.spec.sidebar:  # a "latest" box on every results page, hits or not
            shown = [i for _, i in self.plan.articles() if i.real_date <= self.plan.as_of]
            newest = sorted(shown, key=lambda i: i.real_date, reverse=True)[:5]
            side = "".join(f'<li><a href="{escape(link(i.path))}">{escape(i.title)}</a></li>'
                           for i in newest)
            body += f'<div class="hot"><h3>最新信息</h3><ul>{side}</ul></div>'
        return self.style.simple(self.plan, here, "搜索结果", body)


def _highlight(title: str, query: str) -> str:
    out = escape(title)
    for term in sorted(set(query.split()), key=len, reverse=True):
        out = out.replace(escape(term), f"<em>{escape(term)}</em>")
    return out
