"""Scripts the sandbox could not finish (crawl.incomplete): where a script redirect may have gone unseen.

The crawl runs obfuscated inline scripts in a QuickJS sandbox with time and memory limits
(extract/jsbox.py); a script that hit a limit, or a page whose scripts could not be run,
is recorded as a ``sandbox_limit`` script target. Nothing is lost silently: each such page
is a notice naming the script, at most ``MAX_NOTICES`` per site, the first one carrying the
site's total.
"""

from __future__ import annotations

from typing import Any

from ..extract.jsbox import LIMIT_TECHNIQUE
from ..model import Finding, Page
from ..snapshot import Snapshot
from .base import Context, walk

MAX_NOTICES = 10


# Its findings depend on the pages and the context alone (checks.base.pages_only): a parse
# worker may run it while the crawl process still builds the columns and runs the probes.
PAGES_ONLY = True


def check(snap: Snapshot, ctx: Context) -> list[Finding]:
    return walk(snap, visitor(snap, ctx))


def visitor(snap: Snapshot, ctx: Context) -> SandboxVisitor:
    return SandboxVisitor()


class SandboxVisitor:
    """One notice per page whose scripts hit a sandbox limit."""

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.pages = 0

    def visit(self, page: Page) -> None:
        limits = [t for t in page.script_targets if t.get("technique") == LIMIT_TECHNIQUE]
        if not limits:
            return
        self.pages += 1
        if len(self.findings) >= MAX_NOTICES:
            return
        first = limits[0]
        script = int(first.get("script") or 0) + 1
        detail = str(first.get("detail") or first.get("reason") or "")
        evidence: dict[str, Any] = {
            "error": f"script sandbox: {first.get('reason')}", "script": script, "detail": detail,
            "snippet": str(first.get("snippet") or "")[:120], "count": len(limits),
        }  # fmt: skip
        self.findings.append(Finding(
            "crawl.incomplete", "notice", page.final_url or page.url,
            f"页面第 {script} 段内嵌脚本未能在沙箱中运行完毕（{detail}），脚本跳转可能未被发现", evidence,
        ))  # fmt: skip

    def finish(self) -> list[Finding]:
        if self.findings:
            self.findings[0].evidence["pages_total"] = self.pages
        return self.findings
