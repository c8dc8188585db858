"""The demo behind `govinspect serve` when nothing is registered: its store, settings and world.

``prepare_demo`` builds the demo (``run_demo``) into a folder once and reuses it on later
starts; ``serve_demo_world`` serves the world's second month again at the addresses recorded
when it was built, so that runs started from the dashboard reach the simulated sites.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from ..service import ProgressFn
from ..settings import Settings
from ..yamlio import safe_load
from .accounts import build_accounts
from .cycle import build_cycle
from .runner import demo_settings, live_hosts, previous_month, run_demo
from .server import WorldHandle, serve_in_thread
from .types import SimSite, World

log = logging.getLogger(__name__)

DATABASE = "govinspect.sqlite"
DONE_MARK = "summary.json"  # written last by run_demo: a folder with it holds a complete demo


@dataclass(frozen=True, slots=True)
class Demo:
    """A built demo folder: its embedded database and the date of its second (latest) period."""

    out: Path
    as_of: date
    built: bool  # True when this start built it, False when an earlier one had

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.out / DATABASE}"


def is_built(out: Path) -> bool:
    return (out / DATABASE).is_file() and (out / DONE_MARK).is_file()


def prepare_demo(out: Path, as_of: date, progress: ProgressFn | None = None) -> Demo:
    """The demo in ``out``: reused when a complete one is there, else built for ``as_of``."""
    if is_built(out):
        try:
            stored = json.loads((out / DONE_MARK).read_text(encoding="utf-8"))
            return Demo(out.resolve(), date.fromisoformat(stored["as_of"]), built=False)
        except (OSError, ValueError, KeyError, TypeError):
            log.warning("demo folder %s has an unreadable %s; building it again", out, DONE_MARK)
    done = run_demo(out, as_of, progress=progress)
    return Demo(done.out, done.periods[-1], built=True)


def demo_world(demo: Demo) -> tuple[World, list[SimSite]]:
    """The second month's world and the sites to serve (the world's and the feed host)."""
    world = build_cycle([previous_month(demo.as_of), demo.as_of])[-1]
    accounts = build_accounts(world, demo.as_of, period=2)
    return world, [*world.sites, accounts.site]


def recorded_ports(demo: Demo, world: World, feed_key: str = "rsshub") -> dict[str, int]:
    """Site key -> port as served when the demo was built (ports.json; else the registry's URLs)."""
    saved = demo.out / "ports.json"
    if saved.is_file():
        try:
            return {str(k): int(v) for k, v in json.loads(saved.read_text(encoding="utf-8")).items()}
        except (OSError, ValueError, AttributeError):
            log.warning("unreadable %s; taking the ports from the registry file", saved)
    # An older demo folder: the sites' and the feed host's ports are in the registry file.
    data = safe_load((demo.out / "registry.yaml").read_text(encoding="utf-8")) or {}
    by_code = {s.site_code: s.key for s in world.sites}
    ports: dict[str, int] = {}
    for entry in data.get("sites") or []:
        key = by_code.get(str(entry.get("site_code", "")))
        port = urlsplit(str(entry.get("url", ""))).port
        if key and port:
            ports[key] = port
    for entry in data.get("accounts") or []:
        port = urlsplit(str((entry.get("source") or {}).get("url", ""))).port
        if port:
            ports[feed_key] = port
    return ports


def serve_demo_world(demo: Demo, world: World, sites: list[SimSite]) -> WorldHandle:
    """Serve the demo world's second month at its recorded ports (OSError when one is taken)."""
    return serve_in_thread(world, sites, ports=recorded_ports(demo, world, sites[-1].key))


def web_settings(demo: Demo, base: Settings, world: World) -> Settings:
    """``base`` with what reaching the loopback demo sites needs (no DNS, politeness lifted)."""
    reach = demo_settings(live_hosts(world), world.hosts())
    fields = ("per_host", "delay", "timeout", "offline", "assume_ok_hosts", "hosts")
    return base.model_copy(update={
        **{f: getattr(reach, f) for f in fields}, "home": demo.out, "database_url": demo.database_url,
    })


__all__ = ["Demo", "demo_world", "is_built", "prepare_demo", "recorded_ports", "serve_demo_world", "web_settings"]
