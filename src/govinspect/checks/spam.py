"""Spam classifier (gambling, porn, fraud) shared by the hijack and harmful-link checks.

``classify(text, title)`` is the one stable entry point: it says whether a piece of text (a
page, an anchor, a fetched target's title and text) is spam advertising, of which kind, with
the words that decided and a score. It reads the lexicon of ``data/hijack/keywords.yaml``
through ``checks/lexicon.py`` (normalisation, enforcement context) and applies that file's rule.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .lexicon import HIJACK, Lexicon, Match, SpamRule, find_spam

__all__ = ["KINDS", "SpamVerdict", "classify"]

KINDS = ("gambling", "porn", "fraud")


@dataclass(frozen=True, slots=True)
class SpamVerdict:
    """Why a text is spam: its kind, the deciding words and a score (>= 1.0 means spam)."""

    kind: str  # gambling | porn | fraud
    words: tuple[str, ...]
    score: float
    where: tuple[str, ...] = ()  # "title", "text"
    reasons: tuple[str, ...] = ()  # short machine-readable tags of the deciding evidence


def _matches(text: str) -> list[Match]:
    return find_spam(text, Lexicon.load((HIJACK,)), SpamRule.load()) if text else []


def classify(text: str, title: str = "") -> SpamVerdict | None:
    """The spam verdict of a text and its title, None when it is not spam."""
    rule = SpamRule.load()
    found = [("title", m) for m in _matches(title)] + [("text", m) for m in _matches(text)]
    if not found:
        return None
    weights: dict[str, int] = {}
    kinds: Counter[str] = Counter()
    for _, m in found:
        if m.entry.word not in weights:
            weights[m.entry.word] = m.entry.weight
            kinds[m.entry.kind] += m.entry.weight
    total = sum(weights.values())
    if total < rule.fire_weight:
        return None
    kind = kinds.most_common(1)[0][0]
    where = tuple(dict.fromkeys(w for w, _ in found))
    return SpamVerdict(kind, tuple(weights), round(total / rule.fire_weight, 3), where, ("lexicon",))
