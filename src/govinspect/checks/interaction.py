"""Message boards: interaction.unanswered, interaction.reply_incomplete and interaction.no_stats.

Rules (data/rules.yaml ``interaction``): 国办秘函〔2019〕19号 vetoes a site with a consultation
message left unanswered more than 3 months within the last year (V); a shorter deduction
period, answers without their unit or time and unpublished statistics are local practice
(P/U). The board is found by column and page names (留言, 信箱, 咨询, 互动交流 ...) or the
registry's ``overrides.messages.board_url_contains``; messages come from the records stored at
crawl time (``page.messages``, extract/messages.py) or are rebuilt from the page text. A board
behind a login or without dates gives a notice, never a pass.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from ..extract.columns import column_name
from ..extract.dates import normalize
from ..extract.links import TITLE_SEP
from ..extract.messages import LABELS, detail_record, rows_from_text
from ..model import Finding, Page
from ..snapshot import Snapshot
from ..urls import normalize_url
from .availability import UNREADABLE
from .base import Context, walk

BOARD_NAME = re.compile(r"留言|信箱|咨询|互动交流|政民互动|网上咨询|12345|来信|问政|诉求|投诉|民意|写信|有问必答")
_NOT_BOARD = re.compile(r"访谈|征集|调查|直播|发布会|回应关切|热点回应|新闻|动态")
# What a login wall says; a bare 用户登录 is in every top bar and does not count.
_LOGIN = re.compile(
    r"请先登录|请登录后|先登录后|登录后(?:方可|才能|再)?(?:查看|留言|访问|操作|浏览|提交|写信)|您(?:还)?未登录|需要登录"
    r"|(?:登录|认证)(?:后)?方可|统一身份认证"
)
_STATS_NUMBERS = re.compile(
    r"(?:共|累计|总计)(?:收到|受理|接收|接到|办理|交办)[^。；;]{0,16}?\d+\s*(?:件|条|封|个|项|次)"
    # "已回复 共 9 条记录" is the last row's status beside the pager's count, not statistics:
    # no second count word in the gap, and no 记录 after the unit.
    r"|(?:已|累计|共)(?:办结|回复|答复|处理)[^。；;\d共总]{0,6}\d+\s*(?:件|条|封|个|项)(?!\s*记录)"
    r"|(?:办结|回复|答复|满意)率\s*[:：为达]?\s*\d+(?:\.\d+)?\s*%"
)
_STATS_PHRASE = re.compile(
    r"(?:留言|来信|信件|咨询|诉求|投诉|网民).{0,10}(?:统计|受理反馈情况|办理情况通报)|受理反馈情况统计|办理情况统计"
)
_STATS_LINK = re.compile(r"(?:留言|来信|信件|咨询|信箱|诉求).{0,8}统计|统计.{0,6}(?:留言|来信|信件)|受理反馈|办理情况统计")
_DIGITS = re.compile(r"\d+")
_BOARD_WORD = re.compile(r"留言|来信|信件|咨询|诉求|投诉|信箱|网民")
_LOGIN_PAGE_CHARS = 3000
_IDEOGRAPHS = re.compile(r"[\u4e00-\u9fff]+")


@dataclass(slots=True)
class Board:
    """What was found of the site's message board."""

    list_pages: list[str] = field(default_factory=list)
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    stats: bool = False
    login: list[str] = field(default_factory=list)  # board pages that ask the visitor to log in
    undated: list[str] = field(default_factory=list)  # list pages whose messages show no dates
    unread: list[str] = field(default_factory=list)  # list pages from which no message was read
    first_url: str | None = None
    name: str = ""


def check(snap: Snapshot, ctx: Context) -> list[Finding]:
    return walk(snap, visitor(snap, ctx))


def visitor(snap: Snapshot, ctx: Context) -> InteractionVisitor:
    return InteractionVisitor(snap, ctx)


