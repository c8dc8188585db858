"""The services check's label pre-test skips only pages whose guide cannot matter (issue 13)."""

from __future__ import annotations

import random
import re

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


def _labels_plainly(text: str) -> bool:
    """``_no_guide_labels`` as first written: each label looked for in the whole text."""
    if any(label in text for label in services._NAME_LABELS):
        return False
    return sum(any(label in text for label in labels) for labels in services._ELEMENT_GROUPS) <= 1


@pytest.mark.parametrize("every_position", [False, True])
def test_the_label_tail_pass_answers_as_a_search_for_every_label(monkeypatch: pytest.MonkeyPatch,
                                                                   every_position: bool) -> None:
    if every_position:  # the pattern used should a label's two characters before its end be a tail
        monkeypatch.setattr(services, "_LABEL_TAIL", re.compile(f"(?=({services._TAILS}))"))
    else:
        assert services._LABEL_TAIL.pattern == f"({services._TAILS})"
    rnd = random.Random(13)
    labels = [x for group in (services._NAME_LABELS, *services._ELEMENT_GROUPS) for x in group]
    # tails that overlap (流程序: 流程 and 程序), labels cut short, labels inside labels
    pieces = [*labels, *_PIECES, "流", "程", "序", "办理流程序", "审批流程序", "申请材料目录", "是否收费标准", "名称", "事项"]
    answers = set()
    for _ in range(8000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 5)))
        want = _labels_plainly(text)
        assert services._no_guide_labels(Page(url="http://a.gov.cn/", text=text), None) is want, text
        answers.add(want)
    assert answers == {True, False}
    assert not services._no_guide_labels(Page(url="http://a.gov.cn/", text="审批流程序；设定依据"), None)
    assert not services._no_guide_labels(Page(url="http://a.gov.cn/", text="实施事项名称"), None)
    assert services._no_guide_labels(Page(url="http://a.gov.cn/", text="办理流程序 办理程序 联系"), None)


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
