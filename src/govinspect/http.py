"""HTTP fetching: per-host limits and politeness, timeouts, retries, redirects, size caps.

aiohttp errors are translated here, at the boundary, into ``FetchError`` kinds so that
nothing past this module knows about aiohttp.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult

from .errors import FetchError
from .model import FETCH_ERROR_KINDS
from .settings import Settings

# Every kind a FetchError may carry (model.ErrorKind); messages shown to users live in labels.py.
ERROR_KINDS: tuple[str, ...] = tuple(str(k) for k in FETCH_ERROR_KINDS)
BodyFilter = Callable[[dict[str, str]], bool]
TRANSIENT_STATUS = frozenset({429, 502, 503, 504})
TRANSIENT_KINDS = frozenset({"connection", "protocol"})


@dataclass(slots=True)
class Response:
    """A finished response: final URL, status, headers and at most ``max_bytes`` of body."""

    url: str
    final_url: str
    status: int
    headers: dict[str, str]
    body: bytes
    redirects: list[str] = field(default_factory=list)
    elapsed_ms: int = 0

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").lower()


class OfflineResolver(AbstractResolver):
    """Resolve only loopback addresses and a fixed name map; everything else is a DNS error."""

    def __init__(self, hosts: dict[str, str]):
        self._hosts = {k.lower(): v for k, v in hosts.items()}

    async def resolve(self, host: str, port: int = 0, family: int = socket.AF_INET) -> list[ResolveResult]:
        ip = self._hosts.get(host.lower())
        if ip is None and (host == "localhost" or host.startswith("127.") or host == "::1"):
            ip = "127.0.0.1" if host == "localhost" else host
        if ip is None:
            raise OSError(socket.EAI_NONAME, f"离线模式不解析域名 {host}")
        fam = socket.AF_INET6 if ":" in ip else socket.AF_INET
        return [
            {"hostname": host, "host": ip, "port": port, "family": fam, "proto": 0,
             "flags": socket.AI_NUMERICHOST}
        ]

    async def close(self) -> None:
        return None


class HostSlots:
    """A per-host semaphore plus a minimum pause between request starts to that host."""

    def __init__(self, per_host: int, delay: float):
        self._per_host, self._delay = per_host, delay
        self._sems: dict[str, asyncio.Semaphore] = {}
        self._next_start: dict[str, float] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    def slot(self, host: str) -> AbstractAsyncContextManager[Any]:
        """Held for one request to ``host``: its semaphore alone when no pause is asked for (a
        politeness-free crawl makes one request per page: no generator to run for each)."""
        sem = self._sems.get(host)
        if sem is None:
            sem = self._sems[host] = asyncio.Semaphore(self._per_host)
        return self._paced(host, sem) if self._delay > 0 else sem

    @contextlib.asynccontextmanager
    async def _paced(self, host: str, sem: asyncio.Semaphore) -> AsyncIterator[None]:
        async with sem:
            lock = self._locks.setdefault(host, asyncio.Lock())
            async with lock:
                now = time.monotonic()
                wait = self._next_start.get(host, 0.0) - now
                if wait > 0:
                    await asyncio.sleep(wait)
                self._next_start[host] = max(now, self._next_start.get(host, 0.0)) + self._delay
            yield


class Fetcher:
    """One aiohttp session shared by a crawl; every request goes through ``fetch``."""

    def __init__(self, settings: Settings, user_agent: str | None = None):
        self.settings = settings
        self.user_agent = user_agent or settings.user_agent
        self.slots = HostSlots(settings.per_host, settings.delay)
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Fetcher:
        s = self.settings
        resolver = OfflineResolver(s.hosts) if s.offline else None
        connector = aiohttp.TCPConnector(
            limit=0, limit_per_host=s.per_host, resolver=resolver, ttl_dns_cache=300,
            enable_cleanup_closed=True, ssl=False,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            headers={"User-Agent": self.user_agent, "Accept-Language": "zh-CN,zh;q=0.9"},
            timeout=aiohttp.ClientTimeout(total=None, connect=s.connect_timeout),
            auto_decompress=True,
            cookie_jar=aiohttp.DummyCookieJar(),
            max_line_size=16384,
            max_field_size=16384,
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._session is not None:
            await self._session.close()

    async def fetch(
        self, url: str, method: str = "GET", *, want_body: bool = True,
        headers: dict[str, str] | None = None, body_if: BodyFilter | None = None,
        max_bytes: int | None = None, data: bytes | None = None,
    ) -> Response:
        """Fetch ``url`` following redirects; retry transient failures with backoff."""
        attempt = 0
        while True:
            try:
                resp = await self._follow(url, method, want_body, headers, body_if, max_bytes, data)
            except FetchError as exc:
                if exc.kind in TRANSIENT_KINDS and attempt < self.settings.retries:
                    attempt += 1
                    await asyncio.sleep(self.settings.backoff * 2 ** (attempt - 1))
                    continue
                raise
            if resp.status in TRANSIENT_STATUS and attempt < self.settings.retries:
                attempt += 1
                await asyncio.sleep(_retry_after(resp, self.settings.backoff * 2 ** (attempt - 1)))
                continue
            return resp

    async def _follow(
        self, url: str, method: str, want_body: bool, headers: dict[str, str] | None,
        body_if: BodyFilter | None, max_bytes: int | None, data: bytes | None = None,
    ) -> Response:
        start = time.monotonic()
        seen = [url]
        current = url
        while True:
            host = _host(current)
            async with self.slots.slot(host):
                status, hdrs, body = await self._one(
                    current, method, want_body, headers, body_if, max_bytes, data
                )
            if 300 <= status < 400 and "location" in hdrs:
                target = urljoin(current, hdrs["location"].strip())
                target = target.split("#", 1)[0]
                if urlsplit(target).scheme not in ("http", "https"):
                    raise FetchError("bad_url", f"重定向到非 HTTP 地址 {target[:200]}", status)
                if target in seen:
                    raise FetchError("redirect_loop", " -> ".join([*seen[-4:], target])[:300], status)
                if len(seen) > self.settings.max_redirects:
                    raise FetchError("too_many_redirects", f"超过 {self.settings.max_redirects} 次重定向", status)
                seen.append(target)
                current = target
                if method == "POST" and status in (301, 302, 303):
                    # Browsers follow a redirected form submission with a plain GET.
                    method, data = "GET", None
                continue
            elapsed = int((time.monotonic() - start) * 1000)
            return Response(url, current, status, hdrs, body, seen[1:], elapsed)

    async def _one(
        self, url: str, method: str, want_body: bool, headers: dict[str, str] | None,
        body_if: BodyFilter | None, max_bytes: int | None, data: bytes | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        assert self._session is not None, "Fetcher used outside 'async with'"
        try:
            async with asyncio.timeout(self.settings.timeout):
                async with self._session.request(
                    method, url, allow_redirects=False, headers=headers, data=data
                ) as r:
                    hdrs = {k.lower(): v for k, v in r.headers.items()}
                    wanted = want_body and method != "HEAD" and not (300 <= r.status < 400)
                    body = b""
                    if wanted and (body_if is None or body_if(hdrs)):
                        body = await self._read_capped(r, max_bytes or self.settings.max_bytes)
                    return r.status, hdrs, body
        except FetchError:
            raise
        except TimeoutError as exc:
            raise FetchError("timeout", f"{self.settings.timeout:g} 秒内未完成") from exc
        except aiohttp.ClientConnectorDNSError as exc:
            raise FetchError("dns", str(exc.os_error or exc)[:200]) from exc
        except aiohttp.ClientConnectorCertificateError as exc:
            raise FetchError("ssl", str(exc)[:200]) from exc
        except aiohttp.ClientSSLError as exc:
            raise FetchError("ssl", str(exc)[:200]) from exc
        except aiohttp.ClientConnectorError as exc:
            kind = "refused" if isinstance(exc.os_error, ConnectionRefusedError) else "connection"
            raise FetchError(kind, str(exc.os_error or exc)[:200]) from exc
        except (aiohttp.InvalidURL, ValueError) as exc:
            raise FetchError("bad_url", str(exc)[:200]) from exc
        except (aiohttp.ClientPayloadError, aiohttp.ClientResponseError) as exc:
            raise FetchError("protocol", str(exc)[:200]) from exc
        except (aiohttp.ClientError, OSError) as exc:
            raise FetchError("connection", f"{type(exc).__name__}: {exc}"[:200]) from exc

    async def _read_capped(self, r: aiohttp.ClientResponse, cap: int) -> bytes:
        """Read at most ``cap`` bytes of the decompressed body; a bigger body is a too_large error."""
        declared = r.content_length
        if declared is not None and declared > cap and "gzip" not in r.headers.get("Content-Encoding", ""):
            raise FetchError("too_large", f"声明长度 {declared} 字节，超过上限 {cap} 字节")
        chunks: list[bytes] = []
        size = 0
        async for chunk in r.content.iter_chunked(65536):
            size += len(chunk)
            if size > cap:
                raise FetchError("too_large", f"内容超过上限 {cap} 字节")
            chunks.append(chunk)
        return b"".join(chunks)


HTML_TYPES = ("text/html", "application/xhtml+xml")


def is_html(headers: dict[str, str]) -> bool:
    """True when a response may be a web page (HTML, or no or a plain-text Content-Type)."""
    ct = headers.get("content-type", "").lower()
    return not ct or ct.startswith(HTML_TYPES) or ct.startswith("text/plain")


def _host(url: str) -> str:
    return urlsplit(url).netloc.lower()


def _retry_after(resp: Response, default: float) -> float:
    value = resp.headers.get("retry-after", "")
    with contextlib.suppress(ValueError):
        return min(float(value), 30.0)
    return default
