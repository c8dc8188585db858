"""The read pages served for real: overview, sites, accounts, availability, evidence, for every role."""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser as HTMLParser


def _doc(r) -> HTMLParser:
    assert r.status_code == 200, (r.status_code, r.text[:500])
    return HTMLParser(r.text)


def _rows(doc: HTMLParser, css: str) -> list[list[str]]:
    table = doc.css_first(css)
    assert table is not None, css
    return [[td.text(separator=" ").strip() for td in tr.css("td")] for tr in table.css("tbody tr")]


def test_overview_for_a_supervisor_shows_the_period(web):
    c = web.client("sup")
    doc = _doc(c.get("/", params={"period": "2019-10"}))
    assert doc.css_first("[data-testid=site-rate]").text().startswith("0.0%")
    failing = _rows(doc, "table#failing-sites")
    names = [r[0] for r in failing]
    assert names[:2] == ["甲市人民政府", "乙县人民政府"] or set(names) >= {"甲市人民政府", "乙县人民政府"}
    s2 = next(r for r in failing if r[0] == "乙县人民政府")
    assert s2[2] == "单项否决" and "栏目应更未更" in s2[4]
    assert doc.css_first("svg#chart-trend") is not None and doc.css_first("svg#chart-problems") is not None
    latest = _doc(c.get("/"))
    assert latest.css_first("select[name=period] option[selected]").text() == "2019-11"
