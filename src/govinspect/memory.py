"""Keep a long crawl's resident memory flat: fewer malloc arenas, freed heap handed back.

glibc gives every thread that allocates its own arena (up to eight per core) and keeps freed
memory in them; a crawl's helper threads (document reading, the checks) and the parse
workers' page-sized buffers otherwise leave tens of megabytes resident that nothing uses.
Both calls do nothing where the C library is not glibc.
"""

from __future__ import annotations

import ctypes
import logging
from functools import cache
from typing import Any

log = logging.getLogger(__name__)

_M_ARENA_MAX = -8  # mallopt parameter (malloc.h)


@cache
def _libc() -> Any:
    """The C library when it is glibc, else None.

    The process's own symbols first (the interpreter is linked against the C library); only
    then ``ctypes.util.find_library``, which imports subprocess and runs ``ldconfig``: an import
    and a process a parse worker has no other use for.
    """
    libc = _glibc(None)
    if libc is None:
        from ctypes.util import find_library

        name = find_library("c")
        libc = _glibc(name) if name else None
    return libc


def _glibc(name: str | None) -> Any:
    """The library ``name`` (None: this process's own symbols) when it has glibc's malloc calls."""
    try:
        lib = ctypes.CDLL(name)
    except OSError:
        return None
    return lib if hasattr(lib, "malloc_trim") and hasattr(lib, "mallopt") else None


def limit_arenas(arenas: int = 2) -> bool:
    """At most ``arenas`` malloc arenas for this process (call before threads start); True when applied."""
    libc = _libc()
    return bool(libc is not None and libc.mallopt(_M_ARENA_MAX, arenas))


def trim() -> bool:
    """Hand freed heap memory back to the system; True when some was released."""
    libc = _libc()
    return bool(libc is not None and libc.malloc_trim(0))
