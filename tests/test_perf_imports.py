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
