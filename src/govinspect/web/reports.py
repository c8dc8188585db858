"""通报 pages: write the circular of a finished period (Word, Excel, HTML) and download the files."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from sqlalchemy import select

from ..errors import UsageError
from ..report import WRITERS
from ..report.publish import write_circular
from ..store import Store, home_dir
from ..store.periods import finished_periods, require_period
from ..store.tables import ReportRecord
from ..store.users import Principal
from .render import page
from .security import WebError, get_row, require

router = APIRouter()
Reporter = Annotated[Principal, Depends(require("admin", "supervisor"))]

MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
}
FORMAT_LABELS = {"docx": "Word", "xlsx": "Excel", "html": "网页"}


@dataclass
class ReportFile:
    """One written circular file as the pages and the API show it."""

    id: int
    period: str
    format: str
    name: str
    run_id: int | None
    created_at: datetime


def _file(row: ReportRecord) -> ReportFile:
    return ReportFile(row.id, row.period, row.format, Path(row.path).name, row.run_id, row.created_at)


def make_report(store: Store, home: Path | None, period: str, formats: Sequence[str], deadline: str | None = None,
                issuer: str | None = None) -> list[ReportFile]:
    """Write the circular of ``period`` into ``<home>/reports/<time>/`` and return the recorded files."""
    chosen = list(dict.fromkeys(f.strip().lower() for f in formats if f.strip()))
    if not chosen:
        raise WebError(400, "请至少选择一种通报格式(Word、Excel 或网页)")
    unknown = [f for f in chosen if f not in WRITERS]
    if unknown:
        raise WebError(400, f"不支持的通报格式 {','.join(unknown)}，可选: {','.join(WRITERS)}")
    day: date | None = None
    if deadline and deadline.strip():
        try:
            day = date.fromisoformat(deadline.strip())
        except ValueError:
            raise WebError(400, f"整改期限格式错误: {deadline.strip()[:40]!r}，应为 YYYY-MM-DD") from None
    try:
        with store.session() as s:
            period = require_period(s, period)
    except UsageError as exc:
        raise WebError(404, str(exc).replace("--period ", "期次")) from None
    # One folder per generation, so an earlier circular of the same period stays downloadable.
    out = home_dir(home) / "reports" / datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    try:
        paths = write_circular(store, period, out, chosen, deadline=day, issuer=(issuer or "").strip() or None)
    except UsageError as exc:
        raise WebError(400, str(exc)) from None
    wanted = {str(p.resolve()) for p in paths}
    with store.session() as s:
        rows = s.scalars(select(ReportRecord).where(ReportRecord.path.in_(wanted)).order_by(ReportRecord.id))
        return [_file(r) for r in rows]


def list_reports(store: Store, limit: int = 200) -> list[ReportFile]:
    with store.session() as s:
        return [_file(r) for r in s.scalars(select(ReportRecord).order_by(ReportRecord.id.desc()).limit(limit))]


def download(store: Store, report_id: int) -> Response:
    """The file of a recorded circular, with its media type and its Chinese file name."""
    with store.session() as s:
        row = get_row(s, ReportRecord, report_id)
        if row is None:
            raise WebError(404, f"没有编号为 {report_id} 的通报文件")
        path, fmt = Path(row.path), row.format
    if not path.is_file():
        raise WebError(404, f"通报文件 {path.name} 已不在服务器上，请重新生成")
    ascii_name = f"report-{report_id}{path.suffix}"
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(path.name)}"
    return FileResponse(path, media_type=MEDIA_TYPES.get(fmt, "application/octet-stream"),
                        headers={"Content-Disposition": disposition})


@router.get("/reports", response_class=HTMLResponse)
def reports_page(request: Request, p: Reporter) -> Response:
    ctx = request.app.state.web
    with ctx.store.session() as s:
        periods = finished_periods(s)
    return page(request, "reports.html", title="通报", periods=list(reversed(periods)),
                formats=[(f, FORMAT_LABELS.get(f, f)) for f in WRITERS], reports=list_reports(ctx.store))


@router.post("/reports", response_class=HTMLResponse)
def reports_make(
    request: Request, p: Reporter, period: Annotated[str, Form()] = "",
    formats: Annotated[list[str] | None, Form()] = None, deadline: Annotated[str, Form()] = "",
    issuer: Annotated[str, Form()] = "",
) -> Response:
    ctx = request.app.state.web
    if not period.strip():
        raise WebError(400, "请选择要通报的期次")
    made = make_report(ctx.store, ctx.settings.home, period, formats or [], deadline, issuer)
    with ctx.store.session() as s:
        periods = finished_periods(s)
    return page(request, "reports.html", status=201, title="通报", periods=list(reversed(periods)),
                formats=[(f, FORMAT_LABELS.get(f, f)) for f in WRITERS], reports=list_reports(ctx.store),
                made=made, flash=f"已生成 {made[0].period if made else period} 期通报 {len(made)} 个文件")


@router.get("/reports/{report_id}/download")
def reports_download(request: Request, report_id: int, p: Reporter) -> Response:
    return download(request.app.state.web.store, report_id)
