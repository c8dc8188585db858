"""A parse worker's own side: read calls on stdin, answer on stdout (crawl/workers.py starts it).

Kept apart from the pool so that a worker imports only what parsing and the checks need: the
pool's module brings asyncio (about 8 MB of a process's memory), and a worker starts without
the ``site`` module (``python -S``, about 5 MB more: the ``.pth`` files of site-packages, which
may import anything), since it is handed the crawl process's import path whole.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import signal
import struct
import sys
import time
import types
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

__all__ = ["BOOT", "LEN", "boot_command", "leave", "prepare", "serve"]

LEN = struct.Struct("!I")  # the length prefix of every pickled call and answer
_TRIM_EVERY = 2000  # calls between two malloc_trim in a worker
_PIPE_BYTES = 1 << 20  # the default ceiling for unprivileged processes (fs.pipe-max-size)

# The child's entry point: the parent's import path first, so that the same govinspect is used.
BOOT = "import sys; sys.path[:0] = {path!r}; from govinspect.crawl.child import leave, serve; serve(); leave()"


def boot_command() -> list[str]:
    """The command line of a worker: this interpreter, no ``site``, this process's import path.

    The directory holding the govinspect package leads the path: an editable install may put
    it there through a ``.pth`` import hook, which ``-S`` skips.
    """
    root = str(Path(__file__).resolve().parents[2])
    path = [root, *(p for p in sys.path if p and p != root)]
    return [sys.executable, "-S", "-c", BOOT.format(path=path)]


def _widen_pipe(fd: int) -> None:
    """Let the pipe on ``fd`` hold ``_PIPE_BYTES`` (Linux): dozens of pages in each direction, so
    that neither side waits while the other is busy with a page (64 KB holds about four)."""
    import fcntl

    with contextlib.suppress(OSError, AttributeError):
        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, _PIPE_BYTES)


def _w3lib_without_url_opener() -> None:
    """Import ``w3lib.url`` without ``urllib.request``.

    w3lib.url imports that module for one function, ``pathname2url`` (file paths to URLs, which
    govinspect never asks for), and the import brings ssl, http.client and email with it: 11 of a
    worker's 31 MB (measured in /proc/self/status). While w3lib.url is imported, a stand-in module
    answers for ``urllib.request`` with a ``pathname2url`` that imports the real one when called;
    the stand-in is gone again afterwards, so whoever imports ``urllib.request`` later gets the
    real module. A w3lib that wants more of the module is imported the ordinary way.
    """
    if "w3lib.url" in sys.modules or "urllib.request" in sys.modules:
        return
    import urllib

    def pathname2url(*args: Any, **kwargs: Any) -> Any:
        from urllib.request import pathname2url as real

        return real(*args, **kwargs)

    stand_in = types.ModuleType("urllib.request")
    stand_in.pathname2url = pathname2url  # type: ignore[attr-defined]
    sys.modules["urllib.request"] = stand_in
    try:
        import w3lib.url  # noqa: F401
    except ImportError:  # it wants another name of urllib.request: the real module, then
        sys.modules.pop("w3lib.url", None)
    finally:
        if sys.modules.get("urllib.request") is stand_in:
            del sys.modules["urllib.request"]
        if getattr(urllib, "request", None) is stand_in:
            del urllib.request


def prepare() -> dict[str, Any]:
    """Set a worker up (malloc arenas, imports) and return the functions it answers calls with."""
    from ..memory import limit_arenas

    limit_arenas()
    _w3lib_without_url_opener()
    from .parse import judge_file, parse_remote, read_document, ready_checks

    return {"parse": parse_remote, "judge": judge_file, "document": read_document, "ready": ready_checks}


def leave() -> None:
    """End the worker once ``serve`` returns, without tearing its interpreter down.

    Every answer is on the pipe by then and a worker holds nothing else to flush or close (the
    snapshot a check read is closed with its call), so, like a ``multiprocessing`` child, it
    leaves with ``os._exit``: freeing the word lists, the rules and the imported modules one object
    at a time took 0.15 s, which the crawl process waited for at the end of every large site
    (``WorkerPool.close``).
    """
    logging.shutdown()
    with contextlib.suppress(Exception):
        sys.stderr.flush()
    os._exit(0)


def serve() -> None:
    """A worker's loop: read a call from stdin, answer on stdout, until stdin closes."""
    from ..memory import trim

    functions = prepare()
    calls = 0
    for fd in (0, 1):
        _widen_pipe(fd)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the crawl process's to handle
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # stray prints of a library go to stderr, never into the answers
    sys.stdout = sys.stderr
    inp = sys.stdin.buffer
    while True:
        head = inp.read(LEN.size)
        if len(head) < LEN.size:
            return
        (size,) = LEN.unpack(head)
        payload = inp.read(size)
        if len(payload) < size:
            return
        started = time.process_time()
        call_id, name, args = pickle.loads(payload)
        try:
            ok, value = True, functions[name](*args)
        except Exception as exc:  # the caller does the work itself
            log.exception("parse worker: %s failed", name)
            ok, value = False, f"{type(exc).__name__}: {exc}"[:300]
        # The call's CPU seconds go with its answer: the crawl process weighs them against its own
        # (crawl/engine.py, SiteCrawler._parse_here).
        try:
            data = pickle.dumps((call_id, ok, value, time.process_time() - started), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:
            data = pickle.dumps((call_id, False, f"{type(exc).__name__}: {exc}"[:300], 0.0))
        out.write(LEN.pack(len(data)))
        out.write(data)
        out.flush()
        calls += 1
        if name == "judge" or calls % _TRIM_EVERY == 0:
            trim()  # pages of every size leave freed heap behind (memory.py)
