"""The demo world over several monthly periods: the same sites a month later, some problems fixed.

``build_cycle([d1, d2], seed)`` plans the world as of ``d1`` (exactly ``build_world(d1, seed)``)
and then advances its plans to each later date: columns that are kept up get new items dated
in the new month, the message board gets the month's letters, and a deterministic half of each
site's fixable problems is fixed (a stale column updated, an empty column filled, a broken link
removed or its file uploaded, a wrong word deleted, a footer item restored, an overdue letter
answered). The other problems stay where they were, so their finding keys stay the same, and
each site gets new ones: a broken link in a new article, on every other site a news column
left without updates, on every third site the month's first letter left unanswered.
Truth is read back from the rendered pages as for one period (demo/truth.py);
``cycle_truth`` compares two periods' truths: ``carried``, ``fixed`` and ``new`` problems.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any, NamedTuple

from govinspect.demo import board as boards
from govinspect.demo.features import assign_feature_paths
from govinspect.demo.plan import FRESH_MAX, ColumnPlan, ItemPlan, Message, SitePlan
from govinspect.demo.readings import explain
from govinspect.demo.render import STYLES, assign_paths
from govinspect.demo.truth import column_truths
from govinspect.demo.types import IdentityMark, SimSite, UnansweredMark, WordingMark, World
from govinspect.demo.world import plan_world, world_of

__all__ = ["CycleProblem", "accounts_cycle_truth", "advance", "as_dicts", "build_cycle", "cycle_truth",
           "problems", "rebase", "world_links"]

MIN_GAP, MAX_GAP = 20, 62  # days between two periods: the column rules assume about a month
STATES = ("carried", "fixed", "new")
Fix = Callable[[], None]


class CycleProblem(NamedTuple):
    """One planted problem of a site: finding code and place, as the evaluator matches them."""

    site: str
    code: str
    place: str


def build_cycle(periods: Sequence[date], seed: int = 2019, scale: float = 1.0) -> list[World]:
    """One World per inspection date of ``periods`` (ascending); period 1 equals ``build_world``."""
    dates = list(periods)
    if not dates:
        raise ValueError("build_cycle needs at least one period")
    for a, b in zip(dates, dates[1:], strict=False):
        if not MIN_GAP <= (b - a).days <= MAX_GAP:
            raise ValueError(f"periods {a} and {b} are not about a month apart")
    plans = plan_world(dates[0], seed, scale)
    worlds = [world_of(plans, dates[0], seed, scale, False)]
    for n, as_of in enumerate(dates[1:], start=2):
        plans = copy.deepcopy(plans)  # the previous World's dynamic pages keep their own plans
        for index, plan in enumerate(plans):
            advance(plan, worlds[-1].site(plan.spec.key), as_of, seed, n, index)
        worlds.append(world_of(plans, as_of, seed, scale, False))
    return worlds


def advance(plan: SitePlan, before: SimSite, as_of: date, seed: int, period: int, index: int) -> None:
    """Move one site plan to ``as_of``: the month's content, half its problems fixed, new ones."""
    rng = random.Random(f"cycle:{seed}:{period}:{plan.spec.key}")
    style = STYLES[plan.spec.style]
    previous = plan.as_of
    verdicts = {ct.name: verdict for verdict, ct in column_truths(plan)}
    fixes = fixables(plan, before, verdicts)
    rng.shuffle(fixes)
    chosen = {name for name, _ in fixes[: max(1, len(fixes) // 2) if fixes else 0]}
    plan.as_of = as_of
    idle = _idle_column(plan, verdicts) if index % 2 == 0 else None
    fresh: list[tuple[ColumnPlan, ItemPlan]] = []
    for col in plan.columns:
        verdict = verdicts[col.name]
        if col is idle or verdict == "unreadable":
            continue
        if verdict in ("stale", "empty") and f"column {col.name}" not in chosen:
            continue
        col.empty = None
        added = month_items(plan, col, rng, previous)
        col.items = sorted(added + col.items, key=lambda i: i.real_date, reverse=True)
        fresh += [(col, i) for i in added]
    for name, fix in fixes:
        if name in chosen:
            fix()
    assign_paths(plan, style)
    for col, item in fresh:
        if col.spec.kind == "reading":
            _interpret(plan, item)
    new_broken_link(plan, rng, fresh, style)
    advance_board(plan, rng, previous, overdue=index % 3 == 1)
    assign_paths(plan, style)
    assign_feature_paths(plan, style)


def month_items(plan: SitePlan, col: ColumnPlan, rng: random.Random, previous: date) -> list[ItemPlan]:
    """Items of ``col`` published after ``previous`` and up to the plan's date, newest first."""
    cat = col.spec.category
    gap = (plan.as_of - previous).days - 1
    newest = rng.randint(0, min(FRESH_MAX[cat] // 2, 5 if cat == "news" else 20, gap))
    day = plan.as_of - timedelta(days=newest)
    items: list[ItemPlan] = []
    while day > previous or not items:
        items.append(plan.new_item(rng, col.spec, day))
        day -= timedelta(days=rng.randint(*col.spec.spacing))
    return items


def _idle_column(plan: SitePlan, verdicts: Mapping[str, str]) -> ColumnPlan | None:
    """A fresh news column that gets no item this month (a new stale column), or None."""
    planted = {getattr(d, "column", None) for d in plan.spec.defects}
    news = [c for c in plan.columns if c.spec.category == "news" and verdicts[c.name] == "fresh"
            and c.name not in planted]
    return news[-1] if len(news) > 1 else None


def _interpret(plan: SitePlan, item: ItemPlan) -> None:
    """Make a new 政策解读 item explain the newest policy published before it."""
    try:
        policies = [i for i in plan.column("政策文件").items if i.href is None and i.doc_no
                    and i.real_date <= item.real_date]
    except KeyError:
        return
    if policies:
        explain(plan, item, max(policies, key=lambda p: p.real_date))


def fixables(plan: SitePlan, before: SimSite, verdicts: Mapping[str, str]) -> list[tuple[str, Fix]]:
    """The problems of ``plan`` this period may fix, each as (name, fix), in a stable order."""
    out: list[tuple[str, Fix]] = []
    for col in plan.columns:
        if verdicts[col.name] in ("stale", "empty"):
            out.append((f"column {col.name}", _noop))  # the month's items are the fix
    for target in sorted({b.target for b in before.truth.broken_links}):
        if _links_to(plan, target):
            out.append((f"link {target}", _unlink(plan, target)))
    if "footer_loader" not in plan.shown:  # a script footer would still omit the item
        for mark in plan.planted.identity:
            out.append((f"identity {mark.item}", _restore(plan, mark)))
    articles = {i.path: i for _, i in plan.articles()}
    for w in plan.planted.wording:
        item = articles.get(w.path)
        if item is not None and item.body and w.word not in item.title:
            out.append((f"word {w.path} {w.word}", _correct(plan, item, w)))
    if plan.board is not None:
        for u in plan.planted.unanswered:
            out.append((f"letter {u.path}", _answer(plan, u)))
    return out


def _noop() -> None:
    return None


def _links_to(plan: SitePlan, target: str) -> bool:
    """True when ``target`` is a link or a missing file that the plan itself holds."""
    if any(target == t for _, t in plan.home_links + plan.friend_links):
        return True
    for _, item in plan.articles():
        if any(target == t for _, t in item.links):
            return True
        if any(a.missing and a.path == target for a in item.attachments):
            return True
    return False


def _unlink(plan: SitePlan, target: str) -> Fix:
    def fix() -> None:
        plan.home_links = [x for x in plan.home_links if x[1] != target]
        plan.friend_links = [x for x in plan.friend_links if x[1] != target]
        plan.external_broken.pop(target, None)
        plan.errors.pop(target, None)
        for _, item in plan.articles():
            item.links = [x for x in item.links if x[1] != target]
            for att in item.attachments:
                if att.path == target:
                    att.missing = False  # the file is uploaded at last
    return fix


def _restore(plan: SitePlan, mark: IdentityMark) -> Fix:
    def fix() -> None:
        plan.shown.pop({"police_record": "police"}.get(mark.item, mark.item), None)
        plan.planted.identity.remove(mark)
    return fix


def _correct(plan: SitePlan, item: ItemPlan, mark: WordingMark) -> Fix:
    def fix() -> None:
        kept = [p for p in item.body or () if mark.word not in p]
        item.body = kept or None
        plan.planted.wording.remove(mark)
    return fix


def _answer(plan: SitePlan, mark: UnansweredMark) -> Fix:
    def fix() -> None:
        assert plan.board is not None
        for msg in plan.board.messages:
            if msg.path == mark.path:
                msg.unit = msg.unit or plan.spec.unit
                boards.answer(msg, min(plan.as_of, mark.received + timedelta(days=40)),
                              "您好！您反映的问题已转交相关部门办理，现已办结，感谢您的监督。")
        plan.planted.unanswered.remove(mark)
    return fix


def new_broken_link(plan: SitePlan, rng: random.Random, fresh: Sequence[tuple[ColumnPlan, ItemPlan]],
                    style: Any) -> None:
    """A new article of the month links a deleted page (or, when nothing is new, a dead host)."""
    news = [(c, i) for c, i in fresh if c.spec.category == "news" and i.date is not None
            and i.date <= plan.as_of] or [(c, i) for c, i in fresh if i.date and i.date <= plan.as_of]
    if not news:
        return
    col, item = news[-1]
    gone = ItemPlan(item.title, item.real_date - timedelta(days=300), None, 800000 + rng.randint(0, 999),
                    item.time, item.source)
    item.links.append(("相关报道", style.article_path(plan, col, gone)))


def advance_board(plan: SitePlan, rng: random.Random, previous: date, overdue: bool) -> None:
    """Answer last month's waiting letters (or leave them overdue) and add the month's letters."""
    board = plan.board
    if board is None:
        return
    planted = {u.path for u in plan.planted.unanswered}
    for msg in board.messages:
        if msg.status == "answered" or msg.path in planted:
            continue
        if overdue:
            plan.planted.unanswered.append(UnansweredMark(msg.path, msg.received.date(), "deduct"))
        else:
            boards.answer(msg, msg.received.date() + timedelta(days=rng.randint(2, 6)), _reply(plan, msg))
    pool = {"jyj": boards.EDUCATION, "wjw": boards.HEALTH}.get(plan.spec.key, boards.GENERAL)
    day = plan.as_of - timedelta(days=rng.randint(2, 4))
    for n in range(3):
        if day <= previous:
            break
        letter = pool[(len(board.messages) + n) % len(pool)]
        fields = {"town": rng.choice(plan.spec.locale.towns), "road": rng.choice(boards.ROADS)}
        msg = Message(serial=4200 + len(board.messages), title=letter.title.format(**fields),
                      content=letter.content.format(**fields),
                      received=datetime.combine(day, time(rng.randint(7, 22), rng.randint(0, 59))),
                      status="unanswered",
                      unit=plan.spec.locale.place + letter.dept if letter.dept else plan.spec.unit)
        if n > 0:
            boards.answer(msg, min(day + timedelta(days=rng.randint(1, 6)), plan.as_of),
                          letter.reply.format(**fields))
        board.messages.append(msg)
        day -= timedelta(days=rng.randint(5, 9))
    for u in list(plan.planted.unanswered):  # a letter past 90 days is a veto now
        if (plan.as_of - u.received).days > 90 and u.severity != "veto":
            plan.planted.unanswered[plan.planted.unanswered.index(u)] = u._replace(severity="veto")


def _reply(plan: SitePlan, msg: Message) -> str:
    return f"您好！您反映的“{msg.title}”有关问题已收悉，经核实已交由相关单位处理，感谢您的关注。"


def world_links(world: World) -> dict[str, str]:
    """Canonical base URLs (http://<key>.world/) for every site and the refused port."""
    links = {f"site:{s.key}": f"http://{s.key}.world/" for s in world.sites + world.externals}
    links["refused"] = "http://refused.world/"
    return links


def rebase(text: str, served: Mapping[str, str], to: Mapping[str, str]) -> str:
    """Rewrite the base URLs of ``served`` (placeholder -> URL) in ``text`` as those of ``to``."""
    for name, url in sorted(served.items(), key=lambda kv: -len(kv[1])):
        if name in to:
            text = text.replace(url, to[name])
    return text


def problems(world: World, links: Mapping[str, str] | None = None) -> set[CycleProblem]:
    """Every planted problem of ``world`` as (site, code, place), places as the evaluator keys them."""
    from govinspect.demo.evaluate import expected_sets  # evaluate imports the service layer
    from govinspect.rules import load_rules

    links = links or world_links(world)
    rules = load_rules()
    out: set[CycleProblem] = set()
    for site in world.sites:
        base = links[f"site:{site.key}"]
        for code, places in expected_sets(site.truth, world.as_of, base, links, rules).items():
            out |= {CycleProblem(site.key, code, p) for p in places}
    return out


def cycle_truth(before: World, after: World, links: Mapping[str, str] | None = None
                ) -> dict[str, list[CycleProblem]]:
    """Problems of ``after`` compared with ``before``: carried (both), fixed (before only), new."""
    links = links or world_links(after)
    old, new = problems(before, links), problems(after, links)
    return {"carried": sorted(old & new), "fixed": sorted(old - new), "new": sorted(new - old)}


def accounts_cycle_truth(before: Mapping[str, Mapping[str, str]], after: Mapping[str, Mapping[str, str]]
                         ) -> dict[str, list[tuple[str, str]]]:
    """Account problems (account, code) carried, fixed or new between two ``AccountWorld.truth()``."""
    old = _account_problems(before)
    new = _account_problems(after)
    return {"carried": sorted(old & new), "fixed": sorted(old - new), "new": sorted(new - old)}


def _account_problems(truth: Mapping[str, Mapping[str, str]]) -> set[tuple[str, str]]:
    return {(name, code) for name, codes in truth.items() for code in codes}


def as_dicts(truth: Mapping[str, Iterable[CycleProblem]]) -> dict[str, list[dict[str, str]]]:
    """JSON-ready form of ``cycle_truth``."""
    return {state: [p._asdict() for p in truth.get(state, ())] for state in STATES}
