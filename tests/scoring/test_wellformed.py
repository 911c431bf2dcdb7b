"""Well-formed copy: what real note text breaks when it is pasted into a rewrite without care,
with each problem pointing at the sentence that has it."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.scoring.wellformed import _JOINED, _RUN_IN, problems

HEADLINE = "Marrowby Home cuts its monitoring bill by 60%"


def found(text: str, headline: str = "") -> list[tuple[str, str]]:
    """(offending text as the span points at it, message) for every problem."""
    return [(text[s.start : s.end], s.message) for s in problems(text, headline)]


def test_clean_copy_with_an_unpunctuated_headline_has_no_problems() -> None:
    text = (
        f"{HEADLINE}\n\n"
        "Marrowby Home moved its metrics to Chronolake and cut its monitoring bill by 60%. "
        "Dashboards load in 90 ms instead of 800 ms. “We sleep at night now,” says Priya Nair, "
        "SRE lead.\n\n"
        "Keep 13 months of metrics without babysitting a single Prometheus server."
    )
    assert problems(text, HEADLINE) == []


def test_headline_without_full_stop_is_only_allowed_as_the_headline() -> None:
    text = f"{HEADLINE}\n\nMarrowby Home moved its metrics to Chronolake."
    assert found(text) == [
        (HEADLINE, "no full stop: a heading or list item posing as a sentence"),
    ]


def test_paragraph_that_starts_in_lower_case_is_a_fragment() -> None:
    text = (
        "Marrowby Home moved its metrics to Chronolake.\n\n"
        "and the dashboards got faster, not slower."
    )
    assert found(text) == [
        (
            "and the dashboards got faster, not slower.",
            "starts in lower case: a fragment of a longer sentence",
        )
    ]


def test_lower_case_fragment_after_a_full_stop_is_found() -> None:
    text = "Marrowby Home cut its bill by 60%. and the dashboards got faster, not slower."
    assert found(text) == [(text, "a fragment in lower case after a full stop")]


def test_brand_with_an_inner_capital_may_start_a_sentence() -> None:
    assert problems("iPhone users see the same dashboards as the on-call team.") == []


def test_unbalanced_quote_points_at_its_own_sentence() -> None:
    text = (
        "Marrowby Home cut its monitoring bill by 60%. "
        "“We sleep at night now, says Priya Nair, SRE lead."
    )
    assert found(text) == [
        ("“We sleep at night now, says Priya Nair, SRE lead.", "unbalanced quotation marks")
    ]


def test_unbalanced_straight_quote_is_found() -> None:
    text = '"We were paying people to babysit a metrics system, says Jackson Lee.'
    assert found(text) == [(text, "unbalanced quotation marks")]


def test_result_run_into_a_heading_is_found() -> None:
    text = (
        "Time to fix bugs reduced by 5x Background: There were many challenges in the old "
        "release process."
    )
    assert found(text) == [(text, "runs into a heading")]


def test_sentence_that_stops_at_a_colon_is_found() -> None:
    # RW-008
    text = (
        "Kilnbrook went from two releases a month to forty a day. "
        "Its DORA metrics, measured the same way before and after:"
    )
    assert found(text) == [
        ("Its DORA metrics, measured the same way before and after:", "stops at a colon")
    ]


def test_list_markup_in_prose_is_found() -> None:
    text = (
        "Marrowby Home moved its metrics to Chronolake.\n\n"
        "- Monitoring infrastructure cost fell by 60%.\n"
        "- Dashboard queries load in 90 ms."
    )
    assert [message for _, message in found(text)] == [
        "list or heading markup in prose",
        "list or heading markup in prose",
    ]


def test_body_sentence_without_a_full_stop_is_found_and_pointed_at() -> None:
    text = (
        f"{HEADLINE}\n\n"
        "Marrowby Home moved its metrics to Chronolake. Monitoring infrastructure cost down 60%"
        "\n\nQueries run in 90 ms."
    )
    spans = problems(text, HEADLINE)
    assert [(s.start, s.end, s.text, s.kind) for s in spans] == [
        (
            text.index("Monitoring"),
            text.index("down 60%") + len("down 60%"),
            "Monitoring infrastructure cost down 60%",
            "fragment",
        )
    ]


@pytest.mark.parametrize(
    "ending",
    [
        "Dashboards load in 90 ms.",
        "Dashboards load in 90 ms!",
        "Would you babysit Prometheus again?",
        "(Dashboards load in 90 ms.)",
        '"Dashboards load in 90 ms."',
        "“Dashboards load in 90 ms.”",
    ],
)
def test_sentence_ending_in_a_stop_inside_brackets_or_quotes_is_whole(ending: str) -> None:
    text = f"Marrowby Home moved its metrics to Chronolake. {ending}"
    assert problems(text) == []


def test_a_sentence_said_again_word_for_word_is_flagged_once_at_the_repeat() -> None:
    # Qwen2.5-Coder-1.5B wrote its first sentence again as its third
    said = "Keystone ID helps revenue teams ramp new reps sooner."
    text = f"{HEADLINE}\n\n{said} Access ends the day a contract does. {said[:-1]} [PS-012]."
    assert found(text, HEADLINE) == [
        (f"{said[:-1]} [PS-012].", "repeats an earlier sentence"),
    ]
    assert problems(f"{HEADLINE}\n\n{said} Keystone ID helps sales teams ramp.", HEADLINE) == []


_PLAIN_RUN_IN = re.compile(r"(?<=[\w%)])\s+[A-Z][a-z]+(?:\s+[a-z]+){0,2}:\s+[\"“]?[A-Z]")
_PLAIN_JOINED = re.compile(r"[a-z0-9%)][.!?]\s+[a-z]")
_ATOMS = st.sampled_from(["a", "Z", "9", "%", ")", ".", "!", ":", " ", "\n", "“", "Word", " x"])


@settings(max_examples=3000, deadline=None)
@given(st.lists(_ATOMS, max_size=20).map("".join))
def test_heading_and_joined_patterns_find_what_their_plain_forms_find(text: str) -> None:
    run_in, plain = _RUN_IN.search(text), _PLAIN_RUN_IN.search(text)
    assert (run_in and run_in.span()) == (plain and plain.span())
    assert (_JOINED.search(text) is None) == (_PLAIN_JOINED.search(text) is None)
