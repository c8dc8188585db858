"""`govinspect inspect` and `govinspect rejudge`: registered sites and accounts into the store."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .cli_common import Bar, ConfigOpt, as_of_date, err, store_from
from .errors import UsageError
from .settings import Settings, load_settings

if TYPE_CHECKING:
    from rich.console import Console

    from .store import Store
    from .store.rejudge import Rejudged
    from .store.runs import Targets

EMPTY_REGISTRY = "没有已登记的网站或账号，请先运行 govinspect sites import FILE"


def inspect(
    site: Annotated[list[str] | None, typer.Option("--site", help="registered site name or URL (repeatable; default all)")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="inspection date YYYY-MM-DD (default today)")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="finish the newest interrupted run")] = False,
    max_pages: Annotated[int | None, typer.Option("--max-pages", help="pages fetched per site")] = None,
    max_depth: Annotated[int | None, typer.Option("--max-depth", help="link depth from the home page")] = None,
    per_host: Annotated[int | None, typer.Option("--per-host", help="concurrent requests to one host")] = None,
    delay: Annotated[float | None, typer.Option("--delay", help="seconds between requests to one host")] = None,
    timeout: Annotated[float | None, typer.Option("--timeout", help="seconds per request (default 15)")] = None,
    config: ConfigOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the results as JSON on stdout")] = False,
) -> None:
    """检查已登记的网站和账号并保存结果 (inspect the registry into the database; one run at a time)."""
    from .store.runs import registered_targets

    if resume and (site or as_of):
        raise UsageError("--resume 继续中断的检查批次，沿用其日期和网站范围，不能与 --site 或 --as-of 同时使用")
    day = as_of_date(as_of)
    settings = load_settings(config, max_pages=max_pages, max_depth=max_depth, per_host=per_host,
                             delay=delay, timeout=timeout)
    with store_from(settings) as store:
        targets = registered_targets(store)
        if not targets.sites and not targets.accounts:
            raise UsageError(EMPTY_REGISTRY)
        urls = [] if resume else _chosen(store, site or [])
        payload = _run(store, settings, targets, day, urls, resume, as_json)
    if as_json:
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")


def _chosen(store: Store, names: list[str]) -> list[str]:
    """URLs of the --site names (a name or a URL), each registered, else a usage error naming close ones."""
    from .store.registry import site_by_name

    return list(dict.fromkeys(site_by_name(store, name).url for name in names))


def _run(store: Store, settings: Settings, targets: Targets, day: Any, urls: list[str],
         resume: bool, as_json: bool) -> dict[str, Any]:
    from rich.console import Console

    from .inspection import inspect_registered
    from .output import print_table

    def interrupted(run: Any) -> None:
        err.print(f"检查批次 #{run.id} 已中断(已保存的网站与账号保留)，可用 govinspect inspect --resume 继续")

    bar = Bar(enabled=True)
    with bar.progress:
        done = inspect_registered(store, settings, day, sites=urls, resume=resume, progress=bar,
                                  on_interrupt=interrupted)
    if as_json:
        return {**done.result.to_dict(), "run": done.to_dict()}
    out = Console()
    print_table(done.result, out)
    c, run, sink = done.sink.counts, done.run, done.sink
    out.print(f"检查批次 #{run.id}({run.period}，检查日期 {run.as_of}){'继续' if resume else ''}完成: "
              f"本次保存 {sink.sites_stored} 个网站、{sink.accounts_stored} 个账号；问题 新增 {c.new}、"
              f"仍存在 {c.seen_again}、复现 {c.reopened}、已整改 {c.resolved}、整改不到位 {c.incomplete}")
    return {}


def rejudge(
    run: Annotated[int, typer.Argument(help="the run whose site snapshots are judged again")],
    rules: Annotated[Path, typer.Option("--rules", help="rule-set YAML to judge with")],
    config: ConfigOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the changes as JSON on stdout")] = False,
) -> None:
    """用另一套规则重新评判已保存的检查批次(不重新抓取) (judge a stored run again without crawling)."""
    from rich.console import Console

    from .rules import load_rules
    from .service import judge
    from .store.rejudge import rejudge as run_rejudge

    rule_set = load_rules(rules)
    settings = load_settings(config)
    with store_from(settings) as store:
        done = run_rejudge(store, run, rule_set, judge, retention=settings.snapshot_retention, checks=settings.checks)
    if as_json:
        sys.stdout.write(json.dumps(_rejudge_json(done), ensure_ascii=False, indent=2) + "\n")
        return
    _print_changes(done, Console())


def _rejudge_json(done: Rejudged) -> dict[str, Any]:
    return {"run": done.run.id, "parent": done.parent.id, "period": done.run.period,
            "as_of": done.run.as_of.isoformat(), "rules": done.run.rules,
            "changes": [c.to_dict() for c in done.changes], "sites": [s.to_dict() for s in done.sites]}


def _print_changes(done: Rejudged, out: Console) -> None:
    from rich.table import Table

    out.print(f"已按规则 {done.run.rules} 重新评判检查批次 #{done.parent.id}，结果保存为批次 #{done.run.id}"
              f"({len(done.sites)} 个网站，结论或得分变化 {len(done.changes)} 个)")
    if not done.changes:
        return
    table = Table(title="评判变化")
    for col in ("网站", "原结论", "新结论"):
        table.add_column(col)
    table.add_column("原得分", justify="right")
    table.add_column("新得分", justify="right")
    labels = {"pass": "合格", "fail": "不合格"}
    for c in done.changes:
        table.add_row(f"{c.name}\n[dim]{c.url}[/dim]", labels.get(c.before, c.before), labels.get(c.after, c.after),
                      f"{c.score_before:.1f}", f"{c.score_after:.1f}")
    out.print(table)


def register(app: typer.Typer) -> None:
    """Add ``inspect`` and ``rejudge`` to the command."""
    app.command("inspect")(inspect)
    app.command("rejudge")(rejudge)


__all__ = ["register"]
