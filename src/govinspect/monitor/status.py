"""Per-site availability over the trailing 7 days, for ``govinspect monitor --status``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..rules import Rules
from ..store import Store
from ..store.registry import registered, site_ids
from .availability import availability


def conclusion(enough: bool, unreachable: bool, probes: int) -> str:
    """The Chinese verdict shown for a site's week."""
    if not probes:
        return "尚未监测"
    if not enough:
        return "监测不足7天"
    return "无法访问（单项否决）" if unreachable else "正常"


def status_rows(store: Store, now: datetime, rules: Rules) -> list[dict[str, Any]]:
    """One row per registered site: probes, failures, availability, days covered, conclusion."""
    ids = site_ids(store)
    rows = []
    for site in registered(store).sites:
        week = availability(store, ids[site.url], now, rules)
        rows.append({
            "name": site.name, "url": site.url, **week.to_dict(),
            "availability": round(1 - week.rate, 4) if week.probes else None,
            "conclusion": conclusion(week.enough, week.unreachable, week.probes),
        })
    return rows
