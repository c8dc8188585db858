"""Defect injectors for lists a crawler cannot read (issue 8): they must be reported, not lost."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import ClassVar

from govinspect.demo.defects import PathScheme
from govinspect.demo.plan import SitePlan


@dataclass(frozen=True, slots=True)
class BrokenIsland:
    """A JCMS column whose data island has records with their CDATA cut short (bad export)."""

    column: str
    phase: ClassVar[str] = "content"

    def apply(self, plan: SitePlan, rng: random.Random, paths: PathScheme) -> None:
        plan.column(self.column).broken_list = "cdata"


@dataclass(frozen=True, slots=True)
class ScriptPager:
    """A paginated column whose 下一页 is a script call with no URL (a pager no crawler knows)."""

    column: str
    phase: ClassVar[str] = "content"

    def apply(self, plan: SitePlan, rng: random.Random, paths: PathScheme) -> None:
        plan.column(self.column).broken_list = "pager"
