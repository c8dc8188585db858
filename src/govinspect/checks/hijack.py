"""Hijacked pages (security.hijack): spam words, hidden links, script redirects, cloaking, tampering.

A defaced page is a single-veto item (国办秘函〔2019〕19号《政府网站与政务新媒体检查指标》,
单项否决 "安全、泄密事故等严重问题": 发布或链接反动、暴力、色情等内容; 网站被篡改、挂马、暗链 as
the inspection circulars name it). A veto needs evidence of harm, judged by the spam classifier
(checks/spam.py, data/hijack/keywords.yaml) and never by what a page merely hides or loads:
menus, carousels and tabs hide links to official sites, and real portals load CMS, statistics,
share, error-reporting and accessibility scripts on every page. Every kind below is a veto, one
finding per page and kind:

- ``keyword``: the page's text (and, except on the home page, its title and meta tags) is spam
  by the classifier (lexicon terms, casino brands next to context words, repetition), or a link
  to another host has spam words (a planted link); enforcement news does not fire.
- ``hidden_link``: a hidden link (extract/security.py) whose words are spam, or whose target
  host carries casino or porn marks (``pj-casino8.com``, ``xpj8888.com``) or was classified
  harmful by the harmful-link probe (``snap.probes["harmful"]``).
- ``js_redirect``: a script or meta refresh sending visitors to another site (a click
  handler's navigation only with a spam host), a search-engine referrer check that redirects,
  written markup or an injected script whose host is spam or harmful, or a script holding or
  writing spam words (a title set for spiders, a casino block), however it is encoded.
- ``cloaking``: the spider or search-referer refetch (``snap.probes["cloaking"]``) shows new
  spam, a spam title, another host, several new foreign links (with a spam host among them or
  spam words in the view: a rotating widget is not cloaking), or a planted hidden link or
  script target that the normal view lacks (dates and counters are never compared).
- ``tamper``: the home page's title or meta keywords/description are spam (one brand or strong
  term is enough there: defacers rewrite only the head so that search engines show the casino
  while visitors see the portal), a hacker's page in place of the portal (黑页: "hacked by"
  signatures in a short page, a home title naming hackers), or at least 30 % and 10 of a
  page's links go to one foreign domain whose host or anchor words are spam.

External scripts and hidden external links without such evidence are listed once per site in a
``security.third_party`` notice (host, how it is loaded: src, document.write, createElement;
``known`` names the ordinary third parties of data/hijack/thirdparty.yaml, a label only).

Bound: an injection repeated by a site-wide template would give one finding per page. Only
the first ``MAX_PAGES_PER_KIND`` pages per kind (in crawl order: home page first) are reported;
the first finding of each kind carries ``pages_total``, the number of pages that showed it.
A registry entry may trust more domains with ``overrides: {hijack_allow_domains: [...]}``.
"""

from __future__ import annotations

import ipaddress
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from ..model import Finding, Page
from ..snapshot import Snapshot
from .base import Context, walk
from .lexicon import HIJACK, Lexicon, Match, SpamRule, data_file, find_spam
from .spam import KINDS, Signals, classify, classify_anchor, host_signals, signals

MAX_PAGES_PER_KIND = 20
_SAMPLE = 5
DRIFT_SHARE, DRIFT_MIN_LINKS = 0.30, 10
CLOAK_NEW_LINKS = 3
MAX_INVENTORY = 50  # hosts listed in the inventory notice
# URLs whose judgement a Judge remembers: the menus' links, repeated on every page. Other links
# come about once each, so more entries save no calls and grow with the site (50,000: ~9 MB).
_FOREIGN_CACHE = 4096

