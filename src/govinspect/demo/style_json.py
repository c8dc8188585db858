"""Style (d): a 政府网站集约化平台 site whose column lists are drawn by script.

Column pages are HTML shells: the list container is empty and an inline script asks a data
endpoint for the rows. News and notices come from a JSON API (``$.ajax`` with a ``data``
object, or ``fetch`` with a template string; epoch-millisecond dates); 政策解读 from a Hanweb
JPaaS unit (``<script url=... queryData=...>``, JSON wrapping HTML, ``paramJson`` paging);
the other 政务公开 columns from an Anhui-style label endpoint answering an HTML fragment
(``/site/label/8888?IsAjax=1&dataType=html&labelName=publicInfoList&pageIndex=N``, shapes from
the crawler scripts cited in extract/jsonlist.py); and the personnel and statistics columns
live on an old ASP.NET WebForms system paged by ``__doPostBack`` (demo/style_aspnet.py).
The endpoints are ``SimSite.dynamic`` handlers (``handlers``). Truth is read from what a
visitor sees: ``list_shown`` gives a shell page with every row drawn in (demo/render.py).

Static copies (``plan.static``) cannot run endpoints: they fall back to the plain ul style.
"""

from __future__ import annotations

import hashlib
import json
import math
from datetime import datetime, time, timedelta, timezone
from typing import ClassVar
from urllib.parse import parse_qs

from govinspect.demo import style_aspnet as aspnet
from govinspect.demo.markup import Style, esc, section_columns
from govinspect.demo.plan import (
    SECTIONS,
    BoardPlan,
    ColumnPlan,
    ItemPlan,
    Message,
    ServiceItem,
    SitePlan,
)
from govinspect.demo.style_ul import UlStyle
from govinspect.demo.types import Dynamic, Request, Resource

API = "/api/content/list"
LABEL = "/site/label/8888"
ASPX = "/News/List.aspx"
SITE_ID = 6786551
API_ROWS = 15
LABEL_ROWS = 10
# How each column's list is delivered, by column key (others: the JSON API).
MECHANISM = {"zcwj": "label", "gfxwj": "label", "zcjd": "jpaas", "ghjh": "label",
             "rsxx": "aspnet", "tjsj": "aspnet"}
JPAAS = "/api-gateway/jpaas-publish-server/front/page/build/unit"
JPAAS_ROWS = 8
ENDPOINT_HTML = "endpoint answers a login page (HTML) instead of its list"
_CST = timezone(timedelta(hours=8))
_LOGIN = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>统一身份认证平台</title></head>'
    '<body><div class="login"><h2>用户登录</h2><form action="/cas/login" method="post">'
    '<input name="username"><input type="password" name="password"><button>登录</button>'
    "</form></div></body></html>"
)


def mechanism(col: ColumnPlan) -> str:
    return MECHANISM.get(col.spec.key, "api")


def millis(item: ItemPlan) -> int | None:
    """Publication time as epoch milliseconds, Beijing time (what the Java back ends send)."""
    if item.date is None:
        return None
    hh, mm = (int(x) for x in item.time.split(":"))
    when = datetime.combine(item.date, time(hh, mm), _CST)
    return int(when.timestamp() * 1000)


