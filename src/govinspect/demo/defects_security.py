"""Hijack injectors (security.hijack): hidden gambling links, a script-written link, cloaking.

The payloads copy what defacement kits plant on government sites (CNCERT 网站暗链 reports,
provincial inspection circulars): an off-screen ``<div>`` of casino links at the foot of
static pages, ``document.write(unescape('%3Ca...'))`` so that the link is not in the HTML,
and a gambling title and link block served only to Baiduspider or to visitors coming from
Baidu. The casino hosts are made up; the crawl runs offline, where they fail as DNS errors,
so the planted ``<a>`` links are broken links too (kind "dns", like the world's dead hosts).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from html import escape
from typing import ClassVar
from urllib.parse import urlsplit

from govinspect.demo.defects import PathScheme
from govinspect.demo.markup import body_paragraphs
from govinspect.demo.plan import SitePlan, SpiderView
from govinspect.demo.types import HijackMark

HIDDEN_LINKS = (
    ("澳门葡京", "http://www.pj-casino8.com/"),
    ("开户送彩金", "http://www.pj-casino8.com/kaihu/"),
    ("金沙娱乐", "http://www.js-yule66.com/"),
    ("皇冠体育", "http://www.hg-tiyu88.com/"),
)
SCRIPT_LINK = ("皇冠现金网", "http://www.hg-bet365x.com/")
CLOAK_LINKS = (
    ("澳门葡京官网", "http://www.pj-casino8.com/"),
    ("新葡京娱乐场", "http://www.pj-casino8.com/yulecheng/"),
    ("金沙娱乐城", "http://www.js-yule66.com/"),
    ("太阳城娱乐", "http://www.tyc-yule77.com/"),
    ("皇冠体育投注", "http://www.hg-tiyu88.com/touzhu/"),
    ("北京赛车pk10", "http://www.bjsc-pk10x.com/"),
)
HIJACK_HOSTS = frozenset(
    urlsplit(url).hostname or "" for _, url in (*HIDDEN_LINKS, SCRIPT_LINK, *CLOAK_LINKS)
)


def _anchors(links: tuple[tuple[str, str], ...]) -> str:
    return "".join(f'<a href="{escape(u)}" target="_blank">{escape(t)}</a>' for t, u in links)


def js_escape(value: str) -> str:
    """JavaScript ``escape()``: what ``unescape()`` in the planted script turns back."""
    out = []
    for ch in value:
        if ch.isascii() and (ch.isalnum() or ch in "@*_+-./"):
            out.append(ch)
        elif ord(ch) < 256:
            out.append(f"%{ord(ch):02X}")
        else:
            out.append(f"%u{ord(ch):04X}")
    return "".join(out)


@dataclass(frozen=True, slots=True)
class HiddenLinks:
    """An off-screen block of casino links at the foot of the home page and a few articles."""

    column: str = "工作动态"
    articles: int = 2
    phase: ClassVar[str] = "links"

    def apply(self, plan: SitePlan, rng: random.Random, paths: PathScheme) -> None:
        style = "position:absolute;left:-9999px;top:-9999px"
        block = f'\n<div style="{style}">{_anchors(HIDDEN_LINKS)}</div>\n'
        pages = ["/"] + [i.path for i in rng.sample(plan.untouched(self.column), self.articles)]
        for path in pages:
            plan.patches.setdefault(path, []).append(block)
            # The anchor texts are gambling terms, so the page text shows spam words too.
            plan.planted.hijack += [HijackMark(path, "hidden_link"), HijackMark(path, "keyword")]
        for _, url in HIDDEN_LINKS:
            plan.external_broken[url] = "dns"


@dataclass(frozen=True, slots=True)
class ScriptWrite:
    """An article whose injected script writes a hidden casino link from an escaped string."""

    column: str = "工作动态"
    phase: ClassVar[str] = "links"

    def apply(self, plan: SitePlan, rng: random.Random, paths: PathScheme) -> None:
        item = rng.choice(plan.untouched(self.column))
        text, url = SCRIPT_LINK
        payload = js_escape(f'<div style="display:none"><a href="{url}">{text}</a></div>')
        code = f"document.write(unescape('{payload}'));"
        script = f'\n<script type="text/javascript">{code}</script>\n'
        plan.patches.setdefault(item.path, []).append(script)
        plan.planted.hijack.append(HijackMark(item.path, "js_redirect"))


@dataclass(frozen=True, slots=True)
class Cloaking:
    """The page shows search engines (Baiduspider, a Baidu Referer) a gambling title and links."""

    path: str = "/"
    phase: ClassVar[str] = "links"

    def apply(self, plan: SitePlan, rng: random.Random, paths: PathScheme) -> None:
        title = f"澳门葡京_新葡京娱乐场_开户送彩金_{escape(plan.spec.name)}"
        head = ('<meta name="keywords" content="澳门葡京,新葡京娱乐场,金沙娱乐城,开户送彩金">\n'
                '<meta name="description" content="澳门葡京官网，线上娱乐城，真人视讯，首存送彩金。">')
        block = f'<div class="hot-links">热门推荐：{_anchors(CLOAK_LINKS)}</div>'
        plan.spider[self.path] = SpiderView(title, head, block)
        plan.planted.hijack.append(HijackMark(self.path, "cloaking"))


# Gambling and fraud words as a school safety campaign uses them: next to 赌博, 诈骗, 警惕, 举报.
WARNING = ("会议要求，各学校要加强防范电信网络诈骗和网络赌博宣传教育，提醒学生远离网络赌博，不参与"
           "六合彩、百家乐、时时彩等赌博活动，警惕“裸聊”“刷单返利”等诈骗陷阱，发现线索及时向公安机关举报。")


@dataclass(frozen=True, slots=True)
class GamblingWarning:
    """A control, not a defect: an article warning students off gambling names the games."""

    column: str = "工作动态"
    phase: ClassVar[str] = "links"

    def apply(self, plan: SitePlan, rng: random.Random, paths: PathScheme) -> None:
        col = plan.column(self.column)
        item = rng.choice(plan.untouched(self.column))
        body = body_paragraphs(plan, col, item)
        body.insert(max(1, len(body) - 1), WARNING)
        item.body = body
