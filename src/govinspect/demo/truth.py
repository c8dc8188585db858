"""Read the ground truth back from a rendered site: columns, dates and every broken link."""

from __future__ import annotations

import html as htmlmod
import re
from collections.abc import Iterator, Mapping
from datetime import date
from functools import lru_cache
from urllib.parse import urljoin

from govinspect.demo.features import features_truth
from govinspect.demo.markup import cn_date, esc
from govinspect.demo.plan import FRESH_MAX, SECTIONS, STALE_MIN, SitePlan
from govinspect.demo.planted import planted_truth
from govinspect.demo.render import HOME_LIMIT, Rendered, find_resource
from govinspect.demo.types import PLACEHOLDER, BrokenLink, ColumnTruth, FutureDated, Resource, Truth

HREF = re.compile(r'\b(?:href|src)\s*=\s*"([^"]*)"', re.IGNORECASE)
SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "#", "data:")
FAKE_ORIGIN = "http://site.invalid"


def page_refs(path: str, html: str) -> Iterator[str]:
    """Targets of the href/src attributes of a page: site paths, or absolute (placeholder) URLs."""
    for raw in HREF.findall(html):
        ref = htmlmod.unescape(raw).strip()
        if not ref or ref.startswith(SKIP_SCHEMES):
            continue
        if ref.startswith(("{{", "http://", "https://")):
            yield ref
            continue
        if ref.startswith("/") and "/." not in ref:
            yield ref
            continue
        base = path if ref.startswith("?") else path.split("?", 1)[0].rsplit("/", 1)[0] + "/"
        yield _join(base, ref)


@lru_cache(maxsize=65536)
def _join(base: str, ref: str) -> str:
    """Resolve a relative reference against a page's folder (TRS pages repeat many)."""
    return urljoin(FAKE_ORIGIN + base, ref)[len(FAKE_ORIGIN) :] or "/"


def status_of(resources: Mapping[str, Resource], path: str) -> int:
    """The status a server of ``resources`` answers for ``path``."""
    res = find_resource(resources, path)
    return 404 if res is None else res.status


def classify(
    ref: str, plan: SitePlan, resources: Mapping[str, Resource],
    world: Mapping[str, Mapping[str, Resource]],
) -> str | None:
    """Broken kind of one target ("404", "500", "refused", "dns"), "external", or None if fine."""
    if ref.startswith("/"):
        status = status_of(resources, ref)
    elif ref.startswith("{{"):
        m = PLACEHOLDER.match(ref)
        if m is None:
            raise ValueError(f"bad placeholder in {ref!r}")
        if m.group(1) == "refused":
            return "refused"
        key = m.group(1).split(":", 1)[1]
        status = status_of(world[key], "/" + ref[m.end() :]) if key in world else 404
    else:
        return plan.external_broken.get(ref, "external")
    if status >= 500:
        return "500"
    return "404" if status >= 400 else None


def column_truths(plan: SitePlan) -> Iterator[tuple[str, ColumnTruth]]:
    """Every column with its real newest date and its verdict: fresh, stale or empty."""
    for col in plan.columns:
        latest = col.latest(plan.as_of)
        ct = ColumnTruth(col.name, col.spec.category, col.path, latest,
                         SECTIONS.get(col.spec.section or "", ""), len(col.items))
        if col.broken_list:
            yield "unreadable", ct
            continue
        if col.empty:
            yield "empty", ct
            continue
        if latest is None:
            yield "stale", ct
            continue
        age = (plan.as_of - latest).days
        cat = col.spec.category
        if age >= STALE_MIN[cat]:
            yield "stale", ct
        elif age <= FRESH_MAX[cat]:
            yield "fresh", ct
        else:  # the generator keeps clear of the ambiguous band between the two rules
            raise ValueError(f"{plan.spec.key}/{col.name}: age {age} is neither fresh nor stale")


def date_marks(d: date) -> tuple[str, ...]:
    """How the styles print a date."""
    return (f"{d:%Y-%m-%d}", f"[{d:%m-%d}]", cn_date(d), f"{d:%Y/%m/%d}")


def plan_truth(plan: SitePlan) -> Truth:
    """The part of the truth the plan alone decides: columns and the home page's last update."""
    truth = Truth(notes=dict(plan.notes))
    for verdict, ct in column_truths(plan):
        truth.columns[ct.name] = ct
        if verdict == "unreadable":
            truth.unreadable_columns[ct.name] = ct.path
        elif verdict == "empty":
            truth.empty_columns[ct.name] = ct.path
        elif verdict == "stale":
            truth.stale_columns[ct.name] = ct
        else:
            truth.fresh_columns.append(ct.name)
    limit = HOME_LIMIT[plan.spec.style]
    shown = [i.date for c in plan.columns if c.spec.on_home for i in c.items[:limit]
             if i.date is not None and i.date <= plan.as_of]
    truth.home_last_update = max(shown) if shown else None
    return truth


def site_truth(
    plan: SitePlan, rendered: Rendered, world: Mapping[str, Mapping[str, Resource]]
) -> Truth:
    """The truth of one rendered site (``world`` maps every site key to its resources)."""
    truth = plan_truth(plan)
    future = [i for c in plan.columns for i in c.items if i.date and i.date > plan.as_of]
    targets: set[str] = set()
    refs = 0
    for path, html in rendered.pages.items():
        for item in future:
            assert item.date is not None
            if esc(item.title) in html and any(m in html for m in date_marks(item.date)):
                truth.future_dated.append(FutureDated(path, item.date))
        page_targets = set(page_refs(path, html))
        refs += len(page_targets)
        targets |= page_targets
        for ref in page_targets:
            kind = classify(ref, plan, rendered.resources, world)
            if kind == "external":
                truth.external_links.add(ref)
            elif kind is not None:
                truth.broken_links.add(BrokenLink(path, ref, kind))
        if "charset" not in html and "charset" not in rendered.resources[path].content_type:
            truth.notes.setdefault(path, f"no charset declared; bytes are {plan.spec.encoding}")
    truth.future_dated.sort()
    truth.stats = {
        "pages": len(rendered.pages),
        "resources": len(rendered.resources),
        "link_targets": len(targets),
        "links": refs,
        "broken_targets": len({b.target for b in truth.broken_links}),
        "broken_links": len(truth.broken_links),
    }
    planted_truth(plan, rendered, truth)
    features_truth(plan, rendered, truth)
    return truth
