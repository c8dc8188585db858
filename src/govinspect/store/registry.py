"""The registry in the database: import a registry file's entries, read them back, export them.

A site is identified by its normalised URL (``registry.fields.url_key``), an account by
(platform, name). Re-importing updates rows in place; a site or account missing from the
imported file is archived (``archived_at``), never deleted, and restored when it comes back.
A file that lists no accounts at all (a sites list) leaves the accounts as they are, and the
other way round, so that offices may keep their site and account lists in separate files.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from ..errors import RegistryError, UsageError
from ..model import SiteEntry
from ..registry import AccountEntry, Registry, RegistryErrors, SourceSpec, check_record_files
from ..registry.fields import url_key
from ..registry.writer import write_registry
from .db import Store, StoreError
from .tables import Account, Site, Unit

# Column widths of the stored tables: longer values are refused before anything is written.
_LIMITS = {"name": 200, "unit": 200, "url": 1000, "search_url": 1000, "platform_id": 200}
_REF_LIMIT = 500


@dataclass(slots=True)
class Counts:
    """What one import did to one kind of entry."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    archived: int = 0
    restored: int = 0


@dataclass(slots=True)
class ImportReport:
    """The counts of one registry import (or of a dry run of it)."""

    sites: Counts = field(default_factory=Counts)
    accounts: Counts = field(default_factory=Counts)
    units_added: int = 0
    dry_run: bool = False
    kinds: tuple[str, ...] = ("site", "account")  # the kinds the file listed (the others were left alone)


class _DryRun(Exception):
    """Raised inside the import's transaction to roll a dry run back."""


def import_registry(store: Store, registry: Registry, *, source: str, dry_run: bool = False) -> ImportReport:
    """Bring the store's registry in line with ``registry`` in one transaction; ``source`` names the file."""
    check_record_files(registry.accounts)
    _check_lengths(registry)
    kinds = tuple(k for k, present in (("site", registry.sites), ("account", registry.accounts)) if present)
    report = ImportReport(dry_run=dry_run, kinds=kinds)
    now = datetime.now().replace(microsecond=0)
    try:
        with store.session() as s:
            units = _Units(s, report)
            # A file of one kind only (a 网站名单 without accounts) leaves the other kind alone.
            if registry.sites:
                _import_sites(s, registry.sites, units, report.sites, now, _refs(registry, source))
            if registry.accounts:
                _import_accounts(s, registry.accounts, units, report.accounts, now, _refs(registry, source))
            s.flush()
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    except IntegrityError:
        raise StoreError("导入时数据库中的注册信息被同时修改(可能有另一个导入在进行)，请稍后重试") from None
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        raise StoreError(f"无法写入数据库 {store.url}: {reason}；请稍后重试") from None
    return report


class _Units:
    """Units by name, created on first use."""

    def __init__(self, s: Session, report: ImportReport):
        self.s, self.report = s, report
        self.by_name = {u.name: u for u in s.scalars(select(Unit))}

    def id(self, name: str | None) -> int | None:
        if not name:
            return None
        unit = self.by_name.get(name)
        if unit is None:
            unit = self.by_name[name] = Unit(name=name)
            self.s.add(unit)
            self.s.flush()
            self.report.units_added += 1
        elif unit.archived_at is not None:
            unit.archived_at = None
        return unit.id


def _refs(registry: Registry, source: str) -> Any:
    prefix = str(registry.path) if registry.path is not None else None

    def ref(written: str | None) -> str:
        if written and prefix and written.startswith(prefix):
            written = source + written[len(prefix):]
        return (written or source)[-_REF_LIMIT:]

    return ref


def _apply(row: Any, values: dict[str, Any], counts: Counts, now: datetime) -> None:
    changed = any(getattr(row, k) != v for k, v in values.items())
    for key, value in values.items():
        setattr(row, key, value)
    if row.archived_at is not None:
        row.archived_at = None
        row.updated_at = now
        counts.restored += 1
    elif changed:
        row.updated_at = now
        counts.updated += 1
    else:
        counts.unchanged += 1


def _import_sites(
    s: Session, sites: list[SiteEntry], units: _Units, counts: Counts, now: datetime, ref: Any
) -> None:
    stored = {url_key(row.url): row for row in s.scalars(select(Site).order_by(Site.id))}
    seen: set[int] = set()
    for entry in sites:
        values = {
            "name": entry.name, "url": entry.url, "unit_id": units.id(entry.unit), "level": entry.level,
            "site_code": entry.site_code, "search_url": entry.search_url, "overrides": dict(entry.overrides),
        }
        row = stored.get(url_key(entry.url))
        if row is None:
            row = Site(**values, created_at=now, updated_at=now)
            s.add(row)
            counts.added += 1
        else:
            _apply(row, values, counts, now)
        row.source_ref = ref(entry.source)
        s.flush()
        seen.add(row.id)
    counts.archived += _archive((r for r in stored.values() if r.id not in seen), now)


def _import_accounts(
    s: Session, accounts: list[AccountEntry], units: _Units, counts: Counts, now: datetime, ref: Any
) -> None:
    stored = {(row.platform, row.name): row for row in s.scalars(select(Account).order_by(Account.id))}
    seen: set[int] = set()
    for entry in accounts:
        values = {
            "unit_id": units.id(entry.unit), "platform_id": entry.platform_id,
            "source": _spec_dict(entry.source), "messages": _spec_dict(entry.messages) if entry.messages else None,
            "official_matrix": entry.official_matrix, "status": entry.status, "closed_on": entry.closed_on,
            "closed_kind": entry.closed_kind,
        }
        row = stored.get((entry.platform, entry.name))
        if row is None:
            row = Account(name=entry.name, platform=entry.platform, **values, created_at=now, updated_at=now)
            s.add(row)
            counts.added += 1
        else:
            _apply(row, values, counts, now)
        row.source_ref = ref(entry.source_ref)
        s.flush()
        seen.add(row.id)
    counts.archived += _archive((r for r in stored.values() if r.id not in seen), now)


