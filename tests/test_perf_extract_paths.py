"""Fast paths of page extraction give the slow paths' results (issue 13)."""

from __future__ import annotations

import random
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from selectolax.lexbor import LexborHTMLParser

from govinspect import text as text_mod
from govinspect.extract import guides, links, messages, security
from govinspect.extract import html as html_mod
from govinspect.extract.dates import _FULLWIDTH, normalize
from govinspect.extract.html import extract_page
from govinspect.extract.links import UrlResolver, collapse, extract_links, find_blocks
from govinspect.extract.lists import ListResult
from govinspect.model import Page
from govinspect.text import looks_binary

_SAMPLES = [
    "",
    "plain ascii 2019-10-08",
    "关于开展2019年度工作的通知",
    "发布时间：２０１９－１０－０８　来源：【县政府办】〔2019〕12号",
    "ＡＢＣ，ｘｙｚ！？（）\u00a0\u2014\u2013\u2010〖〗",
    "emoji 😀 and 𠀀 beside ：，",
    "\uff01\uff5e\uff5f\uff00\u3001\u3002",  # the table's edges and neighbours outside it
]


def _random_texts(n: int) -> list[str]:
    rng = random.Random(13)
    pool = [chr(cp) for cp in _FULLWIDTH] + list("abc 123-[]通知公告年月日。、\u3002\U00020000")
    return ["".join(rng.choice(pool) for _ in range(rng.randint(0, 80))) for _ in range(n)]


@pytest.mark.parametrize("text", _SAMPLES + _random_texts(200))
def test_normalize_matches_translate(text: str) -> None:
    expected = text.translate(_FULLWIDTH)
    assert normalize(text) == expected
    assert len(normalize(text)) == len(text)


def test_normalize_maps_every_table_character() -> None:
    text = "".join(chr(cp) for cp in _FULLWIDTH)
    assert normalize(text) == text.translate(_FULLWIDTH)
    assert normalize(text).isascii()


# --- guides and message boards: substring pre-tests and the lookahead before the label patterns

_FIXTURES = Path(__file__).parent / "fixtures"
_HTML = sorted(_FIXTURES.rglob("*.htm*"))
_EXTRA = {"basis": ["政策来源"], "phone": ("咨询热线",)}


def _visible_text(path: Path) -> str:
    tree = LexborHTMLParser(path.read_bytes().decode("utf-8", "replace"))
    tree.strip_tags(["script", "style", "noscript", "template"])
    root = tree.body or tree.root
    return collapse(root.text(separator=" ")) if root is not None else ""


_TEXTS = [_visible_text(p) for p in _HTML] + [
    "",
    "设定依据：《某某条例》 申请条件：无 办理地点：政务大厅 联系电话：12345",
    "【申请材料】身份证 【办理时限】5个工作日 版权所有 联系电话：0551-1234567",
    "政策来源：某文件 咨询热线：12345 办理流程：窗口受理",
    "留言时间：2019-10-01 答复单位：县政府办 答复时间：2019-10-05 答复内容：已办理。",
    "关于开展2019年度工作的通知 2019-10-08",
]


def _slow_guide_pattern(extra: Any) -> re.Pattern[str]:
    """The guide label pattern as written before the lookahead was added."""
    owner = guides._pattern(extra)[1]
    alts = "|".join(re.escape(x) for x in sorted(owner, key=len, reverse=True))
    return re.compile(f"{guides._BEFORE}[【\\[]?(?P<label>{alts}){guides._AFTER}")


@pytest.mark.parametrize("extra", [None, _EXTRA])
def test_guide_pattern_lookahead_finds_the_same_labels(extra: Any) -> None:
    fast, slow = guides._pattern(extra)[0], _slow_guide_pattern(extra)
    assert fast.pattern != slow.pattern
    for text in _TEXTS:
        norm = normalize(text)
        assert [m.span() for m in fast.finditer(norm)] == [m.span() for m in slow.finditer(norm)]


