"""Word lists from the data folder and a fast Aho-Corasick matcher over them.

pyahocorasick keeps a node's children in an unsorted array and scans it for every input
symbol, so matching Chinese text directly costs one comparison per distinct first
character of the lexicon (hundreds) for every character of the page. We therefore match
on a two-symbol code per character (the low and high nibble of the code point's low
byte, drawn from disjoint alphabets) where no node has more than 16 children, and check
every candidate against the real text: a hash collision costs a ``startswith``, never a
wrong match. See bench/words.py for the figures.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any, NamedTuple

import ahocorasick
import yaml

# The wording lexicons, in the order their files are read.
WORDING: tuple[str, ...] = ("wording/typo", "wording/political", "wording/outdated_name", "wording/leader")
HIJACK = "hijack/keywords"

_LOW_NIBBLE = bytes(0x41 + (i & 15) for i in range(256))
_HIGH_NIBBLE = bytes(0x61 + (i >> 4) for i in range(256))


@dataclass(frozen=True, slots=True)
class Entry:
    """One word of a lexicon with what to say about it and where the rule comes from."""

    word: str
    kind: str
    suggestion: str = ""
    source: str = ""
    since: date | None = None  # outdated names: the date from which the word is wrong
    severity: str | None = None  # overrides the kind's severity (e.g. the country's name)
    context: tuple[str, ...] = ()  # extra context exceptions this entry opts into
    weight: int = 1  # spam keywords: 2 = strong, 1 = weak (see hijack/keywords.yaml)
    guard: bool = False  # a correct word containing a wrong one: it only shields its span
    note: str = ""


class Match(NamedTuple):
    """A lexicon word found in a text, with its span in that text."""

    word: str
    start: int
    end: int
    entry: Entry


class Lexicon:
    """A set of entries compiled into one automaton; build it with ``Lexicon.load``."""

    def __init__(self, entries: Sequence[Entry], meta: Mapping[str, Any] | None = None) -> None:
        self.entries: tuple[Entry, ...] = tuple(entries)
        self.meta: dict[str, Any] = dict(meta or {})
        self._automaton = _compile(self.entries)

    @classmethod
    def load(cls, names: Iterable[str]) -> Lexicon:
        """The lexicon made of the named data files (``wording/typo``, ...), built once and cached."""
        return _load(tuple(names))

    def __len__(self) -> int:
        return sum(1 for e in self.entries if not e.guard)

    def counts(self) -> dict[str, int]:
        """Number of entries (guards excluded) per kind."""
        out: dict[str, int] = {}
        for e in self.entries:
            if not e.guard:
                out[e.kind] = out.get(e.kind, 0) + 1
        return out

    def find(self, text: str) -> Iterator[Match]:
        """Leftmost-longest, non-overlapping matches; a guard word hides what it covers."""
        if not text or self._automaton is None:
            return
        hits: list[tuple[int, int, int]] = []
        entries = self.entries
        for end, (length, indexes) in self._automaton.iter(_symbols(text)):
            stop = (end >> 1) + 1
            start = stop - length
            for i in indexes:
                if text.startswith(entries[i].word, start) and _bounded(text, start, stop, entries[i].word):
                    hits.append((start, -length, i))
                    break
        if not hits:
            return
        hits.sort()
        pos = 0
        for start, neg_length, i in hits:
            if start < pos:
                continue
            pos = start - neg_length
            if not entries[i].guard:
                yield Match(text[start:pos], start, pos, entries[i])


def context(text: str, start: int, end: int, width: int = 15) -> str:
    """The match with up to ``width`` characters either side, ellipses where cut."""
    a, b = max(0, start - width), min(len(text), end + width)
    return ("…" if a else "") + text[a:b] + ("…" if b < len(text) else "")


def data_file(name: str) -> dict[str, Any]:
    """A YAML file of the packaged data folder, e.g. ``wording/typo`` (cached)."""
    return _read(name)


@lru_cache(maxsize=32)
def _read(name: str) -> dict[str, Any]:
    text = resources.files("govinspect.data").joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise ValueError(f"{name}.yaml: expected a mapping")
    return data


@lru_cache(maxsize=16)
def _load(names: tuple[str, ...]) -> Lexicon:
    entries: list[Entry] = []
    seen: set[str] = set()
    for name in names:
        data = _read(name)
        for entry in parse_entries(data, name):
            if entry.word in seen:
                continue  # the first file that names a word wins (tests keep the lists disjoint)
            seen.add(entry.word)
            entries.append(entry)
    return Lexicon(tuple(entries), {n: {"version": _read(n).get("version"), "date": _read(n).get("date")} for n in names})


def parse_entries(data: Mapping[str, Any], name: str = "?") -> list[Entry]:
    """Entries of one data file: sources resolved, variants and guards expanded."""
    sources: Mapping[str, str] = data.get("sources") or {}
    default_kind = data.get("kind", "")
    out: list[Entry] = []
    for raw in data.get("entries") or []:
        key = raw.get("source", "")
        if key not in sources:
            raise ValueError(f"{name}.yaml: {raw.get('word')!r} cites unknown source {key!r}")
        base = Entry(
            word=str(raw["word"]),
            kind=str(raw.get("kind", default_kind)),
            suggestion=str(raw.get("suggestion", "")),
            source=str(sources[key]),
            since=raw.get("since"),
            severity=raw.get("severity"),
            context=tuple(raw.get("context") or ()),
            weight=int(raw.get("weight", 1)),
            note=str(raw.get("note", "")),
        )
        out.append(base)
        out.extend(replace(base, word=str(v)) for v in raw.get("variants") or ())
        out.extend(replace(base, word=str(g), guard=True, suggestion="") for g in raw.get("guards") or ())
    return out


def _symbols(text: str) -> str:
    """Two symbols per character, 16 possible values each (see the module docstring)."""
    low = text.encode("utf-32-le", "surrogatepass")[0::4]
    out = bytearray(2 * len(low))
    out[0::2] = low.translate(_LOW_NIBBLE)
    out[1::2] = low.translate(_HIGH_NIBBLE)
    return out.decode("latin-1")


def _compile(entries: Sequence[Entry]) -> Any:
    keys: dict[str, list[int]] = {}
    for i, entry in enumerate(entries):
        if entry.word:
            keys.setdefault(_symbols(entry.word), []).append(i)
    if not keys:
        return None
    automaton = ahocorasick.Automaton()
    for key, indexes in keys.items():
        automaton.add_word(key, (len(key) // 2, tuple(indexes)))
    automaton.make_automaton()
    return automaton


_ASCII_WORD = re.compile(r"[0-9A-Za-z]")


def _bounded(text: str, start: int, stop: int, word: str) -> bool:
    """A word that begins or ends with a Latin letter or digit must not continue a longer token."""
    if _ASCII_WORD.match(word[0]) and start and _ASCII_WORD.match(text[start - 1]):
        return False
    return not (_ASCII_WORD.match(word[-1]) and stop < len(text) and _ASCII_WORD.match(text[stop]))


# --- normalisation for spam keywords (used by the hijack check)

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff"


@lru_cache(maxsize=1)
def _spam_tables() -> tuple[dict[int, str], re.Pattern[str]]:
    """The one-to-one character table and the deletion pattern of ``normalize_for_spam``."""
    spec = data_file(HIJACK).get("normalize") or {}
    table: dict[int, str] = {c: chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}  # full-width ASCII
    table[0x3000] = " "
    for group in ("homoglyphs", "traditional"):
        for pair in spec.get(group) or ():
            if len(pair) != 2:
                raise ValueError(f"{HIJACK}.yaml normalize.{group}: {pair!r} is not two characters")
            table[ord(pair[0])] = pair[1]
    table = {k: v.lower() if "A" <= v <= "Z" else v for k, v in table.items()}
    table.update({c: chr(c + 32) for c in range(ord("A"), ord("Z") + 1)})
    separators = re.escape(str(spec.get("separators") or " ") + _INVISIBLE)
    # Separators between two CJK characters go first, so that "澳\u200b*门" loses both.
    pattern = re.compile(f"(?<=[{_CJK}])[{separators}]{{1,3}}(?=[{_CJK}])|[{_INVISIBLE}]+")
    return table, pattern


def normalize_for_spam(text: str) -> tuple[str, Sequence[int]]:
    """Fold full-width forms, homoglyphs, traditional characters and case, drop separators
    inserted between CJK characters and invisible characters; ``index_map[i]`` is the position
    in ``text`` of normalised character ``i`` (one extra item maps the end)."""
    table, pattern = _spam_tables()
    mapped = text.translate(table)
    kept: list[str] = []
    index: list[int] = []
    pos = 0
    for mo in pattern.finditer(mapped):
        kept.append(mapped[pos : mo.start()])
        index.extend(range(pos, mo.start()))
        pos = mo.end()
    if not kept and pos == 0:
        return mapped, range(len(text) + 1)
    kept.append(mapped[pos:])
    index.extend(range(pos, len(mapped)))
    index.append(len(text))
    return "".join(kept), index


def original_span(index_map: Sequence[int], start: int, end: int) -> tuple[int, int]:
    """The span in the original text of the normalised span ``[start, end)``."""
    if end <= start:
        return index_map[start], index_map[start]
    return index_map[start], index_map[end - 1] + 1


@dataclass(frozen=True, slots=True)
class SpamRule:
    """When spam keywords mean a hijacked page (the ``rule`` of hijack/keywords.yaml)."""

    fire_weight: int
    counter_terms: tuple[str, ...]
    counter_window: int
    breaks: str

    @classmethod
    def load(cls) -> SpamRule:
        """The packaged rule."""
        data = data_file(HIJACK)
        rule = data.get("rule") or {}
        return cls(
            fire_weight=int(rule.get("fire_weight", 3)),
            counter_terms=tuple(data.get("counter_terms") or ()),
            counter_window=int(rule.get("counter_window", 24)),
            breaks=str(rule.get("sentence_breaks", "。！？!?")),
        )

    def countered(self, text: str, start: int, end: int) -> bool:
        """True when an enforcement or warning word sits near the match in the same sentence."""
        a, b = max(0, start - self.counter_window), min(len(text), end + self.counter_window)
        left, right = text[a:start], text[end:b]
        for ch in self.breaks:
            left = left.rsplit(ch, 1)[-1]
            right = right.split(ch, 1)[0]
        window = left + text[start:end] + right
        return any(term in window for term in self.counter_terms)

    def fires(self, matches: Iterable[Match], in_link_text: bool = False) -> bool:
        """Distinct terms weigh 2 (strong) or 1 (weak); a page fires at ``fire_weight``, or at
        once when a term is the text of a link to another host."""
        weights: dict[str, int] = {}
        for m in matches:
            weights[m.entry.word] = m.entry.weight
        return bool(weights) and (in_link_text or sum(weights.values()) >= self.fire_weight)


def find_spam(text: str, lexicon: Lexicon | None = None, rule: SpamRule | None = None) -> list[Match]:
    """Spam keywords outside enforcement context, spans and words taken from the original text."""
    lexicon = lexicon or Lexicon.load((HIJACK,))
    rule = rule or SpamRule.load()
    normalized, index_map = normalize_for_spam(text)
    out = []
    for m in lexicon.find(normalized):
        if rule.countered(normalized, m.start, m.end):
            continue
        start, end = original_span(index_map, m.start, m.end)
        out.append(Match(text[start:end], start, end, m.entry))
    return out
