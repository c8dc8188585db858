"""Misbehaving sites for robustness tests: dead, garbage, huge, endless, looping, trapping, slow.

``build_bad_sites()`` describes them; ``respond()`` is what the world server does for a
site whose ``behaviour`` is set (None means: fall back to the site's static resources).
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from datetime import date
from html import escape
from typing import Any

from aiohttp import web

from govinspect.demo import files
from govinspect.demo.plan import SiteSpec, build_plan
from govinspect.demo.render import STYLES, assign_paths, render_site
from govinspect.demo.text import Locale
from govinspect.demo.truth import plan_truth
from govinspect.demo.types import Resource, SimSite, Truth

BEHAVIOURS = ("down", "garbage", "binary", "huge", "endless", "redirect_loop", "trap", "slow")
HUGE_BYTES = 50 * 1024 * 1024
CHUNK = 64 * 1024
_LINE = "<p>淮南市人民政府办公室关于进一步做好政务公开工作的通知（第{n}段）。</p>\n"
_FILL = ("".join(_LINE.format(n=n % 10) for n in range(400)).encode("utf-8") * 2)[:CHUNK]
_IDENTITY = [
    ("down", "潘集区人民政府", "3404060001"),
    ("garbage", "大通区人民政府", "3404020001"),
    ("binary", "谢家集区人民政府", "3404040001"),
    ("huge", "八公山区人民政府", "3404050001"),
    ("endless", "毛集实验区管理委员会", "3404000031"),
    ("redirect_loop", "淮南市统计局", "3404000019"),
    ("trap", "淮南市文化和旅游局", "3404000022"),
    ("slow", "淮南市自然资源和规划局", "3404000016"),
]


def build_bad_sites(
    slow_seconds: float = 3.0, huge_bytes: int = HUGE_BYTES, endless_interval: float = 0.05,
    as_of: date = date(2019, 10, 20),
) -> list[SimSite]:
    """One SimSite per misbehaviour; not part of the demo world by default."""
    options: dict[str, dict[str, Any]] = {
        "slow": {"delay": slow_seconds},
        "huge": {"size": huge_bytes},
        "endless": {"interval": endless_interval},
    }
    sites = []
    for key, name, code in _IDENTITY:
        resources: dict[str, Resource] = {}
        truth = Truth()
        if key == "trap":
            resources, truth = _trap_site(as_of)
        elif key == "slow":
            home = f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{name}</title></head>'
            home += f"<body><h1>{name}</h1><p>网站正在维护中，请稍后访问。</p></body></html>"
            resources = {"/": Resource(home.encode("utf-8"), "text/html; charset=utf-8")}
        sites.append(SimSite(
            key=key, name=name, unit=name + ("办公室" if name.endswith("政府") else ""),
            level="county" if name.endswith(("区人民政府", "委员会")) else "department",
            site_code=code, encoding="utf-8", style="bad", resources=resources, truth=truth,
            behaviour=key, options=options.get(key, {}),
        ))
    return sites


def _trap_site(as_of: date) -> tuple[dict[str, Resource], Truth]:
    """A small normal department site whose home links into three crawler traps."""
    spec = SiteSpec(
        key="trap", name="淮南市文化和旅游局", unit="淮南市文化和旅游局", level="department",
        site_code="3404000022", style="ul", encoding="utf-8", header_charset="utf-8",
        locale=Locale("淮南市", "淮南", "淮南市文化和旅游局", ["八公山景区", "焦岗湖景区", "上窑镇"],
                      leader_titles=["局长", "副局长"], doc_prefix="淮文旅"),
        icp="皖ICP备05003456号-1", police="皖公网安备 34040202000612号",
    )
    plan = build_plan(spec, as_of, 7, 0.15, False)
    assign_paths(plan, STYLES["ul"])
    plan.home_links = [
        ("活动日历", f"/calendar?month={as_of:%Y-%m}"),
        ("文旅资讯", "/a/"),
        ("景区名录", "/list.jsp?page=1"),
    ]
    truth = plan_truth(plan)
    truth.notes = {
        "/calendar": "endless calendar: every month links to the previous and the next",
        "/a/": "repeated path segments: /a/ links to /a/a/ and so on",
        "/list.jsp": "ever-growing query string",
    }
    return render_site(plan).resources, truth


def _page(title: str, body: str) -> web.Response:
    html = (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f"</head><body>{body}</body></html>")
    return web.Response(body=html.encode("utf-8"),
                        headers={"Content-Type": "text/html; charset=utf-8"})


def _shift_month(month: str, delta: int) -> str:
    try:
        y, m = (int(x) for x in month.split("-", 1))
    except ValueError:
        y, m = 2019, 10
    n = y * 12 + (m - 1) + delta
    return f"{n // 12:04d}-{n % 12 + 1:02d}"


def _trap(request: web.BaseRequest) -> web.Response | None:
    path = request.path
    if path == "/calendar":
        month = request.query.get("month", "2019-10")
        prev, nxt = _shift_month(month, -1), _shift_month(month, 1)
        days = "".join(f"<td>{d}</td>" for d in range(1, 29))
        body = (f"<h1>{escape(month)} 活动日历</h1><table><tr>{days}</tr></table>"
                f'<a href="/calendar?month={prev}">上一月</a> '
                f'<a href="/calendar?month={nxt}">下一月</a>')
        return _page(f"活动日历 {month}", body)
    if path.startswith("/a/") and set(path.strip("/").split("/")) == {"a"}:
        depth = path.count("a/")
        return _page(f"文旅资讯 第{depth}层", '<p>文旅资讯</p><a href="a/">更多资讯</a>')
    if path == "/list.jsp":
        qs = request.query_string
        return _page("景区名录", f'<p>景区名录</p><a href="/list.jsp?{escape(qs)}&amp;sort=asc">'
                                 "按名称排序</a>")
    return None


async def _huge(request: web.BaseRequest, size: int, stats: Counter[str]) -> web.StreamResponse:
    head = b'<!DOCTYPE html><html><head><meta charset="utf-8"><title>huge</title></head><body>\n'
    tail = b"</body></html>\n"
    resp = web.StreamResponse(headers={"Content-Type": "text/html; charset=utf-8"})
    resp.content_length = max(size, len(head) + len(tail))
    await resp.prepare(request)
    if request.method == "HEAD":
        return resp
    await resp.write(head)
    left = resp.content_length - len(head) - len(tail)
    while left > 0:  # one shared 64 KiB buffer, never the whole body
        part = _FILL if left >= CHUNK else _FILL[:left]
        await resp.write(part)
        stats["huge_chunks"] += 1
        left -= len(part)
    await resp.write(tail)
    await resp.write_eof()
    return resp


async def _endless(request: web.BaseRequest, interval: float, stats: Counter[str]
                   ) -> web.StreamResponse:
    resp = web.StreamResponse(headers={"Content-Type": "text/html; charset=utf-8"})
    resp.enable_chunked_encoding()
    await resp.prepare(request)
    stats["endless_active"] += 1
    try:
        await resp.write(b"<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>\n")
        n = 0
        while True:
            n += 1
            await resp.write(_LINE.format(n=n).encode("utf-8"))
            stats["endless_chunks"] += 1
            await asyncio.sleep(interval)
    except ConnectionError:  # the client went away: stop writing
        stats["endless_stopped"] += 1
    except asyncio.CancelledError:  # the server is shutting down
        stats["endless_stopped"] += 1
        raise
    finally:
        stats["endless_active"] -= 1
    return resp


async def respond(site: SimSite, request: web.BaseRequest, stats: Counter[str]
                  ) -> web.StreamResponse | None:
    """The misbehaving answer for ``request``, or None to serve the site's resources."""
    kind, home = site.behaviour, request.path == "/"
    if kind == "garbage" and home:
        noise = random.Random(f"garbage:{site.key}").randbytes(64 * 1024)
        return web.Response(body=noise, headers={"Content-Type": "text/html"})
    if kind == "binary" and home:
        return web.Response(body=files.png(64, 64) * 40,
                            headers={"Content-Type": "application/octet-stream"})
    if kind == "huge" and home:
        return await _huge(request, int(site.options.get("size", HUGE_BYTES)), stats)
    if kind == "endless" and home:
        return await _endless(request, float(site.options.get("interval", 0.05)), stats)
    if kind == "redirect_loop":
        nxt = {"/": "/a", "/a": "/b", "/b": "/a"}.get(request.path)
        if nxt:
            return web.Response(status=302, headers={"Location": nxt})
    if kind == "trap":
        return _trap(request)
    if kind == "slow":
        await asyncio.sleep(float(site.options.get("delay", 3.0)))
    return None
