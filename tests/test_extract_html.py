"""extract_page on real-world shapes of Chinese government pages (no network)."""

from datetime import date
from pathlib import Path

import pytest

from govinspect.extract.html import MAX_TEXT, extract_page, find_pub_date, is_home_url
from govinspect.model import Link, Page

REF = date(2019, 10, 20)
FIXTURES = Path(__file__).parent / "fixtures" / "extract"
BASE = "http://www.ft.gov.cn/zwgk/tzgg/index.html"


def page_from(html: str, url: str = BASE) -> Page:
    page = Page(url=url, final_url=url)
    extract_page(page, html, REF)
    return page


def fixture(name: str, url: str, encoding: str = "utf-8") -> Page:
    return page_from((FIXTURES / name).read_bytes().decode(encoding), url)


def wrap(body: str, head: str = "") -> str:
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"
    )


def titles(page: Page) -> list[str]:
    return [i.title for i in page.items]


# --- old TRS list page, GBK encoded, table layout -------------------------------------


@pytest.fixture(scope="module")
def trs() -> Page:
    return fixture("trs_list_table.html", BASE, "gbk")


def test_trs_title_and_meta(trs: Page) -> None:
    assert trs.title == "通知公告_凤台县人民政府"
    assert trs.meta == {
        "SiteName": "凤台县人民政府",
        "SiteDomain": "www.ft.gov.cn",
        "SiteIDCode": "3404210001",
        "ColumnName": "通知公告",
        "ColumnType": "通知公告",
    }


def test_trs_table_rows_are_items(trs: Page) -> None:
    assert [(i.title, i.date, i.raw_date) for i in trs.items] == [
        ("凤台县关于开展2019年秋冬季森林防火工作的通知", date(2019, 10, 8), "2019/10/8"),
        ("凤台县2019年第三季度政府网站检查情况通报", date(2019, 9, 26), "2019/9/26"),
        ("关于做好2019年国庆节期间安全生产工作的通知", date(2019, 9, 11), "2019/9/11"),
        (
            "凤台县人民政府关于公布第一批县级非物质文化遗产名录的公告",
            date(2019, 8, 30),
            "2019/8/30",
        ),
    ]
    assert trs.items[0].url == "http://www.ft.gov.cn/zwgk/tzgg/201910/t20191008_3155870.html"
    assert not any(i.year_inferred for i in trs.items)


def test_trs_create_page_html_gives_index_1(trs: Page) -> None:
    assert trs.next_page == "http://www.ft.gov.cn/zwgk/tzgg/index_1.html"


def test_trs_links(trs: Page) -> None:
    by_url = {(link.url, link.tag): link for link in trs.links}
    assert ("http://www.ft.gov.cn/images/style.css", "link") in by_url
    assert ("http://www.ft.gov.cn/images/common.js", "script") in by_url
    assert by_url[("http://www.ft.gov.cn/zwgk/", "a")].in_nav  # <table id="nav">
    assert by_url[("http://www.ft.gov.cn/zwgk/tzgg/", "a")].text == "通知公告"
    badge = by_url[("http://dcs.conac.cn/image/red.png", "img")]
    assert badge.text == "党政机关" and not badge.in_nav
    assert by_url[("http://bszs.conac.cn/sitename?method=show&id=12345", "a")].text == "党政机关"
    assert not any(link.url.startswith("mailto:") for link in trs.links)


def test_trs_text_and_no_pub_date(trs: Page) -> None:
    assert "当前位置： 首页 > 政务公开 > 通知公告" in trs.text
    assert "createPageHTML" not in trs.text and "countPage" not in trs.text
    assert trs.pub_date is None
    assert not trs.empty_marker


# --- modern list page -------------------------------------------------------------------


@pytest.fixture(scope="module")
def modern() -> Page:
    return fixture("modern_list_ul.html", "http://www.huainan.gov.cn/zwdt/gzdt/index.html")


def test_modern_ul_li_span(modern: Page) -> None:
    assert titles(modern)[:2] == ["市政府召开第十三次常务会议", "我市开展“双随机、一公开”联合检查"]
    assert [i.date for i in modern.items] == [
        date(2019, 10, 18),
        date(2019, 10, 15),
        date(2019, 10, 11),
        date(2019, 10, 8),
        date(2019, 9, 30),
    ]


def test_modern_friend_links_menu_and_footer_are_not_items(modern: Page) -> None:
    assert len(modern.items) == 5
    assert not any(i.title.endswith("人民政府") for i in modern.items)


def test_modern_next_page_link(modern: Page) -> None:
    assert modern.next_page == "http://www.huainan.gov.cn/zwdt/gzdt/index.html?page=2"


def test_modern_meta_and_links(modern: Page) -> None:
    assert modern.meta["keywords"] == "淮南,工作动态"
    assert modern.meta["description"] == "淮南市人民政府工作动态"
    urls = {(link.url, link.tag) for link in modern.links}
    assert ("http://www.huainan.gov.cn/favicon.ico", "link") in urls
    assert ("http://www.huainan.gov.cn/static/css/main.css?v=20191001", "link") in urls
    assert ("http://www.huainan.gov.cn/static/font.woff2", "link") not in urls  # rel=preload
    conac = "http://dcs.conac.cn/js/12/000/0000/60429971/CA120000000604299710001.js"
    assert (conac, "script") in urls  # protocol-relative src
    assert not any(u.startswith("javascript") or u.endswith("#top") for u, _ in urls)
    nav = {link.text for link in modern.links if link.in_nav}
    assert {"政务公开", "工作动态", "互动交流", "走进淮南"} <= nav
    assert "网站地图" not in nav


