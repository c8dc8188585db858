"""A small real HTTP server on 127.0.0.1 for crawl tests: routes are Python handlers."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class LoopbackServer:
    """Serves an aiohttp app in a daemon thread; ``url(path)`` gives absolute URLs."""

    def __init__(self, routes: dict[str, Handler | tuple[str, Handler]]):
        self.routes = routes
        self.hits: dict[str, int] = {}
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.port = 0

    def _app(self) -> web.Application:
        app = web.Application()

        async def dispatch(request: web.Request) -> web.StreamResponse:
            key = request.path_qs if request.path_qs in self.routes else request.path
            self.hits[key] = self.hits.get(key, 0) + 1
            route = self.routes.get(key)
            if route is None:
                return web.Response(status=404, text="<html><body>页面不存在</body></html>",
                                    content_type="text/html")
            handler = route[1] if isinstance(route, tuple) else route
            return await handler(request)

        app.router.add_route("*", "/{tail:.*}", dispatch)
        return app

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        runner = web.AppRunner(self._app(), handle_signals=False)
        self._loop.run_until_complete(runner.setup())
        site = web.TCPSite(runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._runner = runner
        self._ready.set()
        self._loop.run_forever()
        self._loop.run_until_complete(runner.cleanup())

    def __enter__(self) -> LoopbackServer:
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc: Any) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"


def html(body: str, *, status: int = 200, charset: str = "utf-8", headers: dict[str, str] | None = None,
         content_type: str | None = None) -> Handler:
    """A handler answering a fixed HTML page."""
    data = body.encode(charset)

    async def handler(request: web.Request) -> web.StreamResponse:
        ct = content_type if content_type is not None else f"text/html; charset={charset}"
        hdrs = {"Content-Type": ct, **(headers or {})}
        return web.Response(status=status, body=data, headers=hdrs)

    return handler


def raw(data: bytes, content_type: str, status: int = 200) -> Handler:
    async def handler(request: web.Request) -> web.StreamResponse:
        return web.Response(status=status, body=data, headers={"Content-Type": content_type})

    return handler


def redirect(location: str, status: int = 302) -> Handler:
    async def handler(request: web.Request) -> web.StreamResponse:
        return web.Response(status=status, headers={"Location": location})

    return handler


def free_port() -> int:
    """A port on 127.0.0.1 where nothing listens (bound then released)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Proc:
    """What a command returned: its exit status and its two streams."""

    returncode: int
    stdout: str
    stderr: str


def one_line_error(proc: Proc, needle: str) -> None:
    """The command failed as bad input does: exit 2 and one line on stderr naming ``needle``."""
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    [line] = proc.stderr.strip().splitlines()
    assert needle in line and "Traceback" not in proc.stderr
