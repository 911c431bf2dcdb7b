"""Which goal a note's result may be cited for: stricter than the keywords that score copy."""

from __future__ import annotations

import pytest

from app.scoring.outcome import goal_hits, result_names, result_serves
from app.titles import TitleRegistry


@pytest.mark.parametrize(
    ("title", "goal", "result"),
    [
        # PS-002: "reps" is shared by two VP Sales goals; a commission result gets no rep to quota.
        ("vp-sales", "quota-attainment", "Reps didn't trust their commission statements."),
        # PS-112: "bookings" is not "books".
        (
            "cfo",
            "faster-close",
            "Quarterly forecast error fell from 22% to 6%, measured against final bookings.",
        ),
        # "number" is too common a word to name quota attainment.
        ("vp-sales", "quota-attainment", "The number of manual journal entries fell by 40%."),
        # A keyword inside another word ("reports") names nothing.
        ("vp-sales", "quota-attainment", "Month-end reports went out in 2 days, not 5."),
        # PS-012: a keyword written as a plural noun is a noun: "books" is not "booked".
        ("cfo", "faster-close", "Days to first booked meeting fell from 19 to 12."),
    ],
)
def test_a_result_sharing_only_a_loose_keyword_with_a_goal_does_not_serve_it(
    titles: TitleRegistry, title: str, goal: str, result: str
) -> None:
    profile = titles.get(title)
    assert goal_hits(result, profile, [goal])  # the loose test that scores copy says yes
    assert not result_serves(result, profile, goal)


@pytest.mark.parametrize(
    ("title", "goal", "result"),
    [
        ("cfo", "faster-close", "Month-end close went from 9 working days to 4."),
        ("cfo", "faster-close", "The days to close fell from 9 to 4."),
        ("cfo", "scale-without-headcount", "They added three new entities without hiring."),
        ("vp-sales", "quota-attainment", "Quota attainment rose from 48% to 61%."),
    ],
)
def test_a_result_naming_a_goal_in_its_own_words_serves_it(
    titles: TitleRegistry, title: str, goal: str, result: str
) -> None:
    assert result_serves(result, titles.get(title), goal)


def test_result_names_takes_plurals_and_past_tenses_of_the_last_word_only(
    titles: TitleRegistry,
) -> None:
    assert result_names("Entities consolidated.", ["entity"])
    assert result_names("Both banks reconciled daily.", ["reconcile"])
    assert not result_names("The plants closed early.", ["close"])  # too common alone
    assert result_names("three new entities", ["new entity"])
    assert not result_names("a closet", ["reconciliation"])
    assert not result_names("Reps", ["reps"], others=["rep"])
    # a plural keyword takes its singular, never a verb form: "misses" is not "missing"
    assert result_names("Two misses in a row.", ["misses"])
    assert not result_names("Parcels missing their slot fell by 60%.", ["misses"])
    assert result_names("One company moved.", ["companies"])
    assert not result_names("The books were booked.", ["bookings"])
    assert not result_serves("Quota attainment rose.", titles.get("vp-sales"), "no-such-goal")
