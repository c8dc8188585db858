"""The spam classifier (checks/spam.py) on spam and on government text written like the real thing."""

import pytest

from govinspect.checks.lexicon import data_file
from govinspect.checks.spam import SpamVerdict, classify, classify_anchor, host_signals, signals

# --- spam as planted on defaced pages (variants of the real cases in keywords.yaml)


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("", "米乐·体育(中国)官方网站-米乐m6体育app下载"),  # a rewritten title alone
        ("乐鱼体育app下载_乐鱼·体育(中国)官方网站_乐鱼体育全站app", ""),
        ("开云·kaiyun体育（中国）官方网站 登录入口 手机版", ""),  # full-width brackets
        ("华体会hth(中国)官方网站·IOS/安卓通用版/手机APP下载", ""),
        ("k1体育麻将胡了 pg电子 官方入口", ""),
        ("澳门新葡京 真人视讯 首存送100% AG真人 BBIN 开元棋牌", ""),
        ("官方娱乐平台：棋牌彩票电子，首次充值即可领取奖励", ""),
        ("必威betway体育官网 万博manbetx注册", ""),
        ("開雲體育（中國）官方網站 華體會app下載", ""),  # traditional script
        ("ＫＡＩＹＵＮ体育 乐 鱼 体 育 官 网", ""),  # full-width letters, inserted spaces
        ("Slot Gacor Hari Ini, situs slot maxwin", ""),  # slot spam of hacked sites abroad
    ],
)
def test_brand_variants_are_spam(text: str, title: str) -> None:
    verdict = classify(text, title)
    assert isinstance(verdict, SpamVerdict)
    assert verdict.kind == "gambling" and verdict.words and verdict.score >= 1.0


def test_a_brand_repeated_dozens_of_times_is_certain() -> None:
    block = "_".join(["半岛体育app下载"] * 30)
    verdict = classify(f"关于开展秋季爱国卫生运动的通知 {block}")
    assert verdict is not None and "certain" in verdict.reasons and verdict.repeated == 30
    assert verdict.score >= 2.0


def test_title_weighs_more_than_body() -> None:
    # one brand phrase in the body is not enough; the same phrase as the page's title is
    assert classify("半岛体育") is None
    assert classify("", "半岛体育官网") is not None
    assert "title" in signals("", "半岛体育官网").reasons


@pytest.mark.parametrize(
    "text",
    [
        # enforcement notices and anti-fraud campaigns name the brands and the games
        "市公安局破获一起跨境网络赌博案，涉案“开云体育”“华体会”等境外赌博网站已被查封。",
        "严禁参与赌博：“乐鱼体育app下载”“百家乐”“真人视讯”均为境外赌博平台的引流话术，请市民提高警惕。",
        "反诈宣传进社区：警惕“米乐体育官网”等网络赌博陷阱，发现线索请拨打96110举报。",
        "扫黑除恶专项斗争：依法打击六合彩、百家乐、时时彩等赌博违法犯罪活动。",
        # ordinary government text with brand stems as ordinary words
        "胶东半岛体育产业发展大会在青岛召开，银河国际大酒店承办会务。",
        "市体育局举办全民健身活动，体育馆免费开放；中国体育彩票公益金资助建设。",
        "澳门银河娱乐集团、金沙中国有限公司、美高梅中国参加横琴粤澳深度合作区招商推介会。",
        "老年活动中心设有棋牌室、阅览室，欢迎参加健康的棋牌活动。金沙江畔风光好。",
        "皇冠假日酒店承办全市招商引资大会，开元路改造工程完工。",
        "马来西亚沙巴体育代表团访问我市，参观皇冠体育中心和亚博体育馆。",
        "代表团赴米兰国际、中欧国际两地考察，开元国际、腾龙集团参会；顽强拼搏，体育强国。",
        "九游游戏、爱游戏平台等网络游戏企业签订未成年人保护承诺书；芒果娱乐、万博会同期举办。",
    ],
)
def test_enforcement_and_ordinary_text_stay_clean(text: str) -> None:
    assert classify(text) is None, signals(text)


def test_anchor_needs_one_strong_term_or_brand() -> None:
    assert classify_anchor("乐鱼体育官网") is not None
    assert classify_anchor("澳门葡京") is not None
    assert classify_anchor("百家乐") is None  # a weak term alone (an enforcement tag, a warning)
    assert classify_anchor("中国文明网") is None and classify_anchor("") is None


@pytest.mark.parametrize(
    ("host", "marks"),
    [
        ("www.pj-casino8.com", ["casino"]),
        ("www.xpj8888.com", ["xpj8888"]),
        ("m.bob5918.com", ["bob5918"]),
        ("www.hg-tiyu88.com", ["tiyu"]),
        ("hm.baidu.com", []),
        ("s4.cnzz.com", []),
        ("pucha.kaipuyun.cn", []),
        ("www.12377.cn", []),
        ("www.essex.ac.uk", []),
        ("www.ag2020.org.cn", []),  # an association's event, not a numbered mirror
        ("tiyu.hefei.gov.cn", []),  # government hosts never carry marks
        ("", []),
    ],
)
def test_host_signals(host: str, marks: list[str]) -> None:
    assert host_signals(host) == marks


def test_every_brand_and_marker_is_sourced() -> None:
    data = data_file("hijack/keywords")
    sources = data["sources"]
    assert data["version"] >= 2
    stems = data["brands"]["stems"]
    assert len(stems) >= 40 and all(s["source"] in sources for s in stems)
    assert data["title_markers"]["source"] in sources and data["hosts"]["source"] in sources
    third = data_file("hijack/thirdparty")
    assert all(r["source"] in third["sources"] for r in third["entries"] + third["labels"])


def test_verdict_is_plain_data() -> None:
    verdict = classify("", "乐鱼体育(中国)官方网站")
    assert verdict is not None
    d = verdict.to_dict()
    assert d["kind"] == "gambling" and d["where"] == ["title"] and isinstance(d["words"], list)
