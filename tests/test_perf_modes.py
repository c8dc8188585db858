"""Issue 13: a run extracts only what its checks read, and parse workers start on large sites.

A links-only run (``--checks availability,links``) takes the cheap extraction path; it must
crawl the same pages and find the same broken links as the whole inspection on the fixture
world. The default parse workers (sized to the machine) start once a site passes the
threshold, and a site parsed partly in-process, partly in a worker, gives the same findings.
"""

from __future__ import annotations

from datetime import date

import pytest

from govinspect.crawl.parse import parse_response
from govinspect.crawl.workers import ParsePool, WorkerError, default_workers
from govinspect.extract.plan import ALL_PARTS, EXTRACTORS, LINK_ONLY_CHECKS, parts_for
from govinspect.model import Page
from govinspect.service import scan
from govinspect.settings import Settings

AS_OF = date(2019, 10, 20)
LINK_CODES = {"link.broken", "site.unreachable"}


def fast(**kw: object) -> Settings:
    base: dict[str, object] = {"per_host": 4, "delay": 0, "timeout": 3, "offline": True, "backoff": 0.05}
    base.update(kw)
    return Settings(**base)  # type: ignore[arg-type]


def test_parts_for_links_only_and_unknown_checks():
    assert parts_for(["availability", "links"]) == frozenset()
    assert parts_for(None) == ALL_PARTS
    assert parts_for(["links", "a_new_check"]) == ALL_PARTS  # unknown: every part, never a lost finding
    assert parts_for(["sandbox"]) == {"security"}
    assert {"items", "text", "blocks", "guide"} <= parts_for(["services"])
    # Every extractor names the checks that read it; the link-only checks read none of them.
    for extractor in EXTRACTORS:
        assert extractor.needed_by and not extractor.needed_by & LINK_ONLY_CHECKS, extractor.name


def test_cheap_path_keeps_links_and_pagination_drops_content():
    html = """<html><head><meta charset="utf-8"><title>通知公告_某县人民政府</title></head><body>
    <div class="nav"><a href="/index.html">首页</a></div>
    <ul class="list"><li><a href="./201910/t20191008_1.html">关于开展安全检查的通知</a><span>2019-10-08</span></li>
    <li><a href="./201910/t20191007_2.html">关于做好防汛工作的通知</a><span>2019-10-07</span></li>
    <li><a href="./201910/t20191006_3.html">关于征求意见的公告</a><span>2019-10-06</span></li></ul>
    <div class="page"><a href="index_1.html">下一页</a></div>
    <div style="display:none"><a href="http://spam.example/">博彩</a></div></body></html>"""
    url = "http://127.0.0.1:9/tzgg/index.html"

    def parse(parts: frozenset[str] | None) -> Page:
        return parse_response(Page(url=url, final_url=url), html.encode(), "text/html", AS_OF, None, parts)

    full, cheap = parse(None), parse(parts_for(["availability", "links"]))
    assert [(link.url, link.tag) for link in cheap.links] == [(link.url, link.tag) for link in full.links]
    assert cheap.next_page == full.next_page == "http://127.0.0.1:9/tzgg/index_1.html"
    assert len(full.items) == 3 and full.text and full.hidden_links
    assert cheap.items == [] and cheap.text == "" and cheap.hidden_links == []


def test_parse_pool_starts_at_the_threshold():
    import asyncio

    async def run() -> None:
        pool = ParsePool(None, threshold=50)
        try:
            assert pool.workers == default_workers() >= 1
            assert await pool.get(49) is None and pool.running is None
            # The default pool starts in the background: pages are parsed in-process meanwhile.
            assert await pool.get(50) is None
            for _ in range(200):
                if (started := await pool.get(51)) is not None:
                    break
                await asyncio.sleep(0.05)
            assert started is not None and started.alive and await pool.get(5000) is started
            assert pool.running is started
        finally:
            await pool.aclose()
        assert pool.running is None and not started.alive
        assert await ParsePool(0, threshold=0).get(10**6) is None  # 0: always in-process
        explicit = ParsePool(1, threshold=10**6)
        try:
            assert await explicit.get(0) is not None  # an explicit count starts at once
        finally:
            await explicit.aclose()

    asyncio.run(run())
    # The default pool is wanted from its threshold on, whatever the run extracts.
    assert ParsePool(None, threshold=5).wanted(5) and not ParsePool(None, threshold=5).wanted(4)


