"""The abstract plan of a simulated site: columns, dated items and links, before markup."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from govinspect.demo import text
from govinspect.demo.text import Locale
from govinspect.demo.types import Planted

# Ages (days since the last item) that a column generated as fresh never exceeds, and the
# ages a stale one always exceeds: the gap keeps truth unambiguous under national rules
# (news 2 weeks, notices/policies 6 months, personnel/plans 1 year: indicators.md) and the
# stricter local variants (news 10 days, documents 120 days).
FRESH_MAX = {"news": 7, "notice": 30, "policy": 60, "personnel": 120, "plan": 150, "other": 40}
STALE_MIN = {"news": 15, "notice": 184, "policy": 184, "personnel": 366, "plan": 366,
             "other": 366}


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    """A kind of column: name, category, text kind, section and typical rhythm."""

    key: str
    name: str
    category: str
    kind: str
    section: str | None
    count: int
    spacing: tuple[int, int]
    on_home: bool = False


SECTIONS = {"xwdt": "新闻动态", "zwgk": "政务公开"}
NEWS = [
    ColumnSpec("gzdt", "工作动态", "news", "news", "xwdt", 36, (1, 3), True),
    ColumnSpec("bmdt", "部门动态", "news", "news", "xwdt", 28, (1, 4), True),
]
TOWN_NEWS = ColumnSpec("xzdt", "乡镇动态", "news", "news", "xwdt", 28, (1, 4), True)
COUNTY_NEWS = ColumnSpec("xqdt", "县区动态", "news", "news", "xwdt", 28, (1, 4), True)
DOCS = [
    ColumnSpec("tzgg", "通知公告", "notice", "notice", None, 24, (3, 12), True),
    ColumnSpec("zcwj", "政策文件", "policy", "policy", "zwgk", 14, (7, 25), True),
    ColumnSpec("gfxwj", "规范性文件", "policy", "policy", "zwgk", 10, (15, 45)),
    ColumnSpec("zcjd", "政策解读", "policy", "reading", "zwgk", 10, (7, 30)),
    ColumnSpec("rsxx", "人事信息", "personnel", "personnel", "zwgk", 10, (15, 60)),
    ColumnSpec("ghjh", "规划计划", "plan", "plan", "zwgk", 8, (20, 90)),
    ColumnSpec("tjsj", "统计数据", "other", "stats", "zwgk", 10, (28, 33)),
]
FEATURES = [("hdjl", "互动交流"), ("zwxmt", "政务新媒体"), ("bsfw", "办事服务")]


def columns_for(level: str) -> list[ColumnSpec]:
    """The column set a site of ``level`` (portal, county, department) carries."""
    if level == "portal":
        return [*NEWS, COUNTY_NEWS, *DOCS]
    if level == "county":
        return [*NEWS, TOWN_NEWS, *DOCS]
    return [NEWS[0], *(d for d in DOCS if d.key != "gfxwj")]


@dataclass(slots=True)
class Attachment:
    """A file attached to an article."""

    name: str
    ext: str
    path: str = ""
    missing: bool = False  # linked but never uploaded: the link 404s
    body: bytes | None = None  # served as is instead of a generated file


@dataclass(slots=True)
class ItemPlan:
    """One published item: shown date (None when undated), real date, links, files."""

    title: str
    real_date: date
    date: date | None
    serial: int
    time: str
    source: str
    path: str = ""
    href: str | None = None  # where the list links, when not to ``path``
    attachments: list[Attachment] = field(default_factory=list)
    has_image: bool = False
    image: str | None = None  # path, set with the other paths
    links: list[tuple[str, str]] = field(default_factory=list)
    doc_no: str | None = None
    charset: str | None = None  # "none": served without any charset declaration
    body: list[str] | None = None  # paragraphs replacing the generated ones
    blocks: list[str] = field(default_factory=list)  # trusted HTML after the paragraphs
    original: tuple[str, str] | None = None  # (title, path) of the policy an interpretation explains

    def seed(self, site_seed: str) -> str:
        """The seed of this item's body text."""
        return f"{site_seed}:{self.serial}"


