"""The hijack check (security.hijack) on hand-built snapshots of real-world defacements."""

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from govinspect.checks import Context, run_checks
from govinspect.checks.hijack import MAX_PAGES_PER_KIND, Judge, check, registrable
from govinspect.extract.html import extract_page
from govinspect.model import Finding, Link, Page, SiteEntry
from govinspect.rules import load_rules
from govinspect.snapshot import Snapshot

AS_OF = date(2019, 10, 20)
FIXTURES = Path(__file__).parent / "fixtures" / "hijack"
HOME = "http://www.huainan.gov.cn/"
SITE = SiteEntry(name="淮南市人民政府", url=HOME, unit="淮南市人民政府办公室", level="portal")


def ctx(site: SiteEntry = SITE) -> Context:
    return Context(as_of=AS_OF, rules=load_rules(), site=site)


def parsed(name: str, url: str = HOME) -> Page:
    page = Page(url=url, final_url=url, status=200, content_type="text/html")
    extract_page(page, (FIXTURES / name).read_text(encoding="utf-8"), AS_OF)
    return page


def html_page(body: str, url: str = HOME + "a/t20191010_1.html", head: str = "") -> Page:
    page = Page(url=url, final_url=url, status=200, content_type="text/html")
    extract_page(
        page, f"<html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>", AS_OF
    )
    return page


def snap_of(
    *pages: Page, home: Page | None = None, site: SiteEntry = SITE, probes: Any = None
) -> Snapshot:
    snap = Snapshot(site, as_of=AS_OF)
    host = site.url.split("/")[2]
    snap.scope_hosts = {host, host.removeprefix("www.")}
    snap.add_page(
        home or Page(url=site.url, final_url=site.url, status=200, content_type="text/html"),
        home=True,
    )
    for page in pages:
        snap.add_page(page)
    if probes is not None:
        snap.probes["cloaking"] = probes
    return snap


def run_all(*pages: Page, **kw: Any) -> list[Finding]:
    site = kw.get("site", SITE)
    return check(snap_of(*pages, **kw), ctx(site))


def run(*pages: Page, **kw: Any) -> list[Finding]:
    """The security.hijack findings (the third-party inventory notice is tested on its own)."""
    return [f for f in run_all(*pages, **kw) if f.code == "security.hijack"]


def kinds(findings: list[Finding]) -> dict[str, Finding]:
    out = {f.evidence["kind"]: f for f in findings}
    assert len(out) == len(findings), [f.message for f in findings]  # one per (page, kind)
    return out


# --- clean controls ------------------------------------------------------------------


def test_clean_site_has_no_finding() -> None:
    home = parsed("home_clean.html")
    pages = [
        parsed("shce_notice.html", HOME + "ztzl/shce/201910/t20191015_2301501.html"),
        parsed("gov_links.html", HOME + "wzdh/index.html"),
    ]
    assert (
        home.hidden_links and home.script_targets
    )  # menus, tabs, statistics: recorded, not judged
    assert run(*pages, home=home) == []


def test_crackdown_notices_do_not_fire() -> None:
    texts = [
        "扫黑除恶专项斗争：依法取缔非法棋牌室，严厉打击六合彩、百家乐等赌博违法犯罪活动。",
        "警方提醒：“澳门葡京”“开户送彩金”均为境外赌博网站，切勿轻信。",
        "市反诈中心提醒：警惕刷单返利、裸聊敲诈、代开发票等新型诈骗。",
        "老年活动中心设有棋牌室、阅览室，欢迎参加健康的棋牌活动。金沙江畔风光好。",
        "澳门博彩业收入下降，特区政府推动经济适度多元发展。",
    ]
    pages = [
        Page(url=f"{HOME}a/{i}.html", final_url=f"{HOME}a/{i}.html", status=200, text=t)
        for i, t in enumerate(texts)
    ]
    assert run(*pages) == []


def test_collapsed_menus_of_a_site_outside_gov_cn_do_not_fire() -> None:
    site = SiteEntry(name="某某经济开发区管委会", url="http://www.xxkfq.com.cn/")
    body = (
        '<ul class="nav"><li><a href="/">首页</a><ul style="display:none">'
        '<li><a href="http://www.xxkfq.com.cn/zwgk/">政务公开</a></li>'
        '<li><a href="http://zwfw.xxkfq.com.cn/">政务服务</a></li>'
        '<li><a href="http://www.ah.gov.cn/">安徽省人民政府</a></li></ul></li></ul>'
        '<div class="logo"><a href="/" style="text-indent:-9999px">某某经济开发区管委会</a></div>'
        "<script>window.location.href='http://www.xxkfq.com.cn/index.html';</script>"
    )
    page = html_page(body, "http://www.xxkfq.com.cn/a/1.html")
    assert len(page.hidden_links) == 4
    assert run(page, site=site) == []


