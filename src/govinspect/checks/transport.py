"""HTTPS, certificate and IPv6 (transport.no_https, transport.cert, transport.no_ipv6).

Reads what crawl/probes.py stored in ``snap.probes["transport"]``. HTTPS has no national
rule, so a site without it gets a notice (good practice, indicators.md "Site identity");
an invalid certificate and missing IPv6 are deductions (IPv6: 国办秘函〔2019〕19号 lists it
under functional design; national target 85% of county-level portals by 2022, points U).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..labels import CERT_LABELS
from ..labels import TRANSPORT_ERROR_LABELS as KIND_LABELS
from ..model import Finding
from ..snapshot import Snapshot
from .base import Context

# Errors that say the probe could not judge the site, not that the site lacks the feature.
_UNJUDGED = frozenset({"dns", "local_unreachable", "internal"})


def check(snap: Snapshot, ctx: Context) -> Iterator[Finding]:
    probe = snap.probes.get("transport")
    if not probe:
        return
    url = snap.home_url or ctx.site.url
    if probe.get("error"):
        yield Finding("crawl.incomplete", "notice", url, f"HTTPS、证书和 IPv6 检测未能完成: {probe['error']}",
                      {"item": "transport", "error": probe["error"]})
        return
    if probe.get("https"):
        yield from _https(probe["https"], url)
    if probe.get("cert"):
        yield from _cert(probe["cert"], url)
    if probe.get("ipv6"):
        yield from _ipv6(probe["ipv6"], url)


def _https(https: dict[str, Any], url: str) -> Iterator[Finding]:
    if https.get("ok"):
        return
    error = https.get("error")
    what = _describe(error, https.get("status"))
    evidence = {"detail": f"{https.get('url')} {what}", "error": error, "https_url": https.get("url"),
                "status": https.get("status"), "http_redirects_to_https": https.get("http_redirects_to_https")}
    if error in _UNJUDGED:
        yield Finding("transport.no_https", "notice", url, f"未能检测 HTTPS: {what}", evidence)
        return
    yield Finding("transport.no_https", "notice", url, f"网站未启用 HTTPS({https.get('url')} {what})", evidence)


def _cert(cert: dict[str, Any], url: str) -> Iterator[Finding]:
    if not cert.get("checked"):
        return  # no certificate was presented: transport.no_https says why
    evidence = {key: cert.get(key) for key in ("not_after", "days_left", "subject", "issuer", "hostname_ok")}
    if not cert.get("valid"):
        problems = cert.get("problems") or [cert.get("error")]
        said = "；".join(_cert_problem(p, cert) for p in problems)
        evidence.update(kind=problems[0], problems=problems, detail=said, verify=cert.get("detail"))
        yield Finding("transport.cert", "deduct", url, f"HTTPS 证书{said}", evidence)
        return
    days, warn = cert.get("days_left"), cert.get("warn_days", 30)
    if cert.get("expiring") or (isinstance(days, int) and days <= warn):
        evidence.update(kind="expiring", detail=f"证书将于 {cert.get('not_after')} 到期")
        yield Finding("transport.cert", "notice", url,
                      f"HTTPS 证书将于 {cert.get('not_after')} 到期(剩余 {days} 天)，请及时更换", evidence)


def _cert_problem(problem: str | None, cert: dict[str, Any]) -> str:
    if problem == "expired":
        return f"已于 {cert.get('not_after')} 过期"
    if problem == "not_yet_valid":
        return f"尚未生效(生效日期 {cert.get('not_before')})"
    if problem == "hostname_mismatch":
        names = "、".join((cert.get("names") or [])[:5]) or cert.get("subject") or "未知"
        return f"与域名 {cert.get('hostname')} 不匹配(证书适用于 {names})"
    return CERT_LABELS.get(problem or "", f"无效({cert.get('detail') or problem})")


def _ipv6(ipv6: dict[str, Any], url: str) -> Iterator[Finding]:
    if ipv6.get("connect") or ipv6.get("applicable") is False:
        return
    addresses = ipv6.get("addresses") or []
    error = ipv6.get("error")
    evidence: dict[str, Any] = {"addresses": addresses, "error": error, "port": ipv6.get("port")}
    if error in _UNJUDGED:
        evidence["detail"] = ipv6.get("detail")
        yield Finding("transport.no_ipv6", "notice", url, f"未能检测 IPv6 支持情况: {_describe(error, None)}",
                      evidence)
        return
    if not addresses:
        evidence["detail"] = ipv6.get("detail") or "未解析到 IPv6 地址(AAAA 记录)"
        yield Finding("transport.no_ipv6", "deduct", url, f"网站不支持 IPv6 访问: {evidence['detail']}", evidence)
        return
    what = _describe(error, None)
    evidence["detail"] = f"IPv6 地址 {addresses[0]} 端口 {ipv6.get('port')} {what}"
    yield Finding("transport.no_ipv6", "deduct", url, f"网站 IPv6 地址无法访问: {evidence['detail']}", evidence)


def _describe(error: str | None, status: int | None) -> str:
    if error == "status" and status is not None:
        return f"返回 HTTP {status}"
    if error:
        return KIND_LABELS.get(error, error)
    return "无响应" if status is None else f"HTTP {status}"
