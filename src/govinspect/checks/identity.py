"""Site identity in the home-page footer (identity.missing).

国办发〔2017〕47号《政府网站发展指引》 asks every government site to show at the bottom of its
home page: the 党政机关网站标识 badge, 网站标识码, 主办单位, ICP 备案编号 and 公安机关备案号
(formats from real footers, see indicators.md "Site identity"). Footers are not always marked
up, so the whole visible text is searched and matches in its last third are preferred.
承办单位 is optional and only recorded.

Many portals load their footer by script or include (``document.write`` from a shared
script, ``$("#footer").load(...)``, SSI, iframes); crawl/includes.py fetches those once per
site and this check reads the home page together with them, as a visitor sees it. When the
footer is loaded from somewhere the crawl could not read (a 404 fragment, a script building
it from data), the items not seen make one ``notice`` saying so, not one deduction each.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from ..extract.dates import normalize
from ..model import Finding, Link, Page
from ..snapshot import Snapshot
from ..urls import normalize_url
from .availability import UNREADABLE
from .base import Context

ITEMS: tuple[str, ...] = ("sponsor", "site_code", "icp", "police_record", "conac")

# Province abbreviations that open ICP and police record numbers (工信部 / 公安部 formats).
_PROV = "京津沪渝冀晋辽吉黑苏浙皖闽赣鲁豫鄂湘粤琼川蜀贵黔云滇陕秦甘陇青台蒙桂宁新藏港澳"

SITE_CODE_FORMAT = re.compile(r"^(?:\d{10}|bm\d{8})$")
_SITE_CODE_LABEL = re.compile(r"网站(?:标识|识别)码\s*[:：]?\s*")
_SITE_CODE_PREFIX = re.compile(r"(?:bm\d{8}|\d{10})(?!\d)", re.I)
# The trailing 号 is often left out; the number itself is what is checked.
_ICP = re.compile(rf"([{_PROV}])\s*ICP\s*备\s*(\d{{4,}})\s*号?(?:\s*-\s*(\d+))?", re.I)
_ICP_LOOSE = re.compile(r"[\u4e00-\u9fa5]?ICP\s*备[^\s]{0,24}", re.I)
_POLICE = re.compile(rf"([{_PROV}])\s*公网安备\s*(?:号\s*)?[:：]?\s*(\d{{14}})(?!\d)\s*号?")
# The 14-digit number under other labels: "公安机关备案号：43010302000524" (a provincial
# bureau's footer, an el-footer of 湖南省市场监督管理局 found by code search) and a city
# bureau's "郑公备：41010029000130" (henan.gov.cn footer script, github mhxqwer/zyjhenan.gov.cn
# static/js/footer.js).
_POLICE_LABELLED = re.compile(
    r"(?:(?:公安机关|公安|公网安)备案(?:编?号)?|[\u4e00-\u9fa5]公备)\s*[:：]?\s*(\d{14})(?!\d)")
_POLICE_LOOSE = re.compile(r"[\u4e00-\u9fa5]?公网安备[^\s]{0,4}\s*[^\s]{0,24}")
_SPONSOR = re.compile(r"(?:网站)?主\s*办(?:\s*单\s*位)?\s*[:：]\s*")
# "淮南市人民政府办公室主办" style, only trusted near the bottom of the page.
_SPONSOR_AFTER = re.compile(r"([^\s:：|｜,，;；]{2,40}?)\s*主办(?=\s|$|[,，;；|｜。]|[^\s]{2,40}承办)")
_ORGANIZER = re.compile(r"承\s*办(?:\s*单\s*位)?\s*[:：]\s*")
# Where a footer value ends when the next label follows without a space.
_NEXT_LABEL = re.compile(
    r"主办|承办|协办|技术支持|网站标识码|网站识别码|联系|地址|电话|邮编|邮箱|传真|ICP|备案|公网安备"
    r"|版权|Copyright|运维|建议使用|网站地图",
    re.I,
)
_LEADING = re.compile(r"^(?:版权所有|Copyright|©|\(c\))\s*", re.I)
_CONAC_SCRIPT = re.compile(r"/CA\d{15,}\.js(?:$|\?)", re.I)  # dcs.conac.cn/js/.../CA130...1.js
_CONAC_ALT = "党政机关"
_TAIL_CHARS = 1000
_MAX_FRAMES = 5
# Text that says a fragment is (part of) a footer: the items themselves, 版权, contact lines.
_FOOTER_TEXT = re.compile(r"主\s*办|承\s*办|版权|Copyright|ICP|公网安备|网站标识码|网站识别码|地址|电话", re.I)

LABELS = {
    "sponsor": "主办单位",
    "site_code": "网站标识码",
    "icp": "ICP 备案编号",
    "police_record": "公安机关备案号",
    "conac": "党政机关网站标识",
}
EXAMPLES = {
    "site_code": "10 位数字或 bm 加 8 位数字",
    "icp": "京ICP备04000001号-2",
    "police_record": "京公网安备 11040102700072号",
}


@dataclass(slots=True)
class Identity:
    """What the home page shows of each identity item; ``None`` when absent."""

    sponsor: str | None = None
    organizer: str | None = None
    site_code: str | None = None
    icp: str | None = None
    police_record: str | None = None
    conac: bool = False
    invalid: dict[str, str] = field(default_factory=dict)  # item -> the malformed text found

    def values(self) -> dict[str, object]:
        """The found values as evidence."""
        return {"sponsor": self.sponsor, "organizer": self.organizer, "site_code": self.site_code,
                "icp": self.icp, "police_record": self.police_record, "conac": self.conac}


def check(snap: Snapshot, ctx: Context) -> Iterator[Finding]:
    home = snap.home
    if home is None or not home.ok or home.error in UNREADABLE or not home.is_html:
        return  # availability reports why
    url = snap.home_url or ctx.site.url
    includes = snap.probes.get("includes")
    page = with_includes(with_frames(snap, home), includes)
    if len(page.text.strip()) < 20 and not page.links:
        yield Finding("identity.missing", "notice", url, "首页无可见文字，未能检查网站标识",
                      {"item": "footer", "error": "首页无可见文字(可能由脚本生成)"})
        return
    found = read_identity(page)
    sources = [str(f.get("url")) for f in (includes or {}).get("fragments") or []]
    yield from _findings(found, ctx.site.site_code, url, home.meta, unresolved(includes), sources)


def with_includes(home: Page, includes: dict[str, Any] | None) -> Page:
    """The home page with the text and references of the fragments it loads (crawl/includes.py)."""
    fragments = (includes or {}).get("fragments") or []
    if not fragments:
        return home
    links = [Link(str(d.get("url") or ""), str(d.get("text") or ""), str(d.get("tag") or "a"))
             for f in fragments for d in f.get("links") or []]
    # Footers come last on a page: appended text stays in the zone read as the footer.
    return replace(home, text=" ".join([home.text, *(str(f.get("text") or "") for f in fragments)]),
                   links=[*home.links, *links],
                   script_targets=[*home.script_targets, *(t for f in fragments for t in f.get("script_targets") or [])])


def unresolved(includes: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Footer includes the crawl could not read, and empty footer boxes no readable fragment fills."""
    if not includes:
        return []
    out = [dict(u) for u in includes.get("unresolved") or [] if u.get("footer")]
    if includes.get("error"):  # the probe could not read the home page's includes at all
        out.append({"url": includes.get("url"), "via": "probe", "error": includes["error"],
                    "reason": f"未能读取首页引用的页面片段({includes['error']})"})
    filled = any(_FOOTER_TEXT.search(str(f.get("text") or "")) for f in includes.get("fragments") or [])
    if not filled:
        out += [{"url": includes.get("url"), "via": "container", "error": "script",
                 "reason": f"页面底部容器 {box} 为空(由脚本生成)"} for box in includes.get("containers") or []]
    return out