def test_own_redirects_statistics_and_accessibility_scripts_do_not_fire() -> None:
    body = (
        "<script>window.location.href='/xwzx/';</script>"
        "<script>location.replace('http://www.ah.gov.cn/')</script>"
        '<script>var hm=document.createElement("script");hm.src="https://hm.baidu.com/hm.js?x";</script>'
        "<script>document.write(unescape(\"%3Cscript src='https://s4.cnzz.com/z_stat.php%3Fid%3D1' %3E%3C/script%3E\"));</script>"
        "<script>var s=document.createElement('script');s.src='https://cloud.govwza.cn/wza/wza.js';</script>"
        "<script>var s=document.createElement('script');s.src='https://wza.example.com/aria.js';</script>"
        "<script>document.write(unescape(\"%3Cscript src='https://dcs.conac.cn/js/1.js'%3E%3C/script%3E\"));</script>"
        "<script>document.write('<script src=\"http://v3.jiathis.com/code/jia.js\"><\\/script>')</script>"
    )
    page = html_page(body)
    assert len(page.script_targets) == 8
    assert run(page) == []


# --- defacements ---------------------------------------------------------------------


def test_defaced_home_page() -> None:
    home = parsed("home_defaced.html")
    found = kinds(run(home=home))
    assert set(found) == {"keyword", "hidden_link", "js_redirect", "tamper"}
    assert all(
        f.code == "security.hijack" and f.severity == "veto" and f.url == HOME
        for f in found.values()
    )
    tamper = found["tamper"].evidence
    assert tamper["fields"] == ["title", "meta"] and "澳门葡京" in tamper["words"]
    assert "首页标题" in found["tamper"].message
    hidden = found["hidden_link"].evidence
    assert hidden["technique"] == "offscreen" and hidden["count"] == 5
    assert hidden["target"] == "http://www.am8899.com/" and hidden["text"] == "澳门葡京"
    js = found["js_redirect"].evidence
    assert (
        js["technique"] == "referrer_check" and js["target"] == "http://www.am8899.com/?tg=shouxian"
    )
    assert len(js["snippet"]) <= 120 and "detail" in js
    # the keyword finding counts the body only: the rewritten title is the tamper finding
    assert found["keyword"].evidence["where"] == ["text"]


def test_marquee_spam_in_an_article() -> None:
    page = parsed("article_marquee.html", HOME + "zwgk/tzgg/201910/t20191008_1.html")
    found = kinds(run(page))
    assert set(found) == {"keyword", "hidden_link"}
    assert found["hidden_link"].evidence["technique"] == "marquee"
    assert found["keyword"].evidence["categories"] == ["博彩"]


def test_stylesheet_hidden_spam() -> None:
    found = kinds(run(parsed("article_css_hidden.html", HOME + "a/t20190920_2.html")))
    assert found["hidden_link"].evidence["domains"][:2] == ["dfkuaisan.com", "txffc.cc"]
    assert found["hidden_link"].evidence["technique"] == "font_size_zero"


def test_obfuscated_scripts() -> None:
    page = parsed("article_scripts.html", HOME + "a/t20191001_3.html")
    findings = run_all(page)
    found = kinds([f for f in findings if f.code == "security.hijack"])
    assert set(found) == {"js_redirect"}
    evidence = found["js_redirect"].evidence
    # redirects (fromCharCode, referrer check, setTimeout), the written 0x0 iframe of a casino host
    # and the redirect read from an escaped string array (extract/scripts.py, issue 8 item 7)
    assert evidence["count"] == 5 and evidence["decoded"] == ["fromCharCode"]
    assert "http://www.js6688.com/" in evidence["targets"]
    assert evidence["target"] == "http://www.hg0088vip.com/"
    assert "http://www.ag8808.com/" in evidence["targets"]
    # a script written by document.write from an unknown host is inventory, not a veto by itself
    assert "http://js.tjcnzz8.com/tj.js" not in evidence["targets"]
    inventory = next(f for f in findings if f.code == "security.third_party")
    assert inventory.severity == "notice"
    row = next(r for r in inventory.evidence["scripts"] if r["host"] == "js.tjcnzz8.com")
    assert row["loaded"] == ["document.write"] and row["known"] == ""
    assert "js.tjcnzz8.com" in inventory.evidence["unknown_hosts"]


def test_referrer_check_with_unresolvable_target_fires() -> None:
    page = html_page(
        "<script>if(/baidu|sogou|sm.cn/.test(document.referrer)){location.href=u();}</script>"
    )
    finding = kinds(run(page))["js_redirect"]
    assert finding.evidence["target"] == "" and "无法静态解析" in finding.message


