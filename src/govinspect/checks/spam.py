"""Spam classifier (gambling, porn, fraud) shared by the hijack and harmful-link checks.

``classify(text, title)`` is the stable entry point: it says whether a text (a page, a fetched
link target's title and text) is spam advertising, of which kind, with the words that decided
and a score; ``classify_anchor`` does the same for the few words of a link, and
``host_signals`` reads a host name. Everything comes from ``data/hijack/keywords.yaml``, whose
header documents the rule and the real cases behind every entry:

- lexicon terms (normalised: full-width, homoglyphs, traditional script, inserted separators),
  strong ones weighing 2 and weak ones 1, each counted once;
- casino brands: a brand stem followed by a gambling context word (开云体育, 开云·kaiyun体育
  (中国)官方网站, 华体会app下载), each distinct brand weighing 2;
- repetition: a brand or strong term repeated ``repeat_bonus_at`` times adds one, repeated
  ``repeat_certain_at`` times (planted SEO blocks repeat a brand dozens of times) is certain;
- a term in the title adds one (a title is what search engines show), and spam-title phrases
  such as (中国)官方网站 add one to a text that already shows spam;
- any term next to an enforcement or warning word (打击, 严禁, 反诈, 赌博 ...) does not count, so
  anti-gambling news and enforcement notices stay clean.

A text is spam at ``fire_weight`` (3) or when certain; an anchor at 2 (one strong term or brand).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .lexicon import (
    HIJACK,
    Entry,
    Lexicon,
    LexiconPair,
    SpamRule,
    data_file,
    normalize_for_spam,
    original_span,
)

__all__ = ["KINDS", "SpamVerdict", "classify", "classify_anchor", "host_signals", "signals"]

KINDS = ("gambling", "porn", "fraud")
ANCHOR_WEIGHT = 2  # one strong term or one brand in a link's words
# What may stand between a brand stem and its context word: a Latin name, digits, spaces,
# brackets (开云·kaiyun体育, bob5918体育, 华体会(中国)官方网站); Chinese punctuation ends a phrase.
_GAP = r"[a-z0-9 ·•.\-_()（）\[\]【】|/&]"


@dataclass(frozen=True, slots=True)
class SpamVerdict:
    """Why a text is spam: its kind, the deciding words and a score (>= 1.0 means spam)."""

    kind: str  # gambling | porn | fraud
    words: tuple[str, ...]
    score: float
    where: tuple[str, ...] = ()  # "title", "text"
    reasons: tuple[str, ...] = ()  # lexicon, brand, title, marker, repeated, certain
    repeated: int = 0  # occurrences of the most repeated brand or strong term

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "words": list(self.words), "score": self.score,
                "where": list(self.where), "reasons": list(self.reasons), "repeated": self.repeated}  # fmt: skip


@dataclass(slots=True)
class Signals:
    """What the classifier found in a text and its title, before any threshold."""

    weight: int = 0
    certain: bool = False
    words: list[str] = field(default_factory=list)  # as written in the text, first seen first
    kinds: Counter[str] = field(default_factory=Counter)
    where: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    repeated: int = 0

    def verdict(self, threshold: int) -> SpamVerdict | None:
        if not self.words or (self.weight < threshold and not self.certain):
            return None
        kind = self.kinds.most_common(1)[0][0] if self.kinds else "gambling"
        score = self.weight / _config().fire_weight
        if self.certain:
            score = max(score, 2.0)
        return SpamVerdict(kind, tuple(self.words), round(score, 3), tuple(self.where),
                           tuple(self.reasons), self.repeated)  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Hit:
    key: str  # the lexicon word or the brand stem: what is counted once
    word: str  # as written in the original text
    weight: int
    kind: str
    strong: bool


@dataclass(frozen=True, slots=True)
class _Config:
    lexicon: Lexicon
    rule: SpamRule
    fire_weight: int
    brands: Lexicon
    both: LexiconPair  # lexicon and brands in one pass
    brand_weight: int
    after: re.Pattern[str]  # gap, context word and what may follow it, matched after a stem
    after_online: re.Pattern[str]  # the same with online-gambling context words only (common stems)
    bonus_at: int
    certain_at: int
    markers: tuple[str, ...]
    host_words: re.Pattern[str]
    host_numbered: re.Pattern[str]


@lru_cache(maxsize=1)
def _config() -> _Config:
    data = data_file(HIJACK)
    rule = SpamRule.load()
    brands = data.get("brands") or {}
    # kind "common" marks stems that are also ordinary words or lawful companies (see the data file).
    stems = [Entry(str(b["stem"]).lower(), "common" if b.get("common") else "gambling",
                   source=str(b.get("source", ""))) for b in brands.get("stems") or ()]  # fmt: skip
    # Another brand may follow directly: normalisation joins space-separated lists (开云体育 乐鱼体育).
    follow = _alternation([*(brands.get("continuations") or ()), *(e.word for e in stems)])
    gap = int(brands.get("max_gap", 12))

    def after(words: Any) -> re.Pattern[str]:
        return re.compile(rf"{_GAP}{{0,{gap}}}?(?:{_alternation(words)})(?=$|[^\u4e00-\u9fff]|{follow})")

    hosts = data.get("hosts") or {}
    words = "|".join(map(re.escape, hosts.get("words") or ())) or "(?!)"
    numbered = "|".join(map(re.escape, hosts.get("numbered") or ())) or "(?!)"
    markers = (data.get("title_markers") or {}).get("words") or ()
    lexicon, brand_stems = Lexicon.load((HIJACK,)), Lexicon(stems)
    return _Config(
        lexicon=lexicon, rule=rule, fire_weight=rule.fire_weight,
        brands=brand_stems, both=LexiconPair(lexicon, brand_stems), brand_weight=int(brands.get("weight", 2)),
        after=after(brands.get("context")), after_online=after(brands.get("online_context")),
        bonus_at=int(brands.get("repeat_bonus_at", 3)), certain_at=int(brands.get("repeat_certain_at", 8)),
        markers=tuple(str(m).lower() for m in markers),
        host_words=re.compile(words), host_numbered=re.compile(rf"(?:^|[.\-])(?:{numbered})-?\d{{3,}}"),
    )  # fmt: skip


def _alternation(words: Any) -> str:
    """A regex alternation of literal words, longest first (never empty)."""
    ordered = sorted({str(w).lower() for w in words or ()}, key=len, reverse=True)
    return "|".join(map(re.escape, ordered)) or "(?!)"


def _hits(text: str) -> tuple[list[_Hit], int]:
    """Counted lexicon terms and brands of one text, and how many spam-title phrases it holds."""
    if not text:
        return [], 0
    cfg = _config()
    normalized, index = normalize_for_spam(text)
    countered = cfg.rule.countered
    hits: list[_Hit] = []
    spans: list[tuple[int, int]] = []
    words, brands = cfg.both.find(normalized)
    for m in words:
        if not countered(normalized, m.start, m.end):
            a, b = original_span(index, m.start, m.end)
            e = m.entry
            hits.append(_Hit(e.word, text[a:b], e.weight, e.kind, e.weight >= 2))
            spans.append((m.start, m.end))
    reach = 0  # end of the last brand phrase: 开云·kaiyun体育 is one brand, not two
    for m in brands:
        if m.start < reach:
            continue
        tail = (cfg.after_online if m.entry.kind == "common" else cfg.after).match(normalized, m.end)
        if tail is None or countered(normalized, m.start, tail.end()):
            continue
        reach = tail.end()
        inside = [i for i, (a, b) in enumerate(spans) if a < reach and m.start < b]
        if any(hits[i].strong for i in inside):
            continue  # 皇冠体育 is already a strong lexicon term: one phrase is counted once
        for i in reversed(inside):  # 乐鱼体育官网: the brand phrase replaces the weak 体育官网
            del hits[i], spans[i]
        a, b = original_span(index, m.start, tail.end())
        hits.append(_Hit("brand:" + m.entry.word, text[a:b], cfg.brand_weight, "gambling", True))
    folded = normalized.replace("（", "(").replace("）", ")")
    markers = sum(folded.count(w) for w in cfg.markers) if hits else 0
    return hits, markers


def signals(text: str, title: str = "") -> Signals:
    """The classifier's findings in ``text`` and ``title`` without any threshold."""
    cfg = _config()
    out = Signals()
    weights: dict[str, int] = {}
    counts: Counter[str] = Counter()
    markers = 0
    title_keys: set[str] = set()
    for where, part in (("title", title), ("text", text)):
        hits, found = _hits(part)
        markers += found
        if hits and where not in out.where:
            out.where.append(where)
        for h in hits:
            if h.key not in weights:
                weights[h.key] = h.weight
                out.kinds[h.kind] += h.weight
                if h.word not in out.words:
                    out.words.append(h.word)
                out.reasons.append("brand" if h.key.startswith("brand:") else "lexicon")
            if h.strong:
                counts[h.key] += 1
            if where == "title":
                title_keys.add(h.key)
    out.weight = sum(weights.values())
    if title_keys:
        out.weight += min(2, len(title_keys))
        out.reasons.append("title")
    if markers and weights:
        out.weight += 1
        out.reasons.append("marker")
    out.repeated = max(counts.values(), default=0)
    if out.repeated >= cfg.certain_at:
        out.certain = True
        out.reasons.append("certain")
    elif out.repeated >= cfg.bonus_at:
        out.weight += 1
        out.reasons.append("repeated")
    out.reasons = list(dict.fromkeys(out.reasons))
    return out


