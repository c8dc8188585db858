"""Style (d): Hanweb (大汉) JCMS, lists shipped as an XML data island and rendered by script.

What real JCMS sites do (sources in extract/datastore.py): column pages at
``/col/col<id>/index.html``, articles at ``/art/<y>/<m>/<d>/art_<col>_<id>.html``, the list
inside ``<div id="<unit>"><script type="text/xml"><datastore>`` with ``totalrecord``,
``totalpage``, a ``nextgroup`` link to ``dataproxy.jsp`` and one ``<record><![CDATA[<li>..]]>``
per row, further pages as ``index.html?uid=<unit>&pageNum=N``. The visible DOM of a list page
has no list and no pager: the jpage script draws both. Written for this project, not copied.
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
    shown_code,
)
from govinspect.demo.plan import SECTIONS, ColumnPlan, ItemPlan, SitePlan
from govinspect.demo.style_ul import UlStyle

UNIT_BASE = 4100  # list container ids (the ``uid`` of the paging URLs)


class HanwebStyle(UlStyle):
    """JCMS pages: data-island lists, ``?uid=&pageNum=`` paging, Hanweb meta tags."""

    name: ClassVar[str] = "hanweb"
    page_size: ClassVar[int] = 12

    def unit(self, col: ColumnPlan) -> int:
        """The list container id of a column."""
        return UNIT_BASE + col.num

    def page_path(self, plan: SitePlan, col: ColumnPlan, n: int) -> str:
        if n == 1:
            return col.path
        if plan.static:
            return f"/col/col{col.num}/index_{n}.html"
        return f"{col.path}?uid={self.unit(col)}&pageNum={n}"

    # -- frame -----------------------------------------------------------------------------
    def page(self, plan: SitePlan, title: str, body: str, current: str = "首页",
             meta: dict[str, str] | None = None) -> str:
        """The document: UTF-8 meta, the site's metadata tags, a div navigation bar."""
        tags = {"SiteName": plan.spec.name, "SiteDomain": "", "SiteIDCode": shown_code(plan),
                **(meta or {})}
        metas = "".join(f'<meta name="{k}" content="{esc(v)}">\n' for k, v in tags.items())
        cur = ' class="cur"'
        nav = "".join(
            f'<a href="{esc(p)}"{cur if n == current else ""}>{esc(n)}</a>'
            for n, p in self.nav(plan)
        )
        return (
            '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n'
            f"{metas}<title>{title}</title>\n"
            '<link rel="stylesheet" href="/images/style.css">\n'
            '<script type="text/javascript" src="/js/common.js"></script>\n</head>\n<body>\n'
            f'<div class="top"><div class="logo"><img src="/images/logo.png" '
            f'alt="{esc(plan.spec.name)}"></div>{search_box(plan)}</div>\n'
            f'<div class="mainnav">{nav}</div>\n{body}\n'
            f'<div class="bottom">{identity_lines(plan)}</div>\n</body>\n</html>\n'
        )

    def rows(self, items: list[ItemPlan], limit: int | None = None) -> str:
        """Visible rows (home and channel pages): title link and a full date."""
        out = []
        for item in items[:limit]:
            day = f"<span>{item.date:%Y-%m-%d}</span>" if item.date else ""
            out.append(
                f'<li><a href="{esc(item.href or item.path)}" title="{esc(item.title)}" '
                f'target="_blank">{esc(item.title)}</a>{day}</li>'
            )
        return "\n".join(out)

    def block(self, col: ColumnPlan, limit: int) -> str:
        return (
            f'<div class="lmbox"><div class="lmtit"><b>{esc(col.name)}</b>'
            f'<a class="more" href="{esc(col.path)}">更多&gt;&gt;</a></div>'
            f'<ul class="lmlist">{self.rows(col.items, limit)}</ul></div>'
        )

    def island(self, plan: SitePlan, col: ColumnPlan, n: int, pages: int) -> str:
        """The list as JCMS ships it: a data island the jpage script renders."""
        chunk = [] if col.empty else col.items[(n - 1) * self.page_size : n * self.page_size]
        records = []
        for k, item in enumerate(chunk):
            day = f"<span>{item.date:%Y-%m-%d}</span>" if item.date else ""
            row = (f'<li><a href="{esc(item.href or item.path)}" title="{esc(item.title)}" '
                   f'target="_blank">{esc(item.title)}</a>{day}</li>')
            # A broken export (the planted defect) cuts the CDATA of the newest rows short.
            end = "" if col.broken_list == "cdata" and k < 3 else "]]>"
            records.append(f"<record><![CDATA[{row}{end}</record>")
        unit = self.unit(col)
        proxy = (f"/module/web/jpage/dataproxy.jsp?page=1&amp;webid=1&amp;path=/&amp;"
                 f"columnid={col.num}&amp;unitid={unit}&amp;permissiontype=0")
        total = 0 if col.empty else len(col.items)
        return (
            f'<div class="default_pgContainer" id="{unit}"><script type="text/xml">'
            f"<datastore><totalrecord>{total}</totalrecord><totalpage>{pages}</totalpage>"
            f"<nextgroup><![CDATA[<a href='{proxy}'></a>]]></nextgroup>"
            f"<recordset>{''.join(records)}</recordset></datastore></script>"
            f'<script type="text/javascript">var jpageUnit = "{unit}"; var jpagePerPage = '
            f"{self.page_size};</script></div>"
        )

    # -- pages -----------------------------------------------------------------------------
    def home(self, plan: SitePlan) -> str:
        pics = "".join(
            f'<li><a href="{esc(i.path)}" target="_blank"><img src="{esc(i.image or "")}" '
            f'alt="{esc(i.title)}"></a><p>{esc(i.title)}</p></li>'
            for i in pictures(plan)
        )
        blocks = "\n".join(self.block(c, 7) for c in home_columns(plan))
        banners = "".join(
            f'<a href="{esc(u)}" target="_blank">{esc(n)}</a>' for n, u in plan.home_links
        )
        body = (
            f'<div class="wrap"><div class="focus"><ul>{pics}</ul></div>\n{blocks}\n'
            f'<div class="zt">{banners}</div>\n{friend_links(plan)}</div>'
        )
        return self.page(plan, esc(plan.spec.name), body, meta={"ColumnName": "首页"})

    def list_page(self, plan: SitePlan, col: ColumnPlan, n: int, pages: int) -> str:
        siblings = section_columns(plan, col.spec.section) if col.spec.section else [col]
        side = "".join(f'<li><a href="{esc(c.path)}">{esc(c.name)}</a></li>' for c in siblings)
        nodata = '<div class="nodata">暂无信息</div>' if col.empty == "marker" else ""
        body = (
            f"{self.crumb_bar(plan, col)}\n<div class=\"wrap\"><div class=\"leftmenu\"><ul>{side}"
            f'</ul></div>\n<div class="rightcon"><div class="lmname">{esc(col.name)}</div>'
            f"{nodata}{self.island(plan, col, n, pages)}</div></div>"
        )
        section = SECTIONS.get(col.spec.section or "", col.name)
        return self.page(plan, self.head_title(plan, col.name), body, section,
                         {"ColumnName": col.name})

    def article(self, plan: SitePlan, col: ColumnPlan, item: ItemPlan) -> str:
        meta = {"ColumnName": col.name, "ArticleTitle": item.title, "ContentSource": item.source}
        if item.date:
            meta["PubDate"] = f"{item.date:%Y-%m-%d} {item.time}"
        body = (
            f"{self.crumb_bar(plan, col, '正文')}\n"
            f'<div class="wrap"><div class="artcon"><h1>{esc(item.title)}</h1>\n'
            f'<div class="artinfo">{info_line(item)}</div>\n<div id="zoom">\n'
            f"{article_body(plan, col, item)}\n</div></div></div>"
        )
        section = SECTIONS.get(col.spec.section or "", col.name)
        return self.page(plan, self.head_title(plan, item.title), body, section, meta)

    def hub(self, plan: SitePlan, sec: str) -> str:
        blocks = "\n".join(self.block(c, 5) for c in section_columns(plan, sec))
        body = f'{self.crumb_bar(plan, None, SECTIONS[sec])}\n<div class="wrap">{blocks}</div>'
        return self.page(plan, self.head_title(plan, SECTIONS[sec]), body, SECTIONS[sec],
                         {"ColumnName": SECTIONS[sec]})

    def simple(self, plan: SitePlan, here: str, name: str, html: str, trail: Trail = ()) -> str:
        body = (
            f'{self.crumb_bar(plan, None, name, trail)}\n<div class="wrap"><div class="rightcon">'
            f"{html}</div></div>"
        )
        return self.page(plan, self.head_title(plan, name), body,
                         trail[0][0] if trail else name, {"ColumnName": name})
