"""CMS families in extraction: Hanweb JCMS data islands, JSP/ASP pagers, unreadable lists."""

from __future__ import annotations

from datetime import date

from govinspect.checks import freshness
from govinspect.extract import extract_page
from govinspect.extract.columns import build_columns
from govinspect.extract.datastore import read_datastore
from govinspect.extract.paging import first_page_url, pager_gap
from govinspect.model import Column, Page

from .checks_support import ctx, items, snapshot

REF = date(2019, 10, 20)
SITE = "http://www.fgw.example.gov.cn"
TITLES = ["关于印发全市重点项目建设方案的通知", "市发展改革委召开二季度经济形势分析会",
          "关于做好价格监测工作的通知", "全市粮食安全责任制考核工作推进会召开",
          "关于公布第一批数字经济示范项目的公告"]


def island(records: list[str], total: int | None, pages: int | None, unit: str = "4567",
           nextgroup: bool = True) -> str:
    """A JCMS list page: the list only inside an XML data island, no pager in the DOM."""
    counters = (f"<totalrecord>{total}</totalrecord>" if total is not None else "") + (
        f"<totalpage>{pages}</totalpage>" if pages is not None else "")
    group = (f"<nextgroup><![CDATA[<a href='/module/web/jpage/dataproxy.jsp?page=1&columnid=123"
             f"&unitid={unit}'></a>]]></nextgroup>" if nextgroup else "")
    return (
        '<html><head><meta charset="utf-8"><title>通知公告_淮南市发展和改革委员会</title>'
        '<meta name="ColumnName" content="通知公告"></head><body>'
        '<div class="mainnav"><a href="/">首页</a><a href="/col/col123/index.html">通知公告</a></div>'
        '<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/col/col123/index.html">'
        f'通知公告</a></div><div id="{unit}"><script type="text/xml"><datastore>{counters}{group}'
        f"<recordset>{''.join(records)}</recordset></datastore></script></div></body></html>"
    )


def record(n: int, day: str, closed: bool = True) -> str:
    row = (f'<li><a href="/art/{day.replace("-", "/")}/art_123_{1000 + n}.html" '
           f'title="{TITLES[n % 5]}{n}">{TITLES[n % 5]}{n}</a><span>{day}</span></li>')
    return f"<record><![CDATA[{row}{']]>' if closed else ''}</record>"


def parse(url: str, html: str) -> Page:
    page = Page(url=url, final_url=url, status=200, content_type="text/html")
    extract_page(page, html, REF)
    return page


# --- Hanweb JCMS data islands -------------------------------------------------------------


def test_island_items_are_read_and_paged_with_uid_and_page_num() -> None:
    html = island([record(n, f"2019-10-{18 - n:02d}") for n in range(5)], total=12, pages=3)
    page = parse(f"{SITE}/col/col123/index.html", html)
    assert [i.date for i in page.items][:2] == [date(2019, 10, 18), date(2019, 10, 17)]
    assert len(page.items) == 5 and page.items[0].url.endswith("/art/2019/10/18/art_123_1000.html")
    assert page.next_page == f"{SITE}/col/col123/index.html?uid=4567&pageNum=2"
    assert page.list_error is None and not page.empty_marker
    last = parse(f"{SITE}/col/col123/index.html?uid=4567&pageNum=3", html)
    assert last.next_page is None and last.items


def test_island_counts_from_records_and_unit_from_nextgroup() -> None:
    """No <totalpage>, no container id: pages from the record count, uid from unitid."""
    html = island([record(n, "2019-10-08") for n in range(5)], total=11, pages=None)
    html = html.replace('<div id="4567">', '<div class="list">')
    store = read_datastore(html, f"{SITE}/col/col123/index.html")
    assert store is not None and store.total_pages == 3 and store.records == 5
    assert store.next_url == f"{SITE}/col/col123/index.html?uid=4567&pageNum=2"


def test_an_island_holding_a_group_of_pages_is_read_whole_without_paging() -> None:
    """jpage with perPage 2 and 5 rows in the island: the island is the newest group."""
    html = island([record(n, "2019-10-08") for n in range(5)], total=40, pages=20)
    html = html.replace("</div></body>", '<script>$("#4567").jpage({perPage: 2, totalRecord: 40});'
                        "</script></div></body>")
    page = parse(f"{SITE}/col/col123/index.html", html)
    assert len(page.items) == 5 and page.next_page is None and page.list_error is None


