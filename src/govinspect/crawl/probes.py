"""Transport probes after a crawl: HTTPS and its certificate, the HTTP redirect, IPv6.

The results are plain JSON-like data that the engine stores in ``snap.probes["transport"]``
for checks/transport.py. The ``ssl`` module is used directly (one GET on a raw stream, no
redirects followed) so that the peer certificate can be read and verified; socket and TLS
errors are translated here into the same kinds http.py uses. No probe ever raises.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import ipaddress
import logging
import socket
import ssl
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import SplitResult, quote, urljoin, urlsplit

from ..http import Fetcher, OfflineResolver
from ..settings import Settings

if TYPE_CHECKING:  # imported with the first certificate read: ~8 MB kept out of runs without HTTPS
    from cryptography import x509

log = logging.getLogger(__name__)

# OpenSSL verify codes (x509_vfy.h) that say which certificate problem the handshake met.
_NOT_YET_VALID, _EXPIRED, _SELF_SIGNED = 9, 10, 18
_CHAIN_CODES = frozenset({2, 19, 20, 21, 27})  # unknown or untrusted issuer, incomplete chain
_HOSTNAME_CODES = frozenset({62, 64})
# Problems in the order a message names them.
CERT_PROBLEMS = ("expired", "not_yet_valid", "self_signed", "untrusted", "hostname_mismatch")
_MAX_HOPS = 5
_MAX_HEAD = 64 * 1024
_LOCAL_NO_ROUTE = frozenset({errno.ENETUNREACH, errno.EADDRNOTAVAIL})
_NO_AAAA = frozenset(
    c for c in (getattr(socket, n, None) for n in ("EAI_NONAME", "EAI_NODATA", "EAI_ADDRFAMILY"))
    if c is not None
)


@dataclass(slots=True)
class Exchange:
    """One request's outcome: status and headers, the peer certificate, or an error kind."""

    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    der: bytes | None = None
    tls_version: str | None = None
    error: str | None = None
    detail: str | None = None
    verify_code: int | None = None


async def probe_transport(site_url: str, settings: Settings, fetcher: Fetcher | None = None) -> dict[str, Any]:
    """HTTPS, certificate, HTTP-to-HTTPS redirect and IPv6 results for one site."""
    parts = urlsplit(site_url)
    host = parts.hostname or ""
    result: dict[str, Any] = {"url": site_url, "checked_at": datetime.now(UTC).isoformat(timespec="seconds")}
    if parts.scheme not in ("http", "https") or not host:
        result["error"] = f"地址无效: {site_url[:200]}"
        return result
    client = _Client(settings, fetcher)
    https_url, http_url = transport_urls(site_url, settings)
    try:
        (https, cert), (redirects, http), ipv6 = await asyncio.gather(
            _probe_https(client, https_url), _probe_redirect(client, http_url),
            probe_ipv6(host, parts.port or (443 if parts.scheme == "https" else 80), settings),
        )
    except Exception as exc:  # one odd server must not stop the run: report it instead
        log.exception("transport probe failed for %s", site_url)
        result["error"] = f"{type(exc).__name__}: {exc}"[:300]
        return result
    https["http_redirects_to_https"] = redirects
    result.update(https=https, cert=cert, http=http, ipv6=ipv6)
    return result


def transport_urls(site_url: str, settings: Settings) -> tuple[str, str]:
    """The HTTPS and the plain-HTTP address of a site (settings ``https_port``/``http_port``)."""
    parts = urlsplit(site_url)
    host = parts.hostname or ""
    netloc_host = f"[{host}]" if ":" in host else host
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    https_port: int | None = getattr(settings, "https_port", None)
    http_port: int | None = getattr(settings, "http_port", None)
    if parts.scheme == "https":
        https_url = site_url
        port = http_port or 80
        http_url = f"http://{netloc_host}{'' if port == 80 else f':{port}'}{path}"
    else:
        http_url = site_url
        port = https_port or 443
        https_url = f"https://{netloc_host}{'' if port == 443 else f':{port}'}{path}"
    return https_url, http_url


