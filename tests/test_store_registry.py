"""The registry in the store: import, re-import, archive and restore, closed accounts, export round trip."""

from __future__ import annotations

import dataclasses
import shutil
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from govinspect.errors import RegistryError, UsageError
from govinspect.registry import Registry, RegistryErrors, load_registry
from govinspect.store.registry import (
    account_ids,
    export_registry,
    import_registry,
    registered,
    site_by_name,
    site_ids,
)
from govinspect.store.tables import Account, Site, Unit

FIXTURES = Path(__file__).parent / "fixtures" / "registry"


def load_into(store, path: Path, **kw):
    return import_registry(store, load_registry(path), source=str(path), **kw)


def counts(store) -> tuple[int, int, int]:
    with store.session() as s:
        return tuple(s.scalar(select(func.count()).select_from(t)) for t in (Site, Account, Unit))


def copy_fixture(tmp_path: Path) -> Path:
    """The huainan registry with its record files, in a folder the test may edit."""
    folder = tmp_path / "reg"
    shutil.copytree(FIXTURES, folder)
    return folder / "huainan.yaml"


def plain(registry: Registry) -> tuple[list, list]:
    """Entries without where they were read from, for comparing registries."""
    sites = [dataclasses.replace(s, source=None) for s in registry.sites]
    accounts = [dataclasses.replace(a, source_ref=None) for a in registry.accounts]
    return sites, accounts


def test_import_adds_sites_accounts_and_units(store) -> None:
    report = load_into(store, FIXTURES / "huainan.yaml")
    assert dataclasses.astuple(report.sites) == (4, 0, 0, 0, 0)
    assert dataclasses.astuple(report.accounts) == (3, 0, 0, 0, 0)
    assert report.units_added == 5
    assert counts(store) == (4, 3, 5)
    back = registered(store)
    assert plain(back) == plain(load_registry(FIXTURES / "huainan.yaml"))
    first = back.sites[0]
    assert first.source == f"{FIXTURES / 'huainan.yaml'}:3"  # file:line of the last import


def test_reimport_updates_in_place_without_duplicates(store, tmp_path: Path) -> None:
    path = copy_fixture(tmp_path)
    load_into(store, path)
    again = load_into(store, path)
    assert dataclasses.astuple(again.sites) == (0, 0, 4, 0, 0)
    assert dataclasses.astuple(again.accounts) == (0, 0, 3, 0, 0)
    # The same site renamed, its URL written as https without the final slash: updated, not added.
    text = path.read_text(encoding="utf-8")
    text = text.replace("name: 淮南市人民政府\n    url: http://www.huainan.gov.cn/",
                        "name: 淮南市人民政府门户网站\n    url: https://WWW.huainan.gov.cn")
    text = text.replace("unit: 淮南市教育局\n    level: 部门", "unit: 淮南市教育体育局\n    level: 部门")
    text = text.replace("platform_id: huainanfabu", "platform_id: hnfb")
    path.write_text(text, encoding="utf-8")
    report = load_into(store, path)
    assert dataclasses.astuple(report.sites) == (0, 2, 2, 0, 0)
    assert dataclasses.astuple(report.accounts) == (0, 1, 2, 0, 0)
    assert report.units_added == 1
    assert counts(store)[:2] == (4, 3)
    ids = site_ids(store)
    assert ids["https://WWW.huainan.gov.cn"] == 1  # the same row keeps its id, so its history
    site = site_by_name(store, "淮南市人民政府门户网站")
    assert (site.url, site.level, site.site_code) == ("https://WWW.huainan.gov.cn", "portal", "3404000001")
    assert site_by_name(store, "淮南市教育局").unit == "淮南市教育体育局"


