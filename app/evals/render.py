"""Render an EvalReport as a GitHub PR comment (Markdown) or one self-contained HTML page."""

from __future__ import annotations

from html import escape

from app.evals.models import CaseResult, EngineSummary, EvalReport, MeasureSummary
from app.evals.svg import bar_chart, highlight, number, slug

MD_BUDGET = 55_000  # characters; GitHub comments are capped at 65,536


def overall_ok(report: EvalReport) -> bool:
    """Every case behaved as expected, none errored, and nothing regressed against the baseline."""
    regressed = report.comparison is not None and bool(report.comparison.regressions)
    return not regressed and all(r.as_expected and r.error is None for r in report.results)


def _measure_names(summaries: list[EngineSummary]) -> list[str]:
    names: list[str] = []
    for summary in summaries:
        names += [m.name for m in summary.measures if m.name not in names]
    return names


def _find(summary: EngineSummary, name: str) -> MeasureSummary | None:
    return next((m for m in summary.measures if m.name == name), None)


def _sign(direction: str) -> str:
    return "≤" if direction == "max" else "≥"


def _head(report: EvalReport, name: str) -> str:
    ref = next(m for s in report.summaries for m in s.measures if m.name == name)
    return f"{name} ({_sign(ref.direction)} {number(ref.threshold)})"


def _cell(m: MeasureSummary | None) -> str:
    return "–" if m is None else f"{number(m.mean)} ({m.pass_rate:.0%})"


def _md(text: str, limit: int = 80) -> str:
    """One-line table-safe text: no raw HTML, no pipes, no newlines, at most `limit` chars."""
    flat = " ".join(text.split())
    if len(flat) > limit:
        flat = flat[: limit - 1] + "…"
    return escape(flat).replace("|", "&#124;")


def _arrow(delta: float | None) -> str:
    if delta is None:
        return "n/a"
    if abs(delta) < 1e-9:
        return "→ 0"
    return f"{'▲' if delta > 0 else '▼'} {delta:+.2f}"


def _failed(result: CaseResult) -> list[str]:
    if result.error is not None:
        return ["error"]
    failed = list(result.scorecard.failed) if result.scorecard else []
    return failed + (["expectations"] if result.violations else [])


def _failed_row(r: CaseResult) -> str:
    if r.error is not None:
        what, spans = f"error: {_md(r.error, 60)}", ""
    else:
        card = r.scorecard
        failed = _failed(r)
        what = ", ".join(_md(n, 30) for n in failed) + (" (expected)" if r.as_expected else "")
        measures = card.measures if card else {}
        offending = [s for n in failed if n in measures for s in measures[n].spans][:2]
        spans = "; ".join(
            [
                *(_md(v, 80) for v in r.violations[:2]),
                *(f"“{_md(s.text, 40)}” ({_md(s.kind, 24)})" for s in offending),
            ]
        )
    return f"| {_md(r.case_id, 40)} | {_md(r.engine, 24)} | {what} | {spans} |"


def render_markdown(report: EvalReport) -> str:
    """A compact PR comment: verdict, engine summary, regressions and deltas, failed cases."""
    verdict = "✅ PASS" if overall_ok(report) else "❌ FAIL"
    names = _measure_names(report.summaries)
    head = " | ".join(_md(_head(report, n), 60) for n in names)
    out = [
        f"## Eval **{_md(report.suite, 60)}**: {verdict}",
        "",
        f"{len(report.results)} results · engines: {_md(', '.join(report.engines), 200)}"
        f" · {_md(report.created, 40)}",
        "",
        "| engine | cases | passed | as expected | errors | " + head + " |",
        "|---|---:|---:|---:|---:|" + "---:|" * len(names),
    ]
    for s in report.summaries:
        cells = " | ".join(_cell(_find(s, n)) for n in names)
        out.append(
            f"| {_md(s.engine, 40)} | {s.cases} | {s.passed} | {s.as_expected} | {s.errors} "
            f"| {cells} |"
        )
    if report.comparison is not None:
        comp = report.comparison
        out += [
            "",
            f"### Regressions vs **{_md(comp.baseline, 60)}** (tolerance {comp.tolerance:g})",
        ]
        out += [""] + ([f"- {_md(r, 200)}" for r in comp.regressions] or ["none"])
        engine_deltas = [d for d in comp.deltas if d.case_id is None]
        if engine_deltas:
            out += ["", "| engine | measure | baseline | current | Δ |", "|---|---|---:|---:|---|"]
            for d in engine_deltas:
                flag = " ⚠️" if d.regression else ""
                out.append(
                    f"| {_md(d.engine, 40)} | {_md(d.measure, 30)} | {number(d.baseline)} "
                    f"| {number(d.current)} | {_arrow(d.delta)}{flag} |"
                )
    failed = [r for r in report.results if _failed(r)]
    failed.sort(key=lambda r: r.as_expected)  # unexpected failures first
    if failed:
        unexpected = sum(not r.as_expected for r in failed)
        out += [
            "",
            f"<details><summary>Failed cases: {len(failed)} ({unexpected} unexpected)</summary>",
            "",
            "| case | engine | failed | first offending spans |",
            "|---|---|---|---|",
        ]
        used = sum(len(line) + 1 for line in out)
        for i, r in enumerate(failed):
            row = _failed_row(r)
            if used + len(row) > MD_BUDGET:
                out.append(f"| … | | {len(failed) - i} more not shown | |")
                break
            out.append(row)
            used += len(row) + 1
        out += ["", "</details>"]
    return "\n".join(out) + "\n"


