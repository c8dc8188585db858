"""Time the circular at 2,000 sites: build the view-model, then each writer (docx, xlsx, html).

Run from the project root: ``python3 bench/circular.py``. The store is the 2,000-site fixture of
``tests/report_build_support.build_big`` (100 units, 400 accounts, 800 findings) in a temporary
SQLite file; figures go to bench/RESULTS.md by hand.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.report_build_support import build_big  # noqa: E402

from govinspect.report.build import build_circular  # noqa: E402
from govinspect.report.docx import write_docx  # noqa: E402
from govinspect.report.html import write_html  # noqa: E402
from govinspect.report.xlsx import write_xlsx  # noqa: E402
from govinspect.store import open_store  # noqa: E402


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="govinspect-circular-"))
    with open_store(f"sqlite:///{tmp / 'big.sqlite'}") as store:
        build_big(store)
        start = time.perf_counter()
        circular = build_circular(store, "2019-10")
        print(f"build_circular: {time.perf_counter() - start:.2f} s ({len(circular.site_rows)} sites, "
              f"{len(circular.details)} findings)")
    for name, write in (("docx", write_docx), ("xlsx", write_xlsx), ("html", write_html)):
        start = time.perf_counter()
        path = write(circular, tmp / f"circular.{name}")
        print(f"write_{name}: {time.perf_counter() - start:.2f} s, {path.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main()
