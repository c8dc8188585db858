"""The new-media accounts list (filters, closed accounts marked) and one account's page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from ..labels import PLATFORM_LABELS
from ..report.charts import history_chart
from ..store.findings import list_findings
from ..store.users import Principal
from .read_queries import (
    ACCOUNT_VERDICTS,
    account_history,
    account_rows,
    choice,
    group_by_code,
    history_points,
    units,
)
from .render import page
from .security import WebError, account_in_scope, require

router = APIRouter()


@router.get("/accounts", include_in_schema=False)
def accounts(
    request: Request, p: Annotated[Principal, Depends(require())],
    platform: str | None = None, verdict: str | None = None, unit: str | None = None,
    archived: Annotated[bool, Query()] = False,
) -> HTMLResponse:
    platform = choice(platform, PLATFORM_LABELS, "平台")
    verdict = choice(verdict, ACCOUNT_VERDICTS, "检查结果")
    with request.app.state.web.store.session() as s:
        unit_names = units(s, p)
        if unit and unit not in unit_names:
            raise WebError(403 if not p.sees_all else 404, f"没有可查看的单位: {unit}")
        rows = account_rows(s, p, platform=platform, verdict=verdict, unit=unit, archived=archived)
    template = "_read_accounts_table.html" if request.headers.get("hx-request") else "accounts.html"
    return page(request, template, title="政务新媒体", rows=rows, platforms=PLATFORM_LABELS, verdicts=ACCOUNT_VERDICTS,
                units=unit_names, f={"platform": platform or "", "verdict": verdict or "", "unit": unit or "",
                                     "archived": archived})


@router.get("/accounts/{account_id}", include_in_schema=False)
def account_page(request: Request, account_id: int, p: Annotated[Principal, Depends(require())]) -> HTMLResponse:
    store = request.app.state.web.store
    with store.session() as s:
        account = account_in_scope(s, p, account_id)
        row = account_rows(s, p, archived=True, only=account.id)[0]
        history = account_history(s, account.id)
        name = account.name
    findings = [f for f in list_findings(store, account=name, status="all") if f.subject == f"account:{account_id}"]
    open_ = [f for f in findings if f.resolved_at is None]
    resolved = [f for f in findings if f.resolved_at is not None]
    chart = history_chart(history_points(history, scored=False), ident="chart-history",
                          caption="历次检查结果与问题数") if history else ""
    return page(request, "account.html", title=row.name, account=row, groups=group_by_code(open_),
                resolved=group_by_code(resolved), resolved_count=len(resolved), history=list(reversed(history)),
                chart=chart)
