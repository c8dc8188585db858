"""Run the application with uvicorn: in the foreground (``govinspect serve``) or in a thread (tests)."""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from fastapi import FastAPI

from ..errors import UsageError


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable only from this machine (127.0.0.0/8, ::1, localhost)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port``, or a one-line usage error (port taken, bad address)."""
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (OSError, UnicodeError):
        raise UsageError(f"无法解析监听地址 --host {host!r}") from None
    family, _, _, _, address = infos[0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        reason = "端口已被占用" if exc.errno in (98, 48, 10048) else (exc.strerror or str(exc))
        raise UsageError(f"无法在 {host}:{port} 上监听：{reason}") from None
    sock.listen(128)  # connections wait in the backlog until the application is up
    return sock


def serve(app: FastAPI, where: socket.socket | tuple[str, int] = ("127.0.0.1", 8000)) -> None:
    """Serve ``app`` on a bound socket (or ``(host, port)``) in the foreground until interrupted."""
    sock = bind(*where) if isinstance(where, tuple) else where
    # X-Forwarded-For/-Proto are trusted from 127.0.0.1 only (uvicorn's default): a reverse proxy on
    # this machine gives the client's address (login rate limit) and https (Secure cookies).
    config = uvicorn.Config(app, log_level="warning", lifespan="on", proxy_headers=True,
                            forwarded_allow_ips="127.0.0.1")
    uvicorn.Server(config).run(sockets=[sock])


@contextmanager
def serve_in_thread(app: FastAPI, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve ``app`` on ``host:port`` (0: a free port) in a daemon thread; yields the base URL."""
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="govinspect-web", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the web server did not start on {host}:{port}")
        time.sleep(0.02)
    bound = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://{host}:{bound}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
