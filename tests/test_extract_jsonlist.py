"""Finding a list's data endpoint or postback pager in a page, statically, and reading answers."""

from __future__ import annotations

import json
from datetime import date

import pytest

from govinspect.crawl.parse import parse_response
from govinspect.extract.jsonlist import find_endpoints, page_request, read_list
from govinspect.extract.postback import find_postback, next_postback, postback_body
from govinspect.model import Page

AS_OF = date(2024, 6, 20)
URL = "http://www.x.gov.cn/col/col12/index.html"


def page_with(script: str, body: str = "") -> str:
    return (f"<html><head><title>通知公告_某市人民政府</title></head><body>{body}<ul id='list'></ul>"
            f"<script>{script}</script></body></html>")


def parsed(html: str, url: str = URL) -> Page:
    return parse_response(Page(url=url, final_url=url), html.encode(), "text/html; charset=utf-8", AS_OF)


def test_get_json_with_params_in_url_and_variables():
    script = ('var cid = 88; var size = 20;\n'
              '$.getJSON("/openapi/info/list?columnId=" + cid + "&pageNo=" + curr + "&pageSize=" + size,'
              ' function (d) { render(d.rows); });')
    [ep] = find_endpoints(page_with(script), URL)
    assert ep.page_key == "pageNo" and ep.expect == "json"
    url, method, body, _ = page_request(ep.as_dict(), 3)
    assert url == "http://www.x.gov.cn/openapi/info/list?columnId=88&pageNo=3&pageSize=20"
    assert method == "GET" and body is None


def test_post_with_json_body_and_zero_based_pages():
    script = ('$.ajax({url: "/api/gateway/article/page", type: "POST", contentType: "application/json",'
              ' data: JSON.stringify({channelId: "7", current: 0, size: 10}),'
              ' success: function (r) { draw(r.data.records); }});')
    [ep] = find_endpoints(page_with(script), URL)
    assert ep.method == "POST" and ep.page_key == "current" and ep.page_in == "body" and ep.page_base == 0
    _, method, body, ctype = page_request(ep.as_dict(), 2)
    assert method == "POST" and ctype == "application/json"
    assert json.loads(body or b"") == {"channelId": "7", "current": 1, "size": "10"}


def test_easyui_panel_href_is_an_endpoint():
    body = ('<div id="content" class="easyui-panel" data-options="href:\'NewsList.ashx?pageNumber=1'
            '&amp;pageSize=10\'"></div>')
    [ep] = find_endpoints(page_with("", body), URL)
    assert ep.page_key == "pageNumber" and ep.url.startswith("http://www.x.gov.cn/col/col12/NewsList.ashx?")


def test_counters_weather_and_unpaged_boxes_are_not_lists():
    script = ('$.ajax({url: "/api/visit/count", data: {id: 5}, success: show});'
              '$.get("/interface/getWeather?city=340400", draw);'
              '$.getJSON("/api/content/hot?channelId=3&size=5", box);'
              '$.getJSON("/api/content/list?channelId=3&pageIndex=1&pageSize=15", list);')
    [ep] = find_endpoints(page_with(script), URL)
    assert "/api/content/list" in ep.url


def test_articles_and_home_pages_get_no_endpoint():
    script = '$.getJSON("/api/content/list?channelId=3&pageIndex=1&pageSize=5", related);'
    art = parsed(page_with(script, "<h1>关于做好防汛工作的通知</h1><p>发布时间：2024-06-01</p>"))
    assert art.list_source is None and art.list_error is None
    home = parsed(page_with(script), "http://www.x.gov.cn/")
    assert home.list_source is None and home.list_error is None
    shell = parsed(page_with(script))
    assert shell.list_source and shell.list_source["kind"] == "json"


def test_script_without_a_readable_endpoint_is_flagged_but_plain_scripts_are_not():
    dynamic = parsed(page_with("$.ajax({url: base() + path, data: {pageIndex: 1, pageSize: 15}, success: f});"))
    assert dynamic.list_error and dynamic.list_source is None
    plain = parsed(page_with("$.ajax({url: base() + '/login/status', success: f}); var a = 1;"))
    assert plain.list_error is None and plain.list_source is None


def test_epoch_dates_are_beijing_dates_and_html_inside_json_is_read():
    # 2024-06-10 00:30 in Beijing is still 2024-06-09 in UTC.
    body = json.dumps({"data": {"rows": [{"docTitle": "市政府常务会议召开", "docUrl": "/a/1.html",
                                          "docRelTime": 1717950600000}], "total": 1}}).encode()
    read = read_list(body, "application/json", "json", URL, AS_OF)
    assert read.items[0].date == date(2024, 6, 10)
    wrapped = json.dumps({"code": 0, "data": {"html": "".join(
        f'<li><a href="/a/{k}.html">关于开展第{k}批专项检查的通知</a><span>2024-06-0{k}</span></li>'
        for k in range(1, 5)), "totalPage": 3}}).encode()
    read = read_list(wrapped, "application/json", "any", URL, AS_OF)
    assert len(read.items) == 4 and read.items[0].url == "http://www.x.gov.cn/a/1.html"


def test_bad_answers_have_reasons():
    assert "JSON" in (read_list(b"<html><title>404</title></html>", "text/html", "json", URL, AS_OF).error or "")
    assert "无法解析" in (read_list(b'{"rows": [', "application/json", "any", URL, AS_OF).error or "")
    assert read_list(b"", None, "any", URL, AS_OF).error
    assert read_list(b"ok", "text/plain", "any", URL, AS_OF).error


