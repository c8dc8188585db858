"""The circular as Word: structure read back with python-docx, and the text of a LibreOffice rendering."""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from dataclasses import replace
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from govinspect.report.docx import FONTCONFIG_ALIASES, percent, write_docx
from govinspect.report.view import AccountCell, SiteRow

from .report_support import NASTY_SITE, sample_circular


def test_structure_tables_headers_fonts_and_page_field(tmp_path: Path) -> None:
    c = sample_circular()
    path = write_docx(c, tmp_path / "c.docx")
    d = docx.Document(str(path))
    s = d.sections[0]
    assert (round(s.top_margin.mm), round(s.bottom_margin.mm), round(s.left_margin.mm),
            round(s.right_margin.mm)) == (37, 35, 28, 26)
    assert round(s.page_width.mm) == 210 and round(s.page_height.mm) == 297
    texts = [p.text for p in d.paragraphs]
    assert texts[0] == "淮南市人民政府办公室"
    assert c.title in texts
    for heading in ("一、总体情况", "二、主要问题", "三、整改要求", "附件1", "附件2",
                    "政府网站检查情况", "政务新媒体检查情况"):
        assert heading in texts
    body = "\n".join(texts)
    assert "网站合格率50.0%" in body and "政务新媒体合格率75.0%" in body
    assert "于2019年11月15日前完成整改" in body and "上期未整改" in body
    assert "工作动态 栏目 2019-09-01 后未更新" in body
    assert "人工审核的有3条" in body and "2019年10月25日" in body
    assert "寿县发布" in body and "2019年10月8日关停" in body
    # The red issuing-office mark and the red line under it.
    head = d.paragraphs[0]
    assert str(head.runs[0].font.color.rgb) == "FF0000"
    assert head._p.find(qn("w:pPr")).find(qn("w:pBdr")).find(qn("w:bottom")).get(qn("w:color")) == "FF0000"
    # Fonts by East-Asian name: body 仿宋 16 pt on a 28 pt line, headings 黑体 and 楷体.
    east = {r.text: r._r.rPr.rFonts.get(qn("w:eastAsia")) for p in d.paragraphs for r in p.runs if r.text}
    assert head.runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    assert east[c.title] == "方正小标宋简体"
    assert east["一、总体情况"] == "黑体"
    assert east["（一）政府网站。"] == "楷体_GB2312"
    assert d.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert d.styles["Normal"].font.size.pt == 16
    overview = next(p for p in d.paragraphs if p.text.startswith("单项否决的网站"))
    assert overview.paragraph_format.line_spacing.pt == 28
    assert overview.paragraph_format.first_line_indent.pt == 32
    # Page numbers: a PAGE field in the footer between dashes.
    footer = s.footer.paragraphs[0]
    assert "PAGE" in "".join(t.text for t in footer._p.iter(qn("w:instrText")))
    assert footer.text.startswith("— ") and footer.text.endswith(" —")
    # Attachments: each in its own section (new page), header rows repeated.
    assert len(d.sections) == 3
    sites, units = d.tables
    assert [cell.text for cell in sites.rows[0].cells] == ["序号", "网站名称", "网址", "检查结果", "问题描述"]
    assert [cell.text for cell in units.rows[0].cells] == ["序号", "单位", "微信公众号", "检查情况", "新浪微博", "检查情况"]
    for t in (sites, units):
        assert t.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert len(sites.rows) == 1 + 4 and len(units.rows) == 1 + 3
    assert [cell.text for cell in sites.rows[2].cells] == [
        "2", "凤台县人民政府", "http://www.ft.gov.cn/", "不合格", "3个空白栏目、2个链接无法访问"]
    assert sites.rows[4].cells[1].text == NASTY_SITE
    assert [cell.text for cell in units.rows[2].cells] == ["2", "淮南市教育局", "淮南教育发布", "超过2周未更新", "/", "/"]


def test_several_accounts_one_per_line_and_wide_tables_landscape(tmp_path: Path) -> None:
    c = sample_circular()
    c.unit_rows[0].accounts["wechat"].append(AccountCell("淮南政务服务", "合格"))
    c.platforms.append("douyin")
    c.platform_labels["douyin"] = "抖音"
    d = docx.Document(str(write_docx(c, tmp_path / "c.docx")))
    units = d.tables[1]
    cell = units.rows[1].cells[2]
    assert [p.text for p in cell.paragraphs] == ["淮南发布", "淮南政务服务"]
    assert [p.text for p in units.rows[1].cells[3].paragraphs] == ["合格", "合格"]
    assert units.rows[0].cells[6].text == "抖音"
    assert d.sections[2].page_width > d.sections[2].page_height
    assert d.sections[0].page_width < d.sections[0].page_height


