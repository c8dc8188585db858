"""Readers of Word and Excel files: xlsx and docx (zip), xls and Word 97-2003 doc (OLE2).

``zip_text`` and ``ole_text`` look inside the container and pick the reader; both take
``(data, ext, max_chars)`` like every reader, plus a cap on spreadsheet rows.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
import sys
import threading
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from typing import IO, TYPE_CHECKING, Any
from xml.etree import ElementTree

if TYPE_CHECKING:  # the readers are imported when a document of their kind arrives (memory, start-up)
    import olefile

from .doc_common import AttachmentError, capped, tidy

__all__ = ["MAX_PART_BYTES", "MAX_ROWS", "ole_text", "zip_text"]

MAX_PART_BYTES = 256 * 1024 * 1024  # uncompressed XML inside a docx (zip bombs)
MAX_ROWS = 200_000  # spreadsheet rows read per file, empty ones included


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        # A phone typed as a number comes back as 13805541234.0; past 15 digits Excel has
        # already rounded it, so no exact number can be shown.
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


def _rows_text(rows: Iterable[Iterable[object]], max_rows: int) -> Iterator[str]:
    """One tab-separated line per non-empty row, at most ``max_rows`` rows."""
    for n, row in enumerate(rows):
        if n >= max_rows:
            return
        line = "\t".join(_cell(v) for v in row).strip()
        if line:
            yield line + "\n"


# --- zip containers: xlsx, docx


def zip_text(data: bytes, ext: str, max_chars: int, max_rows: int = MAX_ROWS) -> str:
    """Text of a zip container: a docx or an xlsx, else an error."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = set(zf.namelist())
        if "word/document.xml" in names:
            return _docx_text(zf, max_chars)
        if "xl/workbook.xml" in names:
            return _xlsx_text(data, max_chars, max_rows)
    raise AttachmentError(f"压缩文件不是 Word/Excel 文档(.{ext or '?'})，无法读取")


_IMPORT_LOCK = threading.Lock()


# Imported by openpyxl when installed, needed by none of the reading done here (see below).
_NOT_FOR_READING = ("numpy", "lxml")


def _load_workbook() -> Any:
    """openpyxl's ``load_workbook``, imported without numpy and lxml.

    ``openpyxl.compat.numbers`` imports numpy whenever it is installed, only to recognise numpy
    numbers when *writing* a workbook: ~20 MB and ~100 ms in every process that reads an xlsx
    (the crawl process of a full inspection, issue 13). ``openpyxl.xml`` imports lxml (~4 MB)
    when installed and then parses with it; without it openpyxl parses with the standard
    library's ElementTree (its documented fallback, ``OPENPYXL_LXML``), fast enough for the
    ``MAX_ROWS`` rows read here. A ``None`` in ``sys.modules`` makes those imports fail for the
    moment openpyxl is imported; a module already imported (lxml by python-docx, say) is left alone.
    """
    with _IMPORT_LOCK:
        if "openpyxl" not in sys.modules:
            blocked = [name for name in _NOT_FOR_READING if name not in sys.modules]
            for name in blocked:
                sys.modules[name] = None  # type: ignore[assignment]
            try:
                import openpyxl  # noqa: F401
            finally:
                for name in blocked:
                    del sys.modules[name]
    from openpyxl import load_workbook

    return load_workbook


def _xlsx_text(data: bytes, max_chars: int, max_rows: int) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = _load_workbook()(io.BytesIO(data), read_only=True, data_only=True)
    try:
        def rows() -> Iterator[Iterable[object]]:
            for ws in wb.worksheets:
                ws.reset_dimensions()  # some writers declare A1:A1; read what is there
                yield from ws.iter_rows(values_only=True)

        return capped(_rows_text(rows(), max_rows), max_chars)
    finally:
        wb.close()


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_text(zf: zipfile.ZipFile, max_chars: int) -> str:
    info = zf.getinfo("word/document.xml")
    if info.file_size > MAX_PART_BYTES:
        raise AttachmentError("Word 文档内容过大，未读取")
    with zf.open(info) as fh:
        return tidy(capped(_docx_chunks(fh), max_chars))


def _docx_chunks(fh: IO[bytes]) -> Iterator[str]:
    """Paragraph text line by line; table cells separated by tabs, rows by newlines."""
    depth = 0  # table cells we are inside
    for event, el in ElementTree.iterparse(fh, events=("start", "end")):
        tag = el.tag
        if event == "start":
            depth += tag == f"{_W}tc"
            continue
        if tag == f"{_W}t":
            yield el.text or ""
        elif tag == f"{_W}tab":
            yield "\t"
        elif tag in (f"{_W}br", f"{_W}cr"):
            yield "\n"
        elif tag == f"{_W}p":
            yield " " if depth else "\n"
            el.clear()
        elif tag == f"{_W}tc":
            depth -= 1
            yield "\t"
        elif tag == f"{_W}tr":
            yield "\n"
            el.clear()


# --- OLE2 compound files: xls, doc


