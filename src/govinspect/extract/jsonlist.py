"""Lists loaded by a page's script from a data endpoint (政府网站集约化平台 and similar).

The column page is an HTML shell; its inline script asks an endpoint for the rows, either
JSON (``$.ajax({url: "/api/...list", data: {channelId: 12, pageIndex: 1}})``, ``$.getJSON``,
``fetch``, ``axios``) or an HTML fragment (the Anhui platform's
``/site/label/8888?IsAjax=1&dataType=html&labelName=publicInfoList&pageIndex=2``). Nothing
here runs the script: the endpoint, its parameters and its page parameter are read from the
script's text, the response is decoded generically (an array of objects with a title-like, a
URL-like and a date-like key), and the crawl (crawl/engine.py) fetches the pages.

Sources for the shapes:
- Anhui label endpoint and its parameters (pageIndex, pageSize, labelName, catId, dateFormat):
  crawler scripts for ah.gov.cn, slt.ah.gov.cn, mpa.ah.gov.cn, chuzhou.gov.cn, ahhuoshan.gov.cn
  found with find_string "IsAjax=1&dataType=html" in the public code corpus.
- Hanweb JPaaS (the 集约化 platform of mohurd.gov.cn, miit.gov.cn, samr.gov.cn, mofcom.gov.cn and
  city sites such as yantai.gov.cn): a ``<script url="/api-gateway/jpaas-publish-server/front/
  page/build/unit" queryData="{'parseType':'bulidstatic','pageId':...}">`` element, answers
  ``{"success": true, "data": {"html": "<ul><li>..."}}``, pages asked with
  ``paramJson={"pageNo":N,"pageSize":M}``, a pager ``<div queryData="{'rows':'15','count':'404',
  'pageNo':'1'}">``; from public crawler configs and tests for those sites, found with
  find_string "jpaas-publish-server/front/page/build/unit" and 'querydata="{'.
- easyui ``data-options="href:'...Handler.ashx?pageNumber=1&pageSize=10'"`` list panels:
  jungle0127/transinfo Trans/admin/promulagate/newslist.aspx.
- JSON envelopes (``{"data": {"list"|"rows"|"records": [...], "total": N, "pages": N}}``, epoch
  millisecond dates) are those of the Java back ends (MyBatis-Plus ``IPage``, PageHelper
  ``PageInfo``) such platforms are built on; the keys below are matched generically.
"""

from __future__ import annotations

import html as htmlmod
import json
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from selectolax.lexbor import LexborHTMLParser

from govinspect.model import ListItem, Page

from .dates import find_dates, parse_date
from .html import extract_page, is_home_url
from .links import Blocks, UrlResolver, collapse, extract_links
from .lists import extract_items
from .postback import find_postback, next_postback

__all__ = [
    "ListRead",
    "attach_list_source",
    "find_endpoints",
    "page_request",
    "read_list",
    "script_list_hint",
]

MAX_CANDIDATES = 4
MIN_UNDATED_LETTERS = 6  # undated records with shorter names are menus (as in extract/lists.py)
_CALL_SPAN = 3000  # characters of a call's argument list that are read

_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.S | re.I)
_JS_TYPES = ("", "text/javascript", "application/javascript", "module", "text/ecmascript")
# Calls whose first argument (or ``url:`` option) is a data endpoint.
_CALLS = re.compile(
    r"(?P<name>\$\.ajax|jQuery\.ajax|\$\.getJSON|\$\.get|\$\.post|jQuery\.get|jQuery\.post"
    r"|jQuery\.getJSON|\bfetch|axios\.get|axios\.post|\baxios|\.load)\s*\("
)
_DATA_ATTRS = re.compile(
    r"""\bdata-(?:url|api|source|list-url|src-url|href|load)\s*=\s*["']([^"']+)["']""", re.I
)
_OPTIONS_HREF = re.compile(r"""\bdata-options\s*=\s*["'][^"']*?\b(?:href|url)\s*:\s*'([^']+)'""", re.I)
_LABEL_URL = re.compile(r"""["'`]([^"'`\s]*/site/label/\d+\?[^"'`\s]*)["'`]""")
_ASSIGN = re.compile(
    r"""(?:\b(?:var|let|const)\s+)?(?<![\w$.])([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)?)\s*[:=]\s*"""
    r"""(?:"([^"\n]*)"|'([^'\n]*)'|(-?\d+(?:\.\d+)?)(?![\w.]))"""
)
_HIDDEN_INPUT = re.compile(r"<input\b[^>]*>", re.I)
_QUERYDATA_TAG = re.compile(r"<\w+\b[^>]*\bquerydata\s*=[^>]*>", re.I)
JPAAS_PAGE_PARAM = "paramJson"
_ATTR = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")