@pytest.mark.parametrize("extra", [None, _EXTRA])
def test_guide_pretest_gives_the_full_reading(extra: Any) -> None:
    found = 0
    for text in _TEXTS:
        full = guides._parse(normalize(text), extra)  # the pattern on every page, no pre-test
        fast = guides.parse_guide_text(text, extra)
        assert (fast.fields, fast.labels) == (full.fields, full.labels)
        assert guides._elements_in(normalize(text), extra, 99) >= len(full.labels)
        found += bool(full.labels)
    assert found >= 5  # the sample has guides, not only pages without labels


def test_guide_fields_pretest_on_fixture_pages() -> None:
    found = 0
    for path in _HTML:
        html = path.read_bytes().decode("utf-8", "replace")
        page = Page(url="http://example.gov.cn/a.html", final_url="http://example.gov.cn/a.html", status=200)
        extract_page(page, html, date(2019, 10, 20))
        slow = _guide_fields_without_pretest(LexborHTMLParser(html), page)
        assert page.guide == slow
        found += bool(slow)
    assert found >= 3


def _guide_fields_without_pretest(tree: LexborHTMLParser, page: Page) -> dict[str, str]:
    """guide_fields as it read before the substring pre-test."""
    tree.strip_tags(["script", "style", "noscript", "template"])
    text_guide = guides._parse(normalize(page.text), None)
    if len(text_guide.labels) < 2:
        return {}
    fields = guides._cell_pairs(tree, None, None)
    for element, value in text_guide.fields.items():
        if element not in fields or not guides._present(fields[element]):
            fields[element] = value
    probe = guides.Guide(fields, set(fields) | text_guide.labels)
    return fields if guides.is_guide(probe, page.title) else {}


def test_message_label_lookahead_finds_the_same_labels() -> None:
    pattern, owner = messages._DEFAULT
    alts = "|".join(re.escape(x) for x in sorted(owner, key=len, reverse=True))
    slow = re.compile(rf"(?:^|(?<=[\s、:：;；。|\]】)]))(?P<label>{alts})\s*[:：]?")
    assert pattern.pattern != slow.pattern
    for text in _TEXTS:
        norm = normalize(text)
        assert [m.span() for m in pattern.finditer(norm)] == [m.span() for m in slow.finditer(norm)]


@pytest.mark.parametrize("overrides", [{}, {"received_labels": ["来件时间"]}])
def test_message_cue_pretest_agrees_with_the_regexes(overrides: dict[str, Any]) -> None:
    cued = 0
    for text in _TEXTS + ["来件时间：2019-10-01", "状态：已回复"]:
        norm = normalize(text)
        slow = bool(messages._STATUS.search(norm) or messages._pattern(overrides)[0].search(norm))
        assert messages._has_cue(norm, overrides) == slow
        cued += slow
    assert cued >= 3


# --- URL resolution: the plain-path fast path

_REFS = [
    "/", "/a/b.html", "/a/./b.html", "/a/../b.html", "/a/b/../../c/", "/a:b/c", "/p?x=1&y=2", "//cdn.example.com/x.js",
    "b.html", "sub/b.html", "sub/./b.html", "../b.html", "./b.html", "?page=2", "list.jsp?page=2", ".hidden",
    "a:b", "http://example.gov.cn/x", "javascript:void(0)", "mailto:x@example.gov.cn", "#top", "b.html#x",
    "t20191008_123.html", "/zwgk/index_1.shtml", "a'b(c)*!$.html", "~user/", "/x/y?z=/./",
    "http://example.gov.cn", "https://example.gov.cn:8443/a/../b?c=d", "http://user@host:80/x", "http://a b/",
    "http://[::1]/x", "http://bad host/", "http://host:99999999/", "http:///x", "https://", "HTTP://example.gov.cn/",
]
_BASES = ["http://example.gov.cn/zwgk/tzgg/index.html", "https://www.example.gov.cn/", "http://例子.中国/a/b.html",
          "http://127.0.0.1:8000/a/b/c/"]