@dataclass(slots=True)
class ColumnPlan:
    """A column with its items, newest first."""

    spec: ColumnSpec
    num: int
    items: list[ItemPlan] = field(default_factory=list)
    empty: str | None = None  # "marker" (暂无信息) or "container" (an empty list)
    broken_list: str | None = None  # "cdata" (JCMS island cut short), "pager" (script-only pager),
    # "endpoint" (a data endpoint answering a login page)
    path: str = ""

    @property
    def name(self) -> str:
        return self.spec.name

    def latest(self, as_of: date) -> date | None:
        """Newest shown date on or before ``as_of``."""
        dated = [i.date for i in self.items if i.date is not None and i.date <= as_of]
        return max(dated) if dated else None


@dataclass(slots=True)
class SiteSpec:
    """Identity and make-up of one simulated site, including its defect injectors."""

    key: str
    name: str
    unit: str
    level: str
    site_code: str
    style: str
    encoding: str
    header_charset: str | None
    locale: Locale
    icp: str
    police: str
    defects: tuple[Any, ...] = ()
    friends: tuple[tuple[str, str], ...] = ()
    # Issue-4 features (demo/features.py): the service guides' layout (None: the 办事服务 page
    # only links to the provincial platform), the message board's name and the search form.
    guides: str | None = None  # "table" or "dl"
    board: str = "领导信箱"
    search: SearchSpec | None = None


@dataclass(frozen=True, slots=True)
class SearchSpec:
    """The search box of a site's header and the endpoint it submits to."""

    action: str
    field: str
    method: str = "GET"
    params: tuple[tuple[str, str], ...] = ()
    sidebar: bool = False  # the results template also lists the newest articles


@dataclass(slots=True)
class ServiceItem:
    """A service item (办事事项) and its guide: element label -> value, in display order."""

    serial: int
    name: str
    dept: str
    elements: dict[str, str]
    guide: bool = True  # False: the item page says that there is no guide
    path: str = ""
    # How the 办事服务 list shows it and what its page holds (issue 8): "link" (its guide), "text"
    # (named without a link), "bare" (linked to a page with no guide and no word about one).
    listed: str = "link"


@dataclass(slots=True)
class Message:
    """A message of the board: received, its status and (when answered) the answer."""

    serial: int
    title: str
    content: str
    received: datetime
    status: str  # answered, unanswered, processing
    unit: str = ""
    replied: date | None = None
    reply: str = ""
    show_unit: bool = True  # the page discloses the answering unit
    show_time: bool = True  # the page discloses the answer's time
    path: str = ""


@dataclass(slots=True)
class BoardPlan:
    """The message board (互动交流 > 领导信箱 / 网上咨询): newest message first."""

    key: str
    name: str
    messages: list[Message] = field(default_factory=list)
    stats: bool = True  # a line with the month's counts of messages received and answered
    path: str = ""


@dataclass(slots=True)
class SearchPlan:
    """The site search as served: form, query charset and the articles its index lacks."""

    spec: SearchSpec
    charset: str
    lag_days: int = 0  # articles of the last ``lag_days`` days are not indexed yet


@dataclass(slots=True)
class InfoPage:
    """A standalone page outside the columns (联系我们, 机构沿革), linked from the footer."""

    key: str
    name: str
    html: str
    path: str = ""


@dataclass(frozen=True, slots=True)
class SpiderView:
    """What a cloaking kit shows search engines instead of a page: title, head tags, a block."""

    title: str
    head: str
    block: str


