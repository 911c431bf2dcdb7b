"""What a measure is: a small class that finds a value, a reason and the spans behind it.

The Scorer runs every registered measure and judges each Outcome against corpora/scoring.yaml.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from app.domain import TitleProfile
from app.scores import Span
from app.scoring.content import ContentReference
from app.scoring.lexicon import Lexicon
from app.scoring.terms import Term

if TYPE_CHECKING:
    # A type only: ScoreInput's validator reads the registry, which imports every measure.
    from app.scoring.inputs import ScoreInput

Detail = float | int | str | list[str]
FeatureTerms = Callable[[str, str | None, str | None], list[Term]]


@dataclass(frozen=True)
class Outcome:
    """A measure's finding before it is judged; value None when it cannot be computed."""

    value: float | None
    reason: str
    spans: list[Span] = field(default_factory=list)
    details: dict[str, Detail] = field(default_factory=dict)
    force_fail: bool = False  # fails whatever the value and threshold (readability's problems)


@dataclass(frozen=True)
class ScoringContext:
    """What measures use besides the input: the call's title and what the scorer loaded once."""

    profile: TitleProfile | None
    lexicons: Sequence[Lexicon]
    content: ContentReference | None
    feature_terms: FeatureTerms  # (source, product, title id) -> the source's feature terms
    product_verbs: str  # regex alternation of the verbs that make the product the subject


class Metric(ABC):
    """One ScoreCard measure. `name` is its key in the ScoreCard and in corpora/scoring.yaml."""

    name: ClassVar[str]
    guard: ClassVar[bool] = False  # every draft must pass it before it ships (app/guard.py)

    @abstractmethod
    def compute(self, data: ScoreInput, ctx: ScoringContext) -> Outcome:
        """The value, reason and spans for one rewrite against its source."""
