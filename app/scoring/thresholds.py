"""Thresholds for every measure (corpora/scoring.yaml) and the one function that judges them."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, RootModel, model_validator

from app.scores import Direction, Measure, Span, passes
from app.scoring.measures import Outcome, names
from app.yamlio import load_yaml_model


class Threshold(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    threshold: float
    direction: Direction
    required: bool = True


class ScoringConfig(RootModel[dict[str, Threshold]]):
    @model_validator(mode="after")
    def _all_measures(self) -> ScoringConfig:
        known = set(names())
        unknown = set(self.root) - known
        missing = known - set(self.root)
        if unknown or missing:
            raise ValueError(f"unknown measures {sorted(unknown)}; missing {sorted(missing)}")
        return self

    @classmethod
    def load(cls, path: Path) -> ScoringConfig:
        return load_yaml_model(path, cls)

    def verdict(self, name: str, outcome: Outcome, override: float | None = None) -> Measure:
        """Judge a measure's outcome against its threshold here, or the call's override."""
        limit = self.root[name]
        measure = judge(
            name,
            outcome.value,
            limit.threshold if override is None else override,
            limit.direction,
            outcome.reason,
            outcome.spans,
            outcome.details,
            limit.required,
        )
        return measure.model_copy(update={"passed": False}) if outcome.force_fail else measure


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
    passed = not required if value is None else passes(value, threshold, direction)
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
