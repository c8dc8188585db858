"""Server-rendered pages: the Jinja2 environment, the page helper and the navigation by role."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from ..store.users import Principal

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))

# (path, label, roles that see it; empty: every role)
NAV: list[tuple[str, str, tuple[str, ...]]] = [
    ("/", "总览", ()),
    ("/sites", "网站", ()),
    ("/accounts", "政务新媒体", ()),
    ("/availability", "可用性监测", ()),
    ("/runs", "检查任务", ("admin", "supervisor")),
    ("/reports", "通报", ("admin", "supervisor")),
    ("/review", "审核与整改", ()),
    ("/registry", "登记表", ("admin", "supervisor")),
    ("/users", "用户", ("admin",)),
]


def _date(value: date | datetime | None, fmt: str = "%Y-%m-%d") -> str:
    return value.strftime(fmt) if value else "—"


def _pct(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


templates.env.filters["d"] = _date
templates.env.filters["pct"] = _pct


def nav_for(p: Principal | None) -> list[tuple[str, str]]:
    if p is None:
        return []
    return [(path, label) for path, label, roles in NAV if not roles or p.role in roles]


def page(request: Request, template: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    """Render ``template`` with the signed-in principal, their CSRF token and the navigation."""
    p: Principal | None = getattr(request.state, "principal", None)
    base = {"principal": p, "csrf": p.csrf if p else "", "nav": nav_for(p), "path": request.url.path}
    return templates.TemplateResponse(request, template, {**base, **ctx}, status_code=status)
