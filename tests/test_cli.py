"""The command line as users and machines call it: JSON on stdout, one-line errors, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

SCHEMA = json.loads((Path(__file__).parent / "schema" / "scan.schema.json").read_text(encoding="utf-8"))


def run(*args: str, cwd: Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "govinspect", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=cwd)


FAST = ["--per-host", "4", "--delay", "0", "--offline", "--as-of", "2019-10-20"]


def test_scan_json_matches_the_contract_schema(world_server, demo_world):
    urls = [world_server.base_urls[s.key] for s in demo_world.sites[:2]]
    proc = run("scan", *urls, *FAST, "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)  # exactly one JSON document, nothing else on stdout
    jsonschema.validate(doc, SCHEMA)
    assert doc["as_of"] == "2019-10-20" and doc["tool"] == "govinspect"
    assert [s["url"] for s in doc["sites"]] == urls
    site = doc["sites"][0]
    assert site["pages_crawled"] > 50
    for f in site["findings"]:
        if f["code"] == "link.broken":
            assert f["evidence"]["target"] and ("status" in f["evidence"] or "error" in f["evidence"])
        if f["code"] == "column.stale":
            assert {"column", "category", "last_update", "days"} <= set(f["evidence"])
    assert site["vetoed"] == any(f["severity"] == "veto" for f in site["findings"])
    assert site["verdict"] == ("fail" if site["vetoed"] else site["verdict"])


def test_scan_registry_file_and_table_output(world_server, demo_world, tmp_path):
    site = demo_world.sites[1]
    reg = tmp_path / "sites.yaml"
    reg.write_text(
        f"sites:\n  - name: {site.name}\n    url: {world_server.base_urls[site.key]}\n    unit: {site.unit}\n    level: county\n",
        encoding="utf-8",
    )
    proc = run("scan", str(reg), *FAST, "--details")
    assert proc.returncode == 0, proc.stderr
    assert site.name in proc.stdout and "网站检查结果" in proc.stdout
    assert "单项否决" in proc.stdout or "合格" in proc.stdout


def test_unreachable_site_still_listed(tmp_path):
    from .support import free_port

    url = f"http://127.0.0.1:{free_port()}/"
    proc = run("scan", url, *FAST, "--json")
    assert proc.returncode == 0, proc.stderr
    [site] = json.loads(proc.stdout)["sites"]
    assert site["verdict"] == "fail" and site["findings"][0]["code"] == "site.unreachable"
    assert any(f["severity"] == "notice" and f["evidence"].get("error") for f in site["findings"])


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["scan", "ftp://x.gov.cn/"], "ftp://x.gov.cn/"),
        (["scan", "http://127.0.0.1:1/", "--as-of", "2019-13-40"], "--as-of"),
        (["scan", "missing.yaml"], "missing.yaml"),
        (["scan", "http://127.0.0.1:1/", "--per-host", "0"], "per_host"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(args, needle):
    proc = run(*args)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert needle in proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""


_ENTRY = """
import atexit, sys, threading, time
from pathlib import Path
from govinspect.cli import run
out = Path(sys.argv[1])
atexit.register(lambda: (out / "atexit").write_text("ran"))
if sys.argv[2] == "thread":  # a thread still working when the command ends: the exit waits
    threading.Thread(target=lambda: (time.sleep(0.3), (out / "thread").write_text("done"))).start()
