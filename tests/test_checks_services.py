"""Service guides (service.no_guide, service.guide_incomplete) and the issue-4 fixture world's quality gate."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from selectolax.lexbor import LexborHTMLParser

from govinspect.checks import Context, run_checks, services
from govinspect.extract.columns import build_columns, categorize
from govinspect.extract.guides import KEY_ELEMENTS, guide_fields, is_guide, parse_guide_text
from govinspect.extract.html import extract_page
from govinspect.model import Column, Finding, Link, ListItem, Page, SiteEntry
from govinspect.rules import load_rules
from govinspect.snapshot import Snapshot

from .checks_support import AS_OF, HOME, SITE

FIXTURES = Path(__file__).parent / "fixtures" / "services"
TRUTH = yaml.safe_load((FIXTURES / "truth.yaml").read_text(encoding="utf-8"))


# --- the fixture world (truth.yaml) -------------------------------------------------------

def page_from(name: str, path: str) -> Page:
    url = HOME.rstrip("/") + path
    page = Page(url=url, final_url=url, status=200, content_type="text/html; charset=utf-8")
    extract_page(page, (FIXTURES / name).read_text(encoding="utf-8"), AS_OF)
    return page


def scenario_snapshot(spec: dict[str, Any], site: SiteEntry = SITE) -> Snapshot:
    """A crawled-looking snapshot of one truth.yaml scenario."""
    pages = {name: page_from(name, path) for name, path in spec["pages"].items()}
    lists = [p for p in pages.values() if p.items or p.empty_marker]
    home = Page(url=HOME, final_url=HOME, status=200, content_type="text/html",
                links=[Link(p.url, "", "a", True) for p in lists])
    snap = Snapshot(site, as_of=AS_OF)
    snap.add_page(home, home=True)
    for page in pages.values():
        snap.add_page(page)
    if spec["columns"] == "auto":
        snap.columns = build_columns(home, iter(lists), AS_OF)
    else:
        snap.columns = [
            Column(name, f"{HOME}{name}/", categorize(name),
                   [ListItem(pages[n].meta.get("ArticleTitle") or pages[n].title.split("_")[0], pages[n].url,
                             pages[n].pub_date) for n in names], len(names))
            for name, names in spec["columns"].items()
        ]
    return snap


def signature(f: Finding) -> str:
    """How truth.yaml names a finding."""
    ev = f.evidence
    if f.code == "service.guide_incomplete":
        return f"{f.code} {ev['element']} {ev['problem']}"
    if f.code == "interaction.unanswered":
        return f"{f.code} {f.severity}"
    if f.code == "interaction.reply_incomplete":
        return f"{f.code} {','.join(ev['missing'])}"
    if f.code == "policy.interpretation_weak":
        return f"{f.code} {ev['reason']}"
    return f.code


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    false: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    disputed: list[str] = field(default_factory=list)


def fixture_quality() -> dict[str, Score]:
    """Precision and recall per code over every truth.yaml scenario."""
    scores: dict[str, Score] = {}
    for name, spec in TRUTH["scenarios"].items():
        snap = scenario_snapshot(spec)
        ctx = Context(as_of=AS_OF, rules=load_rules(), site=SITE)
        found = Counter((f.url.replace(HOME.rstrip("/"), ""), signature(f))
                        for f in run_checks(snap, ctx, spec["checks"]) if f.code != "crawl.incomplete")
        expected = Counter((path, sig) for path, sigs in spec["expected"].items() for sig in sigs)
        disputed = {tuple(d) for d in spec.get("disputed", [])}
        for key in found | expected | Counter(disputed):
            score = scores.setdefault(key[1].split()[0], Score())
            hit = min(found[key], expected[key])
            score.tp += hit
            score.fp += found[key] - hit
            score.fn += expected[key] - hit
            if key in disputed:
                score.disputed.append(f"{name}: {key}" + ("" if found[key] > hit else " (no longer reported)"))
            elif found[key] > hit:
                score.false.append(f"{name}: {key}")
            if expected[key] > hit:
                score.missed.append(f"{name}: {key}")
    return scores


def quality_table(scores: dict[str, Score]) -> str:
    rows = ["| code | TP | FP | FN | precision | recall |", "|---|---|---|---|---|---|"]
    for code, s in sorted(scores.items()):
        p = s.tp / (s.tp + s.fp) if s.tp + s.fp else 1.0
        r = s.tp / (s.tp + s.fn) if s.tp + s.fn else 1.0
        rows.append(f"| `{code}` | {s.tp} | {s.fp} | {s.fn} | {p:.2f} | {r:.2f} |")
    return "\n".join(rows)


def test_fixture_world_precision_and_recall() -> None:
    scores = fixture_quality()
    assert set(scores) >= {"service.guide_incomplete", "service.no_guide", "interaction.unanswered",
                           "interaction.reply_incomplete", "interaction.no_stats", "policy.interpretation_weak"}
    problems = [m for s in scores.values() for m in s.false + s.missed]
    problems += [m for s in scores.values() for m in s.disputed if m.endswith("(no longer reported)")]
    assert not problems, quality_table(scores) + "\n" + "\n".join(problems)


# --- services on the fixture pages --------------------------------------------------------

def run(snap: Snapshot, site: SiteEntry = SITE) -> list[Finding]:
    return list(services.check(snap, Context(as_of=AS_OF, rules=load_rules(), site=site)))


def services_snapshot(**kw: Any) -> Snapshot:
    return scenario_snapshot(TRUTH["scenarios"]["services"], **kw)


def test_vague_table_guide_names_each_element_and_its_item() -> None:
    found = [f for f in run(services_snapshot()) if f.url.endswith("t20190703_96.html")]
    assert {f.evidence["element"] for f in found} == {"basis", "materials", "time", "phone", "review"}
    assert all(f.evidence["item"] == "临时救助审批" and f.evidence["problem"] == "vague" for f in found)
    basis = next(f for f in found if f.evidence["element"] == "basis")
    assert basis.message == "办事指南“临时救助审批”设定依据表述含糊: 未写明具体条款或文号"
    assert basis.evidence["value"] == "《社会救助暂行办法》"


def test_footer_phone_does_not_fill_a_missing_guide_phone() -> None:
    found = [f for f in run(services_snapshot()) if "art_35_881" in f.url]
    assert sorted(f.evidence["element"] for f in found) == ["location", "phone", "process", "time"]


@pytest.mark.parametrize("name", ["guide_table_ok.html", "guide_text_ok.html", "guide_tabs_ok.html"])
def test_complete_guides_in_three_layouts_are_clean(name: str) -> None:
    guide = parse_guide_text(page_from(name, "/x.html").text)
    assert set(KEY_ELEMENTS) <= guide.labels
    assert all(services.vagueness(e, guide.fields[e]) is None for e in KEY_ELEMENTS)


def test_notice_with_section_labels_is_not_a_guide() -> None:
    page = page_from("notice_labels.html", "/zwgk/tzgg/1.html")
    assert not is_guide(parse_guide_text(page.text), page.title)
    snap = scenario_snapshot({"pages": {"notice_labels.html": "/zwgk/tzgg/1.html"},
                              "columns": {"通知公告": ["notice_labels.html"]}})
    assert [f.code for f in run(snap)] == ["crawl.incomplete"]  # nothing to check, said so


def test_external_service_items_give_a_notice() -> None:
    snap = Snapshot(SITE, as_of=AS_OF)
    snap.add_page(Page(url=HOME, final_url=HOME, status=200, content_type="text/html"), home=True)
    snap.columns = [Column("办事事项", f"{HOME}bssx/", "other",
                           [ListItem("城镇排水许可", "http://www.ahzwfw.gov.cn/item/1", None)], 1)]
    found = run(snap)
    assert [(f.code, f.severity) for f in found] == [("crawl.incomplete", "notice")]
    assert "站外" in found[0].evidence["error"]


def text_page(path: str, text: str, title: str = "办事指南") -> Page:
    url = HOME.rstrip("/") + path
    return Page(url=url, final_url=url, status=200, content_type="text/html", title=title, text=text)


def snapshot_of(*pages: Page, columns: list[Column] | None = None) -> Snapshot:
    snap = Snapshot(SITE, as_of=AS_OF)
    snap.add_page(Page(url=HOME, final_url=HOME, status=200, content_type="text/html"), home=True)
    for page in pages:
        snap.add_page(page)
    snap.columns = columns or []
    return snap


THIN = "事项名称 {name} 申请条件 具有本县户籍 办理材料 1.申请表 2.身份证 办理流程 申请-审核-办结 办理时限 5个工作日"


def test_four_missing_elements_in_five_items_escalate_to_veto() -> None:
    pages = [text_page(f"/bsfw/{i}.html", THIN.format(name=f"事项{i}")) for i in range(5)]
    found = run(snapshot_of(*pages))
    missing = [f for f in found if f.evidence["problem"] == "missing"]
    # basis, location, time, phone of the seven; agency and fee also missing: 6 >= 4 of the ten
    assert len(missing) == 20 and {f.severity for f in missing} == {"veto"}
    assert set(missing[0].evidence["missing_elements"]) == {"basis", "location", "agency", "fee", "time", "phone"}
    assert missing[0].evidence["veto_rule"].startswith("U:")
    assert "达到单项否决标准" in missing[0].message


def test_four_items_stay_deductions() -> None:
    pages = [text_page(f"/bsfw/{i}.html", THIN.format(name=f"事项{i}")) for i in range(4)]
    assert {f.severity for f in run(snapshot_of(*pages))} == {"deduct"}


def test_veto_threshold_comes_from_the_rules() -> None:
    rules = load_rules()
    strict = rules.model_copy(update={"services": rules.services.model_copy(
        update={"veto": rules.services.veto.model_copy(update={"items": 2})})})
    pages = [text_page(f"/bsfw/{i}.html", THIN.format(name=f"事项{i}")) for i in range(2)]
    ctx = Context(as_of=AS_OF, rules=strict, site=SITE)
    assert {f.severity for f in services.check(snapshot_of(*pages), ctx)} == {"veto"}


def test_no_guide_text_anywhere_is_reported_with_the_item() -> None:
    page = text_page("/bsfw/x.html", "当前位置：首页 > 办事服务 城镇燃气经营许可 办事指南：暂无", title="城镇燃气经营许可_示例县人民政府")
    found = run(snapshot_of(page))
    assert [(f.code, f.evidence) for f in found] == [("service.no_guide", {"item": "城镇燃气经营许可"})]


def test_news_in_a_generic_service_column_is_not_a_service_item() -> None:
    news = text_page("/bmfw/1.html", "我县开展便民服务进社区活动 近日……", title="我县开展便民服务进社区活动")
    item = text_page("/bmfw/2.html", "残疾人证办理 请到窗口咨询", title="残疾人证办理")
    col = Column("便民服务", f"{HOME}bmfw/", "other",
                 [ListItem(news.title, news.url, None), ListItem(item.title, item.url, None)], 2)
    found = run(snapshot_of(news, item, columns=[col]))
    assert [(f.code, f.url) for f in found] == [("service.no_guide", item.url)]


def test_overrides_name_service_urls_and_extra_labels() -> None:
    page = text_page("/zwfw/show-9.html",
                     "事项名称 采矿许可 法规依据 《矿产资源法》第三条 申请条件 有资质 申请材料 申请书 办理地点 大厅 "
                     "受理时间 周一至周五 联系电话 0554-6612345 办理流程 受理-审批", title="采矿许可")
    plain = run(snapshot_of(page))
    assert {f.evidence.get("element") for f in plain} == {"basis"}  # 法规依据 is not a known label
    site = SiteEntry(name=SITE.name, url=SITE.url, overrides={"services": {
        "labels": {"basis": ["法规依据"]}, "item_url_contains": "/zwfw/show-"}})
    assert run(snapshot_of(page), site) == []


@dataclass(slots=True)
class GuidePage(Page):
    """A page with the field the engine fills from extract.guides.guide_fields."""

    guide: dict[str, str] = field(default_factory=dict)


def test_guide_stored_at_crawl_time_is_preferred() -> None:
    url = HOME + "bsfw/9.html"
    page = GuidePage(url=url, final_url=url, status=200, content_type="text/html", title="某事项办事指南",
                     text="（正文由脚本生成）", guide={"name": "某事项", "basis": "《某条例》第五条", "conditions": "有户籍",
                                                 "materials": "申请书", "location": "大厅", "time": "工作日",
                                                 "phone": "12345", "process": "受理-办结"})
    snap = snapshot_of(page)
    assert services._guide_of(snap.page(url), None).fields["basis"] == "《某条例》第五条"  # type: ignore[arg-type]
    assert run(snap) == []


# --- the tree reader (crawl time) ---------------------------------------------------------

@pytest.mark.parametrize(("name", "elements"), [
    ("guide_table_ok.html", {"name", "agency", "basis", "conditions", "materials", "location", "time", "phone",
                             "process", "deadline", "fee", "review"}),
    ("guide_dl_missing.html", {"name", "basis", "conditions", "materials", "deadline", "fee"}),
    ("guide_tabs_ok.html", {"name", "agency", "basis", "location", "time", "phone", "conditions", "materials",
                            "process", "fee"}),
    ("item_bare.html", set()),
    ("notice_labels.html", set()),
])
def test_guide_fields_from_the_tree(name: str, elements: set[str]) -> None:
    html = (FIXTURES / name).read_text(encoding="utf-8")
    page = page_from(name, "/x.html")
    fields = guide_fields(LexborHTMLParser(html), page)
    assert set(fields) == elements
    if "phone" in fields:
        assert "6612345" not in fields["phone"]  # never the footer's number


def test_guide_fields_with_a_root_selector_and_never_raises() -> None:
    html = ("<div id='g'><p><b>设定依据</b><span>《某条例》第五条</span></p><p><b>申请条件</b><span>有户籍</span></p>"
            "<p><b>办理材料</b><span>申请书</span></p><p><b>办理地点</b><span>大厅</span></p></div>"
            "<div id='side'><b>联系电话</b><span>0554-1</span></div>")
    page = Page(url=HOME, title="某事项办事指南")
    fields = guide_fields(LexborHTMLParser(html), page, {"selectors": {"guide_root": "#g"}})
    assert fields == {"basis": "《某条例》第五条", "conditions": "有户籍", "materials": "申请书", "location": "大厅"}
    assert guide_fields(None, page) == {}  # type: ignore[arg-type]


# --- vagueness rules ----------------------------------------------------------------------

@pytest.mark.parametrize(("element", "value", "vague"), [
    ("basis", "《中华人民共和国行政许可法》第十二条", False),
    ("basis", "《国务院对确需保留的行政审批项目设定行政许可的决定》（国务院令第412号）附件第107项", False),
    ("basis", "《中华人民共和国行政许可法》", True),
    ("basis", "依据有关法律法规", True),
    ("basis", "《社会救助暂行办法》（国务院令第649号）", False),  # issue 8: the 文号 makes it specific
    ("basis", "《安徽省最低生活保障办法》（皖政〔2019〕57号）", False),
    ("basis", "中华人民共和国行政许可法第十二条", False),
    ("basis", "根据相关法律法规和有关规定", True),
    ("basis", "国家政策", True),
    ("basis", "按照省有关文件规定", True),
    ("time", "周一至周五 上午8:30-12:00", False),
    ("time", "法定工作日", False),
    ("time", "工作日9:00-17:00（节假日除外）", False),
    ("time", "按规定时间办理", True),
    ("time", "及时办理", True),
    ("materials", "1.申请书 2.身份证", False),
    ("materials", "1.申请书 2.身份证 3.其他材料", True),
    ("materials", "身份证、户口簿等材料。", True),
    ("materials", "申请书及相关材料", True),
    ("materials", "申请书；不得要求申请人提交其他材料", False),
    ("phone", "0554-6612345", False),
    ("phone", "（0554）6612345", False),
    ("phone", "12345", False),
    ("phone", "13905540000", False),
    ("phone", "详见窗口公示", True),
    ("review", "符合条件的予以批准", True),
    ("review", "符合法定条件的，准予许可", True),
    ("review", "申请材料齐全，家庭人均收入低于最低生活保障标准", False),
    ("conditions", "符合相关规定", True),
    ("conditions", "具有本县户籍且年满18周岁", False),
    ("location", "县政务服务中心", False),
])
def test_vagueness(element: str, value: str, vague: bool) -> None:
    assert (services.vagueness(element, value) is not None) is vague


def test_item_page_pointing_to_its_guide_elsewhere_is_not_missing_one() -> None:
    page = text_page("/bssx/1.html", "再生育审批 实施主体：县卫健委 点击查看办事指南 在线办理", title="再生育审批")
    page.links = [Link("http://www.ahzwfw.gov.cn/guide.html?id=1", "点击查看办事指南")]
    col = Column("办事事项", f"{HOME}bssx/", "other", [ListItem("再生育审批", page.url, None)], 1)
    assert [f.code for f in run(snapshot_of(page, columns=[col]))] == ["crawl.incomplete"]


def test_findings_are_capped_vetoes_first() -> None:
    rules = load_rules()
    capped = rules.model_copy(update={"services": rules.services.model_copy(update={"max_findings": 3})})
    pages = [text_page(f"/bsfw/{i}.html", THIN.format(name=f"事项{i}")) for i in range(5)]
    pages.append(text_page("/bsfw/x.html", "城镇燃气经营许可 办事指南：暂无", title="城镇燃气经营许可"))
    found = list(services.check(snapshot_of(*pages), Context(as_of=AS_OF, rules=capped, site=SITE)))
    assert [f.severity for f in found] == ["veto", "veto", "veto", "notice"]
    assert found[-1].evidence["omitted"] == 18


def test_shared_page_pass_gives_the_same_findings_as_each_check_alone() -> None:
    from govinspect.checks import interaction, policy

    spec = TRUTH["scenarios"]["boards"]
    snap = scenario_snapshot({**spec, "pages": {**spec["pages"], **TRUTH["scenarios"]["interpretations"]["pages"]}})
    ctx = Context(as_of=AS_OF, rules=load_rules(), site=SITE)
    together = run_checks(snap, ctx, ["services", "interaction", "policy"])
    alone = [*services.check(snap, ctx), *interaction.check(snap, ctx), *policy.check(snap, ctx)]
    assert [f.to_dict() for f in together] == [f.to_dict() for f in alone]
    assert {f.code.split(".")[0] for f in together} >= {"interaction", "policy"}


# --- issue 8: service item lists (tables, card grids, ul lists) ------------------------------

@pytest.mark.parametrize(("name", "source", "rows"), [
    ("list_table.html", "table", 4), ("list_cards.html", "buttons", 3), ("list_ul.html", "list", 4),
    ("list_script.html", "buttons", 3), ("list_catalogue.html", "table", 3),
])
def test_service_rows_in_each_layout(name: str, source: str, rows: int) -> None:
    found = page_from(name, "/bsfw/x/").services
    assert len(found) == rows and {r["source"] for r in found} == {source}
    assert all(len(r["name"]) >= 4 and "办事指南" not in r["name"] for r in found)


def test_script_guides_are_noted_not_missing() -> None:
    rows = page_from("list_script.html", "/bsfw/bmfw/").services
    assert {lk["state"] for r in rows for lk in r["links"]} == {"script"}


@pytest.mark.parametrize("name", ["guide_table_ok.html", "guide_tabs_ok.html", "item_bare.html", "notice_labels.html",
                                  "guide_text_ok.html", "news_mentions.html"])
def test_guides_menus_and_toolbars_are_no_service_lists(name: str) -> None:
    """A guide's label table, its 在线办理 toolbar and the site's menus make no item rows."""
    assert page_from(name, "/bsfw/x/").services == []


def test_menu_with_online_entry_makes_no_rows() -> None:
    html = ('<html><body><ul class="menu"><li><a href="/bs/">在线办理</a></li><li><a href="/zx/">在线咨询</a></li>'
            '<li><a href="/fw/">服务机构</a></li></ul><div class="side"><a href="/bszn/">办事指南</a>'
            '<a href="/hd/">互动交流平台</a></div></body></html>')
    page = Page(url=f"{HOME}index.html", final_url=f"{HOME}index.html", status=200, content_type="text/html")
    extract_page(page, html, AS_OF)
    assert page.services == []


def html_page(path: str, body: str, title: str) -> Page:
    url = HOME.rstrip("/") + path
    page = Page(url=url, final_url=url, status=200, content_type="text/html; charset=utf-8")
    extract_page(page, f"<html><head><title>{title}</title></head><body>{body}</body></html>", AS_OF)
    return page


def test_powers_without_guides_and_online_only_items_are_not_missing_guides() -> None:
    """A 权责清单 links its licences but not its penalties; cards whose only link is 在线办理 lead to a login."""
    table = html_page("/zwgk/qzqd/", (
        "<table><tr><th>序号</th><th>事项名称</th><th>事项类型</th><th>操作</th></tr>"
        '<tr><td>1</td><td>建设工程规划许可证核发</td><td>行政许可</td><td><a href="/bszn/1.html">办事指南</a></td></tr>'
        '<tr><td>2</td><td>乡村建设规划许可证核发</td><td>行政许可</td><td><a href="/bszn/2.html">办事指南</a></td></tr>'
        "<tr><td>3</td><td>对违反城乡规划行为的行政处罚</td><td>行政处罚</td><td></td></tr>"
        "<tr><td>4</td><td>对建设工程规划的监督检查</td><td>行政检查</td><td></td></tr></table>"), "权责清单_示例县人民政府")
    cards = html_page("/bsfw/rdfw/", "".join(
        f'<div class="card"><h4>{name}</h4><p>办理部门：县政务服务中心</p><a class="btn" href="/yhzx/login.html?to={i}">在线办理</a></div>'
        for i, name in enumerate(["企业开办一件事办理", "新生儿出生一件事办理", "不动产登记一件事办理"])), "热点服务_示例县人民政府")
    login = html_page("/yhzx/login.html?to=0", "<p>请输入用户名和密码登录</p>", "用户登录_示例县人民政府")
    guides = [text_page(f"/bszn/{i}.html", THIN.format(name=n)) for i, n in ((1, "建设工程规划许可证核发"), (2, "乡村建设规划许可证核发"))]
    assert len(cards.services) == 3 and len(table.services) == 4
    found = run(snapshot_of(table, cards, login, *guides))
    assert [f for f in found if f.code == "service.no_guide"] == []


def test_item_page_with_side_lists_is_still_judged() -> None:
    """An item page with a 常用事项 box is the item's page; a short category hub stays a hub."""
    side = "".join(f'<li><a href="/bsfw/bssx/{i}.html">{n}</a></li>' for i, n in enumerate(
        ["城乡居民最低生活保障审批", "特困人员救助供养审批", "临时救助审批", "残疾人两项补贴资格认定"]))
    item = html_page("/bsfw/bssx/9.html", f'<h1>高龄老人津贴申请</h1><p>本事项由县民政局受理。</p><div class="side"><h3>常用事项</h3><ul>{side}</ul></div>',
                     "高龄老人津贴申请_示例县人民政府")
    hub = html_page("/bsfw/hjbl/", f'<h1>户籍办理</h1><ul>{side}</ul>', "户籍办理_示例县人民政府")
    assert item.items and hub.items
    col = Column("办事事项", f"{HOME}bsfw/", "other",
                 [ListItem("高龄老人津贴申请", item.url, None), ListItem("户籍办理", hub.url, None)], 2)
    found = [f for f in run(snapshot_of(item, hub, columns=[col])) if f.code == "service.no_guide"]
    assert [f.url for f in found] == [item.url]


