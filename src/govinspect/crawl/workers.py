"""Parse workers: child processes that parse pages and run checks beside the crawl process.

Each worker is a plain ``python`` child started with ``asyncio.create_subprocess_exec``; the
crawl process talks to it over its stdin and stdout with length-prefixed pickles, read and
written by the crawl's own event loop. Compared with a ``ProcessPoolExecutor`` this costs the
crawl process one write and one read per page (no manager or feeder threads, no hand-offs of
the interpreter lock between them), and no forkserver or resource-tracker processes: measured
on the 20,000-page bench site, the executor's bookkeeping cost the crawl process about as much
CPU as parsing a links-only page itself.

A worker runs only two functions of crawl/parse.py: ``parse`` and ``judge``. When one dies, the
calls it was answering fail with ``WorkerError`` and the pool stops sending it work; callers
then do the work in their own process (a page is never lost to a crashed worker).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import pickle
import signal
import struct
import sys
from typing import Any

log = logging.getLogger(__name__)

__all__ = ["WorkerError", "WorkerPool", "serve"]

_LEN = struct.Struct("!I")
_STOP_WAIT = 5.0  # seconds a worker gets to exit after its stdin closes
_TRIM_EVERY = 2000  # calls between two malloc_trim in a worker
_PIPE_BYTES = 1 << 20  # the default ceiling for unprivileged processes (fs.pipe-max-size)


class WorkerError(RuntimeError):
    """A call a worker could not answer: the worker died, or the function raised there."""


class _Worker:
    """One child process and the calls it has not answered yet."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.pending: dict[int, asyncio.Future[Any]] = {}
        self.alive = True
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        stream = self.proc.stdout
        assert stream is not None
        why = "解析进程已退出"
        try:
            while True:
                (size,) = _LEN.unpack(await stream.readexactly(_LEN.size))
                call_id, ok, value = pickle.loads(await stream.readexactly(size))
                fut = self.pending.pop(call_id, None)
                if fut is not None and not fut.done():
                    if ok:
                        fut.set_result(value)
                    else:
                        fut.set_exception(WorkerError(value))
        except (asyncio.IncompleteReadError, ConnectionError, pickle.UnpicklingError, EOFError) as exc:
            why = f"解析进程已退出（{type(exc).__name__}）"
        except asyncio.CancelledError:
            why = "解析进程已关闭"
            raise
        finally:
            self._fail(why)

    def _fail(self, why: str) -> None:
        self.alive = False
        pending, self.pending = self.pending, {}
        for fut in pending.values():
            if not fut.done():
                fut.set_exception(WorkerError(why))

    def send(self, call_id: int, data: bytes) -> asyncio.Future[Any]:
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        stdin = self.proc.stdin
        if not self.alive or stdin is None or stdin.is_closing():
            fut.set_exception(WorkerError("解析进程不可用"))
            return fut
        self.pending[call_id] = fut
        stdin.write(_LEN.pack(len(data)))
        stdin.write(data)
        return fut

    async def drain(self) -> None:
        if self.proc.stdin is not None and self.alive:
            with contextlib.suppress(ConnectionError):
                await self.proc.stdin.drain()

    async def stop(self) -> None:
        if self.proc.stdin is not None and not self.proc.stdin.is_closing():
            self.proc.stdin.close()
        try:
            await asyncio.wait_for(self.proc.wait(), _STOP_WAIT)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                self.proc.kill()
            await self.proc.wait()
        self.reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.reader


class WorkerPool:
    """``workers`` child processes; ``call`` runs a named function in the least busy live one."""

    def __init__(self, workers: int) -> None:
        self.size = workers
        self._workers: list[_Worker] = []
        self._next_id = 0

    async def start(self) -> WorkerPool:
        cmd = [sys.executable, "-c", _BOOT.format(path=[p for p in sys.path if p])]
        for _ in range(self.size):
            proc = await asyncio.create_subprocess_exec(
                *cmd, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            )
            self._workers.append(_Worker(proc))
        return self

    @property
    def alive(self) -> bool:
        """True while at least one worker can take calls."""
        return any(w.alive for w in self._workers)

    @property
    def pids(self) -> list[int]:
        """Process ids of the live workers."""
        return [w.proc.pid for w in self._workers if w.alive]

    @property
    def busy(self) -> int:
        """Calls sent and not answered yet, over every worker."""
        return sum(len(w.pending) for w in self._workers)

    async def call(self, name: str, *args: Any) -> Any:
        """Run ``name`` ("parse" or "judge") with ``args`` in a worker; WorkerError if none can."""
        live = [w for w in self._workers if w.alive]
        if not live:
            raise WorkerError("没有可用的解析进程")
        worker = min(live, key=lambda w: len(w.pending))
        self._next_id += 1
        data = pickle.dumps((self._next_id, name, args), protocol=pickle.HIGHEST_PROTOCOL)
        fut = worker.send(self._next_id, data)
        await worker.drain()
        return await fut

    async def close(self) -> None:
        workers, self._workers = self._workers, []
        await asyncio.gather(*(w.stop() for w in workers), return_exceptions=True)

    def kill(self) -> None:
        """Stop every worker at once (outside the event loop, e.g. at interpreter exit)."""
        for w in self._workers:
            with contextlib.suppress(ProcessLookupError):
                w.proc.kill()


# The child's entry point: the parent's import path first, so that the same govinspect is used.
_BOOT = "import sys; sys.path[:0] = {path!r}; from govinspect.crawl.workers import serve; serve()"


def _widen_pipe(fd: int) -> None:
    """Let the pipe on ``fd`` hold ``_PIPE_BYTES`` (Linux): dozens of pages in each direction, so
    that neither side waits while the other is busy with a page (64 KB holds about four)."""
    import fcntl

    with contextlib.suppress(OSError, AttributeError):
        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, _PIPE_BYTES)


def serve() -> None:
    """A worker's loop: read a call from stdin, answer on stdout, until stdin closes."""
    from ..memory import limit_arenas, trim
    from .parse import judge_file, parse_remote

    limit_arenas()
    functions: dict[str, Any] = {"parse": parse_remote, "judge": judge_file}
    calls = 0
    for fd in (0, 1):
        _widen_pipe(fd)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the crawl process's to handle
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # stray prints of a library go to stderr, never into the answers
    sys.stdout = sys.stderr
    inp = sys.stdin.buffer
    while True:
        head = inp.read(_LEN.size)
        if len(head) < _LEN.size:
            return
        (size,) = _LEN.unpack(head)
        payload = inp.read(size)
        if len(payload) < size:
            return
        call_id, name, args = pickle.loads(payload)
        try:
            reply = (call_id, True, functions[name](*args))
        except Exception as exc:  # the caller does the work itself
            log.exception("parse worker: %s failed", name)
            reply = (call_id, False, f"{type(exc).__name__}: {exc}"[:300])
        try:
            data = pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:
            data = pickle.dumps((call_id, False, f"{type(exc).__name__}: {exc}"[:300]))
        out.write(_LEN.pack(len(data)))
        out.write(data)
        out.flush()
        calls += 1
        if name == "judge" or calls % _TRIM_EVERY == 0:
            trim()  # pages of every size leave freed heap behind (memory.py)
