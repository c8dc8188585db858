"""Column names, categories and column assembly from crawled list pages."""

from datetime import date
from importlib import resources
from pathlib import Path

import pytest
import yaml

from govinspect.extract import extract_page
from govinspect.extract.columns import (
    build_columns,
    categorize,
    clean_column_name,
    column_name,
    is_known_column,
    url_key,
)
from govinspect.model import CATEGORIES, Link, ListItem, Page

REF = date(2019, 10, 20)
SITE = "http://www.ft.gov.cn"


# --- the data table ---------------------------------------------------------------------


def test_table_is_valid_and_large_enough() -> None:
    text = resources.files("govinspect").joinpath("data/columns.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert set(data["names"]) <= set(CATEGORIES)
    names = [n for entries in data["names"].values() for n in entries]
    assert len(names) >= 150
    assert len(names) == len(set(names)), "a name is listed twice"
    for rule in data["patterns"]:
        assert rule["category"] in CATEGORIES
    # every group of names carries a comment naming its source
    assert text.count("国办秘函〔2019〕19号") >= 3 and "2015 普查" in text


@pytest.mark.parametrize(
    ("name", "category"),
    [
        ("工作动态", "news"),
        ("部门动态", "news"),
        ("乡镇动态", "news"),
        ("政务要闻", "news"),
        ("图片新闻", "news"),
        ("媒体关注", "news"),
        ("通知公告", "notice"),
        ("公示公告", "notice"),
        ("政策文件", "policy"),
        ("规范性文件", "policy"),
        ("政府文件", "policy"),
        ("政策解读", "policy"),
        ("人事信息", "personnel"),
        ("人事任免", "personnel"),
        ("招考录用", "personnel"),
        ("规划计划", "plan"),
        ("发展规划", "plan"),
        ("统计数据", "plan"),
        ("统计信息", "plan"),
        ("财政预决算", "plan"),
        ("政府信息公开指南", "other"),
        ("领导信箱", "other"),
        ("机构职能", "other"),
    ],
)
def test_categorize_exact_names(name: str, category: str) -> None:
    assert categorize(name) == category
    assert is_known_column(name)


@pytest.mark.parametrize(
    ("name", "category"),
    [
        ("街道社区动态", "news"),  # ends with 动态
        ("教育要闻", "news"),
        ("农业农村信息", "news"),
        ("人事任免公示", "personnel"),  # personnel before notice
        ("统计数据解读", "policy"),  # interpretations before statistics
        ("2019年部门预算", "plan"),
        ("国民经济统计月报", "plan"),
        ("县政府常务会议文件", "policy"),
        ("征地拆迁公告", "notice"),
        ("走进凤台", "other"),
        ("凤台概况", "other"),
        ("某个奇怪的名字", "other"),
        ("", "other"),
    ],
)
def test_categorize_patterns(name: str, category: str) -> None:
    assert categorize(name) == category


def test_categorize_cleans_first() -> None:
    assert categorize("【工作动态】更多>>") == "news"
    assert categorize(" 通知公告 (12) ") == "notice"


def test_is_known_column_needs_an_exact_name() -> None:
    assert is_known_column("通知公告>>")
    assert not is_known_column("关于开展2019年统计执法检查的通知")
    assert not is_known_column("街道社区动态")


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("通知公告 >>", "通知公告"),
        ("通知公告更多>>", "通知公告"),
        ("工作动态 more+", "工作动态"),
        ("MORE", ""),
        ("更多", ""),
        ("【通知公告】", "通知公告"),
        ("[政策文件]", "政策文件"),
        ("工作动态(12)", "工作动态"),
        ("工作动态（12）", "工作动态"),
        ("01 工作动态", "工作动态"),
        ("1、通知公告", "通知公告"),
        ("2019年财政预决算", "财政预决算"),
        ("工 作 动 态", "工作动态"),
        ("\n  政务要闻\t", "政务要闻"),
        ("·政务要闻", "政务要闻"),
        ("12345热线", "12345热线"),
        ("Work News >>", "Work News"),
    ],
)
def test_clean_column_name(raw: str, clean: str) -> None:
    assert clean_column_name(raw) == clean


