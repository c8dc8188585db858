"""The sites of the demo world (淮南市 and some of its counties and departments) and their defects."""

from __future__ import annotations

from govinspect.demo.catalogue_dynamic import dynamic_specs
from govinspect.demo.defects import (
    BrokenHomeLink,
    BrokenLinks,
    Empty,
    FooterOmits,
    FooterSiteCode,
    FutureDated,
    HomeStale,
    Stale,
    Undated,
    UndeclaredCharset,
)
from govinspect.demo.defects_features import (
    BareItemPage,
    DocNumberBasis,
    GuideGaps,
    HiddenReplyFields,
    NamedPolicyLink,
    NoBoardStats,
    NoGuide,
    NoSearch,
    OverdueLetter,
    StaleSearchIndex,
    UnlinkedItem,
    VagueGuide,
    WeakInterpretation,
)
from govinspect.demo.defects_lists import BrokenIsland, ScriptPager
from govinspect.demo.defects_privacy import AssistanceRoster, ContactPage, ProcurementNotice
from govinspect.demo.defects_scripts import ObfuscatedRedirects, OrdinaryScripts
from govinspect.demo.defects_security import (
    BrandSpam,
    Cloaking,
    GamblingWarning,
    HeadTamper,
    HiddenLinks,
    HiddenOfficialMenus,
    OrdinaryThirdParties,
    ScriptWrite,
    SpiderTitleScript,
)
from govinspect.demo.defects_wording import HistoryPage, LookAlikes, WrongWords
from govinspect.demo.harmful import (
    CleanCommercialLinks,
    CloakedArticle,
    LapsedArticleLink,
    LapsedFriendLink,
)
from govinspect.demo.plan import SearchSpec, SiteSpec
from govinspect.demo.script_footers import ScriptFooter
from govinspect.demo.text import EDU_TOPICS, HEALTH_TOPICS, Locale

CITY_TOWNS = ["田家庵区", "大通区", "谢家集区", "八公山区", "潘集区", "凤台县", "寿县", "毛集实验区"]


