"""Precision and recall of a scan against the fixture world's ground truth.

How findings are matched to the truth, per code: a stale or empty column by its list page;
a future date by its page (a list-page finding also covers the article and the other lists it names); a broken
link (and a link to a site now serving spam, link.harmful) by its target URL; a hijacked page by (page path, kind), where a cloaking finding is
keyed by the page that was refetched as a spider (the home page); a privacy leak by (page or
attachment path, kind of number); an identity problem by its item (icp, site_code, ...); a
wrong word by (page path, word). Issue 4: an incomplete or vague guide by (guide path, element);
an item without a guide, an overdue letter, an answer without unit or time and a weak
interpretation by their page path; a board without statistics, a missing search and a search
that does not find recent articles once per site (the probe's queries are its own choice; the
truth says whether the site's index misses what it would query). Issue 8: a column planted
unreadable (a broken JCMS data island, a script-only pager) by the crawl.incomplete notice that
names it (its list page); other notices (what could not be checked) are never scored. Every
finding on a clean control is a false positive. ``evaluate_families`` gives the same scores per
CMS family (the markup style of each world site), so that a new style appears by itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from ..checks import DEFAULT_SITE_CHECKS
from ..model import AccountResult, ScanResult, SiteResult
from ..rules import Rules, load_rules
from .types import SimSite, Truth, World, resolve_ref

BASE_CODES = ("home.stale", "column.stale", "column.empty", "content.future_date", "link.broken",
              "crawl.incomplete")
CONTENT_CODES = ("security.hijack", "privacy.leak", "identity.missing", "content.error_word",
                 "link.harmful")
FEATURE_CODES = (
    "service.guide_incomplete", "service.no_guide", "interaction.unanswered",
    "interaction.reply_incomplete", "interaction.no_stats", "policy.interpretation_weak",
    "search.missing", "search.not_found",
)
ALL_CODES = BASE_CODES + CONTENT_CODES + FEATURE_CODES
# The check module behind each content code. By default a code is scored only when the
# default scan runs its check: otherwise its recall would just say that the check is off.
CHECK_OF = {"security.hijack": "hijack", "privacy.leak": "privacy", "identity.missing": "identity",
            "content.error_word": "wording", "link.harmful": "harmful",
            "service.guide_incomplete": "services", "service.no_guide": "services",
            "interaction.unanswered": "interaction", "interaction.reply_incomplete": "interaction",
            "interaction.no_stats": "interaction", "policy.interpretation_weak": "policy",
            "search.missing": "sitesearch", "search.not_found": "sitesearch"}
Found = dict[str, list[dict[str, Any]]]


def default_codes() -> tuple[str, ...]:
    """Freshness and link codes plus the content and feature codes whose check runs by default."""
    return BASE_CODES + tuple(c for c in CONTENT_CODES + FEATURE_CODES
                              if CHECK_OF[c] in DEFAULT_SITE_CHECKS)


@dataclass(slots=True)
class Score:
    """True positives, false positives and false negatives of one finding code."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)
    false: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def add(self, expected: Iterable[str], found: Iterable[str], where: str) -> None:
        exp, got = set(expected), set(found)
        self.tp += len(exp & got)
        self.fn += len(exp - got)
        self.fp += len(got - exp)
        self.misses += [f"{where} {x}" for x in sorted(exp - got)]
        self.false += [f"{where} {x}" for x in sorted(got - exp)]

    def as_dict(self) -> dict[str, Any]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn,
                "precision": round(self.precision, 3), "recall": round(self.recall, 3)}


def _path(url: str) -> str:
    """URL path with a trailing index page removed, so /a/ and /a/index.html compare equal."""
    parts = urlsplit(url)
    path = parts.path or "/"
    for tail in ("index.html", "index.htm", "index.shtml"):
        if path.endswith("/" + tail):
            path = path[: -len(tail)]
    return path + (f"?{parts.query}" if parts.query else "")


def evaluate(
    result: ScanResult, world: World, base_urls: Mapping[str, str], links: Mapping[str, str],
    rules: Rules | None = None, codes: Iterable[str] | None = None,
) -> dict[str, Score]:
    """Score the findings of ``result`` against the world's truth (``codes``: default_codes())."""
    rules = rules or load_rules()
    wanted = tuple(codes) if codes is not None else default_codes()
    unknown = set(wanted) - set(ALL_CODES)
    if unknown:
        raise ValueError(f"no truth for {sorted(unknown)}")
    scores = {code: Score() for code in ALL_CODES}
    by_url = {s.url: s for s in result.sites}
    for site in world.sites:
        base = base_urls.get(site.key)
        res = by_url.get(base or "")
        if base is None or res is None:
            continue
        site_scores(scores, site, res, result.as_of, base, links, rules)
    return {code: scores[code] for code in wanted}