def test_forty_links_to_one_casino_domain() -> None:
    found = kinds(run(parsed("casino_links.html", HOME + "c/index.html")))
    drift = found["tamper"].evidence
    assert drift["domain"] == "amjs88.com" and drift["count"] == 40 and drift["share"] >= 0.3


def test_many_gov_cn_and_media_links_are_not_drift() -> None:
    links = [Link(f"http://www.county{i}.gov.cn/", "县政府") for i in range(30)]
    links += [Link(f"https://mp.weixin.qq.com/s/{i}", "微信文章") for i in range(30)]
    links += [Link(f"http://www.ahnews.com.cn/{i}.html", "安徽新闻") for i in range(9)]
    page = Page(url=HOME + "x.html", status=200, links=links)
    assert run(page) == []


# --- keywords ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "澳 门*葡 京 ★ 开 户 送 彩 金",  # separators between characters
        "澳門葡京娛樂城 開戶送彩金",  # traditional characters
        "ＢＥＴ３６５ 真人视讯",  # full-width
        "bеt365 亚博体育",  # Cyrillic е
        "bjl 百家乐官网",  # pinyin initials
        "最新成人电影 高清无码",
    ],
)
def test_keyword_variants(text: str) -> None:
    page = Page(url=HOME + "a/1.html", status=200, text=f"新闻中心 {text} 联系我们")
    assert set(kinds(run(page))) == {"keyword"}


def test_single_weak_term_does_not_fire_but_a_planted_link_does() -> None:
    alone = Page(
        url=HOME + "a/1.html", status=200, text="本市体育中心举办围棋、象棋等棋牌比赛。老虎机"
    )
    assert run(alone) == []
    planted = Page(
        url=HOME + "a/2.html", status=200, text="通知公告 百家乐",
        links=[Link("http://www.bjl77.com/", "百家乐")],
    )  # fmt: skip
    assert kinds(run(planted))["keyword"].evidence["link"] == "http://www.bjl77.com/"


def test_one_strong_term_in_the_home_title_is_tampering() -> None:
    home = Page(
        url=HOME, final_url=HOME, status=200, title="澳门葡京_淮南市人民政府", text="政务要闻"
    )
    found = kinds(run(home=home))
    assert set(found) == {"tamper"} and found["tamper"].evidence["fields"] == ["title"]
    weak = Page(
        url=HOME,
        final_url=HOME,
        status=200,
        title="淮南市体育局",
        meta={"Keywords": "体育,棋牌,健身"},
    )
    assert run(home=weak) == []


# --- hidden links --------------------------------------------------------------------


def test_hidden_link_rules() -> None:
    body = (
        '<div style="display:none">'
        '<a href="/zwgk/">政务公开</a>'  # own menu
        '<a href="http://www.people.com.cn/">人民网</a>'  # trusted media tab
        '<a href="http://www.hnrb.com.cn/">淮南日报</a>'  # an outlet's name in a tab
        '<a href="http://www.ah.gov.cn/">安徽省人民政府</a>'  # government
        "</div>"
    )
    assert run(html_page(body)) == []
    # Hidden is not harmful: a hidden link to an unknown commercial host with neutral words, or
    # an outlet's link in a one-pixel box, is listed in the inventory notice, not vetoed.
    neutral = html_page(
        '<div style="display:none"><a href="http://www.k8k8.cc/">点击进入</a></div>'
        '<div style="height:1px;overflow:hidden"><a href="http://www.hnrb.com.cn/">淮南日报</a></div>'
    )
    findings = run_all(neutral)
    assert [f.code for f in findings] == ["security.third_party"]
    listed = {r["domain"]: r for r in findings[0].evidence["hidden_links"]}
    assert set(listed) == {"k8k8.cc", "hnrb.com.cn"} and listed["hnrb.com.cn"]["technique"] == "zero_size"
    # Spam words on the link, or a casino host, make it a dark link.
    worded = html_page('<div style="display:none"><a href="http://www.k8k8.cc/">开云体育官网</a></div>')
    assert kinds(run(worded))["hidden_link"].evidence["domains"] == ["k8k8.cc"]
    casino = html_page(
        '<div style="height:1px;overflow:hidden"><a href="http://www.xpj8888.com/">点击进入</a></div>'
    )
    hit = kinds(run(casino))["hidden_link"].evidence
    assert hit["technique"] == "zero_size" and hit["sample"][0]["host_signals"] == ["xpj8888"]
    slide = html_page(
        '<li style="display:none"><a href="http://www.ahtv.cn/zt/"><img src="/b.jpg"></a></li>'
    )
    assert run(slide) == []
    frame = html_page('<iframe src="http://www.ag8808.com/" width="0" height="0"></iframe>')
    assert kinds(run(frame))["hidden_link"].evidence["technique"] == "zero_size"
    seo_page = html_page('<div style="display:none"><a href="/bocai/1.html">澳门葡京</a></div>')
    assert kinds(run(seo_page))["hidden_link"].evidence["target"] == HOME + "bocai/1.html"


