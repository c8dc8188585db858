"""Realistic simplified-Chinese titles and paragraphs for simulated government pages."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = ["建国", "文华", "志强", "海燕", "立新", "晓东", "国庆", "红梅", "宏伟", "玉兰", "德明",
         "永刚", "春雷", "雪峰", "振华", "秀英", "光明", "俊杰", "卫东", "丽娟", "世平", "长青"]

COMMON_TOPICS = [
    "安全生产", "大气污染防治", "优化营商环境", "乡村振兴", "脱贫攻坚", "全国文明城市创建",
    "河长制", "扫黑除恶专项斗争", "防汛抗旱", "秸秆禁烧", "消防安全", "食品安全", "招商引资",
    "重点项目建设", "“放管服”改革", "民生工程", "城市管理", "生活垃圾分类", "就业创业",
    "社会救助", "老旧小区改造", "农村人居环境整治", "数字政府建设", "政务公开", "信访工作",
    "安全隐患排查整治", "森林防火", "耕地保护", "根治欠薪", "双拥共建",
]
EDU_TOPICS = [
    "义务教育均衡发展", "校园安全", "学前教育", "教师队伍建设", "控辍保学", "学生资助",
    "中小学招生入学", "课后服务", "职业教育", "校外培训机构治理", "学校食堂食品安全",
    "中小学生近视防控", "教育信息化", "师德师风建设",
]
HEALTH_TOPICS = [
    "家庭医生签约服务", "健康扶贫", "基层医疗卫生服务能力提升", "爱国卫生运动", "疫苗管理",
    "传染病防控", "医养结合", "卫生健康监督执法", "妇幼健康", "无偿献血", "健康促进",
    "医疗机构依法执业", "城乡居民健康素养提升",
]
HOLIDAYS = ["元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"]
POSTS = ["中小学教师", "事业单位工作人员", "社区工作者", "乡镇卫生院专业技术人员", "辅警",
         "政府专职消防员", "劳动保障协理员", "城市管理协管员"]
THEMES = ["不忘初心、牢记使命", "我为群众办实事", "学习强国", "清廉机关", "志愿服务进社区"]
UPPER = ["省委、省政府", "市委、市政府", "国务院", "省政府办公厅"]

NEWS_TITLES = [
    "{place}召开{topic}工作推进会",
    "{place}{topic}工作领导小组召开专题会议",
    "{leader}调研{topic}工作",
    "{leader}带队督查{topic}工作",
    "{org}开展{topic}专项行动",
    "{place}举办{year}年{topic}业务培训班",
    "{town}扎实推进{topic}工作",
    "{org}多措并举推进{topic}",
    "{place}召开{month}月份{topic}工作调度会",
    "{org}召开{year}年第{n}次党组（扩大）会议",
    "{town}开展“{theme}”主题党日活动",
    "{place}{topic}工作取得阶段性成效",
    "省{topic}督查组来{short}开展督查",
    "{town}召开{topic}工作部署会",
    "{org}组织收听收看全省{topic}电视电话会议",
]
NOTICE_TITLES = [
    "关于开展{year}年{topic}专项检查的通知",
    "关于做好{year}年{holiday}期间{topic}工作的通知",
    "关于{year}年{holiday}放假安排的通知",
    "关于公开征求《{place}{topic}实施方案（征求意见稿）》意见的公告",
    "{place}{year}年{topic}项目公示",
    "关于举办{year}年{topic}业务培训班的通知",
    "关于开展{year}年度{topic}工作考核的通知",
    "{org}关于{topic}有关事项的公告",
]
POLICY_TITLES = [
    "{place}人民政府关于印发《{place}{topic}实施方案》的通知",
    "{place}人民政府办公室关于印发《{place}{topic}工作方案》的通知",
    "{place}人民政府关于进一步加强{topic}工作的意见",
    "{place}人民政府办公室关于印发{place}{topic}管理办法的通知",
    "{org}关于印发《{year}年{topic}工作要点》的通知",
]
READING_TITLES = [
    "《{place}{topic}实施方案》政策解读",
    "一图读懂《{place}{topic}工作方案》",
    "《关于进一步加强{topic}工作的意见》解读",
    "{place}{topic}管理办法解读",
]
PERSONNEL_TITLES = [
    "{place}{year}年公开招聘{post}拟聘用人员公示",
    "{place}{year}年公开招聘{post}笔试成绩公布",
    "{org}{year}年公开遴选工作人员公告",
    "{place}人民政府关于{person}等同志职务任免的通知",
    "{org}干部任前公示",
    "{place}{year}年公开招聘{post}资格复审公告",
]
PLAN_TITLES = [
    "{place}{year}年{topic}工作要点",
    "{org}{year}年工作计划",
    "{place}{topic}专项规划（{year}—{year5}年）",
    "{org}{year}年上半年工作总结和下半年工作计划",
]
STATS_TITLES = [
    "{year}年{month}月份{place}主要经济指标",
    "{year}年1—{month}月{place}国民经济运行情况",
    "{place}{year}年第{quarter}季度居民收入和消费支出情况",
    "{year}年{month}月份{place}规模以上工业生产情况",
]
INTERACT_TITLES = [
    "关于{town}道路积水问题的回复", "关于{topic}相关政策的咨询", "关于小区供暖问题的答复",
    "关于{town}农村公路养护的回复", "关于子女入学政策的咨询",
]

NEWS_PARAS = [
    "{when}，{place}召开{topic}工作推进会，{leader}出席会议并讲话。会议传达学习了上级有关文件精神，"
    "通报了前一阶段{topic}工作开展情况，并对下一阶段工作进行了安排部署。",
    "会议指出，{topic}工作事关人民群众切身利益，事关经济社会发展大局。各地各部门要进一步提高政治站位，"
    "切实增强做好{topic}工作的责任感和紧迫感。",
    "会议强调，要坚持问题导向，聚焦重点领域和薄弱环节，细化工作措施，压实工作责任，确保各项任务落地见效。",
    "会议要求，要加强统筹协调，形成工作合力；要强化督查考核，对工作不力、进展缓慢的单位予以通报；"
    "要注重宣传引导，营造全社会共同参与的良好氛围。",
    "据了解，今年以来，{place}累计投入资金{money}万元，实施{topic}项目{n}个，惠及群众{k}万余人。",
    "{town}、{town2}等单位负责同志作了交流发言。",
    "调研中，{leader}一行先后来到{town}、{town2}等地，实地察看{topic}工作开展情况，详细了解存在的困难和问题。",
    "{leader}对{place}{topic}工作取得的成绩给予肯定，要求相关单位再接再厉，巩固成果，建立长效机制。",
    "活动现场，工作人员向过往群众发放宣传资料{n}00余份，现场解答群众咨询{k}0余人次。",
]
NOTICE_PARAS = [
    "为深入贯彻落实{upper}关于{topic}的决策部署，切实做好{topic}工作，经研究，决定开展{topic}专项检查。"
    "现将有关事项通知如下：",
    "一、时间安排。{when}至{when2}，分自查自纠、重点抽查、总结提升三个阶段进行。",
    "二、主要内容。重点检查各单位{topic}工作责任落实、制度建设、隐患排查整改等情况。",
    "三、工作要求。各单位要高度重视，认真组织自查，于{when2}前将自查报告报送至{org}办公室。",
    "联系人：{person}，联系电话：0554-{phone}，电子邮箱：{mail}@163.com。",
]
POLICY_PARAS = [
    "各乡镇人民政府、街道办事处，{place}政府各部门、各直属机构：",
    "现将《{place}{topic}实施方案》印发给你们，请结合实际，认真贯彻执行。",
    "第一条 为进一步加强{topic}工作，根据有关法律法规和{upper}有关规定，结合本地实际，制定本办法。",
    "第二条 本办法适用于本行政区域内{topic}相关工作的组织实施和监督管理。",
    "第三条 {topic}工作坚持政府主导、部门协同、社会参与的原则，实行属地管理、分级负责。",
    "第四条 各有关部门应当按照职责分工，加强协调配合，建立健全{topic}工作长效机制。",
    "第五条 本办法自印发之日起施行，有效期五年。",
]
GENERIC_PARAS = [
    "根据《中华人民共和国政府信息公开条例》规定，现将有关情况予以公开。",
    "如有疑问，请于工作日工作时间与{org}联系，联系电话：0554-{phone}。",
    "特此公告。",
    "现将有关情况公示如下，公示期为5个工作日。公示期间，如有异议，请以书面形式向{org}反映。",
    "一、基本情况。{year}年，{place}{topic}各项指标运行平稳，总体呈现稳中有进、稳中向好的发展态势。",
    "二、主要做法。一是强化组织领导；二是完善工作机制；三是加强督促检查；四是注重宣传引导。",
    "三、下一步工作打算。坚持以人民为中心的发展思想，持续推进{topic}工作提质增效。",
]
CATEGORY_TITLES = {
    "news": NEWS_TITLES, "notice": NOTICE_TITLES, "policy": POLICY_TITLES,
    "reading": READING_TITLES, "personnel": PERSONNEL_TITLES, "plan": PLAN_TITLES,
    "stats": STATS_TITLES, "interact": INTERACT_TITLES,
}
CATEGORY_PARAS = {"news": NEWS_PARAS, "notice": NOTICE_PARAS, "policy": POLICY_PARAS}


@dataclass(slots=True)
class Locale:
    """Who is writing: the place, the unit, its towns, departments and leaders."""

    place: str
    short: str
    org: str
    towns: list[str]
    topics: list[str] = field(default_factory=lambda: list(COMMON_TOPICS))
    leader_titles: list[str] = field(default_factory=lambda: ["市长", "副市长"])
    doc_prefix: str = "淮府"
    leaders: list[str] = field(init=False)

    def __post_init__(self) -> None:
        # The same few (fictional) leaders appear on every page of a site.
        rng = random.Random(f"leaders:{self.org}")
        self.leaders = [t + person(rng) for t in self.leader_titles for _ in range(2)]
        self.leaders = self.leaders[:1] + self.leaders[2:]  # one head, several deputies


def person(rng: random.Random) -> str:
    """A plausible (fictional) personal name."""
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _fields(rng: random.Random, loc: Locale, day: date) -> dict[str, object]:
    towns = rng.sample(loc.towns, 2) if len(loc.towns) >= 2 else [loc.place, loc.place]
    return {
        "place": loc.place, "short": loc.short, "org": loc.org, "town": towns[0],
        "town2": towns[1], "topic": rng.choice(loc.topics), "year": day.year,
        "year5": day.year + 5, "month": max(1, day.month - 1), "quarter": (day.month + 2) // 3,
        "n": rng.randint(2, 9), "k": rng.randint(1, 9), "money": rng.randint(120, 9800),
        "leader": rng.choice(loc.leaders), "person": person(rng),
        "holiday": rng.choice(HOLIDAYS), "post": rng.choice(POSTS), "theme": rng.choice(THEMES),
        "upper": rng.choice(UPPER), "when": f"{day.month}月{day.day}日",
        "when2": f"{day.month % 12 + 1}月{min(day.day, 28)}日",
        "phone": f"{rng.randint(2000000, 6999999)}", "mail": f"{loc.short}gov{rng.randint(10, 99)}",
    }


def title(rng: random.Random, loc: Locale, kind: str, day: date) -> str:
    """A title for an item of column kind ``kind`` (news, notice, policy, ...)."""
    tpl = rng.choice(CATEGORY_TITLES.get(kind, NOTICE_TITLES))
    return tpl.format(**_fields(rng, loc, day))


def paragraphs(rng: random.Random, loc: Locale, kind: str, day: date, topic_of: str) -> list[str]:
    """Body paragraphs (3-7) for an article of ``kind`` published on ``day``."""
    pool = CATEGORY_PARAS.get(kind, GENERIC_PARAS)
    f = _fields(rng, loc, day)
    for t in loc.topics:  # keep the body on the title's topic when it names one
        if t in topic_of:
            f["topic"] = t
            break
    count = min(len(pool), rng.randint(3, 7))
    picked = pool[:1] + rng.sample(pool[1:], count - 1)
    return [p.format(**f) for p in picked]


def doc_number(rng: random.Random, loc: Locale, day: date) -> str:
    """A document number such as 淮府〔2019〕56号."""
    return f"{loc.doc_prefix}〔{day.year}〕{rng.randint(1, 120)}号"
