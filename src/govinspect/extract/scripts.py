"""Static reading of inline JavaScript: where it redirects or what links it writes, never executed.

Defacement scripts hide their targets behind the same few layers, seen in CNCERT 暗链 reports
and public write-ups of hacked government sites: ``unescape('%68%74...')``,
``String.fromCharCode(104,116,...)``, ``atob('aHR0cDov...')``, ``\\x68`` / ``\\u0068`` escapes,
literal concatenation (``'ht'+'tp://'``), Dean Edwards' packer (``eval(function(p,a,c,k,e,d)``),
arrays of escaped strings indexed into member names (the javascript-obfuscator style
``var _0x1a2b=['\\x6c...'];window[_0x1a2b[0]][_0x1a2b[1]]=...``, its README "stringArray"
option) and bracket members (``window['location']['href']``), all wrapped in ``eval``,
``setTimeout`` strings or ``document.write``. Each layer is decoded as text and searched
for sinks (location changes, ``document.write``, ``innerHTML``, injected script elements);
a spider check (``navigator.userAgent`` / ``document.referrer`` tested for search engines)
next to a sink marks the classic cloaking redirect. Malformed code yields nothing.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from urllib.parse import unquote

__all__ = ["MAX_TARGETS", "ScriptTarget", "decode_layers", "find_targets", "fold_concat", "html_urls", "index_arrays"]

MAX_TARGETS = 50  # per piece of code
SNIPPET = 120
_MAX_LAYERS = 12
_MAX_DECODED = 400_000  # characters of decoded text examined per piece of code
_MAX_SINKS = 40  # sinks examined per pattern and layer
_SCAN = 2_000  # characters read after a sink for its argument
_SPIDER_REACH = 1_500  # a sink this far after a referrer / user-agent test is governed by it
_VAR_REACH = 20_000  # how far back a string variable's assignment is looked for


@dataclass(frozen=True, slots=True)
class ScriptTarget:
    """A URL a script sends the browser to or writes into the page (``url`` as written)."""

    url: str
    technique: str
    snippet: str
    decoded: tuple[str, ...] = ()


# Plain substrings first: most inline scripts (menus, tabs, dates) contain none of them.
_SUSPECT = ("location", "write", "HTML", ".src", "eval", "unescape", "decodeURI", "fromCharCode",
            "atob", "\\x", "\\u", "append", "prepend", ".html", "navigate", "setAttribute")  # fmt: skip
# Redirect sinks, each pattern starting with a literal so that the search skips ahead fast.
_LOCATION = re.compile(r"location(?:(?:\s*\.\s*href)?\s*=(?!=)|\s*\.\s*(?:replace|assign)\s*\()")
_BRACKET = re.compile(r"\[\s*['\"](?:location|href)['\"]\s*\]\s*=(?!=)")
_NAVIGATE = re.compile(r"\.\s*navigate\s*\(")
_WRITE = re.compile(r"\bdocument\s*\.\s*write(?:ln)?\s*\(")
_HTML = re.compile(
    r"\.\s*(?:innerHTML|outerHTML)\s*\+?=(?!=)|\.\s*insertAdjacentHTML\s*\(\s*['\"]\w+['\"]\s*,"
    r"|\.\s*(?:append|prepend|html|after|before)\s*\("
)
_EVAL = re.compile(r"\beval\s*\(|\bFunction\s*\(|\bset(?:Timeout|Interval)\s*\(")
_INJECT = re.compile(r"createElement\s*\(\s*['\"](?:script|iframe)['\"]\s*\)", re.I)
_SRC = re.compile(r"\.\s*src\s*=(?!=)|\.\s*setAttribute\s*\(\s*['\"]src['\"]\s*,")
_SPIDER_TEST = re.compile(r"referr?er|userAgent")
_ENGINES = re.compile(r"baidu|google|sogou|soso|so\.com|sm\.cn|bing|yahoo|youdao|haosou|360\.cn|spider")  # fmt: skip

_LIT = r"""(?:'((?:\\.|[^'\\\n])*)'|"((?:\\.|[^"\\\n])*)")"""
_LITERAL = re.compile(_LIT)
_UNESCAPE = re.compile(r"\b(unescape|decodeURIComponent|decodeURI)\s*\(\s*" + _LIT + r"\s*\)")
_ATOB = re.compile(r"\batob\s*\(\s*" + _LIT + r"\s*\)")
_NUM = r"(?:0[xX][0-9a-fA-F]+|\d+)"
_CHARCODE = re.compile(rf"fromCharCode\s*\(\s*({_NUM}(?:\s*,\s*{_NUM})*)\s*\)")
_PACKER = re.compile(
    r"\}\s*\(\s*" + _LIT + r"\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*" + _LIT + r"\s*\.split\(\s*['\"]\|['\"]\s*\)"
)  # fmt: skip
_EVAL_LITERAL = re.compile(r"(?:eval|Function|setTimeout|setInterval)\s*\(\s*" + _LIT)
_CONCAT = re.compile(_LIT + r"\s*\+\s*" + _LIT)
_CONCAT_HINT = re.compile(r"['\"]\s*\+\s*['\"]")
# ``var _0x1a2b = ['a', 'b']`` (string arrays) and ``name[3]`` / ``name[0x3]`` reads of them.
_ARRAY = re.compile(r"([A-Za-z_$][\w$]*)\s*=\s*\[\s*(" + _LIT + r"(?:\s*,\s*" + _LIT + r")*)\s*,?\s*\]")
_INDEX = r"\[\s*(0[xX][0-9a-fA-F]+|\d+)\s*\]"
# ``x['location']`` after a name, a closing bracket or parenthesis: the same as ``x.location``.
_MEMBER = re.compile(r"(?<=[\w$\])])\s*\[\s*(?:'([A-Za-z_$][\w$]*)'|\"([A-Za-z_$][\w$]*)\")\s*\]")
_MAX_ARRAY = 5_000  # strings of one array substituted
_ESCAPE = re.compile(r"\\(?:x([0-9a-fA-F]{2})|u\{([0-9a-fA-F]{1,6})\}|u([0-9a-fA-F]{4})|([0-7]{1,3})|(.))", re.S)  # fmt: skip
_PCT = re.compile(r"%u([0-9a-fA-F]{4})|%([0-9a-fA-F]{2})")
_TOKEN = re.compile(_LIT + r"|([A-Za-z_$][\w$.]*)|([();,\n}])")
_ATTR_URL = re.compile(r"""(?:href|src|action|data)\s*=\s*["']?\s*([^"'\s>]+)|url\s*=\s*["']?\s*([^"'\s>;]+)""", re.I)  # fmt: skip
_PLAIN_URL = re.compile(r"^(?:https?:)?//|^[\w./?%#=&~-]+$", re.I)
_ABSOLUTE = re.compile(r"(?:https?:)?//[^\s'\"<>]+$", re.I)
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}
_PACKER_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def find_targets(code: str) -> list[ScriptTarget]:
    """Every redirect or written link in ``code`` and in what it decodes to, at most ``MAX_TARGETS``."""
    if not code or not any(word in code for word in _SUSPECT):
        return []
    out: list[ScriptTarget] = []
    seen: set[tuple[str, str]] = set()
    for layer, decoded, parent_sink in decode_layers(code):
        for target in _layer_targets(layer, decoded, parent_sink):
            if (target.url, target.technique) not in seen:
                seen.add((target.url, target.technique))
                out.append(target)
        if len(out) >= MAX_TARGETS:
            break
    if any(t.url and t.technique == "referrer_check" for t in out):  # the decoded target was found
        out = [t for t in out if t.url or t.technique != "referrer_check"]
    return out[:MAX_TARGETS]