_SECOND_LEVEL = frozenset({"com", "net", "org", "gov", "edu", "ac", "mil"})
TECHNIQUES = {
    "display_none": "display:none 隐藏", "visibility_hidden": "visibility 隐藏", "hidden_attr": "hidden 属性隐藏",
    "offscreen": "定位到可视区域之外", "font_size_zero": "字号为 0", "zero_size": "尺寸为 0 且溢出隐藏",
    "text_indent": "文字缩进到可视区域之外", "opacity_zero": "完全透明", "same_color": "文字与背景同色",
    "line_height_zero": "行高为 0", "marquee": "marquee 隐藏", "location": "脚本跳转",
    "referrer_check": "判断搜索引擎来源后跳转", "document_write": "document.write 写入",
    "inner_html": "innerHTML 写入", "script_inject": "动态插入外部脚本", "meta_refresh": "meta 刷新跳转",
    "write_spam": "脚本写入违规文字",
}  # fmt: skip
_CATEGORY = {"gambling": "博彩", "porn": "色情", "fraud": "诈骗及非法服务"}
# Script techniques that send the visitor away by themselves (extract/scripts.py names them;
# names a later decoder may add are recognised by these words).
_REDIRECT_WORDS = ("location", "redirect", "refresh", "navigate")
# How an external script is loaded, for the inventory.
_LOADED = {"script_inject": "createElement", "document_write": "document.write", "inner_html": "innerHTML"}
_SCRIPT_TAG = re.compile(r"<\\?/?\s*script|%3cscript|\\x3cscript|\\u003cscript", re.I)


@lru_cache(maxsize=4096)
def registrable(host: str) -> str:
    """The registered domain of a host (``www.a.com.cn`` -> ``a.com.cn``); IPs stay whole."""
    host = host.lower().rstrip(".")
    try:
        ipaddress.ip_address(host.strip("[]"))
        return host
    except ValueError:
        pass
    labels = host.split(".")
    if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


@dataclass(frozen=True, slots=True)
class ThirdParty:
    """The ordinary third parties of data/hijack/thirdparty.yaml: labels for the inventory only."""

    domains: dict[str, str]
    labels: dict[str, str]

    @classmethod
    def load(cls) -> ThirdParty:
        return _third_party()

    def category(self, host: str) -> str | None:
        """The category of a host (analytics, cms, share, ...), None when not listed."""
        host = host.lower().rstrip(".")
        parts = host.split(".")
        for i in range(len(parts)):
            found = self.domains.get(".".join(parts[i:]))
            if found:
                return found
        return next((self.labels[p] for p in parts if p in self.labels), None)


@lru_cache(maxsize=1)
def _third_party() -> ThirdParty:
    data = data_file("hijack/thirdparty")
    sources = data.get("sources") or {}
    for row in [*(data.get("entries") or ()), *(data.get("labels") or ())]:
        if row.get("source") not in sources:
            raise ValueError(f"thirdparty.yaml: {row} cites an unknown source")
    return ThirdParty(
        {str(r["domain"]).lower(): str(r["category"]) for r in data.get("entries") or ()},
        {str(r["label"]).lower(): str(r["category"]) for r in data.get("labels") or ()},
    )


@dataclass(slots=True)
class Judge:
    """Which hosts belong to the site or to government, which the registry trusts, which are harmful."""

    netlocs: frozenset[str]
    domains: frozenset[str]
    trusted: frozenset[str] = frozenset()  # registry overrides only (hijack_allow_domains)
    harmful: frozenset[str] = frozenset()  # hosts the harmful-link probe classified as spam
    lexicon: Lexicon = field(default_factory=lambda: Lexicon.load((HIJACK,)))
    rule: SpamRule = field(default_factory=SpamRule.load)
    third_party: ThirdParty = field(default_factory=ThirdParty.load)
    # URL -> ``foreign(url)``: menus and footers repeat the same links on every page.
    _foreign: dict[str, str | None] = field(default_factory=dict, repr=False, compare=False)
    # "http://host/" and "https://host/" of each of ``netlocs``: a link starting so is the site's own
    own: tuple[str, ...] = field(default=(), repr=False, compare=False)

    def __post_init__(self) -> None:
        self.own = tuple(f"{scheme}://{n}/" for n in sorted(self.netlocs) for scheme in ("http", "https"))

    @classmethod
    def for_snapshot(cls, snap: Snapshot, ctx: Context) -> Judge:
        urls = [ctx.site.url, snap.site.url, snap.home_url or ""]
        if snap.home is not None:
            urls.append(snap.home.final_url)
        netlocs = {urlsplit(u).netloc.lower() for u in urls if u} - {""}
        netlocs |= {h.lower() for h in snap.scope_hosts}
        domains = {registrable(n.rsplit(":", 1)[0] if "]" not in n else n) for n in netlocs}
        extra = ctx.site.overrides.get("hijack_allow_domains") or []
        trusted = frozenset(str(d).lower() for d in extra if isinstance(d, str))
        return cls(frozenset(netlocs), frozenset(domains), trusted, harmful_hosts(snap.probes.get("harmful")))

    def foreign(self, url: str) -> str | None:
        """The registered domain of ``url`` when it is neither the site, government nor trusted by the registry."""
        try:
            return self._foreign[url]
        except KeyError:
            pass
        if len(self._foreign) >= _FOREIGN_CACHE:
            self._foreign.clear()  # a long crawl: keep memory flat
        found = self._foreign[url] = self._judge_foreign(url)
        return found

    def _judge_foreign(self, url: str) -> str | None:
        try:
            parts = urlsplit(url)
            host = parts.hostname or ""
        except ValueError:
            return None
        if parts.scheme not in ("http", "https", "") or not host:
            return None
        netloc = parts.netloc.lower().rsplit("@", 1)[-1]
        if netloc in self.netlocs or host in self.netlocs:
            return None
        domain = registrable(host)
        government = host.endswith(".gov.cn") or host == "gov.cn"
        if government or domain in self.domains or domain in self.trusted:
            return None
        return domain

    def spam(self, text: str) -> list[Match]:
        """Lexicon terms of ``text`` that count under the keyword file's rule (enforcement context removed)."""
        return find_spam(text, self.lexicon, self.rule) if text else []

    def bad_host(self, url: str) -> list[str]:
        """Why the host of ``url`` is a spam host (casino or porn marks, harmful-link probe); empty when it is not."""
        try:
            host = (urlsplit(url).hostname or "").lower()
        except ValueError:
            return []
        if not host or not self.foreign(url):
            return []
        reasons = host_signals(host)
        if host in self.harmful or registrable(host) in self.harmful:
            reasons.append("harmful")
        return reasons


