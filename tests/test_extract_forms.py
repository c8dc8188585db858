"""Search-form discovery on header markup seen on TRS, Hanweb and home-made portals."""

from __future__ import annotations

import pytest
from selectolax.lexbor import LexborHTMLParser

from govinspect.extract.forms import discover, normalize_charset, search_forms
from govinspect.model import Page

HOME = "http://www.example.gov.cn/"

TRS = """<div class="search"><form name="searchform" action="/was5/web/search" method="get" target="_blank">
<input type="hidden" name="channelid" value="239418"><input type="hidden" name="perpage" value="15">
<input type="text" name="searchword" class="txt" placeholder="请输入关键字"><input type="submit" value="搜索"></form></div>"""
HANWEB = """<form id="searchform" action="http://www.example.gov.cn/jrobot/search.do" method="post" accept-charset="GBK">
<input type="hidden" name="webid" value="1"><select name="pg"><option value="10" selected>10</option><option value="20">20</option></select>
<input type="text" name="q" value="请输入搜索内容" onfocus="this.value=''"><input type="image" src="/images/ss.png" alt="检索"></form>"""
LOGIN_AND_SEARCH = """<form action="/login.jsp" method="post"><input type="text" name="username"><input type="password" name="pwd">
<input type="submit" value="登录"></form><form action="search.jsp"><input type="text" name="keyword"><button>站内搜索</button></form>"""
MESSAGE_FORM = """<form action="/hdjl/save.do" method="post"><input type="text" name="title"><textarea name="content"></textarea>
<input type="submit" value="提交"></form>"""
NEWSLETTER = """<form action="/subscribe" method="post"><input type="text" name="email" placeholder="邮箱"><input type="submit" value="订阅"></form>"""
SCRIPTED = """<div class="ss"><input type="text" id="kw" name="kw" placeholder="搜索"><img src="/images/go.png" onclick="goSearch()"></div>"""
LINKED = """<div class="top"><a href="/search/index.html">站内搜索</a> <a href="/adv.html">高级检索</a> <a href="/about.html">关于我们</a></div>"""


def test_trs_get_form() -> None:
    found = discover(TRS, HOME, "utf-8")
    form = found["forms"][0]
    assert form == {"action": HOME + "was5/web/search", "method": "GET", "field": "searchword",
                    "params": {"channelid": "239418", "perpage": "15"}, "charset": "utf-8", "score": form["score"]}
    assert not found["scripted"]


def test_hanweb_post_form_with_accept_charset_and_select() -> None:
    form = discover(HANWEB, HOME, "utf-8")["forms"][0]
    assert form["method"] == "POST" and form["field"] == "q"
    assert form["charset"] == "gb18030"  # accept-charset GBK wins over the page's encoding
    assert form["params"] == {"webid": "1", "pg": "10"}


def test_gbk_page_encoding_is_the_default_charset() -> None:
    assert discover(TRS, HOME, "gb2312")["forms"][0]["charset"] == "gb18030"


def test_login_message_and_subscription_forms_are_not_search() -> None:
    found = discover(LOGIN_AND_SEARCH + MESSAGE_FORM + NEWSLETTER, HOME + "sub/index.html", "utf-8")
    assert [(f["action"], f["field"]) for f in found["forms"]] == [(HOME + "sub/search.jsp", "keyword")]


def test_scripted_search_box_and_search_links() -> None:
    found = discover(SCRIPTED + LINKED, HOME, "utf-8")
    assert found["forms"] == [] and found["scripted"]
    assert found["links"] == [HOME + "search/index.html", HOME + "adv.html"]


def test_no_search_at_all() -> None:
    assert discover(NEWSLETTER + "<a href='/x.html'>新闻</a>", HOME, "utf-8") == {"forms": [], "scripted": False, "links": []}


def test_override_selectors_pick_an_unusual_form() -> None:
    odd = """<form id="f2" action="/cx.aspx"><input type="text" name="t1"><input type="text" name="t2"></form>"""
    assert discover(odd, HOME, "utf-8")["forms"] == []
    found = discover(odd, HOME, "utf-8", {"selectors": {"search_form": "form#f2", "search_field": "input[name=t2]"}})
    assert [(f["action"], f["field"]) for f in found["forms"]] == [(HOME + "cx.aspx", "t2")]


def test_search_forms_on_a_parsed_page_never_raises() -> None:
    page = Page(url=HOME, final_url=HOME, encoding="gb18030")
    found = search_forms(LexborHTMLParser(f"<html><body>{TRS}</body></html>"), page)
    assert found["forms"][0]["charset"] == "gb18030"
    assert search_forms(None, page) == {"forms": [], "scripted": False, "links": []}  # type: ignore[arg-type]


@pytest.mark.parametrize(("declared", "codec"), [
    ("GB2312", "gb18030"), ("gbk", "gb18030"), ("x-gbk", "gb18030"), ("UTF-8", "utf-8"), (None, "utf-8"),
    ("utf-8, gbk", "utf-8"), ("big5", "big5"), ("no-such-charset", "utf-8"),
])
def test_normalize_charset(declared: str | None, codec: str) -> None:
    assert normalize_charset(declared) == codec


def test_form_without_action_submitted_by_script_is_scripted() -> None:
    form = """<form name="ss" onsubmit="return checkSearch()"><input type="text" name="keyword"><input type="submit" value="搜索"></form>"""
    assert discover(form, HOME, "utf-8") == {"forms": [], "scripted": True, "links": []}
    js = """<form action="javascript:void(0)"><input type="text" name="q"><input type="button" value="搜索" onclick="go()"></form>"""
    assert discover(js, HOME, "utf-8")["scripted"]
