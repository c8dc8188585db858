"""Policy interpretations (政策解读) that explain a policy of the site's 政策文件 column.

Each interpretation names its policy (《...》 with the 文号), links to the policy's page and
explains it in numbered measures with amounts, targets and dates (well over 300 characters).
A planted weak interpretation (demo/defects_features.py) is short, generic and unlinked.
"""

from __future__ import annotations

import random
import re

from govinspect.demo.plan import ItemPlan, SitePlan
from govinspect.demo.text import UPPER, person

TITLES = ("《{name}》政策解读", "关于《{name}》的解读", "《{name}》解读")
SHORT = ("实施方案", "工作方案", "管理办法", "工作要点", "意见", "办法")
_INNER = re.compile(r"《([^》]+)》")


def policy_name(title: str) -> str:
    """What an interpretation calls the policy: the 《...》 inside the title, else the title."""
    mo = _INNER.search(title)
    return mo.group(1) if mo else title


def short_name(name: str) -> str:
    """以下简称《...》."""
    return next((s for s in SHORT if name.endswith(s)), "通知")


def interpret(plan: SitePlan) -> None:
    """Give every interpretation of the site a policy of 政策文件 to explain, a title and a body."""
    readings = [c for c in plan.columns if c.spec.kind == "reading"]
    try:
        policies = [i for i in plan.column("政策文件").items if i.href is None and i.doc_no]
    except KeyError:
        return
    if not policies:
        return
    used: set[int] = set()
    for col in readings:
        for item in col.items:
            if item.href is not None:
                continue
            policy = _pick(policies, item, used)
            used.add(policy.serial)
            explain(plan, item, policy)


def _pick(policies: list[ItemPlan], item: ItemPlan, used: set[int]) -> ItemPlan:
    """The newest unused policy published before the interpretation (else any unused, else any)."""
    earlier = [p for p in policies if p.real_date <= item.real_date]
    for pool in ([p for p in earlier if p.serial not in used], [p for p in policies if p.serial not in used],
                 earlier, policies):
        if pool:
            return max(pool, key=lambda p: p.real_date)
    raise ValueError("no policy to interpret")


def explain(plan: SitePlan, item: ItemPlan, policy: ItemPlan) -> None:
    """Rewrite ``item`` as the interpretation of ``policy``: title, body and link to the original."""
    rng = random.Random(f"reading:{plan.seed}:{item.serial}")
    loc = plan.spec.locale
    name = policy_name(policy.title)
    short = short_name(name)
    topic = next((t for t in loc.topics if t in name), "相关")
    before, item.title = item.title, rng.choice(TITLES).format(name=name)
    for att in item.attachments:  # files were named after the title (their links stay)
        for n in (24, 16):
            if att.name.startswith(before[:n]):
                att.name = item.title[:n] + att.name[n:]
                break
    year = item.real_date.year
    start = policy.real_date
    item.body = [
        f"近日，{policy.source}印发了《{name}》（{policy.doc_no}，以下简称《{short}》）。为便于社会公众"
        "全面了解政策内容，现就有关内容解读如下。",
        f"一、出台背景。为深入贯彻落实{rng.choice(UPPER)}关于{topic}工作的决策部署，着力解决{topic}工作中"
        f"群众反映强烈的突出问题，结合{loc.place}实际，制定《{short}》。",
        f"二、主要内容。《{short}》明确了四项重点措施：一是加大资金投入，{year}年{loc.place}财政安排专项"
        f"资金{rng.randint(300, 3000)}万元，重点支持{topic}基础设施建设；二是明确工作目标，到{year + 1}年底，"
        f"{topic}重点任务完成率达到{rng.choice((85, 90, 95))}%以上；三是强化激励引导，对年度考核排名前"
        f"{rng.randint(3, 5)}位的乡镇（街道）和部门给予一次性奖励{rng.randint(5, 20)}万元；四是压实工作责任，"
        "建立月调度、季通报工作机制，将落实情况纳入年度目标管理考核。",
        f"三、适用范围和执行时间。《{short}》适用于{loc.place}行政区域内{topic}相关工作，自"
        f"{start.year}年{start.month}月{start.day}日起施行，有效期{rng.choice((3, 5))}年。",
        f"四、解读机关及联系方式。解读机关：{policy.source}；解读人：{person(rng)}；联系电话："
        f"0554-{rng.randint(2000000, 6999999)}。",
    ]
    item.original = (policy.title, policy.path)


def weaken(plan: SitePlan, item: ItemPlan) -> None:
    """Make ``item`` a weak interpretation: two generic sentences, no link, nothing specific."""
    topic = next((t for t in plan.spec.locale.topics if t in item.title), "相关")
    item.body = [
        f"为深入推进{topic}工作，{plan.spec.locale.org}制定出台了相关政策。",
        f"该政策的出台，对于进一步做好{topic}工作具有重要意义。各单位要认真学习领会政策精神，"
        "结合实际抓好贯彻落实。",
    ]
    item.original = None
