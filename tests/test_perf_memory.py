"""What the checks keep while they walk a site stays bounded as the site grows (issue 13, flat memory)."""

from __future__ import annotations

from pathlib import Path

from govinspect.checks import run_checks, services
from govinspect.checks.hijack import Judge
from govinspect.model import Page
from govinspect.snapshot import ScratchMap, Snapshot
from govinspect.urls import normalize_url

from .checks_support import AS_OF, HOME, SITE, ctx


def _site(pages: int, path: Path | str = ":memory:") -> Snapshot:
    """A home page and ``pages`` article pages that no service list names (each a 'bare' page)."""
    snap = Snapshot(SITE, path)
    snap.add_page(Page(url=HOME, status=200, content_type="text/html", title="示例市人民政府",
                       text="首页 政务公开 办事服务"), home=True)
    for i in range(pages):
        snap.add_page(Page(url=f"{HOME}xwdt/{i:05d}.html", depth=2, status=200, content_type="text/html",
                           title=f"关于开展安全生产大检查的通知{i}", text="为切实做好安全生产工作，现将有关事项通知如下。"))
    return snap


def test_scratch_map_is_a_map_kept_in_the_database() -> None:
    snap = Snapshot(SITE)
    first, second = snap.scratch(), snap.scratch()
    for i in range(1000):
        first[f"k{i}"] = (f"http://a/{i}", "标题", i % 2 == 0)
    first["k7"] = ("again", "新标题", None)
    first["none"] = None
    assert len(first) == 1001
    assert len(first._pending) < ScratchMap.BATCH  # the rest is in the table, not in Python
    assert first.get("k8") == ["http://a/8", "标题", True]  # JSON: tuples come back as lists
    assert first.get("k7") == ["again", "新标题", None]  # the last value written wins
    assert "none" in first and first.get("none", "absent") is None
    assert "k1000" not in first and first.get("k1000") is None and 5 not in first
    assert len(second) == 0 and "k8" not in second  # each map is its own table
    first.close()
    assert len(second) == 0
    snap.close()
    second.close()  # after the connection: nothing left to drop


def test_services_keeps_its_per_page_state_out_of_memory() -> None:
    snap = _site(1500)
    visitor = services.visitor(snap, ctx())
    for page in snap.pages():
        visitor.visit(page)
    assert len(visitor.bare) >= 1500  # every article page is remembered ...
    assert len(visitor.bare._pending) < ScratchMap.BATCH  # ... in the snapshot's database
    assert visitor.bare.get(f"{HOME}xwdt/00042.html") == [f"{HOME}xwdt/00042.html", "关于开展安全生产大检查的通知42", None]
    assert [f.code for f in visitor.finish()] == ["crawl.incomplete"]  # nothing to judge on this site
    snap.close()


def test_a_saved_snapshot_walks_its_pages_along_an_index(tmp_path: Path) -> None:
    snap = _site(300, tmp_path / "s.sqlite")
    snap.add_page(Page(url=f"{HOME}a.html", depth=1, status=200, content_type="text/html"))
    before = [p.url for p in snap.pages()]
    sql = "EXPLAIN QUERY PLAN SELECT data FROM pages ORDER BY depth, url"
    assert any("TEMP B-TREE" in str(row) for row in snap._db.execute(sql))  # not saved yet: sorted
    snap.save()
    assert not any("TEMP B-TREE" in str(row) for row in snap._db.execute(sql))
    snap.close()
    with Snapshot.open(tmp_path / "s.sqlite") as kept:
        assert [p.url for p in kept.pages()] == before == [HOME, f"{HOME}a.html", *before[2:]]
        assert len(run_checks(kept, ctx(), ("services",))) == 1


