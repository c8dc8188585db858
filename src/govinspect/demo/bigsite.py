"""One large realistic site (thousands of pages) rendered on demand, for crawl benchmarks."""

from __future__ import annotations

from datetime import date

from govinspect.demo.defects import BrokenLinks, apply_defects
from govinspect.demo.markup import GOV_EXTERNAL
from govinspect.demo.plan import SitePlan, SiteSpec, build_plan, columns_for
from govinspect.demo.render import STYLES, LazyResources, assign_paths, column_pages
from govinspect.demo.text import Locale
from govinspect.demo.truth import classify, plan_truth
from govinspect.demo.types import BrokenLink, SimSite, Truth

BIG_LOCALE = Locale(
    "寿县", "寿县", "寿县人民政府",
    ["寿春镇", "双桥镇", "涧沟镇", "丰庄镇", "正阳关镇", "迎河镇", "板桥镇", "安丰塘镇", "众兴镇",
     "茶庵镇", "三觉镇", "瓦埠镇", "小甸镇", "堰口镇", "保义镇", "隐贤镇", "安丰镇"],
    leader_titles=["县长", "副县长"], doc_prefix="寿政",
)
FIXED_PAGES = 6  # home, two section hubs, three feature pages


def big_spec(style: str, broken: BrokenLinks) -> SiteSpec:
    """Identity of the benchmark site (寿县人民政府)."""
    return SiteSpec(
        key="big", name="寿县人民政府", unit="寿县人民政府办公室", level="county",
        site_code="3404220001", style=style, encoding="gbk" if style == "trs" else "utf-8",
        header_charset=None if style == "trs" else "utf-8", locale=BIG_LOCALE,
        icp="皖ICP备06012345号-1", police="皖公网安备 34042202000088号", defects=(broken,),
    )


def broken_mix(articles: int, ratio: float) -> BrokenLinks:
    """Spread ``articles * ratio`` broken targets over the four kinds (mostly internal 404)."""
    total = max(4, round(articles * ratio))
    n500 = max(1, total * 15 // 100)
    refused = max(1, total * 5 // 100)
    dns = max(1, total * 5 // 100)
    missing = max(1, total * 15 // 100)
    return BrokenLinks(n404=total - n500 - refused - dns - missing, n500=n500, refused=refused,
                       dns=dns, missing_files=missing)


def build_big_site(
    pages: int, broken_ratio: float = 0.015, seed: int = 2019,
    as_of: date = date(2019, 10, 20), style: str = "trs", static: bool = False,
) -> SimSite:
    """A county portal of about ``pages`` HTML pages whose bodies are rendered on demand.

    ``broken_ratio`` is the share of articles that link to a broken target; iterate
    ``site.iter_resources()`` to write it out page by page.
    """
    page_size = STYLES[style].page_size
    base = sum(c.count for c in columns_for("county"))
    articles = max(len(columns_for("county")) * 3, round((pages - FIXED_PAGES) * page_size
                                                         / (page_size + 1)))
    spec = big_spec(style, broken_mix(articles, broken_ratio))
    plan = build_plan(spec, as_of, seed, articles / base, static)
    apply_defects(plan, "content", STYLES[style])
    assign_paths(plan, STYLES[style])
    apply_defects(plan, "links", STYLES[style])
    assign_paths(plan, STYLES[style])
    plan.friend_links = list(GOV_EXTERNAL)
    resources = LazyResources(plan)
    return SimSite(
        key=spec.key, name=spec.name, unit=spec.unit, level=spec.level, site_code=spec.site_code,
        encoding=spec.encoding, style=style, resources=resources,
        truth=big_truth(plan, resources), options={"header_charset": spec.header_charset},
    )


def big_truth(plan: SitePlan, resources: LazyResources) -> Truth:
    """Truth built from the plan: only articles carry links that can break here."""
    truth = plan_truth(plan)
    world = {plan.spec.key: resources}
    for _col, item in plan.articles():
        refs = [ref for _, ref in item.links] + [a.path for a in item.attachments]
        for ref in refs:
            kind = classify(ref, plan, resources, world)
            if kind not in (None, "external"):
                truth.broken_links.add(BrokenLink(item.path, ref, str(kind)))
    style = STYLES[plan.spec.style]
    html_pages = FIXED_PAGES + sum(column_pages(style, c) for c in plan.columns) + len(
        plan.articles())
    truth.stats = {
        "pages": html_pages,
        "resources": len(resources),
        "articles": len(plan.articles()),
        "broken_targets": len({b.target for b in truth.broken_links}),
        "broken_links": len(truth.broken_links),
    }
    return truth
