"""Write simulated sites to disk as static files, for nginx-based benchmarks.

Build the world with ``build_world(..., static=True)`` first: style (b) then paginates with
index_N.html instead of ``?page=N`` and declares its charset in a <meta> (nginx sends none).
What a static copy cannot reproduce: targets declared as 500 are not written (they 404),
the site whose HTTP header lies about its charset is served with nginx's header, and neither
the cloaked views shown to search engines (``SimSite.spider_view``) nor the pages computed per
request (the site search's results, ``SimSite.dynamic``) are written at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from govinspect.demo.types import PLACEHOLDER_BYTES, SimSite, World

DEFAULT_PORT = 8001
DEFAULT_REFUSED = "http://127.0.0.1:9/"
_SAFE = re.compile(r"^/[A-Za-z0-9_./-]*$")


def static_links(sites: Iterable[SimSite], base_urls: Mapping[str, str] | None = None,
                 refused_url: str = DEFAULT_REFUSED) -> dict[str, str]:
    """Placeholder mapping for static copies; sites default to ports 8001, 8002, ..."""
    links = {"refused": refused_url}
    for n, site in enumerate(sites):
        hostname = site.options.get("hostname")  # an external host keeps its name (World.externals)
        default = f"http://{hostname}/" if hostname else f"http://127.0.0.1:{DEFAULT_PORT + n}/"
        url = (base_urls or {}).get(site.key, default)
        links[f"site:{site.key}"] = url
    return links


def file_for(root: Path, path: str) -> Path | None:
    """Where URL ``path`` lives under ``root``; None for paths a static server cannot serve."""
    if "?" in path or not _SAFE.match(path) or ".." in path:
        return None
    rel = path.lstrip("/")
    if not rel or rel.endswith("/"):
        rel += "index.html"
    return root / rel


def write_static(world: World | SimSite | Iterable[SimSite], out_dir: str | Path,
                 base_urls: Mapping[str, str] | None = None,
                 refused_url: str = DEFAULT_REFUSED) -> dict[str, Path]:
    """Write sites page by page under ``out_dir/<key>/`` (one SimSite: into ``out_dir``).

    Returns key -> folder. ``base_urls`` says where each site will be served, for the
    absolute links between sites (default http://127.0.0.1:8001/, 8002, ... in world order).
    """
    single = isinstance(world, SimSite)
    if isinstance(world, SimSite):
        sites = [world]
    else:
        sites = list(world.sites if isinstance(world, World) else world)
    named = sites + (world.externals if isinstance(world, World) else [])  # external hosts keep their names
    links = {k.encode(): v.encode() for k, v in static_links(named, base_urls, refused_url).items()}
    out: dict[str, Path] = {}
    for site in sites:
        if site.behaviour:
            continue
        root = Path(out_dir) if single else Path(out_dir) / site.key
        root.mkdir(parents=True, exist_ok=True)
        for path, res in site.iter_resources():
            target = file_for(root, path)
            if target is None or res.status != 200:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            body = res.body
            if b"{{" in body:
                body = PLACEHOLDER_BYTES.sub(lambda m: links[m.group(1)], body)
            target.write_bytes(body)
        out[site.key] = root
    return out