sys.argv = ["govinspect", *sys.argv[3:]]
run()
"""


@pytest.mark.parametrize("thread", ["none", "thread"])
def test_the_entry_point_exits_with_the_commands_status_after_the_exit_handlers(tmp_path, thread):
    """``cli.run`` skips the interpreter's teardown, never the exit handlers, the status or output."""
    def entry(*args: str) -> subprocess.CompletedProcess[str]:
        for marker in tmp_path.iterdir():
            marker.unlink()
        return subprocess.run([sys.executable, "-c", _ENTRY, str(tmp_path), thread, *args],
                              capture_output=True, text=True, timeout=120)

    proc = entry("scan", "missing.yaml")
    assert proc.returncode == 2 and "missing.yaml" in proc.stderr and "Traceback" not in proc.stderr
    assert (tmp_path / "atexit").read_text() == "ran"
    proc = entry("--help")
    assert proc.returncode == 0 and "Usage:" in proc.stdout
    assert "scan" in proc.stdout and "report" in proc.stdout  # the whole help, flushed
    assert (tmp_path / "atexit").read_text() == "ran"
    if thread == "thread":
        assert (tmp_path / "thread").read_text() == "done"
    # python -m govinspect goes through the same entry point
    assert run("--help").returncode == 0


def test_bad_registry_row_names_file_row_and_field(tmp_path):
    reg = tmp_path / "sites.csv"
    reg.write_text("name,url\n淮南市人民政府,http://www.huainan.gov.cn/\n凤台县人民政府,not-a-url\n", encoding="utf-8")
    proc = run("scan", str(reg))
    assert proc.returncode == 2
    [line] = proc.stderr.strip().splitlines()
    assert "sites.csv" in line and "第3行" in line and "url" in line


def test_demo_writes_results(tmp_path):
    proc = run("demo", "--out", str(tmp_path / "out"), "--as-of", "2019-10-20")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads((tmp_path / "out" / "scan.json").read_text(encoding="utf-8"))
    jsonschema.validate(doc, SCHEMA)
    assert len(doc["sites"]) >= 4
    assert {s["verdict"] for s in doc["sites"]} == {"pass", "fail"}
    assert "结果已写入" in proc.stdout
    html = tmp_path / "out" / "2019-10-通报.html"  # the second period's circular (and docx/xlsx once merged)
    assert f"通报已生成: {html.resolve()}" in proc.stdout and "网站合格率" in html.read_text(encoding="utf-8")


def test_demo_stores_two_periods_and_carries_problems_over(tmp_path):
    """The demo imports its registry, inspects two months into its own database, and the stored
    rectification state matches what the world changed between the months (demo/cycle.py)."""
    import sqlite3
    from collections import Counter

    out = tmp_path / "out"
    proc = run("demo", "--out", str(out), "--as-of", "2019-10-20")
    assert proc.returncode == 0, proc.stderr
    assert "2019年10月 检查情况汇总" in proc.stdout and "上期未整改" in proc.stdout
    db = sqlite3.connect(out / "govinspect.sqlite")
    assert db.execute("SELECT period, status FROM runs ORDER BY id").fetchall() == [
        ("2019-09", "finished"), ("2019-10", "finished")]
    assert db.execute("SELECT COUNT(*) FROM sites").fetchone()[0] == 8  # imported once, updated in place
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    truth = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    names = {key: site["name"] for key, site in truth.items() if key not in ("accounts", "cycle")}
    # Notices (what could not be checked) are not problems of the circular.
    expected = Counter((names[p["site"]], p["code"]) for p in truth["cycle"]["carried"] if p["code"] != "crawl.incomplete")
    carried = Counter((c["subject_name"], c["code"]) for c in summary["carried_over"] if c["subject_kind"] == "site")
    assert carried == expected
    assert "淮南教育发布(微信)" in {c["subject_name"] for c in summary["carried_over"] if c["subject_kind"] == "account"}
    fixed = {(names[p["site"]], p["code"]) for p in truth["cycle"]["fixed"]}
    assert {(c["subject_name"], c["code"]) for c in summary["resolved"] if c["subject_kind"] == "site"} == fixed
    new = {(names[p["site"]], p["code"]) for p in truth["cycle"]["new"]}
    first_seen = set(db.execute(
        "SELECT s.name, f.code FROM findings f JOIN sites s ON f.site_id = s.id "
        "WHERE f.first_seen = '2019-10-20' AND f.severity != 'notice'").fetchall())
    assert first_seen == new


