"""Charset handling for GBK / GB2312 / GB18030 / UTF-8 pages, declared right, wrong or not at all."""

from __future__ import annotations

import os

import pytest

from govinspect.text import decode_html, looks_binary

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


def test_a_page_mixing_gbk_and_utf8_is_decoded_line_by_line_with_a_problem() -> None:
    from govinspect.text import decode_page

    head = '<html><head><meta charset="gbk"><title>工作动态</title></head><body>\n'
    gbk_part = f"<p>{TEXT * 3}</p>\n".encode("gbk")
    utf8_footer = "<div>主办单位：淮南市人民政府办公室 皖ICP备05001234号</div>\n</body></html>".encode()
    body = head.encode("gbk") + gbk_part + utf8_footer
    text, encoding, problem = decode_page(body, "text/html")
    assert TEXT in text and "主办单位：淮南市人民政府办公室" in text and "\ufffd" not in text
    assert encoding == "gb18030" and problem is not None and "混用" in problem
    clean, _, none = decode_page(page("gbk").encode("gbk"), "text/html")
    assert none is None and TEXT in clean


def test_mixed_and_garbled_pages_become_one_notice_in_a_scan() -> None:
    import asyncio
    from datetime import date

    from aiohttp import web

    from govinspect.checks import Context
    from govinspect.checks.availability import check
    from govinspect.crawl.engine import crawl_site
    from govinspect.model import SiteEntry
    from govinspect.rules import load_rules
    from govinspect.settings import Settings

    from .support import LoopbackServer

    mixed = ('<html><head><meta charset="gbk"><title>工作动态</title></head><body>\n'.encode("gbk")
             + f"<p>{TEXT}</p>\n".encode("gbk") + "<p>版权所有：淮南市人民政府</p>\n</body></html>".encode())

    async def home(request: web.Request) -> web.Response:
        return web.Response(body=page("utf-8").replace("</p>", '</p><a href="/m.html">动态</a>').encode(),
                            content_type="text/html", charset="utf-8")

    async def m(request: web.Request) -> web.Response:
        return web.Response(body=mixed, headers={"Content-Type": "text/html"})

    settings = Settings(per_host=2, delay=0, timeout=3, offline=True, transport_probes=False,
                        search_probe=False, cloak_sample=0, harmful_links=False)
    with LoopbackServer({"/": home, "/m.html": m}) as srv:
        site = SiteEntry(name="某县人民政府", url=srv.url("/"))
        snap = asyncio.run(crawl_site(site, settings, date(2019, 10, 20)))
    found = [f for f in check(snap, Context(as_of=date(2019, 10, 20), rules=load_rules(), site=site))
             if f.evidence.get("error") == "encoding"]
    assert len(found) == 1 and found[0].severity == "notice" and found[0].url.endswith("/m.html")
    assert "混用" in found[0].message and found[0].evidence["count"] == 1
