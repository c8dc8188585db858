"""Crawl settings for runs started from the dashboard in tests, and a small slow loopback site."""

from __future__ import annotations

import asyncio
from pathlib import Path

from aiohttp import web as aioweb

from govinspect.settings import Settings

from .support import LoopbackServer, html

HOME = """<html><head><title>测试县人民政府</title></head><body>
<h1>测试县人民政府</h1><a href="/a.html">政务公开</a> <a href="/b.html">工作动态</a>
<p>版权所有：测试县人民政府办公室</p></body></html>"""


def fast_settings(home: Path) -> Settings:
    """No DNS (fixture hosts fail at once), no politeness delay, no extra probes; files under ``home``."""
    return Settings(offline=True, per_host=4, delay=0, timeout=5, retries=0, max_pages=10, max_depth=2,
                    harmful_links=False, cloak_sample=0, cloak_all_max_pages=0, search_probe=False,
                    transport_probes=False, attachments=False, check_external=False, home=home)


def slow_site(delay: float = 1.5) -> LoopbackServer:
    """A three-page site whose home page answers after ``delay`` seconds (a run stays running that long)."""

    async def slow_home(request: aioweb.Request) -> aioweb.StreamResponse:
        await asyncio.sleep(delay)
        return aioweb.Response(body=HOME.encode(), content_type="text/html", charset="utf-8")

    page = "<html><body><h1>{0}</h1><p>{0}的内容</p><a href='/'>首页</a></body></html>"
    return LoopbackServer({"/": slow_home, "/a.html": html(page.format("政务公开")),
                           "/b.html": html(page.format("工作动态"))})
