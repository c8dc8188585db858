#!/usr/bin/env python3
"""Crawl benchmark (issue 2): govinspect scan against LinkChecker 10.x on one static site.

    python bench/crawl.py --pages 20000 --threads 10 [--sizes 2000,20000] [--skip-linkchecker]

For every size it
  1. writes a static site of about ``pages`` HTML pages with ~1.5 % broken links to
     bench/_work/site-<pages>/ (reused when it is already there with the same parameters),
     and its ground truth (the broken link targets) next to it;
  2. serves it with nginx on a free 127.0.0.1 port, ``add_header LinkChecker allow always``
     so that LinkChecker lifts its own per-host rate limit, access_log off;
  3. runs ``govinspect scan URL --json --no-external --per-host N --delay 0`` and
     ``linkchecker`` with ``threads=N`` and ``maxrequestspersecond`` raised, each as a
     subprocess, measuring wall time and peak RSS of its process tree;
  4. compares the broken link targets each tool reports with the ground truth and with
     each other.
It prints a table and writes bench/RESULTS.md. nginx is always stopped at the end.

The site comes from the project's ``govinspect.demo.bigsite.build_big_site`` written out by
``govinspect.demo.static.write_static`` when they import (``--generator auto``, the default),
else (or with ``--generator bench``) from this script's own streaming generator, which depends
on no govinspect code. bench/RESULTS.md describes the method and keeps every run.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import platform
import random
import re
import resource
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WORK = HERE / "_work"
RESULTS = HERE / "RESULTS.md"
NOTE_EVERY = float(os.environ.get("BENCH_NOTE_EVERY", "30"))  # seconds between progress lines
GEN_VERSION = 3  # bump when the generated site changes; cached sites are rebuilt

# --------------------------------------------------------------------------------------
# Site generator: a TRS-style county government portal, written file by file.
# --------------------------------------------------------------------------------------

SITE_NAME = "青山县人民政府"
SITE_UNIT = "青山县人民政府办公室"
SITE_CODE = "3415250001"

# (path, name, category, weight, stale) -- weight is the share of articles.
COLUMNS: list[tuple[str, str, str, float, bool]] = [
    ("xwdt/zwyw", "政务要闻", "news", 0.16, False),
    ("xwdt/bmdt", "部门动态", "news", 0.16, False),
    ("xwdt/xzdt", "乡镇动态", "news", 0.14, False),
    ("xwdt/tzgg", "通知公告", "notice", 0.10, False),
    ("zwgk/zcwj", "政策文件", "policy", 0.08, False),
    ("zwgk/zcjd", "政策解读", "policy", 0.05, False),
    ("zwgk/rsxx", "人事信息", "personnel", 0.05, False),
    ("zwgk/ghjh", "规划计划", "plan", 0.03, True),
    ("zwgk/czzj", "财政资金", "other", 0.06, False),
    ("zwgk/jyta", "建议提案办理", "other", 0.04, False),
    ("hdjl/zxft", "在线访谈", "other", 0.03, True),
    ("bsfw/bszn", "办事指南", "other", 0.06, False),
    ("ztzl/tpgj", "脱贫攻坚", "other", 0.04, True),
]
SECTIONS = [("xwdt", "新闻动态"), ("zwgk", "政府信息公开"), ("hdjl", "互动交流"),
            ("bsfw", "政务服务"), ("ztzl", "专题专栏")]
EXTERNAL = [
    ("http://www.gov.cn/", "中国政府网"), ("http://www.ah.gov.cn/", "安徽省人民政府"),
    ("http://www.anqing.gov.cn/", "安庆市人民政府"), ("http://www.ahzwfw.gov.cn/", "安徽政务服务网"),
    ("http://www.12371.cn/", "共产党员网"), ("https://www.12377.cn/", "中国互联网违法和不良信息举报中心"),
]
TOPICS = ["安全生产", "大气污染防治", "优化营商环境", "乡村振兴", "脱贫攻坚", "河长制", "防汛抗旱",
          "秸秆禁烧", "消防安全", "食品安全", "招商引资", "重点项目建设", "“放管服”改革", "民生工程",
          "城市管理", "生活垃圾分类", "就业创业", "社会救助", "老旧小区改造", "农村人居环境整治",
          "政务公开", "信访工作", "森林防火", "耕地保护", "根治欠薪", "义务教育均衡发展", "家庭医生签约服务"]
TOWNS = ["城关镇", "梅城镇", "源潭镇", "余井镇", "王家河镇", "黄铺镇", "黄泥镇", "槎水镇", "水吼镇",
         "天柱山镇", "油坝乡", "官庄镇"]
ORGS = ["县发展改革委", "县教育局", "县财政局", "县人社局", "县自然资源局", "县生态环境分局", "县住建局",
        "县交通运输局", "县农业农村局", "县水利局", "县卫生健康委", "县应急管理局", "县市场监管局"]
TITLE_FORMS = {
    "news": ["{place}召开{topic}工作推进会", "{org}开展{topic}专项行动", "{town}扎实推进{topic}工作",
             "县领导调研{topic}工作", "{org}召开{year}年第{n}次党组（扩大）会议",
             "{place}{topic}工作取得阶段性成效", "{org}组织收听收看全省{topic}电视电话会议"],
    "notice": ["关于开展{year}年{topic}专项检查的通知", "关于公开征求《青山县{topic}实施方案（征求意见稿）》意见的公告",
               "青山县{year}年{topic}项目公示", "关于做好{year}年{topic}工作的通知"],
    "policy": ["青山县人民政府关于印发青山县{topic}实施方案的通知", "青山县人民政府办公室关于进一步加强{topic}工作的意见",
               "《青山县{topic}实施方案》政策解读", "图解：青山县{topic}三年行动计划"],
    "personnel": ["青山县{year}年公开招聘{post}公告", "青山县{year}年公开招聘{post}拟聘用人员公示",
                  "关于{name}等同志任免职务的通知"],
    "plan": ["青山县{year}年{topic}工作要点", "{org}{year}年工作总结及{next}年工作计划"],
    "other": ["{org}{year}年{topic}资金分配情况公开", "{place}{topic}工作情况汇报",
              "关于县政协{n}号提案的答复", "{topic}办事指南"],
}
POSTS = ["中小学教师", "事业单位工作人员", "社区工作者", "乡镇卫生院专业技术人员", "政府专职消防员"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = ["建国", "文华", "志强", "海燕", "立新", "晓东", "国庆", "红梅", "宏伟", "玉兰", "德明", "振华"]
SENTENCES = [
    "会议传达学习了上级有关文件精神，听取了各单位工作开展情况汇报，研究部署下一阶段重点工作。",
    "会议强调，各级各部门要提高政治站位，压实工作责任，确保各项任务落到实处、取得实效。",
    "要坚持问题导向，聚焦薄弱环节，建立问题清单、任务清单、责任清单，逐项销号、闭环管理。",
    "要加强统筹协调，形成工作合力，定期调度推进情况，对工作不力的单位和个人严肃问责。",
    "要广泛开展宣传引导，营造全社会共同参与的良好氛围，切实提高群众知晓率和满意度。",
    "截至目前，全县累计排查各类隐患问题一百余处，已整改到位九成以上，其余问题正在加快整改。",
    "下一步，我县将持续巩固提升工作成效，建立健全长效机制，推动各项工作再上新台阶。",
    "此次活动共发放宣传资料三千余份，现场解答群众咨询二百余人次，受到群众普遍好评。",
    "检查组一行深入企业生产车间、仓储区域，详细查看安全管理制度落实情况和隐患整改台账。",
    "本方案自印发之日起施行，由县有关部门负责解释，执行过程中如遇问题请及时反馈。",
]


@dataclass
class Article:
    col: int
    aid: int
    day: date
    title: str
    attachments: list[str] = field(default_factory=list)  # file names in the month folder

    @property
    def month(self) -> str:
        return f"{self.day:%Y%m}"

    @property
    def name(self) -> str:
        return f"t{self.day:%Y%m%d}_{self.aid}.html"

    @property
    def path(self) -> str:
        return f"/{COLUMNS[self.col][0]}/{self.month}/{self.name}"


def _total_pages(articles: int) -> tuple[int, list[int]]:
    """HTML pages of a site with ``articles`` articles: home + list pages + articles."""
    weights = [c[3] for c in COLUMNS]
    total_w = sum(weights)
    per_col = [max(1, int(articles * w / total_w)) for w in weights]
    per_col[0] += articles - sum(per_col)
    lists = sum((n + 19) // 20 for n in per_col)
    return 1 + len(SECTIONS) + lists + articles, per_col


def plan_counts(pages: int) -> list[int]:
    """Articles per column so that the site has ``pages`` HTML pages (or one or two more)."""
    lo, hi = 1, pages
    while lo < hi:
        mid = (lo + hi) // 2
        if _total_pages(mid)[0] >= pages:
            hi = mid
        else:
            lo = mid + 1
    return _total_pages(lo)[1]


def _title(rng: random.Random, category: str, year: int) -> str:
    form = rng.choice(TITLE_FORMS[category])
    return form.format(
        place=rng.choice(["我县", "青山县", "县政府"]), topic=rng.choice(TOPICS), org=rng.choice(ORGS),
        town=rng.choice(TOWNS), year=year, next=year + 1, n=rng.randint(1, 30), post=rng.choice(POSTS),
        name=rng.choice(SURNAMES) + rng.choice(GIVEN),
    )


def _rel(from_path: str, to_path: str) -> str:
    """Relative href from page ``from_path`` to ``to_path`` (both site paths), TRS style."""
    src = from_path.split("/")[1:-1]
    dst = to_path.split("/")[1:]
    i = 0
    while i < len(src) and i < len(dst) - 1 and src[i] == dst[i]:
        i += 1
    ups = len(src) - i
    rel = "/".join(dst[i:])
    return ("../" * ups + rel) if ups else "./" + rel


class SiteWriter:
    """Writes one site to disk, page by page, and records the ground truth."""

    def __init__(self, root: Path, pages: int, broken_ratio: float, seed: int, as_of: date):
        self.root, self.pages, self.ratio, self.seed, self.as_of = root, pages, broken_ratio, seed, as_of
        self.rng = random.Random(seed)
        self.broken: dict[str, dict[str, Any]] = {}  # path -> {kind, referrers}
        self.redirects_ok = 0
        self.attachments = 0
        self.html_written = 0
        self.bytes_written = 0
        self.html_bytes = 0
        self.next_missing_id = 9_000_000

    # --- plan: articles per column with dates, titles and attachments (small, kept in memory)
    def plan(self) -> list[list[Article]]:
        rng = self.rng
        counts = plan_counts(self.pages)
        aid = 1_520_000
        cols: list[list[Article]] = []
        for ci, n in enumerate(counts):
            stale = COLUMNS[ci][4]
            newest = self.as_of - timedelta(days=rng.randint(200, 400) if stale else rng.randint(0, 6))
            span_days = 365 * 3
            days = sorted((newest - timedelta(days=int(rng.random() ** 1.3 * span_days)) for _ in range(n)),
                          reverse=True)
            days[0] = newest
            arts = []
            for d in days:
                aid += rng.randint(1, 7)
                art = Article(ci, aid, d, _title(rng, COLUMNS[ci][2], d.year))
                if rng.random() < 0.08:
                    for k in range(rng.choice([1, 1, 2])):
                        ext = rng.choice(["pdf", "pdf", "doc", "docx", "xls", "xlsx"])
                        art.attachments.append(f"P0{d:%Y%m%d}{aid % 1000000:06d}{k}.{ext}")
                arts.append(art)
            cols.append(arts)
        return cols

    def write(self) -> dict[str, Any]:
        if self.root.exists():
            shutil.rmtree(self.root)
        self.root.mkdir(parents=True)
        cols = self.plan()
        self._static()
        # One sitewide dead link in every article footer (a removed 网站地图 page): many referrers.
        self.sitewide_dead = "/wzdt/index.html"
        self._home(cols)
        for key, label in SECTIONS:
            self._section(key, label, cols)
        for ci, arts in enumerate(cols):
            self._column(ci, arts)
        for arts in cols:
            for i, art in enumerate(arts):
                self._article(art, arts, i, cols)
        # the sitewide link's referrers are every article: record the count, not the list
        truth = {
            "generator": "bench", "generator_version": GEN_VERSION, "seed": self.seed,
            "broken_ratio": self.ratio, "as_of": self.as_of.isoformat(), "pages_requested": self.pages,
            "html_pages": self.html_written, "articles": sum(len(a) for a in cols),
            "list_pages": self.html_written - 1 - len(SECTIONS) - sum(len(a) for a in cols),
            "attachments": self.attachments, "redirects_ok": self.redirects_ok,
            "bytes": self.bytes_written, "html_bytes": self.html_bytes,
            "broken": [{"path": p, **v} for p, v in sorted(self.broken.items())],
        }
        return truth

    # --- helpers
    def _put(self, path: str, data: bytes | str) -> None:
        target = self.root / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        raw = data.encode("utf-8") if isinstance(data, str) else data
        target.write_bytes(raw)
        self.bytes_written += len(raw)
        if path.endswith(".html"):
            self.html_bytes += len(raw)

    def _add_broken(self, path: str, kind: str, referrer: str | None) -> None:
        entry = self.broken.setdefault(path, {"kind": kind, "referrers": [], "referrer_count": 0})
        entry["referrer_count"] += 1
        if referrer is not None and len(entry["referrers"]) < 20:
            entry["referrers"].append(referrer)

    def _static(self) -> None:
        self._put("/robots.txt", "User-agent: *\nDisallow:\n")
        self._put("/css/style.css", "body{font:14px/1.8 'Microsoft YaHei',SimSun}\n.nav li{float:left}\n" * 40)
        self._put("/js/common.js", "function createPageHTML(n,c,p,e){return;}\n" * 20)
        self._put("/images/logo.png", b"\x89PNG\r\n\x1a\n" + self.rng.randbytes(3000))
        self._put("/images/banner.jpg", b"\xff\xd8\xff\xe0" + self.rng.randbytes(9000))

    def _head(self, title: str, column: str = "", pubdate: str = "") -> str:
        metas = f'<meta name="ColumnName" content="{column}">' if column else ""
        if pubdate:
            metas += f'<meta name="ArticleTitle" content="{title}"><meta name="PubDate" content="{pubdate}">'
        return (
            '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
            '<meta http-equiv="X-UA-Compatible" content="IE=edge">'
            f"<title>{title}_{SITE_NAME}</title>"
            f'<meta name="SiteName" content="{SITE_NAME}"><meta name="SiteIDCode" content="{SITE_CODE}">{metas}'
            '<link rel="stylesheet" href="/css/style.css"><script src="/js/common.js"></script></head>\n<body>\n'
        )

    def _nav(self) -> str:
        parts = ['<div class="top"><a href="/index.html"><img src="/images/logo.png" alt="青山县人民政府"></a>'
                 '<span class="date">今天是</span></div>\n<div class="nav"><ul><li><a href="/index.html">首页</a></li>']
        for key, label in SECTIONS:
            subs = "".join(f'<li><a href="/{c[0]}/index.html">{c[1]}</a></li>' for c in COLUMNS
                           if c[0].startswith(key + "/"))
            parts.append(f'<li><a href="/{key}/index.html">{label}</a><ul class="sub">{subs}</ul></li>')
        parts.append("</ul></div>\n")
        return "".join(parts)

    def _footer(self, sitewide_dead: bool) -> str:
        friends = "".join(f'<a href="{u}" target="_blank">{n}</a>' for u, n in EXTERNAL)
        dead = f'<a href="{self.sitewide_dead}">网站地图</a> | ' if sitewide_dead else ""
        return (
            f'<div class="links">友情链接：{friends}</div>\n<div class="footer"><p>{dead}'
            '<a href="/zwgk/index.html">联系我们</a> | <a href="/index.html">返回首页</a></p>'
            f"<p>主办：{SITE_NAME} 承办：{SITE_UNIT} 网站标识码：{SITE_CODE}</p>"
            '<p><a href="http://beian.miit.gov.cn/" target="_blank">皖ICP备05017834号</a> '
            '<a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=34082502000101" '
            'target="_blank">皖公网安备 34082502000101号</a></p>'
            '<p><a href="http://bszs.conac.cn/sitename?method=show&amp;id=0B2A6C1D2E3F4A5B" target="_blank">'
            '<img src="http://dcs.conac.cn/image/red.png" alt="党政机关"></a></p></div>\n</body></html>\n'
        )

    def _home(self, cols: list[list[Article]]) -> None:
        path = "/index.html"
        body = [self._head("首页"), self._nav(), '<div class="banner"><img src="/images/banner.jpg" alt=""></div>\n']
        for ci, arts in enumerate(cols):
            path_c, name = COLUMNS[ci][0], COLUMNS[ci][1]
            items = "".join(f'<li><a href="{a.path.lstrip("/")}" title="{a.title}">{a.title}</a>'
                            f"<span>{a.day:%m-%d}</span></li>" for a in arts[:7])
            body.append(f'<div class="box"><h3><a href="{path_c}/index.html">{name}</a>'
                        f'<a class="more" href="./{path_c}/index.html">更多&gt;&gt;</a></h3><ul>{items}</ul></div>\n')
        # Section landing pages are the first column of each section (nav links to /xwdt/index.html etc.).
        # A dead 专题 link on the home page (an old campaign that was taken down).
        body.append('<div class="zt"><a href="/ztzl/2018zt/index.html"><img src="/images/banner.jpg" alt="专题"></a></div>\n')
        self._add_broken("/ztzl/2018zt/index.html", "404", path)
        body.append(self._footer(False))
        self._put(path, "".join(body))
        self.html_written += 1

    def _section(self, key: str, label: str, cols: list[list[Article]]) -> None:
        """A section's landing page: its columns with their five latest items."""
        path = f"/{key}/index.html"
        boxes = []
        for ci, arts in enumerate(cols):
            cpath, cname = COLUMNS[ci][0], COLUMNS[ci][1]
            if not cpath.startswith(key + "/"):
                continue
            sub = cpath.split("/", 1)[1]
            items = "".join(f'<li><a href="./{sub}/{a.month}/{a.name}">{a.title}</a><span>{a.day:%Y-%m-%d}</span></li>'
                            for a in arts[:5])
            boxes.append(f'<div class="box"><h3><a href="./{sub}/index.html">{cname}</a></h3><ul>{items}</ul></div>\n')
        html = (self._head(label, label) + self._nav()
                + f'<div class="position">当前位置：<a href="../index.html">首页</a> &gt; {label}</div>\n'
                + "".join(boxes) + self._footer(False))
        self._put(path, html)
        self.html_written += 1

    def _column(self, ci: int, arts: list[Article]) -> None:
        cpath, cname = COLUMNS[ci][0], COLUMNS[ci][1]
        npages = (len(arts) + 19) // 20
        section = cpath.split("/")[0]
        for p in range(npages):
            name = "index.html" if p == 0 else f"index_{p}.html"
            path = f"/{cpath}/{name}"
            chunk = arts[p * 20:(p + 1) * 20]
            items = "".join(
                f'<li><a href="./{a.month}/{a.name}" target="_blank" title="{a.title}">{a.title}</a>'
                f"<span>{a.day:%Y-%m-%d}</span></li>\n" for a in chunk)
            pager = [f"<span>共{npages}页 当前第{p + 1}页</span>", '<a href="index.html">首页</a>']
            if p > 0:
                pager.append(f'<a href="{"index.html" if p == 1 else f"index_{p - 1}.html"}">上一页</a>')
            if p < npages - 1:
                pager.append(f'<a href="index_{p + 1}.html">下一页</a>')
            pager.append(f'<a href="{"index.html" if npages == 1 else f"index_{npages - 1}.html"}">尾页</a>')
            extra = ""
            if p == 0 and ci in (3, 8):  # two list pages link to a removed document: shared broken target
                dead = "/zwgk/201701/W020170105000001.pdf"
                extra = f'<p class="notice">附：<a href="{dead}">往年资料汇编</a></p>'
                self._add_broken(dead, "404", path)
            html = (
                self._head(cname, cname) + self._nav()
                + f'<div class="position">当前位置：<a href="../../index.html">首页</a> &gt; '
                f'<a href="../index.html">{dict(SECTIONS)[section]}</a> &gt; <a href="./index.html">{cname}</a></div>\n'
                + f'<div class="list"><h2>{cname}</h2><ul>\n{items}</ul>{extra}<div class="page">{"".join(pager)}</div></div>\n'
                + self._footer(False)
            )
            self._put(path, html)
            self.html_written += 1

    def _article(self, art: Article, arts: list[Article], i: int, cols: list[list[Article]]) -> None:
        rng = self.rng
        path = art.path
        cpath, cname = COLUMNS[art.col][0], COLUMNS[art.col][1]
        paras = "".join(f"<p>{''.join(rng.sample(SENTENCES, rng.randint(2, 4)))}</p>\n"
                        for _ in range(rng.randint(4, 9)))
        links: list[str] = []
        for fname in art.attachments:
            self._put(f"/{cpath}/{art.month}/{fname}", self._attachment(fname))
            self.attachments += 1
            links.append(f'<p>附件：<a href="./{fname}" target="_blank">{art.title[:12]}.{fname.rsplit(".", 1)[1]}</a></p>')
        related = [arts[j] for j in {rng.randrange(len(arts)) for _ in range(3)} if j != i]
        rel = "".join(f'<li><a href="{_rel(path, r.path)}">{r.title}</a></li>' for r in related)
        if rng.random() < 0.004:  # an old-style URL that nginx redirects to the current one
            other = cols[rng.randrange(len(cols))]
            target = other[rng.randrange(len(other))]
            rel += f'<li><a href="/old{target.path}">{target.title}</a></li>'
            self.redirects_ok += 1
        if rng.random() < self.ratio:
            rel += self._dead_link(art, path)
        prev_next = []
        if i > 0:
            prev_next.append(f'<p>上一篇：<a href="{_rel(path, arts[i - 1].path)}">{arts[i - 1].title}</a></p>')
        if i < len(arts) - 1:
            prev_next.append(f'<p>下一篇：<a href="{_rel(path, arts[i + 1].path)}">{arts[i + 1].title}</a></p>')
        html = (
            self._head(art.title, cname, f"{art.day:%Y-%m-%d} {rng.randint(8, 18):02d}:{rng.randint(0, 59):02d}")
            + self._nav()
            + f'<div class="position">当前位置：<a href="../../../index.html">首页</a> &gt; '
            f'<a href="../index.html">{cname}</a></div>\n'
            + f'<div class="article"><h1>{art.title}</h1><div class="info">发布时间：{art.day:%Y-%m-%d} '
            f"来源：{rng.choice(ORGS)} 浏览次数：<span id=\"count\"></span></div>\n"
            + f'<div class="TRS_Editor">{paras}</div>{"".join(links)}\n'
            + f'<div class="pn">{"".join(prev_next)}</div><div class="related"><h4>相关阅读</h4><ul>{rel}</ul></div>'
            '<div class="tools"><a href="javascript:window.print()">打印本页</a> '
            '<a href="javascript:window.close()">关闭窗口</a> <a href="#top">返回顶部</a></div></div>\n'
            + self._footer(True)
        )
        self._put(path, html)
        self.html_written += 1
        self._add_broken(self.sitewide_dead, "404", None)

    def _dead_link(self, art: Article, path: str) -> str:
        """One link to a target that fails, in a few realistic forms."""
        rng = self.rng
        cpath = COLUMNS[art.col][0]
        self.next_missing_id += rng.randint(1, 9)
        mid = self.next_missing_id
        r = rng.random()
        if r < 0.55:  # a deleted article, linked relatively
            target = f"/{cpath}/{art.month}/t{art.day:%Y%m%d}_{mid}.html"
            href, kind = _rel(path, target), "404"
        elif r < 0.80:  # a missing attachment
            target = f"/{cpath}/{art.month}/P0{art.day:%Y%m%d}{mid}.{rng.choice(['pdf', 'doc', 'xls'])}"
            href, kind = "./" + target.rsplit("/", 1)[1], "404"
        elif r < 0.92:  # a broken dynamic page (application error)
            target = f"/hdjl/wsxf/detail.jsp?id={mid}"
            href, kind = target, "500"
        else:  # an old-style URL that redirects to a page that no longer exists
            target = f"/old/{cpath}/{art.month}/t{art.day:%Y%m%d}_{mid}.html"
            href, kind = target, "404-after-redirect"
        self._add_broken(target, kind, path)
        return f'<li><a href="{href}">相关链接{mid % 1000}</a></li>'

    def _attachment(self, fname: str) -> bytes:
        ext = fname.rsplit(".", 1)[1]
        magic = {"pdf": b"%PDF-1.4\n", "doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
                 "docx": b"PK\x03\x04", "xlsx": b"PK\x03\x04"}[ext]
        return magic + self.rng.randbytes(self.rng.randint(2000, 12000))