def harmful_hosts(probe: Any) -> frozenset[str]:
    """Hosts of targets the harmful-link probe found serving spam: rows ``{url|target|final_url, kind}``
    (or ``verdict: {kind}``, or ``harmful: true``) in a list, under ``targets``/``results``, or a url-keyed dict."""
    rows: Iterable[Any]
    if isinstance(probe, dict):
        rows = probe.get("targets") or probe.get("results") or [
            {"url": k, **(v if isinstance(v, dict) else {"kind": v})} for k, v in probe.items()
        ]
    else:
        rows = probe or ()
    hosts: set[str] = set()
    for row in rows:
        if not isinstance(row, dict):
            continue
        nested = row.get("verdict")
        verdict: dict[str, Any] = nested if isinstance(nested, dict) else row
        if verdict.get("kind") not in KINDS and not row.get("harmful"):
            continue
        for key in ("final_url", "url", "target"):
            try:
                host = urlsplit(str(row.get(key) or "")).hostname
            except ValueError:
                host = None
            if host:
                hosts.add(host.lower())
    return frozenset(hosts)


def check(snap: Snapshot, ctx: Context) -> list[Finding]:
    """Every security.hijack finding of the site (at most ``MAX_PAGES_PER_KIND`` per kind) and the inventory notice."""
    return walk(snap, visitor(snap, ctx))


def visitor(snap: Snapshot, ctx: Context) -> HijackVisitor:
    return HijackVisitor(snap, Judge.for_snapshot(snap, ctx))


class HijackVisitor:
    """Page findings in page order, then cloaking from the probes, capped per kind; the inventory last."""

    def __init__(self, snap: Snapshot, judge: Judge) -> None:
        self.snap, self.judge = snap, judge
        self.capped = _Capped()
        self.inventory = Inventory(judge)

    def visit(self, page: Page) -> None:
        if not page.attachment:
            self.capped.extend(page_findings(page, self.judge, home=page.url == self.snap.home_url))
            self.inventory.add(page)

    def finish(self) -> list[Finding]:
        self.capped.extend(cloaking(self.snap, self.judge))
        notice = self.inventory.finding(self.snap.home_url or self.snap.site.url)
        return self.capped.findings() + ([notice] if notice else [])


def page_findings(page: Page, judge: Judge, home: bool = False) -> Iterator[Finding]:
    """At most one finding per kind for one page."""
    head = _head_tamper(page, judge) if home else None
    finding = _keyword(page, judge, include_head=head is None)
    if finding:
        yield finding
    for make in (_hidden_link, _js_redirect):
        finding = make(page, judge)
        if finding:
            yield finding
    drift = _drift(page, judge)
    black = defaced(page, judge, home)
    if head or drift or black:
        evidence = {**(black or {}), **(drift or {}), **(head or {})}
        evidence["detail"] = "；".join(e["detail"] for e in (head, drift, black) if e)
        yield _finding(page, "tamper", f"页面疑似被篡改：{evidence['detail']}", evidence)


