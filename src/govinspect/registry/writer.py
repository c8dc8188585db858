"""Writing a registry back to a file (YAML, CSV or XLSX) that ``load_registry`` reads unchanged.

Tables use the Chinese headers offices use (网站名称, 网址, 主办单位 ...) and Chinese value
words (门户, 微信, 是/否, 关停); CSV is UTF-8 with a BOM so that Excel opens it. Record file
paths are written relative to the new file's folder when they lie under it, else absolute.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import yaml

from ..errors import RegistryError
from ..model import SiteEntry
from .entries import AccountEntry, Registry, SourceSpec

LEVEL_LABELS = {"portal": "门户", "county": "区县", "department": "部门", "other": "其他"}
PLATFORM_LABELS = {"wechat": "微信", "weibo": "微博", "douyin": "抖音", "toutiao": "今日头条", "other": "其他"}
KIND_LABELS = {"site": "网站", "account": "新媒体"}

# (field, header) in the order the columns are written; every header is one columns.py accepts.
SITE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "网站名称"), ("url", "网址"), ("unit", "主办单位"), ("level", "级别"),
    ("site_code", "网站标识码"), ("search_url", "搜索地址"),
)
ACCOUNT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "账号名称"), ("unit", "开办主体"), ("platform", "平台"), ("platform_id", "账号ID"),
    ("official_matrix", "是否纳入矩阵"), ("status", "状态"), ("closed_on", "关停日期"),
    ("closed_kind", "关停类型"), ("source_type", "来源类型"), ("source_url", "来源地址"),
    ("source_path", "来源文件"), ("messages_type", "留言来源类型"), ("messages_path", "留言文件"),
)
# One CSV table mixes both kinds, so its headers must be shared ones (名称, not 网站名称).
CSV_COLUMNS: tuple[tuple[str, str], ...] = (
    ("kind", "类别"), ("name", "名称"), ("url", "网址"), ("unit", "单位"),
    *SITE_COLUMNS[3:], *ACCOUNT_COLUMNS[2:],
)


def write_registry(registry: Registry, path: Path) -> None:
    """Write ``registry`` to ``path``; the format follows the suffix (.yaml/.yml, .csv, .xlsx)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".yaml", ".yml", ".csv", ".xlsx"):
        raise RegistryError(str(path), "不支持的文件类型，导出文件应为 .yaml、.yml、.csv 或 .xlsx")
    base = path.parent.absolute()
    sites = [_site_cells(s) for s in registry.sites]
    accounts = [_account_cells(a, base) for a in registry.accounts]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if suffix == ".csv":
            _write_csv(path, sites, accounts)
        elif suffix == ".xlsx":
            _write_xlsx(path, sites, accounts)
        else:
            _write_yaml(path, registry, base)
    except OSError as exc:
        raise RegistryError(str(path), f"无法写入文件({exc.strerror or exc})") from None


def _site_cells(site: SiteEntry) -> dict[str, Any]:
    return {
        "kind": KIND_LABELS["site"], "name": site.name, "url": site.url, "unit": site.unit,
        "level": LEVEL_LABELS.get(site.level, site.level), "site_code": site.site_code,
        "search_url": site.search_url,
    }


def _account_cells(account: AccountEntry, base: Path) -> dict[str, Any]:
    closed = account.status == "closed"
    messages = account.messages
    return {
        "kind": KIND_LABELS["account"], "name": account.name, "unit": account.unit,
        "platform": PLATFORM_LABELS.get(account.platform, account.platform),
        "platform_id": account.platform_id, "official_matrix": "是" if account.official_matrix else "否",
        "status": (account.closed_kind or "关停") if closed else "正常",
        "closed_on": account.closed_on.isoformat() if account.closed_on else None,
        "closed_kind": account.closed_kind if closed else None,
        "source_type": account.source.type, "source_url": account.source.url,
        "source_path": _relative(account.source.path, base),
        "messages_type": messages.type if messages else None,
        "messages_path": _relative(messages.path, base) if messages else None,
    }


