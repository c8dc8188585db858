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

from ..http import Fetcher
from ..labels import ACCOUNT_VERDICT_LABELS
from ..model import AccountResult, Finding, Severity, Verdict
from ..registry import AccountEntry
from ..rules import Rules, load_rules
from ..settings import Settings
from . import checks
from .files import MessagesResult, read_messages
from .sources import SOURCES, SourceResult, source_for
from .summary import summary

log = logging.getLogger(__name__)

AccountKey = tuple[str, str]  # (platform, name): one name may be registered on several platforms


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
) -> AccountResult:
    """The result for one account; ``extra`` adds cross-account findings."""
    if checks.is_closed(account, as_of):
        label = ACCOUNT_VERDICT_LABELS["closed"]
        result = _base(account)
        result.verdict_label, result.summary, result.closed = label, label, True
        result.closed_on = account.closed_on.isoformat() if account.closed_on else None
        return result
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
    return _account_result(account, findings, posts, messages, as_of, rules)


async def inspect_accounts(
    accounts: Sequence[AccountEntry], settings: Settings, as_of: date, rules: Rules,
    fetcher: Fetcher, *, parallel: int = 8,
) -> list[AccountResult]:
    """Inspect every account, a few at a time, with the duplicate notices merged in; registry order."""
    cross = cross_account_findings(accounts, as_of, rules)
    sem = asyncio.Semaphore(parallel)

    async def one(account: AccountEntry) -> AccountResult:
        async with sem:
            return await inspect_account(account, settings, as_of, rules, fetcher,
                                         extra=cross.get(account_key(account), ()))

    return list(await asyncio.gather(*(one(a) for a in accounts)))


async def _read_posts(account: AccountEntry, fetcher: Fetcher, as_of: date, rules: Rules) -> SourceResult:
    if account.source.type not in SOURCES:
        return SourceResult(error=f"不支持的来源类型 {account.source.type}")
    return await source_for(account.source.type, rules.newmedia).posts(account, fetcher, as_of)


def _base(account: AccountEntry) -> AccountResult:
    return AccountResult(
        name=account.name,
        platform=account.platform,
        unit=account.unit,
        platform_id=account.platform_id,
        official_matrix=account.official_matrix,
        status=account.status,
        source=account.source.type,
    )


def _account_result(
    account: AccountEntry, findings: list[Finding], posts: SourceResult,
    messages: MessagesResult | None, as_of: date, rules: Rules,
) -> AccountResult:
    vetoed = any(f.severity == Severity.VETO for f in findings)
    verdict = Verdict.FAIL if vetoed else Verdict.PASS
    checked = posts.error is None and not (not posts.posts and posts.skipped)
    last = checks.last_post(posts.posts, as_of) if checked else None
    result = _base(account)
    result.verdict = verdict
    result.verdict_label = ACCOUNT_VERDICT_LABELS[verdict if checked or vetoed else "unchecked"]
    result.checked = checked
    result.last_post = last.isoformat() if last else None
    result.days_since_post = (as_of - last).days if last else None
    result.posts_30d = checks.posts_within(posts.posts, as_of, 30) if checked else None
    result.posts_read = len(posts.posts)
    result.dates_skipped = posts.skipped
    result.truncated = posts.truncated
    result.messages = _message_stats(messages, as_of, rules)
    result.summary = summary(findings, rules.newmedia)
    result.findings = findings
    return result


def _message_stats(messages: MessagesResult | None, as_of: date, rules: Rules) -> dict[str, Any] | None:
    if messages is None:
        return None
    if messages.error is not None:
        return {"error": messages.error}
    recent = checks.in_lookback(messages.messages, as_of, rules.newmedia.unanswered.lookback_days)
    answered = sum(1 for m in recent if checks.answered_by(m, as_of))
    return {"total": len(recent), "answered": answered, "unanswered": len(recent) - answered}
