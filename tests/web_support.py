"""The dashboard served for real on 127.0.0.1, users of every role, and an HTTP client that signs in.

``web_env`` (tests/conftest.py) builds the fixture history of ``cycle_support.build_cycle`` (units
甲市 and 乙县, five sites, four accounts, five runs), adds one user per role, and serves the
application with uvicorn in a thread. ``WebClient`` is an httpx client that logs in through the
login form (with its double-submit token) and reads the session's CSRF token from the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx

from govinspect.settings import load_settings
from govinspect.store import Store
from govinspect.store.users import add_user
from govinspect.web import WebContext, create_app
from govinspect.web.server import serve_in_thread

from .cycle_support import Cycle, build_cycle

PASSWORD = "correct-horse-battery"
# name -> (role, unit)
USERS = {
    "admin": ("admin", None),
    "sup": ("supervisor", None),
    "op_jia": ("operator", "甲市"),  # sites S1 S3 S4 S5, accounts A1 A2
    "op_yi": ("operator", "乙县"),  # site S2, accounts A3 A4
}


def add_users(store: Store) -> None:
    for name, (role, unit) in USERS.items():
        add_user(store, name, PASSWORD, role, unit)


class WebClient(httpx.Client):
    """An httpx client of the served dashboard that knows its session's CSRF token."""

    csrf: str = ""

    def login(self, name: str, password: str = PASSWORD) -> httpx.Response:
        form = self.get("/login")
        token = re.search(r'name="login_token" value="([^"]+)"', form.text)
        assert token, form.text[:500]
        r = self.post("/login", data={"name": name, "password": password, "login_token": token.group(1)})
        if r.status_code == 303:
            self.refresh_csrf()
        return r

    def refresh_csrf(self) -> str:
        page = self.get("/password")
        m = re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text)
        self.csrf = m.group(1) if m else ""
        return self.csrf

    def form(self, url: str, data: dict[str, Any] | None = None, **kw: Any) -> httpx.Response:
        """POST a form with the session's CSRF token, as the page would."""
        return self.post(url, data={"csrf_token": self.csrf, **(data or {})}, **kw)


@dataclass
class WebEnv:
    base: str
    store: Store
    ctx: WebContext
    cycle: Cycle

    def client(self, user: str | None = None) -> WebClient:
        c = WebClient(base_url=self.base, follow_redirects=False, timeout=30)
        if user is not None:
            r = c.login(user)
            assert r.status_code == 303, (user, r.status_code, r.text[:300])
        return c


def make_context(store: Store, **kw: Any) -> WebContext:
    settings = load_settings()
    kw.setdefault("block_private", False)  # tests register loopback sites
    kw.setdefault("today", lambda: date(2019, 11, 20))
    return WebContext(store=store, settings=settings, **kw)


@contextmanager
def web_env(store: Store, **kw: Any) -> Iterator[WebEnv]:
    cycle = build_cycle(store)
    add_users(store)
    ctx = make_context(store, **kw)
    with serve_in_thread(create_app(ctx)) as base:
        yield WebEnv(base, store, ctx, cycle)