class InteractionVisitor:
    """The board's list pages, message records, statistics and login walls, page by page."""

    def __init__(self, snap: Snapshot, ctx: Context) -> None:
        home = snap.home
        # A home page that fails or is not HTML: availability reports why, nothing to add here.
        self.off = home is None or not home.ok or home.error in UNREADABLE or not home.is_html
        self.ctx, self.home_url = ctx, snap.home_url or ctx.site.url
        self.overrides: Mapping[str, Any] = ctx.site.overrides.get("messages") or {}
        marks = self.overrides.get("board_url_contains") or []
        self.marks = [marks] if isinstance(marks, str) else [str(m) for m in marks]
        columns = [c for c in snap.columns if _is_board(c.name) or any(m in c.url for m in self.marks)]
        self.column_keys = {normalize_url(c.url) or c.url for c in columns}
        self.item_keys = {normalize_url(i.url) or i.url for c in columns for i in c.items if i.url}
        self.board = Board(first_url=columns[0].url if columns else None, name=columns[0].name if columns else "")
        self.rows: list[dict[str, Any]] = []
        self.details: list[dict[str, Any]] = []

    def visit(self, page: Page) -> None:
        if self.off or not page.ok or page.attachment:
            return
        board, as_of = self.board, self.ctx.as_of
        stored: list[dict[str, Any]] | None = getattr(page, "messages", None)
        record = None if page.items else _detail(page, stored, as_of, self.overrides)
        listed = record is None and _is_list_page(page, self.column_keys, self.item_keys, self.marks)
        if listed:
            board.list_pages.append(page.url)
            board.first_url = board.first_url or page.url
            board.name = board.name or column_name(page, None)
            found = [r for r in stored or [] if r.get("source") == "list"] or rows_from_text(page, as_of)
            self.rows += [{**r, "page": page.url} for r in found]
            if found and not any(r.get("received") for r in found):
                board.undated.append(page.url)
            elif not found and _asks_login(page.text):
                board.login.append(page.url)
            elif not found and page.items:
                board.unread.append(page.url)
        if not board.stats and (listed or _mentions_stats(page) or page.url == self.home_url):
            board.stats = _has_stats(page, listed or _mentions_stats(page))
        if record is not None and (page.url in self.item_keys or any(m in page.url for m in self.marks)
                                   or record.get("columns")):
            self.details.append({**record, "url": page.url, "page": page.url,
                                 "title": record.get("title") or TITLE_SEP.split(page.title)[0]})

    def finish(self) -> list[Finding]:
        if self.off:
            return []
        board = self.board
        board.records = merge(self.rows, self.details)
        if not board.list_pages and not board.records:
            return [Finding("crawl.incomplete", "notice", self.home_url,
                            "未找到留言板(留言、信箱、咨询栏目)，留言答复情况未能检查",
                            {"check": "interaction", "error": "未找到留言板"})]
        out: list[Finding] = []
        url = board.first_url or self.home_url
        unread = [] if board.records else board.unread  # hub pages without messages matter only when nothing was read
        for pages, error in ((board.login, "留言板需要登录才能查看"), (board.undated, "留言未标注留言时间"),
                             (unread, "留言板页面未能读出留言记录")):
            out += [Finding("interaction.unanswered", "notice", page_url, f"留言答复情况未能检查: {error}",
                            {"error": error, "received": None, "days": None}) for page_url in pages[:3]]
        if board.records:
            out += _unanswered(board, url, self.ctx)
            out += _incomplete(board, self.ctx)
        if not board.stats and (board.records or not board.login):
            out.append(Finding("interaction.no_stats", self.ctx.rules.interaction.no_stats_severity, url,
                               "留言板未公开留言受理反馈情况统计数据(收到、办结留言数量)", {"column": board.name or "留言板"}))
        return out


def _is_board(name: str) -> bool:
    return bool(BOARD_NAME.search(name)) and not _NOT_BOARD.search(name)


def _is_list_page(page: Page, column_keys: set[str], item_keys: set[str], marks: list[str]) -> bool:
    """True for the board's list pages: a board column, its next pages, a list page named like a board, a login wall."""
    if page.url in column_keys or (normalize_url(page.final_url or "") or "") in column_keys:
        return True
    marked = any(m in page.url for m in marks)
    if not (page.items or page.empty_marker):
        # A login wall: a short page named like the board (or under its URL) asking to log in.
        # The name is asked last: reading it (breadcrumb, title) costs more than the text tests.
        if len(page.text) >= _LOGIN_PAGE_CHARS or not _asks_login(page.text):
            return False
        return marked or _is_board(column_name(page, None))
    if marked:
        return True
    shared = sum((normalize_url(i.url or "") or i.url) in item_keys for i in page.items)
    return shared * 2 > len(page.items) or _is_board(column_name(page, None))