def test_malformed_cdata_is_a_list_error_naming_the_records() -> None:
    records = [record(0, "2019-10-18", closed=False), *(record(n, "2019-10-10") for n in range(1, 5))]
    page = parse(f"{SITE}/col/col123/index.html", island(records, total=5, pages=1))
    assert page.list_error is not None and "1 条记录" in page.list_error and "CDATA" in page.list_error
    unclosed = island([record(0, "2019-10-18").replace("</record>", "")], total=1, pages=1)
    assert parse(f"{SITE}/col/col124/index.html", unclosed).list_error is not None


def test_empty_island_is_an_empty_column_and_no_island_is_no_store() -> None:
    page = parse(f"{SITE}/col/col123/index.html", island([], total=0, pages=0))
    assert page.empty_marker and not page.items and page.list_error is None
    assert read_datastore("<html><body><ul><li>datastore</li></ul></body></html>", SITE) is None


def test_declared_records_that_cannot_be_read_are_an_error() -> None:
    html = island(["<record>garbage</record>"], total=30, pages=2)
    page = parse(f"{SITE}/col/col123/index.html", html)
    assert page.list_error is not None and not page.items


# --- JSP/ASP pagers -----------------------------------------------------------------------


def jsp_list(pager: str, n: int = 5) -> str:
    rows = "".join(f'<li><span class="date">2019/10/{10 + k:02d}</span><a href="content.jsp?id={900 + k}">'
                   f"{TITLES[k % 5]}{k}</a></li>" for k in range(n))
    return (f'<html><head><meta charset="utf-8"><title>工作动态</title></head><body>'
            f'<div class="dqwz">您现在的位置：<a href="/">首页</a> &gt;&gt; 工作动态</div>'
            f'<ul class="list_r">{rows}</ul><div class="fy">{pager}</div></body></html>')


def test_select_jump_box_builds_the_next_page() -> None:
    options = "".join(f'<option value="{k}"{" selected" if k == 1 else ""}>第{k}页</option>'
                      for k in range(1, 4))
    pager = (f"共3页 转到<select onchange=\"window.location.href='list.jsp?catid=12&amp;p='"
             f"+this.value\">{options}</select>")
    page = parse(f"{SITE}/xwdt/list.jsp?catid=12", jsp_list(pager))
    assert page.next_page == f"{SITE}/xwdt/list.jsp?catid=12&p=2"
    last = parse(f"{SITE}/xwdt/list.jsp?catid=12&p=3", jsp_list(pager.replace(" selected", "")))
    assert last.next_page is None and last.list_error is None


def test_script_pager_template_of_this_list_only() -> None:
    """goPage(n) building the URL from a template: followed; another page's template: not."""
    script = ("<script>function goPage(n){ window.location.href = 'list.jsp?catid=12&page=' + n; }"
              "</script>")
    pager = f'共4页 <a href="javascript:goPage(2)">下一页</a>{script}'
    page = parse(f"{SITE}/xwdt/list.jsp?catid=12", jsp_list(pager))
    assert page.next_page == f"{SITE}/xwdt/list.jsp?catid=12&page=2" and page.list_error is None
    other = pager.replace("list.jsp?catid=12&page=", "/search/search.jsp?page=")
    page = parse(f"{SITE}/xwdt/list.jsp?catid=12", jsp_list(other))
    assert page.next_page is None and page.list_error is not None


def test_island_rows_with_the_date_inside_the_link() -> None:
    """Rows written <a><span>title</span><i>date</i></a> (seen on a county JCMS site)."""
    rows = [f'<record><![CDATA[<li><a href="/art/2019/10/{9 - n}/art_9_{n}.html" target="_blank">'
            f"<span>{TITLES[n]}</span><i>2019-10-0{9 - n}</i></a></li>]]></record>" for n in range(4)]
    page = parse(f"{SITE}/col/col9/index.html", island(rows, total=4, pages=1))
    assert [(i.title, i.date) for i in page.items] == [
        (TITLES[n], date(2019, 10, 9 - n)) for n in range(4)]