class _Client:
    """Single requests on raw streams, resolved and paced like the crawl's Fetcher."""

    def __init__(self, settings: Settings, fetcher: Fetcher | None):
        self.settings, self.fetcher = settings, fetcher
        self.user_agent = fetcher.user_agent if fetcher else settings.user_agent
        self.resolver = OfflineResolver(settings.hosts) if settings.offline else None

    @contextlib.asynccontextmanager
    async def _slot(self, netloc: str) -> AsyncIterator[None]:
        if self.fetcher is None:
            yield
        else:
            async with self.fetcher.slots.slot(netloc.lower()):
                yield

    async def get(self, url: str, tls: ssl.SSLContext | None = None) -> Exchange:
        """One GET of ``url`` (status line and headers only), never following redirects."""
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme == "https" else 80)
        ex = Exchange()
        writer: asyncio.StreamWriter | None = None
        async with self._slot(parts.netloc):
            try:
                async with asyncio.timeout(self.settings.timeout):
                    addr = await self._address(host, port)
                    reader, writer = await asyncio.open_connection(
                        addr, port, ssl=tls, server_hostname=_ascii_host(host) if tls else None,
                    )
                    if tls is not None:
                        sslobj = writer.get_extra_info("ssl_object")
                        ex.der, ex.tls_version = sslobj.getpeercert(binary_form=True), sslobj.version()
                    writer.write(self._request(parts))
                    await writer.drain()
                    ex.status, ex.headers = _parse_head(await reader.readuntil(b"\r\n\r\n"))
            except ssl.SSLCertVerificationError as exc:
                ex.error, ex.detail, ex.verify_code = "cert", exc.verify_message, exc.verify_code
            except (OSError, EOFError, asyncio.LimitOverrunError, ValueError) as exc:
                ex.error, ex.detail = translate(exc, self.settings.timeout)
            finally:
                if writer is not None:
                    await _close(writer)
        return ex

    async def _address(self, host: str, port: int) -> str:
        if self.resolver is None:
            return host  # the OS resolves while connecting
        return str((await self.resolver.resolve(host, port))[0]["host"])

    def _request(self, parts: SplitResult) -> bytes:
        path = quote((parts.path or "/") + (f"?{parts.query}" if parts.query else ""),
                     safe="/%:@!$&'()*+,;=-._~?")
        host = _ascii_host(parts.hostname or "")
        host = (f"[{host}]" if ":" in host else host) + (f":{parts.port}" if parts.port else "")
        return (f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: {self.user_agent}\r\n"
                "Accept: text/html,*/*;q=0.8\r\nAccept-Language: zh-CN,zh;q=0.9\r\n"
                "Connection: close\r\n\r\n").encode("ascii", "replace")


