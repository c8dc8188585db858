"""content.error_word on hand-built pages: each kind, counts, severity, allowlists, context, clean text."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import jsonschema
import pytest

from govinspect.checks import Context, load_check, run_checks, wording
from govinspect.checks.lexicon import WORDING, Lexicon
from govinspect.model import Page
from govinspect.rules import load_rules

from .checks_support import AS_OF, HOME, SITE, ctx, snapshot

# Real-style government paragraphs, written for these tests. They hold the traps of the lists
# (按排名, 预防犯罪, 严防犯人, 农业部门, 原县…局, 一贯切实, 发扬广大干部, 香港与中国内地 ...) and
# must produce no finding at all.
CLEAN = {
    "report": (
        "过去一年，我们坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻党的十九大和十九届二中、"
        "三中、四中全会精神，认真落实党中央、国务院决策部署和省委、省政府工作安排，统筹推进稳增长、"
        "促改革、调结构、惠民生、防风险各项工作。全市地区生产总值增长6.8%，一般公共预算收入增长5.2%，"
        "城乡居民人均可支配收入分别增长8.1%和9.3%。我们坚持稳中求进工作总基调，深化供给侧结构性改革，"
        "扎实做好“六稳”工作，经济运行保持在合理区间。打好三大攻坚战取得关键进展，脱贫攻坚年度任务全面"
        "完成，全年减少农村贫困人口1.2万人；污染防治攻坚战扎实推进，细颗粒物平均浓度下降6.5%，空气质量"
        "优良天数比例达到82.4%；防范化解重大风险有力有效，政府债务风险总体可控。我们坚持以人民为中心的"
        "发展思想，民生投入占一般公共预算支出的比重达到78%，新增城镇就业3.6万人。全面推进“放管服”改革，"
        "企业开办时间压缩至3个工作日以内，政务服务事项“一网通办”比例达到90%以上。做好今年政府工作，要"
        "更加紧密地团结在以习近平同志为核心的党中央周围，增强“四个意识”、坚定“四个自信”、做到“两个维护”，"
        "按照高质量发展要求，弘扬“店小二”精神，再接再厉，奋力谱写新时代发展新篇章。"
    ),
    "reform": (
        "根据县机构改革方案，县自然资源局、县生态环境局、县农业农村局、县卫生健康局、县应急管理局、县市场"
        "监督管理局于2019年3月28日正式挂牌成立。新组建的县应急管理局整合了原县安全生产监督管理局的职责以及"
        "县政府办公室的应急管理职责，县市场监督管理局整合了原县工商行政管理局、原县质量技术监督局和原县食品"
        "药品监督管理局的职责。挂牌仪式上，县委书记强调，机构改革是一场深刻变革，各部门要讲政治、顾大局、"
        "守纪律，农业部门、文化部门、卫生部门和环境保护部门要加强协作，纪检监察部门要全程跟进监督，确保"
        "改革期间思想不乱、工作不断、队伍不散、干劲不减。县委全面深化改革委员会办公室将对改革落实情况开展"
        "专项督查，督查结果按排名先后在全县通报，对推进不力的单位严肃问责。县纪委监委、县委组织部、县委"
        "编办要加强对新组建部门领导班子和干部队伍建设的指导，严格执行机构编制纪律，确保人员转隶、职责划转、"
        "资产移交平稳有序。"
    ),
    "security": (
        "为深入推进扫黑除恶专项斗争，切实维护社会稳定，县公安局近日组织开展社会治安重点地区排查整治行动。"
        "行动中，民警对辖区内棋牌室、网吧、歌舞娱乐场所等重点部位进行了全面检查，严厉打击以棋牌娱乐为名的"
        "聚众赌博和“六合彩”等违法犯罪活动，共查处治安案件12起，抓获违法犯罪嫌疑人15名。县公安局提醒广大"
        "群众，要提高防范意识，积极预防犯罪，对提供虚假证明材料骗取救助资金等行为，一经查实将依法严肃处理；"
        "同时警惕“裸聊”“刷单返利”等新型网络诈骗，切勿轻信陌生人，如发现违法犯罪线索，请及时拨打110举报。"
        "各乡镇要以创建全国文明城市为契机，建立健全群防群治工作机制，看守所要严防犯人脱逃等安全事故发生，"
        "进一步提升人民群众的安全感和满意度。"
    ),
    "flood": (
        "入汛以来，全县各级各部门认真贯彻落实上级关于防汛抗旱工作的安排部署，坚持人民至上、生命至上，全力"
        "做好防汛备汛各项工作。县防汛抗旱指挥部办公室组织对全县32座小型水库、18处山洪灾害危险区进行拉网式"
        "排查，及时消除安全隐患。各乡镇要严格执行领导带班和24小时值班制度，确保信息畅通、反应迅速、处置有力。"
        "暑期将至，各中小学校要加强学生防溺水安全教育，落实家校共管责任。同时，要做好秸秆综合利用和禁烧工作，"
        "严禁露天焚烧秸秆，推动秸秆肥料化、饲料化、能源化利用。气象部门预测，今年主汛期降水偏多，极端天气"
        "事件多发，各地要立足于防大汛、抗大旱、抢大险、救大灾，修订完善应急预案，开展应急演练，储备充足的"
        "防汛物资，确保安全度汛。对工作不力、失职渎职造成严重后果的，将依纪依法严肃追究责任。"
    ),
    "village": (
        "党的十八大以来，我县始终把解决好“三农”问题作为全县工作的重中之重，一贯切实抓好粮食生产和重要农产品"
        "供给，全面推进乡村振兴。去年，全县粮食播种面积稳定在85万亩以上，总产达到3.6亿斤。我们大力弘扬"
        "脱贫攻坚精神，发扬广大干部群众艰苦奋斗的优良传统，巩固拓展脱贫攻坚成果同乡村振兴有效衔接，守住了"
        "不发生规模性返贫的底线。坚持农业农村优先发展，农村人居环境整治提升五年行动扎实推进，农村卫生厕所"
        "普及率达到92%，生活垃圾收运处置体系覆盖所有行政村，农村长效管护机制基本建立。各级党组织要教育引导"
        "党员干部严格守法、廉洁奉公，以“时时放心不下”的责任感抓好各项工作，原则上每季度召开一次专题会议，"
        "研究解决乡村振兴中的突出问题，确保党中央决策部署落地见效。"
    ),
    "hkmo": (
        "香港、澳门回归祖国以来，“一国两制”实践取得举世公认的成功。内地与香港、澳门的经贸往来日益密切，"
        "香港与中国内地的人员往来更加便利，粤港澳大湾区建设加快推进。我们坚持一个中国原则和“九二共识”，"
        "推动两岸关系和平发展，积极促进海峡两岸经济文化交流合作，欢迎台湾同胞来我市投资兴业，为台湾青年"
        "来大陆就业创业提供便利。对台湾地区领导人在有关场合发表的错误言论，国务院台湾事务办公室发言人已"
        "表明严正立场。全市各级各部门要认真学习贯彻习近平总书记关于港澳工作和对台工作的重要论述，做好"
        "港澳台侨工作，广泛团结海内外中华儿女，共同推进中华民族伟大复兴。"
    ),
    "notice": (
        "为进一步提升政务公开质量，市政府办公室对各县区、各部门政府网站和政务新媒体开展了第三季度检查，现将"
        "检查结果按排名先后通报如下。各单位要认真对照检查发现的问题，逐项整改，于10月31日前将整改情况书面"
        "报送市政府办公室。对连续两次排名靠后的单位，将在全市范围内通报批评。同时，市商务局将于国庆期间发放"
        "第二批消费券，市民可通过“市民通”客户端领取，领取后须在7日内使用，逾期作废。市场监管部门将加强"
        "价格监督检查，严厉打击哄抬物价、虚假宣传等违法行为，维护良好的消费环境。各县区要安排专人负责，"
        "做好政策解读和咨询服务，确保惠民政策落到实处。"
    ),
}


def page(text: str, *, url: str = f"{HOME}xxgk/t20191008_1.html", title: str = "工作动态", pub: date | None = None) -> Page:
    return Page(url=url, final_url=url, status=200, content_type="text/html", title=title, text=text, pub_date=pub)


def run(*pages: Page, context: Context | None = None):
    return list(wording.check(snapshot(pages=list(pages)), context or ctx()))


def site_ctx(as_of: date = AS_OF, **overrides) -> Context:
    return Context(as_of=as_of, rules=load_rules(), site=replace(SITE, overrides=overrides))


def by_word(findings):
    return {f.evidence["word"]: f for f in findings}


# --- each kind


def test_typo_is_reported_with_its_evidence():
    [f] = run(page("县委召开常委会议，对下一阶段工作进行按排，要求各部门抓好落实。"))
    assert f.code == "content.error_word" and f.severity == "deduct"
    assert f.url == f"{HOME}xxgk/t20191008_1.html"
    ev = f.evidence
    assert ev["word"] == "按排" and ev["suggestion"] == "安排" and ev["kind"] == "typo"
    assert ev["count"] == 1 and "工作进行按排，要求" in ev["context"] and ev["source"]
    assert f.message == "页面出现错别字“按排”，应为“安排”"


def test_each_kind_and_its_severity():
    text = (
        "会议传达了粟战书同志的讲话精神。会议指出，台湾总统的言论违背一个中国原则。"
        "县国土资源局负责同志作了发言。全体人员要再接再励。"
    )
    found = by_word(run(page(text)))
    assert {w: (f.evidence["kind"], f.severity) for w, f in found.items()} == {
        "粟战书": ("leader", "veto"),
        "台湾总统": ("political", "veto"),
        "国土资源局": ("outdated_name", "deduct"),
        "再接再励": ("typo", "deduct"),
    }
    assert found["国土资源局"].evidence["since"] == date(2019, 4, 1)
    assert "现为“自然资源局" in found["国土资源局"].message
    assert "领导人姓名" in found["粟战书"].message


def test_country_name_typo_is_a_veto_by_itself():
    [f] = run(page("中华人民共合国成立70周年庆祝活动"))
    assert f.severity == "veto" and f.evidence["suggestion"] == "中华人民共和国"


def test_one_finding_per_page_and_word_with_a_count():
    text = "要按排好值班。按排专人负责。按排车辆保障。"
    a = page(text)
    b = page("请按排好时间。", url=f"{HOME}xxgk/t20191008_2.html")
    found = run(a, b)
    assert sorted((f.url, f.evidence["count"]) for f in found) == [(a.url, 3), (b.url, 1)]
    assert "（共 3 处）" in next(f.message for f in found if f.url == a.url)


def test_title_is_checked_too():
    [f] = run(page("正文没有问题。", title="关于扫黑险恶专项斗争的通知"))
    assert f.evidence["word"] == "扫黑险恶" and f.evidence["in_title"] is True and f.evidence["count"] == 1


def test_title_repeated_in_the_body_is_counted_from_the_body():
    [f] = run(page("关于扫黑险恶专项斗争的通知 各乡镇：", title="关于扫黑险恶专项斗争的通知"))
    assert f.evidence["count"] == 1 and f.evidence["in_title"] is True


def test_only_visible_text_and_title_are_read():
    p = page("本页内容正常。")
    p.meta = {"keywords": "按排,再接再励"}
    assert run(p) == []


# --- the serious-typo threshold


def test_more_than_three_distinct_typos_become_a_veto():
    text = "要按排好工作，再接再励，锻练身体，做好防讯。"
    found = run(page(text))
    assert len(found) == 4 and all(f.severity == "veto" for f in found)
    assert all(f.evidence["escalated"] for f in found)
    assert "超过 3 个" in found[0].message


def test_three_typos_stay_deductions():
    found = run(page("要按排好工作，再接再励，锻练身体。"), page("要按排好工作。", url=f"{HOME}b.html"))
    assert len(found) == 4 and {f.severity for f in found} == {"deduct"}


def test_threshold_can_come_from_the_rule_set():
    base = load_rules()
    rules = base.model_copy(update={"wording": base.wording.model_copy(update={"serious_typo_limit": 1})})
    context = Context(as_of=AS_OF, rules=rules, site=SITE)
    found = run(page("要按排好工作，再接再励。"), context=context)
    assert {f.severity for f in found} == {"veto"}
    assert load_rules().wording.serious_typo_limit == 3


# --- allowlists


def test_allow_words_silences_a_word_on_the_whole_site():
    text = "县国土资源局召开会议，要按排好工作。"
    found = run(page(text), context=site_ctx(allow_words=["国土资源局"]))
    assert [f.evidence["word"] for f in found] == ["按排"]


def test_allow_with_url_contains_is_scoped():
    old = page("市环保局开展执法检查。", url=f"{HOME}archive/2017/a.html")
    new = page("市环保局开展执法检查。", url=f"{HOME}xwzx/b.html")
    context = site_ctx(allow=[{"word": "环保局", "url_contains": "/archive/"}, {"bad": 1}, "x"])
    assert [f.url for f in run(old, new, context=context)] == [new.url]


def test_malformed_overrides_are_ignored():
    context = site_ctx(allow_words="按排", allow={"word": "按排"})
    assert len(run(page("要按排好工作。"), context=context)) == 1


# --- context exceptions for outdated names


@pytest.mark.parametrize(
    "text",
    [
        "根据《国家卫生计生委关于印发医疗机构管理办法的通知》要求，县卫生健康局开展检查。",
        "会议转发了“市环保局关于做好大气污染防治工作的意见”的文件。",
        "原县环保局局长张某某因违纪被立案审查。",
        "2018年11月，县国土资源局更名为县自然资源局。",
        "2016年，县环保局共查处环境违法案件32起。",
        "美国农业部日前公布的数据显示，大豆出口同比下降。",
        "各级农业部门要做好春耕生产。",
        "时任县工商局局长的李某某参加了会议。",
    ],
)
def test_outdated_name_in_historical_or_foreign_context_is_not_flagged(text):
    assert run(page(text)) == []


@pytest.mark.parametrize(
    ("text", "title", "rule"),
    [
        ("依据《国家卫生计生委关于印发管理办法的通知》执行。", "", "quoted"),
        ("原县环保局局长张某某因违纪被立案审查。", "", "former"),
        ("县国土资源局更名为县自然资源局。", "", "history_sentence"),
        ("2016年，县环保局共查处环境违法案件32起。", "", "history_year"),
        ("2019年2月，县环保局开展执法检查。", "", "history_year"),
        ("县环保局负责环境监测。", "机构沿革", "history_title"),
        ("美国农业部公布数据。", "", "foreign"),
        ("印方所谓“阿鲁纳恰尔邦”。", "", "quoted"),
        ("印方所谓阿鲁纳恰尔邦。", "", "so_called"),
    ],
)
def test_each_context_rule_by_name(text, title, rule):
    [m] = list(Lexicon.load(WORDING).find(text))
    assert wording.ContextRules.load().excuse(m, text, title) == rule


@pytest.mark.parametrize(
    "text",
    ["原则上由县环保局负责。", "2019年8月，县环保局开展执法检查。", "县环保局今年新建2个监测站，监测数据实时公开。"],
)
def test_context_rules_do_not_excuse_current_text(text):
    [m] = list(Lexicon.load(WORDING).find(text))
    assert wording.ContextRules.load().excuse(m, text, "工作动态") is None


def test_failed_pages_are_skipped():
    bad = page("要按排好工作。")
    bad.status, bad.error = 404, None
    assert run(bad) == []


def test_outdated_name_in_current_text_is_flagged_even_next_to_quotes_elsewhere():
    found = run(page("县环保局会同《通知》所列单位开展检查，原则上每月一次。"))
    assert [f.evidence["word"] for f in found] == ["环保局"]


def test_history_pages_are_exempt():
    text = "1984年设立县环境保护局，2019年组建县生态环境局。县环保局主要负责环境监测。"
    assert run(page(text, title="机构沿革")) == []
    assert len(run(page(text, title="工作动态"))) == 1


def test_pages_published_before_the_reform_are_exempt():
    text = "县国土资源局召开土地执法专项检查部署会。"
    assert run(page(text, pub=date(2018, 6, 1))) == []
    assert len(run(page(text, pub=date(2019, 6, 1)))) == 1


def test_names_outdated_after_the_inspection_date_are_not_flagged():
    text = "市银保监分局开展金融知识宣传活动。"
    assert run(page(text)) == []  # inspection of 2019-10-20: 银保监分局 was the right name
    [f] = run(page(text), context=site_ctx(as_of=date(2024, 1, 10)))
    assert f.evidence["suggestion"] == "金融监管分局"


def test_political_entries_take_only_the_exceptions_they_opt_into():
    assert run(page("印方所谓“阿鲁纳恰尔邦”是中国藏南地区。")) == []
    assert len(run(page("记者从阿鲁纳恰尔邦发回报道。"))) == 1
    assert len(run(page("原台湾总统府"))) == 1  # 原 excuses outdated names only


def test_region_names_with_history_opt_in():
    assert run(page("1884年清政府设立新疆省。")) == []
    assert len(run(page("欢迎来新疆省旅游。"))) == 1
    assert run(page("广西省级示范区和广西省会南宁")) == []


# --- clean controls and integration


@pytest.mark.parametrize("name", sorted(CLEAN))
def test_clean_government_text_yields_no_finding(name):
    assert run(page(CLEAN[name], title="关于印发工作要点的通知")) == []


def test_whole_clean_site_yields_nothing_through_run_checks():
    pages = [page(t, url=f"{HOME}p/{n}.html", pub=date(2019, 9, 1)) for n, t in CLEAN.items()]
    assert run_checks(snapshot(pages=pages), ctx(), ["wording"]) == []
    assert load_check("wording") is wording.check


def test_findings_serialise_to_the_contract_shape():
    found = run(page("县国土资源局召开会议，要按排好工作。"), page("台湾总统", url=f"{HOME}b.html"))
    data = json.loads(json.dumps([f.to_dict() for f in found], ensure_ascii=False))
    schema = json.loads((Path(__file__).parent / "schema" / "scan.schema.json").read_text(encoding="utf-8"))
    finding = {**schema["$defs"]["finding"], "$defs": schema["$defs"]}
    for item in data:
        jsonschema.validate(item, finding)
        assert {"word", "suggestion", "kind", "context", "count", "source"} <= set(item["evidence"])
    assert next(d for d in data if d["evidence"]["word"] == "国土资源局")["evidence"]["since"] == "2019-04-01"
    assert found[0].key().startswith("content.error_word|")


# --- issue 8: ambiguous typos and the Xinhua list's names for Korea


@pytest.mark.parametrize("text", [
    "各单位要既使用好现有资金，又要积极争取上级支持。",  # 既 + 使用
    "这项改革既使群众办事更方便，又让企业减轻了负担。",  # the 既…又 construction
    "这一举措既使得审批时限大幅压缩，又提高了办事透明度。",
    "东北朝鲜族聚居区的民俗文化节如期举行。",  # 东北 + 朝鲜族
    "北朝鲜卑贵族的墓葬形制反映了民族融合。",  # 北朝 + 鲜卑
    "湖南朝鲜族同胞参加了民族团结进步表彰大会。",  # 湖南 + 朝鲜族
    "交流团访问了美国加利福尼亚州和弗吉尼亚州的相关机构。",  # 亚州 inside transliterated state names
    "该设备用于测量相干噪声。",
    "参观团走进山脉博物馆，了解地质演化历史。",  # 山脉 + 博物馆 (issue 8 cross-boundary audit)
    "突破导弹核心部件制造技术。",
    "引导学生建立正确的情感概念。",
    "该区域平均海拔涉及三个气候带。",
    "这些问题并非州政府能够单独解决。",
])
def test_ambiguous_forms_stay_quiet(text):
    assert run(page(text)) == []


def test_jishi_typo_is_reported():
    [f] = run(page("既使遇到困难，也要按期完成整改任务。"))
    assert f.evidence["word"] == "既使" and f.evidence["suggestion"] == "即使" and f.severity == "deduct"


def test_korea_names_are_political_errors_in_current_text():
    found = by_word(run(page("近日，南朝鲜与北朝鲜举行高级别会谈。", pub=date(2019, 9, 1))))
    assert set(found) == {"南朝鲜", "北朝鲜"}
    assert found["南朝鲜"].evidence["suggestion"] == "韩国" and found["南朝鲜"].severity == "veto"
    assert found["北朝鲜"].evidence["suggestion"] == "朝鲜" and found["北朝鲜"].evidence["kind"] == "political"


def test_south_korea_old_name_is_fine_in_history():
    """Before the 1992 diplomatic relations 南朝鲜 was usual: a sentence about 1988 or a page of 1990 keeps it."""
    assert run(page("1988年，南朝鲜举办了夏季奥运会。")) == []
    assert run(page("南朝鲜经贸代表团来访。", pub=date(1990, 5, 1))) == []


def _dictionary_words() -> list[str]:
    jieba = pytest.importorskip("jieba")  # test extra; the audit needs a general word list
    path = Path(jieba.__file__).with_name("dict.txt")
    return [line.split(" ", 1)[0] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# Dictionary entries that contain a typo key and are themselves wrong forms (jieba's dictionary
# records common misspellings too): reviewed one by one, a match in them is right.
MISSPELT_IN_DICTIONARY = frozenset({
    "龙博斗", "家俱厂", "幅射线", "拉圾箱", "团结拼博", "暴燥如雷", "成气侯", "渡假村", "煤碳工业", "相砥励",
    "神洲傲", "神洲海", "编篡者", "中美州", "拉丁美州", "蓄牧业", "蜂涌而上", "室内装璜", "装璜公司", "大部份",
    "小部份", "构成部份", "震憾全球", "震憾力", "靡烂不堪", "靡烂性", "鼓惑人心", "新疆维族",
})


def test_typo_lexicon_against_a_general_dictionary():
    """No correct dictionary word that contains a typo key is reported (the key needs a guard otherwise)."""
    lexicon = Lexicon.load(("wording/typo", "wording/political"))
    keys = [e.word for e in lexicon.entries]
    wrong = []
    for word in _dictionary_words():
        if word in MISSPELT_IN_DICTIONARY or not any(k in word for k in keys):
            continue
        wrong += [f"{m.word} in {word}" for m in lexicon.find(word) if m.word != word]
    assert wrong == []


def test_two_character_typos_do_not_fire_across_frequent_word_pairs():
    """A two-character key "ab" read across a boundary: frequent words ending in a + starting with b
    (山脉|博物馆 for 脉博, 导弹|核心 for 弹核) must be covered by a guard (issue 8 audit)."""
    jieba = pytest.importorskip("jieba")
    path = Path(jieba.__file__).with_name("dict.txt")
    ends: dict[str, list[tuple[int, str]]] = {}
    starts: dict[str, list[tuple[int, str]]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        word, freq, *_ = line.split(" ")
        if int(freq) >= 3000 and len(word) >= 2:
            ends.setdefault(word[-1], []).append((int(freq), word))
            starts.setdefault(word[0], []).append((int(freq), word))
    lexicon = Lexicon.load(("wording/typo",))
    wrong = []
    for entry in lexicon.entries:
        if len(entry.word) != 2:
            continue
        left = sorted(ends.get(entry.word[0], []), reverse=True)[:4]
        right = sorted(starts.get(entry.word[1], []), reverse=True)[:4]
        wrong += [a + b for _, a in left for _, b in right if any(m.word == entry.word for m in lexicon.find(a + b))]
    assert wrong == []