def _detail(page: Page, stored: list[dict[str, Any]] | None, as_of: date, overrides: Mapping[str, Any]) -> dict[str, Any] | None:
    """The detail record stored at crawl time, else the one read from the page text."""
    found = next((r for r in stored or [] if r.get("source") == "detail"), None)
    if found:
        return found
    gate = _received_gate(_received_labels(overrides))
    if gate is not None and gate.search(page.text) is None:
        return None  # detail_record needs a received-time label: most pages have none
    return detail_record(page.text, as_of, overrides)


def _received_labels(overrides: Mapping[str, Any]) -> tuple[str, ...]:
    """The labels detail_record reads a message's received time from (the registry's first)."""
    more = overrides.get("received_labels") or ()
    more = [more] if isinstance(more, str) else more
    return (*map(str, more), *LABELS["received"])


@lru_cache(maxsize=32)
def _received_gate(labels: tuple[str, ...]) -> re.Pattern[str] | None:
    """Any of the labels, searched in the raw text; None when a label is not all CJK ideographs
    (only those read the same before and after ``normalize``, which maps no ideograph)."""
    if not all(_IDEOGRAPHS.fullmatch(label) for label in labels):
        return None
    return re.compile("|".join(map(re.escape, sorted(set(labels)))))


def _asks_login(text: str) -> bool:
    """The text is a login wall's: every ``_LOGIN`` phrase holds 登录 or 认证, so most texts skip it."""
    return ("登录" in text or "认证" in text) and _LOGIN.search(normalize(text)) is not None


