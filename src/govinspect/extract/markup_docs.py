"""Readers of text-based attachments: HTML renamed .doc/.xls, MHT, Office 2003 XML, RTF, csv/txt.

Each reader takes ``(data, ext, max_chars)`` and returns visible text or raises
``AttachmentError``; ``attachments.attachment_text`` chooses among them.
"""

from __future__ import annotations

import codecs
import email
import email.policy
import io
import re
from collections.abc import Iterator
from xml.etree import ElementTree

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..text import decode_html
from .doc_common import AttachmentError, capped, gb_superset, tidy

__all__ = ["html_text", "mht_text", "office_xml_text", "plain_text", "rtf_text"]

_BLOCKS = frozenset(
    "p div li ul ol dl dt dd h1 h2 h3 h4 h5 h6 br table caption title section article header footer pre blockquote".split()
)
_INVISIBLE = ["script", "style", "noscript", "template", "xml", "head"]


def html_text(data: bytes, ext: str, max_chars: int) -> str:
    html, _ = decode_html(data, None)
    return _visible(html, max_chars)


def _visible(html: str, max_chars: int) -> str:
    """Visible text: table rows on lines, cells split by tabs, other blocks on lines."""
    tree = LexborHTMLParser(html)
    tree.strip_tags(_INVISIBLE)
    root = tree.body or tree.root
    if root is None:
        return ""
    return tidy(capped(_html_chunks(root), max_chars))


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


def mht_text(data: bytes, ext: str, max_chars: int) -> str:
    """The HTML part of a "single file web page" (.mht) saved under a .doc name."""
    msg = email.message_from_bytes(data, policy=email.policy.compat32)
    for part in msg.walk():
        body = part.get_payload(decode=True) if part.get_content_type() == "text/html" else None
        if isinstance(body, bytes):
            charset = part.get_content_charset()
            html = body.decode(gb_superset(charset), "replace") if charset else decode_html(body, None)[0]
            return _visible(html, max_chars)
    raise AttachmentError("MHT 文件中没有网页内容，无法读取")


def office_xml_text(data: bytes, ext: str, max_chars: int) -> str:
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

    return capped(chunks(), max_chars)


_RTF_TOKEN = re.compile(
    r"\\([a-z]{1,32})(-?\d{1,10})? ?|\\'([0-9a-f]{2})|\\([^a-z])|([{}])|([\r\n]+)|([^\\{}\r\n]+)", re.I
)
# Destinations whose text is not document content (RTF 1.9.1 specification).
_RTF_SKIP = frozenset(
    "fonttbl colortbl stylesheet info pict object header footer themedata datastore "
    "xmlnstbl listtable listoverridetable rsidtbl generator latentstyles".split()
)
_RTF_BREAKS = {"par": "\n", "line": "\n", "row": "\n", "cell": "\t", "tab": "\t", "sect": "\n", "page": "\n"}


def rtf_text(data: bytes, ext: str, max_chars: int) -> str:
    """Text of an RTF file: control words dropped, \\'hh bytes decoded in its code page."""
    src = data.decode("latin-1")
    m = re.search(r"\\ansicpg(\d+)", src[:4096])
    codepage = gb_superset(f"cp{m.group(1)}" if m else "cp936")
    return capped(_rtf_chunks(src, codepage), max_chars)


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


def plain_text(data: bytes, ext: str, max_chars: int) -> str:
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
    from charset_normalizer import from_bytes  # 5 MB and 50 ms to import: only when needed

    best = from_bytes(data[: 256 * 1024], cp_isolation=["utf_8", "gb18030", "big5"]).best()
    encoding = gb_superset(best.encoding) if best is not None else "gb18030"
    return data.decode(encoding, "replace")
