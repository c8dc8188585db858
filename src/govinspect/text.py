"""Bytes to text the way browsers do, repaired when a page declares the wrong charset.

Chinese government sites of the TRS/Hanweb era are GB2312/GBK pages; many of them sit
behind a proxy that adds ``charset=utf-8`` to every response. w3lib applies the browser
precedence (BOM, header, <meta>, sniffing) and promotes GB2312/GBK to GB18030; when the
result is full of replacement characters we try the other declarations and then
charset-normalizer before giving up.
"""

from __future__ import annotations

import re

from w3lib.encoding import html_body_declared_encoding, html_to_unicode, resolve_encoding

_SNIFF_BYTES = 64 * 1024
# A page is badly decoded when more than this share of its characters are U+FFFD.
_BAD_RATIO = 0.002
_CANDIDATES = ("utf-8", "gb18030")


def _detect(body: bytes) -> str | None:
    """Statistical fallback for pages that declare nothing."""
    sample = body[:_SNIFF_BYTES]
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        # A multi-byte sequence cut at the sample's end is still UTF-8.
        if exc.start >= len(sample) - 3 and len(body) > _SNIFF_BYTES:
            return "utf-8"
    from charset_normalizer import from_bytes  # 5 MB and 50 ms to import: only when needed

    best = from_bytes(sample, cp_isolation=["utf_8", "gb18030", "big5", "latin_1"]).best()
    if best is None:
        return None
    enc = best.encoding
    # GB2312 and GBK are subsets of GB18030: decode with the superset like browsers do.
    return "gb18030" if enc in ("gb2312", "gbk", "gb18030") else enc


def _bad(text: str) -> bool:
    return text.count("\ufffd") > max(2, len(text) * _BAD_RATIO)


def decode_html(body: bytes, content_type: str | None) -> tuple[str, str]:
    """Return (text, encoding used) for an HTML body."""
    text, encoding, _ = decode_page(body, content_type)
    return text, encoding


def decode_page(body: bytes, content_type: str | None) -> tuple[str, str, str | None]:
    """Return (text, encoding used, problem): problem says in Chinese what could not be decoded cleanly."""
    encoding, text = html_to_unicode(content_type, body, auto_detect_fun=_detect)
    if not _bad(text):
        if encoding == "gb18030" and _utf8_lines(body):
            # UTF-8 lines read as GB18030 give plausible but wrong characters, not U+FFFD.
            mixed, _ = _line_by_line(body, encoding)
            return mixed, encoding, "页面混用 GBK 与 UTF-8 编码，已逐行分别解码"
        return text, encoding, None
    alt = _redecode(body, encoding)
    if alt is not None:
        return alt[0], alt[1], None
    # Templates in one charset with fragments pasted in another (a GBK page with a UTF-8
    # footer include, an editor that saved UTF-8 into a GBK article) are common on older
    # sites: decode each line in whichever of the two it is valid in.
    mixed, used = _line_by_line(body, encoding)
    if not _bad(mixed) and len(used) > 1:
        return mixed, encoding, "页面混用 GBK 与 UTF-8 编码，已逐行分别解码"
    share = text.count("\ufffd") / max(len(text), 1)
    return text, encoding, f"页面部分内容无法按 {encoding} 解码（{share:.1%} 的字符为乱码）"


_CJK_UTF8 = re.compile(rb"[\xe4-\xe9][\x80-\xbf]{2}")


def _utf8_lines(body: bytes) -> bool:
    """True when a GB-encoded page also holds lines that are UTF-8 Chinese (two or more characters)."""
    for line in body.split(b"\n"):
        # Decoding first: a GB line fails at its first Chinese character, before any counting.
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if len(_CJK_UTF8.findall(line)) >= 2:
            return True
    return False


def _line_by_line(body: bytes, encoding: str) -> tuple[str, set[str]]:
    used: set[str] = set()
    out = []
    for line in body.split(b"\n"):
        for enc in _CANDIDATES:
            try:
                out.append(line.decode(enc))
                if any(b > 0x7F for b in line):
                    used.add(enc)
                break
            except UnicodeDecodeError:
                continue
        else:
            out.append(line.decode(resolve_encoding(encoding) or "utf-8", errors="replace"))
    return "\n".join(out), used


def _redecode(body: bytes, encoding: str) -> tuple[str, str] | None:
    """The body decoded by another plausible declaration, when one reads cleanly."""
    tried = {resolve_encoding(encoding) or encoding}
    declared = html_body_declared_encoding(body)
    order: list[str | None] = [declared] if declared else []
    order += [_detect(body), *_CANDIDATES]
    for candidate in order:
        enc = resolve_encoding(candidate) if candidate else None
        if not enc or enc in tried:
            continue
        tried.add(enc)
        if enc in ("gb2312", "gbk"):
            enc = "gb18030"
        alt = body.decode(enc, errors="replace")
        if not _bad(alt):
            return alt, enc
    return None


_BINARY_CTRL = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
# The same control bytes as a deletion table: counting them is one C pass over the sample.
_CTRL_BYTES = bytes(range(0x00, 0x09)) + bytes(range(0x0E, 0x1B)) + bytes(range(0x1C, 0x20))


def looks_binary(body: bytes) -> bool:
    """True for bodies that are not text whatever their Content-Type says."""
    sample = body[:4096]
    if not sample:
        return False
    if sample.startswith((b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"%PDF", b"\xd0\xcf\x11\xe0")):
        return True
    return len(sample) - len(sample.translate(None, _CTRL_BYTES)) > len(sample) * 0.05
