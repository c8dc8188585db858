"""Security signals of a page (hidden links, script redirects), collected while it is parsed.

Hidden links (暗链) are recorded with the technique that hides them, whatever they point to;
``checks/hijack.py`` decides which ones are planted. The techniques are those of real
defacements described in CNCERT 网站暗链 reports and provincial inspection circulars: inline
styles (``display:none``, ``position:absolute;top:-999px``, ``font-size:0``, 1-pixel boxes
with ``overflow:hidden``, ``text-indent:-9999px``, ``opacity:0``, text coloured like its
background), the same declarations in a ``<style>`` rule for a simple selector, the
``hidden`` attribute, ``<marquee>`` boxes one pixel high or scrolling thousands of pixels
a step, and 1-pixel iframes. Everything inside a hidden box is hidden. Script targets come
from ``extract/scripts.py`` (static decoding, nothing is executed) and from meta refresh; each
carries its ``source``: ``script``, ``meta``, ``load`` (onload/onerror handlers, which run by
themselves) or ``attribute`` (onclick and the like, which wait for the visitor).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from govinspect.checks.spam import signals
from govinspect.extract.scripts import decode_layers, find_targets
from govinspect.extract.suspicious import sandbox_candidates
from govinspect.model import Page

from .links import UrlResolver, collapse

__all__ = [
    "MAX_HIDDEN", "MAX_SCRIPT_CHARS", "MAX_SCRIPT_TARGETS", "MAX_WRITTEN_TEXT", "css_rules", "hiding", "meta_refresh_url",
    "security_signals",
]  # fmt: skip

log = logging.getLogger(__name__)

MAX_HIDDEN = 200  # hidden links kept per page
MAX_SCRIPT_CHARS = 200_000  # inline script text examined per page (head and tail of a huge one)
MAX_SCRIPT_TARGETS = 50
_MAX_SELECTORS = 60  # hiding selectors of <style> rules tried per technique
_OFFSCREEN_PX = -200  # left/top/text-indent this far out hides the box (real cases: -999, -9999)
_TINY_PX = 1  # widths, heights and font sizes at or below this show nothing
_MARQUEE_SPEED = 200  # scrollamount: a news ticker uses 1-10, a hiding marquee thousands

# The elements read, in the order of these four queries (each in document order). They are
# asked as one group (one walk of the tree, measured 40% faster than four on the bench site)
# and put back in that order by ``_candidates``.
_SELECTORS = ("style, script, meta, marquee, iframe", "[style]", "[hidden]",
              "[onload], [onclick], [onmouseover], [onerror], [onpageshow]")  # fmt: skip
_SELECTOR = ", ".join(_SELECTORS)
_FIRST_TAGS = frozenset({"style", "script", "meta", "marquee", "iframe"})
_TARGETS = "a, iframe"
# Event handlers that run without the visitor doing anything (a redirect there is automatic).
_AUTOMATIC = frozenset({"onload", "onerror", "onpageshow", "onreadystatechange", "onbeforeunload", "onunload"})
_JS_TYPES = frozenset({"", "text/javascript", "application/javascript", "module", "text/ecmascript", "text/jscript"})  # fmt: skip
# Declarations that can hide something; a style without any of them is not parsed at all.
_TRIGGER = re.compile(r"none|hidden|collapse|-\d|font-size|opacity|background|line-height|(?:width|height)\s*:\s*[0-9.]", re.I)  # fmt: skip
_LENGTH = re.compile(r"^(-?\d*\.?\d+)\s*(px|pt|em|rem|%)?$")
_UNITS = {None: 1.0, "px": 1.0, "pt": 4 / 3, "em": 16.0, "rem": 16.0}
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_BRACE = re.compile(r"[{}]")
_SIMPLE_SELECTOR = re.compile(r"^[A-Za-z0-9_\-#.*\s>+~]+$")
_ROOT_SELECTOR = re.compile(r"(?:^|[\s>+~])(?:html|body|\*)$", re.I)
_COLOR_NAMES = {"white": "#ffffff", "black": "#000000", "red": "#ff0000", "#fff": "#ffffff", "#000": "#000000"}  # fmt: skip
_PLAIN_PATH = re.compile(r"^[A-Za-z0-9_\-.~/?=&%+,;:@!$'()*]*$")  # ASCII, no fragment or space
# Scripts that may write text (a title for spiders, a block of casino words): their string
# literals and decoded layers are read for spam words; ordinary ones (menus, dates) never are.
_WRITES_TEXT = ("document.title", "write", "innerHTML", "innerText", "textContent", "\\u", "\\x", "%u",
                "unescape", "fromCharCode", "atob", "eval")  # fmt: skip
_STRING = re.compile(r"'((?:\\.|[^'\\\n])*)'" + r'|"((?:\\.|[^"\\\n])*)"')
_TAG = re.compile(r"<[^>]*>")
_SINK_BEFORE = re.compile(r"write|HTML|title|html\(|append|prepend|textContent|innerText|\+=")
_CJK = re.compile(r"[\u4e00-\u9fff]")
MAX_WRITTEN_TEXT = 4_000  # characters of a script's Chinese strings read for spam words
_REFRESH = re.compile(r"url\s*=\s*['\"]?\s*([^'\";\s]+)", re.I)
_RGB = re.compile(r"rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)")


def security_signals(tree: LexborHTMLParser, page: Page, resolve: UrlResolver) -> None:
    """Fill ``page.hidden_links`` and ``page.script_targets`` from the parsed tree; never raises."""
    page.hidden_links = []
    page.script_targets = []
    try:
        boxes, css, code, refresh = _scan(tree)
        boxes += _stylesheet_boxes(tree, css)
        page.hidden_links = _hidden_links(boxes, resolve)
        page.script_targets = _script_targets(code, refresh, resolve)
        page.pending_scripts = sandbox_candidates(text for text, source in code if source == "script")
    except Exception:  # a signal we cannot read must never cost the page its other data
        log.warning("security signals failed on %s", page.url, exc_info=True)


Box = tuple[LexborNode, str, str]  # (element, technique, via)


def _scan(tree: LexborHTMLParser) -> tuple[list[Box], list[str], list[tuple[str, str]], list[str]]:
    """One walk over the candidate elements: hidden boxes, style sheets, code, refresh contents."""
    boxes: list[Box] = []
    css: list[str] = []
    code: list[tuple[str, str]] = []
    refresh: list[str] = []
    for node, tag, attrs in _candidates(tree):
        if tag == "style":
            css.append(node.text())
            continue
        if tag == "script":
            if not attrs.get("src") and (attrs.get("type") or "").strip().lower() in _JS_TYPES:
                code.append((node.text(), "script"))
        elif tag == "meta":
            if (attrs.get("http-equiv") or "").strip().lower() == "refresh":
                refresh.append(attrs.get("content") or "")
            continue
        elif tag == "marquee":
            technique = _marquee(attrs)
            if technique:
                boxes.append((node, technique, "attribute"))
        elif tag == "iframe" and (_tiny(attrs.get("width")) or _tiny(attrs.get("height"))):
            boxes.append((node, "zero_size", "attribute"))
        for name, value in attrs.items():
            if value and name[:2].lower() == "on":
                # onload/onerror run by themselves; onclick and the like wait for the visitor.
                code.append((value, "load" if name.lower() in _AUTOMATIC else "attribute"))
        if tag in ("html", "body"):
            continue  # hide-until-loaded pages: the whole page is not a hidden link
        style = attrs.get("style")
        if style:
            technique = hiding(style)
            if technique:
                boxes.append((node, technique, "inline"))
        if "hidden" in attrs and tag != "input":
            boxes.append((node, "hidden_attr", "attribute"))
    return boxes, css, code, refresh


def _candidates(tree: LexborHTMLParser) -> list[tuple[LexborNode, str, dict[str, str | None]]]:
    """(element, tag, attributes) of ``_SELECTORS``' matches, each once, as if the four were asked in turn.

    lexbor answers a group in document order, an element once per selector it matches: each
    element is ranked by the first query that would return it, and a stable sort by rank
    gives the four queries' results one after the other.
    """
    ranked: list[tuple[int, LexborNode, str, dict[str, str | None]]] = []
    seen: set[int] = set()
    for node in tree.css(_SELECTOR):
        mem_id = node.mem_id
        if mem_id in seen:
            continue
        seen.add(mem_id)
        tag = node.tag or ""
        attrs = node.attributes
        rank = 0 if tag in _FIRST_TAGS else 1 if "style" in attrs else 2 if "hidden" in attrs else 3
        ranked.append((rank, node, tag, attrs))
    ranked.sort(key=lambda entry: entry[0])
    return [(node, tag, attrs) for _, node, tag, attrs in ranked]


def hiding(style: str) -> str | None:
    """The technique by which a CSS declaration block hides its element, or None."""
    if not _TRIGGER.search(style):
        return None
    d: dict[str, str] = {}
    for part in style.split(";"):
        name, _, value = part.partition(":")
        if value:
            d[name.strip().lower()] = value.lower().replace("!important", "").strip()
    if d.get("display") == "none":
        return "display_none"
    if d.get("visibility") in ("hidden", "collapse"):
        return "visibility_hidden"
    opacity = _number(d.get("opacity"))
    if opacity is not None and opacity <= 0.05:
        return "opacity_zero"
    size = _px(d.get("font-size"))
    if size is not None and size <= _TINY_PX:
        return "font_size_zero"
    if d.get("position") in ("absolute", "fixed", "relative") and any(
        (v := _px(d.get(k))) is not None and v <= _OFFSCREEN_PX for k in ("left", "top")
    ):
        return "offscreen"
    if any(
        (v := _px(d.get(k))) is not None and v <= 5 * _OFFSCREEN_PX
        for k in ("margin-left", "margin-top")
    ):
        return "offscreen"
    indent = _px(d.get("text-indent"))
    if indent is not None and indent <= _OFFSCREEN_PX:
        return "text_indent"
    if d.get("overflow", d.get("overflow-y", "")) in ("hidden", "clip"):
        if any(
            (v := _px(d.get(k))) is not None and v <= _TINY_PX
            for k in ("width", "height", "max-height")
        ):
            return "zero_size"
        line = _px(d.get("line-height"))
        if line is not None and line <= 0:
            return "line_height_zero"
    color = _color(d.get("color"))
    if color and color == _color(d.get("background-color") or d.get("background")):
        return "same_color"
    return None


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None


def _px(value: str | None) -> float | None:
    """A CSS length in pixels (unitless quirks-mode numbers count as pixels), None otherwise."""
    if not value:
        return None
    mo = _LENGTH.match(value)
    if mo is None:
        return None
    number, unit = float(mo.group(1)), mo.group(2)
    if unit == "%":
        return -10_000.0 if number <= -100 else None
    return number * _UNITS[unit]


def _tiny(value: str | None) -> bool:
    """True for an HTML width/height attribute of at most one pixel."""
    number = _px((value or "").strip().lower())
    return number is not None and 0 <= number <= _TINY_PX


def _color(value: str | None) -> str | None:
    """A colour as ``#rrggbb`` (first token of a ``background`` shorthand), None when unknown."""
    if not value:
        return None
    token = value.split()[0] if not value.startswith("rgb") else value
    token = _COLOR_NAMES.get(token, token)
    if token.startswith("#") and len(token) == 4:
        token = "#" + "".join(c * 2 for c in token[1:])
    mo = _RGB.match(token)
    if mo:
        token = "#" + "".join(f"{min(int(g), 255):02x}" for g in mo.groups())
    return token if token.startswith("#") and len(token) == 7 else None


