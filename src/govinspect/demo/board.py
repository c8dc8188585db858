"""The message board (互动交流 > 领导信箱 / 网上咨询): letters, answers, list and detail pages.

The list shows 标题 | 留言时间 | 状态 | 答复时间 (a table, or labelled rows on the card style);
each letter has a detail page with 留言时间, 留言内容 and, once answered, 答复单位, 答复时间 and
答复内容. Answers come within a week; the newest letter is a few days old and not answered yet,
which no rule faults. Defects (demo/defects_features.py) add overdue letters, hide the unit or
time of an answer, or drop the statistics line (本月共收到留言 N 件，已办结 M 件).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from html import escape

from govinspect.demo.plan import BoardPlan, Message, SitePlan

STATUS = {"answered": "已回复", "unanswered": "未回复", "processing": "办理中"}


@dataclass(frozen=True, slots=True)
class Letter:
    """A kind of letter: title, content, the department that answers (after the place) and the answer."""

    title: str
    content: str
    dept: str
    reply: str


GENERAL = (
    Letter("关于{town}{road}路灯不亮的反映",
           "{town}{road}两侧路灯已经连续一个多月不亮，夜间行人和电动车通行很不安全，希望有关部门尽快维修。",
           "城市管理局",
           "您好！经现场核实，{road}路灯不亮系供电线路老化所致。我局已安排维修人员更换线路和灯具，"
           "目前已恢复正常照明。感谢您对城市管理工作的关注和支持。"),
    Letter("关于{town}道路积水问题的反映",
           "{town}{road}每逢下雨路面积水严重，最深处超过二十公分，影响居民出行，请尽快解决排水问题。",
           "住房和城乡建设局",
           "您好！您反映的问题已转交相关单位现场查看，积水原因为雨水管道堵塞。目前已完成管道疏通，"
           "并将该路段排水管网改造纳入明年城建计划。"),
    Letter("关于住房公积金异地购房提取的咨询",
           "本人在外地购买了自住住房，请问能否提取在本地缴存的住房公积金？需要带哪些材料？",
           "住房公积金管理中心",
           "您好！职工在异地购买自住住房的，可以申请提取本人住房公积金账户余额。请携带身份证、购房"
           "合同和购房发票原件到公积金管理中心服务大厅办理。"),
    Letter("关于城乡居民医保缴费时间的咨询",
           "请问明年的城乡居民医保什么时候开始缴费？可以通过哪些渠道缴纳？",
           "医疗保障局",
           "您好！明年度城乡居民基本医疗保险集中缴费期为今年9月至12月底，参保群众可通过乡镇"
           "（街道）便民服务中心、银行网点或手机银行缴纳。"),
    Letter("关于夜间施工噪音扰民的投诉",
           "{town}一处建筑工地经常在晚上十点以后施工，噪音很大，严重影响周边居民休息。",
           "生态环境局",
           "您好！接到您的反映后，执法人员当晚对该工地进行了检查，责令施工单位严格遵守夜间施工"
           "规定，未经批准不得在22时至次日6时施工。我局将持续加强监管。"),
    Letter("关于社会保障卡补办的咨询",
           "社保卡丢失了，请问在哪里补办？需要多长时间？",
           "人力资源和社会保障局",
           "您好！社会保障卡遗失的，可持本人身份证到就近的社保卡服务网点办理挂失和补办，即时制卡"
           "网点可当场领取新卡。"),
    Letter("关于{town}农村公路养护的建议",
           "{town}通往村里的水泥路多处破损，坑洼不平，雨天车辆通行困难，建议列入养护计划。",
           "交通运输局",
           "您好！经实地查看，该路段破损情况属实。我局已将其列入今年农村公路养护计划，计划年底前"
           "完成修复。"),
    Letter("关于个体工商户登记的咨询",
           "我想在{town}开一家小超市，请问办理营业执照需要哪些材料？能不能网上办理？",
           "市场监督管理局",
           "您好！申请个体工商户登记，需提交经营者签署的登记申请书、经营者身份证明和经营场所使用"
           "证明，可通过安徽政务服务网在线申请，也可到政务服务中心窗口办理。"),
    Letter("关于小区物业服务问题的反映",
           "{town}一个小区物业长期不打扫楼道，电梯经常故障，业主多次反映都没有解决。",
           "住房和城乡建设局",
           "您好！我局已约谈该小区物业服务企业，责令其限期整改楼道卫生和电梯维保问题，并将持续"
           "跟踪整改情况。"),
    Letter("关于子女秋季入学政策的咨询",
           "孩子今年满六周岁，户籍在{town}，我们在城区购房居住，请问孩子应该在哪里报名入学？",
           "教育局",
           "您好！适龄儿童按照“划片招生、就近入学”原则入学。在城区有合法固定住所的，可持户口簿和"
           "房产证明到所在片区学校报名，划片范围以学校公告为准。"),
)
EDUCATION = (
    GENERAL[9],
    Letter("关于校外培训机构退费问题的反映",
           "孩子报名的校外培训机构一次性收取了一年的学费，现在机构停业，家长退费无门。",
           "", "您好！我局已会同市场监管部门约谈该培训机构负责人，督促其按规定办理退费。校外培训机构"
           "预收费用不得超过3个月，请家长注意防范风险。"),
    Letter("关于中小学教师资格认定时间的咨询",
           "请问今年下半年中小学教师资格认定什么时候开始申报？在哪里提交材料？",
           "", "您好！下半年教师资格认定网上申报安排在10月中下旬，现场确认地点为市政务服务中心教育"
           "窗口，具体安排以我局发布的公告为准。"),
    Letter("关于普通高中国家助学金申请的咨询",
           "家庭经济困难的高中学生怎样申请国家助学金？资助标准是多少？",
           "", "您好！普通高中国家助学金由学生本人向就读学校提出申请，学校组织评审后报我局审核，"
           "资助标准为每生每年平均2000元。"),
    Letter("关于课后服务收费标准的咨询",
           "学校开展课后服务是否收费？收费标准由谁确定？",
           "", "您好！中小学课后服务坚持学生家长自愿参加原则，确需收费的，按照物价部门核定的标准"
           "收取服务性收费，严禁以课后服务名义乱收费。"),
    Letter("关于校车安全管理的建议",
           "建议加强对乡镇学校接送学生车辆的检查，有的车辆超员严重。",
           "", "您好！感谢您的建议。我局已联合公安交警部门开展校车安全专项检查，对超员车辆依法"
           "处理，并要求各校落实接送车辆登记制度。"),
    Letter("关于{town}中心小学食堂卫生的反映",
           "{town}中心小学食堂卫生条件较差，饭菜质量不高，家长很担心，希望加强检查。",
           "", "您好！我局已会同市场监管部门对该校食堂进行检查，责令学校整改后厨卫生，落实校领导"
           "陪餐制度，并将食堂管理纳入年度考核。"),
    Letter("关于随迁子女转学手续的咨询",
           "孩子随我们从外省来淮南务工，想转入本地小学就读，请问需要办理哪些手续？",
           "", "您好！随迁子女转学，由家长持户口簿、居住证和原学校学籍信息到拟转入学校申请，经学校"
           "同意后通过全国中小学生学籍信息管理系统办理转学手续。"),
    Letter("关于中考体育考试项目的咨询",
           "请问今年中考体育考试有哪些项目？是否可以自选？",
           "", "您好！中考体育考试实行必考与选考相结合，具体项目和评分标准以我局印发的中考体育考试"
           "工作方案为准，学校将组织学生提前熟悉。"),
    Letter("关于幼儿园收费问题的咨询",
           "民办幼儿园每学期收费标准由谁核定？园方能否随意上涨？",
           "", "您好！民办幼儿园保教费实行市场调节价，但须向社会公示并报教育、价格部门备案，不得在"
           "学期中途调整收费标准。"),
)
HEALTH = (
    Letter("关于家庭医生签约服务的咨询",
           "请问怎样签约家庭医生？签约以后能享受哪些服务？",
           "", "您好！居民可到所在社区卫生服务中心或乡镇卫生院签约，签约后可享受基本医疗、公共卫生"
           "和健康管理等服务。"),
    Letter("关于出生医学证明补发的咨询",
           "孩子的出生医学证明遗失了，请问到哪里补办？需要准备什么材料？",
           "", "您好！出生医学证明遗失的，可向孩子出生时的助产机构申请补发，需提供父母双方身份证件"
           "和补发申请书。"),
    Letter("关于医院停车难问题的建议",
           "市第一人民医院周边停车特别难，经常排队一个多小时，建议增加停车位。",
           "", "您好！我委已协调市第一人民医院新增临时停车位200个，并推行分时段预约诊疗，引导患者"
           "错峰就医。"),
    Letter("关于儿童预防接种时间的咨询",
           "孩子马上满八个月，请问需要接种哪些疫苗？周末可以接种吗？",
           "", "您好！八月龄儿童应接种麻腮风疫苗和乙脑减毒活疫苗。各接种门诊的开诊时间不同，请提前"
           "电话咨询所在社区卫生服务中心。"),
    Letter("关于无偿献血者用血费用报销的咨询",
           "家人曾经多次无偿献血，现在住院用血，费用怎么报销？",
           "", "您好！无偿献血者及其直系亲属临床用血，可持献血证和用血票据到市中心血站办理报销，"
           "部分医院已实现出院时直接减免。"),
    Letter("关于{town}卫生院夜间急诊的建议",
           "{town}卫生院晚上没有医生值班，村民夜间看急诊要跑到城区，建议增加夜间值班。",
           "", "您好！我委已督促该卫生院落实24小时值班制度，并安排城区医院派驻医生定期坐诊，提升"
           "基层急诊服务能力。"),
    Letter("关于老年人免费健康体检的咨询",
           "请问六十五岁以上老年人每年的免费体检在哪里做？包括哪些项目？",
           "", "您好！65岁及以上老年人可到户籍或居住地的社区卫生服务中心、乡镇卫生院免费体检，"
           "项目包括一般体格检查、血常规、肝肾功能和心电图等。"),
    Letter("关于医师执业注册的咨询",
           "本人取得医师资格证后到民营医院工作，执业注册在哪里办理？",
           "", "您好！医师执业注册可通过国家医师电子化注册系统在线申请，由我委审核后发放电子证照，"
           "一般在20个工作日内办结。"),
    Letter("关于{town}社区卫生服务中心药品短缺的反映",
           "{town}社区卫生服务中心常用的降压药经常缺货，老人只能去大医院开药。",
           "", "您好！经核查，该中心部分药品因集中采购配送延迟出现短缺，目前已协调配送企业补货，"
           "并建立短缺药品监测预警机制。"),
)
# Letters that the defects leave unanswered (their topics are not among the answered ones).
OVERDUE = (
    Letter("关于{town}安置房办证进度的咨询",
           "{town}安置小区已经交房三年，至今没有办理不动产权证，请问什么时候可以办理？", "", ""),
    Letter("关于{town}养殖场污染问题的反映",
           "{town}附近一家养殖场长期直排污水，气味很大，周边村民意见很大，请有关部门尽快处理。", "", ""),
    Letter("关于{town}集贸市场占道经营的反映",
           "{town}集贸市场门口每天早上占道经营，车辆无法通行，请有关部门加强管理。", "", ""),
)
ROADS = ("人民路", "建设路", "新华路", "和平路", "长江路", "淮河路", "光明路")


def build_board(plan: SitePlan, rng: random.Random, count: int) -> BoardPlan:
    """A board of ``count`` letters over the last months, answered within a week."""
    spec, loc = plan.spec, plan.spec.locale
    key = "wszx" if spec.board == "网上咨询" else "ldxx"
    board = BoardPlan(key=key, name=spec.board)
    pool = {"jyj": EDUCATION, "wjw": HEALTH}.get(spec.key, GENERAL)
    day = plan.as_of - timedelta(days=rng.randint(2, 4))
    for n in range(min(count, len(pool))):
        letter = pool[n]
        fields = {"town": rng.choice(loc.towns), "road": rng.choice(ROADS)}
        received = datetime.combine(day, time(rng.randint(7, 22), rng.randint(0, 59),
                                              rng.randint(0, 59)))
        msg = Message(
            serial=4000 + n, title=letter.title.format(**fields),
            content=letter.content.format(**fields), received=received, status="unanswered",
            unit=loc.place + letter.dept if letter.dept else spec.unit,
        )
        if n > 0:  # the newest letter is a few days old and waits for its answer
            answer(msg, min(day + timedelta(days=rng.randint(1, 6)), plan.as_of),
                   letter.reply.format(**fields))
        board.messages.append(msg)
        day -= timedelta(days=rng.randint(5, 13))
    return board


def answer(msg: Message, replied: date, reply: str) -> None:
    """Mark ``msg`` answered on ``replied`` with ``reply``."""
    msg.status, msg.replied, msg.reply = "answered", replied, reply


def stats_line(board: BoardPlan, as_of: date) -> str:
    """本月共收到留言 N 件，已办结 M 件 (letters of the inspection date's month)."""
    month = [m for m in board.messages if (m.received.year, m.received.month) == (as_of.year, as_of.month)]
    done = sum(m.status == "answered" for m in month)
    return f"{as_of.year}年{as_of.month}月留言办理情况：本月共收到留言 {len(month)} 件，已办结 {done} 件。"


def list_html(board: BoardPlan, as_of: date, style: str, href: Callable[[str], str] = str) -> str:
    """The board's list page body: the statistics line (when published) and one row per letter."""
    stats = f'<div class="tj">{escape(stats_line(board, as_of))}</div>' if board.stats else ""
    intro = f'<h2>{escape(board.name)}</h2>{stats}'
    if style == "card":
        rows = "".join(
            f'<li><a href="{escape(href(m.path))}" target="_blank">{escape(m.title)}</a>'
            f"<span>留言时间：{m.received:%Y-%m-%d}</span><span>状态：{STATUS[m.status]}</span>"
            f"<span>答复时间：{_reply_day(m)}</span></li>"
            for m in board.messages
        )
        return f'{intro}<ul class="letter-list">{rows}</ul>'
    rows = "".join(
        f'<tr><td>{n}</td><td class="tl"><a href="{escape(href(m.path))}" target="_blank" '
        f'title="{escape(m.title)}">{escape(m.title)}</a></td><td>{m.received:%Y-%m-%d}</td>'
        f"<td>{STATUS[m.status]}</td><td>{_reply_day(m)}</td></tr>"
        for n, m in enumerate(board.messages, 1)
    )
    return (
        f'{intro}<table class="lylist" width="100%"><tr class="th"><th width="6%">序号</th>'
        '<th>标题</th><th width="14%">留言时间</th><th width="10%">状态</th>'
        f'<th width="14%">答复时间</th></tr>{rows}</table>'
        f'<div class="page">共 {len(board.messages)} 条记录 第 1/1 页</div>'
    )


def _reply_day(msg: Message) -> str:
    return f"{msg.replied:%Y-%m-%d}" if msg.replied and msg.show_time else ""


def detail_html(msg: Message, style: str) -> str:
    """A letter's page: what was asked and, once answered, who answered when and what."""
    rows = [("留言标题", msg.title), ("留言时间", f"{msg.received:%Y-%m-%d %H:%M:%S}"),
            ("留言内容", msg.content)]
    if msg.status == "answered":
        if msg.show_unit:
            rows.append(("答复单位", msg.unit))
        if msg.show_time and msg.replied:
            rows.append(("答复时间", f"{msg.replied:%Y-%m-%d}"))
        rows.append(("答复内容", msg.reply))
    else:
        rows.append(("办理状态", STATUS[msg.status]))
    if style == "card":
        terms = "".join(f"<dt>{escape(k)}：</dt><dd>{escape(v)}</dd>" for k, v in rows)
        return f'<div class="letter"><h1>{escape(msg.title)}</h1><dl>{terms}</dl></div>'
    cells = "".join(f'<tr><th width="15%">{escape(k)}</th><td>{escape(v)}</td></tr>' for k, v in rows)
    return f'<div class="xx-detail"><table class="xx-table" width="100%">{cells}</table></div>'
