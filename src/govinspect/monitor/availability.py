"""The weekly availability figure of a site from its stored probes, and its use in a stored inspection."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import func, select

from ..model import Finding, Severity
from ..model import SiteResult as SiteVerdict
from ..rules import Rules
from ..score import verdict
from ..store import Store
from ..store.tables import Probe

WINDOW = timedelta(days=7)
SHORT_NOTICE = "监测数据不足7天，可用性按本次访问判断"


@dataclass(slots=True, frozen=True)
class Availability:
    """Probes of the trailing 7 days (not discarded), how many failed, and whether the week rule applies."""

    probes: int
    failed: int
    rate: float
    days_covered: float
    enough: bool
    unreachable: bool

    def to_dict(self) -> dict[str, object]:
        return {"probes": self.probes, "failed": self.failed, "rate": round(self.rate, 4),
                "days_covered": self.days_covered, "enough": self.enough, "unreachable": self.unreachable}


def availability(store: Store, site_id: int, now: datetime, rules: Rules) -> Availability:
    """The site's availability over the trailing 7 days of non-discarded probes before ``now``."""
    counted = (Probe.site_id == site_id, Probe.control.is_(False), Probe.discarded.is_(False), Probe.at <= now)
    with store.session() as s:
        first = s.scalar(select(func.min(Probe.at)).where(*counted))
        probes, failed = s.execute(
            select(func.count(Probe.id), func.count(Probe.error)).where(*counted, Probe.at > now - WINDOW)
        ).one()
    days = round(min((now - first).total_seconds() / 86400, 7.0), 1) if first is not None else 0.0
    rate = failed / probes if probes else 0.0
    enough = first is not None and probes > 0 and now - first >= timedelta(days=rules.unreachable.probe_min_days)
    return Availability(probes, failed, rate, days, enough, enough and rate > rules.unreachable.probe_fail_ratio)


def has_probes(store: Store, site_id: int) -> bool:
    """True when the monitor has probed the site at least once."""
    with store.session() as s:
        return s.scalar(select(Probe.id).where(Probe.site_id == site_id, Probe.control.is_(False)).limit(1)) is not None


def apply_week(store: Store, site_id: int, result: SiteVerdict, rules: Rules, now: datetime) -> SiteVerdict:
    """The site's result judged with the week of probes: a veto past the threshold, a notice when short of a week."""
    if not has_probes(store, site_id):
        return result
    week = availability(store, site_id, now, rules)
    url = result.url
    if not week.enough:
        note = Finding("site.unreachable", Severity.NOTICE, url, f"{SHORT_NOTICE}（已监测 {week.days_covered:g} 天）",
                       {"probes": week.probes, "days": week.days_covered})
        return replace(result, findings=[*result.findings, note])
    if not week.unreachable:
        return result
    ratio = rules.unreachable.probe_fail_ratio
    veto = Finding(
        "site.unreachable", Severity.VETO, url,
        f"近7天监测 {week.probes} 次，{week.failed} 次无法访问，失败率 {week.rate:.1%}，超过 {ratio:.0%}（单项否决）",
        {"rate": round(week.rate, 4), "probes": week.probes, "failed": week.failed, "days": week.days_covered},
    )
    findings = [f for f in result.findings if f.code != "site.unreachable"] + [veto]
    v = verdict(findings, rules)
    return replace(result, findings=findings, verdict=v["verdict"], verdict_label=v["verdict_label"],
                   vetoed=v["vetoed"], veto_reasons=v["veto_reasons"], score=v["score"],
                   deductions=v["deductions"], near_veto=v["near_veto"])