def decode_layers(code: str) -> Iterator[tuple[str, tuple[str, ...], str | None]]:
    """The code and each string it decodes to, as (text, decoders applied, sink it is fed to)."""
    # The sink is "write", "html", "location" or "eval", prefixed "spider:" when the decoding
    # call sits under a search-engine referrer or user-agent test.
    queue: list[tuple[str, tuple[str, ...], str | None]] = [(code, (), None)]
    budget, count = _MAX_DECODED, 0
    while queue and count < _MAX_LAYERS:
        text, decoded, sink = queue.pop(0)
        count += 1
        if "+" in text and _CONCAT_HINT.search(text):
            folded = fold_concat(text)
            if folded != text:
                decoded = (*decoded, "concat")
            text = folded
        if "[" in text:
            indexed = index_arrays(text)
            if indexed != text:
                escaped = "\\x" in text or "\\u" in text
                decoded = (*decoded, "array", "escape") if escaped else (*decoded, "array")
            text = _MEMBER.sub(lambda m: "." + (m.group(1) or m.group(2)), indexed)
        yield text, decoded, sink
        tests: list[int] | None = None
        for name, start, value in _decoded_strings(text):
            if value and budget > 0:
                value = value[:budget]
                budget -= len(value)
                fed = _sink_for(text, start, value)
                if fed and start >= 0:
                    tests = _spider_tests(text) if tests is None else tests
                    fed = f"spider:{fed}" if _governed(tests, start) else fed
                queue.append((value, (*decoded, name), fed))


