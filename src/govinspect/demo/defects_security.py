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


# --- issue 8: spam as it really appears, and what real portals load on every page ----------
#
# Real cases behind these (sources in data/hijack/keywords.yaml and thirdparty.yaml): a
# defaced home page whose <title> and meta were rewritten to "<brand>体育app下载" while the body
# stayed the portal's, with a user-agent test that puts the real title back for visitors
# (source defaced_title); SEO blocks that repeat one casino brand with 体育 / app下载 /
# (中国)官方网站 dozens of times (seo_pages, seo_keywords). The brand variants below are written
# for this world; the stems are real (乐鱼, 米乐 in the quality_filter source).

HEAD_MARK = "<!--head-->"  # demo/render.py replaces the page's <title> with such an insert

TAMPER_TITLE = "米乐·体育(中国)官方网站-米乐m6体育app下载"
TAMPER_META = ('<meta name="keywords" content="米乐体育,米乐app下载,米乐官网登录入口">\n'
               '<meta name="description" content="米乐体育官方网站提供足球、篮球投注，手机app下载即送体验金。">')


@dataclass(frozen=True, slots=True)
class HeadTamper:
    """The home page's title and meta rewritten to a casino brand; the body is untouched.

    The site's name stays at the end of the title, as kits often leave it, so that the
    office sees its own name in the browser tab.
    """

    path: str = "/"
    phase: ClassVar[str] = "links"

    def apply(self, plan: SitePlan, rng: random.Random, paths: PathScheme) -> None:
        real = escape(plan.spec.name)
        # The kit shows search engines the brand and puts the real title back for people.
        restore = (f'<script>if(!/spider|bot/i.test(navigator.userAgent)){{document.title="{real}";}}'
                   "</script>")
        plan.patches.setdefault(self.path, []).append(
            f"{HEAD_MARK}<title>{escape(TAMPER_TITLE)}_{real}</title>\n{TAMPER_META}\n{restore}"
        )
        plan.planted.hijack.append(HijackMark(self.path, "tamper"))


BRAND_BLOCK = ("乐鱼体育app下载", "乐鱼·体育(中国)官方网站", "乐鱼体育全站app", "乐鱼体育官网登录入口")


@dataclass(frozen=True, slots=True)
class BrandSpam:
    """An article carrying a hidden SEO block that repeats one casino brand in its variants."""

    column: str = "工作动态"
    repeat: int = 12
    phase: ClassVar[str] = "links"

    def apply(self, plan: SitePlan, rng: random.Random, paths: PathScheme) -> None:
        item = rng.choice(plan.untouched(self.column))
        words = [BRAND_BLOCK[i % len(BRAND_BLOCK)] for i in range(self.repeat * len(BRAND_BLOCK))]
        block = f'\n<div class="seo" style="display:none">{"_".join(words)}</div>\n'
        plan.patches.setdefault(item.path, []).append(block)
        plan.planted.hijack.append(HijackMark(item.path, "keyword"))


