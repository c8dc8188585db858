"""通报 pages and API: the circular of a finished period written, listed and downloaded, on both backends."""

from __future__ import annotations

import io
import re
from pathlib import Path
from urllib.parse import quote

import docx
import openpyxl
import pytest
from sqlalchemy import func, select

from govinspect.store.tables import ReportRecord

from .web_act_support import fast_settings
from .web_support import PASSWORD

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def act(web, tmp_path):
    web.ctx.settings = fast_settings(tmp_path / "home")
    return web


def _records(store) -> int:
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(ReportRecord)) or 0


def _docx_text(data: bytes) -> str:
    d = docx.Document(io.BytesIO(data))
    cells = [c.text for t in d.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in d.paragraphs] + cells)


def _xlsx_text(data: bytes) -> str:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return "\n".join(str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v)


def test_circular_of_a_period_is_written_and_downloaded(act, tmp_path):
    sup = act.client("sup")
    page = sup.get("/reports")
    assert page.status_code == 200 and 'id="make-report"' in page.text
    assert '<option value="2019-10">2019-10</option>' in page.text
    for fmt in ("docx", "xlsx", "html"):
        assert f'name="formats" value="{fmt}"' in page.text
    r = sup.form("/reports", {"period": "2019-10", "formats": ["docx", "xlsx", "html"], "deadline": "2019-11-30",
                              "issuer": "甲市人民政府办公室"})
    assert r.status_code == 201, r.text[:500]
    links = dict(re.findall(r'<a class="download" data-format="(\w+)" href="(/reports/\d+/download)"', r.text))
    assert set(links) == {"docx", "xlsx", "html"}
    assert _records(act.store) == 3

    got = sup.get(links["docx"])
    assert got.status_code == 200 and got.headers["content-type"] == DOCX
    assert f"filename*=UTF-8''{quote('2019-10-通报.docx')}" in got.headers["content-disposition"]
    text = _docx_text(got.content)
    assert "乙县人民政府" in text and "甲市人民政府办公室" in text
    got = sup.get(links["xlsx"])
    assert got.status_code == 200 and got.headers["content-type"] == XLSX
    assert "乙县人民政府" in _xlsx_text(got.content)
    got = sup.get(links["html"])
    assert got.headers["content-type"].startswith("text/html") and "乙县人民政府" in got.text
    assert "attachment" in got.headers["content-disposition"]
    files = list((tmp_path / "home" / "reports").rglob("*"))
    assert sorted(p.name for p in files if p.is_file()) == ["2019-10-通报.docx", "2019-10-通报.html", "2019-10-通报.xlsx"]

    listing = sup.get("/reports").text  # earlier reports are listed with their links
    assert all(href in listing for href in links.values())


def test_period_without_a_run_and_bad_input_write_nothing(act, tmp_path):
    sup = act.client("sup")
    r = sup.form("/reports", {"period": "2019-12", "formats": ["docx"]})
    assert r.status_code == 404 and "期次 2019-12 没有已完成的检查" in r.text
    r = sup.form("/reports", {"period": "2019-13", "formats": ["docx"]})
    assert r.status_code == 404 and "格式错误" in r.text
    r = sup.form("/reports", {"period": "2019-10", "formats": ["pdf"]})
    assert r.status_code == 400 and "不支持的通报格式 pdf" in r.text
    r = sup.form("/reports", {"period": "2019-10"})
    assert r.status_code == 400 and "请至少选择一种通报格式" in r.text
    r = sup.form("/reports", {"period": "2019-10", "formats": ["docx"], "deadline": "明天"})
    assert r.status_code == 400 and "整改期限格式错误" in r.text
    assert sup.post("/reports", data={"period": "2019-10", "formats": ["docx"]}).status_code == 403  # no CSRF
    assert _records(act.store) == 0
    assert not (tmp_path / "home" / "reports").exists()
    assert sup.get("/reports/12345/download").status_code == 404


def test_reports_api_and_roles(act):
    token = act.client().post("/api/v1/session", json={"name": "admin", "password": PASSWORD}).json()["token"]
    c = act.client()
    c.headers["Authorization"] = f"Bearer {token}"
    r = c.post("/api/v1/reports", json={"period": "2019-10", "formats": ["xlsx"]})
    assert r.status_code == 201, r.text
    [made] = r.json()
    assert made["format"] == "xlsx" and made["name"] == "2019-10-通报.xlsx" and made["period"] == "2019-10"
    assert [x["id"] for x in c.get("/api/v1/reports").json()] == [made["id"]]
    got = c.get(made["download"])
    assert got.status_code == 200 and "乙县人民政府" in _xlsx_text(got.content)
    bad = c.post("/api/v1/reports", json={"period": "2018-01", "formats": ["docx"]})
    assert bad.status_code == 404 and "没有已完成的检查" in bad.json()["error"]
    assert c.post("/api/v1/reports", json={"formats": ["docx"]}).status_code == 422
    assert c.post("/api/v1/reports", json={"period": "2019-10", "formats": []}).status_code == 422
    assert c.post("/api/v1/reports", json={"period": "2019-10", "formats": ["pdf"]}).status_code == 422

    op = act.client("op_yi")
    assert op.get("/reports").status_code == 403
    assert op.get(f"/reports/{made['id']}/download").status_code == 403
    assert op.get("/api/v1/reports").status_code == 403
    assert op.get(made["download"]).status_code == 403
    assert op.post("/api/v1/reports", json={"period": "2019-10"},
                   headers={"X-CSRF-Token": op.csrf}).status_code == 403
    assert _records(act.store) == 1


def test_a_deleted_file_is_a_clear_404(act):
    sup = act.client("sup")
    r = sup.form("/reports", {"period": "2019-10", "formats": ["html"]})
    href = re.search(r'href="(/reports/\d+/download)"', r.text).group(1)
    with act.store.session() as s:
        Path(s.scalars(select(ReportRecord.path)).one()).unlink()
    got = sup.get(href)
    assert got.status_code == 404 and "已不在服务器上" in got.text
