"""Printing results: the contract JSON and a Rich table for people."""

from __future__ import annotations

import json
from collections import Counter
from typing import IO, TYPE_CHECKING

from .labels import PLATFORM_LABELS, SEVERITY_LABELS, VERDICT_LABELS, code_label
from .model import Finding, ScanResult, Severity, Verdict

if TYPE_CHECKING:
    from rich.console import Console

_MARKS = {Severity.VETO: "red", Severity.DEDUCT: "yellow", Severity.NOTICE: "dim"}


def to_json(result: ScanResult) -> str:
    """The one JSON document ``scan --json`` prints."""
    return json.dumps(result.to_dict(), ensure_ascii=False, indent=2)


def write_json(result: ScanResult, out: IO[str]) -> None:
    out.write(to_json(result))
    out.write("\n")


def _summary(findings: list[Finding]) -> str:
    counts = Counter(f.code for f in findings if f.severity != Severity.NOTICE)
    parts = [f"{code_label(code)}×{n}" for code, n in counts.most_common()]
    notices = sum(1 for f in findings if f.severity == Severity.NOTICE)
    if notices:
        parts.append(f"{SEVERITY_LABELS[Severity.NOTICE]}×{notices}")
    return "、".join(parts) or "未发现问题"


def print_table(result: ScanResult, console: Console) -> None:
    """A table of sites (and accounts) with verdict, score and a problem summary."""
    from rich.table import Table

    table = Table(title=f"网站检查结果(检查日期 {result.as_of.isoformat()})", show_lines=False)
    for col in ("网站", "结论"):
        table.add_column(col)
    table.add_column("得分", justify="right")
    table.add_column("页面数", justify="right")
    table.add_column("主要问题")
    for site in result.sites:
        style = "green" if site.verdict == Verdict.PASS else "red"
        near = " (接近单否)" if site.near_veto else ""
        table.add_row(
            f"{site.name}\n[dim]{site.url}[/dim]",
            f"[{style}]{site.verdict_label}[/{style}]{near}",
            f"{round(site.score, 2):.1f}",
            str(site.pages_crawled),
            _summary(site.findings),
        )
    console.print(table)
    if result.accounts:
        acc = Table(title="政务新媒体检查结果")
        for col in ("账号", "平台", "开办单位", "结论", "情况"):
            acc.add_column(col)
        for a in result.accounts:
            style = "green" if a.verdict == Verdict.PASS else "red"
            label_text = a.verdict_label or VERDICT_LABELS[a.verdict]
            acc.add_row(a.name, PLATFORM_LABELS.get(a.platform, a.platform), a.unit or "",
                        f"[{style}]{label_text}[/{style}]", a.summary or _summary(a.findings))
        console.print(acc)


def print_details(result: ScanResult, console: Console, limit: int = 20) -> None:
    """The findings of each failing site, most serious first."""
    order: dict[str, int] = {Severity.VETO: 0, Severity.DEDUCT: 1, Severity.NOTICE: 2}
    for site in result.sites:
        if not site.findings:
            continue
        console.print(f"\n[bold]{site.name}[/bold] {site.url}")
        shown = sorted(site.findings, key=lambda f: order.get(f.severity, 3))[:limit]
        for f in shown:
            style = _MARKS.get(Severity(f.severity), "")
            mark = f"[{style}]{SEVERITY_LABELS.get(f.severity, f.severity)}[/{style}]"
            console.print(f"  {mark} {f.message}  [dim]{f.url or ''}[/dim]")
        if len(site.findings) > limit:
            console.print(f"  … 另有 {len(site.findings) - limit} 条，见 JSON 输出")
