"""transport.no_https, transport.cert and transport.no_ipv6 on hand-built probe results."""

from __future__ import annotations

from typing import Any

from govinspect.checks import transport

from .checks_support import HOME, ctx, snapshot

HTTPS_OK = {"url": "https://www.example.gov.cn/", "ok": True, "status": 200, "error": None,
            "http_redirects_to_https": True}
CERT_OK = {"checked": True, "valid": True, "error": None, "problems": [], "not_before": "2019-01-01",
           "not_after": "2020-06-30", "days_left": 254, "warn_days": 30, "expiring": False,
           "subject": "CN=www.example.gov.cn", "issuer": "CN=GeoTrust CN RSA CA G1",
           "names": ["www.example.gov.cn"], "hostname": "www.example.gov.cn", "hostname_ok": True}
IPV6_OK = {"addresses": ["2001:db8::10"], "connect": True, "error": None, "detail": None, "port": 80}


def run(probe: dict[str, Any] | None) -> list:
    snap = snapshot()
    if probe is not None:
        snap.probes["transport"] = probe
    return list(transport.check(snap, ctx()))


def result(https: dict[str, Any] | None = None, cert: dict[str, Any] | None = None,
           ipv6: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"url": HOME, "https": {**HTTPS_OK, **(https or {})},
            "cert": None if cert is None else {**CERT_OK, **cert}, "ipv6": {**IPV6_OK, **(ipv6 or {})}}


def test_no_probe_no_finding() -> None:
    assert run(None) == []


def test_everything_fine() -> None:
    assert run(result(cert={})) == []


def test_https_not_enabled_is_a_notice() -> None:
    [f] = run(result(https={"ok": False, "status": None, "error": "refused",
                            "http_redirects_to_https": False}))
    assert f.code == "transport.no_https" and f.severity == "notice" and f.url == HOME
    assert "未启用 HTTPS" in f.message and "连接被拒绝" in f.message
    assert f.evidence["detail"].startswith("https://www.example.gov.cn/")
    assert f.evidence["error"] == "refused"


def test_https_error_status_and_handshake() -> None:
    [f] = run(result(https={"ok": False, "status": 404, "error": "status"}))
    assert "HTTP 404" in f.message
    [g] = run(result(https={"ok": False, "status": None, "error": "handshake"}))
    assert "TLS 握手失败" in g.message and g.severity == "notice"


def test_https_unjudged_when_the_name_does_not_resolve() -> None:
    [f] = run(result(https={"ok": False, "status": None, "error": "dns"}))
    assert f.severity == "notice" and f.message.startswith("未能检测 HTTPS") and f.evidence["error"] == "dns"


def test_http_not_redirected_is_not_a_finding() -> None:
    assert run(result(cert={}, https={"http_redirects_to_https": False})) == []


def test_expired_certificate_is_a_deduction() -> None:
    [f] = run(result(cert={"valid": False, "error": "expired", "problems": ["expired"],
                           "not_after": "2019-09-30", "days_left": -20,
                           "detail": "certificate has expired"}))
    assert f.code == "transport.cert" and f.severity == "deduct"
    assert f.message == "HTTPS 证书已于 2019-09-30 过期"
    assert f.evidence["kind"] == "expired" and f.evidence["days_left"] == -20
    assert f.evidence["detail"] == "已于 2019-09-30 过期"
    assert f.evidence["verify"] == "certificate has expired"


def test_several_certificate_problems_in_one_finding() -> None:
    problems = ["self_signed", "hostname_mismatch"]
    [f] = run(result(cert={"valid": False, "error": "self_signed", "problems": problems,
                           "hostname_ok": False, "names": ["localhost"], "hostname": "www.example.gov.cn"}))
    assert "自签名" in f.message and "与域名 www.example.gov.cn 不匹配(证书适用于 localhost)" in f.message
    assert f.evidence["problems"] == problems and f.evidence["hostname_ok"] is False


def test_untrusted_and_not_yet_valid_messages() -> None:
    [f] = run(result(cert={"valid": False, "error": "untrusted", "problems": ["untrusted"]}))
    assert "证书链不完整" in f.message
    [g] = run(result(cert={"valid": False, "error": "not_yet_valid", "problems": ["not_yet_valid"],
                           "not_before": "2019-11-01"}))
    assert "尚未生效(生效日期 2019-11-01)" in g.message


def test_certificate_expiring_soon_is_a_notice() -> None:
    [f] = run(result(cert={"expiring": True, "days_left": 10, "not_after": "2019-10-30"}))
    assert f.code == "transport.cert" and f.severity == "notice"
    assert f.message == "HTTPS 证书将于 2019-10-30 到期(剩余 10 天)，请及时更换"
    assert f.evidence["kind"] == "expiring" and f.evidence["days_left"] == 10


def test_expiry_window_from_days_left_when_flag_missing() -> None:
    cert = {k: v for k, v in CERT_OK.items() if k != "expiring"}
    [f] = run({**result(), "cert": {**cert, "days_left": 12}})
    assert f.severity == "notice"
    assert run({**result(), "cert": {**cert, "days_left": 31}}) == []


def test_certificate_not_presented_is_left_to_no_https() -> None:
    assert run(result(cert={"checked": False, "valid": False, "error": "untrusted"})) == []


def test_no_ipv6_address_is_a_deduction() -> None:
    [f] = run(result(ipv6={"addresses": [], "connect": False, "detail": "未解析到 IPv6 地址(AAAA 记录)"}))
    assert f.code == "transport.no_ipv6" and f.severity == "deduct" and f.url == HOME
    assert "AAAA" in f.message and f.evidence["detail"]


def test_ipv6_address_that_does_not_answer() -> None:
    [f] = run(result(ipv6={"connect": False, "error": "timeout"}))
    assert f.severity == "deduct" and "2001:db8::10" in f.message and "请求超时" in f.message
    assert f.evidence["addresses"] == ["2001:db8::10"] and f.evidence["error"] == "timeout"


def test_ipv6_unjudged_when_the_inspector_has_no_ipv6() -> None:
    [f] = run(result(ipv6={"connect": False, "error": "local_unreachable"}))
    assert f.code == "transport.no_ipv6" and f.severity == "notice"
    assert f.evidence["error"] == "local_unreachable" and "未能检测" in f.message


def test_whole_probe_error_is_a_notice() -> None:
    [f] = run({"url": HOME, "error": "RuntimeError: boom"})
    assert f.severity == "notice" and f.evidence["error"] == "RuntimeError: boom"
    assert f.evidence["item"] == "transport"


def test_all_three_at_once() -> None:
    probe = result(https={"ok": False, "status": None, "error": "refused"},
                   ipv6={"addresses": [], "connect": False})
    assert sorted(f.code for f in run(probe)) == ["transport.no_https", "transport.no_ipv6"]
