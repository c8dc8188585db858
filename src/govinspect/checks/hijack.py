"""Hijacked pages (security.hijack): spam words, hidden links, script redirects, cloaking, tampering.

A defaced page is a single-veto item (国办秘函〔2019〕19号《政府网站与政务新媒体检查指标》,
单项否决 "安全、泄密事故等严重问题": 发布或链接反动、暴力、色情等内容; 网站被篡改、挂马、暗链 as
the inspection circulars name it). Every kind below is a veto, one finding per page and kind:

- ``keyword``: spam terms of data/hijack/keywords.yaml in the visible text, title and meta
  keywords/description, normalised (full-width, homoglyphs, separators) and counted by the
  file's documented rule (checks/lexicon.py ``find_spam``, ``SpamRule``), so that 扫黑除恶
  and anti-fraud notices do not fire.
- ``hidden_link``: a hidden link (extract/security.py) whose anchor text is spam, or that
  points to a foreign domain (not the site, not ``*.gov.cn``, not a trusted platform) and is
  either hidden by a concealment trick (off-screen, zero size, marquee, ...) or has anchor
  text that names no institution or outlet. ``display:none`` is also how menus, tab panels
  and carousels wait for a click: their links to 某某日报 or image-only slides do not fire.
- ``js_redirect``: script or meta-refresh targets on foreign domains (statistics,
  accessibility and CDN hosts trusted), and search-engine referrer checks that redirect.
- ``cloaking``: the spider or search-referer refetch (``snap.probes["cloaking"]``) shows new
  spam, a spam title, another host, several new foreign links, or a planted hidden link or
  script target that the normal view lacks (dates and counters are never compared).
- ``tamper``: spam in the home page's title or meta tags (one strong term is enough there), or
  at least 30 % and 10 of a page's links pointing to one foreign domain.

Bound: an injection repeated by a site-wide template would give one finding per page. Only
the first ``MAX_PAGES_PER_KIND`` pages per kind (in crawl order: home page first) are reported;
the first finding of each kind carries ``pages_total``, the number of pages that showed it.
A registry entry may trust more domains with ``overrides: {hijack_allow_domains: [...]}``.
"""

from __future__ import annotations

import ipaddress
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from ..model import Finding, Page
from ..snapshot import Snapshot
from .base import Context, walk
from .lexicon import HIJACK, Lexicon, Match, SpamRule, context, find_spam

MAX_PAGES_PER_KIND = 20
_SAMPLE = 5
DRIFT_SHARE, DRIFT_MIN_LINKS = 0.30, 10
CLOAK_NEW_LINKS = 3

# Domains a government page legitimately hides, writes from scripts or links to in bulk:
# statistics (cnzz/umeng, 51.la, 百度统计 hm.js, TRS 网脉 ta.trs.cn, 开普云 ucap, 大汉 hanweb),
# share buttons (jiathis, bshare), the 党政机关 badge (conac.cn, _ideConac), accessibility
# (govwza.cn; any host label "wza"), public CDNs (bdimg, bdstatic, bootcss, staticfile, ...),
# central media and the official platforms that 政务新媒体 columns link to (国办发〔2018〕123号).
TRUSTED_DOMAINS = frozenset(
    {"cnzz.com", "umeng.com", "51.la", "baidu.com", "bdstatic.com", "bdimg.com", "google-analytics.com",
     "googletagmanager.com", "qihucdn.com", "trs.cn", "trs.com.cn", "ucap.com.cn", "hanweb.com",
     "jiathis.com", "bshare.cn", "conac.cn", "govwza.cn", "bootcss.com", "bootcdn.net", "bootcdn.cn",
     "staticfile.org", "jsdelivr.net", "cloudflare.com", "googleapis.com", "jquery.com", "unpkg.com",
     "people.com.cn", "xinhuanet.com", "news.cn", "cctv.com", "cctv.cn", "cntv.cn", "gmw.cn",
     "chinadaily.com.cn", "china.com.cn", "cnr.cn", "cri.cn", "chinanews.com", "chinanews.com.cn",
     "ce.cn", "youth.cn", "qstheory.cn", "12371.cn", "12377.cn", "12321.cn", "qq.com", "weibo.com",
     "weibo.cn", "toutiao.com", "douyin.com", "xuexi.cn", "12306.cn"}
)  # fmt: skip
# Techniques that only serve to conceal; display:none, visibility and the hidden attribute
# are also how menus and tab panels wait for a click.
CONCEALING = frozenset({"offscreen", "font_size_zero", "zero_size", "text_indent", "opacity_zero",
                        "same_color", "line_height_zero", "marquee"})  # fmt: skip
