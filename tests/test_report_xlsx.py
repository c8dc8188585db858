"""The Excel circular: written from the hand-made circular, read back with openpyxl and as raw XML."""

from __future__ import annotations

import re
import time
import zipfile
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from govinspect.report.view import DetailRow, SiteRow
from govinspect.report.xlsx import (
    DETAIL_HEADERS,
    HEADER_ROW,
    SITE_HEADERS,
    is_formula_like,
    write_xlsx,
)
from tests.report_support import NASTY_SITE, sample_circular

SHEETS = ["附件1", "附件2", "问题明细", "汇总"]


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_xlsx(sample_circular(), tmp_path_factory.mktemp("xlsx") / "通报.xlsx")


@pytest.fixture(scope="module")
def wb(written: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(written)


def _rows(ws, header_row: int) -> list[tuple]:
    return list(ws.iter_rows(min_row=header_row + 1, values_only=True))


def _sheet_xml(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist() if re.match(r"xl/worksheets/sheet\d+\.xml$", n)}


def test_sheets_and_headers(wb):
    assert wb.sheetnames == SHEETS
    s1 = wb["附件1"]
    assert s1["A1"].value == "附件1 政府网站检查情况"
    assert "A1:E1" in {str(r) for r in s1.merged_cells.ranges}
    assert [c.value for c in s1[2]] == SITE_HEADERS
    assert [c.value for c in wb["附件2"][2]] == ["序号", "单位", "微信公众号", "检查情况", "新浪微博", "检查情况"]
    assert [c.value for c in wb["问题明细"][1]] == DETAIL_HEADERS
    assert [c.value for c in wb["汇总"][1]] == ["类别", "登记", "检查", "合格", "不合格", "合格率"]


def test_row_counts_and_values_equal_the_view(wb):
    c = sample_circular()
    sites = _rows(wb["附件1"], HEADER_ROW["附件1"])
    assert len(sites) == len(c.site_rows) == 4
    assert [(r[0], r[1], r[2], r[3], r[4] or "") for r in sites] == \
        [(s.seq, s.name, s.url, s.result, s.description) for s in c.site_rows]
    assert sites[1][3:] == ("不合格", "3个空白栏目、2个链接无法访问")

    units = _rows(wb["附件2"], HEADER_ROW["附件2"])
    assert len(units) == len(c.unit_rows) == 3
    assert units[1] == (2, "淮南市教育局", "淮南教育发布", "超过2周未更新", None, None)
    assert units[2] == (3, "寿县人民政府办公室", "寿县政务", "合格", "寿县发布", "已关停(2019-10-08)")

    details = _rows(wb["问题明细"], HEADER_ROW["问题明细"])
    assert len(details) == len(c.details) == 9
    for row, d in zip(details, c.details, strict=True):
        assert row[0] == d.subject and row[2] == d.code_label and row[3] == d.severity_label
        assert row[4] == d.url and row[5] == d.message and row[6] == d.evidence
        assert (row[9], row[10]) == (d.status_label, d.review_label)
    assert details[0][9] == "上期未整改" and details[0][3] == "单项否决"


def test_several_accounts_share_one_wrapped_cell(tmp_path):
    from govinspect.report.view import AccountCell

    c = sample_circular()
    c.unit_rows[0].accounts["wechat"].append(AccountCell("淮南发布2", "超过2周未更新", False))
    ws = openpyxl.load_workbook(write_xlsx(c, tmp_path / "a.xlsx"))["附件2"]
    assert ws["C3"].value == "淮南发布\n淮南发布2"
    assert ws["D3"].value == "合格\n超过2周未更新"
    assert ws["C3"].alignment.wrap_text


def test_summary_figures_and_rates(wb):
    c = sample_circular()
    rows = {r[0]: r for r in _rows(wb["汇总"], 1)}
    assert rows["网站"] == ("网站", 4, 4, 2, 2, 0.5)
    assert rows["政务新媒体"] == ("政务新媒体", 5, 4, 3, 1, 0.75)
    assert rows["网站"][5] == c.summary.sites.rate and rows["政务新媒体"][5] == c.summary.accounts.rate
    assert rows["  门户网站"][5] == 0 and rows["  新浪微博"][1:5] == (2, 2, 1, 1)
    ws = wb["汇总"]
    assert ws["F2"].number_format == "0.00%" and isinstance(ws["F2"].value, float)


def test_urls_are_hyperlinks_only_for_http(tmp_path, wb):
    ws = wb["问题明细"]
    assert ws["E2"].hyperlink is not None and ws["E2"].hyperlink.target == "http://www.huainan.gov.cn/xwdt/"
    assert ws["E2"].style == "Hyperlink"
    assert ws["E9"].value is None and ws["E9"].hyperlink is None  # the account has no URL
    assert wb["附件1"]["C3"].hyperlink.target == "http://www.huainan.gov.cn/"

    c = sample_circular()
    c.details = [replace(c.details[0], url="javascript:alert(1)"), replace(c.details[1], url="=cmd|' /C calc'!A0")]
    ws = openpyxl.load_workbook(write_xlsx(c, tmp_path / "l.xlsx"))["问题明细"]
    assert ws["E2"].value == "javascript:alert(1)" and ws["E2"].hyperlink is None
    assert ws["E3"].value == "=cmd|' /C calc'!A0" and ws["E3"].hyperlink is None


def test_frozen_filtered_fitted_and_printable(wb):
    for name in SHEETS:
        ws = wb[name]
        top = HEADER_ROW[name]
        assert ws.freeze_panes == f"A{top + 1}", name
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith(f"A{top}:"), name
        assert ws.print_title_rows, name
    assert wb["问题明细"].auto_filter.ref == "A1:K10"
    assert wb["问题明细"].page_setup.orientation == "landscape"
    ws = wb["问题明细"]
    # 问题描述 holds long Chinese text: wider than Excel's default (8.43) and the short 严重程度 column
    assert ws.column_dimensions["F"].width > 30 > ws.column_dimensions["D"].width > 8.43
    assert all(ws.column_dimensions[col].width <= 60 for col in "ABCDEFGHIJK")
    assert wb["附件1"].column_dimensions["E"].width >= 2 * len("3个空白栏目、2个链接无法访问") - 2


def test_dates_are_dates(wb):
    ws = wb["问题明细"]
    for ref in ("H2", "I2"):
        assert isinstance(ws[ref].value, datetime) and ws[ref].number_format == "yyyy-mm-dd"
    assert ws["H2"].value.date() == date(2019, 9, 20) and ws["I2"].value.date() == date(2019, 10, 20)


def test_formula_like_text_is_stored_as_text(written, wb):
    assert is_formula_like(NASTY_SITE) and is_formula_like("+SUM(A1)") and is_formula_like("\tx")
    assert not is_formula_like("淮南市人民政府")
    nasty = wb["附件1"]["B6"]
    assert nasty.value == NASTY_SITE and nasty.data_type == "s" and nasty.quotePrefix
    msg = wb["问题明细"]["F10"]
    assert msg.value == "+SUM(A1:A9) 页面出现错别字" and msg.data_type == "s" and msg.quotePrefix
    xml = _sheet_xml(written)
    assert len(xml) == 4
    for name, text in xml.items():
        assert not re.search(r"<f[ >/]", text), name
    assert any("=HYPERLINK(&quot;http://evil&quot;)&amp;&lt;b&gt;" in t or
               '=HYPERLINK("http://evil")&amp;&lt;b&gt;' in t for t in xml.values())


def test_illegal_xml_characters_are_dropped(tmp_path):
    c = sample_circular()
    c.site_rows[0] = replace(c.site_rows[0], name="淮南\x00市\x1b人民政府\x07", description="=1+1\x0b")
    c.details[0] = replace(c.details[0], evidence="bad\x01bytes\x1f")
    path = write_xlsx(c, tmp_path / "x.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb["附件1"]["B3"].value == "淮南市人民政府"
    assert wb["附件1"]["E3"].value == "=1+1" and wb["附件1"]["E3"].data_type == "s"
    assert wb["问题明细"]["G2"].value == "badbytes"
    assert not any(re.search(r"<f[ >/]", t) for t in _sheet_xml(path).values())


def test_an_empty_period_still_has_every_sheet_and_header(tmp_path):
    c = sample_circular()
    c.site_rows, c.unit_rows, c.details, c.platforms = [], [], [], []
    c.summary.sites_by_level, c.summary.accounts_by_platform = {}, {}
    path = write_xlsx(c, tmp_path / "new" / "dir" / "empty.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == SHEETS
    assert [c.value for c in wb["附件2"][2]] == ["序号", "单位"]
    assert wb["附件1"].max_row == 2 and wb["问题明细"].max_row == 1
    assert wb["附件1"].auto_filter.ref == "A2:E2" and wb["问题明细"].freeze_panes == "A2"


def test_long_text_is_capped_in_width_and_long_urls_stay_text(tmp_path):
    c = sample_circular()
    long_url = "http://www.ft.gov.cn/" + "a" * 2100
    c.details[0] = replace(c.details[0], message="很长的问题描述" * 100, url=long_url)
    ws = openpyxl.load_workbook(write_xlsx(c, tmp_path / "w.xlsx"))["问题明细"]
    assert ws.column_dimensions["F"].width == 60
    assert ws["E2"].value == long_url and ws["E2"].hyperlink is None


def test_two_thousand_sites_and_ten_thousand_findings(tmp_path):
    c = sample_circular()
    base = c.details[1]
    c.site_rows = [SiteRow(i, f"测试网站{i}", f"https://site{i}.gov.cn/", "合格" if i % 3 else "不合格",
                           "" if i % 3 else f"{i % 7}个链接无法访问") for i in range(1, 2001)]
    c.details = [DetailRow(f"测试网站{i % 2000 + 1}", "site", "测试办公室", base.code, base.code_label, base.severity,
                           base.severity_label, f"https://site{i % 2000 + 1}.gov.cn/p{i}.html", f"链接无法访问 {i}",
                           "status=404", date(2019, 9, 1), date(2019, 10, 1), "未整改", "待审核")
                 for i in range(10_000)]
    start = time.perf_counter()
    path = write_xlsx(c, tmp_path / "big.xlsx")
    elapsed = time.perf_counter() - start
    print(f"\nxlsx: 2,000 sites + 10,000 findings written in {elapsed:.2f} s ({path.stat().st_size // 1024} KiB)")
    wb = openpyxl.load_workbook(path, read_only=True)
    sites = list(wb["附件1"].iter_rows(min_row=3, values_only=True))
    details = list(wb["问题明细"].iter_rows(min_row=2, values_only=True))
    assert len(sites) == 2000 and sites[-1][:3] == (2000, "测试网站2000", "https://site2000.gov.cn/")
    assert len(details) == 10_000 and details[-1][5] == "链接无法访问 9999"
    wb.close()
    wb = openpyxl.load_workbook(path)
    assert wb["问题明细"].auto_filter.ref == "A1:K10001"
    assert wb["问题明细"]["E10001"].hyperlink.target == "https://site2000.gov.cn/p9999.html"
