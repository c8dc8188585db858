"""Columns a site must carry (column.required_missing), from the rule set's required_columns.

An entry counts when a home-page link or a crawled column carries one of the item's words
(政务新媒体、政务微博 ...). The 政务新媒体 item applies only when the site's unit runs
registered accounts (the seed circular's cross-check); the others apply to the levels the
rule set lists (portal and county sites: department sites differ).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..model import Finding
from ..snapshot import Snapshot
from .availability import UNREADABLE
from .base import Context


def check(snap: Snapshot, ctx: Context) -> Iterator[Finding]:
    home = snap.home
    if home is None or not home.ok or home.error in UNREADABLE:
        return  # availability reports why the home page could not be read
    rule = ctx.rules.required_columns
    entries = _entries(snap, rule.max_link_text)
    accounts = [a for a in ctx.accounts if not _closed(a, ctx)]
    for item in rule.items:
        if ctx.site.level not in item.levels or (item.needs_accounts and not accounts):
            continue
        words = [_norm(w) for w in item.words]
        if any(w in entry for entry in entries for w in words):
            continue
        evidence: dict[str, object] = {"column": item.column}
        note = ""
        if item.needs_accounts:
            evidence["accounts"] = [a.name for a in accounts]
            note = f"(本单位开设 {len(accounts)} 个政务新媒体账号)"
        yield Finding("column.required_missing", rule.severity, snap.home_url or ctx.site.url,
                      f"网站未设置“{item.column}”栏目或入口{note}", evidence)


def _entries(snap: Snapshot, max_len: int) -> list[str]:
    """Texts that may name a column: short home-page link texts and the crawled column names."""
    found = [_norm(c.name) for c in snap.columns]
    if snap.home is not None:
        # Long link texts are article titles ("...政府信息公开工作年度报告"), not entries.
        found += [t for link in snap.home.links if 0 < len(t := _norm(link.text)) <= max_len]
    return found


def _closed(account: object, ctx: Context) -> bool:
    # An account closed before the inspection date no longer needs a place on the site.
    closed_on = getattr(account, "closed_on", None)
    return getattr(account, "status", "active") == "closed" and (closed_on is None or closed_on <= ctx.as_of)


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text)
