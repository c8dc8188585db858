"""Visible text of a downloaded attachment (xlsx, xls, docx, doc, pdf, csv, txt) for the checks.

The type is chosen from the bytes first (zip, %PDF, OLE2, RTF, MHT, HTML, XML) and from the
name only when the bytes say nothing: government sites serve Word/Excel "web page" files
renamed .doc/.xls and mislabel Content-Type freely, so an HTML body yields its text rather
than an error. Every reader is capped (bytes, rows, pages, characters) so one huge file
never stalls a crawl; text past ``max_chars`` is cut off. A file that cannot be read raises
``AttachmentError`` with a Chinese reason for the site's staff.
"""

from __future__ import annotations

import codecs
import datetime as dt
import email
import email.policy
import io
import logging
import re
import struct
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator
from typing import IO
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree

import olefile
import xlrd
from charset_normalizer import from_bytes
from openpyxl import load_workbook
from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError, PdfReadError
from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..crawl.decode import decode_html, looks_binary
from ..errors import GovinspectError

__all__ = [
    "ATTACHMENT_EXTENSIONS",
    "MAX_BYTES",
    "AttachmentError",
    "attachment_text",
    "extension",
    "is_attachment",
]

# pypdf logs every malformed object it repairs; one notice per file is enough for us.
logging.getLogger("pypdf").setLevel(logging.ERROR)

MAX_BYTES = 64 * 1024 * 1024  # larger downloads are refused, not read
MAX_PART_BYTES = 256 * 1024 * 1024  # uncompressed XML inside a docx (zip bombs)
MAX_ROWS = 200_000  # spreadsheet rows read per file, empty ones included
MAX_PAGES = 500  # PDF pages read per file
ATTACHMENT_EXTENSIONS = frozenset({"pdf", "doc", "docx", "xls", "xlsx", "csv", "txt", "wps", "et"})
_TYPE_EXT = {
    "application/pdf": "pdf",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "text/csv": "csv",
    "text/plain": "txt",
}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_EXT_IN_QUERY = re.compile(r"\.(" + "|".join(sorted(ATTACHMENT_EXTENSIONS)) + r")(?![\w])", re.I)
_HTML_START = re.compile(r"<(?:!doctype\s+html|html|head|body|meta|title|table|div|p|span)[\s>/]", re.I)
_OFFICE_XML = re.compile(r"<(?:\w+:)?(?:wordDocument|Workbook)[\s>]|progid=\"(?:Word\.Document|Excel\.Sheet)\"")
_MHT_START = re.compile(r"^(?:mime-version:|content-type:\s*multipart/related)", re.I | re.M)


class AttachmentError(GovinspectError):
    """An attachment whose text cannot be read; the message says why, in Chinese."""


def extension(name_or_url: str) -> str:
    """The lower-case extension of a file name or URL, also found in a download query."""
    parts = urlsplit(name_or_url)
    name = unquote(parts.path.rsplit("/", 1)[-1])
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext in ATTACHMENT_EXTENSIONS:
        return ext
    found = _EXT_IN_QUERY.findall(unquote(parts.query))
    return found[-1].lower() if found else ext


def is_attachment(name_or_url: str, content_type: str | None = None) -> bool:
    """True for a document whose text ``attachment_text`` can read, judged by name or type."""
    return extension(name_or_url) in ATTACHMENT_EXTENSIONS or _type_ext(content_type) is not None


def attachment_text(
    data: bytes, name_or_url: str, content_type: str | None = None, max_chars: int = 2_000_000
) -> str:
    """The visible text of an attachment, at most ``max_chars`` characters."""
    if not data:
        raise AttachmentError("附件内容为空")
    if len(data) > MAX_BYTES:
        raise AttachmentError(f"附件过大({len(data) // 2**20} MB)，超过 {MAX_BYTES // 2**20} MB 上限，未读取")
    ext = extension(name_or_url) or _type_ext(content_type) or ""
    reader = _choose(data, ext)
    try:
        text = reader(data, ext, max_chars)
    except AttachmentError:
        raise
    except zipfile.BadZipFile:
        raise AttachmentError("文件已损坏或不完整，无法读取") from None
    except Exception as exc:  # untrusted files break parsers in every way; name it, go on
        # No chained cause: a parser's message may quote the file's content (a full number).
        raise AttachmentError(f"文件无法解析({type(exc).__name__})") from None
    return text[:max_chars]