PAGE_KEYS = frozenset({
    "pageindex", "pageno", "pagenum", "page", "currentpage", "curpage", "currpage", "current",
    "pn", "p", "pagenumber", "page_no", "page_index", "pagecurrent",
})
# Words of endpoints that list things, and of those that never do (counters, weather, login).
_LISTISH = re.compile(
    r"(?i)list|label|query|info|article|news|channel|column|catid|colid|doc|content|page"
)
_NOT_LIST = re.compile(
    r"(?i)count|visit|hits|click|weather|login|logout|user|token|captcha|verify|stat|like|"
    r"footer|header|foot\.|head\.|menu|nav|share|favorite|search|\.css|\.js(?:$|\?)"
)
_PAGING_WORDS = re.compile(
    r"(?i)pageSize|pageIndex|pageNo|pageNum|curPage|currPage|currentPage|totalPage|laypage|"
    r"pagination|pageCount"
)
_AJAX_WORDS = re.compile(r"\$\.ajax|jQuery\.ajax|getJSON|\$\.get\(|\$\.post\(|\bfetch\s*\(|axios|XMLHttpRequest")

_PH = "\x00"  # an unresolved part of a URL or value


@dataclass(slots=True)
class Endpoint:
    """A data endpoint found in a page's script: how to ask it for page ``n``."""

    url: str
    method: str = "GET"
    body: list[tuple[str, str]] | None = None
    json_body: dict[str, Any] | None = None
    page_key: str | None = None
    page_in: str = "query"  # "query" or "body"
    page_base: int = 1
    expect: str = "any"  # "json", "html" or "any"
    json_param: str | None = None  # a query parameter holding JSON that carries the page key

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": "json", "url": self.url, "method": self.method, "body": self.body,
            "json_body": self.json_body, "page_key": self.page_key, "page_in": self.page_in,
            "page_base": self.page_base, "expect": self.expect, "json_param": self.json_param,
        }


# --- reading the script ---------------------------------------------------------------


def _inline_scripts(html: str) -> list[str]:
    """Bodies of the page's inline JavaScript blocks."""
    out = []
    for attrs, body in _SCRIPT.findall(html):
        low = attrs.lower()
        if "src=" in low:
            continue
        mo = re.search(r"""type\s*=\s*["']?([^"'\s>]+)""", low)
        if mo and mo.group(1) not in _JS_TYPES:
            continue
        out.append(body)
    return out


def _variables(scripts: list[str], html: str) -> dict[str, str]:
    """Simple constant assignments (``var channelId = "12"``, ``siteId: 3``) and hidden inputs."""
    found: dict[str, str] = {}
    for script in scripts:
        for name, dq, sq, num in _ASSIGN.findall(script):
            found.setdefault(name, dq or sq or num)
            found.setdefault(name.rsplit(".", 1)[-1], dq or sq or num)
    for tag in _HIDDEN_INPUT.findall(html):
        attrs = {k.lower(): a or b or c for k, a, b, c in _ATTR.findall(tag)}
        value = attrs.get("value")
        if value is None:
            continue
        for key in ("id", "name"):
            if attrs.get(key):
                found.setdefault(attrs[key], value)
    return found


def _balanced(text: str, start: int) -> str:
    """The text between the bracket at ``start`` and its match (quotes respected), capped."""
    depth, i, quote = 0, start, ""
    end = min(len(text), start + _CALL_SPAN)
    while i < end:
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 2
                continue
            if ch == quote:
                quote = ""
        elif ch in "\"'`":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth == 0:
                return text[start + 1 : i]
        i += 1
    return text[start + 1 : end]


