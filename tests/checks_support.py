"""Snapshots built by hand, for testing checks without a network."""

from __future__ import annotations

from datetime import date

from govinspect.checks import Context
from govinspect.model import Column, LinkStatus, ListItem, Page, SiteEntry
from govinspect.rules import load_rules
from govinspect.snapshot import Snapshot

AS_OF = date(2019, 10, 20)
HOME = "http://www.example.gov.cn/"
SITE = SiteEntry(name="示例市人民政府", url=HOME, unit="示例市人民政府办公室", level="portal")


def ctx(as_of: date = AS_OF) -> Context:
    return Context(as_of=as_of, rules=load_rules(), site=SITE)


def items(*dates: date | None, prefix: str = "关于开展安全生产大检查的通知") -> list[ListItem]:
    return [ListItem(f"{prefix}{i}", f"{HOME}a/{i}.html", d) for i, d in enumerate(dates)]


def column(name: str, category: str, *dates: date | None, url: str | None = None) -> Column:
    its = items(*dates)
    return Column(name=name, url=url or f"{HOME}{name}/", category=category, items=its,
                  item_count=len(its), empty=not its)


def snapshot(home_items: list[ListItem] | None = None, columns: list[Column] | None = None,
             pages: list[Page] | None = None, targets: list[tuple[LinkStatus, list[str]]] | None = None) -> Snapshot:
    snap = Snapshot(SITE, as_of=AS_OF)
    home = Page(url=HOME, final_url=HOME, status=200, content_type="text/html", items=home_items or [])
    snap.add_page(home, home=True)
    for p in pages or []:
        snap.add_page(p)
    for status, sources in targets or []:
        snap.set_target(status)
        for s in sources:
            snap.add_links(s, [status.target])
    snap.columns = columns or []
    return snap
