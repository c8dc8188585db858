"""The read API under /api/v1: sites, accounts, findings, a period's verdicts and the periods.

Every route is scoped like the pages: an operator's lists hold only their unit's sites,
accounts and findings, and a single item of another unit answers 403.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import select

from ..errors import UsageError
from ..labels import PLATFORM_LABELS, code_label
from ..store.findings import STATUSES, FindingView, list_findings
from ..store.periods import finished_periods, period_runs
from ..store.summary import LEVEL_LABELS, summarize
from ..store.tables import Account, AccountResult, Site, SiteResult, Unit
from ..store.users import Principal
from .evidence import finding_view, mask_all, mask_numbers
from .read_queries import (
    ACCOUNT_VERDICTS,
    SITE_VERDICTS,
    AccountRow,
    RunPoint,
    SiteRow,
    account_history,
    account_rows,
    check_period,
    choice,
    site_history,
    site_rows,
    units,
)
from .security import WebError, account_in_scope, require, site_in_scope, visible_subjects

router = APIRouter(prefix="/api/v1", tags=["查询"])


class ErrorOut(BaseModel):
    error: str = Field(description="一行中文说明")


ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "未登录或登录已过期"},
    403: {"model": ErrorOut, "description": "无权查看(其他单位的数据或角色不符)"},
    404: {"model": ErrorOut, "description": "不存在"},
    422: {"model": ErrorOut, "description": "参数无效"},
}


class SiteOut(BaseModel):
    id: int
    name: str
    url: str
    unit: str | None
    level: str = Field(description="portal | county | department | other")
    level_label: str
    site_code: str | None
    archived: bool
    verdict: str = Field(description="最近一次检查结果: pass | veto | fail | none(未检查)")
    verdict_label: str
    score: float | None
    period: str | None = Field(description="最近一次检查结果的期次 YYYY-MM")
    veto_reasons: list[str]
    open_problems: int = Field(description="未整改的问题数(不含提示和已排除的)")


class RunOut(BaseModel):
    run_id: int
    period: str
    as_of: date
    kind: str
    verdict: str
    verdict_label: str
    score: float | None
    problems: int


class SiteDetail(SiteOut):
    history: list[RunOut] = Field(description="历次检查结果，由旧到新")


class AccountOut(BaseModel):
    id: int
    name: str
    platform: str
    platform_label: str
    unit: str | None
    archived: bool
    closed: bool
    closed_label: str | None = Field(description="已关停 / 已注销 / 已整合")
    closed_on: date | None
    verdict: str = Field(description="pass | fail | closed | none(未检查)")
    verdict_label: str
    summary: str
    period: str | None
    open_problems: int


class AccountDetail(AccountOut):
    history: list[RunOut]


class FindingOut(BaseModel):
    id: int
    subject: str = Field(description="site:<id> 或 account:<id>")
    subject_kind: str
    subject_name: str
    unit: str | None
    code: str
    code_label: str
    severity: str
    url: str | None
    message: str
    evidence: dict[str, Any] = Field(description="证据(个人号码已遮盖)")
    origin: str
    first_seen: date
    last_seen: date
    resolved_at: date | None
    status: str
    status_label: str
    review: str
    review_label: str
    review_reason: str | None
    owner_status: str | None
    owner_reason: str | None
    rectification: str | None


class FiguresOut(BaseModel):
    registered: int
    checked: int
    passed: int
    failed: int
    rate: float | None


class VerdictOut(BaseModel):
    kind: str = Field(description="site | account")
    id: int
    name: str
    unit: str | None
    where: str = Field(description="网站网址或账号平台")
    verdict: str
    verdict_label: str
    score: float | None
    reasons: list[str]
    reason_labels: list[str]


class VerdictsOut(BaseModel):
    period: str
    as_of: date | None
    sites: FiguresOut
    accounts: FiguresOut
    site_pass_rate: float | None
    account_pass_rate: float | None
    verdicts: list[VerdictOut]


class PeriodsOut(BaseModel):
    periods: list[str] = Field(description="有已完成检查的期次，由旧到新")
    latest: str | None


def _site(r: SiteRow) -> dict[str, Any]:
    return {k: getattr(r, k) for k in SiteOut.model_fields}


def _account(r: AccountRow) -> dict[str, Any]:
    return {k: getattr(r, k) for k in AccountOut.model_fields}


def _run(h: RunPoint) -> RunOut:
    return RunOut(run_id=h.run_id, period=h.period, as_of=h.as_of, kind=h.kind, verdict=h.verdict,
                  verdict_label=h.verdict_label, score=h.score, problems=h.problems)


def finding_out(f: FindingView) -> FindingOut:
    """The API form of a finding, personal numbers masked (every route that returns one uses this)."""
    d = {k: getattr(f, k) for k in FindingOut.model_fields}
    d["evidence"], d["message"] = mask_all(f.evidence), mask_numbers(f.message)
    return FindingOut(**d)


def _unit(request: Request, p: Principal, unit: str | None) -> None:
    if unit:
        with request.app.state.web.store.session() as s:
            if unit not in units(s, p):
                raise WebError(403 if not p.sees_all else 404, f"没有可查看的单位: {unit}")


@router.get("/sites", response_model=list[SiteOut], responses=ERRORS)
def api_sites(
    request: Request, p: Annotated[Principal, Depends(require())],
    level: Annotated[str | None, Query(description="portal | county | department | other")] = None,
    verdict: Annotated[str | None, Query(description="pass | veto | fail | none")] = None,
    unit: Annotated[str | None, Query(description="单位名称")] = None,
    archived: Annotated[bool, Query(description="含已撤销登记的网站")] = False,
) -> list[dict[str, Any]]:
    """Registered sites with their latest verdict, failing first."""
    level = choice(level, LEVEL_LABELS, "网站类别")
    verdict = choice(verdict, SITE_VERDICTS, "检查结果")
    _unit(request, p, unit)
    with request.app.state.web.store.session() as s:
        return [_site(r) for r in site_rows(s, p, level=level, verdict=verdict, unit=unit, archived=archived)]


@router.get("/sites/{site_id}", response_model=SiteDetail, responses=ERRORS)
def api_site(request: Request, site_id: int, p: Annotated[Principal, Depends(require())]) -> SiteDetail:
    """One site: identity, latest verdict and every run's result."""
    with request.app.state.web.store.session() as s:
        site = site_in_scope(s, p, site_id)
        row = site_rows(s, p, archived=True, only=site.id)[0]
        history = site_history(s, site.id)
    return SiteDetail(**_site(row), history=[_run(h) for h in history])