def test_checks_flag_selects_checks(world_server, demo_world):
    url = world_server.base_urls[demo_world.sites[1].key]
    proc = run("scan", url, *FAST, "--json", "--checks", "availability,links")
    assert proc.returncode == 0, proc.stderr
    [site] = json.loads(proc.stdout)["sites"]
    assert {f["code"] for f in site["findings"]} <= {"link.broken", "crawl.incomplete", "site.unreachable"}
    assert any(f["code"] == "link.broken" for f in site["findings"])
    bad = run("scan", url, "--checks", "links,nonsense")
    assert bad.returncode == 2 and "nonsense" in bad.stderr


PROGRESS_PROBE = r"""
import sys
from govinspect.cli import run
sys.argv = ["govinspect", *sys.argv[1:]]
import atexit
atexit.register(lambda: sys.stderr.write("rich imported: %s\n" % any(m == "rich" or m.startswith("rich.") for m in sys.modules)))
run()
"""


def test_progress_off_a_terminal_is_one_plain_line_per_site_without_rich(world_server, demo_world):
    """Issue 13: a scan whose stderr is a file or a pipe (cron, a log) prints each site's count
    when it is done, as Rich's bar would leave it there, and never imports Rich."""
    urls = [world_server.base_urls[s.key] for s in demo_world.sites[:2]]
    proc = subprocess.run([sys.executable, "-c", PROGRESS_PROBE, "scan", *urls, *FAST, "--json"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert lines[-1] == "rich imported: False"
    progress = lines[:-1]
    assert len(progress) == 2
    doc = json.loads(proc.stdout)
    by_host = {line.split(" ")[0]: line for line in progress}
    for site in doc["sites"]:
        line = by_host[site["url"].split("//")[1].split("/")[0][:20]]
        _, count, _, links, elapsed = line.split(" ")
        done, total = count.split("/")
        assert done == total and int(done) >= site["pages_crawled"] > 0
        assert " 链接 " in line and int(links) > 0 and elapsed.count(":") == 2


def test_progress_on_a_terminal_is_rich_s_bar(world_server, demo_world):
    import os
    import pty

    url = world_server.base_urls[demo_world.sites[1].key]
    main, child = pty.openpty()
    try:
        proc = subprocess.Popen([sys.executable, "-c", PROGRESS_PROBE, "scan", url, *FAST, "--json"],
                                stdout=subprocess.DEVNULL, stderr=child)
        os.close(child)
        seen = b""
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the terminal's other side closed
                break
            if not chunk:
                break
            seen += chunk
        assert proc.wait(timeout=300) == 0
    finally:
        os.close(main)
    text = seen.decode("utf-8", errors="replace")
    assert "━" in text and "链接" in text  # the bar, drawn with Rich's escape codes
    assert "rich imported: True" in text


def test_plain_progress_prints_each_site_once_and_what_an_interrupt_left(capsys):
    from govinspect.cli_common import Bar
    from govinspect.crawl.engine import Progress

    bar = Bar(enabled=True)
    assert not bar.live  # pytest's captured stderr is no terminal
    with pytest.raises(KeyboardInterrupt), bar.progress:
        bar(Progress("www.a.gov.cn", 10, 5, 3, 0))
        bar(Progress("www.b.gov.cn", 4, 9, 1, 0))
        bar(Progress("www.a.gov.cn", 15, 0, 7, 0, done=True))
        assert capsys.readouterr().err.splitlines() == ["www.a.gov.cn 15/15 链接 7 0:00:00"]
        bar(Progress("www.b.gov.cn", 6, 8, 2, 0))
        raise KeyboardInterrupt
    # the site still running when the work stopped, as it stood (pages of pages known)
    assert capsys.readouterr().err.splitlines() == ["www.b.gov.cn 6/14 链接 2 0:00:00"]
