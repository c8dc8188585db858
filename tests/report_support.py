"""A hand-made circular for the writers' tests: every figure is written out here, so a test can
check a document against these numbers without a store or a crawl."""

from __future__ import annotations

from datetime import date

from govinspect.report.view import (
    AccountCell,
    Circular,
    DetailRow,
    ProblemGroup,
    SiteRow,
    TrendPoint,
    UnitRow,
)
from govinspect.store.summary import (
    ClosedAccount,
    Figures,
    PeriodSummary,
    ProblemKind,
    VerdictEntry,
)

# Names with characters that break XML, spreadsheets or HTML when not escaped.
NASTY_SITE = '=HYPERLINK("http://evil")&<b>"测试"</b>'


def _detail(subject: str, code: str, label: str, severity: str, url: str | None, message: str,
            status: str = "未整改", kind: str = "site") -> DetailRow:
    sev = {"veto": "单项否决", "deduct": "扣分", "notice": "提示"}[severity]
    return DetailRow(subject, kind, f"{subject}办公室", code, label, severity, sev, url, message,
                     "status=404", date(2019, 9, 20), date(2019, 10, 20), status, "待审核")


def sample_circular() -> Circular:
    """October 2019: 4 sites (2 pass, 1 单项否决, 1 不合格), 5 accounts in 3 units (4 checked, 3 pass, 1 closed)."""
    summary = PeriodSummary(
        period="2019-10", previous_period="2019-09", as_of=date(2019, 10, 20), run_ids=[2],
        sites=Figures(4, 4, 2),
        sites_by_level={"portal": Figures(1, 1, 0), "county": Figures(2, 2, 1), "department": Figures(1, 1, 1)},
        accounts=Figures(5, 4, 3), accounts_by_platform={"wechat": Figures(3, 2, 2), "weibo": Figures(2, 2, 1)},
        failed_sites=[VerdictEntry("site", 2, "凤台县人民政府", "http://www.ft.gov.cn/", "凤台县人民政府办公室",
                                   "不合格", 55.0, ["link.broken"], ["链接无法访问"])],
        vetoed_sites=[VerdictEntry("site", 1, "淮南市人民政府", "http://www.huainan.gov.cn/", "淮南市人民政府办公室",
                                   "单项否决", 80.0, ["column.stale"], ["栏目应更未更"])],
        failed_accounts=[VerdictEntry("account", 9, "淮南教育发布", "wechat", "淮南市教育局", "单项否决", None,
                                      ["newmedia.stale"], ["政务新媒体长期未更新"])],
        problems=[ProblemKind("link.broken", "不可用链接", 3, ["凤台县人民政府", "淮南市人民政府"]),
                  ProblemKind("column.stale", "栏目应更未更", 1, ["淮南市人民政府"]),
                  ProblemKind("column.empty", "空白栏目", 3, ["凤台县人民政府"]),
                  ProblemKind("newmedia.stale", "政务新媒体长期未更新", 1, ["淮南教育发布(微信)"])],
        carried_over=[], resolved=[], verified=[], incomplete=[],
        closed_accounts=[ClosedAccount("寿县发布", "weibo", "寿县人民政府办公室", date(2019, 10, 8), "关停")],
        reviews={"confirmed": 2, "dismissed": 1, "unreviewed": 6},
    )
    details = [
        _detail("淮南市人民政府", "column.stale", "栏目应更未更", "veto", "http://www.huainan.gov.cn/xwdt/",
                "工作动态 栏目 2019-09-01 后未更新(49 天)", "上期未整改"),
        _detail("淮南市人民政府", "link.broken", "不可用链接", "deduct", "http://www.huainan.gov.cn/",
                "链接无法访问: http://www.huainan.gov.cn/a.pdf"),
        _detail("凤台县人民政府", "link.broken", "不可用链接", "deduct", "http://www.ft.gov.cn/",
                "链接无法访问: http://www.ft.gov.cn/b.html"),
        _detail("凤台县人民政府", "link.broken", "不可用链接", "deduct", "http://www.ft.gov.cn/x/",
                "链接无法访问: http://www.ft.gov.cn/c.html"),
        *[_detail("凤台县人民政府", "column.empty", "空白栏目", "deduct", f"http://www.ft.gov.cn/k{i}/",
                  f"栏目{i} 为空") for i in range(3)],
        _detail("淮南教育发布(微信)", "newmedia.stale", "政务新媒体长期未更新", "veto", None,
                "超过2周未更新", kind="account"),
        _detail(NASTY_SITE, "content.error_word", "错敏词", "deduct", "http://127.0.0.1:8000/a?b=1&c=2",
                "+SUM(A1:A9) 页面出现错别字"),
    ]
    return Circular(
        period="2019-10", title="关于2019年10月政府网站与政务新媒体检查情况的通报", issuer="淮南市人民政府办公室",
        issued_on=date(2019, 10, 25), deadline=date(2019, 11, 15), summary=summary,
        site_rows=[
            SiteRow(1, "淮南市人民政府", "http://www.huainan.gov.cn/", "单项否决", "1个栏目应更未更、1个链接无法访问",
                    "淮南市人民政府办公室", "portal", 80.0),
            SiteRow(2, "凤台县人民政府", "http://www.ft.gov.cn/", "不合格", "3个空白栏目、2个链接无法访问",
                    "凤台县人民政府办公室", "county", 55.0),
            SiteRow(3, "寿县人民政府", "http://www.shouxian.gov.cn/", "合格", "", "寿县人民政府办公室", "county", 96.0),
            SiteRow(4, NASTY_SITE, "http://127.0.0.1:8000/a?b=1&c=2", "合格", "1个错敏词", None, "department", 92.0),
        ],
        platforms=["wechat", "weibo"], platform_labels={"wechat": "微信公众号", "weibo": "新浪微博"},
        unit_rows=[
            UnitRow(1, "淮南市人民政府办公室", {"wechat": [AccountCell("淮南发布", "合格")],
                                               "weibo": [AccountCell("淮南市人民政府发布", "合格")]}),
            UnitRow(2, "淮南市教育局", {"wechat": [AccountCell("淮南教育发布", "超过2周未更新", False)]}),
            UnitRow(3, "寿县人民政府办公室", {"wechat": [AccountCell("寿县政务", "合格")],
                                             "weibo": [AccountCell("寿县发布", "已关停(2019-10-08)")]}),
        ],
        problem_groups=[
            ProblemGroup("链接无法访问", 3, ["凤台县人民政府", "淮南市人民政府"], ["link.broken"]),
            ProblemGroup("空白栏目", 3, ["凤台县人民政府"], ["column.empty"]),
            ProblemGroup("应更未更", 2, ["淮南市人民政府", "淮南教育发布(微信)"], ["column.stale", "newmedia.stale"]),
        ],
        carried_over=[details[0]],
        details=details,
        trend=[TrendPoint("2019-08", 0.5, 0.75), TrendPoint("2019-09", 0.25, 0.5), TrendPoint("2019-10", 0.5, 0.75)],
        reviewed=3,
        paragraphs={},
    )
