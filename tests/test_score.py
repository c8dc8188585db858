"""Scores and verdicts from findings and the rule set."""

from __future__ import annotations

from govinspect.model import Finding
from govinspect.rules import load_rules
from govinspect.score import verdict

RULES = load_rules()


def f(code: str, severity: str = "deduct", **evidence) -> Finding:
    return Finding(code, severity, "http://x.gov.cn/", "问题", evidence)


def test_clean_site_passes_with_100():
    v = verdict([], RULES)
    assert v["verdict"] == "pass" and v["score"] == 100 and v["verdict_label"] == "合格"


def test_veto_fails_whatever_the_score():
    v = verdict([f("home.stale", "veto")], RULES)
    assert v["verdict"] == "fail" and v["vetoed"] and v["verdict_label"] == "单项否决"
    assert v["veto_reasons"] == ["home.stale"]


def test_broken_links_home_one_point_others_a_tenth_capped():
    found = [f("link.broken", on_home=True)] * 3 + [f("link.broken", on_home=False)] * 5
    assert verdict(found, RULES)["score"] == 100 - 3 - 0.5
    many = [f("link.broken", on_home=True)] * 50
    assert verdict(many, RULES)["score"] == 90  # the item never loses more than its 10 points


def test_deductions_below_60_fail():
    found = [f("column.stale")] * 10 + [f("column.empty")] * 4 + [f("link.broken", on_home=True)] * 12
    v = verdict(found, RULES)
    assert v["score"] == 100 - 20 - 8 - 10
    assert v["verdict"] == "pass"
    rules = RULES.model_copy(update={"verdict": RULES.verdict.model_copy(update={"pass_score": 70})})
    v = verdict(found, rules)
    assert v["verdict"] == "fail" and v["verdict_label"] == "不合格" and not v["vetoed"]


def test_notices_cost_nothing():
    assert verdict([f("crawl.incomplete", "notice")], RULES)["score"] == 100


def test_near_veto_reports_distance():
    found = [f("column.stale", category="news")] * 4
    [near] = verdict(found, RULES)["near_veto"]
    assert near == {"item": "动态、通知公告、政策文件类栏目未更新", "count": 4, "threshold": 5}
