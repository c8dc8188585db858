"""The interaction check's pre-tests skip only pages the full readers would reject (issue 13)."""

from __future__ import annotations

import random
from datetime import date

from govinspect.checks import interaction
from govinspect.extract.dates import normalize
from govinspect.extract.messages import detail_record
from govinspect.model import Page

AS_OF = date(2019, 10, 20)
_LOGIN_PIECES = ["请", "先", "登录", "认证", "后", "方可", "才能", "查看", "留言", "您", "还", "未", "需要", "统一身份",
                 "用户", "：", "１", " ", "。"]  # fmt: skip


def test_asks_login_equals_the_plain_search() -> None:
    rnd = random.Random(3)
    walls = 0
    for _ in range(5000):
        text = "".join(rnd.choice(_LOGIN_PIECES) for _ in range(rnd.randint(0, 12)))
        plain = interaction._LOGIN.search(normalize(text)) is not None
        assert interaction._asks_login(text) == plain, text
        walls += plain
    assert walls > 200


_DETAIL = (
    "首页 > 县长信箱 留言标题：路灯不亮 留言时间：2019-09-02 留言内容：人民路路灯坏了 "
    "回复单位：县城管局 回复时间：2019-09-05 回复内容：已修复。 主办单位：寿县人民政府"
)
_TEXTS = [
    _DETAIL,
    _DETAIL.replace("：", ":"),
    _DETAIL.replace("留言时间", "来信日期"),
    _DETAIL.replace("留言时间", "发送时间"),  # a label only the registry knows
    _DETAIL.replace("2019-09-02", "２０１９－０９－０２"),
    "关于做好秋季防火工作的通知 发布时间：2019-10-08 来源：县应急局",
    "",
]


def test_detail_gate_keeps_every_record() -> None:
    page = Page(url="http://a.gov.cn/x.html")
    kept = 0
    for overrides in ({}, {"received_labels": "发送时间"}, {"received_labels": ["发送时间", "Date"]}):
        for text in _TEXTS:
            page.text = text
            plain = detail_record(text, AS_OF, overrides)
            assert interaction._detail(page, None, AS_OF, overrides) == plain, (overrides, text)
            kept += plain is not None
    assert kept >= 10  # the detail pages were read on the fast path too
    assert interaction._received_gate(interaction._received_labels({"received_labels": "Date"})) is None
