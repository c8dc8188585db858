"""`govinspect sites import/list/export` as users call them: counts in Chinese, one line per problem, exit 2."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "registry"


class Cli:
    """``python -m govinspect`` against one database (SQLite in a home folder, or PostgreSQL)."""

    def __init__(self, env: dict[str, str], cwd: Path):
        self.env, self.cwd = env, cwd

    def __call__(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "govinspect", *args], capture_output=True, text=True,
                              timeout=120, env=self.env, cwd=self.cwd)

    def listing(self, *args: str) -> dict:
        proc = self("sites", "list", "--json", *args)
        assert proc.returncode == 0, proc.stderr
        return json.loads(proc.stdout)


def make_cli(tmp_path: Path, database_url: str | None = None) -> Cli:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVINSPECT_")}
    env.update(GOVINSPECT_HOME=str(tmp_path / "home"), COLUMNS="200", PYTHONIOENCODING="utf-8")
    if database_url:
        env["GOVINSPECT_DATABASE_URL"] = database_url
    return Cli(env, tmp_path)


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    """The CLI on the embedded SQLite database in a fresh GOVINSPECT_HOME."""
    return make_cli(tmp_path)


@pytest.fixture(params=["sqlite", "postgresql"])
def any_cli(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Cli]:
    """The CLI on SQLite (GOVINSPECT_HOME) and on PostgreSQL (GOVINSPECT_DATABASE_URL) when reachable."""
    if request.param == "sqlite":
        yield make_cli(tmp_path)
        return
    from tests.store_support import database

    with database("postgresql", tmp_path) as url:
        yield make_cli(tmp_path, url.replace("postgresql+psycopg://", "postgresql://"))


def test_import_list_export_reimport(any_cli: Cli, tmp_path: Path) -> None:
    registry = tmp_path / "reg"
    shutil.copytree(FIXTURES, registry)
    proc = any_cli("sites", "import", "reg/huainan.yaml")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "已导入 reg/huainan.yaml:",
        "  网站: 新增 4，更新 0，未变 0，归档 0，恢复 0",
        "  新媒体账号: 新增 3，更新 0，未变 0，归档 0，恢复 0",
        "  单位: 新增 5",
    ]
    doc = any_cli.listing()
    assert [s["name"] for s in doc["sites"]] == ["淮南市人民政府", "田家庵区人民政府", "淮南市教育局", "寿县人民政府"]
    closed = doc["accounts"][2]
    assert (closed["name"], closed["status"], closed["closed_on"], closed["closed_kind"]) == (
        "淮南教育", "closed", "2019-09-30", "关停")
    assert closed["source"]["path"] == str(registry / "posts" / "jyj.csv")  # absolute: inspect works anywhere

    table = any_cli("sites", "list")
    assert table.returncode == 0, table.stderr
    for text in ("名称", "网址", "单位", "级别", "状态", "淮南市人民政府", "门户", "区县", "已关停 2019-09-30"):
        assert text in table.stdout

    on_postgres = "GOVINSPECT_DATABASE_URL" in any_cli.env
    for suffix in ("xlsx",) if on_postgres else ("csv", "xlsx", "yaml"):
        out = any_cli("sites", "export", f"out/名单.{suffix}")
        assert out.returncode == 0, out.stderr
        assert out.stdout.strip() == f"已导出 4 个网站、3 个新媒体账号到 out/名单.{suffix}"
        again = any_cli("sites", "import", f"out/名单.{suffix}")
        assert again.returncode == 0, again.stderr
        assert again.stdout.splitlines()[1:3] == [
            "  网站: 新增 0，更新 0，未变 4，归档 0，恢复 0",
            "  新媒体账号: 新增 0，更新 0，未变 3，归档 0，恢复 0",
        ]

    fewer = any_cli("sites", "import", "reg/registry.csv")  # two sites, two accounts
    assert fewer.returncode == 0, fewer.stderr
    assert "归档 2" in fewer.stdout.splitlines()[1] and "归档 1" in fewer.stdout.splitlines()[2]
    assert len(any_cli.listing()["sites"]) == 2
    archived = any_cli.listing("--archived")
    assert [s["archived_on"] is not None for s in archived["sites"]] == [False, False, True, True]
    assert "已归档" in any_cli("sites", "list", "--archived").stdout


def test_dry_run_writes_nothing(cli: Cli) -> None:
    proc = cli("sites", "import", str(FIXTURES / "huainan.yaml"), "--dry-run")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"试导入 {FIXTURES / 'huainan.yaml'}(未写入数据库):")
    assert "新增 4" in proc.stdout
    assert cli.listing() == {"sites": [], "accounts": []}
    assert "没有登记任何网站" in cli("sites", "list").stdout


def write_bad(tmp_path: Path) -> Path:
    path = tmp_path / "bad.csv"
    path.write_text(
        "序号,网站名称,网址,主办单位,级别\n"
        "1,淮南市人民政府,http://www.huainan.gov.cn/,淮南市人民政府办公室,门户\n"
        "2,淮南市政府门户,https://www.huainan.gov.cn,淮南市人民政府办公室,门户\n"
        "3,田家庵区人民政府,http://www.tja.gov.cn/,田家庵区人民政府办公室,省级\n"
        "4,寿县人民政府,www.shouxian.gov.cn,寿县人民政府办公室,区县\n",
        encoding="utf-8")
    return path


def test_bad_registry_lists_every_problem_and_imports_nothing(cli: Cli, tmp_path: Path) -> None:
    path = write_bad(tmp_path)
    proc = cli("sites", "import", str(path))
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.splitlines() == [
        f"错误: {path} 第3行 字段 网址: 网址“https://www.huainan.gov.cn”与第2行重复",
        f"错误: {path} 第4行 字段 级别: “省级”不是有效的级别，应为 portal(门户)、county(区县)、department(部门)或 other(其他)",
        f"错误: {path} 第5行 字段 网址: “www.shouxian.gov.cn”不是有效的网址，应以 http:// 或 https:// 开头",
    ]
    assert "Traceback" not in proc.stderr
    assert cli.listing() == {"sites": [], "accounts": []}


def test_missing_record_files_import_nothing(cli: Cli, tmp_path: Path) -> None:
    shutil.copytree(FIXTURES, tmp_path / "reg")
    (tmp_path / "reg" / "messages" / "123.csv").unlink()
    (tmp_path / "reg" / "posts" / "jyj.csv").write_text("published,title\n2019-09-31,x\n", encoding="utf-8")
    proc = cli("sites", "import", "reg/huainan.yaml")
    assert proc.returncode == 2
    lines = proc.stderr.splitlines()
    assert lines[0] == f"错误: {tmp_path / 'reg' / 'messages' / '123.csv'}: 文件不存在"
    assert lines[1].startswith(f"错误: {tmp_path / 'reg' / 'posts' / 'jyj.csv'} 第2行 字段 published: “2019-09-31”")
    assert len(lines) == 2
    assert cli.listing() == {"sites": [], "accounts": []}


def test_gbk_csv_from_excel(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "网站名单.csv"
    path.write_bytes((FIXTURES / "sites.csv").read_text(encoding="utf-8").replace("\n", "\r\n").encode("gbk"))
    proc = cli("sites", "import", str(path))
    assert proc.returncode == 0, proc.stderr
    assert "新增 4" in proc.stdout
    sites = cli.listing()["sites"]
    assert [(s["name"], s["unit"], s["level"]) for s in sites][1] == ("田家庵区人民政府", "田家庵区人民政府办公室", "county")


def test_empty_sheets_and_files(cli: Cli, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.title = "Sheet1"
    empty = tmp_path / "empty.xlsx"
    book.save(empty)
    headers_only = tmp_path / "headers.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "网站"
    book.active.append(["网站名称", "网址", "级别"])
    book.save(headers_only)
    blank = tmp_path / "blank.csv"
    blank.write_bytes(b"")
    expected = {
        empty: f"错误: {empty}: 找不到表头行，表头应包含 name(名称/网站名称) 列",
        headers_only: f"错误: {headers_only}: 注册表中没有任何网站或新媒体账号",
        blank: f"错误: {blank}: 找不到表头行，表头应包含 name(名称/网站名称) 列",
    }
    for path, line in expected.items():
        proc = cli("sites", "import", str(path))
        assert (proc.returncode, proc.stderr.splitlines()) == (2, [line])
    assert cli.listing() == {"sites": [], "accounts": []}


def test_export_errors_are_one_line(cli: Cli, tmp_path: Path) -> None:
    proc = cli("sites", "export", "out.yaml")
    assert (proc.returncode, proc.stderr.strip()) == (
        2, "错误: 数据库中没有登记任何网站或新媒体账号，无可导出；请先运行 govinspect sites import FILE")
    assert cli("sites", "import", str(FIXTURES / "sites.csv")).returncode == 0
    proc = cli("sites", "export", "out.txt")
    assert (proc.returncode, proc.stderr.strip()) == (
        2, "错误: out.txt: 不支持的文件类型，导出文件应为 .yaml、.yml、.csv 或 .xlsx")
    assert not (tmp_path / "out.txt").exists()
