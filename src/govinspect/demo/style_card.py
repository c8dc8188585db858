"""Style (c): a modern div/card layout with ``<em>2019年10月8日</em>`` and CMS meta tags."""

from __future__ import annotations

import hashlib
from typing import ClassVar

from govinspect.demo.markup import (
    Style,
    Trail,
    article_body,
    cn_date,
    esc,
    friend_links,
    home_columns,
    identity_lines,
    info_line,
    pictures,
    search_box,
    section_columns,
    shown_code,
)
from govinspect.demo.plan import SECTIONS, ColumnPlan, ItemPlan, SitePlan


class CardStyle(Style):
    """Cards with the date before the title; SiteName/ColumnName/PubDate meta tags."""

    name: ClassVar[str] = "card"
    page_size: ClassVar[int] = 12

    def article_path(self, plan: SitePlan, col: ColumnPlan, item: ItemPlan) -> str:
        digest = hashlib.md5(f"{plan.seed}:{item.serial}:{item.real_date}".encode()).hexdigest()
        return f"{col.path}{digest[:16]}.html"

    # -- frame -----------------------------------------------------------------------------
    def page(self, plan: SitePlan, title: str, body: str, meta: dict[str, str]) -> str:
        """The document with ``<meta charset>`` and the CMS meta tags real portals carry."""
        tags = {"SiteName": plan.spec.name, "SiteIDCode": shown_code(plan), **meta}
        metas = "".join(f'<meta name="{k}" content="{esc(v)}">\n' for k, v in tags.items())
        nav = "".join(f'<a href="{esc(p)}">{esc(n)}</a>' for n, p in self.nav(plan))
        return (
            '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
            '<meta http-equiv="X-UA-Compatible" content="IE=edge">\n'
            f"{metas}<title>{title}</title>\n"
            '<link rel="stylesheet" href="/images/style.css">\n</head>\n<body>\n'
            '<header class="header"><div class="container"><a class="logo" href="/">'
            f'<img src="/images/logo.png" alt="{esc(plan.spec.name)}"></a>{search_box(plan)}</div>\n'
            f'<nav class="nav">{nav}</nav></header>\n'
            f'<main class="container">\n{body}\n</main>\n'
            f'<footer class="footer"><div class="container">{identity_lines(plan)}</div></footer>\n'
            "</body>\n</html>\n"
        )

    def crumb_bar(self, plan: SitePlan, col: ColumnPlan | None, last: str = "",
                  parents: Trail = ()) -> str:
        trail = "<i>&gt;</i>".join(
            f'<a href="{esc(p)}">{esc(n)}</a>' for n, p in self.crumbs(plan, col, parents)
        )
        tail = f"<i>&gt;</i><span>{esc(last)}</span>" if last else ""
        return f'<div class="breadcrumb">当前位置：{trail}{tail}</div>'

    def cards(self, items: list[ItemPlan], limit: int | None = None) -> str:
        out = []
        for item in items[:limit]:
            day = f"<em>{cn_date(item.date)}</em>" if item.date else ""
            out.append(
                f'<div class="news-card">{day}<h3><a href="{esc(item.href or item.path)}" '
                f'target="_blank">{esc(item.title)}</a></h3>'
                f'<p class="source">{esc(item.source)}</p></div>'
            )
        return "\n".join(out)

    def panel(self, col: ColumnPlan, limit: int) -> str:
        return (
            f'<section class="panel"><div class="panel-hd"><h2>{esc(col.name)}</h2>'
            f'<a class="more" href="{esc(col.path)}">更多 +</a></div>'
            f'<div class="card-list">{self.cards(col.items, limit)}</div></section>'
        )

    def pager(self, plan: SitePlan, col: ColumnPlan, n: int, pages: int) -> str:
        if pages <= 1:
            return ""
        links = [f'<a href="{esc(self.page_path(plan, col, 1))}">首页</a>']
        for k in range(max(1, n - 2), min(pages, n + 2) + 1):
            cls = ' class="active"' if k == n else ""
            links.append(f'<a{cls} href="{esc(self.page_path(plan, col, k))}">{k}</a>')
        if n < pages:
            links.append(
                f'<a class="next" href="{esc(self.page_path(plan, col, n + 1))}">下一页</a>'
            )
        links.append(f'<a href="{esc(self.page_path(plan, col, pages))}">尾页</a>')
        return f'<div class="pagination">{"".join(links)}</div>'

    # -- pages -----------------------------------------------------------------------------
    def home(self, plan: SitePlan) -> str:
        pics = "".join(
            f'<div class="swiper-slide"><a href="{esc(i.path)}" target="_blank">'
            f'<img src="{esc(i.image or "")}" alt="{esc(i.title)}"><span>{esc(i.title)}</span>'
            "</a></div>"
            for i in pictures(plan)
        )
        panels = "\n".join(self.panel(c, 6) for c in home_columns(plan))
        banners = "".join(
            f'<a href="{esc(u)}" target="_blank">{esc(n)}</a>' for n, u in plan.home_links
        )
        body = (
            f'<div class="swiper">{pics}</div>\n<div class="grid">{panels}</div>\n'
            f'<div class="ztzl">{banners}</div>\n{friend_links(plan)}'
        )
        return self.page(plan, esc(plan.spec.name), body, {"ColumnName": "首页"})

    def list_page(self, plan: SitePlan, col: ColumnPlan, n: int, pages: int) -> str:
        chunk = col.items[(n - 1) * self.page_size : n * self.page_size]
        if col.empty == "marker":
            cards = '<div class="no-data">暂无信息</div>'
        else:
            cards = self.cards(chunk)
        siblings = section_columns(plan, col.spec.section) if col.spec.section else [col]
        side = "".join(f'<a href="{esc(c.path)}">{esc(c.name)}</a>' for c in siblings)
        body = (
            f'{self.crumb_bar(plan, col)}\n<div class="layout"><aside class="side">{side}</aside>'
            f'<section class="main"><h2 class="column-title">{esc(col.name)}</h2>'
            f'<div class="card-list">\n{cards}\n</div>{self.pager(plan, col, n, pages)}'
            "</section></div>"
        )
        meta = {"ColumnName": col.name, "ColumnType": SECTIONS.get(col.spec.section or "", col.name)}
        return self.page(plan, self.head_title(plan, col.name), body, meta)

    def article(self, plan: SitePlan, col: ColumnPlan, item: ItemPlan) -> str:
        meta = {"ColumnName": col.name, "ArticleTitle": item.title, "ContentSource": item.source}
        if item.date:
            meta["PubDate"] = f"{item.date:%Y-%m-%d} {item.time}"
        body = (
            f"{self.crumb_bar(plan, col, '正文')}\n<article class=\"detail\">"
            f'<h1 class="detail-title">{esc(item.title)}</h1>\n'
            f'<div class="detail-info">{info_line(item)}</div>\n'
            f'<div class="detail-content">\n{article_body(plan, col, item)}\n</div></article>'
        )
        return self.page(plan, self.head_title(plan, item.title), body, meta)

    def hub(self, plan: SitePlan, sec: str) -> str:
        panels = "\n".join(self.panel(c, 5) for c in section_columns(plan, sec))
        body = f'{self.crumb_bar(plan, None, SECTIONS[sec])}\n<div class="grid">{panels}</div>'
        return self.page(plan, self.head_title(plan, SECTIONS[sec]), body,
                         {"ColumnName": SECTIONS[sec]})

    def simple(self, plan: SitePlan, here: str, name: str, html: str, trail: Trail = ()) -> str:
        body = f'{self.crumb_bar(plan, None, name, trail)}\n<div class="main">{html}</div>'
        column = trail[-1][0] if trail else name
        return self.page(plan, self.head_title(plan, name), body, {"ColumnName": column})