def _marquee(attrs: dict[str, str | None]) -> str | None:
    """The marquee technique when the box is too small or scrolls too fast to be read, else None."""
    speed = _px((attrs.get("scrollamount") or "").strip())
    if speed is not None and speed >= _MARQUEE_SPEED:
        return "marquee"
    if _tiny(attrs.get("height")) or _tiny(attrs.get("width")):
        return "marquee"
    return None


def css_rules(css: str) -> Iterator[tuple[str, str]]:
    """(selector list, declarations) of the top-level rules; at-rule blocks (@media ...) skipped."""
    css = _CSS_COMMENT.sub("", css)
    depth, start, block, prelude = 0, 0, 0, ""
    for mo in _BRACE.finditer(css):
        if mo.group() == "{":
            if depth == 0:
                prelude = css[start : mo.start()].rsplit(";", 1)[-1].strip()
                block = mo.end()
            depth += 1
        elif depth > 0:
            depth -= 1
            if depth == 0:
                if not prelude.startswith("@"):
                    yield prelude, css[block : mo.start()]
                start = mo.end()


def _stylesheet_boxes(tree: LexborHTMLParser, sheets: list[str]) -> list[Box]:
    """Elements hidden by a ``<style>`` rule whose selector is simple (ids, classes, tags, combinators)."""
    selectors: dict[str, list[str]] = {}
    for sheet in sheets:
        if not _TRIGGER.search(sheet):
            continue
        for prelude, declarations in css_rules(sheet):
            technique = hiding(declarations)
            if technique is None:
                continue
            for selector in prelude.split(","):
                selector = " ".join(selector.split())
                if (
                    selector
                    and _SIMPLE_SELECTOR.match(selector)
                    and not _ROOT_SELECTOR.search(selector)
                ):
                    chosen = selectors.setdefault(technique, [])
                    if len(chosen) < _MAX_SELECTORS:
                        chosen.append(selector)
    boxes: list[Box] = []
    for technique, chosen in selectors.items():
        for node in _select(tree, chosen):
            if node.tag not in ("html", "body"):
                boxes.append((node, technique, "stylesheet"))
    return boxes


