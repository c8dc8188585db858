"""The circular as one self-contained HTML page: inline CSS, charts as inline SVG, no scripts or CDN."""

from __future__ import annotations

from html import escape
from pathlib import Path

from .build import pct
from .charts import count_bars, rate_bars
from .view import Circular, DetailRow

CSS = """
body{font-family:"Noto Serif CJK SC","FangSong","SimSun",serif;max-width:1100px;margin:2em auto;color:#222;
line-height:1.7;padding:0 1em}
header{text-align:center;border-bottom:3px solid #c00;margin-bottom:1.5em}
header .issuer{color:#c00;font-size:2em;font-weight:bold;letter-spacing:.2em}
h1{font-family:"Noto Sans CJK SC","SimHei",sans-serif;text-align:center;font-size:1.6em}
h2{font-family:"Noto Sans CJK SC","SimHei",sans-serif;font-size:1.25em;margin-top:1.6em}
p{text-indent:2em;margin:.5em 0}
table{border-collapse:collapse;width:100%;margin:.8em 0;font-size:.92em}
th,td{border:1px solid #888;padding:.3em .5em;vertical-align:top;word-break:break-all}
th{background:#f2f2f2}
tr.fail td.result{color:#c00;font-weight:bold}
.charts{display:flex;flex-wrap:wrap;gap:1.5em}
.charts figure{margin:0}
figcaption{text-align:center;font-size:.9em}
.sign{text-align:right;margin-top:2em}
"""


def _e(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def write_html(c: Circular, path: Path) -> Path:
    """Write the circular as one self-contained HTML page and return its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(c), encoding="utf-8")
    return path


def render_html(c: Circular) -> str:
    """The circular's HTML text."""
    p = c.paragraphs
    parts = [
        "<!DOCTYPE html>", '<html lang="zh-CN"><head><meta charset="utf-8">',
        f"<title>{_e(c.title)}</title><style>{CSS}</style></head><body>",
        f'<header><div class="issuer">{_e(c.issuer)}</div></header>',
        f"<h1>{_e(c.title)}</h1>",
        '<h2 id="overview">一、总体情况</h2>',
        *(f"<p>{_e(p[k])}</p>" for k in ("overview", "verdicts", "closed", "review") if p.get(k)),
        _rates_table(c),
        '<div class="charts">', _trend_chart(c), _problems_chart(c), "</div>",
        '<h2 id="problems">二、主要问题</h2>',
        f"<p>{_e(p.get('problems', ''))}</p>",
        _problem_table(c),
        '<h2 id="requirements">三、整改要求</h2>',
        f"<p>{_e(p.get('requirements', ''))}</p>",
    ]
    if c.carried_over:
        parts += ["<h3>上期未整改问题</h3>", _detail_table(c.carried_over, "carried")]
    parts += [
        f'<div class="sign">{_e(c.issuer)}<br>{c.issued_on.year}年{c.issued_on.month}月{c.issued_on.day}日</div>',
        '<h2 id="annex1">附件1 政府网站检查情况</h2>', _annex1(c),
        '<h2 id="annex2">附件2 政务新媒体检查情况</h2>', _annex2(c),
        '<h2 id="details">问题明细</h2>', _detail_table(c.details, "details"),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _rates_table(c: Circular) -> str:
    sm = c.summary
    rows = [("政府网站", sm.sites, "网站合格率", sm.site_pass_rate),
            ("政务新媒体", sm.accounts, "政务新媒体合格率", sm.account_pass_rate)]
    body = "".join(
        f'<tr><td>{name}</td><td>{f.registered}</td><td>{f.checked}</td><td>{f.passed}</td>'
        f'<td class="rate" data-rate="{label}">{pct(rate)}</td></tr>' for name, f, label, rate in rows)
    return ('<table id="rates"><thead><tr><th>类别</th><th>登记</th><th>检查</th><th>合格</th><th>合格率</th>'
            f"</tr></thead><tbody>{body}</tbody></table>")


def _problem_table(c: Circular) -> str:
    body = "".join(f"<tr><td>{_e(g.label)}</td><td>{g.count}</td><td>{_e('、'.join(g.subjects))}</td></tr>"
                   for g in c.problem_groups)
    return ('<table id="problem-groups"><thead><tr><th>问题类型</th><th>数量</th><th>涉及网站或账号</th></tr>'
            f"</thead><tbody>{body}</tbody></table>")


def _annex1(c: Circular) -> str:
    body = "".join(
        f'<tr class="{"fail" if r.result in ("单项否决", "不合格") else "pass"}"><td>{r.seq}</td><td>{_e(r.name)}</td>'
        f'<td>{_e(r.url)}</td><td class="result">{_e(r.result)}</td><td>{_e(r.description)}</td></tr>'
        for r in c.site_rows)
    return ('<table id="annex1"><thead><tr><th>序号</th><th>网站名称</th><th>网址</th><th>检查结果</th>'
            f"<th>问题描述</th></tr></thead><tbody>{body}</tbody></table>")


def _annex2(c: Circular) -> str:
    head = "".join(f"<th>{_e(c.platform_labels.get(p, p))}</th><th>检查情况</th>" for p in c.platforms)
    rows = []
    for u in c.unit_rows:
        cells = []
        for p in c.platforms:
            accs = u.accounts.get(p, [])
            cells.append(f"<td>{'<br>'.join(_e(a.name) for a in accs)}</td>"
                         f"<td>{'<br>'.join(_e(a.status) for a in accs)}</td>")
        rows.append(f"<tr><td>{u.seq}</td><td>{_e(u.unit)}</td>{''.join(cells)}</tr>")
    return (f'<table id="annex2"><thead><tr><th>序号</th><th>单位</th>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def _detail_table(rows: list[DetailRow], ident: str) -> str:
    body = "".join(
        f"<tr><td>{n}</td><td>{_e(d.subject)}</td><td>{_e(d.unit)}</td><td>{_e(d.code_label)}</td>"
        f"<td>{_e(d.severity_label)}</td><td>{_e(d.url)}</td><td>{_e(d.message)}</td><td>{_e(d.evidence)}</td>"
        f"<td>{d.first_seen.isoformat()}</td><td>{_e(d.status_label)}</td><td>{_e(d.review_label)}</td></tr>"
        for n, d in enumerate(rows, start=1))
    return (f'<table id="{ident}"><thead><tr><th>序号</th><th>网站或账号</th><th>单位</th><th>问题</th><th>性质</th>'
            "<th>网址</th><th>说明</th><th>证据</th><th>首次发现</th><th>整改状态</th><th>审核</th></tr></thead>"
            f"<tbody>{body}</tbody></table>")


def _trend_chart(c: Circular) -> str:
    """Bars of 网站合格率 and 政务新媒体合格率 per period."""
    return rate_bars([(t.period, t.site_pass_rate, t.account_pass_rate) for t in c.trend])


def _problems_chart(c: Circular) -> str:
    """Horizontal bars: problems by kind."""
    return count_bars([(g.label, g.count) for g in c.problem_groups])
