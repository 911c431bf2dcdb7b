"""content_kept: is the rewrite closer to its own source (or cited evidence) than to others?"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.scoring.measures.base import Metric, Outcome, ScoringContext
from app.scoring.quantities import cited_ids

if TYPE_CHECKING:
    from app.scoring.inputs import ScoreInput


class ContentKept(Metric):
    name = "content_kept"
    guard = True

    def compute(self, data: ScoreInput, ctx: ScoringContext) -> Outcome:
        if ctx.content is None or not data.rewrite.strip():
            return Outcome(None, "needs the embedder and a rewrite")
        cited = set(cited_ids(data.rewrite))
        evidence = [e.text for e in data.evidence if e.id in cited]
        margin, own, other = ctx.content.margin(data.rewrite, data.source, data.product, evidence)
        return Outcome(
            margin,
            f"similarity to its own source or evidence {own:.2f} vs {other:.2f} to other sources",
            details={"own": round(own, 4), "others": round(other, 4)},
        )
