"""The demo world's new-media accounts: an RSSHub-like feed server, exported files, ground truth.

``build_accounts`` gives one SimSite (key ``rsshub``) serving what a city office reads its
accounts from: RSSHub's Weibo and WeChat routes (RSS 2.0, GMT or +0800 dates, CDATA), an
``.atom`` route, and Weibo's mobile card API pages (``getIndex?containerid=...&page=N``,
served by query string). WeChat back-end exports (posts and messages, CSV and JSON) are
written by ``AccountWorld.write_account_files``. Serve the site next to the world's sites:
``serve_in_thread(world, [*world.sites, accounts.site])``, then ``accounts.entries(...)``.
"""

from __future__ import annotations

import csv
import io
import json
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone
from email.utils import format_datetime
from html import escape
from pathlib import Path
from typing import Any

from govinspect.demo.types import Resource, SimSite, World, site_ref
from govinspect.registry import AccountEntry, SourceSpec

CST = timezone(timedelta(hours=8))
RSS_TYPE = "application/xml; charset=utf-8"  # what RSSHub sends for RSS
ATOM_TYPE = "application/atom+xml; charset=utf-8"
JSON_TYPE = "application/json; charset=utf-8"
AUTO_TEXT = "您好！您的留言已收到，我们将尽快核实处理，感谢您对{unit}工作的关注和支持！"
_UNITS = {"huainan": "淮南市人民政府办公室", "tja": "田家庵区人民政府办公室",
          "fengtai": "凤台县人民政府办公室", "jyj": "淮南市教育局", "wjw": "淮南市卫生健康委员会"}
_TOPICS = ["全市重点项目集中开工", "秋季安全生产大检查", "城区道路改造进展", "老旧小区改造",
           "创建全国文明城市", "农村人居环境整治", "营商环境优化", "秋粮收购", "义务教育招生",
           "疫苗接种安排", "天气预报", "民生实事办理", "就业招聘会", "医保政策解读"]


@dataclass(slots=True)
class DemoAccount:
    """One simulated account: registry fields, where it is read from, and what it really is."""

    name: str
    unit: str
    platform: str
    kind: str  # rss | weibo | file
    route: str | None = None  # path on the rsshub site (rss, weibo)
    posts_file: str | None = None  # relative path of an exported post list (file)
    messages_file: str | None = None
    platform_id: str | None = None
    official_matrix: bool = True
    status: str = "active"
    closed_on: date | None = None
    expected: dict[str, str] = field(default_factory=dict)  # code -> severity

    def entry(self, base_url: str, files_dir: Path) -> AccountEntry:
        """The registry entry of this account with the feed server at ``base_url``."""
        base = base_url.rstrip("/")
        source = (SourceSpec("file", path=files_dir / self.posts_file) if self.posts_file
                  else SourceSpec(self.kind, url=base + (self.route or "/")))
        messages = SourceSpec("file", path=files_dir / self.messages_file) if self.messages_file else None
        return AccountEntry(
            name=self.name, platform=self.platform, source=source, unit=self.unit,
            messages=messages, platform_id=self.platform_id, official_matrix=self.official_matrix,
            status=self.status, closed_on=self.closed_on, source_ref="demo",
        )


@dataclass(slots=True)
class AccountWorld:
    """The accounts of the demo world: the feed server site, the exported files, ground truth."""

    as_of: date
    site: SimSite
    accounts: list[DemoAccount]
    files: dict[str, bytes]

    def write_account_files(self, out_dir: Path) -> Path:
        """Write the exported post and message files under ``out_dir``; return it."""
        for rel, data in self.files.items():
            target = out_dir / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        return out_dir

    def entries(self, base_url: str, files_dir: Path) -> list[AccountEntry]:
        """Registry entries of every account; ``base_url`` is where the rsshub site is served."""
        return [a.entry(base_url, files_dir) for a in self.accounts]

    def truth(self) -> dict[str, dict[str, str]]:
        """Expected finding codes (code -> severity) per account name."""
        return {a.name: dict(a.expected) for a in self.accounts}