CSS = """
:root{--ok:#1a7f37;--bad:#cf222e;--line:#d0d7de;--muted:#57606a;--bg:#f6f8fa}
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
margin:0 auto;max-width:1200px;padding:24px;color:#1f2328;line-height:1.45;
-webkit-print-color-adjust:exact;print-color-adjust:exact}
h1{margin:0 0 4px;font-size:1.6rem}h2{margin:28px 0 10px;font-size:1.2rem}
h3{margin:0;font-size:1rem}.meta{color:var(--muted);margin:0}
.verdict{display:inline-block;padding:1px 10px;border-radius:12px;color:#fff;font-size:.9rem}
.verdict.ok,.pass{background:var(--ok)}.verdict.bad,.fail{background:var(--bad)}
table{border-collapse:collapse;width:100%;font-size:.9rem;margin:6px 0}
th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:var(--bg)}td.num{text-align:right;font-variant-numeric:tabular-nums}
td.pass,td.fail{color:#fff;text-align:center;font-weight:600}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(460px,1fr));gap:16px}
.chart{margin:0;border:1px solid var(--line);border-radius:6px;padding:8px 12px}
.chart figcaption{font-weight:600;margin-bottom:4px}
svg text{font:12px system-ui,sans-serif;fill:#1f2328}
svg .value{paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}
svg .tick{fill:var(--muted);font-size:11px}
rect.bar.pass{fill:#4ac26b}rect.bar.fail{fill:#ff8182}
line.threshold{stroke:#1f2328;stroke-width:2;stroke-dasharray:4 3}line.axis{stroke:var(--line)}
.case{border:1px solid var(--line);border-radius:6px;padding:12px 16px;margin:16px 0;
break-inside:avoid}
.case.unexpected{border:2px solid var(--bad)}
.case header{display:flex;gap:10px;align-items:baseline;flex-wrap:wrap;margin-bottom:8px}
.tag{font-size:.8rem;padding:0 8px;border-radius:10px;background:var(--bg);
border:1px solid var(--line)}
.tag.bad{border-color:var(--bad);color:var(--bad)}
.cols{display:grid;grid-template-columns:1fr 1fr;gap:16px}
.cols h4{margin:0 0 4px;font-size:.8rem;text-transform:uppercase;color:var(--muted)}
.text{white-space:pre-wrap;overflow-wrap:anywhere;background:var(--bg);padding:8px 10px;
border-radius:4px;margin:0;font-size:.95rem}
mark{background:#fff1a8;border-bottom:2px solid #d4a72c;padding:0 1px}
mark[class*="lexicon"]{background:#ffd8d3;border-color:var(--bad)}
mark[class*="residue"]{background:#ffe2bb;border-color:#bc4c00}
mark[class*="number"]{background:#ddf4ff;border-color:#0969da}
pre.error{white-space:pre-wrap;color:var(--bad);background:#ffebe9;padding:8px;border-radius:4px}
@media print{body{padding:0;max-width:none}.case,.chart{break-inside:avoid}}
"""


def _summary_table(report: EvalReport) -> str:
    names = _measure_names(report.summaries)
    rows = [
        "<table><thead><tr><th>engine</th><th>cases</th><th>passed</th><th>as expected</th>"
        "<th>errors</th>"
        + "".join(f"<th>{escape(_head(report, n))}</th>" for n in names)
        + "</tr></thead><tbody>"
    ]
    for s in report.summaries:
        cells = "".join(f'<td class="num">{escape(_cell(_find(s, n)))}</td>' for n in names)
        rows.append(
            f"<tr><td>{escape(s.engine)}</td><td class='num'>{s.cases}</td>"
            f"<td class='num'>{s.passed}</td><td class='num'>{s.as_expected}</td>"
            f"<td class='num'>{s.errors}</td>{cells}</tr>"
        )
    return "".join(rows) + "</tbody></table>"