@pytest.fixture(scope="module")
def world_runs(demo_world, world_server):
    """The fixture world inspected in full (in-process) and link-only, same settings otherwise."""
    from govinspect.demo.runner import live_hosts

    base = {"assume_ok_hosts": sorted(live_hosts(demo_world)), "hosts": demo_world.hosts()}
    entries = demo_world.entries(world_server.base_urls)
    full = scan(entries, fast(parse_workers=0, **base), AS_OF)
    links = scan(entries, fast(parse_workers=0, checks=["availability", "links"], **base), AS_OF)
    return full, links


def test_links_mode_crawls_the_same_pages_and_finds_the_same_broken_links(world_runs):
    full, links = world_runs
    by_url = {s.url: s for s in full.sites}
    for site in links.sites:
        whole = by_url[site.url]
        assert site.pages_crawled == whole.pages_crawled, site.url
        assert site.stats["links_checked"] == whole.stats["links_checked"], site.url
        mine = sorted(f.key() for f in site.findings if f.code in LINK_CODES)
        theirs = sorted(f.key() for f in whole.findings if f.code in LINK_CODES)
        assert mine == theirs, site.url
    assert sum(f.code == "link.broken" for s in links.sites for f in s.findings) >= 20


def test_default_workers_started_mid_crawl_give_the_same_findings(world_runs, demo_world, world_server):
    from govinspect.demo.runner import live_hosts

    full, _ = world_runs
    site = max(demo_world.sites, key=lambda s: sum(1 for _ in s.iter_resources()))
    settings = fast(assume_ok_hosts=sorted(live_hosts(demo_world)), hosts=demo_world.hosts(),
                    parse_workers_threshold=5)  # the default pool, started after 5 pages
    assert settings.parse_workers is None
    [pooled] = scan([site.entry(world_server.base_urls[site.key])], settings, AS_OF).sites
    inline = next(s for s in full.sites if s.url == pooled.url)
    assert pooled.pages_crawled == inline.pages_crawled > 5
    assert sorted(f.key() for f in pooled.findings) == sorted(f.key() for f in inline.findings)


def test_every_site_sharing_one_worker_for_its_checks_gives_the_same_findings(
        world_runs, demo_world, world_server, monkeypatch):
    """A scan of the whole fixture world with one parse worker shared by its sites: each site's
    pages-only checks start at its crawl's end and its later checks follow in the same worker,
    between other sites' pages, with each site's own columns and probes."""
    import govinspect.service as service
    from govinspect.demo.runner import live_hosts

    full, _ = world_runs
    base = {"assume_ok_hosts": sorted(live_hosts(demo_world)), "hosts": demo_world.hosts()}
    calls: list[tuple[str, bool]] = []
    judge_plan = service._judge_plan

    async def spy(snap, ctx, names, path, pool, plan, early):
        calls.append((ctx.site.url, early is not None))
        return await judge_plan(snap, ctx, names, path, pool, plan, early)

    monkeypatch.setattr(service, "_judge_plan", spy)
    pooled = scan(demo_world.entries(world_server.base_urls), fast(parse_workers=1, **base), AS_OF)
    assert len(calls) == len(full.sites) and all(early for _, early in calls)  # every site, planned
    by_url = {s.url: s for s in full.sites}
    for site in pooled.sites:
        inline = by_url[site.url]
        assert site.pages_crawled == inline.pages_crawled, site.url
        assert sorted(f.key() for f in site.findings) == sorted(f.key() for f in inline.findings), site.url


