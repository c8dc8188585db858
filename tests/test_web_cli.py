"""`govinspect users` and `govinspect serve`: real commands, a real server process, real HTTP."""

from __future__ import annotations

import io
import json
import os
import pty
import select
import socket
import sys
import time
from urllib.parse import urlsplit

import httpx
import pytest
import yaml
from sqlalchemy import select as rows_of

from govinspect.demo.server import LASTING_FLOOR, ephemeral_range
from govinspect.store.tables import WebSession
from govinspect.store.users import authenticate, open_session, user_id
from govinspect.web.server import is_loopback

from .cycle_support import build_cycle
from .support import free_port, one_line_error
from .web_demo_support import DEMO_AS_OF, demo_copy, serve_process
from .web_support import WebClient

PASSWORD = "a-long-enough-secret"


def users(call, url, monkeypatch, *args, stdin: str = PASSWORD + "\n"):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return call(url, "users", *args)


def test_users_add_reads_the_password_from_stdin_and_lists_them(call, db_url, store, monkeypatch):
    build_cycle(store)  # units 甲市 and 乙县
    r = users(call, db_url, monkeypatch, "add", "zhang", "--role", "supervisor")
    assert r.returncode == 0 and "已添加用户 zhang(督查人员)" in r.stderr
    r = users(call, db_url, monkeypatch, "add", "li", "--role", "operator", "--unit", "乙县")
    assert r.returncode == 0 and "运维人员，单位 乙县" in r.stderr
    assert authenticate(store, "li", PASSWORD) is not None
    assert authenticate(store, "li", "wrong-password") is None
    listed = json.loads(call(db_url, "users", "list", "--json").stdout)
    assert [(u["name"], u["role"], u["unit"], u["must_change"], u["disabled"]) for u in listed] == [
        ("zhang", "supervisor", None, False, False), ("li", "operator", "乙县", False, False),
    ]
    table = call(db_url, "users", "list")
    assert table.returncode == 0 and "督查人员" in table.stdout and "乙县" in table.stdout
    # Disabling ends the user's sessions and refuses their password from then on.
    li = user_id(store, "li")
    open_session(store, li, 8)
    r = call(db_url, "users", "disable", "li")
    assert r.returncode == 0 and "已停用用户 li" in r.stderr
    assert authenticate(store, "li", PASSWORD) is None
    with store.session() as s:
        assert s.scalars(rows_of(WebSession).where(WebSession.user_id == li)).all() == []
    assert [u["disabled"] for u in json.loads(call(db_url, "users", "list", "--json").stdout)] == [False, True]
    one_line_error(call(db_url, "users", "disable", "wang"), "没有名为 'wang' 的用户")


def test_users_add_refuses_bad_input_in_one_line(call, db_url, store, monkeypatch):
    build_cycle(store)
    one_line_error(users(call, db_url, monkeypatch, "add", "a", "--role", "boss"), "角色取值错误")
    one_line_error(users(call, db_url, monkeypatch, "add", "a", "--role", "operator"), "必须用 --unit")
    one_line_error(users(call, db_url, monkeypatch, "add", "a", "--role", "operator", "--unit", "丙镇"),
                   "没有名为 '丙镇' 的单位")
    one_line_error(users(call, db_url, monkeypatch, "add", "a", "--role", "admin", "--unit", "甲市"),
                   "只有运维人员")
    one_line_error(users(call, db_url, monkeypatch, "add", "a", "--role", "admin", stdin="short\n"), "密码太短")
    one_line_error(users(call, db_url, monkeypatch, "add", "a", "--role", "admin", stdin=""), "没有从标准输入读到密码")
    assert users(call, db_url, monkeypatch, "add", "a", "--role", "admin").returncode == 0
    one_line_error(users(call, db_url, monkeypatch, "add", "a", "--role", "admin"), "已存在")
    assert [u["name"] for u in json.loads(call(db_url, "users", "list", "--json").stdout)] == ["a"]


