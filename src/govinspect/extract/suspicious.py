"""Which inline scripts of a page the script sandbox runs (extract/jsbox.py runs them).

A pure function of the scripts' text, called while a page is parsed (extract/security.py), in
the crawl process or a parse worker: it is kept apart from the sandbox so that parsing never
imports the sandbox's process and thread machinery (asyncio, subprocess).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .scripts import _spider_tests, fold_concat

__all__ = ["MAX_CHARS", "MAX_PIECE", "OMITTED", "sandbox_candidates", "suspicious"]

MAX_CHARS = 300_000  # inline code handed to the sandbox per page
MAX_PIECE = 120_000  # a larger script that is not itself suspicious (a library) is left out
OMITTED = "/* govinspect: suspicious script over the sandbox's size budget, not run */"

# What makes a script worth running, each a trait of an obfuscator's output:
# - javascript-obfuscator's default hexadecimal names ``_0x1a2b3c`` (its README,
#   identifierNamesGenerator "hexadecimal", github.com/javascript-obfuscator/javascript-obfuscator);
# - eval / new Function of a computed value (packers, and every "eval(x)" dropper);
# - decoders fed a computed value: String.fromCharCode(...) of variables, atob(x), unescape(x);
# - computed members of window / document / location (``window[a][b]``);
# - JSFuck (``[][(![]+[])...``, jsfuck.com) and jjencode / aaencode (``$=~[]``, ``ﾟωﾟ``);
# - dense \x / \u escapes of ASCII; a search-engine referrer or user-agent test (extract/scripts.py).
# Each pattern starts with a literal and is tried only when its guard occurs: an alternation
# without a literal prefix costs a second per megabyte of script. Every lookahead after
# ``\s*`` also refuses a space, or the regex would back off the spaces and match anyway.
_TRAITS = tuple(
    (guard, re.compile(pattern))
    for guard, pattern in (
        ("_0x", r"_0x[0-9a-fA-F]{4}"),
        ("eval", r"eval\s*\(\s*(?![\s'\")]|function\b)"),
        ("Function", r"Function\s*\(\s*(?![\s'\")])"),
        ("fromCharCode", r"fromCharCode\s*(?:\(\s*(?![\s\d'\")])|\.\s*(?:apply|call)\b)"),
        ("atob", r"atob\s*\(\s*(?![\s'\")])"),
        ("unescape", r"unescape\s*\(\s*(?![\s'\")])"),
        *((name, name + r"\s*\[\s*(?![\s\d'\"])") for name in ("window", "document", "location", "top", "self", "parent", "navigator")),
        ("[]", r"\(!\[\]\+\[\]\)|\[\]\["),
        ("$=~[]", r"\$=~\[\]"),
        ("ﾟωﾟ", r"ﾟωﾟ"),
        ("p,a,c,k,e,", r"p,a,c,k,e,[dr]\b"),
    )
)  # fmt: skip
# Escapes of ASCII characters (code words, URLs) are how obfuscators hide; a CMS writes its
# Chinese menu labels as \u4e2d-style escapes, which say nothing.
_ESCAPES = re.compile(r"\\(?:x[0-7][0-9a-fA-F]|u00[0-7][0-9a-fA-F])")
_DENSE = 40  # escapes in one script


def suspicious(code: str) -> bool:
    """True when ``code`` shows a trait of obfuscated or search-engine conditional code."""
    if any(guard in code and pattern.search(code) for guard, pattern in _TRAITS):
        return True
    if "\\" in code and len(_ESCAPES.findall(code[:50_000])) >= _DENSE:
        return True
    if _spider_tests(code):
        return True
    # the test may be spelt in pieces (navigator['user'+'Agent'])
    pieces = "+" in code and ("Agent'" in code or 'Agent"' in code or "rer'" in code or 'rer"' in code)
    return pieces and bool(_spider_tests(fold_concat(code)))


def sandbox_candidates(pieces: Iterable[str]) -> list[str]:
    """The page's inline scripts to run, in page order, when one is suspicious; else []."""
    # A suspicious script runs even when static decoding read part of it: real injections mix
    # a readable redirect with a payload built at run time (a reversed string written out).
    scripts = list(pieces)
    trigger = [i for i, code in enumerate(scripts) if code.strip() and suspicious(code)]
    if not trigger:
        return []
    keep: set[int] = set()
    budget = MAX_CHARS
    for i in trigger:  # the suspicious ones first, the first one always (cut to the budget)
        if not keep or len(scripts[i]) <= budget:
            keep.add(i)
            budget -= min(len(scripts[i]), budget)
    for i, code in enumerate(scripts):
        if i not in keep and len(code) <= MAX_PIECE and len(code) <= budget:
            keep.add(i)
            budget -= len(code)
    # Left-out scripts stay (empty, or a marker for a suspicious one that is then reported) so
    # that indexes still name the page's nth script.
    return [code[:MAX_CHARS] if i in keep else OMITTED if i in trigger else "" for i, code in enumerate(scripts)]
