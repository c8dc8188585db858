"""Light content watch: a monitored home page's title, meta and text through the hijack classifier.

The monitor fetches every home page each round; ``watch_home`` reads that HTML (no network)
with the same extraction and the same ``security.hijack`` rules as the monthly inspection
(checks/hijack.py: head tampering, spam text, hidden links, script redirects, hacker pages),
so a defaced home page raises a veto finding within one monitoring interval. Each finding's
evidence names ``where`` the spam was seen (title, meta, text), the ``words`` and a ``snippet``.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlsplit

from ..checks.hijack import Judge, page_findings, registrable
from ..extract.html import extract_page
from ..model import Finding, Page

__all__ = ["watch_home"]

_SNIPPET = 15


def watch_home(url: str, html: str, today: date | None = None) -> list[Finding]:
    """The ``security.hijack`` veto findings of one home page's HTML (empty for a clean page)."""
    if not html:
        return []
    page = Page(url=url, final_url=url, status=200, content_type="text/html")
    extract_page(page, html, today or date.today())
    host = (urlsplit(url).hostname or "").lower()
    netloc = urlsplit(url).netloc.lower()
    judge = Judge(frozenset({netloc, host} - {""}), frozenset({registrable(host)} if host else set()))
    findings = [f for f in page_findings(page, judge, home=True) if str(f.severity) == "veto"]
    for finding in findings:
        _describe(finding.evidence, page)
    return findings


def _describe(evidence: dict[str, Any], page: Page) -> None:
    """Add where, words and snippet to a finding's evidence when the check did not name them."""
    words = [str(w) for w in evidence.get("words") or evidence.get("defaced") or ()]
    if not words and evidence.get("text"):
        words = [str(evidence["text"])]
    evidence.setdefault("words", words[:10])
    meta = " ".join(v for k, v in page.meta.items() if k.lower() in ("keywords", "description") and v)
    fields = {"title": page.title, "meta": meta, "text": page.text}
    where = [str(w) for w in evidence.get("where") or evidence.get("fields") or ()]
    if not where:
        where = [name for name, value in fields.items() if any(w and w in value for w in words)]
    evidence["where"] = list(dict.fromkeys(where))
    if not evidence.get("snippet"):
        evidence["snippet"] = _snippet(fields, evidence["where"], words) or page.title[:100]


def _snippet(fields: dict[str, str], where: list[str], words: list[str]) -> str:
    """A short piece of the first field that shows one of the words."""
    for name in [*where, *fields]:
        value = fields.get(name, "")
        for word in words:
            i = value.find(word) if word else -1
            if i >= 0:
                a, b = max(0, i - _SNIPPET), min(len(value), i + len(word) + _SNIPPET)
                return ("…" if a else "") + value[a:b] + ("…" if b < len(value) else "")
    return ""
