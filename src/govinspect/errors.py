"""The one exception tree of govinspect.

    GovinspectError            anything govinspect raises on purpose
    ├── UsageError             bad arguments or settings            -> exit 2
    │   └── RegistryError      an unreadable registry file or row   -> exit 2
    └── FetchError             one request failed (kind + detail); caught inside the crawl

Messages of UsageError and RegistryError are for users and are Chinese; they name the
file, row and field where one applies.
"""

from __future__ import annotations


class GovinspectError(Exception):
    """Base of all errors govinspect raises on purpose."""


class UsageError(GovinspectError):
    """Bad command-line arguments or settings."""


class RegistryError(UsageError):
    """A registry file that cannot be read, or a row in it that is invalid."""

    def __init__(self, file: str, message: str, row: int | None = None, field: str | None = None):
        self.file, self.row, self.field = file, row, field
        where = file
        if row is not None:
            where += f" 第{row}行"
        if field is not None:
            where += f" 字段 {field}"
        super().__init__(f"{where}: {message}")


class FetchError(GovinspectError):
    """One request that failed; ``kind`` is one of model.ErrorKind."""

    def __init__(self, kind: str, detail: str = "", status: int | None = None):
        self.kind, self.detail, self.status = kind, detail, status
        super().__init__(f"{kind}: {detail}" if detail else kind)
