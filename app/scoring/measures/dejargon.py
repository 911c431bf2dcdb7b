"""dejargon: the De-Jargonizer score of the rewrite (rare and mid-frequency words)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.scoring.dejargon import bands
from app.scoring.measures.base import Metric, Outcome, ScoringContext
from app.scoring.words import words

if TYPE_CHECKING:
    from app.scoring.inputs import ScoreInput


class Dejargon(Metric):
    name = "dejargon"

    def compute(self, data: ScoreInput, _ctx: ScoringContext) -> Outcome:
        exempt = frozenset(w.lower() for w in words(data.product or ""))
        after, before = bands(data.rewrite, exempt), bands(data.source, exempt)
        value = after.score
        reason = (
            f"De-Jargonizer {value:.1f} (source {before.score or 0:.1f}); "
            f"{after.rare} rare and {after.mid} mid-frequency words of {after.words}"
            if value is not None
            else "no words to score"
        )
        return Outcome(value, reason, after.rare_spans(), {"source": round(before.score or 0.0, 2)})
