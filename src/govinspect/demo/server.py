"""Serve simulated sites over HTTP on 127.0.0.1, one port per site.

Pages computed per request (a site's search results, ``SimSite.dynamic``) get the raw query
string and body and answer GET, HEAD and POST; everything else is a static resource.

Pages refer to other world sites through placeholders (``{{site:KEY}}``, ``{{refused}}``,
see demo/types.py) so that a world can be built before any port exists; the server binds
every socket first, then substitutes the placeholders in each body as it sends it.
"""

from __future__ import annotations

import asyncio
import errno
import gzip
import random
import socket
import threading
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit

from aiohttp import web

from govinspect.demo.bad import respond
from govinspect.demo.render import error_page, find_resource
from govinspect.demo.static import write_static
from govinspect.demo.types import PLACEHOLDER_BYTES, Request, Resource, SimSite, World

__all__ = ["WorldHandle", "WorldServer", "ephemeral_range", "lasting_socket", "search_visit",
           "serve_in_thread", "write_static"]

HOST = "127.0.0.1"
NOT_FOUND = Resource(error_page(404), "text/html; charset=utf-8", 404)
Handler = Callable[[web.BaseRequest], Awaitable[web.StreamResponse]]
GZIP_MIN = 512  # bytes; smaller pages go out as they are
# What cloaking kits test before serving their spam: a search-engine crawler's User-Agent, or
# a Referer from a search engine's result page.
SPIDERS = ("baiduspider", "googlebot", "360spider", "sogou web spider", "bingbot", "yisouspider",
           "bytespider")
SEARCH_HOSTS = ("baidu.com", "so.com", "sogou.com", "google.com", "google.com.hk", "bing.com",
                "sm.cn")


def search_visit(headers: Mapping[str, str]) -> bool:
    """True for a search-engine spider, or for a visitor arriving from a search engine."""
    agent = headers.get("User-Agent", "").lower()
    if any(s in agent for s in SPIDERS):
        return True
    host = (urlsplit(headers.get("Referer", "")).hostname or "").lower()
    return any(host == h or host.endswith("." + h) for h in SEARCH_HOSTS)


