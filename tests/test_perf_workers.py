"""Issue 13: parse workers over pipes (crawl/workers.py) and the compact parsed page.

A page parsed in a worker comes back as a snapshot row and its normalised targets
(``crawl.parse.Parsed``); it must be exactly what the crawl process would store and route
for the same page parsed in-process. A worker that dies or fails costs no page: the crawl
parses in its own process and the findings are the same.
"""

from __future__ import annotations

import asyncio
import os
import signal
from datetime import date

import pytest

from govinspect.crawl.engine import CpuGauge, parse_share
from govinspect.crawl.parse import Parsed, page_routes, parse_remote, parse_response
from govinspect.crawl.workers import ParsePool, WorkerError, WorkerPool
from govinspect.extract.plan import parts_for
from govinspect.model import Page
from govinspect.pagerows import page_row

AS_OF = date(2019, 10, 20)
URL = "http://127.0.0.1:9/xxgk/tzgg/index.html"
LIST_GBK = """<html><head><meta charset="gbk"><title>通知公告－某县人民政府</title></head><body>
<div id="nav"><a href="/">首页</a><a href="../zwdt/">政务动态</a></div>
<ul class="list"><li><a href="./201910/t20191008_1.html" title="关于开展安全生产大检查的通知">关于开展安全生产大检查的通知</a>
<span>２０１９－１０－０８</span></li><li><a href="./201910/t20191007_2.html">关于做好秋冬季防火工作的通知</a>
<span>2019年10月7日</span></li><li><a href="201909/t20190930_3.html#top">国庆假期值班安排</a><span>2019/09/30</span></li></ul>
<div class="page"><a href="index_1.html">下一页</a><a href="index_9.html">尾页</a></div>
<img src="/images/banner.jpg" alt="横幅"><a href="/download/附件.docx">附件下载</a>
<a href="HTTP://Example.GOV.cn:80/a/../b/?q=1#x">外部链接</a></body></html>"""
ARTICLE = """<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="ArticleTitle" content="县政府召开常务会议">
<meta name="PubDate" content="2019-10-08 09:30"><title>县政府召开常务会议</title></head><body>
<div class="article"><h1>县政府召开常务会议</h1><p>发布时间：2019-10-08 来源：县政府办</p>
<p>会议研究了有关事项。联系电话：0554-1234567。</p><a href="/xxgk/tzgg/">返回列表</a></div></body></html>"""


def head(url: str) -> tuple[str, str, int, int, int, str]:
    return (url, url, 2, 200, 12, "text/html")


@pytest.mark.parametrize("body,parts", [
    (LIST_GBK.encode("gbk"), None), (LIST_GBK.encode("gbk"), parts_for(["availability", "links"])),
    (ARTICLE.encode(), None), (b"\x00\x01\x02binary", None),
])
def test_parsed_is_what_the_crawl_process_would_store_and_route(body, parts):
    parsed = parse_remote(head(URL), body, "text/html", AS_OF, None, parts, True)
    page = parse_response(Page(url=URL, final_url=URL, depth=2, status=200, elapsed_ms=12,
                               content_type="text/html"), body, "text/html", AS_OF, None, parts)
    assert isinstance(parsed, Parsed)
    assert parsed.row == page_row(page)
    assert (parsed.next_target, parsed.routes) == page_routes(page)
    assert (parsed.url, parsed.depth) == (URL, 2)
    if b"index_1" in body:
        assert parsed.next_target == "http://127.0.0.1:9/xxgk/tzgg/index_1.html"
        assert ("http://example.gov.cn/b/?q=1", "a") in parsed.routes  # normalised as the crawl routes
    # Not compact: the page itself, as the crawl needs it for the home page and list pages.
    assert parse_remote(head(URL), body, "text/html", AS_OF, None, parts, False) == page


def test_a_page_with_a_script_loaded_list_comes_back_whole():
    html = """<html><head><meta charset="utf-8"><title>工作动态</title></head><body><ul id="list"></ul>
    <script>$.ajax({url: "/api/content/list", data: {pageNo: 1, pageSize: 10}, success: function (d) {
    render(d.rows); }});</script></body></html>"""
    parsed = parse_remote(head(URL), html.encode(), "text/html", AS_OF, None, None, True)
    assert isinstance(parsed, Page) and parsed.list_source  # the crawl reads the rest of the list