def test_checks_split_over_a_parse_worker_give_the_same_findings(demo_world, world_server, tmp_path):
    import asyncio

    from govinspect.checks import DEFAULT_SITE_CHECKS, Context, run_checks
    from govinspect.crawl.engine import crawl_site
    from govinspect.demo.runner import live_hosts
    from govinspect.rules import load_rules
    from govinspect.service import _judge_plan, _pick, plan_checks
    from govinspect.snapshot import Snapshot

    site = max(demo_world.sites, key=lambda s: sum(1 for _ in s.iter_resources()))
    entry = site.entry(world_server.base_urls[site.key])
    settings = fast(assume_ok_hosts=sorted(live_hosts(demo_world)), hosts=demo_world.hosts(), parse_workers=0)
    path = tmp_path / "snapshot.sqlite"
    snap = Snapshot(entry, path, as_of=AS_OF)
    seen: dict[str, object] = {}

    async def crawl_done() -> None:  # as service.py does: the pages stored, no columns nor probes yet
        seen["columns then"] = list(snap.columns)
        seen["probes then"] = set(snap.probes)
        snap.save()
        seen["pages then"] = snap.pages_crawled
        seen["targets then"] = sum(1 for _ in snap.targets())

    asyncio.run(crawl_site(entry, settings, AS_OF, snap, crawl_done=crawl_done))
    assert seen["columns then"] == [] and snap.columns and set(snap.probes) > seen["probes then"]
    # every page, document and link status was stored before the hook ran
    assert seen["pages then"] == snap.pages_crawled > 20
    assert seen["targets then"] == sum(1 for _ in snap.targets()) > 20
    ctx = Context(as_of=AS_OF, rules=load_rules(None), site=entry)
    names = DEFAULT_SITE_CHECKS

    async def split_run():
        pool = ParsePool(1)
        try:
            workers = await pool.get(0)
            assert workers is not None
            plan = plan_checks(names)  # the worker ready (told during the crawl)
            assert plan is not None and plan.early and plan.late and plan.here  # every check: all three parts
            # around the worker's share: the findings come back in the names' order only if restored
            assert plan.here[0] < plan.early[0] and plan.here[-1] > plan.late[-1]
            # the pages-only checks on the file as the crawl's end left it: no columns, no probes
            early = asyncio.ensure_future(workers.call("judge", str(path), ctx, _pick(names, plan.early), None, True))
            found = await _judge_plan(snap, ctx, names, path, workers, plan, early)
            # an early call that failed (its worker died): its checks run in this process
            failed: asyncio.Future = asyncio.get_running_loop().create_future()
            failed.set_exception(WorkerError("解析进程已退出"))
            seen["failed early"] = await _judge_plan(snap, ctx, names, path, workers, plan, failed)
            # none started at the crawl's end (no worker then): the late call takes them along
            seen["no early"] = await _judge_plan(snap, ctx, names, path, workers, plan, None)
            return found
        finally:
            await pool.aclose()

    try:
        split = asyncio.run(split_run())
        whole = run_checks(snap, ctx, names)
    finally:
        snap.close()
    for other in (seen["failed early"], seen["no early"]):
        assert [(f.code, f.key(), f.message) for f in other] == [(f.code, f.key(), f.message) for f in whole]
    assert len(whole) > 5 and not [f for f in split if f.evidence.get("check")]  # no check failed
    assert [(f.code, f.key(), f.message) for f in split] == [(f.code, f.key(), f.message) for f in whole]
    # the file's meta was written at the crawl's end: read back, it has no columns; the worker's
    # later checks got them with their call (a policy finding needs the policy columns)
    assert Snapshot.open(path).columns == [] and any(f.code.startswith("policy.") for f in whole)


