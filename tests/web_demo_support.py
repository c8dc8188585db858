"""The demo (two months of the simulated world in a store) built once per test session, and
`govinspect serve` run as a real process.

``demo_copy`` runs ``run_demo`` the first time it is called (about 30 s) and hands every caller
its own copy of the folder, so that a test creating users or runs never changes another's data.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest

DEMO_AS_OF = date(2019, 11, 20)
_BUILT: dict[str, Path] = {}


def demo_copy(factory: pytest.TempPathFactory, dest: Path) -> Path:
    """A complete demo folder at ``dest`` (built on the first call of the session)."""
    if "dir" not in _BUILT:
        from govinspect.demo.runner import run_demo

        out = factory.mktemp("demo-built") / "demo"
        run_demo(out, DEMO_AS_OF)
        _BUILT["dir"] = out
    shutil.copytree(_BUILT["dir"], dest, symlinks=True)
    return dest


@dataclass
class Served:
    """A running `govinspect serve` process and what it printed on stderr so far."""

    proc: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)

    @property
    def stderr(self) -> str:
        return "\n".join(self.lines)

    def wait_for(self, needle: str, timeout: float) -> str:
        """The first stderr line containing ``needle``; fails when the process ends or time runs out."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if needle in line:
                    return line
            if self.proc.poll() is not None:
                time.sleep(0.2)  # let the reader take the last lines
                break
            time.sleep(0.05)
        raise AssertionError(f"serve did not print {needle!r} (exit {self.proc.poll()}):\n{self.stderr}")

    def one_time_password(self) -> str:
        line = self.wait_for("一次性密码", 10)
        m = re.search(r"用户名 admin 一次性密码 (\S+)，首次登录后须修改", line)
        assert m, line
        return m.group(1)


@contextmanager
def serve_process(*args: str, env: dict[str, str]) -> Iterator[Served]:
    """`python -m govinspect serve ARGS` with ``env`` added; stopped (SIGTERM, then SIGKILL) on exit."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "govinspect", "serve", *args],
        env={**{k: v for k, v in os.environ.items() if not k.startswith("GOVINSPECT_")}, "COLUMNS": "200", **env}, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True, encoding="utf-8",
    )
    served = Served(proc)

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            served.lines.append(line.rstrip("\n"))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        yield served
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        reader.join(timeout=5)
