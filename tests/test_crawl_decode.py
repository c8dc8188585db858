"""Charset handling for GBK / GB2312 / GB18030 / UTF-8 pages, declared right, wrong or not at all."""

from __future__ import annotations

import os

import pytest

from govinspect.crawl.decode import decode_html, looks_binary

TEXT = "淮南市人民政府办公室关于做好2019年国庆节期间值班工作的通知：各县、区人民政府，市政府各部门。"


def page(charset_meta: str | None) -> str:
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={charset_meta}">' if charset_meta else ""
    return f"<html><head>{meta}<title>通知公告</title></head><body><p>{TEXT * 3}</p></body></html>"


@pytest.mark.parametrize(
    ("body_enc", "meta", "header"),
    [
        ("gbk", "gb2312", "text/html"),                  # meta only
        ("gbk", None, "text/html; charset=GBK"),         # header only
        ("gbk", "gb2312", "text/html; charset=utf-8"),   # proxy adds a wrong header
        ("gbk", None, "text/html"),                      # nothing declared
        ("gbk", None, None),                             # no Content-Type at all
        ("gb18030", "gb18030", None),
        ("utf-8", "utf-8", "text/html"),
        ("utf-8", None, None),
        ("utf-8", "gb2312", "text/html"),                # meta lies the other way
    ],
)
def test_decodes_chinese_pages_however_declared(body_enc, meta, header):
    body = page(meta).encode(body_enc)
    text, encoding = decode_html(body, header)
    assert TEXT in text
    assert "\ufffd" not in text
    assert encoding in ("gb18030", "utf-8")


def test_gb2312_is_promoted_to_gb18030_for_rare_characters():
    # 镕 and 喆 are outside GB2312 but in GBK/GB18030; real GB2312-declared pages contain them.
    body = page("gb2312").replace(TEXT, "朱镕基 张喆 " + TEXT).encode("gb18030")
    text, encoding = decode_html(body, "text/html; charset=gb2312")
    assert "朱镕基" in text and "张喆" in text and encoding == "gb18030"


def test_utf8_bom_wins():
    body = "\ufeff".encode() + page("gbk").encode("utf-8")
    text, encoding = decode_html(body, "text/html; charset=gbk")
    assert TEXT in text and encoding == "utf-8"


def test_binary_detection():
    assert looks_binary(os.urandom(4000))
    assert looks_binary(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
    assert looks_binary(b"%PDF-1.4\n...")
    assert not looks_binary(page("utf-8").encode())
    assert not looks_binary(page("gbk").encode("gbk"))
