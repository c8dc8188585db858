"""The three formats carry the same numbers: docx, xlsx and html against build_circular (runs once all are merged)."""

from __future__ import annotations

import pytest

from govinspect.report.build import build_circular, pct
from tests.cycle_support import build_cycle

docx_writer = pytest.importorskip("govinspect.report.docx")
xlsx_writer = pytest.importorskip("govinspect.report.xlsx")


def test_docx_xlsx_html_agree(store, tmp_path) -> None:
    import docx
    import openpyxl
    from selectolax.lexbor import LexborHTMLParser

    from govinspect.report.html import write_html

    build_cycle(store)
    c = build_circular(store, "2019-09")
    d = docx_writer.write_docx(c, tmp_path / "c.docx")
    x = xlsx_writer.write_xlsx(c, tmp_path / "c.xlsx")
    h = write_html(c, tmp_path / "c.html")
    names = [r.name for r in c.site_rows]
    results = [r.result for r in c.site_rows]
    rates = [pct(c.summary.site_pass_rate), pct(c.summary.account_pass_rate)]
    # Hand counts of the fixture month (tests/cycle_support.py): 3 of 4 sites pass, 2 of 3 accounts.
    assert list(zip(names, results, strict=True)) == [
        ("乙县人民政府", "单项否决"), ("甲市人民政府", "合格"), ("甲市卫健委", "合格"), ("甲市教育局", "合格")]
    assert rates == ["75.0%", "66.7%"]
    # HTML
    doc = LexborHTMLParser(h.read_text(encoding="utf-8"))
    annex1 = [[td.text().strip() for td in tr.css("td")] for tr in doc.css("table#annex1 tbody tr")]
    assert [r[1] for r in annex1] == names and [r[3] for r in annex1] == results
    assert [td.text() for td in doc.css("td.rate")] == rates
    # Word: every table cell and paragraph as text
    wd = docx.Document(str(d))
    text = "\n".join(p.text for p in wd.paragraphs)
    cells = [cell.text.strip() for t in wd.tables for row in t.rows for cell in row.cells]
    assert c.title in text.replace("\n", "")
    assert all(rate in text or rate in cells for rate in rates)
    assert all(n in cells for n in names)
    # Excel: 附件1 rows in order, 问题明细 one row per detail
    wb = openpyxl.load_workbook(x)
    values = [[str(v) if v is not None else "" for v in row] for row in wb["附件1"].iter_rows(values_only=True)]
    found = [row for row in values if any(v in names for v in row)]
    assert [next(v for v in row if v in names) for row in found] == names
    assert [next(v for v in row if v in results) for row in found] == results
    detail_rows = [row for row in wb["问题明细"].iter_rows(values_only=True) if any(row)]
    assert len(detail_rows) - xlsx_writer.HEADER_ROW["问题明细"] == len(c.details)
    assert [d.message for d in c.details] == [row[5] for row in detail_rows[1:]]
