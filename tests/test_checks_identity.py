"""identity.missing on real-world footer layouts (saved pages through extract_page) and hand-built pages."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from govinspect.checks import Context, identity
from govinspect.extract.html import extract_page
from govinspect.model import Link, Page
from govinspect.rules import load_rules
from govinspect.snapshot import Snapshot

from .checks_support import AS_OF, HOME, SITE

FIXTURES = Path(__file__).parent / "fixtures" / "identity"
CLEAN = ["div_footer.html", "table_footer.html", "span_fullwidth.html", "ministry_footer.html"]


def page_from(name: str) -> Page:
    page = Page(url=HOME, final_url=HOME, status=200, content_type="text/html; charset=utf-8")
    extract_page(page, (FIXTURES / name).read_text(encoding="utf-8"), AS_OF)
    return page


def page_with(text: str, links: list[Link] | None = None, **kw: object) -> Page:
    return Page(url=HOME, final_url=HOME, status=200, content_type="text/html", text=text,
                links=links or [], **kw)  # type: ignore[arg-type]


def run(page: Page, site_code: str | None = None) -> list:
    snap = Snapshot(SITE, as_of=AS_OF)
    snap.add_page(page, home=True)
    ctx = Context(as_of=AS_OF, rules=load_rules(), site=replace(SITE, site_code=site_code))
    return list(identity.check(snap, ctx))


def by_item(findings: list) -> dict:
    return {f.evidence["item"]: f for f in findings}


FULL = ("新闻中心 政务公开 主办单位：示例市人民政府办公室 网站标识码：3404000001 "
        "皖ICP备05001234号-1 皖公网安备 34040202000123号")
BADGE = [Link("http://bszs.conac.cn/sitename?method=show&id=0A5B2D7E", tag="a")]


@pytest.mark.parametrize("name", CLEAN)
def test_real_footer_layouts_are_clean(name: str) -> None:
    assert run(page_from(name)) == []


def test_div_footer_values_read() -> None:
    found = identity.read_identity(page_from("div_footer.html"))
    assert found.sponsor == "淮南市人民政府办公室"
    assert found.organizer == "淮南市数据资源管理局"
    assert found.site_code == "3404000001"
    assert found.icp == "皖ICP备05001234号-1"
    assert found.police_record == "皖公网安备 34040202000123号"
    assert found.conac  # the _ideConac script from dcs.conac.cn


def test_split_spans_full_width_digits_and_colon() -> None:
    found = identity.read_identity(page_from("span_fullwidth.html"))
    assert found.sponsor == "潘集区人民政府办公室"
    assert found.site_code == "3404060001"
    assert found.icp == "皖ICP备08004567号-2"
    assert found.police_record == "皖公网安备 34040602000108号"
    assert found.conac  # badge behind a proxy path (/conac.cn/..., /proxy/dcs.conac.cn/...)


def test_table_footer_without_trailing_suffix_and_badge_link() -> None:
    found = identity.read_identity(page_from("table_footer.html"))
    assert found.sponsor == "凤台县人民政府办公室"  # cut before 技术支持
    assert found.icp == "皖ICP备09012345号" and found.conac


def test_central_department_code_and_sponsor_before_label() -> None:
    found = identity.read_identity(page_from("ministry_footer.html"))
    assert found.site_code == "bm07000001"
    assert found.sponsor == "中华人民共和国示例部"  # "XX 主办" form
    assert found.conac  # image alt 党政机关


def test_every_item_missing() -> None:
    findings = run(page_from("missing.html"))
    assert sorted(by_item(findings)) == sorted(identity.ITEMS)
    for f in findings:
        assert f.code == "identity.missing" and f.severity == "deduct" and f.url == HOME
        assert f.evidence["problem"] == "missing"
    items = by_item(findings)
    assert items["site_code"].message == "首页底部未发现网站标识码"
    assert items["sponsor"].message == "首页底部未发现主办单位"
    assert items["conac"].message == "首页未发现党政机关网站标识"


def test_invalid_formats() -> None:
    items = by_item(run(page_from("invalid.html")))
    assert set(items) == {"site_code", "icp", "police_record"}
    assert items["site_code"].evidence["found"] == "340421001"
    assert items["site_code"].severity == "deduct" and "格式不规范" in items["site_code"].message
    assert items["icp"].evidence["found"] == "ICP备05001234号"  # no province abbreviation
    assert "340421020001" in items["police_record"].evidence["found"]  # 12 digits, not 14
    assert all(f.evidence["problem"] == "invalid" for f in items.values())


def test_site_code_mismatch_with_registry() -> None:
    [f] = run(page_with(FULL, BADGE), site_code="3404000002")
    assert f.evidence == {**f.evidence, "item": "site_code", "found": "3404000001",
                          "expected": "3404000002", "problem": "mismatch"}
    assert f.message == "网站标识码 3404000001 与登记的 3404000002 不一致"
    assert f.severity == "deduct"


def test_site_code_matching_registry_is_clean() -> None:
    assert run(page_with(FULL, BADGE), site_code="3404000001") == []
    assert run(page_from("ministry_footer.html"), site_code="BM07000001") == []


def test_findings_carry_found_values() -> None:
    [f] = run(page_with(FULL))  # no badge
    assert f.evidence["item"] == "conac"
    assert f.evidence["values"]["site_code"] == "3404000001"
    assert f.evidence["values"]["icp"] == "皖ICP备05001234号-1"
    assert f.evidence["values"]["sponsor"] == "示例市人民政府办公室"


def test_meta_site_code_alone_is_not_enough() -> None:
    text = FULL.replace("网站标识码：3404000001 ", "")
    [f] = run(page_with(text, BADGE, meta={"SiteIDCode": "3404000001"}))
    assert f.evidence["item"] == "site_code" and f.evidence["meta"] == "3404000001"
    assert "SiteIDCode" in f.message


def test_footer_value_preferred_over_earlier_mention() -> None:
    filler = "政务要闻 " * 400
    text = f"网站标识码：1111111111 {filler} {FULL}"
    assert identity.read_identity(page_with(text)).site_code == "3404000001"


def test_sponsor_after_form_only_near_the_bottom() -> None:
    filler = "政务要闻 " * 400
    early = page_with(f"市政府主办 {filler} 网站标识码：3404000001")
    assert identity.read_identity(early).sponsor is None
    late = page_with(f"{filler} 示例市人民政府办公室主办 示例市信息中心承办")
    assert identity.read_identity(late).sponsor == "示例市人民政府办公室"


def test_site_code_split_by_spaces_is_rejoined() -> None:
    assert identity.read_identity(page_with("网站标识码：340400 0001 2019")).site_code == "3404000001"
    assert identity.read_identity(page_with("网站标识码:3404000001ICP备案")).site_code == "3404000001"


@pytest.mark.parametrize("links", [
    [Link("http://dcs.conac.cn/image/red.png", tag="img")],
    [Link("https://www.example.gov.cn/dcs.conac.cn/image/blue.png", tag="img")],
    [Link("http://www.example.gov.cn/images/badge.png", text="党政机关", tag="img")],
    [Link("http://www.example.gov.cn/js/13/000/0000/60429971/CA130000000604299710001.js", tag="script")],
])
def test_conac_badge_forms(links: list[Link]) -> None:
    assert identity.has_conac(page_with(FULL, links))


def test_conac_written_by_inline_script() -> None:
    page = page_from("hanweb_inline_conac.html")
    assert not any("conac" in link.url for link in page.links)  # only the inline loader carries it
    assert identity.has_conac(page)
    assert run(page) == []


def test_conac_from_script_targets() -> None:
    targets = [{"url": "http://dcs.conac.cn/js/33/000/0000/40672143/CA330000000406721430001.js"}]
    assert identity.has_conac(page_with(FULL, script_targets=targets))


def test_conac_not_matched_by_lookalikes() -> None:
    links = [Link("http://www.example.gov.cn/img/logo.png", text="示例市人民政府", tag="img"),
             Link("http://www.example.gov.cn/dzjg/", text="党政机关网站群导航入口及说明链接", tag="a"),
             Link("http://www.example.gov.cn/js/common.js", tag="script")]
    assert not identity.has_conac(page_with(FULL, links))


def test_unreadable_home_is_left_to_availability() -> None:
    assert run(Page(url=HOME, status=500, content_type="text/html")) == []
    assert run(Page(url=HOME, error="timeout")) == []


def test_blank_home_is_a_notice() -> None:
    [f] = run(page_with(""))
    assert f.severity == "notice" and f.evidence["error"]


def test_footer_in_an_iframe_is_read_from_the_snapshot() -> None:
    footer_url = f"{HOME}include/footer.html"
    home = page_with("新闻中心 政务公开 工作动态 关于开展安全生产大检查的通知",
                     [Link(footer_url, tag="iframe")])
    footer = Page(url=footer_url, final_url=footer_url, status=200, content_type="text/html",
                  text=FULL, links=BADGE)
    snap = Snapshot(SITE, as_of=AS_OF)
    snap.add_page(home, home=True)
    snap.add_page(footer)
    ctx = Context(as_of=AS_OF, rules=load_rules(), site=SITE)
    assert list(identity.check(snap, ctx)) == []
    snap_without = Snapshot(SITE, as_of=AS_OF)
    snap_without.add_page(home, home=True)
    assert len(list(identity.check(snap_without, ctx))) == len(identity.ITEMS)


# --- footers loaded by script or include, crawled over real HTTP (crawl/includes.py) -----------

FOOTER = ('<div class="ft"><p>主办单位：示例市人民政府办公室 承办：示例市数据资源局 联系电话：0554-6671234</p>'
          '<p>网站标识码：3404000001 <a href="https://beian.miit.gov.cn/">皖ICP备05001234号-1</a> '
          '<a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=34040202000123">'
          '皖公网安备 34040202000123号</a></p>'
          '<a href="http://bszs.conac.cn/sitename?method=show&amp;id=0A5B2D7E">'
          '<img src="http://dcs.conac.cn/image/red.png" alt="党政机关"></a></div>')
NEWS = "".join(f'<li><a href="/xwzx/{i}.html">示例市召开第{i}次常务会议</a><span>2019-10-1{i}</span></li>'
               for i in range(5))


def home_html(footer_part: str, head: str = "") -> str:
    return (f"<html><head><title>示例市人民政府</title>{head}</head><body><div class='nav'>"
            f"<a href='/xwzx/'>新闻中心</a></div><ul>{NEWS}</ul>{footer_part}</body></html>")


def js_writes(markup: str) -> str:
    """A shared footer script that document.writeln's the markup, the site code via a variable."""
    lines = ['var code = "3404000001";']
    for part in markup.replace("><", ">\n<").splitlines():
        part = part.replace("'", "\\'").replace("3404000001", "' + code + '")
        lines.append(f"document.writeln('{part}');")
    return "\n".join(lines)


