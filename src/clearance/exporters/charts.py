"""Inline SVG bar charts (no JavaScript, no CDN): the report must open offline."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

#: colours of the stacked segments (status charts use the first three)
PALETTE = {"cleared": "#2e7d32", "review": "#f9a825", "blocked": "#c62828", "value": "#1565c0"}
ROW, LABEL_W, BAR_W, PAD = 22, 220, 420, 6


def bar_chart(
    title: str,
    rows: Sequence[tuple[str, Sequence[tuple[str, float]]]],
    *,
    unit: str = "",
) -> str:
    """Horizontal (stacked) bars: ``rows`` is ``[(label, [(series, value), ...]), ...]``."""
    if not rows:
        return (
            f'<svg role="img" aria-label="{escape(title)}: no data" width="10" height="10"></svg>'
        )
    peak = max(sum(v for _, v in segs) for _, segs in rows) or 1.0
    height = PAD * 2 + ROW * len(rows) + 18
    width = LABEL_W + BAR_W + 90
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title)}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" '
        f'viewBox="0 0 {width} {height}" class="chart">',
        f"<title>{escape(title)}</title>",
    ]
    series: list[str] = []
    for i, (label, segments) in enumerate(rows):
        y = PAD + i * ROW
        short = label if len(label) <= 32 else label[:31] + "…"
        parts.append(
            f'<text x="{LABEL_W - 6}" y="{y + 15}" text-anchor="end" font-size="12">'
            f"{escape(short)}</text>"
        )
        x = float(LABEL_W)
        total = 0.0
        for name, value in segments:
            if name not in series:
                series.append(name)
            w = BAR_W * value / peak
            if w > 0:
                colour = PALETTE.get(name, PALETTE["value"])
                parts.append(
                    f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{ROW - 6}" '
                    f'fill="{colour}"><title>{escape(label)} {escape(name)}: '
                    f"{_fmt(value)}{unit}</title></rect>"
                )
            x += w
            total += value
        parts.append(
            f'<text x="{x + 4:.1f}" y="{y + 15}" font-size="12">{_fmt(total)}{unit}</text>'
        )
    if len(series) > 1:
        x = LABEL_W
        y = height - 6
        for name in series:
            parts.append(
                f'<rect x="{x}" y="{y - 10}" width="10" height="10" '
                f'fill="{PALETTE.get(name, PALETTE["value"])}"/>'
                f'<text x="{x + 14}" y="{y}" font-size="11">{escape(name)}</text>'
            )
            x += 14 + 8 * len(name) + 12
    parts.append("</svg>")
    return "".join(parts)


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"