async def _probe_https(client: _Client, url: str) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Request the HTTPS address, verifying first and reading the certificate anyway on failure."""
    verified = await client.get(url, _verify_context(client.settings))
    ex = verified
    if verified.error == "cert":
        ex = await client.get(url, _insecure_context())
    https: dict[str, Any] = {"url": url, "ok": False, "status": ex.status, "error": ex.error,
                             "detail": ex.detail, "tls_version": ex.tls_version,
                             "hsts": "strict-transport-security" in ex.headers}
    location = ex.headers.get("location", "")
    if ex.error is None and ex.status is not None:
        if ex.status >= 400:
            https.update(error="status", detail=f"HTTP {ex.status}")
        elif 300 <= ex.status < 400 and urljoin(url, location).lower().startswith("http://"):
            https.update(error="redirects_to_http", detail=f"重定向到 {urljoin(url, location)[:200]}")
        else:
            https["ok"] = True
    cert: dict[str, Any] | None = None
    host = urlsplit(url).hostname or ""
    warn_days = int(getattr(client.settings, "cert_warn_days", 30))
    if ex.der:
        try:
            cert = cert_report(ex.der, host, verified.verify_code, verified.detail, warn_days)
        except ValueError as exc:  # a certificate cryptography cannot parse
            cert = {"checked": False, "valid": False, "error": "unparsable", "detail": str(exc)[:200]}
    elif verified.verify_code is not None:
        cert = {"checked": False, "valid": False, "error": "untrusted", "detail": verified.detail}
    return https, cert


async def _probe_redirect(client: _Client, url: str) -> tuple[bool, dict[str, Any]]:
    """Whether plain HTTP sends visitors to HTTPS, following at most a few same-scheme hops."""
    first: dict[str, Any] = {"url": url, "status": None, "location": None, "error": None}
    current = url
    for hop in range(_MAX_HOPS):
        ex = await client.get(current)
        location = ex.headers.get("location", "").strip()
        if hop == 0:
            first.update(status=ex.status, location=location or None, error=ex.error, detail=ex.detail)
        if ex.error or ex.status is None or not (300 <= ex.status < 400) or not location:
            break
        target = urljoin(current, location)
        if target.lower().startswith("https://"):
            first["final"] = target
            return True, first
        if not target.lower().startswith("http://") or target == current:
            break
        current = target
    return False, first


def cert_report(der: bytes, host: str, verify_code: int | None, verify_message: str | None,
                warn_days: int = 30) -> dict[str, Any]:
    """What a certificate says and what is wrong with it for ``host`` now."""
    from cryptography import x509

    cert = x509.load_der_x509_certificate(der)
    now = datetime.now(UTC)
    not_after, not_before = cert.not_valid_after_utc, cert.not_valid_before_utc
    dns_names, ip_names = _alt_names(cert)
    self_signed = cert.issuer == cert.subject
    hostname_ok = _host_matches(host, dns_names, ip_names, _common_name(cert)) and (
        verify_code not in _HOSTNAME_CODES)
    found = set()
    if now > not_after or verify_code == _EXPIRED:
        found.add("expired")
    if now < not_before or verify_code == _NOT_YET_VALID:
        found.add("not_yet_valid")
    if verify_code is not None and (verify_code == _SELF_SIGNED or (self_signed and verify_code in _CHAIN_CODES)):
        found.add("self_signed")
    elif verify_code is not None and (verify_code in _CHAIN_CODES or not (found or verify_code in _HOSTNAME_CODES)):
        found.add("untrusted")  # also revoked, wrong purpose and other verify failures
    if not hostname_ok:
        found.add("hostname_mismatch")
    problems = [p for p in CERT_PROBLEMS if p in found]
    days_left = (not_after - now).days
    return {
        "checked": True, "valid": not problems, "error": problems[0] if problems else None,
        "problems": problems, "detail": verify_message, "verify_code": verify_code,
        "not_before": not_before.date().isoformat(), "not_after": not_after.date().isoformat(),
        "days_left": days_left, "warn_days": warn_days, "expiring": not problems and days_left <= warn_days,
        "subject": cert.subject.rfc4514_string(), "issuer": cert.issuer.rfc4514_string(),
        "names": dns_names + ip_names, "hostname": host, "hostname_ok": hostname_ok,
    }


async def probe_ipv6(host: str, port: int, settings: Settings) -> dict[str, Any]:
    """IPv6 addresses of ``host`` (never DNS when offline) and whether the first one accepts TCP."""
    out: dict[str, Any] = {"addresses": [], "connect": False, "error": None, "detail": None, "port": port}
    try:
        addresses = await _v6_addresses(host, port, settings)
    except OSError as exc:
        out["error"], out["detail"] = translate(exc, settings.timeout)
        return out
    out["addresses"] = addresses
    if not addresses:
        literal = _ip(host)
        if literal is not None:
            # A site addressed by an IPv4 literal has no name to carry an AAAA record:
            # the check applies to domain names only.
            out["applicable"] = False
        out["detail"] = "站点地址为 IPv4 地址" if literal is not None else "未解析到 IPv6 地址(AAAA 记录)"
        return out
    timeout = float(getattr(settings, "ipv6_timeout", min(5.0, settings.connect_timeout)))
    try:
        async with asyncio.timeout(timeout):
            _, writer = await asyncio.open_connection(addresses[0], port)
        out["connect"] = True
        await _close(writer)
    except OSError as exc:
        out["error"], out["detail"] = translate(exc, timeout)
    return out


async def _v6_addresses(host: str, port: int, settings: Settings) -> list[str]:
    literal = _ip(host)
    if literal is not None:
        return [str(literal)] if literal.version == 6 else []
    if settings.offline:
        mapped = _ip({k.lower(): v for k, v in settings.hosts.items()}.get(host.lower(), ""))
        return [str(mapped)] if mapped is not None and mapped.version == 6 else []
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, family=socket.AF_INET6, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        if exc.errno in _NO_AAAA:
            return []  # the name exists without an AAAA record, or not at all
        raise
    addresses: list[str] = []
    for info in infos:
        addr = str(info[4][0]).split("%", 1)[0]
        ip = _ip(addr)
        if ip is not None and ip.version == 6 and ip.ipv4_mapped is None and addr not in addresses:
            addresses.append(addr)
    return addresses


def translate(exc: BaseException, timeout: float) -> tuple[str, str]:
    """A socket or TLS error as a (kind, detail) pair; kinds as in http.py plus a few."""
    if isinstance(exc, TimeoutError):
        return "timeout", f"{timeout:g} 秒内未完成"
    if isinstance(exc, ssl.SSLError):
        return "handshake", str(exc.reason or exc)[:200]
    if isinstance(exc, socket.gaierror) or (isinstance(exc, OSError) and exc.errno in _NO_AAAA):
        return "dns", str(exc)[:200]
    if isinstance(exc, ConnectionRefusedError):
        return "refused", str(exc)[:200]
    if isinstance(exc, OSError) and exc.errno in _LOCAL_NO_ROUTE:
        return "local_unreachable", str(exc)[:200]
    if isinstance(exc, OSError) and exc.errno == errno.EHOSTUNREACH:
        return "unreachable", str(exc)[:200]
    if isinstance(exc, EOFError | asyncio.LimitOverrunError | ValueError):
        return "protocol", f"{type(exc).__name__}: {exc}"[:200]
    return "connection", f"{type(exc).__name__}: {exc}"[:200]


def _verify_context(settings: Settings) -> ssl.SSLContext:
    """The system trust store plus the ``ca_file`` setting, hostname checked."""
    ctx = ssl.create_default_context()
    ca_file = getattr(settings, "ca_file", None)
    if ca_file:
        ctx.load_verify_locations(cafile=str(ca_file))
    return ctx


def _insecure_context() -> ssl.SSLContext:
    """A context that accepts any certificate, only to read what the server presents."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def _parse_head(head: bytes) -> tuple[int, dict[str, str]]:
    lines = head.decode("latin-1").split("\r\n")
    fields = lines[0].split(None, 2)
    if len(fields) < 2 or not fields[0].startswith("HTTP/") or not fields[1].isdigit():
        raise ValueError(f"不是 HTTP 响应: {lines[0][:80]!r}")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers.setdefault(name.strip().lower(), value.strip())
    return int(fields[1]), headers


