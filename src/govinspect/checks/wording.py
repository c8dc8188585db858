"""Wording errors (content.error_word): typos, political terms, outdated names, leaders' names."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from ..model import Finding, Page
from ..snapshot import Snapshot
from .base import Context, walk
from .lexicon import WORDING, Entry, Lexicon, Match, context, data_file

# Serious wording errors (严重表述错误: country, state bodies, leaders) are single-veto items
# (国办秘函〔2019〕19号); a typo or an outdated name deducts. An entry may override its kind.
KIND_SEVERITY: dict[str, str] = {"political": "veto", "leader": "veto", "typo": "deduct", "outdated_name": "deduct"}

_MESSAGES = {
    "typo": "页面出现错别字“{word}”，应为“{suggestion}”",
    "political": "页面出现不规范政治表述“{word}”，应为“{suggestion}”",
    "outdated_name": "页面使用过时机构名称“{word}”，现为“{suggestion}”",
    "leader": "页面领导人姓名或职务表述错误“{word}”，应为“{suggestion}”",
}
_HISTORY = ("former", "history_sentence", "history_year", "history_title")
_SENTENCE_END = "。！？!?；;"
_CLAUSE_END = _SENTENCE_END + "，,："
_YEAR = re.compile(r"((?:1[89]|20)\d\d)\s*年(?:\s*(\d{1,2})\s*月)?")


# Its findings depend on the pages and the context alone (checks.base.pages_only): a parse
# worker may run it while the crawl process still builds the columns and runs the probes.
PAGES_ONLY = True


def check(snap: Snapshot, ctx: Context) -> list[Finding]:
    """Wording findings for every page that loaded, then the site-wide typo threshold."""
    return walk(snap, visitor(snap, ctx))


def visitor(snap: Snapshot, ctx: Context) -> WordingVisitor:
    return WordingVisitor(ctx)


class WordingVisitor:
    """Collects the findings page by page; the typo threshold is applied at the end."""

    def __init__(self, ctx: Context) -> None:
        self.lexicon = Lexicon.load(WORDING)
        self.rules = ContextRules.load()
        self.allow = Allowlist.from_overrides(ctx.site.overrides)
        self.as_of = ctx.as_of
        # The serious-typo threshold lives in the rule set (wording.serious_typo_limit, P, 2015 rule).
        self.limit = ctx.rules.wording.serious_typo_limit
        self.findings: list[Finding] = []

    def visit(self, page: Page) -> None:
        if page.ok:
            self.findings.extend(page_findings(page, self.lexicon, self.rules, self.allow, self.as_of))

    def finish(self) -> list[Finding]:
        return escalate(self.findings, self.limit)


def page_findings(page: Page, lexicon: Lexicon, rules: ContextRules, allow: Allowlist, as_of: date) -> Iterator[Finding]:
    """One finding per listed word on the page (its visible text and its title)."""
    url = page.final_url or page.url
    found: dict[str, list[Any]] = {}  # word -> [first match, text it is in, body count, in title]
    for text, in_title in ((page.text, False), (page.title, True)):
        for m in lexicon.find(text):
            if allow.permits(m.entry.word, url) or not _current(m.entry, page, as_of):
                continue
            if rules.excuse(m, text, page.title) is not None:
                continue
            slot = found.setdefault(m.entry.word, [m, text, 0, False])
            if in_title:
                slot[3] = True
            else:
                slot[2] += 1
    for word, (m, text, count, in_title) in found.items():
        entry: Entry = m.entry
        evidence: dict[str, Any] = {
            "word": word,
            "suggestion": entry.suggestion,
            "kind": entry.kind,
            "context": context(text, m.start, m.end),
            "count": count or 1,
            "source": entry.source,
            "in_title": in_title,
        }
        if entry.since is not None:
            evidence["since"] = entry.since
        message = _MESSAGES.get(entry.kind, _MESSAGES["typo"]).format(word=word, suggestion=entry.suggestion)
        if count > 1:
            message += f"（共 {count} 处）"
        severity = entry.severity or KIND_SEVERITY.get(entry.kind, "deduct")
        yield Finding("content.error_word", severity, url, message, evidence)


def escalate(findings: list[Finding], limit: int) -> list[Finding]:
    """More than ``limit`` distinct typos on a site turn every typo finding into a veto."""
    typos = {f.evidence["word"] for f in findings if f.evidence.get("kind") == "typo"}
    if len(typos) <= limit:
        return findings
    for f in findings:
        if f.evidence.get("kind") == "typo" and f.severity != "veto":
            f.severity = "veto"
            f.evidence["escalated"] = True
            f.message += f"；全站共有 {len(typos)} 个错别字，超过 {limit} 个，按单项否决处理"
    return findings


def _current(entry: Entry, page: Page, as_of: date) -> bool:
    """An outdated name is wrong only in text written after the date it became outdated."""
    if entry.since is None:
        return True
    return as_of >= entry.since and (page.pub_date is None or page.pub_date >= entry.since)


@dataclass(frozen=True, slots=True)
class Allowlist:
    """Words a site may use: ``allow_words`` everywhere, ``allow`` entries on matching URLs."""

    words: frozenset[str]
    scoped: tuple[tuple[str, str], ...]  # (word, url_contains); "" matches every URL

    @classmethod
    def from_overrides(cls, overrides: Mapping[str, Any] | None) -> Allowlist:
        """Read the registry overrides, ignoring malformed items."""
        overrides = overrides or {}
        words = overrides.get("allow_words") or []
        scoped = overrides.get("allow") or []
        return cls(
            frozenset(w for w in words if isinstance(w, str)) if isinstance(words, list) else frozenset(),
            tuple(
                (str(item["word"]), str(item.get("url_contains") or ""))
                for item in (scoped if isinstance(scoped, list) else [])
                if isinstance(item, Mapping) and isinstance(item.get("word"), str)
            ),
        )

    def permits(self, word: str, url: str) -> bool:
        return word in self.words or any(w == word and part in url for w, part in self.scoped)


@dataclass(frozen=True, slots=True)
class ContextRules:
    """The context exceptions of data/wording/context.yaml."""

    kinds: Mapping[str, frozenset[str]]
    spec: Mapping[str, Mapping[str, Any]]

    @classmethod
    def load(cls) -> ContextRules:
        """The packaged rules (cached)."""
        return _context_rules()

    def active(self, entry: Entry) -> list[str]:
        """The rules that apply to an entry: those of its kind plus those it opts into."""
        names = [name for name, kinds in self.kinds.items() if entry.kind in kinds]
        for name in entry.context:
            names.extend(_HISTORY if name == "history" else (name,))
        return list(dict.fromkeys(names))

    def excuse(self, m: Match, text: str, title: str = "") -> str | None:
        """The name of the first rule under which the match is not an error, else None."""
        for name in self.active(m.entry):
            if _TESTS[name](self.spec.get(name) or {}, m, text, title):
                return name
        return None


@lru_cache(maxsize=1)
def _context_rules() -> ContextRules:
    rules: Mapping[str, Mapping[str, Any]] = data_file("wording/context").get("rules") or {}
    unknown = set(rules) - set(_TESTS)
    if unknown:
        raise ValueError(f"wording/context.yaml: unknown rules {sorted(unknown)}")
    return ContextRules({n: frozenset(r.get("kinds") or ()) for n, r in rules.items()}, rules)


def _sentence(text: str, start: int, end: int, stops: str = _SENTENCE_END, reach: int = 150) -> str:
    a, b = max(0, start - reach), min(len(text), end + reach)
    left, right = text[a:start], text[end:b]
    for ch in stops:
        left, right = left.rsplit(ch, 1)[-1], right.split(ch, 1)[0]
    return left + text[start:end] + right


def _quoted(spec: Mapping[str, Any], m: Match, text: str, title: str) -> bool:
    window = int(spec.get("window", 120))
    before, after = text[max(0, m.start - window) : m.start], text[m.end : m.end + window]
    for pair in spec.get("pairs") or ():
        opened, closed = pair[0], pair[1]
        i = before.rfind(opened)
        if i < 0 or before.rfind(closed) > i:
            continue
        j = after.find(closed)
        k = after.find(opened) if opened != closed else -1
        if j >= 0 and (k < 0 or k > j):
            return True
    return False


def _so_called(spec: Mapping[str, Any], m: Match, text: str, title: str) -> bool:
    head = text[max(0, m.start - 8) : m.start].rstrip(" “\"「『‘")
    return any(head.endswith(p) for p in spec.get("prefixes") or ())


def _former(spec: Mapping[str, Any], m: Match, text: str, title: str) -> bool:
    marker, banned = str(spec.get("marker", "原")), str(spec.get("not_followed_by", ""))
    head = text[max(0, m.start - int(spec.get("window", 8))) : m.start]
    for ch in _CLAUSE_END:
        head = head.rsplit(ch, 1)[-1]
    for i, ch in enumerate(head):
        following = head[i + 1] if i + 1 < len(head) else text[m.start]
        if ch == marker and following not in banned:
            return True
    return False


def _history_sentence(spec: Mapping[str, Any], m: Match, text: str, title: str) -> bool:
    sentence = _sentence(text, m.start, m.end)
    return any(w in sentence for w in spec.get("words") or ())


def _history_year(spec: Mapping[str, Any], m: Match, text: str, title: str) -> bool:
    since = m.entry.since
    if since is None:
        return False
    for mo in _YEAR.finditer(_sentence(text, m.start, m.end)):
        year, month = int(mo.group(1)), int(mo.group(2) or 0)
        if month and 1 <= month <= 12:
            if date(year, month, 1) < since:
                return True
        elif year < since.year or (year == since.year and (since.month, since.day) != (1, 1)):
            return True
    return False


def _history_title(spec: Mapping[str, Any], m: Match, text: str, title: str) -> bool:
    return any(w in title for w in spec.get("words") or ())


def _foreign(spec: Mapping[str, Any], m: Match, text: str, title: str) -> bool:
    head = text[max(0, m.start - int(spec.get("window", 8))) : m.start]
    for ch in _CLAUSE_END:
        head = head.rsplit(ch, 1)[-1]
    return any(p in head for p in spec.get("prefixes") or ())


def _paired(spec: Mapping[str, Any], m: Match, text: str, title: str) -> bool:
    after = text[m.end : m.end + int(spec.get("window", 40))]
    for ch in _SENTENCE_END:
        after = after.split(ch, 1)[0]
    return any(w in after for w in (spec.get("pairs") or {}).get(m.entry.word) or ())


_TESTS = {
    "quoted": _quoted,
    "so_called": _so_called,
    "former": _former,
    "history_sentence": _history_sentence,
    "history_year": _history_year,
    "history_title": _history_title,
    "foreign": _foreign,
    "paired": _paired,
}
