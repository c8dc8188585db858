"""Links to harmful sites (link.harmful): external targets that now serve gambling, porn or fraud.

A government page must not link to 反动、暴力、色情 or gambling content (国办秘函〔2019〕19号,
单项否决 "发布或链接反动、暴力、色情等内容"); the common real case is a friend link or an old
article's link whose domain lapsed and was bought by a casino. crawl/harmful.py fetched each
external target once (``snap.probes["harmful"]``); here its title, meta keywords/description
and visible text go through the spam classifier (``checks/spam.py`` ``classify``; until that
module exists, the adapter below over the hijack lexicon and its rule). Enforcement news on a
newspaper site (扫黑除恶, 打击网络赌博) stays clean through the lexicon's counter terms.

Precision: a target fires when the classifier calls it spam with at least ``min_words``
distinct terms (one casino name, however often, is a hotel booking page as much as a casino)
and either its title or meta tags are spam (what the domain's owner now says the site is) or
its text alone scores at least ``text_only_score`` (rules.yaml ``harmful_links``). One finding per target; ``url`` is a linking page (the home page first),
``evidence`` holds ``target``, ``kind``, ``words`` and ``final_url`` when the target moved to
another registrable domain. Severity ``veto`` (confidence U, rules.yaml).
"""

from __future__ import annotations

import importlib
from collections import Counter
from collections.abc import Callable
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from ..model import Finding
from ..snapshot import Snapshot
from .base import Context
from .lexicon import SpamRule, find_spam

KIND_NAMES = {"gambling": "博彩", "porn": "色情", "fraud": "诈骗"}
TEXT_ONLY_SCORE = 2.0
MIN_WORDS = 2
MAX_REFERRERS = 10


class Verdict(NamedTuple):
    """The adapter's verdict: the fields of ``checks/spam.py`` ``SpamVerdict`` this check reads."""

    kind: str
    words: tuple[str, ...]
    score: float
    where: tuple[str, ...] = ()


def lexicon_classify(text: str, title: str = "") -> Verdict | None:
    """Spam verdict from the hijack lexicon and its rule (distinct terms weigh 1 or 2, fire at 3)."""
    rule = SpamRule.load()
    found = [("title", m) for m in find_spam(title) if title] + [("text", m) for m in find_spam(text) if text]
    weights: dict[str, int] = {}
    kinds: Counter[str] = Counter()
    for _, m in found:
        if m.entry.word not in weights:
            weights[m.entry.word] = m.entry.weight
            kinds[m.entry.kind] += m.entry.weight
    total = sum(weights.values())
    if not weights or total < rule.fire_weight:
        return None
    where = tuple(dict.fromkeys(w for w, _ in found))
    return Verdict(kinds.most_common(1)[0][0], tuple(weights), round(total / rule.fire_weight, 3), where)


def classifier() -> Callable[[str, str], Any]:
    """``checks/spam.py`` ``classify`` when present (branch hijack), else the lexicon adapter."""
    try:
        module = importlib.import_module(f"{__package__}.spam")
    except ImportError:
        return lexicon_classify
    fn: Callable[[str, str], Any] = module.classify
    return fn


def _settings(ctx: Context) -> dict[str, Any]:
    extra = ctx.rules.model_extra or {}
    value = extra.get("harmful_links")
    return value if isinstance(value, dict) else {}


def judge(rec: dict[str, Any], classify: Callable[[str, str], Any], text_only: float,
          min_words: int = MIN_WORDS) -> Any | None:
    """The spam verdict of one fetched target when it is confident enough to report, else None."""
    status = rec.get("status")
    if rec.get("error") or not isinstance(status, int) or status >= 400:
        return None
    head = " 。".join(s for s in (str(rec.get("title") or ""), str(rec.get("meta") or "")) if s)
    text = str(rec.get("text") or "")
    if not (head or text):
        return None
    verdict = classify(text, head)
    if verdict is None or len(tuple(verdict.words)) < min_words:
        return None
    if "title" in tuple(getattr(verdict, "where", ()) or ()) or float(verdict.score) >= text_only:
        return verdict
    return None


