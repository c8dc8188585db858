"""Account checks: pure functions of posts, interaction records, the date and the rule set.

Codes (contract section 4 plus additions): ``newmedia.stale`` (veto: no post within the
rule's days; a notice with ``evidence.error`` when the posts could not be read),
``newmedia.low_frequency`` (deduct: fewer posts in the window than the minimum),
``newmedia.dormant`` and ``newmedia.duplicate`` (notices for the cleanup list),
``newmedia.unanswered`` and ``newmedia.auto_reply``. Thresholds: ``rules.yaml`` newmedia.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from difflib import SequenceMatcher

from ..model import Finding
from ..registry import AccountEntry, MessageRecord
from ..rules import AutoReplyRules, NewMediaRules, UnansweredRules
from .files import MessagesResult
from .sources import Post, SourceResult

PLATFORM_NAMES = {"wechat": "微信", "weibo": "微博", "douyin": "抖音", "toutiao": "今日头条",
                  "other": "其他平台"}
MAX_CLUSTERS = 200  # distinct reply texts compared for similarity; auto-replies cluster early
MAX_IDS = 10


def is_closed(account: AccountEntry, as_of: date) -> bool:
    """Whether the account was closed on or before ``as_of`` (closed accounts are not checked)."""
    return account.status == "closed" and (account.closed_on is None or account.closed_on <= as_of)


def last_post(posts: Sequence[Post], as_of: date) -> date | None:
    """The day of the latest post on or before ``as_of``; later dates never count."""
    return max((p.published.date() for p in posts if p.published.date() <= as_of), default=None)


def posts_within(posts: Sequence[Post], as_of: date, days: int) -> int:
    """Posts published in the ``days`` days ending on ``as_of``."""
    start = as_of - timedelta(days=days)
    return sum(1 for p in posts if start < p.published.date() <= as_of)


def post_findings(result: SourceResult, as_of: date, rules: NewMediaRules) -> list[Finding]:
    """Stale, dormant and low-frequency findings, or a notice when the posts could not be read."""
    if result.error is not None or (not result.posts and result.skipped):
        error = result.error or f"{result.skipped} 条发布信息的时间无法识别"
        evidence: dict[str, object] = {"error": error, "last_post": None, "days": None}
        if result.problems:
            evidence["problems"] = result.problems
        return [Finding("newmedia.stale", "notice", None, f"未能读取发布信息，更新情况未检查: {error}",
                        evidence)]
    last = last_post(result.posts, as_of)
    days = (as_of - last).days if last else None
    found: list[Finding] = []
    stale = rules.stale.days
    if days is None or days > stale:
        text = "账号没有任何发布记录" if last is None else f"最近一次发布于 {last}，已 {days} 天未更新"
        found.append(Finding("newmedia.stale", rules.stale.severity, None,
                             f"{text}(要求 {stale} 天内有更新)",
                             {"last_post": last, "days": days, "threshold": stale}))
    if days is None or days > rules.dormant_days:
        found.append(Finding(
            "newmedia.dormant", "notice", None,
            f"超过 {rules.dormant_days} 天无更新，属于长期不更新账号，应整改或按程序关停整合",
            {"last_post": last, "days": days, "threshold": rules.dormant_days},
        ))
    freq = rules.frequency
    count = posts_within(result.posts, as_of, freq.window_days)
    # A stale account is penalised once (indicators.md: not penalised again elsewhere).
    if not found and count < freq.min_posts:
        found.append(Finding(
            "newmedia.low_frequency", freq.severity, None,
            f"近 {freq.window_days} 天仅发布 {count} 条信息，低于 {freq.min_posts} 条的更新要求",
            {"posts": count, "window_days": freq.window_days, "min_posts": freq.min_posts,
             "last_post": last, "days": days},
        ))
    return found


def message_findings(result: MessagesResult | None, as_of: date, rules: NewMediaRules) -> list[Finding]:
    """Unanswered and auto-reply findings, or a notice when the records could not be read."""
    if result is None:
        return []
    if result.error is not None:
        return [Finding("newmedia.unanswered", "notice", None,
                        f"互动留言记录未能读取，留言回复检查未执行: {result.error}",
                        {"error": result.error, "problems": result.problems})]
    recent = in_lookback(result.messages, as_of, rules.unanswered.lookback_days)
    found = [f for f in (unanswered(recent, as_of, rules.unanswered),
                         auto_reply(recent, as_of, rules.auto_reply)) if f is not None]
    return found


def in_lookback(messages: Sequence[MessageRecord], as_of: date, days: int) -> list[MessageRecord]:
    """Messages received in the ``days`` days ending on ``as_of``."""
    start = as_of - timedelta(days=days)
    return [m for m in messages if start < m.received.date() <= as_of]


def answered_by(message: MessageRecord, as_of: date) -> bool:
    """Whether the message had an answer on ``as_of`` (answers dated later did not exist yet)."""
    if not message.answered:
        return False
    return message.reply_time is None or message.reply_time.date() <= as_of


def waiting_days(received: date, as_of: date, working_days: bool) -> int:
    """Days a message has waited: calendar days, or Monday-Friday days after it came in."""
    if not working_days:
        return (as_of - received).days
    return sum(1 for n in range(1, (as_of - received).days + 1)
               if (received + timedelta(days=n)).weekday() < 5)


def unanswered(messages: Sequence[MessageRecord], as_of: date, rule: UnansweredRules) -> Finding | None:
    """One finding for every message still without an answer past the reply period."""
    late = [m for m in messages if not answered_by(m, as_of)
            and waiting_days(m.received.date(), as_of, rule.working_days) > rule.reply_days]
    if not late:
        return None
    late.sort(key=lambda m: m.received)
    oldest = late[0]
    days = (as_of - oldest.received.date()).days
    severity = "veto" if rule.veto_days is not None and days > rule.veto_days else rule.severity
    unit = "个工作日" if rule.working_days else "天"
    return Finding(
        "newmedia.unanswered", severity, None,
        f"{len(late)} 条留言超过 {rule.reply_days} {unit}未回复，最早一条留言于 "
        f"{oldest.received:%Y-%m-%d}，已 {days} 天",
        {"received": f"{oldest.received:%Y-%m-%d %H:%M:%S}", "days": days, "count": len(late),
         "threshold": rule.reply_days, "ids": [m.id for m in late[:MAX_IDS]]},
    )


def normalise_reply(text: str) -> str:
    """Reply text without spaces, punctuation and symbols, case-folded, for comparison."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold()
                   if not unicodedata.category(ch).startswith(("P", "S", "Z", "C")))


