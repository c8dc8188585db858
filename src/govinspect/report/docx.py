"""The circular as an official Word document (GB/T 9704 in spirit), laid out from the view-model.

Layout per GB/T 9704-2012 《党政机关公文格式》: A4, margins top 37 mm, bottom 35 mm, left 28 mm,
right 26 mm; a red issuing-office mark over a red line; the title in 小标宋 二号; the body in
仿宋_GB2312 三号 (16 pt) on a fixed 28 pt line; first-level headings in 黑体, second-level in
楷体; page numbers "— 1 —" in the footer. The official font names are written as they are
(Word on an office PC has them); on Debian the fontconfig aliases of ``FONTCONFIG_ALIASES``
map them onto Noto CJK, and each font also names its Noto alternative in the font table.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

from ..store.summary import LEVEL_LABELS
from .view import Circular, UnitRow

# The official font names (GB/T 9704 7.1) and the Noto CJK face that stands in for each on Debian.
XIAOBIAOSONG = "方正小标宋简体"
FANGSONG = "仿宋_GB2312"
HEITI = "黑体"
KAITI = "楷体_GB2312"
SONGTI = "宋体"
FALLBACKS = {
    XIAOBIAOSONG: "Noto Serif CJK SC",
    FANGSONG: "Noto Serif CJK SC",
    HEITI: "Noto Sans CJK SC",
    KAITI: "Noto Serif CJK SC",
    SONGTI: "Noto Serif CJK SC",
}

# A fontconfig file (for FONTCONFIG_FILE) that makes LibreOffice render the official names with Noto.
FONTCONFIG_ALIASES = (
    '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
    "  <include ignore_missing=\"yes\">/etc/fonts/fonts.conf</include>\n"
    + "".join(
        f"  <alias binding=\"same\"><family>{name}</family><prefer><family>{alt}</family></prefer></alias>\n"
        for name, alt in FALLBACKS.items()
    )
    + "</fontconfig>\n"
)

RED = RGBColor(0xFF, 0x00, 0x00)
BODY_PT = 16  # 三号
TITLE_PT = 22  # 二号
TABLE_PT = 10.5  # 五号
LINE_PT = 28  # 22 lines a page on the 225 mm text block
TEXT_WIDTH_MM = 210 - 28 - 26
NUMERALS = "一二三四五六七八九十"
MAX_NAMED = 30  # subjects named in one problem paragraph before "等N个"

# XML 1.0 forbids C0 controls except tab/newline/CR, lone surrogates and U+FFFE/U+FFFF.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(text: str) -> str:
    """Drop the characters XML 1.0 cannot carry, so any stored name can be written."""
    return _FORBIDDEN.sub("", text)


def percent(rate: float | None) -> str:
    """A pass rate as the circular prints it: 0.5 -> "50.0%", None -> "—"."""
    return "—" if rate is None else f"{rate * 100:.1f}%"


def chinese_date(d: date) -> str:
    """A date as 2019年10月8日."""
    return f"{d.year}年{d.month}月{d.day}日"


def numeral(n: int) -> str:
    """1 -> 一, 12 -> 十二, up to 99."""
    if n <= 10:
        return NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return (NUMERALS[tens - 1] if tens > 1 else "") + "十" + (NUMERALS[ones - 1] if ones else "")


def write_docx(c: Circular, path: Path) -> Path:
    """Write the circular and its two attachments as a .docx file at ``path``."""
    doc = Document()
    _setup(doc)
    _header(doc, c)
    _overview(doc, c)
    _problems(doc, c)
    _requirements(doc, c)
    _signature(doc, c)
    _attachment_sites(doc, c)
    _attachment_accounts(doc, c)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


# -- page, styles, fonts ---------------------------------------------------------------------


def _setup(doc: DocumentObject) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(28 - 7)  # the page number sits 7 mm below the text block
    normal = doc.styles["Normal"]
    _set_font(normal.element.get_or_add_rPr(), FANGSONG, BODY_PT)
    pf = normal.paragraph_format  # type: ignore[attr-defined]
    pf.line_spacing_rule, pf.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(LINE_PT)
    pf.space_before = pf.space_after = Pt(0)
    _font_table(doc)
    _footer(section.footer.paragraphs[0])


def _set_font(rpr: object, name: str, size: float, *, bold: bool = False,
              color: RGBColor | None = None) -> None:
    """Set every script's font to ``name`` (w:eastAsia included), the size and weight on a w:rPr."""
    rfonts = rpr.find(qn("w:rFonts"))  # type: ignore[attr-defined]
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)  # type: ignore[attr-defined]
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), name)
    for tag in ("w:b", "w:color", "w:sz", "w:szCs"):
        old = rpr.find(qn(tag))  # type: ignore[attr-defined]
        if old is not None:
            rpr.remove(old)  # type: ignore[attr-defined]
    if bold:
        rpr.append(OxmlElement("w:b"))  # type: ignore[attr-defined]
    if color is not None:
        el = OxmlElement("w:color")
        el.set(qn("w:val"), str(color))
        rpr.append(el)  # type: ignore[attr-defined]
    for tag in ("w:sz", "w:szCs"):
        el = OxmlElement(tag)
        el.set(qn("w:val"), str(round(size * 2)))
        rpr.append(el)  # type: ignore[attr-defined]


