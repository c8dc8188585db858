"""The planted content defects of the world (hijack, privacy, identity, wording) and their truth.

These tests read the generated pages with plain string and number rules of their own, never
with the checks they exist to measure.
"""

from __future__ import annotations

import io
import json
import re
from datetime import date
from urllib.parse import urlsplit

import openpyxl

from govinspect.demo import world as world_module
from govinspect.demo.catalogue import world_specs
from govinspect.demo.defects import FooterOmits, FooterSiteCode
from govinspect.demo.defects_privacy import AssistanceRoster, ContactPage
from govinspect.demo.defects_scripts import ObfuscatedRedirects, OrdinaryScripts
from govinspect.demo.defects_security import (
    HIJACK_HOSTS,
    BrandSpam,
    Cloaking,
    GamblingWarning,
    HeadTamper,
    HiddenLinks,
    HiddenOfficialMenus,
    OrdinaryThirdParties,
    ScriptWrite,
    SpiderTitleScript,
)
from govinspect.demo.defects_wording import LOOK_ALIKES, HistoryPage, LookAlikes, WrongWords
from govinspect.demo.harmful import (
    CleanCommercialLinks,
    CloakedArticle,
    LapsedArticleLink,
    LapsedFriendLink,
)
from govinspect.demo.types import World

from .test_demo_world import AS_OF, html_pages

ID = re.compile(r"(?<!\d)\d{17}[\dX](?!\d)")
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
CARD = re.compile(r"(?<!\d)62\d{17}(?!\d)")


def id_ok(number: str) -> bool:
    weights = [2 ** (17 - i) % 11 for i in range(17)]
    total = sum(int(d) * w for d, w in zip(number[:17], weights, strict=True))
    born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    return number[-1] == "10X98765432"[total % 11] and date(1900, 1, 1) <= born <= AS_OF


def luhn_ok(number: str) -> bool:
    digits = [int(d) for d in reversed(number)]
    doubled = (d if i % 2 == 0 else (d * 2 - 9 if d > 4 else d * 2) for i, d in enumerate(digits))
    return sum(doubled) % 10 == 0


def content_marks(site) -> int:
    t = site.truth
    return len(t.hijack) + len(t.privacy) + len(t.identity) + len(t.wording)


def test_defects_are_spread_and_two_sites_stay_clean(demo_world: World) -> None:
    planted = {s.key: content_marks(s) for s in demo_world.sites}
    # The issue-8 CMS-family sites (fgw, panji) plant list defects only: more clean controls.
    families = {s.key for s in demo_world.sites if s.style in ("hanweb", "jsp")}
    assert [k for k, n in planted.items() if n == 0 and k not in families] == ["jyj", "wjw"]
    assert families and all(planted[k] == 0 for k in families)
    kinds = {
        "hijack": {m.kind for s in demo_world.sites for m in s.truth.hijack},
        "privacy": {m.kind for s in demo_world.sites for m in s.truth.privacy},
        "identity": {m.item for s in demo_world.sites for m in s.truth.identity},
        "wording": {m.kind for s in demo_world.sites for m in s.truth.wording},
    }
    assert kinds == {
        "hijack": {"hidden_link", "keyword", "js_redirect", "cloaking", "tamper"},
        "privacy": {"id_card", "phone", "bank_card"},
        "identity": {"icp", "site_code"},
        "wording": {"typo", "political", "outdated_name"},
    }
    hijacked = {s.key for s in demo_world.sites if s.truth.hijack}
    assert len(hijacked) == 2  # static injection on one site, cloaking on another


def test_truth_json_carries_the_content_defects(demo_world: World) -> None:
    doc = json.loads(json.dumps(demo_world.truth_dict()))
    assert {"path": "/", "kind": "cloaking"} in doc["fengtai"]["hijack"]
    assert doc["tja"]["identity"] == [{"item": "site_code", "problem": "mismatch"}]
    assert all(set(w) == {"path", "word", "kind"} for w in doc["fengtai"]["wording"])
    assert doc["jyj"]["hijack"] == doc["jyj"]["privacy"] == doc["jyj"]["wording"] == []


def test_each_wrong_word_is_exactly_where_truth_says(demo_world: World) -> None:
    for site in demo_world.sites:
        pages = html_pages(site)
        for word in {m.word for m in site.truth.wording}:
            # the look-alike controls (既使用 ...) hold the letters of a word, not the word
            where = {p for p, html in pages.items() if word in _without_look_alikes(html)}
            expected = {m.path for m in site.truth.wording if m.word == word}
            history = {p for p in where if "沿革" in pages[p].split("</title>")[0]}
            assert where - history == expected, (site.key, word)
            titles = [pages[p].split("<title>", 1)[1].split("</title>", 1)[0] for p in expected]
            assert all(word not in t for t in titles), (site.key, word)
    history = html_pages(demo_world.site("huainan"))["/jgyg/"]
    assert "国土资源局" in history and "<title>机构沿革_" in history


