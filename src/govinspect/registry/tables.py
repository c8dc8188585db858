"""Reading CSV, XLSX and JSON files into rows keyed by our field names, with row numbers."""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import RegistryError
from .columns import canonical_field
from .fields import text
from .problems import row_error

Cells = list[tuple[int, list[Any]]]  # (row number as the spreadsheet shows it, cell values)
HEADER_SEARCH_ROWS = 10  # offices put a title row or two above the header


@dataclass(slots=True)
class RawRow:
    """One data row: values by field name, the header each came from and where it was written."""

    file: str
    row: int
    values: dict[str, Any]
    labels: dict[str, str] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    unit: str = "行"
    nested: bool = False  # YAML: source and messages are written as nested mappings
    reported: set[str] = field(default_factory=set)  # already found invalid while reading

    def get(self, name: str) -> Any:
        return self.values.get(name)

    def label(self, name: str) -> str:
        """The column header (or YAML key) the user wrote for ``name``."""
        if name in self.labels:
            return self.labels[name]
        if self.nested and name.startswith(("source_", "messages_")):
            return name.replace("_", ".", 1)
        return name

    def error(self, name: str | None, message: str) -> RegistryError:
        """A RegistryError placed at this row and the user's name of the field."""
        row = self.rows.get(name, self.row) if name else self.row
        return row_error(self.file, message, row, self.label(name) if name else None, self.unit)

    @property
    def ref(self) -> str:
        return f"{self.file}:{self.row}"


def decode(path: Path, display: str) -> str:
    """The text of a file saved as UTF-8 (with or without BOM), UTF-16 with BOM, or GBK/GB18030."""
    data = read_bytes(path, display)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings: Sequence[str] = ("utf-16",)  # Excel's "Unicode text"
    else:
        # Excel on Chinese Windows saves "CSV (逗号分隔)" in the ANSI code page, i.e. GBK;
        # GB18030 is its superset. Chinese GBK text is practically never valid UTF-8.
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RegistryError(display, "无法识别文件编码，请另存为 UTF-8 或 GBK 编码")


def read_bytes(path: Path, display: str) -> bytes:
    """The bytes of ``path``, or a RegistryError saying why it cannot be read."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise RegistryError(display, "文件不存在") from None
    except IsADirectoryError:
        raise RegistryError(display, "是目录而不是文件") from None
    except OSError as exc:
        raise RegistryError(display, f"无法读取文件({exc.strerror or exc})") from None


def csv_cells(path: Path, display: str) -> Cells:
    """The rows of a CSV file; comma-separated, or tab-separated when the first line has no comma."""
    content = decode(path, display)
    first = content.split("\n", 1)[0]
    delimiter = "\t" if "," not in first and "\t" in first else ","
    try:
        reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
        # Each record is one spreadsheet row, even when a quoted cell spans several lines.
        return [(number, cells) for number, cells in enumerate(reader, start=1)]
    except csv.Error as exc:
        raise RegistryError(display, f"不是有效的 CSV 文件({exc})") from None


def xlsx_sheets(path: Path, display: str) -> list[tuple[str, Cells]]:
    """Every sheet of a workbook as (title, rows), merged cells filled with their top-left value."""
    read_bytes(path, display)  # missing or unreadable: the same message as for other files
    import openpyxl  # type: ignore[import-untyped]

    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # zipfile, XML and openpyxl each raise their own kind
        raise RegistryError(display, f"不是有效的 XLSX 文件({type(exc).__name__})") from None
    sheets = []
    for sheet in book.worksheets:
        # Offices merge the 主办单位 cell over the rows of one unit: every row means that unit.
        merged: dict[tuple[int, int], Any] = {}
        for block in sheet.merged_cells.ranges:
            top_left = sheet.cell(block.min_row, block.min_col).value
            for r in range(block.min_row, min(block.max_row, sheet.max_row) + 1):
                for c in range(block.min_col, min(block.max_col, sheet.max_column) + 1):
                    merged[(r, c)] = top_left
        rows: Cells = []
        for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
            cells = [merged.get((number, col), v) for col, v in enumerate(values, start=1)]
            rows.append((number, cells))
        sheets.append((sheet.title, rows))
    book.close()
    return sheets


def table_rows(
    cells: Cells, file: str, allowed: tuple[str, ...], anchor: str, hint: str
) -> tuple[dict[str, str], list[RawRow]]:
    """The columns found and the rows below the header: the first top row with ``anchor``."""
    index = _header_index(cells, allowed, anchor)
    if index is None:
        raise RegistryError(file, f"找不到表头行，表头应包含 {hint} 列")
    number, header = cells[index]
    columns = [canonical_field(text(h) or "", allowed) for h in header]
    seen: dict[str, int] = {}
    for col, name in enumerate(columns):
        if name is None:
            continue
        if name in seen:
            first, again = text(header[seen[name]]), text(header[col])
            raise row_error(file, f"与“{first}”列含义相同，只能保留一列", number, again)
        seen[name] = col
    labels = {name: text(header[col]) or name for name, col in seen.items()}
    rows = []
    for row_number, values in cells[index + 1 :]:
        data = {name: values[col] if col < len(values) else None for name, col in seen.items()}
        if all(text(v) is None for v in data.values()):
            continue  # blank lines and rows that only carry columns we do not read (序号, 备注)
        rows.append(RawRow(file, row_number, data, labels))
    return labels, rows


def _header_index(cells: Cells, allowed: tuple[str, ...], anchor: str) -> int | None:
    for index, (_, header) in enumerate(cells[:HEADER_SEARCH_ROWS]):
        if any(canonical_field(text(h) or "", allowed) == anchor for h in header):
            return index
    return None


def json_rows(path: Path, display: str, allowed: tuple[str, ...]) -> list[RawRow]:
    """The objects of a JSON list as rows numbered by their position ("第N条")."""
    try:
        data = json.loads(decode(path, display))
    except json.JSONDecodeError as exc:
        raise RegistryError(display, f"不是有效的 JSON({exc.msg})", exc.lineno) from None
    if not isinstance(data, list):
        raise RegistryError(display, "JSON 顶层应为对象列表")
    rows = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise row_error(display, "应为对象", number, None, "条")
        values: dict[str, Any] = {}
        labels: dict[str, str] = {}
        for key, value in item.items():
            name = canonical_field(str(key), allowed)
            if name is not None and name not in values:
                values[name], labels[name] = value, str(key)
        rows.append(RawRow(display, number, values, labels, unit="条"))
    return rows