class PlatformStyle(UlStyle):
    """Script-drawn column lists on an intensive platform, plus an old ASP.NET subsystem."""

    name: ClassVar[str] = "platform"
    # One served page per column: later pages come from the endpoints, not from URLs.
    page_size: ClassVar[int] = 100_000

    # -- paths ---------------------------------------------------------------------------
    def hub_path(self, plan: SitePlan, sec: str) -> str:
        return super().hub_path(plan, sec) if plan.static else f"/{sec}/index.html"

    def column_path(self, plan: SitePlan, col: ColumnPlan) -> str:
        if plan.static:
            return super().column_path(plan, col)
        kind = mechanism(col)
        if kind == "aspnet":
            return f"{ASPX}?ClassID={col.num}"
        if kind == "label":  # query keys in sorted order, as a crawler canonicalises them
            return f"/public/column/{col.num}?action=list&catId={col.num}&type=4"
        if kind == "jpaas":
            return f"/{col.spec.section or 'zwgk'}/{col.spec.key}/index.html"
        return f"/content/column/{col.num}"

    def article_path(self, plan: SitePlan, col: ColumnPlan, item: ItemPlan) -> str:
        if plan.static:
            return super().article_path(plan, col, item)
        if mechanism(col) == "aspnet":
            return f"/News/Show.aspx?ID={50000 + item.serial}"
        digest = hashlib.md5(f"{plan.seed}:art:{item.serial}".encode()).hexdigest()
        return f"/content/detail/{digest[:24]}.html"

    def feature_path(self, plan: SitePlan, key: str) -> str:
        return super().feature_path(plan, key) if plan.static else Style.feature_path(self, plan, key)

    def info_path(self, plan: SitePlan, key: str) -> str:
        return super().info_path(plan, key) if plan.static else Style.info_path(self, plan, key)

    def board_path(self, plan: SitePlan, board: BoardPlan) -> str:
        return super().board_path(plan, board) if plan.static else Style.board_path(self, plan, board)

    def message_path(self, plan: SitePlan, board: BoardPlan, msg: Message) -> str:
        if plan.static:
            return super().message_path(plan, board, msg)
        return Style.message_path(self, plan, board, msg)

    def guide_path(self, plan: SitePlan, item: ServiceItem) -> str:
        return super().guide_path(plan, item) if plan.static else Style.guide_path(self, plan, item)

    # -- list pages ------------------------------------------------------------------------
    def lis(self, items: list[ItemPlan], limit: int | None = None) -> str:
        """Home and section blocks: the platform prints full dates (2019-10-08)."""
        out = []
        for item in items[:limit]:
            day = f'<span class="date">{item.date:%Y-%m-%d}</span>' if item.date else ""
            out.append(f'<li><a href="{esc(item.href or item.path)}" title="{esc(item.title)}" '
                       f'target="_blank">{esc(item.title)}</a>{day}</li>')
        return "\n".join(out)

    def _frame(self, plan: SitePlan, col: ColumnPlan, content: str) -> str:
        siblings = section_columns(plan, col.spec.section) if col.spec.section else [col]
        side = "".join(f'<li><a href="{esc(c.path)}">{esc(c.name)}</a></li>' for c in siblings)
        body = (
            f"{self.crumb_bar(plan, col)}\n<div class=\"main\"><div class=\"side\"><ul>{side}"
            f'</ul></div>\n<div class="content"><h2>{esc(col.name)}</h2>\n{content}</div></div>'
        )
        section = SECTIONS.get(col.spec.section or "", col.name)
        return self.page(plan, self.head_title(plan, col.name), body, section)

    def list_page(self, plan: SitePlan, col: ColumnPlan, n: int, pages: int) -> str:
        if plan.static:
            return super().list_page(plan, col, n, pages)
        return self._frame(plan, col, self._content(plan, col, 1))

    def _content(self, plan: SitePlan, col: ColumnPlan, n: int) -> str:
        kind = mechanism(col)
        if kind == "aspnet":
            return aspnet.list_body(plan, col, n, f"./List.aspx?ClassID={col.num}")
        if kind == "jpaas":
            query = (f"{{'parseType':'bulidstatic','webId':'{SITE_ID}','tplSetId':'sxzf2019',"
                     f"'pageType':'column','tagId':'当前栏目_list','editType':'null','pageId':'{col.num}'}}")
            return (f'<div class="list-box" id="unit_{col.num}">\n<script url="{JPAAS}" '
                    f'queryData="{query}"></script>\n</div>')
        if kind == "label":
            script = (
                f'var siteId = {SITE_ID};\nvar catId = "{col.num}";\nvar pageSize = {LABEL_ROWS};\n'
                "function loadList(pageIndex) {\n"
                f'  $("#xxgk_list").load("{LABEL}?IsAjax=1&dataType=html&labelName=publicInfoList'
                '&siteId=" + siteId + "&pageSize=" + pageSize + "&pageIndex=" + pageIndex\n'
                '    + "&action=list&isDate=true&dateFormat=yyyy-MM-dd&length=50&type=4&catId=" + catId'
                ' + "&result=%E6%9A%82%E6%97%A0%E7%9B%B8%E5%85%B3%E4%BF%A1%E6%81%AF");\n}\n'
                "$(function () { loadList(1); });"
            )
            return f'<div id="xxgk_list" class="xxgk_list"></div>\n<script>\n{script}\n</script>'
        if col.num % 2:
            script = (
                f'const channelId = "{col.num}";\n'
                "async function showPage(page) {\n"
                f"  const res = await fetch(`{API}?channelId=${{channelId}}&pageIndex=${{page}}"
                f"&pageSize={API_ROWS}`);\n"
                "  const json = await res.json();\n"
                "  document.getElementById('newsList').innerHTML = json.data.list.map(function (r) {\n"
                "    return \"<li><a href='\" + r.url + \"'>\" + r.title + '</a><span>' +\n"
                "      new Date(r.publishTime).toLocaleDateString() + '</span></li>';\n"
                "  }).join('');\n}\nshowPage(1);"
            )
        else:
            script = (
                f'var channelId = "{col.num}";\n'
                "function getList(pageIndex) {\n  $.ajax({\n"
                f'    url: "{API}", type: "get", dataType: "json",\n'
                f"    data: {{ channelId: channelId, pageIndex: pageIndex, pageSize: {API_ROWS} }},\n"
                "    success: function (res) {\n      var html = [];\n"
                "      $.each(res.data.list, function (i, r) {\n"
                "        html.push(\"<li><a target='_blank' href='\" + r.url + \"'>\" + r.title +\n"
                "          '</a><span>' + formatDate(r.publishTime) + '</span></li>');\n      });\n"
                "      $('#newsList').html(html.join(''));\n"
                "      laypage.render({ elem: 'pager', count: res.data.total, limit: res.data.pageSize,\n"
                "        curr: pageIndex, jump: function (o, first) { if (!first) getList(o.curr); } });\n"
                "    }\n  });\n}\n$(function () { getList(1); });"
            )
        return (f'<ul class="list" id="newsList"></ul>\n<div id="pager" class="pager"></div>\n'
                f'<script src="/js/common.js"></script>\n<script>\n{script}\n</script>')

    def list_shown(self, plan: SitePlan, col: ColumnPlan, html: str) -> str:
        """The shell page as a visitor sees it, every page's rows drawn in (for truth only)."""
        if plan.static:
            return html
        rows = "\n".join(
            f'<li><a href="{esc(i.href or i.path)}">{esc(i.title)}</a>'
            f"<span>{i.date:%Y-%m-%d}</span></li>" if i.date else
            f'<li><a href="{esc(i.href or i.path)}">{esc(i.title)}</a></li>'
            for i in col.items
        )
        at = html.rfind("</body>")
        return f'{html[:at]}<ul class="shown">{rows}</ul>{html[at:]}'

    # -- endpoints ---------------------------------------------------------------------------
    def handlers(self, plan: SitePlan) -> dict[str, Dynamic]:
        """The site's data endpoints (``SimSite.dynamic``); none for static copies."""
        if plan.static:
            return {}
        from govinspect.demo.render import error_page, html_type  # render imports this module

        by_num = {c.num: c for c in plan.columns}

        def column(value: str | None, kind: str) -> ColumnPlan | None:
            col = by_num.get(int(value)) if value and value.isdigit() else None
            return col if col is not None and mechanism(col) == kind else None

        def api(req: Request) -> Resource:
            q = {k: v[0] for k, v in parse_qs(req.query).items()}
            col = column(q.get("channelId"), "api")
            if col is None:
                return Resource(b'{"code": 404, "msg": "channel not found", "data": null}',
                                "application/json;charset=UTF-8")
            if plan.notes.get(col.path) == ENDPOINT_HTML:
                return Resource(_LOGIN.encode(), "text/html;charset=UTF-8")
            return Resource(json.dumps(api_page(col, q), ensure_ascii=False).encode(),
                            "application/json;charset=UTF-8")

        def label(req: Request) -> Resource:
            q = {k: v[0] for k, v in parse_qs(req.query).items()}
            col = column(q.get("catId"), "label")
            if col is None:
                return Resource(b"", "text/html;charset=UTF-8")
            if plan.notes.get(col.path) == ENDPOINT_HTML:
                return Resource(_LOGIN.encode(), "text/html;charset=UTF-8")
            n = int(q["pageIndex"]) if q.get("pageIndex", "").isdigit() else 1
            return Resource(label_fragment(col, n).encode(), "text/html;charset=UTF-8")

        def aspx(req: Request) -> Resource:
            q = {k: v[0] for k, v in parse_qs(req.query).items()}
            col = column(q.get("ClassID"), "aspnet")
            if col is None:
                return Resource(error_page(404), "text/html; charset=utf-8", 404)
            n = 1
            if req.method == "POST":
                asked = aspnet.posted_page(plan, col, req.body)
                if asked is None:  # "Validation of viewstate MAC failed"
                    return Resource(error_page(500), "text/html; charset=utf-8", 500)
                n = asked
            html = self._frame(plan, col, self._content(plan, col, n))
            return Resource(html.encode(plan.spec.encoding, "xmlcharrefreplace"), html_type(plan))

        def jpaas(req: Request) -> Resource:
            q = {k: v[0] for k, v in parse_qs(req.query).items()}
            col = column(q.get("pageId"), "jpaas")
            if col is None:
                return Resource(b'{"success": false, "message": "page not found"}', "application/json")
            try:
                n = int(json.loads(q.get("paramJson", "{}")).get("pageNo", 1))
            except (ValueError, AttributeError):
                n = 1
            body = {"success": True, "message": "", "data": {"html": jpaas_unit(col, max(n, 1))}}
            return Resource(json.dumps(body, ensure_ascii=False).encode(), "application/json;charset=UTF-8")

        return {API: api, LABEL: label, ASPX: aspx, JPAAS: jpaas}