def test_registry_can_trust_more_domains() -> None:
    page = html_page('<div style="display:none"><a href="http://www.xpj8888.com/">点击进入</a></div>')
    assert kinds(run(page))["hidden_link"]
    site = SiteEntry(name=SITE.name, url=HOME, overrides={"hijack_allow_domains": ["xpj8888.com"]})
    assert run(page, site=site) == []


# --- cloaking ------------------------------------------------------------------------


def probe(agent: str = "spider", url: str = HOME, **kw: Any) -> dict[str, Any]:
    base = {"url": url, "agent": agent, "status": 200, "final_url": url, "error": None,
            "title": "淮南市人民政府", "text": "政务要闻 通知公告", "links": []}  # fmt: skip
    return {**base, **kw}


def normal_home() -> Page:
    return Page(
        url=HOME, final_url=HOME, status=200, title="淮南市人民政府", text="政务要闻 通知公告 2019年10月19日",
        links=[Link(HOME + "zwgk/", "政务公开"), Link("http://www.people.com.cn/", "人民网")],
    )  # fmt: skip


def test_spider_sees_spam() -> None:
    spam = probe(title="澳门葡京_太阳城娱乐", text="澳门葡京 开户送彩金 真人视讯")
    finding = kinds(run(home=normal_home(), probes=[spam]))["cloaking"]
    assert finding.evidence["agent"] == "spider" and "澳门葡京" in finding.evidence["words"]
    assert finding.url == HOME and "搜索引擎爬虫" in finding.message
    # Both views are kept for the evidence page: titles and an excerpt of each.
    ev = finding.evidence
    assert ev["spider_title"] == "澳门葡京_太阳城娱乐" and ev["spider_text"].startswith("澳门葡京 开户送彩金")
    assert ev["normal_title"] == "淮南市人民政府" and ev["normal_text"] == "政务要闻 通知公告 2019年10月19日"


def test_search_referer_redirected_to_another_host() -> None:
    moved = probe("referer", final_url="http://www.am8899.com/?from=gov", title="", text="")
    finding = kinds(run(home=normal_home(), probes=[moved, probe()]))["cloaking"]
    assert finding.evidence["final_url"] == "http://www.am8899.com/?from=gov"
    assert finding.evidence["agents"] == ["referer"]


def test_spider_sees_new_foreign_links() -> None:
    links = [HOME + "zwgk/", "http://www.people.com.cn/"] + [
        f"http://www.xpj{i}888.com/" for i in range(4)
    ]
    finding = kinds(run(home=normal_home(), probes=[probe(links=links)]))["cloaking"]
    assert finding.evidence["new_link_count"] == 4
    # a recommendation widget that shows other articles on each fetch is not cloaking
    rotated = [f"http://www.xinhuanet.com/politics/2019-10/{i}.htm" for i in range(6)]
    assert run(home=normal_home(), probes=[probe(links=rotated)]) == []


def test_spider_only_hidden_link_and_script() -> None:
    hidden = [{"url": "http://www.am8899.com/", "text": "澳门葡京", "technique": "offscreen"},
              {"url": HOME + "zwgk/", "text": "政务公开", "technique": "display_none"}]  # fmt: skip
    scripts = [{"url": "http://www.xpj.cc/", "technique": "referrer_check", "snippet": "..."}]
    views = [probe(hidden_links=hidden), probe("referer", script_targets=scripts)]
    finding = kinds(run(home=normal_home(), probes=views))["cloaking"]
    assert finding.evidence["new_links"] == ["http://www.am8899.com/"]
    assert finding.evidence["agents"] == ["spider", "referer"]
    assert "暗链" in finding.message


def test_cloaking_ignores_dates_errors_own_and_gov_hosts() -> None:
    probes = [
        probe(text="政务要闻 通知公告 2019年10月20日 访问量 123456", title="淮南市人民政府"),
        probe("referer", status=None, error="timeout"),
        probe("referer", final_url="https://huainan.gov.cn/index.html"),
        probe("spider", url=HOME + "zwgk/", final_url="http://www.ah.gov.cn/"),
        probe(
            links=[
                HOME + "a.html",
                "http://www.ah.gov.cn/",
                "http://www.xinhuanet.com/",
                "https://mp.weixin.qq.com/s/1",
            ]
        ),
        probe(text="扫黑除恶：依法打击六合彩、百家乐等赌博犯罪"),
        probe(
            script_targets=[{"url": HOME + "m/", "technique": "location"}],
            hidden_links=[
                {"url": "http://www.people.com.cn/", "text": "人民网", "technique": "display_none"}
            ],
        ),
    ]
    assert run(home=normal_home(), probes=probes) == []