def test_modern_text_excludes_scripts_styles_and_comments(modern: Page) -> None:
    assert "float:right" not in modern.text
    assert "_hmt" not in modern.text
    assert "旧栏目" not in modern.text
    assert not modern.empty_marker  # "暂无" only in a script and a comment
    assert "  " not in modern.text


# --- home page --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def home() -> Page:
    return fixture("home.html", "http://www.huainan.gov.cn/")


def test_home_keeps_every_list_in_page_order(home: Page) -> None:
    assert [(i.date, i.year_inferred) for i in home.items] == [
        (date(2019, 10, 19), True),
        (date(2019, 10, 17), True),
        (date(2019, 10, 16), True),
        (date(2019, 10, 12), False),
        (date(2019, 10, 9), False),
        (date(2019, 9, 20), False),
    ]


def test_home_title_attribute_replaces_truncated_text(home: Page) -> None:
    assert (
        home.items[0].title == "市委常委会召开会议 传达学习全国“不忘初心、牢记使命”主题教育会议精神"
    )
    assert home.items[0].raw_date == "10-19"


def test_home_dl_dt_dd_items(home: Page) -> None:
    assert home.items[3].title == "关于2019年度市直事业单位公开招聘工作人员的公告"
    assert home.items[3].raw_date == "2019.10.12"


def test_home_nav_by_camel_case_id(home: Page) -> None:
    nav = [link.text for link in home.links if link.in_nav and link.text != "更多>>"]
    assert nav == ["首页", "政务公开", "工作动态", "通知公告", "政策文件", "互动交流"]
    assert home.next_page is None
    assert home.pub_date is None


# --- article page -----------------------------------------------------------------------


def test_article_page_has_pub_date_and_no_items() -> None:
    page = fixture("article.html", "http://www.huainan.gov.cn/zwdt/gzdt/201910/t20191018_1.html")
    assert page.items == []
    assert page.pub_date == date(2019, 10, 18)
    assert page.meta["ArticleTitle"] == "市政府召开第十三次常务会议"
    assert "document.write" not in page.text
    assert not page.empty_marker


# --- list shapes ------------------------------------------------------------------------


def test_li_with_date_before_title() -> None:
    page = page_from(
        wrap(
            """<ul class="news">
            <li><span class="date">[10-08]</span><a href="a1.html">关于开展秋季防火工作的通知</a></li>
            <li><span class="date">[09-30]</span><a href="a2.html">国庆节放假安排的通知公告</a></li>
            <li><span class="date">[09-12]</span><a href="a3.html">中秋节期间值班安排表</a></li>
            </ul>"""
        )
    )
    assert [(i.title, i.date, i.raw_date, i.year_inferred) for i in page.items] == [
        ("关于开展秋季防火工作的通知", date(2019, 10, 8), "10-08", True),
        ("国庆节放假安排的通知公告", date(2019, 9, 30), "09-30", True),
        ("中秋节期间值班安排表", date(2019, 9, 12), "09-12", True),
    ]
    assert page.items[0].url == "http://www.ft.gov.cn/zwgk/tzgg/a1.html"


def test_div_item_em_h3() -> None:
    page = page_from(
        wrap(
            """<div class="news-list">
            <div class="item"><em>2019年10月8日</em><h3><a href="/a/1.html">我县召开脱贫攻坚推进会</a></h3><p>会议要求，10月底前完成。</p></div>
            <div class="item"><em>2019年9月28日</em><h3><a href="/a/2.html">县长调研重点项目建设情况</a></h3><p>摘要</p></div>
            <div class="item"><em>2019年9月20日</em><h3><a href="/a/3.html">全县秋粮收购工作有序开展</a></h3><p>摘要</p></div>
            </div>"""
        )
    )
    assert [(i.title, i.date, i.url) for i in page.items] == [
        ("我县召开脱贫攻坚推进会", date(2019, 10, 8), "http://www.ft.gov.cn/a/1.html"),
        ("县长调研重点项目建设情况", date(2019, 9, 28), "http://www.ft.gov.cn/a/2.html"),
        ("全县秋粮收购工作有序开展", date(2019, 9, 20), "http://www.ft.gov.cn/a/3.html"),
    ]


def test_dl_per_item_and_dt_dd_pairs_in_one_dl() -> None:
    separate = page_from(
        wrap(
            """<div class="c">
            <dl><dt><a href="/b/1.html">县政府常务会议研究部署重点工作</a></dt><dd>2019.10.08</dd></dl>
            <dl><dt><a href="/b/2.html">县政府党组理论学习中心组学习</a></dt><dd>2019.09.18</dd></dl>
            <dl><dt><a href="/b/3.html">全县森林防火工作会议召开</a></dt><dd>2019.09.02</dd></dl></div>"""
        )
    )
    paired = page_from(
        wrap(
            """<dl class="c">
            <dt><a href="/b/1.html">县政府常务会议研究部署重点工作</a></dt><dd>2019.10.08</dd>
            <dt><a href="/b/2.html">县政府党组理论学习中心组学习</a></dt><dd>2019.09.18</dd>
            <dt><a href="/b/3.html">全县森林防火工作会议召开</a></dt><dd>2019.09.02</dd></dl>"""
        )
    )
    expected = [date(2019, 10, 8), date(2019, 9, 18), date(2019, 9, 2)]
    assert [i.date for i in separate.items] == expected
    assert [i.date for i in paired.items] == expected
    assert titles(separate) == titles(paired)