@dataclass(slots=True)
class SitePlan:
    """Everything needed to render one site and to know its truth."""

    spec: SiteSpec
    as_of: date
    seed: str
    columns: list[ColumnPlan]
    static: bool = False
    friend_links: list[tuple[str, str]] = field(default_factory=list)
    home_links: list[tuple[str, str]] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)  # path -> status for 5xx targets
    external_broken: dict[str, str] = field(default_factory=dict)  # ref -> kind
    notes: dict[str, str] = field(default_factory=dict)
    next_serial: int = 0
    shown: dict[str, str | None] = field(default_factory=dict)  # footer identity overrides
    info_pages: list[InfoPage] = field(default_factory=list)
    patches: dict[str, list[str]] = field(default_factory=dict)  # path -> HTML before </body>
    spider: dict[str, SpiderView] = field(default_factory=dict)  # path -> cloaked view
    planted: Planted = field(default_factory=Planted)
    services: list[ServiceItem] = field(default_factory=list)
    board: BoardPlan | None = None
    search: SearchPlan | None = None
    # path -> maker of a resource outside the page templates (demo/script_footers.py: footer files).
    extra: dict[str, Any] = field(default_factory=dict)

    def column(self, name: str) -> ColumnPlan:
        """The column called ``name``."""
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.spec.key} has no column {name}")

    def articles(self, reachable: bool = False) -> list[tuple[ColumnPlan, ItemPlan]]:
        """Every (column, item) whose article lives on this site.

        ``reachable``: leave out the columns planted unreadable (issue 8), where part of the
        articles is out of a crawler's reach, so that no other defect hides there.
        """
        return [(c, i) for c in self.columns if not (reachable and c.broken_list)
                for i in c.items if i.href is None]

    def untouched(self, column: str, newest: int = 12) -> list[ItemPlan]:
        """Articles among the ``newest`` of ``column`` that no content defect has changed yet."""
        col = self.column(column)
        return [i for i in col.items[:newest]
                if i.href is None and i.body is None and not i.blocks and i.charset is None
                and i.date is not None and i.date <= self.as_of and i.path not in self.patches]

    def new_item(self, rng: random.Random, spec: ColumnSpec, day: date) -> ItemPlan:
        """A fresh item for column ``spec`` published on ``day``."""
        self.next_serial += 1
        loc = self.spec.locale
        item = ItemPlan(
            title=text.title(rng, loc, spec.kind, day), real_date=day, date=day,
            serial=self.next_serial, time=f"{rng.randint(8, 17):02d}:{rng.randint(0, 59):02d}",
            source=rng.choice([loc.org, self.spec.unit, loc.org + "办公室"]),
        )
        if spec.category == "policy" and spec.kind == "policy":
            item.doc_no = text.doc_number(rng, loc, day)
        if spec.category != "news" and rng.random() < 0.3:
            ext = rng.choice(["pdf", "doc", "xlsx"] if spec.category != "policy" else ["pdf", "doc"])
            item.attachments.append(Attachment(f"{item.title[:24]}.{ext}", ext))
        if spec.category == "news" and rng.random() < 0.35:
            item.has_image = True
        return item


def build_plan(spec: SiteSpec, as_of: date, seed: int, scale: float, static: bool) -> SitePlan:
    """Columns and dated items of a fresh site; defects are applied afterwards."""
    rng = random.Random(f"plan:{seed}:{spec.key}")
    plan = SitePlan(spec=spec, as_of=as_of, seed=f"{seed}:{spec.key}", columns=[], static=static)
    planted_in = {getattr(d, "column", None) for d in spec.defects}
    for num, cspec in enumerate(columns_for(spec.level)):
        col = ColumnPlan(spec=cspec, num=1229 + num * 7)
        # A shrunken world keeps up to 12 items in the columns defects are planted in (room for
        # every one of them: see SitePlan.untouched); other columns shrink to 3.
        floor = min(cspec.count, 12) if cspec.name in planted_in else 3
        count = max(floor, round(cspec.count * scale))
        age = rng.randint(0, min(FRESH_MAX[cspec.category] // 2, 5 if cspec.category == "news" else 30))
        day = as_of - timedelta(days=age)
        for _ in range(count):
            col.items.append(plan.new_item(rng, cspec, day))
            day -= timedelta(days=rng.randint(*cspec.spacing))
        plan.columns.append(col)
    return plan


def shift_column(col: ColumnPlan, latest: date) -> None:
    """Move every item of ``col`` so that its newest real date becomes ``latest``."""
    if not col.items:
        return
    delta = latest - max(i.real_date for i in col.items)
    for item in col.items:
        item.real_date += delta
        if item.date is not None:
            item.date += delta
