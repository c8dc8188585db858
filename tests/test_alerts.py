"""Veto alerts delivered through apprise to real webhook receivers on loopback, on both backends."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import select

from govinspect.errors import UsageError
from govinspect.monitor.alerts import (
    Availability,
    check_targets,
    deliver_pending,
    events_from_round,
    events_from_store,
    raise_alerts,
)
from govinspect.settings import Settings, load_settings
from govinspect.store.tables import Account, Alert, Site, TrackedFinding
from govinspect.store.tracking import key_hash

from .support import free_port, one_line_error

NOW = datetime(2026, 12, 3, 9, 0)
SITE = "http://www.yxx.gov.cn/"
DEFACED = ('<html><head><title>澳门葡京娱乐城-真人视讯-百家乐官方网站</title>'
           '<meta name="keywords" content="澳门葡京,真人视讯"></head><body><div>永兴县人民政府 政务公开</div></body></html>')  # fmt: skip
CLEAN = "<html><head><title>永兴县人民政府</title></head><body><div>永兴县人民政府 政务公开 要闻动态</div></body></html>"


class Receiver:
    """A webhook receiver on 127.0.0.1 that records every JSON body posted to it."""

    def __init__(self, port: int = 0) -> None:
        received = self.received = []  # type: list[dict[str, Any]]

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                received.append(json.loads(self.rfile.read(length).decode("utf-8")))
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self) -> str:
        return f"json://127.0.0.1:{self.port}/hook"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as r:
        yield r


@dataclass
class Round:
    """The fields of the monitor's RoundResult that the alerts read (stand-in until monitor lands)."""

    at: datetime
    homes: dict[str, str] = field(default_factory=dict)
    discarded: bool = False
    round_id: str = "r1"
    controls_ok: bool = True
    probes: list[Any] = field(default_factory=list)


def settings(*urls: str) -> Settings:
    return Settings(alerts=list(urls))


def add_site(store: Any) -> int:
    with store.session() as s:
        site = Site(name="永兴县人民政府", url=SITE, created_at=NOW, updated_at=NOW)
        s.add(site)
        s.flush()
        return site.id


def add_finding(store: Any, site_id: int, code: str, key: str, evidence: dict[str, Any], seen: date,
                message: str = "", account_id: int | None = None) -> int:
    with store.session() as s:
        row = TrackedFinding(
            subject=f"account:{account_id}" if account_id else f"site:{site_id}",
            site_id=None if account_id else site_id, account_id=account_id, key=key, key_hash=key_hash(key),
            code=code, severity="veto", url=SITE + "xxgk/1.html", message=message, evidence=evidence,
            first_seen=seen, last_seen=seen, created_at=NOW,
        )  # fmt: skip
        s.add(row)
        s.flush()
        return row.id


def alerts(store: Any) -> list[Alert]:
    with store.session() as s:
        return list(s.scalars(select(Alert).order_by(Alert.id)))


