"""Defect injectors: small objects that spoil a site plan in one known way.

Each injector has a ``phase``: "content" injectors run on dated items before paths are
assigned, "links" injectors run afterwards (they need article paths), "features" injectors
spoil the issue-4 features (guides, board, interpretations, search: demo/features.py) once
they exist. Freshness and link
truth is not written by the injectors: it is read back from the rendered site
(demo/truth.py), so an injector only has to make the defect real. Content defects, which
only a check could read back, are recorded by their injector in ``plan.planted`` and
verified against the rendered pages (demo/planted.py, demo/features.py). A new defect family
is one new class (here, or in defects_security, defects_privacy, defects_wording,
defects_features) plus an entry in a site's ``defects`` in demo/catalogue.py, after the
freshness and link ones.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import ClassVar, Protocol

from govinspect.demo.plan import (
    Attachment,
    BoardPlan,
    ColumnPlan,
    ItemPlan,
    Message,
    SitePlan,
    shift_column,
)
from govinspect.demo.types import IdentityMark, site_ref


class PathScheme(Protocol):
    """The part of a markup style that decides URLs."""

    def article_path(self, plan: SitePlan, col: ColumnPlan, item: ItemPlan) -> str: ...

    def file_path(
        self, plan: SitePlan, col: ColumnPlan, item: ItemPlan, idx: int, ext: str
    ) -> str: ...

    def info_path(self, plan: SitePlan, key: str) -> str: ...

    def message_path(self, plan: SitePlan, board: BoardPlan, msg: Message) -> str: ...


class Defect(Protocol):
    """What every injector offers."""

    phase: ClassVar[str]

    def apply(self, plan: SitePlan, rng: random.Random, paths: PathScheme) -> None: ...


@dataclass(frozen=True, slots=True)
class Stale:
    """The column's newest item is ``days`` old."""

    column: str
    days: int
    phase: ClassVar[str] = "content"

    def apply(self, plan: SitePlan, rng: random.Random, paths: PathScheme) -> None:
        shift_column(plan.column(self.column), plan.as_of - timedelta(days=self.days))


@dataclass(frozen=True, slots=True)
class HomeStale:
    """Every column shown on the home page is at least ``min_days`` old."""

    min_days: int = 16
    phase: ClassVar[str] = "content"

    def apply(self, plan: SitePlan, rng: random.Random, paths: PathScheme) -> None:
        for col in plan.columns:
            latest = col.latest(plan.as_of)
            if col.spec.on_home and latest and (plan.as_of - latest).days < self.min_days:
                age = self.min_days + rng.randint(1, 6)
                shift_column(col, plan.as_of - timedelta(days=age))


@dataclass(frozen=True, slots=True)
class Empty:
    """The column never held an item: a 暂无信息 marker, or an empty list container."""

    column: str
    marker: bool = True
    phase: ClassVar[str] = "content"

    def apply(self, plan: SitePlan, rng: random.Random, paths: PathScheme) -> None:
        col = plan.column(self.column)
        col.items = []
        col.empty = "marker" if self.marker else "container"


@dataclass(frozen=True, slots=True)
class Undated:
    """Items of the column carry no date at all, neither in the list nor in the article."""

    column: str
    phase: ClassVar[str] = "content"

    def apply(self, plan: SitePlan, rng: random.Random, paths: PathScheme) -> None:
        for item in plan.column(self.column).items:
            item.date = None


@dataclass(frozen=True, slots=True)
class FutureDated:
    """A newest item dated ``days_ahead`` after the inspection date (forged date)."""

    column: str
    days_ahead: int = 25
    phase: ClassVar[str] = "content"

    def apply(self, plan: SitePlan, rng: random.Random, paths: PathScheme) -> None:
        col = plan.column(self.column)
        day = plan.as_of + timedelta(days=self.days_ahead)
        col.items.insert(0, plan.new_item(rng, col.spec, day))


