"""CSV and XLSX registries: encodings, header aliases, sheets and spreadsheet row numbers."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from govinspect.errors import RegistryError
from govinspect.registry import Registry, RegistryErrors, load_registry

FIXTURES = Path(__file__).parent / "fixtures" / "registry"

SITE_HEADER = ["网站名称", "网址", "主办单位", "级别", "网站标识码"]
SITE_ROWS: list[list[Any]] = [
    ["淮南市人民政府", "http://www.huainan.gov.cn/", "淮南市人民政府办公室", "门户", "3404000001"],
    ["田家庵区人民政府", "http://www.tja.gov.cn/", "田家庵区人民政府办公室", "区县", "3404030001"],
]
ACCOUNT_HEADER = ["账号名称", "开办主体", "平台", "来源类型", "来源地址", "来源文件", "状态", "关停日期"]
ACCOUNT_ROWS: list[list[Any]] = [
    ["淮南市人民政府发布", "淮南市人民政府办公室", "微博", "rss",
     "http://127.0.0.1:8100/weibo/123.xml", None, "正常", None],
    ["淮南教育", "淮南市教育局", "抖音", "文件", None, "posts/jyj.csv", "已关停", "2019-09-30"],
]


def csv_file(path: Path, rows: list[list[Any]], encoding: str = "utf-8") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def xlsx_file(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(RegistryError) as info:
        load_registry(path)
    return [str(e) for e in getattr(info.value, "errors", [info.value])]


def without_refs(registry: Registry) -> tuple[list[Any], list[Any]]:
    """Entries with the "file:row" they came from removed, to compare formats."""
    return (
        [replace(s, source=None) for s in registry.sites],
        [replace(a, source_ref=None) for a in registry.accounts],
    )


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_sites_csv_in_every_encoding_excel_writes(tmp_path: Path, encoding: str) -> None:
    text = (FIXTURES / "sites.csv").read_text(encoding="utf-8")
    path = tmp_path / "sites.csv"
    path.write_bytes(text.encode(encoding))
    registry = load_registry(path)
    assert [s.name for s in registry.sites] == [
        "淮南市人民政府", "田家庵区人民政府", "淮南市教育局", "寿县人民政府",
    ]
    assert registry.sites[0].unit == "淮南市人民政府办公室"
    assert [s.level for s in registry.sites] == ["portal", "county", "department", "county"]
    assert registry.sites[3].source == f"{path}:5"


def test_utf16_tab_separated_csv(tmp_path: Path) -> None:
    text = (FIXTURES / "sites.csv").read_text(encoding="utf-8").replace(",", "\t")
    path = tmp_path / "sites.csv"
    path.write_bytes(text.encode("utf-16"))
    assert len(load_registry(path).sites) == 4


def test_csv_and_yaml_give_the_same_sites() -> None:
    yaml_sites, _ = without_refs(load_registry(FIXTURES / "huainan.yaml"))
    csv_sites, _ = without_refs(load_registry(FIXTURES / "sites.csv"))
    assert [replace(s, search_url=None) for s in yaml_sites] == csv_sites


def test_combined_csv_with_kind_column() -> None:
    registry = load_registry(FIXTURES / "registry.csv")
    assert [s.name for s in registry.sites] == ["淮南市人民政府", "田家庵区人民政府"]
    assert registry.sites[0].search_url == "http://www.huainan.gov.cn/site/search/6788?keywords={q}"
    weibo, douyin = registry.accounts
    yaml_weibo = load_registry(FIXTURES / "huainan.yaml").accounts[0]
    assert replace(weibo, source_ref=None) == replace(yaml_weibo, source_ref=None)
    assert weibo.source_ref == f"{FIXTURES / 'registry.csv'}:4"
    # Written with a Windows backslash, read on Linux.
    assert douyin.source.path == (FIXTURES / "posts" / "jyj.csv").resolve()
    assert douyin.platform == "douyin"


def test_round_trip_yaml_csv_xlsx(tmp_path: Path) -> None:
    columns = ["kind", "name", "url", "unit", "level", "site_code", "search_url", "platform",
               "platform_id", "official_matrix", "status", "closed_on", "source_type",
               "source_url", "source_path", "messages_type", "messages_path"]
    registry = load_registry(FIXTURES / "huainan.yaml")
    rows: list[list[Any]] = [columns]
    for s in registry.sites:
        rows.append(["site", s.name, s.url, s.unit, s.level, s.site_code, s.search_url]
                    + [None] * 10)
    for a in registry.accounts:
        rows.append(["account", a.name, None, a.unit, None, None, None, a.platform,
                     a.platform_id, a.official_matrix, a.status, a.closed_on, a.source.type,
                     a.source.url, a.source.path and str(a.source.path),
                     a.messages and a.messages.type, a.messages and str(a.messages.path)])
    from_csv = load_registry(csv_file(tmp_path / "r.csv", rows))
    from_xlsx = load_registry(xlsx_file(tmp_path / "r.xlsx", {"Sheet1": rows}))
    assert without_refs(from_csv) == without_refs(registry) == without_refs(from_xlsx)


def test_csv_errors_use_spreadsheet_rows_and_the_users_headers(tmp_path: Path) -> None:
    path = csv_file(tmp_path / "sites.csv", [
        ["序号", "网站名称", "网址", "级别", "网站标识码"],
        ["1", "淮南市人民政府", "http://www.huainan.gov.cn/", "门户", "3404000001"],
        ["2", "田家庵区人民政府", "www.tja.gov.cn", "区县", "340403001"],
        ["3", "", "http://www.shouxian.gov.cn/", "省级", ""],
        ["4", "淮南市人民政府", "http://www.huainan.gov.cn", "", ""],
    ])
    assert problems(path) == [
        f"{path} 第3行 字段 网址: “www.tja.gov.cn”不是有效的网址，应以 http:// 或 https:// 开头",
        f"{path} 第3行 字段 网站标识码: “340403001”不是有效的网站标识码，应为 10 位数字或 bm 加 8 位数字",
        f"{path} 第4行 字段 网站名称: 不能为空",
        f"{path} 第4行 字段 级别: “省级”不是有效的级别，应为 "
        "portal(门户)、county(区县)、department(部门)或 other(其他)",
        f"{path} 第5行 字段 网站名称: 网站名称“淮南市人民政府”与第2行重复",
        f"{path} 第5行 字段 网址: 网址“http://www.huainan.gov.cn”与第2行重复",
    ]


def test_title_rows_blank_rows_and_multiline_cells_keep_row_numbers(tmp_path: Path) -> None:
    path = csv_file(tmp_path / "sites.csv", [
        ["淮南市政府网站名单(2019年10月)"],
        [],
        ["网站名称*", "网址（必填）", "主办单位", "备注"],
        ["淮南市人民政府", "http://www.huainan.gov.cn/", "淮南市人民政府办公室", "第一行\n第二行"],
        ["", "", "", "以下为区县"],
        ["田家庵区人民政府", "http://tja gov.cn/", "", ""],
    ])
    assert problems(path) == [f"{path} 第6行 字段 网址（必填）: “http://tja gov.cn/”中含有空格"]


def test_leading_and_trailing_spaces_are_trimmed(tmp_path: Path) -> None:
    path = csv_file(tmp_path / "sites.csv", [
        [" 网站名称 ", "网址"], ["  淮南市人民政府\u3000", " http://www.huainan.gov.cn/ "],
    ])
    site = load_registry(path).sites[0]
    assert (site.name, site.url) == ("淮南市人民政府", "http://www.huainan.gov.cn/")


def test_kind_column_values(tmp_path: Path) -> None:
    path = csv_file(tmp_path / "r.csv", [
        ["类别", "名称", "网址", "平台", "订阅地址"],
        ["网站", "淮南市人民政府", "http://www.huainan.gov.cn/", "", ""],
        ["政务新媒体", "淮南发布", "", "公众号", "http://127.0.0.1:8100/rss/wechat.xml"],
        ["", "寿县人民政府", "http://www.shouxian.gov.cn/", "", ""],
        ["专题", "淮南市政府信息公开", "http://xxgk.huainan.gov.cn/", "", ""],
    ])
    assert problems(path) == [
        f"{path} 第4行 字段 类别: 不能为空，应为 site(网站)或 account(新媒体)",
        f"{path} 第5行 字段 类别: “专题”不是有效的类别，应为 site(网站)或 account(新媒体)",
    ]
    csv_file(path, [["类别", "名称", "网址", "平台", "订阅地址"]] + [
        ["网站", "淮南市人民政府", "http://www.huainan.gov.cn/", "", ""],
        ["account", "淮南发布", "", "公众号", "http://127.0.0.1:8100/rss/wechat.xml"],
    ])
    registry = load_registry(path)
    assert [a.platform for a in registry.accounts] == ["wechat"]
    assert registry.accounts[0].source.type == "rss"


def test_accounts_only_table_without_kind_column(tmp_path: Path) -> None:
    path = csv_file(tmp_path / "新媒体.csv", [ACCOUNT_HEADER, *ACCOUNT_ROWS])
    registry = load_registry(path)
    assert registry.sites == []
    weibo, douyin = registry.accounts
    assert (weibo.platform, weibo.unit, weibo.status) == ("weibo", "淮南市人民政府办公室", "active")
    assert (douyin.platform, douyin.status, douyin.closed_on) == ("douyin", "closed", date(2019, 9, 30))
    assert douyin.source.path == (tmp_path / "posts" / "jyj.csv").resolve()


def test_account_errors_in_csv_name_the_columns(tmp_path: Path) -> None:
    path = csv_file(tmp_path / "新媒体.csv", [
        ACCOUNT_HEADER,
        ["淮南发布", "", "微信", "rss", "", "", "", ""],
        ["淮南教育", "", "快手号", "file", "", "", "", ""],
    ])
    assert problems(path) == [
        f"{path} 第2行 字段 来源地址: 来源类型为 rss 时必须填写 url",
        f"{path} 第3行 字段 平台: “快手号”不是有效的平台，应为 "
        "wechat(微信)、weibo(微博)、douyin(抖音)、toutiao(今日头条)或 other(其他)",
        f"{path} 第3行 字段 来源文件: 来源类型为 file 时必须填写 path",
    ]


def test_header_problems(tmp_path: Path) -> None:
    path = csv_file(tmp_path / "r.csv", [["名称", "网站名称", "网址"], ["a", "b", "http://a.gov.cn/"]])
    assert problems(path) == [f"{path} 第1行 字段 网站名称: 与“名称”列含义相同，只能保留一列"]
    csv_file(path, [["单位", "网址"], ["淮南市人民政府办公室", "http://www.huainan.gov.cn/"]])
    assert problems(path) == [f"{path}: 找不到表头行，表头应包含 name(名称/网站名称) 列"]


def test_xlsx_single_sheet_keeps_codes_as_text(tmp_path: Path) -> None:
    rows = [SITE_HEADER, *SITE_ROWS]
    rows[1] = [*rows[1][:4], 3404000001]  # typed into Excel as a number
    rows[2] = [*rows[2][:4], 3404030001.0]
    path = xlsx_file(tmp_path / "名单.xlsx", {"Sheet1": rows})
    registry = load_registry(path)
    assert [s.site_code for s in registry.sites] == ["3404000001", "3404030001"]
    assert registry.sites[1].source == f"{path}:3"


@pytest.mark.parametrize(("sites", "accounts"), [("网站", "新媒体"), ("sites", "accounts")])
def test_xlsx_two_sheets(tmp_path: Path, sites: str, accounts: str) -> None:
    account_rows = [list(r) for r in ACCOUNT_ROWS]
    account_rows[1][7] = datetime(2019, 9, 30)  # a date cell
    path = xlsx_file(tmp_path / "名单.xlsx", {
        "说明": [["本表由淮南市政务公开办维护"]],
        sites: [SITE_HEADER, *SITE_ROWS],
        accounts: [ACCOUNT_HEADER, *account_rows],
    })
    registry = load_registry(path)
    assert [s.name for s in registry.sites] == ["淮南市人民政府", "田家庵区人民政府"]
    assert [a.name for a in registry.accounts] == ["淮南市人民政府发布", "淮南教育"]
    assert registry.accounts[1].closed_on == date(2019, 9, 30)
    assert registry.accounts[0].source_ref == f"{path}[{accounts}]:2"


def test_xlsx_two_sheets_errors_name_the_sheet(tmp_path: Path) -> None:
    path = xlsx_file(tmp_path / "名单.xlsx", {
        "网站": [SITE_HEADER, SITE_ROWS[0], ["寿县人民政府", "shouxian.gov.cn", "", "", ""]],
        "新媒体": [ACCOUNT_HEADER, ["淮南发布", "", "微信", "", "", "", "", ""]],
    })
    assert problems(path) == [
        f"{path}[网站] 第3行 字段 网址: “shouxian.gov.cn”不是有效的网址，应以 http:// 或 https:// 开头",
        f"{path}[新媒体] 第2行 字段 来源类型: 缺少帖子来源，应为 rss、weibo 或 file，并填写 url 或 path",
    ]


def test_xlsx_empty_accounts_sheet_is_allowed(tmp_path: Path) -> None:
    path = xlsx_file(tmp_path / "名单.xlsx", {"网站": [SITE_HEADER, *SITE_ROWS], "新媒体": []})
    assert len(load_registry(path).sites) == 2


def test_xlsx_merged_unit_cells_apply_to_every_row(tmp_path: Path) -> None:
    path = tmp_path / "名单.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["淮南市政府网站名单"])
    sheet.merge_cells("A1:C1")
    sheet.append(["主办单位", "网站名称", "网址"])
    sheet.append(["淮南市人民政府办公室", "淮南市人民政府", "http://www.huainan.gov.cn/"])
    sheet.append([None, "淮南市政务公开网", "http://zwgk.huainan.gov.cn/"])
    sheet.merge_cells("A3:A4")
    book.save(path)
    registry = load_registry(path)
    assert [s.unit for s in registry.sites] == ["淮南市人民政府办公室"] * 2
    assert registry.sites[1].source == f"{path}:4"


def test_truncated_xlsx_names_the_file(tmp_path: Path) -> None:
    path = xlsx_file(tmp_path / "名单.xlsx", {"网站": [SITE_HEADER, *SITE_ROWS]})
    path.write_bytes(path.read_bytes()[:300])
    assert problems(path) == [f"{path}: 不是有效的 XLSX 文件(BadZipFile)"]


def test_registry_errors_from_a_table_list_every_row(tmp_path: Path) -> None:
    rows = [["", f"http://www.{n}.gov.cn/"] for n in ("tja", "xjj", "shouxian")]
    path = csv_file(tmp_path / "sites.csv", [["网站名称", "网址"], *rows])
    with pytest.raises(RegistryErrors) as info:
        load_registry(path)
    assert [e.row for e in info.value.errors] == [2, 3, 4]
    assert str(info.value) == f"{path} 第2行 字段 网站名称: 不能为空 等 3 处错误"
