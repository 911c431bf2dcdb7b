"""buyer_subject: the share of sentences about what the buyer gets, not what the product does."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.scoring.measures.base import Metric, Outcome, ScoringContext
from app.scoring.outcome import product_led_sentences

if TYPE_CHECKING:
    from app.scoring.inputs import ScoreInput


class BuyerSubject(Metric):
    name = "buyer_subject"

    def compute(self, data: ScoreInput, ctx: ScoringContext) -> Outcome:
        count, spans = product_led_sentences(data.rewrite, data.product, ctx.product_verbs)
        if not count:
            return Outcome(None, "no sentences")
        return Outcome(
            1 - len(spans) / count,
            f"{count - len(spans)} of {count} sentences are about what the buyer gets",
            spans,
        )
