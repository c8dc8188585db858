"""link.harmful: external targets that now serve spam, judged from what crawl/harmful.py read."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from aiohttp import web

from govinspect.checks import run_checks
from govinspect.checks.harmful import check, classifier, lexicon_classify
from govinspect.crawl.engine import crawl_site
from govinspect.crawl.harmful import government
from govinspect.model import LinkStatus
from govinspect.service import scan
from govinspect.settings import Settings

from .checks_support import HOME, ctx, snapshot
from .support import LoopbackServer, html

AS_OF = date(2019, 10, 20)
CASINO_TITLE = "新葡京娱乐场-官方网站"
CASINO_TEXT = "澳门葡京 真人视讯 百家乐 开户送彩金 首存送100% 线上娱乐城 立即注册"
RAID_TEXT = ("本报讯 市公安局近日破获一起特大网络赌博案，查获百家乐、六合彩等赌博网站 3 个，抓获犯罪嫌疑人 12 名。"
             "警方提醒：网络赌博“开户送彩金”都是诈骗陷阱，广大市民要远离赌博，发现线索及时举报。")
BANK_TEXT = "个人业务 公司业务 储蓄存款 个人贷款 理财产品 网上银行 温馨提示：警惕电信网络诈骗，保护好您的账户密码。"


def rec(target: str, title: str = "", text: str = "", **kw: Any) -> dict[str, Any]:
    base = {"target": target, "status": 200, "final_url": target, "error": None, "title": title,
            "meta": "", "text": text}
    return {**base, **kw}


def snap_with(records: list[dict[str, Any]], coverage: dict[str, Any] | None = None):
    targets = [(LinkStatus(r["target"], 200, internal=False), [HOME, HOME + "yqlj/"]) for r in records]
    snap = snapshot(targets=targets)
    snap.probes["harmful"] = {"targets": records}
    if coverage:
        snap.probes["coverage"] = {"harmful_links": coverage}
    return snap


def test_lapsed_friend_link_now_a_casino() -> None:
    snap = snap_with([rec("http://www.hnlyxh.com/", CASINO_TITLE, CASINO_TEXT)])
    [f] = check(snap, ctx())
    assert (f.code, f.severity, f.url) == ("link.harmful", "veto", HOME)
    assert f.evidence["target"] == "http://www.hnlyxh.com/" and f.evidence["kind"] == "gambling"
    assert "新葡京" in f.evidence["words"] and f.evidence["referrer_count"] == 2
    assert "final_url" not in f.evidence and "博彩" in f.message


def test_redirect_to_another_domain_is_recorded_but_not_a_subdomain_move() -> None:
    moved = rec("http://www.hnlyxh.com/", CASINO_TITLE, CASINO_TEXT, final_url="https://www.xpj8866.com/?a=1")
    same = rec("http://hnjrxh.com/", CASINO_TITLE, CASINO_TEXT, final_url="http://m.hnjrxh.com/")
    by_target = {f.evidence["target"]: f for f in check(snap_with([moved, same]), ctx())}
    assert by_target["http://www.hnlyxh.com/"].evidence["final_url"] == "https://www.xpj8866.com/?a=1"
    assert "www.xpj8866.com" in by_target["http://www.hnlyxh.com/"].message
    assert "final_url" not in by_target["http://hnjrxh.com/"].evidence


def test_enforcement_news_bank_and_failures_stay_clean() -> None:
    records = [
        rec("http://www.hnrbs.com/news/2019/1015/123.html", "我市破获特大网络赌博案", RAID_TEXT),
        rec("http://www.hnrcbank.com/", "淮南农村商业银行", BANK_TEXT),
        rec("http://www.gone.com/", CASINO_TITLE, CASINO_TEXT, status=404),
        rec("http://www.slow.com/", status=None, error="timeout"),
        rec("http://www.empty.com/"),
    ]
    assert check(snap_with(records), ctx()) == []


def test_clean_title_needs_strong_text() -> None:
    # Two weak gambling words in a long page (a sports portal's lottery corner) are not enough.
    weak = rec("http://sports.example.com/", "体育新闻", "足球 篮球 体育彩票 竞彩 赛事 比分 百家乐 时时彩")
    strong = rec("http://www.old-expo.com/", "2015淮南农业博览会", CASINO_TEXT + " 澳门金沙 太阳城娱乐 皇冠体育")
    found = {f.evidence["target"] for f in check(snap_with([weak, strong]), ctx())}
    assert found == {"http://www.old-expo.com/"}


def test_meta_keywords_count_as_the_head() -> None:
    r = rec("http://www.hnlyxh.com/", "首页", "欢迎光临 立即注册 在线客服",
            meta="澳门葡京,新葡京娱乐场,开户送彩金 。真人视讯线上娱乐城")
    [f] = check(snap_with([r]), ctx())
    assert f.evidence["kind"] == "gambling"


def test_coverage_gaps_are_a_notice() -> None:
    cov = {"targets_eligible": 40, "targets_fetched": 30, "skipped": 10, "too_large": 2, "stopped": None,
           "per_host_skipped": 5}
    [notice] = check(snap_with([], cov), ctx())
    assert (notice.code, notice.severity) == ("crawl.incomplete", "notice")
    assert notice.evidence["skipped"] == 10 and "超过读取上限" in notice.message
    assert check(snap_with([], {**cov, "skipped": 0, "too_large": 0}), ctx()) == []


def test_no_probe_no_findings_and_registered() -> None:
    snap = snapshot()
    assert check(snap, ctx()) == []
    assert not [f for f in run_checks(snap, ctx(), ["harmful"]) if f.code != "link.harmful"]


def test_adapter_agrees_with_the_classifier_interface() -> None:
    verdict = lexicon_classify(CASINO_TEXT, CASINO_TITLE)
    assert verdict is not None and verdict.kind == "gambling" and verdict.score >= 1
    assert "title" in verdict.where
    assert lexicon_classify(RAID_TEXT, "我市破获特大网络赌博案") is None
    other = classifier()(CASINO_TEXT, CASINO_TITLE)
    assert other is not None and other.kind == "gambling"


def test_government_names() -> None:
    assert government("jyt.ah.gov.cn") and government("www.gov.cn") and government("X.政务")
    assert not government("www.gov.cn.casino.com") and not government("govcn.com")


# --- the probe, end to end over HTTP ------------------------------------------------------


def _page(title: str, body: str) -> str:
    return f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>{body}</body></html>"


def _world():
    """A county site on loopback and four external hosts reached through the ``hosts`` setting."""
    gets: dict[str, int] = {}

    def counted(name: str, body: str):
        async def handler(request: web.Request) -> web.StreamResponse:
            if request.method == "GET":
                gets[name] = gets.get(name, 0) + 1
            return web.Response(text=body, content_type="text/html")

        return handler

    casino = LoopbackServer({"/": counted("casino", _page(CASINO_TITLE, CASINO_TEXT))})
    bank = LoopbackServer({"/": counted("bank", _page("淮南农村商业银行", BANK_TEXT))})
    news = LoopbackServer({"/news/1.html": counted("news", _page("我市破获特大网络赌博案", RAID_TEXT))})
    gov = LoopbackServer({"/": counted("gov", _page("安徽省教育厅", "通知公告 政务公开"))})
    return gets, casino, bank, news, gov


def test_probe_reads_each_external_target_once_and_skips_government() -> None:
    gets, casino, bank, news, gov = _world()
    with casino, bank, news, gov:
        links = {
            "www.hnlyxh.com": f"http://www.hnlyxh.com:{casino.port}/",
            "www.hnrcbank.com": f"http://www.hnrcbank.com:{bank.port}/",
            "www.hnrbs.com": f"http://www.hnrbs.com:{news.port}/news/1.html",
            "jyt.ah.gov.cn": f"http://jyt.ah.gov.cn:{gov.port}/",
        }
        # The casino also answers on its bare address: an address is not a domain, never read.
        bare = f"<a href='http://127.0.0.1:{casino.port}/'>旧址</a>"
        friends = bare + "".join(f"<a href='{u}'>友情链接{i}</a>" for i, u in enumerate(links.values()))
        article = f"<p>正文</p><a href='{links['www.hnlyxh.com']}'>旅游协会</a>"
        with LoopbackServer({"/": html(_page("某县人民政府", friends + "<a href='/a.html'>文章</a>")),
                             "/a.html": html(_page("文章", article))}) as srv:
            settings = Settings(per_host=2, delay=0, timeout=3, offline=True, transport_probes=False,
                                search_probe=False, cloak_sample=0,
                                hosts=dict.fromkeys(links, "127.0.0.1"))
            [site] = scan([_entry(srv.url("/"))], settings, AS_OF).sites
    harmful = [f for f in site.findings if f.code == "link.harmful"]
    assert [f.evidence["target"] for f in harmful] == [links["www.hnlyxh.com"]]
    assert harmful[0].url == srv.url("/") and harmful[0].evidence["referrer_count"] == 2
    assert gets.get("casino") == gets.get("bank") == gets.get("news") == 1
    assert "gov" not in gets  # the government friend link is checked (HEAD), never read
    assert site.stats["harmful_links"]["targets_fetched"] == 3
    assert site.vetoed


def test_probe_follows_a_redirect_to_the_casino_domain_and_a_meta_refresh() -> None:
    casino = LoopbackServer({"/": html(_page(CASINO_TITLE, CASINO_TEXT))})
    with casino:
        dest = f"http://www.xpj8866.com:{casino.port}/"

        async def moved(request: web.Request) -> web.StreamResponse:
            return web.Response(status=302, headers={"Location": dest})

        refresh = _page("", "").replace("<title></title>", f"<meta http-equiv='refresh' content='0;url={dest}'>")
        old = LoopbackServer({"/": moved, "/r.html": html(refresh)})
        with old:
            home = (f"<a href='http://www.hnlyxh.com:{old.port}/'>旅游协会</a>"
                    f"<a href='http://www.hnlyxh.com:{old.port}/r.html'>旅游协会2</a>")
            with LoopbackServer({"/": html(_page("某县人民政府", home))}) as srv:
                settings = Settings(per_host=2, delay=0, timeout=3, offline=True, transport_probes=False,
                                    search_probe=False, cloak_sample=0,
                                    hosts={"www.hnlyxh.com": "127.0.0.1", "www.xpj8866.com": "127.0.0.1"})
                snap = asyncio.run(crawl_site(_entry(srv.url("/")), settings, AS_OF))
    findings = check(snap, ctx())
    assert {f.evidence["target"]: f.evidence.get("final_url") for f in findings} == {
        f"http://www.hnlyxh.com:{old.port}/": dest, f"http://www.hnlyxh.com:{old.port}/r.html": dest,
    }


def test_probe_is_off_without_external_checks() -> None:
    with LoopbackServer({"/": html(_page("某县人民政府", "<a href='http://www.hnlyxh.com/'>x</a>"))}) as srv:
        settings = Settings(delay=0, timeout=3, offline=True, transport_probes=False, search_probe=False,
                            cloak_sample=0, check_external=False)
        snap = asyncio.run(crawl_site(_entry(srv.url("/")), settings, AS_OF))
    assert snap.probes["harmful"] is None and "harmful_links" not in snap.probes.get("coverage", {})


def test_oversized_target_is_counted() -> None:
    big = _page("某报", "新闻 " * 200_000)
    with LoopbackServer({"/": html(big)}) as ext:
        home = _page("某县人民政府", f"<a href='http://www.bignews.com:{ext.port}/'>某报</a>")
        with LoopbackServer({"/": html(home)}) as srv:
            settings = Settings(delay=0, timeout=3, offline=True, transport_probes=False, search_probe=False,
                                cloak_sample=0, hosts={"www.bignews.com": "127.0.0.1"})
            snap = asyncio.run(crawl_site(_entry(srv.url("/")), settings, AS_OF))
    assert snap.probes["coverage"]["harmful_links"]["too_large"] == 1
    [notice] = check(snap, ctx())
    assert notice.code == "crawl.incomplete" and notice.evidence["check"] == "harmful"


def _entry(url: str):
    from govinspect.model import SiteEntry

    return SiteEntry(name="某县人民政府", url=url)



# --- the fixture world's truth and its scoring ----------------------------------------------


def test_world_truth_names_the_lapsed_links_and_serves_them(demo_world, world_server) -> None:
    import json

    from govinspect.demo.harmful import CASINO_HOSTS, CONTROL_HOSTS

    links = world_server.links
    doc = json.loads(json.dumps(demo_world.truth_dict(world_server.base_urls, links)))
    harmful = {m["target"] for s in doc.values() for m in s["harmful"]}
    assert harmful == {links["site:hnlyxh"], links["site:hnzsh"], links["site:ftwmw"]}
    assert {m["kind"] for s in doc.values() for m in s["harmful"]} == {"gambling", "porn"}
    assert demo_world.hosts() == dict.fromkeys({**CASINO_HOSTS, **CONTROL_HOSTS}.values(), "127.0.0.1")
    # The truth's targets are served under their names, reached through the `hosts` setting.
    from govinspect.http import Fetcher

    async def bodies() -> list[tuple[str, bytes]]:
        async with Fetcher(Settings(offline=True, timeout=5, hosts=demo_world.hosts())) as fetcher:
            return [((r := await fetcher.fetch(t)).final_url, r.body) for t in sorted(harmful)]

    answers = asyncio.run(bodies())
    assert sum("新葡京娱乐场".encode() in body for _, body in answers) == 2
    assert sum("午夜影院".encode() in body for _, body in answers) == 1
    assert {final.split("/")[2].split(":")[0] for final, _ in answers} == {
        "www.hnlyxh.com", "www.xpj8866.com", "www.ftwmw.com"}
    clean = {s.key for s in demo_world.sites if not s.truth.harmful}
    assert {"jyj", "wjw"} <= clean


def test_evaluation_scores_link_harmful_by_target_and_kind(demo_world, world_server) -> None:
    from govinspect.demo.evaluate import evaluate
    from govinspect.demo.types import resolve_ref
    from govinspect.model import Finding, SiteResult
    from govinspect.service import ScanResult

    bases, links = world_server.base_urls, world_server.links
    result = ScanResult(as_of=AS_OF)
    for site in demo_world.sites:
        found = [Finding("link.harmful", "veto", bases[site.key], "",
                         {"target": resolve_ref(m.target, bases[site.key], links), "kind": m.kind})
                 for m in site.truth.harmful]
        if site.key == "jyj":  # a false alarm on the bank control
            found.append(Finding("link.harmful", "veto", bases["jyj"], "",
                                 {"target": links["site:hnrcbank"], "kind": "gambling"}))
        if site.key == "fengtai":  # the right target with the wrong kind is a miss and a false alarm
            found[0].evidence["kind"] = "gambling"
        result.sites.append(SiteResult(site.name, bases[site.key], "fail", True, 80.0, 100, found))
    score = evaluate(result, demo_world, bases, links, codes=["link.harmful"])["link.harmful"]
    assert (score.tp, score.fp, score.fn) == (2, 2, 1)

def test_target_is_read_as_a_visitor_clicking_the_link() -> None:
    """A kit that shows its casino only to visitors coming from another site is still seen."""
    seen: list[str] = []

    async def kit(request: web.Request) -> web.StreamResponse:
        referer = request.headers.get("Referer", "")
        if request.method == "GET":
            seen.append(referer)
        body = _page(CASINO_TITLE, CASINO_TEXT) if referer else _page("淮南市旅游协会", "欢迎访问")
        return web.Response(text=body, content_type="text/html")

    with LoopbackServer({"/": kit}) as ext:
        home = _page("某县人民政府", f"<a href='http://www.hnlyxh.com:{ext.port}/'>旅游协会</a>")
        with LoopbackServer({"/": html(home)}) as srv:
            settings = Settings(delay=0, timeout=3, offline=True, transport_probes=False, search_probe=False,
                                cloak_sample=0, hosts={"www.hnlyxh.com": "127.0.0.1"})
            snap = asyncio.run(crawl_site(_entry(srv.url("/")), settings, AS_OF))
    assert seen == [srv.url("/")]
    [f] = check(snap, ctx())
    assert f.code == "link.harmful" and f.evidence["kind"] == "gambling"


def test_harmful_hosts_for_the_hijack_check() -> None:
    from govinspect.checks.harmful import harmful_hosts

    moved = rec("http://www.hnlyxh.com/", CASINO_TITLE, CASINO_TEXT, final_url="https://www.xpj8866.com/")
    snap = snap_with([moved, rec("http://www.hnrcbank.com/", "淮南农村商业银行", BANK_TEXT)])
    assert harmful_hosts(snap) == {"www.hnlyxh.com", "www.xpj8866.com"}


def test_one_casino_name_is_not_a_casino() -> None:
    """A travel agency's booking page for a Macao resort names the resort, often, and nothing else."""
    hotel = rec("http://www.some-travel.com/hotel/123.html", "澳门威尼斯人度假村酒店预订_某某旅行网",
                "澳门威尼斯人 酒店预订 澳门威尼斯人 豪华客房 含早餐 机票 门票 自由行")
    assert check(snap_with([hotel]), ctx()) == []