def test_bare_links_separated_by_br_in_a_table_cell() -> None:
    page = page_from(
        wrap(
            """<table><tr><td class="list">
            ·<a href="/c/1.html">关于做好秋冬季疫病防控工作的通知</a> (2019-10-08)<br>
            ·<a href="/c/2.html">关于开展农机安全大检查的通知</a> (2019-09-08)<br>
            ·<a href="/c/3.html">关于印发全县春耕生产方案的通知</a> (2019-03-08)<br>
            </td></tr></table>"""
        )
    )
    assert [i.date for i in page.items] == [date(2019, 10, 8), date(2019, 9, 8), date(2019, 3, 8)]


def test_gbk_era_nested_tables_one_item_per_table() -> None:
    rows = "".join(
        f"""<table width="100%" border="0"><tr>
        <td width="12"><img src="/images/arrow.gif"></td>
        <td><a href="/xxgk/{n}.htm" target="_blank">县人民政府办公室关于印发第{n}号工作方案的通知</a></td>
        <td width="80" align="right"><font color="#999999">2019-0{n}-15</font></td></tr></table>"""
        for n in (9, 8, 7)
    )
    page = page_from(wrap(f'<table><tr><td width="760">{rows}</td></tr></table>'))
    assert [i.date for i in page.items] == [date(2019, 9, 15), date(2019, 8, 15), date(2019, 7, 15)]


def test_disclosure_table_index_number_is_not_a_date() -> None:
    page = page_from(
        wrap(
            """<table class="xxgk"><tr><th>索引号</th><th>名称</th><th>生成日期</th><th>发布日期</th></tr>
            <tr><td>003226467/2019-01234</td><td><a href="/x/1.html">凤台县2019年财政预算执行情况报告</a></td><td>2019-09-30</td><td>2019-10-08</td></tr>
            <tr><td>003226467/2019-01233</td><td><a href="/x/2.html">凤台县2019年上半年统计公报解读</a></td><td>2019-09-01</td><td>2019-09-02</td></tr>
            <tr><td>003226467/2019-01232</td><td><a href="/x/3.html">凤台县人民政府关于调整最低工资标准的通知</a></td><td>2019-08-01</td><td>2019-08-05</td></tr>
            </table>"""
        )
    )
    assert [i.date for i in page.items] == [date(2019, 10, 8), date(2019, 9, 2), date(2019, 8, 5)]


def test_date_inside_the_link_is_removed_from_the_title() -> None:
    page = page_from(
        wrap(
            """<div class="lst">
            <a href="/e/1.html"><span class="t">关于开展秋季防火工作的通知</span><span class="d">2019-10-08</span></a>
            <a href="/e/2.html"><span class="t">全县秋粮收购工作有序开展</span><span class="d">2019-10-07</span></a>
            <a href="/e/3.html"><span class="t">县长调研重点项目建设情况</span><span class="d">2019-10-06</span></a>
            </div>"""
        )
    )
    assert titles(page) == [
        "关于开展秋季防火工作的通知",
        "全县秋粮收购工作有序开展",
        "县长调研重点项目建设情况",
    ]
    assert [i.raw_date for i in page.items] == ["2019-10-08", "2019-10-07", "2019-10-06"]


def test_title_date_is_not_the_item_date() -> None:
    page = page_from(
        wrap(
            """<ul>
            <li><a href="/1.html">关于2019年10月1日国庆节放假的通知</a><span>2019-09-20</span></li>
            <li><a href="/2.html">关于9月30日停水的公告</a><span>2019-09-18</span></li>
            <li><a href="/3.html">关于开展全民健身日活动的通知</a><span>2019-08-01</span></li>
            </ul>"""
        )
    )
    assert [i.date for i in page.items] == [date(2019, 9, 20), date(2019, 9, 18), date(2019, 8, 1)]


def test_row_with_column_prefix_link_keeps_the_long_title() -> None:
    page = page_from(
        wrap(
            """<ul>
            <li><a href="/tzgg/">[通知公告]</a><a href="/tzgg/1.html">关于开展秋季防火工作的通知</a><span>2019-10-08</span></li>
            <li><a href="/gzdt/">[工作动态]</a><a href="/gzdt/2.html">全县秋粮收购工作有序开展</a><span>2019-10-07</span></li>
            <li><a href="/gzdt/">[工作动态]</a><a href="/gzdt/3.html">县长调研重点项目建设情况</a><span>2019-10-06</span></li>
            </ul>"""
        )
    )
    assert [i.url for i in page.items] == [
        "http://www.ft.gov.cn/tzgg/1.html",
        "http://www.ft.gov.cn/gzdt/2.html",
        "http://www.ft.gov.cn/gzdt/3.html",
    ]


def test_items_without_dates() -> None:
    page = page_from(
        wrap(
            """<ul class="lb">
            <li><a href="/d/1.html">凤台县政府信息公开指南（2019年修订）</a></li>
            <li><a href="/d/2.html">凤台县政府信息公开制度汇编</a></li>
            <li><a href="/d/3.html">凤台县依申请公开办理流程说明</a></li></ul>"""
        )
    )
    assert titles(page)[1] == "凤台县政府信息公开制度汇编"
    assert [i.date for i in page.items] == [None, None, None]
    assert [i.raw_date for i in page.items] == [None, None, None]


def test_title_attribute_used_when_text_truncated_with_ellipsis_char() -> None:
    page = page_from(
        wrap(
            """<ul>
            <li><a href="/1.html" title="关于进一步加强全县农村危房改造工作的实施意见">关于进一步加强全县农村危房改造…</a><span>2019-10-08</span></li>
            <li><a href="/2.html" title="短标题">关于开展全民健身日活动的通知</a><span>2019-10-07</span></li>
            <li><a href="/3.html" title="">关于印发春耕生产方案的通知</a><span>2019-10-06</span></li></ul>"""
        )
    )
    assert titles(page) == [
        "关于进一步加强全县农村危房改造工作的实施意见",
        "关于开展全民健身日活动的通知",
        "关于印发春耕生产方案的通知",
    ]


