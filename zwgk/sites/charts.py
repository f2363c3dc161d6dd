"""Small charts for the workbench, drawn on the server as inline SVG: no script, no style
attribute (the pages' Content-Security-Policy allows neither), colours as SVG presentation
attributes, a tooltip (``<title>``) on every bar. Pure: figures in, markup out."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

from zwgk.core.settings import SiteLines

BAR, GAP, HEIGHT = 4, 1, 28
GREEN, AMBER, RED, GREY = "#1a7f37", "#d4a72c", "#a8201a", "#d0d7de"


@dataclass(frozen=True)
class DayAvailability:
    """A day's homepage probes: how many, how many opened."""

    day: date
    total: int
    ok: int


@dataclass(frozen=True)
class DayFreshness:
    """A day's check of the homepage: days since its newest item (None: no check that day,
    or it did not open); ``undated``: it opened and showed no dated item."""

    day: date
    age: int | None
    undated: bool = False


def _svg(bars: list[str], label: str, extra: str = "") -> Markup:
    width = len(bars) * (BAR + GAP)
    svg = (f'<svg class="spark" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{HEIGHT}" '
           f'viewBox="0 0 {width} {HEIGHT}" role="img" aria-label="{escape(label)}">'
           f'<title>{escape(label)}</title>{extra}{"".join(bars)}</svg>')
    return Markup(svg)  # nosec B704 (every text in it is escaped here or in _bar; the rest are numbers)


def _bar(i: int, height: int, colour: str, tip: str) -> str:
    height = max(2, min(HEIGHT, height))
    return (f'<rect x="{i * (BAR + GAP)}" y="{HEIGHT - height}" width="{BAR}" height="{height}" fill="{colour}">'
            f"<title>{escape(tip)}</title></rect>")


def availability_chart(days: Sequence[DayAvailability], lines: SiteLines) -> Markup:
    """One bar a day, as high as the share of probes that opened; red when the failures reach
    the veto line, amber the warning line."""
    bars = []
    for i, d in enumerate(days):
        if d.total == 0:
            bars.append(_bar(i, 2, GREY, f"{d.day} 未监测"))
            continue
        failed = 100 * (d.total - d.ok) / d.total
        colour = RED if failed >= lines.unreachable_veto_pct else AMBER if failed >= lines.unreachable_warn_pct else GREEN
        bars.append(_bar(i, round(HEIGHT * d.ok / d.total), colour,
                         f"{d.day} 可访问 {d.ok}/{d.total} 次（{100 * d.ok / d.total:.1f}%）"))
    total, ok = sum(d.total for d in days), sum(d.ok for d in days)
    label = f"近 {len(days)} 天首页可访问率 {100 * ok / total:.1f}%" if total else f"近 {len(days)} 天未监测首页"
    return _svg(bars, label)


def freshness_chart(days: Sequence[DayFreshness], lines: SiteLines) -> Markup:
    """One bar a day, as high as the days since the homepage's newest item (30 days fill it),
    with the warning and veto lines dashed across."""
    scale = 30

    def y(value: int) -> int:
        return HEIGHT - round(HEIGHT * min(value, scale) / scale)

    bars = []
    for i, d in enumerate(days):
        if d.age is None and not d.undated:
            bars.append(_bar(i, 2, GREY, f"{d.day} 未检查"))
        elif d.undated or d.age is None:
            bars.append(_bar(i, HEIGHT, RED, f"{d.day} 首页信息均无日期"))
        else:
            colour = RED if d.age >= lines.homepage_veto_days else AMBER if d.age >= lines.homepage_warn_days else GREEN
            bars.append(_bar(i, HEIGHT - y(d.age), colour, f"{d.day} 距首页最近更新 {d.age} 天"))
    width = len(days) * (BAR + GAP)
    marks = "".join(f'<line x1="0" x2="{width}" y1="{y(v)}" y2="{y(v)}" stroke="{colour}" stroke-width="1" '
                    f'stroke-dasharray="2 2"/>' for v, colour in ((lines.homepage_warn_days, AMBER),
                                                                  (lines.homepage_veto_days, RED)))
    last = next((d for d in reversed(days) if d.age is not None or d.undated), None)
    label = ("近期未检查首页" if last is None else "首页信息均无日期" if last.age is None
             else f"距首页最近更新 {last.age} 天（{last.day}）")
    return _svg(bars, label, marks)
