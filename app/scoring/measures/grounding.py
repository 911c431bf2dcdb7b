"""grounding: numbers, names, citations and claims the source or cited evidence does not back."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.scoring import grounding
from app.scoring.measures.base import Metric, Outcome, ScoringContext

if TYPE_CHECKING:
    from app.scoring.inputs import ScoreInput


class Grounding(Metric):
    name = "grounding"
    guard = True

    def compute(self, data: ScoreInput, ctx: ScoringContext) -> Outcome:
        evidence = [
            grounding.GroundingSource(
                e.id, e.text, e.customer_name, e.publishable, e.offering, e.customer
            )
            for e in data.evidence
        ]
        allowed = [data.product or "", *(e.customer_name for e in data.evidence if e.publishable)]
        if profile := ctx.profile:
            allowed += [profile.name, profile.full_name, *profile.aliases]
        problems = grounding.ungrounded(
            data.rewrite, data.source, evidence, data.claims, allowed, data.product
        )
        reason = (
            "every number, name and citation is grounded"
            if not problems
            else f"{len(problems)} ungrounded: " + "; ".join(p.message for p in problems[:4])
        )
        return Outcome(float(len(problems)), reason, problems)