def _relative(path: Path | None, base: Path) -> str | None:
    if path is None:
        return None
    path = Path(path)
    if path.is_absolute() and path.is_relative_to(base):
        return path.relative_to(base).as_posix()
    return path.as_posix() if not path.is_absolute() else str(path)


def _write_csv(path: Path, sites: list[dict[str, Any]], accounts: list[dict[str, Any]]) -> None:
    # newline="" lets csv write CRLF itself; utf-8-sig adds the BOM Excel needs to read UTF-8.
    with open(path, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([header for _, header in CSV_COLUMNS])
        for cells in (*sites, *accounts):
            writer.writerow([_plain(cells.get(name)) for name, _ in CSV_COLUMNS])


def _write_xlsx(path: Path, sites: list[dict[str, Any]], accounts: list[dict[str, Any]]) -> None:
    import openpyxl  # type: ignore[import-untyped]
    from openpyxl.styles import Font  # type: ignore[import-untyped]
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

    book = openpyxl.Workbook()
    first = book.active
    book.remove(first)
    for title, columns, rows in (("网站", SITE_COLUMNS, sites), ("新媒体", ACCOUNT_COLUMNS, accounts)):
        sheet = book.create_sheet(title)
        sheet.append([header for _, header in columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for cells in rows:
            # Text cells throughout: a 网站标识码 keeps its leading zeros, a date stays as written.
            sheet.append([_plain(cells.get(name)) or None for name, _ in columns])
        for index, (name, header) in enumerate(columns, start=1):
            widest = max([len(header) * 2, *(len(_plain(c.get(name))) * 2 for c in rows)])
            sheet.column_dimensions[get_column_letter(index)].width = min(60, widest + 2)
        sheet.freeze_panes = "A2"
    book.save(path)


def _write_yaml(path: Path, registry: Registry, base: Path) -> None:
    data: dict[str, list[dict[str, Any]]] = {}
    if registry.sites:
        data["sites"] = [_site_yaml(s) for s in registry.sites]
    if registry.accounts:
        data["accounts"] = [_account_yaml(a, base) for a in registry.accounts]
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000)
    path.write_text("# govinspect sites export (contract section 2)\n" + text, encoding="utf-8")


def _site_yaml(site: SiteEntry) -> dict[str, Any]:
    item: dict[str, Any] = {"name": site.name, "url": site.url}
    if site.unit is not None:
        item["unit"] = site.unit
    item["level"] = site.level
    for key in ("site_code", "search_url"):
        if (value := getattr(site, key)) is not None:
            item[key] = value
    if site.overrides:
        item["overrides"] = site.overrides
    return item


def _account_yaml(account: AccountEntry, base: Path) -> dict[str, Any]:
    item: dict[str, Any] = {"name": account.name}
    if account.unit is not None:
        item["unit"] = account.unit
    item["platform"] = account.platform
    if account.platform_id is not None:
        item["platform_id"] = account.platform_id
    if not account.official_matrix:
        item["official_matrix"] = False
    if account.status == "closed":
        item["status"] = "closed"
        if account.closed_on is not None:
            item["closed_on"] = account.closed_on.isoformat()
        if account.closed_kind is not None:
            item["closed_kind"] = account.closed_kind
    item["source"] = _spec_yaml(account.source, base)
    if account.messages is not None:
        item["messages"] = _spec_yaml(account.messages, base)
    return item


def _spec_yaml(spec: SourceSpec, base: Path) -> dict[str, Any]:
    item: dict[str, Any] = {"type": spec.type}
    if spec.url is not None:
        item["url"] = spec.url
    if spec.path is not None:
        item["path"] = _relative(spec.path, base)
    return item


def _plain(value: Any) -> str:
    return "" if value is None else str(value)
