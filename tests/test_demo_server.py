"""The world server over real HTTP on 127.0.0.1, including the misbehaving sites."""

from __future__ import annotations

import asyncio
import gzip
import http.client
import socket
import time
from datetime import date
from urllib.parse import urlsplit

import aiohttp
import pytest

from govinspect.demo.defects_security import HIJACK_HOSTS
from govinspect.demo.server import WorldHandle, WorldServer, search_visit
from govinspect.demo.types import World
from govinspect.demo.world import build_bad_sites, build_world

AS_OF = date(2019, 10, 20)


def request(url: str, method: str = "GET", headers: dict[str, str] | None = None,
            timeout: float = 5.0) -> tuple[int, dict[str, str], bytes]:
    """One request without redirects or decompression: (status, headers, raw body)."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        conn.request(method, target, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def rss_bytes() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


# -- the demo world ------------------------------------------------------------------------

def test_every_site_answers_on_its_own_port(demo_world: World, world_server: WorldHandle) -> None:
    ports = set()
    for site in demo_world.sites:
        url = world_server.base_urls[site.key]
        assert url.startswith("http://127.0.0.1:") and url.endswith("/")
        ports.add(urlsplit(url).port)
        status, headers, body = request(url)
        assert status == 200 and headers["content-type"] == site.resources["/"].content_type
        assert b"{{" not in body
        for other in demo_world.sites:
            if other is not site:
                assert world_server.base_urls[other.key].encode() in body
    assert len(ports) == len(demo_world.sites)


def test_gbk_bytes_are_served_verbatim(world_server: WorldHandle) -> None:
    status, headers, body = request(world_server.base_urls["jyj"])
    assert headers["content-type"] == "text/html; charset=utf-8"  # the lie is preserved
    assert "淮南市教育局" in body.decode("gbk")


def test_head_has_headers_but_no_body(world_server: WorldHandle) -> None:
    url = world_server.base_urls["huainan"] + "xwdt/gzdt/"
    _, got, body = request(url)
    status, head, nobody = request(url, "HEAD")
    assert status == 200 and nobody == b""
    assert head["content-type"] == got["content-type"]
    assert int(head["content-length"]) == len(body)


def test_unknown_path_is_a_chinese_404(world_server: WorldHandle) -> None:
    status, headers, body = request(world_server.base_urls["tja"] + "no/such/page.html")
    assert status == 404 and "页面不存在" in body.decode("utf-8")


def test_directory_and_index_aliases(world_server: WorldHandle) -> None:
    assert request(world_server.base_urls["huainan"] + "xwdt/gzdt/index.html")[0] == 200
    assert request(world_server.base_urls["tja"] + "xwdt/gzdt/")[0] == 200


def test_gzip_when_accepted(world_server: WorldHandle) -> None:
    url = world_server.base_urls["fengtai"]
    _, _, plain = request(url)
    status, headers, body = request(url, headers={"Accept-Encoding": "gzip, deflate"})
    assert headers.get("content-encoding") == "gzip" and gzip.decompress(body) == plain
    _, headers, _ = request(url + "images/banner.png", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in headers


def test_query_string_pages(demo_world: World, world_server: WorldHandle) -> None:
    col = demo_world.site("fengtai").truth.columns["工作动态"].path
    status, _, body = request(world_server.base_urls["fengtai"] + col.lstrip("/") + "?page=2")
    assert status == 200 and "下一页" in body.decode()


def test_every_broken_target_really_fails(demo_world: World, world_server: WorldHandle) -> None:
    kinds = set()
    for site in demo_world.sites:
        base = world_server.base_urls[site.key]
        for target, kind in site.truth.broken_kinds(base, world_server.links).items():
            kinds.add(kind)
            host = urlsplit(target).hostname or ""
            if kind in ("404", "500"):
                assert request(target)[0] == int(kind), target
            elif kind == "refused":
                with pytest.raises(ConnectionRefusedError):
                    request(target, timeout=2)
            else:
                dead_gov = host.startswith("www.defunct-") and host.endswith(".gov.cn")
                assert dead_gov or host in HIJACK_HOSTS, target  # planted casino links
    assert kinds == {"404", "500", "refused", "dns"}


def test_cloaked_home_is_shown_to_search_engines_only(
    demo_world: World, world_server: WorldHandle
) -> None:
    cloaked = [s for s in demo_world.sites if s.spider_view]
    assert [s.key for s in cloaked] == ["fengtai"]
    base = world_server.base_urls["fengtai"]
    spider = {"User-Agent": "Mozilla/5.0 (compatible; Baiduspider/2.0; "
                            "+http://www.baidu.com/search/spider.html)"}
    referer = {"Referer": "https://www.baidu.com/s?wd=%E5%87%A4%E5%8F%B0"}
    views = {
        "normal": request(base)[2].decode(),
        "spider": request(base, headers=spider)[2].decode(),
        "referer": request(base, headers=referer)[2].decode(),
    }
    assert "澳门葡京" not in views["normal"] and "凤台县人民政府</title>" in views["normal"]
    for name in ("spider", "referer"):
        assert "<title>澳门葡京_" in views[name] and "http://www.pj-casino8.com/" in views[name], name
        assert b"{{" not in views[name].encode()
    # Other pages of the site, and other sites, look the same to a spider.
    col = demo_world.site("fengtai").truth.columns["工作动态"].path
    assert request(base + col.lstrip("/"), headers=spider)[2] == request(base + col.lstrip("/"))[2]
    other = world_server.base_urls["wjw"]
    assert request(other, headers=spider)[2] == request(other)[2]


def test_search_visit() -> None:
    assert search_visit({"User-Agent": "Mozilla/5.0 (compatible; Baiduspider/2.0)"})
    assert search_visit({"Referer": "https://www.baidu.com/s?wd=x"})
    assert search_visit({"Referer": "https://m.so.com/s?q=x"})
    assert not search_visit({"Referer": "http://www.also.com/"})
    assert not search_visit({"User-Agent": "Mozilla/5.0 (Windows NT 10.0) Chrome/77.0"})


def test_linked_pages_of_other_sites_answer(demo_world: World, world_server: WorldHandle) -> None:
    base = world_server.base_urls["huainan"]
    body = request(base)[2].decode()
    for key in ("tja", "fengtai", "jyj", "wjw"):
        assert f'href="{world_server.base_urls[key]}"' in body
        assert request(world_server.base_urls[key])[0] == 200


def test_async_context_manager_and_aiohttp_client() -> None:
    world = build_world(AS_OF, scale=0.2)

    async def main() -> tuple[int, int, str]:
        async with WorldServer(world) as server, aiohttp.ClientSession() as session:
            async with session.get(server.base_urls["tja"]) as resp:
                text = (await resp.read()).decode("gbk")
            async with session.head(server.base_urls["tja"]) as head:
                return resp.status, head.status, text

    status, head_status, text = asyncio.run(main())
    assert status == head_status == 200 and "田家庵区人民政府" in text


# -- misbehaving sites ---------------------------------------------------------------------

def test_down_site_refuses(bad_server: WorldHandle) -> None:
    with pytest.raises(ConnectionRefusedError):
        request(bad_server.base_urls["down"], timeout=2)


def test_garbage_and_binary(bad_server: WorldHandle) -> None:
    status, headers, body = request(bad_server.base_urls["garbage"])
    assert status == 200 and headers["content-type"] == "text/html" and len(body) > 10000
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    status, headers, body = request(bad_server.base_urls["binary"])
    assert headers["content-type"] == "application/octet-stream" and body.startswith(b"\x89PNG")


def test_huge_page_is_streamed_not_built(bad_server: WorldHandle) -> None:
    url = urlsplit(bad_server.base_urls["huge"])
    before_rss, before_chunks = rss_bytes(), bad_server.stats["huge_chunks"]
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    conn.request("GET", "/")
    resp = conn.getresponse()
    assert int(resp.getheader("Content-Length")) == 50 * 1024 * 1024
    total = 0
    while chunk := resp.read(1 << 20):
        total += len(chunk)
    conn.close()
    assert total == 50 * 1024 * 1024
    assert bad_server.stats["huge_chunks"] - before_chunks >= 799  # sent in 64 KiB pieces
    assert rss_bytes() - before_rss < 20 * 1024 * 1024


def test_endless_stream_stops_when_the_client_leaves(bad_server: WorldHandle) -> None:
    url = urlsplit(bad_server.base_urls["endless"])
    stopped = bad_server.stats["endless_stopped"]
    sock = socket.create_connection((url.hostname, url.port), timeout=5)
    sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    got = b""
    while got.count(b"<p>") < 5:
        got += sock.recv(4096)
    assert b"Transfer-Encoding: chunked" in got
    assert bad_server.stats["endless_active"] == 1
    sock.close()
    deadline = time.monotonic() + 5
    while bad_server.stats["endless_active"] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert bad_server.stats["endless_active"] == 0
    assert bad_server.stats["endless_stopped"] == stopped + 1


def test_redirect_loop(bad_server: WorldHandle) -> None:
    base = bad_server.base_urls["redirect_loop"]
    hops = {p: request(base + p.lstrip("/"))[1]["location"] for p in ("/", "/a", "/b")}
    assert hops == {"/": "/a", "/a": "/b", "/b": "/a"}


def test_trap_site_is_normal_with_endless_links(bad_server: WorldHandle) -> None:
    base = bad_server.base_urls["trap"]
    home = request(base)[2].decode()
    assert "友情链接" in home and "/calendar?month=2019-10" in home and 'href="/a/"' in home
    cal = request(base + "calendar?month=2019-12")[2].decode()
    assert 'href="/calendar?month=2020-01"' in cal and 'href="/calendar?month=2019-11"' in cal
    deep = request(base + "a/a/a/a/")[2].decode()
    assert 'href="a/"' in deep
    grown = request(base + "list.jsp?page=1&sort=asc")[2].decode()
    assert "page=1&amp;sort=asc&amp;sort=asc" in grown


def test_slow_site(bad_server: WorldHandle) -> None:
    with pytest.raises(TimeoutError):
        request(bad_server.base_urls["slow"], timeout=0.3)
    start = time.monotonic()
    status, _, body = request(bad_server.base_urls["slow"], timeout=5)
    assert status == 200 and time.monotonic() - start >= 0.9 and "维护" in body.decode()


def test_bad_sites_are_described() -> None:
    sites = {s.key: s for s in build_bad_sites()}
    assert set(sites) == {"down", "garbage", "binary", "huge", "endless", "redirect_loop",
                          "trap", "slow"}
    assert all(s.behaviour == k for k, s in sites.items())
    assert sites["trap"].truth.fresh_columns and len(sites["trap"].resources) > 20
