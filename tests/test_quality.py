"""Check quality on the fixture world: precision and recall of every scored finding code.

The world plants freshness, link, hijack, privacy, identity and wording defects on three
sites and keeps two sites clean of the content defects, and plants the issue-4 defects
(guides, message board, interpretations, site search) with clean controls beside them on
every site (demo/catalogue.py); a finding that names no planted defect, on any site, is a
false positive. Run with ``pytest -s`` to see
the table and every miss or false positive.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

import pytest

from govinspect.demo.evaluate import (
    ALL_CODES,
    BASE_CODES,
    CONTENT_CODES,
    FEATURE_CODES,
    Score,
    evaluate,
    table,
)
from govinspect.service import ScanResult, scan
from govinspect.settings import Settings

AS_OF = date(2019, 10, 20)
GATE = {**dict.fromkeys(BASE_CODES, 0.95), **dict.fromkeys(CONTENT_CODES + FEATURE_CODES, 0.9)}


@pytest.fixture(scope="module")
def quality_scan(demo_world, world_server) -> ScanResult:
    """The world scanned offline with politeness lifted, as tests/test_crawl_engine.py does."""
    live = sorted({h for s in demo_world.sites for u in s.truth.external_links
                   if (h := urlsplit(u).hostname)})
    settings = Settings(per_host=4, delay=0, timeout=3, offline=True, backoff=0.05,
                        assume_ok_hosts=live, hosts=demo_world.hosts())
    return scan(demo_world.entries(world_server.base_urls), settings, AS_OF)


@pytest.fixture(scope="module")
def scores(quality_scan, demo_world, world_server) -> dict[str, Score]:
    """Scores of every code with a truth; the table and the details are printed once."""
    out = evaluate(quality_scan, demo_world, world_server.base_urls, world_server.links,
                   codes=ALL_CODES)
    print("\n" + table(out))
    for code, s in out.items():
        for line in s.misses:
            print(f"MISS  {code} {line}")
        for line in s.false:
            print(f"FALSE {code} {line}")
    return out


@pytest.mark.parametrize("code", ALL_CODES)
def test_precision_and_recall(scores: dict[str, Score], code: str) -> None:
    s = scores[code]
    assert s.precision >= GATE[code], (code, s.false)
    assert s.recall >= GATE[code], (code, s.misses)


def test_every_content_code_has_planted_defects_and_clean_controls(demo_world, scores) -> None:
    for code in CONTENT_CODES + FEATURE_CODES:
        assert scores[code].tp + scores[code].fn >= 1, code
    clean = [s.key for s in demo_world.sites
             if not (s.truth.hijack or s.truth.privacy or s.truth.identity or s.truth.wording)]
    assert len(clean) >= 2, clean


def test_feature_defects_have_clean_controls(demo_world) -> None:
    """Each issue-4 defect sits beside pages and sites of the same kind that are fine."""
    sites = demo_world.sites
    for site in sites:
        truth = site.truth
        assert truth.board and len(truth.messages) > len(truth.unanswered) + len(truth.reply_incomplete)
        assert len(truth.interpretations) > len(truth.weak_interpretations)
        assert truth.search is not None
        faulty = {g.path for g in truth.guides} | set(truth.no_guide)
        assert not truth.service_items or len(truth.service_items) >= len(faulty) + 3
    assert sum(s.truth.no_stats for s in sites) == 1
    assert sum(s.truth.search.missing for s in sites) == 1
    assert sum(s.truth.search.not_found for s in sites) == 1
    assert {s.truth.search.method for s in sites} == {"GET", "POST", None}
    clean = {"unanswered": [s.key for s in sites if not s.truth.unanswered],
             "reply_incomplete": [s.key for s in sites if not s.truth.reply_incomplete],
             "weak": [s.key for s in sites if not s.truth.weak_interpretations]}
    assert all(len(keys) >= 2 for keys in clean.values()), clean


def test_controls_are_planted_where_a_careless_check_would_fire(demo_world) -> None:
    """The world holds look-alikes that must not count: history text, office mobiles."""
    site = demo_world.site("huainan")
    history = next(r for p, r in site.iter_resources() if p.startswith("/jgyg/"))
    contact = next(r for p, r in site.iter_resources() if p.startswith("/lxwm/"))
    assert "国土资源局".encode() in history.body
    assert "咨询电话：1".encode() in contact.body
    assert not any(w.path.startswith("/jgyg/") for w in site.truth.wording)
    assert not any(p.path.startswith("/lxwm/") for p in site.truth.privacy)


def test_account_evaluation_counts_code_and_severity():
    from govinspect.demo.evaluate import evaluate_accounts
    from govinspect.model import AccountResult, Finding

    def account(name: str, severity: str) -> AccountResult:
        return AccountResult(name=name, platform="weibo", unit=None, platform_id=None, official_matrix=None,
                             status=None, source="rss",
                             findings=[Finding("newmedia.stale", severity, None, "未更新", {})])

    accounts = [account("凤台发布", "veto"), account("淮南发布", "notice")]
    truth = {"凤台发布": {"newmedia.stale": "veto"}, "淮南发布": {"newmedia.unanswered": "deduct"}}
    scores = evaluate_accounts(accounts, truth)
    assert (scores["newmedia.stale"].tp, scores["newmedia.stale"].fp) == (1, 1)
    assert scores["newmedia.unanswered"].fn == 1


def test_every_cms_family_meets_the_target_with_no_false_findings(
        quality_scan, demo_world, world_server) -> None:
    """Issue 8: precision and recall >= 0.95 per CMS family (site style), zero false findings."""
    from govinspect.demo.evaluate import evaluate_families, family_table, family_total

    families = evaluate_families(quality_scan, demo_world, world_server.base_urls,
                                 world_server.links, codes=ALL_CODES)
    print("\n" + family_table(families))
    assert set(families) == {s.style for s in demo_world.sites}  # a new style shows up by itself
    assert {"trs", "ul", "card", "hanweb", "jsp"} <= set(families)
    for style, scores in families.items():
        total = family_total(scores)
        assert total.tp >= 10, style  # every family carries planted defects
        assert total.fp == 0, (style, [f for s in scores.values() for f in s.false])
        assert total.precision >= 0.95 and total.recall >= 0.95, (style, total.as_dict())
