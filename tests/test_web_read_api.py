"""The read API (/api/v1 sites, accounts, findings, verdicts, periods): shapes, filters and unit scope."""

from __future__ import annotations

from .web_support import PASSWORD


def _ok(r) -> object:
    assert r.status_code == 200, (r.status_code, r.text[:300])
    return r.json()


def _error(r, status: int, words: str) -> None:
    assert r.status_code == status, (r.status_code, r.text[:300])
    body = r.json()
    assert list(body) == ["error"] and words in body["error"]


def test_sites_and_one_site(web):
    S = web.cycle.sites
    c = web.client("sup")
    sites = _ok(c.get("/api/v1/sites"))
    assert {s["name"] for s in sites} == {"甲市人民政府", "乙县人民政府", "甲市教育局", "甲市卫健委"}
    s2 = next(s for s in sites if s["id"] == S["S2"])
    assert s2 == {"id": S["S2"], "name": "乙县人民政府", "url": "http://b.gov.cn/", "unit": "乙县", "level": "county",
                  "level_label": "区县网站", "site_code": None, "archived": False, "verdict": "pass",
                  "verdict_label": "合格", "score": 100.0, "period": "2019-11", "veto_reasons": [], "open_problems": 0}
    assert len(_ok(c.get("/api/v1/sites", params={"archived": "true"}))) == 5
    assert [s["name"] for s in _ok(c.get("/api/v1/sites", params={"level": "county"}))] == ["乙县人民政府"]
    assert [s["name"] for s in _ok(c.get("/api/v1/sites", params={"unit": "乙县"}))] == ["乙县人民政府"]
    _error(c.get("/api/v1/sites", params={"verdict": "bad"}), 422, "检查结果取值错误")
    one = _ok(c.get(f"/api/v1/sites/{S['S2']}"))
    assert [h["period"] for h in one["history"]] == ["2019-08", "2019-09", "2019-10", "2019-11"]
    oct_ = one["history"][2]
    assert oct_["verdict"] == "veto" and oct_["verdict_label"] == "单项否决" and oct_["problems"] == 1
    _error(c.get("/api/v1/sites/99999"), 404, "没有编号为 99999 的网站")
    _error(c.get("/api/v1/sites/abc"), 422, "site_id")


def test_accounts_and_one_account(web):
    A = web.cycle.accounts
    c = web.client("sup")
    accounts = {(a["name"], a["platform"]): a for a in _ok(c.get("/api/v1/accounts"))}
    a3 = accounts[("乙县发布", "wechat")]
    assert a3["closed"] and a3["closed_label"] == "已整合" and a3["closed_on"] == "2019-10-08"
    assert a3["verdict"] == "closed" and accounts[("老账号", "wechat")]["closed_label"] == "已关停"
    assert accounts[("甲市发布", "weibo")]["verdict"] == "pass"
    weibo = _ok(c.get("/api/v1/accounts", params={"platform": "weibo"}))
    assert [(a["name"], a["platform_label"]) for a in weibo] == [("甲市发布", "微博")]
    one = _ok(c.get(f"/api/v1/accounts/{A['A2']}"))
    assert [h["verdict_label"] for h in one["history"]] == ["不合格", "不合格", "不合格", "合格"]
    _error(c.get("/api/v1/accounts", params={"platform": "qq"}), 422, "平台取值错误")


def test_findings_filters_and_one_finding(web):
    S, A, F = web.cycle.sites, web.cycle.accounts, web.cycle.findings
    c = web.client("sup")
    assert _ok(c.get("/api/v1/findings")) == []  # 2019-11 resolved everything
    everything = _ok(c.get("/api/v1/findings", params={"status": "all"}))
    assert {f["id"] for f in everything} >= set(F.values())
    s1 = _ok(c.get("/api/v1/findings", params={"site_id": S["S1"], "status": "all"}))
    assert {f["id"] for f in s1} == {F["x"], F["y"], F["z"], F["w"], F["unreachable"]}
    broken = _ok(c.get("/api/v1/findings", params={"site_id": S["S1"], "status": "all", "code": "link.broken"}))
    assert {f["evidence"]["target"] for f in broken} == {"http://a.gov.cn/x", "http://a.gov.cn/y", "http://a.gov.cn/z"}
    a2 = _ok(c.get("/api/v1/findings", params={"account_id": A["A2"], "status": "all"}))
    assert [f["code"] for f in a2] == ["newmedia.stale"] and a2[0]["subject"] == f"account:{A['A2']}"
    oct_ = _ok(c.get("/api/v1/findings", params={"period": "2019-10", "status": "all"}))
    assert F["stale"] in {f["id"] for f in oct_} and F["x"] not in {f["id"] for f in oct_}
    stale = _ok(c.get(f"/api/v1/findings/{F['stale']}"))
    assert stale["subject_name"] == "乙县人民政府" and stale["code_label"] == "栏目应更未更"
    assert stale["review"] == "confirmed" and stale["status"] == "resolved" and stale["first_seen"] == "2019-08-20"
    _error(c.get("/api/v1/findings", params={"code": "no.such"}), 422, "未知问题代码")
    _error(c.get("/api/v1/findings", params={"status": "closed"}), 422, "status 取值错误")
    _error(c.get("/api/v1/findings", params={"period": "2019-1"}), 422, "期次格式错误")
    _error(c.get("/api/v1/findings", params={"period": "2018-01"}), 404, "没有已完成的检查")
    _error(c.get("/api/v1/findings/99999"), 404, "没有编号为 99999 的问题")


