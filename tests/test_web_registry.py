"""登记表 pages and API: import (one transaction), export, add one site; on both backends."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import yaml

from govinspect.store.registry import registered
from govinspect.store.tables import Unit

from .web_support import PASSWORD

FIXTURES = Path(__file__).parent / "fixtures" / "registry"
BAD = ("序号,网站名称,网址,主办单位,级别\n"
       "1,淮南市人民政府,http://www.huainan.gov.cn/,淮南市人民政府办公室,门户\n"
       "2,田家庵区人民政府,http://www.tja.gov.cn/,田家庵区人民政府办公室,省级\n")


def _state(store):
    reg = registered(store, include_archived=True)
    with store.session() as s:
        units = sorted(u.name for u in s.query(Unit))
    live = registered(store)
    return ([(x.name, x.url, x.unit, x.level) for x in reg.sites], [(a.platform, a.name) for a in reg.accounts],
            [x.url for x in live.sites], units)


def _upload(client, name: str, data: bytes, dry_run: bool = False):
    form = {"csrf_token": client.csrf, **({"dry_run": "1"} if dry_run else {})}
    return client.post("/registry/import", data=form, files={"file": (name, data, "application/octet-stream")})


def test_bad_rows_are_refused_with_their_place_and_nothing_changes(web):
    admin = web.client("admin")
    before = _state(web.store)
    r = _upload(admin, "网站名单.csv", BAD.encode())
    assert r.status_code == 400
    assert "网站名单.csv 第3行 字段 级别: “省级”不是有效的级别" in r.text and "未做任何更改" in r.text
    assert "govinspect-upload" not in r.text  # the server's temporary folder is not shown
    assert _upload(admin, "名单.txt", b"x").status_code == 400
    assert _upload(admin, "名单.csv", b"").status_code == 400
    assert _upload(admin, "名单.yaml", b"sites: [1, 2\n").status_code == 400
    assert _state(web.store) == before


def test_dry_run_then_import_of_a_csv(web):
    admin = web.client("admin")
    before = _state(web.store)
    data = (FIXTURES / "sites.csv").read_bytes()
    r = _upload(admin, "sites.csv", data, dry_run=True)
    assert r.status_code == 200 and "试导入 sites.csv(未写入数据库)" in r.text and "新增 4" in r.text
    assert _state(web.store) == before
    r = _upload(admin, "sites.csv", data)
    assert r.status_code == 200 and "已导入 sites.csv" in r.text
    assert "新增 4" in r.text and "归档 4" in r.text  # the file is the registry: S1-S4 archived
    live = [x.name for x in registered(web.store).sites]
    assert live == ["淮南市人民政府", "田家庵区人民政府", "淮南市教育局", "寿县人民政府"]
    assert len(registered(web.store).accounts) == 4  # a sites-only file leaves the accounts alone


def test_export_in_three_formats(web):
    sup = web.client("sup")
    assert "导入名单" not in sup.get("/registry").text  # import and add are the admin's
    y = sup.get("/registry/export?format=yaml")
    assert y.status_code == 200 and "attachment" in y.headers["content-disposition"]
    data = yaml.safe_load(y.text)
    assert [s["name"] for s in data["sites"]] == ["甲市人民政府", "乙县人民政府", "甲市教育局", "甲市卫健委"]
    c = sup.get("/registry/export?format=csv")
    assert c.status_code == 200 and "乙县人民政府" in c.content.decode("utf-8-sig")
    x = sup.get("/registry/export?format=xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(x.content))
    assert "甲市卫健委" in [v for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row]
    assert sup.get("/registry/export?format=pdf").status_code == 400

    token = web.client().post("/api/v1/session", json={"name": "sup", "password": PASSWORD}).json()["token"]
    api = web.client().get("/api/v1/registry/export", params={"format": "csv"},
                           headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 200 and "甲市人民政府" in api.content.decode("utf-8-sig")
    bad = web.client().get("/api/v1/registry/export", params={"format": "doc"},
                           headers={"Authorization": f"Bearer {token}"})
    assert bad.status_code == 422 and bad.json()["error"].startswith("参数 format 无效")


def test_roles(web):
    before = _state(web.store)
    op = web.client("op_jia")
    assert op.get("/registry").status_code == 403
    assert op.get("/registry/export?format=yaml").status_code == 403
    assert op.get("/api/v1/registry/export").status_code == 403
    sup = web.client("sup")
    assert _upload(sup, "sites.csv", (FIXTURES / "sites.csv").read_bytes()).status_code == 403
    assert sup.form("/registry/sites", {"name": "x", "url": "http://x.gov.cn/"}).status_code == 403
    admin = web.client("admin")
    assert admin.post("/registry/sites", data={"name": "x", "url": "http://x.gov.cn/"}).status_code == 403  # CSRF
    assert _state(web.store) == before


def test_add_one_site(web):
    admin = web.client("admin")
    page = admin.get("/registry")
    assert 'id="add-site"' in page.text and 'id="import-registry"' in page.text
    r = admin.form("/registry/sites", {"name": "甲市统计局", "url": "http://tjj.jia.gov.cn/", "unit": "甲市",
                                        "level": "department"})
    assert r.status_code == 201 and "已登记网站“甲市统计局”" in r.text
    sites = registered(web.store).sites
    assert [(s.name, s.unit, s.level) for s in sites][-1] == ("甲市统计局", "甲市", "department")
    assert len(sites) == 5 and len(registered(web.store).accounts) == 4
    before = _state(web.store)
    r = admin.form("/registry/sites", {"name": "重复", "url": "http://TJJ.jia.gov.cn", "level": "other"})
    assert r.status_code == 409 and "该网址已登记为网站“甲市统计局”" in r.text
    assert admin.form("/registry/sites", {"name": "x", "url": "http://y.gov.cn/", "level": "省级"}).status_code == 400
    assert admin.form("/registry/sites", {"name": "", "url": "http://y.gov.cn/"}).status_code == 400
    r = admin.form("/registry/sites", {"name": "x", "url": "www.y.gov.cn"})
    assert r.status_code == 400 and "http://" in r.text
    assert _state(web.store) == before


def test_xlsx_and_yaml_uploads(web):
    admin = web.client("admin")
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "网站"
    ws.append(["网站名称", "网址", "主办单位", "级别"])
    for row in registered(web.store).sites:  # the same four sites, one renamed, plus one new
        ws.append([row.name + ("(新)" if row.name == "甲市教育局" else ""), row.url, row.unit, row.level])
    ws.append(["甲市统计局", "http://tjj.jia.gov.cn/", "甲市", "部门"])
    buf = io.BytesIO()
    book.save(buf)
    r = _upload(admin, "名单.xlsx", buf.getvalue())
    assert r.status_code == 200, r.text[:300]
    assert "网站：新增 1，更新 1，未变 3，归档 0，恢复 0" in r.text
    names = [s.name for s in registered(web.store).sites]
    assert "甲市教育局(新)" in names and "甲市统计局" in names
    text = "sites:\n  - name: 乙县人民政府\n    url: http://b.gov.cn/\n    unit: 乙县\n    level: 区县\n"
    r = _upload(admin, "乙县.yaml", text.encode())
    assert r.status_code == 200 and "归档 4" in r.text
    assert [s.name for s in registered(web.store).sites] == ["乙县人民政府"]
    bad = "sites:\n  - name: 乙县人民政府\n    url: b.gov.cn\n"
    r = _upload(admin, "坏.yaml", bad.encode())
    assert r.status_code == 400 and "坏.yaml" in r.text and "url" in r.text
    assert [s.name for s in registered(web.store).sites] == ["乙县人民政府"]
