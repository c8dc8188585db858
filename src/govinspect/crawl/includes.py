"""Footers and fragments the home page loads by script or include, fetched once per site.

Big portals keep one footer for all their pages and pull it in at view time, so the page's
own HTML carries no 主办单位, 网站标识码 or 备案 line. The forms seen on public pages and
templates (sources, read with the project's search tools; nothing copied):

* a provincial portal's own ``footer.js``, the fifth of six site scripts of its article
  template, appending the footer to ``<body>`` with ``$('body').append('...' + '...')``, one
  piece commented out (henan.gov.cn, saved in github mhxqwer/zyjhenan.gov.cn index.html and
  static/js/footer.js; its ``link.js`` ``document.writeln``s the links block the same way);
* a shared script that ``document.write``/``writeln``s the footer markup piece by piece
  (github douchaoyang/douchaoyang.github.com js/footer.js; the ICP line built with
  ``createTextNode`` in github zsdycs/lipk.org-hugo docs/js/recordInformation.js);
* jQuery ``$("#footer").load("/footer.html")`` from an inline script or a shared one (many
  site templates, e.g. find_string ``.load("/foot`` hits), ``$.ajax({url: "footer.html"})``
  then ``replaceAll("#footer")`` (github zhangjieming-0108/HY public/js/footer.js), and
  ``fetch("/include/footer.html")`` into ``innerHTML``;
* a footer built from a JSON file (``fetch('footer_config.json')`` then ``textContent``);
* server-side includes ``<!--#include virtual="/include/footer.html"-->`` that reach the
  browser unprocessed when a page is served by a server without SSI (find_string hits in
  ASP, JSP and static templates), and ``<iframe src="foot.htm">`` footers.

The probe fetches the home page once more (the crawl keeps no raw HTML), finds these
references, fetches each fragment once (a few requests per site, size-capped) and stores what
a visitor would see: text, links and script signals of each fragment, plus what could not be
read and why. ``checks/identity.py`` judges the footer items on the home page and these
fragments together. Nothing here executes script: markup is read from string literals.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from ..errors import FetchError
from ..extract.html import extract_page
from ..extract.links import UrlResolver
from ..extract.scripts import decode_layers
from ..http import Fetcher
from ..model import Page
from ..snapshot import Snapshot
from ..text import decode_html, looks_binary

__all__ = ["MAX_FETCHES", "Ref", "find_refs", "probe_includes", "script_markup"]

MAX_FETCHES = 10  # fragment and script requests per site
MAX_SCRIPTS = 6  # of them, shared scripts read for written markup
MAX_BYTES = 512 * 1024
MAX_TEXT = 20_000
MAX_LINKS = 200
MAX_DEPTH = 2  # a fragment may load one more (a footer script that loads a footer page)
_MAX_CODE = 300_000  # characters of one script read for markup

# Names of footer files and containers: foot/footer/bottom, 底部 (dibu, db), 版权 (banquan, bq),
# copyright, tail; seen in the templates cited above and in TRS/Hanweb sites' /include/ folders.
_FOOTER_NAME = re.compile(r"foot|bottom|dibu|banquan|copyright|(?:^|[^a-z])(?:tail|bq|db|ft|wb)(?:[^a-z]|$)", re.I)
# Libraries and widgets never write a site's footer (files of well-known projects).
_LIBRARY = re.compile(
    r"jquery|bootstrap|vue|react|angular|swiper|layui|layer\.|echarts|html5shiv|respond\.|polyfill"
    r"|modernizr|zepto|lodash|axios|superslide|slick|owl\.|wow\.|require\.|sea\.|analytics|hm\.js"
    r"|cnzz|stat|conac|jiucuo|wza|aria|barrier|share", re.I)
# Ids of the box a script fills with the footer: footer, foot, ft, bottom, dibu, copyright, and
# the same with a -box/-wrap/... suffix (not "goBottom" buttons or "footer-bg" decorations).
_FOOTER_BOX = re.compile(
    r"^(?:footer|foot|ft|bottom|dibu|db|copyright|banquan|bq)(?:[-_]?(?:box|wrap|wrapper|container|con|main"
    r"|bar|info|area|div|content|\d+))?$", re.I)
_FRAGMENT_EXT = re.compile(r"\.(?:s?html?|inc|jsp|aspx?|php|txt|json)$", re.I)
_SCRIPT_TYPES = ("", "text/javascript", "application/javascript", "application/x-javascript",
                 "text/ecmascript", "module")
# SSI and JSP include directives; a browser shows nothing of them.
_SSI = re.compile(r"<!--\s*#\s*include\s+(?:virtual|file)\s*=\s*[\"']([^\"']+)[\"'][^>]*-->", re.I)
_JSP = re.compile(r"<jsp:include\s+page\s*=\s*[\"']([^\"']+)[\"']", re.I)
_INCLUDE_ATTRS = ("data-include", "data-include-html", "w3-include-html", "include-html", "data-load",
                  "data-html", "data-src", "data-url", "data-href")
_NO_INCLUDE_TAGS = frozenset({"img", "iframe", "frame", "script", "video", "audio", "source", "link",
                              "input", "image", "picture"})
# Sinks that put markup or text into the page.
_SINK = re.compile(
    r"document\s*\.\s*write|innerHTML|outerHTML|insertAdjacentHTML|createTextNode|textContent|innerText"
    r"|\.\s*(?:html|append|prepend|after|before|replaceWith|replaceAll|appendTo)\s*\(")
_LIT = r"""'((?:\\.|[^'\\\n])*)'|"((?:\\.|[^"\\\n])*)\""""
_LOAD = re.compile(r"\.\s*load\s*\(\s*(?:" + _LIT + ")")
_GET = re.compile(r"(?:\$|jQuery)\s*\.\s*(?:get|post|ajax|getJSON)\s*\(\s*(?:" + _LIT + ")"
                  r"|\bfetch\s*\(\s*(?:" + _LIT + ")"
                  r"|\.\s*open\s*\(\s*['\"](?:GET|POST)['\"]\s*,\s*(?:" + _LIT + ")"
                  r"|\burl\s*:\s*(?:" + _LIT + ")", re.I)
