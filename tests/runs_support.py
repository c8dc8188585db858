"""Registered sites and accounts inserted as rows, and settings files for `govinspect inspect` subprocesses.

Stand-in for ``govinspect sites import`` (store/registry.py, another branch) until it lands:
the rows are what that import writes.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from govinspect.model import SiteEntry
from govinspect.registry import AccountEntry
from govinspect.settings import Settings
from govinspect.store import Store
from govinspect.store.tables import Account, Site, Unit

SRC = Path(__file__).resolve().parent.parent / "src"


def register(store: Store, sites: Sequence[SiteEntry], accounts: Sequence[AccountEntry] = ()) -> dict[str, int]:
    """Insert sites and accounts (and their units) as registry rows; returns site ids by URL."""
    now = datetime.now()
    ids: dict[str, int] = {}
    with store.session() as s:
        units: dict[str, Unit] = {}

        def unit(name: str | None) -> int | None:
            if not name:
                return None
            if name not in units:
                units[name] = Unit(name=name)
                s.add(units[name])
                s.flush()
            return units[name].id

        for e in sites:
            row = Site(name=e.name, url=e.url, unit_id=unit(e.unit), level=e.level, site_code=e.site_code,
                       search_url=e.search_url, overrides=e.overrides, created_at=now, updated_at=now)
            s.add(row)
            s.flush()
            ids[e.url] = row.id
        for a in accounts:
            source = {"type": a.source.type, "url": a.source.url, "path": str(a.source.path) if a.source.path else None}
            messages = None
            if a.messages is not None:
                messages = {"type": a.messages.type, "url": a.messages.url,
                            "path": str(a.messages.path) if a.messages.path else None}
            s.add(Account(name=a.name, platform=a.platform, unit_id=unit(a.unit), platform_id=a.platform_id,
                          source=source, messages=messages, official_matrix=a.official_matrix, status=a.status,
                          closed_on=a.closed_on, created_at=now, updated_at=now))
    return ids


def write_config(path: Path, settings: Settings, db_url: str, home: Path, **extra: Any) -> Path:
    """A settings file for a subprocess: the crawl settings of ``settings``, the store, ``extra``."""
    data = {
        "per_host": settings.per_host, "delay": settings.delay, "timeout": settings.timeout,
        "offline": settings.offline, "hosts": dict(settings.hosts),
        "assume_ok_hosts": list(settings.assume_ok_hosts), "database_url": db_url, "home": str(home),
        "harmful_links": False, "cloak_sample": 0, "cloak_all_max_pages": 0, **extra,
    }
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def env() -> dict[str, str]:
    """The environment of a govinspect subprocess running this worktree's source."""
    out = {k: v for k, v in os.environ.items() if not k.startswith("GOVINSPECT_")}
    out["PYTHONPATH"] = str(SRC) + os.pathsep + out.get("PYTHONPATH", "")
    return out


def govinspect(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run ``python -m govinspect ARGS`` to the end."""
    return subprocess.run([sys.executable, "-m", "govinspect", *args], capture_output=True, text=True,
                          env=env(), timeout=timeout)


def start(*args: str) -> subprocess.Popen[str]:
    """Start ``python -m govinspect ARGS`` in the background."""
    return subprocess.Popen([sys.executable, "-m", "govinspect", *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, env=env())
