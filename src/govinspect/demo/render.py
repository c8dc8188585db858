"""Turn a site plan into servable resources: HTML in the site's encoding, files, images."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from itertools import permutations

from govinspect.demo import board as boards
from govinspect.demo import files
from govinspect.demo.markup import Style, item_rng
from govinspect.demo.plan import (
    FEATURES,
    SECTIONS,
    Attachment,
    ColumnPlan,
    InfoPage,
    ItemPlan,
    Message,
    ServiceItem,
    SitePlan,
    SpiderView,
)
from govinspect.demo.services import item_page_html
from govinspect.demo.style_card import CardStyle
from govinspect.demo.style_hanweb import HanwebStyle
from govinspect.demo.style_json import PlatformStyle
from govinspect.demo.style_jsp import JspStyle
from govinspect.demo.style_trs import TrsStyle
from govinspect.demo.style_ul import UlStyle
from govinspect.demo.text import paragraphs
from govinspect.demo.types import Resource

STYLES: dict[str, Style] = {"trs": TrsStyle(), "ul": UlStyle(), "card": CardStyle()}
STYLES["hanweb"] = HanwebStyle()
STYLES["jsp"] = JspStyle()
HOME_LIMIT = {"trs": 7, "ul": 6, "card": 6}
HOME_LIMIT["hanweb"] = 7
HOME_LIMIT["jsp"] = 6
STYLES["platform"] = PlatformStyle()
HOME_LIMIT["platform"] = 6
_TITLE = re.compile(r"<title>.*?</title>", re.S)
_BODY = re.compile(r"<body[^>]*>")


def assign_paths(plan: SitePlan, style: Style) -> None:
    """Give columns, articles, attachments and images their URLs (idempotent)."""
    for col in plan.columns:
        col.path = style.column_path(plan, col)
    for info in plan.info_pages:
        info.path = style.info_path(plan, info.key)
    for col in plan.columns:
        for item in col.items:
            if item.href is None:
                item.path = style.article_path(plan, col, item)
            for k, att in enumerate(item.attachments, 1):
                if not att.path:
                    att.path = style.file_path(plan, col, item, k, att.ext)
            if item.has_image and not item.image:
                item.image = style.file_path(plan, col, item, 0, "png")


def html_type(plan: SitePlan, declared: bool = True) -> str:
    """The Content-Type header the site's server sends for HTML."""
    cs = plan.spec.header_charset
    return f"text/html; charset={cs}" if cs and declared else "text/html"


def error_page(status: int) -> bytes:
    """A Chinese error page (UTF-8, declared) for 404 and 5xx responses."""
    msg = {404: "页面不存在", 500: "服务器内部错误"}.get(status, "服务暂不可用")
    html = (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{status} {msg}</title>'
        f'</head><body><div class="error"><h1>{status}</h1><p>抱歉，{msg}。</p>'
        '<p>您访问的页面可能已被删除、更名或暂时不可用。</p><p><a href="/">返回首页</a></p>'
        "</div></body></html>"
    )
    return html.encode("utf-8")


def find_resource(resources: Mapping[str, Resource], path: str) -> Resource | None:
    """Look ``path`` up like a web server with an index file: dir/ <-> dir/index.html."""
    res = resources.get(path)
    if res is not None:
        return res
    if path.endswith("/"):
        return resources.get(path + "index.html")
    if path.endswith("/index.html"):
        return resources.get(path[: -len("index.html")])
    if "?" in path:  # servers ignore the order of query parameters (crawlers sort them)
        head, _, query = path.partition("?")
        params = query.split("&")
        if 1 < len(params) <= 3:
            for order in permutations(params):
                res = resources.get(head + "?" + "&".join(order))
                if res is not None:
                    return res
    return None


Made = tuple[Resource, str | None]  # a resource and, for HTML pages, its text
Maker = Callable[[], Made]


@dataclass(slots=True)
class Rendered:
    """Resources of one site plus the HTML text of its pages (kept for truth scanning)."""

    resources: dict[str, Resource] = field(default_factory=dict)
    pages: dict[str, str] = field(default_factory=dict)
    spider: dict[str, Resource] = field(default_factory=dict)  # cloaked views (SimSite.spider_view)