def _decoded_strings(text: str) -> Iterator[tuple[str, int, str]]:
    """(decoder, position, decoded text) for every decodable call in ``text``."""
    if "unescape" in text or "decodeURI" in text:
        for mo in _UNESCAPE.finditer(text):
            value = _literal(mo.group(2), mo.group(3))
            yield mo.group(1), mo.start(), _percent_decode(value, mo.group(1))
    if "atob" in text:
        for mo in _ATOB.finditer(text):
            yield "atob", mo.start(), _b64(_literal(mo.group(1), mo.group(2)))
    if "fromCharCode" in text:
        for mo in _CHARCODE.finditer(text):
            yield "fromCharCode", mo.start(), _charcodes(mo.group(1))
    if ".split(" in text:
        for mo in _PACKER.finditer(text):
            yield "packer", mo.start(), _unpack(mo)
    if "eval" in text or "Function" in text or "setTimeout" in text or "setInterval" in text:
        for mo in _EVAL_LITERAL.finditer(text):
            yield "eval", mo.start(), _literal(mo.group(1), mo.group(2))
    if "\\x" in text or "\\u" in text:
        # Escapes outside a decoder call (window['\x6c\x6f...']): the code with plain literals.
        unescaped = _LITERAL.sub(_plain_literal, text)
        if unescaped != text:
            yield "escape", -1, unescaped


def _plain_literal(mo: re.Match[str]) -> str:
    """A literal rewritten without escapes when its value needs none (``'\\x6c...'`` -> ``'l...'``)."""
    value = _literal(mo.group(1), mo.group(2))
    return mo.group() if any(c in value for c in "'\"\\\n") else f"'{value}'"


def _requote(value: str) -> str:
    """A JS literal holding ``value`` (quotes inside escaped), for re-scanning decoded code."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'"


def fold_concat(text: str) -> str:
    """Join adjacent literals: ``'ht' + "tp://"`` becomes ``'http://'``."""

    def join(m: re.Match[str]) -> str:
        return _requote(_literal(m.group(1), m.group(2)) + _literal(m.group(3), m.group(4)))

    for _ in range(16):
        folded = _CONCAT.sub(join, text)
        if folded == text:
            break
        text = folded
    return text


def index_arrays(text: str) -> str:
    """Replace reads of string arrays by their values: ``a=['x','y'];b[a[1]]`` becomes ``b['y']``."""
    if "[" not in text or "=" not in text:
        return text
    for mo in islice(_ARRAY.finditer(text), _MAX_SINKS):
        name = mo.group(1)
        values = [_literal(m.group(1), m.group(2)) for m in islice(_LITERAL.finditer(mo.group(2)), _MAX_ARRAY)]

        def value(m: re.Match[str], values: list[str] = values) -> str:
            index = int(m.group(1), 0) if m.group(1)[:2].lower() == "0x" else int(m.group(1))
            return _requote(values[index]) if index < len(values) else m.group()

        reads = re.compile(r"(?<![\w$.])" + re.escape(name) + _INDEX)
        text = text[: mo.end()] + reads.sub(value, text[mo.end() :])
    return text


def _literal(single: str | None, double: str | None) -> str:
    """The value of a JS string literal from its body (one of the two groups is set)."""
    body = single if single is not None else (double or "")
    return _ESCAPE.sub(_escape_char, body) if "\\" in body else body


def _escape_char(mo: re.Match[str]) -> str:
    hex2, brace, hex4, octal, other = mo.groups()
    code = hex2 or brace or hex4
    if code:
        value = int(code, 16)
        return chr(value) if value <= 0x10FFFF else ""
    if octal:
        return chr(int(octal, 8))
    return _SIMPLE_ESCAPES.get(other, other)


def _percent_decode(value: str, name: str) -> str:
    if name == "unescape":  # %uXXXX and %XX as code points, like the browser's unescape()
        return _PCT.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), value)
    return unquote(value, errors="replace")


def _b64(value: str) -> str:
    raw = "".join(value.split()).replace("-", "+").replace("_", "/")
    try:
        data = base64.b64decode(raw + "=" * (-len(raw) % 4))
    except (binascii.Error, ValueError):
        return ""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _charcodes(numbers: str) -> str:
    values = (int(p.strip(), 0) if "x" in p.lower() else int(p) for p in numbers.split(","))
    return "".join(chr(v) for v in values if v <= 0x10FFFF)


def _unpack(mo: re.Match[str]) -> str:
    """Dean Edwards' packer: words of the payload are base-N indexes into the keyword list."""
    payload = _literal(mo.group(1), mo.group(2))
    base, words = int(mo.group(3)), _literal(mo.group(5), mo.group(6)).split("|")
    if not 2 <= base <= 62:
        return ""

    def word(m: re.Match[str]) -> str:
        index = 0
        for ch in m.group():
            digit = _PACKER_DIGITS.find(ch)
            if digit < 0 or digit >= base:
                return m.group()
            index = index * base + digit
        return words[index] if index < len(words) and words[index] else m.group()

    return re.sub(r"\b\w+\b", word, payload)


