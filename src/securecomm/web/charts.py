"""Server-rendered SVG charts: no script, no external asset, readable by a screen reader.

Each chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` that states every
value in words, plus visible value labels; colours are the Okabe–Ito palette (distinguishable
with the common colour-vision deficiencies).  Pages show the same numbers in a table beside it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from itertools import count

from markupsafe import Markup
from markupsafe import escape as _escape

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
FONT = 12
ROW = 24
LABEL_WIDTH = 220
BAR_WIDTH = 380
VALUE_WIDTH = 120
_ids = count(1)
#: Characters XML 1.0 does not allow (C0 controls other than tab, newline, return; surrogates).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def escape(text: object) -> Markup:
    """Escaped for XML text and attributes, with characters XML cannot carry replaced."""
    return _escape(_NOT_XML.sub("\ufffd", str(text)))


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _share(value: float, total: float | None) -> str:
    return f" ({100 * value / total:.0f}%)" if total else ""


def _open(title: str, description: str, width: int, height: int) -> list[str]:
    n = next(_ids)
    return [
        f'<svg class="chart" role="img" aria-labelledby="ct{n} cd{n}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'xmlns="http://www.w3.org/2000/svg" font-size="{FONT}">',
        f'<title id="ct{n}">{escape(title)}</title>',
        f'<desc id="cd{n}">{escape(description)}</desc>',
    ]


def bar_chart(
    title: str,
    values: Sequence[tuple[str, float]],
    *,
    total: float | None = None,
    colour: str = PALETTE[0],
) -> Markup:
    """Horizontal bars, one per label, with the value and its share of ``total``."""
    peak = max([v for _, v in values] + [1])
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    height = ROW * len(values) + 8
    desc = "; ".join(f"{label}: {_fmt(v)}{_share(v, total)}" for label, v in values)
    out = _open(title, desc, width, height)
    for i, (label, value) in enumerate(values):
        y = 4 + i * ROW
        w = BAR_WIDTH * value / peak
        out.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 16}" text-anchor="end">{escape(label)}</text>'
        )
        out.append(
            f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{w:.1f}" height="{ROW - 6}" '
            f'fill="{colour}"><title>{escape(label)}: {_fmt(value)}</title></rect>'
        )
        out.append(
            f'<text x="{LABEL_WIDTH + w + 6:.1f}" y="{y + 16}" class="value">'
            f"{_fmt(value)}{_share(value, total)}</text>"
        )
    out.append("</svg>")
    return Markup("".join(out))


def funnel_chart(title: str, stages: Sequence[tuple[str, float]]) -> Markup:
    """Centred bars narrowing stage by stage, each with its count and its share of the stage
    before it (the conversion)."""
    peak = max([v for _, v in stages] + [1])
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH + 40
    height = ROW * len(stages) + 8
    parts = []
    for i, (label, value) in enumerate(stages):
        before = stages[i - 1][1] if i else None
        parts.append(
            f"{label}: {_fmt(value)}"
            + (f", {100 * value / before:.0f}% of the stage before" if before else "")
        )
    out = _open(title, "; ".join(parts), width, height)
    centre = LABEL_WIDTH + BAR_WIDTH / 2
    for i, (label, value) in enumerate(stages):
        y = 4 + i * ROW
        w = max(BAR_WIDTH * value / peak, 1.0)
        before = stages[i - 1][1] if i else None
        note = f" · {100 * value / before:.0f}% of previous" if before else ""
        out.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 16}" text-anchor="end">{escape(label)}</text>'
        )
        out.append(
            f'<rect x="{centre - w / 2:.1f}" y="{y + 2}" width="{w:.1f}" height="{ROW - 4}" '
            f'fill="{PALETTE[i % len(PALETTE)]}"/>'
        )
        out.append(
            f'<text x="{LABEL_WIDTH + BAR_WIDTH + 8}" y="{y + 16}" class="value">'
            f"{_fmt(value)}{escape(note)}</text>"
        )
    out.append("</svg>")
    return Markup("".join(out))


def stacked_bar_chart(
    title: str,
    groups: Sequence[str],
    series: Sequence[str],
    values: Mapping[str, Mapping[str, float]],
) -> Markup:
    """One horizontal bar per group, split into ``series`` (parts of the group's total)."""
    totals = {g: sum(values[g].get(s, 0) for s in series) for g in groups}
    peak = max([*totals.values(), 1])
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    legend_h = ROW
    height = ROW * len(groups) + legend_h + 8
    desc = "; ".join(
        f"{g}: "
        + ", ".join(f"{s} {_fmt(values[g].get(s, 0))}" for s in series)
        + f" (total {_fmt(totals[g])})"
        for g in groups
    )
    out = _open(title, desc, width, height)
    x = LABEL_WIDTH
    for k, s in enumerate(series):
        out.append(f'<rect x="{x}" y="6" width="12" height="12" fill="{PALETTE[k]}"/>')
        out.append(f'<text x="{x + 16}" y="16">{escape(s)}</text>')
        x += 16 + 8 * len(s) + 18
    for i, g in enumerate(groups):
        y = legend_h + 4 + i * ROW
        out.append(f'<text x="{LABEL_WIDTH - 8}" y="{y + 16}" text-anchor="end">{escape(g)}</text>')
        x0 = float(LABEL_WIDTH)
        for k, s in enumerate(series):
            v = values[g].get(s, 0)
            w = BAR_WIDTH * v / peak
            if w > 0:
                out.append(
                    f'<rect x="{x0:.1f}" y="{y + 3}" width="{w:.1f}" height="{ROW - 6}" '
                    f'fill="{PALETTE[k]}"><title>{escape(g)}, {escape(s)}: {_fmt(v)}</title></rect>'
                )
            x0 += w
        out.append(f'<text x="{x0 + 6:.1f}" y="{y + 16}" class="value">{_fmt(totals[g])}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def line_chart(
    title: str, x_labels: Sequence[str], series: Mapping[str, Sequence[float]]
) -> Markup:
    """One line per series over ``x_labels`` (months), with points and a legend."""
    width, height = 720, 260
    left, right, top, bottom = 50, 200, 14, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max([max(v, default=0) for v in series.values()] + [1])
    n = max(len(x_labels), 1)

    def px(i: int) -> float:
        return left + (plot_w * (i + 0.5) / n)

    def py(v: float) -> float:
        return top + plot_h * (1 - v / peak)

    desc = "; ".join(
        f"{name}: " + ", ".join(f"{x} {_fmt(v)}" for x, v in zip(x_labels, vals, strict=True))
        for name, vals in series.items()
    )
    out = _open(title, desc, width, height)
    out.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        'stroke="#555"/>'
    )
    for frac in (0, 0.5, 1):
        v = peak * frac
        out.append(f'<text x="{left - 6}" y="{py(v) + 4:.1f}" text-anchor="end">{_fmt(v)}</text>')
        out.append(
            f'<line x1="{left}" y1="{py(v):.1f}" x2="{left + plot_w}" y2="{py(v):.1f}" '
            'stroke="#ddd"/>'
        )
    for i, x in enumerate(x_labels):
        out.append(
            f'<text x="{px(i):.1f}" y="{top + plot_h + 16}" text-anchor="middle">{escape(x)}</text>'
        )
    for k, (name, vals) in enumerate(series.items()):
        colour = PALETTE[k % len(PALETTE)]
        points = " ".join(f"{px(i):.1f},{py(v):.1f}" for i, v in enumerate(vals))
        out.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for i, v in enumerate(vals):
            out.append(
                f'<circle cx="{px(i):.1f}" cy="{py(v):.1f}" r="3" fill="{colour}">'
                f"<title>{escape(name)}, {escape(x_labels[i])}: {_fmt(v)}</title></circle>"
            )
        ly = top + 4 + k * 18
        out.append(
            f'<rect x="{left + plot_w + 12}" y="{ly}" width="12" height="12" fill="{colour}"/>'
        )
        out.append(f'<text x="{left + plot_w + 28}" y="{ly + 10}">{escape(name)}</text>')
    out.append("</svg>")
    return Markup("".join(out))