def dead_socket(port: int = 0, reuse: bool = False) -> socket.socket:
    """A socket bound to a loopback port (``port``, else any) but never listening: connecting is refused."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if reuse:  # a socket that will listen: a later serve can bind its port despite TIME_WAIT
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((HOST, port))
    return sock


EPHEMERAL_DEFAULT = (32768, 60999)  # Linux's default net.ipv4.ip_local_port_range
LASTING_FLOOR = 10000  # below: the well-known and registered ports of common services


def ephemeral_range() -> tuple[int, int]:
    """The kernel's range for OS-assigned ports (outgoing connections, binds to port 0)."""
    try:
        lo, hi = (int(x) for x in Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
    except (OSError, ValueError):
        return EPHEMERAL_DEFAULT
    return lo, hi


def lasting_socket(reuse: bool = False, attempts: int = 200) -> socket.socket:
    """A loopback socket on a port outside the ephemeral range (else any port).

    The demo is served again at the same ports days later (`govinspect serve`); an OS-assigned
    port is soon handed to some other program's connection or listener, a port outside that
    range is taken only by a program that asks for it by number.
    """
    lo, hi = ephemeral_range()
    spans = [(a, b) for a, b in ((LASTING_FLOOR, lo - 1), (hi + 1, 65535)) if a <= b]
    pick = random.SystemRandom()
    for _ in range(attempts if spans else 0):
        a, b = pick.choice(spans)
        # Bound strictly first: with SO_REUSEADDR already set, Linux lets a second socket bind a
        # port that a sibling holds (bound with SO_REUSEADDR, not yet listening), and the second
        # listen() then fails with EADDRINUSE. The option is set once the port is ours alone.
        try:
            sock = dead_socket(pick.randint(a, b))
        except OSError as exc:
            if exc.errno not in (errno.EADDRINUSE, errno.EACCES):
                raise
            continue
        if reuse:  # checked at a later bind of this port (TIME_WAIT left by its connections)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        return sock
    return dead_socket(0, reuse)


def base_url(sock: socket.socket, hostname: str | None = None) -> str:
    """http://127.0.0.1:<port>/ of a bound socket (or http://<hostname>:<port>/)."""
    return f"http://{hostname or HOST}:{sock.getsockname()[1]}/"


class WorldServer:
    """Async context manager serving ``sites`` (default: the world's sites) on loopback."""

    def __init__(self, world: World | None, sites: Sequence[SimSite] | None = None,
                 gzip_html: bool = True, ports: Mapping[str, int] | None = None,
                 lasting: bool = False) -> None:
        if sites is None:
            if world is None:
                raise ValueError("WorldServer needs a world or a list of sites")
            sites = world.sites
        # The world's external hosts are served with it whatever the caller lists.
        self.sites = list(sites) + [e for e in (world.externals if world else []) if e not in sites]
        self.world = world
        self.gzip_html = gzip_html
        self.ports = dict(ports or {})  # site key (or "refused") -> port to bind again
        self.lasting = lasting  # new ports outside the ephemeral range (lasting_socket)
        self.base_urls: dict[str, str] = {}
        self.links: dict[str, str] = {}
        self.stats: Counter[str] = Counter()
        self._runners: list[web.ServerRunner] = []
        self._held: list[socket.socket] = []
        self._subst: dict[bytes, bytes] = {}

    async def __aenter__(self) -> WorldServer:
        await self.start()
        return self

    async def __aexit__(self, et: type[BaseException] | None, e: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.close()

    def _bind(self, key: str, reuse: bool) -> socket.socket:
        if key in self.ports:
            return dead_socket(self.ports[key], reuse)
        return lasting_socket(reuse) if self.lasting else dead_socket(0, reuse)

    async def start(self) -> None:
        """Bind every port, then start answering."""
        refused = self._bind("refused", reuse=False)
        self._held.append(refused)
        self.links["refused"] = base_url(refused)
        bound: list[tuple[SimSite, socket.socket]] = []
        for site in self.sites:
            sock = self._bind(site.key, reuse=site.behaviour != "down")
            self.base_urls[site.key] = base_url(sock, site.options.get("hostname"))
            if site.behaviour == "down":
                self._held.append(sock)
            else:
                bound.append((site, sock))
        known = {s.key for s in self.world.sites + self.world.externals} if self.world else set()
        for key in known | set(self.base_urls):  # world sites not served point at a dead port
            self.links[f"site:{key}"] = self.base_urls.get(key, self.links["refused"])
        self._subst = {k.encode(): v.encode() for k, v in self.links.items()}
        for site, sock in bound:
            sock.listen(128)
            sock.setblocking(False)
            server = web.Server(self._handler(site))
            runner = web.ServerRunner(server, shutdown_timeout=0.5)
            await runner.setup()
            await web.SockSite(runner, sock).start()
            self._runners.append(runner)

    async def close(self) -> None:
        """Stop every site and release the held ports."""
        for runner in self._runners:
            await runner.cleanup()
        self._runners.clear()
        for sock in self._held:
            sock.close()
        self._held.clear()

    def resolve(self, body: bytes) -> bytes:
        """Substitute the world's placeholders with the served absolute URLs."""
        if b"{{" not in body:
            return body
        return PLACEHOLDER_BYTES.sub(
            lambda m: self._subst.get(m.group(1), self._subst[b"refused"]), body
        )

    def _handler(self, site: SimSite) -> Handler:
        async def handle(request: web.BaseRequest) -> web.StreamResponse:
            self.stats["requests"] += 1
            self.stats[f"requests:{site.key}"] += 1
            if site.behaviour:
                resp = await respond(site, request, self.stats)
                if resp is not None:
                    return resp
            dynamic = site.dynamic.get(request.path) if site.dynamic else None
            if dynamic is not None and request.method in ("GET", "HEAD", "POST"):
                body = await request.read() if request.method == "POST" else b""
                query = request.raw_path.partition("?")[2]
                res = dynamic(Request(request.method, request.path, query, body, request.headers))
                return self.response(res, request.headers.get("Accept-Encoding", ""))
            if request.method not in ("GET", "HEAD"):
                return web.Response(status=405, headers={"Allow": "GET, HEAD"})
            cloaked: Resource | None = None
            if site.spider_view and search_visit(request.headers):
                cloaked = find_resource(site.spider_view, request.raw_path)
            found = cloaked or find_resource(site.resources, request.raw_path) or NOT_FOUND
            return self.response(found, request.headers.get("Accept-Encoding", ""))

        return handle

    def response(self, res: Resource, accept_encoding: str) -> web.Response:
        """The HTTP response for one resource, gzip-compressed for HTML when accepted."""
        body = self.resolve(res.body)
        extra = {k: self.resolve(v.encode()).decode() for k, v in res.headers.items()}  # a Location may name a world host
        headers = {"Content-Type": res.content_type, "Server": "nginx", **extra}
        if (self.gzip_html and "gzip" in accept_encoding and "html" in res.content_type
                and len(body) >= GZIP_MIN):
            body = gzip.compress(body, compresslevel=5)
            headers["Content-Encoding"] = "gzip"
            headers["Vary"] = "Accept-Encoding"
        return web.Response(body=body, status=res.status, headers=headers)


class WorldHandle:
    """A WorldServer running on its own event loop in a daemon thread."""

    def __init__(self, server: WorldServer, loop: asyncio.AbstractEventLoop,
                 thread: threading.Thread) -> None:
        self.server, self._loop, self._thread = server, loop, thread
        self.base_urls = server.base_urls
        self.links = server.links
        self.stats = server.stats

    def ports(self) -> dict[str, int]:
        """Site key (and "refused") -> port, to serve a later period at the same URLs."""
        urls = {**self.base_urls, "refused": self.links["refused"]}
        return {key: int(urlsplit(url).port or 0) for key, url in urls.items()}

    def close(self) -> None:
        """Stop serving and end the thread."""
        if self._loop.is_closed():
            return
        asyncio.run_coroutine_threadsafe(self.server.close(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    def __enter__(self) -> WorldHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def serve_in_thread(world: World | None, sites: Sequence[SimSite] | None = None,
                    gzip_html: bool = True, ports: Mapping[str, int] | None = None,
                    lasting: bool = False) -> WorldHandle:
    """Start a WorldServer in a background thread and return once every port answers.

    ``ports`` (``WorldHandle.ports()`` of an earlier serve) binds the same ports again, so that
    a later period of the world (demo/cycle.py) keeps its sites' URLs and its findings' keys.
    ``lasting`` picks new ports outside the ephemeral range, for a world served again later.
    """
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="govinspect-world", daemon=True)
    thread.start()
    server = WorldServer(world, sites, gzip_html, ports, lasting)
    try:
        asyncio.run_coroutine_threadsafe(server.start(), loop).result(timeout=30)
    except BaseException:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)
        raise
    return WorldHandle(server, loop, thread)