def _split_top(text: str, sep: str) -> list[str]:
    """Split at ``sep`` outside quotes and brackets."""
    parts, depth, quote, cur, i = [], 0, "", [], 0
    while i < len(text):
        ch = text[i]
        if quote:
            cur.append(ch)
            if ch == "\\" and i + 1 < len(text):
                cur.append(text[i + 1])
                i += 2
                continue
            if ch == quote:
                quote = ""
        elif ch in "\"'`":
            quote = ch
            cur.append(ch)
        elif ch in "([{":
            depth += 1
            cur.append(ch)
        elif ch in ")]}":
            depth -= 1
            cur.append(ch)
        elif ch == sep and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
        i += 1
    parts.append("".join(cur))
    return [p.strip() for p in parts]


def _value(expr: str, env: dict[str, str]) -> str:
    """A JavaScript expression made of literals, names and ``+``; unknown parts become _PH."""
    out = []
    for part in _split_top(expr.strip(), "+"):
        part = part.strip().strip("()").strip()
        if not part:
            continue
        if part[0] in "\"'" and part[-1] == part[0] and len(part) >= 2:
            out.append(part[1:-1].replace("\\/", "/"))
        elif part[0] == "`" and part[-1] == "`":
            out.append(re.sub(r"\$\{\s*([\w$.]+)\s*\}", lambda m: env.get(m.group(1), _PH), part[1:-1]))
        elif re.fullmatch(r"-?\d+(?:\.\d+)?", part):
            out.append(part)
        elif re.fullmatch(r"[A-Za-z_$][\w$.]*", part) and part in env:
            out.append(env[part])
        else:
            out.append(_PH)
    return "".join(out)


def _object(text: str, env: dict[str, str]) -> dict[str, str] | None:
    """A flat object literal ``{a: 1, "b": x}`` as strings (unknown values become _PH)."""
    text = text.strip()
    if not (text.startswith("{") and text.endswith("}")):
        return None
    out: dict[str, str] = {}
    for entry in _split_top(text[1:-1], ","):
        key, sep, val = entry.partition(":")
        if not sep:
            continue
        key = key.strip().strip("\"'")
        if re.fullmatch(r"[\w$-]+", key):
            out[key] = _value(val, env)
    return out


def _options(args: str) -> dict[str, str]:
    """Top-level ``key: expression`` pairs of an options object literal (expressions raw)."""
    args = args.strip()
    if not args.startswith("{"):
        return {}
    inner = _balanced(args, 0)
    out = {}
    for entry in _split_top(inner, ","):
        key, sep, val = entry.partition(":")
        if sep:
            out[key.strip().strip("\"'")] = val.strip()
    return out


def _page_key(keys: list[str]) -> str | None:
    """The first of ``keys`` that names a page number."""
    return next((k for k in keys if k.lower() in PAGE_KEYS), None)


def _endpoint(raw_url: str, base: str, data: dict[str, str] | None, method: str,
              expect: str, json_body: bool = False) -> Endpoint | None:
    """An Endpoint from a decoded URL and its data object, or None when it cannot be asked."""
    if not raw_url or raw_url.startswith(("javascript:", "#")):
        return None
    path_part, _, query = raw_url.partition("?")
    if _PH in path_part:
        return None
    params = parse_qsl(query, keep_blank_values=True) if query else []
    page_key = _page_key([k for k, _ in params])
    page_in = "query"
    body: list[tuple[str, str]] | None = None
    jbody: dict[str, Any] | None = None
    extra = list((data or {}).items())
    if extra:
        key = _page_key([k for k, _ in extra])
        if method == "POST":
            if json_body:
                jbody = {k: v.replace(_PH, "") for k, v in extra}
            else:
                body = [(k, v.replace(_PH, "")) for k, v in extra]
            if key:
                page_key, page_in = key, "body"
        else:
            params += extra
            page_key = page_key or key
    if any(_PH in v for k, v in params if k != page_key):
        # Unknown values of ordinary parameters are sent empty, as an empty form field would be.
        params = [(k, v.replace(_PH, "")) for k, v in params]
    base_value = "1"
    if page_key:
        pool = params if page_in == "query" else (body or list((jbody or {}).items()))
        base_value = next((str(v) for k, v in pool if k == page_key), "1")
    url = urljoin(base, path_part.strip())
    if urlsplit(url).scheme not in ("http", "https"):
        return None
    if params:
        url += "?" + urlencode([(k, v.replace(_PH, "1") if k == page_key else v) for k, v in params])
    probe = url + " " + " ".join(k for k, _ in extra)
    if not _LISTISH.search(probe) and page_key is None:
        return None
    if _NOT_LIST.search(urlsplit(url).path):
        return None
    ep = Endpoint(url, method, body, jbody, page_key, page_in,
                  0 if base_value.strip() == "0" else 1, expect)
    return ep


