"""The fetcher against a real loopback server: retries, redirects, caps, errors."""

from __future__ import annotations

import asyncio
import gzip

import pytest
from aiohttp import web

from govinspect.errors import FetchError
from govinspect.http import Fetcher
from govinspect.settings import Settings

from .support import LoopbackServer, free_port, html, raw, redirect


def settings(**kw: object) -> Settings:
    base = {"delay": 0, "backoff": 0.01, "timeout": 3, "offline": True}
    base.update(kw)
    return Settings(**base)  # type: ignore[arg-type]


def fetch(s: Settings, url: str, method: str = "GET", **kw: object):
    async def go():
        async with Fetcher(s) as f:
            return await f.fetch(url, method, **kw)  # type: ignore[arg-type]

    return asyncio.run(go())


def test_get_page_and_headers():
    with LoopbackServer({"/": html("<title>淮南市人民政府</title>")}) as srv:
        r = fetch(settings(), srv.url("/"))
    assert r.status == 200
    assert "淮南市人民政府".encode() in r.body
    assert r.content_type.startswith("text/html")


def test_retries_transient_503_then_succeeds():
    calls = {"n": 0}

    async def flaky(request: web.Request) -> web.Response:
        calls["n"] += 1
        if calls["n"] < 3:
            return web.Response(status=503, text="busy")
        return web.Response(text="ok")

    with LoopbackServer({"/": flaky}) as srv:
        r = fetch(settings(retries=2), srv.url("/"))
    assert r.status == 200 and calls["n"] == 3


def test_no_retry_on_404():
    with LoopbackServer({}) as srv:
        r = fetch(settings(retries=3), srv.url("/missing.html"))
        assert r.status == 404
        assert srv.hits["/missing.html"] == 1


def test_redirect_followed_and_recorded():
    routes = {"/old": redirect("/new"), "/new": html("新页面")}
    with LoopbackServer(routes) as srv:
        r = fetch(settings(), srv.url("/old"))
    assert r.status == 200 and r.final_url.endswith("/new") and r.redirects == [srv.url("/new")]


def test_redirect_loop_detected():
    routes = {"/a": redirect("/b"), "/b": redirect("/a")}
    with LoopbackServer(routes) as srv, pytest.raises(FetchError) as exc:
        fetch(settings(), srv.url("/a"))
    assert exc.value.kind == "redirect_loop"


def test_redirect_limit():
    routes = {f"/r{i}": redirect(f"/r{i + 1}") for i in range(20)}
    with LoopbackServer(routes) as srv, pytest.raises(FetchError) as exc:
        fetch(settings(max_redirects=5), srv.url("/r0"))
    assert exc.value.kind == "too_many_redirects"


def test_connection_refused():
    with pytest.raises(FetchError) as exc:
        fetch(settings(retries=0), f"http://127.0.0.1:{free_port()}/")
    assert exc.value.kind == "refused"


def test_offline_dns_error_without_network():
    with pytest.raises(FetchError) as exc:
        fetch(settings(retries=0), "http://www.defunct-example.gov.cn/")
    assert exc.value.kind == "dns"


def test_timeout():
    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(5)
        return web.Response(text="late")

    with LoopbackServer({"/": slow}) as srv, pytest.raises(FetchError) as exc:
        fetch(settings(timeout=0.5, retries=0), srv.url("/"))
    assert exc.value.kind == "timeout"


def test_size_cap_declared_and_streamed():
    big = b"<html>" + b"x" * 200_000

    async def chunked(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "text/html"})
        await resp.prepare(request)
        for _ in range(100):
            await resp.write(b"y" * 10_000)
        await resp.write_eof()
        return resp

    routes = {"/big": raw(big, "text/html"), "/stream": chunked}
    with LoopbackServer(routes) as srv:
        for path in ("/big", "/stream"):
            with pytest.raises(FetchError) as exc:
                fetch(settings(max_bytes=100_000), srv.url(path))
            assert exc.value.kind == "too_large"


def test_decompression_bomb_is_capped():
    bomb = gzip.compress(b"<html>" + b"\0" * 20_000_000)
    assert len(bomb) < 100_000

    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=bomb, headers={"Content-Type": "text/html", "Content-Encoding": "gzip"})

    with LoopbackServer({"/": handler}) as srv, pytest.raises(FetchError) as exc:
        fetch(settings(max_bytes=1_000_000), srv.url("/"))
    assert exc.value.kind == "too_large"


def test_head_has_no_body_and_body_filter_skips_binaries():
    routes = {"/f.pdf": raw(b"%PDF-1.4 " + b"0" * 50_000, "application/pdf")}
    with LoopbackServer(routes) as srv:
        head = fetch(settings(), srv.url("/f.pdf"), "HEAD")
        get = fetch(settings(), srv.url("/f.pdf"), body_if=lambda h: "html" in h.get("content-type", ""))
    assert head.status == 200 and head.body == b""
    assert get.status == 200 and get.body == b""


def test_per_host_limit_is_respected():
    state = {"now": 0, "max": 0}

    async def handler(request: web.Request) -> web.Response:
        state["now"] += 1
        state["max"] = max(state["max"], state["now"])
        await asyncio.sleep(0.05)
        state["now"] -= 1
        return web.Response(text="ok")

    async def go(url: str) -> None:
        async with Fetcher(settings(per_host=3)) as f:
            await asyncio.gather(*(f.fetch(f"{url}?i={i}") for i in range(12)))

    with LoopbackServer({"/": handler}) as srv:
        asyncio.run(go(srv.url("/")))
    assert state["max"] == 3


def test_politeness_delay_spaces_requests():
    async def go(url: str) -> float:
        loop = asyncio.get_running_loop()
        async with Fetcher(settings(per_host=4, delay=0.1)) as f:
            t0 = loop.time()
            await asyncio.gather(*(f.fetch(f"{url}?i={i}") for i in range(5)))
            return loop.time() - t0

    with LoopbackServer({"/": html("ok")}) as srv:
        elapsed = asyncio.run(go(srv.url("/")))
    assert elapsed >= 0.4  # 5 starts, 0.1 s apart
