"""normalize_url's fast path for plain URLs gives exactly w3lib's canonical form (the slow path)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from govinspect.urls import _canonical, _plain, normalize_url

HOSTS = st.sampled_from(["www.gov.cn", "WWW.FengTai.gov.cn", "127.0.0.1", "a-b.example.org", "xn--fiq228c.cn",
                         "host.", ".host", "a..b", "例子.中国", "h_o.cn", "HOST"])
PORTS = st.sampled_from(["", ":80", ":443", ":8080", ":080", ":0", ":65535", ":65536", ":99999", ":", ":8a"])
# Half the parts from the plain alphabet (the fast path's), half with what needs encoding.
SEGMENT = st.one_of(st.text(alphabet="abcXYZ019._~-", max_size=12),
                    st.text(alphabet="abcXYZ019._~-%/!$&'()*+,;=:@ 中?#", max_size=12))
WORD = st.one_of(st.text(alphabet="abkZ9._~-", max_size=4), st.text(alphabet="abkZ9._~-%+=/ 中", max_size=4))
QUERY = st.lists(st.tuples(WORD, WORD), max_size=4)


@st.composite
def urls(draw: st.DrawFn) -> str:
    scheme = draw(st.sampled_from(["http", "https", "HTTP", "ftp"]))
    path = draw(st.lists(SEGMENT, max_size=4).map(lambda xs: "".join("/" + x for x in xs)))
    pairs = draw(QUERY)
    if draw(st.booleans()):
        pairs.sort()
    query = "&".join(f"{k}={v}" for k, v in pairs)
    return f"{scheme}://{draw(HOSTS)}{draw(PORTS)}{path}" + (f"?{query}" if pairs else "")


@settings(max_examples=2000, deadline=None)
@given(urls())
def test_the_fast_path_is_the_canonical_form(url: str) -> None:
    fast = _plain(url)
    if fast is not None:
        assert fast == _canonical(url), url


PLAIN = [
    "http://127.0.0.1:18080/xwzx/gzdt/201910/t20191018_1.html",
    "http://WWW.FT.GOV.CN:80",
    "https://www.ft.gov.cn:443/zwgk/",
    "https://www.ft.gov.cn:8443/a//b/~x/index.html",
    "http://www.ft.gov.cn/module/download/downfile.jsp?classid=0&filename=a.pdf",
    "http://www.ft.gov.cn/col/col1/index.html?pageNum=2&uid=9",
    "http://www.ft.gov.cn/search?q=",
    "http://www.ft.gov.cn/col/index.html?uid=9&pageNum=2",  # Hanweb's order: sorted here as by w3lib
    "http://www.ft.gov.cn/col/index.html?b=1&a=2&a=1&B=0",
]
NOT_PLAIN = [  # left to w3lib: each needs encoding, sorting, dot segments or a fragment removed
    "http://www.ft.gov.cn:080/",
    "http://www.ft.gov.cn/a/./b.html",
    "http://www.ft.gov.cn/a/../b.html",
    "http://www.ft.gov.cn/政务公开/",
    "http://www.ft.gov.cn/a b.html",
    "http://www.ft.gov.cn/a.html#top",
    "http://www.ft.gov.cn/a%2Fb.html",
    "HTTP://www.ft.gov.cn/",
    "http://www.ft.gov.cn:99999/",
]


def test_known_urls() -> None:
    for url in PLAIN:
        assert _plain(url) is not None and _plain(url) == _canonical(url), url
    for url in NOT_PLAIN:
        assert _plain(url) is None, url
    assert normalize_url("http://WWW.FT.GOV.CN:80") == "http://www.ft.gov.cn/"
    assert normalize_url("http://www.ft.gov.cn/col/index.html?uid=9&pageNum=2") == \
        "http://www.ft.gov.cn/col/index.html?pageNum=2&uid=9"
    assert normalize_url("ftp://www.ft.gov.cn/") is None and normalize_url("  ") is None