def find_endpoints(html: str, page_url: str) -> list[Endpoint]:
    """Data endpoints of list-like script calls and data attributes on the page, best first."""
    scripts = _inline_scripts(html)
    env: dict[str, str] | None = None  # read on the first list-like call (most pages have none)
    found: list[Endpoint] = []
    for script in scripts:
        for mo in _CALLS.finditer(script):
            name = mo.group("name")
            args = _balanced(script, mo.end() - 1)
            if not (_PAGING_WORDS.search(args) or _LISTISH.search(args)):
                continue
            if env is None:
                env = _variables(scripts, html)
            parts = _split_top(args, ",")
            opts = _options(parts[0]) if parts and parts[0].startswith("{") else {}
            if not opts and len(parts) > 1 and parts[1].startswith("{"):
                opts = _options(parts[1])
            raw = _value(opts["url"], env) if "url" in opts else (
                _value(parts[0], env) if parts and not parts[0].startswith("{") else "")
            method = "POST" if "post" in name.lower() else "GET"
            for key in ("type", "method"):
                if key in opts and "post" in opts[key].lower():
                    method = "POST"
            dtype = _value(opts.get("dataType", "''"), env).lower()
            expect = "json" if ("json" in name.lower() or "json" in dtype
                                or ".json()" in script[mo.end(): mo.end() + _CALL_SPAN]) else (
                "html" if "html" in dtype or name == ".load" else "any")
            data_expr = opts.get("data") or opts.get("params") or opts.get("body") or (
                parts[1] if len(parts) > 1 and "url" not in opts else "")
            json_body = "JSON.stringify" in data_expr
            if json_body:
                data_expr = data_expr.split("(", 1)[-1].rsplit(")", 1)[0]
            if re.fullmatch(r"[A-Za-z_$][\w$]*", data_expr.strip()):
                # data: params, with ``var params = {...}`` earlier in the script.
                decl = re.search(rf"\b{re.escape(data_expr.strip())}\s*=\s*\{{", script)
                data_expr = "{" + _balanced(script, decl.end() - 1) + "}" if decl else ""
            data = _object(data_expr, env) if data_expr.startswith("{") else None
            ep = _endpoint(raw, page_url, data, method, expect, json_body)
            if ep is not None:
                found.append(ep)
        for mo in _LABEL_URL.finditer(script) if "/site/label/" in script else ():
            if script[mo.end():].lstrip().startswith("+"):
                continue  # only the head of a concatenated URL: the call above reads it whole
            ep = _endpoint(mo.group(1), page_url, None, "GET", "html")
            if ep is not None:
                found.append(ep)
    low = html.lower()  # once: a page's lower() costs about as much as the rest of this on most pages
    found += _jpaas_units(html, page_url, low)
    for regex in (_DATA_ATTRS, _OPTIONS_HREF) if "data-" in low else ():
        for mo in regex.finditer(html):
            raw = mo.group(1).replace("&amp;", "&")
            if "?" in raw or _LISTISH.search(raw):
                ep = _endpoint(raw, page_url, None, "GET", "any")
                if ep is not None and (ep.page_key or "?" in raw):
                    found.append(ep)
    unique: dict[tuple[str, str], Endpoint] = {}
    for ep in found:
        unique.setdefault((ep.method, ep.url), ep)
    # Paged endpoints first; an unpaged one is only a candidate when nothing is paged (it may
    # be a sidebar's "latest" box rather than the column's list).
    paged = [e for e in unique.values() if e.page_key]
    return (paged or list(unique.values()))[:MAX_CANDIDATES]