# Anchor text that names an institution or a news outlet (人民网, 淮南日报, 某某市人民政府).
_OFFICIAL_SUFFIXES = ("网", "报", "台", "政府", "局", "委", "委员会", "厅", "部", "办", "办公室", "中心", "院", "馆", "会", "所", "站", "平台", "门户")  # fmt: skip
_SECOND_LEVEL = frozenset({"com", "net", "org", "gov", "edu", "ac", "mil"})
TECHNIQUES = {
    "display_none": "display:none 隐藏", "visibility_hidden": "visibility 隐藏", "hidden_attr": "hidden 属性隐藏",
    "offscreen": "定位到可视区域之外", "font_size_zero": "字号为 0", "zero_size": "尺寸为 0 且溢出隐藏",
    "text_indent": "文字缩进到可视区域之外", "opacity_zero": "完全透明", "same_color": "文字与背景同色",
    "line_height_zero": "行高为 0", "marquee": "marquee 隐藏", "location": "脚本跳转",
    "referrer_check": "判断搜索引擎来源后跳转", "document_write": "document.write 写入",
    "inner_html": "innerHTML 写入", "script_inject": "动态插入外部脚本", "meta_refresh": "meta 刷新跳转",
}  # fmt: skip
_CATEGORY = {"gambling": "博彩", "porn": "色情", "fraud": "诈骗及非法服务"}


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


@dataclass(slots=True)
class Judge:
    """Which hosts belong to the site, to government or to trusted platforms; the lexicon and rule."""

    netlocs: frozenset[str]
    domains: frozenset[str]
    trusted: frozenset[str] = TRUSTED_DOMAINS
    lexicon: Lexicon = field(default_factory=lambda: Lexicon.load((HIJACK,)))
    rule: SpamRule = field(default_factory=SpamRule.load)

    @classmethod
    def for_snapshot(cls, snap: Snapshot, ctx: Context) -> Judge:
        urls = [ctx.site.url, snap.site.url, snap.home_url or ""]
        if snap.home is not None:
            urls.append(snap.home.final_url)
        netlocs = {urlsplit(u).netloc.lower() for u in urls if u} - {""}
        netlocs |= {h.lower() for h in snap.scope_hosts}
        domains = {registrable(n.rsplit(":", 1)[0] if "]" not in n else n) for n in netlocs}
        extra = ctx.site.overrides.get("hijack_allow_domains") or []
        trusted = TRUSTED_DOMAINS | {str(d).lower() for d in extra if isinstance(d, str)}
        return cls(frozenset(netlocs), frozenset(domains), frozenset(trusted))

    def foreign(self, url: str) -> str | None:
        """The registered domain of ``url`` when it is neither the site, government nor trusted."""
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
        accessibility = "wza" in host.split(".")  # 无障碍 services: wza.<vendor>.com
        if government or accessibility or domain in self.domains or domain in self.trusted:
            return None
        return domain

    def spam(self, text: str) -> list[Match]:
        """Spam terms of ``text`` that count under the keyword file's rule (enforcement context removed)."""
        return find_spam(text, self.lexicon, self.rule) if text else []


