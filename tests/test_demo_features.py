"""Issue-4 content of the world: service guides, message boards, interpretations, site search.

The pages are read with string rules of these tests, never with the checks they measure;
the search endpoints are queried over HTTP as a probe would (GET, POST, GBK bytes).
"""

from __future__ import annotations

import json
import re
import urllib.request
from datetime import date, timedelta
from urllib.parse import urlencode, urljoin, urlsplit

from govinspect.demo.evaluate import FEATURE_CODES, evaluate
from govinspect.demo.types import SimSite, World
from govinspect.model import Finding, SiteResult
from govinspect.service import ScanResult

from .test_demo_world import AS_OF, fake_base, html_pages, world_links

ELEMENT_LABELS = {
    "basis": ("设定依据",), "conditions": ("申请条件",), "materials": ("申请材料", "办理材料"),
    "location": ("办理地点",), "time": ("办理时间",), "phone": ("咨询电话", "联系电话"),
    "process": ("办理流程",),
}
VALUE = r"(?:：)?</(?:th|dt)>\s*<(?:td|dd)>([^<]*)</(?:td|dd)>"


def element_value(html: str, element: str) -> str | None:
    """The value printed after one of ``element``'s labels (table cell or definition)."""
    for label in ELEMENT_LABELS[element]:
        mo = re.search(rf">{label}{VALUE}", html)
        if mo:
            return mo.group(1)
    return None


def weekdays_between(start: date, end: date) -> int:
    """Monday-Friday days after ``start`` up to ``end``."""
    return sum((start + timedelta(days=n)).weekday() < 5 for n in range(1, (end - start).days + 1))


def body_of(html: str) -> str:
    """The article's own paragraphs as text (between the info line and the footer)."""
    paras = re.findall(r'<p style="text-indent:2em">([^<]*)</p>', html)
    return "".join(paras)


def fetch(url: str, data: bytes | None = None) -> tuple[int, bytes]:
    req = urllib.request.Request(url, data=data, method="POST" if data is not None else "GET")
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


# -- service guides ------------------------------------------------------------------------

def test_guides_on_the_portal_and_one_county_in_two_layouts(demo_world: World) -> None:
    with_guides = {s.key: s for s in demo_world.sites if s.truth.service_items}
    assert set(with_guides) == {"huainan", "fengtai"}
    layouts = set()
    for site in with_guides.values():
        pages = html_pages(site)
        assert 5 <= len(site.truth.service_items) <= 8
        hub_path, hub = next((p, html) for p, html in pages.items() if "<title>办事服务_" in html)
        unlinked = [path for path in site.truth.service_items if f'href="{path}"' not in hub]
        for path in unlinked:  # issue 8: an item named without a link; the 办事服务 page is reported
            name = re.search(r"<title>([^_<]+)_", pages[path]).group(1)  # type: ignore[union-attr]
            assert f"<li>{name}<span>" in hub and hub_path in site.truth.no_guide, (site.key, path)
        for path in set(site.truth.service_items) - set(unlinked):
            html = pages[path]
            if path in site.truth.no_guide:  # a page saying there is none, or (issue 8) a bare page
                assert element_value(html, "basis") is None and ">事项名称" not in html, (site.key, path)
                continue
            layouts.add("table" if '<table class="bszn"' in html else "dl")
            assert "办事指南" in html and ">事项名称" in html
    assert layouts == {"table", "dl"}