def src_hash(sub: str = "") -> str:
    """Short hash of govinspect's source files (under ``sub``): ties figures and caches to a code state."""
    import hashlib

    import govinspect

    pkg = Path(govinspect.__file__).parent / sub
    h = hashlib.sha256()
    for f in sorted(pkg.rglob("*")):
        if f.is_file() and f.suffix in (".py", ".yaml", ".json") and "__pycache__" not in f.parts:
            h.update(str(f.relative_to(pkg)).encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:12]


def build_site(pages: int, ratio: float, seed: int, as_of: date, generator: str,
               style: str = "ul") -> tuple[Path, dict[str, Any]]:
    """The site directory and its truth, built unless an identical one is cached."""
    if generator == "demo":
        try:
            return _build_site(pages, ratio, seed, as_of, "demo", style)
        except Exception as exc:  # the project's generator is under development: fall back, say so
            log(f"govinspect.demo generator failed ({type(exc).__name__}: {exc}); using the bench's own generator")
            root, truth = _build_site(pages, ratio, seed, as_of, "bench", style)
            truth["fallback"] = f"demo generator failed: {type(exc).__name__}: {exc}"[:300]
            return root, truth
    return _build_site(pages, ratio, seed, as_of, generator, style)


def _build_site(pages: int, ratio: float, seed: int, as_of: date, generator: str,
                style: str) -> tuple[Path, dict[str, Any]]:
    code = src_hash("demo") if generator == "demo" else str(GEN_VERSION)
    name = f"site-demo-{style}-{pages}" if generator == "demo" else f"site-bench-{pages}"
    root = WORK / name
    truth_file = WORK / f"{name}.truth.json"
    if truth_file.exists() and root.exists():
        old = json.loads(truth_file.read_text(encoding="utf-8"))
        same = (old.get("generator") == generator and old.get("code") == code
                and old.get("seed") == seed and old.get("broken_ratio") == ratio and old.get("as_of") == as_of.isoformat())
        if same:
            log(f"{root.name}: reusing {root} ({old['html_pages']} HTML pages)")
            return root, old
    t0 = time.monotonic()
    if generator == "demo":
        truth = _build_demo_site(root, pages, ratio, seed, as_of, style)
    else:
        truth = SiteWriter(root, pages, ratio, seed, as_of).write()
    truth["code"] = code
    (WORK / f"{root.name}.truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    log(f"{root.name}: wrote {truth['html_pages']} HTML pages, {truth['attachments']} attachments, "
        f"{len(truth['broken'])} broken targets in {time.monotonic() - t0:.1f}s")
    return root, truth


