"""Issue-4 injectors: incomplete and vague guides, overdue letters, answers that hide their unit
or time, a board without statistics, weak interpretations, a stale or missing site search.

They run in the "features" phase, on the clean features demo/features.py built, and record
what they planted in ``plan.planted`` (checked against the pages by features.features_truth).
Each picks its guide, letter or interpretation among those no earlier injector touched.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from html import escape
from typing import ClassVar

from govinspect.demo.board import OVERDUE
from govinspect.demo.defects import PathScheme
from govinspect.demo.plan import BoardPlan, ItemPlan, Message, ServiceItem, SitePlan
from govinspect.demo.readings import policy_name, weaken
from govinspect.demo.services import DOC_NUMBERS, VAGUE_TIME
from govinspect.demo.types import GuideMark, ReplyMark, UnansweredMark

_ARTICLE = re.compile(r"第[一二三四五六七八九十百]+条.*$")


def _fresh_guide(plan: SitePlan, rng: random.Random) -> ServiceItem:
    """A service item whose guide no injector changed yet."""
    touched = {g.path for g in plan.planted.guides} | set(plan.planted.no_guide)
    items = [s for s in plan.services if s.guide and s.path not in touched and s.listed == "link"
             and not s.elements.get("basis", "").endswith("号）")]
    if not items:
        raise ValueError(f"{plan.spec.key}: no untouched service guide left")
    return rng.choice(items)


@dataclass(frozen=True, slots=True)
class GuideGaps:
    """A guide that leaves out ``elements`` (their labels are not on the page at all)."""

    elements: tuple[str, ...]
    phase: ClassVar[str] = "features"

    def apply(self, plan: SitePlan, rng: random.Random, paths: PathScheme) -> None:
        item = _fresh_guide(plan, rng)
        for element in self.elements:
            del item.elements[element]
            plan.planted.guides.append(GuideMark(item.path, element, "missing"))


@dataclass(frozen=True, slots=True)
class VagueGuide:
    """A guide whose ``elements`` say nothing concrete.

    basis: the law without its article; time: 按规定时间办理; materials: the list ends in
    "等其他材料".
    """

    elements: tuple[str, ...]
    phase: ClassVar[str] = "features"

    def apply(self, plan: SitePlan, rng: random.Random, paths: PathScheme) -> None:
        item = _fresh_guide(plan, rng)
        for element in self.elements:
            value = item.elements[element]
            if element == "basis":
                item.elements[element] = _ARTICLE.sub("", value)
            elif element == "time":
                item.elements[element] = VAGUE_TIME
            elif element == "materials":
                item.elements[element] = value.rstrip("。") + "等其他材料。"
            else:
                raise ValueError(f"no vague form for {element}")
            plan.planted.guides.append(GuideMark(item.path, element, "vague"))


@dataclass(frozen=True, slots=True)
class NoGuide:
    """A service item whose page says that it has no guide."""

    phase: ClassVar[str] = "features"

    def apply(self, plan: SitePlan, rng: random.Random, paths: PathScheme) -> None:
        item = _fresh_guide(plan, rng)
        item.guide = False
        plan.planted.no_guide.append(item.path)


@dataclass(frozen=True, slots=True)
class UnlinkedItem:
    """A service item the 办事服务 list names without a link (issue 8): reported on the list page."""

    phase: ClassVar[str] = "features"

    def apply(self, plan: SitePlan, rng: random.Random, paths: PathScheme) -> None:
        item = _fresh_guide(plan, rng)
        item.listed = "text"  # features.features_truth records the list page that shows it


@dataclass(frozen=True, slots=True)
class BareItemPage:
    """A service item linked to a page that holds no guide and says nothing about one (issue 8)."""

    phase: ClassVar[str] = "features"

    def apply(self, plan: SitePlan, rng: random.Random, paths: PathScheme) -> None:
        item = _fresh_guide(plan, rng)
        item.listed = "bare"
        plan.planted.no_guide.append(item.path)


@dataclass(frozen=True, slots=True)
class DocNumberBasis:
    """Control (issue 8): a guide whose basis cites its regulation by 文号 instead of an article."""

    phase: ClassVar[str] = "features"

    def apply(self, plan: SitePlan, rng: random.Random, paths: PathScheme) -> None:
        touched = {g.path for g in plan.planted.guides} | set(plan.planted.no_guide)
        items = [s for s in plan.services if s.guide and s.path not in touched and s.listed == "link"
                 and any(s.elements.get("basis", "").startswith(law) for law in DOC_NUMBERS)]
        if not items:
            return  # a control, not a defect: a seed whose free guides cite other regulations has none
        item = rng.choice(items)
        law = next(law for law in DOC_NUMBERS if item.elements["basis"].startswith(law))
        item.elements["basis"] = f"{law}（{DOC_NUMBERS[law]}）"


def working_days_back(end: datetime, count: int) -> datetime:
    """The day ``count`` Monday-Friday days before ``end`` (the days after it, up to ``end``)."""
    day = end
    while count > 0:
        if day.weekday() < 5:
            count -= 1
        day -= timedelta(days=1)
    return day


@dataclass(frozen=True, slots=True)
class OverdueLetter:
    """A letter still waiting for its answer: ``working_days`` (deduct) or ``days`` (veto) old."""

    working_days: int | None = None
    days: int | None = None
    status: str = "unanswered"  # or "processing" (办理中)
    phase: ClassVar[str] = "features"

    def apply(self, plan: SitePlan, rng: random.Random, paths: PathScheme) -> None:
        board = _board(plan)
        as_of = datetime.combine(plan.as_of, time(0))
        if self.working_days is not None:
            day, severity = working_days_back(as_of, self.working_days), "deduct"
        elif self.days is not None and self.days > 90:
            day, severity = as_of - timedelta(days=self.days), "veto"
        else:
            raise ValueError("OverdueLetter needs working_days, or days above 90")
        used = {m.title for m in board.messages}
        town = rng.choice(plan.spec.locale.towns)
        letter = next(x for x in OVERDUE if x.title.format(town=town) not in used)
        received = day.replace(hour=rng.randint(8, 20), minute=rng.randint(0, 59))
        msg = Message(serial=4100 + len(board.messages), title=letter.title.format(town=town),
                      content=letter.content.format(town=town), received=received,
                      status=self.status, unit=plan.spec.unit)
        msg.path = paths.message_path(plan, board, msg)
        board.messages.append(msg)
        plan.planted.unanswered.append(UnansweredMark(msg.path, received.date(), severity))


def _board(plan: SitePlan) -> BoardPlan:
    if plan.board is None:
        raise ValueError(f"{plan.spec.key} has no message board")
    return plan.board


@dataclass(frozen=True, slots=True)
class HiddenReplyFields:
    """An answered letter whose page does not say who answered (``unit``) or when (``time``)."""

    missing: str  # "unit", "time" or "unit,time"
    phase: ClassVar[str] = "features"

    def apply(self, plan: SitePlan, rng: random.Random, paths: PathScheme) -> None:
        board = _board(plan)
        touched = {r.path for r in plan.planted.reply_incomplete}
        answered = [m for m in board.messages if m.status == "answered" and m.path not in touched]
        msg = rng.choice(answered)
        parts = self.missing.split(",")
        msg.show_unit = "unit" not in parts
        msg.show_time = "time" not in parts
        plan.planted.reply_incomplete.append(ReplyMark(msg.path, self.missing))


@dataclass(frozen=True, slots=True)
class NoBoardStats:
    """The board publishes no statistics of letters received and answered."""

    phase: ClassVar[str] = "features"

    def apply(self, plan: SitePlan, rng: random.Random, paths: PathScheme) -> None:
        _board(plan).stats = False


@dataclass(frozen=True, slots=True)
class WeakInterpretation:
    """An interpretation that neither links its policy nor explains it: two generic sentences,
    and (unless the world is tiny) no attachment and no related links."""

    phase: ClassVar[str] = "features"

    def apply(self, plan: SitePlan, rng: random.Random, paths: PathScheme) -> None:
        done = set(plan.planted.weak_interpretations)
        items = [i for c in plan.columns if c.spec.kind == "reading" for i in c.items
                 if i.href is None and i.path not in done]
        if not items:
            raise ValueError(f"{plan.spec.key}: no interpretation to weaken")

        # Best a bare page; related links and missing files (planted broken links) must stay,
        # so a page with them is taken only when a tiny world has nothing else.
        def clutter(i: ItemPlan) -> tuple[bool, bool, bool]:
            return bool(i.links), any(a.missing for a in i.attachments), bool(i.attachments)

        least = min(map(clutter, items))
        item = rng.choice([i for i in items if clutter(i) == least])
        item.attachments = [a for a in item.attachments if a.missing]
        weaken(plan, item)
        plan.planted.weak_interpretations.append(item.path)


@dataclass(frozen=True, slots=True)
class NamedPolicyLink:
    """Control (issue 8): a short interpretation that names its policy in 《》 and links to it by
    that name inside the text (no 政策原文 line, under 300 characters): linked, so not weak."""

    phase: ClassVar[str] = "features"

    def apply(self, plan: SitePlan, rng: random.Random, paths: PathScheme) -> None:
        done = set(plan.planted.weak_interpretations)
        items = [i for c in plan.columns if c.spec.kind == "reading" for i in c.items
                 if i.href is None and i.path not in done and i.original is not None]
        if not items:
            raise ValueError(f"{plan.spec.key}: no interpretation to rewrite")
        item = rng.choice(items)
        assert item.original is not None
        title, target = item.original
        name = policy_name(item.title)
        org = plan.spec.locale.org
        item.body = [f"近日，{org}印发了《{name}》。现就该文件的出台背景和适用范围作简要说明，"
                     "请各单位结合实际抓好贯彻落实。"]
        item.blocks = [*item.blocks, f'<p style="text-indent:2em">文件全文请见《<a href="{escape(target)}" '
                       f'target="_blank">{escape(name)}</a>》。</p>']
        item.original = None


@dataclass(frozen=True, slots=True)
class StaleSearchIndex:
    """The search index was last rebuilt ``days`` ago: newer pages are not found."""

    days: int = 30
    phase: ClassVar[str] = "features"

    def apply(self, plan: SitePlan, rng: random.Random, paths: PathScheme) -> None:
        if plan.search is None:
            raise ValueError(f"{plan.spec.key} has no search")
        plan.search.lag_days = self.days


@dataclass(frozen=True, slots=True)
class NoSearch:
    """The site has no search at all: no form on any page, no results endpoint."""

    phase: ClassVar[str] = "features"

    def apply(self, plan: SitePlan, rng: random.Random, paths: PathScheme) -> None:
        plan.search = None
