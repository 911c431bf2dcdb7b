"""What a case-note result does for a title, matched strictly; and the headline goal no cited
result names (a promise the pipeline warns about)."""

from __future__ import annotations

import pytest

from app.config import PROJECT_ROOT
from app.domain import Claim, TitleProfile
from app.engines.relevance import served, unbacked_goals
from app.titles import TitleRegistry

TITLES = TitleRegistry.from_dir(PROJECT_ROOT / "corpora" / "titles")
CLOSE = "Close the books in days, not weeks."


def profile(title: str) -> TitleProfile:
    return TITLES.get(title)


def cited(text: str, supports: tuple[str, ...] = ()) -> Claim:
    return Claim(kind="need", text=text, evidence_ids=["PS-001"], supports=list(supports))


def test_a_result_serves_the_goal_it_names() -> None:
    found = served("Month-end close went from 9 working days to 4 [PS-014].", profile("CFO"))
    assert found.goals == ("faster-close",) and found.kind == "goal"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        # PS-111 for a CFO: "approved" is not the AP in "invoice exceptions ... AP"
        ("Access requests fell from roughly 90 a month to 6, all approved.", "CFO"),
        # PS-101 for a CIO: true, and nothing a CIO said they want
        ("First-year RN turnover dropped from 31% to 19% after go-live.", "CIO"),
        # PS-002 for VP Sales: "reps" is in two of its goals, so it names neither
        ("Rep disputes about commission statements dropped from 60 a quarter to 12.", "VP Sales"),
    ],
)
def test_a_result_that_only_shares_letters_or_a_shared_word_serves_nothing(
    text: str, title: str
) -> None:
    found = served(text, profile(title))
    assert found.kind is None, found


def test_a_headline_goal_no_cited_result_names_is_unbacked() -> None:
    cfo = profile("CFO")
    claims = [cited("At Halberd Payments, alert volume down 62% [RW-015].")]
    assert [g.id for g in unbacked_goals(CLOSE, claims, cfo)] == ["faster-close"]


@pytest.mark.parametrize(
    "claim",
    [
        cited("At a logistics company, month-end close went from 9 working days to 4 [PS-014]."),
        # the note's own sentence behind a claim counts too
        cited("The team got its days back [PS-014].", ("Month-end close went from 9 days to 4.",)),
    ],
)
def test_a_headline_goal_a_cited_result_names_is_backed(claim: Claim) -> None:
    assert unbacked_goals(CLOSE, [claim], profile("CFO")) == []


def test_a_result_that_removes_a_problem_backs_the_goal_the_problem_blocks() -> None:
    # COO: "expediting" is the problem overtime-firefighting, which blocks lower-unit-cost.
    coo = profile("COO")
    claims = [cited("At a pump maker, the COO reports expediting costs down about 40% [PS-115].")]
    assert served(claims[0].text, coo).backed_goals(coo) == {"lower-unit-cost"}
    assert unbacked_goals("Lower cost per unit without cutting quality.", claims, coo) == []
    assert unbacked_goals("Cut unplanned downtime on critical equipment.", claims, coo)


def test_a_headline_is_not_judged_when_no_claim_cites_anything() -> None:
    claims = [Claim(kind="need", text="Your team can see cash every morning.", supported=False)]
    assert unbacked_goals(CLOSE, claims, profile("CFO")) == []
