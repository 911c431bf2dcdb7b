"""residue: the share of the source's feature terms the rewrite keeps."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.scoring.measures.base import Metric, Outcome, ScoringContext
from app.scoring.terms import find_terms_in

if TYPE_CHECKING:
    from app.scoring.inputs import ScoreInput


class Residue(Metric):
    name = "residue"
    guard = True

    def compute(self, data: ScoreInput, ctx: ScoringContext) -> Outcome:
        title_id = ctx.profile.id if ctx.profile else None
        terms = ctx.feature_terms(data.source, data.product, title_id)
        if not terms:
            return Outcome(0.0, "the source has no feature terms")
        hits = find_terms_in(data.rewrite, terms)
        kept = sorted({t.text for t, _ in hits})
        reason = (
            f"{len(kept)} of {len(terms)} feature terms kept: {', '.join(kept)}"
            if kept
            else f"none of the {len(terms)} feature terms kept"
        )
        return Outcome(
            len({t.key for t, _ in hits}) / len(terms),
            reason,
            [s for _, s in hits],
            {"source_terms": [t.text for t in terms]},
        )
