"""lead_goal: does the first sentence name one of the title's goals (or the reader delegates)?"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.scores import Span
from app.scoring.measures.base import Metric, Outcome, ScoringContext
from app.scoring.outcome import first_sentence, goal_hits

if TYPE_CHECKING:
    from app.scoring.inputs import ScoreInput


class LeadGoal(Metric):
    name = "lead_goal"

    def compute(self, data: ScoreInput, ctx: ScoringContext) -> Outcome:
        profile = ctx.profile
        if profile is None:
            return Outcome(None, "no title given")
        lead = first_sentence(data.rewrite)
        found = goal_hits(lead, profile)
        if found:
            return Outcome(1.0, f"first sentence names {', '.join(found)}")
        return Outcome(
            0.0,
            f"first sentence names no {profile.name} goal: the reader delegates you down",
            [Span(start=0, end=len(lead), text=lead, kind="no-goal-lead")] if lead else [],
        )