def _sink_for(parent: str, start: int, value: str) -> str | None:
    """The sink decoded text is fed to ("write", "html", "location", "eval"), None when unknown."""
    # The call it is an argument of decides; a decoded value kept in a variable is matched to
    # the parent's sinks by its shape (HTML for a write, a bare URL for a redirect).
    if start < 0:
        return None
    before = parent[max(0, start - 80) : start]
    best: tuple[int, str] | None = None
    for name, found in (
        ("write", _WRITE.finditer(before)), ("html", _HTML.finditer(before)),
        ("location", _redirects(before)), ("eval", _EVAL.finditer(before)),
    ):  # fmt: skip
        for mo in found:
            if best is None or mo.end() > best[0]:
                best = (mo.end(), name)
    if best is not None:
        return best[1]
    if value.lstrip()[:1] == "<":
        return "write" if _WRITE.search(parent) else "html" if _HTML.search(parent) else None
    if _ABSOLUTE.match(value.strip()) and next(_redirects(parent), None):
        return "location"
    return None


def _layer_targets(
    text: str, decoded: tuple[str, ...], parent_sink: str | None
) -> Iterator[ScriptTarget]:
    """Targets of one layer: its own sinks, plus the layer itself when it was fed to one."""
    tests = _spider_tests(text)
    inherited = bool(parent_sink and parent_sink.startswith("spider:"))
    parent_sink = parent_sink.removeprefix("spider:") if parent_sink else None

    def technique(pos: int, default: str) -> str:
        return "referrer_check" if inherited or _governed(tests, pos) else default

    if parent_sink == "location":
        url = text.strip()
        if _PLAIN_URL.match(url):
            yield ScriptTarget(url, technique(0, "location"), _snippet(url, 0), decoded)
    elif parent_sink in ("write", "html"):
        default = "document_write" if parent_sink == "write" else "inner_html"
        for url, pos in html_urls(text):
            yield ScriptTarget(url, technique(pos, default), _snippet(text, pos), decoded)
    if "location" in text or "href" in text or "navigate" in text:
        for mo in islice(_redirects(text), _MAX_SINKS):
            url = (_argument(text, mo.end()) or "").strip()
            kind = technique(mo.start(), "location")
            if url and _PLAIN_URL.match(url):
                yield ScriptTarget(
                    url, kind, _snippet(text, mo.start()), _marks(text, mo.end(), decoded)
                )
            elif kind == "referrer_check":
                yield ScriptTarget("", kind, _snippet(text, mo.start()), decoded)
    for pattern, default, hint in ((_WRITE, "document_write", "write"), (_HTML, "inner_html", "")):
        if hint not in text:
            continue
        for mo in islice(pattern.finditer(text), _MAX_SINKS):
            html = _argument(text, mo.end(), whole=True) or ""
            for url, _pos in html_urls(html):
                marks = _marks(text, mo.end(), decoded)
                yield ScriptTarget(
                    url, technique(mo.start(), default), _snippet(text, mo.start()), marks
                )
    if "createElement" in text and _INJECT.search(text):
        for mo in islice(_SRC.finditer(text), _MAX_SINKS):
            url = (_argument(text, mo.end()) or "").strip()
            if url and _PLAIN_URL.match(url):
                kind = technique(mo.start(), "script_inject")
                yield ScriptTarget(url, kind, _snippet(text, mo.start()), decoded)