def _instant(message: MessageRecord, max_seconds: float) -> bool:
    received, replied = message.received, message.reply_time
    if replied is None or (_midnight(received) and _midnight(replied)):
        return False  # date-only exports say nothing about seconds
    return 0 <= (replied - received).total_seconds() <= max_seconds


def _midnight(value: datetime) -> bool:
    return (value.hour, value.minute, value.second) == (0, 0, 0)


def auto_reply(messages: Sequence[MessageRecord], as_of: date, rule: AutoReplyRules) -> Finding | None:
    """A finding when most answers are one near-identical text sent within seconds."""
    answered = [m for m in messages if answered_by(m, as_of)]
    instant = [m for m in answered if _instant(m, rule.max_seconds)]
    clusters: list[tuple[str, list[MessageRecord]]] = []
    for message in instant:
        text = normalise_reply(message.reply)
        for rep, members in clusters:
            if text == rep or _similar(rep, text, rule.similarity):
                members.append(message)
                break
        else:
            if len(clusters) < MAX_CLUSTERS:
                clusters.append((text, [message]))
    if not clusters or not answered:
        return None
    _, members = max(clusters, key=lambda c: len(c[1]))
    ratio = len(members) / len(answered)
    if len(members) < rule.min_messages or ratio < rule.min_ratio:
        return None
    sample = members[0].reply.strip()
    quoted = sample if len(sample) <= 30 else sample[:30] + "…"
    return Finding(
        "newmedia.auto_reply", rule.severity, None,
        f"{len(answered)} 条已回复留言中 {len(members)} 条({ratio:.0%})是 {rule.max_seconds:g} 秒内发出的"
        f"同一自动回复：“{quoted}”",
        {"ratio": round(ratio, 2), "sample": sample[:200], "count": len(members),
         "answered": len(answered), "max_seconds": rule.max_seconds},
    )


def _similar(a: str, b: str, threshold: float) -> bool:
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return matcher.real_quick_ratio() >= threshold and matcher.quick_ratio() >= threshold \
        and matcher.ratio() >= threshold


def duplicate_findings(
    accounts: Sequence[AccountEntry], as_of: date, rules: NewMediaRules
) -> dict[tuple[str, str], list[Finding]]:
    """Notices for every active account sharing its unit and platform with another, by (platform, name)."""
    groups: dict[tuple[str, str], list[AccountEntry]] = {}
    for account in accounts:
        if account.unit and account.platform in rules.duplicate_platforms \
                and not is_closed(account, as_of):
            groups.setdefault((account.unit, account.platform), []).append(account)
    found: dict[tuple[str, str], list[Finding]] = {}
    for (unit, platform), group in groups.items():
        if len(group) < 2:
            continue
        for account in group:
            others = [o.name for o in group if o is not account]
            where = PLATFORM_NAMES.get(platform, platform)
            found.setdefault((account.platform, account.name), []).append(Finding(
                "newmedia.duplicate", "notice", None,
                f"{unit}在{where}开设了多个账号(另有: {'、'.join(others)})，属于重复建设，应整合",
                {"unit": unit, "platform": platform, "others": others},
            ))
    return found
