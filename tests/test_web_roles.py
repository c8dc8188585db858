"""The access matrix: every route of the application, tried as every role and as nobody.

Routes are enumerated from ``app.routes``, so a route added later is tried too, and a route the
table below does not classify fails the test (a new route must say who may use it). Path ids are
filled from the fixture history: for operators, the other unit's site/account/finding (must be
403 or 404), their own unit's (must not be refused), and an id that does not exist (404). A page
or API answer an operator reads must never name a site or account of the other unit.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.routing import APIRoute
from sqlalchemy import select, text
from starlette.routing import Mount, Route

from govinspect.store.tables import Base, ReportRecord, User
from govinspect.web import create_app

from .web_support import WebEnv

# Who may use a route: "public" (no sign-in), "any" (every signed-in role; operators within their
# unit), "staff" (admin and supervisor), "admin". Keys: "METHOD path" or "path" (every method),
# with path parameters written {}. The lead adjusts this table when merging new routes.
ACCESS: dict[str, str] = {
    # signing in, the API document
    "/login": "public", "/api/v1/session": "public", "/api/v1/openapi.json": "public", "/api/v1/docs": "public",
    "/docs/oauth2-redirect": "public",
    "/logout": "any", "/password": "any", "/api/v1/me": "any",
    # pages
    "/": "any", "/sites": "any", "/sites/{}": "any", "/accounts": "any", "/accounts/{}": "any",
    "/availability": "any", "/findings/{}": "any", "/review": "any", "/review/{}/{}": "any",
    "POST /review/manual": "staff",
    "/runs": "staff", "/runs/{}": "staff", "/runs/{}/progress": "staff",
    "/reports": "staff", "/reports/{}/download": "staff",
    "/registry": "staff", "/registry/export": "staff", "POST /registry/import": "admin", "/registry/import": "admin",
    "POST /registry/sites": "admin",
    "/users": "admin", "/users/{}/disable": "admin",
    # JSON API
    "/api/v1/sites": "any", "/api/v1/sites/{}": "any", "/api/v1/accounts": "any", "/api/v1/accounts/{}": "any",
    "/api/v1/findings/{}": "any", "GET /api/v1/findings": "any", "POST /api/v1/findings": "staff",
    "POST /api/v1/findings/{}/review": "any",
    "/api/v1/verdicts": "any", "/api/v1/periods": "any",
    "/api/v1/runs": "staff", "/api/v1/runs/{}": "staff",
    "/api/v1/reports": "staff", "/api/v1/reports/{}/download": "staff", "/api/v1/registry/export": "staff",
}
ROLES = {"admin": "admin", "sup": "supervisor", "op_jia": "operator", "op_yi": "operator"}
ALLOWED = {"public": set(ROLES), "any": set(ROLES), "staff": {"admin", "sup"}, "admin": {"admin"}}
# Names an operator of the other unit must never read (cycle_support: 甲市 S1 S3 S4 S5 A1 A2; 乙县 S2 A3 A4).
FOREIGN = {"op_jia": ("乙县人民政府", "乙县发布", "老账号"),
           "op_yi": ("甲市人民政府", "甲市教育局", "甲市卫健委", "旧专题网站", "甲市发布")}
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
MISSING = 999999


def shape(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


def access_of(method: str, path: str) -> str | None:
    return ACCESS.get(f"{method} {shape(path)}", ACCESS.get(shape(path)))


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str

    @property
    def api(self) -> bool:
        return self.path.startswith("/api/")

    @property
    def params(self) -> list[str]:
        return re.findall(r"\{([^}:]+)", self.path)

    @property
    def kind(self) -> str:
        """What the first path id names: the resource of the route's first segment."""
        seg = self.path.removeprefix("/api/v1").strip("/").split("/")[0]
        return {"review": "findings"}.get(seg, seg)

    def fill(self, first: int, rest: str = "confirm") -> str:
        """The path with its first id ``first`` and any further parameter ``rest``."""
        out = self.path
        for n, name in enumerate(self.params):
            out = re.sub(r"\{" + re.escape(name) + r"[^}]*\}", str(first) if n == 0 else rest, out, count=1)
        return out