def _pty_command(args: list[str], env: dict[str, str], answers: list[str], timeout: float = 60) -> tuple[int, str]:
    """Run a command on a real pseudo-terminal, typing each answer after the next prompt (":")."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: its controlling terminal is the pty, as in a shell
        os.execve(sys.executable, [sys.executable, "-m", "govinspect", *args], env)
    seen, since, pending = b"", b"", list(answers)  # since: output after the last answer
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen, since = seen + chunk, since + chunk
        if pending and since.rstrip().endswith("码:".encode()):
            os.write(fd, (pending.pop(0) + "\n").encode())
            since = b""
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), seen.decode("utf-8", "replace")


def test_users_add_on_a_terminal_asks_twice(tmp_path):
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    env = {**os.environ, "GOVINSPECT_DATABASE_URL": url, "COLUMNS": "200"}
    code, out = _pty_command(["users", "add", "wang", "--role", "admin"], env, [PASSWORD, PASSWORD + "x"])
    assert code == 2 and "两次输入的密码不一致" in out and PASSWORD not in out  # never echoed
    code, out = _pty_command(["users", "add", "wang", "--role", "admin"], env, [PASSWORD, PASSWORD])
    assert code == 0 and "已添加用户 wang(管理员)" in out
    from govinspect.store import open_store

    with open_store(url) as store:
        assert authenticate(store, "wang", PASSWORD) is not None


def _sign_in_first_admin(base: str, password: str) -> WebClient:
    """Log in with the one-time password, get sent to /password, set a new one; return the client."""
    c = WebClient(base_url=base, follow_redirects=False, timeout=30)
    r = c.login("admin", password)
    assert r.status_code == 303, r.text[:300]
    r = c.get("/")
    assert r.status_code == 303 and r.headers["location"] == "/password"
    r = c.form("/password", {"password": PASSWORD, "confirm": PASSWORD})
    assert r.status_code == 303 and r.headers["location"] == "/"
    assert c.get("/").status_code == 200
    assert c.get("/api/v1/me").json() == {"name": "admin", "role": "admin", "unit": None}
    return c


def test_serve_creates_the_first_admin_and_answers_over_http(db_url, store, tmp_path):
    build_cycle(store)  # something registered: the configured store, not the demo
    port = free_port()
    env = {"GOVINSPECT_HOME": str(tmp_path / "home"), "GOVINSPECT_DATABASE_URL": db_url}
    with serve_process("--port", str(port), env=env) as served:
        served.wait_for(f"网页控制台: http://127.0.0.1:{port}/", 60)
        password = served.one_time_password()
        assert "演示数据" not in served.stderr and "警告" not in served.stderr
        c = _sign_in_first_admin(f"http://127.0.0.1:{port}", password)
        assert c.get("/api/v1/me").status_code == 200
    assert not (tmp_path / "home" / "demo").exists()
    # A second start finds the admin: no new one-time password.
    with serve_process("--port", str(port), env=env) as served:
        served.wait_for("网页控制台", 60)
        assert "一次性密码" not in served.stderr
        r = httpx.post(f"http://127.0.0.1:{port}/api/v1/session", json={"name": "admin", "password": PASSWORD})
        assert r.status_code == 200 and r.json()["role"] == "admin"


def test_serve_refuses_a_taken_port_in_one_line(tmp_path):
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen(1)
        port = held.getsockname()[1]
        with serve_process("--port", str(port), env={"GOVINSPECT_HOME": str(tmp_path)}) as served:
            served.proc.wait(timeout=60)
            time.sleep(0.2)
    assert served.proc.returncode == 2
    [line] = [x for x in served.lines if x.strip()]
    assert line == f"错误: 无法在 127.0.0.1:{port} 上监听：端口已被占用"
    assert not (tmp_path / "demo").exists()  # refused before building anything


def test_loopback_hosts():
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("[::1]") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.10") and not is_loopback("example.org")


def test_serve_without_a_registry_shows_the_demo_and_serves_its_world(tmp_path_factory, tmp_path):
    home = tmp_path / "home"
    demo = demo_copy(tmp_path_factory, home / "demo")  # as an earlier start left it: reused, not rebuilt
    stamp = (demo / "summary.json").stat().st_mtime_ns
    registry = yaml.safe_load((demo / "registry.yaml").read_text(encoding="utf-8"))
    recorded = json.loads((demo / "ports.json").read_text(encoding="utf-8"))  # written by run_demo
    assert "refused" in recorded and "rsshub" in recorded
    assert {urlsplit(s["url"]).port for s in registry["sites"]} <= set(recorded.values())
    lo, hi = ephemeral_range()  # ports no OS-assigned port can take in the meantime
    assert all(p >= LASTING_FLOOR and not lo <= p <= hi for p in recorded.values()), recorded
    port = free_port()
    with serve_process("--port", str(port), env={"GOVINSPECT_HOME": str(home)}) as served:
        served.wait_for("网页控制台", 90)
        assert f"控制台将展示内置的演示数据({demo})" in served.stderr
        assert f"演示网站已重新启动(第二期 {DEMO_AS_OF})" in served.stderr
        assert "正在生成演示数据" not in served.stderr
        c = _sign_in_first_admin(f"http://127.0.0.1:{port}", served.one_time_password())
        # The demo's sites answer again at their registered addresses, so runs can reach them.
        for site in registry["sites"][:3]:
            assert httpx.get(site["url"], timeout=10).status_code == 200, site
        feed = registry["accounts"][0]["source"]["url"]
        assert httpx.get(feed, timeout=10).status_code == 200
        assert c.get("/").status_code == 200
    assert (demo / "summary.json").stat().st_mtime_ns == stamp  # reused, not built again
    with pytest.raises(httpx.ConnectError):  # the world stops with the server
        httpx.get(registry["sites"][0]["url"], timeout=5)
