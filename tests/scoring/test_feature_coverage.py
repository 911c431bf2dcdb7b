"""Feature coverage counts the features the copy was rewritten for, extracted once."""

from __future__ import annotations

import pytest

import app.features
from app.domain import Claim
from app.features import MAX_FEATURES, Feature, kept_features
from app.scoring.scorecard import ScoreInput, Scorer

# Fifteen feature statements: more than the pipeline keeps.
SOURCE = "\n".join(
    f"- LedgerFlow feature number {n} syncs ledger entries nightly." for n in range(15)
)
REWRITE = "Close the books in days, not weeks."


def carrying(feature_ids: list[str]) -> list[Claim]:
    return [Claim(kind="goal", text="Close in days", evidence_ids=[], feature_ids=feature_ids)]


def coverage(scorer: Scorer, data: ScoreInput) -> float | None:
    return scorer.score(data).measures["feature_coverage"].value


def test_a_copy_with_more_features_than_kept_can_reach_full_coverage(scorer: Scorer) -> None:
    assert len(app.features.extract_features(SOURCE)) == 15
    kept = [f.id for f in kept_features(SOURCE)]
    assert len(kept) == MAX_FEATURES
    data = ScoreInput(source=SOURCE, rewrite=REWRITE, claims=carrying(kept))
    assert coverage(scorer, data) == 1.0


def test_features_given_with_the_input_are_the_ones_counted(scorer: Scorer) -> None:
    given = [Feature(id="F1", statement="syncs ledger entries nightly")]
    data = ScoreInput(source=SOURCE, rewrite=REWRITE, claims=carrying(["F1"]))
    assert coverage(scorer, data.with_features(given)) == 1.0
    extracted = ScoreInput(source=SOURCE, rewrite=REWRITE, claims=carrying(["F1"]))
    assert coverage(scorer, extracted) == pytest.approx(1 / MAX_FEATURES, abs=1e-4)


def test_features_are_extracted_once_per_input_however_often_it_is_scored(
    scorer: Scorer, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    extract = app.features.extract_features

    def counted(copy: str, min_words: int = 4) -> list[Feature]:
        calls.append(copy)
        return extract(copy, min_words)

    monkeypatch.setattr(app.features, "extract_features", counted)
    data = ScoreInput(source=SOURCE, rewrite=REWRITE, claims=carrying(["F1"]))
    scorer.score(data)
    scorer.score(data)
    assert len(calls) == 1
    given = ScoreInput(source=SOURCE, rewrite=REWRITE).with_features([])
    scorer.score(given)
    assert len(calls) == 1


def test_coverage_without_claims_asks_for_them_and_extracts_no_features(
    scorer: Scorer, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    monkeypatch.setattr(app.features, "extract_features", lambda copy, *_: calls.append(copy))
    measure = scorer.score(ScoreInput(source=SOURCE, rewrite=REWRITE)).measures["feature_coverage"]
    assert (measure.value, measure.reason) == (None, "needs claims mapped to features")
    assert calls == []


def test_coverage_of_a_source_without_feature_statements_says_so(scorer: Scorer) -> None:
    data = ScoreInput(source="Ledgers.", rewrite=REWRITE, claims=carrying(["F1"]))
    measure = scorer.score(data).measures["feature_coverage"]
    assert (measure.value, measure.reason) == (None, "no feature statements in the source")
