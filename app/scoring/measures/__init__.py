"""The measure registry: every ScoreCard measure, in ScoreCard order.

A new measure is one module here (a `Metric` subclass), one line in `REGISTRY` and one entry in
corpora/scoring.yaml. `MEASURES`, the guard's list and the eval report columns follow it.
"""

from __future__ import annotations

from app.scoring.measures.base import Metric, Outcome, ScoringContext
from app.scoring.measures.buyer_subject import BuyerSubject
from app.scoring.measures.content_kept import ContentKept
from app.scoring.measures.dejargon import Dejargon
from app.scoring.measures.feature_coverage import FeatureCoverage
from app.scoring.measures.goal_coverage import GoalCoverage
from app.scoring.measures.grounding import Grounding
from app.scoring.measures.lead_goal import LeadGoal
from app.scoring.measures.lexicon import LexiconHits
from app.scoring.measures.must_remove import MustRemove
from app.scoring.measures.readability import Readability
from app.scoring.measures.residue import Residue
from app.scoring.measures.wellformed import Wellformed

__all__ = [
    "GUARD_MEASURES",
    "MEASURES",
    "REGISTRY",
    "Metric",
    "Outcome",
    "ScoringContext",
    "names",
    "registered",
]

REGISTRY: tuple[Metric, ...] = (
    MustRemove(),
    Residue(),
    LexiconHits(),
    Dejargon(),
    Grounding(),
    FeatureCoverage(),
    GoalCoverage(),
    LeadGoal(),
    BuyerSubject(),
    ContentKept(),
    Readability(),
    Wellformed(),
)

MEASURES: tuple[str, ...] = tuple(m.name for m in REGISTRY)
GUARD_MEASURES: tuple[str, ...] = tuple(m.name for m in REGISTRY if m.guard)


def registered() -> tuple[Metric, ...]:
    """The registry as it stands (read at call time, so a test can register a measure)."""
    return REGISTRY


def names() -> tuple[str, ...]:
    return tuple(m.name for m in registered())
