"""Offline CPU benchmark (issue 13): extraction and checks per page, no network, no server.

Reads the HTML files of a static site written by ``bench/crawl.py`` (or writes one with the
project's demo generator), extracts every page as a crawl does (``crawl.parse.parse_response``,
with all extractors and with the links-only plan), stores the pages in a snapshot file and
runs the site checks on it, one check at a time and all together. Prints CPU ms per page of
each stage and of each check (process time, best of ``--repeat`` runs), so that a change to
extract/ or checks/ can be measured in seconds without nginx or LinkChecker.

    python bench/cpu.py --pages 2000            # builds bench/_work/site-demo-ul-2000 if missing
    python bench/cpu.py --site bench/_work/site-demo-ul-20000 --limit 3000
    python bench/cpu.py --profile extract       # cProfile of the full extraction, top functions
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from govinspect.checks import DEFAULT_SITE_CHECKS, Context, run_checks  # noqa: E402
from govinspect.crawl.parse import parse_response  # noqa: E402
from govinspect.extract.plan import parts_for  # noqa: E402
from govinspect.model import LinkStatus, Page, SiteEntry  # noqa: E402
from govinspect.rules import load_rules  # noqa: E402
from govinspect.snapshot import Snapshot  # noqa: E402
from govinspect.urls import normalize_url  # noqa: E402

BASE = "http://127.0.0.1:8000/"
HTML_EXT = (".html", ".htm", ".shtml")


def ensure_site(pages: int, style: str) -> Path:
    """bench/_work/site-demo-<style>-<pages>, written with the demo generator when missing."""
    root = HERE / "_work" / f"site-demo-{style}-{pages}"
    if root.is_dir() and any(root.iterdir()):
        return root
    from govinspect.demo.bigsite import build_big_site
    from govinspect.demo.static import write_static

    root.mkdir(parents=True, exist_ok=True)
    write_static(build_big_site(pages, 0.015, 2019, static=True, style=style), root,
                 base_urls={"big": BASE})
    return root


def html_files(root: Path, limit: int | None) -> list[tuple[str, bytes]]:
    """(URL, body) of the site's HTML files, the home page first, in a stable order."""
    files = sorted(p for p in root.rglob("*") if p.suffix.lower() in HTML_EXT and p.is_file())
    home = root / "index.html"
    files.sort(key=lambda p: p != home)
    out = []
    for p in files[:limit] if limit else files:
        rel = p.relative_to(root).as_posix()
        out.append((BASE + ("" if rel == "index.html" else rel), p.read_bytes()))
    return out


def extract_all(bodies: list[tuple[str, bytes]], as_of: date, parts: frozenset[str] | None) -> list[Page]:
    pages = []
    for url, body in bodies:
        depth = 0 if url == BASE else url.count("/") - BASE.count("/") + 1
        page = Page(url=url, final_url=url, depth=depth, status=200, content_type="text/html")
        pages.append(parse_response(page, body, None, as_of, None, parts))
    return pages


def build_snapshot(pages: list[Page], root: Path, path: Path, as_of: date) -> Snapshot:
    """The snapshot a crawl of these pages would leave: pages, link graph, target statuses."""
    from govinspect.crawl.engine import CRAWL_TAGS  # noqa: F401  (same module set as a crawl)
    from govinspect.demo.static import file_for
    from govinspect.extract.columns import build_columns

    site = SiteEntry(name="基准站点", url=BASE)
    snap = Snapshot(site, path, as_of=as_of)
    seen: set[str] = set()
    for n, page in enumerate(pages):
        snap.add_page(page, home=n == 0)
        targets = list(dict.fromkeys(t for t in (normalize_url(x.url) for x in page.links) if t))
        snap.add_links(page.url, targets)
        for t in targets:
            if t in seen:
                continue
            seen.add(t)
            internal = t.startswith(BASE)
            local = file_for(root, "/" + t[len(BASE):]) if internal else None
            status = 200 if (local is not None and local.exists()) or not internal else 404
            snap.set_target(LinkStatus(t, status, None, None, internal, "GET" if internal else "HEAD"))
    snap.scope_hosts = {"127.0.0.1:8000", "127.0.0.1"}
    snap.columns = build_columns(snap.home, snap.pages(list_only=True), as_of, load=snap.page)
    snap.save()
    return snap


