"""The users page (admins only): list users, add one, disable one (their sessions end at once)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from ..store.users import (
    ROLE_LABELS,
    Principal,
    UserError,
    add_user,
    disable_user,
    list_users,
    unit_names,
)
from .render import page
from .security import MAX_ID, WebError, require

router = APIRouter()
DONE = {"added": "已添加用户", "disabled": "已停用用户"}


def _web_text(message: str) -> str:
    """The store's message with the CLI's flag names replaced by the form's field names."""
    return message.replace("用 --unit 指定", "选择").replace("不需要 --unit", "不需要选择单位")


def _page(request: Request, status: int = 200, **ctx: object) -> Response:
    store = request.app.state.web.store
    with store.session() as s:
        units = unit_names(s)
    return page(request, "users.html", status=status, users=list_users(store), units=units,
                roles=ROLE_LABELS, **ctx)


@router.get("/users", include_in_schema=False)
def users_page(request: Request, p: Annotated[Principal, Depends(require("admin"))],
               done: str | None = None, name: str | None = None) -> Response:
    flash = f"{DONE[done]} {name}" if done in DONE and name else None
    return _page(request, flash=flash)


@router.post("/users", include_in_schema=False)
def users_add(
    request: Request, p: Annotated[Principal, Depends(require("admin"))],
    name: Annotated[str, Form()], role: Annotated[str, Form()], password: Annotated[str, Form()],
    confirm: Annotated[str, Form()], unit: Annotated[str, Form()] = "",
) -> Response:
    form = {"name": name, "role": role, "unit": unit}
    if password != confirm:
        return _page(request, 400, error="两次输入的密码不一致；未添加用户", form=form)
    try:
        user = add_user(request.app.state.web.store, name, password, role, unit.strip() or None)
    except UserError as exc:
        return _page(request, 400, error=_web_text(str(exc)) + "；未添加用户", form=form)
    return RedirectResponse(f"/users?done=added&name={quote(user.name)}", status_code=303)


@router.post("/users/{user_id}/disable", include_in_schema=False)
def users_disable(request: Request, user_id: int, p: Annotated[Principal, Depends(require("admin"))]) -> Response:
    if not 0 < user_id <= MAX_ID:
        raise WebError(404, f"没有编号为 {user_id} 的用户")
    try:
        user = disable_user(request.app.state.web.store, user_id, by=p.user_id)
    except UserError as exc:
        raise WebError(404 if "没有编号" in str(exc) else 400, str(exc)) from exc
    return RedirectResponse(f"/users?done=disabled&name={quote(user.name)}", status_code=303)