def _font_table(doc: DocumentObject) -> None:
    """Declare the official fonts in word/fontTable.xml, each with its Noto face as w:altName."""
    font_part = next(
        (rel.target_part for rel in doc.part.rels.values() if rel.reltype.endswith("/fontTable")), None
    )
    if font_part is None:
        return
    root = parse_xml(font_part.blob)
    for name, alt in FALLBACKS.items():
        font = OxmlElement("w:font")
        font.set(qn("w:name"), name)
        alt_el = OxmlElement("w:altName")
        alt_el.set(qn("w:val"), alt)
        font.append(alt_el)
        charset = OxmlElement("w:charset")
        charset.set(qn("w:val"), "86")  # GB2312
        font.append(charset)
        root.append(font)
    font_part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _run(p: Paragraph, text: str, font: str = FANGSONG, size: float = BODY_PT, *,
         bold: bool = False, color: RGBColor | None = None) -> None:
    run = p.add_run(clean(text))
    _set_font(run._r.get_or_add_rPr(), font, size, bold=bold, color=color)


def _para(doc: DocumentObject, text: str = "", font: str = FANGSONG, size: float = BODY_PT, *,
          indent: bool = True, align: WD_ALIGN_PARAGRAPH | None = None,
          line: float = LINE_PT) -> Paragraph:
    p = doc.add_paragraph()
    pf = p.paragraph_format
    if indent:
        pf.first_line_indent = Pt(size * 2)
        _chars_indent(p)
    if align is not None:
        p.alignment = align
    pf.line_spacing_rule, pf.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(line)
    if text:
        _run(p, text, font, size)
    return p


def _chars_indent(p: Paragraph) -> None:
    """Indent the first line by two characters (w:firstLineChars), as Word's own 首行缩进 does."""
    ind = p._p.get_or_add_pPr().find(qn("w:ind"))
    if ind is not None:
        ind.set(qn("w:firstLineChars"), "200")


def _texts(doc: DocumentObject, text: str) -> None:
    """Body paragraphs from a ready text (one paragraph a line)."""
    for line in text.splitlines():
        if line.strip():
            _para(doc, line.strip())


def _heading1(doc: DocumentObject, text: str) -> None:
    _para(doc, text, HEITI)


def _heading2(doc: DocumentObject, n: int, label: str, rest: str = "") -> None:
    """A （一） heading in 楷体, optionally followed by its sentence in 仿宋 on the same line."""
    p = _para(doc)
    _run(p, f"（{numeral(n)}）{label}", KAITI)
    if rest:
        _run(p, rest)


def _footer(p: Paragraph) -> None:
    """Page number "— N —" centred in the footer, N a PAGE field."""
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, "— ", SONGTI, 14)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = p.add_run()
        _set_font(run._r.get_or_add_rPr(), SONGTI, 14)
        if kind is not None:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text or ""
    _run(p, " —", SONGTI, 14)


# -- the circular ----------------------------------------------------------------------------


def _header(doc: DocumentObject, c: Circular) -> None:
    """The red issuing-office mark (发文机关标志) over a red line, then the title."""
    issuer = clean(c.issuer) or "（发文机关）"
    size = min(36.0, TEXT_WIDTH_MM / len(issuer) / 0.3528 * 0.9)
    p = _para(doc, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, line=size * 1.4)
    p.paragraph_format.space_after = Pt(6)
    _run(p, issuer, XIAOBIAOSONG, size, color=RED)
    _red_line(p)
    _para(doc, indent=False)
    _para(doc, c.title, XIAOBIAOSONG, TITLE_PT, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER,
          line=35)
    _para(doc, indent=False)