def _finding(page: Page, kind: str, message: str, evidence: dict[str, Any]) -> Finding:
    return Finding(
        "security.hijack", "veto", page.final_url or page.url, message, {"kind": kind, **evidence}
    )


def _categories(kinds: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(_CATEGORY.get(k, k) for k in kinds))


def _context(text: str, word: str, width: int = 15) -> str:
    i = text.find(word)
    if i < 0:
        return ""
    a, b = max(0, i - width), min(len(text), i + len(word) + width)
    return ("…" if a else "") + text[a:b] + ("…" if b < len(text) else "")


def _keyword(page: Page, judge: Judge, include_head: bool = True) -> Finding | None:
    head = f"{page.title} {_meta(page)}".strip() if include_head else ""
    sig = signals(page.text, head)
    if not sig.words:
        return None
    verdict = sig.verdict(judge.rule.fire_weight)
    # A planted link: spam words on a link to another host fire whatever the page's score.
    planted = [link.url for link in page.links
               if link.tag == "a" and link.text and judge.foreign(link.url) and _anchor_spam(link.text, True)]  # fmt: skip
    if verdict is None and not (planted and sig.words):
        return None
    words = sig.words
    categories = _categories(k for k, _ in sig.kinds.most_common())
    where = [w for w in ("title", "meta", "text") if _shows(page, w, sig, include_head)]
    first = next((w for w in words if w in page.text), words[0])
    evidence: dict[str, Any] = {
        "detail": f"出现{'、'.join(categories)}类违规词：{'、'.join(words[:_SAMPLE])}",
        "words": words[:10], "categories": categories, "where": where,
        "context": _context(page.text, first) or _context(head, first),
        "score": verdict.score if verdict else 0.0, "reasons": sig.reasons, "repeated": sig.repeated,
    }  # fmt: skip
    if planted:
        evidence["link"] = planted[0]
    return _finding(
        page,
        "keyword",
        f"页面含{'、'.join(categories)}等违规内容（{'、'.join(words[:3])}）",
        evidence,
    )


def _shows(page: Page, where: str, sig: Signals, include_head: bool) -> bool:
    """Whether one field of the page holds the classifier's words."""
    if where == "text":
        return "text" in sig.where
    if not include_head or "title" not in sig.where:
        return False
    value = page.title if where == "title" else _meta(page)
    return bool(signals("", value).words)


def _meta(page: Page) -> str:
    """Meta keywords and description joined (names compared case-insensitively)."""
    return " 。".join(
        v for k, v in page.meta.items() if k.lower() in ("keywords", "description") and v
    )


def _anchor_spam(text: str, foreign: bool) -> bool:
    """A link's words are spam: one strong term or brand, or any term on a link to another host."""
    sig = signals(text)
    return sig.weight >= 2 or sig.certain or (foreign and sig.weight >= 1)


def planted_hidden(links: Iterable[dict[str, Any]], judge: Judge) -> list[dict[str, Any]]:
    """The hidden links that are dark links: spam words, or a spam or harmful target host."""
    hits: list[dict[str, Any]] = []
    for link in links:
        url, text, technique = (str(link.get(k) or "") for k in ("url", "text", "technique"))
        domain = judge.foreign(url)
        reasons = judge.bad_host(url)
        if (text and _anchor_spam(text, bool(domain))) or reasons:
            hits.append({"target": url, "text": text, "technique": technique, "domain": domain or "",
                         "host_signals": reasons})  # fmt: skip
    return hits


def _redirect(technique: str) -> bool:
    return any(w in technique for w in _REDIRECT_WORDS)


def script_load(target: dict[str, Any]) -> str | None:
    """How a script target loads an external script (createElement, document.write), None when it does not."""
    technique = str(target.get("technique") or "")
    url = str(target.get("url") or "")
    if technique == "script_inject":
        return _LOADED[technique]
    if technique in _LOADED and (
        _SCRIPT_TAG.search(str(target.get("snippet") or "")) or urlsplit(url).path.lower().endswith(".js")
    ):
        return _LOADED[technique]
    return None


