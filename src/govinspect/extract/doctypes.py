"""Which names, URLs and Content-Types are documents the attachment readers can read.

Apart from the readers (``attachments.py``) so that the crawl process can tell a document by its
link without importing them: the readers' modules and ElementTree (about 0.5 MB of its memory)
then load only where a document is read, in a parse worker.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

__all__ = ["ATTACHMENT_EXTENSIONS", "extension", "is_attachment", "type_extension"]

ATTACHMENT_EXTENSIONS = frozenset({"pdf", "doc", "docx", "xls", "xlsx", "csv", "txt", "wps", "et"})
_TYPE_EXT = {
    "application/pdf": "pdf",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "text/csv": "csv",
    "text/plain": "txt",
}
_EXT_IN_QUERY = re.compile(r"\.(" + "|".join(sorted(ATTACHMENT_EXTENSIONS)) + r")(?![\w])", re.I)


def extension(name_or_url: str) -> str:
    """The lower-case extension of a file name or URL, also found in a download query."""
    parts = urlsplit(name_or_url)
    name = unquote(parts.path.rsplit("/", 1)[-1])
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext in ATTACHMENT_EXTENSIONS:
        return ext
    found = _EXT_IN_QUERY.findall(unquote(parts.query))
    return found[-1].lower() if found else ext


def is_attachment(name_or_url: str, content_type: str | None = None) -> bool:
    """True for a document whose text ``attachment_text`` can read, judged by name or type."""
    return extension(name_or_url) in ATTACHMENT_EXTENSIONS or type_extension(content_type) is not None


def type_extension(content_type: str | None) -> str | None:
    """The attachment extension a Content-Type names (``application/pdf``: pdf), else None."""
    return _TYPE_EXT.get((content_type or "").split(";")[0].strip().lower())