def evaluate_families(
    result: ScanResult, world: World, base_urls: Mapping[str, str], links: Mapping[str, str],
    rules: Rules | None = None, codes: Iterable[str] | None = None,
) -> dict[str, dict[str, Score]]:
    """The scores of ``evaluate`` per CMS family: the markup style of each world site."""
    rules = rules or load_rules()
    wanted = tuple(codes) if codes is not None else default_codes()
    by_url = {s.url: s for s in result.sites}
    out: dict[str, dict[str, Score]] = {}
    for site in world.sites:
        base = base_urls.get(site.key)
        res = by_url.get(base or "")
        if base is None or res is None:
            continue
        scores = out.setdefault(site.style, {code: Score() for code in ALL_CODES})
        site_scores(scores, site, res, result.as_of, base, links, rules)
    return {style: {code: s[code] for code in wanted} for style, s in sorted(out.items())}


def site_scores(
    scores: Mapping[str, Score], site: SimSite, res: SiteResult, as_of: date, base: str,
    links: Mapping[str, str], rules: Rules,
) -> None:
    """Add one site's findings, matched against its truth, to ``scores``."""
    expected = expected_sets(site.truth, as_of, base, links, rules)
    found = found_sets(res, expected)
    for code in ALL_CODES:
        scores[code].add(expected[code], found[code], site.key)


def expected_sets(truth: Truth, as_of: date, base: str, links: Mapping[str, str], rules: Rules
                  ) -> dict[str, set[str]]:
    """The places of every planted problem of one site, per code, as findings are matched."""
    stale_home = truth.home_last_update is None or _days(as_of, truth.home_last_update) > rules.home.stale_days
    search = truth.search
    return {
        "home.stale": {"home"} if stale_home else set(),
        "column.stale": {_path(c.path) for c in truth.stale_columns.values()},
        "column.empty": {_path(p) for p in truth.empty_columns.values()},
        "content.future_date": {_path(f.path) for f in truth.future_dated},
        "link.broken": truth.broken_targets(base, links),
        "crawl.incomplete": {_path(p) for p in truth.unreadable_columns.values()},
        # A link to a site now serving spam by its target URL (like a broken link) and its kind.
        "link.harmful": {f"{resolve_ref(m.target, base, links)} {m.kind}" for m in truth.harmful},
        "security.hijack": {f"{m.path} {m.kind}" for m in truth.hijack},
        "privacy.leak": {f"{m.path} {m.kind}" for m in truth.privacy},
        "identity.missing": {m.item for m in truth.identity},
        "content.error_word": {f"{m.path} {m.word}" for m in truth.wording},
        "service.guide_incomplete": {f"{_path(g.path)} {g.element}" for g in truth.guides},
        "service.no_guide": {_path(p) for p in truth.no_guide},
        "interaction.unanswered": {_path(m.path) for m in truth.unanswered},
        "interaction.reply_incomplete": {_path(m.path) for m in truth.reply_incomplete},
        "interaction.no_stats": {"interaction.no_stats"} if truth.no_stats else set(),
        "policy.interpretation_weak": {_path(p) for p in truth.weak_interpretations},
        "search.missing": {"search.missing"} if search is not None and search.missing else set(),
        "search.not_found": {"search.not_found"} if search is not None and search.not_found else set(),
    }


def found_sets(res: SiteResult, expected: Mapping[str, set[str]]) -> dict[str, set[str]]:
    """The places the findings of one site name, per code (``expected``: for covering pages)."""
    found: Found = {}
    for f in res.findings:
        if f.severity != "notice":
            found.setdefault(f.code, []).append({"url": f.url or "", **f.evidence})
    out = {code: finding_places(code, found.get(code, [])) for code in ALL_CODES}
    # A finding on a list page also covers the article it names (evidence.item_url).
    future = found.get("content.future_date", [])
    urls = {_path(f["url"]) for f in future}
    covered = urls | {_path(f["item_url"]) for f in future if f.get("item_url")}
    covered |= {_path(u) for f in future for u in f.get("lists") or ()}  # one finding per item
    exp = expected["content.future_date"]
    out["content.future_date"] = (covered & exp) | (urls - exp)
    out["crawl.incomplete"] = {_path(f.url or "") for f in res.findings
                               if f.code == "crawl.incomplete" and f.evidence.get("column")}
    return out