def _jpaas_units(html: str, page_url: str, low: str) -> list[Endpoint]:
    """Hanweb JPaaS units: an element with ``url`` and ``queryData`` attributes (see above);
    ``low``: ``html.lower()``."""
    out = []
    for tag in _QUERYDATA_TAG.findall(html) if "querydata" in low else ():
        attrs = {k.lower(): htmlmod.unescape(a or b or c) for k, a, b, c in _ATTR.findall(tag)}
        raw, data = attrs.get("url", ""), _object(attrs.get("querydata", ""), {})
        if not raw or data is None or not data:
            continue
        params = [(k, v.replace(_PH, "")) for k, v in data.items()]
        url = urljoin(page_url, raw.strip())
        if urlsplit(url).scheme not in ("http", "https") or _NOT_LIST.search(urlsplit(url).path):
            continue
        url += ("&" if "?" in url else "?") + urlencode(params)
        # Later pages carry {"pageNo": N} in the paramJson parameter (page 1 is asked as is).
        out.append(Endpoint(url, page_key="pageNo", page_in="json_query", expect="any",
                            json_param=JPAAS_PAGE_PARAM))
    return out


def script_list_hint(html: str) -> bool:
    """True when an inline script asks for data with paging words: a list drawn by script."""
    return any(_AJAX_WORDS.search(s) and _PAGING_WORDS.search(s) for s in _inline_scripts(html))


def page_request(source: dict[str, Any], n: int) -> tuple[str, str, bytes | None, str | None]:
    """(url, method, body, content type) asking endpoint ``source`` for its page ``n`` (1-based)."""
    key, value = source.get("page_key"), str(n - 1 + int(source.get("page_base", 1)))
    url, method = source["url"], source.get("method", "GET")
    if key and source.get("json_param") and n > 1:
        parts = urlsplit(url)
        params = parse_qsl(parts.query, keep_blank_values=True)
        name = source["json_param"]
        seed: dict[str, Any] = {}
        for k, v in params:
            if k == name:
                try:
                    loaded = json.loads(v)
                except ValueError:
                    loaded = None
                seed = loaded if isinstance(loaded, dict) else {}
        seed[key] = int(value)
        params = [(k, v) for k, v in params if k != name]
        params.append((name, json.dumps(seed, separators=(",", ":"))))
        url = urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(params), ""))
    if key and source.get("page_in") == "query":
        parts = urlsplit(url)
        params = parse_qsl(parts.query, keep_blank_values=True)
        params = [(k, value if k == key else v) for k, v in params]
        url = urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(params), ""))
    if source.get("json_body") is not None:
        body = dict(source["json_body"])
        if key and source.get("page_in") == "body":
            body[key] = int(value)
        return url, method, json.dumps(body).encode(), "application/json"
    if source.get("body") is not None or method == "POST":
        pairs = [(k, value if (k == key and source.get("page_in") == "body") else v)
                 for k, v in source.get("body") or []]
        return url, method, urlencode(pairs).encode(), "application/x-www-form-urlencoded"
    return url, method, None, None


# --- reading the response --------------------------------------------------------------

_JSONP = re.compile(r"^[\w$.]+\s*\((.*)\)\s*;?\s*$", re.S)
# Pinyin initials are common in home-grown back ends: bt 标题, xxbt 信息标题, wzbt 文章标题, mc 名称.
_TITLE_KEYS = ("title", "doctitle", "articletitle", "infotitle", "newstitle", "maintitle", "subject",
               "name", "topic", "标题", "名称", "题目", "xxbt", "wzbt", "bt", "mc")
_URL_HINTS = ("url", "link", "href", "path", "链接", "地址")
_IMAGE_HINTS = ("pic", "img", "image", "thumb", "cover", "logo", "icon", "photo", "video", "file")
_DATE_HINTS = ("date", "time", "day", "日期", "时间", "fbsj", "fbrq", "rq", "created", "published")
_PUB_HINTS = ("pub", "release", "publish", "fb", "doc", "issue", "发布", "rel")
_TOTAL_PAGE_KEYS = frozenset({"totalpage", "totalpages", "pagecount", "pages", "pagetotal",
                              "totalpagecount", "totalpagenum", "pagesum", "allpage"})
_TOTAL_KEYS = frozenset({"total", "totalcount", "totalelements", "recordcount", "totalrecord",
                         "totalrecords", "totalnum", "count", "totalsize", "rowcount", "totalrow",
                         "totalrows", "allcount", "recordtotal"})
_RECORD_KEYS = frozenset({"list", "rows", "records", "data", "datas", "items", "content", "result",
                          "results", "docs", "articles", "infolist", "datalist", "records_list"})
