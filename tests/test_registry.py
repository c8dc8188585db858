"""YAML registries, the validation rules shared by all formats, and bare URL targets."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from govinspect.errors import RegistryError, UsageError
from govinspect.registry import (
    AccountEntry,
    RegistryErrors,
    SourceSpec,
    is_registry_target,
    load_registry,
    site_from_url,
)

FIXTURES = Path(__file__).parent / "fixtures" / "registry"

SITE = "  - name: 淮南市人民政府\n    url: http://www.huainan.gov.cn/\n"
ACCOUNT = (
    "  - name: 淮南市人民政府发布\n    platform: weibo\n    source:\n"
    "      type: rss\n      url: http://127.0.0.1:8100/weibo/123.xml\n"
)


def write(tmp_path: Path, text: str, name: str = "r.yaml", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def problems(path: Path) -> list[str]:
    """Every problem reported for ``path``, one line each as the CLI prints them."""
    with pytest.raises(RegistryError) as info:
        load_registry(path)
    return [str(e) for e in getattr(info.value, "errors", [info.value])]


def test_yaml_fixture_reads_every_field() -> None:
    registry = load_registry(FIXTURES / "huainan.yaml")
    portal, county, dept, shouxian = registry.sites
    assert portal.name == "淮南市人民政府"
    assert portal.url == "http://www.huainan.gov.cn/"
    assert portal.unit == "淮南市人民政府办公室"
    assert portal.level == "portal"
    assert portal.site_code == "3404000001"
    assert portal.search_url == "http://www.huainan.gov.cn/site/search/6788?keywords={q}"
    assert portal.source == f"{FIXTURES / 'huainan.yaml'}:3"
    # Unquoted 3404030001 is kept as the text written; 区县 and 部门 are normalised.
    assert (county.site_code, county.level) == ("3404030001", "county")
    assert (dept.level, dept.site_code) == ("department", None)
    assert shouxian.url == "http://www.shouxian.gov.cn"
    assert registry.path == FIXTURES / "huainan.yaml"


def test_yaml_fixture_reads_accounts() -> None:
    weibo, wechat, douyin = load_registry(FIXTURES / "huainan.yaml").accounts
    assert weibo == AccountEntry(
        name="淮南市人民政府发布",
        unit="淮南市人民政府办公室",
        platform="weibo",
        source=SourceSpec("rss", url="http://127.0.0.1:8100/weibo/123.xml"),
        messages=SourceSpec("file", path=(FIXTURES / "messages" / "123.csv").resolve()),
        source_ref=f"{FIXTURES / 'huainan.yaml'}:24",
    )
    assert wechat.platform == "wechat"  # written 微信
    assert wechat.platform_id == "huainanfabu"
    assert wechat.source.type == "weibo"
    assert (douyin.status, douyin.closed_on, douyin.official_matrix) == (
        "closed", date(2019, 9, 30), False,
    )
    assert douyin.source == SourceSpec("file", path=(FIXTURES / "posts" / "jyj.csv").resolve())


def test_yml_suffix_and_gbk_encoding(tmp_path: Path) -> None:
    text = (FIXTURES / "huainan.yaml").read_text(encoding="utf-8")
    path = write(tmp_path, text, "名单.yml", encoding="gbk")
    registry = load_registry(path)
    assert [s.name for s in registry.sites][:2] == ["淮南市人民政府", "田家庵区人民政府"]


def test_sites_only_and_accounts_only(tmp_path: Path) -> None:
    assert len(load_registry(write(tmp_path, "sites:\n" + SITE)).sites) == 1
    registry = load_registry(write(tmp_path, "accounts:\n" + ACCOUNT, "a.yaml"))
    assert (registry.sites, len(registry.accounts)) == ([], 1)


def test_octal_looking_site_code_stays_text(tmp_path: Path) -> None:
    path = write(tmp_path, "sites:\n" + SITE + "    site_code: 0340400001\n")
    assert load_registry(path).sites[0].site_code == "0340400001"


def test_department_code_is_lower_cased(tmp_path: Path) -> None:
    path = write(tmp_path, "sites:\n" + SITE + "    site_code: BM07000001\n")
    assert load_registry(path).sites[0].site_code == "bm07000001"


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ("  - url: http://www.huainan.gov.cn/\n", "第2行 字段 name: 不能为空"),
        ("  - name: 淮南市人民政府\n", "第2行 字段 url: 不能为空"),
        (SITE.replace("http://", "ftp://"),
         "第3行 字段 url: “ftp://www.huainan.gov.cn/”不是有效的网址，应以 http:// 或 https:// 开头"),
        (SITE.replace("http://www.huainan.gov.cn/", "www.huainan.gov.cn"),
         "第3行 字段 url: “www.huainan.gov.cn”不是有效的网址，应以 http:// 或 https:// 开头"),
        (SITE.replace("http://www.huainan.gov.cn/", "http:///index.html"),
         "第3行 字段 url: “http:///index.html”缺少主机名"),
        (SITE.replace("huainan.gov.cn/", "huainan.gov.cn/a b.html"),
         "第3行 字段 url: “http://www.huainan.gov.cn/a b.html”中含有空格"),
        (SITE.replace("gov.cn/", "gov.cn:99999/"),
         "第3行 字段 url: “http://www.huainan.gov.cn:99999/”不是有效的网址"),
        (SITE + "    level: 省级\n",
         "第4行 字段 level: “省级”不是有效的级别，应为 "
         "portal(门户)、county(区县)、department(部门)或 other(其他)"),
        (SITE + "    site_code: 34040001\n",
         "第4行 字段 site_code: “34040001”不是有效的网站标识码，应为 10 位数字或 bm 加 8 位数字"),
        (SITE + "    site_code: bm0700001x\n",
         "第4行 字段 site_code: “bm0700001x”不是有效的网站标识码，应为 10 位数字或 bm 加 8 位数字"),
        (SITE + "    search_url: http://www.huainan.gov.cn/search?q=\n",
         "第4行 字段 search_url: “http://www.huainan.gov.cn/search?q=”中缺少查询词占位符 {q}"),
        (SITE + "    search_url: /search?q={q}\n",
         "第4行 字段 search_url: “/search?q={q}”不是有效的网址，应以 http:// 或 https:// 开头"),
        (SITE + "    colour: red\n", "第4行 字段 colour: 未知字段"),
        (SITE + "    platform: weibo\n", "第4行 字段 platform: 未知字段"),
        (SITE + "    name: 淮南市政府\n", "第4行 字段 name: 与第2行的“name”重复"),
        (SITE + "    unit: [淮南市人民政府办公室]\n", "第4行 字段 unit: 应为单个值"),
        ("  - 淮南市人民政府\n", "第2行: 每一项应为“字段: 值”的映射"),
    ],
)
def test_site_errors_name_file_row_and_field(tmp_path: Path, item: str, expected: str) -> None:
    path = write(tmp_path, "sites:\n" + item)
    assert problems(path) == [f"{path} {expected}"]


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        (ACCOUNT.replace("platform: weibo", "platform: 小红书书"),
         "第3行 字段 platform: “小红书书”不是有效的平台，应为 "
         "wechat(微信)、weibo(微博)、douyin(抖音)、toutiao(今日头条)或 other(其他)"),
        (ACCOUNT.replace("type: rss", "type: ftp"),
         "第5行 字段 source.type: “ftp”不是有效的来源类型，应为 rss、weibo 或 file"),
        ("  - name: 淮南发布\n    source:\n      type: rss\n",
         "第2行 字段 source.url: 来源类型为 rss 时必须填写 url"),
        ("  - name: 淮南发布\n    source:\n      type: weibo\n",
         "第2行 字段 source.url: 来源类型为 weibo 时必须填写 url"),
        ("  - name: 淮南发布\n    source:\n      type: file\n",
         "第2行 字段 source.path: 来源类型为 file 时必须填写 path"),
        ("  - name: 淮南发布\n    platform: wechat\n",
         "第2行 字段 source.type: 缺少帖子来源，应为 rss、weibo 或 file，并填写 url 或 path"),
        ("  - name: 淮南发布\n    source: http://127.0.0.1:8100/a.xml\n",
         "第3行 字段 source: 应为映射，包含 type 和 url 或 path"),
        (ACCOUNT.replace("url: http://127", "url: 127"),
         "第6行 字段 source.url: “127.0.0.1:8100/weibo/123.xml”不是有效的网址，"
         "应以 http:// 或 https:// 开头"),
        (ACCOUNT + "    messages:\n      type: rss\n      path: m.csv\n",
         "第8行 字段 messages.type: “rss”不是有效的留言来源类型，应为 file"),
        (ACCOUNT + "    messages:\n      type: file\n",
         "第2行 字段 messages.path: 留言来源类型为 file 时必须填写 path"),
        (ACCOUNT + "    messages:\n      url: http://x/m.json\n",
         "第8行 字段 messages.url: 未知字段"),
        (ACCOUNT + "    status: 停更\n",
         "第7行 字段 status: “停更”不是有效的状态，应为 active(正常)或 closed(关停)"),
        (ACCOUNT + "    status: active\n    closed_on: 2019-09-30\n",
         "第8行 字段 closed_on: 状态为 active(正常)的账号不应填写关停日期"),
        (ACCOUNT + "    closed_on: 2019-02-30\n",
         "第7行 字段 closed_on: “2019-02-30”不是有效的时间，应为 "
         "YYYY-MM-DD HH:MM:SS、YYYY-MM-DD HH:MM 或 YYYY/MM/DD"),
        (ACCOUNT + "    official_matrix: maybe\n",
         "第7行 字段 official_matrix: “maybe”不是是/否值，应为 true 或 false(是/否)"),
        (ACCOUNT + "    url: http://weibo.com/huainan\n", "第7行 字段 url: 未知字段"),
    ],
)
def test_account_errors_name_file_row_and_field(tmp_path: Path, item: str, expected: str) -> None:
    path = write(tmp_path, "accounts:\n" + item)
    assert problems(path) == [f"{path} {expected}"]


def test_every_bad_row_is_reported_at_once(tmp_path: Path) -> None:
    path = write(tmp_path, (
        "sites:\n"
        "  - name: 淮南市人民政府\n    url: http://www.huainan.gov.cn/\n    level: 省级\n"
        "  - name: 田家庵区人民政府\n    url: www.tja.gov.cn\n"
        "  - url: http://www.shouxian.gov.cn/\n"
    ))
    with pytest.raises(RegistryErrors) as info:
        load_registry(path)
    error = info.value
    assert [(e.row, e.field) for e in error.errors] == [(4, "level"), (6, "url"), (7, "name")]
    assert str(error) == f"{error.errors[0]} 等 3 处错误"
    assert (error.file, error.row, error.field) == (str(path), 4, "level")
    assert isinstance(error, UsageError)  # the CLI exits with status 2


def test_one_bad_row_gives_registry_errors_without_count(tmp_path: Path) -> None:
    path = write(tmp_path, "sites:\n  - url: http://www.huainan.gov.cn/\n")
    with pytest.raises(RegistryErrors) as info:
        load_registry(path)
    assert str(info.value) == f"{path} 第2行 字段 name: 不能为空"


def test_duplicate_sites_name_both_rows(tmp_path: Path) -> None:
    path = write(tmp_path, (
        "sites:\n"
        "  - name: 淮南市人民政府\n    url: http://www.huainan.gov.cn/\n    site_code: '3404000001'\n"
        "  - name: 淮南市人民政府\n    url: http://www.huainan.gov.cn/zwgk/\n"
        "  - name: 淮南市政府门户\n    url: HTTPS://WWW.HUAINAN.GOV.CN\n"
        "  - name: 田家庵区人民政府\n    url: http://www.tja.gov.cn/\n    site_code: '3404000001'\n"
    ))
    assert problems(path) == [
        f"{path} 第5行 字段 name: 网站名称“淮南市人民政府”与第2行重复",
        f"{path} 第8行 字段 url: 网址“HTTPS://WWW.HUAINAN.GOV.CN”与第3行重复",
        f"{path} 第11行 字段 site_code: 网站标识码“3404000001”与第4行重复",
    ]


def test_duplicate_row_with_another_error_is_still_reported(tmp_path: Path) -> None:
    path = write(tmp_path, "sites:\n" + SITE + SITE + "    level: 省级\n")
    assert [line.split(": ", 1)[0] for line in problems(path)] == [
        f"{path} 第4行 字段 name",
        f"{path} 第5行 字段 url",
        f"{path} 第6行 字段 level",
    ]


def test_duplicate_accounts_only_on_the_same_platform(tmp_path: Path) -> None:
    wechat = ACCOUNT.replace("platform: weibo", "platform: 微信")
    assert len(load_registry(write(tmp_path, "accounts:\n" + ACCOUNT + wechat)).accounts) == 2
    path = write(tmp_path, "accounts:\n" + ACCOUNT + ACCOUNT, "dup.yaml")
    assert problems(path) == [f"{path} 第7行 字段 name: weibo 账号“淮南市人民政府发布”与第2行重复"]


def test_account_defaults_and_inferred_source_types(tmp_path: Path) -> None:
    path = write(tmp_path, (
        "accounts:\n"
        "  - name: 淮南发布\n    source:\n      url: http://127.0.0.1:8100/rss/wechat.xml\n"
        "  - name: 淮南市人民政府发布\n    source:\n"
        "      url: https://m.weibo.cn/api/container/getIndex?containerid=1076031234567890\n"
        "  - name: 淮南教育\n    closed_on: 2019/9/30\n    source:\n      path: posts/jyj.csv\n"
    ))
    rss, weibo, posts = load_registry(path).accounts
    assert (rss.platform, rss.status, rss.official_matrix, rss.source.type) == (
        "other", "active", True, "rss",
    )
    assert weibo.source.type == "weibo"
    assert posts.source == SourceSpec("file", path=(tmp_path / "posts" / "jyj.csv").resolve())
    assert (posts.status, posts.closed_on) == ("closed", date(2019, 9, 30))


def test_paths_resolve_against_the_registry_folder(tmp_path: Path) -> None:
    folder = tmp_path / "名单"
    folder.mkdir()
    absolute = tmp_path / "exports" / "jyj.csv"
    path = write(folder, (
        "accounts:\n"
        "  - name: 淮南教育\n    source:\n      type: file\n      path: ..\\\\posts\\\\jyj.csv\n"
        "    messages:\n      path: messages/jyj.json\n"
        f"  - name: 寿县发布\n    source:\n      type: file\n      path: {absolute}\n"
    ))
    relative, kept = load_registry(path).accounts
    assert relative.source.path == (tmp_path / "posts" / "jyj.csv").resolve()
    assert relative.messages == SourceSpec("file", path=(folder / "messages" / "jyj.json").resolve())
    assert kept.source.path == absolute


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("missing.yaml", None, "missing.yaml: 文件不存在"),
        ("r.yaml", "sites:\n  - name: a\n   url: b\n", "r.yaml 第3行: 不是有效的 YAML("),
        ("r.yaml", "sites: [\n", "r.yaml 第2行: 不是有效的 YAML("),
        ("r.yaml", "", "r.yaml: 注册表中没有任何网站或新媒体账号"),
        ("r.yaml", "sites:\naccounts: []\n", "r.yaml: 注册表中没有任何网站或新媒体账号"),
        ("r.yaml", "- name: a\n", "r.yaml 第1行: 顶层应为包含 sites 和 accounts 列表的映射"),
        ("r.yaml", "site:\n" + SITE, "r.yaml 第1行 字段 site: 未知的顶层字段，应为 sites 或 accounts"),
        ("r.yaml", "sites: 淮南市人民政府\n", "r.yaml 第1行 字段 sites: 应为列表"),
        ("r.txt", "sites:\n" + SITE,
         "r.txt: 不支持的文件类型，注册表应为 .yaml、.yml、.csv 或 .xlsx 文件"),
        ("r.xls", "", "r.xls: 不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx"),
        ("r.csv", "", "r.csv: 找不到表头行，表头应包含 name(名称/网站名称) 列"),
        ("r.csv", "name,url\n", "r.csv: 注册表中没有任何网站或新媒体账号"),
        ("r.xlsx", "name,url\n", "r.xlsx: 不是有效的 XLSX 文件("),
    ],
)
def test_unreadable_files_name_the_file(
    tmp_path: Path, name: str, content: str | None, expected: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    (message,) = problems(path)
    assert message.startswith(f"{tmp_path}/{expected}")


def test_directory_is_not_a_registry(tmp_path: Path) -> None:
    folder = tmp_path / "r.yaml"
    folder.mkdir()
    assert problems(folder) == [f"{folder}: 是目录而不是文件"]


def test_undecodable_csv_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(b"name,url\n\x80\xff\xfe\x81,http://a.gov.cn/\n")
    assert problems(path) == [f"{path}: 无法识别文件编码，请另存为 UTF-8 或 GBK 编码"]


def test_fixture_copied_elsewhere_resolves_paths_there(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "huainan.yaml", tmp_path / "huainan.yaml")
    account = load_registry(tmp_path / "huainan.yaml").accounts[0]
    assert account.messages is not None
    assert account.messages.path == (tmp_path / "messages" / "123.csv").resolve()


@pytest.mark.parametrize(
    ("target", "name", "url"),
    [
        ("http://www.huainan.gov.cn/", "www.huainan.gov.cn", "http://www.huainan.gov.cn/"),
        ("https://WWW.Huainan.gov.cn/index.html", "www.huainan.gov.cn",
         "https://WWW.Huainan.gov.cn/index.html"),
        (" www.huainan.gov.cn ", "www.huainan.gov.cn", "http://www.huainan.gov.cn"),
        ("http://127.0.0.1:8101/", "127.0.0.1:8101", "http://127.0.0.1:8101/"),
    ],
)
def test_site_from_url(target: str, name: str, url: str) -> None:
    site = site_from_url(target)
    assert (site.name, site.url, site.level) == (name, url, "other")


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("ftp://www.huainan.gov.cn/", "“ftp://www.huainan.gov.cn/”不是有效的网址，应以 http:// 或 https:// 开头"),
        ("http://", "“http://”缺少主机名"),
        ("http://www.huainan.gov.cn/a b", "“http://www.huainan.gov.cn/a b”中含有空格"),
        ("淮南市人民政府", "“淮南市人民政府”不是有效的网址，应以 http:// 或 https:// 开头"),
    ],
)
def test_site_from_bad_url(target: str, expected: str) -> None:
    with pytest.raises(RegistryError) as info:
        site_from_url(target)
    assert str(info.value) == f"命令行参数: {expected}"


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("huainan.yaml", True),
        ("名单/网站.XLSX", True),
        ("sites.csv", True),
        ("old.xls", True),
        ("http://www.huainan.gov.cn/", False),
        ("http://www.huainan.gov.cn/list.csv", False),
        ("www.huainan.gov.cn", False),
    ],
)
def test_is_registry_target(target: str, expected: bool) -> None:
    assert is_registry_target(target) is expected


def test_yaml_site_overrides_are_kept(tmp_path):
    from govinspect.registry import load_registry

    reg = tmp_path / "sites.yaml"
    reg.write_text(
        "sites:\n"
        "  - name: 淮南市自然资源和规划局\n"
        "    url: http://zrzyj.huainan.gov.cn/\n"
        "    overrides:\n"
        "      allow_words: [国土资源局]\n"
        "      messages: {board_url_contains: /hdjl/}\n",
        encoding="utf-8",
    )
    [site] = load_registry(reg).sites
    assert site.overrides == {"allow_words": ["国土资源局"], "messages": {"board_url_contains": "/hdjl/"}}


def test_yaml_overrides_must_be_a_mapping(tmp_path):
    import pytest

    from govinspect.errors import RegistryError
    from govinspect.registry import load_registry

    reg = tmp_path / "sites.yaml"
    reg.write_text("sites:\n  - name: 示例\n    url: http://www.example.gov.cn/\n    overrides: 3\n", encoding="utf-8")
    with pytest.raises(RegistryError) as exc:
        load_registry(reg)
    assert "第4行" in str(exc.value) and "overrides" in str(exc.value)