def test_each_event_is_one_chinese_message_naming_site_problem_evidence_first_seen(store, receiver) -> None:
    site_id = add_site(store)
    add_finding(store, site_id, "privacy.leak", "privacy.leak|leak1", {"kinds": ["身份证号"], "snippet": "张三 430123********1234"},
                date(2026, 12, 2), message="页面公开了未脱敏的身份证号")  # fmt: skip
    with store.session() as s:
        account = Account(name="永兴发布", platform="wechat", created_at=NOW, updated_at=NOW)
        s.add(account)
        s.flush()
        account_id = account.id
    add_finding(store, site_id, "newmedia.stale", "newmedia.stale|acc", {"days": 45}, date(2026, 12, 1),
                message="账号超过 2 周未更新", account_id=account_id)  # fmt: skip
    add_finding(store, site_id, "link.broken", "link.broken|x", {}, date(2026, 12, 2))  # not alerted
    events = events_from_store(store, NOW - timedelta(days=3))
    result = events_from_round(Round(NOW, {SITE: DEFACED}), [
        Availability(SITE, rate=0.06, probes=1008, threshold=0.05, first_failure=NOW - timedelta(days=2), name="永兴县人民政府"),
    ])  # fmt: skip
    outcome = raise_alerts(store, settings(receiver.url), events + result, NOW)
    assert (outcome.stored, outcome.sent, outcome.pending) == (4, 4, 0)
    assert len(receiver.received) == 4
    messages = {m["title"]: m["message"] for m in receiver.received}
    leak = next(b for t, b in messages.items() if "泄露个人隐私" in t)
    assert "永兴县人民政府" in leak and SITE in leak and "身份证号" in leak and "首次发现：2026-12-02" in leak
    stale = next(b for t, b in messages.items() if "长期未更新" in t)
    assert "永兴发布" in stale and "45" in stale
    hijack = next(b for t, b in messages.items() if "篡改" in t)
    assert "澳门葡京" in hijack and "标题" in hijack and "首次发现：2026-12-03 09:00" in hijack
    down = next(b for t, b in messages.items() if "无法访问" in t)
    assert "1008" in down and "6.0%" in down and "5.0%" in down and "首次发现：2026-12-01 09:00" in down
    rows = alerts(store)
    assert [r.status for r in rows] == ["sent"] * 4 and all(r.attempts == 1 and r.sent_at == NOW for r in rows)
    assert {r.key for r in rows} >= {"privacy.leak|leak1", f"availability|{SITE}", f"watch|{SITE}"}


def test_repeats_are_suppressed_until_the_problem_changes_and_recovery_is_sent_once(store, receiver) -> None:
    target = settings(receiver.url)
    figure = Availability(SITE, rate=0.06, probes=1000, threshold=0.05, first_failure=NOW)
    raise_alerts(store, target, events_from_round(Round(NOW, {SITE: DEFACED}), [figure]), NOW)
    assert len(receiver.received) == 2
    # The next rounds see the same problems: nothing more is sent.
    later = NOW + timedelta(minutes=10)
    figure.rate = 0.061
    outcome = raise_alerts(store, target, events_from_round(Round(later, {SITE: DEFACED}), [figure]), later)
    assert (outcome.stored, outcome.suppressed) == (0, 2) and len(receiver.received) == 2
    # The defacement changes (another casino): one new alert.
    changed = DEFACED.replace("澳门葡京", "太阳城娱乐")
    raise_alerts(store, target, events_from_round(Round(later, {SITE: changed})), later)
    assert len(receiver.received) == 3 and "太阳城" in receiver.received[-1]["message"]
    # Both recover: one 已恢复 each, and only once.
    figure.rate = 0.01
    for minutes in (20, 30):
        at = NOW + timedelta(minutes=minutes)
        raise_alerts(store, target, events_from_round(Round(at, {SITE: CLEAN}), [figure]), at)
    recovered = receiver.received[3:]
    assert len(recovered) == 2 and all("已恢复" in m["title"] and "已恢复" in m["message"] for m in recovered)
    assert [r.kind for r in alerts(store)] == ["alert", "alert", "alert", "recovered", "recovered"]
    # Back again after recovery: alerted again.
    again = NOW + timedelta(minutes=40)
    raise_alerts(store, target, events_from_round(Round(again, {SITE: DEFACED})), again)
    assert len(receiver.received) == 6 and "【否决项告警】" in receiver.received[-1]["title"]


def test_store_findings_alert_once_and_recover_once(store, receiver) -> None:
    site_id = add_site(store)
    fid = add_finding(store, site_id, "security.hijack", "security.hijack|p1|keyword", {"words": ["百家乐"]},
                      date(2026, 12, 2), message="页面含博彩等违规内容")  # fmt: skip
    target = settings(receiver.url)
    for _ in range(2):
        raise_alerts(store, target, events_from_store(store, NOW - timedelta(days=1)), NOW)
    assert len(receiver.received) == 1 and "百家乐" in receiver.received[0]["message"]
    with store.session() as s:
        s.get(TrackedFinding, fid).resolved_at = date(2026, 12, 3)
    for _ in range(2):
        raise_alerts(store, target, events_from_store(store, NOW - timedelta(days=1)), NOW)
    assert len(receiver.received) == 2 and "已恢复" in receiver.received[1]["title"]


