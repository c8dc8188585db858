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