@router.get("/accounts", response_model=list[AccountOut], responses=ERRORS)
def api_accounts(
    request: Request, p: Annotated[Principal, Depends(require())],
    platform: Annotated[str | None, Query(description="wechat | weibo | douyin | toutiao | other")] = None,
    verdict: Annotated[str | None, Query(description="pass | fail | closed | none")] = None,
    unit: Annotated[str | None, Query(description="单位名称")] = None,
    archived: Annotated[bool, Query(description="含已撤销登记的账号")] = False,
) -> list[dict[str, Any]]:
    """Registered new-media accounts with their latest verdict, failing first."""
    platform = choice(platform, PLATFORM_LABELS, "平台")
    verdict = choice(verdict, ACCOUNT_VERDICTS, "检查结果")
    _unit(request, p, unit)
    with request.app.state.web.store.session() as s:
        return [_account(r) for r in
                account_rows(s, p, platform=platform, verdict=verdict, unit=unit, archived=archived)]


@router.get("/accounts/{account_id}", response_model=AccountDetail, responses=ERRORS)
def api_account(request: Request, account_id: int, p: Annotated[Principal, Depends(require())]) -> AccountDetail:
    """One account: identity, closure, latest verdict and every run's result."""
    with request.app.state.web.store.session() as s:
        account = account_in_scope(s, p, account_id)
        row = account_rows(s, p, archived=True, only=account.id)[0]
        history = account_history(s, account.id)
    return AccountDetail(**_account(row), history=[_run(h) for h in history])