def _red_line(p: Paragraph) -> None:
    pbdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "18"), ("w:space", "4"), ("w:color", "FF0000")):
        bottom.set(qn(k), v)
    pbdr.append(bottom)
    p._p.get_or_add_pPr().append(pbdr)


def _overview(doc: DocumentObject, c: Circular) -> None:
    _heading1(doc, "一、总体情况")
    if c.paragraphs.get("overview"):
        _texts(doc, c.paragraphs["overview"])
        return
    s = c.summary
    levels = "、".join(
        f"{LEVEL_LABELS.get(k, k)}{f.registered}个（检查{f.checked}个）"
        for k, f in s.sites_by_level.items() if f.registered or f.checked
    )
    _heading2(doc, 1, "政府网站。",
              f"本期共登记政府网站{s.sites.registered}个，检查{s.sites.checked}个"
              + (f"，其中{levels}" if levels else "")
              + f"。检查合格{s.sites.passed}个，网站合格率{percent(s.site_pass_rate)}。")
    if s.vetoed_sites:
        _para(doc, "单项否决的网站：" + "；".join(
            f"{v.name}（{'、'.join(v.reason_labels) or '单项否决'}）" for v in s.vetoed_sites) + "。")
    if s.failed_sites:
        _para(doc, "检查不合格的网站：" + "；".join(
            f"{v.name}（{_score(v.score)}{'、'.join(v.reason_labels)}）" for v in s.failed_sites) + "。")
    plats = "、".join(
        f"{c.platform_labels.get(k, k)}{f.registered}个（检查{f.checked}个）"
        for k, f in s.accounts_by_platform.items() if f.registered or f.checked
    )
    _heading2(doc, 2, "政务新媒体。",
              f"本期共登记政务新媒体{s.accounts.registered}个，检查{s.accounts.checked}个"
              + (f"，其中{plats}" if plats else "")
              + f"。检查合格{s.accounts.passed}个，政务新媒体合格率{percent(s.account_pass_rate)}。")
    if s.failed_accounts:
        _para(doc, "检查不合格的政务新媒体：" + "；".join(
            f"{v.name}（{'，'.join(x for x in (c.platform_labels.get(v.where, v.where), v.unit, '、'.join(v.reason_labels)) if x)}）"
            for v in s.failed_accounts) + "。")
    if s.closed_accounts:
        closed = "；".join(
            f"{a.name}（{'，'.join(x for x in (c.platform_labels.get(a.platform, a.platform), a.unit) if x)}，"
            f"{chinese_date(a.closed_on)}{a.kind}）" for a in s.closed_accounts)
        _heading2(doc, 3, "关停整合。", f"本期关停或整合政务新媒体{len(s.closed_accounts)}个：{closed}。")
    else:
        _heading2(doc, 3, "关停整合。", "本期无关停或整合的政务新媒体。")


def _score(score: float | None) -> str:
    return "" if score is None else f"得分{score:g}分，"


def _problems(doc: DocumentObject, c: Circular) -> None:
    _heading1(doc, "二、主要问题")
    if c.paragraphs.get("problems"):
        _texts(doc, c.paragraphs["problems"])
        return
    if not c.problem_groups:
        _para(doc, "本期检查未发现需要通报的问题。")
        return
    for i, g in enumerate(c.problem_groups, 1):
        named = "、".join(g.subjects[:MAX_NAMED])
        more = f"等{len(g.subjects)}个网站和账号" if len(g.subjects) > MAX_NAMED else ""
        where = f"，涉及{named}{more}" if named else ""
        _heading2(doc, i, f"{g.label}。", f"共发现{g.count}处{where}。")


def _requirements(doc: DocumentObject, c: Circular) -> None:
    _heading1(doc, "三、整改要求")
    if c.paragraphs.get("requirements"):
        _texts(doc, c.paragraphs["requirements"])
    else:
        when = f"于{chinese_date(c.deadline)}前" if c.deadline else "立即"
        _para(doc, f"请各单位对照附件所列问题认真核查，{when}完成整改，并将整改情况书面报送"
                   f"{clean(c.issuer)}。对上期已通报仍未整改的问题，将在下期通报中继续点名。")
    if c.carried_over:
        _para(doc, f"以下{len(c.carried_over)}个问题上期已通报，本期仍未整改（上期未整改），请相关单位重点整改：")
        for i, d in enumerate(c.carried_over, 1):
            _para(doc, f"{i}. {d.subject}：{d.message}（{d.code_label}，"
                       f"首次发现于{chinese_date(d.first_seen)}）。")
    else:
        _para(doc, "本期无上期未整改的问题。")
    _para(doc, c.paragraphs.get("review") or f"本期通报的检查发现中，经检查人员人工审核的有{c.reviewed}条。")