def crawl_identity(routes: dict) -> tuple[list, dict]:
    import asyncio

    from govinspect.crawl.engine import crawl_site
    from govinspect.settings import Settings

    from .support import LoopbackServer

    settings = Settings(per_host=4, delay=0, timeout=3, offline=True, backoff=0.05, search_probe=False,
                        transport_probes=False, cloak_sample=0, check_external=False)
    with LoopbackServer(routes) as srv:
        site = replace(SITE, url=srv.url("/"), site_code="3404000001")
        snap = asyncio.run(crawl_site(site, settings, AS_OF))
        found = list(identity.check(snap, Context(as_of=AS_OF, rules=load_rules(), site=site)))
        return found, snap.probes.get("includes") or {}


def test_document_write_footer_script_in_gbk_is_read() -> None:
    from .support import html, raw

    found, probe = crawl_identity({
        "/": html(home_html('<script type="text/javascript" src="/include/footer.js"></script>'), charset="gbk"),
        # A TRS-era GBK script served without a charset: decoded like the page that includes it.
        "/include/footer.js": raw(js_writes(FOOTER).encode("gbk"), "application/javascript"),
    })
    assert found == []
    assert [f["via"] for f in probe["fragments"]] == ["script"]
    assert "皖公网安备 34040202000123号" in probe["fragments"][0]["text"]


