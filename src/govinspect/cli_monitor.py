"""`govinspect monitor`: probe rounds (long-lived or --once) and the trailing week's availability (--status)."""

from __future__ import annotations

import json
import logging
import sys
from datetime import datetime
from typing import Annotated

import typer

from .cli_common import ConfigOpt, store_from
from .errors import UsageError
from .settings import load_settings


def monitor_command(
    once: Annotated[bool, typer.Option("--once", help="run one round and exit (for cron)")] = False,
    status: Annotated[bool, typer.Option("--status", help="print each site's probes and availability over 7 days")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="with --status: print JSON on stdout")] = False,
    config: ConfigOpt = None,
) -> None:
    """日常监测：定时探测各网站首页，按近7天判断可用性 (probe every registered site's home page)."""
    from .monitor.service import Monitor
    from .monitor.status import status_rows
    from .store.registry import registered

    settings = load_settings(config)
    with store_from(settings) as store:
        if not registered(store).sites:
            raise UsageError("注册库中没有网站，无法监测；请先用 govinspect sites import 导入网站")
        monitor = Monitor(store, settings)
        if status:
            assert monitor.rules is not None
            rows = status_rows(store, datetime.now(), monitor.rules)
            _print_status(rows, as_json)
            return
        _log_to_stderr()
        if once:
            result = monitor.once()
            if result is None:
                typer.echo("本时段的监测已完成，未重复探测")
                return
            failed = sum(1 for p in result.probes if not p.ok)
            note = "（对照探测全部失败，本轮作废，不计入各网站）" if result.discarded else ""
            typer.echo(f"监测轮次 {result.round_id}: 探测 {len(result.probes)} 个网站，{failed} 个无法访问{note}")
            return
        monitor.handle_signals()
        monitor.run()


def _log_to_stderr() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%Y-%m-%d %H:%M:%S"))
    log = logging.getLogger("govinspect.monitor")
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False


def _print_status(rows: list[dict[str, object]], as_json: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    if as_json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    table = Table("网站", "地址", "探测次数", "失败次数", "可用率", "监测天数", "结论")
    for r in rows:
        avail = r["availability"]
        table.add_row(str(r["name"]), str(r["url"]), str(r["probes"]), str(r["failed"]),
                      "-" if avail is None else f"{float(str(avail)):.1%}", f"{r['days_covered']:g}",
                      str(r["conclusion"]))
    Console(width=200).print(table)
