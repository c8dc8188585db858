"""Closing a snapshot while a thread still reads it (a site cancelled by Ctrl-C during its checks).

The checks run in a thread off the event loop; a cancelled site's ``finally`` closes the snapshot
from the loop's thread. Closing an SQLite connection under a running statement crashed the whole
process (SIGSEGV, seen once in CI as exit -11 instead of 130). The body runs in a subprocess so
that a crash fails this test instead of ending the test session.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from govinspect.model import SiteEntry
from govinspect.snapshot import Snapshot

SCRIPT = textwrap.dedent("""
    import json, sqlite3, sys, threading, time
    from govinspect.model import LinkStatus, Page, SiteEntry
    from govinspect.snapshot import Snapshot

    path, rounds = sys.argv[1], int(sys.argv[2])
    site = "http://127.0.0.1:8123"
    writer = Snapshot(SiteEntry(name="测试县人民政府", url=site + "/"), path)
    for i in range(20000):
        url = f"{site}/art/2019/10/{i}.html"
        writer.add_page(Page(url=url, status=200, content_type="text/html", depth=2, title=f"通知公告{i}"))
        writer.add_links(url, [f"{site}/art/2019/10/{i + 1}.html"])
        writer.set_target(LinkStatus(url, 200))
    writer.save()
    writer.close()

    outcomes, waits = [], []
    for _ in range(rounds):
        snap = Snapshot.open(path)
        started, stop = threading.Event(), []

        def read() -> None:
            try:
                with snap.reading():
                    started.set()
                    for _ in range(50):  # long: the close always comes while it reads
                        snap.pages_crawled
                        sum(1 for _ in snap.targets())
                        sum(1 for _ in snap.pages(by_url=True))
                stop.append("finished")
            except Exception as exc:  # noqa: BLE001 - named in the outcome
                stop.append(type(exc).__name__)

        thread = threading.Thread(target=read)
        thread.start()
        started.wait()
        time.sleep(0.02)
        t0 = time.monotonic()
        snap.close()
        waits.append(time.monotonic() - t0)
        thread.join()
        outcomes.append(stop[0])
    print(json.dumps({"outcomes": outcomes, "longest_close": max(waits)}))
""")


def test_closing_a_snapshot_under_a_reading_thread_interrupts_it_and_never_crashes(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "snap.sqlite"), "20"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, (proc.returncode, proc.stderr[-2000:])
    out = json.loads(proc.stdout)
    # Each reader was stopped by the interrupt (an SQLite error in the reading thread), not left
    # to finish its 50 walks of 20,000 pages, and the close waited for it only briefly.
    assert out["outcomes"] == ["OperationalError"] * 20, out
    assert out["longest_close"] < 10, out  # generous: an interrupted statement stops at once


def test_a_thread_that_starts_reading_after_the_close_gets_an_error(tmp_path: Path) -> None:
    snap = Snapshot(SiteEntry(name="测试县人民政府", url="http://127.0.0.1:8123/"), tmp_path / "s.sqlite")
    snap.save()
    snap.close()
    with pytest.raises(sqlite3.ProgrammingError), snap.reading():
        snap.pages_crawled()
