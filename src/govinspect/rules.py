"""The rule set: every threshold and point value, read from one YAML data file."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import UsageError
from .yamlio import safe_load


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)


class VerdictRules(_Model):
    pass_score: float = 60
    bonus_from: float = 80
    bonus_max: float = 30


class UnreachableRules(_Model):
    probe_timeout_s: float = 15
    probe_fail_ratio: float = 0.05
    probe_min_days: int = 7
    scan_severity: str = "veto"


class HomeRules(_Model):
    stale_days: int = 14
    severity: str = "veto"


class CategoryRule(_Model):
    days: int | None
    confidence: str = "U"
    source: str = ""


class ColumnVeto(_Model):
    fast_classes_total: int = 5
    fast_classes: list[str] = Field(default_factory=lambda: ["news", "notice", "policy"])
    any_stale_total: int = 10
    empty_total: int = 5


class ColumnRules(_Model):
    categories: dict[str, CategoryRule]
    warn_days_before: dict[str, int] = Field(default_factory=dict)
    undated_counts_as_stale: bool = True
    veto: ColumnVeto = ColumnVeto()
    near_veto_margin: int = 2

    def days(self, category: str) -> int | None:
        rule = self.categories.get(category) or self.categories.get("other")
        return rule.days if rule else None


class FutureDateRules(_Model):
    severity: str = "veto"
    grace_days: int = 0


class LinkRules(_Model):
    home_points: float = 1.0
    other_points: float = 0.1
    max_points: float = 10


class WordingRules(_Model):
    serious_typo_limit: int = 3


class Deduction(_Model):
    points: float = 0
    max: float = 0


class StaleAccountRules(_Model):
    days: int = 14
    severity: str = "veto"


class FrequencyRules(_Model):
    window_days: int = 30
    min_posts: int = 4
    severity: str = "deduct"


class UnansweredRules(_Model):
    reply_days: int = 5
    working_days: bool = False
    lookback_days: int = 365
    severity: str = "deduct"
    veto_days: int | None = 90


class AutoReplyRules(_Model):
    max_seconds: float = 60
    similarity: float = 0.9
    min_ratio: float = 0.6
    min_messages: int = 3
    severity: str = "deduct"


class NewMediaRules(_Model):
    """Thresholds of the new-media account checks (newmedia/checks.py)."""

    stale: StaleAccountRules = StaleAccountRules()
    dormant_days: int = 90
    frequency: FrequencyRules = FrequencyRules()
    unanswered: UnansweredRules = UnansweredRules()
    auto_reply: AutoReplyRules = AutoReplyRules()
    duplicate_platforms: list[str] = Field(
        default_factory=lambda: ["wechat", "weibo", "douyin", "toutiao"]
    )
    weibo_max_pages: int = 10


class RequiredColumn(_Model):
    column: str
    words: list[str]
    levels: list[str] = Field(default_factory=lambda: ["portal", "county"])
    needs_accounts: bool = False
    source: str = ""


class RequiredColumnRules(_Model):
    """Columns a site must carry (checks/required.py, column.required_missing)."""

    severity: str = "deduct"
    max_link_text: int = 12
    items: list[RequiredColumn] = Field(default_factory=list)


class GuideVeto(_Model):
    elements: list[str] = Field(default_factory=lambda: [
        "name", "basis", "conditions", "materials", "location", "agency", "fee", "time", "phone", "process"])
    missing_elements: int = 4
    items: int = 5
    confidence: str = "U"


class GuideRules(_Model):
    """Service guide thresholds (checks/services.py)."""

    severity: str = "deduct"
    elements: list[str] = Field(default_factory=lambda: [
        "basis", "conditions", "materials", "location", "time", "phone", "process"])
    veto: GuideVeto = GuideVeto()
    max_findings: int = 300


class BoardRules(_Model):
    """Message-board thresholds (checks/interaction.py)."""

    veto_days: int | None = 90
    lookback_days: int = 365
    deduct_working_days: int = 15
    late_reply_severity: str = "deduct"
    reply_incomplete_severity: str = "deduct"
    no_stats_severity: str = "deduct"
    max_findings: int = 20


class InterpretationRules(_Model):
    """Policy interpretation thresholds (checks/policy.py)."""

    severity: str = "deduct"
    min_body_chars: int = 300
    dense_min_chars: int | None = 150
    dense_measures: int = 2
    pass_when: str = "either"
    max_findings: int = 50


class SiteSearchRules(_Model):
    """Site search judgement (checks/sitesearch.py)."""

    missing_severity: str = "deduct"
    not_found_severity: str = "deduct"


class Rules(_Model):
    """A validated rule set."""

    name: str
    title: str = ""
    verdict: VerdictRules = VerdictRules()
    unreachable: UnreachableRules = UnreachableRules()
    home: HomeRules = HomeRules()
    columns: ColumnRules
    future_date: FutureDateRules = FutureDateRules()
    links: LinkRules = LinkRules()
    wording: WordingRules = WordingRules()
    deductions: dict[str, Deduction] = Field(default_factory=dict)
    services: GuideRules = GuideRules()
    interaction: BoardRules = BoardRules()
    policy: InterpretationRules = InterpretationRules()
    search: SiteSearchRules = SiteSearchRules()
    newmedia: NewMediaRules = NewMediaRules()
    required_columns: RequiredColumnRules = RequiredColumnRules()


def load_rules(path: Path | None = None) -> Rules:
    """Read a rule-set file (the packaged national one when ``path`` is None)."""
    if path is None:
        return _packaged()
    return _parse(path.read_text(encoding="utf-8") if path.exists() else None, str(path))


@lru_cache(maxsize=1)
def _packaged() -> Rules:
    text = resources.files("govinspect.data").joinpath("rules.yaml").read_text(encoding="utf-8")
    return _parse(text, "govinspect/data/rules.yaml")


def _parse(text: str | None, name: str) -> Rules:
    if text is None:
        raise UsageError(f"规则文件 {name} 不存在")
    try:
        data = safe_load(text)
        return Rules.model_validate(data)
    except yaml.YAMLError as exc:
        raise UsageError(f"规则文件 {name} 不是有效的 YAML: {exc}".splitlines()[0]) from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise UsageError(f"规则文件 {name} 字段 {where}: {first['msg']}") from exc
