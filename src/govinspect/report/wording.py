"""The circular's own wording: finding codes grouped under the problem names real circulars use.

``PROBLEM_LABELS`` maps every finding code to the name of its problem kind in 二、主要问题;
``COUNTED`` says how one site's problems of a code are counted in 附件1's 问题描述
("3个空白栏目", "1个链接无法访问"); ``count_phrase`` builds one such phrase.
"""

from __future__ import annotations

from ..labels import CODE_LABELS

PROBLEM_LABELS: dict[str, str] = {
    "site.unreachable": "网站无法访问",
    "home.stale": "首页长期未更新",
    "column.stale": "应更未更",
    "column.empty": "空白栏目",
    "column.required_missing": "应设未设栏目",
    "content.future_date": "发布日期错误",
    "link.broken": "链接无法访问",
    "link.harmful": "链接指向违规网站",
    "content.error_word": "错敏词",
    "security.hijack": "暗链/被篡改",
    "privacy.leak": "泄露个人信息",
    "identity.missing": "网站标识缺失或错误",
    "service.no_guide": "办事事项无办事指南",
    "service.guide_incomplete": "办事指南要素缺失或表述含糊",
    "interaction.unanswered": "留言未回复",
    "interaction.reply_incomplete": "未公开答复单位和时间",
    "interaction.no_stats": "未公开留言统计数据",
    "policy.interpretation_weak": "政策解读质量不高",
    "search.missing": "无站内搜索",
    "search.not_found": "站内搜索找不到已发布内容",
    "transport.no_https": "未启用HTTPS",
    "transport.cert": "证书过期或无效",
    "transport.no_ipv6": "不支持IPv6",
    "newmedia.stale": "应更未更",
    "newmedia.unanswered": "留言未回复",
    "newmedia.auto_reply": "仅以自动回复应付",
    "crawl.incomplete": "未能完成检查",
    "column.due_soon": "栏目即将超期未更新",
    "newmedia.low_frequency": "更新频率过低",
    "newmedia.dormant": "长期不更新(待清理)",
    "newmedia.duplicate": "同一单位同一平台重复开设账号",
    "security.third_party": "第三方脚本与隐藏外链",
    "manual.staff_left": "账号管理人员已离职",
    "manual.menu_broken": "菜单或功能无法使用",
    "manual.other": "其他问题",
}

# How one subject's findings of a code read with their count; "{n}" is the count.
COUNTED: dict[str, str] = {
    "site.unreachable": "网站无法访问",
    "home.stale": "首页长期未更新",
    "column.stale": "{n}个栏目应更未更",
    "column.empty": "{n}个空白栏目",
    "column.required_missing": "{n}个应设未设栏目",
    "content.future_date": "{n}处发布日期错误",
    "link.broken": "{n}个链接无法访问",
    "link.harmful": "{n}个链接指向违规网站",
    "content.error_word": "{n}处错敏词",
    "security.hijack": "{n}处暗链或被篡改",
    "privacy.leak": "{n}处泄露个人信息",
    "identity.missing": "网站标识缺失或错误",
    "service.no_guide": "{n}个办事事项无办事指南",
    "service.guide_incomplete": "{n}个办事指南要素缺失或表述含糊",
    "interaction.unanswered": "{n}条留言未回复",
    "interaction.reply_incomplete": "{n}条答复未公开答复单位和时间",
    "interaction.no_stats": "未公开留言统计数据",
    "policy.interpretation_weak": "{n}篇政策解读质量不高",
    "search.missing": "无站内搜索",
    "search.not_found": "站内搜索找不到{n}篇已发布内容",
    "transport.no_https": "未启用HTTPS",
    "transport.cert": "证书过期或无效",
    "transport.no_ipv6": "不支持IPv6",
    "newmedia.stale": "应更未更",
    "newmedia.unanswered": "{n}条留言未回复",
    "newmedia.auto_reply": "{n}条留言仅以自动回复应付",
}

SEVERITY_ORDER = {"veto": 0, "deduct": 1, "notice": 2}
SEVERITY_LABELS = {"veto": "单项否决", "deduct": "扣分", "notice": "提示"}

PLATFORM_COLUMNS: dict[str, str] = {
    "wechat": "微信公众号", "weibo": "新浪微博", "douyin": "抖音号", "toutiao": "今日头条号", "other": "其他平台",
}
FIXED_PLATFORMS = ("wechat", "weibo")


def problem_label(code: str) -> str:
    """The circular's name for the problem kind of a code."""
    return PROBLEM_LABELS.get(code) or CODE_LABELS.get(code, code)


def count_phrase(code: str, n: int) -> str:
    """One subject's ``n`` findings of ``code`` as a short phrase, e.g. "3个空白栏目"."""
    template = COUNTED.get(code)
    if template is None:
        return f"{problem_label(code)}{n}处" if n > 1 else problem_label(code)
    return template.format(n=n)
