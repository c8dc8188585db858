"""The overview page: a period's pass rates, their trend, problems by kind and the failing sites first."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from ..labels import PLATFORM_LABELS
from ..report.charts import count_bars, rate_bars
from ..store.periods import finished_periods
from ..store.summary import summarize
from ..store.users import Principal
from .read_queries import check_period
from .render import page
from .security import require

router = APIRouter()


@router.get("/", include_in_schema=False)
def overview(
    request: Request, p: Annotated[Principal, Depends(require())],
    period: Annotated[str | None, Query(description="期次 YYYY-MM")] = None,
) -> HTMLResponse:
    store = request.app.state.web.store
    with store.session() as s:
        chosen = check_period(s, period)
        known = finished_periods(s)
    if chosen is None:
        return page(request, "overview.html", title="总览", empty=True, periods=[], period=None)
    unit_id = None if p.sees_all else p.unit_id
    sm = summarize(store, chosen, unit_id)
    trend = [(x, (sm if x == chosen else summarize(store, x, unit_id))) for x in known if x <= chosen]
    trend_svg = rate_bars([(x, t.site_pass_rate, t.account_pass_rate) for x, t in trend], ident="chart-trend")
    problems_svg = count_bars([(k.label, k.count) for k in sm.problems], ident="chart-problems")
    failing = sm.vetoed_sites + sm.failed_sites
    return page(request, "overview.html", title="总览", empty=False, periods=known, period=chosen, sm=sm,
                trend_svg=trend_svg, problems_svg=problems_svg, failing=failing,
                failing_accounts=sm.failed_accounts, platforms=PLATFORM_LABELS)
