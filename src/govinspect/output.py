"""Printing results: the contract JSON and a Rich table for people."""

from __future__ import annotations

import json
from collections import Counter
from typing import IO, Any

from rich.console import Console
from rich.table import Table

from .codes import label
from .service import ScanResult

PLATFORMS = {"wechat": "微信", "weibo": "微博", "douyin": "抖音", "toutiao": "今日头条", "other": "其他"}


def to_json(result: ScanResult) -> str:
    """The one JSON document ``scan --json`` prints."""
    return json.dumps(result.to_dict(), ensure_ascii=False, indent=2)


def write_json(result: ScanResult, out: IO[str]) -> None:
    out.write(to_json(result))
    out.write("\n")


def _summary(findings: list[dict[str, Any]]) -> str:
    counts = Counter(f["code"] for f in findings if f["severity"] != "notice")
    parts = [f"{label(code)}×{n}" for code, n in counts.most_common()]
    notices = sum(1 for f in findings if f["severity"] == "notice")
    if notices:
        parts.append(f"提示×{notices}")
    return "、".join(parts) or "未发现问题"


def print_table(result: ScanResult, console: Console) -> None:
    """A table of sites (and accounts) with verdict, score and a problem summary."""
    data = result.to_dict()
    table = Table(title=f"网站检查结果(检查日期 {data['as_of']})", show_lines=False)
    for col in ("网站", "结论"):
        table.add_column(col)
    table.add_column("得分", justify="right")
    table.add_column("页面数", justify="right")
    table.add_column("主要问题")
    for site in data["sites"]:
        style = "green" if site["verdict"] == "pass" else "red"
        near = " (接近单否)" if site.get("near_veto") else ""
        table.add_row(
            f"{site['name']}\n[dim]{site['url']}[/dim]",
            f"[{style}]{site['verdict_label']}[/{style}]{near}",
            f"{site['score']:.1f}",
            str(site["pages_crawled"]),
            _summary(site["findings"]),
        )
    console.print(table)
    if data["accounts"]:
        acc = Table(title="政务新媒体检查结果")
        for col in ("账号", "平台", "开办单位", "结论", "情况"):
            acc.add_column(col)
        for a in data["accounts"]:
            style = "green" if a["verdict"] == "pass" else "red"
            label_text = a.get("verdict_label") or ("合格" if a["verdict"] == "pass" else "不合格")
            acc.add_row(a["name"], PLATFORMS.get(a["platform"], a["platform"]), a.get("unit") or "",
                        f"[{style}]{label_text}[/{style}]", a.get("summary") or _summary(a["findings"]))
        console.print(acc)


def print_details(result: ScanResult, console: Console, limit: int = 20) -> None:
    """The findings of each failing site, most serious first."""
    order = {"veto": 0, "deduct": 1, "notice": 2}
    for site in result.sites:
        if not site.findings:
            continue
        console.print(f"\n[bold]{site.name}[/bold] {site.url}")
        shown = sorted(site.findings, key=lambda f: order.get(f.severity, 3))[:limit]
        for f in shown:
            mark = {"veto": "[red]否决[/red]", "deduct": "[yellow]扣分[/yellow]", "notice": "[dim]提示[/dim]"}
            console.print(f"  {mark.get(f.severity, f.severity)} {f.message}  [dim]{f.url or ''}[/dim]")
        if len(site.findings) > limit:
            console.print(f"  … 另有 {len(site.findings) - limit} 条，见 JSON 输出")
