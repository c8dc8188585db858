"""Hosts outside the government world, and the defects and controls that link to them.

link.harmful (checks/harmful.py): a friend link or an old article's link whose domain lapsed
and now serves a casino, the case inspection circulars report as 链接指向违规网站 (a domain
re-registered by gambling operators for the links and ranking it still has). The world gets:

- ``hnlyxh``: the former site of a city tourism association (淮南市旅游协会), now a casino
  page under the same name; linked from the portal's friend links.
- ``ftwmw``: a former county civic-campaign site (文明网), now an adult-video portal; linked
  from that county's friend links.
- ``hnzsh``: a former investment-fair site (招商推介会) that now answers with an HTTP redirect
  to ``xpj``, the casino's own domain; linked from an old article.
- controls that must not fire: ``hnrcbank`` (a rural commercial bank's home page, with the
  anti-fraud tip banks print on every page) and ``hnrbs`` (a newspaper's report on a gambling
  raid naming the games and a casino brand in enforcement context).

All names are made up; the hosts are served on loopback under their names, which the scan
resolves through the ``hosts`` setting (``World.hosts()``). The page texts are written for the
fixture, in the style of such pages, not copied from any.

``CloakedArticle`` plants cloaking on an old article deep in a column, which a sample of the
newest pages would not pick: only the every-page spider pass (crawl/cloaking.py) finds it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from html import escape
from typing import ClassVar

from govinspect.demo.defects import PathScheme
from govinspect.demo.plan import SitePlan, SpiderView
from govinspect.demo.types import HarmfulMark, HijackMark, Resource, SimSite, Truth, site_ref

HTML = "text/html; charset=utf-8"
CASINO_HOSTS = {"hnlyxh": "www.hnlyxh.com", "hnzsh": "www.hnzsh2016.com", "xpj": "www.xpj8866.com",
                "ftwmw": "www.ftwmw.com"}
CONTROL_HOSTS = {"hnrcbank": "www.hnrcbank.com", "hnrbs": "www.hnrbs.com"}
NEWS_PATH = "/html/2019-10/15/content_2107.htm"


def _doc(title: str, body: str, head: str = "") -> bytes:
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{escape(title)}</title>{head}</head>'
            f"<body>{body}</body></html>").encode()


def _casino(name: str) -> bytes:
    """A casino landing page as re-registered domains serve them (title, keywords, offers)."""
    head = ('<meta name="keywords" content="新葡京娱乐场,澳门葡京,真人视讯,开户送彩金">'
            '<meta name="description" content="新葡京娱乐场官方网站，线上娱乐城，首存送彩金，真人视讯24小时在线。">')
    body = ("<div class='top'><a href='/reg'>免费注册</a> <a href='/login'>会员登录</a> <a href='/app'>APP下载</a></div>"
            "<div class='banner'>新葡京娱乐场 真人视讯 百家乐 电子游艺 体育投注</div>"
            "<ul><li>新会员首存送100%</li><li>开户送彩金 88 元</li><li>每日返水 1.2%</li></ul>"
            f"<p>{escape(name)} 线上娱乐城 信誉第一 提款秒到</p>")
    return _doc("新葡京娱乐场-澳门葡京官方网站", body, head)


BANK = _doc("淮南农村商业银行", (
    "<div class='nav'>首页 个人业务 公司业务 电子银行 信息披露 关于我们</div>"
    "<div class='main'><h3>存款利率</h3><p>活期 0.30% 一年定期 1.75%</p>"
    "<h3>个人贷款</h3><p>个人住房贷款、个人经营贷款、助业贷款，欢迎到各网点咨询。</p>"
    "<h3>温馨提示</h3><p>请警惕电信网络诈骗，本行工作人员不会索要您的密码和短信验证码；"
    "远离非法集资和网络赌博，保护好个人账户。</p></div>"
    "<div class='foot'>客服热线 96669 皖ICP备10012345号</div>"))

NEWS = _doc("我市破获一起特大网络赌博案_淮南日报", (
    "<h1>我市破获一起特大网络赌博案</h1><div class='info'>2019-10-15 来源：淮南日报</div>"
    "<p>近日，市公安局成功破获一起利用境外赌博网站开设赌场案，抓获犯罪嫌疑人 12 名，查封涉赌账户 86 个。</p>"
    "<p>经查，该团伙以“开户送彩金”“首存送”为诱饵，通过聊天群发展会员，组织参与百家乐、六合彩等赌博活动，"
    "涉案资金 3000 余万元。</p>"
    "<p>警方提醒：所谓“澳门葡京”“线上娱乐城”均为境外赌博网站的诈骗陷阱，广大市民要远离网络赌博，"
    "发现相关线索请及时拨打 110 举报。</p>"))


def _adult() -> bytes:
    """A lapsed civic site's domain now showing an adult-video portal (porn spam titles and links)."""
    head = '<meta name="keywords" content="午夜影院,成人视频,激情视频,伦理片">'
    body = ("<div class='nav'>首页 午夜影院 伦理片 激情视频 成人视频 福利视频</div>"
            "<ul><li><a href='/v/1.html'>高清无码 在线观看</a></li><li><a href='/v/2.html'>同城约会 美女直播</a></li></ul>"
            "<p>每日更新 免费观看 请收藏本站最新地址</p>")
    return _doc("午夜影院-成人视频在线观看", body, head)