@router.get("/findings", response_model=list[FindingOut], responses=ERRORS)
def api_findings(
    request: Request, p: Annotated[Principal, Depends(require())],
    site_id: Annotated[int | None, Query(description="网站编号")] = None,
    account_id: Annotated[int | None, Query(description="账号编号")] = None,
    code: Annotated[str | None, Query(description="问题代码，如 link.broken")] = None,
    status: Annotated[str, Query(description="open(未整改) | resolved(已整改) | all")] = "open",
    period: Annotated[str | None, Query(description="期次 YYYY-MM：该期发现或整改的问题")] = None,
) -> list[FindingOut]:
    """Tracked findings matching the filters (an operator's: only their unit's)."""
    if status not in STATUSES:
        raise WebError(422, f"status 取值错误: {status}，可选: open(未整改)、resolved(已整改)、all(全部)")
    if site_id is not None and account_id is not None:
        raise WebError(422, "site_id 与 account_id 只能指定一个")
    store = request.app.state.web.store
    with store.session() as s:
        if period:
            check_period(s, period)
        subject = None
        site = account = None
        if site_id is not None:
            site, subject = site_in_scope(s, p, site_id).url, f"site:{site_id}"
        if account_id is not None:
            account, subject = account_in_scope(s, p, account_id).name, f"account:{account_id}"
        visible = visible_subjects(s, p)
    try:
        found = list_findings(store, site=site, account=account, code=code, status=status, period=period)
    except UsageError as exc:
        raise WebError(422, str(exc)) from exc
    return [finding_out(f) for f in found
            if (subject is None or f.subject == subject) and (visible is None or f.subject in visible)]


@router.get("/findings/{finding_id}", response_model=FindingOut, responses=ERRORS)
def api_finding(request: Request, finding_id: int, p: Annotated[Principal, Depends(require())]) -> FindingOut:
    """One tracked finding with its evidence (personal numbers masked)."""
    with request.app.state.web.store.session() as s:
        return finding_out(finding_view(s, p, finding_id))


@router.get("/verdicts", response_model=VerdictsOut, responses=ERRORS)
def api_verdicts(
    request: Request, p: Annotated[Principal, Depends(require())],
    period: Annotated[str | None, Query(description="期次 YYYY-MM(默认最近一期)")] = None,
) -> VerdictsOut:
    """The period's verdict of every site and account checked (an operator's: their unit's), with pass rates."""
    store = request.app.state.web.store
    with store.session() as s:
        chosen = check_period(s, period)
        if chosen is None:
            raise WebError(404, "暂无检查数据：还没有已完成的检查")
        runs = period_runs(s, chosen)
        unit_names = {i: n for i, n in s.execute(select(Unit.id, Unit.name))}
        out: list[VerdictOut] = []
        for r, site in s.execute(select(SiteResult, Site).join(Site, Site.id == SiteResult.site_id)
                                 .where(SiteResult.run_id.in_(runs.run_ids or [-1])).order_by(Site.id)):
            if runs.site_runs.get(site.id) != r.run_id or not (p.sees_all or site.unit_id == p.unit_id):
                continue
            v = "pass" if r.verdict == "pass" else ("veto" if r.vetoed else "fail")
            reasons = [str(c) for c in r.veto_reasons or []]
            out.append(VerdictOut(kind="site", id=site.id, name=site.name, unit=unit_names.get(site.unit_id),
                                  where=site.url, verdict=v, verdict_label=r.verdict_label or SITE_VERDICTS[v],
                                  score=r.score, reasons=reasons, reason_labels=[code_label(c) for c in reasons]))
        for ar, acc in s.execute(select(AccountResult, Account).join(Account, Account.id == AccountResult.account_id)
                                 .where(AccountResult.run_id.in_(runs.run_ids or [-1]))
                                 .order_by(Account.id)):
            if runs.account_runs.get(acc.id) != ar.run_id or not (p.sees_all or acc.unit_id == p.unit_id):
                continue
            v = ("pass" if ar.verdict == "pass" else "fail") if ar.checked else "none"
            out.append(VerdictOut(kind="account", id=acc.id, name=acc.name, unit=unit_names.get(acc.unit_id),
                                  where=acc.platform, verdict=v,
                                  verdict_label=ar.verdict_label if ar.checked else "未能检查", score=None,
                                  reasons=[], reason_labels=[]))
    sm = summarize(store, chosen, None if p.sees_all else p.unit_id)
    return VerdictsOut(period=chosen, as_of=sm.as_of, sites=FiguresOut(**sm.sites.to_dict()),
                       accounts=FiguresOut(**sm.accounts.to_dict()), site_pass_rate=sm.site_pass_rate,
                       account_pass_rate=sm.account_pass_rate, verdicts=out)


@router.get("/periods", response_model=PeriodsOut, responses={401: ERRORS[401]})
def api_periods(request: Request, p: Annotated[Principal, Depends(require())]) -> PeriodsOut:
    """The periods that have a finished inspection."""
    with request.app.state.web.store.session() as s:
        known = finished_periods(s)
    return PeriodsOut(periods=known, latest=known[-1] if known else None)
