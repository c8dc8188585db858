"""The library's front door: inspect one site, or scan a list of targets.

The CLI, the web API and the workers each call these in a few lines.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import ParamSpec, TypeVar

from .checks import DEFAULT_SITE_CHECKS, Context, run_checks
from .checks.base import run_checks_each
from .crawl.engine import Progress, crawl_site
from .crawl.workers import ParsePool, WorkerPool
from .http import Fetcher
from .memory import limit_arenas, trim
from .model import AccountResult, Finding, ScanResult, SiteEntry, SiteResult
from .newmedia import account_key, cross_account_findings, inspect_account
from .registry import AccountEntry
from .rules import Rules, load_rules
from .score import verdict
from .settings import Settings
from .sink import ResultSink
from .snapshot import Snapshot

log = logging.getLogger(__name__)

__all__ = ["ProgressFn", "ScanResult", "inspect_site", "judge", "scan", "scan_sites"]

ProgressFn = Callable[[Progress], None]
_P = ParamSpec("_P")
_T = TypeVar("_T")


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
    workdir: Path | None = None, accounts: Sequence[AccountEntry] = (), executor: ParsePool | None = None,
    sink: ResultSink | None = None,
) -> SiteResult:
    """Crawl one site into a snapshot on disk, check it, score it and hand the result to ``sink``.

    ``executor``: parse workers shared with other sites; without one the site gets its own,
    sized by the settings (``parse_workers``, ``parse_workers_threshold``).
    """
    if executor is None:
        own = ParsePool(settings.parse_workers, settings.parse_workers_threshold)
        try:
            return await inspect_site(site, settings, as_of, rules=rules, fetcher=fetcher, progress=progress,
                                      workdir=workdir, accounts=accounts, executor=own, sink=sink)
        finally:
            await own.aclose()
    keep = sink.snapshot_path(site) if sink is not None else None
    with tempfile.TemporaryDirectory(prefix="govinspect-", dir=workdir) as tmp:
        path = keep or Path(tmp) / "snapshot.sqlite"
        if keep is not None:
            keep.parent.mkdir(parents=True, exist_ok=True)
            keep.unlink(missing_ok=True)  # a half file left by a killed run
        result = await _inspect_into(site, settings, as_of, path, rules, fetcher, progress, accounts, executor)
    if sink is not None:  # in a thread: a store write must not stall the other sites' sockets
        await asyncio.to_thread(sink.site_done, site, result, keep)
    return result


async def _inspect_into(
    site: SiteEntry, settings: Settings, as_of: date, path: Path, rules: Rules | None,
    fetcher: Fetcher | None, progress: ProgressFn | None, accounts: Sequence[AccountEntry],
    executor: ParsePool | None,
) -> SiteResult:
    """Crawl into the snapshot file at ``path``, keep it written, and judge it."""
    rules = rules or load_rules(settings.rules_file)
    own = tuple(a for a in accounts if site.unit and a.unit == site.unit)
    ctx = Context(as_of=as_of, rules=rules, site=site, accounts=own)
    snap = Snapshot(site, path, as_of=as_of)
    names = tuple(settings.checks or DEFAULT_SITE_CHECKS)
    split = split_checks(names)
    # The site's hold on the parse workers: kept for its checks when they split, else let go as
    # soon as its pages are parsed (the last site out stops the workers: crawl/workers.py).
    leave = executor.enter() if executor is not None else None
    if executor is not None and split is not None:  # the worker's share, imported while the crawl runs
        executor.ready_checks([names[i] for i in split[0]])
    try:
        try:
            await crawl_site(site, settings, as_of, snap, progress, fetcher, executor,
                             pages_done=leave if split is None else None)
        except Exception as exc:  # the site still appears, with what went wrong
            log.exception("crawl of %s failed", site.url)
            snap.save()
            return _result(snap, ctx, [Finding(
                "crawl.incomplete", "notice", site.url,
                f"抓取过程出错，站点未能完成检查: {type(exc).__name__}",
                {"error": f"{type(exc).__name__}: {exc}"[:300]},
            )])
        snap.save()
        trim()  # the crawl's freed buffers, before the checks load their word lists
        # Only a pool the crawl started (a large site, content extracted): never one just for this.
        pool = executor.running if executor is not None and split is not None else None
        if pool is not None and split is not None and path.is_file():
            # a worker still to import its share: its start weighs in
            if not (executor is not None and executor.checks_ready([names[i] for i in split[0]])):
                split = split_checks(names, snap.stats.pages_fetched) or split
            return _result(snap, ctx, await _judge_split(snap, ctx, names, path, pool, split))
        if leave is not None:
            await leave()
        # Checks are CPU work: in a thread, so that other sites' crawls keep their sockets served.
        return await _reading(snap, judge, snap, ctx, names)
    finally:
        if leave is not None:
            await leave()
        snap.close()


async def _reading(snap: Snapshot, fn: Callable[_P, _T], *args: _P.args, **kwargs: _P.kwargs) -> _T:
    """``fn`` (checks reading ``snap``) in a thread, so that other sites' crawls keep their sockets
    served; marked as reading, so that closing the snapshot (a cancelled site: Ctrl-C) waits for it."""

    def run() -> _T:
        with snap.reading():
            return fn(*args, **kwargs)

    return await asyncio.to_thread(run)


# CPU per page of the site checks, in ms: what each adds to a shared page walk (its time alone
# with ``bench/cpu.py`` less the walk's, 0.018 ms/page), on the 20,004-page demo bench site,
# 2026-12-04 06:15, an AMD EPYC host, after the services label pre-test and the hijack drift
# rule got cheaper (services 0.056 -> 0.029, hijack 0.063 -> 0.046). The 3,001-page TRS-like site
# weighs them differently (hijack 0.081, services 0.062, policy 0.051, wording 0.032, privacy
# 0.026, interaction 0.025; walk 0.031). With these costs the split leaves the two sides 0.16 s
# apart on 20,004 pages (the table before: 0.56 s, the worker late) and 0.11 s on the TRS-like
# site (before: 0.05 s); blends of both sites' figures moved neither by more than 0.08 s.
# Availability and links read no page rows: their time alone (0.004, 0.002). A check missing
# here counts as a light one.
CHECK_COST: dict[str, float] = {
    "hijack": 0.046, "services": 0.029, "policy": 0.025, "privacy": 0.019, "wording": 0.017,
    "interaction": 0.012, "availability": 0.004, "freshness": 0.002, "sandbox": 0.002, "links": 0.002,
}
# identity, transport, required, sitesearch, harmful: a few queries each, 0.000 ms/page measured
_LIGHT_CHECK = 0.001
# The least a half must cost for a parse worker to run it: a worker's first checks import the
# checks and the rules (about 10 MB of its memory) and open the snapshot, which a pair of light
# checks (a links-mode run: availability and links) does not pay back.
MIN_SPLIT = 0.025
# Seconds a parse worker spends before its first check when it has not imported them yet:
# importing the checks and the rules and reading the word lists (the crawl process has most of
# them already). Its side of the split is then made lighter by that much. Measured in scans as
# the delay of the worker's first page over the crawl process's: 0.11-0.12 s on both bench
# sites. A worker normally imports its share while the crawl runs (ParsePool.ready_checks), and
# the split planned before the crawl stands: with it the two sides ended 0.01-0.03 s apart on
# the 3,001-page TRS-like site (0.46 s each), against 0.17 s (0.40 and 0.58 s) before.
WORKER_START = 0.12


def split_checks(names: Sequence[str], pages: int | None = None) -> tuple[tuple[int, ...], tuple[int, ...]] | None:
    """The positions of ``names`` to run in a parse worker and here, their costs as even as can be
    for a site of ``pages`` pages (the worker's side lighter by ``WORKER_START``; None: not
    counted), or None when the lighter side would cost less than ``MIN_SPLIT`` (all of them in
    one process).

    Any subset will do (``checks.base.run_checks_each`` keeps each name's findings apart): the
    subset sums of the costs, in microseconds, are enumerated (one per reachable sum) and the one
    that evens out both sides best is taken. The worker takes the side with the heaviest check.
    """
    costs = [round(CHECK_COST.get(n, _LIGHT_CHECK) * 1000) for n in names]
    n, total = len(costs), sum(costs)
    if n < 2:
        return None
    start = WORKER_START * 1e6 / pages if pages else 0.0  # microseconds per page
    reach: dict[int, int] = {0: 0}  # subset sum -> a bit mask of positions giving it
    for i, c in enumerate(costs):
        for got, mask in list(reach.items()):
            reach.setdefault(got + c, mask | 1 << i)
    heaviest = 1 << max(range(n), key=costs.__getitem__)
    full = (1 << n) - 1
    # one subset per reachable sum (its complement stands for the other side), turned so that the
    # worker's side holds the heaviest check
    sides = [(m, g) if m & heaviest else (full ^ m, total - g) for g, m in reach.items() if 0 < m < full]
    if not sides:
        return None
    mask, there = min(sides, key=lambda side: abs(2 * side[1] + start - total))
    if min(there, total - there) < MIN_SPLIT * 1000:
        return None
    worker = tuple(i for i in range(n) if mask >> i & 1)
    return worker, tuple(i for i in range(n) if not mask >> i & 1)


async def _judge_split(
    snap: Snapshot, ctx: Context, names: tuple[str, ...], path: Path, pool: WorkerPool,
    split: tuple[tuple[int, ...], tuple[int, ...]],
) -> list[Finding]:
    """A large site's checks on two cores: some of the names in a parse worker, the rest here.

    Each check is independent of the others and each name's findings come apart, so they are
    put back in the order of the names: exactly ``run_checks`` over all of them. If the worker
    fails, its part runs here.
    """
    there, here = split
    far = tuple(names[i] for i in there)
    head = asyncio.ensure_future(pool.call("judge", str(path), ctx, far))
    near: list[list[Finding]] = await _reading(snap, run_checks_each, snap, ctx, [names[i] for i in here])
    try:
        found: list[list[Finding]] = await head
    except Exception:  # the worker died or failed: the same checks, in this process
        log.exception("checks in a parse worker failed for %s; running them here", ctx.site.url)
        found = await _reading(snap, run_checks_each, snap, ctx, far)
    by_position = dict(zip(there, found, strict=True)) | dict(zip(here, near, strict=True))
    return [f for i in range(len(names)) for f in by_position[i]]


async def _inspect_accounts(
    accounts: Sequence[AccountEntry], settings: Settings, as_of: date, rules: Rules, fetcher: Fetcher,
    *, only: Sequence[AccountEntry] | None = None, sink: ResultSink | None = None, parallel: int = 8,
) -> list[AccountResult]:
    """Inspect ``only`` (default every account), duplicates judged against all ``accounts``; registry order."""
    cross = cross_account_findings(accounts, as_of, rules)
    sem = asyncio.Semaphore(parallel)

    async def one(account: AccountEntry) -> AccountResult:
        async with sem:
            result = await inspect_account(account, settings, as_of, rules, fetcher,
                                           extra=cross.get(account_key(account), ()))
        if sink is not None:
            await asyncio.to_thread(sink.account_done, account, result)
        return result

    return list(await asyncio.gather(*(one(a) for a in (accounts if only is None else only))))


async def scan_sites(
    sites: Sequence[SiteEntry], settings: Settings, as_of: date, *,
    accounts: Sequence[AccountEntry] = (), progress: ProgressFn | None = None, parallel: int = 4,
    sink: ResultSink | None = None, only_accounts: Sequence[AccountEntry] | None = None,
    rules: Rules | None = None,
) -> ScanResult:
    """Inspect sites (a few at a time) and accounts, sharing one HTTP session; each result also goes to ``sink``.

    ``accounts`` is the whole registry (context of the site checks and the duplicate check);
    ``only_accounts``, when given, are the ones inspected (a resumed run skips the stored ones).
    """
    limit_arenas()  # before the helper threads start (memory.py)
    rules = rules or load_rules(settings.rules_file)
    result = ScanResult(as_of=as_of, rules=rules.name)
    sem = asyncio.Semaphore(parallel)
    pool = ParsePool(settings.parse_workers, settings.parse_workers_threshold)  # started on a large site
    try:
        async with Fetcher(settings) as fetcher:

            async def one(site: SiteEntry) -> SiteResult:
                async with sem:
                    return await inspect_site(site, settings, as_of, rules=rules, fetcher=fetcher,
                                              progress=progress, accounts=accounts, executor=pool, sink=sink)

            site_results, account_results = await asyncio.gather(
                asyncio.gather(*(one(s) for s in sites)),
                _inspect_accounts(accounts, settings, as_of, rules, fetcher, only=only_accounts, sink=sink),
            )
            result.sites, result.accounts = list(site_results), list(account_results)
    finally:
        await pool.aclose()
    return result


def scan(
    sites: Sequence[SiteEntry], settings: Settings, as_of: date, progress: ProgressFn | None = None,
    accounts: Sequence[AccountEntry] = (),
) -> ScanResult:
    """Synchronous wrapper of ``scan_sites``."""
    return asyncio.run(scan_sites(sites, settings, as_of, accounts=accounts, progress=progress))
