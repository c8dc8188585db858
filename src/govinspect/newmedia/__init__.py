"""Government new-media accounts: sources of posts (rss, weibo, file) and the account checks.

``inspect_accounts`` (or ``inspect_account`` plus ``cross_account_findings``) is what the
service calls; sources register themselves by registry type name in ``SOURCES``.
"""

from . import feeds, files, weibo  # noqa: F401  (each registers its source)
from .files import check_files
from .service import account_key, cross_account_findings, inspect_account, inspect_accounts
from .sources import SOURCES, Post, Source, SourceResult, register, source_for

__all__ = [
    "SOURCES",
    "Post",
    "Source",
    "SourceResult",
    "account_key",
    "check_files",
    "cross_account_findings",
    "inspect_account",
    "inspect_accounts",
    "register",
    "source_for",
]
