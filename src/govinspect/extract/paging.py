"""Find the URL of a list page's next page: 下一页 links, TRS createPageHTML, numbered URLs."""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import unescape
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .links import Anchor, UrlResolver

__all__ = ["PAGE_PARAMS", "find_next_page", "first_page_url", "pager_gap", "trs_next_page"]

# Link texts that mean "next page" once whitespace and brackets are removed.
NEXT_TEXTS = frozenset(
    {
        "下一页",
        "下页",
        "后页",
        "后一页",
        "下一页>",
        "下一页>>",
        "下一页»",
        "下一頁",
        ">",
        "›",
        "下一页›",
    }
)
_STRIP_CHARS = str.maketrans("", "", " \u3000\u00a0[]【】()（）<«")

# TRS WCM templates call createPageHTML(countPage, currentPage, "index", "html") from an
# inline script; newer ones put a container id and a record count around the same four.
_TRS_CALL = re.compile(r"createPageHTML\s*\(([^()]*)\)")
_IDENT = re.compile(r"^[A-Za-z_$][\w$]*$")
_NUMBER = re.compile(r"^\d+$")

# Page number at the end of a path: index_3.html (TRS), column-index-3.shtml, list_3.jsp, /3.html.
_PATH_PAGE = re.compile(
    r"^(?P<head>.*?(?:[_-]|/))(?P<n>\d{1,4})(?P<tail>\.(?:s?html?|jsp|aspx?|php))$"
)
_DEFAULT_DOC = re.compile(
    r"^(?P<head>.*/)(?P<stem>index|default|list|column-index)(?P<tail>\.(?:s?html?|jsp|aspx?|php))$"
)
PAGE_PARAMS = (
    "page",
    "pageno",
    "pagenum",
    "pageindex",
    "currpage",
    "curpage",
    "currentpage",
    "pn",
    "p",
    "pagenumber",
    "page_no",
    "pageid",
)
# JSP/ASP list pagers seen on government sites: ?page=, ?pageNo=, ?curPage=, ?p= in plain links
# with 首页/上一页/下一页/尾页 and 共N页, and <select> jump boxes whose onchange builds the URL
# ("location.href='list.jsp?...&curPage='+this.value"). Sources: JSP list templates in public
# repositories found with find_string ("articles.jsp?pageNo=2", "WantList.jsp?curPage=",
# "NewsList.jsp?curPage=1&goClass=" built in a jump script) and www.njfy.gov.cn's
# lcgkKtgg.jsp?pageNo=2 in a public court-site crawler's configuration.
_PARAM_ALT = "|".join(PAGE_PARAMS)
_JUMP = re.compile(
    rf"(?P<q>[\"'])(?P<base>[^\"'<>\s]*(?:[?&]|&amp;)(?:{_PARAM_ALT})=)(?P=q)\s*\+", re.I
)
_OPTION_URL = re.compile(
    rf"<option\b[^>]*\bvalue\s*=\s*[\"']([^\"']*(?:[?&]|&amp;)(?:{_PARAM_ALT})=\d+[^\"']*)[\"']",
    re.I,
)
_OPTION_NUM = re.compile(r"<option\b[^>]*\bvalue\s*=\s*[\"']?(\d{1,4})[\"']?[^>]*>", re.I)
_SELECTED_NUM = re.compile(
    r"<option\b[^>]*\bvalue\s*=\s*[\"']?(\d{1,4})[\"']?[^>]*\bselected\b"
    r"|<option\b[^>]*\bselected\b[^>]*\bvalue\s*=\s*[\"']?(\d{1,4})", re.I
)
# Pager texts: 共5页, 1/5页, 第1/5页, 当前第1页, 页次：1/5.
_TOTAL_PAGES = re.compile(r"共\s*(\d{1,5})\s*页|(?<!\d)\d{1,5}\s*/\s*(\d{1,5})\s*页|页次\s*[:：]?\s*\d{1,5}\s*/\s*(\d{1,5})")
_CURRENT_PAGE = re.compile(r"当前(?:第|页)?\s*[:：]?\s*(\d{1,5})\s*页?|(?<!\d)(\d{1,5})\s*/\s*\d{1,5}\s*页|页次\s*[:：]?\s*(\d{1,5})\s*/")
_TRS_STYLE_PAGE = re.compile(r"^(?P<stem>.*/[A-Za-z]+)[_-](?P<n>\d{1,4})(?P<ext>\.\w+)$")


