"""Fast paths of page extraction give the slow paths' results (issue 13)."""

from __future__ import annotations

import random

import pytest

from govinspect.extract.dates import _FULLWIDTH, normalize

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
