"""Site-search probe: query the exact titles of recent articles and look for them in the results.

The engine stores the result in ``snap.probes["search"]`` for checks/sitesearch.py:
``{"form": {...} | None, "source", "scripted", "queries": [{"query", "expected_url", "found",
"status", "error"}], "error"}``. The form comes from the registry's ``search_url`` (``{q}``),
the registry's ``overrides.search`` or the home page (or a search page it links to). A
control query for a string no site holds tells the results template's own links (latest
news boxes) apart from real hits. Nothing here raises: errors are recorded.
"""

from __future__ import annotations

import logging
import re
from datetime import date
from typing import Any
from urllib.parse import quote, unquote, urlencode, urlsplit

from ..errors import FetchError
from ..extract.columns import url_key
from ..extract.forms import discover, normalize_charset
from ..extract.links import TITLE_SEP, UrlResolver, collapse
from ..http import Fetcher, Response
from ..model import SiteEntry
from ..settings import Settings
from ..snapshot import Snapshot
from ..text import decode_html, looks_binary
from ..urls import normalize_url

log = logging.getLogger(__name__)

QUERIES = 3
MIN_TITLE = 6
CONTROL_QUERY = "govinspect站内搜索对照词"
_TRUNCATED = ("...", "…", "..")
_ERROR_PAGE = re.compile(r"系统繁忙|系统错误|服务不可用|服务暂停|请稍后再试|访问过于频繁|非法字符|非法请求|请输入验证码")
_HREF = re.compile(r"""href\s*=\s*["']?([^"'\s>]+)""", re.I)
_ANCHOR = re.compile(r"<a\b[^>]*href\s*=\s*[\"']?([^\"'\s>]+)[^>]*>(.*?)</a>", re.I | re.S)
_TAG = re.compile(r"<[^>]+>")
_NO_RESULTS = re.compile(
    r"没有找到|未找到|找不到|查无|共\s*0\s*条|找到\s*0\s*[条个篇]|0\s*条(?:结果|记录)|无(?:相关)?(?:结果|记录|信息|内容)"
    r"|抱歉|no\s+results?",
    re.I,
)


async def probe_search(snap: Snapshot, site: SiteEntry, settings: Settings, fetcher: Fetcher, as_of: date) -> dict[str, Any]:
    """Find the site's search, query recent titles and record which are found on the first results page."""
    result: dict[str, Any] = {"form": None, "source": None, "scripted": False, "queries": [], "error": None}
    try:
        overrides = site.overrides.get("search") or {}
        form, source, scripted, error = await find_form(snap, site, fetcher, overrides)
        result.update(form=form, source=source, scripted=scripted, error=error)
        if form is None:
            return result
        wanted = int(getattr(settings, "search_queries", QUERIES))
        control = await _run(fetcher, form, CONTROL_QUERY)
        baseline = (control[2], control[1])  # what the results page shows for a query that matches nothing
        hung = control[3] == "timeout"
        control_empty = bool(_NO_RESULTS.search(_TAG.sub(" ", control[2])))
        for query, expected in pick_titles(snap, as_of, wanted):
            outcome = {"query": query, "expected_url": expected, "found": False, "status": None, "error": None}
            if hung:
                outcome["error"] = "timeout" if not result["queries"] else "skipped"  # one hang is enough
            else:
                status, final, html, err = await _run(fetcher, form, query)
                outcome.update(status=status, error=err)
                hung = err == "timeout"
                if err is None:
                    outcome["found"] = found_in(html, final, expected, query, baseline)
                    if not outcome["found"] and not control_empty and same_links(html, final, baseline):
                        # Every query gets the page a query for nothing gets, and that page does not
                        # say "no results": the results are loaded by a script we do not run.
                        outcome["error"] = "script_results"
            result["queries"].append(outcome)
    except Exception as exc:  # one odd search engine must not stop the run: record it instead
        log.exception("search probe failed for %s", site.url)
        result["error"] = f"{type(exc).__name__}: {exc}"[:300]
    return result


