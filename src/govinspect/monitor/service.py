"""The long-lived monitor: one round per schedule slot, resumed from the store, stopped cleanly by a signal."""

from __future__ import annotations

import logging
import signal
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import FrameType
from typing import Protocol

from sqlalchemy import func, select

from ..rules import Rules, load_rules
from ..settings import Settings
from ..store import Store
from ..store.tables import Probe
from . import ROUND_HOOKS
from .rounds import RoundCancelled, RoundResult, round_id_for, round_stored, run_round, slot_start

log = logging.getLogger("govinspect.monitor")


def alert_round(store: Store, result: RoundResult, settings: Settings, rules: Rules) -> None:
    """Alerts of one round: each probed site's week against the threshold (or its recovery), the home
    pages' content watch, and veto findings stored since the previous round (inspections)."""
    from ..store.registry import registered, site_ids
    from .alerts import Availability as Figure
    from .alerts import events_from_round, events_from_store, raise_alerts
    from .availability import availability

    names = {s.url: s.name for s in registered(store).sites}
    figures = []
    if not result.discarded:
        for url, site_id in site_ids(store).items():
            if url not in names:
                continue
            week = availability(store, site_id, result.at, rules)
            if week.enough:
                figures.append(Figure(site=url, rate=week.rate, probes=week.probes, name=names[url],
                                      threshold=rules.unreachable.probe_fail_ratio, failed=week.failed))
    since = result.at - timedelta(seconds=settings.monitor_interval)
    events = events_from_round(result, figures, names) + events_from_store(store, since)
    raise_alerts(store, settings, events, result.at)


class Clock(Protocol):
    """Wall time and waiting, injectable so that tests can pass a week in a moment."""

    def now(self) -> datetime: ...

    def sleep(self, seconds: float, stop: threading.Event) -> None: ...


class SystemClock:
    """Local wall time (as the store keeps it); sleeping wakes early when ``stop`` is set."""

    def now(self) -> datetime:
        return datetime.now()

    def sleep(self, seconds: float, stop: threading.Event) -> None:
        stop.wait(max(seconds, 0.0))


@dataclass
class Monitor:
    """Runs probe rounds every ``monitor_interval`` seconds; the stored rounds are its schedule."""

    store: Store
    settings: Settings
    clock: Clock = field(default_factory=SystemClock)
    rules: Rules | None = None
    stop: threading.Event = field(default_factory=threading.Event)
    rounds: int = 0

    def __post_init__(self) -> None:
        if self.rules is None:
            self.rules = load_rules(self.settings.rules_file)


    @property
    def interval(self) -> float:
        return self.settings.monitor_interval

    def next_round_at(self) -> datetime:
        """When the next round is due: now, unless the current slot's round is stored already."""
        now = self.clock.now()
        if not round_stored(self.store, round_id_for(now, self.interval)):
            return now
        return slot_start(now, self.interval) + timedelta(seconds=int(self.interval))

    def last_round(self) -> datetime | None:
        """The start of the newest stored round."""
        with self.store.session() as s:
            return s.scalar(select(func.max(Probe.at)))

    def once(self, *, spread: float = 0.0) -> RoundResult | None:
        """One round now (None when this slot's round is stored already or the round was stopped)."""
        if round_stored(self.store, round_id_for(self.clock.now(), self.interval)):
            log.info("round %s already stored; skipped", round_id_for(self.clock.now(), self.interval))
            return None
        assert self.rules is not None
        try:
            result = run_round(self.store, self.settings, self.rules, self.clock.now, spread=spread, stop=self.stop)
        except RoundCancelled as exc:
            log.info("round %s stopped before it finished; discarded, nothing stored", exc)
            return None
        self.rounds += 1
        failed = sum(1 for p in result.probes if not p.ok)
        log.info("round %s: %d sites, %d failed, controls %s%s", result.round_id, len(result.probes), failed,
                 "ok" if result.controls_ok else "down", ", discarded" if result.discarded else "")
        try:
            alert_round(self.store, result, self.settings, self.rules)
        except Exception:  # alerts never stop the monitor (raise_alerts keeps what it could not send)
            log.exception("alerts of round %s failed", result.round_id)
        for hook in ROUND_HOOKS:
            try:
                hook(self.store, result)
            except Exception:  # a hook's failure must not stop the monitor
                log.exception("round hook %r failed", hook)
        return result

    def run(self, max_rounds: int | None = None) -> int:
        """Rounds until stopped (or ``max_rounds`` done); returns the rounds stored."""
        spread = self.settings.monitor_spread
        spread = self.interval * 0.8 if spread is None else min(spread, self.interval)
        while not self.stop.is_set() and (max_rounds is None or self.rounds < max_rounds):
            due = self.next_round_at()
            wait = (due - self.clock.now()).total_seconds()
            if wait > 0:
                self.clock.sleep(wait, self.stop)
                continue
            self.once(spread=spread)
        return self.rounds

    def handle_signals(self) -> None:
        """SIGTERM and SIGINT stop the monitor after (or instead of) the round in flight."""

        def _stop(signum: int, _frame: FrameType | None) -> None:
            log.info("signal %d: stopping", signum)
            self.stop.set()

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
