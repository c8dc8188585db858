"""Every finding code of the contract (section 4), and what identifies one problem of each code.

The Chinese names live in labels.py (``CODES`` here is the same mapping, for older imports).
``finding_key`` builds ``Finding.key()``: a plain string naming the problem so that month-to-month
history, reviews and rectification attach to the same row whatever page the crawl reached first.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .labels import CODE_LABELS as CODES
from .labels import code_label as label
from .urls import normalize_url

__all__ = ["CODES", "KEY_FIELDS", "UNCHECKED_FIELDS", "finding_key", "label"]

# What names one problem of each code, in key order. "@url" is the finding's url (normalised);
# "@page" the same unless the evidence lists sample pages ("samples", "pages"), when the url is
# only the first sample the crawl happened to reach; any other name is an evidence field
# (skipped when the finding has none). A key never holds counts, days or dates computed at
# inspection time (days since, counts, samples, referrer lists): they change every month.
# - Site-wide problems (the site, its home page, transport, identity items, search, the third-party
#   inventory): the code alone or the item, not the home URL (http -> https moves keep the key).
# - Links (link.broken, link.harmful): the target, never the referring page, which is only the
#   first page the crawl happened to find it on.
# - Columns: the column's own list URL and its name.
# - Page problems (wording, hijack, privacy, policy, future dates): the page URL plus what on the
#   page (word, kind, item title).
# - Messages (interaction.*): the message's title and its received date (its own date, not a
#   count of days).
# - Services: the service item's name (and the guide element).
# - Accounts (newmedia.*): findings are already attached to one account; the code says the rest.
KEY_FIELDS: dict[str, tuple[str, ...]] = {
    "site.unreachable": (),
    "home.stale": (),
    "column.stale": ("@url", "column"),
    "column.empty": ("@url", "column"),
    "column.due_soon": ("@url", "column"),
    "column.required_missing": ("column",),
    "content.future_date": ("@url", "title"),
    "link.broken": ("target",),
    "link.harmful": ("target",),
    "content.error_word": ("@url", "word"),
    "security.hijack": ("@url", "kind"),
    "security.third_party": (),
    "privacy.leak": ("@url", "kind"),
    "identity.missing": ("item",),
    "service.no_guide": ("item",),
    "service.guide_incomplete": ("@url", "item", "element"),
    "interaction.unanswered": ("title", "received"),
    "interaction.reply_incomplete": ("title", "received"),
    "interaction.no_stats": (),
    "policy.interpretation_weak": ("@url",),
    "search.missing": (),
    # One problem per site: the probe queries each month's newest titles, so the query would make
    # a search that still cannot find published content look fixed and new again every month.
    "search.not_found": (),
    "transport.no_https": (),
    "transport.cert": (),
    "transport.no_ipv6": (),
    "newmedia.stale": (),
    "newmedia.unanswered": (),
    "newmedia.auto_reply": (),
    "newmedia.low_frequency": (),
    "newmedia.dormant": (),
    "newmedia.duplicate": (),
    # What could not be checked: the check or item, the column, the page and script, and the
    # kind of error (digits removed: "600 秒" and "3 个页面" are figures of one run).
    "crawl.incomplete": ("check", "item", "column", "@page", "script", "error"),
    # Manual findings are keyed by store/findings.add_manual (code, "manual", the message), not here.
    "manual.staff_left": (),
    "manual.menu_broken": (),
    "manual.other": (),
}
# A notice saying a check could not be done (evidence "error") on any other code: the place only,
# so that "not checked" never shares a key with the problem itself and a new error text next
# month is still the same notice. Codes whose "error" is the problem itself are excluded.
UNCHECKED_FIELDS: tuple[str, ...] = ("@url",)
ERROR_IS_PROBLEM = frozenset({"link.broken", "link.harmful", "site.unreachable", "crawl.incomplete"})

_DIGITS = re.compile(r"\d+")


def finding_key(code: str, url: str | None, evidence: Mapping[str, Any], severity: str = "") -> str:
    """The stable identity of a finding: ``code|field=value|...`` after the rule in ``KEY_FIELDS``."""
    if "omitted" in evidence:  # "另有 N 条...未逐条列出": at most one per code and site
        return f"{code}|omitted"
    if severity == "notice" and "error" in evidence and code not in ERROR_IS_PROBLEM:
        fields, parts = UNCHECKED_FIELDS, [code, "unchecked"]
    else:
        fields, parts = KEY_FIELDS.get(code, ("@url",)), [code]
    for name in fields:
        value = _value(name, url, evidence)
        if value:
            parts.append(f"{name.lstrip('@')}={value}")
    return "|".join(parts)


def _value(name: str, url: str | None, evidence: Mapping[str, Any]) -> str:
    if name == "@url":
        return _url(url)
    if name == "@page":
        return "" if "samples" in evidence or "pages" in evidence else _url(url)
    value = evidence.get(name)
    if value is None:
        return ""
    if name == "target":
        return _url(str(value))
    if name == "error":
        return " ".join(_DIGITS.sub("", str(value)).split())[:60]
    if isinstance(value, list | tuple | set):
        return ",".join(sorted(str(v) for v in value))
    return str(value).replace("|", "/")


def _url(url: str | None) -> str:
    if not url:
        return ""
    return (normalize_url(url) or url).replace("|", "%7C")