def demo_available() -> bool:
    try:
        from govinspect.demo.bigsite import build_big_site  # noqa: F401
        from govinspect.demo.static import write_static  # noqa: F401
    except Exception:
        return False
    return True


def _build_demo_site(root: Path, pages: int, ratio: float, seed: int, as_of: date, style: str) -> dict[str, Any]:
    """The project's own generator: govinspect.demo.bigsite.build_big_site + demo.static.write_static."""
    import inspect

    from govinspect.demo.bigsite import build_big_site
    from govinspect.demo.static import write_static

    wanted = {"pages": pages, "broken_ratio": ratio, "seed": seed, "as_of": as_of, "static": True, "style": style}
    params = inspect.signature(build_big_site).parameters
    site = build_big_site(**{k: v for k, v in wanted.items() if k in params})
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    write_static(site, root)
    html = attachments = size = html_bytes = 0
    for f in root.rglob("*"):
        if f.is_file():
            size += f.stat().st_size
            if f.suffix in (".html", ".htm", ".shtml"):
                html += 1
                html_bytes += f.stat().st_size
            elif f.suffix.lower() in (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".wps", ".zip", ".rar"):
                attachments += 1
    internal: dict[str, dict[str, Any]] = {}
    external: dict[str, str] = {}
    for b in sorted(site.truth.broken_links):
        if b.target.startswith("/"):
            e = internal.setdefault(b.target, {"kind": b.kind, "referrers": [], "referrer_count": 0})
            e["referrer_count"] += 1
            if len(e["referrers"]) < 20:
                e["referrers"].append(b.page)
        else:  # other hosts (dead port, unresolvable names): neither tool checks external links here
            external[b.target] = b.kind
    truth = {"generator": "demo", "generator_version": GEN_VERSION, "seed": seed, "broken_ratio": ratio,
             "as_of": as_of.isoformat(), "pages_requested": pages, "html_pages": html,
             "articles": (site.truth.stats or {}).get("articles"), "attachments": attachments,
             "encoding": site.encoding, "style": site.style, "bytes": size, "html_bytes": html_bytes,
             "broken": [{"path": k, **v} for k, v in internal.items()], "broken_external": external}
    return truth


