"""Batch summaries (summary.md, summary.html) from the manifest: worst results first."""

from __future__ import annotations

import html
from pathlib import Path

from app.batch import Manifest, ManifestLine


def latest(out_dir: Path, units: set[tuple[str, str]] | None = None) -> list[ManifestLine]:
    """The last line per input x title (a resumed batch appends newer ones), limited to the
    units of the current run when given (inputs removed since, or titles dropped, do not count)."""
    return list(Manifest(out_dir).latest(units).values())


def _badness(line: ManifestLine) -> tuple[int, int, str]:
    if line.status != "ok":
        return (0, 0, line.input)
    return (1 if line.failed_measures else 2, -len(line.failed_measures), line.input)


def summary_rows(out_dir: Path, units: set[tuple[str, str]] | None = None) -> list[ManifestLine]:
    return sorted(latest(out_dir, units), key=_badness)


def totals(rows: list[ManifestLine]) -> dict[str, int]:
    return {
        "units": len(rows),
        "ok": sum(1 for r in rows if r.status == "ok"),
        "failed": sum(1 for r in rows if r.status != "ok"),
        "passed": sum(1 for r in rows if r.passed),
        "warned": sum(1 for r in rows if r.status == "ok" and r.warnings),
    }


def written_line(t: dict[str, int]) -> str:
    """'N written (P pass every measure, W with warnings to check)': the summary's count."""
    return (
        f"{t['ok']} written ({t['passed']} pass every measure, "
        f"{t['warned']} with warnings to check before use)"
    )


def render_markdown(rows: list[ManifestLine]) -> str:
    t = totals(rows)
    lines = [
        "# Batch summary",
        "",
        f"{t['units']} input x title units: {written_line(t)}, {t['failed']} failed.",
        "",
        "| input | title | status | engine | failing measures / error | warnings | seconds |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        detail = r.error or ", ".join(r.failed_measures) or "all pass"
        detail = detail.replace("|", "/")
        lines.append(
            f"| {r.input} | {r.title} | {r.status} | {r.engine or ''} | {detail} | {r.warnings} "
            f"| {r.seconds} |"
        )
    return "\n".join(lines) + "\n"


def render_html(rows: list[ManifestLine]) -> str:
    t = totals(rows)
    body = []
    for r in rows:
        cls = "failed" if r.status != "ok" else ("warn" if r.failed_measures else "ok")
        detail = r.error or ", ".join(r.failed_measures) or "all pass"
        links = " ".join(
            f'<a href="{html.escape(o, quote=True)}">{html.escape(Path(o).suffix[1:])}</a>'
            for o in r.outputs
        )
        body.append(
            f'<tr class="{cls}"><td>{html.escape(r.input)}</td><td>{html.escape(r.title)}</td>'
            f"<td>{html.escape(r.status)}</td><td>{html.escape(r.engine or '')}</td>"
            f"<td>{html.escape(detail)}</td><td>{r.warnings}</td><td>{r.seconds}</td>"
            f"<td>{links}</td></tr>"
        )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>primed batch summary</title>
<style>
body {{ font: 14px/1.4 system-ui, sans-serif; margin: 2rem; color: #222; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }}
th {{ background: #f4f4f4; }}
tr.failed td {{ background: #fde8e8; }} tr.warn td {{ background: #fff7e0; }}
</style></head><body>
<h1>Batch summary</h1>
<p>{t["units"]} input &times; title units: {html.escape(written_line(t))},
{t["failed"]} failed.</p>
<table><thead><tr><th>input</th><th>title</th><th>status</th><th>engine</th>
<th>failing measures / error</th><th>warnings</th><th>seconds</th><th>outputs</th></tr></thead>
<tbody>
{chr(10).join(body)}
</tbody></table></body></html>
"""