def malicious_scripts(targets: Iterable[dict[str, Any]], judge: Judge) -> list[dict[str, Any]]:
    """Script targets with evidence of harm: redirects away, referrer checks, writes or loads from spam hosts."""
    hits = []
    for t in targets:
        url = str(t.get("url") or "")
        technique = str(t.get("technique") or "")
        if technique == "referrer_check":
            hits.append(t)  # the classic cloaking redirect, whatever its (perhaps unreadable) target
            continue
        if technique == "write_spam":  # spam text the script holds or writes (extract/security.py)
            if classify_anchor(str(t.get("text") or "")) is not None:
                hits.append(t)
            continue
        if not url or not judge.foreign(url):
            continue
        spam_host = bool(judge.bad_host(url))
        if _redirect(technique):
            # onclick navigation is a link, not a redirect; a widget's inner frame page (the My97
            # date picker's My97DatePicker.htm) sends itself home only when opened outside its frame
            if (t.get("source") != "attribute" and not _FRAME_GUARD.search(str(t.get("snippet") or ""))) \
                    or spam_host:
                hits.append(t)
        elif spam_host or (technique in _LOADED and not script_load(t) and _anchor_spam(_snippet_words(t), True)):
            hits.append(t)
    return hits


# "if (parent == window) location.href = ...": runs only when the page is not inside a frame.
_FRAME_GUARD = re.compile(
    r"if\s*\(\s*(?:window\.|self\.)?(?:parent|top)\s*={2,3}\s*(?:window|self)(?:\.self)?\s*\)\s*\{?\s*"
    r"(?:(?:window|top|self|document)\.)?location"
)


def _snippet_words(target: dict[str, Any]) -> str:
    """The visible words a written piece of markup may carry (tags and code stripped)."""
    return re.sub(r"<[^>]*>|[\\w$.]+\\(|['\"+;(){}]", " ", str(target.get("snippet") or ""))


def _hidden_link(page: Page, judge: Judge) -> Finding | None:
    hits = planted_hidden(page.hidden_links, judge)
    if not hits:
        return None
    first = hits[0]
    domains = list(dict.fromkeys(h["domain"] for h in hits if h["domain"]))
    label = TECHNIQUES.get(first["technique"], first["technique"])
    where = f"指向 {'、'.join(domains[:3])} 等外部网站" if domains else "含违规文字"
    evidence = {
        "detail": f"{len(hits)} 个隐藏链接（{label}）{where}", "technique": first["technique"],
        "target": first["target"], "text": first["text"], "count": len(hits), "domains": domains[:10],
        "sample": [{k: h[k] for k in ("target", "text", "technique", "host_signals")} for h in hits[:_SAMPLE]],
    }  # fmt: skip
    return _finding(page, "hidden_link", f"页面存在暗链：{evidence['detail']}", evidence)


def _js_redirect(page: Page, judge: Judge) -> Finding | None:
    hits = malicious_scripts(page.script_targets, judge)
    if not hits:
        return None
    first = hits[0]
    technique = first.get("technique") or ""
    if technique == "write_spam":
        detail = f"{TECHNIQUES[technique]}：{'、'.join(list(first.get('words') or [])[:_SAMPLE])}"
    else:
        detail = f"{TECHNIQUES.get(technique, technique)}到 {first.get('url') or '（地址无法静态解析）'}"
    evidence: dict[str, Any] = {
        "detail": detail, "technique": technique,
        "target": first.get("url") or "", "snippet": str(first.get("snippet") or "")[:120],
        "decoded": list(first.get("decoded") or []), "count": len(hits),
        "targets": list(dict.fromkeys(h.get("url") or "" for h in hits))[:_SAMPLE],
    }  # fmt: skip
    return _finding(
        page, "js_redirect", f"页面脚本存在恶意跳转或外链写入：{evidence['detail']}", evidence
    )


def _head_tamper(page: Page, judge: Judge) -> dict[str, Any] | None:
    """Spam in the title or meta tags: one brand or strong term is enough, weak ones count by the rule."""
    meta = _meta(page)
    verdict = classify("", f"{page.title} {meta}".strip())
    if verdict is None:
        return None
    fields = [n for n, v in (("title", page.title), ("meta", meta)) if v and signals("", v).words]
    place = (
        "标题" if fields == ["title"] else "关键词或描述" if fields == ["meta"] else "标题和关键词"
    )
    words = list(verdict.words)
    return {"detail": f"首页{place}被篡改，含违规词：{'、'.join(words[:_SAMPLE])}", "fields": fields,
            "words": words[:10], "title": page.title[:100], "score": verdict.score}  # fmt: skip


