"""A Rewrite as Markdown: the copy, what to check before a seller uses it (its warnings), each
claim with the note sentences it rests on, the scorecard. Shared by `primed rewrite`, batch
outputs and API batch results."""

from __future__ import annotations

from app.domain import Rewrite

STATUS_TEXT = {
    "cited": "claims cite this offering's case notes",
    "not_cited": "this offering has case notes, but none supported a claim for this title",
    "none_for_offering": "no case note is about this offering yet: no customer result is stated",
    "offering_unknown": "the copy's offering could not be told: no case note is cited",
}


def render_markdown(result: Rewrite) -> str:
    lines = [f"## {result.headline}", "", result.body, ""]
    if result.warnings:  # before the claims: the first thing a reviewer must settle
        lines += ["### Check before a seller uses this", ""]
        lines += [f"- {' '.join(warning.split())}" for warning in result.warnings]  # one line each
        lines.append("")
    lines.append("### Claims")
    for claim in result.claims:
        cited = f" [{', '.join(claim.evidence_ids)}]" if claim.evidence_ids else ""
        lines.append(f"- **{claim.kind}**{cited}: {claim.text}")
        lines.extend(f"  - rests on: “{sentence}”" for sentence in claim.supports)
        if not claim.supported:
            lines.append("  - no case evidence: a need in the buyer's terms, no result claimed")
    lines += ["", f"### Evidence: {STATUS_TEXT[result.evidence_status]}"]
    for ev in result.evidence:
        lines.append(f"- [{ev.note_id}] {ev.customer} ({ev.industry}, {ev.offering})")
        lines.extend(f"  - “{sentence}”" for sentence in ev.supports)
    card = result.scorecard
    verdict = "PASS" if card.passed else f"FAIL ({', '.join(card.failed)})"
    lines += [
        "",
        f"### Scorecard: {verdict}",
        "",
        " · ".join(
            f"{m.name} {'n/a' if m.value is None else f'{m.value:g}'}{'' if m.passed else ' ✗'}"
            for m in card.measures.values()
        ),
        "",
        f"_engine: {result.engine}{' / ' + result.model if result.model else ''}, "
        f"revisions: {result.rounds}, evidence: {result.evidence_status}_",
    ]
    return "\n".join(lines)
