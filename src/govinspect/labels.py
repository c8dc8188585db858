"""The Chinese labels users read: finding codes, verdicts, severities, categories and error kinds.

Each label lives here and only here; checks, the printer, the circular and the web pages
look them up instead of spelling them again.
"""

from __future__ import annotations

# Every finding code of the contract (section 4) with its Chinese name (检查项).
CODE_LABELS: dict[str, str] = {
    "site.unreachable": "站点无法访问",
    "home.stale": "首页长期未更新",
    "column.stale": "栏目应更未更",
    "column.empty": "空白栏目",
    "column.required_missing": "应设未设栏目",
    "content.future_date": "发布日期晚于检查日期",
    "link.broken": "不可用链接",
    "link.harmful": "链接指向违规网站",
    "content.error_word": "错敏词",
    "security.hijack": "被篡改或挂马暗链",
    "privacy.leak": "泄露个人信息",
    "identity.missing": "网站标识缺失或错误",
    "service.no_guide": "办事事项无办事指南",
    "service.guide_incomplete": "办事指南要素缺失",
    "interaction.unanswered": "留言超期未答复",
    "interaction.reply_incomplete": "未公开答复单位或时间",
    "interaction.no_stats": "未公开留言统计数据",
    "policy.interpretation_weak": "政策解读质量不高",
    "search.missing": "无站内搜索",
    "search.not_found": "站内搜索找不到已发布内容",
    "transport.no_https": "未启用 HTTPS",
    "transport.cert": "证书过期或无效",
    "transport.no_ipv6": "不支持 IPv6",
    "newmedia.stale": "政务新媒体长期未更新",
    "newmedia.unanswered": "互动留言未回复",
    "newmedia.auto_reply": "仅以自动回复应付留言",
    # Not in the contract table: notices about what could not be checked, and early warnings.
    "crawl.incomplete": "未能完成检查",
    "column.due_soon": "栏目即将超期未更新",
    "newmedia.low_frequency": "政务新媒体更新频率过低",
    "newmedia.dormant": "政务新媒体长期不更新(待清理)",
    "newmedia.duplicate": "同一单位同一平台重复开设账号",
    "security.third_party": "第三方脚本与隐藏外链清单",
    # Manual findings: what an inspector sees and no machine can (govinspect findings add).
    "manual.staff_left": "账号管理人员已离职",
    "manual.menu_broken": "菜单或功能无法使用",
    "manual.other": "其他人工发现问题",
}

# A site's verdict: "veto" is a fail by a veto finding, "fail" a fail by score.
VERDICT_LABELS: dict[str, str] = {"pass": "合格", "veto": "单项否决", "fail": "不合格"}
# An account fails only by a veto; a closed account and one that could not be read pass unchecked.
ACCOUNT_VERDICT_LABELS: dict[str, str] = {
    "pass": "合格", "fail": "单项否决", "closed": "已关停", "unchecked": "未能检查",
}
SEVERITY_LABELS: dict[str, str] = {"veto": "否决", "deduct": "扣分", "notice": "提示"}

# Column categories (model.CATEGORIES) as the rules name them.
CATEGORY_LABELS: dict[str, str] = {
    "news": "动态要闻类", "notice": "通知公告类", "policy": "政策文件类",
    "personnel": "人事类", "plan": "规划计划类", "other": "其他",
}

PLATFORM_LABELS: dict[str, str] = {
    "wechat": "微信", "weibo": "微博", "douyin": "抖音", "toutiao": "今日头条", "other": "其他",
}

# Fetch error kinds (model.ErrorKind).
ERROR_LABELS: dict[str, str] = {
    "timeout": "请求超时",
    "dns": "域名无法解析",
    "refused": "连接被拒绝",
    "connection": "连接失败",
    "ssl": "HTTPS 证书或握手错误",
    "too_large": "页面过大",
    "redirect_loop": "重定向循环",
    "too_many_redirects": "重定向次数过多",
    "bad_url": "地址无效",
    "protocol": "服务器响应不符合 HTTP 协议",
    "binary": "返回内容不是网页",
    "decode": "页面无法解码",
    "not_html": "返回内容不是网页",
}

# Transport probe outcomes beyond the fetch error kinds (crawl/probes.py, checks/transport.py).
TRANSPORT_ERROR_LABELS: dict[str, str] = {
    **ERROR_LABELS,
    "handshake": "TLS 握手失败",
    "status": "返回错误状态",
    "redirects_to_http": "重定向回 HTTP",
    "unreachable": "无法到达",
    "local_unreachable": "检查端无 IPv6 网络",
}
CERT_LABELS: dict[str, str] = {
    "expired": "已过期",
    "not_yet_valid": "尚未生效",
    "self_signed": "为自签名证书，浏览器不信任",
    "untrusted": "签发机构不受信任或证书链不完整",
    "hostname_mismatch": "与域名不匹配",
}
# Site search probe outcomes beyond the fetch error kinds (crawl/search.py, checks/sitesearch.py).
SEARCH_ERROR_LABELS: dict[str, str] = {
    **ERROR_LABELS,
    "error_page": "返回错误提示页面",
    "skipped": "前一次检索超时，未再检索",
    "script_results": "检索结果由脚本加载，页面中没有结果",
    "unreadable": "检索结果页面无法读取(空白、框架页或字符编码错乱)",
}


def code_label(code: str) -> str:
    """The Chinese name of a finding code (the code itself when unknown)."""
    return CODE_LABELS.get(code, code)


def describe(status: int | None, error: str | None, detail: str | None = None) -> str:
    """'HTTP 404' or '请求超时' style text for a message."""
    if error:
        label = ERROR_LABELS.get(error, error)
        return f"{label}({detail})" if detail and error in ("too_large", "redirect_loop") else label
    if status is None:
        return "无响应"
    return f"HTTP {status}"
