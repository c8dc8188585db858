"""Databases for storage tests: a SQLite file always, PostgreSQL when reachable.

Each PostgreSQL test gets a schema of its own in the ``test`` database (dropped afterwards),
so tests never see each other's rows. ``GOVINSPECT_TEST_DATABASE_URL`` names the server
(``.ci/run`` sets it, and then an unreachable server fails the tests instead of skipping them).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BACKENDS = ("sqlite", "postgresql")


def pg_base_url() -> str:
    url = os.environ.get("GOVINSPECT_TEST_DATABASE_URL") or PG_DEFAULT
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


_reachable: bool | None = None


def pg_reachable() -> bool:
    global _reachable
    if _reachable is None:
        try:
            eng = create_engine(pg_base_url(), connect_args={"connect_timeout": 3})
            with eng.connect():
                pass
            eng.dispose()
            _reachable = True
        except (OperationalError, ImportError):
            _reachable = False
    return _reachable


@contextmanager
def database(backend: str, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL of ``backend``."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite'}"
        return
    if not pg_reachable():
        if os.environ.get("GOVINSPECT_TEST_DATABASE_URL"):
            pytest.fail(f"PostgreSQL at {pg_base_url()} is not reachable")
        pytest.skip("PostgreSQL not reachable on 127.0.0.1:5432")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_base_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        sep = "&" if "?" in pg_base_url() else "?"
        yield f"{pg_base_url()}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
