"""The fast paths of the spam normalisation and the hijack judge give the plain results (issue 13)."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence

import pytest

from govinspect.checks import hijack
from govinspect.checks.lexicon import _INVISIBLE, _cjk, _fold, _folding, normalize_for_spam


def _plain_normalize(text: str) -> tuple[str, Sequence[int]]:
    """normalize_for_spam as written before the speed-up: every separator run judged in Python."""
    f = _folding()
    folded = _fold(text, f)
    kept: list[str] = []
    index: list[int] = []
    pos = 0
    for mo in f.runs.finditer(folded):
        a, b = mo.span()
        hidden = f.invisible.search(folded, a, b) is not None
        visible = b - a - (sum(1 for ch in folded[a:b] if ch in _INVISIBLE) if hidden else 0)
        drop: Iterable[int]
        if visible <= 3 and a and b < len(folded) and _cjk(folded[a - 1]) and _cjk(folded[b]):
            drop = range(a, b)
        elif hidden:
            drop = [i for i in range(a, b) if folded[i] in _INVISIBLE]
        else:
            continue
        for i in drop:
            kept.append(folded[pos:i])
            index.extend(range(pos, i))
            pos = i + 1
    if pos == 0:
        return folded, range(len(text) + 1)
    kept.append(folded[pos:])
    index.extend(range(pos, len(folded)))
    index.append(len(text))
    return "".join(kept), index


_PIECES = [
    "澳", "门", "博", "彩", "娱", "乐", "開", "雲", "體", "育", "官", "网", "a", "B", "Ｂ", "ｅ", "т", "е",
    " ", "  ", "    ", "\t", "\u3000", "\xa0", "*", "·", ".", "-", "★", "\u200b", "\u00ad", "\ufeff", "。",
    "，", "\n", "9", "８", "İ", "㐀", "豈",
]  # fmt: skip


def _texts(seed: int, count: int) -> list[str]:
    rnd = random.Random(seed)
    return ["".join(rnd.choice(_PIECES) for _ in range(rnd.randint(0, 30))) for _ in range(count)]


def test_normalize_for_spam_equals_the_plain_loop() -> None:
    dropped = 0
    for text in _texts(7, 6000):
        fast, fast_index = normalize_for_spam(text)
        plain, plain_index = _plain_normalize(text)
        assert fast == plain, repr(text)
        assert list(fast_index) == list(plain_index), repr(text)
        assert len(fast_index) == len(plain_index) and fast_index[-1] == plain_index[-1] == len(text)
        assert list(fast_index[1:-2]) == list(plain_index[1:-2])
        dropped += len(text) - len(fast)
    assert dropped > 1000  # separators and invisible characters were dropped on both paths


def test_normalize_for_spam_with_and_without_invisible_characters() -> None:
    for text, expected in (
        ("澳 门 博 彩", "澳门博彩"),  # no invisible character: the one-regex path
        ("澳\u200b门 博\u200b\u200b彩", "澳门博彩"),  # invisible characters: the run-by-run path
        ("澳门    博彩", "澳门    博彩"),  # four separators are a real gap on both paths
        ("ＢＥＴ３６５ 澳門", "bet365 澳门"),
    ):
        assert normalize_for_spam(text)[0] == expected == _plain_normalize(text)[0]


_URLS = [
    "http://www.shouxian.gov.cn/a.html", "http://127.0.0.1:8000/x", "http://www.am8899.com/x", "https://s4.cnzz.com/z.js",
    "http://zwfw.huainan.gov.cn/", "javascript:void(0)", "http://[bad", "mailto:a@b.cn", "//hm.baidu.com/hm.js",
    "http://user@www.am8899.com:8080/", "http://10.0.0.1/", "http://[::1]/", "http://www.a.com.cn/", "ftp://a.com/",
]  # fmt: skip


def test_judge_foreign_cache_gives_the_plain_judgement(monkeypatch: pytest.MonkeyPatch) -> None:
    judge = hijack.Judge(frozenset({"www.shouxian.gov.cn", "127.0.0.1:8000"}), frozenset({"shouxian.gov.cn"}))
    plain = [judge._judge_foreign(u) for u in _URLS]
    assert [judge.foreign(u) for u in _URLS] == plain  # first call: judged and remembered
    assert [judge.foreign(u) for u in _URLS] == plain  # second call: from the cache
    assert "am8899.com" in plain and None in plain
    monkeypatch.setattr(hijack, "_FOREIGN_CACHE", 3)  # a cache that keeps clearing itself
    small = hijack.Judge(judge.netlocs, judge.domains)
    assert [small.foreign(u) for u in _URLS * 2] == plain * 2
    assert len(small._foreign) <= 3


def test_the_lexicon_pair_finds_what_each_lexicon_finds() -> None:
    """The spam keywords and the brand stems are matched in one pass (LexiconPair): the same
    matches as two passes, on texts made of both lexicons' words, their guards and noise."""
    from govinspect.checks.lexicon import Entry, Lexicon, LexiconPair
    from govinspect.checks.spam import _config

    cfg = _config()
    # a word in both lexicons and two words of one code length: each side keeps its own
    shared = Lexicon([*cfg.brands.entries, Entry(word=cfg.lexicon.entries[0].word, kind="gambling")])
    for first, second in ((cfg.lexicon, cfg.brands), (cfg.lexicon, shared), (cfg.brands, cfg.lexicon)):
        pair = LexiconPair(first, second)
        words = [e.word for e in (*first.entries, *second.entries) if e.word]
        words += [g for e in (*first.entries, *second.entries) for g in e.guards]
        rnd = random.Random(13)
        found = 0
        for _ in range(3000):
            text = "".join(rnd.choice(words) if rnd.random() < 0.4 else rnd.choice(_PIECES) for _ in range(rnd.randint(0, 12)))
            text = normalize_for_spam(text)[0]
            one, two = pair.find(text)
            assert one == list(first.find(text)), repr(text)
            assert two == list(second.find(text)), repr(text)
            found += len(one) + len(two)
        assert found > 3000  # the texts hold words of both lexicons
    assert LexiconPair(cfg.lexicon, cfg.brands).find("") == ([], [])
    # one lexicon holding a word twice: its first entry decides (here: inside its guard, no match)
    twice = Lexicon([Entry(word="彩金", kind="gambling", guards=("送彩金",)), Entry(word="彩金", kind="gambling")])
    for text in ("送彩金", "彩金", "开云送彩金"):
        assert LexiconPair(twice, cfg.brands).find(text) == (list(twice.find(text)), list(cfg.brands.find(text)))
    assert LexiconPair(twice, cfg.brands).find("送彩金")[0] == []