@pytest.mark.parametrize("loader", [
    '<div id="footer"></div><script>$(function(){ $("#footer").load("/include/foot.html"); });</script>',
    '<div id="ft"></div><script>$.get("/inc/bottom.html", function (h) { $("#ft").html(h); });</script>',
    '<footer id="footer"></footer><script>fetch("/inc/bottom.html").then(r => r.text())'
    '.then(h => { document.getElementById("footer").innerHTML = h; });</script>',
    '<!--#include virtual="/include/foot.html" -->',
    '<div id="footer" data-include="/include/foot.html"></div>',
    '<iframe src="/include/foot.html" width="100%" height="120" frameborder="0" scrolling="no"></iframe>',
], ids=["jquery_load", "jquery_get", "fetch", "ssi", "include_attr", "iframe"])
def test_fragment_footers_are_read(loader: str) -> None:
    from .support import html

    found, _ = crawl_identity({"/": html(home_html(loader)), "/include/foot.html": html(FOOTER),
                               "/inc/bottom.html": html(FOOTER)})
    assert found == []


def test_footer_script_loading_a_fragment_is_followed_once() -> None:
    from .support import LoopbackServer, html, raw

    routes = {"/": html(home_html('<div id="bottom"></div><script src="/js/public.js"></script>')),
              "/js/public.js": raw(b'$(function(){ $("#bottom").load("/include/foot.html"); });',
                                   "application/javascript"),
              "/include/foot.html": html(FOOTER)}
    found, probe = crawl_identity(routes)
    assert found == []
    assert [f["url"].rsplit("/", 1)[-1] for f in probe["fragments"]] == ["foot.html"]
    with LoopbackServer(routes) as srv:  # the probe asks for the fragment once, not per page
        import asyncio

        from govinspect.crawl.engine import crawl_site
        from govinspect.settings import Settings

        settings = Settings(per_host=2, delay=0, timeout=3, offline=True, search_probe=False,
                            transport_probes=False, cloak_sample=0)
        asyncio.run(crawl_site(replace(SITE, url=srv.url("/")), settings, AS_OF))
        assert srv.hits.get("/include/foot.html") == 1


