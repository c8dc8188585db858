"""Inline scripts that look obfuscated, run in a sandboxed QuickJS process to see where they send visitors.

Static decoding (``extract/scripts.py``) reads the usual layers; what it cannot read (the
javascript-obfuscator string-array rotation and accessor functions, JSFuck, strings reversed
or built by computed calls) is found by running every inline script that looks obfuscated.
Extraction only marks a page (``Page.pending_scripts``): the crawl runs
``ScriptSandbox.run`` in the sandbox's own thread, which hands the page's inline scripts to a
separate process (``extract/jsworker.py``) holding QuickJS with a memory limit and a
per-script time limit, and kills that process when a job overruns its wall-clock limit
(QuickJS does not interrupt a catastrophic regular expression). The stub browser records
location changes, written markup and inserted script sources; each page is run three ways
(a desktop visitor, a phone visitor coming from a Baidu search, Baiduspider) so that
search-engine conditional redirects show; a target seen only in the last two is
``referrer_check``. The results are ``page.script_targets`` entries with ``via: "sandbox"``;
a script that hit a limit is an entry with technique ``sandbox_limit`` (reported as
``crawl.incomplete``).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import re
import select
import subprocess
import sys
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from govinspect.model import Page

from .scripts import html_urls
from .suspicious import OMITTED, suspicious

__all__ = ["LIMIT_TECHNIQUE", "ScriptSandbox"]

log = logging.getLogger(__name__)

LIMIT_TECHNIQUE = "sandbox_limit"
SECONDS = 1.0  # per script, timer or handler (the worker allows a variant twice that in all)
MEMORY = 64 * 1024 * 1024  # bytes of the QuickJS heap
MAX_RUNS = 200  # distinct sets of suspicious scripts run per crawl; a site template's run once
MAX_SECONDS = 120.0  # wall-clock seconds the sandbox may take per crawl in all
_CACHE = 256
_SNIPPET = 120
# The three views of a page: a desktop visitor typing the address; a phone visitor coming
# from a Baidu result (the visitor search-hijack scripts aim at, often testing for a mobile
# User-Agent as well as the Referer); Baiduspider, its User-Agent as Baidu documents it
# (https://www.baidu.com/search/spider.html).
BROWSER_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"  # fmt: skip
MOBILE_UA = "Mozilla/5.0 (Linux; Android 12; V2171A) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36"  # fmt: skip
SPIDER_UA = "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)"
SEARCH_REFERRER = "https://m.baidu.com/from=844b/s?word=%E6%94%BF%E5%BA%9C"
VARIANTS = {"normal": (BROWSER_UA, ""), "search": (MOBILE_UA, SEARCH_REFERRER), "spider": (SPIDER_UA, "")}

_REFRESH_URL = re.compile(r"url\s*=\s*['\"]?\s*([^'\";\s]+)", re.I)
_TECHNIQUE = {"location": "location", "write": "document_write", "html": "inner_html", "src": "script_inject",
              "refresh": "meta_refresh"}  # fmt: skip
_REASONS = {"timeout": "运行超时", "memory": "内存超限", "killed": "运行超时被终止", "error": "沙箱运行失败",
            "unavailable": "沙箱不可用", "capped": "超过沙箱运行次数或时间上限",
            "size": "脚本过大未运行", "crashed": "沙箱进程异常退出"}  # fmt: skip


class ScriptSandbox:
    """One sandbox process per crawl, restarted after a kill; results cached by the scripts' hash."""

    def __init__(
        self, seconds: float = SECONDS, memory: int = MEMORY, max_runs: int = MAX_RUNS,
        max_seconds: float = MAX_SECONDS,
    ) -> None:  # fmt: skip
        self.seconds, self.memory, self.max_runs, self.max_seconds = seconds, memory, max_runs, max_seconds
        self.runs = 0
        self.killed = 0
        self.spent = 0.0
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        # Its own thread: a job waits up to seconds on the process and must not hold one of
        # the event loop's shared worker threads (parsing, documents, checks) meanwhile.
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jsbox")
        self._cache: OrderedDict[str, dict[str, Any]] = OrderedDict()

    # --- the page
    async def run(self, page: Page) -> None:
        """``apply`` in the sandbox's own thread, off the event loop."""
        await asyncio.get_running_loop().run_in_executor(self._thread, self.apply, page)

    def apply(self, page: Page) -> None:
        """Run ``page.pending_scripts`` and add what they did to ``page.script_targets``; never raises."""
        scripts, page.pending_scripts = page.pending_scripts, []
        if not scripts:
            return
        base = page.final_url or page.url
        try:
            answer = self.evaluate(scripts, base)
        except Exception as exc:  # the page keeps its static targets and says what was not run
            log.warning("sandbox failed on %s", page.url, exc_info=True)
            answer = {"error": f"{type(exc).__name__}: {exc}"[:200]}
        seen = {(str(t.get("url") or ""), str(t.get("technique") or "")) for t in page.script_targets}
        for target in targets_of(answer, scripts, base):
            key = (target["url"], target["technique"])
            if key not in seen:
                seen.add(key)
                page.script_targets.append(target)

    # --- the process
    def evaluate(self, scripts: list[str], url: str) -> dict[str, Any]:
        """The worker's answer for ``scripts`` on a page at ``url`` (variants, or ``error``/``limit``)."""
        # Keyed by the suspicious scripts only: an injected template script is the same on every
        # page while the page's other inline scripts (article ids, pager calls) differ. The
        # answer names scripts by their hash, so that a cached one fits another page's order.
        trigger = [code for code in scripts if code and suspicious(code)]
        key = _hash([urlsplit(url).netloc, *trigger])
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
            if self.runs >= self.max_runs or self.spent >= self.max_seconds:
                return {"limit": "capped"}
            self.runs += 1
            start = time.monotonic()
            answer = self._ask(scripts, url)
            self.spent += time.monotonic() - start
            answer["hashes"] = [_hash([code]) for code in scripts]
            if "variants" in answer or answer.get("limit") in ("killed", "crashed"):
                self._cache[key] = answer
                if len(self._cache) > _CACHE:
                    self._cache.popitem(last=False)
            return answer

    def _ask(self, scripts: list[str], url: str) -> dict[str, Any]:
        job = {"scripts": scripts, "seconds": self.seconds, "memory": self.memory,
               "variants": {name: _location(url, ua, ref) for name, (ua, ref) in VARIANTS.items()}}  # fmt: skip
        # Each variant may take twice ``seconds``; the rest is the process's start and margin.
        wall = len(VARIANTS) * 2 * self.seconds + 3.0
        proc = self._start()
        if proc is None or proc.stdin is None or proc.stdout is None:
            return {"limit": "unavailable"}
        try:
            proc.stdin.write(json.dumps(job).encode("utf-8", "surrogatepass") + b"\n")
            proc.stdin.flush()
            line = _read_line(proc.stdout.fileno(), time.monotonic() + wall)
        except OSError:
            line = b""  # the pipe broke: the process is gone
        if not line:
            # End of stream: the process ended by itself (a crash), even when the OS has not
            # reaped it yet; no line before the deadline: it overran and is killed.
            crashed = line == b"" or proc.poll() is not None
            self._kill()
            self.killed += 1
            return {"limit": "crashed" if crashed else "killed"}
        try:
            answer: dict[str, Any] = json.loads(line)
        except ValueError:
            self._kill()
            return {"error": "bad answer"}
        return answer

    def _start(self) -> subprocess.Popen[bytes] | None:
        if self._proc is not None and self._proc.poll() is None:
            return self._proc
        worker = Path(__file__).with_name("jsworker.py")
        try:
            # -I: the worker sees neither the environment's PYTHONPATH nor the crawl's modules.
            self._proc = subprocess.Popen(
                [sys.executable, "-I", str(worker)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL, close_fds=True, env={"PATH": os.environ.get("PATH", "")},
            )  # fmt: skip
        except OSError:
            log.warning("cannot start the script sandbox", exc_info=True)
            self._proc = None
        else:  # ended with the sandbox object if close() is never reached
            weakref.finalize(self, _end, self._proc)
        return self._proc

    def _kill(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        proc.kill()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            log.warning("sandbox process %s did not end", proc.pid)
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                stream.close()

    def close(self) -> None:
        """End the sandbox process (it also ends by itself when the crawl's process ends)."""
        self._thread.shutdown(wait=False)
        with self._lock:
            proc = self._proc
            if proc is not None and proc.stdin is not None and proc.poll() is None:
                try:
                    proc.stdin.close()
                    proc.wait(timeout=2)
                except (OSError, subprocess.TimeoutExpired):
                    pass
            self._kill()


def _hash(parts: list[str]) -> str:
    return hashlib.sha1(json.dumps(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _end(proc: subprocess.Popen[bytes]) -> None:
    """Kill a sandbox process that is still running (the finaliser of its ``ScriptSandbox``)."""
    if proc.poll() is None:
        proc.kill()
        proc.wait(timeout=5)


def _read_line(fd: int, deadline: float) -> bytes | None:
    """One line from ``fd`` before ``deadline``: None on timeout, b"" at the end of the stream."""
    chunks: list[bytes] = []
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            return None
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return b""
        chunks.append(chunk)
        if chunk.endswith(b"\n"):
            return b"".join(chunks)


def _location(url: str, ua: str, referrer: str) -> dict[str, str]:
    """The stub's ``location`` fields for ``url`` (as ``new URL(url)`` gives them) and the view."""
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"
    return {
        "href": url, "protocol": f"{parts.scheme}:", "host": parts.netloc, "hostname": parts.hostname or "",
        "port": str(parts.port or "") if parts.port else "", "pathname": parts.path or "/",
        "search": f"?{parts.query}" if parts.query else "", "hash": f"#{parts.fragment}" if parts.fragment else "",
        "origin": origin, "ua": ua, "referrer": referrer,
    }  # fmt: skip


def targets_of(answer: dict[str, Any], scripts: list[str], base: str) -> list[dict[str, Any]]:
    """``script_targets`` entries for a worker answer: targets found, then limits hit."""
    if "variants" not in answer:
        reason = str(answer.get("limit") or "error")
        index = next((i for i, code in enumerate(scripts) if code and suspicious(code)), 0)
        omitted = [_limit(scripts, i, "size", "") for i, code in enumerate(scripts) if code == OMITTED]
        return [_limit(scripts, index, reason, str(answer.get("error") or "")), *omitted]
    # Only what the suspicious scripts did counts: the page's other scripts run for their
    # definitions, but static decoding already read them, and what they load by computed
    # strings (a search engine's push script, a share widget) is not this check's business.
    found: dict[tuple[str, str], dict[str, Any]] = {}
    limits: dict[int, str] = {}
    local = _local_indexes(answer, scripts)
    counted = {i for i, code in enumerate(scripts) if code and suspicious(code)}
    first = min(counted, default=0)
    for name, result in answer["variants"].items():
        for kind, value, ran in result.get("records") or []:
            index = local(ran)
            if index not in counted:
                continue
            for url, technique in _urls(str(kind), str(value), base):
                key = (url, technique)
                if key in found and found[key]["variant"] == "normal":
                    continue
                if key not in found or name == "normal":
                    found[key] = _target(scripts, index, url, technique, name)
        for ran, reason in result.get("limits") or []:
            index = local(ran)
            limits.setdefault(index if index >= 0 else first, str(reason))
    out: list[dict[str, Any]] = []
    shown: set[tuple[str, str]] = set()
    for target in found.values():
        if target["variant"] != "normal":  # shown only to search visitors or to the spider
            target["technique"] = "referrer_check"
        key = (target["url"], target["technique"])
        if key not in shown:
            shown.add(key)
            out.append(target)
    out += [_limit(scripts, index, reason, "") for index, reason in sorted(limits.items())]
    out += [_limit(scripts, i, "size", "") for i, code in enumerate(scripts) if code == OMITTED]
    return out


def _local_indexes(answer: dict[str, Any], scripts: list[str]) -> Callable[[Any], int]:
    """Map a script index of the run that gave ``answer`` to the same script's index in ``scripts`` (-1: none)."""
    hashes = answer.get("hashes") or []
    here = {h: i for i, h in reversed(list(enumerate(_hash([code]) for code in scripts)))}

    def local(ran: Any) -> int:
        if isinstance(ran, int) and 0 <= ran < len(hashes):
            return here.get(hashes[ran], -1)
        return -1

    return local


def _urls(kind: str, value: str, base: str) -> Iterable[tuple[str, str]]:
    """(absolute URL, technique) pairs of one record of the stub."""
    technique = _TECHNIQUE.get(kind)
    if technique is None:
        return
    if kind in ("write", "html"):
        raws = [raw for raw, _ in html_urls(value)]
    elif kind == "refresh":
        mo = _REFRESH_URL.search(value)
        raws = [mo.group(1)] if mo else []
    else:
        raws = [value.strip()]
    for raw in raws:
        if not raw or raw[0] == "#" or raw.lower().startswith(("javascript:", "about:", "data:")):
            continue
        url = urljoin(base, raw)
        if urlsplit(url).scheme in ("http", "https"):
            yield url, technique


def _snippet(scripts: list[str], index: int) -> str:
    code = scripts[index] if 0 <= index < len(scripts) else ""
    return " ".join(code.split())[:_SNIPPET]


def _target(scripts: list[str], index: int, url: str, technique: str, variant: str) -> dict[str, Any]:
    return {"url": url, "technique": technique, "snippet": _snippet(scripts, index), "decoded": ["sandbox"],
            "source": "script", "via": "sandbox", "variant": variant, "script": index}  # fmt: skip


def _limit(scripts: list[str], index: int, reason: str, detail: str) -> dict[str, Any]:
    return {"url": "", "technique": LIMIT_TECHNIQUE, "snippet": _snippet(scripts, index), "decoded": [],
            "source": "script", "via": "sandbox", "script": index, "reason": reason,
            "detail": _REASONS.get(reason, reason) + (f": {detail}" if detail else "")}  # fmt: skip