def test_a_receiver_that_is_down_keeps_the_alert_pending_and_backs_off(store) -> None:
    port = free_port()
    target = settings(f"json://127.0.0.1:{port}/hook")
    figure = Availability(SITE, rate=0.2, probes=100, threshold=0.05, first_failure=NOW)
    outcome = raise_alerts(store, target, events_from_round(Round(NOW), [figure]), NOW)  # never raises
    assert (outcome.stored, outcome.sent, outcome.pending) == (1, 0, 1)
    [row] = alerts(store)
    assert (row.status, row.attempts, row.next_attempt_at) == ("pending", 1, NOW + timedelta(minutes=1))
    assert row.last_error
    # Still down on the next call: the pause doubles; a call before it is due does not try.
    assert deliver_pending(store, target, NOW + timedelta(seconds=30)) == (0, 1)
    assert alerts(store)[0].attempts == 1
    deliver_pending(store, target, NOW + timedelta(minutes=1))
    [row] = alerts(store)
    assert (row.attempts, row.next_attempt_at) == (2, NOW + timedelta(minutes=3))
    # The receiver comes up: the kept alert is sent on the next due call, once.
    with Receiver(port) as up:
        assert deliver_pending(store, target, NOW + timedelta(minutes=3)) == (1, 0)
        assert deliver_pending(store, target, NOW + timedelta(minutes=10)) == (0, 0)
        assert len(up.received) == 1 and "无法访问" in up.received[0]["title"]
    [row] = alerts(store)
    assert (row.status, row.attempts, row.sent_at) == ("sent", 3, NOW + timedelta(minutes=3))


def test_alerts_are_stored_without_targets_and_sent_once_targets_exist(store, receiver) -> None:
    figure = Availability(SITE, rate=0.2, probes=100, threshold=0.05)
    assert raise_alerts(store, Settings(), events_from_round(Round(NOW), [figure]), NOW).pending == 1
    assert deliver_pending(store, settings(receiver.url), NOW) == (1, 0)
    assert len(receiver.received) == 1


def test_a_discarded_round_raises_nothing() -> None:
    figure = Availability(SITE, rate=0.2, probes=100, threshold=0.05)
    assert events_from_round(Round(NOW, {SITE: DEFACED}, discarded=True), [figure]) == []


def test_targets_from_a_comma_separated_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVINSPECT_ALERTS", "json://127.0.0.1:9/a, mailto://user:pw@example.com,dingtalk://token1234/,wecombot://botkey")
    assert load_settings().alerts == ["json://127.0.0.1:9/a", "mailto://user:pw@example.com",
                                      "dingtalk://token1234/", "wecombot://botkey"]  # fmt: skip


@pytest.mark.parametrize("bad", ["nosuch://x", "json://", "not a url"])
def test_a_malformed_url_is_refused_at_configuration_time_naming_it(monkeypatch: pytest.MonkeyPatch, bad: str) -> None:
    monkeypatch.setenv("GOVINSPECT_ALERTS", f"json://127.0.0.1:9/a,{bad}")
    with pytest.raises(UsageError) as exc:
        load_settings()
    assert bad in str(exc.value) and "\n" not in str(exc.value)
    with pytest.raises(UsageError, match="告警地址无效"):
        check_targets([bad])


def test_the_command_line_refuses_a_malformed_alert_url_in_one_line(call, tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVINSPECT_ALERTS", "json://user:secretpw@127.0.0.1:9/a,dingtalk://")
    proc = call(f"sqlite:///{tmp_path / 'db.sqlite'}", "sites", "list")
    one_line_error(proc, "dingtalk://")
    assert "secretpw" not in proc.stderr and "告警地址无效" in proc.stderr


def test_stored_targets_hide_secrets(store, receiver) -> None:
    figure = Availability(SITE, rate=0.2, probes=100, threshold=0.05)
    raise_alerts(store, settings(receiver.url, f"json://user:secretpw@127.0.0.1:{free_port()}/x"), events_from_round(Round(NOW), [figure]), NOW)
    [row] = alerts(store)
    assert "secretpw" not in json.dumps(row.targets)
