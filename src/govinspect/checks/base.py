"""What every check shares: its context and the way checks are listed and run.

A check is a module of this package exposing ``check(snap, ctx) -> Iterable[Finding]``. A check
that looks at every page also exposes ``visitor(snap, ctx) -> PageVisitor``: ``run_checks``
then reads the pages once for all such checks, handing each page to every visitor, and asks
each visitor for its findings at the end. Such a module keeps ``check`` as
``walk(snap, visitor(snap, ctx))`` for callers that run it alone.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from ..model import Finding, Page, SiteEntry
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


class PageVisitor(Protocol):
    """A check that sees the stored pages one at a time, in ``Snapshot.pages()`` order.

    ``visit`` is called once per page and must not keep the pages (memory stays flat);
    ``finish`` is called once after the last page and gives the check's findings. A visitor that
    does nothing with most pages may name, as ``having``, the page fields of which a page must
    have one set (not None) to matter to it; when every visitor of a pass names them, only those
    pages are decoded (``Snapshot.pages(having=...)``), else it still sees every page.
    """

    def visit(self, page: Page) -> None: ...

    def finish(self) -> Iterable[Finding]: ...


VisitorFn = Callable[[Snapshot, Context], PageVisitor]

# Site checks in the order they run; each name is a module of this package exposing `check`
# (and `visitor` when it walks the pages). A new check is one new module plus one line here
# (or in the `checks` setting).
DEFAULT_SITE_CHECKS: tuple[str, ...] = (
    "availability", "freshness", "links", "wording", "privacy", "hijack", "identity", "transport",
    "required", "services", "interaction", "policy", "sitesearch",
    "sandbox",
    "harmful",
)


def known_checks() -> tuple[str, ...]:
    """Names of every site check module (those with a ``check`` or ``visitor`` function)."""
    import pkgutil

    package = importlib.import_module(__package__).__path__
    return tuple(sorted(info.name for info in pkgutil.iter_modules(package) if _has_check(_module(info.name))))


def is_check(name: str) -> bool:
    """True when ``govinspect.checks.<name>`` is a site check; imports that module alone.

    ``known_checks`` imports every module of the package (2.4 MB of code and word-list
    machinery) to list them: a run of a few checks validates its names with this instead.
    """
    if not name.isidentifier() or importlib.util.find_spec(f"{__package__}.{name}") is None:
        return False
    return _has_check(_module(name))


def _has_check(module: Any) -> bool:
    return callable(getattr(module, "check", None)) or callable(getattr(module, "visitor", None))


# A check's own top-level ``PAGES_ONLY = True`` line and its ``check``/``visitor`` function, as
# ``pages_only`` reads them from the module's source.
_PAGES_ONLY_LINE = re.compile(r"^PAGES_ONLY(?:\s*:\s*[\w.\[\]]+)?\s*=\s*True\s*(?:#.*)?$", re.M)
_CHECK_DEF = re.compile(r"^(?:def\s+(?:check|visitor)\s*\(|(?:check|visitor)\s*=)", re.M)


def pages_only(name: str) -> bool:
    """True when module ``govinspect.checks.<name>`` declares ``PAGES_ONLY = True``: its findings
    depend on the stored pages, the home URL and the context alone, never on the columns, the
    probes, the crawl's figures, its scope or the link statuses. Such a check may run as soon as
    the crawl has stored its last page, while the crawl process still builds the columns and runs
    the probes (service.py); a snapshot opened for it then refuses to give those (``Snapshot.open``,
    ``pages_only``). False for a name that is not such a module.

    A module not imported yet is not imported for this: the declaration is read from its source
    (a top-level ``PAGES_ONLY = True`` line beside a ``check`` or ``visitor`` function).
    ``service.plan_checks`` asks before the crawl starts, for every check of the run, most of
    which a parse worker runs: importing them all there cost the crawl process 46 ms and 1.5 MB
    before its first request. A module shipped without its source is imported and asked.
    """
    try:
        if name.isidentifier() and f"{__package__}.{name}" not in sys.modules:
            source = _source(name)
            if source is not None:
                return _PAGES_ONLY_LINE.search(source) is not None and _CHECK_DEF.search(source) is not None
        return is_check(name) and getattr(_module(name), "PAGES_ONLY", False) is True
    except Exception:  # a module that fails to import: its check fails with its notice when run
        return False


def _source(name: str) -> str | None:
    """The source text of module ``govinspect.checks.<name>``, None when there is none to read."""
    spec = importlib.util.find_spec(f"{__package__}.{name}")
    get_source = getattr(spec.loader, "get_source", None) if spec is not None else None
    return get_source(spec.name) if get_source is not None and spec is not None else None


def load_check(name: str) -> CheckFn:
    """The `check` function of module ``govinspect.checks.<name>``."""
    fn: CheckFn = _module(name).check
    return fn


def load_visitor(name: str) -> VisitorFn | None:
    """The `visitor` factory of module ``govinspect.checks.<name>``, None for a plain check."""
    fn: VisitorFn | None = getattr(_module(name), "visitor", None)
    return fn


def _module(name: str) -> Any:
    return importlib.import_module(f"{__package__}.{name}")


def walk(snap: Snapshot, visitor: PageVisitor) -> list[Finding]:
    """Run one visitor alone: every page of the snapshot (that it has a use for), then its findings."""
    for page in snap.pages(having=_having([visitor])):
        visitor.visit(page)
    return list(visitor.finish())


def _having(visitors: Iterable[PageVisitor]) -> tuple[str, ...]:
    """The fields a page must have one of to matter to any of ``visitors``; () when one wants every page."""
    fields: dict[str, None] = {}
    for visitor in visitors:
        having = getattr(visitor, "having", None)
        if not having:
            return ()
        fields.update(dict.fromkeys(having))
    return tuple(fields)


@dataclass(slots=True)
class _Slot:
    """One named check during ``run_checks``: a visitor, or a plain check, or its failure."""

    name: str
    visitor: PageVisitor | None = None
    check: CheckFn | None = None
    error: Exception | None = None


def run_checks(snapshot: Snapshot, ctx: Context, names: Iterable[str] = DEFAULT_SITE_CHECKS) -> list[Finding]:
    """Run every named check; a check that fails becomes a notice, the others still run.

    The pages are read once, shared by every check that has a visitor; findings come in the
    order of ``names``.
    """
    return [f for found in run_checks_each(snapshot, ctx, names) for f in found]


def run_checks_each(snapshot: Snapshot, ctx: Context, names: Iterable[str]) -> list[list[Finding]]:
    """``run_checks``, the findings of each name apart (one list per name, in the order of ``names``)."""
    slots: list[_Slot] = []
    for name in names:
        slot = _Slot(name)
        try:
            make = load_visitor(name)
            if make is not None:
                slot.visitor = make(snapshot, ctx)
            else:
                slot.check = load_check(name)
        except Exception as exc:
            _failed(slot, exc, ctx)
        slots.append(slot)
    _visit_pages(snapshot, ctx, [(s, s.visitor) for s in slots if s.visitor is not None and s.error is None])
    out: list[list[Finding]] = []
    for slot in slots:
        findings: list[Finding] = []
        if slot.error is None:
            try:
                if slot.visitor is not None:
                    findings.extend(slot.visitor.finish())
                elif slot.check is not None:
                    findings.extend(slot.check(snapshot, ctx))
            except Exception as exc:
                _failed(slot, exc, ctx)
        if slot.error is not None:
            findings.append(_incomplete(snapshot, ctx, slot.name, slot.error))
        out.append(findings)
    return out


def _visit_pages(snapshot: Snapshot, ctx: Context, live: list[tuple[_Slot, PageVisitor]]) -> None:
    """One pass over the pages for every visitor; a visitor that raises is left out from then on."""
    if not live:
        return
    try:
        for page in snapshot.pages(having=_having(visitor for _, visitor in live)):
            for slot, visitor in live:
                if slot.error is None:
                    try:
                        visitor.visit(page)
                    except Exception as exc:
                        _failed(slot, exc, ctx)
            if all(slot.error is not None for slot, _ in live):
                return
    except Exception as exc:  # reading the pages failed: every check still walking fails with it
        for slot, _ in live:
            if slot.error is None:
                _failed(slot, exc, ctx)


def _failed(slot: _Slot, exc: Exception, ctx: Context) -> None:
    log.exception("check %s failed on %s", slot.name, ctx.site.url)
    slot.error = exc


def _incomplete(snapshot: Snapshot, ctx: Context, name: str, exc: Exception) -> Finding:
    return Finding(
        "crawl.incomplete", "notice", snapshot.home_url or ctx.site.url,
        f"检查项 {name} 未能完成: {type(exc).__name__}",
        {"check": name, "error": f"{type(exc).__name__}: {exc}"[:300]},
    )
