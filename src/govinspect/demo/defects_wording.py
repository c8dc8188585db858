"""Wording injectors (content.error_word): typos, an outdated name, a political error, history.

The wrong forms are those inspection circulars keep finding (按排, 布署, 再接再励; a bureau
named as before the 2018-2019 institutional reform; 台湾总统 for 台湾地区领导人, 新华社
《新闻信息报道中的禁用词和慎用词》). Each goes into the body of one recent article, never into
a title (titles are repeated on list pages). The 机构沿革 page is a control: it names the
abolished 国土资源局 as history, which is correct.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from html import escape
from typing import ClassVar

from govinspect.demo.defects import PathScheme
from govinspect.demo.markup import body_paragraphs
from govinspect.demo.plan import InfoPage, SitePlan
from govinspect.demo.types import WordingMark

# word -> (kind, sentence added to a news article); {place} is the site's place name.
SENTENCES: dict[str, tuple[str, str]] = {
    "按排": ("typo", "会上，各责任单位对近期重点工作逐项作了按排，明确了责任人和完成时限。"),
    "布署": ("typo", "会议对下一阶段重点工作进行了全面布署，要求各单位对照任务清单抓好落实。"),
    "再接再励": ("typo", "希望各单位再接再励，巩固已有成果，推动各项工作再上新台阶。"),
    "国土资源局": ("outdated_name", "市国土资源局、市住房城乡建设局、市生态环境局等单位负责同志参加会议。"),
    # issue 8: 既使 for 即使 (既使用 is fine: see LookAlikes), and the Xinhua list's 南朝鲜 (韩国).
    "既使": ("typo", "会议强调，既使任务再重、困难再多，也要确保各项工作按期完成。"),
    "南朝鲜": ("political", "来自南朝鲜釜山的经贸代表团参加了推介活动，并与多家企业签订了合作意向。"),
}
# Correct sentences that hold look-alikes of listed words (controls: no finding).
LOOK_ALIKES = (
    "各单位要既使用好上级补助资金，又积极拓宽融资渠道，保障重点项目建设需要。",
    "这项改革既使群众办事更加方便，又让企业减轻了负担。",
    "来自东北朝鲜族聚居地区的客商也参加了推介活动。",
)
# word -> (kind, title, paragraphs): an article about the subject the word belongs to.
ARTICLES: dict[str, tuple[str, str, list[str]]] = {
    "台湾总统": ("political", "{place}召开对台工作领导小组（扩大）会议", [
        "{month}月{day}日，{place}召开对台工作领导小组（扩大）会议，传达学习全省对台工作会议精神，"
        "总结前三季度全市对台工作，安排部署下一阶段重点任务。",
        "会议通报了台湾总统选举前岛内政治形势，分析了当前两岸关系面临的新情况新问题。",
        "会议要求，各成员单位要坚持一个中国原则，扎实做好涉台宣传、台胞台企服务和两岸交流合作等"
        "工作，推动对台工作取得新成效。",
    ]),
}


@dataclass(frozen=True, slots=True)
class WrongWords:
    """Each listed word goes into the body of its own recent article of ``column``."""

    column: str
    words: tuple[str, ...]
    phase: ClassVar[str] = "links"

    def apply(self, plan: SitePlan, rng: random.Random, paths: PathScheme) -> None:
        col = plan.column(self.column)
        pool = plan.untouched(self.column)
        words = self.words[: len(pool)]  # a shrunken world (scale < 1) has room for fewer
        for word, item in zip(words, rng.sample(pool, len(words)), strict=True):
            if word in ARTICLES:
                kind, title, paras = ARTICLES[word]
                day = item.real_date
                fields = {"place": plan.spec.locale.place, "month": day.month, "day": day.day}
                item.title = title.format(**fields)
                item.body = [p.format(**fields) for p in paras]
            else:
                kind, sentence = SENTENCES[word]
                body = body_paragraphs(plan, col, item)
                body.insert(max(1, len(body) - 1), sentence)
                item.body = body
            plan.planted.wording.append(WordingMark(item.path, word, kind))


@dataclass(frozen=True, slots=True)
class HistoryPage:
    """A 机构沿革 page naming abolished bureaus as history (correct: no wording error)."""

    phase: ClassVar[str] = "links"

    def apply(self, plan: SitePlan, rng: random.Random, paths: PathScheme) -> None:
        place = plan.spec.locale.place
        paras = [
            f"{place}人民政府工作部门沿革",
            f"2019年1月，根据中共安徽省委、安徽省人民政府批准的《{place}机构改革方案》，"
            f"{place}人民政府设置工作部门30个。",
            "将市国土资源局的职责，市住房和城乡建设委员会的城乡规划管理职责等整合，组建市自然资源"
            "和规划局，作为市政府工作部门。不再保留市国土资源局、市规划局。",
            "将市环境保护局的职责，以及市发展和改革委员会的应对气候变化和减排职责等整合，组建市生态"
            "环境局。不再保留市环境保护局。",
            "2016年，市国土资源局加挂市不动产登记局牌子，统一负责全市不动产登记工作。",
        ]
        html = "".join(f"<p>{escape(p)}</p>" for p in paras)
        plan.info_pages.append(InfoPage("jgyg", "机构沿革", html, paths.info_path(plan, "jgyg")))


@dataclass(frozen=True, slots=True)
class LookAlikes:
    """Control (issue 8): correct sentences holding look-alikes (既使用, 既…又, 东北朝鲜族) in one article."""

    column: str
    phase: ClassVar[str] = "links"

    def apply(self, plan: SitePlan, rng: random.Random, paths: PathScheme) -> None:
        col = plan.column(self.column)
        touched = {m.path for m in plan.planted.wording}
        item = rng.choice([i for i in plan.untouched(self.column) if i.path not in touched])
        body = body_paragraphs(plan, col, item)
        body[max(1, len(body) - 1):max(1, len(body) - 1)] = list(LOOK_ALIKES)
        item.body = body