async def _close(writer: asyncio.StreamWriter) -> None:
    writer.close()
    with contextlib.suppress(Exception):
        async with asyncio.timeout(1):
            await writer.wait_closed()


def _alt_names(cert: x509.Certificate) -> tuple[list[str], list[str]]:
    from cryptography import x509

    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return [], []
    return list(san.get_values_for_type(x509.DNSName)), [str(i) for i in san.get_values_for_type(x509.IPAddress)]


def _common_name(cert: x509.Certificate) -> str | None:
    from cryptography import x509

    attrs = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(attrs[0].value) if attrs else None


def _host_matches(host: str, dns_names: list[str], ip_names: list[str], common_name: str | None) -> bool:
    """RFC 6125 matching: IP SANs for addresses, DNS SANs (one-label wildcards), CN only without SANs."""
    ip = _ip(host)
    if ip is not None:
        return any(_ip(n) == ip for n in ip_names)
    name = _ascii_host(host).lower().rstrip(".")
    patterns = dns_names if (dns_names or ip_names) else [common_name] if common_name else []
    for pattern in (p.lower().rstrip(".") for p in patterns):
        if pattern == name:
            return True
        if pattern.startswith("*.") and "." in name and name.split(".", 1)[1] == pattern[2:]:
            return True
    return False


def _ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip("[]"))
    except ValueError:
        return None


def _ascii_host(host: str) -> str:
    """The host in its ASCII (IDNA) form, for SNI, Host headers and name matching."""
    if host.isascii():
        return host
    with contextlib.suppress(UnicodeError):
        return host.encode("idna").decode("ascii")
    return host

