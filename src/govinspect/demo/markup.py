"""Markup shared by every style: identity footer, article body, navigation, dates."""

from __future__ import annotations

import hashlib
import posixpath
import random
from collections.abc import Callable, Sequence
from datetime import date
from html import escape
from typing import ClassVar

from govinspect.demo import text
from govinspect.demo.plan import (
    FEATURES,
    SECTIONS,
    BoardPlan,
    ColumnPlan,
    InfoPage,
    ItemPlan,
    Message,
    ServiceItem,
    SitePlan,
)
from govinspect.demo.services import service_list_items

Trail = Sequence[tuple[str, str]]  # breadcrumb entries between 首页 and the page: (name, path)

# Links every real footer carries; they point outside the world and are never judged
# broken (offline they cannot be fetched at all).
CONAC_IMG = "http://dcs.conac.cn/image/red.png"
ICP_URL = "https://beian.miit.gov.cn/"
GOV_EXTERNAL = [
    ("中国政府网", "http://www.gov.cn/"),
    ("安徽省人民政府", "http://www.ah.gov.cn/"),
    ("安徽政务服务网", "https://www.ahzwfw.gov.cn/"),
]
WEEKDAYS = "一二三四五六日"


def esc(s: str) -> str:
    """HTML-escape text and attribute values."""
    return escape(s, quote=True)


def rel(from_path: str, to_path: str) -> str:
    """Relative href from page ``from_path`` to site path ``to_path`` (TRS writes these)."""
    if not to_path.startswith("/"):
        return to_path
    base = posixpath.dirname(from_path.split("?")[0]) or "/"
    target, _, query = to_path.partition("?")
    r = posixpath.relpath(target, base)
    if target.endswith("/") and r != ".":
        r += "/"
    if r == ".":
        r = "./"
    elif not r.startswith("."):
        r = "./" + r
    return r + ("?" + query if query else "")


def cn_date(d: date) -> str:
    """2019年10月8日."""
    return f"{d.year}年{d.month}月{d.day}日"


