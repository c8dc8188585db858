"""The simulated world: determinism, realism, encodings and the consistency of its truth."""

from __future__ import annotations

import functools
import json
import re
import time
from datetime import date, timedelta
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

from govinspect.demo import server
from govinspect.demo.defects_security import HIJACK_HOSTS
from govinspect.demo.render import find_resource, render_site
from govinspect.demo.static import write_static
from govinspect.demo.types import SimSite, World
from govinspect.demo.world import build_big_site, build_world, plan_world

AS_OF = date(2019, 10, 20)
FAKE_LINKS = {"refused": "http://refused.world/"}


class _Refs(HTMLParser):
    """Every href/src of a page, unescaped (independent of the generator's own scanner)."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.refs += [v for k, v in attrs if k in ("href", "src") and v]


def refs_of(html: str) -> list[str]:
    p = _Refs()
    p.feed(html)
    # JCMS lists are CDATA records inside a <script type="text/xml"> data island.
    for record in re.findall(r"<record><!\[CDATA\[(.*?)(?:\]\]>)?</record>", html, re.S):
        p.feed(record)
    return p.refs


def html_pages(site: SimSite) -> dict[str, str]:
    return {
        path: res.body.decode("gbk" if site.encoding == "gbk" else "utf-8")
        for path, res in site.iter_resources()
        if res.content_type.startswith("text/html") and res.status == 200
    }


@functools.lru_cache(maxsize=4)
def shown_pages(key: str) -> dict[str, str]:
    """Pages of site ``key`` as a visitor sees them, script-drawn lists included (render.py)."""
    plan = next(p for p in plan_world(AS_OF) if p.spec.key == key)
    return render_site(plan).pages


def visible_pages(site: SimSite) -> dict[str, str]:
    """The served pages, with lists drawn by script (style "platform") as a visitor sees them."""
    pages = html_pages(site)
    if site.style == "platform":
        shown = shown_pages(site.key)
        pages = {path: shown.get(path, html) for path, html in pages.items()}
    return pages


def fake_base(key: str) -> str:
    return f"http://{key}.world/"


def world_links(world: World) -> dict[str, str]:
    return {**FAKE_LINKS, **{f"site:{s.key}": fake_base(s.key) for s in world.sites + world.externals}}


def status_in(world: World, url: str) -> int:
    """What the world answers for an absolute fake URL (404 when nothing is there)."""
    parts = urlsplit(url)
    key = parts.hostname.split(".")[0] if parts.hostname else ""
    path = parts.path + ("?" + parts.query if parts.query else "")
    res = find_resource(world.site(key).resources, path)
    return 404 if res is None else res.status


def observed_broken(world: World, site: SimSite) -> set[tuple[str, str]]:
    """(page URL, target URL) of every link that fails, found by reading the pages."""
    links, base = world_links(world), fake_base(site.key)
    out = set()
    for path, html in visible_pages(site).items():
        page = urljoin(base, path)
        for ref in refs_of(html):
            if ref.startswith(("javascript:", "mailto:", "#")):
                continue
            for k, v in links.items():
                ref = ref.replace("{{" + k + "}}", v)
            url = urljoin(page, ref)
            host = urlsplit(url).hostname or ""
            if host.endswith(".world") and host != "refused.world":
                if status_in(world, url) >= 400:
                    out.add((page, url))
            elif host == "refused.world" or host.startswith("www.defunct-") or host in HIJACK_HOSTS:
                out.add((page, url))
    return out


# -- determinism and size ------------------------------------------------------------------

def test_same_inputs_give_the_same_world(demo_world: World) -> None:
    again = build_world(AS_OF)
    for a, b in zip(demo_world.sites, again.sites, strict=True):
        assert dict(a.resources) == dict(b.resources)
        assert a.truth.to_dict() == b.truth.to_dict()


def test_seed_and_date_change_the_world(demo_world: World) -> None:
    other = build_world(AS_OF, seed=7)
    assert other.site("tja").resources["/"] != demo_world.site("tja").resources["/"]
    later = build_world(AS_OF + timedelta(days=30), scale=0.3)
    assert later.site("huainan").truth.home_last_update > AS_OF


def test_world_builds_fast_and_has_realistic_size(demo_world: World) -> None:
    start = time.perf_counter()
    build_world(AS_OF + timedelta(days=1))
    assert time.perf_counter() - start < 2.0
    # Issue 8 adds sites in more CMS families (one or two per family helper): still small.
    assert 4 <= len(demo_world.sites) <= 10
    assert {s.style for s in demo_world.sites} >= {"trs", "ul", "card", "hanweb", "jsp"}
    assert {s.level for s in demo_world.sites} == {"portal", "county", "department"}
    for site in demo_world.sites:
        assert 60 <= len(html_pages(site)) <= 250, site.key
        assert re.fullmatch(r"\d{10}", site.site_code)


def test_scale_shrinks_the_world(demo_world: World) -> None:
    small = build_world(AS_OF, scale=0.2)
    # every site at most 60 % of its full size (columns holding planted defects keep 12 items)
    assert all(len(s.resources) < 0.6 * len(demo_world.site(s.key).resources) for s in small.sites)
    assert small.site("tja").truth.stale_columns  # defects survive scaling


def test_truth_is_json_serialisable(demo_world: World) -> None:
    links = world_links(demo_world)
    bases = {s.key: fake_base(s.key) for s in demo_world.sites}
    doc = json.loads(json.dumps(demo_world.truth_dict(bases, links)))
    assert doc["tja"]["stale_columns"]["人事信息"]["category"] == "personnel"
    assert all(b["target"].startswith("http") for b in doc["huainan"]["broken_links"])
    with pytest.raises(ValueError):
        demo_world.site("huainan").truth.broken_targets("http://x/")  # needs the links map


# -- markup and encodings ------------------------------------------------------------------

def test_trs_site_is_gbk_with_gb2312_meta(demo_world: World) -> None:
    res = demo_world.site("tja").resources["/"]
    with pytest.raises(UnicodeDecodeError):
        res.body.decode("utf-8")
    text = res.body.decode("gbk")
    assert 'charset=gb2312"' in text and "田家庵区人民政府" in text
    lst = demo_world.site("tja").resources["/xwdt/gzdt/index.html"].body.decode("gbk")
    assert re.search(r'<td class="rq" width="90">\d{4}-\d{2}-\d{2}</td>', lst)
    assert re.search(r'createPageHTML\(\d+, 0, "index", "html"\)', lst)
    assert "/xwdt/gzdt/index_1.html" in demo_world.site("tja").resources


def test_wrong_header_site_really_sends_gbk(demo_world: World) -> None:
    res = demo_world.site("jyj").resources["/"]
    assert res.content_type == "text/html; charset=utf-8"
    with pytest.raises(UnicodeDecodeError):
        res.body.decode("utf-8")
    assert "淮南市教育局" in res.body.decode("gbk") and b"charset=gb2312" in res.body


def test_one_page_declares_no_charset_at_all(demo_world: World) -> None:
    site = demo_world.site("tja")
    (path,) = [p for p, note in site.truth.notes.items() if "no charset" in note]
    res = site.resources[path]
    assert res.content_type == "text/html" and b"charset" not in res.body
    assert "发布时间" in res.body.decode("gbk")


def test_ul_site_declares_charset_in_http_only(demo_world: World) -> None:
    site = demo_world.site("fengtai")
    home = site.resources["/"]
    assert home.content_type == "text/html; charset=utf-8" and b"charset" not in home.body
    text = home.body.decode()
    assert re.search(r"<span>\[\d{2}-\d{2}\]</span>", text)
    col = site.truth.columns["工作动态"].path
    page1 = site.resources[col].body.decode()
    assert f'href="{col}?page=2">下一页</a>' in page1
    assert f"{col}?page=2" in site.resources


def test_card_site_has_meta_tags_and_chinese_dates(demo_world: World) -> None:
    site = demo_world.site("huainan")
    text = site.resources["/xwdt/gzdt/"].body.decode()
    assert '<meta charset="utf-8">' in text and '<meta name="ColumnName" content="工作动态">' in text
    assert re.search(r"<em>\d{4}年\d{1,2}月\d{1,2}日</em><h3><a ", text)
    article = next(p for p in html_pages(site) if re.fullmatch(r"/xwdt/gzdt/[0-9a-f]{16}\.html", p))
    body = site.resources[article].body.decode()
    assert re.search(r'<meta name="PubDate" content="\d{4}-\d{2}-\d{2} \d{2}:\d{2}">', body)
    assert "当前位置：" in body and "发布时间：" in body and "来源：" in body


def visible_home(site: SimSite) -> str:
    """The home page as a visitor sees it: with the footer a script loads (demo/script_footers.py)."""
    from govinspect.crawl.includes import script_markup

    pages = html_pages(site)
    home = pages["/"]
    for path, note in site.truth.notes.items():
        if note.startswith("footer loaded by script"):
            body = site.resources[path].body.decode("gbk" if site.encoding == "gbk" else "utf-8")
            home += script_markup(body) if path.endswith(".js") else body
    return home


def test_every_home_carries_identity_and_friend_links(demo_world: World) -> None:
    for site in demo_world.sites:
        home = visible_home(site)
        wrong = {m.item for m in site.truth.identity}  # planted identity defects
        assert f"主办单位：{site.unit}" in home and "网站标识码：" in home
        assert (f"网站标识码：{site.site_code}" in home) == ("site_code" not in wrong), site.key
        assert bool(re.search(r"皖ICP备\d+号-\d", home)) == ("icp" not in wrong), site.key
        assert re.search(r"皖公网安备 \d{14}号", home)
        assert "http://bszs.conac.cn/sitename?method=show&amp;id=" in home
        assert 'src="http://dcs.conac.cn/image/red.png"' in home
        assert "友情链接" in home and home.count("{{site:") >= len(demo_world.sites) - 1
        for label in ("首页", "政务公开", "新闻动态", "通知公告", "互动交流", "政务新媒体", "办事服务"):
            assert f">{label}</a>" in home, (site.key, label)


def test_attachments_are_real_files(demo_world: World) -> None:
    import io

    import openpyxl

    kinds = {}
    for site in demo_world.sites:
        for _, res in site.iter_resources():
            kinds.setdefault(res.content_type, res.body)
    assert kinds["application/pdf"].startswith(b"%PDF-1.4")
    assert kinds["application/msword"].startswith(bytes.fromhex("d0cf11e0a1b11ae1"))
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = openpyxl.load_workbook(io.BytesIO(kinds[xlsx])).active
    assert sheet["A2"].value == "序号"
    assert kinds["image/png"].startswith(b"\x89PNG")


# -- truth consistency ---------------------------------------------------------------------

def article_dates(site: SimSite, list_path: str) -> list[date | None]:
    """Publication dates read from the articles a list page links to."""
    pages = visible_pages(site)
    out = []
    for ref in refs_of(pages[list_path]):
        target = urlsplit(urljoin("http://h" + list_path, ref))
        where = target.path + (f"?{target.query}" if target.query else "")
        text = (pages.get(where) or pages.get(target.path)) if target.hostname == "h" else None
        if text and "正文" in text and "来源：" in text:
            m = re.search(r"发布时间：(\d{4}-\d{2}-\d{2})", text)
            out.append(date.fromisoformat(m.group(1)) if m else None)
    return out


def test_column_dates_match_truth(demo_world: World) -> None:
    checked = 0
    for site in demo_world.sites:
        truth = site.truth
        for name in [*truth.stale_columns, *truth.fresh_columns]:
            col = truth.columns[name]
            dates = article_dates(site, col.path)
            assert dates, (site.key, name)
            shown = [d for d in dates if d is not None and d <= AS_OF]
            assert (max(shown) if shown else None) == col.last_update, (site.key, name)
            checked += 1
    assert checked > 40


def test_stale_and_fresh_are_far_from_the_thresholds(demo_world: World) -> None:
    limits = {"news": 14, "notice": 183, "policy": 183, "personnel": 365, "plan": 365, "other": 365}
    seen = set()
    for site in demo_world.sites:
        for col in site.truth.stale_columns.values():
            if col.last_update is None:
                seen.add("undated")
                continue
            age = (AS_OF - col.last_update).days
            assert age > limits[col.category], (site.key, col.name)
            seen.add(col.category)
            if col.category == "news":
                assert 20 <= age <= 60
        for name in site.truth.fresh_columns:
            col = site.truth.columns[name]
            assert (AS_OF - col.last_update).days <= limits[col.category] // 2
    assert seen >= {"news", "notice", "policy", "personnel", "undated"}


def test_empty_columns_show_no_items(demo_world: World) -> None:
    kinds = set()
    for site in demo_world.sites:
        for name, path in site.truth.empty_columns.items():
            text = html_pages(site)[path]
            assert article_dates(site, path) == [], (site.key, name)
            kinds.add("marker" if "暂无信息" in text else "container")
            assert site.truth.columns[name].items == 0
    assert kinds == {"marker", "container"}


def test_home_stale_site(demo_world: World) -> None:
    tja = demo_world.site("tja")
    assert (AS_OF - tja.truth.home_last_update).days > 14
    dates = [date.fromisoformat(d) for d in re.findall(r"\d{4}-\d{2}-\d{2}", html_pages(tja)["/"])]
    assert dates and max(dates) == tja.truth.home_last_update
    for other in ("huainan", "fengtai", "wjw"):
        assert (AS_OF - demo_world.site(other).truth.home_last_update).days <= 7


def test_future_dates_are_where_truth_says(demo_world: World) -> None:
    found = 0
    for site in demo_world.sites:
        pages = visible_pages(site)
        for path, day in site.truth.future_dated:
            assert day > AS_OF
            marks = (f"{day:%Y-%m-%d}", f"[{day:%m-%d}]", f"{day.year}年{day.month}月{day.day}日",
                     f"{day:%Y/%m/%d}")
            assert any(m in pages[path] for m in marks), (site.key, path)
            found += 1
    assert found >= 4
    assert any(p == "/" for p, _ in demo_world.site("fengtai").truth.future_dated)


def test_undated_column_has_no_dates(demo_world: World) -> None:
    site = demo_world.site("wjw")
    col = site.truth.stale_columns["政策解读"]
    assert col.last_update is None
    assert set(article_dates(site, col.path)) == {None}
    assert "<em>" not in html_pages(site)[col.path].split("card-list")[1]


def test_broken_links_match_what_the_pages_link(demo_world: World) -> None:
    links = world_links(demo_world)
    kinds: set[str] = set()
    for site in demo_world.sites:
        truth = site.truth
        expected = truth.broken_pairs(fake_base(site.key), links)
        assert observed_broken(demo_world, site) == expected, site.key
        kinds |= {b.kind for b in truth.broken_links}
        ratio = truth.stats["broken_targets"] / truth.stats["link_targets"]
        assert 0.005 <= ratio <= 0.04, (site.key, ratio)
    assert kinds == {"404", "500", "refused", "dns"}
    home_broken = {s.key for s in demo_world.sites if any(b.page == "/" for b in s.truth.broken_links)}
    assert home_broken >= {"huainan", "fengtai"}


def test_links_to_other_world_sites_exist_and_work(demo_world: World) -> None:
    good = 0
    for site in demo_world.sites:
        for html in html_pages(site).values():
            for ref in re.findall(r'href="\{\{site:([a-z]+)\}\}([^"]+)"', html):
                key, path = ref
                if find_resource(demo_world.site(key).resources, "/" + path) is not None:
                    good += 1
    assert good >= 10


# -- static copies and the big site --------------------------------------------------------

def test_static_world_has_no_query_pages(tmp_path) -> None:
    world = build_world(AS_OF, scale=0.5, static=True)
    for site in world.sites:
        assert all("?" not in p for p, r in site.resources.items() if r.status == 200), site.key
    dirs = write_static(world, tmp_path, {"huainan": "http://127.0.0.1:9001/"})
    ft = dirs["fengtai"]
    col = world.site("fengtai").truth.columns["工作动态"].path
    page2 = (ft / col.lstrip("/")).with_name("index_2.html")
    assert page2.exists() and b'<meta charset="utf-8">' in page2.read_bytes()
    home = (dirs["tja"] / "index.html").read_bytes()
    assert b"{{" not in home and b"http://127.0.0.1:9001/" in home
    assert (dirs["huainan"] / "xwdt" / "gzdt" / "index.html").exists()


@pytest.mark.slow
def test_big_site_is_fast_lazy_and_true() -> None:
    start = time.perf_counter()
    big = build_big_site(2000, broken_ratio=0.015, seed=3)
    built = time.perf_counter() - start
    pages = html_pages(big)  # renders every body once
    assert built < 10 and time.perf_counter() - start < 20
    assert 1800 <= len(pages) <= 2200 and big.truth.stats["pages"] == len(pages)
    assert not isinstance(big.resources, dict)  # bodies are rendered on demand
    world = World(AS_OF, 3, 1.0, [big])
    links = {"site:big": fake_base("big"), **FAKE_LINKS}
    assert observed_broken(world, big) == big.truth.broken_pairs(fake_base("big"), links)
    n = len({b.target for b in big.truth.broken_links})
    assert 0.01 <= n / big.truth.stats["articles"] <= 0.025
    assert {b.kind for b in big.truth.broken_links} == {"404", "500", "refused", "dns"}
    again = build_big_site(2000, broken_ratio=0.015, seed=3)
    assert again.truth.to_dict() == big.truth.to_dict()
    assert again.resources["/"].body == big.resources["/"].body


def test_big_site_writes_to_disk_page_by_page(tmp_path) -> None:
    big = build_big_site(300, seed=1, style="card")
    assert server.write_static(big, tmp_path) == {"big": tmp_path}  # one site: into the folder
    written = list(tmp_path.rglob("*.html"))
    assert len(written) >= 280 and (tmp_path / "index.html").exists()
