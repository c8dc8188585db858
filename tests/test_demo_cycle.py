"""Two monthly periods of the fixture world: each scanned against its own truth, and the
problems carried, fixed and new between them seen by the scans as the cycle truth says.

The world is built small (scale 0.3) for both periods, served on loopback and scanned with
the real service, as ``govinspect demo`` does; findings are compared by ``Finding.key()``.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from govinspect.demo.accounts import build_accounts
from govinspect.demo.cycle import (
    CycleProblem,
    accounts_cycle_truth,
    build_cycle,
    cycle_truth,
    problems,
    rebase,
    world_links,
)
from govinspect.demo.evaluate import (
    default_codes,
    evaluate,
    evaluate_accounts,
    expected_sets,
    finding_places,
)
from govinspect.demo.runner import demo_settings, live_hosts
from govinspect.demo.server import serve_in_thread
from govinspect.demo.types import World
from govinspect.demo.world import build_world
from govinspect.model import Finding
from govinspect.rules import load_rules
from govinspect.service import ScanResult, scan

PERIODS = [date(2019, 9, 20), date(2019, 10, 20)]
SEED, SCALE = 2019, 0.3


@dataclass
class Period:
    """One period's world, its scan and the findings keyed as the store keys them."""

    world: World
    result: ScanResult
    scores: dict[str, Any]
    accounts_truth: dict[str, dict[str, str]]
    accounts_found: dict[str, set[str]]
    keys: dict[tuple[str, str], set[CycleProblem]]  # (site, Finding.key()) -> the problems it names


@pytest.fixture(scope="module")
def worlds() -> list[World]:
    return build_cycle(PERIODS, SEED, SCALE)


@pytest.fixture(scope="module")
def periods(worlds: list[World]) -> Iterator[list[Period]]:
    out = []
    ports: dict[str, int] | None = None  # period 2 is served at period 1's URLs, as one registry
    for n, world in enumerate(worlds, start=1):
        acc = build_accounts(world, world.as_of, seed=SEED, period=n)
        with tempfile.TemporaryDirectory() as tmp, \
                serve_in_thread(world, [*world.sites, acc.site], ports=ports) as handle:
            assert ports is None or handle.ports() == ports
            ports = handle.ports()
            entries = acc.entries(handle.base_urls[acc.site.key], acc.write_account_files(Path(tmp)))
            result = scan(world.entries(handle.base_urls),
                          demo_settings(live_hosts(world), world.hosts()), world.as_of, accounts=entries)
            scores = evaluate(result, world, handle.base_urls, handle.links)
            scores.update(evaluate_accounts(result.accounts, acc.truth()))
            keys = _keys(world, result, handle.base_urls, handle.links)
        found = {a.name: {f.code for f in a.findings} for a in result.accounts}
        out.append(Period(world, result, scores, acc.truth(), found, keys))
    yield out


def _keys(world: World, result: ScanResult, base_urls: dict[str, str], links: dict[str, str]
          ) -> dict[tuple[str, str], set[CycleProblem]]:
    """Every scored finding that names a planted problem, by (site, Finding.key())."""
    canon = world_links(world)
    rules = load_rules()
    by_url = {s.url: s for s in result.sites}
    codes = set(default_codes())
    out: dict[tuple[str, str], set[CycleProblem]] = {}
    for site in world.sites:
        res = by_url[base_urls[site.key]]
        expected = expected_sets(site.truth, world.as_of, base_urls[site.key], links, rules)
        for f in res.findings:
            if f.code not in codes or (f.severity == "notice" and f.code != "crawl.incomplete"):
                continue
            for place in _places(f, expected[f.code]):
                out.setdefault((site.key, f.key()), set()).add(
                    CycleProblem(site.key, f.code, rebase(place, links, canon)))
    return out


def _places(f: Finding, expected: set[str]) -> set[str]:
    """The planted places one finding names (a future date also covers the article it names)."""
    row = {"url": f.url or "", **f.evidence}
    places = finding_places(f.code, [row])
    if f.code == "content.future_date":
        names = [row["url"], row.get("item_url") or "", *(row.get("lists") or ())]
        places |= finding_places(f.code, [{"url": u} for u in names if u])
    return places & expected