def test_url_caches_stay_small_and_answer_as_without_them() -> None:
    urls = [f"http://www.example.gov.cn/xwdt/{i}.html?id={i}" for i in range(10000)]
    plain = [normalize_url.__wrapped__(u) for u in urls]
    assert [normalize_url(u) for u in urls] == plain
    assert normalize_url.cache_info().currsize <= 4096
    judge = Judge(frozenset({"www.example.gov.cn"}), frozenset({"example.gov.cn"}))
    hosts = [f"http://s{i}.example.com/x.js" for i in range(10000)]
    assert [judge.foreign(u) for u in hosts] == [judge._judge_foreign(u) for u in hosts]
    assert len(judge._foreign) <= 4096


def test_columns_streamed_load_back_only_what_they_show_and_match_holding_them() -> None:
    from datetime import date

    from govinspect.extract.columns import build_columns
    from govinspect.model import Link, ListItem

    def item(col: str, i: int) -> ListItem:
        return ListItem(f"关于{col}工作的通知{i}", f"{HOME}{col}/a{i}.html", date(2019, 9, 1 + i % 28))

    home = Page(url=HOME, status=200, content_type="text/html", title="示例市人民政府",
                links=[Link(f"{HOME}{c}/", n, "a", True) for c, n in (("tzgg", "通知公告"), ("zwyw", "政务要闻"))])
    pages = []
    for col in ("tzgg", "zwyw"):
        for p in range(6):  # six pages of 50 items: more than max_items
            url = f"{HOME}{col}/" + ("" if p == 0 else f"index_{p}.html")
            pages.append(Page(url=url, final_url=url, depth=1, status=200, content_type="text/html",
                              title=f"{col} 列表", items=[item(col, p * 50 + i) for i in range(50)],
                              next_page=f"{HOME}{col}/index_{p + 1}.html" if p < 5 else None))
    pages.append(Page(url=f"{HOME}zwgk/", final_url=f"{HOME}zwgk/", depth=1, status=200, content_type="text/html",
                      title="政务公开", items=[item("tzgg", i) for i in range(5)] + [item("zwyw", i) for i in range(5)]))
    stored = {p.url: p for p in pages}
    loads: list[str] = []

    def load(url: str) -> Page | None:
        loads.append(url)
        return stored.get(url)

    twice = build_columns(home, iter(pages), AS_OF, load=load)
    # Only the first four pages of each column (50 items each, 200 shown) are read back.
    assert sorted(loads) == sorted(f"{HOME}{col}/" + ("" if p == 0 else f"index_{p}.html")
                                   for col in ("tzgg", "zwyw") for p in range(4))
    assert twice == build_columns(home, pages, AS_OF)
    assert sorted((c.url, c.item_count, len(c.items)) for c in twice) == [
        (f"{HOME}tzgg/", 300, 200), (f"{HOME}zwyw/", 300, 200)]  # the preview page is no column


def test_the_crawls_url_set_answers_as_a_set_of_strings_and_holds_no_string():
    import random
    import sys

    from govinspect.crawl.frontier import UrlSet

    rng = random.Random(13)
    urls = [f"http://www.example.gov.cn/col/col{rng.randrange(10**4)}/art_{i}.html?page={rng.randrange(50)}"
            for i in range(20_000)]
    kept, plain = UrlSet(), set()
    for url in urls[::2]:
        kept.add(url)
        plain.add(url)
    assert len(kept) == len(plain)
    assert all((u in kept) == (u in plain) for u in urls)
    assert "" not in kept and None not in kept and 1 not in kept
    url = "http://www.example.gov.cn/新闻/网站.html"
    kept.add(url)
    assert url in kept and "".join(url) in kept  # equal strings, another object
    # the hashes the crawl's link loop reads directly answer the same
    assert all((hash(u) in kept.hashes) == (u in kept) for u in urls + [url])
    # no string is held: the set's ints weigh far less than the URLs they stand for
    ints = sum(sys.getsizeof(h) for h in kept.hashes)
    strings = sum(sys.getsizeof(u) for u in plain)
    assert ints < strings / 2