def harmful_targets(snap: Snapshot, text_only: float = TEXT_ONLY_SCORE, min_words: int = MIN_WORDS) -> dict[str, Any]:
    """Target URL -> spam verdict of every fetched external target judged harmful (for other checks)."""
    classify = classifier()
    out: dict[str, Any] = {}
    for rec in (snap.probes.get("harmful") or {}).get("targets") or []:
        verdict = judge(rec, classify, text_only, min_words)
        if verdict is not None:
            out[str(rec["target"])] = verdict
    return out


def harmful_hosts(snap: Snapshot, text_only: float = TEXT_ONLY_SCORE) -> frozenset[str]:
    """Host names of the targets judged harmful and of where they lead (for the hijack check)."""
    hosts: set[str] = set()
    records = {str(r.get("target")): r for r in (snap.probes.get("harmful") or {}).get("targets") or []}
    for target in harmful_targets(snap, text_only):
        for url in (target, str(records[target].get("final_url") or "")):
            host = urlsplit(url).hostname
            if host:
                hosts.add(host.lower())
    return frozenset(hosts)


def check(snap: Snapshot, ctx: Context) -> list[Finding]:
    """One link.harmful finding per external target that serves spam, plus coverage notices."""
    rules = _settings(ctx)
    severity = str(rules.get("severity", "veto"))
    text_only = float(rules.get("text_only_score", TEXT_ONLY_SCORE))
    min_words = int(rules.get("min_words", MIN_WORDS))
    classify = classifier()
    findings: list[Finding] = []
    records = (snap.probes.get("harmful") or {}).get("targets") or []
    for rec in records:
        verdict = judge(rec, classify, text_only, min_words)
        if verdict is None:
            continue
        target = str(rec["target"])
        referrers = snap.referrers(target, MAX_REFERRERS)
        kind = str(verdict.kind)
        words = list(verdict.words)[:10]
        evidence: dict[str, Any] = {
            "target": target, "kind": kind, "words": words, "score": verdict.score,
            "title": str(rec.get("title") or "")[:100], "referrers": referrers,
            "referrer_count": snap.referrer_count(target),
        }  # fmt: skip
        final = str(rec.get("final_url") or "")
        moved = ""
        if final and _domain(final) != _domain(target):
            evidence["final_url"] = final
            moved = f"，访问时跳转到 {urlsplit(final).hostname}"
        message = (f"外部链接指向{KIND_NAMES.get(kind, '违规')}网站：{target}{moved}"
                   f"（页面含 {'、'.join(words[:3])}）")  # fmt: skip
        findings.append(Finding("link.harmful", severity, referrers[0] if referrers else snap.home_url,
                                message, evidence))
    findings.extend(_coverage_notices(snap))
    return findings


def _domain(url: str) -> str:
    from .hijack import registrable  # imported here: the hijack check may import this module

    return registrable(urlsplit(url).hostname or "")


def _coverage_notices(snap: Snapshot) -> list[Finding]:
    """What could not be read: targets too large or failing, the cap or the time budget reached."""
    cov = (snap.probes.get("coverage") or {}).get("harmful_links") or {}
    reasons = []
    if cov.get("too_large"):
        reasons.append(f"{cov['too_large']} 个外部页面超过读取上限")
    if cov.get("skipped"):
        reasons.append(f"{cov['skipped']} 个外部链接超过检查数量上限未读取")
    if cov.get("stopped"):
        reasons.append(str(cov["stopped"]))
    if not reasons:
        return []
    return [Finding(
        "crawl.incomplete", "notice", snap.home_url or snap.site.url,
        f"外部链接内容检查（链接指向违规网站）未覆盖全部链接：{'；'.join(reasons)}",
        {"check": "harmful", "error": "；".join(reasons), **{k: cov.get(k) for k in
         ("targets_eligible", "targets_fetched", "skipped", "too_large", "stopped")}},
    )]
