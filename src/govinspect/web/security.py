"""Who is asking and what they may do: sessions, roles, unit scope, CSRF, login rate limit.

Every page and API route takes its principal through ``require(...)``; a route that reads one
site or account checks it with ``site_in_scope`` / ``account_in_scope``, and list queries
filter with ``unit_filter``. Unsafe methods (POST, PUT, PATCH, DELETE) from a browser session
must carry the session's CSRF token (form field ``csrf_token`` or header ``X-CSRF-Token``);
API clients with a bearer token are exempt (browsers never send bearer tokens on their own).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import TypeVar

from fastapi import Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..store.tables import Account, Site
from ..store.users import Principal, session_principal

COOKIE = "govinspect_session"
LOGIN_COOKIE = "govinspect_login"  # the double-submit token of the login form (no session yet)
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class WebError(Exception):
    """An answer other than success: an HTTP status and one Chinese line for the person."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


class LoginRequired(WebError):
    """No session, an unknown token or an expired session."""

    def __init__(self, expired: bool = False):
        super().__init__(401, "登录已过期，请重新登录" if expired else "请先登录")
        self.expired = expired


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _token(request: Request) -> tuple[str | None, bool]:
    """The session token and whether it came as a bearer token."""
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip(), True
    return request.cookies.get(COOKIE), False


def current(request: Request) -> Principal:
    """The signed-in principal of this request (cached), or LoginRequired."""
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    token, bearer = _token(request)
    if not token:
        raise LoginRequired()
    found = session_principal(request.app.state.web.store, token)
    if not isinstance(found, Principal):
        raise LoginRequired(expired=found is False)
    request.state.principal, request.state.bearer = found, bearer
    return found


def optional(request: Request) -> Principal | None:
    try:
        return current(request)
    except LoginRequired:
        return None


def require(*roles: str) -> Callable[[Request], Principal]:
    """A dependency: the principal, refused with 403 unless their role is one of ``roles`` (any when empty)."""

    def dependency(request: Request) -> Principal:
        p = current(request)
        if p.must_change and request.url.path not in ("/password", "/logout"):
            if is_api(request):
                raise WebError(403, "请先在网页上修改一次性初始密码")
            raise WebError(303, "请先修改初始密码", {"location": "/password"})
        if roles and p.role not in roles:
            raise WebError(403, f"当前角色({p.role_label})无权进行此操作")
        check_csrf(request, p)
        return p

    return dependency


def check_csrf(request: Request, p: Principal) -> None:
    """Refuse an unsafe request of a browser session without the session's CSRF token."""
    if request.method not in UNSAFE or getattr(request.state, "bearer", False):
        return
    sent = request.headers.get(CSRF_HEADER) or getattr(request.state, "form_csrf", None)
    if not sent or not secrets.compare_digest(str(sent), p.csrf):
        raise WebError(403, "表单校验失败(CSRF 令牌无效或缺失)，请刷新页面后重试；未做任何更改")


async def read_form_csrf(request: Request) -> None:
    """Read the form's CSRF field before the route runs (Starlette caches the parsed form)."""
    if request.method in UNSAFE:
        ctype = request.headers.get("content-type", "")
        if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            request.state.form_csrf = form.get(CSRF_FIELD)


MAX_ID = 2**31 - 1  # the largest id the databases store (PostgreSQL integer); larger ids name nothing
_M = TypeVar("_M")


def get_row(s: Session, model: type[_M], ident: int) -> _M | None:
    """``s.get(model, ident)``, or None for an id no table can hold (no database error on 10**20)."""
    return s.get(model, ident) if 0 < ident <= MAX_ID else None


# --- unit scope ----------------------------------------------------------------------------


def unit_filter(p: Principal) -> int | None | bool:
    """``True`` when the principal sees every unit, else the one unit id they may see."""
    return True if p.sees_all else p.unit_id


def site_in_scope(s: Session, p: Principal, site_id: int) -> Site:
    """The site, or 404 when it does not exist, 403 when it belongs to another unit."""
    site = get_row(s, Site, site_id)
    if site is None:
        raise WebError(404, f"没有编号为 {site_id} 的网站")
    if not p.sees_all and site.unit_id != p.unit_id:
        raise WebError(403, "该网站不属于您所在的单位，无权查看或操作")
    return site


def account_in_scope(s: Session, p: Principal, account_id: int) -> Account:
    """The account, or 404 when it does not exist, 403 when it belongs to another unit."""
    account = get_row(s, Account, account_id)
    if account is None:
        raise WebError(404, f"没有编号为 {account_id} 的政务新媒体账号")
    if not p.sees_all and account.unit_id != p.unit_id:
        raise WebError(403, "该账号不属于您所在的单位，无权查看或操作")
    return account


def subject_in_scope(s: Session, p: Principal, subject: str) -> None:
    """Check a finding's subject (``site:<id>`` / ``account:<id>``) against the principal's unit."""
    kind, _, raw = subject.partition(":")
    if kind == "site":
        site_in_scope(s, p, int(raw))
    else:
        account_in_scope(s, p, int(raw))


def visible_subjects(s: Session, p: Principal) -> set[str] | None:
    """The finding subjects an operator may see (None: every subject)."""
    if p.sees_all:
        return None
    sites = s.scalars(select(Site.id).where(Site.unit_id == p.unit_id))
    accounts = s.scalars(select(Account.id).where(Account.unit_id == p.unit_id))
    return {f"site:{i}" for i in sites} | {f"account:{i}" for i in accounts}


# --- login rate limit ----------------------------------------------------------------------


class LoginLimiter:
    """At most ``limit`` failed logins per name and per client address within ``window`` seconds."""

    def __init__(self, limit: int = 5, window: float = 900.0, clock: Callable[[], float] = time.monotonic):
        self.limit, self.window, self.clock = limit, window, clock
        self._fails: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _keys(self, name: str, addr: str) -> list[str]:
        return [f"name:{name.strip().lower()}", f"addr:{addr}"]

    def retry_after(self, name: str, addr: str) -> int:
        """Seconds until another attempt is allowed (0: allowed now)."""
        now = self.clock()
        wait = 0.0
        with self._lock:
            for key in self._keys(name, addr):
                q = self._fails.get(key)
                while q and now - q[0] > self.window:
                    q.popleft()
                if q and len(q) >= self.limit:
                    wait = max(wait, self.window - (now - q[0]))
        return int(wait) + 1 if wait else 0

    def failed(self, name: str, addr: str) -> None:
        now = self.clock()
        with self._lock:
            for key in self._keys(name, addr):
                self._fails.setdefault(key, deque()).append(now)

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._fails.pop(f"name:{name.strip().lower()}", None)


def client_addr(request: Request) -> str:
    return request.client.host if request.client else "-"

