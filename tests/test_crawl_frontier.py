"""URL normalisation, scope and crawler-trap guards."""

from __future__ import annotations

from govinspect.crawl.frontier import Scope, TrapGuard, normalize_url, url_ext
from govinspect.settings import Settings


def test_normalize_url_variants_collapse():
    same = [
        "http://www.huainan.gov.cn/xwzx/index.html",
        "HTTP://WWW.HUAINAN.GOV.CN:80/xwzx/index.html",
        "http://www.huainan.gov.cn/xwzx/./index.html#top",
        "http://www.huainan.gov.cn/abc/../xwzx/index.html",
    ]
    assert len({normalize_url(u) for u in same}) == 1
    assert normalize_url("http://x.gov.cn/s?b=2&a=1") == normalize_url("http://x.gov.cn/s?a=1&b=2")
    assert normalize_url("http://x.gov.cn") == "http://x.gov.cn/"


def test_normalize_rejects_unfetchable():
    for bad in ("javascript:void(0)", "mailto:a@b.cn", "", "ftp://x.gov.cn/", "http://x.gov.cn:abc/", "http:///nohost"):
        assert normalize_url(bad) is None, bad


def test_normalize_encodes_chinese_and_spaces():
    assert normalize_url("http://x.gov.cn/附件 1.pdf") == "http://x.gov.cn/%E9%99%84%E4%BB%B6%201.pdf"


def test_scope_includes_www_variant():
    scope = Scope.for_url("http://www.hn.gov.cn/")
    assert scope.contains("http://hn.gov.cn/a.html")
    assert scope.contains("http://WWW.hn.gov.cn/b")
    assert not scope.contains("http://www.ah.gov.cn/")
    local = Scope.for_url("http://127.0.0.1:8101/")
    assert local.contains("http://127.0.0.1:8101/x") and not local.contains("http://127.0.0.1:8102/x")


def test_url_ext():
    assert url_ext("http://x/a/b.PDF") == "pdf"
    assert url_ext("http://x/a.b/c") == ""
    assert url_ext("http://x/index.html?x=1.pdf") == "html"


def test_traps():
    guard = TrapGuard(Settings(max_query_variants=10, max_repeated_segment=3, max_url_length=200))
    assert guard.reason("http://x/a/a/a/a/index.html") is not None
    assert guard.reason("http://x/a/b/a/index.html") is None
    assert guard.reason("http://x/" + "y" * 300) is not None
    reasons = [guard.reason(f"http://x/list?page={i}") for i in range(1, 15)]
    assert reasons[:10] == [None] * 10 and all(reasons[10:])
    # An endless calendar: month after month.
    cal = [guard.reason(f"http://x/cal?m={2019 + i // 12}-{i % 12 + 1:02d}") for i in range(40)]
    assert cal[0] is None and any(cal)


def test_pages_of_lists_count_per_list_and_record_ids_are_not_traps():
    """One list.jsp serving many columns, JCMS ?uid=&pageNum=, content.jsp?id= articles."""
    guard = TrapGuard(Settings(max_query_variants=10))
    for cat in range(8):  # 8 columns x 6 pages on one path: 48 URLs, 8 lists
        for n in range(2, 8):
            assert guard.reason(f"http://x/list.jsp?catid={cat}&pageNo={n}") is None
    assert all(guard.reason(f"http://x/col/col1/index.html?uid=9&pageNum={n}") is None
               for n in range(2, 12))
    assert guard.reason("http://x/col/col1/index.html?uid=9&pageNum=12") is not None
    assert all(guard.reason(f"http://x/content.jsp?id={500000 + n}") is None for n in range(300))
    # Many lists on one path, each reached at a page: the lists themselves are variants.
    lists = [guard.reason(f"http://x/list.do?sort=s{n}&page=2") for n in range(15)]
    assert lists[:10] == [None] * 10 and all(lists[10:])
    # Facet explosions still stop: many non-numeric combinations on one path.
    facets = [guard.reason(f"http://x/search?sort=s{n}&order=o{n}") for n in range(15)]
    assert facets[:10] == [None] * 10 and all(facets[10:])
