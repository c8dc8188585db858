"""The demo world's ports: new ones lie outside the kernel's ephemeral range, so that
`govinspect serve` can bind them again days later, when OS-assigned ports have long since
been handed to other programs' connections and listeners."""

from __future__ import annotations

import socket
from datetime import date

import httpx
import pytest

from govinspect.demo import server as demo_server
from govinspect.demo.server import LASTING_FLOOR, ephemeral_range, lasting_socket, serve_in_thread
from govinspect.demo.world import build_world


def _draw_ports(monkeypatch: pytest.MonkeyPatch, ports: list[int]) -> None:
    """Make lasting_socket draw ``ports`` in this order."""
    draws = iter(ports)

    class Draw:
        def choice(self, spans):
            return spans[0]

        def randint(self, a, b):
            return next(draws)

    monkeypatch.setattr(demo_server.random, "SystemRandom", Draw)


def _outside(port: int) -> bool:
    lo, hi = ephemeral_range()
    return port >= LASTING_FLOOR and not lo <= port <= hi


def test_ephemeral_range_is_the_kernels():
    lo, hi = ephemeral_range()
    assert 1024 <= lo < hi <= 65535


def test_a_lasting_socket_is_outside_the_ephemeral_range():
    socks = [lasting_socket() for _ in range(20)]
    try:
        ports = [s.getsockname()[1] for s in socks]
        assert all(_outside(p) for p in ports), ports
        assert len(set(ports)) == 20
    finally:
        for s in socks:
            s.close()


def test_a_taken_port_is_skipped(monkeypatch: pytest.MonkeyPatch):
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen(1)
        taken = held.getsockname()[1]
        free = lasting_socket()
        free_port = free.getsockname()[1]
        free.close()
        _draw_ports(monkeypatch, [taken, taken, free_port])
        sock = lasting_socket()
        try:
            assert sock.getsockname()[1] == free_port
        finally:
            sock.close()


def test_no_room_falls_back_to_an_os_assigned_port(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(demo_server, "ephemeral_range", lambda: (LASTING_FLOOR, 65535))
    sock = lasting_socket()
    try:
        assert sock.getsockname()[1] > 0
    finally:
        sock.close()


def test_a_lasting_world_is_served_again_at_the_same_ports():
    world = build_world(date(2019, 11, 20), scale=0.1)
    with serve_in_thread(world, lasting=True) as first:
        ports = first.ports()
        assert ports and all(_outside(p) for p in ports.values()), ports
    with serve_in_thread(world, ports=ports) as again:
        assert again.ports() == ports
        live = [s for s in world.sites if s.behaviour is None]
        assert live
        r = httpx.get(again.base_urls[live[0].key], timeout=10, follow_redirects=True)
        assert r.status_code < 500


def test_a_port_held_by_a_sibling_socket_not_yet_listening_is_skipped(monkeypatch: pytest.MonkeyPatch):
    """The world server binds every port before it listens on any: two sockets with SO_REUSEADDR
    may then share a port on Linux, and the second listen() fails (a CI failure of the demo)."""
    sibling = lasting_socket(reuse=True)
    other = lasting_socket(reuse=True)
    taken, free_port = sibling.getsockname()[1], other.getsockname()[1]
    other.close()
    _draw_ports(monkeypatch, [taken, free_port])
    try:
        sock = lasting_socket(reuse=True)
        try:
            assert sock.getsockname()[1] == free_port
            assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR)
            sibling.listen(1)
            sock.listen(1)  # both listen: the port was not shared
        finally:
            sock.close()
    finally:
        sibling.close()
