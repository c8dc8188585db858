"""Parse workers: child processes that parse pages and run checks beside the crawl process.

Each worker is a plain ``python`` child started with ``asyncio.create_subprocess_exec``; the
crawl process talks to it over its stdin and stdout with length-prefixed pickles, read and
written by the crawl's own event loop. Compared with a ``ProcessPoolExecutor`` this costs the
crawl process one write and one read per page (no manager or feeder threads, no hand-offs of
the interpreter lock between them), and no forkserver or resource-tracker processes: measured
on the 20,000-page bench site, the executor's bookkeeping cost the crawl process about as much
CPU as parsing a links-only page itself.

A worker runs only four functions of crawl/parse.py: ``parse``, ``document``, ``judge`` and
``ready`` (the imports of a coming ``judge``, sent ahead by ``ParsePool.ready_checks``).
When one dies, the calls it was answering fail with ``WorkerError`` and the pool stops sending
it work; callers then do the work in their own process (a page is never lost to a crashed worker).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import pickle
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from .child import LEN as _LEN
from .child import boot_command

log = logging.getLogger(__name__)

__all__ = ["ParsePool", "WorkerError", "WorkerPool", "default_workers"]

_STOP_WAIT = 5.0  # seconds a worker gets to exit after its stdin closes


class WorkerError(RuntimeError):
    """A call a worker could not answer: the worker died, or the function raised there."""


class _Worker:
    """One child process and the calls it has not answered yet."""

    def __init__(self, proc: asyncio.subprocess.Process, cpu: dict[str, list[float]]) -> None:
        self.proc = proc
        self.pending: dict[int, asyncio.Future[Any]] = {}
        self.names: dict[int, str] = {}  # the function of each pending call
        self.cpu = cpu  # the pool's CPU seconds and answers by function, added to by each answer
        self.alive = True
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        stream = self.proc.stdout
        assert stream is not None
        why = "解析进程已退出"
        try:
            while True:
                (size,) = _LEN.unpack(await stream.readexactly(_LEN.size))
                call_id, ok, value, seconds = pickle.loads(await stream.readexactly(size))
                spent = self.cpu.setdefault(self.names.pop(call_id, ""), [0.0, 0])
                spent[0] += seconds
                spent[1] += 1
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
        self.names = {}
        for fut in pending.values():
            if not fut.done():
                fut.set_exception(WorkerError(why))

    def send(self, call_id: int, name: str, data: bytes) -> asyncio.Future[Any]:
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        stdin = self.proc.stdin
        if not self.alive or stdin is None or stdin.is_closing():
            fut.set_exception(WorkerError("解析进程不可用"))
            return fut
        self.pending[call_id] = fut
        self.names[call_id] = name
        stdin.write(_LEN.pack(len(data)) + data)  # one write: one system call, one wake-up of the worker
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
        self._cpu: dict[str, list[float]] = {}  # function: [CPU seconds, answers]

    async def start(self) -> WorkerPool:
        cmd = boot_command()
        for _ in range(self.size):
            proc = await asyncio.create_subprocess_exec(
                *cmd, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            )
            self._workers.append(_Worker(proc, self._cpu))
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

    def cpu_per_call(self, name: str, least: int = 20) -> float | None:
        """A worker's mean CPU seconds for one call of ``name``, None before ``least`` answers."""
        seconds, answers = self._cpu.get(name, (0.0, 0))
        return seconds / answers if answers >= least else None

    async def call(self, name: str, *args: Any) -> Any:
        """Run ``name`` ("parse", "document" or "judge") with ``args`` in a worker; WorkerError if none can."""
        live = [w for w in self._workers if w.alive]
        if not live:
            raise WorkerError("没有可用的解析进程")
        worker = min(live, key=lambda w: len(w.pending))
        self._next_id += 1
        data = pickle.dumps((self._next_id, name, args), protocol=pickle.HIGHEST_PROTOCOL)
        fut = worker.send(self._next_id, name, data)
        await worker.drain()
        return await fut

    def tell(self, name: str, *args: Any) -> list[asyncio.Future[Any]]:
        """Send ``name`` with ``args`` to every live worker, not waiting for the answers: their
        futures (a failure is noted in the log at debug level, and counts for nothing more)."""
        told = []
        for worker in self._workers:
            if worker.alive:
                self._next_id += 1
                data = pickle.dumps((self._next_id, name, args), protocol=pickle.HIGHEST_PROTOCOL)
                fut = worker.send(self._next_id, name, data)
                fut.add_done_callback(_told)
                told.append(fut)
        return told

    async def close(self) -> None:
        workers, self._workers = self._workers, []
        await asyncio.gather(*(w.stop() for w in workers), return_exceptions=True)

    def kill(self) -> None:
        """Stop every worker at once (outside the event loop, e.g. at interpreter exit)."""
        for w in self._workers:
            with contextlib.suppress(ProcessLookupError):
                w.proc.kill()


def _told(fut: asyncio.Future[Any]) -> None:
    """The answer of a call nobody waits for (``WorkerPool.tell``): a failure is only noted (a
    worker stopped before answering, or one that could not import its checks: the ``judge`` call
    that follows fails the same way and is run in the crawl process, service.py)."""
    if not fut.cancelled() and fut.exception() is not None:
        log.debug("parse worker: %s", fut.exception())


