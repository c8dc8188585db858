"""The circular's view-model: everything the Word, Excel and HTML writers lay out, built once.

``build_circular(store, period, ...)`` fills it from the period summary and the stored findings;
the writers (``docx.py``, ``xlsx.py``, ``html.py``) only lay it out, so the three files always
carry the same numbers. The labels here are the circular's own Chinese wording.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..store.summary import PeriodSummary


@dataclass(slots=True)
class SiteRow:
    """One row of 附件1 政府网站检查情况."""

    seq: int  # 序号
    name: str  # 网站名称
    url: str  # 网址
    result: str  # 检查结果: 合格 / 单项否决 / 不合格 / 未检查
    description: str  # 问题描述: a concise Chinese summary, e.g. "3个空栏目、1个链接无法访问"; "" when none
    unit: str | None = None
    level: str = "other"  # portal | county | department | other
    score: float | None = None


@dataclass(slots=True)
class AccountCell:
    """One account in 附件2: its name and 检查情况 (合格 / 超过2周未更新 / 已关停(2019-09-01) ...)."""

    name: str
    status: str
    passed: bool = True


@dataclass(slots=True)
class UnitRow:
    """One row of 附件2 政务新媒体检查情况: a unit and its accounts per platform."""

    seq: int  # 序号
    unit: str  # 单位
    accounts: dict[str, list[AccountCell]] = field(default_factory=dict)  # platform -> accounts (may be several)


@dataclass(slots=True)
class ProblemGroup:
    """One kind of problem in 二、主要问题, in the circular's wording, across sites and accounts."""

    label: str  # e.g. 应更未更, 空白栏目, 链接无法访问, 办事指南要素缺失或表述含糊, 留言未回复 ...
    count: int  # problems (tracked findings) of this kind
    subjects: list[str] = field(default_factory=list)  # the sites / accounts named, most problems first
    codes: list[str] = field(default_factory=list)  # finding codes grouped here


@dataclass(slots=True)
class DetailRow:
    """One finding for the 问题明细 sheet (and the HTML's detail table)."""

    subject: str  # site or account name
    subject_kind: str  # site | account
    unit: str | None
    code: str
    code_label: str
    severity: str  # veto | deduct | notice
    severity_label: str  # 单项否决 / 扣分 / 提示
    url: str | None
    message: str
    evidence: str  # one line, plain text
    first_seen: date
    last_seen: date
    status_label: str  # 未整改 / 上期未整改 / 整改不到位 / 已整改
    review_label: str  # 待审核 / 已确认 (dismissed findings are not in the circular)


@dataclass(slots=True)
class TrendPoint:
    """Pass rates of one period, for the HTML chart of the rate by period."""

    period: str
    site_pass_rate: float | None
    account_pass_rate: float | None


@dataclass(slots=True)
class Circular:
    """The monthly circular (contract section 6) as data."""

    period: str  # YYYY-MM
    title: str  # 关于YYYY年M月政府网站与政务新媒体检查情况的通报
    issuer: str  # 发文单位, e.g. "XX市人民政府办公室" (edited by the office)
    issued_on: date  # 成文日期
    deadline: date | None  # 整改期限 (--deadline)
    summary: PeriodSummary  # the one source of every figure
    site_rows: list[SiteRow]  # 附件1, failing sites first, then by name
    platforms: list[str]  # 附件2 column pairs in order, e.g. ["wechat", "weibo"] (+ further platforms present)
    platform_labels: dict[str, str]  # wechat -> 微信公众号, weibo -> 新浪微博, ...
    unit_rows: list[UnitRow]  # 附件2
    problem_groups: list[ProblemGroup]  # 二、主要问题, largest first
    carried_over: list[DetailRow]  # 三、整改要求: 上期未整改
    details: list[DetailRow]  # every finding of the period (not dismissed)
    trend: list[TrendPoint]  # pass rates of this and earlier periods, oldest first
    reviewed: int  # findings a person reviewed (confirmed or dismissed)
    paragraphs: dict[str, str] = field(default_factory=dict)  # ready sentences: "overview", "requirements", ...
