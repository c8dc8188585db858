"""`govinspect findings ...` and `govinspect summary` as users call them, on a stored fixture history."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from govinspect.store import open_store
from govinspect.store.summary import summarize
from tests.cycle_support import Cycle, build_cycle
from tests.support import one_line_error


@pytest.fixture
def history(db_url: str) -> tuple[str, Cycle]:
    with open_store(db_url) as store:
        cycle = build_cycle(store, upto="2019-10")
    return db_url, cycle


def test_summary_text_and_json(history, call) -> None:
    url, _ = history
    _run = call
    proc = _run(url, "summary", "--period", "2019-10")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert out.startswith("2019年10月 检查情况汇总")
    assert "政府网站 登记 4 个，检查 4 个，合格 0 个，网站合格率 0.0%" in out
    assert "政务新媒体 登记 3 个，检查 2 个，合格 0 个，政务新媒体合格率 0.0%" in out
    assert "单项否决网站 3 个" in out and "甲市人民政府 (http://a.gov.cn/)：站点无法访问" in out
    assert "乙县发布 (微信，乙县)：2019-10-08 整合" in out
    assert "政务新媒体长期未更新 2 个：" in out
    assert "上期未整改 3 个" in out and "乙县人民政府 栏目应更未更：工作动态 栏目长期未更新 (首次发现 2019-08-20)" in out
    assert "四、审核情况: 已确认 2 个，已排除 0 个，待审核 5 个" in out
    as_json = _run(url, "summary", "--period", "2019-09", "--json")
    assert as_json.returncode == 0, as_json.stderr
    with open_store(url) as store:
        assert json.loads(as_json.stdout) == summarize(store, "2019-09").to_dict()
    latest = _run(url, "summary")  # default: the latest inspected period
    assert latest.stdout.startswith("2019年10月")
    one_line_error(_run(url, "summary", "--period", "2019-12"), "已有期次: 2019-08、2019-09、2019-10")
    one_line_error(_run(url, "summary", "--period", "10/2019"), "YYYY-MM")


def test_findings_list(history, call) -> None:
    url, c = history
    _run = call
    proc = _run(url, "findings", "list")
    assert proc.returncode == 0, proc.stderr
    for header in ("序号", "ID", "网站或账号", "问题", "严重程度", "首次发现", "最近发现", "状态", "审核"):
        assert header in proc.stdout
    assert "问题清单 (共 10 条)" in proc.stdout and "上期未整改" in proc.stdout and "整改不到位" in proc.stdout
    data = json.loads(_run(url, "findings", "list", "--carried", "--json").stdout)["findings"]
    assert sorted(f["id"] for f in data) == sorted(c.findings[k] for k in ("stale", "nm_stale", "manual"))
    assert {f["status_label"] for f in data} == {"上期未整改"}
    data = json.loads(_run(url, "findings", "list", "--site", "甲市人民政府", "--code", "link.broken",
                           "--status", "all", "--json").stdout)["findings"]
    assert sorted(f["id"] for f in data) == sorted(c.findings[k] for k in ("x", "y", "z"))
    # --period keeps what the period saw or resolved; --status is their state now.
    data = json.loads(_run(url, "findings", "list", "--period", "2019-08", "--status", "resolved", "--json").stdout)
    assert sorted(f["id"] for f in data["findings"]) == sorted(c.findings[k] for k in ("y", "empty_a", "empty_b"))
    one_line_error(_run(url, "findings", "list", "--period", "2019-07"), "已有期次")
    one_line_error(_run(url, "findings", "list", "--status", "fixed"), "--status")
    one_line_error(_run(url, "findings", "list", "--site", "无此网站"), "无此网站")


def test_findings_review_and_add(history, call) -> None:
    url, c = history
    _run = call
    w = str(c.findings["w"])
    one_line_error(_run(url, "findings", "review", "9999", "--confirm"), "没有编号为 9999 的问题")
    one_line_error(_run(url, "findings", "review", w, "--dismiss"), "理由")
    one_line_error(_run(url, "findings", "review", w, "--disputed"), "理由")
    one_line_error(_run(url, "findings", "review", w), "只指定一个动作")
    one_line_error(_run(url, "findings", "review", w, "--confirm", "--dismiss", "--reason", "x"), "只指定一个动作")
    proc = _run(url, "findings", "review", w, "--dismiss", "--reason", "引用原文，非错别字", "--by", "张三")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"问题 #{w} (甲市人民政府 错敏词) 已排除；当前状态: 未整改，审核: 已排除"
    data = json.loads(_run(url, "findings", "list", "--review", "dismissed", "--status", "all", "--json").stdout)
    assert sorted(f["id"] for f in data["findings"]) == sorted([c.findings["z"], c.findings["w"]])
    proc = _run(url, "findings", "add", "--account", "甲市发布", "--platform", "weibo", "--code", "manual.other",
                "--message", "简介仍为旧机构名称", "--as-of", "2019-10-22", "--by", "李四")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("已添加人工问题 #") and "甲市发布(微博)" in proc.stdout
    data = json.loads(_run(url, "findings", "list", "--code", "manual.other", "--json").stdout)["findings"]
    assert [(f["origin"], f["first_seen"], f["message"]) for f in data] == [("manual", "2019-10-22", "简介仍为旧机构名称")]
    fid = str(data[0]["id"])
    proc = _run(url, "findings", "review", fid, "--resolve", "--as-of", "2019-10-25")
    assert proc.returncode == 0 and "已关闭" in proc.stdout and "已整改" in proc.stdout
    one_line_error(_run(url, "findings", "add", "--site", "乙县人民政府", "--code", "nope", "--message", "x"), "未知问题代码")
    one_line_error(_run(url, "findings", "add", "--account", "甲市发布", "--code", "manual.other", "--message", "x"), "--platform")


def test_a_real_process_exits_2_with_one_line(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'h.sqlite'}"
    with open_store(url) as store:
        build_cycle(store, upto="2019-08")
    env = {**os.environ, "GOVINSPECT_DATABASE_URL": url}
    proc = subprocess.run([sys.executable, "-m", "govinspect", "findings", "review", "77", "--fixed"],
                          capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip() == "错误: 没有编号为 77 的问题；用 govinspect findings list --status all 查看"


def test_empty_database(db_url: str, call) -> None:
    one_line_error(call(db_url, "summary"), "还没有已完成的检查")
    proc = call(db_url, "findings", "list")
    assert proc.returncode == 0 and proc.stdout.strip() == "没有符合条件的问题"
    assert json.loads(call(db_url, "findings", "list", "--json").stdout) == {"findings": []}
    one_line_error(call(db_url, "findings", "add", "--site", "甲", "--code", "manual.other", "--message", "x"), "没有名为 '甲' 的网站")
