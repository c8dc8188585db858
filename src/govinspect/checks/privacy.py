"""Leaks of personal information (privacy.leak): ID, mobile and bank card numbers in pages and attachments.

Rule: a citizen's resident ID number, mobile number or bank card number published on a
government site is a veto item (contract section 4; 《政府网站发展指引》国办发〔2017〕47号
requires personal information to be protected, 《个人信息保护法》第三十四条 binds state organs).
One finding per page or attachment and kind of number, with masked samples only; what
counts as a number and which mobile numbers are an office's public contact is decided in
``pii``. An attachment the crawl could not read is reported as a notice, never dropped.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from ..extract.doctypes import is_attachment
from ..labels import describe
from ..model import Finding, Page
from ..snapshot import Snapshot
from .base import Context, walk
from .pii import PiiHit, scan_text

CODE = "privacy.leak"
KIND_LABELS = {"id_card": "公民身份证号码", "phone": "手机号码", "bank_card": "银行卡号"}
_SAMPLES = 3
# The request itself failed: availability and link checks report these, not this check.
_FETCH_FAILURES = frozenset(
    {"timeout", "dns", "refused", "connection", "ssl", "redirect_loop", "too_many_redirects", "bad_url", "protocol"}
)
# HTML pages whose body was fetched but could not be read as text.
_UNREAD_HTML = frozenset({"decode", "too_large"})


# Its findings depend on the pages and the context alone (checks.base.pages_only): a parse
# worker may run it while the crawl process still builds the columns and runs the probes.
PAGES_ONLY = True


def check(snap: Snapshot, ctx: Context) -> list[Finding]:
    return walk(snap, visitor(snap, ctx))


def visitor(snap: Snapshot, ctx: Context) -> PrivacyVisitor:
    return PrivacyVisitor(ctx)


class PrivacyVisitor:
    """Leaks and unread bodies, page by page in page order."""

    def __init__(self, ctx: Context) -> None:
        self.as_of = ctx.as_of
        self.findings: list[Finding] = []

    def visit(self, page: Page) -> None:
        # Whether the page is an attachment is read only for a finding (it costs a URL parse).
        if page.text and (hits := scan_text(page.text, today=self.as_of)):
            self.findings.extend(_leaks(page, hits, _is_attachment(page), self.as_of))
        if _failed_read(page) and _unread(page, attachment := _is_attachment(page)):
            self.findings.append(_notice(page, attachment))

    def finish(self) -> list[Finding]:
        return self.findings


def _is_attachment(page: Page) -> bool:
    return is_attachment(page.final_url or page.url, None if page.is_html else page.content_type)


def _leaks(page: Page, hits: list[PiiHit], attachment: bool, as_of: date) -> Iterator[Finding]:
    by_kind: dict[str, list[PiiHit]] = {}
    for hit in hits:
        by_kind.setdefault(hit.kind, []).append(hit)
    place = "附件" if attachment else "页面"
    for kind, found in by_kind.items():
        samples = list(dict.fromkeys(h.masked for h in found))[:_SAMPLES]
        more = " …" if len(found) > 1 else ""
        yield Finding(
            CODE, "veto", _masked_url(page.url, as_of),
            f"{place}泄露{KIND_LABELS[kind]} {len(found)} 处(已脱敏: {samples[0]}{more})",
            {"kind": kind, "count": len(found), "sample": samples, "attachment": attachment},
        )


def _failed_read(page: Page) -> bool:
    """True when the body was fetched (no request failure, no HTTP error) but reading it failed."""
    if page.error is None or page.error in _FETCH_FAILURES:
        return False
    return page.status is None or page.status < 400


def _unread(page: Page, attachment: bool) -> bool:
    """True when the body was fetched but its text could not be read."""
    return _failed_read(page) and (attachment or (page.is_html and page.error in _UNREAD_HTML))


def _notice(page: Page, attachment: bool) -> Finding:
    reason = page.error_detail or describe(page.status, page.error)
    place = "附件" if attachment else "页面"
    return Finding(
        CODE, "notice", _masked_url(page.url, None),
        f"{place}内容无法读取，未能检查是否泄露个人信息: {reason}",
        {"error": reason, "attachment": attachment, "content_type": page.content_type},
    )


def _masked_url(url: str, as_of: date | None) -> str:
    """The URL with any personal number in it (e.g. ``?sfzh=...``) masked."""
    hits = scan_text(url, today=as_of, urls=True)
    for hit in reversed(hits):
        url = url[: hit.start] + hit.masked + url[hit.end :]
    return url