def test_a_target_the_parser_cannot_read_is_counted_not_fatal(monkeypatch) -> None:
    import govinspect.crawl.harmful as probe_module

    real = probe_module.extract_page

    def fragile(page, text, as_of):  # the parser failing on one page (injected failure)
        if "午夜" in text:
            raise ValueError("parser failure")
        return real(page, text, as_of)

    monkeypatch.setattr(probe_module, "extract_page", fragile)
    with LoopbackServer({"/": html(_page(CASINO_TITLE, CASINO_TEXT))}) as a, \
            LoopbackServer({"/": html(_page("午夜", "x"))}) as b:
        home = _page("某县人民政府", f"<a href='http://www.a.com:{a.port}/'>a</a><a href='http://www.b.com:{b.port}/'>b</a>")
        with LoopbackServer({"/": html(home)}) as srv:
            settings = Settings(delay=0, timeout=3, offline=True, transport_probes=False, search_probe=False,
                                cloak_sample=0, hosts={"www.a.com": "127.0.0.1", "www.b.com": "127.0.0.1"})
            snap = asyncio.run(crawl_site(_entry(srv.url("/")), settings, AS_OF))
    errors = {r["target"].split(":")[1]: r["error"] for r in snap.probes["harmful"]["targets"]}
    assert errors == {"//www.a.com": None, "//www.b.com": "decode"}
    assert snap.probes["coverage"]["harmful_links"]["failed"] == 1
    assert [f.code for f in check(snap, ctx())] == ["link.harmful"]
