"""Pieces every command shares: the inspection date, the progress bar, the store from settings."""

from __future__ import annotations

import contextlib
import functools
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .crawl.engine import Progress as CrawlProgress
from .errors import UsageError
from .settings import Settings

if TYPE_CHECKING:
    from rich.console import Console

    from .store import Store


@functools.cache
def stderr_console() -> Console:
    """Rich's console on stderr, made on first use: a command that prints no table or bar (a scan
    with ``--json`` and no terminal) never imports Rich (40 ms and 4 MB of every such process)."""
    from rich.console import Console

    return Console(stderr=True)


class _Stderr:
    """``err.print(...)`` and the like, on ``stderr_console()``."""

    def __getattr__(self, name: str) -> Any:
        return getattr(stderr_console(), name)


err: Console = _Stderr()  # type: ignore[assignment]

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
    """Progress on stderr, one line per site: a Rich progress bar on a terminal; elsewhere (a log
    file, a pipe, cron) one plain line per site once it is done, which is what Rich itself would
    leave there, without Rich's import. ``with bar.progress:`` brackets the work in both cases."""

    def __init__(self, enabled: bool):
        self.live = enabled and sys.stderr.isatty()
        self.enabled = enabled
        self.tasks: dict[str, Any] = {}
        self.progress: Any
        if self.live:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            self.progress = Progress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                TextColumn("链接 {task.fields[links]}"), TimeElapsedColumn(),
                console=stderr_console(), transient=False,
            )
        else:
            self.progress = contextlib.ExitStack()
            self.progress.callback(self._flush)
        self._plain: dict[str, tuple[float, CrawlProgress | None]] = {}  # site -> (start, last report)

    def __call__(self, p: CrawlProgress) -> None:
        if not self.live:
            self._line(p)
            return
        task = self.tasks.get(p.site)
        if task is None:
            task = self.tasks[p.site] = self.progress.add_task(p.site[:20], total=None, links=0)
        total = p.pages + p.queued
        self.progress.update(task, completed=p.pages, total=total if not p.done else p.pages,
                             links=p.links_checked)

    def _line(self, p: CrawlProgress) -> None:
        start, _ = self._plain.get(p.site, (time.monotonic(), None))
        self._plain[p.site] = (start, p)
        if p.done:
            self._write(p, start)
            self._plain[p.site] = (start, None)

    def _flush(self) -> None:
        """The sites not done when the work ends (stopped, interrupted), as they stood."""
        for start, last in self._plain.values():
            if last is not None:
                self._write(last, start)
        self._plain.clear()

    def _write(self, p: CrawlProgress, start: float) -> None:
        if not self.enabled:
            return
        elapsed = timedelta(seconds=int(time.monotonic() - start))  # as Rich's TimeElapsedColumn shows it
        total = p.pages if p.done else p.pages + p.queued
        sys.stderr.write(f"{p.site[:20]} {p.pages}/{total} 链接 {p.links_checked} {elapsed}\n")
        sys.stderr.flush()


def store_from(settings: Settings) -> Store:
    """The store the settings name (``database_url``, else SQLite in ``home``)."""
    from .store import open_store  # SQLAlchemy loads only for the commands that store

    return open_store(settings.database_url, settings.home)