def check(snap: Snapshot, ctx: Context) -> list[Finding]:
    """Every security.hijack finding of the site, at most ``MAX_PAGES_PER_KIND`` per kind."""
    return walk(snap, visitor(snap, ctx))


def visitor(snap: Snapshot, ctx: Context) -> HijackVisitor:
    return HijackVisitor(snap, Judge.for_snapshot(snap, ctx))


class HijackVisitor:
    """Page findings in page order, then cloaking from the probes, capped per kind."""

    def __init__(self, snap: Snapshot, judge: Judge) -> None:
        self.snap, self.judge = snap, judge
        self.capped = _Capped()

    def visit(self, page: Page) -> None:
        if not page.attachment:
            self.capped.extend(page_findings(page, self.judge, home=page.url == self.snap.home_url))

    def finish(self) -> list[Finding]:
        self.capped.extend(cloaking(self.snap, self.judge))
        return self.capped.findings()


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
    if head or drift:
        evidence = {**(drift or {}), **(head or {})}
        evidence["detail"] = "；".join(e["detail"] for e in (head, drift) if e)
        yield _finding(page, "tamper", f"页面疑似被篡改：{evidence['detail']}", evidence)


def _finding(page: Page, kind: str, message: str, evidence: dict[str, Any]) -> Finding:
    return Finding(
        "security.hijack", "veto", page.final_url or page.url, message, {"kind": kind, **evidence}
    )


def _words(matches: Iterable[Match]) -> list[str]:
    return list(dict.fromkeys(m.entry.word for m in matches))


def _keyword(page: Page, judge: Judge, include_head: bool = True) -> Finding | None:
    fields = [("text", page.text)]
    if include_head:
        fields += [("title", page.title), ("meta", _meta(page))]
    found = [(name, text, m) for name, text in fields for m in judge.spam(text)]
    if not found:
        return None
    # Rule 4 of the keyword file: a spam term that is the text of a link to a foreign domain.
    planted = [link.url for link in page.links
               if link.tag == "a" and link.text and judge.foreign(link.url) and judge.spam(link.text)]  # fmt: skip
    if not judge.rule.fires((m for _, _, m in found), in_link_text=bool(planted)):
        return None
    words = _words(m for _, _, m in found)
    _, text, first = found[0]
    categories = list(dict.fromkeys(_CATEGORY.get(m.entry.kind, m.entry.kind) for _, _, m in found))
    evidence: dict[str, Any] = {
        "detail": f"出现{'、'.join(categories)}类违规词：{'、'.join(words[:_SAMPLE])}",
        "words": words[:10], "categories": categories, "where": list(dict.fromkeys(n for n, _, _ in found)),
        "context": context(text, first.start, first.end),
    }  # fmt: skip
    if planted:
        evidence["link"] = planted[0]
    return _finding(
        page,
        "keyword",
        f"页面含{'、'.join(categories)}等违规内容（{'、'.join(words[:3])}）",
        evidence,
    )


def _meta(page: Page) -> str:
    """Meta keywords and description joined (names compared case-insensitively)."""
    return " 。".join(
        v for k, v in page.meta.items() if k.lower() in ("keywords", "description") and v
    )


def planted_hidden(links: Iterable[dict[str, Any]], judge: Judge) -> list[dict[str, Any]]:
    """The hidden links that are planted: spam anchor text, or a foreign target hidden for real."""
    hits: list[dict[str, Any]] = []
    for link in links:
        url, text, technique = (str(link.get(k) or "") for k in ("url", "text", "technique"))
        domain = judge.foreign(url)
        spam = judge.spam(text)
        named = text and not text.endswith(_OFFICIAL_SUFFIXES)
        if (spam and (domain or any(m.entry.weight >= 2 for m in spam))) or (
            domain and (technique in CONCEALING or named)
        ):
            hits.append({"target": url, "text": text, "technique": technique, "domain": domain or ""})  # fmt: skip
    return hits


