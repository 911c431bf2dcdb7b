"""must_remove: how many of the terms a case lists still appear in the rewrite."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from app.scores import Span
from app.scoring.lexicon import phrase_pattern
from app.scoring.measures.base import Metric, Outcome, ScoringContext

if TYPE_CHECKING:
    from app.scoring.inputs import ScoreInput


class MustRemove(Metric):
    name = "must_remove"

    def compute(self, data: ScoreInput, _ctx: ScoringContext) -> Outcome:
        if not data.must_remove:
            return Outcome(None, "no terms listed")
        spans = [
            Span(
                start=m.start(),
                end=m.end(),
                text=m.group(0),
                kind="must-remove",
                message=f"'{term}' must not appear in the rewrite",
            )
            for term in data.must_remove
            for m in re.finditer(
                rf"(?i)(?<![\w-]){phrase_pattern(term)}(?:e?s)?(?![\w-])", data.rewrite
            )
        ]
        kept = sorted({s.text for s in spans})
        reason = f"kept {', '.join(kept)}" if kept else f"all {len(data.must_remove)} terms removed"
        return Outcome(float(len(kept)), reason, spans)
