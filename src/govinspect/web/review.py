"""The review queue: supervisors confirm or dismiss machine findings and add manual ones;
operators mark their unit's findings fixed or dispute them.

Every act goes through ``store.findings.review`` / ``add_manual`` (the units of work of
``govinspect findings review|add``), with the signed-in user as the actor, after the role and
the unit scope of the finding are checked. ``act`` and ``add`` are shared with the JSON API.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..labels import PLATFORM_LABELS, code_label
from ..store.findings import (
    ACTION_LABELS,
    FindingError,
    FindingView,
    add_manual,
    list_findings,
    review,
)
from ..store.tables import Account, Review, Site, TrackedFinding, Unit
from ..store.users import Principal
from .render import page
from .security import (
    MAX_ID,
    WebError,
    account_in_scope,
    require,
    site_in_scope,
    subject_in_scope,
    visible_subjects,
)

router = APIRouter()

# Who may do what: inspectors judge machine findings, owners answer for their own unit.
INSPECTOR_ROLES = ("admin", "supervisor")
OWNER_ROLES = ("admin", "operator")
ROLES_OF_ACTION = {"confirm": INSPECTOR_ROLES, "dismiss": INSPECTOR_ROLES,
                   "fixed": OWNER_ROLES, "disputed": OWNER_ROLES}
WEB_ACTIONS = {"confirm": "confirm", "dismiss": "dismiss", "fixed": "fixed", "dispute": "disputed"}

MANUAL_CODES = ("manual.staff_left", "manual.menu_broken", "manual.other")
SEVERITY_LABELS = {"veto": "单项否决", "deduct": "扣分", "notice": "提示"}
DONE = {"confirm": "已确认问题", "dismiss": "已排除问题", "fixed": "已标记为已整改(下次检查核验)",
        "disputed": "已登记异议", "add": "已添加人工问题"}


def clean_text(value: str | None, what: str) -> str | None:
    """The text stripped; WebError 400 for control characters or text the database cannot store."""
    if value is None:
        return None
    value = value.strip()
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise WebError(400, f"{what}含有无效字符；未做任何更改") from None
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value):
        raise WebError(400, f"{what}含有不允许的控制字符；未做任何更改")
    if len(value) > 2000:
        raise WebError(400, f"{what}过长：最多 2000 个字符；未做任何更改")
    return value


def act(request: Request, p: Principal, finding_id: int, action: str, reason: str | None) -> FindingView:
    """Apply one review act after checking the role and the finding's unit; WebError otherwise."""
    roles = ROLES_OF_ACTION.get(action)
    if roles is None:
        raise WebError(422, f"未知审核动作 {action!r}，可选: confirm(确认)、dismiss(排除)、fixed(已整改)、disputed(申诉)")
    if p.role not in roles:
        raise WebError(403, f"当前角色({p.role_label})无权{ACTION_LABELS[action]}问题")
    store = request.app.state.web.store
    if not 0 < finding_id <= MAX_ID:
        raise WebError(404, f"没有编号为 {finding_id} 的问题")
    with store.session() as s:
        row = s.get(TrackedFinding, finding_id)
        if row is None:
            raise WebError(404, f"没有编号为 {finding_id} 的问题")
        subject_in_scope(s, p, row.subject)
    reason = clean_text(reason, "理由") or None
    if action == "dismiss" and not reason:
        raise WebError(400, f"排除问题 #{finding_id} 需要填写理由；未做任何更改")
    if action == "disputed" and not reason:
        raise WebError(400, f"对问题 #{finding_id} 申诉需要填写理由；未做任何更改")
    try:
        return review(store, finding_id, action, reason, actor=p.name)
    except FindingError as exc:
        raise WebError(409, str(exc)) from exc


def add(request: Request, p: Principal, *, site_id: int | None, account_id: int | None, code: str,
        message: str, severity: str) -> FindingView:
    """Record a manual finding on one site or account (inspectors only)."""
    if p.role not in INSPECTOR_ROLES:
        raise WebError(403, f"当前角色({p.role_label})无权添加人工问题")
    if (site_id is None) == (account_id is None):
        raise WebError(400, "请选择一个网站或一个账号(二选一)")
    if not 0 < (site_id or account_id or 0) <= MAX_ID:
        raise WebError(404, f"没有编号为 {site_id or account_id} 的{'网站' if site_id else '账号'}")
    if code not in MANUAL_CODES:
        raise WebError(400, f"问题类型取值错误: {code!r}，可选: {'、'.join(MANUAL_CODES)}")
    message = clean_text(message, "问题描述") or ""
    if not message:
        raise WebError(400, "问题描述不能为空")
    ctx = request.app.state.web
    with ctx.store.session() as s:
        if site_id is not None:
            target: dict[str, Any] = {"site": site_in_scope(s, p, site_id).url}
        else:
            a = account_in_scope(s, p, int(account_id or 0))
            target = {"account": a.name, "platform": a.platform}
    try:
        return add_manual(ctx.store, code=code, message=message, severity=severity, as_of=ctx.today(),
                          actor=p.name, **target)
    except FindingError as exc:
        raise WebError(400, str(exc)) from exc


# --- the queue -----------------------------------------------------------------------------


def _pending_disputes(s: Session, ids: list[int]) -> set[int]:
    """Findings whose owner disputed them after the last inspector's confirm or dismiss."""
    if not ids:
        return set()
    judged = dict(s.execute(
        select(Review.finding_id, func.max(Review.at))
        .where(Review.finding_id.in_(ids), Review.action.in_(("confirm", "dismiss")))
        .group_by(Review.finding_id)).all())
    rows = s.execute(select(TrackedFinding.id, TrackedFinding.owner_at)
                     .where(TrackedFinding.id.in_(ids), TrackedFinding.owner_status == "disputed")).all()
    return {i for i, at in rows if at is not None and (judged.get(i) is None or judged[i] < at)}