def _redirects(text: str) -> Iterator[re.Match[str]]:
    """Redirect sinks in ``text``: location assignments and calls, bracket forms, navigate()."""
    found = [mo for mo in _LOCATION.finditer(text) if not _continues_name(text, mo.start())]
    if "['" in text or '["' in text or "[ " in text:
        found += _BRACKET.finditer(text)
    if "navigate" in text:
        found += _NAVIGATE.finditer(text)
    return iter(sorted(found, key=lambda mo: mo.start()))


def _continues_name(text: str, start: int) -> bool:
    """True when the match at ``start`` is the tail of a longer identifier (``mylocation``)."""
    return start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_$")


def _spider_tests(text: str) -> list[int]:
    """Positions of referrer or user-agent reads that test for a search engine or spider nearby."""
    if "referer" not in text and "referrer" not in text and "userAgent" not in text:
        return []
    out = []
    for mo in islice(_SPIDER_TEST.finditer(text), _MAX_SINKS):
        if _ENGINES.search(text[max(0, mo.start() - 300) : mo.end() + 300].lower()):
            out.append(mo.start())
    return out


def _governed(tests: list[int], pos: int) -> bool:
    """True when a spider test precedes ``pos`` closely (or follows it within one statement)."""
    return any(t <= pos + 200 and pos - t <= _SPIDER_REACH for t in tests)


def _marks(text: str, pos: int, decoded: tuple[str, ...]) -> tuple[str, ...]:
    """``decoded`` plus "escape" when the argument at ``pos`` was written with escapes."""
    region = text[pos : pos + 300]
    if "escape" not in decoded and ("\\x" in region or "\\u" in region):
        return (*decoded, "escape")
    return decoded


def html_urls(html: str) -> Iterator[tuple[str, int]]:
    """URLs in href/src/action attributes and refresh ``url=`` of written HTML."""
    if "<" not in html:
        return
    for mo in _ATTR_URL.finditer(html):
        url = mo.group(1) or mo.group(2) or ""
        if url and _PLAIN_URL.match(url) and not url.startswith("#"):
            yield url, mo.start()


def _argument(text: str, pos: int, whole: bool = False) -> str | None:
    """The string value of the expression at ``pos`` up to the statement's end, None when unknown."""
    # With ``whole`` (written HTML) every literal is kept and variables are dropped; otherwise
    # the value is the first literal, after a leading string variable when there is one.
    parts: list[str] = []
    depth = 0
    ident: str | None = None
    for mo in _TOKEN.finditer(text, pos, min(len(text), pos + _SCAN)):
        single, double, name, punct = mo.groups()
        if single is not None or double is not None:
            parts.append(_literal(single, double))
            if not whole:
                break
        elif name is not None:
            ident = name if ident is None and not parts else ident
        elif punct == "(":
            depth += 1
        elif punct == ")":
            depth -= 1
            if depth < 0:
                break
        elif punct != "," or (depth == 0 and not whole):
            break
    if whole:
        return "".join(parts) if parts else (_string_variable(text, ident, pos) if ident else None)
    if ident is None:
        return parts[0] if parts else None
    prefix = _string_variable(text, ident, pos)
    return None if prefix is None else prefix + (parts[0] if parts else "")


def _string_variable(text: str, name: str, before: int) -> str | None:
    """The last string literal assigned to ``name`` in the ``_VAR_REACH`` characters before ``before``."""
    pattern = re.compile(r"(?<![\w$.])" + re.escape(name) + r"\s*=\s*" + _LIT)
    value = None
    for mo in pattern.finditer(text, max(0, before - _VAR_REACH), before):
        value = _literal(mo.group(1), mo.group(2))
    return value


def _snippet(text: str, pos: int) -> str:
    """Up to ``SNIPPET`` characters of code from shortly before ``pos``, whitespace collapsed."""
    start = max(0, pos - 20)
    return " ".join(text[start : start + SNIPPET * 2].split())[:SNIPPET]
