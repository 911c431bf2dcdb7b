"""Pydantic models shared across layers: case notes, chunks, title profiles and evidence."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from app.scoring.models import ScoreCard

NoteId = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
    ),
]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Slug = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64, to_lower=True)
]


class Strict(BaseModel):
    """Base for anything a person writes: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class CaseNote(Strict):
    """One professional-services case note: what a customer did with an offering, what changed."""

    id: NoteId
    customer: ShortText
    customer_description: ShortText | None = Field(
        default=None, description="How external copy may describe a non-publishable customer."
    )
    industry: Slug
    offering: ShortText
    titles: list[ShortText] = Field(min_length=1, description="Executive titles involved.")
    date: dt.date
    consultant: ShortText
    publishable: bool = Field(default=False, description="May the customer be named externally?")
    body: str = Field(min_length=1)

    @field_validator("titles", mode="before")
    @classmethod
    def _titles_from_string(cls, value: object) -> object:
        # CSV cells and hand-written front matter often say "CFO, COO" instead of a list.
        if isinstance(value, str):
            return [part for part in re.split(r"[;,|]", value) if part.strip()]
        return value

    @field_validator("body")
    @classmethod
    def _body_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("body is empty")
        return value.strip()

    def describe_customer(self) -> str:
        """The customer as external copy may mention it."""
        if self.publishable:
            return self.customer
        return self.customer_description or f"a {self.industry.replace('-', ' ')} customer"


class Chunk(BaseModel):
    """A retrievable piece of a case note (<= chunk_words words), with the note's fields."""

    model_config = ConfigDict(frozen=True)

    id: str
    note_id: str
    chunk_no: int
    text: str
    outcome: str | None = None
    content_hash: str


class Keyworded(Strict):
    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    text: ShortText
    keywords: list[ShortText] = Field(min_length=1)


class Goal(Keyworded):
    """A result the executive wants and will say so openly."""


class Problem(Keyworded):
    """A pain the executive admits to; `blocks` names the goal it stands in the way of."""

    blocks: str


class Need(Keyworded):
    """A capability in the buyer's terms; `serves` names the goal it serves."""

    serves: str


class TitleProfile(Strict):
    """What an executive title wants, admits and needs, and the words that win or lose them."""

    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    name: ShortText
    full_name: ShortText
    aliases: list[ShortText] = Field(default_factory=list)
    goals: list[Goal] = Field(min_length=1)
    problems: list[Problem] = Field(default_factory=list)
    needs: list[Need] = Field(default_factory=list)
    vocabulary: list[ShortText] = Field(default_factory=list)
    loses_them: list[ShortText] = Field(default_factory=list)

    def goal(self, goal_id: str) -> Goal | None:
        return next((goal for goal in self.goals if goal.id == goal_id), None)


class Evidence(BaseModel):
    """A retrieved chunk, ready to cite: which note, which customer (as it may be named), why."""

    model_config = ConfigDict(frozen=True)

    chunk_id: str
    note_id: str
    text: str
    outcome: str | None = None
    customer: str = Field(description="The customer name, or its description if not publishable.")
    customer_name: str = Field(
        default="", description="The real name, for the guard to catch leaks; never for copy."
    )
    publishable: bool
    industry: str
    offering: str
    titles: list[str]
    score: float = Field(description="Cosine similarity of the chunk to the query (1 = same).")
    filter: str = Field(
        description="The filter that found it: title+industry, title, industry, any."
    )


class Claim(BaseModel):
    """An outcome claim in a rewrite, tied to the evidence and the source features behind it."""

    kind: Literal["goal", "problem", "need"]
    text: str = Field(min_length=1, max_length=1000)
    evidence_ids: list[str] = Field(default_factory=list)
    feature_ids: list[str] = Field(default_factory=list)


class Draft(BaseModel):
    """What an engine produces: a headline, a body, and the claims the body makes."""

    headline: str = Field(min_length=1, max_length=300)
    body: str = Field(min_length=1, max_length=5000)
    claims: list[Claim] = Field(default_factory=list, max_length=20)

    @property
    def text(self) -> str:
        return f"{self.headline.strip()}\n\n{self.body.strip()}"


class CitedEvidence(BaseModel):
    """Evidence as a Rewrite shows it: never the name of a non-publishable customer."""

    note_id: str
    customer: str
    offering: str
    industry: str
    snippet: str


class Rewrite(BaseModel):
    """The pipeline's result."""

    text: str
    headline: str
    body: str
    title: str
    product: str | None
    claims: list[Claim]
    evidence: list[CitedEvidence]
    scorecard: ScoreCard
    engine: str
    model: str | None = None
    rounds: int = 0
    warnings: list[str] = Field(default_factory=list)