def ole_text(data: bytes, ext: str, max_chars: int, max_rows: int = MAX_ROWS) -> str:
    """Text of an OLE2 compound file: an xls or a Word 97-2003 doc, else an error."""
    try:
        import olefile

        ole = olefile.OleFileIO(data)
    except (OSError, ValueError, IndexError, struct.error):
        ole = None
    if ole is None:
        return _ole_plain_text(data, ext, max_chars)
    with ole:
        if ole.exists("EncryptedPackage"):
            raise AttachmentError("Office 文档已加密(需要密码)，无法读取")
        if ole.exists("Workbook") or ole.exists("Book"):
            return _xls_text(data, max_chars, max_rows)
        if ole.exists("WordDocument"):
            return _word97_text(ole, max_chars)
    raise AttachmentError(f"不支持的旧版 Office 文件格式(.{ext or '?'})，无法读取")


def _ole_plain_text(data: bytes, ext: str, max_chars: int) -> str:
    """An OLE2 signature followed by plain UTF-16 text, as some generators write; else fail."""
    body = data[512:]
    try:
        text = body.decode("utf-16-le")
    except UnicodeDecodeError:
        text = ""
    if text and not _CONTROL.search(text.replace("\r", "\n")):
        return text.replace("\r", "\n")[:max_chars]
    raise AttachmentError(f"旧版 Office 文件已损坏或格式不受支持(.{ext or '?'})，无法读取")


def _xls_text(data: bytes, max_chars: int, max_rows: int) -> str:
    try:
        # xlrd prints warnings to its logfile (stdout by default): keep stdout for --json.
        import xlrd

        book = xlrd.open_workbook(file_contents=data, on_demand=True, logfile=io.StringIO())
    except xlrd.XLRDError as exc:
        if "encrypt" in str(exc).lower():
            raise AttachmentError("Excel 文件已加密(需要密码)，无法读取") from None
        raise AttachmentError("Excel 文件已损坏或格式不受支持，无法读取") from None

    def rows() -> Iterator[list[object]]:
        for i in range(book.nsheets):
            sheet = book.sheet_by_index(i)
            for r in range(sheet.nrows):
                yield sheet.row_values(r)
            book.unload_sheet(i)

    try:
        return capped(_rows_text(rows(), max_rows), max_chars)
    finally:
        book.release_resources()


# Word 97-2003 binary format ([MS-DOC]): the FIB at the start of the WordDocument stream
# points (fcClx/lcbClx at 0x1A2) to the piece table in the 0Table or 1Table stream.
_FIB_IDENT = 0xA5EC
_FIB_FLAGS = 0x0A
_F_ENCRYPTED = 0x0100
_F_WHICH_TABLE = 0x0200
_FC_CLX = 0x1A2
_FIELD_CODE = re.compile(r"\x13[^\x13\x14\x15]*\x14|\x13[^\x13\x14\x15]*\x15")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")
_WORD_MARKS = str.maketrans({"\r": "\n", "\x07": "\t", "\x0b": "\n", "\x0c": "\n", "\x1e": "-", "\x1f": ""})


def _word97_text(ole: olefile.OleFileIO, max_chars: int) -> str:
    wd: bytes = ole.openstream("WordDocument").read()
    if len(wd) < _FC_CLX + 8 or struct.unpack_from("<H", wd, 0)[0] != _FIB_IDENT:
        raise AttachmentError("旧版 Word 文件格式不受支持，无法读取")
    flags = struct.unpack_from("<H", wd, _FIB_FLAGS)[0]
    if flags & _F_ENCRYPTED:
        raise AttachmentError("Word 文档已加密(需要密码)，无法读取")
    table_name = "1Table" if flags & _F_WHICH_TABLE else "0Table"
    if not ole.exists(table_name):
        raise AttachmentError("旧版 Word 文件已损坏，无法读取")
    fc_clx, lcb_clx = struct.unpack_from("<II", wd, _FC_CLX)
    clx: bytes = ole.openstream(table_name).read()[fc_clx : fc_clx + lcb_clx]
    text = capped(_pieces(wd, clx), max_chars)
    while True:  # drop field codes (HYPERLINK "...", PAGE) innermost first, keep their results
        stripped = _FIELD_CODE.sub("", text)
        if stripped == text:
            break
        text = stripped
    return _CONTROL.sub("", text.translate(_WORD_MARKS))


def _pieces(wd: bytes, clx: bytes) -> Iterator[str]:
    """The document's characters, piece by piece, from the Clx piece table."""
    i = 0
    while i < len(clx) and clx[i] == 0x01:  # Prc: property modifiers, skipped
        i += 3 + struct.unpack_from("<H", clx, i + 1)[0]
    if i + 5 > len(clx) or clx[i] != 0x02:
        raise AttachmentError("旧版 Word 文件已损坏(无文本索引)，无法读取")
    lcb = struct.unpack_from("<I", clx, i + 1)[0]
    plc = clx[i + 5 : i + 5 + lcb]
    n = (len(plc) - 4) // 12
    cps = struct.unpack_from(f"<{n + 1}I", plc, 0)
    for k in range(n):
        fc = struct.unpack_from("<I", plc, 4 * (n + 1) + 8 * k + 2)[0]
        count = max(0, cps[k + 1] - cps[k])
        if fc & 0x40000000:  # compressed: one byte per character, cp1252
            start = (fc & 0x3FFFFFFF) // 2
            yield wd[start : start + count].decode("cp1252", "replace")
        else:
            yield wd[fc : fc + 2 * count].decode("utf-16-le", "replace")
