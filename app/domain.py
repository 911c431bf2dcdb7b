"""Pydantic models shared across layers: case notes, chunks, title profiles and evidence."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from app.scores import ScoreCard

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
    offering_aliases: list[ShortText] = Field(
        default_factory=list,
        max_length=10,
        description='Other names the offering goes by in copy ("Chronolake DB", "CLDB").',
    )
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
        if "\x00" in value:  # as copy: a NUL byte means binary data, never a consultant's text
            raise ValueError("body contains binary data (a NUL byte), not text")
        return value.strip()

    def describe_customer(self) -> str:
        """The customer as external copy may mention it."""
        return shown_customer(
            self.customer, self.publishable, self.customer_description, self.industry
        )


def shown_customer(name: str, publishable: bool, description: str | None, industry: str) -> str:
    """How external copy may mention a customer: its name when publishable, else the note's
    description of it, else its industry ("a financial services customer")."""
    if publishable:
        return name
    return description or f"a {industry.replace('-', ' ')} customer"


class Fact(BaseModel):
    """A measured result a note states, normalised at ingest (see app/corpus/facts.py).

    `text` and `clause` hold "{customer}" where the note names its customer; `source` is the
    note's own sentence, shown to readers as what a claim rests on."""

    model_config = ConfigDict(frozen=True)

    text: str
    clause: str
    source: str
    kind: Literal["prose", "bullet", "quote"]
    score: int
    position: int


class Chunk(BaseModel):
    """A retrievable piece of a case note (<= chunk_words words), with the note's fields."""

    model_config = ConfigDict(frozen=True)

    id: str
    note_id: str
    chunk_no: int
    text: str
    outcome: str | None = None
    facts: list[Fact] = Field(default_factory=list)
    content_hash: str


class Keyworded(Strict):
    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    text: ShortText
    keywords: list[ShortText] = Field(min_length=1)


class Goal(Keyworded):
    """A result the executive wants and will say so openly."""


Question = Annotated[str, StringConstraints(min_length=10, max_length=200, pattern=r"\?$")]
Scenario = Annotated[
    str, StringConstraints(min_length=20, max_length=240, pattern=r"^What if\b.*\?$")
]


class Problem(Keyworded):
    """A pain the executive admits to; `blocks` names the goal it stands in the way of;
    `questions` are what a seller asks to uncover it (the messaging kit's diagnostic questions).
    """

    blocks: str
    questions: list[Question] = Field(min_length=2, max_length=3)


class Need(Keyworded):
    """A capability in the buyer's terms; `serves` names the goal it serves; `scenario` lets
    the buyer picture having it ("What if ...?", the messaging kit's usage scenario)."""

    serves: str
    scenario: Scenario


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
    facts: list[Fact] = Field(default_factory=list, description="The note's outcome facts.")
    score: float = Field(description="Cosine similarity of the chunk to the query (1 = same).")
    filter: str = Field(
        description="The filter that found it: title+industry, title, industry, any."
    )


ClaimKind = Literal["goal", "problem", "need"]


class Claim(BaseModel):
    """An outcome claim in a rewrite, tied to the evidence and the source features behind it.

    `supports` holds the exact sentences of the cited notes the claim rests on, so a reader
    can check it; a claim with no evidence is `supported: false` and carries no number and no
    customer (copy without case evidence says what the buyer needs, never what others got)."""

    kind: ClaimKind
    text: str = Field(min_length=1, max_length=1000)
    evidence_ids: list[str] = Field(default_factory=list)
    feature_ids: list[str] = Field(default_factory=list)
    supported: bool = True
    supports: list[str] = Field(default_factory=list)


_MARKER = re.compile(
    r"\s*\[([A-Za-z0-9][A-Za-z0-9._#-]*(?:\s*[,;]\s*[A-Za-z0-9][A-Za-z0-9._#-]*)*)\]"
)


class Sentence(BaseModel):
    """One sentence of a draft body: what it says, what kind of claim it is, what it cites."""

    text: str = Field(min_length=1, max_length=600)
    kind: ClaimKind = "need"
    evidence_ids: list[str] = Field(default_factory=list, max_length=4)
    feature_ids: list[str] = Field(default_factory=list, max_length=12)

    @property
    def plain(self) -> str:
        """The sentence without citation markers or its final full stop."""
        return _MARKER.sub("", self.text).strip().rstrip(".").rstrip()

    @property
    def cited(self) -> list[str]:
        """Evidence ids from the field and from markers the writer put in the text."""
        ids = list(self.evidence_ids)
        for match in _MARKER.finditer(self.text):
            ids.extend(p.strip() for p in re.split(r"[,;]", match.group(1)) if p.strip())
        return list(dict.fromkeys(ids))

    @property
    def rendered(self) -> str:
        """As shipped: the sentence, its citations in brackets, one final full stop."""
        plain = self.plain
        if not plain:
            return ""
        end = "" if plain.endswith(("!", "?")) else "."
        cited = self.cited
        return f"{plain} [{', '.join(cited)}]{end}" if cited else f"{plain}{end}"


MAX_DRAFT_SENTENCES = 12


class Draft(BaseModel):
    """What an engine produces: a headline and the body's sentences, each a typed claim.

    Nothing is written twice: the body is the sentences, the claims are the sentences."""

    headline: str = Field(min_length=1, max_length=300)
    sentences: list[Sentence] = Field(default_factory=list, max_length=MAX_DRAFT_SENTENCES)

    @property
    def body(self) -> str:
        return " ".join(s.rendered for s in self.sentences if s.rendered)

    @property
    def text(self) -> str:
        body = self.body
        return f"{self.headline.strip()}\n\n{body}" if body else self.headline.strip()

    @property
    def claims(self) -> list[Claim]:
        return [
            Claim(
                kind=s.kind,
                text=s.rendered,
                evidence_ids=s.cited,
                feature_ids=s.feature_ids,
                supported=bool(s.cited),
            )
            for s in self.sentences
            if s.rendered
        ]


class CitedEvidence(BaseModel):
    """Evidence as a Rewrite shows it: never the name of a non-publishable customer."""

    note_id: str
    customer: str
    offering: str
    industry: str
    snippet: str
    supports: list[str] = Field(
        default_factory=list, description="The note's sentences the rewrite's claims rest on."
    )


EvidenceStatus = Literal["cited", "not_cited", "none_for_offering", "offering_unknown"]


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
    evidence_status: EvidenceStatus = Field(
        default="cited",
        description="cited: claims cite this offering's notes; not_cited: notes exist but none "
        "supported a claim; none_for_offering: no note is about this offering; "
        "offering_unknown: the copy's offering could not be told, so no note is cited.",
    )
    warnings: list[str] = Field(default_factory=list)