def test_script_footer_that_omits_an_item_is_a_finding() -> None:
    from .support import html, raw

    no_icp = FOOTER.replace('<a href="https://beian.miit.gov.cn/">皖ICP备05001234号-1</a> ', "")
    found, _ = crawl_identity({
        "/": html(home_html('<script src="/include/footer.js"></script>')),
        "/include/footer.js": raw(js_writes(no_icp).encode(), "application/javascript; charset=utf-8"),
    })
    assert [(f.severity, f.evidence["item"]) for f in found] == [("deduct", "icp")]
    assert found[0].evidence["footer_from"][0].endswith("/include/footer.js")


@pytest.mark.parametrize("routes", [
    {"/": '<div id="footer"></div><script>$("#footer").load("/include/foot.html");</script>'},
    {"/": '<script src="/include/footer.js"></script>',
     "/include/footer.js": 'jQuery.getJSON("/api/site/3", function (d) { jQuery("#ft").html(d.copy); });'},
    {"/": '<div id="footer"></div><script src="/dist/app.8c1f.js"></script>',
     "/dist/app.8c1f.js": "new App({el: document.getElementById('footer')}).mount();"},
], ids=["fragment_404", "script_from_data", "empty_box"])
def test_unreadable_footer_is_one_notice(routes: dict) -> None:
    from .support import html, raw

    handlers = {"/": html(home_html(routes["/"]))}
    handlers.update({p: raw(body.encode(), "application/javascript") for p, body in routes.items() if p != "/"})
    found, _ = crawl_identity(handlers)
    assert [(f.severity, f.evidence["item"], f.evidence["problem"]) for f in found] == [
        ("notice", "footer", "unresolved")]
    assert set(found[0].evidence["missing"]) == set(identity.ITEMS)
    assert found[0].evidence["includes"]


def test_unreadable_footer_does_not_hide_a_wrong_site_code() -> None:
    from .support import html

    shown = '<p>网站标识码：3404000099</p><div id="footer"></div><script>$("#footer").load("/foot.htm");</script>'
    found, _ = crawl_identity({"/": html(home_html(shown))})
    assert sorted((f.severity, f.evidence["item"]) for f in found) == [("deduct", "site_code"),
                                                                        ("notice", "footer")]
    assert "site_code" not in next(f for f in found if f.severity == "notice").evidence["missing"]


def test_without_an_include_a_missing_footer_is_still_five_deductions() -> None:
    from .support import html

    found, probe = crawl_identity({"/": html(home_html("<p>欢迎访问</p>"))})
    assert probe["fragments"] == [] and probe["unresolved"] == []
    assert sorted(f.evidence["item"] for f in found if f.severity == "deduct") == sorted(identity.ITEMS)


