"""What the attachment readers share: their one error and the helpers that cap and tidy text."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..errors import GovinspectError

__all__ = ["AttachmentError", "capped", "gb_superset", "tidy"]

_SPACES = re.compile(r"[^\S\n\t]+")
_TAB = re.compile(r" ?\t ?")


class AttachmentError(GovinspectError):
    """An attachment whose text cannot be read; the message says why, in Chinese."""


def capped(chunks: Iterable[str], max_chars: int) -> str:
    """Join chunks until ``max_chars`` characters are reached."""
    out: list[str] = []
    size = 0
    for chunk in chunks:
        out.append(chunk)
        size += len(chunk)
        if size >= max_chars:
            break
    return "".join(out)


def tidy(raw: str) -> str:
    """One space for each run of spaces, no spaces around tabs, no blank lines or trailing tabs."""
    lines = (_TAB.sub("\t", _SPACES.sub(" ", line)).rstrip().lstrip(" ") for line in raw.split("\n"))
    return "\n".join(line for line in lines if line)


def gb_superset(encoding: str) -> str:
    """GB2312/GBK/cp936 are subsets of GB18030: decode with the superset like browsers do."""
    return "gb18030" if encoding.lower().replace("-", "").replace("_", "") in ("gb2312", "gbk", "cp936") else encoding