_TOKEN = re.compile(
    r"'((?:\\.|[^'\\\n])*)'|\"((?:\\.|[^\"\\\n])*)\"|`((?:\\.|[^`\\])*)`"  # literals
    r"|//[^\n]*|/\*.*?\*/"  # comments
    r"|([A-Za-z_$][\w$]*)"  # identifiers
    r"|(\+=|==|=|\+|[;,\n(){}\[\]])",  # the operators that matter
    re.S,
)
_ESCAPE = re.compile(r"\\(?:x([0-9a-fA-F]{2})|u\{([0-9a-fA-F]{1,6})\}|u([0-9a-fA-F]{4})|(\r?\n)|(.))", re.S)
_SIMPLE = {"n": "\n", "r": "", "t": " ", "b": "", "f": "", "v": "", "0": ""}
_TEMPLATE_EXPR = re.compile(r"\$\{[^}]*\}")
# Any of the footer items in a page's own text: then the footer is (at least partly) inline.
_FOOTER_MARK = re.compile(r"ICP|公网安备|公安机关备案|网站标识码|网站识别码|主\s*办\s*单?\s*位?\s*[:：]|版权所有", re.I)
_DATA_CALL = re.compile(r"getJSON|\.ajax\s*\(|\$\.get\s*\(|\bfetch\s*\(|XMLHttpRequest|axios")
_DECODERS = frozenset({"unescape", "decodeURIComponent", "decodeURI", "atob", "fromCharCode"})
_MARKUP = re.compile(r"<[A-Za-z!/]|[\u4e00-\u9fff]")


@dataclass(frozen=True, slots=True)
class Ref:
    """A fragment or script the page pulls in: absolute URL and how (``via``)."""

    url: str
    via: str  # script, load, ajax, ssi, include_attr, iframe, object, data
    charset: str = ""  # <script charset="gb2312">: how the page tells the browser to decode it

    @property
    def footer(self) -> bool:
        """True when the reference is a footer by its name or by how footers are loaded."""
        return self.via in ("load", "ssi", "include_attr") or bool(_FOOTER_NAME.search(_path_tail(self.url)))


@dataclass(slots=True)
class Found:
    """What one document references and writes: fragment refs, inline markup, empty footer boxes."""

    refs: list[Ref]
    markup: list[str]
    containers: list[str]


