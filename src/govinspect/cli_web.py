"""`govinspect serve` (the dashboard) and `govinspect users` (its accounts)."""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .cli_common import ConfigOpt, err, store_from
from .errors import UsageError
from .settings import Settings, load_settings

if TYPE_CHECKING:
    from .store import Store

users_app = typer.Typer(no_args_is_help=True, help="控制台用户 (dashboard users: add, list, disable).")


def read_password(stdin: Any = None) -> str:
    """The new password: asked twice on a terminal, else the first line of standard input."""
    stdin = stdin or sys.stdin
    if stdin.isatty():
        first = getpass.getpass("密码: ")
        if getpass.getpass("再次输入密码: ") != first:
            raise UsageError("两次输入的密码不一致")
        return first
    line = stdin.readline()
    if not line:
        raise UsageError("没有从标准输入读到密码(请用管道传入一行密码，或在终端中运行)")
    return line.rstrip("\r\n")


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="user name (login)")],
    role: Annotated[str, typer.Option("--role", help="admin | supervisor | operator")],
    unit: Annotated[str | None, typer.Option("--unit", help="the operator's unit (a registered unit name)")] = None,
    config: ConfigOpt = None,
) -> None:
    """添加控制台用户，密码从标准输入读取 (add a dashboard user; the password comes from stdin)."""
    from .store.users import ROLE_LABELS, ROLES, add_user

    if role not in ROLES:
        raise UsageError(f"角色取值错误: {role!r}，可选: admin(管理员)、supervisor(督查人员)、operator(运维人员)")
    password = read_password()
    with store_from(load_settings(config)) as store:
        user = add_user(store, name, password, role, unit)
        label = f"{ROLE_LABELS[role]}" + (f"，单位 {unit}" if unit else "")
        err.print(f"已添加用户 {user.name}({label})", markup=False, highlight=False)


@users_app.command("list")
def users_list(
    config: ConfigOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the users as JSON on stdout")] = False,
) -> None:
    """列出控制台用户 (list the dashboard users)."""
    from rich.console import Console
    from rich.table import Table

    from .store.users import ROLE_LABELS, list_users

    with store_from(load_settings(config)) as store:
        rows = [_user_dict(u, unit) for u, unit in list_users(store)]
    if as_json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    if not rows:
        err.print("还没有用户；govinspect serve 首次启动时会创建管理员 admin，或用 govinspect users add 添加")
        return
    table = Table("用户名", "角色", "单位", "状态", "最近登录")
    for r in rows:
        state = "已停用" if r["disabled"] else ("待修改初始密码" if r["must_change"] else "正常")
        table.add_row(r["name"], ROLE_LABELS.get(r["role"], r["role"]), r["unit"] or "-", state,
                      r["last_login_at"] or "-")
    Console().print(table)


@users_app.command("disable")
def users_disable(name: Annotated[str, typer.Argument(help="user name (login)")], config: ConfigOpt = None) -> None:
    """停用控制台用户并结束其全部会话 (disable a dashboard user and end their sessions)."""
    from .store.users import disable_user, user_id

    with store_from(load_settings(config)) as store:
        disable_user(store, user_id(store, name))
    err.print(f"已停用用户 {name}，其登录会话已全部结束", markup=False, highlight=False)


def _user_dict(user: Any, unit: str | None) -> dict[str, Any]:
    def stamp(value: Any) -> str | None:
        return value.isoformat(timespec="seconds") if value is not None else None

    return {
        "name": user.name, "role": user.role, "unit": unit, "must_change": bool(user.must_change),
        "disabled": user.disabled_at is not None, "created_at": stamp(user.created_at),
        "last_login_at": stamp(user.last_login_at),
    }