# --- bounds and plumbing -------------------------------------------------------------


def test_site_wide_injected_footer_is_bounded() -> None:
    footer = '<div style="position:absolute;left:-9999px"><a href="http://www.am8899.com/">澳门葡京 开户送彩金</a></div>'
    pages = [
        html_page(f"<p>第{i}篇文章</p>{footer}", f"{HOME}a/t2019_{i:03d}.html") for i in range(500)
    ]
    findings = run(*pages)
    by_kind: dict[str, list[Finding]] = {}
    for f in findings:
        by_kind.setdefault(f.evidence["kind"], []).append(f)
    assert set(by_kind) == {"keyword", "hidden_link"}
    for listed in by_kind.values():
        assert len(listed) == MAX_PAGES_PER_KIND
        assert listed[0].evidence["pages_total"] == 500
        assert "共 500 个页面" in listed[0].message
        assert all("pages_total" not in f.evidence for f in listed[1:])


def test_runs_through_the_check_list() -> None:
    snap = snap_of(home=parsed("home_defaced.html"))
    findings = run_checks(snap, ctx(), ["hijack"])
    assert {f.evidence["kind"] for f in findings} == {
        "keyword",
        "hidden_link",
        "js_redirect",
        "tamper",
    }
    assert all(f.to_dict()["code"] == "security.hijack" for f in findings)


def test_attachments_and_failed_pages_are_skipped() -> None:
    pdf = Page(url=HOME + "a.pdf", status=200, text="澳门葡京 开户送彩金", attachment=True)
    failed = Page(url=HOME + "b.html", error="timeout")
    assert run(pdf, failed) == []


@pytest.mark.parametrize(
    ("host", "domain"),
    [("www.am8899.com", "am8899.com"), ("a.b.com.cn", "b.com.cn"), ("x.gov.cn", "x.gov.cn"),
     ("103.10.2.1", "103.10.2.1"), ("localhost", "localhost")],
)  # fmt: skip
def test_registrable(host: str, domain: str) -> None:
    assert registrable(host) == domain


def test_judge_foreign() -> None:
    judge = Judge.for_snapshot(snap_of(), ctx())
    assert judge.foreign("http://www.am8899.com/x") == "am8899.com"
    assert judge.foreign(HOME + "x") is None
    assert judge.foreign("http://zwfw.huainan.gov.cn/") is None
    # statistics hosts are foreign (no list decides a judgement) but carry no spam marks
    assert judge.foreign("https://s4.cnzz.com/z.js") == "cnzz.com"
    assert judge.bad_host("https://s4.cnzz.com/z.js") == []
    assert judge.third_party.category("s4.cnzz.com") == "analytics"
    assert judge.third_party.category("cloud.wza.example.com") == "accessibility"
    assert judge.bad_host("http://www.pj-casino8.com/") == ["casino"]
    assert judge.foreign("javascript:void(0)") is None
    assert judge.foreign("http://[bad") is None


def test_own_link_prefixes_decide_as_the_full_judgement() -> None:
    """Issue 13: the drift rule passes over links that start with the site's own scheme and host;
    each of them is one ``foreign`` would call the site's own, and the verdicts are the same."""
    from random import Random

    from govinspect.checks.hijack import _drift

    judge = Judge.for_snapshot(snap_of(), ctx())
    assert judge.own and all(p.endswith("/") for p in judge.own)
    rnd = Random(7)
    urls = [HOME + "a.html", HOME.upper() + "b.html", HOME.replace("http://", "https://") + "c",
            HOME.rstrip("/") + "?q=1", "http://www.am8899.com/x", "https://am8899.com/y", "http://www.pj-casino8.com/z", "http://zwfw.huainan.gov.cn/",
            "http://user@" + HOME.split("://", 1)[1] + "d", "javascript:void(0)", "http://[bad"]
    for url in urls:
        if url.startswith(judge.own):
            assert judge.foreign(url) is None, url
    plain = Judge(judge.netlocs, judge.domains, judge.trusted, judge.harmful)
    plain.own = ()
    verdicts = set()
    for _ in range(400):
        weights = [rnd.random() for _ in urls]
        weights[5] *= rnd.choice([1, 8])  # pages whose links the casino host takes over
        links = [Link(rnd.choices(urls, weights)[0], rnd.choice(["", "澳门娱乐城在线投注", "首页"]), rnd.choice(["a", "area", "img"]))
                 for _ in range(rnd.randint(8, 40))]
        page = Page(url=HOME + "p.html", links=links)
        fast, slow = _drift(page, judge), _drift(page, plain)
        assert fast == slow
        verdicts.add(fast is None)
    assert verdicts == {True, False}