def test_worker_pool_parses_fails_cleanly_and_survives_nothing_silently(tmp_path):
    async def run() -> None:
        pool = await WorkerPool(1).start()
        try:
            assert pool.alive and len(pool.pids) == 1 and pool.pids[0] != os.getpid()
            assert pool.cpu_per_call("parse") is None  # no answer yet
            parsed = await pool.call("parse", head(URL), LIST_GBK.encode("gbk"), "text/html", AS_OF, None, None, True)
            assert parsed == parse_remote(head(URL), LIST_GBK.encode("gbk"), "text/html", AS_OF, None, None, True)
            many = await asyncio.gather(*(pool.call("parse", head(f"{URL}?n={i}"), ARTICLE.encode(), None, AS_OF,
                                                    None, None, True) for i in range(50)))
            assert [p.url for p in many] == [f"{URL}?n={i}" for i in range(50)] and pool.busy == 0
            # Each answer brings the worker's CPU for the call: 51 pages, well under a second each.
            per_page = pool.cpu_per_call("parse")
            assert per_page is not None and 0 < per_page < 1
            assert pool.cpu_per_call("parse", least=52) is None and pool.cpu_per_call("judge") is None
            # A function that raises in the worker: WorkerError naming it, and the worker lives on.
            with pytest.raises(WorkerError, match="SnapshotError"):
                await pool.call("judge", str(tmp_path / "missing.sqlite"), None, ("links",))
            assert pool.alive
            # A worker killed while it holds calls: they fail, and so does every later call.
            big = (LIST_GBK * 200).encode("gbk")
            pending = [asyncio.ensure_future(pool.call("parse", head(URL), big, None, AS_OF, None, None, True))
                       for _ in range(20)]
            await asyncio.sleep(0.05)
            os.kill(pool.pids[0], signal.SIGKILL)
            results = await asyncio.gather(*pending, return_exceptions=True)
            assert any(isinstance(r, WorkerError) for r in results)
            assert not pool.alive and pool.pids == []
            with pytest.raises(WorkerError):
                await pool.call("parse", head(URL), b"<html></html>", None, AS_OF, None, None, True)
        finally:
            await pool.close()

    asyncio.run(run())


def test_a_worker_whose_input_closes_answers_first_then_leaves_with_status_0():
    """A worker skips its interpreter's teardown (crawl/child.py, ``leave``), never an answer."""
    from govinspect.crawl.child import BOOT

    assert BOOT.endswith("serve(); leave()")

    async def run() -> list[int | None]:
        pool = await WorkerPool(2).start()
        procs = [w.proc for w in pool._workers]
        try:
            pages = await asyncio.gather(*(pool.call("parse", head(f"{URL}?n={i}"), ARTICLE.encode(), None, AS_OF,
                                                     None, None, True) for i in range(10)))
            assert [p.url for p in pages] == [f"{URL}?n={i}" for i in range(10)]
        finally:
            await pool.close()
        return [p.returncode for p in procs]

    assert asyncio.run(run()) == [0, 0]


def test_the_crawl_process_parses_the_share_of_pages_that_evens_out_both_sides_cpu():
    # Figures in ms per page: the workers' parse (divided among them), the crawl process's work
    # besides parsing, and its own parse.
    full = parse_share(2.2, 1.0, 1.6)
    assert 0.3 < full < 0.35
    # Both sides then spend the same: the crawl process its own work and its share of parses,
    # the workers the rest.
    assert abs((1.0 + full * 1.6) - (1 - full) * 2.2) < 1e-9
    assert parse_share(0.95, 1.0, 0.9) == 0.0  # links mode: the crawl process is the slower side
    assert parse_share(1.0, 1.0, 1.0) == 0.0
    assert parse_share(2.2 / 2, 1.0, 1.6) < full  # two workers take more of the load
    assert parse_share(50.0, 1.0, 1.6) < 1  # even very slow workers keep a part


def test_the_cpu_gauge_tells_waiting_from_working():
    import time

    gauge = CpuGauge(window=0.1, below=0.3)  # a low bar: a busy CI machine shares the core
    assert not gauge.idle()  # no reading before a window has passed
    time.sleep(0.15)  # waiting: next to no CPU over the window
    assert gauge.idle()
    assert gauge.idle()  # the reading holds until the next window has passed
    end = time.process_time() + 0.3
    while time.process_time() < end:  # working: as much of a core as the machine gives
        pass
    assert not gauge.idle()