def test_island_table_rows() -> None:
    rows = [f'<record><![CDATA[<tr><td><a href="/art/2019/10/{9 - n}/art_9_{n}.html">{TITLES[n]}'
            f"</a></td><td>2019-10-0{9 - n}</td></tr>]]></record>" for n in range(4)]
    page = parse(f"{SITE}/col/col9/index.html", island(rows, total=4, pages=1))
    assert [i.date for i in page.items] == [date(2019, 10, 9 - n) for n in range(4)]


def test_a_channel_page_with_several_islands_keeps_them_apart_and_pages_none() -> None:
    one = island([record(n, "2019-10-08") for n in range(4)], total=30, pages=3)
    start, end = one.index('<div id="4567">'), one.index("</body>")
    block = one[start:end]
    html = one[:end] + block.replace("4567", "4568").replace("art_123_", "art_124_") + one[end:]
    store = read_datastore(html, f"{SITE}/col/col100/index.html")
    assert store is not None and store.records == 8 and store.next_url is None and store.error is None
    assert store.tree is not None and len(store.tree.css("div.datastore")) == 2


def test_option_urls_numbered_links_and_short_next_links() -> None:
    options = "".join(f'<option value="list.jsp?catid=12&amp;pageNo={k}">{k}</option>' for k in (1, 2, 3))
    page = parse(f"{SITE}/xwdt/list.jsp?catid=12", jsp_list(f"<select>{options}</select>"))
    assert page.next_page == f"{SITE}/xwdt/list.jsp?catid=12&pageNo=2"
    numbers = '共3页 <b>1</b> <a href="list.jsp?catid=12&amp;curPage=2">[2]</a> ' \
              '<a href="list.jsp?catid=12&amp;curPage=3">[3]</a>'
    assert parse(f"{SITE}/xwdt/list.jsp?catid=12", jsp_list(numbers)).next_page == \
        f"{SITE}/xwdt/list.jsp?catid=12&curPage=2"
    short = '第1页/共2页 <a href="list.jsp?catid=12&amp;page=2">下页</a>'
    assert parse(f"{SITE}/xwdt/list.jsp?catid=12", jsp_list(short)).next_page == \
        f"{SITE}/xwdt/list.jsp?catid=12&page=2"


def test_a_pager_without_urls_is_a_list_error_not_a_silent_single_page() -> None:
    pager = '共25条 当前第1页 共3页 <a href="javascript:void(0);" onclick="turnPage(2)">下一页</a>'
    page = parse(f"{SITE}/zwgk/list.jsp?catid=57", jsp_list(pager))
    assert page.items and page.next_page is None
    assert page.list_error is not None and "共 3 页" in page.list_error


def test_pager_gap_only_when_more_pages_are_announced() -> None:
    assert pager_gap("共 5 页", f"{SITE}/list.jsp?catid=3") is not None
    assert pager_gap("共 5 页", f"{SITE}/list.jsp?catid=3&pageNo=5") is None
    assert pager_gap("共 1 页 共 12 条", f"{SITE}/list.jsp") is None
    assert pager_gap("第3/3页", f"{SITE}/list.jsp") is None
    assert pager_gap("共 4 页", f"{SITE}/xwdt/index_2.html") is None  # 0- or 1-based: unknown
    assert pager_gap("页次：2/6", f"{SITE}/news.asp") is not None


def test_first_page_url_drops_every_paging_form() -> None:
    assert first_page_url(f"{SITE}/col/col12/index.html?uid=45&pageNum=3") == f"{SITE}/col/col12/index.html"
    assert first_page_url(f"{SITE}/list.jsp?catid=3&curPage=2") == f"{SITE}/list.jsp?catid=3"
    assert first_page_url(f"{SITE}/list.asp?p=2&id=7") == f"{SITE}/list.asp?id=7"
    assert first_page_url(f"{SITE}/x/index_3.html") == f"{SITE}/x/index.html"
    assert first_page_url(f"{SITE}/show.php?p=1234") == f"{SITE}/show.php?p=1234"  # an article id
    assert first_page_url(f"{SITE}/col/col12/index.html?uid=45") == f"{SITE}/col/col12/index.html?uid=45"


# --- columns ------------------------------------------------------------------------------


