"""The findings write API: review acts and manual findings, with the review page's role rules."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel, Field

from ..store.users import Principal
from .api_read import FindingOut, finding_out
from .review import INSPECTOR_ROLES, act, add
from .security import require

router = APIRouter(prefix="/api/v1", tags=["问题审核"])


class ErrorOut(BaseModel):
    """Every refusal: one Chinese line."""

    error: str


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    text = {400: "参数不符合要求(如缺少理由)", 401: "未登录或令牌无效", 403: "角色无权或不属于本单位(含 CSRF 校验失败)",
            404: "问题、网站或账号不存在", 409: "该问题的状态不允许此操作", 422: "请求格式错误"}
    return {c: {"model": ErrorOut, "description": text[c]} for c in codes}


class ReviewIn(BaseModel):
    """``confirm``/``dismiss``: supervisors and admins; ``fixed``/``disputed``: operators (own unit) and admins.
    A dismissal and a dispute need a reason."""

    model_config = {"json_schema_extra": {"examples": [{"action": "confirm"}, {"action": "dismiss", "reason": "误报"},
                                                      {"action": "fixed", "reason": "已修复"},
                                                      {"action": "disputed", "reason": "该栏目已更新"}]}}

    action: Literal["confirm", "dismiss", "fixed", "disputed"]
    reason: str | None = Field(default=None, max_length=2000)


class ManualIn(BaseModel):
    """A problem no machine sees, on exactly one site or account (supervisors and admins)."""

    model_config = {"json_schema_extra": {"examples": [
        {"site_id": 1, "code": "manual.menu_broken", "message": "首页菜单点击无反应", "severity": "deduct"},
        {"account_id": 1, "code": "manual.staff_left", "message": "管理人员已离职", "severity": "veto"}]}}

    site_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    account_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    code: Literal["manual.staff_left", "manual.menu_broken", "manual.other"]
    message: str = Field(min_length=1, max_length=2000)
    severity: Literal["veto", "deduct", "notice"] = "deduct"


@router.post("/findings/{finding_id}/review", response_model=FindingOut,
             responses=_errors(400, 401, 403, 404, 409, 422))
def review_finding(
    request: Request, finding_id: Annotated[int, Path(ge=1, le=2**31 - 1, examples=[1])], body: ReviewIn,
    p: Annotated[Principal, Depends(require())],
) -> FindingOut:
    """Confirm, dismiss, mark fixed or dispute one finding; the act is recorded in its history."""
    return finding_out(act(request, p, finding_id, body.action, body.reason))


@router.post("/findings", response_model=FindingOut, status_code=201, responses=_errors(400, 401, 403, 404, 422))
def add_finding(request: Request, body: ManualIn, p: Annotated[Principal, Depends(require(*INSPECTOR_ROLES))],
                ) -> FindingOut:
    """Record a manual finding on a site (``site_id``) or an account (``account_id``)."""
    return finding_out(add(request, p, site_id=body.site_id, account_id=body.account_id, code=body.code,
                             message=body.message, severity=body.severity))