# --------------------------------------------------------------------------------------
# nginx
# --------------------------------------------------------------------------------------

NGINX_CONF = """\
worker_processes {workers};
daemon off;
master_process on;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
    include {mime};
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 65;
    keepalive_requests 1000000;
    client_body_temp_path {work}/nginx-tmp/body;
    proxy_temp_path {work}/nginx-tmp/proxy;
    fastcgi_temp_path {work}/nginx-tmp/fastcgi;
    uwsgi_temp_path {work}/nginx-tmp/uwsgi;
    scgi_temp_path {work}/nginx-tmp/scgi;
    server {{
        listen 127.0.0.1:{port};
        server_name localhost;
        root {root};
        index index.html;
        add_header LinkChecker allow always;
        location ~ \\.jsp$ {{ return 500; }}
        location /old/ {{ rewrite ^/old/(.*)$ /$1 permanent; }}
    }}
}}
"""


def ensure_nginx() -> str:
    exe = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if exe:
        return exe
    if os.geteuid() != 0:
        sys.exit("nginx is not installed; run: sudo apt-get update && sudo apt-get install -y nginx-light")
    log("nginx not found: installing the Debian package nginx-light (apt-get install -y nginx-light)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "nginx-light"], check=True, env=env)
    return shutil.which("nginx") or "/usr/sbin/nginx"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Nginx:
    """nginx in the foreground as a child process serving one directory on 127.0.0.1."""

    def __init__(self, root: Path, workers: int = 1):
        self.root, self.workers = root, workers
        self.proc: subprocess.Popen[bytes] | None = None
        self.port = 0

    def __enter__(self) -> Nginx:
        exe = ensure_nginx()
        mime = "/etc/nginx/mime.types"
        (WORK / "nginx-tmp").mkdir(parents=True, exist_ok=True)
        for _ in range(5):
            self.port = free_port()
            conf = WORK / "nginx.conf"
            conf.write_text(NGINX_CONF.format(workers=self.workers, work=WORK, mime=mime, port=self.port,
                                              root=self.root))
            self.proc = subprocess.Popen([exe, "-p", str(WORK), "-c", str(conf), "-e", str(WORK / "nginx-error.log")],
                                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
            if self._wait_ready():
                log(f"nginx pid {self.proc.pid} serving {self.root} on {self.url}")
                return self
            err = self.proc.stderr.read().decode(errors="replace") if self.proc.poll() is not None else ""
            self.stop()
            log(f"nginx did not start on port {self.port}: {err.strip()[:300]}")
        raise RuntimeError("nginx failed to start (see bench/_work/nginx-error.log)")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def _wait_ready(self) -> bool:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc is None or self.proc.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(self.url, timeout=2) as resp:
                    if resp.status == 200 and resp.headers.get("LinkChecker") == "allow":
                        return True
            except OSError:
                time.sleep(0.1)
        return False

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGQUIT)  # graceful: master stops its workers
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
        log(f"nginx pid {proc.pid} stopped")

    def __exit__(self, *exc: object) -> None:
        self.stop()


# --------------------------------------------------------------------------------------
# Running a tool: wall time and peak RSS
# --------------------------------------------------------------------------------------


@dataclass
class Run:
    tool: str
    cmd: list[str]
    rc: int | None = None
    wall: float = 0.0
    peak_tree_mb: float = 0.0  # psutil: sum of RSS over the process tree, max over samples
    peak_main_mb: float = 0.0  # psutil: RSS of the tool's own process alone, max over samples
    maxrss_mb: float = 0.0  # wait4 ru_maxrss of the main process (kernel's exact peak)
    # This script's own peak RSS when it started the tool: Linux carries the forking process's
    # high-water mark (its peak, not its current RSS: the mm is copied, or shared by vfork, until
    # exec, which folds that mark into the child's ru_maxrss), so a ru_maxrss not above it says
    # nothing about the tool (at 100,000 pages this script peaks at ~270 MB writing the site).
    spawn_rss_mb: float = 0.0
    cpu: float = 0.0  # user + system CPU seconds of the main process and its waited-for children
    cpu_tree: float = 0.0  # cpu plus the last sampled CPU seconds of every other process of its tree
    load: tuple[float, float] = (0.0, 0.0)  # 1-minute load average before and after the run
    timed_out: bool = False
    stdout: Path | None = None
    stderr: Path | None = None

    @property
    def peak_mb(self) -> float:
        if self.maxrss_mb <= self.spawn_rss_mb * 1.02:
            return self.peak_tree_mb
        return max(self.peak_tree_mb, self.maxrss_mb)


def run_measured(tool: str, cmd: list[str], out_dir: Path, timeout: float, env: dict[str, str] | None = None) -> Run:
    """Run ``cmd`` with stdout/stderr to files; poll RSS of its tree; kill it after ``timeout`` seconds."""
    import psutil

    out_dir.mkdir(parents=True, exist_ok=True)
    run = Run(tool, cmd, stdout=out_dir / f"{tool}.stdout", stderr=out_dir / f"{tool}.stderr")
    log(f"running {tool}: {shlex.join(cmd)}")
    load_before = os.getloadavg()[0]
    with open(run.stdout, "wb") as so, open(run.stderr, "wb") as se:
        run.spawn_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        t0 = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=so, stderr=se, stdin=subprocess.DEVNULL, env=env, start_new_session=True)
        ps = psutil.Process(proc.pid)
        peak = 0
        main = 0
        total = 0
        child_cpu: dict[int, float] = {}  # pid -> user+system seconds at its last sample
        last_note = t0
        try:
            while True:
                pid, status, ru = os.wait4(proc.pid, os.WNOHANG)
                if pid == proc.pid:
                    run.wall = time.monotonic() - t0
                    run.rc = os.waitstatus_to_exitcode(status)
                    proc.returncode = run.rc
                    run.maxrss_mb = ru.ru_maxrss / 1024
                    run.cpu = ru.ru_utime + ru.ru_stime
                    break
                with contextlib.suppress(psutil.Error):
                    total = ps.memory_info().rss
                    main = max(main, total)
                    for child in ps.children(recursive=True):
                        with contextlib.suppress(psutil.Error):
                            total += child.memory_info().rss
                            if child.ppid() != proc.pid:  # a direct child is waited for: in ``ru``
                                ct = child.cpu_times()
                                child_cpu[child.pid] = ct.user + ct.system
                    peak = max(peak, total)
                now = time.monotonic()
                if now - t0 > timeout:
                    run.timed_out = True
                    log(f"{tool} exceeded {timeout:.0f}s: killing process group {proc.pid}")
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(proc.pid, signal.SIGKILL)
                    continue
                if now - last_note > NOTE_EVERY:
                    log(f"  {tool}: {now - t0:.0f}s, RSS {total / 2**20:.0f} MB")
                    last_note = now
                time.sleep(0.05)
        except BaseException:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(proc.pid, 0)
            proc.returncode = -9
            raise
    run.peak_tree_mb = peak / 2**20
    run.peak_main_mb = main / 2**20
    # The rusage of the tool's process includes the children it waited for (govinspect's parse
    # workers are its own children since issue 13's pipes); deeper descendants, which it never
    # waits for (a multiprocessing forkserver's children), are sampled (<= 50 ms lost each).
    run.cpu_tree = run.cpu + sum(child_cpu.values())
    run.load = (load_before, os.getloadavg()[0])
    log(f"{tool}: rc={run.rc} wall={run.wall:.1f}s cpu={run.cpu_tree:.1f}s peak RSS={run.peak_mb:.0f} MB")
    return run


