"""privacy.leak on hand-built snapshots: pages and attachments, masked evidence, unread attachments as notices."""

from __future__ import annotations

import json

from govinspect.checks import load_check, privacy, run_checks
from govinspect.extract.attachments import AttachmentError, attachment_text
from govinspect.model import Finding, Page

from .checks_support import HOME, ctx, snapshot
from .test_extract_attachments import ROWS, docx_bytes, pdf_bytes, xlsx_bytes
from .test_pii import CARD, CONTACT, DIBAO, ID, ID_X, PHONE

FULL_NUMBERS = (ID, ID_X, "340402197511240829", PHONE, "15955412345", "159 5541 2345", "18655412345", CARD)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def page(path: str, text: str, content_type: str = "text/html", **kw: object) -> Page:
    url = f"{HOME}{path}"
    return Page(url=url, final_url=url, status=kw.pop("status", 200), content_type=content_type, text=text, **kw)


def attachment(path: str, data: bytes, content_type: str) -> Page:
    """An attachment stored the way the crawl stores one: extracted text, or the reason it failed."""
    try:
        return page(path, attachment_text(data, path, content_type), content_type)
    except AttachmentError as exc:
        return page(path, "", content_type, error="attachment", error_detail=str(exc))


def run(*pages: Page) -> list[Finding]:
    return list(privacy.check(snapshot(pages=list(pages)), ctx()))


def by_key(findings: list[Finding]) -> dict[tuple[str, str | None], Finding]:
    return {(f.url or "", f.evidence.get("kind")): f for f in findings}


def assert_no_full_number(findings: list[Finding]) -> None:
    dumped = json.dumps([f.to_dict() for f in findings], ensure_ascii=False)
    for number in FULL_NUMBERS:
        assert number not in dumped


def test_dibao_list_page_leaks_ids_and_phones() -> None:
    findings = run(page("mzj/gsgg/201910/t20191008_1.html", DIBAO))
    found = by_key(findings)
    url = f"{HOME}mzj/gsgg/201910/t20191008_1.html"
    ids, phones = found[(url, "id_card")], found[(url, "phone")]
    assert len(findings) == 2 and all(f.severity == "veto" and f.code == "privacy.leak" for f in findings)
    assert ids.evidence == {
        "kind": "id_card", "count": 3, "attachment": False,
        "sample": ["340403********2516", "110105********002X", "340402********0829"],
    }
    assert ids.message == "页面泄露公民身份证号码 3 处(已脱敏: 340403********2516 …)"
    assert phones.evidence["count"] == 3 and phones.evidence["sample"][0] == "138****1234"
    assert_no_full_number(findings)


def test_contact_page_is_not_a_leak() -> None:
    assert run(page("lxwm/index.html", CONTACT)) == []


def test_one_number_once_is_reported_without_ellipsis() -> None:
    [f] = run(page("a.html", f"银行卡号：{CARD}"))
    assert f.message == "页面泄露银行卡号 1 处(已脱敏: 6222 **** **** 0128)"
    assert f.evidence["sample"] == ["6222 **** **** 0128"]


def test_repeated_numbers_count_every_place_but_sample_once() -> None:
    [f] = run(page("a.html", f"身份证 {ID}，再次核对 {ID}。"))
    assert f.evidence["count"] == 2 and f.evidence["sample"] == ["340403********2516"]


def test_attachments_of_every_kind() -> None:
    xlsx = attachment("gs/名单.xlsx", xlsx_bytes(ROWS), XLSX)
    docx = attachment("gs/公示.docx", docx_bytes([f"开户账号 {CARD}"], ROWS), "application/msword")
    pdf = attachment("gs/公示.pdf", pdf_bytes([f"张某某 {ID}"]), "application/pdf")
    findings = run(xlsx, docx, pdf)
    found = by_key(findings)
    assert set(found) == {
        (xlsx.url, "id_card"), (xlsx.url, "phone"),
        (docx.url, "id_card"), (docx.url, "phone"), (docx.url, "bank_card"),
        (pdf.url, "id_card"),
    }
    assert all(f.evidence["attachment"] is True and f.message.startswith("附件泄露") for f in findings)
    assert found[(xlsx.url, "id_card")].evidence["sample"] == ["340403********2516", "340402********0829"]
    assert_no_full_number(findings)