Reader = Callable[[bytes, str, int], str]


def _type_ext(content_type: str | None) -> str | None:
    return _TYPE_EXT.get((content_type or "").split(";")[0].strip().lower())


def _choose(data: bytes, ext: str) -> Reader:
    """The reader for these bytes: magic numbers first, then markup, then the extension."""
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_text
    if b"%PDF-" in data[:1024]:
        return _pdf_text
    if data.startswith(_OLE_MAGIC):
        return _ole_text
    probe = _probe(data)
    if probe.lstrip().startswith("{\\rtf"):
        return _rtf_text
    if _MHT_START.search(probe[:512]):
        return _mht_text
    if _OFFICE_XML.search(probe):
        return _office_xml_text
    if _HTML_START.search(probe):
        return _html_text
    if ext in ("pdf", "docx", "xlsx", "doc", "xls", "wps", "et") or _binary(data):
        raise AttachmentError(f"文件内容与扩展名 .{ext or '?'} 不符或格式不受支持，无法读取")
    return _plain_text


def _binary(data: bytes) -> bool:
    return looks_binary(data) and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))


def _probe(data: bytes) -> str:
    head = data[:4096]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return head.decode("utf-16", "ignore")
    return head.decode("latin-1").removeprefix("\xef\xbb\xbf")


def _capped(chunks: Iterable[str], max_chars: int) -> str:
    """Join chunks until ``max_chars`` characters are reached."""
    out: list[str] = []
    size = 0
    for chunk in chunks:
        out.append(chunk)
        size += len(chunk)
        if size >= max_chars:
            break
    return "".join(out)


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