# --- column_name ------------------------------------------------------------------------


def test_column_name_prefers_meta() -> None:
    page = Page(
        url=SITE + "/a/",
        meta={"ColumnName": "通知公告"},
        text="当前位置：首页 > 工作动态",
        title="x",
    )
    assert column_name(page, "导航文字") == "通知公告"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("首页 政务公开 当前位置：首页 > 政务公开 > 通知公告 关于开展2019/10/8", "通知公告"),
        ("您现在的位置： 首页 >> 政务动态 >> 工作动态 市政府召开", "工作动态"),
        ("您的位置：首页 » 新闻中心 » 图片新闻", "图片新闻"),
        ("当前位置：首页>政务公开>人事信息>正文", "人事信息"),
        ("位置：首页 / 信息公开 / 规划计划", "规划计划"),
    ],
)
def test_column_name_from_breadcrumb(text: str, name: str) -> None:
    page = Page(url=SITE + "/a/", text=text, title="凤台县人民政府")
    assert column_name(page, "导航") == name


def test_column_name_from_nav_text_then_title() -> None:
    page = Page(url=SITE + "/a/", text="没有面包屑", title="政策文件_凤台县人民政府")
    assert column_name(page, "工作动态>>") == "工作动态"
    assert column_name(page, None) == "政策文件"
    assert column_name(page, "更多>>") == "政策文件"


@pytest.mark.parametrize(
    ("title", "site", "name"),
    [
        ("通知公告-凤台县人民政府", "", "通知公告"),
        ("凤台县人民政府 - 通知公告", "", "通知公告"),
        ("凤台县人民政府|人事信息", "", "人事信息"),
        ("工作动态_政务公开_凤台县人民政府", "", "工作动态"),
        ("凤台县政府网_教育专栏", "凤台县政府网", "教育专栏"),
        ("凤台县人民政府", "", "凤台县人民政府"),
    ],
)
def test_column_name_from_title(title: str, site: str, name: str) -> None:
    page = Page(url=SITE + "/a/", title=title, meta={"SiteName": site} if site else {})
    assert column_name(page, None) == name


# --- build_columns ----------------------------------------------------------------------


def items(prefix: str, *days: str) -> list[ListItem]:
    return [
        ListItem(
            title=f"{prefix}第{n}条信息",
            url=f"{SITE}/{prefix}/{n}.html",
            date=date.fromisoformat(d) if d else None,
        )
        for n, d in enumerate(days)
    ]


def list_page(
    path: str, title: str, its: list[ListItem], next_path: str | None = None, **kw
) -> Page:
    url = SITE + path
    return Page(
        url=url,
        final_url=url,
        title=title,
        items=its,
        next_page=SITE + next_path if next_path else None,
        **kw,
    )


@pytest.fixture
def home() -> Page:
    return Page(
        url=SITE + "/",
        final_url=SITE + "/",
        title="凤台县人民政府",
        links=[
            Link(SITE + "/xwzx/gzdt/", "工作动态", "a", True),
            Link(SITE + "/zwgk/tzgg/index.html", "通知公告", "a", True),
            Link(SITE + "/zwgk/rsxx/", "人事", "a", False),
            Link(SITE + "/zwgk/zcwj/", "更多>>", "a", True),
        ],
        items=items("home", "2019-10-18"),
    )


