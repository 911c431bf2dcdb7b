"""goal_coverage: how well the rewrite serves the title's goals (expected ones, or any)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.scoring.measures.base import Metric, Outcome, ScoringContext
from app.scoring.outcome import goal_hits

if TYPE_CHECKING:
    from app.scoring.inputs import ScoreInput


class GoalCoverage(Metric):
    name = "goal_coverage"

    def compute(self, data: ScoreInput, ctx: ScoringContext) -> Outcome:
        profile = ctx.profile
        if profile is None:
            return Outcome(None, "no title given")
        expected = data.goals
        if expected:
            unknown = [g for g in expected if profile.goal(g) is None]
            found = goal_hits(data.rewrite, profile, expected)
            reason = f"{len(found)} of {len(expected)} expected {profile.name} goals named"
            if unknown:
                reason += f" (unknown goal ids: {', '.join(unknown)})"
            return Outcome(len(found) / len(expected), reason)
        if data.claims:
            serving = [c for c in data.claims if goal_hits(c.text, profile)]
            return Outcome(
                len(serving) / len(data.claims),
                f"{len(serving)} of {len(data.claims)} claims serve a {profile.name} goal",
            )
        found = goal_hits(data.rewrite, profile)
        return Outcome(
            1.0 if found else 0.0,
            f"names {profile.name} goals: {', '.join(found)}"
            if found
            else f"names none of the {profile.name}'s goals",
        )