def test_absent_entries_are_archived_then_restored(store, tmp_path: Path) -> None:
    path = copy_fixture(tmp_path)
    load_into(store, path)
    full = path.read_text(encoding="utf-8")
    shorter = full.replace(
        "  - name: 寿县人民政府\n    url: http://www.shouxian.gov.cn\n    unit: 寿县人民政府办公室\n"
        "    level: county\n    site_code: \"3404220001\"\n", "")
    shorter = shorter.replace(
        "  - name: 淮南发布\n    unit: 淮南市人民政府新闻办公室\n    platform: 微信\n    platform_id: huainanfabu\n"
        "    source:\n      type: weibo\n"
        "      url: http://127.0.0.1:8100/api/container/getIndex?containerid=1076031234567890\n", "")
    assert shorter != full and shorter.count("name:") == full.count("name:") - 2
    path.write_text(shorter, encoding="utf-8")
    report = load_into(store, path)
    assert (report.sites.archived, report.accounts.archived) == (1, 1)
    assert counts(store)[:2] == (4, 3)  # never deleted
    active = registered(store)
    assert [s.name for s in active.sites] == ["淮南市人民政府", "田家庵区人民政府", "淮南市教育局"]
    assert [a.name for a in active.accounts] == ["淮南市人民政府发布", "淮南教育"]
    everything = registered(store, include_archived=True)
    assert len(everything.sites) == 4 and len(everything.accounts) == 3
    with store.session() as s:
        gone = s.scalars(select(Site).where(Site.name == "寿县人民政府")).one()
        assert gone.archived_at is not None
    again = load_into(store, path)  # still absent: archived once, not again
    assert (again.sites.archived, again.accounts.archived) == (0, 0)
    path.write_text(full, encoding="utf-8")
    back = load_into(store, path)
    assert (back.sites.restored, back.accounts.restored) == (1, 1)
    assert (back.sites.unchanged, back.accounts.unchanged) == (3, 2)
    assert site_ids(store, include_archived=False)["http://www.shouxian.gov.cn"] == 4
    assert len(registered(store).sites) == 4


def test_a_file_of_one_kind_leaves_the_other_alone(store) -> None:
    load_into(store, FIXTURES / "huainan.yaml")
    report = load_into(store, FIXTURES / "sites.csv")  # a sites list without accounts
    assert report.kinds == ("site",)
    assert dataclasses.astuple(report.accounts) == (0, 0, 0, 0, 0)
    assert len(registered(store).accounts) == 3
    closed = load_into(store, FIXTURES / "closed.csv")  # an accounts list without sites
    assert closed.kinds == ("account",)
    assert (closed.accounts.added, closed.accounts.archived) == (4, 3)
    assert len(registered(store).sites) == 4


def test_closed_and_merged_accounts_keep_date_and_kind(store) -> None:
    load_into(store, FIXTURES / "closed.csv")
    accounts = {a.name: a for a in registered(store).accounts}
    got = {n: (a.status, a.closed_on, a.closed_kind) for n, a in accounts.items()}
    assert got == {
        "田家庵发布": ("active", None, None),
        "寿县发布": ("closed", date(2019, 8, 31), "注销"),      # 状态 注销
        "淮南教育局": ("closed", date(2019, 9, 15), "整合"),    # only a date in the 整合日期 column
        "淮南卫健": ("closed", date(2019, 9, 1), "关停"),       # 状态 已关停
    }
    with store.session() as s:
        row = s.scalars(select(Account).where(Account.name == "寿县发布")).one()
        assert (row.closed_on, row.closed_kind, row.platform) == (date(2019, 8, 31), "注销", "weibo")


