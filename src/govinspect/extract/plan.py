"""Which parts of page extraction a run needs: each extractor names the checks that read its output.

``extract_page`` runs only the parts a run's checks use: a links-only run (``--checks
availability,links``) parses each page for its references and pagination and stops there,
instead of also reading lists, dates, text, security signals, guides and message rows.
The crawl itself always gets what it follows (links, next page, data-island and script-loaded
lists), and the home page is always extracted in full (the probes and several checks read it).

A check name missing from every ``needed_by`` set (a new check, or one from the ``checks``
setting this table does not know) switches every part on: an unknown check pays in time,
never in findings.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["ALL_PARTS", "EXTRACTORS", "Extractor", "LINK_ONLY_CHECKS", "parts_for"]


@dataclass(frozen=True, slots=True)
class Extractor:
    """One part of page extraction: the Page fields it fills and the checks that read them."""

    name: str
    produces: tuple[str, ...]
    needed_by: frozenset[str]


# Checks that read nothing of a page beyond its status, errors, charset problem and links
# (checks/availability.py, links.py, transport.py, harmful.py: the last two read probes).
LINK_ONLY_CHECKS = frozenset({"availability", "links", "transport", "harmful"})

# Audited against checks/*.py (the Page fields and Snapshot.columns each one reads) and the
# probes that feed them (crawl/search.py reads the columns for sitesearch, crawl/cloaking.py
# samples list items for hijack).
_CONTENT = frozenset({
    "freshness", "wording", "privacy", "hijack", "identity", "required", "services",
    "interaction", "policy", "sitesearch",
})
EXTRACTORS: tuple[Extractor, ...] = (
    # List items, their dates, the article's publication date, empty-column markers and
    # pager gaps: the columns (freshness, required, services ...) and every dated-page check.
    Extractor("items", ("items", "pub_date", "empty_marker", "list_error"), _CONTENT),
    # Visible text (also read by items: empty markers, pager gaps, 发布时间 labels).
    Extractor("text", ("text",), _CONTENT),
    # Navigation, footer and friend-link blocks: Link.in_nav and the anchors lists skip.
    Extractor("blocks", ("links[].in_nav",), _CONTENT),
    # Hidden links, script redirects and obfuscated scripts for the sandbox.
    Extractor("security", ("hidden_links", "script_targets", "pending_scripts"),
              frozenset({"hijack", "identity", "sandbox"})),
    Extractor("guide", ("guide", "services"), frozenset({"services"})),
    Extractor("messages", ("messages",), frozenset({"interaction"})),
    Extractor("forms", ("forms",), frozenset({"sitesearch"})),
)
ALL_PARTS = frozenset(e.name for e in EXTRACTORS)
_KNOWN = LINK_ONLY_CHECKS | frozenset().union(*(e.needed_by for e in EXTRACTORS))


def parts_for(checks: Iterable[str] | None) -> frozenset[str]:
    """The extractor parts the named checks need (every part for None or an unknown check)."""
    if checks is None:
        return ALL_PARTS
    names = set(checks)
    if not names <= _KNOWN:
        return ALL_PARTS
    parts = {e.name for e in EXTRACTORS if e.needed_by & names}
    if "items" in parts:
        parts |= {"text", "blocks"}  # items read the text and skip the blocks
    return frozenset(parts)
