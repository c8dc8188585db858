"""Issue 13: the link graph is one row per page; who links to a target is indexed only when asked.

A site of 100,000 pages has millions of links; format 1 stored a row and an index entry for
each, and building that index after the crawl took about 100 MB. Now each page's targets are
one row, and the checks' questions (``referrers``, ``referrer_count``) are answered from an
index of the targets that failed or leave the site, or by a scan for any other target.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

from govinspect.model import LinkStatus, Page, SiteEntry
from govinspect.snapshot import FORMAT_VERSION, Snapshot

SITE = SiteEntry(name="某县人民政府", url="http://www.example.gov.cn/")
HOME = SITE.url
A = "http://www.example.gov.cn/xwdt/a.html"
A_QUERY = "http://www.example.gov.cn/xwdt/a.html?x=1"
DEAD = "http://www.example.gov.cn/xwdt/deleted.html"
EXTERNAL = "http://www.other.com.cn/"


def build(path: Path | str = ":memory:") -> Snapshot:
    snap = Snapshot(SITE, path, as_of=date(2019, 10, 20))
    pages = [(HOME, 0), ("http://www.example.gov.cn/xwdt/", 1), ("http://www.example.gov.cn/xwdt/index_1.html", 1),
             (A, 2)]
    for url, depth in pages:
        snap.add_page(Page(url=url, final_url=url, status=200, depth=depth, content_type="text/html"), home=url == HOME)
        snap.set_target(LinkStatus(url, 200, None, None, True, "GET"))
    snap.add_links(HOME, ["http://www.example.gov.cn/xwdt/", A, EXTERNAL])
    snap.add_links("http://www.example.gov.cn/xwdt/index_1.html", [A_QUERY, DEAD, HOME])
    snap.add_links("http://www.example.gov.cn/xwdt/", [DEAD, A, EXTERNAL])
    snap.add_links(A, [HOME])
    snap.set_target(LinkStatus(DEAD, 404, None, None, True, "HEAD"))
    snap.set_target(LinkStatus(EXTERNAL, 200, None, None, False, "HEAD"))
    snap.set_target(LinkStatus(A_QUERY, 200, None, None, True, "GET"))
    return snap


def test_referrers_of_failed_external_and_ordinary_targets():
    snap = build()
    # Broken and external targets come from the index built at the first question.
    assert snap.referrers(DEAD) == ["http://www.example.gov.cn/xwdt/", "http://www.example.gov.cn/xwdt/index_1.html"]
    assert snap.referrer_count(DEAD) == 2
    assert snap.referrers(EXTERNAL) == [HOME, "http://www.example.gov.cn/xwdt/"]
    assert snap.referrers(DEAD, 1) == ["http://www.example.gov.cn/xwdt/"]
    # An internal page answering 200 is not indexed: a scan gives the same answer, exact
    # URLs only (a.html is not a.html?x=1).
    assert snap.referrers(A) == [HOME, "http://www.example.gov.cn/xwdt/"] and snap.referrer_count(A) == 2
    assert snap.referrers(A_QUERY) == ["http://www.example.gov.cn/xwdt/index_1.html"]
    assert snap.referrers(HOME) == ["http://www.example.gov.cn/xwdt/index_1.html", A]  # depth 1 before depth 2
    assert snap.referrers("http://www.example.gov.cn/never.html") == []
    assert snap.referrer_count("http://www.example.gov.cn/never.html") == 0
    # Links written after a question are seen by the next one.
    snap.add_links("http://www.example.gov.cn/late.html", [DEAD])
    assert snap.referrer_count(DEAD) == 3
    snap.close()


def test_a_kept_file_answers_the_same_and_format_1_files_still_read(tmp_path: Path):
    path = tmp_path / "s.sqlite"
    snap = build(path)
    snap.save()
    expected = {t: (snap.referrers(t), snap.referrer_count(t)) for t in (DEAD, EXTERNAL, A, HOME)}
    snap.close()
    back = Snapshot.open(path)
    assert {t: (back.referrers(t), back.referrer_count(t)) for t in expected} == expected
    back.close()
    assert FORMAT_VERSION == 2
    # The same file rewritten in format 1 (a row per link, no outlinks) is read as before.
    db = sqlite3.connect(path)
    rows = [(s, t) for s, joined in db.execute("SELECT source, targets FROM outlinks") for t in joined.split("\n")]
    db.execute("DELETE FROM outlinks")
    db.executemany("INSERT INTO links VALUES (?,?)", rows)
    db.execute("UPDATE meta SET value=? WHERE key='format_version'", (json.dumps(1),))
    db.commit()
    db.close()
    old = Snapshot.open(path)
    assert {t: (old.referrers(t), old.referrer_count(t)) for t in expected} == expected
    old.close()


def test_one_row_per_page_not_per_link(tmp_path: Path):
    path = tmp_path / "s.sqlite"
    snap = build(path)
    snap.save()
    snap.close()
    db = sqlite3.connect(path)
    assert db.execute("SELECT COUNT(*) FROM outlinks").fetchone()[0] == 4
    assert db.execute("SELECT COUNT(*) FROM links").fetchone()[0] == 0
    db.close()