def serve(
    host: Annotated[str, typer.Option("--host", help="address to listen on (default loopback only)")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="port to listen on")] = 8000,
    config: ConfigOpt = None,
) -> None:
    """启动网页控制台 (serve the web dashboard and JSON API; the demo data when nothing is registered)."""
    from .web import WebContext, create_app
    from .web.security import LoginLimiter
    from .web.server import bind, is_loopback
    from .web.server import serve as run_server

    settings = load_settings(config)
    sock = bind(host, port)  # a taken port is said before any slow start-up work
    port = sock.getsockname()[1]
    with ExitStack() as stack:
        stack.callback(sock.close)
        store, settings, today = stack.enter_context(_store_or_demo(settings))
        _first_admin(store)
        ctx = WebContext(
            store=store, settings=settings, block_private=settings.web_block_private and today is None,
            secure_cookies=settings.web_secure_cookies, session_hours=settings.web_session_hours,
            max_upload_bytes=int(settings.web_max_upload_mb * 1024 * 1024),
            limiter=LoginLimiter(settings.web_login_attempts, settings.web_login_window),
        )
        if today is not None:
            ctx.today = lambda: today
        if not is_loopback(host):
            err.print(f"警告: 正在 {host} 上监听，其他计算机也能访问本控制台；请只在内网使用，并在前面配置 HTTPS 反向代理",
                      markup=False, highlight=False)
        shown = f"[{host}]" if ":" in host else host
        err.print(f"网页控制台: http://{shown}:{port}/  (按 Ctrl-C 停止)", markup=False, highlight=False)
        with suppress(KeyboardInterrupt):
            run_server(create_app(ctx), sock)
    err.print("网页控制台已停止")


@contextmanager
def _store_or_demo(settings: Settings) -> Iterator[tuple[Store, Settings, date | None]]:
    """The configured store; the demo's (and its world served again) when nothing is registered.

    Yields the store, the settings the dashboard's runs use, and the demo's inspection date
    (None outside the demo: runs use today's date).
    """
    from .store.runs import registered_targets

    with store_from(settings) as store:
        targets = registered_targets(store)
        if targets.sites or targets.accounts:
            yield store, settings, None
            return
    with _demo(settings) as found:
        yield found


@contextmanager
def _demo(settings: Settings) -> Iterator[tuple[Store, Settings, date | None]]:
    from .cli_common import Bar
    from .demo.serve import demo_world, is_built, prepare_demo, serve_demo_world, web_settings
    from .store import open_store
    from .store.db import home_dir

    out = home_dir(settings.home) / "demo"
    err.print(f"尚未登记任何网站或账号：控制台将展示内置的演示数据({out})", markup=False, highlight=False)
    if is_built(out):
        demo = prepare_demo(out, date.today())
    else:
        err.print("正在生成演示数据(模拟政府网站检查两期，约需一分钟)…")
        bar = Bar(enabled=True)
        with bar.progress:
            demo = prepare_demo(out, date.today(), progress=bar)
    world, sites = demo_world(demo)
    demo_set = web_settings(demo, settings, world)
    with ExitStack() as stack:
        try:
            stack.enter_context(serve_demo_world(demo, world, sites))
            err.print(f"演示网站已重新启动(第二期 {demo.as_of})，可在控制台中发起检查", markup=False, highlight=False)
        except OSError as exc:
            err.print(f"警告: 演示网站的端口已被占用({exc.strerror or exc})，从控制台发起的检查将无法访问演示网站",
                      markup=False, highlight=False)
        store = stack.enter_context(open_store(demo.database_url))
        err.print("导入自己的登记表后(govinspect sites import FILE)，控制台将改为展示真实数据")
        yield store, demo_set, demo.as_of


def _first_admin(store: Store) -> None:
    from .store.users import ensure_first_admin

    password = ensure_first_admin(store)
    if password is not None:
        err.print(f"已创建管理员：用户名 admin 一次性密码 {password}，首次登录后须修改", markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``serve`` and the ``users`` group to the command."""
    app.command("serve")(serve)
    app.add_typer(users_app, name="users")


__all__ = ["read_password", "register"]
