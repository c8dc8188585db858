"""The review queue, the findings write API and the users page, on a served dashboard (both backends).

The history stops at 2019-10 (``build_cycle(upto="2019-10")``) so that findings are still open:
in 甲市 the broken link x (owner said fixed, still seen: incomplete), the error word w, S1
unreachable, S3's missing column, S4 hijacked, A1 stale; in 乙县 the confirmed stale column of S2.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from govinspect.store.findings import history, list_findings
from govinspect.store.tables import Review, TrackedFinding, User, WebSession
from govinspect.web import create_app
from govinspect.web.server import serve_in_thread

from .cycle_support import build_cycle
from .web_support import PASSWORD, WebEnv, add_users, make_context


@pytest.fixture
def web10(store) -> Iterator[WebEnv]:
    """The dashboard over the fixture history up to 2019-10 (open findings to review)."""
    cycle = build_cycle(store, upto="2019-10")
    add_users(store)
    ctx = make_context(store)
    with serve_in_thread(create_app(ctx)) as base:
        yield WebEnv(base, store, ctx, cycle)


def queue_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr id="finding-\d+" data-finding="(\d+)"', html)]


def row(store, finding_id: int) -> TrackedFinding:
    with store.session() as s:
        found = s.get(TrackedFinding, finding_id)
        assert found is not None
        return found


def reviews(store) -> list[tuple[int, str, str | None, str | None]]:
    with store.session() as s:
        return [(r.finding_id, r.action, r.reason, r.actor) for r in s.scalars(select(Review).order_by(Review.id))]


def test_supervisor_queue_has_unreviewed_machine_findings_and_disputes_first(web10):
    F = web10.cycle.findings
    sup = web10.client("sup")
    r = sup.get("/review")
    assert r.status_code == 200 and "审核与整改" in r.text
    ids = queue_ids(r.text)
    # unreviewed open machine findings; not the confirmed stale column, the dismissed z, the manual one
    assert F["w"] in ids and F["unreachable"] in ids and F["x"] in ids
    assert F["stale"] not in ids and F["z"] not in ids and F["manual"] not in ids
    assert 'class="confirm"' in r.text and 'class="dismiss"' in r.text and 'class="mark-fixed"' not in r.text
    # 乙县's operator disputes the confirmed stale column: it comes back to the top of the queue
    yi = web10.client("op_yi")
    assert yi.form(f"/review/{F['stale']}/dispute", {"reason": "该栏目已于 10 月更新"}).status_code == 303
    page = sup.get("/review").text
    assert queue_ids(page)[0] == F["stale"] and "申诉理由：该栏目已于 10 月更新" in page and "申诉待复核" in page
    # the supervisor answers the dispute by confirming again: it leaves the queue
    assert sup.form(f"/review/{F['stale']}/confirm", {"reason": "核查仍未更新"}).status_code == 303
    assert F["stale"] not in queue_ids(sup.get("/review").text)
    # filters: by unit, by code, by site
    assert queue_ids(sup.get("/review", params={"unit": "乙县"}).text) == []
    only = queue_ids(sup.get("/review", params={"code": "security.hijack"}).text)
    assert only == [row_id for row_id in only if row(web10.store, row_id).code == "security.hijack"] and only
    s1 = queue_ids(sup.get("/review", params={"site": web10.cycle.sites["S1"]}).text)
    assert set(s1) == {F["x"], F["w"], F["unreachable"]}
    bad = sup.get("/review", params={"code": "no.such"})
    assert bad.status_code == 400 and "未知问题代码" in bad.text


def test_confirm_and_dismiss_change_the_store_as_the_cli_reads_it(web10, db_url, call):
    F = web10.cycle.findings
    sup = web10.client("sup")
    before = reviews(web10.store)
    r = sup.form(f"/review/{F['w']}/confirm")
    assert r.status_code == 303 and r.headers["location"] == f"/review?done=confirm&id={F['w']}"
    assert "已确认问题" in sup.get(r.headers["location"]).text
    # a dismissal without a reason is refused and changes nothing
    r = sup.form(f"/review/{F['unreachable']}/dismiss", {"reason": "  "})
    assert r.status_code == 400 and "需要填写理由" in r.text and "Traceback" not in r.text
    assert row(web10.store, F["unreachable"]).review == "unreviewed"
    r = sup.form(f"/review/{F['unreachable']}/dismiss", {"reason": "服务器例行维护"})
    assert r.status_code == 303
    assert reviews(web10.store)[len(before):] == [(F["w"], "confirm", None, "sup"),
                                                  (F["unreachable"], "dismiss", "服务器例行维护", "sup")]
    # the CLI sees exactly what the page did
    out = call(db_url, "findings", "list", "--status", "all", "--json")
    assert out.returncode == 0, out.stderr
    by_id = {f["id"]: f for f in json.loads(out.stdout)["findings"]}
    assert by_id[F["w"]]["review"] == "confirmed"
    assert by_id[F["unreachable"]]["review"] == "dismissed"
    assert by_id[F["unreachable"]]["review_reason"] == "服务器例行维护"
    dismissed = call(db_url, "findings", "list", "--review", "dismissed", "--json")
    assert F["unreachable"] in [f["id"] for f in json.loads(dismissed.stdout)["findings"]]
    assert [h.actor for h in history(web10.store, F["unreachable"])] == ["sup"]


def test_htmx_act_answers_the_updated_row(web10):
    F = web10.cycle.findings
    sup = web10.client("sup")
    r = sup.post(f"/review/{F['w']}/confirm",
                 headers={"HX-Request": "true", "X-CSRF-Token": sup.csrf})
    assert r.status_code == 200
    assert r.text.lstrip().startswith("<tr") and "<html" not in r.text and "已确认" in r.text
    # a refused HTMX act keeps the row and says why
    r = sup.post(f"/review/{F['x']}/dismiss", data={"reason": ""},
                 headers={"HX-Request": "true", "X-CSRF-Token": sup.csrf})
    assert r.status_code == 200 and r.text.lstrip().startswith("<tr") and "需要填写理由" in r.text
    assert row(web10.store, F["x"]).review == "unreviewed"


def test_operator_marks_fixed_and_disputes_only_in_their_unit(web10):
    F = web10.cycle.findings
    jia = web10.client("op_jia")
    page = jia.get("/review")
    ids = queue_ids(page.text)
    assert F["w"] in ids and F["stale"] not in ids  # 乙县's finding is not shown to 甲市
    assert "乙县人民政府" not in page.text
    assert 'class="mark-fixed"' in page.text and 'class="dispute"' in page.text
    assert 'class="confirm"' not in page.text and 'id="add-manual"' not in page.text
    # mark fixed (reason optional), as the CLI's --fixed does: owner_status set, verified by the next run
    assert jia.form(f"/review/{F['w']}/fixed").status_code == 303
    w = row(web10.store, F["w"])
    assert (w.owner_status, w.owner_reason, w.rectification, w.resolved_at) == ("fixed", None, None, None)
    # a dispute needs a reason
    r = jia.form(f"/review/{F['unreachable']}/dispute", {"reason": ""})
    assert r.status_code == 400 and "申诉需要填写理由" in r.text
    assert row(web10.store, F["unreachable"]).owner_status is None
    assert jia.form(f"/review/{F['unreachable']}/dispute", {"reason": "机房断电，已恢复"}).status_code == 303
    assert row(web10.store, F["unreachable"]).owner_status == "disputed"
    assert reviews(web10.store)[-2:] == [(F["w"], "fixed", None, "op_jia"),
                                        (F["unreachable"], "disputed", "机房断电，已恢复", "op_jia")]
    # another unit's finding: 403 and nothing changes
    before = reviews(web10.store)
    for action in ("fixed", "dispute"):
        r = jia.form(f"/review/{F['stale']}/{action}", {"reason": "试图越权"})
        assert r.status_code == 403 and "不属于您所在的单位" in r.text
    # inspectors' acts and manual findings are refused to operators
    for action in ("confirm", "dismiss"):
        r = jia.form(f"/review/{F['w']}/{action}", {"reason": "试图越权"})
        assert r.status_code == 403 and "无权" in r.text
    r = jia.form("/review/manual", {"subject": f"site:{web10.cycle.sites['S1']}", "code": "manual.other",
                                    "message": "试图越权"})
    assert r.status_code == 403
    assert reviews(web10.store) == before
    assert row(web10.store, F["stale"]).owner_status is None
    # unknown finding and unknown act
    assert jia.form("/review/999999/fixed").status_code == 404
    assert jia.form(f"/review/{F['w']}/approve").status_code == 404
    # the operator cannot filter into another unit
    assert jia.get("/review", params={"unit": "乙县"}).status_code == 403
    assert jia.get("/review", params={"site": web10.cycle.sites["S2"]}).status_code == 403


def test_supervisor_adds_a_manual_finding(web10, db_url, call):
    sup = web10.client("sup")
    s2 = web10.cycle.sites["S2"]
    page = sup.get("/review")
    assert 'id="add-manual"' in page.text and "manual.menu_broken" in page.text
    r = sup.form("/review/manual", {"subject": f"site:{s2}", "code": "manual.menu_broken",
                                    "message": "首页“办事服务”菜单点击无反应", "severity": "deduct"})
    assert r.status_code == 303
    found = list_findings(web10.store, site="乙县人民政府", code="manual.menu_broken")
    assert len(found) == 1
    f = found[0]
    assert (f.origin, f.review, f.severity, f.first_seen.isoformat()) == ("manual", "confirmed", "deduct", "2019-11-20")
    assert [(h.action, h.actor) for h in history(web10.store, f.id)] == [("add", "sup")]
    out = call(db_url, "findings", "list", "--unit", "乙县", "--json")
    assert f.id in [x["id"] for x in json.loads(out.stdout)["findings"]]
    # the same open problem twice, an empty message, a bad code: one Chinese line, nothing added
    for data, text in (({"code": "manual.menu_broken", "message": "首页“办事服务”菜单点击无反应"}, "已存在"),
                       ({"code": "manual.other", "message": "   "}, "不能为空"),
                       ({"code": "link.broken", "message": "x"}, "问题类型取值错误"),
                       ({"code": "manual.other", "message": "x", "severity": "huge"}, "严重程度取值错误")):
        r = sup.form("/review/manual", {"subject": f"site:{s2}", "severity": "deduct", **data})
        assert r.status_code == 400 and text in r.text, (data, r.text[:300])
    r = sup.form("/review/manual", {"subject": "site:999999", "code": "manual.other", "message": "x"})
    assert r.status_code == 404
    r = sup.form("/review/manual", {"subject": "nothing", "code": "manual.other", "message": "x"})
    assert r.status_code == 400 and "请选择一个网站或账号" in r.text
    assert len(list_findings(web10.store, site="乙县人民政府", code="manual.menu_broken")) == 1
    # an account too
    a1 = web10.cycle.accounts["A2"]
    r = sup.form("/review/manual", {"subject": f"account:{a1}", "code": "manual.other", "message": "简介含错别字",
                                    "severity": "notice"})
    assert r.status_code == 303
    assert list_findings(web10.store, code="manual.other")[0].subject == f"account:{a1}"


# --- the findings write API ------------------------------------------------------------------


def token(web: WebEnv, name: str) -> dict[str, str]:
    r = web.client().post("/api/v1/session", json={"name": name, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def test_api_review_and_manual_add_follow_the_role_rules(web10):
    F, c = web10.cycle.findings, web10.client()
    sup, jia = token(web10, "sup"), token(web10, "op_jia")
    r = c.post(f"/api/v1/findings/{F['w']}/review", json={"action": "confirm"}, headers=sup)
    assert r.status_code == 200, r.text
    assert r.json()["review"] == "confirmed" and r.json()["id"] == F["w"]
    r = c.post(f"/api/v1/findings/{F['x']}/review", json={"action": "dismiss"}, headers=sup)
    assert r.status_code == 400 and "需要填写理由" in r.json()["error"]
    r = c.post(f"/api/v1/findings/{F['x']}/review", json={"action": "dismiss", "reason": "误报"}, headers=sup)
    assert r.json()["review"] == "dismissed" and r.json()["review_reason"] == "误报"
    # operators: own unit fixed/disputed, never confirm/dismiss, never another unit
    r = c.post(f"/api/v1/findings/{F['unreachable']}/review", json={"action": "fixed", "reason": "已恢复"}, headers=jia)
    assert r.status_code == 200 and r.json()["owner_status"] == "fixed"
    r = c.post(f"/api/v1/findings/{F['unreachable']}/review", json={"action": "disputed"}, headers=jia)
    assert r.status_code == 400 and "申诉需要填写理由" in r.json()["error"]
    before = reviews(web10.store)
    r = c.post(f"/api/v1/findings/{F['w']}/review", json={"action": "confirm"}, headers=jia)
    assert r.status_code == 403 and "无权" in r.json()["error"]
    r = c.post(f"/api/v1/findings/{F['stale']}/review", json={"action": "fixed"}, headers=jia)
    assert r.status_code == 403 and "不属于您所在的单位" in r.json()["error"]
    r = c.post("/api/v1/findings", json={"site_id": web10.cycle.sites["S1"], "code": "manual.other",
                                         "message": "x"}, headers=jia)
    assert r.status_code == 403
    assert reviews(web10.store) == before
    # sup: a sup cannot mark fixed (that is the owner's answer)
    assert c.post(f"/api/v1/findings/{F['w']}/review", json={"action": "fixed"}, headers=sup).status_code == 403
    # bad input: unknown action, unknown id, no session
    r = c.post(f"/api/v1/findings/{F['w']}/review", json={"action": "approve"}, headers=sup)
    assert r.status_code == 422 and "action" in r.json()["error"]
    assert c.post("/api/v1/findings/999999/review", json={"action": "confirm"}, headers=sup).status_code == 404
    assert c.post(f"/api/v1/findings/{F['w']}/review", json={"action": "confirm"}).status_code == 401
    r = c.post(f"/api/v1/findings/{F['w']}/review", json={"action": "confirm", "reason": "a\x00b"}, headers=sup)
    assert r.status_code == 400 and "控制字符" in r.json()["error"]
    # manual add
    body = {"account_id": web10.cycle.accounts["A1"], "code": "manual.staff_left", "message": "管理员再次离职",
            "severity": "veto"}
    r = c.post("/api/v1/findings", json=body, headers=sup)
    assert r.status_code == 201, r.text
    made = r.json()
    assert (made["origin"], made["severity"], made["subject"]) == ("manual", "veto", f"account:{body['account_id']}")
    r = c.post("/api/v1/findings", json={**body, "site_id": web10.cycle.sites["S1"]}, headers=sup)
    assert r.status_code == 400 and "二选一" in r.json()["error"]
    r = c.post("/api/v1/findings", json={**body, "account_id": 999999}, headers=sup)
    assert r.status_code == 404


def test_api_with_a_cookie_session_needs_the_csrf_token(web10):
    F = web10.cycle.findings
    sup = web10.client("sup")
    r = sup.post(f"/api/v1/findings/{F['w']}/review", json={"action": "confirm"})
    assert r.status_code == 403 and "CSRF" in r.json()["error"]
    assert row(web10.store, F["w"]).review == "unreviewed"
    r = sup.post(f"/api/v1/findings/{F['w']}/review", json={"action": "confirm"}, headers={"X-CSRF-Token": sup.csrf})
    assert r.status_code == 200


# --- users -----------------------------------------------------------------------------------


def test_admin_adds_and_disables_users(web10):
    admin = web10.client("admin")
    page = admin.get("/users")
    assert page.status_code == 200
    for name, label in (("admin", "管理员"), ("sup", "督查人员"), ("op_jia", "运维人员")):
        assert f'data-user="{name}"' in page.text and label in page.text
    assert re.search(r'data-user="op_jia">.*?甲市', page.text, re.S)
    new = {"name": "op_jia2", "role": "operator", "unit": "甲市", "password": "another-long-pw",
           "confirm": "another-long-pw"}
    r = admin.form("/users", new)
    assert r.status_code == 303
    assert "已添加用户 op_jia2" in admin.get(r.headers["location"]).text
    # refusals: one Chinese line, no user added
    for data, text in (({**new, "name": "x1", "confirm": "different-pw"}, "两次输入的密码不一致"),
                       ({**new, "name": "x2", "password": "short", "confirm": "short"}, "密码太短"),
                       ({**new, "name": "x3", "unit": ""}, "必须选择所属单位"),
                       ({**new, "name": "x4", "role": "supervisor"}, "不需要选择单位"),
                       ({**new, "name": "x5", "unit": "丙镇"}, "没有名为"),
                       ({**new}, "已存在")):
        r = admin.form("/users", data)
        assert r.status_code == 400 and text in r.text, (data, r.text[-800:])
    with web10.store.session() as s:
        assert not s.scalars(select(User).where(User.name.in_(["x1", "x2", "x3", "x4", "x5"]))).all()
    # the new user signs in; disabling ends their session and refuses the next login
    op = web10.client()
    assert op.login("op_jia2", "another-long-pw").status_code == 303
    assert op.get("/review").status_code == 200
    with web10.store.session() as s:
        uid = s.scalars(select(User.id).where(User.name == "op_jia2")).one()
    r = admin.form(f"/users/{uid}/disable")
    assert r.status_code == 303
    with web10.store.session() as s:
        assert s.get(User, uid).disabled_at is not None
        assert s.scalars(select(WebSession).where(WebSession.user_id == uid)).all() == []
    assert op.get("/review").status_code == 303  # back to the login page
    assert web10.client().login("op_jia2", "another-long-pw").status_code == 401
    assert "已停用" in admin.get("/users").text
    # an admin cannot disable themself; unknown ids are 404
    with web10.store.session() as s:
        me = s.scalars(select(User.id).where(User.name == "admin")).one()
    r = admin.form(f"/users/{me}/disable")
    assert r.status_code == 400 and "不能停用自己的账号" in r.text
    assert admin.form("/users/999999/disable").status_code == 404


def test_users_page_is_for_admins_only(web10):
    for name in ("sup", "op_jia"):
        c = web10.client(name)
        assert c.get("/users").status_code == 403
        r = c.form("/users", {"name": "sneaky", "role": "admin", "password": "long-enough-pw",
                              "confirm": "long-enough-pw"})
        assert r.status_code == 403
    with web10.store.session() as s:
        assert s.scalars(select(User).where(User.name == "sneaky")).first() is None
