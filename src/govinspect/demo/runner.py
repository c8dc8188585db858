"""`govinspect demo`: serve the simulated world on loopback for two months, inspect both into a store."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from ..inspection import RunOutcome, inspect_registered
from ..model import ScanResult
from ..output import to_json
from ..registry import Registry, load_registry
from ..registry.writer import write_registry
from ..service import ProgressFn
from ..settings import Settings
from ..store import open_store
from ..store.registry import import_registry
from ..store.summary import PeriodSummary, summarize
from .accounts import build_accounts
from .cycle import as_dicts, build_cycle, cycle_truth
from .server import serve_in_thread
from .types import World


def demo_settings(world_hosts: set[str], names: dict[str, str] | None = None) -> Settings:
    """Politeness lifted (the sites are ours) and no DNS: the demo runs offline (``names``: the
    world's external hosts on loopback, ``World.hosts()``)."""
    return Settings(per_host=4, delay=0, timeout=10, offline=True, assume_ok_hosts=sorted(world_hosts),
                    hosts=names or {})


def live_hosts(world: World) -> set[str]:
    """Hosts of the real national sites the world links to (conac.cn, www.gov.cn ...).

    They work in real life; offline they would all fail, so the demo takes them as working.
    """
    return {h for s in world.sites for u in s.truth.external_links if (h := urlsplit(u).hostname)}


@dataclass(slots=True)
class DemoOutcome:
    """What the demo did: the second period's scan, its stored run and summary, and where it wrote."""

    result: ScanResult
    summary: PeriodSummary
    out: Path
    database: Path
    periods: list[date]
    runs: list[RunOutcome] = field(default_factory=list)
    reports: list[Path] = field(default_factory=list)  # the second period's circular (docx, xlsx, html)


def previous_month(day: date) -> date:
    """The same day a month earlier (the 28th at most), the first period of the demo's cycle."""
    year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    return date(year, month, min(day.day, 28))


def run_demo(out: Path, as_of: date, progress: ProgressFn | None = None) -> DemoOutcome:
    """Two monthly periods of the demo world into a fresh embedded database in ``out``.

    The registry file is written and imported as an office would (``sites import``); the first
    period (a month before ``as_of``) and the second are inspected into the store (the world
    changes between them: some problems fixed, some not, some new); the second period's summary
    says what was carried over. scan.json and truth.json describe the second period.
    """
    out.mkdir(parents=True, exist_ok=True)
    database = out / "govinspect.sqlite"
    for stale in (database, database.with_name(database.name + "-wal"), database.with_name(database.name + "-shm")):
        stale.unlink(missing_ok=True)  # every demo starts its history afresh
    shutil.rmtree(out / "runs", ignore_errors=True)
    periods = [previous_month(as_of), as_of]
    worlds = build_cycle(periods)
    outcomes: list[RunOutcome] = []
    ports: dict[str, int] | None = None  # the second month is served at the first month's addresses
    with open_store(f"sqlite:///{database}") as store:
        for n, (day, world) in enumerate(zip(periods, worlds, strict=True), start=1):
            acc = build_accounts(world, day, period=n)
            files = acc.write_account_files(out / "accounts")
            # The RSSHub-like feed host is served beside the sites, not listed among them.
            # Ports outside the ephemeral range: `govinspect serve` binds them again days later.
            with serve_in_thread(world, [*world.sites, acc.site], ports=ports, lasting=True) as handle:
                ports = handle.ports()
                registry = Registry(world.entries(handle.base_urls), acc.entries(handle.base_urls[acc.site.key], files))
                registry_file = out / "registry.yaml"
                write_registry(registry, registry_file)
                import_registry(store, load_registry(registry_file), source=str(registry_file))
                settings = demo_settings(live_hosts(world), world.hosts())
                settings.home = out
                outcomes.append(inspect_registered(store, settings, day, progress=progress))
                truth = world.truth_dict(handle.base_urls, handle.links)
                cycle = cycle_truth(worlds[0], world, handle.links) if n > 1 else None
            truth["accounts"] = acc.truth()
        summary = summarize(store, outcomes[-1].run.period)
        from ..report.publish import write_circular  # the circular's writers load only here

        reports = write_circular(store, outcomes[-1].run.period, out, issued_on=as_of)
    if cycle is not None:
        truth["cycle"] = as_dicts(cycle)
    result = outcomes[-1].result
    (out / "scan.json").write_text(to_json(result) + "\n", encoding="utf-8")
    (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    # The addresses the world was served at, so that `govinspect serve` can serve it again (demo/serve.py).
    (out / "ports.json").write_text(json.dumps(ports or {}, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    (out / "summary.json").write_text(json.dumps(summary.to_dict(), ensure_ascii=False, indent=2) + "\n",
                                      encoding="utf-8")
    return DemoOutcome(result, summary, out.resolve(), database.resolve(), periods, outcomes,
                       [p.resolve() for p in reports])
