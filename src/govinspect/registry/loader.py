"""Loading a registry file (YAML, CSV or XLSX) and turning a bare URL into a site."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import RegistryError
from ..model import SiteEntry
from . import fields
from .columns import ACCOUNT_ONLY, KIND_WORDS, REGISTRY_FIELDS, header_key
from .entries import Registry
from .problems import Problems
from .rows import account_entry, check_duplicates, site_entry
from .tables import RawRow, csv_cells, table_rows, xlsx_sheets
from .yamlfile import yaml_rows

SUFFIXES = (".yaml", ".yml", ".csv", ".xlsx")
NAME_HINT = "name(名称/网站名称)"


def load_registry(path: Path) -> Registry:
    """Read and validate a registry file; raise RegistryErrors listing every invalid row."""
    path = Path(path)
    display = str(path)
    problems = Problems()
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        groups = yaml_rows(path, display, problems)
    elif suffix == ".csv":
        groups = _table(csv_cells(path, display), display, None, problems)
    elif suffix == ".xlsx":
        groups = _workbook(path, display, problems)
    elif suffix == ".xls":
        raise RegistryError(display, "不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx")
    else:
        raise RegistryError(display, "不支持的文件类型，注册表应为 .yaml、.yml、.csv 或 .xlsx 文件")
    base = path.parent.absolute()
    sites = [site_entry(row, problems) for row in groups["site"]]
    accounts = [account_entry(row, base, problems) for row in groups["account"]]
    check_duplicates(groups["site"], groups["account"], problems)
    problems.raise_if_any()
    if not sites and not accounts:
        raise RegistryError(display, "注册表中没有任何网站或新媒体账号")
    return Registry(
        [s for s in sites if s is not None], [a for a in accounts if a is not None], path
    )


def is_registry_target(target: str) -> bool:
    """Whether a command-line target names a registry file rather than a site URL."""
    # .xls goes to load_registry too, which tells the user to save it as .xlsx.
    return "://" not in target and Path(target).suffix.lower() in (*SUFFIXES, ".xls")


def site_from_url(url: str) -> SiteEntry:
    """A site for a URL given on the command line, named after its host."""
    raw = url.strip()
    if "://" not in raw and re.fullmatch(r"[\w-]+(\.[\w-]+)+(:\d+)?(/\S*)?", raw):
        raw = "http://" + raw  # what people type: www.huainan.gov.cn
    try:
        fields.http_url(raw)
    except fields.Invalid as exc:
        raise RegistryError("命令行参数", str(exc)) from None
    host = urlsplit(raw).netloc.rsplit("@", 1)[-1].lower()  # with the port: sites on one IP
    return SiteEntry(name=host, url=raw)


def _workbook(path: Path, display: str, problems: Problems) -> dict[str, list[RawRow]]:
    sheets = xlsx_sheets(path, display)
    named = [(KIND_WORDS[header_key(t)], t, cells) for t, cells in sheets if header_key(t) in KIND_WORDS]
    if not named:
        # One table: the first sheet, as in a CSV file.
        return _table(sheets[0][1] if sheets else [], display, None, problems)
    groups: dict[str, list[RawRow]] = {"site": [], "account": []}
    for kind, title, cells in named:
        if any(v is not None for _, values in cells for v in values):
            part = _table(cells, f"{display}[{title}]", kind, problems)
            groups[kind] += part[kind]
    return groups


def _table(
    cells: list[tuple[int, list[object]]], file: str, kind: str | None, problems: Problems
) -> dict[str, list[RawRow]]:
    """Split a table into sites and accounts by its kind column, its sheet or its columns."""
    labels, rows = table_rows(cells, file, REGISTRY_FIELDS, "name", NAME_HINT)
    groups: dict[str, list[RawRow]] = {"site": [], "account": []}
    if kind is None and "kind" not in labels:
        # No kind column: a sites list, unless it has account columns and no url column.
        accounts_only = bool(ACCOUNT_ONLY & labels.keys()) and "url" not in labels
        kind = "account" if accounts_only else "site"
    for row in rows:
        row_kind = kind or _row_kind(row, problems)
        if row_kind is not None:
            groups[row_kind].append(row)
    return groups


def _row_kind(row: RawRow, problems: Problems) -> str | None:
    value = fields.text(row.get("kind"))
    if value is None:
        problems.add(row.error("kind", "不能为空，应为 site(网站)或 account(新媒体)"))
        return None
    try:
        return fields.choice(value, KIND_WORDS, "site(网站)或 account(新媒体)", "类别")
    except fields.Invalid as exc:
        problems.add(row.error("kind", str(exc)))
        return None
