"""The sandbox process: runs a page's inline scripts in QuickJS against a stub browser, one JSON job a line.

Started by ``extract/jsbox.py`` as ``python -I jsworker.py`` and killed by it when a job
overruns its wall-clock limit (a catastrophic regular expression is not interrupted by
QuickJS's own time limit). Nothing here touches the network or the file system: the stub
``window``/``document``/``location``/``navigator`` only record what the scripts ask for
(location changes, written markup, inserted script and frame sources), timers and load
handlers run once after the scripts, click handlers never. Standard library and ``quickjs``
only, so the process starts fast and imports nothing of the crawl.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

MAX_RECORDS = 200
MAX_WRITTEN_SCRIPTS = 20  # inline <script> blocks written by document.write and run in turn
MAX_TIMERS = 50

# The stub browser. Written for this project; the member names are those of the DOM and
# HTML standards (WHATWG HTML "Location", "Document.write", "Navigator") that redirect and
# injection scripts use.
PRELUDE = r"""
(function (g, P) {
  var rec = [], timers = [], ready = [], written = [], nextTimer = 1;
  var cur = -1;  // the index of the page script whose code runs (kept from the page's reach)
  function add(kind, v) {
    if (rec.length < %(records)d) rec.push([kind, String(v), cur]);
  }
  function noop() {}
  var loc = {
    protocol: P.protocol, host: P.host, hostname: P.hostname, port: P.port,
    pathname: P.pathname, search: P.search, hash: P.hash, origin: P.origin,
    assign: function (u) { add('location', u); }, replace: function (u) { add('location', u); },
    reload: noop, toString: function () { return P.href; }, valueOf: function () { return P.href; }
  };
  Object.defineProperty(loc, 'href', {get: function () { return P.href; },
    set: function (u) { add('location', u); }, enumerable: true});
  function locProp(o) {
    Object.defineProperty(o, 'location', {get: function () { return loc; },
      set: function (u) { add('location', u); }, enumerable: true, configurable: false});
  }
  var style = function () { return {setProperty: noop, getPropertyValue: function () { return ''; }}; };
  var classList = {add: noop, remove: noop, toggle: noop, contains: function () { return false; }};
  function el(tag) {
    tag = String(tag || 'div').toLowerCase();
    var attrs = {}, attached = false, e = {
      tagName: tag.toUpperCase(), nodeName: tag.toUpperCase(), nodeType: 1, style: style(),
      classList: classList, childNodes: [], children: [], className: '', id: '', dataset: {},
      setAttribute: function (k, v) { k = String(k).toLowerCase(); attrs[k] = String(v); if (attached) note(k); },
      getAttribute: function (k) { k = String(k).toLowerCase(); return k in attrs ? attrs[k] : null; },
      removeAttribute: function (k) { delete attrs[String(k).toLowerCase()]; },
      hasAttribute: function (k) { return String(k).toLowerCase() in attrs; },
      appendChild: attach, insertBefore: attach, append: attach, prepend: attach, replaceChild: attach,
      removeChild: function (c) { return c; }, remove: noop,
      addEventListener: noop, removeEventListener: noop, attachEvent: noop,
      insertAdjacentHTML: function (p, h) { add('html', h); },
      cloneNode: function () { return el(tag); }, focus: noop, blur: noop,
      getElementsByTagName: function (t) { return [el(t)]; },
      getElementsByClassName: function () { return []; },
      querySelector: function () { return el('div'); }, querySelectorAll: function () { return []; },
      getBoundingClientRect: function () { return {top: 0, left: 0, width: 0, height: 0}; },
      click: function () { if (tag === 'a' && attrs.href) add('location', attrs.href); },
      submit: noop
    };
    function note(k) {
      if (k === 'src' && (tag === 'script' || tag === 'iframe' || tag === 'frame')) add('src', attrs.src);
      if (k === 'content' && String(attrs['http-equiv'] || '').toLowerCase() === 'refresh') add('refresh', attrs.content);
    }
    function attach(c) {
      if (c && c.__mark) c.__mark();
      return c;
    }
    e.__mark = function () { if (!attached) { attached = true; note('src'); note('content'); } };
    ['src', 'href', 'content', 'httpEquiv', 'type', 'charset', 'async', 'defer', 'name', 'title'].forEach(function (k) {
      var a = k === 'httpEquiv' ? 'http-equiv' : k.toLowerCase();
      Object.defineProperty(e, k, {get: function () { return attrs[a] || ''; },
        set: function (v) { attrs[a] = String(v); if (attached) note(a); }, enumerable: true});
    });
    ['innerHTML', 'outerHTML'].forEach(function (k) {
      Object.defineProperty(e, k, {get: function () { return ''; }, set: function (v) { add('html', v); }});
    });
    var parent = null;
    Object.defineProperty(e, 'parentNode', {get: function () { return parent || (parent = el('div')); }});
    Object.defineProperty(e, 'parentElement', {get: function () { return e.parentNode; }});
    Object.defineProperty(e, 'firstChild', {get: function () { return el('div'); }});
    return e;
  }
  function write() {
    var s = Array.prototype.join.call(arguments, '');
    add('write', s);
    var re = /<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi, m;
    while ((m = re.exec(s)) && written.length < %(written)d) {
      if (!/\bsrc\s*=/i.test(m[1]) && m[2]) written.push([m[2], cur]);
    }
  }
  var body = el('body'), head = el('head'), html = el('html');
  var doc = {
    referrer: P.referrer, cookie: '', title: '', domain: P.hostname, URL: P.href, documentURI: P.href,
    readyState: 'loading', charset: 'UTF-8', characterSet: 'UTF-8', compatMode: 'CSS1Compat',
    body: body, head: head, documentElement: html, nodeType: 9, currentScript: el('script'),
    write: write, writeln: write, open: noop, close: noop,
    createElement: el, createTextNode: function () { return el('#text'); },
    createDocumentFragment: function () { return el('#fragment'); },
    getElementById: function () { return el('div'); }, querySelector: function () { return el('div'); },
    querySelectorAll: function () { return []; },
    getElementsByTagName: function (t) { t = String(t).toLowerCase(); return [t === 'head' ? head : t === 'body' ? body : el(t)]; },
    getElementsByClassName: function () { return []; }, getElementsByName: function () { return []; },
    addEventListener: function (t, f) { if (t === 'DOMContentLoaded' || t === 'readystatechange' || t === 'load') ready.push([f, cur]); },
    removeEventListener: noop, attachEvent: function (t, f) { if (t === 'onreadystatechange') ready.push([f, cur]); }
  };
  locProp(doc);
  g.window = g.self = g.top = g.parent = g.frames = g.globalThis = g;
  locProp(g);
  g.document = doc;
  g.navigator = {userAgent: P.ua, appName: 'Netscape', appVersion: '5.0', platform: 'Win32', vendor: '',
    language: 'zh-CN', languages: ['zh-CN', 'zh'], cookieEnabled: true, plugins: [], mimeTypes: [],
    onLine: true, javaEnabled: function () { return false; }, sendBeacon: function () { return true; }};
  g.screen = {width: 1920, height: 1080, availWidth: 1920, availHeight: 1040, colorDepth: 24};
  g.innerWidth = 1920; g.innerHeight = 960; g.devicePixelRatio = 1;
  g.history = {length: 1, pushState: noop, replaceState: noop, back: noop, go: noop};
  g.localStorage = g.sessionStorage = {getItem: function () { return null; }, setItem: noop, removeItem: noop, clear: noop};
  // atob / btoa of the HTML standard ("forgiving-base64"); QuickJS has neither.
  var B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  g.atob = function (s) {
    s = String(s).replace(/[\t\n\f\r ]+/g, '').replace(/=+$/, '');
    var out = '', buf = 0, bits = 0;
    for (var i = 0; i < s.length; i++) {
      var v = B64.indexOf(s.charAt(i));
      if (v < 0) throw new Error('InvalidCharacterError');
      buf = ((buf << 6) | v) & 0xFFFFFF; bits += 6;
      if (bits >= 8) { bits -= 8; out += String.fromCharCode((buf >> bits) & 255); }
    }
    return out;
  };
  g.btoa = function (s) {
    s = String(s);
    var out = '';
    for (var i = 0; i < s.length; i += 3) {
      var n = (s.charCodeAt(i) << 16) | ((s.charCodeAt(i + 1) || 0) << 8) | (s.charCodeAt(i + 2) || 0);
      out += B64.charAt(n >> 18 & 63) + B64.charAt(n >> 12 & 63) +
        (i + 1 < s.length ? B64.charAt(n >> 6 & 63) : '=') + (i + 2 < s.length ? B64.charAt(n & 63) : '=');
    }
    return out;
  };
  g.console = {log: noop, info: noop, warn: noop, error: noop, debug: noop};
  g.alert = g.confirm = g.prompt = g.focus = g.blur = g.scrollTo = g.print = noop;
  g.open = function () { return null; };
  g.addEventListener = function (t, f) { if (t === 'load' || t === 'DOMContentLoaded') ready.push([f, cur]); };
  g.removeEventListener = noop; g.attachEvent = function (t, f) { if (t === 'onload') ready.push([f, cur]); };
  g.getComputedStyle = function () { return style(); };
  g.XMLHttpRequest = function () { this.open = noop; this.send = noop; this.setRequestHeader = noop; this.readyState = 0; };
  g.ActiveXObject = undefined;
  g.fetch = function () { return new Promise(function () {}); };
  g.Image = function () { return el('img'); };
  g.setTimeout = g.setInterval = function (f, ms) {
    if (timers.length < %(timers)d) timers.push([f, +ms || 0, cur, nextTimer]);
    return nextTimer++;
  };
  g.clearTimeout = g.clearInterval = function (id) {
    for (var i = 0; i < timers.length; i++) if (timers[i][3] === id) timers[i][0] = null;
  };
  g.requestAnimationFrame = function (f) { return g.setTimeout(f, 16); };
  // jQuery-style ready callbacks run and markup given to html()/append()/... is recorded;
  // every other call on the stub returns the stub again, so that event bindings (clicks)
  // are accepted and never fired.
  var chain = new Proxy(function () {}, {
    get: function (t, k) {
      if (k === 'ready') return function (f) { if (typeof f === 'function') ready.push([f, cur]); return chain; };
      if (k === 'html' || k === 'append' || k === 'prepend' || k === 'after' || k === 'before' || k === 'replaceWith') {
        return function (h) { if (typeof h === 'string') add('html', h); return chain; };
      }
      if (k === 'length') return 0;
      if (k === 'then' || typeof k === 'symbol') return undefined;
      return function () { return chain; };
    },
    apply: function () { return chain; }
  });
  g.jQuery = g.$ = function (a) { if (typeof a === 'function') ready.push([a, cur]); return chain; };
  g.$.fn = {}; g.$.extend = g.$.ajax = g.$.get = g.$.post = g.$.getScript = g.$.each = function () { return chain; };
  function fixed(name, fn) {  // the worker's own entry points, out of the page scripts' reach
    Object.defineProperty(g, name, {value: fn, writable: false, enumerable: false, configurable: false});
  }
  fixed('__setCur', function (i) { cur = i; });
  fixed('__getCur', function () { return cur; });
  fixed('__step', function () {
    // One queued piece of work: a written inline script, then load handlers, then timers in
    // due order. Returns false when nothing is left.
    var w = written.shift();
    if (w) { cur = w[1]; (0, eval)(w[0]); return true; }
    var r = ready.shift();
    if (r) { cur = r[1]; r[0].call(doc); return true; }
    if (typeof g.onload === 'function') { var f = g.onload; g.onload = null; f(); return true; }
    if (typeof doc.onreadystatechange === 'function') {
      var h = doc.onreadystatechange; doc.onreadystatechange = null; doc.readyState = 'complete'; h(); return true;
    }
    timers.sort(function (a, b) { return a[1] - b[1]; });
    var t = timers.shift();
    while (t && !t[0]) t = timers.shift();
    if (!t) return false;
    cur = t[2];
    if (typeof t[0] === 'function') t[0](); else (0, eval)(String(t[0]));
    return true;
  });
  fixed('__records', function () { return JSON.stringify(rec); });
})(globalThis, %(page)s);
"""


def run_variant(
    scripts: list[str], page: dict[str, str], seconds: float, memory: int
) -> dict[str, Any]:
    """Run ``scripts`` in order in a fresh QuickJS context; records, limits hit and error count."""
    # Each piece (a script, a load handler, a timer) may take ``seconds``; the variant as a
    # whole twice that, so that one looping script still leaves time for the others.
    import quickjs

    ctx = quickjs.Context()
    ctx.set_memory_limit(memory)
    ctx.set_max_stack_size(512 * 1024)
    deadline = time.monotonic() + 2 * seconds
    limits: list[list[Any]] = []
    errors = 0
    prelude = PRELUDE % {
        "records": MAX_RECORDS, "written": MAX_WRITTEN_SCRIPTS, "timers": MAX_TIMERS, "page": json.dumps(page)
    }  # fmt: skip
    ctx.set_time_limit(seconds)
    ctx.eval(prelude)

    def run(code: str, index: int | None) -> Any:
        """Evaluate one piece; None when it failed, "stop" when no time or memory is left."""
        nonlocal errors
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            limits.append([_current(ctx, index), "timeout"])
            return "stop"
        ctx.set_time_limit(min(seconds, remaining))
        try:
            return ctx.eval(code)
        except quickjs.StackOverflow:
            errors += 1
        except quickjs.JSException as exc:
            text = str(exc).strip()
            if "interrupted" in text:
                limits.append([_current(ctx, index), "timeout"])
            elif "out of memory" in text or text in ("", "null"):  # OOM leaves no error object
                limits.append([_current(ctx, index), "memory"])
                return "stop"
            else:
                errors += 1
        return None

    stopped = False
    for index, code in enumerate(scripts):
        ctx.eval(f"__setCur({index})")
        if run(code, index) == "stop":
            stopped = True
            break
    for _ in range(0 if stopped else MAX_WRITTEN_SCRIPTS + MAX_TIMERS + 20):
        step = run("__step()", None)
        if step is False or step == "stop":
            break
    ctx.set_time_limit(-1)
    try:
        records = json.loads(ctx.eval("__records()"))
    except (quickjs.JSException, ValueError):
        records = []
    return {"records": records, "limits": limits, "errors": errors}


def _current(ctx: Any, default: int | None) -> int:
    """The index of the script whose code runs now, ``default`` when given."""
    if default is not None:
        return default
    try:
        ctx.set_time_limit(-1)
        value = ctx.eval("__getCur()")
    except Exception:
        return -1
    return value if isinstance(value, int) else -1


def serve() -> None:
    """Answer one JSON job per input line until stdin closes."""
    import resource

    # A backstop under QuickJS's own memory limit: the whole process stays small.
    limit = 1024 * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    for line in sys.stdin:
        try:
            job = json.loads(line)
            out = {
                name: run_variant(job["scripts"], page, float(job["seconds"]), int(job["memory"]))
                for name, page in job["variants"].items()
            }
            answer: dict[str, Any] = {"variants": out}
        except Exception as exc:  # a broken job must not end the process
            answer = {"error": f"{type(exc).__name__}: {exc}"[:300]}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    serve()
