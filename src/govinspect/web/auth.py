"""Signing in and out: the login page, the one-time password change, API bearer tokens."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel

from ..store.users import (
    Principal,
    UserError,
    authenticate,
    close_session,
    open_session,
    session_principal,
    set_password,
)
from .render import page
from .security import COOKIE, LOGIN_COOKIE, WebError, client_addr, current, require

router = APIRouter()


def _secure(request: Request) -> bool:
    choice = request.app.state.web.secure_cookies
    return request.url.scheme == "https" if choice is None else bool(choice)


def _safe_next(target: str | None) -> str:
    """Only a path of this site (no scheme, no host, no //) is followed after login."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


@router.get("/login", include_in_schema=False)
def login_form(request: Request, next: str | None = None, expired: int = 0) -> Response:
    token = secrets.token_urlsafe(24)
    notice = "登录已过期，请重新登录" if expired else None
    response = page(request, "login.html", login_token=token, next=_safe_next(next), notice=notice)
    response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict", secure=_secure(request),
                        max_age=3600, path="/login")
    return response


def _check_login(request: Request, name: str, password: str) -> int:
    """The user id, or WebError 429 (too many failures) / 401 (wrong name or password)."""
    ctx = request.app.state.web
    addr = client_addr(request)
    wait = ctx.limiter.retry_after(name, addr)
    if wait:
        raise WebError(429, f"登录失败次数过多，请 {max(1, wait // 60)} 分钟后再试", {"Retry-After": str(wait)})
    user = authenticate(ctx.store, name, password)
    if user is None:
        ctx.limiter.failed(name, addr)
        raise WebError(401, "用户名或密码错误")
    ctx.limiter.succeeded(name)
    return user.id


@router.post("/login", include_in_schema=False)
def login(
    request: Request, name: Annotated[str, Form()], password: Annotated[str, Form()],
    login_token: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "/",
) -> Response:
    cookie = request.cookies.get(LOGIN_COOKIE, "")
    if not cookie or not login_token or not secrets.compare_digest(cookie, login_token):
        raise WebError(403, "登录表单已失效(CSRF 令牌无效)，请刷新页面后重试")
    try:
        user_id = _check_login(request, name, password)
    except WebError as exc:
        if exc.status not in (401, 429):
            raise
        token = secrets.token_urlsafe(24)
        response = page(request, "login.html", status=exc.status, login_token=token, next=_safe_next(next),
                        error=exc.message, name=name)
        response.headers.update(exc.headers)
        response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict", secure=_secure(request),
                            max_age=3600, path="/login")
        return response
    ctx = request.app.state.web
    token = open_session(ctx.store, user_id, ctx.session_hours)
    done = RedirectResponse(_safe_next(next), status_code=303)
    done.set_cookie(COOKIE, token, httponly=True, samesite="lax", secure=_secure(request),
                        max_age=int(ctx.session_hours * 3600))
    done.delete_cookie(LOGIN_COOKIE, path="/login")
    return done


@router.post("/logout", include_in_schema=False)
def logout(request: Request, p: Annotated[Principal, Depends(require())]) -> Response:
    token = request.cookies.get(COOKIE)
    if token:
        close_session(request.app.state.web.store, token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response


@router.get("/password", include_in_schema=False)
def password_form(request: Request, p: Annotated[Principal, Depends(require())]) -> Response:
    return page(request, "password.html")


@router.post("/password", include_in_schema=False)
def change_password(
    request: Request, p: Annotated[Principal, Depends(require())],
    password: Annotated[str, Form()], confirm: Annotated[str, Form()],
) -> Response:
    if password != confirm:
        return page(request, "password.html", status=400, error="两次输入的新密码不一致")
    try:
        set_password(request.app.state.web.store, p.user_id, password)
    except UserError as exc:
        return page(request, "password.html", status=400, error=str(exc))
    return RedirectResponse("/", status_code=303)


class Credentials(BaseModel):
    name: str
    password: str


class TokenOut(BaseModel):
    token: str
    token_type: str = "bearer"
    expires_in: int
    role: str
    unit: str | None


@router.post("/api/v1/session", response_model=TokenOut, tags=["会话"],
             responses={401: {"description": "用户名或密码错误"}, 429: {"description": "登录失败次数过多"}})
def api_login(request: Request, body: Credentials) -> TokenOut:
    """Exchange a name and password for a bearer token (``Authorization: Bearer <token>``)."""
    ctx = request.app.state.web
    user_id = _check_login(request, body.name, body.password)
    token = open_session(ctx.store, user_id, ctx.session_hours, kind="api")
    p = session_principal(ctx.store, token)
    assert isinstance(p, Principal)
    if p.must_change:
        close_session(ctx.store, token)
        raise WebError(403, "请先在网页上修改一次性初始密码")
    return TokenOut(token=token, expires_in=int(ctx.session_hours * 3600), role=p.role, unit=p.unit)


class Me(BaseModel):
    name: str
    role: str
    unit: str | None


@router.get("/api/v1/me", response_model=Me, tags=["会话"], responses={401: {"description": "未登录"}})
def me(request: Request) -> Me:
    """Who the token or session belongs to."""
    p = current(request)
    return Me(name=p.name, role=p.role, unit=p.unit)