def test_drop_down_menus_with_a_guide_entry_make_no_rows() -> None:
    menus = "".join(
        f'<div id="child_menu{k}">' + "".join(f'<div class="item"><a href="/{k}/{i}.html">{t}</a></div>'
                                             for i, t in enumerate(entries)) + "</div>"
        for k, entries in enumerate([["外事新闻", "交流信息", "合作项目", "办事指南", "交流简报"],
                                     ["院友新闻", "院友风采", "在线办理", "联系我们"]]))
    page = html_page("/index.html", f'<div class="menus">{menus}</div>', "首页_示例县人民政府")
    assert page.services == []


def test_item_table_inside_a_layout_table_is_read_once() -> None:
    inner = ("<table><tr><th>事项名称</th><th>办理部门</th><th>操作</th></tr>"
             '<tr><td><a href="/bszn/1.html">城乡居民最低生活保障审批</a></td><td>县民政局</td><td><a href="/bszn/1.html">办事指南</a></td></tr>'
             "<tr><td>特困人员救助供养审批</td><td>县民政局</td><td></td></tr></table>")
    page = html_page("/bsfw/", f'<table width="1000"><tr><td class="left">导航</td><td class="main">{inner}</td></tr></table>',
                     "办事事项_示例县人民政府")
    assert [(r["name"], r["source"]) for r in page.services] == [
        ("城乡居民最低生活保障审批", "table"), ("特困人员救助供养审批", "table")]