def api_page(col: ColumnPlan, q: dict[str, str]) -> dict[str, object]:
    """One page of the JSON API: records and the paging envelope."""
    size = int(q["pageSize"]) if q.get("pageSize", "").isdigit() else API_ROWS
    size = min(max(size, 1), 100)
    n = int(q["pageIndex"]) if q.get("pageIndex", "").isdigit() else 1
    chunk = col.items[(max(n, 1) - 1) * size : max(n, 1) * size]
    records = [
        {"id": 80000 + i.serial, "title": i.title, "url": i.href or i.path,
         "publishTime": millis(i), "source": i.source, "imgUrl": i.image or ""}
        for i in chunk
    ]
    total = len(col.items)
    return {"code": 200, "msg": "操作成功", "data": {
        "list": records, "total": total, "pageIndex": n, "pageSize": size,
        "totalPage": math.ceil(total / size)}}


def jpaas_unit(col: ColumnPlan, n: int) -> str:
    """One page of a JPaaS unit: list markup and a pager carrying its counts in queryData."""
    chunk = col.items[(n - 1) * JPAAS_ROWS : n * JPAAS_ROWS]
    rows = "\n".join(
        f'<li><a href="{esc(i.href or i.path)}" target="_blank" title="{esc(i.title)}">'
        f'{esc(i.title[:24])}</a><span>{i.date:%Y-%m-%d}</span></li>' if i.date else
        f'<li><a href="{esc(i.href or i.path)}" target="_blank" title="{esc(i.title)}">'
        f"{esc(i.title[:24])}</a></li>"
        for i in chunk
    )
    pager = (f'<div id="unit_pagination" queryData="{{\'rows\':\'{JPAAS_ROWS}\','
             f'\'count\':\'{len(col.items)}\',\'pageNo\':\'{n}\'}}"></div>')
    return f'<div class="page-content"><ul>\n{rows}\n</ul></div>\n{pager}'


def label_fragment(col: ColumnPlan, n: int) -> str:
    """One page of the label endpoint: the rows and a small pager, no document around them."""
    if not col.items:
        return '<div class="no-data">暂无相关信息</div>'
    pages = max(1, math.ceil(len(col.items) / LABEL_ROWS))
    chunk = col.items[(n - 1) * LABEL_ROWS : n * LABEL_ROWS]
    rows = "\n".join(
        f'<li><a href="{esc(i.href or i.path)}" target="_blank" title="{esc(i.title)}">'
        f'{esc(i.title)}</a><span class="date">{i.date:%Y-%m-%d}</span></li>' if i.date else
        f'<li><a href="{esc(i.href or i.path)}" target="_blank">{esc(i.title)}</a></li>'
        for i in chunk
    )
    return (f'<ul class="clearfix xxgk_nav_list">\n{rows}\n</ul>\n'
            f'<div class="pagination">共 {len(col.items)} 条 第 {n}/{pages} 页</div>')
