"""Reading a YAML registry into rows that remember the line of every item and field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..errors import RegistryError
from .columns import ACCOUNT_FIELDS, SITE_FIELDS, canonical_field, header_key
from .problems import Problems
from .tables import RawRow, decode

_LISTS = {"sites": "site", "网站": "site", "accounts": "account", "新媒体": "account"}
_NESTED = {"source": ("type", "url", "path"), "messages": ("type", "path")}


def yaml_rows(path: Path, display: str, problems: Problems) -> dict[str, list[RawRow]]:
    """Site and account items of a YAML registry, keyed "site" and "account"."""
    try:
        # Composing (not constructing) keeps each scalar's text as written: site_code 0340400001
        # stays a string instead of becoming an octal number, and every node keeps its line.
        root = yaml.compose(decode(path, display), Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise RegistryError(display, f"不是有效的 YAML({problem})", line) from None
    found: dict[str, list[RawRow]] = {"site": [], "account": []}
    if root is None:
        return found
    if not isinstance(root, yaml.MappingNode):
        raise RegistryError(display, "顶层应为包含 sites 和 accounts 列表的映射", _line(root))
    for key, value in root.value:
        kind = _LISTS.get(header_key(str(key.value)))
        if kind is None:
            problems.add(RegistryError(display, "未知的顶层字段，应为 sites 或 accounts",
                                       _line(key), str(key.value)))
            continue
        if _is_null(value):
            continue
        if not isinstance(value, yaml.SequenceNode):
            problems.add(RegistryError(display, "应为列表", _line(key), str(key.value)))
            continue
        for item in value.value:
            row = _item(item, kind, display, problems)
            if row is not None:
                found[kind].append(row)
    return found


def _item(node: yaml.Node, kind: str, display: str, problems: Problems) -> RawRow | None:
    if not isinstance(node, yaml.MappingNode):
        problems.add(RegistryError(display, "每一项应为“字段: 值”的映射", _line(node)))
        return None
    allowed = SITE_FIELDS if kind == "site" else ACCOUNT_FIELDS
    row = RawRow(display, _line(node), {}, nested=True)
    for key, value in node.value:
        written = str(key.value)
        nested = _NESTED.get(header_key(written)) if kind == "account" else None
        if nested is not None and isinstance(value, yaml.MappingNode):
            prefix = header_key(written)
            for sub_key, sub_value in value.value:
                sub = header_key(str(sub_key.value))
                name = f"{prefix}_{sub}" if sub in nested else None
                _put(row, name, f"{written}.{sub_key.value}", sub_key, sub_value, problems)
        elif nested is not None and not _is_null(value):
            problems.add(RegistryError(display, "应为映射，包含 type 和 url 或 path",
                                       _line(key), written))
            row.reported.add(header_key(written))
        elif kind == "site" and header_key(written) == "overrides":
            # Per-site overrides (selectors, allowlists): a free-form mapping, YAML only.
            if not isinstance(value, yaml.MappingNode):
                problems.add(RegistryError(display, "应为映射", _line(key), written))
                row.reported.add("overrides")
            else:
                row.values["overrides"] = yaml.safe_load(yaml.serialize(value))
                row.labels["overrides"], row.rows["overrides"] = written, _line(key)
        elif nested is None:
            _put(row, canonical_field(written, allowed), written, key, value, problems)
    return row


def _put(
    row: RawRow, name: str | None, label: str, key: yaml.Node, value: yaml.Node, problems: Problems
) -> None:
    line = _line(key)
    if name is None:
        problems.add(RegistryError(row.file, "未知字段", line, label))
    elif name in row.labels:
        problems.add(RegistryError(row.file, f"与第{row.rows[name]}行的“{row.labels[name]}”重复",
                                   line, label))
    elif not isinstance(value, yaml.ScalarNode):
        problems.add(RegistryError(row.file, "应为单个值", line, label))
    else:
        row.values[name] = _scalar(value)
        row.labels[name], row.rows[name] = label, line


def _scalar(node: yaml.ScalarNode) -> Any:
    return None if _is_null(node) else node.value


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1