_URLISH = re.compile(r"^(?:https?://|/|\./|\.\./)|\.(?:s?html?|jsp|aspx?|php)(?:$|[?#])", re.I)
_LETTERS = re.compile(r"[\u4e00-\u9fffA-Za-z]")
_FRAG_PAGES = re.compile(r"共\s*(\d{1,5})\s*页|/\s*(\d{1,5})\s*页|(?i:totalPage|pageCount)\D{0,4}(\d{1,5})")
# A JPaaS pager: queryData="{'rows':'15','count':'404','pageNo':'1'}" (rows per page, records).
_FRAG_COUNT = re.compile(r"""(?i)['"]count['"]\s*:\s*['"]?(\d{1,7})""")
_FRAG_ROWS = re.compile(r"""(?i)['"](?:rows|pagesize)['"]\s*:\s*['"]?(\d{1,4})""")
_DOC_MARKERS = re.compile(r"(?i)<html|<title|<!doctype")


@dataclass(slots=True)
class ListRead:
    """What one endpoint page gave: items, total pages if it says, or why it could not be read."""

    items: list[ListItem] = field(default_factory=list)
    pages: int | None = None
    empty: bool = False
    error: str | None = None
    html: bool = False  # rows came from an HTML fragment


def _text(body: bytes, content_type: str | None) -> str:
    """The body as text: the declared charset, else UTF-8, else GB18030."""
    charset = None
    if content_type and "charset=" in content_type.lower():
        charset = content_type.lower().split("charset=", 1)[1].split(";")[0].strip().strip("\"'")
    for enc in (charset, "utf-8", "gb18030"):
        if not enc:
            continue
        try:
            return body.decode(enc).lstrip("\ufeff")
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("utf-8", "replace")


# Timestamps are dated in China Standard Time, where the sites publish (UTC+8, no DST).
_CST = timezone(timedelta(hours=8))


def _epoch(value: float) -> date | None:
    """An epoch timestamp in milliseconds or seconds as a Beijing date (years 2000-2099 only)."""
    for scale in (1000.0, 1.0):
        secs = value / scale
        if 946_684_800 <= secs < 4_102_444_800:
            return datetime.fromtimestamp(secs, _CST).date()
    return None


def _as_date(value: Any, ref: date) -> tuple[date, bool] | None:
    """A record's date value (epoch number or text) as (date, year_inferred)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        d = _epoch(float(value))
        return (d, False) if d else None
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"\d{10}|\d{13}", text):
            d = _epoch(float(text))
            return (d, False) if d else None
        if 3 <= len(text) <= 40:
            parsed = parse_date(text, ref)
            if parsed:
                return parsed
            found = find_dates(text, ref)  # "2019年10月8日 09:30:00", dates with a time
            if found and found[0].start <= 2:
                return found[0].date, found[0].year_inferred
    return None


def _pick(record: dict[str, Any], ref: date) -> tuple[str, str | None, tuple[date, bool] | None, str]:
    """(title, url, date, raw date) of one record; "" title when it has none."""
    title, url, when, raw = "", None, None, ""
    keys = list(record)
    lowered = {k: k.lower() for k in keys}
    for wanted in _TITLE_KEYS:
        for k in keys:
            low = lowered[k]
            if (low == wanted or (wanted == "title" and "title" in low and "sub" not in low)) \
                    and isinstance(record[k], str) and len(_LETTERS.findall(record[k])) >= 2:
                title = collapse(htmlmod.unescape(re.sub(r"<[^>]+>", "", record[k])))
                break
        if title:
            break
    for k in keys:
        low, v = lowered[k], record[k]
        if any(h in low for h in _URL_HINTS) and not any(h in low for h in _IMAGE_HINTS) \
                and isinstance(v, str) and _URLISH.search(v.strip()) \
                and not re.search(r"(?i)\.(?:jpe?g|png|gif|bmp|webp)$", v.strip()):
            url = v.strip()
            break
    dated = [k for k in keys if any(h in lowered[k] for h in _DATE_HINTS)]
    dated.sort(key=lambda k: not any(h in lowered[k] for h in _PUB_HINTS))
    for k in dated:
        parsed = _as_date(record[k], ref)
        if parsed:
            when, raw = parsed, str(record[k])[:40]
            break
    return title, url, when, raw


def _lists(node: Any, trail: list[dict[str, Any]], depth: int = 0
           ) -> list[tuple[list[Any], list[dict[str, Any]], str]]:
    """Every list in a JSON tree with the dicts above it and its key."""
    out: list[tuple[list[Any], list[dict[str, Any]], str]] = []
    if depth > 6:
        return out
    if isinstance(node, dict):
        for k, v in node.items():
            if isinstance(v, list):
                out.append((v, [*trail, node], str(k)))
            if isinstance(v, dict | list):
                out += _lists(v, [*trail, node], depth + 1)
    elif isinstance(node, list):
        if not trail:
            out.append((node, [], ""))
        for v in node[:50]:
            if isinstance(v, dict):
                out += _lists(v, trail, depth + 1)
    return out


def _int(value: Any) -> int | None:
    """An integer or a string of digits as int, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _paging(trail: list[dict[str, Any]], per_page: int) -> int | None:
    """Total pages from the dicts around the record list (totalPage, or total / page size)."""
    pools: list[dict[str, Any]] = []
    for d in reversed(trail):
        pools.append(d)
        pools += [v for v in d.values() if isinstance(v, dict)]
    for pool in pools:
        for k, v in pool.items():
            n = _int(v)
            if n is not None and k.lower() in _TOTAL_PAGE_KEYS:
                return n
    for pool in pools:
        for k, v in pool.items():
            n = _int(v)
            if n is not None and k.lower() in _TOTAL_KEYS and per_page:
                return math.ceil(n / per_page)
    return None