def home() -> Page:
    page = Page(url=f"{SITE}/", final_url=f"{SITE}/", status=200, content_type="text/html")
    extract_page(page, '<html><body><div class="nav"><a href="/xwdt/list.jsp?catid=12">工作动态</a>'
                       '<a href="/col/col123/index.html">通知公告</a></div></body></html>', REF)
    return page


def test_pages_of_a_list_are_one_column_whatever_the_pager() -> None:
    pager = '共3页 <a href="list.jsp?catid=12&amp;curPage=2">[2]</a>'
    p1 = parse(f"{SITE}/xwdt/list.jsp?catid=12", jsp_list(pager))
    p2 = parse(f"{SITE}/xwdt/list.jsp?catid=12&curPage=2", jsp_list("共3页", n=4))
    p3 = parse(f"{SITE}/xwdt/list.jsp?catid=12&curPage=3", jsp_list("共3页", n=3))
    h = island([record(n, "2019-10-08") for n in range(5)], total=10, pages=2)
    j1 = parse(f"{SITE}/col/col123/index.html", h)
    j2 = parse(f"{SITE}/col/col123/index.html?uid=4567&pageNum=2", h)
    columns = build_columns(home(), [p1, j2, p3, j1, p2], REF)
    assert sorted(c.url for c in columns) == [f"{SITE}/col/col123/index.html",
                                              f"{SITE}/xwdt/list.jsp?catid=12"]
    assert {c.pages for c in columns} == {2, 3}
    # Only later pages were reached: still one column, named by its list URL without paging.
    only_later = build_columns(home(), [p2, p3], REF)
    assert [c.url for c in only_later] == [f"{SITE}/xwdt/list.jsp?catid=12"]


def test_unreadable_list_is_a_column_with_an_error() -> None:
    broken = island([record(0, "2019-10-18", closed=False)], total=1, pages=1)
    page = parse(f"{SITE}/col/col123/index.html", broken)
    [col] = build_columns(home(), [page], REF)
    assert col.error is not None and col.name == "通知公告" and not col.empty


def test_unreadable_column_is_a_notice_never_stale_or_empty() -> None:
    bad = Column(name="通知公告", url="http://www.example.gov.cn/col/col123/index.html",
                 category="notice", error="大汉JCMS数据岛中有 3 条记录的 CDATA 不完整，无法读取")
    found = list(freshness.check(snapshot(items(date(2019, 10, 19)), [bad]), ctx()))
    assert [(f.code, f.severity) for f in found] == [("crawl.incomplete", "notice")]
    assert found[0].evidence["column"] == "通知公告" and "CDATA" in found[0].evidence["error"]


# --- plain static paging ------------------------------------------------------------------


def static_list(script: str, links: str = "") -> str:
    rows = "".join(f"<tr><td><a href=\"./201910/t201910{10 + k:02d}_{k}.htm\">{TITLES[k % 5]}{k}</a></td>"
                   f"<td>2019-10-{10 + k:02d}</td></tr>" for k in range(5))
    return (f"<html><head><title>通知公告</title></head><body><table>{rows}</table>"
            f"<div class=\"page\">{links}<script>{script}</script></div></body></html>")


def test_trs_htm_pages_and_numbered_static_pages_are_one_column() -> None:
    base = f"{SITE}/tzgg/"
    p1 = parse(base + "index.htm", static_list('createPageHTML(3, 0, "index", "htm");'))
    assert p1.next_page == base + "index_1.htm"
    p2 = parse(base + "index_1.htm", static_list('createPageHTML(3, 1, "index", "htm");'))
    assert p2.next_page == base + "index_2.htm"
    p3 = parse(base + "index_2.htm", static_list('createPageHTML(3, 2, "index", "htm");'))
    assert p3.next_page is None and p3.list_error is None
    numbered = static_list("", '共2页 <a href="index_2.html">2</a>')
    q1 = parse(f"{SITE}/gzdt/index.html", numbered)
    assert q1.next_page == f"{SITE}/gzdt/index_2.html"
    columns = build_columns(home(), [p3, p1, q1, p2], REF)
    assert sorted((c.url, c.pages) for c in columns) == [(f"{SITE}/gzdt/index.html", 1),
                                                         (base + "index.htm", 3)]
