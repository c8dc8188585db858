"""`govinspect sites ...`: the registry of sites and accounts in the database."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .cli_common import ConfigOpt, store_from
from .settings import load_settings

if TYPE_CHECKING:
    from rich.console import Console

    from .registry import AccountEntry, Registry
    from .store.registry import Counts, ImportReport

sites_app = typer.Typer(help="网站与新媒体名单: 导入、查看、导出 (the registry in the database).", no_args_is_help=True)

ArchivedOpt = Annotated[bool, typer.Option("--archived", help="include archived sites and accounts")]


@sites_app.command("import")
def sites_import(
    file: Annotated[Path, typer.Argument(help="registry file (.yaml .csv .xlsx)")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="check and count, write nothing")] = False,
    config: ConfigOpt = None,
) -> None:
    """导入名单: 新增、更新，文件中没有的归档 (import a registry file; absent entries are archived)."""
    from .registry import load_registry
    from .store.registry import import_registry

    registry = load_registry(file)
    with store_from(load_settings(config)) as store:
        report = import_registry(store, registry, source=str(file.absolute()), dry_run=dry_run)
    typer.echo("\n".join(report_lines(report, file)))


def report_lines(report: ImportReport, file: Path) -> list[str]:
    """The Chinese lines that tell what an import did."""
    head = f"试导入 {file}(未写入数据库):" if report.dry_run else f"已导入 {file}:"
    untouched = "文件中没有{}，已登记的{}保持不变"
    return [
        head,
        "  网站: " + (_counts(report.sites) if "site" in report.kinds else untouched.format("网站", "网站")),
        "  新媒体账号: " + (_counts(report.accounts) if "account" in report.kinds
                            else untouched.format("新媒体账号", "账号")),
        f"  单位: 新增 {report.units_added}",
    ]


def _counts(c: Counts) -> str:
    return (f"新增 {c.added}，更新 {c.updated}，未变 {c.unchanged}，"
            f"归档 {c.archived}，恢复 {c.restored}")


@sites_app.command("list")
def sites_list(
    archived: ArchivedOpt = False,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON on stdout")] = False,
    config: ConfigOpt = None,
) -> None:
    """列出已登记的网站与新媒体账号 (list the registered sites and accounts)."""
    from rich.console import Console

    from .store.registry import registered, site_ids

    with store_from(load_settings(config)) as store:
        registry = registered(store, include_archived=archived)
        archived_at = _archived_dates(store) if archived else {}
        ids = site_ids(store)
    if as_json:
        json.dump(listing(registry, archived_at, ids), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    console = Console()
    if not registry.sites and not registry.accounts:
        console.print("数据库中没有登记任何网站或新媒体账号；用 govinspect sites import FILE 导入名单")
        return
    _print_tables(registry, archived_at, console)


def _archived_dates(store: Any) -> dict[tuple[str, str], str]:
    """When each archived site ("site", url) or account (platform, name) was archived."""
    from sqlalchemy import select

    from .store.tables import Account, Site

    found: dict[tuple[str, str], str] = {}
    with store.session() as s:
        for url, at in s.execute(select(Site.url, Site.archived_at).where(Site.archived_at.is_not(None))):
            found[("site", url)] = at.date().isoformat()
        for platform, name, at in s.execute(
            select(Account.platform, Account.name, Account.archived_at).where(Account.archived_at.is_not(None))
        ):
            found[(platform, name)] = at.date().isoformat()
    return found


def _account_state(a: AccountEntry, archived_on: str | None) -> str:
    parts = []
    if archived_on:
        parts.append(f"已归档 {archived_on}")
    if a.status == "closed":
        parts.append(f"已{a.closed_kind or '关停'}" + (f" {a.closed_on.isoformat()}" if a.closed_on else ""))
    return "；".join(parts) or "正常"


def listing(registry: Registry, archived_at: dict[tuple[str, str], str], ids: dict[str, int]) -> dict[str, Any]:
    """The registry as JSON-ready data for ``sites list --json``."""
    return {
        "sites": [{
            "id": ids.get(s.url), "name": s.name, "url": s.url, "unit": s.unit, "level": s.level,
            "site_code": s.site_code, "search_url": s.search_url,
            "archived_on": archived_at.get(("site", s.url)),
        } for s in registry.sites],
        "accounts": [{
            "name": a.name, "platform": a.platform, "unit": a.unit, "platform_id": a.platform_id,
            "official_matrix": a.official_matrix, "status": a.status,
            "closed_on": a.closed_on.isoformat() if a.closed_on else None, "closed_kind": a.closed_kind,
            "source": {"type": a.source.type, "url": a.source.url,
                       "path": str(a.source.path) if a.source.path else None},
            "messages": str(a.messages.path) if a.messages and a.messages.path else None,
            "archived_on": archived_at.get((a.platform, a.name)),
        } for a in registry.accounts],
    }


def _print_tables(registry: Registry, archived_at: dict[tuple[str, str], str], console: Console) -> None:
    from rich.table import Table

    from .registry.writer import LEVEL_LABELS, PLATFORM_LABELS

    if registry.sites:
        table = Table(title=f"网站 {len(registry.sites)} 个")
        for header in ("名称", "网址", "单位", "级别", "状态"):
            table.add_column(header)
        for s in registry.sites:
            on = archived_at.get(("site", s.url))
            table.add_row(s.name, s.url, s.unit or "", LEVEL_LABELS.get(s.level, s.level),
                          f"[yellow]已归档 {on}[/yellow]" if on else "正常")
        console.print(table)
    if registry.accounts:
        table = Table(title=f"新媒体账号 {len(registry.accounts)} 个")
        for header in ("名称", "平台", "单位", "来源", "状态"):
            table.add_column(header)
        for a in registry.accounts:
            source = a.source.url or (str(a.source.path) if a.source.path else "")
            state = _account_state(a, archived_at.get((a.platform, a.name)))
            table.add_row(a.name, PLATFORM_LABELS.get(a.platform, a.platform), a.unit or "",
                          f"{a.source.type}: {source}", state if state == "正常" else f"[yellow]{state}[/yellow]")
        console.print(table)


@sites_app.command("export")
def sites_export(
    file: Annotated[Path, typer.Argument(help="file to write (.yaml .csv .xlsx)")],
    archived: ArchivedOpt = False,
    config: ConfigOpt = None,
) -> None:
    """导出名单到文件，可再次导入 (write the registry to YAML, CSV or XLSX)."""
    from .store.registry import export_registry

    with store_from(load_settings(config)) as store:
        registry = export_registry(store, file, include_archived=archived)
    typer.echo(f"已导出 {len(registry.sites)} 个网站、{len(registry.accounts)} 个新媒体账号到 {file}")
