"""Attachment text: real xlsx/xls/docx/doc/rtf/pdf/csv files, HTML renamed .doc, and files that cannot be read."""

from __future__ import annotations

import io
import quopri
import time
import traceback
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from openpyxl import Workbook
from pypdf import PdfReader, PdfWriter

from govinspect.demo import files as demo_files
from govinspect.errors import GovinspectError
from govinspect.extract import attachments
from govinspect.extract.attachments import (
    AttachmentError,
    attachment_text,
    extension,
    is_attachment,
)

FIXTURES = Path(__file__).parent / "fixtures" / "attachments"
ID = "340403198003072516"
ID2 = "340402197511240829"
PHONE = "13805541234"
CARD = "6222021234567890128"
ROWS = [["序号", "姓名", "身份证号", "联系电话"], ["1", "张某某", ID, PHONE], ["2", "李某某", ID2, "15955412345"]]


# --- builders of real files


def xlsx_bytes(rows: list[list[object]], title: str = "低保对象") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def docx_bytes(paragraphs: list[str], table: list[list[str]]) -> bytes:
    """A minimal valid WordprocessingML package, as Word writes it (parts and relationships)."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

    def para(text: str) -> str:
        # Word splits text into runs wherever formatting changes, even inside a number.
        half = len(text) // 2
        return f"<w:p><w:r><w:t>{escape(text[:half])}</w:t></w:r><w:r><w:t>{escape(text[half:])}</w:t></w:r></w:p>"

    cells = "".join(
        "<w:tr>" + "".join(f"<w:tc>{para(c)}</w:tc>" for c in row) + "</w:tr>" for row in table
    )
    body = "".join(para(p) for p in paragraphs) + f"<w:tbl>{cells}</w:tbl>"
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.'
            'openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType='
            '"application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://'
            'schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
            'http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="word/document.xml"/></Relationships>'
        ),
        "word/document.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{w}">'
            f"<w:body>{body}</w:body></w:document>"
        ),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            zf.writestr(name, text)
    return out.getvalue()


def pdf_bytes(lines: list[str]) -> bytes:
    """A one-page PDF whose Chinese text is extractable: Identity-H codes and a ToUnicode CMap."""
    chars = sorted({c for line in lines for c in line})
    cmap = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CIDSystemInfo << /Registry "
        "(Adobe) /Ordering (UCS) /Supplement 0 >> def /CMapName /Adobe-Identity-UCS def /CMapType 2 def "
        "1 begincodespacerange <0000> <FFFF> endcodespacerange "
        f"{len(chars)} beginbfchar " + " ".join(f"<{ord(c):04X}> <{ord(c):04X}>" for c in chars)
        + " endbfchar endcmap CMapName currentdict /CMap defineresource pop end end"
    )
    shows = " ".join("<" + "".join(f"{ord(c):04X}" for c in line) + "> Tj 0 -18 Td" for line in lines)
    content = f"BT /F1 12 Tf 72 720 Td {shows} ET" if lines else ""

    def stream(text: str) -> bytes:
        data = text.encode("ascii")
        return b"<< /Length %d >>\nstream\n%s\nendstream" % (len(data), data)

    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        stream(content),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /Identity-H "
        b"/DescendantFonts [6 0 R] /ToUnicode 7 0 R >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo "
        b"<< /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>",
        stream(cmap),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def encrypted(pdf: bytes, user_password: str, algorithm: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm=algorithm)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


WORD_HTML = f"""<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word">
<head><meta http-equiv=Content-Type content="text/html; charset=gb2312"><title>低保公示</title>
<style>p.MsoNormal {{font-family:宋体}}</style>
<!--[if gte mso 9]><xml><w:WordDocument><w:View>Print</w:View></w:WordDocument></xml><![endif]-->
<script>var x = "{PHONE}0";</script></head>
<body lang=ZH-CN><div class=Section1>
<p class=MsoNormal><span>2019年10月低保对象公示</span></p>
<table class=MsoTableGrid><tr><td><p>张某某</p></td><td><p><span lang=EN-US>3404031980</span><span lang=EN-US>03072516</span></p></td>
<td><p><span lang=EN-US>1380554</span><span lang=EN-US>1234</span></p></td></tr></table>
</div></body></html>"""


# --- each format


def test_xlsx_rows_and_cells() -> None:
    text = attachment_text(xlsx_bytes([*ROWS, ["3", "王某某", None, 18655412345]]), "http://x.gov.cn/a/名单.xlsx")
    lines = text.splitlines()
    assert lines[0] == "序号\t姓名\t身份证号\t联系电话"
    assert lines[1] == f"1\t张某某\t{ID}\t{PHONE}"
    assert lines[3] == "3\t王某某\t\t18655412345"  # a phone typed as a number keeps its digits


def test_xlsx_with_wrong_dimension_is_read_in_full() -> None:
    data = xlsx_bytes(ROWS)
    with zipfile.ZipFile(io.BytesIO(data)) as zin:
        parts = {n: zin.read(n) for n in zin.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet].replace(b'<dimension ref="A1:D3"/>', b'<dimension ref="A1"/>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zout:
        for name, body in parts.items():
            zout.writestr(name, body)
    assert ID2 in attachment_text(out.getvalue(), "a.xlsx")


def test_docx_paragraphs_and_tables() -> None:
    data = docx_bytes(["关于2019年低保对象的公示", f"申请人手机 {PHONE}"], ROWS)
    text = attachment_text(data, "公示.docx")
    assert "关于2019年低保对象的公示\n" in text and f"申请人手机 {PHONE}" in text
    assert f"\n1\t张某某\t{ID}\t{PHONE}\n" in text  # runs joined, cells split by tabs


def test_pdf_text() -> None:
    text = attachment_text(pdf_bytes(["低保对象公示", f"张某某 {ID} {PHONE}"]), "a.pdf")
    assert "低保对象公示" in text and ID in text and PHONE in text


def test_pdf_encrypted_against_editing_only_is_read() -> None:
    data = encrypted(pdf_bytes([f"张某某 {ID}"]), user_password="", algorithm="AES-128")
    assert ID in attachment_text(data, "a.pdf")


def test_pdf_with_a_password_is_an_error() -> None:
    data = encrypted(pdf_bytes([f"张某某 {ID}"]), user_password="secret", algorithm="RC4-128")
    with pytest.raises(AttachmentError, match="已加密"):
        attachment_text(data, "a.pdf")


def test_pdf_without_text_says_so() -> None:
    with pytest.raises(AttachmentError, match="扫描件"):
        attachment_text(pdf_bytes([]), "a.pdf")


@pytest.mark.parametrize("name", ["dibao.doc", "dibao.xls", "dibao.rtf"])
def test_real_office_files(name: str) -> None:
    text = attachment_text((FIXTURES / name).read_bytes(), name)
    for value in ("张某某", ID, ID2, PHONE, "15955412345", CARD):
        assert value in text
    assert f"张某某\t{ID}\t{PHONE}" in text


def test_demo_style_doc_is_read() -> None:
    # The demo writes an OLE2 signature followed by UTF-16 text (govinspect.demo.files.doc).
    assert attachment_text(demo_files.doc("低保公示", f"张某某 {ID}"), "a.doc") == f"低保公示\n张某某 {ID}"


def test_html_renamed_doc_gives_its_visible_text() -> None:
    text = attachment_text(WORD_HTML.encode("gbk"), "http://x.gov.cn/gs/公示.doc", "application/msword")
    assert "2019年10月低保对象公示" in text
    assert f"张某某\t{ID}\t{PHONE}" in text  # spans joined, cells split, script and styles dropped
    assert "var x" not in text and "Print" not in text and "font-family" not in text


def test_mht_renamed_doc() -> None:
    html = quopri.encodestring(WORD_HTML.encode("gbk")).decode("ascii")
    mht = (
        'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="----=_NextPart_01D5"\r\n\r\n'
        "------=_NextPart_01D5\r\nContent-Location: file:///C:/gs.htm\r\n"
        'Content-Transfer-Encoding: quoted-printable\r\nContent-Type: text/html; charset="gb2312"\r\n\r\n'
        f"{html}\r\n------=_NextPart_01D5--\r\n"
    )
    assert f"张某某\t{ID}\t{PHONE}" in attachment_text(mht.encode("ascii"), "gs.doc")


def test_spreadsheetml_renamed_xls() -> None:
    xml = (
        '<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?>'
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="Sheet1"><Table>'
        f'<Row><Cell><Data ss:Type="String">张某某</Data></Cell><Cell><Data ss:Type="String">{ID}</Data></Cell></Row>'
        "</Table></Worksheet></Workbook>"
    )
    assert f"张某某\t{ID}" in attachment_text(xml.encode("utf-8"), "a.xls")


def test_rtf_in_gbk_bytes_as_word_writes_it() -> None:
    # 张三 is D5C5 C8FD in GBK; Word escapes each byte as \'hh and may wrap lines between them.
    rtf = (
        r"{\rtf1\ansi\ansicpg936\deff0{\fonttbl{\f0\fnil\fcharset134 \'cb\'ce\'cc\'e5;}}"
        r"{\*\generator Microsoft Word 11;}{\info{\author \'d5\'c5}}"
        "\r\n\\pard\\f0 \\'d5\\'c5\r\n\\'c8\\'fd "
        f"{ID}\\par\\trowd\\intbl 1\\cell {PHONE}\\cell\\row}}"
    )
    assert attachment_text(rtf.encode("ascii"), "a.doc") == f"张三 {ID}\n1\t{PHONE}\t\n"


def test_excel_web_page_renamed_xls() -> None:
    html = (
        '<html xmlns:x="urn:schemas-microsoft-com:office:excel"><head><meta charset="utf-8"></head><body>'
        f"<table><tr><td>姓名</td><td>身份证号</td></tr><tr><td>张某某</td><td x:str>{ID}</td></tr></table>"
        "</body></html>"
    )
    assert attachment_text(html.encode(), "名单.xls", "application/vnd.ms-excel") == f"姓名\t身份证号\n张某某\t{ID}"


@pytest.mark.parametrize(
    ("encoding", "name"), [("gbk", "名单.csv"), ("gb18030", "名单.txt"), ("utf-8-sig", "名单.csv"), ("utf-16", "a.txt")]
)
def test_text_files_in_chinese_encodings(encoding: str, name: str) -> None:
    csv = "\n".join(",".join(row) for row in ROWS) * 3
    assert attachment_text(csv.encode(encoding), name) == csv


def test_gbk_csv_without_any_declaration() -> None:
    csv = "姓名,身份证号,联系电话,家庭住址\n" + f"张某某,{ID},{PHONE},田家庵区舜耕镇\n" * 2
    assert attachment_text(csv.encode("gbk"), "http://x.gov.cn/down.jsp?id=9", "text/csv") == csv


# --- files that cannot be read


def test_truncated_xlsx() -> None:
    data = xlsx_bytes(ROWS)
    with pytest.raises(AttachmentError, match="损坏或不完整"):
        attachment_text(data[: len(data) // 2], "a.xlsx")


def test_truncated_docx() -> None:
    data = docx_bytes(["公示"], ROWS)
    with pytest.raises(AttachmentError, match="损坏或不完整"):
        attachment_text(data[:-30], "a.docx")


def test_truncated_pdf_and_ole() -> None:
    with pytest.raises(AttachmentError):
        attachment_text(pdf_bytes(["公示"])[:120], "a.pdf")
    doc = (FIXTURES / "dibao.doc").read_bytes()
    with pytest.raises(AttachmentError):
        attachment_text(doc[:1500], "a.doc")


def test_errors_are_govinspect_errors_with_chinese_reasons() -> None:
    with pytest.raises(GovinspectError) as err:
        attachment_text(b"\x89PNG\r\n\x1a\n" + bytes(200), "a.pdf")
    assert "不符" in str(err.value)
    with pytest.raises(AttachmentError, match="为空"):
        attachment_text(b"", "a.xlsx")


def test_parser_errors_never_carry_the_content() -> None:
    # openpyxl's ValueError quotes the cell ("could not convert string to float: '1380...'").
    data = xlsx_bytes([["联系电话", int(PHONE)]])
    with zipfile.ZipFile(io.BytesIO(data)) as zin:
        parts = {n: zin.read(n) for n in zin.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    assert f"<v>{PHONE}</v>".encode() in parts[sheet]
    parts[sheet] = parts[sheet].replace(f"<v>{PHONE}</v>".encode(), f"<v>{PHONE}x</v>".encode())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zout:
        for name, body in parts.items():
            zout.writestr(name, body)
    with pytest.raises(AttachmentError) as err:
        attachment_text(out.getvalue(), "a.xlsx")
    shown = "".join(traceback.format_exception(err.value))
    assert "文件无法解析" in shown and PHONE not in shown


def test_zip_that_is_not_an_office_file() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("readme.txt", "附件")
    with pytest.raises(AttachmentError, match="不是 Word/Excel"):
        attachment_text(out.getvalue(), "a.docx")


def test_oversized_files_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(attachments, "MAX_BYTES", 1000)
    with pytest.raises(AttachmentError, match="过大"):
        attachment_text(b"a" * 1001, "a.txt")


def test_caps_keep_huge_files_fast(monkeypatch: pytest.MonkeyPatch) -> None:
    wb = Workbook()
    ws = wb.active
    ws["A1"] = "第一行"
    ws.cell(row=1_000_000, column=1, value=PHONE)  # a million empty rows in between
    out = io.BytesIO()
    wb.save(out)
    monkeypatch.setattr(attachments, "MAX_ROWS", 5_000)
    started = time.monotonic()
    assert attachment_text(out.getvalue(), "a.xlsx") == "第一行\n"
    assert time.monotonic() - started < 10
    text = attachment_text(("身份证号 " * 10_000).encode(), "a.txt", max_chars=100)
    assert len(text) == 100


# --- names and types


@pytest.mark.parametrize(
    ("url", "ext"),
    [
        ("http://x.gov.cn/gs/W020191008.XLS", "xls"),
        ("http://x.gov.cn/down.jsp?filename=%E5%90%8D%E5%8D%95.docx&id=3", "docx"),
        ("http://x.gov.cn/a/b/", ""),
        ("附件1：名单.pdf", "pdf"),
    ],
)
def test_extension(url: str, ext: str) -> None:
    assert extension(url) == ext


def test_is_attachment() -> None:
    assert is_attachment("http://x.gov.cn/a.pdf") and is_attachment("http://x.gov.cn/f?id=1", "application/vnd.ms-excel")
    assert not is_attachment("http://x.gov.cn/a.html", "text/html") and not is_attachment("http://x.gov.cn/a.png")
