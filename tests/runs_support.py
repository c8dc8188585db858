"""Registered sites and accounts, settings files and subprocesses for the `govinspect inspect` tests."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from govinspect.model import SiteEntry
from govinspect.registry import AccountEntry, Registry
from govinspect.settings import Settings
from govinspect.store import Store
from govinspect.store.registry import import_registry, site_ids

SRC = Path(__file__).resolve().parent.parent / "src"


def register(store: Store, sites: Sequence[SiteEntry], accounts: Sequence[AccountEntry] = ()) -> dict[str, int]:
    """Import sites and accounts into the store's registry; returns site ids by URL."""
    import_registry(store, Registry(list(sites), list(accounts)), source="test-registry.yaml")
    return site_ids(store)


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
