"""`govinspect db ...`: the database's schema version and its migrations."""

from __future__ import annotations

import typer

from .cli_common import ConfigOpt
from .settings import load_settings

db_app = typer.Typer(help="数据库: 结构版本与升级 (database schema and migrations).", no_args_is_help=True)



@db_app.command("upgrade")
def db_upgrade(config: ConfigOpt = None) -> None:
    """升级数据库结构到最新版本 (apply the migrations; existing data is kept)."""
    from .store import database_url, upgrade
    from .store.db import make_engine, shown

    settings = load_settings(config)
    url = database_url(settings.database_url, settings.home)
    engine = make_engine(url)
    try:
        before, after = upgrade(engine)
    finally:
        engine.dispose()
    if before == after:
        typer.echo(f"数据库 {shown(url)} 已是最新结构版本 {after}")
    else:
        typer.echo(f"数据库 {shown(url)} 已从 {before or '空库'} 升级到 {after}")


@db_app.command("status")
def db_status(config: ConfigOpt = None) -> None:
    """显示数据库地址与结构版本 (print the database URL and schema version)."""
    from .store import database_url, head_revision
    from .store.db import current_revision, make_engine, shown

    settings = load_settings(config)
    url = database_url(settings.database_url, settings.home)
    engine = make_engine(url)
    try:
        current = current_revision(engine)
    finally:
        engine.dispose()
    head = head_revision()
    state = "最新" if current == head else ("未初始化" if current is None else "需要升级: govinspect db upgrade")
    typer.echo(f"数据库: {shown(url)}\n结构版本: {current or '无'} (程序支持 {head}) {state}")