def test_a_snapshot_opened_pages_only_refuses_the_rest_and_its_checks_say_so(tmp_path):
    from datetime import date

    from govinspect.checks import Context
    from govinspect.checks.base import pages_only, run_checks_each
    from govinspect.model import Page, SiteEntry
    from govinspect.rules import load_rules
    from govinspect.snapshot import Snapshot, SnapshotError

    site = SiteEntry(name="县政府", url="http://127.0.0.1:9/")
    path = tmp_path / "s.sqlite"
    snap = Snapshot(site, path, as_of=date(2019, 10, 20))
    snap.add_page(Page(url=site.url, status=200, title="首页", text="身份证号 110101199003077777"), home=True)
    snap.probes["search"] = {"ok": True}
    snap.save()
    snap.close()
    early = Snapshot.open(path, pages_only=True)
    try:
        for read in (lambda: early.probes.get("search"), lambda: list(early.columns), lambda: early.stats.pages_fetched,
                     lambda: "x" in early.scope_hosts):
            with pytest.raises(SnapshotError, match="PAGES_ONLY"):
                read()
        assert [p.url for p in early.pages()] == [site.url]  # the pages themselves are there
        ctx = Context(as_of=date(2019, 10, 20), rules=load_rules(None), site=site)
        wording, freshness = run_checks_each(early, ctx, ["wording", "freshness"])
        assert wording == []
        # a check that reads the columns fails with its notice instead of judging no columns
        assert [(f.code, f.evidence["check"]) for f in freshness] == [("crawl.incomplete", "freshness")]
        assert "PAGES_ONLY" in freshness[0].evidence["error"]
    finally:
        early.close()
    assert [n for n in ("wording", "privacy", "sandbox", "hijack", "freshness", "links", "nope", "base")
            if pages_only(n)] == ["wording", "privacy", "sandbox"]


