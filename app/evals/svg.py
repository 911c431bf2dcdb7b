"""Markup helpers for eval reports: inline SVG bar charts and span highlighting, all escaped."""

from __future__ import annotations

import re
from html import escape

from app import scores
from app.scores import Span

LABEL_W = 150
PLOT_W = 330
VALUE_W = 60
BAR_H = 22
GAP = 10
TOP = 8
AXIS_H = 22


def number(value: float | None) -> str:
    """A short human number: 0.08, 12.5, 340; `n/a` for None."""
    if value is None:
        return "n/a"
    magnitude = abs(value)
    if magnitude >= 100:
        return f"{value:.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def passes(value: float | None, threshold: float, direction: str) -> bool:
    """The ScoreCard's rule; a missing value is drawn as failing."""
    return value is not None and scores.passes(value, threshold, direction)


def bar_chart(
    measure: str, rows: list[tuple[str, float | None]], threshold: float, direction: str
) -> str:
    """Horizontal bars (one per engine) of a measure's mean; the threshold is a vertical line."""
    values = [v for _, v in rows if v is not None]
    top = max([*values, threshold, 0.0]) * 1.15 or 1.0
    height = TOP + len(rows) * (BAR_H + GAP) + AXIS_H
    width = LABEL_W + PLOT_W + VALUE_W

    def x(value: float) -> float:
        return LABEL_W + max(0.0, min(value, top)) / top * PLOT_W

    sign = "≤" if direction == "max" else "≥"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(measure)} mean per engine">',
        f"<title>{escape(measure)}: mean per engine, threshold {sign} {number(threshold)}</title>",
    ]
    bars: list[str] = []
    texts: list[str] = []
    for i, (engine, value) in enumerate(rows):
        y = TOP + i * (BAR_H + GAP)
        mid = y + BAR_H / 2
        label = engine if len(engine) <= 22 else engine[:21] + "…"
        texts.append(
            f'<text class="label" x="{LABEL_W - 8}" y="{mid:.1f}" text-anchor="end" '
            f'dominant-baseline="middle">{escape(label)}<title>{escape(engine)}</title></text>'
        )
        if value is None:
            texts.append(
                f'<text class="value" x="{LABEL_W + 4}" y="{mid:.1f}" '
                'dominant-baseline="middle">n/a</text>'
            )
            continue
        state = "pass" if passes(value, threshold, direction) else "fail"
        end = x(value)
        bars.append(
            f'<rect class="bar {state}" x="{LABEL_W}" y="{y}" width="{end - LABEL_W:.1f}" '
            f'height="{BAR_H}" rx="3"><title>{escape(engine)}: {number(value)}</title></rect>'
        )
        texts.append(
            f'<text class="value" x="{end + 6:.1f}" y="{mid:.1f}" '
            f'dominant-baseline="middle">{number(value)}</text>'
        )
    tx = x(threshold)
    axis_y = height - AXIS_H
    parts += bars
    parts.append(
        f'<line class="axis" x1="{LABEL_W}" y1="{axis_y}" x2="{LABEL_W + PLOT_W}" y2="{axis_y}"/>'
    )
    parts.append(
        f'<line class="threshold" x1="{tx:.1f}" y1="{TOP - 4}" x2="{tx:.1f}" y2="{axis_y + 4}"/>'
    )
    parts.append(
        f'<text class="tick" x="{tx:.1f}" y="{height - 4}" text-anchor="middle">'
        f"threshold {sign} {number(threshold)}</text>"
    )
    parts += texts  # drawn last so values stay readable over the threshold line
    parts.append("</svg>")
    return "".join(parts)


def slug(text: str) -> str:
    """Safe for an id or class name: runs of other characters become `-`."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-") or "x"


def merge_spans(text: str, spans: list[Span]) -> list[tuple[int, int, str, str]]:
    """In-range spans merged where they overlap: (start, end, first kind, joined messages)."""
    valid = sorted(
        (s for s in spans if 0 <= s.start < s.end <= len(text)), key=lambda s: (s.start, -s.end)
    )
    merged: list[tuple[int, int, str, list[str]]] = []
    for s in valid:
        message = s.message or s.kind
        if merged and s.start < merged[-1][1]:
            start, end, kind, messages = merged[-1]
            merged[-1] = (
                start,
                max(end, s.end),
                kind,
                messages + [message] * (message not in messages),
            )
        else:
            merged.append((s.start, s.end, s.kind, [message]))
    return [(a, b, kind, " · ".join(msgs)) for a, b, kind, msgs in merged]


def highlight(text: str, spans: list[Span]) -> str:
    """Escaped text with each (merged) span wrapped in <mark class="kind-…" title="…">."""
    out: list[str] = []
    pos = 0
    for start, end, kind, message in merge_spans(text, spans):
        out.append(escape(text[pos:start]))
        out.append(
            f'<mark class="kind-{slug(kind)}" title="{escape(message)}">'
            f"{escape(text[start:end])}</mark>"
        )
        pos = end
    out.append(escape(text[pos:]))
    return "".join(out)
