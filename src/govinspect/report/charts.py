"""Charts as inline SVG text (no scripts, no external files), shared by the HTML circular and the dashboard.

Every function returns a ``<figure>`` holding one ``<svg>``; labels are escaped here, so callers
may insert the result into a page as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

SITE_COLOR = "#c0392b"
ACCOUNT_COLOR = "#2e86c1"
COUNT_COLOR = "#d35400"
VERDICT_COLORS = {"pass": "#1a7f37", "veto": "#b4232a", "fail": "#d35400"}


def _e(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def _pct(rate: float | None) -> str:
    return "无" if rate is None else f"{rate * 100:.1f}%"


def rate_bars(
    points: Sequence[tuple[str, float | None, float | None]], *, ident: str = "chart-trend",
    width: int = 480, height: int = 240, caption: str = "各期合格率",
    names: tuple[str, str] = ("网站合格率", "政务新媒体合格率"),
) -> str:
    """Pairs of bars per period: (period, site pass rate, account pass rate), rates 0..1 or None."""
    left, top, bottom = 40, 20, 40
    plot_h = height - top - bottom
    n = max(len(points), 1)
    slot = (width - left - 10) / n
    bar = max(min(slot / 3, 40), 2)
    out = [f'<svg id="{_e(ident)}" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" role="img"><title>合格率趋势</title>']
    for tick in (0, 50, 100):
        y = top + plot_h * (1 - tick / 100)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" stroke="#ccc"/>'
                   f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end">{tick}%</text>')
    for i, (period, site_rate, account_rate) in enumerate(points):
        x0 = left + i * slot + (slot - 2 * bar) / 2
        for j, (rate, color, name) in enumerate(((site_rate, SITE_COLOR, names[0]),
                                                 (account_rate, ACCOUNT_COLOR, names[1]))):
            h = plot_h * (rate or 0.0)
            x = x0 + j * bar
            out.append(f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                       f'fill="{color}"><title>{_e(period)} {_e(name)} {_pct(rate)}</title></rect>')
        out.append(f'<text x="{left + i * slot + slot / 2:.1f}" y="{height - bottom + 15}" font-size="10" '
                   f'text-anchor="middle">{_e(period)}</text>')
    out.append(f'<rect x="{left}" y="{height - 16}" width="10" height="10" fill="{SITE_COLOR}"/>'
               f'<text x="{left + 14}" y="{height - 7}" font-size="10">{_e(names[0])}</text>'
               f'<rect x="{left + 90}" y="{height - 16}" width="10" height="10" fill="{ACCOUNT_COLOR}"/>'
               f'<text x="{left + 104}" y="{height - 7}" font-size="10">{_e(names[1])}</text></svg>')
    return f"<figure>{''.join(out)}<figcaption>{_e(caption)}</figcaption></figure>"


def count_bars(
    items: Sequence[tuple[str, int]], *, ident: str = "chart-problems", width: int = 520, limit: int = 15,
    caption: str = "问题类型分布",
) -> str:
    """Horizontal bars: (label, count), largest first as given; at most ``limit`` rows."""
    rows = list(items)[:limit]
    row, left = 22, 190
    height = max(len(rows), 1) * row + 20
    most = max((n for _, n in rows), default=1) or 1
    out = [f'<svg id="{_e(ident)}" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" role="img"><title>{_e(caption)}</title>']
    for i, (name, count) in enumerate(rows):
        y = 10 + i * row
        w = (width - left - 50) * count / most
        out.append(f'<text x="{left - 6}" y="{y + 14}" font-size="11" text-anchor="end">{_e(name)}</text>'
                   f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{row - 8}" fill="{COUNT_COLOR}"/>'
                   f'<text x="{left + w + 4:.1f}" y="{y + 14}" font-size="11">{count}</text>')
    out.append("</svg>")
    return f"<figure>{''.join(out)}<figcaption>{_e(caption)}</figcaption></figure>"


def history_chart(
    points: Sequence[tuple[str, float | None, str, int]], *, ident: str = "chart-history", width: int = 560,
    height: int = 220, caption: str = "历次检查得分与问题数",
) -> str:
    """Per run (label, score 0..100 or None, verdict pass|veto|fail|"", open problems): a bar of the
    score coloured by verdict, and the number of problems written above it."""
    left, top, bottom = 40, 20, 40
    plot_h = height - top - bottom
    n = max(len(points), 1)
    slot = (width - left - 10) / n
    bar = max(min(slot * 0.6, 48), 2)
    out = [f'<svg id="{_e(ident)}" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" role="img"><title>{_e(caption)}</title>']
    for tick in (0, 50, 100):
        y = top + plot_h * (1 - tick / 100)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" stroke="#ccc"/>'
                   f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end">{tick}</text>')
    for i, (name, score, verdict, problems) in enumerate(points):
        h = plot_h * max(min((score or 0.0) / 100, 1.0), 0.0)
        x = left + i * slot + (slot - bar) / 2
        color = VERDICT_COLORS.get(verdict, "#999")
        shown = "—" if score is None else f"{score:g}"
        out.append(f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                   f'fill="{color}"><title>{_e(name)} 得分 {shown}，问题 {problems} 个</title></rect>'
                   f'<text x="{x + bar / 2:.1f}" y="{top + plot_h - h - 3:.1f}" font-size="10" '
                   f'text-anchor="middle">{problems}</text>'
                   f'<text x="{left + i * slot + slot / 2:.1f}" y="{height - bottom + 15}" font-size="10" '
                   f'text-anchor="middle">{_e(name)}</text>')
    legend = [("pass", "合格"), ("veto", "单项否决"), ("fail", "不合格")]
    for k, (key, text) in enumerate(legend):
        x = left + k * 80
        out.append(f'<rect x="{x}" y="{height - 16}" width="10" height="10" fill="{VERDICT_COLORS[key]}"/>'
                   f'<text x="{x + 14}" y="{height - 7}" font-size="10">{text}</text>')
    out.append(f'<text x="{left + 250}" y="{height - 7}" font-size="10">柱高为得分，柱顶数字为问题数</text></svg>')
    return f"<figure>{''.join(out)}<figcaption>{_e(caption)}</figcaption></figure>"