@pytest.mark.parametrize("base", _BASES)
def test_resolver_fast_path_matches_the_general_steps(base: str) -> None:
    resolve = UrlResolver(base)
    fast = 0
    for raw in _REFS:
        # A leading space is stripped by the general steps and refused by the fast path's pattern.
        assert resolve(raw) == resolve(" " + raw), raw
        fast += bool(links._PLAIN_REF.match(raw))
    assert fast >= 28


def test_resolver_memo_gives_every_page_its_own_answer() -> None:
    """The references resolved for one page are reused for the other pages of its directory (and,
    site-absolute ones, of its site): "?x" and the standard library's joins, which read the page's
    own path, are never reused, and the memo stays bounded."""
    pages = [base.replace("index.html", name) if "index.html" in base else base + name
             for base in _BASES for name in ("index.html", "list_2.html", "")]
    links._MEMO.clear()
    for _ in range(2):  # the second round answers from the memo
        for page in pages:
            resolve = UrlResolver(page)
            for raw in [*_REFS, "http:?x=1"]:
                assert resolve(raw) == resolve._resolve(raw)[0], (page, raw)
    assert links._MEMO
    assert UrlResolver(pages[0])("?page=2") != UrlResolver(pages[1])("?page=2")
    assert UrlResolver(pages[0])("http:?x=1") != UrlResolver(pages[1])("http:?x=1")
    for n in range(3 * links._MEMO_MAX):
        UrlResolver("http://example.gov.cn/a/")(f"t{n}.html")
    assert len(links._MEMO) <= links._MEMO_MAX


# --- articles: their lists are not read

def _page_fields(page: Page) -> list[tuple[str, Any]]:
    return [(name, getattr(page, name)) for name in Page.__dataclass_fields__]


_ARTICLE_URLS = ["http://example.gov.cn/zwgk/201910/t20191008_123.html",
                 "http://example.gov.cn/art/2019/10/8/art_1_2.html", "http://example.gov.cn/zwgk/list.html"]