def test_guide_truth_matches_the_pages(demo_world: World) -> None:
    planted = {"missing": 0, "vague": 0, "no_guide": 0}
    for site in demo_world.sites:
        pages = html_pages(site)
        marks = {(g.path, g.element): g.problem for g in site.truth.guides}
        planted["no_guide"] += len(site.truth.no_guide)
        for path in set(site.truth.service_items) - set(site.truth.no_guide):
            html = pages[path]
            if path not in site.truth.no_guide and f'href="{path}"' not in "".join(pages.values()):
                continue  # named without a link (issue 8): reported on its list, its page unreachable
            for element in ELEMENT_LABELS:
                value = element_value(html, element)
                problem = marks.get((path, element))
                if problem == "missing":
                    assert value is None, (site.key, path, element)
                    planted["missing"] += 1
                    continue
                assert value, (site.key, path, element)
                vague = {
                    # issue 8: a 文号 makes a basis as specific as an article
                    "basis": not re.search(r"《[^》]+》.*(?:第[一二三四五六七八九十百]+条|令第\d+号|〔\d{4}〕\d+号|"
                                           r"令第[一二三四五六七八九十百]+号)", value),
                    "time": not re.search(r"\d{1,2}:\d{2}", value),
                    "materials": value.rstrip("。").endswith("其他材料"),
                    "phone": not re.search(r"0554-\d{7}", value),
                }.get(element, False)
                assert vague == (problem == "vague"), (site.key, path, element, value)
                planted["vague"] += problem == "vague"
    guides_with = {"missing": {g.path for s in demo_world.sites for g in s.truth.guides
                               if g.problem == "missing"},
                   "vague": {g.path for s in demo_world.sites for g in s.truth.guides
                             if g.problem == "vague"}}
    assert len(guides_with["missing"]) == 2 and len(guides_with["vague"]) == 2
    # NoGuide, BareItemPage and UnlinkedItem (its list page) plant one each (issue 8)
    assert planted["no_guide"] == 3 and planted["missing"] == 4 and planted["vague"] == 3


# -- message boards ------------------------------------------------------------------------

def letter_fields(html: str) -> dict[str, str]:
    return dict(re.findall(r"<(?:th|dt)[^>]*>([^<：]+)：?</(?:th|dt)>\s*<(?:td|dd)>([^<]*)</", html))


def test_every_site_has_a_board_with_list_and_letters(demo_world: World) -> None:
    for site in demo_world.sites:
        truth, pages = site.truth, html_pages(site)
        board = pages[truth.board]
        assert "留言时间" in board and "答复时间" in board and "状态" in board
        assert ("本月共收到留言" in board) == (not truth.no_stats), site.key
        for path in truth.messages:
            link = re.search(r'href="([^"]+)"[^>]*>' + re.escape(letter_fields(pages[path])["留言标题"]),
                             board)
            assert link and urljoin("http://h" + truth.board, link.group(1)) == "http://h" + path
    hub_links = [html for s in demo_world.sites for p, html in html_pages(s).items()
                 if "<title>互动交流_" in html]
    assert len(hub_links) == len(demo_world.sites)


def test_board_letters_are_answered_in_time_unless_planted(demo_world: World) -> None:
    severities = set()
    for site in demo_world.sites:
        truth, pages = site.truth, html_pages(site)
        overdue = {m.path: m for m in truth.unanswered}
        hidden = {m.path: set(m.missing.split(",")) for m in truth.reply_incomplete}
        for path in truth.messages:
            fields = letter_fields(pages[path])
            received = date.fromisoformat(fields["留言时间"][:10])
            if "答复内容" not in fields:
                age = (AS_OF - received).days
                if path in overdue:
                    m = overdue[path]
                    assert m.received == received
                    severity = "veto" if age > 90 else "deduct"
                    assert m.severity == severity and age <= 365
                    assert weekdays_between(received, AS_OF) >= 20  # far from the 15-day limit
                    severities.add(severity)
                    if severity == "veto":
                        assert age >= 110
                else:  # a fresh letter that no rule faults yet
                    assert weekdays_between(received, AS_OF) <= 5, (site.key, path)
                continue
            assert path not in overdue
            missing = {"unit"} if "答复单位" not in fields else set()
            missing |= {"time"} if "答复时间" not in fields else set()
            assert missing == hidden.get(path, set()), (site.key, path)
            if "答复时间" in fields:
                replied = date.fromisoformat(fields["答复时间"])
                assert received <= replied <= AS_OF and weekdays_between(received, replied) <= 10
            if "unit" in missing:  # the answer is not signed by a unit at its end either
                assert not re.search(r"(局|委|办|中心|政府)[。]?$", fields["答复内容"])
    assert severities == {"deduct", "veto"}
    assert sum(len(s.truth.reply_incomplete) for s in demo_world.sites) == 2