def test_a_worker_killed_mid_crawl_loses_no_page(demo_world, world_server):
    from govinspect.demo.runner import live_hosts
    from govinspect.service import inspect_site
    from govinspect.settings import Settings

    site = max(demo_world.sites, key=lambda s: sum(1 for _ in s.iter_resources()))
    entry = site.entry(world_server.base_urls[site.key])
    base = {"per_host": 4, "delay": 0, "timeout": 3, "offline": True, "backoff": 0.05,
            "assume_ok_hosts": sorted(live_hosts(demo_world)), "hosts": demo_world.hosts()}
    inline = asyncio.run(inspect_site(entry, Settings(**base, parse_workers=0), AS_OF))  # type: ignore[arg-type]
    killed: list[int] = []

    async def run():
        pool = ParsePool(1)

        def progress(p) -> None:
            workers = pool.running
            if p.pages >= 15 and workers is not None and not killed:
                killed.extend(workers.pids)
                os.kill(workers.pids[0], signal.SIGKILL)

        try:
            return await inspect_site(entry, Settings(**base), AS_OF, executor=pool,  # type: ignore[arg-type]
                                      progress=progress)
        finally:
            await pool.aclose()

    pooled = asyncio.run(run())
    assert killed, "the worker was never started"
    assert pooled.pages_crawled == inline.pages_crawled > 15
    assert sorted(f.key() for f in pooled.findings) == sorted(f.key() for f in inline.findings)


def test_the_last_site_to_leave_stops_the_workers_and_a_later_one_starts_them_again():
    async def run():
        pool = ParsePool(1)
        first, second = pool.enter(), pool.enter()
        workers = await pool.get(0)
        assert workers is not None and workers.alive
        procs = [w.proc for w in workers._workers]
        await first()
        await first()  # leaving twice counts once
        assert pool.running is workers  # the second site still holds them
        await second()
        assert pool.running is None and all(p.returncode is not None for p in procs)  # exited
        again = pool.enter()
        restarted = await pool.get(0)
        assert restarted is not None and restarted is not workers
        assert await restarted.call("parse", head(URL), ARTICLE.encode(), "text/html", AS_OF, None, None, True)
        await again()
        assert pool.running is None

    asyncio.run(run())


async def _until(ready, seconds: float = 20.0) -> bool:
    for _ in range(int(seconds / 0.02)):
        if ready():
            return True
        await asyncio.sleep(0.02)
    return False


def test_workers_told_to_ready_checks_import_them_ahead_of_the_checks():
    """A site whose checks will split tells the workers its share (service.py) before its crawl:
    told before they start, they import it first thing once up; told while they run, at once."""
    async def run():
        pool = ParsePool(1)
        pool.ready_checks(["hijack", "wording"])
        assert not pool.checks_ready(["hijack"])  # no worker yet
        workers = await pool.get(0)
        assert workers is not None
        assert await _until(lambda: pool.checks_ready(["hijack", "wording"]))
        assert not pool.checks_ready(["hijack", "privacy"])  # never told
        pool.ready_checks(["privacy", "hijack"])  # only privacy is new
        assert await _until(lambda: pool.checks_ready(["privacy"]))
        assert workers._cpu["ready"][1] == 2  # one call at the start, one for privacy
        # the call answers how many of the names are checks, importing each of them
        assert await workers.call("ready", ("policy", "no_such_check", "base")) == 1
        # a worker that fails the call (it died) is not ready, and nothing waits on it
        workers.kill()
        assert await _until(lambda: not workers.alive)
        pool.ready_checks(["services"])
        assert not pool.checks_ready(["services"])
        await pool.aclose()
        assert not pool.checks_ready(["hijack"])  # workers started later are told again

    asyncio.run(run())


