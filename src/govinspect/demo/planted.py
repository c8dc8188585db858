"""Truth of the planted content defects (hijack, privacy, identity, wording), checked on the pages.

The injectors record what they planted (``SitePlan.planted``); this module copies the marks
into the site's truth after making sure the rendered site really shows each one, so that a
mark can never describe a page the generator did not produce.
"""

from __future__ import annotations

from govinspect.demo.markup import shown_code
from govinspect.demo.plan import SitePlan
from govinspect.demo.render import Rendered, find_resource
from govinspect.demo.types import IdentityMark, Truth


def planted_truth(plan: SitePlan, rendered: Rendered, truth: Truth) -> None:
    """Fill ``truth.hijack``, ``privacy``, ``identity`` and ``wording`` from ``plan.planted``."""
    marks = plan.planted
    key = plan.spec.key
    for w in marks.wording:
        html = rendered.pages.get(w.path)
        if html is None or w.word not in html:
            raise ValueError(f"{key}: {w.word} is not on {w.path}")
    for p in marks.privacy:
        if find_resource(rendered.resources, p.path) is None:
            raise ValueError(f"{key}: no resource {p.path} for the {p.kind} leak")
    for h in marks.hijack:
        shown = rendered.spider if h.kind == "cloaking" else rendered.pages
        if h.path not in shown:
            raise ValueError(f"{key}: no page {h.path} for the {h.kind} hijack")
    for i in marks.identity:
        if not _footer_shows(plan, rendered.pages["/"], i):
            raise ValueError(f"{key}: the home footer does not show {i}")
    for m in marks.harmful:
        if m.page not in rendered.pages or m.target not in rendered.pages[m.page]:
            raise ValueError(f"{key}: {m.page} does not link {m.target}")
    truth.harmful = sorted(set(marks.harmful))
    truth.hijack = sorted(set(marks.hijack))
    truth.privacy = sorted(set(marks.privacy))
    truth.identity = sorted(set(marks.identity))
    truth.wording = sorted(set(marks.wording))


def _footer_shows(plan: SitePlan, home: str, mark: IdentityMark) -> bool:
    """True when the home page really has the identity problem ``mark`` describes."""
    if mark == IdentityMark("site_code", "mismatch"):
        return f"网站标识码：{shown_code(plan)}" in home and shown_code(plan) != plan.spec.site_code
    if mark == IdentityMark("icp", "missing"):
        return "ICP备" not in home
    if mark == IdentityMark("police_record", "missing"):
        return "公网安备" not in home
    return False
