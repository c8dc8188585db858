"""Chinese wording of fetch outcomes, for findings read by site staff."""

from __future__ import annotations

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


def describe(status: int | None, error: str | None, detail: str | None = None) -> str:
    """'HTTP 404' or '请求超时' style text for a message."""
    if error:
        label = ERROR_LABELS.get(error, error)
        return f"{label}({detail})" if detail and error in ("too_large", "redirect_loop") else label
    if status is None:
        return "无响应"
    return f"HTTP {status}"
