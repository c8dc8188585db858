"""A simulated clock and switchable loopback sites for the monitor tests."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from aiohttp import web

from .support import Handler


class FakeClock:
    """Wall time that moves only when the monitor sleeps (a week passes in seconds)."""

    def __init__(self, start: datetime):
        self.t = start

    def now(self) -> datetime:
        return self.t

    def sleep(self, seconds: float, stop: threading.Event) -> None:
        self.t += timedelta(seconds=seconds)


def switchable(down: set[str], name: str) -> Handler:
    """A home page that answers 503 while ``name`` is in ``down``."""

    async def handler(_request: web.Request) -> web.StreamResponse:
        if name in down:
            return web.Response(status=503, text="维护中")
        return web.Response(text=f"<html><head><title>{name}</title></head><body>首页</body></html>",
                            content_type="text/html")

    return handler
