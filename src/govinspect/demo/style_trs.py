"""Style (a): the TRS WCM era table layout, GB2312-declared, JS pager, relative links."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
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
    rel,
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

DOCTYPE = (
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
    '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
    '<html xmlns="http://www.w3.org/1999/xhtml">\n'
)


class TrsStyle(Style):
    """Tables, ``<td>2019-10-08</td>`` dates, createPageHTML pagination, GBK bytes."""

    name: ClassVar[str] = "trs"
    page_size: ClassVar[int] = 20

    def hub_path(self, plan: SitePlan, sec: str) -> str:
        return f"/{sec}/index.html"

    def column_path(self, plan: SitePlan, col: ColumnPlan) -> str:
        sec = col.spec.section
        return f"/{sec}/{col.spec.key}/index.html" if sec else f"/{col.spec.key}/index.html"

    def page_path(self, plan: SitePlan, col: ColumnPlan, n: int) -> str:
        return col.path if n == 1 else col.path.replace("index.html", f"index_{n - 1}.html")

    def article_path(self, plan: SitePlan, col: ColumnPlan, item: ItemPlan) -> str:
        d = item.real_date
        folder = col.path.rsplit("/", 1)[0]
        return f"{folder}/{d:%Y%m}/t{d:%Y%m%d}_{3180000 + item.serial}.html"

    def file_path(self, plan: SitePlan, col: ColumnPlan, item: ItemPlan, idx: int, ext: str) -> str:
        d = item.real_date
        kind = "W" if ext == "png" else "P"
        return f"{item.path.rsplit('/', 1)[0]}/{kind}0{d:%Y%m%d}{item.serial:07d}{idx}.{ext}"

    def feature_path(self, plan: SitePlan, key: str) -> str:
        return f"/{key}/index.html"

    def info_path(self, plan: SitePlan, key: str) -> str:
        return f"/{key}/index.html"

    def board_path(self, plan: SitePlan, board: BoardPlan) -> str:
        return f"/hdjl/{board.key}/index.html"

    def message_path(self, plan: SitePlan, board: BoardPlan, msg: Message) -> str:
        d = msg.received
        return f"/hdjl/{board.key}/{d:%Y%m}/t{d:%Y%m%d}_{480000 + msg.serial}.html"

    def guide_path(self, plan: SitePlan, item: ServiceItem) -> str:
        return f"/bsfw/bszn/t{3400000 + item.serial}.html"

    # -- frame -----------------------------------------------------------------------------
    def page(self, plan: SitePlan, here: str, title: str, body: str, charset: bool = True) -> str:
        """The whole document around ``body`` for the page at path ``here``."""
        meta = (
            '<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />\n'
            if charset else ""
        )
        nav = "".join(
            f'<td align="center"><a href="{esc(rel(here, p))}">{esc(n)}</a></td>'
            for n, p in self.nav(plan)
        )
        return (
            f"{DOCTYPE}<head>\n{meta}<title>{title}</title>\n"
            f'<link href="{rel(here, "/images/style.css")}" rel="stylesheet" type="text/css" />\n'
            f'<script type="text/javascript" src="{rel(here, "/js/common.js")}"></script>\n'
            "</head>\n<body>\n"
            '<table width="1002" border="0" align="center" cellpadding="0" cellspacing="0">'
            f'<tr><td><img src="{rel(here, "/images/banner.png")}" width="1002" height="160" '
            f'alt="{esc(plan.spec.name)}" /></td></tr>{self.search_row(plan, here)}</table>\n'
            '<table width="1002" border="0" align="center" cellpadding="0" cellspacing="0" '
            f'class="nav"><tr>{nav}</tr></table>\n{body}\n'
            '<table width="1002" border="0" align="center" cellpadding="0" cellspacing="0" '
            f'class="footer"><tr><td>{identity_lines(plan)}</td></tr></table>\n</body>\n</html>\n'
        )

    def search_row(self, plan: SitePlan, here: str) -> str:
        box = search_box(plan, self.linker(here))
        return f'<tr><td align="right" class="ss">{box}</td></tr>' if box else ""

    def linker(self, here: str) -> Callable[[str], str]:
        return partial(rel, here)

    def crumb_bar(self, plan: SitePlan, here: str, col: ColumnPlan | None, last: str = "",
                  parents: Trail = ()) -> str:
        trail = "&nbsp;&gt;&nbsp;".join(
            f'<a href="{esc(rel(here, p))}">{esc(n)}</a>'
            for n, p in self.crumbs(plan, col, parents)
        )
        if last:
            trail += f"&nbsp;&gt;&nbsp;{esc(last)}"
        return (
            '<table width="1002" border="0" align="center" cellpadding="0" cellspacing="0" '
            f'class="wz"><tr><td>当前位置：{trail}</td></tr></table>'
        )

    def rows(self, here: str, items: list[ItemPlan], limit: int | None = None) -> str:
        """List rows: linked title plus a ``<td>`` date (empty cell when undated)."""
        out = []
        for item in items[:limit]:
            href = item.href or rel(here, item.path)
            day = f"{item.date:%Y-%m-%d}" if item.date else ""
            out.append(
                f'<tr><td class="bt"><a href="{esc(href)}" target="_blank" '
                f'title="{esc(item.title)}">{esc(item.title)}</a></td>'
                f'<td class="rq" width="90">{day}</td></tr>'
            )
        return "\n".join(out)

    def box(self, plan: SitePlan, here: str, col: ColumnPlan, limit: int) -> str:
        return (
            f'<table width="100%" class="box"><tr><td class="lm">{esc(col.name)}</td>'
            f'<td align="right"><a href="{esc(rel(here, col.path))}">更多&gt;&gt;</a></td></tr>'
            f'<tr><td colspan="2"><table width="100%">{self.rows(here, col.items, limit)}'
            "</table></td></tr></table>"
        )

    # -- pages -----------------------------------------------------------------------------
    def home(self, plan: SitePlan) -> str:
        here = "/"
        pics = "".join(
            f'<td><a href="{esc(rel(here, i.path))}" target="_blank"><img src="'
            f'{esc(rel(here, i.image or ""))}" width="300" height="200" alt="{esc(i.title)}" />'
            f"</a><br />{esc(i.title)}</td>"
            for i in pictures(plan)
        )
        boxes = "".join(
            f'<tr><td valign="top">{self.box(plan, here, c, 7)}</td></tr>' for c in home_columns(plan)
        )
        banners = "".join(
            f'<a href="{esc(rel(here, u))}" target="_blank">{esc(n)}</a>' for n, u in plan.home_links
        )
        body = (
            '<table width="1002" border="0" align="center" cellpadding="0" cellspacing="0">'
            f'<tr><td><table class="tpxw"><tr>{pics}</tr></table></td></tr>{boxes}'
            f'<tr><td class="ztzl">{banners}</td></tr>'
            f"<tr><td>{friend_links(plan)}</td></tr></table>"
        )
        return self.page(plan, here, esc(plan.spec.name), body)

    def list_page(self, plan: SitePlan, col: ColumnPlan, n: int, pages: int) -> str:
        here = self.page_path(plan, col, n)
        chunk = col.items[(n - 1) * self.page_size : n * self.page_size]
        if col.empty == "marker":
            rows = '<tr><td class="nodata" align="center">暂无信息</td></tr>'
        else:
            rows = self.rows(here, chunk)
        siblings = section_columns(plan, col.spec.section) if col.spec.section else [col]
        left = "".join(
            f'<tr><td class="zlm"><a href="{esc(rel(here, c.path))}">{esc(c.name)}</a></td></tr>'
            for c in siblings
        )
        body = (
            f"{self.crumb_bar(plan, here, col)}\n"
            '<table width="1002" border="0" align="center" cellpadding="0" cellspacing="0"><tr>'
            f'<td width="240" valign="top"><table width="100%" class="left">{left}</table></td>'
            f'<td valign="top"><table width="100%" class="list">\n{rows}\n</table>\n'
            f'<div class="page"><script type="text/javascript">createPageHTML({pages}, {n - 1}, '
            '"index", "html");</script></div></td></tr></table>'
        )
        return self.page(plan, here, self.head_title(plan, col.name), body)

    def article(self, plan: SitePlan, col: ColumnPlan, item: ItemPlan) -> str:
        here = item.path
        body = (
            f"{self.crumb_bar(plan, here, col, '正文')}\n"
            '<table width="1002" border="0" align="center" cellpadding="0" cellspacing="0">'
            f'<tr><td class="article"><h1 class="bt">{esc(item.title)}</h1>\n'
            f'<div class="info">{info_line(item)}</div>\n<div class="TRS_Editor">\n'
            f"{article_body(plan, col, item, lambda p: rel(here, p))}\n</div>\n"
            '<div class="dy">【<a href="javascript:window.print()">打印本页</a>】'
            '【<a href="javascript:window.close()">关闭窗口</a>】</div></td></tr></table>'
        )
        return self.page(plan, here, self.head_title(plan, item.title), body, item.charset != "none")

    def hub(self, plan: SitePlan, sec: str) -> str:
        here = self.hub_path(plan, sec)
        boxes = "".join(
            f'<tr><td valign="top">{self.box(plan, here, c, 5)}</td></tr>'
            for c in section_columns(plan, sec)
        )
        body = (
            f"{self.crumb_bar(plan, here, None, SECTIONS[sec])}\n"
            '<table width="1002" border="0" align="center" cellpadding="0" cellspacing="0">'
            f"{boxes}</table>"
        )
        return self.page(plan, here, self.head_title(plan, SECTIONS[sec]), body)

    def simple(self, plan: SitePlan, here: str, name: str, html: str, trail: Trail = ()) -> str:
        body = (
            f"{self.crumb_bar(plan, here, None, name, trail)}\n"
            '<table width="1002" border="0" align="center" cellpadding="0" cellspacing="0">'
            f'<tr><td class="content">{html}</td></tr></table>'
        )
        return self.page(plan, here, self.head_title(plan, name), body)
