"""How a snapshot stores a page or a column: one JSON text per row, in the order of the fields.

Apart from ``snapshot.py`` (the SQLite file) so that a parse worker, which only encodes the
pages it parses (``page_row``), never loads sqlite3 (1.5 MB of its memory).
"""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .model import Column, Link, ListItem, Page

__all__ = ["COLUMN_FIELDS", "PAGE_FIELDS", "column_row", "dumps", "loads", "page_row", "read_column", "read_page"]

PAGE_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Page))
COLUMN_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Column))


def _tag(value: Any) -> Any:
    """JSON for the few non-JSON values a page or probe holds (dates, sets, paths)."""
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$d": value.isoformat()}
    if isinstance(value, set | frozenset):
        return {"$set": sorted(value, key=str)}
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"cannot store {type(value).__name__} in a snapshot")


def _untag(d: dict[str, Any]) -> Any:
    if len(d) == 1:
        if "$d" in d:
            return date.fromisoformat(d["$d"])
        if "$dt" in d:
            return datetime.fromisoformat(d["$dt"])
        if "$set" in d:
            return set(d["$set"])
    return d


_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_tag, check_circular=False).encode
_decode = json.JSONDecoder(object_hook=_untag).decode


def dumps(value: Any) -> str:
    return _encode(value)


def loads(text: str) -> Any:
    return _decode(text)


def _item_row(i: ListItem) -> list[Any]:
    return [i.title, i.url, i.date.isoformat() if i.date else None, i.raw_date, i.year_inferred]


def _item(row: list[Any]) -> ListItem:
    return ListItem(row[0], row[1], date.fromisoformat(row[2]) if row[2] else None, row[3], row[4])


def page_row(page: Page) -> tuple[Any, ...]:
    """The ``pages`` table row of one page: url, depth, ok, listish, html, JSON of its fields."""
    listish = 1 if (page.items or page.empty_marker or page.list_error) else 0
    return (page.url, page.depth, int(page.ok), listish, int(not page.attachment), _page_json(page))


def _page_json(page: Page) -> str:
    """One page as a JSON array of its fields in ``PAGE_FIELDS`` order; links and items as arrays."""
    values = [getattr(page, name) for name in PAGE_FIELDS]
    values[_LINKS] = [[x.url, x.text, x.tag, x.in_nav] for x in page.links]
    values[_ITEMS] = [_item_row(i) for i in page.items]
    return _encode(values)


_LINKS, _ITEMS = PAGE_FIELDS.index("links"), PAGE_FIELDS.index("items")


def read_page(names: tuple[str, ...], data: str) -> Page:
    kw = dict(zip(names, _decode(data), strict=True))
    kw["links"] = [Link(*x) for x in kw.get("links", ())]
    kw["items"] = [_item(i) for i in kw.get("items", ())]
    return Page(**{k: v for k, v in kw.items() if k in _PAGE_SET})


_PAGE_SET = frozenset(PAGE_FIELDS)


def column_row(c: Column) -> dict[str, Any]:
    row = {name: getattr(c, name) for name in COLUMN_FIELDS}
    row["items"] = [_item_row(i) for i in c.items]
    return row


def read_column(row: dict[str, Any]) -> Column:
    row["items"] = [_item(i) for i in row.get("items", ())]
    return Column(**{k: v for k, v in row.items() if k in COLUMN_FIELDS})
