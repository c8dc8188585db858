"""The sites list (filters, failing first) and one site's page (identity, findings by kind, history)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from ..report.charts import history_chart
from ..store.findings import list_findings
from ..store.summary import LEVEL_LABELS
from ..store.users import Principal
from .read_queries import (
    SITE_VERDICTS,
    choice,
    group_by_code,
    history_points,
    site_history,
    site_rows,
    units,
)
from .render import page
from .security import WebError, require, site_in_scope

router = APIRouter()


@router.get("/sites", include_in_schema=False)
def sites(
    request: Request, p: Annotated[Principal, Depends(require())],
    level: str | None = None, verdict: str | None = None, unit: str | None = None,
    archived: Annotated[bool, Query()] = False,
) -> HTMLResponse:
    level = choice(level, LEVEL_LABELS, "网站类别")
    verdict = choice(verdict, SITE_VERDICTS, "检查结果")
    with request.app.state.web.store.session() as s:
        unit_names = units(s, p)
        if unit and unit not in unit_names:
            raise WebError(403 if not p.sees_all else 404, f"没有可查看的单位: {unit}")
        rows = site_rows(s, p, level=level, verdict=verdict, unit=unit, archived=archived)
    template = "_read_sites_table.html" if request.headers.get("hx-request") else "sites.html"
    return page(request, template, title="网站", rows=rows, levels=LEVEL_LABELS, verdicts=SITE_VERDICTS,
                units=unit_names, f={"level": level or "", "verdict": verdict or "", "unit": unit or "",
                                     "archived": archived})


@router.get("/sites/{site_id}", include_in_schema=False)
def site_page(request: Request, site_id: int, p: Annotated[Principal, Depends(require())]) -> HTMLResponse:
    store = request.app.state.web.store
    with store.session() as s:
        site = site_in_scope(s, p, site_id)
        row = site_rows(s, p, archived=True, only=site.id)[0]
        history = site_history(s, site.id)
        url = site.url
    findings = list_findings(store, site=url, status="all")
    open_ = [f for f in findings if f.resolved_at is None]
    resolved = [f for f in findings if f.resolved_at is not None]
    chart = history_chart(history_points(history), ident="chart-history") if history else ""
    return page(request, "site.html", title=row.name, site=row, groups=group_by_code(open_),
                resolved=group_by_code(resolved), resolved_count=len(resolved), history=list(reversed(history)),
                chart=chart)