def _charts(report: EvalReport) -> str:
    figures = []
    for name in _measure_names(report.summaries):
        found = [(s.engine, _find(s, name)) for s in report.summaries]
        ref = next(m for _, m in found if m is not None)
        rows = [(engine, m.mean if m else None) for engine, m in found]
        figures.append(
            f'<figure class="chart" data-measure="{escape(name)}"><figcaption>{escape(name)} '
            f"<span class='meta'>(mean; {_sign(ref.direction)} {number(ref.threshold)} passes)"
            f"</span></figcaption>{bar_chart(name, rows, ref.threshold, ref.direction)}</figure>"
        )
    return '<div class="charts">' + "".join(figures) + "</div>"


def _case(r: CaseResult) -> str:
    spans = [s for m in r.scorecard.measures.values() for s in m.spans] if r.scorecard else []
    classes = "case" if r.as_expected else "case unexpected"
    tags = [
        f'<span class="tag">{escape(r.engine)}</span>',
        f'<span class="tag">{r.seconds:.2f}s</span>',
    ]
    if r.expect_fail:
        tags.append(f'<span class="tag">built to fail: {escape(", ".join(r.expect_fail))}</span>')
    if not r.as_expected:
        tags.append('<span class="tag bad">not as expected</span>')
    if r.error is not None:
        body = f"<pre class='error'>Error: {escape(r.error)}</pre>"
    elif r.scorecard is None:
        body = "<p class='meta'>No scorecard.</p>"
    else:
        rows = []
        for m in r.scorecard.measures.values():
            verdict = "pass" if m.passed else "fail"
            rows.append(
                f"<tr><td>{escape(m.name)}</td><td class='num'>{number(m.value)}</td>"
                f"<td class='num'>{_sign(m.direction)} {number(m.threshold)}</td>"
                f"<td class='{verdict}'>{verdict}</td><td>{escape(m.reason)}</td></tr>"
            )
        body = (
            "<table><thead><tr><th>measure</th><th>value</th><th>threshold</th><th>verdict</th>"
            "<th>reason</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
        )
    source, rewrite = highlight(r.source, r.source_terms), highlight(r.rewrite, spans)
    rewrite = rewrite or '<span class="meta">(no rewrite)</span>'
    return (
        f'<section class="{classes}" id="{escape(slug(f"case-{r.engine}-{r.case_id}"))}">'
        f"<header><h3>{escape(r.case_id)}: {escape(r.title)}</h3>{''.join(tags)}"
        f"<span class='meta'>{escape(r.offering)}</span></header>"
        f'<div class="cols"><div><h4>Source</h4><p class="text">{source}'
        f'</p></div><div><h4>Rewrite</h4><p class="text">{rewrite}</p></div>'
        f"</div>{body}</section>"
    )


def render_html(report: EvalReport) -> str:
    """One self-contained page: summary, inline SVG charts, and every case side by side."""
    ok = overall_ok(report)
    verdict = f'<span class="verdict {"ok" if ok else "bad"}">{"PASS" if ok else "FAIL"}</span>'
    regressions = ""
    if report.comparison is not None:
        comp = report.comparison
        items = "".join(f"<li>{escape(r)}</li>" for r in comp.regressions) or "<li>none</li>"
        regressions = (
            f"<h2>Regressions vs {escape(comp.baseline)} (tolerance {comp.tolerance:g})</h2>"
            f"<ul>{items}</ul>"
        )
    description = f"<p>{escape(report.description)}</p>" if report.description else ""
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Eval report: {escape(report.suite)}</title><style>{CSS}</style></head><body>"
        f"<header><h1>Eval report: {escape(report.suite)} {verdict}</h1>{description}"
        f"<p class='meta'>Created {escape(report.created)} · engines: "
        f"{escape(', '.join(report.engines))} · {len(report.results)} results</p></header>"
        f"<h2>Summary</h2>{_summary_table(report)}{regressions}"
        f"<h2>Measures</h2>{_charts(report)}"
        f"<h2>Cases</h2>{''.join(_case(r) for r in report.results)}</body></html>\n"
    )