def world_specs() -> list[SiteSpec]:
    """The five sites of the demo world, each in one markup style with its own defects.

    Content defects (hijack, privacy, identity, wording) come last in each list, so that the
    freshness and link defects before them draw the same random numbers as without them;
    教育局 (jyj) and 卫健委 (wjw) carry none and are the clean controls for those checks
    (jyj also carries a look-alike: gambling words in an anti-gambling warning).

    Issue-4 features (demo/features.py): every site has a message board and a 政策解读
    column whose interpretations link and explain their policies; the portal (table layout)
    and 凤台 (definition lists) publish service guides; four sites have a search box (GET,
    GBK-decoded GET on 田家庵, POST on 教育局). Their defects come last ("features" phase):
    incomplete and vague guides and an item without a guide (huainan, fengtai), overdue letters
    (tja), answers without unit or time (huainan, fengtai), no board statistics (fengtai), weak
    interpretations (huainan, jyj), a stale search index (fengtai), no search at all (wjw).
    """
    return [
        SiteSpec(
            key="huainan", name="淮南市人民政府", unit="淮南市人民政府办公室", level="portal",
            site_code="3404000001", style="card", encoding="utf-8", header_charset="utf-8",
            locale=Locale("淮南市", "淮南", "淮南市人民政府", CITY_TOWNS,
                          leader_titles=["市长", "副市长", "市政府秘书长"], doc_prefix="淮府"),
            icp="皖ICP备05001234号-1", police="皖公网安备 34040202000123号",
            defects=(
                Stale("县区动态", 35),
                FutureDated("规范性文件", 25),
                BrokenLinks(n404=3, n500=1, refused=1, missing_files=1),
                BrokenHomeLink("dns"),
                AssistanceRoster("通知公告"),
                ContactPage(),
                WrongWords("工作动态", ("国土资源局", "台湾总统", "南朝鲜")),
                HistoryPage(),
                GuideGaps(("location", "phone")),
                VagueGuide(("basis", "time")),
                HiddenReplyFields("unit"),
                WeakInterpretation(),
                LapsedFriendLink(),
                # issue 8 (last, so that the earlier injectors draw what they drew before)
                BareItemPage(),
                UnlinkedItem(),
                DocNumberBasis(),
                NamedPolicyLink(),
            ),
            guides="table", board="市长信箱",
            search=SearchSpec("/site/search/11588261", "keywords",
                              params=(("platformCode", "hn_gov"), ("isAllSite", "true")),
                              sidebar=True),
        ),
        SiteSpec(
            key="tja", name="田家庵区人民政府", unit="田家庵区人民政府办公室", level="county",
            site_code="3404030001", style="trs", encoding="gbk", header_charset=None,
            locale=Locale("田家庵区", "田家庵", "田家庵区人民政府",
                          ["舜耕镇", "三和镇", "曹庵镇", "安成镇", "史院乡", "洞山街道", "龙泉街道",
                           "田东街道", "新淮街道", "国庆街道"],
                          leader_titles=["区长", "副区长"], doc_prefix="田府"),
            icp="皖ICP备08003215号-1", police="皖公网安备 34040302000211号",
            defects=(
                Stale("工作动态", 25), Stale("部门动态", 31), Stale("乡镇动态", 48),
                Stale("通知公告", 215), Stale("政策文件", 260), Stale("人事信息", 430),
                Empty("规划计划", marker=True),
                HomeStale(16),
                BrokenLinks(n404=3, refused=1, missing_files=1),
                UndeclaredCharset(1),
                HiddenLinks("工作动态", articles=2),
                ScriptWrite("工作动态"),
                FooterSiteCode(),
                OverdueLetter(working_days=22),
                OverdueLetter(days=120, status="processing"),
                LapsedArticleLink("工作动态"),
            ),
            board="网上咨询",
            search=SearchSpec("/was5/web/search", "searchword", params=(("channelid", "239418"),)),
        ),
        SiteSpec(
            key="fengtai", name="凤台县人民政府", unit="凤台县人民政府办公室", level="county",
            site_code="3404210001", style="ul", encoding="utf-8", header_charset="utf-8",
            locale=Locale("凤台县", "凤台", "凤台县人民政府",
                          ["城关镇", "新集镇", "朱马店镇", "岳张集镇", "顾桥镇", "毛集镇", "夏集镇",
                           "桂集镇", "焦岗湖镇", "凤凰镇", "杨村镇", "丁集镇", "刘集镇"],
                          leader_titles=["县长", "副县长"], doc_prefix="凤政"),
            icp="皖ICP备09011876号-2", police="皖公网安备 34042102000057号",
            defects=(
                FutureDated("工作动态", 12),
                Empty("统计数据", marker=False),
                Stale("人事信息", 520),
                BrokenLinks(n404=2, n500=1, dns=1, missing_files=1),
                BrokenHomeLink("404"),
                Cloaking("/"),
                BrandSpam("工作动态"),  # issue 8: one brand repeated in its variants
                HeadTamper("/"),  # issue 8: only the home page's title and meta rewritten
                SpiderTitleScript("工作动态"),  # issue 8: a casino title set by script for spiders
                ObfuscatedRedirects("工作动态"),
                FooterOmits("icp"),
                WrongWords("工作动态", ("按排", "布署", "再接再励", "既使")),
                LookAlikes("工作动态"),
                GuideGaps(("time", "process")),
                VagueGuide(("materials",)),
                NoGuide(),
                HiddenReplyFields("time"),
                NoBoardStats(),
                StaleSearchIndex(30),
                ScriptFooter("get"),  # the script footer omits the ICP number: a true finding
                CloakedArticle("工作动态"),
                LapsedFriendLink("凤台县文明网", "ftwmw", "porn"),
                DocNumberBasis(),  # issue 8 control (last: the earlier injectors draw as before)
            ),
            guides="dl", board="县长信箱",
            search=SearchSpec("/jrobot/search.do", "q", params=(("webid", "13"), ("pg", "12"))),
        ),
        SiteSpec(
            # The server says UTF-8 but the bytes are GBK; only the <meta> tells the truth.
            key="jyj", name="淮南市教育局", unit="淮南市教育局", level="department",
            site_code="3404000013", style="trs", encoding="gbk", header_charset="utf-8",
            locale=Locale("淮南市", "淮南", "淮南市教育局",
                          ["田家庵区教体局", "大通区教体局", "谢家集区教体局", "八公山区教体局",
                           "潘集区教体局", "凤台县教体局", "寿县教体局"],
                          topics=EDU_TOPICS, leader_titles=["局长", "副局长"], doc_prefix="淮教"),
            icp="皖ICP备05002341号-3", police="皖公网安备 34040202000415号",
            defects=(
                Stale("工作动态", 22),
                Stale("通知公告", 230),
                Empty("人事信息", marker=True),
                BrokenLinks(n404=2, n500=2, missing_files=0, cross404="huainan"),
                GamblingWarning("工作动态"),  # a control: gambling words in a warning
                WeakInterpretation(),
                OrdinaryThirdParties("工作动态"),  # issue 8 controls: what real portals load
                HiddenOfficialMenus("/"),
                ScriptFooter("write"),  # a control: every item in a document.write footer
                CleanCommercialLinks("工作动态"),  # a control: a bank and a gambling-raid report
            ),
            board="局长信箱",
            search=SearchSpec("/search.jsp", "keyword", method="POST", params=(("siteid", "5"),)),
            friends=(("中华人民共和国教育部", "http://www.moe.gov.cn/"),
                     ("安徽省教育厅", "http://jyt.ah.gov.cn/")),
        ),
        SiteSpec(
            key="wjw", name="淮南市卫生健康委员会", unit="淮南市卫生健康委员会", level="department",
            site_code="3404000027", style="card", encoding="utf-8", header_charset="utf-8",
            locale=Locale("淮南市", "淮南", "淮南市卫生健康委员会",
                          ["市第一人民医院", "市中医院", "市疾控中心", "田家庵区卫健委",
                           "凤台县卫健委", "寿县卫健委"],
                          topics=HEALTH_TOPICS, leader_titles=["主任", "副主任"], doc_prefix="淮卫"),
            icp="皖ICP备12005566号-1", police="皖公网安备 34040202000538号",
            defects=(
                Undated("政策解读"),
                Stale("规划计划", 420),
                BrokenLinks(n404=1, refused=1, missing_files=0),
                NoSearch(),
                OrdinaryThirdParties("工作动态", articles=1),  # issue 8 controls
                HiddenOfficialMenus("/"),
                OrdinaryScripts("工作动态"),  # a control: menus, tabs, search, statistics scripts
                ScriptFooter("load"),  # a control: every item in a jQuery .load() footer
                ProcurementNotice(),  # a control: contact persons' mobiles in a 采购公告
            ),
            board="主任信箱",
            search=SearchSpec("/search/index.jsp", "q"),
            friends=(("国家卫生健康委员会", "http://www.nhc.gov.cn/"),
                     ("安徽省卫生健康委员会", "http://wjw.ah.gov.cn/")),
        ),
        *family_specs(),
        *dynamic_specs(),  # demo/catalogue_dynamic.py: script-drawn and postback-paged lists
    ]


