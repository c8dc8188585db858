"""The store's door: URLs, the embedded default, migrations kept in step with the tables, errors."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select, text

from govinspect.store import StoreError, database_url, head_revision, open_store, upgrade
from govinspect.store.db import current_revision, make_engine
from govinspect.store.tables import Base, Run, Site, Unit


def test_embedded_default_is_sqlite_in_home(tmp_path: Path) -> None:
    url = database_url(None, tmp_path / "home")
    assert url == f"sqlite:///{tmp_path / 'home' / 'govinspect.sqlite'}"
    with open_store(None, tmp_path / "home") as store:  # a fresh machine: created and migrated
        assert store.is_sqlite
        assert current_revision(store.engine) == head_revision()
        with store.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert (tmp_path / "home" / "govinspect.sqlite").is_file()


def test_postgres_urls_use_psycopg3() -> None:
    assert database_url("postgresql://postgres@127.0.0.1:5432/test") == "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def test_tables_match_migrations(store) -> None:
    """The ORM tables and the migrated schema agree (no migration forgotten)."""
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []


def test_upgrade_from_first_revision_keeps_data(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine, "0001")
    now = datetime(2019, 10, 1, 8, 0)
    with engine.begin() as conn:
        conn.execute(Unit.__table__.insert(), [{"id": 1, "name": "淮南市人民政府办公室"}])
        conn.execute(Site.__table__.insert(), [{
            "id": 1, "name": "淮南市人民政府", "url": "http://www.huainan.gov.cn/", "unit_id": 1,
            "level": "portal", "overrides": {}, "created_at": now, "updated_at": now}])
        conn.execute(Run.__table__.insert(), [{
            "id": 1, "period": "2019-09", "as_of": date(2019, 9, 20), "kind": "inspect", "status": "finished",
            "rules": "国办", "options": {}, "started_at": now}])
    before, after = upgrade(engine)
    assert (before, after) == ("0001", head_revision())
    engine.dispose()
    with open_store(db_url) as store, store.session() as s:
        site = s.scalars(select(Site)).one()
        assert (site.name, site.url, site.level) == ("淮南市人民政府", "http://www.huainan.gov.cn/", "portal")
        assert s.scalars(select(Run)).one().period == "2019-09"


def test_older_schema_asks_for_upgrade(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine, "0001")
    engine.dispose()
    with pytest.raises(StoreError, match="govinspect db upgrade"):
        open_store(db_url)


def test_newer_schema_is_refused(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num='9999'"))
    engine.dispose()
    with pytest.raises(StoreError, match="9999.*升级 govinspect"):
        open_store(db_url)


def test_unreachable_database_is_one_line() -> None:
    with pytest.raises(StoreError) as info:
        open_store("postgresql://postgres@127.0.0.1:1/none")
    message = str(info.value)
    assert "无法连接数据库" in message and "127.0.0.1:1" in message and "\n" not in message


def test_malformed_url() -> None:
    with pytest.raises(StoreError, match="数据库地址格式错误"):
        open_store("not a url")


def test_cli_db_upgrade_and_status(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "GOVINSPECT_HOME": str(tmp_path / "h"), "PYTHONPATH": os.environ.get("PYTHONPATH", "")}
    env.pop("GOVINSPECT_DATABASE_URL", None)
    run = lambda *a: subprocess.run([sys.executable, "-m", "govinspect", *a], env=env, capture_output=True, text=True)  # noqa: E731
    first = run("db", "upgrade")
    assert first.returncode == 0, first.stderr
    assert "已从 空库 升级到" in first.stdout and head_revision() in first.stdout
    again = run("db", "upgrade")
    assert "已是最新结构版本" in again.stdout
    status = run("db", "status")
    assert "govinspect.sqlite" in status.stdout and "最新" in status.stdout
    env["GOVINSPECT_DATABASE_URL"] = "postgresql://postgres@127.0.0.1:1/none"
    down = run("db", "status")
    assert down.returncode == 2 and down.stderr.count("\n") == 1 and "无法连接数据库" in down.stderr