class Style:
    """Base of the markup styles: path scheme plus page templates."""

    name: ClassVar[str] = "base"
    page_size: ClassVar[int] = 15

    # -- paths ---------------------------------------------------------------------------
    def hub_path(self, plan: SitePlan, sec: str) -> str:
        return f"/{sec}/"

    def column_path(self, plan: SitePlan, col: ColumnPlan) -> str:
        sec = col.spec.section
        return f"/{sec}/{col.spec.key}/" if sec else f"/{col.spec.key}/"

    def page_path(self, plan: SitePlan, col: ColumnPlan, n: int) -> str:
        return col.path if n == 1 else f"{col.path}index_{n}.html"

    def article_path(self, plan: SitePlan, col: ColumnPlan, item: ItemPlan) -> str:
        raise NotImplementedError

    def file_path(self, plan: SitePlan, col: ColumnPlan, item: ItemPlan, idx: int, ext: str) -> str:
        stamp = f"{item.real_date:%Y%m%d}{item.serial:06d}{idx}"
        return f"/uploadfiles/{item.real_date:%Y%m}/{stamp}.{ext}"

    def feature_path(self, plan: SitePlan, key: str) -> str:
        return f"/{key}/"

    def info_path(self, plan: SitePlan, key: str) -> str:
        return f"/{key}/"

    def board_path(self, plan: SitePlan, board: BoardPlan) -> str:
        """The message board's list page (under 互动交流)."""
        return f"/hdjl/{board.key}/"

    def message_path(self, plan: SitePlan, board: BoardPlan, msg: Message) -> str:
        digest = hashlib.md5(f"{plan.seed}:msg:{msg.serial}".encode()).hexdigest()
        return f"{self.board_path(plan, board)}{digest[:16]}.html"

    def guide_path(self, plan: SitePlan, item: ServiceItem) -> str:
        """The page of a service item (its guide) under 办事服务."""
        digest = hashlib.md5(f"{plan.seed}:guide:{item.serial}".encode()).hexdigest()
        return f"/bsfw/bszn/{digest[:16]}.html"

    # -- pages -----------------------------------------------------------------------------
    def home(self, plan: SitePlan) -> str:
        raise NotImplementedError

    def list_page(self, plan: SitePlan, col: ColumnPlan, n: int, pages: int) -> str:
        raise NotImplementedError

    def article(self, plan: SitePlan, col: ColumnPlan, item: ItemPlan) -> str:
        raise NotImplementedError

    def hub(self, plan: SitePlan, sec: str) -> str:
        raise NotImplementedError

    def feature(self, plan: SitePlan, key: str) -> str:
        here = self.feature_path(plan, key)
        return self.simple(plan, here, dict(FEATURES)[key],
                           feature_body(plan, key, self.linker(here)))

    def info(self, plan: SitePlan, page: InfoPage) -> str:
        """A standalone page (联系我们, 机构沿革) in the site's frame."""
        return self.simple(plan, page.path, page.name, page.html)

    def simple(self, plan: SitePlan, here: str, name: str, html: str, trail: Trail = ()) -> str:
        """A page outside the columns: breadcrumb (首页, ``trail``, ``name``) and ``html``."""
        raise NotImplementedError

    def linker(self, here: str) -> Callable[[str], str]:
        """How the page at ``here`` writes links to site paths (TRS: relative)."""
        return str

    # -- helpers ----------------------------------------------------------------------------
    def nav(self, plan: SitePlan) -> list[tuple[str, str]]:
        """Top navigation: (label, path)."""
        out = [("首页", "/")]
        out.append(("政务公开", self.hub_path(plan, "zwgk")))
        out.append(("新闻动态", self.hub_path(plan, "xwdt")))
        out += [(c.name, c.path) for c in plan.columns if c.spec.section is None]
        out += [(name, self.feature_path(plan, key)) for key, name in FEATURES]
        return out

    def crumbs(self, plan: SitePlan, col: ColumnPlan | None, trail: Trail = ()) -> list[tuple[str, str]]:
        """Breadcrumb trail to ``col`` (home and ``trail`` when None)."""
        out = [("首页", "/"), *trail]
        if col is not None:
            if col.spec.section:
                out.append((SECTIONS[col.spec.section], self.hub_path(plan, col.spec.section)))
            out.append((col.name, col.path))
        return out

    def head_title(self, plan: SitePlan, *parts: str) -> str:
        return esc("_".join([*parts, plan.spec.name]))


def section_columns(plan: SitePlan, sec: str) -> list[ColumnPlan]:
    """Columns under section ``sec``."""
    return [c for c in plan.columns if c.spec.section == sec]


def home_columns(plan: SitePlan) -> list[ColumnPlan]:
    """Columns whose newest items the home page shows."""
    return [c for c in plan.columns if c.spec.on_home]


def pictures(plan: SitePlan, limit: int = 4) -> list[ItemPlan]:
    """Newest news items that carry an image (图片新闻)."""
    items = [i for c in plan.columns if c.spec.category == "news" and c.spec.on_home
             for i in c.items[:8] if i.image and i.href is None]
    items.sort(key=lambda i: i.real_date, reverse=True)
    return items[:limit]


def conac_url(plan: SitePlan) -> str:
    """The 党政机关网站标识 verification link, as issued by conac.cn."""
    digest = hashlib.md5(plan.spec.site_code.encode()).hexdigest().upper()
    return f"http://bszs.conac.cn/sitename?method=show&id={digest[:32]}"


def shown_code(plan: SitePlan) -> str:
    """The site code the site's templates print (the registered one unless a defect changed it)."""
    return plan.shown.get("site_code") or plan.spec.site_code


