"""The library's front door: inspect one site, or scan a list of targets.

The CLI, the web API and the workers each call these in a few lines.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from datetime import date
from pathlib import Path

from .checks import DEFAULT_SITE_CHECKS, Context, run_checks
from .crawl.engine import Progress, crawl_site
from .crawl.parse import parse_pool
from .http import Fetcher
from .model import Finding, ScanResult, SiteEntry, SiteResult
from .newmedia import inspect_accounts
from .registry import AccountEntry
from .rules import Rules, load_rules
from .score import verdict
from .settings import Settings
from .snapshot import Snapshot

log = logging.getLogger(__name__)

__all__ = ["ProgressFn", "ScanResult", "inspect_site", "judge", "scan", "scan_sites"]

ProgressFn = Callable[[Progress], None]


def judge(snap: Snapshot, ctx: Context, checks: Sequence[str] = DEFAULT_SITE_CHECKS) -> SiteResult:
    """Run the checks on a snapshot and score the findings; no network."""
    return _result(snap, ctx, run_checks(snap, ctx, checks))


def _result(snap: Snapshot, ctx: Context, findings: list[Finding]) -> SiteResult:
    """The site's verdict from its findings, with the crawl's figures."""
    v = verdict(findings, ctx.rules)
    stats = snap.stats
    return SiteResult(
        name=ctx.site.name,
        url=ctx.site.url,
        unit=ctx.site.unit,
        verdict=v["verdict"],
        vetoed=v["vetoed"],
        score=v["score"],
        pages_crawled=snap.pages_crawled,
        findings=findings,
        verdict_label=v["verdict_label"],
        veto_reasons=v["veto_reasons"],
        near_veto=v["near_veto"],
        deductions=v["deductions"],
        stats={
            "columns": len(snap.columns),
            "columns_found": len(snap.columns),
            "columns_unreadable": sum(1 for c in snap.columns if c.error),
            "links_checked": stats.links_checked,
            "pages_failed": stats.pages_failed,
            "traps": stats.traps,
            **snap.probes.get("coverage", {}),  # probes' coverage (cloaking, harmful_links)
            "deduction_items": v["deduction_items"],
            "seconds": round((stats.finished - stats.started).total_seconds(), 2)
            if stats.started and stats.finished else None,
        },
    )


async def inspect_site(
    site: SiteEntry, settings: Settings, as_of: date, *, rules: Rules | None = None,
    fetcher: Fetcher | None = None, progress: ProgressFn | None = None,
    workdir: Path | None = None, accounts: Sequence[AccountEntry] = (), executor: Executor | None = None,
) -> SiteResult:
    """Crawl one site into a snapshot on disk, check it and score it."""
    rules = rules or load_rules(settings.rules_file)
    own = tuple(a for a in accounts if site.unit and a.unit == site.unit)
    ctx = Context(as_of=as_of, rules=rules, site=site, accounts=own)
    with tempfile.TemporaryDirectory(prefix="govinspect-", dir=workdir) as tmp:
        snap = Snapshot(site, Path(tmp) / "snapshot.sqlite", as_of=as_of)
        try:
            try:
                await crawl_site(site, settings, as_of, snap, progress, fetcher, executor)
            except Exception as exc:  # the site still appears, with what went wrong
                log.exception("crawl of %s failed", site.url)
                return _result(snap, ctx, [Finding(
                    "crawl.incomplete", "notice", site.url,
                    f"抓取过程出错，站点未能完成检查: {type(exc).__name__}",
                    {"error": f"{type(exc).__name__}: {exc}"[:300]},
                )])
            # Checks are CPU work: in a thread, so that other sites' crawls keep their sockets served.
            return await asyncio.to_thread(judge, snap, ctx, settings.checks or DEFAULT_SITE_CHECKS)
        finally:
            snap.close()


async def scan_sites(
    sites: Sequence[SiteEntry], settings: Settings, as_of: date, *,
    accounts: Sequence[AccountEntry] = (), progress: ProgressFn | None = None, parallel: int = 4,
) -> ScanResult:
    """Inspect sites (a few at a time) and accounts, sharing one HTTP session."""
    rules = load_rules(settings.rules_file)
    result = ScanResult(as_of=as_of, rules=rules.name)
    sem = asyncio.Semaphore(parallel)
    pool = parse_pool(settings.parse_workers)
    try:
        async with Fetcher(settings) as fetcher:

            async def one(site: SiteEntry) -> SiteResult:
                async with sem:
                    return await inspect_site(site, settings, as_of, rules=rules, fetcher=fetcher,
                                              progress=progress, accounts=accounts, executor=pool)

            site_results, account_results = await asyncio.gather(
                asyncio.gather(*(one(s) for s in sites)),
                inspect_accounts(accounts, settings, as_of, rules, fetcher),
            )
            result.sites, result.accounts = list(site_results), list(account_results)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    return result


def scan(
    sites: Sequence[SiteEntry], settings: Settings, as_of: date, progress: ProgressFn | None = None,
    accounts: Sequence[AccountEntry] = (),
) -> ScanResult:
    """Synchronous wrapper of ``scan_sites``."""
    return asyncio.run(scan_sites(sites, settings, as_of, accounts=accounts, progress=progress))