def test_verdicts_and_periods(web):
    S = web.cycle.sites
    c = web.client("sup")
    assert _ok(c.get("/api/v1/periods")) == {"periods": ["2019-08", "2019-09", "2019-10", "2019-11"],
                                             "latest": "2019-11"}
    v = _ok(c.get("/api/v1/verdicts", params={"period": "2019-10"}))
    assert v["period"] == "2019-10" and v["as_of"] == "2019-10-20" and v["site_pass_rate"] == 0.0
    assert v["sites"] == {"registered": 4, "checked": 4, "passed": 0, "failed": 4, "rate": 0.0}
    sites = {x["name"]: x for x in v["verdicts"] if x["kind"] == "site"}
    assert sites["乙县人民政府"]["verdict"] == "veto" and sites["乙县人民政府"]["verdict_label"] == "单项否决"
    assert sites["乙县人民政府"]["reasons"] == ["column.stale"] and sites["乙县人民政府"]["reason_labels"] == ["栏目应更未更"]
    assert sites["甲市教育局"]["verdict"] == "fail" and sites["乙县人民政府"]["id"] == S["S2"]
    accounts = {(x["name"], x["where"]): x["verdict"] for x in v["verdicts"] if x["kind"] == "account"}
    assert accounts == {("甲市发布", "wechat"): "fail", ("甲市发布", "weibo"): "fail", ("乙县发布", "wechat"): "pass"}
    latest = _ok(c.get("/api/v1/verdicts"))
    assert latest["period"] == "2019-11" and latest["site_pass_rate"] == 1.0
    sep = _ok(c.get("/api/v1/verdicts", params={"period": "2019-09"}))
    assert {x["name"] for x in sep["verdicts"] if x["kind"] == "site"} == {"甲市人民政府", "乙县人民政府", "甲市教育局",
                                                                          "甲市卫健委"}  # S1 from the newer r3
    _error(c.get("/api/v1/verdicts", params={"period": "2020-01"}), 404, "没有已完成的检查")


def test_an_operator_reads_only_their_unit(web):
    S, A, F = web.cycle.sites, web.cycle.accounts, web.cycle.findings
    token = _ok(web.client().post("/api/v1/session", json={"name": "op_jia", "password": PASSWORD}))["token"]
    c = web.client()
    c.headers["Authorization"] = f"Bearer {token}"
    assert {s["name"] for s in _ok(c.get("/api/v1/sites", params={"archived": "true"}))} == {
        "甲市人民政府", "甲市教育局", "甲市卫健委", "旧专题网站"}
    assert {a["name"] for a in _ok(c.get("/api/v1/accounts"))} == {"甲市发布"}
    findings = _ok(c.get("/api/v1/findings", params={"status": "all"}))
    assert findings and all(f["unit"] == "甲市" for f in findings)
    assert F["stale"] not in {f["id"] for f in findings}
    v = _ok(c.get("/api/v1/verdicts", params={"period": "2019-10"}))
    assert {x["name"] for x in v["verdicts"]} == {"甲市人民政府", "甲市教育局", "甲市卫健委", "甲市发布"}
    assert v["sites"]["registered"] == 3 and "乙县" not in str(v)
    for url in (f"/api/v1/sites/{S['S2']}", f"/api/v1/accounts/{A['A3']}", f"/api/v1/findings/{F['stale']}"):
        _error(c.get(url), 403, "不属于您所在的单位")
    _error(c.get("/api/v1/findings", params={"site_id": S["S2"]}), 403, "该网站不属于您所在的单位")
    _error(c.get("/api/v1/findings", params={"account_id": A["A4"]}), 403, "该账号不属于您所在的单位")
    _error(c.get("/api/v1/sites", params={"unit": "乙县"}), 403, "没有可查看的单位")
    assert _ok(c.get(f"/api/v1/findings/{F['x']}"))["subject_name"] == "甲市人民政府"
    _error(web.client().get("/api/v1/sites"), 401, "请先登录")


def test_openapi_documents_the_read_api(web):
    doc = _ok(web.client().get("/api/v1/openapi.json"))
    for path in ("/api/v1/sites", "/api/v1/sites/{site_id}", "/api/v1/accounts", "/api/v1/accounts/{account_id}",
                 "/api/v1/findings", "/api/v1/findings/{finding_id}", "/api/v1/verdicts", "/api/v1/periods"):
        get = doc["paths"][path]["get"]
        assert "200" in get["responses"] and "401" in get["responses"], path
        if path != "/api/v1/periods":
            assert {"403", "404", "422"} <= set(get["responses"]), path
    assert "SiteDetail" in doc["components"]["schemas"] and "VerdictsOut" in doc["components"]["schemas"]
