"""link.broken on hand-built snapshots: one finding per target, home page first, errors kept apart."""

from __future__ import annotations

from govinspect.checks import links
from govinspect.model import LinkStatus

from .checks_support import HOME, ctx, snapshot


def run(snap):
    return list(links.check(snap, ctx()))


def test_each_target_reported_once_with_referrers():
    a, b = f"{HOME}xwzx/1.html", f"{HOME}xwzx/2.html"
    dead = f"{HOME}missing.html"
    snap = snapshot(targets=[(LinkStatus(dead, 404, internal=True), [a, b, HOME])])
    [f] = run(snap)
    assert f.code == "link.broken" and f.severity == "deduct"
    assert f.url == HOME  # the home page is named first when it carries the link
    assert f.evidence["target"] == dead and f.evidence["status"] == 404
    assert f.evidence["referrer_count"] == 3 and f.evidence["on_home"] is True
    assert "首页" in f.message and "HTTP 404" in f.message


def test_error_kinds_are_distinguished():
    cases = {
        "http://127.0.0.1:9/": LinkStatus("http://127.0.0.1:9/", None, "refused", internal=False),
        "http://www.gone.gov.cn/": LinkStatus("http://www.gone.gov.cn/", None, "dns", internal=False),
        f"{HOME}slow": LinkStatus(f"{HOME}slow", None, "timeout"),
        f"{HOME}err": LinkStatus(f"{HOME}err", 500),
    }
    snap = snapshot(targets=[(s, [f"{HOME}page.html"]) for s in cases.values()])
    found = {f.evidence["target"]: f for f in run(snap)}
    assert found["http://127.0.0.1:9/"].evidence["error"] == "refused"
    assert found["http://www.gone.gov.cn/"].evidence["error"] == "dns"
    assert "域名无法解析" in found["http://www.gone.gov.cn/"].message
    assert found[f"{HOME}slow"].evidence["error"] == "timeout"
    assert found[f"{HOME}err"].evidence["status"] == 500
    assert found["http://www.gone.gov.cn/"].evidence["internal"] is False
    assert all(f.url == f"{HOME}page.html" for f in found.values())


def test_ok_traps_and_unreadable_are_not_broken():
    snap = snapshot(targets=[
        (LinkStatus(f"{HOME}ok", 200), [HOME]),
        (LinkStatus(f"{HOME}moved", 301), [HOME]),
        (LinkStatus(f"{HOME}cal?m=2030-01", None, "trap"), [HOME]),
        (LinkStatus(f"{HOME}huge", 200, "too_large"), [HOME]),
    ])
    assert run(snap) == []
