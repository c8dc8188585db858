"""检查任务 pages and API: runs started from the dashboard run in the background, on both backends."""

from __future__ import annotations

import html
import re
import socket

import pytest
from sqlalchemy import func, select, update

from govinspect.store.runs import start_run
from govinspect.store.tables import Run, Site, SiteResult
from govinspect.web.jobs import launcher

from .web_act_support import fast_settings, slow_site
from .web_support import PASSWORD


@pytest.fixture
def act(web, tmp_path):
    web.ctx.settings = fast_settings(tmp_path / "home")
    return web


def _runs(store) -> int:
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(Run)) or 0


def _status(text: str) -> str:
    m = re.search(r'data-testid="run-status"[^>]*>([^<]+)<', text)
    assert m, text[:800]
    return m.group(1)


def test_one_site_runs_in_background_survives_reload_and_blocks_a_second_run(act):
    with slow_site(1.5) as server:
        admin = act.client("admin")
        r = admin.form("/registry/sites", {"name": "测试县人民政府", "url": server.url("/"), "unit": "测试县",
                                           "level": "county"})
        assert r.status_code == 201, r.text[:300]
        with act.store.session() as s:
            site_id = s.scalar(select(Site.id).where(Site.url == server.url("/")))
        sup = act.client("sup")
        listing = sup.get("/runs")
        assert listing.status_code == 200 and 'id="start-run"' in listing.text
        assert f'<option value="{site_id}">测试县人民政府</option>' in listing.text
        before = _runs(act.store)
        r = sup.form("/runs", {"site_id": str(site_id)})
        assert r.status_code == 303, r.text[:300]
        run_id = int(r.headers["location"].rsplit("/", 1)[1])
        assert _runs(act.store) == before + 1

        again = sup.form("/runs", {"site_id": ""})  # while the first one runs
        assert again.status_code == 409 and f"数据库中已有正在进行的检查批次 #{run_id}" in again.text
        api = sup.post("/api/v1/runs", json={}, headers={"X-CSRF-Token": sup.csrf})
        assert api.status_code == 409 and "正在进行" in api.json()["error"]
        assert _runs(act.store) == before + 1  # nothing started

        fresh = act.client("admin")  # a reload in another browser: progress comes from the store
        page = fresh.get(f"/runs/{run_id}")
        assert page.status_code == 200 and _status(page.text) == "运行中"
        assert f'hx-get="/runs/{run_id}/progress" hx-trigger="every 2s"' in page.text

        launcher(act.ctx.extra).join(run_id, 120)
    part = fresh.get(f"/runs/{run_id}/progress")
    assert part.status_code == 200 and _status(part.text) == "已完成"
    assert "hx-trigger" not in part.text  # polling stops once the run has ended
    assert "已保存网站 1 / 1 个" in part.text
    with act.store.session() as s:
        stored = s.scalars(select(SiteResult).where(SiteResult.run_id == run_id)).all()
        run = s.get(Run, run_id)
    assert [x.site_id for x in stored] == [site_id] and stored[0].pages_crawled >= 2
    assert run.status == "finished" and run.as_of.isoformat() == "2019-11-20" and run.period == "2019-11"
    token = act.client().post("/api/v1/session", json={"name": "sup", "password": PASSWORD}).json()["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    one = act.client().get(f"/api/v1/runs/{run_id}", headers=bearer).json()
    assert one["status"] == "finished" and one["progress"] == 1.0 and one["sites_stored"] == 1
    assert one["error"] is None and one["scope"] == server.url("/")
    assert run_id in [x["id"] for x in act.client().get("/api/v1/runs", headers=bearer).json()]
    assert f'href="/runs/{run_id}"' in sup.get("/runs").text


def test_a_run_of_every_registered_target_through_the_api(act):
    token = act.client().post("/api/v1/session", json={"name": "admin", "password": PASSWORD}).json()["token"]
    c = act.client()
    c.headers["Authorization"] = f"Bearer {token}"
    r = c.post("/api/v1/runs")
    assert r.status_code == 202, r.text
    run_id = r.json()["id"]
    launcher(act.ctx.extra).join(run_id, 120)
    got = c.get(f"/api/v1/runs/{run_id}").json()
    # S1-S4 (S5 is archived) and the four accounts; the fixture hosts do not resolve offline.
    assert got["status"] == "finished", got
    assert (got["sites_stored"], got["accounts_stored"]) == (4, 4)
    assert got["scope"] == "全部已登记网站和账号"


def test_a_live_run_of_another_process_is_refused_with_409(act):
    start_run(act.store, act.ctx.today(), {"sites": []})  # this pid is alive: the run is live
    before = _runs(act.store)
    r = act.client("sup").form("/runs", {"site_id": ""})
    assert r.status_code == 409
    assert re.search(r"数据库中已有正在进行的检查批次 #\d+", r.text)
    assert _runs(act.store) == before


def test_a_dead_runs_row_shows_interrupted(act):
    run = start_run(act.store, act.ctx.today(), {"sites": []})
    with act.store.session() as s:  # its process is gone (a pid that cannot exist)
        s.execute(update(Run).where(Run.id == run.id).values(owner=f"{socket.gethostname()}:99999999"))
    page = act.client("sup").get(f"/runs/{run.id}")
    assert _status(page.text) == "已中断" and "hx-trigger" not in page.text


def test_a_crash_after_start_marks_the_run_failed_with_its_line(act, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    act.ctx.settings = fast_settings(blocker)  # the snapshot folder cannot be made under a file
    sup = act.client("sup")
    r = sup.form("/runs", {"site_id": str(act.cycle.sites["S1"])})
    assert r.status_code == 303, r.text[:300]
    run_id = int(r.headers["location"].rsplit("/", 1)[1])
    launcher(act.ctx.extra).join(run_id, 60)
    page = sup.get(f"/runs/{run_id}")
    assert _status(page.text) == "失败" and "hx-trigger" not in page.text
    line = re.search(r'data-testid="run-error">([^<]+)<', page.text)
    assert line and "检查过程出错" in line.group(1) and "not-a-folder" in line.group(1), page.text[:800]
    with act.store.session() as s:
        row = s.get(Run, run_id)
    assert row.status == "failed" and row.options["error"] == html.unescape(line.group(1))
    assert "失败" in sup.get("/runs").text


def test_roles_and_csrf(act):
    op = act.client("op_jia")
    assert op.get("/runs").status_code == 403
    assert op.form("/runs", {"site_id": ""}).status_code == 403
    assert op.get("/api/v1/runs").status_code == 403
    sup = act.client("sup")
    before = _runs(act.store)
    r = sup.post("/runs", data={"site_id": ""})  # no CSRF token
    assert r.status_code == 403 and "CSRF" in r.text
    assert sup.form("/runs", {"site_id": "abc"}).status_code == 422
    assert sup.form("/runs", {"site_id": "99999"}).status_code == 404
    assert sup.form("/runs", {"site_id": str(act.cycle.sites["S5"])}).status_code == 409  # archived
    assert _runs(act.store) == before
    assert sup.get("/runs/99999").status_code == 404
    assert sup.get("/api/v1/runs/99999").json() == {"error": "没有编号为 99999 的检查批次"}


def test_openapi_documents_the_action_routes(act):
    doc = act.client().get("/api/v1/openapi.json").json()
    paths = doc["paths"]
    for path, method, ok in (("/api/v1/runs", "post", "202"), ("/api/v1/runs", "get", "200"),
                             ("/api/v1/runs/{run_id}", "get", "200"), ("/api/v1/reports", "post", "201"),
                             ("/api/v1/reports", "get", "200"), ("/api/v1/reports/{report_id}/download", "get", "200"),
                             ("/api/v1/registry/export", "get", "200")):
        responses = paths[path][method]["responses"]
        assert ok in responses and {"401", "403", "422"} <= set(responses), (path, method)
    assert "409" in paths["/api/v1/runs"]["post"]["responses"]


def test_a_run_that_cannot_begin_is_one_line_and_starts_nothing(act, tmp_path):
    act.ctx.settings = act.ctx.settings.model_copy(update={"rules_file": tmp_path / "missing.yaml"})
    before = _runs(act.store)
    r = act.client("sup").form("/runs", {"site_id": ""})
    assert r.status_code == 400 and "规则文件" in r.text and "不存在" in r.text
    assert _runs(act.store) == before
