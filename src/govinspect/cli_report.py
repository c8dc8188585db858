"""`govinspect report`: write the monthly circular (通报) of a period as Word, Excel and HTML."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .cli_common import ConfigOpt, store_from
from .settings import load_settings


def report_command(
    period: Annotated[str, typer.Option("--period", help="YYYY-MM, a period with a finished run")],
    fmt: Annotated[str | None, typer.Option("--format", help="comma-separated: docx,xlsx,html (default all)")] = None,
    out: Annotated[Path, typer.Option("--out", help="output folder")] = Path("."),
    deadline: Annotated[str | None, typer.Option("--deadline", help="整改期限 YYYY-MM-DD")] = None,
    issuer: Annotated[str | None, typer.Option("--issuer", help="发文单位, e.g. XX市人民政府办公室")] = None,
    config: ConfigOpt = None,
) -> None:
    """生成一期检查情况通报 (write the monthly circular: Word, Excel, HTML)."""
    from .report.publish import parse_deadline, parse_formats, write_circular
    from .store.periods import parse_period

    period = parse_period(period)
    formats = parse_formats(fmt)
    day = parse_deadline(deadline)
    with store_from(load_settings(config)) as store:
        paths = write_circular(store, period, out, formats, deadline=day, issuer=issuer)
    for path in paths:
        typer.echo(str(path))