def _rows_text(rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """One tab-separated line per non-empty row, at most MAX_ROWS rows."""
    for n, row in enumerate(rows):
        if n >= MAX_ROWS:
            return
        line = "\t".join(_cell(v) for v in row).strip()
        if line:
            yield line + "\n"


# --- zip containers: xlsx, docx


def _zip_text(data: bytes, ext: str, max_chars: int) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = set(zf.namelist())
        if "word/document.xml" in names:
            return _docx_text(zf, max_chars)
        if "xl/workbook.xml" in names:
            return _xlsx_text(data, max_chars)
    raise AttachmentError(f"压缩文件不是 Word/Excel 文档(.{ext or '?'})，无法读取")


def _xlsx_text(data: bytes, max_chars: int) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        def rows() -> Iterator[Iterable[object]]:
            for ws in wb.worksheets:
                ws.reset_dimensions()  # some writers declare A1:A1; read what is there
                yield from ws.iter_rows(values_only=True)

        return _capped(_rows_text(rows()), max_chars)
    finally:
        wb.close()


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_text(zf: zipfile.ZipFile, max_chars: int) -> str:
    info = zf.getinfo("word/document.xml")
    if info.file_size > MAX_PART_BYTES:
        raise AttachmentError("Word 文档内容过大，未读取")
    with zf.open(info) as fh:
        return _tidy(_capped(_docx_chunks(fh), max_chars))


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


# --- PDF


def _pdf_text(data: bytes, ext: str, max_chars: int) -> str:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        # Many official PDFs are encrypted only against editing: the empty password opens them.
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise AttachmentError("PDF 文件已加密(需要密码)，无法读取")
    except DependencyError:
        raise AttachmentError("PDF 文件已加密(加密算法不受支持)，无法读取") from None
    except PdfReadError:
        raise AttachmentError("PDF 文件已损坏或不完整，无法读取") from None
    pages = reader.pages

    def chunks() -> Iterator[str]:
        for n, page in enumerate(pages):
            if n >= MAX_PAGES:
                return
            yield (page.extract_text() or "") + "\n"

    text = _capped(chunks(), max_chars)
    if len(pages) and not text.strip():
        raise AttachmentError("PDF 中没有可提取的文字(可能是扫描件)，无法检查内容")
    return text


# --- OLE2 compound files: xls, doc


def _ole_text(data: bytes, ext: str, max_chars: int) -> str:
    try:
        ole = olefile.OleFileIO(data)
    except (OSError, ValueError, IndexError, struct.error):
        ole = None
    if ole is None:
        return _ole_plain_text(data, ext, max_chars)
    with ole:
        if ole.exists("EncryptedPackage"):
            raise AttachmentError("Office 文档已加密(需要密码)，无法读取")
        if ole.exists("Workbook") or ole.exists("Book"):
            return _xls_text(data, max_chars)
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


def _xls_text(data: bytes, max_chars: int) -> str:
    try:
        # xlrd prints warnings to its logfile (stdout by default): keep stdout for --json.
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
        return _capped(_rows_text(rows()), max_chars)
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
    text = _capped(_pieces(wd, clx), max_chars)
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


# --- markup: HTML renamed .doc/.xls, MHT, Office 2003 XML, RTF

_BLOCKS = frozenset(
    "p div li ul ol dl dt dd h1 h2 h3 h4 h5 h6 br table caption title section article header footer pre blockquote".split()
)
_INVISIBLE = ["script", "style", "noscript", "template", "xml", "head"]
_SPACES = re.compile(r"[^\S\n\t]+")
_TAB = re.compile(r" ?\t ?")


def _html_text(data: bytes, ext: str, max_chars: int) -> str:
    html, _ = decode_html(data, None)
    return _visible(html, max_chars)


def _visible(html: str, max_chars: int) -> str:
    """Visible text: table rows on lines, cells split by tabs, other blocks on lines."""
    tree = LexborHTMLParser(html)
    tree.strip_tags(_INVISIBLE)
    root = tree.body or tree.root
    if root is None:
        return ""
    return _tidy(_capped(_html_chunks(root), max_chars))


def _tidy(raw: str) -> str:
    """One space for each run of spaces, no spaces around tabs, no blank lines or trailing tabs."""
    lines = (_TAB.sub("\t", _SPACES.sub(" ", line)).rstrip().lstrip(" ") for line in raw.split("\n"))
    return "\n".join(line for line in lines if line)


def _html_chunks(root: LexborNode) -> Iterator[str]:
    # Text nodes are joined with nothing: Word and Excel split one number across <span> runs.
    cells = 0  # table cells we are inside: a paragraph there is not a new line
    stack: list[tuple[LexborNode, bool]] = [(root, False)]
    while stack:
        node, closing = stack.pop()
        tag = node.tag
        if closing:
            if tag in ("td", "th"):
                cells -= 1
                yield "\t"
            elif tag == "tr":
                yield "\n"
            elif tag in _BLOCKS:
                yield " " if cells else "\n"
            continue
        if tag == "-text":
            yield (node.text_content or "").replace("\n", " ").replace("\r", " ")
            continue
        cells += tag in ("td", "th")
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(list(node.iter(include_text=True))))


def _mht_text(data: bytes, ext: str, max_chars: int) -> str:
    """The HTML part of a "single file web page" (.mht) saved under a .doc name."""
    msg = email.message_from_bytes(data, policy=email.policy.compat32)
    for part in msg.walk():
        body = part.get_payload(decode=True) if part.get_content_type() == "text/html" else None
        if isinstance(body, bytes):
            charset = part.get_content_charset()
            html = body.decode(_gb(charset), "replace") if charset else decode_html(body, None)[0]
            return _visible(html, max_chars)
    raise AttachmentError("MHT 文件中没有网页内容，无法读取")


