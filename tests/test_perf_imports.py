"""Start-up cost: what every crawl process and parse worker imports, and what waits for its first use.

Each process of a run (the crawl, its parse workers, a Celery task) imports the crawl path; a
heavy module imported there costs every process its memory (issue 13: links-mode RSS).
"""

from __future__ import annotations

import json
import subprocess
import sys

# Imported by the first page or probe that needs them, never by the crawl path itself.
LAZY = ("charset_normalizer", "cryptography")

PROBE = r"""
import json, sys
import govinspect.cli, govinspect.crawl.parse, govinspect.crawl.engine
from govinspect.text import decode_page
loaded = {m: m in sys.modules for m in %r}
text, enc, _ = decode_page('<html><head><meta charset="gbk"></head><body>政府网站</body></html>'.encode("gbk"), None)
after_declared = {m: m in sys.modules for m in %r}
text2, enc2, _ = decode_page("<html><body>没有声明编码的政务公开页面，内容为简体中文。</body></html>".encode("gb18030"), None)
print(json.dumps([loaded, after_declared, enc, "charset_normalizer" in sys.modules, text2[-20:]]))
"""


def test_the_crawl_path_leaves_the_fallback_detectors_unimported():
    out = subprocess.run([sys.executable, "-c", PROBE % (LAZY, LAZY)], capture_output=True, text=True,
                         timeout=120, check=True).stdout
    loaded, after_declared, enc, detector, tail = json.loads(out)
    assert loaded == {m: False for m in LAZY}
    assert after_declared == {m: False for m in LAZY}  # a declared charset needs no detector
    assert enc == "gb18030"
    # A page that declares nothing and is not UTF-8 loads the detector and decodes right.
    assert detector and "简体中文" in tail


XLSX_PROBE = r"""
import io, json, sys
from govinspect.extract.attachments import attachment_text
before = "numpy" in sys.modules or "lxml" in sys.modules
text = attachment_text(open(sys.argv[1], "rb").read(), "名单.xlsx")
import lxml.etree  # still importable afterwards, for whoever needs it
print(json.dumps([before, "numpy" in sys.modules, "openpyxl" in sys.modules, text,
                  "lxml.etree" in sys.modules, sys.modules["openpyxl"].xml.LXML]))
"""


def test_reading_an_xlsx_leaves_numpy_and_lxml_unimported(tmp_path):
    """openpyxl imports numpy (~20 MB) and lxml (~4 MB) when installed; reading needs neither."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "联系电话", "身份证号"])
    ws.append(["张三", 13812345678, "110101199003077777"])
    path = tmp_path / "名单.xlsx"
    wb.save(path)
    out = subprocess.run([sys.executable, "-c", XLSX_PROBE, str(path)], capture_output=True, text=True,
                         timeout=120, check=True).stdout
    before, numpy_after, openpyxl_after, text, lxml_later, openpyxl_lxml = json.loads(out)
    assert not before and not numpy_after and openpyxl_after
    assert lxml_later and openpyxl_lxml is False  # openpyxl parsed with ElementTree; lxml not blocked after
    assert text.splitlines()[:2] == ["姓名\t联系电话\t身份证号", "张三\t13812345678\t110101199003077777"]


WORKER_PROBE = r"""
import json, sys
from datetime import date
from govinspect.crawl.child import prepare
parse_remote = prepare()["parse"]
from govinspect.extract.plan import parts_for
page = '''<html><head><meta charset="utf-8"><title>某某区人民政府</title>
<script>var _0x1a2b=['\x68\x74\x74\x70'];eval(_0x1a2b[0]);</script></head><body>
<div style="display:none"><a href="http://bet.example.com/">澳门博彩</a></div>
<form action="/search"><input name="q"></form>
<ul><li><a href="/art/2019/10/8/art_1_2.html">关于开展政务公开工作的通知</a><span>2019-10-08</span></li></ul>
<p>办事指南 事项名称 受理条件 联系电话 0554-1234567</p></body></html>'''.encode()
head = ("http://127.0.0.1:9/", "http://127.0.0.1:9/", 0, 200, 5, "text/html")
for parts in (parts_for(["availability", "links"]), None):
    parse_remote(head, page, "text/html; charset=utf-8", date(2019, 10, 20), None, parts, True)
print(json.dumps({m: m in sys.modules for m in %r}))
"""
HEAVY_FOR_A_WORKER = ("asyncio", "aiohttp", "pydantic", "govinspect.checks.base", "govinspect.rules",
                      "govinspect.extract.jsbox", "subprocess", "ssl", "http.client", "email.parser",
                      "sqlite3")  # a worker encodes pages (pagerows.py); only its checks open a snapshot


def test_a_parse_worker_imports_no_event_loop_http_client_sandbox_or_rules():
    """A worker parses pages (links-only and in full, the home page with scripts and hidden links)
    without the crawl process's machinery: each of these cost it memory (issue 13)."""
    from govinspect.crawl.child import boot_command

    cmd = boot_command()
    assert cmd[1] == "-S"  # no site module: the .pth files of site-packages may import anything
    out = subprocess.run([*cmd[:2], "-c", cmd[3].split("; from govinspect")[0] + "\n" + WORKER_PROBE % (HEAVY_FOR_A_WORKER,)],
                         capture_output=True, text=True, timeout=120, check=True).stdout
    assert json.loads(out) == {m: False for m in HEAVY_FOR_A_WORKER}