@pytest.mark.parametrize("url", _ARTICLE_URLS)
def test_article_skips_the_list_reader_with_the_same_page(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def always_read(anchors: Any, ref: date, page_url: str, home: bool, article: bool) -> Any:
        return html_mod.extract_items(anchors, ref, page_url, all_lists=home)

    read_lists = 0
    for path in _HTML:
        text = path.read_bytes().decode("utf-8", "replace")
        fast = Page(url=url, final_url=url, status=200)
        extract_page(fast, text, date(2019, 10, 20))
        with monkeypatch.context() as m:
            m.setattr(html_mod, "_read_lists", always_read)
            slow = Page(url=url, final_url=url, status=200)
            extract_page(slow, text, date(2019, 10, 20))
            read_lists += bool(html_mod.extract_items(*_anchors_of(text, url), date(2019, 10, 20), url, False).items)
        assert _page_fields(fast) == _page_fields(slow), path.name
    assert read_lists >= 3  # pages whose lists the article path throws away


def _anchors_of(text: str, url: str) -> tuple[Any]:
    tree = LexborHTMLParser(text)
    return (extract_links(tree, UrlResolver(url), find_blocks(tree))[1],)


def test_article_does_not_call_the_list_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(html_mod, "extract_items", lambda *a, **k: calls.append(a[2]) or ListResult())
    expected = []
    for name in ("article.html", "modern_list_ul.html"):
        text = (_FIXTURES / "extract" / name).read_text(encoding="utf-8")
        for url in _ARTICLE_URLS:
            page = Page(url=url, final_url=url, status=200)
            extract_page(page, text, date(2019, 10, 20))
            if not html_mod._is_article(url, page.meta):
                expected.append(url)
    assert calls == expected
    assert 0 < len(calls) < 2 * len(_ARTICLE_URLS)


# --- service item titles and binary bodies

def test_item_title_lookahead_finds_the_same_words() -> None:
    plain = re.compile(guides._ITEM_WORDS)
    first = set(guides.ITEM_TITLE.pattern[4 : guides.ITEM_TITLE.pattern.index("]")])
    for word in guides._ITEM_WORDS.split("|"):
        assert (word[0] if word[0] != "[" else word[1]) in first, word
    samples = _TEXTS + ["居民身份证", "营业执照", "个体工商户设立登记办理指南", "出生医学证明补办、换发"]
    found = 0
    anywhere = re.compile(guides._ITEM_WORDS.removesuffix("|[证照]$"))  # the words _item_titles_at_most counts
    for text in samples:
        assert guides.ITEM_TITLE.findall(text) == plain.findall(text)
        assert guides._ITEM_WORD.findall(text) == anywhere.findall(text)
        found += len(plain.findall(text))
    assert found >= 6


def _random_bodies(n: int) -> list[bytes]:
    rng = random.Random(7)
    out = [b"", b"<html>\x00</html>", b"%PDF-1.4", bytes(range(256)) * 20]
    for _ in range(n):
        share = rng.choice([0.0, 0.01, 0.05, 0.2])
        out.append(bytes(rng.randrange(32) if rng.random() < share else rng.randrange(32, 256)
                         for _ in range(rng.randint(1, 6000))))
    return out


def test_looks_binary_counts_control_bytes_like_the_regex() -> None:
    verdicts = set()
    for body in _random_bodies(60):
        sample = body[:4096]
        slow = bool(sample) and (sample.startswith((b"\x89PNG", b"%PDF")) or
                                 len(text_mod._BINARY_CTRL.findall(sample)) > len(sample) * 0.05)
        assert looks_binary(body) == slow
        verdicts.add(slow)
    assert verdicts == {True, False}


def test_pub_label_lookaheads_find_the_same_labels() -> None:
    samples = _TEXTS + ["时间：2019-10-08", "发布时间：2019-10-08 日期: 2019-10-09 来源：本站", "更新日期：x 时间 ：y"]
    found = 0
    for _, pattern in html_mod._PUB_LABELS:
        plain = re.compile(re.sub(r"^\(\?=\[?[^)]*\]?\)", "", pattern.pattern))
        for text in samples:
            assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in plain.finditer(text)]
            found += len(plain.findall(text))
    assert found >= 6


# --- security signals: one query for the four selectors

_MIXED = """<html><head><script>var a=1;</script><style>.x{display:none}</style><meta http-equiv="refresh"
content="5;url=/a.html"><script src="/s.js"></script></head><body onload="go()"><div style="display:none"
hidden onclick="x()"><iframe src="/f.html" width="1"></iframe><p hidden style="font-size:0"><a href="/h">h</a></p>
</div><marquee height="1"><a href="/m">m</a></marquee><span hidden>s</span><img src="/i.png" onerror="y()">
<script>document.write('<a href=/w>w</a>')</script></body></html>"""


def _four_queries(tree: LexborHTMLParser) -> list[int]:
    """The elements as the four queries found them one after the other, each once."""
    out: list[int] = []
    for selector in security._SELECTORS:
        out += [n.mem_id for n in tree.css(selector) if n.mem_id not in out]
    return out


@pytest.mark.parametrize("html", [_MIXED] + [p.read_bytes().decode("utf-8", "replace") for p in _HTML])
def test_security_candidates_in_the_four_queries_order(html: str) -> None:
    tree = LexborHTMLParser(html)
    assert [n.mem_id for n, _, _ in security._candidates(tree)] == _four_queries(tree)


def test_security_candidates_reorder_a_mixed_page() -> None:
    tree = LexborHTMLParser(_MIXED)
    tags = [tag for _, tag, _ in security._candidates(tree)]
    assert tags[:5] == ["script", "style", "meta", "script", "iframe"]
    assert tags.index("div") < tags.index("span") < tags.index("body")  # [style], [hidden], then handlers