def classify(text: str, title: str = "") -> SpamVerdict | None:
    """The spam verdict of a text and its title, None when it is not spam."""
    return signals(text, title).verdict(_config().fire_weight)


def classify_anchor(text: str) -> SpamVerdict | None:
    """The spam verdict of a link's words (anchor text, title, image alt): one strong term or brand is enough."""
    return signals(text).verdict(ANCHOR_WEIGHT)


def host_signals(host: str) -> list[str]:
    """Casino or porn marks in a host name (``pj-casino8.com``, ``xpj8888.com``), empty when none."""
    host = (host or "").lower().strip(".")
    if not host or host.endswith((".gov.cn", ".edu.cn")) or host == "gov.cn":
        return []
    cfg = _config()
    found = [m.group() for m in cfg.host_words.finditer(host)]
    if not host.endswith((".org.cn", ".ac.cn", ".org", ".edu")):  # numbered mirrors are commercial names
        found += [m.group().strip(".-") for m in cfg.host_numbered.finditer(host)]
    return list(dict.fromkeys(found))


def words_of(verdicts: Iterable[SpamVerdict | None]) -> list[str]:
    """The distinct words of several verdicts, in order."""
    return list(dict.fromkeys(w for v in verdicts if v for w in v.words))


def kinds_of(verdicts: Sequence[SpamVerdict | None]) -> list[str]:
    """The distinct kinds of several verdicts, in order."""
    return list(dict.fromkeys(v.kind for v in verdicts if v))