def merge(rows: list[dict[str, Any]], details: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """One record per message: the detail page's data over the list row's, keyed by URL (or title)."""
    merged: dict[str, dict[str, Any]] = {}
    for row in rows:
        key = normalize_url(row.get("url") or "") or f"{row.get('page')}#{row.get('title')}"
        merged.setdefault(key, dict(row))
    for det in details:
        key = normalize_url(det["url"]) or det["url"]
        base = merged.get(key, {})
        out = {**base, **{k: v for k, v in det.items() if v not in (None, "", [])}}
        out["columns"] = sorted({*base.get("columns", []), *det.get("columns", []), "detail"})
        if det.get("status") is None and base.get("status"):
            out["status"] = base["status"]
        merged[key] = out
    return merged


def _answered(rec: Mapping[str, Any]) -> bool | None:
    """True / False when the record says whether it was answered, None when it cannot tell."""
    status = rec.get("status")
    if status == "answered" or rec.get("replied") or rec.get("reply"):
        return True
    if status in ("unanswered", "processing"):
        return False
    if "detail" in rec.get("columns", []):
        return False  # a detail page with no reply, no reply time and no status
    return None


def working_days(start: date, end: date) -> int:
    """Monday-Friday days after ``start`` up to ``end`` (public holidays not modelled)."""
    if end <= start:
        return 0
    days = (end - start).days
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    for i in range(1, rest + 1):
        if (start + timedelta(days=weeks * 7 + i)).weekday() < 5:
            count += 1
    return count


def _unanswered(board: Board, board_url: str, ctx: Context) -> Iterator[Finding]:
    rules = ctx.rules.interaction
    dated = [r for r in board.records.values() if r.get("received")]
    if not dated:
        return  # the undated list pages got their notice
    judged = [r for r in dated if _answered(r) is not None]
    if not judged:
        yield Finding("interaction.unanswered", "notice", board_url, "留言答复情况未能检查: 留言列表未显示答复状态或答复时间",
                      {"error": "留言列表未显示答复状态或答复时间", "received": None, "days": None})
        return
    out: list[Finding] = []
    for rec in sorted(judged, key=lambda r: r["received"]):
        received = date.fromisoformat(rec["received"])
        if received > ctx.as_of:
            continue
        recent = (ctx.as_of - received).days <= rules.lookback_days
        url, title = rec.get("url") or rec.get("page") or board_url, rec.get("title") or ""
        if _answered(rec):
            replied = date.fromisoformat(rec["replied"]) if rec.get("replied") else None
            if rules.veto_days is None or replied is None or not recent:
                continue
            late = (replied - received).days
            if late > rules.veto_days:
                out.append(Finding("interaction.unanswered", rules.late_reply_severity, url,
                                   f"留言“{title}”{received.isoformat()} 收到，{late} 天后才答复(超过 {rules.veto_days} 天)",
                                   {"received": received.isoformat(), "replied": replied.isoformat(), "days": late,
                                    "title": title, "threshold": rules.veto_days}))
            continue
        days = (ctx.as_of - received).days
        work = working_days(received, ctx.as_of)
        if rules.veto_days is not None and days > rules.veto_days and recent:
            severity, threshold, note = "veto", rules.veto_days, f"超过 {rules.veto_days} 天，一年内咨询留言超过3个月未答复"
        elif work > rules.deduct_working_days:
            severity, threshold, note = "deduct", rules.deduct_working_days, f"超过 {rules.deduct_working_days} 个工作日"
        else:
            continue
        status = "办理中" if rec.get("status") == "processing" else "未答复"
        out.append(Finding("interaction.unanswered", severity, url,
                           f"留言“{title}”{received.isoformat()} 收到，至今{status}({days} 天，{note})",
                           {"received": received.isoformat(), "days": days, "working_days": work, "title": title,
                            "status": rec.get("status"), "threshold": threshold}))
    yield from _capped(out, rules.max_findings, board_url, "interaction.unanswered")


def _incomplete(board: Board, ctx: Context) -> Iterator[Finding]:
    rules = ctx.rules.interaction
    out: list[Finding] = []
    for rec in board.records.values():
        if not _answered(rec):
            continue
        columns = rec.get("columns", [])
        missing: list[str] = []
        if "detail" in columns:
            if not rec.get("unit"):
                missing.append("unit")
            if not rec.get("replied"):
                missing.append("time")
        elif "replied" in columns and not rec.get("replied"):
            missing.append("time")
        if not missing:
            continue
        what = "、".join({"unit": "答复单位", "time": "答复时间"}[m] for m in missing)
        title = rec.get("title") or ""
        out.append(Finding("interaction.reply_incomplete", rules.reply_incomplete_severity,
                           rec.get("url") or rec.get("page"), f"留言“{title}”的答复未公开{what}",
                           {"missing": missing, "title": title, "received": rec.get("received")}))
    yield from _capped(out, rules.max_findings, board.first_url, "interaction.reply_incomplete")


def _capped(findings: list[Finding], limit: int, url: str | None, code: str) -> Iterator[Finding]:
    """The worst ``limit`` findings (vetoes first), and a notice counting the rest."""
    order = {"veto": 0, "deduct": 1, "notice": 2}
    findings.sort(key=lambda f: order.get(f.severity, 3))
    yield from findings[:limit]
    if len(findings) > limit:
        rest = len(findings) - limit
        yield Finding(code, "notice", url, f"另有 {rest} 条同类留言问题未逐条列出", {"omitted": rest})


def _mentions_stats(page: Page) -> bool:
    title = page.title or ""
    return "统计" in title and bool(BOARD_NAME.search(title) or "办理" in title)


def _has_stats(page: Page, on_board: bool) -> bool:
    """True when the page publishes counts of messages received and answered (or links to them from the board)."""
    text = normalize(page.text)
    for mo in _STATS_NUMBERS.finditer(text):
        if on_board or _BOARD_WORD.search(text, max(0, mo.start() - 30), mo.end()):
            return True
    for mo in _STATS_PHRASE.finditer(text):
        if len(_DIGITS.findall(text[mo.end() : mo.end() + 200])) >= 2:
            return True
    return on_board and any(link.tag == "a" and _STATS_LINK.search(link.text) for link in page.links)