def malicious_scripts(targets: Iterable[dict[str, Any]], judge: Judge) -> list[dict[str, Any]]:
    """Script targets on foreign domains, and search-engine referrer checks whatever their target."""
    return [
        t for t in targets
        if (t.get("url") and judge.foreign(str(t["url"]))) or (not t.get("url") and t.get("technique") == "referrer_check")
    ]  # fmt: skip


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
        "sample": [{k: h[k] for k in ("target", "text", "technique")} for h in hits[:_SAMPLE]],
    }  # fmt: skip
    return _finding(page, "hidden_link", f"页面存在暗链：{evidence['detail']}", evidence)


def _js_redirect(page: Page, judge: Judge) -> Finding | None:
    hits = malicious_scripts(page.script_targets, judge)
    if not hits:
        return None
    first = hits[0]
    technique = first.get("technique") or ""
    shown = first.get("url") or "（地址无法静态解析）"
    evidence: dict[str, Any] = {
        "detail": f"{TECHNIQUES.get(technique, technique)}到 {shown}", "technique": technique,
        "target": first.get("url") or "", "snippet": str(first.get("snippet") or "")[:120],
        "decoded": list(first.get("decoded") or []), "count": len(hits),
        "targets": list(dict.fromkeys(h.get("url") or "" for h in hits))[:_SAMPLE],
    }  # fmt: skip
    return _finding(
        page, "js_redirect", f"页面脚本存在恶意跳转或外链写入：{evidence['detail']}", evidence
    )


def _head_tamper(page: Page, judge: Judge) -> dict[str, Any] | None:
    """Spam in the title or meta tags: one strong term is enough, weak ones count by the rule."""
    found = [
        (name, m)
        for name, text in (("title", page.title), ("meta", _meta(page)))
        for m in judge.spam(text)
    ]
    matches = [m for _, m in found]
    if not matches or not (any(m.entry.weight >= 2 for m in matches) or judge.rule.fires(matches)):
        return None
    fields = list(dict.fromkeys(name for name, _ in found))
    place = (
        "标题" if fields == ["title"] else "关键词或描述" if fields == ["meta"] else "标题和关键词"
    )
    words = _words(matches)
    return {"detail": f"首页{place}被篡改，含违规词：{'、'.join(words[:_SAMPLE])}", "fields": fields,
            "words": words[:10], "title": page.title[:100]}  # fmt: skip


def _drift(page: Page, judge: Judge) -> dict[str, Any] | None:
    """One foreign domain taking a large share of the page's links."""
    anchors = [link.url for link in page.links if link.tag in ("a", "area")]
    if len(anchors) < DRIFT_MIN_LINKS:
        return None
    counts = Counter(d for d in map(judge.foreign, anchors) if d)
    if not counts:
        return None
    domain, count = counts.most_common(1)[0]
    share = count / len(anchors)
    if count < DRIFT_MIN_LINKS or share < DRIFT_SHARE:
        return None
    return {"detail": f"{share:.0%} 的链接（{count}/{len(anchors)}）指向同一无关网站 {domain}",
            "domain": domain, "share": round(share, 3), "count": count, "total": len(anchors)}  # fmt: skip


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
        set(_words(judge.spam(f"{normal.title}\n{normal.text}\n{_meta(normal)}")))
        if normal
        else set()
    )
    new = [m for m in judge.spam(f"{title}\n{text}") if m.entry.word not in normal_words]
    details: list[str] = []
    evidence: dict[str, Any] = {"agent": probe.get("agent")}
    new_title = [m for m in judge.spam(title) if m.entry.word not in normal_words]
    if new and (judge.rule.fires(new) or (new_title and title != (normal.title if normal else ""))):
        evidence["words"] = _words(new)[:10]
        details.append(f"出现普通访问时没有的违规词 {'、'.join(evidence['words'][:_SAMPLE])}")
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
    if len(new_links) >= CLOAK_NEW_LINKS or hidden:
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
    return evidence


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
