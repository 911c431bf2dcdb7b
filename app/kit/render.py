"""The kit as a seller reads it: Markdown, and one self-contained printable HTML page whose
first section is the conversation list (title x goal matrix) and then one section per title."""

from __future__ import annotations

from html import escape

from app.kit.models import CitedLine, GoalKit, Kit, Source, Story, TitleKit


def render_markdown(kit: Kit) -> str:
    out = [f"# Sales-primed messaging kit: {kit.offering}", ""]
    out.append(_meta(kit))
    out += ["", *(f"> warning: {w}" for w in kit.warnings), "", "## Conversation list", ""]
    titles = {t.title_id: t.title for t in kit.titles}
    out += ["| title | goal | notes | best result |", "| --- | --- | ---: | --- |"]
    for cell in kit.matrix:
        best = _md(cell.best.text) if cell.best else "gap: no story yet"
        out.append(f"| {titles[cell.title_id]} | {_md(cell.goal)} | {cell.notes} | {best} |")
    out += ["", "## Stories to collect (gaps)", ""]
    out += [f"- {g.title}: {g.goal}" for g in kit.gaps] or ["- none"]
    for title in kit.titles:
        out += ["", f"## {title.title} ({title.full_name})", "", " ".join(title.summary), ""]
        for goal in title.goals:
            out += _goal_markdown(goal)
        if title.gaps:
            out += ["", "No story yet for: " + "; ".join(g.goal for g in title.gaps) + "."]
    out += ["", "## Sources", ""]
    for line in _unique_sources(kit):
        out.append(f"- [{line.note_id}] " + " / ".join(f'"{s}"' for s in line.sentences))
    return "\n".join(out).rstrip() + "\n"


def _goal_markdown(goal: GoalKit) -> list[str]:
    out = [f"### {goal.goal}", "", f"Notes behind it: {', '.join(goal.note_ids)}", ""]
    out += ["Diagnostic questions:", *(f"- {q}" for q in goal.questions), ""]
    out += ["Usage scenarios:"]
    for scenario in goal.scenarios:
        where = f" (as in {scenario.source.note_id})" if scenario.source else ""
        out.append(f"- {scenario.text}{where}")
    out += ["", "Success stories:"]
    for story in goal.stories:
        out.append(f"- **{story.customer}** ({story.industry.replace('-', ' ')})")
        for label, line in _story_lines(story):
            out.append(f"  - {label}: {line.text}")
    return [*out, ""]


def _story_lines(story: Story) -> list[tuple[str, CitedLine]]:
    parts = [("Situation", story.situation), ("What changed", story.change)]
    return [(label, line) for label, line in parts if line is not None] + [("Result", story.result)]


def _meta(kit: Kit) -> str:
    industry = f" · industry first: {kit.industry}" if kit.industry else ""
    return (
        f"Engine: {kit.engine} · case notes about {kit.offering}: {kit.notes} · "
        f"titles: {len(kit.titles)} · goals with a story: "
        f"{sum(c.notes > 0 for c in kit.matrix)}/{len(kit.matrix)}{industry}"
    )


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _unique_sources(kit: Kit) -> list[Source]:
    seen: dict[tuple[str, str], Source] = {}
    for line in kit.cited_lines():
        for source in line.sources:
            seen.setdefault((source.note_id, " ".join(source.sentences)), source)
    for title in kit.titles:
        for source in title.summary_sources:
            seen.setdefault((source.note_id, " ".join(source.sentences)), source)
    return sorted(seen.values(), key=lambda s: s.note_id)


CSS = """
:root{--line:#d0d7de;--muted:#57606a;--bg:#f6f8fa;--gap:#fff1e5;--ok:#dafbe1}
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:0 auto;
max-width:1100px;padding:24px;color:#1f2328;line-height:1.45;
-webkit-print-color-adjust:exact;print-color-adjust:exact}
h1{font-size:1.6rem;margin:0 0 4px}h2{font-size:1.25rem;margin:28px 0 8px}
h3{font-size:1.05rem;margin:18px 0 6px}.meta{color:var(--muted);margin:0}
table{border-collapse:collapse;width:100%;font-size:.88rem}
th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:var(--bg)}td.num{text-align:right}td.gap{background:var(--gap)}
td.has{background:var(--ok)}
.title{break-before:page;border-top:3px solid #1f2328;padding-top:8px}
.summary{font-size:1.05rem}.story{border-left:3px solid var(--line);padding-left:10px;margin:8px 0}
.cite{color:var(--muted);font-size:.85rem}.warn{color:#9a6700}
details{margin:2px 0}summary{cursor:pointer;color:var(--muted);font-size:.85rem}
@media print{body{padding:0;max-width:none}details{display:block}.title{break-before:page}}
"""