@pytest.mark.parametrize("checks", [["availability", "links"], None])
def test_a_site_lets_the_workers_go_once_its_pages_are_parsed_unless_its_checks_split(
        checks, demo_world, world_server, monkeypatch):
    """Links mode (its checks never split) stops the workers before its last link checks, its
    probes and its checks; a full inspection keeps them for the checks it hands them."""
    import govinspect.service as service
    from govinspect.demo.runner import live_hosts
    from govinspect.settings import Settings

    site = max(demo_world.sites, key=lambda s: sum(1 for _ in s.iter_resources()))
    entry = site.entry(world_server.base_urls[site.key])
    base = {"per_host": 4, "delay": 0, "timeout": 3, "offline": True, "backoff": 0.05, "checks": checks,
            "assume_ok_hosts": sorted(live_hosts(demo_world)), "hosts": demo_world.hosts()}
    inline = asyncio.run(service.inspect_site(entry, Settings(**base, parse_workers=0), AS_OF))  # type: ignore[arg-type]
    seen: dict[str, object] = {}
    judge_plan = service._judge_plan

    async def spy(snap, ctx, names, path, pool, plan, early):
        seen["pool at the checks"] = pool.alive
        # the worker's share is the one planned before the crawl, imported during it
        seen["planned"] = plan == service.plan_checks(names)
        seen["ready"] = parse_pool[0].checks_ready(service._pick(names, plan.far))
        # its pages-only checks started at the crawl's end, before the columns and the probes
        seen["early"] = bool(plan.early) and early is not None
        return await judge_plan(snap, ctx, names, path, pool, plan, early)

    monkeypatch.setattr(service, "_judge_plan", spy)
    parse_pool: list[ParsePool] = []

    async def run():
        pool = ParsePool(1)
        parse_pool.append(pool)

        def progress(p) -> None:
            if pool.running is not None:
                seen["started"] = True
            if p.done:
                seen["running when done"] = pool.running is not None

        try:
            return await service.inspect_site(entry, Settings(**base), AS_OF, executor=pool,  # type: ignore[arg-type]
                                              progress=progress)
        finally:
            await pool.aclose()

    pooled = asyncio.run(run())
    assert seen.get("started")
    if checks:
        assert seen["running when done"] is False and "pool at the checks" not in seen
    else:
        assert seen["pool at the checks"] is True and seen["planned"] is True and seen["ready"] is True
        assert seen["early"] is True
    assert pooled.pages_crawled == inline.pages_crawled
    assert sorted(f.key() for f in pooled.findings) == sorted(f.key() for f in inline.findings)


def test_a_worker_reads_documents_as_the_crawl_process_would():
    """Documents go to a worker (their readers and CPU stay out of the crawl process): the same
    text, and the same reason for a file that cannot be read."""
    from govinspect.crawl.parse import read_document
    from govinspect.extract.attachments import AttachmentError, attachment_text

    from .test_extract_attachments import docx_bytes, xlsx_bytes

    files = [
        (xlsx_bytes([["序号", "姓名", "联系电话"], [1, "张某某", 13812345678]]), "http://x.gov.cn/a/名单.xlsx", None),
        (docx_bytes(["关于公布低保对象名单的通知"], [["姓名", "身份证号"], ["李某", "110101199003077777"]]),
         "http://x.gov.cn/a/通知.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (b"PK\x03\x04 not really a zip", "http://x.gov.cn/a/坏文件.docx", None),
    ]

    async def run():
        pool = WorkerPool(1)
        await pool.start()
        try:
            return [await pool.call("document", body, url, ctype) for body, url, ctype in files]
        finally:
            await pool.close()

    got = asyncio.run(run())
    for (body, url, ctype), (text, problem) in zip(files, got, strict=True):
        assert (text, problem) == read_document(body, url, ctype)
        try:
            expected: tuple[str, str | None] = (attachment_text(body, url, ctype), None)
        except AttachmentError as exc:
            expected = ("", str(exc))
        assert (text, problem) == expected
    assert "13812345678" in got[0][0] and "110101199003077777" in got[1][0] and got[2][1]


def test_a_sites_documents_start_the_workers_before_its_pages_would(demo_world, world_server, monkeypatch):
    from govinspect.demo.runner import live_hosts
    from govinspect.extract.attachments import is_attachment
    from govinspect.service import inspect_site
    from govinspect.settings import Settings

    site = max(demo_world.sites, key=lambda s: sum(is_attachment(path) for path, _ in s.iter_resources()))
    entry = site.entry(world_server.base_urls[site.key])
    base = {"per_host": 4, "delay": 0, "timeout": 3, "offline": True, "backoff": 0.05,
            "assume_ok_hosts": sorted(live_hosts(demo_world)), "hosts": demo_world.hosts()}
    inline = asyncio.run(inspect_site(entry, Settings(**base, parse_workers=0), AS_OF))  # type: ignore[arg-type]
    calls: list[str] = []
    call = WorkerPool.call

    async def counted(self, name, *args):
        calls.append(name)
        return await call(self, name, *args)

    monkeypatch.setattr(WorkerPool, "call", counted)

    async def run():
        pool = ParsePool(None, threshold=10**6)  # the default pool, never wanted for pages here
        try:
            return await inspect_site(entry, Settings(**base), AS_OF, executor=pool)  # type: ignore[arg-type]
        finally:
            await pool.aclose()

    pooled = asyncio.run(run())
    assert calls.count("document") >= 3 and "parse" not in calls
    assert pooled.pages_crawled == inline.pages_crawled
    assert sorted(f.key() for f in pooled.findings) == sorted(f.key() for f in inline.findings)