def queue(request: Request, p: Principal, unit: str | None = None, code: str | None = None,
          site: int | None = None) -> tuple[list[FindingView], set[int]]:
    """The rows of the queue: disputes first, then machine findings awaiting review (inspectors);
    the unit's open findings not dismissed (operators). With the ids of the pending disputes."""
    store = request.app.state.web.store
    try:
        rows = list_findings(store, status="open", unit=unit or None, code=code or None)
    except FindingError as exc:
        raise WebError(400, str(exc)) from exc
    with store.session() as s:
        allowed = visible_subjects(s, p)
        if allowed is not None:
            rows = [r for r in rows if r.subject in allowed]
        if site is not None:
            rows = [r for r in rows if r.subject == f"site:{site}"]
        disputed = _pending_disputes(s, [r.id for r in rows])
    if p.sees_all:
        rows = [r for r in rows if r.id in disputed or (r.review == "unreviewed" and r.origin != "manual")]
    else:
        rows = [r for r in rows if r.review != "dismissed" or r.id in disputed]
    return sorted(rows, key=lambda r: (r.id not in disputed, r.id)), disputed


def _choices(request: Request, p: Principal) -> dict[str, Any]:
    """The options of the filters and of the manual-finding form, within the principal's scope."""
    with request.app.state.web.store.session() as s:
        sq = select(Site.id, Site.name).where(Site.archived_at.is_(None)).order_by(Site.name)
        aq = select(Account.id, Account.name, Account.platform).order_by(Account.name)
        uq = select(Unit.name).where(Unit.archived_at.is_(None)).order_by(Unit.name)
        if not p.sees_all:
            sq, aq = sq.where(Site.unit_id == p.unit_id), aq.where(Account.unit_id == p.unit_id)
            uq = uq.where(Unit.id == p.unit_id)
        return {"sites": s.execute(sq).all(), "accounts": s.execute(aq).all(), "units": list(s.scalars(uq)),
                "codes": sorted({r for r in s.scalars(select(TrackedFinding.code).distinct())})}


def _row(request: Request, p: Principal, f: FindingView, message: str | None = None,
         kind: str = "ok", pending: bool = False) -> Response:
    """One row of the queue, the answer to an HTMX act."""
    return page(request, "_review_row.html", f=f, message=message, kind=kind, pending=pending,
                inspector=p.role in INSPECTOR_ROLES, owner=p.role in OWNER_ROLES)


@router.get("/review", include_in_schema=False)
def review_page(
    request: Request, p: Annotated[Principal, Depends(require())],
    unit: str | None = None, code: str | None = None, site: str | None = None,
    done: str | None = None, id: int | None = None,
) -> Response:
    site_id = int(site) if site and site.isdigit() and len(site) < 10 else None
    if site and site_id is None:
        raise WebError(400, f"网站参数无效: {site!r}")
    if unit and not p.sees_all and unit != p.unit:
        raise WebError(403, "只能查看本单位的问题")
    if site_id is not None:
        with request.app.state.web.store.session() as s:
            site_in_scope(s, p, site_id)
    rows, disputed = queue(request, p, unit, code, site_id)
    flash = f"{DONE[done]} #{id}" if done in DONE and id is not None else None
    return page(request, "review.html", rows=rows, disputed=disputed, filters={"unit": unit, "code": code,
                "site": site_id}, flash=flash, inspector=p.role in INSPECTOR_ROLES, owner=p.role in OWNER_ROLES,
                manual_codes=[(c, code_label(c)) for c in MANUAL_CODES], severities=SEVERITY_LABELS,
                code_label=code_label, platforms=PLATFORM_LABELS, **_choices(request, p))


@router.post("/review/{finding_id}/{action}", include_in_schema=False)
def review_act(
    request: Request, finding_id: int, action: str, p: Annotated[Principal, Depends(require())],
    reason: Annotated[str, Form()] = "",
) -> Response:
    if action not in WEB_ACTIONS:
        raise WebError(404, "页面不存在")
    htmx = bool(request.headers.get("hx-request"))
    try:
        f = act(request, p, finding_id, WEB_ACTIONS[action], reason)
    except WebError as exc:
        if htmx and exc.status in (400, 409):  # the row stays, with the reason of the refusal
            rows, disputed = queue(request, p)
            same = [r for r in rows if r.id == finding_id]
            if same:
                return _row(request, p, same[0], exc.message, "bad", pending=finding_id in disputed)
        raise
    if htmx:
        return _row(request, p, f, f"{DONE[WEB_ACTIONS[action]]} #{f.id}")
    return RedirectResponse(f"/review?done={WEB_ACTIONS[action]}&id={f.id}", status_code=303)


@router.post("/review/manual", include_in_schema=False)
def review_add(
    request: Request, p: Annotated[Principal, Depends(require(*INSPECTOR_ROLES))],
    subject: Annotated[str, Form()], code: Annotated[str, Form()], message: Annotated[str, Form()],
    severity: Annotated[str, Form()] = "deduct",
) -> Response:
    kind, _, raw = subject.partition(":")
    if kind not in ("site", "account") or not raw.isdigit():
        raise WebError(400, "请选择一个网站或账号")
    f = add(request, p, site_id=int(raw) if kind == "site" else None,
            account_id=int(raw) if kind == "account" else None, code=code, message=message, severity=severity)
    return RedirectResponse(f"/review?done=add&id={f.id}", status_code=303)
