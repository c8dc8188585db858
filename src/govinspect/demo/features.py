"""Issue-4 features of a site: search box, service guides, message board, interpretations.

``add_features`` builds them clean from the site's spec (demo/catalogue.py) with a random
source of their own, after the freshness and link defects and after the world's cross-site
links, so that those draw exactly what they drew before; the "features" defects
(demo/defects_features.py) then spoil them. Interpretations are rewritten earlier
(``readings.interpret``, before the cross-site links, which quote their titles).
``features_truth`` reads the truth back from the plan and checks it against the rendered
pages: a mark the pages do not show is a generator bug, raised at build time.
"""

from __future__ import annotations

import random
import re
from html import escape

from govinspect.demo.board import build_board
from govinspect.demo.markup import Style
from govinspect.demo.plan import SearchPlan, SitePlan
from govinspect.demo.render import Rendered
from govinspect.demo.services import LABELS, build_services
from govinspect.demo.sitesearch import unindexed
from govinspect.demo.types import SearchTruth, Truth

BOARD_SIZE = (9, 11)
SERVICES = {"portal": 7, "county": 6, "department": 5}


def add_features(plan: SitePlan, style: Style) -> None:
    """Search, guides and message board of a site, all clean; paths assigned."""
    spec = plan.spec
    rng = random.Random(f"features:{plan.seed}")
    if spec.search is not None:
        plan.search = SearchPlan(spec.search, charset=spec.encoding)
    if spec.guides:
        plan.services = build_services(plan, rng, SERVICES[spec.level])
    plan.board = build_board(plan, rng, rng.randint(*BOARD_SIZE))
    assign_feature_paths(plan, style)


def assign_feature_paths(plan: SitePlan, style: Style) -> None:
    """URLs of the board, its letters and the service items (idempotent)."""
    for item in plan.services:
        item.path = style.guide_path(plan, item)
    board = plan.board
    if board is not None:
        board.path = style.board_path(plan, board)
        board.messages.sort(key=lambda m: m.received, reverse=True)
        for msg in board.messages:
            msg.path = style.message_path(plan, board, msg)


def features_truth(plan: SitePlan, rendered: Rendered, truth: Truth) -> None:
    """Fill the issue-4 truth from the plan, after checking each mark against the pages."""
    key, pages, marks = plan.spec.key, rendered.pages, plan.planted
    layout = plan.spec.guides or "table"
    for g in marks.guides:
        html = pages[g.path]
        label = LABELS[layout][g.element]
        shown = re.search(rf">{label}(：)?</(th|dt)>", html) is not None
        if (g.problem == "missing") == shown:
            raise ValueError(f"{key}: {g.path} {g.element} is not {g.problem}")
    for path in marks.no_guide:
        item = next((s for s in plan.services if s.path == path), None)
        if item is not None and item.listed == "bare":
            if "办事指南" in pages[path] or "事项名称" in pages[path]:
                raise ValueError(f"{key}: {path} is not a bare item page")
        elif "暂无办事指南" not in pages[path]:
            raise ValueError(f"{key}: {path} shows a guide")
    no_guide = list(marks.no_guide)  # the plan stays as planned: a later period renders it again
    unlinked = [s for s in plan.services if s.listed == "text"]
    for item in unlinked:  # the 办事服务 page names it without a link (issue 8)
        lists = [p for p, html in pages.items() if f"<li>{escape(item.name)}<span>" in html]
        if not lists or any(f'href="{item.path}"' in pages[p] for p in lists):
            raise ValueError(f"{key}: {item.name} is not shown unlinked")
        no_guide.extend(p for p in lists if p not in no_guide)
    for u in marks.unanswered:
        if "答复内容" in pages[u.path] or "留言时间" not in pages[u.path]:
            raise ValueError(f"{key}: {u.path} is not an unanswered letter")
    for r in marks.reply_incomplete:
        html = pages[r.path]
        for what, label in (("unit", "答复单位"), ("time", "答复时间")):
            if (what in r.missing.split(",")) == (label in html) or "答复内容" not in html:
                raise ValueError(f"{key}: {r.path} does not lack only {r.missing}")
    for path in marks.weak_interpretations:
        if "政策原文" in pages[path]:
            raise ValueError(f"{key}: {path} links its policy")
    truth.service_items = [s.path for s in plan.services]
    truth.guides = sorted(set(marks.guides))
    truth.no_guide = sorted(set(no_guide))
    board = plan.board
    if board is not None:
        truth.board = board.path
        truth.messages = [m.path for m in board.messages]
        truth.no_stats = not board.stats
        if ("本月共收到留言" in pages[board.path]) != board.stats:
            raise ValueError(f"{key}: the statistics line of {board.path} is wrong")
    truth.unanswered = sorted(set(marks.unanswered))
    truth.reply_incomplete = sorted(set(marks.reply_incomplete))
    truth.interpretations = [i.path for c in plan.columns if c.spec.kind == "reading"
                             for i in c.items if i.href is None]
    truth.weak_interpretations = sorted(set(marks.weak_interpretations))
    truth.search = search_truth(plan, pages["/"])


def search_truth(plan: SitePlan, home: str) -> SearchTruth:
    """The site search as the home page shows it and as its index answers."""
    search = plan.search
    if search is None:
        if "<form" in home and "searchform" in home:
            raise ValueError(f"{plan.spec.key}: the home page shows a search form")
        return SearchTruth()
    spec = search.spec
    if f'name="{spec.field}"' not in home:
        raise ValueError(f"{plan.spec.key}: the home page lacks the search form")
    lacking = unindexed(plan)
    # The probe queries the newest dated titles: they are missed when the index lacks any
    # page published on or before the inspection date.
    missed = any(d.date is not None and d.date <= plan.as_of for d in lacking)
    return SearchTruth(method=spec.method, action=spec.action, query_field=spec.field,
                       charset=search.charset, not_found=missed, unindexed=[d.path for d in lacking])