async def find_form(
    snap: Snapshot, site: SiteEntry, fetcher: Fetcher, overrides: dict[str, Any]
) -> tuple[dict[str, Any] | None, str | None, bool, str | None]:
    """(form, source, scripted, error): registry URL, registry override, home page, or a linked search page."""
    home = snap.home
    encoding = normalize_charset(overrides.get("charset") or (home.encoding if home else None))
    if site.search_url:
        return {"action": site.search_url, "method": "GET", "field": None, "params": {}, "charset": encoding,
                "template": True}, "registry", False, None
    if overrides.get("action") and overrides.get("field"):
        return {"action": overrides["action"], "method": str(overrides.get("method", "GET")).upper(),
                "field": overrides["field"], "params": dict(overrides.get("params") or {}),
                "charset": encoding}, "override", False, None
    if home is None or not home.ok:
        return None, None, False, "首页无法访问"
    stored = getattr(home, "forms", None)
    found = stored if stored else None
    if found is None:
        html, enc, error = await _page(fetcher, home.final_url or home.url)
        if html is None:
            return None, None, False, f"首页重新获取失败: {error}"
        found = discover(html, home.final_url or home.url, enc, overrides)
    if found["forms"]:
        return found["forms"][0], "home", False, None
    for link in found.get("links", [])[:1]:
        html, enc, error = await _page(fetcher, link)
        if html is None:
            return None, None, False, f"搜索页面 {link} 无法访问: {error}"
        page = discover(html, link, enc, overrides)
        if page["forms"]:
            return page["forms"][0], "search_page", False, None
        return None, None, True, None  # the site has a search page, driven by a script we do not run
    return None, None, bool(found.get("scripted")), None


async def _page(fetcher: Fetcher, url: str) -> tuple[str | None, str | None, str | None]:
    """(html, encoding, error) of one page."""
    try:
        resp = await fetcher.fetch(url)
    except FetchError as exc:
        return None, None, exc.kind
    if resp.status >= 400 or looks_binary(resp.body):
        return None, None, f"HTTP {resp.status}"
    html, enc = decode_html(resp.body, resp.headers.get("content-type"))
    return html, enc, None


def request_for(form: dict[str, Any], query: str) -> tuple[str, str, bytes | None]:
    """(method, url, body) that submits ``query`` through ``form`` in the form's charset."""
    charset = form.get("charset") or "utf-8"
    if form.get("template"):
        return "GET", form["action"].replace("{q}", quote(query, safe="", encoding=charset, errors="replace")), None
    params = {**form.get("params", {}), form["field"]: query}
    encoded = urlencode(params, encoding=charset, errors="replace")
    if form.get("method") == "POST":
        return "POST", form["action"], encoded.encode("ascii")
    action = form["action"].split("#", 1)[0]
    return "GET", f"{action}{'&' if '?' in action else '?'}{encoded}", None


async def _run(fetcher: Fetcher, form: dict[str, Any], query: str) -> tuple[int | None, str, str, str | None]:
    """(status, final URL, decoded HTML, error) of one query; errors are kinds or 'HTTP 500' style."""
    method, url, body = request_for(form, query)
    try:
        resp = await _send(fetcher, method, url, body)
    except FetchError as exc:
        return exc.status, url, "", exc.kind
    if resp.status >= 400:
        return resp.status, resp.final_url, "", f"HTTP {resp.status}"
    if looks_binary(resp.body):
        return resp.status, resp.final_url, "", "binary"
    html, _ = decode_html(resp.body, resp.headers.get("content-type"))
    if _unreadable(html):
        return resp.status, resp.final_url, html, "unreadable"
    if _ERROR_PAGE.search(_TAG.sub(" ", html)[:20_000]) and len(html) < 20_000:
        return resp.status, resp.final_url, html, "error_page"
    return resp.status, resp.final_url, html, None