def test_includes_merge_into_the_page_from_snapshot_probe() -> None:
    page = page_with("新闻中心 政务公开 " * 20)
    snap = Snapshot(SITE, as_of=AS_OF)
    snap.add_page(page, home=True)
    snap.probes["includes"] = {"url": HOME, "fragments": [
        {"url": f"{HOME}include/foot.html", "via": "load", "text": FULL, "links": [
            {"url": BADGE[0].url, "text": "", "tag": "a"}], "script_targets": []}],
        "unresolved": [], "containers": ["div#footer"]}
    ctx = Context(as_of=AS_OF, rules=load_rules(), site=replace(SITE, site_code="3404000001"))
    assert list(identity.check(snap, ctx)) == []


def test_script_markup_reads_literals_variables_and_escapes_not_comments() -> None:
    from govinspect.crawl.includes import script_markup

    code = ('var unit = "示例市人民政府办公室";\n// document.write("<p>旧页脚</p>");\n'
            "document.write('<p>主办单位：' + unit + '</p>');\n"
            'document.writeln("<p>\\u7696ICP\\u590705001234\\u53f7</p>");')
    assert script_markup(code) == "<p>主办单位：示例市人民政府办公室</p><p>皖ICP备05001234号</p>"
    assert script_markup("var a = '主办单位';") == ""  # no sink: nothing is written
    assert "<p>主办</p>" in script_markup("document.write(unescape('%3Cp%3E%u4E3B%u529E%3C/p%3E'))")


def test_find_refs_skips_libraries_images_and_templates() -> None:
    from govinspect.crawl.includes import find_refs

    found = find_refs('<img data-src="/a/foot.jpg"><script type="text/html"><p>{{copy}}</p></script>'
                      '<div data-src="/inc/foot.shtml"></div><script src="/js/jquery-1.12.min.js"></script>',
                      HOME)
    assert [(r.url, r.via) for r in found.refs] == [
        (f"{HOME}js/jquery-1.12.min.js", "script"), (f"{HOME}inc/foot.shtml", "include_attr")]
    assert found.markup == []


def test_police_record_labelled_without_province_prefix() -> None:
    text = FULL.replace("皖公网安备 34040202000123号", "公安机关备案号：34040202000123")
    found = identity.read_identity(page_with(text, BADGE))
    assert found.police_record == "公安机关备案号:34040202000123"  # normalised text
    assert run(page_with(text, BADGE), "3404000001") == []


def test_unnamed_footer_script_after_many_others_is_read() -> None:
    from .support import html, raw

    scripts = "".join(f'<script src="/js/module{i}.js"></script>' for i in range(9))
    routes = {"/": html(home_html(scripts + '<script src="/script/0/1803221006493218.js"></script>'))}
    routes.update({f"/js/module{i}.js": raw(b"var x = 1;", "application/javascript") for i in range(9)})
    routes["/script/0/1803221006493218.js"] = raw(js_writes(FOOTER).encode(), "application/javascript")
    found, probe = crawl_identity(routes)
    assert found == []
    assert [f["url"].rsplit("/", 1)[-1] for f in probe["fragments"]] == ["1803221006493218.js"]


