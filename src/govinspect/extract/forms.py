"""Site-search discovery: the search form (action, method, query field, hidden fields, charset).

Government sites put a search box in the header: a GET form to a TRS ``/was5/web/search`` or
Hanweb ``/jrobot/search.do``, a POST form to a home-made ``search.jsp``, or an input that a
script submits. The form's ``accept-charset`` (else the page's encoding) decides how the
query is percent-encoded: GBK sites expect GBK bytes. Login and message forms are skipped.
"""

from __future__ import annotations

import codecs
import logging
import re
from collections.abc import Mapping
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from govinspect.model import Page

from .links import UrlResolver, collapse

__all__ = ["discover", "normalize_charset", "search_forms"]

log = logging.getLogger(__name__)

_FIELD_NAME = re.compile(
    r"^(?:q|qt|query|querystring|keyword|keywords|kw|key|keys|searchword|searchkey|searchvalue|searchtext"
    r"|search|sword|sw|wd|word|words|text|title|content|ss|s|k|sousuo|searchname|searchstr|qw)$",
    re.I,
)
_FIELD_HINT = re.compile(r"搜索|检索|关键字|关键词|请输入|search|keyword|query", re.I)
_ACTION_HINT = re.compile(r"search|sou|query|jsearch|was5|jrobot|/s\.jsp|/ss|find|retrieval|so\.|fulltext", re.I)
_TEXT_HINT = re.compile(r"搜索|检索|搜\s*索|站内搜索|全文检索")
_LINK_TEXT = re.compile(r"^(?:站内搜索|全文检索|高级搜索|高级检索|搜索|检索|站内检索)$")
_TEXT_TYPES = frozenset({"", "text", "search"})
_GBK = frozenset({"gb2312", "gbk", "x-gbk", "gb18030", "cp936", "euc-cn", "hz-gb-2312"})
_MIN_SCORE = 2


def normalize_charset(value: str | None) -> str:
    """A Python codec for a declared charset; GB2312 and GBK become their superset GB18030."""
    tokens = (value or "").replace(",", " ").replace(";", " ").split()
    name = tokens[0].strip("\"'").lower() if tokens else "utf-8"
    if name in _GBK:
        return "gb18030"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return "utf-8"


