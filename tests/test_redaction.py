"""The one redaction rule: a confidential customer appears only by its description."""

from __future__ import annotations

import pytest

from app.redaction import redact

NAME = "Brackley Precision Components"
DESCRIPTION = "a precision parts manufacturer with five plants"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (
            "We met Brackley Precision Components in March.",
            "We met a precision parts manufacturer with five plants in March.",
        ),
        # the short name, at a sentence start
        (
            "Payroll ran late. Brackley then moved to weekly runs.",
            "Payroll ran late. A precision parts manufacturer with five plants then moved to "
            "weekly runs.",
        ),
        # a possessive: "...five plants's controller" was no English
        ("Brackley's controller signed off.", "The customer's controller signed off."),
        ("We met Brackley’s controller.", "We met the customer’s controller."),
        # in capitals, as a heading writes it
        (
            "BRACKLEY KICK-OFF NOTES",
            "A precision parts manufacturer with five plants KICK-OFF NOTES",
        ),
        ("BRACKLEY'S plant.", "The customer's plant."),
    ],
)
def test_a_confidential_customer_is_shown_only_by_its_description(text: str, shown: str) -> None:
    assert redact(text, NAME, DESCRIPTION) == shown
    assert "Brackley" not in shown and "plants's" not in shown


def test_a_name_ending_in_s_takes_a_bare_apostrophe_as_its_possessive() -> None:
    name, description = "Halden Logistics", "a regional logistics firm"
    text = "Halden Logistics' CFO signed. We quoted 'Halden Logistics' twice; Halden Logistics'."
    assert redact(text, name, description) == (
        "The customer's CFO signed. We quoted 'a regional logistics firm' twice; a regional "
        "logistics firm'."
    )
