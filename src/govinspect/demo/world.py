"""Build the simulated government world: sites, their resources and their ground truth."""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import date

from govinspect.demo.bad import build_bad_sites
from govinspect.demo.bigsite import build_big_site
from govinspect.demo.catalogue import world_specs
from govinspect.demo.defects import apply_defects
from govinspect.demo.features import add_features, assign_feature_paths
from govinspect.demo.harmful import build_externals
from govinspect.demo.markup import GOV_EXTERNAL
from govinspect.demo.plan import SitePlan, build_plan
from govinspect.demo.readings import interpret
from govinspect.demo.render import STYLES, assign_paths, render_site
from govinspect.demo.sitesearch import SearchEngine
from govinspect.demo.truth import site_truth
from govinspect.demo.types import Resource, SimSite, World, site_ref

__all__ = ["build_bad_sites", "build_big_site", "build_world", "plan_world", "world_of"]


def plan_world(as_of: date, seed: int = 2019, scale: float = 1.0, static: bool = False
               ) -> list[SitePlan]:
    """Plans of every world site with defects applied and cross-site links in place."""
    plans = []
    for spec in world_specs():
        style = STYLES[spec.style]
        plan = build_plan(spec, as_of, seed, scale, static)
        apply_defects(plan, "content", style)
        assign_paths(plan, style)
        apply_defects(plan, "links", style)
        assign_paths(plan, style)
        interpret(plan)
        plans.append(plan)
    link_world(plans, seed)
    for plan in plans:
        style = STYLES[plan.spec.style]
        add_features(plan, style)
        apply_defects(plan, "features", style)
        assign_feature_paths(plan, style)
    return plans


def link_world(plans: list[SitePlan], seed: int) -> None:
    """Friend links between the world's sites and to real portals; a few cross-site articles."""
    rng = random.Random(f"world:{seed}")
    for plan in plans:
        others = [p for p in plans if p is not plan]
        friends = [(p.spec.name, site_ref(p.spec.key)) for p in others]
        plan.friend_links = friends + GOV_EXTERNAL + list(plan.spec.friends) + plan.friend_links
        arts = plan.articles()
        for other in rng.sample(others, 2):
            _, target = rng.choice(other.articles())
            _, item = rng.choice(arts)
            item.links.append((target.title, site_ref(other.spec.key, target.path)))


def build_world(as_of: date, seed: int = 2019, scale: float = 1.0, static: bool = False) -> World:
    """The demo world for inspection date ``as_of``; deterministic for (as_of, seed, scale).

    ``static=True`` renders pages that need no query strings (style (b) paginates with
    index_N.html and also declares its charset in a <meta>), for ``write_static``.
    """
    return world_of(plan_world(as_of, seed, scale, static), as_of, seed, scale, static)


def world_of(plans: list[SitePlan], as_of: date, seed: int, scale: float, static: bool) -> World:
    """Render ``plans`` into a World, each site with the truth read back from its pages."""
    rendered = {p.spec.key: render_site(p) for p in plans}
    externals = build_externals()
    world_resources: dict[str, Mapping[str, Resource]] = {k: r.resources for k, r in rendered.items()}
    world_resources.update({e.key: e.resources for e in externals})
    sites = []
    for plan in plans:
        s, r = plan.spec, rendered[plan.spec.key]
        search = plan.search
        dynamic = {} if search is None else {search.spec.action: SearchEngine(plan, STYLES[s.style])}
        handlers = getattr(STYLES[s.style], "handlers", None)  # list endpoints (style_json.py)
        dynamic = {**dynamic, **handlers(plan)} if handlers is not None else dynamic
        sites.append(SimSite(
            key=s.key, name=s.name, unit=s.unit, level=s.level, site_code=s.site_code,
            encoding=s.encoding, style=s.style, resources=r.resources,
            truth=site_truth(plan, r, world_resources),
            options={"header_charset": s.header_charset}, spider_view=r.spider, dynamic=dynamic,
        ))
    return World(as_of=as_of, seed=seed, scale=scale, sites=sites, static=static, externals=externals)
