"""Small but well-formed attachment, image, script and stylesheet bodies."""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from datetime import datetime
from xml.sax.saxutils import escape

from openpyxl import Workbook  # type: ignore[import-untyped]

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png",
    "css": "text/css",
    "js": "application/javascript",
}


def pdf(title: str) -> bytes:
    """A one-page PDF whose text is ``title`` transliterated to ASCII-safe escapes."""
    line = title.encode("ascii", "backslashreplace").decode().replace("(", "").replace(")", "")
    stream = f"BT /F1 12 Tf 72 720 Td ({line}) Tj ET".encode()
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
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


def doc(title: str, body: str) -> bytes:
    """A legacy Word-like file: the OLE2 signature followed by UTF-16LE text."""
    header = bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 504
    return header + (title + "\r" + body).encode("utf-16-le")


def xlsx(title: str, rows: list[list[str]]) -> bytes:
    """A minimal valid one-sheet workbook (inline strings) that openpyxl can read."""

    def cell(ref: str, value: str) -> str:
        return f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'

    sheet_rows = []
    for r, row in enumerate([[title], *rows], 1):
        cells = "".join(cell(f"{chr(65 + c)}{r}", v) for c, v in enumerate(row))
        sheet_rows.append(f'<row r="{r}">{cells}</row>')
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
            f'{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook {ns} xmlns:r="{rel}"><sheets>'
            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
            f'{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet {ns}><sheetData>'
            + "".join(sheet_rows) + "</sheetData></worksheet>"
        ),
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(zipfile.ZipInfo(name, date_time=(2019, 1, 1, 0, 0, 0)), data)
    return buf.getvalue()


def png(width: int = 8, height: int = 6, rgb: tuple[int, int, int] = (180, 30, 30)) -> bytes:
    """A small solid-colour PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF
        )

    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))


STYLESHEET = b"""body{margin:0;font:14px/1.8 "Microsoft YaHei",SimSun,sans-serif;color:#333}
a{color:#333;text-decoration:none}a:hover{color:#c00}
.header{background:#b5121b;color:#fff}.nav a{color:#fff;padding:0 18px}
.footer{background:#f2f2f2;text-align:center;font-size:12px;padding:16px 0}
"""

# TRS WCM list pages call createPageHTML(pageCount, currentIndex, prefix, ext) to write the
# pager; page 0 is prefix.ext, page n is prefix_n.ext (as on real TRS-built county sites).
PAGER_JS = b"""function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){
  if(_nPageCount == null || _nPageCount <= 1){ return; }
  var nCurrIndex = _nCurrIndex || 0;
  var html = "\\u5171" + _nPageCount + "\\u9875&nbsp;&nbsp;";
  if(nCurrIndex == 0){ html += "\\u9996\\u9875&nbsp;"; }
  else { html += "<a href=\\"" + _sPageName + "." + _sPageExt + "\\">\\u9996\\u9875</a>&nbsp;"; }
  if(nCurrIndex > 0){
    var prev = nCurrIndex == 1 ? _sPageName + "." + _sPageExt
                               : _sPageName + "_" + (nCurrIndex - 1) + "." + _sPageExt;
    html += "<a href=\\"" + prev + "\\">\\u4e0a\\u4e00\\u9875</a>&nbsp;";
  }
  if(nCurrIndex + 1 < _nPageCount){
    html += "<a href=\\"" + _sPageName + "_" + (nCurrIndex + 1) + "." + _sPageExt
         + "\\">\\u4e0b\\u4e00\\u9875</a>&nbsp;";
    html += "<a href=\\"" + _sPageName + "_" + (_nPageCount - 1) + "." + _sPageExt
         + "\\">\\u5c3e\\u9875</a>";
  }
  document.write(html);
}
"""


# Spreadsheets saved by Excel or WPS carry shared strings, styles and document properties;
# openpyxl writes the same parts. It stamps "modified" and the zip entries with the current
# time, so both are pinned afterwards to keep a world's bytes identical from build to build.
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def workbook(rows: list[list[str]], sheet: str = "Sheet1", stamp: datetime | None = None) -> bytes:
    """An .xlsx written by openpyxl (text cells), byte-for-byte stable for the same input."""
    stamp = stamp or datetime(2019, 1, 1, 9, 0, 0)
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    for row in rows:
        ws.append(row)
    props = book.properties
    props.creator = props.lastModifiedBy = "Administrator"
    props.created = props.modified = stamp
    raw = io.BytesIO()
    book.save(raw)
    when = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _MODIFIED.sub(lambda m: m.group(1) + when + m.group(2), data)
            entry = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, data)
    return out.getvalue()