def find_refs(html: str, base: str) -> Found:
    """The includes of a page: SSI/JSP directives, include attributes, frames, scripts and inline writes."""
    resolve = UrlResolver(base)
    refs: list[Ref] = []

    def add(raw: str, via: str, charset: str = "") -> None:
        url = resolve(raw.strip().split(" ", 1)[0]) if raw and raw.strip() else None
        if url and url.startswith(("http://", "https://")) and all(r.url != url for r in refs):
            refs.append(Ref(url, via, charset.strip().lower()))

    for pattern in (_SSI, _JSP):
        for m in pattern.finditer(html):
            add(m.group(1), "ssi")
    tree = LexborHTMLParser(html)
    markup: list[str] = []
    for node in tree.css("script"):
        attrs = node.attributes
        src = attrs.get("src")
        if src:
            add(src, "script", attrs.get("charset") or "")
            continue
        if (attrs.get("type") or "").strip().lower() not in _SCRIPT_TYPES:
            continue  # templates (type="text/html") are not shown as they are
        code = node.text(deep=True) or ""
        for url, via in code_refs(code):
            add(url, via)
        written = script_markup(code)
        if written:
            markup.append(written)
    for node in tree.css("iframe[src], frame[src]"):
        add(node.attributes.get("src") or "", "iframe")
    for node in tree.css("object[data], embed[src]"):
        raw = node.attributes.get("data") or node.attributes.get("src") or ""
        if _FRAGMENT_EXT.search(urlsplit(raw).path):
            add(raw, "object")
    for attr in _INCLUDE_ATTRS:
        for node in tree.css(f"[{attr}]"):
            raw = node.attributes.get(attr) or ""
            box = _FOOTER_BOX.match(node.attributes.get("id") or "") or node.tag == "footer"
            if node.tag not in _NO_INCLUDE_TAGS and (box or _FRAGMENT_EXT.search(urlsplit(raw).path)):
                add(raw, "include_attr")
    return Found(refs, markup, _empty_containers(tree))


def _empty_containers(tree: LexborHTMLParser) -> list[str]:
    """Footer boxes with nothing in them (``<div id="footer"></div>``, ``<footer></footer>``)."""
    out: list[str] = []
    for node in tree.css("footer, [id]"):
        ident = node.attributes.get("id") or ""
        if node.tag != "footer" and not _FOOTER_BOX.match(ident):
            continue
        text = node.text(deep=True) or ""
        for script in node.css("script, style"):  # a loader script inside the box is not content
            text = text.replace(script.text(deep=True) or "", "")
        if text.strip() or node.css_first("img, a, iframe") is not None:
            continue
        out.append(f"{node.tag}#{ident}" if ident else str(node.tag))
    return out[:5]


def code_refs(code: str) -> Iterator[tuple[str, str]]:
    """URLs a script loads into the page: ``.load(url)`` and, for fragments or footer data, ajax/fetch."""
    if "load" in code:
        for m in _LOAD.finditer(code):
            yield _js_string(m.group(1), m.group(2)).strip(), "load"
    footerish = bool(_FOOTER_NAME.search(code))
    for m in _GET.finditer(code):
        groups = [g for g in m.groups() if g is not None]
        url = _js_string(groups[0], None).strip() if groups else ""
        path = urlsplit(url).path
        if not url or url.startswith(("javascript:", "#")):
            continue
        if _FRAGMENT_EXT.search(path) and (footerish or _FOOTER_NAME.search(path)):
            yield url, "ajax"


def script_markup(code: str) -> str:
    """The markup and text a script writes into the page, read from its string literals ("" if none)."""
    code = code[:_MAX_CODE]
    if not _SINK.search(code):
        return ""
    parts = list(_literal_stream(code))
    for layer, decoded, _sink in decode_layers(code):
        if decoded and decoded[-1] in _DECODERS and "<" in layer and "function" not in layer:
            parts.append(layer)  # unescape('%3Cp%3E...'), atob(...) of markup
    joined = "".join(parts)
    return joined if _MARKUP.search(joined) else ""


def _literal_stream(code: str) -> Iterator[str]:
    """String literals in order, with simple string variables put where they are concatenated."""
    tokens: list[tuple[str, str]] = []
    for m in _TOKEN.finditer(code):
        single, double, template, ident, op = m.groups()
        if single is not None or double is not None:
            tokens.append(("lit", _js_string(single, double)))
        elif template is not None:
            tokens.append(("lit", _js_string(_TEMPLATE_EXPR.sub("", template), None)))
        elif ident is not None:
            tokens.append(("id", ident))
        elif op is not None:
            tokens.append(("op", op))
    # name = 'literal' (alone, ended by ; , or a new line): remembered, not written where assigned.
    values: dict[str, str] = {}
    assigned: set[int] = set()
    for i in range(len(tokens) - 2):
        if tokens[i][0] == "id" and tokens[i + 1] == ("op", "=") and tokens[i + 2][0] == "lit":
            after = tokens[i + 3] if i + 3 < len(tokens) else ("op", ";")
            if after[0] == "op" and after[1] in (";", ",", "\n", "}"):
                values.setdefault(tokens[i][1], tokens[i + 2][1])
                assigned.add(i + 2)
    for i, (kind, value) in enumerate(tokens):
        if kind == "lit" and i not in assigned:
            yield value
        elif kind == "id" and value in values:
            before = tokens[i - 1] if i else ("op", "")
            after = tokens[i + 1] if i + 1 < len(tokens) else ("op", "")
            if before in (("op", "+"), ("op", "+="), ("op", "(")) or after == ("op", "+"):
                yield values[value]