def test_closed_kind_column_and_words(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    source = "    source: {type: rss, url: 'http://127.0.0.1:8100/a.xml'}\n"
    path.write_text(
        "accounts:\n"
        f"  - name: 甲\n    status: 合并\n    closed_on: 2019-09-01\n{source}"
        f"  - name: 乙\n    closed_kind: 注销\n{source}"
        f"  - name: 丙\n    status: closed\n{source}"
        f"  - name: 丁\n    status: closed\n    closed_kind: merged\n{source}",
        encoding="utf-8")
    got = [(a.status, a.closed_kind) for a in load_registry(path).accounts]
    assert got == [("closed", "整合"), ("closed", "注销"), ("closed", "关停"), ("closed", "整合")]
    path.write_text(f"accounts:\n  - name: 甲\n    status: 正常\n    closed_kind: 注销\n{source}"
                    f"  - name: 乙\n    closed_kind: 停更\n{source}", encoding="utf-8")
    with pytest.raises(RegistryErrors) as info:
        load_registry(path)
    assert [str(e) for e in info.value.errors] == [
        f"{path} 第4行 字段 closed_kind: 状态为 active(正常)的账号不应填写关停类型",
        f"{path} 第7行 字段 closed_kind: “停更”不是有效的关停类型，应为 关停、注销或整合",
    ]


def test_record_paths_are_stored_absolute(store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy_fixture(tmp_path)
    monkeypatch.chdir(tmp_path)
    load_into(store, Path("reg/huainan.yaml"))
    monkeypatch.chdir("/")
    accounts = {a.name: a for a in registered(store).accounts}
    messages = accounts["淮南市人民政府发布"].messages
    posts = accounts["淮南教育"].source.path
    assert messages is not None and messages.path == tmp_path / "reg" / "messages" / "123.csv"
    assert posts == tmp_path / "reg" / "posts" / "jyj.csv"
    assert posts.is_absolute() and posts.is_file()


def test_bad_record_files_import_nothing(store, tmp_path: Path) -> None:
    path = copy_fixture(tmp_path)
    (path.parent / "messages" / "123.csv").unlink()
    posts = path.parent / "posts" / "jyj.csv"
    posts.write_text("published,title\n2019-13-01,坏日期\n2019-09-30,好\n昨天,也坏\n", encoding="utf-8")
    with pytest.raises(RegistryErrors) as info:
        load_into(store, path)
    lines = [str(e) for e in info.value.errors]
    assert lines == [
        f"{path.parent / 'messages' / '123.csv'}: 文件不存在",
        f"{posts} 第2行 字段 published: “2019-13-01”不是有效的时间，应为 "
        "YYYY-MM-DD HH:MM:SS、YYYY-MM-DD HH:MM 或 YYYY/MM/DD",
        f"{posts} 第4行 字段 published: “昨天”不是有效的时间，应为 "
        "YYYY-MM-DD HH:MM:SS、YYYY-MM-DD HH:MM 或 YYYY/MM/DD",
    ]
    assert counts(store) == (0, 0, 0)


def test_too_long_values_are_refused_before_writing(store, tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(f"sites:\n  - name: {'长' * 201}\n    url: http://a.gov.cn/\n", encoding="utf-8")
    with pytest.raises(RegistryErrors) as info:
        load_into(store, path)
    assert [str(e) for e in info.value.errors] == [f"{path} 第2行 字段 name: 超过 200 个字符，无法存入数据库"]
    assert counts(store) == (0, 0, 0)


def test_dry_run_counts_and_writes_nothing(store) -> None:
    report = load_into(store, FIXTURES / "huainan.yaml", dry_run=True)
    assert (report.dry_run, report.sites.added, report.accounts.added, report.units_added) == (True, 4, 3, 5)
    assert counts(store) == (0, 0, 0)


def test_gbk_csv_from_excel_is_read(store, tmp_path: Path) -> None:
    path = tmp_path / "名单.csv"
    text = (FIXTURES / "sites.csv").read_text(encoding="utf-8")
    path.write_bytes(text.replace("\n", "\r\n").encode("gbk"))
    report = load_into(store, path)
    assert report.sites.added == 4
    assert [(s.name, s.level) for s in registered(store).sites][:2] == [
        ("淮南市人民政府", "portal"), ("田家庵区人民政府", "county")]


def with_closed(tmp_path: Path) -> Path:
    """The huainan registry plus the closed accounts, as one YAML file."""
    path = copy_fixture(tmp_path)
    extra = "".join(
        f"  - name: {name}\n    platform: {platform}\n    status: {status}\n    closed_on: {day}\n"
        f"    source: {{type: rss, url: 'http://127.0.0.1:8100/{n}.xml'}}\n"
        for n, (name, platform, status, day) in enumerate([
            ("寿县发布", "微博", "注销", "2019-08-31"), ("淮南教育局", "抖音", "整合", "2019-09-15")]))
    path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return path


@pytest.mark.parametrize("suffix", ["yaml", "csv", "xlsx"])
def test_export_round_trip(store, tmp_path: Path, suffix: str) -> None:
    load_into(store, with_closed(tmp_path))
    before = registered(store)
    out = tmp_path / "out" / f"名单.{suffix}"
    written = export_registry(store, out)
    assert (len(written.sites), len(written.accounts)) == (4, 5)
    again = load_registry(out)
    assert plain(again) == plain(before)
    report = import_registry(store, again, source=str(out))
    assert dataclasses.astuple(report.sites) == (0, 0, 4, 0, 0)
    assert dataclasses.astuple(report.accounts) == (0, 0, 5, 0, 0)


def test_yaml_export_keeps_site_overrides(store, tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(
        "sites:\n  - name: 淮南市人民政府\n    url: http://www.huainan.gov.cn/\n    overrides:\n"
        "      allow_words: [淮南子]\n      columns: {要闻: '#news'}\n", encoding="utf-8")
    load_into(store, path)
    out = tmp_path / "out.yaml"
    export_registry(store, out)
    site = load_registry(out).sites[0]
    assert site.overrides == {"allow_words": ["淮南子"], "columns": {"要闻": "#news"}}
    assert dataclasses.astuple(import_registry(store, load_registry(out), source=str(out)).sites) == (0, 0, 1, 0, 0)


def test_export_uses_office_headers(store, tmp_path: Path) -> None:
    load_into(store, with_closed(tmp_path))
    csv_path = tmp_path / "名单.csv"
    export_registry(store, csv_path)
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel opens it as UTF-8
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("类别,名称,网址,单位,级别,网站标识码,搜索地址,平台,账号ID,是否纳入矩阵,状态,关停日期,关停类型")
    assert lines[1].startswith("网站,淮南市人民政府,http://www.huainan.gov.cn/,淮南市人民政府办公室,门户,3404000001,")
    assert any(line.startswith("新媒体,寿县发布,,,,,,微博,,是,注销,2019-08-31,注销,rss,") for line in lines)
    xlsx = tmp_path / "名单.xlsx"
    export_registry(store, xlsx)
    book = openpyxl.load_workbook(xlsx)
    assert book.sheetnames == ["网站", "新媒体"]
    assert [c.value for c in book["网站"][1]] == ["网站名称", "网址", "主办单位", "级别", "网站标识码", "搜索地址"]
    assert book["网站"]["E2"].value == "3404000001"  # text: leading zeros and all digits kept
    assert [c.value for c in book["新媒体"][1]][:4] == ["账号名称", "开办主体", "平台", "账号ID"]


def test_export_leaves_archived_out_unless_asked(store, tmp_path: Path) -> None:
    load_into(store, FIXTURES / "huainan.yaml")
    load_into(store, FIXTURES / "registry.csv")  # two sites and two accounts: the others are archived
    assert len(export_registry(store, tmp_path / "a.yaml").sites) == 2
    everything = export_registry(store, tmp_path / "b.yaml", include_archived=True)
    assert (len(everything.sites), len(everything.accounts)) == (4, 3)


def test_export_refuses_empty_store_and_unknown_suffix(store, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="没有登记任何网站"):
        export_registry(store, tmp_path / "a.yaml")
    load_into(store, FIXTURES / "sites.csv")
    with pytest.raises(RegistryError, match="导出文件应为 .yaml、.yml、.csv 或 .xlsx"):
        export_registry(store, tmp_path / "a.txt")


def test_site_by_name_then_url_then_close_names(store) -> None:
    load_into(store, FIXTURES / "huainan.yaml")
    assert site_by_name(store, "寿县人民政府").url == "http://www.shouxian.gov.cn"
    assert site_by_name(store, "jyj.huainan.gov.cn").name == "淮南市教育局"
    assert site_by_name(store, "https://www.tja.gov.cn").name == "田家庵区人民政府"
    with pytest.raises(UsageError) as info:
        site_by_name(store, "寿县政府")
    assert str(info.value).startswith("未找到已登记的网站“寿县政府”，相近的名称: 寿县人民政府")
    assert "\n" not in str(info.value)


def test_ids_of_entries(store) -> None:
    load_into(store, FIXTURES / "huainan.yaml")
    reg = registered(store)
    sites, accounts = site_ids(store), account_ids(store)
    assert [sites[s.url] for s in reg.sites] == [1, 2, 3, 4]
    assert sorted(accounts[(a.platform, a.name)] for a in reg.accounts) == [1, 2, 3]
    assert accounts[("wechat", "淮南发布")] == 2


def test_imports_at_once_leave_no_duplicates(db_url: str) -> None:
    """Two processes importing together: each finishes or refuses with one line; never two rows for one site."""
    from concurrent.futures import ThreadPoolExecutor

    from govinspect.store import StoreError, open_store

    registry = load_registry(FIXTURES / "huainan.yaml")
    with open_store(db_url):
        pass  # migrate once, as the first command on a fresh machine does

    def one(_: int) -> str:
        with open_store(db_url) as st:
            try:
                import_registry(st, registry, source="x")
                return "ok"
            except StoreError as exc:
                assert "\n" not in str(exc)
                return "refused"

    with ThreadPoolExecutor(4) as pool:
        outcomes = list(pool.map(one, range(4)))
    assert "ok" in outcomes
    with open_store(db_url) as st:
        assert counts(st) == (4, 3, 5)