def build_accounts(world: World | None, as_of: date, seed: int = 2019, period: int = 1) -> AccountWorld:
    """The demo accounts for ``as_of``; units are taken from ``world`` when it has them.

    ``period`` 2 and later is the next month of a cycle (demo/cycle.py): 凤台发布 posts again
    (its stale problem fixed), 淮南教育发布 stays silent (carried), and 淮南市人民政府发布 leaves
    a message unanswered (new).
    """
    later = period > 1
    units = dict(_UNITS)
    for s in world.sites if world else []:
        units[s.key] = s.unit
    rng = random.Random(f"accounts:{seed}:{as_of}")
    b = _Builder(as_of, rng)
    hn, tja, ft, jyj, wjw = (units[k] for k in ("huainan", "tja", "fengtai", "jyj", "wjw"))
    accounts = [
        DemoAccount("淮南市人民政府发布", hn, "weibo", "rss", "/weibo/user/2803301701",
                    messages_file="messages/huainan_weibo.csv", platform_id="2803301701",
                    expected={"newmedia.unanswered": "deduct"} if later else {}),
        DemoAccount("淮南发布", hn, "wechat", "rss", "/wechat/ce/huainanfabu",
                    messages_file="messages/huainanfabu.json", platform_id="huainanfabu",
                    expected={"newmedia.unanswered": "deduct"}),
        DemoAccount("田家庵发布", tja, "weibo", "weibo",
                    "/api/container/getIndex?containerid=1076035512345678", platform_id="5512345678"),
        DemoAccount("田家庵区政务服务", tja, "wechat", "file", posts_file="posts/tja_zwfw.csv",
                    messages_file="messages/tja_zwfw.csv", platform_id="tjazwfw",
                    expected={"newmedia.auto_reply": "deduct"}),
        DemoAccount("凤台发布", ft, "weibo", "rss", "/weibo/user/3404210001.atom",
                    platform_id="3404210001", expected={} if later else {"newmedia.stale": "veto"}),
        DemoAccount("凤台县人民政府", ft, "douyin", "rss", "/douyin/user/fengtaixian",
                    status="closed", closed_on=as_of - timedelta(days=60)),
        DemoAccount("淮南教育发布", jyj, "wechat", "rss", "/wechat/ce/hnjyfb", official_matrix=False,
                    expected={"newmedia.stale": "veto", "newmedia.dormant": "notice",
                              "newmedia.duplicate": "notice"}),
        DemoAccount("淮南教育", jyj, "wechat", "rss", "/wechat/ce/hnjy",
                    expected={"newmedia.duplicate": "notice"}),
        DemoAccount("健康淮南", wjw, "weibo", "rss", "/weibo/user/5566778899",
                    expected={"newmedia.stale": "notice"}),
        DemoAccount("淮南卫健委", wjw, "wechat", "rss", "/wechat/ce/hnwjw",
                    expected={"newmedia.low_frequency": "deduct"}),
    ]
    res: dict[str, Resource] = {}
    files: dict[str, bytes] = {}
    days = range(0, 20)
    res["/weibo/user/2803301701"] = b.rss("淮南市人民政府发布", days, weibo=True, bad_date=True)
    res["/wechat/ce/huainanfabu"] = b.rss("淮南发布", range(0, 15), weibo=False)
    res.update(b.weibo_pages("/api/container/getIndex?containerid=1076035512345678", "田家庵发布"))
    res["/weibo/user/3404210001.atom"] = b.atom("凤台发布", range(1, 41, 2) if later else range(20, 60, 2))
    silent = range(150, 250, 10) if later else range(120, 220, 10)  # the same posts a month older
    res["/wechat/ce/hnjyfb"] = b.rss("淮南教育发布", silent, weibo=False)
    res["/wechat/ce/hnjy"] = b.rss("淮南教育", range(1, 31, 3), weibo=False)
    res["/wechat/ce/hnwjw"] = b.rss("淮南卫健委", (6, 19, 45, 70, 96), weibo=False)
    res["/weibo/user/5566778899"] = _malformed("健康淮南")
    files["posts/tja_zwfw.csv"] = b.post_csv("田家庵区政务服务", range(0, 60, 2))
    files["messages/huainan_weibo.csv"] = b.messages_csv(b.human_messages(hn, 8, open_days=(1, 12) if later else (1,)))
    files["messages/huainanfabu.json"] = b.messages_json(b.human_messages(hn, 7, open_days=(8, 12, 20)))
    files["messages/tja_zwfw.csv"] = b.messages_csv(b.auto_messages(tja, auto=8, human=2))
    site = SimSite(key="rsshub", name="RSSHub", unit="", level="other", site_code="",
                   encoding="utf-8", style="rsshub", resources=res)
    return AccountWorld(as_of, site, accounts, files)


