"""The README documents every command and every finding code (datasette's test_docs habit)."""

from __future__ import annotations

import re
from pathlib import Path

import typer.main

from govinspect.cli import app
from govinspect.codes import CODES

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
CONTRACT_CODES = {
    "site.unreachable", "home.stale", "column.stale", "column.empty", "column.required_missing",
    "content.future_date", "link.broken", "content.error_word", "security.hijack", "privacy.leak",
    "identity.missing", "service.no_guide", "service.guide_incomplete", "interaction.unanswered",
    "interaction.reply_incomplete", "interaction.no_stats", "policy.interpretation_weak",
    "search.missing", "search.not_found", "transport.no_https", "transport.cert", "transport.no_ipv6",
    "newmedia.stale", "newmedia.unanswered", "newmedia.auto_reply",
}


def test_every_command_is_documented():
    commands = typer.main.get_command(app).commands  # type: ignore[attr-defined]
    assert commands
    for name in commands:
        assert f"govinspect {name}" in README, name


def test_every_contract_code_is_known_and_documented():
    assert set(CODES) >= CONTRACT_CODES
    for code in CODES:
        assert f"`{code}`" in README, code


def test_every_code_the_checks_emit_is_known():
    src = Path(__file__).parent.parent / "src" / "govinspect"
    emitted: set[str] = set()
    for path in (src / "checks").glob("*.py"):
        emitted |= set(re.findall(r'Finding\(\s*"([a-z]+\.[a-z_]+)"', path.read_text(encoding="utf-8")))
    assert emitted, "no Finding(...) found in checks/"
    assert emitted <= set(CODES), emitted - set(CODES)


def test_every_setting_is_documented():
    from govinspect.settings import Settings

    for name in Settings.model_fields:
        assert f"`{name}`" in README, name


def test_readme_has_the_two_setup_commands():
    assert "python3 -m pip install . && govinspect demo" in README
    assert "python3 -m pip install -e '.[test]' && python3 -m pytest -q" in README
    ci = (Path(__file__).parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install" in ci and "pytest -q" in ci


def test_every_check_module_runs_by_default_and_is_named_in_the_readme():
    from govinspect.checks import DEFAULT_SITE_CHECKS, known_checks

    assert set(known_checks()) == set(DEFAULT_SITE_CHECKS)
