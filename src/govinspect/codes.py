"""Every finding code of the contract (section 4) with its Chinese name (检查项)."""

from __future__ import annotations

CODES: dict[str, str] = {
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
}


def label(code: str) -> str:
    """The Chinese name of a finding code (the code itself when unknown)."""
    return CODES.get(code, code)
