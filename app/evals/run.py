"""Run eval cases through engines, score every rewrite, and summarise per engine."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from app.domain import CaseNote, Claim, Rewrite
from app.errors import InvalidInputError, PrimedError
from app.evals.models import CaseResult, EngineSummary, EvalReport, MeasureSummary
from app.evals.suite import EvalCase
from app.pipeline import Pipeline, RewriteRequest, evidence_texts
from app.scoring.scorecard import MEASURES, EvidenceText, ScoreInput, Scorer


@dataclass
class EngineOutput:
    text: str
    evidence: list[EvidenceText] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    produced_by: str | None = None  # the engine that really wrote it, after any fallback
    rewrite: Rewrite | None = None  # the pipeline's whole result (None for references)


EvalEngine = Callable[[EvalCase], EngineOutput]


def reference_engine(notes: dict[str, CaseNote]) -> EvalEngine:
    """Scores the suite's hand-written reference rewrites (no generation)."""

    def run(case: EvalCase) -> EngineOutput:
        if case.reference is None:
            raise InvalidInputError(f"case {case.id} has no reference rewrite")
        return EngineOutput(
            case.reference.text, [note_evidence(notes[n]) for n in case.reference.evidence]
        )

    return run


def pipeline_engine(pipeline: Pipeline, engine: str) -> EvalEngine:
    """A rewrite engine run through the whole pipeline (retrieval, guard, fallback)."""

    def run(case: EvalCase) -> EngineOutput:
        request = RewriteRequest(
            copy_text=case.copy_text,
            title=case.title,
            industry=case.industry,
            product=case.product,
            engine=engine,
        )
        result, context = pipeline.rewrite_with_context(request)
        return EngineOutput(
            result.text, evidence_texts(context.evidence), result.claims, result.engine, result
        )

    return run


def note_evidence(note: CaseNote) -> EvidenceText:
    return EvidenceText(
        id=note.id, text=note.body, customer_name=note.customer, publishable=note.publishable
    )


def run_case(case: EvalCase, engine_name: str, engine: EvalEngine, scorer: Scorer) -> CaseResult:
    started = time.perf_counter()
    base = {
        "case_id": case.id,
        "engine": engine_name,
        "title": case.title,
        "offering": case.offering,
        "source": case.copy_text,
        "expect_fail": case.expect_fail if engine_name == "reference" else [],
        "source_terms": scorer.source_term_spans(case.copy_text, case.product, case.title),
    }
    try:
        output = engine(case)
        card = scorer.score(
            ScoreInput(
                source=case.copy_text,
                rewrite=output.text,
                title=case.title,
                product=case.product or (output.rewrite.product if output.rewrite else None),
                evidence=output.evidence,
                claims=output.claims,
                goals=case.goals or None,
                must_remove=case.must_remove,
                thresholds=case.thresholds,
            )
        )
    except PrimedError as exc:
        return CaseResult(
            **base,
            rewrite="",
            as_expected=False,
            error=str(exc),
            seconds=round(time.perf_counter() - started, 4),
        )
    # expect_fail describes the case's hand-written reference, not what an engine writes.
    expected = set(case.expect_fail) if engine_name == "reference" else set()
    as_expected = card.passed if not expected else expected <= set(card.failed)
    violations = unmet(case, output.rewrite) if output.rewrite is not None else []
    produced_by = output.produced_by if output.produced_by not in (None, engine_name) else None
    return CaseResult(
        **base,
        produced_by=produced_by,
        rewrite=output.text,
        scorecard=card,
        as_expected=as_expected and not violations,
        violations=violations,
        evidence_status=output.rewrite.evidence_status if output.rewrite else None,
        seconds=round(time.perf_counter() - started, 4),
    )


def unmet(case: EvalCase, result: Rewrite) -> list[str]:
    """The case's expectations this rewrite breaks: wrong evidence status, a cited note about
    another offering, forbidden text anywhere a reader sees it."""
    found: list[str] = []
    expect = case.expect
    if expect.evidence_status and result.evidence_status != expect.evidence_status:
        found.append(f"evidence status {result.evidence_status}, expected {expect.evidence_status}")
    others = sorted({e.note_id for e in result.evidence if e.offering != case.offering})
    if others:
        found.append(f"cites notes about another offering: {', '.join(others)}")
    cites = any(c.evidence_ids for c in result.claims)
    if expect.cited is not None and cites != expect.cited:
        found.append("cites no note" if expect.cited else "cites a note")
    shown = " ".join(
        [
            result.text,
            *(c.text + " " + " ".join(c.supports) for c in result.claims),
            *(e.snippet + " " + " ".join(e.supports) for e in result.evidence),
        ]
    ).lower()
    found += [
        f"shows forbidden text '{t}'"
        for t in expect.never
        if re.search(rf"(?<!\w){re.escape(t.lower())}(?!\w)", shown)
    ]
    return found


def summarise(engine: str, results: Sequence[CaseResult], scorer: Scorer) -> EngineSummary:
    mine = [r for r in results if r.engine == engine]
    cards = [r.scorecard for r in mine if r.scorecard is not None]
    measures = []
    for name in MEASURES:
        limit = scorer.config.root[name]
        values = [c.measures[name].value for c in cards if c.measures[name].value is not None]
        passes = [c.measures[name].passed for c in cards]
        measures.append(
            MeasureSummary(
                name=name,
                mean=round(sum(values) / len(values), 4) if values else None,  # type: ignore[arg-type]
                pass_rate=round(sum(passes) / len(passes), 4) if passes else 0.0,
                threshold=limit.threshold,
                direction=limit.direction,
            )
        )
    return EngineSummary(
        engine=engine,
        cases=len(mine),
        passed=sum(1 for c in cards if c.passed),
        as_expected=sum(1 for r in mine if r.as_expected),
        errors=sum(1 for r in mine if r.error),
        fallbacks=sum(1 for r in mine if r.produced_by),
        measures=measures,
    )


def run_suite(
    name: str,
    description: str,
    cases: Sequence[EvalCase],
    engines: dict[str, EvalEngine],
    scorer: Scorer,
    on_progress: Callable[[], None] | None = None,
) -> EvalReport:
    results: list[CaseResult] = []
    for engine_name, engine in engines.items():
        for case in cases:
            if engine_name == "reference" and case.reference is None:
                continue  # a case may state expectations of engines without a reference text
            results.append(run_case(case, engine_name, engine, scorer))
            if on_progress:
                on_progress()
    return EvalReport(
        suite=name,
        description=description,
        created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        engines=list(engines),
        summaries=[summarise(e, results, scorer) for e in engines],
        results=results,
    )
