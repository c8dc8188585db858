"""The import-linter contracts of pyproject.toml: the layers hold, and a broken layer is caught."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
LINT = (
    "import sys; from importlinter.cli import lint_imports; "
    "sys.exit(lint_imports(config_filename=sys.argv[1], no_cache=True, no_logo=True))"
)


def lint(src: Path) -> subprocess.CompletedProcess[str]:
    """Run lint-imports with the project's contracts on the package found under ``src``."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run([sys.executable, "-c", LINT, str(ROOT / "pyproject.toml")], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def test_contracts_are_kept():
    run = lint(SRC)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout
    assert run.stdout.count("KEPT") == 2


@pytest.mark.parametrize(("module", "line", "contract"), [
    # A check reaching into the crawl (the crawl's HTTP client is http.py, URLs urls.py).
    ("checks/_uses_crawl.py", "from govinspect.crawl.frontier import Scope\n", "never import the crawl"),
    # The labels reaching the demo world.
    ("labels.py", "import govinspect.demo.world\n", "never import the crawl"),
    # A lower layer importing a higher one.
    ("registry/_uses_service.py", "from govinspect.service import scan\n", "Stages sit on shared modules"),
])
def test_a_broken_contract_fails(tmp_path, module, line, contract):
    copy = tmp_path / "src"
    shutil.copytree(SRC / "govinspect", copy / "govinspect", ignore=shutil.ignore_patterns("__pycache__"))
    path = copy / "govinspect" / module
    old = path.read_text(encoding="utf-8") if path.exists() else '"""A forbidden import."""\n'
    path.write_text(f"{old}\n{line}", encoding="utf-8")
    run = lint(copy)
    assert run.returncode != 0
    broken = [ln for ln in run.stdout.splitlines() if "BROKEN" in ln or contract in ln]
    assert any("BROKEN" in ln for ln in broken), run.stdout
    assert "govinspect." + module.removesuffix(".py").replace("/", ".") in run.stdout
