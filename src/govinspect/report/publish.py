"""Write the circular of a period in several formats and record each file in the ``reports`` table."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from ..errors import UsageError
from ..store.db import Store
from ..store.periods import period_runs
from ..store.tables import ReportRecord
from . import WRITERS, report_path
from .build import build_circular

DEFAULT_FORMATS = ("docx", "xlsx", "html")


class ReportError(UsageError):
    """A format without a writer, or a deadline that is not a date."""


def parse_formats(text: str | None) -> list[str]:
    """The formats named in ``--format`` ("docx,xlsx,html"), each one with a writer."""
    names = [n.strip().lower() for n in (text or ",".join(DEFAULT_FORMATS)).split(",") if n.strip()]
    if text is None:
        names = [n for n in names if n in WRITERS]
    unknown = [n for n in names if n not in WRITERS]
    if unknown or not names:
        raise ReportError(f"--format 含不支持的格式 {','.join(unknown) or repr(text)}，可选: {','.join(WRITERS)}")
    return list(dict.fromkeys(names))


def parse_deadline(text: str | None) -> date | None:
    """``--deadline YYYY-MM-DD`` as a date."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ReportError(f"--deadline 格式错误: {text!r}，应为 YYYY-MM-DD，例如 2019-11-15") from None


def write_circular(
    store: Store, period: str, out: Path, formats: list[str] | None = None, *, deadline: date | None = None,
    issuer: str | None = None, issued_on: date | None = None,
) -> list[Path]:
    """Build the circular of ``period`` once, write it in each format to ``out``, record the files."""
    fmts = formats or parse_formats(None)
    extra = {"issuer": issuer} if issuer else {}
    circular = build_circular(store, period, deadline=deadline, issued_on=issued_on, **extra)
    out.mkdir(parents=True, exist_ok=True)
    paths = [WRITERS[f](circular, report_path(out, circular.period, f)) for f in fmts]
    with store.session() as s:
        used = period_runs(s, circular.period).used_run_ids
        run_id = used[-1] if used else None
        now = datetime.now()
        for fmt, path in zip(fmts, paths, strict=True):
            s.add(ReportRecord(period=circular.period, format=fmt, path=str(path.resolve()), run_id=run_id,
                               created_at=now))
    return paths