def default_workers() -> int:
    """Parse workers sized to the machine: every core but the crawl's own, at least one."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, cores - 1)


class ParsePool:
    """Parse workers shared by a run's sites, started when the first site grows past a threshold.

    Small sites never pay for starting processes; a large one moves its parsing to the other
    cores once it has fetched ``threshold`` pages (``parse_workers`` unset: sized to the machine).
    The workers belong to the event loop that started them (crawl/workers.py): create the pool
    anywhere, use and close it in one loop.
    """

    def __init__(self, workers: int | None, threshold: int = 0) -> None:
        self.auto = workers is None
        self.workers = default_workers() if workers is None else workers
        self.threshold = threshold if workers is None else 0  # an explicit count starts at once
        self._pool: WorkerPool | None = None
        self._starting: asyncio.Future[WorkerPool] | None = None
        self._users = 0
        # check names the workers are to import (ready_checks): the answers of the calls that told
        # them, none yet while the workers are still to start
        self._readied: dict[str, list[asyncio.Future[Any]]] = {}

    def enter(self) -> Callable[[], Awaitable[None]]:
        """Count a site in among the pool's users; call what this returns (once or more) when the
        site needs the workers no more. The last user out stops them, so that idle workers do not
        hold their memory while a site's probes and checks run; a later site starts them again."""
        self._users += 1
        done = False

        async def leave() -> None:
            nonlocal done
            if done:
                return
            done = True
            self._users -= 1
            if self._users <= 0:
                await self.aclose()

        return leave

    def wanted(self, pages_fetched: int) -> bool:
        """True once ``pages_fetched`` reaches the threshold (False: parse in-process).

        Links-only runs (extract/plan.py) use the workers too: with their pipes (above)
        a page sent out and its targets back cost the crawl process less than parsing it.
        """
        return self.workers > 0 and pages_fetched >= self.threshold

    async def get(self, pages_fetched: int) -> WorkerPool | None:
        """The running workers once wanted, else None (parse in-process).

        The first call that wants them starts them; with the default pool the crawl goes on
        parsing in-process until they are up (about a fifth of a second), an explicit count waits.
        """
        if not self.wanted(pages_fetched):
            return None
        if self._pool is None and self.auto and not self._boot().done():
            return None
        return await self.ready()

    async def ready(self) -> WorkerPool | None:
        """The running workers, started now whatever the threshold and waited for (None: the
        run parses in-process, or they cannot start). A site's documents ask for them this way:
        reading one imports its reader (pypdf, openpyxl: about 16 MB) and costs more CPU than a
        page, which the crawl process is spared from the first document on."""
        if self.workers <= 0:
            return None
        if self._pool is None:
            try:
                self._pool = await asyncio.shield(self._boot())
            except Exception:  # no workers (fork refused, out of memory): parse in-process
                log.exception("parse workers could not start; parsing in the crawl process")
                self.workers = 0
                return None
        return self._pool if self._pool.alive else None

    def _boot(self) -> asyncio.Future[WorkerPool]:
        if self._starting is None:
            self._starting = asyncio.ensure_future(self._start())
        return self._starting

    async def _start(self) -> WorkerPool:
        pool = await WorkerPool(self.workers).start()
        if self._readied:
            self._tell_checks(pool, tuple(self._readied))
        return pool

    def ready_checks(self, names: Sequence[str]) -> None:
        """Have the workers import the checks ``names`` (a site's share of its split checks,
        service.py) as soon as they run: at once when they do, else first thing once started.

        A worker does it between two pages, so the imports cost the crawl's shared time, not the
        site's checks at the end (crawl/parse.py, ``ready_checks``).
        """
        new = [n for n in names if n not in self._readied]
        if not new:
            return
        self._readied.update((n, []) for n in new)
        pool, starting = self._pool, self._starting
        if pool is None and starting is not None and starting.done() and not starting.cancelled():
            pool = None if starting.exception() is not None else starting.result()  # started, not yet taken
        if pool is not None and pool.alive:
            self._tell_checks(pool, tuple(new))

    def _tell_checks(self, pool: WorkerPool, names: tuple[str, ...]) -> None:
        told = pool.tell("ready", names)
        for name in names:
            self._readied[name] = told

    def checks_ready(self, names: Sequence[str]) -> bool:
        """True when every worker told to import ``names`` (``ready_checks``) has done so."""
        for name in names:
            told = self._readied.get(name)
            if not told or not all(f.done() and not f.cancelled() and f.exception() is None for f in told):
                return False
        return True

    @property
    def running(self) -> WorkerPool | None:
        """The workers when a site of the run has started them and one is alive, else None."""
        return self._pool if self._pool is not None and self._pool.alive else None

    async def aclose(self) -> None:
        pool, self._pool = self._pool, None
        self._readied = {}  # workers started later are told again
        if pool is None and self._starting is not None:
            with contextlib.suppress(Exception):
                pool = await self._starting
        self._starting = None
        if pool is not None:
            await pool.close()
