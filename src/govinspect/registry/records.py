"""Loading interaction records and exported posts (contract section 5 and source type file)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path

from ..errors import RegistryError
from . import fields
from .columns import MESSAGE_FIELDS, POST_FIELDS
from .entries import AccountEntry, MessageRecord, PostRecord
from .fields import Invalid
from .problems import Problems, RegistryErrors
from .tables import RawRow, csv_cells, json_rows, table_rows, xlsx_sheets


def load_messages(path: Path) -> list[MessageRecord]:
    """Read interaction records from CSV, JSON or XLSX; raise RegistryErrors for bad rows."""
    problems = Problems()
    records: list[MessageRecord] = []
    first_row: dict[str, RawRow] = {}
    for row in _rows(Path(path), MESSAGE_FIELDS, "received", "received(留言时间)"):
        record = _message(row, problems)
        if record is None:
            continue
        if (earlier := first_row.setdefault(record.id, row)) is not row:
            problems.add(row.error("id", f"编号“{record.id}”与第{earlier.row}{row.unit}重复"))
            continue
        records.append(record)
    problems.raise_if_any()
    return records


def load_posts(path: Path) -> list[PostRecord]:
    """Read posts exported as CSV, JSON or XLSX; raise RegistryErrors for bad rows."""
    problems = Problems()
    posts = []
    for row in _rows(Path(path), POST_FIELDS, "published", "published(发布时间)"):
        before = len(problems.errors)
        published = _time(row, "published", problems, required=True)
        url = fields.text(row.get("url"))
        try:
            if url is not None:
                fields.http_url(url)
        except Invalid as exc:
            problems.add(row.error("url", str(exc)))
        if published is not None and len(problems.errors) == before:
            posts.append(PostRecord(published, _plain(row, "title"), url))
    problems.raise_if_any()
    return posts


def check_record_files(accounts: Iterable[AccountEntry]) -> None:
    """Load every post and message file the accounts name; raise RegistryErrors listing all bad rows."""
    errors: list[RegistryError] = []

    def attempt(load: Callable[[Path], object], path: Path | None) -> None:
        if path is None:
            return
        try:
            load(Path(path))
        except RegistryErrors as exc:
            errors.extend(exc.errors)
        except RegistryError as exc:
            errors.append(exc)

    for account in accounts:
        attempt(load_posts, account.source.path if account.source.type == "file" else None)
        attempt(load_messages, account.messages.path if account.messages else None)
    if errors:
        raise RegistryErrors(errors)


def _message(row: RawRow, problems: Problems) -> MessageRecord | None:
    before = len(problems.errors)
    message_id = fields.text(row.get("id"))
    if message_id is None:
        problems.add(row.error("id", "不能为空"))
    received = _time(row, "received", problems, required=True)
    reply_time = _time(row, "reply_time", problems)
    if received and reply_time and reply_time.date() < received.date():
        problems.add(row.error("reply_time", f"答复时间 {reply_time:%Y-%m-%d %H:%M} "
                                             f"早于留言时间 {received:%Y-%m-%d %H:%M}"))
    if len(problems.errors) > before or message_id is None or received is None:
        return None
    return MessageRecord(
        id=message_id, received=received, content=_plain(row, "content"),
        author=_plain(row, "author"), reply=_plain(row, "reply"), reply_time=reply_time,
        reply_unit=_plain(row, "reply_unit"),
    )


def _rows(path: Path, allowed: tuple[str, ...], anchor: str, hint: str) -> list[RawRow]:
    display = str(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        return json_rows(path, display, allowed)
    if suffix == ".csv":
        return table_rows(csv_cells(path, display), display, allowed, anchor, hint)[1]
    if suffix == ".xlsx":
        sheets = xlsx_sheets(path, display)
        cells = sheets[0][1] if sheets else []
        return table_rows(cells, display, allowed, anchor, hint)[1]
    raise RegistryError(display, "不支持的文件类型，应为 .csv、.json 或 .xlsx 文件")


def _time(row: RawRow, name: str, problems: Problems, required: bool = False) -> datetime | None:
    value = row.get(name)
    if fields.text(value) is None:
        if required:
            problems.add(row.error(name, "不能为空"))
        return None
    try:
        return fields.timestamp(value)
    except Invalid as exc:
        problems.add(row.error(name, str(exc)))
        return None


def _plain(row: RawRow, name: str) -> str:
    return fields.text(row.get(name)) or ""
