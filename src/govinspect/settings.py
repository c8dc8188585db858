"""Every setting, declared once with its default and help.

Sources are layered explicitly: defaults < config file (``GOVINSPECT_CONFIG`` or
``--config``, YAML) < environment (``GOVINSPECT_*``) < command-line flags. Components
receive a ``Settings`` object; they never read the environment themselves.

The environment is read here (``environment``), as pydantic-settings read it before: the
variable ``GOVINSPECT_<NAME>`` in any case, its text validated like a value from the file,
JSON for the list and mapping settings (``alerts`` takes a comma-separated list). Without
that package a command starts 2.8 MB smaller and 20-30 ms sooner (measured after import).
"""

from __future__ import annotations

import json
import os
import types
import typing
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import UsageError
from .yamlio import safe_load

ENV_PREFIX = "GOVINSPECT_"


class Settings(BaseModel):
    """Crawl, check and output settings (see README, section Settings).

    ``Settings(**values)`` and ``Settings.model_validate(values)`` (pydantic calls ``__init__``)
    take the environment under the values given, as pydantic-settings did.
    """

    model_config = ConfigDict(extra="forbid")

    def __init__(self, **values: Any) -> None:
        super().__init__(**{**environment(), **values})

    # --- politeness and limits (defaults a small county server survives)
    per_host: int = Field(2, ge=1, le=256, description="concurrent requests to one host")
    delay: float = Field(0.5, ge=0, description="pause in seconds between requests to one host")
    timeout: float = Field(15.0, gt=0, description="total seconds per request (national rule: 15 s)")
    connect_timeout: float = Field(10.0, gt=0, description="seconds to open a connection")
    retries: int = Field(2, ge=0, le=10, description="retries on transient errors only")
    backoff: float = Field(0.5, ge=0, description="first retry pause in seconds, doubled each time")
    max_redirects: int = Field(10, ge=0, description="redirects followed per request")
    max_pages: int = Field(5000, ge=1, description="pages fetched per site")
    max_depth: int = Field(10, ge=0, description="link depth from the home page")
    max_bytes: int = Field(5 * 1024 * 1024, ge=1024, description="bytes kept of one response")
    parse_workers: int | None = Field(
        None, ge=0, le=64,
        description="processes that parse pages beside the crawl (default: the machine's cores less one, "
        "at least 1, started once a site passes parse_workers_threshold pages; 0: parse in the crawl process)",
    )
    parse_workers_threshold: int = Field(
        300, ge=0, description="pages a site fetches before the default parse workers start (small sites parse in-process)"
    )
    site_budget: float = Field(1800.0, gt=0, description="seconds one site may take in all")
    user_agent: str = Field(
        "Mozilla/5.0 (compatible; govinspect/0.3; +https://github.com/govinspect)",
        description="User-Agent sent with every request",
    )
    robots: bool = Field(False, description="obey robots.txt (off for supervisory inspection)")
    check_external: bool = Field(True, description="check links that leave the site")
    assume_ok_hosts: list[str] = Field(
        default_factory=list, description="hosts whose links are taken as working, never requested"
    )
    attachments: bool = Field(True, description="download the site's documents and read their text")
    max_attachment_bytes: int = Field(
        10 * 1024 * 1024, ge=1024, description="bytes downloaded of one document (pdf, xlsx, ...)"
    )
    max_attachments: int = Field(500, ge=0, description="documents downloaded and read per site")
    cloak_sample: int = Field(
        5, ge=0, description="pages besides the home page refetched as Baiduspider and from a search engine"
    )
    script_sandbox: bool = Field(
        True, description="run inline scripts that look obfuscated in the QuickJS sandbox to find redirects"
    )
    cloak_all_max_pages: int = Field(
        2000, ge=0, description="sites with at most this many HTML pages have every page refetched as a spider"
    )
    harmful_links: bool = Field(True, description="fetch each external link target once to see whether it now serves spam")
    harmful_max_bytes: int = Field(256 * 1024, ge=1024, description="bytes read of one external link target")
    harmful_max_targets: int = Field(300, ge=0, description="external link targets fetched per site for link.harmful")
    search_probe: bool = Field(True, description="query the site search with the titles of recent articles")
    search_queries: int = Field(3, ge=1, le=20, description="article titles queried in the site search")
    transport_probes: bool = Field(True, description="probe HTTPS, the certificate and IPv6 after the crawl")
    https_port: int | None = Field(None, description="port probed for HTTPS when the site URL is http (443 when unset)")
    http_port: int | None = Field(None, description="port probed for the HTTP->HTTPS redirect when the site URL is https (80 when unset)")
    ca_file: Path | None = Field(None, description="extra CA certificates (PEM) trusted when verifying HTTPS")
    cert_warn_days: int = Field(30, ge=0, description="warn when an HTTPS certificate expires within this many days")
    ipv6_timeout: float = Field(5.0, gt=0, description="seconds to open a TCP connection to the site's IPv6 address")
    max_link_checks: int = Field(20000, ge=0, description="link targets checked per site beyond crawled pages")
    max_list_pages: int = Field(30, ge=1, description="pages read of one script-loaded or postback-paged list")
    # --- crawler-trap guards
    max_url_length: int = Field(400, ge=50, description="longer URLs are treated as traps")
    max_query_variants: int = Field(60, ge=1, description="distinct query strings per path")
    max_repeated_segment: int = Field(3, ge=2, description="times one path segment may repeat")
    # --- offline operation (demo and tests): resolve only these names, all others fail as DNS errors
    offline: bool = Field(False, description="never resolve names through DNS")
    hosts: dict[str, str] = Field(default_factory=dict, description="name -> IP map used when offline")
    # --- checks
    checks: list[str] | None = Field(
        None, description="site checks to run, in order (default: every check in checks/base.py)"
    )
    # --- rules
    rules_file: Path | None = Field(None, description="rule-set YAML replacing the packaged one")
    # --- storage (govinspect sites / inspect / findings / report / monitor / serve)
    home: Path | None = Field(
        None, description="data directory: the embedded database and run snapshots (default: the per-user data folder)"
    )
    database_url: str | None = Field(
        None, description="database URL, e.g. postgresql://user@host:5432/db (default: SQLite in the data directory)"
    )
    # --- daily monitoring (govinspect monitor)
    monitor_interval: float = Field(600.0, ge=1, description="seconds between probe rounds of the monitor (default 10 minutes)")
    monitor_timeout: float | None = Field(
        None, gt=0, description="seconds a monitor probe may take (default: the rule set's probe_timeout_s, 15 s)"
    )
    monitor_controls: list[str] = Field(
        default_factory=list, description="control URLs probed each round; when all fail the round is discarded"
    )
    monitor_spread: float | None = Field(
        None, ge=0, description="seconds over which a round's probes are spread (default 80% of monitor_interval)"
    )
    snapshot_retention: int = Field(
        3, ge=0, description="inspect runs whose site snapshots are kept for rejudge (older ones deleted)"
    )
    # --- alerts (monitor/alerts.py)
    alerts: list[str] = Field(
        default_factory=list,
        description="apprise URLs that receive veto alerts (mailto://, dingtalk://, wecombot://, json:// ...)",
    )

    # --- web dashboard (govinspect serve)
    web_block_private: bool = Field(
        True, description="refuse site URLs on loopback, link-local and private addresses added through the web (SSRF guard)"
    )
    web_secure_cookies: bool | None = Field(
        None, description="mark session cookies Secure (default: when the request came over https)"
    )
    web_session_hours: float = Field(8.0, gt=0, description="hours a dashboard session stays signed in")
    web_max_upload_mb: float = Field(5.0, gt=0, description="largest upload (registry file) in MB")
    web_login_attempts: int = Field(5, ge=1, description="failed logins per name or address before a pause")
    web_login_window: float = Field(900.0, gt=0, description="seconds over which failed logins are counted")

    @field_validator("alerts", mode="before")
    @classmethod
    def _alert_targets(cls, value: Any) -> Any:
        """Accept a comma-separated string and refuse a URL apprise cannot use, naming it."""
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        if isinstance(value, list) and value:  # apprise (2.6 MB of memory) only for alerts set
            import logging

            import apprise

            quiet = logging.getLogger("apprise")
            was, quiet.disabled = quiet.disabled, True  # the one Chinese line below says it all
            try:
                bad = next((u for u in value if not isinstance(u, str) or not apprise.Apprise().add(u)), None)
            finally:
                quiet.disabled = was
            if bad is not None:
                # UsageError passes through pydantic: one line naming the URL, not the whole list.
                raise UsageError(f"设置 alerts（GOVINSPECT_ALERTS）中的告警地址无效: {bad}")
        return value