def test_item_pages_a_script_fills_are_a_notice_not_a_missing_guide() -> None:
    """A 政务服务网-style single-page shell shows only the site frame: the guide was not seen, not absent."""
    shell_body = '<div class="nav"><a href="/">首页</a></div><div id="app"></div><script src="/zwfw/app.js"></script>'
    shell = html_page("/bsfw/bssx/item.html?id=7", shell_body, "城乡居民最低生活保障审批_示例县人民政府")
    row_shell = html_page("/bsfw/qybs/item.html?id=8", shell_body, "食品经营许可证核发_示例县人民政府")
    cards = html_page("/bsfw/qybs/", "".join(
        f'<div class="card"><h4>{n}</h4><a href="/bsfw/qybs/item.html?id={i}">办事指南</a><a href="http://zwfw.example.cn/{i}">在线办理</a></div>'
        for i, n in ((8, "食品经营许可证核发"), (9, "药品经营许可证核发"))), "企业办事_示例县人民政府")
    col = Column("办事事项", f"{HOME}bsfw/bssx/", "other", [ListItem("城乡居民最低生活保障审批", shell.url, None)], 1)
    found = run(snapshot_of(cards, shell, row_shell, columns=[col]))
    assert [f.code for f in found if f.code == "service.no_guide"] == []
    [notice] = [f for f in found if f.evidence.get("error", "").startswith("事项页面未显示")]
    assert notice.severity == "notice" and set(notice.evidence["pages"]) == {shell.url, row_shell.url}
