"""`govinspect findings ...` and `govinspect summary`: tracked problems and the period summary."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .cli_common import ConfigOpt, as_of_date, store_from
from .errors import UsageError
from .settings import load_settings

if TYPE_CHECKING:
    from .store.summary import Figures, PeriodSummary

findings_app = typer.Typer(help="问题跟踪: 查看、审核、人工添加问题 (tracked findings).", no_args_is_help=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="print JSON on stdout")]


@findings_app.command("list")
def findings_list(
    site: Annotated[str | None, typer.Option("--site", help="site name or URL")] = None,
    account: Annotated[str | None, typer.Option("--account", help="account name")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="unit name")] = None,
    code: Annotated[str | None, typer.Option("--code", help="finding code, e.g. link.broken")] = None,
    status: Annotated[str, typer.Option("--status", help="open | resolved | all")] = "open",
    period: Annotated[str | None, typer.Option("--period", help="YYYY-MM: findings that period saw or resolved")] = None,
    review: Annotated[str | None, typer.Option("--review", help="unreviewed | confirmed | dismissed")] = None,
    carried: Annotated[bool, typer.Option("--carried", help="only problems carried over (上期未整改)")] = False,
    as_json: JsonOpt = False,
    config: ConfigOpt = None,
) -> None:
    """列出跟踪中的问题 (list tracked findings)."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from .labels import SEVERITY_LABELS
    from .store.findings import list_findings

    with store_from(load_settings(config)) as store:
        views = list_findings(store, site=site, account=account, unit=unit, code=code, status=status,
                              period=period, review=review, carried=carried)
    if as_json:
        _dump({"findings": [v.to_dict() for v in views]})
        return
    out = Console()
    if not views:
        out.print("没有符合条件的问题")
        return
    table = Table(title=f"问题清单 (共 {len(views)} 条)")
    for col in ("序号", "ID", "网站或账号", "问题", "严重程度", "首次发现", "最近发现", "状态", "审核"):
        table.add_column(col, overflow="fold", no_wrap=col in ("序号", "ID", "首次发现", "最近发现"))
    for i, v in enumerate(views, 1):
        problem = v.code_label + (f": {v.message}" if v.message and v.message != v.code else "")
        mark = "(人工)" if v.origin == "manual" else ""
        state = v.status_label + (f" / {_owner(v.owner_status)}" if v.owner_status and v.status != "resolved" else "")
        table.add_row(str(i), str(v.id), escape(v.subject_name), escape(problem + mark),
                      SEVERITY_LABELS.get(v.severity, v.severity), v.first_seen.isoformat(),
                      v.last_seen.isoformat(), state, v.review_label)
    out.print(table)


def _owner(status: str | None) -> str:
    from .store.findings import OWNER_LABELS

    return OWNER_LABELS.get(status or "", status or "")


@findings_app.command("review")
def findings_review(
    finding_id: Annotated[int, typer.Argument(help="finding ID (see findings list)")],
    confirm: Annotated[bool, typer.Option("--confirm", help="inspector: the finding is right")] = False,
    dismiss: Annotated[bool, typer.Option("--dismiss", help="inspector: a false alarm (needs --reason)")] = False,
    resolve: Annotated[bool, typer.Option("--resolve", help="inspector: close a manual finding")] = False,
    fixed: Annotated[bool, typer.Option("--fixed", help="owner: fixed (the next run verifies)")] = False,
    disputed: Annotated[bool, typer.Option("--disputed", help="owner: disagrees (needs --reason)")] = False,
    reason: Annotated[str | None, typer.Option("--reason", help="why")] = None,
    by: Annotated[str | None, typer.Option("--by", help="who acts (name)")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="date of --resolve YYYY-MM-DD (default today)")] = None,
    config: ConfigOpt = None,
) -> None:
    """审核问题: 确认、排除、关闭人工问题，或登记单位的整改反馈 (review a finding)."""
    from .store.findings import ACTION_LABELS, review

    chosen = [a for a, on in (("confirm", confirm), ("dismiss", dismiss), ("resolve", resolve), ("fixed", fixed),
                              ("disputed", disputed)) if on]
    if len(chosen) != 1:
        raise UsageError("请指定且只指定一个动作: --confirm、--dismiss、--resolve、--fixed 或 --disputed")
    day = as_of_date(as_of)
    with store_from(load_settings(config)) as store:
        v = review(store, finding_id, chosen[0], reason, by, on=day)
    typer.echo(f"问题 #{v.id} ({v.subject_name} {v.code_label}) 已{ACTION_LABELS[chosen[0]]}；"
               f"当前状态: {v.status_label}，审核: {v.review_label}")


@findings_app.command("add")
def findings_add(
    code: Annotated[str, typer.Option("--code", help="finding code, e.g. manual.staff_left or manual.other")],
    message: Annotated[str, typer.Option("--message", help="the problem, in Chinese")],
    site: Annotated[str | None, typer.Option("--site", help="site name or URL")] = None,
    account: Annotated[str | None, typer.Option("--account", help="account name")] = None,
    platform: Annotated[str | None, typer.Option("--platform", help="the account's platform when its name is shared")] = None,
    severity: Annotated[str, typer.Option("--severity", help="veto | deduct | notice")] = "deduct",
    as_of: Annotated[str | None, typer.Option("--as-of", help="date seen YYYY-MM-DD (default today)")] = None,
    by: Annotated[str | None, typer.Option("--by", help="who found it (name)")] = None,
    config: ConfigOpt = None,
) -> None:
    """人工添加问题 (record a problem no machine sees)."""
    from .store.findings import add_manual

    day = as_of_date(as_of)
    with store_from(load_settings(config)) as store:
        v = add_manual(store, code=code, message=message, site=site, account=account, platform=platform,
                       severity=severity, as_of=day, actor=by)
    typer.echo(f"已添加人工问题 #{v.id}: {v.subject_name} {v.code_label}: {v.message}")