def flat_routes(routes: list, prefix: str = "") -> Iterator[tuple[str, object]]:
    """(path, route) of every route, descending into included routers (FastAPI >= 0.120 keeps
    ``include_router`` results as router objects in ``app.routes``)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from flat_routes(inner.routes, prefix + getattr(route.include_context, "prefix", ""))
        else:
            yield prefix + getattr(route, "path", ""), route


def endpoints(env: WebEnv) -> Iterator[Endpoint]:
    for path, route in flat_routes(create_app(env.ctx).routes):
        if isinstance(route, Mount):
            assert path == "/static", f"unexpected mount {path}"
            continue
        assert isinstance(route, (APIRoute, Route)), route
        for method in sorted(route.methods or ()):
            if method != "HEAD":
                yield Endpoint(method, path)


@dataclass
class Ids:
    """For each resource kind: an id of 甲市, an id of 乙县 (None: not a unit's resource)."""

    own: dict[str, dict[str, int]]
    any: dict[str, int]

    @classmethod
    def of(cls, env: WebEnv) -> Ids:
        c = env.cycle
        jia = {"sites": c.sites["S1"], "accounts": c.accounts["A1"], "findings": c.findings["x"]}
        yi = {"sites": c.sites["S2"], "accounts": c.accounts["A3"], "findings": c.findings["stale"]}
        with env.store.session() as s:
            report = s.scalars(select(ReportRecord.id)).first()
            user = s.scalars(select(User.id).where(User.name == "op_yi")).one()
        anyid = {**jia, "runs": c.runs["r4"], "reports": report or MISSING, "users": user}
        return cls({"op_jia": jia, "op_yi": yi}, anyid)

    def other(self, who: str, kind: str) -> int | None:
        """The other unit's id of ``kind`` for operator ``who`` (None when ``kind`` has no unit)."""
        other = {"op_jia": "op_yi", "op_yi": "op_jia"}[who]
        return self.own[other].get(kind)


def fingerprint(env: WebEnv) -> list[tuple[str, list[str]]]:
    """Every row of every table but the sessions (sign-ins happen around the requests)."""
    out = []
    with env.store.session() as s:
        for table in Base.metadata.sorted_tables:
            if table.name == "web_sessions":
                continue
            rows = s.execute(select(table).order_by(*table.primary_key.columns)).all()
            cols = [c.name for c in table.columns if c.name != "last_login_at"]
            out.append((table.name, [repr(tuple(r._mapping[c] for c in cols)) for r in rows]))
    return out


def test_every_route_is_classified(web):
    unknown = sorted({f"{e.method} {e.path}" for e in endpoints(web) if access_of(e.method, e.path) is None})
    assert not unknown, f"routes missing from tests/test_web_roles.py ACCESS: {unknown}"


def test_anonymous_is_sent_to_login_or_refused(web):
    ids = Ids.of(web)
    c = web.client()
    checked = 0
    for e in endpoints(web):
        if access_of(e.method, e.path) == "public":
            continue
        url = e.fill(ids.any.get(e.kind, 1))
        r = c.request(e.method, url, json={} if e.api and e.method in UNSAFE else None)
        if e.api:
            assert r.status_code == 401 and r.json() == {"error": "请先登录"}, (e, r.status_code, r.text[:200])
        else:
            assert r.status_code == 303 and r.headers["location"].startswith("/login"), (e, r.status_code)
        checked += 1
    assert checked >= 8


@pytest.mark.parametrize("who", list(ROLES))
def test_get_routes_as_each_role(web, who):
    ids, c = Ids.of(web), web.client(who)
    role = ROLES[who]
    seen = 0
    for e in endpoints(web):
        audience = access_of(e.method, e.path)
        if e.method != "GET" or audience == "public" or audience is None:
            continue
        allowed = who in ALLOWED[audience]
        if not e.params:
            r = c.get(e.path)
            if not allowed:
                assert r.status_code == 403, (who, e, r.status_code)
                assert "无权" in r.text
                continue
            assert r.status_code == 200, (who, e, r.status_code, r.text[:300])
            check_body(who, e, r.text)
            seen += 1
            continue
        # a path with ids: a real one, another unit's one, one that does not exist
        own = ids.own[who].get(e.kind) if role == "operator" else ids.any.get(e.kind)
        r = c.get(e.fill(own if own is not None else ids.any.get(e.kind, 1)))
        if not allowed:
            assert r.status_code == 403, (who, e, r.status_code)
            continue
        assert r.status_code < 500 and r.status_code not in (401, 403), (who, e, r.status_code, r.text[:300])
        check_body(who, e, r.text)
        if role == "operator":
            foreign = ids.other(who, e.kind)
            if foreign is not None:
                r = c.get(e.fill(foreign))
                assert r.status_code in (403, 404), (who, e, r.status_code, r.text[:300])
                check_body(who, e, r.text)
        r = c.get(e.fill(MISSING))
        assert r.status_code == 404, (who, e, r.status_code, r.text[:300])
        seen += 1
    assert seen >= 3


def check_body(who: str, e: Endpoint, body: str) -> None:
    for name in FOREIGN.get(who, ()):
        assert name not in body, f"{who} read {name!r} of the other unit through GET {e.path}"


@pytest.mark.parametrize("who", ["admin", "sup", "op_jia"])
def test_unsafe_routes_without_csrf_change_nothing(web, who):
    ids, c = Ids.of(web), web.client(who)
    before = fingerprint(web)
    tried = 0
    for e in endpoints(web):
        audience = access_of(e.method, e.path)
        if e.method not in UNSAFE or audience in ("public", None):
            continue
        own = ids.own.get(who, ids.any).get(e.kind, ids.any.get(e.kind, 1))
        url = e.fill(own, "fixed" if ROLES[who] == "operator" else "confirm")
        if e.api:
            r = c.request(e.method, url, json={"action": "confirm", "reason": "x"})
        else:
            r = c.request(e.method, url, data={"reason": "x", "csrf_token": "forged"})
        assert r.status_code == 403, (who, e, r.status_code, r.text[:300])
        tried += 1
    assert tried >= 5
    assert fingerprint(web) == before
    assert c.get("/api/v1/me").status_code == 200  # the session survived every refused request


def test_operators_cannot_act_on_the_other_units_findings(web):
    F = web.cycle.findings
    before = fingerprint(web)
    for who, foreign in (("op_jia", F["stale"]), ("op_yi", F["x"])):
        c = web.client(who)
        for action in ("fixed", "dispute", "confirm", "dismiss"):
            r = c.form(f"/review/{foreign}/{action}", {"reason": "越权尝试"})
            assert r.status_code == 403, (who, action, r.status_code)
        r = c.post(f"/api/v1/findings/{foreign}/review", json={"action": "fixed"}, headers={"X-CSRF-Token": c.csrf})
        assert r.status_code == 403 and "不属于您所在的单位" in r.json()["error"]
    assert fingerprint(web) == before


def test_the_matrix_table_names_only_real_roles(web):
    # the table's audiences are the ones the application knows, and each role signs in
    assert set(ACCESS.values()) <= set(ALLOWED)
    with web.store.session() as s:
        roles = dict(s.execute(text("select name, role from users")).all())
    assert {ROLES[n] for n in ROLES} == set(roles.values())