# What real portals add to every page (the false vetoes of issue 8): a CMS vendor's boot
# script on its cloud, statistics, a share widget inserted by script, the national
# error-reporting widget, an accessibility toolbar. The vendor host is invented and on no
# list: the judgement must not depend on data/hijack/thirdparty.yaml.
VENDOR_SCRIPTS = (
    '<script>(function(){var s=document.createElement("script");'
    's.src="https://static.zwcloud-cms.com/boot/site.js?v=3";s.async=true;'
    'document.getElementsByTagName("head")[0].appendChild(s);})();</script>\n'
    '<script>var _hmt=_hmt||[];(function(){var hm=document.createElement("script");'
    'hm.src="https://hm.baidu.com/hm.js?5f3a0c27e1";var first=document.getElementsByTagName("script")[0];'
    "first.parentNode.insertBefore(hm,first);})();</script>\n"
    "<script>document.write(unescape(\"%3Cscript src='https://js.users.51.la/2088.js' "
    "type='text/javascript'%3E%3C/script%3E\"));</script>\n"
    '<script>window._bd_share_config={common:{bdText:document.title},share:{}};'
    "var head=document.getElementsByTagName('head')[0]||document.body;"
    "head.appendChild(document.createElement('script')).src="
    "'http://bdimg.share.baidu.com/static/api/js/share.js?cdnversion='+Math.floor(new Date()/36e5);</script>\n"
    '<script id="_jiucuo_" sitecode="{code}" src="https://pucha.kaipuyun.cn/exposure/jiucuo.js"></script>\n'
    '<script src="https://wza.govservice-cloud.cn/toolbar/assist.js" charset="utf-8"></script>\n'
)
# Hidden menus of official links: a drop-down under 互动, a tab panel kept off-screen until
# clicked, a carousel slide waiting its turn. Several targets are official but not *.gov.cn.
OFFICIAL_MENUS = (
    '<div class="nav-more"><a href="javascript:;">更多服务</a>'
    '<ul class="drop" style="display:none">'
    '<li><a href="https://www.12377.cn/" target="_blank">中国互联网违法和不良信息举报中心</a></li>'
    '<li><a href="https://gjzwfw.www.gov.cn/" target="_blank">国家政务服务平台</a></li>'
    '<li><a href="http://www.wenming.cn/" target="_blank">中国文明网</a></li>'
    '<li><a href="https://www.12371.cn/" target="_blank">共产党员网</a></li></ul></div>\n'
    '<div class="tabs"><div class="panel" style="position:absolute;left:-9999px">'
    '<a href="https://www.12321.cn/" target="_blank">12321网络不良与垃圾信息举报受理中心</a>'
    '<a href="http://www.xinhuanet.com/politics/" target="_blank">新华网时政</a></div></div>\n'
    '<ul class="slides"><li style="display:none"><a href="http://www.people.com.cn/" target="_blank">'
    '<img src="/images/jiucuo.png" alt="人民网专题"></a></li></ul>\n'
)


@dataclass(frozen=True, slots=True)
class OrdinaryThirdParties:
    """A control, not a defect: vendor, statistics, share, error-report and accessibility scripts."""

    column: str = "工作动态"
    articles: int = 2
    phase: ClassVar[str] = "links"

    def apply(self, plan: SitePlan, rng: random.Random, paths: PathScheme) -> None:
        scripts = VENDOR_SCRIPTS.replace("{code}", plan.spec.site_code)
        pages = ["/"] + [i.path for i in rng.sample(plan.untouched(self.column), self.articles)]
        for path in pages:
            plan.patches.setdefault(path, []).append("\n" + scripts)


@dataclass(frozen=True, slots=True)
class HiddenOfficialMenus:
    """A control, not a defect: drop-down menus, tabs and slides that hide links to official sites."""

    path: str = "/"
    phase: ClassVar[str] = "links"

    def apply(self, plan: SitePlan, rng: random.Random, paths: PathScheme) -> None:
        plan.patches.setdefault(self.path, []).append("\n" + OFFICIAL_MENUS)


SPIDER_TITLE = "乐鱼体育(中国)官方网站-乐鱼体育app下载"


@dataclass(frozen=True, slots=True)
class SpiderTitleScript:
    """An article whose injected script gives search engines a casino title, its text escaped."""

    column: str = "工作动态"
    phase: ClassVar[str] = "links"

    def apply(self, plan: SitePlan, rng: random.Random, paths: PathScheme) -> None:
        item = rng.choice(plan.untouched(self.column))
        escaped = "".join(f"\\u{ord(c):04x}" for c in SPIDER_TITLE)
        script = (f'\n<script type="text/javascript">if(/baiduspider|sogou|360spider/i.test(navigator.userAgent))'
                  f'{{document.title="{escaped}";}}</script>\n')
        plan.patches.setdefault(item.path, []).append(script)
        plan.planted.hijack.append(HijackMark(item.path, "js_redirect"))
