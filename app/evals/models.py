"""Eval report models: per-case results, per-engine summaries, and a comparison with a baseline."""

from __future__ import annotations

from pydantic import BaseModel, Field

from app.scores import ScoreCard, Span


class CaseResult(BaseModel):
    case_id: str
    engine: str
    title: str
    offering: str
    source: str
    rewrite: str
    source_terms: list[Span] = Field(
        default_factory=list, description="Feature terms found in the source, to highlight."
    )
    scorecard: ScoreCard | None = None
    expect_fail: list[str] = Field(
        default_factory=list, description="Measures this case is built to fail (e.g. generic copy)."
    )
    as_expected: bool = Field(
        description="Passed, or failed exactly the measures it was built to fail."
    )
    error: str | None = None
    violations: list[str] = Field(
        default_factory=list, description="Expectations of the case this output breaks."
    )
    evidence_status: str | None = None
    produced_by: str | None = Field(
        default=None, description="The engine that wrote the rewrite, when a fallback happened."
    )
    seconds: float = 0.0


class MeasureSummary(BaseModel):
    name: str
    mean: float | None
    pass_rate: float
    threshold: float
    direction: str


class EngineSummary(BaseModel):
    engine: str
    cases: int
    passed: int
    as_expected: int
    errors: int
    fallbacks: int = 0
    measures: list[MeasureSummary]


class Delta(BaseModel):
    engine: str
    measure: str
    case_id: str | None = Field(default=None, description="None for the engine-level mean.")
    baseline: float | None
    current: float | None
    delta: float | None
    regression: bool


class Comparison(BaseModel):
    baseline: str
    tolerance: float
    deltas: list[Delta]
    regressions: list[str]


class EvalReport(BaseModel):
    suite: str
    description: str = ""
    created: str
    engines: list[str]
    summaries: list[EngineSummary]
    results: list[CaseResult]
    comparison: Comparison | None = None