def test_short_links_are_not_entries() -> None:
    page = page_from(
        wrap(
            """<ul><li><a href="/1.html">通知</a><span>2019-10-08</span></li>
            <li><a href="/2.html">公告</a><span>2019-10-07</span></li>
            <li><a href="/3.html">动态</a><span>2019-10-06</span></li></ul>"""
        )
    )
    assert page.items == []


NAV_MENU = """<div class="box"><ul>
<li><a href="/zwgk/">政务公开</a></li><li><a href="/xwzx/">新闻中心</a></li>
<li><a href="/zwfw/">政务服务</a></li><li><a href="/hdjl/">互动交流</a></li></ul></div>"""
FRIEND_LINKS = """<div class="box"><h3>友情链接</h3><ul>
<li><a href="/go?u=1">安徽省人民政府门户网站</a></li><li><a href="/go?u=2">淮南市人民政府门户网站</a></li>
<li><a href="/go?u=3">凤台县人民政府门户网站</a></li></ul></div>"""
EXTERNAL = """<div class="sites"><ul>
<li><a href="http://www.ah.gov.cn/">安徽省人民政府门户网站</a></li><li><a href="http://www.huainan.gov.cn/">淮南市人民政府门户网站</a></li>
<li><a href="http://www.hefei.gov.cn/">合肥市人民政府门户网站</a></li></ul></div>"""
NAV_CLASS = """<div class="subnav"><ul>
<li><a href="/a/">部门工作动态汇总</a></li><li><a href="/b/">乡镇工作动态汇总</a></li>
<li><a href="/c/">县直单位工作动态</a></li></ul></div>"""
FOOTER = """<div class="footer"><ul>
<li><a href="/1/">关于本网站的说明</a></li><li><a href="/2/">网站无障碍声明</a></li>
<li><a href="/3/">网站隐私保护声明</a></li></ul></div>"""


@pytest.mark.parametrize("block", [NAV_MENU, FRIEND_LINKS, EXTERNAL, NAV_CLASS, FOOTER])
def test_menus_friend_links_and_footers_are_not_lists(block: str) -> None:
    assert page_from(wrap(block)).items == []


def test_dated_list_inside_menu_like_class_is_still_a_list() -> None:
    page = page_from(
        wrap(
            """<div class="main-menu-content"><ul>
            <li><a href="/1.html">关于开展秋季防火工作的通知</a><span>2019-10-08</span></li>
            <li><a href="/2.html">全县秋粮收购工作有序开展</a><span>2019-10-07</span></li>
            <li><a href="/3.html">县长调研重点项目建设情况</a><span>2019-10-06</span></li></ul></div>"""
        )
    )
    assert len(page.items) == 3


def test_list_page_keeps_the_main_list_not_the_sidebar() -> None:
    main = "".join(
        f'<li><a href="/gzdt/{n}.html">全县工作动态第{n}条信息标题</a><span>2017-0{n}-01</span></li>'
        for n in range(1, 7)
    )
    side = "".join(
        f'<li><a href="/rd/{n}.html">热点信息第{n}条最新标题</a><span>2019-10-1{n}</span></li>'
        for n in range(1, 4)
    )
    html = wrap(
        f'<div class="left"><ul class="list">{main}</ul></div><div class="right"><ul class="hot">{side}</ul></div>'
    )
    page = page_from(html, "http://www.ft.gov.cn/gzdt/index.html")
    assert len(page.items) == 6
    assert max(i.date for i in page.items if i.date) == date(2017, 6, 1)
    home = page_from(html, "http://www.ft.gov.cn/")
    assert len(home.items) == 9


def test_list_split_into_chunks_of_the_same_style() -> None:
    chunk = '<ul class="list">{}</ul><div class="line"></div>'
    chunks = "".join(
        chunk.format(
            "".join(
                f'<li><a href="/{c}{n}.html">第{c}组第{n}条工作信息标题</a><span>2019-09-{c}{n}</span></li>'
                for n in range(1, 4)
            )
        )
        for c in (1, 2)
    )
    page = page_from(wrap(f'<div class="con">{chunks}</div>'))
    assert len(page.items) == 6


def test_sparse_column_with_one_dated_row() -> None:
    page = page_from(
        wrap(
            """<div class="nav"><a href="/">首页</a><a href="/zwgk/">政务公开</a></div>
            <div class="lm-list"><ul><li><a href="/f/1.html">2017年度县直单位公开招聘公告</a><span>2017-05-08</span></li></ul></div>"""
        )
    )
    assert [(i.title, i.date) for i in page.items] == [
        ("2017年度县直单位公开招聘公告", date(2017, 5, 8))
    ]
    assert page.pub_date is None


def test_article_related_link_is_not_a_sparse_list() -> None:
    page = page_from(
        wrap(
            """<h1>市政府召开常务会议</h1><p>发布日期：2019-10-18</p><p>正文内容。</p>
            <ul><li><a href="/r/1.html">市政府召开第十二次常务会议</a><span>2019-09-12</span></li></ul>"""
        )
    )
    assert page.items == []
    assert page.pub_date == date(2019, 10, 18)


# --- links ------------------------------------------------------------------------------