# -- interpretations -----------------------------------------------------------------------

def test_interpretations_link_and_explain_their_policy_unless_planted(demo_world: World) -> None:
    weak_total = controls = 0
    for site in demo_world.sites:
        pages = html_pages(site)
        weak = set(site.truth.weak_interpretations)
        weak_total += len(weak)
        assert len(site.truth.interpretations) >= 8
        for path in site.truth.interpretations:
            html = pages[path]
            body = body_of(html)
            link = re.search(r'政策原文：<a href="([^"]+)"[^>]*>([^<]+)</a>', html)
            if path in weak:
                assert link is None and len(body) < 150 and not re.search(r"\d", body), path
                continue
            named = re.search(r'《<a href="([^"]+)"[^>]*>([^<]+)</a>》', html)
            if link is None and named:  # issue 8 control: short, names its policy and links it by name
                target = urlsplit(urljoin("http://h" + path, named.group(1))).path
                assert target in pages and "text-align:center" in pages[target], (site.key, path)
                assert f"《{named.group(2)}》" in body and len(body) < 300, (site.key, path)
                controls += 1
                continue
            assert link, (site.key, path)
            parts = urlsplit(urljoin("http://h" + path, link.group(1)))
            target = parts.path + (f"?{parts.query}" if parts.query else "")  # content.jsp?id=
            assert target in pages and "text-align:center" in pages[target]  # a policy with its 文号
            assert re.search(r">政策文件</a>", pages[target]), (site.key, path)  # in its column
            assert len(body) >= 300, (site.key, path, len(body))
            assert re.search(r"[\u4e00-\u9fff]+〔\d{4}〕\d+号", body)
            assert "一是" in body and "二是" in body and "万元" in body and "%" in body
    assert weak_total == 2 and controls == 1


# -- site search ---------------------------------------------------------------------------

def search_url(base: str, site: SimSite, query: str, encoding: str | None = None) -> str:
    s = site.truth.search
    assert s is not None
    return urljoin(base, s.action) + "?" + urlencode({s.query_field: query}, encoding=encoding or s.charset)


def newest_article(site: SimSite, max_age: int | None = None, min_age: int = 0,
                   column: str = "工作动态") -> tuple[str, str]:
    """(title, path) of the newest article of ``column``'s first list page in the age range."""
    pages = html_pages(site)
    path = site.truth.columns[column].path
    for href, title in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', pages[path]):
        target = urlsplit(urljoin("http://h" + path, href)).path
        html = pages.get(target, "")
        mo = re.search(r"发布时间：(\d{4}-\d{2}-\d{2})", html)
        if not mo:
            continue
        age = (AS_OF - date.fromisoformat(mo.group(1))).days
        if age >= min_age and (max_age is None or age <= max_age):
            return title, target
    raise AssertionError(f"no article in {site.key}")


def test_every_site_but_one_has_a_search_form(demo_world: World) -> None:
    forms = {}
    for site in demo_world.sites:
        home = html_pages(site)["/"]
        s = site.truth.search
        assert s is not None
        if s.missing:
            assert "searchform" not in home and 'class="search"' not in home
            forms[site.key] = None
            continue
        mo = re.search(r'<form class="search" name="searchform" action="([^"]+)" method="(\w+)"', home)
        assert mo and urljoin("http://h/", mo.group(1)) == "http://h" + s.action
        assert f'name="{s.query_field}"' in home
        forms[site.key] = mo.group(2).upper()
    assert forms == {"huainan": "GET", "tja": "GET", "fengtai": "GET", "jyj": "POST", "wjw": None,
                     "fgw": "GET", "panji": "GET", "shouxian": "GET"}
    assert demo_world.site("tja").truth.search.charset == "gbk"