def test_build_columns_groups_pagination_chains(home: Page) -> None:
    p0 = list_page(
        "/xwzx/gzdt/", "x", items("g0", "2019-10-18", "2019-10-15"), "/xwzx/gzdt/index_1.html"
    )
    p1 = list_page(
        "/xwzx/gzdt/index_1.html", "x", items("g1", "2019-09-18"), "/xwzx/gzdt/index_2.html"
    )
    p2 = list_page("/xwzx/gzdt/index_2.html", "x", items("g2", "2019-08-18"))
    tz = list_page("/zwgk/tzgg/", "通知公告_凤台县人民政府", items("t", "2019-03-01", None))
    columns = build_columns(home, [p2, tz, p0, p1], REF)
    assert [(c.name, c.url, c.category, c.pages, c.item_count) for c in columns] == [
        ("通知公告", SITE + "/zwgk/tzgg/", "notice", 1, 2),
        ("工作动态", SITE + "/xwzx/gzdt/", "news", 3, 4),
    ]
    news = columns[1]
    assert news.latest(REF) == date(2019, 10, 18)
    assert [i.date for i in news.items] == [
        date(2019, 10, 18),
        date(2019, 10, 15),
        date(2019, 9, 18),
        date(2019, 8, 18),
    ]
    assert all(c.top_level for c in columns)  # /zwgk/tzgg/ == /zwgk/tzgg/index.html
    assert not any(c.empty for c in columns)


def test_build_columns_empty_top_level_and_names(home: Page) -> None:
    empty = list_page("/zwgk/rsxx/", "人事信息-凤台县人民政府", [], empty_marker=True)
    zcwj = list_page(
        "/zwgk/zcwj/",
        "凤台县人民政府",
        items("z", "2019-01-01"),
        text="当前位置：首页 > 政务公开 > 政策文件",
    )
    sub = list_page("/xwzx/xzdt/", "乡镇动态_凤台县人民政府", items("x", "2019-10-01"))
    columns = {c.url: c for c in build_columns(home, [empty, zcwj, sub], REF)}
    rsxx = columns[SITE + "/zwgk/rsxx/"]
    assert (rsxx.name, rsxx.category, rsxx.empty, rsxx.item_count, rsxx.top_level) == (
        "人事", "personnel", True, 0, False,
    )  # fmt: skip
    assert columns[SITE + "/zwgk/zcwj/"].name == "政策文件"  # breadcrumb beats "更多>>"
    assert columns[SITE + "/zwgk/zcwj/"].top_level
    assert (columns[SITE + "/xwzx/xzdt/"].name, columns[SITE + "/xwzx/xzdt/"].top_level) == (
        "乡镇动态",
        False,
    )


def test_build_columns_excludes_home_articles_and_plain_pages(home: Page) -> None:
    article = Page(
        url=SITE + "/a/1.html",
        final_url=SITE + "/a/1.html",
        title="文章",
        pub_date=date(2019, 10, 1),
    )
    plain = Page(url=SITE + "/about.html", final_url=SITE + "/about.html", title="关于我们")
    home_again = Page(
        url=SITE + "/index.html", final_url=SITE + "/index.html", items=items("h", "2019-10-01")
    )
    assert build_columns(home, [home, article, plain, home_again], REF) == []


def test_build_columns_same_name_distinct_urls(home: Page) -> None:
    a = list_page("/bm/jyj/gzdt/", "工作动态_教育局", items("a", "2019-10-01"))
    b = list_page("/bm/wjw/gzdt/", "工作动态_卫健委", items("b", "2019-10-02"))
    columns = build_columns(home, [a, b], REF)
    assert [(c.name, c.url) for c in columns] == [
        ("工作动态", SITE + "/bm/jyj/gzdt/"),
        ("工作动态", SITE + "/bm/wjw/gzdt/"),
    ]


def test_build_columns_caps_items_but_counts_all(home: Page) -> None:
    many = [ListItem(f"信息标题第{n}条", f"{SITE}/m/{n}.html", date(2019, 1, 1)) for n in range(30)]
    p0 = list_page("/m/", "统计数据", many[:20], "/m/index_1.html")
    p1 = list_page("/m/index_1.html", "统计数据", many[20:] + many[:2])  # repeated pinned items
    (column,) = build_columns(home, [p0, p1], REF, max_items=25)
    assert (len(column.items), column.item_count, column.pages, column.category) == (
        25,
        30,
        2,
        "plan",
    )


