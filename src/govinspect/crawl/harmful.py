"""External link targets fetched once each, so that checks/harmful.py can tell which now serve spam.

A friend link or an old article's link to a company, association or event site outlives the
site's domain; when the registration lapses, gambling operators buy such domains for the links
and the search ranking they bring. Such targets still answer 200, so a link check passes
them; they serve a casino page or redirect (301/302) to the casino's own domain. Sources:
github.com/jivoi/awesome-osint pull 1126 (11 listed domains hijacked or parked, six serving
gambling, several by 301 to another domain), github.com/robhunter/agentdeals issue 1229
(expired domains taken over by slot sites, found by comparing the registrable domain linked
with the one that answers), github.com/gojp/goreportcard issue 449 and
github.com/hagezi/dns-blocklists issue 9747 (an expired domain now redirecting to a casino).
The link check only asks whether a target answers; here each distinct external
HTML target (GET with the linking page as Referer, at most ``harmful_max_bytes``) is read: its title, meta keywords and
description and visible text. Redirects are followed by the Fetcher; a page that moves on by
meta refresh or script (as casino landing pages do) is followed one hop more. Not fetched:
government domains (``*.gov.cn`` and the like), hosts given as an IP address (an address is
not a domain anyone can re-register; sites inside one network link each other that way),
``assume_ok_hosts``, documents and images by their extension, and links that already failed
the link check.

The engine stores the result in ``snap.probes["harmful"]``:
``{"targets": [{"target", "status", "final_url", "error", "title", "meta", "text"}, ...]}`` and
the coverage in ``snap.probes["coverage"]["harmful_links"]``. Judging is the check's job.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import time
from collections import Counter
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from ..errors import FetchError
from ..extract.html import extract_page
from ..http import Fetcher, is_html
from ..model import Page
from ..snapshot import Snapshot
from ..text import decode_html, looks_binary
from ..urls import NON_HTML_EXT, url_ext
from .cloaking import budget_deadline

log = logging.getLogger(__name__)
MAX_TEXT = 10_000
PER_HOST = 3  # distinct targets fetched per host: a news site linked 200 times is read 3 times
# Government names are not fetched (issue 8, item 9): government sites are inspected in their
# own right (.gov.cn: CNNIC rules for 政府机构域名; .gov.hk/.gov.mo; 政务 is the CONAC-run
# Chinese-script TLD for government bodies). Known gap: abandoned .gov.cn names do get traded
# and reused for grey sites (eqbang.com/jzzs/7446215.html, 2023); such a link is not read here.
GOV_SUFFIXES = ("gov.cn", "gov.hk", "gov.mo", "gov.tw", "gov", "mil.cn", "xn--zfr164b", "政务")
_FOLLOW = frozenset({"location", "meta_refresh"})


def government(host: str) -> bool:
    """True for a government host name (``www.gov.cn``, ``jyt.ah.gov.cn``, ``xx.政务``)."""
    host = host.lower().rstrip(".")
    return any(host == s or host.endswith("." + s) for s in GOV_SUFFIXES)


def _address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def candidates(snap: Snapshot, settings: Any) -> tuple[list[str], int]:
    """(external targets to fetch, home-page links first, at most PER_HOST per host; total eligible)."""
    skip = {h.lower() for h in settings.assume_ok_hosts} | {h.lower() for h in snap.scope_hosts}
    home_links = [link.url for link in snap.home.links] if snap.home is not None else []
    found: list[str] = []
    for status in snap.targets():
        if status.internal or status.broken or status.error:
            continue
        target = status.target
        parts = urlsplit(target)
        host = (parts.hostname or "").lower()
        if parts.scheme not in ("http", "https") or not host or government(host) or _address(host):
            continue
        if host in skip or parts.netloc.lower() in skip or url_ext(target) in NON_HTML_EXT:
            continue
        found.append(target)
    first = set(home_links)
    found.sort(key=lambda t: t not in first)  # stable: home-page links first, then by URL
    per_host: Counter[str] = Counter()
    chosen = []
    for target in found:
        host = urlsplit(target).netloc.lower()
        if per_host[host] < PER_HOST:
            per_host[host] += 1
            chosen.append(target)
    return chosen, len(found)


async def _read(fetcher: Fetcher, url: str, cap: int, as_of: date, referer: str | None = None) -> dict[str, Any]:
    rec: dict[str, Any] = {"target": url, "status": None, "final_url": None, "error": None,
                           "title": "", "meta": "", "text": ""}
    # Sent as a visitor clicking the link sends it: kits on re-registered domains often show
    # their casino only to visitors who arrive from another site.
    headers = {"Referer": referer} if referer else None
    try:
        resp = await fetcher.fetch(url, body_if=is_html, max_bytes=cap, headers=headers)
    except FetchError as exc:
        rec["error"] = exc.kind
        return rec
    rec["status"], rec["final_url"] = resp.status, resp.final_url
    if resp.status >= 400 or not resp.body or not is_html(resp.headers) or looks_binary(resp.body):
        return rec
    page = Page(url=url, final_url=resp.final_url)
    text, _ = decode_html(resp.body, resp.headers.get("content-type"))
    extract_page(page, text, as_of)
    rec["title"], rec["text"] = page.title[:200], page.text[:MAX_TEXT]
    rec["meta"] = " 。".join(v for k, v in page.meta.items() if k.lower() in ("keywords", "description") and v)[:1000]
    rec["moves_to"] = next((str(t.get("url")) for t in page.script_targets
                            if t.get("technique") in _FOLLOW and t.get("url")), None)  # fmt: skip
    return rec


async def probe_harmful(snap: Snapshot, fetcher: Fetcher, as_of: date | None = None) -> dict[str, Any] | None:
    """Fetch each chosen external target once; None when the probe is off (see module docstring)."""
    settings = fetcher.settings
    if not (settings.harmful_links and settings.check_external and settings.harmful_max_targets):
        return None
    as_of = as_of or snap.as_of or date.today()
    deadline = budget_deadline(snap, settings.site_budget)
    chosen, eligible = candidates(snap, settings)
    limit = settings.harmful_max_targets
    # per_host_skipped: more URLs of a host already read (stats only); skipped: over the cap.
    cov: dict[str, Any] = {"targets_eligible": eligible, "targets_fetched": 0, "per_host_skipped": eligible - len(chosen),
                           "skipped": max(0, len(chosen) - limit), "failed": 0, "too_large": 0, "stopped": None}  # fmt: skip
    queue: asyncio.Queue[str] = asyncio.Queue()
    for target in chosen[:limit]:
        queue.put_nowait(target)
    out: list[dict[str, Any]] = []

    async def worker() -> None:
        while not queue.empty():
            target = queue.get_nowait()
            if time.monotonic() >= deadline:
                cov["stopped"] = f"超过单站时间上限 {settings.site_budget:g} 秒"
                continue
            linking = snap.referrers(target, 1)
            try:
                rec = await _read(fetcher, target, settings.harmful_max_bytes, as_of, linking[0] if linking else None)
                hop = rec.pop("moves_to", None)
                if hop and urlsplit(hop).scheme in ("http", "https") and not government(urlsplit(hop).hostname or ""):
                    # One hop of a meta refresh or script redirect: the destination is what visitors see.
                    nxt = await _read(fetcher, hop, settings.harmful_max_bytes, as_of, target)
                    nxt.pop("moves_to", None)
                    if nxt["title"] or nxt["text"]:
                        rec.update({k: nxt[k] for k in ("final_url", "title", "meta", "text")})
                        rec["final_url"] = nxt["final_url"] or hop
            except Exception as exc:  # a page the parser cannot survive: counted, never fatal
                log.warning("harmful-link read of %s failed: %s", target, exc)
                rec = {"target": target, "status": None, "final_url": None, "error": "decode",
                       "title": "", "meta": "", "text": ""}
            cov["targets_fetched"] += 1
            cov["failed"] += bool(rec["error"] and rec["error"] != "too_large")
            cov["too_large"] += rec["error"] == "too_large"
            out.append(rec)

    await asyncio.gather(*(worker() for _ in range(max(4, settings.per_host * 2))))
    snap.probes.setdefault("coverage", {})["harmful_links"] = cov
    out.sort(key=lambda r: str(r["target"]))
    return {"targets": out}
