"""Signing in: passwords hashed, sessions, expiry, CSRF, the login rate limit, roles on the API."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update

from govinspect.store.tables import User, WebSession
from govinspect.store.users import ensure_first_admin

from .web_support import PASSWORD


def test_password_is_hashed_with_argon2(web):
    with web.store.session() as s:
        hashes = list(s.scalars(select(User.password_hash)))
    assert len(hashes) == 4
    assert all(h.startswith("$argon2id$") and PASSWORD not in h for h in hashes)


def test_login_sets_httponly_session_and_logout_ends_it(web):
    c = web.client()
    assert c.get("/").status_code == 303  # not signed in: to the login page
    r = c.login("sup")
    assert r.status_code == 303 and r.headers["location"] == "/"
    cookie = r.headers["set-cookie"]
    assert "govinspect_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert c.get("/api/v1/me").json() == {"name": "sup", "role": "supervisor", "unit": None}
    assert c.form("/logout").status_code == 303
    assert c.get("/api/v1/me").status_code == 401
    with web.store.session() as s:
        assert s.scalars(select(WebSession)).all() == []


def test_wrong_password_is_refused_then_rate_limited(web):
    c = web.client()
    for _ in range(5):
        r = c.login("sup", "wrong-password")
        assert r.status_code == 401 and "用户名或密码错误" in r.text
    r = c.login("sup")  # even the right password waits now
    assert r.status_code == 429 and "登录失败次数过多" in r.text and int(r.headers["retry-after"]) > 0
    api = web.client().post("/api/v1/session", json={"name": "sup", "password": PASSWORD})
    assert api.status_code == 429 and "登录失败次数过多" in api.json()["error"]


def test_expired_session_asks_to_sign_in_again(web):
    c = web.client("op_jia")
    with web.store.session() as s:
        s.execute(update(WebSession).values(expires_at=datetime.now() - timedelta(minutes=1)))
    r = c.get("/")
    assert r.status_code == 303 and r.headers["location"].startswith("/login?expired=1")
    assert "登录已过期" in c.get(r.headers["location"]).text
    api = c.get("/api/v1/me")
    assert api.status_code == 401


def test_forged_or_missing_csrf_token_changes_nothing(web):
    c = web.client("sup")
    r = c.post("/logout", data={"csrf_token": "forged"})
    assert r.status_code == 403 and "CSRF" in r.text
    assert c.post("/logout").status_code == 403
    assert c.get("/api/v1/me").status_code == 200  # still signed in
    login = web.client()
    login.get("/login")
    r = login.post("/login", data={"name": "sup", "password": PASSWORD, "login_token": "forged"})
    assert r.status_code == 403 and "登录表单已失效" in r.text


def test_bearer_token_for_the_api(web):
    c = web.client()
    r = c.post("/api/v1/session", json={"name": "op_yi", "password": PASSWORD})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["role"] == "operator" and body["unit"] == "乙县"
    me = c.get("/api/v1/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.json()["unit"] == "乙县"
    bad = c.post("/api/v1/session", json={"name": "op_yi", "password": "nope-nope"})
    assert bad.status_code == 401 and bad.json() == {"error": "用户名或密码错误"}


def test_first_admin_gets_a_one_time_password_and_must_change_it(store):
    from govinspect.web import create_app
    from govinspect.web.server import serve_in_thread

    from .web_support import WebClient, make_context

    password = ensure_first_admin(store)
    assert password and len(password) >= 12
    assert ensure_first_admin(store) is None  # only once
    with serve_in_thread(create_app(make_context(store))) as base:
        c = WebClient(base_url=base, timeout=30)
        assert c.login("admin", password).status_code == 303
        r = c.get("/")
        assert r.status_code == 303 and r.headers["location"] == "/password"
        r = c.form("/password", {"password": "short", "confirm": "short"})
        assert r.status_code == 400 and "密码太短" in r.text
        r = c.form("/password", {"password": "a-new-long-password", "confirm": "a-new-long-password"})
        assert r.status_code == 303
        assert c.get("/api/v1/me").json()["role"] == "admin"
    with store.session() as s:
        assert s.scalars(select(User.must_change)).one() is False


def test_oversized_upload_is_refused_with_413(web):
    c = web.client("admin")
    r = c.post("/registry/import", files={"file": ("big.csv", b"x" * (6 * 1024 * 1024))},
               data={"csrf_token": c.csrf})
    assert r.status_code == 413 and "上传内容过大" in r.text


def test_unknown_page_is_a_chinese_404(web):
    c = web.client("sup")
    r = c.get("/no-such-page")
    assert r.status_code == 404 and "页面不存在" in r.text
