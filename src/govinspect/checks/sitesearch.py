"""Site search: search.missing and search.not_found.

Reads what crawl/search.py stored in ``snap.probes["search"]``. P: 国办秘函〔2019〕19号 lists
站内搜索 under functional design (points U, rules.yaml ``search``). A search box that a script
submits, an endpoint that errors or hangs, or a site with no recent article to look for is a
notice saying what could not be checked, never a pass and never "missing".
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..labels import SEARCH_ERROR_LABELS as _LABELS
from ..model import Finding
from ..snapshot import Snapshot
from .availability import UNREADABLE
from .base import Context


def check(snap: Snapshot, ctx: Context) -> Iterator[Finding]:
    probe: dict[str, Any] | None = snap.probes.get("search")
    home = snap.home
    if not probe or home is None or not home.ok or home.error in UNREADABLE or not home.is_html:
        return  # not probed, or availability reports why
    url = snap.home_url or ctx.site.url
    rules = ctx.rules.search
    form = probe.get("form")
    if form is None:
        if probe.get("error"):
            yield _notice(url, f"站内搜索未能检查: {probe['error']}", probe["error"])
        elif probe.get("scripted"):
            error = "搜索框由脚本提交，未能自动检索(可在登记表中填写 search_url)"
            yield _notice(url, f"站内搜索未能检查: {error}", error)
        else:
            yield Finding("search.missing", rules.missing_severity, url, "首页未发现站内搜索功能", {})
        return
    queries: list[dict[str, Any]] = probe.get("queries") or []
    if probe.get("error") and not queries:
        yield _notice(url, f"站内搜索未能检查: {probe['error']}", probe["error"])
        return
    if not queries:
        error = "未找到可供检索的近期文章"
        yield _notice(url, f"站内搜索未能检查: {error}", error)
        return
    failed = [q for q in queries if q.get("error")]
    for q in queries:
        if q.get("error") or q.get("found"):
            continue
        yield Finding("search.not_found", rules.not_found_severity, url,
                      f"站内搜索检索“{q['query']}”，首页结果中找不到该文章",
                      {"query": q["query"], "expected_url": q.get("expected_url"), "action": form.get("action")})
    if failed:
        first = failed[0]
        what = _LABELS.get(first["error"], first["error"])
        if first.get("status") and first["error"].startswith("HTTP"):
            what = f"HTTP {first['status']}"
        yield _notice(url, f"站内搜索 {len(failed)}/{len(queries)} 次检索失败: {what}", what,
                      queries=[q["query"] for q in failed], action=form.get("action"))


def _notice(url: str, message: str, error: str, **extra: Any) -> Finding:
    return Finding("search.not_found", "notice", url, message, {"error": error, **extra})
