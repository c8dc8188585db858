"""The SSRF guard of site URLs registered through the dashboard: the function and the forms."""

from __future__ import annotations

import socket

import pytest

from govinspect.store.registry import registered
from govinspect.web.ssrf import UnsafeURL, check_site_url, is_public, literal_ip

PUBLIC = "93.184.216.34"


def resolver(*addresses: str):
    """A getaddrinfo stand-in answering ``addresses`` for any name (tests never use real DNS)."""

    def resolve(host, port, family=0, type=0, *rest):
        return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
                for a in addresses]

    return resolve


def refused(url: str, **kw) -> str:
    with pytest.raises(UnsafeURL) as caught:
        check_site_url(url, block_private=True, **kw)
    assert caught.value.status == 400 and "\n" not in caught.value.message
    return caught.value.message


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/", "http://127.0.0.1:8080/admin", "http://2130706433/", "http://0x7f.1/",
    "http://0x7f000001/", "http://0177.0.0.1/", "http://127.1/", "http://0/", "http://0.0.0.0/",
    "http://[::1]/", "http://[::]/", "http://[::ffff:127.0.0.1]/", "http://[::ffff:7f00:1]/",
    "http://[::ffff:10.0.0.1]/", "http://10.1.2.3/", "http://172.16.0.1/", "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/", "http://[fc00::1]/",
    "http://100.64.0.1/", "http://224.0.0.1/", "http://240.0.0.1/", "http://255.255.255.255/",
    "http://[64:ff9b::a00:1]/", "http://[2002:c0a8:101::]/", "http://[ff02::1]/",
])
def test_literal_addresses_inside_the_network_are_refused(url):
    assert "SSRF" in refused(url, resolve=resolver(PUBLIC))


@pytest.mark.parametrize("url", ["http://localhost/", "http://LOCALHOST:8000/", "http://localhost./",
                                 "http://admin.localhost/", "http://ip6-localhost/"])
def test_local_names_are_refused_without_resolving(url):
    assert "本机" in refused(url, resolve=resolver(PUBLIC))


@pytest.mark.parametrize("addresses", [("127.0.0.1",), (PUBLIC, "10.0.0.5"), ("::1",), ("::ffff:192.168.0.1",),
                                       ("169.254.10.10",)])
def test_a_name_resolving_to_any_inner_address_is_refused(addresses):
    message = refused("https://www.example.gov.cn/", resolve=resolver(*addresses))
    assert "www.example.gov.cn 解析到" in message


def test_public_names_and_addresses_pass():
    ok = resolver(PUBLIC, "2606:2800:220:1:248:1893:25c8:1946")
    assert check_site_url(" https://www.gov.cn/ ", resolve=ok) == "https://www.gov.cn/"
    assert check_site_url("http://8.8.8.8/", resolve=resolver("127.0.0.1")) == "http://8.8.8.8/"  # no lookup
    assert check_site_url("http://[2001:4860:4860::8888]/", resolve=ok) == "http://[2001:4860:4860::8888]/"


def test_unresolvable_and_malformed_urls():
    def fails(*a):
        raise socket.gaierror(-2, "Name or service not known")

    assert "无法解析" in refused("http://no-such-host.invalid/", resolve=fails)
    assert "无法解析" in refused("http://empty.example/", resolve=resolver())
    for url, text in (("ftp://www.gov.cn/", "http://"), ("javascript:alert(1)", "http://"), ("http:///x", "主机名"),
                      ("http://a:b@www.gov.cn/", "用户名"), ("http://[::1/", "格式错误"),
                      ("http://www.gov.cn:99999/", "格式错误")):
        with pytest.raises(UnsafeURL) as caught:
            check_site_url(url, block_private=False)
        assert text in caught.value.message, (url, caught.value.message)


def test_off_allows_loopback_for_the_cli_and_tests():
    assert check_site_url("http://127.0.0.1:8080/", block_private=False) == "http://127.0.0.1:8080/"


def test_helpers():
    assert str(literal_ip("0x7f.0.0.1")) == "127.0.0.1" and str(literal_ip("017700000001")) == "127.0.0.1"
    assert literal_ip("www.gov.cn") is None and literal_ip("cafe") is None
    import ipaddress
    assert is_public(ipaddress.ip_address("8.8.8.8"))
    assert not is_public(ipaddress.ip_address("::ffff:127.0.0.1"))


def test_the_add_site_form_and_the_import_apply_the_guard(web):
    web.ctx.block_private = True
    admin = web.client("admin")
    before = [s.url for s in registered(web.store, include_archived=True).sites]
    for url in ("http://127.0.0.1:8000/", "http://2130706433/", "http://0x7f.1/", "http://[::ffff:127.0.0.1]/",
                "http://localhost/", "http://169.254.169.254/"):
        r = admin.form("/registry/sites", {"name": "内网", "url": url, "level": "other"})
        assert r.status_code == 400, (url, r.status_code)
        assert "不允许登记" in r.text
    csv = "网站名称,网址\n外网,http://8.8.8.8/\n内网,http://10.0.0.1/\n"
    r = admin.post("/registry/import", data={"csrf_token": admin.csrf},
                   files={"file": ("名单.csv", csv.encode(), "text/csv")})
    assert r.status_code == 400 and "名单.csv 第3行 字段 url: " in r.text and "govinspect-upload" not in r.text and "10.0.0.1" in r.text
    assert [s.url for s in registered(web.store, include_archived=True).sites] == before
    r = admin.form("/registry/sites", {"name": "外网", "url": "http://8.8.8.8/", "level": "other"})
    assert r.status_code == 201