def test_control_characters_are_stripped_not_fatal(tmp_path: Path) -> None:
    c = sample_circular()
    c.site_rows.append(SiteRow(5, "坏\x0b名\x01字", "http://x.gov.cn/\x00", "合格", ""))
    c = replace(c, issuer="淮南市\x0c人民政府办公室")
    d = docx.Document(str(write_docx(c, tmp_path / "c.docx")))
    row = d.tables[0].rows[5]
    assert row.cells[1].text == "坏名字" and row.cells[2].text == "http://x.gov.cn/"
    assert d.paragraphs[0].text == "淮南市人民政府办公室"


def test_ready_paragraphs_win_and_rates_print_as_percent(tmp_path: Path) -> None:
    c = replace(sample_circular(), paragraphs={"overview": "第一段。\n第二段。", "requirements": "请立即整改。"})
    texts = [p.text for p in docx.Document(str(write_docx(c, tmp_path / "c.docx"))).paragraphs]
    assert "第一段。" in texts and "第二段。" in texts and "请立即整改。" in texts
    assert not any("网站合格率" in t for t in texts)
    assert (percent(0.5), percent(0.75), percent(None), percent(1.0)) == ("50.0%", "75.0%", "—", "100.0%")


def render_pdf(docx_path: Path, out: Path) -> Path:
    """Convert with LibreOffice headless in a private profile, the official fonts aliased to Noto."""
    conf = out / "fonts.conf"
    conf.write_text(FONTCONFIG_ALIASES, encoding="utf-8")
    env = {**os.environ, "FONTCONFIG_FILE": str(conf), "HOME": str(out)}
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{out / 'profile'}", "--headless",
         "--convert-to", "pdf", "--outdir", str(out), str(docx_path)],
        check=True, capture_output=True, timeout=120, env=env,
    )
    return out / (docx_path.stem + ".pdf")


def test_libreoffice_renders_the_circular(tmp_path: Path) -> None:
    if not shutil.which("soffice") or not shutil.which("pdftotext"):
        if os.environ.get("CI"):
            pytest.fail("soffice/pdftotext missing on CI: .ci/run must install libreoffice-writer-nogui and poppler-utils")
        pytest.skip("LibreOffice (soffice) or pdftotext not installed: apt-get install libreoffice-writer-nogui fonts-noto-cjk poppler-utils")
    c = sample_circular()
    pdf = render_pdf(write_docx(c, tmp_path / "circular.docx"), tmp_path)
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True,
                          text=True, timeout=60).stdout
    flat = "".join(text.split())  # the renderer breaks lines and spaces CJK from Latin
    assert "".join(c.title.split()) in flat
    for needle in ("附件1", "附件2", "政府网站检查情况", "政务新媒体检查情况", "网站合格率50.0%",
                   "政务新媒体合格率75.0%", "淮南市人民政府", "凤台县人民政府", "寿县人民政府",
                   "淮南教育发布", "—1—"):
        assert needle in flat, needle
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, timeout=60).stdout
    assert "CJK" in fonts  # the CJK text is drawn with a CJK face, not boxes


def test_font_table_names_noto_alternatives_and_large_registry(tmp_path: Path) -> None:
    c = sample_circular()
    c.site_rows = [SiteRow(i, f"网站{i}", f"http://s{i}.gov.cn/", "合格", "") for i in range(1, 2001)]
    path = write_docx(c, tmp_path / "c.docx")
    with zipfile.ZipFile(path) as z:
        fonts = z.read("word/fontTable.xml").decode("utf-8")
    assert 'w:name="仿宋_GB2312"><w:altName w:val="Noto Serif CJK SC"/>' in fonts
    assert 'w:name="黑体"><w:altName w:val="Noto Sans CJK SC"/>' in fonts
    table = docx.Document(str(path)).tables[0]
    assert len(table.rows) == 2001 and table.rows[2000].cells[1].text == "网站2000"
