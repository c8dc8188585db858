"""The availability page: each site's 7-day monitor figures and the alerts the monitor sent."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..monitor.availability import availability
from ..rules import load_rules
from ..store.tables import Account, Alert, Site, Unit
from ..store.users import Principal
from .render import page
from .security import require

router = APIRouter()
ALERT_STATUS = {"sent": "已发送", "pending": "待发送", "failed": "发送失败"}
ALERT_KINDS = {"alert": "告警", "recovered": "恢复"}


def visible_alert(alert: Alert, subjects: set[str], urls: set[str]) -> bool:
    """Whether an alert names one of the principal's sites or accounts (by its subject or key)."""
    head, _, rest = alert.key.partition("|")
    return alert.subject in subjects or (head in ("availability", "watch") and rest in urls)


def _alert_scope(s: Session, p: Principal) -> tuple[set[str], set[str]]:
    """The subject texts and site URLs of the principal's unit, as alerts name them."""
    subjects: set[str] = set()
    urls: set[str] = set()
    for name, url in s.execute(select(Site.name, Site.url).where(Site.unit_id == p.unit_id)):
        subjects |= {name, url, f"{name}（{url}）"}
        urls.add(url)
    for name, platform in s.execute(select(Account.name, Account.platform).where(Account.unit_id == p.unit_id)):
        subjects |= {name, f"{name}（{platform}）"}
    return subjects, urls


@router.get("/availability", include_in_schema=False)
def availability_page(request: Request, p: Annotated[Principal, Depends(require())]) -> HTMLResponse:
    ctx = request.app.state.web
    rules = load_rules(ctx.settings.rules_file)
    now = datetime.now()
    with ctx.store.session() as s:
        units = {i: n for i, n in s.execute(select(Unit.id, Unit.name))}
        q = select(Site).where(Site.archived_at.is_(None)).order_by(Site.id)
        if not p.sees_all:
            q = q.where(Site.unit_id == p.unit_id)
        sites = [(x.id, x.name, x.url, units.get(x.unit_id)) for x in s.scalars(q)]
        alerts = list(s.scalars(select(Alert).order_by(Alert.created_at.desc(), Alert.id.desc()).limit(500)))
        if not p.sees_all:
            subjects, urls = _alert_scope(s, p)
            alerts = [a for a in alerts if visible_alert(a, subjects, urls)]
        alerts = alerts[:200]
        for a in alerts:
            s.expunge(a)
    rows = [(sid, name, url, unit, availability(ctx.store, sid, now, rules)) for sid, name, url, unit in sites]
    rows.sort(key=lambda r: (not r[4].unreachable, -r[4].rate, r[1]))
    return page(request, "availability.html", title="可用性监测", rows=rows, alerts=alerts,
                ratio=rules.unreachable.probe_fail_ratio, min_days=rules.unreachable.probe_min_days,
                status_labels=ALERT_STATUS, kind_labels=ALERT_KINDS)
