"""Read and validate registry files (sites and accounts) and the record files they point to.

YAML follows contract section 2. CSV and XLSX carry the same fields as columns (see
``columns.py`` for the Chinese headers accepted); every invalid row is reported at once
through ``RegistryErrors``.
"""

from .entries import (
    LEVELS,
    PLATFORMS,
    SOURCE_TYPES,
    AccountEntry,
    MessageRecord,
    PostRecord,
    Registry,
    SourceSpec,
)
from .loader import SUFFIXES, is_registry_target, load_registry, site_from_url
from .problems import RegistryErrors
from .records import check_record_files, load_messages, load_posts

__all__ = [
    "LEVELS",
    "PLATFORMS",
    "SOURCE_TYPES",
    "SUFFIXES",
    "AccountEntry",
    "MessageRecord",
    "PostRecord",
    "Registry",
    "RegistryErrors",
    "SourceSpec",
    "check_record_files",
    "is_registry_target",
    "load_messages",
    "load_posts",
    "load_registry",
    "site_from_url",
]