def test_search_finds_recent_articles_by_exact_title(demo_world: World, world_server) -> None:
    for key in ("huainan", "tja"):
        site = demo_world.site(key)
        base = world_server.base_urls[key]
        title, path = newest_article(site)
        status, body = fetch(search_url(base, site, title))
        text = body.decode(site.encoding)
        assert status == 200 and "共找到" in text
        first = re.search(r'<li><a href="([^"]+)"', text)
        assert first and urlsplit(urljoin(base + site.truth.search.action.lstrip("/"),
                                          first.group(1))).path == path, key


def test_gbk_site_decodes_the_query_as_gbk(demo_world: World, world_server) -> None:
    site = demo_world.site("tja")
    base = world_server.base_urls["tja"]
    title, _ = newest_article(site)
    _, as_gbk = fetch(search_url(base, site, title, "gbk"))
    _, as_utf8 = fetch(search_url(base, site, title, "utf-8"))
    assert "共找到" in as_gbk.decode("gbk")
    assert "没有找到" in as_utf8.decode("gbk")  # UTF-8 bytes read as GBK match nothing


def test_post_search(demo_world: World, world_server) -> None:
    site = demo_world.site("jyj")
    s = site.truth.search
    base = world_server.base_urls["jyj"]
    title, path = newest_article(site)
    data = urlencode({"siteid": "5", s.query_field: title}, encoding="gbk").encode()
    status, body = fetch(urljoin(base, s.action), data)
    text = body.decode("gbk")
    assert status == 200 and path.rsplit("/", 1)[1] in text
    _, empty = fetch(urljoin(base, s.action), urlencode({s.query_field: "govinspect对照词"},
                                                        encoding="gbk").encode())
    assert "没有找到" in empty.decode("gbk")


def test_stale_index_misses_the_last_30_days_only(demo_world: World, world_server) -> None:
    site = demo_world.site("fengtai")
    s = site.truth.search
    assert s.not_found and s.unindexed
    base = world_server.base_urls["fengtai"]
    recent, recent_path = newest_article(site, max_age=20)
    old, old_path = newest_article(site, min_age=40, column="通知公告")
    assert recent_path in s.unindexed and old_path not in s.unindexed
    assert recent_path not in fetch(search_url(base, site, recent))[1].decode()  # older namesakes may be
    assert old_path.rsplit("/", 1)[1] in fetch(search_url(base, site, old))[1].decode()
    for key in ("huainan", "tja", "jyj"):
        assert not demo_world.site(key).truth.search.not_found


def test_no_search_site_has_no_endpoint(demo_world: World, world_server) -> None:
    site = demo_world.site("wjw")
    assert site.truth.search.missing and not site.dynamic
    assert "searchform" not in html_pages(site)["/"]
    assert fetch(world_server.base_urls["wjw"] + "search/index.jsp")[0] == 404


def test_results_pages_are_not_static_resources(demo_world: World, world_server) -> None:
    for site in demo_world.sites:
        for action in site.dynamic:
            assert action not in site.resources
    base = world_server.base_urls["huainan"]
    assert fetch(base, b"q=x")[0] == 405  # static pages still refuse POST
    head = urllib.request.Request(base + "site/search/11588261?keywords=x", method="HEAD")
    with urllib.request.urlopen(head, timeout=5) as resp:
        assert resp.status == 200 and resp.read() == b""


# -- truth and evaluation ------------------------------------------------------------------

def test_feature_truth_is_json_ready(demo_world: World) -> None:
    doc = json.loads(json.dumps(demo_world.truth_dict()))
    assert doc["fengtai"]["search"]["not_found"] is True
    assert doc["wjw"]["search"]["missing"] is True
    assert doc["fengtai"]["interaction"]["no_stats"] is True
    assert {m["severity"] for m in doc["tja"]["interaction"]["unanswered"]} == {"deduct", "veto"}
    assert {"path", "element", "problem"} == set(doc["huainan"]["services"]["incomplete"][0])
    assert len(doc["jyj"]["policy"]["weak"]) == 1


