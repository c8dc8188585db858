"""The monthly circular (通报): a view-model built once (``view.py``), then Word, Excel and HTML writers.

Writers register under a format name with ``register``; a fourth format is one more module calling
it. The Word and Excel writers load lazily, so a missing optional module only removes its format.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

from .view import Circular

Writer = Callable[[Circular, Path], Path]
WRITERS: dict[str, Writer] = {}
EXTENSIONS: dict[str, str] = {}


def register(fmt: str, fn: Writer, ext: str | None = None) -> None:
    """Make ``fn`` the writer of format ``fmt`` (file extension ``ext``, default the format name)."""
    WRITERS[fmt] = fn
    EXTENSIONS[fmt] = ext or fmt


def _register_module(fmt: str, module: str, attr: str) -> None:
    """Register ``module.attr`` as the writer of ``fmt`` when the module can be imported."""
    try:
        mod = importlib.import_module(f"{__name__}.{module}")
    except ImportError:
        return
    register(fmt, getattr(mod, attr))


_register_module("docx", "docx", "write_docx")
_register_module("xlsx", "xlsx", "write_xlsx")
_register_module("html", "html", "write_html")


def formats() -> list[str]:
    """The formats with a registered writer, in registration order."""
    return list(WRITERS)


def report_path(out: Path, period: str, fmt: str) -> Path:
    """``<out>/<period>-通报.<ext>``."""
    return out / f"{period}-通报.{EXTENSIONS.get(fmt, fmt)}"