# Settings whose environment text is not JSON: their validator reads it.
_PLAIN_TEXT = frozenset({"alerts"})


def _is_structured(annotation: Any) -> bool:
    """True for a list, set, tuple or mapping setting (also inside ``X | None``): JSON in the environment."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return any(_is_structured(a) for a in typing.get_args(annotation))
    return typing.get_origin(annotation) in (list, set, frozenset, tuple, dict) or annotation in (list, set, tuple, dict)


def environment(env: typing.Mapping[str, str] | None = None) -> dict[str, Any]:
    """The settings named in the environment (``GOVINSPECT_<NAME>``, any case), each as its text,
    or parsed from JSON for a structured setting; other ``GOVINSPECT_`` variables are left alone.
    A structured setting that is not JSON is a ``UsageError`` naming the variable."""
    env = os.environ if env is None else env
    fields = Settings.model_fields
    out: dict[str, Any] = {}
    for key, text in env.items():
        if len(key) <= len(ENV_PREFIX) or key[: len(ENV_PREFIX)].upper() != ENV_PREFIX:
            continue
        name = key[len(ENV_PREFIX):].lower()
        info = fields.get(name)
        if info is None:
            continue
        if name not in _PLAIN_TEXT and _is_structured(info.annotation):
            try:
                out[name] = json.loads(text)
            except ValueError:
                raise UsageError(f"环境变量 {key} 无效: 应为 JSON 格式（如 [\"a\", \"b\"] 或 {{\"键\": \"值\"}}），"
                                 f"实为 {text[:80]!r}") from None
        else:
            out[name] = text
    return out


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Build settings from packaged defaults, a config file, the environment and flags."""
    file_values: dict[str, Any] = {}
    if config_file is not None:
        try:
            file_values = safe_load(config_file.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise UsageError(f"配置文件 {config_file} 无法读取: {exc}") from exc
        if not isinstance(file_values, dict):
            raise UsageError(f"配置文件 {config_file} 格式错误: 顶层应为键值表")
    try:
        env_only = Settings()  # environment over defaults
        merged = {**file_values}
        for name in Settings.model_fields:
            if name in env_only.model_fields_set:
                merged[name] = getattr(env_only, name)
        merged.update({k: v for k, v in overrides.items() if v is not None})
        return Settings.model_validate(merged)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise UsageError(f"设置 {where} 无效: {first['msg']} (值: {first.get('input')!r})") from exc