def _archive(rows: Iterable[Any], now: datetime) -> int:
    count = 0
    for row in rows:
        if row.archived_at is None:
            row.archived_at = now
            count += 1
    return count


def _spec_dict(spec: SourceSpec) -> dict[str, Any]:
    # Paths are absolute already (resolved against the registry file's folder while loading).
    return {"type": spec.type, "url": spec.url, "path": str(Path(spec.path).absolute()) if spec.path else None}


def _spec(data: dict[str, Any] | None) -> SourceSpec | None:
    if not data:
        return None
    path = data.get("path")
    return SourceSpec(data.get("type") or "file", url=data.get("url"), path=Path(path) if path else None)


def _check_lengths(registry: Registry) -> None:
    errors: list[RegistryError] = []
    entries: list[SiteEntry | AccountEntry] = [*registry.sites, *registry.accounts]
    for entry in entries:
        for name, limit in _LIMITS.items():
            value = getattr(entry, name, None)
            if isinstance(value, str) and len(value) > limit:
                ref = entry.source if isinstance(entry, SiteEntry) else entry.source_ref
                file, _, row = (ref or str(registry.path)).rpartition(":")
                errors.append(RegistryError(file or row, f"超过 {limit} 个字符，无法存入数据库",
                                            int(row) if row.isdigit() else None, name))
    if errors:
        raise RegistryErrors(errors)


# --- reading the registry back ---------------------------------------------------------------


def registered(store: Store, *, include_archived: bool = False) -> Registry:
    """The registered sites and accounts as registry entries (for inspect and export)."""
    with store.session() as s:
        units = {u.id: u.name for u in s.scalars(select(Unit))}
        site_q = select(Site).order_by(Site.id)
        account_q = select(Account).order_by(Account.id)
        if not include_archived:
            site_q = site_q.where(Site.archived_at.is_(None))
            account_q = account_q.where(Account.archived_at.is_(None))
        sites = [_site_entry(row, units) for row in s.scalars(site_q)]
        accounts = [_account_entry(row, units) for row in s.scalars(account_q)]
    return Registry(sites, accounts)


def _site_entry(row: Site, units: dict[int, str]) -> SiteEntry:
    return SiteEntry(
        name=row.name, url=row.url, unit=units.get(row.unit_id) if row.unit_id else None, level=row.level,
        site_code=row.site_code, search_url=row.search_url, source=row.source_ref,
        overrides=dict(row.overrides or {}),
    )


def _account_entry(row: Account, units: dict[int, str]) -> AccountEntry:
    source = _spec(row.source) or SourceSpec("rss")
    return AccountEntry(
        name=row.name, platform=row.platform, source=source,
        unit=units.get(row.unit_id) if row.unit_id else None, messages=_spec(row.messages),
        platform_id=row.platform_id, official_matrix=row.official_matrix, status=row.status,
        closed_on=row.closed_on, closed_kind=row.closed_kind, source_ref=row.source_ref,
    )


def site_ids(store: Store, *, include_archived: bool = True) -> dict[str, int]:
    """Store ids of the registered sites, keyed by ``SiteEntry.url``."""
    with store.session() as s:
        q = select(Site.url, Site.id)
        if not include_archived:
            q = q.where(Site.archived_at.is_(None))
        return {url: id_ for url, id_ in s.execute(q)}


def account_ids(store: Store, *, include_archived: bool = True) -> dict[tuple[str, str], int]:
    """Store ids of the registered accounts, keyed by (platform, name)."""
    with store.session() as s:
        q = select(Account.platform, Account.name, Account.id)
        if not include_archived:
            q = q.where(Account.archived_at.is_(None))
        return {(platform, name): id_ for platform, name, id_ in s.execute(q)}


def site_by_name(store: Store, name: str) -> SiteEntry:
    """The registered site named ``name`` (exact name, else its URL), or a one-line error with close names."""
    wanted = name.strip()
    sites = registered(store).sites
    for site in sites:
        if site.name == wanted:
            return site
    key = _loose_key(wanted)
    for site in sites:
        if key and _loose_key(site.url) == key:
            return site
    if not sites:
        raise UsageError("数据库中没有登记任何网站；请先运行 govinspect sites import FILE")
    names = [s.name for s in sites]
    close = difflib.get_close_matches(wanted, names, n=5, cutoff=0.3)
    close += [n for n in names if wanted and wanted in n and n not in close][: 5 - len(close)]
    hint = f"，相近的名称: {'、'.join(close)}" if close else "；用 govinspect sites list 查看已登记的网站"
    raise UsageError(f"未找到已登记的网站“{wanted}”{hint}")


def _loose_key(value: str) -> str:
    """A URL key for a URL as typed: the scheme may be missing."""
    if not value or " " in value:
        return ""
    try:
        return url_key(value if "://" in value else "http://" + value)
    except ValueError:
        return ""


def export_registry(store: Store, path: Path, *, include_archived: bool = False) -> Registry:
    """Write the registered entries to ``path`` (YAML, CSV or XLSX by suffix); returns what was written."""
    registry = registered(store, include_archived=include_archived)
    if not registry.sites and not registry.accounts:
        raise UsageError("数据库中没有登记任何网站或新媒体账号，无可导出；请先运行 govinspect sites import FILE")
    write_registry(registry, Path(path))
    return registry
