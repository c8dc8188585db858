"""The result model: enums, account and scan results, probe records, and stable finding keys."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from govinspect import service
from govinspect.codes import CODES, KEY_FIELDS
from govinspect.model import (
    AccountResult,
    ErrorKind,
    Finding,
    LinkStatus,
    ProbeRecord,
    ScanResult,
    Severity,
    SiteResult,
    Verdict,
)

ACCOUNT_KEYS = [
    "name", "platform", "unit", "platform_id", "official_matrix", "status", "source", "verdict",
    "verdict_label", "checked", "last_post", "days_since_post", "posts_30d", "posts_read", "dates_skipped",
    "truncated", "messages", "summary", "findings",
]


def f(code: str, url: str | None = "http://a.gov.cn/", severity: str = "deduct", **evidence: object) -> Finding:
    return Finding(code, severity, url, "问题", dict(evidence))


# --- enums and result classes


def test_severity_is_normalised_and_prints_as_a_plain_string():
    finding = f("column.empty", severity="deduct", column="工作动态")
    assert finding.severity is Severity.DEDUCT and finding.severity == "deduct"
    d = finding.to_dict()
    assert type(d["severity"]) is str and d["severity"] == "deduct"
    assert json.loads(json.dumps(d))["severity"] == "deduct"
    assert d["key"] == finding.key()
    with pytest.raises(ValueError):
        f("column.empty", severity="fatal")


def test_error_kinds_cover_what_the_crawl_writes():
    assert LinkStatus("http://a/x", error=ErrorKind.TRAP).broken is False
    assert LinkStatus("http://a/x", error="timeout").broken is True
    assert {"timeout", "dns", "too_large", "robots", "not_html"} <= {k.value for k in ErrorKind}


def test_account_result_prints_the_contract_object():
    veto = f("newmedia.stale", None, "veto", last_post="2019-09-30", days=20)
    acc = AccountResult(name="淮南发布", platform="weibo", unit="淮南市", platform_id=None, official_matrix=None,
                        status="active", source="rss", verdict="fail", verdict_label="单项否决", checked=True,
                        last_post="2019-09-30", days_since_post=20, posts_30d=0, posts_read=4, summary="超过2周未更新",
                        findings=[veto])
    assert acc.verdict is Verdict.FAIL and acc.vetoed
    d = acc.to_dict()
    assert list(d) == ACCOUNT_KEYS
    assert d["verdict"] == "fail" and type(d["verdict"]) is str
    assert d["findings"][0]["evidence"] == {"last_post": "2019-09-30", "days": 20}
    closed = AccountResult(name="旧号", platform="douyin", unit=None, platform_id=None, official_matrix=None,
                           status="closed", source="rss", verdict_label="已关停", summary="已关停",
                           closed=True, closed_on="2019-08-21")
    cd = closed.to_dict()
    assert list(cd) == [*ACCOUNT_KEYS[:10], "closed_on", *ACCOUNT_KEYS[10:]]
    assert cd["closed_on"] == "2019-08-21" and not closed.vetoed


def test_scan_result_lives_in_the_model_and_prints_typed_parts():
    assert service.ScanResult is ScanResult
    site = SiteResult(name="某县", url="http://a.gov.cn/", verdict=Verdict.PASS, vetoed=False, score=100.0,
                      pages_crawled=3, findings=[f("link.broken", target="http://a.gov.cn/x")])
    acc = AccountResult(name="号", platform="wechat", unit=None, platform_id=None, official_matrix=None,
                        status=None, source="file")
    d = json.loads(json.dumps(ScanResult(as_of=date(2019, 10, 20), sites=[site], accounts=[acc]).to_dict()))
    assert d["sites"][0]["verdict"] == "pass" and d["accounts"][0]["verdict"] == "pass"
    assert d["sites"][0]["findings"][0]["key"] == "link.broken|target=http://a.gov.cn/x"


def test_probe_record():
    at = datetime(2019, 10, 20, 8, 0, tzinfo=UTC)
    assert ProbeRecord("http://a.gov.cn/", at, status=200, latency_ms=120).ok
    down = ProbeRecord("http://a.gov.cn/", at, error=ErrorKind.TIMEOUT)
    assert not down.ok and down.error == "timeout" and not down.control


# --- finding keys


def test_every_code_has_a_key_rule():
    assert set(KEY_FIELDS) == set(CODES)


def test_link_keys_name_the_target_not_the_referring_page():
    a = f("link.broken", "http://a.gov.cn/xwdt/1.html", target="http://a.gov.cn/dead.html", referrer_count=3,
          referrers=["http://a.gov.cn/xwdt/1.html"], status=404)
    b = f("link.broken", "http://a.gov.cn/", target="http://a.gov.cn/dead.html", referrer_count=9,
          referrers=["http://a.gov.cn/"], on_home=True, status=500)
    assert a.key() == b.key() == "link.broken|target=http://a.gov.cn/dead.html"
    assert a.key() != f("link.broken", target="http://a.gov.cn/other.html").key()
    h1 = f("link.harmful", "http://a.gov.cn/yqlj.html", "veto", target="http://spam.example/", score=0.9)
    h2 = f("link.harmful", "http://a.gov.cn/", "veto", target="http://spam.example/", score=0.7, words=["博彩"])
    assert h1.key() == h2.key() and "yqlj" not in h1.key()


def test_column_keys_hold_the_column_not_the_days():
    one = f("column.stale", "http://a.gov.cn/xwdt/", column="工作动态", category="news",
            last_update="2019-09-20", days=31)
    later = f("column.stale", "http://a.gov.cn/xwdt/", column="工作动态", category="news",
              last_update="2019-08-01", days=80)
    assert one.key() == later.key() == "column.stale|url=http://a.gov.cn/xwdt/|column=工作动态"
    assert one.key() != f("column.stale", "http://a.gov.cn/tzgg/", column="通知公告").key()
    assert f("column.required_missing", column="政府信息公开").key() == "column.required_missing|column=政府信息公开"


def test_page_keys_hold_the_page_and_what_is_on_it():
    w1 = f("content.error_word", "http://a.gov.cn/a.html", word="中华人名共和国", count=1, context="...")
    w2 = f("content.error_word", "http://a.gov.cn/a.html", word="中华人名共和国", count=4, context="…")
    assert w1.key() == w2.key() != f("content.error_word", "http://a.gov.cn/b.html", word="中华人名共和国").key()
    assert w1.key() != f("content.error_word", "http://a.gov.cn/a.html", word="其它词").key()
    h1 = f("security.hijack", "http://a.gov.cn/a.html", "veto", kind="hidden_link", count=2, pages_total=7)
    h2 = f("security.hijack", "http://a.gov.cn/a.html", "veto", kind="hidden_link", count=5)
    assert h1.key() == h2.key() != f("security.hijack", "http://a.gov.cn/a.html", "veto", kind="keyword").key()
    p1 = f("privacy.leak", "http://a.gov.cn/gs.xls", "veto", kind="id_card", count=3, sample=["3401**"])
    assert p1.key() == "privacy.leak|url=http://a.gov.cn/gs.xls|kind=id_card"
    # The URL is normalised: a default port and fragment never make a new problem.
    assert f("policy.interpretation_weak", "http://a.gov.cn:80/jd/1.html#top").key() == \
        f("policy.interpretation_weak", "http://a.gov.cn/jd/1.html").key()


def test_site_wide_keys_do_not_depend_on_the_home_url():
    assert f("home.stale", "http://a.gov.cn/", days=40).key() == f("home.stale", "https://a.gov.cn/index.html",
                                                                  days=41).key() == "home.stale"
    assert f("identity.missing", item="site_code", problem="missing").key() == "identity.missing|item=site_code"
    assert f("transport.no_ipv6", detail="x").key() == "transport.no_ipv6"


def test_message_and_service_keys():
    m1 = f("interaction.unanswered", "http://a.gov.cn/hdjl/list.html", "veto", title="噪音扰民", received="2019-05-01",
           days=172, working_days=120)
    m2 = f("interaction.unanswered", "http://a.gov.cn/hdjl/list_2.html", "veto", title="噪音扰民",
           received="2019-05-01", days=200, working_days=140)
    assert m1.key() == m2.key()
    s1 = f("service.guide_incomplete", "http://a.gov.cn/bs/1.html", item="护照办理", element="materials")
    assert s1.key() != f("service.guide_incomplete", "http://a.gov.cn/bs/1.html", item="护照办理",
                         element="fees").key()
    assert f("service.no_guide", "http://a.gov.cn/bs/", item="护照办理", reason="no_link").key() == \
        f("service.no_guide", "http://a.gov.cn/bs/p.html", item="护照办理", reason="no_guide_on_page").key()


def test_notices_that_could_not_check_have_their_own_keys():
    stale = f("newmedia.stale", None, "veto", last_post="2019-09-30", days=20)
    unread = f("newmedia.stale", None, "notice", error="timeout")
    unread_dns = f("newmedia.stale", None, "notice", error="dns")
    assert stale.key() == "newmedia.stale" and unread.key() == unread_dns.key() == "newmedia.stale|unchecked"
    rest = f("interaction.unanswered", "http://a.gov.cn/hdjl/", "notice", omitted=12)
    assert rest.key() == f("interaction.unanswered", "http://a.gov.cn/hdjl/", "notice", omitted=3).key()
    # crawl.incomplete: what was not checked, without the figures of one run.
    t1 = f("crawl.incomplete", severity="notice", error="页面数达到上限 5000")
    t2 = f("crawl.incomplete", severity="notice", error="页面数达到上限 3000")
    assert t1.key() == t2.key() != f("crawl.incomplete", severity="notice", check="hijack", error="x").key()
    s1 = f("crawl.incomplete", "http://a.gov.cn/a.html", "notice", error="script sandbox: time", script=2)
    s2 = f("crawl.incomplete", "http://a.gov.cn/a.html", "notice", error="script sandbox: time", script=3)
    assert s1.key() != s2.key() and "page=http://a.gov.cn/a.html" in s1.key()
    # Notices listing sample pages: the first sample is not part of the key.
    g1 = f("crawl.incomplete", "http://a.gov.cn/1.html", "notice", error="encoding", samples=[{"url": "1"}])
    g2 = f("crawl.incomplete", "http://a.gov.cn/9.html", "notice", error="encoding", samples=[{"url": "9"}])
    assert g1.key() == g2.key() == "crawl.incomplete|error=encoding"
    # One notice per service list: the list page is the place.
    l1 = f("crawl.incomplete", "http://a.gov.cn/bs/1/", "notice", check="services", error="办事事项没有链接", items=3)
    l2 = f("crawl.incomplete", "http://a.gov.cn/bs/2/", "notice", check="services", error="办事事项没有链接", items=3)
    assert l1.key() != l2.key()


def test_keys_never_hold_counts_or_days():
    for code in CODES:
        base = f(code, "http://a.gov.cn/p.html", "deduct", column="栏目", target="http://b/", word="词", kind="k",
                 item="i", title="t", query="q")
        moved = f(code, "http://a.gov.cn/p.html", "deduct", column="栏目", target="http://b/", word="词", kind="k",
                  item="i", title="t", query="q", days=99, count=7, last_update="2019-01-01", referrer_count=5,
                  pages_total=8, posts=1, score=0.5)
        assert base.key() == moved.key(), code
        assert base.key().startswith(code)