def _from_json(data: Any, base: str, ref: date) -> ListRead:
    best: tuple[int, list[ListItem], list[dict[str, Any]]] | None = None
    explicit_empty = False
    for values, trail, key in _lists(data, []):
        if not values and key.lower() in _RECORD_KEYS:
            explicit_empty = True
            continue
        records = [v for v in values if isinstance(v, dict)]
        if not records:
            continue
        items = []
        for rec in records:
            title, url, when, raw = _pick(rec, ref)
            if title and (url or when):
                items.append(ListItem(title, urljoin(base, url) if url else None,
                                      when[0] if when else None, raw or None,
                                      when[1] if when else False))
        if items and not any(i.date for i in items) and sum(
                len(_LETTERS.findall(i.title)) >= MIN_UNDATED_LETTERS for i in items) * 2 < len(items):
            continue  # undated short names: a menu of columns, as in extract/lists.py
        if items and len(items) * 2 >= len(records) and (best is None or len(items) > best[0]):
            best = (len(items), items, trail)
    if best is None:
        totals = [_int(v) for t in _lists(data, []) for d in t[1] for k, v in d.items()
                  if k.lower() in _TOTAL_KEYS]
        if explicit_empty or 0 in totals:
            return ListRead(empty=True, pages=0)
        return ListRead(error="数据接口返回的 JSON 中没有可识别的列表记录")
    _, items, trail = best
    return ListRead(items=items, pages=_paging(trail, len(items)))


def _from_fragment(text: str, base: str, ref: date) -> ListRead:
    frag = Page(url=base, final_url=base)
    if "<body" in text.lower():
        wrapped = text
    elif _TABLE_ROWS.match(text):  # bare <tr> rows: outside a <table> a parser drops the row tags
        wrapped = f"<html><body><table>{text}</table></body></html>"
    else:
        wrapped = f"<html><body>{text}</body></html>"
    extract_page(frag, wrapped, ref)
    if not frag.items and frag.pub_date is not None:
        # One or two dated rows (the last page of a long list) read like an article's date line
        # on a page; an endpoint's answer is list data, so its sparse rows are the items.
        frag.items = _sparse_rows(wrapped, base, ref)
    if frag.items:
        mo = _FRAG_PAGES.search(frag.text) or _FRAG_PAGES.search(text)
        pages = int(next(g for g in mo.groups() if g)) if mo else None
        count, rows = _FRAG_COUNT.search(text), _FRAG_ROWS.search(text)
        if pages is None and count and rows and int(rows.group(1)):
            pages = math.ceil(int(count.group(1)) / int(rows.group(1)))
        return ListRead(items=frag.items, pages=pages, html=True)
    if frag.empty_marker:
        return ListRead(empty=True, pages=0, html=True)
    if _DOC_MARKERS.search(text[:2000]):
        return ListRead(error="数据接口返回了一个网页，而不是列表数据", html=True)
    return ListRead(error="数据接口返回的内容中没有可识别的列表", html=True)