def _blocks_without_dedupe(tree: LexborHTMLParser) -> tuple[set[int], set[int]]:
    """find_blocks as it read before elements matched by several selectors were read once."""
    nav: set[int] = set()
    excluded: set[int] = set()
    for node in tree.css(links._BLOCK_SELECTOR):
        kind = links._kind(node)
        if kind is None:
            continue
        ids = {n.mem_id for n in node.css(links.LINK_SELECTOR)}
        if kind in ("nav", "weak_nav"):
            nav |= ids
        if kind in ("nav", "footer", "friend"):
            excluded |= ids
    return nav, excluded


_BLOCKY = """<html><body><header><a href="/h">h</a></header><div class="nav menu navbar"><a href="/n">n</a>
<div id="footer" class="copyright"><a href="/c">c</a></div></div><ul class="column-list"><li><a href="/l">l</a></li>
</ul><div class="lanmu"><a href="/w">w</a></div><div class="yqlj friendlink"><a href="/f">f</a></div></body></html>"""


@pytest.mark.parametrize("html", [_BLOCKY] + [p.read_bytes().decode("utf-8", "replace") for p in _HTML])
def test_find_blocks_reads_each_block_once_with_the_same_sets(html: str) -> None:
    tree = LexborHTMLParser(html)
    blocks = find_blocks(tree)
    assert (blocks.nav, blocks.excluded) == _blocks_without_dedupe(tree)


def test_find_blocks_on_a_page_with_nested_and_repeated_blocks() -> None:
    blocks = find_blocks(LexborHTMLParser(_BLOCKY))
    assert len(blocks.nav) == 4 and len(blocks.excluded) == 4  # header, nav (and its footer), lanmu / friend


@pytest.mark.parametrize("html", [
    '<a href="/x"><span><img src="a"></span><img alt="" src="b"><img alt="c"></a><img alt="after">',
    '<a href="/x"><img alt="logo"></a>', '<a href="/x"></a><img alt="next">', '<a href="/x"><b><IMG ALT="深">x</b></a>',
] + [p.read_bytes().decode("utf-8", "replace") for p in _HTML])
def test_first_img_with_alt_is_the_selectors_answer(html: str) -> None:
    for a in LexborHTMLParser(html).css("a"):
        walked, selected = links._first_img_with_alt(a), a.css_first("img[alt]")
        assert (walked.mem_id if walked else None) == (selected.mem_id if selected else None)


def _utf8_lines_counting_first(body: bytes) -> bool:
    """text._utf8_lines as it read before: count the UTF-8-like sequences, then decode."""
    for line in body.split(b"\n"):
        if len(text_mod._CJK_UTF8.findall(line)) >= 2:
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                continue
            return True
    return False


def test_utf8_lines_decoding_first_gives_the_same_answer() -> None:
    gb = "<p>关于开展工作的通知</p>\n<p>发布时间：2019年10月8日</p>".encode("gb18030")
    utf8 = "<div>版权所有：某某县人民政府</div>".encode()
    one_char = "<b>县</b>".encode()
    bodies = [b"", b"ascii\nonly", gb, gb + b"\n" + utf8, gb + b"\n" + one_char, utf8 + b"\xff", *_random_bodies(30)]
    answers = [text_mod._utf8_lines(body) for body in bodies]
    assert answers == [_utf8_lines_counting_first(body) for body in bodies]
    assert answers[2:5] == [False, True, False]


def test_every_action_button_text_holds_an_action_character() -> None:
    """_button_rows skips a link whose text holds none of guides._ACTION_CHARS: no action is lost."""
    rnd = random.Random(13)
    pieces = ["查看", "办事", "服务", "办理", "指南", "详情", "在线", "网上", "立即", "马上", "我要", "去", "申办",
              "申报", "申请", "预约", "办", "首页", "政务", "公开", " ", "\u3000", "\n", "》", "更多"]
    checked = 0
    for _ in range(20000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 4)))
        if guides._role(collapse(text)) in ("guide", "online"):
            checked += 1
            assert guides._ACTION_CHARS.search(text), text
    assert checked > 500


