"""Security signals of a page (hidden links, script redirects), collected while it is parsed.

Placeholder until the hijack work lands: it records nothing.
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from govinspect.model import Page

from .links import UrlResolver


def security_signals(tree: LexborHTMLParser, page: Page, resolve: UrlResolver) -> None:
    """Fill ``page.hidden_links`` and ``page.script_targets`` from the parsed tree."""
    page.hidden_links = []
    page.script_targets = []
