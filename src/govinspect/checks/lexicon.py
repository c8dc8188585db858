"""Word lists from the data folder and a fast Aho-Corasick matcher over them.

pyahocorasick keeps a node's children in an unsorted array and scans it for every input
symbol, so matching Chinese text directly costs one comparison per distinct first
character of the lexicon (hundreds) for every character of the page. We therefore match
on a two-symbol code per character (a 4-bit fold of each byte of its UTF-16 unit: one
``translate`` of the encoded text) where no node has more than 16 children, and check
every candidate against the real text: a code collision, or a match that starts in the
middle of a character, costs a ``startswith`` and never yields a wrong match. See
bench/words.py for the figures.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any, NamedTuple, overload

import ahocorasick

from govinspect.yamlio import safe_load

# The wording lexicons, in the order their files are read.
WORDING: tuple[str, ...] = ("wording/typo", "wording/political", "wording/outdated_name", "wording/leader")
HIJACK = "hijack/keywords"

_NIBBLE = bytes(0x41 + ((i ^ (i >> 3)) & 15) for i in range(256))  # the fold that collided least
_LATIN = re.compile(r"[0-9A-Za-z]")


@dataclass(frozen=True, slots=True)
class Entry:
    """One word of a lexicon with what to say about it and where the rule comes from."""

    word: str
    kind: str
    suggestion: str = ""
    source: str = ""
    since: date | None = None  # the date from which the word is wrong (outdated names)
    severity: str | None = None  # overrides the kind's severity (e.g. the country's name)
    context: tuple[str, ...] = ()  # extra context exceptions this entry opts into
    weight: int = 1  # spam keywords: 2 = strong, 1 = weak (see hijack/keywords.yaml)
    guards: tuple[str, ...] = ()  # correct words containing this one: a match inside them is none


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
        return len(self.entries)

    def counts(self) -> dict[str, int]:
        """Number of entries per kind."""
        out: dict[str, int] = {}
        for e in self.entries:
            out[e.kind] = out.get(e.kind, 0) + 1
        return out

    def find(self, text: str) -> Iterator[Match]:
        """Leftmost-longest, non-overlapping matches, skipping those inside one of their guards."""
        if not text or self._automaton is None:
            return
        hits, _ = _scan(self._automaton, text, len(self.entries))
        yield from _leftmost_longest(text, hits, self.entries)


class LexiconPair:
    """Two lexicons matched in one pass of the automaton over a text (the spam keywords and the
    casino brand stems, both looked for in every page's text): ``find`` gives exactly what each
    lexicon's own ``find`` gives, for one ``_symbols`` and one scan instead of two."""

    def __init__(self, first: Lexicon, second: Lexicon) -> None:
        self.first, self.second = first, second
        self._split = len(first.entries)
        self._automaton = _compile(first.entries + second.entries)

    def find(self, text: str) -> tuple[list[Match], list[Match]]:
        """The matches of ``first`` and of ``second`` in ``text``, as their ``find`` gives them."""
        if not text or self._automaton is None:
            return [], []
        one, two = _scan(self._automaton, text, self._split)
        return (list(_leftmost_longest(text, one, self.first.entries)),
                list(_leftmost_longest(text, two, self.second.entries)))


def _scan(automaton: Any, text: str, split: int) -> tuple[list[tuple[int, int, int]], list[tuple[int, int, int]]]:
    """The (start, -length, entry index) hits of ``automaton`` (``_compile``) in ``text``, those of
    entries before ``split`` and those from it apart (indexes counted from ``split``). At a position,
    each side's first word there decides: a match, or none when inside one of its guards or a
    Latin token."""
    hits: tuple[list[tuple[int, int, int]], list[tuple[int, int, int]]] = ([], [])
    startswith = text.startswith
    for end, (length, candidates) in automaton.iter(_symbols(text)):
        if not end & 1:
            continue  # the code matched across a character boundary
        start = (end >> 1) + 1 - length
        decided = [False, False]
        for word, i, shields, latin in candidates:
            side = i >= split
            if decided[side] or not startswith(word, start):
                continue  # decided, or a code collision
            decided[side] = True
            for guard, offset in shields:
                if offset <= start and startswith(guard, start - offset):
                    break  # inside one of its guards
            else:
                if not latin or _bounded(text, start, start + length):
                    hits[side].append((start, -length, i - split if side else i))
    return hits


def _leftmost_longest(text: str, hits: list[tuple[int, int, int]], entries: Sequence[Entry]) -> Iterator[Match]:
    """Non-overlapping matches from (start, -length, entry index) hits, the leftmost and then
    longest first."""
    if not hits:
        return
    hits.sort()
    pos = 0
    for start, neg_length, i in hits:
        if start >= pos:
            pos = start - neg_length
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
    data = safe_load(text)
    if not isinstance(data, dict):
        raise ValueError(f"{name}.yaml: expected a mapping")
    return data


@lru_cache(maxsize=16)
def _load(names: tuple[str, ...]) -> Lexicon:
    entries: list[Entry] = []
    seen: set[str] = set()
    for name in names:
        for entry in parse_entries(_read(name), name):
            if entry.word not in seen:  # the first file that names a word wins
                seen.add(entry.word)
                entries.append(entry)
    meta = {n: {"version": _read(n).get("version"), "date": _read(n).get("date")} for n in names}
    return Lexicon(entries, meta)


def parse_entries(data: Mapping[str, Any], name: str = "?") -> list[Entry]:
    """Entries of one data file, sources resolved and variants expanded."""
    sources: Mapping[str, str] = data.get("sources") or {}
    out: list[Entry] = []
    for raw in data.get("entries") or []:
        key = raw.get("source", "")
        if key not in sources:
            raise ValueError(f"{name}.yaml: {raw.get('word')!r} cites unknown source {key!r}")
        base = Entry(
            word=str(raw["word"]),
            kind=str(raw.get("kind", data.get("kind", ""))),
            suggestion=str(raw.get("suggestion", "")),
            source=str(sources[key]),
            since=raw.get("since"),
            severity=raw.get("severity"),
            context=tuple(raw.get("context") or ()),
            weight=int(raw.get("weight", 1)),
            guards=tuple(str(g) for g in raw.get("guards") or ()),
        )
        out.append(base)
        for variant in raw.get("variants") or ():
            out.append(replace(base, word=str(variant), guards=tuple(g for g in base.guards if variant in g)))
    return out


def _offsets(haystack: str, needle: str) -> list[int]:
    out, i = [], haystack.find(needle)
    while i >= 0:
        out.append(i)
        i = haystack.find(needle, i + 1)
    return out


def _symbols(text: str) -> str:
    """Two symbols per character, 16 possible values each (see the module docstring)."""
    data = text.encode("utf-16-le", "surrogatepass")
    if len(data) != 2 * len(text):  # characters beyond the BMP: keep one code unit each
        wide = text.encode("utf-32-le", "surrogatepass")
        units = bytearray(2 * len(text))
        units[0::2], units[1::2] = wide[0::4], wide[1::4]
        data = bytes(units)
    return data.translate(_NIBBLE).decode("latin-1")


def _compile(entries: Sequence[Entry]) -> Any:
    """The automaton over the coded words; a key's value lists the words that share its code,
    each with its index, its guards as (guard, offset of the word in it) and whether it needs
    token bounds."""
    keys: dict[str, list[tuple[str, int, tuple[tuple[str, int], ...], bool]]] = {}
    for i, e in enumerate(entries):
        if e.word:
            shields = tuple((g, k) for g in e.guards for k in _offsets(g, e.word))
            latin = bool(_LATIN.match(e.word[0]) or _LATIN.match(e.word[-1]))
            keys.setdefault(_symbols(e.word), []).append((e.word, i, shields, latin))
    if not keys:
        return None
    automaton = ahocorasick.Automaton()
    for key, candidates in keys.items():
        automaton.add_word(key, (len(key) // 2, tuple(candidates)))
    automaton.make_automaton()
    return automaton


def _bounded(text: str, start: int, stop: int) -> bool:
    """A Latin or digit token must not continue past the match on either side."""
    if start and _LATIN.match(text[start - 1]) and _LATIN.match(text[start]):
        return False
    return not (stop < len(text) and _LATIN.match(text[stop]) and _LATIN.match(text[stop - 1]))


# --- normalisation for spam keywords (used by the hijack check)

_INVISIBLE = "\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff"


@dataclass(frozen=True, slots=True)
class _Folding:
    table: dict[int, str]  # one character to one character, ASCII letters already lower case
    upper: dict[int, str]  # the same plus A-Z, for texts whose lower() changes length
    needed: re.Pattern[str]  # any key of ``table``
    runs: re.Pattern[str]  # runs of separators and invisible characters
    invisible: re.Pattern[str]
    # Whole runs of one to three separators between two CJK characters: what normalize_for_spam
    # removes from a text without invisible characters (no CJK character is a separator,
    # so every match is a whole run).
    between_cjk: re.Pattern[str]


_CJK_CLASS = "\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff"  # the ranges of ``_cjk``


@lru_cache(maxsize=1)
def _folding() -> _Folding:
    spec = data_file(HIJACK).get("normalize") or {}
    # Full-width letters and digits; full-width punctuation stays (it is everywhere in Chinese).
    table = {c: chr(c - 0xFEE0).lower() for c in range(0xFF10, 0xFF5B) if chr(c - 0xFEE0).isalnum()}
    for group in ("homoglyphs", "traditional"):
        for pair in spec.get(group) or ():
            if len(pair) != 2:
                raise ValueError(f"{HIJACK}.yaml normalize.{group}: {pair!r} is not two characters")
            for key in {pair[0], pair[0].lower()}:
                if len(key) == 1:
                    table.setdefault(ord(key), pair[1].lower())
    table = {k: v for k, v in table.items() if chr(k) != v}
    keys = "".join(re.escape(chr(k)) for k in sorted(table))
    separators = str(spec.get("separators") or " ") + "\u3000" + _INVISIBLE
    if any(_cjk(ch) for ch in separators):
        raise ValueError(f"{HIJACK}.yaml normalize.separators: a CJK character is no separator")
    upper = {**table, **{c: chr(c + 32) for c in range(ord("A"), ord("Z") + 1)}}
    # One character class, so that the regex engine skips ahead in C between runs.
    runs = re.compile(f"[{re.escape(separators)}]+")
    visible = "[" + re.escape(separators.translate({ord(ch): None for ch in _INVISIBLE})) + "]"
    # (?<=CJK)sep{1,3}(?=CJK), written to start with a separator so that the engine skips to one in C.
    between = re.compile(f"{visible}(?<=[{_CJK_CLASS}]{visible}){visible}{{0,2}}(?=[{_CJK_CLASS}])")
    return _Folding(table, upper, re.compile(f"[{keys}]"), runs, re.compile(f"[{_INVISIBLE}]"), between)


def _fold(text: str, f: _Folding) -> str:
    """Lower-case and map look-alikes one character to one, keeping every position."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a few non-ASCII capitals lower into two characters
        return text.translate(f.upper)
    found = len(f.needed.findall(lowered))
    if not found:
        return lowered
    if found * 16 > len(lowered):  # text in traditional script: one pass over everything
        return lowered.translate(f.table)
    return f.needed.sub(lambda mo: f.table[ord(mo.group())], lowered)


def _cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\uf900" <= ch <= "\ufaff"


def _drops(folded: str, f: _Folding) -> Iterator[tuple[int, int]]:
    """Spans to remove, in order, from a text holding invisible characters (the others go through
    ``between_cjk`` alone, see normalize_for_spam): separator runs of at most three visible
    characters between two CJK characters, and invisible characters anywhere."""
    invisible = f.invisible
    for mo in f.runs.finditer(folded):
        a, b = mo.span()
        hidden = invisible.search(folded, a, b) is not None
        visible = b - a - (sum(1 for ch in folded[a:b] if ch in _INVISIBLE) if hidden else 0)
        if visible <= 3 and a and b < len(folded) and _cjk(folded[a - 1]) and _cjk(folded[b]):
            yield a, b  # inserted between two CJK characters
        elif hidden:
            yield from ((i, i + 1) for i in range(a, b) if folded[i] in _INVISIBLE)


def normalize_for_spam(text: str) -> tuple[str, Sequence[int]]:
    """Fold full-width forms, homoglyphs, traditional characters and case, drop separators
    inserted between CJK characters and invisible characters; ``index_map[i]`` is the position
    in ``text`` of normalised character ``i`` (one extra item maps the end)."""
    f = _folding()
    folded = _fold(text, f)
    if f.invisible.search(folded) is None:  # most texts: one C pass drops the separators
        normalized = f.between_cjk.sub("", folded)
        if len(normalized) == len(folded):
            return folded, range(len(text) + 1)
        return normalized, _IndexMap(lambda: [mo.span() for mo in f.between_cjk.finditer(folded)],
                                     len(normalized), len(text))
    spans = list(_drops(folded, f))
    if not spans:
        return folded, range(len(text) + 1)
    kept: list[str] = []
    pos = 0
    for a, b in spans:
        kept.append(folded[pos:a])
        pos = b
    kept.append(folded[pos:])
    normalized = "".join(kept)
    return normalized, _IndexMap(lambda: spans, len(normalized), len(text))


class _IndexMap(Sequence[int]):
    """The ``index_map`` of a text with spans dropped, computed per item on demand (most texts
    hold no spam word and never ask): the list ``[kept positions..., len(text)]``."""

    __slots__ = ("_end", "_len", "_shifts", "_spans", "_starts")

    def __init__(self, spans: Callable[[], list[tuple[int, int]]], size: int, end: int) -> None:
        # how to find the dropped spans, in order, when a position is first asked; None once read
        self._spans: Callable[[], list[tuple[int, int]]] | None = spans
        self._starts: list[int] = []  # normalised position where the text after each span resumes
        self._shifts: list[int] = []  # characters dropped up to that span
        self._len, self._end = size + 1, end

    def _shift(self, i: int) -> int:
        if self._spans is not None:
            spans, self._spans = self._spans(), None
            dropped = 0
            for a, b in spans:
                dropped += b - a
                self._starts.append(b - dropped)
                self._shifts.append(dropped)
        k = bisect.bisect_right(self._starts, i)
        return self._shifts[k - 1] if k else 0

    def __len__(self) -> int:
        return self._len

    @overload
    def __getitem__(self, i: int) -> int: ...

    @overload
    def __getitem__(self, i: slice) -> list[int]: ...

    def __getitem__(self, i: int | slice) -> int | list[int]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(self._len))]
        if i < 0:
            i += self._len
        if not 0 <= i < self._len:
            raise IndexError(i)
        if i == self._len - 1:
            return self._end
        return i + self._shift(i)


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
        """The packaged rule (cached)."""
        return _spam_rule()

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


@lru_cache(maxsize=1)
def _spam_rule() -> SpamRule:
    data = data_file(HIJACK)
    rule = data.get("rule") or {}
    return SpamRule(
        fire_weight=int(rule.get("fire_weight", 3)),
        counter_terms=tuple(data.get("counter_terms") or ()),
        counter_window=int(rule.get("counter_window", 24)),
        breaks=str(rule.get("sentence_breaks", "。！？!?")),
    )


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
