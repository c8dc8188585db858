"""Service items (办事服务) and their guides (办事指南), in table or definition-list layout.

A guide lists the elements 国办秘函〔2019〕19号 asks for (事项名称, 设定依据, 申请条件, 办理材料,
办理地点, 办理时间, 联系电话, 办理流程, plus 实施机关, 承诺时限, 收费标准). Clean guides are
concrete: the basis names a law and its article, the hours and the phone number are given, the
materials are listed without a catch-all "其他材料". Defects (demo/defects_features.py) drop or
blur elements, or leave an item without a guide: a page saying 暂无办事指南, a name in the
办事服务 list without a link, or a link to a page that holds no guide (issue 8). A basis may also
name its regulation by 文号 instead of an article (a clean control).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from govinspect.demo.plan import ServiceItem, SitePlan

# The seven elements checked one by one (contract evidence.element), in display order.
KEY_ELEMENTS = ("basis", "conditions", "materials", "location", "time", "phone", "process")
# Element -> label per layout (sites print different labels for the same element).
LABELS: dict[str, dict[str, str]] = {
    "table": {"name": "事项名称", "agency": "实施机关", "basis": "设定依据", "conditions": "申请条件",
              "materials": "申请材料", "location": "办理地点", "time": "办理时间", "phone": "咨询电话",
              "process": "办理流程", "deadline": "承诺时限", "fee": "收费标准"},
    "dl": {"name": "事项名称", "agency": "办理机构", "basis": "设定依据", "conditions": "申请条件",
           "materials": "办理材料", "location": "办理地点", "time": "办理时间", "phone": "联系电话",
           "process": "办理流程", "deadline": "办理时限", "fee": "收费标准"},
}
HOURS = "周一至周五 上午8:30-12:00，下午14:30-17:30（法定节假日除外）"
VAGUE_TIME = "按规定时间办理"


@dataclass(frozen=True, slots=True)
class ServiceKind:
    """One service item as a city or county government publishes it."""

    name: str
    dept: str  # the department's name after the place (民政局 -> 淮南市民政局)
    law: str
    article: str
    conditions: str
    materials: tuple[str, ...]
    process: str
    days: int


CATALOGUE: tuple[ServiceKind, ...] = (
    ServiceKind("城乡居民最低生活保障审批", "民政局", "《社会救助暂行办法》", "第十一条",
                "共同生活的家庭成员人均收入低于当地最低生活保障标准，且符合当地最低生活保障家庭财产"
                "状况规定的本地户籍家庭。",
                ("最低生活保障申请书", "户口簿、居民身份证复印件", "家庭经济状况核对授权书"),
                "申请—受理—家庭经济状况调查—民主评议—审核确认—公示—发放", 30),
    ServiceKind("独生子女父母光荣证办理", "卫生健康委员会", "《安徽省人口与计划生育条例》", "第三十九条",
                "本地户籍，终身只生育一个子女并自愿不再生育的夫妻。",
                ("独生子女父母光荣证申请表", "夫妻双方居民身份证、户口簿", "结婚证"),
                "申请—村（居）委会初审—乡镇（街道）审核—发证", 10),
    ServiceKind("食品经营许可", "市场监督管理局", "《中华人民共和国食品安全法》", "第三十五条",
                "具有与经营的食品品种、数量相适应的经营场所，配备食品安全管理人员和保证食品安全的规章"
                "制度。",
                ("食品经营许可申请书", "营业执照复印件", "主要设备设施布局图、操作流程说明",
                 "食品安全管理制度文本"),
                "申请—受理—材料审查—现场核查—许可决定—发证", 10),
    ServiceKind("取水许可", "水务局", "《取水许可和水资源费征收管理条例》", "第十条",
                "直接从江河、湖泊或者地下取用水资源，且不属于条例第四条规定免于申领取水许可情形的单位"
                "和个人。",
                ("取水许可申请书", "建设项目水资源论证报告书", "取水工程或者设施的技术文件"),
                "申请—受理—审查—专家论证—许可决定—送达", 20),
    ServiceKind("建筑工程施工许可证核发", "住房和城乡建设局", "《中华人民共和国建筑法》", "第八条",
                "已办理用地批准手续，依法取得建设工程规划许可证，施工场地已基本具备施工条件，已确定"
                "施工企业。",
                ("建筑工程施工许可申请表", "建设工程规划许可证", "中标通知书或直接发包批准手续",
                 "施工图设计文件审查合格书"),
                "网上申请—窗口受理—审查—决定—发证", 7),
    ServiceKind("道路货物运输经营许可", "交通运输局", "《中华人民共和国道路运输条例》", "第二十二条",
                "有与其经营业务相适应并经检测合格的车辆，有符合条例规定条件的驾驶人员，有健全的安全"
                "生产管理制度。",
                ("道路货物运输经营申请表", "负责人身份证明", "拟投入车辆承诺书", "安全生产管理制度文本"),
                "申请—受理—审查—决定—发放道路运输经营许可证", 20),
    ServiceKind("民办学校设立审批", "教育局", "《中华人民共和国民办教育促进法》", "第十二条",
                "举办者为具有法人资格的社会组织或者具有完全民事行为能力的个人，有符合规定的办学场所、"
                "师资和办学经费。",
                ("举办者申请书", "举办者资格证明文件", "拟办学校的章程和首届董事会组成人员名单",
                 "办学场地产权证明或租赁合同", "资产及经费来源证明文件"),
                "申请—受理—专家评审—现场考察—审批决定—颁发办学许可证", 30),
    ServiceKind("城镇职工基本养老保险关系转移接续申请", "人力资源和社会保障局",
                "《城镇企业职工基本养老保险关系转移接续暂行办法》", "第五条",
                "参加城镇企业职工基本养老保险、跨省或跨统筹地区流动就业并在新就业地参保缴费的人员。",
                ("基本养老保险关系转移接续申请表", "居民身份证", "参保缴费凭证"),
                "申请—转入地受理—转出地审核—转移基金—转入地接续", 45),
)
STREETS = ("民生路", "朝阳路", "淮舜路", "广场北路", "文明路")


def build_services(plan: SitePlan, rng: random.Random, count: int) -> list[ServiceItem]:
    """``count`` service items of the site's place, each with a complete, concrete guide."""
    loc = plan.spec.locale
    street = rng.choice(STREETS)
    number = rng.randint(10, 199)
    out = []
    for n, kind in enumerate(rng.sample(CATALOGUE, count)):
        dept = loc.place + kind.dept
        materials = "；".join(f"{k}.{m}" for k, m in enumerate(kind.materials, 1)) + "。"
        window = f"{rng.randint(1, 4)}楼{rng.randint(1, 40)}号窗口"
        out.append(ServiceItem(
            serial=plan.next_serial + 5000 + n, name=kind.name, dept=dept,
            elements={
                "name": kind.name,
                "agency": dept,
                "basis": f"{kind.law}{kind.article}",
                "conditions": kind.conditions,
                "materials": materials,
                "location": f"{loc.place}政务服务中心{window}（{loc.place}{street}{number}号）",
                "time": HOURS,
                "phone": f"0554-{rng.randint(2000000, 6999999)}",
                "process": kind.process,
                "deadline": f"{kind.days}个工作日",
                "fee": "不收费",
            },
        ))
    return out


