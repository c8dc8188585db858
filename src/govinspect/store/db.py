"""The one door to storage: which database, its engine, its schema version, its sessions.

The embedded default is a SQLite file (WAL) in the data directory (``home`` setting,
``GOVINSPECT_HOME``, default the per-user data folder), created and migrated on first use so
that every command works on a fresh machine. ``database_url`` (``GOVINSPECT_DATABASE_URL``)
points at PostgreSQL instead (psycopg 3). Schema changes are Alembic migrations
(``store/migrations``), applied by ``govinspect db upgrade``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import platformdirs
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from ..errors import UsageError

log = logging.getLogger(__name__)

DB_FILE = "govinspect.sqlite"


class StoreError(UsageError):
    """The database cannot be used: unreachable, unknown URL, or at another schema version."""


def home_dir(home: Path | None = None) -> Path:
    """The data directory: ``home`` when set, else the per-user data folder."""
    return Path(home) if home else Path(platformdirs.user_data_dir("govinspect", appauthor=False))


def database_url(url: str | None = None, home: Path | None = None) -> str:
    """The SQLAlchemy URL to use: ``url`` when given (postgresql:// means psycopg 3), else the embedded file."""
    if url:
        if url.startswith("postgresql://") or url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url.split("://", 1)[1]
        return url
    return f"sqlite:///{home_dir(home) / DB_FILE}"


def shown(url: str) -> str:
    """The URL as it may appear in messages (no password)."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def make_engine(url: str) -> Engine:
    """An engine for ``url``: SQLite gets WAL, foreign keys and a busy timeout; its folder is created."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(f"数据库地址格式错误: {url!r}，应为 postgresql://用户@主机:端口/库名 或 sqlite:///文件路径") from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    try:
        return create_engine(url, pool_pre_ping=True)
    except (ArgumentError, ImportError, SQLAlchemyError) as exc:
        raise StoreError(f"无法使用数据库 {shown(url)}: {exc}") from None


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def alembic_config(engine: Engine) -> Config:
    """An Alembic configuration for the packaged migrations, bound to ``engine``."""
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("govinspect.store") / "migrations"))
    cfg.attributes["engine"] = engine
    return cfg


def head_revision() -> str:
    """The newest schema revision this code knows."""
    head = ScriptDirectory.from_config(alembic_config(create_engine("sqlite://"))).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The schema revision the database is at (None for an empty database)."""
    with _connect(engine) as conn:
        return MigrationContext.configure(conn).get_current_revision()


@contextmanager
def _connect(engine: Engine) -> Iterator[Any]:
    try:
        conn = engine.connect()
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise StoreError(
            f"无法连接数据库 {shown(str(engine.url))}: {reason}；请检查 GOVINSPECT_DATABASE_URL 或数据库服务"
        ) from None
    try:
        yield conn
    finally:
        conn.close()


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str]:
    """Apply migrations up to ``revision``; returns (before, after)."""
    before = current_revision(engine)
    _refuse_newer(engine, before)
    command.upgrade(alembic_config(engine), revision)
    after = current_revision(engine)
    assert after is not None
    return before, after


def _refuse_newer(engine: Engine, current: str | None) -> None:
    if current is None:
        return
    script = ScriptDirectory.from_config(alembic_config(engine))
    if not _known(script, current):
        raise StoreError(
            f"数据库 {shown(str(engine.url))} 的结构版本 {current} 比本程序支持的 {head_revision()} 新；"
            "请升级 govinspect 后再使用"
        )


def _known(script: ScriptDirectory, rev: str) -> bool:
    try:
        return script.get_revision(rev) is not None
    except Exception:  # alembic raises CommandError / ResolutionError for unknown ids
        return False


class Store:
    """A migrated database and its sessions; every storage module works through one."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @property
    def url(self) -> str:
        return shown(str(self.engine.url))

    @property
    def is_sqlite(self) -> bool:
        return self.engine.url.get_backend_name() == "sqlite"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back when it raises."""
        with self._sessions() as s, s.begin():
            yield s

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_store(url: str | None = None, home: Path | None = None, *, migrate_empty: bool = True) -> Store:
    """Open the database, creating the schema in an empty one; refuse one at another version."""
    engine = make_engine(database_url(url, home))
    current = current_revision(engine)
    head = head_revision()
    if current is None and migrate_empty:
        if _has_foreign_tables(engine):
            raise StoreError(f"数据库 {shown(str(engine.url))} 已有其他表但没有 govinspect 的结构版本；请换一个空库")
        log.info("creating the govinspect schema in %s", shown(str(engine.url)))
        upgrade(engine)
    elif current != head:
        _refuse_newer(engine, current)
        raise StoreError(
            f"数据库 {shown(str(engine.url))} 的结构版本 {current} 低于 {head}；请先运行 govinspect db upgrade"
        )
    return Store(engine)


def _has_foreign_tables(engine: Engine) -> bool:
    with _connect(engine) as conn:
        return bool(inspect(conn).get_table_names())