# --------------------------------------------------------------------------------------
# URL normalisation shared by both tools' outputs and the truth
# --------------------------------------------------------------------------------------


def norm(url: str) -> str:
    """scheme://host:port/path?query, lower-case host, no fragment, default port dropped."""
    p = urlsplit(url.strip())
    host = (p.hostname or "").lower()
    port = p.port
    netloc = host if port is None or (p.scheme, port) in (("http", 80), ("https", 443)) else f"{host}:{port}"
    return urlunsplit((p.scheme.lower(), netloc, p.path or "/", p.query, ""))


# --------------------------------------------------------------------------------------
# govinspect
# --------------------------------------------------------------------------------------


def byte_compile() -> None:
    """Byte-compile govinspect's modules, as an installed package (and LinkChecker) already is.

    An editable install under ``PYTHONDONTWRITEBYTECODE`` compiles every module from source in
    every process it starts (the crawl process and each parse worker): about 0.3 s each.
    """
    import compileall

    import govinspect

    for root in govinspect.__path__:
        compileall.compile_dir(root, quiet=1)


def govinspect_cmd() -> list[str]:
    exe = shutil.which("govinspect")
    if exe:
        return [exe]
    return [sys.executable, "-c", "import sys; from govinspect.cli import main; sys.argv[0]='govinspect'; main()"]


# How govinspect runs (set from the command line in main()):
# mode "links": the same job as LinkChecker (crawl, check every link): only the availability and
#   link checks, no document download, no spider-view refetch, no HTTPS/IPv6/search probes;
# mode "full": the whole monthly inspection (every check), for information.
GOVINSPECT_MODE: dict[str, Any] = {"modes": ("links", "full"), "parse_workers": None}
GI_TOOLS = {"links": "govinspect-links", "full": "govinspect-full"}
TOOLS = ("govinspect-links", "govinspect-full", "linkchecker")
LINKS_ONLY = "attachments: false\ncloak_sample: 0\ntransport_probes: false\nsearch_probe: false\n"


def govinspect_scan(url: str, n: int, pages: int, as_of: date, out: Path, timeout: float,
                    mode: str = "links") -> list[str]:
    """The scan command line (and its config file, written to ``out``)."""
    cfg = out / f"govinspect-{mode}.yaml"
    out.mkdir(parents=True, exist_ok=True)
    # Limits (not politeness) raised so that the whole site fits: LinkChecker has none.
    text = f"site_budget: {int(timeout)}\nmax_link_checks: {max(20000, pages * 3)}\nmax_depth: 1000\n"
    # The trap guard's 60 query strings per path cut the download.jsp?filename=... links of sites
    # past ~40,000 pages (150 of 1,266 broken targets at 100,000 pages): raised like the others.
    text += f"max_query_variants: {max(60, pages)}\n"
    if GOVINSPECT_MODE["parse_workers"] is not None:  # else the project's default (sized to the machine)
        text += f"parse_workers: {GOVINSPECT_MODE['parse_workers']}\n"
    extra: list[str] = []
    if mode == "links":
        text += LINKS_ONLY
        extra = ["--checks", "availability,links"]
    cfg.write_text(text)
    return govinspect_cmd() + [
        "scan", url, "--json", "--as-of", as_of.isoformat(), "--max-pages", str(max(30000, int(pages * 1.5))),
        "--per-host", str(n), "--delay", "0", "--no-external", "--config", str(cfg), *extra,
    ]


def run_govinspect(url: str, n: int, pages: int, as_of: date, out: Path, timeout: float,
                   mode: str = "links") -> dict[str, Any]:
    cmd = govinspect_scan(url, n, pages, as_of, out, timeout, mode)
    run = run_measured(GI_TOOLS[mode], cmd, out, timeout)
    res: dict[str, Any] = {"run": run, "ok": False, "broken": set(), "pages": None, "links_checked": None,
                           "error": None}
    try:
        doc = json.loads(run.stdout.read_text(encoding="utf-8"))
        site = doc["sites"][0]
        res["pages"] = site.get("pages_crawled")
        res["links_checked"] = (site.get("stats") or {}).get("links_checked")
        res["findings"] = {}
        for f in site.get("findings", []):
            res["findings"][f["code"]] = res["findings"].get(f["code"], 0) + 1
            if f["code"] == "link.broken":
                res["broken"].add(norm(f["evidence"]["target"]))
            # A crawl that could not finish is an error; a check that found nothing to look at
            # (evidence.check: e.g. no message board on the benchmark site) is not.
            if f["code"] == "crawl.incomplete" and "check" not in f.get("evidence", {}):
                res["error"] = f.get("evidence", {}).get("error")
        res["ok"] = run.rc == 0 and res["error"] is None
    except Exception as exc:  # no JSON: the scan failed; keep stderr's tail for the report
        tail = run.stderr.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-15:]
        res["error"] = f"{type(exc).__name__}: {exc}; rc={run.rc}; stderr tail:\n" + "\n".join(tail)
    return res


# --------------------------------------------------------------------------------------
# LinkChecker
# --------------------------------------------------------------------------------------

LINKCHECKER_RC = """\
[checking]
threads={threads}
timeout=30
recursionlevel=-1
# per-host rate limit lifted; takes effect because nginx answers with a LinkChecker header
maxrequestspersecond=1000000

[filtering]
checkextern=0

[output]
status=0
warnings=0
"""


def linkchecker_cmd() -> list[str]:
    exe = shutil.which("linkchecker")
    if exe:
        return [exe]
    sys.exit("LinkChecker is not installed: pip install -e '.[bench]' (or pip install 'linkchecker==10.6.0')")


def run_linkchecker(url: str, n: int, out: Path, timeout: float) -> dict[str, Any]:
    out.mkdir(parents=True, exist_ok=True)
    # LinkChecker drops root privileges to 'nobody' (seteuid): its output folder must be writable to it.
    out.chmod(0o777)
    rc = out / "linkcheckerrc"
    rc.write_text(LINKCHECKER_RC.format(threads=n))
    rc.chmod(0o644)
    csv_out = out / "linkchecker.csv"
    with contextlib.suppress(FileNotFoundError):
        csv_out.unlink()
    home = out / "home"
    home.mkdir(exist_ok=True)
    home.chmod(0o777)
    env = {**os.environ, "HOME": str(home)}
    # Its ordinary (non-verbose) mode: the text report (errors + statistics) on stdout, errors as CSV.
    cmd = linkchecker_cmd() + ["-f", str(rc), "--no-status", "-o", "text", "-F", f"csv/utf-8/{csv_out}", url]
    run = run_measured("linkchecker", cmd, out, timeout, env=env)
    res: dict[str, Any] = {"run": run, "ok": False, "broken": set(), "pages": None, "urls": None, "error": None}
    try:
        res.update(parse_linkchecker_csv(csv_out))
        res.update(parse_linkchecker_text(run.stdout))
        res["ok"] = run.rc in (0, 1) and not run.timed_out and res["urls"] is not None  # 1 = invalid links found
    except Exception as exc:
        tail = run.stderr.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-15:]
        res["error"] = f"{type(exc).__name__}: {exc}; rc={run.rc}; stderr tail:\n" + "\n".join(tail)
    return res


