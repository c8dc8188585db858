"""Broken links (link.broken): every target checked once, reported once with its referrers."""

from __future__ import annotations

from collections.abc import Iterator

from ..labels import describe
from ..model import Finding
from ..snapshot import Snapshot
from .base import Context

_REFERRER_SAMPLE = 10


def check(snap: Snapshot, ctx: Context) -> Iterator[Finding]:
    home = snap.home_url
    for status in snap.targets():
        if not status.broken or status.target == home:
            continue
        referrers = snap.referrers(status.target, _REFERRER_SAMPLE)
        if not referrers:
            continue  # a redirect hop or the home page itself, not a link on the site
        on_home = home in referrers
        where = referrers[0]
        what = describe(status.status, status.error, status.detail)
        count = snap.referrer_count(status.target)
        evidence: dict[str, object] = {
            "target": status.target,
            "internal": status.internal,
            "on_home": on_home,
            "referrers": referrers,
            "referrer_count": count,
            "method": status.method,
        }
        if status.error:
            evidence["error"] = status.error
            if status.detail:
                evidence["detail"] = status.detail
        if status.status is not None:
            evidence["status"] = status.status
        kind = "站内" if status.internal else "外部"
        place = "首页" if on_home else "页面"
        more = f"等 {count} 个页面" if count > 1 else ""
        yield Finding(
            "link.broken", "deduct", where,
            f"{place}{more}存在不可用{kind}链接 {status.target}({what})", evidence,
        )