def _select(tree: LexborHTMLParser, selectors: list[str]) -> list[LexborNode]:
    """Elements matching any of ``selectors`` in one query, one by one when the group fails."""
    try:
        return list(tree.css(", ".join(selectors)))
    except Exception:  # lexbor refuses the group: keep what each valid selector finds
        found: list[LexborNode] = []
        for selector in selectors:
            try:
                found.extend(tree.css(selector))
            except Exception:  # a selector lexbor cannot read hides nothing we can see
                continue
        return found


def _hidden_links(boxes: list[Box], resolve: UrlResolver) -> list[dict[str, Any]]:
    """The links and frames inside hidden boxes, each once, at most ``MAX_HIDDEN``."""
    out: list[dict[str, Any]] = []
    seen: set[int] = set()
    for box, technique, via in boxes:
        tag = box.tag
        targets = [box] if tag in ("a", "iframe") else box.css(_TARGETS)
        for node in targets:
            mem_id = node.mem_id
            if mem_id in seen:
                continue
            seen.add(mem_id)
            frame = node.tag == "iframe"
            attrs = node.attrs
            raw = attrs.get("src" if frame else "href")
            url = _resolve(resolve, raw) if raw else None
            if not url:
                continue
            text = " ".join(node.text().split()) if not frame else ""
            if not text:
                text = collapse(attrs.get("title") or "")
                if not text and (img := node.css_first("img[alt]")) is not None:
                    text = collapse(img.attrs.get("alt") or "")
            out.append({"url": url, "text": text[:100], "technique": technique, "via": via, "tag": node.tag})  # fmt: skip
            if len(out) >= MAX_HIDDEN:
                return out
    return out


