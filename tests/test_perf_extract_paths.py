"""Fast paths of page extraction give the slow paths' results (issue 13)."""

from __future__ import annotations

import random
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from selectolax.lexbor import LexborHTMLParser

from govinspect.extract import guides, messages
from govinspect.extract.dates import _FULLWIDTH, normalize
from govinspect.extract.html import extract_page
from govinspect.extract.links import collapse
from govinspect.model import Page

_SAMPLES = [
    "",
    "plain ascii 2019-10-08",
    "关于开展2019年度工作的通知",
    "发布时间：２０１９－１０－０８　来源：【县政府办】〔2019〕12号",
    "ＡＢＣ，ｘｙｚ！？（）\u00a0\u2014\u2013\u2010〖〗",
    "emoji 😀 and 𠀀 beside ：，",
    "\uff01\uff5e\uff5f\uff00\u3001\u3002",  # the table's edges and neighbours outside it
]


def _random_texts(n: int) -> list[str]:
    rng = random.Random(13)
    pool = [chr(cp) for cp in _FULLWIDTH] + list("abc 123-[]通知公告年月日。、\u3002\U00020000")
    return ["".join(rng.choice(pool) for _ in range(rng.randint(0, 80))) for _ in range(n)]


@pytest.mark.parametrize("text", _SAMPLES + _random_texts(200))
def test_normalize_matches_translate(text: str) -> None:
    expected = text.translate(_FULLWIDTH)
    assert normalize(text) == expected
    assert len(normalize(text)) == len(text)


def test_normalize_maps_every_table_character() -> None:
    text = "".join(chr(cp) for cp in _FULLWIDTH)
    assert normalize(text) == text.translate(_FULLWIDTH)
    assert normalize(text).isascii()


# --- guides and message boards: substring pre-tests and the lookahead before the label patterns

_FIXTURES = Path(__file__).parent / "fixtures"
_HTML = sorted(_FIXTURES.rglob("*.htm*"))
_EXTRA = {"basis": ["政策来源"], "phone": ("咨询热线",)}


def _visible_text(path: Path) -> str:
    tree = LexborHTMLParser(path.read_bytes().decode("utf-8", "replace"))
    tree.strip_tags(["script", "style", "noscript", "template"])
    root = tree.body or tree.root
    return collapse(root.text(separator=" ")) if root is not None else ""


_TEXTS = [_visible_text(p) for p in _HTML] + [
    "",
    "设定依据：《某某条例》 申请条件：无 办理地点：政务大厅 联系电话：12345",
    "【申请材料】身份证 【办理时限】5个工作日 版权所有 联系电话：0551-1234567",
    "政策来源：某文件 咨询热线：12345 办理流程：窗口受理",
    "留言时间：2019-10-01 答复单位：县政府办 答复时间：2019-10-05 答复内容：已办理。",
    "关于开展2019年度工作的通知 2019-10-08",
]


def _slow_guide_pattern(extra: Any) -> re.Pattern[str]:
    """The guide label pattern as written before the lookahead was added."""
    owner = guides._pattern(extra)[1]
    alts = "|".join(re.escape(x) for x in sorted(owner, key=len, reverse=True))
    return re.compile(f"{guides._BEFORE}[【\\[]?(?P<label>{alts}){guides._AFTER}")


@pytest.mark.parametrize("extra", [None, _EXTRA])
def test_guide_pattern_lookahead_finds_the_same_labels(extra: Any) -> None:
    fast, slow = guides._pattern(extra)[0], _slow_guide_pattern(extra)
    assert fast.pattern != slow.pattern
    for text in _TEXTS:
        norm = normalize(text)
        assert [m.span() for m in fast.finditer(norm)] == [m.span() for m in slow.finditer(norm)]


@pytest.mark.parametrize("extra", [None, _EXTRA])
def test_guide_pretest_gives_the_full_reading(extra: Any) -> None:
    found = 0
    for text in _TEXTS:
        full = guides._parse(normalize(text), extra)  # the pattern on every page, no pre-test
        fast = guides.parse_guide_text(text, extra)
        assert (fast.fields, fast.labels) == (full.fields, full.labels)
        assert guides._elements_in(normalize(text), extra, 99) >= len(full.labels)
        found += bool(full.labels)
    assert found >= 5  # the sample has guides, not only pages without labels


def test_guide_fields_pretest_on_fixture_pages() -> None:
    found = 0
    for path in _HTML:
        html = path.read_bytes().decode("utf-8", "replace")
        page = Page(url="http://example.gov.cn/a.html", final_url="http://example.gov.cn/a.html", status=200)
        extract_page(page, html, date(2019, 10, 20))
        slow = _guide_fields_without_pretest(LexborHTMLParser(html), page)
        assert page.guide == slow
        found += bool(slow)
    assert found >= 3


def _guide_fields_without_pretest(tree: LexborHTMLParser, page: Page) -> dict[str, str]:
    """guide_fields as it read before the substring pre-test."""
    tree.strip_tags(["script", "style", "noscript", "template"])
    text_guide = guides._parse(normalize(page.text), None)
    if len(text_guide.labels) < 2:
        return {}
    fields = guides._cell_pairs(tree, None, None)
    for element, value in text_guide.fields.items():
        if element not in fields or not guides._present(fields[element]):
            fields[element] = value
    probe = guides.Guide(fields, set(fields) | text_guide.labels)
    return fields if guides.is_guide(probe, page.title) else {}


def test_message_label_lookahead_finds_the_same_labels() -> None:
    pattern, owner = messages._DEFAULT
    alts = "|".join(re.escape(x) for x in sorted(owner, key=len, reverse=True))
    slow = re.compile(rf"(?:^|(?<=[\s、:：;；。|\]】)]))(?P<label>{alts})\s*[:：]?")
    assert pattern.pattern != slow.pattern
    for text in _TEXTS:
        norm = normalize(text)
        assert [m.span() for m in pattern.finditer(norm)] == [m.span() for m in slow.finditer(norm)]


@pytest.mark.parametrize("overrides", [{}, {"received_labels": ["来件时间"]}])
def test_message_cue_pretest_agrees_with_the_regexes(overrides: dict[str, Any]) -> None:
    cued = 0
    for text in _TEXTS + ["来件时间：2019-10-01", "状态：已回复"]:
        norm = normalize(text)
        slow = bool(messages._STATUS.search(norm) or messages._pattern(overrides)[0].search(norm))
        assert messages._has_cue(norm, overrides) == slow
        cued += slow
    assert cued >= 3