def render_html(kit: Kit) -> str:
    """One self-contained page (no script, no external request), printable per title."""
    warnings = "".join(f'<p class="warn">warning: {escape(w)}</p>' for w in kit.warnings)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Messaging kit: {escape(kit.offering)}</title><style>{CSS}</style></head><body>"
        f"<header><h1>Sales-primed messaging kit: {escape(kit.offering)}</h1>"
        f'<p class="meta">{escape(_meta(kit))}</p>{warnings}</header>'
        f'<section id="conversation-list"><h2>Conversation list</h2>{_matrix(kit)}'
        f"<h3>Stories to collect</h3>{_gaps(kit)}</section>"
        f"{''.join(_title(t) for t in kit.titles)}</body></html>\n"
    )


def _matrix(kit: Kit) -> str:
    rows = []
    for title in kit.titles:
        cells = [c for c in kit.matrix if c.title_id == title.title_id]
        for i, cell in enumerate(cells):
            head = (
                f'<th rowspan="{len(cells)}"><a href="#title-{escape(title.title_id)}">'
                f"{escape(title.title)}</a></th>"
                if i == 0
                else ""
            )
            best = _cited(cell.best) if cell.best else "gap: no story yet"
            css = "has" if cell.notes else "gap"
            rows.append(
                f'<tr data-title="{escape(cell.title_id)}" data-goal="{escape(cell.goal_id)}">'
                f'{head}<td>{escape(cell.goal)}</td><td class="num {css}">{cell.notes}</td>'
                f"<td>{best}</td></tr>"
            )
    return (
        '<table class="matrix"><tr><th>title</th><th>goal</th><th>notes</th>'
        f"<th>best result</th></tr>{''.join(rows)}</table>"
    )


def _gaps(kit: Kit) -> str:
    if not kit.gaps:
        return "<p>none</p>"
    items = "".join(f"<li>{escape(g.title)}: {escape(g.goal)}</li>" for g in kit.gaps)
    return f'<ul class="gaps">{items}</ul>'


def _title(title: TitleKit) -> str:
    gaps = ""
    if title.gaps:
        gaps = (
            "<p class='meta'>No story yet for: "
            + escape("; ".join(g.goal for g in title.gaps))
            + ".</p>"
        )
    by = f" · written by {escape(title.model)}" if title.model else ""
    return (
        f'<section class="title" id="title-{escape(title.title_id)}">'
        f"<h2>{escape(title.title)} ({escape(title.full_name)})</h2>"
        f'<p class="meta">engine: {escape(title.engine)}{by}</p>'
        f'<p class="summary">{escape(" ".join(title.summary))}</p>'
        f"{''.join(_goal(g) for g in title.goals)}{gaps}</section>"
    )


def _goal(goal: GoalKit) -> str:
    questions = "".join(f"<li>{escape(q)}</li>" for q in goal.questions)
    scenarios = "".join(
        f"<li>{escape(s.text)}"
        + (f" {_sources([s.source], 'as in ' + s.source.note_id)}" if s.source else "")
        + "</li>"
        for s in goal.scenarios
    )
    stories = "".join(_story(s) for s in goal.stories)
    return (
        f'<div class="goal" data-goal="{escape(goal.goal_id)}"><h3>{escape(goal.goal)}</h3>'
        f'<p class="cite">notes behind it: {escape(", ".join(goal.note_ids))}</p>'
        f'<h4>Diagnostic questions</h4><ol class="questions">{questions}</ol>'
        f'<h4>Usage scenarios</h4><ul class="scenarios">{scenarios}</ul>'
        f"<h4>Success stories</h4>{stories}</div>"
    )


def _story(story: Story) -> str:
    parts = "".join(
        f"<p><strong>{label}:</strong> {_cited(line)}</p>" for label, line in _story_lines(story)
    )
    return (
        f'<div class="story" data-note="{escape(story.note_id)}">'
        f"<p><strong>{escape(story.customer)}</strong> "
        f'<span class="cite">({escape(story.industry.replace("-", " "))})</span></p>{parts}</div>'
    )


def _cited(line: CitedLine) -> str:
    return f"{escape(line.text)} {_sources(line.sources, 'what it rests on')}"


def _sources(sources: list[Source], label: str) -> str:
    quoted = "".join(
        f"<li>[{escape(s.note_id)}] " + " / ".join(f"“{escape(x)}”" for x in s.sentences) + "</li>"
        for s in sources
    )
    return f'<details class="cite"><summary>{escape(label)}</summary><ul>{quoted}</ul></details>'
