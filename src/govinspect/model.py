"""Plain data passed between the stages: registry entries, pages, columns, findings, results."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from . import __version__
from .codes import finding_key


class Severity(StrEnum):
    """How much a finding weighs: a veto fails the site, a deduction costs points, a notice informs."""

    VETO = "veto"
    DEDUCT = "deduct"
    NOTICE = "notice"


class Verdict(StrEnum):
    """The verdict of a site or an account (contract section 3)."""

    PASS = "pass"
    FAIL = "fail"


class ErrorKind(StrEnum):
    """Why a fetch or a probe got no usable answer; Chinese wording in labels.ERROR_LABELS."""

    # Raised by http.Fetcher as FetchError kinds.
    TIMEOUT = "timeout"
    DNS = "dns"
    REFUSED = "refused"
    CONNECTION = "connection"
    SSL = "ssl"
    TOO_LARGE = "too_large"
    REDIRECT_LOOP = "redirect_loop"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    BAD_URL = "bad_url"
    PROTOCOL = "protocol"
    BINARY = "binary"
    DECODE = "decode"
    # Set by the crawl on pages and link targets it did not (or could not) read.
    NOT_HTML = "not_html"
    SKIPPED = "skipped"
    OUT_OF_SCOPE = "out_of_scope"
    TRAP = "trap"
    ROBOTS = "robots"


# The kinds a FetchError may carry (http.py raises only these).
FETCH_ERROR_KINDS: tuple[ErrorKind, ...] = (
    ErrorKind.TIMEOUT, ErrorKind.DNS, ErrorKind.REFUSED, ErrorKind.CONNECTION, ErrorKind.SSL,
    ErrorKind.TOO_LARGE, ErrorKind.REDIRECT_LOOP, ErrorKind.TOO_MANY_REDIRECTS, ErrorKind.BAD_URL,
    ErrorKind.PROTOCOL, ErrorKind.BINARY, ErrorKind.DECODE,
)

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
    decode_problem: str | None = None  # mixed or undecodable charsets (text.py), in Chinese
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
NOT_BROKEN_ERRORS = frozenset({
    ErrorKind.SKIPPED, ErrorKind.OUT_OF_SCOPE, ErrorKind.TRAP, ErrorKind.ROBOTS, ErrorKind.TOO_LARGE,
    ErrorKind.BINARY, ErrorKind.DECODE,
})


@dataclass(slots=True)
class Finding:
    """One problem found, as plain data with a stable key for month-to-month tracking."""

    code: str
    severity: Severity | str
    url: str | None
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.severity = Severity(self.severity)

    def key(self) -> str:
        """Identity of the problem across runs: the code and what names the problem (codes.KEY_FIELDS)."""
        return finding_key(self.code, self.url, self.evidence, str(self.severity))

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": str(self.severity),
            "url": self.url,
            "message": self.message,
            "evidence": jsonable(self.evidence),
            "key": self.key(),
        }


def jsonable(value: Any) -> Any:
    """A JSON-safe copy: enums and dates as strings, tuples and sets as lists, keys as strings."""
    if isinstance(value, StrEnum):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(v) for v in value]
    return value


@dataclass(slots=True)
class SiteResult:
    """The verdict for one site: findings plus the score computed from them."""

    name: str
    url: str
    verdict: Verdict | str
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

    def __post_init__(self) -> None:
        self.verdict = Verdict(self.verdict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "url": self.url,
            "unit": self.unit,
            "verdict": str(self.verdict),
            "verdict_label": self.verdict_label,
            "vetoed": self.vetoed,
            "veto_reasons": self.veto_reasons,
            "score": round(self.score, 2),
            "deductions": round(self.deductions, 2),
            "near_veto": self.near_veto,
            "pages_crawled": self.pages_crawled,
            "stats": jsonable(self.stats),
            "findings": [f.to_dict() for f in self.findings],
        }


@dataclass(slots=True)
class AccountResult:
    """The verdict for one new-media account: the contract's account object (section 3)."""

    name: str
    platform: str
    unit: str | None
    platform_id: str | None
    official_matrix: bool | None
    status: str | None
    source: str
    verdict: Verdict | str = Verdict.PASS
    verdict_label: str = ""
    checked: bool = False
    closed_on: str | None = None  # ISO date, for an account closed on or before the inspection date
    last_post: str | None = None  # ISO date
    days_since_post: int | None = None
    posts_30d: int | None = None
    posts_read: int = 0
    dates_skipped: int = 0
    truncated: bool = False
    messages: dict[str, Any] | None = None
    summary: str = ""
    findings: list[Finding] = field(default_factory=list)
    closed: bool = False  # closed on or before the inspection date: not checked, "closed_on" printed

    def __post_init__(self) -> None:
        self.verdict = Verdict(self.verdict)

    @property
    def vetoed(self) -> bool:
        return any(f.severity == Severity.VETO for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        """The account object exactly as ``scan --json`` prints it."""
        d: dict[str, Any] = {
            "name": self.name,
            "platform": self.platform,
            "unit": self.unit,
            "platform_id": self.platform_id,
            "official_matrix": self.official_matrix,
            "status": self.status,
            "source": self.source,
            "verdict": str(self.verdict),
            "verdict_label": self.verdict_label,
            "checked": self.checked,
        }
        if self.closed:
            d["closed_on"] = self.closed_on
        d.update({
            "last_post": self.last_post,
            "days_since_post": self.days_since_post,
            "posts_30d": self.posts_30d,
            "posts_read": self.posts_read,
            "dates_skipped": self.dates_skipped,
            "truncated": self.truncated,
            "messages": self.messages,
            "summary": self.summary,
            "findings": [f.to_dict() for f in self.findings],
        })
        return d


@dataclass(slots=True)
class ScanResult:
    """The outcome of one scan: every site and account with its verdict (contract section 3)."""

    as_of: date
    sites: list[SiteResult] = field(default_factory=list)
    accounts: list[AccountResult] = field(default_factory=list)
    rules: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "tool": "govinspect",
            "version": __version__,
            "as_of": self.as_of.isoformat(),
            "rules": self.rules,
            "sites": [s.to_dict() for s in self.sites],
            "accounts": [a.to_dict() for a in self.accounts],
        }


@dataclass(slots=True)
class ProbeRecord:
    """One availability probe of a site: when, what came back, how fast; ``control`` marks a reference host."""

    site_url: str
    at: datetime
    status: int | None = None
    error: ErrorKind | str | None = None
    latency_ms: int | None = None
    control: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and 200 <= self.status < 400