def test_unread_attachment_is_a_notice() -> None:
    data = xlsx_bytes(ROWS)
    broken = attachment("gs/名单.xlsx", data[: len(data) // 2], XLSX)
    [f] = run(broken)
    assert (f.code, f.severity, f.url) == ("privacy.leak", "notice", broken.url)
    assert f.evidence["error"] == "文件已损坏或不完整，无法读取" and f.evidence["attachment"] is True
    assert "未能检查" in f.message


def test_fetch_failures_and_images_are_left_to_other_checks() -> None:
    assert run(
        page("gs/a.pdf", "", "application/pdf", status=None, error="timeout"),
        page("gs/b.xls", "", "text/html", status=404),
        page("img/logo.png", "", "image/png", error="binary"),
        page("gs/c.doc", "", "application/msword", status=404, error="attachment"),
    ) == []


def test_unreadable_html_page_is_a_notice() -> None:
    [f] = run(page("big.html", "", error="too_large", error_detail="超过 5 MB"))
    assert f.severity == "notice" and f.evidence == {
        "error": "超过 5 MB", "attachment": False, "content_type": "text/html",
    }


def test_a_number_in_the_url_is_masked() -> None:
    p = page(f"cx/result.jsp?sfzh={ID}", f"查询结果：张某某 {ID}")
    [f] = run(p)
    assert f.url == f"{HOME}cx/result.jsp?sfzh=340403********2516"
    assert_no_full_number([f])


def test_birth_dates_count_up_to_the_inspection_date() -> None:
    from govinspect.checks.pii import id_check_char

    born_later = "34040320191025251"  # after 2019-10-20, the inspection date of ctx()
    assert run(page("a.html", f"身份证 {born_later}{id_check_char(born_later)}")) == []


def test_loaded_and_run_by_name() -> None:
    snap = snapshot(pages=[page("a.html", f"身份证 {ID}")])
    assert load_check("privacy") is privacy.check
    [f] = run_checks(snap, ctx(), ["privacy"])
    assert f.code == "privacy.leak" and f.evidence["kind"] == "id_card"


def test_procurement_notice_and_footer_codes_are_not_leaks() -> None:
    from .test_pii import PROCUREMENT

    footer = "主办单位：示例市人民政府办公室 网站标识码：3404000001 皖ICP备05001234号-1 冀公网安备 13010202000 123号"
    assert run(page("tzgg/201910/t20191008_2.html", PROCUREMENT), page("include/foot.html", footer)) == []


def test_real_roster_next_to_a_procurement_notice_is_still_found() -> None:
    from .test_pii import PROCUREMENT

    findings = run(page("tzgg/201910/t20191008_3.html", f"{PROCUREMENT}\n{DIBAO}"))
    assert {f.evidence["kind"] for f in findings} == {"id_card", "phone"}
    assert all(f.severity == "veto" for f in findings)


def test_fixture_world_controls_are_rendered_and_clean() -> None:
    """The demo world's 采购公告 and script footers are in its truth notes and carry no leak."""
    from datetime import date

    from govinspect.checks.pii import scan_text
    from govinspect.demo.world import build_world
    from govinspect.extract.html import extract_page

    world = build_world(date(2019, 10, 20), scale=0.3)
    wjw = world.site("wjw")
    notes = wjw.truth.notes
    [notice] = [p for p, n in notes.items() if "采购公告" in n]
    body = wjw.resources[notice].body.decode("utf-8")
    assert "项目联系人" in body and "联系方式：李女士" in body
    text_page = Page(url=f"{HOME}x.html", final_url=f"{HOME}x.html")
    extract_page(text_page, body, date(2019, 10, 20))
    assert scan_text(text_page.text, today=date(2019, 10, 20)) == []
    assert wjw.truth.privacy == []
    footers = {key: [p for p, n in world.site(key).truth.notes.items() if "footer loaded by script" in n]
               for key in ("jyj", "wjw", "fengtai")}
    assert footers == {"jyj": ["/include/footer.js"], "wjw": ["/include/foot.html"], "fengtai": ["/inc/bottom.html"]}
    assert "公网安备" in world.site("jyj").resources["/include/footer.js"].body.decode("gbk")
