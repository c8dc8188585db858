"""检查任务 pages: the list of runs, starting one (all registered targets or one site) and its live progress."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from ..store.runs import registered_targets
from ..store.tables import Site
from ..store.users import Principal
from .jobs import get_run, launcher, list_runs, run_view
from .render import page
from .security import WebError, get_row, require

router = APIRouter()
Runner = Annotated[Principal, Depends(require("admin", "supervisor"))]


def start_inspection(request: Request, site_id: int | None) -> int:
    """Start a run of every registered site and account, or of the one site ``site_id``; its id."""
    ctx = request.app.state.web
    targets = registered_targets(ctx.store)
    urls: list[str] = []
    if site_id is not None:
        with ctx.store.session() as s:
            site = get_row(s, Site, site_id)
            if site is None:
                raise WebError(404, f"没有编号为 {site_id} 的网站")
            if site.archived_at is not None:
                raise WebError(409, f"网站“{site.name}”已归档，不能检查；请先在登记表中恢复")
            urls = [site.url]
    elif not targets.sites and not targets.accounts:
        raise WebError(409, "没有已登记的网站或账号，请先在“登记表”中导入名单")
    return launcher(ctx.extra).start(ctx.store, ctx.settings, ctx.today(), urls)


def _site_choices(request: Request) -> list[tuple[int, str]]:
    with request.app.state.web.store.session() as s:
        rows = s.execute(select(Site.id, Site.name).where(Site.archived_at.is_(None)).order_by(Site.id))
        return [(i, n) for i, n in rows]


@router.get("/runs", response_class=HTMLResponse)
def runs_page(request: Request, p: Runner) -> Response:
    ctx = request.app.state.web
    jobs = launcher(ctx.extra)
    views = [run_view(ctx.store, r, jobs) for r in list_runs(ctx.store)]
    return page(request, "runs.html", title="检查任务", runs=views, sites=_site_choices(request),
                today=ctx.today())


@router.post("/runs")
def runs_start(request: Request, p: Runner, site_id: Annotated[str, Form()] = "") -> Response:
    chosen = site_id.strip()
    if chosen and not chosen.isdigit():
        raise WebError(422, f"网站编号无效: {chosen!r}")
    run_id = start_inspection(request, int(chosen) if chosen else None)
    return RedirectResponse(f"/runs/{run_id}", status_code=303)


@router.get("/runs/{run_id}", response_class=HTMLResponse)
def run_page(request: Request, run_id: int, p: Runner) -> Response:
    ctx = request.app.state.web
    view = run_view(ctx.store, get_run(ctx.store, run_id), launcher(ctx.extra))
    return page(request, "run.html", title=f"检查批次 #{run_id}", run=view)


@router.get("/runs/{run_id}/progress", response_class=HTMLResponse)
def run_progress(request: Request, run_id: int, p: Runner) -> Response:
    ctx = request.app.state.web
    view = run_view(ctx.store, get_run(ctx.store, run_id), launcher(ctx.extra))
    return page(request, "_act_run_progress.html", run=view)
