"""Check quality on the fixture world: precision and recall per finding code and CMS family.

Usage: python bench/quality.py [--as-of 2019-10-20] [--seeds 2019,2020,2021] [--write]

Builds the simulated world for each seed, serves it on 127.0.0.1, scans it offline with
politeness lifted, scores the findings against the planted ground truth
(govinspect.demo.evaluate) and prints the summed tables, per finding code and per CMS family
(the markup style of each world site: a style added to the world appears by itself), with the
false positives on clean controls; --write replaces the section
"Check quality on the fixture world" of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import platform
import re
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from govinspect.demo.accounts import build_accounts
from govinspect.demo.evaluate import (
    Score,
    evaluate,
    evaluate_accounts,
    evaluate_families,
    family_code_table,
    family_table,
    table,
)
from govinspect.demo.runner import demo_settings, live_hosts
from govinspect.demo.server import serve_in_thread
from govinspect.demo.world import build_world
from govinspect.service import scan

RESULTS = Path(__file__).with_name("RESULTS.md")
HEADING = "## Check quality on the fixture world (bench/quality.py)"


def _add(total: dict[str, Score], scores: dict[str, Score], seed: int) -> None:
    """Sum ``scores`` of one world into ``total``, keeping the misses and false positives."""
    for code, s in scores.items():
        acc = total.setdefault(code, Score())
        acc.tp, acc.fp, acc.fn = acc.tp + s.tp, acc.fp + s.fp, acc.fn + s.fn
        acc.misses += [f"seed {seed}: {m}" for m in s.misses]
        acc.false += [f"seed {seed}: {m}" for m in s.false]


def run(as_of: date, seeds: list[int], dump: list[str] | None = None,
        ) -> tuple[dict[str, Score], dict[str, dict[str, Score]], float]:
    """Scores per code and per family; every site finding as one line appended to ``dump`` when given."""
    total: dict[str, Score] = {}
    families: dict[str, dict[str, Score]] = {}
    t0 = time.monotonic()
    for seed in seeds:
        world = build_world(as_of, seed=seed)
        acc = build_accounts(world, as_of, seed=seed)
        with tempfile.TemporaryDirectory() as tmp, serve_in_thread(world, [*world.sites, acc.site]) as handle:
            accounts = acc.entries(handle.base_urls[acc.site.key], acc.write_account_files(Path(tmp)))
            result = scan(world.entries(handle.base_urls), demo_settings(live_hosts(world), world.hosts()), as_of,
                          accounts=accounts)
            scores = evaluate(result, world, handle.base_urls, handle.links)
            if dump is not None:
                dump += finding_lines(seed, result, handle.base_urls)
            for style, fam in evaluate_families(result, world, handle.base_urls, handle.links).items():
                _add(families.setdefault(style, {}), fam, seed)
            for code, s in evaluate_accounts(result.accounts, acc.truth()).items():
                scores[f"{code} (accounts)" if not code.startswith("newmedia.") else code] = s
        _add(total, scores, seed)
    return total, families, time.monotonic() - t0


def finding_lines(seed: int, result: Any, base_urls: dict[str, str]) -> list[str]:
    """Every site finding as a stable line (code, page, message), served ports replaced by site keys."""
    def plain(text: str) -> str:
        for key, url in base_urls.items():
            text = text.replace(url.rstrip("/"), f"<{key}>")
        return re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:<port>", text)  # e.g. the refused port

    return sorted(f"{seed} {site.name} {f.code} {f.severity} {plain(f.url)} {plain(f.message)}"
                  for site in result.sites for f in site.findings)


def write_section(body: str) -> None:
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    start = text.find(HEADING)
    if start >= 0:
        nxt = text.find("\n## ", start + len(HEADING))
        text = text[:start] + body + (text[nxt + 1:] if nxt >= 0 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + body
    RESULTS.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--as-of", default="2019-10-20")
    ap.add_argument("--seeds", default="2019,2020,2021")
    ap.add_argument("--write", action="store_true", help="update bench/RESULTS.md")
    ap.add_argument("--dump", type=Path, help="write every site finding, one line each, to this file "
                    "(compare two runs with diff: a speed-up must leave it unchanged)")
    args = ap.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    lines: list[str] | None = [] if args.dump else None
    scores, families, seconds = run(date.fromisoformat(args.as_of), seeds, lines)
    if args.dump and lines is not None:
        args.dump.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = table(scores)
    fam = family_table(families) + "\n\n" + family_code_table(families)
    print(out)
    print()
    print(fam)
    for code, s in scores.items():
        for line in s.misses[:10]:
            print(f"MISS  {code} {line}")
        for line in s.false[:10]:
            print(f"FALSE {code} {line}")
    if args.write:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
        body = "\n".join([
            HEADING, "",
            f"Measured {date.today().isoformat()} at commit {commit} on {platform.machine()}, "
            f"Python {platform.python_version()}, {len(seeds)} worlds (seeds {args.seeds}), "
            f"{seconds:.0f} s in all.",
            "",
            f"Command: `python bench/quality.py --as-of {args.as_of} --seeds {args.seeds} --write`",
            "",
            "Each world has seven simulated sites in five CMS families (TRS, JCMS-like ul "
            "lists, cards, Hanweb JCMS data islands, JSP list.jsp) with planted defects (ground "
            "truth in `govinspect.demo`); a finding counts as a true positive when it names the "
            "planted page (and column, target, word or kind); findings on clean controls count "
            "as false positives. `crawl.incomplete` scores the notices naming a column planted "
            "unreadable (a broken JCMS data island, a script-only pager).",
            "",
            "Per finding code (all families):",
            "",
            out, "",
            "Per CMS family (the style of each world site; totals over the codes, then each "
            "code as precision/recall (planted defects)):",
            "",
            fam, "",
        ])
        write_section(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
