"""The services check's label pre-test skips only pages whose guide cannot matter (issue 13)."""

from __future__ import annotations

import random

import pytest

from govinspect.checks import Context, run_checks, services
from govinspect.extract.guides import ELEMENT_LABELS, STOP_LABELS, parse_guide_text
from govinspect.model import Page
from govinspect.rules import load_rules

from .checks_support import AS_OF, SITE
from .test_checks_services import TRUTH, scenario_snapshot

_PIECES = [
    *(label for labels in ELEMENT_LABELS.values() for label in labels), *STOP_LABELS,
    "：", ":", " ", "\n", "一、", "（二）", "【", "】", "《行政许可法》第十二条", "工作日 9:00-17:00", "0554-6600017",
    "主办单位：寿县人民政府", "关于做好秋季防火工作的通知", "详见附件", "无", "申请", "材料", "办理", "地点",
]  # fmt: skip


def test_pages_that_skip_the_parser_have_no_guide_that_matters() -> None:
    rnd = random.Random(5)
    skipped = parsed = 0
    for _ in range(6000):
        text = "".join(rnd.choice(_PIECES) for _ in range(rnd.randint(0, 6)))
        if services._no_guide_labels(Page(url="http://a.gov.cn/", text=text), None):
            guide = parse_guide_text(text)
            assert "name" not in guide.labels and len(guide.labels) <= 1, text
            skipped += 1
        else:
            parsed += 1
    assert skipped > 500 and parsed > 500


def test_stored_guides_and_registry_labels_always_take_the_parser() -> None:
    page = Page(url="http://a.gov.cn/", text="关于做好秋季防火工作的通知")
    assert services._no_guide_labels(page, None)
    assert not services._no_guide_labels(page, {"basis": ["办事依据"]})
    page.guide = {"basis": "《行政许可法》"}
    assert not services._no_guide_labels(page, None)


@pytest.mark.parametrize("scenario", sorted(TRUTH["scenarios"]))
def test_findings_with_and_without_the_pre_test(monkeypatch: pytest.MonkeyPatch, scenario: str) -> None:
    ctx = Context(as_of=AS_OF, rules=load_rules(None), site=SITE)
    fast = run_checks(scenario_snapshot(TRUTH["scenarios"][scenario]), ctx, ("services",))
    monkeypatch.setattr(services, "_no_guide_labels", lambda page, extra: False)
    plain = run_checks(scenario_snapshot(TRUTH["scenarios"][scenario]), ctx, ("services",))
    assert [(f.code, f.severity, f.url, f.message, f.evidence) for f in fast] == [
        (f.code, f.severity, f.url, f.message, f.evidence) for f in plain
    ]
    assert plain