def _clean(text: str) -> str:
    """Link text without spaces and brackets ("[下一页]" -> "下一页")."""
    return text.translate(_STRIP_CHARS)


def trs_next_page(html: str, resolve: UrlResolver) -> str | None:
    """Next page from a TRS ``createPageHTML(count, current, prefix, ext)`` call, if any."""
    if "createPageHTML" not in html:
        return None
    for mo in _TRS_CALL.finditer(html):
        raw_args = [a.strip() for a in mo.group(1).split(",")]
        args = [a.strip("'\"") for a in raw_args]
        # Variables (var countPage = 5) are assigned in the same script, just before the call.
        script = html[max(0, mo.start() - 2000) : mo.start()]
        values: list[int | None] = []
        for raw, arg in zip(raw_args, args, strict=True):
            if _NUMBER.match(arg):
                values.append(int(arg))
            elif _IDENT.match(raw):
                assigned = re.findall(rf"\b{re.escape(raw)}\s*=\s*(\d+)(?![\w.$])", script)
                values.append(int(assigned[-1]) if assigned else None)
            else:
                values.append(None)
        # Find "count, current, prefix, ext": two numbers followed by two names.
        for i in range(len(args) - 3):
            count, current = values[i], values[i + 1]
            prefix, ext = args[i + 2], args[i + 3]
            if count is None or current is None or not prefix or not re.match(r"^\w+$", ext):
                continue
            if values[i + 2] is not None and prefix.isdigit():
                continue
            if current + 1 >= count:
                return None
            return resolve(f"{prefix}_{current + 1}.{ext}")
    return None


def _numbered_next(current_url: str, candidates: Iterable[str]) -> str | None:
    """Next page among links whose URL differs from the current one only in its page number."""
    parts = urlsplit(current_url)
    site = f"{parts.scheme}://{parts.netloc}"
    urls = list(candidates)
    # Query parameter style: ?page=2, &pageNo=3.  Only the very next number counts, so that
    # article ids (?p=123) are never taken for page numbers.
    same_path = site + parts.path + "?"
    query = {k.lower(): v for k, v in parse_qsl(parts.query, keep_blank_values=True)}
    by_param: dict[str, dict[int, str]] = {}
    for url in urls:
        if not url.startswith(same_path):
            continue
        for key, value in parse_qsl(urlsplit(url).query, keep_blank_values=True):
            if key.lower() in PAGE_PARAMS and value.isdigit():
                by_param.setdefault(key.lower(), {})[int(value)] = url
    for param, pages in by_param.items():
        current = query.get(param, "")
        wanted = [int(current) + 1] if current.isdigit() else [2, 1]
        for n in wanted:
            if n in pages:
                return pages[n]
    # Path style: index.html -> index_1.html (TRS, 0-based) or index_2.html (1-based).
    mo = _PATH_PAGE.match(parts.path)
    if mo:
        stems, tail, wanted = [mo.group("head")], mo.group("tail"), [int(mo.group("n")) + 1]
    else:
        path = (
            parts.path + "index.html" if parts.path.endswith("/") or not parts.path else parts.path
        )
        mo = _DEFAULT_DOC.match(path)
        if not mo:
            return None
        stems = [mo.group("head") + mo.group("stem") + sep for sep in ("_", "-")]
        tail, wanted = mo.group("tail"), [1, 2]
    suffix = tail + ("?" + parts.query if parts.query else "")
    found: dict[int, str] = {}
    for url in urls:
        if not url.endswith(suffix):
            continue
        for stem in stems:
            prefix = site + stem
            if url.startswith(prefix):
                middle = url[len(prefix) : len(url) - len(suffix)]
                if middle.isdigit():
                    found[int(middle)] = url
    for n in wanted:
        if n in found:
            return found[n]
    return None


