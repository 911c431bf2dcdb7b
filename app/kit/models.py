"""The sales-primed messaging kit for one offering: what a seller reads before a call.

Every line that says something happened is cited to the offering's own case notes, with the
note sentences it rests on (names of confidential customers described), so a reader can check
it. Questions and scenarios come from the title profiles: they ask and invite, never claim.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

KitEngine = Literal["grounded", "llm", "auto"]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Source(Frozen):
    """What a line rests on: a note and its own sentences, as a reader may see them."""

    note_id: str
    sentences: list[str] = Field(min_length=1)


class CitedLine(Frozen):
    """A sentence of the kit that states something happened, and what it rests on."""

    text: str = Field(description="As a seller may say it, citations in brackets.")
    sources: list[Source] = Field(min_length=1)

    @property
    def note_ids(self) -> list[str]:
        return [s.note_id for s in self.sources]


class Scenario(Frozen):
    """A usage scenario ("What if ...?") for a need that serves the goal, and where a note
    describes customers using the offering that way (None when no note does yet)."""

    need_id: str
    text: str
    source: Source | None = None


class Story(Frozen):
    """A success story from one note: who, the situation, what changed, the measured result."""

    note_id: str
    customer: str = Field(description="Named only if publishable, otherwise described.")
    industry: str
    situation: CitedLine | None = Field(
        default=None, description="The problem the note shows they had (omitted if unshown)."
    )
    change: CitedLine | None = Field(
        default=None, description="What changed by using the offering (omitted if unshown)."
    )
    result: CitedLine


class GoalKit(Frozen):
    """One supported goal of one title: how to ask about it, picture it, and prove it."""

    goal_id: str
    goal: str
    note_ids: list[str] = Field(description="Notes whose measured results speak to the goal.")
    questions: list[str] = Field(min_length=2, max_length=4)
    scenarios: list[Scenario] = Field(min_length=1, max_length=3)
    stories: list[Story] = Field(min_length=1, max_length=2)


class Gap(Frozen):
    """A goal no note of this offering supports yet: a story for PS and marketing to collect."""

    title_id: str
    title: str
    goal_id: str
    goal: str


class Cell(Frozen):
    """One cell of the conversation list: a title's goal and how well the notes support it."""

    title_id: str
    goal_id: str
    goal: str
    notes: int
    best: CitedLine | None = None


class TitleKit(Frozen):
    title_id: str
    title: str
    full_name: str
    summary: list[str] = Field(description="A short sales-primed summary for this title.")
    summary_sources: list[Source] = Field(default_factory=list)
    goals: list[GoalKit] = Field(default_factory=list, description="Goals the notes support.")
    gaps: list[Gap] = Field(default_factory=list)
    engine: Literal["grounded", "llm"] = "grounded"
    model: str | None = None


class Kit(Frozen):
    offering: str
    engine: KitEngine
    industry: str | None = None
    notes: int = Field(description="Case notes about the offering in the store.")
    titles: list[TitleKit]
    matrix: list[Cell]
    gaps: list[Gap]
    warnings: list[str] = Field(default_factory=list)

    def cited_lines(self) -> list[CitedLine]:
        """Every line of the kit that claims something happened."""
        found: list[CitedLine] = [c.best for c in self.matrix if c.best is not None]
        for title in self.titles:
            for goal in title.goals:
                for story in goal.stories:
                    found.append(story.result)
                    found.extend(x for x in (story.situation, story.change) if x is not None)
        return found

    def texts(self) -> list[str]:
        """Every sentence a seller may say from the kit (for the checks and the evals)."""
        out: list[str] = []
        for title in self.titles:
            out.extend(title.summary)
            for goal in title.goals:
                out.extend(goal.questions)
                out.extend(s.text for s in goal.scenarios)
        out.extend(line.text for line in self.cited_lines())
        return out


class OfferingSummary(Frozen):
    """An offering with notes in the store: note counts per title and per industry."""

    name: str
    aliases: list[str]
    notes: int
    by_title: dict[str, int]
    by_industry: dict[str, int]
