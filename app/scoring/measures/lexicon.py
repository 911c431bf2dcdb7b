"""lexicon: jargon and buzzword hits from the vale-style lexicons (suggestions are not counted)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.scoring.measures.base import Metric, Outcome, ScoringContext

if TYPE_CHECKING:
    from app.scoring.inputs import ScoreInput


class LexiconHits(Metric):
    name = "lexicon"
    guard = True

    def compute(self, data: ScoreInput, ctx: ScoringContext) -> Outcome:
        spans = [s for lex in ctx.lexicons for s in lex.find(data.rewrite)]
        counted = [s for s in spans if s.kind != "lexicon-suggestion"]
        reason = (
            f"{len(counted)} jargon/buzzword hits: {', '.join(sorted({s.text for s in counted}))}"
            if counted
            else "no jargon or buzzwords"
        )
        if len(spans) > len(counted):
            reason += f"; {len(spans) - len(counted)} suggestions"
        return Outcome(float(len(counted)), reason, sorted(spans, key=lambda s: s.start))