# --- issue 8: what real portals load and hide, and spam as it really appears ------------------

# Written like the scripts and widgets of real portals (sources in data/hijack/thirdparty.yaml):
# a CMS vendor's boot script on a cloud host that is on no list, statistics by createElement
# and document.write, a share widget whose loader is appended by script, the national
# error-reporting widget, an accessibility toolbar.
ORDINARY = (
    '<script>(function(){var s=document.createElement("script");'
    's.src="https://static.cmsvendor-cloud.com/boot/site.js?v=3";'
    'document.getElementsByTagName("head")[0].appendChild(s);})();</script>'
    '<script>var _hmt=_hmt||[];(function(){var hm=document.createElement("script");'
    'hm.src="https://hm.baidu.com/hm.js?0a1b2c";var f=document.getElementsByTagName("script")[0];'
    "f.parentNode.insertBefore(hm,f);})();</script>"
    "<script>document.write(unescape(\"%3Cscript src='https://js.users.51.la/9.js'%3E%3C/script%3E\"));</script>"
    "<script>window._bd_share_config={common:{}};var h=document.getElementsByTagName('head')[0];"
    "h.appendChild(document.createElement('script')).src='http://bdimg.share.baidu.com/static/api/js/share.js?v='+(+new Date());</script>"
    '<script id="_jiucuo_" sitecode="3404000001" src="https://pucha.kaipuyun.cn/exposure/jiucuo.js"></script>'
    '<script src="https://wza.someassist.cn/toolbar.js"></script>'
)
# Menus, tabs and slides hiding links to official sites, several of them outside *.gov.cn.
MENUS = (
    '<ul class="drop" style="display:none"><li><a href="https://www.12377.cn/">中国互联网违法和不良信息举报中心</a></li>'
    '<li><a href="https://gjzwfw.www.gov.cn/">国家政务服务平台</a></li><li><a href="http://www.wenming.cn/">中国文明网</a></li></ul>'
    '<div class="panel" style="position:absolute;left:-9999px"><a href="https://www.12321.cn/">12321举报受理中心</a>'
    '<a href="http://www.xinhuanet.com/politics/">新华网时政</a></div>'
    '<li style="display:none"><a href="http://www.people.com.cn/"><img src="/b.jpg" alt="人民网专题"></a></li>'
)


def test_ordinary_scripts_and_hidden_official_menus_are_inventory_not_hijack() -> None:
    page = html_page(f"<p>政务要闻</p>{MENUS}{ORDINARY}")
    findings = run_all(page)
    assert [f.code for f in findings] == ["security.third_party"]
    inventory = findings[0]
    assert inventory.severity == "notice" and "未发现恶意行为" in inventory.message
    scripts = {r["host"]: r for r in inventory.evidence["scripts"]}
    assert scripts["static.cmsvendor-cloud.com"]["loaded"] == ["createElement"]
    assert scripts["static.cmsvendor-cloud.com"]["known"] == ""  # on no list, still no veto
    assert scripts["hm.baidu.com"]["known"] == "analytics"
    assert scripts["js.users.51.la"]["loaded"] == ["document.write"]
    assert scripts["bdimg.share.baidu.com"]["known"] == "share"
    assert scripts["pucha.kaipuyun.cn"] == {**scripts["pucha.kaipuyun.cn"], "loaded": ["src"], "known": "error_report"}
    assert scripts["wza.someassist.cn"]["known"] == "accessibility"
    hidden = {r["domain"] for r in inventory.evidence["hidden_links"]}
    assert hidden == {"12377.cn", "wenming.cn", "12321.cn", "xinhuanet.com", "people.com.cn"}


def test_judgements_do_not_depend_on_the_third_party_list(monkeypatch: pytest.MonkeyPatch) -> None:
    from govinspect.checks import hijack

    pages = [
        html_page(f"<p>政务要闻</p>{MENUS}{ORDINARY}"),
        parsed("article_scripts.html", HOME + "a/t20191001_3.html"),
        parsed("article_marquee.html", HOME + "zwgk/tzgg/201910/t20191008_1.html"),
    ]
    before = [(f.url, f.evidence["kind"]) for f in run(*pages, home=parsed("home_defaced.html"))]
    monkeypatch.setattr(hijack, "_third_party", lambda: hijack.ThirdParty({}, {}))
    after = [(f.url, f.evidence["kind"]) for f in run(*pages, home=parsed("home_defaced.html"))]
    assert before == after and before


