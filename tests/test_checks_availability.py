"""site.unreachable and the crawl.incomplete notices."""

from __future__ import annotations

from govinspect.checks import availability, run_checks
from govinspect.model import Page

from .checks_support import HOME, ctx, snapshot


def run(snap):
    return list(availability.check(snap, ctx()))


def test_reachable_site_is_quiet():
    assert run(snapshot()) == []


def test_refused_home_is_unreachable_veto_plus_notice():
    snap = snapshot()
    snap.home.status, snap.home.error = None, "refused"  # type: ignore[union-attr]
    found = run(snap)
    assert [f.code for f in found] == ["site.unreachable", "crawl.incomplete"]
    assert found[0].severity == "veto" and found[0].evidence == {"error": "refused"}
    assert found[1].severity == "notice" and found[1].evidence["error"]


def test_http_500_home_is_unreachable_with_status():
    snap = snapshot()
    snap.home.status = 500  # type: ignore[union-attr]
    [unreach, notice] = run(snap)
    assert unreach.evidence == {"status": 500} and "HTTP 500" in unreach.message


def test_huge_home_is_a_notice_not_unreachable():
    snap = snapshot()
    snap.home.error, snap.home.error_detail = "too_large", "内容超过上限"  # type: ignore[union-attr]
    [f] = run(snap)
    assert f.code == "crawl.incomplete" and f.severity == "notice" and "页面过大" in f.evidence["error"]


def test_unreadable_pages_and_traps_are_summarised():
    bad = Page(url=f"{HOME}big.html", status=200, error="too_large")
    snap = snapshot(pages=[bad])
    snap.stats.traps, snap.stats.trap_samples = 3, ["http://x/cal?m=2099-01: 疑似无限日历"]
    found = run(snap)
    assert {f.evidence["error"] for f in found} >= {"crawler trap"}
    [pages] = [f for f in found if f.evidence.get("count") == 1]
    assert pages.url == f"{HOME}big.html"


def test_a_crashing_check_becomes_a_notice(monkeypatch):
    import govinspect.checks.links as links

    def boom(snap, c):
        raise RuntimeError("解析失败")

    monkeypatch.setattr(links, "check", boom)
    found = run_checks(snapshot(), ctx(), ["links", "availability"])
    [f] = found
    assert f.code == "crawl.incomplete" and f.evidence["check"] == "links" and "解析失败" in f.evidence["error"]


def test_reading_only_the_pages_it_can_use_finds_what_every_page_gives():
    """The visitor names the fields that make a page matter (``having``); run alone or with another
    such visitor it reads only those pages, and its findings are what visiting every page gives."""
    from govinspect.checks.base import _having, walk

    pages = [Page(url=f"{HOME}a/{i}.html", status=200, content_type="text/html", depth=2) for i in range(30)]
    pages[7].decode_problem = "部分内容无法按 GBK 解码"
    pages[12].error, pages[20].error = "binary", "decode"
    pages[25].status = 404
    snap = snapshot(pages=pages)
    every = availability.visitor(snap, ctx())
    for page in snap.pages():
        every.visit(page)
    expected = list(every.finish())
    assert {f.evidence["error"] for f in expected} >= {"encoding"} and any(f.evidence.get("count") == 2 for f in expected)
    assert walk(snap, availability.visitor(snap, ctx())) == expected
    assert run_checks(snap, ctx(), ["availability"]) == expected
    assert _having([availability.visitor(snap, ctx())]) == ("error", "decode_problem")
    assert _having([availability.visitor(snap, ctx()), object()]) == ()  # one wants every page
