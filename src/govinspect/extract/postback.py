"""ASP.NET WebForms lists paged by posting the page's form back (``__doPostBack``).

A pager made of submit buttons (``<input type="submit" name="ctl00$btnNext" value="下一页">``)
posts the same form with the pressed button's name and value instead.

The pager's links are ``javascript:__doPostBack('ctl00$ContentPlaceHolder1$AspNetPager1','2')``
(or ``WebForm_DoPostBackWithOptions(new WebForm_PostBackOptions("...$lnkNext", ...))`` for
LinkButtons); the browser copies the target and argument into the hidden ``__EVENTTARGET``
and ``__EVENTARGUMENT`` fields and posts the whole form, ``__VIEWSTATE`` and
``__EVENTVALIDATION`` included, to the form's action. This module reads that state so that
the crawl can post the same request for the next page, without running any script.

GridView's own pager posts ``__doPostBack('GridView1','Page$2')`` (System.Web.UI.WebControls.
GridView paging arguments ``Page$N``, ``Page$Next``, ``Page$Last``).

Sources: the Wuqi.Webdiyer AspNetPager control as used on list pages
(lvxiangjun1/hqweb SourceCode/WebSite/generalweb/list.aspx, NextPageText="下一页"), and crawler
notes that replay ``__doPostBack('AspNetPager1', N)`` with ``__VIEWSTATE`` and
``__VIEWSTATEGENERATOR`` (found with find_string "__doPostBack('AspNetPager1'" in the public
code corpus); the hidden field names are those of System.Web.UI.Page.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode, urljoin

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .paging import NEXT_TEXTS

__all__ = ["find_postback", "next_postback", "postback_body"]

_DO_POSTBACK = re.compile(r"""__doPostBack\(\s*['"]([^'"]+)['"]\s*,\s*['"]([^'"]*)['"]\s*\)""")
_WITH_OPTIONS = re.compile(
    r"""WebForm_PostBackOptions\(\s*["']([^"']+)["']\s*,\s*["']([^"']*)["']"""
)
_PAGERISH = re.compile(r"(?i)pager|page|fenye|paging|lnk(?:next|btnnext)|btnnext|next")
_STRIP = str.maketrans("", "", " \u3000\u00a0[]【】()（）<«")
_SKIP_TYPES = frozenset({"submit", "button", "image", "reset", "file", "password"})
BUTTON = "button:"  # a links entry whose target is a submit button's name, not an event target


def _calls(node: LexborNode) -> tuple[str, str] | None:
    """(target, argument) of a postback link or button, or None."""
    for attr in ("href", "onclick"):
        value = node.attributes.get(attr) or ""
        if "PostBack" not in value:
            continue
        mo = _DO_POSTBACK.search(value) or _WITH_OPTIONS.search(value)
        if mo:
            return mo.group(1), mo.group(2)
    return None


def _form_fields(form: LexborNode) -> list[tuple[str, str]]:
    """The name/value pairs a browser would submit for ``form`` (no button pressed)."""
    fields: list[tuple[str, str]] = []
    for node in form.css("input, select, textarea"):
        name = node.attributes.get("name")
        if not name or node.attributes.get("disabled") is not None:
            continue
        if node.tag == "input":
            kind = (node.attributes.get("type") or "text").lower()
            if kind in _SKIP_TYPES:
                continue
            if kind in ("checkbox", "radio") and node.attributes.get("checked") is None:
                continue
            fields.append((name, node.attributes.get("value") or ""))
        elif node.tag == "select":
            options = node.css("option")
            chosen = next((o for o in options if o.attributes.get("selected") is not None),
                          options[0] if options else None)
            if chosen is not None:
                fields.append((name, chosen.attributes.get("value") or chosen.text(strip=True)))
        else:
            fields.append((name, node.text()))
    return fields


def find_postback(html: str, page_url: str) -> dict[str, Any] | None:
    """The page's postback pager: form action, fields and the pager's links; None without one.

    Returns ``{"kind": "postback", "url", "fields", "links": [[text, target, arg]], "error"}``;
    ``error`` says why the pager cannot be followed (no form to post), else None.
    """
    if "PostBack" not in html and "__VIEWSTATE" not in html:
        return None
    tree = LexborHTMLParser(html)
    links: list[list[str]] = []
    # Submit buttons named like a pager's "下一页" post the form with their own name=value.
    for node in tree.css('form input[type="submit"], form input[type="image"], form button'):
        name = node.attributes.get("name") or ""
        text = (node.attributes.get("value") or node.text(strip=True) or
                node.attributes.get("alt") or node.attributes.get("title") or "").translate(_STRIP)
        if name and text in NEXT_TEXTS and node.attributes.get("disabled") is None:
            links.append([text, BUTTON + name, node.attributes.get("value") or ""])
    for node in tree.css("a, input, button, span"):
        call = _calls(node)
        if call is None:
            continue
        target, arg = call
        text = node.text(strip=True) if node.tag != "input" else (node.attributes.get("value") or "")
        text = text.translate(_STRIP)
        nextish = text in NEXT_TEXTS
        if not (_PAGERISH.search(target) or arg.startswith("Page$") or nextish or text.isdigit()):
            continue
        if node.attributes.get("disabled") is not None:
            continue
        links.append([text, target, arg])
    if not links:
        return None
    form = None
    for candidate in tree.css("form"):
        if candidate.css_first('input[name="__VIEWSTATE"], input[name="__EVENTTARGET"]') is not None:
            form = candidate
            break
    if form is None:
        return {"kind": "postback", "url": page_url, "fields": [], "links": links,
                "error": "列表翻页依赖表单回传（__doPostBack），但页面中没有可提交的表单"}
    action = (form.attributes.get("action") or "").strip()
    url = urljoin(page_url, action) if action else page_url
    return {"kind": "postback", "url": url.split("#", 1)[0], "fields": _form_fields(form),
            "links": links, "error": None}


def next_postback(source: dict[str, Any], current: int) -> tuple[str, str] | None:
    """(target, argument) that asks for page ``current + 1``, or None on the last page."""
    wanted = str(current + 1)
    for text, target, arg in source.get("links", []):
        if text in NEXT_TEXTS:
            return target, arg
    for text, target, arg in source.get("links", []):
        if text == wanted or arg == f"Page${wanted}" or (arg == wanted and _PAGERISH.search(target)):
            return target, arg
    return None


def postback_body(source: dict[str, Any], target: str, arg: str, encoding: str | None) -> bytes:
    """The urlencoded form a browser posts for ``__doPostBack(target, arg)`` or a pressed button."""
    fields = [(k, v) for k, v in source.get("fields", []) if k not in ("__EVENTTARGET", "__EVENTARGUMENT")]
    if target.startswith(BUTTON):  # the browser sends the pressed button's name and value
        fields = [("__EVENTTARGET", ""), ("__EVENTARGUMENT", ""), *fields, (target[len(BUTTON):], arg)]
    else:
        fields = [("__EVENTTARGET", target), ("__EVENTARGUMENT", arg), *fields]
    enc = encoding or "utf-8"
    try:
        return urlencode(fields, encoding=enc, errors="xmlcharrefreplace").encode("ascii")
    except LookupError:
        return urlencode(fields).encode("ascii")
