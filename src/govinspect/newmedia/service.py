"""Inspect new-media accounts: read posts and messages, run the checks, build each account object.

Every account is isolated: whatever goes wrong while reading or checking one account
becomes a notice on that account, and the others are inspected as usual.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from ..crawl.fetch import Fetcher
from ..model import Finding
from ..registry import AccountEntry
from ..rules import Rules, load_rules
from ..settings import Settings
from . import checks
from .files import MessagesResult, read_messages
from .sources import SOURCES, SourceResult, source_for
from .summary import summary

log = logging.getLogger(__name__)

AccountKey = tuple[str, str]  # (platform, name): one name may be registered on several platforms
VERDICT_LABELS = {"pass": "合格", "fail": "单项否决"}


def account_key(account: AccountEntry) -> AccountKey:
    """The identity of an account in a registry: its platform and name."""
    return (account.platform, account.name)


def cross_account_findings(
    accounts: Sequence[AccountEntry], as_of: date | None = None, rules: Rules | None = None
) -> dict[AccountKey, list[Finding]]:
    """Findings that need every account at once (duplicates), keyed by ``account_key``."""
    rules = rules or load_rules()
    return checks.duplicate_findings(accounts, as_of or date.today(), rules.newmedia)


async def inspect_account(
    account: AccountEntry, settings: Settings, as_of: date, rules: Rules, fetcher: Fetcher,
    *, extra: Iterable[Finding] = (),
) -> dict[str, Any]:
    """The contract's account object for one account; ``extra`` adds cross-account findings."""
    base = _base(account)
    if checks.is_closed(account, as_of):
        closed = account.closed_on.isoformat() if account.closed_on else None
        return {**base, "verdict": "pass", "verdict_label": "已关停", "checked": False,
                "closed_on": closed, "last_post": None, "days_since_post": None, "posts_30d": None,
                "posts_read": 0, "dates_skipped": 0, "truncated": False, "messages": None,
                "summary": "已关停", "findings": []}
    try:
        posts, messages = await asyncio.gather(
            _read_posts(account, fetcher, as_of, rules), read_messages(account)
        )
        findings = checks.post_findings(posts, as_of, rules.newmedia)
        findings += checks.message_findings(messages, as_of, rules.newmedia)
    except Exception as exc:  # one account never stops the others
        log.exception("account %s failed", account.name)
        error = f"{type(exc).__name__}: {exc}"[:300]
        posts, messages = SourceResult(error=error), None
        findings = [Finding("newmedia.stale", "notice", None,
                            f"检查过程出错，账号未能完成检查: {type(exc).__name__}", {"error": error})]
    findings += list(extra)
    return _account_object(base, findings, posts, messages, as_of, rules)


async def inspect_accounts(
    accounts: Sequence[AccountEntry], settings: Settings, as_of: date, rules: Rules,
    fetcher: Fetcher, *, parallel: int = 8,
) -> list[dict[str, Any]]:
    """Inspect every account, a few at a time, with the duplicate notices merged in; registry order."""
    cross = cross_account_findings(accounts, as_of, rules)
    sem = asyncio.Semaphore(parallel)

    async def one(account: AccountEntry) -> dict[str, Any]:
        async with sem:
            return await inspect_account(account, settings, as_of, rules, fetcher,
                                         extra=cross.get(account_key(account), ()))

    return list(await asyncio.gather(*(one(a) for a in accounts)))


async def _read_posts(account: AccountEntry, fetcher: Fetcher, as_of: date, rules: Rules) -> SourceResult:
    if account.source.type not in SOURCES:
        return SourceResult(error=f"不支持的来源类型 {account.source.type}")
    return await source_for(account.source.type, rules.newmedia).posts(account, fetcher, as_of)


def _base(account: AccountEntry) -> dict[str, Any]:
    return {
        "name": account.name,
        "platform": account.platform,
        "unit": account.unit,
        "platform_id": account.platform_id,
        "official_matrix": account.official_matrix,
        "status": account.status,
        "source": account.source.type,
    }


def _account_object(
    base: dict[str, Any], findings: list[Finding], posts: SourceResult,
    messages: MessagesResult | None, as_of: date, rules: Rules,
) -> dict[str, Any]:
    vetoed = any(f.severity == "veto" for f in findings)
    verdict = "fail" if vetoed else "pass"
    checked = posts.error is None and not (not posts.posts and posts.skipped)
    last = checks.last_post(posts.posts, as_of) if checked else None
    label = VERDICT_LABELS[verdict] if checked or vetoed else "未能检查"
    return {
        **base,
        "verdict": verdict,
        "verdict_label": label,
        "checked": checked,
        "last_post": last.isoformat() if last else None,
        "days_since_post": (as_of - last).days if last else None,
        "posts_30d": checks.posts_within(posts.posts, as_of, 30) if checked else None,
        "posts_read": len(posts.posts),
        "dates_skipped": posts.skipped,
        "truncated": posts.truncated,
        "messages": _message_stats(messages, as_of, rules),
        "summary": summary(findings, rules.newmedia),
        "findings": [f.to_dict() for f in findings],
    }


def _message_stats(messages: MessagesResult | None, as_of: date, rules: Rules) -> dict[str, Any] | None:
    if messages is None:
        return None
    if messages.error is not None:
        return {"error": messages.error}
    recent = checks.in_lookback(messages.messages, as_of, rules.newmedia.unanswered.lookback_days)
    answered = sum(1 for m in recent if checks.answered_by(m, as_of))
    return {"total": len(recent), "answered": answered, "unanswered": len(recent) - answered}
