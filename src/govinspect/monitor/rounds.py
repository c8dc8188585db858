"""One probe round: every registered site's home page and the control targets, stored in one transaction."""

from __future__ import annotations

import asyncio
import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from ..errors import FetchError, UsageError
from ..http import Fetcher, is_html
from ..model import ProbeRecord
from ..rules import Rules
from ..settings import Settings
from ..store import Store
from ..store.registry import registered, site_ids
from ..store.tables import Probe
from ..text import decode_html

Clock = Callable[[], datetime]


class RoundCancelled(Exception):
    """The round was stopped (SIGTERM) before every probe finished; nothing of it was stored."""


@dataclass(slots=True)
class RoundResult:
    """A stored round: its slot id, start time, the site probes, whether the controls answered."""

    round_id: str
    at: datetime
    probes: list[ProbeRecord]
    controls_ok: bool
    discarded: bool
    homes: dict[str, str] = field(default_factory=dict)  # site url -> decoded home page HTML of sites that answered


def probe_timeout(settings: Settings, rules: Rules) -> float:
    """Seconds a probe may take: the monitor_timeout setting, else the rule set's probe_timeout_s."""
    return settings.monitor_timeout or float(rules.unreachable.probe_timeout_s)


def slot_start(at: datetime, interval: float) -> datetime:
    """The start of the schedule slot ``at`` falls in (slots are aligned to the epoch)."""
    epoch = datetime(1970, 1, 1)
    step = max(int(interval), 1)
    return epoch + timedelta(seconds=int((at - epoch).total_seconds()) // step * step)


def round_id_for(at: datetime, interval: float) -> str:
    """The id of the round of ``at``'s slot: one round per slot, a restart never repeats it."""
    return slot_start(at, interval).strftime("%Y%m%dT%H%M%S")


def offset(url: str, spread: float) -> float:
    """A deterministic start offset within ``spread`` seconds, hashed from the URL."""
    if spread <= 0:
        return 0.0
    digest = int.from_bytes(hashlib.sha256(url.encode()).digest()[:8], "big")
    return digest / 2**64 * spread


def round_stored(store: Store, round_id: str) -> bool:
    """True when a round with this id is already in the store."""
    with store.session() as s:
        return s.scalar(select(Probe.id).where(Probe.round_id == round_id).limit(1)) is not None


def run_round(
    store: Store, settings: Settings, rules: Rules, clock: Clock, *, spread: float = 0.0,
    stop: threading.Event | None = None,
) -> RoundResult:
    """Probe every registered site and control once, store the round in one transaction, return it."""
    sites = registered(store).sites
    if not sites:
        raise UsageError("注册库中没有网站，无法监测；请先用 govinspect sites import 导入网站")
    ids = site_ids(store)
    at = clock().replace(microsecond=0)
    rid = round_id_for(at, settings.monitor_interval)
    urls = [s.url for s in sites]
    controls = list(settings.monitor_controls)
    results = asyncio.run(_probe_all(urls, controls, settings, rules, spread, stop))
    if results is None:
        raise RoundCancelled(rid)
    site_probes = [_record(url, at, results[url]) for url in urls]
    control_probes = [_record(url, at, results[url], control=True) for url in controls]
    controls_ok = not controls or any(p.ok for p in control_probes)
    discarded = not controls_ok
    with store.session() as s:
        for p in [*site_probes, *control_probes]:
            s.add(Probe(site_id=None if p.control else ids.get(p.site_url), target=p.site_url, round_id=rid,
                        at=at, status=p.status, error=p.error, latency_ms=p.latency_ms, control=p.control,
                        discarded=discarded))
    homes: dict[str, str] = {}
    for url in urls:
        html = results[url][3]
        if html is not None and not discarded:
            homes[url] = html
    return RoundResult(rid, at, site_probes, controls_ok, discarded, homes)


_Outcome = tuple[int | None, str | None, int, str | None]  # status, error kind, latency ms, home HTML


def _record(url: str, at: datetime, outcome: _Outcome, *, control: bool = False) -> ProbeRecord:
    status, error, latency, _ = outcome
    if error is None and status is not None and status >= 400:
        error = "http"
    return ProbeRecord(url, at, status, error, latency, control)


async def _probe_all(
    urls: list[str], controls: list[str], settings: Settings, rules: Rules, spread: float,
    stop: threading.Event | None,
) -> dict[str, _Outcome] | None:
    probe_settings = settings.model_copy(update={
        "timeout": probe_timeout(settings, rules), "retries": 0, "per_host": 1, "delay": 0.0,
    })
    async with Fetcher(probe_settings) as fetcher:
        tasks = {url: asyncio.create_task(_probe(fetcher, url, offset(url, spread)))
                 for url in dict.fromkeys([*controls, *urls])}
        if stop is None:
            await asyncio.gather(*tasks.values())
        else:
            watcher = asyncio.create_task(_wait_stop(stop))
            pending: set[asyncio.Task[Any]] = set(tasks.values())
            while pending and not watcher.done():
                _, pending = await asyncio.wait([*pending, watcher], return_when=asyncio.FIRST_COMPLETED)
                pending.discard(watcher)
            if pending:
                for task in pending:
                    task.cancel()
                await asyncio.gather(*pending, return_exceptions=True)
                return None
            watcher.cancel()
        return {url: task.result() for url, task in tasks.items()}


async def _wait_stop(stop: threading.Event) -> None:
    while not stop.is_set():
        await asyncio.sleep(0.05)


async def _probe(fetcher: Fetcher, url: str, delay: float) -> _Outcome:
    if delay:
        await asyncio.sleep(delay)
    start = time.monotonic()
    try:
        resp = await fetcher.fetch(url, body_if=is_html)
    except FetchError as exc:
        return exc.status, exc.kind, _ms(start), None
    home = decode_html(resp.body, resp.content_type)[0] if resp.body and resp.status < 400 else None
    return resp.status, None, _ms(start), home


def _ms(start: float) -> int:
    return int((time.monotonic() - start) * 1000)
