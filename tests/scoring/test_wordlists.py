"""Word lists are data: corpora/wordlists.yaml decides, and a malformed file is one clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import PROJECT_ROOT
from app.errors import ResourceError
from app.scoring.scorecard import ScoreInput, Scorer, ScoringConfig
from app.scoring.wordlists import WordLists
from app.titles import TitleRegistry

CORPORA = PROJECT_ROOT / "corpora"
SHIPPED = WordLists.load(CORPORA / "wordlists.yaml")


def scorer_with(titles: TitleRegistry, wordlists: WordLists) -> Scorer:
    return Scorer([], titles, ScoringConfig.load(CORPORA / "scoring.yaml"), wordlists)


def buyer_subject(scorer: Scorer, rewrite: str) -> float | None:
    data = ScoreInput(source="LedgerFlow closes books.", rewrite=rewrite, product="LedgerFlow")
    return scorer.score(data).measures["buyer_subject"].value


def test_the_shipped_lists_hold_every_list_the_code_reads() -> None:
    assert "logistics" in SHIPPED.industry_nouns
    assert {"see", "cut"} <= SHIPPED.imperatives
    assert {"offers", "comes with", "is designed"} <= set(SHIPPED.product_verbs)


def test_a_product_verb_added_to_the_file_makes_the_product_the_subject(
    titles: TitleRegistry,
) -> None:
    rewrite = "LedgerFlow unlocks faster closes. Finance teams close in four days."
    assert buyer_subject(scorer_with(titles, SHIPPED), rewrite) == 1.0
    edited = SHIPPED.model_copy(update={"product_verbs": (*SHIPPED.product_verbs, "unlocks")})
    assert buyer_subject(scorer_with(titles, edited), rewrite) == 0.5


def test_multi_word_product_verbs_match_as_phrases(titles: TitleRegistry) -> None:
    rewrite = "LedgerFlow comes with consolidation. Finance teams close in four days."
    assert buyer_subject(scorer_with(titles, SHIPPED), rewrite) == 0.5


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("industry_nouns: {retail: a retailer}\nimperatives: [see]\n", "product_verbs"),
        (
            "industry_nouns: {retail: a retailer}\nimperatives: [see]\nproduct_verbs: []\n",
            "product_verbs",
        ),
        (
            "industry_nouns: {retail: a retailer}\nimperatives: [see]\nproduct_verbs: [offers]\n"
            "verbs: [x]\n",
            "verbs",
        ),
        (
            "industry_nouns: {retail: a retailer}\nimperatives: [see]\nproduct_verbs: [off|ers]\n",
            "product_verbs.0",
        ),
        ("product_verbs: [offers\n", "line 1"),
    ],
)
def test_a_malformed_word_list_file_is_one_error_naming_file_and_field(
    tmp_path: Path, text: str, named: str
) -> None:
    path = tmp_path / "wordlists.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ResourceError) as caught:
        WordLists.load(path)
    assert str(path) in str(caught.value) and named in str(caught.value)