def _resolve(resolve: UrlResolver, raw: str) -> str | None:
    """``resolve(raw)``, with the site-absolute path of menus (``/zwgk/``) joined directly."""
    if raw[:1] == "/" and raw[1:2] != "/" and "/." not in raw and _PLAIN_PATH.match(raw):
        return resolve.origin + raw
    return resolve(raw)


def meta_refresh_url(content: str) -> str | None:
    """The target of a ``<meta http-equiv=refresh content="5;url=...">``, or None."""
    mo = _REFRESH.search(content)
    return mo.group(1) if mo else None


def _script_targets(
    code: list[tuple[str, str]], refresh: list[str], resolve: UrlResolver
) -> list[dict[str, Any]]:
    """Redirect and written-link targets of the inline code and meta refresh, at most ``MAX_SCRIPT_TARGETS``."""
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()

    def add(raw: str, technique: str, snippet: str, decoded: tuple[str, ...], source: str) -> bool:
        url = resolve(raw) if raw else ""
        if url is None or (url, technique) in seen:
            return len(out) < MAX_SCRIPT_TARGETS
        seen.add((url, technique))
        out.append({"url": url, "technique": technique, "snippet": snippet[:120], "decoded": list(decoded),
                    "source": source})  # fmt: skip
        return len(out) < MAX_SCRIPT_TARGETS

    for content in refresh:
        raw = meta_refresh_url(content)
        if raw and not add(raw, "meta_refresh", collapse(content), (), "meta"):
            return out
    # Small pieces first: an injected one-liner next to a huge library is always read; a
    # piece beyond the budget is read by its head and tail.
    allowed, budget = [0] * len(code), MAX_SCRIPT_CHARS
    for i in sorted(range(len(code)), key=lambda i: len(code[i][0])):
        allowed[i] = min(len(code[i][0]), budget)
        budget -= allowed[i]
    for (text, source), limit in zip(code, allowed, strict=True):
        if limit <= 0:
            continue
        if len(text) > limit:
            text = text[: limit * 3 // 4] + "\n" + text[-(limit // 4) :]
        try:
            targets = find_targets(text)
        except (ValueError, OverflowError, RecursionError, MemoryError):
            log.debug("unreadable inline script", exc_info=True)
            continue
        for target in targets:
            if not add(target.url, target.technique, target.snippet, target.decoded, source):
                return out
        written = _written_spam(text)
        if written is not None:
            out.append({"url": "", "technique": "write_spam", "source": source, **written})
            if len(out) >= MAX_SCRIPT_TARGETS:
                return out
    return out


def _written_spam(code: str) -> dict[str, Any] | None:
    """Spam words among the Chinese strings a script holds or decodes to (a title set for spiders,
    a written block), recorded for checks/hijack.py to judge; None when there are none."""
    if not any(word in code for word in _WRITES_TEXT):
        return None
    parts: list[str] = []
    names: list[str] = []
    size = 0
    for layer, decoded, _ in decode_layers(code):
        # A literal counts where the code writes it (document.write, innerHTML, a title); a
        # message board's list of banned words (short items in an array) is not written text.
        found = [layer] if decoded else [mo.group(1) or mo.group(2) or "" for mo in _STRING.finditer(layer)
                                         if _SINK_BEFORE.search(layer, max(0, mo.start() - 80), mo.start())]  # fmt: skip
        if len(found) >= 10 and sum(map(len, found)) <= 6 * len(found):
            continue
        for piece in found:
            piece = _TAG.sub(" ", piece)
            if _CJK.search(piece):
                parts.append(piece)
                names.extend(decoded)
                size += len(piece)
        if size >= MAX_WRITTEN_TEXT:
            break
    if not parts:
        return None
    text = " ".join(parts)[:MAX_WRITTEN_TEXT]
    sig = signals(text)
    if not sig.words:
        return None
    return {"snippet": "、".join(sig.words)[:120], "decoded": list(dict.fromkeys(names)),
            "words": sig.words[:10], "text": text[:300]}  # fmt: skip