def cpu(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Best process time of ``repeat`` calls, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        t = time.process_time()
        result = fn()
        best = min(best, time.process_time() - t)
    return best, result


def profile(fn: Callable[[], Any], top: int = 30) -> str:
    prof = cProfile.Profile()
    prof.runcall(fn)
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(top)
    if os.environ.get("CALLERS"):
        pstats.Stats(prof, stream=out).sort_stats("tottime").print_callers(os.environ["CALLERS"])
    return out.getvalue()


def rows(args: argparse.Namespace) -> Iterator[str]:
    as_of = date.fromisoformat(args.as_of)
    root = Path(args.site) if args.site else ensure_site(args.pages, args.style)
    bodies = html_files(root, args.limit)
    n = len(bodies)
    yield f"site {root} ({n} HTML pages, {sum(len(b) for _, b in bodies) / n / 1024:.1f} KB each)"
    links_parts = parts_for(("availability", "links"))
    if args.profile == "extract":
        yield profile(lambda: extract_all(bodies, as_of, None))
        return
    if args.profile == "links":
        yield profile(lambda: extract_all(bodies, as_of, links_parts))
        return
    t_links, _ = cpu(lambda: extract_all(bodies, as_of, links_parts), args.repeat)
    t_full, pages = cpu(lambda: extract_all(bodies, as_of, None), args.repeat)
    yield f"extract, links only : {1000 * t_links / n:7.3f} ms/page"
    yield f"extract, every part : {1000 * t_full / n:7.3f} ms/page"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "snapshot.sqlite"
        t_snap, snap = cpu(lambda: build_snapshot(pages, root, path.with_suffix(f".{time.time_ns()}"), as_of), 1)
        yield f"snapshot write      : {1000 * t_snap / n:7.3f} ms/page"
        ctx = Context(as_of=as_of, rules=load_rules(None), site=snap.site)
        names = tuple(args.checks.split(",")) if args.checks else DEFAULT_SITE_CHECKS
        if args.profile == "checks":
            yield profile(lambda: run_checks(snap, ctx, names), 40)
            return
        t_walk, _ = cpu(lambda: sum(1 for _ in snap.pages()), args.repeat)
        yield f"read pages back     : {1000 * t_walk / n:7.3f} ms/page"
        t_all, found = cpu(lambda: run_checks(snap, ctx, names), args.repeat)
        yield f"checks, together    : {1000 * t_all / n:7.3f} ms/page ({len(found)} findings)"
        if not args.no_each:
            each = []
            for name in names:
                t, f = cpu(lambda name=name: run_checks(snap, ctx, (name,)), args.repeat)
                each.append((t, name, len(f)))
            for t, name, k in sorted(each, reverse=True):
                yield f"  {name:<22}{1000 * t / n:7.3f} ms/page ({k} findings; includes reading pages back)"
        snap.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=2000, help="size of the demo site to build or reuse")
    ap.add_argument("--style", default="ul", choices=("ul", "card", "trs"))
    ap.add_argument("--site", help="an existing static site folder instead")
    ap.add_argument("--limit", type=int, help="read at most this many HTML files")
    ap.add_argument("--as-of", default="2019-10-20")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--checks", help="comma-separated check names (default: every site check)")
    ap.add_argument("--no-each", action="store_true", help="skip the per-check timings")
    ap.add_argument("--profile", choices=("extract", "links", "checks"), help="cProfile one stage instead")
    args = ap.parse_args()
    for line in rows(args):
        print(line, flush=True)


if __name__ == "__main__":
    main()
