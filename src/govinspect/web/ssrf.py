"""The SSRF guard for site URLs registered through the dashboard.

A URL must be http(s) with a host. With ``block_private`` on (the dashboard's default), the host
is refused when it names this machine ("localhost"), when it is a literal address in any form the
C resolver accepts (``2130706433``, ``0x7f.1``, ``0177.0.0.1``, ``[::ffff:127.0.0.1]``) that is not
public, or when ANY address it resolves to is not public: loopback, private, link-local,
unspecified, multicast, reserved, shared (100.64/10), or an IPv6 address embedding one of those
(IPv4-mapped, 6to4, Teredo, NAT64). OWASP "Server Side Request Forgery Prevention Cheat Sheet".
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlsplit

from .security import WebError

Resolver = Callable[..., Sequence[Any]]  # socket.getaddrinfo's shape
IP = ipaddress.IPv4Address | ipaddress.IPv6Address
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")


class UnsafeURL(WebError):
    """A site URL the dashboard refuses to register."""

    def __init__(self, message: str):
        super().__init__(400, message)


def _embedded(ip: IP) -> IP | None:
    """The IPv4 address an IPv6 address carries (mapped, 6to4, Teredo, NAT64), if any."""
    if isinstance(ip, ipaddress.IPv4Address):
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public(ip: IP) -> bool:
    """Whether an address is a public unicast one (and so is any IPv4 address it embeds)."""
    inner = _embedded(ip)
    if inner is not None and not is_public(inner):
        return False
    return not (ip.is_loopback or ip.is_link_local or ip.is_private or ip.is_unspecified
                or ip.is_multicast or ip.is_reserved or not ip.is_global)


def literal_ip(host: str) -> IP | None:
    """The address a host written as an IP literal stands for, in any form the resolver accepts."""
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        pass
    if host and all(c in "0123456789abcdefxABCDEFX." for c in host):
        try:  # inet_aton reads 2130706433, 0x7f.1, 0177.0.0.1 and 127.1 as the resolver would
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def check_site_url(url: str, *, block_private: bool = True, resolve: Resolver = socket.getaddrinfo) -> str:
    """The URL (stripped) when it may be registered, else ``UnsafeURL`` with one Chinese line."""
    raw = url.strip()
    try:
        parts = urlsplit(raw)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        raise UnsafeURL(f"网址格式错误: {raw[:200]}") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise UnsafeURL(f"网址必须以 http:// 或 https:// 开头: {raw[:200]}")
    if not host:
        raise UnsafeURL(f"网址缺少主机名: {raw[:200]}")
    if parts.username is not None or parts.password is not None:
        raise UnsafeURL("网址中不能包含用户名或密码")
    if not block_private:
        return raw
    name = host.rstrip(".").lower()
    if name in _LOCAL_NAMES or name.endswith(".localhost"):
        raise UnsafeURL(f"不允许登记指向本机的网址({host})")
    ip = literal_ip(name)
    if ip is not None:
        if not is_public(ip):
            raise UnsafeURL(f"网址指向内网、本机或保留地址 {ip}，出于安全考虑(SSRF 防护)不允许登记")
        return raw
    try:
        infos = resolve(name, port or (443 if parts.scheme.lower() == "https" else 80), 0, socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise UnsafeURL(f"无法解析网址的域名 {host}，请检查网址是否正确") from None
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise UnsafeURL(f"无法解析网址的域名 {host}，请检查网址是否正确")
    for addr in addresses:
        found = literal_ip(str(addr))
        if found is None or not is_public(found):
            raise UnsafeURL(f"网址的域名 {host} 解析到内网、本机或保留地址 {addr}，出于安全考虑(SSRF 防护)不允许登记")
    return raw