def test_provincial_portal_layout_with_six_shared_scripts() -> None:
    """Modelled on a provincial portal's article template (github mhxqwer/zyjhenan.gov.cn index.html):
    header, nav, share, link and footer scripts of the site's own; the footer script appends its
    markup to <body> piece by piece (one piece commented out), labels 主办：/政府网站标识码：/备案序号：
    and a city bureau's 公备 number. Values here are invented."""
    from .support import html, raw

    footer_js = "\n".join([
        "$('body').append(",
        "    '<div class=\"footer\">' +",
        "    // '<div class=\"spacer\"></div>' +",
        "    '<p><a href=\"http://bszs.conac.cn/sitename?method=show&id=77AA\"><img alt=\"党政机关\"></a></p>' +",
        "    '<p>主办：示例省人民政府办公厅 &nbsp; 协办：示例日报社</p>' +",
        "    '<p>政府网站标识码：3404000001 &nbsp; 备案序号：<a href=\"//beian.miit.gov.cn\">皖ICP备05001234号-1</a>"
        " &nbsp; 淮公备：34040029000130</p>' +",
        "    '</div>'",
        ");",
        "$.ajax({url: 'https://my.example.gov.cn/sso/info', dataType: 'jsonp'});",
    ])
    scripts = "".join(f'<script src="static/js/{n}.js"></script>' for n in ("head", "nav", "share", "link"))
    scripts += '<script src="static/js/footer.js"></script><script src="static/js/common.js"></script>'
    head = '<script src="static/js/jquery.min.js"></script><script src="static/js/jquery.qrcode.min.js"></script>'
    routes = {"/": html(home_html(scripts, head))}
    for name in ("head", "nav", "share", "common"):
        routes[f"/static/js/{name}.js"] = raw(b"$(function(){ $('.nav li').hover(function(){}); });",
                                              "application/javascript")
    routes["/static/js/link.js"] = raw("document.writeln('<div class=\"link\"><a href=\"http://www.gov.cn/\">"
                                       "中国政府网</a></div>');".encode(), "application/javascript")
    routes["/static/js/footer.js"] = raw(footer_js.encode(), "application/javascript")
    found, probe = crawl_identity(routes)
    assert found == []
    names = [f["url"].rsplit("/", 1)[-1] for f in probe["fragments"]]
    assert "footer.js" in names and "jquery.min.js" not in names


def test_footer_boxes_are_named_footer_not_buttons_or_decorations() -> None:
    from govinspect.crawl.includes import find_refs

    found = find_refs('<div id="goBottom"></div><div id="footer-bg"></div><div id="footer_box"></div>'
                      '<footer></footer><div id="ft" data-url="/api/include/footer"></div>', HOME)
    assert found.containers == ["div#footer_box", "footer", "div#ft"]
    assert [(r.url, r.via) for r in found.refs] == [(f"{HOME}api/include/footer", "include_attr")]


def test_page_without_any_footer_item_and_an_unreachable_script_is_a_notice() -> None:
    from .support import html

    # A saved page whose scripts still point at the original portal (unreachable here).
    page = home_html('<script src="http://www.example-portal.gov.cn/script/0/1803221006493218.js"></script>')
    found, probe = crawl_identity({"/": html(page)})
    assert probe["bare"] is True
    assert [(f.severity, f.evidence["item"]) for f in found] == [("notice", "footer")]


def test_partial_inline_footer_with_an_unreachable_script_keeps_its_deductions() -> None:
    from .support import html

    shown = ('<p>主办单位：示例市人民政府办公室 网站标识码：3404000001</p>'
             '<script src="http://www.example-portal.gov.cn/script/0/1803221006493218.js"></script>')
    found, probe = crawl_identity({"/": html(home_html(shown))})
    assert probe["bare"] is False
    assert sorted(f.evidence["item"] for f in found if f.severity == "deduct") == ["conac", "icp", "police_record"]
    assert all(f.severity == "deduct" for f in found)


def test_unnamed_script_building_the_footer_from_data_on_a_bare_page() -> None:
    from .support import html, raw

    code = b"$(function(){ $.getJSON('/api/site/3', function (d) { $('#main-info').html(d.html); }); });"
    found, _ = crawl_identity({"/": html(home_html('<script src="/js/app.js"></script>')),
                               "/js/app.js": raw(code, "application/javascript")})
    assert [(f.severity, f.evidence["item"]) for f in found] == [("notice", "footer")]


def test_inline_write_of_a_footer_iframe_and_script_charset_attribute() -> None:
    from .support import html, raw

    writes_iframe = ("<script>document.write('<iframe src=\"/include/foot.html\" frameborder=\"0\" "
                     "scrolling=\"no\" width=\"100%\"></iframe>');</script>")
    found, probe = crawl_identity({"/": html(home_html(writes_iframe)), "/include/foot.html": html(FOOTER)})
    assert found == [] and any(f["via"] == "iframe" for f in probe["fragments"])
    # A UTF-8 page including a GBK script the tag declares (TRS templates write charset="gb2312").
    tag = '<script type="text/javascript" src="/images/dibu.js" charset="gb2312"></script>'
    found, _ = crawl_identity({"/": html(home_html(tag)),
                               "/images/dibu.js": raw(js_writes(FOOTER).encode("gbk"), "application/javascript")})
    assert found == []
