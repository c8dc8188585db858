"""ASP.NET WebForms list pages paged by ``__doPostBack`` (used by style_json.PlatformStyle).

The page is one ``<form method="post">`` holding ``__EVENTTARGET``, ``__EVENTARGUMENT``,
``__VIEWSTATE`` and ``__EVENTVALIDATION``; the pager (an AspNetPager-like control: 首页 上一页
numbers 下一页 尾页, the current page as a plain span, unavailable links without href) calls
``__doPostBack('ctl00$ContentPlaceHolder1$AspNetPager1', 'N')``. The server answers a POST with
page N, and refuses (500) a view state it never issued, as ASP.NET does when the MAC check
fails. Conventions from the AspNetPager control (lvxiangjun1/hqweb generalweb/list.aspx) and
System.Web.UI.Page's hidden fields; the markup is written here.
"""

from __future__ import annotations

import base64
import hashlib
import math
from urllib.parse import parse_qs

from govinspect.demo.markup import esc
from govinspect.demo.plan import ColumnPlan, ItemPlan, SitePlan

PAGER_ID = "ctl00$ContentPlaceHolder1$AspNetPager1"
ROWS = 6  # rows per page: the old 信息公开 system shows few


def pages_of(col: ColumnPlan) -> int:
    return max(1, math.ceil(len(col.items) / ROWS))


def view_state(plan: SitePlan, col: ColumnPlan, n: int) -> str:
    """The opaque __VIEWSTATE of page ``n`` (deterministic per world)."""
    digest = hashlib.sha256(f"{plan.seed}:vs:{col.num}:{n}".encode()).digest()
    return base64.b64encode(b"\xff\x01" + digest * 3).decode()


def validation(plan: SitePlan, col: ColumnPlan) -> str:
    digest = hashlib.sha256(f"{plan.seed}:ev:{col.num}".encode()).digest()[:20]
    return base64.b64encode(digest).decode()


def rows_html(items: list[ItemPlan]) -> str:
    """Table rows of one page: title cell and a 2019/10/8 date cell."""
    out = []
    for item in items:
        day = f"{item.date.year}/{item.date.month}/{item.date.day}" if item.date else ""
        out.append(
            f'<tr><td class="tdtitle"><a href="{esc(item.href or item.path)}" target="_blank" '
            f'title="{esc(item.title)}">{esc(item.title)}</a></td><td class="tddate">{day}</td></tr>'
        )
    return "\n".join(out)


def _pager(col: ColumnPlan, n: int, pages: int) -> str:
    def link(text: str, m: int, live: bool) -> str:
        if not live:
            return f'<a disabled="disabled" style="margin-right:5px;">{text}</a>'
        return (f"<a href=\"javascript:__doPostBack('{PAGER_ID}','{m}')\" "
                f'style="margin-right:5px;">{text}</a>')

    parts = [f'<div class="pagerinfo">共{len(col.items)}条 第{n}/{pages}页</div>',
             link("首页", 1, n > 1), link("上一页", n - 1, n > 1)]
    for m in range(1, pages + 1):
        parts.append(f'<span class="cpb" style="margin-right:5px;">{m}</span>' if m == n
                     else link(str(m), m, True))
    parts += [link("下一页", n + 1, n < pages), link("尾页", pages, n < pages)]
    return f'<div id="ctl00_ContentPlaceHolder1_AspNetPager1" class="aspnetpager">{"".join(parts)}</div>'


def list_body(plan: SitePlan, col: ColumnPlan, n: int, action: str) -> str:
    """The content area of page ``n``: the form with its state, the table and the pager."""
    pages = pages_of(col)
    chunk = col.items[(n - 1) * ROWS : n * ROWS]
    table = ('<tr><td colspan="2" class="nodata">暂无信息</td></tr>' if col.empty == "marker"
             else rows_html(chunk))
    return (
        f'<form name="aspnetForm" method="post" action="{esc(action)}" id="aspnetForm">\n'
        '<div><input type="hidden" name="__EVENTTARGET" id="__EVENTTARGET" value="" />\n'
        '<input type="hidden" name="__EVENTARGUMENT" id="__EVENTARGUMENT" value="" />\n'
        f'<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="{view_state(plan, col, n)}" />'
        '\n</div>\n'
        "<script type=\"text/javascript\">\n//<![CDATA[\nvar theForm = document.forms['aspnetForm'];\n"
        "function __doPostBack(eventTarget, eventArgument) {\n"
        "  if (!theForm.onsubmit || (theForm.onsubmit() != false)) {\n"
        "    theForm.__EVENTTARGET.value = eventTarget;\n"
        "    theForm.__EVENTARGUMENT.value = eventArgument;\n    theForm.submit();\n  }\n}\n//]]>\n"
        "</script>\n"
        f'<div><input type="hidden" name="__EVENTVALIDATION" id="__EVENTVALIDATION" '
        f'value="{validation(plan, col)}" /></div>\n'
        '<div class="search"><input name="ctl00$ContentPlaceHolder1$txtKey" type="text" '
        'id="ctl00_ContentPlaceHolder1_txtKey" /><input type="submit" '
        'name="ctl00$ContentPlaceHolder1$btnSearch" value="检索" /></div>\n'
        f'<table class="listtable" cellpadding="4">\n{table}\n</table>\n'
        f"{_pager(col, n, pages) if pages > 1 else ''}\n</form>"
    )


def posted_page(plan: SitePlan, col: ColumnPlan, body: bytes) -> int | None:
    """The page a postback asks for, or None when its view state was never issued."""
    form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items()}
    pages = pages_of(col)
    states = {view_state(plan, col, m) for m in range(1, pages + 1)}
    if form.get("__VIEWSTATE") not in states or form.get("__EVENTVALIDATION") != validation(plan, col):
        return None
    if form.get("__EVENTTARGET") != PAGER_ID:
        return 1
    arg = form.get("__EVENTARGUMENT", "")
    return min(max(int(arg), 1), pages) if arg.isdigit() else 1