def test_build_columns_orphan_continuation_joins_its_first_page(home: Page) -> None:
    p0 = list_page("/zwgk/tzgg/index.html", "通知公告", items("a", "2019-10-01"))  # next link lost
    p3 = list_page("/zwgk/tzgg/index_3.html", "通知公告", items("b", "2018-10-01"))
    q2 = list_page("/list.jsp?cat=5&page=2", "通知公告", items("c", "2017-10-01"))
    q1 = list_page("/list.jsp?cat=5", "公示公告", items("d", "2019-10-01"))
    columns = build_columns(home, [p3, p0, q2, q1], REF)
    assert [(c.url, c.pages, c.item_count) for c in columns] == [
        (SITE + "/zwgk/tzgg/index.html", 2, 2),
        (SITE + "/list.jsp?cat=5", 2, 2),
    ]


def test_build_columns_survives_cycles(home: Page) -> None:
    a = list_page("/c/index.html", "工作动态", items("a", "2019-10-01"), "/c/index_1.html")
    b = list_page("/c/index_1.html", "工作动态", items("b", "2019-09-01"), "/c/index.html")
    (column,) = build_columns(home, [a, b], REF)
    assert column.pages == 2 and column.url == SITE + "/c/index.html"


def test_build_columns_without_recognised_nav_uses_any_home_link() -> None:
    bare_home = Page(
        url=SITE + "/", final_url=SITE + "/", links=[Link(SITE + "/gzdt/", "工作动态")]
    )
    page = list_page("/gzdt/", "x", items("a", "2019-10-01"))
    (column,) = build_columns(bare_home, [page], REF)
    assert column.top_level and column.name == "工作动态"


def test_url_key() -> None:
    assert url_key("HTTP://WWW.FT.GOV.CN/zwgk/index.html#x") == url_key(
        "http://www.ft.gov.cn/zwgk/"
    )
    assert url_key("http://www.ft.gov.cn/zwgk") == url_key("http://www.ft.gov.cn/zwgk/default.aspx")
    assert url_key("http://www.ft.gov.cn/a?page=2") != url_key("http://www.ft.gov.cn/a")


def test_moved_chains_follow_their_target(home: Page) -> None:
    first = list_page("/n/index.html", "工作动态", items("a", "2019-10-01"))
    third = list_page("/n/index_3.html", "工作动态", items("c", "2019-08-01"), "/n/index_4.html")
    fourth = list_page("/n/index_4.html", "工作动态", items("d", "2019-07-01"))
    (column,) = build_columns(home, [third, fourth, first], REF)
    assert (column.url, column.pages, column.item_count) == (SITE + "/n/index.html", 3, 3)


# --- end to end: extract_page output -> columns ------------------------------------------


def test_columns_from_extracted_pages() -> None:
    fixtures = Path(__file__).parent / "fixtures" / "extract"

    def load(name: str, url: str, encoding: str = "utf-8") -> Page:
        page = Page(url=url, final_url=url)
        extract_page(page, (fixtures / name).read_bytes().decode(encoding), REF)
        return page

    host = "http://www.huainan.gov.cn"
    home = load("home.html", host + "/")
    pages = [
        home,
        load("modern_list_ul.html", host + "/zwdt/gzdt/index.html"),
        load("trs_list_table.html", host + "/zwgk/tzgg/index.html", "gbk"),
        load("article.html", host + "/zwdt/gzdt/201910/t20191018_1.html"),
        load("hanweb_jpage.html", host + "/zwgk/zcjd/index.html"),
    ]
    columns = build_columns(home, pages, REF)
    assert [(c.name, c.category, c.item_count, c.top_level) for c in columns] == [
        ("工作动态", "news", 5, True),
        ("通知公告", "notice", 4, True),
        ("政策解读", "policy", 3, False),
    ]
    assert columns[0].latest(REF) == date(2019, 10, 18)
    assert columns[1].latest(REF) == date(2019, 10, 8)