def _js_string(single: str | None, double: str | None) -> str:
    body = single if single is not None else (double or "")
    return _ESCAPE.sub(_escape_char, body) if "\\" in body else body


def _escape_char(m: re.Match[str]) -> str:
    hex2, brace, hex4, newline, other = m.groups()
    code = hex2 or brace or hex4
    if code:
        value = int(code, 16)
        return chr(value) if value <= 0x10FFFF else ""
    if newline:
        return ""
    return _SIMPLE.get(other, other)


def _path_tail(url: str) -> str:
    path = urlsplit(url).path
    return path.rsplit("/", 2)[-2] + "/" + path.rsplit("/", 1)[-1] if path.count("/") >= 2 else path


def _wanted_script(url: str, hosts: set[str], bare: bool = False) -> bool:
    """Shared scripts worth reading: the site's own or footer-named ones (any, on a page without footer); no libraries."""
    tail = _path_tail(url)
    if _LIBRARY.search(tail.rsplit("/", 1)[-1]):
        return False
    host = (urlsplit(url).hostname or "").lower()
    return bare or host in hosts or bool(_FOOTER_NAME.search(tail))


async def probe_includes(snap: Snapshot, fetcher: Fetcher, as_of: date | None = None) -> dict[str, Any]:
    """Fetch what the home page includes; the result goes to ``snap.probes["includes"]``."""
    home = snap.home
    url = (home.final_url or home.url) if home is not None else (snap.home_url or "")
    result: dict[str, Any] = {"url": url, "error": None, "fragments": [], "unresolved": [], "containers": []}
    if home is None or not url:
        result["error"] = "no_home"
        return result
    try:
        resp = await fetcher.fetch(url, max_bytes=None)
    except FetchError as exc:
        result["error"] = exc.kind
        return result
    if resp.status >= 400 or not resp.body or looks_binary(resp.body):
        result["error"] = f"HTTP {resp.status}" if resp.status >= 400 else "empty"
        return result
    try:
        html, encoding = decode_html(resp.body, resp.headers.get("content-type"))
        ref_date = as_of or snap.as_of or date.today()
        found = find_refs(html, resp.final_url)
        result["containers"] = found.containers
        hosts = {h.lower() for h in snap.scope_hosts} | {(urlsplit(resp.final_url).hostname or "").lower()}
        refs = list(found.refs)
        for markup in found.markup:  # what inline scripts write may load more (an iframe, a script)
            _add_fragment(result, resp.final_url, "inline_script", markup, resp.final_url, ref_date)
            refs += [r for r in find_refs(markup, resp.final_url).refs if all(r.url != o.url for o in refs)]
        # A home page that shows no footer item at all: any script may be what writes it.
        bare = home.ok and not _FOOTER_MARK.search(home.text)
        result["bare"] = bare
        await _follow(snap, fetcher, result, _ordered(refs), resp.final_url, encoding, hosts, ref_date, bare)
    except Exception as exc:  # markup beyond what the readers survive: reported, never a crashed crawl
        result["error"] = f"{type(exc).__name__}: {exc}"[:200]
    return result


def _ordered(refs: list[Ref]) -> list[Ref]:
    """Fragments first, then scripts: footer-named ones, then the rest from the page's end (footers come last)."""
    scripts = [r for r in refs if r.via == "script"]
    named = [r for r in scripts if r.footer]
    return [r for r in refs if r.via != "script"] + named + [r for r in reversed(scripts) if not r.footer]


