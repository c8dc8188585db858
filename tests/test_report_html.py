"""The HTML circular read back with selectolax: the same numbers as build_circular, self-contained, escaped."""

from __future__ import annotations

import re
import time

from selectolax.lexbor import LexborHTMLParser as HTMLParser

from govinspect.report.build import build_circular
from govinspect.report.html import write_html
from govinspect.store import open_store
from tests.cycle_support import build_cycle
from tests.report_build_support import NASTY, build_big, build_mixed
from tests.report_support import NASTY_SITE, sample_circular


def _table(doc: HTMLParser, ident: str) -> list[list[str]]:
    table = doc.css_first(f"table#{ident}")
    assert table is not None, ident
    return [[td.text(separator="\n").strip() for td in tr.css("td")] for tr in table.css("tbody tr")]


def _self_contained(doc: HTMLParser, text: str) -> None:
    assert doc.css("script") == [] and doc.css("link") == [] and doc.css("iframe") == []
    for node in doc.css("[src], [href]"):
        for attr in ("src", "href"):
            value = node.attributes.get(attr) or ""
            assert not value.startswith(("http:", "https:", "//")), value
    assert "@import" not in text and "url(" not in text


def test_html_carries_the_circulars_numbers(store, tmp_path) -> None:
    build_cycle(store)
    c = build_circular(store, "2019-10")
    path = write_html(c, tmp_path / "2019-10-通报.html")
    text = path.read_text(encoding="utf-8")
    doc = HTMLParser(text)
    assert doc.css_first("h1").text() == "关于2019年10月政府网站与政务新媒体检查情况的通报"
    assert [h.text() for h in doc.css("h2")][:3] == ["一、总体情况", "二、主要问题", "三、整改要求"]
    assert _table(doc, "annex1") == [
        ["1", "乙县人民政府", "http://b.gov.cn/", "单项否决", "1个栏目应更未更"],
        ["2", "甲市人民政府", "http://a.gov.cn/", "单项否决", "网站无法访问"],
        ["3", "甲市卫健委", "http://d.gov.cn/", "单项否决", "1处暗链或被篡改"],
        ["4", "甲市教育局", "http://c.gov.cn/", "不合格", "1个应设未设栏目"],
    ]
    head = [th.text() for th in doc.css("table#annex2 thead th")]
    assert head == ["序号", "单位", "微信公众号", "检查情况", "新浪微博", "检查情况"]
    assert _table(doc, "annex2") == [["1", "乙县", "乙县发布", "已整合(2019-10-08)", "", ""],
                                     ["2", "甲市", "甲市发布", "应更未更、账号管理人员已离职", "甲市发布", "应更未更"]]
    rates = {td.attributes["data-rate"]: td.text() for td in doc.css("td.rate")}
    assert rates == {"网站合格率": "0.0%", "政务新媒体合格率": "0.0%"}
    assert len(_table(doc, "details")) == len(c.details) == 7
    assert len(_table(doc, "carried")) == 3
    assert [r[:2] for r in _table(doc, "problem-groups")][0] == ["应更未更", "3"]
    # Charts: inline SVG, one bar pair per period with its rate in the tooltip, one bar per problem kind.
    trend = doc.css_first("svg#chart-trend")
    tips = [t.text() for t in trend.css("rect title")]
    assert tips == ["2019-08 网站合格率 60.0%", "2019-08 政务新媒体合格率 66.7%", "2019-09 网站合格率 75.0%",
                    "2019-09 政务新媒体合格率 66.7%", "2019-10 网站合格率 0.0%", "2019-10 政务新媒体合格率 0.0%"]
    bars = doc.css_first("svg#chart-problems").css("rect")
    assert len(bars) == len(c.problem_groups) == 5
    _self_contained(doc, text)


def test_names_are_escaped(store, tmp_path) -> None:
    build_mixed(store)
    path = write_html(build_circular(store, "2019-10"), tmp_path / "x.html")
    text = path.read_text(encoding="utf-8")
    assert "<script>" not in text and "<政府>" not in text
    doc = HTMLParser(text)
    rows = _table(doc, "annex1")
    assert rows[1][1] == NASTY and rows[1][2] == "http://q.gov.cn/?a=1&b=<2>"
    assert doc.css("script") == []
    sample = write_html(sample_circular(), tmp_path / "sample.html").read_text(encoding="utf-8")
    assert NASTY_SITE not in sample and [r[1] for r in _table(HTMLParser(sample), "annex1")][3] == NASTY_SITE


def test_circular_at_2000_sites(tmp_path) -> None:
    """A 2,000-site registry builds and renders in seconds (times printed; see bench/RESULTS.md)."""
    with open_store(f"sqlite:///{tmp_path / 'big.sqlite'}") as store:
        build_big(store)
        t0 = time.perf_counter()
        c = build_circular(store, "2019-10")
        t1 = time.perf_counter()
        path = write_html(c, tmp_path / "big.html")
        t2 = time.perf_counter()
    assert len(c.site_rows) == 2000 and c.summary.sites.checked == 2000 and c.summary.sites.passed == 1600
    assert [r.result for r in c.site_rows[:400]] == ["单项否决"] * 400 and c.site_rows[400].result == "合格"
    assert c.site_rows[0].description == "1个栏目应更未更、1个链接无法访问"
    assert len(c.unit_rows) == 100 and c.platforms == ["wechat", "weibo", "douyin"]
    doc = HTMLParser(path.read_text(encoding="utf-8"))
    assert len(doc.css("table#annex1 tbody tr")) == 2000 and len(doc.css("table#details tbody tr")) == 800
    assert re.search(r"网站合格率80\.0%", c.paragraphs["overview"])
    assert t2 - t0 < 60
    print(f"circular at 2,000 sites: build {t1 - t0:.2f} s, html {t2 - t1:.2f} s, {path.stat().st_size} bytes")
