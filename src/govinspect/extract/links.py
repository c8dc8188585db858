"""Collect a page's references (links, images, scripts, frames) and mark navigation blocks."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode
from w3lib.url import safe_url_string

from govinspect.model import Link

from .dates import normalize

__all__ = ["Anchor", "Blocks", "UrlResolver", "collapse", "extract_links", "find_blocks"]

# Which attribute carries the reference for each tag we collect.

# Page titles are "<title>_<site name>" (or " - ", "|"). For article titles a bare hyphen stays
# ("2019-2020学年"); for column and item names any hyphen separates ("通知公告-某某县人民政府").
TITLE_SEP = re.compile(r"\s*(?:\s-\s|[_|–—－｜])\s*")
NAME_SEP = re.compile(r"\s*(?:\s-\s|[-_|–—－｜])\s*")

_REF_ATTR = {
    "a": "href",
    "area": "href",
    "img": "src",
    "script": "src",
    "link": "href",
    "iframe": "src",
    "frame": "src",
    "embed": "src",
    "object": "data",
}
LINK_SELECTOR = (
    "a[href], area[href], img[src], script[src], link[href], "
    "iframe[src], frame[src], embed[src], object[data]"
)
_SKIP_SCHEMES = frozenset(
    {"javascript", "mailto", "tel", "data", "about", "vbscript", "sms", "blob"}
)
_LINK_RELS = ("stylesheet", "icon")

# Class/id words that mark blocks, tuned on county and prefecture portals (TRS, Hanweb,
# Dameng templates): "nav", "menu", "daohang"/"dh" (导航) are menus everywhere; "lanmu"
# (栏目) and "column" also name the content boxes of list pages ("column-list"), so they
# only count as navigation when no content word sits next to them.
_NAV_WORDS = frozenset({"daohang", "dh", "navigation"})
_WEAK_NAV_WORDS = frozenset({"lanmu", "column", "columns", "lm"})
_CONTENT_WORDS = frozenset(
    {"list", "lists", "con", "cont", "content", "main", "news", "article", "item", "items", "body"}
)
_FOOTER_WORDS = frozenset({"footer", "foot", "copyright", "banquan", "bq"})
# 友情链接 / 网站链接 blocks.
_FRIEND_WORDS = frozenset(
    {"yqlj", "yqlink", "friend", "friends", "friendlink", "friendlinks", "flink", "flinks",
     "youqing", "links", "weblink", "weblinks", "wzlj", "yqljs"}
)  # fmt: skip
_BLOCK_SELECTOR = ", ".join(
    ["nav", "header", "footer"]
    + [
        f"[{attr}*={word} i]"
        for word in ("nav", "menu", "daohang", "dh", "lanmu", "column", "lm", "foot", "copyright",
                     "banquan", "bq", "link", "yqlj", "friend", "youqing")
        for attr in ("id", "class")
    ]
)  # fmt: skip
_HTTP_PREFIX = re.compile(r"https?://", re.I)
_AUTHORITY = re.compile(
    r"(?:[^@/?#\s]*@)?(?:[A-Za-z0-9\-._~%]+|\[[0-9A-Fa-f:.]+\])(?::\d{0,5})?(?=[/?#]|$)"
)
_CAMEL = re.compile(r"([a-z])([A-Z])")
_NON_LETTER = re.compile(r"[^a-z]+")
_WS = re.compile(r"[\t\r\n]")
# A reference of plain ASCII path characters: no whitespace, backslash, fragment or quote.
_PLAIN_REF = re.compile(r"[A-Za-z0-9_\-.~/?=&%+,;:@!$'()*]+\Z")
_FULLWIDTH_SCHEME = re.compile(r"^[a-zA-Zａ-ｚＡ-Ｚ]{3,5}[:：][/／\\]{2}[^/\\／]*")


def collapse(text: str) -> str:
    """Collapse runs of whitespace into single spaces and strip the ends."""
    return " ".join(text.split())


def _tokens(value: str) -> set[str]:
    """Split a class or id value into lower-case words (camelCase, -, _ and digits split)."""
    return {t for t in _NON_LETTER.split(_CAMEL.sub(r"\1 \2", value).lower()) if t}


def _kind(node: LexborNode) -> str | None:
    """Classify a block as "nav", "weak_nav", "footer", "friend" or None from tag, id and class."""
    tag = node.tag
    if tag in ("nav", "header"):
        return "nav"
    if tag == "footer":
        return "footer"
    attrs = node.attributes
    words = _tokens(f"{attrs.get('id') or ''} {attrs.get('class') or ''}")
    for w in words:
        if (
            w in _NAV_WORDS
            or w.startswith(("nav", "menu", "daohang"))
            or w.endswith(("nav", "menu"))
        ):
            return "nav"
    if words & _FOOTER_WORDS or any(w.startswith("footer") for w in words):
        return "footer"
    if words & _FRIEND_WORDS or any(w.startswith("friend") for w in words):
        return "friend"
    if words & _WEAK_NAV_WORDS and not words & _CONTENT_WORDS:
        return "weak_nav"
    return None


@dataclass(slots=True)
class Blocks:
    """Node ids of references inside navigation blocks and inside blocks lists must skip."""

    nav: set[int] = field(default_factory=set)
    excluded: set[int] = field(default_factory=set)


def find_blocks(tree: LexborHTMLParser) -> Blocks:
    """Mark every reference that sits inside a menu, header, footer or friend-link block."""
    blocks = Blocks()
    seen: set[int] = set()
    for node in tree.css(_BLOCK_SELECTOR):
        if node.mem_id in seen:
            continue  # lexbor returns an element once per selector it matches ("nav menu")
        seen.add(node.mem_id)
        kind = _kind(node)
        if kind is None:
            continue
        ids = {n.mem_id for n in node.css(LINK_SELECTOR)}
        if kind in ("nav", "weak_nav"):
            blocks.nav |= ids
        if kind in ("nav", "footer", "friend"):
            blocks.excluded |= ids
    return blocks


# Resolved references shared by the resolvers of one directory (a site-absolute or absolute
# reference: of one site), in this process: a site's menus, footers and friend links repeat on
# each of its pages (87 % of the TRS-like bench site's references are found here). Cleared when
# full, so it holds at most _MEMO_MAX entries (about 0.5 MB).
_MEMO: dict[tuple[str, str], str | None] = {}
_MEMO_MAX = 2048


class UrlResolver:
    """Resolve hrefs against one base URL the way browsers do, fast for the common cases."""

    def __init__(self, base: str) -> None:
        self.base = base
        parts = urlsplit(base)
        self.scheme = parts.scheme or "http"
        self.origin = f"{self.scheme}://{parts.netloc}"
        path = parts.path or "/"
        self.dir = path[: path.rfind("/") + 1]
        self.page = self.origin + path
        # What a relative reference's answer depends on; "?x" and _join read the page's own path and
        # are never kept (_resolve says so).
        self._memo_key = self.origin + self.dir

    def __call__(self, raw: str) -> str | None:
        """Absolute URL without fragment for ``raw``, or None when it is not a fetchable reference."""
        # A site-absolute or absolute reference means the same on every page of the site.
        key = (self.origin if raw[:1] == "/" or raw.startswith(("http://", "https://")) else self._memo_key, raw)
        try:
            return _MEMO[key]
        except KeyError:
            pass
        url, shared = self._resolve(raw)
        if shared:
            if len(_MEMO) >= _MEMO_MAX:
                _MEMO.clear()
            _MEMO[key] = url
        return url

    def _resolve(self, raw: str) -> tuple[str | None, bool]:
        """``__call__``'s answer, and whether it holds for every page of the base's directory
        (False when it was joined to the page's own path or query)."""
        if _PLAIN_REF.match(raw):
            # Most references: an http(s) URL, a site-absolute or a relative path in plain ASCII,
            # which the general steps below would leave as is (and join to the origin or the
            # directory).
            if raw[0] == "/":
                if raw[1:2] != "/":
                    return _finish(self.origin + (raw if "/." not in raw else _dot_segments(raw))), True
            elif raw.startswith(("http://", "https://")):
                return (raw if _valid_authority(raw) else None), True
            elif raw[0] not in "?." and ":" not in raw and "/." not in raw:
                return _finish(self.origin + self.dir + raw), True
        href = _WS.sub("", raw).strip(" \u3000\u00a0\x0b\x0c")
        if not href or href[0] == "#":
            return None, True
        if "\\" in href:
            href = href.replace("\\", "/")
        mo = _FULLWIDTH_SCHEME.match(href)
        if mo and not mo.group().isascii():
            href = normalize(mo.group()).replace("\\", "/") + href[mo.end() :]
        href = href.split("#", 1)[0]
        if not href:
            return None, True
        checked = False  # relative references inherit the base's (valid) host
        shared = True
        colon = href.find(":")
        if colon > 0 and not any(c in href[:colon] for c in "/?"):
            scheme = href[:colon].lower()
            if scheme in _SKIP_SCHEMES:
                return None, True
            if href[colon + 1 : colon + 3] == "//":
                url = href
            else:
                url, shared = self._join(href), False
        elif href.startswith("//"):
            url = f"{self.scheme}:{href}"
        elif href[0] == "/":
            url = self.origin + (href if "/." not in href else _dot_segments(href))
            checked = True
        elif href[0] == "?":
            url, shared = self.page + href, False
            checked = True
        elif href[0] == "." or "/." in href:
            url = self.origin + _dot_segments(self.dir + href)
            checked = True
        else:
            url = self.origin + self.dir + href
            checked = True
        if not url.isascii() or " " in url:
            try:
                url = safe_url_string(url, encoding="utf-8")
            except (ValueError, UnicodeError):
                return None, shared
        return (url if checked or _valid_authority(url) else None), shared

    def _join(self, href: str) -> str:
        """The standard library's join for the rare forms, "" when it refuses."""
        try:
            return urljoin(self.base, href)
        except ValueError:
            return ""


def _finish(url: str) -> str | None:
    """The last step of ``UrlResolver.__call__`` for a URL on the base's (valid) host."""
    if not url.isascii() or " " in url:
        try:
            return safe_url_string(url, encoding="utf-8")
        except (ValueError, UnicodeError):
            return None
    return url


def _valid_authority(url: str) -> bool:
    """False for http(s) URLs whose host part no client could connect to."""
    if url[:4].lower() != "http":
        return True
    mo = _HTTP_PREFIX.match(url)
    return mo is None or bool(_AUTHORITY.match(url, mo.end()))


def _dot_segments(path: str) -> str:
    """Remove "." and ".." segments from an absolute path (RFC 3986 section 5.2.4)."""
    query = ""
    if "?" in path:
        path, query = path.split("?", 1)
        query = "?" + query
    out: list[str] = []
    segments = path.split("/")
    if segments[-1] in (".", ".."):
        segments.append("")
    for seg in segments[1:]:
        if seg == "..":
            if out:
                out.pop()
        elif seg != ".":
            out.append(seg)
    return "/" + "/".join(out) + query


@dataclass(slots=True)
class Anchor:
    """An <a> element with a usable URL, kept for list and pagination detection."""

    node: LexborNode
    url: str
    text: str
    title: str
    excluded: bool


def _first_img_with_alt(node: LexborNode) -> LexborNode | None:
    """``node.css_first("img[alt]")`` by walking the (small) subtree: no selector to compile per link."""
    for child in node.traverse():
        if child.tag == "img" and "alt" in child.attributes:
            return child
    return None


def _link_text(node: LexborNode, tag: str, attrs: dict[str, str | None]) -> str:
    """Anchor text, or the alt/title that stands in for it."""
    if tag in ("a", "area"):
        text = collapse(node.text()) if tag == "a" else ""
        if text:
            return text
        if tag == "a":
            img = _first_img_with_alt(node)
            if img is not None and img.attributes.get("alt"):
                return collapse(img.attributes.get("alt") or "")
    return collapse(attrs.get("alt") or attrs.get("title") or "")


def extract_links(
    tree: LexborHTMLParser, resolve: UrlResolver, blocks: Blocks
) -> tuple[list[Link], list[Anchor]]:
    """Every reference of the page once per (url, tag), plus the page's <a> anchors in order."""
    links: list[Link] = []
    anchors: list[Anchor] = []
    seen: set[tuple[str, str]] = set()
    nav, excluded = blocks.nav, blocks.excluded
    for node in tree.css(LINK_SELECTOR):
        tag = node.tag or ""
        attrs = node.attributes
        if tag == "a":
            raw = attrs.get("href")
        elif tag == "link":
            rel = (attrs.get("rel") or "").lower()
            if not any(r in rel for r in _LINK_RELS):
                continue
            raw = attrs.get("href")
        else:
            raw = attrs.get(_REF_ATTR.get(tag, "href"))
        if not raw:
            continue
        url = resolve(raw)
        if not url:
            continue
        mem_id = node.mem_id
        if tag == "a":
            text = " ".join(node.text().split())  # collapse(), inlined: most references are anchors
            if not text:
                text = _link_text(node, tag, attrs)
            title = attrs.get("title")
            anchors.append(Anchor(node, url, text, " ".join(title.split()) if title else "", mem_id in excluded))
        else:
            text = _link_text(node, tag, attrs)
        key = (url, tag)
        if key in seen:
            continue
        seen.add(key)
        links.append(Link(url, text, tag, mem_id in nav))
    return links, anchors