def _unreadable(html: str) -> bool:
    """True for a results page we cannot read: empty, a frameset, or text garbled by a wrong charset.

    A page whose results a script loads is told apart later (``script_results``), so a bare page with a
    script is not "unreadable".
    """
    lower = html[:50_000].lower()
    text = "".join(_TAG.sub(" ", re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", html[:200_000])).split())
    if "<frameset" in lower or (len(text) < 10 and "<a " not in lower and "<script" not in lower):
        return True
    bad = text.count("\ufffd")
    return bad >= 20 and bad * 10 > len(text)


_FORM_HEADERS = {"Content-Type": "application/x-www-form-urlencoded"}


async def _send(fetcher: Fetcher, method: str, url: str, body: bytes | None) -> Response:
    """GET, or POST the form body, through the fetcher (politeness, timeouts and caps apply)."""
    if body is None:
        return await fetcher.fetch(url, method)
    return await fetcher.fetch(url, "POST", headers=_FORM_HEADERS, data=body)


# Information columns whose articles a site search must find (news, notices, policies; issue 8):
# message-board letters and service items are not articles and are often not indexed.
INFO_CATEGORIES = frozenset({"news", "notice", "policy"})
_NOT_ARTICLE = re.compile(r"信箱|留言|咨询|投诉|建议|互动|问政|12345|来信|办事|服务|事项|指南|审批|许可")


def pick_titles(snap: Snapshot, as_of: date, count: int = QUERIES) -> list[tuple[str, str]]:
    """(title, URL) of the most recent dated articles of information columns that the crawl fetched, newest first."""
    other: set[str] = set()
    items = []
    for c in snap.columns:
        info = c.category in INFO_CATEGORIES and not _NOT_ARTICLE.search(c.name)
        for i in c.items:
            if not i.url:
                continue
            if not info:
                other.add(normalize_url(i.url) or i.url)
            elif i.date is not None and i.date <= as_of:
                items.append((i.date, i.title, i.url))
    items.sort(key=lambda t: (t[0], t[2]), reverse=True)
    if snap.home is not None:  # then the home page's dated boxes (letters and items are filtered below)
        home = [(i.date, i.title, i.url) for i in snap.home.items if i.date and i.date <= as_of and i.url]
        items += sorted(home, key=lambda t: (t[0], t[2]), reverse=True)
    names = site_names(snap)
    chosen: list[tuple[str, str]] = []
    seen: set[str] = set()
    for _, title, url in items:
        key = normalize_url(url) or url
        if key in other:
            continue  # also listed by a board or service column: a letter or an item, not an article
        page = snap.page(key)
        if page is None or not page.ok or page.attachment or page.items or key in seen:
            continue
        if getattr(page, "messages", None) or getattr(page, "guide", None):
            continue  # a letter of the message board or a service guide
        title = strip_site_name(_full_title(title, page.title, page.meta, names), names)
        if len(title) < MIN_TITLE or title in {t for t, _ in chosen}:
            continue
        seen.add(key)
        chosen.append((title, page.final_url or key))
        if len(chosen) >= count:
            break
    return chosen


# Separators between an article's title and the site's name in <title>, longest first (issue 8):
# "标题 - 站名", "标题_站名", "标题|站名", "标题—站名", "标题——站名", "标题--站名", "站名：标题".
_SITE_SEP = r"\s*(?:——|--|—|–|－|-|_|\||｜|:|：|·)\s*"
# What a site's name looks like when the registry or the home page does not give it.
_SITE_WORDS = re.compile(r"(?:人民政府|政府|门户|网站|政务|政府网|信息网|官网|委员会|局|厅|办公室)(?:网|网站|门户网站)?$")


def site_names(snap: Snapshot) -> list[str]:
    """Names the site puts into its pages' <title>: registry name, home title and its parts, column names."""
    names = {collapse(snap.site.name)} if snap.site is not None and snap.site.name else set()
    home = snap.home
    if home is not None and home.title:
        title = collapse(home.title)
        names.add(title)
        names.update(p for p in re.split(_SITE_SEP, title) if len(p) >= 4)
        for k, v in home.meta.items():
            if k.lower() == "sitename" and v.strip():
                names.add(collapse(v))
    names.update(collapse(c.name) for c in snap.columns if c.name)  # "标题|工作动态|站名": the column too
    return sorted((n for n in names if len(n) >= 2), key=len, reverse=True)


def strip_site_name(title: str, names: list[str]) -> str:
    """The title without a site name at either end, whatever the separator."""
    title = collapse(title)
    for _ in range(2):  # "栏目 - 站名" leaves the column's name: one more pass for a known name only
        before = title
        for name in names:
            esc = re.escape(name)
            title = re.sub(f"^{esc}{_SITE_SEP}", "", title)
            title = re.sub(f"{_SITE_SEP}{esc}$", "", title)
        parts = re.split(f"({_SITE_SEP})", title)
        if len(parts) >= 3:
            head, tail = parts[0], parts[-1]
            if _SITE_WORDS.search(tail) and len("".join(parts[:-2])) >= MIN_TITLE:
                title = "".join(parts[:-2])
            elif _SITE_WORDS.search(head) and len("".join(parts[2:])) >= MIN_TITLE and len(head) <= 20:
                title = "".join(parts[2:])
        if title == before:
            break
    return title.strip()


def _full_title(listed: str, page_title: str, meta: dict[str, str], names: list[str] | None = None) -> str:
    """The list's title unless it is cut short; then the article's ArticleTitle or its <title> without the site name."""
    listed = collapse(listed)
    full = next((collapse(v) for k, v in meta.items() if k.lower() == "articletitle" and v.strip()), "")
    if not full:
        stripped = strip_site_name(page_title, names or [])
        if stripped != collapse(page_title):
            full = stripped
        else:
            parts = [p for p in TITLE_SEP.split(page_title) if p]
            full = max(parts, key=len) if parts else ""
    stem = listed.rstrip(".…")
    if full and (listed.endswith(_TRUNCATED) or (len(full) > len(stem) and full.startswith(stem))):
        return full
    return listed or full


def _links(html: str, base: str) -> list[str]:
    """Host-less keys of every link in a results page (repeats kept: they are counted)."""
    resolve = UrlResolver(base)
    keys = []
    for raw in _HREF.findall(html):
        target = resolve(raw.replace("&amp;", "&"))
        if target:
            keys.append(_key(target))
    return keys


def _key(url: str) -> str:
    """Host-less comparison key: results often link through another host name or scheme."""
    parts = urlsplit(url_key(url))
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def found_in(html: str, final_url: str, expected: str, title: str, control: tuple[str, str]) -> bool:
    """True when the results show ``expected`` (its URL, its path, or its title as a link) more often than
    the ``control`` results page (html, URL) for a query that matches nothing: a "latest news" box of the
    results template lists recent articles on every results page and is not a hit."""
    control_html, control_url = control
    want = _key(expected)
    if _links(html, final_url).count(want) > _links(control_html, control_url).count(want):
        return True
    # Results wrapped in redirectors (/jrobot/...?url=...) or written by scripts carry the path as text.
    path = urlsplit(expected).path
    if len(path) > 8 and unquote(html).count(path) > unquote(control_html).count(path):
        return True
    return _title_links(html, title) > _title_links(control_html, title)


def same_links(html: str, final_url: str, control: tuple[str, str]) -> bool:
    """True when a results page links to exactly what the control results page links to."""
    return sorted(_links(html, final_url)) == sorted(_links(control[0], control[1]))


def _title_links(html: str, title: str) -> int:
    """Links whose text is the title (highlight tags removed; a list's "..." cut accepted)."""
    squeezed = "".join(title.split())
    count = 0
    for _, inner in _ANCHOR.findall(html):
        text = "".join(_TAG.sub("", inner).split())
        stem = text.rstrip(".…")
        if text == squeezed or (text != stem and len(stem) >= 10 and squeezed.startswith(stem)):
            count += 1
    return count