def _drift(page: Page, judge: Judge) -> dict[str, Any] | None:
    """One foreign domain whose host or anchors are spam taking a large share of the page's links."""
    anchors = [link for link in page.links if link.tag in ("a", "area")]
    if len(anchors) < DRIFT_MIN_LINKS:
        return None
    # the site's own links (most of a page's) are never foreign: told apart by their prefix alone
    outside = [link for link in anchors if not link.url.startswith(judge.own)]
    if len(outside) < DRIFT_MIN_LINKS:
        return None
    domains = [d for d in (judge.foreign(link.url) for link in outside) if d]
    if len(domains) < DRIFT_MIN_LINKS:
        return None  # no domain can reach the count below: most pages stop here
    counts = Counter(domains)
    domain, count = counts.most_common(1)[0]
    share = count / len(anchors)
    if count < DRIFT_MIN_LINKS or share < DRIFT_SHARE:
        return None
    mine = [link for link in outside if judge.foreign(link.url) == domain]
    host = judge.bad_host(mine[0].url)
    words = signals(" 。".join(link.text for link in mine)).verdict(judge.rule.fire_weight)
    if not host and words is None:
        return None  # a list of links to one news site or platform is not tampering
    return {"detail": f"{share:.0%} 的链接（{count}/{len(anchors)}）指向同一违规网站 {domain}",
            "domain": domain, "share": round(share, 3), "count": count, "total": len(anchors),
            "host_signals": host, "words": list(words.words[:10]) if words else []}  # fmt: skip


class Inventory:
    """External scripts and hidden external links of the site without evidence of harm (a notice)."""

    def __init__(self, judge: Judge) -> None:
        self.judge = judge
        self.scripts: dict[str, dict[str, Any]] = {}
        self.hidden: dict[str, dict[str, Any]] = {}

    def add(self, page: Page) -> None:
        judge = self.judge
        for link in page.links:
            if link.tag == "script" and judge.foreign(link.url):
                self._script(link.url, "src", page.url)
        for t in page.script_targets:
            how = script_load(t)
            url = str(t.get("url") or "")
            if how and url and judge.foreign(url):
                self._script(url, how, page.url)
        dark = {h["target"] for h in planted_hidden(page.hidden_links, judge)}
        for h in page.hidden_links:
            url = str(h.get("url") or "")
            domain = judge.foreign(url)
            if domain and url not in dark:
                row = self.hidden.setdefault(domain, {"domain": domain, "technique": h.get("technique"),
                                                      "text": str(h.get("text") or "")[:40], "pages": 0,
                                                      "first_page": page.url})  # fmt: skip
                row["pages"] += 1

    def _script(self, url: str, how: str, page: str) -> None:
        try:
            host = (urlsplit(url).hostname or "").lower()
        except ValueError:
            return
        if not host:
            return
        row = self.scripts.setdefault(host, {"host": host, "loaded": [], "pages": 0, "first_page": page,
                                             "known": self.judge.third_party.category(host) or ""})  # fmt: skip
        if how not in row["loaded"]:
            row["loaded"].append(how)
        if row.get("_last") != page:
            row["_last"] = page
            row["pages"] += 1

    def finding(self, url: str) -> Finding | None:
        if not self.scripts and not self.hidden:
            return None
        scripts = sorted(self.scripts.values(), key=lambda r: (bool(r["known"]), -r["pages"], r["host"]))
        for row in scripts:
            row.pop("_last", None)
        unknown = [r["host"] for r in scripts if not r["known"]]
        hidden = sorted(self.hidden.values(), key=lambda r: -r["pages"])
        parts = [f"{len(scripts)} 个外部脚本来源（其中 {len(unknown)} 个不在常见第三方清单中）"] if scripts else []
        if hidden:
            parts.append(f"{len(hidden)} 个被隐藏的外部链接域名")
        message = "页面加载的第三方资源清单（未发现恶意行为，供人工核对）：" + "，".join(parts)
        evidence = {"scripts": scripts[:MAX_INVENTORY], "hidden_links": hidden[:MAX_INVENTORY],
                    "script_hosts": len(scripts), "unknown_hosts": unknown[:MAX_INVENTORY]}  # fmt: skip
        return Finding("security.third_party", "notice", url, message, evidence)