def test_privacy_leaks_hold_valid_numbers(demo_world: World) -> None:
    site = demo_world.site("huainan")
    pages = html_pages(site)
    leaks = {m.path: set() for m in site.truth.privacy}
    for m in site.truth.privacy:
        leaks[m.path].add(m.kind)
    page, sheet = sorted(leaks, key=lambda p: p.endswith(".xlsx"))
    assert leaks[page] == {"id_card", "phone"} and leaks[sheet] == {"id_card", "bank_card"}
    ids = ID.findall(pages[page])
    assert len(ids) >= 10 and all(id_ok(n) for n in ids)
    assert len(MOBILE.findall(pages[page])) == len(ids)
    book = openpyxl.load_workbook(io.BytesIO(site.resources[sheet].body))
    cells = [str(c) for row in book.active.iter_rows(values_only=True) for c in row if c]
    assert sum(bool(ID.fullmatch(c)) and id_ok(c) for c in cells) == len(ids)
    cards = [c for c in cells if CARD.fullmatch(c)]
    assert len(cards) == len(ids) and all(luhn_ok(c) for c in cards)
    assert any(sheet in html for html in pages.values())  # the roster is linked


def test_contact_page_mobiles_follow_their_labels(demo_world: World) -> None:
    text = html_pages(demo_world.site("huainan"))["/lxwm/"]
    mobiles = MOBILE.findall(text)
    assert len(mobiles) >= 3
    for number in mobiles:
        before = text[: text.index(number)].rsplit("<p>", 1)[1]
        assert re.search(r"(咨询电话|投诉电话|值班电话)(（[^）]*）)?：(0554-\d+、)?$", before), before
    assert not ID.search(text)


def test_hijack_payloads_are_on_their_pages_only(demo_world: World) -> None:
    tja = demo_world.site("tja")
    pages = html_pages(tja)
    hidden = {m.path for m in tja.truth.hijack if m.kind == "hidden_link"}
    scripted = {m.path for m in tja.truth.hijack if m.kind == "js_redirect"}
    assert "/" in hidden and len(hidden) == 3 and len(scripted) == 1
    assert {p for p, html in pages.items() if "left:-9999px" in html} == hidden
    assert {p for p, html in pages.items() if "document.write(unescape(" in html} == scripted
    assert "http://www.hg-bet365x.com" not in pages[next(iter(scripted))]  # escaped only
    hosts = {h for s in demo_world.sites for html in html_pages(s).values() for h in HIJACK_HOSTS
             if f'href="http://{h}/' in html}
    assert hosts == {"www.pj-casino8.com", "www.js-yule66.com", "www.hg-tiyu88.com"}
    dns = {b.target for b in tja.truth.broken_links if b.kind == "dns"}
    assert {"http://www.pj-casino8.com/", "http://www.hg-tiyu88.com/"} <= dns


def test_cloaked_view_differs_only_in_the_spam(demo_world: World) -> None:
    site = demo_world.site("fengtai")
    # The home page, and an old article (demo/harmful.py CloakedArticle) found by the every-page pass.
    assert set(site.spider_view) == {m.path for m in site.truth.hijack if m.kind == "cloaking"} and "/" in site.spider_view
    normal = site.resources["/"].body.decode()
    cloaked = site.spider_view["/"].body.decode()
    assert "澳门葡京" not in normal and "<title>澳门葡京_" in cloaked
    strip = re.compile(r'<title>.*?</title>\n(<meta[^>]*>\n)*|<div class="hot-links">.*?</div>\n', re.S)
    assert strip.sub("", cloaked) == strip.sub("", normal)
    assert site.spider_view["/"].content_type == site.resources["/"].content_type


def test_content_defects_leave_freshness_and_link_truth_alone(demo_world: World, monkeypatch):
    content = (AssistanceRoster, ContactPage, WrongWords, HistoryPage, HiddenLinks, ScriptWrite,
               Cloaking, GamblingWarning, FooterOmits, FooterSiteCode,
               HeadTamper, BrandSpam, OrdinaryThirdParties, HiddenOfficialMenus, SpiderTitleScript,
               ObfuscatedRedirects, OrdinaryScripts, CloakedArticle, LapsedFriendLink,
               LapsedArticleLink, CleanCommercialLinks)
    specs = world_specs()
    for spec in specs:
        spec.defects = tuple(d for d in spec.defects if not isinstance(d, content))
    monkeypatch.setattr(world_module, "world_specs", lambda: specs)
    bare = world_module.build_world(AS_OF)
    for site, plain in zip(demo_world.sites, bare.sites, strict=True):
        t, b = site.truth, plain.truth
        assert content_marks(plain) == 0
        assert t.home_last_update == b.home_last_update and t.stale_columns == b.stale_columns
        assert t.fresh_columns == b.fresh_columns and t.empty_columns == b.empty_columns
        assert t.future_dated == b.future_dated, site.key
        kept = {x for x in t.broken_links if urlsplit(x.target).hostname not in HIJACK_HOSTS}
        assert kept == b.broken_links, site.key


def _without_look_alikes(html: str) -> str:
    for sentence in LOOK_ALIKES:
        html = html.replace(sentence, "")
    return html


def test_look_alike_controls_are_on_a_page_and_not_in_truth(demo_world: World) -> None:
    """既使用 / 既…又 / 东北朝鲜族 sentences stand in one article that has no wording mark."""
    site = demo_world.site("fengtai")
    pages = html_pages(site)
    hosts = [p for p, html in pages.items() if all(s in html for s in LOOK_ALIKES)]
    assert len(hosts) == 1 and hosts[0] not in {m.path for m in site.truth.wording}
    spec = next(s for s in world_specs() if s.key == "fengtai")
    assert any(isinstance(d, LookAlikes) for d in spec.defects)