def parse_linkchecker_text(path: Path) -> dict[str, Any]:
    """URLs checked and text documents (its own count of pages) from the text report's statistics."""
    text = path.read_text(encoding="utf-8", errors="replace")
    out: dict[str, Any] = {}
    m = re.search(r"That's it\. (\d+) links? in (\d+) URLs? checked", text)
    if m:
        out["urls"] = int(m.group(2))
    m = re.search(r"Content types: (\d+) image, (\d+) text", text)
    if m:
        out["pages"] = int(m.group(2))
    return out


def parse_linkchecker_csv(path: Path) -> dict[str, Any]:
    """Broken targets (as linked: href joined to its parent page) from LinkChecker's CSV log."""
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    rows = list(csv.reader(lines, delimiter=";", quotechar='"'))
    header = rows[0]
    ix = {name: header.index(name) for name in ("urlname", "parentname", "result", "valid", "url")}
    broken: set[str] = set()
    results: dict[str, int] = {}
    for row in rows[1:]:
        if len(row) <= ix["url"] or row[ix["valid"]] == "True":
            continue  # rows with warnings only
        name, parent, result, url = (row[ix[k]] for k in ("urlname", "parentname", "result", "url"))
        target = norm(urljoin(parent, name) if parent else (url or name))
        if not target.startswith("http") or target in broken:
            continue  # javascript: and the like
        broken.add(target)
        key = result.split(" ", 1)[0] if result else "?"
        results[key] = results.get(key, 0) + 1
    return {"broken": broken, "results": results}


# --------------------------------------------------------------------------------------
# Comparison and report
# --------------------------------------------------------------------------------------


def pr(found: set[str], truth: set[str]) -> tuple[float, float]:
    tp = len(found & truth)
    precision = tp / len(found) if found else (1.0 if not truth else 0.0)
    recall = tp / len(truth) if truth else 1.0
    return precision, recall


def log(msg: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {msg}", file=sys.stderr, flush=True)


def machine() -> str:
    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = ""
    with contextlib.suppress(OSError):
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 2**20:.0f} GB RAM"
    nginx_v = subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr.strip() if shutil.which("nginx") else "?"
    try:
        from importlib.metadata import version

        lc = version("linkchecker")
        gi = version("govinspect")
    except Exception:
        lc = gi = "?"
    return (f"{os.cpu_count()} CPUs ({cpu}), {mem}, {platform.platform()}, Python {platform.python_version()}, "
            f"{nginx_v}, LinkChecker {lc}, govinspect {gi}")


def bench_size(pages: int, args: argparse.Namespace) -> dict[str, Any]:
    as_of = date.fromisoformat(args.as_of)
    root, truth = build_site(pages, args.broken_ratio, args.seed, as_of, args.generator, args.style)
    out = WORK / ("run-" + root.name.removeprefix("site-"))
    result: dict[str, Any] = {"pages": pages, "html_pages": truth["html_pages"], "truth_n": len(truth["broken"]),
                              "site": truth}
    with Nginx(root, workers=args.nginx_workers) as server:
        base = server.url
        truth_set = {norm(urljoin(base, b["path"])) for b in truth["broken"]}
        result["truth"] = truth_set
        result["base"] = base
        # With --repeat K the tools alternate K times; the fastest completed run of each is kept
        # (other work on the machine only ever slows a run down), peak RSS is the max over all.
        for k in range(args.repeat):
            if args.repeat > 1:
                log(f"round {k + 1} of {args.repeat}")
            for mode in GOVINSPECT_MODE["modes"]:
                keep_best(result, GI_TOOLS[mode],
                          run_govinspect(base, args.threads, pages, as_of, out, args.tool_timeout, mode))
            if not args.skip_linkchecker:
                keep_best(result, "linkchecker", run_linkchecker(base, args.threads, out, args.tool_timeout))
        if args.profile and pages == args.profile_size:
            result["profile"] = profile_govinspect(base, args.threads, pages, as_of, out, args.tool_timeout)
    return result


def keep_best(result: dict[str, Any], tool: str, new: dict[str, Any]) -> None:
    old = result.get(tool)
    walls = (old["walls"] if old else []) + [round(new["run"].wall, 1)]
    # every run's wall seconds, None for one that did not complete: the rounds' pairs (paired_ratios)
    rounds = (old["rounds"] if old else []) + [new["run"].wall if new["ok"] else None]
    peak = max([new["run"].peak_mb] + ([old["peak_all"]] if old else []))
    main = max([new["run"].peak_main_mb] + ([old["main_all"]] if old else []))
    if old is None or (new["ok"] and (not old["ok"] or new["run"].wall < old["run"].wall)):
        result[tool] = new
    result[tool]["walls"], result[tool]["peak_all"], result[tool]["main_all"] = walls, peak, main
    result[tool]["rounds"] = rounds


def paired_ratios(gi: dict[str, Any], lc: dict[str, Any]) -> list[float]:
    """LinkChecker's wall seconds over the tool's, round by round (with ``--repeat``, each round
    runs the tools one right after the other): the host's drift between rounds, which can hand
    one tool's best run a faster machine than the other's, cancels out of each pair."""
    return [b / a for a, b in zip(gi.get("rounds", []), lc.get("rounds", []), strict=False) if a and b]


def profile_govinspect(url: str, n: int, pages: int, as_of: date, out: Path, timeout: float) -> str:
    """One more govinspect run under py-spy (not timed); the hottest functions as markdown."""
    exe = shutil.which("py-spy")
    if not exe:
        log("--profile needs py-spy: pip install py-spy")
        return "py-spy not installed (pip install py-spy)"
    raw = out / "govinspect.pyspy.txt"
    cmd = [exe, "record", "--rate", "100", "--format", "raw", "--output", str(raw), "--",
           *govinspect_scan(url, n, pages, as_of, out, timeout)]
    run = run_measured("govinspect-py-spy", cmd, out, timeout * 2)
    if not raw.exists():
        return f"py-spy failed (rc={run.rc}), see {run.stderr}"
    return hotspots(raw, run.wall)


def hotspots(raw: Path, wall: float, top: int = 15) -> str:
    """Self and inclusive shares of the busiest functions of the main thread in a py-spy raw profile.

    Only stacks through govinspect's ``main`` count (the main thread: event loop, parsing, SQLite
    calls, checks); idle helper threads (rich's refresher, to_thread workers waiting) are left out.
    """
    own: dict[str, int] = {}
    incl: dict[str, int] = {}
    total = 0
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit() or "govinspect/cli.py" not in stack:
            continue
        n = int(count)
        frames = [f for f in stack.split(";") if "(" in f]
        if not frames:
            continue
        total += n
        own[frames[-1]] = own.get(frames[-1], 0) + n
        for f in set(frames):
            incl[f] = incl.get(f, 0) + n

    def short(f: str) -> str:
        return re.sub(r"\((?:.*/site-packages/|.*/src/|.*/lib/python3\.\d+/)?", "(", f)

    interesting = {f: c for f, c in incl.items() if "govinspect/" in f or "aiohttp" in f or "w3lib" in f
                   or "selectolax" in f or "sqlite" in f}
    busy = f" (main thread busy {min(100, total / wall):.0f}% of the {wall:.0f} s)" if wall else ""
    lines = [f"{total} samples of the main thread at 100 Hz{busy}; % of those samples.", "",
             "Self time (leaf functions):", ""]
    lines += [f"    {100 * c / total:5.1f}%  {short(f)}" for f, c in sorted(own.items(), key=lambda x: -x[1])[:top]]
    lines += ["", "Inclusive time (govinspect, aiohttp, w3lib frames):", ""]
    lines += [f"    {100 * c / total:5.1f}%  {short(f)}"
              for f, c in sorted(interesting.items(), key=lambda x: -x[1])[:top + 10]]
    return "\n".join(lines)


def summarise(r: dict[str, Any]) -> None:
    """Add rates, CPU per page, precision/recall and differences to one size's result."""
    truth = r["truth"]
    for tool in TOOLS:
        t = r.get(tool)
        if not t:
            continue
        run: Run = t["run"]
        t["pps_truth"] = r["html_pages"] / run.wall if run.wall and t["ok"] else None
        t["pps_own"] = (t["pages"] / run.wall) if (t["pages"] and run.wall) else None
        t["cpu_ms"] = 1000 * run.cpu_tree / r["html_pages"] if t["ok"] else None
        t["precision"], t["recall"] = pr(t["broken"], truth)
        t["missed"] = sorted(truth - t["broken"])
        t["extra"] = sorted(t["broken"] - truth)
    lc = r.get("linkchecker")
    r["speedup"], r["cpu_speedup"] = {}, {}
    for tool in GI_TOOLS.values():
        gi = r.get(tool)
        if not (gi and lc):
            continue
        r.setdefault("only_gi", {})[tool] = sorted(gi["broken"] - lc["broken"])
        r.setdefault("only_lc", {})[tool] = sorted(lc["broken"] - gi["broken"])
        if gi.get("pps_truth") and lc.get("pps_truth"):
            r["speedup"][tool] = gi["pps_truth"] / lc["pps_truth"]
            if gi["run"].cpu_tree and lc["run"].cpu_tree:  # CPU per page: less sensitive to other load
                r["cpu_speedup"][tool] = lc["run"].cpu_tree / gi["run"].cpu_tree