def guide_html(item: ServiceItem, layout: str) -> str:
    """The guide of ``item`` as a page body: heading plus the elements in ``layout``."""
    labels = LABELS[layout]
    rows = [(labels[k], v) for k, v in item.elements.items()]
    head = f'<h1 class="title">{escape(item.name)}办事指南</h1>'
    if layout == "table":
        cells = "".join(
            f'<tr><th width="18%">{escape(label)}</th><td>{escape(value)}</td></tr>'
            for label, value in rows
        )
        return f'{head}\n<table class="bszn" width="100%" border="1" cellspacing="0">{cells}</table>'
    terms = "".join(
        f'<dl class="bs-item"><dt>{escape(label)}：</dt><dd>{escape(value)}</dd></dl>'
        for label, value in rows
    )
    return f'{head}\n<div class="bs-detail">{terms}</div>'


def no_guide_html(item: ServiceItem) -> str:
    """An item page that has no guide: the item, its department and a pointer to the platform."""
    return (
        f'<h1 class="title">{escape(item.name)}</h1>\n<div class="bs-detail">'
        f'<p class="bm">实施部门：{escape(item.dept)}</p>'
        '<p class="none">暂无办事指南，请登录安徽政务服务网查询。</p>'
        '<p><a class="btn" href="https://www.ahzwfw.gov.cn/" target="_blank">在线办理</a></p></div>'
    )


# The 文号 of the catalogue's regulations (a basis that cites it is specific: issue 8).
# Sources: the promulgation orders as printed with each text (国务院令 / 主席令 / 国办发).
DOC_NUMBERS: dict[str, str] = {
    "《社会救助暂行办法》": "国务院令第649号",
    "《取水许可和水资源费征收管理条例》": "国务院令第460号",
    "《中华人民共和国道路运输条例》": "国务院令第406号",
    "《中华人民共和国建筑法》": "中华人民共和国主席令第九十一号",
    "《中华人民共和国食品安全法》": "中华人民共和国主席令第二十一号",
    "《中华人民共和国民办教育促进法》": "中华人民共和国主席令第八十号",
    "《城镇企业职工基本养老保险关系转移接续暂行办法》": "国办发〔2009〕66号",
}


def service_list_items(items: list[ServiceItem], link: Callable[[str], str] = str) -> str:
    """The entries of the 办事服务 list: a link to each item's page, or its name alone ("text")."""
    out = []
    for i in items:
        name = escape(i.name)
        shown = name if i.listed == "text" else f'<a href="{escape(link(i.path))}" target="_blank">{name}</a>'
        out.append(f"<li>{shown}<span>{escape(i.dept)}</span></li>")
    return "".join(out)


def item_page_html(item: ServiceItem, layout: str) -> str:
    """A service item's page: its guide, the note that there is none, or (bare) no guide at all."""
    if item.listed == "bare":
        return bare_item_html(item)
    return guide_html(item, layout) if item.guide else no_guide_html(item)


def bare_item_html(item: ServiceItem) -> str:
    """An item page that holds no guide and does not say so: a short notice about the item."""
    return (
        f'<h1 class="title">{escape(item.name)}</h1>\n<div class="bs-detail">'
        f"<p>{escape(item.dept)}窗口已进驻政务服务中心，相关业务按程序受理，请申请人带齐材料前往窗口办理。</p>"
        "<p>如有疑问，请向窗口工作人员咨询。</p></div>"
    )