def render_site(plan: SitePlan) -> Rendered:
    """Render every page and file of ``plan`` now, and the cloaked views of its pages."""
    out = Rendered()
    for path, make in site_makers(plan):
        res, html = make()
        out.resources[path] = res
        if html is not None:
            out.pages[path] = html
    for path, view in plan.spider.items():
        out.spider[path] = page(plan, cloaked(out.pages[path], view))[0]
    return out


def cloaked(html: str, view: SpiderView) -> str:
    """The page as a cloaking kit serves it to search engines: spam title, head tags and block."""
    html = _TITLE.sub(lambda _: f"<title>{view.title}</title>\n{view.head}", html, count=1)
    return _BODY.sub(lambda m: f"{m.group()}\n{view.block}", html, count=1)


def patched(html: str, inserts: list[str]) -> str:
    """``html`` with ``inserts`` just before ``</body>``, where injected code usually sits."""
    # An insert starting with <!--head--> replaces the <title> (a rewritten head, issue 8).
    for head in (i for i in inserts if i.startswith("<!--head-->")):
        html = _TITLE.sub(lambda _: head.removeprefix("<!--head-->"), html, count=1)  # noqa: B023
    inserts = [i for i in inserts if not i.startswith("<!--head-->")]
    at = html.rfind("</body>")
    at = len(html) if at < 0 else at
    return html[:at] + "".join(inserts) + html[at:]


class LazyResources(Mapping[str, Resource]):
    """A site's resources rendered on demand: big sites never hold every body at once."""

    def __init__(self, plan: SitePlan) -> None:
        self.plan = plan
        self._makers: dict[str, Maker] = dict(site_makers(plan))

    def __getitem__(self, path: str) -> Resource:
        return self._makers[path]()[0]

    def __contains__(self, path: object) -> bool:
        return path in self._makers

    def __iter__(self) -> Iterator[str]:
        return iter(self._makers)

    def __len__(self) -> int:
        return len(self._makers)

    def text(self, path: str) -> str | None:
        """The HTML text of page ``path`` (None for files)."""
        return self._makers[path]()[1]


def column_pages(style: Style, col: ColumnPlan) -> int:
    """How many list pages a column spreads over."""
    return max(1, math.ceil(len(col.items) / style.page_size))


def site_makers(plan: SitePlan) -> Iterator[tuple[str, Maker]]:
    """Yield (path, maker) for every resource of the site, in a stable order."""
    for path, make in _makers(plan):
        inserts = plan.patches.get(path)
        yield path, partial(_patched, plan, make, inserts) if inserts else make


def _patched(plan: SitePlan, make: Maker, inserts: list[str]) -> Made:
    res, html = make()
    if html is None:
        raise ValueError("only HTML pages can be patched")
    html = patched(html, inserts)
    body = html.encode(plan.spec.encoding, "xmlcharrefreplace")
    return Resource(body, res.content_type, res.status, dict(res.headers)), html


def _makers(plan: SitePlan) -> Iterator[tuple[str, Maker]]:
    style = STYLES[plan.spec.style]
    yield from static_files(plan)
    yield from plan.extra.items()
    yield "/", lambda: page(plan, style.home(plan))
    for sec in SECTIONS:
        yield style.hub_path(plan, sec), partial(_hub, plan, style, sec)
    for key, _ in FEATURES:
        yield style.feature_path(plan, key), partial(_feature, plan, style, key)
    for info in plan.info_pages:
        yield info.path, partial(_info, plan, style, info)
    for service in plan.services:
        yield service.path, partial(_service, plan, style, service)
    if plan.board is not None:
        yield plan.board.path, partial(_board, plan, style)
        for msg in plan.board.messages:
            yield msg.path, partial(_message, plan, style, msg)
    for col in plan.columns:
        pages = column_pages(style, col)
        for n in range(1, pages + 1):
            yield style.page_path(plan, col, n), partial(_list, plan, style, col, n, pages)
        for item in col.items:
            if item.href is None:
                yield from article_makers(plan, style, col, item)
    for path, status in plan.errors.items():
        err = Resource(error_page(status), "text/html; charset=utf-8", status)
        yield path, partial(_const, err)


def _const(res: Resource) -> Made:
    return res, None


