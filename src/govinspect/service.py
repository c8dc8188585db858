"""The library's front door: inspect one site, or scan a list of targets.

The CLI, the web API and the workers each call these in a few lines.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import tempfile
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, ParamSpec, TypeVar

from .checks import DEFAULT_SITE_CHECKS, Context, run_checks
from .checks.base import pages_only, run_checks_each
from .crawl.engine import Progress, crawl_site
from .crawl.workers import ParsePool, WorkerPool
from .http import Fetcher
from .memory import limit_arenas, trim
from .model import AccountResult, Finding, ScanResult, SiteEntry, SiteResult
from .rules import Rules, load_rules
from .score import verdict
from .settings import Settings
from .sink import ResultSink
from .snapshot import Snapshot

if TYPE_CHECKING:  # annotations only; _inspect_accounts imports the new-media checks when it has accounts
    from .registry import AccountEntry

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
    plan = plan_checks(names)
    # The site's hold on the parse workers: kept for its checks when they split, else let go as
    # soon as its pages are parsed (the last site out stops the workers: crawl/workers.py).
    leave = executor.enter() if executor is not None else None
    if executor is not None and plan is not None:  # the worker's share, imported while the crawl runs
        executor.ready_checks(_pick(names, plan.far))
    early: asyncio.Future[list[list[Finding]]] | None = None

    async def crawl_done() -> None:
        """The last page is stored: a worker starts the checks that read only pages, while this
        process builds the columns and runs the probes (about 0.4 s on 20,000 pages)."""
        nonlocal plan, early
        pool = executor.running if executor is not None else None
        if executor is None or pool is None or plan is None:
            return
        if not executor.checks_ready(_pick(names, plan.far)):  # its start weighs in
            plan = plan_checks(names, snap.stats.pages_fetched) or plan
        snap.save()  # the pages, in the order the checks walk them, and the site's meta so far
        if plan.early:
            early = asyncio.ensure_future(pool.call("judge", str(path), ctx, _pick(names, plan.early), None, True))
            await asyncio.sleep(0)  # the call goes out now, before the columns hold the loop (0.17 s on 20,000 pages)

    try:
        try:
            await crawl_site(site, settings, as_of, snap, progress, fetcher, executor,
                             pages_done=leave if plan is None else None,
                             crawl_done=crawl_done if plan is not None else None)
        except Exception as exc:  # the site still appears, with what went wrong
            log.exception("crawl of %s failed", site.url)
            await _settle(early)
            snap.save()
            return _result(snap, ctx, [Finding(
                "crawl.incomplete", "notice", site.url,
                f"抓取过程出错，站点未能完成检查: {type(exc).__name__}",
                {"error": f"{type(exc).__name__}: {exc}"[:300]},
            )])
        trim()  # the crawl's freed buffers, before the checks load their word lists
        # Only a pool the crawl started (a large site, content extracted): never one just for this.
        pool = executor.running if executor is not None and plan is not None else None
        if pool is not None and plan is not None and path.is_file():
            found = await _judge_plan(snap, ctx, names, path, pool, plan, early)
            snap.save()  # the columns and probes too, now that no worker reads the file
            return _result(snap, ctx, found)
        await _settle(early)  # (a worker that died since: its checks run here with the rest)
        snap.save()
        if leave is not None:
            await leave()
        # Checks are CPU work: in a thread, so that other sites' crawls keep their sockets served.
        return await _reading(snap, judge, snap, ctx, names)
    finally:
        if early is not None and not early.done():
            early.cancel()
        if leave is not None:
            await leave()
        snap.close()


async def _settle(call: asyncio.Future[Any] | None) -> None:
    """Wait for a worker's call whose answer is no longer wanted (its reads of the snapshot file
    end before this process writes to it); its failure counts for nothing."""
    if call is not None:
        with contextlib.suppress(Exception):
            await call


async def _reading(snap: Snapshot, fn: Callable[_P, _T], *args: _P.args, **kwargs: _P.kwargs) -> _T:
    """``fn`` (checks reading ``snap``) in a thread, so that other sites' crawls keep their sockets
    served; marked as reading, so that closing the snapshot (a cancelled site: Ctrl-C) waits for it."""

    def run() -> _T:
        with snap.reading():
            return fn(*args, **kwargs)

    return await asyncio.to_thread(run)


# CPU per page of the site checks, in ms: what each adds to a shared page walk (its time alone
# with ``bench/cpu.py`` less the walk's), on the 20,004-page demo bench site: the mean of two
# hosts that weigh them differently (2026-12-04, an AMD EPYC host: hijack 0.046, services 0.029,
# policy 0.025, privacy 0.019, wording 0.017, interaction 0.012; an Intel host: 0.046, 0.025,
# 0.018, 0.013, 0.018, 0.007). The 3,001-page TRS-like site costs about 1.7 times as much per
# page, in much the same proportions (Intel host: hijack 0.079, services 0.050, policy 0.039,
# wording 0.035, privacy 0.019, interaction 0.010; walk 0.026). Availability and links read no
# page rows: their time alone (0.004, 0.002). A check missing here counts as a light one. Summed,
# they predict the sets a plan makes within 0.1 s on 20,004 pages, except the three text scanners
# together (hijack, wording, privacy: 2.29 s measured against 2.00 s summed), which no plan below
# puts on one side. On the Intel host's 20,004 pages the checks ended 2.51 s after the crawl with
# the AMD figures alone (the worker 0.5 s after this process), 2.36-2.39 s with its own and
# 2.45 s with the mean (the worker 0.2 s later); on the TRS-like site 0.66-0.67 s with either.
CHECK_COST: dict[str, float] = {
    "hijack": 0.046, "services": 0.027, "policy": 0.022, "wording": 0.018, "privacy": 0.016,
    "interaction": 0.010, "availability": 0.004, "freshness": 0.002, "sandbox": 0.002, "links": 0.002,
}
# identity, transport, required, sitesearch, harmful: a few queries each, 0.000 ms/page measured
_LIGHT_CHECK = 0.001
# One pass over the pages in a process of its own: reading and decoding every page row
# (``bench/cpu.py``, "read pages back": 0.016-0.018 ms/page on the demo bench site).
WALK = 0.018
# What the crawl process does between the crawl's end and its own checks, per page: the columns,
# the probes (search, transport, cloaking sample) and the snapshot's meta. Measured in scans on
# 20,004 pages: 0.17 s of columns, 0.25 s of probes, 0.03 s writing: 0.44 s.
AFTER_CRAWL = 0.022
# The least a worker's share must cost for it to run one: a worker's first checks import the
# checks and the rules (about 10 MB of its memory) and open the snapshot, which a pair of light
# checks (a links-mode run: availability and links) does not pay back.
MIN_SPLIT = 0.025
# Seconds a parse worker spends before its first check when it has not imported them yet:
# importing the checks and the rules and reading the word lists (the crawl process has most of
# them already). Measured in scans as the delay of the worker's first page over the crawl
# process's: 0.11-0.12 s on both bench sites. A worker normally imports its share while the crawl
# runs (ParsePool.ready_checks), and the plan made before the crawl stands.
WORKER_START = 0.12


class CheckPlan(NamedTuple):
    """Where a large site's checks run, as positions in its list of check names.

    ``early``: checks that read only pages (``checks.base.pages_only``), which a parse worker
    starts as soon as the crawl has stored its last page; ``late``: checks a worker runs after
    them, once this process has the columns and the probes; ``here``: the crawl process's own,
    run after its columns and probes.
    """

    early: tuple[int, ...]
    late: tuple[int, ...]
    here: tuple[int, ...]

    @property
    def far(self) -> tuple[int, ...]:
        """Every position a worker runs."""
        return self.early + self.late


def _pick(names: Sequence[str], positions: Sequence[int]) -> tuple[str, ...]:
    return tuple(names[i] for i in positions)


def plan_checks(
    names: Sequence[str], pages: int | None = None, early_ok: Callable[[str], bool] | None = None,
) -> CheckPlan | None:
    """The plan of ``names`` that ends soonest for a site of ``pages`` pages (None: not counted;
    counted, the worker's start ``WORKER_START`` weighs in), or None when a worker's share would
    cost less than ``MIN_SPLIT`` (all of them in this process).

    Costs in microseconds per page (``CHECK_COST``). A worker's share runs in up to two calls:
    its pages-only checks (``early_ok``, by default ``checks.base.pages_only``) from the crawl's
    end, the others once this process has spent ``AFTER_CRAWL`` on the columns and the probes;
    each call walks the pages once (``WALK``), as does this process for its own share. Any
    subset will do (``checks.base.run_checks_each`` keeps each name's findings apart): the sums
    reachable by the worker's early and late checks are enumerated (one subset per pair of sums)
    and the pair whose later side ends soonest is taken.
    """
    n = len(names)
    if n < 2:
        return None
    early_ok = early_ok or pages_only
    costs = [round(CHECK_COST.get(name, _LIGHT_CHECK) * 1000) for name in names]
    first = [early_ok(name) for name in names]
    walk, after, total = round(WALK * 1000), round(AFTER_CRAWL * 1000), sum(costs)
    start = WORKER_START * 1e6 / pages if pages else 0.0

    def ends(sums: tuple[int, int]) -> tuple[float, float]:
        """When the later side ends, and when the worker's does (the lesser breaks a tie)."""
        e, late = sums
        worker = start + (walk + e if e else 0)
        if late:
            worker = max(worker, after) + walk + late
        rest = total - e - late
        return max(worker, after + (walk + rest if rest else 0)), worker

    reach: dict[tuple[int, int], int] = {(0, 0): 0}  # (early sum, late sum) -> a bit mask giving it
    for i, c in enumerate(costs):
        for (e, late), mask in list(reach.items()):
            reach.setdefault((e + c, late) if first[i] else (e, late + c), mask | 1 << i)
    (e, late), mask = min(reach.items(), key=lambda item: ends(item[0]))
    if e + late < MIN_SPLIT * 1000:
        return None
    mine = [i for i in range(n) if mask >> i & 1]
    return CheckPlan(tuple(i for i in mine if first[i]), tuple(i for i in mine if not first[i]),
                     tuple(i for i in range(n) if not mask >> i & 1))


async def _judge_plan(
    snap: Snapshot, ctx: Context, names: tuple[str, ...], path: Path, pool: WorkerPool, plan: CheckPlan,
    early: asyncio.Future[list[list[Finding]]] | None,
) -> list[Finding]:
    """A large site's checks on two cores: ``plan.here`` in this process, the rest in a parse
    worker, whose pages-only checks may be running already (``early``, started at the crawl's
    end); the worker's later checks get this process's columns and probes with the call.

    Each check is independent of the others and each name's findings come apart, so they are
    put back in the order of the names: exactly ``run_checks`` over all of them. A worker's
    call that fails runs here.
    """
    late = plan.late if early is not None else plan.early + plan.late  # none started at the crawl's end
    calls: list[tuple[tuple[int, ...], asyncio.Future[list[list[Finding]]]]] = []
    if early is not None:
        calls.append((plan.early, early))
    if late:
        calls.append((late, asyncio.ensure_future(pool.call("judge", str(path), ctx, _pick(names, late), snap.state()))))
    try:
        near: list[list[Finding]] = await _reading(snap, run_checks_each, snap, ctx, _pick(names, plan.here))
        by_position = dict(zip(plan.here, near, strict=True))
        for positions, call in calls:
            try:
                found: list[list[Finding]] = await call
            except Exception:  # the worker died or failed: the same checks, in this process
                log.exception("checks in a parse worker failed for %s; running them here", ctx.site.url)
                found = await _reading(snap, run_checks_each, snap, ctx, _pick(names, positions))
            by_position.update(zip(positions, found, strict=True))
    finally:
        for _, call in calls:
            call.cancel()
    return [f for i in range(len(names)) for f in by_position[i]]


async def _inspect_accounts(
    accounts: Sequence[AccountEntry], settings: Settings, as_of: date, rules: Rules, fetcher: Fetcher,
    *, only: Sequence[AccountEntry] | None = None, sink: ResultSink | None = None, parallel: int = 8,
) -> list[AccountResult]:
    """Inspect ``only`` (default every account), duplicates judged against all ``accounts``; registry order."""
    todo = accounts if only is None else only
    if not todo:
        return []
    from .newmedia import account_key, cross_account_findings, inspect_account

    cross = cross_account_findings(accounts, as_of, rules)
    sem = asyncio.Semaphore(parallel)

    async def one(account: AccountEntry) -> AccountResult:
        async with sem:
            result = await inspect_account(account, settings, as_of, rules, fetcher,
                                           extra=cross.get(account_key(account), ()))
        if sink is not None:
            await asyncio.to_thread(sink.account_done, account, result)
        return result

    return list(await asyncio.gather(*(one(a) for a in todo)))


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