VIEW_EXCERPT = 240  # characters of each view kept in a cloaking finding's evidence


def cloaking(snap: Snapshot, judge: Judge) -> Iterator[Finding]:
    """Pages whose spider or search-referer view differs from the normal view in a hijacked way."""
    by_url: dict[str, list[dict[str, Any]]] = {}
    for probe in snap.probes.get("cloaking") or []:
        if isinstance(probe, dict) and probe.get("url"):
            by_url.setdefault(str(probe["url"]), []).append(probe)
    for url, probes in by_url.items():
        normal = snap.home if snap.home is not None and url == snap.home_url else snap.page(url)
        shown = [(p, e) for p in probes if (e := _cloaked(p, normal, url, judge))]
        if not shown:
            continue
        probe, evidence = shown[0]
        evidence["agents"] = list(dict.fromkeys(str(p.get("agent")) for p, _ in shown))
        page = normal or Page(url=url)
        agent = {"spider": "搜索引擎爬虫", "referer": "从搜索引擎点击进入的访问者"}.get(
            str(probe.get("agent")), "搜索引擎爬虫或从搜索引擎进入的访问者")
        yield _finding(
            page, "cloaking", f"{agent}看到的页面与普通访问不同：{evidence['detail']}", evidence
        )
    # crawl/cloaking.py: a spider pass cut short by the time budget, or refused by the server
    # (a firewall that blocks spiders), leaves pages uncompared.
    cov = (snap.probes.get("coverage") or {}).get("cloaking") or {}
    failed = int(cov.get("failed") or 0)
    reason = cov.get("stopped") or (f"{failed} 次请求失败" if failed and failed * 10 >= int(cov.get("requests") or 0) else "")
    if reason:
        yield Finding(
            "crawl.incomplete", "notice", snap.home_url or snap.site.url,
            f"搜索引擎视角比对（检查只对搜索引擎显示的篡改内容）未完成：已比对 {cov.get('pages_compared')}"
            f"/{cov.get('pages_eligible')} 个页面（{reason}）",
            {"check": "cloaking", "error": str(reason), "pages_compared": cov.get("pages_compared"),
             "pages_eligible": cov.get("pages_eligible"), "mode": cov.get("mode")},
        )


def _cloaked(
    probe: dict[str, Any], normal: Page | None, url: str, judge: Judge
) -> dict[str, Any] | None:
    """Evidence that one refetch shows what the normal view does not, or None."""
    status = probe.get("status")
    if probe.get("error") or not isinstance(status, int) or not 200 <= status < 400:
        return None
    title, text = str(probe.get("title") or ""), str(probe.get("text") or "")
    normal_words = (
        set(signals(f"{normal.text}\n{_meta(normal)}", normal.title).words) if normal else set()
    )
    view = signals(text, title)
    new = [w for w in view.words if w not in normal_words]
    details: list[str] = []
    evidence: dict[str, Any] = {"agent": probe.get("agent")}
    new_title = [w for w in signals("", title).words if w not in normal_words]
    spam = view.verdict(judge.rule.fire_weight) is not None
    if new and (spam or (new_title and title != (normal.title if normal else ""))):
        evidence["words"] = new[:10]
        details.append(f"出现普通访问时没有的违规词 {'、'.join(new[:_SAMPLE])}")
    final = str(probe.get("final_url") or "")
    normal_host = urlsplit((normal.final_url or normal.url) if normal else url).netloc.lower()
    final_host = urlsplit(final).netloc.lower()
    if final and final_host != normal_host and judge.foreign(final):
        evidence["final_url"] = final
        details.append(f"被跳转到 {final_host}")
    seen = {link.url for link in normal.links} if normal else set()
    new_links = [
        u
        for u in dict.fromkeys(probe.get("links") or [])
        if u not in seen and judge.foreign(str(u))
    ]
    hidden = [h["target"] for h in planted_hidden(probe.get("hidden_links") or [], judge)]
    hidden = [u for u in hidden if u not in seen]
    # New links alone may be a widget that rotates between two fetches: they count with a
    # spam host among them or spam words in the view.
    marked = any(judge.bad_host(str(u)) for u in new_links)
    if (len(new_links) >= CLOAK_NEW_LINKS and (marked or view.words)) or hidden:
        new_links = list(dict.fromkeys(hidden + new_links))
        evidence["new_links"] = new_links[:10]
        evidence["new_link_count"] = len(new_links)
        details.append(
            f"多出 {len(new_links)} 个指向外部网站的链接" + ("（含暗链）" if hidden else "")
        )
    normal_scripts = {t.get("url") or "" for t in normal.script_targets} if normal else set()
    scripts = [t for t in malicious_scripts(probe.get("script_targets") or [], judge)
               if (t.get("url") or "") not in normal_scripts]  # fmt: skip
    if scripts:
        evidence["script_target"] = scripts[0].get("url") or ""
        details.append(f"出现脚本跳转 {scripts[0].get('url') or '（地址无法静态解析）'}")
    if not details:
        return None
    evidence["detail"] = "，".join(details)
    # What the inspector compares: the two views' titles and an excerpt of each, around the
    # first new word in the spider's view (the evidence page shows them side by side).
    at = text.find(new[0]) if new else -1
    evidence["spider_title"], evidence["spider_text"] = title, _excerpt(text, at)
    if normal is not None:
        evidence["normal_title"], evidence["normal_text"] = normal.title, _excerpt(normal.text, -1)
    return evidence


