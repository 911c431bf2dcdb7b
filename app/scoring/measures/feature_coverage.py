"""feature_coverage: the share of the source's features that some claim carries."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.scoring.measures.base import Metric, Outcome, ScoringContext

if TYPE_CHECKING:
    from app.scoring.inputs import ScoreInput


class FeatureCoverage(Metric):
    name = "feature_coverage"

    def compute(self, data: ScoreInput, _ctx: ScoringContext) -> Outcome:
        if not data.claims:  # checked first: no features need extracting to say so
            return Outcome(None, "needs claims mapped to features")
        features = data.features
        if not features:
            return Outcome(None, "no feature statements in the source")
        mapped = {f for c in data.claims for f in c.feature_ids}
        covered = [f for f in features if f.id in mapped]
        missed = [f.statement[:60] for f in features if f.id not in mapped]
        return Outcome(
            len(covered) / len(features),
            f"{len(covered)} of {len(features)} features carried by a claim",
            details={"missed": missed[:10]},
        )
