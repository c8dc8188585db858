"""JSON API for actions: start and follow runs, write and download circulars, export the registry."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from ..store.users import Principal
from .jobs import RunView, get_run, launcher, list_runs, run_view
from .registry import EXPORT_TYPES, export_file
from .reports import MEDIA_TYPES, ReportFile, download, list_reports, make_report
from .runs import start_inspection
from .security import require


class ErrorOut(BaseModel):
    error: str = Field(description="一行中文说明")


ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut, "description": text}
    for code, text in ((401, "未登录或登录已过期"), (403, "角色无权进行此操作"), (404, "对象不存在"),
                       (422, "参数无效"))
}
router = APIRouter(prefix="/api/v1", responses=ERRORS)
Actor = Annotated[Principal, Depends(require("admin", "supervisor"))]


class RunStart(BaseModel):
    model_config = ConfigDict(extra="forbid")
    site_id: int | None = Field(None, strict=True, description="只检查这一个网站；省略则检查全部已登记网站和账号")


class RunStarted(BaseModel):
    id: int


class PageCount(BaseModel):
    site: str
    pages: int
    queued: int
    done: bool


class RunOut(BaseModel):
    id: int
    period: str
    as_of: date
    kind: str
    status: str = Field(description="running | finished | interrupted | failed")
    status_label: str
    started_at: datetime
    finished_at: datetime | None
    scope: str
    sites_stored: int
    accounts_stored: int
    sites_total: int | None
    accounts_total: int | None
    progress: float | None = Field(description="0..1，已保存的网站和账号占检查对象的比例")
    pages: list[PageCount] = Field(default_factory=list, description="本进程正在抓取的网站的页面数")
    error: str | None


def _run_out(v: RunView) -> RunOut:
    return RunOut(
        id=v.id, period=v.period, as_of=v.as_of, kind=v.kind, status=v.status, status_label=v.status_label,
        started_at=_aware(v.started_at), finished_at=_aware(v.finished_at), scope=v.scope, sites_stored=v.sites_stored,
        accounts_stored=v.accounts_stored, sites_total=v.sites_total, accounts_total=v.accounts_total,
        progress=v.fraction, error=v.error,
        pages=[PageCount(site=k, pages=a, queued=b, done=c) for k, (a, b, c) in sorted(v.pages.items())],
    )


Format = Literal["docx", "xlsx", "html"]


def _aware(value: datetime | None) -> datetime | None:
    """Stored times are local and naive; the API gives them with their offset (RFC 3339)."""
    return value.astimezone() if value is not None and value.tzinfo is None else value


def _all_formats() -> list[Format]:
    return ["docx", "xlsx", "html"]


class ReportRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    period: str = Field(pattern=r"^\d{4}-\d{2}$", description="期次 YYYY-MM(须有已完成的检查)", examples=["2019-10"])
    formats: list[Format] = Field(default_factory=_all_formats, min_length=1,
                                  description="docx、xlsx、html")
    deadline: str | None = Field(None, pattern=r"^\d{4}-\d{2}-\d{2}$", json_schema_extra={"format": "date"},
                                 description="整改期限 YYYY-MM-DD")
    issuer: str | None = Field(None, max_length=100, description="发文单位")


class ReportOut(BaseModel):
    id: int
    period: str
    format: str
    name: str
    run_id: int | None
    created_at: datetime
    download: str


def _report_out(r: ReportFile) -> ReportOut:
    return ReportOut(id=r.id, period=r.period, format=r.format, name=r.name, run_id=r.run_id,
                     created_at=_aware(r.created_at), download=f"/api/v1/reports/{r.id}/download")


REPORT_FILE = {"description": "通报文件", "content": {m.split(";")[0]: {} for m in MEDIA_TYPES.values()}}
REGISTRY_FILE = {"description": "登记表文件", "content": {m.split(";")[0]: {} for _, m in EXPORT_TYPES.values()}}


@router.post("/runs", status_code=202, response_model=RunStarted, tags=["检查任务"],
             responses={409: {"model": ErrorOut, "description": "已有检查批次正在进行，或没有可检查的对象"},
                        400: {"model": ErrorOut, "description": "请求无效"}})
def api_run_start(request: Request, p: Actor, body: RunStart | None = None) -> RunStarted:
    """启动一次检查(后台进行)：全部已登记网站和账号，或一个网站。"""
    return RunStarted(id=start_inspection(request, body.site_id if body else None))


@router.get("/runs", response_model=list[RunOut], tags=["检查任务"])
def api_runs(request: Request, p: Actor) -> list[RunOut]:
    """检查批次列表(最新的在前)。"""
    ctx = request.app.state.web
    jobs = launcher(ctx.extra)
    return [_run_out(run_view(ctx.store, r, jobs)) for r in list_runs(ctx.store)]


@router.get("/runs/{run_id}", response_model=RunOut, tags=["检查任务"])
def api_run(request: Request, run_id: int, p: Actor) -> RunOut:
    """一个检查批次的状态与进度。"""
    ctx = request.app.state.web
    return _run_out(run_view(ctx.store, get_run(ctx.store, run_id), launcher(ctx.extra)))


@router.post("/reports", status_code=201, response_model=list[ReportOut], tags=["通报"],
             responses={400: {"model": ErrorOut, "description": "格式或期限无效"}})
def api_report_make(request: Request, body: ReportRequest, p: Actor) -> list[ReportOut]:
    """生成一期通报，返回生成的文件。"""
    ctx = request.app.state.web
    made = make_report(ctx.store, ctx.settings.home, body.period, body.formats,
                       body.deadline, body.issuer)
    return [_report_out(r) for r in made]


@router.get("/reports", response_model=list[ReportOut], tags=["通报"])
def api_reports(request: Request, p: Actor) -> list[ReportOut]:
    """已生成的通报文件(最新的在前)。"""
    return [_report_out(r) for r in list_reports(request.app.state.web.store)]


@router.get("/reports/{report_id}/download", tags=["通报"], response_class=Response, responses={200: REPORT_FILE})
def api_report_download(request: Request, report_id: int, p: Actor) -> Response:
    """下载一个通报文件。"""
    return download(request.app.state.web.store, report_id)


@router.get("/registry/export", tags=["登记表"], response_class=Response,
            responses={200: REGISTRY_FILE, 400: {"model": ErrorOut, "description": "不支持的格式"}})
def api_registry_export(request: Request, p: Actor, format: Literal["yaml", "csv", "xlsx"] = "yaml") -> Response:
    """导出登记表：format = yaml、csv 或 xlsx。"""
    return export_file(request.app.state.web.store, format)