ASPX_LINKBUTTON = """<html><body><form method="post" action="list.aspx?id=3" id="form1">
<input type="hidden" name="__VIEWSTATE" value="abc" /><input type="hidden" name="__VIEWSTATEGENERATOR" value="C2EE9ABB" />
<select name="ddlYear"><option value="2023">2023</option><option value="2024" selected="selected">2024</option></select>
<input type="checkbox" name="chkAll" /><input type="submit" name="btnGo" value="查询" />
<ul><li><a href="show.aspx?id=1">关于做好防汛工作的通知</a> 2024-06-01</li></ul>
<a id="lnkNext" href='javascript:WebForm_DoPostBackWithOptions(new WebForm_PostBackOptions("GridView1$ctl13$lnkNext", "", true, "", "", false, true))'>下一页</a>
</form></body></html>"""


def test_linkbutton_pager_and_form_fields():
    source = find_postback(ASPX_LINKBUTTON, "http://x.gov.cn/zwgk/list.aspx?id=3")
    assert source and source["error"] is None and source["url"] == "http://x.gov.cn/zwgk/list.aspx?id=3"
    call = next_postback(source, 1)
    assert call == ("GridView1$ctl13$lnkNext", "")
    body = postback_body(source, *call, "utf-8").decode()
    assert body.startswith("__EVENTTARGET=GridView1%24ctl13%24lnkNext&__EVENTARGUMENT=&")
    assert "ddlYear=2024" in body and "chkAll" not in body and "btnGo" not in body


def test_postback_pager_without_a_form_is_an_error():
    html = ("<html><body><ul>" + "".join(
        f'<li><a href="/n/{k}.html">县政府召开第{k}次常务会议</a><span>2024-06-0{k}</span></li>' for k in range(1, 5))
        + "</ul><a href=\"javascript:__doPostBack('Pager1','2')\">2</a></body></html>")
    page = parsed(html)
    assert len(page.items) == 4 and page.list_error and "表单" in page.list_error


def test_search_pages_and_search_endpoints_are_not_columns():
    script = '$.getJSON("/api/search/list?keyword=&pageNo=1&pageSize=10", draw);'
    assert find_endpoints(page_with(script), URL) == []
    script = '$.getJSON("/api/content/list?channelId=3&pageIndex=1&pageSize=15", draw);'
    results = parsed(page_with(script), "http://www.x.gov.cn/search/index.html")
    assert results.list_source is None and results.list_error is None


def test_gridview_page_arguments():
    html = ('<form method="post" action="./list.aspx"><input type="hidden" name="__VIEWSTATE" value="x" />'
            "<table><tr><td><a href=\"javascript:__doPostBack('GridView1','Page$2')\">2</a></td>"
            "<td><a href=\"javascript:__doPostBack('GridView1','Page$3')\">3</a></td></tr></table></form>")
    source = find_postback(html, "http://x.gov.cn/a/list.aspx")
    assert source and next_postback(source, 1) == ("GridView1", "Page$2")
    assert next_postback(source, 2) == ("GridView1", "Page$3") and next_postback(source, 3) is None
    body = postback_body(source, "GridView1", "Page$2", "gb18030").decode()
    assert "__EVENTARGUMENT=Page%242" in body


def test_date_formats_and_entities_in_records():
    recs = [{"title": "关于&quot;双随机&quot;抽查的通知", "url": "/a/1.html", "fbrq": "2024年6月8日 09:30:00"},
            {"title": "市政府常务会议召开", "url": "/a/2.html", "createTime": "2024-06-07T09:30:00.000+0800"},
            {"title": "全市防汛工作会议召开", "url": "/a/3.html", "date": "06-05"}]
    read = read_list(json.dumps({"rows": recs}).encode(), None, "json", URL, AS_OF)
    assert [i.date for i in read.items] == [date(2024, 6, 8), date(2024, 6, 7), date(2024, 6, 5)]
    assert read.items[0].title == '关于"双随机"抽查的通知' and read.items[2].year_inferred


def test_undated_menus_are_not_lists():
    menu = {"data": [{"name": "工作动态", "url": "/gzdt/"}, {"name": "通知公告", "url": "/tzgg/"},
                     {"name": "政策文件", "url": "/zcwj/"}]}
    assert read_list(json.dumps(menu).encode(), None, "any", URL, AS_OF).error
    undated = {"rows": [{"title": f"关于开展第{k}批安全生产大检查的通知", "url": f"/a/{k}.html"} for k in range(3)]}
    read = read_list(json.dumps(undated).encode(), None, "any", URL, AS_OF)
    assert len(read.items) == 3 and all(i.date is None for i in read.items)


@pytest.mark.parametrize("fragment", [
    '<li><a href="/a/1.html">关于进一步规范行政事业性收费的通知</a><span>2019-09-03</span></li>',
    '<tr><td><a href="/a/1.html">关于进一步规范行政事业性收费的通知</a></td><td>2019-09-03</td></tr>',
])
def test_last_page_of_one_row_is_a_list_not_an_unreadable_answer(fragment: str) -> None:
    """Page N of a long list may hold one row; outside a <table>, bare <tr> rows keep their cells."""
    read = read_list(fragment.encode(), "text/html", "html", "http://x.gov.cn/gfxwj/index.html", date(2019, 10, 20))
    assert read.error is None
    assert [(i.title, i.date, i.url) for i in read.items] == [
        ("关于进一步规范行政事业性收费的通知", date(2019, 9, 3), "http://x.gov.cn/a/1.html")]


def test_bare_table_rows_are_read_as_rows() -> None:
    rows = "".join(f'<tr><td><a href="/a/{i}.html">关于印发某县第{i}项工作方案的通知</a></td><td>2019-09-0{i}</td></tr>'
                   for i in range(1, 6))
    read = read_list(rows.encode(), "text/html", "html", "http://x.gov.cn/gfxwj/index.html", date(2019, 10, 20))
    assert [i.date.day for i in read.items if i.date] == [1, 2, 3, 4, 5]
