"""Column names and value words that registry and record files may use, mapped to ours.

Flat layout of a CSV or XLSX registry: one table whose header row (within the first 10 rows)
has a ``name`` column; a ``kind`` column (site|account) says what each row is; without it the
table lists sites, or accounts when it has account columns and no ``url`` column. Account
sources are the columns source_type, source_url, source_path, messages_type, messages_path.
A workbook may instead hold two sheets named sites/accounts (网站/新媒体).

The Chinese aliases are the headers seen in offices' own site and account lists (全国政府网站
基本信息数据库 exports use 网站名称 / 网站地址 / 主办单位 / 网站标识码; 政务新媒体 lists use
账号名称 / 平台 / 开办主体).
"""

from __future__ import annotations

import re

SITE_FIELDS: tuple[str, ...] = ("name", "url", "unit", "level", "site_code", "search_url")
ACCOUNT_FIELDS: tuple[str, ...] = (
    "name", "unit", "platform", "platform_id", "official_matrix", "status", "closed_on",
    "closed_kind", "source_type", "source_url", "source_path", "messages_type", "messages_path",
)
# Columns that only an account row fills: a table with these and no url is an accounts table.
ACCOUNT_ONLY: frozenset[str] = frozenset(ACCOUNT_FIELDS) - frozenset(SITE_FIELDS)
REGISTRY_FIELDS: tuple[str, ...] = ("kind", *SITE_FIELDS, *ACCOUNT_ONLY)
MESSAGE_FIELDS: tuple[str, ...] = (
    "id", "received", "author", "content", "reply", "reply_time", "reply_unit",
)
POST_FIELDS: tuple[str, ...] = ("published", "title", "url")

_HEADERS: dict[str, tuple[str, ...]] = {
    "kind": ("类别", "对象类型", "种类"),
    "name": ("名称", "网站名称", "站点名称", "账号名称", "帐号名称", "新媒体名称"),
    "url": ("网址", "网站地址", "网站网址", "首页地址", "首页网址", "网站首页", "链接"),
    "unit": ("单位", "主办单位", "主办单位名称", "开办主体", "开办单位", "主管单位", "责任单位"),
    "level": ("级别", "网站级别", "网站类型", "网站类别", "层级"),
    "site_code": ("网站标识码", "标识码", "网站标识", "sitecode", "siteidcode"),
    "search_url": ("搜索地址", "站内搜索地址", "搜索网址", "搜索链接"),
    "platform": ("平台", "平台类型", "所属平台", "新媒体类型", "账号类型", "帐号类型"),
    "platform_id": ("账号", "帐号", "账号id", "帐号id", "平台id", "平台账号", "微信号", "原始id", "uid"),
    "official_matrix": ("官方矩阵", "纳入矩阵", "是否纳入矩阵", "已备案", "是否备案"),
    "status": ("状态", "运营状态", "账号状态", "帐号状态"),
    "closed_on": ("关停日期", "关停时间", "注销日期", "注销时间", "关闭日期", "关闭时间", "整合日期",
                  "整合时间", "合并日期", "关停注销日期"),
    "closed_kind": ("关停类型", "关停方式", "关闭方式", "处置方式", "处置类型"),
    "source_type": ("来源类型", "数据来源类型", "采集方式"),
    "source_url": ("来源地址", "来源网址", "订阅地址", "rss地址", "feed", "rss"),
    "source_path": ("来源文件", "发布记录文件", "导出文件"),
    "messages_type": ("留言来源类型", "互动来源类型"),
    "messages_path": ("留言文件", "留言记录文件", "互动文件", "互动记录文件"),
    "id": ("编号", "留言编号", "信件编号", "留言id"),
    "received": ("留言时间", "来信时间", "提交时间", "收到时间"),
    "author": ("留言人", "来信人", "昵称", "用户", "作者"),
    "content": ("内容", "留言内容", "来信内容", "评论内容"),
    "reply": ("答复", "回复", "答复内容", "回复内容"),
    "reply_time": ("答复时间", "回复时间"),
    "reply_unit": ("答复单位", "回复单位", "办理单位"),
    "published": ("发布时间", "发布日期", "发表时间", "时间", "日期"),
    "title": ("标题", "文章标题", "正文"),
}


def header_key(text: str) -> str:
    """Normalise a header: no spaces, BOM, required-marks or parenthesised notes; lower case."""
    text = re.sub(r"[（(【\[].*?[）)】\]]", "", text.replace("\ufeff", ""))
    text = re.sub(r"[\s*＊:：]", "", text).lower()
    return text.replace(".", "_").replace("-", "_")


ALIASES: dict[str, str] = {header_key(a): f for f, names in _HEADERS.items() for a in names}
ALIASES.update({f: f for f in (*REGISTRY_FIELDS, *MESSAGE_FIELDS, *POST_FIELDS)})


def canonical_field(header: str, allowed: tuple[str, ...]) -> str | None:
    """Our field name for a header the user wrote, or None when it is not one of ``allowed``."""
    found = ALIASES.get(header_key(header))
    return found if found in allowed else None


def _words(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {header_key(w): value for value, words in table.items() for w in (value, *words)}


LEVEL_WORDS = _words({
    "portal": ("门户", "门户网站", "政府门户", "政府门户网站", "市级门户"),
    "county": ("区县", "县区", "县级", "区县网站", "区县门户", "区县政府门户网站"),
    "department": ("部门", "部门网站", "政府部门网站", "部门门户"),
    "other": ("其他", "其它", "其他网站", "专题网站"),
})
PLATFORM_WORDS = _words({
    "wechat": ("微信", "微信公众号", "公众号", "微信服务号", "微信订阅号", "weixin", "wx"),
    "weibo": ("微博", "新浪微博", "sinaweibo"),
    "douyin": ("抖音", "抖音号"),
    "toutiao": ("头条", "今日头条", "头条号"),
    # Platforms the contract does not name are still government new media: keep them as other.
    "other": ("其他", "其它", "快手", "视频号", "微信视频号", "百家号", "人民号", "客户端", "app"),
})
KIND_WORDS = _words({
    "site": ("sites", "网站", "政府网站", "站点"),
    "account": ("accounts", "新媒体", "政务新媒体", "账号", "帐号"),
})
STATUS_WORDS = _words({
    "active": ("正常", "运营", "运营中", "运行", "在用", "开通", "启用"),
    "closed": ("关停", "已关停", "关闭", "已关闭", "注销", "已注销", "停用", "已停用",
               "整合", "已整合", "合并", "已合并", "并入"),
})
# How an account stopped (stored as written in offices' lists: 关停 / 注销 / 整合).
CLOSED_KINDS: tuple[str, ...] = ("关停", "注销", "整合")
CLOSED_KIND_WORDS = _words({
    "关停": ("closed", "shutdown", "已关停", "关闭", "已关闭", "停用", "已停用"),
    "注销": ("cancelled", "canceled", "已注销"),
    "整合": ("merged", "已整合", "合并", "已合并", "并入"),
})
SOURCE_WORDS = _words({
    "rss": ("atom", "rsshub", "订阅"),
    "weibo": ("微博", "微博接口"),
    "file": ("文件", "导出文件"),
})
BOOL_WORDS: dict[str, bool] = {
    **{w: True for w in ("true", "yes", "y", "1", "是", "有", "√", "✓", "on")},
    **{w: False for w in ("false", "no", "n", "0", "否", "无", "×", "✗", "off")},
}
