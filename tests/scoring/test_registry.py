"""The measure registry: each measure is a module plus a scoring.yaml entry, and every one of
them honours a per-call threshold override."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
import yaml
from pydantic import ValidationError

from app.config import PROJECT_ROOT
from app.domain import Claim
from app.guard import GUARD_MEASURES
from app.scores import Span
from app.scoring import measures
from app.scoring.measures import MEASURES, Metric, Outcome, ScoringContext
from app.scoring.scorecard import ScoreInput, Scorer, ScoringConfig
from app.scoring.thresholds import Threshold
from app.scoring.wordlists import WordLists
from app.titles import TitleRegistry
from tests.scoring.test_scorecard import GOOD, card

SCORING_YAML = PROJECT_ROOT / "corpora" / "scoring.yaml"


@dataclass(frozen=True)
class Override:
    """A rewrite, and a per-call threshold that turns its verdict on this measure around."""

    rewrite: str
    threshold: float
    extra: dict[str, object] = field(default_factory=dict)


# One case per registered measure: a new measure fails the override test until it has one.
OVERRIDES = {
    "must_remove": Override(GOOD + " Your OCR matches receipts.", 1, {"must_remove": ["OCR"]}),
    "residue": Override(GOOD + " Your OCR matches receipts.", 0.2),
    "lexicon": Override(GOOD + " Approval is seamless.", 1),
    "dejargon": Override(GOOD, 95),
    "grounding": Override(GOOD + " Finance teams also cut costs 40%.", 1),
    "feature_coverage": Override(
        GOOD, 0, {"claims": [Claim(kind="goal", text="Close in days", evidence_ids=["PS-014"])]}
    ),
    "goal_coverage": Override(GOOD, 1, {"goals": ["faster-close", "improve-cash"]}),
    "lead_goal": Override("Here is some news. Finance teams close in 4 days [PS-014].", 0),
    "buyer_subject": Override(
        "LedgerFlow offers faster close. It provides matching. "
        "Finance teams close in 4 days [PS-014].",
        0.3,
    ),
    "content_kept": Override(GOOD, 0.9),
    "readability": Override(GOOD, 6),
    "wellformed": Override(GOOD + " Cut by 5x Background: There were delays.", 1),
}


def test_every_registered_measure_has_a_scoring_yaml_entry_and_every_entry_a_measure() -> None:
    entries = yaml.safe_load(SCORING_YAML.read_text(encoding="utf-8"))
    assert sorted(entries) == sorted(MEASURES)
    assert len(set(MEASURES)) == len(MEASURES)


def test_scorecard_measures_and_the_guards_list_follow_the_registry(scorer: Scorer) -> None:
    assert list(card(scorer, GOOD).measures) == list(MEASURES)
    assert GUARD_MEASURES == ("residue", "lexicon", "grounding", "content_kept", "wellformed")


def test_every_override_case_names_a_registered_measure() -> None:
    assert sorted(OVERRIDES) == sorted(MEASURES)


@pytest.mark.parametrize("name", MEASURES)
def test_a_per_call_threshold_turns_every_measures_verdict_around(
    scorer: Scorer, name: str
) -> None:
    assert name in OVERRIDES, f"add an Override case for the new measure '{name}'"
    case = OVERRIDES[name]
    default = card(scorer, case.rewrite, **case.extra).measures[name]
    overridden = card(
        scorer, case.rewrite, thresholds={name: case.threshold}, **case.extra
    ).measures[name]
    assert default.value is not None and overridden.value == default.value
    assert overridden.threshold == case.threshold != default.threshold
    assert overridden.passed is not default.passed, (default.reason, overridden.reason)


def test_a_long_sentence_fails_readability_whatever_the_threshold(scorer: Scorer) -> None:
    long_sentence = "Finance teams " + " ".join(["close the books"] * 15) + "."
    rewrite = f"Close the books faster. {long_sentence}"
    measure = card(scorer, rewrite, thresholds={"readability": 100}).measures["readability"]
    assert measure.value is not None and measure.value <= 100
    assert not measure.passed and measure.reason.endswith("; long-sentence")


class Exclamations(Metric):
    """A throwaway measure, registered the way a real one is."""

    name = "exclamations"

    def compute(self, data: ScoreInput, _ctx: ScoringContext) -> Outcome:
        spans = [
            Span(start=m.start(), end=m.end(), text="!", kind="exclamation")
            for m in re.finditer("!", data.rewrite)
        ]
        return Outcome(float(len(spans)), f"{len(spans)} exclamation marks", spans)


def test_a_registered_measure_is_scored_judged_and_overridable(
    monkeypatch: pytest.MonkeyPatch, titles: TitleRegistry
) -> None:
    shipped = ScoringConfig.load(SCORING_YAML).root
    monkeypatch.setattr(measures, "REGISTRY", (*measures.REGISTRY, Exclamations()))
    with pytest.raises(ValidationError, match=r"missing \['exclamations'\]"):
        ScoringConfig.model_validate(shipped)
    config = ScoringConfig.model_validate(
        {**shipped, "exclamations": Threshold(threshold=0, direction="max")}
    )
    scorer = Scorer([], titles, config, WordLists.load(SCORING_YAML.parent / "wordlists.yaml"))
    rewrite = "Close the books in days! Finance teams close in 4 days [PS-014]!"

    strict = card(scorer, rewrite)
    assert list(strict.measures)[-1] == "exclamations"
    assert strict.measures["exclamations"].value == 2.0
    assert [s.start for s in strict.measures["exclamations"].spans] == [23, 63]
    assert "exclamations" in strict.failed

    loose = card(scorer, rewrite, thresholds={"exclamations": 2})
    assert loose.measures["exclamations"].passed and loose.measures["exclamations"].threshold == 2