def family_specs() -> list[SiteSpec]:
    """Issue 8: sites in two more CMS families, each with list defects and clean columns.

    发改委 runs Hanweb JCMS (lists in XML data islands, ``?uid=&pageNum=`` paging): a stale
    news and personnel column, an empty island, a forged future date (in 统计数据: a future
    政策文件 item would also be quoted by the interpretations that explain it), broken links and a
    column whose island is cut short (unreadable: a notice, never stale). 潘集区 runs a JSP
    portal (``list.jsp?catid=``, one pager kind per column: 下一页 links, numbered links, a
    select jump box, 下页): stale columns, an empty one, a future date, broken links and a
    column whose pager is script only (unreadable beyond page 1: a notice).
    """
    return [
        SiteSpec(
            key="fgw", name="淮南市发展和改革委员会", unit="淮南市发展和改革委员会",
            level="department", site_code="3404000009", style="hanweb", encoding="utf-8",
            header_charset="utf-8",
            locale=Locale("淮南市", "淮南", "淮南市发展和改革委员会",
                          ["田家庵区发改委", "大通区发改委", "谢家集区发改委", "八公山区发改委",
                           "潘集区发改委", "凤台县发改委", "寿县发改委"],
                          leader_titles=["主任", "副主任"], doc_prefix="淮发改"),
            icp="皖ICP备05003317号-1", police="皖公网安备 34040202000622号",
            defects=(
                Stale("工作动态", 20),
                Stale("人事信息", 380),
                Empty("规划计划", marker=False),
                FutureDated("统计数据", 15),
                BrokenIsland("通知公告"),
                BrokenLinks(n404=2, n500=1, missing_files=1),
            ),
            board="主任信箱",
            search=SearchSpec("/jsearchfront/search.do", "q", params=(("websiteid", "340400000900000"),)),
            friends=(("国家发展和改革委员会", "http://www.ndrc.gov.cn/"),),
        ),
        SiteSpec(
            key="panji", name="潘集区人民政府", unit="潘集区人民政府办公室", level="county",
            site_code="3404060001", style="jsp", encoding="utf-8", header_charset="utf-8",
            locale=Locale("潘集区", "潘集", "潘集区人民政府",
                          ["潘集镇", "平圩镇", "泥河镇", "高皇镇", "夹沟镇", "芦集镇", "架河镇",
                           "田集街道", "祁集镇", "古沟回族乡"],
                          leader_titles=["区长", "副区长"], doc_prefix="潘府"),
            icp="皖ICP备10002468号-1", police="皖公网安备 34040602000135号",
            defects=(
                Stale("工作动态", 23),
                Stale("人事信息", 400),
                Empty("统计数据", marker=True),
                FutureDated("通知公告", 9),
                ScriptPager("政策文件"),
                BrokenLinks(n404=2, refused=1, missing_files=1),
                BrokenHomeLink("404"),
            ),
            board="区长信箱",
            search=SearchSpec("/search/search.jsp", "keyword"),
        ),
    ]