def test_all_reference_tags_and_dedup() -> None:
    page = page_from(
        wrap(
            """<a href="a.html">甲</a><a href="a.html#top">甲again</a><a href="a.html">甲</a>
            <img src="/img/a.png" alt="图片"><img src="/img/a.png">
            <iframe src="/frame.html" title="内嵌"></iframe><frame src="f2.html">
            <embed src="/v/a.swf"><object data="/v/b.swf"></object>
            <map><area href="/area.html" alt="区域"></map>
            <a href="javascript:void(0)">无</a><a href="mailto:x@gov.cn">信</a><a href="tel:0554">电</a>
            <a href="data:text/html,hi">数</a><a href="#">空</a><a href="">空</a><a href="  ">空</a><a>无链接</a>""",
            head='<link rel="shortcut icon" href="/favicon.ico"><link rel="canonical" href="/c.html">',
        )
    )
    got = [(link.url, link.tag, link.text) for link in page.links]
    assert got == [
        ("http://www.ft.gov.cn/favicon.ico", "link", ""),
        ("http://www.ft.gov.cn/zwgk/tzgg/a.html", "a", "甲"),
        ("http://www.ft.gov.cn/img/a.png", "img", "图片"),
        ("http://www.ft.gov.cn/frame.html", "iframe", "内嵌"),
        ("http://www.ft.gov.cn/v/a.swf", "embed", ""),
        ("http://www.ft.gov.cn/v/b.swf", "object", ""),
        ("http://www.ft.gov.cn/area.html", "area", "区域"),
    ]


def test_frame_src_collected() -> None:
    html = '<html><frameset cols="20%,80%"><frame src="left.html"><frame src="main.html"></frameset></html>'
    page = page_from(html)
    assert [(link.url, link.tag) for link in page.links] == [
        ("http://www.ft.gov.cn/zwgk/tzgg/left.html", "frame"),
        ("http://www.ft.gov.cn/zwgk/tzgg/main.html", "frame"),
    ]


def test_image_link_text_from_alt() -> None:
    page = page_from(wrap('<a href="/zt/"><img src="/zt.jpg" alt="学习贯彻专题"></a>'))
    assert page.links[0] == Link(url="http://www.ft.gov.cn/zt/", text="学习贯彻专题", tag="a")


def test_base_href_is_honoured() -> None:
    html = wrap(
        '<a href="list/1.html">一</a><img src="../i.png">', head='<base href="/cms/site1/">'
    )
    page = page_from(html)
    assert [link.url for link in page.links] == [
        "http://www.ft.gov.cn/cms/site1/list/1.html",
        "http://www.ft.gov.cn/cms/i.png",
    ]


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        (" ./201910/t1.html ", "http://www.ft.gov.cn/zwgk/tzgg/201910/t1.html"),
        ("../../xwzx/index.html", "http://www.ft.gov.cn/xwzx/index.html"),
        ("../../../../../a.html", "http://www.ft.gov.cn/a.html"),
        ("/a/./b/../c.html?x=1#frag", "http://www.ft.gov.cn/a/c.html?x=1"),
        ("?page=2", "http://www.ft.gov.cn/zwgk/tzgg/index.html?page=2"),
        ("//cdn.ft.gov.cn/a.js", "http://cdn.ft.gov.cn/a.js"),
        ("HTTPS://WWW.GOV.CN/", "HTTPS://WWW.GOV.CN/"),
        ("\\zwgk\\a.html", "http://www.ft.gov.cn/zwgk/a.html"),
        ("/zw gk/a b.html", "http://www.ft.gov.cn/zw%20gk/a%20b.html"),
        ("/zwgk/\n\ta.html", "http://www.ft.gov.cn/zwgk/a.html"),
        (
            "附件/通知.doc",
            "http://www.ft.gov.cn/zwgk/tzgg/%E9%99%84%E4%BB%B6/%E9%80%9A%E7%9F%A5.doc",
        ),
        ("http：//www.ah.gov.cn/", "http://www.ah.gov.cn/"),
        ("http://ｗｗｗ．ａｈ．gov.cn/a.html", "http://www.ah.gov.cn/a.html"),
        ("\u3000/a.html\u3000", "http://www.ft.gov.cn/a.html"),
    ],
)
def test_malformed_hrefs_are_cleaned(href: str, expected: str) -> None:
    page = page_from(wrap(f'<a href="{href}">链接</a>'))
    assert [link.url for link in page.links] == [expected]


@pytest.mark.parametrize(
    "href", ["http://[::1", "javascript:;", "JavaScript:openWin()", "#", "vbscript:x"]
)
def test_unusable_hrefs_are_skipped(href: str) -> None:
    assert page_from(wrap(f'<a href="{href}">链接</a>')).links == []


@pytest.mark.parametrize(
    "block",
    [
        '<nav><a href="/x/">政务公开</a></nav>',
        '<header><a href="/x/">政务公开</a></header>',
        '<div id="nav"><a href="/x/">政务公开</a></div>',
        '<div class="top-menu"><a href="/x/">政务公开</a></div>',
        '<div class="mainNav"><ul><li><a href="/x/">政务公开</a></li></ul></div>',
        '<ul class="daohang"><li><a href="/x/">政务公开</a></li></ul>',
        '<div id="dh"><a href="/x/">政务公开</a></div>',
        '<div class="dh_box"><a href="/x/">政务公开</a></div>',
        '<div class="lanmu"><a href="/x/">政务公开</a></div>',
        '<div id="column"><a href="/x/">政务公开</a></div>',
        '<div class="NAVBAR"><span><a href="/x/">政务公开</a></span></div>',
    ],
)
def test_nav_detection(block: str) -> None:
    (link,) = page_from(wrap(block)).links
    assert link.in_nav