def fmt(v: Any, spec: str = ".1f") -> str:
    if v is None:
        return "-"
    return format(v, spec) if isinstance(v, float) else str(v)


def walls(t: dict[str, Any]) -> str:
    """The kept run's wall seconds, and every run's when repeated."""
    w = f"{t['run'].wall:.1f}"
    return w + (f" (runs: {', '.join(map(str, t['walls']))})" if len(t.get("walls", [])) > 1 else "")


def table(results: list[dict[str, Any]]) -> str:
    head = ("| pages (HTML) | tool | rc | wall s | pages/s (site) | pages/s (own count) | own pages | own URLs | "
            "CPU s (tree) | CPU ms/page | load 1m | peak RSS MB | main process MB | broken found | precision | recall |")
    rows = [head, "|" + "---|" * 16]
    for r in results:
        for tool in TOOLS:
            t = r.get(tool)
            if not t:
                continue
            run: Run = t["run"]
            own_urls = t.get("urls") if tool == "linkchecker" else (
                (t["pages"] or 0) + (t["links_checked"] or 0) if t["pages"] is not None else None)
            rows.append(
                f"| {r['html_pages']} | {tool} | {run.rc}{' (timeout)' if run.timed_out else ''} | {walls(t)} | "
                f"{fmt(t['pps_truth'])} | {fmt(t['pps_own'])} | {fmt(t['pages'])} | {fmt(own_urls)} | "
                f"{run.cpu_tree:.1f} | {fmt(t['cpu_ms'], '.2f')} | {run.load[0]:.1f}-{run.load[1]:.1f} | "
                f"{t.get('peak_all', run.peak_mb):.0f} | {t.get('main_all', run.peak_main_mb):.0f} | "
                f"{len(t['broken'])} / {len(r['truth'])} | "
                f"{t['precision']:.3f} | {t['recall']:.3f} |")
    return "\n".join(rows)


# Issue 13's targets: pages/s against LinkChecker's, peak RSS against LinkChecker's.
SPEED_TARGET = {"govinspect-links": 15.0, "govinspect-full": 10.0}
RSS_TARGET = {"govinspect-links": 1.0, "govinspect-full": 2.0}


def verdicts(results: list[dict[str, Any]], args: argparse.Namespace) -> list[str]:
    out = []
    big = max(results, key=lambda r: r["html_pages"])
    lc = big.get("linkchecker")
    n = big["html_pages"]
    for tool in GI_TOOLS.values():
        gi = big.get(tool)
        if not gi:
            continue
        ratio = big.get("speedup", {}).get(tool)
        if ratio is not None:
            goal = SPEED_TARGET[tool]
            out.append(f"- speed, {tool}: pages/s / LinkChecker's at {n} pages = **{ratio:.2f}x** (target >= {goal:g}x): "
                       f"{'MET' if ratio >= goal else 'NOT MET'}; by CPU seconds of the process trees "
                       f"{fmt(big['cpu_speedup'].get(tool), '.2f')}x; CPU {fmt(gi['cpu_ms'], '.2f')} ms/page vs "
                       f"LinkChecker's {fmt(lc['cpu_ms'] if lc else None, '.2f')} ms/page")
            pairs = sorted(paired_ratios(gi, lc)) if lc else []
            if len(pairs) >= 2:
                out[-1] += (f"; round by round (the tools one right after the other): median "
                            f"{statistics.median(pairs):.2f}x, {pairs[0]:.2f}-{pairs[-1]:.2f}x")
        else:
            out.append(f"- speed, {tool}: no ratio (a tool did not complete or LinkChecker was skipped)")
        mb = gi.get("peak_all", gi["run"].peak_mb)
        if lc and gi["ok"] and lc["ok"]:
            lmb = lc.get("peak_all", lc["run"].peak_mb)
            goal = RSS_TARGET[tool]
            own = gi.get("main_all", gi["run"].peak_main_mb)
            out.append(f"- memory, {tool}: peak RSS of the process tree {mb:.0f} MB vs LinkChecker's {lmb:.0f} MB "
                       f"(x{mb / lmb:.2f}; target <= x{goal:g}): {'MET' if mb <= goal * lmb else 'NOT MET'}; "
                       f"its crawl process alone {own:.0f} MB (x{own / lmb:.2f})")
        else:
            out.append(f"- memory, {tool}: peak RSS of the process tree {mb:.0f} MB")
        if lc:
            same = not big.get("only_gi", {}).get(tool) and not big.get("only_lc", {}).get(tool)
            diff = len(big.get("only_gi", {}).get(tool, [])) + len(big.get("only_lc", {}).get(tool, []))
            out.append(f"- broken links, {tool}: {len(gi['broken'])}, LinkChecker {len(lc['broken'])}, truth "
                       f"{len(big['truth'])}; symmetric difference {diff}: {'MET (same set)' if same else 'NOT MET'}")
        runs = [(r["html_pages"], r[tool].get("peak_all", r[tool]["run"].peak_mb))
                for r in results if r.get(tool, {}).get("ok")]
        if len(runs) >= 2:
            (p1, m1), (p2, m2) = runs[0], runs[-1]
            out.append(f"- memory flatness, {tool}: peak RSS {m1:.0f} MB at {p1} pages vs {m2:.0f} MB at {p2} pages "
                       f"(x{m2 / m1:.2f} for x{p2 / p1:.0f} pages; target <= x1.20): "
                       f"{'MET' if m2 <= 1.2 * m1 else 'NOT MET'}")
    return out


def diffs(results: list[dict[str, Any]]) -> str:
    lines = []
    for r in results:
        base = r["base"]

        def short(u: str, base: str = base) -> str:
            return u[len(base) - 1:] if u.startswith(base) else u

        def some(urls: list[str]) -> str:
            return ", ".join(f"`{short(u)}`" for u in urls[:8]) + (" ..." if len(urls) > 8 else "")

        for tool in TOOLS:
            t = r.get(tool)
            if not t:
                continue
            if t.get("error"):
                lines.append(f"- {r['html_pages']} pages, {tool} failed: `{t['error'].splitlines()[0][:300]}`")
            if t["missed"]:
                lines.append(f"- {r['html_pages']} pages, {tool} missed {len(t['missed'])}: {some(t['missed'])}")
            if t["extra"]:
                lines.append(f"- {r['html_pages']} pages, {tool} reported {len(t['extra'])} not in the truth: "
                             f"{some(t['extra'])}")
        for key, label in (("only_gi", "only {tool}"), ("only_lc", "only LinkChecker (vs {tool})")):
            for tool, urls in r.get(key, {}).items():
                if urls:
                    lines.append(f"- {r['html_pages']} pages, {label.format(tool=tool)}: {len(urls)}: {some(urls)}")
    return "\n".join(lines) if lines else "- none: every tool found exactly the ground-truth set."


