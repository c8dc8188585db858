"""登记表 pages: import a registry file (admin), export it (admin, supervisor), add one site (admin).

Imports go through ``store.registry.import_registry`` (one transaction: a bad row changes
nothing), the same unit of work as ``govinspect sites import``. Site URLs that arrive through
the dashboard pass the SSRF guard (``ssrf.py``) when ``block_private`` is on.
"""

from __future__ import annotations

import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from ..errors import UsageError
from ..model import SiteEntry
from ..registry import LEVELS, SUFFIXES, Registry, load_registry
from ..registry.fields import Invalid, http_url, url_key
from ..registry.writer import LEVEL_LABELS
from ..store import Store
from ..store.registry import Counts, ImportReport, export_registry, import_registry, registered
from ..store.tables import Site, Unit
from ..store.users import Principal
from .render import page
from .security import WebError, require
from .ssrf import check_site_url

router = APIRouter()
Admin = Annotated[Principal, Depends(require("admin"))]
Reader = Annotated[Principal, Depends(require("admin", "supervisor"))]

EXPORT_TYPES = {
    "yaml": ("yaml", "application/x-yaml; charset=utf-8"),
    "csv": ("csv", "text/csv; charset=utf-8"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


# Adding a site re-imports the registered sites plus the new one: two adds at once in this process
# must not each archive the other's new site.
_ADD_LOCK = threading.Lock()


@dataclass
class Imported:
    """What an import (or its dry run) did, in Chinese lines."""

    dry_run: bool
    lines: list[str]


def _counts(c: Counts) -> str:
    return f"新增 {c.added}，更新 {c.updated}，未变 {c.unchanged}，归档 {c.archived}，恢复 {c.restored}"


def import_lines(report: ImportReport, name: str) -> list[str]:
    head = f"试导入 {name}(未写入数据库)：" if report.dry_run else f"已导入 {name}："
    return [
        head,
        "网站：" + (_counts(report.sites) if "site" in report.kinds else "文件中没有网站，已登记的网站保持不变"),
        "新媒体账号：" + (_counts(report.accounts) if "account" in report.kinds
                        else "文件中没有新媒体账号，已登记的账号保持不变"),
        f"单位：新增 {report.units_added}",
    ]


def guard_sites(sites: list[SiteEntry], block_private: bool, file: str) -> None:
    """Refuse the whole import when a site URL (or search URL) points inside the network."""
    if not block_private:
        return
    for site in sites:
        row = (site.source or "").rpartition(":")[2]
        where = f"{file} 第{row}行" if row.isdigit() else f"{file} 网站“{site.name}”"
        for name, value in (("url", site.url), ("search_url", site.search_url)):
            if not value:
                continue
            try:
                check_site_url(value, block_private=True)
            except WebError as exc:
                raise WebError(400, f"{where} 字段 {name}: {exc.message}；未做任何更改") from None


def import_upload(store: Store, data: bytes, filename: str, *, dry_run: bool, block_private: bool) -> Imported:
    """Import an uploaded registry file (YAML, CSV or XLSX) in one transaction."""
    name = PurePath(filename.replace("\\", "/")).name.strip() or "registry"
    suffix = PurePath(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise WebError(400, f"{name}: 不支持的文件类型，名单应为 .yaml、.yml、.csv 或 .xlsx 文件；未做任何更改")
    if not data:
        raise WebError(400, f"{name}: 文件为空；未做任何更改")
    with tempfile.TemporaryDirectory(prefix="govinspect-upload-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        try:
            registry = load_registry(path)
            guard_sites(registry.sites, block_private, name)
            report = import_registry(store, registry, source=name, dry_run=dry_run)
        except UsageError as exc:
            line = str(exc).replace(str(Path(tmp)) + "/", "").replace(tmp, "").splitlines()[0]
            raise WebError(400, f"{line}；未做任何更改") from None
    return Imported(dry_run, import_lines(report, name))


def export_file(store: Store, fmt: str) -> Response:
    """The registered sites and accounts as a YAML, CSV or XLSX download."""
    kind = EXPORT_TYPES.get(fmt.strip().lower())
    if kind is None:
        raise WebError(400, f"不支持的导出格式 {fmt[:20]!r}，可选: yaml、csv、xlsx")
    ext, media = kind
    with tempfile.TemporaryDirectory(prefix="govinspect-export-") as tmp:
        path = Path(tmp) / f"registry.{ext}"
        try:
            export_registry(store, path)
        except UsageError as exc:
            raise WebError(404, str(exc).splitlines()[0]) from None
        body = path.read_bytes()
    disposition = f"attachment; filename=\"registry.{ext}\"; filename*=UTF-8''%E7%99%BB%E8%AE%B0%E8%A1%A8.{ext}"
    return Response(body, media_type=media, headers={"Content-Disposition": disposition})


def add_site(store: Store, name: str, url: str, unit: str, level: str, *, block_private: bool) -> SiteEntry:
    """Register one site (the other registered sites stay as they are)."""
    name, unit = name.strip(), unit.strip()
    if not name:
        raise WebError(400, "请填写网站名称")
    if len(name) > 200 or len(unit) > 200:
        raise WebError(400, "网站名称或单位名称过长(最多 200 个字符)")
    if level not in LEVELS:
        raise WebError(400, f"网站级别无效: {level[:20]!r}，可选: {'、'.join(LEVEL_LABELS.values())}")
    url = check_site_url(url, block_private=block_private)
    try:
        http_url(url)
    except Invalid as exc:
        raise WebError(400, str(exc)) from None
    if len(url) > 1000:
        raise WebError(400, "网址过长(最多 1000 个字符)")
    entry = SiteEntry(name=name, url=url, unit=unit or None, level=level, source="网页添加")
    with _ADD_LOCK:
        current = registered(store)
        key = url_key(url)
        for site in current.sites:
            if url_key(site.url) == key:
                raise WebError(409, f"该网址已登记为网站“{site.name}”，无需重复添加")
        try:
            import_registry(store, Registry([*current.sites, entry], []), source="网页添加")
        except UsageError as exc:
            raise WebError(400, str(exc).splitlines()[0]) from None
    return entry


def _overview(store: Store) -> tuple[list[tuple[int, str, str, str, str]], int]:
    with store.session() as s:
        units = {u.id: u.name for u in s.scalars(select(Unit))}
        rows = [(x.id, x.name, x.url, units.get(x.unit_id, "") if x.unit_id else "", LEVEL_LABELS.get(x.level, x.level))
                for x in s.scalars(select(Site).where(Site.archived_at.is_(None)).order_by(Site.id))]
    return rows, len(registered(store).accounts)


def _page(request: Request, status: int = 200, **extra: object) -> Response:
    store = request.app.state.web.store
    sites, accounts = _overview(store)
    return page(request, "registry.html", status=status, title="登记表", sites=sites, accounts=accounts,
                levels=list(LEVEL_LABELS.items()), **extra)


@router.get("/registry", response_class=HTMLResponse)
def registry_page(request: Request, p: Reader) -> Response:
    return _page(request)


@router.post("/registry/import", response_class=HTMLResponse)
async def registry_import(
    request: Request, p: Admin, file: Annotated[UploadFile, File()],
    dry_run: Annotated[str, Form()] = "",
) -> Response:
    ctx = request.app.state.web
    data = await file.read()
    done = import_upload(ctx.store, data, file.filename or "", dry_run=bool(dry_run),
                         block_private=ctx.block_private)
    return _page(request, imported=done, flash=done.lines[0], flash_kind="warn" if done.dry_run else "ok")


@router.get("/registry/export")
def registry_export(request: Request, p: Reader, format: str = "yaml") -> Response:
    return export_file(request.app.state.web.store, format)


@router.post("/registry/sites", response_class=HTMLResponse)
def registry_add_site(
    request: Request, p: Admin, name: Annotated[str, Form()] = "", url: Annotated[str, Form()] = "",
    unit: Annotated[str, Form()] = "", level: Annotated[str, Form()] = "other",
) -> Response:
    ctx = request.app.state.web
    entry = add_site(ctx.store, name, url, unit, level, block_private=ctx.block_private)
    return _page(request, status=201, flash=f"已登记网站“{entry.name}”({entry.url})")