def with_frames(snap: Snapshot, home: Page) -> Page:
    """The home page with the text and references of the frames it embeds (footer iframes, framesets)."""
    frames: list[Page] = []
    for link in home.links:
        if link.tag in ("iframe", "frame") and len(frames) < _MAX_FRAMES:
            frame = snap.page(normalize_url(link.url) or link.url)
            if frame is not None and frame.ok and frame.url != home.url:
                frames.append(frame)
    if not frames:
        return home
    return replace(home, text=" ".join([home.text, *(f.text for f in frames)]),
                   links=[*home.links, *(link for f in frames for link in f.links)],
                   script_targets=[*home.script_targets, *(t for f in frames for t in f.script_targets)])


def read_identity(page: Page) -> Identity:
    """Read every identity item from a page's visible text and references."""
    text = normalize(page.text)
    # The footer zone: the last third, and at least the last _TAIL_CHARS characters.
    tail = max(0, min(len(text) * 2 // 3, len(text) - _TAIL_CHARS))
    ident = Identity(conac=has_conac(page))
    ident.sponsor = _sponsor(text, tail)
    ident.organizer = _pick([(m.start(), _value(text, m.end())) for m in _ORGANIZER.finditer(text)], tail)
    ident.site_code = _pick([(m.start(), _code_after(text[m.end() : m.end() + 40]))
                             for m in _SITE_CODE_LABEL.finditer(text)], tail)
    if ident.site_code is not None and not SITE_CODE_FORMAT.match(ident.site_code):
        ident.invalid["site_code"] = ident.site_code
    ident.icp = _formatted(_ICP, text, tail, _icp_value)
    if ident.icp is None and (loose := _loose(_ICP_LOOSE, text, tail)) is not None:
        ident.invalid["icp"] = loose
    ident.police_record = (_formatted(_POLICE, text, tail, lambda m: f"{m[1]}公网安备 {m[2]}号")
                           or _formatted(_POLICE_LABELLED, text, tail, lambda m: m[0].strip()))
    if ident.police_record is None and (loose := _loose(_POLICE_LOOSE, text, tail)) is not None:
        ident.invalid["police_record"] = loose
    return ident


def has_conac(page: Page) -> bool:
    """True when the page carries the 党政机关 badge: a conac.cn link or image, its alt, or its script."""
    for link in page.links:
        if _conac_url(link.url):
            return True
        if link.tag != "script" and _CONAC_ALT in link.text and len(link.text) <= 12:
            return True
    # Inline loaders (document.write of the _ideConac script) found by extract/security.py.
    return any(_conac_url(str(t.get("url") or "")) or "_ideconac" in str(t.get("snippet") or "").lower()
               for t in page.script_targets)


def _conac_url(url: str) -> bool:
    low = url.lower()
    return "conac.cn" in low or "_ideconac" in low or bool(_CONAC_SCRIPT.search(url))


def _findings(found: Identity, expected: str | None, url: str, meta: dict[str, str],
              unread: list[dict[str, Any]] | None = None, sources: list[str] | None = None) -> Iterator[Finding]:
    values = found.values()
    not_seen: list[str] = []
    for item in ITEMS:
        value = getattr(found, item)
        evidence: dict[str, object] = {"item": item, "values": values}
        if sources:  # the footer was read from these fragments too (crawl/includes.py)
            evidence["footer_from"] = sources[:5]
        if item == "site_code" and value is not None and expected and _code_key(value) != _code_key(expected):
            evidence.update(problem="mismatch", found=value, expected=expected.strip())
            yield Finding("identity.missing", "deduct", url,
                          f"网站标识码 {value} 与登记的 {expected.strip()} 不一致", evidence)
        elif item in found.invalid:
            bad = found.invalid[item]
            evidence.update(problem="invalid", found=bad)
            yield Finding("identity.missing", "deduct", url,
                          f"{LABELS[item]} {bad} 格式不规范(应如 {EXAMPLES[item]})", evidence)
        elif not value and unread:
            not_seen.append(item)  # perhaps in the footer the crawl could not read: one notice below
        elif not value:
            evidence.update(problem="missing", found=None)
            where = "首页" if item == "conac" else "首页底部"
            note = ""
            meta_code = _meta(meta, "siteidcode")
            if item == "site_code" and meta_code:
                evidence["meta"] = meta_code
                note = f"(页面元数据 SiteIDCode 为 {meta_code}，但未在页面展示)"
            yield Finding("identity.missing", "deduct", url, f"{where}未发现{LABELS[item]}{note}", evidence)
    if not_seen and unread:
        first = unread[0]
        labels = "、".join(LABELS[i] for i in not_seen)
        yield Finding("identity.missing", "notice", url,
                      f"页面底部由脚本或包含文件加载，未能读取({first.get('url')}: {first.get('reason')})，"
                      f"未能检查{labels}",
                      {"item": "footer", "problem": "unresolved", "missing": not_seen, "values": values,
                       "includes": [{k: u.get(k) for k in ("url", "via", "error", "reason")} for u in unread[:5]]})


def _sponsor(text: str, tail: int) -> str | None:
    found = [(m.start(), _value(text, m.end())) for m in _SPONSOR.finditer(text)]
    found += [(m.start(), _clean(m.group(1))) for m in _SPONSOR_AFTER.finditer(text, tail)]
    return _pick(sorted(found, key=lambda f: f[0]), tail)


def _value(text: str, start: int) -> str | None:
    """The footer value after a label: up to the next space, separator or label."""
    m = re.match(r"[^\s|｜,，;；]{1,60}", text[start:])
    return _clean(m.group()) if m else None


def _clean(value: str) -> str | None:
    value = _LEADING.sub("", value)
    cut = _NEXT_LABEL.search(value, 1)
    value = (value[: cut.start()] if cut else value).strip("：:、。.-—")
    return value if len(value) >= 2 else None


def _code_after(rest: str) -> str | None:
    """The code after its label, rejoining digits a template split with spaces ("340400 0001")."""
    tokens = re.findall(r"[0-9A-Za-z]+|\S", rest)
    if not tokens or not (tokens[0].isascii() and tokens[0].isalnum()):
        return None
    value = tokens[0]
    for tok in tokens[1:]:
        if not (value.isdigit() and tok.isdigit() and len(value) + len(tok) <= 10):
            break
        value += tok
    m = _SITE_CODE_PREFIX.match(value)
    return m.group().lower() if m else value


def _code_key(code: str) -> str:
    return normalize(code).strip().lower()


def _formatted(pattern: re.Pattern[str], text: str, tail: int,
               render: Callable[[re.Match[str]], str]) -> str | None:
    """The canonical form of the preferred well-formed match, None when there is none."""
    matches = list(pattern.finditer(text))
    if not matches:
        return None
    return render(next((m for m in matches if m.start() >= tail), matches[-1]))


def _icp_value(m: re.Match[str]) -> str:
    return f"{m[1]}ICP备{m[2]}号" + (f"-{m[3]}" if m[3] else "")


def _loose(pattern: re.Pattern[str], text: str, tail: int) -> str | None:
    return _pick([(m.start(), m.group().strip()) for m in pattern.finditer(text)], tail)


def _pick(found: list[tuple[int, str | None]], tail: int) -> str | None:
    """The first value found in the last third of the text, else the last one found."""
    usable = [(start, value) for start, value in found if value]
    if not usable:
        return None
    return next((v for s, v in usable if s >= tail), usable[-1][1])


def _meta(meta: dict[str, str], name: str) -> str:
    return next((v for k, v in meta.items() if k.lower() == name and v), "")
