"""Policy interpretations (policy.interpretation_weak) on saved interpretation pages and hand-built ones."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from govinspect.checks import Context, policy
from govinspect.extract.dates import normalize
from govinspect.extract.html import extract_page
from govinspect.model import Column, Finding, Link, ListItem, Page
from govinspect.rules import load_rules
from govinspect.snapshot import Snapshot

from .checks_support import AS_OF, HOME, SITE

FIXTURES = Path(__file__).parent / "fixtures" / "services"
PAGES = {
    "policy_doc.html": "zwgk/zcwj/201909/t20190916_3001.html",
    "reading_linked.html": "zwgk/zcjd/201909/t20190918_3010.html",
    "reading_content.html": "zwgk/zcjd/201909/t20190925_3020.html",
    "reading_short.html": "zwgk/zcjd/201909/t20190910_2990.html",
    "reading_generic.html": "zwgk/zcjd/201908/t20190828_2970.html",
    "reading_cited.html": "zwgk/zcjd/201907/t20190730_2900.html",
    "reading_graphic.html": "zwgk/zcjd/201903/t20190305_2100.html",
    "news_mentions.html": "zwdt/201910/t20191015_5100.html",
}


def page_from(name: str) -> Page:
    url = HOME + PAGES[name]
    page = Page(url=url, final_url=url, status=200, content_type="text/html; charset=utf-8")
    extract_page(page, (FIXTURES / name).read_text(encoding="utf-8"), AS_OF)
    return page


def site(*names: str, columns: bool = True, extra: list[Page] | None = None) -> Snapshot:
    snap = Snapshot(SITE, as_of=AS_OF)
    snap.add_page(Page(url=HOME, final_url=HOME, status=200, content_type="text/html"), home=True)
    pages = [page_from(n) for n in names] + (extra or [])
    for page in pages:
        snap.add_page(page)
    if columns:
        def col(name: str, category: str, part: str) -> Column:
            its = [ListItem(p.meta.get("ArticleTitle", ""), p.url, p.pub_date) for p in pages if f"/{part}/" in p.url]
            return Column(name, f"{HOME}zwgk/{part}/", category, its, len(its))
        snap.columns = [col("政策文件", "policy", "zcwj"), col("政策解读", "policy", "zcjd"), col("政务动态", "news", "zwdt")]
    return snap


def run(snap: Snapshot, **rules: Any) -> list[Finding]:
    base = load_rules()
    if rules:
        base = base.model_copy(update={"policy": base.policy.model_copy(update=rules)})
    return list(policy.check(snap, Context(as_of=AS_OF, rules=base, site=SITE)))


def weak(findings: list[Finding]) -> dict[str, str]:
    return {f.url.replace(HOME, ""): f.evidence["reason"] for f in findings}


ALL = list(PAGES)


def test_weak_interpretations_and_their_reasons() -> None:
    found = run(site(*ALL))
    assert weak(found) == {
        PAGES["reading_short.html"]: "no_link+too_short",
        PAGES["reading_generic.html"]: "no_link+no_measures",
        PAGES["reading_cited.html"]: "no_link+too_short",
    }
    assert {f.severity for f in found} == {"deduct"}
    cited = next(f for f in found if "2900" in f.url)
    assert cited.evidence["cited"] and "仅写明文件名称和文号，未提供链接" in cited.message
    short = next(f for f in found if "2990" in f.url)
    assert short.message.startswith("政策解读“《示例县农村公路养护管理办法》解读”未关联政策原文，正文仅")


def test_both_mode_also_flags_unlinked_but_explained_pages() -> None:
    findings = run(site(*ALL), pass_when="both")
    found = weak(findings)
    assert found[PAGES["reading_content.html"]] == "no_link"
    assert PAGES["reading_linked.html"] not in found
    # a linked graphic interpretation: its pictures may explain what its text does not
    graphic = next(f for f in findings if f.url.endswith(PAGES["reading_graphic.html"]))
    assert (graphic.severity, graphic.evidence["reason"]) == ("notice", "graphic")


def test_linked_reading_measures_and_body() -> None:
    snap = site(*ALL)
    page = snap.page(HOME + PAGES["reading_linked.html"])
    siblings = [normalize(page_from("reading_short.html").text)]
    assert page is not None
    judged = policy.judge(page, siblings, {HOME + PAGES["policy_doc.html"]}, set())
    assert judged.linked and judged.cited and judged.chars > 300
    assert set(judged.measures) == {"points", "amounts", "percentages", "dates"}
    body = policy.body_text(page, siblings, policy.article_title(page))
    assert body.startswith("近日") and "主办单位" not in body and "相关阅读" not in body


def test_body_without_siblings_still_drops_menus_and_footer() -> None:
    page = page_from("reading_short.html")
    body = policy.body_text(page, [], policy.article_title(page))
    assert body.startswith("为加强农村公路养护管理") and body.endswith("抓好贯彻落实。")


def test_related_reading_links_are_not_links_to_the_policy() -> None:
    page = page_from("reading_short.html")
    assert any("政策解读" in link.text for link in page.links)  # the 相关阅读 box
    assert not policy.judge(page, [], set(), set()).linked


def test_original_introduced_by_text_counts_as_a_link() -> None:
    judged = policy.judge(page_from("reading_graphic.html"), [], set(), set())
    assert judged.linked and judged.graphic


def test_graphic_reading_without_a_link_is_a_notice() -> None:
    url = HOME + "zwgk/zcjd/1.html"
    page = Page(url=url, final_url=url, status=200, content_type="text/html", title="一图读懂《某方案》_示例县人民政府",
                text="一图读懂《某方案》 发布时间：2019-09-01", links=[Link(HOME + "zwgk/zcjd/W1.jpg", "", "img")])
    found = run(site(extra=[page], columns=False))
    assert [(f.severity, f.evidence["reason"]) for f in found] == [("notice", "no_link+graphic")]
    assert found[0].evidence["error"]


@pytest.mark.parametrize("name", ["policy_doc.html", "news_mentions.html"])
def test_pages_that_are_not_interpretations_are_never_judged(name: str) -> None:
    assert run(site(name, columns=False)) == []


@pytest.mark.parametrize(("title", "reading"), [
    ("《示例县停车管理办法》政策解读", True), ("解读：2019年医保政策调整", True), ("一图读懂政府工作报告", True),
    ("图解：减税降费", True), ("县发改委负责人就《若干政策》答记者问", True), ("关于《实施意见》的解读", True),
    ("县政府召开常务会议", False), ("关于印发《停车管理办法》的通知", False),
])
def test_interpretation_titles(title: str, reading: bool) -> None:
    page = Page(url=HOME + "x.html", title=f"{title}_示例县人民政府")
    assert policy._is_reading(page) is reading


@pytest.mark.parametrize(("body", "kinds"), [
    ("一是降低成本；二是支持融资。", {"points"}),
    ("（一）提高标准（二）降低门槛", {"points"}),
    ("县财政安排2000万元", {"amounts"}),
    ("报销比例提高到60%", {"percentages"}),
    ("自2019年10月1日起施行，有效期至2021年12月31日", {"dates"}),
    ("到2020年基本建成", {"dates"}),
    ("要提高站位，压实责任，形成合力。", set()),
])
def test_measures(body: str, kinds: set[str]) -> None:
    assert set(policy.measures(body)) == kinds


def test_findings_are_capped() -> None:
    pages = []
    for i in range(5):
        url = f"{HOME}zwgk/zcjd/{i}.html"
        pages.append(Page(url=url, final_url=url, status=200, content_type="text/html",
                          title=f"《办法{i}》解读_示例县人民政府", text=f"《办法{i}》解读 该办法很重要。"))
    assert len(run(site(extra=pages, columns=False), max_findings=3)) == 3


DENSE = ("问：补贴标准是多少？答：困难残疾人生活补贴每人每月70元，一级重度残疾人护理补贴每人每月80元。"
         "问：何时执行？答：自2019年1月1日起执行，全县约3200名残疾人受益，受益面扩大15%。")


def test_short_dense_interpretation_explains_unless_the_rule_is_off() -> None:
    url = HOME + "zwgk/zcjd/9.html"
    page = Page(url=url, final_url=url, status=200, content_type="text/html", title="《补贴办法》答记者问_示例县人民政府",
                text=f"《补贴办法》答记者问 发布日期：2019-07-05 {DENSE * 2}")
    assert run(site(extra=[page], columns=False)) == []
    assert weak(run(site(extra=[page], columns=False), dense_min_chars=None)) == {"zwgk/zcjd/9.html": "no_link+too_short"}


# --- issue 8: naming and linking the policy, spelled-out measures -----------------------------

SHORT = ("《示例县促进农村电商发展若干措施》已印发实施。为便于理解，现解读如下。"
         "该措施由县商务局牵头制定，请各乡镇认真贯彻落实。")


def reading(text: str, links: list[Link], title: str = "《示例县促进农村电商发展若干措施》解读") -> Page:
    url = HOME + "zwgk/zcjd/201910/t20191010_3200.html"
    return Page(url=url, final_url=url, status=200, content_type="text/html", title=f"{title}_示例县人民政府",
                text=f"{title} 发布时间：2019-10-10 {text} 【打印本页】 【关闭窗口】", links=links)


@pytest.mark.parametrize("link", [
    Link(HOME + "zwgk/xxgk/201910/t20191008_77.html", "示例县促进农村电商发展若干措施"),
    Link(HOME + "zwgk/xxgk/201910/t20191008_77.html", "示例县人民政府办公室关于印发示例县促进农村电商发展若干措施的通知"),
    Link(HOME + "zwgk/xxgk/201910/t20191008_77.html", "《示例县促进农村电商发展若干措施》"),
    Link(HOME + "zwgk/xxgk/201910/t20191008_77.html", "示例县促进农村电商发展若干措施", in_nav=True),  # a related-files box
])
def test_interpretation_naming_and_linking_its_policy_is_not_weak(link: Link) -> None:
    assert run(site(extra=[reading(SHORT, [link])], columns=False)) == []


def test_link_to_a_crawled_page_titled_as_the_policy_counts() -> None:
    doc_url = HOME + "zwgk/xxgk/201910/t20191008_77.html"
    doc = Page(url=doc_url, final_url=doc_url, status=200, content_type="text/html",
               title="示例县人民政府办公室关于印发示例县促进农村电商发展若干措施的通知_示例县人民政府", text="正文")
    page = reading(SHORT, [Link(doc_url, "点这里")])
    assert run(site(extra=[doc, page], columns=False)) == []


def test_menus_and_news_about_the_policy_are_not_links_to_it() -> None:
    news_url = HOME + "zwdt/201910/t20191009_5200.html"
    news = Page(url=news_url, final_url=news_url, status=200, content_type="text/html",
                title="我县召开会议部署落实《示例县促进农村电商发展若干措施》各项工作_示例县人民政府", text="正文")
    page = reading(SHORT, [Link(news_url, "相关新闻"), Link(HOME + "zwgk/", "政务公开", in_nav=True)])
    [f] = run(site(extra=[news, page], columns=False))
    assert f.evidence["reason"].startswith("no_link")


def test_enumerated_measures_explain_a_short_interpretation() -> None:
    body = ("《示例县促进农村电商发展若干措施》明确了三方面措施。（1）支持电商服务站点建设，对新建村级站点给予补助；"
            "（2）支持农产品上行，对销售本地农产品的网店给予奖励；（3）加强人才培训，每年组织电商技能培训。"
            "措施自印发之日起施行，有效期三年，由县商务局负责解释，各乡镇、各有关部门要结合实际抓好落实，确保取得实效，让更多群众受益。")
    assert run(site(extra=[reading(body, [])], columns=False)) == []
    assert policy.points(body) == 3


def test_a_short_unlinked_interpretation_without_measures_stays_weak() -> None:
    [f] = run(site(extra=[reading(SHORT, [])], columns=False))
    assert f.evidence["reason"] == "no_link+too_short" and f.severity == "deduct"


def test_the_site_name_inside_the_policy_name_is_no_link_to_it() -> None:
    """淮南市人民政府 (logo, breadcrumb) is part of 淮南市人民政府关于…的意见 but links home."""
    title = "关于《示例县人民政府关于进一步加强政务公开工作的意见》的解读"
    page = reading(SHORT.replace("示例县促进农村电商发展若干措施", "示例县人民政府关于进一步加强政务公开工作的意见"),
                   [Link(HOME, "示例县人民政府", in_nav=True), Link(HOME + "zwgk/", "示例县人民政府信息公开", in_nav=True)],
                   title=title)
    [f] = run(site(extra=[page], columns=False))
    assert f.evidence["reason"].startswith("no_link")
