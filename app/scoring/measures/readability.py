"""readability: Flesch-Kincaid grade; a long sentence or a word list fails whatever the grade."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.scoring.measures.base import Metric, Outcome, ScoringContext
from app.scoring.readability import readability

if TYPE_CHECKING:
    from app.scoring.inputs import ScoreInput


class Readability(Metric):
    name = "readability"

    def compute(self, data: ScoreInput, _ctx: ScoringContext) -> Outcome:
        result = readability(data.rewrite)
        if result.grade is None:
            return Outcome(None, "no text")
        reason = f"Flesch-Kincaid grade {result.grade:.1f}; longest sentence {result.longest} words"
        if result.problems:
            reason += f"; {', '.join(sorted({p.kind for p in result.problems}))}"
        return Outcome(
            result.grade,
            reason,
            list(result.problems),
            {"longest_sentence": result.longest},
            force_fail=bool(result.problems),
        )
