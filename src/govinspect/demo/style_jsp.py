"""Style (e): a home-made JSP portal: ``list.jsp?catid=N`` lists with assorted pagers.

What such sites do (sources in extract/paging.py): one ``list.jsp`` serves every column by a
category id, articles are ``content.jsp?id=N``, and the pager differs from template to
template: 首页/上一页/下一页/尾页 links with ``?pageNo=``, bare numbered links with
``&curPage=``, a ``<select>`` jump box whose onchange builds ``&p=`` plus 共N页, or 下页 links
with ``?page=``. Dates are ``2019/10/08`` before the title. Written for this project.
"""

from __future__ import annotations

from typing import ClassVar

from govinspect.demo.markup import (
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
from govinspect.demo.plan import SECTIONS, ColumnPlan, ItemPlan, SitePlan
from govinspect.demo.style_ul import UlStyle

# (parameter, pager kind) by column number: every kind of pager appears on one site.
PAGERS = (("pageNo", "links"), ("curPage", "numbers"), ("p", "select"), ("page", "short"))


class JspStyle(UlStyle):
    """``list.jsp?catid=`` columns, ``content.jsp?id=`` articles, one pager kind per column."""

    name: ClassVar[str] = "jsp"
    page_size: ClassVar[int] = 10

    def hub_path(self, plan: SitePlan, sec: str) -> str:
        return f"/{sec}/index.jsp"

    # Static copies (nginx benchmarks) cannot serve query strings: folder paths instead.
    def column_path(self, plan: SitePlan, col: ColumnPlan) -> str:
        if plan.static:
            return f"/{col.spec.section or 'xxgk'}/list/{col.num}/"
        return f"/{col.spec.section or 'xxgk'}/list.jsp?catid={col.num}"

    def pager_kind(self, col: ColumnPlan, plan: SitePlan | None = None) -> tuple[str, str]:
        """The paging parameter and pager kind of a column."""
        if col.broken_list == "pager":
            return "pageNo", "script"
        if plan is not None and plan.static:
            return "", "links"
        return PAGERS[(col.num // 7) % len(PAGERS)]

    def page_path(self, plan: SitePlan, col: ColumnPlan, n: int) -> str:
        if n == 1:
            return col.path
        if plan.static:
            return f"{col.path}index_{n}.html"
        return f"{col.path}&{self.pager_kind(col)[0]}={n}"

    def article_path(self, plan: SitePlan, col: ColumnPlan, item: ItemPlan) -> str:
        if plan.static:
            return f"/{col.spec.section or 'xxgk'}/content/{500000 + item.serial}.html"
        return f"/{col.spec.section or 'xxgk'}/content.jsp?id={500000 + item.serial}"

    def feature_path(self, plan: SitePlan, key: str) -> str:
        return f"/{key}/index.jsp"

    # -- frame -----------------------------------------------------------------------------
    def page(self, plan: SitePlan, title: str, body: str, current: str = "首页") -> str:
        """The document: GBK-era meta http-equiv charset, a table-free div layout."""
        on = ' class="on"'
        nav = "".join(
            f'<td{on if n == current else ""}><a href="{esc(p)}">{esc(n)}</a></td>'
            for n, p in self.nav(plan)
        )
        return (
            '<html>\n<head>\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n'
            f"<title>{title}</title>\n"
            '<link rel="stylesheet" href="/images/style.css">\n</head>\n<body>\n'
            f'<div id="head"><img src="/images/banner.png" alt="{esc(plan.spec.name)}">'
            f"{search_box(plan)}</div>\n"
            f'<table id="menu"><tr>{nav}</tr></table>\n{body}\n'
            f'<div id="foot">{identity_lines(plan)}</div>\n</body>\n</html>\n'
        )

    def crumb_bar(self, plan: SitePlan, col: ColumnPlan | None, last: str = "",
                  parents: Trail = ()) -> str:
        trail = " &gt;&gt; ".join(
            f'<a href="{esc(p)}">{esc(n)}</a>' for n, p in self.crumbs(plan, col, parents)
        )
        return f'<div class="dqwz">您现在的位置：{trail}{" &gt;&gt; " + esc(last) if last else ""}</div>'

    def rows(self, items: list[ItemPlan], limit: int | None = None) -> str:
        out = []
        for item in items[:limit]:
            day = f'<span class="date">{item.date:%Y/%m/%d}</span>' if item.date else ""
            out.append(f'<li>{day}<a href="{esc(item.href or item.path)}" target="_blank">'
                       f"{esc(item.title)}</a></li>")
        return "\n".join(out)

    def block(self, col: ColumnPlan, limit: int) -> str:
        return (
            f'<div class="box"><div class="box_t"><span>{esc(col.name)}</span>'
            f'<a href="{esc(col.path)}">更多</a></div>'
            f'<ul class="box_list">{self.rows(col.items, limit)}</ul></div>'
        )

    def pager(self, plan: SitePlan, col: ColumnPlan, n: int, pages: int) -> str:
        total = len(col.items)
        if pages <= 1:
            return f'<div class="fy">共{total}条记录 共1页</div>'
        param, kind = self.pager_kind(col, plan)

        def link(k: int, text: str) -> str:
            return f'<a href="{esc(self.page_path(plan, col, k))}">{text}</a>'

        if kind == "links":
            parts = [f"共{total}条记录 第{n}/{pages}页"]
            if n > 1:
                parts += [link(1, "首页"), link(n - 1, "上一页")]
            if n < pages:
                parts += [link(n + 1, "下一页"), link(pages, "尾页")]
        elif kind == "numbers":
            parts = [f"共{pages}页"]
            parts += [f"<b>{k}</b>" if k == n else link(k, f"[{k}]") for k in range(1, pages + 1)]
        elif kind == "select":
            options = "".join(
                f'<option value="{k}"{" selected" if k == n else ""}>第{k}页</option>'
                for k in range(1, pages + 1)
            )
            parts = [f"共{pages}页 转到<select onchange=\"window.location.href='list.jsp?"
                     f"catid={col.num}&amp;{param}='+this.value\">{options}</select>"]
        elif kind == "short":
            parts = [f"第{n}页/共{pages}页"]
            if n < pages:
                parts.append(link(n + 1, "下页"))
        else:  # "script": a pager whose next link is script only (the planted defect)
            parts = [f"共{total}条 当前第{n}页 共{pages}页",
                     f'<a href="javascript:void(0);" onclick="turnPage({n + 1})">下一页</a>']
        return f'<div class="fy">{" ".join(parts)}</div>'

    # -- pages -----------------------------------------------------------------------------
    def home(self, plan: SitePlan) -> str:
        pics = "".join(
            f'<a href="{esc(i.path)}" target="_blank"><img src="{esc(i.image or "")}" '
            f'alt="{esc(i.title)}"></a>'
            for i in pictures(plan)
        )
        blocks = "\n".join(self.block(c, 6) for c in home_columns(plan))
        banners = "".join(
            f'<a href="{esc(u)}" target="_blank">{esc(n)}</a>' for n, u in plan.home_links
        )
        body = (
            f'<div id="main"><div class="tpxw">{pics}</div>\n{blocks}\n'
            f'<div class="zt">{banners}</div>\n{friend_links(plan)}</div>'
        )
        return self.page(plan, esc(plan.spec.name), body)

    def list_page(self, plan: SitePlan, col: ColumnPlan, n: int, pages: int) -> str:
        chunk = col.items[(n - 1) * self.page_size : n * self.page_size]
        lis = '<li class="none">暂无信息</li>' if col.empty == "marker" else self.rows(chunk)
        siblings = section_columns(plan, col.spec.section) if col.spec.section else [col]
        side = "".join(f'<li><a href="{esc(c.path)}">{esc(c.name)}</a></li>' for c in siblings)
        body = (
            f'{self.crumb_bar(plan, col)}\n<div id="main"><div class="left"><ul>{side}</ul></div>'
            f'<div class="right"><div class="lm_t">{esc(col.name)}</div>'
            f'<ul class="list_r">\n{lis}\n</ul>\n{self.pager(plan, col, n, pages)}</div></div>'
        )
        section = SECTIONS.get(col.spec.section or "", col.name)
        return self.page(plan, self.head_title(plan, col.name), body, section)

    def article(self, plan: SitePlan, col: ColumnPlan, item: ItemPlan) -> str:
        body = (
            f"{self.crumb_bar(plan, col, '正文')}\n"
            f'<div id="main"><div class="content"><h2>{esc(item.title)}</h2>\n'
            f'<div class="ly">{info_line(item)}</div>\n<div class="nr">\n'
            f"{article_body(plan, col, item)}\n</div></div></div>"
        )
        section = SECTIONS.get(col.spec.section or "", col.name)
        return self.page(plan, self.head_title(plan, item.title), body, section)

    def hub(self, plan: SitePlan, sec: str) -> str:
        blocks = "\n".join(self.block(c, 5) for c in section_columns(plan, sec))
        body = f'{self.crumb_bar(plan, None, SECTIONS[sec])}\n<div id="main">{blocks}</div>'
        return self.page(plan, self.head_title(plan, SECTIONS[sec]), body, SECTIONS[sec])

    def simple(self, plan: SitePlan, here: str, name: str, html: str, trail: Trail = ()) -> str:
        body = (
            f'{self.crumb_bar(plan, None, name, trail)}\n<div id="main"><div class="content">'
            f"{html}</div></div>"
        )
        return self.page(plan, self.head_title(plan, name), body, trail[0][0] if trail else name)