@dataclass(frozen=True, slots=True)
class UndeclaredCharset:
    """An old article served with no charset anywhere (GBK sites: raw GBK bytes)."""

    count: int = 1
    phase: ClassVar[str] = "links"

    def apply(self, plan: SitePlan, rng: random.Random, paths: PathScheme) -> None:
        arts = plan.articles(reachable=True)
        for _, item in rng.sample(arts[len(arts) // 2 :], self.count):
            item.charset = "none"


def dead_host_url(name: str) -> str:
    """A government-looking URL whose name never resolves (the crawl is offline)."""
    return f"http://www.defunct-{name}.gov.cn/"


def refused_url(path: str = "") -> str:
    """A URL on the loopback port where nothing listens (assigned at serve time)."""
    return "{{refused}}" + path


@dataclass(frozen=True, slots=True)
class BrokenLinks:
    """Article links to deleted pages (404), failing downloads (500) and dead hosts."""

    n404: int = 2
    n500: int = 0
    refused: int = 0
    dns: int = 0
    missing_files: int = 1
    cross404: str | None = None  # key of another world site to link a deleted page on
    phase: ClassVar[str] = "links"

    def apply(self, plan: SitePlan, rng: random.Random, paths: PathScheme) -> None:
        arts = plan.articles(reachable=True)
        rng.shuffle(arts)
        pick = iter(arts * 4)
        for n in range(self.n404):
            col, item = next(pick)
            gone = ItemPlan(item.title, item.real_date - timedelta(days=400 + n * 37), None,
                            700000 + n * 13 + rng.randint(0, 9), item.time, item.source)
            target = paths.article_path(plan, col, gone)
            self._link(pick, target, gone.title, twice=n == 0)
        for n in range(self.n500):
            stamp = f"{rng.randint(10**11, 10**12 - 1)}"
            target = f"/module/download/downfile.jsp?classid=0&filename={stamp}.doc"
            plan.errors[target] = 500
            self._link(pick, target, f"附件下载（{n + 1}）", twice=n == 0)
        for n in range(self.missing_files):
            col, item = next(pick)
            ext = rng.choice(["doc", "pdf", "xls"])
            path = f"/uploadfiles/{item.real_date.year - 1}/{rng.randint(10**13, 10**14 - 1)}.{ext}"
            name = f"{item.title[:16]}（附件{n + 2}）.{ext}"
            item.attachments.append(Attachment(name, ext, path, missing=True))
        for n in range(self.refused):
            target = refused_url(rng.choice(["oa/login.jsp", "xxgk/index.jsp", "wsbs/"]))
            plan.external_broken[target] = "refused"
            self._link(pick, target, ["内部办公系统", "原信息公开系统", "网上办事大厅（旧版）"][n % 3])
        for n in range(self.dns):
            target = dead_host_url(f"{plan.spec.key}{rng.choice(['xxgk', 'zwfw', 'old'])}{n}")
            plan.external_broken[target] = "dns"
            self._link(pick, target, "原政务公开网")
        if self.cross404:
            target = site_ref(self.cross404, f"/xwzx/old/{rng.randint(100000, 999999)}.html")
            self._link(pick, target, "相关新闻（市政府网）")

    @staticmethod
    def _link(pick: Iterator[tuple[ColumnPlan, ItemPlan]], target: str, label: str,
              twice: bool = False) -> None:
        for _ in range(2 if twice else 1):  # some targets are linked from two pages
            _col, item = next(pick)
            item.links.append((label, target))


@dataclass(frozen=True, slots=True)
class BrokenHomeLink:
    """A broken link on the home page: an old special-topic banner or a defunct friend site."""

    kind: str = "404"  # "404" or "dns"
    phase: ClassVar[str] = "links"

    def apply(self, plan: SitePlan, rng: random.Random, paths: PathScheme) -> None:
        if self.kind == "dns":
            target = dead_host_url(f"{plan.spec.key}ghj")
            plan.external_broken[target] = "dns"
            plan.friend_links.append(("原市规划局网站", target))
        else:
            plan.home_links.append((f"{plan.as_of.year - 1}年国土绿化专题", "/ztzl/gtlh/index.html"))


@dataclass(frozen=True, slots=True)
class FooterOmits:
    """The footer leaves out one identity item: ``icp`` (ICP 备案编号) or ``police`` (公网安备)."""

    item: str = "icp"
    phase: ClassVar[str] = "links"

    def apply(self, plan: SitePlan, rng: random.Random, paths: PathScheme) -> None:
        plan.shown[self.item] = None
        plan.planted.identity.append(
            IdentityMark("police_record" if self.item == "police" else self.item, "missing"))


@dataclass(frozen=True, slots=True)
class FooterSiteCode:
    """The templates print a site code with two digits swapped; the registry keeps the real one."""

    phase: ClassVar[str] = "links"

    def apply(self, plan: SitePlan, rng: random.Random, paths: PathScheme) -> None:
        code = plan.spec.site_code
        plan.shown["site_code"] = code[:-2] + code[-1] + code[-2]
        if plan.shown["site_code"] == code:
            raise ValueError(f"{plan.spec.key}: swapping the last digits of {code} changes nothing")
        plan.planted.identity.append(IdentityMark("site_code", "mismatch"))


def apply_defects(plan: SitePlan, phase: str, paths: PathScheme) -> None:
    """Run the site's injectors of ``phase`` in the order the catalogue lists them."""
    rng = random.Random(f"defects:{plan.seed}:{phase}")
    for defect in plan.spec.defects:
        if defect.phase == phase:
            defect.apply(plan, rng, paths)
