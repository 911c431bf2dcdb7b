"""Compare an eval report with a baseline: per-measure and per-case deltas, and regressions."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from app.errors import InvalidInputError
from app.evals.models import Comparison, Delta, EvalReport


def load_report(path: Path) -> EvalReport:
    try:
        return EvalReport.model_validate_json(path.read_bytes())
    except OSError as exc:
        raise InvalidInputError(
            f"{path}: cannot read the baseline report ({exc.strerror})"
        ) from exc
    except ValidationError as exc:
        raise InvalidInputError(
            f"{path}: not an eval report.json ({exc.error_count()} problems)"
        ) from exc


def _worse(direction: str, baseline: float, current: float, tolerance: float) -> bool:
    change = current - baseline
    return change > tolerance if direction == "max" else change < -tolerance


def compare(current: EvalReport, baseline: EvalReport, source: str, tolerance: float) -> Comparison:
    """A regression: an engine's mean of a measure moved the wrong way by more than `tolerance`
    (relative to the threshold's scale), or a case that met expectations no longer does."""
    deltas: list[Delta] = []
    regressions: list[str] = []
    for summary in current.summaries:
        old = next((s for s in baseline.summaries if s.engine == summary.engine), None)
        if old is None:
            continue
        for measure in summary.measures:
            before = next((m for m in old.measures if m.name == measure.name), None)
            if before is None:
                continue
            delta = (
                None if measure.mean is None or before.mean is None else measure.mean - before.mean
            )
            scale = max(1.0, abs(measure.threshold))
            bad = delta is not None and _worse(measure.direction, 0.0, delta / scale, tolerance)
            deltas.append(
                Delta(
                    engine=summary.engine,
                    measure=measure.name,
                    baseline=before.mean,
                    current=measure.mean,
                    delta=None if delta is None else round(delta, 4),
                    regression=bad,
                )
            )
            if bad:
                regressions.append(
                    f"{summary.engine}: mean {measure.name} {before.mean} -> {measure.mean}"
                )
    old_cases = {(r.engine, r.case_id): r for r in baseline.results}
    engines = {r.engine for r in current.results}
    now_cases = {(r.engine, r.case_id) for r in current.results}
    regressions.extend(
        f"{engine}/{case_id}: met expectations, now missing from the run"
        for (engine, case_id), old_result in old_cases.items()
        if engine in engines and (engine, case_id) not in now_cases and old_result.as_expected
    )
    for result in current.results:
        old_result = old_cases.get((result.engine, result.case_id))
        if old_result is None:
            continue
        if result.scorecard is None:  # the case errored: no rewrite to compare
            if old_result.as_expected:
                regressions.append(
                    f"{result.engine}/{result.case_id}: met expectations, now errors "
                    f"({result.error or 'no scorecard'})"
                )
            continue
        if old_result.scorecard is None:
            continue
        for name, now in result.scorecard.measures.items():
            was = old_result.scorecard.measures.get(name)
            if was is None or was.value is None or now.value is None or was.value == now.value:
                continue
            deltas.append(
                Delta(
                    engine=result.engine,
                    measure=name,
                    case_id=result.case_id,
                    baseline=was.value,
                    current=now.value,
                    delta=round(now.value - was.value, 4),
                    regression=was.passed and not now.passed,
                )
            )
        if old_result.as_expected and not result.as_expected:
            failing = ", ".join(result.scorecard.failed) or "nothing it was built to fail"
            regressions.append(
                f"{result.engine}/{result.case_id}: met expectations, now fails {failing}"
            )
    return Comparison(baseline=source, tolerance=tolerance, deltas=deltas, regressions=regressions)
