"""Transport probes against real loopback servers: TLS with generated certificates, redirects, IPv6."""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import socket
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from govinspect.checks import Context, transport
from govinspect.crawl import probes
from govinspect.http import Fetcher
from govinspect.model import SiteEntry
from govinspect.rules import load_rules
from govinspect.settings import Settings
from govinspect.snapshot import Snapshot

from .support import LoopbackServer, free_port, html, redirect

NOW = dt.datetime.now(dt.UTC)
DAY = dt.timedelta(days=1)


# --- certificates -------------------------------------------------------------------------

class Pem:
    """A key and certificate, written as PEM files for servers and trust stores."""

    def __init__(self, key: ec.EllipticCurvePrivateKey, cert: x509.Certificate, folder: Path, name: str):
        self.key, self.cert = key, cert
        self.cert_file = folder / f"{name}.crt"
        self.key_file = folder / f"{name}.key"
        self.cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        self.key_file.write_bytes(key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))

    def server_context(self) -> ssl.SSLContext:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(self.cert_file, self.key_file)
        return ctx


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "govinspect 测试")])


def make_ca(folder: Path, name: str) -> Pem:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = _name(f"{name} Root CA")
    cert = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - 30 * DAY).not_valid_after(NOW + 3650 * DAY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Pem(key, cert, folder, name)


def make_leaf(folder: Path, name: str, issuer: Pem | None, *, dns: tuple[str, ...] = ("localhost",),
              ips: tuple[str, ...] = ("127.0.0.1",), not_before: dt.datetime | None = None,
              not_after: dt.datetime | None = None) -> Pem:
    """A server certificate signed by ``issuer``, or self-signed when it is None."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = _name(dns[0] if dns else ips[0])
    sans: list[x509.GeneralName] = [x509.DNSName(d) for d in dns]
    sans += [x509.IPAddress(ipaddress.ip_address(i)) for i in ips]
    builder = (
        x509.CertificateBuilder().subject_name(subject)
        .issuer_name(issuer.cert.subject if issuer else subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or NOW - 10 * DAY).not_valid_after(not_after or NOW + 365 * DAY)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName(sans), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False)
    return Pem(key, builder.sign(issuer.key if issuer else key, hashes.SHA256()), folder, name)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Pem]:
    """A trusted CA, an untrusted one, and leaves with each problem a probe must see."""
    folder = tmp_path_factory.mktemp("pki")
    ca, rogue = make_ca(folder, "trusted"), make_ca(folder, "rogue")
    return {
        "ca": ca,
        "valid": make_leaf(folder, "valid", ca, dns=("localhost", "www.example.gov.cn")),
        "expired": make_leaf(folder, "expired", ca, not_before=NOW - 400 * DAY, not_after=NOW - 3 * DAY),
        "expiring": make_leaf(folder, "expiring", ca, not_after=NOW + 10 * DAY),
        "future": make_leaf(folder, "future", ca, not_before=NOW + 5 * DAY, not_after=NOW + 400 * DAY),
        "wrong_host": make_leaf(folder, "wrong_host", ca, dns=("www.other.gov.cn",), ips=()),
        "self_signed": make_leaf(folder, "self_signed", None),
        "untrusted": make_leaf(folder, "untrusted", rogue),
    }


# --- servers ------------------------------------------------------------------------------

class Server:
    """An aiohttp server in a thread on ``host`` (127.0.0.1 or ::1), with TLS when given a context."""

    def __init__(self, handler: Any = None, *, host: str = "127.0.0.1", tls: ssl.SSLContext | None = None,
                 headers: dict[str, str] | None = None):
        self.host, self.tls = host, tls
        self.handler = handler or html("<title>示例市人民政府</title>", headers=headers)
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.handler)
        runner = web.AppRunner(app, handle_signals=False)
        self._loop.run_until_complete(runner.setup())
        site = web.TCPSite(runner, self.host, 0, ssl_context=self.tls)
        self._loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._ready.set()
        self._loop.run_forever()
        self._loop.run_until_complete(runner.cleanup())
        self._loop.close()

    def __enter__(self) -> Server:
        self._thread.start()
        assert self._ready.wait(10), "server did not start"
        return self

    def __exit__(self, *exc: object) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)


def settings(**extra: Any) -> Any:
    """Settings plus the probe settings not declared in settings.py yet."""
    base = Settings(delay=0, timeout=3, retries=0, offline=True, hosts=extra.pop("hosts", {}))
    values = {name: getattr(base, name) for name in Settings.model_fields}
    return SimpleNamespace(**{**values, "ipv6_timeout": 2.0, **extra})


def probe(url: str, s: Any, with_fetcher: bool = False) -> dict[str, Any]:
    async def go() -> dict[str, Any]:
        if not with_fetcher:
            return await probes.probe_transport(url, s)
        async with Fetcher(s) as fetcher:
            return await probes.probe_transport(url, s, fetcher)

    return asyncio.run(go())


def https_probe(pki: dict[str, Pem], leaf: str, **extra: Any) -> dict[str, Any]:
    with Server(tls=pki[leaf].server_context()) as srv:
        return probe(f"https://127.0.0.1:{srv.port}/", settings(ca_file=pki["ca"].cert_file,
                                                                http_port=free_port(), **extra))


# --- HTTPS and certificates ---------------------------------------------------------------

def test_valid_certificate(pki: dict[str, Pem]) -> None:
    result = https_probe(pki, "valid")
    https, cert = result["https"], result["cert"]
    assert https["ok"] is True and https["status"] == 200 and https["error"] is None
    assert https["tls_version"].startswith("TLS")
    assert cert["checked"] and cert["valid"] and cert["error"] is None and cert["problems"] == []
    assert cert["hostname_ok"] is True and "127.0.0.1" in cert["names"]
    assert 360 <= cert["days_left"] <= 365 and cert["expiring"] is False
    assert dt.date.fromisoformat(cert["not_after"]) == (NOW + 365 * DAY).date()
    assert "localhost" in cert["subject"] and "trusted Root CA" in cert["issuer"]


def test_without_ca_file_a_private_ca_is_untrusted(pki: dict[str, Pem]) -> None:
    with Server(tls=pki["valid"].server_context()) as srv:
        cert = probe(f"https://127.0.0.1:{srv.port}/", settings(http_port=free_port()))["cert"]
    assert cert["valid"] is False and cert["error"] == "untrusted" and cert["detail"]


@pytest.mark.parametrize(("leaf", "problem"), [
    ("expired", "expired"),
    ("future", "not_yet_valid"),
    ("wrong_host", "hostname_mismatch"),
    ("self_signed", "self_signed"),
    ("untrusted", "untrusted"),
])
def test_certificate_problems(pki: dict[str, Pem], leaf: str, problem: str) -> None:
    result = https_probe(pki, leaf)
    cert = result["cert"]
    assert cert["checked"] is True and cert["valid"] is False
    assert cert["error"] == problem and cert["problems"] == [problem]
    assert cert["hostname_ok"] is (problem != "hostname_mismatch")
    # The page is still served over TLS: HTTPS itself counts as enabled.
    assert result["https"]["ok"] is True and result["https"]["status"] == 200


def test_expired_certificate_dates(pki: dict[str, Pem]) -> None:
    cert = https_probe(pki, "expired")["cert"]
    assert cert["days_left"] < 0 and cert["not_after"] == (NOW - 3 * DAY).date().isoformat()


def test_expiring_certificate_is_valid_but_flagged(pki: dict[str, Pem]) -> None:
    cert = https_probe(pki, "expiring")["cert"]
    assert cert["valid"] is True and cert["expiring"] is True and 9 <= cert["days_left"] <= 10
    quiet = https_probe(pki, "expiring", cert_warn_days=5)["cert"]
    assert quiet["expiring"] is False and quiet["warn_days"] == 5


def test_hostname_checked_for_names_from_the_hosts_map(pki: dict[str, Pem]) -> None:
    for leaf, ok in (("valid", True), ("wrong_host", False)):
        with Server(tls=pki[leaf].server_context()) as srv:
            s = settings(ca_file=pki["ca"].cert_file, http_port=free_port(),
                         hosts={"www.example.gov.cn": "127.0.0.1"})
            cert = probe(f"https://www.example.gov.cn:{srv.port}/", s)["cert"]
        assert cert["hostname_ok"] is ok and cert["valid"] is ok
        assert cert["hostname"] == "www.example.gov.cn"


def test_http_site_probes_https_port_and_sees_redirect(pki: dict[str, Pem]) -> None:
    with Server(tls=pki["valid"].server_context(), headers={"Strict-Transport-Security": "max-age=31536000"}) as tls:
        target = f"https://127.0.0.1:{tls.port}/index.html"
        with LoopbackServer({"/": redirect(target, 301)}) as plain:
            result = probe(plain.url("/"), settings(ca_file=pki["ca"].cert_file, https_port=tls.port))
    https = result["https"]
    assert https["url"] == f"https://127.0.0.1:{tls.port}/"
    assert https["ok"] and https["hsts"] is True
    assert https["http_redirects_to_https"] is True
    assert result["http"]["status"] == 301 and result["http"]["final"] == target
    assert result["cert"]["valid"]


def test_redirect_followed_over_http_hops(pki: dict[str, Pem]) -> None:
    with Server(tls=pki["valid"].server_context()) as tls:
        routes = {"/": redirect("/index.html"), "/index.html": redirect(f"https://127.0.0.1:{tls.port}/")}
        with LoopbackServer(routes) as plain:  # type: ignore[arg-type]
            result = probe(plain.url("/"), settings(ca_file=pki["ca"].cert_file, https_port=tls.port))
    assert result["https"]["http_redirects_to_https"] is True
    assert result["http"]["status"] == 302 and result["http"]["location"] == "/index.html"


def test_http_without_redirect(pki: dict[str, Pem]) -> None:
    with Server(tls=pki["valid"].server_context()) as tls, \
            LoopbackServer({"/": html("<title>示例</title>")}) as plain:
        result = probe(plain.url("/"), settings(ca_file=pki["ca"].cert_file, https_port=tls.port))
    assert result["https"]["ok"] and result["https"]["http_redirects_to_https"] is False
    assert result["http"]["status"] == 200 and result["https"]["hsts"] is False


def test_no_https_listener() -> None:
    with LoopbackServer({"/": html("<title>示例</title>")}) as plain:
        result = probe(plain.url("/"), settings(https_port=free_port()))
    https = result["https"]
    assert https["ok"] is False and https["error"] == "refused" and https["status"] is None
    assert result["cert"] is None and https["http_redirects_to_https"] is False


def test_plain_http_on_the_https_port_is_a_handshake_error() -> None:
    with LoopbackServer({"/": html("<title>示例</title>")}) as plain:
        result = probe(plain.url("/"), settings(https_port=plain.port))
    assert result["https"]["ok"] is False and result["https"]["error"] == "handshake"
    assert result["cert"] is None


def test_https_error_status_and_redirect_back_to_http(pki: dict[str, Pem]) -> None:
    with Server(html("not found", status=404), tls=pki["valid"].server_context()) as srv:
        https = https_probe_at(pki, srv.port)
    assert https["ok"] is False and https["error"] == "status" and https["status"] == 404
    with Server(redirect("http://127.0.0.1/"), tls=pki["valid"].server_context()) as srv:
        https = https_probe_at(pki, srv.port)
    assert https["ok"] is False and https["error"] == "redirects_to_http"


def https_probe_at(pki: dict[str, Pem], port: int) -> dict[str, Any]:
    s = settings(ca_file=pki["ca"].cert_file, http_port=free_port())
    return probe(f"https://127.0.0.1:{port}/", s)["https"]


def test_probe_with_fetcher_uses_its_user_agent(pki: dict[str, Pem]) -> None:
    seen: list[str] = []

    async def record(request: web.Request) -> web.Response:
        seen.append(request.headers.get("User-Agent", ""))
        return web.Response(text="ok")

    with Server(record, tls=pki["valid"].server_context()) as srv:
        s = settings(ca_file=pki["ca"].cert_file, http_port=free_port())
        result = probe(f"https://127.0.0.1:{srv.port}/", s, with_fetcher=True)
    assert result["https"]["ok"] and seen and "govinspect" in seen[0]


def test_unresolvable_host_offline() -> None:
    result = probe("http://www.nowhere.gov.cn/", settings())
    assert result["https"]["error"] == "dns" and result["http"]["error"] == "dns"
    assert result["ipv6"]["addresses"] == [] and result["ipv6"]["error"] is None


def test_bad_site_url_is_a_probe_error() -> None:
    assert "error" in probe("ftp://www.example.gov.cn/", settings())


def test_transport_urls_ports() -> None:
    s = settings(https_port=8443, http_port=8080)
    assert probes.transport_urls("http://www.example.gov.cn/portal/?a=1", s) == (
        "https://www.example.gov.cn:8443/portal/?a=1", "http://www.example.gov.cn/portal/?a=1")
    assert probes.transport_urls("https://www.example.gov.cn/", s) == (
        "https://www.example.gov.cn/", "http://www.example.gov.cn:8080/")
    assert probes.transport_urls("http://www.example.gov.cn/", settings()) == (
        "https://www.example.gov.cn/", "http://www.example.gov.cn/")


def test_host_matching_rules() -> None:
    match = probes._host_matches
    assert match("www.example.gov.cn", ["*.example.gov.cn"], [], None)
    assert not match("a.b.example.gov.cn", ["*.example.gov.cn"], [], None)
    assert not match("example.gov.cn", ["*.example.gov.cn"], [], None)
    assert match("WWW.Example.gov.cn.", ["www.example.gov.cn"], [], None)
    assert match("www.example.gov.cn", [], [], "www.example.gov.cn")  # CN only without SANs
    assert not match("www.example.gov.cn", ["other.gov.cn"], [], "www.example.gov.cn")
    assert match("127.0.0.1", [], ["127.0.0.1"], None) and not match("127.0.0.1", ["127.0.0.1"], [], None)


# --- IPv6 ---------------------------------------------------------------------------------

def _ipv6_loopback() -> str | None:
    """Why ::1 cannot be used here, or None when it can."""
    if not socket.has_ipv6:
        return "Python built without IPv6 support"
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
    except OSError as exc:
        return f"cannot bind ::1 ({exc})"
    return None


needs_ipv6 = pytest.mark.skipif(_ipv6_loopback() is not None, reason=f"IPv6 loopback: {_ipv6_loopback()}")


def free_port6() -> int:
    with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
        s.bind(("::1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def v6_server() -> Iterator[Server]:
    with Server(host="::1") as srv:
        yield srv


@needs_ipv6
def test_ipv6_via_hosts_map(v6_server: Server) -> None:
    s = settings(hosts={"v6.example.gov.cn": "::1"}, https_port=free_port6())
    result = probe(f"http://v6.example.gov.cn:{v6_server.port}/", s)
    assert result["ipv6"] == {"addresses": ["::1"], "connect": True, "error": None, "detail": None,
                              "port": v6_server.port}
    assert result["http"]["status"] == 200  # the plain request went over IPv6 too
    assert result["https"]["error"] == "refused"


@needs_ipv6
def test_ipv6_literal_site(v6_server: Server) -> None:
    result = probe(f"http://[::1]:{v6_server.port}/", settings(https_port=free_port6()))
    assert result["ipv6"]["addresses"] == ["::1"] and result["ipv6"]["connect"] is True


@needs_ipv6
def test_ipv6_address_that_refuses() -> None:
    s = settings(hosts={"v6.example.gov.cn": "::1"})
    v6 = asyncio.run(probes.probe_ipv6("v6.example.gov.cn", free_port6(), s))
    assert v6["addresses"] == ["::1"] and v6["connect"] is False and v6["error"] == "refused"


def test_ipv4_only_hosts_have_no_ipv6() -> None:
    s = settings(hosts={"www.example.gov.cn": "127.0.0.1"})
    for host in ("127.0.0.1", "www.example.gov.cn", "localhost"):
        v6 = asyncio.run(probes.probe_ipv6(host, 80, s))
        assert v6["addresses"] == [] and v6["connect"] is False and v6["error"] is None
    assert "IPv4" in asyncio.run(probes.probe_ipv6("127.0.0.1", 80, s))["detail"]


def test_online_lookup_without_aaaa(monkeypatch: pytest.MonkeyPatch) -> None:
    async def no_aaaa(self: Any, host: str, port: int, **kw: Any) -> list[Any]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(asyncio.BaseEventLoop, "getaddrinfo", no_aaaa)
    v6 = asyncio.run(probes.probe_ipv6("www.example.gov.cn", 80, settings(offline=False)))
    assert v6["addresses"] == [] and v6["error"] is None and "AAAA" in v6["detail"]


def test_online_lookup_keeps_real_ipv6_only(monkeypatch: pytest.MonkeyPatch) -> None:
    async def answers(self: Any, host: str, port: int, **kw: Any) -> list[Any]:
        assert kw["family"] == socket.AF_INET6
        six = (socket.AF_INET6, socket.SOCK_STREAM, 6, "")
        return [(*six, ("::ffff:10.0.0.1", port, 0, 0)), (*six, ("::1", port, 0, 0)),
                (*six, ("::1", port, 0, 0))]

    async def refuse(*args: Any, **kw: Any) -> Any:
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(asyncio.BaseEventLoop, "getaddrinfo", answers)
    monkeypatch.setattr(probes.asyncio, "open_connection", refuse)
    v6 = asyncio.run(probes.probe_ipv6("www.example.gov.cn", 80, settings(offline=False)))
    assert v6["addresses"] == ["::1"] and v6["error"] == "refused"


def test_local_network_without_ipv6_is_not_the_sites_fault(monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    async def unreachable(*args: Any, **kw: Any) -> Any:
        raise OSError(errno.ENETUNREACH, "Network is unreachable")

    monkeypatch.setattr(probes.asyncio, "open_connection", unreachable)
    v6 = asyncio.run(probes.probe_ipv6("2001:db8::1", 80, settings()))
    assert v6["error"] == "local_unreachable"


# --- from probe to finding ----------------------------------------------------------------

def test_probe_results_become_findings(pki: dict[str, Pem]) -> None:
    with Server(tls=pki["expired"].server_context()) as tls, \
            LoopbackServer({"/": html("<title>示例</title>")}) as plain:
        result = probe(plain.url("/"), settings(ca_file=pki["ca"].cert_file, https_port=tls.port))
    site = SiteEntry(name="示例", url=plain.url("/"))
    snap = Snapshot(site)
    snap.home_url = site.url
    snap.probes["transport"] = result
    found = {f.code: f for f in transport.check(snap, Context(dt.date(2019, 10, 20), load_rules(), site))}
    # 127.0.0.1 is an IPv4 literal: IPv6 (an AAAA record of the site's name) does not apply.
    assert set(found) == {"transport.cert"}
    assert result["ipv6"]["applicable"] is False
    assert found["transport.cert"].severity == "deduct" and "过期" in found["transport.cert"].message


def test_named_site_without_aaaa_is_no_ipv6() -> None:
    v6 = asyncio.run(probes.probe_ipv6("www.example.gov.cn", 80,
                                       settings(offline=True, hosts={"www.example.gov.cn": "127.0.0.1"})))
    assert v6["addresses"] == [] and "applicable" not in v6
    site = SiteEntry(name="示例", url="http://www.example.gov.cn/")
    snap = Snapshot(site)
    snap.home_url = site.url
    snap.probes["transport"] = {"url": site.url, "ipv6": v6}
    [f] = transport.check(snap, Context(dt.date(2019, 10, 20), load_rules(), site))
    assert f.code == "transport.no_ipv6" and f.severity == "deduct"
