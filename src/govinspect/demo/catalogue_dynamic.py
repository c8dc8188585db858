"""World sites whose column lists are not plain links: script-drawn and postback-paged lists.

寿县 runs on the provincial 政府网站集约化平台 (style "platform", demo/style_json.py): news
and notices from a JSON API, 政务公开 from a label endpoint answering HTML fragments, and
personnel and statistics on an old ASP.NET system paged by ``__doPostBack``. Planted: a
future-dated news item (JSON, epoch millis), a notice list linking a deleted article, a stale
label-endpoint column and a stale postback-paged column, an empty postback column, and a
label endpoint that answers a login page (a fresh column the crawl cannot read: a notice,
never a staleness finding), and a footer without its ICP number. 部门动态, 政策文件 and
政策解读 are the clean controls of each delivery.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import ClassVar

from govinspect.demo.defects import BrokenLinks, Empty, FooterOmits, FutureDated, PathScheme, Stale
from govinspect.demo.plan import ItemPlan, SearchSpec, SitePlan, SiteSpec
from govinspect.demo.style_json import ENDPOINT_HTML
from govinspect.demo.text import Locale

__all__ = ["EndpointAnswersHtml", "ListedGone", "dynamic_specs"]


@dataclass(frozen=True, slots=True)
class ListedGone:
    """A list row (drawn from the endpoint) links an article that was deleted: a 404."""

    column: str
    row: int = 2
    phase: ClassVar[str] = "links"

    def apply(self, plan: SitePlan, rng: random.Random, paths: PathScheme) -> None:
        col = plan.column(self.column)
        item = col.items[self.row]
        gone = ItemPlan(item.title, item.real_date, None, 900000 + rng.randint(0, 999), item.time,
                        item.source)
        item.href = paths.article_path(plan, col, gone)  # its article is no longer rendered


@dataclass(frozen=True, slots=True)
class EndpointAnswersHtml:
    """The column's data endpoint answers a login page instead of its rows."""

    column: str
    phase: ClassVar[str] = "links"

    def apply(self, plan: SitePlan, rng: random.Random, paths: PathScheme) -> None:
        col = plan.column(self.column)
        plan.notes[col.path] = ENDPOINT_HTML
        col.broken_list = "endpoint"  # truth: unreadable, a crawl.incomplete notice (never stale)


def dynamic_specs() -> list[SiteSpec]:
    """The world's script-drawn and postback-paged sites."""
    return [
        SiteSpec(
            key="shouxian", name="寿县人民政府", unit="寿县人民政府办公室", level="county",
            site_code="3404220001", style="platform", encoding="utf-8", header_charset="utf-8",
            locale=Locale("寿县", "寿县", "寿县人民政府",
                          ["寿春镇", "双桥镇", "涧沟镇", "丰庄镇", "正阳关镇", "迎河镇", "板桥镇",
                           "安丰塘镇", "众兴镇", "茶庵镇", "三觉镇", "炎刘镇", "刘岗镇"],
                          leader_titles=["县长", "副县长"], doc_prefix="寿政"),
            icp="皖ICP备10202613号-1", police="皖公网安备 34042202000066号",
            defects=(
                FutureDated("工作动态", 14),
                Stale("规范性文件", 230),
                Stale("人事信息", 400),
                Empty("统计数据", marker=True),
                BrokenLinks(n404=2, refused=1, missing_files=1),
                ListedGone("通知公告"),
                EndpointAnswersHtml("规划计划"),
                FooterOmits("icp"),
            ),
            board="县长信箱",
            search=SearchSpec("/irs/front/search", "searchWord", params=(("code", "17da70961a7"),)),
        ),
    ]