async def _follow(
    snap: Snapshot, fetcher: Fetcher, result: dict[str, Any], refs: list[Ref], doc: str,
    encoding: str, hosts: set[str], as_of: date, bare: bool = False,
) -> None:
    """Fetch each reference once, breadth-first, up to MAX_DEPTH levels and MAX_FETCHES requests."""
    queue = [(ref, 1) for ref in refs]
    seen = {ref.url for ref in refs}
    fetches = scripts = 0
    while queue and fetches < MAX_FETCHES:
        ref, depth = queue.pop(0)
        if ref.via == "iframe":
            frame = snap.page(ref.url)
            if frame is not None and frame.ok:
                continue  # crawled as a page: checks/identity.py reads it from the snapshot
            if not ref.footer:
                continue
        if ref.via == "script":
            if scripts >= MAX_SCRIPTS or not _wanted_script(ref.url, hosts, bare):
                continue
            scripts += 1
        fetches += 1
        try:
            resp = await fetcher.fetch(ref.url, max_bytes=MAX_BYTES)
        except FetchError as exc:
            _unresolved(result, ref, exc.kind, exc.detail or exc.kind)
            continue
        if resp.status >= 400 or not resp.body or looks_binary(resp.body):
            error = f"HTTP {resp.status}" if resp.status >= 400 else "empty"
            _unresolved(result, ref, error, "内容为空或不是文本" if resp.status < 400 else f"HTTP {resp.status}")
            continue
        text = _decode(resp.body, resp.headers.get("content-type"), ref.charset or encoding)
        kind = _kind(resp.final_url, resp.headers.get("content-type", ""), text)
        # Fragments inserted into the page resolve their links against the page; frames against themselves.
        base = resp.final_url if ref.via == "iframe" else doc
        more: list[Ref] = []
        if kind == "script":
            markup = script_markup(text)
            more = [Ref(u, via) for u, via in _resolved(code_refs(text), base)]
            if markup:
                _add_fragment(result, ref.url, ref.via, markup, base, as_of)
                more += find_refs(markup, base).refs
            elif (ref.footer or (bare and _DATA_CALL.search(text) and _SINK.search(text))) and not more:
                _unresolved(result, ref, "script_data", "脚本未写出可读的页面内容(可能由数据生成)")
        elif kind == "json":
            markup = " ".join(_json_strings(text))
            if _MARKUP.search(markup):
                _add_fragment(result, ref.url, ref.via, markup, base, as_of)
            else:
                _unresolved(result, ref, "data", "数据接口内容无法读取为页面内容")
        else:
            _add_fragment(result, ref.url, ref.via, text, base, as_of)
            sub = find_refs(text, base)
            more = sub.refs
        if depth < MAX_DEPTH:
            for r in more:
                if r.url not in seen:
                    seen.add(r.url)
                    queue.append((r, depth + 1))


def _resolved(pairs: Iterator[tuple[str, str]], base: str) -> list[tuple[str, str]]:
    resolve = UrlResolver(base)
    out = []
    for raw, via in pairs:
        url = resolve(raw.split(" ", 1)[0]) if raw else None
        if url and url.startswith(("http://", "https://")):
            out.append((url, via))
    return out


def _decode(body: bytes, content_type: str | None, page_encoding: str) -> str:
    """Text of a fragment or script: its declared charset, else UTF-8, else the given one (tag or page)."""
    if content_type and "charset=" in content_type.lower():
        return decode_html(body, content_type)[0]
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if page_encoding:
        # GB2312 and GBK are decoded with their superset, as browsers do (text.py).
        enc = "gb18030" if page_encoding.lower().replace("-", "") in ("gb2312", "gbk", "gb18030") else page_encoding
        try:
            return body.decode(enc)
        except (UnicodeDecodeError, LookupError):
            pass
    return decode_html(body, content_type)[0]


def _kind(url: str, content_type: str, text: str) -> str:
    ct = content_type.lower()
    path = urlsplit(url).path.lower()
    if "javascript" in ct or "ecmascript" in ct or path.endswith(".js"):
        return "script"
    stripped = text.lstrip()
    if "json" in ct or path.endswith(".json") or (stripped[:1] in ("{", "[") and "<" not in stripped[:200]):
        return "json"
    return "html"


def _json_strings(text: str) -> Iterator[str]:
    try:
        data = json.loads(text)
    except ValueError:
        return
    stack = [data]
    while stack:
        item = stack.pop(0)
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _add_fragment(result: dict[str, Any], url: str, via: str, markup: str, base: str, as_of: date) -> None:
    page = Page(url=base, final_url=base)
    try:
        extract_page(page, markup, as_of)
    except Exception as exc:  # a fragment the parser cannot read is reported, not dropped
        result["unresolved"].append({"url": url, "via": via, "error": "decode",
                                     "reason": f"{type(exc).__name__}: {exc}"[:200], "footer": True})
        return
    result["fragments"].append({
        "url": url, "via": via, "text": page.text[:MAX_TEXT],
        "links": [{"url": link.url, "text": link.text, "tag": link.tag} for link in page.links[:MAX_LINKS]],
        "script_targets": page.script_targets[:20],
    })


def _unresolved(result: dict[str, Any], ref: Ref, error: str, reason: str) -> None:
    # On a page without any footer item, a script that cannot be read may be the footer.
    footer = ref.footer or (bool(result.get("bare")) and ref.via == "script")
    result["unresolved"].append({"url": ref.url, "via": ref.via, "error": error, "reason": reason,
                                 "footer": footer})
