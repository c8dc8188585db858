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
import io
import logging
import re
import zipfile
from collections.abc import Callable, Iterator
from functools import partial

from ..text import looks_binary
from .doc_common import AttachmentError, capped
from .doctypes import ATTACHMENT_EXTENSIONS, extension, is_attachment, type_extension
from .markup_docs import html_text, mht_text, office_xml_text, plain_text, rtf_text
from .office import MAX_PART_BYTES, MAX_ROWS, ole_text, zip_text

__all__ = [
    "ATTACHMENT_EXTENSIONS",
    "MAX_BYTES",
    "MAX_PAGES",
    "MAX_PART_BYTES",
    "MAX_ROWS",
    "AttachmentError",
    "attachment_text",
    "extension",
    "is_attachment",
]

# pypdf logs every malformed object it repairs; one notice per file is enough for us.
logging.getLogger("pypdf").setLevel(logging.ERROR)

MAX_BYTES = 64 * 1024 * 1024  # larger downloads are refused, not read
# MAX_ROWS (from office) is read here at each call and handed to the spreadsheet readers.
MAX_PAGES = 500  # PDF pages read per file
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML_START = re.compile(r"<(?:!doctype\s+html|html|head|body|meta|title|table|div|p|span)[\s>/]", re.I)
_OFFICE_XML = re.compile(r"<(?:\w+:)?(?:wordDocument|Workbook)[\s>]|progid=\"(?:Word\.Document|Excel\.Sheet)\"")
_MHT_START = re.compile(r"^(?:mime-version:|content-type:\s*multipart/related)", re.I | re.M)


def attachment_text(
    data: bytes, name_or_url: str, content_type: str | None = None, max_chars: int = 2_000_000
) -> str:
    """The visible text of an attachment, at most ``max_chars`` characters."""
    if not data:
        raise AttachmentError("附件内容为空")
    if len(data) > MAX_BYTES:
        raise AttachmentError(f"附件过大({len(data) // 2**20} MB)，超过 {MAX_BYTES // 2**20} MB 上限，未读取")
    ext = extension(name_or_url) or type_extension(content_type) or ""
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


def _choose(data: bytes, ext: str) -> Reader:
    """The reader for these bytes: magic numbers first, then markup, then the extension."""
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return partial(zip_text, max_rows=MAX_ROWS)
    if b"%PDF-" in data[:1024]:
        return _pdf_text
    if data.startswith(_OLE_MAGIC):
        return partial(ole_text, max_rows=MAX_ROWS)
    probe = _probe(data)
    if probe.lstrip().startswith("{\\rtf"):
        return rtf_text
    if _MHT_START.search(probe[:512]):
        return mht_text
    if _OFFICE_XML.search(probe):
        return office_xml_text
    if _HTML_START.search(probe):
        return html_text
    if ext in ("pdf", "docx", "xlsx", "doc", "xls", "wps", "et") or _binary(data):
        raise AttachmentError(f"文件内容与扩展名 .{ext or '?'} 不符或格式不受支持，无法读取")
    return plain_text


def _binary(data: bytes) -> bool:
    return looks_binary(data) and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))


def _probe(data: bytes) -> str:
    head = data[:4096]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return head.decode("utf-16", "ignore")
    return head.decode("latin-1").removeprefix("\xef\xbb\xbf")


# --- PDF


def _pdf_text(data: bytes, ext: str, max_chars: int) -> str:
    # pypdf is imported with the first PDF: a crawl that reads none never loads it.
    from pypdf import PasswordType, PdfReader
    from pypdf.errors import DependencyError, PdfReadError

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

    text = capped(chunks(), max_chars)
    if len(pages) and not text.strip():
        raise AttachmentError("PDF 中没有可提取的文字(可能是扫描件)，无法检查内容")
    return text