def _first_group(mo: re.Match[str] | None) -> int | None:
    """The first group of a match that matched, as an int."""
    if mo is None:
        return None
    value = next((g for g in mo.groups() if g), None)
    return int(value) if value is not None else None


def _query_page(url: str) -> int | None:
    """The page number a URL's paging parameter names (None when it names none)."""
    for key, value in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        if key.lower() in PAGE_PARAMS and value.isdigit():
            return int(value)
    return None


def _jump_next(html: str, resolve: UrlResolver, current_url: str) -> str | None:
    """Next page from a jump box: a script building "...&curPage='+n", or option URLs."""
    option_urls = [resolve(unescape(u)) for u in _OPTION_URL.findall(html)]
    found = _numbered_next(current_url, [u for u in option_urls if u])
    if found:
        return found
    here = urlsplit(current_url).path
    for mo in _JUMP.finditer(html):
        base = resolve(unescape(mo.group("base")))
        # Only a template of this very list counts (a search box's "search.jsp?page="+n does not).
        if not base or urlsplit(base).path != here:
            continue
        numbers = [int(n) for n in _OPTION_NUM.findall(html)]
        total = _first_group(_TOTAL_PAGES.search(html)) or (max(numbers) if numbers else None)
        current = _query_page(current_url) or _first_group(_SELECTED_NUM.search(html)) or 1
        if total is None or current >= total:
            return None
        return base + str(current + 1)
    return None


def find_next_page(
    anchors: list[Anchor], html: str, resolve: UrlResolver, current_url: str
) -> str | None:
    """The next page of a paginated list, or None on the last (or only) page."""
    for anchor in anchors:
        text = anchor.text
        if text and len(text) <= 8 and _clean(text) in NEXT_TEXTS and anchor.url != current_url:
            return anchor.url
    trs = trs_next_page(html, resolve)
    if trs:
        return trs
    numbered = _numbered_next(current_url, (a.url for a in anchors))
    if numbered:
        return numbered
    return _jump_next(html, resolve, current_url) if "<option" in html or "+" in html else None


def pager_gap(text: str, current_url: str) -> str | None:
    """Why a list that says it has more pages could not be paged (None when it has no more)."""
    total = _first_group(_TOTAL_PAGES.search(text))
    if total is None or total <= 1:
        return None
    parts = urlsplit(current_url)
    current = _query_page(current_url)
    if current is None:
        current = _first_group(_CURRENT_PAGE.search(text))
    if current is None:
        if _TRS_STYLE_PAGE.match(parts.path):
            return None  # index_2.html: 0- or 1-based, the page cannot tell
        current = 1
    current = max(current, 1)
    if current >= total:
        return None
    return f"列表显示共 {total} 页，未能识别其翻页方式，第 {current} 页之后的信息未能读取"


def first_page_url(url: str) -> str:
    """The list URL without its paging: no page parameter (nor JCMS uid), no index_N suffix."""
    parts = urlsplit(url)
    params = parse_qsl(parts.query, keep_blank_values=True)
    paged = {i for i, (k, v) in enumerate(params) if k.lower() in PAGE_PARAMS and v.isdigit()
             and (k.lower() != "p" or len(v) <= 3)}  # ?p=1234 is an article id, not a page
    if any(params[i][0].lower() == "pagenum" for i in paged):
        paged |= {i for i, (k, _) in enumerate(params) if k.lower() == "uid"}  # JCMS ?uid=&pageNum=
    kept = [pair for i, pair in enumerate(params) if i not in paged]
    path = parts.path
    mo = _PATH_PAGE.match(path)
    if mo and re.search(r"/(?:index|default|list|column-index)[_-]$", mo.group("head")):
        path = mo.group("head")[:-1] + mo.group("tail")
    if not paged and path == parts.path:
        return url
    query = urlencode(kept)
    return urlunsplit((parts.scheme, parts.netloc, path, query, ""))