PREAMBLE = """\
# Crawl benchmark: govinspect vs LinkChecker

Produced by `bench/crawl.py` (issues 2 and 13); each run adds a section below, newest first.
Reproduce: `pip install -e '.[bench]'`, then `python bench/crawl.py --sizes 2000,20000 --threads 10`
(as root it installs nginx-light with apt when missing); the second markup family:
`python bench/crawl.py --generator bench --sizes 3000`. Since issue 13 every run times three tools
one after the other on the same site: `govinspect-links` (LinkChecker's job), `govinspect-full` (the
whole monthly inspection) and `linkchecker`. Method:

- **Site**: a static county portal of about N HTML pages written to `bench/_work/site-*-N/`.
  Generator `demo` (the default) is the project's own
  `govinspect.demo.bigsite.build_big_site(pages, broken_ratio, seed, static=True, style="ul")`
  written by `govinspect.demo.static.write_static`: JCMS-like column lists with plain `<a>`
  pagers, articles, attachments and images, ~1.5 % of articles with a dead link (deleted
  articles and attachments, a download `.jsp` answering 500, plus dead external links).
  Style `trs` is not used for the comparison: it paginates with `createPageHTML(...)`
  JavaScript as real TRS sites do, which govinspect follows and LinkChecker cannot (LinkChecker
  then sees ~11 % of the site). Generator `bench` is this script's own streaming generator
  (UTF-8, heavier pages, 13 columns with 20-item lists, prev/next and related links, ~8 % of
  articles with attachments, `/old/...` URLs that 301, ~1.5 % of articles with a dead link:
  deleted article, missing attachment, a `.jsp` answering 500, an `/old/` URL redirecting to a
  missing page; plus one dead link on the home page, one dead attachment linked from two list
  pages and one dead footer link on every article). The ground truth is the set of internal
  broken targets as absolute URLs (external dead links are not checked by either tool here).
- **Server**: nginx (Debian) on 127.0.0.1, `worker_processes 1`, `access_log off`, no charset
  header (pages declare it), `add_header LinkChecker allow always` (so that LinkChecker honours
  a raised `maxrequestspersecond`), `*.jsp` answers 500, `/old/x` 301s to `/x`.
- **Like with like**: same site, same server, same run, one tool after the other (with
  `--repeat K` alternating K times, the fastest run of each kept, and each speed line also
  gives the ratios round by round, each tool right after the other: their median and range, in
  which the host's drift between rounds cancels out); `N` connections
  per host on both sides (govinspect `--per-host N --delay 0`; LinkChecker `threads=N`,
  `maxrequestspersecond=1000000`); neither checks external links (govinspect `--no-external`,
  LinkChecker's default `checkextern=0`). govinspect gets a config raising its own *limits*
  (`site_budget`, `max_link_checks`, `max_depth`) so that the whole site fits, as LinkChecker has
  none. LinkChecker runs in its ordinary (non-verbose) mode: text report on stdout, errors also
  to a CSV file; run as root, it drops to user nobody by itself. govinspect's modules are
  byte-compiled before the runs (`compileall`), as an installed package and LinkChecker's are:
  with `PYTHONDONTWRITEBYTECODE` set an editable install would compile them in every process.
- **Figures**: wall seconds of the tool's process; pages/s (site) = HTML pages of the site / wall
  seconds (only for a completed run); pages/s (own count) = the tool's own page count (govinspect
  `pages_crawled`; LinkChecker: the `text` documents in its statistics, i.e. HTML pages plus the
  style sheet) / wall seconds; own URLs = govinspect `pages_crawled + links_checked`, LinkChecker
  "N URLs checked".
  CPU s (tree) = user+system seconds of the tool's process and its waited-for children
  (govinspect's parse workers), plus the last sampled CPU seconds of any deeper descendant it
  never waits for; CPU ms/page = CPU s (tree) / HTML pages of the site (steadier than wall time
  when other work shares the machine);
  load 1m = the machine's 1-minute load average before and after the run (other work on the
  machine slows a run down). Peak RSS = max over 50 ms samples of the summed RSS of the tool's
  process tree (psutil), or the kernel's `ru_maxrss` of the main process when larger and above
  this script's own RSS at the tool's start (Linux carries a forking process's RSS into the
  child's `ru_maxrss`: at 100,000 pages the script's site data made both modes read 272 MB); main
  process MB = max over the same samples of the tool's own process alone (govinspect's crawl
  process without its parse workers; LinkChecker is one process, so the two columns agree). Broken
  targets are compared after the same normalisation (lower-case host, no default port, no
  fragment); LinkChecker's targets are its `urlname` joined to `parentname` (the link as written,
  not the URL after redirects).
"""
NOTES_OPEN, NOTES_CLOSE, RUNS = "<!-- notes -->\n", "<!-- /notes -->\n", "<!-- runs below -->\n"


def site_line(r: dict[str, Any]) -> str:
    t = r["site"]
    extra = f", fallback: {t['fallback']}" if t.get("fallback") else ""
    avg = f", {t['html_bytes'] / max(1, t['html_pages']) / 1024:.1f} KB per HTML page" if t.get("html_bytes") else ""
    gen = f"demo, style {t.get('style')}" if t["generator"] == "demo" else "bench"
    return (f"- site {r['html_pages']} HTML pages: generator {gen} ({t.get('encoding', 'utf-8')}"
            f"{avg}), {t.get('attachments', '?')} attachments, {len(t['broken'])} internal broken targets"
            f"{', ' + str(len(t.get('broken_external') or {})) + ' external ones not checked' if t.get('broken_external') else ''}"
            f"{extra}")


def write_results(results: list[dict[str, Any]], args: argparse.Namespace, started: datetime, cmdline: str) -> None:
    section = [
        f"## Run {started:%Y-%m-%d %H:%M}",
        "",
        f"- command: `{cmdline}`",
        f"- machine: {machine()}",
        f"- govinspect source hash {src_hash()} (sha256 of src/govinspect/**/*.py, *.yaml, *.json)",
        f"- seed {args.seed}; broken ratio {args.broken_ratio}; as-of {args.as_of}; "
        f"N = {args.threads} connections per host",
        f"- govinspect modes `{args.mode}`: `govinspect-links` does LinkChecker's job (`--checks "
        "availability,links`, no document download, no spider-view refetch, no HTTPS/IPv6/search probes); "
        "`govinspect-full` is the whole monthly inspection (every check, documents read, probes); "
        + ("parse_workers: the project default (sized to the machine above parse_workers_threshold pages)"
           if args.parse_workers is None else f"parse_workers {args.parse_workers}"),
        *[site_line(r) for r in results],
        "",
        table(results),
        "",
        "Targets:",
        "",
        *verdicts(results, args),
        "",
        "Differences from the ground truth and between the tools:",
        "",
        diffs(results),
        "",
    ]
    for r in results:
        if r.get("profile"):
            section += [f"govinspect profile at {r['html_pages']} pages (py-spy, a separate untimed run):", "",
                        "```", r["profile"], "```", ""]
    # Runs accumulate newest first; a hand-written block between the notes markers is kept.
    old_runs, notes = "", ""
    if RESULTS.exists():
        text = RESULTS.read_text(encoding="utf-8")
        if RUNS in text:
            old_runs = text.split(RUNS, 1)[1].lstrip("\n")
        if NOTES_OPEN in text and NOTES_CLOSE in text:
            notes = text.split(NOTES_OPEN, 1)[1].split(NOTES_CLOSE, 1)[0]
    doc = (PREAMBLE + "\n" + NOTES_OPEN + notes + NOTES_CLOSE + "\n" + RUNS + "\n" + "\n".join(section)
           + ("\n" + old_runs if old_runs else ""))
    RESULTS.write_text(doc, encoding="utf-8")
    log(f"wrote {RESULTS}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=20000, help="HTML pages of the site (default 20000)")
    ap.add_argument("--sizes", help="comma-separated site sizes to run, e.g. 2000,20000 (overrides --pages)")
    ap.add_argument("--threads", type=int, default=10, help="connections per host for both tools (default 10)")
    ap.add_argument("--skip-linkchecker", action="store_true", help="run govinspect only")
    ap.add_argument("--broken-ratio", type=float, default=0.015, help="share of articles with a dead link")
    ap.add_argument("--seed", type=int, default=2019)
    ap.add_argument("--as-of", default="2019-10-20", help="inspection date passed to govinspect")
    ap.add_argument("--generator", choices=["auto", "bench", "demo"], default="auto",
                    help="demo: the project's govinspect.demo.bigsite.build_big_site (see --style); bench: "
                    "this script's own generator; auto (default): demo when importable, else bench")
    ap.add_argument("--style", choices=["ul", "card", "trs"], default="ul",
                    help="page style of the demo generator (default ul: plain <a> pagers; trs paginates with "
                    "createPageHTML JavaScript, which LinkChecker cannot follow, so the sites would differ)")
    ap.add_argument("--mode", choices=["links", "full", "both"], default="both",
                    help="govinspect's job: links = the same as LinkChecker's; full = every check; "
                    "both (default) = one run of each, beside LinkChecker's, in the same run")
    ap.add_argument("--parse-workers", type=int, default=None,
                    help="govinspect parse_workers setting (default: the project's, sized to the machine)")
    ap.add_argument("--nginx-workers", type=int, default=1)
    ap.add_argument("--tool-timeout", type=float, default=1800, help="seconds before a tool is killed")
    ap.add_argument("--repeat", type=int, default=1,
                    help="run each tool this many times (alternating) and keep the fastest run")
    ap.add_argument("--no-results", action="store_true", help="do not write bench/RESULTS.md")
    ap.add_argument("--profile", action="store_true",
                    help="after the timed runs, profile one more govinspect run of the largest size with py-spy")
    args = ap.parse_args(argv)
    GOVINSPECT_MODE.update(modes=("links", "full") if args.mode == "both" else (args.mode,),
                           parse_workers=args.parse_workers)
    sizes = sorted({int(s) for s in args.sizes.split(",")}) if args.sizes else [args.pages]
    if args.generator == "auto":
        args.generator = "demo" if demo_available() else "bench"
        log(f"site generator: {args.generator}")
    args.profile_size = sizes[-1]
    cmdline = "python bench/crawl.py " + shlex.join(sys.argv[1:] if argv is None else argv)
    started = datetime.now()
    WORK.mkdir(parents=True, exist_ok=True)
    byte_compile()

    def on_signal(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, on_signal)
    results = []
    for n in sizes:
        r = bench_size(n, args)
        summarise(r)
        results.append(r)
    print(table(results))
    print()
    print("\n".join(verdicts(results, args)))
    print(diffs(results))
    if not args.no_results:
        write_results(results, args, started, cmdline)
    failed = [f"{t} at {r['html_pages']}" for r in results for t in TOOLS
              if r.get(t) and not r[t]["ok"]]
    if failed:
        log("incomplete runs: " + ", ".join(failed))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt as exc:  # Ctrl-C or SIGTERM: tools and nginx were stopped on the way out
        log(f"interrupted ({exc or 'Ctrl-C'})")
        sys.exit(130)