@pytest.mark.parametrize(
    "block",
    [
        '<div class="content"><a href="/x/">政务公开</a></div>',
        '<div class="column-list"><a href="/x/">政务公开</a></div>',
        '<div class="canvas"><a href="/x/">政务公开</a></div>',
        '<div class="width"><a href="/x/">政务公开</a></div>',
        '<footer><a href="/x/">政务公开</a></footer>',
    ],
)
def test_not_nav(block: str) -> None:
    (link,) = page_from(wrap(block)).links
    assert not link.in_nav


# --- text, title, meta ------------------------------------------------------------------


def test_visible_text_only_and_capped() -> None:
    body = (
        "<p>第一段\n\n  文字</p><script>var x='隐藏';</script><style>p{}</style>"
        "<noscript>请启用脚本</noscript><template><p>模板</p></template><!-- 注释 --><p>第二段</p>"
    )
    page = page_from(wrap(body))
    assert page.text == "第一段 文字 第二段"
    big = page_from(wrap("<p>" + "字" * (MAX_TEXT + 5000) + "</p>"))
    assert len(big.text) == MAX_TEXT


def test_title_whitespace_and_missing() -> None:
    assert page_from("<html><head><title>\n  通知公告 \n</title></head></html>").title == "通知公告"
    assert page_from("<p>无标题</p>").title == ""


def test_meta_names_kept_as_written_first_wins() -> None:
    head = (
        '<meta name="PubDate" content="2019-10-08 10:20"><meta name="ColumnType" content="工作动态">'
        '<meta name="pubdate" content="2018-01-01"><meta http-equiv="X-UA-Compatible" content="IE=edge">'
        '<meta name="ContentSource" content=" 县政府办 ">'
    )
    page = page_from(wrap("", head=head))
    assert page.meta == {
        "PubDate": "2019-10-08 10:20",
        "ColumnType": "工作动态",
        "pubdate": "2018-01-01",
        "ContentSource": "县政府办",
    }
    assert page.pub_date == date(2019, 10, 8)


def test_extract_page_overwrites_previous_values() -> None:
    page = Page(url=BASE, final_url=BASE, title="旧", next_page="http://old/", empty_marker=True)
    extract_page(page, wrap("<p>新内容</p>", head="<title>新</title>"), REF)
    assert (page.title, page.next_page, page.empty_marker, page.items) == ("新", None, False, [])


def test_broken_markup_does_not_raise() -> None:
    page = page_from(
        "<html><body><ul><li><a href='/1.html'>关于开展<b>秋季</a>防火<li><a href=/2.html>工作的通知</ul></td></tr></table>"
    )
    assert [link.url for link in page.links] == [
        "http://www.ft.gov.cn/1.html",
        "http://www.ft.gov.cn/2.html",
    ]
    assert page_from("").links == []


# --- publication date -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("发布时间：2019-10-08 10:20 浏览次数：12", date(2019, 10, 8)),
        ("发布日期: 2019年10月08日", date(2019, 10, 8)),
        ("时间：2019/10/8 作者：办公室", date(2019, 10, 8)),
        ("日期：2019.10.08", date(2019, 10, 8)),
        ("来源：县政府办公室 2019-10-08", date(2019, 10, 8)),
        ("来源：县政府办 发布时间：2019-10-08 开标时间：2019-11-01", date(2019, 10, 8)),
        ("开标时间：2019-11-01 日期：2019-10-07", date(2019, 10, 7)),
        ("开标时间：2019-11-01", None),
        ("会议于2019年10月8日召开", None),
    ],
)
def test_find_pub_date_from_labels(text: str, expected: date | None) -> None:
    assert find_pub_date({}, text, REF) == expected


def test_find_pub_date_meta_first() -> None:
    assert find_pub_date({"PubDate": "2019-10-08 10:20"}, "发布时间：2019-09-01", REF) == date(
        2019, 10, 8
    )
    assert find_pub_date({"pubdate": "20191008"}, "", REF) == date(2019, 10, 8)


def test_no_pub_date_on_list_pages(modern: Page) -> None:
    html = wrap(
        "<p>发布时间：2019-10-18</p><ul>"
        + "".join(
            f'<li><a href="/{n}.html">全县工作动态第{n}条标题</a><span>2019-10-0{n}</span></li>'
            for n in range(1, 4)
        )
        + "</ul>"
    )
    page = page_from(html)
    assert len(page.items) == 3 and page.pub_date is None


# --- pagination -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "url", "expected"),
    [
        ('<a href="index_1.html">下一页</a>', BASE, "http://www.ft.gov.cn/zwgk/tzgg/index_1.html"),
        ('<a href="list_3.html">[下一页]</a>', BASE, "http://www.ft.gov.cn/zwgk/tzgg/list_3.html"),
        ('<a href="?p=2">下页</a>', BASE, "http://www.ft.gov.cn/zwgk/tzgg/index.html?p=2"),
        ('<a href="index_2.html"> 后页 </a>', BASE, "http://www.ft.gov.cn/zwgk/tzgg/index_2.html"),
        ('<a href="index_2.html">&gt;</a>', BASE, "http://www.ft.gov.cn/zwgk/tzgg/index_2.html"),
        (
            '<a href="index_2.html">下一页&gt;&gt;</a>',
            BASE,
            "http://www.ft.gov.cn/zwgk/tzgg/index_2.html",
        ),
        ('<a href="index.html">下一页</a>', BASE, None),  # last page links to itself
        ('<a href="javascript:void(0)">下一页</a>', BASE, None),
        ("<span>下一页</span>", BASE, None),
    ],
)
def test_next_page_links(body: str, url: str, expected: str | None) -> None:
    assert page_from(wrap(body), url).next_page == expected