def summary_command(
    period: Annotated[str | None, typer.Option("--period", help="YYYY-MM (default the latest inspected)")] = None,
    as_json: JsonOpt = False,
    config: ConfigOpt = None,
) -> None:
    """显示一期检查情况汇总 (print the period summary)."""
    from .store.periods import finished_periods
    from .store.summary import summarize

    with store_from(load_settings(config)) as store:
        if period is None:
            with store.session() as s:
                known = finished_periods(s)
            if not known:
                raise UsageError("还没有已完成的检查；请先运行 govinspect inspect")
            period = known[-1]
        summary = summarize(store, period)
    if as_json:
        _dump(summary.to_dict())
        return
    sys.stdout.write("\n".join(summary_lines(summary)) + "\n")


def _dump(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _pct(rate: float | None) -> str:
    return "无(未检查)" if rate is None else f"{rate * 100:.1f}%"


def _fig(name: str, f: Figures) -> str:
    return f"{name} 登记 {f.registered} 个，检查 {f.checked} 个，合格 {f.passed} 个"


def summary_lines(s: PeriodSummary, limit: int | None = None) -> list[str]:
    """The period summary as Chinese lines for the terminal (``limit``: carried-over problems listed)."""
    from .labels import PLATFORM_LABELS
    from .store.summary import LEVEL_LABELS

    year, month = s.period.split("-")
    runs = "、".join(f"#{r}" for r in s.run_ids)
    lines = [f"{year}年{int(month)}月 检查情况汇总 (检查日期 {s.as_of}，检查批次 {runs}，"
             f"上期 {s.previous_period or '无'})", "", "一、总体情况"]
    lines.append(f"  {_fig('政府网站', s.sites)}，网站合格率 {_pct(s.site_pass_rate)}")
    lines += [f"    {_fig(LEVEL_LABELS.get(k, k), f)}" for k, f in s.sites_by_level.items() if f.registered]
    lines.append(f"  {_fig('政务新媒体', s.accounts)}，政务新媒体合格率 {_pct(s.account_pass_rate)}")
    lines += [f"    {_fig(PLATFORM_LABELS.get(k, k), f)}" for k, f in s.accounts_by_platform.items()]
    lines.append(f"  单项否决网站 {len(s.vetoed_sites)} 个" + ("：" if s.vetoed_sites else ""))
    lines += [f"    {e.name} ({e.where})：{'、'.join(e.reason_labels)}" for e in s.vetoed_sites]
    lines.append(f"  不合格网站 {len(s.failed_sites)} 个" + ("：" if s.failed_sites else ""))
    lines += [f"    {e.name} ({e.where})，得分 {e.score:g}" for e in s.failed_sites if e.score is not None]
    lines.append(f"  不合格政务新媒体 {len(s.failed_accounts)} 个" + ("：" if s.failed_accounts else ""))
    lines += [f"    {e.name} ({PLATFORM_LABELS.get(e.where, e.where)})：{'、'.join(e.reason_labels) or '不合格'}"
              for e in s.failed_accounts]
    lines.append(f"  本期关停或整合的账号 {len(s.closed_accounts)} 个" + ("：" if s.closed_accounts else ""))
    lines += [f"    {a.name} ({PLATFORM_LABELS.get(a.platform, a.platform)}，{a.unit or '未登记单位'})："
              f"{a.closed_on} {a.kind}" for a in s.closed_accounts]
    total = sum(p.count for p in s.problems)
    lines += ["", f"二、主要问题 (共 {total} 个)"]
    lines += [f"  {p.label} {p.count} 个：{'、'.join(p.subjects)}" for p in s.problems] or ["  无"]
    lines += ["", "三、整改情况", f"  上期未整改 {len(s.carried_over)} 个" + ("：" if s.carried_over else "")]
    shown = s.carried_over if limit is None else s.carried_over[:limit]
    lines += [f"    {f.subject_name} {f.code_label}：{f.message} (首次发现 {f.first_seen})" for f in shown]
    if len(shown) < len(s.carried_over):
        lines.append(f"    另有 {len(s.carried_over) - len(shown)} 个未列出，可用 govinspect findings list --carried 查看")
    lines.append(f"  本期已整改 {len(s.resolved)} 个，其中单位反馈已整改并经复核 {len(s.verified)} 个")
    lines.append(f"  整改不到位 {len(s.incomplete)} 个" + ("：" if s.incomplete else ""))
    lines += [f"    {f.subject_name} {f.code_label}：{f.message}" for f in s.incomplete]
    r = s.reviews
    lines += ["", f"四、审核情况: 已确认 {r.get('confirmed', 0)} 个，已排除 {r.get('dismissed', 0)} 个，"
                  f"待审核 {r.get('unreviewed', 0)} 个"]
    return lines
