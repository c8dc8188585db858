"""The read pages served for real (overview, sites, accounts, availability, evidence) for every role.

Facts are those of tests/cycle_support.py: in 2019-10 every site fails (乙县人民政府 单项否决 for
its stale column), in 2019-11 all pass; 甲市 has S1 S3 S4 (S5 archived) and A1 A2, 乙县 has S2,
A3 (merged 2019-10-08) and A4 (closed 2019-05-01).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from selectolax.lexbor import LexborHTMLParser as HTMLParser

from govinspect.store.tables import Alert, Probe
from govinspect.web.evidence import highlight, mask_all, mask_numbers

from .cycle_support import Builder, broken, finding, stale
from .web_support import add_users, make_context


def _doc(r) -> HTMLParser:
    assert r.status_code == 200, (r.status_code, r.text[:500])
    return HTMLParser(r.text)


def _main(r) -> str:
    return re.sub(r"\s+", " ", _doc(r).css_first("main").text(separator=" "))


def _rows(doc: HTMLParser, css: str) -> list[list[str]]:
    table = doc.css_first(css)
    assert table is not None, css
    return [[re.sub(r"\s+", " ", td.text(separator=" ")).strip() for td in tr.css("td")]
            for tr in table.css("tbody tr")]


def _refused(r, status: int, words: str) -> None:
    assert r.status_code == status, (r.status_code, r.text[:300])
    assert words in r.text and "Traceback" not in r.text


def _december(web, findings_s3: list | None = None) -> int:
    """A run on 2019-12-05 where S2 is stale again (单项否决) and S3 has ``findings_s3``."""
    b = Builder(web.store)
    run = b.run(date(2019, 12, 5))
    b.site_result(run, web.cycle.sites["S2"], [stale()])
    b.site_result(run, web.cycle.sites["S1"], [broken("http://a.gov.cn/q")])
    if findings_s3 is not None:
        b.site_result(run, web.cycle.sites["S3"], findings_s3)
    return run


# --- overview --------------------------------------------------------------------------------


def test_overview_for_a_supervisor(web):
    c = web.client("sup")
    doc = _doc(c.get("/", params={"period": "2019-10"}))
    assert doc.css_first("[data-testid=site-rate]").text().startswith("0.0%")
    assert "0/4 个合格" in doc.css_first("[data-testid=site-rate]").text()
    failing = {r[0]: r for r in _rows(doc, "table#failing-sites")}
    assert set(failing) == {"甲市人民政府", "乙县人民政府", "甲市教育局", "甲市卫健委"}
    assert failing["乙县人民政府"][2] == "单项否决" and failing["乙县人民政府"][4] == "栏目应更未更"
    assert failing["甲市人民政府"][4] == "站点无法访问" and failing["甲市教育局"][2] == "不合格"
    # vetoed sites come before the ones failed by score
    assert [r[0] for r in _rows(doc, "table#failing-sites")][-1] == "甲市教育局"
    kinds = dict((r[0], r[1]) for r in _rows(doc, "table#problem-kinds"))
    assert kinds["政务新媒体长期未更新"] == "2" and kinds["站点无法访问"] == "1"
    trend = doc.css_first("svg#chart-trend")
    assert trend is not None and doc.css_first("svg#chart-problems") is not None
    assert [t.text() for t in trend.css("text")][3:6] == ["2019-08", "2019-09", "2019-10"]
    assert "乙县发布（微信）整合于 2019-10-08" in _main(c.get("/", params={"period": "2019-10"}))
    aug = _doc(c.get("/", params={"period": "2019-08"}))
    assert aug.css_first("[data-testid=site-rate]").text().startswith("60.0%")  # S1 S3 S5 of five
    latest = _doc(c.get("/"))
    assert latest.css_first("select[name=period] option[selected]").text() == "2019-11"
    assert "本期没有不合格网站" in latest.text()


def test_overview_for_an_operator_counts_their_unit_only(web):
    c = web.client("op_jia")
    for period in ("2019-08", "2019-09", "2019-10", "2019-11"):
        r = c.get("/", params={"period": period})
        assert "乙县" not in _main(r), period
    doc = _doc(c.get("/", params={"period": "2019-10"}))
    assert "0/3 个合格（登记 3）" in doc.css_first("[data-testid=site-rate]").text()
    assert [r[0] for r in _rows(doc, "table#failing-sites")] == ["甲市人民政府", "甲市卫健委", "甲市教育局"]
    aug = _doc(c.get("/", params={"period": "2019-08"}))
    assert aug.css_first("[data-testid=site-rate]").text().startswith("75.0%")  # S1 S3 S5 of S1 S3 S4 S5
    assert aug.css_first("[data-testid=account-rate]").text().startswith("50.0%")  # A1 passes, A2 stale


def test_overview_refuses_a_bad_period_in_one_line(web):
    c = web.client("sup")
    _refused(c.get("/", params={"period": "2019-13"}), 422, "期次格式错误")
    _refused(c.get("/", params={"period": "2018-01"}), 404, "期次 2018-01 没有已完成的检查")


def test_overview_of_an_empty_store_is_friendly(store):
    from govinspect.web import create_app
    from govinspect.web.server import serve_in_thread

    from .web_support import WebEnv

    b = Builder(store)
    b.unit("甲市"), b.unit("乙县")
    add_users(store)
    ctx = make_context(store)
    with serve_in_thread(create_app(ctx)) as base:
        env = WebEnv(base, store, ctx, None)  # type: ignore[arg-type]
        for user in ("sup", "op_jia"):
            c = env.client(user)
            doc = _doc(c.get("/"))
            assert "暂无检查数据" in doc.css_first("[data-testid=empty]").text()
            assert "没有符合条件的网站" in c.get("/sites").text
            assert c.get("/api/v1/periods").json() == {"periods": [], "latest": None}
            assert c.get("/api/v1/verdicts").status_code == 404


# --- sites -----------------------------------------------------------------------------------


def test_sites_list_failing_first_with_filters(web):
    _december(web)
    c = web.client("sup")
    rows = _rows(_doc(c.get("/sites")), "#sites-table table")
    names = [r[0].split(" ")[0] for r in rows]
    assert names[0] == "乙县人民政府" and rows[0][3] == "单项否决" and rows[0][5] == "1"
    assert "旧专题网站" not in names and len(names) == 4
    s1 = next(r for r in rows if r[0].startswith("甲市人民政府"))
    assert s1[3] == "合格" and s1[5] == "1" and s1[6] == "2019-12"  # the new broken link is open
    archived = _rows(_doc(c.get("/sites", params={"archived": "1"})), "#sites-table table")
    assert "旧专题网站 已撤销登记 http://e.gov.cn/" in [r[0] for r in archived]
    dept = _rows(_doc(c.get("/sites", params={"level": "department"})), "#sites-table table")
    assert sorted(r[0].split(" ")[0] for r in dept) == ["甲市卫健委", "甲市教育局"] and dept[0][2] == "部门网站"
    veto = _rows(_doc(c.get("/sites", params={"verdict": "veto"})), "#sites-table table")
    assert [r[0].split(" ")[0] for r in veto] == ["乙县人民政府"]
    unit = _rows(_doc(c.get("/sites", params={"unit": "乙县"})), "#sites-table table")
    assert [r[0].split(" ")[0] for r in unit] == ["乙县人民政府"]
    assert "没有符合条件的网站" in c.get("/sites", params={"verdict": "fail"}).text
    links = _doc(c.get("/sites")).css("a.site-link")
    assert {a.attributes["href"] for a in links} == {f"/sites/{web.cycle.sites[k]}" for k in ("S1", "S2", "S3", "S4")}
    _refused(c.get("/sites", params={"level": "city"}), 422, "网站类别取值错误")
    # HTMX asks for the table only
    part = c.get("/sites", params={"level": "county"}, headers={"HX-Request": "true"})
    assert part.status_code == 200 and "<html" not in part.text and 'id="sites-table"' in part.text
    assert "乙县人民政府" in part.text and "甲市" not in part.text


def test_sites_list_of_an_operator(web):
    _december(web)
    c = web.client("op_jia")
    r = c.get("/sites", params={"archived": "1"})
    names = [row[0].split(" ")[0] for row in _rows(_doc(r), "#sites-table table")]
    assert sorted(names) == ["旧专题网站", "甲市人民政府", "甲市卫健委", "甲市教育局"]
    assert "乙县" not in _main(r)
    _refused(c.get("/sites", params={"unit": "乙县"}), 403, "没有可查看的单位")


def test_site_page_for_a_supervisor(web):
    _december(web)
    S, F = web.cycle.sites, web.cycle.findings
    c = web.client("sup")
    r = c.get(f"/sites/{S['S2']}")
    doc = _doc(r)
    assert doc.css_first("h1").text() == "乙县人民政府"
    ident = _main(r)
    assert "区县网站" in ident and "乙县" in ident
    home = doc.css_first("#identity a")
    assert home.attributes["href"] == "http://b.gov.cn/" and home.attributes["rel"] == "noopener noreferrer"
    assert "单项否决" in doc.css_first("[data-testid=site-verdict]").text()
    # the stale column came back in December: the same tracked finding reopened, its review kept
    group = doc.css_first("section.finding-group")
    assert group.css_first("h3").text().startswith("栏目应更未更")
    row = _rows(group, "table")[0]
    assert row[0] == "否决 工作动态 栏目长期未更新" and row[1] == "http://b.gov.cn/gzdt/"
    assert row[2] == "2019-12-05" and row[3] == "2019-12-05" and row[4] == "未整改" and row[5] == "已确认"
    page_link = group.css_first("td a[target=_blank]")
    assert page_link.attributes["rel"] == "noopener noreferrer"
    assert group.css_first("a.evidence-link").attributes["href"] == f"/findings/{F['stale']}"
    history = _rows(doc, "table#history")
    assert [h[0] for h in history] == ["2019-12-05", "2019-11-20", "2019-10-20", "2019-09-20", "2019-08-20"]
    assert history[2][1:4] == ["2019-10", "检查", "单项否决"]
    assert doc.css_first("svg#chart-history") is not None and len(doc.css("svg#chart-history rect")) >= 5
    # S1: resolved findings in the collapsed section, the new open one above
    doc1 = _doc(c.get(f"/sites/{S['S1']}"))
    resolved = doc1.css_first("details#resolved")
    assert resolved is not None and "已整改问题（5）" in resolved.css_first("summary").text()
    assert "已排除" in resolved.text() and "已整改" in resolved.text()
    assert "http://a.gov.cn/q" in doc1.css_first("section.finding-group").text()


def test_site_page_scope(web):
    S = web.cycle.sites
    c = web.client("op_jia")
    _refused(c.get(f"/sites/{S['S2']}"), 403, "该网站不属于您所在的单位")
    assert "乙县人民政府" not in c.get(f"/sites/{S['S2']}").text
    assert _doc(c.get(f"/sites/{S['S5']}")).css_first("h1").text() == "旧专题网站"
    _refused(c.get("/sites/99999"), 404, "没有编号为 99999 的网站")
    assert web.client("op_yi").get(f"/sites/{S['S2']}").status_code == 200
    assert web.client().get(f"/sites/{S['S1']}").status_code == 303  # not signed in


# --- accounts --------------------------------------------------------------------------------


def test_accounts_list_and_page(web):
    A = web.cycle.accounts
    c = web.client("sup")
    rows = {(r[0], r[1]): r for r in _rows(_doc(c.get("/accounts")), "#accounts-table table")}
    assert rows[("乙县发布", "微信")][3] == "已整合 2019-10-08"
    assert rows[("老账号", "微信")][3] == "已关停 2019-05-01"
    assert rows[("甲市发布", "微博")][3] == "合格"
    weibo = _rows(_doc(c.get("/accounts", params={"platform": "weibo"})), "#accounts-table table")
    assert [(r[0], r[1]) for r in weibo] == [("甲市发布", "微博")]
    closed = _rows(_doc(c.get("/accounts", params={"verdict": "closed"})), "#accounts-table table")
    assert sorted(r[0] for r in closed) == ["乙县发布", "老账号"]
    _refused(c.get("/accounts", params={"platform": "qq"}), 422, "平台取值错误")
    doc = _doc(c.get(f"/accounts/{A['A2']}"))
    history = _rows(doc, "table#history")
    assert [h[0] for h in history] == ["2019-11-20", "2019-10-20", "2019-09-20", "2019-08-20"]
    assert history[1][3] == "不合格" and history[0][3] == "合格"
    resolved = doc.css_first("details#resolved")
    assert "政务新媒体长期未更新" in resolved.text()
    a3 = _doc(c.get(f"/accounts/{A['A3']}"))
    assert a3.css_first("[data-testid=closed]").text().strip().startswith("已整合")
    a1 = _doc(c.get(f"/accounts/{A['A1']}"))
    assert "账号管理人员已离职" in a1.css_first("details#resolved").text()


def test_accounts_of_an_operator(web):
    A = web.cycle.accounts
    c = web.client("op_jia")
    r = c.get("/accounts")
    assert sorted((row[0], row[1]) for row in _rows(_doc(r), "#accounts-table table")) == [
        ("甲市发布", "微信"), ("甲市发布", "微博")]
    assert "乙县" not in _main(r) and "老账号" not in r.text
    for key in ("A3", "A4"):
        _refused(c.get(f"/accounts/{A[key]}"), 403, "该账号不属于您所在的单位")
    assert c.get(f"/accounts/{A['A1']}").status_code == 200


# --- availability ----------------------------------------------------------------------------


def _probes(web, site: str, url: str, hours: int, every_failed: int) -> None:
    now = datetime.now()
    with web.store.session() as s:
        for i in range(hours):
            failed = every_failed and i % every_failed == 0
            s.add(Probe(site_id=web.cycle.sites[site], target=url, at=now - timedelta(hours=i * 4, minutes=1),
                        status=None if failed else 200, error="timeout" if failed else None, latency_ms=50))


def test_availability_figures_and_alerts_by_unit(web):
    _probes(web, "S1", "http://a.gov.cn/", 48, 2)  # 8 days, half failed
    _probes(web, "S2", "http://b.gov.cn/", 12, 0)  # 2 days, all fine
    now = datetime.now()
    with web.store.session() as s:
        for subject, url, status in (("甲市人民政府", "http://a.gov.cn/", "sent"), ("乙县人民政府", "http://b.gov.cn/", "failed")):
            s.add(Alert(key=f"availability|{url}", key_hash=url, subject=f"{subject}（{url}）", kind="alert",
                        title=f"【否决项告警】{subject}（{url}）：站点无法访问", body="...", targets=[], status=status,
                        attempts=1, created_at=now - timedelta(hours=1), sent_at=now if status == "sent" else None,
                        last_error=None if status == "sent" else "连接被拒绝"))
    c = web.client("sup")
    doc = _doc(c.get("/availability"))
    rows = {r[0].split(" ")[0]: r for r in _rows(doc, "table#availability")}
    s1 = rows["甲市人民政府"]
    assert s1[2] == "42" and s1[3] == "21" and s1[4] == "50.0%" and s1[5] == "7.0"  # 7 days of 6 probes a day
    assert "无法访问" in s1[6]
    assert rows["乙县人民政府"][3] == "0" and "监测不足" in rows["乙县人民政府"][6]
    assert "暂无监测数据" in rows["甲市教育局"][6]
    assert [r[0].split(" ")[0] for r in _rows(doc, "table#availability")][0] == "甲市人民政府"
    alerts = _rows(doc, "table#alerts")
    assert len(alerts) == 2 and {a[2].split(" ")[0] for a in alerts} == {"已发送", "发送失败"}
    op = web.client("op_jia").get("/availability")
    alerts = _rows(_doc(op), "table#alerts")
    assert len(alerts) == 1 and alerts[0][0].startswith("【否决项告警】甲市人民政府")
    assert "乙县" not in _main(op)


# --- evidence --------------------------------------------------------------------------------

FULL_ID = "340404198807152316"
FULL_PHONE = "13912345678"

EVIDENCE = {
    "word": finding("content.error_word", "deduct", "http://c.gov.cn/a1", word="再接再励", suggestion="再接再厉",
                    kind="typo", context="…希望各单位再接再励，<b>巩固</b>已有成果…"),
    "keyword": finding("security.hijack", "veto", "http://c.gov.cn/k", kind="keyword", words=["澳门葡京", "开户送彩金"],
                       detail="出现博彩类违规词", context="…地址：人民路13号 澳门葡京 开户送彩金 金沙…"),
    "hidden": finding("security.hijack", "veto", "http://c.gov.cn/h", kind="hidden_link", technique="offscreen",
                      detail="2 个隐藏链接", target="http://www.pj-casino8.com/", text="澳门葡京",
                      sample=[{"target": "http://www.pj-casino8.com/", "text": "澳门葡京", "technique": "offscreen"},
                              {"target": "http://www.js-yule66.com/", "text": "金沙娱乐", "technique": "offscreen"}]),
    "cloaking": finding("security.hijack", "veto", "http://c.gov.cn/", kind="cloaking", agent="spider",
                        agents=["spider", "referer"], words=["新葡京", "开户送彩金"],
                        new_links=["http://www.pj-casino8.com/yulecheng/"], detail="出现普通访问时没有的违规词",
                        normal_title="甲市教育局", normal_text="教育动态 通知公告 2019年10月19日",
                        spider_title="新葡京_开户送彩金", spider_text="新葡京 开户送彩金 真人视讯"),
    "js": finding("security.hijack", "veto", "http://c.gov.cn/j", kind="js_redirect", technique="document_write",
                  snippet='<div style="display:none"><a href="http://www.hg-bet365x.com/">皇冠现金网</a></div>',
                  detail="document.write 写入到 http://www.hg-bet365x.com/"),
    "tamper": finding("security.hijack", "veto", "http://c.gov.cn/t", kind="tamper", fields=["title"],
                      words=["米乐·体育"], title="米乐·体育(中国)官方网站_甲市教育局"),
    "privacy": finding("privacy.leak", "veto", "http://c.gov.cn/p", kind="id_card", count=2,
                       sample=[FULL_ID, "340422********5197"], attachment=True,
                       note=f"联系人电话 {FULL_PHONE}"),
    "broken": finding("link.broken", "deduct", "http://c.gov.cn/l", target="http://c.gov.cn/down.doc", status=500,
                      referrers=["http://c.gov.cn/l"]),
    "dns": finding("link.broken", "deduct", "http://c.gov.cn/m", target="http://gone.example/", error="dns"),
    "harmful": finding("link.harmful", "veto", "http://c.gov.cn/o", target="http://www.ftwmw.com/", kind="porn",
                       words=["午夜影院"], title="午夜影院-成人视频"),
    "identity": finding("identity.missing", "deduct", "http://c.gov.cn/", item="icp", problem="missing",
                        values={"icp": None, "sponsor": "甲市教育局"}),
}


def _evidence(web) -> dict[str, int]:
    _december(web, list(EVIDENCE.values()))
    b = Builder(web.store)
    subject = f"site:{web.cycle.sites['S3']}"
    ids = {}
    for name, f in EVIDENCE.items():
        needle = {"cloaking": "cloaking", "identity": "icp"}.get(name) or str(f.evidence.get("target") or f.url)
        if f.code == "security.hijack" and name != "cloaking":
            needle = str(f.url)
        ids[name] = b.finding_id(subject, f.code, needle)
    return ids


def test_evidence_page_per_kind(web):
    ids = _evidence(web)
    c = web.client("op_jia")

    def ev(name: str) -> tuple[HTMLParser, str]:
        r = c.get(f"/findings/{ids[name]}")
        doc = _doc(r)
        box = doc.css_first("[data-testid=evidence]")
        assert box is not None
        return box, r.text

    box, html = ev("word")
    assert [m.text() for m in box.css("mark")] == ["再接再励"] and "再接再厉" in box.text()
    assert "<b>巩固</b>" not in html and "&lt;b&gt;巩固&lt;/b&gt;" in html  # escaped, not rendered
    box, _ = ev("keyword")
    assert [m.text() for m in box.css("p.snippet mark")] == ["澳门葡京", "开户送彩金"]
    box, html = ev("hidden")
    pre = box.css_first("pre.markup").text()
    assert '<a href="http://www.pj-casino8.com/">澳门葡京</a>' in pre and "金沙娱乐" in pre
    assert box.css("pre a") == [] and "&lt;a href=" in html
    box, _ = ev("cloaking")
    side = box.css_first(".side-by-side")
    assert side.css_first(".normal-view") is not None and "没有这些违规词" in side.css_first(".normal-view").text()
    spider = side.css_first(".spider-view")
    assert "搜索引擎爬虫、从搜索引擎点入访问" in spider.text()
    assert [m.text() for m in spider.css("mark")] == ["新葡京", "开户送彩金"]
    assert "甲市教育局" in side.css_first(".normal-view").text() and "教育动态 通知公告" in side.css_first(".normal-view").text()
    assert "新葡京_开户送彩金" in spider.text() and "真人视讯" in spider.css_first("pre").text()
    assert "http://www.pj-casino8.com/yulecheng/" in spider.text()
    box, _ = ev("js")
    assert "皇冠现金网</a>" in box.css_first("pre.markup").text()
    box, _ = ev("tamper")
    assert [m.text() for m in box.css("p.snippet mark")] == ["米乐·体育"] and "官方网站_甲市教育局" in box.text()
    box, html = ev("privacy")
    assert FULL_ID not in html and FULL_PHONE not in html
    masked = [x.text() for x in box.css("ul.masked code")]
    assert masked == ["340404********2316", "340422********5197"]
    assert "139****5678" in box.text() and "身份证号" in box.text()
    box, _ = ev("broken")
    assert box.css_first("[data-testid=link-status]").text() == "HTTP 500"
    assert "http://c.gov.cn/down.doc" in box.text()
    box, _ = ev("dns")
    assert box.css_first("[data-testid=link-status]").text() == "域名无法解析"
    box, _ = ev("harmful")
    assert "色情" in box.text() and [m.text() for m in box.css("mark")] == ["午夜影院"]
    box, _ = ev("identity")
    table = {r.css_first("th").text(): r.css_first("td").text() for r in box.css("table.evidence-table tbody tr")}
    assert table["item"] == "icp" and table["problem"] == "missing" and '"sponsor": "甲市教育局"' in table["values"]


def test_evidence_scope_and_review_history(web):
    F = web.cycle.findings
    sup = web.client("sup")
    doc = _doc(sup.get(f"/findings/{F['stale']}"))
    acts = _rows(doc, "table#review-history")
    assert [a[1:3] for a in acts] == [["确认", "张三"]]
    z = _rows(_doc(sup.get(f"/findings/{F['z']}")), "table#review-history")
    assert z[0][1] == "排除" and z[0][3] == "该链接为内网系统入口，外网不可达属正常"
    op = web.client("op_jia")
    _refused(op.get(f"/findings/{F['stale']}"), 403, "该网站不属于您所在的单位")
    assert "乙县人民政府" not in op.get(f"/findings/{F['stale']}").text
    assert op.get(f"/findings/{F['x']}").status_code == 200
    _refused(op.get("/findings/99999"), 404, "没有编号为 99999 的问题")


# --- pure helpers ----------------------------------------------------------------------------


def test_mask_numbers_never_leaves_a_full_number():
    text = (f"身份证 {FULL_ID}、34040419880715231X，手机 {FULL_PHONE}，卡号 6217000012345678901 和 "
            "6230 1234 5678 1271；已遮盖 186****8162 保持；日期 20191020、标识码 3404000001 不变")
    out = mask_numbers(text)
    assert "340404********2316" in out and "340404********231X" in out
    assert "139****5678" in out and "6217********8901" in out and "6230 **** **** 1271" in out
    assert "186****8162" in out and "20191020" in out and "3404000001" in out
    assert not re.search(r"\d{11,}", out.replace(" ", "").replace("20191020", ""))
    assert mask_all({"a": [FULL_PHONE, {"b": FULL_ID}], "n": 3}) == {
        "a": ["139****5678", {"b": "340404********2316"}], "n": 3}
    assert highlight("甲乙甲", ["甲"]) == [("甲", True), ("乙", False), ("甲", True)]
