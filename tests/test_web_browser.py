"""The dashboard in a real browser (Debian's Chromium driven by Playwright) over the demo data.

The demo (two months of the simulated world) is built once per session; its world is served
again at the recorded ports so that a run started from the dashboard reaches the sites. Each
role signs in through the login form: the first admin with the one-time password (and the
forced change), a supervisor who runs one site, reads a failing site and its evidence and
downloads the circular, and an operator who sees only their unit and marks a finding fixed.

Screenshots go to tmp_path; with GOVINSPECT_SCREENSHOTS=1 they replace docs/img/web-*.png.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
import zipfile
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from govinspect.settings import load_settings
from govinspect.store import Store, open_store
from govinspect.store.runs import period_of
from govinspect.store.tables import Run, Site, SiteResult, TrackedFinding, Unit
from govinspect.store.users import add_user, ensure_first_admin
from govinspect.web import WebContext, create_app
from govinspect.web.server import serve_in_thread

from .web_demo_support import DEMO_AS_OF, demo_copy

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "browser-test-secret"
NEW_ADMIN_PASSWORD = "admin-chose-this-one"
OP_UNIT = "淮南市发展和改革委员会"  # one site, failing in the demo's second month
RUN_SITE = "淮南市发展和改革委员会"  # the smallest site: a one-site run takes seconds
FAILING_SITE = "淮南市人民政府"
ROOT = Path(__file__).resolve().parents[1]


def _need_chromium() -> None:
    """Skip without a browser, except under CI where a missing browser is a failure."""
    missing = None
    if not Path(CHROMIUM).exists():
        missing = f"{CHROMIUM} is missing (apt-get install chromium fonts-noto-cjk)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            missing = "the playwright package is missing (pip install -e '.[test]')"
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests cannot run under CI: {missing}")
        pytest.skip(missing)


@dataclass
class Dashboard:
    base: str
    store: Store
    one_time_password: str

    def site_id(self, name: str) -> int:
        with self.store.session() as s:
            return int(s.scalars(select(Site.id).where(Site.name == name)).one())

    def unit_site_ids(self, unit: str) -> set[int]:
        with self.store.session() as s:
            return set(s.scalars(select(Site.id).join(Unit, Unit.id == Site.unit_id).where(Unit.name == unit)))



@pytest.fixture(scope="module")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dashboard]:
    _need_chromium()
    from govinspect.demo.serve import demo_world, prepare_demo, serve_demo_world, web_settings

    demo = prepare_demo(demo_copy(tmp_path_factory, tmp_path_factory.mktemp("browser") / "demo"), DEMO_AS_OF)
    assert not demo.built and demo.as_of == DEMO_AS_OF
    world, sites = demo_world(demo)
    with ExitStack() as stack:
        stack.enter_context(serve_demo_world(demo, world, sites))
        store = stack.enter_context(open_store(demo.database_url))
        password = ensure_first_admin(store)
        assert password
        add_user(store, "sup", PASSWORD, "supervisor")
        add_user(store, "op", PASSWORD, "operator", OP_UNIT)
        ctx = WebContext(store=store, settings=web_settings(demo, load_settings(), world), block_private=False,
                         today=lambda: demo.as_of)
        base = stack.enter_context(serve_in_thread(create_app(ctx)))
        yield Dashboard(base, store, password)


@pytest.fixture(scope="module")
def browser(dashboard: Dashboard) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser: Any, dashboard: Dashboard) -> Iterator[Any]:
    context = browser.new_context(base_url=dashboard.base, viewport={"width": 1280, "height": 860},
                                  locale="zh-CN", accept_downloads=True)
    context.set_default_timeout(20_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def shot(page: Any, name: str, tmp_path: Path) -> Path:
    """A full-page screenshot: into docs/img when GOVINSPECT_SCREENSHOTS=1, else into tmp_path."""
    regenerate = os.environ.get("GOVINSPECT_SCREENSHOTS") == "1"
    if regenerate and not _has_cjk_font():
        pytest.fail("no CJK font: Chromium would draw boxes (apt-get install fonts-noto-cjk)")
    folder = ROOT / "docs" / "img" if regenerate else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 5_000
    return target


def _has_cjk_font() -> bool:
    try:
        listed = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return bool(listed.strip())


def log_in(page: Any, name: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.fill("#login-form input[name=name]", name)
    page.fill("#login-form input[name=password]", password)
    page.click("#login-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("[data-testid=login-error]").count() == 0, page.inner_text("body")


def submit(page: Any, form: str) -> None:
    page.locator(f"{form} button, {form} input[type=submit]").first.click()


def test_first_admin_signs_in_with_the_one_time_password_and_must_change_it(page, dashboard, tmp_path):
    from playwright.sync_api import expect

    page.goto("/login")  # a wrong password first: refused on the page
    page.fill("#login-form input[name=name]", "admin")
    page.fill("#login-form input[name=password]", "wrong-password")
    page.click("#login-form button[type=submit]")
    expect(page.locator("[data-testid=login-error]")).to_contain_text("用户名或密码错误")
    log_in(page, "admin", dashboard.one_time_password)
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/password$"))
    expect(page.locator("body")).to_contain_text("一次性初始密码")
    page.fill("#password-form input[name=password]", NEW_ADMIN_PASSWORD)
    page.fill("#password-form input[name=confirm]", NEW_ADMIN_PASSWORD)
    page.click("#password-form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("body")).to_contain_text("admin")
    shot(page, "web-overview.png", tmp_path)
    # The one-time password is gone; the new one works.
    r = httpx.post(dashboard.base + "/api/v1/session", json={"name": "admin", "password": NEW_ADMIN_PASSWORD})
    assert r.status_code == 200 and r.json()["role"] == "admin"
    r = httpx.post(dashboard.base + "/api/v1/session",
                   json={"name": "admin", "password": dashboard.one_time_password})
    assert r.status_code == 401


def test_supervisor_runs_one_site_and_watches_it_finish(page, dashboard, tmp_path):
    from playwright.sync_api import expect

    log_in(page, "sup")
    site_id = dashboard.site_id(RUN_SITE)
    page.goto("/runs")
    page.select_option("form#start-run select[name=site_id]", value=str(site_id))
    submit(page, "form#start-run")
    page.wait_for_url(re.compile(r"/runs/\d+$"))
    run_id = int(page.url.rsplit("/", 1)[1])
    status = page.locator("[data-testid=run-status]")
    expect(status).to_contain_text("已完成", timeout=240_000)  # the page follows the run live
    shot(page, "web-run.png", tmp_path)
    with dashboard.store.session() as s:
        run = s.get(Run, run_id)
        assert run is not None and run.status == "finished" and run.as_of == DEMO_AS_OF
        checked = {r.site_id: r.pages_crawled for r in s.scalars(select(SiteResult).where(SiteResult.run_id == run_id))}
    assert list(checked) == [site_id]  # one site, and only that one
    assert checked[site_id] > 20  # the demo site served again was reached and crawled


def test_supervisor_reads_a_failing_site_and_its_evidence(page, dashboard, tmp_path):
    from playwright.sync_api import expect

    site_id = dashboard.site_id(FAILING_SITE)
    log_in(page, "sup")
    page.goto("/sites")
    page.click(f'a.site-link[href="/sites/{site_id}"]')
    expect(page).to_have_url(re.compile(rf"/sites/{site_id}$"))
    expect(page.locator("body")).to_contain_text(FAILING_SITE)
    links = page.locator("a.evidence-link")
    expect(links.first).to_be_visible()
    shot(page, "web-site.png", tmp_path)
    href = links.first.get_attribute("href")
    assert href and re.fullmatch(r"/findings/\d+", href)
    with dashboard.store.session() as s:
        finding = s.get(TrackedFinding, int(href.rsplit("/", 1)[1]))
        assert finding is not None and finding.site_id == site_id
    links.first.click()
    evidence = page.locator("[data-testid=evidence]")
    expect(evidence).to_be_visible()
    shot(page, "web-evidence.png", tmp_path)


def test_supervisor_generates_and_downloads_the_circular(page, dashboard, tmp_path):
    from playwright.sync_api import expect

    log_in(page, "sup")
    page.goto("/reports")
    period = period_of(DEMO_AS_OF)
    page.select_option("form#make-report select[name=period]", value=period)
    for box in page.locator("form#make-report input[name=formats]").all():
        box.set_checked(box.get_attribute("value") == "docx")
    submit(page, "form#make-report")
    link = page.locator("a.download[data-format=docx]").first
    expect(link).to_be_visible(timeout=120_000)
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename.endswith(".docx") and period in download.suggested_filename
    saved = tmp_path / download.suggested_filename
    download.save_as(str(saved))
    assert saved.read_bytes()[:2] == b"PK"
    with zipfile.ZipFile(saved) as docx:
        body = docx.read("word/document.xml").decode("utf-8")
    assert FAILING_SITE in body


def test_operator_sees_only_their_unit_and_marks_a_finding_fixed(page, dashboard, tmp_path):
    from playwright.sync_api import expect

    own = dashboard.unit_site_ids(OP_UNIT)
    other = dashboard.site_id(FAILING_SITE)
    assert other not in own
    log_in(page, "op")
    page.goto("/sites")
    hrefs = [a.get_attribute("href") for a in page.locator("a.site-link").all()]
    assert hrefs and {int(h.rsplit("/", 1)[1]) for h in hrefs if h} == own
    response = page.goto(f"/sites/{other}")
    assert response is not None and response.status == 403
    expect(page.locator("body")).not_to_contain_text(FAILING_SITE + "网站")
    page.goto("/review")
    forms = page.locator("form.mark-fixed")
    expect(forms.first).to_be_visible()
    expect(page.locator("form.confirm")).to_have_count(0)  # reviewing is the supervisors' work
    submit(page, "form.mark-fixed")
    deadline = time.monotonic() + 15
    while True:
        with dashboard.store.session() as s:
            fixed = s.scalars(select(TrackedFinding).where(TrackedFinding.owner_status == "fixed")).all()
        if fixed or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert len(fixed) == 1 and fixed[0].site_id in own
    page.goto("/review")
    shot(page, "web-review.png", tmp_path)
