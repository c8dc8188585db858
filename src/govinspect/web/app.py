"""The dashboard and JSON API: one FastAPI application over the store the CLI uses.

``create_app(store, settings)`` builds it; ``govinspect serve`` runs it with uvicorn. Pages are
rendered on the server (Jinja2) with HTMX for partial updates; the API lives under
``/api/v1`` with its OpenAPI document at ``/api/v1/openapi.json``. Every route reads the
store through the storage and service modules (the same units of work as the CLI), never
through crawler internals.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..settings import Settings
from ..store import Store
from .render import HERE, page
from .security import LoginLimiter, LoginRequired, WebError, is_api, read_form_csrf


@dataclass
class WebContext:
    """What every route shares: the store, the settings and the web's own options."""

    store: Store
    settings: Settings
    block_private: bool = True  # SSRF guard for site URLs added through the web
    secure_cookies: bool | None = None  # None: Secure when the request came over https
    session_hours: float = 8.0
    max_upload_bytes: int = 5 * 1024 * 1024
    limiter: LoginLimiter = field(default_factory=LoginLimiter)
    today: Callable[[], date] = date.today  # the inspection date of runs started from the web
    extra: dict[str, Any] = field(default_factory=dict)  # per-feature state (e.g. the run launcher)


class UploadLimit:
    """Refuse a request body larger than the limit with 413, before any route reads it."""

    def __init__(self, app: ASGIApp, limit: Callable[[], int]):
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit()
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _too_large(scope, receive, send, limit)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise WebError(413, _too_large_text(limit))
            return message

        await self.app(scope, counted, send)


def _too_large_text(limit: int) -> str:
    return f"上传内容过大：超过 {limit // (1024 * 1024)} MB 的上限，未做任何更改"


async def _too_large(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
    path = scope.get("path", "")
    text = _too_large_text(limit)
    if path.startswith("/api/"):
        response: Response = JSONResponse({"error": text}, status_code=413)
    else:
        response = Response(f"<!doctype html><meta charset=utf-8><p>{text}</p>", status_code=413,
                            media_type="text/html; charset=utf-8")
    await response(scope, receive, send)


SHUTDOWN_WAIT = 30.0  # seconds the server waits at shutdown for runs it started
log = logging.getLogger(__name__)

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; frame-ancestors 'none'; form-action 'self'"
    ),
}


def create_app(ctx: WebContext) -> FastAPI:
    """The application over ``ctx.store``."""
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        # Runs started from the dashboard write to the store: let them end before it closes.
        from .jobs import launcher

        alive = launcher(ctx.extra).join_all(SHUTDOWN_WAIT)
        if alive:
            log.warning("runs %s still going at shutdown; the store marks them interrupted when stale", alive)

    app = FastAPI(
        lifespan=lifespan,
        title="govinspect",
        description="政府网站与政务新媒体检查平台 API",
        version="1",
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
        dependencies=[Depends(read_form_csrf)],
    )
    app.state.web = ctx
    _api_only_schema(app)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    _install_errors(app)

    @app.middleware("http")
    async def headers(request: Request, call_next: Callable[[Request], Any]) -> Response:
        response: Response = await call_next(request)
        for k, v in SECURITY_HEADERS.items():
            response.headers.setdefault(k, v)
        if not request.url.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    app.add_middleware(UploadLimit, limit=lambda: ctx.max_upload_bytes)

    from . import (  # the feature routers, each in its own module
        accounts,
        api_actions,
        api_findings,
        api_read,
        auth,
        availability,
        evidence,
        overview,
        registry,
        reports,
        review,
        runs,
        sites,
        users,
    )

    for module in (auth, overview, sites, accounts, availability, evidence, runs, reports, registry, review,
                   users, api_read, api_actions, api_findings):
        app.include_router(module.router)
    return app


def _api_only_schema(app: FastAPI) -> None:
    """The OpenAPI document describes the JSON API only, not the HTML pages and their forms."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = FastAPI.openapi(app)
            schema["paths"] = {k: v for k, v in schema.get("paths", {}).items() if k.startswith("/api/")}
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _install_errors(app: FastAPI) -> None:
    """Every refusal as one Chinese line: JSON ``{"error": ...}`` under /api, a page elsewhere."""

    @app.exception_handler(WebError)
    async def web_error(request: Request, exc: WebError) -> Response:
        if isinstance(exc, LoginRequired) and not is_api(request):
            target = "/login?expired=1" if exc.expired else "/login"
            nxt = request.url.path
            if request.method == "GET" and nxt not in ("/", "/login"):
                target += ("&" if "?" in target else "?") + f"next={nxt}"
            if request.headers.get("hx-request"):
                return Response(status_code=200, headers={"HX-Redirect": target})
            return RedirectResponse(target, status_code=303)
        if exc.status in (301, 302, 303, 307) and "location" in exc.headers:
            if request.headers.get("hx-request"):
                return Response(status_code=200, headers={"HX-Redirect": exc.headers["location"]})
            return RedirectResponse(exc.headers["location"], status_code=exc.status)
        return error_response(request, exc.status, exc.message, exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        text = {404: "页面不存在", 405: "不支持的请求方法"}.get(exc.status_code, str(exc.detail))
        return error_response(request, exc.status_code, text)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(x) for x in first.get("loc", ()) if x not in ("body", "query", "path", "form"))
        return error_response(request, 422, f"参数 {where or '?'} 无效: {first.get('msg', '')}")


def error_response(request: Request, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    if is_api(request):
        return JSONResponse({"error": message}, status_code=status, headers=headers)
    response = page(request, "error.html", status=status, message=message, status_code=status)
    response.headers.update(headers or {})
    return response
