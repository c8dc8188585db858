"""Footers loaded at view time, as big portals do (clean controls and one true finding).

The page templates print only a loader where the footer would be; the footer itself is a
separate file of the site, rendered at the end from the same ``identity_lines`` the other
sites print inline, so it shows exactly the items (and planted omissions) of the plan. The
forms follow what crawl/includes.py cites from public templates, written in our own words:

* ``write``: ``<script src="/include/footer.js">`` whose body ``document.writeln``s the footer
  line by line, the site code kept in a variable and concatenated, served in the site's own
  charset without a charset parameter (TRS-era GBK sites do this);
* ``load``: an empty box filled by jQuery ``$("#...").load("/include/foot.html")``;
* ``get``: ``$.get("/inc/bottom.html", ...)`` whose answer goes into the box with ``.html()``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from functools import partial
from typing import ClassVar

from govinspect.demo.defects import PathScheme
from govinspect.demo.markup import identity_lines, shown_code
from govinspect.demo.plan import SitePlan
from govinspect.demo.types import Resource

FORMS = {
    "write": "/include/footer.js",
    "load": "/include/foot.html",
    "get": "/inc/bottom.html",
}


def footer_html(plan: SitePlan) -> str:
    """The footer markup the site would print inline (its planted omissions included)."""
    shown = {k: v for k, v in plan.shown.items() if k != "footer_loader"}
    return identity_lines(replace(plan, shown=shown))


def loader(form: str) -> str:
    """What every page prints where the footer goes."""
    path = FORMS[form]
    if form == "write":
        return f'<script type="text/javascript" src="{path}"></script>'
    if form == "load":
        return ('<div id="footer-box"></div>\n<script type="text/javascript">'
                f'$(function () {{ $("#footer-box").load("{path}"); }});</script>')
    return ('<div id="ft"></div>\n<script>\n$.get("' + path + '", function (html) {\n'
            '  $("#ft").html(html);\n});\n</script>')


def _js_line(line: str) -> str:
    return line.replace("\\", "\\\\").replace("'", "\\'")


def footer_script(plan: SitePlan) -> str:
    """``footer.js``: the footer written line by line, the site code from a variable."""
    code = shown_code(plan)
    lines = [f'var siteCode = "{code}";']
    for line in footer_html(plan).splitlines():
        parts = [_js_line(p) for p in line.split(code)]
        lines.append("document.writeln('" + "' + siteCode + '".join(parts) + "');")
    return "\n".join(lines) + "\n"


def _resource(plan: SitePlan, form: str) -> tuple[Resource, None]:
    if form == "write":
        body = footer_script(plan).encode(plan.spec.encoding, "xmlcharrefreplace")
        return Resource(body, "application/javascript"), None
    body = footer_html(plan).encode(plan.spec.encoding, "xmlcharrefreplace")
    charset = plan.spec.header_charset
    return Resource(body, f"text/html; charset={charset}" if charset else "text/html"), None


@dataclass(frozen=True, slots=True)
class ScriptFooter:
    """Every page loads the footer by script (``form``: write, load or get); not a defect by itself."""

    form: str = "write"
    phase: ClassVar[str] = "links"

    def apply(self, plan: SitePlan, rng: random.Random, paths: PathScheme) -> None:
        path = FORMS[self.form]
        plan.shown["footer_loader"] = loader(self.form)
        plan.extra[path] = partial(_resource, plan, self.form)
        plan.notes[path] = (f"footer loaded by script ({self.form}); identity items are judged on it "
                            "(公网安备 number included: not a privacy leak)")
