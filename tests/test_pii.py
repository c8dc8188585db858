"""Validators and scanner for ID, mobile and bank card numbers: properties, decoys and real page texts."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from govinspect.checks.pii import (
    PROVINCES,
    id_check_char,
    luhn_ok,
    scan_text,
    valid_card,
    valid_id,
    valid_mobile,
)

TODAY = date(2019, 10, 20)
ID = "340403198003072516"  # synthetic: 淮南市 region, valid date and check character
ID_X = "11010519491231002X"  # the GB 11643-1999 example, check character X
CARD = "6222021234567890128"  # synthetic, Luhn-valid UnionPay
PHONE = "13805541234"
NOT_LUHN_18 = "622202123456789013"

digits = st.text("0123456789", min_size=1, max_size=1)


@st.composite
def resident_ids(draw: st.DrawFn) -> str:
    province = draw(st.sampled_from(sorted(PROVINCES)))
    county = draw(st.text("0123456789", min_size=4, max_size=4))
    born = draw(st.dates(date(1900, 1, 1), TODAY))
    seq = draw(st.text("0123456789", min_size=3, max_size=3))
    first17 = f"{province}{county}{born:%Y%m%d}{seq}"
    return first17 + id_check_char(first17)


def luhn_complete(body: str) -> str:
    """Append the check digit that makes ``body`` Luhn-valid."""
    return next(body + d for d in "0123456789" if luhn_ok(body + d))


@st.composite
def cards(draw: st.DrawFn) -> str:
    prefix = draw(st.sampled_from(["62", "4", "51", "55", "2221", "2720", "60", "9558"]))
    length = draw(st.integers(16, 19))
    body = prefix + draw(st.text("0123456789", min_size=length - 1 - len(prefix), max_size=length - 1 - len(prefix)))
    number = luhn_complete(body)
    assume(not valid_id(number, TODAY))
    return number


MOBILE_PREFIXES = (
    [f"13{d}" for d in range(10)] + [f"14{d}" for d in range(5, 10)]
    + [f"15{d}" for d in (0, 1, 2, 3, 5, 6, 7, 8, 9)] + [f"16{d}" for d in (2, 5, 6, 7)]
    + [f"17{d}" for d in range(9)] + [f"18{d}" for d in range(10)]
    + [f"19{d}" for d in (0, 1, 2, 3, 5, 6, 7, 8, 9)]
)
BAD_PREFIXES = (
    [f"1{a}{b}" for a in "012" for b in "0123456789"] + ["140", "141", "142", "143", "144", "154"]
    + ["160", "161", "163", "164", "168", "169", "179", "194"]
    + [f"{a}{b}{c}" for a in "023456789" for b in "0159" for c in "38"]
)
eight = st.text("0123456789", min_size=8, max_size=8)


def kinds(text: str) -> list[str]:
    return [h.kind for h in scan_text(text, today=TODAY)]


# --- resident ID numbers


@given(resident_ids())
def test_generated_ids_validate_and_are_found_masked(number: str) -> None:
    assert valid_id(number, TODAY)
    [hit] = scan_text(f"身份证号：{number}，", today=TODAY)
    assert hit.kind == "id_card" and hit.masked == number[:6] + "********" + number[-4:]
    assert (hit.start, hit.end) == (5, 23)


@given(resident_ids(), st.integers(0, 16), st.integers(1, 9))
def test_any_single_digit_change_invalidates(number: str, pos: int, delta: int) -> None:
    changed = number[:pos] + str((int(number[pos]) + delta) % 10) + number[pos + 1:]
    assert not valid_id(changed, TODAY)  # MOD 11-2 detects every single substitution


@given(resident_ids(), st.sampled_from("0123456789X"))
def test_any_other_check_character_invalidates(number: str, check: str) -> None:
    assume(check != number[-1])
    assert not valid_id(number[:17] + check, TODAY)


def test_check_character_x_and_lower_case() -> None:
    assert valid_id(ID_X) and valid_id(ID_X.lower())
    assert kinds(f"证件号码 {ID_X.lower()} 已核实") == ["id_card"]


@pytest.mark.parametrize(
    "number",
    [
        ID[:-1] + "7",  # wrong check digit
        "99" + ID[2:17] + id_check_char("99" + ID[2:17]),  # no such province
        "000000" + ID[6:17] + id_check_char("000000" + ID[6:17]),
        "34040318990307251" + id_check_char("34040318990307251"),  # born 1899
        "34040319800230251" + id_check_char("34040319800230251"),  # 30 February
        "34040320191021251" + id_check_char("34040320191021251"),  # born after the inspection date
    ],
)
def test_invalid_ids(number: str) -> None:
    assert not valid_id(number, TODAY)
    assert kinds(f"编号 {number} ") == []


def test_id_inside_a_longer_digit_run_is_not_an_id() -> None:
    assert kinds(f"流水号 1{ID}") == [] and kinds(f"流水号 {ID}0") == []


def test_full_width_digits_are_read() -> None:
    wide = ID.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    [hit] = scan_text(f"身份证：{wide}", today=TODAY)
    assert hit.masked == "340403********2516" and hit.end == 4 + 18


# --- mobile numbers


@given(st.sampled_from(MOBILE_PREFIXES), eight)
def test_mobiles_from_valid_prefixes_are_found(prefix: str, rest: str) -> None:
    number = prefix + rest
    assert valid_mobile(number)
    [hit] = scan_text(f"张三{number}。", today=TODAY)
    assert hit.kind == "phone" and hit.masked == f"{prefix}****{rest[-4:]}"


@given(st.sampled_from(BAD_PREFIXES), eight)
def test_invalid_prefixes_are_not_mobiles(prefix: str, rest: str) -> None:
    assert not valid_mobile(prefix + rest)
    assert kinds(f"张三 {prefix + rest} ") == []


@given(st.sampled_from(MOBILE_PREFIXES), eight, digits, digits)
def test_a_mobile_inside_a_longer_run_is_not_a_mobile(prefix: str, rest: str, a: str, b: str) -> None:
    number = prefix + rest
    assert "phone" not in kinds(f"单号 {a}{number} ")
    assert "phone" not in kinds(f"单号 {number}{b} ")


@pytest.mark.parametrize(
    "written",
    ["138-0554-1234", "138 0554 1234", "+86 13805541234", "+8613805541234", "8613805541234",
     "0086-138-0554-1234", "１３８０５５４１２３４"],
)
def test_mobile_spellings(written: str) -> None:
    [hit] = scan_text(f"申请人王某某，{written}，", today=TODAY)
    assert hit.kind == "phone" and hit.masked == "138****1234"


# --- bank cards


@given(cards())
def test_generated_cards_validate_and_are_found(number: str) -> None:
    assert valid_card(number, TODAY)
    [hit] = scan_text(f"卡号:{number};", today=TODAY)
    assert hit.kind == "bank_card" and hit.masked == f"{number[:4]} **** **** {number[-4:]}"


@given(cards(), st.integers(0, 18), st.integers(1, 9))
def test_any_single_digit_change_breaks_luhn(number: str, pos: int, delta: int) -> None:
    pos %= len(number)
    changed = number[:pos] + str((int(number[pos]) + delta) % 10) + number[pos + 1:]
    assert not luhn_ok(changed)


def test_grouped_cards_are_found() -> None:
    grouped = " ".join([CARD[0:4], CARD[4:8], CARD[8:12], CARD[12:16], CARD[16:]])
    [hit] = scan_text(f"银行卡号 {grouped}", today=TODAY)
    assert hit.masked == "6222 **** **** 0128" and hit.end - hit.start == len(grouped)
    dashed = luhn_complete("622848001234567")
    assert kinds("-".join(dashed[i:i + 4] for i in range(0, 16, 4))) == ["bank_card"]


def test_a_valid_id_is_never_a_card() -> None:
    # ID numbers are Luhn-valid one time in ten; they are reported once, as ID numbers.
    number = next(
        n for n in (f"62{i:04d}19800307251" for i in range(100, 9999))
        if luhn_ok(n + id_check_char(n)) and valid_id(n + id_check_char(n), TODAY)
    )
    number += id_check_char(number)
    assert not valid_card(number, TODAY)
    assert kinds(number) == ["id_card"]


# --- decoys that must never match


@pytest.mark.parametrize(
    "text",
    [
        "联系地址：淮南市田家庵区，0554-6671234",
        "传真 (0554)6671234、0554 6671234、05546671234",
        "淮府〔2019〕12号、淮府办秘〔2019〕138号",
        "发布日期：20191008，2019-10-08，2019年10月08日",
        "索引号：003123456/201910-00012 统一社会信用代码 11340400003123456X",
        "订单号 201910081234567890123，交易流水 2019100813805541234",
        f"项目编号 {NOT_LUHN_18} 和 {CARD[:-1]}7",  # 18 digits; 19 digits failing Luhn
        "文号 1380554123 和 123456789012345 与 0.13805541234",
        "ISBN 978-7-5399-1380-4，邮编 232001，电话区号 0554",
        "对公账户 1307012309000012345 开户行 工商银行淮南分行",
    ],
)
def test_decoys(text: str) -> None:
    assert kinds(text) == []


# --- context: an office's published contact number is not a leak


@pytest.mark.parametrize(
    "text",
    [
        f"咨询电话：{PHONE}",
        f"联系电话:{PHONE}",
        f"监督电话 {PHONE}",
        f"投诉电话（手机）：{PHONE}",
        f"服务热线：0554-12345 / {PHONE}",
        f"办公电话：0554-6671234，{PHONE}",
        f"联系人：王科长，电话：{PHONE}",
        f"热线 {PHONE}、13905541234",
    ],
)
def test_contact_numbers_are_not_leaks(text: str) -> None:
    assert kinds(text) == []


@pytest.mark.parametrize(
    "text",
    [
        f"序号 姓名 联系电话 1 张三 {PHONE}",  # a table header does not excuse the rows
        f"联系电话\n{PHONE}",  # nor a label on an earlier line
        f"咨询电话：0554-6671234。申请人张三家庭住址某某村，手机{PHONE}",  # too far
        f"申请人：张三 {PHONE}",
    ],
)
def test_personal_numbers_near_labels_are_leaks(text: str) -> None:
    assert kinds(text) == ["phone"]


def test_id_and_card_are_leaks_even_after_a_contact_label() -> None:
    assert kinds(f"联系电话：{ID} {CARD}") == ["id_card", "bank_card"]


# --- realistic pages


DIBAO = f"""2019年10月城乡居民最低生活保障对象公示
序号 姓名 身份证号码 家庭人口 联系电话 保障金额
1 张某某 {ID} 3 {PHONE} 620
2 李某某 {ID_X} 2 159 5541 2345 480
3 王某某 340402197511240829 1 18655412345 390
公示期间如有异议，请向田家庵区民政局反映，监督电话：0554-6671234，13955400000。"""

CONTACT = """联系我们
淮南市人民政府办公室 地址：淮南市山南新区行政中心 邮编：232001
咨询电话：0554-6671234 值班电话：13805540000
市长热线：12345  投诉电话：0554-12345，18955400000
备案号：皖ICP备05001234号 网站标识码：3404000001 皖公网安备 34040302000123号"""


def test_dibao_list_is_a_leak() -> None:
    hits = scan_text(DIBAO, today=TODAY)
    assert [h.kind for h in hits].count("id_card") == 3
    phones = [h.masked for h in hits if h.kind == "phone"]
    assert phones == ["138****1234", "159****2345", "186****2345"]  # not the 监督电话
    for full in (ID, ID_X, "340402197511240829", PHONE, "15955412345", "18655412345"):
        assert all(full not in h.masked for h in hits)
    assert all(DIBAO[h.start:h.end].replace(" ", "")[-4:] == h.masked[-4:] for h in hits)


def test_contact_page_is_not_a_leak() -> None:
    assert scan_text(CONTACT, today=TODAY) == []


# --- numbers that are not personal (issue 8): codes, contact persons, longer runs, URLs

# The sections of a 采购公告 as 政府采购公告和公示信息格式规范 (财政部 2020) lays them out.
PROCUREMENT = """三、提出询问 凡对本次招标提出询问，请按以下方式联系。
1.采购人信息 名称：淮南市卫生健康委员会 地址：淮南市人民路39号 邮编：232001 联系方式：王工 13805541234
2.采购代理机构信息 名称：安徽淮南建设项目管理有限公司 统一社会信用代码：91340400MA2N12345K
传真：0554-6612345 联系方式：李女士 13955412345
3.项目联系方式 项目联系人：李女士、陈先生 18955400001
采购人联系方式：张先生 15855400002 代理机构联系方式：刘工，13655400003
举报电话：17755400004 监督电话：（0554）6671234、13355400005"""


def test_procurement_contact_persons_are_public() -> None:
    assert scan_text(PROCUREMENT, today=TODAY) == []


@pytest.mark.parametrize("text", [
    "项目联系人：王工（13805541234）", "联系人及电话：王工 13805541234", "联系人：王工、李工 13805541234",
    "联系方式：李女士 13955412345、13805541234", "联系人：13805541234",
])
def test_contact_person_variants(text: str) -> None:
    assert scan_text(text, today=TODAY) == []


@pytest.mark.parametrize("text", [
    "冀公网安备 13010202000123号",  # 14 digits with a mobile-like head
    "冀公网安备 13010202000 123号",  # the same number split by markup into two runs
    "京ICP证13010202号 京公网安备13010502000101号",
    "网站标识码：1381234567 等保备案编号：13812345678-00001",
    "增值电信业务经营许可证：皖B2-13812345678",
    "传真：13812345678",
    f"统一社会信用代码：{ID}",  # an organisation code that happens to pass the ID check
    f"组织机构代码 {ID}",
    "纳税人识别号：6222021234567890128",  # Luhn-valid: a card number without its label
])
def test_labelled_codes_are_not_leaks(text: str) -> None:
    assert scan_text(text, today=TODAY) == []


@pytest.mark.parametrize("number", ["13010202000 123", "13812345678", ID, "6222021234567890128"])
def test_the_same_numbers_without_their_label_are_leaks(number: str) -> None:
    assert scan_text(f"张某某 {number}", today=TODAY) != []


@pytest.mark.parametrize("text", [
    "编号13812345678-2", "SN13812345678", "流水号 2019.13812345678", "x_13812345678",
    "9913812345678",  # inside a longer run: never a phone
])
def test_digits_inside_a_longer_code_are_not_phones(text: str) -> None:
    assert scan_text(text, today=TODAY) == []


@pytest.mark.parametrize("text", [
    f"附件：http://www.example.gov.cn/upload/{ID}.pdf",
    f"下载：/uploadfiles/201910/{ID}.xlsx",
    f"附件：张某某{ID}.docx",
    f"见 www.example.gov.cn/cx?sfzh={ID}&x=1",
])
def test_numbers_inside_urls_and_file_names_are_references(text: str) -> None:
    assert scan_text(text, today=TODAY) == []
    assert [h.kind for h in scan_text(text, today=TODAY, urls=True)] == ["id_card"]


@pytest.mark.parametrize("text", [
    f"姓名 联系方式 张某某 {PHONE}",  # a table header without colon, then a person: a leak
    f"联系人 张某某 {PHONE}",
    f"备案人身份证号：{ID}",  # 备案 followed by a personal label
    f"受理人：张某某 手机{PHONE}",
    f"{PHONE}/15955412345",  # two mobiles joined by a slash stay two mobiles
])
def test_personal_numbers_near_the_new_labels_stay_leaks(text: str) -> None:
    assert scan_text(text, today=TODAY) != []


def test_roster_with_contact_column_is_still_a_leak() -> None:
    roster = ("序号 姓名 身份证号码 联系方式 联系人 保障人数\n"
              f"1 张某某 {ID} {PHONE} 本人 3\n2 李某某 {ID_X} 15955412345 本人 2")
    kinds = [h.kind for h in scan_text(roster, today=TODAY)]
    assert kinds.count("id_card") == 2 and kinds.count("phone") == 2