def _excerpt(text: str, at: int, width: int = VIEW_EXCERPT) -> str:
    """About ``width`` characters of ``text`` on one line: from the start, or around index ``at``."""
    start = max(0, at - width // 3) if at >= 0 else 0
    piece = " ".join(text[start:start + width].split())
    return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")


class _Capped:
    """Findings with at most ``MAX_PAGES_PER_KIND`` per kind, counting the pages left out."""

    def __init__(self) -> None:
        self.kept: list[Finding] = []
        self.pages: Counter[str] = Counter()

    def extend(self, findings: Iterable[Finding]) -> None:
        for finding in findings:
            kind = str(finding.evidence.get("kind"))
            self.pages[kind] += 1
            if self.pages[kind] <= MAX_PAGES_PER_KIND:
                self.kept.append(finding)

    def findings(self) -> list[Finding]:
        first: set[str] = set()
        for finding in self.kept:
            kind = str(finding.evidence.get("kind"))
            total = self.pages[kind]
            if kind in first or total <= 1:
                continue
            first.add(kind)
            finding.evidence["pages_total"] = total
            if total > MAX_PAGES_PER_KIND:
                finding.message += (
                    f"（同类问题共 {total} 个页面，仅列出前 {MAX_PAGES_PER_KIND} 个）"
                )
            else:
                finding.message += f"（同类问题共 {total} 个页面）"
        return self.kept


@lru_cache(maxsize=1)
def _defacement() -> tuple[int, re.Pattern[str], re.Pattern[str]]:
    spec = data_file(HIJACK).get("defacement") or {}

    def words(key: str) -> re.Pattern[str]:
        found = sorted((str(w).lower() for w in spec.get(key) or ()), key=len, reverse=True)
        return re.compile("|".join(map(re.escape, found)) or "(?!)")

    return int(spec.get("max_text", 3000)), words("text"), words("home_title")


def defaced(page: Page, judge: Judge, home: bool) -> dict[str, Any] | None:
    """A hacker's page in place of the portal (黑页): its signature, or a home title naming hackers."""
    limit, text_marks, title_marks = _defacement()
    found: list[tuple[str, str]] = []
    title = page.title.lower()
    for where, value, pattern in (("title", title, text_marks), ("text", page.text.lower(), text_marks)):
        if where == "text" and len(value) > limit:
            continue
        found += [(where, m.group()) for m in pattern.finditer(value)
                  if not judge.rule.countered(value, m.start(), m.end())]  # fmt: skip
    if home:
        found += [("title", m.group()) for m in title_marks.finditer(title)
                  if not judge.rule.countered(title, m.start(), m.end())]  # fmt: skip
    if not found:
        return None
    marks = list(dict.fromkeys(w for _, w in found))
    return {"detail": f"页面疑似被替换为黑客页面（{'、'.join(marks[:3])}）", "defaced": marks[:5],
            "fields": list(dict.fromkeys(f for f, _ in found)), "title": page.title[:100]}  # fmt: skip