_TABLE_ROWS = re.compile(r"\s*(?:<!--.*?-->\s*)*<(?:tr|tbody|td)\b", re.I | re.S)


def _sparse_rows(html: str, base: str, ref: date) -> list[ListItem]:
    """The 1-2 dated rows of a short list fragment."""
    _, anchors = extract_links(LexborHTMLParser(html), UrlResolver(base), Blocks())
    return extract_items(anchors, ref, base, all_lists=False).small


def read_list(body: bytes, content_type: str | None, expect: str, base: str, ref: date) -> ListRead:
    """Decode one endpoint response (JSON, JSONP or an HTML fragment) into list items.

    ``base`` is the shell page's URL: the script inserts the rows into that page, so
    relative links resolve against it.
    """
    text = _text(body, content_type).strip()
    if not text:
        return ListRead(error="数据接口返回了空内容")
    mo = _JSONP.match(text) if text[0] not in "{[<" else None
    core = mo.group(1).strip() if mo else text
    if core[:1] in "{[":
        try:
            data = json.loads(core)
        except ValueError as exc:
            return ListRead(error=f"数据接口返回的 JSON 无法解析：{str(exc)[:80]}")
        read = _from_json(data, base, ref)
        if read.error:
            # Some platforms wrap an HTML fragment in JSON ({"data": {"html": "<li>..."}}).
            frags = [v for v in _strings(data) if "<a " in v or "<li" in v]
            if frags:
                return _from_fragment("".join(frags), base, ref)
        return read
    if core.startswith("<"):
        if expect == "json":
            return ListRead(error="数据接口应返回 JSON，实际返回了网页", html=True)
        return _from_fragment(core, base, ref)
    return ListRead(error="数据接口返回的内容无法识别")


def _strings(node: Any, depth: int = 0) -> list[str]:
    """Every string value of a JSON tree (bounded depth and width)."""
    if depth > 6:
        return []
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for v in node.values() for s in _strings(v, depth + 1)]
    if isinstance(node, list):
        return [s for v in node[:200] for s in _strings(v, depth + 1)]
    return []


NO_ENDPOINT = "栏目列表由页面脚本加载，未能从脚本中找到可读取的数据接口"


def list_source_possible(page: Page, html: str) -> bool:
    """True when ``attach_list_source`` could give the page a list to fetch, whatever its items.

    A run that skips list extraction (extract/plan.py) reads such a page in full, so that the
    crawl fetches exactly the script-loaded and postback-paged lists a full run fetches.
    """
    if "PostBack" in html or "__VIEWSTATE" in html:
        return True  # find_postback's own test: a postback pager is followed only from a list
    url = page.final_url or page.url
    if is_home_url(url) or is_home_url(page.url) or "search" in urlsplit(url).path.lower():
        return False
    return bool(find_endpoints(html, url)) or script_list_hint(html)


def attach_list_source(page: Page, html: str) -> None:
    """Set ``page.list_source`` (a postback pager or data endpoints to fetch) or ``list_error``."""
    url = page.final_url or page.url
    postback = find_postback(html, url) if page.items else None
    if postback is not None:
        if postback["error"]:
            page.list_error = postback["error"]
        elif next_postback(postback, 1) is not None:
            # The crawl posts the form for the next pages: a pager judged unknown is known here.
            page.list_source, page.list_error = postback, None
        return
    if page.items or page.empty_marker or page.pub_date is not None:
        return  # a list read from the page itself, or an article (its "related" boxes are no column)
    if is_home_url(url) or is_home_url(page.url) or "search" in urlsplit(url).path.lower():
        return  # a search page lists results for a query, not a column
    endpoints = find_endpoints(html, url)
    if endpoints:
        page.list_source = {"kind": "json", "candidates": [e.as_dict() for e in endpoints]}
        page.list_error = None  # decided by what the endpoint answers (crawl/engine.py)
    elif script_list_hint(html):
        page.list_error = NO_ENDPOINT