def _hub(plan: SitePlan, style: Style, sec: str) -> Made:
    return page(plan, style.hub(plan, sec))


def _feature(plan: SitePlan, style: Style, key: str) -> Made:
    return page(plan, style.feature(plan, key))


def _info(plan: SitePlan, style: Style, info: InfoPage) -> Made:
    return page(plan, style.info(plan, info))


def _service(plan: SitePlan, style: Style, item: ServiceItem) -> Made:
    """A service item's page: its guide, or the note that there is none."""
    html = item_page_html(item, plan.spec.guides or "table")
    trail = [(dict(FEATURES)["bsfw"], style.feature_path(plan, "bsfw"))]
    return page(plan, style.simple(plan, item.path, item.name, html, trail))


def _hdjl(plan: SitePlan, style: Style) -> tuple[str, str]:
    return dict(FEATURES)["hdjl"], style.feature_path(plan, "hdjl")


def _board(plan: SitePlan, style: Style) -> Made:
    board = plan.board
    assert board is not None
    html = boards.list_html(board, plan.as_of, style.name, style.linker(board.path))
    return page(plan, style.simple(plan, board.path, board.name, html, [_hdjl(plan, style)]))


def _message(plan: SitePlan, style: Style, msg: Message) -> Made:
    board = plan.board
    assert board is not None
    trail = [_hdjl(plan, style), (board.name, board.path)]
    return page(plan, style.simple(plan, msg.path, msg.title, boards.detail_html(msg, style.name),
                                   trail))


def _list(plan: SitePlan, style: Style, col: ColumnPlan, n: int, pages: int) -> Made:
    made = page(plan, style.list_page(plan, col, n, pages))
    shown = getattr(style, "list_shown", None)  # script-drawn lists: truth reads what is shown
    return made if shown is None or made[1] is None else (made[0], shown(plan, col, made[1]))


def _article(plan: SitePlan, style: Style, col: ColumnPlan, item: ItemPlan) -> Made:
    return page(plan, style.article(plan, col, item), item.charset != "none")


def _file(plan: SitePlan, item: ItemPlan, att: Attachment) -> Made:
    body = att.body if att.body is not None else attachment(plan, item, att.ext)
    return Resource(body, files.CONTENT_TYPES[att.ext]), None


def _image(item: ItemPlan) -> Made:
    return Resource(files.png(8, 6, (item.serial % 200, 60, 40)), "image/png"), None


def page(plan: SitePlan, html: str, declared: bool = True) -> Made:
    """One HTML page encoded as the site encodes it."""
    body = html.encode(plan.spec.encoding, "xmlcharrefreplace")
    return Resource(body, html_type(plan, declared)), html


def article_makers(
    plan: SitePlan, style: Style, col: ColumnPlan, item: ItemPlan
) -> Iterator[tuple[str, Maker]]:
    """The article page, its attachments and its image."""
    yield item.path, partial(_article, plan, style, col, item)
    for att in item.attachments:
        if not att.missing:
            yield att.path, partial(_file, plan, item, att)
    if item.image:
        yield item.image, partial(_image, item)


def attachment(plan: SitePlan, item: ItemPlan, ext: str) -> bytes:
    """Body of an attachment of ``item``."""
    if ext == "pdf":
        return files.pdf(f"{plan.spec.name} {item.title}")
    paras = paragraphs(item_rng(plan, item), plan.spec.locale, "notice", item.real_date, item.title)
    if ext == "xlsx":
        rows = [["序号", "单位", "事项", "备注"]]
        rows += [[str(n), plan.spec.unit, p[:20], ""] for n, p in enumerate(paras, 1)]
        return files.xlsx(item.title, rows)
    return files.doc(item.title, "\r".join(paras))


def static_files(plan: SitePlan) -> Iterator[tuple[str, Maker]]:
    """Stylesheet, pager script and shared images."""
    yield "/images/style.css", partial(_const, Resource(files.STYLESHEET, "text/css"))
    yield "/js/common.js", partial(_const, Resource(files.PAGER_JS, "application/javascript"))
    for name, size in (("banner", (40, 8)), ("logo", (24, 6)), ("jiucuo", (11, 5)),
                       ("qr_wx", (10, 10))):
        yield f"/images/{name}.png", partial(_const, Resource(files.png(*size), "image/png"))
