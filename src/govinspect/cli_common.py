"""Pieces every command shares: the inspection date, the progress bar, the store from settings."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from .crawl.engine import Progress as CrawlProgress
from .errors import UsageError
from .settings import Settings

if TYPE_CHECKING:
    from .store import Store

err = Console(stderr=True)

ConfigOpt = Annotated[Path | None, typer.Option("--config", help="settings file (YAML)")]


def as_of_date(value: str | None) -> date:
    """The --as-of date (default today), or a one-line usage error."""
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--as-of 日期格式错误: {value!r}，应为 YYYY-MM-DD") from None


class Bar:
    """A Rich progress bar on stderr, one line per site."""

    def __init__(self, enabled: bool):
        self.progress = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("链接 {task.fields[links]}"), TimeElapsedColumn(),
            console=err, transient=False, disable=not enabled,
        )
        self.tasks: dict[str, TaskID] = {}

    def __call__(self, p: CrawlProgress) -> None:
        task = self.tasks.get(p.site)
        if task is None:
            task = self.tasks[p.site] = self.progress.add_task(p.site[:20], total=None, links=0)
        total = p.pages + p.queued
        self.progress.update(task, completed=p.pages, total=total if not p.done else p.pages,
                             links=p.links_checked)




def store_from(settings: Settings) -> Store:
    """The store the settings name (``database_url``, else SQLite in ``home``)."""
    from .store import open_store  # SQLAlchemy loads only for the commands that store

    return open_store(settings.database_url, settings.home)
