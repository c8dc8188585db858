"""Dates as Chinese government pages print them: parse_date and find_dates."""

from datetime import date

import pytest

from govinspect.extract.dates import DateMatch, find_dates, normalize, parse_date

REF = date(2019, 10, 20)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019-10-08", date(2019, 10, 8)),
        ("2019-10-8", date(2019, 10, 8)),
        ("2019/10/8", date(2019, 10, 8)),
        ("2019.10.08", date(2019, 10, 8)),
        ("2019年10月8日", date(2019, 10, 8)),
        ("2019年10月08日", date(2019, 10, 8)),
        ("2019年10月08日 10:20", date(2019, 10, 8)),
        ("2019年 10月 8日", date(2019, 10, 8)),
        ("2019-10-08 10:20:33", date(2019, 10, 8)),
        ("2019-10-08T10:20:33", date(2019, 10, 8)),
        ("20191008", date(2019, 10, 8)),
        ("19-10-08", date(2019, 10, 8)),
        ("19/10/08", date(2019, 10, 8)),
        ("２０１９－１０－０８", date(2019, 10, 8)),
        ("２０１９年１０月８日", date(2019, 10, 8)),
        ("【2019-10-08】", date(2019, 10, 8)),
        ("[2019-10-08]", date(2019, 10, 8)),
        ("(2019-10-08)", date(2019, 10, 8)),
        ("  2019-10-08\n", date(2019, 10, 8)),
        ("二〇一九年十月八日", date(2019, 10, 8)),
        ("二〇一九年十二月三十一日", date(2019, 12, 31)),
        ("2016-02-29", date(2016, 2, 29)),
    ],
)
def test_parse_date_full_year(text: str, expected: date) -> None:
    assert parse_date(text, REF) == (expected, False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[10-08]", date(2019, 10, 8)),
        ("10-08", date(2019, 10, 8)),
        ("10-8", date(2019, 10, 8)),
        ("10月8日", date(2019, 10, 8)),
        ("(10/08)", date(2019, 10, 8)),
        ("［10-08］", date(2019, 10, 8)),
        ("【10-08】", date(2019, 10, 8)),
        ("（10/08）", date(2019, 10, 8)),
        ("[10.08]", date(2019, 10, 8)),
        ("10-27", date(2019, 10, 27)),  # up to 7 days ahead stays in this year
        ("10-28", date(2018, 10, 28)),  # 8 days ahead: last year's item
        ("12-25", date(2018, 12, 25)),
    ],
)
def test_parse_date_infers_year(text: str, expected: date) -> None:
    assert parse_date(text, REF) == (expected, True)


def test_year_inference_around_new_year() -> None:
    january = date(2020, 1, 3)
    assert parse_date("12-30", january) == (date(2019, 12, 30), True)
    assert parse_date("01-02", january) == (date(2020, 1, 2), True)
    assert parse_date("01-09", january) == (date(2020, 1, 9), True)  # 6 days ahead


def test_year_inference_leap_day_falls_back_to_a_leap_year() -> None:
    assert parse_date("02-29", date(2021, 1, 5)) == (date(2020, 2, 29), True)
    assert parse_date("02-29", date(2019, 10, 20)) is None


@pytest.mark.parametrize(
    "text",
    [
        "2019-02-30",
        "2019-13-01",
        "2019-00-10",
        "2019/10/32",
        "2019年13月1日",
        "20191332",
        "2019-10",
        "2019年10月",
        "10:20",
        "10:20:33",
        "13-45",
        "0554-6671234",
        "淮府〔2019〕12号",
        "1.2.3",
        "v2.10.8",
        "340404198510081234",
        "",
        "   ",
        "暂无",
        "1899-10-08",
    ],
)
def test_parse_date_rejects(text: str) -> None:
    assert parse_date(text, REF) is None


def test_normalize_keeps_length() -> None:
    text = "２０１９－１０－０８【通知】"
    assert normalize(text) == "2019-10-08[通知]"
    assert len(normalize(text)) == len(text)


def test_find_dates_positions_and_raw() -> None:
    text = "关于开展秋季防火工作的通知 2019-10-08"
    (match,) = find_dates(text, REF)
    assert match == DateMatch(date(2019, 10, 8), "2019-10-08", False, 14, 24)
    assert text[match.start : match.end] == "2019-10-08"


def test_find_dates_several_in_order() -> None:
    text = "成文日期：2019年09月30日 发布日期：2019-10-08 [10-12]"
    found = find_dates(text, REF)
    assert [m.date for m in found] == [date(2019, 9, 30), date(2019, 10, 8), date(2019, 10, 12)]
    assert [m.raw for m in found] == ["2019年09月30日", "2019-10-08", "10-12"]
    assert [m.year_inferred for m in found] == [False, False, True]


def test_find_dates_full_width_and_brackets() -> None:
    (match,) = find_dates("标题【１０－０８】", REF)
    assert match.date == date(2019, 10, 8)
    assert match.raw == "１０－０８"
    assert match.year_inferred


def test_find_dates_time_included_in_raw() -> None:
    (match,) = find_dates("发布时间：2019-10-08 10:20:33 来源：本站", REF)
    assert match.raw == "2019-10-08 10:20:33"
    assert match.date == date(2019, 10, 8)


def test_find_dates_date_glued_to_title() -> None:
    (match,) = find_dates("关于印发2019年工作要点的通知2019-10-08", REF)
    assert match.date == date(2019, 10, 8)


@pytest.mark.parametrize(
    "text",
    [
        "联系电话：0554-6671234",
        "电话：0554-66712345，传真：0554-6671235",
        "咨询电话 20191008",
        "手机：13905541234",
        "淮府〔2019〕12号",
        "淮府办〔2019〕8号 皖政秘〔2019〕112号",
        "索引号：003226467/2019-01234",
        "身份证号 340404198510081234",
        "版本 v1.10.8，build 2019.10.08.1",
        "IP 192.168.10.8",
        "时间 10:20 至 11:30",
        "12-15岁儿童",
        "第10-12页",
        "浏览次数：20191",
        "统一社会信用代码 11340400003226467Y",
        "链接 /t20191008_3155870.html",
        "2019-10",
    ],
)
def test_find_dates_ignores_numbers_that_are_not_dates(text: str) -> None:
    assert find_dates(text, REF) == []


def test_find_dates_compact_only_when_clearly_a_date() -> None:
    assert [m.date for m in find_dates("日期20191008", REF)] == [date(2019, 10, 8)]
    assert find_dates("编号 20991008", REF) == []  # far future compact numbers are codes
    assert find_dates("123201910081", REF) == []


def test_find_dates_two_digit_year() -> None:
    found = find_dates("更新于 19-10-08，旧版 19/09/30", REF)
    assert [m.date for m in found] == [date(2019, 10, 8), date(2019, 9, 30)]


def test_find_dates_chinese_numerals_in_sign_off() -> None:
    (match,) = find_dates("淮南市人民政府 二〇一九年十月八日", REF)
    assert match.date == date(2019, 10, 8)
    assert not match.year_inferred


def test_find_dates_month_day_forms() -> None:
    found = find_dates("10月8日，市长主持召开常务会议 (10/09) [10-10]", REF)
    assert [m.date for m in found] == [date(2019, 10, 8), date(2019, 10, 9), date(2019, 10, 10)]
    assert all(m.year_inferred for m in found)


def test_find_dates_empty() -> None:
    assert find_dates("", REF) == []
    assert find_dates("暂无信息", REF) == []