def build_externals() -> list[SimSite]:
    """The external hosts of the world (module docstring), each answering every path it knows."""
    casino = {"/": Resource(_casino("淮南市旅游协会"), HTML), "/index.html": Resource(_casino("淮南市旅游协会"), HTML)}
    own = {"/": Resource(_casino("新葡京"), HTML), "/?from=hnzsh": Resource(_casino("新葡京"), HTML)}
    moved = {"/": Resource(b"", HTML, 302, {"Location": site_ref("xpj", "/?from=hnzsh")}),
             "/index.html": Resource(b"", HTML, 302, {"Location": site_ref("xpj", "/?from=hnzsh")})}
    adult = {"/": Resource(_adult(), HTML)}
    bank = {"/": Resource(BANK, HTML)}
    news = {"/": Resource(_doc("淮南日报", "<a href='" + NEWS_PATH + "'>要闻</a>"), HTML), NEWS_PATH: Resource(NEWS, HTML)}
    names = {"hnlyxh": ("淮南市旅游协会(已过期)", casino), "hnzsh": ("淮南招商推介会(已过期)", moved),
             "xpj": ("博彩网站", own), "ftwmw": ("凤台县文明网(已过期)", adult), "hnrcbank": ("淮南农村商业银行", bank), "hnrbs": ("淮南日报", news)}
    hosts = {**CASINO_HOSTS, **CONTROL_HOSTS}
    return [SimSite(key=k, name=n, unit="", level="other", site_code="", encoding="utf-8", style="external",
                    resources=r, truth=Truth(), options={"hostname": hosts[k]})
            for k, (n, r) in names.items()]


@dataclass(frozen=True, slots=True)
class LapsedFriendLink:
    """A friend link on the home page to a domain that lapsed and now serves a casino (or porn)."""

    name: str = "淮南市旅游协会"
    host: str = "hnlyxh"
    kind: str = "gambling"
    phase: ClassVar[str] = "links"

    def apply(self, plan: SitePlan, rng: random.Random, paths: PathScheme) -> None:
        target = site_ref(self.host)
        plan.friend_links.append((self.name, target))
        plan.planted.harmful.append(HarmfulMark("/", target, self.kind))


@dataclass(frozen=True, slots=True)
class LapsedArticleLink:
    """An old article links an investment-fair site that now redirects to a casino's domain."""

    column: str = "工作动态"
    phase: ClassVar[str] = "links"

    def apply(self, plan: SitePlan, rng: random.Random, paths: PathScheme) -> None:
        item = rng.choice(plan.untouched(self.column))
        target = site_ref("hnzsh")
        item.links.append(("2016年淮南招商推介会官方网站", target))
        plan.planted.harmful.append(HarmfulMark(item.path, target, "gambling"))


@dataclass(frozen=True, slots=True)
class CleanCommercialLinks:
    """A control: a friend link to a bank and an article citing a newspaper's gambling-raid report."""

    column: str = "工作动态"
    phase: ClassVar[str] = "links"

    def apply(self, plan: SitePlan, rng: random.Random, paths: PathScheme) -> None:
        plan.friend_links.append(("淮南农村商业银行", site_ref("hnrcbank")))
        item = rng.choice(plan.untouched(self.column))
        item.links.append(("淮南日报：我市破获一起特大网络赌博案", site_ref("hnrbs", NEWS_PATH)))


CLOAK_BLOCK = ("<div class='tj'>新葡京娱乐场 开户送彩金 真人视讯 "
               "<a href='http://www.pj-casino8.com/'>澳门葡京</a> "
               "<a href='http://www.js-yule66.com/'>金沙娱乐城</a></div>")


@dataclass(frozen=True, slots=True)
class CloakedArticle:
    """The oldest recent article of a column shows search engines a casino title and links."""

    column: str = "工作动态"
    phase: ClassVar[str] = "links"

    def apply(self, plan: SitePlan, rng: random.Random, paths: PathScheme) -> None:
        item = plan.untouched(self.column)[-1]
        title = f"新葡京娱乐场_开户送彩金_{escape(item.title)}"
        plan.spider[item.path] = SpiderView(title, '<meta name="keywords" content="新葡京娱乐场,澳门葡京">', CLOAK_BLOCK)
        plan.planted.hijack.append(HijackMark(item.path, "cloaking"))
