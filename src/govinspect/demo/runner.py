"""`govinspect demo`: serve the simulated world on loopback, scan it, write the results."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from ..model import ScanResult
from ..output import to_json
from ..service import ProgressFn, scan
from ..settings import Settings
from .accounts import build_accounts
from .server import serve_in_thread
from .types import World
from .world import build_world


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


def run_demo(out: Path, as_of: date, progress: ProgressFn | None = None) -> tuple[ScanResult, Path]:
    """Scan the demo world as of ``as_of``; write scan.json and truth.json to ``out``."""
    world = build_world(as_of)
    acc = build_accounts(world, as_of)
    out.mkdir(parents=True, exist_ok=True)
    files = acc.write_account_files(out / "accounts")
    # The RSSHub-like feed host is served beside the sites, not listed among them.
    with serve_in_thread(world, [*world.sites, acc.site]) as handle:
        accounts = acc.entries(handle.base_urls[acc.site.key], files)
        result = scan(world.entries(handle.base_urls), demo_settings(live_hosts(world), world.hosts()), as_of, progress,
                      accounts=accounts)
        truth = world.truth_dict(handle.base_urls, handle.links)
    truth["accounts"] = acc.truth()
    (out / "scan.json").write_text(to_json(result) + "\n", encoding="utf-8")
    (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return result, out.resolve()
