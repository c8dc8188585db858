"""bench/crawl.py's report: with ``--repeat`` the fastest run of each tool is kept, and the ratios
of the rounds (each tool right after the other) are reported beside it."""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench" / "crawl.py"


@pytest.fixture(scope="module")
def crawl_bench() -> Any:
    spec = importlib.util.spec_from_file_location("bench_crawl_script", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)


def _run(bench: Any, tool: str, wall: float, ok: bool = True) -> dict[str, Any]:
    run = bench.Run(tool, [tool], rc=0 if ok else 1, wall=wall, peak_tree_mb=80.0, peak_main_mb=60.0,
                    cpu=wall, cpu_tree=wall)
    return {"run": run, "ok": ok, "pages": 3000, "broken": {"http://127.0.0.1/gone.html"}}


def test_each_round_pairs_the_tools_and_the_fastest_run_is_kept(crawl_bench):
    result: dict[str, Any] = {"html_pages": 3000, "truth": {"http://127.0.0.1/gone.html"}}
    # round 2 runs on a faster host: LinkChecker's best run there is not govinspect's best pairing
    rounds = [(2.6, 4.0, 24.0), (2.5, 3.9, 20.0), (2.4, 3.5, 24.5)]
    for links, full, lc in rounds:
        crawl_bench.keep_best(result, "govinspect-links", _run(crawl_bench, "govinspect-links", links))
        crawl_bench.keep_best(result, "govinspect-full", _run(crawl_bench, "govinspect-full", full))
        crawl_bench.keep_best(result, "linkchecker", _run(crawl_bench, "linkchecker", lc))
    full, lc = result["govinspect-full"], result["linkchecker"]
    assert full["run"].wall == 3.5 and lc["run"].wall == 20.0  # the best of each
    assert full["walls"] == [4.0, 3.9, 3.5] and full["rounds"] == [4.0, 3.9, 3.5]
    assert crawl_bench.paired_ratios(full, lc) == pytest.approx([6.0, 20.0 / 3.9, 7.0])

    crawl_bench.summarise(result)
    assert result["speedup"]["govinspect-full"] == pytest.approx(20.0 / 3.5)
    lines = crawl_bench.verdicts([result], argparse.Namespace())
    [speed] = [line for line in lines if line.startswith("- speed, govinspect-full")]
    assert "**5.71x**" in speed
    assert "round by round (the tools one right after the other): median 6.00x, 5.13-7.00x" in speed


def test_a_round_a_tool_did_not_complete_pairs_nothing(crawl_bench):
    result: dict[str, Any] = {}
    crawl_bench.keep_best(result, "govinspect-full", _run(crawl_bench, "govinspect-full", 3.0))
    crawl_bench.keep_best(result, "linkchecker", _run(crawl_bench, "linkchecker", 30.0, ok=False))
    crawl_bench.keep_best(result, "govinspect-full", _run(crawl_bench, "govinspect-full", 3.2))
    crawl_bench.keep_best(result, "linkchecker", _run(crawl_bench, "linkchecker", 32.0))
    assert result["linkchecker"]["rounds"] == [None, 32.0]
    assert crawl_bench.paired_ratios(result["govinspect-full"], result["linkchecker"]) == pytest.approx([10.0])
