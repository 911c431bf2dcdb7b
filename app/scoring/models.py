"""ScoreCard models: each measure's value, threshold, verdict, reason and offending spans."""

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


def judge(
    name: str,
    value: float | None,
    threshold: float,
    direction: Direction,
    reason: str,
    spans: list[Span] | None = None,
    details: dict[str, float | int | str | list[str]] | None = None,
    required: bool = True,
) -> Measure:
    """Build a Measure; a value of None passes only when the measure is not required."""
    if value is None:
        passed = not required
    elif direction == "max":
        passed = value <= threshold + 1e-9
    else:
        passed = value >= threshold - 1e-9
    return Measure(
        name=name,
        value=None if value is None else round(float(value), 4),
        threshold=threshold,
        direction=direction,
        passed=passed,
        reason=reason,
        spans=spans or [],
        details=details or {},
    )
