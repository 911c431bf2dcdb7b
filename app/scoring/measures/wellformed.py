"""wellformed: fragments and broken sentences (often note text pasted mid-sentence)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.scoring import wellformed
from app.scoring.measures.base import Metric, Outcome, ScoringContext

if TYPE_CHECKING:
    from app.scoring.inputs import ScoreInput


class Wellformed(Metric):
    name = "wellformed"
    guard = True

    def compute(self, data: ScoreInput, _ctx: ScoringContext) -> Outcome:
        head, _, rest = data.rewrite.partition("\n\n")
        spans = wellformed.problems(data.rewrite, head if rest else "")
        reason = (
            f"{len(spans)} malformed: " + "; ".join(f"{s.message}" for s in spans[:3])
            if spans
            else "every sentence is whole"
        )
        return Outcome(float(len(spans)), reason, spans)
