"""The monitor's content watch: defaced home pages raise security.hijack vetoes, clean ones nothing."""

from __future__ import annotations

from datetime import date

import pytest

from govinspect.monitor.watch import watch_home

URL = "http://www.yxx.gov.cn/"
TODAY = date(2026, 12, 3)

PORTAL_BODY = """
<div class="header"><a href="/">永兴县人民政府</a></div>
<ul class="nav"><li><a href="/zwgk/">政务公开</a></li><li><a href="/zwfw/">政务服务</a></li>
<li><a href="/hdjl/">互动交流</a></li></ul>
<div class="news"><h3>要闻动态</h3><ul>
<li><a href="/xwdt/2026/1201.html">县政府召开第32次常务会议</a><span>2026-12-01</span></li>
<li><a href="/xwdt/2026/1130.html">全县冬季森林防火工作部署会召开</a><span>2026-11-30</span></li>
</ul></div>
<div class="footer">主办：永兴县人民政府办公室 网站标识码：4310230001 湘ICP备05001234号</div>
"""


def page(title: str, body: str = PORTAL_BODY, keywords: str = "永兴县,政务公开", description: str = "永兴县人民政府门户网站") -> str:
    return (f'<html><head><meta charset="utf-8"><title>{title}</title>'
            f'<meta name="keywords" content="{keywords}"><meta name="description" content="{description}">'
            f"</head><body>{body}</body></html>")  # fmt: skip


def test_title_rewritten_to_a_casino_is_a_veto() -> None:
    [finding] = watch_home(URL, page("澳门葡京娱乐城-真人视讯-百家乐官方网站"))
    assert (finding.code, str(finding.severity)) == ("security.hijack", "veto")
    assert finding.evidence["kind"] == "tamper"
    assert "title" in finding.evidence["where"]
    assert "澳门葡京" in finding.evidence["words"] and "真人视讯" in finding.evidence["words"]
    assert "澳门葡京" in finding.evidence["snippet"]
    assert finding.url == URL


def test_stuffed_meta_keywords_are_a_veto_and_named_as_meta() -> None:
    html = page("永兴县人民政府", keywords="永兴县,太阳城娱乐,太阳城,真人视讯,百家乐,六合彩,时时彩",
                description="永兴县人民政府门户网站")  # fmt: skip
    [finding] = watch_home(URL, html)
    assert finding.evidence["where"] == ["meta"]
    assert {"真人视讯", "百家乐"} <= set(finding.evidence["words"])
    assert "真人视讯" in finding.evidence["snippet"] or "百家乐" in finding.evidence["snippet"]


def test_spam_block_planted_in_the_text_is_a_veto() -> None:
    block = "<div>" + "澳门新葡京 真人视讯 百家乐 在线投注 " * 4 + "</div>"
    findings = watch_home(URL, page("永兴县人民政府", PORTAL_BODY + block))
    assert findings and all(f.code == "security.hijack" for f in findings)
    assert any("text" in f.evidence["where"] for f in findings)


@pytest.mark.parametrize("title,body", [
    ("永兴县人民政府", PORTAL_BODY + "<div><a href='/xwdt/1.html'>县公安局开展打击网络赌博专项行动，"
     "捣毁“澳门葡京”“真人视讯”网络赌博平台窝点3个，严禁参与六合彩等非法赌博活动</a></div>"),
    ("中国工商银行 - 个人网上银行", "<div>个人网银 信用卡 理财产品 贵金属 基金 外汇 网点查询 客服热线 95588</div>"),
    ("永兴县人民政府", PORTAL_BODY),
])  # fmt: skip
def test_clean_pages_give_nothing(title: str, body: str) -> None:
    assert watch_home(URL, page(title, body)) == []


def test_empty_html_gives_nothing() -> None:
    assert watch_home(URL, "") == []