def test_period_one_is_the_single_world(worlds: list[World]) -> None:
    """Without a period the world is unchanged: period 1 is build_world for the first date."""
    single = build_world(PERIODS[0], SEED, SCALE)
    assert worlds[0].truth_dict() == single.truth_dict()
    assert [s.key for s in worlds[1].sites] == [s.key for s in single.sites]


def test_cycle_is_deterministic(worlds: list[World]) -> None:
    again = build_cycle(PERIODS, SEED, SCALE)
    assert again[1].truth_dict() == worlds[1].truth_dict()
    assert cycle_truth(*again) == cycle_truth(*worlds)


def test_same_sites_same_paths(worlds: list[World]) -> None:
    """Period 2 keeps every page of period 1 and adds the month's articles."""
    one, two = worlds
    for a, b in zip(one.sites, two.sites, strict=True):
        assert (a.key, a.site_code, a.name) == (b.key, b.site_code, b.name)
        assert set(a.truth.columns) == set(b.truth.columns)
        assert {c.path for c in a.truth.columns.values()} == {c.path for c in b.truth.columns.values()}
        kept = [p for p in a.resources if p in b.resources]
        assert len(kept) >= 0.9 * len(a.resources), a.key
        assert len(b.resources) > len(a.resources), a.key


def test_cycle_truth_has_every_state(worlds: list[World]) -> None:
    truth = cycle_truth(*worlds)
    old, new = problems(worlds[0]), problems(worlds[1])
    assert set(truth["carried"]) | set(truth["fixed"]) == old
    assert set(truth["carried"]) | set(truth["new"]) == new
    fixed, carried = len(truth["fixed"]), len(truth["carried"])
    assert 0.25 < fixed / (fixed + carried) < 0.75, (fixed, carried)
    fixed_codes = {p.code for p in truth["fixed"]}
    assert {"column.stale", "column.empty", "link.broken", "content.error_word",
            "identity.missing", "interaction.unanswered"} <= fixed_codes
    new_codes = {(p.site, p.code) for p in truth["new"]}
    assert {c for _, c in new_codes} >= {"link.broken", "column.stale", "interaction.unanswered"}
    sites = {s.key for s in worlds[1].sites}
    assert {s for s, c in new_codes if c == "link.broken"} == sites  # a new problem on every site
    carried_codes = {p.code for p in truth["carried"]}
    assert {"column.stale", "link.broken", "security.hijack", "privacy.leak"} <= carried_codes


@pytest.mark.parametrize("n", [0, 1])
def test_each_period_matches_its_truth(periods: list[Period], n: int) -> None:
    """Every scored code and every account code at precision and recall 1.0 in both periods."""
    low = {code: (s.as_dict(), s.misses, s.false) for code, s in periods[n].scores.items()
           if s.precision < 1.0 or s.recall < 1.0}
    assert not low


def test_finding_keys_follow_the_cycle(periods: list[Period], worlds: list[World]) -> None:
    """(site, Finding.key()) only in period 1 are the fixed problems, in both the carried, only in 2 the new."""
    one, two = periods[0].keys, periods[1].keys
    truth = {state: {p for p in ps if p.code in default_codes()} for state, ps in cycle_truth(*worlds).items()}

    def places(keys: set[tuple[str, str]], by: dict[tuple[str, str], set[CycleProblem]]) -> set[CycleProblem]:
        return {p for k in keys for p in by[k]}

    gone, kept, came = set(one) - set(two), set(one) & set(two), set(two) - set(one)
    drift = places(gone, one) & places(came, two)  # the same problem under another key: none
    assert not drift, drift
    assert places(kept, two) == truth["carried"]
    assert places(gone, one) == truth["fixed"]
    assert places(came, two) == truth["new"]


def test_accounts_cycle(periods: list[Period]) -> None:
    """One stale account fixed, one still stale, one new unanswered message; the scans agree."""
    truth = accounts_cycle_truth(periods[0].accounts_truth, periods[1].accounts_truth)
    assert ("凤台发布", "newmedia.stale") in truth["fixed"]
    assert ("淮南教育发布", "newmedia.stale") in truth["carried"]
    assert ("淮南市人民政府发布", "newmedia.unanswered") in truth["new"]
    one = {(a, c) for a, codes in periods[0].accounts_found.items() for c in codes}
    two = {(a, c) for a, codes in periods[1].accounts_found.items() for c in codes}
    assert sorted(one - two) == truth["fixed"]
    assert sorted(one & two) == truth["carried"]
    assert sorted(two - one) == truth["new"]