class _Builder:
    """Renders feeds, API pages and exported files for one inspection date."""

    def __init__(self, as_of: date, rng: random.Random) -> None:
        self.as_of, self.rng = as_of, rng
        self.built = datetime.combine(as_of, time(0, 30), UTC)  # when RSSHub rendered

    def when(self, days_ago: int) -> datetime:
        """A local posting time ``days_ago`` days before as_of, during office hours."""
        day = self.as_of - timedelta(days=days_ago)
        return datetime.combine(day, time(self.rng.choice((7, 8, 9, 11, 15, 17)), self.rng.randrange(60)))

    def title(self, account: str) -> str:
        return f"【{account}】{self.rng.choice(_TOPICS)}"

    def rss(self, name: str, days_ago: Any, weibo: bool, bad_date: bool = False) -> Resource:
        """An RSSHub RSS 2.0 feed: Weibo routes date in GMT, WeChat routes with +0800."""
        items = []
        for n, ago in enumerate(days_ago):
            stamp = self.when(ago).replace(tzinfo=CST)
            pub = format_datetime(stamp.astimezone(UTC), usegmt=True) if weibo \
                else format_datetime(stamp)
            if bad_date and n == 3:
                pub = "Invalid Date"  # what RSSHub writes when a route cannot parse a date
            link = (f"https://weibo.com/2803301701/I{n:08d}" if weibo
                    else f"https://mp.weixin.qq.com/s/{name.encode().hex()[:12]}{n:04d}")
            title = self.title(name)
            items.append(
                f"<item><title><![CDATA[{title}]]></title>"
                f"<description><![CDATA[<p>{escape(title)}。详情请点击查看。</p><br><img src=\"https://wx1.sinaimg.cn/large/{n}.jpg\">]]></description>"
                f"<pubDate>{pub}</pubDate><guid isPermaLink=\"false\">{link}</guid><link>{link}</link>"
                f"<author><![CDATA[{name}]]></author></item>"
            )
        what = "的微博" if weibo else " 的微信公众号"
        self_url = site_ref("rsshub", "/feed")
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss xmlns:atom="http://www.w3.org/2005/Atom" version="2.0">'
            f"<channel><title><![CDATA[{name}{what}]]></title><link>https://weibo.com/</link>"
            f'<atom:link href="{self_url}" rel="self" type="application/rss+xml" />'
            f"<description><![CDATA[{name}{what} - Made with love by RSSHub(https://github.com/DIYgod/RSSHub)]]></description>"
            "<generator>RSSHub</generator><webMaster>i@diygod.me (DIYgod)</webMaster><language>zh-cn</language>"
            f"<lastBuildDate>{format_datetime(self.built, usegmt=True)}</lastBuildDate><ttl>5</ttl>"
            + "".join(items) + "</channel></rss>"
        )
        return Resource(body.encode("utf-8"), RSS_TYPE)

    def atom(self, name: str, days_ago: Any) -> Resource:
        """An RSSHub ``.atom`` route: ISO 8601 dates with +08:00."""
        entries = []
        for n, ago in enumerate(days_ago):
            stamp = self.when(ago).replace(tzinfo=CST).isoformat()
            link = f"https://weibo.com/3404210001/J{n:08d}"
            entries.append(
                f"<entry><title>{escape(self.title(name))}</title><link href=\"{link}\"/><id>{link}</id>"
                f"<published>{stamp}</published><updated>{stamp}</updated>"
                f"<content type=\"html\"><![CDATA[<p>{n}</p>]]></content><author><name>{name}</name></author></entry>"
            )
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>{name}的微博</title><link href=\"https://weibo.com/3404210001/\"/>"
            f"<id>https://weibo.com/3404210001/</id><updated>{self.built.isoformat()}</updated>"
            "<generator>RSSHub</generator>" + "".join(entries) + "</feed>"
        )
        return Resource(body.encode("utf-8"), ATOM_TYPE)

    def weibo_pages(self, route: str, name: str) -> dict[str, Resource]:
        """Weibo card API pages 1-3 in every created_at form, then the "no more" answer."""
        ref = datetime.combine(self.as_of, time(23, 59, 59))
        pinned = datetime(self.as_of.year, 1, 5, 10, 0)
        page1 = [(_full(pinned), True), ("刚刚", False), ("5分钟前", False), ("3小时前", False),
                 ("昨天 08:19", False)]
        page2 = [(self.when(d).strftime("%m-%d") if (ref - timedelta(days=d)).year == ref.year
                  else self.when(d).strftime("%Y-%m-%d"), False) for d in range(2, 16, 2)]
        page3 = [(_full(self.when(d)) if d % 2 else self.when(d).strftime("%Y-%m-%d"), False)
                 for d in range(16, 46, 3)]
        out = {}
        for page, posts in enumerate((page1, page2, page3), start=1):
            cards: list[dict[str, Any]] = []
            for n, (created, top) in enumerate(posts):
                mid = f"44{page}{n:013d}"
                mblog: dict[str, Any] = {
                    "created_at": created, "id": mid, "mid": mid, "bid": f"I{page}{n:07d}",
                    "text": f"{escape(self.title(name))} <a href=\"/search?q=%23{page}\">#淮南#</a>",
                    "source": "微博 weibo.com", "reposts_count": n, "comments_count": 2 * n,
                    "user": {"id": 5512345678, "screen_name": name},
                }
                if top:
                    mblog.update(isTop=1, title={"text": "置顶", "base_color": 1})
                cards.append({"card_type": 9, "itemid": f"1076035512345678_-_{mid}",
                              "scheme": f"https://m.weibo.cn/status/{mblog['bid']}", "mblog": mblog})
            if page == 1:
                cards.append({"card_type": 11, "card_group": [{"card_type": 4, "desc": "查看更多"}]})
            data = {"ok": 1, "data": {"cardlistInfo": {"containerid": "1076035512345678",
                                                       "page": page + 1, "total": 1234},
                                      "cards": cards}}
            out[f"{route}&page={page}"] = _json_resource(data)
        out[f"{route}&page=4"] = _json_resource({"ok": 0, "msg": "这里还没有内容", "data": {"cards": []}})
        return out

    def post_csv(self, name: str, days_ago: Any) -> bytes:
        """A WeChat back-end export of articles, Chinese headers, saved by Excel (UTF-8 BOM)."""
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(["发布时间", "标题", "链接"])
        for n, ago in enumerate(days_ago):
            w.writerow([f"{self.when(ago):%Y-%m-%d %H:%M}", self.title(name),
                        f"https://mp.weixin.qq.com/s/tjazwfw{n:04d}"])
        return buf.getvalue().encode("utf-8-sig")

    def human_messages(self, unit: str, count: int, open_days: tuple[int, ...] = ()) -> list[dict[str, str]]:
        """``count`` messages answered by people within days, plus unanswered ones ``open_days`` old."""
        questions = ["小区门口路灯不亮，请尽快维修。", "孩子入学需要准备哪些材料？", "公交站台何时恢复？",
                     "医保异地备案怎么办理？", "噪音扰民问题能否处理？", "公租房申请条件是什么？"]
        replies = ["已转相关部门处理，路灯已修复。", "请携带户口簿、房产证明到学校报名。",
                   "站台改造预计本月底完工。", "可通过皖事通APP在线办理异地备案。",
                   "已联系执法部门现场核查并责令整改。", "请参阅住房保障中心公告，符合条件者可申请。"]
        rows = []
        for n, ago in enumerate([*(3 + 3 * k for k in range(count)), *open_days]):
            received = self.when(ago)
            row = {"id": f"M{received:%Y%m%d}{n:03d}", "received": f"{received:%Y-%m-%d %H:%M:%S}",
                   "author": f"网友{self.rng.randrange(1000, 9999)}",
                   "content": questions[n % len(questions)], "reply": "", "reply_time": "",
                   "reply_unit": ""}
            if n < count:
                answered = received + timedelta(days=1, hours=self.rng.randrange(1, 6))
                row.update(reply=replies[n % len(replies)], reply_unit=unit,
                           reply_time=f"{answered:%Y-%m-%d %H:%M:%S}")
            rows.append(row)
        return rows

    def auto_messages(self, unit: str, auto: int, human: int) -> list[dict[str, str]]:
        """Messages answered within seconds by one canned text, plus a few real answers."""
        rows = self.human_messages(unit, human)
        for n in range(auto):
            received = self.when(2 + 2 * n) + timedelta(seconds=self.rng.randrange(60))
            text = AUTO_TEXT.format(unit=unit)
            if n % 3 == 1:
                text = text.replace("！", "!").replace("，感谢", ",感谢")  # same words, other punctuation
            rows.append({"id": f"A{received:%Y%m%d}{n:03d}", "received": f"{received:%Y-%m-%d %H:%M:%S}",
                         "author": f"网友{self.rng.randrange(1000, 9999)}", "content": "请问社保卡补办在哪里办理？",
                         "reply": text,
                         "reply_time": f"{received + timedelta(seconds=3 + n):%Y-%m-%d %H:%M:%S}",
                         "reply_unit": ""})
        return rows

    def messages_csv(self, rows: list[dict[str, str]]) -> bytes:
        buf = io.StringIO()
        w = csv.DictWriter(buf, ["id", "received", "author", "content", "reply", "reply_time", "reply_unit"])
        w.writeheader()
        w.writerows(rows)
        return buf.getvalue().encode("utf-8-sig")

    def messages_json(self, rows: list[dict[str, str]]) -> bytes:
        return json.dumps(rows, ensure_ascii=False, indent=1).encode("utf-8")


def _full(stamp: datetime) -> str:
    """Weibo's full created_at form: "Wed Oct 23 08:19:00 +0800 2019"."""
    days = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    return f"{days[stamp.weekday()]} {months[stamp.month - 1]} {stamp:%d %H:%M:%S} +0800 {stamp.year}"


def _json_resource(data: dict[str, Any]) -> Resource:
    return Resource(json.dumps(data, ensure_ascii=False).encode("utf-8"), JSON_TYPE)


def _malformed(name: str) -> Resource:
    """A feed cut off mid-way (an RSSHub instance that died while writing it)."""
    body = ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
            f"<title><![CDATA[{name}的微博]]></title><item><title><![CDATA[{name}：秋季流感疫苗接种")
    return Resource(body.encode("utf-8"), RSS_TYPE)
