"""Plain data passed between the stages: registry entries, pages, columns, findings."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal

Severity = Literal["veto", "deduct", "notice"]
CATEGORIES: tuple[str, ...] = ("news", "notice", "policy", "personnel", "plan", "other")


@dataclass(slots=True)
class SiteEntry:
    """One website as registered (contract section 2)."""

    name: str
    url: str
    unit: str | None = None
    level: str = "other"
    site_code: str | None = None
    search_url: str | None = None
    source: str | None = None  # "file:row" it came from, for messages
    # Per-site overrides from the registry (allowlisted words, CSS selectors, ...).
    overrides: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Link:
    """A reference from a page: an <a href>, <img src>, <script src>, <link href>, ..."""

    url: str
    text: str = ""
    tag: str = "a"
    in_nav: bool = False


@dataclass(slots=True)
class ListItem:
    """One entry of a list page (title, link, date) as the page shows it."""

    title: str
    url: str | None
    date: date | None
    raw_date: str | None = None
    year_inferred: bool = False


@dataclass(slots=True)
class Page:
    """What the crawl kept of one fetched URL: never the raw bytes."""

    url: str
    final_url: str = ""
    status: int | None = None
    error: str | None = None  # error kind, e.g. "timeout", "dns", "too_large" (see crawl.errors)
    error_detail: str | None = None
    content_type: str | None = None
    encoding: str | None = None
    decode_problem: str | None = None  # mixed or undecodable charsets (crawl/decode.py), in Chinese
    depth: int = 0
    title: str = ""
    text: str = ""
    links: list[Link] = field(default_factory=list)
    items: list[ListItem] = field(default_factory=list)
    pub_date: date | None = None
    meta: dict[str, str] = field(default_factory=dict)
    next_page: str | None = None
    empty_marker: bool = False
    redirected_from_host: str | None = None
    elapsed_ms: int = 0
    # Security signals found while parsing (extract/security.py), judged by checks/hijack.py.
    hidden_links: list[dict[str, Any]] = field(default_factory=list)
    script_targets: list[dict[str, Any]] = field(default_factory=list)
    # Inline scripts (page order) for the script sandbox when one is obfuscated beyond static
    # decoding (extract/jsbox.py); the crawl empties it once the sandbox ran.
    pending_scripts: list[str] = field(default_factory=list)
    attachment: bool = False  # a downloaded document (pdf, xlsx, ...) whose text was extracted
    # Structured content for the service, interaction and search checks (extract/guides.py,
    # extract/messages.py, extract/forms.py).
    guide: dict[str, str] = field(default_factory=dict)
    messages: list[dict[str, Any]] = field(default_factory=list)
    forms: dict[str, Any] | None = None
    # A list whose items could not be read (script-rendered with no decodable endpoint, a
    # JSON endpoint answering HTML or bad JSON, a postback pager that cannot be paged): the
    # reason in Chinese; extract/columns.py turns it into a column error and a notice.
    list_error: str | None = None
    # A list the crawl must fetch besides the page (extract/jsonlist.py, extract/postback.py):
    # a request description, consumed by the crawl before the page is stored.
    list_source: dict[str, Any] | None = None
    services: list[dict[str, Any]] = field(default_factory=list)  # service item list rows (extract/guides.py)

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and 200 <= self.status < 400

    @property
    def is_html(self) -> bool:
        return bool(self.content_type) and "html" in (self.content_type or "")


@dataclass(slots=True)
class Column:
    """A column (栏目): a named list of items, possibly spread over several pages."""

    name: str
    url: str
    category: str = "other"
    items: list[ListItem] = field(default_factory=list)
    item_count: int = 0
    empty: bool = False
    pages: int = 1
    top_level: bool = True
    error: str | None = None

    def latest(self, as_of: date) -> date | None:
        """Most recent item date on or before ``as_of``; future dates never count."""
        return latest_date(self.items, as_of)


def latest_date(items: list[ListItem], as_of: date) -> date | None:
    """The newest item date on or before ``as_of`` (items dated later never count as updates)."""
    dated = [i.date for i in items if i.date is not None and i.date <= as_of]
    return max(dated) if dated else None


@dataclass(slots=True)
class LinkStatus:
    """The outcome of checking one link target once."""

    target: str
    status: int | None = None
    error: str | None = None
    detail: str | None = None
    internal: bool = True
    method: str = "GET"

    @property
    def broken(self) -> bool:
        if self.error is not None:
            return self.error not in NOT_BROKEN_ERRORS
        return self.status is None or self.status >= 400


# Errors that mean "we did not judge this target", not "it is broken".
NOT_BROKEN_ERRORS = frozenset({"skipped", "out_of_scope", "trap", "robots", "too_large", "binary", "decode"})


@dataclass(slots=True)
class Finding:
    """One problem found, as plain data with a stable key for month-to-month tracking."""

    code: str
    severity: str
    url: str | None
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)

    def key(self) -> str:
        """Identity of the problem across runs: code, place and the evidence that names it."""
        parts = [self.code, self.url or ""]
        for k in ("target", "column", "item", "word", "kind", "element", "query"):
            if k in self.evidence:
                parts.append(f"{k}={self.evidence[k]}")
        return "|".join(parts)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["evidence"] = _jsonable(d["evidence"])
        return d


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


@dataclass(slots=True)
class SiteResult:
    """The verdict for one site: findings plus the score computed from them."""

    name: str
    url: str
    verdict: str
    vetoed: bool
    score: float
    pages_crawled: int
    findings: list[Finding]
    unit: str | None = None
    verdict_label: str = ""
    veto_reasons: list[str] = field(default_factory=list)
    near_veto: list[dict[str, Any]] = field(default_factory=list)
    deductions: float = 0.0
    stats: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "url": self.url,
            "unit": self.unit,
            "verdict": self.verdict,
            "verdict_label": self.verdict_label,
            "vetoed": self.vetoed,
            "veto_reasons": self.veto_reasons,
            "score": round(self.score, 2),
            "deductions": round(self.deductions, 2),
            "near_veto": self.near_veto,
            "pages_crawled": self.pages_crawled,
            "stats": _jsonable(self.stats),
            "findings": [f.to_dict() for f in self.findings],
        }