def identity_lines(plan: SitePlan) -> str:
    """The footer identity block: sponsor, site code, ICP, police record, badges."""
    if plan.shown.get("footer_loader"):  # the footer is loaded by script (demo/script_footers.py)
        return plan.shown["footer_loader"] or ""
    s = plan.spec
    code = shown_code(plan)
    icp = plan.shown.get("icp", s.icp)
    record = "".join(ch for ch in s.police if ch.isdigit())
    icp_link = f'<a href="{ICP_URL}" target="_blank">{esc(icp)}</a>&nbsp;&nbsp;' if icp else ""
    info = "｜".join(f'<a href="{esc(p.path)}">{esc(p.name)}</a>' for p in plan.info_pages)
    return (
        (f'<p class="links">{info}</p>\n' if info else "")
        + f'<p>主办单位：{esc(s.unit)}&nbsp;&nbsp;承办：{esc(s.unit)}信息中心&nbsp;&nbsp;'
        f"联系电话：0554-{6600000 + int(s.site_code[-4:]) * 17}</p>\n"
        f"<p>网站标识码：{code}&nbsp;&nbsp;{icp_link}"
        f'<a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode={record}" '
        f'target="_blank">{esc(s.police)}</a></p>\n'
        f'<p class="badges"><a href="{esc(conac_url(plan))}" target="_blank">'
        f'<img src="{CONAC_IMG}" alt="党政机关" title="党政机关" width="47" height="56"></a>'
        f'<a href="https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code={code}" '
        f'target="_blank"><img src="/images/jiucuo.png" alt="政府网站找错" width="110" '
        f'height="55"></a></p>\n'
        f"<p>建议使用1366×768分辨率浏览本网站&nbsp;&nbsp;地址：{esc(s.locale.place)}人民路"
        f"{int(s.site_code[-3:]) + 12}号</p>"
    )


def search_box(plan: SitePlan, link: Callable[[str], str] = str) -> str:
    """The header's search form ("" when the site has no search)."""
    search = plan.search
    if search is None:
        return ""
    spec = search.spec
    hidden = "".join(f'<input type="hidden" name="{esc(k)}" value="{esc(v)}">' for k, v in spec.params)
    return (
        f'<form class="search" name="searchform" action="{esc(link(spec.action))}" '
        f'method="{spec.method.lower()}" target="_blank">{hidden}'
        f'<input type="text" name="{esc(spec.field)}" class="txt" placeholder="请输入关键字">'
        '<input type="submit" value="搜索" class="btn"></form>'
    )


def friend_links(plan: SitePlan) -> str:
    """The 友情链接 block."""
    links = "".join(
        f'<a href="{esc(url)}" target="_blank">{esc(name)}</a>' for name, url in plan.friend_links
    )
    return f'<div class="yqlj"><span>友情链接：</span>{links}</div>'


def item_rng(plan: SitePlan, item: ItemPlan) -> random.Random:
    """The deterministic random source of one item's body."""
    return random.Random(item.seed(plan.seed))


def article_body(
    plan: SitePlan, col: ColumnPlan, item: ItemPlan, link: Callable[[str], str] = str
) -> str:
    """Paragraphs, image, attachments and related links of an article (hrefs via ``link``)."""
    kind = col.spec.kind
    out = []
    if item.doc_no:
        out.append(f'<p style="text-align:center">{esc(item.doc_no)}</p>')
    if item.image:
        out.append(f'<p style="text-align:center"><img src="{esc(link(item.image))}" '
                   f'alt="{esc(item.title[:20])}"></p>')
    for p in body_paragraphs(plan, col, item):
        out.append(f'<p style="text-indent:2em">{esc(p)}</p>')
    out += item.blocks
    if item.original is not None:
        title, path = item.original
        out.append(f'<p>政策原文：<a href="{esc(link(path))}" target="_blank">{esc(title)}</a></p>')
    if kind in ("notice", "policy"):
        out.append(f'<p style="text-align:right">{esc(item.source)}</p>')
        if item.date is not None:
            out.append(f'<p style="text-align:right">{cn_date(item.date)}</p>')
    if item.attachments:
        files = "".join(
            f'<li><a href="{esc(link(a.path))}">{esc(a.name)}</a></li>' for a in item.attachments
        )
        out.append(f'<div class="fj"><p>附件：</p><ul>{files}</ul></div>')
    if item.links:
        rel_links = "".join(
            f'<li><a href="{esc(link(url))}" target="_blank">{esc(label)}</a></li>'
            for label, url in item.links
        )
        out.append(f'<div class="xgxx"><p>相关链接：</p><ul>{rel_links}</ul></div>')
    return "\n".join(out)


