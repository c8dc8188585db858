"""What every check shares: its context and the way checks are listed and run."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..model import Finding, SiteEntry
from ..rules import Rules
from ..snapshot import Snapshot

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Context:
    """The inputs of a check besides the snapshot: inspection date, rule set, registry entry."""

    as_of: date
    rules: Rules
    site: SiteEntry
    # Registry accounts run by the site's unit (registry.AccountEntry), for cross-checks.
    accounts: tuple[Any, ...] = ()


CheckFn = Callable[[Snapshot, Context], Iterable[Finding]]

# Site checks in the order they run; each name is a module of this package exposing `check`.
# A new check is one new module plus one line here (or in the `checks` setting).
DEFAULT_SITE_CHECKS: tuple[str, ...] = (
    "availability", "freshness", "links", "wording", "privacy", "hijack", "identity", "transport",
    "required",
)


def load_check(name: str) -> CheckFn:
    """The `check` function of module ``govinspect.checks.<name>``."""
    module = importlib.import_module(f"{__package__}.{name}")
    fn: CheckFn = module.check
    return fn


def run_checks(snapshot: Snapshot, ctx: Context, names: Iterable[str] = DEFAULT_SITE_CHECKS) -> list[Finding]:
    """Run every named check; a check that fails becomes a notice, the others still run."""
    findings: list[Finding] = []
    for name in names:
        try:
            findings.extend(load_check(name)(snapshot, ctx))
        except Exception as exc:
            log.exception("check %s failed on %s", name, ctx.site.url)
            findings.append(
                Finding(
                    "crawl.incomplete", "notice", snapshot.home_url or ctx.site.url,
                    f"检查项 {name} 未能完成: {type(exc).__name__}",
                    {"check": name, "error": f"{type(exc).__name__}: {exc}"[:300]},
                )
            )
    return findings


def days_between(earlier: date, later: date) -> int:
    return (later - earlier).days