def _signature(doc: DocumentObject, c: Circular) -> None:
    """附件说明, then the issuer and date (成文日期) on the right."""
    _para(doc, indent=False)
    p = _para(doc)
    _run(p, "附件：1. 政府网站检查情况")
    brk = p.add_run()
    _set_font(brk._r.get_or_add_rPr(), FANGSONG, BODY_PT)
    brk.add_break(WD_BREAK.LINE)
    _run(p, "　　　2. 政务新媒体检查情况")
    _para(doc, indent=False)
    for text in (c.issuer, chinese_date(c.issued_on)):
        p = _para(doc, text, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
        p.paragraph_format.right_indent = Pt(BODY_PT * 4)


# -- the attachments -------------------------------------------------------------------------


def _attachment(doc: DocumentObject, n: int, title: str, landscape: bool = False) -> None:
    """Start attachment ``n`` on a new page (a new section: landscape when its table is wide)."""
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    if landscape != (section.orientation == WD_ORIENT.LANDSCAPE):
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = section.page_height, section.page_width
    _para(doc, f"附件{n}", HEITI, indent=False)
    _para(doc, title, XIAOBIAOSONG, TITLE_PT, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, line=40)


def _table(doc: DocumentObject, header: list[str], widths_mm: list[float]) -> Table:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, w in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(w)
    row = table.rows[0]
    trpr = row._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:tblHeader"))  # repeat on every page
    for cell, text, w in zip(row.cells, header, widths_mm, strict=True):
        cell.width = Mm(w)
        _cell(cell.paragraphs[0], [text], HEITI, center=True)
    return table


def _cell(p: Paragraph, lines: Iterable[str], font: str = FANGSONG, *, center: bool = False) -> None:
    """Fill a cell with one paragraph a line (the first paragraph is the cell's own)."""
    first = True
    for line in lines:
        if not first:
            p = p._parent.add_paragraph()  # type: ignore[attr-defined]
        first = False
        pf = p.paragraph_format
        pf.line_spacing_rule, pf.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(TABLE_PT * 1.6)
        pf.first_line_indent = Pt(0)
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if line:
            _run(p, line, font, TABLE_PT)


def _attachment_sites(doc: DocumentObject, c: Circular) -> None:
    _attachment(doc, 1, "政府网站检查情况")
    widths: list[float] = [12, 36, 44, 18, 46]
    table = _table(doc, ["序号", "网站名称", "网址", "检查结果", "问题描述"], widths)
    for r in c.site_rows:
        cells = table.add_row().cells
        values = [str(r.seq), r.name, r.url, r.result, r.description or "无"]
        for i, (cell, text) in enumerate(zip(cells, values, strict=True)):
            cell.width = Mm(widths[i])
            _cell(cell.paragraphs[0], [text], center=i in (0, 3))


def _attachment_accounts(doc: DocumentObject, c: Circular) -> None:
    wide = len(c.platforms) > 2
    _attachment(doc, 2, "政务新媒体检查情况", landscape=wide)
    text_mm = (297 - 37 - 35 if wide else TEXT_WIDTH_MM) - 12 - 34
    pair = text_mm / max(1, len(c.platforms)) / 2
    widths = [12, 34] + [pair] * (2 * len(c.platforms))
    header = ["序号", "单位"]
    for plat in c.platforms:
        header += [c.platform_labels.get(plat, plat), "检查情况"]
    table = _table(doc, header, widths)
    for r in c.unit_rows:
        cells = table.add_row().cells
        for i, (cell, lines) in enumerate(zip(cells, _unit_cells(r, c.platforms), strict=True)):
            cell.width = Mm(widths[i])
            _cell(cell.paragraphs[0], lines, center=i == 0)


def _unit_cells(r: UnitRow, platforms: list[str]) -> list[list[str]]:
    """The cells of one 附件2 row: several accounts of a platform one per line, statuses aligned."""
    out = [[str(r.seq)], [r.unit]]
    for plat in platforms:
        accounts = r.accounts.get(plat, [])
        out.append([a.name for a in accounts] or ["/"])
        out.append([a.status for a in accounts] or ["/"])
    return out