def body_paragraphs(plan: SitePlan, col: ColumnPlan, item: ItemPlan) -> list[str]:
    """The article's paragraphs: those a defect wrote, else the generated ones."""
    if item.body is not None:
        return list(item.body)
    rng = item_rng(plan, item)
    return text.paragraphs(rng, plan.spec.locale, col.spec.kind, item.real_date, item.title)


def info_line(item: ItemPlan) -> str:
    """发布时间 / 来源 line of an article (no date for undated items)."""
    when = f"发布时间：{item.date:%Y-%m-%d} {item.time}&nbsp;&nbsp;" if item.date else ""
    return f"{when}来源：{esc(item.source)}"


def feature_body(plan: SitePlan, key: str, link: Callable[[str], str] = str) -> str:
    """Content of a feature page (互动交流, 政务新媒体, 办事服务): entries, no dated list."""
    short = plan.spec.locale.short
    if key == "hdjl":
        board = plan.board
        entry = "" if board is None else (
            f'<h3>{esc(board.name)}</h3><p>来信选登及答复情况：<a href="{esc(link(board.path))}">'
            f"进入{esc(board.name)}</a></p>"
        )
        return entry + (
            f"<h3>领导信箱</h3><p>欢迎您就{esc(plan.spec.locale.place)}经济社会发展和政府工作"
            "提出意见建议。来信请实事求是，文明用语，并留下真实联系方式。</p>"
            '<form action="/hdjl/" method="post"><p>姓名：<input name="xm"></p>'
            '<p>标题：<input name="bt"></p><p>内容：<textarea name="nr"></textarea></p>'
            '<p><input type="submit" value="提交"></p></form>'
            "<h3>12345政务服务便民热线</h3><p>热线电话：12345，7×24小时受理群众诉求。</p>"
        )
    if key == "zwxmt":
        return (
            f'<ul class="xmt"><li><img src="/images/qr_wx.png" alt="{esc(short)}发布微信">'
            f"<p>{esc(short)}发布（微信公众号）</p></li>"
            f'<li><img src="/images/qr_wx.png" alt="{esc(short)}发布微博">'
            f"<p>{esc(short)}发布（新浪微博）</p></li>"
            f"<li><p>{esc(short)}发布（抖音号）</p></li></ul>"
        )
    if plan.services:
        own = service_list_items(plan.services, link)
        return (
            f"<h3>办事指南</h3><p>以下为{esc(plan.spec.locale.org)}及所属部门依申请办理"
            f'的服务事项，点击事项名称查看办事指南。</p><ul class="bszn">{own}</ul>'
            '<p>更多事项请登录<a href="https://www.ahzwfw.gov.cn/" target="_blank">安徽政务服务网</a>'
            "办理。</p>"
        )
    items = ["户籍办理", "社保医保", "教育入学", "婚育收养", "不动产登记", "企业开办", "工程建设"]
    links = "".join(
        f'<li><a href="https://www.ahzwfw.gov.cn/" target="_blank">{name}</a></li>'
        for name in items
    )
    return f'<p>个人办事、法人办事请登录安徽政务服务网办理。</p><ul class="bsfw">{links}</ul>'
