"""Property tests: scores stay in bounds and never crash on any text."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.scoring.dejargon import dejargon_score
from app.scoring.grounding import quantities, ungrounded
from app.scoring.scorecard import ScoreInput, Scorer
from app.text import split_sentences

TEXT = st.text(st.characters(codec="utf-8"), max_size=400)
PROSE = st.lists(
    st.sampled_from(
        [
            "Close",
            "the",
            "books",
            "in",
            "4",
            "days",
            "SAML",
            "99.95%",
            "seamless",
            "[PS-014]",
            "teams",
            "LedgerFlow",
            "offers",
            ",",
            ".",
            "\n",
            "—",
            "é",
            "🙂",
            "$380k",
            "twenty",
        ]
    ),
    max_size=120,
).map(" ".join)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(source=st.one_of(TEXT, PROSE), rewrite=st.one_of(TEXT, PROSE))
def test_scorecard_never_crashes_and_stays_in_bounds(
    scorer: Scorer, source: str, rewrite: str
) -> None:
    card = scorer.score(
        ScoreInput(source=source, rewrite=rewrite, title="CFO", product="LedgerFlow")
    )
    values = {name: m.value for name, m in card.measures.items()}
    for name in ("residue", "buyer_subject", "goal_coverage", "lead_goal"):
        value = values[name]
        assert value is None or 0.0 <= value <= 1.0, (name, value)
    dejargon = values["dejargon"]
    assert dejargon is None or 0.0 <= dejargon <= 100.0
    for name in ("lexicon", "grounding", "must_remove"):
        value = values[name]
        assert value is None or value >= 0
    for measure in card.measures.values():
        for span in measure.spans:
            assert 0 <= span.start <= span.end <= len(rewrite), (measure.name, span)
    assert card.passed == (not card.failed)


@given(TEXT)
def test_dejargon_score_is_between_0_and_100(text: str) -> None:
    score = dejargon_score(text)
    assert score is None or 0.0 <= score <= 100.0


@given(TEXT)
def test_number_and_sentence_parsing_never_crash(text: str) -> None:
    quantities(text)
    split_sentences(text)
    ungrounded(text, "", [])


def test_huge_text_scores(scorer: Scorer) -> None:
    huge = "Finance teams close the books in 4 days with LedgerFlow. " * 3000
    card = scorer.score(ScoreInput(source=huge, rewrite=huge, title="CFO", product="LedgerFlow"))
    assert card.words > 20_000 and card.measures["residue"].value is not None
