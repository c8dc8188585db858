"""Shared fixtures: the simulated government world and its loopback server."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest

from govinspect.demo.server import WorldHandle, serve_in_thread
from govinspect.demo.types import World
from govinspect.demo.world import build_bad_sites, build_world

AS_OF = date(2019, 10, 20)


@pytest.fixture(scope="session")
def demo_world() -> World:
    """The demo world at scale 1.0 for 2019-10-20 (do not mutate)."""
    return build_world(AS_OF)


@pytest.fixture(scope="session")
def world_server(demo_world: World) -> Iterator[WorldHandle]:
    """The demo world served on 127.0.0.1, one port per site."""
    with serve_in_thread(demo_world) as handle:
        yield handle


@pytest.fixture(scope="session")
def bad_server() -> Iterator[WorldHandle]:
    """The misbehaving sites (slow answers after 1 s) served on 127.0.0.1."""
    with serve_in_thread(None, build_bad_sites(slow_seconds=1.0)) as handle:
        yield handle


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """An empty database of each backend (PostgreSQL skipped when unreachable outside CI)."""
    from tests.store_support import database

    with database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def store(db_url: str):
    """A migrated, empty store on each backend."""
    from govinspect.store import open_store

    with open_store(db_url) as s:
        yield s


@pytest.fixture
def call(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Callable[..., Any]:
    """Run ``govinspect ARGS`` against database ``url`` in this process, through ``cli.main`` (its
    real error handling and exit codes)."""
    from govinspect.cli import main

    from .support import Proc

    def run(url: str, *args: str) -> Proc:
        monkeypatch.setenv("GOVINSPECT_DATABASE_URL", url)
        monkeypatch.setenv("COLUMNS", "200")
        monkeypatch.setattr(sys, "argv", ["govinspect", *args])
        capsys.readouterr()
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        out, err = capsys.readouterr()
        return Proc(code, out, err)

    return run


@pytest.fixture
def web(store):
    """The dashboard over the fixture history (tests/web_support.py), served on 127.0.0.1."""
    from tests.web_support import web_env

    with web_env(store) as env:
        yield env