def perfect_findings(site: SimSite, base: str) -> list[Finding]:
    """What an ideal scan reports for the issue-4 defects of ``site``."""
    t = site.truth
    url = base.rstrip("/")
    out = [Finding("service.guide_incomplete", "deduct", url + g.path, "", {"element": g.element,
                                                                             "problem": g.problem})
           for g in t.guides]
    out += [Finding("service.no_guide", "deduct", url + p, "", {"item": "x"}) for p in t.no_guide]
    out += [Finding("interaction.unanswered", m.severity, url + m.path, "",
                    {"received": m.received.isoformat(), "days": 30}) for m in t.unanswered]
    out += [Finding("interaction.reply_incomplete", "deduct", url + m.path, "",
                    {"missing": m.missing.split(",")}) for m in t.reply_incomplete]
    out += [Finding("policy.interpretation_weak", "deduct", url + p, "", {"reason": "no_link"})
            for p in t.weak_interpretations]
    if t.no_stats:
        out.append(Finding("interaction.no_stats", "deduct", url + (t.board or "/"), "", {}))
    if t.search and t.search.missing:
        out.append(Finding("search.missing", "deduct", base, "", {}))
    if t.search and t.search.not_found:
        out += [Finding("search.not_found", "deduct", base, "", {"query": q, "expected_url": None})
                for q in ("a", "b", "c")]
    return out


def fake_scan(world: World, extra: dict[str, list[Finding]]) -> tuple[ScanResult, dict[str, str]]:
    bases = {s.key: fake_base(s.key) for s in world.sites}
    result = ScanResult(as_of=AS_OF)
    for site in world.sites:
        findings = perfect_findings(site, bases[site.key]) + extra.get(site.key, [])
        result.sites.append(SiteResult(site.name, bases[site.key], "fail", False, 80.0, 100, findings))
    return result, bases


def test_evaluation_scores_perfect_feature_findings(demo_world: World) -> None:
    result, bases = fake_scan(demo_world, {})
    scores = evaluate(result, demo_world, bases, world_links(demo_world), codes=FEATURE_CODES)
    assert set(scores) == set(FEATURE_CODES)
    for code, s in scores.items():
        assert s.fp == s.fn == 0 and s.tp >= 1, (code, s.as_dict())
    assert scores["service.guide_incomplete"].tp == 7
    assert scores["search.not_found"].tp == 1  # once per site, however many queries missed


def test_evaluation_counts_misses_false_positives_and_ignores_notices(demo_world: World) -> None:
    base = "http://jyj.world"
    extra = {
        "jyj": [
            Finding("interaction.no_stats", "deduct", base + "/hdjl/ldxx/index.html", "", {}),
            Finding("search.not_found", "notice", base + "/", "", {"error": "timeout"}),
            Finding("service.guide_incomplete", "deduct", base + "/x.html", "",
                    {"element": "time", "problem": "vague"}),
        ],
    }
    result, bases = fake_scan(demo_world, extra)
    tja = next(s for s in result.sites if s.url == bases["tja"])
    tja.findings = [f for f in tja.findings if f.code != "interaction.unanswered" or f.severity != "veto"]
    scores = evaluate(result, demo_world, bases, world_links(demo_world), codes=FEATURE_CODES)
    assert scores["interaction.no_stats"].fp == 1 and scores["interaction.no_stats"].false == [
        "jyj interaction.no_stats"]
    assert scores["search.not_found"].fp == 0  # a notice says what could not be checked
    assert scores["service.guide_incomplete"].false == ["jyj /x.html time"]
    assert scores["interaction.unanswered"].fn == 1
    assert scores["interaction.unanswered"].misses[0].startswith("tja /hdjl/wszx/")