def search_forms(tree: LexborHTMLParser, page: Page, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """``{"forms": [...], "scripted": bool, "links": [...]}`` for a page (the home page); never raises."""
    try:
        return _discover(tree, page.final_url or page.url, page.encoding, overrides)
    except Exception:  # a form we cannot read must never cost the page its other data
        log.warning("search form discovery failed on %s", page.url, exc_info=True)
        return {"forms": [], "scripted": False, "links": []}


def discover(html: str, url: str, encoding: str | None, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The search forms, scripted search boxes and search-page links of an HTML page."""
    return _discover(LexborHTMLParser(html), url, encoding, overrides)


def _discover(tree: LexborHTMLParser, url: str, encoding: str | None, overrides: Mapping[str, Any] | None) -> dict[str, Any]:
    selectors = (overrides or {}).get("selectors") or {}
    resolve = UrlResolver(url)
    chosen = selectors.get("search_form")
    forms_nodes = tree.css(chosen) if chosen else tree.css("form")
    forms: list[dict[str, Any]] = []
    in_forms: set[int] = set()
    script_forms = False
    for node in forms_nodes:
        form = _form(node, resolve, encoding, selectors.get("search_field"), forced=bool(chosen))
        if form is not None and _script_submitted(node) and not chosen:
            script_forms = True  # its real target is built by a script: submitting it blindly proves nothing
            continue
        in_forms |= {n.mem_id for n in node.css("input")}
        if form is not None:
            forms.append(form)
    forms.sort(key=lambda f: -f["score"])
    scripted = not forms and (script_forms or any(
        _is_query_input(n) for n in tree.css("input") if n.mem_id not in in_forms
    ))
    links = []
    for a in tree.css("a[href]"):
        if _LINK_TEXT.match(collapse(a.text(separator=""))):
            target = resolve(a.attributes.get("href") or "")
            if target and target.startswith("http") and target not in links:
                links.append(target)
    return {"forms": forms, "scripted": scripted, "links": links[:3]}


def _script_submitted(node: LexborNode) -> bool:
    """True for a form without a real action that a script submits (onsubmit / button onclick)."""
    action = (node.attributes.get("action") or "").strip().lower()
    if action and action != "#" and not action.startswith("javascript:"):
        return False
    return bool(node.attributes.get("onsubmit")) or any(
        b.attributes.get("onclick") for b in node.css("input, button, a, img")
    ) or action.startswith("javascript:")


def _is_query_input(node: LexborNode) -> bool:
    attrs = node.attributes
    if (attrs.get("type") or "").lower() not in _TEXT_TYPES:
        return False
    name = attrs.get("name") or attrs.get("id") or ""
    hint = " ".join(filter(None, (attrs.get("placeholder"), attrs.get("value"), attrs.get("title"), attrs.get("id"))))
    return bool(_FIELD_NAME.match(name) or _FIELD_HINT.search(hint))


def _form(node: LexborNode, resolve: UrlResolver, encoding: str | None, field_selector: str | None,
          forced: bool) -> dict[str, Any] | None:
    """One candidate search form with its score, or None (login, message and upload forms)."""
    inputs = node.css("input")
    types = [(i.attributes.get("type") or "").lower() for i in inputs]
    if "password" in types or "file" in types or node.css_first("textarea") is not None:
        return None
    texts = [i for i, t in zip(inputs, types, strict=True) if t in _TEXT_TYPES and i.attributes.get("name")]
    if field_selector:
        picked = node.css_first(field_selector)
        texts = [picked] if picked is not None and picked.attributes.get("name") else texts
    if not texts:
        return None
    field = max(texts, key=_field_score)
    attrs = node.attributes
    action = resolve(attrs.get("action") or "") or resolve.page
    score = _field_score(field)
    score += 2 if _ACTION_HINT.search(attrs.get("action") or "") else 0
    score += 1 if _TEXT_HINT.search(collapse(node.text(separator=" ")) + _buttons(node)) else 0
    score += 1 if len(texts) == 1 else 0
    if score < _MIN_SCORE and not forced:
        return None
    params: dict[str, str] = {}
    for inp, kind in zip(inputs, types, strict=True):
        name = inp.attributes.get("name")
        if name and kind in ("hidden",) and name != field.attributes.get("name"):
            params[name] = inp.attributes.get("value") or ""
    for sel in node.css("select[name]"):
        option = sel.css_first("option[selected]") or sel.css_first("option")
        if option is not None:
            params[sel.attributes.get("name") or ""] = option.attributes.get("value") or collapse(option.text())
    declared = (attrs.get("accept-charset") or "").replace(",", " ").split()
    return {
        "action": action,
        "method": "POST" if (attrs.get("method") or "get").strip().upper() == "POST" else "GET",
        "field": field.attributes.get("name") or "",
        "params": params,
        "charset": normalize_charset(declared[0] if declared else encoding),
        "score": score,
    }


def _field_score(node: LexborNode) -> int:
    attrs = node.attributes
    name = attrs.get("name") or ""
    hint = " ".join(filter(None, (attrs.get("placeholder"), attrs.get("value"), attrs.get("title"), attrs.get("id"))))
    return 2 * bool(_FIELD_NAME.match(name)) + bool(_FIELD_HINT.search(hint)) + bool(_FIELD_HINT.search(name))


def _buttons(node: LexborNode) -> str:
    """Labels of the form's buttons (value and alt attributes included)."""
    parts = []
    for b in node.css("input[type=submit], input[type=button], input[type=image], button"):
        parts.append(b.attributes.get("value") or b.attributes.get("alt") or b.text())
    return " ".join(p for p in parts if p)
