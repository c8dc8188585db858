"""Dashboard users, their passwords (argon2id) and their sessions.

A session is a random token handed to the browser (cookie) or an API client (bearer token);
only its SHA-256 is stored, with the CSRF token of the session's forms and an expiry. Roles:
``admin`` (everything, users and registry), ``supervisor`` (every unit: read, run, review,
report) and ``operator`` (the sites and accounts of one unit: read, mark fixed, dispute).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..errors import UsageError
from .db import Store
from .tables import Unit, User, WebSession

ROLES = ("admin", "supervisor", "operator")
ROLE_LABELS = {"admin": "管理员", "supervisor": "督查人员", "operator": "运维人员"}
MIN_PASSWORD = 8
_hasher = PasswordHasher()
# A hash of a random password, verified when the user does not exist, so that a wrong name
# costs the same time as a wrong password.
_DUMMY = _hasher.hash(secrets.token_urlsafe(16))


class UserError(UsageError):
    """A user that cannot be created or signed in, said in one line."""


@dataclass(frozen=True, slots=True)
class Principal:
    """The signed-in user as the dashboard sees it."""

    user_id: int
    name: str
    role: str
    unit_id: int | None
    unit: str | None
    must_change: bool
    session_id: int
    csrf: str

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)

    @property
    def sees_all(self) -> bool:
        """Admins and supervisors read every unit; an operator only their own."""
        return self.role in ("admin", "supervisor")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UserError(f"密码太短：至少 {MIN_PASSWORD} 个字符")


def add_user(
    store: Store, name: str, password: str, role: str, unit: str | None = None, *, must_change: bool = False,
) -> User:
    """Create a user; an operator must name a registered unit, the other roles none."""
    name = name.strip()
    if not name:
        raise UserError("用户名不能为空")
    if role not in ROLES:
        raise UserError(f"角色取值错误: {role!r}，可选: admin(管理员)、supervisor(督查人员)、operator(运维人员)")
    if role == "operator" and not unit:
        raise UserError("运维人员(operator)必须用 --unit 指定所属单位")
    if role != "operator" and unit:
        raise UserError(f"只有运维人员(operator)属于某个单位；{ROLE_LABELS[role]}不需要 --unit")
    check_password(password)
    with store.session() as s:
        if s.scalars(select(User.id).where(User.name == name)).first() is not None:
            raise UserError(f"用户 {name!r} 已存在")
        unit_id = None
        if unit:
            unit_id = s.scalars(select(Unit.id).where(Unit.name == unit.strip())).first()
            if unit_id is None:
                known = "、".join(s.scalars(select(Unit.name).order_by(Unit.name)).all()[:10]) or "无"
                raise UserError(f"没有名为 {unit!r} 的单位(已登记: {known})；请先导入登记表")
        user = User(name=name, password_hash=_hasher.hash(password), role=role, unit_id=unit_id,
                    must_change=must_change, created_at=datetime.now())
        s.add(user)
        s.flush()
        return user


def list_users(store: Store) -> list[tuple[User, str | None]]:
    """Every user with the name of their unit."""
    with store.session() as s:
        rows = s.execute(select(User, Unit.name).outerjoin(Unit, Unit.id == User.unit_id).order_by(User.id)).all()
        return [(u, n) for u, n in rows]


def ensure_first_admin(store: Store, name: str = "admin") -> str | None:
    """Create the first admin with a one-time password when there is no user; return that password."""
    with store.session() as s:
        if s.scalars(select(User.id)).first() is not None:
            return None
    password = secrets.token_urlsafe(12)
    add_user(store, name, password, "admin", must_change=True)
    return password


def authenticate(store: Store, name: str, password: str) -> User | None:
    """The user when the name and password match (and the user is not disabled), else None."""
    with store.session() as s:
        user = s.scalars(select(User).where(User.name == name.strip())).first()
        try:
            if user is None:
                _hasher.verify(_DUMMY, password)
                return None
            _hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            return None
        if user.disabled_at is not None:
            return None
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = _hasher.hash(password)
        user.last_login_at = datetime.now()
        return user


def set_password(store: Store, user_id: int, password: str) -> None:
    """Replace a user's password (clears the one-time flag) and end their other sessions."""
    check_password(password)
    with store.session() as s:
        user = s.get(User, user_id)
        if user is None:
            raise UserError(f"没有编号为 {user_id} 的用户")
        user.password_hash, user.must_change = _hasher.hash(password), False


def open_session(store: Store, user_id: int, hours: float, kind: str = "browser") -> str:
    """A new session of ``user_id`` valid ``hours``; returns its token (stored only hashed)."""
    token = secrets.token_urlsafe(32)
    now = datetime.now()
    with store.session() as s:
        s.execute(delete(WebSession).where(WebSession.expires_at < now))
        s.add(WebSession(token_hash=token_hash(token), user_id=user_id, csrf=secrets.token_urlsafe(24), kind=kind,
                         created_at=now, expires_at=now + timedelta(hours=hours)))
    return token


def session_principal(store: Store, token: str) -> Principal | None | bool:
    """The principal of a live session; False when the token names an expired one; None when unknown."""
    with store.session() as s:
        row = s.execute(
            select(WebSession, User, Unit.name).join(User, User.id == WebSession.user_id)
            .outerjoin(Unit, Unit.id == User.unit_id).where(WebSession.token_hash == token_hash(token))
        ).first()
        if row is None:
            return None
        ws, user, unit = row
        if ws.expires_at < datetime.now() or user.disabled_at is not None:
            s.delete(ws)
            return False
        return Principal(user.id, user.name, user.role, user.unit_id, unit, user.must_change, ws.id, ws.csrf)


def close_session(store: Store, token: str) -> None:
    with store.session() as s:
        s.execute(delete(WebSession).where(WebSession.token_hash == token_hash(token)))


def disable_user(store: Store, user_id: int, by: int | None = None) -> User:
    """Disable a user (they can no longer sign in) and end every session they hold."""
    if by is not None and by == user_id:
        raise UserError("不能停用自己的账号")
    with store.session() as s:
        user = s.get(User, user_id)
        if user is None:
            raise UserError(f"没有编号为 {user_id} 的用户")
        if user.disabled_at is None:
            user.disabled_at = datetime.now()
        s.execute(delete(WebSession).where(WebSession.user_id == user_id))
        s.flush()
        return user


def user_id(store: Store, name: str) -> int:
    """The id of the user called ``name``, or UserError naming the known users."""
    with store.session() as s:
        found = s.scalars(select(User.id).where(User.name == name.strip())).first()
        if found is None:
            known = "、".join(s.scalars(select(User.name).order_by(User.name)).all()[:10]) or "无"
            raise UserError(f"没有名为 {name!r} 的用户(已有: {known})")
        return found


def unit_names(s: Session) -> list[str]:
    return list(s.scalars(select(Unit.name).where(Unit.archived_at.is_(None)).order_by(Unit.name)))


__all__ = [
    "ROLES", "ROLE_LABELS", "Principal", "UserError", "add_user", "authenticate", "close_session", "disable_user",
    "ensure_first_admin", "list_users", "open_session", "session_principal", "set_password",
    "user_id",
]