def test_adding_ordinary_scripts_changes_no_judgement() -> None:
    for name, url in (("home_defaced.html", HOME), ("article_scripts.html", HOME + "a/1.html"),
                      ("home_clean.html", HOME)):  # fmt: skip
        html = (FIXTURES / name).read_text(encoding="utf-8")
        plain = Page(url=url, final_url=url, status=200, content_type="text/html")
        extract_page(plain, html, AS_OF)
        busy = Page(url=url, final_url=url, status=200, content_type="text/html")
        extract_page(busy, html.replace("</body>", MENUS + ORDINARY + "</body>"), AS_OF)
        kinds_of = [sorted(f.evidence["kind"] for f in run(home=p)) for p in (plain, busy)]
        assert kinds_of[0] == kinds_of[1], name


def test_home_title_and_meta_rewritten_while_the_body_is_untouched() -> None:
    head = (
        "<title>米乐·体育(中国)官方网站-米乐m6体育app下载</title>"
        '<meta name="keywords" content="米乐体育,米乐app下载,米乐官网登录入口">'
        '<script>if(!/spider|bot/i.test(navigator.userAgent)){document.title="淮南市人民政府";}</script>'
    )
    html = (FIXTURES / "home_clean.html").read_text(encoding="utf-8")
    html = re.sub(r"<title>.*?</title>", head, html, count=1, flags=re.S)
    home = Page(url=HOME, final_url=HOME, status=200, content_type="text/html")
    extract_page(home, html, AS_OF)
    found = kinds(run(home=home))
    assert set(found) == {"tamper"}
    evidence = found["tamper"].evidence
    assert evidence["fields"] == ["title", "meta"] and any("米乐" in w for w in evidence["words"])
    assert "首页标题和关键词被篡改" in found["tamper"].message


def test_repeated_brand_block_in_an_article() -> None:
    block = "_".join(["乐鱼体育app下载", "乐鱼·体育(中国)官方网站", "乐鱼体育全站app"] * 10)
    page = html_page(f'<p>全市召开安全生产工作会议。</p><div style="display:none">{block}</div>')
    found = kinds(run(page))
    assert set(found) == {"keyword"}  # hidden text without links is spam, not a dark link
    evidence = found["keyword"].evidence
    assert "certain" in evidence["reasons"] and evidence["repeated"] >= 20
    assert evidence["categories"] == ["博彩"]


def test_anti_gambling_campaign_page_with_brand_names_stays_clean() -> None:
    text = ("严禁参与赌博。近期“乐鱼体育”“开云体育app下载”等境外赌博网站通过短信引流，"
            "公安机关提醒广大群众提高警惕，反诈宣传进校园、进社区，发现线索及时举报。")
    page = html_page(f"<p>{text}</p>", head="<meta name='keywords' content='打击赌博,反诈宣传'>")
    assert run(page) == []


def test_scripts_are_hijack_only_with_evidence_of_harm() -> None:
    redirect = html_page("<script>setTimeout(function(){top.location.href='http://www.qp-play9.com/';},500)</script>")
    assert kinds(run(redirect))["js_redirect"].evidence["target"] == "http://www.qp-play9.com/"
    onclick = html_page(
        "<button onclick=\"window.location.href='http://www.some-mall.com/'\">积分商城</button>"
    )
    assert run(onclick) == []  # navigation on a click is a link, not a redirect
    injected = html_page(
        "<script>var s=document.createElement('script');s.src='http://cdn.tj-stat9.com/a.js';"
        "document.body.appendChild(s);</script>"
    )
    assert run(injected) == []
    casino = html_page(
        "<script>var s=document.createElement('script');s.src='http://www.bob5918.com/bob.js';"
        "document.body.appendChild(s);</script>"
    )
    assert kinds(run(casino))["js_redirect"].evidence["target"] == "http://www.bob5918.com/bob.js"


def test_a_host_the_harmful_link_probe_classified_makes_its_script_a_hijack() -> None:
    page = html_page(
        "<script>var s=document.createElement('script');s.src='http://cdn.tj-stat9.com/a.js';"
        "document.body.appendChild(s);</script>"
    )
    snap = snap_of(page)
    snap.probes["harmful"] = [{"url": "http://cdn.tj-stat9.com/", "kind": "gambling", "words": ["澳门葡京"]}]
    found = kinds([f for f in check(snap, ctx()) if f.code == "security.hijack"])
    assert found["js_redirect"].evidence["target"] == "http://cdn.tj-stat9.com/a.js"


def test_many_links_to_one_news_site_are_not_tampering() -> None:
    links = [Link(f"http://www.xinhuanet.com/politics/{i}.htm", f"新华社电讯{i}") for i in range(40)]
    assert run(Page(url=HOME + "zz/index.html", status=200, links=links)) == []


def test_spider_sees_a_brand_title_the_lexicon_alone_would_miss() -> None:
    view = probe(title="乐鱼·体育(中国)官方网站-登录入口", text="乐鱼体育app下载 乐鱼体育官网")
    finding = kinds(run(home=normal_home(), probes=[view]))["cloaking"]
    assert any("乐鱼" in w for w in finding.evidence["words"])


