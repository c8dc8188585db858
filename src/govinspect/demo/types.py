"""Plain data of the simulated world: resources, sites, worlds and their ground truth."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from govinspect.model import SiteEntry

# Absolute links to other sites of the world (and to the dead port) are written as
# placeholders and substituted when the ports are known (see demo/server.py).
PLACEHOLDER = re.compile(r"\{\{(site:[a-z0-9_-]+|refused)\}\}")
PLACEHOLDER_BYTES = re.compile(rb"\{\{(site:[a-z0-9_-]+|refused)\}\}")

BROKEN_KINDS: tuple[str, ...] = ("404", "500", "refused", "dns")


def site_ref(key: str, path: str = "/") -> str:
    """Absolute reference to ``path`` on world site ``key``, resolved at serve time."""
    return "{{site:" + key + "}}" + path.lstrip("/")


def resolve_ref(ref: str, base_url: str, links: Mapping[str, str] | None = None) -> str:
    """Absolute URL of a truth reference: a site path, a placeholder URL or a plain URL."""
    if ref.startswith("/"):
        return base_url.rstrip("/") + ref
    if "{{" not in ref:
        return ref
    if links is None:
        raise ValueError(f"{ref!r} needs the served links mapping (WorldHandle.links)")
    return PLACEHOLDER.sub(lambda m: links[m.group(1)], ref)


class Request(NamedTuple):
    """What a dynamic page sees of an HTTP request: raw query string and body, undecoded."""

    method: str
    path: str
    query: str  # percent-encoded, as sent
    body: bytes
    headers: Mapping[str, str]


# A page computed per request (demo/server.py calls it for ``SimSite.dynamic`` paths).
Dynamic = Callable[[Request], "Resource"]


@dataclass(slots=True)
class Resource:
    """One servable URL of a simulated site: bytes plus HTTP status and headers."""

    body: bytes
    content_type: str
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class ColumnTruth:
    """What a column really is: its category, list page and last real update."""

    name: str
    category: str
    path: str
    last_update: date | None
    section: str = ""
    items: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "last_update": self.last_update.isoformat() if self.last_update else None,
            "path": self.path,
            "section": self.section,
            "items": self.items,
        }


class FutureDated(NamedTuple):
    """A page that shows a publication date later than the inspection date."""

    path: str
    date: date


class BrokenLink(NamedTuple):
    """A page linking to a target that fails; internal targets are paths."""

    page: str
    target: str
    kind: str


class HijackMark(NamedTuple):
    """A page showing planted hijack content of one kind (hidden_link, js_redirect, ...)."""

    path: str
    kind: str


class HarmfulMark(NamedTuple):
    """A page linking to an external target that now serves spam (link.harmful): target is a ref."""

    page: str
    target: str
    kind: str  # gambling, porn, fraud


class PrivacyMark(NamedTuple):
    """A page or attachment publishing personal numbers of one kind (id_card, phone, bank_card)."""

    path: str
    kind: str


class IdentityMark(NamedTuple):
    """An identity item of the home footer that is missing or wrong (problem: missing, mismatch)."""

    item: str
    problem: str


class WordingMark(NamedTuple):
    """A listed wrong word on a page (kind: typo, political, outdated_name)."""

    path: str
    word: str
    kind: str


class GuideMark(NamedTuple):
    """An element of a service guide that is missing or vague (contract evidence.element/problem)."""

    path: str
    element: str  # basis, conditions, materials, location, time, phone, process
    problem: str  # missing, vague


class UnansweredMark(NamedTuple):
    """A message left unanswered past the deduction (15 working days) or veto (90 days) limit."""

    path: str
    received: date
    severity: str  # deduct, veto


class ReplyMark(NamedTuple):
    """An answered message whose page does not disclose the answering unit and/or the time."""

    path: str
    missing: str  # "unit", "time" or "unit,time"


@dataclass(slots=True)
class SearchTruth:
    """The site search: its form on the home page (None: no search at all) and its index."""

    method: str | None = None  # GET, POST; None when the home page has no search form
    action: str = ""
    query_field: str = ""  # the name of the form's query input
    charset: str = "utf-8"  # how the results endpoint decodes the query
    not_found: bool = False  # recent articles (the ones a probe queries) are not in the index
    unindexed: list[str] = field(default_factory=list)  # article paths the index lacks

    @property
    def missing(self) -> bool:
        return self.method is None

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, "action": self.action, "field": self.query_field,
                "charset": self.charset, "missing": self.missing, "not_found": self.not_found,
                "unindexed": sorted(self.unindexed)}


@dataclass(slots=True)
class Planted:
    """Content defects the injectors planted, copied into the truth once the pages show them."""

    hijack: list[HijackMark] = field(default_factory=list)
    privacy: list[PrivacyMark] = field(default_factory=list)
    identity: list[IdentityMark] = field(default_factory=list)
    wording: list[WordingMark] = field(default_factory=list)
    guides: list[GuideMark] = field(default_factory=list)
    no_guide: list[str] = field(default_factory=list)
    unanswered: list[UnansweredMark] = field(default_factory=list)
    reply_incomplete: list[ReplyMark] = field(default_factory=list)
    weak_interpretations: list[str] = field(default_factory=list)
    harmful: list[HarmfulMark] = field(default_factory=list)


@dataclass(slots=True)
class Truth:
    """Ground truth of the defects injected into one site."""

    home_last_update: date | None = None
    stale_columns: dict[str, ColumnTruth] = field(default_factory=dict)
    fresh_columns: list[str] = field(default_factory=list)
    empty_columns: dict[str, str] = field(default_factory=dict)
    future_dated: list[FutureDated] = field(default_factory=list)
    broken_links: set[BrokenLink] = field(default_factory=set)
    columns: dict[str, ColumnTruth] = field(default_factory=dict)
    external_links: set[str] = field(default_factory=set)
    notes: dict[str, str] = field(default_factory=dict)
    stats: dict[str, int] = field(default_factory=dict)
    hijack: list[HijackMark] = field(default_factory=list)
    privacy: list[PrivacyMark] = field(default_factory=list)
    identity: list[IdentityMark] = field(default_factory=list)
    wording: list[WordingMark] = field(default_factory=list)
    # Issue 4: service guides, the message board, policy interpretations and the site search.
    service_items: list[str] = field(default_factory=list)  # item pages of the 办事服务 column
    guides: list[GuideMark] = field(default_factory=list)
    no_guide: list[str] = field(default_factory=list)
    board: str | None = None  # the message board's list page
    messages: list[str] = field(default_factory=list)  # message detail pages
    unanswered: list[UnansweredMark] = field(default_factory=list)
    reply_incomplete: list[ReplyMark] = field(default_factory=list)
    no_stats: bool = False  # the board publishes no statistics of messages received and answered
    interpretations: list[str] = field(default_factory=list)  # 政策解读 article pages
    weak_interpretations: list[str] = field(default_factory=list)
    search: SearchTruth | None = None  # None: not modelled (sites outside the demo world)
    # Issue 8: columns whose list cannot be read (a broken JCMS island, a script-only pager):
    # name -> list page; expected as crawl.incomplete notices, never as stale or empty.
    unreadable_columns: dict[str, str] = field(default_factory=dict)
    harmful: list[HarmfulMark] = field(default_factory=list)  # links to sites now serving spam

    def harmful_targets(self, base_url: str, links: Mapping[str, str] | None = None) -> set[str]:
        """Absolute URLs of every linked external target that now serves spam."""
        return {resolve_ref(m.target, base_url, links) for m in self.harmful}

    def broken_targets(self, base_url: str, links: Mapping[str, str] | None = None) -> set[str]:
        """Absolute URLs of every broken target linked from this site."""
        return {resolve_ref(b.target, base_url, links) for b in self.broken_links}

    def broken_pairs(
        self, base_url: str, links: Mapping[str, str] | None = None
    ) -> set[tuple[str, str]]:
        """(absolute linking page URL, absolute target URL) of every broken link."""
        return {
            (resolve_ref(b.page, base_url), resolve_ref(b.target, base_url, links))
            for b in self.broken_links
        }

    def broken_kinds(self, base_url: str, links: Mapping[str, str] | None = None) -> dict[str, str]:
        """Absolute broken target URL -> kind ("404", "500", "refused", "dns")."""
        return {resolve_ref(b.target, base_url, links): b.kind for b in self.broken_links}

    def to_dict(
        self, base_url: str | None = None, links: Mapping[str, str] | None = None
    ) -> dict[str, Any]:
        """JSON-ready form; with ``base_url`` (and ``links``) targets become absolute URLs."""

        def url(ref: str) -> str:
            return ref if base_url is None else resolve_ref(ref, base_url, links)

        return {
            "home_last_update": _iso(self.home_last_update),
            "stale_columns": {k: v.to_dict() for k, v in self.stale_columns.items()},
            "fresh_columns": list(self.fresh_columns),
            "empty_columns": dict(self.empty_columns),
            "unreadable_columns": dict(self.unreadable_columns),
            "future_dated": [
                {"path": f.path, "date": f.date.isoformat()} for f in self.future_dated
            ],
            "broken_links": [
                {"page": url(b.page), "target": url(b.target), "kind": b.kind}
                for b in sorted(self.broken_links)
            ],
            "external_links": sorted(url(e) for e in self.external_links),
            "notes": dict(self.notes),
            "stats": dict(self.stats),
            "hijack": [m._asdict() for m in sorted(self.hijack)],
            "privacy": [m._asdict() for m in sorted(self.privacy)],
            "identity": [m._asdict() for m in sorted(self.identity)],
            "wording": [m._asdict() for m in sorted(self.wording)],
            "services": {
                "items": sorted(self.service_items),
                "incomplete": [m._asdict() for m in sorted(self.guides)],
                "no_guide": sorted(self.no_guide),
            },
            "interaction": {
                "board": self.board,
                "messages": sorted(self.messages),
                "unanswered": [{"path": m.path, "received": m.received.isoformat(),
                                "severity": m.severity} for m in sorted(self.unanswered)],
                "reply_incomplete": [m._asdict() for m in sorted(self.reply_incomplete)],
                "no_stats": self.no_stats,
            },
            "policy": {
                "interpretations": sorted(self.interpretations),
                "weak": sorted(self.weak_interpretations),
            },
            "search": self.search.to_dict() if self.search else None,
            "harmful": [{"page": url(m.page), "target": url(m.target), "kind": m.kind}
                        for m in sorted(self.harmful)],
        }


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


@dataclass(slots=True)
class SimSite:
    """One simulated website: identity, servable resources, and ground truth."""

    key: str
    name: str
    unit: str
    level: str
    site_code: str
    encoding: str
    style: str
    resources: Mapping[str, Resource]
    truth: Truth = field(default_factory=Truth)
    behaviour: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    # Served instead of ``resources`` to search-engine spiders and to visitors arriving from a
    # search engine (cloaking, demo/server.py ``search_visit``).
    spider_view: Mapping[str, Resource] = field(default_factory=dict)
    # Pages computed per request (the site search's results), by path without the query.
    dynamic: Mapping[str, Dynamic] = field(default_factory=dict)

    def iter_resources(self) -> Iterator[tuple[str, Resource]]:
        """Yield (path, resource) one at a time; lazy sites render each on demand."""
        for path in self.resources:
            yield path, self.resources[path]

    def entry(self, base_url: str) -> SiteEntry:
        """The registry entry (contract section 2) for this site served at ``base_url``."""
        return SiteEntry(
            name=self.name, url=base_url, unit=self.unit, level=self.level,
            site_code=self.site_code, source="demo",
        )


@dataclass(slots=True)
class World:
    """A set of simulated sites built for one inspection date."""

    as_of: date
    seed: int
    scale: float
    sites: list[SimSite]
    static: bool = False
    # Hosts outside the government world (a lapsed domain, a bank, a newspaper: demo/harmful.py),
    # served beside the sites under a host name (``options["hostname"]``) and never scanned.
    externals: list[SimSite] = field(default_factory=list)

    def hosts(self) -> dict[str, str]:
        """The ``hosts`` setting that resolves the external hosts' names to loopback."""
        return {str(e.options["hostname"]): "127.0.0.1" for e in self.externals if e.options.get("hostname")}

    def site(self, key: str) -> SimSite:
        """The site (or external host) with ``key``; KeyError if absent."""
        for s in self.sites + self.externals:
            if s.key == key:
                return s
        raise KeyError(key)

    def entries(self, base_urls: Mapping[str, str]) -> list[SiteEntry]:
        """Registry entries of every site that has a base URL."""
        return [s.entry(base_urls[s.key]) for s in self.sites if s.key in base_urls]

    def truth_dict(
        self, base_urls: Mapping[str, str] | None = None, links: Mapping[str, str] | None = None
    ) -> dict[str, Any]:
        """Ground truth of every site, keyed by site key, JSON-ready."""
        out: dict[str, Any] = {}
        for s in self.sites:
            base = base_urls.get(s.key) if base_urls else None
            out[s.key] = {"name": s.name, **s.truth.to_dict(base, links)}
        return out
