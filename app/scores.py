"""ScoreCard data shared by every layer: each measure's value, threshold, verdict, reason and
offending spans (the domain's Rewrite carries one; scoring fills it)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Direction = Literal["max", "min"]


class Span(BaseModel):
    """An offending piece of text, by character offsets into the text it came from."""

    model_config = ConfigDict(frozen=True)

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    kind: str = Field(description="What is wrong: residue, lexicon, ungrounded-number, ...")
    message: str = ""
    suggestion: str | None = None


class Measure(BaseModel):
    """One measure: `value` compared with `threshold` (`max`: value <= threshold passes)."""

    name: str
    value: float | None = Field(description="None when the measure could not be computed.")
    threshold: float
    direction: Direction
    passed: bool
    reason: str
    spans: list[Span] = Field(default_factory=list)
    details: dict[str, float | int | str | list[str]] = Field(default_factory=dict)


class ScoreCard(BaseModel):
    measures: dict[str, Measure]
    passed: bool
    failed: list[str] = Field(default_factory=list)
    words: int = 0


def passes(value: float, threshold: float, direction: Direction | str) -> bool:
    """`max` passes at or below the threshold, `min` at or above (the ScoreCard's one rule)."""
    if direction == "max":
        return value <= threshold + 1e-9
    return value >= threshold - 1e-9