def test_home_page_replaced_by_a_hackers_page() -> None:
    black = Page(url=HOME, final_url=HOME, status=200, title="Hacked By Shadow Team",
                 text="Hacked By Shadow Team 管理员你好，你的网站漏洞太多了 QQ:12345678")  # fmt: skip
    found = kinds(run(home=black))
    assert set(found) == {"tamper"} and "hacked by" in found["tamper"].evidence["defaced"]
    scribbled = Page(url=HOME, final_url=HOME, status=200, title="淮南市人民政府", text="黑客到此一游")
    assert kinds(run(home=scribbled))["tamper"].evidence["fields"] == ["text"]


def test_news_about_attacks_is_not_a_hackers_page() -> None:
    article = Page(url=HOME + "a/2.html", final_url=HOME + "a/2.html", status=200,
                   title="我市开展网络安全攻防演练 防范黑客入侵",
                   text="演练模拟门户网站被黑客入侵后的应急处置。" * 5)  # fmt: skip
    english = Page(url=HOME + "en/1.html", final_url=HOME + "en/1.html", status=200, title="News",
                   text="Officials said the database was hacked by criminals last year. " * 80)  # fmt: skip
    home = Page(url=HOME, final_url=HOME, status=200, title="淮南市人民政府",
                text="网络安全宣传周：依法打击黑客入侵等违法犯罪。")  # fmt: skip
    assert run(article, english, home=home) == []


def test_an_onload_redirect_is_automatic_an_onclick_one_is_not() -> None:
    onload = Page(url=HOME + "a/9.html", final_url=HOME + "a/9.html", status=200, content_type="text/html")
    html = "<html><body onload=\"location.href='http://www.qp-play9.com/'\"><p>x</p></body></html>"
    extract_page(onload, html, AS_OF)
    assert kinds(run(onload))["js_redirect"].evidence["target"] == "http://www.qp-play9.com/"
    onclick = html_page("<a href='#' onclick=\"location.href='http://www.qp-play9.com/'\">进入</a>")
    assert run(onclick) == []


def test_a_script_that_writes_a_spam_title_for_spiders() -> None:
    escaped = "".join(f"\\u{ord(c):04x}" for c in "乐鱼体育(中国)官方网站")
    page = html_page(
        "<p>政务要闻</p><script>if(/baiduspider/i.test(navigator.userAgent)){document.title="
        f"\"{escaped}\";}}</script>"
    )
    finding = kinds(run(page))["js_redirect"]
    assert finding.evidence["technique"] == "write_spam" and "脚本写入违规文字" in finding.message
    footer = html_page("<script>document.write('<p>主办：淮南市人民政府办公室 严厉打击网络赌博 远离百家乐</p>');</script>")
    assert run(footer) == []  # a footer written by script, an anti-gambling slogan


@pytest.mark.parametrize(
    "probe_data",
    [
        {"http://cdn.tj-stat9.com/": {"kind": "porn", "words": ["成人视频"]}},
        {"targets": [{"target": "http://x.example/", "final_url": "http://cdn.tj-stat9.com/", "verdict": {"kind": "fraud"}}]},
        [{"url": "http://cdn.tj-stat9.com/", "harmful": True}],
    ],
)
def test_harmful_probe_layouts(probe_data: Any) -> None:
    page = html_page("<script>var s=document.createElement('script');s.src='http://cdn.tj-stat9.com/a.js';</script>")
    snap = snap_of(page)
    snap.probes["harmful"] = probe_data
    assert [f.evidence["kind"] for f in check(snap, ctx()) if f.code == "security.hijack"] == ["js_redirect"]
    snap.probes["harmful"] = [{"url": "http://cdn.tj-stat9.com/", "kind": None}]  # fetched, not spam
    assert [f for f in check(snap, ctx()) if f.code == "security.hijack"] == []


def test_a_widget_frame_page_sending_itself_home_is_not_a_hijack() -> None:
    # A date-picker's inner frame page returns to its vendor only when opened outside the frame.
    guarded = html_page(
        "<script>if(parent==window) location.href = 'http://www.datepicker-vendor.com';"
        "var $d, $dp = parent.$dp;</script>"
    )
    assert "js_redirect" not in kinds(run(guarded))
    # the same guard toward a casino host, and an unguarded redirect, still fire
    spam = html_page("<script>if(top==self){location.href='http://www.hg0088vip.com/';}</script>")
    assert "js_redirect" in kinds(run(spam))
    plain = html_page("<script>location.href = 'http://www.datepicker-vendor.com';</script>")
    assert "js_redirect" in kinds(run(plain))