def _office_xml_text(data: bytes, ext: str, max_chars: int) -> str:
    """Word 2003 XML (w:t runs) or Excel 2003 SpreadsheetML (Data cells)."""

    def chunks() -> Iterator[str]:
        for _, el in ElementTree.iterparse(io.BytesIO(data), events=("end",)):
            local = el.tag.rsplit("}", 1)[-1]
            if local in ("t", "Data"):
                yield el.text or ""
            elif local in ("p", "Row", "tr"):
                yield "\n"
                el.clear()
            elif local in ("Cell", "tc"):
                yield "\t"

    return _capped(chunks(), max_chars)


_RTF_TOKEN = re.compile(
    r"\\([a-z]{1,32})(-?\d{1,10})? ?|\\'([0-9a-f]{2})|\\([^a-z])|([{}])|([\r\n]+)|([^\\{}\r\n]+)", re.I
)
# Destinations whose text is not document content (RTF 1.9.1 specification).
_RTF_SKIP = frozenset(
    "fonttbl colortbl stylesheet info pict object header footer themedata datastore "
    "xmlnstbl listtable listoverridetable rsidtbl generator latentstyles".split()
)
_RTF_BREAKS = {"par": "\n", "line": "\n", "row": "\n", "cell": "\t", "tab": "\t", "sect": "\n", "page": "\n"}


def _rtf_text(data: bytes, ext: str, max_chars: int) -> str:
    """Text of an RTF file: control words dropped, \\'hh bytes decoded in its code page."""
    src = data.decode("latin-1")
    m = re.search(r"\\ansicpg(\d+)", src[:4096])
    codepage = _gb(f"cp{m.group(1)}" if m else "cp936")
    return _capped(_rtf_chunks(src, codepage), max_chars)


def _rtf_chunks(src: str, codepage: str) -> Iterator[str]:
    pending = bytearray()  # \\'hh bytes of one multi-byte character arrive one by one
    depth, skip_below = 0, 0  # inside a skipped destination while skip_below > 0
    drop = 0  # fallback characters still to drop after a \\uN
    for tok in _RTF_TOKEN.finditer(src):
        word, arg, hexbyte, sym, brace, newline, plain = tok.groups()
        if newline:
            continue  # raw line breaks carry no meaning, even between two \\'hh bytes
        if hexbyte is None and pending:
            yield pending.decode(codepage, "replace")
            pending.clear()
        if brace:
            depth += 1 if brace == "{" else -1
            skip_below = 0 if depth < skip_below else skip_below
        elif skip_below:
            continue
        elif word in _RTF_SKIP or sym == "*":
            skip_below = depth
        elif word == "u" and arg:
            yield chr(int(arg) % 65536)
            drop = 1
        elif word in _RTF_BREAKS:
            yield _RTF_BREAKS[word]
        elif hexbyte:
            if drop:
                drop -= 1
            else:
                pending.append(int(hexbyte, 16))
        elif plain:
            yield plain[drop:]
            drop = 0
        elif sym and sym in "\\{}":
            yield sym
    if pending:
        yield pending.decode(codepage, "replace")


# --- plain text: csv, txt


def _gb(encoding: str) -> str:
    """GB2312/GBK/cp936 are subsets of GB18030: decode with the superset like browsers do."""
    return "gb18030" if encoding.lower().replace("-", "").replace("_", "") in ("gb2312", "gbk", "cp936") else encoding


def _plain_text(data: bytes, ext: str, max_chars: int) -> str:
    return _decode_text(data)[:max_chars]


def _decode_text(data: bytes) -> str:
    """Text of a csv/txt body: BOM, then strict UTF-8, then charset-normalizer, else GB18030."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", "replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3:  # only the last character is cut
            return data.decode("utf-8", "replace")
    best = from_bytes(data[: 256 * 1024], cp_isolation=["utf_8", "gb18030", "big5"]).best()
    encoding = _gb(best.encoding) if best is not None else "gb18030"
    return data.decode(encoding, "replace")
