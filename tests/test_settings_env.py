"""Settings from defaults, a file, the environment and flags (settings.py reads the environment itself)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from govinspect.errors import UsageError
from govinspect.settings import Settings, environment, load_settings


@pytest.fixture(autouse=True)
def _no_settings_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for key in list(os.environ):
        if key.upper().startswith("GOVINSPECT_") and key[11:].lower() in Settings.model_fields:
            monkeypatch.delenv(key)


def test_layers_defaults_file_environment_flags(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "govinspect.yaml"
    config.write_text("per_host: 3\ndelay: 0.2\ntimeout: 9\n", encoding="utf-8")
    monkeypatch.setenv("GOVINSPECT_DELAY", "0.1")
    monkeypatch.setenv("GOVINSPECT_TIMEOUT", "8")
    s = load_settings(config, timeout=7.5)
    assert (s.per_host, s.delay, s.timeout) == (3, 0.1, 7.5)  # file < environment < flag
    assert s.max_pages == Settings.model_fields["max_pages"].default
    assert load_settings(config).timeout == 8.0


def test_names_in_any_case_text_validated_and_json_for_lists_and_maps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("govinspect_per_host", "5")
    monkeypatch.setenv("GOVINSPECT_Offline", "true")
    monkeypatch.setenv("GOVINSPECT_HOSTS", '{"www.a.gov.cn": "127.0.0.1"}')
    monkeypatch.setenv("GOVINSPECT_CHECKS", '["links", "wording"]')
    monkeypatch.setenv("GOVINSPECT_HTTPS_PORT", "8443")
    monkeypatch.setenv("GOVINSPECT_RULES_FILE", "/etc/govinspect/rules.yaml")
    monkeypatch.setenv("GOVINSPECT_TEST_DATABASE_URL", "postgresql://elsewhere/x")  # not a setting: left alone
    s = load_settings()
    assert s.per_host == 5 and s.offline is True and s.https_port == 8443
    assert s.hosts == {"www.a.gov.cn": "127.0.0.1"} and s.checks == ["links", "wording"]
    assert s.rules_file == Path("/etc/govinspect/rules.yaml")
    assert set(environment()) == {"per_host", "offline", "hosts", "checks", "https_port", "rules_file"}


def test_settings_built_in_code_take_the_environment_under_their_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVINSPECT_HOME", "/srv/govinspect")
    monkeypatch.setenv("GOVINSPECT_PER_HOST", "6")
    s = Settings(per_host=4, offline=True)
    assert s.per_host == 4 and s.home == Path("/srv/govinspect") and s.offline
    assert Settings.model_validate({"per_host": 3}).per_host == 3 and Settings.model_validate({}).per_host == 6


def test_a_list_setting_that_is_not_json_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVINSPECT_MONITOR_CONTROLS", "https://www.gov.cn/")
    with pytest.raises(UsageError, match="GOVINSPECT_MONITOR_CONTROLS"):
        load_settings()
    assert environment({"GOVINSPECT_MONITOR_CONTROLS": '["https://www.gov.cn/"]'}) == {
        "monitor_controls": ["https://www.gov.cn/"]}
    assert environment({"GOVINSPECT_": "x", "GOVINSPECTOR_PER_HOST": "3", "OTHER": "1"}) == {}


def test_a_value_out_of_range_is_one_line_naming_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVINSPECT_PER_HOST", "0")
    with pytest.raises(UsageError, match="per_host"):
        load_settings()


@pytest.mark.parametrize(("name", "value", "says"), [
    ("GOVINSPECT_HOSTS", "{bad", "GOVINSPECT_HOSTS"),
    ("GOVINSPECT_PER_HOST", "many", "per_host"),
])
def test_the_command_line_names_a_bad_variable_in_one_line(name: str, value: str, says: str) -> None:
    import os

    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("GOVINSPECT_")} | {name: value}
    done = subprocess.run([sys.executable, "-m", "govinspect", "scan", "http://127.0.0.1:9/", "--max-pages", "1"],
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and says in lines[0] and "Traceback" not in done.stderr