@pytest.mark.parametrize(
    ("script", "url", "expected"),
    [
        (
            'createPageHTML(5, 0, "index", "html");',
            BASE,
            "http://www.ft.gov.cn/zwgk/tzgg/index_1.html",
        ),
        (
            'createPageHTML(5, 3, "index", "shtml");',
            "http://www.ft.gov.cn/zwgk/tzgg/index_3.shtml",
            "http://www.ft.gov.cn/zwgk/tzgg/index_4.shtml",
        ),
        ('createPageHTML(5, 4, "index", "html");', BASE, None),
        ('createPageHTML(1, 0, "index", "html");', BASE, None),
        (
            "createPageHTML('page_div',7, 2,'index','html',136);",
            BASE,
            "http://www.ft.gov.cn/zwgk/tzgg/index_3.html",
        ),
        (
            "var currentPage = 1;//所在页从0开始\nvar countPage = 4//共多少页\n"
            'createPageHTML(countPage, currentPage, "index", "htm");',
            BASE,
            "http://www.ft.gov.cn/zwgk/tzgg/index_2.htm",
        ),
        ("function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){}", BASE, None),
    ],
)
def test_next_page_trs_create_page_html(script: str, url: str, expected: str | None) -> None:
    assert (
        page_from(wrap(f"<div class='page'><script>{script}</script></div>"), url).next_page
        == expected
    )


@pytest.mark.parametrize(
    ("links", "url", "expected"),
    [
        (
            '<a href="?page=1">1</a><a href="?page=2">2</a><a href="?page=3">3</a>',
            "http://x.gov.cn/list.jsp",
            "http://x.gov.cn/list.jsp?page=2",
        ),
        (
            '<a href="list.jsp?pageNo=2">1</a><a href="list.jsp?pageNo=4">3</a>',
            "http://x.gov.cn/list.jsp?pageNo=3",
            "http://x.gov.cn/list.jsp?pageNo=4",
        ),
        ('<a href="?p=123">文章</a><a href="?p=124">文章</a>', "http://x.gov.cn/", None),
        (
            '<a href="index_1.html">2</a><a href="index_2.html">3</a>',
            "http://x.gov.cn/a/",
            "http://x.gov.cn/a/index_1.html",
        ),
        (
            '<a href="index_2.html">2</a><a href="index_3.html">3</a>',
            "http://x.gov.cn/a/index.html",
            "http://x.gov.cn/a/index_2.html",
        ),
        (
            '<a href="index_3.html">4</a><a href="index_5.html">6</a>',
            "http://x.gov.cn/a/index_4.html",
            "http://x.gov.cn/a/index_5.html",
        ),
        (
            '<a href="column-index-2.shtml">2</a>',
            "http://x.gov.cn/a/column-index-1.shtml",
            "http://x.gov.cn/a/column-index-2.shtml",
        ),
        ('<a href="index_2.html">3</a>', "http://x.gov.cn/a/index_2.html", None),
    ],
)
def test_next_page_numbered_links(links: str, url: str, expected: str | None) -> None:
    assert page_from(wrap(links), url).next_page == expected


# --- empty columns ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "marker",
    [
        "暂无信息",
        "暂无数据！",
        "暂无内容",
        "没有相关信息",
        "暂无记录",
        "该栏目暂无信息",
        "本栏目正在建设中",
    ],
)
def test_empty_marker(marker: str) -> None:
    page = page_from(
        wrap(
            f'<div class="nav"><a href="/">首页</a><a href="/zwgk/">政务公开</a></div><div class="list">{marker}</div>'
        )
    )
    assert page.empty_marker
    assert page.items == [] and page.pub_date is None


def test_empty_marker_false_when_items_present() -> None:
    html = wrap(
        '<div class="side">暂无数据</div><ul>'
        + "".join(
            f'<li><a href="/{n}.html">全县工作动态第{n}条标题</a><span>2019-10-0{n}</span></li>'
            for n in range(1, 4)
        )
        + "</ul>"
    )
    page = page_from(html)
    assert not page.empty_marker and len(page.items) == 3


def test_is_home_url() -> None:
    assert is_home_url("http://www.ft.gov.cn/")
    assert is_home_url("http://www.ft.gov.cn")
    assert is_home_url("http://www.ft.gov.cn/index.html")
    assert is_home_url("http://www.ft.gov.cn/default.aspx")
    assert not is_home_url("http://www.ft.gov.cn/zwgk/index.html")
    assert not is_home_url("http://www.ft.gov.cn/index.html?page=2")


# --- Hanweb jpage lists (rows shipped as CDATA records for JavaScript) ----------------------


def test_hanweb_datastore_records_are_items_links_and_text() -> None:
    page = fixture("hanweb_jpage.html", "http://www.ah.gov.cn/zwgk/zcjd/index.html")
    assert [(i.title, i.date) for i in page.items] == [
        ("《安徽省优化营商环境条例》政策解读", date(2019, 10, 8)),
        ("图解：2019年省政府工作报告重点任务分工", date(2019, 9, 26)),
        ("关于进一步降低企业用电成本的政策问答", date(2019, 9, 11)),
    ]
    assert page.items[0].url == "http://www.ah.gov.cn/art/2019/10/8/art_1234_3155870.html"
    urls = [link.url for link in page.links]
    assert "http://www.ah.gov.cn/art/2019/9/11/art_1234_3140022.html" in urls
    assert "http://www.ah.gov.cn/module/web/jpage/jpage.js" in urls
    assert "政策问答" in page.text and "totalRecord" not in page.text
    assert page.next_page is None


RELATED = "".join(
    f'<li><a href="/gzdt/201909/t2019091{n}_{n}.html">市政府召开第十{n}次常务会议</a><span>2019-09-1{n}</span></li>'
    for n in range(1, 5)
)