def test_section_pages_that_preview_other_columns_are_not_columns(home: Page) -> None:
    zcwj = list_page(
        "/zwgk/zcwj/", "政策文件", items("zcwj", "2019-10-01", "2019-09-01", "2019-08-01")
    )
    rsxx = list_page(
        "/zwgk/rsxx/", "人事信息", items("rsxx", "2018-10-01", "2018-09-01", "2018-08-01")
    )
    hub = list_page("/zwgk/", "政务公开", zcwj.items[:2] + rsxx.items[:2])
    news = list_page(
        "/xwdt/gzdt/", "工作动态", items("gzdt", "2019-10-01", "2019-09-01", "2019-08-01")
    )
    landing = list_page("/xwdt/", "新闻动态", news.items[:2])  # a section with one column
    mirror = list_page("/tzgg/", "通知公告", items("t", "2019-10-01", "2019-09-01"))
    mirror2 = list_page("/zwgk/tzgg/", "通知公告", items("t", "2019-10-01", "2019-09-01"))
    columns = build_columns(home, [hub, zcwj, rsxx, landing, news, mirror, mirror2], REF)
    assert [c.url for c in columns] == [
        SITE + "/zwgk/zcwj/",
        SITE + "/zwgk/rsxx/",
        SITE + "/xwdt/gzdt/",
        SITE + "/tzgg/",
        SITE + "/zwgk/tzgg/",
    ]


def test_build_columns_with_a_page_loader_keeps_no_items_and_gives_the_same_columns(home: Page) -> None:
    """The crawl streams list pages from the snapshot and loads back only the pages a column shows."""
    zcwj = list_page("/zwgk/zcwj/", "政策文件", items("zcwj", "2019-10-01", "2019-09-01", "2019-08-01"))
    rsxx = list_page("/zwgk/rsxx/", "人事信息", items("rsxx", "2018-10-01", "2018-09-01", "2018-08-01"))
    hub = list_page("/zwgk/", "政务公开", zcwj.items[:2] + rsxx.items[:2])  # a preview of two columns
    news = list_page("/xwdt/gzdt/", "工作动态", items("gzdt", "2019-10-01", "2019-09-01"), "/xwdt/gzdt/index_1.html")
    # page 2 repeats an item of page 1 (a pager that shifted) and adds two
    news1 = list_page("/xwdt/gzdt/index_1.html", "工作动态", news.items[1:] + items("g1", "2019-08-01", "2019-07-01"),
                      "/xwdt/gzdt/index_2.html")
    news2 = list_page("/xwdt/gzdt/index_2.html", "工作动态", items("g2", "2019-06-01", "2019-05-01"))
    landing = list_page("/xwdt/", "新闻动态", news.items[:2])
    empty = list_page("/zwgk/rsxx2/", "人事信息", [], empty_marker=True)
    pages = [hub, zcwj, rsxx, landing, news, news1, news2, empty]
    stored = {p.url: p for p in pages}
    for cap in (200, 3, 5):
        loaded: list[str] = []

        def load(url: str, loaded: list[str] = loaded) -> Page | None:
            loaded.append(url)
            return stored.get(url)

        held = build_columns(home, pages, REF, max_items=cap)
        streamed = build_columns(home, iter(pages), REF, max_items=cap, load=load)
        assert streamed == held
        gzdt = next(c for c in streamed if c.url == SITE + "/xwdt/gzdt/")
        assert gzdt.item_count == 6 and len(gzdt.items) == min(cap, 6)
        # Only pages whose items a column shows are loaded again; with a cap of 3 the chain's
        # second page fills it and its third is never read.
        assert SITE + "/zwgk/" not in loaded and SITE + "/xwdt/" not in loaded  # previews: no column
        assert (SITE + "/xwdt/gzdt/index_2.html" in loaded) == (cap > 3)
