"""The file source and interaction records: CSV, JSON and XLSX exports, bad rows listed."""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from govinspect.errors import RegistryError
from govinspect.http import Fetcher
from govinspect.newmedia import SourceResult, check_files, source_for
from govinspect.newmedia.files import read_messages
from govinspect.registry import AccountEntry, RegistryErrors, SourceSpec
from govinspect.rules import NewMediaRules
from govinspect.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures" / "newmedia"
AS_OF = date(2019, 10, 20)


def account(posts: Path | None = None, messages: Path | None = None) -> AccountEntry:
    return AccountEntry(
        name="田家庵区政务服务", platform="wechat", source=SourceSpec("file", path=posts),
        messages=SourceSpec("file", path=messages) if messages else None,
    )


def read(entry: AccountEntry) -> SourceResult:
    async def go() -> SourceResult:
        async with Fetcher(Settings(delay=0)) as fetcher:
            return await source_for("file", NewMediaRules()).posts(entry, fetcher, AS_OF)

    return asyncio.run(go())


def test_csv_export_with_chinese_headers():
    result = read(account(FIXTURES / "posts_wechat.csv"))
    assert result.error is None
    assert [(p.published, p.url is None) for p in result.posts] == [
        (datetime(2019, 10, 18, 20, 30), False), (datetime(2019, 10, 16), True),
        (datetime(2019, 10, 9, 8, 0), False),
    ]
    assert result.posts[1].title == "@淮南人，这些新规11月起施行！"


def test_json_export():
    result = read(account(Path(__file__).parent / "fixtures" / "registry" / "posts" / "weibo.json"))
    assert [p.published for p in result.posts] == [datetime(2019, 10, 18, 8, 30), datetime(2019, 10, 19, 9, 5)]


def test_xlsx_export(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["田家庵区政务服务 图文群发记录"])  # offices put a title row above the header
    sheet.append(["发布时间", "标题", "链接"])
    sheet.append([datetime(2019, 10, 19, 18, 0), "秋季征兵开始报名", "https://mp.weixin.qq.com/s/a"])
    sheet.append(["2019-10-12 09:00", "社区义诊活动", None])
    book.save(tmp_path / "posts.xlsx")
    result = read(account(tmp_path / "posts.xlsx"))
    assert result.error is None
    assert [p.published for p in result.posts] == [datetime(2019, 10, 19, 18, 0), datetime(2019, 10, 12, 9, 0)]


def test_bad_rows_are_all_listed_and_nothing_is_used():
    result = read(account(FIXTURES / "posts_bad.csv"))
    assert result.posts == []
    assert result.error is not None and "3 处错误" in result.error
    assert len(result.problems) == 3
    assert any("第3行" in p and "published" in p for p in result.problems)
    assert any("第5行" in p and "url" in p for p in result.problems)


def test_missing_file_is_an_error(tmp_path):
    result = read(account(tmp_path / "nowhere.csv"))
    assert result.error is not None and "文件不存在" in result.error


def test_messages_are_read():
    found = asyncio.run(read_messages(account(messages=FIXTURES / "messages_auto.json")))
    assert found is not None and found.error is None
    assert [m.id for m in found.messages] == ["W001", "W002", "W003", "W004", "W005"]
    assert found.messages[0].reply_time == datetime(2019, 10, 18, 21, 3, 12)


def test_no_messages_file_is_none():
    assert asyncio.run(read_messages(account(FIXTURES / "posts_wechat.csv"))) is None


def test_bad_messages_file_is_an_error_naming_every_row(tmp_path):
    path = tmp_path / "messages.csv"
    path.write_text("id,received,content,reply,reply_time\n"
                    "1,2019-10-01 08:00,问题一,答复,2019-09-30 08:00\n"
                    "1,2019-10-02 08:00,问题二,,\n"
                    ",不是时间,问题三,,\n", encoding="utf-8")
    found = asyncio.run(read_messages(account(messages=path)))
    assert found is not None and found.messages == []
    # Row 2 answers before the message came in; row 4 has no id and no valid time.
    assert found.error is not None and "3 处错误" in found.error
    assert [p.split(" 字段 ")[0][-3:] for p in found.problems] == ["第2行", "第4行", "第4行"]


def test_check_files_lists_the_bad_rows_of_every_file(tmp_path):
    bad_messages = tmp_path / "m.json"
    bad_messages.write_text('[{"id": "1", "received": "昨天"}]', encoding="utf-8")
    good = account(FIXTURES / "posts_wechat.csv", FIXTURES / "messages_auto.json")
    check_files([good])  # nothing raised
    with pytest.raises(RegistryErrors) as info:
        check_files([good, account(FIXTURES / "posts_bad.csv", bad_messages)])
    assert len(info.value.errors) == 4
    assert {Path(e.file).name for e in info.value.errors} == {"posts_bad.csv", "m.json"}


def test_check_files_reports_an_unreadable_file(tmp_path):
    with pytest.raises(RegistryError):
        check_files([account(tmp_path / "missing.csv")])