STAND_IN_PROBE = r"""
import json, sys
from govinspect.crawl.child import prepare
prepare()
import w3lib.url
held = "urllib.request" in sys.modules
from w3lib.url import pathname2url  # what w3lib took from the stand-in still works
path = pathname2url("/公开/a b.html")
import urllib.request  # the real module, for whoever asks later
print(json.dumps([held, path, urllib.request.pathname2url("/公开/a b.html"), callable(urllib.request.urlopen),
                  sys.modules["urllib.request"].__file__ is not None]))
"""


def test_a_worker_imports_w3lib_url_without_the_url_opener():
    """w3lib.url imports urllib.request (ssl, http.client, email: 11 MB of a worker) for one
    function; a worker imports it without, and ``urllib.request`` stays importable and real."""
    from govinspect.crawl.child import boot_command

    cmd = boot_command()
    out = subprocess.run([*cmd[:2], "-c", cmd[3].split("; from govinspect")[0] + "\n" + STAND_IN_PROBE],
                         capture_output=True, text=True, timeout=120, check=True).stdout
    held, path, real, opener, real_file = json.loads(out)
    assert not held
    assert path == real == "/%E5%85%AC%E5%BC%80/a%20b.html"
    assert opener and real_file


def test_validating_a_few_check_names_imports_only_those_checks():
    probe = r"""
import json, pkgutil, sys
from govinspect.cli import _check_names
names = _check_names("availability,links")
loaded = sorted(m for m in sys.modules if m.startswith("govinspect.checks."))
from govinspect.checks.base import is_check, known_checks
import govinspect.checks as package
agree = all(is_check(i.name) == (i.name in known_checks()) for i in pkgutil.iter_modules(package.__path__))
print(json.dumps([names, loaded, agree, [is_check(n) for n in ("base", "spam", "nope", "../links", "", "os")]]))
"""
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True).stdout
    names, loaded, agree, odd = json.loads(out)
    assert names == ["availability", "links"]
    assert "govinspect.checks.wording" not in loaded and "govinspect.checks.hijack" not in loaded
    assert agree and odd == [False] * 6


LINKS_ONLY_PROBE = r"""
import json, sys
from datetime import date
from govinspect.crawl.child import prepare
parse = prepare()["parse"]  # first, as in a worker (w3lib's stand-in: crawl/child.py)
from govinspect.extract.plan import parts_for
page = '''<html><head><meta charset="utf-8"><title>通知公告</title></head><body>
<ul><li><a href="/art/2019/10/8/art_1_2.html">关于开展政务公开工作的通知</a><span>2019-10-08</span></li></ul>
<a href="/col/col2/index_2.html">下一页</a></body></html>'''.encode()
head = ("http://127.0.0.1:9/col/col2/index.html", "http://127.0.0.1:9/col/col2/index.html", 1, 200, 5, "text/html")
parsed = parse(head, page, "text/html", date(2019, 10, 20), None, parts_for(["availability", "links"]), True)
before = "yaml" in sys.modules
resources = [m for m in ("importlib.resources", "tempfile") if m in sys.modules]
from govinspect.yamlio import SafeLoader, safe_load
from govinspect.extract.columns import is_known_column
print(json.dumps([before, resources, len(parsed.routes), safe_load("a: [1, 2]"), SafeLoader.__name__,
                  is_known_column("通知公告")]))
"""


def test_a_links_only_worker_reads_no_yaml():
    from govinspect.crawl.child import boot_command

    cmd = boot_command()
    out = subprocess.run([*cmd[:2], "-c", cmd[3].split("; from govinspect")[0] + "\n" + LINKS_ONLY_PROBE],
                         capture_output=True, text=True, timeout=120, check=True).stdout
    before, resources, routes, data, loader, known = json.loads(out)
    assert before is False and routes == 2
    assert resources == []  # the column-name table (and importlib.resources) loads when first used
    assert known is True
    assert data == {"a": [1, 2]} and loader in ("CSafeLoader", "SafeLoader")


def test_the_crawl_process_tells_documents_apart_without_importing_their_readers():
    # The crawl process only needs to know a link is a document (extract/doctypes.py); the
    # readers and what they bring (ElementTree, email.policy's parsers, pypdf) load where a
    # document is read, in a parse worker or in the in-process fallback.
    probe = r"""
import json, sys
import govinspect.cli
from govinspect.crawl import engine
from govinspect.checks import privacy
heavy = ("govinspect.extract.attachments", "govinspect.extract.markup_docs", "govinspect.extract.office",
         "xml.etree.ElementTree", "pypdf")
loaded = [m for m in heavy if m in sys.modules]
from govinspect.extract.attachments import attachment_text, is_attachment
text = attachment_text("通知公告,2019-10-08\n".encode("utf-8"), "/files/list.csv")
print(json.dumps([loaded, engine.is_attachment is is_attachment, privacy.is_attachment is is_attachment,
                  is_attachment("/up/a.PDF"), is_attachment("/down.jsp?file=b.xlsx"),
                  is_attachment("/x", "application/msword; charset=gbk"), is_attachment("/a.html"), text]))
"""
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True).stdout
    loaded, same_engine, same_privacy, pdf, query, by_type, html, text = json.loads(out)
    assert loaded == []
    assert same_engine and same_privacy  # one definition, re-exported by attachments
    assert (pdf, query, by_type, html) == (True, True, True, False)
    assert "通知公告" in text