@pytest.mark.parametrize(
    ("url", "head"),
    [
        ("http://www.ft.gov.cn/gzdt/201910/t20191018_3155870.html", ""),
        ("http://www.ft.gov.cn/art/2019/10/18/art_1234_5678.html", ""),
        ("http://www.ft.gov.cn/info/1021/12345.htm", ""),
        (
            "http://www.ft.gov.cn/show.jsp?id=5",
            '<meta name="ArticleTitle" content="市政府召开常务会议">',
        ),
    ],
)
def test_article_with_related_list_is_not_a_list_page(url: str, head: str) -> None:
    body = f'<h1>市政府召开常务会议</h1><div class="info">发布时间：2019-10-18</div><div class="xgxx"><h3>相关信息</h3><ul>{RELATED}</ul></div><p>暂无相关信息</p>'
    page = page_from(wrap(body, head=head), url)
    assert page.items == []
    assert page.pub_date == date(2019, 10, 18)
    assert not page.empty_marker


def test_article_title_meta_equal_to_column_name_is_a_list_template() -> None:
    head = (
        '<meta name="ArticleTitle" content="工作动态"><meta name="ColumnName" content="工作动态">'
    )
    page = page_from(wrap(f"<ul>{RELATED}</ul>", head=head), "http://www.ft.gov.cn/gzdt/")
    assert len(page.items) == 4


def test_titles_keep_their_brackets_and_lose_bullets() -> None:
    page = page_from(
        wrap(
            """<ul>
            <li>· <a href="/1.html">一图读懂《淮南市根治欠薪工作方案》</a><span>2019-10-08</span></li>
            <li>· <a href="/2.html">【视频】全市安全生产工作会议召开</a><span>2019-10-07</span></li>
            <li>· <a href="/3.html">■ 关于开展秋季防火工作的通知</a><span>2019-10-06</span></li></ul>"""
        )
    )
    assert titles(page) == [
        "一图读懂《淮南市根治欠薪工作方案》",
        "【视频】全市安全生产工作会议召开",
        "关于开展秋季防火工作的通知",
    ]


def test_month_day_year_comes_from_the_article_url() -> None:
    page = page_from(
        wrap(
            """<ul class="list">
            <li><a href="/art/2018/5/18/art_1278_100151.html">凤台县人民政府关于职务任免的通知</a><span>[05-18]</span></li>
            <li><a href="/col1278/201803/t20180325_2.html">凤台县公开招聘社区工作者公示</a><span>[03-25]</span></li>
            <li><a href="/art/2019/2/1/x.html">凤台县公开遴选工作人员公告</a><span>[02-01]</span></li>
            <li><a href="/a/4.html">凤台县干部任前公示第四批</a><span>[10-08]</span></li></ul>"""
        )
    )
    assert [(i.date, i.year_inferred) for i in page.items] == [
        (date(2018, 5, 18), True),
        (date(2018, 3, 25), True),
        (date(2019, 2, 1), True),
        (date(2019, 10, 8), True),
    ]


def test_last_page_with_two_entries_keeps_them() -> None:
    body = """<div class="card-list">
    <div class="news-card"><em>2019年3月18日</em><h3><a href="/z/1.html">关于印发大气污染防治实施方案的通知</a></h3></div>
    <div class="news-card"><em>2019年3月6日</em><h3><a href="/z/2.html">关于印发2019年河长制工作要点的通知</a></h3></div>
    </div><div class="pagination"><a href="/z/">首页</a><a href="/z/index_2.html">尾页</a></div>"""
    page = page_from(wrap(body), "http://www.ft.gov.cn/z/index_2.html")
    assert [i.date for i in page.items] == [date(2019, 3, 18), date(2019, 3, 6)]


def test_section_page_keeps_every_box() -> None:
    boxes = "".join(
        f'<div class="box{b}"><div class="t">栏目{b}<a href="/s{b}/">更多</a></div><ul>'
        + "".join(
            f'<li><a href="/s{b}/{n}.html">第{b}栏目第{n}条信息标题</a><span>2019-0{b + 6}-1{n}</span></li>'
            for n in range(1, 4)
        )
        + "</ul></div>"
        for b in (1, 2, 3)
    )
    page = page_from(wrap(f'<div class="main">{boxes}</div>'), "http://www.ft.gov.cn/zwgk/")
    assert len(page.items) == 9


@pytest.mark.parametrize("counter", ["共 0 条记录", "共0页", "记录总数：0"])
def test_zero_record_counter_marks_an_empty_list(counter: str) -> None:
    page = page_from(
        wrap(f'<h2>统计数据</h2><ul class="list"></ul><div class="pages">{counter}</div>')
    )
    assert page.empty_marker


def test_nonzero_counter_is_not_empty() -> None:
    assert not page_from(
        wrap('<ul class="list"></ul><div class="pages">共 10 条记录</div>')
    ).empty_marker


@pytest.mark.parametrize(
    "body",
    [
        "<p>根据<a href='/w/1.html'>《关于加强安全生产的通知》</a>、<a href='/w/2.html'>《关于做好防汛工作的意见》</a>"
        "和<a href='/w/3.html'>《关于开展大检查的方案》</a>要求，现通知如下。</p>",
        "<ul><li><a href='/u/1.doc'>附件一：申请表格填写说明</a></li><li><a href='/u/2.xls'>附件二：项目汇总统计表</a></li>"
        "<li><a href='/u/3.pdf'>附件三：政策文件原文全文</a></li></ul>",
    ],
)
def test_prose_links_and_attachment_lists_are_not_lists(body: str) -> None:
    assert page_from(wrap(body)).items == []
