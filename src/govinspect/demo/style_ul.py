"""Style (b): JCMS-like ul/li lists, ``[10-08]`` dates, ``?page=`` pager, charset in HTTP only."""

from __future__ import annotations

import hashlib
from typing import ClassVar

from govinspect.demo.markup import (
    Style,
    Trail,
    article_body,
    esc,
    friend_links,
    home_columns,
    identity_lines,
    info_line,
    pictures,
    search_box,
    section_columns,
)
from govinspect.demo.plan import (
    SECTIONS,
    BoardPlan,
    ColumnPlan,
    ItemPlan,
    Message,
    ServiceItem,
    SitePlan,
)

HUB_IDS = {"xwdt": 1201, "zwgk": 1202}
FEATURE_IDS = {"hdjl": 1191, "zwxmt": 1192, "bsfw": 1193}
INFO_IDS = {"lxwm": 1194, "jgyg": 1195}
BOARD_ID = 1196
ON = ' class="on"'


class UlStyle(Style):
    """Lists of ``<li><a>title</a><span>[10-08]</span></li>`` with the year left out."""

    name: ClassVar[str] = "ul"
    page_size: ClassVar[int] = 15

    def hub_path(self, plan: SitePlan, sec: str) -> str:
        return f"/col/col{HUB_IDS[sec]}/index.html"

    def column_path(self, plan: SitePlan, col: ColumnPlan) -> str:
        return f"/col/col{col.num}/index.html"

    def page_path(self, plan: SitePlan, col: ColumnPlan, n: int) -> str:
        if n == 1:
            return col.path
        # Static copies (nginx benchmarks) cannot serve query strings: index_N.html instead.
        return f"/col/col{col.num}/index_{n}.html" if plan.static else f"{col.path}?page={n}"

    def article_path(self, plan: SitePlan, col: ColumnPlan, item: ItemPlan) -> str:
        d = item.real_date
        return f"/art/{d.year}/{d.month}/{d.day}/art_{col.num}_{100000 + item.serial}.html"

    def file_path(self, plan: SitePlan, col: ColumnPlan, item: ItemPlan, idx: int, ext: str) -> str:
        digest = hashlib.md5(f"{plan.seed}:{item.serial}:{idx}".encode()).hexdigest()
        folder = "picture" if ext == "png" else "attach"
        return f"/{folder}/0/{digest[:20]}.{ext}"

    def feature_path(self, plan: SitePlan, key: str) -> str:
        return f"/col/col{FEATURE_IDS[key]}/index.html"

    def info_path(self, plan: SitePlan, key: str) -> str:
        return f"/col/col{INFO_IDS.get(key, 1199)}/index.html"

    def board_path(self, plan: SitePlan, board: BoardPlan) -> str:
        return f"/col/col{BOARD_ID}/index.html"

    def message_path(self, plan: SitePlan, board: BoardPlan, msg: Message) -> str:
        d = msg.received
        return f"/art/{d.year}/{d.month}/{d.day}/art_{BOARD_ID}_{300000 + msg.serial}.html"

    def guide_path(self, plan: SitePlan, item: ServiceItem) -> str:
        return f"/col/col{FEATURE_IDS['bsfw']}/art_{FEATURE_IDS['bsfw']}_{200000 + item.serial}.html"

    # -- frame -----------------------------------------------------------------------------
    def page(self, plan: SitePlan, title: str, body: str, current: str = "首页") -> str:
        """The document; the charset is only in the HTTP header (static copies add a meta)."""
        meta = '<meta charset="utf-8">\n' if plan.static else ""
        nav = "".join(
            f'<li{ON if n == current else ""}><a href="{esc(p)}">{esc(n)}</a></li>'
            for n, p in self.nav(plan)
        )
        return (
            f"<!DOCTYPE html>\n<html>\n<head>\n{meta}"
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{title}</title>\n"
            '<link rel="stylesheet" href="/images/style.css">\n</head>\n<body>\n'
            f'<div class="header"><div class="logo"><img src="/images/logo.png" alt="'
            f'{esc(plan.spec.name)}"></div>{search_box(plan)}</div>\n'
            f'<div class="nav"><ul>{nav}</ul></div>\n{body}\n'
            f'<div class="footer">{identity_lines(plan)}</div>\n</body>\n</html>\n'
        )

    def crumb_bar(self, plan: SitePlan, col: ColumnPlan | None, last: str = "",
                  parents: Trail = ()) -> str:
        trail = " &gt; ".join(
            f'<a href="{esc(p)}">{esc(n)}</a>' for n, p in self.crumbs(plan, col, parents)
        )
        return f'<div class="position">当前位置：{trail}{" &gt; " + esc(last) if last else ""}</div>'

    def lis(self, items: list[ItemPlan], limit: int | None = None) -> str:
        out = []
        for item in items[:limit]:
            day = f"<span>[{item.date:%m-%d}]</span>" if item.date else ""
            out.append(
                f'<li><a href="{esc(item.href or item.path)}" title="{esc(item.title)}" '
                f'target="_blank">{esc(item.title)}</a>{day}</li>'
            )
        return "\n".join(out)

    def block(self, col: ColumnPlan, limit: int) -> str:
        return (
            f'<div class="block"><div class="block-title"><h3>{esc(col.name)}</h3>'
            f'<a class="more" href="{esc(col.path)}">更多</a></div>'
            f'<ul class="list">{self.lis(col.items, limit)}</ul></div>'
        )

    def pager(self, plan: SitePlan, col: ColumnPlan, n: int, pages: int) -> str:
        if pages <= 1:
            return f'<div class="pages">共 {len(col.items)} 条记录</div>'
        parts = [f"共 {len(col.items)} 条记录 {n}/{pages} 页"]
        if n > 1:
            parts.append(f'<a href="{esc(self.page_path(plan, col, 1))}">首页</a>')
            parts.append(f'<a href="{esc(self.page_path(plan, col, n - 1))}">上一页</a>')
        if n < pages:
            parts.append(f'<a href="{esc(self.page_path(plan, col, n + 1))}">下一页</a>')
            parts.append(f'<a href="{esc(self.page_path(plan, col, pages))}">尾页</a>')
        return f'<div class="pages">{" ".join(parts)}</div>'

    # -- pages -----------------------------------------------------------------------------
    def home(self, plan: SitePlan) -> str:
        pics = "".join(
            f'<li><a href="{esc(i.path)}" target="_blank"><img src="{esc(i.image or "")}" '
            f'alt="{esc(i.title)}"><p>{esc(i.title)}</p></a></li>'
            for i in pictures(plan)
        )
        blocks = "\n".join(self.block(c, 6) for c in home_columns(plan))
        banners = "".join(
            f'<a href="{esc(u)}" target="_blank">{esc(n)}</a>' for n, u in plan.home_links
        )
        body = (
            f'<div class="main"><div class="slide"><ul>{pics}</ul></div>\n{blocks}\n'
            f'<div class="ztzl">{banners}</div>\n{friend_links(plan)}</div>'
        )
        return self.page(plan, esc(plan.spec.name), body)

    def list_page(self, plan: SitePlan, col: ColumnPlan, n: int, pages: int) -> str:
        chunk = col.items[(n - 1) * self.page_size : n * self.page_size]
        lis = '<li class="nodata">暂无信息</li>' if col.empty == "marker" else self.lis(chunk)
        siblings = section_columns(plan, col.spec.section) if col.spec.section else [col]
        side = "".join(f'<li><a href="{esc(c.path)}">{esc(c.name)}</a></li>' for c in siblings)
        body = (
            f"{self.crumb_bar(plan, col)}\n<div class=\"main\"><div class=\"side\"><ul>{side}"
            f'</ul></div>\n<div class="content"><h2>{esc(col.name)}</h2>'
            f'<ul class="list">\n{lis}\n</ul>\n{self.pager(plan, col, n, pages)}</div></div>'
        )
        section = SECTIONS.get(col.spec.section or "", col.name)
        return self.page(plan, self.head_title(plan, col.name), body, section)

    def article(self, plan: SitePlan, col: ColumnPlan, item: ItemPlan) -> str:
        body = (
            f"{self.crumb_bar(plan, col, '正文')}\n"
            f'<div class="main"><div class="article"><h1>{esc(item.title)}</h1>\n'
            f'<div class="info">{info_line(item)}</div>\n<div class="zoom">\n'
            f"{article_body(plan, col, item)}\n</div>\n"
            '<div class="tools"><a href="javascript:window.print();">打印</a> '
            '<a href="javascript:window.close();">关闭</a></div></div></div>'
        )
        section = SECTIONS.get(col.spec.section or "", col.name)
        return self.page(plan, self.head_title(plan, item.title), body, section)

    def hub(self, plan: SitePlan, sec: str) -> str:
        blocks = "\n".join(self.block(c, 5) for c in section_columns(plan, sec))
        body = f'{self.crumb_bar(plan, None, SECTIONS[sec])}\n<div class="main">{blocks}</div>'
        return self.page(plan, self.head_title(plan, SECTIONS[sec]), body, SECTIONS[sec])

    def simple(self, plan: SitePlan, here: str, name: str, html: str, trail: Trail = ()) -> str:
        body = (
            f'{self.crumb_bar(plan, None, name, trail)}\n<div class="main"><div class="content">'
            f"{html}</div></div>"
        )
        return self.page(plan, self.head_title(plan, name), body, trail[0][0] if trail else name)
