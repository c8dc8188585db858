"""`govinspect report` as users call it, on the stored fixture history (both backends)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from govinspect.report import WRITERS
from govinspect.store import open_store
from govinspect.store.tables import ReportRecord
from tests.cycle_support import build_cycle
from tests.support import one_line_error


@pytest.fixture
def history(db_url: str) -> str:
    with open_store(db_url) as store:
        build_cycle(store, upto="2019-10")
    return db_url


def test_report_writes_records_and_prints(history, call, tmp_path) -> None:
    out = tmp_path / "out"
    proc = call(history, "report", "--period", "2019-10", "--format", "html", "--out", str(out),
                "--deadline", "2019-11-15", "--issuer", "甲市人民政府办公室")
    assert proc.returncode == 0, proc.stderr
    path = out / "2019-10-通报.html"
    assert proc.stdout.strip().splitlines() == [str(path)]
    text = path.read_text(encoding="utf-8")
    assert "甲市人民政府办公室" in text and "2019年11月15日前" in text and "网站合格率0.0%" in text
    with open_store(history) as store, store.session() as s:
        rows = list(s.scalars(select(ReportRecord)))
    assert [(r.period, r.format, Path(r.path).name) for r in rows] == [("2019-10", "html", "2019-10-通报.html")]
    assert rows[0].run_id is not None
    # The default: every format with a writer (docx and xlsx once their writers are merged).
    proc = call(history, "report", "--period", "2019-09", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert [Path(p).name for p in proc.stdout.split()] == [f"2019-09-通报.{f}" for f in WRITERS]
    assert all(Path(p).stat().st_size > 1000 for p in proc.stdout.split())


def test_bad_input_is_one_line_exit_2(history, call, tmp_path) -> None:
    out = str(tmp_path / "out")
    one_line_error(call(history, "report", "--period", "2019-12", "--out", out), "已有期次: 2019-08、2019-09、2019-10")
    one_line_error(call(history, "report", "--period", "2019-13", "--out", out), "--period 格式错误")
    one_line_error(call(history, "report", "--period", "2019-10", "--format", "pdf", "--out", out), "--format 含不支持的格式 pdf")
    one_line_error(call(history, "report", "--period", "2019-10", "--deadline", "11月15日", "--out", out), "--deadline 格式错误")
    assert not (tmp_path / "out").exists()  # no empty document


def test_empty_database(db_url, call, tmp_path) -> None:
    one_line_error(call(db_url, "report", "--period", "2019-10", "--out", str(tmp_path)), "请先运行 govinspect inspect")
