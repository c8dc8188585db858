"""Interaction records and exported posts (contract section 5, source type file)."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from govinspect.errors import RegistryError
from govinspect.registry import MessageRecord, PostRecord, RegistryErrors, load_messages, load_posts

FIXTURES = Path(__file__).parent / "fixtures" / "registry"
HEADER = ["id", "received", "author", "content", "reply", "reply_time", "reply_unit"]


def csv_file(path: Path, rows: list[list[Any]], encoding: str = "utf-8") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def xlsx_file(path: Path, rows: list[list[Any]]) -> Path:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def problems(load: Any, path: Path) -> list[str]:
    with pytest.raises(RegistryError) as info:
        load(path)
    return [str(e) for e in getattr(info.value, "errors", [info.value])]


def test_messages_fixture_in_all_three_time_formats() -> None:
    first, unanswered, dated = load_messages(FIXTURES / "messages" / "123.csv")
    assert first == MessageRecord(
        id="M20191001",
        received=datetime(2019, 10, 1, 9, 12, 33),
        author="张先生",
        content="洞山路路灯不亮已经一周了，请尽快维修。",
        reply="已转市城管局处理，路灯已于10月3日修复。",
        reply_time=datetime(2019, 10, 3, 16, 20),
        reply_unit="淮南市城市管理局",
    )
    assert first.answered
    assert unanswered.received == datetime(2019, 10, 5, 20, 41)
    assert (unanswered.reply, unanswered.reply_time, unanswered.answered) == ("", None, False)
    assert (dated.received, dated.author) == (datetime(2019, 10, 8), "")
    assert dated.reply_time == datetime(2019, 10, 9)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2019-10-05 20:41:07", datetime(2019, 10, 5, 20, 41, 7)),
        ("2019-10-05 20:41", datetime(2019, 10, 5, 20, 41)),
        ("2019/10/05", datetime(2019, 10, 5)),
        ("2019/10/5 8:03", datetime(2019, 10, 5, 8, 3)),  # how Excel writes dates into CSV
        ("2019-10-05T20:41:07", datetime(2019, 10, 5, 20, 41, 7)),
        ("2019年10月5日", datetime(2019, 10, 5)),
        ("2019-10-05T12:41:07+00:00", datetime(2019, 10, 5, 20, 41, 7)),
    ],
)
def test_time_formats(tmp_path: Path, written: str, expected: datetime) -> None:
    path = csv_file(tmp_path / "m.csv", [HEADER, ["1", written, "", "请问", "", "", ""]])
    assert load_messages(path)[0].received == expected


def test_gbk_messages_with_chinese_headers(tmp_path: Path) -> None:
    path = csv_file(tmp_path / "留言.csv", [
        ["留言编号", "留言时间", "留言人", "留言内容", "答复内容", "答复时间", "答复单位"],
        ["20191012001", "2019-10-12 10:00", "王先生", "公积金提取进度？", "已办结", "2019-10-14 09:00",
         "淮南市住房公积金管理中心"],
    ], encoding="gbk")
    (record,) = load_messages(path)
    assert (record.id, record.author, record.reply_unit) == (
        "20191012001", "王先生", "淮南市住房公积金管理中心",
    )


def test_messages_json_and_xlsx(tmp_path: Path) -> None:
    items = [
        {"id": 4427001, "received": "2019-10-12 10:00:00", "author": "淮南网友", "content": "请问？",
         "reply": "", "reply_time": None, "reply_unit": ""},
        {"id": "4427002", "received": "2019/10/13", "content": "点赞", "extra": "ignored"},
    ]
    path = tmp_path / "m.json"
    path.write_text(json.dumps(items, ensure_ascii=False, indent=2), encoding="utf-8")
    from_json = load_messages(path)
    assert [m.id for m in from_json] == ["4427001", "4427002"]
    assert from_json[1].received == datetime(2019, 10, 13)
    rows = [HEADER, [4427001, datetime(2019, 10, 12, 10), "淮南网友", "请问？", None, None, None],
            ["4427002", "2019/10/13", None, "点赞", None, None, None]]
    assert load_messages(xlsx_file(tmp_path / "m.xlsx", rows)) == from_json


def test_empty_messages_file_has_no_records(tmp_path: Path) -> None:
    assert load_messages(csv_file(tmp_path / "m.csv", [HEADER])) == []
    (tmp_path / "m.json").write_text("[]", encoding="utf-8")
    assert load_messages(tmp_path / "m.json") == []


def test_bad_message_rows_are_all_reported(tmp_path: Path) -> None:
    path = csv_file(tmp_path / "m.csv", [
        HEADER,
        ["M1", "2019-10-01 09:00", "", "路灯不亮", "已修复", "2019-10-02 10:00", "城管局"],
        ["", "2019-10-01 09:00", "", "无编号", "", "", ""],
        ["M3", "10月1日", "", "时间写法不对", "", "", ""],
        ["M4", "2019-10-05 09:00", "", "答复早于留言", "已答复", "2019-10-03 09:00", "城管局"],
        ["M1", "2019-10-06 09:00", "", "编号重复", "", "", ""],
        ["M6", "", "", "没有时间", "", "2019-13-01", ""],
    ])
    assert problems(load_messages, path) == [
        f"{path} 第3行 字段 id: 不能为空",
        f"{path} 第4行 字段 received: “10月1日”不是有效的时间，应为 "
        "YYYY-MM-DD HH:MM:SS、YYYY-MM-DD HH:MM 或 YYYY/MM/DD",
        f"{path} 第5行 字段 reply_time: 答复时间 2019-10-03 09:00 早于留言时间 2019-10-05 09:00",
        f"{path} 第6行 字段 id: 编号“M1”与第2行重复",
        f"{path} 第7行 字段 received: 不能为空",
        f"{path} 第7行 字段 reply_time: “2019-13-01”不是有效的时间，应为 "
        "YYYY-MM-DD HH:MM:SS、YYYY-MM-DD HH:MM 或 YYYY/MM/DD",
    ]


def test_bad_json_records_are_numbered_by_position(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text(json.dumps([
        {"id": "1", "received": "2019-10-01 09:00"},
        {"id": "2", "留言时间": "昨天"},
    ], ensure_ascii=False), encoding="utf-8")
    with pytest.raises(RegistryErrors) as info:
        load_messages(path)
    (error,) = info.value.errors
    assert str(error) == (
        f"{path} 第2条 字段 留言时间: “昨天”不是有效的时间，应为 "
        "YYYY-MM-DD HH:MM:SS、YYYY-MM-DD HH:MM 或 YYYY/MM/DD"
    )
    assert (error.file, error.row, error.field) == (str(path), 2, "留言时间")


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("m.txt", "id,received\n", "m.txt: 不支持的文件类型，应为 .csv、.json 或 .xlsx 文件"),
        ("none.csv", None, "none.csv: 文件不存在"),
        ("m.json", '{"id": 1}', "m.json: JSON 顶层应为对象列表"),
        ("m.json", '[{"id": 1},\n', "m.json 第2行: 不是有效的 JSON(Expecting value)"),
        ("m.json", '[1]', "m.json 第1条: 应为对象"),
        ("m.csv", "编号,内容\n1,请问\n", "m.csv: 找不到表头行，表头应包含 received(留言时间) 列"),
        ("m.xlsx", "not a workbook", "m.xlsx: 不是有效的 XLSX 文件(BadZipFile)"),
    ],
)
def test_unreadable_record_files(tmp_path: Path, name: str, content: str | None, expected: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    assert problems(load_messages, path) == [f"{tmp_path}/{expected}"]


def test_posts_csv_and_json_fixtures() -> None:
    first, second = load_posts(FIXTURES / "posts" / "jyj.csv")
    assert first == PostRecord(
        published=datetime(2019, 9, 28, 10),
        title="淮南市2019年秋季学期开学工作会议召开",
        url="https://www.douyin.com/video/6741000000000000001",
    )
    assert (second.published, second.url) == (datetime(2019, 9, 30, 18, 30), None)
    weibo = load_posts(FIXTURES / "posts" / "weibo.json")
    assert [p.published.day for p in weibo] == [18, 19]
    assert weibo[1].url is None


def test_posts_xlsx_with_chinese_headers(tmp_path: Path) -> None:
    path = xlsx_file(tmp_path / "posts.xlsx", [
        ["发布时间", "标题", "链接"],
        [datetime(2019, 10, 18, 8, 30), "【淮南发布】天气预报", "https://m.weibo.cn/status/1"],
    ])
    assert load_posts(path) == [
        PostRecord(datetime(2019, 10, 18, 8, 30), "【淮南发布】天气预报", "https://m.weibo.cn/status/1"),
    ]


def test_bad_post_rows_are_all_reported(tmp_path: Path) -> None:
    path = csv_file(tmp_path / "posts.csv", [
        ["published", "title", "url"],
        ["2019-10-18 08:30", "天气预报", "https://m.weibo.cn/status/1"],
        ["", "没有时间", ""],
        ["2019-10-19", "地址不对", "m.weibo.cn/status/2"],
    ])
    assert problems(load_posts, path) == [
        f"{path} 第3行 字段 published: 不能为空",
        f"{path} 第4行 字段 url: “m.weibo.cn/status/2”不是有效的网址，应以 http:// 或 https:// 开头",
    ]