def test_button_rows_are_the_same_without_the_character_test(monkeypatch: pytest.MonkeyPatch) -> None:
    resolve = UrlResolver("http://example.gov.cn/bsfw/")
    pages = [p.read_bytes().decode("utf-8", "replace") for p in _HTML] + [
        "<ul>" + "".join(f"<li><span>城乡居民养老保险待遇申领{n}</span><a href='/g/{n}.html'>办事 指南</a>"
                         f"<a href='/o/{n}.html'>在线办理</a></li>" for n in range(3)) + "</ul>"]
    fast = [guides._button_rows(LexborHTMLParser(h), resolve, set()) for h in pages]
    monkeypatch.setattr(guides, "_ACTION_CHARS", re.compile(""))  # matches every text: the old scan
    slow = [guides._button_rows(LexborHTMLParser(h), resolve, set()) for h in pages]
    assert fast == slow
    assert sum(map(len, fast)) >= 3


_ENTRIES = [
    "营业执照核发", "居民身份证", "建设工程规划许可证", "出生医学证明补办", "个体工商户设立登记", "食品经营许可",
    "首页", "政务公开", "新闻动态", "办事服务", "互动交流", "关于开展2019年度工作的通知",
    "办<span>理</span>结果公示", "申 请 表下载", "道路运输经营许可证<b>（延续）</b>", "驾驶证", "照片", "证",
    "《关于印发某某办法的通知》政策解读及相关问答材料汇编，供办事群众参考使用，请认真阅读并按要求准备材料",
]


def _random_lists(n: int) -> list[str]:
    """Pages of ul/ol lists of service-like and menu-like entries, linked or not, some nested."""
    rng = random.Random(29)
    pages = []
    for _ in range(n):
        lists = []
        for _ in range(rng.randint(1, 4)):
            items = []
            for _ in range(rng.randint(1, 9)):
                entry = rng.choice(_ENTRIES)
                if rng.random() < 0.5:
                    entry = f'<a href="/item/{rng.randrange(99)}.html">{entry}</a>'
                if rng.random() < 0.15:
                    entry += f"<ul><li>{rng.choice(_ENTRIES)}</li><li>{rng.choice(_ENTRIES)}</li></ul>"
                items.append(f"<li>{entry}</li>" if rng.random() < 0.95 else f"<p>{entry}</p>")
            tag = rng.choice(["ul", "ol"])
            lists.append(f"<{tag}>{''.join(items)}</{tag}>")
        pages.append(f"<html><body><div class=\"list\">{''.join(lists)}</div></body></html>")
    return pages


def test_the_item_title_bound_never_skips_a_list_its_entries_would_keep(monkeypatch: pytest.MonkeyPatch) -> None:
    """``_list_rows`` skips a list whose text bounds its item entries below the share it asks for;
    reading every entry (the bound switched off) gives the same rows, and the bound is never below
    the entries ITEM_TITLE finds."""
    pages = [p.read_bytes().decode("utf-8", "replace") for p in _HTML] + _random_lists(400)
    resolve = UrlResolver("http://example.gov.cn/bszn/index.html")
    kept = skipped = 0
    for html in pages:
        tree = LexborHTMLParser(html)
        for ul in tree.css("ul, ol"):
            names = [collapse(li.text(separator=" "))[:80] for li in ul.iter() if li.tag == "li"]
            titled = sum(bool(guides.ITEM_TITLE.search(n)) and len(n) <= 60 for n in names)
            bound = guides._item_titles_at_most(ul.text(separator=" "))
            assert bound >= titled, names
            skipped += len(names) >= 3 and bound * 5 < len(names) * 3
        fast = guides._list_rows(tree, resolve, set())
        with monkeypatch.context() as m:
            m.setattr(guides, "_item_titles_at_most", lambda text: 10**9)
            slow = guides._list_rows(LexborHTMLParser(html), resolve, set())
        assert fast == slow
        kept += len(slow)
    assert kept >= 50 and skipped >= 50  # the sample has item lists and menus the bound skips
