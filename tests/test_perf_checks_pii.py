"""The fast paths of pii.scan_text give the hits of the plain scan (issue 13).

The plain scan is the code before the speed-up: the text always translated, the three
patterns with their lookbehinds in front, every pattern run from the start of the text.
"""

from __future__ import annotations

import random
import re
from datetime import date

import pytest

from govinspect.checks import pii

_PLAIN = {
    "_ID_RE": re.compile(r"(?<!\d)(?<!\d\.)\d{17}[\dXx](?!\d)(?!\.\d)", re.ASCII),
    "_CARD_RE": re.compile(
        r"(?<![\dA-Za-z])(?<!\d\.)\d{16,19}(?![\dA-Za-z])(?!\.\d)"
        r"|(?<![\dA-Za-z][- ])(?<![\dA-Za-z])\d{4}(?P<s>[- ])\d{4}(?P=s)\d{4}(?P=s)\d{4}(?:(?P=s)\d{1,3})?"
        r"(?![- ]?[\dA-Za-z])",
        re.ASCII,
    ),
    "_PHONE_RE": re.compile(
        r"(?<![\dA-Za-z_])(?<!\d[-.])(?:(?:\+|00)?86[- ]?)?(?P<a>" + pii._MOBILE_PREFIX
        + r")(?P<s>[- ]?)(?P<b>\d{4})(?P=s)(?P<c>\d{4})(?![\dA-Za-z_])(?![-.]\d)",
        re.ASCII,
    ),
    "_GATE": re.compile(""),  # always "found" at 0: scan everything
    "_WIDE": re.compile(""),  # always translate
}
TODAY = date(2019, 10, 20)
# Numbers that are valid (an ID, a UnionPay card, a mobile) and pieces that sit around them.
_NUMBERS = [
    "11010519491231002X",
    "340403199001011239",
    "6222021234567890128",
    "6222 0212 3456 7890 128",
    "13805541234",
    "138-0554-1234",
    "138 0554 1234",
    "+86 13805541234",
    "0086-13805541234",
    "0086-138-0554-1234",
    "+86 138 0554 1234",
    "１３８０５５４１２３４",
    "６２２２０２１２３４５６７８９０１２８",
    "0554-6600017",
    "3404220001",
    "34042202000088",
    "20191020",
    "2019-10-20",
    "1380554123",
    "62220212345678901",
]
_PIECES = [
    "0",
    "1",
    "7",
    "9",
    "-",
    " ",
    ".",
    "X",
    "x",
    "a",
    "_",
    "+",
    "/",
    "=",
    "?",
    "：",
    "\n",
    "－",
    "\u3000",
    "１",
    "电话：",
    "联系电话",
    "联系人：王工 ",
    "身份证号",
    "公网安备",
    "传真",
    "http://a.gov.cn/",
    ".pdf",
    "。",
    "，",
    "、",
    "号",
    "卡号",
]


def _texts(seed: int, count: int) -> list[str]:
    rnd = random.Random(seed)
    out = []
    for _ in range(count):
        parts = [
            rnd.choice(_NUMBERS) if rnd.random() < 0.25 else rnd.choice(_PIECES)
            for _ in range(rnd.randint(0, 40))
        ]
        out.append("".join(parts))
    return out


def _plain_scan(monkeypatch: pytest.MonkeyPatch, text: str, urls: bool) -> list[pii.PiiHit]:
    with monkeypatch.context() as m:
        for name, pattern in _PLAIN.items():
            m.setattr(pii, name, pattern)
        return pii.scan_text(text, today=TODAY, urls=urls)


@pytest.mark.parametrize("seed", range(4))
def test_fast_scan_equals_plain_scan(monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    texts = _texts(seed, 1500)
    found = 0
    for text in texts:
        for urls in (False, True):
            fast = pii.scan_text(text, today=TODAY, urls=urls)
            assert fast == _plain_scan(monkeypatch, text, urls), text
            found += len(fast)
    assert found > 500  # the random texts do hold numbers of every kind


def test_patterns_match_like_the_plain_ones() -> None:
    """Each rewritten pattern finds the same spans as its plain form, from any start position."""
    for text in _texts(99, 2000):
        for name in ("_ID_RE", "_CARD_RE", "_PHONE_RE"):
            for pos in (0, len(text) // 2):
                fast = [(m.span(), m.span("s") if "s" in m.re.groupindex else None)
                        for m in getattr(pii, name).finditer(text, pos)]
                plain = [(m.span(), m.span("s") if "s" in m.re.groupindex else None)
                         for m in _PLAIN[name].finditer(text, pos)]
                assert fast == plain, (name, text)


def test_fast_paths_on_pages_with_and_without_full_width_characters(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    footer = "联系电话：0554-6600017 网站标识码：3404220001 皖公网安备 34042202000088号"
    pages = {
        "ascii": "张三 身份证号 340403199001011239 手机 13805541234。" + footer,
        "wide": "张三 身份证号 ３４０４０３１９９００１０１１２３９ 手机 １３８\u3000０５５４\u3000１２３４。"
        + footer,
        "none": "2019-10-20 关于做好秋季防火工作的通知 〔2019〕12号",
    }
    kinds = {}
    for key, text in pages.items():
        fast = pii.scan_text(text, today=TODAY)
        assert fast == _plain_scan(monkeypatch, text, False)
        kinds[key] = sorted(h.kind for h in fast)
    assert kinds == {"ascii": ["id_card", "phone"], "wide": ["id_card", "phone"], "none": []}