def test_planning_reads_pages_only_from_the_sources_without_importing_the_checks():
    """service.plan_checks runs before the crawl's first request: it reads each check's
    PAGES_ONLY from the module's source, so the crawl process does not import the checks a parse
    worker runs (46 ms and 1.5 MB before the first request, measured). The source's answer must
    be the imported module's for every check of the package."""
    import json
    import subprocess
    import sys

    from govinspect.checks.base import _CHECK_DEF, _PAGES_ONLY_LINE

    probe = (
        "import json, sys\n"
        "from govinspect.checks.base import known_checks, pages_only\n"
        "import govinspect.cli\n"
        "from govinspect.service import plan_checks\n"
        "from govinspect.checks import DEFAULT_SITE_CHECKS\n"
        "plan = plan_checks(DEFAULT_SITE_CHECKS)\n"
        "names = sorted(set(DEFAULT_SITE_CHECKS) | {'nope', 'base', 'lexicon'})\n"
        "read = {n: pages_only(n) for n in names}\n"
        "imported = sorted(n for n in names if 'govinspect.checks.' + n in sys.modules)\n"
        "import importlib\n"
        "real = {n: getattr(importlib.import_module('govinspect.checks.' + n), 'PAGES_ONLY', False) is True\n"
        "        and n in known_checks() for n in names if n != 'nope'}\n"
        "media = 'govinspect.newmedia' in sys.modules\n"
        "print(json.dumps([read, imported, real, list(plan.early), media]))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True)
    read, imported, real, early, media = json.loads(out.stdout)
    assert not media  # nor the new-media checks: a scan of sites alone never needs them
    # imported by then: only what every scan needs (the plan read the rest from their sources)
    assert imported == ["base"], imported
    assert {n for n, v in read.items() if v} == {"wording", "privacy", "sandbox"}
    assert read == {**real, "nope": False}
    assert early  # the plan still starts the pages-only checks early
    # the declaration as a module may write it, and what does not count as one
    for line in ("PAGES_ONLY = True", "PAGES_ONLY: bool = True  # pages alone", "PAGES_ONLY: Final = True"):
        assert _PAGES_ONLY_LINE.search(f"x = 1\n{line}\ny = 2\n"), line
    for line in ("PAGES_ONLY = False", "    PAGES_ONLY = True", "# PAGES_ONLY = True", "PAGES_ONLY = True or x"):
        assert not _PAGES_ONLY_LINE.search(f"x = 1\n{line}\n"), line
    assert _CHECK_DEF.search("def check(snap, ctx):\n") and _CHECK_DEF.search("visitor = make\n")
    assert not _CHECK_DEF.search("def checker(x):\n")


def _plan_ends(names, costs, early_ok, worker_part, pages=None):
    """When a plan's later side ends under service.plan_checks's model (brute-force reference)."""
    from govinspect.service import AFTER_CRAWL, WALK, WORKER_START

    e = sum(costs[i] for i in worker_part if early_ok(names[i]))
    late = sum(costs[i] for i in worker_part if not early_ok(names[i]))
    rest = sum(costs) - e - late
    worker = (WORKER_START * 1000 / pages if pages else 0) + (WALK + e if e else 0)
    if late:
        worker = max(worker, AFTER_CRAWL) + WALK + late
    return max(worker, AFTER_CRAWL + (WALK + rest if rest else 0))


def test_the_plan_ends_the_checks_soonest():
    from itertools import combinations

    from govinspect.checks import DEFAULT_SITE_CHECKS
    from govinspect.checks.base import pages_only
    from govinspect.service import _LIGHT_CHECK, CHECK_COST, _pick, plan_checks

    names = list(DEFAULT_SITE_CHECKS)
    costs = [CHECK_COST.get(n, _LIGHT_CHECK) for n in names]
    everything = range(len(names))
    for pages in (None, 3000, 20000, 100000):
        plan = plan_checks(names, pages)
        assert plan is not None
        assert sorted(plan.early + plan.late + plan.here) == list(everything)
        assert all(pages_only(names[i]) for i in plan.early) and not any(pages_only(names[i]) for i in plan.late)
        got = _plan_ends(names, costs, pages_only, plan.far, pages)
        # no other share of the names ends sooner (every subset, by brute force)
        best = min(_plan_ends(names, costs, pages_only, part, pages)
                   for k in range(len(names) + 1) for part in combinations(everything, k))
        assert got <= best + 0.0015 * len(names)  # the costs are summed in thousandths
    # the three text scanners (measured dearer together than summed) are not all on one side:
    # pages-only ones start early, the heaviest check follows them
    plan = plan_checks(names)
    assert plan is not None
    assert "wording" in _pick(names, plan.early) and "hijack" in _pick(names, plan.late)
    assert not {"hijack", "wording", "privacy"} <= set(_pick(names, plan.far))
    assert not {"hijack", "wording", "privacy"} <= set(_pick(names, plan.here))
    # a plan without pages-only checks is a split at the crawl process's probes
    plan = plan_checks(["hijack", "services", "policy"])
    assert plan is not None and plan.early == () and plan.late and plan.here
    assert plan_checks(["links", "hijack", "links", "hijack"], early_ok=lambda n: False) is not None


def test_a_pair_of_light_checks_is_not_split():
    """Links mode's two checks cost less than a worker's start on the checks (imports, snapshot)."""
    from govinspect.service import MIN_SPLIT, plan_checks

    assert plan_checks(["availability", "links"]) is None
    assert plan_checks(["hijack"]) is None and plan_checks([]) is None
    from govinspect.service import _LIGHT_CHECK, CHECK_COST

    assert CHECK_COST["availability"] + CHECK_COST["links"] < MIN_SPLIT
    assert 0 < _LIGHT_CHECK < CHECK_COST["availability"]  # the checks of a few queries each
    assert plan_checks(["availability", "links"], 100_000) is None


def test_each_name_keeps_its_own_findings_and_a_failing_check_its_notice(tmp_path, monkeypatch):
    from govinspect.checks import Context, base
    from govinspect.checks.base import run_checks, run_checks_each
    from govinspect.model import Finding, SiteEntry
    from govinspect.rules import load_rules
    from govinspect.snapshot import Snapshot

    site = SiteEntry(name="测试站", url="http://127.0.0.1:9/")
    snap = Snapshot(site, tmp_path / "s.sqlite", as_of=AS_OF)
    ctx = Context(as_of=AS_OF, rules=load_rules(None), site=site)

    def ok(snapshot, c):
        return [Finding("links.broken", "deduct", "http://127.0.0.1:9/a", "链接无法访问", {})]

    def broken(snapshot, c):
        raise RuntimeError("坏了")

    real = base.load_check
    monkeypatch.setattr(base, "load_visitor", lambda name: None)
    monkeypatch.setattr(base, "load_check", lambda name: {"ok": ok, "broken": broken}.get(name) or real(name))
    each = run_checks_each(snap, ctx, ["ok", "broken", "ok"])
    assert [[f.code for f in found] for found in each] == [["links.broken"], ["crawl.incomplete"], ["links.broken"]]
    assert each[1][0].evidence["check"] == "broken"
    assert [f.code for f in run_checks(snap, ctx, ["ok", "broken", "ok"])] == ["links.broken", "crawl.incomplete", "links.broken"]
    snap.close()