def finding_places(code: str, found: Iterable[Mapping[str, Any]]) -> set[str]:
    """The places findings of ``code`` name (url and evidence), as ``expected_sets`` writes them."""
    found = list(found)

    def keyed(key: str) -> set[str]:
        return {f"{_path(f['url'])} {f.get(key)}" for f in found}

    if code in ("home.stale", "interaction.no_stats", "search.missing", "search.not_found"):
        return {"home" if code == "home.stale" else code} if found else set()
    if code == "link.broken":
        return {f["target"] for f in found}
    if code == "link.harmful":
        return {f"{f['target']} {f.get('kind')}" for f in found}
    if code in ("security.hijack", "privacy.leak"):
        return keyed("kind")
    if code == "identity.missing":
        return {str(f.get("item")) for f in found}
    if code == "content.error_word":
        return keyed("word")
    if code == "service.guide_incomplete":
        return keyed("element")
    return {_path(f["url"]) for f in found}


def evaluate_accounts(
    accounts: Iterable[AccountResult], expected: Mapping[str, Mapping[str, str]],
) -> dict[str, Score]:
    """Score account findings against the demo accounts' truth (account name -> {code: severity}).

    A finding counts by (account, code, severity); notices that say a source could not be read
    count like any other expected notice.
    """
    scores: dict[str, Score] = {}
    for acc in accounts:
        name = acc.name
        want = {(code, sev) for code, sev in expected.get(name, {}).items()}
        got = {(f.code, str(f.severity)) for f in acc.findings}
        for code in {c for c, _ in want | got}:
            scores.setdefault(code, Score()).add(
                {f"{c}/{v}" for c, v in want if c == code}, {f"{c}/{v}" for c, v in got if c == code}, name,
            )
    return dict(sorted(scores.items()))


def _days(as_of: date, when: date) -> int:
    return (as_of - when).days


def family_total(scores: Mapping[str, Score]) -> Score:
    """One family's scores summed over the finding codes."""
    total = Score()
    for s in scores.values():
        total.tp, total.fp, total.fn = total.tp + s.tp, total.fp + s.fp, total.fn + s.fn
    return total


def family_table(families: Mapping[str, Mapping[str, Score]], target: float = 0.95) -> str:
    """A Markdown table per CMS family: totals over the codes, and the codes below target."""
    lines = [f"| family | TP | FP | FN | precision | recall | codes below {target:.2f} |",
             "|---|---:|---:|---:|---:|---:|---|"]
    for style, scores in families.items():
        total = family_total(scores)
        low = [f"`{c}` {s.precision:.3f}/{s.recall:.3f}" for c, s in scores.items()
               if min(s.precision, s.recall) < target]
        note = ", ".join(low) or "none"
        lines.append(f"| {style} | {total.tp} | {total.fp} | {total.fn} | "
                     f"{total.precision:.3f} | {total.recall:.3f} | {note} |")
    return "\n".join(lines)


def family_code_table(families: Mapping[str, Mapping[str, Score]]) -> str:
    """A Markdown matrix: one row per finding code, one precision/recall cell per CMS family."""
    styles = list(families)
    codes = list(dict.fromkeys(c for scores in families.values() for c in scores))
    lines = ["| finding | " + " | ".join(styles) + " |", "|---|" + "---:|" * len(styles)]
    for code in codes:
        cells = []
        for style in styles:
            s = families[style].get(code)
            cells.append("-" if s is None or not s.tp + s.fp + s.fn
                         else f"{s.precision:.2f}/{s.recall:.2f} ({s.tp + s.fn})")
        lines.append(f"| `{code}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def table(scores: Mapping[str, Score]) -> str:
    """A Markdown table of the scores."""
    lines = ["| finding | TP | FP | FN | precision | recall |", "|---|---:|---:|---:|---:|---:|"]
    for code, s in scores.items():
        lines.append(f"| `{code}` | {s.tp} | {s.fp} | {s.fn} | {s.precision:.3f} | {s.recall:.3f} |")
    return "\n".join(lines)
