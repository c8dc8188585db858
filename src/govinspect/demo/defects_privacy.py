"""Privacy injectors (privacy.leak): a 低保 公示 with full numbers, and a clean 联系我们 page.

The leak is the one inspection circulars name most often: a 最低生活保障 公示 that lists each
household with its full resident ID number and mobile number, with the payment roster
(ID and bank card numbers) attached as a spreadsheet. The 联系我们 page is a control: office
mobile numbers printed after 咨询电话-style labels are public contacts, not a leak.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape
from typing import ClassVar

from govinspect.demo import files
from govinspect.demo.defects import PathScheme
from govinspect.demo.people import AREAS, Household, households, mobile
from govinspect.demo.plan import Attachment, InfoPage, SitePlan
from govinspect.demo.types import PrivacyMark


def _table(headers: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return (f'<table class="gs" border="1" cellspacing="0" cellpadding="4" width="100%">'
            f"<tr>{head}</tr>{body}</table>")


def notice_rows(found: list[Household]) -> list[list[str]]:
    """Rows of the published 公示 table: full ID and mobile numbers."""
    return [[str(n), h.name, h.id_number, h.phone, str(h.members), str(h.amount), h.area]
            for n, h in enumerate(found, 1)]


def roster_rows(title: str, found: list[Household]) -> list[list[str]]:
    """Rows of the payment roster spreadsheet: full ID and bank card numbers."""
    rows = [[title], ["序号", "户主姓名", "身份证号码", "保障人数", "月保障金（元）", "开户银行",
                      "银行卡号", "所属县区"]]
    rows += [[str(n), h.name, h.id_number, str(h.members), str(h.amount), h.bank, h.card, h.area]
             for n, h in enumerate(found, 1)]
    return rows


@dataclass(frozen=True, slots=True)
class AssistanceRoster:
    """A notice turned into a 低保 公示 with full ID and mobile numbers, roster attached as .xlsx."""

    column: str = "通知公告"
    count: int = 12
    phase: ClassVar[str] = "links"

    def apply(self, plan: SitePlan, rng: random.Random, paths: PathScheme) -> None:
        col = plan.column(self.column)
        item = rng.choice(plan.untouched(self.column)[1:])
        day = item.real_date
        last = day.replace(day=1) - timedelta(days=1)  # the month the new cases were approved
        year, month = last.year, last.month
        loc = plan.spec.locale
        areas = [t for t in loc.towns if t in AREAS] or ["田家庵区"]
        found = households(rng, areas, plan.as_of, self.count)
        item.title = f"关于{year}年{month}月份城乡最低生活保障新增对象的公示"
        end = day + timedelta(days=7)
        item.body = [
            f"根据《安徽省最低生活保障办法》和《{loc.place}城乡居民最低生活保障实施细则》有关规定，"
            f"经本人申请、乡镇（街道）审核、入户调查、民主评议和县区民政部门审批，现将{year}年"
            f"{month}月份新增城乡最低生活保障对象予以公示（名单附后）。",
            f"公示时间：{day.month}月{day.day}日至{end.month}月{end.day}日。公示期间，如对公示对象"
            f"有异议，请以书面形式向{loc.place}民政局社会救助科反映。",
            f"监督电话：0554-{6670000 + rng.randint(100, 9999)}",
        ]
        headers = ["序号", "户主姓名", "身份证号码", "联系方式", "保障人数", "月保障金（元）", "所属县区"]
        item.blocks = [_table(headers, notice_rows(found))]
        name = f"{year}年{month}月份城乡低保金发放花名册.xlsx"
        stamp = datetime(day.year, day.month, day.day, 9, 30)
        book = files.workbook(roster_rows(name.removesuffix(".xlsx"), found), stamp=stamp)
        att = Attachment(name, "xlsx", body=book)
        item.attachments.append(att)
        att.path = paths.file_path(plan, col, item, len(item.attachments), "xlsx")
        plan.planted.privacy += [
            PrivacyMark(item.path, "id_card"), PrivacyMark(item.path, "phone"),
            PrivacyMark(att.path, "id_card"), PrivacyMark(att.path, "bank_card"),
        ]


@dataclass(frozen=True, slots=True)
class ContactPage:
    """A 联系我们 page listing office and hotline numbers, mobiles included, each after its label."""

    phase: ClassVar[str] = "links"

    def apply(self, plan: SitePlan, rng: random.Random, paths: PathScheme) -> None:
        s, loc = plan.spec, plan.spec.locale
        office = 6600000 + int(s.site_code[-4:]) * 17
        lines = [
            f"通信地址：{loc.place}人民路{int(s.site_code[-3:]) + 12}号{s.unit}　邮政编码：232001",
            f"网站咨询电话：0554-{office}（工作日 8:30-12:00，14:30-17:30）",
            f"政务服务咨询电话：0554-12345、{mobile(rng)}",
            f"社会救助政策咨询电话：{mobile(rng)}",
            f"值班电话（24小时）：0554-{office + 1}",
            f"网站纠错投诉电话：{mobile(rng)}",
            f"电子邮箱：{s.key}zwgk@163.com",
        ]
        html = "".join(f"<p>{escape(line)}</p>" for line in lines)
        html += f"<p>欢迎社会各界通过以上方式对{escape(s.name)}网站建设提出意见建议。</p>"
        plan.info_pages.append(InfoPage("lxwm", "联系我们", html, paths.info_path(plan, "lxwm")))


@dataclass(frozen=True, slots=True)
class ProcurementNotice:
    """A control, not a defect: a 采购公告 whose contact persons' mobiles are public by design.

    Its last section follows the layout of 《政府采购公告和公示信息格式规范》(财政部 2020):
    采购人信息, 采购代理机构信息 and 项目联系方式, each with a 联系方式 or 项目联系人 line whose
    mobile belongs to a named contact (王工, 李女士); it also prints the agency's 统一社会信用代码,
    a 邮编 and a 传真 number, and a 监督电话. None of them is a leak (checks/pii.py).
    """

    column: str = "通知公告"
    phase: ClassVar[str] = "links"

    def apply(self, plan: SitePlan, rng: random.Random, paths: PathScheme) -> None:
        item = rng.choice(plan.untouched(self.column)[1:])
        s, loc = plan.spec, plan.spec.locale
        day = item.real_date
        year = day.year
        code = f"{rng.randint(10, 99)}"
        item.title = f"{s.unit}{year}年信息化设备采购项目公开招标公告"
        close = day + timedelta(days=21)
        agent = f"安徽{loc.short}建设项目管理有限公司"
        # 18-character 统一社会信用代码 of a company: 9 (工商) 1 (企业), region, organisation code.
        credit = f"91{s.site_code[:4]}00MA2N{rng.randint(10000, 99999)}{rng.choice('ABCDEFGHJK')}{rng.randint(0, 9)}"
        item.body = [
            f"项目概况：{s.unit}{year}年信息化设备采购项目的潜在投标人应在{loc.place}公共资源交易中心网站"
            f"获取招标文件，并于{close.year}年{close.month}月{close.day}日9点30分（北京时间）前递交投标文件。",
            f"一、项目基本情况 项目编号：HNZC{year}-{code}{rng.randint(100, 999)} 采购方式：公开招标 "
            f"预算金额：{rng.randint(60, 300)}.00万元 最高限价：同预算金额。",
            "二、申请人的资格要求：满足《中华人民共和国政府采购法》第二十二条规定；本项目不接受联合体投标。",
            "三、提出询问 凡对本次招标提出询问，请按以下方式联系。",
            f"1.采购人信息 名称：{s.unit} 地址：{loc.place}人民路{int(s.site_code[-3:]) + 12}号 "
            f"邮编：232001 联系方式：王工 {mobile(rng)}",
            f"2.采购代理机构信息 名称：{agent} 统一社会信用代码：{credit} 地址：{loc.place}洞山中路8号 "
            f"传真：0554-{6610000 + rng.randint(100, 9999)} 联系方式：李女士 {mobile(rng)}",
            f"3.项目联系方式 项目联系人：李女士、陈先生 {mobile(rng)}",
            f"监督电话：{mobile(rng)}",
        ]
        plan.notes[item.path] = ("采购公告 with contact persons' mobiles, a 统一社会信用代码, 邮编 and 传真: "
                                 "a clean control for privacy.leak")
