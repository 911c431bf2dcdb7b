"""Citation markers and quantities as grounding sees them: [PS-014] is a citation, [sic] and a
Markdown link are not; "sixty percent" and "60%" are the same quantity."""

from __future__ import annotations

import pytest

from app.scoring.quantities import cited_ids, id_like, quantities


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("Lead time fell from 16 days to under 3 hours [PS-014].", ["PS-014"]),
        ("The note was planted for a test [QA-INJ].", ["QA-INJ"]),
        ("Storage went from nine terabytes to under two [rw.7].", ["rw.7"]),
        ("One customer cut its bill by 60% [ACME].", ["ACME"]),
        ("Two customers cut their bills by half [PS-1, PS-2].", ["PS-1", "PS-2"]),
        ("Two customers cut their bills by half [PS-1; PS-2].", ["PS-1", "PS-2"]),
        ("Marrowby Home [RW-001] and Hollin Freight [RW-007] both moved.", ["RW-001", "RW-007"]),
        ("Both moved [RW-001][RW-007].", ["RW-001", "RW-007"]),
    ],
)
def test_bracketed_note_ids_are_citations(text: str, ids: list[str]) -> None:
    assert cited_ids(text) == ids


@pytest.mark.parametrize(
    "text",
    [
        "Their bill was [sic] cut in half.",
        "Read the [case study](https://example.com/marrowby) for the numbers.",
        "Read the [PS-014](https://example.com/ps-014) write-up.",
        "See the [Results] section.",
        "A [PS-1, sic] mix is no citation.",
    ],
)
def test_plain_words_and_markdown_links_are_not_citations(text: str) -> None:
    assert cited_ids(text) == []


def test_known_id_counts_even_when_it_is_a_plain_word() -> None:
    assert cited_ids("Their bill was cut in half [sic].", known=["sic"]) == ["sic"]


@pytest.mark.parametrize(
    ("word", "is_id"),
    [
        ("PS-014", True),
        ("QA-INJ", True),
        ("rw.7", True),
        ("ACME", True),
        ("note_7", True),
        ("sic", False),
        ("Results", False),
        ("A", False),
    ],
)
def test_id_like_accepts_digits_separators_and_capitals(word: str, is_id: bool) -> None:
    assert id_like(word) is is_id


def values(text: str) -> list[tuple[float, str, str]]:
    return [(q.value, q.unit, q.span.text) for q in quantities(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We cut our bill by sixty percent.", [(60.0, "%", "sixty percent")]),
        ("We cut our bill by 60%.", [(60.0, "%", "60%")]),
        ("Storage spend fell 60 per cent.", [(60.0, "%", "60 per cent")]),
        ("Observability spend fell to $1.1M a year.", [(1_100_000.0, "$", "$1.1M")]),
        ("It brought forward €1.2M of contracted revenue.", [(1_200_000.0, "$", "€1.2M")]),
        ("Time to fix bugs reduced by 5x.", [(5.0, "x", "5x")]),
        ("Canary analysis caught regressions 2.5 times faster.", [(2.5, "x", "2.5 times")]),
        ("Call volume fell by 3,400 calls.", [(3400.0, "", "3,400")]),
        (
            "Cost down from $41k to $16k a month.",
            [(41_000.0, "$", "$41k"), (16_000.0, "$", "$16k")],
        ),
        ("It took twenty minutes.", [(20.0, "", "twenty")]),
    ],
)
def test_quantities_parse_digits_words_currencies_and_multipliers(
    text: str, expected: list[tuple[float, str, str]]
) -> None:
    assert values(text) == expected


def test_quantity_span_points_into_the_text() -> None:
    text = "We cut our bill by sixty percent in the first quarter."
    (quantity,) = quantities(text)
    assert text[quantity.span.start : quantity.span.end] == "sixty percent"


def test_citation_numbers_are_not_quantities() -> None:
    assert values("Costs fell 60% [PS-014].") == [(60.0, "%", "60%")]


def test_number_words_can_be_left_out() -> None:
    assert [(q.value, q.unit) for q in quantities("Sixty percent, or 60%.", words_too=False)] == [
        (60.0, "%")
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We cut our bill by fifty-five percent.", [(55.0, "%")]),
        ("We retired two hundred cron jobs.", [(200.0, "")]),
    ],
)
def test_compound_number_words_are_one_quantity(
    text: str, expected: list[tuple[float, str]]
) -> None:
    assert [(q.value, q.unit) for q in quantities(text)] == expected
